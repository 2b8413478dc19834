//! The agent's OpAMP client against a server nobody here wrote: opamp-go v0.23.0's server
//! package (tests/opamp-server, built by scripts/test.sh, found through `OPAMP_SERVER`).
//! The server pushes a rule file; the agent reports APPLYING and APPLIED (or FAILED with
//! the diagnostics) and runs it; the server goes away and comes back; a wrong token is
//! refused.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test harness: a test fails when the OpAMP server cannot be run or read"
)]

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex};

use common::*;
use serde_json::Value;

/// The opamp-go server as a process, killed when dropped; what it prints, kept.
struct Server {
    child: Child,
    stdin: ChildStdin,
    lines: Arc<Mutex<Vec<Value>>>,
}

impl Server {
    fn start(port: u16, token: &str) -> Server {
        let binary = std::env::var("OPAMP_SERVER")
            .expect("OPAMP_SERVER: the opamp-go test server (scripts/test.sh builds it from tests/opamp-server)");
        let mut child = Command::new(binary)
            .args(["-listen", &format!("127.0.0.1:{port}"), "-token", token])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let lines = Arc::new(Mutex::new(Vec::new()));
        let sink = lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                sink.lock().unwrap().push(serde_json::from_str(&line).unwrap());
            }
        });
        let server = Server { child, stdin, lines };
        wait_until("the OpAMP server listens", || server.events("listening").len() == 1);
        server
    }

    fn command(&mut self, line: &str) {
        writeln!(self.stdin, "{line}").unwrap();
    }

    /// Offers `text` as the rule file `name`; the hash of the offer.
    fn offer(&mut self, dir: &Path, name: &str, text: &str, verb: &str) -> String {
        let offered = self.events("offered").len();
        let path = dir.join(format!("offer-{offered}.txt"));
        std::fs::write(&path, text).unwrap();
        self.command(&format!("{verb} {name} {}", path.display()));
        wait_until("the server offers the file", || self.events("offered").len() > offered);
        self.events("offered")[offered]["hash"].as_str().unwrap().to_string()
    }

    fn events(&self, event: &str) -> Vec<Value> {
        self.lines.lock().unwrap().iter().filter(|line| line["event"] == event).cloned().collect()
    }

    /// The statuses the agent reported for the offer `hash`.
    fn statuses(&self, hash: &str) -> Vec<Value> {
        self.events("status").into_iter().filter(|status| status["hash"] == hash).collect()
    }

    fn wait_for_status(&self, hash: &str, status: &str) -> Value {
        wait_until(&format!("the agent reports {status}"), || self.statuses(hash).iter().any(|s| s["status"] == status));
        self.statuses(hash).into_iter().find(|s| s["status"] == status).unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const TOKEN: &str = "s3cret";

/// A config whose `rules` processor runs `rules.ottl` (written here) and whose OpAMP
/// extension reaches the server at `port` over `transport` (`ws` or `http`).
fn start_agent(dir: &Path, transport: &str, port: u16, token: &str) -> (Running, u16) {
    start_agent_with(dir, transport, port, token, "")
}

/// [`start_agent`] with more settings of the extension (`extra`, indented as its keys).
fn start_agent_with(dir: &Path, transport: &str, port: u16, token: &str, extra: &str) -> (Running, u16) {
    std::fs::write(dir.join("rules.ottl"), "set(log.body, \"local\")\n").unwrap();
    let (http, metrics) = (free_port(), free_port());
    let scheme = if transport == "ws" { "ws" } else { "http" };
    let polling = if transport == "http" { "        polling_interval: 200ms\n" } else { "" };
    let config = format!(
        r#"
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:{http}
processors:
  rules:
    files: [rules.ottl]
exporters:
  file:
    path: out.json
extensions:
  opamp:
    server:
      {transport}:
        endpoint: {scheme}://127.0.0.1:{port}/v1/opamp
        headers:
          Authorization: Bearer {token}
{polling}    state_directory: state
{extra}service:
  extensions: [opamp]
  telemetry:
    metrics:
      address: 127.0.0.1:{metrics}
  pipelines:
    logs:
      receivers: [otlp]
      processors: [rules]
      exporters: [file]
"#
    );
    (Running::start(dir, &config, &[http, metrics]), http)
}

/// Sends one record and waits until it arrives; its body as the rules left it.
fn send_one(dir: &Path, http: u16) -> String {
    let before = bodies(&dir.join("out.json")).len();
    let (status, _, _) =
        post(http, "/v1/logs", &[("Content-Type", "application/json")], json_logs(&[("raw", "info")]).as_bytes());
    assert_eq!(status, 200);
    wait_until("the record arrives", || bodies(&dir.join("out.json")).len() > before);
    bodies(&dir.join("out.json"))[before].clone()
}

/// The whole story on one transport: pushed rules run; a broken set is FAILED with the
/// diagnostics and the previous rules stay; a wrong hash is FAILED; the server goes away
/// and comes back and the agent reconnects with its rules.
fn rules_over(transport: &str) {
    let dir = temp_dir(&format!("opamp-{transport}"));
    let port = free_port();
    let mut server = Server::start(port, TOKEN);
    let (agent, http) = start_agent(&dir, transport, port, TOKEN);
    assert_eq!(send_one(&dir, http), "local");

    let hash = server.offer(&dir, "rules.ottl", "set(log.body, \"remote\")\n", "offer");
    server.wait_for_status(&hash, "APPLIED");
    let statuses: Vec<Value> = server.statuses(&hash).iter().map(|s| s["status"].clone()).collect();
    assert_eq!(statuses.first().map(|s| s.as_str()), Some(Some("APPLYING")), "{statuses:?}");
    assert_eq!(send_one(&dir, http), "remote", "records after APPLIED run the new rules");

    let broken = server.offer(&dir, "rules.ottl", "set(log.body, \"broken\"\n", "offer");
    let failed = server.wait_for_status(&broken, "FAILED");
    let error = failed["error"].as_str().unwrap();
    assert!(error.contains("rules.ottl:1:"), "the diagnostics as ottlc check renders them:\n{error}");
    assert_eq!(send_one(&dir, http), "remote", "the previous rules keep running");

    let wrong = server.offer(&dir, "rules.ottl", "set(log.body, \"unverified\")\n", "offer-bad-hash");
    let failed = server.wait_for_status(&wrong, "FAILED");
    assert!(failed["error"].as_str().unwrap().contains("config_hash"), "{failed}");
    assert_eq!(send_one(&dir, http), "remote");

    // The server goes away; the agent keeps its rules and reconnects when it is back.
    drop(server);
    assert_eq!(send_one(&dir, http), "remote");
    let server = Server::start(port, TOKEN);
    wait_until("the agent reports its full state to the new server", || {
        server.events("message").iter().any(|m| m["full"] == true)
    });
    let hash_now = server.statuses(&wrong);
    assert!(hash_now.iter().all(|s| s["status"] == "FAILED"), "the last status is reported again: {hash_now:?}");
    assert_eq!(send_one(&dir, http), "remote");
    assert!(agent.log().contains("OpAMP"), "{}", agent.log());
    let uid = std::fs::read_to_string(dir.join("state/opamp-instance-uid")).unwrap();
    assert_eq!(uid.trim().len(), 36, "the instance uid is kept as UUID text: {uid}");
    let output = agent.stop();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
}

#[test]
fn rules_over_websocket() {
    rules_over("ws");
}

#[test]
fn rules_over_http() {
    rules_over("http");
}

#[test]
fn a_wrong_token_is_refused_and_changes_nothing() {
    for transport in ["ws", "http"] {
        let dir = temp_dir(&format!("opamp-token-{transport}"));
        let port = free_port();
        let mut server = Server::start(port, TOKEN);
        server.offer(&dir, "rules.ottl", "set(log.body, \"remote\")\n", "offer");
        let (agent, http) = start_agent(&dir, transport, port, "wrong");
        wait_until("the server refuses the agent", || !server.events("refused").is_empty());
        assert_eq!(server.events("refused")[0]["status"], 401);
        assert_eq!(send_one(&dir, http), "local", "{transport}: the rules are unchanged");
        assert!(server.events("message").is_empty(), "{transport}: the agent never got through");
        wait_until("the agent logs the refusal", || agent.log().contains("401"));
        agent.stop();
    }
}

/// A WebSocket server that answers each connection's first report with one hostile
/// message; the number of connections so far.
fn hostile_server(listener: std::net::TcpListener, messages: Vec<tokio_tungstenite::tungstenite::Message>) -> Arc<Mutex<usize>> {
    use futures_util::{SinkExt, StreamExt};
    let connections = Arc::new(Mutex::new(0));
    let count = connections.clone();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async move {
            listener.set_nonblocking(true).unwrap();
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            for message in messages
                .into_iter()
                .chain(std::iter::repeat_with(|| tokio_tungstenite::tungstenite::Message::Binary(vec![0u8].into())))
            {
                let Ok((stream, _)) = listener.accept().await else { return };
                *count.lock().unwrap() += 1;
                let Ok(mut socket) = tokio_tungstenite::accept_async(stream).await else { continue };
                let _ = socket.next().await;
                let _ = socket.send(message).await;
                // Until the agent closes it (or, for the harmless filler, for good).
                while let Some(Ok(_)) = socket.next().await {}
            }
        });
    });
    connections
}

