//! The reference, side by side: one config with transform and filter processors runs in the
//! agent and in the collector built from Go modules; the same OTLP/JSON inputs (`inputs/`)
//! are posted to both, and their file exporters' outputs are compared item by item (see
//! `outputs` for what is normalized and why).
//!
//! The config covers basic (flat) and advanced (grouped) styles, group `conditions`,
//! processor and group error modes (ignore, silent, propagate), contexts from resource to
//! data point, for traces, metrics and logs, and the filter processor's old per-context
//! lists and its newer `<signal>_conditions`.
//!
//! [`KNOWN_DIFFERENCES`] lists every item on which the two disagree today, with why. The test
//! fails on a difference not listed and on a listed one that no longer occurs, so that a fix
//! (such as compiling a group as a unit) is checked against the list and shortens it.

#![allow(clippy::unwrap_used, reason = "a test harness: a step that cannot be done fails the test, with the error")]

use std::path::Path;

use ottl_tests::collector::{self, Collector, ScratchDir};

use crate::agent_process;
use crate::outputs;

/// The processors and pipelines both run; `{RECEIVER}` and the `{…_FILE}` paths differ.
const CONFIG: &str = r#"
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:{RECEIVER}
processors:
  # Basic style: one group per signal, its context inferred by the collector over all
  # its statements (span, data point, log).
  transform/basic:
    error_mode: ignore
    trace_statements:
      - set(span.attributes["environment"], resource.attributes["deployment.environment"])
      - set(resource.attributes["deployment.environment"], "staging") where resource.attributes["deployment.environment"] == "test"
      - delete_key(resource.attributes, "user.email")
      - set(span.attributes["http.route"], span.attributes["http.target"]) where span.attributes["http.route"] == nil and span.attributes["http.target"] != nil
      - replace_pattern(span.attributes["http.url"], "\\?.*$", "?redacted")
      - set(span.status.code, STATUS_CODE_ERROR) where span.attributes["http.response.status_code"] >= 500
      - set(span.attributes["duration_ms"], (span.end_time_unix_nano - span.start_time_unix_nano) / 1000000)
    metric_statements:
      - set(metric.description, "Duration of HTTP server requests") where metric.name == "http.server.request.duration"
      - set(datapoint.attributes["service"], resource.attributes["service.name"])
    log_statements:
      - merge_maps(log.attributes, ParseJSON(log.body), "upsert") where IsMatch(log.body, "^\\{")
      - set(log.severity_text, "ERROR") where log.severity_number >= SEVERITY_NUMBER_ERROR
      - replace_all_patterns(log.attributes, "value", "\\d{4}-\\d{4}-\\d{4}-\\d{4}", "****")
  # Advanced style: groups with their own contexts, error modes and conditions.
  transform/advanced:
    error_mode: propagate
    trace_statements:
      - context: resource
        statements:
          - set(attributes["team"], "inventory") where attributes["service.name"] == "checkout"
      - context: span
        error_mode: ignore
        conditions:
          - kind == SPAN_KIND_SERVER
        statements:
          - set(attributes["server"], true) where attributes["http.request.method"] != nil
          - delete_key(attributes, "internal.debug.info")
      - context: spanevent
        statements:
          - set(attributes["event.span"], span.name)
    metric_statements:
      - context: metric
        statements:
          - set(unit, "s") where name == "http.server.request.duration" and unit == ""
          - convert_sum_to_gauge() where name == "process.runtime.go.goroutines"
      - context: datapoint
        error_mode: silent
        conditions:
          - metric.type == METRIC_DATA_TYPE_HISTOGRAM
        statements:
          - set(attributes["buckets"], Len(bucket_counts))
    log_statements:
      - context: scope
        statements:
          - set(attributes["audited"], true) where name == "audit"
      - context: log
        error_mode: ignore
        statements:
          - set(attributes["level"], ConvertCase(severity_text, "lower")) where severity_text != ""
          - set(attributes["body.length"], Len(body))
      - context: log
        statements:
          - set(attributes["parsed"], ParseJSON(attributes["json"])) where attributes["json"] != nil
  filter/lists:
    error_mode: ignore
    traces:
      resource:
        - attributes["service.name"] == "batch-export"
      span:
        - attributes["http.target"] == "/health"
      spanevent:
        - name == "debug"
    metrics:
      resource:
        - attributes["service.name"] == "canary"
      metric:
        - name == "process.runtime.go.gc.count"
      datapoint:
        - attributes["state"] == "idle"
    logs:
      resource:
        - attributes["service.name"] == "web"
      log_record:
        - severity_number < SEVERITY_NUMBER_INFO and severity_number != SEVERITY_NUMBER_UNSPECIFIED
        - IsMatch(body, "healthcheck")
  filter/conditions:
    trace_conditions:
      - context: span
        conditions:
          - attributes["sampled"] == false
    metric_conditions:
      - datapoint.value_int < 0
    log_conditions:
      - log.attributes["level"] == "trace"
