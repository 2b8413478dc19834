//! Running the corpus's `check_error` rows (errors the collector reports when it loads a
//! statement) through the full front end: parse, then semantic analysis in the row's
//! context. Also the check behind "every other row checks clean".

use ottl_compiler::registry::LAMBDA_GATE;
use ottl_compiler::schema::Context;
use ottl_compiler::sema::{self, Settings};
use ottl_grammar::{Diagnostic, EntryPoint, Node, Severity, lexer, parse_tokens};
use serde_json::Value;

use crate::corpus::Row;

/// Every error message for `text` checked as `entry` with `settings`.
pub fn errors(text: &str, entry: EntryPoint, settings: &Settings) -> Vec<String> {
    let parsed = parse_tokens(text, &lexer::lex(text), entry);
    let mut diagnostics: Vec<Diagnostic> = sema::syntax_diagnostics(&parsed).collect();
    if !parsed.has_errors()
        && let Some(node) = &parsed.node
    {
        diagnostics.extend(match node {
            Node::Statement(statement) => sema::check_statement(statement, settings).diagnostics,
            Node::Expr(expr) if entry == EntryPoint::Value => sema::check_value(expr, settings).diagnostics,
            Node::Expr(expr) => sema::check_condition(expr, settings).diagnostics,
        });
    }
    diagnostics.into_iter().filter(|d| d.severity() == Severity::Error).map(|d| d.message).collect()
}

/// The row's context and the feature gates its fixture enables; `None` for the corpus's
/// context-free `grammar` rows.
pub fn settings(row: &Row) -> Option<Settings> {
    let context = Context::parse(&row.context)?;
    let lambdas = row.note.contains(LAMBDA_GATE) && !row.note.contains("gate disabled");
    let feature_gates = if lambdas { vec![LAMBDA_GATE.to_string()] } else { Vec::new() };
    Some(Settings { context, feature_gates, prefixes_required: false })
}

pub fn run_check_error(row: &Row) -> Result<(), String> {
    let expected = row.expected["error"].as_str().ok_or("row has no \"error\"")?;
    let settings = settings(row).ok_or_else(|| format!("no such context {:?}", row.context))?;
    let errors = errors(&row.text, EntryPoint::Statement, &settings);
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

/// A `rewrite` row: the statement's un-prefixed paths get the context, as the collector's
/// `ParserCollection` does.
pub fn run_rewrite(row: &Row) -> Result<(), String> {
    let context = row.expected["context"].as_str().ok_or("row has no \"context\"")?;
    let names: Vec<&str> =
        row.expected["path_context_names"].as_array().ok_or("row has no names")?.iter().filter_map(Value::as_str).collect();
    let expected = row.expected["rewritten"].as_str().ok_or("row has no \"rewritten\"")?;
    let parsed = ottl_grammar::parse_statement(&row.text);
    let statement = parsed.node.ok_or_else(|| format!("does not parse: {:?}", parsed.diagnostics.first().map(|d| &d.message)))?;
    let rewritten = sema::rewrite::prefix_paths(&row.text, &statement, context, &names);
    if rewritten == expected { Ok(()) } else { Err(format!("rewritten {rewritten:?}, expected {expected:?}")) }
}
