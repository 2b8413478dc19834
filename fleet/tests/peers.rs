//! `ottl-fleet` against OpAMP clients nobody here wrote: opamp-go's client over WebSocket
//! and plain HTTP (tests/opamp-go-client), PyPI `opentelemetry-opamp-client` and npm
//! `@elastic/opamp-client-node` over plain HTTP (tests/peers). Each peer program prints a
//! JSON line per config it is offered and reports it APPLIED, or FAILED when a file holds
//! the `--fail-on` text. scripts/test.sh builds and installs the peers and names them in
//! `OPAMP_GO_CLIENT` and `OPAMP_PYTHON`; a test whose peer is missing says so and passes.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test harness: a step that cannot be done fails the test, with the error"
)]

mod common;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::Duration;

use common::http_agent::HttpAgent;
use common::sim_agent::new_uid;
use common::{FleetProcess, TIMEOUT};
use ottl_opamp::proto::{AgentDisconnect, AgentToServer};
use serde_json::Value;

const RULES_V1: &str = "set(log.attributes[\"fleet\"], \"v1\")\n";
const RULES_V2: &str = "set(log.attributes[\"fleet\"], \"v2\")\n";
/// Valid rules the peers are told to fail on.
const REFUSED: &str = "set(log.attributes[\"fleet\"], \"refuse-me\")\n";
const BROKEN: &str = "set(log.attributes[\"fleet\"], NoSuchFunction())\n";

/// A peer program, killed on drop; its stdout lines arrive on `lines`.
struct Peer {
    child: Child,
    lines: Receiver<String>,
}

