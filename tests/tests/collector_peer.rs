//! The collector built from Go modules (`tests/collector`) through the harness the agent's
//! tests use: started on a config, fed over OTLP/HTTP, its file output read back, chained to a
//! second collector over OTLP/gRPC. Skips, saying why, when `OTELCOL` is unset.

use std::time::Duration;

use ottl_runtime::otlp::Telemetry;
use ottl_runtime::otlp::common::v1::AnyValue;
use ottl_runtime::otlp::common::v1::any_value::Value;
use ottl_runtime::otlp::logs::v1::LogRecord;
use ottl_tests::collector::{self, Collector, ScratchDir};
use serde_json::{Value as Json, json};

/// Long enough for a busy machine; the file exporter flushes every second.
const ARRIVAL_TIMEOUT: Duration = Duration::from_secs(30);

/// `count` log records, numbered from `first`; every `drop_every`-th one (if any) carries
/// `drop: true`.
fn logs(first: usize, count: usize, drop_every: Option<usize>) -> Json {
    let records: Vec<Json> = (first..first + count)
        .map(|n| {
            let dropped = drop_every.is_some_and(|every| n % every == 0);
            json!({
                "body": {"stringValue": format!("record {n}")},
                "attributes": [{"key": "drop", "value": {"boolValue": dropped}}],
            })
        })
        .collect();
    json!({"resourceLogs": [{"scopeLogs": [{"logRecords": records}]}]})
}

/// `count` spans with distinct ids.
fn spans(count: usize) -> Json {
    let spans: Vec<Json> = (1..=count)
        .map(|n| {
            json!({
                "traceId": "5b8efff798038103d269b633813fc60c",
                "spanId": format!("{n:016x}"),
                "name": format!("span {n}"),
            })
        })
        .collect();
    json!({"resourceSpans": [{"scopeSpans": [{"spans": spans}]}]})
}

/// Every log record of the documents, in order.
fn log_records(documents: &[Telemetry]) -> impl Iterator<Item = &LogRecord> {
    documents
        .iter()
        .filter_map(|d| match d {
            Telemetry::Logs(logs) => Some(logs),
            _ => None,
        })
        .flat_map(|logs| &logs.resource_logs)
        .flat_map(|r| &r.scope_logs)
        .flat_map(|s| &s.log_records)
}

fn string(value: Option<&AnyValue>) -> Option<String> {
    match value?.value.as_ref()? {
        Value::StringValue(s) => Some(s.clone()),
        _ => None,
    }
}

/// The string attribute `key` of every log record, in order (`None` where it is absent).
fn log_attribute(documents: &[Telemetry], key: &str) -> Vec<Option<String>> {
    log_records(documents).map(|record| string(record.attributes.iter().find(|kv| kv.key == key)?.value.as_ref())).collect()
}

/// The smallest config: OTLP/HTTP logs on `http` to the debug exporter.
fn http_logs_to_debug(http: u16) -> String {
    format!(
        "receivers:\n  otlp:\n    protocols:\n      http:\n        endpoint: 127.0.0.1:{http}\nexporters:\n  debug: {{}}\nservice:\n  pipelines:\n    logs:\n      receivers: [otlp]\n      exporters: [debug]\n"
    )
}

fn total_records(documents: &[Telemetry]) -> usize {
    documents.iter().map(Telemetry::item_count).sum()
}

#[test]
fn transform_sets_an_attribute_on_logs_posted_over_http() {
    if !collector::available() {
        return;
    }
    let out = ScratchDir::new("transform").unwrap();
    let http = collector::free_port().unwrap();
    let output = out.file("logs.jsonl");
    let config = format!(
        r#"
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:{http}
processors:
  transform:
    error_mode: propagate
    log_statements:
      - set(log.attributes["peer"], Concat(["go", "${{env:PEER_SUFFIX}}"], "-"))
exporters:
  file:
    path: {output}
service:
  pipelines:
    logs:
      receivers: [otlp]
      processors: [transform]
      exporters: [file]
"#
    );
    let running = Collector::start_with_env(&config, &[("PEER_SUFFIX", "collector")]).unwrap();
    let url = format!("http://127.0.0.1:{http}/v1/logs");
    assert_eq!(collector::post_otlp_json(&url, &logs(0, 3, None)).unwrap(), 200);
    assert_eq!(collector::post_otlp_json(&url, &logs(3, 2, None)).unwrap(), 200);

    let documents = collector::wait_for_records(out.path().join("logs.jsonl").as_path(), 5, ARRIVAL_TIMEOUT).unwrap();
    assert_eq!(log_attribute(&documents, "peer"), vec![Some("go-collector".to_string()); 5]);
    assert_eq!(total_records(&documents), 5);
    assert!(running.shutdown().unwrap().success());
}

