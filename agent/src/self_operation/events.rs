//! The loop's events: what it did or refused to do, and why, with the numbers. Each is
//! counted (`ottl_agent_self_operation_actions_total`), logged, and offered to every
//! `agent_telemetry` receiver in a logs pipeline as an OTLP log record.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};

use crate::attributes::string;
use opentelemetry_proto::tonic::logs::v1::{LogRecord, LogsData, ResourceLogs, ScopeLogs, SeverityNumber};
use tokio::sync::broadcast;

use super::signals::{resource, scope};
use crate::stats::Stats;

/// Events held for a receiver that has not taken them yet; older ones are dropped (and
/// counted) when a receiver falls this far behind.
const BACKLOG: usize = 1024;

/// How an action ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Done,
    Refused,
}

impl Outcome {
    fn name(self) -> &'static str {
        match self {
            Outcome::Done => "done",
            Outcome::Refused => "refused",
        }
    }
}

/// One action, as an operator reads it.
#[derive(Clone, Debug)]
pub struct Event {
    pub action: &'static str,
    pub outcome: Outcome,
    /// One sentence with the numbers: "rolled back generation 7 to 6: ...".
    pub message: String,
    pub attributes: Vec<KeyValue>,
    pub time: SystemTime,
}

/// Where events go: counters, the log, and the receivers that want them.
#[derive(Clone)]
pub struct Events {
    stats: Arc<Stats>,
    sender: broadcast::Sender<Arc<Event>>,
}

impl Events {
    pub fn new(stats: Arc<Stats>) -> Events {
        Events { stats, sender: broadcast::channel(BACKLOG).0 }
    }

    /// Events from now on, for a receiver in a logs pipeline.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Event>> {
        self.sender.subscribe()
    }

    pub fn tell(&self, action: &'static str, outcome: Outcome, message: String, attributes: Vec<KeyValue>) {
        self.stats.action(action, outcome.name()).add(1);
        match outcome {
            Outcome::Done => tracing::warn!(action, "self-operation: {message}"),
            Outcome::Refused => tracing::info!(action, "self-operation: not done: {message}"),
        }
        // No receiver subscribed: the counter and the log line are what is kept.
        let _ = self.sender.send(Arc::new(Event { action, outcome, message, attributes, time: SystemTime::now() }));
    }
}

/// Events as one logs payload, from the agent's resource and scope.
pub fn logs(events: &[Arc<Event>]) -> LogsData {
    let log_records = events.iter().map(|event| record(event)).collect();
    LogsData {
        resource_logs: vec![ResourceLogs {
            resource: Some(resource()),
            scope_logs: vec![ScopeLogs { scope: Some(scope()), log_records, ..Default::default() }],
            ..Default::default()
        }],
    }
}

fn record(event: &Event) -> LogRecord {
    let nanos = event.time.duration_since(UNIX_EPOCH).map_or(0, |since| since.as_nanos() as u64);
    let (severity_number, severity_text) = match event.outcome {
        Outcome::Done => (SeverityNumber::Warn, "WARN"),
        Outcome::Refused => (SeverityNumber::Info, "INFO"),
    };
    let mut attributes = vec![string(super::ACTION, event.action), string("ottl_agent.action.outcome", event.outcome.name())];
    attributes.extend(event.attributes.iter().cloned());
    LogRecord {
        time_unix_nano: nanos,
        observed_time_unix_nano: nanos,
        severity_number: severity_number as i32,
        severity_text: severity_text.to_string(),
        body: Some(AnyValue { value: Some(any_value::Value::StringValue(event.message.clone())) }),
        attributes,
        event_name: "ottl_agent.self_operation.action".to_string(),
        ..Default::default()
    }
}
