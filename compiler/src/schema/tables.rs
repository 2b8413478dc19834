//! The path tables: one static slice per context, as data.
//!
//! Field ids are stable: each context owns a block of 100 (resource 100.., scope 200..,
//! span 300.., spanevent 400.., spanlink 500.., metric 600.., datapoint 700.., log 800..,
//! profile 900.., otelcol 1000..), and each context's `cache` is the last id of its block.
//! New paths take new ids; ids are never reused.
//!
//! Sources: `pkg/ottl/contexts/internal/ctx*/…` `PathGetSetter` switches (v0.15x–0.16x).

use super::enums::{AGGREGATION_TEMPORALITY, DATAPOINT_FLAGS, METRIC_DATA_TYPE, SEVERITY_NUMBER, SPAN_KIND, STATUS_CODE};
use super::{Context, EnumTable, FieldId, KeyRule, PathEntry};
use crate::types::TypeSpec as T;

const fn rw(id: u16, context: Context, segments: &'static [&'static str], ty: T, doc: &'static str) -> PathEntry {
    PathEntry { id: FieldId(id), context, segments, ty, settable: true, keys: KeyRule::None, enum_table: None, doc }
}

const fn ro(id: u16, context: Context, segments: &'static [&'static str], ty: T, doc: &'static str) -> PathEntry {
    PathEntry { id: FieldId(id), context, segments, ty, settable: false, keys: KeyRule::None, enum_table: None, doc }
}

const fn keyed(
    id: u16,
    context: Context,
    segments: &'static [&'static str],
    ty: T,
    keys: KeyRule,
    doc: &'static str,
) -> PathEntry {
    PathEntry { id: FieldId(id), context, segments, ty, settable: true, keys, enum_table: None, doc }
}

const fn enumerated(
    id: u16,
    context: Context,
    segments: &'static [&'static str],
    settable: bool,
    table: &'static EnumTable,
    doc: &'static str,
) -> PathEntry {
    PathEntry { id: FieldId(id), context, segments, ty: T::Int, settable, keys: KeyRule::None, enum_table: Some(table), doc }
}

const fn attributes(id: u16, context: Context, doc: &'static str) -> PathEntry {
    keyed(id, context, &["attributes"], T::MAP_ANY, KeyRule::Map, doc)
}

const fn cache(id: u16, context: Context) -> PathEntry {
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
    attributes(100, C::Resource, "The resource's attributes."),
    rw(101, C::Resource, &["dropped_attributes_count"], T::Int, "Number of resource attributes that were discarded."),
    rw(102, C::Resource, &["schema_url"], T::String, "The schema URL of the resource."),
    cache(199, C::Resource),
];

pub static SCOPE: &[PathEntry] = &[
    rw(200, C::Scope, &["name"], T::String, "The instrumentation scope's name."),
    rw(201, C::Scope, &["version"], T::String, "The instrumentation scope's version."),
    attributes(202, C::Scope, "The instrumentation scope's attributes."),
    rw(203, C::Scope, &["dropped_attributes_count"], T::Int, "Number of scope attributes that were discarded."),
    rw(204, C::Scope, &["schema_url"], T::String, "The schema URL of the scope."),
    cache(299, C::Scope),
];

