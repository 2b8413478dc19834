//! One expression checked on its own, as `ottlc test` checks an expectation
//! (`span.attributes["http.route"] == "/users/{id}"`) and each path it reads: the same
//! parser, context inference and checker as every other OTTL string, so that a typo in an
//! expectation is a coded diagnostic, never a test that passes silently.

use ottl_grammar::{Diagnostic, EntryPoint, Node, Span, ast, lexer, parse_tokens};

use super::AnalysisOptions;
use crate::ir;
use crate::schema::{Context, InferenceError};
use crate::sema;

/// A checked expression; `ir` is `None` when it has an error.
#[derive(Clone, Debug)]
pub struct CheckedExpr {
    /// The context it was checked in.
    pub context: Context,
    /// The syntax tree, when it parsed.
    pub ast: Option<ast::Expr>,
    pub ir: Option<ir::Expr>,
    /// In the text's byte offsets.
    pub diagnostics: Vec<Diagnostic>,
}

/// Checks `text`, a condition or (with `EntryPoint::Value`) a value, in the context its
/// path prefixes infer among `candidates` (prefixes then required, as the collector
/// requires them of an inferred group), or in `fallback` when no path has a prefix.
pub fn analyze_expression(
    text: &str,
    entry: EntryPoint,
    candidates: &[Context],
    fallback: Context,
    options: &AnalysisOptions,
) -> CheckedExpr {
    let parsed = parse_tokens(text, &lexer::lex(text), entry);
    let mut diagnostics: Vec<Diagnostic> = sema::syntax_diagnostics(&parsed).collect();
    let none = |diagnostics| CheckedExpr { context: fallback, ast: None, ir: None, diagnostics };
    let node = match parsed.node {
        Some(node @ Node::Expr(_)) if diagnostics.is_empty() => node,
        _ => return none(diagnostics),
    };
    let inference = sema::infer_context_among([&node], candidates);
    let Node::Expr(expr) = node else { return none(diagnostics) };
    let (context, inferred) = match inference {
        Ok(context) => (context, true),
        Err(InferenceError::NoPrefix) => (fallback, false),
        Err(error) => {
            diagnostics.push(sema::inference_diagnostic(&error, Span::new(0, text.len())));
            return CheckedExpr { context: fallback, ast: Some(expr), ir: None, diagnostics };
        }
    };
    let settings = options.settings(context, inferred);
    let checked = match entry {
        EntryPoint::Value => sema::check_value(&expr, &settings),
        _ => sema::check_condition(&expr, &settings),
    };
    diagnostics.extend(checked.diagnostics);
    CheckedExpr { context, ast: Some(expr), ir: checked.ir, diagnostics }
}
