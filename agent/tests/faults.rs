//! Fault tests of `ottl-agent` as a process, each with exact record accounting: clients
//! send log records with unique ids and note what the agent answered for each; a sink in
//! the test process records every arrival. Whatever the fault (a slow backend, SIGTERM
//! under load, rule reloads under load, bad requests from other clients), every record the
//! agent acknowledged arrives exactly once, and no record it refused arrives at all.

#![allow(clippy::unwrap_used, reason = "a test harness: a step that cannot be done fails the test, with the error")]

mod common;

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use common::load::{Ledger, Load, Protocol, Shape, request_of};
use common::sink::Sink;
use common::swaps::stamping_rule;
use common::{Running, free_port, proc_status_kib, receiver_counter, try_request};
use opentelemetry_proto::tonic::collector::logs::v1::logs_service_client::LogsServiceClient;
use ottl_tests::collector::ScratchDir;
use prost::Message;

/// How long the agent may take to exit after SIGTERM: its drain time, and room for a busy
/// machine.
const EXIT_TIMEOUT: Duration = Duration::from_secs(45);

/// The longest a stop may take: the receivers' grace period (5 s) and the drain timeout
/// (30 s) of agent.rs.
const DRAIN_TIME: Duration = Duration::from_secs(35);

/// The agent's budget of bytes held from acceptance until export (`IN_FLIGHT_BUDGET` in
/// agent.rs): the most it acknowledges and has not yet exported.
const IN_FLIGHT_BUDGET: u64 = 64 << 20;

/// A config with an OTLP receiver on `http` and `grpc`, `processors` (YAML list items,
/// indented for the pipeline), and an `otlp` exporter to `sink` with `exporter` settings.
fn config(http: u16, grpc: u16, metrics: u16, processors: &str, exporter: &str, sink: u16) -> String {
    format!(
        "receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:{http}
        max_request_body_size: 4194304
      grpc:
        endpoint: 127.0.0.1:{grpc}
        max_recv_msg_size_mib: 4
{processors}exporters:
  otlp/sink:
    endpoint: 127.0.0.1:{sink}
    tls:
      insecure: true
    compression: none
    timeout: 10s
    retry_on_failure:
      initial_interval: 50ms
      max_interval: 200ms
{exporter}service:
  telemetry:
    metrics:
      address: 127.0.0.1:{metrics}
  pipelines:
    logs:
      receivers: [otlp]
      processors: [{}]
      exporters: [otlp/sink]
",
        processor_ids(processors).join(", ")
    )
}

/// The ids of the processors defined in a `processors:` section.
fn processor_ids(processors: &str) -> Vec<&str> {
    processors.lines().filter_map(|line| line.strip_prefix("  ")?.strip_suffix(':')).filter(|id| !id.starts_with(' ')).collect()
}

/// The agent's ports, free now.
struct Ports {
    http: u16,
    grpc: u16,
    metrics: u16,
}

impl Ports {
    fn new() -> Ports {
        Ports { http: free_port(), grpc: free_port(), metrics: free_port() }
    }

    fn all(&self) -> [u16; 3] {
        [self.http, self.grpc, self.metrics]
    }

    /// Two clients per protocol.
    fn clients(&self) -> [Protocol; 4] {
        [Protocol::Http(self.http), Protocol::Grpc(self.grpc), Protocol::Http(self.http), Protocol::Grpc(self.grpc)]
    }
}

/// Waits until every acknowledged record has arrived, stops the agent (which drains), and
/// checks the accounting on what arrived.
fn drain_and_account(agent: Running, sink: &Sink, ledger: &Ledger) -> String {
    assert!(!ledger.acknowledged.is_empty(), "nothing was acknowledged: {:?}", ledger.unexpected);
    if !common::poll_until(|| sink.has_all(&ledger.acknowledged)) {
        let arrivals = sink.arrivals();
        let missing = ledger.acknowledged.iter().filter(|id| !arrivals.contains_key(*id)).count();
        panic!("{missing} acknowledged records never arrived; the agent's log:\n{}", agent.log());
    }
    let output = agent.stop();
    let log = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{log}");
    if let Err(problems) = ledger.check(&sink.arrivals()) {
        panic!("{problems}\nthe agent's log:\n{log}");
    }
    log
}

