//! Grok expressions as `github.com/elastic/go-grok` v0.3.1 compiles them: `%{NAME}`,
//! `%{NAME:field}` and `%{NAME:field:type}` expanded (definitions may refer to others) into
//! an RE2 regular expression, captures converted by their type hint. The `grok` crate
//! compiles with Oniguruma and its own expansion rules; only its pattern set is used here.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::OnceLock;

use crate::coerce::{self, go_quote};
use crate::error::{Error, Result};
use crate::value::{Map, Value};

/// The standard grok definitions: the logstash pattern set the `grok` crate ships, made
/// RE2-compatible as go-grok's own copy is (see [`re2_definition`]). go-grok ships the ECS
/// flavour of the set, whose field names differ (`url.scheme` there, `proto` here).
fn standard_grok_patterns() -> &'static HashMap<&'static str, String> {
    static PATTERNS: OnceLock<HashMap<&'static str, String>> = OnceLock::new();
    PATTERNS.get_or_init(|| grok::patterns().iter().map(|(name, definition)| (*name, re2_definition(definition))).collect())
}

/// A logstash (Oniguruma) definition in RE2 terms: lookarounds (`(?<!…)`, `(?=…)`, …),
/// which RE2 lacks, are dropped, leaving a slightly more permissive pattern, and atomic
/// groups `(?>…)` become plain groups; `\h` becomes a hex-digit class.
fn re2_definition(definition: &str) -> String {
    let bytes = definition.as_bytes();
    let mut out = String::with_capacity(definition.len());
    let mut i = 0;
    while i < bytes.len() {
        let rest = &definition[i..];
        if rest.starts_with("(?>") {
            out.push_str("(?:");
            i += 3;
        } else if ["(?<!", "(?<=", "(?!", "(?="].iter().any(|p| rest.starts_with(p)) {
            i += group_len(&bytes[i..]);
        } else if rest.starts_with("\\h") {
            // Oniguruma's hex digit class.
            out.push_str("[0-9A-Fa-f]");
            i += 2;
        } else if bytes[i] == b'\\' && i + 1 < bytes.len() {
            let len = 1 + rest[1..].chars().next().map_or(0, char::len_utf8);
            out.push_str(&rest[..len]);
            i += len;
        } else {
            let c = rest.chars().next().unwrap_or_default();
            out.push(c);
            i += c.len_utf8().max(1);
        }
    }
    out
}

/// The byte length of the group that opens at the start of `bytes`, through its `)`
/// (escapes and character classes respected); the whole rest if it never closes.
fn group_len(bytes: &[u8]) -> usize {
    let (mut depth, mut in_class, mut i) = (0usize, false, 0);
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'[' if !in_class => in_class = true,
            b']' if in_class => in_class = false,
            b'(' if !in_class => depth += 1,
            b')' if !in_class => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    bytes.len()
}

/// A grok expression compiled to a regex, with what each capture group reports.
pub(crate) struct GrokPattern {
    regex: Rc<regex::Regex>,
    /// Per capture group index: the field name (dots restored) and its type hint.
    pub(crate) fields: Vec<Option<(String, Option<String>)>>,
}

/// How many expansion rounds the reference allows (its guard against cyclic definitions).
const GROK_MAX_ROUNDS: usize = 1000;
/// The longest expanded regex accepted, so that definitions cannot grow memory unboundedly.
const GROK_MAX_EXPANDED_LEN: usize = 1 << 20;
/// Dots in field names become this inside the regex, as group names cannot hold dots.
const GROK_DOT: &str = "___";

/// Why a grok expression did not compile.
pub(crate) enum CompileError {
    /// A definition is not `NAME PATTERN` (the error as the reference words it).
    Definition(Error),
    /// The expression does not expand, or its expansion is not a valid regular expression.
    Pattern(String),
}

