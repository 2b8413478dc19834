//! What context inference looks at (spec §4.1): the path prefixes, function names and
//! enum symbols a group of statements uses.

use ottl_grammar::ast::{ArgValue, Call, Expr, ExprKind, Key, Statement};

use crate::registry::{FunctionKind, lookup_kind};

#[derive(Default, Debug)]
pub struct Hints {
    /// First segments of paths that continue with `.` (`span` in `span.name`).
    pub prefixes: Vec<String>,
    pub functions: Vec<String>,
    /// Enum symbols as written (`SPAN_KIND_SERVER`, or `StatusCode::Ok` as qualifier and name).
    pub enums: Vec<(Option<String>, String)>,
}

impl Hints {
    pub fn statement(&mut self, statement: &Statement) {
        self.call(&statement.action);
        if let Some(condition) = &statement.condition {
            self.expr(condition);
        }
    }

    pub fn expr(&mut self, expr: &Expr) {
        match &expr.kind {
            ExprKind::Path(path) => {
                if path.segments.len() > 1 {
                    self.prefixes.push(path.segments[0].name.name.to_string());
                }
                path.segments.iter().for_each(|s| self.keys(&s.keys));
            }
            ExprKind::Call(call) => self.call(call),
            ExprKind::Enum(symbol) => {
                self.enums.push((symbol.qualifier.as_ref().map(|q| q.name.to_string()), symbol.name.name.to_string()))
            }
            ExprKind::List(items) => items.iter().for_each(|item| self.expr(item)),
            ExprKind::Map(entries) => entries.iter().for_each(|entry| self.expr(&entry.value)),
            ExprKind::Unary(_, inner) | ExprKind::Not(inner) | ExprKind::Paren(inner) => self.expr(inner),
            ExprKind::Binary(_, lhs, rhs) | ExprKind::Compare(_, lhs, rhs) | ExprKind::And(lhs, rhs) | ExprKind::Or(lhs, rhs) => {
                self.expr(lhs);
                self.expr(rhs);
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

    fn call(&mut self, call: &Call) {
        self.functions.push(call.name.name.to_string());
        for arg in &call.args {
            match &arg.value {
                // `SHA256` passed to a function parameter reads like an enum symbol but
                // names a converter.
                ArgValue::Expr(Expr { kind: ExprKind::Enum(symbol), .. })
                    if symbol.qualifier.is_none() && lookup_kind(&symbol.name.name, FunctionKind::Converter).is_some() => {}
                ArgValue::Expr(expr) => self.expr(expr),
                ArgValue::Lambda(lambda) => self.expr(&lambda.body),
            }
        }
        self.keys(&call.keys);
    }

    fn keys(&mut self, keys: &[Key]) {
        keys.iter().for_each(|key| self.expr(&key.expr));
    }
}
