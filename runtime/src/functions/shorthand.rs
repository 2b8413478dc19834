//! Short names for writing the `FUNCTIONS` tables: a declaration reads as one line of
//! parameter kinds and types, as the Go `Arguments` struct does.

pub(crate) use super::declaration::{Example, Function, Origin, Param, ParamKind as K};
pub(crate) use crate::hierarchy::Context;
pub(crate) use crate::types::TypeSpec as T;

/// A required parameter.
pub(crate) const fn r(name: &'static str, kind: K) -> Param {
    Param::required(name, kind)
}

/// An `ottl.Optional` parameter.
pub(crate) const fn o(name: &'static str, kind: K) -> Param {
    Param::optional(name, kind)
}

pub(crate) const MAP: T = T::Map(&T::Any);
pub(crate) const LIST: T = T::Array(&T::Any);
pub(crate) const STRINGS: T = T::Array(&T::String);

/// A map-valued target path (`attributes`, `cache`, a body map).
pub(crate) const MAP_TARGET: Param = r("target", K::GetSetter).typed(MAP);
pub(crate) const TARGET_ANY: &[Param] = &[r("target", K::Getter)];
pub(crate) const TARGET_STR: &[Param] = &[r("target", K::StringGetter)];
pub(crate) const TARGET_TIME: &[Param] = &[r("time", K::TimeGetter)];
pub(crate) const TARGET_DUR: &[Param] = &[r("duration", K::DurationGetter)];
pub(crate) const REPLACE_TAIL_FN: Param = o("function", K::FunctionGetter);
pub(crate) const REPLACE_TAIL_FMT: Param = o("replacement_format", K::StringGetter);

pub(crate) const METRIC: &[Context] = &[Context::Metric];
pub(crate) const DATAPOINT: &[Context] = &[Context::DataPoint];
pub(crate) const SPAN: &[Context] = &[Context::Span];
pub(crate) const LOG: &[Context] = &[Context::Log];
