//! Rule swaps under load, for the swap test (tests/swaps.rs) and the time-to-swap bench
//! (benches/swap_bench.rs): clients stream log records into the agent while an OpAMP
//! server pushes a new rule set at a fixed interval, each generation stamping the records
//! it runs with its number.

use std::time::Duration;

use ottl_opamp::proto::RemoteConfigStatuses;

use super::load::{Ledger, Load, Protocol, Shape};
use super::opamp_push::PushServer;
use super::sink::{Arrivals, Sink};
use super::{Running, free_port, poll_until, temp_dir};

/// The rule file every generation replaces.
pub const RULE_FILE: &str = "gen.ottl";

/// The rule of generation `marker`: append the marker and `;` to the record's `gen`
/// attribute, so that a record run by two generations would carry two markers.
pub fn stamping_rule(marker: &str) -> String {
    format!("set(log.attributes[\"gen\"], Concat([log.attributes[\"gen\"], \"{marker};\"], \"\"))\n")
}

/// What a run left: the clients' ledger, what arrived at the sink, the agent's log, and
/// what the agent reported for each pushed generation (1 to `generations`, in order).
pub struct SwapRun {
    pub ledger: Ledger,
    pub arrivals: Arrivals,
    pub log: String,
    pub reported: Vec<Option<RemoteConfigStatuses>>,
}

/// Starts the agent on generation 0 with clients sending (`clients` over HTTP and as many
/// over gRPC, modest requests at a modest pace), pushes generations 1 to `generations`
/// every `interval`, waits until the last one stamps records, stops the clients, waits for
/// every acknowledged record, and stops the agent.
#[allow(clippy::unwrap_used, reason = "test harness: a run that cannot be done fails, with the error")]
pub fn under_load(name: &str, generations: usize, interval: Duration, clients: usize) -> SwapRun {
    let dir = temp_dir(name);
    let sink = Sink::start(Duration::ZERO);
    let server = PushServer::start();
    std::fs::write(dir.path().join(RULE_FILE), stamping_rule("0")).unwrap();
    let (http, grpc, metrics) = (free_port(), free_port(), free_port());
    let agent = Running::start(dir.path(), &config(http, grpc, metrics, sink.port, server.port), &[http, grpc, metrics]);
    let protocols: Vec<Protocol> = (0..clients).flat_map(|_| [Protocol::Http(http), Protocol::Grpc(grpc)]).collect();
    let load = Load::start("c", &protocols, Shape { records: 20, padding: 0, pause: Duration::from_millis(5) });
    agent.wait_until("generation 0 stamps records", || sink.stamped("0;") > 0);
    let hashes: Vec<Vec<u8>> = (1..=generations)
        .map(|generation| {
            let hash = server.push(RULE_FILE, &stamping_rule(&generation.to_string()));
            std::thread::sleep(interval);
            hash
        })
        .collect();
    let last = format!("{generations};");
    agent.wait_until("the last generation stamps records", || sink.stamped(&last) > 0);
    let ledger = load.stop();
    agent.wait_until("every acknowledged record arrives", || sink.has_all(&ledger.acknowledged));
    // The last statuses may follow the last swap by a moment.
    poll_until(|| server.status(&hashes[generations - 1]) == Some(RemoteConfigStatuses::Applied));
    let reported = hashes.iter().map(|hash| server.status(hash)).collect();
    let output = agent.stop();
    let log = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "the agent failed:\n{log}");
    SwapRun { ledger, arrivals: sink.arrivals(), log, reported }
}

/// OTLP over HTTP and gRPC in, the stamping rules, OTLP out to the sink; the OpAMP
/// extension on the push server over WebSocket.
fn config(http: u16, grpc: u16, metrics: u16, sink: u16, opamp: u16) -> String {
    format!(
        "receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:{http}
      grpc:
        endpoint: 127.0.0.1:{grpc}
processors:
  rules:
    files: [{RULE_FILE}]
exporters:
  otlp/sink:
    endpoint: 127.0.0.1:{sink}
    tls:
      insecure: true
    compression: none
extensions:
  opamp:
    server:
      ws:
        endpoint: ws://127.0.0.1:{opamp}/v1/opamp
    state_directory: state
service:
  extensions: [opamp]
  telemetry:
    metrics:
      address: 127.0.0.1:{metrics}
  pipelines:
    logs:
      receivers: [otlp]
      processors: [rules]
      exporters: [otlp/sink]
"
    )
}
