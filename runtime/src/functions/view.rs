//! Arguments read in place: a constant of the rule set, or an attribute or string field
//! of the item, handed to a function without building an owned [`Value`] per call.
//!
//! A parameter that borrows (`&str`, `i64`, …) reads the view directly; one that needs a
//! `&Value` gets the view converted once, in its argument slot ([`Arg::value`]), so that a
//! function body never sees the difference.

use opentelemetry_proto::tonic::common::v1::{AnyValue, any_value};

use super::Arg;
use crate::value::Value;

/// Where a borrowed argument is.
#[derive(Clone, Copy, Debug)]
pub enum View<'a> {
    /// A value the back end keeps: a constant of the rule set.
    Value(&'a Value),
    /// An OTLP attribute value or the log body; `None` (absent) is nil.
    Any(Option<&'a AnyValue>),
    /// A string field of the item (`span.name`, `log.severity_text`, …).
    Str(&'a str),
}

impl<'a> View<'a> {
    /// The value, copied.
    pub fn to_value(self) -> Value {
        match self {
            View::Value(value) => value.clone(),
            View::Any(any) => any.map(Value::from_any_value).unwrap_or_default(),
            View::Str(text) => Value::String(text.to_string()),
        }
    }

    /// The text of a string value, borrowed; `None` for any other type.
    pub fn as_str(self) -> Option<&'a str> {
        match self {
            View::Value(Value::String(text)) => Some(text),
            View::Any(Some(AnyValue { value: Some(any_value::Value::StringValue(text)) })) => Some(text),
            View::Str(text) => Some(text),
            _ => None,
        }
    }
}

static NIL: Value = Value::Nil;

impl Arg<'_> {
    /// The argument as a value: a view is converted in place the first time it is asked
    /// for (a constant is only borrowed), nil when the slot holds no value.
    pub fn value(&mut self) -> &Value {
        if let Arg::View(View::Value(value)) = *self {
            return value;
        }
        if let Arg::View(view) = *self {
            *self = Arg::Value(view.to_value());
        }
        match self {
            Arg::Value(value) => value,
            _ => &NIL,
        }
    }

    /// The argument as an owned value: taken when the slot holds one, copied from a view.
    pub fn take_value(&mut self) -> Value {
        match self {
            Arg::Value(value) => std::mem::take(value),
            Arg::View(view) => view.to_value(),
            _ => Value::Nil,
        }
    }
}
