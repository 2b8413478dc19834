//! Arithmetic (spec §3.4, `math.go`): int op int stays int64 (Go's wrapping and
//! truncating rules), a float on either side makes float64, and times and durations add
//! and subtract.

use chrono::TimeDelta;

use crate::error::{Error, Result};
use crate::value::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MathOp {
    Add,
    Sub,
    Mul,
    Div,
}

impl MathOp {
    pub fn symbol(self) -> char {
        match self {
            MathOp::Add => '+',
            MathOp::Sub => '-',
            MathOp::Mul => '*',
            MathOp::Div => '/',
        }
    }
}

/// The error of an integer or float division by zero.
pub const DIVIDE_BY_ZERO: &str = "attempted to divide by 0";

/// `left OP right`.
pub fn apply(op: MathOp, left: &Value, right: &Value) -> Result<Value> {
    match (left, right) {
        (Value::Int(a), Value::Int(b)) => int_op(op, *a, *b).map(Value::Int),
        (Value::Int(a), Value::Float(b)) => float_op(op, *a as f64, *b).map(Value::Float),
        (Value::Float(a), Value::Int(b)) => float_op(op, *a, *b as f64).map(Value::Float),
        (Value::Float(a), Value::Float(b)) => float_op(op, *a, *b).map(Value::Float),
        (Value::Int(_) | Value::Float(_), other) => Err(right_operand_error(other)),
        (Value::Time(_) | Value::Duration(_), _) => time_op(op, left, right),
        (other, _) => Err(Error::new(format!("{} must be int64, float64, time.Time or time.Duration", operand_text(other)))),
    }
}

/// Unary minus on an int64 or float64.
pub fn negate(value: &Value) -> Result<Value> {
    match value {
        Value::Int(i) => Ok(Value::Int(i.wrapping_neg())),
        Value::Float(f) => Ok(Value::Float(-f)),
        other => Err(Error::new(format!("unsupported unary minus operation on type {}", other.go_type()))),
    }
}

fn int_op(op: MathOp, a: i64, b: i64) -> Result<i64> {
    Ok(match op {
        MathOp::Add => a.wrapping_add(b),
        MathOp::Sub => a.wrapping_sub(b),
        MathOp::Mul => a.wrapping_mul(b),
        MathOp::Div if b == 0 => return Err(Error::new(DIVIDE_BY_ZERO)),
        MathOp::Div => a.wrapping_div(b),
    })
}

fn float_op(op: MathOp, a: f64, b: f64) -> Result<f64> {
    Ok(match op {
        MathOp::Add => a + b,
        MathOp::Sub => a - b,
        MathOp::Mul => a * b,
        MathOp::Div if b == 0.0 => return Err(Error::new(DIVIDE_BY_ZERO)),
        MathOp::Div => a / b,
    })
}

fn time_op(op: MathOp, left: &Value, right: &Value) -> Result<Value> {
    if matches!(op, MathOp::Mul | MathOp::Div) {
        return Err(Error::new("only addition and subtraction supported for time.Time and time.Duration"));
    }
    let subtract = op == MathOp::Sub;
    match (left, right) {
        (Value::Time(a), Value::Time(b)) if subtract => {
            Ok(Value::Duration(a.signed_duration_since(*b).num_nanoseconds().unwrap_or(i64::MAX)))
        }
        (Value::Time(t), Value::Duration(d)) => {
            let delta = TimeDelta::nanoseconds(if subtract { d.wrapping_neg() } else { *d });
            t.checked_add_signed(delta).map(Value::Time).ok_or_else(|| Error::new("time out of range"))
        }
        (Value::Duration(d), Value::Time(t)) if !subtract => {
            t.checked_add_signed(TimeDelta::nanoseconds(*d)).map(Value::Time).ok_or_else(|| Error::new("time out of range"))
        }
        (Value::Duration(a), Value::Duration(b)) => {
            Ok(Value::Duration(if subtract { a.wrapping_sub(*b) } else { a.wrapping_add(*b) }))
        }
        (Value::Time(_), other) => Err(Error::new(format!(
            "time.Time can only be {} with time.{}, not {}",
            if subtract { "subtracted" } else { "added" },
            if subtract { "Time or time.Duration" } else { "Duration" },
            other.go_type()
        ))),
        (_, other) => Err(Error::new(format!(
            "time.Duration can only be {} with time.Duration{}, not {}",
            if subtract { "subtracted" } else { "added" },
            if subtract { "" } else { " or time.Time" },
            other.go_type()
        ))),
    }
}

fn right_operand_error(value: &Value) -> Error {
    Error::new(format!("{} must be int64 or float64", operand_text(value)))
}

/// How the reference names an operand in its messages: the value itself (`a must be …`).
fn operand_text(value: &Value) -> String {
    match value {
        Value::Nil => "<nil>".to_string(),
        other => other.to_string(),
    }
}
