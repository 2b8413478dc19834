//! The profiler's loop, on a thread of its own: its work (map reads, /proc, symbol tables)
//! blocks, and must not hold a runtime worker.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use ottl_runtime::otlp::Telemetry;
use prost::Message;
use tokio::runtime::Handle;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::adaptive::{Adaptive, Measured};
use super::kernel::{Counters, Kernel, Unavailable};
use super::otlp::{self, Host};
use super::selection::Selection;
use super::stacks::Stacks;
use super::symbols::Symbols;
use super::window::Window;
use crate::config::{ComponentId, ProfilingConfig};
use crate::receivers::Intake;
use crate::stats::{ProcessCpu, ProfilerStats};

/// How often the kernel's maps are drained: often enough that the maps stay small and that
/// processes are still alive when their addresses are normalized.
const DRAIN_INTERVAL: Duration = Duration::from_secs(1);
/// The busiest processes published for the self-operation loop each drain: enough for any
/// hot spot, without a data point for every idle process of a busy node.
const PUBLISHED_PROCESSES: usize = 32;

pub fn start(
    id: &ComponentId,
    config: &ProfilingConfig,
    intake: Intake,
    stats: Arc<ProfilerStats>,
    stopping: watch::Receiver<bool>,
) -> Option<JoinHandle<()>> {
    let unavailable = |why: &dyn std::fmt::Display| {
        tracing::warn!("{id}: profiling is off: {why}; everything else runs");
    };
    let selection = match Selection::resolve(&config.processes) {
        Ok(selection) => selection,
        Err(why) => {
            unavailable(&why);
            return None;
        }
    };
    let max_hz = config.adaptive.max_samples_per_second.max(config.samples_per_second);
    let mut kernel = match Kernel::load(max_hz, DRAIN_INTERVAL.as_secs() as u32, &selection) {
        Ok(kernel) => kernel,
        Err(why) => {
            unavailable(&why);
            return None;
        }
    };
    if let Err(why) = kernel.set_rates(config.samples_per_second, config.samples_per_second, &HashMap::new()) {
        unavailable(&why);
        return None;
    }
    tracing::info!("{id}: profiling {} CPUs at {} Hz", kernel.cpu_count(), config.samples_per_second);
    stats.event_hz.set(u64::from(config.samples_per_second));
    let (id, config) = (id.clone(), config.clone());
    let handle = Handle::current();
    // blazesym's normalizer and symbolizer are not Send: they are made on the thread.
    Some(tokio::task::spawn_blocking(move || {
        let profiler = Profiler {
            id,
            adaptive: Adaptive::new(config.adaptive.clone(), config.samples_per_second, kernel.cpu_count()),
            kernel,
            config,
            intake,
            stats,
            stacks: Stacks::new(),
            symbols: Symbols::new(),
            host: Host::this(),
            window: Window::new(SystemTime::now()),
            window_started: Instant::now(),
        };
        profiler.run(&handle, stopping)
    }))
}

struct Profiler {
    id: ComponentId,
    kernel: Kernel,
    adaptive: Adaptive,
    config: ProfilingConfig,
    intake: Intake,
    stats: Arc<ProfilerStats>,
    stacks: Stacks,
    symbols: Symbols,
    host: Host,
    window: Window,
    window_started: Instant,
}

impl Profiler {
    fn run(mut self, runtime: &Handle, mut stopping: watch::Receiver<bool>) {
        let mut counters = self.kernel.counters();
        let mut reported = counters;
        let mut run_time = self.kernel.run_time();
        let mut busy = CpuTimes::read();
        let mut report_cost = 0.0;
        loop {
            let stop = runtime.block_on(async { tokio::time::timeout(DRAIN_INTERVAL, stopping.changed()).await.is_ok() });
            let work_started = thread_cpu_time();
            let cpu = match self.drain() {
                Ok(cpu) => cpu,
                Err(why) => {
                    tracing::error!("{}: profiling stopped: {why}", self.id);
                    return;
                }
            };
            let drain_work = thread_cpu_time().saturating_sub(work_started);
            let now = self.kernel.counters();
            let drained = now.since(counters);
            counters = now;
            self.stats.samples.add(drained.samples);
            self.stats.lost_samples.add(drained.lost_full);
            self.stats.lost_stacks.add(drained.lost_stack);
            if stop || self.window_started.elapsed() >= self.config.reporter_interval {
                let report_started = thread_cpu_time();
                self.report(runtime, counters.since(reported));
                reported = counters;
                // A report happens once an interval: its cost (symbolizing a new binary can
                // take a while) counts spread over the interval, not against one second.
                report_cost =
                    thread_cpu_time().saturating_sub(report_started).as_secs_f64() / self.config.reporter_interval.as_secs_f64();
            }
            if stop {
                return;
            }
            // The profiler's cost: the program's run time, as the kernel counts it, plus this
            // thread's work.
            let (time, runs) = self.kernel.run_time();
            let program_time = time.saturating_sub(run_time.0).as_secs_f64();
            let now_busy = CpuTimes::read();
            self.publish(&cpu);
            let measured = Measured {
                marked_hot: self.stats.marked_hot(),
                cpu,
                busy_cpus: now_busy.busy_cpus_since(&busy),
                overhead_cpus: (program_time + drain_work.as_secs_f64()) / DRAIN_INTERVAL.as_secs_f64() + report_cost,
                run_cost: match runs.saturating_sub(run_time.1) {
                    0 => 0.0,
                    runs => program_time / runs as f64,
                },
            };
            self.stats.program_runs.add(runs.saturating_sub(run_time.1));
            self.stats.program_run_nanoseconds.add(time.saturating_sub(run_time.0).as_nanos() as u64);
            run_time = (time, runs);
            busy = now_busy;
            self.adapt(&measured);
        }
    }