/// The compiled form of a grok expression, cached per thread like plain regexes.
pub(crate) fn compiled(
    pattern: &str,
    named_only: bool,
    definitions: &[&str],
) -> std::result::Result<Rc<GrokPattern>, CompileError> {
    thread_local! {
        static CACHE: RefCell<HashMap<String, Rc<GrokPattern>>> = RefCell::new(HashMap::new());
    }
    let key = format!("{named_only}\u{0}{pattern}\u{0}{}", definitions.join("\u{0}"));
    if let Some(hit) = CACHE.with(|c| c.borrow().get(&key).cloned()) {
        return Ok(hit);
    }
    let user = parse_grok_definitions(definitions).map_err(CompileError::Definition)?;
    let (expanded, hints) =
        expand_grok(pattern, named_only, &user).map_err(|e| CompileError::Pattern(e.message().to_string()))?;
    let (renamed, names) = number_capture_groups(&expanded);
    let regex = crate::regex::compile(&renamed).map_err(CompileError::Pattern)?;
    let fields = regex
        .capture_names()
        .map(|slot| {
            let index: usize = slot?.strip_prefix("g")?.parse().ok()?;
            let raw = names.get(index)?;
            Some((raw.replace(GROK_DOT, "."), hints.get(raw).cloned()))
        })
        .collect();
    let compiled = Rc::new(GrokPattern { regex, fields });
    CACHE.with(|c| {
        let mut cache = c.borrow_mut();
        if cache.len() >= 256 {
            cache.clear();
        }
        cache.insert(key, compiled.clone());
    });
    Ok(compiled)
}

/// The user's `NAME=pattern` definitions, checked as the reference checks them.
fn parse_grok_definitions<'a>(definitions: &[&'a str]) -> Result<HashMap<&'a str, &'a str>> {
    let mut parsed = HashMap::new();
    for (i, definition) in definitions.iter().enumerate() {
        let Some((name, pattern)) = definition.split_once('=') else {
            let shown = if definition.len() > 20 {
                let mut end = 17;
                while !definition.is_char_boundary(end) {
                    end -= 1;
                }
                format!("{}...", &definition[..end])
            } else {
                definition.to_string()
            };
            crate::bail!(
                "pattern {} supplied to ExtractGrokPatterns at index {i} has incorrect format, expecting PATTERNNAME=pattern definition",
                go_quote(&shown)
            );
        };
        if name.contains(':') {
            crate::bail!("pattern ID {} should not contain ':'", go_quote(name));
        }
        parsed.insert(name, pattern);
    }
    Ok(parsed)
}

/// Replaces every `%{SYNTAX}`, `%{SYNTAX:ID}` and `%{SYNTAX:ID:TYPE}` by its definition,
/// round after round until none is left (go-grok's `expand`). Returns the regex and the
/// type hints by group name.
fn expand_grok(pattern: &str, named_only: bool, user: &HashMap<&str, &str>) -> Result<(String, HashMap<String, String>)> {
    let reference = crate::regex::compile(r"%\{(\w+(?::[\w+.]+(?::\w+)?)?)\}").map_err(Error::new)?;
    let mut hints = HashMap::new();
    let mut expanded = pattern.to_string();
    for _ in 0..GROK_MAX_ROUNDS {
        let found: Vec<(String, String)> =
            reference.captures_iter(&expanded).map(|c| (c[0].to_string(), c[1].to_string())).collect();
        if found.is_empty() {
            break;
        }
        for (whole, inner) in found {
            let parts: Vec<&str> = inner.split(':').collect();
            let syntax = parts[0];
            let id = parts.get(1).map_or_else(|| syntax.to_string(), |id| id.replace('.', GROK_DOT));
            if let Some(hint) = parts.get(2) {
                hints.insert(id.clone(), hint.to_string());
            }
            let Some(definition) = user.get(syntax).copied().or_else(|| standard_grok_patterns().get(syntax).map(String::as_str))
            else {
                crate::bail!("pattern definition {} unknown: parsing failed", go_quote(syntax));
            };
            let replacement =
                if named_only && parts.len() == 1 { format!("({definition})") } else { format!("(?P<{id}>{definition})") };
            expanded = expanded.replace(&whole, &replacement);
            if expanded.len() > GROK_MAX_EXPANDED_LEN {
                crate::bail!("expanded pattern is longer than {GROK_MAX_EXPANDED_LEN} bytes");
            }
        }
    }
    Ok((expanded, hints))
}

