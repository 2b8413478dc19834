//! Every OTTL snippet of the seed's §3.2.2 runs with the effect its comment describes, on
//! OTLP JSON inputs (`examples/seed-rules.ottl` holds the same snippets), on both back ends.

use ottl_compiler::interp;
use ottl_compiler::program::ErrorMode;
use ottl_compiler::schema::Context;
use ottl_jit as jit;
use ottl_runtime::exec::Outputs;
use ottl_runtime::otlp::Telemetry;
use serde_json::{Value as Json, json};

/// One resource per entry of `resources`: (resource attributes, spans).
fn traces(resources: &[(Json, Vec<Json>)]) -> Telemetry {
    let resource_spans: Vec<Json> = resources
        .iter()
        .map(|(attributes, spans)| json!({"resource": {"attributes": attributes}, "scopeSpans": [{"scope": {"name": "lib"}, "spans": spans}]}))
        .collect();
    Telemetry::from_json(&json!({ "resourceSpans": resource_spans }).to_string()).expect("valid OTLP JSON")
}

fn attrs(pairs: &[(&str, Json)]) -> Json {
    Json::Array(pairs.iter().map(|(k, v)| json!({"key": k, "value": v})).collect())
}

fn string(s: &str) -> Json {
    json!({ "stringValue": s })
}

fn int(i: i64) -> Json {
    json!({ "intValue": i.to_string() })
}

/// A span named `name` lasting `millis`, with status `code` and attributes.
fn span(name: &str, millis: u64, code: i32, attributes: Json, trace_id: &str) -> Json {
    json!({
        "traceId": trace_id, "spanId": "0102030405060708", "name": name,
        "startTimeUnixNano": "1700000000000000000",
        "endTimeUnixNano": (1_700_000_000_000_000_000u64 + millis * 1_000_000).to_string(),
        "status": {"code": code}, "attributes": attributes,
    })
}

const TRACE: &str = "0102030405060708090a0b0c0d0e0f10";

fn run(rules: &str, context: Option<Context>, input: Telemetry) -> Outputs {
    let rule_set = ottl_tests::rules::compile(rules, context, &[], ErrorMode::Propagate)
        .unwrap_or_else(|d| panic!("{rules} does not compile: {:?}", d.iter().map(|d| &d.message).collect::<Vec<_>>()));
    let interpreted = interp::run(&rule_set, input.clone(), &mut |w| panic!("warning: {w}")).expect("runs");
    let program = jit::compile(&rule_set).expect("the JIT compiles the rules");
    let compiled = program.run(input, &mut |w| panic!("warning: {w}")).expect("runs compiled");
    // The snippets are the rule form's whole repertoire (keep, drop, route): both back
    // ends must sort every item the same way.
    let as_json = |outputs: &Outputs| {
        (outputs.default.to_json(), outputs.routes.iter().map(|(k, v)| (k.clone(), v.to_json())).collect::<Vec<_>>())
    };
    assert_eq!(as_json(&interpreted), as_json(&compiled), "the interpreter and the JIT differ on {rules}");
    compiled
}

/// The names of the spans in an output, in order.
fn span_names(telemetry: &Telemetry) -> Vec<String> {
    let Telemetry::Traces(data) = telemetry else { panic!("not traces") };
    data.resource_spans.iter().flat_map(|r| &r.scope_spans).flat_map(|s| &s.spans).map(|s| s.name.clone()).collect()
}

/// The attributes of the first span, as JSON.
fn first_span_attributes(telemetry: &Telemetry) -> Json {
    let json = telemetry.to_json();
    let list = &json["resourceSpans"][0]["scopeSpans"][0]["spans"][0]["attributes"];
    let mut out = serde_json::Map::new();
    for kv in list.as_array().into_iter().flatten() {
        out.insert(kv["key"].as_str().unwrap_or_default().to_string(), kv["value"].clone());
    }
    Json::Object(out)
}

fn three_spans() -> Telemetry {
    traces(&[(
        attrs(&[]),
        vec![
            span("ok", 10, 1, attrs(&[]), TRACE),
            span("slow-error", 5_000, 2, attrs(&[]), TRACE),
            span("fast-error", 10, 2, attrs(&[]), TRACE),
        ],
    )])
}

