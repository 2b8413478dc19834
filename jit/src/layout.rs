//! Fields generated code loads straight from the item's struct, at offsets taken from
//! the OTLP types themselves (`offset_of!`), instead of calling the context's getter.

use std::mem::offset_of;

use ottl_runtime::fields::Field;
use ottl_runtime::otlp::logs::v1::LogRecord;
use ottl_runtime::otlp::trace::v1::Span;

use ottl_compiler::schema::Context;

/// How an integer field is stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Width {
    I32,
    U32,
    U64,
}

/// Where a field lives in the item's struct.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direct {
    /// An int64 field as the getter reads it (`Value::Int`), widened from `Width`.
    Int(usize, Width),
    /// A `String` field.
    Str(usize),
    /// An `Option<AnyValue>` (the log body).
    Any(usize),
}

/// The direct location of `field` in `context`'s item, when it has one. Only the
/// context's own item qualifies: the frame holds a pointer to it alone.
pub fn direct(context: Context, field: Field) -> Option<Direct> {
    use Direct::*;
    use Field::*;
    Some(match (context, field) {
        (Context::Span, SpanKind) => Int(offset_of!(Span, kind), Width::I32),
        (Context::Span, SpanStartTimeUnixNano) => Int(offset_of!(Span, start_time_unix_nano), Width::U64),
        (Context::Span, SpanEndTimeUnixNano) => Int(offset_of!(Span, end_time_unix_nano), Width::U64),
        (Context::Span, SpanDroppedAttributesCount) => Int(offset_of!(Span, dropped_attributes_count), Width::U32),
        (Context::Span, SpanDroppedEventsCount) => Int(offset_of!(Span, dropped_events_count), Width::U32),
        (Context::Span, SpanDroppedLinksCount) => Int(offset_of!(Span, dropped_links_count), Width::U32),
        (Context::Span, SpanName) => Str(offset_of!(Span, name)),
        (Context::Span, SpanTraceState) => Str(offset_of!(Span, trace_state)),
        (Context::Log, LogTimeUnixNano) => Int(offset_of!(LogRecord, time_unix_nano), Width::U64),
        (Context::Log, LogObservedTimeUnixNano) => Int(offset_of!(LogRecord, observed_time_unix_nano), Width::U64),
        (Context::Log, LogSeverityNumber) => Int(offset_of!(LogRecord, severity_number), Width::I32),
        (Context::Log, LogFlags) => Int(offset_of!(LogRecord, flags), Width::U32),
        (Context::Log, LogDroppedAttributesCount) => Int(offset_of!(LogRecord, dropped_attributes_count), Width::U32),
        (Context::Log, LogSeverityText) => Str(offset_of!(LogRecord, severity_text)),
        (Context::Log, LogEventName) => Str(offset_of!(LogRecord, event_name)),
        (Context::Log, LogBody) => Any(offset_of!(LogRecord, body)),
        _ => return None,
    })
}
