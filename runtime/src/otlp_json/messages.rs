//! The OTLP messages of traces, metrics and logs in OTLP/JSON: for each, a table of its
//! fields (JSON name, struct field, [`Codec`]) from which both its reader and its writer
//! are made. Fields are listed, and so written, in alphabetical order of their JSON names,
//! the order in which the runtime has always written them. A oneof is one entry per
//! member, on the same struct field.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};

use super::codec::{Base64, Bool, Codec, Double, Enum, Hex, Int, Int64, List, Read, Str};
use crate::otlp::common::v1::{AnyValue, ArrayValue, EntityRef, InstrumentationScope, KeyValue, KeyValueList, any_value};
use crate::otlp::logs::v1::{LogRecord, ResourceLogs, ScopeLogs, SeverityNumber};
use crate::otlp::metrics::v1::{
    AggregationTemporality, Exemplar, ExponentialHistogram, ExponentialHistogramDataPoint, Gauge, Histogram, HistogramDataPoint,
    Metric, NumberDataPoint, ResourceMetrics, ScopeMetrics, Sum, Summary, SummaryDataPoint, exemplar,
    exponential_histogram_data_point::Buckets, metric, number_data_point, summary_data_point::ValueAtQuantile,
};
use crate::otlp::resource::v1::Resource;
use crate::otlp::trace::v1::span::{Event, Link, SpanKind};
use crate::otlp::trace::v1::status::StatusCode;
use crate::otlp::trace::v1::{ResourceSpans, ScopeSpans, Span, Status};

/// A message read from and written as a JSON object, field by field.
pub trait Message: Default {
    /// The JSON names of its fields; a field's index is its position here.
    const FIELDS: &'static [&'static str];

    /// Reads the value of the field at `index` of [`Self::FIELDS`].
    fn read_field<'de, A: MapAccess<'de>>(&mut self, index: usize, map: &mut A) -> Result<(), A::Error>;

    /// Writes the fields that are not defaults, `,`-separated; whether any was.
    fn write_fields(&self, out: &mut Vec<u8>) -> bool;
}

/// A message: an object. Unknown fields are skipped, as the OTLP/JSON mapping says; a field
/// given twice keeps its last value.
pub struct Msg;

impl<M: Message> Codec<M> for Msg {
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<M, D::Error> {
        deserializer.deserialize_map(MessageVisitor(PhantomData))
    }
    fn is_default(_: &M) -> bool {
        false
    }
    fn write_value(value: &M, out: &mut Vec<u8>) {
        Self::write(value, out);
    }
    fn write(value: &M, out: &mut Vec<u8>) -> bool {
        out.push(b'{');
        let written = value.write_fields(out);
        out.push(b'}');
        written
    }
}

/// An optional message: `null` reads as absent; present with no field set, it is left out.
impl<M: Message> Codec<Option<M>> for Msg {
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<M>, D::Error> {
        struct OptionVisitor<M>(PhantomData<M>);
        impl<'de, M: Message> Visitor<'de> for OptionVisitor<M> {
            type Value = Option<M>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object or null")
            }
            fn visit_none<E: de::Error>(self) -> Result<Option<M>, E> {
                Ok(None)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Option<M>, E> {
                Ok(None)
            }
            fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<M>, D::Error> {
                <Msg as Codec<M>>::read(deserializer).map(Some)
            }
        }
        deserializer.deserialize_option(OptionVisitor(PhantomData))
    }
    fn is_default(value: &Option<M>) -> bool {
        value.is_none()
    }
    fn write_value(value: &Option<M>, out: &mut Vec<u8>) {
        Self::write(value, out);
    }
    fn write(value: &Option<M>, out: &mut Vec<u8>) -> bool {
        value.as_ref().is_some_and(|message| <Msg as Codec<M>>::write(message, out))
    }
}

struct MessageVisitor<M>(PhantomData<M>);

impl<'de, M: Message> Visitor<'de> for MessageVisitor<M> {
    type Value = M;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an OTLP message (an object)")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<M, A::Error> {
        let mut message = M::default();
        while let Some(field) = map.next_key_seed(FieldIndex(M::FIELDS))? {
            match field {
                Some(index) => message.read_field(index, &mut map)?,
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(message)
    }
}

/// Reads a key as the index of the field it names, `None` for an unknown one, without
/// allocating it.
struct FieldIndex(&'static [&'static str]);

