//! `ParseKeyValue` and `ToKeyValueString`: `k=v k2=v2` text to a map and back.

use super::super::Args;
use super::super::shorthand::*;
use crate::coerce::{self, go_quote};
use crate::error::Result;
use crate::value::{Map, Value};

pub(crate) static FUNCTIONS: &[Function] = &[
    Function::converter(
        "ParseKeyValue",
        &[r("target", K::StringGetter), o("delimiter", K::String), o("pair_delimiter", K::String)],
        MAP,
        |args, _| parse_key_value(args),
        "Parses `k=v k2=v2` text into a map; quoted values may contain delimiters.",
        &[
            Example::new(r#"ParseKeyValue("user=alice action=login")"#, r#"{"user": "alice", "action": "login"}"#),
            Example::new(r#"ParseKeyValue("a:1&b:2", ":", "&")"#, r#"{"a": "1", "b": "2"}"#),
        ],
    ),
    Function::converter(
        "ToKeyValueString",
        &[r("target", K::PMapGetter), o("delimiter", K::String), o("pair_delimiter", K::String), o("sort_output", K::Bool)],
        T::String,
        |args, _| to_key_value_string(args),
        "Formats a map as `k=v k2=v2` text; values containing a delimiter are quoted.",
        &[Example::new(
            r#"ToKeyValueString({"user": "alice", "action": "login"}, "=", " ", true)"#,
            r#""action=login user=alice""#,
        )],
    ),
];

/// The text `pcommon.Value.AsString` gives: bytes as base64, maps and slices as JSON,
/// Empty as "".
fn pcommon_as_string(value: &Value) -> String {
    match value {
        Value::Nil => String::new(),
        Value::String(s) => s.clone(),
        Value::Bytes(b) => coerce::base64_std(b),
        Value::Float(f) => coerce::format_float(*f),
        Value::Map(_) | Value::Slice(_) => coerce::to_json_string(value),
        other => other.to_string(),
    }
}

/// An optional delimiter parameter: its value, or `default` when absent (or, for
/// `ParseKeyValue`, empty).
fn delimiter_or<'a>(args: &'a Args<'_>, i: usize, default: &'a str, empty_is_default: bool) -> Result<&'a str> {
    match args.optional(i) {
        None => Ok(default),
        Some(v) => {
            let s = coerce::string(v)?;
            Ok(if s.is_empty() && empty_is_default { default } else { s })
        }
    }
}

fn check_distinct_delimiters(delimiter: &str, pair_delimiter: &str) -> Result<()> {
    if delimiter == pair_delimiter {
        crate::bail!("pair delimiter {} cannot be equal to delimiter {}", go_quote(pair_delimiter), go_quote(delimiter));
    }
    Ok(())
}

/// `ParseKeyValue(target, delimiter="=", pair_delimiter=" ")`.
fn parse_key_value(args: &mut Args<'_>) -> Result<Value> {
    let delimiter = delimiter_or(args, 1, "=", true)?;
    let pair_delimiter = delimiter_or(args, 2, " ", true)?;
    check_distinct_delimiters(delimiter, pair_delimiter)?;
    let source = args.string(0)?;
    if source.is_empty() {
        crate::bail!("cannot parse from empty target");
    }
    let pairs = split_respecting_quotes(source, pair_delimiter)
        .map_err(|e| e.context(format!("splitting source {} into pairs failed", go_quote(source))))?;
    let mut parsed = Map::new();
    for pair in pairs {
        let Some((key, value)) = pair.split_once(delimiter) else {
            crate::bail!("cannot split {} into 2 items, got 1 item(s)", go_quote(&pair));
        };
        parsed.insert(key.trim().to_string(), Value::string(value.trim()));
    }
    Ok(Value::Map(parsed))
}

/// Splits on `delimiter` outside single or double quotes, dropping the outer quotes and
/// empty pieces (`parseutils.SplitString`).
fn split_respecting_quotes(input: &str, delimiter: &str) -> Result<Vec<String>> {
    let mut pieces = Vec::new();
    let mut current = String::new();
    let mut quote: Option<char> = None;
    let mut rest = input;
    while let Some(c) = rest.chars().next() {
        if quote.is_none() && rest.starts_with(delimiter) {
            if !current.is_empty() {
                pieces.push(std::mem::take(&mut current));
            }
            rest = &rest[delimiter.len()..];
            continue;
        }
        match quote {
            None if c == '"' || c == '\'' => quote = Some(c),
            Some(q) if q == c => quote = None,
            _ => current.push(c),
        }
        rest = &rest[c.len_utf8()..];
    }
    if quote.is_some() {
        crate::bail!("never reached the end of a quoted value");
    }
    if !current.is_empty() {
        pieces.push(current);
    }
    Ok(pieces)
}

