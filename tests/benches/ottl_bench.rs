//! The JIT against everything else it is measured against (DESIGN §7), in one run on the
//! same records: the project's interpreter, hand-written Rust doing the same work on the
//! OTLP structs, the Go reference (the collector's own processors, `tests/reference`'s
//! `ottl-ref bench`), VRL (with `--features vrl`) and, as a yardstick, decoding and
//! encoding the records' OTLP protobuf. Then the heap allocations per record of each, the
//! JIT's compile time per statement and the memory a long run of hot reloads leaves behind.
//!
//! `cargo bench -p ottl-tests --bench ottl-bench [--features vrl] [-- end-to-end]` (the
//! last: only the end-to-end section, `ottlc run` against `ottl-ref` as processes). Every
//! engine's output is checked once against the interpreter's before it is timed, so that a fast wrong answer
//! cannot pass for a number. Each timed run gets a copy of the input made before its clock
//! starts (rather than the copy's cost measured apart and subtracted, which is noisier than
//! the cheapest engines' whole run).

mod end_to_end;
mod go_peer;
mod handwritten;
mod passthrough;
mod scenarios;
#[cfg(feature = "vrl")]
mod vrl_peer;

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use ottl_compiler::interp;
use ottl_compiler::program::{ErrorMode, Rule, RuleSet};
use ottl_jit as jit;
use ottl_runtime::exec::Outputs;
use ottl_runtime::otlp::Telemetry;
use ottl_tests::counting_alloc::{self, Allocations, Counting};
use serde_json::{Value as Json, json};

use scenarios::Scenario;

/// The allocator `ottlc` and the agent use, so that the numbers are theirs; counting the
/// allocations of one untimed run per engine (while it does not count, an allocation costs
/// one relaxed atomic load more).
#[global_allocator]
static ALLOCATOR: Counting<mimalloc::MiMalloc> = Counting::new(mimalloc::MiMalloc);

/// Timed runs per engine and scenario; the fastest counts. As many as fit in
/// `ROUND_BUDGET` (a short run is more easily disturbed by the machine's other work),
/// within these bounds.
const ROUNDS: std::ops::RangeInclusive<usize> = 5..=25;
const ROUND_BUDGET: Duration = Duration::from_secs(3);

/// Records on which the Go reference's output is compared with the interpreter's.
const GO_SAMPLE: usize = 200;

/// Compilations per scenario for the compile-time lines.
const COMPILES: u32 = 20;

/// Hot reloads measured for the memory line, after `RELOAD_WARM_UP`.
const RELOADS: usize = 10_000;
const RELOAD_WARM_UP: usize = 100;

/// One engine's nanoseconds per record, or why there is none.
type Cell = Result<f64, String>;

/// One scenario's row of the tables.
struct Row {
    name: String,
    records: usize,
    /// Per engine of `ENGINES`.
    cells: [Cell; 6],
    /// Per engine of `ENGINES`, on one untimed run; `None` for the Go reference (another
    /// process) and for an engine without a time.
    allocations: [Option<Allocations>; 6],
}

/// The table's columns. `protobuf` runs no rules: it decodes the records' OTLP protobuf
/// and encodes them again (`passthrough`).
const ENGINES: [&str; 6] = ["interp", "jit", "rust", "go", "vrl", "protobuf"];

/// mimalloc's setting for this process: never give freed pages back to the system. By
/// default it returns them soon after they are freed and takes page faults to get them
/// again, which on a 2-core machine made two timings of the same engine differ by up to
/// 1.5x (by 1.1x with this setting, at half the system time). It is read when the
/// allocator starts, before `main`: the bench runs itself again with it set.
const PURGE_DELAY: (&str, &str) = ("MIMALLOC_PURGE_DELAY", "-1");

fn main() {
    if std::env::var_os(PURGE_DELAY.0).is_none() {
        std::process::exit(run_again_with(PURGE_DELAY));
    }
    print_machine();
    if std::env::args().any(|arg| arg == "end-to-end") {
        end_to_end::print();
        return;
    }
    // First, while the heap is small: the memory the scenarios' large records free would
    // hide a JIT's leak in the resident set.
    let reloaded = scenarios::log_statements(10);
    let growth = reload_growth(&reloaded);
    let scenarios = scenarios::all();
    let rows = print_table(&scenarios);
    print_allocations(&rows);
    end_to_end::print();
    print_compile_times(&scenarios);
    print_reload_growth(&reloaded.name, growth);
}

