//! Running the corpus's `check_error` rows (errors the collector reports when it loads a
//! statement) through the full front end: parse, then semantic analysis in the row's
//! context. Also the check behind "every other row checks clean".

use ottl_compiler::schema::Context;
use ottl_compiler::sema;
use ottl_grammar::{Diagnostic, EntryPoint, Node, Severity, lexer, parse_tokens};
use serde_json::Value;

use crate::corpus::Row;

/// Every error message for `text` checked as `entry` in `context`.
pub fn errors(text: &str, entry: EntryPoint, context: Context) -> Vec<String> {
    let parsed = parse_tokens(text, &lexer::lex(text), entry);
    let mut diagnostics: Vec<Diagnostic> = parsed.diagnostics.clone();
    if !parsed.has_errors()
        && let Some(node) = &parsed.node
    {
        diagnostics.extend(match node {
            Node::Statement(statement) => sema::check_statement(statement, context).diagnostics,
            Node::Expr(expr) if entry == EntryPoint::Value => sema::check_value(expr, context).diagnostics,
            Node::Expr(expr) => sema::check_condition(expr, context).diagnostics,
        });
    }
    diagnostics.into_iter().filter(|d| d.severity() == Severity::Error).map(|d| d.message).collect()
}

/// The row's context; the corpus writes `grammar` for context-free rows.
pub fn context(row: &Row) -> Option<Context> {
    Context::parse(&row.context)
}

pub fn run_check_error(row: &Row) -> Result<(), String> {
    let expected = row.expected["error"].as_str().ok_or("row has no \"error\"")?;
    let context = context(row).ok_or_else(|| format!("no such context {:?}", row.context))?;
    let errors = errors(&row.text, EntryPoint::Statement, context);
    let joined = errors.join("; ");
    match (errors.is_empty(), expected) {
        (true, _) => Err(format!("checked clean, expected {expected:?}")),
        (false, "*") => Ok(()),
        (false, expected) if joined.contains(expected) => Ok(()),
        (false, expected) => Err(format!("errors {joined:?} do not contain {expected:?}")),
    }
}

/// Whether a statement/condition/value row expects the statement to load and run without
/// error. Rows that expect an error are left out: the checker may rightly find statically
/// what the collector reports only at run time (`Substring(123, …)`).
pub fn expects_to_load(row: &Row) -> bool {
    !matches!(row.expected["error"], Value::String(_))
}

pub fn entry(row: &Row) -> EntryPoint {
    match row.kind.as_str() {
        "condition" => EntryPoint::Condition,
        "value" => EntryPoint::Value,
        _ => EntryPoint::Statement,
    }
}
