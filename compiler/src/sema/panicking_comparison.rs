//! W0009: `==`/`!=` between two Go `[]string` values, which panics the collector.
//!
//! pkg/ottl v0.161.0's comparator (`compare.go`) knows `[]any`, `pcommon.Slice` and
//! `pcommon.Value` lists; any other Go type falls back to Go's `a == b` for `==` and `!=`,
//! which panics ("comparing uncomparable type []string") when both sides hold the same slice
//! type, and is merely false when the types differ. Ordered operators on such values are
//! "invalid comparisons" (false), not panics. Of the standard converters, `Split` returns a
//! `[]string`, and `Sort` returns its target's own type when given one (`Sort(Split(…))`);
//! everything else yields `pcommon` values or `[]any`, as attributes and list literals do.

use ottl_grammar::ast::{CompareOp, Expr, ExprKind};
use ottl_grammar::{Code, Diagnostic, Span};

/// Whether `expr` evaluates to a Go `[]string` in the collector.
fn is_go_string_slice(expr: &Expr) -> bool {
    match &expr.kind {
        ExprKind::Paren(inner) => is_go_string_slice(inner),
        ExprKind::Call(call) if call.keys.is_empty() => {
            match call.name.name.as_str() {
                "Split" => true,
                // Positional arguments come first, so the target is the first one or is named.
                "Sort" => call.args.iter().find(|arg| arg.name.as_ref().is_none_or(|name| name.name == "target")).is_some_and(
                    |arg| matches!(&arg.value, ottl_grammar::ast::ArgValue::Expr(target) if is_go_string_slice(target)),
                ),
                _ => false,
            }
        }
        _ => false,
    }
}

/// W0009 for `lhs op rhs`, spanning `span`.
pub fn check(op: CompareOp, lhs: &Expr, rhs: &Expr, span: Span) -> Option<Diagnostic> {
    let equality = matches!(op, CompareOp::Eq | CompareOp::Ne);
    (equality && is_go_string_slice(lhs) && is_go_string_slice(rhs)).then(|| {
        Diagnostic::new(
            Code::PanickingComparison,
            format!("`{}` between two lists from `Split` crashes the collector", op.symbol()),
            span,
            "panics: comparing uncomparable type []string",
        )
        .with_help("compare the strings before splitting them, or single elements (`Split(a, \",\")[0]`)")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn warns(condition: &str) -> bool {
        let parsed = ottl_grammar::parse_condition(condition);
        let expr = parsed.node.expect("parses");
        let ExprKind::Compare(op, lhs, rhs) = &expr.kind else { panic!("{condition} is not a comparison") };
        check(*op, lhs, rhs, expr.span).is_some()
    }

    #[test]
    fn equality_of_two_string_slices_warns() {
        assert!(warns(r#"Split(attributes["a"], ",") == Split(attributes["b"], ",")"#));
        assert!(warns(r#"Split(attributes["a"], ",") != Split(attributes["b"], ",")"#));
        assert!(warns(r#"Sort(Split(attributes["a"], ",")) == (Split(attributes["b"], ","))"#));
        assert!(warns(r#"Sort(order = "desc", target = Split(body, ",")) == Split(body, ",")"#));
    }

    #[test]
    fn what_the_collector_compares_without_panicking_does_not_warn() {
        // Ordered operators are invalid comparisons (false), not panics.
        assert!(!warns(r#"Split(attributes["a"], ",") < Split(attributes["b"], ",")"#));
        // Another slice type on one side: Go's == is false.
        assert!(!warns(r#"Split(attributes["a"], ",") == attributes["list"]"#));
        assert!(!warns(r#"Split(attributes["a"], ",") == ["x", "y"]"#));
        assert!(!warns(r#"Split(attributes["a"], ",") == Sort(attributes["list"])"#));
        assert!(!warns(r#"Split(attributes["a"], ",") == nil"#));
        assert!(!warns(r#"Split(attributes["a"], ",")[0] == Split(attributes["b"], ",")[0]"#));
        assert!(!warns(r#"Keys(attributes) == Keys(resource.attributes)"#));
    }
}