impl<'de> DeserializeSeed<'de> for FieldIndex {
    type Value = Option<usize>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<usize>, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for FieldIndex {
    type Value = Option<usize>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a field name")
    }
    fn visit_str<E: de::Error>(self, key: &str) -> Result<Option<usize>, E> {
        Ok(self.0.iter().position(|name| *name == key))
    }
}

/// A message's table: `"jsonName" => field: Codec`, in alphabetical order of the names.
macro_rules! message {
    ($type:ty { $($json:literal => $field:ident: $codec:ty,)* }) => {
        impl Message for $type {
            const FIELDS: &'static [&'static str] = &[$($json),*];

            fn read_field<'de, A: MapAccess<'de>>(&mut self, index: usize, map: &mut A) -> Result<(), A::Error> {
                let mut position = 0;
                $(
                    if index == position {
                        self.$field = map.next_value_seed(Read::<$codec, _>::new())?;
                        return Ok(());
                    }
                    position += 1;
                )*
                let _ = position;
                map.next_value::<IgnoredAny>().map(|_| ())
            }

            fn write_fields(&self, out: &mut Vec<u8>) -> bool {
                let mut written = false;
                $(
                    if !<$codec as Codec<_>>::is_default(&self.$field) {
                        let mark = out.len();
                        if written {
                            out.push(b',');
                        }
                        out.extend_from_slice(concat!("\"", $json, "\":").as_bytes());
                        if <$codec as Codec<_>>::write(&self.$field, out) {
                            written = true;
                        } else {
                            out.truncate(mark);
                        }
                    }
                )*
                written
            }
        }
    };
}

/// The codec of one member of a oneof, for the entry of the struct field that holds the
/// oneof. `kept`: written even when its value is a default (a zero `asInt` is a value, an
/// empty string attribute is data); `pruned`: left out like an empty message (a `gauge`
/// with no data points).
macro_rules! member {
    ($name:ident: $oneof:ty, $variant:path, $inner:ty as $codec:ty, $rule:ident) => {
        pub struct $name;

        impl Codec<Option<$oneof>> for $name {
            fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<$oneof>, D::Error> {
                <$codec as Codec<$inner>>::read(deserializer).map(|value| Some($variant(value)))
            }
            fn is_default(value: &Option<$oneof>) -> bool {
                !matches!(value, Some($variant(_)))
            }
            fn write_value(value: &Option<$oneof>, out: &mut Vec<u8>) {
                if let Some($variant(value)) = value {
                    <$codec as Codec<$inner>>::write_value(value, out);
                }
            }
            fn write(value: &Option<$oneof>, out: &mut Vec<u8>) -> bool {
                match value {
                    Some($variant(value)) => member!(@$rule $codec, $inner, value, out),
                    _ => false,
                }
            }
        }
    };
    (@kept $codec:ty, $inner:ty, $value:ident, $out:ident) => {{
        <$codec as Codec<$inner>>::write_value($value, $out);
        true
    }};
    (@pruned $codec:ty, $inner:ty, $value:ident, $out:ident) => {
        <$codec as Codec<$inner>>::write($value, $out)
    };
}

/// A key-value's key: data even when empty.
pub struct Key;

impl Codec<String> for Key {
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
        Str::read(deserializer)
    }
    fn is_default(_: &String) -> bool {
        false
    }
    fn write_value(value: &String, out: &mut Vec<u8>) {
        Str::write_value(value, out);
    }
}

type Messages = List<Msg>;
type Attributes = List<Msg>;

// Common.

member!(ArrayMember: any_value::Value, any_value::Value::ArrayValue, ArrayValue as Msg, kept);
member!(BoolMember: any_value::Value, any_value::Value::BoolValue, bool as Bool, kept);
member!(BytesMember: any_value::Value, any_value::Value::BytesValue, Vec<u8> as Base64, kept);
member!(DoubleMember: any_value::Value, any_value::Value::DoubleValue, f64 as Double, kept);
member!(IntMember: any_value::Value, any_value::Value::IntValue, i64 as Int64, kept);
member!(KvlistMember: any_value::Value, any_value::Value::KvlistValue, KeyValueList as Msg, kept);
member!(StringMember: any_value::Value, any_value::Value::StringValue, String as Str, kept);
member!(StrindexMember: any_value::Value, any_value::Value::StringValueStrindex, i32 as Int, pruned);

