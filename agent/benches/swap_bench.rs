//! `swap-bench`: the time to swap on one agent under load, from an OpAMP message with a new
//! rule set arriving to the new generation serving, as the agent logs it for each applied
//! remote config. The run is the swap test's (tests/common/swaps.rs): clients stream log
//! records while a server pushes a new stamping rule set every 100 ms; it also checks that
//! every acknowledged record arrived exactly once.
//!
//! `cargo bench -p ottl-agent --bench swap-bench [-- --swaps N]` (200 swaps by default).

#[path = "../tests/common/mod.rs"]
mod common;

use std::process::ExitCode;
use std::time::Duration;

use common::swaps::under_load;

const INTERVAL: Duration = Duration::from_millis(100);
const DEFAULT_SWAPS: usize = 200;

/// The prefix and suffix of the agent's log line for each swap, around its microseconds.
const SWAP_LINE: (&str, &str) = ("remote config applied: serving ", " µs after its message arrived");

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let swaps = match args.iter().position(|a| a == "--swaps").map(|i| args.get(i + 1).and_then(|n| n.parse().ok())) {
        None => DEFAULT_SWAPS,
        Some(Some(swaps)) if swaps > 0 => swaps,
        Some(_) => {
            eprintln!("swap-bench: --swaps needs a positive count");
            return ExitCode::from(2);
        }
    };
    let run = under_load("swap-bench", swaps, INTERVAL, 2);
    if let Err(problems) = run.ledger.check(&run.arrivals) {
        eprintln!("swap-bench: {problems}");
        return ExitCode::FAILURE;
    }
    let mut times: Vec<Duration> = run.log.lines().filter_map(swap_time).collect();
    times.sort_unstable();
    let (Some(p50), Some(p99), Some(max)) = (quantile(&times, 0.50), quantile(&times, 0.99), times.last()) else {
        eprintln!("swap-bench: the agent logged no swap");
        return ExitCode::FAILURE;
    };
    println!(
        "time to swap on {}: {} swaps, one every {INTERVAL:?}, under load ({} records acknowledged, each arrived once): \
         p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        ottl_tests::procfs::machine(),
        times.len(),
        run.ledger.acknowledged.len(),
        p50.as_secs_f64() * 1e3,
        p99.as_secs_f64() * 1e3,
        max.as_secs_f64() * 1e3
    );
    ExitCode::SUCCESS
}

/// The time to swap a log line reports, if it is a swap's line.
fn swap_time(line: &str) -> Option<Duration> {
    let (_, rest) = line.split_once(SWAP_LINE.0)?;
    let (micros, _) = rest.split_once(SWAP_LINE.1)?;
    micros.parse().ok().map(Duration::from_micros)
}

/// The value below which `q` of the sorted `values` fall (nearest rank).
fn quantile(sorted: &[Duration], q: f64) -> Option<Duration> {
    let last = sorted.len().checked_sub(1)?;
    sorted.get((last as f64 * q).round() as usize).copied()
}
