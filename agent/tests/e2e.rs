//! `ottl-agent` as a process: configs, OTLP over HTTP and gRPC, the rules, exporters, and a
//! clean stop on SIGTERM that delivers what was acknowledged.

#![allow(clippy::unwrap_used, reason = "a test harness: a step that cannot be done fails the test, with the error")]

mod common;

use std::io::Write;
use std::time::Duration;

use common::{Running, agent, bodies, free_port, get, json_logs, post, temp_dir};

use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::logs::v1::logs_service_client::LogsServiceClient;
use ottl_runtime::otlp::Telemetry;

#[test]
fn transform_filter_and_batch_run_the_collector_config_and_sigterm_flushes() {
    let dir = temp_dir("pipeline");
    let (http, grpc, metrics) = (free_port(), free_port(), free_port());
    let config = format!(
        r#"
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:{http}
      grpc:
        endpoint: 127.0.0.1:{grpc}
processors:
  transform:
    log_statements:
      - set(log.attributes["seen"], true)
  filter:
    logs:
      log_record:
        - attributes["level"] == "debug"
  batch:
    timeout: 1h
exporters:
  file:
    path: out.json
service:
  telemetry:
    metrics:
      address: 127.0.0.1:{metrics}
  pipelines:
    logs:
      receivers: [otlp]
      processors: [transform, filter, batch]
      exporters: [file]
"#
    );
    let running = Running::start(&dir, &config, &[http, grpc, metrics]);
    let (status, _, _) =
        post(http, "/v1/logs", &[("Content-Type", "application/json")], json_logs(&[("a", "info"), ("b", "debug")]).as_bytes());
    assert_eq!(status, 200);

    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let mut client = LogsServiceClient::connect(format!("http://127.0.0.1:{grpc}")).await.unwrap();
        let Telemetry::Logs(data) = Telemetry::from_json(&json_logs(&[("c", "warn")])).unwrap() else { panic!() };
        client.export(ExportLogsServiceRequest { resource_logs: data.resource_logs }).await.unwrap();
    });
    // The client's connection closes with its runtime.
    drop(runtime);
    // A one-hour batch timeout: nothing reaches the file before the stop.
    std::thread::sleep(Duration::from_millis(300));
    assert!(bodies(&dir.join("out.json")).is_empty());
    let (status, _, body) = get(metrics, "/metrics");
    assert_eq!(status, 200);
    let text = String::from_utf8_lossy(&body);
    assert!(text.contains("ottl_agent_receiver_accepted_items_total{receiver=\"otlp\"} 3"), "{text}");

    let output = running.stop();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(bodies(&dir.join("out.json")), ["a", "c"], "the batch is flushed on SIGTERM; debug is filtered");
    let out = std::fs::read_to_string(dir.join("out.json")).unwrap();
    assert!(out.contains("\"seen\""), "{out}");
}

