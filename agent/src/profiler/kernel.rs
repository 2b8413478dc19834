//! The kernel side, through aya: loads the embedded program (`agent-ebpf/profiler.bpf.c`),
//! attaches it to the cpu-clock event of every online CPU, and reads back what it counted.
//! The structs here mirror the C ones field for field.

use std::collections::HashMap;
use std::fmt;
use std::os::fd::OwnedFd;

use aya::maps::{Array, HashMap as BpfHashMap, MapData, PerCpuArray, StackTraceMap};
use aya::programs::PerfEvent;
use aya::programs::perf_event::{PerfEventConfig, PerfEventLinkId, PerfEventScope, SamplePolicy, SoftwareEvent};
use aya::{Ebpf, EbpfLoader, Pod};

use super::selection::Selection;
use super::window::RawSample;
use crate::error_chain::error_chain;

/// The program, built by build.rs. aya needs it aligned for its ELF parser.
static OBJECT: &[u8] = aya::include_bytes_aligned!(concat!(env!("OUT_DIR"), "/profiler.bpf.o"));

const PROGRAM: &str = "on_cpu_sample";
const COMM_LEN: usize = 16;
/// Entries of the `rates` and `selected` maps (fixed in the C source).
pub const MAX_PROCESSES: usize = 1024;

#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
struct Config {
    buffer: u32,
    mode: u32,
    cgroup_id: u64,
    cgroup_level: u32,
    event_hz: u32,
    default_hz: u32,
    _pad: u32,
}

#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct SampleKey {
    tgid: u32,
    pid: u32,
    user_stack: i32,
    kernel_stack: i32,
}

#[repr(C)]
#[derive(Clone, Copy, Debug)]
struct SampleValue {
    count: u64,
    comm: [u8; COMM_LEN],
}

// SAFETY: plain C structs with no padding holes the kernel could leave uninitialized that we
// read as anything but bytes, and every bit pattern is a valid value.
unsafe impl Pod for Config {}
// SAFETY: as above.
unsafe impl Pod for SampleKey {}
// SAFETY: as above.
unsafe impl Pod for SampleValue {}

/// The program's counters (`stats` in the C source, same indices).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counters {
    /// Samples kept and counted.
    pub samples: u64,
    /// Samples lost because the counts map was full.
    pub lost_full: u64,
    /// Samples whose user or kernel stack was lost (a taken stack-map bucket).
    pub lost_stack: u64,
    /// Samples of a process sampled below the events' rate, dropped by design.
    pub skipped: u64,
}

impl Counters {
    pub fn since(self, earlier: Counters) -> Counters {
        Counters {
            samples: self.samples.saturating_sub(earlier.samples),
            lost_full: self.lost_full.saturating_sub(earlier.lost_full),
            lost_stack: self.lost_stack.saturating_sub(earlier.lost_stack),
            skipped: self.skipped.saturating_sub(earlier.skipped),
        }
    }
}

/// Why the profiler cannot run here; said once, in one line.
#[derive(Debug)]
pub struct Unavailable(pub String);

impl fmt::Display for Unavailable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One set of maps: samples go to one while the other is drained.
struct Buffer {
    counts: BpfHashMap<MapData, SampleKey, SampleValue>,
    stacks: StackTraceMap<MapData>,
}

pub struct Kernel {
    ebpf: Ebpf,
    links: Vec<PerfEventLinkId>,
    config: Array<MapData, Config>,
    selected: BpfHashMap<MapData, u32, u8>,
    rates: BpfHashMap<MapData, u32, u32>,
    stats: PerCpuArray<MapData, u64>,
    buffers: [Buffer; 2],
    current: Config,
    cpus: Vec<u32>,
    /// Keeps the kernel's BPF run-time statistics on while the profiler runs.
    _stats_enabled: Option<OwnedFd>,
}

