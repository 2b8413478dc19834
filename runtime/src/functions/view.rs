//! Arguments read in place: a constant of the rule set, or an attribute or string field
//! of the item, handed to a function without building an owned [`Value`] per call.
//!
//! A parameter that borrows (`&str`, `i64`, …) reads the view directly; one that needs a
//! `&Value` gets the view converted once, in its argument slot ([`Arg::value`]), so that a
//! function body never sees the difference.

use opentelemetry_proto::tonic::common::v1::{AnyValue, any_value};

use super::typed::NIL;
use super::{Arg, FromArg};
use crate::compare::{self, CompareOp};
use crate::error::Result;
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

/// A `PSliceGetter`'s value for a body that only reads it: an array attribute is read
/// where it is, element by element, instead of being converted whole.
#[derive(Clone, Copy, Debug)]
pub enum SliceView<'a> {
    Values(&'a [Value]),
    Any(&'a [AnyValue]),
}

impl SliceView<'_> {
    /// Whether an element equals `item` by OTTL's comparison rules.
    pub fn contains(self, item: &Value) -> bool {
        match self {
            SliceView::Values(values) => values.iter().any(|element| compare::compare(element, item, CompareOp::Eq)),
            SliceView::Any(values) => values.iter().any(|element| compare::compare_any(Some(element), item, CompareOp::Eq)),
        }
    }
}

impl<'s, 'l> FromArg<'s, 'l> for SliceView<'s> {
    fn from_arg(slot: Option<&'s mut Arg<'l>>) -> Result<Self> {
        if let Some(Arg::View(View::Any(Some(AnyValue { value: Some(any_value::Value::ArrayValue(array)) })))) = slot.as_deref() {
            return Ok(SliceView::Any(&array.values));
        }
        <&[Value]>::from_arg(slot).map(SliceView::Values)
    }
}

impl<'s, 'l: 's> FromArg<'s, 'l> for View<'s> {
    /// A `Getter` for a body that reads its value only in some cases (the text of a
    /// string, say) and converts it for the others.
    fn from_arg(slot: Option<&'s mut Arg<'l>>) -> Result<Self> {
        Ok(match slot {
            Some(Arg::View(view)) => *view,
            Some(other) => View::Value(other.value()),
            None => View::Value(&NIL),
        })
    }
}
