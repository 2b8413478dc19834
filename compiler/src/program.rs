//! A rule file compiled for a back end: every statement and condition checked in one
//! context and turned into typed IR, with the source text kept for error messages.

use ottl_grammar::Diagnostic;
use ottl_grammar::document::parse_document;
use ottl_grammar::{Node, Severity};

use crate::ir;
use crate::schema::Context;
use crate::sema::{self, Settings};
use ottl_runtime::exec::RuleKind;

pub use ottl_runtime::exec::ErrorMode;

/// One rule of a rule set.
#[derive(Clone, Debug)]
pub enum Rule {
    /// `editor(...) where cond` or `cond > action`.
    Statement(ir::Statement),
    /// A bare condition, as in a filter processor's list: a matching item is dropped.
    Condition(ir::Expr),
}

impl Rule {
    pub fn kind(&self) -> RuleKind {
        match self {
            Rule::Statement(_) => RuleKind::Statement,
            Rule::Condition(_) => RuleKind::Condition,
        }
    }
}

/// A compiled rule file.
#[derive(Clone, Debug)]
pub struct RuleSet {
    pub context: Context,
    pub rules: Vec<(Rule, String)>,
    pub error_mode: ErrorMode,
}

impl RuleSet {
    /// Whether some rule can `keep()`: then only kept items survive.
    pub fn is_allow_list(&self) -> bool {
        self.rules.iter().any(|(rule, _)| matches!(rule, Rule::Statement(s) if s.action.function.signature().name == "keep"))
    }
}

/// Compiles a `.ottl` document. `context`: given, else inferred. Errors are the file's
/// diagnostics (warnings do not stop it).
pub fn compile_document(
    text: &str,
    context: Option<Context>,
    feature_gates: &[String],
    error_mode: ErrorMode,
) -> Result<RuleSet, Vec<Diagnostic>> {
    let document = parse_document(text);
    let syntax: Vec<Diagnostic> = document.diagnostics().cloned().collect();
    if syntax.iter().any(|d| d.severity() == Severity::Error) {
        return Err(syntax);
    }
    let items: Vec<(&Node, &str)> =
        document.items.iter().filter_map(|item| item.parsed.node.as_ref().map(|n| (n, &text[item.span.range()]))).collect();
    let prefixes_required = context.is_none();
    let context = match context {
        Some(c) => c,
        None => sema::infer_context(items.iter().map(|(n, _)| *n)).map_err(|error| {
            let span = document.items.first().map(|i| i.span).unwrap_or_default();
            match error {
                crate::schema::InferenceError::NoPrefix => {
                    vec![sema::no_context_diagnostic("no context given or inferable", span)]
                }
                error => vec![sema::inference_diagnostic(&error, span)],
            }
        })?,
    };
    let settings = Settings { context, feature_gates: feature_gates.to_vec(), prefixes_required };
    let mut rules = Vec::new();
    let mut errors = Vec::new();
    for (node, source) in items {
        let (rule, diagnostics) = match node {
            Node::Statement(statement) => {
                let checked = sema::check_statement(statement, &settings);
                (checked.ir.map(Rule::Statement), checked.diagnostics)
            }
            Node::Expr(condition) => {
                let checked = sema::check_condition(condition, &settings);
                (checked.ir.map(Rule::Condition), checked.diagnostics)
            }
        };
        errors.extend(diagnostics.into_iter().filter(|d| d.severity() == Severity::Error));
        if let Some(rule) = rule {
            rules.push((rule, source.trim().to_string()));
        }
    }
    if errors.is_empty() { Ok(RuleSet { context, rules, error_mode }) } else { Err(errors) }
}