pub static SPAN: &[PathEntry] = &[
    rw(300, C::Span, &["trace_id"], T::TraceId, "The span's trace id (16 bytes)."),
    rw(301, C::Span, &["trace_id", "string"], T::String, "The trace id as lowercase hex; setting parses hex."),
    rw(302, C::Span, &["span_id"], T::SpanId, "The span's id (8 bytes)."),
    rw(303, C::Span, &["span_id", "string"], T::String, "The span id as lowercase hex; setting parses hex."),
    rw(304, C::Span, &["parent_span_id"], T::SpanId, "The parent span's id; all zeros when unset (not nil)."),
    rw(305, C::Span, &["parent_span_id", "string"], T::String, "The parent span id as lowercase hex."),
    keyed(
        306,
        C::Span,
        &["trace_state"],
        T::String,
        KeyRule::TraceStateKey,
        "The W3C trace state, raw; `trace_state[\"k\"]` reads or inserts one member.",
    ),
    rw(307, C::Span, &["name"], T::String, "The span's name."),
    enumerated(308, C::Span, &["kind"], true, &SPAN_KIND, "The span kind as an int (SPAN_KIND_*)."),
    rw(
        309,
        C::Span,
        &["kind", "string"],
        T::String,
        "The span kind as `Unspecified`, `Internal`, `Server`, `Client`, `Producer`, `Consumer`.",
    ),
    rw(310, C::Span, &["kind", "deprecated_string"], T::String, "The span kind as `SPAN_KIND_SERVER`, … (deprecated form)."),
    rw(311, C::Span, &["start_time_unix_nano"], T::Int, "Start time in nanoseconds since the Unix epoch."),
    rw(312, C::Span, &["end_time_unix_nano"], T::Int, "End time in nanoseconds since the Unix epoch."),
    rw(313, C::Span, &["start_time"], T::Time, "Start time as a time."),
    rw(314, C::Span, &["end_time"], T::Time, "End time as a time."),
    attributes(315, C::Span, "The span's attributes."),
    rw(316, C::Span, &["dropped_attributes_count"], T::Int, "Number of span attributes that were discarded."),
    rw(317, C::Span, &["events"], T::Opaque("ptrace.SpanEventSlice"), "The span's events."),
    rw(318, C::Span, &["dropped_events_count"], T::Int, "Number of span events that were discarded."),
    rw(319, C::Span, &["links"], T::Opaque("ptrace.SpanLinkSlice"), "The span's links."),
    rw(320, C::Span, &["dropped_links_count"], T::Int, "Number of span links that were discarded."),
    rw(321, C::Span, &["status"], T::Opaque("ptrace.Status"), "The span's status (code and message)."),
    enumerated(322, C::Span, &["status", "code"], true, &STATUS_CODE, "The status code as an int (STATUS_CODE_*)."),
    rw(323, C::Span, &["status", "message"], T::String, "The status message."),
    // The seed's rule form (§3.2.2) reads these; the Go reference has no such paths.
    ro(324, C::Span, &["duration"], T::Duration, "The span's duration, end time minus start time (seed extension, read-only)."),
    ro(325, C::Span, &["trace_id", "trace_id"], T::TraceId, "The seed's spelling of `trace_id` (seed extension, read-only)."),
    cache(399, C::Span),
];

pub static SPANEVENT: &[PathEntry] = &[
    rw(400, C::SpanEvent, &["name"], T::String, "The span event's name."),
    rw(401, C::SpanEvent, &["time_unix_nano"], T::Int, "The event's time in nanoseconds since the Unix epoch."),
    rw(402, C::SpanEvent, &["time"], T::Time, "The event's time as a time."),
    attributes(403, C::SpanEvent, "The span event's attributes."),
    rw(404, C::SpanEvent, &["dropped_attributes_count"], T::Int, "Number of event attributes that were discarded."),
    ro(405, C::SpanEvent, &["event_index"], T::Int, "Position of the event in its span's events (read-only)."),
    cache(499, C::SpanEvent),
];

pub static SPANLINK: &[PathEntry] = &[
    rw(500, C::SpanLink, &["trace_id"], T::TraceId, "The linked span's trace id (16 bytes)."),
    rw(501, C::SpanLink, &["trace_id", "string"], T::String, "The linked trace id as lowercase hex; setting parses hex."),
    rw(502, C::SpanLink, &["span_id"], T::SpanId, "The linked span's id (8 bytes)."),
    rw(503, C::SpanLink, &["span_id", "string"], T::String, "The linked span id as lowercase hex; setting parses hex."),
    rw(504, C::SpanLink, &["trace_state"], T::String, "The link's W3C trace state, raw."),
    attributes(505, C::SpanLink, "The span link's attributes."),
    rw(506, C::SpanLink, &["dropped_attributes_count"], T::Int, "Number of link attributes that were discarded."),
    rw(507, C::SpanLink, &["flags"], T::Int, "The link's flags (uint32; values outside 0..2^32-1 are an error)."),
    cache(599, C::SpanLink),
];

pub static METRIC: &[PathEntry] = &[
    rw(600, C::Metric, &["name"], T::String, "The metric's name."),
    rw(601, C::Metric, &["description"], T::String, "The metric's description."),
    rw(602, C::Metric, &["unit"], T::String, "The metric's unit."),
    enumerated(603, C::Metric, &["type"], false, &METRIC_DATA_TYPE, "The metric's data type (METRIC_DATA_TYPE_*; read-only)."),
    enumerated(
        604,
        C::Metric,
        &["aggregation_temporality"],
        true,
        &AGGREGATION_TEMPORALITY,
        "Aggregation temporality (AGGREGATION_TEMPORALITY_*); nil for gauges and summaries.",
    ),
    rw(605, C::Metric, &["is_monotonic"], T::Bool, "Whether a sum is monotonic; nil for other types."),
    rw(606, C::Metric, &["data_points"], T::Opaque("pmetric.DataPointSlice"), "The data points, typed by the metric's type."),
    keyed(607, C::Metric, &["metadata"], T::MAP_ANY, KeyRule::Map, "The metric's metadata map."),
    cache(699, C::Metric),
];

