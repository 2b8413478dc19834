//! The agent's own counters, per component, and their Prometheus text form.
//!
//! The names follow the collector's internal telemetry (`otelcol_receiver_accepted_*`,
//! `otelcol_exporter_sent_*`, ...) with `ottl_agent_` in front, so that dashboards built for
//! the collector read them with one prefix changed.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

/// A monotonic counter.
#[derive(Default, Debug)]
pub struct Counter(AtomicU64);

impl Counter {
    pub fn add(&self, n: u64) {
        self.0.fetch_add(n, Ordering::Relaxed);
    }

    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// A value that goes up and down.
#[derive(Default, Debug)]
pub struct Gauge(AtomicU64);

impl Gauge {
    pub fn set(&self, n: u64) {
        self.0.store(n, Ordering::Relaxed);
    }

    pub fn increment(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }

    pub fn decrement(&self) {
        // Never below zero, even if a decrement overtakes its increment.
        let _ = self.0.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| Some(n.saturating_sub(1)));
    }

    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

#[derive(Default, Debug)]
pub struct ReceiverStats {
    /// Items acknowledged to clients.
    pub accepted: Counter,
    /// Items refused: malformed, too large, or pushed back when the agent was full.
    pub refused: Counter,
}

#[derive(Default, Debug)]
pub struct ProcessorStats {
    pub items_in: Counter,
    pub dropped: Counter,
    pub routed: Counter,
    /// Batches failed by a statement error under `error_mode: propagate`.
    pub batch_errors: Counter,
    /// Statement errors logged under `error_mode: ignore`.
    pub statement_errors: Counter,
}

/// An exporter's counters. Every item handed to it (`accepted`) ends in `sent` or
/// `failed`; the difference is what it still holds.
#[derive(Default, Debug)]
pub struct ExporterStats {
    pub accepted: Counter,
    pub sent: Counter,
    pub retried: Counter,
    /// Items given up on after their retries, lost to a closed queue, or still held when
    /// the shutdown's drain timed out.
    pub failed: Counter,
    /// Batches waiting in the sending queue, and how many it holds (the collector's
    /// `otelcol_exporter_queue_size` and `_capacity`).
    pub queue_size: Gauge,
    pub queue_capacity: Gauge,
}

impl ExporterStats {
    /// Items handed over and not yet sent or given up on.
    pub fn unfinished(&self) -> u64 {
        self.accepted.get().saturating_sub(self.sent.get() + self.failed.get())
    }
}

/// One rule generation's counters, summed over its processors: what a generation that
/// misbehaves is known by (and what a rollback would decide on).
#[derive(Default, Debug)]
pub struct GenerationStats {
    pub items_in: Counter,
    pub dropped: Counter,
    pub statement_errors: Counter,
    pub batch_errors: Counter,
    /// Items of the batches a processor failed under `error_mode: propagate`.
    pub failed_items: Counter,
}

/// A `profiling` receiver's counters: what its BPF program counted and what it cost, as the
/// kernel measured it, and the rates in force.
#[derive(Default, Debug)]
pub struct ProfilerStats {
    /// Samples counted in the kernel.
    pub samples: Counter,
    /// Samples lost because the kernel's counts map was full.
    pub lost_samples: Counter,
    /// Samples whose stack was lost to a taken stack-map bucket.
    pub lost_stacks: Counter,
    /// Runs of the program, and the time they took (zero when the kernel does not count).
    pub program_runs: Counter,
    pub program_run_nanoseconds: Counter,
    /// The rate the perf events tick at, and the processes sampled above the base rate.
    pub event_hz: Gauge,
    pub raised_processes: Gauge,
    /// What each sampled process used over the last drain, for the self-operation loop.
    pub processes: Mutex<Vec<ProcessCpu>>,
    /// Processes the self-operation loop marked hot, and when it last did: the profiler
    /// raises their rate as it raises those over its own threshold.
    pub marked_hot: Mutex<HashMap<u32, Instant>>,
}

/// How long a mark keeps a process hot: a few of the profiler's one-second drains, so that
/// a decision every interval keeps it raised and one that stops lets it cool.
pub const HOT_MARK_LIFETIME: std::time::Duration = std::time::Duration::from_secs(3);

impl ProfilerStats {
    /// The processes marked hot within [`HOT_MARK_LIFETIME`]; older marks are forgotten.
    pub fn marked_hot(&self) -> std::collections::HashSet<u32> {
        let mut marks = self.marked_hot.lock().unwrap_or_else(PoisonError::into_inner);
        marks.retain(|_, marked| marked.elapsed() < HOT_MARK_LIFETIME);
        marks.keys().copied().collect()
    }
}

/// A sampled process's CPU use over one drain, and the rate it is sampled at.
#[derive(Clone, Debug, PartialEq)]
pub struct ProcessCpu {
    pub pid: u32,
    /// CPU seconds per second.
    pub cpu: f64,
    pub samples_per_second: u32,
}

/// How many generations' counters are kept: the running one and those just before it.
const GENERATIONS_KEPT: usize = 4;

/// Every component's counters, created on first use.
#[derive(Default, Debug)]
pub struct Stats {
    receivers: Mutex<BTreeMap<String, Arc<ReceiverStats>>>,
    processors: Mutex<BTreeMap<String, Arc<ProcessorStats>>>,
    exporters: Mutex<BTreeMap<String, Arc<ExporterStats>>>,
    profilers: Mutex<BTreeMap<String, Arc<ProfilerStats>>>,
    /// The number of the generation running now.
    generation: Gauge,
    generations: Mutex<BTreeMap<u64, Arc<GenerationStats>>>,
    /// Rule generations refused because they did not compile.
    pub generations_refused: Counter,
    /// The self-operation loop's actions, by action and outcome.
    actions: Mutex<BTreeMap<(String, String), Arc<Counter>>>,
}

fn entry<T: Default>(map: &Mutex<BTreeMap<String, Arc<T>>>, name: &str) -> Arc<T> {
    let mut map = map.lock().unwrap_or_else(PoisonError::into_inner);
    map.entry(name.to_string()).or_default().clone()
}

fn snapshot<T>(map: &Mutex<BTreeMap<String, Arc<T>>>) -> Vec<(String, Arc<T>)> {
    map.lock().unwrap_or_else(PoisonError::into_inner).iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}

impl Stats {
    pub fn receiver(&self, name: &str) -> Arc<ReceiverStats> {
        entry(&self.receivers, name)
    }

