//! The agent against our own OpAMP server, `ottl-fleet`, end to end: a rule file in the
//! fleet's directory reaches the agent, is APPLIED (the fleet's status shows it) and
//! transforms the records the agent receives; a changed file is pushed and applied; a
//! broken file is never offered and the agent keeps its rules. Over WebSocket and plain
//! HTTP, without and with TLS, and with the fleet's bearer token (a wrong one: 401, no
//! state anywhere changes). The fleet is the binary `cargo build --release --workspace`
//! makes; its test harness (fleet/tests/common) is shared.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test harness: a test fails when the fleet or the agent cannot be run or read"
)]

mod common;
#[path = "../../fleet/tests/common/mod.rs"]
mod fleet_harness;

use std::path::Path;

use common::opamp::{OpampClient, send_one, start_opamp_agent};
use common::pki::Pki;
use common::{Running, temp_dir};
use fleet_harness::FleetProcess;
use serde_json::Value;

const TOKEN: &str = "s3cret";

/// One group for every agent, the rules directory polled every 100 ms.
const FLEET: &str = "poll_interval: 100ms\ngroups:\n  - name: all\n";

fn rule(body: &str) -> String {
    format!("set(log.body, \"{body}\")\n")
}

/// An agent in `dir` reaching `endpoint` over `transport` with `token`, and `tls` (keys of
/// `server.<transport>`, indented as those).
fn agent_of(dir: &Path, transport: &str, endpoint: String, token: &str, tls: &str) -> (Running, u16) {
    start_opamp_agent(
        dir,
        &OpampClient { transport, endpoint, token, transport_extra: tls, extension_extra: "", self_operation: None },
    )
}

/// The loop's decision: roll back a generation whose statements fail on 5 more items in 100
/// than the one before, once it has run on 20 items.
const ROLLBACK_ON_ERRORS: &str = r#"set(datapoint.attributes["ottl_agent.action"], "rollback") where metric.name == "ottl_agent.rule_generation.statement_error_ratio" and datapoint.attributes["items"] >= 20 and datapoint.value_double > datapoint.attributes["baseline"] + 0.05
"#;

fn endpoint(fleet: &FleetProcess, transport: &str) -> String {
    if transport == "ws" { fleet.ws_url() } else { fleet.http_url() }
}

/// Waits until the group `all` is at `generation` and an agent has APPLIED it; the status.
fn wait_applied(fleet: &FleetProcess, generation: u64) -> Value {
    fleet.wait_status(&format!("the agent applies generation {generation}"), |status| {
        let group = FleetProcess::group(status, "all");
        group["generation"] == generation
            && status["agents"].as_array().unwrap().iter().any(|agent| {
                agent["remote_config_status"]["status"] == "APPLIED" && agent["remote_config_status"]["hash"] == group["hash"]
            })
    })
}

fn rules_from_the_fleet_over(transport: &str) {
    let dir = temp_dir(&format!("fleet-{transport}"));
    let fleet = FleetProcess::start(FLEET, &[("rules.ottl", &rule("fleet-1"))]);
    let (agent, http) = agent_of(&dir, transport, endpoint(&fleet, transport), TOKEN, "");
    let status = wait_applied(&fleet, 1);
    let expected = if transport == "ws" { "websocket" } else { "http" };
    assert_eq!(status["agents"][0]["transport"], expected, "{status:#}");
    assert_eq!(send_one(&dir, http), "fleet-1", "the fleet's rules run on the agent's records");

    fleet.write_rule("rules.ottl", &rule("fleet-2"));
    wait_applied(&fleet, 2);
    assert_eq!(send_one(&dir, http), "fleet-2", "the changed file is pushed and applied");

    fleet.write_rule("rules.ottl", "set(log.body, \"broken\"\n");
    let status = fleet
        .wait_status("the fleet rejects the broken file", |status| !FleetProcess::group(status, "all")["rejected"].is_null());
    let group = FleetProcess::group(&status, "all");
    assert!(group["rejected"]["diagnostics"].as_str().unwrap().contains("rules.ottl:1:"), "{status:#}");
    assert_eq!(group["generation"], 2, "a broken file is no generation: {status:#}");
    let applied = &status["agents"][0]["remote_config_status"];
    assert_eq!((&applied["status"], &applied["hash"]), (&Value::from("APPLIED"), &group["hash"]), "{status:#}");
    assert_eq!(send_one(&dir, http), "fleet-2", "the agent keeps its rules");
    assert!(!agent.log().contains("broken"), "the broken file never reached the agent:\n{}", agent.log());
    let output = agent.stop();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
}

#[test]
fn rules_from_the_fleet_over_websocket() {
    rules_from_the_fleet_over("ws");
}

#[test]
fn rules_from_the_fleet_over_http() {
    rules_from_the_fleet_over("http");
}

