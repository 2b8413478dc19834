//! The table: per rate, the throughput ratio of the pairs as an overhead with its spread, and
//! the profiler's cost as the kernel counted it.

use crate::common::profiles::Throughput;
use crate::run::Profiled;

/// One interleaved pair: the workloads' throughput alone, and with the profiler.
pub struct Pair {
    pub alone: Throughput,
    pub profiled: Profiled,
}

/// A throughput: rounds per wall-clock second (everything the profiler takes, but also
/// whatever else the shared machine runs), or per second of the workloads' CPU time (the
/// program's run time and its effect on caches, as the program runs in the interrupts the
/// workloads take; not the agent's own CPU time).
pub type Measure = fn(&Throughput) -> f64;
pub const WALL: Measure = |throughput| throughput.per_second;
pub const CPU: Measure = |throughput| throughput.per_cpu_second;

impl Pair {
    /// The throughput lost to the profiler, in percent (negative: the profiled run was faster,
    /// which is noise).
    pub fn overhead_percent(&self, measure: Measure) -> f64 {
        100.0 * (1.0 - measure(&self.profiled.throughput) / measure(&self.alone))
    }
}

/// The pairs measured at one rate.
pub struct Rate {
    pub hz: u32,
    pub pairs: Vec<Pair>,
}

impl Rate {
    /// Mean ± standard deviation (min..max) of the pairs' overheads, in percent.
    fn overhead(&self, measure: Measure) -> String {
        let overheads: Vec<f64> = self.pairs.iter().map(|pair| pair.overhead_percent(measure)).collect();
        let (mean, sd) = mean_and_sd(&overheads);
        let (min, max) = overheads.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| (lo.min(x), hi.max(x)));
        format!("{mean:+.2} ± {sd:.2} ({min:+.2}..{max:+.2})")
    }

    /// The program's run time, its runs, the agent's CPU time (all nanoseconds but the runs)
    /// and the elapsed seconds, over all the profiled runs.
    fn totals(&self) -> (f64, f64, f64, f64) {
        self.pairs.iter().map(|pair| &pair.profiled).fold((0.0, 0.0, 0.0, 0.0), |(program, runs, agent, seconds), run| {
            (
                program + run.cost.program_ns as f64,
                runs + run.cost.runs as f64,
                agent + run.cost.agent_ns() as f64,
                seconds + run.elapsed.as_secs_f64(),
            )
        })
    }
}

pub fn print(rates: &[Rate], cpus: usize) {
    println!(
        "\n{:>7} {:>5}  {:<30} {:<30} {:>10} {:>7} {:>7} {:>9}",
        "rate", "pairs", "overhead % per wall-clock s", "overhead % per CPU-s", "BPF runs/s", "ns/run", "BPF", "agent CPU"
    );
    for rate in rates {
        let (program_ns, runs, agent_ns, seconds) = rate.totals();
        let cpu_ns = seconds * 1e9 * cpus as f64;
        println!(
            "{:>4} Hz {:>5}  {:<30} {:<30} {:>10.0} {:>7.0} {:>6.3}% {:>8.3}%",
            rate.hz,
            rate.pairs.len(),
            rate.overhead(WALL),
            rate.overhead(CPU),
            runs / seconds,
            if runs > 0.0 { program_ns / runs } else { 0.0 },
            100.0 * program_ns / cpu_ns,
            100.0 * agent_ns / cpu_ns,
        );
    }
    println!(
        "overhead: 1 - B/A of each pair's throughput, mean ± standard deviation (min..max) over the pairs; \
         BPF: the program's run time (the kernel's BPF statistics), agent CPU: its threads' CPU time, \
         each a share of all CPUs' time over the profiled runs"
    );
    println!("goal: < 0.5 % at 99 Hz");
}

/// The mean and the sample standard deviation (0 for fewer than two values).
fn mean_and_sd(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    if values.is_empty() {
        return (0.0, 0.0);
    }
    let mean = values.iter().sum::<f64>() / n;
    if values.len() < 2 {
        return (mean, 0.0);
    }
    let variance = values.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, variance.sqrt())
}
