//! A collector config's transform and filter groups, compiled by `analyze` and run as the
//! collector runs a processor: its groups of the payload's signal one after the other, by
//! index, each on what the one before passed on. Every case runs on both back ends, which
//! must give the outputs and warnings the collector's processors give (guards, error
//! modes, basic-style groups, filter groups over several contexts).

use ottl_compiler::interp;
use ottl_compiler::program::RuleSet;
use ottl_compiler::source::{SourceFile, SourceKind};
use ottl_compiler::{AnalysisOptions, analyze};
use ottl_jit as jit;
use ottl_runtime::otlp::Telemetry;
use serde_json::{Value as Json, json};

#[derive(Clone, Copy, Debug)]
enum Backend {
    Interp,
    Jit,
}

/// What a processor made of a payload: what it passed on and the warnings it logged, or
/// the error that failed the payload.
#[derive(Debug, PartialEq)]
enum Outcome {
    Passed { output: Json, warnings: Vec<String> },
    Failed(String),
}

/// The rule sets of `component` in `yaml` for `input`'s signal, in the order it runs them.
fn groups_of(yaml: &str, component: &str, input: &Telemetry) -> Vec<RuleSet> {
    let file = SourceFile::new("config.yaml", yaml, SourceKind::CollectorYaml);
    let analysis = analyze(&file, &AnalysisOptions::default());
    assert!(!analysis.has_errors(), "{:?}", analysis.diagnostics);
    let mut sets: Vec<_> = analysis
        .rule_sets
        .into_iter()
        .filter(|c| c.component.as_deref() == Some(component))
        .filter_map(|c| c.group.filter(|g| g.signal == input.signal()).map(|g| (g.index, c.rule_set)))
        .collect();
    // Stable: the sets of one filter group keep their order (outer contexts first).
    sets.sort_by_key(|(index, _)| *index);
    sets.into_iter().map(|(_, set)| set).collect()
}

fn run(backend: Backend, yaml: &str, component: &str, input: &Json) -> Outcome {
    let mut telemetry = Telemetry::from_json(&input.to_string()).expect("an OTLP input");
    let mut warnings = Vec::new();
    for rules in groups_of(yaml, component, &telemetry) {
        let mut warn = |w: String| warnings.push(w);
        let ran = match backend {
            Backend::Interp => interp::run(&rules, telemetry, &mut warn),
            Backend::Jit => jit::compile(&rules).and_then(|program| program.run(telemetry, &mut warn)),
        };
        telemetry = match ran {
            Ok(outputs) => outputs.default,
            Err(error) => return Outcome::Failed(error.to_string()),
        };
    }
    Outcome::Passed { output: telemetry.to_json(), warnings }
}

/// Runs on both back ends, which must agree; the outcome.
fn outcome(yaml: &str, component: &str, input: &Json) -> Outcome {
    let interp = run(Backend::Interp, yaml, component, input);
    let jit = run(Backend::Jit, yaml, component, input);
    assert_eq!(interp, jit, "the back ends disagree on\n{yaml}");
    interp
}

fn logs(records: &[Json]) -> Json {
    json!({"resourceLogs": [{"resource": {"attributes": [{"key": "host", "value": {"stringValue": "h"}}]},
        "scopeLogs": [{"scope": {"name": "s"}, "logRecords": records}]}]})
}

fn record(body: &str, severity: i64) -> Json {
    json!({"body": {"stringValue": body}, "severityNumber": severity})
}

/// Each log record's attribute `key` (`Null` when absent).
fn attribute_of_each(output: &Json, key: &str) -> Vec<Json> {
    let records = output["resourceLogs"][0]["scopeLogs"][0]["logRecords"].as_array().cloned().unwrap_or_default();
    records
        .iter()
        .map(|r| {
            let attributes = r["attributes"].as_array().cloned().unwrap_or_default();
            attributes.iter().find(|kv| kv["key"] == key).map_or(Json::Null, |kv| kv["value"].clone())
        })
        .collect()
}

fn passed(outcome: Outcome) -> (Json, Vec<String>) {
    match outcome {
        Outcome::Passed { output, warnings } => (output, warnings),
        Outcome::Failed(error) => panic!("the payload failed: {error}"),
    }
}

#[test]
fn statements_run_only_on_the_items_a_guard_condition_holds_for() {
    let yaml = r#"
processors:
  transform:
    log_statements:
      - context: log
        conditions:
          - severity_number >= 17
          - attributes["force"] == true
        statements:
          - set(attributes["alert"], true)
          - set(body, Concat(["!", body], ""))
"#;
    let mut forced = record("c", 9);
    forced["attributes"] = json!([{"key": "force", "value": {"boolValue": true}}]);
    let (output, warnings) = passed(outcome(yaml, "processors/transform", &logs(&[record("a", 9), record("b", 17), forced])));
    assert_eq!(attribute_of_each(&output, "alert"), [Json::Null, json!({"boolValue": true}), json!({"boolValue": true})]);
    let bodies: Vec<&Json> =
        output["resourceLogs"][0]["scopeLogs"][0]["logRecords"].as_array().unwrap().iter().map(|r| &r["body"]).collect();
    assert_eq!(bodies, [&json!({"stringValue": "a"}), &json!({"stringValue": "!b"}), &json!({"stringValue": "!c"})]);
    assert!(warnings.is_empty(), "{warnings:?}");
}

