//! `limit` and `truncate_all`: capping a map's keys and its strings' lengths, with the
//! limit checks (func_limit.go, func_truncate_all.go) they share.

use super::super::EditorHost;
use super::super::literal::{Literal, LiteralArgs, LiteralError};
use super::super::shorthand::*;
use super::edit_map;
use crate::bail;
use crate::editor;
use crate::error::Result;
use crate::value::Value;

pub(crate) static FUNCTIONS: &[Function] = &[
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
            Example::new(
                r#"truncate_all(attributes, 5)"#,
                r#"attributes["message"] == "hello" and attributes["env"] == "stagi""#,
            ),
            Example::new(
                r#"truncate_all(attributes, 8, truncation_marker="...")"#,
                r#"attributes["message"] == "hello..." and attributes["http.method"] == "GET""#,
            ),
        ],
    )
    .literals(truncate_all_literals),
];

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

#[cfg(test)]
mod tests {
    use super::super::test_values::*;
    use super::*;

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
}