exporters:
  file/traces:
    path: {TRACES_FILE}
  file/metrics:
    path: {METRICS_FILE}
  file/logs:
    path: {LOGS_FILE}
service:
  telemetry:
    metrics:
      level: none
  pipelines:
    traces:
      receivers: [otlp]
      processors: [transform/basic, transform/advanced, filter/lists, filter/conditions]
      exporters: [file/traces]
    metrics:
      receivers: [otlp]
      processors: [transform/basic, transform/advanced, filter/lists, filter/conditions]
      exporters: [file/metrics]
    logs:
      receivers: [otlp]
      processors: [transform/basic, transform/advanced, filter/lists, filter/conditions]
      exporters: [file/logs]
"#;

/// The inputs, each posted once to each peer: (file under `inputs/`, signal).
const INPUTS: &[(&str, &str)] =
    &[("traces.json", "traces"), ("metrics.json", "metrics"), ("logs.json", "logs"), ("logs-propagate-error.json", "logs")];

/// Every item on which the agent and the collector disagree today: (signal, item label as
/// `outputs::label` makes it, why).
// Empty since transform and filter groups compile as the collector builds them (one
// context per group, `conditions` as a guard, each group on its own list's signal): every
// difference this config showed before came from compiling each string on its own.
const KNOWN_DIFFERENCES: &[(&str, &str, &str)] = &[];

fn config(receiver: u16, out: &ScratchDir) -> String {
    CONFIG
        .replace("{RECEIVER}", &receiver.to_string())
        .replace("{TRACES_FILE}", &out.file("traces.jsonl"))
        .replace("{METRICS_FILE}", &out.file("metrics.jsonl"))
        .replace("{LOGS_FILE}", &out.file("logs.jsonl"))
}

fn input(name: &str) -> serde_json::Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peers/inputs").join(name);
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

#[test]
fn one_config_gives_the_same_output_in_the_agent_and_in_the_collector() {
    if !collector::available() {
        return;
    }
    let (agent_out, collector_out) = (ScratchDir::new("side-agent").unwrap(), ScratchDir::new("side-collector").unwrap());
    let (agent_port, collector_port) = (collector::free_port().unwrap(), collector::free_port().unwrap());
    let agent = agent_process::start(&config(agent_port, &agent_out), &[agent_port]).unwrap();
    let reference = Collector::start(&config(collector_port, &collector_out)).unwrap();

    let mut statuses = Vec::new();
    for (name, signal) in INPUTS {
        let payload = input(name);
        let agent_status = collector::post_otlp_json(&format!("http://127.0.0.1:{agent_port}/v1/{signal}"), &payload).unwrap();
        let collector_status =
            collector::post_otlp_json(&format!("http://127.0.0.1:{collector_port}/v1/{signal}"), &payload).unwrap();
        statuses.push((name, agent_status, collector_status));
    }
    // A `propagate` error refuses the request in both (503), everything else is accepted.
    let differing: Vec<_> = statuses.iter().filter(|(_, ours, theirs)| ours != theirs).collect();
    let collector_log = reference.log();
    assert!(reference.shutdown().unwrap().success(), "{collector_log}");
    let (status, agent_log) = agent.shutdown().unwrap();
    assert!(status.success(), "{agent_log}");
    println!("statuses (input, agent, collector): {statuses:?}");
    assert!(differing.is_empty(), "the agent and the collector answer differently: {differing:?}\n\nagent log:\n{agent_log}");

    let mut unexpected = Vec::new();
    let mut seen = Vec::new();
    for signal in ["traces", "metrics", "logs"] {
        let file = format!("{signal}.jsonl");
        let ours = outputs::read_merged(&agent_out.path().join(&file)).unwrap();
        let theirs = outputs::read_merged(&collector_out.path().join(&file)).unwrap();
        let (Some(ours), Some(theirs)) = (ours, theirs) else { panic!("{signal}: no output from one side") };
        for difference in outputs::differences("agent", &ours, "collector", &theirs) {
            match KNOWN_DIFFERENCES.iter().find(|(s, label, _)| *s == signal && *label == difference.label) {
                Some(known) => seen.push(known),
                None => unexpected.push(format!("{signal} {}: {}", difference.label, difference.description)),
            }
        }
    }
    let gone: Vec<String> = KNOWN_DIFFERENCES
        .iter()
        .filter(|known| !seen.contains(known))
        .map(|(signal, label, _)| format!("{signal} {label}"))
        .collect();
    assert!(
        unexpected.is_empty() && gone.is_empty(),
        "differences not in KNOWN_DIFFERENCES:\n{}\n\nknown differences that no longer occur (remove them): {gone:?}\n\nagent log:\n{agent_log}",
        unexpected.join("\n")
    );
}
