//! Every example of every function declaration runs on both back ends and gives the result
//! its declaration states (the examples the function reference and hover show).
//!
//! A converter's example is a value and its result an expression of the value it gives: the
//! test runs the condition `CODE == RESULT` as a filter condition, which must drop the item.
//! An editor's example is a statement and its result a condition that holds afterwards: the
//! statement runs, then the condition, which must drop an item. The telemetry is the example
//! item of the function's first context (span by default), built here from
//! `tests/examples/attributes.json` so that examples can read well-known attributes.

use ottl_compiler::interp;
use ottl_compiler::program::ErrorMode;
use ottl_compiler::registry::{FunctionKind, LAMBDA_GATE, registry};
use ottl_compiler::schema::Context;
use ottl_jit as jit;
use ottl_runtime::exec::Outputs;
use ottl_runtime::otlp::Telemetry;
use ottl_tests::rules::compile;
use serde_json::{Value as Json, json};

fn attributes() -> Json {
    serde_json::from_str(include_str!("../examples/attributes.json")).expect("valid JSON")
}

const TRACE_ID: &str = "0102030405060708090a0b0c0d0e0f10";
const SPAN_ID: &str = "0102030405060708";
const START: &str = "1700000000000000000";
const END: &str = "1700000000250000000";

/// The example telemetry for statements in `context`.
fn fixture(context: Context) -> Telemetry {
    let resource = json!({"attributes": [{"key": "service.name", "value": {"stringValue": "checkout"}}]});
    let scope = json!({"name": "example-scope", "version": "1.0.0"});
    let document = match context {
        Context::Log => json!({"resourceLogs": [{"resource": resource, "scopeLogs": [{"scope": scope, "logRecords": [{
            "timeUnixNano": START, "observedTimeUnixNano": END, "severityNumber": 9, "severityText": "INFO",
            "body": {"stringValue": "user=alice action=login"}, "attributes": attributes(),
            "traceId": TRACE_ID, "spanId": SPAN_ID,
        }]}]}]}),
        Context::Metric | Context::DataPoint => {
            json!({"resourceMetrics": [{"resource": resource, "scopeMetrics": [{"scope": scope, "metrics": metrics()}]}]})
        }
        Context::Profile => json!({"resourceProfiles": [{"resource": resource, "scopeProfiles": [{"scope": scope, "profiles": [{
            "profileId": TRACE_ID, "timeUnixNano": START, "durationNano": "250000000",
        }]}]}]}),
        _ => json!({"resourceSpans": [{"resource": resource, "scopeSpans": [{"scope": scope, "spans": [{
            "traceId": TRACE_ID, "spanId": SPAN_ID, "name": "GET /users/{id}", "kind": 2,
            "startTimeUnixNano": START, "endTimeUnixNano": END, "attributes": attributes(),
            "status": {"code": 1},
            "events": [{"name": "cache.miss", "timeUnixNano": START, "attributes": attributes()}],
            "links": [{"traceId": TRACE_ID, "spanId": SPAN_ID, "attributes": attributes()}],
        }]}]}]}),
    };
    Telemetry::from_json(&document.to_string()).expect("valid OTLP JSON")
}

/// One metric of each type, each with one data point carrying the example attributes, and a
/// sum with two data points that differ in one attribute (for the aggregating functions).
fn metrics() -> Json {
    let point = |extra: Json| {
        let mut point = json!({"attributes": attributes(), "startTimeUnixNano": START, "timeUnixNano": END});
        if let (Some(point), Some(extra)) = (point.as_object_mut(), extra.as_object()) {
            point.extend(extra.clone());
        }
        point
    };
    // CPU time in `state` on CPU 0.
    let cpu_point = |state: &str, seconds: f64| {
        let attribute = |key: &str, value: &str| json!({"key": key, "value": {"stringValue": value}});
        json!({"attributes": [attribute("cpu", "0"), attribute("state", state)], "startTimeUnixNano": START,
            "timeUnixNano": END, "asDouble": seconds})
    };
    json!([
        {"name": "http.requests", "unit": "1", "sum": {"aggregationTemporality": 2, "isMonotonic": true,
            "dataPoints": [point(json!({"asInt": "42"}))]}},
        {"name": "system.processes.count", "unit": "1", "gauge": {"dataPoints": [point(json!({"asInt": "7"}))]}},
        {"name": "http.server.duration", "unit": "ms", "histogram": {"aggregationTemporality": 2,
            "dataPoints": [point(json!({"count": "10", "sum": 250.0, "bucketCounts": ["2", "3", "5"], "explicitBounds": [10.0, 100.0]}))]}},
        {"name": "rpc.latency", "unit": "ms", "summary": {"dataPoints": [point(json!({"count": "4", "sum": 100.0,
            "quantileValues": [{"quantile": 0.5, "value": 20.0}, {"quantile": 0.99, "value": 60.0}]}))]}},
        {"name": "latency", "unit": "ms", "exponentialHistogram": {"aggregationTemporality": 2, "dataPoints": [point(json!({
            "count": "6", "sum": 30.0, "scale": 0, "zeroCount": "1", "positive": {"offset": 0, "bucketCounts": ["2", "3"]}}))]}},
        {"name": "cpu.time", "unit": "s", "sum": {"aggregationTemporality": 2, "isMonotonic": true, "dataPoints": [
            cpu_point("idle", 10.0), cpu_point("wait", 5.0)]}},
    ])
}

