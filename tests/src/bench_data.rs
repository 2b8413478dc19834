//! The records and rule texts of the benchmarks: `ottl-bench` (tests/benches) runs them
//! through every engine, `agent-bench` (agent/benches) sends them through the agent and the
//! collector. One copy, so that both measure the same work.

use ottl_runtime::otlp::Telemetry;
use serde_json::{Value as Json, json};

/// The seed's rule set (rule form, spans): the rules `spans` is made for.
pub const SEED_RULES: &str = include_str!("../../examples/seed-rules.ottl");

/// `count` log statements shaped like `BenchmarkStatementSequenceExecuteLogs` in
/// `pkg/ottl/performance_bench_test.go` (v0.161.0), with conditions on severity and body
/// added; statement `i` has shape `LogShape::ALL[i % 7]`. Statement `i` reads
/// `source_{i % SOURCES}`: the Go benchmark gives each record one source attribute per
/// statement (200 for the large set, 10 for the small one); here every size runs on the
/// same records (`logs`).
pub fn log_statements(count: usize) -> Vec<String> {
    LogShape::numbered(count).map(|(i, shape)| shape.fill(shape.ottl(), i)).collect()
}

/// How many `source_N` attributes each log has.
pub const SOURCES: usize = 16;

/// The statement shapes of the log rule sets, used in turn. The hand-written Rust matches
/// on them, so the three forms of a shape sit together here.
#[derive(Clone, Copy, Debug)]
pub enum LogShape {
    CopyIfError,
    Lowercase,
    Length,
    ResourceCopyIfProd,
    HasCritical,
    FlagIfWarn,
    CopyBodyIfLogin,
}

impl LogShape {
    pub const ALL: [LogShape; 7] = [
        LogShape::CopyIfError,
        LogShape::Lowercase,
        LogShape::Length,
        LogShape::ResourceCopyIfProd,
        LogShape::HasCritical,
        LogShape::FlagIfWarn,
        LogShape::CopyBodyIfLogin,
    ];

    /// The attribute the statement writes is `{prefix}_{i}`.
    pub fn prefix(self) -> &'static str {
        match self {
            LogShape::CopyIfError => "conditional_copy",
            LogShape::Lowercase => "sanitized",
            LogShape::Length => "length",
            LogShape::ResourceCopyIfProd => "resource_copy",
            LogShape::HasCritical => "has_critical",
            LogShape::FlagIfWarn => "severe",
            LogShape::CopyBodyIfLogin => "login",
        }
    }

    /// The OTTL statement; `{key}` is the attribute written, `{source}` the one read.
    pub fn ottl(self) -> &'static str {
        match self {
            LogShape::CopyIfError => {
                r#"set(log.attributes["{key}"], log.attributes["{source}"]) where log.attributes["severity_text"] == "error""#
            }
            LogShape::Lowercase => r#"set(log.attributes["{key}"], ToLowerCase(log.attributes["log_message"]))"#,
            LogShape::Length => r#"set(log.attributes["{key}"], Len(log.attributes["{source}"]))"#,
            LogShape::ResourceCopyIfProd => {
                r#"set(resource.attributes["{key}"], log.attributes["{source}"]) where resource.attributes["deployment.environment"] == "prod""#
            }
            LogShape::HasCritical => r#"set(log.attributes["{key}"], ContainsValue(log.attributes["tags"], "critical"))"#,
            LogShape::FlagIfWarn => r#"set(log.attributes["{key}"], true) where log.severity_number >= SEVERITY_NUMBER_WARN"#,
            LogShape::CopyBodyIfLogin => {
                r#"set(log.attributes["{key}"], log.body) where IsMatch(log.body, "^user \\w+ logged in")"#
            }
        }
    }

    /// The same statement in VRL, on Vector's OTLP log shape (`.attributes`, `.resources`,
    /// `.message` for the body, `.severity_number`).
    pub fn vrl(self) -> &'static str {
        match self {
            LogShape::CopyIfError => r#"if .attributes.severity_text == "error" { .attributes.{key} = .attributes.{source} }"#,
            LogShape::Lowercase => r#".attributes.{key} = downcase(string!(.attributes.log_message))"#,
            LogShape::Length => r#".attributes.{key} = length(string!(.attributes.{source}))"#,
            LogShape::ResourceCopyIfProd => {
                r#"if .resources."deployment.environment" == "prod" { .resources.{key} = .attributes.{source} }"#
            }
            LogShape::HasCritical => r#".attributes.{key} = includes(array!(.attributes.tags), "critical")"#,
            LogShape::FlagIfWarn => r#"if int!(.severity_number) >= 13 { .attributes.{key} = true }"#,
            LogShape::CopyBodyIfLogin => {
                r#"if match(string!(.message), r'^user \w+ logged in') { .attributes.{key} = .message }"#
            }
        }
    }

    /// Statement number `i` of a rule set of `count` and its shape, for every `i`.
    pub fn numbered(count: usize) -> impl Iterator<Item = (usize, LogShape)> {
        (0..count).map(|i| (i, LogShape::ALL[i % LogShape::ALL.len()]))
    }

    /// `template` for statement number `i`.
    pub fn fill(self, template: &str, i: usize) -> String {
        template.replace("{key}", &format!("{}_{i}", self.prefix())).replace("{source}", &format!("source_{}", i % SOURCES))
    }
}

