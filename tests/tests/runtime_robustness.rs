//! Bad OTLP and wrong types never panic: random attribute values of every type go through
//! statements that read, convert, index and write them; hostile payloads give clear errors.

use ottl_compiler::interp;
use ottl_compiler::program::ErrorMode;
use ottl_jit as jit;
use ottl_runtime::otlp::Telemetry;
use ottl_tests::rules::compile;
use proptest::prelude::*;
use serde_json::{Value as Json, json};

/// Statements whose arguments are whatever the attributes hold.
const RULES: &str = r#"set(log.attributes["len"], Len(log.attributes["a"]))
set(log.attributes["int"], Int(log.attributes["b"]))
set(log.attributes["sum"], log.attributes["a"] + log.attributes["b"])
set(log.attributes["div"], log.attributes["a"] / log.attributes["b"])
set(log.attributes["idx"], log.attributes["a"][0])
set(log.attributes["key"], log.attributes["a"]["k"])
set(log.attributes[log.attributes["b"]], 1)
set(log.attributes["c"][3]["x"], log.body)
set(log.attributes["s"], String(log.attributes["a"]))
set(log.attributes["concat"], Concat([log.attributes["a"], log.attributes["b"]], "-"))
set(log.attributes["json"], ParseJSON(log.attributes["a"]))
set(log.attributes["split"], Split(log.attributes["a"], ","))
set(log.attributes["sub"], Substring(log.attributes["a"], 1, 2))
set(log.attributes["hash"], SHA256(log.attributes["a"]))
set(log.attributes["time"], Time(log.attributes["a"], "%Y-%m-%d"))
set(log.attributes["dur"], Duration(log.attributes["a"]))
set(log.attributes["kv"], ParseKeyValue(log.attributes["a"]))
merge_maps(log.attributes, log.attributes["a"], "upsert")
flatten(log.attributes)
replace_pattern(log.attributes["a"], "[0-9]+", "n")
replace_all_matches(log.attributes, "*a*", "b")
delete_index(log.attributes["a"], 0, 2)
append(log.attributes["a"], values = [1, "x"])
truncate_all(log.attributes, 3)
limit(log.attributes, 4, [])
stringify_all(log.attributes)
set(log.body, log.attributes)
set(log.severity_number, log.attributes["b"])
set(log.time, log.attributes["time"])
keep_matching_keys(log.attributes, "^[a-z]")
"#;

fn any_value() -> impl Strategy<Value = Json> {
    let leaf = prop_oneof![
        "[a-z0-9,={}\\[\\]\":-]{0,12}".prop_map(|s| json!({"stringValue": s})),
        any::<i64>().prop_map(|i| json!({"intValue": i.to_string()})),
        prop_oneof![any::<f64>().prop_filter("finite", |f| f.is_finite()), Just(0.0)].prop_map(|f| json!({"doubleValue": f})),
        any::<bool>().prop_map(|b| json!({"boolValue": b})),
        "([A-Za-z0-9]{4}){0,2}".prop_map(|b64| json!({"bytesValue": b64})),
        Just(json!({})),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|values| json!({"arrayValue": {"values": values}})),
            prop::collection::vec(("[a-c]", inner), 0..4).prop_map(|entries| {
                let values: Vec<Json> = entries.into_iter().map(|(k, v)| json!({"key": k, "value": v})).collect();
                json!({"kvlistValue": {"values": values}})
            }),
        ]
    })
}

fn payload(a: Json, b: Json, body: Json) -> String {
    json!({"resourceLogs": [{"scopeLogs": [{"logRecords": [{
        "body": body,
        "attributes": [{"key": "a", "value": a}, {"key": "b", "value": b}],
    }]}]}]})
    .to_string()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn wrong_types_are_errors_not_panics(a in any_value(), b in any_value(), body in any_value()) {
        let input = payload(a, b, body);
        let telemetry = Telemetry::from_json(&input).expect("generated payloads are valid OTLP");
        for mode in [ErrorMode::Ignore, ErrorMode::Propagate] {
            let rules = compile(RULES, None, &[], mode).expect("rules compile");
            let interpreted = interp::run(&rules, telemetry.clone(), &mut |_| {});
            // The compiled rules meet the same values through the helpers: no panic either,
            // and the same outcome.
            let compiled = jit::compile(&rules).expect("the JIT compiles the rules").run(telemetry.clone(), &mut |_| {});
            let outcome = |run: &ottl_runtime::Result<ottl_runtime::exec::Outputs>| {
                run.as_ref().map(|o| o.default.to_json()).map_err(|e| e.to_string())
            };
            prop_assert_eq!(outcome(&interpreted), outcome(&compiled));
        }
    }
}

#[test]
fn hostile_payloads_are_clear_errors() {
    let mut nested = json!({"intValue": "1"});
    for _ in 0..200 {
        nested = json!({"kvlistValue": {"values": [{"key": "k", "value": nested}]}});
    }
    let cases = [
        ("not JSON", "{".to_string()),
        (
            "wrong type",
            r#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"attributes":[{"key":"a","value":{"intValue":"twelve"}}]}]}]}]}"#
                .to_string(),
        ),
        ("bad id", r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"xyz"}]}]}]}"#.to_string()),
        ("too deep", payload(nested, json!({}), json!({}))),
    ];
    for (what, text) in cases {
        let error = Telemetry::from_json(&text).expect_err(what);
        assert!(!error.is_empty(), "{what}");
    }
}

#[test]
fn a_huge_map_is_processed() {
    let attributes: Vec<Json> =
        (0..50_000).map(|i| json!({"key": format!("k{i}"), "value": {"intValue": i.to_string()}})).collect();
    let input = json!({"resourceLogs": [{"scopeLogs": [{"logRecords": [{"attributes": attributes}]}]}]}).to_string();
    let telemetry = Telemetry::from_json(&input).expect("valid");
    let rules = compile(
        "set(log.attributes[\"k49999\"], \"last\")\ndelete_matching_keys(log.attributes, \"^k[0-8]\")\nflatten(log.attributes)\n",
        None,
        &[],
        ErrorMode::Propagate,
    )
    .expect("compiles");
    let out = interp::run(&rules, telemetry.clone(), &mut |_| {}).expect("runs").default.to_json();
    let compiled = jit::compile(&rules).expect("compiles").run(telemetry, &mut |_| {}).expect("runs compiled");
    assert_eq!(compiled.default.to_json(), out, "the JIT and the interpreter differ on a huge map");
    let kept = out["resourceLogs"][0]["scopeLogs"][0]["logRecords"][0]["attributes"].as_array().map_or(0, Vec::len);
    assert_eq!(kept, 1 + 10 + 100 + 1_000, "only the keys k9, k9x, k9xx and k9xxx survive");
}
