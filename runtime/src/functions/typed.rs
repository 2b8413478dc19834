//! Typed parameters: a function body is a plain Rust function of `&str`, `i64`, a borrowed
//! [`Value`] or [`Map`], an [`Option`] for an optional parameter, …, and the
//! [`converter!`](crate::converter) / [`editor!`](crate::editor) adapters convert each
//! argument as its Rust type says, with the getter rules of spec §3.2 and their error
//! texts. Borrowed types borrow the evaluated argument; only [`Value`] itself takes it,
//! for the bodies that keep it.
//!
//! | parameter kind | Rust type |
//! |---|---|
//! | `Getter` | `&Value` (or `Value` to keep it) |
//! | `StringGetter`, `string` | `&str` |
//! | `IntGetter`, `int64` | `i64` |
//! | `FloatGetter`, `float64` | `f64` |
//! | `BoolGetter`, `bool` | `bool` |
//! | `PMapGetter` | `&Map` |
//! | `PSliceGetter` | `&[Value]` |
//! | `TimeGetter` | [`Time`] |
//! | `DurationGetter` | [`Nanos`] |
//! | `StringLikeGetter`, … | [`StringLike`], [`IntLike`], [`FloatLike`], [`BoolLike`], [`BytesLike`] |
//! | list literals (`[]Getter`, `[]StringGetter`, …) | [`List`] |
//! | `[]string` | `Vec<&str>` |
//! | `FunctionGetter` | `&'static Function` |
//! | a lambda | `&dyn Lambda` |
//! | a lazy converter's getter | [`Deferred`] |
//! | optional `T` | `Option<T>` |

use super::{Arg, Function, Lambda};
use crate::coerce;
use crate::error::{Error, Result};
use crate::value::{Map, Value};

/// Converts one argument slot (`None` past the last argument given) to a parameter type.
pub trait FromArg<'s, 'l>: Sized {
    fn from_arg(slot: Option<&'s mut Arg<'l>>) -> Result<Self>;
}

/// What an absent argument reads as.
pub(super) static NIL: Value = Value::Nil;

/// The evaluated value in a slot; nil when absent or not a value.
fn value<'s>(slot: Option<&'s mut Arg<'_>>) -> &'s Value {
    match slot {
        Some(arg) => arg.value(),
        None => &NIL,
    }
}

impl<'s, 'l> FromArg<'s, 'l> for &'s Value {
    fn from_arg(slot: Option<&'s mut Arg<'l>>) -> Result<Self> {
        Ok(value(slot))
    }
}

impl<'s, 'l> FromArg<'s, 'l> for Value {
    fn from_arg(slot: Option<&'s mut Arg<'l>>) -> Result<Self> {
        Ok(slot.map(Arg::take_value).unwrap_or_default())
    }
}

impl<'s, 'l> FromArg<'s, 'l> for &'s str {
    /// A string read in place is borrowed as it is, without a copy.
    fn from_arg(slot: Option<&'s mut Arg<'l>>) -> Result<Self> {
        if let Some(Arg::View(view)) = slot.as_deref()
            && let Some(text) = view.as_str()
        {
            return Ok(text);
        }
        coerce::string(value(slot))
    }
}

impl<'s, 'l> FromArg<'s, 'l> for i64 {
    fn from_arg(slot: Option<&'s mut Arg<'l>>) -> Result<Self> {
        coerce::int(value(slot))
    }
}

impl<'s, 'l> FromArg<'s, 'l> for f64 {
    fn from_arg(slot: Option<&'s mut Arg<'l>>) -> Result<Self> {
        coerce::float(value(slot))
    }
}

impl<'s, 'l> FromArg<'s, 'l> for bool {
    fn from_arg(slot: Option<&'s mut Arg<'l>>) -> Result<Self> {
        coerce::bool(value(slot))
    }
}

impl<'s, 'l> FromArg<'s, 'l> for &'s Map {
    fn from_arg(slot: Option<&'s mut Arg<'l>>) -> Result<Self> {
        coerce::map(value(slot))
    }
}

impl<'s, 'l> FromArg<'s, 'l> for &'s [Value] {
    fn from_arg(slot: Option<&'s mut Arg<'l>>) -> Result<Self> {
        coerce::slice(value(slot))
    }
}

/// A `TimeGetter`'s value.
pub type Time = chrono::DateTime<chrono::FixedOffset>;

impl<'s, 'l> FromArg<'s, 'l> for Time {
    fn from_arg(slot: Option<&'s mut Arg<'l>>) -> Result<Self> {
        coerce::time(value(slot))
    }
}

/// A `DurationGetter`'s value: nanoseconds, as Go's `time.Duration`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Nanos(pub i64);