/// A backend taking 200 ms per request behind an exporter with 4 senders and a queue of 4
/// batches: clients sending 1 MiB requests as fast as they can are pushed back, the
/// agent's memory stays within what its limits allow, and after the backend catches up
/// every acknowledged record has arrived once.
#[test]
fn a_slow_sink_pushes_back_to_clients_with_memory_bounded_and_every_acknowledged_record_once() {
    let dir = ScratchDir::new("slow-sink").unwrap();
    let sink = Sink::start(Duration::from_millis(200));
    let ports = Ports::new();
    let exporter = "    sending_queue:\n      num_consumers: 4\n      queue_size: 4\n";
    let agent = Running::start(dir.path(), &config(ports.http, ports.grpc, ports.metrics, "", exporter, sink.port), &ports.all());
    let baseline = proc_status_kib(agent.pid(), "VmRSS") << 10;

    // 500 records of 2 KiB: about 1 MiB per request, ~20 MiB/s through the backend.
    let shape = Shape { records: 500, padding: 2048, pause: Duration::ZERO };
    let ids: Vec<String> = (0..shape.records).map(|i| format!("c0-0-{i}")).collect();
    let request_bytes = request_of(&ids, shape.padding).encoded_len() as u64;
    let clients = ports.clients();
    let load = Load::start("c", &clients, shape);
    // Refusals worth eight times the budget: an agent that buffered without limit would
    // take it all, and grow far past the bound below.
    let refused_target = 8 * IN_FLIGHT_BUDGET / request_bytes * shape.records as u64;
    agent.wait_until("the agent refuses enough", || receiver_counter(ports.metrics, "refused", "otlp") >= refused_target);
    let ledger = load.stop();
    let peak = proc_status_kib(agent.pid(), "VmHWM") << 10;

    assert!(ledger.unexpected.is_empty(), "{:?}", ledger.unexpected);
    assert!(ledger.unanswered.is_empty(), "{} records without an answer", ledger.unanswered.len());
    assert!(ledger.refusals > 0, "backpressure never reached the clients");
    assert_eq!(ledger.refusals_without_hint, 0, "every refusal says when to retry");
    // What the agent may hold: the budget, which acknowledged data holds until it is
    // exported (through the exporter's queue and senders), and one request per client being
    // read and decoded before it reserves its share. Three times that: decoded records take
    // about a quarter more room than their encoding, a request is held twice while it is
    // decoded (its body and its records), and the allocator keeps the pages of refused
    // requests for reuse.
    let held = IN_FLIGHT_BUDGET + clients.len() as u64 * request_bytes;
    let bound = baseline + 3 * held;
    assert!(ledger.bytes_sent as u64 > 2 * bound, "the clients sent too little to tell a bound from none");
    assert!(
        peak <= bound,
        "peak RSS {} MiB over the bound {} MiB (baseline {} MiB); {} MiB were sent",
        peak >> 20,
        bound >> 20,
        baseline >> 20,
        ledger.bytes_sent >> 20
    );
    println!(
        "slow sink: peak RSS {} MiB (bound {} MiB, baseline {} MiB); {} MiB sent, {} records acknowledged, {} refused in {} refusals",
        peak >> 20,
        bound >> 20,
        baseline >> 20,
        ledger.bytes_sent >> 20,
        ledger.acknowledged.len(),
        ledger.refused.len(),
        ledger.refusals
    );
    drain_and_account(agent, &sink, &ledger);
}

/// The batch processor's size in the SIGTERM test: prime, so that with requests of 100
/// records what arrives is a multiple of it only past 499,900 records.
const BATCH: usize = 4999;