/// `Int(body)` fails on a body that is no number, as in the collector.
fn guarded_by_a_failing_condition(error_mode: &str) -> String {
    format!(
        r#"
processors:
  transform:
    log_statements:
      - context: log
        error_mode: {error_mode}
        conditions:
          - Int(body) > 3
          - severity_number > 10
        statements:
          - set(attributes["ran"], true)
"#
    )
}

#[test]
fn a_failing_guard_condition_fails_the_payload_under_propagate() {
    let input = logs(&[record("7", 1), record("x", 1)]);
    let outcome = outcome(&guarded_by_a_failing_condition("propagate"), "processors/transform", &input);
    let Outcome::Failed(error) = outcome else { panic!("the payload passed: {outcome:?}") };
    assert!(error.starts_with("failed to eval condition: Int(body) > 3, "), "{error}");
}

#[test]
fn a_failing_guard_condition_is_skipped_under_ignore_and_silent_and_only_ignore_logs_it() {
    let input = logs(&[record("7", 1), record("x", 1), record("y", 12)]);
    let ran = [json!({"boolValue": true}), Json::Null, json!({"boolValue": true})];
    let (output, warnings) = passed(outcome(&guarded_by_a_failing_condition("ignore"), "processors/transform", &input));
    assert_eq!(attribute_of_each(&output, "ran"), ran);
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(warnings.iter().all(|w| w.starts_with("failed to eval condition: Int(body) > 3, ")), "{warnings:?}");
    let (output, warnings) = passed(outcome(&guarded_by_a_failing_condition("silent"), "processors/transform", &input));
    assert_eq!(attribute_of_each(&output, "ran"), ran);
    assert!(warnings.is_empty(), "{warnings:?}");
}

#[test]
fn basic_statements_run_together_on_each_item_of_the_context_inferred_from_all_of_them() {
    // The resource write runs once per log record, before the record's own statement.
    let yaml = r#"
processors:
  transform:
    log_statements:
      - set(resource.attributes["last"], log.body)
      - set(log.attributes["seen"], resource.attributes["last"])
"#;
    let (output, _) = passed(outcome(yaml, "processors/transform", &logs(&[record("a", 1), record("b", 1)])));
    assert_eq!(attribute_of_each(&output, "seen"), [json!({"stringValue": "a"}), json!({"stringValue": "b"})]);
    let resource = &output["resourceLogs"][0]["resource"]["attributes"];
    assert!(resource.as_array().unwrap().contains(&json!({"key": "last", "value": {"stringValue": "b"}})), "{resource}");
}

#[test]
fn groups_run_in_order_each_on_what_the_one_before_left() {
    let yaml = r#"
processors:
  transform:
    error_mode: propagate
    log_statements:
      - context: log
        statements:
          - set(attributes["n"], 1)
      - context: log
        conditions:
          - attributes["n"] == 1
        statements:
          - set(attributes["n"], attributes["n"] + 1)
      - set(log.attributes["n"], log.attributes["n"] * 10)
"#;
    let (output, _) = passed(outcome(yaml, "processors/transform", &logs(&[record("a", 1)])));
    assert_eq!(attribute_of_each(&output, "n"), [json!({"intValue": "20"})]);
}

#[test]
fn a_filter_group_drops_what_any_of_its_contexts_matches() {
    let yaml = r#"
processors:
  filter:
    log_conditions:
      - resource.attributes["host"] == "gone"
      - log.severity_number < 5
      - log.body == "noise"
"#;
    let input = logs(&[record("keep", 9), record("low", 1), record("noise", 9)]);
    let (output, _) = passed(outcome(yaml, "processors/filter", &input));
    let bodies: Vec<&Json> =
        output["resourceLogs"][0]["scopeLogs"][0]["logRecords"].as_array().unwrap().iter().map(|r| &r["body"]).collect();
    assert_eq!(bodies, [&json!({"stringValue": "keep"})]);
    let gone = yaml.replace("== \"gone\"", "== \"h\"");
    let (output, _) = passed(outcome(&gone, "processors/filter", &input));
    assert_eq!(output, json!({"resourceLogs": []}));
}

/// The golden config of group inference: per component, ottlc accepts what the collector
/// (`ottl-ref check`, v0.161.0) accepts, and refuses the rest in the collector's words.
/// Needs Go.
#[test]
fn group_inference_is_the_collectors() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/golden/yaml/E0121-group-inference.yaml");
    let yaml = std::fs::read_to_string(path).expect("the golden config");
    let ours = ottl_tests::realworld::check_config("E0121-group-inference.yaml", &yaml);
    let theirs = ottl_tests::reference::check_config("E0121-group-inference.yaml", &yaml).expect("ottl-ref check runs");
    assert_eq!(theirs.components.len(), 4);
    for (component, verdict) in &theirs.components {
        let ours = ours.get(component).unwrap_or_else(|| panic!("ottlc has no {component}"));
        match verdict {
            Ok(()) => assert!(ours.accepted(), "{component}: {:?}", ours.errors),
            Err(why) => {
                let [error] = &ours.errors[..] else { panic!("{component}: one error expected, not {:?}", ours.errors) };
                let words = error.split_once(": ").map_or(error.as_str(), |(_, m)| m);
                let words = words.split(", possibly").next().unwrap_or(words);
                assert!(why.contains(words), "{component}:\n  ottlc:     {error}\n  collector: {why}");
            }
        }
    }
}
