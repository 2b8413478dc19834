//! One measured run: a fresh sink, the process under test started on its config, the load
//! generator warming it up and then measured for a fixed time, the process stopped (SIGTERM:
//! it drains into the sink), and every acknowledged record accounted for.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ottl_tests::agent_process::Agent;
use ottl_tests::collector::{self, Collector};
use ottl_tests::procfs;

use crate::loadgen::{self, Exchange, LoadGenerator};
use crate::sink::Sink;
use crate::workloads::{Process, Setup, Workload};

/// How a run is timed and loaded.
#[derive(Clone, Copy)]
pub struct Timing {
    pub warm_up: Duration,
    pub duration: Duration,
    pub connections: usize,
}

/// What one run measured. Rates count the records sent in requests the process accepted.
pub struct Measurement {
    pub records_per_second: f64,
    /// Records per second of the process's CPU time (user and system, all threads).
    pub records_per_cpu_second: f64,
    /// The client's latency of the accepted requests; `None` when there were none.
    pub p50: Option<Duration>,
    pub p99: Option<Duration>,
    /// The share of requests the process pushed back (429/503).
    pub rejected: f64,
    pub peak_rss_kib: u64,
    /// Records the sink received over the whole run, and the records the accepted requests
    /// should have delivered.
    pub delivered: u64,
    pub expected: u64,
}

/// Runs `setup` of `workload`; with `sink_rate`, the sink takes at most that many records a
/// second while the load runs (then the limit is lifted, so that the process drains).
pub fn measure(workload: &Workload, setup: &Setup, timing: Timing, sink_rate: Option<f64>) -> Result<Measurement, String> {
    let sink = Sink::start()?;
    sink.throttle(sink_rate);
    let port = collector::free_port()?;
    let process = Running::start(setup.process, &setup.config(port, sink.port()), port)?;
    let requests: Vec<Vec<u8>> = workload.bodies.iter().map(|body| loadgen::http_request(port, workload.path, body)).collect();
    let load = LoadGenerator::start(port, Arc::new(requests), timing.connections);
    std::thread::sleep(timing.warm_up);
    let (start, cpu_before) = (Instant::now(), procfs::cpu_ticks(process.pid())?);
    std::thread::sleep(timing.duration);
    let (end, cpu_after) = (Instant::now(), procfs::cpu_ticks(process.pid())?);
    let peak_rss_kib = procfs::peak_rss_kib(process.pid())?;
    let exchanges = load.stop()?;
    sink.throttle(None);
    process.stop()?;
    if let Some(error) = sink.errors().first() {
        return Err(error.clone());
    }
    let window: Vec<&Exchange> = exchanges.iter().filter(|e| e.ended >= start && e.ended < end).collect();
    let accepted: Vec<&Exchange> = window.iter().copied().filter(|e| e.accepted).collect();
    let records: u64 = accepted.iter().map(|e| workload.records[e.request]).sum();
    let cpu_seconds = (cpu_after - cpu_before) as f64 / procfs::clock_ticks_per_second()? as f64;
    let mut latencies: Vec<Duration> = accepted.iter().map(|e| e.latency).collect();
    latencies.sort_unstable();
    Ok(Measurement {
        records_per_second: records as f64 / (end - start).as_secs_f64(),
        records_per_cpu_second: if cpu_seconds > 0.0 { records as f64 / cpu_seconds } else { 0.0 },
        p50: quantile(&latencies, 0.50),
        p99: quantile(&latencies, 0.99),
        rejected: if window.is_empty() { 0.0 } else { (window.len() - accepted.len()) as f64 / window.len() as f64 },
        peak_rss_kib,
        delivered: sink.records(),
        expected: exchanges.iter().filter(|e| e.accepted).map(|e| workload.delivered[e.request]).sum(),
    })
}

/// The value below which `q` of the sorted `values` fall.
fn quantile(sorted: &[Duration], q: f64) -> Option<Duration> {
    let last = sorted.len().checked_sub(1)?;
    sorted.get((last as f64 * q).round() as usize).copied()
}

/// Why `process` cannot run here, if it cannot.
pub fn unavailable(process: Process) -> Option<String> {
    match process {
        Process::Agent => None,
        Process::Collector => collector::binary().err(),
    }
}

/// The process under test.
enum Running {
    Agent(Agent),
    Collector(Collector),
}

impl Running {
    /// Starts `process` on `config`; ready once it accepts connections on `port` (the agent)
    /// or says so (the collector).
    fn start(process: Process, config: &str, port: u16) -> Result<Running, String> {
        match process {
            Process::Agent => Agent::start(&agent_binary(), config, &[port]).map(Running::Agent),
            Process::Collector => Collector::start(config).map(Running::Collector),
        }
    }

    fn pid(&self) -> u32 {
        match self {
            Running::Agent(agent) => agent.pid(),
            Running::Collector(collector) => collector.pid(),
        }
    }

    /// SIGTERM; the process must drain and exit 0.
    fn stop(self) -> Result<(), String> {
        let (status, log) = match self {
            Running::Agent(agent) => agent.shutdown()?,
            Running::Collector(collector) => {
                let log = collector.log();
                (collector.shutdown()?, log)
            }
        };
        if status.success() { Ok(()) } else { Err(format!("it exited with {status}; its log:\n{log}")) }
    }
}

/// `$OTTL_AGENT`, or the agent Cargo built with this bench.
fn agent_binary() -> PathBuf {
    std::env::var_os("OTTL_AGENT").map(PathBuf::from).unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_ottl-agent")))
}
