//! The path tables: one static slice per context, as data.
//!
//! Field ids are stable: each context owns a block of 100 (resource 100.., scope 200..,
//! span 300.., spanevent 400.., spanlink 500.., metric 600.., datapoint 700.., log 800..,
//! profile 900.., otelcol 1000..), and each context's `cache` is the last id of its block.
//! New paths take new ids; ids are never reused.
//!
//! Sources: `pkg/ottl/contexts/internal/ctx*/…` `PathGetSetter` switches (v0.15x–0.16x).

use super::enums::{AGGREGATION_TEMPORALITY, DATAPOINT_FLAGS, METRIC_DATA_TYPE, SEVERITY_NUMBER, SPAN_KIND, STATUS_CODE};
use super::{Context, EnumTable, KeyRule, PathEntry};
use crate::types::TypeSpec as T;
use ottl_runtime::fields::Field as F;

const fn rw(id: F, context: Context, segments: &'static [&'static str], ty: T, doc: &'static str) -> PathEntry {
    PathEntry { id, context, segments, ty, settable: true, keys: KeyRule::None, enum_table: None, doc }
}

const fn ro(id: F, context: Context, segments: &'static [&'static str], ty: T, doc: &'static str) -> PathEntry {
    PathEntry { id, context, segments, ty, settable: false, keys: KeyRule::None, enum_table: None, doc }
}

const fn keyed(id: F, context: Context, segments: &'static [&'static str], ty: T, keys: KeyRule, doc: &'static str) -> PathEntry {
    PathEntry { id, context, segments, ty, settable: true, keys, enum_table: None, doc }
}

const fn enumerated(
    id: F,
    context: Context,
    segments: &'static [&'static str],
    settable: bool,
    table: &'static EnumTable,
    doc: &'static str,
) -> PathEntry {
    PathEntry { id, context, segments, ty: T::Int, settable, keys: KeyRule::None, enum_table: Some(table), doc }
}

const fn attributes(id: F, context: Context, doc: &'static str) -> PathEntry {
    keyed(id, context, &["attributes"], T::MAP_ANY, KeyRule::Map, doc)
}

const fn cache(id: F, context: Context) -> PathEntry {
    keyed(
        id,
        context,
        &["cache"],
        T::MAP_ANY,
        KeyRule::Map,
        "Scratch map for this statement group's telemetry item; not exported. Only under the statement's own context.",
    )
}

use Context as C;

pub static RESOURCE: &[PathEntry] = &[
    attributes(F::ResourceAttributes, C::Resource, "The resource's attributes."),
    rw(
        F::ResourceDroppedAttributesCount,
        C::Resource,
        &["dropped_attributes_count"],
        T::Int,
        "Number of resource attributes that were discarded.",
    ),
    rw(F::ResourceSchemaUrl, C::Resource, &["schema_url"], T::String, "The schema URL of the resource."),
    cache(F::ResourceCache, C::Resource),
];

pub static SCOPE: &[PathEntry] = &[
    rw(F::ScopeName, C::Scope, &["name"], T::String, "The instrumentation scope's name."),
    rw(F::ScopeVersion, C::Scope, &["version"], T::String, "The instrumentation scope's version."),
    attributes(F::ScopeAttributes, C::Scope, "The instrumentation scope's attributes."),
    rw(
        F::ScopeDroppedAttributesCount,
        C::Scope,
        &["dropped_attributes_count"],
        T::Int,
        "Number of scope attributes that were discarded.",
    ),
    rw(F::ScopeSchemaUrl, C::Scope, &["schema_url"], T::String, "The schema URL of the scope."),
    cache(F::ScopeCache, C::Scope),
];

