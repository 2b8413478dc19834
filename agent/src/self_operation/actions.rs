//! The `agent_actions` exporter's work: every data point a rule marked with
//! `ottl_agent.action` is carried out, and told as an event.
//!
//! - `rollback`: on a `ottl_agent.rule_generation.*` point, rolls its `generation` back to
//!   the one before it, if it still runs and is within the rollback window.
//! - `raise_profiling_rate`: on a `ottl_agent.process.cpu` point, marks its `process.pid`
//!   hot for the profiler, which raises its rate as for a process over its own threshold
//!   (doubling each second toward its ceiling, within its overhead budget).
//! - `set_sampling_ratio`: on a `ottl_agent.sampler.incoming_items_rate` point, moves its
//!   `processor`'s sampling ratio toward `ottl_agent.action.ratio`, smoothly ([`Follower`]).

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, PoisonError};
use std::time::Instant;

use opentelemetry_proto::tonic::common::v1::{KeyValue, any_value};
use opentelemetry_proto::tonic::metrics::v1::{NumberDataPoint, metric, number_data_point};
use ottl_runtime::otlp::Telemetry;

use super::events::{Events, Outcome};
use super::sampling::Follower;
use super::{ACTION, ACTION_RATIO};
use crate::attributes::{double, int, string};
use crate::config::{AgentActionsConfig, ComponentId};
use crate::rules::{NoRollback, Rules, no_sampler};
use crate::stats::{HOT_MARK_LIFETIME, Stats};

/// Refusals remembered so as to be told once.
const REFUSALS_KEPT: usize = 1024;

/// What the loop acts through.
#[derive(Clone)]
pub struct Handles {
    pub rules: Arc<Rules>,
    pub stats: Arc<Stats>,
    pub events: Events,
}

#[cfg(test)]
impl Handles {
    /// The handles of an agent running `config` from the embedded default's directory, for
    /// tests that start exporters.
    pub fn for_tests(
        config: &crate::config::Config,
        generation: crate::generation::CurrentGeneration,
        stats: Arc<Stats>,
    ) -> Handles {
        let source = crate::agent::ConfigSource::Default(std::env::temp_dir());
        let backend = crate::generation::Backend::Jit;
        let rules = Arc::new(Rules::new(source, config.clone(), Default::default(), backend, generation, stats.clone()));
        Handles { rules, events: Events::new(stats.clone()), stats }
    }
}

/// One marked data point: the action asked for, its metric and its point.
struct Asked<'p> {
    action: String,
    metric: &'p str,
    point: &'p NumberDataPoint,
}

pub struct Actuator {
    config: AgentActionsConfig,
    handles: Handles,
    follower: Follower,
    /// Refusals already told, so that a decision repeated every interval is told once.
    refused: HashSet<(String, String)>,
    /// Processes marked hot within [`HOT_MARK_LIFETIME`], and when their raise was told.
    raised: HashMap<u32, Instant>,
}

impl Actuator {
    pub fn new(config: AgentActionsConfig, handles: Handles) -> Actuator {
        let follower = Follower::new(config.sampling_time_constant, config.sampling_min_ratio);
        Actuator { config, handles, follower, refused: HashSet::new(), raised: HashMap::new() }
    }

    /// Carries out every marked data point of a batch.
    pub fn act(&mut self, telemetry: &Telemetry) {
        let Telemetry::Metrics(data) = telemetry else { return };
        let metrics = data.resource_metrics.iter().flat_map(|r| &r.scope_metrics).flat_map(|s| &s.metrics);
        for metric in metrics {
            let points: &[NumberDataPoint] = match &metric.data {
                Some(metric::Data::Gauge(gauge)) => &gauge.data_points,
                Some(metric::Data::Sum(sum)) => &sum.data_points,
                _ => continue,
            };
            for point in points {
                if let Some(action) = text(&point.attributes, ACTION) {
                    self.carry_out(Asked { action, metric: &metric.name, point });
                }
            }
        }
    }

    fn carry_out(&mut self, asked: Asked<'_>) {
        match asked.action.as_str() {
            "rollback" => self.roll_back(&asked),
            "raise_profiling_rate" => self.raise_profiling_rate(&asked),
            "set_sampling_ratio" => self.set_sampling_ratio(&asked),
            other => self.refuse(
                "unknown",
                other.to_string(),
                format!(
                    "`{ACTION}` is `{other}` on {}: the actions are rollback, raise_profiling_rate and set_sampling_ratio",
                    asked.metric
                ),
                Vec::new(),
            ),
        }
    }

    fn roll_back(&mut self, asked: &Asked<'_>) {
        let Some(generation) = number(&asked.point.attributes, "generation").map(|n| n as u64) else {
            return self.refuse_missing("rollback", asked, "generation");
        };
        let value = value(asked.point);
        let baseline = number(&asked.point.attributes, "baseline").unwrap_or(0.0);
        let items = number(&asked.point.attributes, "items").unwrap_or(0.0);
        let age = number(&asked.point.attributes, "age_seconds").unwrap_or(0.0);
        let reason = format!(
            "{} was {value:.4} over {items} items in its first {age:.1} s, against {baseline:.4} for the generation before it",
            asked.metric
        );
        let numbers = vec![
            int("generation", generation as i64),
            string("metric", asked.metric),
            double("value", value),
            double("baseline", baseline),
            double("items", items),
            double("age_seconds", age),
        ];
        match self.handles.rules.roll_back(generation, self.config.rollback_window, &reason) {
            Ok(notice) => {
                let mut attributes = numbers;
                attributes.push(int("rolled_back_to", notice.to as i64));
                let message = format!("rolled rule generation {generation} back to {}: {reason}", notice.to);
                self.handles.events.tell("rollback", Outcome::Done, message, attributes);
            }
            // Already rolled back (the other ratio asked too, or the next interval): done.
            Err(NoRollback::NotRunning { .. })
                if self.handles.rules.last_rollback().is_some_and(|notice| notice.from == generation) => {}
            Err(why) => self.refuse(
                "rollback",
                generation.to_string(),
                format!("rule generation {generation} is not rolled back: {why} ({reason})"),
                numbers,
            ),
        }
    }