/// The table: a row per scenario, then what the n/a cells mean; the rows, for the
/// allocation table.
fn print_table(scenarios: &[Scenario]) -> Vec<Row> {
    println!(
        "\nns per record, best of {}-{} runs (all engines of a row alike); copying the input and dropping the output are not timed;",
        ROUNDS.start(),
        ROUNDS.end()
    );
    println!("vs X = X's time / the JIT's time (above 1: the JIT is faster)");
    print_header();
    let mut notes = Vec::new();
    let mut rows = Vec::new();
    for scenario in scenarios {
        let row = measure(scenario);
        print_row(&row);
        let reasons = row.cells.iter().zip(ENGINES).filter_map(|(cell, engine)| Some((engine, cell.as_ref().err()?)));
        notes.extend(reasons.map(|(engine, why)| format!("  {}, {engine}: {why}", row.name)));
        rows.push(row);
    }
    println!("goals (DESIGN §7): vs interp >= 3 on 10+ statements, vs rust >= 0.67 (within 1.5x), vs go >= 20");
    println!(
        "protobuf: no rules, the records' OTLP protobuf decoded and encoded again (prost, the runtime's types): \
         what an agent pays per record anyway; vs protobuf below 1: the rules cost more than that"
    );
    if cfg!(feature = "vrl") {
        println!(
            "vrl: records converted to VRL events once, outside the timed part; each event carries its resource's attributes"
        );
    }
    if !notes.is_empty() {
        println!("n/a:");
        notes.iter().for_each(|note| println!("{note}"));
    }
    rows
}

/// The second table: heap allocations and bytes per record of each engine's untimed run.
fn print_allocations(rows: &[Row]) {
    println!(
        "\nheap allocations per record, one untimed run (allocs: alloc and realloc calls; bytes: sizes asked for, \
         a realloc counting its new size; the input's copy and the output's drop not counted):"
    );
    // The Go reference runs in another process.
    let counted = || ENGINES.iter().enumerate().filter(|(_, engine)| **engine != "go");
    print!("{:<24}", "scenario");
    counted().for_each(|(_, engine)| print!(" {engine:>17}"));
    print!("\n{:<24}", "");
    counted().for_each(|_| print!(" {:>8} {:>8}", "allocs", "bytes"));
    println!();
    for row in rows {
        print!("{:<24}", row.name);
        for allocations in counted().map(|(i, _)| row.allocations[i]) {
            match allocations.map(|a| a.per_record(row.records)) {
                Some((count, bytes)) => print!(" {count:>8.1} {bytes:>8.0}"),
                None => print!(" {:>17}", "n/a"),
            }
        }
        println!();
    }
}

fn print_reload_growth(name: &str, growth: Result<(i64, i64), String>) {
    match growth {
        Ok((before, after)) => println!(
            "\nhot reloads of \"{name}\" (compile, run on 10 records, drop): RSS {before} KB after {RELOAD_WARM_UP}, \
             {after} KB after {RELOADS} more: growth {} KB",
            after - before
        ),
        Err(e) => println!("\nhot reloads: n/a ({e})"),
    }
}

/// Runs this bench again with the environment variable `name` set to `value`; its exit code.
fn run_again_with((name, value): (&str, &str)) -> i32 {
    let status = std::env::current_exe()
        .and_then(|bench| std::process::Command::new(bench).args(std::env::args_os().skip(1)).env(name, value).status());
    match status {
        Ok(status) => status.code().unwrap_or(1),
        Err(e) => {
            eprintln!("ottl-bench: cannot run itself again with {name}={value}: {e}");
            1
        }
    }
}

/// The machine, as the figures depend on it.
fn print_machine() {
    println!("machine: {}; every engine runs on one; {}={}", ottl_tests::procfs::machine(), PURGE_DELAY.0, PURGE_DELAY.1);
}

fn print_header() {
    print!("{:<24} {:>7}", "scenario", "records");
    ENGINES.iter().for_each(|engine| print!(" {engine:>9}"));
    ENGINES.iter().filter(|e| **e != "jit").for_each(|engine| print!(" {:>11}", format!("vs {engine}")));
    println!();
}

