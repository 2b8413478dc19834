//! The standard editors (`pkg/ottl/ottlfuncs/func_*.go`): writing, pruning, merging,
//! rewriting and flattening the target path's value.
//!
//! Every editor reads its target once, changes the copy and writes it back; for maps this
//! is what the reference's in-place `pcommon.Map` edits look like from a statement.
//!
//! One module per theme, each with its own `FUNCTIONS` table; the helpers several of them
//! share live here.

use super::EditorHost;
use super::literal::{LiteralArgs, LiteralError, regex_pattern};
use crate::coerce;
use crate::error::Result;
use crate::value::{Map, Value};

pub(super) mod flatten;
pub(super) mod keys;
pub(super) mod limits;
pub(super) mod merge;
pub(super) mod replace;
pub(super) mod slices;
pub(super) mod values;

/// Reads the map target (a `PMapGetSetter`, so a non-map is an error), lets `edit` change
/// it and writes it back.
fn edit_map(host: &mut dyn EditorHost, edit: impl FnOnce(&mut Map) -> Result<()>) -> Result<()> {
    let mut map = coerce::into_map(host.get_target()?)?;
    edit(&mut map)?;
    host.set_target(Value::Map(map))
}

/// A literal regular expression for `param`, compiled when the statement is built
/// (`newDynamicRegex` in ottlfuncs/regex.go).
fn regex_literal(args: &LiteralArgs<'_>, function: &str, param: &'static str) -> Option<LiteralError> {
    regex_pattern(function, param, args.string(param)?).err()
}

/// Values, the shared fixture and calls for the editors' unit tests.
#[cfg(test)]
mod test_values {
    pub(super) use super::super::Arg;
    pub(super) use super::super::literal::{Literal, LiteralArgs, LiteralError};
    pub(super) use super::super::testing::{convert, converter, edit};
    pub(super) use crate::error::Result;
    pub(super) use crate::value::{Map, Value};

    pub(super) fn s(text: &str) -> Value {
        Value::string(text)
    }

    pub(super) fn v(value: Value) -> Arg<'static> {
        Arg::Value(value)
    }

    pub(super) fn list(items: &[&str]) -> Value {
        Value::Slice(items.iter().map(|i| s(i)).collect())
    }

    pub(super) fn map(entries: &[(&str, Value)]) -> Value {
        Value::Map(entries.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
    }

    pub(super) fn keys(value: &Value) -> Vec<String> {
        match value {
            Value::Map(m) => m.keys().cloned().collect(),
            other => panic!("not a map: {other:?}"),
        }
    }

    /// The attributes of the LOG_EDITORS fixture, in insertion order.
    pub(super) fn log_editors() -> Value {
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

    pub(super) fn err(result: Result<Value>) -> String {
        result.expect_err("expected an error").message().to_string()
    }

    /// What the literal checks of editor `name` find in these literal arguments.
    pub(super) fn literal_errors(name: &str, args: Vec<(&'static str, Literal<'static>)>) -> Vec<LiteralError> {
        let check = super::super::testing::editor(name).literals.expect("declares literal checks");
        check(&LiteralArgs::new(args))
    }

    /// The one problem the literal checks of `name` find.
    pub(super) fn literal_error(name: &str, args: Vec<(&'static str, Literal<'static>)>) -> LiteralError {
        match &literal_errors(name, args)[..] {
            [error] => error.clone(),
            other => panic!("expected one problem with {name}, got {other:?}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::test_values::*;

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
}