/// Clients sending continuously through a batch processor whose timeout never fires; SIGTERM
/// in the middle. The agent exits 0 within its drain time, having flushed the partial batch
/// it held, and every acknowledged record arrives exactly once.
#[test]
fn sigterm_under_load_delivers_every_acknowledged_record_once() {
    let dir = ScratchDir::new("sigterm").unwrap();
    let sink = Sink::start(Duration::from_millis(50));
    let ports = Ports::new();
    let batch =
        format!("processors:\n  batch:\n    timeout: 1h\n    send_batch_size: {BATCH}\n    send_batch_max_size: {BATCH}\n");
    let agent = Running::start(dir.path(), &config(ports.http, ports.grpc, ports.metrics, &batch, "", sink.port), &ports.all());
    let load = Load::start("c", &ports.clients(), Shape { records: 100, padding: 0, pause: Duration::ZERO });
    agent.wait_until("the agent takes 20000 records", || receiver_counter(ports.metrics, "accepted", "otlp") >= 20_000);
    let stopped = Instant::now();
    agent.terminate();
    let output = agent.wait_timeout(EXIT_TIMEOUT).unwrap();
    let took = stopped.elapsed();
    let ledger = load.stop();
    let log = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{log}");
    assert!(took < DRAIN_TIME, "the agent took {took:?} to stop: longer than its drain time");
    assert!(ledger.unexpected.is_empty(), "{:?}", ledger.unexpected);
    if let Err(problems) = ledger.check(&sink.arrivals()) {
        panic!("{problems}\nthe agent's log:\n{log}");
    }
    // Whole requests arrive, and the batcher passes on only full batches until it stops.
    let arrived = sink.arrived();
    assert!(arrived < 499_900, "too many records to tell a flushed partial batch: {arrived}");
    assert_ne!(arrived % BATCH, 0, "the partial batch held at SIGTERM was flushed");
    println!(
        "SIGTERM under load: exit after {took:?}; {} acknowledged, {} refused, {} unanswered, {} in the batch flushed at the stop",
        ledger.acknowledged.len(),
        ledger.refused.len(),
        ledger.unanswered.len(),
        arrived % BATCH
    );
}

/// Replaces the rule file in one step, so that the agent's watcher never reads half a file.
fn write_rules(dir: &Path, text: &str) {
    let temporary = dir.join("gen.ottl.new");
    std::fs::write(&temporary, text).unwrap();
    std::fs::rename(&temporary, dir.join("gen.ottl")).unwrap();
}

/// A `rules` processor stamping records with its generation's marker; the rule file is
/// replaced while clients send, taken up on SIGHUP or by the file watcher, once with a file
/// that does not compile. Every acknowledged record arrives once carrying exactly one
/// generation's marker, every generation stamped records, and the broken file stamped none.
#[test]
fn rule_reloads_under_load_run_each_record_through_exactly_one_generation() {
    const GENERATIONS: usize = 6;
    const BROKEN_BEFORE: usize = 4;
    let dir = ScratchDir::new("reloads").unwrap();
    let sink = Sink::start(Duration::ZERO);
    let ports = Ports::new();
    write_rules(dir.path(), &stamping_rule("g1"));
    let rules = "processors:\n  rules:\n    files: [gen.ottl]\n";
    let agent = Running::start(dir.path(), &config(ports.http, ports.grpc, ports.metrics, rules, "", sink.port), &ports.all());
    // Many small requests, each a batch that one generation runs, at a pace the sink and the
    // final accounting keep up with.
    let load = Load::start("c", &ports.clients(), Shape { records: 20, padding: 0, pause: Duration::from_millis(5) });
    agent.wait_until("generation g1 stamps records", || sink.stamped("g1;") > 0);
    for generation in 2..=GENERATIONS {
        if generation == BROKEN_BEFORE {
            // Missing its closing parenthesis; the file watcher finds it.
            write_rules(dir.path(), stamping_rule("broken").trim_end().trim_end_matches(')'));
            agent.wait_until("the agent refuses the broken rule file", || agent.log().contains("reload refused"));
            let previous = format!("g{};", generation - 1);
            let before = sink.stamped(&previous);
            agent.wait_until("the previous generation keeps running", || sink.stamped(&previous) > before);
        }
        let marker = format!("g{generation};");
        write_rules(dir.path(), &stamping_rule(marker.trim_end_matches(';')));
        // Every other generation comes with SIGHUP; the others are found by the watcher.
        if generation % 2 == 0 {
            agent.signal("HUP");
        }
        agent.wait_until(&format!("generation {marker} stamps records"), || sink.stamped(&marker) > 0);
    }
    let ledger = load.stop();
    assert!(ledger.unexpected.is_empty(), "{:?}", ledger.unexpected);
    let log = drain_and_account(agent, &sink, &ledger);
    assert!(log.contains("gen.ottl:1:"), "the refusal's diagnostics name the rule file and line:\n{log}");

    let markers: BTreeSet<String> = (1..=GENERATIONS).map(|g| format!("g{g};")).collect();
    let mut used = BTreeSet::new();
    for (id, stamps) in sink.arrivals() {
        for stamp in stamps {
            assert!(markers.contains(&stamp), "record {id} carries `{stamp}`: not exactly one generation's marker");
            used.insert(stamp);
        }
    }
    assert_eq!(used, markers, "every generation stamped records");
}

