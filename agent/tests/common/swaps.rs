//! Rule swaps under load, for the swap test (tests/swaps.rs), the time-to-swap bench
//! (benches/swap_bench.rs) and the soak (tests/soak.rs): clients stream log records into the
//! agent while an OpAMP server pushes new rule sets, each generation stamping the records it
//! runs with its marker.

use std::time::Duration;

use ottl_opamp::proto::RemoteConfigStatuses;
use ottl_tests::collector::ScratchDir;

use super::load::{Ledger, Load, Protocol, Shape};
use super::opamp_push::PushServer;
use super::sink::{Arrivals, Sink};
use super::{LoopSections, Running, SELF_OPERATION, free_port, poll_until, temp_dir};

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

/// The agent on generation 0 of [`RULE_FILE`] with its peers: the sink it exports to and the
/// OpAMP server that pushes rules. Dropped in reverse order of start: the agent first.
pub struct Rig {
    pub agent: Running,
    pub ports: Ports,
    pub server: PushServer,
    pub sink: Sink,
    pub dir: ScratchDir,
}

/// The agent's ports, free when the rig starts.
pub struct Ports {
    pub http: u16,
    pub grpc: u16,
    pub metrics: u16,
}

/// What a run adds to the rig's config, each indented as its section's entries are: more
/// receivers, settings of the `rules` processor and more processors, settings of the sink's
/// exporter, more exporters, more pipelines.
#[derive(Default)]
pub struct Additions {
    pub receivers: String,
    /// Keys of the `rules` processor, then more processors.
    pub processors: String,
    pub sink_exporter: String,
    pub exporters: String,
    pub pipelines: String,
    /// Files written beside the config before the agent starts (name, text).
    pub files: Vec<(String, String)>,
    /// The OpAMP extension's `server` settings (indented as its keys) in place of the rig's
    /// push server: another server the test runs.
    pub opamp_server: Option<String>,
}

impl Additions {
    /// The self-operation loop deciding with `decisions`, the `rules` processor under
    /// `error_mode`.
    pub fn self_operation(decisions: &str, error_mode: &str) -> Additions {
        let LoopSections { receivers, processors, exporters, pipelines } = SELF_OPERATION;
        Additions {
            receivers: receivers.into(),
            processors: format!("    error_mode: {error_mode}\n{processors}"),
            exporters: exporters.into(),
            pipelines: pipelines.into(),
            files: vec![("decisions.ottl".into(), decisions.into())],
            ..Additions::default()
        }
    }
}

#[allow(clippy::unwrap_used, reason = "test harness: a rig that cannot start fails the test, with the error")]
impl Rig {
    /// Starts the sink, the push server and the agent (with `additions` in its config), and
    /// waits for the agent's ports.
    pub fn start(name: &str, additions: &Additions) -> Rig {
        let dir = temp_dir(name);
        let sink = Sink::start(Duration::ZERO);
        let server = PushServer::start();
        std::fs::write(dir.path().join(RULE_FILE), stamping_rule("0")).unwrap();
        for (name, text) in &additions.files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        let ports = Ports { http: free_port(), grpc: free_port(), metrics: free_port() };
        let config = config(&ports, sink.port, server.port, additions);
        let agent = Running::start(dir.path(), &config, &[ports.http, ports.grpc, ports.metrics]);
        Rig { agent, ports, server, sink, dir }
    }

    /// `clients` over HTTP and as many over gRPC sending modest requests (20 records) with
    /// `pause` between them: each request is one batch, which one generation runs.
    pub fn load(&self, clients: usize, pause: Duration) -> Load {
        let (http, grpc) = (self.ports.http, self.ports.grpc);
        let protocols: Vec<Protocol> = (0..clients).flat_map(|_| [Protocol::Http(http), Protocol::Grpc(grpc)]).collect();
        Load::start("c", &protocols, Shape { records: 20, padding: 0, pause })
    }
}

/// Starts the agent on generation 0 with clients sending (`clients` over HTTP and as many
/// over gRPC, modest requests at a modest pace), pushes generations 1 to `generations`
/// every `interval`, waits until the last one stamps records, stops the clients, waits for
/// every acknowledged record, and stops the agent.
#[allow(clippy::unwrap_used, reason = "test harness: a run that cannot be done fails, with the error")]
pub fn under_load(name: &str, generations: usize, interval: Duration, clients: usize) -> SwapRun {
    let rig = Rig::start(name, &Additions::default());
    let (agent, server, sink) = (&rig.agent, &rig.server, &rig.sink);
    let load = rig.load(clients, Duration::from_millis(5));
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
    let output = rig.agent.stop();
    let log = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "the agent failed:\n{log}");
    SwapRun { ledger, arrivals: sink.arrivals(), log, reported }
}

/// OTLP over HTTP and gRPC in, the stamping rules, OTLP out to the sink; the OpAMP
/// extension on the push server over WebSocket (unless the additions name another); and a
/// run's `additions`.
fn config(ports: &Ports, sink: u16, opamp: u16, additions: &Additions) -> String {
    let Ports { http, grpc, metrics } = ports;
    let Additions { receivers, processors, sink_exporter, exporters, pipelines, files: _, opamp_server } = additions;
    let opamp_server = opamp_server
        .clone()
        .unwrap_or_else(|| format!("    server:\n      ws:\n        endpoint: ws://127.0.0.1:{opamp}/v1/opamp\n"));
    format!(
        "receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:{http}
      grpc:
        endpoint: 127.0.0.1:{grpc}
{receivers}processors:
  rules:
    files: [{RULE_FILE}]
{processors}exporters:
  otlp/sink:
    endpoint: 127.0.0.1:{sink}
    tls:
      insecure: true
    compression: none
{sink_exporter}{exporters}extensions:
  opamp:
{opamp_server}    state_directory: state
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
{pipelines}"
    )
}
