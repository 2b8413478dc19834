//! `ottl-bench`'s hand-written Rust: each scenario's work done directly on the OTLP structs,
//! as someone would write it without OTTL (keys and regexes prepared once, attribute lists
//! searched as pdata searches them). The bench checks once that each function's output
//! equals the rule set's, so these are the floor the JIT is measured against.

use std::collections::BTreeMap;

use ottl_runtime::exec::Outputs;
use ottl_runtime::otlp::Telemetry;
use ottl_runtime::otlp::common::v1::{AnyValue, KeyValue, any_value};
use ottl_runtime::otlp::logs::v1::{LogRecord, LogsData};
use ottl_runtime::otlp::resource::v1::Resource;
use ottl_runtime::otlp::trace::v1::{ResourceSpans, ScopeSpans, Span, TracesData};
use regex::Regex;
use sha2::{Digest, Sha256};

use ottl_tests::bench_data::{LogShape, SOURCES};

/// The value of `key` (an attribute without a value reads as an empty one).
fn get<'a>(attributes: &'a [KeyValue], key: &str) -> Option<&'a AnyValue> {
    attributes.iter().find(|kv| kv.key == key).map(|kv| kv.value.as_ref().unwrap_or(EMPTY))
}

const EMPTY: &AnyValue = &AnyValue { value: None };

fn get_str<'a>(attributes: &'a [KeyValue], key: &str) -> Option<&'a str> {
    match get(attributes, key)?.value.as_ref()? {
        any_value::Value::StringValue(s) => Some(s),
        _ => None,
    }
}

fn get_int(attributes: &[KeyValue], key: &str) -> Option<i64> {
    match get(attributes, key)?.value.as_ref()? {
        any_value::Value::IntValue(i) => Some(*i),
        _ => None,
    }
}

/// Sets `key` to `value`: in place when it exists, else appended (pdata's `Map.Put…`).
fn put(attributes: &mut Vec<KeyValue>, key: &str, value: AnyValue) {
    match attributes.iter_mut().find(|kv| kv.key == key) {
        Some(kv) => kv.value = Some(value),
        None => attributes.push(KeyValue { key: key.to_string(), value: Some(value), ..Default::default() }),
    }
}

fn string(s: String) -> AnyValue {
    AnyValue { value: Some(any_value::Value::StringValue(s)) }
}

fn int(i: i64) -> AnyValue {
    AnyValue { value: Some(any_value::Value::IntValue(i)) }
}

fn boolean(b: bool) -> AnyValue {
    AnyValue { value: Some(any_value::Value::BoolValue(b)) }
}

fn body_str(log: &LogRecord) -> Option<&str> {
    match log.body.as_ref()?.value.as_ref()? {
        any_value::Value::StringValue(s) => Some(s),
        _ => None,
    }
}

/// The log rule set of `count` statements (`scenarios::LogShape`), its keys and regex
/// prepared once.
pub struct LogStatements {
    /// Each statement's shape, the key it writes and the source attribute it reads.
    statements: Vec<(LogShape, String, String)>,
    login: Regex,
}

impl LogStatements {
    pub fn new(count: usize) -> LogStatements {
        let statements = LogShape::numbered(count)
            .map(|(i, shape)| (shape, format!("{}_{i}", shape.prefix()), format!("source_{}", i % SOURCES)))
            .collect();
        LogStatements { statements, login: Regex::new(r"^user \w+ logged in").expect("valid regex") }
    }

    pub fn run(&self, mut telemetry: Telemetry) -> Outputs {
        let Telemetry::Logs(data) = &mut telemetry else { panic!("log statements run on logs") };
        for resource_logs in &mut data.resource_logs {
            let resource = resource_logs.resource.get_or_insert_default();
            for log in resource_logs.scope_logs.iter_mut().flat_map(|s| &mut s.log_records) {
                for (shape, key, source) in &self.statements {
                    self.apply(*shape, key, source, resource, log);
                }
            }
        }
        Outputs { default: telemetry, routes: BTreeMap::new() }
    }

