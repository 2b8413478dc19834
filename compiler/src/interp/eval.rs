//! Expression evaluation: the reference semantics, written to be obviously right.

use std::cell::RefCell;

use ottl_grammar::ast::CompareOp as AstCompareOp;
use ottl_runtime::compare::{self, CompareOp};
use ottl_runtime::context::keys::index_result;
use ottl_runtime::context::{PathKey, TransformContext};
use ottl_runtime::functions::{Arg as RuntimeArg, Args, Function, Lambda as RuntimeLambda};
use ottl_runtime::math;
use ottl_runtime::memo::Memos;
use ottl_runtime::{Error, Result, Value};

use crate::ir::{self, Arg, Call, Expr, ExprKind, Key, PathRef};

/// Evaluates expressions against one item. `frames` holds the arguments of the
/// enclosing lambdas, innermost last.
pub struct Evaluator<'c, 'a> {
    pub ctx: &'c TransformContext<'a>,
    /// The run's memos; without them a memoized expression is evaluated every time.
    memos: Option<&'c RefCell<Memos>>,
}

impl<'c, 'a> Evaluator<'c, 'a> {
    pub fn new(ctx: &'c TransformContext<'a>) -> Self {
        Evaluator { ctx, memos: None }
    }

    /// An evaluator that reuses and keeps the values of memoized expressions in `memos`.
    pub fn with_memos(ctx: &'c TransformContext<'a>, memos: &'c RefCell<Memos>) -> Self {
        Evaluator { ctx, memos: Some(memos) }
    }

    pub fn eval(&self, expr: &Expr, frames: &[&[Value]]) -> Result<Value> {
        match &expr.kind {
            ExprKind::Const(value) => Ok(value.to_runtime()),
            ExprKind::Path(path) => self.path(path, frames),
            ExprKind::Call(call) => self.call(call, frames),
            ExprKind::List(items) => Ok(Value::Slice(items.iter().map(|e| self.eval(e, frames)).collect::<Result<_>>()?)),
            ExprKind::Map(entries) => {
                let mut map = ottl_runtime::Map::with_capacity(entries.len());
                for (key, value) in entries {
                    map.insert(key.clone(), self.eval(value, frames)?);
                }
                Ok(Value::Map(map))
            }
            ExprKind::Neg(inner) => math::negate(&self.eval(inner, frames)?),
            ExprKind::Math(op, left, right) => {
                let left = self.eval(left, frames)?;
                let right = self.eval(right, frames)?;
                math::apply(ir::math_op(*op), &left, &right)
            }
            ExprKind::Compare(op, left, right) => {
                let left = self.eval(left, frames)?;
                let right = self.eval(right, frames)?;
                Ok(Value::Bool(compare_values(*op, &left, &right)))
            }
            ExprKind::Not(inner) => Ok(Value::Bool(!self.condition(inner, frames)?)),
            ExprKind::And(left, right) => Ok(Value::Bool(self.condition(left, frames)? && self.condition(right, frames)?)),
            ExprKind::Or(left, right) => Ok(Value::Bool(self.condition(left, frames)? || self.condition(right, frames)?)),
            ExprKind::LambdaParam(index) => Ok(frames.last().and_then(|frame| frame.get(*index)).cloned().unwrap_or_default()),
            ExprKind::Memo(id, inner) => self.memo(*id, inner, frames),
        }
    }

    /// An invariant expression: its value kept for this item's resource or scope, or
    /// computed and kept (a failure is not kept: it fails again on the next item).
    fn memo(&self, id: u32, inner: &Expr, frames: &[&[Value]]) -> Result<Value> {
        let Some(memos) = self.memos else { return self.eval(inner, frames) };
        if let Some(value) = memos.borrow().get(id, self.ctx.group) {
            return Ok(value.clone());
        }
        let value = self.eval(inner, frames)?;
        memos.borrow_mut().put(id, self.ctx.group, value.clone());
        Ok(value)
    }

    /// A boolean expression's value; anything but a bool is an error.
    pub fn condition(&self, expr: &Expr, frames: &[&[Value]]) -> Result<bool> {
        match self.eval(expr, frames)? {
            Value::Bool(b) => Ok(b),
            other => Err(Error::new(format!("expected bool but got {}", other.go_type()))),
        }
    }

