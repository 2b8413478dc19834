//! The OTLP exporters as processes see them: the agent sending to another agent and to the
//! Go collector over gRPC and HTTP with every compression, to a sink that comes up late,
//! and to small servers that throttle, refuse, or report a partial success.
//!
//! Every test accounts for each record: what was acknowledged arrives exactly once.

mod common;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{Running, bodies, exporter_counter, free_port, json_logs, poll_until, post, temp_dir, wait_until};
use ottl_tests::collector::{self, Collector, wait_for_records};

/// How long a sink may take to write what it was sent (the machine may be busy).
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(60);

/// One way of sending: a protocol, a compression, and the sink's port for it.
struct Route {
    name: String,
    protocol: &'static str,
    compression: &'static str,
    port: u16,
}

fn routes(protocols: &[&'static str], compressions: &[&'static str]) -> Vec<Route> {
    let mut routes = Vec::new();
    for protocol in protocols {
        for compression in compressions {
            routes.push(Route { name: format!("{protocol}_{compression}"), protocol, compression, port: free_port() });
        }
    }
    routes
}

/// A sink in the collector's layout, which the agent and the collector both run: one OTLP
/// receiver per route, each writing to its own file (`<dir>/<route>.json`).
fn sink_config(dir: &Path, routes: &[Route]) -> String {
    let mut receivers = String::new();
    let mut exporters = String::new();
    let mut pipelines = String::new();
    for route in routes {
        let (name, protocol, port) = (&route.name, route.protocol, route.port);
        receivers.push_str(&format!("  otlp/{name}:\n    protocols:\n      {protocol}:\n        endpoint: 127.0.0.1:{port}\n"));
        exporters.push_str(&format!("  file/{name}:\n    path: {}\n", dir.join(format!("{name}.json")).display()));
        pipelines.push_str(&format!("    logs/{name}:\n      receivers: [otlp/{name}]\n      exporters: [file/{name}]\n"));
    }
    format!(
        "receivers:\n{receivers}exporters:\n{exporters}service:\n  telemetry:\n    metrics:\n      level: none\n  pipelines:\n{pipelines}"
    )
}

/// The agent under test: OTLP/HTTP in on `input`, every route's OTLP exporter out, with
/// short retry intervals.
fn sender_config(input: u16, metrics: u16, routes: &[Route]) -> String {
    let mut exporters = String::new();
    for route in routes {
        let (name, compression, port) = (&route.name, route.compression, route.port);
        let (kind, endpoint) = match route.protocol {
            "grpc" => ("otlp_grpc", format!("127.0.0.1:{port}\n    tls:\n      insecure: true")),
            _ => ("otlp_http", format!("http://127.0.0.1:{port}")),
        };
        exporters.push_str(&format!(
            "  {kind}/{name}:\n    endpoint: {endpoint}\n    compression: {compression}\n    retry_on_failure:\n      initial_interval: 50ms\n      max_interval: 300ms\n"
        ));
    }
    let ids: Vec<String> = routes.iter().map(|r| format!("{}/{}", exporter_kind(r), r.name)).collect();
    format!(
        "receivers:\n  otlp:\n    protocols:\n      http:\n        endpoint: 127.0.0.1:{input}\nexporters:\n{exporters}service:\n  telemetry:\n    metrics:\n      address: 127.0.0.1:{metrics}\n  pipelines:\n    logs:\n      receivers: [otlp]\n      exporters: [{}]\n",
        ids.join(", ")
    )
}

fn exporter_kind(route: &Route) -> &'static str {
    if route.protocol == "grpc" { "otlp_grpc" } else { "otlp_http" }
}

/// Sends `requests` requests of `per_request` records to the agent's OTLP/HTTP input, each
/// acknowledged; the bodies sent, sorted.
fn send_logs(input: u16, requests: usize, per_request: usize) -> Vec<String> {
    let mut sent = Vec::new();
    for request in 0..requests {
        let names: Vec<String> = (0..per_request).map(|i| format!("r{request:03}-{i:03}")).collect();
        let records: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "info")).collect();
        let (status, _, body) = post(input, "/v1/logs", &[("Content-Type", "application/json")], json_logs(&records).as_bytes());
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
        sent.extend(names);
    }
    sent.sort();
    sent
}

/// Waits until each route's file holds `expected` records.
fn wait_for_every_route(dir: &Path, routes: &[Route], expected: usize) {
    for route in routes {
        let path = dir.join(format!("{}.json", route.name));
        if let Err(error) = wait_for_records(&path, expected, DELIVERY_TIMEOUT) {
            panic!("route {}: {error}", route.name);
        }
    }
}