/// Renames every named group to `g<N>` and returns the original names by N: grok
/// expansions repeat names (RE2 allows that, the regex crate does not).
fn number_capture_groups(pattern: &str) -> (String, Vec<String>) {
    let mut out = String::with_capacity(pattern.len());
    let mut names = Vec::new();
    let mut rest = pattern;
    let mut in_class = false;
    while let Some(c) = rest.chars().next() {
        let step = c.len_utf8();
        if c == '\\' {
            let escaped = rest[1..].chars().next().map_or(0, char::len_utf8);
            out.push_str(&rest[..1 + escaped]);
            rest = &rest[1 + escaped..];
            continue;
        }
        if in_class {
            in_class = c != ']';
        } else if c == '[' {
            in_class = true;
        } else if c == '(' {
            let opener = ["(?P<", "(?<"].into_iter().find(|o| rest.starts_with(o));
            if let Some(opener) = opener
                && let Some(end) = rest[opener.len()..].find('>')
            {
                let name = &rest[opener.len()..opener.len() + end];
                out.push_str(&format!("(?P<g{}>", names.len()));
                names.push(name.to_string());
                rest = &rest[opener.len() + end + 1..];
                continue;
            }
        }
        out.push(c);
        rest = &rest[step..];
    }
    (out, names)
}

/// The non-empty captures of the first match, converted by their type hints; a later
/// group of the same name replaces an earlier one.
pub(crate) fn captures(grok: &GrokPattern, text: &str) -> Result<Map> {
    let mut result = Map::new();
    let Some(captures) = grok.regex.captures(text) else { return Ok(result) };
    for (i, field) in grok.fields.iter().enumerate() {
        let (Some((name, hint)), Some(m)) = (field, captures.get(i)) else { continue };
        if m.as_str().is_empty() {
            continue;
        }
        result.insert(name.clone(), grok_typed(m.as_str(), name, hint.as_deref())?);
    }
    Ok(result)
}

/// A capture converted by its `:TYPE` hint, with `strconv`'s error texts.
fn grok_typed(text: &str, name: &str, hint: Option<&str>) -> Result<Value> {
    Ok(match hint {
        None | Some("string") => Value::string(text),
        Some("int" | "long") => Value::Int(super::strconv::atoi(text)?),
        Some("float" | "double") => Value::Float(coerce::parse_go_float(text)?),
        Some("bool" | "boolean") => Value::Bool(
            coerce::parse_go_bool(text)
                .ok_or_else(|| Error::new(format!("strconv.ParseBool: parsing {}: invalid syntax", go_quote(text))))?,
        ),
        Some(_) => crate::bail!("invalid type for {}: type not specified", name.replace('.', GROK_DOT)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn extract(text: &str, pattern: &str, named_only: bool) -> Map {
        let grok = compiled(pattern, named_only, &[]).unwrap_or_else(|_| panic!("{pattern} does not compile"));
        captures(&grok, text).unwrap()
    }

    #[test]
    fn every_standard_grok_pattern_compiles() {
        let failing: Vec<&str> = standard_grok_patterns()
            .keys()
            .filter(|name| compiled(&format!("%{{{name}}}"), false, &[]).is_err())
            .copied()
            .collect();
        assert!(failing.is_empty(), "{failing:?}");
    }

    #[test]
    fn fields_are_named_typed_and_dotted() {
        let m = extract("GET 200 1.5", "%{WORD:http.method} %{NUMBER:status:int} %{NUMBER:took:float}", true);
        assert_eq!(m["http.method"], Value::string("GET"));
        assert_eq!(m["status"], Value::Int(200));
        assert_eq!(m["took"], Value::Float(1.5));
        assert!(extract("GET", "%{WORD}", true).is_empty(), "unnamed patterns are not captured when named_only");
    }

    #[test]
    fn definitions_expand_and_bad_ones_are_reported() {
        let grok = compiled("%{PAIR}", true, &["PAIR=%{WORD:k}=%{WORD:v}"]).unwrap_or_else(|_| panic!("PAIR"));
        let m = captures(&grok, "a=b").unwrap();
        assert_eq!((m["k"].clone(), m["v"].clone()), (Value::string("a"), Value::string("b")));
        assert!(matches!(compiled("%{A}", false, &["A=%{A}"]), Err(CompileError::Pattern(_))), "a cycle ends");
        assert!(matches!(compiled("%{NOPE}", false, &[]), Err(CompileError::Pattern(_))));
    }
}