#[test]
fn malformed_otlp_json_is_refused_with_400() {
    if !collector::available() {
        return;
    }
    let http = collector::free_port().unwrap();
    let config = http_logs_to_debug(http);
    let _running = Collector::start(&config).unwrap();
    let answer =
        collector::post(&format!("http://127.0.0.1:{http}/v1/logs"), "application/json", &[], b"{\"resourceLogs\": [").unwrap();
    assert_eq!(answer.status, 400);
    assert_eq!(answer.header("content-type"), Some("application/json"));
}

/// Upstream: OTLP/HTTP in, a filter processor and a batch, OTLP/gRPC out (under the old
/// exporter name `otlp`) to downstream, which writes each signal to its own file. Every record
/// the filter keeps arrives exactly once.
#[test]
fn a_collector_chain_delivers_every_kept_record_exactly_once() {
    if !collector::available() {
        return;
    }
    let out = ScratchDir::new("chain").unwrap();
    let grpc = collector::free_port().unwrap();
    let http = collector::free_port().unwrap();
    let (logs_file, traces_file) = (out.file("logs.jsonl"), out.file("traces.jsonl"));
    let downstream = Collector::start(&format!(
        r#"
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:{grpc}
exporters:
  file/logs:
    path: {logs_file}
  file/traces:
    path: {traces_file}
service:
  pipelines:
    logs:
      receivers: [otlp]
      exporters: [file/logs]
    traces:
      receivers: [otlp]
      exporters: [file/traces]
"#
    ))
    .unwrap();
    let upstream = Collector::start(&format!(
        r#"
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:{http}
processors:
  filter:
    error_mode: propagate
    logs:
      log_record:
        - attributes["drop"] == true
  batch:
    timeout: 200ms
    send_batch_size: 16
exporters:
  otlp:
    endpoint: 127.0.0.1:{grpc}
    tls:
      insecure: true
  otlp_grpc:
    endpoint: 127.0.0.1:{grpc}
    tls:
      insecure: true
service:
  pipelines:
    logs:
      receivers: [otlp]
      processors: [filter, batch]
      exporters: [otlp]
    traces:
      receivers: [otlp]
      processors: [batch]
      exporters: [otlp_grpc]
"#
    ))
    .unwrap();

    // 50 records in 5 requests; every 5th (0, 5, …, 45) is dropped: 40 kept.
    for request in 0..5 {
        let status = collector::post_otlp_json(&format!("http://127.0.0.1:{http}/v1/logs"), &logs(request * 10, 10, Some(5)));
        assert_eq!(status.unwrap(), 200);
    }
    assert_eq!(collector::post_otlp_json(&format!("http://127.0.0.1:{http}/v1/traces"), &spans(7)).unwrap(), 200);

    // Upstream first: its shutdown drains the batch into downstream, whose own shutdown
    // flushes the files.
    assert!(upstream.shutdown().unwrap().success());
    collector::wait_for_records(out.path().join("logs.jsonl").as_path(), 40, ARRIVAL_TIMEOUT).unwrap();
    collector::wait_for_records(out.path().join("traces.jsonl").as_path(), 7, ARRIVAL_TIMEOUT).unwrap();
    assert!(downstream.shutdown().unwrap().success());

    let logs = collector::read_file_output(out.path().join("logs.jsonl").as_path()).unwrap();
    let traces = collector::read_file_output(out.path().join("traces.jsonl").as_path()).unwrap();
    assert_eq!(total_records(&logs), 40);
    assert_eq!(total_records(&traces), 7);
    let mut bodies: Vec<String> = log_records(&logs).filter_map(|record| string(record.body.as_ref())).collect();
    bodies.sort();
    let mut kept: Vec<String> = (0..50).filter(|n| n % 5 != 0).map(|n| format!("record {n}")).collect();
    kept.sort();
    assert_eq!(bodies, kept);
}

#[test]
fn a_config_the_collector_refuses_is_an_error_with_its_log() {
    if !collector::available() {
        return;
    }
    let error = Collector::start(
        "receivers:\n  nosuchreceiver: {}\nexporters:\n  debug: {}\nservice:\n  pipelines:\n    logs:\n      receivers: [nosuchreceiver]\n      exporters: [debug]\n",
    )
    .unwrap_err();
    assert!(error.contains("exited before it was ready"), "{error}");
    assert!(error.contains("nosuchreceiver"), "{error}");
}

#[test]
fn the_harness_leaves_no_process_behind_when_a_test_panics() {
    if !collector::available() {
        return;
    }
    let http = collector::free_port().unwrap();
    let config = http_logs_to_debug(http);
    let pid = std::thread::spawn(move || {
        let running = Collector::start(&config).unwrap();
        let pid = running.pid();
        std::panic::panic_any(pid);
    })
    .join()
    .unwrap_err()
    .downcast::<u32>()
    .unwrap();
    assert!(!std::path::Path::new(&format!("/proc/{pid}")).exists(), "collector {pid} still runs");
}
