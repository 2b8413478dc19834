//! Comparison (spec §3.3, `compare.go`): never an error; an invalid comparison is `true`
//! for `!=` and `false` for every other operator.

use std::cmp::Ordering;

use crate::value::Value;

/// The six comparison operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CompareOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CompareOp {
    /// The result of the operator given how the operands are ordered.
    fn holds(self, ordering: Ordering) -> bool {
        match self {
            CompareOp::Eq => ordering == Ordering::Equal,
            CompareOp::Ne => ordering != Ordering::Equal,
            CompareOp::Lt => ordering == Ordering::Less,
            CompareOp::Le => ordering != Ordering::Greater,
            CompareOp::Gt => ordering == Ordering::Greater,
            CompareOp::Ge => ordering != Ordering::Less,
        }
    }

    /// The result of a comparison between operands that cannot be compared.
    fn invalid(self) -> bool {
        self == CompareOp::Ne
    }

    /// For operands that support only equality.
    fn equality(self, equal: bool) -> bool {
        match self {
            CompareOp::Eq => equal,
            CompareOp::Ne => !equal,
            _ => false,
        }
    }
}

/// `left OP right` by the reference's rules.
pub fn compare(left: &Value, right: &Value, op: CompareOp) -> bool {
    use Value::*;
    // Empty bytes are a nil byte slice in the reference (`AsRaw`), and compare as nil.
    let nil_like = |v: &Value| matches!(v, Nil) || matches!(v, Bytes(b) if b.is_empty());
    match (left, right) {
        (l, r) if nil_like(l) && nil_like(r) => op.holds(Ordering::Equal),
        (l, _) | (_, l) if nil_like(l) => op.invalid(),
        (Bool(a), Bool(b)) => op.holds(a.cmp(b)),
        (Int(a), Int(b)) => op.holds(a.cmp(b)),
        (Int(a), Float(b)) => compare_floats(*a as f64, *b, op),
        (Float(a), Int(b)) => compare_floats(*a, *b as f64, op),
        (Float(a), Float(b)) => compare_floats(*a, *b, op),
        (String(a), String(b)) => compare_strings(a, b, op),
        (Bytes(a), Bytes(b)) => op.holds(a.cmp(b)),
        (Time(a), Time(b)) => op.holds(a.cmp(b)),
        (Duration(a), Duration(b)) => op.holds(a.cmp(b)),
        (Map(_), Map(_)) | (Slice(_), Slice(_)) => op.equality(equal(left, right)),
        (TraceId(a), TraceId(b)) => op.equality(a == b),
        (SpanId(a), SpanId(b)) => op.equality(a == b),
        (ProfileId(a), ProfileId(b)) => op.equality(a == b),
        (Pdata(a), Pdata(b)) => op.equality(a == b),
        _ => op.invalid(),
    }
}

/// Strings byte by byte, as Go compares them. Equality compares the lengths first: most
/// strings that differ differ in length, and their bytes (often not in the cache yet) are
/// then never read.
fn compare_strings(a: &str, b: &str, op: CompareOp) -> bool {
    match op {
        CompareOp::Eq => a == b,
        CompareOp::Ne => a != b,
        _ => op.holds(a.as_bytes().cmp(b.as_bytes())),
    }
}

/// Go float comparison: every operator but `!=` is false when a NaN is involved.
fn compare_floats(a: f64, b: f64, op: CompareOp) -> bool {
    match a.partial_cmp(&b) {
        Some(ordering) => op.holds(ordering),
        None => op == CompareOp::Ne,
    }
}

/// Deep equality: maps regardless of key order, slices element-wise, numbers of mixed
/// kinds as float64 (what `==` does on values).
pub fn equal(left: &Value, right: &Value) -> bool {
    use Value::*;
    match (left, right) {
        (Map(a), Map(b)) => a.len() == b.len() && a.iter().all(|(k, v)| b.get(k).is_some_and(|w| equal_strict(v, w))),
        (Slice(a), Slice(b)) => a.len() == b.len() && a.iter().zip(b).all(|(v, w)| equal_strict(v, w)),
        _ => compare(left, right, CompareOp::Eq),
    }
}

/// Equality of elements inside maps and slices: `pcommon.Value.Equal` compares types too,
/// so an Int 1 and a Double 1.0 differ.
fn equal_strict(left: &Value, right: &Value) -> bool {
    match (left, right) {
        (Value::Int(_), Value::Float(_)) | (Value::Float(_), Value::Int(_)) => false,
        (Value::Float(a), Value::Float(b)) => a == b,
        _ => equal(left, right),
    }
}

/// `left OP right` where `left` is an OTLP value read in place (`None`: absent), without
/// copying it into a [`Value`] for the common scalar cases.
pub fn compare_any(left: Option<&opentelemetry_proto::tonic::common::v1::AnyValue>, right: &Value, op: CompareOp) -> bool {
    use opentelemetry_proto::tonic::common::v1::any_value::Value as Any;
    match (left.and_then(|v| v.value.as_ref()), right) {
        (Some(Any::StringValue(a)), Value::String(b)) => compare_strings(a, b, op),
        (Some(Any::IntValue(a)), Value::Int(b)) => op.holds(a.cmp(b)),
        (Some(Any::IntValue(a)), Value::Float(b)) => compare_floats(*a as f64, *b, op),
        (Some(Any::DoubleValue(a)), Value::Float(b)) => compare_floats(*a, *b, op),
        (Some(Any::DoubleValue(a)), Value::Int(b)) => compare_floats(*a, *b as f64, op),
        (Some(Any::BoolValue(a)), Value::Bool(b)) => op.holds(a.cmp(b)),
        (None, _) => compare(&Value::Nil, right, op),
        (Some(_), _) => compare(&left.map_or(Value::Nil, Value::from_any_value), right, op),
    }
}

/// `left OP right` for a string read in place.
pub fn compare_str(left: &str, right: &Value, op: CompareOp) -> bool {
    match right {
        Value::String(b) => compare_strings(left, b, op),
        _ => compare(&Value::String(left.to_string()), right, op),
    }
}

impl CompareOp {
    /// The operator with its operands swapped: `a < b` is `b > a`.
    pub fn swapped(self) -> CompareOp {
        match self {
            CompareOp::Lt => CompareOp::Gt,
            CompareOp::Le => CompareOp::Ge,
            CompareOp::Gt => CompareOp::Lt,
            CompareOp::Ge => CompareOp::Le,
            other => other,
        }
    }
}
