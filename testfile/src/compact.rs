//! Test inputs and expected outputs as written in a test file: OTLP/JSON written as YAML,
//! or the compact form for the common case, one item with its resource and scope:
//!
//! ```yaml
//! resource: {service.name: checkout}          # the resource's attributes
//! scope: {name: my.lib, version: "1.2"}        # name, version, attributes
//! span: {name: GET /users/7, attributes: {http.route: /users/7}}
//! ```
//!
//! The item is `span`, `log` or `datapoint` (with `metric: {name, type: gauge|sum}`), its
//! fields as in OTLP/JSON except that `attributes` (and a log's `body`) are plain YAML
//! values: a string, integer, float, boolean, list or map becomes the `AnyValue` of that
//! type.

use serde_json::{Map, Value as Json, json};

use ottl_compiler::yaml::tree::{Node, NodeId, Tree};
use saphyr_parser::ScalarStyle;

/// The OTLP/JSON keys a payload starts with.
const OTLP_KEYS: &[&str] = &["resourceSpans", "resourceMetrics", "resourceLogs", "resourceProfiles"];
/// The keys of the compact form.
pub const COMPACT_KEYS: &[&str] = &["resource", "scope", "span", "log", "metric", "datapoint"];

/// A YAML node as JSON: plain scalars resolve as YAML 1.2's core schema does (null,
/// booleans, integers, floats), quoted ones are strings.
pub fn to_json(tree: &Tree, id: NodeId) -> Json {
    match tree.node(id) {
        Node::Null => Json::Null,
        Node::Seq(items) => Json::Array(items.iter().map(|&item| to_json(tree, item)).collect()),
        Node::Map(_) => {
            Json::Object(tree.entries(id).into_iter().map(|(key, value)| (key.to_string(), to_json(tree, value))).collect())
        }
        Node::Scalar(scalar) if scalar.style != ScalarStyle::Plain => Json::String(scalar.value.clone()),
        Node::Scalar(scalar) => plain(&scalar.value),
    }
}

fn plain(text: &str) -> Json {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => Json::Null,
        "true" | "True" | "TRUE" => Json::Bool(true),
        "false" | "False" | "FALSE" => Json::Bool(false),
        _ => {
            if let Ok(int) = text.parse::<i64>() {
                return json!(int);
            }
            let numeric = text.bytes().any(|b| b.is_ascii_digit())
                && !text.bytes().any(|b| b.is_ascii_alphabetic() && b != b'e' && b != b'E');
            match text.parse::<f64>() {
                Ok(float) if numeric => json!(float),
                _ => Json::String(text.to_string()),
            }
        }
    }
}

/// A payload as written (OTLP/JSON, or the compact form) as OTLP/JSON.
pub fn to_otlp(written: &Json) -> Result<Json, String> {
    let Json::Object(fields) = written else { return Err("an input is a mapping: OTLP/JSON or the compact form".into()) };
    if fields.keys().any(|key| OTLP_KEYS.contains(&key.as_str())) {
        return Ok(written.clone());
    }
    if let Some(key) = fields.keys().find(|key| !COMPACT_KEYS.contains(&key.as_str())) {
        return Err(format!(
            "`{key}` is neither OTLP/JSON ({}) nor a key of the compact form ({})",
            OTLP_KEYS.join(", "),
            COMPACT_KEYS.join(", ")
        ));
    }
    let resource = json!({"attributes": attributes(fields.get("resource").unwrap_or(&Json::Null))});
    let scope = scope(fields.get("scope"))?;
    let items: Vec<&str> = ["span", "log", "datapoint"].into_iter().filter(|key| fields.contains_key(*key)).collect();
    let (key, item) = match items[..] {
        [key] => (key, item(fields.get(key).unwrap_or(&Json::Null))?),
        _ => return Err("the compact form has one item: `span`, `log` or `datapoint`".into()),
    };
    Ok(match key {
        "span" => json!({"resourceSpans": [{"resource": resource, "scopeSpans": [{"scope": scope, "spans": [item]}]}]}),
        "log" => {
            let mut record = item;
            if let Some(body) = record.get_mut("body") {
                *body = any_value(body);
            }
            json!({"resourceLogs": [{"resource": resource, "scopeLogs": [{"scope": scope, "logRecords": [record]}]}]})
        }
        _ => {
            let metric = metric(fields.get("metric"), item)?;
            json!({"resourceMetrics": [{"resource": resource, "scopeMetrics": [{"scope": scope, "metrics": [metric]}]}]})
        }
    })
}

