//! The samples of one reporting interval, aggregated as they are drained: per process, per
//! sampling rate (a profile has one period), per thread and stack.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::SystemTime;

use super::stacks::{Frame, Stacks};

/// One thread's samples with one pair of stacks, as the kernel counted them: what the
/// window takes in. Defined here, not beside the kernel code that reads it, so that the
/// window and its tests build without the eBPF program (no clang).
#[derive(Clone, Debug)]
pub struct RawSample {
    pub tgid: u32,
    pub tid: u32,
    pub thread_name: String,
    /// Innermost first; empty for a kernel thread or a lost stack.
    pub user_stack: Vec<u64>,
    pub kernel_stack: Vec<u64>,
    pub count: u64,
}

/// What the profile says about a process, read from /proc when its first sample is drained.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ProcessInfo {
    pub pid: u32,
    /// `/proc/<pid>/comm`, or the sampled thread's name if the process is gone.
    pub executable_name: String,
    pub executable_path: Option<String>,
}

impl ProcessInfo {
    fn read(pid: u32, thread_name: &str) -> ProcessInfo {
        let proc = format!("/proc/{pid}");
        let executable_name = std::fs::read_to_string(format!("{proc}/comm"))
            .map(|name| name.trim_end().to_string())
            .unwrap_or_else(|_| thread_name.to_string());
        let executable_path = std::fs::read_link(format!("{proc}/exe")).ok().map(|path| path.display().to_string());
        ProcessInfo { pid, executable_name, executable_path }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct StackKey {
    pub tid: u32,
    /// Innermost first: the kernel's frames, then the user's.
    pub frames: Arc<[Frame]>,
}

#[derive(Debug, Default)]
pub struct Thread {
    pub name: String,
}

#[derive(Debug, Default)]
pub struct ProcessSamples {
    pub info: ProcessInfo,
    /// Per rate in Hz: each stack's count.
    pub by_rate: BTreeMap<u32, HashMap<StackKey, u64>>,
    pub threads: HashMap<u32, Thread>,
}

#[derive(Debug)]
pub struct Window {
    pub start: SystemTime,
    pub processes: BTreeMap<u32, ProcessSamples>,
}

impl Window {
    pub fn new(start: SystemTime) -> Window {
        Window { start, processes: BTreeMap::new() }
    }

    /// Adds one drain's samples, taken at `rate_of(tgid)`. Returns each process's CPU
    /// seconds in this drain, for the adaptive rate.
    pub fn add(&mut self, samples: Vec<RawSample>, rate_of: impl Fn(u32) -> u32, stacks: &mut Stacks) -> HashMap<u32, f64> {
        let mut by_process: BTreeMap<u32, Vec<RawSample>> = BTreeMap::new();
        for sample in samples {
            by_process.entry(sample.tgid).or_default().push(sample);
        }
        let mut cpu = HashMap::new();
        for (tgid, samples) in by_process {
            let hz = rate_of(tgid).max(1);
            let mut addresses: Vec<u64> = samples.iter().flat_map(|sample| sample.user_stack.iter().copied()).collect();
            addresses.sort_unstable();
            addresses.dedup();
            let normalized: HashMap<u64, Frame> = addresses.iter().copied().zip(stacks.normalize(tgid, &addresses)).collect();
            let process = self.processes.entry(tgid).or_insert_with(|| ProcessSamples {
                info: ProcessInfo::read(tgid, &samples[0].thread_name),
                ..ProcessSamples::default()
            });
            let counts = process.by_rate.entry(hz).or_default();
            let mut total = 0;
            for sample in samples {
                let frames: Arc<[Frame]> = sample
                    .kernel_stack
                    .iter()
                    .map(|&address| Frame::Kernel(address))
                    .chain(sample.user_stack.iter().map(|address| normalized[address].clone()))
                    .collect();
                *counts.entry(StackKey { tid: sample.tid, frames }).or_default() += sample.count;
                total += sample.count;
                process.threads.entry(sample.tid).or_insert_with(|| Thread { name: sample.thread_name });
            }
            cpu.insert(tgid, total as f64 / f64::from(hz));
        }
        cpu
    }

    pub fn sample_count(&self) -> u64 {
        self.processes.values().flat_map(|process| process.by_rate.values()).flat_map(|stacks| stacks.values()).sum()
    }
}