/// What a bad request is, and the status it must get.
struct BadRequest {
    what: &'static str,
    headers: Vec<(&'static str, &'static str)>,
    body: Vec<u8>,
    status: u16,
}

/// How large the compression bombs' valid payloads are once inflated: more than the agent
/// may grow by while they arrive.
const BOMB: usize = 128 << 20;

/// How much the agent may grow while bad requests arrive: buffers of the limits' size (1
/// MiB), a zstd window, and what the allocator keeps of them; less than one inflated bomb.
const BAD_REQUESTS_GROWTH: u64 = 64 << 20;

/// Requests the HTTP receiver (limit 100,000 bytes) must refuse; the valid payloads among
/// them carry records with `bad-` ids, which must never arrive.
fn bad_http_requests() -> Vec<BadRequest> {
    let json = vec![("Content-Type", "application/json")];
    let protobuf = vec![("Content-Type", "application/x-protobuf")];
    let oversized = request_of(&[String::from("bad-oversized")], 200_000).encode_to_vec();
    let bomb = request_of(&[String::from("bad-bomb")], BOMB).encode_to_vec();
    let gzip_bomb = {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(&bomb).unwrap();
        encoder.finish().unwrap()
    };
    let zstd_bomb = zstd::encode_all(bomb.as_slice(), 3).unwrap();
    vec![
        BadRequest { what: "malformed JSON", headers: json.clone(), body: b"{\"resourceLogs\":[{".to_vec(), status: 400 },
        BadRequest { what: "malformed protobuf", headers: protobuf.clone(), body: b"\xff\xff\xff\xff".to_vec(), status: 400 },
        BadRequest {
            what: "unsupported content type",
            headers: vec![("Content-Type", "text/plain")],
            body: b"x".to_vec(),
            status: 415,
        },
        BadRequest { what: "oversized body", headers: protobuf.clone(), body: oversized, status: 413 },
        BadRequest {
            what: "gzip bomb",
            headers: vec![("Content-Type", "application/x-protobuf"), ("Content-Encoding", "gzip")],
            body: gzip_bomb,
            status: 413,
        },
        BadRequest {
            what: "zstd bomb",
            headers: vec![("Content-Type", "application/x-protobuf"), ("Content-Encoding", "zstd")],
            body: zstd_bomb,
            status: 413,
        },
    ]
}

/// gRPC requests the receiver (limit 1 MiB) must refuse: one too large, and one small on
/// the wire that gzip inflates far past the limit. Each answer that is not a refusal is
/// described.
async fn bad_grpc_requests(port: u16) -> Vec<String> {
    let mut wrong = Vec::new();
    let endpoint = format!("http://127.0.0.1:{port}");
    for (what, padding, compressed) in [("oversized message", 2 << 20, false), ("gzip bomb", BOMB, true)] {
        let mut client = LogsServiceClient::connect(endpoint.clone()).await.unwrap().max_encoding_message_size(usize::MAX);
        if compressed {
            client = client.send_compressed(tonic::codec::CompressionEncoding::Gzip);
        }
        let request = request_of(&[format!("bad-grpc-{what}")], padding);
        match client.export(request).await {
            Ok(_) => wrong.push(format!("gRPC {what}: accepted")),
            Err(status) if matches!(status.code(), tonic::Code::ResourceExhausted | tonic::Code::OutOfRange) => {}
            Err(status) => wrong.push(format!("gRPC {what}: {:?} {}", status.code(), status.message())),
        }
    }
    wrong
}

