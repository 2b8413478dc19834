//! The agent's signals as OTLP metrics: gauges measured over the last interval (rates) or
//! at its end (ratios, queue depths). Every data point carries what a rule needs to decide
//! on it without looking anywhere else, e.g. a generation's ratio with its number, age,
//! items and the ratio of the generation before it (`baseline`).

use std::collections::HashMap;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use opentelemetry_proto::tonic::common::v1::{InstrumentationScope, KeyValue};
use opentelemetry_proto::tonic::metrics::v1::{
    Gauge, Metric, MetricsData, NumberDataPoint, ResourceMetrics, ScopeMetrics, metric, number_data_point,
};
use opentelemetry_proto::tonic::resource::v1::Resource;

use crate::attributes::{double, int, string};
use crate::generation::{Generation, Ratios};
use crate::stats::Stats;

/// The resource of everything the loop sends: this agent on this host.
pub fn resource() -> Resource {
    let mut attributes = vec![string("service.name", "ottl-agent"), string("service.version", env!("CARGO_PKG_VERSION"))];
    if let Some(host) = crate::host::name() {
        attributes.push(string("host.name", &host));
    }
    Resource { attributes, ..Default::default() }
}

/// The instrumentation scope of everything the loop sends.
pub fn scope() -> InstrumentationScope {
    InstrumentationScope { name: super::SCOPE.to_string(), ..Default::default() }
}

/// Counters as they were at the last measurement, to turn them into rates.
#[derive(Default)]
struct Counts {
    accepted: HashMap<String, u64>,
    sent: HashMap<String, u64>,
    incoming: HashMap<String, u64>,
}

/// Measures the agent each interval.
pub struct Sensor {
    last: Counts,
    at: Instant,
}

impl Sensor {
    pub fn new(stats: &Stats) -> Sensor {
        let mut sensor = Sensor { last: Counts::default(), at: Instant::now() };
        sensor.last = counts(stats);
        sensor
    }

    /// The signals since the last call.
    pub fn measure(&mut self, stats: &Stats, generation: &Generation) -> MetricsData {
        let now = counts(stats);
        let seconds = self.at.elapsed().as_secs_f64().max(1e-3);
        self.at = Instant::now();
        let rate = |now: &HashMap<String, u64>, then: &HashMap<String, u64>, name: &str| {
            now.get(name).copied().unwrap_or(0).saturating_sub(then.get(name).copied().unwrap_or(0)) as f64 / seconds
        };
        let time = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |since| since.as_nanos() as u64);
        let point = |value: f64, attributes: Vec<KeyValue>| NumberDataPoint {
            attributes,
            time_unix_nano: time,
            value: Some(number_data_point::Value::AsDouble(value)),
            ..Default::default()
        };
        let mut metrics = generation_ratios(generation, &point);
        metrics.push(gauge(
            "ottl_agent.receiver.accepted_items_rate",
            "Items a receiver acknowledged per second.",
            "{item}/s",
            sorted(&now.accepted)
                .map(|name| point(rate(&now.accepted, &self.last.accepted, name), vec![string("receiver", name)])),
        ));
        metrics.push(gauge(
            "ottl_agent.exporter.sent_items_rate",
            "Items an exporter delivered per second.",
            "{item}/s",
            sorted(&now.sent).map(|name| point(rate(&now.sent, &self.last.sent, name), vec![string("exporter", name)])),
        ));
        let mut exporters = stats.exporters();
        exporters.sort_by(|a, b| a.0.cmp(&b.0));
        metrics.push(gauge(
            "ottl_agent.exporter.queue_size",
            "Batches waiting in an exporter's sending queue.",
            "{batch}",
            exporters.iter().map(|(name, stats)| point(stats.queue_size.get() as f64, vec![string("exporter", name)])),
        ));
        metrics.push(gauge(
            "ottl_agent.sampler.incoming_items_rate",
            "Items per second coming into a processor with a TraceIDRatioBasedSampler, and the ratio it samples at.",
            "{item}/s",
            generation.samplers.iter().map(|(id, ratio)| {
                point(rate(&now.incoming, &self.last.incoming, &id.0), vec![string("processor", &id.0), double("ratio", *ratio)])
            }),
        ));
        metrics.push(gauge(
            "ottl_agent.process.cpu",
            "CPUs a profiled process used over the profiler's last second, from its samples.",
            "{cpu}",
            stats.profilers().into_iter().flat_map(|(receiver, profiler)| {
                let processes = profiler.processes.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
                processes.into_iter().map(move |process| {
                    let mut attributes = vec![
                        int("process.pid", i64::from(process.pid)),
                        int("profiling.samples_per_second", i64::from(process.samples_per_second)),
                        string("receiver", &receiver),
                    ];
                    if let Some(name) = executable_name(process.pid) {
                        attributes.push(string("process.executable.name", &name));
                    }
                    point(process.cpu, attributes)
                })
            }),
        ));
        self.last = now;
        metrics.retain(|metric| !matches!(&metric.data, Some(metric::Data::Gauge(gauge)) if gauge.data_points.is_empty()));
        MetricsData {
            resource_metrics: vec![ResourceMetrics {
                resource: Some(resource()),
                scope_metrics: vec![ScopeMetrics { scope: Some(scope()), metrics, ..Default::default() }],
                ..Default::default()
            }],
        }
    }
}

/// The running generation's ratios since it started, each with the generation's number,
/// age and items, and the ratio of the generation it replaced.
fn generation_ratios(generation: &Generation, point: &dyn Fn(f64, Vec<KeyValue>) -> NumberDataPoint) -> Vec<Metric> {
    let ratios = Ratios::of(&generation.stats);
    let attributes = |baseline: f64| {
        vec![
            int("generation", generation.number as i64),
            double("age_seconds", generation.started.elapsed().as_secs_f64()),
            int("items", generation.stats.items_in.get() as i64),
            double("baseline", baseline),
        ]
    };
    vec![
        gauge(
            "ottl_agent.rule_generation.statement_error_ratio",
            "Statement errors per item of the running rule generation since it started (under error_mode propagate, each item of a failed batch); baseline: the generation before it.",
            "1",
            [point(ratios.statement_errors, attributes(generation.baseline.statement_errors))].into_iter(),
        ),
        gauge(
            "ottl_agent.rule_generation.drop_ratio",
            "Share of items the running rule generation dropped since it started; baseline: the generation before it.",
            "1",
            [point(ratios.dropped, attributes(generation.baseline.dropped))].into_iter(),
        ),
    ]
}

fn counts(stats: &Stats) -> Counts {
    Counts {
        accepted: stats.receivers().into_iter().map(|(name, s)| (name, s.accepted.get())).collect(),
        sent: stats.exporters().into_iter().map(|(name, s)| (name, s.sent.get())).collect(),
        incoming: stats.processors().into_iter().map(|(name, s)| (name, s.items_in.get())).collect(),
    }
}

fn sorted(map: &HashMap<String, u64>) -> impl Iterator<Item = &str> {
    let mut names: Vec<&str> = map.keys().map(String::as_str).collect();
    names.sort_unstable();
    names.into_iter()
}

fn gauge(name: &str, description: &str, unit: &str, points: impl Iterator<Item = NumberDataPoint>) -> Metric {
    Metric {
        name: name.to_string(),
        description: description.to_string(),
        unit: unit.to_string(),
        data: Some(metric::Data::Gauge(Gauge { data_points: points.collect() })),
        ..Default::default()
    }
}

/// The process's name as the kernel has it (`comm`), if it still runs.
fn executable_name(pid: u32) -> Option<String> {
    let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).ok()?;
    Some(comm.trim_end().to_string())
}
