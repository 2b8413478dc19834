//! One timed run: the workload pinned on every CPU, alone (A) or while the agent profiles
//! every process at a fixed rate (B). Both CPUs busy means the program runs on both, and the
//! agent's own work has to take its CPU time from the workloads, as it would on a busy node.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::common::Running;
use crate::common::profiles::{Throughput, Workload, profiles_config};
use crate::cost::Cost;

/// The workload's split between its two functions; any split does for throughput.
const HOT_PERCENT: u32 = 90;

/// After the profiler attaches and before the timed run: past its first report (at 5 s),
/// whose cold caches (the kernel's symbols, the workload's binary) cost the agent about ten
/// times a later report's CPU time, so that the run sees the profiler in its steady state.
const WARM_UP: Duration = Duration::from_secs(6);

/// What the bench runs, the same for every run.
pub struct Bench<'a> {
    /// The workload binary (built with frame pointers by the profiler tests' helper).
    pub workload: &'a Path,
    /// Where each B run's agent writes its config and its profiles.
    pub dir: &'a Path,
    pub cpus: usize,
    pub seconds: u32,
}

/// A run with the profiler: the workloads' throughput, and what the profiler spent meanwhile.
pub struct Profiled {
    pub throughput: Throughput,
    pub cost: Cost,
    pub elapsed: Duration,
}

impl Bench<'_> {
    /// A: the workloads alone; their throughput, summed over CPUs.
    pub fn alone(&self) -> Throughput {
        let workloads: Vec<Workload> =
            (0..self.cpus).map(|cpu| Workload::pinned(self.workload, self.seconds, HOT_PERCENT, cpu)).collect();
        workloads.into_iter().map(Workload::throughput).fold(Throughput::default(), |sum, one| Throughput {
            per_second: sum.per_second + one.per_second,
            per_cpu_second: sum.per_cpu_second + one.per_cpu_second,
        })
    }

    /// B: the workloads while an agent, started and warmed up first, profiles all processes at
    /// `hz` (the adaptive rate off, so that the rate is the one measured).
    pub fn profiled(&self, hz: u32) -> Result<Profiled, String> {
        let agent = Running::start_named(self.dir, "profiler-bench", &self.config(hz), &[]);
        let attached = format!("CPUs at {hz} Hz");
        agent.wait_until("the profiler attaches", || {
            let log = agent.log();
            log.contains(&attached) || log.contains("profiling is off")
        });
        if let Some(why) = agent.log().lines().find(|line| line.contains("profiling is off")) {
            return Err(why.to_string());
        }
        std::thread::sleep(WARM_UP);
        let before = Cost::read(agent.pid())?;
        let started = Instant::now();
        let throughput = self.alone();
        let elapsed = started.elapsed();
        let cost = Cost::read(agent.pid())?.since(&before);
        let output = agent.stop();
        if !output.status.success() {
            return Err(format!("the agent failed: {}", String::from_utf8_lossy(&output.stderr)));
        }
        Ok(Profiled { throughput, cost, elapsed })
    }

    /// Only the `profiling` receiver, into a file. The reporter interval is the receiver's
    /// default (5 s), as a node would run it.
    fn config(&self, hz: u32) -> String {
        let receiver = format!("    samples_per_second: {hz}\n    adaptive:\n      enabled: false\n    processes: all\n");
        profiles_config(self.dir, &receiver, &[], &[], &[])
    }
}
