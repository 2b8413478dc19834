//! One telemetry item and the items above it, as a statement sees them: path reads and
//! writes for every field of every context (spec §4).

use opentelemetry_proto::tonic::logs::v1::LogRecord;
use opentelemetry_proto::tonic::metrics::v1::Metric;
use opentelemetry_proto::tonic::trace::v1::Span;

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
    DataPoint {
        metric: &'a mut Metric,
        index: usize,
    },
    Log(&'a mut LogRecord),
}
