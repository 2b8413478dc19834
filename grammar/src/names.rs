//! Naming conventions of OTTL function names, and the seed's lowercase converter spellings.

/// Converters the seed's rule form writes in lowercase, and whether the same lowercase name
/// is also an editor (so that `cond > replace_pattern(...)` is an action but
/// `x == replace_pattern(...)` a value). What each stands for is the function registry's
/// business (`ottl_compiler::registry`).
pub const SEED_LOWERCASE_CONVERTERS: &[(&str, bool)] =
    &[("len", false), ("matches", false), ("truncate", false), ("duration", false), ("replace_pattern", true)];

/// Whether `name` is one of the seed's lowercase converter spellings.
pub fn is_seed_lowercase_converter(name: &str) -> bool {
    SEED_LOWERCASE_CONVERTERS.iter().any(|(lower, _)| *lower == name)
}

/// Whether a lowercase call named `name` can only be a value, never an action.
pub fn is_value_only_lowercase_call(name: &str) -> bool {
    SEED_LOWERCASE_CONVERTERS.iter().any(|(lower, also_editor)| *lower == name && !also_editor)
}

/// `replace_all_matches` → `ReplaceAllMatches`: how a converter would be spelled, and how
/// the reference (`strcase.ToCamel`) maps a named argument to its field (`-` and spaces
/// separate words too).
pub fn snake_to_upper_camel(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper_next = true;
    for c in name.chars() {
        if c == '_' || c == '-' || c == ' ' {
            upper_next = true;
        } else if upper_next {
            out.push(c.to_ascii_uppercase());
            upper_next = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// `DeleteKey` → `delete_key`, `IsMatch` → `is_match`: how an editor would be spelled.
pub fn upper_camel_to_snake(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            let after_lower = i > 0 && (chars[i - 1].is_ascii_lowercase() || chars[i - 1].is_ascii_digit());
            let before_lower =
                i > 0 && chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase()) && chars[i - 1].is_ascii_uppercase();
            if after_lower || before_lower {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_conversions() {
        assert_eq!(snake_to_upper_camel("int"), "Int");
        assert_eq!(snake_to_upper_camel("replace_all_matches"), "ReplaceAllMatches");
        assert_eq!(upper_camel_to_snake("Set"), "set");
        assert_eq!(upper_camel_to_snake("DeleteKey"), "delete_key");
        assert_eq!(upper_camel_to_snake("SHA256"), "sha256");
        assert_eq!(upper_camel_to_snake("ParseJSONLog"), "parse_json_log");
    }
}