message!(AnyValue {
    "arrayValue" => value: ArrayMember,
    "boolValue" => value: BoolMember,
    "bytesValue" => value: BytesMember,
    "doubleValue" => value: DoubleMember,
    "intValue" => value: IntMember,
    "kvlistValue" => value: KvlistMember,
    "stringValue" => value: StringMember,
    "stringValueStrindex" => value: StrindexMember,
});

message!(ArrayValue {
    "values" => values: Messages,
});

message!(KeyValueList {
    "values" => values: Attributes,
});

message!(KeyValue {
    "key" => key: Key,
    "keyStrindex" => key_strindex: Int,
    "value" => value: Msg,
});

message!(InstrumentationScope {
    "attributes" => attributes: Attributes,
    "droppedAttributesCount" => dropped_attributes_count: Int,
    "name" => name: Str,
    "version" => version: Str,
});

message!(EntityRef {
    "descriptionKeys" => description_keys: List<Str>,
    "idKeys" => id_keys: List<Str>,
    "schemaUrl" => schema_url: Str,
    "type" => r#type: Str,
});

message!(Resource {
    "attributes" => attributes: Attributes,
    "droppedAttributesCount" => dropped_attributes_count: Int,
    "entityRefs" => entity_refs: Messages,
});

// Traces.

message!(ResourceSpans {
    "resource" => resource: Msg,
    "schemaUrl" => schema_url: Str,
    "scopeSpans" => scope_spans: Messages,
});

message!(ScopeSpans {
    "schemaUrl" => schema_url: Str,
    "scope" => scope: Msg,
    "spans" => spans: Messages,
});

message!(Span {
    "attributes" => attributes: Attributes,
    "droppedAttributesCount" => dropped_attributes_count: Int,
    "droppedEventsCount" => dropped_events_count: Int,
    "droppedLinksCount" => dropped_links_count: Int,
    "endTimeUnixNano" => end_time_unix_nano: Int64,
    "events" => events: Messages,
    "flags" => flags: Int,
    "kind" => kind: Enum<SpanKind>,
    "links" => links: Messages,
    "name" => name: Str,
    "parentSpanId" => parent_span_id: Hex,
    "spanId" => span_id: Hex,
    "startTimeUnixNano" => start_time_unix_nano: Int64,
    "status" => status: Msg,
    "traceId" => trace_id: Hex,
    "traceState" => trace_state: Str,
});

message!(Event {
    "attributes" => attributes: Attributes,
    "droppedAttributesCount" => dropped_attributes_count: Int,
    "name" => name: Str,
    "timeUnixNano" => time_unix_nano: Int64,
});

message!(Link {
    "attributes" => attributes: Attributes,
    "droppedAttributesCount" => dropped_attributes_count: Int,
    "flags" => flags: Int,
    "spanId" => span_id: Hex,
    "traceId" => trace_id: Hex,
    "traceState" => trace_state: Str,
});

message!(Status {
    "code" => code: Enum<StatusCode>,
    "message" => message: Str,
});

// Logs.

message!(ResourceLogs {
    "resource" => resource: Msg,
    "schemaUrl" => schema_url: Str,
    "scopeLogs" => scope_logs: Messages,
});

message!(ScopeLogs {
    "logRecords" => log_records: Messages,
    "schemaUrl" => schema_url: Str,
    "scope" => scope: Msg,
});

message!(LogRecord {
    "attributes" => attributes: Attributes,
    "body" => body: Msg,
    "droppedAttributesCount" => dropped_attributes_count: Int,
    "eventName" => event_name: Str,
    "flags" => flags: Int,
    "observedTimeUnixNano" => observed_time_unix_nano: Int64,
    "severityNumber" => severity_number: Enum<SeverityNumber>,
    "severityText" => severity_text: Str,
    "spanId" => span_id: Hex,
    "timeUnixNano" => time_unix_nano: Int64,
    "traceId" => trace_id: Hex,
});

// Metrics.

message!(ResourceMetrics {
    "resource" => resource: Msg,
    "schemaUrl" => schema_url: Str,
    "scopeMetrics" => scope_metrics: Messages,
});

message!(ScopeMetrics {
    "metrics" => metrics: Messages,
    "schemaUrl" => schema_url: Str,
    "scope" => scope: Msg,
});

