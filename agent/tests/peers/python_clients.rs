//! The OpenTelemetry Python SDK (PyPI `opentelemetry-sdk` with its OTLP exporters) sends spans
//! and logs to the agent over gRPC and over HTTP. The script (`python/send.py`) prints every
//! request its exporters encoded; the agent's file output must hold exactly those, with the
//! config's rules applied, which this test applies by hand to what was sent.

#![allow(clippy::unwrap_used, reason = "a test harness: a step that cannot be done fails the test, with the error")]

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::any_value::Value;
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue};
use opentelemetry_proto::tonic::logs::v1::LogsData;
use opentelemetry_proto::tonic::trace::v1::TracesData;
use ottl_runtime::otlp::Telemetry;
use ottl_tests::collector::{self, ScratchDir};
use prost::Message;

use crate::agent_process;
use crate::outputs;

/// Long enough for a busy machine; the SDK's batch processors export at shutdown.
const ARRIVAL_TIMEOUT: Duration = Duration::from_secs(30);

/// The Python with the SDK installed, named by `OTLP_PYTHON`; `None` (and why, printed) when
/// it is unset.
fn python() -> Option<PathBuf> {
    match std::env::var_os("OTLP_PYTHON") {
        Some(path) => Some(PathBuf::from(path)),
        None => {
            println!(
                "skipped: OTLP_PYTHON is not set (scripts/test.sh installs the OpenTelemetry Python SDK into a venv and sets it)"
            );
            None
        }
    }
}

/// What the SDK sent, per signal, merged into one payload each.
struct Sent {
    traces: TracesData,
    logs: LogsData,
}

/// Runs `send.py` against the agent; every export must have succeeded.
fn send(python: &PathBuf, protocol: &str, endpoint: &str, compression: &str) -> Result<Sent, String> {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/peers/python/send.py");
    let output = Command::new(python)
        .arg(&script)
        .args(["--protocol", protocol, "--endpoint", endpoint, "--compression", compression])
        .output()
        .map_err(|e| format!("cannot run {}: {e}", python.display()))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        return Err(format!("send.py failed ({}): {stderr}", output.status));
    }
    let mut sent = Sent { traces: TracesData::default(), logs: LogsData::default() };
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let export: serde_json::Value = serde_json::from_str(line).map_err(|e| format!("{e}: {line}"))?;
        if export["result"] != "SUCCESS" {
            return Err(format!("an export failed: {line}\n{stderr}"));
        }
        let bytes = hex(export["request"].as_str().unwrap_or_default())?;
        let undecodable = |e: prost::DecodeError| format!("{e}: {line}");
        match export["signal"].as_str() {
            Some("traces") => sent
                .traces
                .resource_spans
                .extend(ExportTraceServiceRequest::decode(&bytes[..]).map_err(undecodable)?.resource_spans),
            Some("logs") => {
                sent.logs.resource_logs.extend(ExportLogsServiceRequest::decode(&bytes[..]).map_err(undecodable)?.resource_logs)
            }
            _ => return Err(format!("no signal: {line}")),
        }
    }
    Ok(sent)
}

fn hex(text: &str) -> Result<Vec<u8>, String> {
    let digits = |i: usize| text.get(i..i + 2).and_then(|pair| u8::from_str_radix(pair, 16).ok());
    (0..text.len()).step_by(2).map(|i| digits(i).ok_or_else(|| format!("not hex at {i}: {text}"))).collect()
}

/// The config: the transform sets an attribute on each item and deletes one from the
/// resource; the filter drops what carries `drop: true`.
fn config(grpc: u16, http: u16, traces: &str, logs: &str) -> String {
    format!(
        r#"
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:{grpc}
      http:
        endpoint: 127.0.0.1:{http}
processors:
  transform:
    error_mode: propagate
    trace_statements:
      - set(span.attributes["received.by"], "ottl-agent")
      - delete_key(resource.attributes, "secret")
    log_statements:
      - set(log.attributes["received.by"], "ottl-agent")
      - delete_key(resource.attributes, "secret")
  filter:
    error_mode: propagate
    traces:
      span:
        - attributes["drop"] == true
    logs:
      log_record:
        - attributes["drop"] == true
exporters:
  file/traces:
    path: {traces}
  file/logs:
    path: {logs}
service:
  telemetry:
    metrics:
      level: none
  pipelines:
    traces:
      receivers: [otlp]
      processors: [transform, filter]
      exporters: [file/traces]
    logs:
      receivers: [otlp]
      processors: [transform, filter]
      exporters: [file/logs]
"#
    )
}

