//! Execution over the resource → scope → item hierarchy in every context: each rule runs
//! once per item of its context, reaches the items above it, and `drop()` removes exactly
//! the items it matched; on both back ends.

use ottl_compiler::interp;
use ottl_compiler::program::ErrorMode;
use ottl_compiler::schema::Context;
use ottl_jit as jit;
use ottl_runtime::otlp::Telemetry;
use ottl_tests::rules::compile;
use serde_json::{Value as Json, json};

fn run(rules: &str, context: Context, input: Json) -> Json {
    let telemetry = Telemetry::from_json(&input.to_string()).expect("valid OTLP JSON");
    let rule_set = compile(rules, Some(context), &[], ErrorMode::Propagate)
        .unwrap_or_else(|d| panic!("{rules}: {:?}", d.iter().map(|d| &d.message).collect::<Vec<_>>()));
    let interpreted = interp::run(&rule_set, telemetry.clone(), &mut |w| panic!("{w}")).expect("runs").default.to_json();
    let program = jit::compile(&rule_set).expect("the JIT compiles the rules");
    let compiled = program.run(telemetry, &mut |w| panic!("{w}")).expect("runs compiled").default.to_json();
    assert_eq!(compiled, interpreted, "{context} context: the JIT and the interpreter differ on {rules}");
    compiled
}

fn string(s: &str) -> Json {
    json!({ "stringValue": s })
}

fn attr(key: &str, value: Json) -> Json {
    json!({ "key": key, "value": value })
}

fn spans() -> Json {
    json!({"resourceSpans": [{"resource": {"attributes": [attr("service.name", string("svc"))]}, "scopeSpans": [{"scope": {"name": "lib"}, "spans": [{
        "name": "s", "traceId": "0102030405060708090a0b0c0d0e0f10", "spanId": "0102030405060708",
        "events": [{"name": "e1"}, {"name": "e2"}],
        "links": [{"traceId": "0102030405060708090a0b0c0d0e0f11", "spanId": "0102030405060709"}],
    }]}]}]})
}

