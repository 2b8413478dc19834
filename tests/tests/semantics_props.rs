//! Comparison and arithmetic (spec §3.3, §3.4) against a small independent model of the
//! rules, on random operands of every primitive type.

use std::cmp::Ordering;

use ottl_runtime::Value;
use ottl_runtime::compare::{CompareOp, compare};
use ottl_runtime::math::{MathOp, apply};
use proptest::prelude::*;

fn primitive() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Nil),
        any::<bool>().prop_map(Value::Bool),
        prop_oneof![any::<i64>(), -3i64..3].prop_map(Value::Int),
        prop_oneof![any::<f64>(), (-3i64..3).prop_map(|i| i as f64), Just(f64::NAN)].prop_map(Value::Float),
        "[a-c]{0,3}".prop_map(Value::String),
        prop::collection::vec(0u8..3, 0..3).prop_map(Value::Bytes),
    ]
}

const OPS: [CompareOp; 6] = [CompareOp::Eq, CompareOp::Ne, CompareOp::Lt, CompareOp::Le, CompareOp::Gt, CompareOp::Ge];

/// The model: how two operands order, `None` when they cannot be compared.
fn model_order(a: &Value, b: &Value) -> Option<Ordering> {
    use Value::*;
    // Empty bytes are nil (the reference's `AsRaw` gives a nil slice).
    let as_nil = |v: &Value| if matches!(v, Bytes(b) if b.is_empty()) { Nil } else { v.clone() };
    match (&as_nil(a), &as_nil(b)) {
        (Nil, Nil) => Some(Ordering::Equal),
        (Bool(x), Bool(y)) => Some((*x as u8).cmp(&(*y as u8))),
        (Int(x), Int(y)) => Some(x.cmp(y)),
        (Int(_) | Float(_), Int(_) | Float(_)) => as_f64(a).partial_cmp(&as_f64(b)),
        (String(x), String(y)) => Some(x.as_bytes().cmp(y.as_bytes())),
        (Bytes(x), Bytes(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

fn as_f64(v: &Value) -> f64 {
    match v {
        Value::Int(i) => *i as f64,
        Value::Float(f) => *f,
        _ => f64::NAN,
    }
}

fn model_compare(a: &Value, b: &Value, op: CompareOp) -> bool {
    match model_order(a, b) {
        None => op == CompareOp::Ne,
        Some(o) => match op {
            CompareOp::Eq => o.is_eq(),
            CompareOp::Ne => o.is_ne(),
            CompareOp::Lt => o.is_lt(),
            CompareOp::Le => o.is_le(),
            CompareOp::Gt => o.is_gt(),
            CompareOp::Ge => o.is_ge(),
        },
    }
}

/// The model of arithmetic on numbers: `Some(Ok(v))`, `Some(Err(()))` for an error,
/// `None` when an operand is not a number (an error too).
fn model_math(op: MathOp, a: &Value, b: &Value) -> Result<Value, ()> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => match op {
            MathOp::Add => Ok(Value::Int(x.wrapping_add(*y))),
            MathOp::Sub => Ok(Value::Int(x.wrapping_sub(*y))),
            MathOp::Mul => Ok(Value::Int(x.wrapping_mul(*y))),
            MathOp::Div if *y == 0 => Err(()),
            MathOp::Div => Ok(Value::Int(x.wrapping_div(*y))),
        },
        (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_)) => {
            let (x, y) = (as_f64(a), as_f64(b));
            match op {
                MathOp::Add => Ok(Value::Float(x + y)),
                MathOp::Sub => Ok(Value::Float(x - y)),
                MathOp::Mul => Ok(Value::Float(x * y)),
                MathOp::Div if y == 0.0 => Err(()),
                MathOp::Div => Ok(Value::Float(x / y)),
            }
        }
        _ => Err(()),
    }
}

fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Float(x), Value::Float(y)) => x == y || (x.is_nan() && y.is_nan()),
        (Value::Int(x), Value::Int(y)) => x == y,
        _ => false,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn comparison_follows_the_rules(a in primitive(), b in primitive()) {
        for op in OPS {
            prop_assert_eq!(compare(&a, &b, op), model_compare(&a, &b, op), "{:?} {:?} {:?}", a, op, b);
        }
    }

    #[test]
    fn comparison_is_mirrored_by_swapping(a in primitive(), b in primitive()) {
        let mirror = [(CompareOp::Lt, CompareOp::Gt), (CompareOp::Le, CompareOp::Ge), (CompareOp::Eq, CompareOp::Eq), (CompareOp::Ne, CompareOp::Ne)];
        for (op, mirrored) in mirror {
            prop_assert_eq!(compare(&a, &b, op), compare(&b, &a, mirrored));
        }
    }

    #[test]
    fn arithmetic_follows_the_rules(a in primitive(), b in primitive()) {
        for op in [MathOp::Add, MathOp::Sub, MathOp::Mul, MathOp::Div] {
            match (apply(op, &a, &b), model_math(op, &a, &b)) {
                (Ok(got), Ok(want)) => prop_assert!(same(&got, &want), "{:?} {:?} {:?} = {:?}, model {:?}", a, op, b, got, want),
                (Err(_), Err(())) => {}
                (got, want) => prop_assert!(false, "{:?} {:?} {:?}: {:?} vs model {:?}", a, op, b, got, want),
            }
        }
    }
}

#[test]
fn arithmetic_errors_use_the_reference_words() {
    let e = |op, a: Value, b: Value| apply(op, &a, &b).unwrap_err().to_string();
    assert_eq!(e(MathOp::Div, Value::Int(1), Value::Int(0)), "attempted to divide by 0");
    assert_eq!(e(MathOp::Div, Value::Float(1.0), Value::Float(0.0)), "attempted to divide by 0");
    assert_eq!(e(MathOp::Add, Value::string("a"), Value::Int(1)), "a must be int64, float64, time.Time or time.Duration");
    assert_eq!(e(MathOp::Add, Value::Int(1), Value::string("a")), "a must be int64 or float64");
    assert_eq!(
        e(MathOp::Mul, Value::Duration(1), Value::Int(2)),
        "only addition and subtraction supported for time.Time and time.Duration"
    );
    assert_eq!(
        apply(MathOp::Add, &Value::Duration(3_600_000_000_000), &Value::Duration(1_800_000_000_000)).unwrap(),
        Value::Duration(5_400_000_000_000)
    );
}
