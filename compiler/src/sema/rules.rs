//! The static type rules (the seed's §3.5.2, over OTLP types). Each answers a question
//! only when both types are known: `Any` (and `Nil` where the reference tolerates it)
//! always passes, so that run-time semantics decide.

use ottl_grammar::ast::BinaryOp;

use crate::registry::ParamKind;
use crate::types::Type;

/// Whether a getter parameter can ever accept a value of type `ty` (the coercions of the
/// reference's getters, spec §3.2). Non-getter kinds are checked by shape, not type.
pub fn accepts(kind: ParamKind, ty: &Type) -> bool {
    use Type as T;
    if matches!(ty, T::Any | T::Nil) {
        return true;
    }
    match kind {
        ParamKind::StringGetter => matches!(ty, T::String),
        ParamKind::IntGetter => matches!(ty, T::Int),
        ParamKind::FloatGetter => matches!(ty, T::Float),
        ParamKind::BoolGetter => matches!(ty, T::Bool),
        ParamKind::PMapGetter => matches!(ty, T::Map(_)),
        ParamKind::PSliceGetter => matches!(ty, T::Array(_)),
        ParamKind::TimeGetter => matches!(ty, T::Time),
        ParamKind::DurationGetter => matches!(ty, T::Duration),
        // Anything without a string form of its own is JSON-encoded (ids become `[1,2,…]`).
        ParamKind::StringLikeGetter => true,
        ParamKind::IntLikeGetter | ParamKind::FloatLikeGetter | ParamKind::BoolLikeGetter => {
            matches!(ty, T::Int | T::Float | T::String | T::Bool)
        }
        ParamKind::ByteSliceLikeGetter => matches!(ty, T::Bytes | T::String | T::Int | T::Float | T::Bool),
        // Concat's `SliceGetter`, given a value instead of a list literal.
        ParamKind::StringLikeGetterList => matches!(ty, T::Array(_)),
        _ => true,
    }
}

/// The getter each element of a list literal bound to `kind` is built as (`buildSlice`):
/// a `[]StringGetter`'s elements must be strings, as a `StringGetter` argument must. The
/// `[]string`/`[]int64`/`[]float64` kinds take literals only, a shape the binding checks.
pub fn element_kind(kind: ParamKind) -> Option<ParamKind> {
    match kind {
        ParamKind::GetterList => Some(ParamKind::Getter),
        ParamKind::StringGetterList => Some(ParamKind::StringGetter),
        ParamKind::StringLikeGetterList => Some(ParamKind::StringLikeGetter),
        ParamKind::PMapGetterList => Some(ParamKind::PMapGetter),
        _ => None,
    }
}

/// Whether an argument bound to a getter of `kind` of `function` always fails: a value of
/// another type. A literal is converted when the statement loads, so a literal `nil` fails
/// a typed getter too; the type predicates (`IsString`, …) exist to be given values of
/// other types, and fail only on literals.
pub fn rejects(function: &str, kind: ParamKind, value: &crate::ir::Expr) -> bool {
    let literal = value.as_const().is_some();
    if is_type_predicate(function) && !literal {
        return false;
    }
    !accepts(kind, &value.ty) || (kind.is_typed_getter() && value.ty == Type::Nil && literal)
}

fn is_type_predicate(function: &str) -> bool {
    matches!(function, "IsString" | "IsInt" | "IsDouble" | "IsBool" | "IsMap" | "IsList")
}

/// Whether `==`/`<`/… between these types can ever be true (spec §3.3: numbers compare
/// across int and float; everything else only with its own type; no string↔number
/// coercion).
pub fn comparable(a: &Type, b: &Type) -> bool {
    use Type as T;
    match (a, b) {
        (T::Any | T::Nil, _) | (_, T::Any | T::Nil) => true,
        (T::Int | T::Float, T::Int | T::Float) => true,
        (T::Map(_), T::Map(_)) | (T::Array(_), T::Array(_)) => true,
        (a, b) => a == b,
    }
}

/// Why arithmetic on these types always fails.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MathError {
    /// An operand that is no number, time or duration.
    NotNumeric(Type),
    /// `*` or `/` on a time or duration.
    TimeProduct,
    /// A pair the reference has no rule for (`Time + Time`, `Duration - Time`, a time with a
    /// number).
    Mismatch(Type, Type),
}