impl Kernel {
    /// Loads the program with maps sized for `max_hz` samples a second on every CPU over a
    /// drain interval of `drain_seconds`, selecting `selection`, without attaching it yet.
    pub fn load(max_hz: u32, drain_seconds: u32, selection: &Selection) -> Result<Kernel, Unavailable> {
        raise_memlock_limit();
        let cpus = aya::util::online_cpus().map_err(|(what, error)| Unavailable(format!("{what}: {error}")))?;
        let sizes = MapSizes::for_rate(max_hz, cpus.len(), drain_seconds);
        let mut loader = EbpfLoader::new();
        for name in ["counts_0", "counts_1"] {
            loader.map_max_entries(name, sizes.counts);
        }
        for name in ["stacks_0", "stacks_1"] {
            loader.map_max_entries(name, sizes.stacks);
        }
        let mut ebpf = loader.load(OBJECT).map_err(|error| Unavailable(explain_load_error(&error_chain(&error))))?;
        let program: &mut PerfEvent = program(&mut ebpf)?;
        program.load().map_err(|error| Unavailable(explain_load_error(&error_chain(&error))))?;
        let buffers = [buffer(&mut ebpf, "counts_0", "stacks_0")?, buffer(&mut ebpf, "counts_1", "stacks_1")?];
        let mut kernel = Kernel {
            config: take(&mut ebpf, "config")?,
            selected: take(&mut ebpf, "selected")?,
            rates: take(&mut ebpf, "rates")?,
            stats: take(&mut ebpf, "stats")?,
            ebpf,
            links: Vec::new(),
            buffers,
            current: Config::default(),
            cpus,
            // Without it the kernel does not time BPF programs; the overhead budget then
            // rests on the per-sample cost measured elsewhere (spec/EBPF.md).
            _stats_enabled: aya::sys::enable_stats(aya::sys::Stats::RunTime).ok(),
        };
        kernel.select(selection)?;
        Ok(kernel)
    }

    pub fn cpu_count(&self) -> usize {
        self.cpus.len()
    }

    fn select(&mut self, selection: &Selection) -> Result<(), Unavailable> {
        match selection {
            Selection::All => self.current.mode = 0,
            Selection::Pids(pids) => {
                self.current.mode = 1;
                for pid in pids.iter().take(MAX_PROCESSES) {
                    self.selected.insert(pid, 1, 0).map_err(|error| Unavailable(format!("selecting process {pid}: {error}")))?;
                }
            }
            Selection::Cgroup { id, level } => {
                self.current.mode = 2;
                self.current.cgroup_id = *id;
                self.current.cgroup_level = *level;
            }
        }
        self.write_config()
    }

    fn write_config(&mut self) -> Result<(), Unavailable> {
        self.config.set(0, self.current, 0).map_err(|error| Unavailable(format!("writing the profiler's config: {error}")))
    }

    /// Samples at `event_hz` on every CPU, keeping `default_hz` of them for a process without
    /// a rate of its own. Re-attaches only when the events' rate changes.
    pub fn set_rates(&mut self, event_hz: u32, default_hz: u32, own: &HashMap<u32, u32>) -> Result<(), Unavailable> {
        let stale: Vec<u32> = self.rates.keys().filter_map(Result::ok).filter(|tgid| !own.contains_key(tgid)).collect();
        for tgid in stale {
            let _ = self.rates.remove(&tgid);
        }
        for (tgid, hz) in own.iter().take(MAX_PROCESSES) {
            self.rates.insert(tgid, hz, 0).map_err(|error| Unavailable(format!("setting a process's rate: {error}")))?;
        }
        let reattach = event_hz != self.current.event_hz || self.links.is_empty();
        self.current.event_hz = event_hz;
        self.current.default_hz = default_hz;
        self.write_config()?;
        if reattach {
            self.attach(event_hz)?;
        }
        Ok(())
    }