fn print_row(row: &Row) {
    print!("{:<24} {:>7}", row.name, row.records);
    for cell in &row.cells {
        match cell {
            Ok(ns) => print!(" {ns:>9.0}"),
            Err(_) => print!(" {:>9}", "n/a"),
        }
    }
    let jit = &row.cells[1];
    for (other, _) in row.cells.iter().zip(ENGINES).filter(|(_, engine)| *engine != "jit") {
        match (other, jit) {
            (Ok(other), Ok(jit)) if *jit > 0.0 => print!(" {:>10.2}x", other / jit),
            _ => print!(" {:>11}", "n/a"),
        }
    }
    println!();
}

/// One engine running a scenario's rules over a copy of the input.
type Run<'a> = Box<dyn Fn(Telemetry) -> Outputs + 'a>;

/// Runs every engine on the scenario's records: each checked once against the
/// interpreter's output, then timed, then its allocations counted on one more run.
fn measure(scenario: &Scenario) -> Row {
    let rules = compile(scenario);
    let input = (scenario.records)(scenario.count);
    let expected = reference_output(&rules, &input);
    let expected_json = outputs_json(&expected);
    let check = |run| checked(run, &input, &expected_json);
    let interp: Run<'_> = Box::new(|telemetry| interp::run(&rules, telemetry, &mut |_| {}).expect("the interpreter runs"));
    let jit = jit::compile(&rules)
        .map_err(|e| format!("does not compile: {e}"))
        .and_then(|program| check(Box::new(move |telemetry| program.run(telemetry, &mut |_| {}).expect("the JIT runs"))));
    let rust = check(Box::new(&scenario.handwritten))
        .unwrap_or_else(|why| panic!("{}: the hand-written Rust is wrong: {why}", scenario.name));
    let protobuf = passthrough::prepared(&input).map(|bytes| -> Run<'_> {
        let signal = input.signal();
        // Its input is the payload's bytes, not the copy of the records the race hands it.
        Box::new(move |_| Outputs { default: passthrough::round_trip(signal, &bytes).expect("decodes"), routes: BTreeMap::new() })
    });
    let engines = [Ok(interp), jit, Ok(rust), protobuf];
    let runs: Vec<&dyn Fn(Telemetry) -> Outputs> = engines.iter().flatten().map(|run| &**run as _).collect();
    let (times, rounds) = race(&input, &runs);
    let mut times = times.into_iter();
    let [interp_allocations, jit_allocations, rust_allocations, protobuf_allocations] =
        engines.each_ref().map(|engine| engine.as_ref().ok().map(|run| allocations(&**run, &input)));
    let [interp, jit, rust, protobuf] =
        engines.map(|engine| engine.map(|_| per_record(times.next().expect("a time per engine run"), scenario.count)));
    let go = scenario.go.as_ref().map_err(|why| why.to_string());
    let go = go.and_then(|setup| {
        go_peer::agrees(setup, &scenario.rules, &(scenario.records)(GO_SAMPLE))?;
        go_peer::ns_per_record(setup, &scenario.rules, &input, rounds)
    });
    let (vrl, vrl_allocations) = vrl_cell(scenario, &rules, &input, &expected);
    Row {
        name: scenario.name.clone(),
        records: scenario.count,
        cells: [interp, jit, rust, go, vrl, protobuf],
        allocations: [interp_allocations, jit_allocations, rust_allocations, None, vrl_allocations, protobuf_allocations],
    }
}

/// The heap allocations of `run` on a copy of `input`, made before counting starts; the
/// output is dropped after it stops.
fn allocations<T: Clone, O>(run: &dyn Fn(T) -> O, input: &T) -> Allocations {
    let copy = input.clone();
    let (output, counts) = counting_alloc::count(|| run(copy));
    drop(output);
    counts
}

/// `run`, if its output on `input` is `expected`.
fn checked<'a>(run: Run<'a>, input: &Telemetry, expected: &Json) -> Result<Run<'a>, String> {
    match first_difference(&outputs_json(&run(input.clone())), expected) {
        Some(difference) => Err(format!("its output differs from the interpreter's, {difference}")),
        None => Ok(run),
    }
}