    pub fn processor(&self, name: &str) -> Arc<ProcessorStats> {
        entry(&self.processors, name)
    }

    pub fn exporter(&self, name: &str) -> Arc<ExporterStats> {
        entry(&self.exporters, name)
    }

    pub fn profiler(&self, name: &str) -> Arc<ProfilerStats> {
        entry(&self.profilers, name)
    }

    /// Every profiler's counters, by receiver.
    pub fn profilers(&self) -> Vec<(String, Arc<ProfilerStats>)> {
        snapshot(&self.profilers)
    }

    pub fn receivers(&self) -> Vec<(String, Arc<ReceiverStats>)> {
        snapshot(&self.receivers)
    }

    pub fn processors(&self) -> Vec<(String, Arc<ProcessorStats>)> {
        snapshot(&self.processors)
    }

    pub fn exporters(&self) -> Vec<(String, Arc<ExporterStats>)> {
        snapshot(&self.exporters)
    }

    /// The counter of the loop's `action` ending in `outcome` (`done`, `refused`).
    pub fn action(&self, action: &str, outcome: &str) -> Arc<Counter> {
        let mut actions = self.actions.lock().unwrap_or_else(PoisonError::into_inner);
        actions.entry((action.to_string(), outcome.to_string())).or_default().clone()
    }

    /// Generation `number` runs now: its counters are exposed from here on, beside those
    /// of the few generations before it.
    pub fn track_generation(&self, number: u64, counters: Arc<GenerationStats>) {
        self.generation.set(number);
        let mut generations = self.generations.lock().unwrap_or_else(PoisonError::into_inner);
        generations.insert(number, counters);
        while generations.len() > GENERATIONS_KEPT {
            generations.pop_first();
        }
    }

    /// Counts every item the exporters still hold as failed, when shutdown gives up on
    /// them; returns how many there were.
    pub fn fail_unfinished(&self) -> u64 {
        snapshot(&self.exporters)
            .iter()
            .map(|(_, stats)| {
                let unfinished = stats.unfinished();
                stats.failed.add(unfinished);
                unfinished
            })
            .sum()
    }