    /// Moves the kernel's counts into the window; returns each process's CPUs over the drain.
    fn drain(&mut self) -> Result<HashMap<u32, f64>, Unavailable> {
        let samples = self.kernel.drain()?;
        let adaptive = &self.adaptive;
        let seconds = self.window.add(samples, |tgid| adaptive.rate_of(tgid), &mut self.stacks);
        Ok(seconds.into_iter().map(|(tgid, cpu_seconds)| (tgid, cpu_seconds / DRAIN_INTERVAL.as_secs_f64())).collect())
    }

    /// Each process's CPU use over the drain and its rate, for the self-operation loop.
    fn publish(&self, cpu: &HashMap<u32, f64>) {
        let mut processes: Vec<ProcessCpu> =
            cpu.iter().map(|(&pid, &cpu)| ProcessCpu { pid, cpu, samples_per_second: self.adaptive.rate_of(pid) }).collect();
        processes.sort_by(|a, b| b.cpu.total_cmp(&a.cpu).then(a.pid.cmp(&b.pid)));
        processes.truncate(PUBLISHED_PROCESSES);
        *self.stats.processes.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = processes;
    }

    fn adapt(&mut self, measured: &Measured) {
        if !self.adaptive.update(measured) {
            return;
        }
        let rates = self.adaptive.rates();
        self.stats.event_hz.set(u64::from(rates.event_hz));
        self.stats.raised_processes.set(rates.own.len() as u64);
        let mut own: Vec<_> = rates.own.iter().collect();
        own.sort();
        tracing::info!(
            event_hz = rates.event_hz,
            overhead = format!("{:.3}%", 100.0 * measured.overhead_cpus / self.kernel.cpu_count() as f64),
            "{}: rates now: base {} Hz, raised {own:?} (pid, Hz)",
            self.id,
            self.config.samples_per_second
        );
        if let Err(why) = self.kernel.set_rates(rates.event_hz, self.config.samples_per_second, &rates.own) {
            tracing::warn!("{}: could not change the sampling rate: {why}", self.id);
        }
    }

    /// The window as a profiles payload into the pipelines; a new window starts.
    fn report(&mut self, runtime: &Handle, counters: Counters) {
        if counters.lost_full + counters.lost_stack > 0 {
            tracing::warn!(
                "{}: {} samples lost to full maps and {} stacks lost to stack-map collisions in the last {:?}",
                self.id,
                counters.lost_full,
                counters.lost_stack,
                self.window_started.elapsed()
            );
        }
        let window = std::mem::replace(&mut self.window, Window::new(SystemTime::now()));
        self.window_started = Instant::now();
        if window.processes.is_empty() {
            return;
        }
        let samples = window.sample_count();
        let profiles = otlp::profiles(&window, SystemTime::now(), &mut self.symbols, &self.host);
        drop(window);
        self.stacks.forget_unused();
        let bytes = profiles.encoded_len();
        tracing::debug!("{}: {samples} samples of {} processes", self.id, profiles.resource_profiles.len());
        if let Err(refusal) = runtime.block_on(self.intake.submit(Telemetry::Profiles(profiles), bytes)) {
            tracing::warn!("{}: {samples} samples not taken by the pipelines: {}", self.id, refusal.message());
        }
    }
}

/// The CPU time of the calling thread.
fn thread_cpu_time() -> Duration {
    let mut now = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime writes the struct it is given.
    if unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) } != 0 {
        return Duration::ZERO;
    }
    Duration::new(now.tv_sec as u64, now.tv_nsec as u32)
}

/// The machine's CPU time from the first line of /proc/stat, in clock ticks.
struct CpuTimes {
    busy: u64,
    total: u64,
    cpus: usize,
}

impl CpuTimes {
    fn read() -> CpuTimes {
        let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
        let cpus = stat.lines().filter(|line| line.starts_with("cpu") && !line.starts_with("cpu ")).count();
        let fields: Vec<u64> =
            stat.lines().next().unwrap_or_default().split_whitespace().skip(1).filter_map(|field| field.parse().ok()).collect();
        let total: u64 = fields.iter().take(8).sum();
        // idle and iowait.
        let idle = fields.get(3).copied().unwrap_or(0) + fields.get(4).copied().unwrap_or(0);
        CpuTimes { busy: total.saturating_sub(idle), total, cpus }
    }

    /// CPUs busy on average since `earlier`.
    fn busy_cpus_since(&self, earlier: &CpuTimes) -> f64 {
        let total = self.total.saturating_sub(earlier.total);
        if total == 0 {
            return 0.0;
        }
        self.busy.saturating_sub(earlier.busy) as f64 / total as f64 * self.cpus as f64
    }
}
