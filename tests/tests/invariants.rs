//! Invariant work once per resource or scope: an expression reading only resource or scope
//! fields is remembered for the items that share them, and gives on both back ends what it
//! gives computed afresh on every item: a rule writing what it reads is seen by the next
//! read, each resource and scope has its own value, and a failure fails every item.

use ottl_compiler::interp;
use ottl_compiler::program::{ErrorMode, RuleSet};
use ottl_compiler::schema::Context;
use ottl_jit as jit;
use ottl_runtime::otlp::Telemetry;
use ottl_tests::rules::compile;
use serde_json::{Value as Json, json};

/// The rules, compiled with memos for their invariant expressions (at least `memos`).
fn rules(text: &str, memos: usize, error_mode: ErrorMode) -> RuleSet {
    let rule_set = compile(text, Some(Context::Log), &[], error_mode)
        .unwrap_or_else(|d| panic!("{text}: {:?}", d.iter().map(|d| &d.message).collect::<Vec<_>>()));
    assert!(rule_set.memos.per_scope.len() >= memos, "{text}: expected memos, got {:?}", rule_set.memos);
    rule_set
}

/// The output and the warnings of both back ends, which must agree.
fn run(rule_set: &RuleSet, input: Json) -> (Json, Vec<String>) {
    let telemetry = Telemetry::from_json(&input.to_string()).expect("valid OTLP JSON");
    let mut interpreted_warnings = Vec::new();
    let interpreted = interp::run(rule_set, telemetry.clone(), &mut |w| interpreted_warnings.push(w)).expect("runs");
    let program = jit::compile(rule_set).expect("the JIT compiles the rules");
    let mut compiled_warnings = Vec::new();
    let compiled = program.run(telemetry, &mut |w| compiled_warnings.push(w)).expect("runs compiled");
    let (interpreted, compiled) = (interpreted.default.to_json(), compiled.default.to_json());
    assert_eq!(compiled, interpreted, "the JIT and the interpreter differ");
    assert_eq!(compiled_warnings, interpreted_warnings, "the JIT and the interpreter warn differently");
    (compiled, compiled_warnings)
}

fn string(s: &str) -> Json {
    json!({ "stringValue": s })
}

fn attr(key: &str, value: &str) -> Json {
    json!({ "key": key, "value": string(value) })
}

/// Logs under resources with attribute `r` and scopes named as given: `[(r, [(scope, logs)])]`.
fn logs(resources: &[(&str, &[(&str, usize)])]) -> Json {
    let resource_logs: Vec<Json> = resources
        .iter()
        .map(|(r, scopes)| {
            let scope_logs: Vec<Json> = scopes
                .iter()
                .map(|(name, count)| json!({"scope": {"name": name}, "logRecords": vec![json!({"body": string("b")}); *count]}))
                .collect();
            json!({"resource": {"attributes": [attr("r", r)]}, "scopeLogs": scope_logs})
        })
        .collect();
    json!({ "resourceLogs": resource_logs })
}

/// Attribute `key` of every log, in order.
fn log_attribute(out: &Json, key: &str) -> Vec<String> {
    let mut values = Vec::new();
    for resource in out["resourceLogs"].as_array().into_iter().flatten() {
        for scope in resource["scopeLogs"].as_array().into_iter().flatten() {
            for log in scope["logRecords"].as_array().into_iter().flatten() {
                let found = log["attributes"].as_array().into_iter().flatten().find(|a| a["key"] == key);
                values.push(found.and_then(|a| a["value"]["stringValue"].as_str()).unwrap_or("<none>").to_string());
            }
        }
    }
    values
}

#[test]
fn a_rule_writing_what_an_invariant_reads_is_seen_by_the_next_read() {
    let text = [
        r#"set(log.attributes["before"], Concat([resource.attributes["r"], "!"], ""))"#,
        r#"set(resource.attributes["r"], Concat([resource.attributes["r"], "+"], ""))"#,
        r#"set(log.attributes["after"], Concat([resource.attributes["r"], "!"], ""))"#,
    ]
    .join("\n");
    let (out, _) = run(&rules(&text, 3, ErrorMode::Propagate), logs(&[("a", &[("s", 3)])]));
    assert_eq!(log_attribute(&out, "before"), ["a!", "a+!", "a++!"]);
    assert_eq!(log_attribute(&out, "after"), ["a+!", "a++!", "a+++!"]);
}

#[test]
fn the_seeds_hash_of_a_resource_attribute_it_replaces_hashes_again_on_every_span() {
    let text = r#"resource.attributes["r"] != nil > set(resource.attributes["r"], SHA256(resource.attributes["r"]))"#;
    let rule_set = compile(text, Some(Context::Log), &[], ErrorMode::Propagate).expect("compiles");
    let (out, _) = run(&rule_set, logs(&[("a", &[("s", 2)])]));
    // SHA256(SHA256("a")): the second log hashes what the first one wrote.
    let twice = "da3811154d59c4267077ddd8bb768fa9b06399c486e1fc00485116b57c9872f5";
    assert_eq!(out["resourceLogs"][0]["resource"]["attributes"][0]["value"]["stringValue"], twice);
}

#[test]
fn each_resource_and_each_scope_has_its_own_value() {
    let text = [
        r#"set(log.attributes["h"], Concat([resource.attributes["r"], "-h"], ""))"#,
        r#"set(log.attributes["s"], Concat([resource.attributes["r"], instrumentation_scope.name], "/"))"#,
    ]
    .join("\n");
    let input = logs(&[("a", &[("x", 2), ("y", 1)]), ("b", &[("x", 2)])]);
    let (out, _) = run(&rules(&text, 2, ErrorMode::Propagate), input);
    assert_eq!(log_attribute(&out, "h"), ["a-h", "a-h", "a-h", "b-h", "b-h"]);
    assert_eq!(log_attribute(&out, "s"), ["a/x", "a/x", "a/y", "b/x", "b/x"]);
}

#[test]
fn a_failing_invariant_fails_on_every_item() {
    let text = r#"set(log.attributes["parsed"], ParseJSON(resource.attributes["r"]))"#;
    let (out, warnings) = run(&rules(text, 1, ErrorMode::Ignore), logs(&[("not json", &[("s", 3)])]));
    assert_eq!(log_attribute(&out, "parsed"), ["<none>", "<none>", "<none>"]);
    assert_eq!(warnings.len(), 3, "{warnings:?}");
    assert!(warnings.iter().all(|w| w.starts_with("failed to execute statement: set(log.attributes")), "{warnings:?}");
}