    /// The Prometheus text exposition of every counter.
    pub fn prometheus(&self) -> String {
        let mut out = String::new();
        let mut family = |name: &str, help: &str, samples: Vec<(String, String, u64)>| {
            let kind = if name.ends_with("_total") { "counter" } else { "gauge" };
            let _ = writeln!(out, "# HELP ottl_agent_{name} {help}\n# TYPE ottl_agent_{name} {kind}");
            for (label, value, count) in samples {
                let _ = writeln!(out, "ottl_agent_{name}{{{label}=\"{}\"}} {count}", escape(&value));
            }
        };
        let receivers = snapshot(&self.receivers);
        family(
            "receiver_accepted_items_total",
            "Items acknowledged to clients.",
            per(&receivers, "receiver", |s| s.accepted.get()),
        );
        family("receiver_refused_items_total", "Items refused to clients.", per(&receivers, "receiver", |s| s.refused.get()));
        let processors = snapshot(&self.processors);
        family(
            "processor_incoming_items_total",
            "Items a processor received.",
            per(&processors, "processor", |s| s.items_in.get()),
        );
        family("processor_dropped_items_total", "Items a processor dropped.", per(&processors, "processor", |s| s.dropped.get()));
        family(
            "processor_routed_items_total",
            "Items a rules processor routed.",
            per(&processors, "processor", |s| s.routed.get()),
        );
        family(
            "processor_batch_errors_total",
            "Batches failed by a statement error.",
            per(&processors, "processor", |s| s.batch_errors.get()),
        );
        let exporters = snapshot(&self.exporters);
        family(
            "exporter_accepted_items_total",
            "Items handed to an exporter.",
            per(&exporters, "exporter", |s| s.accepted.get()),
        );
        family("exporter_sent_items_total", "Items an exporter delivered.", per(&exporters, "exporter", |s| s.sent.get()));
        family("exporter_retried_items_total", "Items an exporter sent again.", per(&exporters, "exporter", |s| s.retried.get()));
        family("exporter_failed_items_total", "Items an exporter gave up on.", per(&exporters, "exporter", |s| s.failed.get()));
        family(
            "exporter_queue_size",
            "Batches waiting in an exporter's sending queue.",
            per(&exporters, "exporter", |s| s.queue_size.get()),
        );
        family(
            "exporter_queue_capacity",
            "Batches an exporter's sending queue holds.",
            per(&exporters, "exporter", |s| s.queue_capacity.get()),
        );
        let profilers = snapshot(&self.profilers);
        if !profilers.is_empty() {
            family(
                "profiler_samples_total",
                "Samples the profiler's BPF program counted.",
                per(&profilers, "receiver", |s| s.samples.get()),
            );
            family(
                "profiler_lost_samples_total",
                "Samples lost because the kernel's counts map was full.",
                per(&profilers, "receiver", |s| s.lost_samples.get()),
            );
            family(
                "profiler_lost_stacks_total",
                "Samples whose stack was lost to a taken stack-map bucket.",
                per(&profilers, "receiver", |s| s.lost_stacks.get()),
            );
            family(
                "profiler_program_runs_total",
                "Runs of the profiler's BPF program.",
                per(&profilers, "receiver", |s| s.program_runs.get()),
            );
            family(
                "profiler_program_run_nanoseconds_total",
                "Time the profiler's BPF program ran, as the kernel counts it.",
                per(&profilers, "receiver", |s| s.program_run_nanoseconds.get()),
            );
            family(
                "profiler_event_hz",
                "The rate the profiler's perf events tick at.",
                per(&profilers, "receiver", |s| s.event_hz.get()),
            );
            family(
                "profiler_raised_processes",
                "Processes sampled above the base rate.",
                per(&profilers, "receiver", |s| s.raised_processes.get()),
            );
        }
        let generations: Vec<(String, Arc<GenerationStats>)> = {
            let map = self.generations.lock().unwrap_or_else(PoisonError::into_inner);
            map.iter().map(|(number, stats)| (number.to_string(), stats.clone())).collect()
        };
        family(
            "rule_generation_incoming_items_total",
            "Items a rule generation's processors received, summed over them.",
            per(&generations, "generation", |s| s.items_in.get()),
        );
        family(
            "rule_generation_dropped_items_total",
            "Items a rule generation's processors dropped.",
            per(&generations, "generation", |s| s.dropped.get()),
        );
        family(
            "rule_generation_statement_errors_total",
            "Statement errors of a rule generation, logged under error_mode ignore.",
            per(&generations, "generation", |s| s.statement_errors.get()),
        );
        family(
            "rule_generation_batch_errors_total",
            "Batches a rule generation failed under error_mode propagate.",
            per(&generations, "generation", |s| s.batch_errors.get()),
        );
        family(
            "rule_generation_failed_items_total",
            "Items of the batches a rule generation failed under error_mode propagate.",
            per(&generations, "generation", |s| s.failed_items.get()),
        );
        let _ = writeln!(
            out,
            "# HELP ottl_agent_rule_generation The rule generation running.\n# TYPE ottl_agent_rule_generation gauge\nottl_agent_rule_generation {}",
            self.generation.get()
        );
        let actions: Vec<_> = {
            let map = self.actions.lock().unwrap_or_else(PoisonError::into_inner);
            map.iter().map(|((action, outcome), counter)| (action.clone(), outcome.clone(), counter.get())).collect()
        };
        if !actions.is_empty() {
            let _ = writeln!(
                out,
                "# HELP ottl_agent_self_operation_actions_total Actions the self-operation loop took or refused.\n# TYPE ottl_agent_self_operation_actions_total counter"
            );
            for (action, outcome, count) in actions {
                let _ = writeln!(
                    out,
                    "ottl_agent_self_operation_actions_total{{action=\"{}\",outcome=\"{}\"}} {count}",
                    escape(&action),
                    escape(&outcome)
                );
            }
        }
        let _ = writeln!(
            out,
            "# HELP ottl_agent_rule_generations_refused_total Rule generations refused because they did not load or compile.\n# TYPE ottl_agent_rule_generations_refused_total counter\nottl_agent_rule_generations_refused_total {}",
            self.generations_refused.get()
        );
        out
    }
}

fn per<T>(entries: &[(String, Arc<T>)], label: &str, value: impl Fn(&T) -> u64) -> Vec<(String, String, u64)> {
    entries.iter().map(|(name, stats)| (label.to_string(), name.clone(), value(stats))).collect()
}

/// A label value with `\`, `"` and newlines escaped, as the exposition format requires.
fn escape(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_are_exposed_per_component() {
        let stats = Stats::default();
        stats.receiver("otlp").accepted.add(3);
        stats.exporter("file/out").sent.add(2);
        let text = stats.prometheus();
        assert!(text.contains("ottl_agent_receiver_accepted_items_total{receiver=\"otlp\"} 3"), "{text}");
        assert!(text.contains("ottl_agent_exporter_sent_items_total{exporter=\"file/out\"} 2"), "{text}");
        assert!(text.contains("# TYPE ottl_agent_exporter_sent_items_total counter"));
        assert!(text.contains("# TYPE ottl_agent_exporter_queue_size gauge"), "{text}");
    }

    #[test]
    fn what_exporters_still_hold_fails_at_once() {
        let stats = Stats::default();
        let exporter = stats.exporter("otlp");
        exporter.accepted.add(10);
        exporter.sent.add(6);
        exporter.failed.add(1);
        assert_eq!(exporter.unfinished(), 3);
        assert_eq!(stats.fail_unfinished(), 3);
        assert_eq!((exporter.failed.get(), exporter.unfinished()), (4, 0));
    }

    #[test]
    fn only_the_last_generations_counters_are_kept() {
        let stats = Stats::default();
        for number in 1..=6 {
            let counters = Arc::new(GenerationStats::default());
            counters.items_in.add(number);
            stats.track_generation(number, counters);
        }
        let text = stats.prometheus();
        assert!(!text.contains("generation=\"2\""), "{text}");
        assert!(text.contains("ottl_agent_rule_generation_incoming_items_total{generation=\"6\"} 6"), "{text}");
        assert!(text.contains("ottl_agent_rule_generation_incoming_items_total{generation=\"3\"} 3"), "{text}");
        assert!(text.contains("ottl_agent_rule_generation 6\n"), "the last one tracked runs: {text}");
    }
}
