//! Parsing and extraction converters: JSON, key-value text, CSV, regex and grok
//! extraction, severity mapping, URLs, user agents, Community ID flow hashes, and the
//! transform processor's log-format parsers (CEF, CLF, ELF, LEEF).
//!
//! Each parser follows the Go reference's behaviour where users can observe it (what is
//! accepted, the shape of the result, the error texts); the Go libraries they rest on (CSV,
//! URLs, grok, `strconv`) are reproduced in [`crate::go`].

use std::sync::OnceLock;

use super::Args;
use super::shorthand::*;
use crate::coerce::{self, go_quote};
use crate::error::{Error, Result};
use crate::go;
use crate::go::url::{Encoding, GoUrl, unescape};
use crate::value::{Map, Value};

pub(crate) static FUNCTIONS: &[Function] = &[
    // ---- Converters: parsing and extraction ----
    Function::converter(
        "ParseJSON",
        TARGET_STR,
        T::Any,
        |args, _| parse_json(args),
        "Parses a JSON string into a map or a slice; every number becomes a double.",
        &[
            Example::new(r#"ParseJSON("{\"user\": \"alice\", \"id\": 7}")"#, r#"{"user": "alice", "id": 7.0}"#),
            Example::new(r#"ParseJSON("[1, 2]")"#, r#"[1.0, 2.0]"#),
        ],
    ),
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
        &[Example::new(r#"ToKeyValueString({"user": "alice", "action": "login"}, "=", " ", true)"#, r#""action=login user=alice""#)],
    ),
    Function::converter(
        "ParseCSV",
        &[
            r("target", K::StringGetter),
            r("header", K::StringGetter),
            o("delimiter", K::String),
            o("header_delimiter", K::String),
            o("mode", K::String),
        ],
        T::Map(&T::String),
        |args, _| parse_csv(args),
        "Parses one CSV row into a map keyed by the header fields; `mode` is \"strict\", \"lazyQuotes\" or \"ignoreQuotes\".",
        &[
            Example::new(r#"ParseCSV("2024-01-01,INFO,started", "time,level,message")"#, r#"{"time": "2024-01-01", "level": "INFO", "message": "started"}"#),
            Example::new(r#"ParseCSV("a|\"b|c\"", "x,y", "|", ",")"#, r#"{"x": "a", "y": "b|c"}"#),
        ],
    ),
    Function::converter(
        "ExtractPatterns",
        &[r("target", K::StringGetter), r("pattern", K::StringGetter)],
        MAP,
        |args, _| extract_patterns(args),
        "The named capture groups of a regular expression, as a map.",
        &[Example::new(r#"ExtractPatterns(name, "^(?P<method>\\w+) (?P<route>\\S+)")"#, r#"{"method": "GET", "route": "/users/{id}"}"#)],
    ),
    Function::converter(
        "ExtractGrokPatterns",
        &[
            r("target", K::StringGetter),
            r("pattern", K::StringGetter),
            o("named_captures_only", K::Bool),
            o("pattern_definitions", K::StringList),
        ],
        MAP,
        |args, _| extract_grok_patterns(args),
        "The captures of a grok pattern (`%{SYNTAX:ID:TYPE}`), as a map.",
        &[Example::new(r#"ExtractGrokPatterns("10.0.0.1 GET", "%{IP:client} %{WORD:method}", true)"#, r#"{"client": "10.0.0.1", "method": "GET"}"#)],
    ),
    Function::converter(
        "ParseSeverity",
        &[r("target", K::Getter), r("mapping", K::PMapGetter)],
        T::String,
        |args, _| parse_severity(args),
        "Maps a status or level to a severity name using `equals` lists and `range`s.",
        &[
            Example::new(r#"ParseSeverity(attributes["http.status_code"], {"info": [{"range": {"min": 200, "max": 299}}], "error": [{"range": "5xx"}]})"#, r#""info""#),
            Example::new(r#"ParseSeverity("warning", {"warn": [{"equals": ["warn", "warning"]}]})"#, r#""warn""#),
        ],
    ),
    Function::converter(
        "URL",
        &[r("url", K::StringGetter)],
        MAP,
        |args, _| url(args),
        "Parses a URL into `url.scheme`, `url.domain`, `url.path`, `url.query`, … keys.",
        &[Example::new(r#"URL(attributes["http.url"])"#, r#"{"url.original": "https://example.com/users/123?token=abc", "url.scheme": "https", "url.domain": "example.com", "url.path": "/users/123", "url.query": "token=abc"}"#)],
    ),
    Function::converter(
        "UserAgent",
        &[r("user_agent", K::StringGetter)],
        MAP,
        |args, _| user_agent(args),
        "Parses a User-Agent header into `user_agent.name`, `user_agent.version`, `os.name`, … keys.",
        &[Example::new(r#"UserAgent("curl/7.81.0")"#, r#"{"user_agent.original": "curl/7.81.0", "user_agent.name": "curl", "user_agent.version": "7.81.0", "os.name": "Other"}"#)],
    ),
    Function::converter(
        "CommunityID",
        &[
            r("source_ip", K::StringGetter),
            r("source_port", K::IntGetter),
            r("destination_ip", K::StringGetter),
            r("destination_port", K::IntGetter),
            o("protocol", K::StringGetter),
            o("seed", K::IntGetter),
        ],
        T::String,
        |args, _| community_id(args),
        "The Community ID network flow hash (`1:<base64>`); the protocol defaults to TCP.",
        &[Example::new(r#"CommunityID("10.0.0.1", 51000, "10.0.0.2", 443)"#, r#""1:9TD1/n8+yCqzce6RpyFms8F7kdI=""#)],
    ),
    Function::converter(
        "ParseCEF",
        TARGET_STR,
        MAP,
        |args, _| parse_cef(args),
        "Parses a Common Event Format line into a map.",
        &[Example::new(r#"ParseCEF("CEF:0|Security|threatmanager|1.0|100|worm stopped|10|src=10.0.0.1 dst=2.1.2.2")"#, r#"{"cef.version": "0", "cef.device_vendor": "Security", "cef.device_product": "threatmanager", "cef.device_version": "1.0", "cef.device_event_class_id": "100", "cef.name": "worm stopped", "cef.severity": "10", "cef.extensions": {"src": "10.0.0.1", "dst": "2.1.2.2"}}"#)],
    )
    .only_in(LOG)
    .origin(Origin::TransformProcessor),
    Function::converter(
        "ParseCLF",
        &[r("target", K::StringGetter), o("format", K::String)],
        MAP,
        |args, _| parse_clf(args),
        "Parses a Common Log Format line (\"clf\" or \"combined\") into a map.",
        &[Example::new(r#"ParseCLF("127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET /index.html HTTP/1.0\" 200 2326")"#, r#"{"clf.remote_host": "127.0.0.1", "clf.rfc931": "-", "clf.auth_user": "frank", "clf.timestamp": "10/Oct/2000:13:55:36 -0700", "clf.request": "GET /index.html HTTP/1.0", "clf.method": "GET", "clf.request_uri": "/index.html", "clf.protocol": "HTTP/1.0", "clf.status": 200, "clf.bytes": 2326}"#)],
    )
    .only_in(LOG)
    .origin(Origin::TransformProcessor),
    Function::converter(
        "ParseELF",
        TARGET_STR,
        MAP,
        |args, _| parse_elf(args),
        "Parses an Extended Log Format line into a map.",
        &[Example::new(r##"ParseELF("#Version: 1.0\n#Fields: time cs-method cs-uri\n00:34:23 GET /foo/bar.html")"##, r#"{"elf.version": "1.0", "elf.fields": ["time", "cs-method", "cs-uri"], "elf.entries": [{"time": "00:34:23", "cs-method": "GET", "cs-uri": "/foo/bar.html"}]}"#)],
    )
    .only_in(LOG)
    .origin(Origin::TransformProcessor),
    Function::converter(
        "ParseLEEF",
        TARGET_STR,
        MAP,
        |args, _| parse_leef(args),
        "Parses a Log Event Extended Format line into a map.",
        &[Example::new(r#"ParseLEEF("LEEF:2.0|Lancope|StealthWatch|1.0|41|^|src=10.0.1.8^dst=10.0.0.5")"#, r#"{"leef.version": "2.0", "leef.vendor": "Lancope", "leef.product.name": "StealthWatch", "leef.product.version": "1.0", "leef.event.id": "41", "leef.attributes": {"src": "10.0.1.8", "dst": "10.0.0.5"}}"#)],
    )
    .only_in(LOG)
    .origin(Origin::TransformProcessor),
];

/// A string-keyed map from pairs, later keys replacing earlier ones in place.
fn map_of(pairs: impl IntoIterator<Item = (String, Value)>) -> Map {
    pairs.into_iter().collect()
}

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

// ---- ParseJSON ----

/// `ParseJSON(target)`: an object becomes a map, an array a slice; every number becomes
/// a double, as Go's decoding into `any` gives. Nesting is capped by serde_json's
/// recursion limit (128 levels), which turns deeper input into an error.
fn parse_json(args: &mut Args<'_>) -> Result<Value> {
    let text = args.string(0)?;
    let parsed: serde_json::Value = serde_json::from_str(text).map_err(|e| Error::new(e.to_string()))?;
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

// ---- ParseKeyValue / ToKeyValueString ----

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

// ---- ParseCSV ----

/// How `ParseCSV` treats quotes.
#[derive(Clone, Copy, PartialEq)]
enum CsvMode {
    Strict,
    LazyQuotes,
    IgnoreQuotes,
}

/// A single-character delimiter parameter (`delimiter must be a single character`).
fn single_char_param(args: &Args<'_>, i: usize, name: &str) -> Result<Option<char>> {
    let Some(value) = args.optional(i) else { return Ok(None) };
    let mut chars = coerce::string(value)?.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Ok(Some(c)),
        _ => Err(Error::new(format!("invalid arguments: {name} must be a single character"))),
    }
}

/// `ParseCSV(target, header, delimiter=",", header_delimiter=delimiter, mode="strict")`.
fn parse_csv(args: &mut Args<'_>) -> Result<Value> {
    let delimiter = single_char_param(args, 2, "delimiter")?.unwrap_or(',');
    let header_delimiter = single_char_param(args, 3, "header_delimiter")?.unwrap_or(delimiter);
    let mode = match args.optional(4).map(coerce::string).transpose()?.unwrap_or("strict") {
        "strict" => CsvMode::Strict,
        "lazyQuotes" => CsvMode::LazyQuotes,
        "ignoreQuotes" => CsvMode::IgnoreQuotes,
        other => crate::bail!("unknown mode: {other}"),
    };
    let target = args.string(0).map_err(|e| e.context("error getting value for target in ParseCSV"))?;
    let header = args.string(1).map_err(|e| e.context("error getting value for header in ParseCSV"))?;
    if header.is_empty() {
        crate::bail!("headers must not be an empty string");
    }
    let headers: Vec<&str> = header.split(header_delimiter).collect();
    let fields = match mode {
        CsvMode::IgnoreQuotes => target.split(delimiter).map(str::to_string).collect(),
        _ => go::csv::read_row(target, delimiter, mode == CsvMode::LazyQuotes)?,
    };
    if fields.len() != headers.len() {
        crate::bail!("map csv headers: wrong number of fields: expected {}, found {}", headers.len(), fields.len());
    }
    Ok(Value::Map(map_of(headers.into_iter().map(str::to_string).zip(fields.into_iter().map(Value::String)))))
}

// ---- ExtractPatterns ----

/// The reference's message for a pattern that does not compile.
fn invalid_pattern(function: &str, pattern: &str, error: &str) -> Error {
    Error::new(format!("the regex pattern supplied to {function} '{}' is not a valid pattern: {error}", go_quote(pattern)))
}

/// `ExtractPatterns(target, pattern)`: the named groups of the first match ("" for a
/// group that did not take part), or an empty map when nothing matches.
fn extract_patterns(args: &mut Args<'_>) -> Result<Value> {
    let pattern = args.string(1)?;
    let regex = crate::regex::compile(pattern).map_err(|e| invalid_pattern("ExtractPatterns", pattern, &e))?;
    if regex.capture_names().flatten().next().is_none() {
        crate::bail!("at least 1 named capture group must be supplied in the given regex");
    }
    let target = args.string(0)?;
    let mut result = Map::new();
    if let Some(captures) = regex.captures(target) {
        for (i, name) in regex.capture_names().enumerate() {
            if let Some(name) = name {
                let text = captures.get(i).map_or("", |m| m.as_str());
                result.insert(name.to_string(), Value::string(text));
            }
        }
    }
    Ok(Value::Map(result))
}

/// `ExtractGrokPatterns(target, pattern, named_captures_only=false, pattern_definitions=[])`.
fn extract_grok_patterns(args: &mut Args<'_>) -> Result<Value> {
    let named_only = match args.optional(2) {
        Some(v) => coerce::bool(v)?,
        None => false,
    };
    let definitions = args.strings(3)?;
    let pattern = args.string(1)?;
    let grok = go::grok::compiled(pattern, named_only, &definitions).map_err(|e| match e {
        go::grok::CompileError::Definition(e) => e,
        go::grok::CompileError::Pattern(why) => invalid_pattern("ExtractGrokPatterns", pattern, &why),
    })?;
    if named_only && grok.fields.iter().all(Option::is_none) {
        crate::bail!("at least 1 named capture group must be supplied in the given regex");
    }
    let target = args.string(0)?;
    go::grok::captures(&grok, target).map(Value::Map)
}

// ---- ParseSeverity ----

/// `ParseSeverity(target, mapping)`: the first level (in mapping order) one of whose
/// criteria matches: `{"equals": [strings]}` for strings, `{"range": {"min", "max"}}`
/// or `"2xx"`…`"5xx"` for integers.
fn parse_severity(args: &mut Args<'_>) -> Result<Value> {
    let mapping = args.map(1).map_err(|e| e.context("cannot get severity mapping"))?;
    let value = args.value(0);
    for (level, criteria) in mapping {
        let Value::Slice(criteria) = criteria else {
            return Err(Error::new("criteria for mapping log level must be []any").context("could not map log level"));
        };
        let matched = match value {
            Value::String(s) => criteria.iter().any(|c| severity_equals(c, s)),
            Value::Int(i) => criteria.iter().any(|c| severity_in_range(c, *i)),
            _ => {
                return Err(Error::new("log level must be either string or int64")
                    .context(format!("could not evaluate log level of value '{value}'"))
                    .context("could not map log level"));
            }
        };
        if matched {
            return Ok(Value::String(level.clone()));
        }
    }
    Err(Error::new(format!("no matching log level found for value '{value}'")).context("could not map log level"))
}

fn severity_equals(criterion: &Value, value: &str) -> bool {
    let Value::Map(m) = criterion else { return false };
    matches!(m.get("equals"), Some(Value::Slice(list)) if list.iter().any(|v| matches!(v, Value::String(s) if s == value)))
}

fn severity_in_range(criterion: &Value, value: i64) -> bool {
    match criterion {
        Value::String(class) => {
            let base = match class.as_str() {
                "2xx" => 200,
                "3xx" => 300,
                "4xx" => 400,
                "5xx" => 500,
                _ => return false,
            };
            (base..base + 100).contains(&value)
        }
        Value::Map(m) => {
            let Some(Value::Map(range)) = m.get("range") else { return false };
            match (range.get("min"), range.get("max")) {
                (Some(Value::Int(min)), Some(Value::Int(max))) => (*min..=*max).contains(&value),
                _ => false,
            }
        }
        _ => false,
    }
}

// ---- URL ----

/// `URL(url)`: the semantic-convention fields of a URL parsed by Go's `url.Parse` rules.
fn url(args: &mut Args<'_>) -> Result<Value> {
    let text = args.string(0)?;
    if text.is_empty() {
        crate::bail!("url cannot be empty");
    }
    if let Some(query) = text.strip_prefix('?') {
        return parse_query_to_map(query).map(Value::Map);
    }
    let parsed = GoUrl::parse(text).map_err(|e| Error::new(format!("parse {}: {e}", go_quote(text))))?;
    semconv_map(&parsed).map(Value::Map)
}

/// `url.ParseQuery` into `{"query": {param: [values]}}` (used for a bare `?query`).
fn parse_query_to_map(query: &str) -> Result<Map> {
    let mut params: indexmap::IndexMap<String, Vec<Value>> = indexmap::IndexMap::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        if pair.contains(';') {
            crate::bail!("invalid semicolon separator in query");
        }
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = unescape(key, Encoding::QueryComponent)?;
        params.entry(key).or_default().push(Value::String(unescape(value, Encoding::QueryComponent)?));
    }
    let mut result = Map::new();
    if !params.is_empty() {
        result.insert("query".into(), Value::Map(map_of(params.into_iter().map(|(k, v)| (k, Value::Slice(v))))));
    }
    Ok(result)
}

/// The reference's `url.*` map (`urlToSemconvMap`).
fn semconv_map(url: &GoUrl) -> Result<Map> {
    let mut m = Map::new();
    m.insert("url.original".into(), Value::String(url.to_go_string()));
    m.insert("url.domain".into(), Value::string(url.hostname()));
    m.insert("url.scheme".into(), Value::string(&url.scheme));
    m.insert("url.path".into(), Value::string(&url.path));
    let port = url.port();
    if !port.is_empty() {
        m.insert("url.port".into(), Value::Int(go::strconv::atoi(port)?));
    }
    if !url.fragment.is_empty() {
        m.insert("url.fragment".into(), Value::string(&url.fragment));
    }
    if let (Some(info), Some((name, password))) = (url.userinfo_string(), &url.user) {
        m.insert("url.user_info".into(), Value::String(info));
        if !name.is_empty() {
            m.insert("url.username".into(), Value::string(name));
        }
        if let Some(p) = password {
            m.insert("url.password".into(), Value::string(p));
        }
    }
    if !url.raw_query.is_empty() {
        m.insert("url.query".into(), Value::string(&url.raw_query));
    }
    if let Some(dot) = url.path.rfind('.')
        && dot + 1 < url.path.len()
    {
        m.insert("url.extension".into(), Value::string(&url.path[dot + 1..]));
    }
    Ok(m)
}

// ---- UserAgent ----

/// `UserAgent(user_agent)`: the browser family and version and the OS by the uap-core
/// rules; `os.version` only when known.
fn user_agent(args: &mut Args<'_>) -> Result<Value> {
    static PARSER: OnceLock<simple_useragent::UserAgentParser> = OnceLock::new();
    let text = args.string(0)?;
    let parsed = PARSER.get_or_init(simple_useragent::UserAgentParser::new).parse(text);
    let mut m = Map::new();
    m.insert("user_agent.name".into(), Value::String(parsed.client.family));
    m.insert("user_agent.original".into(), Value::string(text));
    m.insert("user_agent.version".into(), Value::String(parsed.client.version.unwrap_or_default()));
    if !parsed.os.family.is_empty() {
        m.insert("os.name".into(), Value::String(parsed.os.family));
    }
    if let Some(version) = parsed.os.version.filter(|v| !v.is_empty()) {
        m.insert("os.version".into(), Value::String(version));
    }
    Ok(Value::Map(m))
}

// ---- CommunityID ----

/// The protocols `CommunityID` knows, with their IANA numbers.
const COMMUNITY_ID_PROTOCOLS: &[(&str, u8)] = &[("ICMP", 1), ("TCP", 6), ("UDP", 17), ("RSVP", 46), ("ICMP6", 58), ("SCTP", 132)];

/// `CommunityID(source_ip, source_port, destination_ip, destination_port, protocol="TCP", seed=0)`:
/// the Community ID v1 flow hash, `1:` + base64(SHA-1(seed, ips, protocol, ports)) with the
/// endpoints ordered so that both directions of a flow hash alike.
fn community_id(args: &mut Args<'_>) -> Result<Value> {
    let src_ip = args.string(0).map_err(|e| e.context("failed to get source IP"))?;
    let dst_ip = args.string(2).map_err(|e| e.context("failed to get destination IP"))?;
    let src_port = flow_port(args, 1, "source")?;
    let dst_port = flow_port(args, 3, "destination")?;
    let protocol = match args.optional(4) {
        None => 6,
        Some(v) => {
            let name = coerce::string(v).map_err(|e| e.context("failed to get protocol"))?;
            COMMUNITY_ID_PROTOCOLS
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, number)| *number)
                .ok_or_else(|| Error::new(format!("unsupported protocol: {name}")))?
        }
    };
    let src = flow_ip(src_ip).ok_or_else(|| Error::new(format!("invalid source IP: {src_ip}")))?;
    let dst = flow_ip(dst_ip).ok_or_else(|| Error::new(format!("invalid destination IP: {dst_ip}")))?;
    let seed = match args.optional(5) {
        None => 0,
        Some(v) => {
            let seed = coerce::int(v).map_err(|e| e.context("failed to get seed"))?;
            u16::try_from(seed).map_err(|_| Error::new(format!("seed must be between 0 and 65535, got {seed}")))?
        }
    };
    let ((a_ip, a_port), (b_ip, b_port)) = ordered_endpoints((src, src_port), (dst, dst_port));
    let mut tuple = seed.to_be_bytes().to_vec();
    tuple.extend_from_slice(&a_ip);
    tuple.extend_from_slice(&b_ip);
    tuple.extend_from_slice(&[protocol, 0]);
    tuple.extend_from_slice(&a_port.to_be_bytes());
    tuple.extend_from_slice(&b_port.to_be_bytes());
    use sha1::Digest as _;
    let digest = sha1::Sha1::digest(&tuple);
    Ok(Value::String(format!("1:{}", coerce::base64_std(&digest))))
}

/// A port parameter, checked to be 1–65535.
fn flow_port(args: &Args<'_>, i: usize, which: &str) -> Result<u16> {
    let port = args.int(i).map_err(|e| e.context(format!("failed to get {which} port")))?;
    match u16::try_from(port) {
        Ok(p) if p >= 1 => Ok(p),
        _ => Err(Error::new(format!("{which} port must be between 1 and 65535, got {port}"))),
    }
}

/// The address bytes Go's `net.ParseIP(...).To4()` / `To16()` give: 4 bytes for IPv4
/// and IPv4-mapped IPv6, else 16.
fn flow_ip(text: &str) -> Option<Vec<u8>> {
    match text.parse::<std::net::IpAddr>().ok()? {
        std::net::IpAddr::V4(v4) => Some(v4.octets().to_vec()),
        std::net::IpAddr::V6(v6) => Some(v6.to_ipv4_mapped().map_or_else(|| v6.octets().to_vec(), |v4| v4.octets().to_vec())),
    }
}

/// Source and destination in the flow's canonical order (the smaller address first, or
/// on equal addresses the smaller port first; a shorter address counts as smaller).
fn ordered_endpoints(src: (Vec<u8>, u16), dst: (Vec<u8>, u16)) -> ((Vec<u8>, u16), (Vec<u8>, u16)) {
    let swap = if src.0.len() != dst.0.len() { src.0.len() > dst.0.len() } else { (&src.0, src.1) > (&dst.0, dst.1) };
    if swap { (dst, src) } else { (src, dst) }
}

// ---- Log formats: CEF, CLF, ELF, LEEF ----

/// The text from the format's marker on (a syslog header before it is skipped).
fn from_marker<'a>(message: &'a str, marker: &str, format: &str) -> Result<&'a str> {
    match message.find(marker) {
        Some(i) => Ok(&message[i..]),
        None => Err(Error::new(format!("invalid {format} message: '{marker}' not found"))),
    }
}

/// `ParseCEF(target)`: an ArcSight Common Event Format line
/// (`CEF:Version|Vendor|Product|Version|Class ID|Name|Severity|Extension`) into its header
/// fields and an `extensions` map.
fn parse_cef(args: &mut Args<'_>) -> Result<Value> {
    let source = args.string(0)?;
    if source.is_empty() {
        crate::bail!("cannot parse empty CEF message");
    }
    let cef = from_marker(source, "CEF:", "CEF")?;
    let (header, extension) = split_cef_header(&cef["CEF:".len()..]);
    if header.len() < 7 {
        crate::bail!("invalid CEF message: expected 7 header fields, got {}", header.len());
    }
    const NAMES: [&str; 7] = [
        "cef.version",
        "cef.device_vendor",
        "cef.device_product",
        "cef.device_version",
        "cef.device_event_class_id",
        "cef.name",
        "cef.severity",
    ];
    let mut m = map_of(NAMES.iter().map(|n| n.to_string()).zip(header.into_iter().map(Value::String)));
    m.insert("cef.extensions".into(), Value::Map(parse_cef_extension(extension)));
    Ok(Value::Map(m))
}

/// The seven `|`-separated header fields (with `\|` and `\\` unescaped) and the rest.
fn split_cef_header(text: &str) -> (Vec<String>, &str) {
    let mut fields = Vec::new();
    let mut current = String::new();
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some((_, next @ ('|' | '\\'))) => current.push(next),
                Some((_, next)) => {
                    current.push('\\');
                    current.push(next);
                }
                None => current.push('\\'),
            },
            '|' => {
                fields.push(std::mem::take(&mut current));
                if fields.len() == 7 {
                    return (fields, &text[i + 1..]);
                }
            }
            c => current.push(c),
        }
    }
    fields.push(current);
    (fields, "")
}

/// The extension's `key=value` pairs: a key is a run of word characters (and `.[]-`)
/// before an unescaped `=`; its value runs to the space before the next key.
fn parse_cef_extension(text: &str) -> Map {
    let key_starts: Vec<(usize, usize)> = cef_key_positions(text);
    let mut m = Map::new();
    for (n, &(start, eq)) in key_starts.iter().enumerate() {
        let value_end = key_starts.get(n + 1).map_or(text.len(), |&(next, _)| next);
        let value = text[eq + 1..value_end].trim_end_matches(' ');
        m.insert(text[start..eq].to_string(), Value::String(unescape_cef_value(value)));
    }
    m
}

/// (key start, `=` position) of every extension key.
fn cef_key_positions(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let is_key_byte = |b: u8| b.is_ascii_alphanumeric() || b"_.[]-".contains(&b);
    let mut positions = Vec::new();
    for (eq, &b) in bytes.iter().enumerate() {
        if b != b'=' || (eq > 0 && bytes[eq - 1] == b'\\') {
            continue;
        }
        let mut start = eq;
        while start > 0 && is_key_byte(bytes[start - 1]) {
            start -= 1;
        }
        if start < eq && (start == 0 || bytes[start - 1] == b' ') {
            positions.push((start, eq));
        }
    }
    positions
}

fn unescape_cef_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// `ParseCLF(target, format="clf")`: an NCSA Common (`clf`) or Combined (`combined`)
/// Log Format line.
fn parse_clf(args: &mut Args<'_>) -> Result<Value> {
    let format = match args.optional(1) {
        Some(v) => coerce::string(v)?,
        None => "clf",
    };
    const COMMON: &str = r#"^(\S+) (\S+) (\S+) \[([^\]]*)\] "((?:[^"\\]|\\.)*)" (\d{3}|-) (\d+|-)"#;
    const COMBINED_TAIL: &str = r#" "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)""#;
    let pattern = match format {
        "clf" => format!(r"{COMMON}\s*$"),
        "combined" => format!(r"{COMMON}{COMBINED_TAIL}\s*$"),
        other => crate::bail!("unsupported format {}, expected \"clf\" or \"combined\"", go_quote(other)),
    };
    let source = args.string(0)?;
    let regex = crate::regex::compile(&pattern).map_err(Error::new)?;
    let Some(c) = regex.captures(source) else {
        crate::bail!("invalid CLF message: does not match the {format} format");
    };
    let text = |i: usize| c.get(i).map_or("", |m| m.as_str());
    let mut m = Map::new();
    for (i, key) in ["clf.remote_host", "clf.rfc931", "clf.auth_user", "clf.timestamp", "clf.request"].into_iter().enumerate() {
        m.insert(key.into(), Value::string(text(i + 1)));
    }
    let request: Vec<&str> = text(5).split(' ').collect();
    if let [method, uri, protocol] = request[..] {
        m.insert("clf.method".into(), Value::string(method));
        m.insert("clf.request_uri".into(), Value::string(uri));
        m.insert("clf.protocol".into(), Value::string(protocol));
    }
    // A `-` status or size is absent, not zero.
    if text(6) != "-" {
        m.insert("clf.status".into(), Value::Int(go::strconv::atoi(text(6))?));
    }
    if text(7) != "-" {
        m.insert("clf.bytes".into(), Value::Int(go::strconv::atoi(text(7))?));
    }
    if format == "combined" {
        m.insert("clf.referer".into(), Value::string(text(8)));
        m.insert("clf.user_agent".into(), Value::string(text(9)));
    }
    Ok(Value::Map(m))
}

/// `ParseELF(target)`: a W3C Extended Log Format entry: `#` directives (a `#Fields:`
/// directive names the fields) and one data line whose space-separated entries (quoted
/// strings may hold spaces, `""` is a quote) map to those fields; `-` marks a missing one.
fn parse_elf(args: &mut Args<'_>) -> Result<Value> {
    let source = args.string(0)?;
    let mut m = Map::new();
    let mut fields: Option<Vec<String>> = None;
    let mut entries = Vec::new();
    for line in source.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if let Some(directive) = line.strip_prefix('#') {
            let (name, value) = directive.split_once(':').unwrap_or((directive, ""));
            let value = value.trim();
            if name == "Fields" {
                fields = Some(value.split_whitespace().map(str::to_string).collect());
            } else {
                // `#Version:`, `#Software:`, `#Date:`, `#Remark:`, … as `elf.version`, ….
                m.insert(format!("elf.{}", name.trim().to_lowercase()), Value::string(value));
            }
            continue;
        }
        let Some(names) = &fields else { crate::bail!("invalid ELF: data entry found before #Fields directive") };
        let values = split_elf_entries(line)?;
        if values.len() > names.len() {
            crate::bail!("invalid ELF: expected {} fields, got {}", names.len(), values.len());
        }
        // Missing trailing values read as `-`, the format's "no value".
        let mut values = values.into_iter();
        entries.push(Value::Map(
            names.iter().map(|name| (name.clone(), Value::String(values.next().unwrap_or_else(|| "-".to_string())))).collect(),
        ));
    }
    if !m.contains_key("elf.version") {
        crate::bail!("invalid ELF: missing #Version directive");
    }
    let Some(fields) = fields else { crate::bail!("invalid ELF: missing #Fields directive") };
    m.insert("elf.fields".into(), Value::Slice(fields.into_iter().map(Value::String).collect()));
    m.insert("elf.entries".into(), Value::Slice(entries));
    Ok(Value::Map(m))
}

fn split_elf_entries(line: &str) -> Result<Vec<String>> {
    let mut entries = Vec::new();
    let mut chars = line.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let Some(&first) = chars.peek() else { break };
        let mut entry = String::new();
        if first == '"' {
            chars.next();
            loop {
                match chars.next() {
                    Some('"') if chars.next_if_eq(&'"').is_some() => entry.push('"'),
                    Some('"') => break,
                    Some(c) => entry.push(c),
                    None => crate::bail!("invalid ELF message: unterminated quoted string"),
                }
            }
        } else {
            while let Some(c) = chars.next_if(|c| !c.is_whitespace()) {
                entry.push(c);
            }
        }
        entries.push(entry);
    }
    Ok(entries)
}

/// `ParseLEEF(target)`: an IBM QRadar LEEF 1.0 or 2.0 event
/// (`LEEF:Version|Vendor|Product|Version|EventID|[Delimiter|]attributes`).
fn parse_leef(args: &mut Args<'_>) -> Result<Value> {
    let source = args.string(0)?;
    if source.is_empty() {
        crate::bail!("cannot parse empty LEEF message");
    }
    let leef = from_marker(source, "LEEF:", "LEEF")?;
    let Some((version_field, remainder)) = leef.split_once('|') else {
        crate::bail!("invalid LEEF message: missing pipe delimiter in header");
    };
    let version = &version_field["LEEF:".len()..];
    let (header, delimiter, attributes) = match version {
        "1.0" => {
            let parts: Vec<&str> = remainder.splitn(5, '|').collect();
            if parts.len() < 4 {
                crate::bail!(
                    "invalid LEEF 1.0 header: expected at least 4 fields (vendor, product, version, eventID), got {}",
                    parts.len()
                );
            }
            (parts[..4].to_vec(), "\t".to_string(), parts.get(4).copied().unwrap_or(""))
        }
        "2.0" => {
            let parts: Vec<&str> = remainder.splitn(6, '|').collect();
            if parts.len() < 5 {
                crate::bail!(
                    "invalid LEEF 2.0 header: expected at least 5 fields (vendor, product, version, eventID, delimiter), got {}",
                    parts.len()
                );
            }
            let delimiter = leef_delimiter(parts[4]).map_err(|e| e.context("invalid LEEF 2.0 delimiter"))?;
            (parts[..4].to_vec(), delimiter, parts.get(5).copied().unwrap_or(""))
        }
        other => crate::bail!("unsupported LEEF version: {other} (supported: 1.0, 2.0)"),
    };
    let mut m = Map::new();
    m.insert("leef.version".into(), Value::string(version));
    for (key, value) in ["leef.vendor", "leef.product.name", "leef.product.version", "leef.event.id"].into_iter().zip(header) {
        m.insert(key.into(), Value::string(value));
    }
    m.insert("leef.attributes".into(), Value::Map(parse_leef_attributes(attributes, &delimiter)));
    Ok(Value::Map(m))
}

/// A LEEF 2.0 delimiter: a character, or `0x..` for one byte in hex; empty means tab.
fn leef_delimiter(spec: &str) -> Result<String> {
    let Some(hex) = spec.strip_prefix("0x").or_else(|| spec.strip_prefix("0X")) else {
        return Ok(if spec.is_empty() { "\t".into() } else { spec.into() });
    };
    if hex.is_empty() {
        crate::bail!("empty hex value");
    }
    let invalid = || Error::new(format!("invalid hex delimiter {}: encoding/hex: invalid byte", go_quote(spec)));
    if hex.len() % 2 != 0 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(invalid());
    }
    if hex.len() != 2 {
        crate::bail!("hex delimiter must decode to a single byte, got {} bytes", hex.len() / 2);
    }
    let byte = u8::from_str_radix(hex, 16).map_err(|_| invalid())?;
    Ok(String::from_utf8_lossy(&[byte]).into_owned())
}

/// The `key=value` attributes between delimiters; pieces without `=` or a key are skipped.
fn parse_leef_attributes(attributes: &str, delimiter: &str) -> Map {
    let pairs = attributes.split(delimiter).map(str::trim).filter_map(|pair| pair.split_once('='));
    map_of(pairs.filter(|(k, _)| !k.is_empty()).map(|(k, v)| (k.to_string(), Value::string(v))))
}

#[cfg(test)]
mod tests {
    use super::super::testing::convert;
    use super::*;

    fn s(text: &str) -> Value {
        Value::string(text)
    }

    fn map(pairs: &[(&str, Value)]) -> Value {
        Value::Map(pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
    }

    fn strings(pairs: &[(&str, &str)]) -> Value {
        map(&pairs.iter().map(|(k, v)| (*k, s(v))).collect::<Vec<_>>())
    }

    fn list(items: &[&str]) -> Value {
        Value::Slice(items.iter().map(|i| s(i)).collect())
    }

    fn error(name: &str, args: Vec<Value>) -> String {
        convert(name, args).expect_err("expected an error").message().to_string()
    }

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

    fn csv(target: &str, header: &str, rest: &[Value]) -> Result<Value> {
        let mut args = vec![s(target), s(header)];
        args.extend(rest.iter().cloned());
        convert("ParseCSV", args)
    }

    #[test]
    fn parse_csv_reference_cases() {
        let cols = |vals: [&str; 3]| strings(&[("col1", vals[0]), ("col2", vals[1]), ("col3", vals[2])]);
        assert_eq!(csv("val1,val2,val3", "col1,col2,col3", &[]).unwrap(), cols(["val1", "val2", "val3"]));
        assert_eq!(csv("val1\nnewline,val2,val3", "col1,col2,col3", &[]).unwrap(), cols(["val1\nnewline", "val2", "val3"]));
        assert_eq!(csv("val1,val2\nnewline,val3", "col1,col2,col3", &[]).unwrap(), cols(["val1", "val2\nnewline", "val3"]));
        assert_eq!(csv("val1,val2,val3\nnewline", "col1,col2,col3", &[]).unwrap(), cols(["val1", "val2", "val3\nnewline"]));
        assert_eq!(
            csv("val1\nnewline1,val2\nnewline2,val3\nnewline3", "col1,col2,col3", &[]).unwrap(),
            cols(["val1\nnewline1", "val2\nnewline2", "val3\nnewline3"])
        );
        assert_eq!(csv("\nval1,val2,val3", "col1,col2,col3", &[]).unwrap(), cols(["val1", "val2", "val3"]));
        assert_eq!(csv("val1,val2,val3\n", "col1,col2,col3", &[]).unwrap(), cols(["val1", "val2", "val3"]));
        assert_eq!(csv("val1\n,val2,val3", "col1,col2,col3", &[]).unwrap(), cols(["val1\n", "val2", "val3"]));
        assert_eq!(csv("val1\tval2\tval3", "col1 col2 col3", &[s("\t"), s(" ")]).unwrap(), cols(["val1", "val2", "val3"]));
        assert_eq!(csv("\"a,b\",\"c\"\"d\",e", "col1,col2,col3", &[]).unwrap(), cols(["a,b", "c\"d", "e"]));
        assert_eq!(csv("\"a\nb\",c,d", "col1,col2,col3", &[]).unwrap(), cols(["a\nb", "c", "d"]));
        let err = |r: Result<Value>| r.unwrap_err().message().to_string();
        assert_eq!(err(csv("val1,val2,val3", "col1,col2", &[])), "map csv headers: wrong number of fields: expected 2, found 3");
        assert_eq!(err(csv("val1", "", &[])), "headers must not be an empty string");
        assert_eq!(err(csv("", "col1,col2,col3", &[])), "no csv lines found");
        assert_eq!(
            err(csv("val1,val2,v\"al3", "col1,col2,col3", &[])),
            "map csv headers: wrong number of fields: expected 3, found 2"
        );
        assert_eq!(
            err(csv("\"abc\"x,y", "col1,col2", &[])),
            "read csv line: parse error on line 1, column 5: extraneous or missing \" in quoted-field"
        );
        assert_eq!(err(csv("a,b,c", "x,y,z", &[s("bad_delim")])), "invalid arguments: delimiter must be a single character");
        assert_eq!(
            err(csv("a,b,c", "x,y,z", &[s(","), s("bad_delim")])),
            "invalid arguments: header_delimiter must be a single character"
        );
        assert_eq!(err(csv("a", "x", &[s(","), s(","), s("fake-mode")])), "unknown mode: fake-mode");
    }

    #[test]
    fn parse_csv_modes() {
        let lazy = [s(","), s(","), s("lazyQuotes")];
        assert_eq!(
            csv("val1,val2,v\"al3", "col1,col2,col3", &lazy).unwrap(),
            strings(&[("col1", "val1"), ("col2", "val2"), ("col3", "v\"al3")])
        );
        assert_eq!(
            csv("val1,\"val2,\"val3,val4\"", "col1,col2,col3,col4", &lazy).unwrap_err().message(),
            "map csv headers: wrong number of fields: expected 4, found 2"
        );
        let ignore = [s(","), s(","), s("ignoreQuotes")];
        assert_eq!(
            csv("val1,\"val2,\"val3,val4\"", "col1,col2,col3,col4", &ignore).unwrap(),
            strings(&[("col1", "val1"), ("col2", "\"val2"), ("col3", "\"val3"), ("col4", "val4\"")])
        );
        // The corpus rows: separate header delimiter, and the README example.
        assert_eq!(
            csv("val1;val2;val3", "header1|header2|header3", &[s(";"), s("|"), s("strict")]).unwrap(),
            strings(&[("header1", "val1"), ("header2", "val2"), ("header3", "val3")])
        );
        assert_eq!(
            csv("999-999-9999,Joe Smith,joe.smith@example.com", "phone,name,email", &[]).unwrap(),
            strings(&[("phone", "999-999-9999"), ("name", "Joe Smith"), ("email", "joe.smith@example.com")])
        );
        csv("a,b", "x,y,z", &[]).unwrap_err();
    }

    #[test]
    fn extract_patterns_cases() {
        assert_eq!(
            convert("ExtractPatterns", vec![s("aa123bb"), s(r"(?P<numbers>\d+)")]).unwrap(),
            strings(&[("numbers", "123")])
        );
        assert_eq!(
            convert("ExtractPatterns", vec![s("a=b c=d"), s(r"^a=(?P<a>\w+)\s+c=(?P<c>\w+)(?P<e>x)?$")]).unwrap(),
            strings(&[("a", "b"), ("c", "d"), ("e", "")])
        );
        assert_eq!(convert("ExtractPatterns", vec![s("zzz"), s(r"(?P<n>\d+)")]).unwrap(), map(&[]));
        assert_eq!(
            error("ExtractPatterns", vec![s("x"), s(r"(\d+)")]),
            "at least 1 named capture group must be supplied in the given regex"
        );
        assert!(
            error("ExtractPatterns", vec![s("x"), s("(")])
                .starts_with("the regex pattern supplied to ExtractPatterns '\"(\"' is not a valid pattern: ")
        );
    }

    fn grok(target: &str, pattern: &str, named: bool, defs: &[&str]) -> Result<Value> {
        convert("ExtractGrokPatterns", vec![s(target), s(pattern), Value::Bool(named), list(defs)])
    }

    #[test]
    fn extract_grok_patterns_reference_cases() {
        let url = "http://user:password@example.com:80/path?query=string";
        // The logstash field names of the crate's set (go-grok's ECS set says `url.scheme`, …).
        assert_eq!(
            grok(url, "%{ELB_URI}", true, &[]).unwrap(),
            map(&[
                ("proto", s("http")),
                ("urihost", s("example.com:80")),
                ("port", s("80")),
                ("path", s("/path")),
                ("params", s("?query=string"))
            ])
        );
        let uri = grok(url, "%{URI}", false, &[]).unwrap();
        let Value::Map(uri) = uri else { panic!("not a map") };
        for (k, v) in [
            ("URIPROTO", "http"),
            ("USER", "user"),
            ("URIHOST", "example.com:80"),
            ("IPORHOST", "example.com"),
            ("port", "80"),
            ("URIPATH", "/path"),
            ("URIPARAM", "?query=string"),
        ] {
            assert_eq!(uri.get(k), Some(&s(v)), "{k}");
        }
        assert_eq!(
            grok(
                "2024-06-18 12:34:56 UTC johndoe 12345 67890",
                "%{DATESTAMP:timestamp} %{TZ:event.timezone} %{DATA:user.name} %{GREEDYDATA:postgresql.log.connection_id} %{POSINT:process.pid:int}",
                true,
                &[]
            )
            .unwrap(),
            map(&[
                ("timestamp", s("24-06-18 12:34:56")),
                ("event.timezone", s("UTC")),
                ("user.name", s("johndoe")),
                ("postgresql.log.connection_id", s("12345")),
                ("process.pid", Value::Int(67890)),
            ])
        );
        assert_eq!(
            grok(
                "2024-06-18 12:34:56 otel",
                "%{MYPATTERN}",
                true,
                &["MYPATTERN=%{MYDATEPATTERN:timestamp} otel", "MYDATEPATTERN=%{DATE}[- ]%{TIME}"]
            )
            .unwrap(),
            strings(&[("timestamp", "24-06-18 12:34:56")])
        );
        assert_eq!(grok("a=b c=d", r"^a=(?P<a>\w+)\s+c=(?P<c>\w+)$", false, &[]).unwrap(), strings(&[("a", "b"), ("c", "d")]));
        assert_eq!(grok("a=b c=d", r"^a=(?P<a>\w+)$", false, &[]).unwrap(), map(&[]));
        assert_eq!(grok("foobar", "(.*)", false, &[]).unwrap(), map(&[]));
    }

    #[test]
    fn extract_grok_patterns_errors_and_types() {
        assert!(grok("foobar", "(", false, &[]).unwrap_err().message().contains("is not a valid pattern"));
        assert_eq!(
            grok("x", "%{URI}", false, &["PAT:TERN=invalid"]).unwrap_err().message(),
            "pattern ID \"PAT:TERN\" should not contain ':'"
        );
        assert_eq!(
            grok("x", "%{URI}", false, &["THIS_IS_A_LONG_DEFINITION_WITHOUT_EQUALS"]).unwrap_err().message(),
            "pattern \"THIS_IS_A_LONG_DE...\" supplied to ExtractGrokPatterns at index 0 has incorrect format, expecting PATTERNNAME=pattern definition"
        );
        assert!(grok("x", "%{NOPE}", false, &[]).unwrap_err().message().contains("pattern definition \"NOPE\" unknown"));
        assert_eq!(
            grok("x", "%{WORD}", true, &[]).unwrap_err().message(),
            "at least 1 named capture group must be supplied in the given regex"
        );
        assert_eq!(
            grok("1.5 true", "%{NUMBER:n:float} %{WORD:b:bool}", true, &[]).unwrap(),
            map(&[("n", Value::Float(1.5)), ("b", Value::Bool(true))])
        );
        assert_eq!(grok("x1", "%{WORD:n:int}", true, &[]).unwrap_err().message(), "strconv.Atoi: parsing \"x1\": invalid syntax");
        assert!(grok("x", "%{A}", false, &["A=%{A}"]).is_err(), "a cyclic definition ends");
        assert_eq!(
            convert("ExtractGrokPatterns", vec![Value::Int(123), s("%{URI}")]).unwrap_err().message(),
            "expected string but got int64"
        );
        convert("ExtractGrokPatterns", vec![Value::Nil, s("(?P<line>.*)")]).unwrap_err();
    }

    #[test]
    fn parse_severity_cases() {
        let criteria = |items: Vec<Value>| Value::Slice(items);
        let range = |min: i64, max: i64| map(&[("range", map(&[("min", Value::Int(min)), ("max", Value::Int(max))]))]);
        let mapping = map(&[
            ("error", criteria(vec![map(&[("equals", list(&["err"]))]), range(3, 4)])),
            ("info", criteria(vec![range(1, 2)])),
            ("warn", criteria(vec![s("4xx")])),
        ]);
        let sev = |v: Value| convert("ParseSeverity", vec![v, mapping.clone()]);
        assert_eq!(sev(Value::Int(1)).unwrap(), s("info"));
        assert_eq!(sev(Value::Int(3)).unwrap(), s("error"));
        assert_eq!(sev(s("err")).unwrap(), s("error"));
        assert_eq!(sev(Value::Int(404)).unwrap(), s("warn"));
        assert_eq!(
            sev(Value::Int(42)).unwrap_err().message(),
            "could not map log level: no matching log level found for value '42'"
        );
        assert_eq!(
            sev(Value::Float(1.0)).unwrap_err().message(),
            "could not map log level: could not evaluate log level of value '1': log level must be either string or int64"
        );
    }

    #[test]
    fn url_reference_cases() {
        let u = |text: &str| convert("URL", vec![s(text)]).unwrap();
        assert_eq!(
            u("http://www.example.com"),
            strings(&[
                ("url.original", "http://www.example.com"),
                ("url.scheme", "http"),
                ("url.domain", "www.example.com"),
                ("url.path", "")
            ])
        );
        let full = "http://myusername:mypassword@www.example.com:80/foo.gif?key1=val1&key2=val2#fragment";
        assert_eq!(
            u(full),
            map(&[
                ("url.path", s("/foo.gif")),
                ("url.fragment", s("fragment")),
                ("url.extension", s("gif")),
                ("url.password", s("mypassword")),
                ("url.original", s(full)),
                ("url.scheme", s("http")),
                ("url.port", Value::Int(80)),
                ("url.user_info", s("myusername:mypassword")),
                ("url.domain", s("www.example.com")),
                ("url.query", s("key1=val1&key2=val2")),
                ("url.username", s("myusername")),
            ])
        );
        let Value::Map(m) = u("https://user:@www.example.com:77/foo") else { panic!() };
        assert_eq!(m["url.password"], s(""));
        assert_eq!(m["url.user_info"], s("user:"));
        assert_eq!(m["url.port"], Value::Int(77));
        let Value::Map(m) = u("telnet://192.0.2.16:80/") else { panic!() };
        assert_eq!((m["url.path"].clone(), m["url.domain"].clone(), m.len()), (s("/"), s("192.0.2.16"), 5));
        let Value::Map(m) = u("ftp://ftp.is.co.za/rfc/rfc1808.txt") else { panic!() };
        assert_eq!(m["url.extension"], s("txt"));
        let Value::Map(m) = u("HTTP://[::1]:8080/a%20b") else { panic!() };
        assert_eq!((m["url.scheme"].clone(), m["url.domain"].clone(), m["url.path"].clone()), (s("http"), s("::1"), s("/a b")));
        assert_eq!(m["url.original"], s("http://[::1]:8080/a%20b"));
        assert_eq!(error("URL", vec![s("")]), "url cannot be empty");
        assert_eq!(error("URL", vec![s("http://[::1")]), "parse \"http://[::1\": missing ']' in host");
        assert_eq!(error("URL", vec![s("http://x:y/")]), "parse \"http://x:y/\": invalid port \":y\" after host");
        assert_eq!(error("URL", vec![s("%zz")]), "parse \"%zz\": invalid URL escape \"%zz\"");
    }

    #[test]
    fn user_agent_cases() {
        let ua = |text: &str| convert("UserAgent", vec![s(text)]).unwrap();
        assert_eq!(
            ua("curl/7.81.0"),
            strings(&[
                ("user_agent.original", "curl/7.81.0"),
                ("user_agent.name", "curl"),
                ("user_agent.version", "7.81.0"),
                ("os.name", "Other")
            ])
        );
        let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0";
        assert_eq!(
            ua(firefox),
            strings(&[
                ("user_agent.name", "Firefox"),
                ("user_agent.version", "126.0"),
                ("user_agent.original", firefox),
                ("os.name", "Linux")
            ])
        );
        let other = "foobar/1.2.3 (foo; bar baz)";
        assert_eq!(
            ua(other),
            strings(&[
                ("user_agent.name", "Other"),
                ("user_agent.version", ""),
                ("user_agent.original", other),
                ("os.name", "Other")
            ])
        );
        let Value::Map(m) = ua(
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/91.0.4472.124 Safari/537.36",
        ) else {
            panic!()
        };
        assert_eq!((m["os.name"].clone(), m["os.version"].clone()), (s("Windows"), s("10")));
    }

    #[test]
    fn community_id_cases() {
        let id = |proto: Option<&str>, seed: Option<i64>| {
            let mut args = vec![s("123.124.125.126"), Value::Int(12345), s("55.56.57.58"), Value::Int(80)];
            if let Some(p) = proto {
                args.push(s(p));
            }
            if let Some(seed) = seed {
                args.push(Value::Int(seed));
            }
            convert("CommunityID", args).unwrap()
        };
        assert_eq!(id(Some("TCP"), Some(0)), s("1:9qr9Z1LViXcNwtLVOHZ3CL8MlyM="));
        assert_eq!(id(None, None), s("1:9qr9Z1LViXcNwtLVOHZ3CL8MlyM="));
        assert_eq!(id(Some("ICMP"), Some(9)), s("1:7tb0A6iknoFJCZmtLXkvScm21Ss="));
        assert_eq!(id(Some("RSVP"), Some(11)), s("1:cEVbY6jymDAKgyIU4UqMu0WQHTI="));
        assert_eq!(id(Some("SCTP"), Some(12)), s("1:4KOPjy2bsV43uY/mf4HtwyZkwqM="));
        // Both directions of a flow hash alike.
        let reverse =
            convert("CommunityID", vec![s("55.56.57.58"), Value::Int(80), s("123.124.125.126"), Value::Int(12345)]).unwrap();
        assert_eq!(reverse, s("1:9qr9Z1LViXcNwtLVOHZ3CL8MlyM="));
        let bad = |args: Vec<Value>| convert("CommunityID", args).unwrap_err().message().to_string();
        assert_eq!(
            bad(vec![s("1.2.3.4"), Value::Int(0), s("1.2.3.5"), Value::Int(1)]),
            "source port must be between 1 and 65535, got 0"
        );
        assert_eq!(bad(vec![s("1.2.3.4"), Value::Int(1), s("x"), Value::Int(1)]), "invalid destination IP: x");
        assert_eq!(bad(vec![s("1.2.3.4"), Value::Int(1), s("1.2.3.5"), Value::Int(1), s("GRE")]), "unsupported protocol: GRE");
        assert_eq!(
            bad(vec![s("1.2.3.4"), Value::Int(1), s("1.2.3.5"), Value::Int(1), s("TCP"), Value::Int(70000)]),
            "seed must be between 0 and 65535, got 70000"
        );
        assert_eq!(
            bad(vec![Value::Nil, Value::Int(1), s("1.2.3.5"), Value::Int(1)]),
            "failed to get source IP: expected string but got nil"
        );
    }

    #[test]
    fn parse_leef_cases() {
        let leef = |text: &str| convert("ParseLEEF", vec![s(text)]).unwrap();
        let header = |version: &str, vendor: &str, product: &str, pv: &str, id: &str, attrs: Value| {
            map(&[
                ("leef.version", s(version)),
                ("leef.vendor", s(vendor)),
                ("leef.product.name", s(product)),
                ("leef.product.version", s(pv)),
                ("leef.event.id", s(id)),
                ("leef.attributes", attrs),
            ])
        };
        assert_eq!(
            leef("LEEF:1.0|Microsoft|MSExchange|4.0 SP1|15345|src=10.50.1.1\tdst=2.10.20.20\tsev=5"),
            header(
                "1.0",
                "Microsoft",
                "MSExchange",
                "4.0 SP1",
                "15345",
                strings(&[("src", "10.50.1.1"), ("dst", "2.10.20.20"), ("sev", "5")])
            )
        );
        assert_eq!(leef("LEEF:1.0|Vendor|Product|1.0|EventID"), header("1.0", "Vendor", "Product", "1.0", "EventID", map(&[])));
        assert_eq!(
            leef("LEEF:2.0|Lancope|StealthWatch|1.0|41|^|src=10.0.1.8^dst=10.0.0.5^^sev=5"),
            header(
                "2.0",
                "Lancope",
                "StealthWatch",
                "1.0",
                "41",
                strings(&[("src", "10.0.1.8"), ("dst", "10.0.0.5"), ("sev", "5")])
            )
        );
        assert_eq!(
            leef("LEEF:2.0|Vendor|Product|1.0|100|0X5E|key1=val1^key2=val2"),
            header("2.0", "Vendor", "Product", "1.0", "100", strings(&[("key1", "val1"), ("key2", "val2")]))
        );
        assert_eq!(
            leef("<30>Aug 19 12:33:31 host guard[1]: LEEF:1.0|IBM|Guardium|8.0|Login failures|url=http://x?a=b\tk=\t=v"),
            header("1.0", "IBM", "Guardium", "8.0", "Login failures", strings(&[("url", "http://x?a=b"), ("k", "")]))
        );
        assert_eq!(error("ParseLEEF", vec![s("")]), "cannot parse empty LEEF message");
        assert_eq!(error("ParseLEEF", vec![s("nope")]), "invalid LEEF message: 'LEEF:' not found");
        assert_eq!(error("ParseLEEF", vec![s("LEEF:3.0|a|b|c|d|")]), "unsupported LEEF version: 3.0 (supported: 1.0, 2.0)");
        assert_eq!(
            error("ParseLEEF", vec![s("LEEF:1.0|a|b")]),
            "invalid LEEF 1.0 header: expected at least 4 fields (vendor, product, version, eventID), got 2"
        );
        assert_eq!(
            error("ParseLEEF", vec![s("LEEF:2.0|a|b|c|d|0x5e5e|")]),
            "invalid LEEF 2.0 delimiter: hex delimiter must decode to a single byte, got 2 bytes"
        );
    }

    #[test]
    fn parse_cef_cases() {
        let cef = convert(
            "ParseCEF",
            vec![s(r"Sep 19 08:26:10 host CEF:0|Security|threat\|manager|1.0|100|worm successfully stopped|10|src=10.0.0.1 dst=2.1.2.2 msg=Detected a threat. No action\=needed spt=1232")],
        )
        .unwrap();
        assert_eq!(
            cef,
            map(&[
                ("cef.version", s("0")),
                ("cef.device_vendor", s("Security")),
                ("cef.device_product", s("threat|manager")),
                ("cef.device_version", s("1.0")),
                ("cef.device_event_class_id", s("100")),
                ("cef.name", s("worm successfully stopped")),
                ("cef.severity", s("10")),
                (
                    "cef.extensions",
                    strings(&[
                        ("src", "10.0.0.1"),
                        ("dst", "2.1.2.2"),
                        ("msg", "Detected a threat. No action=needed"),
                        ("spt", "1232")
                    ])
                ),
            ])
        );
        assert_eq!(error("ParseCEF", vec![s("CEF:0|a|b")]), "invalid CEF message: expected 7 header fields, got 3");
        assert_eq!(error("ParseCEF", vec![s("x")]), "invalid CEF message: 'CEF:' not found");
    }

    #[test]
    fn parse_clf_cases() {
        let line = r#"127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326"#;
        let Value::Map(m) = convert("ParseCLF", vec![s(line)]).unwrap() else { panic!() };
        assert_eq!(m["clf.remote_host"], s("127.0.0.1"));
        assert_eq!(m["clf.rfc931"], s("-"));
        assert_eq!(m["clf.auth_user"], s("frank"));
        assert_eq!(m["clf.timestamp"], s("10/Oct/2000:13:55:36 -0700"));
        assert_eq!(
            (m["clf.method"].clone(), m["clf.request_uri"].clone(), m["clf.protocol"].clone()),
            (s("GET"), s("/apache_pb.gif"), s("HTTP/1.0"))
        );
        assert_eq!((m["clf.status"].clone(), m["clf.bytes"].clone()), (Value::Int(200), Value::Int(2326)));
        let combined = format!(r#"{line} "http://example.com/start.html" "Mozilla/4.08""#);
        let Value::Map(m) = convert("ParseCLF", vec![s(&combined), s("combined")]).unwrap() else { panic!() };
        assert_eq!(
            (m["clf.referer"].clone(), m["clf.user_agent"].clone()),
            (s("http://example.com/start.html"), s("Mozilla/4.08"))
        );
        let no_size = r#"10.1.1.1 - - [01/Jan/2024:00:00:00 +0000] "POST /api HTTP/1.1" 500 -"#;
        let Value::Map(m) = convert("ParseCLF", vec![s(no_size)]).unwrap() else { panic!() };
        assert!(!m.contains_key("clf.bytes"), "a `-` size is absent");
        assert_eq!(error("ParseCLF", vec![s("junk")]), "invalid CLF message: does not match the clf format");
        assert_eq!(error("ParseCLF", vec![s(line), s("json")]), "unsupported format \"json\", expected \"clf\" or \"combined\"");
    }

    #[test]
    fn parse_elf_cases() {
        let text = "#Version: 1.0\n#Software: x\n#Fields: date time cs(User-Agent)\n2024-01-02 03:04:05 \"Mozilla \"\"x\"\"\"\n2024-01-03 -";
        let Value::Map(m) = convert("ParseELF", vec![s(text)]).unwrap() else { panic!("not a map") };
        assert_eq!(m["elf.version"], s("1.0"));
        assert_eq!(m["elf.software"], s("x"));
        assert_eq!(m["elf.fields"], list(&["date", "time", "cs(User-Agent)"]));
        assert_eq!(
            m["elf.entries"],
            Value::Slice(vec![
                strings(&[("date", "2024-01-02"), ("time", "03:04:05"), ("cs(User-Agent)", "Mozilla \"x\"")]),
                strings(&[("date", "2024-01-03"), ("time", "-"), ("cs(User-Agent)", "-")]),
            ])
        );
        assert_eq!(error("ParseELF", vec![s("1 2")]), "invalid ELF: data entry found before #Fields directive");
        assert_eq!(error("ParseELF", vec![s("#Fields: a b\n1")]), "invalid ELF: missing #Version directive");
        assert_eq!(error("ParseELF", vec![s("#Version: 1.0\n#Fields: a\n1 2")]), "invalid ELF: expected 1 fields, got 2");
    }
}