pub static DATAPOINT: &[PathEntry] = &[
    attributes(700, C::DataPoint, "The data point's attributes."),
    rw(701, C::DataPoint, &["start_time_unix_nano"], T::Int, "Start time in nanoseconds since the Unix epoch."),
    rw(702, C::DataPoint, &["time_unix_nano"], T::Int, "Time in nanoseconds since the Unix epoch."),
    rw(703, C::DataPoint, &["start_time"], T::Time, "Start time as a time."),
    rw(704, C::DataPoint, &["time"], T::Time, "Time as a time."),
    rw(705, C::DataPoint, &["value_double"], T::Float, "A number point's double value (0 if it holds an int)."),
    rw(706, C::DataPoint, &["value_int"], T::Int, "A number point's int value (0 if it holds a double)."),
    rw(707, C::DataPoint, &["exemplars"], T::Opaque("pmetric.ExemplarSlice"), "The point's exemplars (not summaries)."),
    enumerated(708, C::DataPoint, &["flags"], true, &DATAPOINT_FLAGS, "The point's flags (FLAG_*)."),
    rw(709, C::DataPoint, &["count"], T::Int, "Count (histogram, exponential histogram, summary)."),
    rw(710, C::DataPoint, &["sum"], T::Float, "Sum (histogram, exponential histogram, summary)."),
    rw(711, C::DataPoint, &["bucket_counts"], T::ARRAY_INT, "Bucket counts (histogram)."),
    rw(712, C::DataPoint, &["explicit_bounds"], T::ARRAY_FLOAT, "Explicit bucket bounds (histogram)."),
    rw(713, C::DataPoint, &["scale"], T::Int, "Scale (exponential histogram)."),
    rw(714, C::DataPoint, &["zero_count"], T::Int, "Zero count (exponential histogram)."),
    rw(
        715,
        C::DataPoint,
        &["positive"],
        T::Opaque("pmetric.ExponentialHistogramDataPointBuckets"),
        "Positive buckets (exponential histogram).",
    ),
    rw(716, C::DataPoint, &["positive", "offset"], T::Int, "Offset of the positive buckets."),
    rw(717, C::DataPoint, &["positive", "bucket_counts"], T::ARRAY_INT, "Counts of the positive buckets."),
    rw(
        718,
        C::DataPoint,
        &["negative"],
        T::Opaque("pmetric.ExponentialHistogramDataPointBuckets"),
        "Negative buckets (exponential histogram).",
    ),
    rw(719, C::DataPoint, &["negative", "offset"], T::Int, "Offset of the negative buckets."),
    rw(720, C::DataPoint, &["negative", "bucket_counts"], T::ARRAY_INT, "Counts of the negative buckets."),
    rw(
        721,
        C::DataPoint,
        &["quantile_values"],
        T::Opaque("pmetric.SummaryDataPointValueAtQuantileSlice"),
        "Quantile values (summary).",
    ),
    cache(799, C::DataPoint),
];

pub static LOG: &[PathEntry] = &[
    rw(800, C::Log, &["time_unix_nano"], T::Int, "Time in nanoseconds since the Unix epoch."),
    rw(801, C::Log, &["observed_time_unix_nano"], T::Int, "Observed time in nanoseconds since the Unix epoch."),
    rw(802, C::Log, &["time"], T::Time, "Time as a time."),
    rw(803, C::Log, &["observed_time"], T::Time, "Observed time as a time."),
    enumerated(804, C::Log, &["severity_number"], true, &SEVERITY_NUMBER, "Severity number (SEVERITY_NUMBER_*)."),
    rw(805, C::Log, &["severity_text"], T::String, "Severity text."),
    keyed(806, C::Log, &["body"], T::Any, KeyRule::Value, "The log body (any value); map and slice bodies can be indexed."),
    rw(807, C::Log, &["body", "string"], T::String, "The body as a string (maps and slices as JSON)."),
    attributes(808, C::Log, "The log record's attributes."),
    rw(809, C::Log, &["dropped_attributes_count"], T::Int, "Number of log attributes that were discarded."),
    rw(810, C::Log, &["flags"], T::Int, "The log record's flags."),
    rw(811, C::Log, &["trace_id"], T::TraceId, "The trace id (16 bytes)."),
    rw(812, C::Log, &["trace_id", "string"], T::String, "The trace id as lowercase hex; setting parses hex."),
    rw(813, C::Log, &["span_id"], T::SpanId, "The span id (8 bytes)."),
    rw(814, C::Log, &["span_id", "string"], T::String, "The span id as lowercase hex; setting parses hex."),
    rw(815, C::Log, &["event_name"], T::String, "The event name."),
    cache(899, C::Log),
];

