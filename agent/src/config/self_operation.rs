//! The self-operation loop's two components, this agent's own (the collector has neither):
//! the `agent_telemetry` receiver, the agent's signals as OTLP metrics (and its actions as
//! log records), and the `agent_actions` exporter, which carries out what rules decided.

use std::time::Duration;

use ottl_grammar::Code;

use super::ComponentId;
use ottl_pipeline::settings::{At, Reader};

/// `agent_telemetry`: how often the agent's signals are measured and sent.
#[derive(Clone, Debug, PartialEq)]
pub struct AgentTelemetryConfig {
    pub interval: Duration,
}

impl Default for AgentTelemetryConfig {
    fn default() -> Self {
        AgentTelemetryConfig { interval: Duration::from_secs(1) }
    }
}

/// `agent_actions`: the bounds of what the actions may do.
#[derive(Clone, Debug, PartialEq)]
pub struct AgentActionsConfig {
    /// How long after it starts a rule generation may still be rolled back.
    pub rollback_window: Duration,
    /// How fast a sampling ratio follows the ratio rules ask for: a step in the asked ratio
    /// is followed to 63 % after one time constant, without overshoot.
    pub sampling_time_constant: Duration,
    /// The lowest ratio the loop sets: a sampler is never turned off by a burst.
    pub sampling_min_ratio: f64,
}

impl Default for AgentActionsConfig {
    fn default() -> Self {
        AgentActionsConfig {
            rollback_window: Duration::from_secs(30),
            sampling_time_constant: Duration::from_secs(3),
            sampling_min_ratio: 0.0001,
        }
    }
}

pub fn agent_telemetry_receiver(reader: &mut Reader<'_>, at: At, id: &ComponentId) -> Option<AgentTelemetryConfig> {
    let mut config = AgentTelemetryConfig::default();
    for (key, at) in reader.settings(at, &id.0, &["interval"]) {
        config.interval = at_least_100ms(reader, at, &format!("`{key}`"))?;
    }
    Some(config)
}

pub fn agent_actions_exporter(reader: &mut Reader<'_>, at: At, id: &ComponentId) -> Option<AgentActionsConfig> {
    let mut config = AgentActionsConfig::default();
    for (key, at) in reader.settings(at, &id.0, &["rollback", "sampling"]) {
        if key == "rollback" {
            for (_, at) in reader.settings(at, &format!("{id}::rollback"), &["window"]) {
                config.rollback_window = reader.duration(at, "`window`")?;
            }
            continue;
        }
        for (key, at) in reader.settings(at, &format!("{id}::sampling"), &["time_constant", "min_ratio"]) {
            if key == "time_constant" {
                config.sampling_time_constant = at_least_100ms(reader, at, "`time_constant`")?;
            } else {
                config.sampling_min_ratio =
                    reader.number(at, "`min_ratio`", |ratio| ratio > 0.0 && ratio <= 1.0, "above 0, at most 1")?;
            }
        }
    }
    Some(config)
}

fn at_least_100ms(reader: &mut Reader<'_>, at: At, what: &str) -> Option<Duration> {
    let duration = reader.duration(at, what)?;
    if duration < Duration::from_millis(100) {
        reader.error(Code::InvalidComponentSetting, at, format!("{what} must be at least 100ms"), "write e.g. 1s");
        return None;
    }
    Some(duration)
}
