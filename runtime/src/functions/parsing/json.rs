//! `ParseJSON`: JSON text into maps and slices, as Go's `encoding/json` decodes into `any`.

use super::super::shorthand::*;
use crate::converter;
use crate::error::{Error, Result};
use crate::value::Value;

pub(crate) static FUNCTIONS: &[Function] = &[Function::converter(
    "ParseJSON",
    TARGET_STR,
    T::Any,
    converter!(parse_json(target)),
    "Parses a JSON string into a map or a slice; every number becomes a double.",
    &[
        Example::new(r#"ParseJSON("{\"user\": \"alice\", \"id\": 7}")"#, r#"{"user": "alice", "id": 7.0}"#),
        Example::new(r#"ParseJSON("[1, 2]")"#, r#"[1.0, 2.0]"#),
    ],
)
.pure()];

/// `ParseJSON(target)`: an object becomes a map, an array a slice; every number becomes
/// a double, as Go's decoding into `any` gives. Nesting is capped by serde_json's
/// recursion limit (128 levels), which turns deeper input into an error.
fn parse_json(target: &str) -> Result<Value> {
    let parsed: serde_json::Value = serde_json::from_str(target).map_err(|e| Error::new(e.to_string()))?;
    match parsed {
        serde_json::Value::Object(_) | serde_json::Value::Array(_) => Ok(json_to_value(parsed)),
        other => Err(Error::new(format!("could not convert parsed value of type {} to JSON object", json_go_type(&other)))),
    }
}

/// The Go type `encoding/json` decodes a scalar into.
fn json_go_type(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "<nil>",
        serde_json::Value::Bool(_) => "bool",
        serde_json::Value::Number(_) => "float64",
        serde_json::Value::String(_) => "string",
        serde_json::Value::Array(_) => "[]interface {}",
        serde_json::Value::Object(_) => "map[string]interface {}",
    }
}

fn json_to_value(value: serde_json::Value) -> Value {
    match value {
        serde_json::Value::Null => Value::Nil,
        serde_json::Value::Bool(b) => Value::Bool(b),
        serde_json::Value::Number(n) => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
        serde_json::Value::String(s) => Value::String(s),
        serde_json::Value::Array(items) => Value::Slice(items.into_iter().map(json_to_value).collect()),
        serde_json::Value::Object(m) => Value::Map(m.into_iter().map(|(k, v)| (k, json_to_value(v))).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_values::*;
    use super::*;

    #[test]
    fn parse_json_objects_arrays_and_errors() {
        assert_eq!(convert("ParseJSON", vec![s(r#"{"attr":true}"#)]).unwrap(), map(&[("attr", Value::Bool(true))]));
        assert_eq!(convert("ParseJSON", vec![s(r#"["value1","value2"]"#)]).unwrap(), list(&["value1", "value2"]));
        let nested = convert("ParseJSON", vec![s(r#"{"n":1,"m":{"x":[null,2.5]}}"#)]).unwrap();
        let inner = map(&[("x", Value::Slice(vec![Value::Nil, Value::Float(2.5)]))]);
        assert_eq!(nested, map(&[("n", Value::Float(1.0)), ("m", inner)]));
        assert!(
            matches!(convert("ParseJSON", vec![s(r#"{"n":1}"#)]).unwrap(), Value::Map(m) if matches!(m["n"], Value::Float(_)))
        );
        convert("ParseJSON", vec![s("not json")]).unwrap_err();
        assert_eq!(error("ParseJSON", vec![s("1")]), "could not convert parsed value of type float64 to JSON object");
        let deep = "[".repeat(100_000);
        convert("ParseJSON", vec![s(&deep)]).unwrap_err();
        assert_eq!(error("ParseJSON", vec![Value::Int(1)]), "expected string but got int64");
    }
}
