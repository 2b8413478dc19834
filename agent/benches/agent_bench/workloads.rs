//! The workloads: the records sent (pre-encoded OTLP/HTTP bodies), how many of each body's
//! records should reach the sink, and the configs the agent and the collector run them with.
//!
//! The records and rules are `ottl-bench`'s (`ottl_tests::bench_data`). The collector has no
//! rule form, so the seed's rules run there as the closest transform/filter config: keep and
//! drop become one filter before the transform, and each route a pipeline of its own whose
//! last filter lets through only what the route takes (the routing connector of this
//! collector release is not served). The agent runs that same translation, and the rule
//! file itself through its `rules` processor.

use ottl_compiler::interp;
use ottl_compiler::program::ErrorMode;
use ottl_compiler::schema::Context;
use ottl_runtime::otlp::Telemetry;
use ottl_runtime::otlp::logs::v1::LogsData;
use ottl_runtime::otlp::trace::v1::TracesData;
use ottl_tests::bench_data;
use prost::Message;

use crate::sink::count_records;

/// Records made per workload, and resources per request (100 records each).
const RECORDS: usize = 10_000;
const RESOURCES_PER_REQUEST: usize = 5;
/// Statements of the log rule set (`ottl-bench`'s "50 log statements").
const LOG_STATEMENTS: usize = 50;
/// The seed's rule file, which the agent's `rules` processor reads.
const SEED_RULES_FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/seed-rules.ottl");
/// The seed's routes, each a pipeline of its own in the translation.
const SEED_ROUTES: [&str; 4] = ["prod_exporter", "staging_exporter", "financial_queue", "sampled_exporter"];

pub struct Workload {
    pub name: &'static str,
    /// The OTLP/HTTP path the bodies are posted to.
    pub path: &'static str,
    /// `Export…ServiceRequest`s, protobuf.
    pub bodies: Vec<Vec<u8>>,
    /// The records in each body.
    pub records: Vec<u64>,
    /// How many records each body should deliver to the sink (routes included).
    pub delivered: Vec<u64>,
    pub setups: Vec<Setup>,
}

