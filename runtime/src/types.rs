//! The static types of OTTL values: the seed's base types (String, Int, Float, Bool,
//! Bytes, Nil, arrays, string-keyed maps), what OTLP adds (times, durations, ids), `Any`
//! for values known only at run time (attribute values), and the pdata structures some
//! paths expose that only particular functions accept.

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    String,
    Int,
    Float,
    Bool,
    Bytes,
    Nil,
    /// A list; `Array(Any)` for lists whose element types vary.
    Array(Box<Type>),
    /// A map with string keys.
    Map(Box<Type>),
    Time,
    Duration,
    TraceId,
    SpanId,
    ProfileId,
    /// Known only at run time: an attribute or body value, a parsed JSON field.
    Any,
    /// A pdata structure such as `ptrace.SpanEventSlice` or `ptrace.Status`, named as the
    /// reference names it; only functions that ask for it accept it.
    Opaque(&'static str),
}

impl Type {
    /// Whether a value of this type can be compared or combined with anything only at run
    /// time, so static rules do not apply.
    pub fn is_dynamic(&self) -> bool {
        matches!(self, Type::Any)
    }

    pub fn is_numeric(&self) -> bool {
        matches!(self, Type::Int | Type::Float)
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::String => f.write_str("String"),
            Type::Int => f.write_str("Int"),
            Type::Float => f.write_str("Float"),
            Type::Bool => f.write_str("Bool"),
            Type::Bytes => f.write_str("Bytes"),
            Type::Nil => f.write_str("Nil"),
            Type::Array(element) => write!(f, "Array<{element}>"),
            Type::Map(value) => write!(f, "Map<String, {value}>"),
            Type::Time => f.write_str("Time"),
            Type::Duration => f.write_str("Duration"),
            Type::TraceId => f.write_str("TraceID"),
            Type::SpanId => f.write_str("SpanID"),
            Type::ProfileId => f.write_str("ProfileID"),
            Type::Any => f.write_str("Any"),
            Type::Opaque(name) => f.write_str(name),
        }
    }
}

/// A [`Type`] that can live in a `static` (no boxes), as the context schemas and the
/// function registry write their types; [`TypeSpec::to_type`] gives the checker's type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TypeSpec {
    String,
    Int,
    Float,
    Bool,
    Bytes,
    Nil,
    Array(&'static TypeSpec),
    Map(&'static TypeSpec),
    Time,
    Duration,
    TraceId,
    SpanId,
    ProfileId,
    Any,
    Opaque(&'static str),
}

impl TypeSpec {
    /// `pcommon.Map`: `Map<String, Any>`.
    pub const MAP_ANY: TypeSpec = TypeSpec::Map(&TypeSpec::Any);
    /// Request metadata: `Map<String, Array<String>>`.
    pub const MAP_STRING_LIST: TypeSpec = TypeSpec::Map(&TypeSpec::Array(&TypeSpec::String));
    pub const ARRAY_INT: TypeSpec = TypeSpec::Array(&TypeSpec::Int);
    pub const ARRAY_FLOAT: TypeSpec = TypeSpec::Array(&TypeSpec::Float);
    pub const ARRAY_STRING: TypeSpec = TypeSpec::Array(&TypeSpec::String);

    pub fn to_type(self) -> Type {
        match self {
            TypeSpec::String => Type::String,
            TypeSpec::Int => Type::Int,
            TypeSpec::Float => Type::Float,
            TypeSpec::Bool => Type::Bool,
            TypeSpec::Bytes => Type::Bytes,
            TypeSpec::Nil => Type::Nil,
            TypeSpec::Array(element) => Type::Array(Box::new(element.to_type())),
            TypeSpec::Map(value) => Type::Map(Box::new(value.to_type())),
            TypeSpec::Time => Type::Time,
            TypeSpec::Duration => Type::Duration,
            TypeSpec::TraceId => Type::TraceId,
            TypeSpec::SpanId => Type::SpanId,
            TypeSpec::ProfileId => Type::ProfileId,
            TypeSpec::Any => Type::Any,
            TypeSpec::Opaque(name) => Type::Opaque(name),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_reads_like_the_seed() {
        assert_eq!(Type::Map(Box::new(Type::Array(Box::new(Type::String)))).to_string(), "Map<String, Array<String>>");
        assert_eq!(Type::Opaque("ptrace.Status").to_string(), "ptrace.Status");
    }
}
