//! `profiler-bench`: the eBPF profiler's overhead (issue 18), as interleaved A/B runs of a
//! CPU-bound workload, one pinned on every CPU: A alone, B while `ottl-agent` profiles every
//! process at 19, 99 and 999 Hz. Each pair's throughput ratio gives an overhead; the table has
//! their mean and spread per rate, with the BPF program's own run time from the kernel's BPF
//! statistics and the agent's CPU time. Pairs alternate AB and BA, and the rates take turns,
//! so that a drift of the machine's speed spreads over all of them.
//!
//! `cargo bench -p ottl-agent --bench profiler-bench [-- --pairs N --seconds S]` (5 pairs of
//! 5 s runs per rate by default, about 4 minutes). Needs root, as the profiler does.

#[path = "../../tests/common/mod.rs"]
mod common;
mod cost;
mod report;
mod run;

use std::process::ExitCode;

use common::profiles::{build_workload, can_load_bpf};
use report::{Pair, Rate};
use run::Bench;

const RATES: [u32; 3] = [19, 99, 999];
const DEFAULT_PAIRS: usize = 5;
/// A run's length: the profiler's reporter interval (5 s), so that every profiled run has one
/// report in it (its second).
const DEFAULT_SECONDS: u32 = 5;

fn main() -> ExitCode {
    let (pairs, seconds) = match parse(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(error) => {
            eprintln!("profiler-bench: {error}");
            return ExitCode::from(2);
        }
    };
    if !can_load_bpf() {
        return ExitCode::SUCCESS;
    }
    let dir = common::temp_dir("profiler-bench");
    let workload = build_workload(dir.path());
    let cpus = std::thread::available_parallelism().map_or(1, usize::from);
    let bench = Bench { workload: &workload, dir: dir.path(), cpus, seconds };
    println!(
        "profiler-bench on {}: {pairs} interleaved pairs per rate of {seconds} s runs, the workload pinned on each of \
         {cpus} CPUs; A alone, B with ottl-agent profiling all processes (adaptive rate off)",
        ottl_tests::procfs::machine()
    );
    let mut rates: Vec<Rate> = RATES.iter().map(|&hz| Rate { hz, pairs: Vec::new() }).collect();
    for index in 0..pairs {
        for rate in &mut rates {
            let pair = match measure_pair(&bench, rate.hz, index % 2 == 1) {
                Ok(pair) => pair,
                Err(why) => {
                    eprintln!("profiler-bench: {} Hz: {why}", rate.hz);
                    return ExitCode::FAILURE;
                }
            };
            eprintln!(
                "profiler-bench: {} Hz, pair {}/{pairs}: overhead {:+.2} % per wall-clock second, {:+.2} % per CPU-second",
                rate.hz,
                index + 1,
                pair.overhead_percent(report::WALL),
                pair.overhead_percent(report::CPU)
            );
            rate.pairs.push(pair);
        }
    }
    report::print(&rates, cpus);
    ExitCode::SUCCESS
}

/// One A run and one B run, B first when `profiled_first`.
fn measure_pair(bench: &Bench<'_>, hz: u32, profiled_first: bool) -> Result<Pair, String> {
    if profiled_first {
        let profiled = bench.profiled(hz)?;
        Ok(Pair { profiled, alone: bench.alone() })
    } else {
        let alone = bench.alone();
        Ok(Pair { alone, profiled: bench.profiled(hz)? })
    }
}

/// `--pairs N` and `--seconds S`; `cargo bench` adds `--bench`.
fn parse(args: impl Iterator<Item = String>) -> Result<(usize, u32), String> {
    let (mut pairs, mut seconds) = (DEFAULT_PAIRS, DEFAULT_SECONDS);
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        let mut count = || -> Result<u32, String> {
            let value = args.next().ok_or_else(|| format!("{arg} needs a value"))?;
            value.parse().ok().filter(|n| *n > 0).ok_or_else(|| format!("{arg} {value}: not a positive whole number"))
        };
        match arg.as_str() {
            "--bench" => {}
            "--pairs" => pairs = count()? as usize,
            "--seconds" => seconds = count()?,
            _ => return Err(format!("unknown argument {arg}; known: --pairs, --seconds")),
        }
    }
    Ok((pairs, seconds))
}
