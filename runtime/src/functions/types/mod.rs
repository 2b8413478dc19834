//! Type conversions, type predicates, ids and the collection converters (spec §6.2):
//! `Int`, `Double`, `Bool`, `String`, `Hex`, `ParseInt`, the `Is*` predicates, `TraceID`,
//! `SpanID`, `ProfileID`, `Len`, `Keys`, `Values`, `Coalesce`, `ContainsValue`,
//! `Sort`, `SliceToMap`, `Index`, `Log`, `IsInCIDR`, `IsValidLuhn`, `UUID`, `UUIDv7` and
//! `IsRootSpan`. Error texts follow the reference's `ottlfuncs/func_*.go`.
//!
//! One module per theme, each with its own `FUNCTIONS` table; the helpers two of them
//! share live here.

use std::cmp::Ordering;
use std::net::IpAddr;

use super::literal::{Literal, LiteralArgs, LiteralError, one_of_help};
use super::shorthand::*;
use super::{BoolLike, BytesLike, Deferred, FloatLike, IntLike, SliceView, StringLike, View};
use crate::bail;
use crate::coerce;
use crate::compare::{self, CompareOp};
use crate::context::ItemMut;
use crate::converter;
use crate::error::{Error, Result};
use crate::go;
use crate::value::{Map, Pdata, Value};

pub(super) mod collections;
pub(super) mod conversions;
pub(super) mod ids;
pub(super) mod math;
pub(super) mod predicates;
pub(super) mod uuids;

/// Go's `%T` of a getter's result, as the reference's messages print it (`<nil>` for nil).
pub(super) fn go_dynamic_type(value: &Value) -> &'static str {
    match value {
        Value::Nil => "<nil>",
        other => other.go_type(),
    }
}

/// The length of a pdata slice (`ptrace.SpanEventSlice`, `pmetric.NumberDataPointSlice`…);
/// None for pdata that is not a slice.
fn pdata_slice_len(pdata: &Pdata) -> Option<usize> {
    match pdata {
        Pdata::SpanEvents(events) => Some(events.len()),
        Pdata::SpanLinks(links) => Some(links.len()),
        Pdata::Other { go_type, json: serde_json::Value::Array(items) } if go_type.ends_with("Slice") => Some(items.len()),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
