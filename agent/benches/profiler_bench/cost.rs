//! What the profiler costs, as the kernel counts it, read from outside the agent: the BPF
//! program's run time and runs, and the CPU time of the agent's threads (its user-space side:
//! draining the maps, normalizing, symbolizing, exporting). The program runs in the
//! interrupted task's context, so its time is not in the agent's.

use std::collections::BTreeMap;
use std::path::Path;

/// `prog_type` of a perf_event program in fdinfo (`BPF_PROG_TYPE_PERF_EVENT`).
const PERF_EVENT_PROGRAM: &str = "7";

/// Cumulative counts at one moment; [`Cost::since`] makes them a run's.
#[derive(Clone, Debug, Default)]
pub struct Cost {
    /// Nanoseconds in the profiler's BPF program, on every CPU.
    pub program_ns: u64,
    /// Runs of the program: one per sample of any process.
    pub runs: u64,
    /// Nanoseconds on a CPU per thread of the agent, by thread id.
    agent_threads: BTreeMap<u32, u64>,
}

impl Cost {
    /// The counts of the agent `pid` now.
    pub fn read(pid: u32) -> Result<Cost, String> {
        let (program_ns, runs) = program_stats(pid)?;
        Ok(Cost { program_ns, runs, agent_threads: thread_cpu_ns(pid)? })
    }

    /// What was spent between `earlier` and this.
    pub fn since(&self, earlier: &Cost) -> Cost {
        Cost {
            program_ns: self.program_ns.saturating_sub(earlier.program_ns),
            runs: self.runs.saturating_sub(earlier.runs),
            agent_threads: self
                .agent_threads
                .iter()
                .map(|(tid, ns)| (*tid, ns.saturating_sub(earlier.agent_threads.get(tid).copied().unwrap_or(0))))
                .collect(),
        }
    }

    /// Nanoseconds the agent's threads ran. A thread that ended between two reads is missing
    /// from the later one: the agent's threads (the runtime's and the profiler's) live as long
    /// as it does.
    pub fn agent_ns(&self) -> u64 {
        self.agent_threads.values().sum()
    }
}

/// The run time and run count of the agent's perf_event programs, from the fdinfo of its BPF
/// program descriptors. The kernel counts them while BPF statistics are on: the agent holds
/// them on (BPF_ENABLE_STATS) while its profiler runs, so the bench need not touch the sysctl.
fn program_stats(pid: u32) -> Result<(u64, u64), String> {
    let fds = format!("/proc/{pid}/fd");
    let mut programs: BTreeMap<u64, (u64, u64)> = BTreeMap::new();
    for entry in std::fs::read_dir(&fds).map_err(|e| format!("{fds}: {e}"))?.flatten() {
        let is_program = std::fs::read_link(entry.path()).is_ok_and(|target| target == Path::new("anon_inode:bpf-prog"));
        if !is_program {
            continue;
        }
        let path = format!("/proc/{pid}/fdinfo/{}", entry.file_name().to_string_lossy());
        let Ok(fdinfo) = std::fs::read_to_string(&path) else { continue };
        let field = |name: &str| fdinfo.lines().find_map(|line| line.strip_prefix(name)?.strip_prefix(':')).map(str::trim);
        let number = |name: &str| field(name).and_then(|value| value.parse::<u64>().ok());
        if field("prog_type") != Some(PERF_EVENT_PROGRAM) {
            continue;
        }
        let (Some(id), Some(run_time), Some(runs)) = (number("prog_id"), number("run_time_ns"), number("run_cnt")) else {
            return Err(format!("{path} has no prog_id, run_time_ns or run_cnt:\n{fdinfo}"));
        };
        // Two descriptors of one program count once.
        programs.insert(id, (run_time, runs));
    }
    if programs.is_empty() {
        return Err(format!("the agent (process {pid}) holds no perf_event BPF program"));
    }
    Ok(programs.values().fold((0, 0), |(time, runs), (t, r)| (time + t, runs + r)))
}

/// Each thread's time on a CPU in nanoseconds (the first field of its schedstat): finer than
/// the clock ticks of /proc/<pid>/stat, which are 10 ms.
fn thread_cpu_ns(pid: u32) -> Result<BTreeMap<u32, u64>, String> {
    let tasks = format!("/proc/{pid}/task");
    let mut threads = BTreeMap::new();
    for entry in std::fs::read_dir(&tasks).map_err(|e| format!("{tasks}: {e}"))?.flatten() {
        let Ok(tid) = entry.file_name().to_string_lossy().parse() else { continue };
        let Ok(schedstat) = std::fs::read_to_string(entry.path().join("schedstat")) else { continue };
        if let Some(ns) = schedstat.split_whitespace().next().and_then(|ns| ns.parse().ok()) {
            threads.insert(tid, ns);
        }
    }
    Ok(threads)
}
