//! Rules compiled for a back end: every statement and condition checked in one context and
//! turned into typed IR, with the source text kept for error messages. [`crate::analyze`]
//! makes them.

use crate::ir;
use crate::schema::Context;
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