/// How many items of `context` the telemetry holds.
fn items(telemetry: &Telemetry, context: Context) -> usize {
    let json = telemetry.to_json();
    let all = |value: &Json, path: &[&str]| -> Vec<Json> {
        let mut level = vec![value.clone()];
        for key in path {
            level = level.iter().flat_map(|v| v.get(key).and_then(Json::as_array).cloned().unwrap_or_default()).collect();
        }
        level
    };
    match context {
        Context::Log => all(&json, &["resourceLogs", "scopeLogs", "logRecords"]).len(),
        Context::Metric => all(&json, &["resourceMetrics", "scopeMetrics", "metrics"]).len(),
        Context::DataPoint => all(&json, &["resourceMetrics", "scopeMetrics", "metrics"])
            .iter()
            .map(|metric| {
                ["sum", "gauge", "histogram", "summary", "exponentialHistogram"]
                    .iter()
                    .filter_map(|kind| metric.get(kind)?.get("dataPoints")?.as_array().map(Vec::len))
                    .sum::<usize>()
            })
            .sum(),
        Context::Profile => all(&json, &["resourceProfiles", "scopeProfiles", "profiles"]).len(),
        _ => all(&json, &["resourceSpans", "scopeSpans", "spans"]).len(),
    }
}

/// How many items of `context` a run left, routed or not.
fn remaining(outputs: &Outputs, context: Context) -> usize {
    items(&outputs.default, context) + outputs.routes.values().map(|t| items(t, context)).sum::<usize>()
}

/// Runs one example; `Err` says what went wrong. An example whose declaration does not state
/// its result yet must still run without error, and alike, on both back ends.
fn run_example(context: Context, kind: FunctionKind, code: &str, result: &str) -> Result<(), String> {
    let result = if result.trim().is_empty() {
        match kind {
            FunctionKind::Converter => "nil or true",
            FunctionKind::Editor => "true",
        }
    } else {
        result
    };
    let document = match kind {
        FunctionKind::Converter => format!("{code} == {result}"),
        FunctionKind::Editor => format!("{code}\n{result}"),
    };
    let gates = [LAMBDA_GATE.to_string()];
    let rules = compile(&document, Some(context), &gates, ErrorMode::Propagate)
        .map_err(|d| format!("does not compile: {:?}", d.iter().map(|d| &d.message).collect::<Vec<_>>()))?;
    let input = fixture(context);
    // The condition must drop an item the statement left: editors that add metrics leave
    // more items than the input had, so count what the statement alone leaves.
    let before = match kind {
        FunctionKind::Converter => items(&input, context),
        FunctionKind::Editor => {
            let statement = compile(code, Some(context), &gates, ErrorMode::Propagate)
                .map_err(|d| format!("does not compile alone: {:?}", d.iter().map(|d| &d.message).collect::<Vec<_>>()))?;
            let outputs =
                interp::run(&statement, input.clone(), &mut |_| {}).map_err(|e| format!("the interpreter fails: {e}"))?;
            // A rule action that removes every item (`drop()`, `keep()` of nothing) shows its
            // effect by what is gone: then the input's count is the measure.
            match remaining(&outputs, context) {
                0 => items(&input, context),
                left => left,
            }
        }
    };
    let interpreted = interp::run(&rules, input.clone(), &mut |_| {}).map_err(|e| format!("the interpreter fails: {e}"))?;
    let program = jit::compile(&rules).map_err(|e| format!("the JIT does not compile it: {e}"))?;
    let compiled = program.run(input, &mut |_| {}).map_err(|e| format!("the JIT fails: {e}"))?;
    let as_json = |outputs: &Outputs| {
        (outputs.default.to_json(), outputs.routes.iter().map(|(k, v)| (k.clone(), v.to_json())).collect::<Vec<_>>())
    };
    if as_json(&interpreted) != as_json(&compiled) {
        return Err("the interpreter and the JIT give different telemetry".to_owned());
    }
    for (backend, outputs) in [("interpreter", &interpreted), ("JIT", &compiled)] {
        if remaining(outputs, context) >= before {
            return Err(format!("on the {backend}, `{result}` does not hold afterwards"));
        }
    }
    Ok(())
}

#[test]
fn every_example_gives_its_result_on_both_back_ends() {
    let mut failures = Vec::new();
    let mut count = 0;
    let mut unstated = Vec::new();
    for &function in registry() {
        let context = function.contexts.first().copied().unwrap_or(Context::Span);
        for example in function.examples {
            count += 1;
            if example.result.trim().is_empty() {
                unstated.push(function.name);
            }
            if let Err(why) = run_example(context, function.kind, example.code, example.result) {
                failures.push(format!("{} ({context}): {}  =>  {}: {why}", function.name, example.code, example.result));
            }
        }
    }
    println!("examples: {} ran, {} failed, {} without a stated result: {unstated:?}", count, failures.len(), unstated.len());
    assert!(failures.is_empty(), "{} of {count} examples fail:\n{}", failures.len(), failures.join("\n"));
}