impl<'s, 'l> FromArg<'s, 'l> for Nanos {
    fn from_arg(slot: Option<&'s mut Arg<'l>>) -> Result<Self> {
        coerce::duration(value(slot)).map(Nanos)
    }
}

macro_rules! like_getters {
    ($( $(#[$doc:meta])* $name:ident($inner:ty) = $convert:path; )*) => {$(
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq)]
        pub struct $name(pub Option<$inner>);

        impl<'s, 'l> FromArg<'s, 'l> for $name {
            fn from_arg(slot: Option<&'s mut Arg<'l>>) -> Result<Self> {
                $convert(value(slot)).map($name)
            }
        }
    )*};
}

like_getters! {
    /// A `StringLikeGetter`'s value: the text of what was given; nil stays `None`.
    StringLike(String) = coerce::string_like;
    /// An `IntLikeGetter`'s value; `None` for what does not convert.
    IntLike(i64) = coerce::int_like;
    /// A `FloatLikeGetter`'s value; `None` for what does not convert.
    FloatLike(f64) = coerce::float_like;
    /// A `BoolLikeGetter`'s value; `None` for what does not convert.
    BoolLike(bool) = coerce::bool_like;
    /// A `ByteSliceLikeGetter`'s value; `None` for nil.
    BytesLike(Vec<u8>) = coerce::bytes_like;
}

/// A list-literal parameter (`[]Getter`, `[]StringGetter`, …): its evaluated elements;
/// nil is the empty list.
#[derive(Clone, Copy, Debug)]
pub struct List<'s>(pub &'s [Value]);

impl<'s> List<'s> {
    /// A list argument taken as `&Value` and read as a list later, for a body that must read
    /// it after checking another argument (the order the reference reports errors in).
    pub fn of(value: &'s Value) -> Result<List<'s>> {
        match value {
            Value::Slice(items) => Ok(List(items)),
            Value::Nil => Ok(List(&[])),
            other => Err(Error::new(format!("expected a list but got {}", other.go_type()))),
        }
    }

    /// The elements of a `[]string`.
    pub fn strings(self) -> Result<Vec<&'s str>> {
        self.0.iter().map(coerce::string).collect()
    }

    /// The elements of a `[]float64`: an int literal in the list reads as a float, as Go
    /// converts it.
    pub fn floats(self) -> Result<Vec<f64>> {
        self.0
            .iter()
            .map(|item| match item {
                Value::Int(i) => Ok(*i as f64),
                other => coerce::float(other),
            })
            .collect()
    }
}

impl<'s, 'l> FromArg<'s, 'l> for List<'s> {
    fn from_arg(slot: Option<&'s mut Arg<'l>>) -> Result<Self> {
        List::of(value(slot))
    }
}

impl<'s, 'l> FromArg<'s, 'l> for Vec<&'s str> {
    /// `[]string`: a list of string literals.
    fn from_arg(slot: Option<&'s mut Arg<'l>>) -> Result<Self> {
        List::from_arg(slot)?.strings()
    }
}

impl<'s, 'l> FromArg<'s, 'l> for &'static Function {
    fn from_arg(slot: Option<&'s mut Arg<'l>>) -> Result<Self> {
        match slot {
            Some(Arg::Function(f)) => Ok(f),
            _ => Err(Error::new("expected the name of a converter")),
        }
    }
}

impl<'s, 'l> FromArg<'s, 'l> for &'l dyn Lambda {
    fn from_arg(slot: Option<&'s mut Arg<'l>>) -> Result<Self> {
        match slot {
            Some(Arg::Lambda(l)) => Ok(*l),
            _ => Err(Error::new("expected a lambda")),
        }
    }
}

impl<'s, 'l, T: FromArg<'s, 'l>> FromArg<'s, 'l> for Option<T> {
    /// An optional parameter: `None` when it was not given.
    fn from_arg(slot: Option<&'s mut Arg<'l>>) -> Result<Self> {
        match slot {
            None | Some(Arg::Absent) => Ok(None),
            given => T::from_arg(given).map(Some),
        }
    }
}

/// A lazy converter's getter (or list literal of getters), evaluated only when asked.
pub struct Deferred<'s, 'l>(Option<&'s Arg<'l>>);

impl<'s, 'l> FromArg<'s, 'l> for Deferred<'s, 'l> {
    /// A view (a constant given to a lazy function) is copied into the slot: the getters
    /// below read values.
    fn from_arg(slot: Option<&'s mut Arg<'l>>) -> Result<Self> {
        Ok(Deferred(slot.map(|slot| {
            if let Arg::View(view) = *slot {
                *slot = Arg::Value(view.to_value());
            }
            &*slot
        })))
    }
}

/// One element of a deferred list, evaluated when called.
pub type Element<'a> = Box<dyn Fn() -> Result<Value> + 'a>;