/// Each route's file holds exactly the records sent, each once.
fn assert_exactly_once(dir: &Path, routes: &[Route], sent: &[String]) {
    for route in routes {
        let arrived = bodies(&dir.join(format!("{}.json", route.name)));
        assert_eq!(arrived.len(), sent.len(), "route {}", route.name);
        assert!(arrived == sent, "route {}: other records than those sent", route.name);
    }
}

/// N records in, N out at every route, sent by the agent to `start_sink`'s sink.
fn every_protocol_and_compression(label: &str, start_sink: impl FnOnce(&Path, &str) -> Box<dyn FnOnce()>) {
    let dir = temp_dir(label);
    let routes = routes(&["grpc", "http"], &["none", "gzip", "zstd"]);
    let stop_sink = start_sink(&dir, &sink_config(&dir, &routes));
    let (input, metrics) = (free_port(), free_port());
    let sender = Running::start_named(&dir, "sender", &sender_config(input, metrics, &routes), &[input, metrics]);
    let sent = send_logs(input, 6, 100);
    wait_for_every_route(&dir, &routes, sent.len());
    for route in &routes {
        let id = format!("{}/{}", exporter_kind(route), route.name);
        // The sink writes before it answers, and the sender counts once it has the answer.
        wait_until(&format!("{id} counts every record sent"), || exporter_counter(metrics, "sent", &id) == sent.len() as u64);
        assert_eq!(exporter_counter(metrics, "failed", &id), 0, "{id}");
    }
    let output = sender.stop();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    stop_sink();
    assert_exactly_once(&dir, &routes, &sent);
}

#[test]
fn agent_to_agent_over_both_protocols_and_every_compression() {
    every_protocol_and_compression("to-agent", |dir, config| {
        let ports = config_ports(config);
        let sink = Running::start_named(dir, "sink", config, &ports);
        Box::new(move || {
            let output = sink.stop();
            assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        })
    });
}

#[test]
fn agent_to_the_collector_over_both_protocols_and_every_compression() {
    if !collector::available() {
        return;
    }
    every_protocol_and_compression("to-collector", |_, config| {
        let sink = Collector::start(config).unwrap();
        Box::new(move || {
            let status = sink.shutdown().unwrap();
            assert!(status.success(), "the collector exited with {status}");
        })
    });
}

/// The ports a sink config listens on.
#[allow(clippy::unwrap_used, reason = "test helper: the sink configs are written above, with numeric ports")]
fn config_ports(config: &str) -> Vec<u16> {
    config.lines().filter_map(|line| line.trim().strip_prefix("endpoint: 127.0.0.1:")).map(|p| p.parse().unwrap()).collect()
}

#[test]
fn a_sink_down_at_first_gets_everything_acknowledged_once_it_is_up_even_after_sigterm() {
    let dir = temp_dir("sink-down");
    let routes = routes(&["grpc", "http"], &["gzip"]);
    let (input, metrics) = (free_port(), free_port());
    let sender = Running::start_named(&dir, "sender", &sender_config(input, metrics, &routes), &[input, metrics]);
    let sent = send_logs(input, 5, 20);
    for route in &routes {
        let id = format!("{}/{}", exporter_kind(route), route.name);
        wait_until(&format!("{id} retries"), || exporter_counter(metrics, "retried", &id) > 0);
        assert_eq!(exporter_counter(metrics, "sent", &id), 0, "{id}: nothing can be sent yet");
    }
    // Stopping now must not lose what is queued: the senders go on until the sink takes it.
    sender.terminate();
    let config = sink_config(&dir, &routes);
    let sink = Running::start_named(&dir, "sink", &config, &config_ports(&config));
    let output = sender.wait();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    wait_for_every_route(&dir, &routes, sent.len());
    let output = sink.stop();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_exactly_once(&dir, &routes, &sent);
}

/// A request a test server saw: its path, when it came, and its `x-tenant` header.
type SeenRequest = (String, Instant, Option<String>);

/// What a test server saw.
#[derive(Clone, Default)]
struct Seen(Arc<Mutex<Vec<SeenRequest>>>);