    /// One statement on one log.
    fn apply(&self, shape: LogShape, key: &str, source: &str, resource: &mut Resource, log: &mut LogRecord) {
        let copy = |log: &LogRecord| get(&log.attributes, source).cloned().unwrap_or_default();
        match shape {
            LogShape::CopyIfError => {
                if get_str(&log.attributes, "severity_text") == Some("error") {
                    let value = copy(log);
                    put(&mut log.attributes, key, value);
                }
            }
            LogShape::Lowercase => {
                if let Some(message) = get_str(&log.attributes, "log_message") {
                    let lower = string(message.to_lowercase());
                    put(&mut log.attributes, key, lower);
                }
            }
            LogShape::Length => {
                if let Some(length) = get_str(&log.attributes, source).map(str::len) {
                    put(&mut log.attributes, key, int(length as i64));
                }
            }
            LogShape::ResourceCopyIfProd => {
                if get_str(&resource.attributes, "deployment.environment") == Some("prod") {
                    put(&mut resource.attributes, key, copy(log));
                }
            }
            LogShape::HasCritical => {
                if let Some(any_value::Value::ArrayValue(tags)) = get(&log.attributes, "tags").and_then(|v| v.value.as_ref()) {
                    let found =
                        tags.values.iter().any(|t| matches!(&t.value, Some(any_value::Value::StringValue(s)) if s == "critical"));
                    put(&mut log.attributes, key, boolean(found));
                }
            }
            LogShape::FlagIfWarn => {
                if log.severity_number >= 13 {
                    put(&mut log.attributes, key, boolean(true));
                }
            }
            LogShape::CopyBodyIfLogin => {
                if body_str(log).is_some_and(|body| self.login.is_match(body)) {
                    let body = log.body.clone().unwrap_or_default();
                    put(&mut log.attributes, key, body);
                }
            }
        }
    }
}

/// The filter scenario: drops the logs that match any of `bench_data::FILTER_CONDITIONS`
/// (tested in the same order, stopping at the first match), and the scopes and resources
/// left empty.
pub fn filter(mut telemetry: Telemetry) -> Outputs {
    let Telemetry::Logs(data) = &mut telemetry else { panic!("the filter runs on logs") };
    let patterns = FilterPatterns::get();
    filter_logs(data, |resource, log| patterns.matches(resource, log));
    Outputs { default: telemetry, routes: BTreeMap::new() }
}

/// The filter's regexes, compiled on first use.
struct FilterPatterns {
    health: Regex,
    static_file: Regex,
}

impl FilterPatterns {
    fn get() -> &'static FilterPatterns {
        static PATTERNS: std::sync::OnceLock<FilterPatterns> = std::sync::OnceLock::new();
        PATTERNS.get_or_init(|| FilterPatterns {
            health: Regex::new("^GET /(health|metrics)").expect("valid regex"),
            static_file: Regex::new(r"\.(css|js|png)$").expect("valid regex"),
        })
    }

    fn matches(&self, resource: &Resource, log: &LogRecord) -> bool {
        let (attributes, resource_attributes) = (&log.attributes[..], &resource.attributes[..]);
        let attr_is = |key: &str, value: &str| get_str(attributes, key) == Some(value);
        log.severity_number < 9
            || attr_is("http.route", "/healthz")
            || attr_is("http.route", "/readyz")
            || body_str(log).is_some_and(|body| self.health.is_match(body))
            || get_str(resource_attributes, "service.name") == Some("canary")
            || attr_is("level", "trace")
            || attr_is("user_agent", "kube-probe/1.29")
            || get_int(attributes, "http.status_code") == Some(304)
            || matches!(get(attributes, "sampled_out").and_then(|v| v.value.as_ref()), Some(any_value::Value::BoolValue(true)))
            || get_str(resource_attributes, "deployment.environment") == Some("test")
            || log.severity_text == "TRACE"
            || attr_is("component", "heartbeat")
            || get_str(attributes, "url.path").is_some_and(|path| self.static_file.is_match(path))
            || get_int(attributes, "bytes") == Some(0)
            || body_str(log) == Some("")
            || get_str(resource_attributes, "k8s.namespace.name") == Some("kube-system")
            || get(attributes, "noisy").is_some_and(|v| v.value.is_some())
            || attr_is("http.method", "OPTIONS")
            || log.dropped_attributes_count > 10
            || (attr_is("db.system", "redis") && log.severity_number < 13)
    }
}