pub static PROFILE: &[PathEntry] = &[
    rw(900, C::Profile, &["sample_type"], T::Opaque("pprofile.ValueTypeSlice"), "Sample types."),
    rw(901, C::Profile, &["sample"], T::Opaque("pprofile.SampleSlice"), "Samples."),
    rw(902, C::Profile, &["mapping_table"], T::Opaque("pprofile.MappingSlice"), "Mapping table."),
    rw(903, C::Profile, &["location_table"], T::Opaque("pprofile.LocationSlice"), "Location table."),
    rw(904, C::Profile, &["location_indices"], T::ARRAY_INT, "Location indices."),
    rw(905, C::Profile, &["function_table"], T::Opaque("pprofile.FunctionSlice"), "Function table."),
    rw(906, C::Profile, &["attribute_table"], T::Opaque("pprofile.AttributeTableSlice"), "Attribute table."),
    rw(907, C::Profile, &["attribute_units"], T::Opaque("pprofile.AttributeUnitSlice"), "Attribute units."),
    rw(908, C::Profile, &["link_table"], T::Opaque("pprofile.LinkSlice"), "Link table."),
    rw(909, C::Profile, &["string_table"], T::ARRAY_STRING, "String table."),
    rw(910, C::Profile, &["time_unix_nano"], T::Int, "Time in nanoseconds since the Unix epoch."),
    rw(911, C::Profile, &["time"], T::Time, "Time as a time."),
    rw(912, C::Profile, &["duration_unix_nano"], T::Int, "Duration in nanoseconds."),
    rw(913, C::Profile, &["duration"], T::Time, "Duration, exposed by the reference as a timestamp (time.Time)."),
    rw(914, C::Profile, &["period_type"], T::Opaque("pprofile.ValueType"), "Period type."),
    rw(915, C::Profile, &["period"], T::Int, "Period."),
    rw(916, C::Profile, &["comment_string_indices"], T::ARRAY_INT, "Comment string indices."),
    rw(917, C::Profile, &["default_sample_type_string_index"], T::Int, "Default sample type string index."),
    rw(918, C::Profile, &["profile_id"], T::ProfileId, "The profile id (16 bytes; must not be empty)."),
    rw(919, C::Profile, &["profile_id", "string"], T::String, "The profile id as lowercase hex."),
    rw(920, C::Profile, &["attribute_indices"], T::ARRAY_INT, "Attribute indices."),
    rw(921, C::Profile, &["dropped_attributes_count"], T::Int, "Number of profile attributes that were discarded."),
    rw(922, C::Profile, &["original_payload_format"], T::String, "Format of the original payload."),
    rw(923, C::Profile, &["original_payload"], T::Bytes, "The original payload."),
    attributes(924, C::Profile, "The profile's attributes (via the attribute table)."),
    cache(999, C::Profile),
];

pub static OTELCOL: &[PathEntry] = &[
    ro(1000, C::OTelCol, &["client", "addr"], T::String, "The client's address (read-only)."),
    PathEntry {
        id: FieldId(1001),
        context: C::OTelCol,
        segments: &["client", "metadata"],
        ty: T::MAP_STRING_LIST,
        settable: false,
        keys: KeyRule::StringListMap,
        enum_table: None,
        doc: "Request metadata: each key maps to a list of strings; `[\"k\"]` is the list, `[\"k\"][i]` one value (read-only).",
    },
    PathEntry {
        id: FieldId(1002),
        context: C::OTelCol,
        segments: &["client", "auth", "attributes"],
        ty: T::MAP_ANY,
        settable: false,
        keys: KeyRule::Map,
        enum_table: None,
        doc: "The authenticator's attributes (read-only).",
    },
    PathEntry {
        id: FieldId(1003),
        context: C::OTelCol,
        segments: &["grpc", "metadata"],
        ty: T::MAP_STRING_LIST,
        settable: false,
        keys: KeyRule::StringListMap,
        enum_table: None,
        doc: "gRPC metadata: each key maps to a list of strings (read-only).",
    },
];
