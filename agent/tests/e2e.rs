//! `ottl-agent` as a process: configs, OTLP over HTTP and gRPC, the rules, exporters, and a
//! clean stop on SIGTERM that delivers what was acknowledged.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::logs::v1::logs_service_client::LogsServiceClient;
use ottl_runtime::otlp::Telemetry;

/// A loopback port free right now.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ottl-agent-e2e-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn agent(args: &[&str], dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ottl-agent"));
    command.args(args).current_dir(dir).env("RUST_LOG", "info");
    command
}

/// A running agent, killed if a test fails before it stops it.
struct Running {
    child: Option<Child>,
}

impl Running {
    fn start(dir: &Path, config: &str, ports: &[u16]) -> Running {
        std::fs::write(dir.join("agent.yaml"), config).unwrap();
        let child = agent(&["--config", "agent.yaml"], dir).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        let running = Running { child: Some(child) };
        for port in ports {
            wait_for_port(*port);
        }
        running
    }

    /// SIGTERM, then the exit status and standard error.
    fn stop(mut self) -> Output {
        let child = self.child.take().unwrap();
        let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
        assert!(status.success());
        child.wait_with_output().unwrap()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn wait_for_port(port: u16) {
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(start.elapsed() < Duration::from_secs(20), "nothing listens on {port}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// One HTTP/1.1 request; the status and body of the answer.
fn post(port: u16, path: &str, headers: &[(&str, &str)], body: &[u8]) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut request =
        format!("POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let split = response.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&response[..split]).to_string();
    let mut lines = head.lines();
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers =
        lines.filter_map(|l| l.split_once(':')).map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string())).collect();
    (status, headers, response[split + 4..].to_vec())
}

fn json_logs(records: &[(&str, &str)]) -> String {
    let records: Vec<String> = records
        .iter()
        .map(|(body, level)| {
            format!(
                r#"{{"body":{{"stringValue":"{body}"}},"attributes":[{{"key":"level","value":{{"stringValue":"{level}"}}}}]}}"#
            )
        })
        .collect();
    format!(r#"{{"resourceLogs":[{{"scopeLogs":[{{"logRecords":[{}]}}]}}]}}"#, records.join(","))
}

/// The log records' bodies in a file exporter's output, one OTLP/JSON document per line.
fn bodies(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut found = Vec::new();
    for line in text.lines() {
        let Telemetry::Logs(data) = Telemetry::from_json(line).unwrap() else { panic!("not logs: {line}") };
        for record in data.resource_logs.iter().flat_map(|r| &r.scope_logs).flat_map(|s| &s.log_records) {
            let body = record.body.as_ref().and_then(|b| b.value.as_ref());
            if let Some(opentelemetry_proto::tonic::common::v1::any_value::Value::StringValue(text)) = body {
                found.push(text.clone());
            }
        }
    }
    found.sort();
    found
}

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

fn get(port: u16, path: &str) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.write_all(format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").as_bytes()).unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let split = response.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let status = String::from_utf8_lossy(&response[..split]).split(' ').nth(1).unwrap().parse().unwrap();
    (status, Vec::new(), response[split + 4..].to_vec())
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