/// Removes the logs `drop` picks, then the scopes and resources that it emptied.
fn filter_logs(data: &mut LogsData, drop: impl Fn(&Resource, &LogRecord) -> bool) {
    let empty = Resource::default();
    data.resource_logs.retain_mut(|resource_logs| {
        let resource = resource_logs.resource.as_ref().unwrap_or(&empty);
        let had_scopes = !resource_logs.scope_logs.is_empty();
        resource_logs.scope_logs.retain_mut(|scope| {
            let had_logs = !scope.log_records.is_empty();
            scope.log_records.retain(|log| !drop(resource, log));
            !had_logs || !scope.log_records.is_empty()
        });
        !had_scopes || !resource_logs.scope_logs.is_empty()
    });
}

/// The routes of the seed's rules, in the order of `Fate::routes`' bits.
const SEED_ROUTES: [&str; 4] = ["prod_exporter", "staging_exporter", "financial_queue", "sampled_exporter"];

/// What the seed's rules decided for one span.
#[derive(Clone, Copy, Default)]
struct Fate {
    kept: bool,
    dropped: bool,
    /// Bit `i`: routed to `SEED_ROUTES[i]`.
    routes: u8,
}

impl Fate {
    /// Whether the span reaches output `slot`: 0 is the default output, `i + 1` the route
    /// `SEED_ROUTES[i]`. The rules hold a `keep()`, so only kept spans survive.
    fn reaches(self, slot: usize) -> bool {
        let survives = self.kept && !self.dropped;
        survives && if slot == 0 { self.routes == 0 } else { self.routes & (1 << (slot - 1)) != 0 }
    }
}

/// The seed's rules (`examples/seed-rules.ottl`) on every span, then the spans sorted
/// into the default output and the routes.
pub fn seed(telemetry: Telemetry) -> Outputs {
    let Telemetry::Traces(data) = telemetry else { panic!("the seed's rules run on spans") };
    let rules = SeedRules::get();
    let mut outputs: [TracesData; 5] = Default::default();
    let mut routed = 0u8;
    for mut resource_spans in data.resource_spans {
        let resource = resource_spans.resource.get_or_insert_default();
        let fates: Vec<Vec<Fate>> = resource_spans
            .scope_spans
            .iter_mut()
            .map(|scope| scope.spans.iter_mut().map(|span| rules.apply(resource, span)).collect())
            .collect();
        routed |= fates.iter().flatten().fold(0, |bits, fate| bits | fate.routes);
        place(resource_spans, &fates, &mut outputs);
    }
    let [default, routes @ ..] = outputs;
    let routes = SEED_ROUTES
        .iter()
        .zip(routes)
        .enumerate()
        .filter(|(i, _)| routed & (1 << i) != 0)
        .map(|(_, (name, data))| (name.to_string(), Telemetry::Traces(data)))
        .collect();
    Outputs { default: Telemetry::Traces(default), routes }
}

/// Appends the spans of one resource to the outputs their fates send them to: cloned into
/// routes, moved into the default output; scopes and resources left empty are not added.
fn place(mut resource_spans: ResourceSpans, fates: &[Vec<Fate>], outputs: &mut [TracesData; 5]) {
    for slot in (0..outputs.len()).rev() {
        let scopes: Vec<ScopeSpans> = resource_spans
            .scope_spans
            .iter_mut()
            .zip(fates)
            .filter_map(|(scope, fates)| {
                let spans: Vec<Span> = if slot == 0 {
                    let all = std::mem::take(&mut scope.spans);
                    all.into_iter().zip(fates).filter(|(_, f)| f.reaches(0)).map(|(s, _)| s).collect()
                } else {
                    scope.spans.iter().zip(fates).filter(|(_, f)| f.reaches(slot)).map(|(s, _)| s.clone()).collect()
                };
                let scope = ScopeSpans { scope: scope.scope.clone(), spans, schema_url: scope.schema_url.clone() };
                (!scope.spans.is_empty()).then_some(scope)
            })
            .collect();
        if !scopes.is_empty() {
            let (resource, schema_url) = (resource_spans.resource.clone(), resource_spans.schema_url.clone());
            outputs[slot].resource_spans.push(ResourceSpans { resource, scope_spans: scopes, schema_url });
        }
    }
}

