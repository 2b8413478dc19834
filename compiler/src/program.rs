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

/// A compiled rule file, or one statement or condition group of a collector processor.
#[derive(Clone, Debug)]
pub struct RuleSet {
    pub context: Context,
    pub rules: Vec<(Rule, String)>,
    pub error_mode: ErrorMode,
    /// A transform group's `conditions`: the rules run on an item only when at least one
    /// of them holds; empty, they always run. Evaluated once per item before the rules, in
    /// order until one holds, as the collector's condition sequence does: one that fails is
    /// handled by the error mode (`propagate` fails the payload, `ignore` and `silent` go
    /// on with the next condition).
    pub guard: Vec<(ir::Expr, String)>,
    /// The memos of the rules' invariant expressions ([`ir::ExprKind::Memo`]).
    pub memos: MemoPlan,
}

/// A rule set's outermost IR, as [`RuleSet::for_each_root_mut`] visits it.
pub enum RootMut<'r> {
    /// A statement's action.
    Action(&'r mut ir::Call),
    /// A statement's condition, a bare condition, or a guard condition.
    Condition(&'r mut ir::Expr),
}

impl RuleSet {
    /// Calls `visit` on every statement's action and condition and every bare condition, in
    /// rule order, then on the guard's conditions: where passes over the IR start.
    pub fn for_each_root_mut(&mut self, visit: &mut dyn FnMut(RootMut<'_>)) {
        for (rule, _) in &mut self.rules {
            match rule {
                Rule::Statement(statement) => {
                    visit(RootMut::Action(&mut statement.action));
                    if let Some(condition) = &mut statement.condition {
                        visit(RootMut::Condition(condition));
                    }
                }
                Rule::Condition(condition) => visit(RootMut::Condition(condition)),
            }
        }
        for (condition, _) in &mut self.guard {
            visit(RootMut::Condition(condition));
        }
    }
}

/// How the back ends keep the values of a rule set's invariant expressions.
#[derive(Clone, Debug, Default)]
pub struct MemoPlan {
    /// For each memo: whether it reads scope fields (kept per scope) or only resource
    /// fields (kept per resource).
    pub per_scope: Vec<bool>,
    /// For each rule: the memos to forget before it runs, those reading what the rule
    /// before it may have written (for the first rule, before the guard: the last rule,
    /// run on the previous item). Empty without memos.
    pub forget_before: Vec<Vec<u32>>,
}

impl MemoPlan {
    /// The memos to forget before rule `index` (and, for the first, before the guard).
    pub fn forget_before(&self, index: usize) -> &[u32] {
        self.forget_before.get(index).map_or(&[], Vec::as_slice)
    }
}

impl RuleSet {
    /// Rules without a guard.
    pub fn new(context: Context, rules: Vec<(Rule, String)>, error_mode: ErrorMode) -> RuleSet {
        RuleSet { context, rules, error_mode, guard: Vec::new(), memos: MemoPlan::default() }
    }

    /// Whether some rule can `keep()`: then only kept items survive.
    pub fn is_allow_list(&self) -> bool {
        self.has_action("keep")
    }

    /// Whether some rule can `route(…)`: then items may go to outputs other than the default.
    pub fn routes(&self) -> bool {
        self.has_action("route")
    }

    fn has_action(&self, name: &str) -> bool {
        self.rules.iter().any(|(rule, _)| matches!(rule, Rule::Statement(s) if s.action.function.signature().name == name))
    }
}