pub static SPAN: &[PathEntry] = &[
    rw(F::SpanTraceId, C::Span, &["trace_id"], T::TraceId, "The span's trace id (16 bytes)."),
    rw(F::SpanTraceIdString, C::Span, &["trace_id", "string"], T::String, "The trace id as lowercase hex; setting parses hex."),
    rw(F::SpanSpanId, C::Span, &["span_id"], T::SpanId, "The span's id (8 bytes)."),
    rw(F::SpanSpanIdString, C::Span, &["span_id", "string"], T::String, "The span id as lowercase hex; setting parses hex."),
    rw(F::SpanParentSpanId, C::Span, &["parent_span_id"], T::SpanId, "The parent span's id; all zeros when unset (not nil)."),
    rw(F::SpanParentSpanIdString, C::Span, &["parent_span_id", "string"], T::String, "The parent span id as lowercase hex."),
    keyed(
        F::SpanTraceState,
        C::Span,
        &["trace_state"],
        T::String,
        KeyRule::TraceStateKey,
        "The W3C trace state, raw; `trace_state[\"k\"]` reads or inserts one member.",
    ),
    rw(F::SpanName, C::Span, &["name"], T::String, "The span's name."),
    enumerated(F::SpanKind, C::Span, &["kind"], true, &SPAN_KIND, "The span kind as an int (SPAN_KIND_*)."),
    rw(
        F::SpanKindString,
        C::Span,
        &["kind", "string"],
        T::String,
        "The span kind as `Unspecified`, `Internal`, `Server`, `Client`, `Producer`, `Consumer`.",
    ),
    rw(
        F::SpanKindDeprecatedString,
        C::Span,
        &["kind", "deprecated_string"],
        T::String,
        "The span kind as `SPAN_KIND_SERVER`, … (deprecated form).",
    ),
    rw(F::SpanStartTimeUnixNano, C::Span, &["start_time_unix_nano"], T::Int, "Start time in nanoseconds since the Unix epoch."),
    rw(F::SpanEndTimeUnixNano, C::Span, &["end_time_unix_nano"], T::Int, "End time in nanoseconds since the Unix epoch."),
    rw(F::SpanStartTime, C::Span, &["start_time"], T::Time, "Start time as a time."),
    rw(F::SpanEndTime, C::Span, &["end_time"], T::Time, "End time as a time."),
    attributes(F::SpanAttributes, C::Span, "The span's attributes."),
    rw(
        F::SpanDroppedAttributesCount,
        C::Span,
        &["dropped_attributes_count"],
        T::Int,
        "Number of span attributes that were discarded.",
    ),
    rw(F::SpanEvents, C::Span, &["events"], T::Opaque("ptrace.SpanEventSlice"), "The span's events."),
    rw(F::SpanDroppedEventsCount, C::Span, &["dropped_events_count"], T::Int, "Number of span events that were discarded."),
    rw(F::SpanLinks, C::Span, &["links"], T::Opaque("ptrace.SpanLinkSlice"), "The span's links."),
    rw(F::SpanDroppedLinksCount, C::Span, &["dropped_links_count"], T::Int, "Number of span links that were discarded."),
    rw(F::SpanStatus, C::Span, &["status"], T::Opaque("ptrace.Status"), "The span's status (code and message)."),
    enumerated(F::SpanStatusCode, C::Span, &["status", "code"], true, &STATUS_CODE, "The status code as an int (STATUS_CODE_*)."),
    rw(F::SpanStatusMessage, C::Span, &["status", "message"], T::String, "The status message."),
    // The seed's rule form (§3.2.2) reads these; the Go reference has no such paths.
    ro(
        F::SpanDuration,
        C::Span,
        &["duration"],
        T::Duration,
        "The span's duration, end time minus start time (seed extension, read-only).",
    ),
    ro(
        F::SpanTraceIdTraceId,
        C::Span,
        &["trace_id", "trace_id"],
        T::TraceId,
        "The seed's spelling of `trace_id` (seed extension, read-only).",
    ),
    cache(F::SpanCache, C::Span),
];

pub static SPANEVENT: &[PathEntry] = &[
    rw(F::SpanEventName, C::SpanEvent, &["name"], T::String, "The span event's name."),
    rw(
        F::SpanEventTimeUnixNano,
        C::SpanEvent,
        &["time_unix_nano"],
        T::Int,
        "The event's time in nanoseconds since the Unix epoch.",
    ),
    rw(F::SpanEventTime, C::SpanEvent, &["time"], T::Time, "The event's time as a time."),
    attributes(F::SpanEventAttributes, C::SpanEvent, "The span event's attributes."),
    rw(
        F::SpanEventDroppedAttributesCount,
        C::SpanEvent,
        &["dropped_attributes_count"],
        T::Int,
        "Number of event attributes that were discarded.",
    ),
    ro(F::SpanEventEventIndex, C::SpanEvent, &["event_index"], T::Int, "Position of the event in its span's events (read-only)."),
    cache(F::SpanEventCache, C::SpanEvent),
];