/// The seed's rules, with their card-number regex compiled on first use.
struct SeedRules {
    card: Regex,
}

impl SeedRules {
    fn get() -> &'static SeedRules {
        static RULES: std::sync::OnceLock<SeedRules> = std::sync::OnceLock::new();
        RULES.get_or_init(|| SeedRules { card: Regex::new(r"\d{4}-\d{4}-\d{4}-\d{4}").expect("valid regex") })
    }

    /// The seed's rules, in order, on one span.
    fn apply(&self, resource: &mut Resource, span: &mut Span) -> Fate {
        let mut fate = Fate::default();
        let status = span.status.as_ref().map_or(0, |s| s.code);
        // The rules that read the environment run before and after `user.email` is hashed,
        // which does not change it: it is read once.
        let environment = get_str(&resource.attributes, "deployment.environment");
        let [test, prod, staging] = ["test", "prod", "staging"].map(|name| environment == Some(name));
        fate.kept |= status == 1;
        fate.dropped |= test;
        let duration = span.end_time_unix_nano as i128 - span.start_time_unix_nano as i128;
        fate.kept |= duration > 3_000_000_000 && status == 2;
        fate.dropped |= ["GET /health", "GET /metrics"].contains(&span.name.as_str())
            || get_str(&span.attributes, "http.target") == Some("/ready");
        put(&mut span.attributes, "service.name", string("new-service-name".to_string()));
        remove(&mut span.attributes, "internal.debug.info");
        let response_status = get(&span.attributes, "http.response.status_code").cloned().unwrap_or_default();
        put(&mut span.attributes, "http.status_code", response_status);
        remove(&mut span.attributes, "http.response.status_code");
        if get_int(&span.attributes, "http.status_code").is_some_and(|code| code >= 500) {
            span.status.get_or_insert_default().code = 2;
        }
        if let Some(email) = get_str(&resource.attributes, "user.email") {
            let hashed = hex(&Sha256::digest(email.as_bytes()));
            put(&mut resource.attributes, "user.email", string(hashed));
        }
        if let Some(url) = get_str(&span.attributes, "http.url").filter(|url| url.len() > 100) {
            let truncated = truncate(url, 100, "...");
            put(&mut span.attributes, "http.url", string(truncated));
        }
        if let Some(body) = get_str(&span.attributes, "body").filter(|body| self.card.is_match(body)) {
            let masked = self.card.replace_all(body, regex::NoExpand("****-****-****-****")).into_owned();
            put(&mut span.attributes, "body", string(masked));
        }
        fate.routes |= u8::from(prod);
        fate.routes |= u8::from(staging) << 1;
        let service = get_str(&span.attributes, "service.name");
        fate.routes |= u8::from(service.is_some_and(|s| ["payment", "billing"].contains(&s))) << 2;
        fate.routes |= u8::from(sampled(&span.trace_id, 0.1)) << 3;
        fate
    }
}

/// `delete_key`: pdata's `Map.Remove` moves the last key into the removed key's place.
fn remove(attributes: &mut Vec<KeyValue>, key: &str) {
    if let Some(index) = attributes.iter().position(|kv| kv.key == key) {
        attributes.swap_remove(index);
    }
}

/// At most `limit` characters of `text`, `suffix` appended when it was cut.
fn truncate(text: &str, limit: usize, suffix: &str) -> String {
    match text.char_indices().nth(limit) {
        None => text.to_string(),
        Some((cut, _)) => format!("{}{suffix}", &text[..cut]),
    }
}

/// OpenTelemetry's TraceIdRatioBased decision on the low 63 bits of the trace id.
fn sampled(trace_id: &[u8], ratio: f64) -> bool {
    let low = trace_id.get(8..16).and_then(|b| b.try_into().ok()).map_or(0, u64::from_be_bytes) >> 1;
    low < (ratio * (1u64 << 63) as f64) as u64
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    bytes.iter().flat_map(|b| [DIGITS[usize::from(b >> 4)] as char, DIGITS[usize::from(b & 15)] as char]).collect()
}
