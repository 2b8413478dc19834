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

use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::opamp::{OpampClient, ServerProcess, opamp_go_server, send_one, start_opamp_agent};
use common::*;
use serde_json::Value;

const TOKEN: &str = "s3cret";

/// An agent reaching the server at `port` over `transport` (`ws` or `http`) with `token`.
fn start_agent(dir: &Path, transport: &str, port: u16, token: &str) -> (Running, u16) {
    start_agent_with(dir, transport, port, token, "")
}

/// [`start_agent`] with more settings of the extension (`extra`, indented as its keys).
fn start_agent_with(dir: &Path, transport: &str, port: u16, token: &str, extra: &str) -> (Running, u16) {
    let scheme = if transport == "ws" { "ws" } else { "http" };
    let endpoint = format!("{scheme}://127.0.0.1:{port}/v1/opamp");
    start_opamp_agent(
        dir,
        &OpampClient { transport, endpoint, token, transport_extra: "", extension_extra: extra, self_operation: None },
    )
}

/// The whole story on one transport: pushed rules run; a broken set is FAILED with the
/// diagnostics and the previous rules stay; a wrong hash is FAILED; the server goes away
/// and comes back and the agent reconnects with its rules.
fn rules_over(transport: &str) {
    let dir = temp_dir(&format!("opamp-{transport}"));
    let port = free_port();
    let mut server = opamp_go_server(port, TOKEN);
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
    let server = opamp_go_server(port, TOKEN);
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
        let mut server = opamp_go_server(port, TOKEN);
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

/// Elastic's mock OpAMP server (npm `@elastic/mockopampserver` 0.5.0, installed in
/// tests/peers/node by scripts/test.sh) on `port`, through tests/peers/node/mock-server.js.
fn elastic_mock_server(port: u16) -> ServerProcess {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peers/node/mock-server.js");
    let mut command = Command::new("node");
    command.arg(script).arg(port.to_string());
    ServerProcess::spawn(command)
}

/// Elastic's mock server speaks HTTP only. It sees the agent's description, offers a rule
/// file that the agent applies (APPLYING, then APPLIED, its hash checked the mock's way),
/// and a broken one that it refuses with the diagnostics, keeping its rules.
#[test]
fn rules_from_elastics_mock_server_over_http() {
    let dir = temp_dir("opamp-elastic-mock");
    let port = free_port();
    let mut server = elastic_mock_server(port);
    let (agent, http) = start_agent(&dir, "http", port, TOKEN);
    wait_until("the mock server gets the agent's description", || {
        server.events("message").iter().any(|m| m["attributes"]["service.name"] == "ottl-agent")
    });
    assert_eq!(send_one(&dir, http), "local");

    let hash = server.offer(&dir, "rules.ottl", "set(log.body, \"remote\")\n", "offer");
    server.wait_for_status(&hash, "APPLIED");
    let statuses: Vec<Value> = server.statuses(&hash).iter().map(|s| s["status"].clone()).collect();
    assert_eq!(statuses.first().and_then(Value::as_str), Some("APPLYING"), "{statuses:?}");
    assert_eq!(send_one(&dir, http), "remote", "records after APPLIED run the offered rules");

    let broken = server.offer(&dir, "rules.ottl", "set(log.body, \"broken\"\n", "offer");
    let failed = server.wait_for_status(&broken, "FAILED");
    let error = failed["error"].as_str().unwrap();
    assert!(error.contains("rules.ottl:1:"), "the diagnostics as ottlc check renders them:\n{error}");
    assert_eq!(send_one(&dir, http), "remote", "the previous rules keep running");
    let output = agent.stop();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
}

/// The mock server answers a WebSocket upgrade with 501: the agent says so, keeps
/// retrying, and its rules and data path are untouched.
#[test]
fn elastics_mock_server_refuses_websocket_and_the_agent_keeps_its_rules() {
    let dir = temp_dir("opamp-elastic-mock-ws");
    let port = free_port();
    let _server = elastic_mock_server(port);
    let (agent, http) = start_agent(&dir, "ws", port, TOKEN);
    agent.wait_until("the agent logs the refused upgrade", || agent.log().contains("501"));
    assert_eq!(send_one(&dir, http), "local");
    let output = agent.stop();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
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

/// The server turns the agent away twice with `status` and `Retry-After: 2`, polls or
/// upgrades alike: the agent comes back no sooner than asked each time, then connects
/// and applies the offered rules.
fn retry_after_is_honoured(transport: &str, status: u16) {
    use common::opamp_push::offer_file;
    use common::opamp_throttle::{Refusal, ThrottlingServer};
    use ottl_opamp::proto::RemoteConfigStatuses;

    let dir = temp_dir(&format!("opamp-retry-after-{transport}-{status}"));
    let (offer, hash) = offer_file("rules.ottl", "set(log.body, \"remote\")\n");
    let refusal = Refusal { status, retry_after_secs: 2, times: 2 };
    let server = ThrottlingServer::start(refusal, offer);
    let (agent, http) = start_agent(&dir, transport, server.port, TOKEN);
    wait_until("the agent applies the offer", || server.reported(&hash, RemoteConfigStatuses::Applied));
    let arrivals = server.arrivals();
    for (refused, pair) in arrivals.windows(2).take(refusal.times).enumerate() {
        let gap = pair[1] - pair[0];
        // Tight below (the server notes the arrival before it answers), generous above.
        assert!(gap >= Duration::from_millis(1950), "{transport} {status}: back {gap:?} after refusal {refused}");
        assert!(gap < Duration::from_secs(30), "{transport} {status}: back only {gap:?} after refusal {refused}");
    }
    assert_eq!(send_one(&dir, http), "remote", "{transport} {status}: the offered rules run");
    let output = agent.stop();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
}

#[test]
fn retry_after_on_503_over_http() {
    retry_after_is_honoured("http", 503);
}

#[test]
fn retry_after_on_429_over_http() {
    retry_after_is_honoured("http", 429);
}

#[test]
fn retry_after_on_a_refused_websocket_upgrade() {
    retry_after_is_honoured("ws", 503);
}

/// A remote `config.yaml`: one that gives the `rules` processor other statements is
/// APPLIED and runs; one that adds a receiver would need a restart, so it is FAILED with
/// the reason and the config before it keeps running.
#[test]
fn a_remote_config_yaml_changes_statements_but_not_receivers() {
    use common::opamp_push::PushServer;
    use ottl_opamp::proto::RemoteConfigStatuses;

    let dir = temp_dir("opamp-config-yaml");
    let server = PushServer::start();
    let (agent, http) = start_agent(&dir, "ws", server.port, TOKEN);
    assert_eq!(send_one(&dir, http), "local");
    let started = std::fs::read_to_string(dir.join("agent.yaml")).unwrap();

    let statements = started.replace("files: [rules.ottl]", "statements: ['set(log.body, \"from config.yaml\")']");
    assert_ne!(statements, started);
    let hash = server.push("config.yaml", &statements);
    let applied = poll_until(|| server.status(&hash) == Some(RemoteConfigStatuses::Applied));
    assert!(applied, "not APPLIED: {:?}", server.last_report(&hash));
    assert_eq!(send_one(&dir, http), "from config.yaml", "records after APPLIED run the new statements");

    let receivers = statements
        .replace(
            "receivers:\n  otlp:\n",
            &format!(
                "receivers:\n  otlp/second:\n    protocols:\n      http:\n        endpoint: 127.0.0.1:{}\n  otlp:\n",
                free_port()
            ),
        )
        .replace("receivers: [otlp]", "receivers: [otlp, otlp/second]");
    assert_ne!(receivers, statements);
    let refused = server.push("config.yaml", &receivers);
    wait_until("the agent refuses the new receivers", || server.status(&refused) == Some(RemoteConfigStatuses::Failed));
    let reason = server.last_report(&refused).unwrap().error_message;
    assert!(reason.contains("receivers"), "FAILED says why: {reason}");
    assert_eq!(send_one(&dir, http), "from config.yaml", "the config before it keeps running");
    let output = agent.stop();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
}

/// An attribute that makes the agent's full report larger than the size from which it
/// gzips its HTTP requests (1 KiB).
const LARGE_DESCRIPTION: &str = "    agent_description:\n      non_identifying_attributes:\n        padding: \"";

fn large_description() -> String {
    format!("{LARGE_DESCRIPTION}{}\"\n", "x".repeat(2048))
}

/// A remote rule set the agent applied runs again after a restart with no server in
/// reach, from the first record; a server it reaches later hears APPLIED for its hash and
/// need not offer it. When the local config changes so that the saved set no longer
/// applies, the agent reports it FAILED and runs its local rules.
#[test]
fn applied_remote_rules_survive_a_restart_without_a_server() {
    let dir = temp_dir("opamp-restart");
    let port = free_port();
    let mut server = opamp_go_server(port, TOKEN);
    let (agent, _) = start_agent(&dir, "ws", port, TOKEN);
    let hash = server.offer(&dir, "rules.ottl", "set(log.body, \"remote\")\n", "offer");
    server.wait_for_status(&hash, "APPLIED");
    assert!(agent.stop().status.success());
    drop(server);

    let (agent, http) = start_agent(&dir, "ws", port, TOKEN);
    assert_eq!(send_one(&dir, http), "remote", "the saved rules run with no server: {}", agent.log());
    let server = opamp_go_server(port, TOKEN);
    server.wait_for_status(&hash, "APPLIED");
    let statuses = server.statuses(&hash);
    assert!(statuses.iter().all(|s| s["status"] == "APPLIED"), "nothing applied again: {statuses:?}");
    assert!(agent.stop().status.success());

    let config = std::fs::read_to_string(dir.join("agent.yaml")).unwrap().replace("files: [rules.ottl]", "files: [local.ottl]");
    std::fs::write(dir.join("local.ottl"), "set(log.body, \"local\")\n").unwrap();
    let agent = Running::start(&dir, &config, &[http]);
    let failed = server.wait_for_status(&hash, "FAILED");
    assert!(failed["error"].as_str().unwrap().contains("rules.ottl"), "FAILED says why: {failed}");
    assert_eq!(send_one(&dir, http), "local", "the local rules run");
    assert!(agent.stop().status.success());
}

/// A saved remote config that cannot be read is one warning naming the file, and the
/// local rules run.
#[test]
fn a_corrupt_saved_remote_config_is_one_warning_and_the_local_rules_run() {
    let dir = temp_dir("opamp-corrupt-saved");
    std::fs::create_dir_all(dir.join("state")).unwrap();
    std::fs::write(dir.join("state/opamp-remote-config.pb"), b"\xffnot a remote config").unwrap();
    // Nothing listens on the server's port.
    let (agent, http) = start_agent(&dir, "ws", free_port(), TOKEN);
    assert_eq!(send_one(&dir, http), "local");
    let log = agent.log();
    let warnings: Vec<&str> = log.lines().filter(|line| line.contains("opamp-remote-config.pb")).collect();
    assert_eq!(warnings.len(), 1, "{log}");
    assert!(warnings[0].contains("WARN") && warnings[0].contains("running the local config"), "{log}");
    assert!(agent.stop().status.success());
}

/// What the agent reports as its effective config, read back at opamp-go's server: its
/// config as written and its rule file as the running generation has it, before and
/// after a remote rule file replaces it. Over HTTP with a report large enough to go
/// gzip-compressed, which the server takes.
#[test]
fn the_effective_config_is_what_the_running_generation_came_from() {
    let dir = temp_dir("opamp-effective");
    let port = free_port();
    let mut server = opamp_go_server(port, TOKEN);
    let (agent, _) = start_agent_with(&dir, "http", port, TOKEN, &large_description());
    let config = std::fs::read_to_string(dir.join("agent.yaml")).unwrap();
    let reported = |server: &ServerProcess, rules: &str| {
        let expected = serde_json::json!({"config.yaml": config, "rules.ottl": rules});
        server.events("effective").iter().any(|event| event["files"] == expected)
    };
    agent.wait_until("the local files are reported", || reported(&server, "set(log.body, \"local\")\n"));
    let hash = server.offer(&dir, "rules.ottl", "set(log.body, \"remote\")\n", "offer");
    server.wait_for_status(&hash, "APPLIED");
    agent.wait_until("the remote rule file is reported", || reported(&server, "set(log.body, \"remote\")\n"));
    assert!(agent.stop().status.success());
}

/// A heartbeat interval the server offers is obeyed: over a WebSocket, heartbeats come
/// that often (not every 30 s, the default); over HTTP it is the polling interval (not
/// the configured 30 s), as opamp-go's HTTP client takes it.
#[test]
fn an_offered_heartbeat_interval_is_obeyed() {
    use common::opamp_push::{PushServer, heartbeat_offer};
    use common::opamp_throttle::{Refusal, ThrottlingServer};

    let assert_every_second = |transport: &str, arrivals: &[std::time::Instant]| {
        // The first report comes before the offer; after it, one a second.
        for pair in arrivals[1..].windows(2) {
            let gap = pair[1] - pair[0];
            assert!(gap >= Duration::from_millis(800), "{transport}: a heartbeat after only {gap:?}");
            assert!(gap < Duration::from_secs(15), "{transport}: a heartbeat after {gap:?}");
        }
    };
    let dir = temp_dir("opamp-heartbeat-ws");
    let server = PushServer::start();
    server.send(heartbeat_offer(1));
    let (agent, _) = start_agent(&dir, "ws", server.port, TOKEN);
    agent.wait_until("five heartbeats arrive", || server.arrivals().len() >= 6);
    assert_every_second("ws", &server.arrivals());
    assert!(agent.stop().status.success());

    let dir = temp_dir("opamp-heartbeat-http");
    let server = ThrottlingServer::start(Refusal { status: 503, retry_after_secs: 0, times: 0 }, heartbeat_offer(1));
    let endpoint = format!("http://127.0.0.1:{}/v1/opamp", server.port);
    let client = OpampClient {
        transport: "http",
        endpoint,
        token: TOKEN,
        transport_extra: "        polling_interval: 30s\n",
        extension_extra: "",
        self_operation: None,
    };
    let (agent, _) = start_opamp_agent(&dir, &client);
    agent.wait_until("five polls arrive", || server.arrivals().len() >= 6);
    assert_every_second("http", &server.arrivals());
    assert!(agent.stop().status.success());
}

/// Over HTTP the agent gzips a large report (and only a large one) and takes gzip
/// answers: the server answers every poll gzip-compressed, and the offer in it is applied.
#[test]
fn http_reports_are_gzipped_when_large_and_answers_may_be() {
    use common::opamp_push::offer_file;
    use common::opamp_throttle::{Refusal, ThrottlingServer};
    use ottl_opamp::proto::RemoteConfigStatuses;

    let dir = temp_dir("opamp-gzip");
    let (offer, hash) = offer_file("rules.ottl", "set(log.body, \"remote\")\n");
    let server = ThrottlingServer::start(Refusal { status: 503, retry_after_secs: 0, times: 0 }, offer);
    let (agent, http) = start_agent_with(&dir, "http", server.port, TOKEN, &large_description());
    agent.wait_until("the agent applies the gzip-compressed offer", || server.reported(&hash, RemoteConfigStatuses::Applied));
    assert_eq!(send_one(&dir, http), "remote");
    agent.wait_until("a small report follows", || server.polls().iter().any(|p| p.content_encoding.is_none()));
    let polls = server.polls();
    assert!(polls.iter().all(|p| p.accepts_gzip), "every poll takes gzip: {polls:?}");
    assert_eq!(polls[0].content_encoding.as_deref(), Some("gzip"), "the full report is gzipped: {polls:?}");
    assert!(polls[0].body_bytes < 2048, "a 2 KiB attribute compressed: {polls:?}");
    assert!(
        polls.iter().filter(|p| p.content_encoding.is_none()).all(|p| p.body_bytes < 1024),
        "only small reports go as they are: {polls:?}"
    );
    assert!(agent.stop().status.success());
}