pub static SPANLINK: &[PathEntry] = &[
    rw(F::SpanLinkTraceId, C::SpanLink, &["trace_id"], T::TraceId, "The linked span's trace id (16 bytes)."),
    rw(
        F::SpanLinkTraceIdString,
        C::SpanLink,
        &["trace_id", "string"],
        T::String,
        "The linked trace id as lowercase hex; setting parses hex.",
    ),
    rw(F::SpanLinkSpanId, C::SpanLink, &["span_id"], T::SpanId, "The linked span's id (8 bytes)."),
    rw(
        F::SpanLinkSpanIdString,
        C::SpanLink,
        &["span_id", "string"],
        T::String,
        "The linked span id as lowercase hex; setting parses hex.",
    ),
    rw(F::SpanLinkTraceState, C::SpanLink, &["trace_state"], T::String, "The link's W3C trace state, raw."),
    attributes(F::SpanLinkAttributes, C::SpanLink, "The span link's attributes."),
    rw(
        F::SpanLinkDroppedAttributesCount,
        C::SpanLink,
        &["dropped_attributes_count"],
        T::Int,
        "Number of link attributes that were discarded.",
    ),
    rw(F::SpanLinkFlags, C::SpanLink, &["flags"], T::Int, "The link's flags (uint32; values outside 0..2^32-1 are an error)."),
    cache(F::SpanLinkCache, C::SpanLink),
];

pub static METRIC: &[PathEntry] = &[
    rw(F::MetricName, C::Metric, &["name"], T::String, "The metric's name."),
    rw(F::MetricDescription, C::Metric, &["description"], T::String, "The metric's description."),
    rw(F::MetricUnit, C::Metric, &["unit"], T::String, "The metric's unit."),
    enumerated(
        F::MetricType,
        C::Metric,
        &["type"],
        false,
        &METRIC_DATA_TYPE,
        "The metric's data type (METRIC_DATA_TYPE_*; read-only).",
    ),
    enumerated(
        F::MetricAggregationTemporality,
        C::Metric,
        &["aggregation_temporality"],
        true,
        &AGGREGATION_TEMPORALITY,
        "Aggregation temporality (AGGREGATION_TEMPORALITY_*); nil for gauges and summaries.",
    ),
    rw(F::MetricIsMonotonic, C::Metric, &["is_monotonic"], T::Bool, "Whether a sum is monotonic; nil for other types."),
    rw(
        F::MetricDataPoints,
        C::Metric,
        &["data_points"],
        T::Opaque("pmetric.DataPointSlice"),
        "The data points, typed by the metric's type.",
    ),
    keyed(F::MetricMetadata, C::Metric, &["metadata"], T::MAP_ANY, KeyRule::Map, "The metric's metadata map."),
    cache(F::MetricCache, C::Metric),
];

pub static DATAPOINT: &[PathEntry] = &[
    attributes(F::DataPointAttributes, C::DataPoint, "The data point's attributes."),
    rw(
        F::DataPointStartTimeUnixNano,
        C::DataPoint,
        &["start_time_unix_nano"],
        T::Int,
        "Start time in nanoseconds since the Unix epoch.",
    ),
    rw(F::DataPointTimeUnixNano, C::DataPoint, &["time_unix_nano"], T::Int, "Time in nanoseconds since the Unix epoch."),
    rw(F::DataPointStartTime, C::DataPoint, &["start_time"], T::Time, "Start time as a time."),
    rw(F::DataPointTime, C::DataPoint, &["time"], T::Time, "Time as a time."),
    rw(
        F::DataPointValueDouble,
        C::DataPoint,
        &["value_double"],
        T::Float,
        "A number point's double value (0 if it holds an int).",
    ),
    rw(F::DataPointValueInt, C::DataPoint, &["value_int"], T::Int, "A number point's int value (0 if it holds a double)."),
    rw(
        F::DataPointExemplars,
        C::DataPoint,
        &["exemplars"],
        T::Opaque("pmetric.ExemplarSlice"),
        "The point's exemplars (not summaries).",
    ),
    enumerated(F::DataPointFlags, C::DataPoint, &["flags"], true, &DATAPOINT_FLAGS, "The point's flags (FLAG_*)."),
    rw(F::DataPointCount, C::DataPoint, &["count"], T::Int, "Count (histogram, exponential histogram, summary)."),
    rw(F::DataPointSum, C::DataPoint, &["sum"], T::Float, "Sum (histogram, exponential histogram, summary)."),
    rw(F::DataPointBucketCounts, C::DataPoint, &["bucket_counts"], T::ARRAY_INT, "Bucket counts (histogram)."),
    rw(F::DataPointExplicitBounds, C::DataPoint, &["explicit_bounds"], T::ARRAY_FLOAT, "Explicit bucket bounds (histogram)."),
    rw(F::DataPointScale, C::DataPoint, &["scale"], T::Int, "Scale (exponential histogram)."),
    rw(F::DataPointZeroCount, C::DataPoint, &["zero_count"], T::Int, "Zero count (exponential histogram)."),
    rw(
        F::DataPointPositive,
        C::DataPoint,
        &["positive"],
        T::Opaque("pmetric.ExponentialHistogramDataPointBuckets"),
        "Positive buckets (exponential histogram).",
    ),
    rw(F::DataPointPositiveOffset, C::DataPoint, &["positive", "offset"], T::Int, "Offset of the positive buckets."),
    rw(
        F::DataPointPositiveBucketCounts,
        C::DataPoint,
        &["positive", "bucket_counts"],
        T::ARRAY_INT,
        "Counts of the positive buckets.",
    ),
    rw(
        F::DataPointNegative,
        C::DataPoint,
        &["negative"],
        T::Opaque("pmetric.ExponentialHistogramDataPointBuckets"),
        "Negative buckets (exponential histogram).",
    ),
    rw(F::DataPointNegativeOffset, C::DataPoint, &["negative", "offset"], T::Int, "Offset of the negative buckets."),
    rw(
        F::DataPointNegativeBucketCounts,
        C::DataPoint,
        &["negative", "bucket_counts"],
        T::ARRAY_INT,
        "Counts of the negative buckets.",
    ),
    rw(
        F::DataPointQuantileValues,
        C::DataPoint,
        &["quantile_values"],
        T::Opaque("pmetric.SummaryDataPointValueAtQuantileSlice"),
        "Quantile values (summary).",
    ),
    cache(F::DataPointCache, C::DataPoint),
];