    fn raise_profiling_rate(&mut self, asked: &Asked<'_>) {
        let Some(pid) = number(&asked.point.attributes, "process.pid").and_then(|pid| u32::try_from(pid as i64).ok()) else {
            return self.refuse_missing("raise_profiling_rate", asked, "process.pid");
        };
        let profilers = self.handles.stats.profilers();
        if profilers.is_empty() {
            return self.refuse(
                "raise_profiling_rate",
                "no profiler".into(),
                "no profiler runs: add a `profiling` receiver to a profiles pipeline".into(),
                Vec::new(),
            );
        }
        let now = Instant::now();
        self.raised.retain(|_, told| now.duration_since(*told) < HOT_MARK_LIFETIME);
        for (_, profiler) in profilers {
            profiler.marked_hot.lock().unwrap_or_else(PoisonError::into_inner).insert(pid, now);
        }
        // Told once per hot spot: when it is first marked, or marked again after cooling.
        let told = self.raised.insert(pid, now).is_some_and(|last| now.duration_since(last) < HOT_MARK_LIFETIME);
        if !told {
            let cpu = value(asked.point);
            let name = text(&asked.point.attributes, "process.executable.name").unwrap_or_default();
            let rate = number(&asked.point.attributes, "profiling.samples_per_second").unwrap_or(0.0);
            self.handles.events.tell(
                "raise_profiling_rate",
                Outcome::Done,
                format!("raising the profiling rate of process {pid} ({name}): it used {cpu:.2} CPUs, sampled at {rate} Hz"),
                vec![int("process.pid", i64::from(pid)), double("cpu", cpu), double("samples_per_second", rate)],
            );
        }
    }

    fn set_sampling_ratio(&mut self, asked: &Asked<'_>) {
        let Some(processor) = text(&asked.point.attributes, "processor").map(ComponentId) else {
            return self.refuse_missing("set_sampling_ratio", asked, "processor");
        };
        let Some(ratio) = number(&asked.point.attributes, ACTION_RATIO) else {
            return self.refuse_missing("set_sampling_ratio", asked, ACTION_RATIO);
        };
        let current = self.handles.rules.current();
        let Some(&running) = current.samplers.get(&processor) else {
            return self.refuse("set_sampling_ratio", processor.0.clone(), no_sampler(&processor), Vec::new());
        };
        let Some(next) = self.follower.follow(&processor, running, ratio, Instant::now()) else { return };
        let incoming = value(asked.point);
        let attributes = vec![
            string("processor", &processor.0),
            double("ratio", next),
            double("previous_ratio", running),
            double("asked_ratio", ratio),
            double("incoming_items_rate", incoming),
        ];
        match self.handles.rules.retune(&processor, next) {
            Ok(()) => self.handles.events.tell(
                "set_sampling_ratio",
                Outcome::Done,
                format!(
                    "sampling ratio of `{processor}` {running:.4} → {next:.4} (asked {ratio:.4} at {incoming:.0} items/s coming in)"
                ),
                attributes,
            ),
            Err(error) => {
                self.follower.forget(&processor);
                self.refuse("set_sampling_ratio", processor.0.clone(), format!("`{processor}` not retuned: {error}"), attributes);
            }
        }
    }

    fn refuse_missing(&mut self, action: &'static str, asked: &Asked<'_>, attribute: &str) {
        let message = format!("{action} asked on a {} data point without `{attribute}`", asked.metric);
        self.refuse(action, format!("{}:{attribute}", asked.metric), message, Vec::new());
    }

    /// Tells a refusal, once per action and subject (a long-running agent sees many
    /// generations: past [`REFUSALS_KEPT`] subjects, refusals may be told again).
    fn refuse(&mut self, action: &'static str, subject: String, message: String, attributes: Vec<KeyValue>) {
        if self.refused.len() >= REFUSALS_KEPT {
            self.refused.clear();
        }
        if self.refused.insert((action.to_string(), subject)) {
            self.handles.events.tell(action, Outcome::Refused, message, attributes);
        }
    }
}

fn attribute<'a>(attributes: &'a [KeyValue], key: &str) -> Option<&'a any_value::Value> {
    attributes.iter().find(|kv| kv.key == key).and_then(|kv| kv.value.as_ref()).and_then(|v| v.value.as_ref())
}

fn text(attributes: &[KeyValue], key: &str) -> Option<String> {
    match attribute(attributes, key)? {
        any_value::Value::StringValue(text) => Some(text.clone()),
        _ => None,
    }
}

fn number(attributes: &[KeyValue], key: &str) -> Option<f64> {
    match attribute(attributes, key)? {
        any_value::Value::IntValue(n) => Some(*n as f64),
        any_value::Value::DoubleValue(x) => Some(*x),
        _ => None,
    }
}

fn value(point: &NumberDataPoint) -> f64 {
    match point.value {
        Some(number_data_point::Value::AsDouble(x)) => x,
        Some(number_data_point::Value::AsInt(n)) => n as f64,
        None => 0.0,
    }
}