impl<'s> Deferred<'s, '_> {
    /// The value, evaluating it now.
    pub fn get(&self) -> Result<Value> {
        match self.0 {
            Some(Arg::Deferred(getter)) => getter.call(&[]),
            Some(Arg::DeferredList(getters)) => getters.iter().map(|g| g.call(&[])).collect::<Result<_>>().map(Value::Slice),
            Some(Arg::Value(v)) => Ok(v.clone()),
            _ => Ok(Value::Nil),
        }
    }

    /// The elements of a list one at a time, each evaluated only when asked for (deferred
    /// lists) or already evaluated (plain lists).
    pub fn each(&self) -> Result<Vec<Element<'s>>> {
        match self.0 {
            Some(Arg::DeferredList(getters)) => {
                Ok(getters.iter().map(|g| Box::new(move || g.call(&[])) as Element<'s>).collect())
            }
            Some(Arg::Value(Value::Slice(items))) => {
                Ok(items.iter().map(|v| Box::new(move || Ok(v.clone())) as Element<'s>).collect())
            }
            None | Some(Arg::Value(Value::Nil) | Arg::Absent) => Ok(Vec::new()),
            Some(Arg::Value(other)) => Err(Error::new(format!("expected a list but got {}", other.go_type()))),
            Some(_) => Err(Error::new("expected a list")),
        }
    }
}

/// Adapts a converter body of typed parameters to a [`ConverterBody`](super::ConverterBody):
/// `converter!(concat(values, delimiter))` calls `concat` with its two parameters
/// converted from the call's first two arguments, each as its Rust type says. Name the
/// parameters as the declaration does; `converter!(is_root_span(; item))` also passes the
/// item the statement runs on, first.
#[macro_export]
macro_rules! converter {
    ($body:ident ( $($param:ident),* $(,)? )) => {
        |args: &mut $crate::functions::Args<'_>, _item: &$crate::context::ItemMut<'_>| -> $crate::Result<$crate::Value> {
            #[allow(unused_mut, unused_variables)]
            let mut slots = args.slots();
            $( let $param = $crate::functions::FromArg::from_arg(slots.next())?; )*
            $body($($param),*)
        }
    };
    ($body:ident ( $($param:ident),* ; item )) => {
        |args: &mut $crate::functions::Args<'_>, item: &$crate::context::ItemMut<'_>| -> $crate::Result<$crate::Value> {
            #[allow(unused_mut, unused_variables)]
            let mut slots = args.slots();
            $( let $param = $crate::functions::FromArg::from_arg(slots.next())?; )*
            $body(item, $($param),*)
        }
    };
}

/// Adapts an editor body to an [`EditorBody`](super::EditorBody): the body gets the host
/// (its target path and item) first, then its typed parameters. A leading `target` names
/// the target parameter, which the body reaches through the host instead:
/// `editor!(delete_key(target, key))` calls `delete_key(host, key)`.
#[macro_export]
macro_rules! editor {
    ($body:ident ( target $(, $param:ident)* $(,)? )) => {
        |args: &mut $crate::functions::Args<'_>, host: &mut dyn $crate::functions::EditorHost| -> $crate::Result<()> {
            #[allow(unused_mut, unused_variables)]
            let mut slots = args.slots();
            let _target = slots.next();
            $( let $param = $crate::functions::FromArg::from_arg(slots.next())?; )*
            $body(host, $($param),*)
        }
    };
    ($body:ident ( $($param:ident),* $(,)? )) => {
        |args: &mut $crate::functions::Args<'_>, host: &mut dyn $crate::functions::EditorHost| -> $crate::Result<()> {
            #[allow(unused_mut, unused_variables)]
            let mut slots = args.slots();
            $( let $param = $crate::functions::FromArg::from_arg(slots.next())?; )*
            $body(host, $($param),*)
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_read_later_reads_as_the_adapter_reads_it() {
        let items = Value::Slice(vec![Value::string("a"), Value::string("b")]);
        assert_eq!(List::of(&items).and_then(List::strings).unwrap(), ["a", "b"]);
        assert!(List::of(&Value::Nil).unwrap().0.is_empty());
        assert_eq!(List::of(&Value::Int(1)).unwrap_err().message(), "expected a list but got int64");
        let mixed = Value::Slice(vec![Value::string("a"), Value::Int(1)]);
        assert_eq!(List::of(&mixed).and_then(List::strings).unwrap_err().message(), "expected string but got int64");
    }

    #[test]
    fn float_lists_read_ints_as_floats() {
        let bounds = Value::Slice(vec![Value::Int(1), Value::Float(2.5)]);
        assert_eq!(List::of(&bounds).and_then(List::floats).unwrap(), [1.0, 2.5]);
        let wrong = Value::Slice(vec![Value::string("1")]);
        assert!(List::of(&wrong).and_then(List::floats).is_err());
    }
}
