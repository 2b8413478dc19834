//! Invariant work once per resource or scope: an expression that reads only resource or
//! scope fields (and constants), such as `SHA256(resource.attributes["user.email"])` in a
//! span rule, has the same value for every item of its resource (or scope), as long as no
//! rule in between writes what it reads.
//!
//! This pass wraps each such expression worth keeping (one that calls something; a bare
//! path or a comparison of one is as cheap to read again) in an [`ExprKind::Memo`], and
//! works out the rule set's write sets: what each rule may write is the target path of its
//! editor (an editor reaches no other resource or scope field: its host gives it only its
//! target and the item). Before each rule the back ends forget the memos whose reads meet
//! what the rule before it may have written, and a memo is only used for the resource and
//! scope it was computed on. A failing expression is not remembered: it fails again on
//! every item, as it would uncached.

use crate::inputs::fixed_inputs;
use crate::ir::{Arg, Expr, ExprKind, Key, PathRef};
use crate::program::{MemoPlan, RootMut, Rule, RuleSet};
use crate::schema::Context;

/// Wraps the rule set's invariant expressions in memos and plans when to forget them.
/// Nothing to gain at the resource level (one item per resource), nor, at the scope level,
/// for expressions reading scope fields.
pub fn rule_set(rules: &mut RuleSet) {
    if rules.context == Context::Resource {
        return;
    }
    let mut marker = Marker { context: rules.context, reads: Vec::new() };
    rules.for_each_root_mut(&mut |root| match root {
        RootMut::Action(call) => call.for_each_expr_mut(&mut |expr| marker.expr(expr)),
        RootMut::Condition(condition) => marker.expr(condition),
    });
    if marker.reads.is_empty() {
        return;
    }
    let writes: Vec<Vec<PathRef>> = rules.rules.iter().map(|(rule, _)| writes(rule)).collect();
    let forget_before = (0..writes.len())
        .map(|index| {
            let previous = &writes[(index + writes.len() - 1) % writes.len()];
            let meets = |reads: &Vec<PathRef>| reads.iter().any(|read| previous.iter().any(|write| overlap(read, write)));
            (0..marker.reads.len() as u32).filter(|&memo| meets(&marker.reads[memo as usize])).collect()
        })
        .collect();
    let per_scope = marker.reads.iter().map(|reads| reads.iter().any(|path| path.context == Context::Scope)).collect();
    rules.memos = MemoPlan { per_scope, forget_before };
}

/// Finds the invariant expressions, outermost first, and numbers them.
struct Marker {
    context: Context,
    /// For each memo, the paths it reads.
    reads: Vec<Vec<PathRef>>,
}

impl Marker {
    fn expr(&mut self, expr: &mut Expr) {
        if let Some(paths) = fixed_inputs(expr)
            && self.worth_keeping(expr, &paths)
        {
            let reads = paths.into_iter().cloned().collect();
            let id = self.reads.len() as u32;
            self.reads.push(reads);
            *expr = Expr { ty: expr.ty.clone(), kind: ExprKind::Memo(id, Box::new(expr.clone())) };
            return;
        }
        // A memo's expression was marked when it was made.
        if !matches!(expr.kind, ExprKind::Memo(..)) {
            expr.for_each_child_mut(&mut |child| self.expr(child));
        }
    }

    /// Whether keeping `expr`'s value saves work on the items that share it: it reads
    /// something, it calls something, and what it reads is shared by several items (scope
    /// fields are not, in the scope context).
    fn worth_keeping(&self, expr: &Expr, paths: &[&PathRef]) -> bool {
        !paths.is_empty()
            && calls_something(expr)
            && !(self.context == Context::Scope && paths.iter().any(|path| path.context == Context::Scope))
    }
}

/// Whether `expr` contains a call (memos hold computed values, not a bare read).
fn calls_something(expr: &Expr) -> bool {
    match &expr.kind {
        ExprKind::Call(_) => true,
        ExprKind::Const(_) | ExprKind::LambdaParam(_) => false,
        ExprKind::Memo(_, inner) | ExprKind::Neg(inner) | ExprKind::Not(inner) => calls_something(inner),
        ExprKind::Path(path) => path.keys.iter().any(|key| matches!(key, Key::Expr(e) if calls_something(e))),
        ExprKind::List(items) => items.iter().any(calls_something),
        ExprKind::Map(entries) => entries.iter().any(|(_, value)| calls_something(value)),
        ExprKind::Math(_, left, right)
        | ExprKind::Compare(_, left, right)
        | ExprKind::And(left, right)
        | ExprKind::Or(left, right) => calls_something(left) || calls_something(right),
    }
}

