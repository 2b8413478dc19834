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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_reads_like_the_seed() {
        assert_eq!(Type::Map(Box::new(Type::Array(Box::new(Type::String)))).to_string(), "Map<String, Array<String>>");
        assert_eq!(Type::Opaque("ptrace.Status").to_string(), "ptrace.Status");
    }
}