#[test]
fn bad_requests_get_the_status_the_otlp_specification_gives() {
    let dir = temp_dir("bad-input");
    let http = free_port();
    let config = format!(
        "receivers:\n  otlp:\n    protocols:\n      http:\n        endpoint: 127.0.0.1:{http}\n        max_request_body_size: 100000\nexporters:\n  debug:\nservice:\n  telemetry:\n    metrics:\n      level: none\n  pipelines:\n    logs:\n      receivers: [otlp]\n      exporters: [debug]\n"
    );
    let running = Running::start(&dir, &config, &[http]);
    let json = [("Content-Type", "application/json")];
    let protobuf = [("Content-Type", "application/x-protobuf")];
    assert_eq!(post(http, "/v1/logs", &json, b"{").0, 400);
    assert_eq!(post(http, "/v1/logs", &json, br#"{"resourceSpans":[]}"#).0, 400, "spans on the logs endpoint");
    let (status, headers, body) = post(http, "/v1/logs", &protobuf, b"\xff\xff\xff");
    assert_eq!(status, 400);
    assert!(headers.iter().any(|(k, v)| k == "content-type" && v == "application/x-protobuf"));
    assert!(!body.is_empty(), "a google.rpc.Status");
    assert_eq!(post(http, "/v1/logs", &[("Content-Type", "text/plain")], b"x").0, 415);
    assert_eq!(post(http, "/v1/logs", &json, &vec![b' '; 200_000]).0, 413);
    let bomb = {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(&vec![b' '; 10 << 20]).unwrap();
        encoder.finish().unwrap()
    };
    assert_eq!(post(http, "/v1/logs", &[("Content-Type", "application/json"), ("Content-Encoding", "gzip")], &bomb).0, 413);
    assert_eq!(post(http, "/v1/logs", &json, b"{}").0, 200, "an empty request is fine");
    assert_eq!(post(http, "/v1/logs", &json, json_logs(&[("ok", "info")]).as_bytes()).0, 200, "and the agent still serves");
    let output = running.stop();
    assert!(output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("\"log records\": 1"), "{stderr}");
}

#[test]
fn validate_reports_config_and_ottl_errors_with_positions() {
    let dir = temp_dir("validate");
    std::fs::write(
        dir.join("bad.yaml"),
        "receivers:\n  otlp:\n    protocols:\n      grpc:\nprocessors:\n  transform:\n    log_statements:\n      - set(log.atributes[\"a\"], 1)\nexporters:\n  otlphttp:\n    endpiont: http://x\nservice:\n  pipelines:\n    logs:\n      receivers: [otlp]\n      processors: [transform]\n      exporters: [otlphttp]\n",
    )
    .unwrap();
    let output = agent(&["validate", "--config", "bad.yaml"], &dir).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("bad.yaml:8:"), "the OTTL error at its YAML line: {stderr}");
    assert!(stderr.contains("E0911") && stderr.contains("did you mean `endpoint`?"), "{stderr}");
    let started = agent(&["--config", "bad.yaml"], &dir).output().unwrap();
    assert_eq!(started.status.code(), Some(1), "the agent refuses to start on the same errors");
    assert!(String::from_utf8_lossy(&started.stderr).contains("E0911"));

    std::fs::write(dir.join("good.yaml"), "receivers:\n  otlp:\n    protocols:\n      grpc:\nexporters:\n  debug:\nservice:\n  pipelines:\n    traces:\n      receivers: [otlp]\n      exporters: [debug]\n").unwrap();
    assert_eq!(agent(&["validate", "--config", "good.yaml"], &dir).output().unwrap().status.code(), Some(0));
}

#[test]
fn a_propagated_statement_error_refuses_the_request_and_queues_nothing_of_it() {
    let dir = temp_dir("propagate");
    let (http, grpc) = (free_port(), free_port());
    let config = format!(
        r#"
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:{http}
      grpc:
        endpoint: 127.0.0.1:{grpc}
processors:
  transform:
    error_mode: propagate
    log_statements:
      - set(log.attributes["n"], Int(log.attributes["level"]))
exporters:
  file:
    path: out.json
service:
  telemetry:
    metrics:
      level: none
  pipelines:
    logs:
      receivers: [otlp]
      processors: [transform]
      exporters: [file]
"#
    );
    let running = Running::start(&dir, &config, &[http, grpc]);
    let json = [("Content-Type", "application/json")];
    let (status, _, body) = post(http, "/v1/logs", &json, json_logs(&[("kept", "7"), ("bad", "high")]).as_bytes());
    assert_eq!(status, 503, "the collector answers a processor's error with 503: {}", String::from_utf8_lossy(&body));
    let status: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(status["code"], 14);
    assert!(status["message"].as_str().unwrap().contains("transform"), "{status}");
    assert_eq!(post(http, "/v1/logs", &json, json_logs(&[("fine", "3")]).as_bytes()).0, 200);

    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let refused = runtime.block_on(async {
        let mut client = LogsServiceClient::connect(format!("http://127.0.0.1:{grpc}")).await.unwrap();
        let Telemetry::Logs(data) = Telemetry::from_json(&json_logs(&[("bad too", "x")])).unwrap() else { panic!() };
        client.export(ExportLogsServiceRequest { resource_logs: data.resource_logs }).await.unwrap_err()
    });
    drop(runtime);
    assert_eq!(refused.code(), tonic::Code::Unavailable, "{refused:?}");

    let output = running.stop();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(bodies(&dir.join("out.json")), ["fine"], "nothing of a refused request is exported");
}

#[test]
fn what_cannot_be_delivered_by_the_drain_timeout_is_counted_as_failed_and_the_health_check_says_so_meanwhile() {
    let dir = temp_dir("drain-timeout");
    let (http, nobody, health) = (free_port(), free_port(), free_port());
    let config = format!(
        r#"
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:{http}
extensions:
  health_check:
    endpoint: 127.0.0.1:{health}
exporters:
  otlphttp:
    endpoint: http://127.0.0.1:{nobody}
    retry_on_failure:
      initial_interval: 100ms
      max_elapsed_time: 10m
service:
  extensions: [health_check]
  telemetry:
    metrics:
      level: none
  pipelines:
    logs:
      receivers: [otlp]
      exporters: [otlphttp]
"#
    );
    std::fs::write(dir.join("agent.yaml"), config).unwrap();
    let child = agent(&["--config", "agent.yaml", "--drain-timeout", "3"], &dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let running = Running::adopt(child, &[http, health]);
    assert_eq!(get(health, "/").0, 200);
    let json = [("Content-Type", "application/json")];
    assert_eq!(post(http, "/v1/logs", &json, json_logs(&[("a", "info"), ("b", "info"), ("c", "info")]).as_bytes()).0, 200);
    running.terminate();
    // The receivers are gone, the exporter cannot deliver: for the drain's three seconds
    // the health check says the agent is not available.
    assert!(common::poll_until(|| common::try_request(health, "GET", "/", &[], b"").is_ok_and(|(status, ..)| status == 503)));
    let output = running.wait();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "a drain that times out is a failed stop: {stderr}");
    assert!(stderr.contains("3 items the exporters still held are counted as failed"), "{stderr}");
}

#[test]
fn a_memory_limiter_refuses_data_while_the_agent_is_above_its_soft_limit() {
    let dir = temp_dir("memory-limiter");
    let http = free_port();
    // No agent fits in 2 MiB: the tight limiter refuses from its first check on; the
    // loose one never does.
    let config = format!(
        r#"
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:{http}
processors:
  memory_limiter/tight:
    check_interval: 50ms
    limit_mib: 2
  memory_limiter/loose:
    check_interval: 50ms
    limit_percentage: 100
    spike_limit_percentage: 1
exporters:
  file/logs:
    path: logs.json
  file/traces:
    path: traces.json
service:
  telemetry:
    metrics:
      level: none
  pipelines:
    logs:
      receivers: [otlp]
      processors: [memory_limiter/tight]
      exporters: [file/logs]
    traces:
      receivers: [otlp]
      processors: [memory_limiter/loose]
      exporters: [file/traces]
"#
    );
    let running = Running::start(&dir, &config, &[http]);
    let json = [("Content-Type", "application/json")];
    let refused = common::poll_until(|| post(http, "/v1/logs", &json, json_logs(&[("x", "info")]).as_bytes()).0 == 503);
    assert!(refused, "the tight limiter refuses logs");
    let (status, headers, _) = post(http, "/v1/logs", &json, json_logs(&[("y", "info")]).as_bytes());
    assert_eq!(status, 503);
    assert!(headers.iter().any(|(name, _)| name == "retry-after"), "{headers:?}");
    let spans = r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"s"}]}]}]}"#;
    assert_eq!(post(http, "/v1/traces", &json, spans.as_bytes()).0, 200, "the loose limiter lets traces through");
    let output = running.stop();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("memory above the soft limit; refusing data"), "{stderr}");
    assert!(bodies(&dir.join("logs.json")).is_empty(), "no refused log arrives");
    assert!(std::fs::read_to_string(dir.join("traces.json")).unwrap().contains("eee19b7ec3c1b174"));
}

