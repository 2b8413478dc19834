//! What a file exporter wrote (the agent's or the collector's: one OTLP/JSON document per
//! line), flattened into items to compare one by one.
//!
//! Normalization, and why each part is legitimate:
//! - Documents are read into the OTLP structs and written back by the runtime
//!   (`differential::canonical`): JSON field order, int64 as string or number, and fields
//!   at their default value are encodings of the same message.
//! - Attribute lists become objects keyed by attribute name: OTLP attributes are a map, whose
//!   order carries no meaning (pdata's `Map.Equal` ignores it).
//! - Data points are sorted within their metric (`canonical` does this for aggregations that
//!   build groups in Go's random map order; no statement here reorders points).
//! - Documents are concatenated per signal: how the exporters cut batches into lines is not
//!   the data. Items keep their order.
//!
//! Nothing else is normalized: a resource or scope left empty by one side and removed by the
//! other is a difference (see [`containers`]).

use std::path::Path;

use ottl_runtime::otlp::Telemetry;
use ottl_tests::collector::read_file_output;
use ottl_tests::differential::canonical;
use serde_json::{Value as Json, json};

/// The documents of a file exporter, concatenated: one payload of the file's signal (`None`
/// when the file holds nothing).
pub fn read_merged(path: &Path) -> Result<Option<Telemetry>, String> {
    let mut merged: Option<Telemetry> = None;
    for document in read_file_output(path)? {
        merged = Some(match (merged, document) {
            (None, document) => document,
            (Some(Telemetry::Traces(mut a)), Telemetry::Traces(b)) => {
                a.resource_spans.extend(b.resource_spans);
                Telemetry::Traces(a)
            }
            (Some(Telemetry::Metrics(mut a)), Telemetry::Metrics(b)) => {
                a.resource_metrics.extend(b.resource_metrics);
                Telemetry::Metrics(a)
            }
            (Some(Telemetry::Logs(mut a)), Telemetry::Logs(b)) => {
                a.resource_logs.extend(b.resource_logs);
                Telemetry::Logs(a)
            }
            (Some(_), _) => return Err(format!("{} mixes signals", path.display())),
        });
    }
    Ok(merged)
}

/// The payload in canonical OTLP/JSON (see the module's notes).
pub fn canonical_json(telemetry: &Telemetry) -> Json {
    canonical(&telemetry.to_json()).unwrap_or_else(|e| json!({ "unreadable": e }))
}

/// Every item (span, metric, log record) with the resource and scope it sits in, in order.
pub fn items(telemetry: &Telemetry) -> Vec<Json> {
    walk(telemetry, |resource, scope, item| json!({"resource": resource, "scope": scope, "item": item}))
}

/// The shape of the payload: each resource and scope, with whether it holds items. Shows
/// containers that one side keeps empty and the other removes.
pub fn containers(telemetry: &Telemetry) -> Vec<String> {
    let json = canonical_json(telemetry);
    let (resources, scopes, items) = keys(telemetry);
    let mut shape = Vec::new();
    for resource in json[resources].as_array().into_iter().flatten() {
        shape.push(format!("resource {}", resource["resource"]));
        for scope in resource[scopes].as_array().into_iter().flatten() {
            let empty = if scope[items].as_array().is_none_or(Vec::is_empty) { " (empty)" } else { "" };
            shape.push(format!("  scope {}{empty}", scope["scope"]));
        }
    }
    shape
}

fn keys(telemetry: &Telemetry) -> (&'static str, &'static str, &'static str) {
    match telemetry {
        Telemetry::Traces(_) => ("resourceSpans", "scopeSpans", "spans"),
        Telemetry::Metrics(_) => ("resourceMetrics", "scopeMetrics", "metrics"),
        Telemetry::Logs(_) => ("resourceLogs", "scopeLogs", "logRecords"),
        Telemetry::Profiles(_) => ("resourceProfiles", "scopeProfiles", "profiles"),
    }
}

