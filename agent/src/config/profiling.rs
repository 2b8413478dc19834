//! The `profiling` receiver's settings: the OpenTelemetry eBPF profiler's receiver name and
//! its `samples_per_second` and `reporter_interval` keys (older releases spelled them
//! `SamplesPerSecond` and `ReporterInterval`; both are read), plus the agent's own keys for
//! the adaptive rate and the processes profiled.

use std::path::PathBuf;
use std::time::Duration;

use ottl_grammar::Code;

use super::ComponentId;
use ottl_pipeline::settings::{At, Reader};

/// The base rate when none is configured: the seed's (§4.2.2), inside the 19–99 Hz band
/// profilers run at all the time (the OpenTelemetry eBPF profiler 19–20 Hz, Pyroscope 97 Hz).
pub const DEFAULT_SAMPLES_PER_SECOND: u32 = 49;
/// The highest rate a configuration may ask for: above it the program's own cost (1.5–2.4 µs
/// a sample, spec/EBPF.md) is no longer small.
pub const MAX_SAMPLES_PER_SECOND: u32 = 999;

#[derive(Clone, Debug, PartialEq)]
pub struct ProfilingConfig {
    /// The rate every selected process is sampled at, per CPU it runs on.
    pub samples_per_second: u32,
    /// How often profiles go into the pipeline (the upstream receiver's default, 5 s).
    pub reporter_interval: Duration,
    pub adaptive: AdaptiveConfig,
    pub processes: Processes,
}

/// Seed §4.2.2: a process whose CPU use crosses a threshold is sampled faster, up to a
/// ceiling, as long as the profiler's measured cost stays within its budget.
#[derive(Clone, Debug, PartialEq)]
pub struct AdaptiveConfig {
    pub enabled: bool,
    pub max_samples_per_second: u32,
    /// CPU use, in CPUs (0.7 is 70 % of one CPU), above which a process is hot.
    pub cpu_threshold: f64,
    /// The profiler's share of the machine's CPU time it may spend (0.005 is 0.5 %).
    pub overhead_budget: f64,
}

/// Which processes are profiled.
#[derive(Clone, Debug, PartialEq)]
pub enum Processes {
    All,
    /// The agent itself.
    Agent,
    Pids(Vec<u32>),
    /// A cgroup (v2) and everything below it: a path relative to where cgroup v2 is mounted
    /// (`/sys/fs/cgroup`, or `/sys/fs/cgroup/unified` on a hybrid system), or absolute.
    Cgroup(PathBuf),
}

impl Default for ProfilingConfig {
    fn default() -> Self {
        ProfilingConfig {
            samples_per_second: DEFAULT_SAMPLES_PER_SECOND,
            reporter_interval: Duration::from_secs(5),
            adaptive: AdaptiveConfig {
                enabled: true,
                max_samples_per_second: MAX_SAMPLES_PER_SECOND,
                cpu_threshold: 0.7,
                overhead_budget: 0.005,
            },
            processes: Processes::All,
        }
    }
}

const KEYS: &[&str] =
    &["samples_per_second", "SamplesPerSecond", "reporter_interval", "ReporterInterval", "adaptive", "processes", "cgroup"];
const ADAPTIVE_KEYS: &[&str] = &["enabled", "max_samples_per_second", "cpu_threshold", "overhead_budget"];

pub fn profiling_receiver(reader: &mut Reader<'_>, at: At, id: &ComponentId) -> Option<ProfilingConfig> {
    let mut config = ProfilingConfig::default();
    let mut cgroup = None;
    for (key, at) in reader.settings(at, &id.0, KEYS) {
        let what = format!("`{key}`");
        match key.as_str() {
            "samples_per_second" | "SamplesPerSecond" => config.samples_per_second = rate(reader, at, &what)?,
            "reporter_interval" | "ReporterInterval" => {
                config.reporter_interval = reader.duration(at, &what)?;
                if config.reporter_interval < Duration::from_secs(1) {
                    reader.error(Code::InvalidComponentSetting, at, format!("{what} must be at least 1s"), "write e.g. 5s");
                    return None;
                }
            }
            "adaptive" => config.adaptive = adaptive(reader, at, id, config.adaptive)?,
            "processes" => config.processes = processes(reader, at)?,
            _ => cgroup = Some((PathBuf::from(reader.scalar(at, &what)?), at)),
        }
    }
    if let Some((path, at)) = cgroup {
        if config.processes != Processes::All {
            reader.error(
                Code::InvalidComponentSetting,
                at.key_of(),
                format!("`{id}`: `cgroup` and `processes` select processes two ways"),
                "keep one of them",
            );
            return None;
        }
        config.processes = Processes::Cgroup(path);
    }
    if config.adaptive.max_samples_per_second < config.samples_per_second {
        config.adaptive.max_samples_per_second = config.samples_per_second;
    }
    Some(config)
}

fn rate(reader: &mut Reader<'_>, at: At, what: &str) -> Option<u32> {
    let valid = |hz: f64| hz >= 1.0 && hz <= f64::from(MAX_SAMPLES_PER_SECOND) && hz.fract() == 0.0;
    reader.number(at, what, valid, &format!("a whole number from 1 to {MAX_SAMPLES_PER_SECOND}")).map(|hz| hz as u32)
}

fn adaptive(reader: &mut Reader<'_>, at: At, id: &ComponentId, mut adaptive: AdaptiveConfig) -> Option<AdaptiveConfig> {
    for (key, at) in reader.settings(at, &format!("{id}::adaptive"), ADAPTIVE_KEYS) {
        let what = format!("`{key}`");
        match key.as_str() {
            "enabled" => adaptive.enabled = reader.bool(at, &what)?,
            "max_samples_per_second" => adaptive.max_samples_per_second = rate(reader, at, &what)?,
            "cpu_threshold" => adaptive.cpu_threshold = reader.number(at, &what, |cpus| cpus > 0.0, "positive")?,
            _ => {
                adaptive.overhead_budget =
                    reader.number(at, &what, |share| share > 0.0 && share < 1.0, "between 0 and 1 (0.005 is 0.5 %)")?
            }
        }
    }
    Some(adaptive)
}

/// `all`, `self`, or a list of process ids.
fn processes(reader: &mut Reader<'_>, at: At) -> Option<Processes> {
    if reader.tree.scalar(at.node).is_none() {
        let mut pids = Vec::new();
        for (text, at) in reader.strings(at, "`processes`") {
            match text.parse() {
                Ok(pid) => pids.push(pid),
                Err(_) => {
                    reader.error(Code::InvalidComponentSetting, at, format!("`{text}` is not a process id"), "write a number");
                    return None;
                }
            }
        }
        return Some(Processes::Pids(pids));
    }
    match reader.one_of(at, "`processes`", &["all", "self"])?.as_str() {
        "all" => Some(Processes::All),
        _ => Some(Processes::Agent),
    }
}
