//! `ottl-fleet` against simulated agents: rule delivery, checks, staged rollout, hostile
//! input, the status endpoint and `ottl-fleet status`, also of a fleet with TLS and a token.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test harness: a step that cannot be done fails the test, with the error"
)]

mod common;
#[path = "../../agent/tests/common/pki.rs"]
#[allow(dead_code, reason = "the fleet needs only the server certificate and the CA")]
mod pki;

use std::time::{Duration, Instant};

use common::sim_agent::{SimAgent, new_uid};
use common::{FleetProcess, TIMEOUT, http_exchange, http_request};
use ottl_opamp::proto::{AgentToServer, RemoteConfigStatuses, ServerToAgent};
use pki::Pki;
use prost::Message;

const RULES_V1: &str = "set(log.attributes[\"fleet\"], \"v1\")\n";
const RULES_V2: &str = "set(log.attributes[\"fleet\"], \"v2\")\n";
const BROKEN: &str = "set(log.attributes[\"fleet\"], NoSuchFunction())\n";

fn config(rollout: &str) -> String {
    format!(
        "poll_interval: 100ms\ngroups:\n  - name: edge\n    match: {{ identifying: {{ service.name: edge }} }}\n    rollout: {rollout}\n  - name: rest\n"
    )
}

fn body(offer: &ottl_opamp::proto::AgentRemoteConfig) -> String {
    String::from_utf8(offer.config.as_ref().unwrap().config_map["rules.ottl"].body.clone()).unwrap()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

#[test]
fn an_agent_gets_its_groups_rules_then_changes_but_never_a_broken_set() {
    let fleet = FleetProcess::start(&config("{}"), &[("edge/rules.ottl", RULES_V1), ("rest/rules.ottl", RULES_V2)]);
    fleet.wait_status("generation 1", |s| FleetProcess::group(s, "edge")["generation"] == 1);
    runtime().block_on(async {
        let mut agent = SimAgent::connect(&fleet.ws_url(), new_uid(), &[("service.name", "edge")]).await.unwrap();
        let offer = agent.next_offer(TIMEOUT).await.unwrap().expect("the group's rules");
        assert_eq!(body(&offer), RULES_V1);
        agent.report(&offer.config_hash, RemoteConfigStatuses::Applied, "").await.unwrap();
        let uid = agent.uid_text();
        let status = fleet.wait_status("APPLIED", |s| {
            FleetProcess::agent(s, &uid).is_some_and(|a| a["remote_config_status"]["status"] == "APPLIED")
        });
        let me = FleetProcess::agent(&status, &uid).unwrap();
        assert_eq!(me["group"], "edge");
        assert_eq!(me["remote_config_status"]["generation"], 1);
        assert_eq!(me["transport"], "websocket");

        fleet.write_rule("edge/rules.ottl", RULES_V2);
        let offer = agent.next_offer(TIMEOUT).await.unwrap().expect("the changed rules are pushed");
        assert_eq!(body(&offer), RULES_V2);
        agent.report(&offer.config_hash, RemoteConfigStatuses::Applied, "").await.unwrap();

        fleet.write_rule("edge/rules.ottl", BROKEN);
        let status = fleet.wait_status("the broken set rejected", |s| !FleetProcess::group(s, "edge")["rejected"].is_null());
        let edge = FleetProcess::group(&status, "edge");
        assert_eq!(edge["generation"], 2, "still the last good generation");
        let diagnostics = edge["rejected"]["diagnostics"].as_str().unwrap();
        assert!(diagnostics.contains("NoSuchFunction") && diagnostics.contains("edge/rules.ottl"), "{diagnostics}");
        // A few more polls of the directory, and nothing was pushed.
        assert!(agent.next_offer(Duration::from_secs(1)).await.unwrap().is_none(), "a broken set was pushed");

        // Fixed again: offered as the next generation.
        fleet.write_rule("edge/rules.ottl", RULES_V1);
        let offer = agent.next_offer(TIMEOUT).await.unwrap().expect("the fixed rules");
        assert_eq!(body(&offer), RULES_V1);
        let status = fleet.status();
        assert!(FleetProcess::group(&status, "edge")["rejected"].is_null());
        assert_eq!(FleetProcess::group(&status, "edge")["generation"], 3);
    });
}

/// Four agents, one canary; the rest get the new rules only after the canary has applied
/// them and the health window has passed.
#[test]
fn staged_rollout_reaches_the_rest_after_the_health_window() {
    let window = Duration::from_secs(2);
    let fleet = FleetProcess::start(&config("{ canary_percent: 25, health_window: 2s }"), &[("edge/rules.ottl", RULES_V1)]);
    runtime().block_on(async {
        let mut agents = Vec::new();
        for _ in 0..4 {
            let mut agent = SimAgent::connect(&fleet.ws_url(), new_uid(), &[("service.name", "edge")]).await.unwrap();
            let offer = agent.next_offer(TIMEOUT).await.unwrap().expect("v1");
            agent.report(&offer.config_hash, RemoteConfigStatuses::Applied, "").await.unwrap();
            agents.push(agent);
        }
        agents.sort_by(|a, b| a.uid.cmp(&b.uid));
        fleet.write_rule("edge/rules.ottl", RULES_V2);
        let status = fleet.wait_status("a canary rollout", |s| FleetProcess::group(s, "edge")["rollout"]["state"] == "canary");
        assert_eq!(FleetProcess::group(&status, "edge")["rollout"]["canaries"], serde_json::json!([agents[0].uid_text()]));
        let offer = agents[0].next_offer(TIMEOUT).await.unwrap().expect("the canary gets v2");
        assert_eq!(body(&offer), RULES_V2);
        for agent in &mut agents[1..] {
            assert!(agent.next_offer(Duration::from_millis(300)).await.unwrap().is_none(), "not a canary");
        }
        let applied_at = Instant::now();
        agents[0].report(&offer.config_hash, RemoteConfigStatuses::Applied, "").await.unwrap();
        for agent in &mut agents[1..] {
            let offer = agent.next_offer(TIMEOUT).await.unwrap().expect("the rest get v2 after the window");
            assert!(applied_at.elapsed() >= window, "offered {:?} after the canary applied", applied_at.elapsed());
            assert_eq!(body(&offer), RULES_V2);
            agent.report(&offer.config_hash, RemoteConfigStatuses::Applied, "").await.unwrap();
        }
        let status = fleet.wait_status("every agent on v2", |s| {
            s["agents"].as_array().unwrap().iter().all(|a| a["remote_config_status"]["generation"] == 2)
        });
        assert_eq!(FleetProcess::group(&status, "edge")["rollout"]["state"], "complete");
        assert_eq!(FleetProcess::group(&status, "edge")["stable_generation"], 2);
    });
}

#[test]
fn a_failed_canary_halts_the_rollout() {
    let fleet = FleetProcess::start(&config("{ canary_percent: 50, health_window: 1s }"), &[("edge/rules.ottl", RULES_V1)]);
    runtime().block_on(async {
        let mut agents = Vec::new();
        for _ in 0..4 {
            let mut agent = SimAgent::connect(&fleet.ws_url(), new_uid(), &[("service.name", "edge")]).await.unwrap();
            let offer = agent.next_offer(TIMEOUT).await.unwrap().expect("v1");
            agent.report(&offer.config_hash, RemoteConfigStatuses::Applied, "").await.unwrap();
            agents.push(agent);
        }
        agents.sort_by(|a, b| a.uid.cmp(&b.uid));
        fleet.write_rule("edge/rules.ottl", RULES_V2);
        let first = agents[0].next_offer(TIMEOUT).await.unwrap().expect("canary 1");
        let second = agents[1].next_offer(TIMEOUT).await.unwrap().expect("canary 2");
        agents[0].report(&first.config_hash, RemoteConfigStatuses::Applied, "").await.unwrap();
        agents[1].report(&second.config_hash, RemoteConfigStatuses::Failed, "exporter rejected the rules").await.unwrap();
        let status = fleet.wait_status("halted", |s| FleetProcess::group(s, "edge")["rollout"]["state"] == "halted");
        let edge = FleetProcess::group(&status, "edge");
        let reason = edge["rollout"]["reason"].as_str().unwrap();
        assert!(reason.contains(&agents[1].uid_text()) && reason.contains("exporter rejected the rules"), "{reason}");
        assert_eq!(edge["stable_generation"], 1);
        // Well past the health window, the rest still have nothing new.
        for agent in &mut agents[2..] {
            assert!(agent.next_offer(Duration::from_secs(2)).await.unwrap().is_none(), "pushed past a failed canary");
        }
        let status = fleet.status();
        let failed = FleetProcess::agent(&status, &agents[1].uid_text()).unwrap();
        assert_eq!(failed["remote_config_status"]["status"], "FAILED");
        assert_eq!(failed["remote_config_status"]["error_message"], "exporter rejected the rules");
        let table = std::process::Command::new(env!("CARGO_BIN_EXE_ottl-fleet"))
            .args(["status", "--url", &format!("http://{}", fleet.address)])
            .output()
            .unwrap();
        assert!(table.status.success(), "{}", String::from_utf8_lossy(&table.stderr));
        let table = String::from_utf8(table.stdout).unwrap();
        assert!(table.contains("edge   2    "), "{table}");
        assert!(table.contains("rollout halted: canary"), "{table}");
        assert!(table.contains("FAILED:\nexporter rejected the rules"), "{table}");
    });
}

#[test]
fn hostile_messages_close_the_connection_or_are_refused() {
    let fleet = FleetProcess::start(&config("{}"), &[("edge/rules.ottl", RULES_V1)]);
    runtime().block_on(async {
        let mut agent = SimAgent::connect(&fleet.ws_url(), new_uid(), &[("service.name", "edge")]).await.unwrap();
        agent.send_raw(vec![0x07, 0x0a, 0x02]).await.unwrap();
        assert_eq!(agent.closed_with(TIMEOUT).await, Some(1002), "a header other than 0");
        let mut agent = SimAgent::connect(&fleet.ws_url(), new_uid(), &[("service.name", "edge")]).await.unwrap();
        agent.send_raw(vec![0x00, 0x0a, 0xff, 0xff]).await.unwrap();
        assert_eq!(agent.closed_with(TIMEOUT).await, Some(1002), "not protobuf");
        let mut agent = SimAgent::connect(&fleet.ws_url(), vec![1, 2, 3], &[]).await.unwrap();
        let reply = agent.next_message(TIMEOUT).await.unwrap().unwrap();
        assert!(reply.error_response.unwrap().error_message.contains("16 bytes"));
    });
    let protobuf = [("Content-Type", "application/x-protobuf")];
    let (code, _) = http_request(&fleet.address, "POST", "/v1/opamp", &protobuf, b"\x0a\xff\xff");
    assert_eq!(code, 400);
    let (code, _) = http_request(&fleet.address, "POST", "/v1/opamp", &[protobuf[0], ("Content-Encoding", "gzip")], b"not gzip");
    assert_eq!(code, 400);
    let (code, _) = http_request(&fleet.address, "GET", "/v1/opamp", &[], b"");
    assert_eq!(code, 400, "neither a POST of protobuf nor an upgrade");
    // The server still serves.
    let hello = AgentToServer { instance_uid: new_uid(), capabilities: 0x3003, ..Default::default() };
    let (code, body) = http_request(&fleet.address, "POST", "/v1/opamp", &protobuf, &hello.encode_to_vec());
    assert_eq!(code, 200);
    let reply = ServerToAgent::decode(body.as_slice()).unwrap();
    assert_eq!(reply.instance_uid, hello.instance_uid);
    assert_eq!(reply.flags & 1, 1, "a stranger without a description is asked for its full state");
}

/// With a bearer token and TLS, `/status` wants the token as the OpAMP endpoint does, and
/// `ottl-fleet status` reaches it over https with the test CA and the token, from
/// `--token` or `OTTL_FLEET_TOKEN`.
#[test]
fn the_status_of_a_secured_fleet_wants_the_token_and_its_ca() {
    let ca = std::cell::OnceCell::new();
    let fleet = FleetProcess::start_with(
        |dir| {
            let pki = Pki::create(dir, "fleet");
            let config = format!(
                "{}tls: {{ cert_file: {}, key_file: {} }}\nauth: {{ bearer_token: s3cret }}\n",
                config("{}"),
                pki.server.cert.display(),
                pki.server.key.display()
            );
            ca.set(pki.ca).unwrap();
            config
        },
        &[("edge/rules.ottl", RULES_V1)],
    );
    let url = format!("https://{}", fleet.address);
    let ca = ca.get().unwrap().to_str().unwrap();
    let status = |args: &[&str], token_variable: Option<&str>| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_ottl-fleet"));
        command.args(["status", "--url", &url]).args(args).env_remove("OTTL_FLEET_TOKEN");
        if let Some(token) = token_variable {
            command.env("OTTL_FLEET_TOKEN", token);
        }
        let output = command.output().unwrap();
        (
            output.status.success(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let deadline = Instant::now() + TIMEOUT;
    let table = loop {
        let (ok, table, stderr) = status(&["--ca-file", ca], Some("s3cret"));
        assert!(ok, "{stderr}");
        if table.contains("edge   1") {
            break table;
        }
        assert!(Instant::now() < deadline, "generation 1 never shown:\n{table}");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(table.starts_with("GROUP  GEN"), "{table}");
    let (ok, json, stderr) = status(&["--ca-file", ca, "--token", "s3cret", "--json"], None);
    assert!(ok, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(FleetProcess::group(&json, "edge")["generation"], 1);

    let (ok, _, stderr) = status(&["--ca-file", ca], None);
    assert!(!ok && stderr.contains("401") && stderr.contains("OTTL_FLEET_TOKEN"), "without the token: {stderr}");
    let (ok, _, stderr) = status(&["--ca-file", ca, "--token", "guess"], Some("s3cret"));
    assert!(!ok && stderr.contains("401") && stderr.contains("not it"), "--token wins over the variable: {stderr}");
    let (ok, _, stderr) = status(&[], Some("s3cret"));
    assert!(!ok && stderr.to_ascii_lowercase().contains("certificate"), "the test CA is not the system's: {stderr}");
    let (ok, _, stderr) = status(&["--ca-file", "/nonexistent/ca.pem"], Some("s3cret"));
    assert!(!ok && stderr.contains("--ca-file"), "{stderr}");
}

/// Without TLS, the JSON endpoint itself: 401 with `WWW-Authenticate` without the token
/// (or with another), 200 with it; a fleet without a token serves everyone (above).
#[test]
fn the_status_endpoint_wants_the_configured_token() {
    let fleet = FleetProcess::start(&format!("{}auth: {{ bearer_token: s3cret }}\n", config("{}")), &[]);
    let (code, head, _) = http_exchange(&fleet.address, "GET", "/status", &[], b"");
    assert_eq!(code, 401);
    assert!(head.to_ascii_lowercase().contains("www-authenticate: bearer"), "{head}");
    let (code, _) = http_request(&fleet.address, "GET", "/status", &[("Authorization", "Bearer guess")], b"");
    assert_eq!(code, 401);
    let status = fleet.with_token("s3cret").status();
    assert!(status["groups"].is_array(), "{status}");
}
