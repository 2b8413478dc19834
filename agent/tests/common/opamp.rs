//! The agent as an OpAMP client, for the tests against OpAMP servers (tests/opamp.rs,
//! tests/fleet.rs): a config whose `rules` processor runs `rules.ottl` and whose
//! `extensions.opamp` reaches a server; one record sent through it; and an OpAMP server
//! process that speaks the line protocol of tests/opamp-server (JSON events on stdout,
//! commands on stdin), as opamp-go's server and Elastic's mock server
//! (tests/peers/node/mock-server.js) both do here.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test harness: a test fails when a server cannot be run or read")]

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex};

use serde_json::Value;

use super::{LoopSections, Running, SELF_OPERATION, bodies, free_port, json_logs, post, wait_until};

/// How the agent reaches its OpAMP server.
pub struct OpampClient<'a> {
    /// `ws` or `http` (polling every 200 ms unless `transport_extra` sets
    /// `polling_interval`).
    pub transport: &'a str,
    /// `ws://…`, `http://…`, `https://…`.
    pub endpoint: String,
    /// Sent as `Authorization: Bearer TOKEN`.
    pub token: &'a str,
    /// More keys of `server.<transport>` (`tls:`), indented as those keys.
    pub transport_extra: &'a str,
    /// More keys of the extension (`max_message_size_mib:`), indented as its keys.
    pub extension_extra: &'a str,
    /// The decision rules of a self-operation loop (the agent's signals every 200 ms, its
    /// actions carried out, their records in `actions.json`); the `rules` processor then
    /// runs under `error_mode: ignore`, so that a failing statement is counted, not refused.
    pub self_operation: Option<&'a str>,
}

/// Starts an agent in `dir` whose `rules` processor runs `rules.ottl` (written here as
/// `set(log.body, "local")`) and whose OpAMP extension is `client`; the agent and its
/// OTLP/HTTP port.
pub fn start_opamp_agent(dir: &Path, client: &OpampClient) -> (Running, u16) {
    std::fs::write(dir.join("rules.ottl"), "set(log.body, \"local\")\n").unwrap();
    let (http, metrics) = (free_port(), free_port());
    let OpampClient { transport, endpoint, token, transport_extra, extension_extra, self_operation } = client;
    let (receivers, processors, exporters, pipelines) = match self_operation {
        Some(decisions) => {
            std::fs::write(dir.join("decisions.ottl"), decisions).unwrap();
            let LoopSections { receivers, processors, exporters, pipelines } = SELF_OPERATION;
            (receivers, format!("    error_mode: ignore\n{processors}"), exporters, pipelines)
        }
        None => ("", String::new(), "", ""),
    };
    let polling = if *transport == "http" && !transport_extra.contains("polling_interval:") {
        "        polling_interval: 200ms\n"
    } else {
        ""
    };
    let config = format!(
        r#"
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:{http}
{receivers}processors:
  rules:
    files: [rules.ottl]
{processors}exporters:
  file:
    path: out.json
{exporters}extensions:
  opamp:
    server:
      {transport}:
        endpoint: {endpoint}
        headers:
          Authorization: Bearer {token}
{polling}{transport_extra}    state_directory: state
{extension_extra}service:
  extensions: [opamp]
  telemetry:
    metrics:
      address: 127.0.0.1:{metrics}
  pipelines:
    logs:
      receivers: [otlp]
      processors: [rules]
      exporters: [file]
{pipelines}"#
    );
    (Running::start(dir, &config, &[http, metrics]), http)
}

/// Sends one record and waits until it arrives; its body as the rules left it.
pub fn send_one(dir: &Path, http: u16) -> String {
    let before = bodies(&dir.join("out.json"));
    let (status, _, _) =
        post(http, "/v1/logs", &[("Content-Type", "application/json")], json_logs(&[("raw", "info")]).as_bytes());
    assert_eq!(status, 200);
    wait_until("the record arrives", || bodies(&dir.join("out.json")).len() > before.len());
    // `bodies` sorts: the new record is the one body not there before.
    let mut after = bodies(&dir.join("out.json"));
    for body in &before {
        if let Some(found) = after.iter().position(|b| b == body) {
            after.remove(found);
        }
    }
    after.pop().unwrap()
}

/// opamp-go's server (tests/opamp-server, built by scripts/test.sh, found through
/// `OPAMP_SERVER`) on `port`, taking only `token`.
pub fn opamp_go_server(port: u16, token: &str) -> ServerProcess {
    let binary = std::env::var("OPAMP_SERVER")
        .expect("OPAMP_SERVER: the opamp-go test server (scripts/test.sh builds it from tests/opamp-server)");
    let mut command = Command::new(binary);
    command.args(["-listen", &format!("127.0.0.1:{port}"), "-token", token]);
    ServerProcess::spawn(command)
}

/// An OpAMP server process, killed when dropped; the JSON lines it prints, kept (lines
/// that are no JSON, such as a logger's, are left out).
pub struct ServerProcess {
    child: Child,
    stdin: ChildStdin,
    lines: Arc<Mutex<Vec<Value>>>,
}

impl ServerProcess {
    /// Runs `command` and waits for its `listening` event.
    pub fn spawn(mut command: Command) -> ServerProcess {
        let mut child =
            command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().expect("the OpAMP server starts");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let lines = Arc::new(Mutex::new(Vec::new()));
        let sink = lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Ok(value) = serde_json::from_str(&line) {
                    sink.lock().unwrap().push(value);
                }
            }
        });
        let server = ServerProcess { child, stdin, lines };
        wait_until("the OpAMP server listens", || server.events("listening").len() == 1);
        server
    }

    pub fn command(&mut self, line: &str) {
        writeln!(self.stdin, "{line}").unwrap();
    }

    /// Offers `text` as the rule file `name` (`verb`: `offer`, or `offer-bad-hash` where
    /// the server has it); the hash of the offer.
    pub fn offer(&mut self, dir: &Path, name: &str, text: &str, verb: &str) -> String {
        let offered = self.events("offered").len();
        let path = dir.join(format!("offer-{offered}.txt"));
        std::fs::write(&path, text).unwrap();
        self.command(&format!("{verb} {name} {}", path.display()));
        wait_until("the server offers the file", || self.events("offered").len() > offered);
        self.events("offered")[offered]["hash"].as_str().unwrap().to_string()
    }

    pub fn events(&self, event: &str) -> Vec<Value> {
        self.lines.lock().unwrap().iter().filter(|line| line["event"] == event).cloned().collect()
    }

    /// The statuses the agent reported for the offer `hash`.
    pub fn statuses(&self, hash: &str) -> Vec<Value> {
        self.events("status").into_iter().filter(|status| status["hash"] == hash).collect()
    }

    pub fn wait_for_status(&self, hash: &str, status: &str) -> Value {
        wait_until(&format!("the agent reports {status}"), || self.statuses(hash).iter().any(|s| s["status"] == status));
        self.statuses(hash).into_iter().find(|s| s["status"] == status).unwrap()
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
