//! `flatten`: nested maps and slices spread into dotted top-level keys.

use std::collections::HashMap;

use super::super::EditorHost;
use super::super::literal::LiteralError;
use super::super::shorthand::*;
use super::edit_map;
use crate::bail;
use crate::editor;
use crate::error::Result;
use crate::value::{Map, Value};

pub(crate) static FUNCTIONS: &[Function] = &[
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
];

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

#[cfg(test)]
mod tests {
    use super::super::test_values::*;
    use super::*;

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
    fn literal_flatten_depth() {
        assert!(literal_errors("flatten", vec![("prefix", Literal::String("k")), ("depth", Literal::Int(1))]).is_empty());
        let error = literal_error("flatten", vec![("depth", Literal::Int(0))]);
        assert_eq!(
            (error.param, error.message.as_str()),
            ("depth", "invalid depth '0' for flatten function, must be greater than 0")
        );
        assert_eq!(error.help.as_deref(), Some("leave `depth` out to flatten every level"));
    }
}
