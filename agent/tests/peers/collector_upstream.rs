//! The collector as the upstream sender: it receives OTLP/HTTP, batches, and exports to the
//! agent with its `otlp` (gRPC) and `otlphttp` exporters, with their default gzip and with
//! zstd. Every record posted to the collector arrives at the agent's file exporter exactly
//! once per exporter that sends it, unchanged.

use std::time::Duration;

use ottl_runtime::otlp::Telemetry;
use ottl_tests::collector::{self, Collector, ScratchDir};
use serde_json::{Value as Json, json};

use crate::agent_process;
use crate::outputs;

const ARRIVAL_TIMEOUT: Duration = Duration::from_secs(30);

fn logs(request: usize, count: usize) -> Json {
    let records: Vec<Json> = (0..count)
        .map(|n| {
            json!({
                "timeUnixNano": format!("{}", 1_700_000_000_000_000_000u64 + n as u64),
                "severityNumber": 9,
                "severityText": "INFO",
                "body": {"stringValue": format!("request {request} record {n}")},
                "attributes": [{"key": "n", "value": {"intValue": n.to_string()}}],
            })
        })
        .collect();
    json!({"resourceLogs": [{
        "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "upstream"}}]},
        "scopeLogs": [{"scope": {"name": "peers"}, "logRecords": records}],
    }]})
}

fn spans(request: usize, count: usize) -> Json {
    let spans: Vec<Json> = (0..count)
        .map(|n| {
            json!({
                "traceId": format!("{request:016x}{n:016x}"),
                "spanId": format!("{:016x}", request * 1000 + n + 1),
                "name": format!("request {request} span {n}"),
                "kind": 2,
                "startTimeUnixNano": "1700000000000000000",
                "endTimeUnixNano": "1700000000100000000",
            })
        })
        .collect();
    json!({"resourceSpans": [{
        "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "upstream"}}]},
        "scopeSpans": [{"scope": {"name": "peers"}, "spans": spans}],
    }]})
}

/// A gauge and a cumulative sum with `points` data points each.
fn metrics(request: usize, points: usize) -> Json {
    let points: Vec<Json> = (0..points)
        .map(|n| {
            json!({
                "timeUnixNano": "1700000000000000000",
                "asInt": (request * 100 + n).to_string(),
                "attributes": [{"key": "n", "value": {"intValue": n.to_string()}}],
            })
        })
        .collect();
    json!({"resourceMetrics": [{
        "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "upstream"}}]},
        "scopeMetrics": [{"scope": {"name": "peers"}, "metrics": [
            {"name": format!("gauge.{request}"), "unit": "1", "gauge": {"dataPoints": points}},
            {"name": format!("sum.{request}"), "unit": "By", "sum": {"aggregationTemporality": 2, "isMonotonic": true, "dataPoints": points}},
        ]}],
    }]})
}

/// The items of `payloads`, in a canonical order (batching joins requests in any order).
fn sorted_items<'a>(payloads: impl IntoIterator<Item = &'a Telemetry>) -> Vec<String> {
    let mut items: Vec<String> = payloads.into_iter().flat_map(outputs::items).map(|item| item.to_string()).collect();
    items.sort();
    items
}

#[test]
fn a_collector_exports_to_the_agent_over_grpc_and_http_and_every_record_arrives_once() {
    if !collector::available() {
        return;
    }
    let out = ScratchDir::new("upstream").unwrap();
    let (agent_grpc, agent_http, collector_http) =
        (collector::free_port().unwrap(), collector::free_port().unwrap(), collector::free_port().unwrap());
    let agent = agent_process::start(
        &format!(
            r#"
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:{agent_grpc}
      http:
        endpoint: 127.0.0.1:{agent_http}
exporters:
  file/traces:
    path: {traces}
  file/metrics:
    path: {metrics}
  file/logs:
    path: {logs}
service:
  telemetry:
    metrics:
      level: none
  pipelines:
    traces:
      receivers: [otlp]
      exporters: [file/traces]
    metrics:
      receivers: [otlp]
      exporters: [file/metrics]
    logs:
      receivers: [otlp]
      exporters: [file/logs]
"#,
            traces = out.file("traces.jsonl"),
            metrics = out.file("metrics.jsonl"),
            logs = out.file("logs.jsonl"),
        ),
        &[agent_grpc, agent_http],
    )
    .unwrap();
    // Traces over gRPC (default gzip), logs over HTTP with zstd, metrics over both.
    let upstream = Collector::start(&format!(
        r#"
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:{collector_http}
processors:
  batch:
    timeout: 200ms
    send_batch_size: 40
exporters:
  otlp:
    endpoint: 127.0.0.1:{agent_grpc}
    tls:
      insecure: true
  otlphttp:
    endpoint: http://127.0.0.1:{agent_http}
    compression: zstd
service:
  pipelines:
    traces:
      receivers: [otlp]
      processors: [batch]
      exporters: [otlp]
    metrics:
      receivers: [otlp]
      processors: [batch]
      exporters: [otlp, otlphttp]
    logs:
      receivers: [otlp]
      processors: [batch]
      exporters: [otlphttp]
"#
    ))
    .unwrap();

    let url = |signal: &str| format!("http://127.0.0.1:{collector_http}/v1/{signal}");
    let mut posted = Vec::new();
    for request in 0..5 {
        let payloads = [("logs", logs(request, 20)), ("traces", spans(request, 25)), ("metrics", metrics(request, 6))];
        for (signal, payload) in payloads {
            assert_eq!(collector::post_otlp_json(&url(signal), &payload).unwrap(), 200);
            posted.push(Telemetry::from_json(&payload.to_string()).unwrap());
        }
    }
    // 100 log records, 125 spans, 60 data points (each sent twice).
    assert!(upstream.shutdown().unwrap().success());
    collector::wait_for_records(&out.path().join("logs.jsonl"), 100, ARRIVAL_TIMEOUT).unwrap();
    collector::wait_for_records(&out.path().join("traces.jsonl"), 125, ARRIVAL_TIMEOUT).unwrap();
    collector::wait_for_records(&out.path().join("metrics.jsonl"), 120, ARRIVAL_TIMEOUT).unwrap();
    let (status, log) = agent.shutdown().unwrap();
    assert!(status.success(), "{log}");

    for (signal, copies) in [("logs", 1), ("traces", 1), ("metrics", 2)] {
        let arrived = collector::read_file_output(&out.path().join(format!("{signal}.jsonl"))).unwrap();
        let sent: Vec<&Telemetry> = posted.iter().filter(|p| outputs::signal_name(p) == signal).collect();
        let expected_count: usize = sent.iter().map(|p| p.item_count()).sum::<usize>() * copies;
        assert_eq!(arrived.iter().map(Telemetry::item_count).sum::<usize>(), expected_count, "{signal}");
        let mut expected = sorted_items(sent.iter().copied());
        expected = expected.into_iter().flat_map(|item| std::iter::repeat_n(item, copies)).collect();
        assert_eq!(sorted_items(&arrived), expected, "{signal}: the items that arrived are the items posted");
    }
}
