//! Syntax diagnostics made precise with what only the registry knows.
//!
//! The grammar judges names by their case alone: `Milliseconds(…)` as a statement is "an
//! editor name that starts uppercase", `indexOf(…)` in a value "a converter that starts
//! lowercase", a bare `NaN` "a function name". Its "did you mean" is the name re-cased, which
//! is right only when that function exists. This pass keeps the suggestion when it names a
//! real function and says what is really wrong when it does not.

use ottl_grammar::{Code, Diagnostic};

use crate::registry::{self, FunctionKind};

/// `diagnostic` (from parsing `source`), with its help and fix checked against the registry.
pub fn refine(diagnostic: Diagnostic, source: &str) -> Diagnostic {
    let Some(written) = source.get(diagnostic.span().range()) else { return diagnostic };
    match diagnostic.code {
        Code::UppercaseEditor => recased(diagnostic, FunctionKind::Editor, || converter_as_statement(written)),
        Code::LowercaseConverter => recased(diagnostic, FunctionKind::Converter, || {
            match registry::suggest(written).filter(|s| registry::lookup_kind(s, FunctionKind::Converter).is_some()) {
                Some(close) => format!("no converter is called that; the closest is `{close}`"),
                None => "no converter is called that either way".to_string(),
            }
        }),
        Code::FunctionNameAsValue if registry::lookup_kind(written, FunctionKind::Converter).is_none() => {
            let mut diagnostic = diagnostic;
            diagnostic.help =
                Some(format!("OTTL has no value called `{written}`; text is written in quotes: \"{written}\"").into());
            diagnostic
        }
        _ => diagnostic,
    }
}

/// Keeps a re-cased suggestion that names a `kind` function; otherwise replaces the help
/// with `otherwise()` and drops the fix.
fn recased(mut diagnostic: Diagnostic, kind: FunctionKind, otherwise: impl FnOnce() -> String) -> Diagnostic {
    let suggested = diagnostic.fix.as_ref().map(|fix| fix.replacement.as_str());
    if suggested.is_some_and(|name| registry::lookup_kind(name, kind).is_some()) {
        return diagnostic;
    }
    diagnostic.fix = None;
    diagnostic.help = Some(otherwise().into());
    diagnostic
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
    use ottl_grammar::parse_statement;

    fn refined(source: &str) -> Vec<Diagnostic> {
        parse_statement(source).diagnostics.into_iter().map(|d| refine(d, source)).collect()
    }

    #[test]
    fn suggestions_stand_only_for_real_functions() {
        let [d] = &refined("Milliseconds(end_time - start_time)")[..] else { panic!() };
        assert!(d.fix.is_none() && d.help.as_deref().unwrap().starts_with("`Milliseconds` is a converter"), "{d:?}");
        let [d] = &refined("Delete_key(attributes, \"a\")")[..] else { panic!() };
        assert_eq!(d.fix.as_ref().map(|f| f.replacement.as_str()), Some("delete_key"));
        let found = refined("set(attributes[\"a\"], concat([\"a\"], \"\")) where x == nan");
        assert_eq!(found[0].fix.as_ref().map(|f| f.replacement.as_str()), Some("Concat"));
    }

    #[test]
    fn unknown_bare_names_are_not_told_to_be_called() {
        let source = "set(attributes[\"a\"], 1) where value_double != NaN";
        let found = refined(source);
        let d = found.iter().find(|d| d.code == Code::FunctionNameAsValue).unwrap();
        assert_eq!(d.help.as_deref(), Some("OTTL has no value called `NaN`; text is written in quotes: \"NaN\""));
    }
}
