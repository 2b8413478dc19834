//! The self-operation loop (seed §5, DESIGN §5): the agent senses its own state, rules
//! written in OTTL decide, and the agent acts.
//!
//! - **Sense**: the `agent_telemetry` receiver ([`receiver`]) measures the agent every
//!   interval ([`signals`]): each rule generation's statement-error and drop ratios against
//!   the generation before it, what receivers take in and exporters send, queue depths,
//!   samplers' incoming rates, and each profiled process's CPU use from the profiler.
//!   They enter the pipelines as OTLP metrics like any other, so they can also be exported.
//! - **Decide**: any processor of a metrics pipeline (a `rules` file, a transform) marks a
//!   data point with an action: `set(datapoint.attributes["ottl_agent.action"], "rollback")
//!   where ...`. The decisions are ordinary rules: an operator reads and changes them, an
//!   OpAMP server can replace them, and a rollback covers them too.
//! - **Act**: the `agent_actions` exporter ([`actions`]) carries out every marked data
//!   point: it rolls a generation back, raises a process's profiling rate, or moves a
//!   sampler's ratio ([`sampling`]).
//! - **Tell**: every action taken or refused is an event ([`events`]): a counter on
//!   `/metrics`, a line in the log, and an OTLP log record from `agent_telemetry` in a logs
//!   pipeline.

pub mod actions;
pub mod events;
pub mod receiver;
mod sampling;
mod signals;

/// The attribute a rule sets on a data point to ask for an action.
pub const ACTION: &str = "ottl_agent.action";
/// The ratio a `set_sampling_ratio` action asks for.
pub const ACTION_RATIO: &str = "ottl_agent.action.ratio";

/// The instrumentation scope of the agent's own telemetry.
const SCOPE: &str = "ottl-agent/self-operation";

#[cfg(test)]
mod tests {
    use std::path::Path;

    use ottl_runtime::otlp::Telemetry;

    use crate::agent::ConfigSource;
    use crate::config::ComponentId;
    use crate::generation::{Backend, Generation};
    use crate::rules::RemoteFiles;

    /// A gauge data point of `metric` with `value` and attributes, as OTLP/JSON.
    fn point(metric: &str, value: f64, attributes: &[(&str, &str)]) -> String {
        let attributes: Vec<String> =
            attributes.iter().map(|(key, value)| format!(r#"{{"key":"{key}","value":{value}}}"#)).collect();
        format!(
            r#"{{"name":"{metric}","gauge":{{"dataPoints":[{{"asDouble":{value},"attributes":[{}]}}]}}}}"#,
            attributes.join(",")
        )
    }

    /// The example's decisions mark exactly the data points the README says they do.
    #[test]
    fn the_examples_decisions_mark_what_they_say() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/self-operation");
        let (loaded, _) = ConfigSource::File(dir.join("agent.yaml")).load_with(&RemoteFiles::default()).unwrap();
        assert!(!loaded.has_errors(), "{}", crate::agent::render_reports(&loaded));
        let metrics = [
            // Errors jumped by 0.3 over 500 items: roll back.
            point(
                "ottl_agent.rule_generation.statement_error_ratio",
                0.31,
                &[("items", r#"{"intValue":"500"}"#), ("baseline", r#"{"doubleValue":0.01}"#)],
            ),
            // A jump over too few items yet: nothing.
            point(
                "ottl_agent.rule_generation.drop_ratio",
                0.9,
                &[("items", r#"{"intValue":"20"}"#), ("baseline", r#"{"doubleValue":0.0}"#)],
            ),
            point("ottl_agent.process.cpu", 0.95, &[("process.pid", r#"{"intValue":"42"}"#)]),
            point("ottl_agent.process.cpu", 0.2, &[("process.pid", r#"{"intValue":"43"}"#)]),
            point("ottl_agent.sampler.incoming_items_rate", 4000.0, &[("processor", r#"{"stringValue":"rules/sample"}"#)]),
        ];
        let input = format!(r#"{{"resourceMetrics":[{{"scopeMetrics":[{{"metrics":[{}]}}]}}]}}"#, metrics.join(","));
        for backend in [Backend::Jit, Backend::Interpreter] {
            let generation = Generation::compile(&loaded.config, backend, &Default::default()).unwrap();
            let id = ComponentId("rules/decide".into());
            let telemetry = Telemetry::from_json(&input).unwrap();
            let out = generation.processors[&id].process(&id, telemetry, &mut |warning| panic!("{warning}")).unwrap();
            let Telemetry::Metrics(data) = out.telemetry else { panic!("metrics") };
            let marks: Vec<(String, Option<String>, Option<f64>)> = data.resource_metrics[0].scope_metrics[0]
                .metrics
                .iter()
                .map(|metric| {
                    let Some(opentelemetry_proto::tonic::metrics::v1::metric::Data::Gauge(gauge)) = &metric.data else {
                        panic!("a gauge")
                    };
                    let attributes = &gauge.data_points[0].attributes;
                    let find = |key: &str| attributes.iter().find(|kv| kv.key == key).and_then(|kv| kv.value.clone()?.value);
                    use opentelemetry_proto::tonic::common::v1::any_value::Value;
                    let action = match find(super::ACTION) {
                        Some(Value::StringValue(action)) => Some(action),
                        _ => None,
                    };
                    let ratio = match find(super::ACTION_RATIO) {
                        Some(Value::DoubleValue(ratio)) => Some(ratio),
                        _ => None,
                    };
                    (metric.name.clone(), action, ratio)
                })
                .collect();
            let action = |index: usize| marks[index].1.as_deref();
            assert_eq!(action(0), Some("rollback"), "{backend:?}: {marks:?}");
            assert_eq!(action(1), None, "{backend:?}: {marks:?}");
            assert_eq!((action(2), action(3)), (Some("raise_profiling_rate"), None), "{backend:?}: {marks:?}");
            assert_eq!((action(4), marks[4].2), (Some("set_sampling_ratio"), Some(0.25)), "{backend:?}: {marks:?}");
        }
    }
}