/// The result type of `a op b` (spec §3.4), or why it always fails.
pub fn math_result(op: BinaryOp, a: &Type, b: &Type) -> Result<Type, MathError> {
    use Type as T;
    for ty in [a, b] {
        if !matches!(ty, T::Any | T::Int | T::Float | T::Time | T::Duration) {
            return Err(MathError::NotNumeric(ty.clone()));
        }
    }
    let additive = matches!(op, BinaryOp::Add | BinaryOp::Sub);
    match (a, b) {
        (T::Any, _) | (_, T::Any) => Ok(T::Any),
        (T::Int, T::Int) => Ok(T::Int),
        (T::Int | T::Float, T::Int | T::Float) => Ok(T::Float),
        (T::Time | T::Duration, _) | (_, T::Time | T::Duration) if !additive => Err(MathError::TimeProduct),
        (T::Time, T::Time) if op == BinaryOp::Sub => Ok(T::Duration),
        (T::Time, T::Duration) | (T::Duration, T::Time) if !(op == BinaryOp::Sub && *a == T::Duration) => Ok(T::Time),
        (T::Duration, T::Duration) => Ok(T::Duration),
        _ => Err(MathError::Mismatch(a.clone(), b.clone())),
    }
}

/// Whether a field of type `target` can hold a value of type `value`.
pub fn storable(target: &Type, value: &Type) -> bool {
    use Type as T;
    match (target, value) {
        (T::Any, _) | (_, T::Any | T::Nil) => true,
        (T::Map(_), T::Map(_)) | (T::Array(_), T::Array(_)) => true,
        (t, v) => t == v,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn getters_accept_what_they_coerce() {
        assert!(accepts(ParamKind::StringGetter, &Type::String));
        assert!(!accepts(ParamKind::StringGetter, &Type::Int));
        assert!(accepts(ParamKind::StringLikeGetter, &Type::Int));
        assert!(accepts(ParamKind::StringLikeGetter, &Type::SpanId));
        assert!(accepts(ParamKind::IntLikeGetter, &Type::String));
        assert!(!accepts(ParamKind::PMapGetter, &Type::String));
        assert!(accepts(ParamKind::PMapGetter, &Type::Any));
        assert!(accepts(ParamKind::StringLikeGetterList, &Type::Array(Box::new(Type::String))));
        assert!(!accepts(ParamKind::StringLikeGetterList, &Type::String));
    }

    #[test]
    fn list_elements_are_built_as_their_getter() {
        assert_eq!(element_kind(ParamKind::StringGetterList), Some(ParamKind::StringGetter));
        assert_eq!(element_kind(ParamKind::PMapGetterList), Some(ParamKind::PMapGetter));
        assert_eq!(element_kind(ParamKind::StringList), None);
    }

    #[test]
    fn comparisons() {
        assert!(comparable(&Type::Int, &Type::Float));
        assert!(!comparable(&Type::Int, &Type::String));
        assert!(comparable(&Type::Any, &Type::String));
        assert!(!comparable(&Type::Bool, &Type::Int));
    }

    #[test]
    fn arithmetic() {
        assert_eq!(math_result(BinaryOp::Add, &Type::Int, &Type::Int), Ok(Type::Int));
        assert_eq!(math_result(BinaryOp::Div, &Type::Int, &Type::Float), Ok(Type::Float));
        assert_eq!(math_result(BinaryOp::Sub, &Type::Time, &Type::Time), Ok(Type::Duration));
        assert_eq!(math_result(BinaryOp::Add, &Type::Duration, &Type::Time), Ok(Type::Time));
        assert_eq!(
            math_result(BinaryOp::Sub, &Type::Duration, &Type::Time),
            Err(MathError::Mismatch(Type::Duration, Type::Time))
        );
        assert_eq!(math_result(BinaryOp::Mul, &Type::Duration, &Type::Int), Err(MathError::TimeProduct));
        assert_eq!(math_result(BinaryOp::Add, &Type::String, &Type::Int), Err(MathError::NotNumeric(Type::String)));
    }
}
