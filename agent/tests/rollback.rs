//! The self-operation loop's rollback, provoked: under load, an OpAMP server pushes a rule
//! set whose statements fail on every record. The loop's own decision rule (statement
//! errors per item more than 0.05 above the generation before, once it has seen 20 items)
//! rolls it back within the window; the agent reports the offer FAILED with the reason and
//! the numbers, the records run through the previous rules again, the action is an OTLP log
//! record and a counter, and every acknowledged record arrives exactly once. Through the
//! test's own server over WebSocket, and through opamp-go's over HTTP.

#![allow(clippy::unwrap_used, reason = "a test harness: a step that cannot be done fails the test, with the error")]

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::opamp::{ServerProcess, opamp_go_server};
use common::opamp_push::PushServer;
use common::swaps::{Additions, RULE_FILE, Rig, stamping_rule};
use common::{FAILING_STATEMENT, ROLLBACK_ON_ERRORS, free_port, metric};
use ottl_opamp::proto::RemoteConfigStatuses;
use ottl_runtime::otlp::Telemetry;

/// How long after it starts a generation may be rolled back (`agent_actions`' default).
const WINDOW: Duration = Duration::from_secs(30);

/// Stamps the records as generation `marker` does, and fails on each of them.
fn failing_rule(marker: &str) -> String {
    format!("{}{FAILING_STATEMENT}", stamping_rule(marker))
}

/// An OpAMP server the test pushes rule files through: the rig's own in the test process,
/// or opamp-go's.
trait Pusher {
    /// Offers `text` as the rule file; the offer's hash.
    fn push(&mut self, dir: &Path, text: &str) -> Vec<u8>;
    /// The agent's last status for `hash`, and its error message.
    fn status(&self, hash: &[u8]) -> Option<(RemoteConfigStatuses, String)>;
}

impl Pusher for PushServer {
    fn push(&mut self, _: &Path, text: &str) -> Vec<u8> {
        PushServer::push(self, RULE_FILE, text)
    }

    fn status(&self, hash: &[u8]) -> Option<(RemoteConfigStatuses, String)> {
        let report = self.last_report(hash)?;
        Some((RemoteConfigStatuses::try_from(report.status).ok()?, report.error_message))
    }
}

/// opamp-go's server, reached over plain HTTP polling (where a rollback must not wait for
/// the next poll).
struct OpampGo {
    server: ServerProcess,
    port: u16,
}

const TOKEN: &str = "t0ken";

impl OpampGo {
    /// The OpAMP extension's `server` settings that reach it, indented as the extension's
    /// keys.
    fn client_settings(&self) -> String {
        format!(
            "    server:\n      http:\n        endpoint: http://127.0.0.1:{}/v1/opamp\n        polling_interval: 5s\n        headers:\n          Authorization: Bearer {TOKEN}\n",
            self.port
        )
    }
}

impl Pusher for OpampGo {
    fn push(&mut self, dir: &Path, text: &str) -> Vec<u8> {
        self.server.offer(dir, RULE_FILE, text, "offer").into_bytes()
    }

    fn status(&self, hash: &[u8]) -> Option<(RemoteConfigStatuses, String)> {
        let hash = std::str::from_utf8(hash).ok()?;
        let last = self.server.statuses(hash).pop()?;
        // The server prints the status's name without its enum prefix.
        let status = match last["status"].as_str()? {
            "APPLIED" => RemoteConfigStatuses::Applied,
            "APPLYING" => RemoteConfigStatuses::Applying,
            "FAILED" => RemoteConfigStatuses::Failed,
            _ => RemoteConfigStatuses::Unset,
        };
        Some((status, last["error"].as_str().unwrap_or_default().to_string()))
    }
}