#[test]
fn span_events_and_links_run_once_each_and_see_their_span() {
    let out = run(r#"set(spanevent.attributes["from"], Concat([span.name, spanevent.name], "/"))"#, Context::SpanEvent, spans());
    let events = &out["resourceSpans"][0]["scopeSpans"][0]["spans"][0]["events"];
    assert_eq!(events[0]["attributes"], json!([attr("from", string("s/e1"))]));
    assert_eq!(events[1]["attributes"], json!([attr("from", string("s/e2"))]));

    let out = run(r#"spanevent.name == "e1" > drop()"#, Context::SpanEvent, spans());
    let span = &out["resourceSpans"][0]["scopeSpans"][0]["spans"][0];
    assert_eq!(span["events"], json!([{"name": "e2"}]));
    let out = run(r#"true > drop()"#, Context::SpanEvent, spans());
    assert_eq!(out["resourceSpans"][0]["scopeSpans"][0]["spans"][0]["name"], "s", "a span whose events all go stays");

    let out = run(r#"set(spanlink.attributes["service"], resource.attributes["service.name"])"#, Context::SpanLink, spans());
    let link = &out["resourceSpans"][0]["scopeSpans"][0]["spans"][0]["links"][0];
    assert_eq!(link["attributes"], json!([attr("service", string("svc"))]));
    assert_eq!(link["spanId"], "0102030405060709");
}

fn metrics() -> Json {
    let point = |v: i64| json!({"asInt": v.to_string(), "attributes": [attr("k", string("v"))]});
    json!({"resourceMetrics": [{"resource": {}, "scopeMetrics": [{"scope": {"name": "lib"}, "metrics": [
        {"name": "gauge", "gauge": {"dataPoints": [point(1), point(2)]}},
        {"name": "sum", "sum": {"dataPoints": [point(3)], "aggregationTemporality": 2, "isMonotonic": true}},
        {"name": "histogram", "histogram": {"dataPoints": [{"count": "2", "sum": 3.0, "bucketCounts": ["1", "1"], "explicitBounds": [1.0]}], "aggregationTemporality": 1}},
        {"name": "summary", "summary": {"dataPoints": [{"count": "1", "sum": 2.0, "quantileValues": [{"quantile": 0.5, "value": 2.0}]}]}},
        {"name": "exponential", "exponentialHistogram": {"dataPoints": [{"count": "1", "scale": 2, "positive": {"offset": 1, "bucketCounts": ["1"]}}], "aggregationTemporality": 2}},
    ]}]}]})
}

fn metric_names(out: &Json) -> Vec<String> {
    out["resourceMetrics"][0]["scopeMetrics"][0]["metrics"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|m| m["name"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn metrics_and_every_data_point_type() {
    let out = run(r#"set(metric.description, Concat(["type", String(metric.type)], " "))"#, Context::Metric, metrics());
    let descriptions: Vec<&str> = out["resourceMetrics"][0]["scopeMetrics"][0]["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["description"].as_str().unwrap())
        .collect();
    assert_eq!(descriptions, ["type 1", "type 2", "type 3", "type 5", "type 4"]);

    let out = run(r#"set(datapoint.attributes["metric"], metric.name)"#, Context::DataPoint, metrics());
    let metrics = out["resourceMetrics"][0]["scopeMetrics"][0]["metrics"].as_array().unwrap().clone();
    assert_eq!(metrics[0]["gauge"]["dataPoints"][1]["attributes"][1], attr("metric", string("gauge")));
    assert_eq!(metrics[2]["histogram"]["dataPoints"][0]["attributes"][0], attr("metric", string("histogram")));
    assert_eq!(metrics[3]["summary"]["dataPoints"][0]["attributes"][0], attr("metric", string("summary")));
    assert_eq!(metrics[4]["exponentialHistogram"]["dataPoints"][0]["attributes"][0], attr("metric", string("exponential")));

    let out =
        run(r#"set(datapoint.count, datapoint.count + 10) where datapoint.count != nil"#, Context::DataPoint, self::metrics());
    assert_eq!(out["resourceMetrics"][0]["scopeMetrics"][0]["metrics"][2]["histogram"]["dataPoints"][0]["count"], "12");

    let out = run(r#"metric.name == "sum" > drop()"#, Context::Metric, self::metrics());
    assert_eq!(metric_names(&out), ["gauge", "histogram", "summary", "exponential"]);
    let out = run(r#"metric.name == "gauge" and datapoint.value_int == 1 > drop()"#, Context::DataPoint, self::metrics());
    assert_eq!(out["resourceMetrics"][0]["scopeMetrics"][0]["metrics"][0]["gauge"]["dataPoints"].as_array().unwrap().len(), 1);
    let out = run(r#"metric.name == "gauge" > drop()"#, Context::DataPoint, self::metrics());
    assert_eq!(metric_names(&out), ["sum", "histogram", "summary", "exponential"], "a metric whose points all go goes too");
}

#[test]
fn metric_functions_that_add_metrics_are_seen_by_later_statements() {
    let rules = "extract_count_metric(true) where metric.name == \"histogram\"\nset(metric.unit, \"1\") where metric.name == \"histogram_count\"\n";
    let out = run(rules, Context::Metric, metrics());
    assert_eq!(metric_names(&out), ["gauge", "sum", "histogram", "summary", "exponential", "histogram_count"]);
    assert_eq!(out["resourceMetrics"][0]["scopeMetrics"][0]["metrics"][5]["unit"], "1");
}

#[test]
fn logs_resources_and_scopes() {
    let logs = json!({"resourceLogs": [
        {"resource": {"attributes": [attr("env", string("prod"))]}, "scopeLogs": [{"scope": {"name": "a"}, "logRecords": [{"body": string("x")}, {"body": string("y")}]}]},
        {"resource": {"attributes": [attr("env", string("dev"))]}, "scopeLogs": [{"scope": {"name": "b"}, "logRecords": [{"body": string("z")}]}]},
    ]});
    let out = run(r#"set(log.attributes["env"], resource.attributes["env"]) where log.body != "y""#, Context::Log, logs.clone());
    assert_eq!(out["resourceLogs"][0]["scopeLogs"][0]["logRecords"][0]["attributes"], json!([attr("env", string("prod"))]));
    assert_eq!(out["resourceLogs"][0]["scopeLogs"][0]["logRecords"][1].get("attributes"), None);
    assert_eq!(out["resourceLogs"][1]["scopeLogs"][0]["logRecords"][0]["attributes"], json!([attr("env", string("dev"))]));

    let out = run(r#"set(scope.version, Concat([scope.name, resource.attributes["env"]], "-"))"#, Context::Scope, logs.clone());
    assert_eq!(out["resourceLogs"][1]["scopeLogs"][0]["scope"]["version"], "b-dev");
    let out = run(r#"resource.attributes["env"] == "dev" > drop()"#, Context::Resource, logs.clone());
    assert_eq!(out["resourceLogs"].as_array().unwrap().len(), 1);
    let out = run(r#"scope.name == "a" > drop()"#, Context::Scope, logs.clone());
    assert_eq!(out["resourceLogs"].as_array().unwrap().len(), 1, "a resource whose scopes all go goes too");

    // A bare condition acts as in the filter processor: what matches is dropped.
    let out = run("log.body == \"x\"\nlog.body == \"z\"\n", Context::Log, logs);
    assert_eq!(out["resourceLogs"].as_array().unwrap().len(), 1);
    assert_eq!(out["resourceLogs"][0]["scopeLogs"][0]["logRecords"], json!([{"body": string("y")}]));
}

#[test]
fn profiles_read_and_write_attributes_through_the_dictionary() {
    let profiles = json!({
        "resourceProfiles": [{"resource": {}, "scopeProfiles": [{"scope": {"name": "prof"}, "profiles": [
            {"profileId": "0102030405060708090a0b0c0d0e0f10", "timeUnixNano": "1700000000000000000", "attributeIndices": [0]},
            {"profileId": "0102030405060708090a0b0c0d0e0f11", "timeUnixNano": "1700000000000000001"},
        ]}]}],
        "dictionary": {"stringTable": ["", "host"], "attributeTable": [{"keyStrindex": 1, "value": string("a")}]},
    });
    let rules = "set(profile.attributes[\"seen\"], profile.profile_id.string) where profile.attributes[\"host\"] == \"a\"\n\
                 set(profile.time_unix_nano, profile.time_unix_nano + 1)\n";
    let out = run(rules, Context::Profile, profiles.clone());
    let dictionary = &out["dictionary"];
    assert_eq!(dictionary["stringTable"], json!(["", "host", "seen"]));
    let first = &out["resourceProfiles"][0]["scopeProfiles"][0]["profiles"][0];
    assert_eq!(first["attributeIndices"], json!([0, 1]));
    assert_eq!(dictionary["attributeTable"][1], json!({"keyStrindex": 2, "value": string("0102030405060708090a0b0c0d0e0f10")}));
    assert_eq!(first["timeUnixNano"], "1700000000000000001");
    let second = &out["resourceProfiles"][0]["scopeProfiles"][0]["profiles"][1];
    assert_eq!(second.get("attributeIndices"), None);

    let out = run(r#"profile.attributes["host"] == "a" > drop()"#, Context::Profile, profiles);
    assert_eq!(out["resourceProfiles"][0]["scopeProfiles"][0]["profiles"].as_array().unwrap().len(), 1);
}

#[test]
fn coalesce_and_when_evaluate_only_what_they_use() {
    let logs =
        json!({"resourceLogs": [{"scopeLogs": [{"logRecords": [{"attributes": [attr("zero", json!({"intValue": "0"}))]}]}]}]});
    let run_gated = |rules: &str| {
        let telemetry = Telemetry::from_json(&logs.to_string()).expect("valid");
        let gates = [ottl_compiler::registry::LAMBDA_GATE.to_string()];
        let rule_set = compile(rules, Some(Context::Log), &gates, ErrorMode::Propagate).expect("compiles");
        let attribute = |o: ottl_runtime::exec::Outputs| {
            o.default.to_json()["resourceLogs"][0]["scopeLogs"][0]["logRecords"][0]["attributes"][1].clone()
        };
        let interpreted = interp::run(&rule_set, telemetry.clone(), &mut |_| {}).map(attribute);
        let compiled = jit::compile(&rule_set).expect("compiles").run(telemetry, &mut |_| {}).map(attribute);
        assert_eq!(compiled.as_ref().map_err(ToString::to_string), interpreted.as_ref().map_err(ToString::to_string), "{rules}");
        interpreted
    };
    let picked = run_gated(r#"set(log.attributes["c"], Coalesce([nil, "first", 1 / log.attributes["zero"]]))"#)
        .expect("the division is never evaluated");
    assert_eq!(picked, attr("c", string("first")));
    let picked = run_gated(r#"set(log.attributes["w"], When(() => true, "yes", 1 / log.attributes["zero"]))"#)
        .expect("the other branch is never evaluated");
    assert_eq!(picked, attr("w", string("yes")));
    let error = run_gated(r#"set(log.attributes["c"], Coalesce([nil, 1 / log.attributes["zero"], "late"]))"#).unwrap_err();
    assert!(error.to_string().contains("attempted to divide by 0"), "{error}");
}
