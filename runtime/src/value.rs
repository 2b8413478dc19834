//! Run-time values: what getters return and setters accept (spec §3.1).
//!
//! One Rust enum stands for the Go values the reference passes around as `any`. Maps and
//! slices are owned: a getter returns a copy and an editor writes the changed copy back
//! through its target, which behaves like the reference's by-reference `pcommon.Map`
//! for everything a statement can observe.

use std::fmt;

use chrono::{DateTime, FixedOffset};
use indexmap::IndexMap;
use opentelemetry_proto::tonic::common::v1::{AnyValue, ArrayValue, KeyValue, KeyValueList, any_value};

/// A string-keyed map in insertion order, like `pcommon.Map` (a new key goes last, an
/// existing key keeps its place when its value changes).
pub type Map = IndexMap<String, Value>;

#[derive(Clone, Debug, Default)]
pub enum Value {
    /// Go `nil`, and an Empty `pcommon.Value`.
    #[default]
    Nil,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    Bytes(Vec<u8>),
    /// `pcommon.Map` and `map[string]any`.
    Map(Map),
    /// `pcommon.Slice`, `[]any` and the typed Go slices (`[]string` from `Split`, …).
    Slice(Vec<Value>),
    /// `time.Time`: an instant with the offset of the location it was read in.
    Time(DateTime<FixedOffset>),
    /// `time.Duration` in nanoseconds.
    Duration(i64),
    TraceId([u8; 16]),
    SpanId([u8; 8]),
    ProfileId([u8; 16]),
    /// A pdata structure only some functions and setters accept (`span.status`, …).
    Pdata(Box<Pdata>),
}

/// The pdata structures paths expose whole.
#[derive(Clone, Debug, PartialEq)]
pub enum Pdata {
    Status(opentelemetry_proto::tonic::trace::v1::Status),
    SpanEvents(Vec<opentelemetry_proto::tonic::trace::v1::span::Event>),
    SpanLinks(Vec<opentelemetry_proto::tonic::trace::v1::span::Link>),
    /// A metric's data points, exemplars or buckets: carried as their OTLP/JSON form.
    Other {
        go_type: &'static str,
        json: serde_json::Value,
    },
}

impl Pdata {
    pub fn go_type(&self) -> &'static str {
        match self {
            Pdata::Status(_) => "ptrace.Status",
            Pdata::SpanEvents(_) => "ptrace.SpanEventSlice",
            Pdata::SpanLinks(_) => "ptrace.SpanLinkSlice",
            Pdata::Other { go_type, .. } => go_type,
        }
    }
}

impl Value {
    pub fn string(s: impl Into<String>) -> Value {
        Value::String(s.into())
    }

    pub fn is_nil(&self) -> bool {
        matches!(self, Value::Nil)
    }

