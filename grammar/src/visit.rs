//! Walking a tree: [`Visitor`] for read-only passes (context hints, path rewrites), and
//! the span walkers, e.g. to compare trees regardless of where their text stood.

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

/// A read-only walk over a tree: override the `visit_*` methods for the nodes of interest
/// and call the matching `walk_*` function to keep descending. The nodes are borrowed for
/// the tree's lifetime `'ast`, so a visitor may keep references to what it finds.
pub trait Visitor<'ast> {
    fn visit_statement(&mut self, statement: &'ast Statement) {
        walk_statement(self, statement);
    }

    fn visit_call(&mut self, call: &'ast Call) {
        walk_call(self, call);
    }

    fn visit_lambda(&mut self, lambda: &'ast Lambda) {
        walk_lambda(self, lambda);
    }

    fn visit_path(&mut self, path: &'ast Path) {
        walk_path(self, path);
    }

    fn visit_enum(&mut self, _symbol: &'ast EnumSymbol) {}

    fn visit_expr(&mut self, expr: &'ast Expr) {
        walk_expr(self, expr);
    }
}

pub fn walk_statement<'ast, V: Visitor<'ast> + ?Sized>(visitor: &mut V, statement: &'ast Statement) {
    visitor.visit_call(&statement.action);
    if let Some(condition) = &statement.condition {
        visitor.visit_expr(condition);
    }
}

pub fn walk_call<'ast, V: Visitor<'ast> + ?Sized>(visitor: &mut V, call: &'ast Call) {
    for arg in &call.args {
        match &arg.value {
            ArgValue::Expr(expr) => visitor.visit_expr(expr),
            ArgValue::Lambda(lambda) => visitor.visit_lambda(lambda),
        }
    }
    call.keys.iter().for_each(|key| visitor.visit_expr(&key.expr));
}

pub fn walk_lambda<'ast, V: Visitor<'ast> + ?Sized>(visitor: &mut V, lambda: &'ast Lambda) {
    visitor.visit_expr(&lambda.body);
}

pub fn walk_path<'ast, V: Visitor<'ast> + ?Sized>(visitor: &mut V, path: &'ast Path) {
    path.segments.iter().flat_map(|segment| &segment.keys).for_each(|key| visitor.visit_expr(&key.expr));
}

pub fn walk_expr<'ast, V: Visitor<'ast> + ?Sized>(visitor: &mut V, expr: &'ast Expr) {
    match &expr.kind {
        ExprKind::Path(path) => visitor.visit_path(path),
        ExprKind::Call(call) => visitor.visit_call(call),
        ExprKind::Enum(symbol) => visitor.visit_enum(symbol),
        ExprKind::List(items) => items.iter().for_each(|item| visitor.visit_expr(item)),
        ExprKind::Map(entries) => entries.iter().for_each(|entry| visitor.visit_expr(&entry.value)),
        ExprKind::Unary(_, inner) | ExprKind::Not(inner) | ExprKind::Paren(inner) => visitor.visit_expr(inner),
        ExprKind::Binary(_, lhs, rhs) | ExprKind::Compare(_, lhs, rhs) | ExprKind::And(lhs, rhs) | ExprKind::Or(lhs, rhs) => {
            visitor.visit_expr(lhs);
            visitor.visit_expr(rhs);
        }
        ExprKind::Nil
        | ExprKind::Bool(_)
        | ExprKind::Int(_)
        | ExprKind::Float(_)
        | ExprKind::String(_)
        | ExprKind::Bytes(_)
        | ExprKind::FunctionName(_)
        | ExprKind::Error => {}
    }
}
