//! The lambda converters (spec §2.8 and §6, gate `ottl.functions.enableLambda`): `All`,
//! `Any`, `Filter`, `Find`, `MapEach`, `MapKeys`, `Reduce` and `When`. Each walks a slice
//! (the lambda's key is the int64 index) or a map (the key is the string key), as the
//! reference's `ottlfuncs/func_{all,any,filter,find,map_each,map_keys,reduce,when}.go` do,
//! with their error texts.

use std::fmt;

use super::shorthand::*;
use super::types::go_dynamic_type;
use super::{Deferred, Lambda};
use crate::error::Result;
use crate::value::{Map, Value};
use crate::{bail, converter};

pub(crate) static FUNCTIONS: &[Function] = &[
    // ---- Lambda converters (alpha, gated) ----
    Function::converter(
        "All",
        &[r("source", K::Getter), r("predicate", K::Lambda(2))],
        T::Bool,
        converter!(all(source, predicate)),
        "Whether the predicate `(key_or_index, value) => bool` holds for every element; true for an empty source.",
        &[
            Example::new(r#"All(attributes["tags"], (_, v) => v != "")"#, "true"),
            Example::new(r#"All(attributes["tags"], (_, v) => v == "a")"#, "false"),
            Example::new(r#"All([], (_, v) => v == "a")"#, "true"),
        ],
    )
    .gated(super::LAMBDA_GATE).pure(),
    Function::converter(
        "Any",
        &[r("source", K::Getter), r("predicate", K::Lambda(2))],
        T::Bool,
        converter!(any(source, predicate)),
        "Whether the predicate holds for some element; false for an empty source.",
        &[
            Example::new(r#"Any(attributes["tags"], (_, v) => v == "b")"#, "true"),
            Example::new(r#"Any(attributes["tags"], (_, v) => v == "prod")"#, "false"),
        ],
    )
    .gated(super::LAMBDA_GATE).pure(),
    Function::converter(
        "Filter",
        &[r("source", K::Getter), r("predicate", K::Lambda(2))],
        T::Any,
        converter!(filter(source, predicate)),
        "A new slice or map with the elements for which the predicate holds.",
        &[
            Example::new(
                r#"Filter(attributes, (k, _) => HasPrefix(k, "http."))"#,
                r#"{"http.method": "GET", "http.status_code": 200, "http.url": "https://example.com/users/123?token=abc", "http.route": "/users/123"}"#,
            ),
            Example::new(r#"Filter(attributes["tags"], (_, v) => v != "a")"#, r#"["b"]"#),
        ],
    )
    .gated(super::LAMBDA_GATE).pure(),
    Function::converter(
        "Find",
        &[r("source", K::Getter), r("predicate", K::Lambda(2)), o("mapper", K::Lambda(2))],
        T::Any,
        converter!(find(source, predicate, mapper)),
        "The first element for which the predicate holds (through the optional mapper), or nil.",
        &[
            Example::new(r#"Find(attributes, (k, _) => HasPrefix(k, "http."))"#, r#""GET""#),
            Example::new(r#"Find(attributes, (k, _) => HasPrefix(k, "http."), (k, _) => k)"#, r#""http.method""#),
            Example::new(r#"Find(attributes["tags"], (_, v) => HasPrefix(v, "team:"))"#, "nil"),
        ],
    )
    .gated(super::LAMBDA_GATE).pure(),
    Function::converter(
        "MapEach",
        &[r("source", K::Getter), r("mapper", K::Lambda(2))],
        T::Any,
        converter!(map_each(source, mapper)),
        "A slice or map of the same shape with every value mapped.",
        &[
            Example::new(r#"MapEach(attributes["tags"], (_, v) => ToUpperCase(v))"#, r#"["A", "B"]"#),
            Example::new(r#"MapEach(attributes["nested"], (k, v) => Concat([k, v], "="))"#, r#"{"k": "k=v"}"#),
        ],
    )
    .gated(super::LAMBDA_GATE).pure(),
    Function::converter(
        "MapKeys",
        &[r("source", K::PMapGetter), r("mapper", K::Lambda(2))],
        MAP,
        converter!(map_keys(source, mapper)),
        "A map with every key replaced by the mapper's string; collisions are unspecified.",
        &[Example::new(r#"MapKeys(attributes["nested"], (k, _) => Concat(["app", k], "."))"#, r#"{"app.k": "v"}"#)],
    )
    .gated(super::LAMBDA_GATE).pure(),
    Function::converter(
        "Reduce",
        &[r("source", K::Getter), r("seed", K::Getter), r("accumulator", K::Lambda(3))],
        T::Any,
        converter!(reduce(source, seed, accumulator)),
        "Folds the elements with `(acc, key_or_index, value) => new_acc`, starting from `seed`.",
        &[
            Example::new(r#"Reduce([120, 45, 300], 0, (acc, _, v) => acc + v)"#, "465"),
            Example::new(r#"Reduce(attributes["nested"], "", (acc, k, v) => Concat([acc, k, "=", v], ""))"#, r#""k=v""#),
            Example::new(r#"Reduce([], "seed", (acc, _, v) => acc + v)"#, r#""seed""#),
        ],
    )
    .gated(super::LAMBDA_GATE).pure(),
    Function::converter(
        "When",
        &[r("condition", K::Lambda(0)), r("true_value", K::Getter), r("false_value", K::Getter)],
        T::Any,
        converter!(when(condition, true_value, false_value)),
        "`true_value` when the condition lambda holds, else `false_value`.",
        &[
            Example::new(r#"When(() => attributes["http.status_code"] >= 500, "error", "ok")"#, r#""ok""#),
            Example::new(r#"When(() => attributes["env"] == "staging", "non-prod", "prod")"#, r#""non-prod""#),
        ],
    )
    .lazy()
    .gated(super::LAMBDA_GATE).pure(),
];

/// What a lambda converter walks: a slice or a map (the reference's `GetSliceOrMapValue`).
enum Source<'a> {
    Slice(&'a [Value]),
    Map(&'a Map),
}

/// Where an element sits in its source: the lambda's first argument.
enum Key<'a> {
    Index(usize),
    Name(&'a str),
}

impl Key<'_> {
    fn to_value(&self) -> Value {
        match self {
            Key::Index(i) => Value::Int(*i as i64),
            Key::Name(name) => Value::string(*name),
        }
    }
}

/// The key as the reference's messages print it (`%d` of an index, `%s` of a name).
impl fmt::Display for Key<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Key::Index(i) => write!(f, "{i}"),
            Key::Name(name) => f.write_str(name),
        }
    }
}

impl<'a> Source<'a> {
    fn of(value: &'a Value) -> Result<Source<'a>> {
        match value {
            Value::Slice(items) => Ok(Source::Slice(items)),
            Value::Map(map) => Ok(Source::Map(map)),
            other => bail!("unsupported type provided: {}", go_dynamic_type(other)),
        }
    }

    fn entries(&self) -> Box<dyn Iterator<Item = (Key<'a>, &'a Value)> + 'a> {
        match *self {
            Source::Slice(items) => Box::new(items.iter().enumerate().map(|(i, v)| (Key::Index(i), v))),
            Source::Map(map) => Box::new(map.iter().map(|(k, v)| (Key::Name(k), v))),
        }
    }

    /// How the messages name an element of this source.
    fn kind(&self) -> &'static str {
        match self {
            Source::Slice(_) => "slice",
            Source::Map(_) => "map",
        }
    }

    /// A source of the same shape holding `entries` (a slice ignores their keys).
    fn rebuild(&self, entries: Vec<(Key<'_>, Value)>) -> Value {
        match self {
            Source::Slice(_) => Value::Slice(entries.into_iter().map(|(_, v)| v).collect()),
            Source::Map(_) => Value::Map(entries.into_iter().map(|(k, v)| (k.to_string(), v)).collect()),
        }
    }

    /// Calls `lambda` with an element's key and value; an error (including a result `expect`
    /// refuses) names the element, as the reference wraps it.
    fn evaluate<T>(&self, lambda: &dyn Lambda, key: &Key<'_>, value: &Value, expect: fn(Value) -> Result<T>) -> Result<T> {
        lambda
            .call(&[key.to_value(), value.clone()])
            .and_then(expect)
            .map_err(|e| e.context(format!("error while evaluating lambda function on {} item ({key}, {value})", self.kind())))
    }

    /// The first element whose predicate result is `wanted`.
    fn first_where(&self, predicate: &dyn Lambda, wanted: bool) -> Result<Option<(Key<'a>, &'a Value)>> {
        for (key, value) in self.entries() {
            if self.evaluate(predicate, &key, value, expect_bool)? == wanted {
                return Ok(Some((key, value)));
            }
        }
        Ok(None)
    }
}

/// A predicate's result must be a bool.
fn expect_bool(result: Value) -> Result<bool> {
    match result {
        Value::Bool(b) => Ok(b),
        other => bail!("lambda expression must return a value of type bool, got {}", go_dynamic_type(&other)),
    }
}

/// A key mapper's result must be a string.
fn expect_string(result: Value) -> Result<String> {
    match result {
        Value::String(s) => Ok(s),
        other => bail!("lambda expression must return a value of type string, got {}", go_dynamic_type(&other)),
    }
}

/// True for an empty source.
fn all(source: &Value, predicate: &dyn Lambda) -> Result<Value> {
    Ok(Value::Bool(Source::of(source)?.first_where(predicate, false)?.is_none()))
}

/// False for an empty source.
fn any(source: &Value, predicate: &dyn Lambda) -> Result<Value> {
    Ok(Value::Bool(Source::of(source)?.first_where(predicate, true)?.is_some()))
}

fn filter(source: &Value, predicate: &dyn Lambda) -> Result<Value> {
    let source = Source::of(source)?;
    let mut kept = Vec::new();
    for (key, value) in source.entries() {
        if source.evaluate(predicate, &key, value, expect_bool)? {
            kept.push((key, value.clone()));
        }
    }
    Ok(source.rebuild(kept))
}

/// The first matching element's value, or the optional mapper's result for it; nil when
/// none matches.
fn find(source: &Value, predicate: &dyn Lambda, mapper: Option<&dyn Lambda>) -> Result<Value> {
    let Some((key, value)) = Source::of(source)?.first_where(predicate, true)? else { return Ok(Value::Nil) };
    let Some(mapper) = mapper else { return Ok(value.clone()) };
    mapper
        .call(&[key.to_value(), value.clone()])
        .map_err(|e| e.context(format!("error while evaluating mapper lambda function on item ({key}, {value})")))
}

/// Each value replaced by the mapper's result, which must be storable in an attribute.
fn map_each(source: &Value, mapper: &dyn Lambda) -> Result<Value> {
    let source = Source::of(source)?;
    let mut mapped = Vec::new();
    for (key, value) in source.entries() {
        let result = source.evaluate(mapper, &key, value, Ok)?;
        if !result.is_attribute_value() {
            bail!(
                "error while converting lambda function result on {} item ({key}, {result}): <Invalid value type {}>",
                source.kind(),
                result.go_type()
            );
        }
        mapped.push((key, result));
    }
    Ok(source.rebuild(mapped))
}

/// Each key replaced by the mapper's string; when two keys map to one, the later value
/// wins the earlier one's place.
fn map_keys(source: &Map, mapper: &dyn Lambda) -> Result<Value> {
    let source = Source::Map(source);
    let mut out = Map::new();
    for (key, value) in source.entries() {
        out.insert(source.evaluate(mapper, &key, value, expect_string)?, value.clone());
    }
    Ok(Value::Map(out))
}

/// Folds the elements with `(accumulator, key, value) => new accumulator` from `seed`.
fn reduce(source: &Value, seed: Value, accumulator: &dyn Lambda) -> Result<Value> {
    let source = Source::of(source)?;
    let mut acc = seed;
    for (key, value) in source.entries() {
        acc = accumulator.call(&[acc, key.to_value(), value.clone()]).map_err(|e| {
            e.context(format!("error while evaluating accumulator function on {} item ({key}, {value})", source.kind()))
        })?;
    }
    Ok(acc)
}

/// `true_value` when the condition holds, else `false_value`; only the branch taken is
/// evaluated.
fn when(condition: &dyn Lambda, true_value: Deferred<'_, '_>, false_value: Deferred<'_, '_>) -> Result<Value> {
    let holds = condition.call(&[]).and_then(expect_bool).map_err(|e| e.context("error while evaluating lambda function"))?;
    if holds { true_value.get() } else { false_value.get() }
}

#[cfg(test)]
mod tests {
    use super::super::testing::converter;
    use super::super::{Arg, Args};
    use super::*;
    use crate::context::ItemMut;
    use crate::error::Error;

    /// A lambda whose body is a Rust closure over its bound arguments.
    struct Body<F: Fn(&[Value]) -> Result<Value>>(F);

    impl<F: Fn(&[Value]) -> Result<Value>> Lambda for Body<F> {
        fn call(&self, args: &[Value]) -> Result<Value> {
            (self.0)(args)
        }
    }

    fn s(text: &str) -> Value {
        Value::string(text)
    }

    fn map(entries: &[(&str, Value)]) -> Value {
        Value::Map(entries.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
    }

    fn call(name: &str, args: Vec<Arg<'_>>) -> Result<Value> {
        converter(name).convert(&mut Args::new(args), &ItemMut::Resource)
    }

    /// `(_, v) => v == wanted`.
    fn value_is(wanted: Value) -> impl Fn(&[Value]) -> Result<Value> {
        move |args: &[Value]| Ok(Value::Bool(args[1] == wanted))
    }

    /// The fixture's `primitiveValuesSlice`.
    fn primitives() -> Value {
        Value::Slice(vec![s("value1"), Value::Int(42), Value::Bool(true)])
    }

    /// The fixture's `foo` map.
    fn foo() -> Value {
        map(&[
            ("bar", s("pass")),
            ("flags", s("pass")),
            ("slice", Value::Slice(vec![s("val")])),
            ("nested", map(&[("test", s("pass"))])),
        ])
    }

    #[test]
    fn all_and_any() {
        let is_value1 = Body(value_is(s("value1")));
        assert_eq!(call("All", vec![Arg::Value(primitives()), Arg::Lambda(&is_value1)]), Ok(Value::Bool(false)));
        assert_eq!(call("Any", vec![Arg::Value(primitives()), Arg::Lambda(&is_value1)]), Ok(Value::Bool(true)));
        let key_not_missing = Body(|args: &[Value]| Ok(Value::Bool(args[0] != s("missing"))));
        assert_eq!(call("All", vec![Arg::Value(foo()), Arg::Lambda(&key_not_missing)]), Ok(Value::Bool(true)));
        let empty = Value::Slice(vec![]);
        assert_eq!(call("All", vec![Arg::Value(empty.clone()), Arg::Lambda(&is_value1)]), Ok(Value::Bool(true)));
        assert_eq!(call("Any", vec![Arg::Value(empty), Arg::Lambda(&is_value1)]), Ok(Value::Bool(false)));
    }

    #[test]
    fn predicates_must_give_bools() {
        let not_bool = Body(|_: &[Value]| Ok(Value::Int(1)));
        let error = call("Any", vec![Arg::Value(primitives()), Arg::Lambda(&not_bool)]).unwrap_err();
        assert_eq!(
            error.message(),
            "error while evaluating lambda function on slice item (0, value1): lambda expression must return a value of type bool, got int64"
        );
        let failing = Body(|_: &[Value]| Err(Error::new("boom")));
        let error = call("Filter", vec![Arg::Value(map(&[("k", s("v"))])), Arg::Lambda(&failing)]).unwrap_err();
        assert_eq!(error.message(), "error while evaluating lambda function on map item (k, v): boom");
        assert_eq!(
            call("All", vec![Arg::Value(s("x")), Arg::Lambda(&not_bool)]).unwrap_err().message(),
            "unsupported type provided: string"
        );
        assert_eq!(
            call("All", vec![Arg::Value(Value::Nil), Arg::Lambda(&not_bool)]).unwrap_err().message(),
            "unsupported type provided: <nil>"
        );
    }

    #[test]
    fn filter_keeps_the_shape() {
        let is_value1 = Body(value_is(s("value1")));
        assert_eq!(call("Filter", vec![Arg::Value(primitives()), Arg::Lambda(&is_value1)]), Ok(Value::Slice(vec![s("value1")])));
        let key_is_bar = Body(|args: &[Value]| Ok(Value::Bool(args[0] == s("bar"))));
        assert_eq!(call("Filter", vec![Arg::Value(foo()), Arg::Lambda(&key_is_bar)]), Ok(map(&[("bar", s("pass"))])));
    }

    #[test]
    fn find_returns_the_first_match() {
        let is_value1 = Body(value_is(s("value1")));
        assert_eq!(call("Find", vec![Arg::Value(primitives()), Arg::Lambda(&is_value1)]), Ok(s("value1")));
        let never = Body(|_: &[Value]| Ok(Value::Bool(false)));
        assert_eq!(call("Find", vec![Arg::Value(primitives()), Arg::Lambda(&never)]), Ok(Value::Nil));
        let joined = Body(|args: &[Value]| Ok(s(&format!("{}:{}", args[0], args[1]))));
        assert_eq!(
            call("Find", vec![Arg::Value(primitives()), Arg::Lambda(&is_value1), Arg::Lambda(&joined)]),
            Ok(s("0:value1"))
        );
        let key_is_bar = Body(|args: &[Value]| Ok(Value::Bool(args[0] == s("bar"))));
        assert_eq!(call("Find", vec![Arg::Value(foo()), Arg::Lambda(&key_is_bar), Arg::Lambda(&joined)]), Ok(s("bar:pass")));
    }

    #[test]
    fn map_each_maps_values() {
        let joined = Body(|args: &[Value]| Ok(s(&format!("{}:{}", args[0], args[1]))));
        assert_eq!(
            call("MapEach", vec![Arg::Value(primitives()), Arg::Lambda(&joined)]),
            Ok(Value::Slice(vec![s("0:value1"), s("1:42"), s("2:true")]))
        );
        let wrapped = Body(|args: &[Value]| Ok(map(&[("result", args[1].clone())])));
        assert_eq!(
            call("MapEach", vec![Arg::Value(Value::Slice(vec![s("things")])), Arg::Lambda(&wrapped)]),
            Ok(Value::Slice(vec![map(&[("result", s("things"))])]))
        );
        assert_eq!(
            call("MapEach", vec![Arg::Value(map(&[("key", s("val"))])), Arg::Lambda(&joined)]),
            Ok(map(&[("key", s("key:val"))]))
        );
        let duration = Body(|_: &[Value]| Ok(Value::Duration(1)));
        assert_eq!(
            call("MapEach", vec![Arg::Value(map(&[("k", s("v"))])), Arg::Lambda(&duration)]).unwrap_err().message(),
            "error while converting lambda function result on map item (k, 1): <Invalid value type time.Duration>"
        );
    }

    #[test]
    fn map_keys_renames_keys() {
        let prefixed = Body(|args: &[Value]| Ok(s(&format!("http.{}", args[0]))));
        let Ok(Value::Map(renamed)) = call("MapKeys", vec![Arg::Value(foo()), Arg::Lambda(&prefixed)]) else { panic!() };
        assert_eq!(renamed.keys().collect::<Vec<_>>(), ["http.bar", "http.flags", "http.slice", "http.nested"]);
        let same = Body(|_: &[Value]| Ok(s("k")));
        let source = map(&[("a", Value::Int(1)), ("b", Value::Int(2))]);
        assert_eq!(call("MapKeys", vec![Arg::Value(source.clone()), Arg::Lambda(&same)]), Ok(map(&[("k", Value::Int(2))])));
        let not_string = Body(|_: &[Value]| Ok(Value::Int(1)));
        assert_eq!(
            call("MapKeys", vec![Arg::Value(source), Arg::Lambda(&not_string)]).unwrap_err().message(),
            "error while evaluating lambda function on map item (a, 1): lambda expression must return a value of type string, got int64"
        );
        assert_eq!(
            call("MapKeys", vec![Arg::Value(primitives()), Arg::Lambda(&same)]).unwrap_err().message(),
            "expected pcommon.Map but got pcommon.Slice"
        );
    }

    #[test]
    fn reduce_folds() {
        let sum = Body(|args: &[Value]| match (&args[0], &args[2]) {
            (Value::Int(acc), Value::Int(v)) => Ok(Value::Int(acc + v)),
            _ => Err(Error::new("not ints")),
        });
        let numbers = Value::Slice(vec![Value::Int(1), Value::Int(2), Value::Int(3)]);
        assert_eq!(call("Reduce", vec![Arg::Value(numbers), Arg::Value(Value::Int(0)), Arg::Lambda(&sum)]), Ok(Value::Int(6)));
        let labels = Body(|args: &[Value]| Ok(s(&format!("{}{}={};", args[0], args[1], args[2]))));
        assert_eq!(
            call("Reduce", vec![Arg::Value(map(&[("env", s("prod"))])), Arg::Value(s("")), Arg::Lambda(&labels)]),
            Ok(s("env=prod;"))
        );
        assert_eq!(
            call("Reduce", vec![Arg::Value(Value::Slice(vec![])), Arg::Value(s("seed")), Arg::Lambda(&sum)]),
            Ok(s("seed"))
        );
        assert_eq!(
            call("Reduce", vec![Arg::Value(Value::Slice(vec![s("x")])), Arg::Value(Value::Int(0)), Arg::Lambda(&sum)])
                .unwrap_err()
                .message(),
            "error while evaluating accumulator function on slice item (0, x): not ints"
        );
    }

    #[test]
    fn when_picks_a_branch() {
        let yes = Body(|args: &[Value]| Ok(Value::Bool(args.is_empty())));
        let no = Body(|_: &[Value]| Ok(Value::Bool(false)));
        fn branches(condition: &dyn Lambda) -> Vec<Arg<'_>> {
            vec![Arg::Lambda(condition), Arg::Value(s("positive")), Arg::Value(s("negative"))]
        }
        assert_eq!(call("When", branches(&yes)), Ok(s("positive")));
        assert_eq!(call("When", branches(&no)), Ok(s("negative")));
        let nil = Body(|_: &[Value]| Ok(Value::Nil));
        assert_eq!(
            call("When", branches(&nil)).unwrap_err().message(),
            "error while evaluating lambda function: lambda expression must return a value of type bool, got <nil>"
        );
    }
}
