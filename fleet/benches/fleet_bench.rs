//! 1,000 simulated agents (lightweight WebSocket clients in this process) on one
//! `ottl-fleet`: the time from a changed rule file to `APPLIED` on each agent, p50 and p99
//! over several changes, the time until the status endpoint shows all of them `APPLIED`,
//! and the server's memory per agent. `cargo bench -p ottl-fleet --bench fleet-bench`
//! (`-- AGENTS ROUNDS` to change the defaults).
//!
//! The file change is seen by the server's directory poll (every 100 ms here, and a change
//! must hold for one more poll before it is checked), so up to 200 ms of every number is
//! the poll, not the push.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a bench harness: a step that cannot be done stops it, with the error"
)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::sim_agent::{SimAgent, new_uid};
use common::{FleetProcess, TIMEOUT};
use ottl_opamp::proto::RemoteConfigStatuses;

const CONFIG: &str = "poll_interval: 100ms\ngroups:\n  - name: all\n";

fn rules(round: usize) -> String {
    format!(
        "set(log.attributes[\"round\"], \"{round}\")\nset(log.attributes[\"fleet\"], \"bench\") where log.severity_text == \"ERROR\"\n"
    )
}

/// The server's resident memory, from /proc.
fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1]
}

fn main() {
    let numbers: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let agents = numbers.first().copied().unwrap_or(1_000);
    let rounds = numbers.get(1).copied().unwrap_or(5);
    let fleet = FleetProcess::start(CONFIG, &[("rules.ottl", &rules(0))]);
    fleet.wait_status("generation 1", |s| FleetProcess::group(s, "all")["generation"] == 1);
    std::thread::sleep(Duration::from_millis(500));
    let idle_kib = rss_kib(fleet.pid());

    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    // Per round, when each agent applied that round's rules.
    let applied: Arc<Mutex<Vec<Vec<Instant>>>> = Arc::new(Mutex::new(vec![Vec::new(); rounds + 1]));
    runtime.block_on(async {
        for _ in 0..agents {
            let mut agent = SimAgent::connect(&fleet.ws_url(), new_uid(), &[("service.name", "bench")]).await.unwrap();
            let applied = applied.clone();
            tokio::spawn(async move {
                loop {
                    let Ok(Some(offer)) = agent.next_offer(Duration::from_secs(3_600)).await else { return };
                    let at = Instant::now();
                    agent.report(&offer.config_hash, RemoteConfigStatuses::Applied, "").await.unwrap();
                    let body = &offer.config.as_ref().unwrap().config_map["rules.ottl"].body;
                    let round = (0..=rounds).find(|r| rules(*r).as_bytes() == body.as_slice()).unwrap();
                    applied.lock().unwrap()[round].push(at);
                }
            });
        }
    });
    let all_applied = |generation: u64| {
        move |s: &serde_json::Value| {
            let agents_status = s["agents"].as_array().unwrap();
            agents_status.len() == agents
                && agents_status.iter().all(|a| {
                    a["remote_config_status"]["generation"] == generation && a["remote_config_status"]["status"] == "APPLIED"
                })
        }
    };
    fleet.wait_status("all agents on generation 1", all_applied(1));
    let loaded_kib = rss_kib(fleet.pid());

    let mut latencies = Vec::new();
    let mut until_status = Vec::new();
    for round in 1..=rounds {
        let changed = Instant::now();
        fleet.write_rule("rules.ottl", &rules(round));
        fleet.wait_status("all agents on the new generation", all_applied(round as u64 + 1));
        until_status.push(changed.elapsed());
        let deadline = Instant::now() + TIMEOUT;
        while applied.lock().unwrap()[round].len() < agents {
            assert!(Instant::now() < deadline, "round {round}: not every agent applied");
            std::thread::sleep(Duration::from_millis(10));
        }
        latencies.extend(applied.lock().unwrap()[round].iter().map(|at| at.saturating_duration_since(changed)));
    }
    latencies.sort();
    until_status.sort();
    println!("fleet-bench: {agents} WebSocket agents, {rounds} rule changes");
    println!(
        "  changed file -> APPLIED on an agent: p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms",
        percentile(&latencies, 0.50).as_secs_f64() * 1e3,
        percentile(&latencies, 0.99).as_secs_f64() * 1e3,
        latencies.last().unwrap().as_secs_f64() * 1e3
    );
    println!(
        "  changed file -> status shows all APPLIED: median {:.0} ms, worst {:.0} ms",
        percentile(&until_status, 0.50).as_secs_f64() * 1e3,
        until_status.last().unwrap().as_secs_f64() * 1e3
    );
    println!(
        "  server memory: {idle_kib} KiB idle, {loaded_kib} KiB with the agents: {:.1} KiB per agent",
        (loaded_kib.saturating_sub(idle_kib)) as f64 / agents as f64
    );
    runtime.shutdown_timeout(Duration::from_secs(1));
}
