//! TLS with the collector, both ways, with client certificates required (mutual TLS): the
//! agent exports to the collector's TLS receivers, and the collector exports to the
//! agent's. Certificates made at test time; every record arrives exactly once.
//!
//! The collector's gRPC exporter is given an `http://` endpoint on purpose: the collector
//! still speaks TLS to it (configgrpc strips the scheme and keeps the `tls` settings),
//! which is the rule the agent's gRPC exporter follows.

use std::path::Path;
use std::time::Duration;

use ottl_runtime::otlp::Telemetry;
use ottl_tests::collector::{self, Collector, ScratchDir};
use serde_json::json;

use crate::agent_process;
use crate::pki::Pki;

const ARRIVAL_TIMEOUT: Duration = Duration::from_secs(60);

/// A server's `tls` (indented for `protocols.<protocol>`): its certificate, and the CA
/// whose client certificates it requires.
fn server_tls(pki: &Pki) -> String {
    format!(
        "        tls:\n          cert_file: {}\n          key_file: {}\n          client_ca_file: {}\n",
        pki.server.cert.display(),
        pki.server.key.display(),
        pki.ca.display()
    )
}

/// An exporter's `tls`: the CA it trusts and its client certificate.
fn client_tls(pki: &Pki) -> String {
    format!(
        "    tls:\n      ca_file: {}\n      cert_file: {}\n      key_file: {}\n",
        pki.ca.display(),
        pki.client.cert.display(),
        pki.client.key.display()
    )
}

/// A config receiving OTLP over TLS on `grpc` and `http`, each written to its own file in
/// `out`, with `extra` receivers and exporters and pipelines of its own.
fn sink(pki: &Pki, grpc: u16, http: u16, out: &Path) -> String {
    let tls = server_tls(pki);
    format!(
        "receivers:
  otlp/grpc:
    protocols:
      grpc:
        endpoint: 127.0.0.1:{grpc}
{tls}  otlp/http:
    protocols:
      http:
        endpoint: 127.0.0.1:{http}
{tls}exporters:
  file/grpc:
    path: {grpc_file}
  file/http:
    path: {http_file}
service:
  pipelines:
    logs/grpc:
      receivers: [otlp/grpc]
      exporters: [file/grpc]
    logs/http:
      receivers: [otlp/http]
      exporters: [file/http]
",
        grpc_file = out.join("grpc.jsonl").display(),
        http_file = out.join("http.jsonl").display(),
    )
}

/// A config receiving OTLP/HTTP in plain text on `input` and exporting each log to
/// `grpc_endpoint` and `http_endpoint` over TLS.
fn sender(pki: &Pki, input: u16, grpc_endpoint: &str, http_endpoint: &str, telemetry: &str) -> String {
    let tls = client_tls(pki);
    format!(
        "receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:{input}
exporters:
  otlp:
    endpoint: {grpc_endpoint}
{tls}  otlphttp:
    endpoint: {http_endpoint}
{tls}service:
{telemetry}  pipelines:
    logs:
      receivers: [otlp]
      exporters: [otlp, otlphttp]
"
    )
}

fn logs(count: usize) -> serde_json::Value {
    let records: Vec<_> = (0..count).map(|n| json!({"body": {"stringValue": format!("secret {n}")}})).collect();
    json!({"resourceLogs": [{"scopeLogs": [{"scope": {"name": "tls"}, "logRecords": records}]}]})
}

/// Posts `requests` × `per_request` log records to `input`; how many.
#[allow(clippy::unwrap_used, reason = "test helper: a post that fails fails the test")]
fn post_logs(input: u16, requests: usize, per_request: usize) -> usize {
    for _ in 0..requests {
        let status = collector::post_otlp_json(&format!("http://127.0.0.1:{input}/v1/logs"), &logs(per_request)).unwrap();
        assert_eq!(status, 200);
    }
    requests * per_request
}

/// Both files hold `expected` records, each once.
#[allow(clippy::unwrap_used, reason = "test helper: output that cannot be read fails the test")]
fn assert_arrived(out: &Path, expected: usize) {
    for name in ["grpc.jsonl", "http.jsonl"] {
        let path = out.join(name);
        collector::wait_for_records(&path, expected, ARRIVAL_TIMEOUT).unwrap_or_else(|error| panic!("{name}: {error}"));
        let arrived = collector::read_file_output(&path).unwrap();
        assert_eq!(arrived.iter().map(Telemetry::item_count).sum::<usize>(), expected, "{name}: each record once");
    }
}

#[test]
fn the_agent_exports_to_the_collector_over_mutual_tls() {
    if !collector::available() {
        return;
    }
    let scratch = ScratchDir::new("tls-to-collector").unwrap();
    let pki = Pki::create(scratch.path(), "tls");
    let out = scratch.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    let (grpc, http, input) = (collector::free_port().unwrap(), collector::free_port().unwrap(), collector::free_port().unwrap());
    let collector = Collector::start(&sink(&pki, grpc, http, &out)).unwrap();
    let no_metrics = "  telemetry:\n    metrics:\n      level: none\n";
    let config = sender(&pki, input, &format!("127.0.0.1:{grpc}"), &format!("https://localhost:{http}"), no_metrics);
    let agent = agent_process::start(&config, &[input]).unwrap();
    let expected = post_logs(input, 4, 25);
    assert_arrived(&out, expected);
    let (status, log) = agent.shutdown().unwrap();
    assert!(status.success(), "{log}");
    assert!(!log.contains("exporting failed"), "{log}");
    assert!(collector.shutdown().unwrap().success());
}

#[test]
fn the_collector_exports_to_the_agent_over_mutual_tls() {
    if !collector::available() {
        return;
    }
    let scratch = ScratchDir::new("tls-from-collector").unwrap();
    let pki = Pki::create(scratch.path(), "tls");
    let out = scratch.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    let (grpc, http, input) = (collector::free_port().unwrap(), collector::free_port().unwrap(), collector::free_port().unwrap());
    let agent_config =
        sink(&pki, grpc, http, &out).replace("service:\n", "service:\n  telemetry:\n    metrics:\n      level: none\n");
    let agent = agent_process::start(&agent_config, &[grpc, http]).unwrap();
    let config = sender(&pki, input, &format!("http://127.0.0.1:{grpc}"), &format!("https://localhost:{http}"), "");
    let collector = Collector::start(&config).unwrap();
    let expected = post_logs(input, 4, 25);
    assert!(collector.shutdown().unwrap().success());
    assert_arrived(&out, expected);
    let (status, log) = agent.shutdown().unwrap();
    assert!(status.success(), "{log}");
    assert!(!log.contains("TLS handshake failed"), "{log}");
}