fn scope(written: Option<&Json>) -> Result<Json, String> {
    let mut scope = match written {
        None | Some(Json::Null) => return Ok(json!({})),
        Some(Json::Object(fields)) => fields.clone(),
        Some(_) => return Err("`scope` is a mapping: name, version, attributes".into()),
    };
    if let Some(attrs) = scope.get_mut("attributes") {
        *attrs = attributes(attrs);
    }
    Ok(Json::Object(scope))
}

/// An item's fields with its `attributes` as OTLP key-values.
fn item(written: &Json) -> Result<Json, String> {
    let mut item = match written {
        Json::Null => Map::new(),
        Json::Object(fields) => fields.clone(),
        _ => return Err("the item is a mapping of its OTLP/JSON fields".into()),
    };
    if let Some(attrs) = item.get_mut("attributes") {
        *attrs = attributes(attrs);
    }
    Ok(Json::Object(item))
}

/// A metric holding the one data point: `type: sum` or `gauge` (the default).
fn metric(written: Option<&Json>, point: Json) -> Result<Json, String> {
    let mut metric = match written {
        None | Some(Json::Null) => Map::new(),
        Some(Json::Object(fields)) => fields.clone(),
        Some(_) => return Err("`metric` is a mapping: name, unit, description, type".into()),
    };
    let kind = match metric.remove("type") {
        None => "gauge".to_string(),
        Some(Json::String(kind)) if kind == "gauge" || kind == "sum" => kind,
        Some(other) => return Err(format!("metric `type` is `gauge` or `sum`, not {other}")),
    };
    metric.insert(kind, json!({"dataPoints": [point]}));
    Ok(Json::Object(metric))
}

/// Plain attributes (`{k: v}`) as OTLP key-values; a list is taken as OTLP already.
fn attributes(written: &Json) -> Json {
    match written {
        Json::Object(fields) => {
            Json::Array(fields.iter().map(|(key, value)| json!({"key": key, "value": any_value(value)})).collect())
        }
        Json::Null => Json::Array(Vec::new()),
        other => other.clone(),
    }
}

/// A plain value as an OTLP `AnyValue`.
fn any_value(value: &Json) -> Json {
    match value {
        Json::Null => json!({}),
        Json::Bool(b) => json!({"boolValue": b}),
        Json::Number(n) if n.is_i64() || n.is_u64() => json!({"intValue": n.to_string()}),
        Json::Number(n) => json!({"doubleValue": n}),
        Json::String(s) => json!({"stringValue": s}),
        Json::Array(items) => json!({"arrayValue": {"values": items.iter().map(any_value).collect::<Vec<_>>()}}),
        Json::Object(_) => json!({"kvlistValue": {"values": attributes(value)}}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_compact_form_is_one_item_with_plain_attributes() {
        let written =
            json!({"resource": {"service.name": "a"}, "span": {"name": "GET", "attributes": {"n": 3, "ok": true, "f": 1.5}}});
        let otlp = to_otlp(&written).unwrap();
        let span = &otlp["resourceSpans"][0]["scopeSpans"][0]["spans"][0];
        assert_eq!(span["attributes"][0], json!({"key": "f", "value": {"doubleValue": 1.5}}));
        assert_eq!(span["attributes"][1], json!({"key": "n", "value": {"intValue": "3"}}));
        assert_eq!(otlp["resourceSpans"][0]["resource"]["attributes"][0]["value"], json!({"stringValue": "a"}));
        assert!(ottl_runtime::otlp::Telemetry::from_json(&otlp.to_string()).is_ok());
    }

    #[test]
    fn a_data_point_sits_in_its_metric() {
        let otlp = to_otlp(&json!({"metric": {"name": "m", "type": "sum"}, "datapoint": {"asInt": "1"}})).unwrap();
        assert_eq!(otlp["resourceMetrics"][0]["scopeMetrics"][0]["metrics"][0]["sum"]["dataPoints"][0]["asInt"], "1");
    }

    #[test]
    fn plain_scalars_resolve_as_yaml_does() {
        assert_eq!(plain("12"), json!(12));
        assert_eq!(plain("1.5"), json!(1.5));
        assert_eq!(plain("infinity"), json!("infinity"));
        assert_eq!(plain("/users/7"), json!("/users/7"));
    }
}
