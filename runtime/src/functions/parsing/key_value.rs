//! `ParseKeyValue` and `ToKeyValueString`: `k=v k2=v2` text to a map and back.

use super::super::literal::{LiteralArgs, LiteralError};
use super::super::shorthand::*;
use crate::bail;
use crate::coerce::{self, go_quote};
use crate::converter;
use crate::error::Result;
use crate::value::{Map, Value};

pub(crate) static FUNCTIONS: &[Function] = &[
    Function::converter(
        "ParseKeyValue",
        &[r("target", K::StringGetter), o("delimiter", K::String), o("pair_delimiter", K::String)],
        MAP,
        converter!(parse_key_value(target, delimiter, pair_delimiter)),
        "Parses `k=v k2=v2` text into a map; quoted values may contain delimiters.",
        &[
            Example::new(r#"ParseKeyValue("user=alice action=login")"#, r#"{"user": "alice", "action": "login"}"#),
            Example::new(r#"ParseKeyValue("a:1&b:2", ":", "&")"#, r#"{"a": "1", "b": "2"}"#),
        ],
    )
    .literals(|args| distinct_delimiters_literal(args).into_iter().collect())
    .pure(),
    Function::converter(
        "ToKeyValueString",
        &[r("target", K::PMapGetter), o("delimiter", K::String), o("pair_delimiter", K::String), o("sort_output", K::Bool)],
        T::String,
        converter!(to_key_value_string(target, delimiter, pair_delimiter, sort_output)),
        "Formats a map as `k=v k2=v2` text; values containing a delimiter are quoted.",
        &[Example::new(
            r#"ToKeyValueString({"user": "alice", "action": "login"}, "=", " ", true)"#,
            r#""action=login user=alice""#,
        )],
    )
    .literals(to_key_value_string_literals)
    .pure(),
];

const DEFAULT_DELIMITER: &str = "=";
const DEFAULT_PAIR_DELIMITER: &str = " ";

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

/// A `ParseKeyValue` delimiter: the one given, or `default` when absent or empty.
fn or_default<'a>(given: Option<&'a str>, default: &'a str) -> &'a str {
    given.filter(|d| !d.is_empty()).unwrap_or(default)
}

/// `ToKeyValueString` refuses an empty delimiter (`what`: "delimiter" or "pair delimiter")
/// where `ParseKeyValue` takes the default.
fn non_empty<'a>(delimiter: &'a str, what: &str) -> Result<&'a str> {
    if delimiter.is_empty() {
        bail!("{what} cannot be set to an empty string");
    }
    Ok(delimiter)
}

fn check_distinct_delimiters(delimiter: &str, pair_delimiter: &str) -> Result<()> {
    if delimiter == pair_delimiter {
        bail!("pair delimiter {} cannot be equal to delimiter {}", go_quote(pair_delimiter), go_quote(delimiter));
    }
    Ok(())
}

/// Both functions' load-time check that the delimiters differ (`parseKeyValue`,
/// `toKeyValueString`), blamed on the pair delimiter when it is given. An empty one is
/// judged as the default, as `ParseKeyValue` runs it (`ToKeyValueString`'s own check
/// reports it). The delimiters are Go strings, so one that is given is a literal.
fn distinct_delimiters_literal(args: &LiteralArgs<'_>) -> Option<LiteralError> {
    let (delimiter, pair_delimiter) = (args.string("delimiter"), args.string("pair_delimiter"));
    let param = match (delimiter, pair_delimiter) {
        (_, Some(_)) => "pair_delimiter",
        (Some(_), None) => "delimiter",
        (None, None) => return None,
    };
    let distinct =
        check_distinct_delimiters(or_default(delimiter, DEFAULT_DELIMITER), or_default(pair_delimiter, DEFAULT_PAIR_DELIMITER));
    Some(LiteralError::new(param, distinct.err()?.to_string()))
}