pub static LOG: &[PathEntry] = &[
    rw(F::LogTimeUnixNano, C::Log, &["time_unix_nano"], T::Int, "Time in nanoseconds since the Unix epoch."),
    rw(
        F::LogObservedTimeUnixNano,
        C::Log,
        &["observed_time_unix_nano"],
        T::Int,
        "Observed time in nanoseconds since the Unix epoch.",
    ),
    rw(F::LogTime, C::Log, &["time"], T::Time, "Time as a time."),
    rw(F::LogObservedTime, C::Log, &["observed_time"], T::Time, "Observed time as a time."),
    enumerated(
        F::LogSeverityNumber,
        C::Log,
        &["severity_number"],
        true,
        &SEVERITY_NUMBER,
        "Severity number (SEVERITY_NUMBER_*).",
    ),
    rw(F::LogSeverityText, C::Log, &["severity_text"], T::String, "Severity text."),
    keyed(
        F::LogBody,
        C::Log,
        &["body"],
        T::Any,
        KeyRule::Value,
        "The log body (any value); map and slice bodies can be indexed.",
    ),
    rw(F::LogBodyString, C::Log, &["body", "string"], T::String, "The body as a string (maps and slices as JSON)."),
    attributes(F::LogAttributes, C::Log, "The log record's attributes."),
    rw(
        F::LogDroppedAttributesCount,
        C::Log,
        &["dropped_attributes_count"],
        T::Int,
        "Number of log attributes that were discarded.",
    ),
    rw(F::LogFlags, C::Log, &["flags"], T::Int, "The log record's flags."),
    rw(F::LogTraceId, C::Log, &["trace_id"], T::TraceId, "The trace id (16 bytes)."),
    rw(F::LogTraceIdString, C::Log, &["trace_id", "string"], T::String, "The trace id as lowercase hex; setting parses hex."),
    rw(F::LogSpanId, C::Log, &["span_id"], T::SpanId, "The span id (8 bytes)."),
    rw(F::LogSpanIdString, C::Log, &["span_id", "string"], T::String, "The span id as lowercase hex; setting parses hex."),
    rw(F::LogEventName, C::Log, &["event_name"], T::String, "The event name."),
    cache(F::LogCache, C::Log),
];

