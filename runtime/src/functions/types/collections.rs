//! The collection converters: `Index`, `Len` (and the seed's `len`), `SliceToMap`, `Keys`,
//! `Values`, `Sort` and `Coalesce`.

use super::*;

pub(crate) static FUNCTIONS: &[Function] = &[
    Function::converter(
        "Index",
        &[r("target", K::Getter), r("value", K::Getter)],
        T::Int,
        converter!(index(target, value)),
        "The first index of `value` in a string (substring) or slice, or -1.",
        &[
            Example::new(r#"Index(attributes["message"], "world")"#, "6"),
            Example::new(r#"Index(attributes["tags"], "b")"#, "1"),
            Example::new(r#"Index(attributes["tags"], "unparsed")"#, "-1"),
        ],
    )
    .pure(),
    Function::converter(
        "Len",
        TARGET_ANY,
        T::Int,
        converter!(len(target)),
        "The length of a string, slice or map.",
        &[Example::new(r#"Len(attributes["tags"])"#, "2"), Example::new(r#"Len(attributes["message"])"#, "11")],
    )
    .pure(),
    Function::converter(
        "len",
        TARGET_ANY,
        T::Int,
        converter!(len(target)),
        "The seed's spelling of Len: the length of a string, slice or map.",
        &[Example::new(r#"len(span.attributes["http.url"])"#, "39")],
    )
    .origin(Origin::Seed)
    .alias_of("Len")
    .pure(),
    Function::converter(
        "SliceToMap",
        &[r("target", K::PSliceGetter), o("key_path", K::StringList), o("value_path", K::StringList)],
        MAP,
        converter!(slice_to_map(target, key_path, value_path)),
        "A map from a slice, keyed by an element sub-path (or the index).",
        &[
            Example::new(
                r#"SliceToMap([{"name": "db", "port": 5432}, {"name": "cache", "port": 6379}], ["name"])"#,
                r#"{"db": {"name": "db", "port": 5432}, "cache": {"name": "cache", "port": 6379}}"#,
            ),
            Example::new(
                r#"SliceToMap([{"name": "db", "port": 5432}, {"name": "cache", "port": 6379}], ["name"], ["port"])"#,
                r#"{"db": 5432, "cache": 6379}"#,
            ),
            Example::new(r#"SliceToMap(attributes["tags"])"#, r#"{"0": "a", "1": "b"}"#),
        ],
    )
    .pure(),
    Function::converter(
        "Keys",
        &[r("target", K::PMapGetter)],
        STRINGS,
        converter!(keys(target)),
        "The keys of a map.",
        &[Example::new(r#"Keys(attributes["nested"])"#, r#"["k"]"#)],
    )
    .pure(),
    Function::converter(
        "Values",
        &[r("target", K::PMapGetter)],
        LIST,
        converter!(values(target)),
        "The values of a map (order not guaranteed).",
        &[Example::new(r#"Values(attributes["nested"])"#, r#"["v"]"#)],
    )
    .pure(),
    Function::converter(
        "Sort",
        &[r("target", K::Getter), o("order", K::String)],
        LIST,
        converter!(sort(target, order)),
        "Sorts a slice (\"asc\" or \"desc\"); mixed types sort by their string form.",
        &[
            Example::new(r#"Sort(attributes["tags"], "desc")"#, r#"["b", "a"]"#),
            Example::new(r#"Sort([3, 1.5, 2])"#, "[1.5, 2, 3]"),
            Example::new(r#"Sort([true, "value", 1])"#, r#"[1, true, "value"]"#),
        ],
    )
    .literals(|args| {
        // createSortFunction checks the order when the statement is built.
        let order = args.string("order").and_then(|order| is_descending(order).err());
        order.map(|error| LiteralError::new("order", error.to_string()).help(one_of_help(SORT_ORDERS))).into_iter().collect()
    })
    .pure(),
    Function::converter(
        "Coalesce",
        &[r("values", K::GetterList)],
        T::Any,
        converter!(coalesce(values)),
        "The first value that is not nil.",
        &[
            Example::new(r#"Coalesce([attributes["user.id"], attributes["client.id"], "unknown"])"#, r#""unknown""#),
            Example::new(r#"Coalesce([attributes["user.id"], attributes["env"], "unknown"])"#, r#""staging""#),
        ],
    )
    .lazy()
    .pure(),
];

/// Strings count bytes, as Go's `len` does. A string read in place is not copied to be
/// measured.
fn len(target: View<'_>) -> Result<Value> {
    if let Some(text) = target.as_str() {
        return Ok(Value::Int(text.len() as i64));
    }
    let target = target.to_value();
    let length = match &target {
        Value::String(s) => Some(s.len()),
        Value::Bytes(b) => Some(b.len()),
        Value::Map(m) => Some(m.len()),
        Value::Slice(items) => Some(items.len()),
        Value::Pdata(pdata) => pdata_slice_len(pdata),
        _ => None,
    };
    match length {
        Some(n) => Ok(Value::Int(n as i64)),
        None => bail!(
            "Len: unsupported target type {}. target arg must be of type string, []any, map[string]any, pcommon.Map, pcommon.Slice, pcommon.Value (of type String, Map, Slice) or a supported slice type from the plog, pmetric or ptrace packages",
            target.go_type()
        ),
    }
}

fn keys(target: &Map) -> Result<Value> {
    Ok(Value::Slice(target.keys().cloned().map(Value::String).collect()))
}

fn values(target: &Map) -> Result<Value> {
    Ok(Value::Slice(target.values().cloned().collect()))
}

/// Each value is evaluated only when the ones before it were nil: an error in what is
/// skipped does not surface.
fn coalesce(values: Deferred<'_, '_>) -> Result<Value> {
    let values = values.each()?;
    if values.is_empty() {
        bail!("Coalesce requires at least one argument");
    }
    for value in values {
        let value = value()?;
        if !value.is_nil() {
            return Ok(value);
        }
    }
    Ok(Value::Nil)
}

/// The first byte offset of a substring, or the first element equal (by `==`) to `value`.
fn index(target: &Value, value: &Value) -> Result<Value> {
    let position = match (target, value) {
        (Value::String(text), Value::String(needle)) => text.find(needle.as_str()),
        (Value::String(_), _) => bail!("when source is string, value must also be string"),
        (Value::Slice(items), value) => items.iter().position(|element| compare::compare(element, value, CompareOp::Eq)),
        _ => bail!("source must be of type string or slice"),
    };
    Ok(Value::Int(position.map_or(-1, |i| i as i64)))
}

/// The order is judged before the target, as in the reference.
fn sort(target: &Value, order: Option<&str>) -> Result<Value> {
    let descending = order.map(is_descending).transpose()?.unwrap_or(false);
    match target {
        Value::Slice(items) => Ok(Value::Slice(sorted(items, descending))),
        other => bail!("sort with unsupported type: '{}'. Target is not a list", go_dynamic_type(other)),
    }
}

/// The orders `Sort` takes.
const SORT_ORDERS: &[&str] = &["asc", "desc"];

/// Whether `order` sorts from the largest down; `createSortFunction` refuses other words.
fn is_descending(order: &str) -> Result<bool> {
    match order {
        "asc" => Ok(false),
        "desc" => Ok(true),
        other => bail!("invalid arguments: {other}. Order should be either \"asc\" or \"desc\""),
    }
}

/// How a slice's elements are compared (the reference's `findCommonValueType`): all ints
/// natively, ints mixed with doubles as doubles, anything with strings, bools or nils by
/// string form.
#[derive(Clone, Copy)]
enum SortMode {
    Int,
    Float,
    Text,
}

/// One element's sort key under its slice's mode.
enum SortKey {
    Int(i64),
    Float(f64),
    Text(String),
}

impl SortKey {
    fn of(item: &Value, mode: SortMode) -> SortKey {
        match (mode, item) {
            (SortMode::Int, Value::Int(i)) => SortKey::Int(*i),
            (SortMode::Float, Value::Int(i)) => SortKey::Float(*i as f64),
            (SortMode::Float, Value::Float(f)) => SortKey::Float(*f),
            _ => SortKey::Text(sort_text(item)),
        }
    }

    /// Go's `cmp.Compare`: a NaN sorts before every number.
    fn compare(&self, other: &SortKey) -> Ordering {
        match (self, other) {
            (SortKey::Int(a), SortKey::Int(b)) => a.cmp(b),
            (SortKey::Float(a), SortKey::Float(b)) => match (a.is_nan(), b.is_nan()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Less,
                (false, true) => Ordering::Greater,
                (false, false) => a.partial_cmp(b).unwrap_or(Ordering::Equal),
            },
            (SortKey::Text(a), SortKey::Text(b)) => a.cmp(b),
            _ => Ordering::Equal,
        }
    }
}

/// The elements in order, each keeping its type; a slice holding maps, slices or bytes
/// comes back unsorted. The sort is stable, as Go's is for the short slices it
/// insertion-sorts.
fn sorted(items: &[Value], descending: bool) -> Vec<Value> {
    let Some(mode) = sort_mode(items) else { return items.to_vec() };
    let mut keyed: Vec<(SortKey, &Value)> = items.iter().map(|item| (SortKey::of(item, mode), item)).collect();
    keyed.sort_by(|(a, _), (b, _)| if descending { b.compare(a) } else { a.compare(b) });
    keyed.into_iter().map(|(_, item)| item.clone()).collect()
}

fn sort_mode(items: &[Value]) -> Option<SortMode> {
    let (mut text, mut any_float) = (false, false);
    for item in items {
        match item {
            Value::Int(_) => {}
            Value::Float(_) => any_float = true,
            Value::String(_) | Value::Bool(_) | Value::Nil => text = true,
            _ => return None,
        }
    }
    Some(if text {
        SortMode::Text
    } else if any_float {
        SortMode::Float
    } else {
        SortMode::Int
    })
}

/// `pcommon.Value.AsString` of a scalar: nil is empty, numbers and bools as JSON.
fn sort_text(item: &Value) -> String {
    match item {
        Value::String(s) => s.clone(),
        Value::Nil => String::new(),
        other => coerce::to_json_string(other),
    }
}

/// A map of the slice's elements, keyed by the string at `key_path` in each (map) element or
/// by the element's index, holding the value at `value_path` or the element itself.
fn slice_to_map(target: &Value, key_path: Option<Vec<&str>>, value_path: Option<Vec<&str>>) -> Result<Value> {
    let items = match target {
        Value::Slice(items) => items,
        other => bail!("unsupported type provided to SliceToMap function: {}", go_dynamic_type(other)),
    };
    let mut out = Map::with_capacity(items.len());
    for (i, element) in items.iter().enumerate() {
        let fields = if let Value::Map(fields) = element { Some(fields) } else { None };
        let key = match (&key_path, fields) {
            (None, _) => i.to_string(),
            (Some(_), None) => {
                bail!("slice elements must be maps when using `key_path`, but could not cast element '{element}' to a map")
            }
            (Some(path), Some(fields)) => {
                match value_at_path(fields, path).map_err(|e| e.context(format!("could not extract key from element {i}")))? {
                    Value::String(key) => key.clone(),
                    _ => bail!("element {i}: extracted key attribute is not of type string"),
                }
            }
        };
        let value = match (&value_path, fields) {
            (None, _) => element.clone(),
            (Some(_), None) => bail!("element {}: cannot extract value, not a map-like structure", go_percent_d(element)),
            (Some(path), Some(fields)) => {
                value_at_path(fields, path).map_err(|e| e.context(format!("could not extract value from element {i}")))?.clone()
            }
        };
        out.insert(key, value);
    }
    Ok(Value::Map(out))
}

/// The value at a path of keys through nested maps; the error names the rest of the path
/// from the key not found, as the reference's recursive `extractValue` does.
fn value_at_path<'a>(fields: &'a Map, path: &[&str]) -> Result<&'a Value> {
    let missing = |from: usize| Error::new(format!("provided object does not contain the path [{}]", path[from..].join(" ")));
    let Some((last, parents)) = path.split_last() else { bail!("must provide at least one path item") };
    let mut current = fields;
    for (i, key) in parents.iter().enumerate() {
        match current.get(*key) {
            Some(Value::Map(inner)) => current = inner,
            _ => return Err(missing(i)),
        }
    }
    current.get(*last).ok_or_else(|| missing(parents.len()))
}

/// Go's `%d` of a value: other types print as `%!d(type=value)`.
fn go_percent_d(value: &Value) -> String {
    match value {
        Value::Int(i) => i.to_string(),
        other => format!("%!d({}={other})", go_dynamic_type(other)),
    }
}
