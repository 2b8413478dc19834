//! The `profiling` receiver: an eBPF CPU profiler whose samples enter the profiles pipelines
//! as OTLP profiles, so that `profile`-context rules apply to them before any exporter.
//!
//! Every second it drains the kernel's counts ([`kernel`]), normalizes the user addresses
//! while the processes are still there ([`stacks`]), and adds them to the current window
//! ([`window`]); every `reporter_interval` the window becomes a profiles payload ([`otlp`],
//! symbolized by [`symbols`]). The rate adapts to hot processes ([`adaptive`]).
//!
//! It never stops the agent: without permission, BTF or an eBPF build it says why in one line
//! and everything else runs.

// The user-space half builds and is tested everywhere; without the eBPF program (no clang
// at build time) only its tests use it.
#[cfg_attr(not(ebpf_profiler), allow(dead_code))]
mod adaptive;
#[cfg(ebpf_profiler)]
mod kernel;
#[cfg_attr(not(ebpf_profiler), allow(dead_code))]
mod otlp;
#[cfg_attr(not(ebpf_profiler), allow(dead_code))]
mod selection;
#[cfg_attr(not(ebpf_profiler), allow(dead_code))]
mod stacks;
#[cfg_attr(not(ebpf_profiler), allow(dead_code))]
mod symbols;
#[cfg_attr(not(ebpf_profiler), allow(dead_code))]
mod window;

#[cfg(ebpf_profiler)]
mod run;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::config::{ComponentId, ProfilingConfig};
use crate::receivers::Intake;
use crate::stats::Stats;

/// Starts the profiler of receiver `id`; `None` when it cannot run here (said in one line).
pub fn start(
    id: &ComponentId,
    config: &ProfilingConfig,
    intake: Intake,
    stats: &Stats,
    stopping: watch::Receiver<bool>,
) -> Option<JoinHandle<()>> {
    #[cfg(ebpf_profiler)]
    {
        run::start(id, config, intake, stats.profiler(&id.0), stopping)
    }
    #[cfg(not(ebpf_profiler))]
    {
        let _ = (config, intake, stats, stopping);
        tracing::warn!(
            "{id}: profiling is off: this agent was built without its eBPF program (clang and libbpf-dev were missing at build time)"
        );
        None
    }
}