    fn path(&self, path: &PathRef, frames: &[&[Value]]) -> Result<Value> {
        let keys = self.keys(&path.keys, frames)?;
        self.ctx.get(path.field, &keys)
    }

    /// A path's keys, evaluated.
    pub fn keys(&self, keys: &[Key], frames: &[&[Value]]) -> Result<Vec<PathKey>> {
        keys.iter()
            .map(|key| match key {
                Key::String(s) => Ok(PathKey::String(s.clone())),
                Key::Int(i) => Ok(PathKey::Int(*i)),
                Key::Expr(expr) => PathKey::from_value(self.eval(expr, frames)?),
            })
            .collect()
    }

    fn call(&self, call: &Call, frames: &[&[Value]]) -> Result<Value> {
        let converter = call.function.signature();
        // Lambdas, and the getters of a lazy converter, become closures over this item.
        let closure = |body, binds_arguments| Closure { evaluator: self, body, frames, binds_arguments };
        let closures: Vec<Vec<Closure<'_, 'c, 'a>>> = call
            .args
            .iter()
            .map(|arg| match arg {
                Some(Arg::Lambda(lambda)) => vec![closure(&lambda.body, true)],
                Some(Arg::Expr(expr)) if defers(converter, expr) => match &expr.kind {
                    ExprKind::List(items) => items.iter().map(|item| closure(item, false)).collect(),
                    _ => vec![closure(expr, false)],
                },
                _ => Vec::new(),
            })
            .collect();
        let mut args = Vec::with_capacity(call.args.len());
        for (arg, closures) in call.args.iter().zip(&closures) {
            args.push(match arg {
                Some(Arg::Lambda(_)) => RuntimeArg::Lambda(&closures[0]),
                Some(Arg::Expr(expr)) if defers(converter, expr) => match &expr.kind {
                    ExprKind::List(_) => RuntimeArg::DeferredList(closures.iter().map(|c| c as &dyn RuntimeLambda).collect()),
                    _ => RuntimeArg::Deferred(&closures[0]),
                },
                None => RuntimeArg::Absent,
                Some(other) => self.plain_arg(other, frames)?,
            });
        }
        let result = converter.convert(&mut Args::new(args), &self.ctx.item)?;
        index_result(result, &self.keys(&call.keys, frames)?)
    }

    /// An argument that is not a lambda: a value, or a function passed by name.
    pub fn plain_arg(&self, arg: &Arg, frames: &[&[Value]]) -> Result<RuntimeArg<'static>> {
        Ok(match arg {
            Arg::Expr(expr) => RuntimeArg::Value(self.eval(expr, frames)?),
            Arg::Target(path) => RuntimeArg::Value(self.path(path, frames)?),
            Arg::Function(function) => RuntimeArg::Function(function.signature()),
            Arg::Lambda(_) => return Err(Error::new("a lambda is not allowed here")),
        })
    }
}

/// Whether `expr`, an argument of `converter`, is passed unevaluated: a lazy converter's
/// getters, except constants (which cannot fail).
fn defers(converter: &Function, expr: &Expr) -> bool {
    converter.is_lazy() && expr.as_const().is_none()
}

/// An expression bound to the evaluator and the frames it was written in: a lambda's
/// body (its arguments become a new frame) or a deferred getter.
struct Closure<'e, 'c, 'a> {
    evaluator: &'e Evaluator<'c, 'a>,
    body: &'e Expr,
    frames: &'e [&'e [Value]],
    binds_arguments: bool,
}

impl RuntimeLambda for Closure<'_, '_, '_> {
    fn call(&self, args: &[Value]) -> Result<Value> {
        if !self.binds_arguments {
            return self.evaluator.eval(self.body, self.frames);
        }
        let mut frames = self.frames.to_vec();
        frames.push(args);
        self.evaluator.eval(self.body, &frames)
    }
}

/// A comparison, with the seed's `in` / `not in` a list (membership by `==`).
fn compare_values(op: AstCompareOp, left: &Value, right: &Value) -> bool {
    match ir::compare_op(op) {
        Some(op) => compare::compare(left, right, op),
        None => {
            let found = match right {
                Value::Slice(items) => items.iter().any(|item| compare::compare(left, item, CompareOp::Eq)),
                _ => false,
            };
            found == (op == AstCompareOp::In)
        }
    }
}