impl Peer {
    fn start(mut command: Command) -> Peer {
        let mut child = command.stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (sender, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    return;
                }
            }
        });
        Peer { child, lines }
    }

    /// The next config the peer was offered, within `timeout`.
    fn next_offer(&self, timeout: Duration) -> Option<Value> {
        match self.lines.recv_timeout(timeout) {
            Ok(line) => Some(serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"))),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => panic!("the peer exited (its stderr is above)"),
        }
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The scenario every peer goes through: it gets its group's rules and reports them
/// APPLIED, the status shows it; a changed file is pushed; valid rules it refuses show as
/// FAILED with its message; a broken file is never offered.
fn scenario(peer: impl Fn(&FleetProcess) -> Command) {
    let config =
        "poll_interval: 100ms\ngroups:\n  - name: edge\n    match: { identifying: { service.name: peer } }\n  - name: rest\n";
    let fleet = FleetProcess::start(config, &[("edge/rules.ottl", RULES_V1), ("rest/rules.ottl", RULES_V2)]);
    fleet.wait_status("generation 1", |s| FleetProcess::group(s, "edge")["generation"] == 1);
    let peer = Peer::start(peer(&fleet));
    let applied = |generation: u64, status: &'static str| {
        move |s: &Value| {
            s["agents"].as_array().unwrap().iter().any(|a| {
                a["group"] == "edge"
                    && a["remote_config_status"]["generation"] == generation
                    && a["remote_config_status"]["status"] == status
            })
        }
    };

    let offer = peer.next_offer(TIMEOUT).expect("the group's rules");
    assert_eq!(offer["files"]["rules.ottl"], RULES_V1, "{offer}");
    let status = fleet.wait_status("APPLIED generation 1", applied(1, "APPLIED"));
    assert_eq!(status["agents"].as_array().unwrap().len(), 1, "{status:#}");
    assert_eq!(status["agents"][0]["attributes"][0], serde_json::json!(["service.name", "peer"]));

    fleet.write_rule("edge/rules.ottl", RULES_V2);
    let offer = peer.next_offer(TIMEOUT).expect("the changed rules");
    assert_eq!(offer["files"]["rules.ottl"], RULES_V2, "{offer}");
    fleet.wait_status("APPLIED generation 2", applied(2, "APPLIED"));

    fleet.write_rule("edge/rules.ottl", REFUSED);
    let offer = peer.next_offer(TIMEOUT).expect("rules it refuses");
    assert_eq!(offer["status"], "FAILED", "{offer}");
    let status = fleet.wait_status("FAILED generation 3", applied(3, "FAILED"));
    assert_eq!(status["agents"][0]["remote_config_status"]["error_message"], "the rules hold refuse-me");

    fleet.write_rule("edge/rules.ottl", BROKEN);
    fleet.wait_status("the broken set rejected", |s| !FleetProcess::group(s, "edge")["rejected"].is_null());
    // Several polls of the directory and of the peer, and nothing was offered.
    assert_eq!(peer.next_offer(Duration::from_secs(2)), None, "a broken rule set was offered");
    assert_eq!(FleetProcess::group(&fleet.status(), "edge")["generation"], 3);
}

fn env_path(name: &str, what: &str) -> Option<PathBuf> {
    let path = std::env::var_os(name).map(PathBuf::from);
    if path.is_none() {
        println!("skipped: {name} is not set (scripts/test.sh {what} and sets it)");
    }
    path
}

fn go_client(transport: &'static str) -> Option<impl Fn(&FleetProcess) -> Command> {
    let binary = env_path("OPAMP_GO_CLIENT", "builds tests/opamp-go-client")?;
    Some(move |fleet: &FleetProcess| {
        let url = if transport == "ws" { fleet.ws_url() } else { fleet.http_url() };
        let mut command = Command::new(&binary);
        command.args(["-transport", transport, "-url", &url, "-service", "peer", "-fail-on", "refuse-me"]);
        command
    })
}

#[test]
fn opamp_go_client_over_websocket() {
    if let Some(peer) = go_client("ws") {
        scenario(peer);
    }
}

#[test]
fn opamp_go_client_over_http() {
    if let Some(peer) = go_client("http") {
        scenario(peer);
    }
}

/// A fleet full with one other agent: opamp-go's client, refused (503 with Retry-After over
/// HTTP; Unavailable, then the connection closed, over WebSocket), keeps trying without
/// failing, and is served once the other agent left and was forgotten.
fn waits_while_the_fleet_is_full(peer: impl Fn(&FleetProcess) -> Command) {
    let config = "poll_interval: 100ms\nagents: { max: 1, retry_after: 1s, forget_after: 1s }\ngroups:\n  - name: edge\n    match: { identifying: { service.name: peer } }\n";
    let fleet = FleetProcess::start(config, &[("edge/rules.ottl", RULES_V1)]);
    fleet.wait_status("generation 1", |s| FleetProcess::group(s, "edge")["generation"] == 1);
    let mut occupant = HttpAgent::new(&fleet.address, new_uid());
    assert_eq!(occupant.introduce("occupant").code, 200);
    let peer = Peer::start(peer(&fleet));
    // Several retries' time: still running (next_offer panics if it exited), and not let in.
    assert_eq!(peer.next_offer(Duration::from_secs(3)), None);
    assert_eq!(fleet.status()["agents"].as_array().unwrap().len(), 1);
    assert_eq!(occupant.send(AgentToServer { agent_disconnect: Some(AgentDisconnect {}), ..Default::default() }).code, 200);
    let offer = peer.next_offer(TIMEOUT).expect("served once there is room");
    assert_eq!(offer["files"]["rules.ottl"], RULES_V1, "{offer}");
}

#[test]
fn opamp_go_client_over_websocket_waits_while_the_fleet_is_full() {
    if let Some(peer) = go_client("ws") {
        waits_while_the_fleet_is_full(peer);
    }
}

#[test]
fn opamp_go_client_over_http_waits_while_the_fleet_is_full() {
    if let Some(peer) = go_client("http") {
        waits_while_the_fleet_is_full(peer);
    }
}

#[test]
fn python_opamp_client_over_http() {
    let Some(python) = env_path("OPAMP_PYTHON", "installs PyPI opentelemetry-opamp-client into a venv") else { return };
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/peers/python/agent.py");
    scenario(|fleet| {
        let mut command = Command::new(&python);
        command.arg(&script).args(["--url", &fleet.http_url(), "--service", "peer", "--fail-on", "refuse-me"]);
        command
    });
}

#[test]
fn node_opamp_client_over_http() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/peers/node");
    if !dir.join("node_modules/@elastic/opamp-client-node").is_dir() {
        println!("skipped: tests/peers/node has no node_modules (scripts/test.sh installs @elastic/opamp-client-node)");
        return;
    }
    scenario(|fleet| {
        let mut command = Command::new("node");
        command.current_dir(&dir).args(["agent.js", "--url", &fleet.http_url(), "--service", "peer", "--fail-on", "refuse-me"]);
        command
    });
}
