//! What `ottl-fleet` keeps of its agents: gone agents (a closed WebSocket, an HTTP agent
//! that stopped polling) are forgotten after `agents.forget_after`, a rollout stops waiting
//! for a forgotten canary, and new agents beyond `agents.max` are refused while known ones
//! are served.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test harness: a step that cannot be done fails the test, with the error"
)]

mod common;

use std::time::{Duration, Instant};

use common::http_agent::HttpAgent;
use common::sim_agent::{SimAgent, new_uid};
use common::{FleetProcess, TIMEOUT};
use ottl_opamp::proto::{AgentDisconnect, AgentToServer, RemoteConfigStatuses, ServerErrorResponseType, server_error_response};

const RULES_V1: &str = "set(log.attributes[\"fleet\"], \"v1\")\n";
const RULES_V2: &str = "set(log.attributes[\"fleet\"], \"v2\")\n";

fn config(rollout: &str, agents: &str) -> String {
    format!(
        "poll_interval: 100ms\nagents: {agents}\ngroups:\n  - name: edge\n    match: {{ identifying: {{ service.name: edge }} }}\n    rollout: {rollout}\n  - name: rest\n"
    )
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

/// The lowest uid there is, so that this agent is the canary of its group.
fn lowest_uid() -> Vec<u8> {
    let mut uid = vec![0; 16];
    uid[15] = 1;
    uid
}

fn listed(status: &serde_json::Value, uid: &str) -> bool {
    FleetProcess::agent(status, uid).is_some()
}

/// An HTTP canary that stops polling is gone after three of its polls, holds the rollout
/// meanwhile, and once forgotten is replaced by the group's other agent, which must apply
/// the new rules before the rollout completes. A WebSocket agent whose connection closed
/// is forgotten too.
#[test]
fn a_vanished_http_canary_is_forgotten_and_replaced() {
    let fleet = FleetProcess::start(&config("{ canary_percent: 50 }", "{ forget_after: 6s }"), &[("edge/rules.ottl", RULES_V1)]);
    fleet.wait_status("generation 1", |s| FleetProcess::group(s, "edge")["generation"] == 1);
    let mut canary = HttpAgent::new(&fleet.address, lowest_uid());
    let offer = canary.introduce("edge").reply.unwrap().remote_config.expect("v1 on the first answer");
    canary.report(&offer.config_hash, RemoteConfigStatuses::Applied);
    runtime().block_on(async {
        let mut other = SimAgent::connect(&fleet.ws_url(), new_uid(), &[("service.name", "edge")]).await.unwrap();
        let offer = other.next_offer(TIMEOUT).await.unwrap().expect("v1");
        other.report(&offer.config_hash, RemoteConfigStatuses::Applied, "").await.unwrap();
        let passer_by = SimAgent::connect(&fleet.ws_url(), new_uid(), &[("service.name", "other")]).await.unwrap();
        let passer_by_uid = passer_by.uid_text();
        fleet.wait_status("three agents", |s| s["agents"].as_array().unwrap().len() == 3);
        drop(passer_by);

        fleet.write_rule("edge/rules.ottl", RULES_V2);
        let (canary_uid, other_uid) = (canary.uid_text(), other.uid_text());
        // It polls every second (the server learns that) until the rollout made it the canary.
        let deadline = Instant::now() + TIMEOUT;
        loop {
            std::thread::sleep(Duration::from_secs(1));
            assert_eq!(canary.poll().code, 200);
            let status = fleet.status();
            if FleetProcess::group(&status, "edge")["rollout"]["canaries"] == serde_json::json!([canary_uid]) {
                assert_eq!(FleetProcess::group(&status, "edge")["rollout"]["state"], "canary");
                break;
            }
            assert!(Instant::now() < deadline, "the HTTP agent never became the canary: {status:#}");
        }
        // It never polls again: gone after three of its intervals, and the rollout holds.
        let status = fleet
            .wait_status("the canary gone", |s| FleetProcess::agent(s, &canary_uid).is_some_and(|a| a["connected"] == false));
        assert_eq!(FleetProcess::group(&status, "edge")["rollout"]["state"], "canary", "{status:#}");
        assert_eq!(FleetProcess::group(&status, "edge")["rollout"]["canaries"], serde_json::json!([canary_uid]));

        // Forgotten: it leaves the status, and the other agent is the canary now.
        let offer = other.next_offer(TIMEOUT).await.unwrap().expect("v2 for the new canary");
        let status = fleet.status();
        assert!(!listed(&status, &canary_uid), "{status:#}");
        assert_eq!(FleetProcess::group(&status, "edge")["rollout"]["canaries"], serde_json::json!([other_uid]));
        assert_eq!(FleetProcess::group(&status, "edge")["rollout"]["state"], "canary", "it has not applied v2 yet");
        other.report(&offer.config_hash, RemoteConfigStatuses::Applied, "").await.unwrap();
        let status =
            fleet.wait_status("the rollout complete", |s| FleetProcess::group(s, "edge")["rollout"]["state"] == "complete");
        assert_eq!(FleetProcess::group(&status, "edge")["stable_generation"], 2);
        fleet.wait_status("the closed WebSocket agent forgotten", |s| !listed(s, &passer_by_uid));
        assert!(listed(&fleet.status(), &other_uid), "a connected agent is kept");
    });
}

/// With `max: 2`, a third agent is refused over both transports and told when to retry;
/// the two known agents keep being served, and once one of them has said goodbye and been
/// forgotten, the refused HTTP agent gets in.
#[test]
fn a_full_fleet_refuses_new_agents_and_serves_known_ones() {
    let fleet =
        FleetProcess::start(&config("{}", "{ max: 2, retry_after: 2s, forget_after: 1s }"), &[("edge/rules.ottl", RULES_V1)]);
    fleet.wait_status("generation 1", |s| FleetProcess::group(s, "edge")["generation"] == 1);
    let mut known_http = HttpAgent::new(&fleet.address, new_uid());
    assert_eq!(known_http.introduce("edge").code, 200);
    runtime().block_on(async {
        let mut known_ws = SimAgent::connect(&fleet.ws_url(), new_uid(), &[("service.name", "edge")]).await.unwrap();
        known_ws.next_offer(TIMEOUT).await.unwrap().expect("v1");

        let refused_at = Instant::now();
        let mut refused_ws = SimAgent::connect(&fleet.ws_url(), new_uid(), &[("service.name", "edge")]).await.unwrap();
        let reply = refused_ws.next_message(TIMEOUT).await.unwrap().expect("an answer");
        let error = reply.error_response.expect("refused");
        assert_eq!(error.r#type, ServerErrorResponseType::Unavailable as i32);
        let Some(server_error_response::Details::RetryInfo(retry)) = error.details else { panic!("no RetryInfo: {error:?}") };
        assert_eq!(retry.retry_after_nanoseconds, 2_000_000_000);
        assert!(reply.remote_config.is_none());
        assert_eq!(refused_ws.closed_with(TIMEOUT).await, Some(1013), "closed once the wait is over");
        assert!(refused_at.elapsed() >= Duration::from_secs(2), "closed before the wait was over");

        let mut refused_http = HttpAgent::new(&fleet.address, new_uid());
        let answer = refused_http.introduce("edge");
        assert_eq!(answer.code, 503);
        assert!(answer.head.to_ascii_lowercase().contains("\r\nretry-after: 2\r\n"), "{}", answer.head);

        // The known ones are served: a WebSocket report lands, an HTTP poll is answered.
        let offer_hash = FleetProcess::group(&fleet.status(), "edge")["hash"].as_str().unwrap().to_string();
        let hash: Vec<u8> =
            (0..offer_hash.len()).step_by(2).map(|i| u8::from_str_radix(&offer_hash[i..i + 2], 16).unwrap()).collect();
        known_ws.report(&hash, RemoteConfigStatuses::Applied, "").await.unwrap();
        let known_ws_uid = known_ws.uid_text();
        fleet.wait_status("the WebSocket agent's report", |s| {
            FleetProcess::agent(s, &known_ws_uid).is_some_and(|a| a["remote_config_status"]["status"] == "APPLIED")
        });
        assert_eq!(known_http.poll().code, 200);
        let status = fleet.status();
        assert_eq!(status["agents"].as_array().unwrap().len(), 2, "{status:#}");
        assert!(!listed(&status, &refused_ws.uid_text()) && !listed(&status, &refused_http.uid_text()));

        // The HTTP agent says goodbye and is forgotten: there is room again.
        assert_eq!(known_http.send(AgentToServer { agent_disconnect: Some(AgentDisconnect {}), ..Default::default() }).code, 200);
        let uid = known_http.uid_text();
        fleet.wait_status("the departed agent forgotten", |s| !listed(s, &uid));
        let answer = refused_http.introduce("edge");
        assert_eq!(answer.code, 200);
        assert!(answer.reply.unwrap().remote_config.is_some(), "served like any agent");
    });
}
