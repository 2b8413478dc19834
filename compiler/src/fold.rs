//! Constant folding: an expression whose value depends on nothing but constants (pure calls
//! on constants, operators on constants: `duration("3s")`, `Concat(["a", "b"], "-")`,
//! `1 + 2 > 2`) is evaluated once, when the rule set compiles, and replaced by its value.
//!
//! The pass runs on the typed IR after the checker reported its diagnostics, so folding
//! never changes what `ottlc check` says, and both back ends run the folded rules, so they
//! agree by construction. Values are computed by the reference interpreter itself, with
//! the runtime's semantics. An expression that fails on its constants is left as it was:
//! its error still happens on every item it runs on, under the error mode, worded the same.

use ottl_runtime::context::{Group, ItemMut, TransformContext};
use ottl_runtime::otlp::common::v1::InstrumentationScope;
use ottl_runtime::otlp::resource::v1::Resource;

use crate::inputs::fixed_inputs;
use crate::interp::Evaluator;
use crate::ir::{Arg, Call, Expr, ExprKind, Key, Statement, Value};
use crate::program::{Rule, RuleSet};

/// Folds every constant expression of the rule set: its rules and its guard.
pub fn rule_set(rules: &mut RuleSet) {
    for (rule, _) in &mut rules.rules {
        match rule {
            Rule::Statement(statement) => self::statement(statement),
            Rule::Condition(condition) => expr(condition),
        }
    }
    for (condition, _) in &mut rules.guard {
        expr(condition);
    }
}

fn statement(statement: &mut Statement) {
    call(&mut statement.action);
    if let Some(condition) = &mut statement.condition {
        expr(condition);
    }
}

/// Folds `expr`'s constant parts, innermost first, then `expr` itself.
pub fn expr(expr: &mut Expr) {
    match &mut expr.kind {
        ExprKind::Const(_) | ExprKind::Path(_) | ExprKind::LambdaParam(_) => {}
        ExprKind::Call(c) => call(c),
        ExprKind::List(items) => items.iter_mut().for_each(self::expr),
        ExprKind::Map(entries) => entries.iter_mut().for_each(|(_, value)| self::expr(value)),
        ExprKind::Neg(inner) | ExprKind::Not(inner) | ExprKind::Memo(_, inner) => self::expr(inner),
        ExprKind::Math(_, left, right)
        | ExprKind::Compare(_, left, right)
        | ExprKind::And(left, right)
        | ExprKind::Or(left, right) => {
            self::expr(left);
            self::expr(right);
        }
    }
    if expr.as_const().is_none()
        && fixed_inputs(expr).is_some_and(|paths| paths.is_empty())
        && let Some(value) = evaluate(expr)
    {
        // The static type stays what the checker said, so that nothing downstream of it
        // changes but where the value comes from.
        expr.kind = ExprKind::Const(value);
    }
}

/// Folds a call's arguments and keys, and the paths an editor writes.
fn call(call: &mut Call) {
    for arg in call.args.iter_mut().flatten() {
        match arg {
            Arg::Expr(e) => expr(e),
            Arg::Target(path) => keys(&mut path.keys),
            Arg::Lambda(lambda) => expr(&mut lambda.body),
            Arg::Function(_) => {}
        }
    }
    keys(&mut call.keys);
}

fn keys(keys: &mut [Key]) {
    for key in keys {
        if let Key::Expr(e) = key {
            expr(e);
        }
    }
}

/// The value of an expression that reads nothing, computed by the interpreter on an empty
/// item; `None` when it fails.
fn evaluate(expr: &Expr) -> Option<Value> {
    let (mut resource, mut scope) = (Resource::default(), InstrumentationScope::default());
    let (mut resource_schema_url, mut scope_schema_url) = (String::new(), String::new());
    let ctx = TransformContext {
        resource: &mut resource,
        resource_schema_url: &mut resource_schema_url,
        scope: &mut scope,
        scope_schema_url: &mut scope_schema_url,
        item: ItemMut::Resource,
        cache: Vec::new(),
        group: Group::default(),
    };
    Evaluator::new(&ctx).eval(expr, &[]).ok().map(Value::from_runtime)
}

#[cfg(test)]
mod tests {
    use ottl_grammar::ast::CompareOp;

    use super::*;
    use crate::analysis::{AnalysisOptions, analyze};
    use crate::ir::Computed;
    use crate::schema::Context;
    use crate::source::{SourceFile, SourceKind};

    /// The condition of the only rule of `text` (span context), after folding.
    fn folded_condition(text: &str) -> Expr {
        let file = SourceFile::new("a.ottl", text, SourceKind::Ottl);
        let options = AnalysisOptions { context: Some(Context::Span), ..AnalysisOptions::default() };
        let rule_set = analyze(&file, &options).into_rule_set().expect("compiles");
        match &rule_set.rules[..] {
            [(Rule::Statement(Statement { condition: Some(condition), .. }), _)] => condition.clone(),
            [(Rule::Condition(condition), _)] => condition.clone(),
            other => panic!("one rule with a condition expected: {other:?}"),
        }
    }

    /// The value `value` folds to, in a condition comparing it with a span's name.
    fn folded_operand(value: &str) -> ExprKind {
        match folded_condition(&format!("span.name == {value}\n")).kind {
            ExprKind::Compare(CompareOp::Eq, _, right) => right.kind,
            other => panic!("a comparison expected: {other:?}"),
        }
    }

    #[test]
    fn a_duration_of_a_constant_becomes_a_constant_duration_in_the_comparison() {
        let condition = folded_condition("span.duration > duration(\"3s\")\n");
        let ExprKind::Compare(CompareOp::Gt, left, right) = condition.kind else { panic!("{condition:?}") };
        assert!(matches!(left.kind, ExprKind::Path(_)), "{left:?}");
        assert_eq!(right.kind, ExprKind::Const(Value::Computed(Computed(ottl_runtime::Value::Duration(3_000_000_000)))));
    }

    #[test]
    fn pure_calls_on_constants_fold_nested_ones_first() {
        assert_eq!(folded_operand(r#"Concat(["a", "b"], "-")"#), ExprKind::Const(Value::String("a-b".into())));
        let sha = "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881";
        assert_eq!(
            folded_operand(r#"Concat([SHA256("x"), ToUpperCase("y")], "/")"#),
            ExprKind::Const(Value::String(format!("{sha}/Y")))
        );
        assert_eq!(
            folded_operand(r#"Split("a,b", ",")"#),
            ExprKind::Const(Value::List(vec![Value::String("a".into()), Value::String("b".into())]))
        );
        assert_eq!(folded_operand(r#"Split("a,b", ",")[1]"#), ExprKind::Const(Value::String("b".into())));
    }

    #[test]
    fn operators_on_constants_fold() {
        assert_eq!(folded_condition("not (1 + 2 > 2)\n").kind, ExprKind::Const(Value::Bool(false)));
        let condition = folded_condition("span.name == \"x\" and Len(\"abc\") * 2 == 6\n");
        let ExprKind::And(_, right) = condition.kind else { panic!("{condition:?}") };
        assert_eq!(right.kind, ExprKind::Const(Value::Bool(true)));
    }

    #[test]
    fn what_varies_or_fails_stays_a_call() {
        for kept in [r#"duration("soon")"#, "String(UUID())", r#"Concat([span.name, "b"], "-")"#] {
            assert!(matches!(folded_operand(kept), ExprKind::Call(_)), "{kept}");
        }
    }
}