/// `ottl-bench`'s filter scenario: a filter processor's 20 conditions on log attributes,
/// bodies, names and severities, in OTTL and in VRL (a log that matches one is dropped).
/// `ottl-bench`'s hand-written `filter` tests the same, in the same order; the
/// `jit_allocations` test runs them to show that native predicates allocate nothing.
pub const FILTER_CONDITIONS: [(&str, &str); 20] = [
    ("log.severity_number < SEVERITY_NUMBER_INFO", "int!(.severity_number) < 9"),
    (r#"log.attributes["http.route"] == "/healthz""#, r#".attributes."http.route" == "/healthz""#),
    (r#"log.attributes["http.route"] == "/readyz""#, r#".attributes."http.route" == "/readyz""#),
    (r#"IsMatch(log.body, "^GET /(health|metrics)")"#, r"match(string!(.message), r'^GET /(health|metrics)')"),
    (r#"resource.attributes["service.name"] == "canary""#, r#".resources."service.name" == "canary""#),
    (r#"log.attributes["level"] == "trace""#, r#".attributes.level == "trace""#),
    (r#"log.attributes["user_agent"] == "kube-probe/1.29""#, r#".attributes.user_agent == "kube-probe/1.29""#),
    (r#"log.attributes["http.status_code"] == 304"#, r#".attributes."http.status_code" == 304"#),
    (r#"log.attributes["sampled_out"] == true"#, ".attributes.sampled_out == true"),
    (r#"resource.attributes["deployment.environment"] == "test""#, r#".resources."deployment.environment" == "test""#),
    (r#"log.severity_text == "TRACE""#, r#".severity_text == "TRACE""#),
    (r#"log.attributes["component"] == "heartbeat""#, r#".attributes.component == "heartbeat""#),
    (
        r#"IsMatch(log.attributes["url.path"], "\\.(css|js|png)$")"#,
        r#"match(string!(.attributes."url.path"), r'\.(css|js|png)$')"#,
    ),
    (r#"log.attributes["bytes"] == 0"#, ".attributes.bytes == 0"),
    (r#"log.body == """#, r#".message == """#),
    (r#"resource.attributes["k8s.namespace.name"] == "kube-system""#, r#".resources."k8s.namespace.name" == "kube-system""#),
    (r#"log.attributes["noisy"] != nil"#, ".attributes.noisy != null"),
    (r#"log.attributes["http.method"] == "OPTIONS""#, r#".attributes."http.method" == "OPTIONS""#),
    ("log.dropped_attributes_count > 10", "int!(.dropped_attributes_count) > 10"),
    (
        r#"log.attributes["db.system"] == "redis" and log.severity_number < SEVERITY_NUMBER_WARN"#,
        r#".attributes."db.system" == "redis" && int!(.severity_number) < 13"#,
    ),
];

/// The OTTL of `FILTER_CONDITIONS`, a rule file of one condition a line.
pub fn filter_rules() -> String {
    FILTER_CONDITIONS.iter().map(|(ottl, _)| *ottl).collect::<Vec<_>>().join("\n")
}

/// Records per resource (one scope each).
const PER_RESOURCE: usize = 100;

/// `count` logs with varied severities, bodies and attributes, `PER_RESOURCE` per resource;
/// about half match one of `ottl-bench`'s filter conditions, most of the others none.
#[expect(clippy::expect_used, reason = "the JSON is built above from fixed shapes: always valid OTLP")]
pub fn logs(count: usize) -> Telemetry {
    let resources: Vec<Json> = (0..count.div_ceil(PER_RESOURCE))
        .map(|r| {
            let logs: Vec<Json> = (r * PER_RESOURCE..count.min((r + 1) * PER_RESOURCE)).map(log).collect();
            json!({
                "resource": {"attributes": attributes(&[
                    ("service.name", string(["checkout", "payment", "web", "search", "cart", "ads", "auth", "mail", "db", "canary"][r % 10])),
                    ("deployment.environment", string(if r % 20 == 8 { "test" } else if r % 3 == 0 { "staging" } else { "prod" })),
                    ("k8s.namespace.name", string(if r % 20 == 7 { "kube-system" } else { "shop" })),
                    ("cloud.region", string("us-west-2")),
                ])},
                "scopeLogs": [{"scope": {"name": "benchmark-scope", "version": "1.0.0"}, "logRecords": logs}],
            })
        })
        .collect();
    Telemetry::from_json(&json!({ "resourceLogs": resources }).to_string()).expect("valid logs")
}

/// Log number `n`.
fn log(n: usize) -> Json {
    const SEVERITIES: [(u32, &str); 10] = [
        (9, "INFO"),
        (9, "INFO"),
        (13, "WARN"),
        (5, "DEBUG"),
        (9, "INFO"),
        (17, "ERROR"),
        (9, "INFO"),
        (13, "WARN"),
        (9, "INFO"),
        (9, "INFO"),
    ];
    let (severity_number, severity_text) = SEVERITIES[n % 10];
    let body = match n % 6 {
        0 => "user alice logged in".to_string(),
        1 if n % 12 == 1 => "GET /health 200".to_string(),
        _ => format!("GET /api/v1/items/{n} 200"),
    };
    let route = match n % 20 {
        1 => "/healthz",
        2 => "/readyz",
        _ => "/api/v1/items",
    };
    let mut pairs = vec![
        ("log_message", string("User=Alice Password=secret Region=US-West-2")),
        ("severity_text", string(if n.is_multiple_of(3) { "error" } else { "info" })),
        (
            "tags",
            json!({"arrayValue": {"values": if n.is_multiple_of(2) { vec![string("prod"), string("critical")] } else { vec![string("prod")] }}}),
        ),
        ("http.route", string(route)),
        ("http.method", string("GET")),
        ("http.status_code", int(if n % 40 == 5 { 304 } else { [200, 500, 404, 200, 201][n % 5] })),
        ("url.path", string(if n % 30 == 7 { "/static/app.js" } else { "/api/v1/items" })),
        ("bytes", int((n % 50) as i64 * 100 + 1)),
        ("db.system", string(if n.is_multiple_of(20) { "redis" } else { "postgresql" })),
    ];
    let sources: Vec<(String, Json)> = (0..SOURCES).map(|k| (format!("source_{k}"), string(&format!("value_{n}_{k}")))).collect();
    pairs.extend(sources.iter().map(|(k, v)| (k.as_str(), v.clone())));
    json!({
        "timeUnixNano": (1_710_000_000_000_000_000u64 + n as u64 * 1_000_000).to_string(),
        "observedTimeUnixNano": "1710000000000000000",
        "severityNumber": severity_number, "severityText": severity_text,
        "body": string(&body),
        "attributes": attributes(&pairs),
        "droppedAttributesCount": n % 13,
    })
}

/// `count` spans for the seed's rules, `PER_RESOURCE` per resource: every rule both matches
/// and misses on some of them.
#[expect(clippy::expect_used, reason = "the JSON is built above from fixed shapes: always valid OTLP")]
pub fn spans(count: usize) -> Telemetry {
    let resources: Vec<Json> = (0..count.div_ceil(PER_RESOURCE))
        .map(|r| {
            let spans: Vec<Json> = (r * PER_RESOURCE..count.min((r + 1) * PER_RESOURCE)).map(span).collect();
            let mut pairs = vec![
                ("service.name", string(["payment", "web", "checkout", "billing"][r % 4])),
                ("deployment.environment", string(["prod", "prod", "staging", "test", "dev"][r % 5])),
            ];
            let email = format!("user{r}@example.com");
            if r % 3 == 0 {
                pairs.push(("user.email", string(&email)));
            }
            json!({
                "resource": {"attributes": attributes(&pairs)},
                "scopeSpans": [{"scope": {"name": "lib"}, "spans": spans}],
            })
        })
        .collect();
    Telemetry::from_json(&json!({ "resourceSpans": resources }).to_string()).expect("valid spans")
}

/// Span number `n`.
fn span(n: usize) -> Json {
    let name = match n % 20 {
        0 => "GET /health".to_string(),
        1 => "GET /metrics".to_string(),
        _ => format!("GET /users/{n}"),
    };
    let url = if n % 10 == 3 { format!("https://shop.example.com/search?q={}", "x".repeat(120)) } else { format!("/users/{n}") };
    let body = if n % 8 == 5 { "paid with 1234-5678-9012-3456 today" } else { "no card here" };
    let mut pairs = vec![
        ("http.method", string("GET")),
        ("http.response.status_code", int([200, 404, 500, 503, 200][n % 5])),
        ("http.target", string(if n % 25 == 4 { "/ready" } else { "/users" })),
        ("http.url", string(&url)),
        ("body", string(body)),
    ];
    if n.is_multiple_of(2) {
        pairs.push(("internal.debug.info", string("x")));
    }
    // Spread the low 64 bits of the trace id, which the sampler reads.
    let low = (n as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let millis = [10u64, 700, 1_400, 2_100, 3_500, 4_200, 5_000][(n / 3) % 7];
    json!({
        "traceId": format!("{:016x}{low:016x}", n + 1), "spanId": format!("{:016x}", n + 1),
        "name": name, "kind": 2,
        "startTimeUnixNano": "1700000000000000000",
        "endTimeUnixNano": (1_700_000_000_000_000_000u64 + millis * 1_000_000).to_string(),
        "status": {"code": n % 3},
        "attributes": attributes(&pairs),
    })
}

fn attributes(pairs: &[(&str, Json)]) -> Json {
    Json::Array(pairs.iter().map(|(k, v)| json!({"key": k, "value": v})).collect())
}

fn string(s: &str) -> Json {
    json!({ "stringValue": s })
}

fn int(i: i64) -> Json {
    json!({ "intValue": i.to_string() })
}
