//! `merge_maps` and its strategies.

use super::super::EditorHost;
use super::super::literal::{LiteralError, one_of_help};
use super::super::shorthand::*;
use super::edit_map;
use crate::bail;
use crate::coerce;
use crate::editor;
use crate::error::Result;
use crate::value::{Map, Value};

pub(crate) static FUNCTIONS: &[Function] = &[
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
];

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

#[cfg(test)]
mod tests {
    use super::super::test_values::*;
    use super::*;

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
    fn literal_merge_strategy() {
        assert!(literal_errors("merge_maps", vec![("strategy", Literal::String("upsert"))]).is_empty());
        let error = literal_error("merge_maps", vec![("strategy", Literal::String("merge"))]);
        assert_eq!(
            (error.param, error.message.as_str()),
            ("strategy", "invalid value for strategy, merge, must be 'insert', 'update' or 'upsert'")
        );
        assert_eq!(error.help.as_deref(), Some(r#"expected one of "insert", "update", "upsert""#));
    }
}
