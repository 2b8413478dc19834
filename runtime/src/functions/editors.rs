//! The standard editors (`pkg/ottl/ottlfuncs/func_*.go`): writing, pruning, merging,
//! rewriting and flattening the target path's value.
//!
//! Every editor reads its target once, changes the copy and writes it back; for maps this
//! is what the reference's in-place `pcommon.Map` edits look like from a statement.

use std::collections::HashMap;
use std::rc::Rc;

use regex::{Captures, Regex};

use super::literal::{Literal, LiteralArgs, LiteralError, one_of_help, regex_pattern};
use super::shorthand::*;
use super::{EditorHost, List};
use crate::bail;
use crate::coerce;
use crate::editor;
use crate::error::{Error, Result};
use crate::go;
use crate::value::{Map, Value};

pub(crate) static FUNCTIONS: &[Function] = &[
    // ---- Editors (ottlfuncs) ----
    Function::editor(
        "set",
        &[r("target", K::Setter), r("value", K::Getter)],
        editor!(set(target, value)),
        "Writes `value` into `target`. A nil value is passed on, as collectors do from v0.161 (`ottl.set.allowNil`): an attribute or map becomes empty, a scalar field refuses it; older collectors left the target unchanged.",
        &[
            Example::new(r#"set(attributes["env"], "prod")"#, r#"attributes["env"] == "prod""#),
            Example::new(r#"set(attributes["env"], nil)"#, r#"attributes["env"] == nil"#),
        ],
    ),
    Function::editor(
        "delete_key",
        &[MAP_TARGET, r("key", K::StringGetter)],
        editor!(delete_key(target, key)),
        "Removes one key from a map.",
        &[Example::new(r#"delete_key(attributes, "password")"#, r#"attributes["password"] == nil and attributes["env"] == "staging""#)],
    ),
    Function::editor(
        "delete_matching_keys",
        &[MAP_TARGET, r("pattern", K::StringGetter)],
        editor!(delete_matching_keys(target, pattern)),
        "Removes every key of a map that matches an RE2 regular expression.",
        &[Example::new(
            r#"delete_matching_keys(attributes, "(?i).*password.*")"#,
            r#"attributes["password"] == nil and attributes["env"] == "staging""#,
        )],
    )
    .literals(|args| regex_literal(args, "delete_matching_keys", "pattern").into_iter().collect()),
    Function::editor(
        "keep_keys",
        &[MAP_TARGET, r("keys", K::StringGetterList)],
        editor!(keep_keys(target, keys)),
        "Keeps only the listed keys of a map.",
        &[Example::new(
            r#"keep_keys(attributes, ["http.method", "http.route"])"#,
            r#"Len(attributes) == 2 and attributes["http.route"] == "/users/123""#,
        )],
    ),
    Function::editor(
        "keep_matching_keys",
        &[MAP_TARGET, r("pattern", K::StringGetter)],
        editor!(keep_matching_keys(target, pattern)),
        "Keeps only the keys of a map that match an RE2 regular expression.",
        &[Example::new(
            r#"keep_matching_keys(attributes, "^http\\.")"#,
            r#"attributes["http.method"] == "GET" and attributes["http.route"] == "/users/123" and attributes["env"] == nil"#,
        )],
    )
    .literals(|args| regex_literal(args, "keep_matching_keys", "pattern").into_iter().collect()),
    Function::editor(
        "limit",
        &[MAP_TARGET, r("limit", K::Int), r("priority_keys", K::StringList)],
        editor!(limit_keys(target, limit, priority_keys)),
        "Caps the number of keys of a map; which keys go is arbitrary, but `priority_keys` (fewer than `limit`) are kept.",
        &[
            Example::new(
                r#"limit(attributes, 50, ["http.host", "http.method"])"#,
                r#"attributes["http.method"] == "GET" and attributes["password"] == "hunter2""#,
            ),
            Example::new(
                r#"limit(attributes, 3, ["http.method", "http.route"])"#,
                r#"Len(attributes) == 3 and attributes["http.method"] == "GET" and attributes["http.route"] == "/users/123""#,
            ),
        ],
    )
    .literals(limit_literals),
    Function::editor(
        "truncate_all",
        &[MAP_TARGET, r("limit", K::Int), o("utf8_safe", K::Bool), o("truncation_marker", K::String)],
        editor!(truncate_all(target, limit, utf8_safe, truncation_marker)),
        "Cuts every top-level string value of a map to at most `limit` bytes; the marker counts toward the limit.",
        &[
            Example::new(r#"truncate_all(attributes, 5)"#, r#"attributes["message"] == "hello" and attributes["env"] == "stagi""#),
            Example::new(
                r#"truncate_all(attributes, 8, truncation_marker="...")"#,
                r#"attributes["message"] == "hello..." and attributes["http.method"] == "GET""#,
            ),
        ],
    )
    .literals(truncate_all_literals),
    // v0.161: all three are required (newer collectors make `source` and `strategy` optional).
    Function::editor(
        "merge_maps",
        &[MAP_TARGET, r("source", K::PMapGetter), r("strategy", K::String)],
        editor!(merge_maps(target, source, strategy)),
        "Merges `source` into `target`; `strategy` is \"insert\" (keep the target's values), \"update\" (only keys the target has) or \"upsert\".",
        &[
            Example::new(r#"merge_maps(attributes, {"http.method": "POST", "new": 1}, "upsert")"#, r#"attributes["http.method"] == "POST" and attributes["new"] == 1"#),
            Example::new(r#"merge_maps(attributes, {"http.method": "POST", "new": 1}, "insert")"#, r#"attributes["http.method"] == "GET" and attributes["new"] == 1"#),
            Example::new(r#"merge_maps(attributes, {"http.method": "POST", "new": 1}, "update")"#, r#"attributes["http.method"] == "POST" and attributes["new"] == nil"#),
        ],
    )
    .literals(|args| {
        // mergeMaps checks the strategy when the statement is built.
        let strategy = args.string("strategy").and_then(|name| MergeStrategy::parse(name).err());
        strategy.map(|error| LiteralError::new("strategy", error.to_string()).help(one_of_help(MergeStrategy::NAMES))).into_iter().collect()
    }),
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
    Function::editor(
        "flatten",
        &[MAP_TARGET, o("prefix", K::String), o("depth", K::Int), o("resolve_conflicts", K::Bool)],
        editor!(flatten(target, prefix, depth, resolve_conflicts)),
        "Moves nested map and slice entries to dotted top-level keys, up to `depth` levels; `resolve_conflicts` suffixes colliding keys with `.N`.",
        &[
            Example::new(
                r#"flatten(attributes, "k8s", depth=2)"#,
                r#"attributes["k8s.nested.k"] == "v" and attributes["k8s.tags.1"] == "b" and attributes["nested"] == nil"#,
            ),
            Example::new(r#"flatten(attributes, resolve_conflicts=true)"#, r#"attributes["tags"] == "a" and attributes["tags.0"] == "b""#),
        ],
    )
    .literals(|args| {
        // flatten (v0.161) refuses a depth below 1 when the statement is built.
        let depth = args.int("depth").and_then(|depth| flatten_depth(depth).err());
        depth.map(|error| LiteralError::new("depth", error.to_string()).help("leave `depth` out to flatten every level")).into_iter().collect()
    }),
    Function::editor(
        "append",
        &[r("target", K::GetSetter), o("value", K::Getter), o("values", K::GetterList)],
        editor!(append(target, value, values)),
        "Turns the target into a slice (a scalar becomes a one-element slice, a missing value a new slice) and appends to it.",
        &[
            Example::new(
                r#"append(attributes["tags"], values=["staging", "staging:east"])"#,
                r#"Len(attributes["tags"]) == 4 and attributes["tags"][3] == "staging:east""#,
            ),
            Example::new(r#"append(attributes["env"], "prod")"#, r#"attributes["env"][0] == "staging" and attributes["env"][1] == "prod""#),
        ],
    ),
    Function::editor(
        "delete_index",
        &[r("target", K::GetSetter).typed(LIST), r("start_index", K::IntGetter), o("end_index", K::IntGetter)],
        editor!(delete_index(target, start_index, end_index)),
        "Deletes the elements `[start_index, end_index)` of a slice (only `start_index` when no end is given).",
        &[
            Example::new(r#"delete_index(attributes["tags"], 0)"#, r#"Len(attributes["tags"]) == 1 and attributes["tags"][0] == "b""#),
            Example::new(r#"delete_index(attributes["tags"], 0, 2)"#, r#"Len(attributes["tags"]) == 0"#),
        ],
    ),
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

/// `set(target, value)`. A nil value is passed on, as collectors do from v0.161 (the
/// `ottl.set.allowNil` gate, on by default): an attribute or map becomes empty, a scalar
/// field refuses it (`setting a value to nil is not supported`).
fn set(host: &mut dyn EditorHost, value: Value) -> Result<()> {
    host.set_target(value)
}

/// Reads the map target (a `PMapGetSetter`, so a non-map is an error), lets `edit` change
/// it and writes it back.
fn edit_map(host: &mut dyn EditorHost, edit: impl FnOnce(&mut Map) -> Result<()>) -> Result<()> {
    let mut map = coerce::into_map(host.get_target()?)?;
    edit(&mut map)?;
    host.set_target(Value::Map(map))
}

/// `delete_key(target, key)`. pdata's `Map.Remove` moves the last key into the removed
/// key's place, and later statements (`limit`) see that order; `swap_remove` does the same.
/// The key is read after the target, so a target that is not a map is the error that wins.
fn delete_key(host: &mut dyn EditorHost, key: &Value) -> Result<()> {
    if let Some(list) = host.target_attributes() {
        let key = coerce::string(key)?;
        if let Some(index) = list.iter().position(|kv| kv.key == key) {
            list.swap_remove(index);
        }
        return Ok(());
    }
    edit_map(host, |map| {
        map.swap_remove(coerce::string(key)?);
        Ok(())
    })
}

fn delete_matching_keys(host: &mut dyn EditorHost, pattern: &str) -> Result<()> {
    let pattern = compile_regex("delete_matching_keys", pattern)?;
    edit_map(host, |map| {
        map.retain(|key, _| !pattern.is_match(key));
        Ok(())
    })
}

fn keep_keys(host: &mut dyn EditorHost, keys: Vec<&str>) -> Result<()> {
    edit_map(host, |map| {
        map.retain(|key, _| keys.contains(&key.as_str()));
        Ok(())
    })
}

fn keep_matching_keys(host: &mut dyn EditorHost, pattern: &str) -> Result<()> {
    let pattern = compile_regex("keep_matching_keys", pattern)?;
    edit_map(host, |map| {
        map.retain(|key, _| pattern.is_match(key));
        Ok(())
    })
}

/// `limit(target, limit, priority_keys)`: keeps the priority keys and, in map order, as many
/// others as fit under `limit` (each priority key present counts, once per listing).
fn limit_keys(host: &mut dyn EditorHost, limit: i64, priority_keys: Vec<&str>) -> Result<()> {
    non_negative_limit("limit", limit)?;
    priority_keys_fit(limit, priority_keys.len())?;
    edit_map(host, |map| {
        if map.len() as i64 <= limit {
            return Ok(());
        }
        let mut kept = priority_keys.iter().filter(|key| map.contains_key(**key)).count() as i64;
        map.retain(|key, _| {
            if priority_keys.contains(&key.as_str()) {
                return true;
            }
            kept += 1;
            kept <= limit
        });
        Ok(())
    })
}

/// func_limit.go and func_truncate_all.go: a limit may not be negative (checked when the
/// statement is built for a literal, else when it runs).
fn non_negative_limit(function: &str, limit: i64) -> Result<()> {
    if limit < 0 {
        bail!("invalid limit for {function} function, {limit} cannot be negative");
    }
    Ok(())
}

/// func_limit.go: the priority keys must fit under the limit (as many as the limit is
/// allowed).
fn priority_keys_fit(limit: i64, priority_keys: usize) -> Result<()> {
    if limit < priority_keys as i64 {
        bail!("invalid limit for limit function, {limit} cannot be less than number of priority attributes {priority_keys}");
    }
    Ok(())
}

/// The literal checks of `limit`: a negative limit, then one below the number of listed
/// priority keys.
fn limit_literals(args: &LiteralArgs<'_>) -> Vec<LiteralError> {
    let Some(limit) = args.int("limit") else { return Vec::new() };
    if let Err(error) = non_negative_limit("limit", limit) {
        return vec![LiteralError::new("limit", error.to_string())];
    }
    let Some(Literal::List(priority_keys)) = args.get("priority_keys") else { return Vec::new() };
    let error = priority_keys_fit(limit, priority_keys.len()).err();
    error
        .map(|error| LiteralError::new("limit", error.to_string()).help("raise the limit or list fewer priority keys"))
        .into_iter()
        .collect()
}

/// `truncate_all(target, limit, utf8_safe = true, truncation_marker = "")`: cuts every
/// top-level string longer than `limit` bytes so that it, with the marker appended, is
/// `limit` bytes long (less when the cut backs up to a character boundary).
fn truncate_all(host: &mut dyn EditorHost, limit: i64, utf8_safe: Option<bool>, truncation_marker: Option<&str>) -> Result<()> {
    non_negative_limit("truncate_all", limit)?;
    let utf8_safe = utf8_safe.unwrap_or(true);
    let marker = truncation_marker.unwrap_or("");
    marker_fits(limit, marker)?;
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    edit_map(host, |map| {
        for value in map.values_mut() {
            if let Value::String(text) = value
                && text.len() > limit
            {
                *text = truncate_bytes(text, limit - marker.len(), utf8_safe) + marker;
            }
        }
        Ok(())
    })
}

/// func_truncate_all.go: the marker counts toward the limit, so it may not be longer.
fn marker_fits(limit: i64, marker: &str) -> Result<()> {
    if marker.len() as i64 > limit {
        bail!(
            "invalid truncation marker for truncate_all function, length of marker {} cannot be greater than limit {limit}",
            marker.len()
        );
    }
    Ok(())
}

/// The literal checks of `truncate_all`: a negative limit, then a marker longer than it.
fn truncate_all_literals(args: &LiteralArgs<'_>) -> Vec<LiteralError> {
    let Some(limit) = args.int("limit") else { return Vec::new() };
    if let Err(error) = non_negative_limit("truncate_all", limit) {
        return vec![LiteralError::new("limit", error.to_string())];
    }
    let error = args.string("truncation_marker").and_then(|marker| marker_fits(limit, marker).err());
    let error = error.map(|error| LiteralError::new("truncation_marker", error.to_string()));
    error.map(|error| error.help("use a shorter marker or a larger limit")).into_iter().collect()
}

/// The first `at` bytes of `text`. The reference keeps a partial character when not
/// `utf8_safe`; a Rust string cannot, so its bytes read as U+FFFD, as they do once exported.
fn truncate_bytes(text: &str, mut at: usize, utf8_safe: bool) -> String {
    if utf8_safe {
        while at > 0 && !text.is_char_boundary(at) {
            at -= 1;
        }
    }
    String::from_utf8_lossy(text.as_bytes().get(..at).unwrap_or_default()).into_owned()
}

#[derive(Clone, Copy)]
enum MergeStrategy {
    Insert,
    Update,
    Upsert,
}

impl MergeStrategy {
    const NAMES: &[&str] = &["insert", "update", "upsert"];

    fn parse(name: &str) -> Result<MergeStrategy> {
        Ok(match name {
            "insert" => MergeStrategy::Insert,
            "update" => MergeStrategy::Update,
            "upsert" => MergeStrategy::Upsert,
            other => bail!("invalid value for strategy, {other}, must be 'insert', 'update' or 'upsert'"),
        })
    }

    /// Merges `source` into `target`; an updated key keeps its place, a new one goes last.
    fn merge(self, source: &Map, target: &mut Map) {
        for (key, value) in source {
            match self {
                MergeStrategy::Insert if target.contains_key(key) => {}
                MergeStrategy::Update if !target.contains_key(key) => {}
                _ => {
                    target.insert(key.clone(), value.clone());
                }
            }
        }
    }
}

/// `merge_maps(target, source, strategy)`.
fn merge_maps(host: &mut dyn EditorHost, source: &Value, strategy: &str) -> Result<()> {
    let strategy = MergeStrategy::parse(strategy)?;
    edit_map(host, |map| {
        strategy.merge(coerce::map(source)?, map);
        Ok(())
    })
}

/// A pattern compiled with Go's syntax, or the reference's error for an invalid one.
fn compile_regex(function: &str, pattern: &str) -> Result<Rc<Regex>> {
    crate::regex::compile(pattern).map_err(|e| invalid_pattern(function, pattern, &e))
}

fn invalid_pattern(function: &str, pattern: &str, reason: &str) -> Error {
    Error::new(invalid_pattern_message(function, pattern, reason))
}

/// The reference's `invalidRegexErrMsg`, which its glob editors use too.
fn invalid_pattern_message(function: &str, pattern: &str, reason: &str) -> String {
    format!("the regex pattern supplied to {function} '{}' is not a valid pattern: {reason}", coerce::go_quote(pattern))
}

/// A literal regular expression for `param`, compiled when the statement is built
/// (`newDynamicRegex` in ottlfuncs/regex.go).
fn regex_literal(args: &LiteralArgs<'_>, function: &str, param: &'static str) -> Option<LiteralError> {
    regex_pattern(function, param, args.string(param)?).err()
}

/// The optional converter (`SHA256`, …) and `replacementFormat` the replace editors apply
/// to a replacement.
struct ReplacementHook<'a> {
    function: &'static Function,
    format: Option<&'a Value>,
    /// The reference's error when the converter does not return a string.
    not_a_string: &'static str,
}

impl<'a> ReplacementHook<'a> {
    /// The hook of a call given a converter; the format is read only when it is applied.
    fn new(
        function: Option<&'static Function>,
        format: Option<&'a Value>,
        not_a_string: &'static str,
    ) -> Option<ReplacementHook<'a>> {
        Some(ReplacementHook { function: function?, format, not_a_string })
    }

    /// The converter's result for `replacement`, put through the format if there is one.
    fn apply(&self, replacement: Value) -> Result<String> {
        let Value::String(result) = self.function.invoke(vec![replacement])? else {
            bail!("{}", self.not_a_string);
        };
        match self.format {
            Some(format) => apply_replacement_format(coerce::string(format)?, &result),
            None => Ok(result),
        }
    }
}

/// `fmt.Sprintf(format, value)` for the formats the reference accepts: one line holding
/// `%s`, and no `%` followed by anything but `s`.
fn apply_replacement_format(format: &str, value: &str) -> Result<String> {
    let percent_not_s = format.as_bytes().windows(2).any(|pair| pair[0] == b'%' && pair[1] != b's');
    if !format.contains("%s") || format.contains('\n') || percent_not_s {
        bail!("replacementFormat must be format string containing a single %s and no other format specifiers");
    }
    let mut out = String::with_capacity(format.len() + value.len());
    let mut value_used = false;
    let mut rest = format;
    while let Some(at) = rest.find('%') {
        out.push_str(&rest[..at]);
        rest = &rest[at + 1..];
        match rest.strip_prefix('s') {
            Some(after) => {
                out.push_str(if value_used { "%!s(MISSING)" } else { value });
                value_used = true;
                rest = after;
            }
            // Only a trailing `%` gets here.
            None => out.push_str("%!(NOVERB)"),
        }
    }
    out.push_str(rest);
    Ok(out)
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
    let regex = compile_regex("replace_pattern", regex_pattern)?;
    let original = host.get_target()?;
    if original.is_nil() {
        return Ok(());
    }
    let replacement = coerce::string(replacement)?;
    let Value::String(text) = original else { return Ok(()) };
    if !regex.is_match(&text) {
        return Ok(());
    }
    let hook = ReplacementHook::new(function, replacement_format, "the replacement value must be a string");
    let replaced = regex_replace(&regex, &text, replacement, hook.as_ref())?;
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

/// Go's `Regexp.Expand`: `$name`, `${name}` and `$$`; a name is the longest run of letters,
/// digits and `_` (so `$1x` names the group `1x`), a number names a group by index, an
/// unknown or unmatched group expands to nothing, and a malformed `$` stays literal.
fn go_expand(regex: &Regex, caps: &Captures<'_>, template: &str, out: &mut String) {
    let mut rest = template;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        rest = &rest[at + 1..];
        if let Some(after) = rest.strip_prefix('$') {
            out.push('$');
            rest = after;
            continue;
        }
        let Some((name, after)) = expansion_name(rest) else {
            out.push('$');
            continue;
        };
        rest = after;
        if let Some(group) = group_index(regex, name) {
            out.push_str(caps.get(group).map_or("", |m| m.as_str()));
        }
    }
    out.push_str(rest);
}

/// The group name after a `$` (Go's `extract`) and the text after it.
fn expansion_name(text: &str) -> Option<(&str, &str)> {
    let (braced, body) = match text.strip_prefix('{') {
        Some(body) => (true, body),
        None => (false, text),
    };
    let len = body.find(|c: char| !(c.is_alphabetic() || c.is_numeric() || c == '_')).unwrap_or(body.len());
    if len == 0 {
        return None;
    }
    let (name, after) = body.split_at(len);
    if braced {
        return after.strip_prefix('}').map(|after| (name, after));
    }
    Some((name, after))
}

/// The index of the group `name` refers to: a number of at most nine digits without leading
/// zeros is an index, anything else the first group so named.
fn group_index(regex: &Regex, name: &str) -> Option<usize> {
    let numeric = name.bytes().all(|b| b.is_ascii_digit()) && (name == "0" || !name.starts_with('0')) && name.len() <= 9;
    if numeric {
        return name.parse().ok();
    }
    regex.capture_names().position(|group| group.is_some_and(|group| go_group_name(group) == name))
}

/// A group's name as written in the Go pattern: the regex translation prefixes `_` to names
/// that start with a digit, which the crate does not accept.
fn go_group_name(name: &str) -> &str {
    match name.strip_prefix('_') {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => rest,
        _ => name,
    }
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
    let regex = compile_regex("replace_all_patterns", coerce::string(regex_pattern)?)?;
    let mut map = coerce::into_map(host.get_target()?)?;
    let replacement = coerce::string(replacement)?;
    let hook = ReplacementHook::new(function, replacement_format, "the replacement value must be a string");
    match mode {
        ReplaceMode::Key => map = replace_keys(map, &regex, replacement, hook.as_ref()),
        ReplaceMode::Value => {
            for value in map.values_mut() {
                if let Value::String(text) = value
                    && regex.is_match(text)
                    // As the reference, a value whose converter fails is left as it was.
                    && let Ok(replaced) = regex_replace(&regex, text, replacement, hook.as_ref())
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
fn replace_keys(map: Map, regex: &Regex, replacement: &str, hook: Option<&ReplacementHook<'_>>) -> Map {
    let mut updated = Map::with_capacity(map.len());
    for (key, value) in map {
        let key = if regex.is_match(&key) {
            match regex_replace(regex, &key, replacement, hook) {
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

/// The replacement of the glob editors, read after the target: the string, or the
/// converter's result for the value as given (a converter takes any value).
fn glob_replacement(
    replacement: &Value,
    function: Option<&'static Function>,
    replacement_format: Option<&Value>,
) -> Result<String> {
    match ReplacementHook::new(function, replacement_format, "replacement value is not a string") {
        Some(hook) => hook.apply(replacement.clone()),
        None => Ok(coerce::string(replacement)?.to_string()),
    }
}

/// `replace_match(target, pattern, replacement, function?, replacement_format?)`.
fn replace_match(
    host: &mut dyn EditorHost,
    pattern: &str,
    replacement: &Value,
    function: Option<&'static Function>,
    replacement_format: Option<&Value>,
) -> Result<()> {
    let glob = compile_glob("replace_match", pattern)?;
    let original = host.get_target()?;
    let replacement = glob_replacement(replacement, function, replacement_format)?;
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
    let glob = compile_glob("replace_all_matches", pattern)?;
    let mut map = coerce::into_map(host.get_target()?)?;
    let replacement = glob_replacement(replacement, function, replacement_format)?;
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

/// `flatten(target, prefix?, depth?, resolve_conflicts?)`.
fn flatten(host: &mut dyn EditorHost, prefix: Option<&str>, depth: Option<i64>, resolve_conflicts: Option<bool>) -> Result<()> {
    let prefix = prefix.unwrap_or("");
    let depth = depth.unwrap_or(i64::MAX);
    flatten_depth(depth)?;
    let resolve_conflicts = resolve_conflicts.unwrap_or(false);
    edit_map(host, |map| {
        let mut flattener = Flattener {
            result: Map::with_capacity(map.len()),
            conflicts: HashMap::new(),
            resolve_conflicts,
            max_depth: depth.min(MAX_FLATTEN_DEPTH),
        };
        flattener.flatten_map(std::mem::take(map), prefix, 0);
        *map = flattener.result;
        Ok(())
    })
}

/// func_flatten.go (v0.161): a depth must be at least 1.
fn flatten_depth(depth: i64) -> Result<()> {
    if depth < 1 {
        bail!("invalid depth '{depth}' for flatten function, must be greater than 0");
    }
    Ok(())
}

/// How deep `flatten` descends at most, whatever `depth` says: deeper values stay nested
/// rather than risk the stack.
const MAX_FLATTEN_DEPTH: i64 = 256;

/// The reference's flatten (the newest revision): maps and slices within `max_depth`
/// spread into dotted keys; with `resolve_conflicts` a key already written gets `.N`.
struct Flattener {
    result: Map,
    /// The next `.N` suffix of each conflicting key.
    conflicts: HashMap<String, usize>,
    resolve_conflicts: bool,
    max_depth: i64,
}

impl Flattener {
    fn flatten_map(&mut self, map: Map, prefix: &str, depth: i64) {
        let prefix = if prefix.is_empty() { String::new() } else { format!("{prefix}.") };
        for (key, value) in map {
            self.flatten_value(&key, value, depth, &prefix);
        }
    }

    /// The elements of a slice nested in a slice. As in the reference, their keys join the
    /// prefix without a dot (`a.0` + `1` → `a.01`).
    fn flatten_slice(&mut self, items: Vec<Value>, prefix: &str, depth: i64) {
        for (i, item) in items.into_iter().enumerate() {
            self.flatten_value(&i.to_string(), item, depth + 1, prefix);
        }
    }

    fn flatten_value(&mut self, key: &str, value: Value, depth: i64, prefix: &str) {
        let key = format!("{prefix}{key}");
        match value {
            Value::Map(map) if depth < self.max_depth => self.flatten_map(map, &key, depth + 1),
            Value::Slice(items) if depth < self.max_depth => {
                for (i, item) in items.into_iter().enumerate() {
                    match item {
                        Value::Map(map) if depth + 1 < self.max_depth => self.flatten_map(map, &format!("{key}.{i}"), depth + 2),
                        Value::Slice(items) if depth + 1 < self.max_depth => {
                            self.flatten_slice(items, &format!("{key}.{i}"), depth + 2)
                        }
                        // With conflict resolution the elements share the slice's key and
                        // take `.N` suffixes from the second on.
                        item if self.resolve_conflicts => self.put(key.clone(), item),
                        item => self.put(format!("{key}.{i}"), item),
                    }
                }
            }
            value => self.put(key, value),
        }
    }

    fn put(&mut self, key: String, value: Value) {
        if !self.resolve_conflicts {
            self.result.insert(key, value);
        } else if self.result.contains_key(&key) {
            let n = self.conflicts.entry(key.clone()).or_insert(0);
            let suffixed = format!("{key}.{n}");
            *n += 1;
            self.result.insert(suffixed, value);
        } else {
            self.conflicts.insert(key.clone(), 0);
            self.result.insert(key, value);
        }
    }
}

/// `append(target, value?, values?)`: the target as a slice (nil → empty, a scalar → one
/// element) with the values appended.
fn append(host: &mut dyn EditorHost, value: Option<Value>, values: Option<List<'_>>) -> Result<()> {
    if value.is_none() && values.is_none() {
        bail!("at least one of the optional arguments ('value' or 'values') must be provided");
    }
    // The target's own elements come in raw form; a map target and appended values come as
    // they are, and the reference's `FromRaw` takes no `pcommon.Map` or `pcommon.Slice` (nor
    // what an attribute cannot hold). A list literal would pass there as a raw `[]any`; here
    // every list is refused (known difference).
    let (mut items, mut added) = match host.get_target()? {
        Value::Nil => (Vec::new(), Vec::new()),
        Value::Slice(items) => (items, Vec::new()),
        other => (Vec::new(), vec![other]),
    };
    added.extend(value);
    if let Some(List(values)) = values {
        added.extend_from_slice(values);
    }
    if let Some(bad) = added.iter().find(|item| matches!(item, Value::Map(_) | Value::Slice(_)) || !item.is_attribute_value()) {
        bail!("<Invalid value type {}>", bad.go_type());
    }
    items.append(&mut added);
    host.set_target(Value::Slice(items))
}

/// `delete_index(target, start_index, end_index?)`: removes `[start, end)` (just `start`
/// without an end). The indexes are read after the target, as the reference reads them.
fn delete_index(host: &mut dyn EditorHost, start_index: &Value, end_index: Option<&Value>) -> Result<()> {
    let target = host.get_target()?;
    let mut items = coerce::slice(&target)?.to_vec();
    let start = coerce::int(start_index)?;
    let end = match end_index {
        Some(end) => coerce::int(end)?,
        None => start.wrapping_add(1),
    };
    let len = items.len() as i64;
    if start == 0 && end == len {
        return host.set_target(Value::Slice(Vec::new()));
    }
    if start < 0 || start >= len {
        bail!("startIndex {start} out of bounds for slice of length {len}");
    }
    if end < start {
        bail!("endIndex {end} cannot be less than startIndex {start}");
    }
    if end > len {
        bail!("deletion range [{start}:{end}] out of bounds for slice of length {len}");
    }
    // Both are within 0..=len here.
    items.drain(start as usize..end as usize);
    host.set_target(Value::Slice(items))
}

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
pub(super) fn as_string(value: &Value) -> String {
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
    use super::super::Arg;
    use super::super::testing::{convert, edit};
    use super::*;

    fn s(text: &str) -> Value {
        Value::string(text)
    }

    fn v(value: Value) -> Arg<'static> {
        Arg::Value(value)
    }

    fn list(items: &[&str]) -> Value {
        Value::Slice(items.iter().map(|i| s(i)).collect())
    }

    fn map(entries: &[(&str, Value)]) -> Value {
        Value::Map(entries.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
    }

    fn keys(value: &Value) -> Vec<String> {
        match value {
            Value::Map(m) => m.keys().cloned().collect(),
            other => panic!("not a map: {other:?}"),
        }
    }

    /// The attributes of the LOG_EDITORS fixture, in insertion order.
    fn log_editors() -> Value {
        map(&[
            ("http.method", s("get")),
            ("http.path", s("/health")),
            ("http.url", s("http://localhost/health")),
            ("flags", s("A|B|C")),
            ("total.string", s("123456789")),
            ("conflict", map(&[("conflict1", map(&[("conflict2", s("pass"))]))])),
            ("conflict.conflict1", map(&[("conflict2", s("nopass"))])),
            (
                "foo",
                map(&[
                    ("bar", s("pass")),
                    ("flags", s("pass")),
                    ("slice", list(&["val"])),
                    ("nested", map(&[("test", s("pass"))])),
                ]),
            ),
            (
                "things",
                Value::Slice(vec![
                    map(&[("name", s("foo")), ("value", Value::Int(2))]),
                    map(&[("name", s("bar")), ("value", Value::Int(5))]),
                ]),
            ),
        ])
    }

    fn err(result: Result<Value>) -> String {
        result.expect_err("expected an error").message().to_string()
    }

    #[test]
    fn set_writes_and_passes_nil_on() {
        assert_eq!(edit("set", s("old"), vec![v(s("new"))]).unwrap(), s("new"));
        assert_eq!(edit("set", Value::Nil, vec![v(s("nil"))]).unwrap(), s("nil"));
        assert_eq!(edit("set", s("old"), vec![v(Value::Nil)]).unwrap(), Value::Nil);
    }

    #[test]
    fn key_pruning() {
        let after = edit("delete_key", log_editors(), vec![v(s("flags"))]).unwrap();
        assert!(!keys(&after).contains(&"flags".to_string()));
        let after = edit("delete_matching_keys", log_editors(), vec![v(s("^http"))]).unwrap();
        assert_eq!(keys(&after)[0], "flags");
        let after = edit("keep_matching_keys", log_editors(), vec![v(s("^http"))]).unwrap();
        assert_eq!(keys(&after), ["http.method", "http.path", "http.url"]);
        let after = edit("keep_keys", log_editors(), vec![v(list(&["total.string", "flags"]))]).unwrap();
        assert_eq!(after, map(&[("flags", s("A|B|C")), ("total.string", s("123456789"))]));
        assert!(
            err(edit("delete_matching_keys", log_editors(), vec![v(s("("))]))
                .starts_with("the regex pattern supplied to delete_matching_keys '\"(\"' is not a valid pattern")
        );
        assert_eq!(err(edit("delete_key", s("x"), vec![v(s("k"))])), "expected pcommon.Map but got string");
    }

    #[test]
    fn limit_keeps_priority_keys() {
        assert_eq!(edit("limit", log_editors(), vec![v(Value::Int(100)), v(list(&[]))]).unwrap(), log_editors());
        let after = edit("limit", log_editors(), vec![v(Value::Int(1)), v(list(&["total.string"]))]).unwrap();
        assert_eq!(after, map(&[("total.string", s("123456789"))]));
        let after = edit("limit", log_editors(), vec![v(Value::Int(2)), v(list(&["total.string"]))]).unwrap();
        assert_eq!(keys(&after), ["http.method", "total.string"]);
        assert_eq!(
            err(edit("limit", log_editors(), vec![v(Value::Int(0)), v(list(&["a"]))])),
            "invalid limit for limit function, 0 cannot be less than number of priority attributes 1"
        );
    }

    #[test]
    fn truncate_all_cuts_top_level_strings() {
        let after = edit("truncate_all", log_editors(), vec![v(Value::Int(1))]).unwrap();
        let Value::Map(m) = after else { panic!() };
        assert_eq!(m["http.method"], s("g"));
        assert_eq!(m["http.path"], s("/"));
        assert_eq!(m["total.string"], s("1"));
        assert_eq!(
            m["foo"],
            map(&[("bar", s("pass")), ("flags", s("pass")), ("slice", list(&["val"])), ("nested", map(&[("test", s("pass"))]))])
        );
        let marked = map(&[("a", s("hello world")), ("n", Value::Int(5))]);
        let after = edit("truncate_all", marked.clone(), vec![v(Value::Int(8)), Arg::Absent, v(s("..."))]).unwrap();
        assert_eq!(after, map(&[("a", s("hello...")), ("n", Value::Int(5))]));
        assert!(edit("truncate_all", marked, vec![v(Value::Int(2)), Arg::Absent, v(s("..."))]).is_err());
        // UTF-8 safe by default: "é" is two bytes.
        let after = edit("truncate_all", map(&[("a", s("aé"))]), vec![v(Value::Int(2))]).unwrap();
        assert_eq!(after, map(&[("a", s("a"))]));
        let after = edit("truncate_all", map(&[("a", s("aé"))]), vec![v(Value::Int(2)), v(Value::Bool(false))]).unwrap();
        assert_eq!(after, map(&[("a", s("a\u{FFFD}"))]));
    }

    #[test]
    fn merge_maps_strategies() {
        let target = map(&[("http.method", s("get")), ("flags", s("A"))]);
        let source = map(&[("http.method", s("post")), ("new", Value::Int(1))]);
        let insert = edit("merge_maps", target.clone(), vec![v(source.clone()), v(s("insert"))]).unwrap();
        assert_eq!(insert, map(&[("http.method", s("get")), ("flags", s("A")), ("new", Value::Int(1))]));
        let update = edit("merge_maps", target.clone(), vec![v(source.clone()), v(s("update"))]).unwrap();
        assert_eq!(update, map(&[("http.method", s("post")), ("flags", s("A"))]));
        let upsert = edit("merge_maps", target.clone(), vec![v(source.clone()), v(s("upsert"))]).unwrap();
        assert_eq!(keys(&upsert), ["http.method", "flags", "new"]);
        assert_eq!(
            err(edit("merge_maps", target, vec![v(source), v(s("bogus"))])),
            "invalid value for strategy, bogus, must be 'insert', 'update' or 'upsert'"
        );
    }

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
        let sha = super::super::testing::converter("SHA256");
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
    fn replacement_format_follows_sprintf() {
        assert_eq!(apply_replacement_format("a%sb", "X").unwrap(), "aXb");
        assert_eq!(apply_replacement_format("%s-%s", "X").unwrap(), "X-%!s(MISSING)");
        assert_eq!(apply_replacement_format("%s%", "X").unwrap(), "X%!(NOVERB)");
        assert!(apply_replacement_format("none", "X").is_err());
        assert!(apply_replacement_format("%s\n", "X").is_err());
        assert!(apply_replacement_format("%%s", "X").is_err());
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
    fn flatten_like_the_e2e_tests() {
        let after = edit("flatten", log_editors(), vec![]).unwrap();
        let expected = map(&[
            ("http.method", s("get")),
            ("http.path", s("/health")),
            ("http.url", s("http://localhost/health")),
            ("flags", s("A|B|C")),
            ("total.string", s("123456789")),
            ("conflict.conflict1.conflict2", s("nopass")),
            ("foo.bar", s("pass")),
            ("foo.flags", s("pass")),
            ("foo.slice.0", s("val")),
            ("foo.nested.test", s("pass")),
            ("things.0.name", s("foo")),
            ("things.0.value", Value::Int(2)),
            ("things.1.name", s("bar")),
            ("things.1.value", Value::Int(5)),
        ]);
        assert_eq!(after, expected);
        assert_eq!(keys(&after), keys(&expected));

        let after = edit("flatten", log_editors(), vec![v(s("test")), Arg::Absent, v(Value::Bool(true))]).unwrap();
        let Value::Map(m) = after else { panic!() };
        assert_eq!(m["test.foo.slice"], s("val"));
        assert_eq!(m["test.conflict.conflict1.conflict2"], s("pass"));
        assert_eq!(m["test.conflict.conflict1.conflict2.0"], s("nopass"));
        assert_eq!(m.len(), 15);

        let after = edit("flatten", log_editors(), vec![Arg::Absent, v(Value::Int(1))]).unwrap();
        let Value::Map(m) = after else { panic!() };
        assert_eq!(m["foo.slice"], list(&["val"]));
        assert_eq!(m["foo.nested"], map(&[("test", s("pass"))]));
        assert_eq!(m["conflict.conflict1"], map(&[("conflict2", s("pass"))]));
        assert_eq!(m["conflict.conflict1.conflict2"], s("nopass"));
        assert_eq!(m["things.1"], map(&[("name", s("bar")), ("value", Value::Int(5))]));

        let nested = map(&[("address", map(&[("street", s("first"))])), ("occupants", list(&["user 1", "user 2"]))]);
        assert_eq!(
            edit("flatten", nested.clone(), vec![Arg::Absent, v(Value::Int(0))]).unwrap_err().message(),
            "invalid depth '0' for flatten function, must be greater than 0"
        );
        let after = edit("flatten", nested, vec![v(s("app"))]).unwrap();
        assert_eq!(keys(&after), ["app.address.street", "app.occupants.0", "app.occupants.1"]);
        // A slice in a slice: the reference joins its indexes without a dot.
        let after = edit("flatten", map(&[("a", Value::Slice(vec![list(&["x", "y"])]))]), vec![]).unwrap();
        assert_eq!(keys(&after), ["a.00", "a.01"]);
        assert!(edit("flatten", map(&[]), vec![Arg::Absent, v(Value::Int(-1))]).is_err());
    }

    #[test]
    fn flatten_survives_deep_nesting() {
        let mut deep = s("leaf");
        for _ in 0..MAX_FLATTEN_DEPTH + 10 {
            deep = Value::Map(Map::from([("k".to_string(), deep)]));
        }
        let after = edit("flatten", Value::Map(Map::from([("root".to_string(), deep)])), vec![]).unwrap();
        let expected_key = format!("root{}", ".k".repeat(MAX_FLATTEN_DEPTH as usize));
        assert_eq!(keys(&after), [expected_key]);
    }

    #[test]
    fn append_builds_slices() {
        assert_eq!(edit("append", s("pass"), vec![v(s("sample_value"))]).unwrap(), list(&["pass", "sample_value"]));
        let after = edit("append", list(&["val"]), vec![Arg::Absent, v(Value::Slice(vec![Value::Int(5), Value::Int(6)]))]);
        assert_eq!(after.unwrap(), Value::Slice(vec![s("val"), Value::Int(5), Value::Int(6)]));
        let after = edit("append", Value::Nil, vec![Arg::Absent, v(list(&["staging", "staging:east"]))]).unwrap();
        assert_eq!(after, list(&["staging", "staging:east"]));
        assert!(edit("append", Value::Nil, vec![]).is_err());
        assert_eq!(err(edit("append", Value::Nil, vec![v(Value::Duration(1))])), "<Invalid value type time.Duration>");
        assert_eq!(err(edit("append", Value::Map(Map::new()), vec![v(s("x"))])), "<Invalid value type pcommon.Map>");
    }

    #[test]
    fn delete_index_ranges_and_errors() {
        let ints = |items: &[i64]| Value::Slice(items.iter().map(|i| Value::Int(*i)).collect());
        let ten = ints(&[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        assert_eq!(edit("delete_index", ten.clone(), vec![v(Value::Int(3))]).unwrap(), ints(&[0, 1, 2, 4, 5, 6, 7, 8, 9]));
        assert_eq!(edit("delete_index", ten, vec![v(Value::Int(2)), v(Value::Int(6))]).unwrap(), ints(&[0, 1, 6, 7, 8, 9]));
        let five = ints(&[0, 1, 2, 3, 4]);
        assert_eq!(edit("delete_index", five.clone(), vec![v(Value::Int(2)), v(Value::Int(2))]).unwrap(), five);
        assert_eq!(edit("delete_index", five, vec![v(Value::Int(0)), v(Value::Int(5))]).unwrap(), ints(&[]));
        let three = ints(&[0, 1, 2]);
        assert_eq!(
            err(edit("delete_index", three.clone(), vec![v(Value::Int(5))])),
            "startIndex 5 out of bounds for slice of length 3"
        );
        assert_eq!(
            err(edit("delete_index", three.clone(), vec![v(Value::Int(2)), v(Value::Int(1))])),
            "endIndex 1 cannot be less than startIndex 2"
        );
        assert_eq!(
            err(edit("delete_index", three.clone(), vec![v(Value::Int(2)), v(Value::Int(7))])),
            "deletion range [2:7] out of bounds for slice of length 3"
        );
        assert_eq!(
            err(edit("delete_index", three, vec![v(Value::Int(i64::MAX))])),
            format!("startIndex {} out of bounds for slice of length 3", i64::MAX)
        );
    }

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

    /// What the literal checks of editor `name` find in these literal arguments.
    fn literal_errors(name: &str, args: Vec<(&'static str, Literal<'static>)>) -> Vec<LiteralError> {
        let check = super::super::testing::editor(name).literals.expect("declares literal checks");
        check(&LiteralArgs::new(args))
    }

    /// The one problem the literal checks of `name` find.
    fn literal_error(name: &str, args: Vec<(&'static str, Literal<'static>)>) -> LiteralError {
        match &literal_errors(name, args)[..] {
            [error] => error.clone(),
            other => panic!("expected one problem with {name}, got {other:?}"),
        }
    }

    #[test]
    fn literal_regex_patterns() {
        let cases = [
            ("replace_pattern", "regex_pattern"),
            ("replace_all_patterns", "regex_pattern"),
            ("delete_matching_keys", "pattern"),
            ("keep_matching_keys", "pattern"),
        ];
        for (function, param) in cases {
            let error = literal_error(function, vec![(param, Literal::String("(a"))]);
            assert_eq!(error.param, param);
            assert!(
                error.message.starts_with(&format!("the regex pattern supplied to {function} '\"(a\"' ")),
                "{}",
                error.message
            );
            assert!(literal_errors(function, vec![(param, Literal::String("token=[^&]*"))]).is_empty());
            // A pattern known only at run time is not judged.
            assert!(literal_errors(function, vec![]).is_empty());
        }
    }

    #[test]
    fn literal_merge_strategy() {
        assert!(literal_errors("merge_maps", vec![("strategy", Literal::String("upsert"))]).is_empty());
        let error = literal_error("merge_maps", vec![("strategy", Literal::String("merge"))]);
        assert_eq!(
            (error.param, error.message.as_str()),
            ("strategy", "invalid value for strategy, merge, must be 'insert', 'update' or 'upsert'")
        );
        assert_eq!(error.help.as_deref(), Some(r#"expected one of "insert", "update", "upsert""#));
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

    #[test]
    fn literal_limits() {
        assert!(literal_errors("truncate_all", vec![("limit", Literal::Int(0))]).is_empty());
        let error =
            literal_error("truncate_all", vec![("limit", Literal::Int(-1)), ("truncation_marker", Literal::String("..."))]);
        assert_eq!(
            (error.param, error.message.as_str()),
            ("limit", "invalid limit for truncate_all function, -1 cannot be negative")
        );
        let error =
            literal_error("truncate_all", vec![("limit", Literal::Int(2)), ("truncation_marker", Literal::String("..."))]);
        assert_eq!(error.param, "truncation_marker");
        assert_eq!(
            error.message,
            "invalid truncation marker for truncate_all function, length of marker 3 cannot be greater than limit 2"
        );
        assert!(error.help.is_some());
        assert!(
            literal_errors("truncate_all", vec![("limit", Literal::Int(3)), ("truncation_marker", Literal::String("..."))])
                .is_empty()
        );

        let keys = |n: usize| Literal::List(vec![Some(Literal::String("k")); n]);
        assert!(literal_errors("limit", vec![("limit", Literal::Int(0)), ("priority_keys", keys(0))]).is_empty());
        let error = literal_error("limit", vec![("limit", Literal::Int(-5)), ("priority_keys", keys(0))]);
        assert_eq!((error.param, error.message.as_str()), ("limit", "invalid limit for limit function, -5 cannot be negative"));
        let error = literal_error("limit", vec![("limit", Literal::Int(1)), ("priority_keys", keys(2))]);
        assert_eq!(
            (error.param, error.message.as_str()),
            ("limit", "invalid limit for limit function, 1 cannot be less than number of priority attributes 2")
        );
        assert_eq!(error.help.as_deref(), Some("raise the limit or list fewer priority keys"));
        // Equality is allowed by the reference.
        assert!(literal_errors("limit", vec![("limit", Literal::Int(2)), ("priority_keys", keys(2))]).is_empty());
        assert!(literal_errors("limit", vec![("priority_keys", keys(2))]).is_empty());
    }

    #[test]
    fn literal_flatten_depth() {
        assert!(literal_errors("flatten", vec![("prefix", Literal::String("k")), ("depth", Literal::Int(1))]).is_empty());
        let error = literal_error("flatten", vec![("depth", Literal::Int(0))]);
        assert_eq!(
            (error.param, error.message.as_str()),
            ("depth", "invalid depth '0' for flatten function, must be greater than 0")
        );
        assert_eq!(error.help.as_deref(), Some("leave `depth` out to flatten every level"));
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