pub static PROFILE: &[PathEntry] = &[
    rw(F::ProfileSampleType, C::Profile, &["sample_type"], T::Opaque("pprofile.ValueTypeSlice"), "Sample types."),
    rw(F::ProfileSample, C::Profile, &["sample"], T::Opaque("pprofile.SampleSlice"), "Samples."),
    rw(F::ProfileMappingTable, C::Profile, &["mapping_table"], T::Opaque("pprofile.MappingSlice"), "Mapping table."),
    rw(F::ProfileLocationTable, C::Profile, &["location_table"], T::Opaque("pprofile.LocationSlice"), "Location table."),
    rw(F::ProfileLocationIndices, C::Profile, &["location_indices"], T::ARRAY_INT, "Location indices."),
    rw(F::ProfileFunctionTable, C::Profile, &["function_table"], T::Opaque("pprofile.FunctionSlice"), "Function table."),
    rw(F::ProfileAttributeTable, C::Profile, &["attribute_table"], T::Opaque("pprofile.AttributeTableSlice"), "Attribute table."),
    rw(F::ProfileAttributeUnits, C::Profile, &["attribute_units"], T::Opaque("pprofile.AttributeUnitSlice"), "Attribute units."),
    rw(F::ProfileLinkTable, C::Profile, &["link_table"], T::Opaque("pprofile.LinkSlice"), "Link table."),
    rw(F::ProfileStringTable, C::Profile, &["string_table"], T::ARRAY_STRING, "String table."),
    rw(F::ProfileTimeUnixNano, C::Profile, &["time_unix_nano"], T::Int, "Time in nanoseconds since the Unix epoch."),
    rw(F::ProfileTime, C::Profile, &["time"], T::Time, "Time as a time."),
    rw(F::ProfileDurationUnixNano, C::Profile, &["duration_unix_nano"], T::Int, "Duration in nanoseconds."),
    rw(F::ProfileDuration, C::Profile, &["duration"], T::Time, "Duration, exposed by the reference as a timestamp (time.Time)."),
    rw(F::ProfilePeriodType, C::Profile, &["period_type"], T::Opaque("pprofile.ValueType"), "Period type."),
    rw(F::ProfilePeriod, C::Profile, &["period"], T::Int, "Period."),
    rw(F::ProfileCommentStringIndices, C::Profile, &["comment_string_indices"], T::ARRAY_INT, "Comment string indices."),
    rw(
        F::ProfileDefaultSampleTypeStringIndex,
        C::Profile,
        &["default_sample_type_string_index"],
        T::Int,
        "Default sample type string index.",
    ),
    rw(F::ProfileProfileId, C::Profile, &["profile_id"], T::ProfileId, "The profile id (16 bytes; must not be empty)."),
    rw(F::ProfileProfileIdString, C::Profile, &["profile_id", "string"], T::String, "The profile id as lowercase hex."),
    rw(F::ProfileAttributeIndices, C::Profile, &["attribute_indices"], T::ARRAY_INT, "Attribute indices."),
    rw(
        F::ProfileDroppedAttributesCount,
        C::Profile,
        &["dropped_attributes_count"],
        T::Int,
        "Number of profile attributes that were discarded.",
    ),
    rw(F::ProfileOriginalPayloadFormat, C::Profile, &["original_payload_format"], T::String, "Format of the original payload."),
    rw(F::ProfileOriginalPayload, C::Profile, &["original_payload"], T::Bytes, "The original payload."),
    attributes(F::ProfileAttributes, C::Profile, "The profile's attributes (via the attribute table)."),
    cache(F::ProfileCache, C::Profile),
];

pub static OTELCOL: &[PathEntry] = &[
    ro(F::OTelColClientAddr, C::OTelCol, &["client", "addr"], T::String, "The client's address (read-only)."),
    PathEntry {
        id: F::OTelColClientMetadata,
        context: C::OTelCol,
        segments: &["client", "metadata"],
        ty: T::MAP_STRING_LIST,
        settable: false,
        keys: KeyRule::StringListMap,
        enum_table: None,
        doc: "Request metadata: each key maps to a list of strings; `[\"k\"]` is the list, `[\"k\"][i]` one value (read-only).",
    },
    PathEntry {
        id: F::OTelColClientAuthAttributes,
        context: C::OTelCol,
        segments: &["client", "auth", "attributes"],
        ty: T::MAP_ANY,
        settable: false,
        keys: KeyRule::Map,
        enum_table: None,
        doc: "The authenticator's attributes (read-only).",
    },
    PathEntry {
        id: F::OTelColGrpcMetadata,
        context: C::OTelCol,
        segments: &["grpc", "metadata"],
        ty: T::MAP_STRING_LIST,
        settable: false,
        keys: KeyRule::StringListMap,
        enum_table: None,
        doc: "gRPC metadata: each key maps to a list of strings (read-only).",
    },
];