/// `ToKeyValueString(target, delimiter="=", pair_delimiter=" ", sort_output=false)`.
fn to_key_value_string(args: &mut Args<'_>) -> Result<Value> {
    let delimiter = delimiter_or(args, 1, "=", false)?;
    if delimiter.is_empty() {
        crate::bail!("delimiter cannot be set to an empty string");
    }
    let pair_delimiter = delimiter_or(args, 2, " ", false)?;
    if pair_delimiter.is_empty() {
        crate::bail!("pair delimiter cannot be set to an empty string");
    }
    check_distinct_delimiters(delimiter, pair_delimiter)?;
    let sort_output = match args.optional(3) {
        Some(v) => coerce::bool(v)?,
        None => false,
    };
    let map = args.map(0)?;
    let mut entries: Vec<(&String, &Value)> = map.iter().collect();
    if sort_output {
        entries.sort_by(|a, b| a.0.cmp(b.0));
    }
    let quote = |s: &str| escape_and_quote_kv(s, delimiter, pair_delimiter);
    let pairs: Vec<String> =
        entries.into_iter().map(|(k, v)| format!("{}{delimiter}{}", quote(k), quote(&pcommon_as_string(v)))).collect();
    Ok(Value::String(pairs.join(pair_delimiter)))
}

/// Escapes double quotes, then quotes text that contains either delimiter.
fn escape_and_quote_kv(s: &str, delimiter: &str, pair_delimiter: &str) -> String {
    let escaped = s.replace('"', "\\\"");
    if escaped.contains(pair_delimiter) || escaped.contains(delimiter) { format!("\"{escaped}\"") } else { escaped }
}

#[cfg(test)]
mod tests {
    use super::super::test_values::*;
    use super::*;

    #[test]
    fn parse_key_value_cases() {
        assert_eq!(
            convert("ParseKeyValue", vec![s("k1=v1 k2=v2 k3=v3")]).unwrap(),
            strings(&[("k1", "v1"), ("k2", "v2"), ("k3", "v3")])
        );
        assert_eq!(
            convert("ParseKeyValue", vec![s("k1!v1_k2!v2"), s("!"), s("_")]).unwrap(),
            strings(&[("k1", "v1"), ("k2", "v2")])
        );
        assert_eq!(
            convert("ParseKeyValue", vec![s("k1!v1_k2!\"v2__!__v2\""), s("!"), s("_")]).unwrap(),
            strings(&[("k1", "v1"), ("k2", "v2__!__v2")])
        );
        assert_eq!(
            convert("ParseKeyValue", vec![s("  name='a b'   x=\"1\" ")]).unwrap(),
            strings(&[("name", "a b"), ("x", "1")])
        );
        assert_eq!(error("ParseKeyValue", vec![s("")]), "cannot parse from empty target");
        assert_eq!(error("ParseKeyValue", vec![s("a=1 b")]), "cannot split \"b\" into 2 items, got 1 item(s)");
        assert_eq!(
            error("ParseKeyValue", vec![s("a=\"1")]),
            "splitting source \"a=\\\"1\" into pairs failed: never reached the end of a quoted value"
        );
        assert_eq!(
            error("ParseKeyValue", vec![s("a=1"), s(":"), s(":")]),
            "pair delimiter \":\" cannot be equal to delimiter \":\""
        );
    }

    #[test]
    fn to_key_value_string_cases() {
        let kv = |text: &str| convert("ParseKeyValue", vec![s(text)]).unwrap();
        let tkv = |m: Value, rest: &[&str], sort: bool| {
            let mut args = vec![m];
            args.extend(rest.iter().map(|r| s(r)));
            args.push(Value::Bool(sort));
            convert("ToKeyValueString", args).unwrap()
        };
        assert_eq!(tkv(kv("k1=v1 k2=v2"), &["=", " "], true), s("k1=v1 k2=v2"));
        assert_eq!(tkv(kv("k1=v1 k2=v2"), &["!", "+"], true), s("k1!v1+k2!v2"));
        assert_eq!(tkv(kv("k1=v1 k2=v2=v3"), &["=", " "], true), s("k1=v1 k2=\"v2=v3\""));
        assert_eq!(tkv(strings(&[("b", "2"), ("a", "x\"y")]), &["=", " "], false), s("b=2 a=x\\\"y"));
        let mixed = map(&[("i", Value::Int(1)), ("f", Value::Float(1.5)), ("m", strings(&[("k", "v")]))]);
        assert_eq!(tkv(mixed, &["=", ";"], true), s(r#"f=1.5;i=1;m={\"k\":\"v\"}"#));
        assert_eq!(convert("ToKeyValueString", vec![strings(&[("a", "1")])]).unwrap(), s("a=1"));
        assert_eq!(error("ToKeyValueString", vec![strings(&[]), s("")]), "delimiter cannot be set to an empty string");
    }
}
