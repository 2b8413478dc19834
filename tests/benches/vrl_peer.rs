//! `ottl-bench`'s VRL peer (cargo feature `vrl`): the Vector Remap Language running a
//! scenario's program over the same records, as Vector's `remap` and `filter` transforms
//! run it: one event at a time.
//!
//! Records become VRL events in Vector's OTLP log shape (`.attributes`, `.resources`,
//! `.message` for the body, `.severity_number`, …) once, before timing: Vector decodes
//! into its own events, so the conversion is not part of what VRL costs per record. Each
//! event carries its own copy of its resource's attributes.

use ottl_runtime::otlp::Telemetry;
use ottl_runtime::otlp::common::v1::{AnyValue, KeyValue, any_value};
use serde_json::{Value as Json, json};
use vrl::compiler::state::RuntimeState;
use vrl::compiler::{Context, Program, TargetValueRef, TimeZone};
use vrl::value::{ObjectMap, Secrets, Value};

/// What the program's result means.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A remap: the program edits the event.
    Remap,
    /// A filter condition: an event for which it is true is dropped.
    Filter,
}

/// A compiled VRL program.
pub struct VrlRun {
    program: Program,
    mode: Mode,
}

impl VrlRun {
    pub fn compile(source: &str, mode: Mode) -> Result<VrlRun, String> {
        let compiled = vrl::compiler::compile(source, &vrl::stdlib::all())
            .map_err(|diagnostics| vrl::diagnostic::Formatter::new(source, diagnostics).to_string())?;
        Ok(VrlRun { program: compiled.program, mode })
    }

    /// Runs the program on every event and returns the events it keeps. An event on which
    /// the program fails is kept unchanged, as `remap` does with `drop_on_error: false`.
    pub fn run(&self, mut events: Vec<Value>) -> Vec<Value> {
        let (mut metadata, mut secrets) = (Value::Object(ObjectMap::new()), Secrets::default());
        let mut state = RuntimeState::default();
        let timezone = TimeZone::default();
        events.retain_mut(|event| {
            state.clear();
            let mut target = TargetValueRef { value: event, metadata: &mut metadata, secrets: &mut secrets };
            let result = self.program.resolve(&mut Context::new(&mut target, &mut state, &timezone));
            !(self.mode == Mode::Filter && result == Ok(Value::Boolean(true)))
        });
        events
    }
}

/// The log records of `telemetry` as VRL events.
pub fn events(telemetry: &Telemetry) -> Result<Vec<Value>, String> {
    let Telemetry::Logs(data) = telemetry else { return Err("VRL runs on logs here".to_string()) };
    let mut events = Vec::new();
    for resource_logs in &data.resource_logs {
        let resources = object(resource_logs.resource.as_ref().map_or(&[][..], |r| &r.attributes));
        for scope_logs in &resource_logs.scope_logs {
            let scope = scope_logs.scope.clone().unwrap_or_default();
            for log in &scope_logs.log_records {
                let mut event = ObjectMap::new();
                event.insert("attributes".into(), object(&log.attributes));
                event.insert("resources".into(), resources.clone());
                event.insert("message".into(), log.body.as_ref().map_or(Value::Null, value));
                event.insert("severity_number".into(), Value::from(log.severity_number));
                event.insert("severity_text".into(), Value::from(log.severity_text.as_str()));
                event.insert("dropped_attributes_count".into(), Value::from(log.dropped_attributes_count));
                event.insert("timestamp".into(), Value::from(log.time_unix_nano));
                event.insert("observed_timestamp".into(), Value::from(log.observed_time_unix_nano));
                event.insert(
                    "scope".into(),
                    Value::from(ObjectMap::from([
                        ("name".into(), Value::from(scope.name.as_str())),
                        ("version".into(), Value::from(scope.version.as_str())),
                    ])),
                );
                events.push(Value::Object(event));
            }
        }
    }
    Ok(events)
}

fn object(attributes: &[KeyValue]) -> Value {
    Value::Object(attributes.iter().map(|kv| (kv.key.as_str().into(), kv.value.as_ref().map_or(Value::Null, value))).collect())
}

fn value(any: &AnyValue) -> Value {
    match &any.value {
        None => Value::Null,
        Some(any_value::Value::StringValue(s)) => Value::from(s.as_str()),
        Some(any_value::Value::BoolValue(b)) => Value::Boolean(*b),
        Some(any_value::Value::IntValue(i)) => Value::Integer(*i),
        Some(any_value::Value::DoubleValue(d)) => Value::from_f64_or_zero(*d),
        Some(any_value::Value::ArrayValue(array)) => Value::Array(array.values.iter().map(value).collect()),
        Some(any_value::Value::KvlistValue(list)) => object(&list.values),
        Some(any_value::Value::BytesValue(bytes)) => Value::from(bytes.as_slice()),
        #[allow(unreachable_patterns)]
        Some(_) => Value::Null,
    }
}

/// Whether VRL's events agree with the rule set's output: as many logs, and the first
/// one's attributes equal (a check that the program does the same work).
pub fn agrees(events: &[Value], expected: &Telemetry) -> Result<(), String> {
    let Telemetry::Logs(data) = expected else { return Err("VRL runs on logs here".to_string()) };
    let logs: Vec<_> = data.resource_logs.iter().flat_map(|r| &r.scope_logs).flat_map(|s| &s.log_records).collect();
    if logs.len() != events.len() {
        return Err(format!("VRL kept {} events, the rule set {} logs", events.len(), logs.len()));
    }
    let (Some(event), Some(log)) = (events.first(), logs.first()) else { return Ok(()) };
    let ours: Json =
        log.attributes.iter().map(|kv| (kv.key.clone(), plain(kv.value.as_ref()))).collect::<serde_json::Map<_, _>>().into();
    let attributes = match event {
        Value::Object(event) => event.get("attributes"),
        _ => None,
    };
    let theirs = serde_json::to_value(attributes).map_err(|e| e.to_string())?;
    if ours == theirs { Ok(()) } else { Err(format!("VRL's first event has attributes {theirs}, the rule set's {ours}")) }
}

/// An attribute value as plain JSON, as VRL values serialize.
fn plain(any: Option<&AnyValue>) -> Json {
    match any.and_then(|a| a.value.as_ref()) {
        None => Json::Null,
        Some(any_value::Value::StringValue(s)) => json!(s),
        Some(any_value::Value::BoolValue(b)) => json!(b),
        Some(any_value::Value::IntValue(i)) => json!(i),
        Some(any_value::Value::DoubleValue(d)) => json!(d),
        Some(any_value::Value::ArrayValue(array)) => array.values.iter().map(|v| plain(Some(v))).collect(),
        Some(any_value::Value::KvlistValue(list)) => {
            list.values.iter().map(|kv| (kv.key.clone(), plain(kv.value.as_ref()))).collect::<serde_json::Map<_, _>>().into()
        }
        Some(any_value::Value::BytesValue(bytes)) => json!(String::from_utf8_lossy(bytes)),
        #[allow(unreachable_patterns)]
        Some(_) => Json::Null,
    }
}