/// What `rule` may write: the paths its editor is given as targets.
fn writes(rule: &Rule) -> Vec<PathRef> {
    match rule {
        Rule::Statement(statement) => statement
            .action
            .args
            .iter()
            .flatten()
            .filter_map(|arg| match arg {
                Arg::Target(path) => Some(path.clone()),
                _ => None,
            })
            .collect(),
        Rule::Condition(_) => Vec::new(),
    }
}

/// Whether a write of `write` can change what a read of `read` gives: the same field, and
/// unless both name a different constant first key (two attributes), the same part of it.
/// Distinct fields never overlap: the resource and scope tables have no field that holds
/// another.
fn overlap(read: &PathRef, write: &PathRef) -> bool {
    if read.context != write.context || read.field != write.field {
        return false;
    }
    match (read.keys.first(), write.keys.first()) {
        (Some(Key::String(a)), Some(Key::String(b))) => a == b,
        (Some(Key::Int(a)), Some(Key::Int(b))) => a == b,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{AnalysisOptions, analyze};
    use crate::source::{SourceFile, SourceKind};

    fn plan(context: Context, rules: &[&str]) -> MemoPlan {
        let file = SourceFile::new("a.ottl", rules.join("\n"), SourceKind::Ottl);
        let options = AnalysisOptions { context: Some(context), ..AnalysisOptions::default() };
        analyze(&file, &options).into_rule_set().expect("compiles").memos
    }

    const NONE: Vec<u32> = Vec::new();
    const HASH: &str = r#"set(log.attributes["h"], SHA256(resource.attributes["x"]))"#;

    #[test]
    fn a_memo_is_forgotten_after_a_rule_writing_what_it_reads_and_only_then() {
        let other_key = plan(Context::Log, &[HASH, r#"set(resource.attributes["y"], "1")"#]);
        assert_eq!(other_key.per_scope, [false]);
        assert_eq!(other_key.forget_before, [NONE, NONE], "another attribute leaves it be");
        // The write comes last: the next item's first rule reads anew.
        let same_key = plan(Context::Log, &[HASH, r#"set(resource.attributes["x"], "1")"#]);
        assert_eq!(same_key.forget_before, [vec![0], NONE]);
        let whole_map = plan(Context::Log, &[r#"delete_key(resource.attributes, "z")"#, HASH]);
        assert_eq!(whole_map.forget_before, [NONE, vec![0]]);
        let item_write = plan(Context::Log, &[HASH, r#"set(log.attributes["x"], "1")"#]);
        assert_eq!(item_write.forget_before, [NONE, NONE]);
    }

    #[test]
    fn only_computed_values_of_fields_items_share_are_kept() {
        let scope_name = r#"set(log.attributes["n"], Concat([instrumentation_scope.name, "x"], ""))"#;
        assert_eq!(plan(Context::Log, &[scope_name]).per_scope, [true]);
        for nothing_to_keep in [
            r#"set(log.attributes["c"], resource.attributes["x"]) where resource.attributes["x"] == "p""#,
            r#"set(log.attributes["h"], SHA256(log.body))"#,
            r#"set(log.attributes["u"], Concat([resource.attributes["x"], String(UUID())], ""))"#,
        ] {
            assert!(plan(Context::Log, &[nothing_to_keep]).per_scope.is_empty(), "{nothing_to_keep}");
        }
        let resource_rule = r#"set(attributes["h"], SHA256(attributes["x"]))"#;
        assert!(plan(Context::Resource, &[resource_rule]).per_scope.is_empty(), "one item per resource");
        let scope_rule = r#"set(scope.attributes["h"], SHA256(scope.name))"#;
        assert!(plan(Context::Scope, &[scope_rule]).per_scope.is_empty(), "one item per scope");
        let resource_from_scope = r#"set(scope.attributes["h"], SHA256(resource.attributes["x"]))"#;
        assert_eq!(plan(Context::Scope, &[resource_from_scope]).per_scope, [false]);
    }
}