#[test]
fn the_health_check_answers_as_the_collectors_does() {
    let dir = temp_dir("health-check");
    let (http, health, custom) = (free_port(), free_port(), free_port());
    let config = format!(
        r#"
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:{http}
extensions:
  health_check:
    endpoint: 127.0.0.1:{health}
  health_check/custom:
    endpoint: 127.0.0.1:{custom}
    path: /health/status
    response_body:
      healthy: I'm good
exporters:
  debug:
service:
  extensions: [health_check, health_check/custom]
  telemetry:
    metrics:
      level: none
  pipelines:
    logs:
      receivers: [otlp]
      exporters: [debug]
"#
    );
    let running = Running::start(&dir, &config, &[http, health, custom]);
    let (status, headers, body) = get(health, "/");
    assert_eq!(status, 200);
    assert!(headers.iter().any(|(k, v)| k == "content-type" && v == "application/json"), "{headers:?}");
    let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(json["status"], "Server available");
    assert!(json["upSince"].as_str().unwrap().ends_with('Z'), "{json}");
    assert!(json["uptime"].as_str().unwrap().ends_with('s'), "a Go duration: {json}");
    let (status, _, body) = get(custom, "/health/status");
    assert_eq!((status, body.as_slice()), (200, b"I'm good".as_slice()));
    assert_eq!(get(custom, "/").0, 404, "only the configured path answers");
    assert!(running.stop().status.success());
}
