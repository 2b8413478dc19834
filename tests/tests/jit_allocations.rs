//! What native code allocates per record (issue 16, item 6): a filter's predicates nothing,
//! a transform statement only what it stores. Counted by a counting global allocator over
//! the JIT's run on `bench_data::logs`, after a warm-up run: per record is the difference
//! between a run over `2 * RECORDS` records and one over `RECORDS`, divided by `RECORDS`,
//! so that what a run allocates once (its frame, the output's maps) cancels out.
//!
//! The records have a resource and a scope per 100 logs: an allocation per resource or per
//! scope grows with the input too, and counts here as a hundredth per record.

use std::sync::OnceLock;

use ottl_compiler::program::ErrorMode;
use ottl_compiler::schema::Context;
use ottl_jit::{self as jit, JitProgram};
use ottl_runtime::otlp::Telemetry;
use ottl_tests::bench_data;
use ottl_tests::counting_alloc::{self, Allocations, Counting};

#[global_allocator]
static ALLOCATOR: Counting<mimalloc::MiMalloc> = Counting::new(mimalloc::MiMalloc);

const RECORDS: usize = 5_000;

/// Allocations that a run over twice the records may make more without one per record:
/// a buffer sized to the batch (say, a vector of fates grown by doubling) reallocates once
/// more for each doubling.
const GROWTH_ALLOWANCE: u64 = 8;

/// `bench_data::logs(RECORDS)` and `bench_data::logs(2 * RECORDS)`, made once for every test.
fn inputs() -> &'static [Telemetry; 2] {
    static INPUTS: OnceLock<[Telemetry; 2]> = OnceLock::new();
    INPUTS.get_or_init(|| [bench_data::logs(RECORDS), bench_data::logs(2 * RECORDS)])
}

/// The JIT's allocations on a run of `program` over `input`, after a warm-up run on the
/// same records (lazily made caches, such as a regex's, are not per record).
fn run_allocations(program: &JitProgram, input: &Telemetry) -> Allocations {
    let warn = &mut |warning: String| panic!("a statement failed: {warning}");
    drop(program.run(input.clone(), warn).expect("the warm-up run"));
    let copy = input.clone();
    let (outputs, counts) = counting_alloc::count(|| program.run(copy, warn));
    drop(outputs.expect("the counted run"));
    counts
}

/// Whether `rules` (log context) allocate at most `allowed` times per record (see the
/// module's doc); prints what they do, and says what is wrong if they allocate more.
fn allocations_per_record(rules: &str, allowed: u64) -> Result<(), String> {
    let compiled = ottl_tests::rules::compile(rules, Some(Context::Log), &[], ErrorMode::Propagate)
        .unwrap_or_else(|d| panic!("the rules compile: {:?}", d.iter().map(|d| &d.message).collect::<Vec<_>>()));
    let program = jit::compile(&compiled).expect("the JIT compiles the rules");
    let [once, twice] = inputs().each_ref().map(|input| run_allocations(&program, input));
    let extra = Allocations { count: twice.count.saturating_sub(once.count), bytes: twice.bytes.saturating_sub(once.bytes) };
    let (count, bytes) = extra.per_record(RECORDS);
    println!(
        "{rules}\n  {} allocations ({} bytes) over {RECORDS} records, {} ({} bytes) over {}: \
         {count:.3} allocations ({bytes:.1} bytes) per record, {allowed} allowed",
        once.count,
        once.bytes,
        twice.count,
        twice.bytes,
        2 * RECORDS
    );
    if extra.count <= allowed * RECORDS as u64 + GROWTH_ALLOWANCE {
        Ok(())
    } else {
        Err(format!("{rules}: {count:.3} allocations per record where {allowed} are allowed"))
    }
}

/// Runs every case, so that each prints what it measures, then fails with every miss.
fn assert_cases(cases: &[(&str, u64)]) {
    let misses: Vec<String> = cases.iter().filter_map(|(rules, allowed)| allocations_per_record(rules, *allowed).err()).collect();
    assert!(misses.is_empty(), "{}", misses.join("\n"));
}

#[test]
fn a_filter_of_20_conditions_allocates_nothing_per_record() {
    assert_cases(&[(&bench_data::filter_rules(), 0)]);
}

/// Statements whose values are paths and literals, and what they store per record on
/// `bench_data::logs` (25 attributes each, in a vector with no spare capacity, as a decoded
/// or copied batch has): an int needs no heap, a string its bytes, a new attribute also its
/// key and the growth of the attribute list.
#[test]
fn statements_allocate_only_what_they_store() {
    assert_cases(&[
        (r#"set(log.attributes["http.status_code"], 500) where log.attributes["http.status_code"] == 200"#, 0),
        (r#"set(log.severity_number, SEVERITY_NUMBER_ERROR) where log.severity_text == "WARN""#, 0),
        (r#"set(log.attributes["severity_text"], "warn") where log.severity_number >= SEVERITY_NUMBER_WARN"#, 1),
        (r#"set(log.attributes["severity_text"], log.attributes["source_1"])"#, 1),
        (r#"set(log.attributes["copied"], log.attributes["source_1"])"#, 3),
    ]);
}

/// Statements through converters: a converter's arguments are borrowed views of the record
/// (issue 16, item 1), so only the result that is stored may allocate.
#[test]
fn converters_allocate_only_what_their_statement_stores() {
    assert_cases(&[
        (r#"set(log.attributes["bytes"], Len(log.attributes["http.route"]))"#, 0),
        (r#"set(log.attributes["bytes"], 1) where IsMatch(log.body, "^user \\w+ logged in")"#, 0),
        (r#"set(log.attributes["log_message"], ToLowerCase(log.attributes["log_message"]))"#, 1),
    ]);
}
