//! `set` and the key editors: `delete_key`, `delete_matching_keys`, `keep_keys` and
//! `keep_matching_keys`.

use super::super::EditorHost;
use super::super::regexes::compile_regex;
use super::super::shorthand::*;
use super::{edit_map, regex_literal};
use crate::coerce;
use crate::editor;
use crate::error::Result;
use crate::value::Value;

pub(crate) static FUNCTIONS: &[Function] = &[
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
        &[Example::new(
            r#"delete_key(attributes, "password")"#,
            r#"attributes["password"] == nil and attributes["env"] == "staging""#,
        )],
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
];

/// `set(target, value)`. A nil value is passed on, as collectors do from v0.161 (the
/// `ottl.set.allowNil` gate, on by default): an attribute or map becomes empty, a scalar
/// field refuses it (`setting a value to nil is not supported`).
fn set(host: &mut dyn EditorHost, value: Value) -> Result<()> {
    host.set_target(value)
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

#[cfg(test)]
mod tests {
    use super::super::test_values::*;
    use super::*;

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
}
