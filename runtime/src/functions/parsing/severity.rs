//! `ParseSeverity`: a status code or level name mapped to a severity name.

use super::super::shorthand::*;
use crate::coerce;
use crate::converter;
use crate::error::{Error, Result};
use crate::value::Value;

pub(crate) static FUNCTIONS: &[Function] = &[Function::converter(
    "ParseSeverity",
    &[r("target", K::Getter), r("mapping", K::PMapGetter)],
    T::String,
    converter!(parse_severity(target, mapping)),
    "Maps a status or level to a severity name using `equals` lists and `range`s.",
    &[
        Example::new(
            r#"ParseSeverity(attributes["http.status_code"], {"info": [{"range": {"min": 200, "max": 299}}], "error": [{"range": "5xx"}]})"#,
            r#""info""#,
        ),
        Example::new(r#"ParseSeverity("warning", {"warn": [{"equals": ["warn", "warning"]}]})"#, r#""warn""#),
    ],
).pure()];

/// `ParseSeverity(target, mapping)`: the first level (in mapping order) one of whose
/// criteria matches: `{"equals": [strings]}` for strings, `{"range": {"min", "max"}}`
/// or `"2xx"`…`"5xx"` for integers. A mapping that is not a map is reported in the
/// reference's words.
fn parse_severity(target: &Value, mapping: &Value) -> Result<Value> {
    let mapping = coerce::map(mapping).map_err(|e| e.context("cannot get severity mapping"))?;
    for (level, criteria) in mapping {
        let Value::Slice(criteria) = criteria else {
            return Err(Error::new("criteria for mapping log level must be []any").context("could not map log level"));
        };
        let matched = match target {
            Value::String(s) => criteria.iter().any(|c| severity_equals(c, s)),
            Value::Int(i) => criteria.iter().any(|c| severity_in_range(c, *i)),
            _ => {
                return Err(Error::new("log level must be either string or int64")
                    .context(format!("could not evaluate log level of value '{target}'"))
                    .context("could not map log level"));
            }
        };
        if matched {
            return Ok(Value::String(level.clone()));
        }
    }
    Err(Error::new(format!("no matching log level found for value '{target}'")).context("could not map log level"))
}

fn severity_equals(criterion: &Value, value: &str) -> bool {
    let Value::Map(m) = criterion else { return false };
    matches!(m.get("equals"), Some(Value::Slice(list)) if list.iter().any(|v| matches!(v, Value::String(s) if s == value)))
}

fn severity_in_range(criterion: &Value, value: i64) -> bool {
    match criterion {
        Value::String(class) => {
            let base = match class.as_str() {
                "2xx" => 200,
                "3xx" => 300,
                "4xx" => 400,
                "5xx" => 500,
                _ => return false,
            };
            (base..base + 100).contains(&value)
        }
        Value::Map(m) => {
            let Some(Value::Map(range)) = m.get("range") else { return false };
            match (range.get("min"), range.get("max")) {
                (Some(Value::Int(min)), Some(Value::Int(max))) => (*min..=*max).contains(&value),
                _ => false,
            }
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_values::*;
    use super::*;

    #[test]
    fn parse_severity_cases() {
        let criteria = |items: Vec<Value>| Value::Slice(items);
        let range = |min: i64, max: i64| map(&[("range", map(&[("min", Value::Int(min)), ("max", Value::Int(max))]))]);
        let mapping = map(&[
            ("error", criteria(vec![map(&[("equals", list(&["err"]))]), range(3, 4)])),
            ("info", criteria(vec![range(1, 2)])),
            ("warn", criteria(vec![s("4xx")])),
        ]);
        let sev = |v: Value| convert("ParseSeverity", vec![v, mapping.clone()]);
        assert_eq!(sev(Value::Int(1)).unwrap(), s("info"));
        assert_eq!(sev(Value::Int(3)).unwrap(), s("error"));
        assert_eq!(sev(s("err")).unwrap(), s("error"));
        assert_eq!(sev(Value::Int(404)).unwrap(), s("warn"));
        assert_eq!(
            sev(Value::Int(42)).unwrap_err().message(),
            "could not map log level: no matching log level found for value '42'"
        );
        assert_eq!(
            sev(Value::Float(1.0)).unwrap_err().message(),
            "could not map log level: could not evaluate log level of value '1': log level must be either string or int64"
        );
    }
}
