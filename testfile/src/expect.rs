//! Expectations that are OTTL conditions: checked like any OTTL (so a typo in a path is a
//! diagnostic at the test file's line), then evaluated on every output item in its
//! context. When one is false, the values its operands (paths and calls) had on the item
//! are what the failure shows, as rustc shows an assertion's `left` and `right`.

use ottl_compiler::interp::Evaluator;
use ottl_compiler::ir;
use ottl_compiler::schema::Context;
use ottl_compiler::{AnalysisOptions, analyze_expression};
use ottl_grammar::ast::{Expr, ExprKind};
use ottl_grammar::{Diagnostic, EntryPoint, Span};
use ottl_runtime::Value;
use ottl_runtime::exec::{self, Fate};
use ottl_runtime::otlp::{Signal, Telemetry};

use crate::check::Scope;
use crate::spec::Snippet;

/// A condition ready to evaluate.
pub struct Condition<'s> {
    pub snippet: &'s Snippet,
    pub context: Context,
    ir: ir::Expr,
    /// The paths and calls it reads, with their text.
    operands: Vec<(String, ir::Expr)>,
}

/// Where expectations without a prefix are checked: the item of the signal.
pub fn item_context(signal: Signal) -> Context {
    match signal {
        Signal::Traces => Context::Span,
        Signal::Metrics => Context::DataPoint,
        Signal::Logs => Context::Log,
        Signal::Profiles => Context::Profile,
    }
}

/// Checks `snippet` as a condition in `scope`: the condition when it has no error, and its
/// diagnostics at the test file's positions.
pub fn compile<'s>(snippet: &'s Snippet, scope: Scope, options: &AnalysisOptions) -> (Option<Condition<'s>>, Vec<Diagnostic>) {
    let checked = analyze_expression(&snippet.text, EntryPoint::Condition, scope.candidates(), scope.fallback, options);
    let errors = checked.diagnostics.iter().any(|d| d.severity() == ottl_grammar::Severity::Error);
    let diagnostics: Vec<Diagnostic> =
        checked.diagnostics.into_iter().map(|d| d.map_spans(|span| snippet.to_file(span))).collect();
    let (Some(ir), Some(ast), false) = (checked.ir, checked.ast, errors) else { return (None, diagnostics) };
    let mut spans = Vec::new();
    operands(&ast, &mut spans);
    let operands = spans
        .into_iter()
        .filter_map(|span| {
            let text = snippet.text[span.range()].to_string();
            let value = analyze_expression(&text, EntryPoint::Value, &[checked.context], checked.context, options);
            value.ir.map(|ir| (text, ir))
        })
        .collect();
    (Some(Condition { snippet, context: checked.context, ir, operands }), diagnostics)
}

/// The spans of the paths and calls an expression reads, outermost calls whole.
fn operands(expr: &Expr, out: &mut Vec<Span>) {
    match &expr.kind {
        ExprKind::Path(_) | ExprKind::Call(_) => out.push(expr.span),
        ExprKind::Unary(_, inner) | ExprKind::Not(inner) | ExprKind::Paren(inner) => operands(inner, out),
        ExprKind::Binary(_, lhs, rhs) | ExprKind::Compare(_, lhs, rhs) | ExprKind::And(lhs, rhs) | ExprKind::Or(lhs, rhs) => {
            operands(lhs, out);
            operands(rhs, out);
        }
        ExprKind::List(items) => items.iter().for_each(|item| operands(item, out)),
        _ => {}
    }
}

/// An item on which a condition does not hold.
pub struct Falsified {
    /// Its place among the items of the condition's context, from 0.
    pub item: usize,
    /// Each operand's text and value on it.
    pub values: Vec<(String, String)>,
    /// The evaluation failed rather than being false.
    pub error: Option<String>,
}

/// The items of `output` the condition is false on; `Err` when there is no item to check.
pub fn check(condition: &Condition<'_>, output: &Telemetry) -> Result<Vec<Falsified>, String> {
    let mut output = output.clone();
    let mut falsified = Vec::new();
    let mut items = 0;
    let ran = exec::run(&mut output, condition.context, &mut |ctx| {
        let evaluator = Evaluator::new(ctx);
        let error = match evaluator.condition(&condition.ir, &[]) {
            Ok(true) => None,
            Ok(false) => Some(None),
            Err(error) => Some(Some(error.to_string())),
        };
        if let Some(error) = error {
            let values = condition
                .operands
                .iter()
                .map(|(text, ir)| {
                    (text.clone(), evaluator.eval(ir, &[]).map_or_else(|e| format!("<error: {e}>"), |v| literal(&v)))
                })
                .collect();
            falsified.push(Falsified { item: items, values, error });
        }
        items += 1;
        Ok(Fate::default())
    });
    ran.map_err(|e| e.to_string())?;
    if items == 0 {
        return Err(format!("no {} is left to check it on", condition.context));
    }
    Ok(falsified)
}

/// A value as OTTL would write it: strings quoted, `nil` for nothing.
pub fn literal(value: &Value) -> String {
    match value {
        Value::Nil => "nil".into(),
        Value::String(text) => serde_json::to_string(text).unwrap_or_else(|_| text.clone()),
        other => other.to_string(),
    }
}