/// `toKeyValueString` checks its delimiters when the statement is built.
fn to_key_value_string_literals(args: &LiteralArgs<'_>) -> Vec<LiteralError> {
    let empty = |param: &'static str, what: &str| {
        let error = non_empty(args.string(param)?, what).err()?;
        Some(LiteralError::new(param, error.to_string()))
    };
    [distinct_delimiters_literal(args), empty("delimiter", "delimiter"), empty("pair_delimiter", "pair delimiter")]
        .into_iter()
        .flatten()
        .collect()
}

/// `ParseKeyValue(target, delimiter="=", pair_delimiter=" ")`: the delimiters are checked
/// before the target is read.
fn parse_key_value(target: &Value, delimiter: Option<&str>, pair_delimiter: Option<&str>) -> Result<Value> {
    let delimiter = or_default(delimiter, DEFAULT_DELIMITER);
    let pair_delimiter = or_default(pair_delimiter, DEFAULT_PAIR_DELIMITER);
    check_distinct_delimiters(delimiter, pair_delimiter)?;
    let source = coerce::string(target)?;
    if source.is_empty() {
        bail!("cannot parse from empty target");
    }
    let pairs = split_respecting_quotes(source, pair_delimiter)
        .map_err(|e| e.context(format!("splitting source {} into pairs failed", go_quote(source))))?;
    let mut parsed = Map::new();
    for pair in pairs {
        let Some((key, value)) = pair.split_once(delimiter) else {
            bail!("cannot split {} into 2 items, got 1 item(s)", go_quote(&pair));
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
        bail!("never reached the end of a quoted value");
    }
    if !current.is_empty() {
        pieces.push(current);
    }
    Ok(pieces)
}

/// `ToKeyValueString(target, delimiter="=", pair_delimiter=" ", sort_output=false)`: each
/// delimiter is checked as it is read, then `sort_output`, then the target.
fn to_key_value_string(
    target: &Value,
    delimiter: Option<&str>,
    pair_delimiter: Option<&Value>,
    sort_output: Option<&Value>,
) -> Result<Value> {
    let delimiter = non_empty(delimiter.unwrap_or(DEFAULT_DELIMITER), "delimiter")?;
    let pair_delimiter = non_empty(pair_delimiter.map_or(Ok(DEFAULT_PAIR_DELIMITER), coerce::string)?, "pair delimiter")?;
    check_distinct_delimiters(delimiter, pair_delimiter)?;
    let sort_output = sort_output.map_or(Ok(false), coerce::bool)?;
    let map = coerce::map(target)?;
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

    #[test]
    fn literal_delimiters() {
        let text = Literal::String;
        let found = |name: &str, args| -> Vec<(&str, String)> {
            literal_errors(name, args).into_iter().map(|e| (e.param, e.message)).collect()
        };
        assert_eq!(
            found("ToKeyValueString", vec![("delimiter", text(""))]),
            [("delimiter", "delimiter cannot be set to an empty string".to_string())]
        );
        assert_eq!(
            found("ToKeyValueString", vec![("delimiter", text("|")), ("pair_delimiter", text(""))]),
            [("pair_delimiter", "pair delimiter cannot be set to an empty string".to_string())]
        );
        // ParseKeyValue runs an empty delimiter as the default.
        assert!(found("ParseKeyValue", vec![("delimiter", text(""))]).is_empty());
        assert_eq!(
            found("ParseKeyValue", vec![("delimiter", text(" "))]),
            [("delimiter", r#"pair delimiter " " cannot be equal to delimiter " ""#.to_string())]
        );
        assert_eq!(
            found("ParseKeyValue", vec![("delimiter", text(":")), ("pair_delimiter", text(":"))]),
            [("pair_delimiter", r#"pair delimiter ":" cannot be equal to delimiter ":""#.to_string())]
        );
        assert!(found("ParseKeyValue", vec![]).is_empty());
    }
}
