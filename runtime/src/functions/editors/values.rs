//! `stringify_all` and `clear`: values rewritten by their type.

use super::super::EditorHost;
use super::super::shorthand::*;
use super::edit_map;
use crate::bail;
use crate::coerce;
use crate::editor;
use crate::error::Result;
use crate::value::{Map, Value};

pub(crate) static FUNCTIONS: &[Function] = &[
    Function::editor(
        "stringify_all",
        &[MAP_TARGET],
        editor!(stringify_all(target)),
        "Converts every non-string value of a map to a string (numbers as text, bytes as base64, maps and slices as JSON).",
        &[Example::new(
            r#"stringify_all(attributes)"#,
            r#"attributes["http.status_code"] == "200" and attributes["tags"] == "[\"a\",\"b\"]" and attributes["nested"] == "{\"k\":\"v\"}""#,
        )],
    ),
    Function::editor(
        "clear",
        &[r("target", K::GetSetter)],
        editor!(clear(target)),
        "Sets the target to the empty value of its current type (map → {}, slice → [], string → \"\").",
        &[
            Example::new(r#"clear(attributes["tags"])"#, r#"Len(attributes["tags"]) == 0"#),
            Example::new(r#"clear(attributes["message"])"#, r#"attributes["message"] == """#),
        ],
    ),
];

/// `stringify_all(target)`: every non-string value as `pcommon.Value.AsString` writes it.
fn stringify_all(host: &mut dyn EditorHost) -> Result<()> {
    edit_map(host, |map| {
        for value in map.values_mut() {
            if !matches!(value, Value::String(_)) {
                *value = Value::String(as_string(value));
            }
        }
        Ok(())
    })
}

/// `pcommon.Value.AsString`: Empty → "", numbers as JSON numbers (ES6 float form), bytes as
/// base64, maps and slices as JSON.
pub(in crate::functions) fn as_string(value: &Value) -> String {
    match value {
        Value::Nil => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) if f.is_finite() => coerce::json_float(*f),
        Value::Float(f) => format!("json: unsupported value: {}", coerce::format_float(*f)),
        Value::Bytes(bytes) => coerce::base64_std(bytes),
        other => coerce::to_json_string(other),
    }
}

/// `clear(target)`: the zero value of the target's type.
fn clear(host: &mut dyn EditorHost) -> Result<()> {
    let zero = match host.get_target()? {
        Value::Nil => Value::Nil,
        Value::Bool(_) => Value::Bool(false),
        Value::Int(_) => Value::Int(0),
        Value::Float(_) => Value::Float(0.0),
        Value::String(_) => Value::String(String::new()),
        Value::Bytes(_) => Value::Bytes(Vec::new()),
        Value::Map(_) => Value::Map(Map::new()),
        Value::Slice(_) => Value::Slice(Vec::new()),
        Value::Time(_) => chrono::DateTime::parse_from_rfc3339("0001-01-01T00:00:00Z").map_or(Value::Nil, Value::Time),
        Value::Duration(_) => Value::Duration(0),
        Value::TraceId(_) => Value::TraceId([0; 16]),
        Value::SpanId(_) => Value::SpanId([0; 8]),
        Value::ProfileId(_) => Value::ProfileId([0; 16]),
        Value::Pdata(p) => bail!("cannot infer zero value for type {} in clear", p.go_type()),
    };
    host.set_target(zero)
}

#[cfg(test)]
mod tests {
    use super::super::test_values::*;
    use super::*;

    #[test]
    fn stringify_all_uses_as_string() {
        let before = map(&[
            ("a", Value::Int(1)),
            ("b", Value::Bool(true)),
            ("c", s("x")),
            ("d", Value::Slice(vec![Value::Int(1), Value::Int(2)])),
            ("e", map(&[("f", Value::Float(1.5))])),
            ("g", Value::Bytes(b"hi".to_vec())),
            ("h", Value::Nil),
            ("i", Value::Float(1e21)),
        ]);
        let after = edit("stringify_all", before, vec![]).unwrap();
        let expected = map(&[
            ("a", s("1")),
            ("b", s("true")),
            ("c", s("x")),
            ("d", s("[1,2]")),
            ("e", s("{\"f\":1.5}")),
            ("g", s("aGk=")),
            ("h", s("")),
            ("i", s("1e+21")),
        ]);
        assert_eq!(after, expected);
    }

    #[test]
    fn clear_gives_zero_values() {
        assert_eq!(edit("clear", s("get"), vec![]).unwrap(), s(""));
        assert_eq!(edit("clear", log_editors(), vec![]).unwrap(), map(&[]));
        assert_eq!(edit("clear", list(&["a"]), vec![]).unwrap(), Value::Slice(vec![]));
        assert_eq!(edit("clear", Value::Int(3), vec![]).unwrap(), Value::Int(0));
        assert_eq!(edit("clear", Value::Nil, vec![]).unwrap(), Value::Nil);
    }
}