/// The story, through the rig's push server or the `external` one: under load, a good rule
/// set, then one that fails on every record; the loop rolls it back, the server reads FAILED
/// with the numbers, the good rules run again, and every acknowledged record arrives exactly
/// once. Returns how long after the
/// agent's first report on the offer the server read FAILED.
fn rolled_back_through(name: &str, external: Option<&mut OpampGo>, error_mode: &str) -> Duration {
    let opamp_server = external.as_ref().map(|server| server.client_settings());
    let additions = Additions { opamp_server, ..Additions::self_operation(ROLLBACK_ON_ERRORS, error_mode) };
    let mut rig = Rig::start(name, &additions);
    let load = rig.load(1, Duration::from_millis(5));
    let (agent, sink, dir, metrics) = (&rig.agent, &rig.sink, &rig.dir, rig.ports.metrics);
    let server: &mut dyn Pusher = match external {
        Some(server) => server,
        None => &mut rig.server,
    };
    agent.wait_until("generation 0 stamps records", || sink.stamped("0;") > 0);

    let good = server.push(dir.path(), &stamping_rule("1"));
    agent.wait_until("the good rule set stamps records", || sink.stamped("1;") > 200);
    assert_eq!(server.status(&good).map(|s| s.0), Some(RemoteConfigStatuses::Applied));

    let bad = server.push(dir.path(), &failing_rule("2"));
    // Timed from the agent's first report on the offer: over HTTP the offer itself waits
    // for the agent's next poll.
    agent.wait_until("the agent takes the offer", || server.status(&bad).is_some());
    let taken = Instant::now();
    let failed = || server.status(&bad).filter(|(status, _)| *status == RemoteConfigStatuses::Failed);
    agent.wait_until("the failing rule set is reported FAILED", || failed().is_some());
    let reported = taken.elapsed();
    let (_, message) = failed().unwrap();
    // Records stamped by the good rules again, after the rollback.
    let stamped_before = sink.stamped("1;");
    agent.wait_until("the good rules run again", || sink.stamped("1;") > stamped_before + 200);
    let ledger = load.stop();
    agent.wait_until("every acknowledged record arrives", || sink.has_all(&ledger.acknowledged));
    let rollbacks = metric(metrics, r#"ottl_agent_self_operation_actions_total{action="rollback",outcome="done"}"#);
    let log = String::from_utf8_lossy(&rig.agent.stop().stderr).into_owned();

    println!("{name}: rolled back and reported FAILED {reported:?} after the offer was taken: {message}");
    assert!(reported < WINDOW, "rolled back within the window: {reported:?}\n{log}");
    assert!(message.starts_with("rolled back by the self-operation loop: generation "), "{message}");
    assert!(message.contains("ottl_agent.rule_generation.statement_error_ratio was 1.0000 over"), "the numbers: {message}");
    assert!(message.contains("against 0.0000 for the generation before it"), "{message}");
    if error_mode == "ignore" {
        assert!(sink.stamped("2;") > 0, "the failing rules ran before the rollback");
    } else {
        // The first error fails the batch, and the request is refused, as the collector does.
        assert!(!ledger.refused.is_empty(), "the failing rules refused requests before the rollback");
    }
    assert_eq!(rollbacks, 1, "one rollback counted");
    if let Err(problems) = ledger.check(&sink.arrivals()) {
        panic!("{problems}\nthe agent's log:\n{log}");
    }

    // The action as an operator sees it: an OTLP log record with the numbers.
    let events = action_records(&dir.path().join("actions.json"));
    let [(body, attributes)] = events.as_slice() else { panic!("one action record: {events:?}") };
    assert!(body.starts_with("rolled rule generation "), "{body}");
    for key in ["ottl_agent.action", "ottl_agent.action.outcome", "generation", "value", "baseline", "items", "rolled_back_to"] {
        assert!(attributes.iter().any(|k| k == key), "{key} in {attributes:?}");
    }
    reported
}

#[test]
fn a_generation_whose_errors_jump_is_rolled_back_within_the_window_and_reported_failed() {
    rolled_back_through("rollback-ws", None, "ignore");
}

/// Under `error_mode: propagate` (the transform processor's default), where the first error
/// fails a whole batch and its request is refused: each item of a failed batch counts as
/// one error, so the same decision rolls the generation back.
#[test]
fn under_propagate_a_generation_failing_its_batches_is_rolled_back_too() {
    rolled_back_through("rollback-propagate", None, "propagate");
}

/// The same through a server nobody here wrote, over HTTP polling every 5 s: the FAILED
/// status is sent at once, not at the next poll.
#[test]
fn opamp_go_reads_the_rollback_as_failed_before_the_next_poll() {
    let port = free_port();
    let mut server = OpampGo { server: opamp_go_server(port, TOKEN), port };
    let reported = rolled_back_through("rollback-http", Some(&mut server), "ignore");
    assert!(reported < Duration::from_secs(4), "before the next poll: {reported:?}");
}

/// The log records the `agent_telemetry` receiver wrote to the file exporter: body and
/// attribute keys of each.
fn action_records(path: &Path) -> Vec<(String, Vec<String>)> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut records = Vec::new();
    for line in text.lines() {
        let Telemetry::Logs(data) = Telemetry::from_json(line).unwrap() else { panic!("not logs: {line}") };
        for record in data.resource_logs.iter().flat_map(|r| &r.scope_logs).flat_map(|s| &s.log_records) {
            let body = match record.body.as_ref().and_then(|b| b.value.as_ref()) {
                Some(opentelemetry_proto::tonic::common::v1::any_value::Value::StringValue(text)) => text.clone(),
                other => format!("{other:?}"),
            };
            records.push((body, record.attributes.iter().map(|kv| kv.key.clone()).collect()));
        }
    }
    records
}
