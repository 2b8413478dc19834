//! The replace editors: `replace_pattern` and `replace_all_patterns` (regular
//! expressions, `$` expanding groups) and `replace_match` and `replace_all_matches` (glob
//! patterns), each with an optional converter and format for the replacement.

use std::rc::Rc;

use regex::Regex;

use super::super::EditorHost;
use super::super::literal::{LiteralArgs, LiteralError, one_of_help};
use super::super::regexes::{compile_regex, invalid_pattern, invalid_pattern_message};
use super::super::shorthand::*;
use super::regex_literal;
use crate::bail;
use crate::coerce;
use crate::editor;
use crate::error::Result;
use crate::go;
use crate::value::{Map, Value};

mod expand;
mod replacement;

use expand::go_expand;
use replacement::{Replacement, ReplacementHook};

pub(crate) static FUNCTIONS: &[Function] = &[
    Function::editor(
        "replace_pattern",
        &[
            r("target", K::GetSetter).typed(T::String),
            r("regex_pattern", K::StringGetter),
            r("replacement", K::StringGetter),
            REPLACE_TAIL_FN,
            REPLACE_TAIL_FMT,
        ],
        editor!(replace_pattern(target, regex_pattern, replacement, function, replacement_format)),
        "Replaces every match of a regular expression in one string (`$1` expands groups); the optional converter (such as SHA256) is applied to the replacement.",
        &[
            Example::new(
                r#"replace_pattern(attributes["http.url"], "token=[^&]*", "token=***")"#,
                r#"attributes["http.url"] == "https://example.com/users/123?token=***""#,
            ),
            Example::new(r#"replace_pattern(attributes["http.url"], "^https://([^/]+)/.*$", "$1")"#, r#"attributes["http.url"] == "example.com""#),
            Example::new(r#"replace_pattern(attributes["password"], ".+", "$0", SHA256)"#, r#"attributes["password"] == SHA256("hunter2")"#),
        ],
    )
    .literals(|args| regex_literal(args, "replace_pattern", "regex_pattern").into_iter().collect()),
    Function::editor(
        "replace_all_patterns",
        &[
            MAP_TARGET,
            r("mode", K::String),
            r("regex_pattern", K::StringGetter),
            r("replacement", K::StringGetter),
            REPLACE_TAIL_FN,
            REPLACE_TAIL_FMT,
        ],
        editor!(replace_all_patterns(target, mode, regex_pattern, replacement, function, replacement_format)),
        "Regex replace over every string value (`mode` \"value\") or every key (`mode` \"key\") of a map.",
        &[
            Example::new(
                r#"replace_all_patterns(attributes, "value", "/users/\\d+", "/users/{userId}")"#,
                r#"attributes["http.route"] == "/users/{userId}" and attributes["http.url"] == "https://example.com/users/{userId}?token=abc""#,
            ),
            Example::new(
                r#"replace_all_patterns(attributes, "key", "^http\\.", "http_")"#,
                r#"attributes["http_method"] == "GET" and attributes["http.method"] == nil"#,
            ),
        ],
    )
    .literals(|args| {
        // replaceAllPatterns checks the mode, newDynamicRegex a literal pattern.
        let mode = args.string("mode").and_then(|mode| ReplaceMode::parse(mode).err());
        let mode = mode.map(|error| LiteralError::new("mode", error.to_string()).help(one_of_help(ReplaceMode::NAMES)));
        mode.into_iter().chain(regex_literal(args, "replace_all_patterns", "regex_pattern")).collect()
    }),
    Function::editor(
        "replace_match",
        &[
            r("target", K::GetSetter).typed(T::String),
            r("pattern", K::StringGetter),
            r("replacement", K::StringGetter),
            REPLACE_TAIL_FN,
            REPLACE_TAIL_FMT,
        ],
        editor!(replace_match(target, pattern, replacement, function, replacement_format)),
        "Replaces the whole string when it matches a glob pattern.",
        &[Example::new(
            r#"replace_match(attributes["http.route"], "/users/*", "/users/{userId}")"#,
            r#"attributes["http.route"] == "/users/{userId}""#,
        )],
    )
    .literals(|args| glob_literal(args, "replace_match").into_iter().collect()),
    Function::editor(
        "replace_all_matches",
        &[MAP_TARGET, r("pattern", K::StringGetter), r("replacement", K::StringGetter), REPLACE_TAIL_FN, REPLACE_TAIL_FMT],
        editor!(replace_all_matches(target, pattern, replacement, function, replacement_format)),
        "Replaces every string value of a map that matches a glob pattern.",
        &[Example::new(
            r#"replace_all_matches(attributes, "/users/*", "/users/{userId}")"#,
            r#"attributes["http.route"] == "/users/{userId}" and attributes["http.url"] == "https://example.com/users/123?token=abc""#,
        )],
    )
    .literals(|args| glob_literal(args, "replace_all_matches").into_iter().collect()),
];

/// The pattern a replace editor is given.
enum Pattern<'a> {
    /// A regular expression (Go's RE2 syntax).
    Regex(&'a str),
    /// A glob with the semantics of gobwas/glob v0.2.3.
    Glob(&'a str),
}

/// How every replace editor opens: the pattern compiled first (an invalid one is the
/// first error, naming `editor`), then the target read. The replacement arguments are read
/// after the target, and after what the editor checks of it, as the reference reads them
/// ([`Replacement`]).
fn open<'a>(
    host: &mut dyn EditorHost,
    editor: &str,
    pattern: Pattern<'_>,
    replacement: &'a Value,
    function: Option<&'static Function>,
    replacement_format: Option<&'a Value>,
) -> Result<(Rc<Regex>, Value, Replacement<'a>)> {
    let compiled = match pattern {
        Pattern::Regex(pattern) => compile_regex(editor, pattern)?,
        Pattern::Glob(pattern) => compile_glob(editor, pattern)?,
    };
    let target = host.get_target()?;
    Ok((compiled, target, Replacement::new(replacement, function, replacement_format)))
}

/// `replace_pattern(target, regex_pattern, replacement, function?, replacement_format?)`. The
/// replacement is read after the target, and not at all when the target is nil.
fn replace_pattern(
    host: &mut dyn EditorHost,
    regex_pattern: &str,
    replacement: &Value,
    function: Option<&'static Function>,
    replacement_format: Option<&Value>,
) -> Result<()> {
    let pattern = Pattern::Regex(regex_pattern);
    let (regex, original, replacement) = open(host, "replace_pattern", pattern, replacement, function, replacement_format)?;
    if original.is_nil() {
        return Ok(());
    }
    let (template, hook) = replacement.template()?;
    let Value::String(text) = original else { return Ok(()) };
    if !regex.is_match(&text) {
        return Ok(());
    }
    let replaced = regex_replace(&regex, &text, template, hook.as_ref())?;
    host.set_target(Value::String(replaced))
}

/// Every match of `regex` in `text` replaced by the `$`-expanded `template`, as Go's
/// `ReplaceAllString`; with a hook, the reference's per-match rewrite instead.
fn regex_replace(regex: &Regex, text: &str, template: &str, hook: Option<&ReplacementHook<'_>>) -> Result<String> {
    match hook {
        Some(hook) => replace_each_match(regex, text, template, hook),
        None => {
            let mut out = String::with_capacity(text.len());
            let mut last = 0;
            for caps in regex.captures_iter(text) {
                let Some(whole) = caps.get(0) else { continue };
                out.push_str(&text[last..whole.start()]);
                go_expand(regex, &caps, template, &mut out);
                last = whole.end();
            }
            out.push_str(&text[last..]);
            Ok(out)
        }
    }
}

/// The reference's rewrite with a converter: for each match, the expanded replacement goes
/// through the hook and then replaces every occurrence of the matched text in the string
/// rewritten so far (`strings.ReplaceAll`), not just the match itself.
fn replace_each_match(regex: &Regex, text: &str, template: &str, hook: &ReplacementHook<'_>) -> Result<String> {
    let mut updated = text.to_string();
    for caps in regex.captures_iter(text) {
        let Some(whole) = caps.get(0) else { continue };
        let mut expanded = String::new();
        go_expand(regex, &caps, template, &mut expanded);
        let replacement = hook.apply(Value::String(expanded))?;
        updated = updated.replace(whole.as_str(), &replacement);
    }
    Ok(updated)
}

/// What `replace_all_patterns` rewrites: the keys or the string values of the map.
#[derive(Clone, Copy)]
enum ReplaceMode {
    Key,
    Value,
}

impl ReplaceMode {
    const NAMES: &[&str] = &["key", "value"];

    fn parse(name: &str) -> Result<ReplaceMode> {
        Ok(match name {
            "key" => ReplaceMode::Key,
            "value" => ReplaceMode::Value,
            other => bail!("invalid mode {other}, must be either 'key' or 'value'"),
        })
    }
}

/// `replace_all_patterns(target, mode, regex_pattern, replacement, function?,
/// replacement_format?)`. As the reference, it checks the mode before the pattern, and reads
/// the replacement after the target.
fn replace_all_patterns(
    host: &mut dyn EditorHost,
    mode: &str,
    regex_pattern: &Value,
    replacement: &Value,
    function: Option<&'static Function>,
    replacement_format: Option<&Value>,
) -> Result<()> {
    let mode = ReplaceMode::parse(mode)?;
    let pattern = Pattern::Regex(coerce::string(regex_pattern)?);
    let (regex, target, replacement) = open(host, "replace_all_patterns", pattern, replacement, function, replacement_format)?;
    let mut map = coerce::into_map(target)?;
    let (template, hook) = replacement.template()?;
    match mode {
        ReplaceMode::Key => map = replace_keys(map, &regex, template, hook.as_ref()),
        ReplaceMode::Value => {
            for value in map.values_mut() {
                if let Value::String(text) = value
                    && regex.is_match(text)
                    // As the reference, a value whose converter fails is left as it was.
                    && let Ok(replaced) = regex_replace(&regex, text, template, hook.as_ref())
                {
                    *text = replaced;
                }
            }
        }
    }
    host.set_target(Value::Map(map))
}

/// The map with matching keys rewritten. A renamed key that collides with an earlier one
/// overwrites its value in the earlier place; as in the reference, an entry whose converter
/// fails is dropped.
fn replace_keys(map: Map, regex: &Regex, template: &str, hook: Option<&ReplacementHook<'_>>) -> Map {
    let mut updated = Map::with_capacity(map.len());
    for (key, value) in map {
        let key = if regex.is_match(&key) {
            match regex_replace(regex, &key, template, hook) {
                Ok(key) => key,
                Err(_) => continue,
            }
        } else {
            key
        };
        updated.insert(key, value);
    }
    updated
}

/// `replace_match(target, pattern, replacement, function?, replacement_format?)`.
fn replace_match(
    host: &mut dyn EditorHost,
    pattern: &str,
    replacement: &Value,
    function: Option<&'static Function>,
    replacement_format: Option<&Value>,
) -> Result<()> {
    let pattern = Pattern::Glob(pattern);
    let (glob, original, replacement) = open(host, "replace_match", pattern, replacement, function, replacement_format)?;
    let replacement = replacement.text()?;
    match original {
        Value::String(text) if glob.is_match(&text) => host.set_target(Value::String(replacement)),
        _ => Ok(()),
    }
}

/// `replace_all_matches(target, pattern, replacement, function?, replacement_format?)`. As
/// in the reference, a non-string value is matched as the empty string (`Value.Str()`).
fn replace_all_matches(
    host: &mut dyn EditorHost,
    pattern: &str,
    replacement: &Value,
    function: Option<&'static Function>,
    replacement_format: Option<&Value>,
) -> Result<()> {
    let pattern = Pattern::Glob(pattern);
    let (glob, target, replacement) = open(host, "replace_all_matches", pattern, replacement, function, replacement_format)?;
    let mut map = coerce::into_map(target)?;
    let replacement = replacement.text()?;
    for value in map.values_mut() {
        let text = match value {
            Value::String(text) => text.as_str(),
            _ => "",
        };
        if glob.is_match(text) {
            *value = Value::String(replacement.clone());
        }
    }
    host.set_target(Value::Map(map))
}

/// A glob pattern with the semantics of gobwas/glob v0.2.3 compiled without separators,
/// as an anchored regular expression.
fn compile_glob(function: &str, pattern: &str) -> Result<Rc<Regex>> {
    let regex = go::glob::to_regex(pattern).map_err(|e| invalid_pattern(function, pattern, &e))?;
    crate::regex::compile(&regex).map_err(|e| invalid_pattern(function, pattern, &e))
}

/// A literal glob pattern with an error `glob.Compile` finds when the statement is built
/// (func_replace_match.go, func_replace_all_matches.go), reported as `invalidRegexErrMsg`.
fn glob_literal(args: &LiteralArgs<'_>, function: &str) -> Option<LiteralError> {
    let pattern = args.string("pattern")?;
    let error = go::glob::to_regex(pattern).err()?;
    Some(LiteralError::new("pattern", invalid_pattern_message(function, pattern, &error)))
}

#[cfg(test)]
mod tests {
    use super::super::test_values::*;
    use super::*;

    #[test]
    fn replace_pattern_expands_like_go() {
        let run = |text: &str, pattern: &str, replacement: &str| {
            edit("replace_pattern", s(text), vec![v(s(pattern)), v(s(replacement))]).unwrap()
        };
        assert_eq!(run("/health", "/", "@"), s("@health"));
        assert_eq!(run("kube_pod_status", "^kube_([0-9A-Za-z]+_)", "k8s.$1."), s("k8s.pod_.status"));
        // `$1x` names the group "1x", which does not exist.
        assert_eq!(run("abc", "(b)", "[$1x]"), s("a[]c"));
        assert_eq!(run("abc", "(b)", "[${1}x]"), s("a[bx]c"));
        assert_eq!(run("abc", "(?P<mid>b)", "<$mid>"), s("a<b>c"));
        assert_eq!(run("abc", "(?P<0x>b)", "<${0x}>"), s("a<b>c"));
        assert_eq!(run("abc", "(b)", "$$1 $ ${x"), s("a$1 $ ${xc"));
        assert_eq!(run("abc", "(b)", "$01"), s("ac"));
        assert_eq!(run("abc", "x", "y"), s("abc"));
        // Empty matches next to a match are skipped, as in Go.
        assert_eq!(run("baaab", "a*", "-"), s("-b-b-"));
        // Only strings change.
        assert_eq!(edit("replace_pattern", Value::Int(1), vec![v(s("1")), v(s("2"))]).unwrap(), Value::Int(1));
        assert_eq!(edit("replace_pattern", Value::Nil, vec![v(s("1")), v(Value::Int(2))]).unwrap(), Value::Nil);
    }

    #[test]
    fn replace_pattern_with_function_and_format() {
        let sha = converter("SHA256");
        let hashed = edit("replace_pattern", s("/health"), vec![v(s("/")), v(s("@")), Arg::Function(sha)]).unwrap();
        assert_eq!(hashed, s("c3641f8544d7c02f3580b07c0f9887f0c6a27ff5ab1d4a3e29caf197cfc299aehealth"));
        let digest = convert("SHA256", vec![s("@")]).unwrap();
        let formatted =
            edit("replace_pattern", s("/health"), vec![v(s("/")), v(s("@")), Arg::Function(sha), v(s("<%s>"))]).unwrap();
        assert_eq!(formatted, s(&format!("<{digest}>health")));
        let bad = edit("replace_pattern", s("/health"), vec![v(s("/")), v(s("@")), Arg::Function(sha), v(s("%d"))]);
        assert_eq!(err(bad), "replacementFormat must be format string containing a single %s and no other format specifiers");
    }

    #[test]
    fn replace_all_patterns_values_and_keys() {
        let after = edit("replace_all_patterns", log_editors(), vec![v(s("value")), v(s("/")), v(s("@"))]).unwrap();
        let Value::Map(m) = after else { panic!() };
        assert_eq!(m["http.path"], s("@health"));
        assert_eq!(m["http.url"], s("http:@@localhost@health"));
        assert_eq!(m["foo"], log_map()["foo"]);
        let after = edit("replace_all_patterns", log_editors(), vec![v(s("key")), v(s("^http")), v(s("test"))]).unwrap();
        assert_eq!(keys(&after)[..3], ["test.method", "test.path", "test.url"]);
        let collide = map(&[("a1", Value::Int(1)), ("b", Value::Int(2)), ("a2", Value::Int(3))]);
        let after = edit("replace_all_patterns", collide, vec![v(s("key")), v(s("^a.")), v(s("a"))]).unwrap();
        assert_eq!(after, map(&[("a", Value::Int(3)), ("b", Value::Int(2))]));
        assert_eq!(
            err(edit("replace_all_patterns", log_editors(), vec![v(s("both")), v(s("x")), v(s("y"))])),
            "invalid mode both, must be either 'key' or 'value'"
        );
    }

    fn log_map() -> Map {
        match log_editors() {
            Value::Map(m) => m,
            _ => unreachable!(),
        }
    }

    #[test]
    fn glob_errors_name_the_function() {
        assert_eq!(
            compile_glob("replace_match", "[z-a]").unwrap_err().message(),
            "the regex pattern supplied to replace_match '\"[z-a]\"' is not a valid pattern: hi character 'a' should be greater than lo 'z'"
        );
    }

    #[test]
    fn replace_match_and_all_matches() {
        let after =
            edit("replace_match", s("/user/123/list/456"), vec![v(s("/user/*/list/*")), v(s("/user/{userId}/list/{listId}"))]);
        assert_eq!(after.unwrap(), s("/user/{userId}/list/{listId}"));
        assert_eq!(edit("replace_match", s("/health"), vec![v(s("x*")), v(s("test"))]).unwrap(), s("/health"));
        let after = edit("replace_all_matches", log_editors(), vec![v(s("*/*")), v(s("test"))]).unwrap();
        let Value::Map(m) = after else { panic!() };
        assert_eq!((m["http.path"].clone(), m["http.url"].clone(), m["http.method"].clone()), (s("test"), s("test"), s("get")));
    }

    #[test]
    fn literal_replace_mode() {
        assert!(literal_errors("replace_all_patterns", vec![("mode", Literal::String("key"))]).is_empty());
        let error = literal_error("replace_all_patterns", vec![("mode", Literal::String("keys"))]);
        assert_eq!((error.param, error.message.as_str()), ("mode", "invalid mode keys, must be either 'key' or 'value'"));
        assert_eq!(error.help.as_deref(), Some(r#"expected one of "key", "value""#));
        assert_eq!(
            err(edit("replace_all_patterns", log_editors(), vec![v(s("keys")), v(Value::Int(1)), v(s("y"))])),
            error.message
        );
    }

    #[test]
    fn literal_glob_patterns() {
        for pattern in ["/user/*/list/*", "a?c", "[abc]", "[!a-z]x", "{a,b}", "\\*", "0{", "a}b"] {
            assert!(literal_errors("replace_match", vec![("pattern", Literal::String(pattern))]).is_empty(), "{pattern}");
        }
        let error = literal_error("replace_match", vec![("pattern", Literal::String("/user/[a"))]);
        assert_eq!(error.param, "pattern");
        assert_eq!(
            error.message,
            r#"the regex pattern supplied to replace_match '"/user/[a"' is not a valid pattern: unexpected end of input"#
        );
        let error = literal_error("replace_all_matches", vec![("pattern", Literal::String("[a-bc]"))]);
        assert_eq!(
            error.message,
            r#"the regex pattern supplied to replace_all_matches '"[a-bc]"' is not a valid pattern: expected close range character"#
        );
        assert!(literal_errors("replace_all_matches", vec![]).is_empty());
    }
}
