//! The attribute keys a document already uses, for completion inside `attributes["`:
//! a config's statements mostly read and write the same few keys. A test file's
//! expectations read the keys its target's statements use and its inputs carry.

use std::collections::HashMap;

use serde_json::Value as Json;

use ottl_grammar::lexer::{Token, lex};
use ottl_grammar::literal::decode_string;

use crate::regions::Region;

/// Keys written as `attributes["…"]` or `cache["…"]` anywhere in `regions`, most used
/// first (ties alphabetically).
pub fn attribute_keys(regions: &[Region]) -> Vec<String> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for region in regions {
        let tokens = lex(&region.text);
        for window in tokens.windows(4) {
            if let [
                (Token::LowerIdent("attributes" | "cache"), _),
                (Token::LBracket, _),
                (Token::String(raw), span),
                (Token::RBracket, _),
            ] = window
                && let Ok(key) = decode_string(raw, *span)
            {
                *counts.entry(key).or_default() += 1;
            }
        }
    }
    let mut keys: Vec<(String, usize)> = counts.into_iter().collect();
    keys.sort_by(|(a, an), (b, bn)| bn.cmp(an).then_with(|| a.cmp(b)));
    keys.into_iter().map(|(key, _)| key).collect()
}

/// The attribute keys of OTLP/JSON data (`"attributes": [{"key": …}]` at any depth: the
/// resource's, the scope's, the items'), each once, in the order met.
pub fn otlp_keys(data: &Json, keys: &mut Vec<String>) {
    match data {
        Json::Object(fields) => {
            if let Some(Json::Array(attributes)) = fields.get("attributes") {
                let named = attributes.iter().filter_map(|attribute| attribute.get("key")?.as_str());
                for key in named {
                    if !keys.iter().any(|known| known == key) {
                        keys.push(key.to_string());
                    }
                }
            }
            fields.values().for_each(|value| otlp_keys(value, keys));
        }
        Json::Array(items) => items.iter().for_each(|item| otlp_keys(item, keys)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn otlp_data_gives_every_attribute_key_once() {
        let data = serde_json::json!({"resourceSpans": [{
            "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "a"}}]},
            "scopeSpans": [{"spans": [
                {"attributes": [{"key": "http.route", "value": {}}, {"key": "service.name", "value": {}}]}
            ]}]
        }]});
        let mut keys = Vec::new();
        otlp_keys(&data, &mut keys);
        assert_eq!(keys, ["service.name", "http.route"]);
    }
}
