//! One telemetry item and the items above it, as a statement sees them: path reads and
//! writes for every field of every context (spec §4).
//!
//! - [`TransformContext`]: the resource, scope and item a statement runs on, with the
//!   statement group's `cache`.
//! - [`keys`]: `[key]` indexing into attribute maps and values.
//! - `fields`: what each [`Field`] reads and how it is written.

mod fields;
pub mod keys;
mod profile;

use opentelemetry_proto::tonic::common::v1::{InstrumentationScope, KeyValue};
use opentelemetry_proto::tonic::logs::v1::LogRecord;
use opentelemetry_proto::tonic::metrics::v1::Metric;
use opentelemetry_proto::tonic::profiles::v1development::{Profile, ProfilesDictionary};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::Span;

pub use keys::PathKey;

use crate::error::Result;
use crate::fields::Field;
use crate::value::Value;

/// A `*_unix_nano` field as a time (UTC).
fn time_value(nanos: u64) -> Value {
    Value::Time(chrono::DateTime::from_timestamp_nanos(nanos as i64).fixed_offset())
}

/// A time as a `*_unix_nano` field (0 outside the range OTLP can hold).
fn unix_nanos(time: &chrono::DateTime<chrono::FixedOffset>) -> u64 {
    time.timestamp_nanos_opt().unwrap_or(0) as u64
}

/// The item a statement runs on, below its resource and scope.
pub enum ItemMut<'a> {
    /// A resource-context statement: no item below the resource.
    Resource,
    /// A scope-context statement.
    Scope,
    Span(&'a mut Span),
    SpanEvent {
        span: &'a mut Span,
        index: usize,
    },
    SpanLink {
        span: &'a mut Span,
        index: usize,
    },
    /// A metric among its scope's metrics: the metric processors' functions append new
    /// metrics to the list.
    Metric {
        metrics: &'a mut Vec<Metric>,
        index: usize,
    },
    /// A data point of the metric `metrics[metric]`: the metric list is here for the
    /// functions that append metrics from the data-point context.
    DataPoint {
        metrics: &'a mut Vec<Metric>,
        metric: usize,
        index: usize,
    },
    Log(&'a mut LogRecord),
    /// A profile, with the payload's dictionary its strings and attributes live in.
    Profile {
        profile: &'a mut Profile,
        dictionary: &'a mut ProfilesDictionary,
    },
}

impl ItemMut<'_> {
    /// A shorter-lived copy of this reference, for a function that needs the item.
    pub fn reborrow(&mut self) -> ItemMut<'_> {
        match self {
            ItemMut::Resource => ItemMut::Resource,
            ItemMut::Scope => ItemMut::Scope,
            ItemMut::Span(span) => ItemMut::Span(span),
            ItemMut::SpanEvent { span, index } => ItemMut::SpanEvent { span, index: *index },
            ItemMut::SpanLink { span, index } => ItemMut::SpanLink { span, index: *index },
            ItemMut::Metric { metrics, index } => ItemMut::Metric { metrics, index: *index },
            ItemMut::DataPoint { metrics, metric, index } => ItemMut::DataPoint { metrics, metric: *metric, index: *index },
            ItemMut::Log(log) => ItemMut::Log(log),
            ItemMut::Profile { profile, dictionary } => ItemMut::Profile { profile, dictionary },
        }
    }

    /// The span of a span, span-event or span-link item.
    pub fn span(&self) -> Option<&Span> {
        match self {
            ItemMut::Span(span) | ItemMut::SpanEvent { span, .. } | ItemMut::SpanLink { span, .. } => Some(span),
            _ => None,
        }
    }

    /// The metric of a metric or data-point item.
    pub fn metric(&self) -> Option<&Metric> {
        match self {
            ItemMut::Metric { metrics, index } => metrics.get(*index),
            ItemMut::DataPoint { metrics, metric, .. } => metrics.get(*metric),
            _ => None,
        }
    }
}

/// What a statement runs on: a resource, one of its scopes, an item of that scope, and
/// the scratch `cache` map of this statement group and item.
pub struct TransformContext<'a> {
    pub resource: &'a mut Resource,
    /// `resource.schema_url` lives beside the resource in OTLP.
    pub resource_schema_url: &'a mut String,
    pub scope: &'a mut InstrumentationScope,
    pub scope_schema_url: &'a mut String,
    pub item: ItemMut<'a>,
    /// `cache`, as attributes are kept, so the same key rules apply.
    pub cache: Vec<KeyValue>,
    /// Which resource and scope of the payload these are: what a value computed from
    /// them alone is remembered for ([`crate::memo::Memos`]).
    pub group: Group,
}

/// The indices of a resource in its payload and of a scope in its resource.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Group {
    pub resource: usize,
    pub scope: usize,
}

impl TransformContext<'_> {
    /// The value at `field[keys…]`.
    pub fn get(&self, field: Field, keys: &[PathKey]) -> Result<Value> {
        fields::get(self, field, keys)
    }

    /// The attribute list `field` names (`span.attributes`, `resource.attributes`,
    /// `cache`…), for reading keys in place; `None` for any other field.
    pub fn attributes(&self, field: Field) -> Result<Option<&Vec<KeyValue>>> {
        fields::attribute_list(self, field)
    }

    /// The attribute list `field` names, to write in place.
    pub fn attributes_mut(&mut self, field: Field) -> Result<Option<&mut Vec<KeyValue>>> {
        fields::attribute_list_mut(self, field)
    }

    /// Writes `value` at `field[keys…]`.
    pub fn set(&mut self, field: Field, keys: &[PathKey], value: Value) -> Result<()> {
        fields::set(self, field, keys, value)
    }
}