#[allow(clippy::unwrap_used, reason = "test server: a poisoned lock means a test thread already failed")]
impl Seen {
    /// Records a request; how many requests to `path` came before it.
    fn record(&self, path: &str, tenant: Option<String>) -> usize {
        let mut seen = self.0.lock().unwrap();
        let before = seen.iter().filter(|(p, _, _)| p == path).count();
        seen.push((path.to_string(), Instant::now(), tenant));
        before
    }

    fn requests(&self, path: &str) -> Vec<(Instant, Option<String>)> {
        self.0.lock().unwrap().iter().filter(|(p, _, _)| p == path).map(|(_, at, tenant)| (*at, tenant.clone())).collect()
    }
}

/// An OTLP/HTTP backend: `/throttled` answers 503 with `Retry-After: 1` once, then 200;
/// `/refused` answers 400; `/partial` accepts all but two records.
#[allow(clippy::unwrap_used, reason = "test server: one that cannot serve fails the test")]
async fn http_backend(listener: tokio::net::TcpListener, seen: Seen) {
    use axum::http::{HeaderMap, StatusCode, Uri};
    use axum::response::IntoResponse;
    use opentelemetry_proto::tonic::collector::logs::v1::{ExportLogsPartialSuccess, ExportLogsServiceResponse};
    use prost::Message;

    let answer = move |uri: Uri, headers: HeaderMap| async move {
        let tenant = headers.get("x-tenant").and_then(|v| v.to_str().ok()).map(str::to_string);
        let before = seen.record(uri.path(), tenant);
        let protobuf = [("content-type", "application/x-protobuf")];
        match uri.path() {
            "/throttled" if before == 0 => (StatusCode::SERVICE_UNAVAILABLE, [("retry-after", "1")], Vec::new()).into_response(),
            "/refused" => (StatusCode::BAD_REQUEST, protobuf, b"no".to_vec()).into_response(),
            "/partial" => {
                let partial = ExportLogsPartialSuccess { rejected_log_records: 2, error_message: "two too old".into() };
                let body = ExportLogsServiceResponse { partial_success: Some(partial) }.encode_to_vec();
                (StatusCode::OK, protobuf, body).into_response()
            }
            _ => (StatusCode::OK, protobuf, Vec::new()).into_response(),
        }
    };
    axum::serve(listener, axum::Router::new().fallback(answer)).await.unwrap();
}

/// `google.rpc.Status` with a `google.rpc.RetryInfo` detail, as a throttling server sends it.
mod retry_info {
    use prost::Message;

    #[derive(Clone, PartialEq, Message)]
    struct Status {
        #[prost(int32, tag = "1")]
        code: i32,
        #[prost(string, tag = "2")]
        message: String,
        #[prost(message, repeated, tag = "3")]
        details: Vec<Any>,
    }

    #[derive(Clone, PartialEq, Message)]
    struct Any {
        #[prost(string, tag = "1")]
        type_url: String,
        #[prost(bytes = "vec", tag = "2")]
        value: Vec<u8>,
    }

    #[derive(Clone, PartialEq, Message)]
    struct RetryInfo {
        #[prost(message, optional, tag = "1")]
        retry_delay: Option<Duration>,
    }

    #[derive(Clone, PartialEq, Message)]
    struct Duration {
        #[prost(int64, tag = "1")]
        seconds: i64,
        #[prost(int32, tag = "2")]
        nanos: i32,
    }

    pub fn status(code: tonic::Code, message: &str, seconds: i64) -> tonic::Status {
        let info = RetryInfo { retry_delay: Some(Duration { seconds, nanos: 0 }) };
        let detail = Any { type_url: "type.googleapis.com/google.rpc.RetryInfo".into(), value: info.encode_to_vec() };
        let details = Status { code: code as i32, message: message.into(), details: vec![detail] }.encode_to_vec();
        tonic::Status::with_details(code, message, details.into())
    }
}

/// An OTLP/gRPC logs backend answering `RESOURCE_EXHAUSTED` with a one-second `RetryInfo`
/// once, then accepting.
#[derive(Clone)]
struct ThrottlingLogs(Seen);

#[tonic::async_trait]
impl opentelemetry_proto::tonic::collector::logs::v1::logs_service_server::LogsService for ThrottlingLogs {
    async fn export(
        &self,
        request: tonic::Request<opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest>,
    ) -> Result<tonic::Response<opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceResponse>, tonic::Status> {
        let tenant = request.metadata().get("x-tenant").and_then(|v| v.to_str().ok()).map(str::to_string);
        if self.0.record("grpc", tenant) == 0 {
            return Err(retry_info::status(tonic::Code::ResourceExhausted, "slow down", 1));
        }
        Ok(tonic::Response::new(Default::default()))
    }
}

