//! Semantic analysis: resolution against the context schemas and the function registry,
//! type checking by the seed's rules, and the typed IR (DESIGN §3, §4).
//!
//! Syntax errors are the grammar's, except the advice on function names in the wrong case,
//! which this pass gives once it has looked them up (`names`). The checker assumes a tree
//! that parsed and adds what only the schema, the registry and the types can tell: unknown
//! paths and functions (with "did you mean"), argument counts and shapes, literals the
//! collector rejects, comparisons that are always false or crash the collector, writes that
//! cannot happen or repeat per item.

mod checker;
mod hints;
#[cfg(test)]
mod list_argument_tests;
mod names;
mod panicking_comparison;
mod repeated_write;
mod report;
pub mod rewrite;
pub mod rules;

use ottl_grammar::ast::{self, Statement};
use ottl_grammar::visit::Visitor;
use ottl_grammar::{Code, Diagnostic, Node, Span};

use crate::ir;
use crate::program::Rule;
use crate::registry::{self, FunctionKind};
use crate::schema::{self, Context, InferenceError, Unsupported};
use checker::Checker;
use hints::Hints;
pub use names::syntax_diagnostics;

/// The outcome of checking one snippet: the IR when there was no error, and every
/// diagnostic either way.
#[derive(Clone, Debug)]
pub struct Checked<T> {
    pub ir: Option<T>,
    pub diagnostics: Vec<Diagnostic>,
}

/// What the checked statements run on: their context and the collector feature gates
/// enabled (`ottl.functions.enableLambda` allows lambdas).
#[derive(Clone, Debug)]
pub struct Settings {
    pub context: Context,
    pub feature_gates: Vec<String>,
    /// The context was inferred, not given: the collector then parses every path with its
    /// context name required (`span.name`, not `name`).
    pub prefixes_required: bool,
}

impl Settings {
    pub fn new(context: Context) -> Settings {
        Settings { context, feature_gates: Vec::new(), prefixes_required: false }
    }
}

pub fn check_statement(statement: &Statement, settings: &Settings) -> Checked<ir::Statement> {
    let mut checker = Checker::new(settings);
    let ir = checker.statement(statement);
    finish(checker, ir)
}

pub fn check_condition(condition: &ast::Expr, settings: &Settings) -> Checked<ir::Expr> {
    let mut checker = Checker::new(settings);
    let ir = checker.condition(condition);
    finish(checker, Some(ir))
}

pub fn check_value(value: &ast::Expr, settings: &Settings) -> Checked<ir::Expr> {
    let mut checker = Checker::new(settings);
    let ir = checker.value(value);
    finish(checker, Some(ir))
}

/// Checks a parsed statement or bare condition and lowers it to a rule.
pub fn check_rule(node: &Node, settings: &Settings) -> Checked<Rule> {
    match node {
        Node::Statement(statement) => check_statement(statement, settings).map(Rule::Statement),
        Node::Expr(condition) => check_condition(condition, settings).map(Rule::Condition),
    }
}

impl<T> Checked<T> {
    fn map<U>(self, f: impl FnOnce(T) -> U) -> Checked<U> {
        Checked { ir: self.ir.map(f), diagnostics: self.diagnostics }
    }
}

fn finish<T>(checker: Checker, ir: Option<T>) -> Checked<T> {
    let ir = if checker.has_errors() { None } else { ir };
    Checked { ir, diagnostics: checker.diagnostics }
}

/// The context of a group of statements and conditions without one (spec §4.1): the
/// highest-priority path prefix, or a lower context when that one does not support every
/// function and enum symbol the group uses.
pub fn infer_context<'a>(nodes: impl IntoIterator<Item = &'a Node>) -> Result<Context, InferenceError> {
    infer_context_among(nodes, Context::STATEMENT_CONTEXTS)
}

/// [`infer_context`] among `candidates`, the contexts a processor has parsers for on its
/// signal (a trace statement group: resource, scope, span, spanevent).
pub fn infer_context_among<'a>(
    nodes: impl IntoIterator<Item = &'a Node>,
    candidates: &[Context],
) -> Result<Context, InferenceError> {
    let mut hints = Hints::default();
    for node in nodes {
        match node {
            Node::Statement(statement) => hints.visit_statement(statement),
            Node::Expr(expr) => hints.visit_expr(expr),
        }
    }
    let prefixes: Vec<&str> = hints.prefixes.iter().map(String::as_str).collect();
    schema::infer_with(&prefixes, candidates, |context| {
        for function in &hints.functions {
            let supported = [FunctionKind::Editor, FunctionKind::Converter]
                .iter()
                .filter_map(|kind| registry::lookup_kind(function, *kind))
                .any(|signature| signature.allowed_in(context));
            // Unknown functions are reported by the checker, not by inference.
            if !supported && registry::lookup(function).is_some() {
                return Err(Unsupported::Function(function.clone()));
            }
        }
        for (qualifier, name) in &hints.enums {
            let symbol = match qualifier {
                Some(q) => schema::qualified_symbol(q, name),
                None => Some(name.clone()),
            };
            if let Some(symbol) = symbol
                && schema::enum_value(context, &symbol).is_none()
                && Context::STATEMENT_CONTEXTS.iter().any(|c| schema::enum_value(*c, &symbol).is_some())
            {
                return Err(Unsupported::EnumSymbol(symbol));
            }
        }
        Ok(())
    })
}

/// W0006 on `span`: no context was given and no path names one. `message` says what
/// follows (checks that stop at the syntax, a rule file that cannot run).
pub fn no_context_diagnostic(message: &str, span: Span) -> Diagnostic {
    Diagnostic::new(Code::ContextUnknown, message, span, "no context prefix in the file")
        .with_help("pass --context (span, log, metric, …) or prefix the paths with their context")
}

/// The diagnostic for a group whose context cannot be inferred, on `span`.
pub fn inference_diagnostic(error: &InferenceError, span: Span) -> Diagnostic {
    report::inference_error(error, span)
}