/// The fastest of some rounds (`ROUNDS`, `ROUND_BUDGET`) of each of `runs` on a fresh copy
/// of `input`, and how many rounds that was. Only the run is timed: the copy is made before
/// the clock starts and the output dropped after it stops. The runs take turns, and each
/// round starts with another, so that a change in the machine's load (a build beside the
/// bench) and the order touch them alike.
fn race<T: Clone, O>(input: &T, runs: &[&dyn Fn(T) -> O]) -> (Vec<Duration>, usize) {
    let mut fastest = vec![Duration::MAX; runs.len()];
    let mut rounds = *ROUNDS.start();
    let mut round = 0;
    while round < rounds {
        let started = Instant::now();
        for i in (0..runs.len()).map(|i| (i + round) % runs.len()) {
            let copy = input.clone();
            let start = Instant::now();
            let output = black_box(runs[i](black_box(copy)));
            fastest[i] = fastest[i].min(start.elapsed());
            drop(output);
        }
        if round == 0 {
            let fit = ROUND_BUDGET.as_secs_f64() / started.elapsed().as_secs_f64().max(1e-9);
            rounds = (fit as usize).clamp(*ROUNDS.start(), *ROUNDS.end());
        }
        round += 1;
    }
    (fastest, rounds)
}

/// The scenario's rule file, compiled; the bench's own rules must compile.
fn compile(scenario: &Scenario) -> RuleSet {
    ottl_tests::rules::compile(&scenario.rules, Some(scenario.context), &[], ErrorMode::Ignore).unwrap_or_else(|d| {
        panic!("{}: the rules do not compile: {:?}", scenario.name, d.iter().map(|d| &d.message).collect::<Vec<_>>())
    })
}

/// The interpreter's output, the oracle for the others. A statement that fails would time
/// the error path: the scenarios are written so that none does.
fn reference_output(rules: &RuleSet, input: &Telemetry) -> Outputs {
    let mut warnings = Vec::new();
    let outputs = interp::run(rules, input.clone(), &mut |w| warnings.push(w)).expect("the interpreter runs");
    if let Some(first) = warnings.first() {
        panic!("{} statement errors while running the bench's rules; the first: {first}", warnings.len());
    }
    outputs
}

/// The default output and every route, as OTLP JSON.
fn outputs_json(outputs: &Outputs) -> Json {
    let routes: serde_json::Map<_, _> = outputs.routes.iter().map(|(name, t)| (name.clone(), t.to_json())).collect();
    json!({"default": outputs.default.to_json(), "routes": routes})
}

/// Where `ours` and `theirs` first differ: the JSON path and both values, short enough to
/// print (outputs run to megabytes).
fn first_difference(ours: &Json, theirs: &Json) -> Option<String> {
    difference_at(ours, theirs).map(|(path, values)| format!("at {path}: {values}"))
}

fn difference_at(ours: &Json, theirs: &Json) -> Option<(String, String)> {
    match (ours, theirs) {
        (Json::Object(a), Json::Object(b)) if a.len() == b.len() && a.keys().all(|k| b.contains_key(k)) => {
            a.iter().find_map(|(k, v)| difference_at(v, &b[k]).map(|(path, values)| (format!(".{k}{path}"), values)))
        }
        (Json::Array(a), Json::Array(b)) if a.len() == b.len() => a
            .iter()
            .zip(b)
            .enumerate()
            .find_map(|(i, (x, y))| difference_at(x, y).map(|(path, values)| (format!("[{i}]{path}"), values))),
        _ if ours == theirs => None,
        _ => Some((String::new(), format!("{} vs {}", clip(ours), clip(theirs)))),
    }
}