#[test]
fn hostile_messages_close_the_connection_and_never_crash_the_agent() {
    use ottl_opamp::proto::{AgentConfigFile, AgentConfigMap, AgentRemoteConfig, ServerToAgent};
    use tokio_tungstenite::tungstenite::Message;
    let dir = temp_dir("opamp-hostile");
    let file = AgentConfigFile { body: b"set(log.body, \"hostile\")".to_vec(), content_type: String::new() };
    let offer = ServerToAgent {
        remote_config: Some(AgentRemoteConfig {
            config: Some(AgentConfigMap { config_map: [("rules.ottl".to_string(), file)].into() }),
            config_hash: vec![1; 32],
        }),
        ..Default::default()
    };
    let framed = ottl_opamp::framing::encode(&offer);
    let messages = vec![
        Message::Binary(vec![0x00, 0x0a, 0xff, 0xff, 0xff].into()),
        Message::Binary(framed[..framed.len() / 2].to_vec().into()),
        Message::Binary([&[0x05u8][..], &framed[1..]].concat().into()),
        Message::Binary(vec![0u8; 2 << 20].into()),
        Message::Text("hello".into()),
    ];
    let hostile = messages.len();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let connections = hostile_server(listener, messages);
    let (agent, http) = start_agent_with(&dir, "ws", port, TOKEN, "    max_message_size_mib: 1\n");
    wait_until("the agent reconnects after every hostile message", || *connections.lock().unwrap() > hostile);
    assert_eq!(send_one(&dir, http), "local", "the rules and the data path are untouched");
    let log = agent.log();
    assert!(log.contains("malformed message"), "{log}");
    let output = agent.stop();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
}
