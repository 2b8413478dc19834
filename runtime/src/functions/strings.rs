//! String converters: joining, splitting and cutting strings, case conversion, Go's
//! `fmt.Sprintf`, prefix/suffix/regex tests, character-set and base64 decoding. The Go
//! libraries behind them (`strings`, `strcase`, `fmt`, `encoding/base64`,
//! `golang.org/x/text`) are reproduced in [`crate::go`].
//!
//! Go strings are byte strings; where the reference can produce bytes that are not UTF-8
//! (a byte-offset `Substring`, a decoded payload) the result here is the lossy UTF-8 text,
//! with U+FFFD in place of the invalid bytes.

use super::List;
use super::literal::{LiteralArgs, LiteralError, one_of_help, regex_pattern};
use super::shorthand::*;
use crate::coerce;
use crate::converter;
use crate::error::{Error, Result};
use crate::go;
use crate::value::Value;

pub(crate) static FUNCTIONS: &[Function] = &[
    Function::converter(
        "Decode",
        &[r("target", K::Getter), r("encoding", K::StringGetter)],
        T::String,
        converter!(decode(target, encoding)),
        "Decodes bytes or a string from an IANA character set or a base64 variant.",
        &[Example::new(r#"Decode("aGVsbG8gd29ybGQ=", "base64")"#, r#""hello world""#)],
    )
    .pure(),
    Function::converter(
        "Base64Encode",
        &[r("target", K::StringGetter), o("variant", K::StringGetter)],
        T::String,
        converter!(base64_encode(target, variant)),
        "Encodes a string as base64 (`variant`: \"base64\", \"base64-raw\", \"base64-url\", \"base64-raw-url\").",
        &[
            Example::new(r#"Base64Encode(attributes["message"])"#, r#""aGVsbG8gd29ybGQ=""#),
            Example::new(r#"Base64Encode("hi?>", "base64-url")"#, r#""aGk_Pg==""#),
        ],
    )
    .pure(),
    Function::converter(
        "IsMatch",
        &[r("target", K::StringLikeGetter), r("pattern", K::StringGetter)],
        T::Bool,
        converter!(is_match(target, pattern)),
        "Whether an RE2 regular expression matches part of the value (non-strings are stringified; nil gives false).",
        &[
            Example::new(r#"IsMatch(attributes["http.url"], "^https://")"#, r#"true"#),
            Example::new(r#"IsMatch(attributes["http.status_code"], "^2\\d\\d$")"#, r#"true"#),
        ],
    )
    .literals(is_match_literals)
    .pure(),
    Function::converter(
        "HasPrefix",
        &[r("target", K::StringGetter), r("prefix", K::StringGetter)],
        T::Bool,
        converter!(has_prefix(target, prefix)),
        "Whether the string starts with `prefix`.",
        &[Example::new(r#"HasPrefix(attributes["http.route"], "/users/")"#, r#"true"#)],
    )
    .pure(),
    Function::converter(
        "HasSuffix",
        &[r("target", K::StringGetter), r("suffix", K::StringGetter)],
        T::Bool,
        converter!(has_suffix(target, suffix)),
        "Whether the string ends with `suffix`.",
        &[Example::new(r#"HasSuffix(attributes["http.url"], ".json")"#, r#"false"#)],
    )
    .pure(),
    // ---- Converters: strings ----
    // The newest reference takes the delimiter from any string getter (e2e: a path).
    Function::converter(
        "Concat",
        &[r("vals", K::StringLikeGetterList), r("delimiter", K::StringGetter)],
        T::String,
        converter!(concat(vals, delimiter)),
        "Joins the string forms of the values with `delimiter`.",
        &[
            Example::new(r#"Concat([attributes["http.method"], attributes["http.route"]], " ")"#, r#""GET /users/123""#),
            Example::new(r#"Concat(["status", attributes["http.status_code"], nil], "-")"#, r#""status-200-<nil>""#),
        ],
    )
    .pure(),
    Function::converter(
        "Split",
        &[r("target", K::StringGetter), r("delimiter", K::StringGetter)],
        STRINGS,
        converter!(split(target, delimiter)),
        "Splits a string at every `delimiter` (Go strings.Split).",
        &[Example::new(r#"Split(attributes["message"], " ")"#, r#"["hello", "world"]"#)],
    )
    .pure(),
    Function::converter(
        "Substring",
        &[r("target", K::StringGetter), r("start", K::IntGetter), r("length", K::IntGetter), o("utf8_safe", K::Bool)],
        T::String,
        converter!(substring(target, start, length, utf8_safe)),
        "The `length` bytes starting at byte `start`; out of range is an error.",
        &[Example::new(r#"Substring(attributes["http.url"], 8, 11)"#, r#""example.com""#)],
    )
    .pure(),
    Function::converter(
        "Trim",
        &[r("target", K::StringGetter), o("replacement", K::String)],
        T::String,
        converter!(trim(target, replacement)),
        "Removes the characters of `replacement` (default a space) from both ends.",
        &[Example::new(r#"Trim("  hello  ")"#, r#""hello""#), Example::new(r#"Trim("--v1--", "-")"#, r#""v1""#)],
    )
    .pure(),
    Function::converter(
        "TrimPrefix",
        &[r("target", K::StringGetter), r("prefix", K::StringGetter)],
        T::String,
        converter!(trim_prefix(target, prefix)),
        "Removes a leading `prefix`.",
        &[Example::new(r#"TrimPrefix(attributes["http.route"], "/users")"#, r#""/123""#)],
    )
    .pure(),
    Function::converter(
        "TrimSuffix",
        &[r("target", K::StringGetter), r("suffix", K::StringGetter)],
        T::String,
        converter!(trim_suffix(target, suffix)),
        "Removes a trailing `suffix`.",
        &[Example::new(r#"TrimSuffix(attributes["http.url"], "?token=abc")"#, r#""https://example.com/users/123""#)],
    )
    .pure(),
    Function::converter(
        "ConvertCase",
        &[r("target", K::StringGetter), r("to_case", K::String)],
        T::String,
        converter!(convert_case(target, to_case)),
        "Converts the case: \"lower\", \"upper\", \"snake\" or \"camel\" (UpperCamel).",
        &[
            Example::new(r#"ConvertCase("userId", "snake")"#, r#""user_id""#),
            Example::new(r#"ConvertCase(attributes["http.method"], "lower")"#, r#""get""#),
        ],
    )
    .literals(convert_case_literals)
    .pure(),
    Function::converter(
        "ToLowerCase",
        TARGET_STR,
        T::String,
        converter!(to_lower_case(target)),
        "The string in lower case.",
        &[Example::new(r#"ToLowerCase(attributes["http.method"])"#, r#""get""#)],
    )
    .pure(),
    Function::converter(
        "ToUpperCase",
        TARGET_STR,
        T::String,
        converter!(to_upper_case(target)),
        "The string in upper case.",
        &[Example::new(r#"ToUpperCase(attributes["env"])"#, r#""STAGING""#)],
    )
    .pure(),
    Function::converter(
        "ToSnakeCase",
        TARGET_STR,
        T::String,
        converter!(to_snake_case(target)),
        "The string in snake_case.",
        &[Example::new(r#"ToSnakeCase("OrderItemCount")"#, r#""order_item_count""#)],
    )
    .pure(),
    Function::converter(
        "ToCamelCase",
        TARGET_STR,
        T::String,
        converter!(to_camel_case(target)),
        "The string in UpperCamelCase (`foo_bar` → `FooBar`).",
        &[Example::new(r#"ToCamelCase("order_item_count")"#, r#""OrderItemCount""#)],
    )
    .pure(),
    Function::converter(
        "Format",
        &[r("format", K::String), r("vals", K::GetterList)],
        T::String,
        converter!(format_values(format, vals)),
        "Formats the values with a Go fmt.Sprintf format.",
        &[
            Example::new(r#"Format("%s %d", [attributes["http.method"], attributes["http.status_code"]])"#, r#""GET 200""#),
            Example::new(r#"Format("%.2f", [3.14159])"#, r#""3.14""#),
        ],
    )
    .pure(),
    Function::converter(
        "matches",
        &[r("target", K::StringLikeGetter), r("pattern", K::StringGetter)],
        T::Bool,
        converter!(is_match(target, pattern)),
        "The seed's spelling of IsMatch: whether an RE2 regular expression matches part of the value.",
        &[Example::new(r#"matches(span.attributes["http.route"], "^/users/\\d+$")"#, r#"true"#)],
    )
    .origin(Origin::Seed)
    .alias_of("IsMatch")
    .literals(is_match_literals)
    .pure(),
];

/// `Concat(vals, delimiter)`: the string forms of the values joined by `delimiter`; nil is
/// written as Go's `fmt.Sprint(nil)` writes it, `<nil>`. The delimiter is read first.
fn concat(vals: &Value, delimiter: &str) -> Result<Value> {
    let parts = List::of(vals)?
        .0
        .iter()
        .map(|value| Ok(coerce::string_like(value)?.unwrap_or_else(|| "<nil>".to_string())))
        .collect::<Result<Vec<String>>>()?;
    Ok(Value::String(parts.join(delimiter)))
}

/// `Split(target, delimiter)`: Go's `strings.Split`, as a slice of strings.
fn split(target: &str, delimiter: &str) -> Result<Value> {
    Ok(Value::Slice(go::strings::split(target, delimiter).into_iter().map(Value::string).collect()))
}

/// `Substring(target, start, length, utf8_safe?)`: `length` bytes (characters when
/// `utf8_safe`) from `start`; a range outside the string is an error. The arguments are
/// checked in the reference's order: start, length, then the target.
fn substring(target: &Value, start: i64, length: &Value, utf8_safe: Option<&Value>) -> Result<Value> {
    if start < 0 {
        crate::bail!("invalid start for substring function, {start} cannot be negative");
    }
    let length = coerce::int(length)?;
    if length <= 0 {
        crate::bail!("invalid length for substring function, {length} cannot be negative or zero");
    }
    let target = coerce::string(target)?;
    let utf8_safe = utf8_safe.map(coerce::bool).transpose()?.unwrap_or(false);
    let piece = if utf8_safe { substring_chars(target, start, length)? } else { substring_bytes(target, start, length)? };
    Ok(Value::String(piece))
}

/// The byte range `start..start+length`; a character cut at either end becomes U+FFFD.
fn substring_bytes(target: &str, start: i64, length: i64) -> Result<String> {
    let len = target.len() as i64;
    if start > len || length > len - start {
        crate::bail!(
            "invalid range for substring function, start({start})+length({length}) cannot be greater than the length of target string({len})"
        );
    }
    let bytes = target.as_bytes().get(start as usize..(start + length) as usize).unwrap_or_default();
    Ok(String::from_utf8_lossy(bytes).into_owned())
}

/// The character range `start..start+length`. Like the reference, a range that ends past
/// the string's byte length is reported as such before characters are counted.
fn substring_chars(target: &str, start: i64, length: i64) -> Result<String> {
    let end = start.saturating_add(length);
    if end > target.len() as i64 {
        crate::bail!(
            "invalid range for substring function, start({start})+length({length}) exceeds byte length({}) of target string",
            target.len()
        );
    }
    // Byte offsets of every character start, then of the string's end.
    let mut offsets = target.char_indices().map(|(i, _)| i).chain(std::iter::once(target.len()));
    match (offsets.nth(start as usize), offsets.nth((length - 1) as usize)) {
        (Some(from), Some(to)) => Ok(target[from..to].to_string()),
        _ => crate::bail!(
            "invalid range for substring function, start({start})+length({length}) cannot be greater than the rune length of target string({})",
            target.chars().count()
        ),
    }
}

/// `Trim(target, cutset?)`: Go's `strings.Trim`; the cutset defaults to a space, and an
/// empty cutset trims nothing.
fn trim(target: &str, cutset: Option<&str>) -> Result<Value> {
    let cutset = cutset.unwrap_or(" ");
    Ok(Value::string(target.trim_matches(|c| cutset.contains(c))))
}

fn trim_prefix(target: &str, prefix: &str) -> Result<Value> {
    Ok(Value::string(target.strip_prefix(prefix).unwrap_or(target)))
}

fn trim_suffix(target: &str, suffix: &str) -> Result<Value> {
    Ok(Value::string(target.strip_suffix(suffix).unwrap_or(target)))
}

fn has_prefix(target: &str, prefix: &str) -> Result<Value> {
    Ok(Value::Bool(target.starts_with(prefix)))
}

fn has_suffix(target: &str, suffix: &str) -> Result<Value> {
    Ok(Value::Bool(target.ends_with(suffix)))
}

/// `ConvertCase`'s cases, as the reference lists them.
const CASES: &[&str] = &["lower", "upper", "snake", "camel"];

/// The conversion of the case named `name`, or the reference's error for an unknown one
/// (`convertCase`, which judges a literal name when the statement loads).
fn case_conversion(name: &str) -> Result<fn(&str) -> String> {
    Ok(match name {
        "lower" => go::strings::lower,
        "upper" => go::strings::upper,
        "snake" => go::strcase::snake,
        "camel" => go::strcase::camel,
        other => crate::bail!("invalid case: {other}, allowed cases are: {}", CASES.join(", ")),
    })
}

/// `ConvertCase`'s load-time check: a literal case must be one of [`CASES`].
fn convert_case_literals(args: &LiteralArgs<'_>) -> Vec<LiteralError> {
    let problem = args.string("to_case").and_then(|name| case_conversion(name).err());
    problem.map(|error| LiteralError::new("to_case", error.to_string()).help(one_of_help(CASES))).into_iter().collect()
}

/// `ConvertCase(target, to_case)`. The case name is checked before the target, as the
/// reference checks it when the statement is built.
fn convert_case(target: &Value, to_case: &str) -> Result<Value> {
    let convert = case_conversion(to_case)?;
    Ok(Value::String(convert(coerce::string(target)?)))
}

fn to_lower_case(target: &str) -> Result<Value> {
    Ok(Value::String(go::strings::lower(target)))
}

fn to_upper_case(target: &str) -> Result<Value> {
    Ok(Value::String(go::strings::upper(target)))
}

fn to_snake_case(target: &str) -> Result<Value> {
    Ok(Value::String(go::strcase::snake(target)))
}

fn to_camel_case(target: &str) -> Result<Value> {
    Ok(Value::String(go::strcase::camel(target)))
}

/// `Format(format, vals)`: Go's `fmt.Sprintf(format, vals...)`.
fn format_values(format: &str, vals: List<'_>) -> Result<Value> {
    Ok(Value::String(go::fmt::sprintf(format, vals.0)))
}

/// `IsMatch(target, pattern)`: whether the pattern matches part of the target's string
/// form; nil never matches. The pattern is compiled (and can fail) before the target is
/// looked at.
fn is_match(target: &Value, pattern: &Value) -> Result<Value> {
    let pattern = coerce::string(pattern).map_err(|e| e.context("failed to get pattern for IsMatch"))?;
    let regex = crate::regex::compile(pattern).map_err(|e| {
        Error::new(format!("the pattern supplied to IsMatch is not a valid regexp pattern: error parsing regexp: {e}"))
    })?;
    Ok(Value::Bool(coerce::string_like(target)?.is_some_and(|text| regex.is_match(&text))))
}

/// `IsMatch`'s (and `matches`') load-time check: a literal pattern is compiled as
/// `newDynamicRegex` compiles it. `matches` is reported as IsMatch, whose spelling it is.
fn is_match_literals(args: &LiteralArgs<'_>) -> Vec<LiteralError> {
    args.string("pattern").and_then(|pattern| regex_pattern("IsMatch", "pattern", pattern).err()).into_iter().collect()
}

/// `Decode(target, encoding)`: bytes or a string decoded from an IANA character set or a
/// base64 variant. The encoding is resolved first, as the reference resolves a literal one
/// when the statement is built.
fn decode(target: &Value, encoding: &str) -> Result<Value> {
    let decoder = Decoder::named(encoding)?;
    let text = match target {
        Value::Bytes(bytes) => decoder.decode(bytes)?,
        Value::String(text) => decoder.decode(text.as_bytes())?,
        // Go's `%T` of nil.
        Value::Nil => crate::bail!("unsupported type provided to Decode function: <nil>"),
        other => crate::bail!("unsupported type provided to Decode function: {}", other.go_type()),
    };
    Ok(Value::String(text))
}

/// `Base64Encode(target, variant?)`.
fn base64_encode(target: &str, variant: Option<&Value>) -> Result<Value> {
    let name = variant.map(coerce::string).transpose().map_err(|e| e.context("failed to get base64 variant"))?;
    let name = name.unwrap_or("base64");
    let variant = go::base64::Variant::named(name).ok_or_else(|| Error::new(format!("unsupported base64 variant: {name}")))?;
    Ok(Value::String(variant.encode(target.as_bytes())))
}

/// What `Decode` decodes with.
enum Decoder {
    Base64(go::base64::Variant),
    Charset(go::charset::Charset),
}

impl Decoder {
    fn named(name: &str) -> Result<Decoder> {
        match go::base64::Variant::named(name) {
            Some(variant) => Ok(Decoder::Base64(variant)),
            None => go::charset::Charset::named(name).map(Decoder::Charset),
        }
    }

    fn decode(&self, input: &[u8]) -> Result<String> {
        match self {
            Decoder::Base64(variant) => {
                // Surrounding whitespace (a body's trailing newline) is not an error.
                let trimmed = std::str::from_utf8(input).map_or(input.trim_ascii(), |s| s.trim().as_bytes());
                let bytes = variant.decode(trimmed).map_err(|e| Error::new(e).context("could not decode"))?;
                Ok(String::from_utf8_lossy(&bytes).into_owned())
            }
            Decoder::Charset(charset) => Ok(charset.decode(input)),
        }
    }
}

#[cfg(test)]
// 3.14159 is the reference's own test value, not an approximation of π.
#[allow(clippy::approx_constant)]
mod tests {
    use super::super::literal::{Literal, LiteralArgs, LiteralError};
    use super::super::testing::{convert, converter};
    use crate::value::Value;

    fn s(text: &str) -> Value {
        Value::string(text)
    }

    fn list(values: Vec<Value>) -> Value {
        Value::Slice(values)
    }

    fn ok(name: &str, args: Vec<Value>) -> Value {
        convert(name, args).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    fn text(name: &str, args: Vec<Value>) -> String {
        match ok(name, args) {
            Value::String(s) => s,
            other => panic!("{name} gave {other:?}"),
        }
    }

    fn err(name: &str, args: Vec<Value>) -> String {
        match convert(name, args) {
            Err(e) => e.message().to_string(),
            Ok(v) => panic!("{name} gave {v:?}, expected an error"),
        }
    }

    #[test]
    fn concat_joins_string_forms() {
        assert_eq!(text("Concat", vec![list(vec![s("hello"), s("world")]), s(" ")]), "hello world");
        assert_eq!(text("Concat", vec![list(vec![s("hello"), Value::Int(1)]), s("")]), "hello1");
        assert_eq!(text("Concat", vec![list(vec![s("hello"), Value::Float(3.14159)]), s("")]), "hello3.14159");
        assert_eq!(text("Concat", vec![list(vec![s("hello"), Value::Bool(true)]), s(" ")]), "hello true");
        let id = vec![0, 0, 0, 0, 0, 0, 0, 0, 0x0e, 0xd2, 0xe6, 0x3c, 0xbe, 0x71, 0xf5, 0xa8];
        assert_eq!(text("Concat", vec![list(vec![Value::Bytes(id)]), s("")]), "00000000000000000ed2e63cbe71f5a8");
        assert_eq!(text("Concat", vec![list(vec![s(""), s(""), s("")]), s("__")]), "____");
        assert_eq!(text("Concat", vec![list(vec![s("hello")]), s("-")]), "hello");
        assert_eq!(text("Concat", vec![list(vec![]), s("-")]), "");
        assert_eq!(text("Concat", vec![list(vec![s("hello"), Value::Nil, s("world")]), s("")]), "hello<nil>world");
        let mut map = crate::value::Map::new();
        map.insert("a".into(), s("b"));
        let nested = list(vec![Value::Int(1), Value::Int(2)]);
        assert_eq!(text("Concat", vec![list(vec![Value::Map(map), nested]), s(",")]), r#"{"a":"b"},[1,2]"#);
        assert_eq!(err("Concat", vec![list(vec![s("a")]), Value::Int(1)]), "expected string but got int64");
        // The delimiter is read before the values.
        assert_eq!(err("Concat", vec![Value::Int(1), Value::Int(1)]), "expected string but got int64");
        assert_eq!(err("Concat", vec![Value::Int(1), s("")]), "expected a list but got int64");
    }

    #[test]
    fn split_follows_go() {
        let split = |t: &str, d: &str| ok("Split", vec![s(t), s(d)]);
        assert_eq!(split("A|B|C", "|"), list(vec![s("A"), s("B"), s("C")]));
        assert_eq!(split("a,b,,c", ","), list(vec![s("a"), s("b"), s(""), s("c")]));
        assert_eq!(split("", ","), list(vec![s("")]));
        assert_eq!(split("hé", ""), list(vec![s("h"), s("é")]));
        assert_eq!(split("", ""), list(vec![]));
        assert_eq!(err("Split", vec![Value::Nil, s(",")]), "expected string but got nil");
    }

    #[test]
    fn substring_ranges_and_errors() {
        let sub = |args: Vec<Value>| convert("Substring", args);
        let int = Value::Int;
        assert_eq!(sub(vec![s("pass"), int(0), int(2)]).unwrap(), s("pa"));
        assert_eq!(sub(vec![s("123456789"), int(3), int(6)]).unwrap(), s("456789"));
        assert_eq!(
            err("Substring", vec![s("123456789"), int(0), int(0)]),
            "invalid length for substring function, 0 cannot be negative or zero"
        );
        assert_eq!(
            err("Substring", vec![s("123456789"), int(-1), int(6)]),
            "invalid start for substring function, -1 cannot be negative"
        );
        assert_eq!(
            err("Substring", vec![s(""), int(3), int(6)]),
            "invalid range for substring function, start(3)+length(6) cannot be greater than the length of target string(0)"
        );
        assert!(sub(vec![s("123456789"), int(3), int(20)]).is_err());
        assert!(sub(vec![s("1"), int(0), int(i64::MAX)]).is_err());
        assert_eq!(err("Substring", vec![int(123456789), int(3), int(6)]), "expected string but got int64");
        // A negative start is reported before the length is read, the length before the target.
        assert_eq!(
            err("Substring", vec![int(1), int(-1), s("x")]),
            "invalid start for substring function, -1 cannot be negative"
        );
        assert_eq!(err("Substring", vec![int(1), int(0), s("x")]), "expected int64 but got string");
        // Bytes cut through `é` (two bytes); utf8_safe counts characters instead.
        assert_eq!(sub(vec![s("héllo"), int(0), int(2)]).unwrap(), s("h\u{FFFD}"));
        assert_eq!(sub(vec![s("héllo"), int(1), int(3), Value::Bool(true)]).unwrap(), s("éll"));
        assert_eq!(sub(vec![s("héllo"), int(4), int(1), Value::Bool(true)]).unwrap(), s("o"));
        assert_eq!(
            err("Substring", vec![s("héllo"), int(4), int(2), Value::Bool(true)]),
            "invalid range for substring function, start(4)+length(2) cannot be greater than the rune length of target string(5)"
        );
        assert_eq!(
            err("Substring", vec![s("héllo"), int(5), int(2), Value::Bool(true)]),
            "invalid range for substring function, start(5)+length(2) exceeds byte length(6) of target string"
        );
    }

    #[test]
    fn trims_and_affixes() {
        assert_eq!(text("Trim", vec![s(" this is a test "), s(" ")]), "this is a test");
        assert_eq!(text("Trim", vec![s(" this is a test ")]), "this is a test");
        assert_eq!(text("Trim", vec![s(" this is a test "), s("")]), " this is a test ");
        assert_eq!(text("Trim", vec![s("xxhixyx"), s("xy")]), "hi");
        assert_eq!(text("TrimPrefix", vec![s("ingest_service"), s("ingest_")]), "service");
        assert_eq!(text("TrimSuffix", vec![s("ingest_service"), s("_service")]), "ingest");
        assert_eq!(text("TrimPrefix", vec![s("svc"), s("ingest_")]), "svc");
        assert_eq!(ok("HasPrefix", vec![s("ingest_service"), s("ingest_")]), Value::Bool(true));
        assert_eq!(ok("HasSuffix", vec![s("ingest_service"), s("_service")]), Value::Bool(true));
        assert_eq!(ok("HasSuffix", vec![s("operationA"), s("tionB")]), Value::Bool(false));
        assert_eq!(err("HasPrefix", vec![Value::Int(1), s("x")]), "expected string but got int64");
    }

    #[test]
    fn case_conversions_match_strcase() {
        // Snake and camel expectations produced by iancoleman/strcase v0.3.0.
        let cases = [
            ("snake", "simpleTest", "simple_test"),
            ("snake", "fooBar", "foo_bar"),
            ("snake", "MyMetricName", "my_metric_name"),
            ("snake", "CPUUtilizationMetric", "cpu_utilization_metric"),
            ("snake", "simple-string", "simple_string"),
            ("snake", "simple_string", "simple_string"),
            ("snake", "JSONData", "json_data"),
            ("snake", "version2Data", "version_2_data"),
            ("snake", " Foo Bar.baz ", "foo_bar_baz"),
            ("snake", "héLlo", "héllo"),
            ("snake", "", ""),
            ("snake", "ABC", "abc"),
            ("snake", "a1B2c3", "a_1_b_2_c_3"),
            ("snake", "HTTPServer2XXCount", "http_server_2_xx_count"),
            ("snake", "already__double", "already__double"),
            ("snake", "k8s.pod.name", "k_8_s_pod_name"),
            ("snake", "ÄpfelBirne", "Äpfel_birne"),
            ("snake", "x-Y_z Z", "x_y_z_z"),
            ("camel", "foo_bar", "FooBar"),
            ("camel", "my_metric_name", "MyMetricName"),
            ("camel", "SimpleString", "SimpleString"),
            ("camel", "simple-string", "SimpleString"),
            ("camel", "ID_card", "IdCard"),
            ("camel", "test2test", "Test2Test"),
            ("camel", "héllo wörld", "HlloWrld"),
            ("camel", "", ""),
            ("camel", "CPUUtilization", "Cpuutilization"),
            ("camel", "k8s.pod.name", "K8SPodName"),
            ("camel", "__x__y", "XY"),
            ("camel", "HTTP_server", "HttpServer"),
            ("camel", "a1b2", "A1B2"),
            ("camel", "lower Case", "LowerCase"),
            ("lower", "complex_SET-of.WORDS1234", "complex_set-of.words1234"),
            ("upper", "complex_SET-of.WORDS1234", "COMPLEX_SET-OF.WORDS1234"),
            ("lower", "İΣ", "iσ"),
            ("upper", "straße ᾳ", "STRAßE ᾼ"),
        ];
        for (case, input, expected) in cases {
            assert_eq!(text("ConvertCase", vec![s(input), s(case)]), expected, "{case} of {input:?}");
        }
        assert_eq!(text("ToSnakeCase", vec![s("MyMetricName")]), "my_metric_name");
        assert_eq!(text("ToCamelCase", vec![s("my_metric_name")]), "MyMetricName");
        assert_eq!(text("ToLowerCase", vec![s("MyMetricName")]), "mymetricname");
        assert_eq!(text("ToUpperCase", vec![s("MyMetricName")]), "MYMETRICNAME");
        assert_eq!(
            err("ConvertCase", vec![s("x"), s("kebab")]),
            "invalid case: kebab, allowed cases are: lower, upper, snake, camel"
        );
        assert_eq!(err("ConvertCase", vec![Value::Nil, s("snake")]), "expected string but got nil");
    }

    #[test]
    fn is_match_stringifies_the_target() {
        let matches = |target: Value, pattern: &str| ok("IsMatch", vec![target, s(pattern)]);
        assert_eq!(matches(s("aa123bb"), "\\d{3}"), Value::Bool(true));
        assert_eq!(matches(s("operationB"), "operation[AC]"), Value::Bool(false));
        assert_eq!(matches(Value::Int(123), "\\d+"), Value::Bool(true));
        assert_eq!(matches(Value::Bool(true), "^true$"), Value::Bool(true));
        assert_eq!(matches(Value::Float(1.5), "^1\\.5$"), Value::Bool(true));
        assert_eq!(matches(Value::Nil, ".*"), Value::Bool(false));
        let message = err("IsMatch", vec![s("x"), s("[a")]);
        assert!(message.starts_with("the pattern supplied to IsMatch is not a valid regexp pattern: "), "{message}");
        assert_eq!(
            err("IsMatch", vec![s("x"), Value::Int(1)]),
            "failed to get pattern for IsMatch: expected string but got int64"
        );
    }

    #[test]
    fn literal_patterns_and_cases_are_checked_when_the_statement_loads() {
        let problems = |name: &str, param: &'static str, literal: &'static str| {
            let Some(check) = converter(name).literals else { panic!("{name} has no literal check") };
            check(&LiteralArgs::new(vec![(param, Literal::String(literal))]))
        };
        for name in ["IsMatch", "matches"] {
            let errors = problems(name, "pattern", "(");
            assert_eq!(errors.len(), 1, "{name}");
            assert_eq!(errors[0].param, "pattern");
            assert!(errors[0].message.starts_with(r#"the regex pattern supplied to IsMatch '"("' is not a valid pattern"#));
            assert!(problems(name, "pattern", "^https://").is_empty(), "{name}");
        }
        let errors = problems("ConvertCase", "to_case", "kebab");
        let expected = LiteralError::new("to_case", "invalid case: kebab, allowed cases are: lower, upper, snake, camel")
            .help(r#"expected one of "lower", "upper", "snake", "camel""#);
        assert_eq!(errors, vec![expected]);
        assert!(problems("ConvertCase", "to_case", "snake").is_empty());
    }

    #[test]
    fn base64_encodes_in_every_variant() {
        let encode = |t: &str, v: &str| text("Base64Encode", vec![s(t), s(v)]);
        assert_eq!(text("Base64Encode", vec![s("test string")]), "dGVzdCBzdHJpbmc=");
        assert_eq!(encode("test string", "base64-raw"), "dGVzdCBzdHJpbmc");
        assert_eq!(encode("Go?/Z~x", "base64-url"), "R28_L1p-eA==");
        assert_eq!(encode("Go?/Z~x", "base64-raw-url"), "R28_L1p-eA");
        assert_eq!(err("Base64Encode", vec![s("x"), s("base32")]), "unsupported base64 variant: base32");
    }

    #[test]
    fn decode_base64_follows_go() {
        let decode = |target: Value, encoding: &str| convert("Decode", vec![target, s(encoding)]);
        assert_eq!(decode(s("aGVsbG8gd29ybGQ="), "base64").unwrap(), s("hello world"));
        assert_eq!(decode(Value::Bytes(b"dGVzdAo=".to_vec()), "base64").unwrap(), s("test\n"));
        assert_eq!(decode(s("\n aGVsbG8g\r\nd29ybGQ=\n"), "base64").unwrap(), s("hello world"));
        assert_eq!(decode(s("R28/L1p+eA=="), "base64").unwrap(), s("Go?/Z~x"));
        assert_eq!(decode(s("R28/L1p+eA"), "base64-raw").unwrap(), s("Go?/Z~x"));
        assert_eq!(decode(s("R28_L1p-eA=="), "base64-url").unwrap(), s("Go?/Z~x"));
        assert_eq!(decode(s("R28_L1p-eA"), "base64-raw-url").unwrap(), s("Go?/Z~x"));
        // Offsets as Go's CorruptInputError reports them.
        let cases = [
            ("base64", "cmVtb3ZlZCBwYWRkaW5nCg", 20),
            ("base64", "YQ=", 3),
            ("base64", "YQ=x", 2),
            ("base64", "YQ==x", 4),
            ("base64", "Y===", 1),
            ("base64", "YWJj\nZ", 5),
            ("base64-raw", "YQ==", 2),
            ("base64-raw", "Y", 0),
            ("base64-url", "a+==", 1),
        ];
        for (encoding, input, offset) in cases {
            let message = decode(s(input), encoding).unwrap_err().message().to_string();
            assert_eq!(message, format!("could not decode: illegal base64 data at input byte {offset}"), "{input:?}");
        }
        assert_eq!(
            decode(Value::Int(10), "base64").unwrap_err().message(),
            "unsupported type provided to Decode function: int64"
        );
        assert_eq!(decode(Value::Nil, "base64").unwrap_err().message(), "unsupported type provided to Decode function: <nil>");
    }

    #[test]
    fn decode_charsets_follow_go() {
        let decode = |target: Value, encoding: &str| convert("Decode", vec![target, s(encoding)]);
        for encoding in ["us-ascii", "ISO-8859-1", "WINDOWS-1251", "WINDOWS-1252", "UTF-8", "latin1", ""] {
            assert_eq!(decode(s("test string"), encoding).unwrap(), s("test string"), "{encoding}");
        }
        let utf16: Vec<u8> = "test string".encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(decode(Value::Bytes(utf16.clone()), "UTF-16").unwrap(), s("test string"));
        assert_eq!(decode(Value::Bytes(utf16), "UTF16").unwrap(), s("test string"));
        assert_eq!(decode(Value::Bytes(vec![0xFE, 0xFF, 0, 0x41]), "csUTF16").unwrap(), s("A"));
        assert_eq!(decode(Value::Bytes(vec![0xFE, 0xFF, 0, 0x41]), "UTF-16BE").unwrap(), s("\u{FEFF}A"));
        // Latin-1 keeps C1 controls; windows-1252 leaves its undefined bytes U+FFFD.
        assert_eq!(decode(Value::Bytes(vec![0x80, 0xE9]), "ISO-8859-1").unwrap(), s("\u{80}é"));
        assert_eq!(decode(Value::Bytes(vec![0x80, 0x81, 0xE9]), "windows-1252").unwrap(), s("€\u{FFFD}é"));
        assert_eq!(decode(Value::Bytes(vec![0x9F, 0xD0]), "ISO-8859-9").unwrap(), s("\u{9F}Ğ"));
        assert_eq!(decode(Value::Bytes(vec![0x41, 0xE9]), "iso646-us").unwrap(), s("A\u{FFFD}"));
        assert_eq!(decode(Value::Bytes(vec![0x82, 0xA0]), "Shift_JIS").unwrap(), s("あ"));
        assert_eq!(decode(s("x"), "GB2312").unwrap_err().message(), "no charmap defined for encoding 'GB2312'");
        assert_eq!(decode(s("x"), "klingon").unwrap_err().message(), "unsupported encoding 'klingon'");
    }

    #[test]
    fn format_is_go_sprintf_of_the_list() {
        let args = list(vec![Value::Int(7), s("test"), Value::Nil]);
        assert_eq!(text("Format", vec![s("%03d-%s|%v"), args]), "007-test|<nil>");
        assert_eq!(text("Format", vec![s("%d"), list(vec![])]), "%!d(MISSING)");
    }
}
