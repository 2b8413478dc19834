//! A process's resident memory and open file descriptors, sampled every second from /proc
//! while a long test runs, and the soak's criteria for calling them flat.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How often the sampler reads /proc.
pub const PERIOD: Duration = Duration::from_secs(1);

/// One reading: seconds since sampling began, `VmRSS` in KiB, entries of `/proc/PID/fd`.
#[derive(Clone, Copy, Debug)]
pub struct Sample {
    pub at: f64,
    pub rss_kib: u64,
    pub fds: usize,
}

/// A sampling thread, until stopped.
pub struct Sampler {
    stop: Arc<AtomicBool>,
    thread: JoinHandle<Vec<Sample>>,
}

impl Sampler {
    /// Samples `pid` every [`PERIOD`] from `start` on (the test's clock, so that its events
    /// and the samples share a time axis). A read that fails (the process exiting) ends it.
    pub fn start(pid: u32, start: Instant) -> Sampler {
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = stop.clone();
        let thread = std::thread::spawn(move || {
            let mut samples = Vec::new();
            while !stopping.load(Ordering::Relaxed) {
                let Some(sample) = read(pid, start.elapsed().as_secs_f64()) else { break };
                samples.push(sample);
                std::thread::sleep(PERIOD);
            }
            samples
        });
        Sampler { stop, thread }
    }

    /// Every sample taken.
    #[allow(clippy::unwrap_used, reason = "a sampler thread that panicked fails the test")]
    pub fn stop(self) -> Vec<Sample> {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.join().unwrap()
    }
}

fn read(pid: u32, at: f64) -> Option<Sample> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let rss = status.lines().find_map(|line| line.strip_prefix("VmRSS:"))?;
    let rss_kib = rss.trim().trim_end_matches("kB").trim().parse().ok()?;
    let fds = std::fs::read_dir(format!("/proc/{pid}/fd")).ok()?.count();
    Some(Sample { at, rss_kib, fds })
}

/// What each open descriptor of `pid` refers to (`socket:[…]`, a path, …), sorted: to
/// tell which descriptors a run added.
pub fn fd_targets(pid: u32) -> Vec<String> {
    let entries = std::fs::read_dir(format!("/proc/{pid}/fd")).into_iter().flatten().flatten();
    let mut targets: Vec<String> =
        entries.filter_map(|entry| std::fs::read_link(entry.path()).ok()).map(|target| target.display().to_string()).collect();
    targets.sort();
    targets
}

/// The entries of `now` not in `before` (each counted: two sockets more are two entries),
/// sockets and pipes by kind, without their inode numbers.
pub fn added(before: &[String], now: &[String]) -> Vec<String> {
    let kind = |target: &String| match target.split_once(":[") {
        Some((kind @ ("socket" | "pipe"), _)) => kind.to_string(),
        _ => target.clone(),
    };
    let mut rest: Vec<String> = before.iter().map(kind).collect();
    let mut added = Vec::new();
    for target in now.iter().map(kind) {
        match rest.iter().position(|t| *t == target) {
            Some(i) => {
                rest.swap_remove(i);
            }
            None => added.push(target),
        }
    }
    added
}

/// The median of `values` (the upper one of an even count); 0 for none.
pub fn median(mut values: Vec<u64>) -> u64 {
    values.sort_unstable();
    values.get(values.len() / 2).copied().unwrap_or(0)
}

/// The samples taken in `[from, to)` seconds.
pub fn between(samples: &[Sample], from: f64, to: f64) -> Vec<Sample> {
    samples.iter().filter(|s| s.at >= from && s.at < to).copied().collect()
}

/// Resident memory is flat when the median of the run's last third is within
/// [`RSS_GROWTH`] of the median of its second third, plus [`RSS_SLACK`].
///
/// Why this criterion: the first third is the warm-up (the allocator's pools filling, each
/// generation's compiled code, the profiler reading kallsyms and the binaries' symbol tables
/// for its first report), so it is not compared. Medians, because a single second can catch
/// a transient: while the sink is down the agent holds up to its 64 MiB budget of
/// acknowledged data, and a busy 2-core VM delays frees; half of a third's samples would
/// have to be high to move its median. The soak puts one sink restart early in each of the
/// two compared thirds, so both medians include what a restart leaves behind, and a restart
/// that leaks shows as a step between them. A steady leak of L bytes a second moves the
/// last median above the second by L × a third of the run: with the bound at 10 % of the
/// agent's ~45 MiB plus 8 MiB, a 150 s run catches about 250 KiB/s, an hour's run
/// (`OTTL_SOAK_SECONDS`) about 11 KiB/s.
pub const RSS_GROWTH: f64 = 0.10;
pub const RSS_SLACK_KIB: u64 = 8 << 10;

/// The medians (KiB) of the second and last thirds, and whether they meet the criterion.
pub fn rss_flat(samples: &[Sample], seconds: f64) -> (u64, u64, bool) {
    let rss = |from: f64, to: f64| median(between(samples, from, to).iter().map(|s| s.rss_kib).collect());
    let (second, last) = (rss(seconds / 3.0, 2.0 * seconds / 3.0), rss(2.0 * seconds / 3.0, f64::INFINITY));
    let bound = (second as f64 * (1.0 + RSS_GROWTH)) as u64 + RSS_SLACK_KIB;
    (second, last, last <= bound)
}

/// How long after a sink restart the agent may take to settle its connections (the
/// exporter's backoff, the clients' sockets closing) before its descriptors are compared.
pub const FD_SETTLE: Duration = Duration::from_secs(10);

/// The fewest, median and most open descriptors in `[from, to)` seconds.
///
/// The soak's criterion: descriptors are back to their baseline after a restart when the
/// median over the window from [`FD_SETTLE`] after it to the next event is within the
/// baseline's range, the fewest and most seen before the first restart. Medians again: the
/// HTTP clients open a connection per request, so any one second may catch a socket or two
/// more, but a descriptor leaked per restart (a connection, a timer, a file) stays and
/// moves the median.
pub fn fds_in(samples: &[Sample], from: f64, to: f64) -> (u64, u64, u64) {
    let window = between(samples, from, to);
    let fds: Vec<u64> = window.iter().map(|s| s.fds as u64).collect();
    let (low, high) = (fds.iter().min().copied().unwrap_or(0), fds.iter().max().copied().unwrap_or(0));
    (low, median(fds), high)
}

/// A compact time series: `points` evenly spaced samples as `t RSS fds` columns.
pub fn summary(samples: &[Sample], points: usize) -> String {
    let step = (samples.len() / points.max(1)).max(1);
    let mut text = String::from("     t s   RSS MiB   fds\n");
    let last = samples.len().saturating_sub(1);
    let shown = (0..samples.len()).step_by(step).chain((!last.is_multiple_of(step)).then_some(last));
    for sample in shown.map(|i| samples[i]) {
        text.push_str(&format!("{:8.0} {:9.1} {:5}\n", sample.at, sample.rss_kib as f64 / 1024.0, sample.fds));
    }
    text
}
