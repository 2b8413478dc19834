//! What an expression's value depends on besides its constants: the question behind
//! constant folding (nothing) and invariant caching (only resource and scope fields).

use crate::ir::{Arg, Call, Expr, ExprKind, Key, PathRef};
use crate::schema::{Context, FieldId};

/// The resource and scope paths `expr` reads, when those (and constants) are all its value
/// depends on; `None` when it can differ from one item to the next: it reads the item
/// (or its `cache`), calls an impure function, or uses a lambda's parameter outside it.
/// An empty list: `expr` is a constant.
pub fn fixed_inputs(expr: &Expr) -> Option<Vec<&PathRef>> {
    let mut paths = Vec::new();
    collect(expr, false, &mut paths).then_some(paths)
}

/// Adds what `expr` reads to `paths`; false when it varies per item. `in_lambda`: the
/// expression is a lambda's body, where its parameters are given.
fn collect<'e>(expr: &'e Expr, in_lambda: bool, paths: &mut Vec<&'e PathRef>) -> bool {
    match &expr.kind {
        ExprKind::Const(_) => true,
        ExprKind::LambdaParam(_) => in_lambda,
        ExprKind::Path(path) => {
            paths.push(path);
            is_fixed_field(path) && keys(&path.keys, in_lambda, paths)
        }
        ExprKind::Call(call) => self::call(call, in_lambda, paths),
        ExprKind::List(items) => items.iter().all(|item| collect(item, in_lambda, paths)),
        ExprKind::Map(entries) => entries.iter().all(|(_, value)| collect(value, in_lambda, paths)),
        ExprKind::Neg(inner) | ExprKind::Not(inner) | ExprKind::Memo(_, inner) => collect(inner, in_lambda, paths),
        ExprKind::Math(_, left, right)
        | ExprKind::Compare(_, left, right)
        | ExprKind::And(left, right)
        | ExprKind::Or(left, right) => collect(left, in_lambda, paths) && collect(right, in_lambda, paths),
    }
}

fn call<'e>(call: &'e Call, in_lambda: bool, paths: &mut Vec<&'e PathRef>) -> bool {
    call.function.signature().pure
        && call.args.iter().flatten().all(|arg| match arg {
            Arg::Expr(expr) => collect(expr, in_lambda, paths),
            Arg::Target(_) => false,
            Arg::Function(function) => function.signature().pure,
            Arg::Lambda(lambda) => collect(&lambda.body, true, paths),
        })
        && keys(&call.keys, in_lambda, paths)
}

fn keys<'e>(keys: &'e [Key], in_lambda: bool, paths: &mut Vec<&'e PathRef>) -> bool {
    keys.iter().all(|key| match key {
        Key::String(_) | Key::Int(_) => true,
        Key::Expr(expr) => collect(expr, in_lambda, paths),
    })
}

/// A resource or scope field, which every item of a resource (or scope) shares. The
/// `cache` of those contexts is the statement's own, fresh for every item.
fn is_fixed_field(path: &PathRef) -> bool {
    matches!(path.context, Context::Resource | Context::Scope)
        && !matches!(path.field, FieldId::ResourceCache | FieldId::ScopeCache)
}