fn walk(telemetry: &Telemetry, mut each: impl FnMut(&Json, &Json, &Json) -> Json) -> Vec<Json> {
    let json = canonical_json(telemetry);
    let (resources, scopes, items) = keys(telemetry);
    let mut found = Vec::new();
    for resource in json[resources].as_array().into_iter().flatten() {
        let resource_fields = without(resource, scopes);
        for scope in resource[scopes].as_array().into_iter().flatten() {
            let scope_fields = without(scope, items);
            for item in scope[items].as_array().into_iter().flatten() {
                found.push(each(&resource_fields, &scope_fields, item));
            }
        }
    }
    found
}

/// A container's own fields: everything but the list of what it contains.
fn without(container: &Json, list: &str) -> Json {
    match container {
        Json::Object(fields) => {
            Json::Object(fields.iter().filter(|(k, _)| *k != list).map(|(k, v)| (k.clone(), v.clone())).collect())
        }
        other => other.clone(),
    }
}

/// One item that differs between two payloads.
#[derive(Debug)]
pub struct Difference {
    /// Which item: see [`label`].
    pub label: String,
    pub description: String,
}

/// Names an item so that the two sides' items can be matched: its resource's
/// `service.name`, and its name (spans, metrics) or body (log records). Items must be
/// unique by label on each side (the inputs are written so).
pub fn label(item: &Json) -> String {
    let service = item["resource"]["resource"]["attributes"]["service.name"]["stringValue"].as_str().unwrap_or("?");
    let name = match (&item["item"]["name"], &item["item"]["body"]["stringValue"]) {
        (Json::String(name), _) | (_, Json::String(name)) => name.clone(),
        _ => item["item"]["body"].to_string(),
    };
    format!("{service}: {name}")
}

/// Compares two payloads item by item, matching items by [`label`]; every difference,
/// described, and the containers (resources and scopes, also empty ones) as one more.
pub fn differences(ours_name: &str, ours: &Telemetry, theirs_name: &str, theirs: &Telemetry) -> Vec<Difference> {
    let labelled =
        |telemetry: &Telemetry| -> Vec<(String, Json)> { items(telemetry).into_iter().map(|i| (label(&i), i)).collect() };
    let (a, b) = (labelled(ours), labelled(theirs));
    let mut found = Vec::new();
    for (label, x) in &a {
        match b.iter().find(|(l, _)| l == label) {
            None => found.push(Difference { label: label.clone(), description: format!("only in {ours_name}: {x}") }),
            Some((_, y)) if x != y => found.push(Difference {
                label: label.clone(),
                description: format!("differs:\n    {ours_name}: {x}\n    {theirs_name}: {y}"),
            }),
            Some(_) => {}
        }
    }
    for (label, y) in b.iter().filter(|(l, _)| !a.iter().any(|(m, _)| m == l)) {
        found.push(Difference { label: label.clone(), description: format!("only in {theirs_name}: {y}") });
    }
    let (shape_a, shape_b) = (containers(ours), containers(theirs));
    if shape_a != shape_b {
        found.push(Difference {
            label: "containers".into(),
            description: format!("{ours_name}:\n{}\n  {theirs_name}:\n{}", shape_a.join("\n"), shape_b.join("\n")),
        });
    }
    found
}

/// Differences as a report a person can act on.
pub fn report(differences: &[Difference]) -> String {
    differences.iter().map(|d| format!("- {}: {}", d.label, d.description)).collect::<Vec<_>>().join("\n")
}

/// `traces`, `metrics`, `logs` or `profiles`.
pub fn signal_name(telemetry: &Telemetry) -> &'static str {
    match telemetry {
        Telemetry::Traces(_) => "traces",
        Telemetry::Metrics(_) => "metrics",
        Telemetry::Logs(_) => "logs",
        Telemetry::Profiles(_) => "profiles",
    }
}
