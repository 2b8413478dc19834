//! The attribute keys a document already uses, for completion inside `attributes["`:
//! a config's statements mostly read and write the same few keys.

use std::collections::HashMap;

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