fn is_dropped(attributes: &[KeyValue]) -> bool {
    attributes
        .iter()
        .any(|kv| kv.key == "drop" && kv.value.as_ref().and_then(|v| v.value.as_ref()) == Some(&Value::BoolValue(true)))
}

fn received_by() -> KeyValue {
    KeyValue {
        key: "received.by".into(),
        value: Some(AnyValue { value: Some(Value::StringValue("ottl-agent".into())) }),
        ..Default::default()
    }
}

/// The config's rules, applied by hand to what was sent.
fn expected(mut sent: Sent) -> (Telemetry, Telemetry) {
    for resource_spans in &mut sent.traces.resource_spans {
        if let Some(resource) = &mut resource_spans.resource {
            resource.attributes.retain(|kv| kv.key != "secret");
        }
        for scope in &mut resource_spans.scope_spans {
            scope.spans.iter_mut().for_each(|span| span.attributes.push(received_by()));
            scope.spans.retain(|span| !is_dropped(&span.attributes));
        }
    }
    for resource_logs in &mut sent.logs.resource_logs {
        if let Some(resource) = &mut resource_logs.resource {
            resource.attributes.retain(|kv| kv.key != "secret");
        }
        for scope in &mut resource_logs.scope_logs {
            scope.log_records.iter_mut().for_each(|record| record.attributes.push(received_by()));
            scope.log_records.retain(|record| !is_dropped(&record.attributes));
        }
    }
    (Telemetry::Traces(sent.traces), Telemetry::Logs(sent.logs))
}

fn sdk_to_agent(protocol: &str, compression: &str) {
    let Some(python) = python() else { return };
    let out = ScratchDir::new("python").unwrap();
    let (grpc, http) = (collector::free_port().unwrap(), collector::free_port().unwrap());
    let (traces_file, logs_file) = (out.path().join("traces.jsonl"), out.path().join("logs.jsonl"));
    let agent =
        agent_process::start(&config(grpc, http, &out.file("traces.jsonl"), &out.file("logs.jsonl")), &[grpc, http]).unwrap();
    let endpoint = match protocol {
        "grpc" => format!("http://127.0.0.1:{grpc}"),
        _ => format!("http://127.0.0.1:{http}"),
    };
    let (traces, logs) = expected(send(&python, protocol, &endpoint, compression).unwrap());
    // Twelve spans (six with a child) and six logs were sent; every third parent and log
    // carries `drop: true`.
    assert_eq!((traces.item_count(), logs.item_count()), (10, 4));
    collector::wait_for_records(&traces_file, 10, ARRIVAL_TIMEOUT).unwrap();
    collector::wait_for_records(&logs_file, 4, ARRIVAL_TIMEOUT).unwrap();
    let (status, log) = agent.shutdown().unwrap();
    assert!(status.success(), "{log}");

    for (file, sent) in [(&traces_file, &traces), (&logs_file, &logs)] {
        let arrived = outputs::read_merged(file).unwrap().unwrap();
        let differences = outputs::differences("agent", &arrived, "sent with the rules applied", sent);
        assert!(differences.is_empty(), "{protocol}:\n{}", outputs::report(&differences));
    }
}

#[test]
fn the_python_sdk_sends_over_grpc_with_gzip() {
    sdk_to_agent("grpc", "gzip");
}

#[test]
fn the_python_sdk_sends_over_http_with_gzip() {
    sdk_to_agent("http", "gzip");
}

#[test]
fn the_python_sdk_sends_over_http_uncompressed() {
    sdk_to_agent("http", "none");
}
