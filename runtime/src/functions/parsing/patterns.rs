//! `ExtractPatterns` and `ExtractGrokPatterns`: the captures of a regular expression or a
//! grok pattern, as a map.

use super::super::literal::{LiteralArgs, LiteralError, regex_pattern};
use super::super::regexes::{compile_regex, invalid_pattern};
use super::super::shorthand::*;
use crate::bail;
use crate::coerce;
use crate::converter;
use crate::error::Result;
use crate::go;
use crate::value::{Map, Value};

pub(crate) static FUNCTIONS: &[Function] = &[
    Function::converter(
        "ExtractPatterns",
        &[r("target", K::StringGetter), r("pattern", K::StringGetter)],
        MAP,
        converter!(extract_patterns(target, pattern)),
        "The named capture groups of a regular expression, as a map.",
        &[Example::new(
            r#"ExtractPatterns(name, "^(?P<method>\\w+) (?P<route>\\S+)")"#,
            r#"{"method": "GET", "route": "/users/{id}"}"#,
        )],
    )
    .literals(|args| extract_patterns_literal(args).into_iter().collect())
    .pure(),
    Function::converter(
        "ExtractGrokPatterns",
        &[
            r("target", K::StringGetter),
            r("pattern", K::StringGetter),
            o("named_captures_only", K::Bool),
            o("pattern_definitions", K::StringList),
        ],
        MAP,
        converter!(extract_grok_patterns(target, pattern, named_captures_only, pattern_definitions)),
        "The captures of a grok pattern (`%{SYNTAX:ID:TYPE}`), as a map.",
        &[Example::new(
            r#"ExtractGrokPatterns("10.0.0.1 GET", "%{IP:client} %{WORD:method}", true)"#,
            r#"{"client": "10.0.0.1", "method": "GET"}"#,
        )],
    )
    .pure(),
];

/// Both extractors need a named group to fill their map (with `named_captures_only`, for
/// grok).
fn need_named_group(has_one: bool) -> Result<()> {
    if !has_one {
        bail!("at least 1 named capture group must be supplied in the given regex");
    }
    Ok(())
}

/// `ExtractPatterns` compiles a literal pattern when the statement is built
/// (`newDynamicRegex`), then asks for a named group.
fn extract_patterns_literal(args: &LiteralArgs<'_>) -> Option<LiteralError> {
    let named = match regex_pattern("ExtractPatterns", "pattern", args.string("pattern")?) {
        Ok(named) => named,
        Err(problem) => return Some(problem),
    };
    let error = need_named_group(named > 0).err()?;
    Some(LiteralError::new("pattern", error.to_string()).help("name a group with `(?P<name>…)` or `(?<name>…)`"))
}

/// `ExtractPatterns(target, pattern)`: the named groups of the first match ("" for a
/// group that did not take part), or an empty map when nothing matches. The pattern is
/// checked before the target is read.
fn extract_patterns(target: &Value, pattern: &str) -> Result<Value> {
    let regex = compile_regex("ExtractPatterns", pattern)?;
    need_named_group(regex.capture_names().flatten().next().is_some())?;
    let target = coerce::string(target)?;
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

/// `ExtractGrokPatterns(target, pattern, named_captures_only=false, pattern_definitions=[])`:
/// the settings are read first, then the pattern, then the target.
fn extract_grok_patterns(
    target: &Value,
    pattern: &Value,
    named_captures_only: Option<bool>,
    pattern_definitions: Option<Vec<&str>>,
) -> Result<Value> {
    let named_only = named_captures_only.unwrap_or(false);
    let definitions = pattern_definitions.unwrap_or_default();
    let pattern = coerce::string(pattern)?;
    let grok = go::grok::compiled(pattern, named_only, &definitions).map_err(|e| match e {
        go::grok::CompileError::Definition(e) => e,
        go::grok::CompileError::Pattern(why) => invalid_pattern("ExtractGrokPatterns", pattern, &why),
    })?;
    need_named_group(!named_only || grok.fields.iter().any(Option::is_some))?;
    go::grok::captures(&grok, coerce::string(target)?).map(Value::Map)
}

#[cfg(test)]
mod tests {
    use super::super::test_values::*;
    use super::*;

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
    fn literal_patterns() {
        let pattern = |p: &'static str| literal_errors("ExtractPatterns", vec![("pattern", Literal::String(p))]);
        assert!(pattern(r"^(?P<method>\w+)").is_empty());
        let [error] = &pattern(r"^(\w+)")[..] else { panic!("expected one problem") };
        assert_eq!(
            (error.param, error.message.as_str()),
            ("pattern", "at least 1 named capture group must be supplied in the given regex")
        );
        assert_eq!(error.help.as_deref(), Some("name a group with `(?P<name>…)` or `(?<name>…)`"));
        let [error] = &pattern("(?P<a>")[..] else { panic!("expected one problem") };
        assert!(error.message.starts_with(r#"the regex pattern supplied to ExtractPatterns '"(?P<a>"' is not a valid pattern"#));
        assert!(literal_errors("ExtractPatterns", vec![]).is_empty());
    }
}