    /// The Go type the reference's messages name (`expected string but got int64`).
    pub fn go_type(&self) -> &'static str {
        match self {
            Value::Nil => "nil",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int64",
            Value::Float(_) => "float64",
            Value::String(_) => "string",
            Value::Bytes(_) => "[]uint8",
            Value::Map(_) => "pcommon.Map",
            Value::Slice(_) => "pcommon.Slice",
            Value::Time(_) => "time.Time",
            Value::Duration(_) => "time.Duration",
            Value::TraceId(_) => "pcommon.TraceID",
            Value::SpanId(_) => "pcommon.SpanID",
            Value::ProfileId(_) => "pprofile.ProfileID",
            Value::Pdata(p) => p.go_type(),
        }
    }

    /// The `pcommon.ValueType` name (`Str`, `Int`, `Map`, …) of what this value becomes in
    /// an attribute, as the reference's setter errors spell it.
    pub fn value_type_name(&self) -> &'static str {
        match self {
            Value::Nil => "Empty",
            Value::Bool(_) => "Bool",
            Value::Int(_) => "Int",
            Value::Float(_) => "Double",
            Value::String(_) => "Str",
            Value::Bytes(_) => "Bytes",
            Value::Map(_) => "Map",
            Value::Slice(_) => "Slice",
            _ => "Empty",
        }
    }

    /// Whether this value can be stored in an attribute (`ctxutil.SetValue`); other values
    /// (times, ids, pdata) leave the target Empty, as the reference does.
    pub fn is_attribute_value(&self) -> bool {
        matches!(
            self,
            Value::Nil
                | Value::Bool(_)
                | Value::Int(_)
                | Value::Float(_)
                | Value::String(_)
                | Value::Bytes(_)
                | Value::Map(_)
                | Value::Slice(_)
        )
    }

    /// The OTLP attribute value; values an attribute cannot hold become Empty.
    pub fn to_any_value(&self) -> AnyValue {
        let value = match self {
            Value::Bool(b) => Some(any_value::Value::BoolValue(*b)),
            Value::Int(i) => Some(any_value::Value::IntValue(*i)),
            Value::Float(f) => Some(any_value::Value::DoubleValue(*f)),
            Value::String(s) => Some(any_value::Value::StringValue(s.clone())),
            Value::Bytes(b) => Some(any_value::Value::BytesValue(b.clone())),
            Value::Map(m) => Some(any_value::Value::KvlistValue(KeyValueList { values: map_to_key_values(m) })),
            Value::Slice(items) => {
                Some(any_value::Value::ArrayValue(ArrayValue { values: items.iter().map(Value::to_any_value).collect() }))
            }
            _ => None,
        };
        AnyValue { value }
    }

    /// [`Value::to_any_value`] without copying a string's or bytes' contents.
    pub fn into_any_value(self) -> AnyValue {
        match self {
            Value::String(s) => AnyValue { value: Some(any_value::Value::StringValue(s)) },
            Value::Bytes(b) => AnyValue { value: Some(any_value::Value::BytesValue(b)) },
            other => other.to_any_value(),
        }
    }

    /// The value an OTLP attribute holds (Empty → nil).
    pub fn from_any_value(value: &AnyValue) -> Value {
        match &value.value {
            None => Value::Nil,
            Some(any_value::Value::BoolValue(b)) => Value::Bool(*b),
            Some(any_value::Value::IntValue(i)) => Value::Int(*i),
            Some(any_value::Value::DoubleValue(f)) => Value::Float(*f),
            Some(any_value::Value::StringValue(s)) => Value::String(s.clone()),
            Some(any_value::Value::BytesValue(b)) => Value::Bytes(b.clone()),
            Some(any_value::Value::KvlistValue(list)) => Value::Map(map_from_key_values(&list.values)),
            Some(any_value::Value::ArrayValue(array)) => Value::Slice(array.values.iter().map(Value::from_any_value).collect()),
            // Profiles' string-table references have no OTTL value.
            #[allow(unreachable_patterns)]
            Some(_) => Value::Nil,
        }
    }
}

/// An attribute list as a map; a later duplicate key wins its place as pdata's `Get`
/// finds the first, so the first occurrence is kept.
pub fn map_from_key_values(list: &[KeyValue]) -> Map {
    let mut map = Map::with_capacity(list.len());
    for kv in list {
        if !map.contains_key(&kv.key) {
            map.insert(kv.key.clone(), kv.value.as_ref().map(Value::from_any_value).unwrap_or_default());
        }
    }
    map
}

pub fn map_to_key_values(map: &Map) -> Vec<KeyValue> {
    map.iter().map(|(k, v)| KeyValue { key: k.clone(), value: Some(v.to_any_value()), ..Default::default() }).collect()
}

/// Structural equality, the reference's `==` on maps, slices and bytes (floats by value).
impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        crate::compare::equal(self, other)
    }
}

/// The Go `%v`-like text used in messages.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Nil => f.write_str("<nil>"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => f.write_str(&crate::coerce::format_float(*x)),
            Value::String(s) => f.write_str(s),
            other => f.write_str(&crate::coerce::to_json_string(other)),
        }
    }
}
