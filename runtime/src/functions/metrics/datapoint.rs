//! The filter processor's data point predicates: `HasAttrKeyOnDatapoint` and
//! `HasAttrOnDatapoint`.

use super::*;

pub(crate) static FUNCTIONS: &[Function] = &[
    Function::converter(
        "HasAttrKeyOnDatapoint",
        &[r("key", K::String)],
        T::Bool,
        converter!(has_attr_key_on_datapoint(key; item)),
        "Whether any data point of the metric has the attribute `key`.",
        &[Example::new(r#"HasAttrKeyOnDatapoint("http.method")"#, r#"true"#)],
    )
    .only_in(METRIC)
    .origin(Origin::FilterProcessor),
    Function::converter(
        "HasAttrOnDatapoint",
        &[r("key", K::String), r("expected_value", K::String)],
        T::Bool,
        converter!(has_attr_on_datapoint(key, expected_value; item)),
        "Whether any data point of the metric has the attribute `key` with the value `expected_value`.",
        &[Example::new(r#"HasAttrOnDatapoint("http.method", "GET")"#, r#"true"#)],
    )
    .only_in(METRIC)
    .origin(Origin::FilterProcessor),
];

fn has_attr_key_on_datapoint(item: &ItemMut<'_>, key: &str) -> Result<Value> {
    check_data_points(item, "HasAttrKeyOnDatapoint", key, None)
}

fn has_attr_on_datapoint(item: &ItemMut<'_>, key: &str, expected_value: &str) -> Result<Value> {
    check_data_points(item, "HasAttrOnDatapoint", key, Some(expected_value))
}

/// As the filter processor: the answer comes from the first data point that has `key`
/// (whether its string value is `expected`, if given); false when none has it.
fn check_data_points(item: &ItemMut<'_>, function: &str, key: &str, expected: Option<&str>) -> Result<Value> {
    let ItemMut::Metric { metrics, index } = item else {
        bail!("{function} can only be used in the metric context");
    };
    let Some(metric) = metrics.get(*index) else { bail!("{function} can only be used in the metric context") };
    let lists = point_attributes(metric).ok_or_else(|| Error::new("unknown metric type"))?;
    let found = lists.into_iter().find_map(|attributes| attribute(attributes, key));
    Ok(Value::Bool(match (found, expected) {
        (None, _) => false,
        (Some(_), None) => true,
        (Some(kv), Some(expected)) => any_str(kv.value.as_ref()) == expected,
    }))
}
