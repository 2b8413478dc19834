//! The slice editors: `append` and `delete_index`.

use super::super::shorthand::*;
use super::super::{EditorHost, List};
use crate::bail;
use crate::coerce;
use crate::editor;
use crate::error::Result;
use crate::value::Value;

pub(crate) static FUNCTIONS: &[Function] = &[
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
            Example::new(
                r#"append(attributes["env"], "prod")"#,
                r#"attributes["env"][0] == "staging" and attributes["env"][1] == "prod""#,
            ),
        ],
    ),
    Function::editor(
        "delete_index",
        &[r("target", K::GetSetter).typed(LIST), r("start_index", K::IntGetter), o("end_index", K::IntGetter)],
        editor!(delete_index(target, start_index, end_index)),
        "Deletes the elements `[start_index, end_index)` of a slice (only `start_index` when no end is given).",
        &[
            Example::new(
                r#"delete_index(attributes["tags"], 0)"#,
                r#"Len(attributes["tags"]) == 1 and attributes["tags"][0] == "b""#,
            ),
            Example::new(r#"delete_index(attributes["tags"], 0, 2)"#, r#"Len(attributes["tags"]) == 0"#),
        ],
    ),
];

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

#[cfg(test)]
mod tests {
    use super::super::test_values::*;
    use super::*;

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
}