fn clip(json: &Json) -> String {
    let text = json.to_string();
    match text.char_indices().nth(200) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

/// Nanoseconds per record of a run over `records` that took `total`.
fn per_record(total: Duration, records: usize) -> f64 {
    total.as_nanos() as f64 / records as f64
}

/// VRL's nanoseconds per record and allocations, where the scenario has a VRL program.
#[cfg(feature = "vrl")]
fn vrl_cell(scenario: &Scenario, rules: &RuleSet, input: &Telemetry, expected: &Outputs) -> (Cell, Option<Allocations>) {
    let timed = || -> Result<(f64, Allocations), String> {
        let source = scenario.vrl.as_ref().map_err(|why| why.to_string())?;
        let mode = if is_filter(rules) { vrl_peer::Mode::Filter } else { vrl_peer::Mode::Remap };
        let program = vrl_peer::VrlRun::compile(source, mode)?;
        let events = vrl_peer::events(input)?;
        vrl_peer::agrees(&program.run(events.clone()), &expected.default)?;
        let run = |events: Vec<vrl::value::Value>| program.run(events);
        let (times, _) = race(&events, &[&run]);
        Ok((per_record(times[0], scenario.count), allocations(&run, &events)))
    };
    match timed() {
        Ok((ns, allocations)) => (Ok(ns), Some(allocations)),
        Err(why) => (Err(why), None),
    }
}

#[cfg(not(feature = "vrl"))]
fn vrl_cell(scenario: &Scenario, _: &RuleSet, _: &Telemetry, _: &Outputs) -> (Cell, Option<Allocations>) {
    match &scenario.vrl {
        Ok(_) => (Err("build with --features vrl".to_string()), None),
        Err(why) => (Err(why.to_string()), None),
    }
}

/// Whether the rules are a filter's conditions (a matching item is dropped).
#[cfg_attr(not(feature = "vrl"), allow(dead_code))]
fn is_filter(rules: &RuleSet) -> bool {
    rules.rules.iter().all(|(rule, _)| matches!(rule, Rule::Condition(_)))
}

/// The mean time of compiling each scenario `COMPILES` times, per statement: the front
/// end (parse, check, typed IR) and the JIT's back end on its result.
fn print_compile_times(scenarios: &[Scenario]) {
    println!("\ncompile time, mean of {COMPILES}, µs per statement:");
    println!("{:<24} {:>10} {:>10} {:>10}", "scenario", "statements", "front end", "jit");
    for scenario in scenarios {
        let rules = compile(scenario);
        let statements = rules.rules.len() as f64;
        let front_end = mean(|| drop(black_box(compile(scenario)))).as_secs_f64() * 1e6 / statements;
        let jit = match jit::compile(&rules) {
            Ok(_) => format!("{:.1}", mean(|| drop(black_box(jit::compile(&rules)))).as_secs_f64() * 1e6 / statements),
            Err(e) => format!("n/a ({e})"),
        };
        println!("{:<24} {statements:>10} {front_end:>10.1} {jit:>10}", scenario.name);
    }
}

/// The mean of `COMPILES` runs of `run`.
fn mean(mut run: impl FnMut()) -> Duration {
    let start = Instant::now();
    (0..COMPILES).for_each(|_| run());
    start.elapsed() / COMPILES
}

/// The resident set, in KB, after `RELOAD_WARM_UP` hot reloads of `scenario`'s rules (each
/// compiled, run once on a few records and dropped; the warm-up fills the allocator's
/// caches) and after `RELOADS` more: a JIT that does not free its code grows it. It may
/// also shrink, when the allocator returns pages it had kept.
fn reload_growth(scenario: &Scenario) -> Result<(i64, i64), String> {
    let input = (scenario.records)(10);
    let reload = || {
        let program = jit::compile(&compile(scenario)).map_err(|e| e.to_string())?;
        program.run(input.clone(), &mut |_| {}).map_err(|e| e.to_string())?;
        Ok::<(), String>(())
    };
    (0..RELOAD_WARM_UP).try_for_each(|_| reload())?;
    let before = resident_kb()?;
    (0..RELOADS).try_for_each(|_| reload())?;
    Ok((before, resident_kb()?))
}

/// The resident set size in KB, from /proc/self/statm (in pages).
fn resident_kb() -> Result<i64, String> {
    let statm = std::fs::read_to_string("/proc/self/statm").map_err(|e| format!("/proc/self/statm: {e}"))?;
    let pages: i64 = statm.split_whitespace().nth(1).and_then(|p| p.parse().ok()).ok_or("/proc/self/statm: no resident size")?;
    let page_size = ottl_tests::procfs::page_size()? as i64;
    Ok(pages * page_size / 1024)
}