#[test]
fn keep_successful_spans() {
    // "Keep the spans with an OK status": with a keep() the rule set is an allow-list.
    let out = run("span.status.code == StatusCode::Ok > keep()", None, three_spans());
    assert_eq!(span_names(&out.default), ["ok"]);
}

#[test]
fn drop_the_test_environment() {
    let input = traces(&[
        (attrs(&[("deployment.environment", string("test"))]), vec![span("t", 1, 0, attrs(&[]), TRACE)]),
        (attrs(&[("deployment.environment", string("prod"))]), vec![span("p", 1, 0, attrs(&[]), TRACE)]),
    ]);
    let out = run(r#"resource.attributes["deployment.environment"] == "test" > drop()"#, None, input);
    assert_eq!(span_names(&out.default), ["p"]);
}

#[test]
fn keep_slow_errors() {
    let out = run(r#"span.duration > duration("3s") and span.status.code == StatusCode::Error > keep()"#, None, three_spans());
    assert_eq!(span_names(&out.default), ["slow-error"]);
}

#[test]
fn drop_health_checks() {
    let input = traces(&[(
        attrs(&[]),
        vec![
            span("GET /health", 1, 0, attrs(&[]), TRACE),
            span("GET /metrics", 1, 0, attrs(&[]), TRACE),
            span("GET /ready", 1, 0, attrs(&[("http.target", string("/ready"))]), TRACE),
            span("GET /users", 1, 0, attrs(&[("http.target", string("/users"))]), TRACE),
        ],
    )]);
    let rule = r#"span.name in ["GET /health", "GET /metrics"] or span.attributes["http.target"] == "/ready" > drop()"#;
    assert_eq!(span_names(&run(rule, None, input).default), ["GET /users"]);
}

#[test]
fn set_delete_and_rename_attributes() {
    let input = traces(&[(
        attrs(&[]),
        vec![span(
            "s",
            1,
            0,
            attrs(&[("internal.debug.info", string("x")), ("http.response.status_code", int(503)), ("keep", string("me"))]),
            TRACE,
        )],
    )]);
    let rules = r#"true > set(span.attributes["service.name"], "new-service-name")
true > delete_key(span.attributes, "internal.debug.info")
true > set(span.attributes["http.status_code"], span.attributes["http.response.status_code"])
true > delete_key(span.attributes, "http.response.status_code")
span.attributes["http.status_code"] >= 500 > set(span.status.code, StatusCode::Error)
"#;
    let out = run(rules, None, input);
    assert_eq!(
        first_span_attributes(&out.default),
        json!({"keep": string("me"), "service.name": string("new-service-name"), "http.status_code": int(503)})
    );
    assert_eq!(out.default.to_json()["resourceSpans"][0]["scopeSpans"][0]["spans"][0]["status"]["code"], json!(2));
}

#[test]
fn hash_emails() {
    let input = traces(&[(attrs(&[("user.email", string("a@b.c"))]), vec![span("s", 1, 0, attrs(&[]), TRACE)])]);
    let rule = "resource.attributes[\"user.email\"] != nil > set(\n    resource.attributes[\"user.email\"],\n    SHA256(resource.attributes[\"user.email\"])\n)";
    let json = run(rule, None, input).default.to_json();
    // sha256("a@b.c"), lowercase hex
    assert_eq!(
        json["resourceSpans"][0]["resource"]["attributes"][0]["value"],
        string("d648b243a3e817eaa3309e00e183483f2867baadf522099f0c2121770536b25a")
    );
}

#[test]
fn truncate_long_urls() {
    let long = format!("https://example.com/{}", "a".repeat(200));
    let input = traces(&[(
        attrs(&[]),
        vec![
            span("long", 1, 0, attrs(&[("http.url", string(&long))]), TRACE),
            span("short", 1, 0, attrs(&[("http.url", string("/x"))]), TRACE),
        ],
    )]);
    let rule = "len(span.attributes[\"http.url\"]) > 100 > set(\n    span.attributes[\"http.url\"],\n    truncate(span.attributes[\"http.url\"], 100, \"...\")\n)";
    let json = run(rule, None, input).default.to_json();
    let spans = &json["resourceSpans"][0]["scopeSpans"][0]["spans"];
    assert_eq!(spans[0]["attributes"][0]["value"]["stringValue"], json!(format!("{}...", &long[..100])));
    assert_eq!(spans[1]["attributes"][0]["value"]["stringValue"], json!("/x"));
}

#[test]
fn mask_card_numbers() {
    let input = traces(&[(attrs(&[]), vec![span("s", 1, 0, attrs(&[("body", string("card 1234-5678-9012-3456 ok"))]), TRACE)])]);
    let rule = "matches(span.attributes[\"body\"], \"\\\\d{4}-\\\\d{4}-\\\\d{4}-\\\\d{4}\") > set(\n    span.attributes[\"body\"],\n    replace_pattern(span.attributes[\"body\"], \"\\\\d{4}-\\\\d{4}-\\\\d{4}-\\\\d{4}\", \"****-****-****-****\")\n)";
    let out = run(rule, None, input);
    assert_eq!(first_span_attributes(&out.default), json!({"body": string("card ****-****-****-**** ok")}));
}

#[test]
fn route_by_environment_and_service() {
    let input = traces(&[
        (attrs(&[("deployment.environment", string("prod"))]), vec![span("p", 1, 0, attrs(&[]), TRACE)]),
        (attrs(&[("deployment.environment", string("staging"))]), vec![span("s", 1, 0, attrs(&[]), TRACE)]),
        (attrs(&[("deployment.environment", string("dev"))]), vec![span("d", 1, 0, attrs(&[]), TRACE)]),
    ]);
    let rules = "resource.attributes[\"deployment.environment\"] == \"prod\" > route(\"prod_exporter\")\nresource.attributes[\"deployment.environment\"] == \"staging\" > route(\"staging_exporter\")\n";
    let out = run(rules, None, input);
    assert_eq!(span_names(&out.routes["prod_exporter"]), ["p"]);
    assert_eq!(span_names(&out.routes["staging_exporter"]), ["s"]);
    assert_eq!(span_names(&out.default), ["d"], "items never routed go to the default output");

    let input = traces(&[(
        attrs(&[]),
        vec![
            span("pay", 1, 0, attrs(&[("service.name", string("payment"))]), TRACE),
            span("web", 1, 0, attrs(&[("service.name", string("web"))]), TRACE),
        ],
    )]);
    let out = run(r#"span.attributes["service.name"] in ["payment", "billing"] > route("financial_queue")"#, None, input);
    assert_eq!(span_names(&out.routes["financial_queue"]), ["pay"]);
    assert_eq!(span_names(&out.default), ["web"]);
}

/// A span several routes take arrives whole in each (the last route gets the span itself,
/// the others copies) and leaves the default output.
#[test]
fn a_span_goes_to_every_route_that_takes_it() {
    let input = traces(&[(
        attrs(&[]),
        vec![
            span("both", 1, 0, attrs(&[("tier", string("gold")), ("pay", int(1))]), TRACE),
            span("one", 1, 0, attrs(&[("tier", string("gold"))]), TRACE),
            span("none", 1, 0, attrs(&[]), TRACE),
        ],
    )]);
    let rules = "span.attributes[\"pay\"] == 1 > route(\"b_audit\")\nspan.attributes[\"tier\"] == \"gold\" > route(\"a_gold\")\n";
    let out = run(rules, None, input);
    assert_eq!(span_names(&out.routes["a_gold"]), ["both", "one"]);
    assert_eq!(span_names(&out.routes["b_audit"]), ["both"]);
    assert_eq!(span_names(&out.default), ["none"]);
    let both = json!({"tier": string("gold"), "pay": int(1)});
    assert_eq!(first_span_attributes(&out.routes["a_gold"]), both);
    assert_eq!(first_span_attributes(&out.routes["b_audit"]), both);
}

#[test]
fn sample_by_trace_id_ratio() {
    // The low 63 bits of the trace id's last 8 bytes against 10 % of their range.
    let sampled = "000000000000000000000000000000ff";
    let unsampled = "0000000000000000ffffffffffffffff";
    let input = traces(&[(attrs(&[]), vec![span("in", 1, 0, attrs(&[]), sampled), span("out", 1, 0, attrs(&[]), unsampled)])]);
    let out = run(r#"TraceIDRatioBasedSampler(trace_id.trace_id, 0.1) > route("sampled_exporter")"#, Some(Context::Span), input);
    assert_eq!(span_names(&out.routes["sampled_exporter"]), ["in"]);
    assert_eq!(span_names(&out.default), ["out"]);
}