/// Well-behaved clients over both protocols while other clients send malformed, oversized
/// and compression-bomb requests: every well-behaved request is acknowledged and arrives
/// once, every bad one gets its error, none of their records arrive, and the bombs do not
/// inflate the agent's memory.
#[test]
fn bad_requests_do_not_disturb_other_clients_data() {
    const ROUNDS: usize = 3;
    let dir = ScratchDir::new("bad-neighbours").unwrap();
    let sink = Sink::start(Duration::ZERO);
    let (http, grpc, metrics) = (free_port(), free_port(), free_port());
    let config = format!(
        "receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:{http}
        max_request_body_size: 100000
      grpc:
        endpoint: 127.0.0.1:{grpc}
        max_recv_msg_size_mib: 1
exporters:
  otlp/sink:
    endpoint: 127.0.0.1:{}
    tls:
      insecure: true
    compression: none
service:
  telemetry:
    metrics:
      address: 127.0.0.1:{metrics}
  pipelines:
    logs:
      receivers: [otlp]
      exporters: [otlp/sink]
",
        sink.port
    );
    let agent = Running::start(dir.path(), &config, &[http, grpc, metrics]);
    let baseline = proc_status_kib(agent.pid(), "VmRSS") << 10;
    // Well-behaved: small requests, a pause between them, so the agent is never full.
    let shape = Shape { records: 50, padding: 0, pause: Duration::from_millis(10) };
    let load = Load::start("good", &[Protocol::Http(http), Protocol::Grpc(grpc)], shape);

    let bad = bad_http_requests();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let mut wrong = Vec::new();
    for _ in 0..ROUNDS {
        for request in &bad {
            match try_request(http, "POST", "/v1/logs", &request.headers, &request.body) {
                Ok((status, _, _)) if status == request.status => {}
                answer => wrong.push(format!("{}: {:?} instead of {}", request.what, answer.map(|a| a.0), request.status)),
            }
        }
        wrong.extend(runtime.block_on(bad_grpc_requests(grpc)));
        // The well-behaved clients go on between the rounds.
        std::thread::sleep(Duration::from_millis(100));
    }
    // The bad gRPC clients' connections close with their runtime.
    drop(runtime);
    let accepted = receiver_counter(metrics, "accepted", "otlp");
    let ledger = load.stop();
    let peak = proc_status_kib(agent.pid(), "VmHWM") << 10;

    assert!(wrong.is_empty(), "bad requests answered wrongly: {wrong:#?}");
    assert!(accepted > 0, "the well-behaved clients got nothing through while the bad requests came");
    assert!(ledger.unexpected.is_empty(), "well-behaved requests answered wrongly: {:?}", ledger.unexpected);
    assert!(ledger.refused.is_empty() && ledger.unanswered.is_empty(), "every well-behaved request is acknowledged");
    let growth = peak.saturating_sub(baseline);
    assert!(growth < BAD_REQUESTS_GROWTH, "the agent grew by {} MiB: was a bomb inflated?", growth >> 20);
    // Bad records would arrive as records no well-behaved client sent.
    drain_and_account(agent, &sink, &ledger);
}

/// Connections that stall while the agent stops: an HTTP request whose body never comes,
/// and an HTTP/2 client that never answers (so never acknowledges the server's goodbye).
/// Past its grace period the agent closes them; the batch it held for the well-behaved
/// clients is still delivered, and it exits 0 within its drain time.
#[test]
fn connections_that_stall_at_shutdown_do_not_cost_other_clients_their_data() {
    use std::net::TcpStream;

    let dir = ScratchDir::new("stalled").unwrap();
    let sink = Sink::start(Duration::ZERO);
    let ports = Ports::new();
    // Neither its timeout nor its size is ever reached: the batch processor holds everything.
    let batch = "processors:\n  batch:\n    timeout: 1h\n    send_batch_size: 100000000\n";
    let agent = Running::start(dir.path(), &config(ports.http, ports.grpc, ports.metrics, batch, "", sink.port), &ports.all());
    let mut stalled_http = TcpStream::connect(("127.0.0.1", ports.http)).unwrap();
    stalled_http.write_all(b"POST /v1/logs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{").unwrap();
    let mut silent_grpc = TcpStream::connect(("127.0.0.1", ports.grpc)).unwrap();
    // The HTTP/2 preface and an empty SETTINGS frame; then nothing, and nothing read.
    silent_grpc.write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00").unwrap();

    let load = Load::start("c", &ports.clients(), Shape { records: 100, padding: 0, pause: Duration::ZERO });
    agent.wait_until("the agent takes 5000 records", || receiver_counter(ports.metrics, "accepted", "otlp") >= 5000);
    let ledger = load.stop();
    assert!(ledger.unexpected.is_empty(), "{:?}", ledger.unexpected);
    assert_eq!(sink.arrived(), 0, "the batch processor holds everything until the stop");

    let stopped = Instant::now();
    agent.terminate();
    let output = agent.wait_timeout(EXIT_TIMEOUT).unwrap();
    let took = stopped.elapsed();
    let log = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{log}");
    assert!(took < DRAIN_TIME, "the agent took {took:?} to stop: longer than its drain time");
    if let Err(problems) = ledger.check(&sink.arrivals()) {
        panic!("{problems}\nthe agent's log:\n{log}");
    }
    drop((stalled_http, silent_grpc));
}