    fn attach(&mut self, hz: u32) -> Result<(), Unavailable> {
        let cpus = self.cpus.clone();
        let mut links = std::mem::take(&mut self.links);
        let program = program(&mut self.ebpf)?;
        for link in links.drain(..) {
            let _ = program.detach(link);
        }
        for cpu in cpus {
            let link = program
                .attach(
                    PerfEventConfig::Software(SoftwareEvent::CpuClock),
                    PerfEventScope::AllProcessesOneCpu { cpu },
                    SamplePolicy::Frequency(u64::from(hz)),
                    false,
                )
                .map_err(|error| Unavailable(format!("attaching to the cpu-clock event of CPU {cpu}: {error:#}")))?;
            links.push(link);
        }
        self.links = links;
        Ok(())
    }

    /// Points the program at the other set of maps and reads and clears this one. A sample
    /// that read the old buffer number just before the flip may still land in the set being
    /// drained; it is then counted in the next drain of that set, never lost.
    pub fn drain(&mut self) -> Result<Vec<RawSample>, Unavailable> {
        let drained = (self.current.buffer & 1) as usize;
        self.current.buffer ^= 1;
        self.write_config()?;
        // Let a program that read the old number finish (a run takes about 2 µs).
        std::thread::sleep(std::time::Duration::from_millis(1));
        let buffer = &mut self.buffers[drained];
        let entries: Vec<(SampleKey, SampleValue)> = buffer.counts.iter().filter_map(Result::ok).collect();
        let mut stacks: HashMap<i32, Vec<u64>> = HashMap::new();
        let mut samples = Vec::with_capacity(entries.len());
        for (key, value) in &entries {
            let mut stack = |id: i32| -> Vec<u64> {
                if id < 0 {
                    return Vec::new();
                }
                stacks
                    .entry(id)
                    .or_insert_with(|| match buffer.stacks.get(&(id as u32), 0) {
                        Ok(trace) => trace.frames().iter().map(|frame| frame.ip).collect(),
                        Err(_) => Vec::new(),
                    })
                    .clone()
            };
            samples.push(RawSample {
                tgid: key.tgid,
                tid: key.pid,
                thread_name: comm(&value.comm),
                user_stack: stack(key.user_stack),
                kernel_stack: stack(key.kernel_stack),
                count: value.count,
            });
        }
        for (key, _) in &entries {
            let _ = buffer.counts.remove(key);
        }
        for id in stacks.keys() {
            let _ = buffer.stacks.remove(&(*id as u32));
        }
        Ok(samples)
    }

    /// The program's counters, summed over CPUs.
    pub fn counters(&self) -> Counters {
        let read = |index: u32| -> u64 { self.stats.get(&index, 0).map(|values| values.iter().sum()).unwrap_or(0) };
        Counters { samples: read(0), lost_full: read(1), lost_stack: read(2), skipped: read(3) }
    }

    /// The kernel's account of the program's runs: total time in it, and the number of runs.
    /// Zero when the kernel's statistics could not be turned on.
    pub fn run_time(&mut self) -> (std::time::Duration, u64) {
        match program(&mut self.ebpf).and_then(|program| program.info().map_err(|error| Unavailable(error.to_string()))) {
            Ok(info) => (info.run_time(), info.run_count()),
            Err(_) => (std::time::Duration::ZERO, 0),
        }
    }
}

/// How big the maps are. A drain interval at the highest rate on every CPU gives at most
/// `samples` samples, each a new key in the worst case. A stack-trace map is a hash table
/// that refuses a stack whose bucket is taken, so it gets twice the room; each entry
/// preallocates 127 frames (1 KiB), which bounds it.
#[derive(Debug, PartialEq, Eq)]
struct MapSizes {
    counts: u32,
    stacks: u32,
}

