//! Walking every span in a tree, e.g. to compare trees regardless of where their text
//! stood, or to move a tree parsed from a snippet to its place in a file.

use crate::ast::*;
use crate::span::Span;

pub fn statement_spans_mut(statement: &mut Statement, f: &mut impl FnMut(&mut Span)) {
    f(&mut statement.span);
    call_spans_mut(&mut statement.action, f);
    if let Some(condition) = &mut statement.condition {
        expr_spans_mut(condition, f);
    }
}

pub fn expr_spans_mut(expr: &mut Expr, f: &mut impl FnMut(&mut Span)) {
    f(&mut expr.span);
    match &mut expr.kind {
        ExprKind::Path(path) => path_spans_mut(path, f),
        ExprKind::Call(call) => call_spans_mut(call, f),
        ExprKind::Enum(symbol) => {
            if let Some(qualifier) = &mut symbol.qualifier {
                f(&mut qualifier.span);
            }
            f(&mut symbol.name.span);
        }
        ExprKind::FunctionName(name) => f(&mut name.span),
        ExprKind::List(items) => items.iter_mut().for_each(|item| expr_spans_mut(item, f)),
        ExprKind::Map(entries) => entries.iter_mut().for_each(|entry| {
            f(&mut entry.key_span);
            expr_spans_mut(&mut entry.value, f);
        }),
        ExprKind::Unary(_, inner) | ExprKind::Not(inner) | ExprKind::Paren(inner) => expr_spans_mut(inner, f),
        ExprKind::Binary(_, lhs, rhs) | ExprKind::Compare(_, lhs, rhs) | ExprKind::And(lhs, rhs) | ExprKind::Or(lhs, rhs) => {
            expr_spans_mut(lhs, f);
            expr_spans_mut(rhs, f);
        }
        ExprKind::Nil
        | ExprKind::Bool(_)
        | ExprKind::Int(_)
        | ExprKind::Float(_)
        | ExprKind::String(_)
        | ExprKind::Bytes(_)
        | ExprKind::Error => {}
    }
}

fn call_spans_mut(call: &mut Call, f: &mut impl FnMut(&mut Span)) {
    f(&mut call.span);
    f(&mut call.name.span);
    for arg in &mut call.args {
        if let Some(name) = &mut arg.name {
            f(&mut name.span);
        }
        match &mut arg.value {
            ArgValue::Expr(e) => expr_spans_mut(e, f),
            ArgValue::Lambda(lambda) => {
                f(&mut lambda.span);
                lambda.params.iter_mut().for_each(|p| f(&mut p.span));
                expr_spans_mut(&mut lambda.body, f);
            }
        }
    }
    keys_spans_mut(&mut call.keys, f);
}

fn path_spans_mut(path: &mut Path, f: &mut impl FnMut(&mut Span)) {
    f(&mut path.span);
    for segment in &mut path.segments {
        f(&mut segment.name.span);
        keys_spans_mut(&mut segment.keys, f);
    }
}

fn keys_spans_mut(keys: &mut [Key], f: &mut impl FnMut(&mut Span)) {
    for key in keys {
        f(&mut key.span);
        expr_spans_mut(&mut key.expr, f);
    }
}