/// The self-operation loop protects the fleet: a rule set that compiles but fails on every
/// record reaches the canary, whose loop rolls it back and reports FAILED; the fleet halts
/// the rollout on it, so the other agent never runs it, and the canary runs the previous
/// rules again.
#[test]
fn a_canary_that_rolls_back_halts_the_rollout() {
    let config = format!("{FLEET}    rollout: {{ canary_percent: 50, health_window: 30s }}\n");
    let fleet = FleetProcess::start(&config, &[("rules.ottl", &rule("fleet-1"))]);
    let agents: Vec<_> = ["a", "b"]
        .into_iter()
        .map(|name| {
            let dir = temp_dir(&format!("fleet-loop-{name}"));
            let client = OpampClient {
                transport: "ws",
                endpoint: fleet.ws_url(),
                token: TOKEN,
                transport_extra: "",
                extension_extra: "",
                self_operation: Some(ROLLBACK_ON_ERRORS),
            };
            let (agent, http) = start_opamp_agent(&dir, &client);
            (dir, agent, http)
        })
        .collect();
    fleet.wait_status("both agents apply generation 1", |status| {
        let group = FleetProcess::group(status, "all");
        let applied = |agent: &Value| {
            agent["remote_config_status"]["status"] == "APPLIED" && agent["remote_config_status"]["hash"] == group["hash"]
        };
        group["generation"] == 1 && status["agents"].as_array().unwrap().iter().filter(|a| applied(a)).count() == 2
    });

    // Compiles (the fleet offers it), and fails on every record: its body is no JSON.
    fleet.write_rule("rules.ottl", &format!("{}set(log.attributes[\"parsed\"], ParseJSON(log.body))\n", rule("fleet-2")));
    // Records keep coming, so that the canary's new rules meet them.
    let halted = loop {
        for (dir, _, http) in &agents {
            send_one(dir, *http);
        }
        let status = fleet.status();
        if FleetProcess::group(&status, "all")["rollout"]["state"] == "halted" {
            break status;
        }
    };
    let reason = FleetProcess::group(&halted, "all")["rollout"]["reason"].as_str().unwrap().to_string();
    println!("the fleet halted the rollout: {reason}");
    assert!(reason.contains("rolled back by the self-operation loop"), "{halted:#}");
    for (dir, agent, http) in agents {
        assert_eq!(send_one(&dir, http), "fleet-1", "every agent runs generation 1's rules: {halted:#}");
        assert!(agent.stop().status.success());
    }
}

/// With `auth.bearer_token`, an agent with a wrong token is refused with 401 (the agent
/// logs it), the fleet never registers it and its rules stay; the right token gets through.
#[test]
fn the_fleets_token_refuses_a_wrong_one_with_401() {
    for transport in ["ws", "http"] {
        let config = format!("{FLEET}auth:\n  bearer_token: {TOKEN}\n");
        let fleet = FleetProcess::start(&config, &[("rules.ottl", &rule("fleet"))]).with_token(TOKEN);
        let dir = temp_dir(&format!("fleet-token-{transport}"));
        let (agent, http) = agent_of(&dir, transport, endpoint(&fleet, transport), "wrong", "");
        agent.wait_until("the agent logs the refusal", || agent.log().contains("401"));
        assert_eq!(send_one(&dir, http), "local", "{transport}: the rules are unchanged");
        let status = fleet.status();
        assert_eq!(status["agents"], Value::Array(vec![]), "{transport}: the fleet knows no agent: {status:#}");
        agent.stop();

        let dir = temp_dir(&format!("fleet-token-ok-{transport}"));
        let (agent, http) = agent_of(&dir, transport, endpoint(&fleet, transport), TOKEN, "");
        wait_applied(&fleet, 1);
        assert_eq!(send_one(&dir, http), "fleet", "{transport}: the right token gets the rules");
        agent.stop();
    }
}

/// With `tls`, the fleet speaks WSS and HTTPS on its port; the agent trusts its CA
/// (`tls.ca_file`) and gets and applies the rules over both, with the token.
#[test]
fn the_fleet_over_tls() {
    for transport in ["ws", "http"] {
        let dir = temp_dir(&format!("fleet-tls-{transport}"));
        let pki = Pki::create(&dir, "fleet");
        let config = format!(
            "{FLEET}auth:\n  bearer_token: {TOKEN}\ntls:\n  cert_file: {}\n  key_file: {}\n",
            pki.server.cert.display(),
            pki.server.key.display()
        );
        let fleet = FleetProcess::start(&config, &[("rules.ottl", &rule("over tls"))]);
        let scheme = if transport == "ws" { "wss" } else { "https" };
        let endpoint = format!("{scheme}://localhost:{}/v1/opamp", fleet.address.rsplit(':').next().unwrap());
        let tls = format!("        tls:\n          ca_file: {}\n", pki.ca.display());
        let (agent, http) = agent_of(&dir, transport, endpoint, TOKEN, &tls);
        agent.wait_until("the rules arrive over TLS", || send_one(&dir, http) == "over tls");
        let output = agent.stop();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    }
}