impl MapSizes {
    fn for_rate(max_hz: u32, cpus: usize, drain_seconds: u32) -> MapSizes {
        let samples = u64::from(max_hz) * cpus.max(1) as u64 * u64::from(drain_seconds.max(1));
        let counts = samples.next_power_of_two().clamp(1024, 65_536) as u32;
        let stacks = (samples * 2).next_power_of_two().clamp(1024, 16_384) as u32;
        MapSizes { counts, stacks }
    }
}

fn program(ebpf: &mut Ebpf) -> Result<&mut PerfEvent, Unavailable> {
    ebpf.program_mut(PROGRAM)
        .ok_or_else(|| Unavailable(format!("the embedded BPF object has no program `{PROGRAM}`")))?
        .try_into()
        .map_err(|error| Unavailable(format!("`{PROGRAM}` is not a perf_event program: {error}")))
}

fn take<T: TryFrom<aya::maps::Map>>(ebpf: &mut Ebpf, name: &str) -> Result<T, Unavailable>
where
    T::Error: fmt::Display,
{
    let map = ebpf.take_map(name).ok_or_else(|| Unavailable(format!("the embedded BPF object has no map `{name}`")))?;
    T::try_from(map).map_err(|error| Unavailable(format!("map `{name}`: {error}")))
}

fn buffer(ebpf: &mut Ebpf, counts: &str, stacks: &str) -> Result<Buffer, Unavailable> {
    Ok(Buffer { counts: take(ebpf, counts)?, stacks: take(ebpf, stacks)? })
}

fn comm(bytes: &[u8; COMM_LEN]) -> String {
    let end = bytes.iter().position(|&byte| byte == 0).unwrap_or(COMM_LEN);
    String::from_utf8_lossy(&bytes[..end]).into_owned()
}

/// Kernels before 5.11 charge BPF maps to RLIMIT_MEMLOCK; newer ones charge the memory cgroup.
/// These VMs cannot raise the limit and do not need to (spec/EBPF.md), so failing is only a
/// warning.
fn raise_memlock_limit() {
    let unlimited = libc::rlimit { rlim_cur: libc::RLIM_INFINITY, rlim_max: libc::RLIM_INFINITY };
    // SAFETY: setrlimit reads the struct it is given and nothing else.
    if unsafe { libc::setrlimit(libc::RLIMIT_MEMLOCK, &unlimited) } != 0 {
        tracing::debug!(
            "profiling: could not raise RLIMIT_MEMLOCK ({}); kernels from 5.11 on do not need it",
            std::io::Error::last_os_error()
        );
    }
}

/// The one line a user needs when loading fails, for the usual causes.
fn explain_load_error(error: &str) -> String {
    let lower = error.to_ascii_lowercase();
    if lower.contains("operation not permitted") || lower.contains("permission denied") || lower.contains("eperm") {
        format!("loading BPF needs root, or CAP_BPF and CAP_PERFMON ({error})")
    } else if lower.contains("btf") {
        format!("this kernel's BTF could not be used; the profiler needs a kernel with /sys/kernel/btf/vmlinux ({error})")
    } else {
        format!("the BPF program could not be loaded: {error}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_grow_with_the_rate_and_stay_bounded() {
        assert_eq!(MapSizes::for_rate(49, 2, 1), MapSizes { counts: 1024, stacks: 1024 });
        assert_eq!(MapSizes::for_rate(999, 2, 1), MapSizes { counts: 2048, stacks: 4096 });
        assert_eq!(MapSizes::for_rate(999, 64, 4), MapSizes { counts: 65_536, stacks: 16_384 });
    }

    #[test]
    fn the_structs_have_the_c_layout() {
        assert_eq!(std::mem::size_of::<Config>(), 32);
        assert_eq!(std::mem::size_of::<SampleKey>(), 16);
        assert_eq!(std::mem::size_of::<SampleValue>(), 24);
        assert_eq!(comm(b"worker\0\0\0\0\0\0\0\0\0\0"), "worker");
        assert_eq!(comm(b"sixteen-chars-xx"), "sixteen-chars-xx");
    }
}