/// A process and the config it runs the workload with.
pub struct Setup {
    pub process: Process,
    /// How the table names it.
    pub label: &'static str,
    /// With `{RECEIVER}` and `{SINK}` for the ports.
    config: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Process {
    Agent,
    Collector,
}

impl Setup {
    pub fn config(&self, receiver: u16, sink: u16) -> String {
        self.config.replace("{RECEIVER}", &receiver.to_string()).replace("{SINK}", &sink.to_string())
    }
}

/// Every workload, in the order of the table.
pub fn all() -> Result<Vec<Workload>, String> {
    Ok(vec![pass_through()?, log_statements()?, seed()?])
}

/// Logs through a batch processor and nothing else: the cost of receiving, batching and
/// exporting.
pub fn pass_through() -> Result<Workload, String> {
    let config = config("  batch: {}\n", &pipeline("logs", &["batch"]));
    let setups = both(&config);
    Workload::new("pass-through (logs)", bench_data::logs(RECORDS), &|t| Ok(items(t)), setups)
}

/// `ottl-bench`'s 50 log statements, as a transform processor's statements.
fn log_statements() -> Result<Workload, String> {
    let statements = yaml_list(&bench_data::log_statements(LOG_STATEMENTS), 6);
    let processors = format!("  transform/bench:\n    error_mode: ignore\n    log_statements:\n{statements}  batch: {{}}\n");
    let config = config(&processors, &pipeline("logs", &["transform/bench", "batch"]));
    Workload::new("50 log statements", bench_data::logs(RECORDS), &|t| Ok(items(t)), both(&config))
}

/// The seed's rules on spans: the collector's translation in both, and the rule form in the
/// agent.
fn seed() -> Result<Workload, String> {
    let rules = ottl_tests::rules::compile(bench_data::SEED_RULES, Some(Context::Span), &[], ErrorMode::Ignore)
        .map_err(|d| format!("the seed's rules do not compile: {:?}", d.iter().map(|d| &d.message).collect::<Vec<_>>()))?;
    // The records the rule form lets through, to the default output or a route.
    let outcome = |telemetry: &Telemetry| {
        let outputs = interp::run(&rules, telemetry.clone(), &mut |_| {}).map_err(|e| e.to_string())?;
        Ok(items(&outputs.default) + outputs.routes.values().map(items).sum::<u64>())
    };
    let translation = seed_translation();
    let route_exporters: String = SEED_ROUTES.iter().map(|route| format!("      {route}: [otlphttp]\n")).collect();
    let rule_form = config(
        &format!("  rules/seed:\n    files: [{SEED_RULES_FILE}]\n    routes:\n{route_exporters}  batch: {{}}\n"),
        &pipeline("traces", &["rules/seed", "batch"]),
    );
    let mut setups = both(&translation);
    setups.push(Setup { process: Process::Agent, label: "agent, rule form", config: rule_form });
    Workload::new("seed rules (spans)", bench_data::spans(RECORDS), &outcome, setups)
}

/// The seed's rules as transform and filter processors. Their order is the rules' order: the
/// keep/drop rules read the spans before the rules that change them, the routes after.
fn seed_translation() -> String {
    // The rule form's `keep()` makes an allow-list: a span goes unless a keep rule matched.
    let keep_or_drop = [
        r#"not (span.status.code == STATUS_CODE_OK or (span.end_time_unix_nano - span.start_time_unix_nano > 3000000000 and span.status.code == STATUS_CODE_ERROR))"#,
        r#"resource.attributes["deployment.environment"] == "test""#,
        r#"span.name == "GET /health" or span.name == "GET /metrics" or span.attributes["http.target"] == "/ready""#,
    ];
    let transform = [
        r#"set(span.attributes["service.name"], "new-service-name")"#,
        r#"delete_key(span.attributes, "internal.debug.info")"#,
        r#"set(span.attributes["http.status_code"], span.attributes["http.response.status_code"])"#,
        r#"delete_key(span.attributes, "http.response.status_code")"#,
        r#"set(span.status.code, STATUS_CODE_ERROR) where span.attributes["http.status_code"] >= 500"#,
        r#"set(resource.attributes["user.email"], SHA256(resource.attributes["user.email"])) where resource.attributes["user.email"] != nil"#,
        r#"set(span.attributes["http.url"], Concat([Substring(span.attributes["http.url"], 0, 100), "..."], "")) where Len(span.attributes["http.url"]) > 100"#,
        r#"replace_pattern(span.attributes["body"], "\\d{4}-\\d{4}-\\d{4}-\\d{4}", "****-****-****-****")"#,
    ];
    let routes = seed_route_conditions();
    let strings = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let mut processors = format!(
        "  filter/seed:\n    error_mode: ignore\n    trace_conditions:\n{}  transform/seed:\n    error_mode: ignore\n    trace_statements:\n{}",
        yaml_list(&strings(&keep_or_drop), 6),
        yaml_list(&strings(&transform), 6),
    );
    // The default output: what no route took.
    processors.push_str(&format!("  filter/unrouted:\n    trace_conditions:\n{}", yaml_list(&routes, 6)));
    let mut pipelines = pipeline("traces", &["filter/seed", "transform/seed", "filter/unrouted", "batch"]);
    for (route, condition) in SEED_ROUTES.iter().zip(&routes) {
        processors
            .push_str(&format!("  filter/{route}:\n    trace_conditions:\n{}", yaml_list(&[format!("not ({condition})")], 6)));
        let filter = format!("filter/{route}");
        pipelines.push_str(&pipeline(&format!("traces/{route}"), &["filter/seed", "transform/seed", &filter, "batch"]));
    }
    processors.push_str("  batch: {}\n");
    config(&processors, &pipelines)
}

/// The condition of each of `SEED_ROUTES`, in OTTL the collector runs.
fn seed_route_conditions() -> Vec<String> {
    // `TraceIDRatioBasedSampler(id, 0.1)` takes a trace when the low 63 bits of its last
    // eight bytes are below 0.1 of their range, as the runtime computes that bound; in the
    // collector's OTTL: the last 16 hex digits of the trace id below twice the bound.
    let bound = (0.1 * (1u64 << 63) as f64) as u64;
    vec![
        r#"resource.attributes["deployment.environment"] == "prod""#.to_string(),
        r#"resource.attributes["deployment.environment"] == "staging""#.to_string(),
        r#"span.attributes["service.name"] == "payment" or span.attributes["service.name"] == "billing""#.to_string(),
        format!(r#"Substring(span.trace_id.string, 16, 16) < "{:016x}""#, 2 * bound),
    ]
}

impl Workload {
    /// `telemetry` cut into requests of `RESOURCES_PER_REQUEST` resources, with what
    /// `outcome` says each delivers.
    fn new(
        name: &'static str,
        telemetry: Telemetry,
        outcome: &dyn Fn(&Telemetry) -> Result<u64, String>,
        setups: Vec<Setup>,
    ) -> Result<Workload, String> {
        let path = match &telemetry {
            Telemetry::Logs(_) => "/v1/logs",
            Telemetry::Traces(_) => "/v1/traces",
            _ => return Err(format!("{name}: the bench sends logs and spans only")),
        };
        let (mut bodies, mut records, mut delivered) = (Vec::new(), Vec::new(), Vec::new());
        for request in split(telemetry) {
            let body = encode(&request);
            // The sink counts without decoding: check that it counts these right.
            let sent = items(&request);
            if count_records(&body)? != sent {
                return Err(format!("{name}: the sink's count of a request is not {sent}"));
            }
            records.push(sent);
            delivered.push(outcome(&request)?);
            bodies.push(body);
        }
        Ok(Workload { name, path, bodies, records, delivered, setups })
    }
}

/// The collector and the agent, on one config.
fn both(config: &str) -> Vec<Setup> {
    vec![
        Setup { process: Process::Collector, label: "collector", config: config.to_string() },
        Setup { process: Process::Agent, label: "agent", config: config.to_string() },
    ]
}

/// A config receiving OTLP/HTTP on `{RECEIVER}` and exporting uncompressed OTLP/HTTP to the
/// sink on `{SINK}`, with the collector's default sending queue and retries, and no
/// self-metrics (both would listen on 8888).
fn config(processors: &str, pipelines: &str) -> String {
    format!(
        "receivers:\n  otlp:\n    protocols:\n      http:\n        endpoint: 127.0.0.1:{{RECEIVER}}\n\
         processors:\n{processors}\
         exporters:\n  otlphttp:\n    endpoint: http://127.0.0.1:{{SINK}}\n    compression: none\n\
         service:\n  telemetry:\n    metrics:\n      level: none\n  pipelines:\n{pipelines}"
    )
}

fn pipeline(name: &str, processors: &[&str]) -> String {
    format!("    {name}:\n      receivers: [otlp]\n      processors: [{}]\n      exporters: [otlphttp]\n", processors.join(", "))
}

/// A YAML block list of single-quoted strings, indented by `indent`.
fn yaml_list(items: &[String], indent: usize) -> String {
    items.iter().map(|item| format!("{:indent$}- '{}'\n", "", item.replace('\'', "''"))).collect()
}

/// The requests: consecutive resources, `RESOURCES_PER_REQUEST` at a time.
fn split(telemetry: Telemetry) -> Vec<Telemetry> {
    match telemetry {
        Telemetry::Logs(data) => data
            .resource_logs
            .chunks(RESOURCES_PER_REQUEST)
            .map(|chunk| Telemetry::Logs(LogsData { resource_logs: chunk.to_vec() }))
            .collect(),
        Telemetry::Traces(data) => data
            .resource_spans
            .chunks(RESOURCES_PER_REQUEST)
            .map(|chunk| Telemetry::Traces(TracesData { resource_spans: chunk.to_vec() }))
            .collect(),
        other => vec![other],
    }
}

/// The protobuf body of an export request (`LogsData` and `ExportLogsServiceRequest` are
/// the same message on the wire, and so for traces).
fn encode(telemetry: &Telemetry) -> Vec<u8> {
    match telemetry {
        Telemetry::Logs(data) => data.encode_to_vec(),
        Telemetry::Traces(data) => data.encode_to_vec(),
        Telemetry::Metrics(data) => data.encode_to_vec(),
        Telemetry::Profiles(data) => data.encode_to_vec(),
    }
}

/// Log records or spans.
fn items(telemetry: &Telemetry) -> u64 {
    let count = match telemetry {
        Telemetry::Logs(data) => data.resource_logs.iter().flat_map(|r| &r.scope_logs).map(|s| s.log_records.len()).sum(),
        Telemetry::Traces(data) => data.resource_spans.iter().flat_map(|r| &r.scope_spans).map(|s| s.spans.len()).sum(),
        _ => 0,
    };
    count as u64
}
