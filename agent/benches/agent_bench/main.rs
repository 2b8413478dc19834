//! `agent-bench`: the agent against the collector built from Go modules (DESIGN §7), one
//! after the other in one run, on the same pre-encoded OTLP/HTTP requests. For each
//! workload and process: records per second, records per CPU-second of the process under
//! test (from /proc), the agent's ratio to the collector, the client's p50/p99 latency and
//! the peak resident set; then an overload run, a sink slower than the load, whose peak
//! resident sets show whether memory stays bounded. Every run checks that the sink received
//! exactly the records the accepted requests should deliver.
//!
//! `cargo bench -p ottl-agent --bench agent-bench [-- --duration SECS --warm-up SECS
//! --connections N --only WORKLOAD]` is the measurement (10 s per run). `cargo test` runs it
//! as a smoke test, a second per run. The collector is `$OTELCOL` (scripts/test.sh builds
//! it; its runs are skipped when it is not set), the agent the one Cargo built, or
//! `$OTTL_AGENT`.

mod http1;
mod loadgen;
mod report;
mod run;
mod sink;
mod workloads;

use std::process::ExitCode;
use std::time::Duration;

use report::Row;
use run::Timing;
use workloads::Workload;

/// The full measurement's timing, and the smoke test's.
const BENCH: Timing = Timing { warm_up: Duration::from_secs(3), duration: Duration::from_secs(10), connections: 4 };
const SMOKE: Timing = Timing { warm_up: Duration::from_millis(500), duration: Duration::from_secs(1), connections: 4 };

/// The overload run's sink, in records per second: well below what either process takes in.
const OVERLOAD_SINK_RATE: f64 = 5_000.0;

struct Options {
    timing: Timing,
    /// Only the workloads whose name contains this.
    only: Option<String>,
}

fn main() -> ExitCode {
    let options = match parse(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(error) => {
            eprintln!("agent-bench: {error}");
            return ExitCode::from(2);
        }
    };
    match bench(&options) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!("agent-bench: a run failed or did not deliver what it should (see the table)");
            ExitCode::FAILURE
        }
        Err(error) => {
            eprintln!("agent-bench: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Every run, then the tables; whether all went well.
fn bench(options: &Options) -> Result<bool, String> {
    let timing = options.timing;
    println!(
        "agent-bench on {}: {} connections, {:?} warm-up, {:?} measured per run; CPU of the process under test only",
        ottl_tests::procfs::machine(),
        timing.connections,
        timing.warm_up,
        timing.duration
    );
    let chosen = |w: &Workload| options.only.as_ref().is_none_or(|only| w.name.contains(only.as_str()));
    let workloads: Vec<Workload> = workloads::all()?.into_iter().filter(chosen).collect();
    let rows: Vec<Row> = workloads.iter().flat_map(|workload| runs(workload, timing, None)).collect();
    report::print("records per CPU-second: accepted records / CPU time of the process under test", &rows);
    let overload = workloads::pass_through()?;
    let overload_rows = if chosen(&overload) { runs(&overload, timing, Some(OVERLOAD_SINK_RATE)) } else { Vec::new() };
    if !overload_rows.is_empty() {
        let title = format!(
            "overload: the sink takes {OVERLOAD_SINK_RATE} records/s; records/s is what the process accepted, \
             peak MiB whether memory stays bounded (then the sink is unthrottled and the process drains)"
        );
        report::print(&title, &overload_rows);
    }
    Ok(!rows.iter().chain(&overload_rows).any(Row::failed))
}

/// Each of the workload's setups, measured.
fn runs(workload: &Workload, timing: Timing, sink_rate: Option<f64>) -> Vec<Row> {
    let mut rows = Vec::new();
    for setup in &workload.setups {
        eprintln!("agent-bench: {} / {}", workload.name, setup.label);
        let unavailable = run::unavailable(setup.process);
        let result = match &unavailable {
            Some(why) => Err(why.clone()),
            None => run::measure(workload, setup, timing, sink_rate),
        };
        let label = setup.label;
        rows.push(Row {
            workload: workload.name.to_string(),
            process: setup.process,
            label,
            result,
            skipped: unavailable.is_some(),
        });
    }
    rows
}

/// The options. `cargo bench` passes `--bench`, which selects the full measurement;
/// without it (`cargo test`) the run is the smoke test, and libtest's own options are
/// ignored.
fn parse(mut args: impl Iterator<Item = String>) -> Result<Options, String> {
    let all: Vec<String> = args.by_ref().collect();
    let bench = all.iter().any(|a| a == "--bench");
    let mut options = Options { timing: if bench { BENCH } else { SMOKE }, only: None };
    let mut args = all.into_iter();
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--bench" => {}
            "--duration" => options.timing.duration = seconds(&value()?)?,
            "--warm-up" => options.timing.warm_up = seconds(&value()?)?,
            "--connections" => {
                let value = value()?;
                options.timing.connections =
                    value.parse().ok().filter(|n| *n > 0).ok_or_else(|| format!("--connections {value}: not a count"))?;
            }
            "--only" => options.only = Some(value()?),
            _ if !bench => {}
            _ => return Err(format!("unknown argument {arg}; known: --duration, --warm-up, --connections, --only")),
        }
    }
    Ok(options)
}

fn seconds(text: &str) -> Result<Duration, String> {
    text.parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s > 0.0)
        .map(Duration::from_secs_f64)
        .ok_or_else(|| format!("{text}: not a number of seconds"))
}
