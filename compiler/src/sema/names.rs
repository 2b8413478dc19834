//! Function names in the wrong case for their place, judged against the registry.
//!
//! The grammar rejects them by their case alone (`Milliseconds(…)` as a statement is "an
//! editor name that starts uppercase", `indexOf(…)` in a value "a converter that starts
//! lowercase", a bare `NaN` "a function name") and leaves the advice to this module: the
//! name re-cased is the fix only when a function of that name exists; otherwise the help
//! says what is really wrong.

use ottl_grammar::misnamed::Misnamed;
use ottl_grammar::names::{snake_to_upper_camel, upper_camel_to_snake};
use ottl_grammar::{Diagnostic, Node, Parsed};

use crate::registry::{self, FunctionKind};

/// Every syntax diagnostic of `parsed`, its misnamed functions worded with the registry.
pub fn syntax_diagnostics(parsed: &Parsed<Node>) -> impl Iterator<Item = Diagnostic> + '_ {
    parsed.diagnostics.iter().cloned().chain(parsed.misnamed.iter().map(misnamed))
}

/// The syntax error for `misnamed`, with the fix or help the registry supports.
pub fn misnamed(misnamed: &Misnamed) -> Diagnostic {
    let diagnostic = misnamed.diagnostic();
    let name = &misnamed.name().name;
    let span = misnamed.name().span;
    match misnamed {
        Misnamed::UppercaseEditor(_) => match existing(upper_camel_to_snake(name), FunctionKind::Editor) {
            Some(editor) => diagnostic.with_suggestion(span, editor),
            None => diagnostic.with_help(converter_as_statement(name)),
        },
        Misnamed::LowercaseConverter(_) => match existing(snake_to_upper_camel(name), FunctionKind::Converter) {
            Some(converter) => diagnostic.with_suggestion(span, converter),
            None => diagnostic.with_help(match existing_suggestion(name, FunctionKind::Converter) {
                Some(close) => format!("no converter is called that; the closest is `{close}`"),
                None => "no converter is called that either way".to_string(),
            }),
        },
        Misnamed::FunctionNameAsValue(_) if registry::lookup_kind(name, FunctionKind::Converter).is_some() => {
            diagnostic.with_help(format!("call it: `{name}(...)`"))
        }
        Misnamed::FunctionNameAsValue(_) => {
            diagnostic.with_help(format!("OTTL has no value called `{name}`; text is written in quotes: \"{name}\""))
        }
    }
}

/// `name` when a `kind` function is called that.
fn existing(name: String, kind: FunctionKind) -> Option<String> {
    registry::lookup_kind(&name, kind).is_some().then_some(name)
}

/// The function of `kind` closest to `name`, if one is close.
fn existing_suggestion(name: &str, kind: FunctionKind) -> Option<String> {
    registry::suggest(name).filter(|close| registry::lookup_kind(close, kind).is_some()).map(|close| close.to_string())
}

fn converter_as_statement(written: &str) -> String {
    if registry::lookup_kind(written, FunctionKind::Converter).is_some() {
        format!(
            "`{written}` is a converter: it returns a value and changes nothing, so it cannot be a statement; use its value, as in `set(attributes[\"x\"], {written}(...))`"
        )
    } else {
        "no editor is called that; editors are snake_case (`set`, `delete_key`)".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ottl_grammar::{Code, EntryPoint, lexer, parse_tokens};

    fn worded(source: &str) -> Vec<Diagnostic> {
        syntax_diagnostics(&parse_tokens(source, &lexer::lex(source), EntryPoint::Statement)).collect()
    }

    #[test]
    fn suggestions_stand_only_for_real_functions() {
        let [d] = &worded("Milliseconds(end_time - start_time)")[..] else { panic!() };
        assert!(d.fix.is_none() && d.help.as_deref().unwrap().starts_with("`Milliseconds` is a converter"), "{d:?}");
        let [d] = &worded("Delete_key(attributes, \"a\")")[..] else { panic!() };
        assert_eq!(d.fix.as_ref().map(|f| f.replacement.as_str()), Some("delete_key"));
        let found = worded("set(attributes[\"a\"], concat([\"a\"], \"\")) where x == nan");
        assert_eq!(found[0].fix.as_ref().map(|f| f.replacement.as_str()), Some("Concat"));
        let [d] = &worded("set(attributes[\"a\"], indexOf(body, \"x\"))")[..] else { panic!() };
        assert_eq!(d.help.as_deref(), Some("no converter is called that; the closest is `Index`"));
    }

    #[test]
    fn unknown_bare_names_are_not_told_to_be_called() {
        let found = worded("set(attributes[\"a\"], 1) where value_double != NaN");
        let d = found.iter().find(|d| d.code == Code::FunctionNameAsValue).unwrap();
        assert_eq!(d.help.as_deref(), Some("OTTL has no value called `NaN`; text is written in quotes: \"NaN\""));
        let found = worded("set(attributes[\"a\"], 1) where body == Concat");
        let d = found.iter().find(|d| d.code == Code::FunctionNameAsValue).unwrap();
        assert_eq!(d.help.as_deref(), Some("call it: `Concat(...)`"));
    }
}