#[test]
fn throttling_is_honoured_refusals_fail_at_once_and_headers_arrive() {
    use opentelemetry_proto::tonic::collector::logs::v1::logs_service_server::LogsServiceServer;

    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let seen = Seen::default();
    let (http, grpc): (SocketAddr, SocketAddr) = runtime.block_on(async {
        let http = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let grpc = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addresses = (http.local_addr().unwrap(), grpc.local_addr().unwrap());
        tokio::spawn(http_backend(http, seen.clone()));
        let service =
            LogsServiceServer::new(ThrottlingLogs(seen.clone())).accept_compressed(tonic::codec::CompressionEncoding::Gzip);
        let incoming = tonic::transport::server::TcpIncoming::from(grpc);
        tokio::spawn(tonic::transport::Server::builder().add_service(service).serve_with_incoming(incoming));
        addresses
    });

    let dir = temp_dir("throttling");
    let (input, metrics) = (free_port(), free_port());
    let fast_retries =
        "    retry_on_failure:\n      initial_interval: 10ms\n      max_interval: 10ms\n      max_elapsed_time: 60s\n";
    let tenant = "    headers:\n      x-tenant: acme\n";
    let config = format!(
        "receivers:\n  otlp:\n    protocols:\n      http:\n        endpoint: 127.0.0.1:{input}\nexporters:
  otlp_http/throttled:\n    logs_endpoint: http://{http}/throttled\n{tenant}{fast_retries}
  otlp_http/refused:\n    logs_endpoint: http://{http}/refused\n{fast_retries}
  otlp_http/partial:\n    logs_endpoint: http://{http}/partial\n    sending_queue:\n      enabled: false\n{fast_retries}
  otlp_grpc/throttled:\n    endpoint: {grpc}\n    tls:\n      insecure: true\n{tenant}{fast_retries}
service:\n  telemetry:\n    metrics:\n      address: 127.0.0.1:{metrics}\n  pipelines:\n    logs:\n      receivers: [otlp]
      exporters: [otlp_http/throttled, otlp_http/refused, otlp_http/partial, otlp_grpc/throttled]\n"
    );
    let sender = Running::start_named(&dir, "sender", &config, &[input, metrics]);
    let sent = send_logs(input, 1, 5);
    let count = |name: &str, id: &str| exporter_counter(metrics, name, id);
    let done = poll_until(|| {
        count("sent", "otlp_http/throttled") == 5
            && count("sent", "otlp_grpc/throttled") == 5
            && count("failed", "otlp_http/refused") == 5
            && count("sent", "otlp_http/partial") + count("failed", "otlp_http/partial") == 5
    });
    if !done {
        let (_, _, counters) = common::get(metrics, "/metrics");
        let counters = String::from_utf8_lossy(&counters).to_string();
        panic!("not every exporter is done:\n{counters}\n{}", String::from_utf8_lossy(&sender.stop().stderr));
    }

    // Throttled: retried once, after the server's delay rather than the 10 ms backoff.
    for (path, id) in [("/throttled", "otlp_http/throttled"), ("grpc", "otlp_grpc/throttled")] {
        let requests = seen.requests(path);
        assert_eq!(requests.len(), 2, "{id}: one refusal, one retry");
        let gap = requests[1].0 - requests[0].0;
        assert!(gap >= Duration::from_secs(1), "{id}: retried after {gap:?}, before the server's delay");
        assert!(requests.iter().all(|(_, tenant)| tenant.as_deref() == Some("acme")), "{id}: the header arrives");
        assert_eq!(count("retried", id), sent.len() as u64, "{id}");
        assert_eq!(count("failed", id), 0, "{id}");
    }
    // Refused with 400: failed at once, never retried.
    assert_eq!(seen.requests("/refused").len(), 1);
    assert_eq!(count("retried", "otlp_http/refused"), 0);
    assert_eq!(count("sent", "otlp_http/refused"), 0);
    // A partial success (sent without a queue): the rejected records count as failed.
    assert_eq!((count("sent", "otlp_http/partial"), count("failed", "otlp_http/partial")), (3, 2));

    let output = sender.stop();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("partial success") && stderr.contains("two too old"), "{stderr}");
    assert!(stderr.contains("HTTP 400 Bad Request"), "the refusal is logged: {stderr}");
}
