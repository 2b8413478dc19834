//! Which group an agent belongs to: a selector is a set of attributes its
//! AgentDescription must carry, with these values (`*`: any value).

use std::collections::BTreeMap;

use ottl_opamp::proto::any_value::Value;
use ottl_opamp::proto::{AgentDescription, AnyValue, KeyValue};

/// Every listed attribute must be present with the value (compared as text); an empty
/// selector matches every agent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selector {
    pub identifying: BTreeMap<String, String>,
    pub non_identifying: BTreeMap<String, String>,
}

/// The value that matches any value of a present attribute.
const ANY: &str = "*";

impl Selector {
    pub fn matches(&self, description: &AgentDescription) -> bool {
        all_present(&self.identifying, &description.identifying_attributes)
            && all_present(&self.non_identifying, &description.non_identifying_attributes)
    }
}

fn all_present(wanted: &BTreeMap<String, String>, attributes: &[KeyValue]) -> bool {
    wanted.iter().all(|(key, value)| {
        attributes.iter().any(|attribute| {
            attribute.key == *key
                && (value == ANY || attribute.value.as_ref().and_then(as_text).as_deref() == Some(value.as_str()))
        })
    })
}

/// A scalar attribute as the text a selector compares with; arrays, maps and bytes never match.
pub fn as_text(value: &AnyValue) -> Option<String> {
    match value.value.as_ref()? {
        Value::StringValue(text) => Some(text.clone()),
        Value::BoolValue(flag) => Some(flag.to_string()),
        Value::IntValue(number) => Some(number.to_string()),
        Value::DoubleValue(number) => Some(number.to_string()),
        Value::ArrayValue(_) | Value::KvlistValue(_) | Value::BytesValue(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn description() -> AgentDescription {
        AgentDescription {
            identifying_attributes: vec![KeyValue::string("service.name", "checkout")],
            non_identifying_attributes: vec![
                KeyValue::string("os.type", "linux"),
                KeyValue { key: "shard".into(), value: Some(AnyValue { value: Some(Value::IntValue(3)) }) },
            ],
        }
    }

    fn selector(identifying: &[(&str, &str)], non_identifying: &[(&str, &str)]) -> Selector {
        let map = |pairs: &[(&str, &str)]| pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Selector { identifying: map(identifying), non_identifying: map(non_identifying) }
    }

    #[test]
    fn attributes_of_both_kinds_must_all_match() {
        assert!(Selector::default().matches(&description()));
        assert!(selector(&[("service.name", "checkout")], &[("shard", "3"), ("os.type", "*")]).matches(&description()));
        assert!(!selector(&[("service.name", "cart")], &[]).matches(&description()));
        // An identifying selector does not look at the non-identifying attributes.
        assert!(!selector(&[("os.type", "linux")], &[]).matches(&description()));
        assert!(!selector(&[], &[("host.name", "*")]).matches(&description()));
    }
}