member!(ExponentialHistogramMember: metric::Data, metric::Data::ExponentialHistogram, ExponentialHistogram as Msg, pruned);
member!(GaugeMember: metric::Data, metric::Data::Gauge, Gauge as Msg, pruned);
member!(HistogramMember: metric::Data, metric::Data::Histogram, Histogram as Msg, pruned);
member!(SumMember: metric::Data, metric::Data::Sum, Sum as Msg, pruned);
member!(SummaryMember: metric::Data, metric::Data::Summary, Summary as Msg, pruned);

message!(Metric {
    "description" => description: Str,
    "exponentialHistogram" => data: ExponentialHistogramMember,
    "gauge" => data: GaugeMember,
    "histogram" => data: HistogramMember,
    "metadata" => metadata: Attributes,
    "name" => name: Str,
    "sum" => data: SumMember,
    "summary" => data: SummaryMember,
    "unit" => unit: Str,
});

message!(Gauge {
    "dataPoints" => data_points: Messages,
});

message!(Sum {
    "aggregationTemporality" => aggregation_temporality: Enum<AggregationTemporality>,
    "dataPoints" => data_points: Messages,
    "isMonotonic" => is_monotonic: Bool,
});

message!(Histogram {
    "aggregationTemporality" => aggregation_temporality: Enum<AggregationTemporality>,
    "dataPoints" => data_points: Messages,
});

message!(ExponentialHistogram {
    "aggregationTemporality" => aggregation_temporality: Enum<AggregationTemporality>,
    "dataPoints" => data_points: Messages,
});

message!(Summary {
    "dataPoints" => data_points: Messages,
});

member!(NumberAsDouble: number_data_point::Value, number_data_point::Value::AsDouble, f64 as Double, kept);
member!(NumberAsInt: number_data_point::Value, number_data_point::Value::AsInt, i64 as Int64, kept);

message!(NumberDataPoint {
    "asDouble" => value: NumberAsDouble,
    "asInt" => value: NumberAsInt,
    "attributes" => attributes: Attributes,
    "exemplars" => exemplars: Messages,
    "flags" => flags: Int,
    "startTimeUnixNano" => start_time_unix_nano: Int64,
    "timeUnixNano" => time_unix_nano: Int64,
});

message!(HistogramDataPoint {
    "attributes" => attributes: Attributes,
    "bucketCounts" => bucket_counts: List<Int64>,
    "count" => count: Int64,
    "exemplars" => exemplars: Messages,
    "explicitBounds" => explicit_bounds: List<Double>,
    "flags" => flags: Int,
    "max" => max: Double,
    "min" => min: Double,
    "startTimeUnixNano" => start_time_unix_nano: Int64,
    "sum" => sum: Double,
    "timeUnixNano" => time_unix_nano: Int64,
});

message!(ExponentialHistogramDataPoint {
    "attributes" => attributes: Attributes,
    "count" => count: Int64,
    "exemplars" => exemplars: Messages,
    "flags" => flags: Int,
    "max" => max: Double,
    "min" => min: Double,
    "negative" => negative: Msg,
    "positive" => positive: Msg,
    "scale" => scale: Int,
    "startTimeUnixNano" => start_time_unix_nano: Int64,
    "sum" => sum: Double,
    "timeUnixNano" => time_unix_nano: Int64,
    "zeroCount" => zero_count: Int64,
    "zeroThreshold" => zero_threshold: Double,
});

message!(Buckets {
    "bucketCounts" => bucket_counts: List<Int64>,
    "offset" => offset: Int,
});

message!(SummaryDataPoint {
    "attributes" => attributes: Attributes,
    "count" => count: Int64,
    "flags" => flags: Int,
    "quantileValues" => quantile_values: Messages,
    "startTimeUnixNano" => start_time_unix_nano: Int64,
    "sum" => sum: Double,
    "timeUnixNano" => time_unix_nano: Int64,
});

message!(ValueAtQuantile {
    "quantile" => quantile: Double,
    "value" => value: Double,
});

member!(ExemplarAsDouble: exemplar::Value, exemplar::Value::AsDouble, f64 as Double, kept);
member!(ExemplarAsInt: exemplar::Value, exemplar::Value::AsInt, i64 as Int64, kept);

message!(Exemplar {
    "asDouble" => value: ExemplarAsDouble,
    "asInt" => value: ExemplarAsInt,
    "filteredAttributes" => filtered_attributes: Attributes,
    "spanId" => span_id: Hex,
    "timeUnixNano" => time_unix_nano: Int64,
    "traceId" => trace_id: Hex,
});
