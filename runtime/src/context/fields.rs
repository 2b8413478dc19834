//! What each field reads and how it is written, per the reference's path accessors
//! (`pkg/ottl/contexts/internal/ctx*/…`).
//!
//! Setters given a value of the wrong type: the newest log, metric, scope and resource
//! setters fail with `expects T but got U`; span, span-event and data-point setters
//! still ignore the value (spec §3.6). Fields a data point's type lacks read nil and
//! ignore writes.

use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue};
use opentelemetry_proto::tonic::metrics::v1::metric::Data;
use opentelemetry_proto::tonic::metrics::v1::{
    ExponentialHistogramDataPoint, HistogramDataPoint, Metric, NumberDataPoint, SummaryDataPoint, number_data_point,
};
use opentelemetry_proto::tonic::trace::v1::span::{Event, Link};
use opentelemetry_proto::tonic::trace::v1::{Span, Status};

use super::keys::{self, PathKey};
use super::{ItemMut, TransformContext, time_value, unix_nanos};
use crate::coerce::hex_lower;
use crate::error::{Error, Result};
use crate::fields::Field::{self, *};
use crate::value::{Pdata, Value, map_from_key_values, map_to_key_values};

// ---- Reading ----

pub(super) fn get(ctx: &TransformContext<'_>, field: Field, keys: &[PathKey]) -> Result<Value> {
    if is_profile_field(field) {
        let ItemMut::Profile { profile, dictionary } = &ctx.item else { return Err(unavailable(field)) };
        return super::profile::get(profile, dictionary, field, keys);
    }
    if let Some(list) = attribute_list(ctx, field)? {
        return Ok(if keys.is_empty() { Value::Map(map_from_key_values(list)) } else { keys::get_in_attributes(list, keys)? });
    }
    match field {
        LogBody => {
            let body = log(ctx)?.body.clone().unwrap_or_default();
            if keys.is_empty() { Ok(Value::from_any_value(&body)) } else { body_get(&body, keys) }
        }
        SpanTraceState if !keys.is_empty() => trace_state_get(&span(ctx)?.trace_state, keys),
        OTelColClientAddr | OTelColClientMetadata | OTelColClientAuthAttributes | OTelColGrpcMetadata => {
            Ok(if matches!(field, OTelColClientAddr) || !keys.is_empty() { Value::Nil } else { Value::Map(Default::default()) })
        }
        _ => scalar_get(ctx, field),
    }
}

fn scalar_get(ctx: &TransformContext<'_>, field: Field) -> Result<Value> {
    Ok(match field {
        ResourceDroppedAttributesCount => Value::Int(ctx.resource.dropped_attributes_count.into()),
        ResourceSchemaUrl => Value::String(ctx.resource_schema_url.clone()),
        ScopeName => Value::String(ctx.scope.name.clone()),
        ScopeVersion => Value::String(ctx.scope.version.clone()),
        ScopeDroppedAttributesCount => Value::Int(ctx.scope.dropped_attributes_count.into()),
        ScopeSchemaUrl => Value::String(ctx.scope_schema_url.clone()),

        SpanTraceId | SpanTraceIdTraceId => Value::TraceId(id16(&span(ctx)?.trace_id)),
        SpanTraceIdString => Value::String(hex_lower(&id16(&span(ctx)?.trace_id))),
        SpanSpanId => Value::SpanId(id8(&span(ctx)?.span_id)),
        SpanSpanIdString => Value::String(hex_lower(&id8(&span(ctx)?.span_id))),
        SpanParentSpanId => Value::SpanId(id8(&span(ctx)?.parent_span_id)),
        SpanParentSpanIdString => Value::String(hex_lower(&id8(&span(ctx)?.parent_span_id))),
        SpanTraceState => Value::String(span(ctx)?.trace_state.clone()),
        SpanName => Value::String(span(ctx)?.name.clone()),
        SpanKind => Value::Int(span(ctx)?.kind.into()),
        SpanKindString => Value::string(kind_name(span(ctx)?.kind)),
        SpanKindDeprecatedString => Value::string(kind_deprecated_name(span(ctx)?.kind)),
        SpanStartTimeUnixNano => Value::Int(span(ctx)?.start_time_unix_nano as i64),
        SpanEndTimeUnixNano => Value::Int(span(ctx)?.end_time_unix_nano as i64),
        SpanStartTime => time_value(span(ctx)?.start_time_unix_nano),
        SpanEndTime => time_value(span(ctx)?.end_time_unix_nano),
        SpanDroppedAttributesCount => Value::Int(span(ctx)?.dropped_attributes_count.into()),
        SpanEvents => Value::Pdata(Box::new(Pdata::SpanEvents(span(ctx)?.events.clone()))),
        SpanDroppedEventsCount => Value::Int(span(ctx)?.dropped_events_count.into()),
        SpanLinks => Value::Pdata(Box::new(Pdata::SpanLinks(span(ctx)?.links.clone()))),
        SpanDroppedLinksCount => Value::Int(span(ctx)?.dropped_links_count.into()),
        SpanStatus => Value::Pdata(Box::new(Pdata::Status(span(ctx)?.status.clone().unwrap_or_default()))),
        SpanStatusCode => Value::Int(span(ctx)?.status.as_ref().map_or(0, |s| s.code).into()),
        SpanStatusMessage => Value::String(span(ctx)?.status.as_ref().map(|s| s.message.clone()).unwrap_or_default()),
        SpanDuration => {
            let s = span(ctx)?;
            Value::Duration((s.end_time_unix_nano as i64).wrapping_sub(s.start_time_unix_nano as i64))
        }

        SpanEventName => Value::String(event(ctx)?.name.clone()),
        SpanEventTimeUnixNano => Value::Int(event(ctx)?.time_unix_nano as i64),
        SpanEventTime => time_value(event(ctx)?.time_unix_nano),
        SpanEventDroppedAttributesCount => Value::Int(event(ctx)?.dropped_attributes_count.into()),
        SpanEventEventIndex => match ctx.item {
            ItemMut::SpanEvent { index, .. } => Value::Int(index as i64),
            _ => return Err(unavailable(field)),
        },

        SpanLinkTraceId => Value::TraceId(id16(&link(ctx)?.trace_id)),
        SpanLinkTraceIdString => Value::String(hex_lower(&id16(&link(ctx)?.trace_id))),
        SpanLinkSpanId => Value::SpanId(id8(&link(ctx)?.span_id)),
        SpanLinkSpanIdString => Value::String(hex_lower(&id8(&link(ctx)?.span_id))),
        SpanLinkTraceState => Value::String(link(ctx)?.trace_state.clone()),
        SpanLinkDroppedAttributesCount => Value::Int(link(ctx)?.dropped_attributes_count.into()),
        SpanLinkFlags => Value::Int(link(ctx)?.flags.into()),

        MetricName => Value::String(metric(ctx)?.name.clone()),
        MetricDescription => Value::String(metric(ctx)?.description.clone()),
        MetricUnit => Value::String(metric(ctx)?.unit.clone()),
        MetricType => Value::Int(metric_type(metric(ctx)?)),
        MetricAggregationTemporality => match &metric(ctx)?.data {
            Some(Data::Sum(s)) => Value::Int(s.aggregation_temporality.into()),
            Some(Data::Histogram(h)) => Value::Int(h.aggregation_temporality.into()),
            Some(Data::ExponentialHistogram(h)) => Value::Int(h.aggregation_temporality.into()),
            _ => Value::Nil,
        },
        MetricIsMonotonic => match &metric(ctx)?.data {
            Some(Data::Sum(s)) => Value::Bool(s.is_monotonic),
            _ => Value::Nil,
        },
        MetricDataPoints => Value::Pdata(Box::new(Pdata::Other {
            go_type: "pmetric.DataPointSlice",
            json: serde_json::to_value(&metric(ctx)?.data).unwrap_or_default(),
        })),

        LogTimeUnixNano => Value::Int(log(ctx)?.time_unix_nano as i64),
        LogObservedTimeUnixNano => Value::Int(log(ctx)?.observed_time_unix_nano as i64),
        LogTime => time_value(log(ctx)?.time_unix_nano),
        LogObservedTime => time_value(log(ctx)?.observed_time_unix_nano),
        LogSeverityNumber => Value::Int(log(ctx)?.severity_number.into()),
        LogSeverityText => Value::String(log(ctx)?.severity_text.clone()),
        LogBodyString => Value::String(body_string(log(ctx)?.body.as_ref())),
        LogDroppedAttributesCount => Value::Int(log(ctx)?.dropped_attributes_count.into()),
        LogFlags => Value::Int(log(ctx)?.flags.into()),
        LogTraceId => Value::TraceId(id16(&log(ctx)?.trace_id)),
        LogTraceIdString => Value::String(hex_lower(&id16(&log(ctx)?.trace_id))),
        LogSpanId => Value::SpanId(id8(&log(ctx)?.span_id)),
        LogSpanIdString => Value::String(hex_lower(&id8(&log(ctx)?.span_id))),
        LogEventName => Value::String(log(ctx)?.event_name.clone()),

        DataPointStartTimeUnixNano => Value::Int(point(ctx)?.start_time() as i64),
        DataPointTimeUnixNano => Value::Int(point(ctx)?.time() as i64),
        DataPointStartTime => time_value(point(ctx)?.start_time()),
        DataPointTime => time_value(point(ctx)?.time()),
        DataPointFlags => Value::Int(point(ctx)?.flags().into()),
        _ => point_get(point(ctx)?, field)?,
    })
}

fn point_get(point: Point<'_>, field: Field) -> Result<Value> {
    let other = |go_type: &'static str, json: serde_json::Value| Value::Pdata(Box::new(Pdata::Other { go_type, json }));
    Ok(match (point, field) {
        (Point::Number(p), DataPointValueDouble) => match p.value {
            Some(number_data_point::Value::AsDouble(d)) => Value::Float(d),
            _ => Value::Float(0.0),
        },
        (Point::Number(p), DataPointValueInt) => match p.value {
            Some(number_data_point::Value::AsInt(i)) => Value::Int(i),
            _ => Value::Int(0),
        },
        (Point::Number(p), DataPointExemplars) => {
            other("pmetric.ExemplarSlice", serde_json::to_value(&p.exemplars).unwrap_or_default())
        }
        (Point::Histogram(p), DataPointExemplars) => {
            other("pmetric.ExemplarSlice", serde_json::to_value(&p.exemplars).unwrap_or_default())
        }
        (Point::Exponential(p), DataPointExemplars) => {
            other("pmetric.ExemplarSlice", serde_json::to_value(&p.exemplars).unwrap_or_default())
        }
        (Point::Histogram(p), DataPointCount) => Value::Int(p.count as i64),
        (Point::Exponential(p), DataPointCount) => Value::Int(p.count as i64),
        (Point::Summary(p), DataPointCount) => Value::Int(p.count as i64),
        (Point::Histogram(p), DataPointSum) => Value::Float(p.sum.unwrap_or_default()),
        (Point::Exponential(p), DataPointSum) => Value::Float(p.sum.unwrap_or_default()),
        (Point::Summary(p), DataPointSum) => Value::Float(p.sum),
        (Point::Histogram(p), DataPointBucketCounts) => ints(p.bucket_counts.iter().map(|&c| c as i64)),
        (Point::Histogram(p), DataPointExplicitBounds) => {
            Value::Slice(p.explicit_bounds.iter().map(|&b| Value::Float(b)).collect())
        }
        (Point::Exponential(p), DataPointScale) => Value::Int(p.scale.into()),
        (Point::Exponential(p), DataPointZeroCount) => Value::Int(p.zero_count as i64),
        (Point::Exponential(p), DataPointPositive) => {
            other("pmetric.ExponentialHistogramDataPointBuckets", serde_json::to_value(&p.positive).unwrap_or_default())
        }
        (Point::Exponential(p), DataPointNegative) => {
            other("pmetric.ExponentialHistogramDataPointBuckets", serde_json::to_value(&p.negative).unwrap_or_default())
        }
        (Point::Exponential(p), DataPointPositiveOffset) => Value::Int(p.positive.as_ref().map_or(0, |b| b.offset).into()),
        (Point::Exponential(p), DataPointNegativeOffset) => Value::Int(p.negative.as_ref().map_or(0, |b| b.offset).into()),
        (Point::Exponential(p), DataPointPositiveBucketCounts) => {
            ints(p.positive.iter().flat_map(|b| b.bucket_counts.iter().map(|&c| c as i64)))
        }
        (Point::Exponential(p), DataPointNegativeBucketCounts) => {
            ints(p.negative.iter().flat_map(|b| b.bucket_counts.iter().map(|&c| c as i64)))
        }
        (Point::Summary(p), DataPointQuantileValues) => {
            other("pmetric.SummaryDataPointValueAtQuantileSlice", serde_json::to_value(&p.quantile_values).unwrap_or_default())
        }
        (_, f) if is_point_field(f) => Value::Nil,
        (_, f) => return Err(Error::new(format!("the path {f:?} cannot be read here"))),
    })
}

/// `pcommon.Value.AsString()`: strings as they are, numbers and bools as text, bytes as
/// base64, maps and slices as JSON, Empty as "".
pub(crate) fn body_string(body: Option<&AnyValue>) -> String {
    match body.map(Value::from_any_value).unwrap_or_default() {
        Value::Nil => String::new(),
        Value::String(s) => s,
        Value::Bytes(b) => crate::coerce::base64_std(&b),
        Value::Float(f) => crate::coerce::format_float(f),
        other => other.to_string(),
    }
}

fn is_point_field(field: Field) -> bool {
    (DataPointAttributes.id()..=DataPointCache.id()).contains(&field.id())
}

fn ints(values: impl Iterator<Item = i64>) -> Value {
    Value::Slice(values.map(Value::Int).collect())
}

/// A log body indexed with keys: only map and slice bodies can be.
fn body_get(body: &AnyValue, keys: &[PathKey]) -> Result<Value> {
    use opentelemetry_proto::tonic::common::v1::any_value::Value as V;
    match &body.value {
        Some(V::KvlistValue(_) | V::ArrayValue(_)) => keys::get_in_value(body, keys),
        other => Err(Error::new(format!("log bodies of type {} cannot be indexed", keys::value_type_name(other)))),
    }
}

/// `trace_state["k"]`: the member's value, "" when absent.
fn trace_state_get(trace_state: &str, keys: &[PathKey]) -> Result<Value> {
    let PathKey::String(key) = &keys[0] else { return Err(Error::new("trace_state must be indexed by a string")) };
    let value = trace_state_members(trace_state).find(|(k, _)| k == key).map(|(_, v)| v.to_string()).unwrap_or_default();
    Ok(Value::String(value))
}

fn trace_state_members(trace_state: &str) -> impl Iterator<Item = (&str, &str)> {
    trace_state.split(',').map(str::trim).filter(|m| !m.is_empty()).filter_map(|m| m.split_once('='))
}

// ---- Writing ----

pub(super) fn set(ctx: &mut TransformContext<'_>, field: Field, keys: &[PathKey], value: Value) -> Result<()> {
    if is_profile_field(field) {
        let ItemMut::Profile { profile, dictionary } = &mut ctx.item else { return Err(unavailable(field)) };
        return super::profile::set(profile, dictionary, field, keys, value);
    }
    if let Some(list) = attribute_list_mut(ctx, field)? {
        return if keys.is_empty() {
            match value {
                Value::Map(map) => {
                    *list = map_to_key_values(&map);
                    Ok(())
                }
                // A map represents nil as an empty map.
                Value::Nil => {
                    list.clear();
                    Ok(())
                }
                other => Err(Error::new(format!("unsupported type provided for setting a pcommon.Map: {}", other.go_type()))),
            }
        } else {
            keys::set_in_attributes(list, keys, &value)
        };
    }
    match field {
        LogBody => {
            let body = log_mut(ctx)?.body.get_or_insert_with(AnyValue::default);
            if keys.is_empty() {
                keys::check_storable(&value)?;
                *body = value.to_any_value();
                Ok(())
            } else {
                body_set(body, keys, &value)
            }
        }
        SpanTraceState if !keys.is_empty() => {
            let s = span_mut(ctx)?;
            let Value::String(v) = value else { return Ok(()) };
            let PathKey::String(key) = &keys[0] else { return Err(Error::new("trace_state must be indexed by a string")) };
            s.trace_state = trace_state_insert(&s.trace_state, key, &v)?;
            Ok(())
        }
        OTelColClientAddr | OTelColClientMetadata | OTelColClientAuthAttributes | OTelColGrpcMetadata => {
            Err(Error::new("the otelcol context is read-only"))
        }
        _ => scalar_set(ctx, field, value),
    }
}

/// The Go type of an id field, as the setters name it.
fn id_go_type(variant: &str) -> &'static str {
    if variant == "TraceId" { "pcommon.TraceID" } else { "pcommon.SpanID" }
}

fn mismatch(expected: &str, value: &Value) -> Result<()> {
    expect(value, expected, |_| None::<()>)
}

fn scalar_set(ctx: &mut TransformContext<'_>, field: Field, value: Value) -> Result<()> {
    macro_rules! string_field {
        ($place:expr) => {
            match value {
                Value::String(s) => {
                    *$place = s;
                    Ok(())
                }
                other => mismatch("string", &other),
            }
        };
    }
    macro_rules! int_field {
        ($place:expr, $ty:ty) => {
            match value {
                Value::Int(i) => {
                    *$place = i as $ty;
                    Ok(())
                }
                other => mismatch("int64", &other),
            }
        };
    }
    macro_rules! time_field {
        ($place:expr) => {
            match value {
                Value::Time(t) => {
                    *$place = unix_nanos(&t);
                    Ok(())
                }
                other => mismatch("time.Time", &other),
            }
        };
    }
    macro_rules! id_field {
        ($place:expr, $variant:ident) => {
            match value {
                Value::$variant(id) => {
                    *$place = id.to_vec();
                    Ok(())
                }
                other => mismatch(id_go_type(stringify!($variant)), &other),
            }
        };
    }
    macro_rules! id_string_field {
        ($place:expr, $len:expr) => {
            match value {
                Value::String(s) => {
                    *$place = parse_id(&s, $len)?;
                    Ok(())
                }
                other => mismatch("string", &other),
            }
        };
    }
    match field {
        ResourceDroppedAttributesCount => int_field!(&mut ctx.resource.dropped_attributes_count, u32),
        ResourceSchemaUrl => string_field!(ctx.resource_schema_url),
        ScopeName => string_field!(&mut ctx.scope.name),
        ScopeVersion => string_field!(&mut ctx.scope.version),
        ScopeDroppedAttributesCount => int_field!(&mut ctx.scope.dropped_attributes_count, u32),
        ScopeSchemaUrl => string_field!(ctx.scope_schema_url),

        SpanTraceId => id_field!(&mut span_mut(ctx)?.trace_id, TraceId),
        SpanTraceIdString => id_string_field!(&mut span_mut(ctx)?.trace_id, 16),
        SpanSpanId => id_field!(&mut span_mut(ctx)?.span_id, SpanId),
        SpanSpanIdString => id_string_field!(&mut span_mut(ctx)?.span_id, 8),
        SpanParentSpanId => id_field!(&mut span_mut(ctx)?.parent_span_id, SpanId),
        SpanParentSpanIdString => id_string_field!(&mut span_mut(ctx)?.parent_span_id, 8),
        SpanTraceState => string_field!(&mut span_mut(ctx)?.trace_state),
        SpanName => string_field!(&mut span_mut(ctx)?.name),
        SpanKind => int_field!(&mut span_mut(ctx)?.kind, i32),
        SpanKindString => match value {
            Value::String(s) => {
                let kind =
                    (0..=5).find(|&k| kind_name(k) == s).ok_or_else(|| Error::new(format!("unknown span kind string, {s}")))?;
                span_mut(ctx)?.kind = kind;
                Ok(())
            }
            other => mismatch("string", &other),
        },
        SpanKindDeprecatedString => match value {
            Value::String(s) => {
                let kind = (0..=5)
                    .find(|&k| kind_deprecated_name(k) == s)
                    .ok_or_else(|| Error::new(format!("unknown span kind deprecated string, {s}")))?;
                span_mut(ctx)?.kind = kind;
                Ok(())
            }
            other => mismatch("string", &other),
        },
        SpanStartTimeUnixNano => int_field!(&mut span_mut(ctx)?.start_time_unix_nano, u64),
        SpanEndTimeUnixNano => int_field!(&mut span_mut(ctx)?.end_time_unix_nano, u64),
        SpanStartTime => time_field!(&mut span_mut(ctx)?.start_time_unix_nano),
        SpanEndTime => time_field!(&mut span_mut(ctx)?.end_time_unix_nano),
        SpanDroppedAttributesCount => int_field!(&mut span_mut(ctx)?.dropped_attributes_count, u32),
        SpanDroppedEventsCount => int_field!(&mut span_mut(ctx)?.dropped_events_count, u32),
        SpanDroppedLinksCount => int_field!(&mut span_mut(ctx)?.dropped_links_count, u32),
        SpanEvents => match value {
            Value::Pdata(p) if matches!(*p, Pdata::SpanEvents(_)) => {
                if let Pdata::SpanEvents(events) = *p {
                    span_mut(ctx)?.events = events;
                }
                Ok(())
            }
            other => mismatch("ptrace.SpanEventSlice", &other),
        },
        SpanLinks => match value {
            Value::Pdata(p) if matches!(*p, Pdata::SpanLinks(_)) => {
                if let Pdata::SpanLinks(links) = *p {
                    span_mut(ctx)?.links = links;
                }
                Ok(())
            }
            other => mismatch("ptrace.SpanLinkSlice", &other),
        },
        SpanStatus => match value {
            Value::Pdata(p) if matches!(*p, Pdata::Status(_)) => {
                if let Pdata::Status(status) = *p {
                    span_mut(ctx)?.status = Some(status);
                }
                Ok(())
            }
            other => mismatch("ptrace.Status", &other),
        },
        SpanStatusCode => int_field!(&mut status_mut(span_mut(ctx)?).code, i32),
        SpanStatusMessage => string_field!(&mut status_mut(span_mut(ctx)?).message),

        SpanEventName => string_field!(&mut event_mut(ctx)?.name),
        SpanEventTimeUnixNano => int_field!(&mut event_mut(ctx)?.time_unix_nano, u64),
        SpanEventTime => time_field!(&mut event_mut(ctx)?.time_unix_nano),
        SpanEventDroppedAttributesCount => int_field!(&mut event_mut(ctx)?.dropped_attributes_count, u32),

        SpanLinkTraceId => id_field!(&mut link_mut(ctx)?.trace_id, TraceId),
        SpanLinkTraceIdString => id_string_field!(&mut link_mut(ctx)?.trace_id, 16),
        SpanLinkSpanId => id_field!(&mut link_mut(ctx)?.span_id, SpanId),
        SpanLinkSpanIdString => id_string_field!(&mut link_mut(ctx)?.span_id, 8),
        SpanLinkTraceState => string_field!(&mut link_mut(ctx)?.trace_state),
        SpanLinkDroppedAttributesCount => int_field!(&mut link_mut(ctx)?.dropped_attributes_count, u32),
        SpanLinkFlags => match value {
            Value::Int(i) => {
                let flags = u32::try_from(i).map_err(|_| Error::new(format!("value {i} is out of range for uint32")))?;
                link_mut(ctx)?.flags = flags;
                Ok(())
            }
            other => mismatch("int64", &other),
        },

        MetricName => string_field!(&mut metric_mut(ctx)?.name),
        MetricDescription => string_field!(&mut metric_mut(ctx)?.description),
        MetricUnit => string_field!(&mut metric_mut(ctx)?.unit),
        MetricType => Ok(()),
        MetricAggregationTemporality => match value {
            Value::Int(i) => {
                match &mut metric_mut(ctx)?.data {
                    Some(Data::Sum(s)) => s.aggregation_temporality = i as i32,
                    Some(Data::Histogram(h)) => h.aggregation_temporality = i as i32,
                    Some(Data::ExponentialHistogram(h)) => h.aggregation_temporality = i as i32,
                    _ => {}
                }
                Ok(())
            }
            other => mismatch("int64", &other),
        },
        MetricIsMonotonic => match value {
            Value::Bool(b) => {
                if let Some(Data::Sum(s)) = &mut metric_mut(ctx)?.data {
                    s.is_monotonic = b;
                }
                Ok(())
            }
            other => mismatch("bool", &other),
        },
        MetricDataPoints => Ok(()),

        _ if is_point_field(field) => point_set(point_mut(ctx)?, field, value),
        LogTimeUnixNano => int_field!(&mut log_mut(ctx)?.time_unix_nano, u64),
        LogObservedTimeUnixNano => int_field!(&mut log_mut(ctx)?.observed_time_unix_nano, u64),
        LogTime => time_field!(&mut log_mut(ctx)?.time_unix_nano),
        LogObservedTime => time_field!(&mut log_mut(ctx)?.observed_time_unix_nano),
        LogSeverityNumber => int_field!(&mut log_mut(ctx)?.severity_number, i32),
        LogSeverityText => string_field!(&mut log_mut(ctx)?.severity_text),
        LogBodyString => match value {
            Value::String(s) => {
                log_mut(ctx)?.body = Some(Value::String(s).to_any_value());
                Ok(())
            }
            other => mismatch("string", &other),
        },
        LogDroppedAttributesCount => int_field!(&mut log_mut(ctx)?.dropped_attributes_count, u32),
        LogFlags => int_field!(&mut log_mut(ctx)?.flags, u32),
        LogTraceId => id_field!(&mut log_mut(ctx)?.trace_id, TraceId),
        LogTraceIdString => id_string_field!(&mut log_mut(ctx)?.trace_id, 16),
        LogSpanId => id_field!(&mut log_mut(ctx)?.span_id, SpanId),
        LogSpanIdString => id_string_field!(&mut log_mut(ctx)?.span_id, 8),
        LogEventName => string_field!(&mut log_mut(ctx)?.event_name),
        SpanDuration | SpanTraceIdTraceId | SpanEventEventIndex => Err(Error::new(format!("the path {field:?} is read-only"))),
        _ => Err(unavailable(field)),
    }
}

/// A data point field's setter: the value's type is checked first, then whether this point
/// type has the field (`expects pmetric.NumberDataPoint but got …` for the fields of one
/// point type, `unsupported data point type: …` for those several types share).
fn point_set(mut point: PointMut<'_>, field: Field, value: Value) -> Result<()> {
    let int = |value: &Value| expect(value, "int64", |v| if let Value::Int(i) = v { Some(*i) } else { None });
    let float = |value: &Value| expect(value, "float64", |v| if let Value::Float(f) = v { Some(*f) } else { None });
    let time = |value: &Value| expect(value, "time.Time", |v| if let Value::Time(t) = v { Some(unix_nanos(t)) } else { None });
    let kind = point.go_type();
    let wrong_point = |wanted: &str| Error::new(format!("expects {wanted} but got {kind}"));
    let unsupported = || Error::new(format!("unsupported data point type: {kind}"));
    match field {
        DataPointStartTimeUnixNano => *point.start_time_mut() = int(&value)? as u64,
        DataPointTimeUnixNano => *point.time_mut() = int(&value)? as u64,
        DataPointStartTime => *point.start_time_mut() = time(&value)?,
        DataPointTime => *point.time_mut() = time(&value)?,
        DataPointFlags => *point.flags_mut() = int(&value)? as u32,
        DataPointValueDouble => {
            let f = float(&value)?;
            let PointMut::Number(p) = point else { return Err(wrong_point("pmetric.NumberDataPoint")) };
            p.value = Some(number_data_point::Value::AsDouble(f));
        }
        DataPointValueInt => {
            let i = int(&value)?;
            let PointMut::Number(p) = point else { return Err(wrong_point("pmetric.NumberDataPoint")) };
            p.value = Some(number_data_point::Value::AsInt(i));
        }
        DataPointCount => {
            let count = int(&value)? as u64;
            match point {
                PointMut::Histogram(p) => p.count = count,
                PointMut::Exponential(p) => p.count = count,
                PointMut::Summary(p) => p.count = count,
                PointMut::Number(_) => return Err(unsupported()),
            }
        }
        DataPointSum => {
            let sum = float(&value)?;
            match point {
                PointMut::Histogram(p) => p.sum = Some(sum),
                PointMut::Exponential(p) => p.sum = Some(sum),
                PointMut::Summary(p) => p.sum = sum,
                PointMut::Number(_) => return Err(unsupported()),
            }
        }
        DataPointBucketCounts | DataPointExplicitBounds => {
            let PointMut::Histogram(p) = point else { return Err(wrong_point("pmetric.HistogramDataPoint")) };
            if field == DataPointBucketCounts {
                p.bucket_counts = expect(&value, "[]uint64", int_list)?.into_iter().map(|c| c as u64).collect();
            } else {
                p.explicit_bounds = expect(&value, "[]float64", float_list)?;
            }
        }
        DataPointScale | DataPointZeroCount | DataPointPositiveOffset | DataPointNegativeOffset => {
            let i = int(&value)?;
            let PointMut::Exponential(p) = point else { return Err(wrong_point("pmetric.ExponentialHistogramDataPoint")) };
            match field {
                DataPointScale => p.scale = i as i32,
                DataPointZeroCount => p.zero_count = i as u64,
                DataPointPositiveOffset => p.positive.get_or_insert_with(Default::default).offset = i as i32,
                _ => p.negative.get_or_insert_with(Default::default).offset = i as i32,
            }
        }
        DataPointPositiveBucketCounts | DataPointNegativeBucketCounts => {
            let counts: Vec<u64> = expect(&value, "[]uint64", int_list)?.into_iter().map(|c| c as u64).collect();
            let PointMut::Exponential(p) = point else { return Err(wrong_point("pmetric.ExponentialHistogramDataPoint")) };
            let buckets = if field == DataPointPositiveBucketCounts { &mut p.positive } else { &mut p.negative };
            buckets.get_or_insert_with(Default::default).bucket_counts = counts;
        }
        // The opaque structures (exemplars, buckets, quantile values) are not written here.
        _ => return Err(Error::new(format!("the path {field:?} cannot be set in this version"))),
    }
    Ok(())
}

/// The value as `T`, or the setters' error: `setting a value to nil is not supported`
/// for nil, `expects T but got U` for another type (`ctxutil.ExpectType`).
fn expect<T>(value: &Value, expected: &str, extract: impl Fn(&Value) -> Option<T>) -> Result<T> {
    match value {
        Value::Nil => Err(Error::new(SET_NIL)),
        other => extract(other).ok_or_else(|| Error::new(format!("expects {expected} but got {}", other.go_type()))),
    }
}

/// What the reference's scalar setters say to a nil value.
const SET_NIL: &str = "setting a value to nil is not supported";

fn float_list(value: &Value) -> Option<Vec<f64>> {
    match value {
        Value::Slice(items) => items.iter().map(|v| if let Value::Float(f) = v { Some(*f) } else { None }).collect(),
        _ => None,
    }
}

fn int_list(value: &Value) -> Option<Vec<i64>> {
    match value {
        Value::Slice(items) => items.iter().map(|v| if let Value::Int(i) = v { Some(*i) } else { None }).collect(),
        _ => None,
    }
}

/// A map or slice body indexed with keys; an Empty body becomes what the first key asks.
fn body_set(body: &mut AnyValue, keys: &[PathKey], value: &Value) -> Result<()> {
    use opentelemetry_proto::tonic::common::v1::any_value::Value as V;
    match &body.value {
        Some(V::KvlistValue(_) | V::ArrayValue(_)) | None => keys::set_in_value(body, keys, value),
        other => Err(Error::new(format!("log bodies of type {} cannot be indexed", keys::value_type_name(other)))),
    }
}

/// Inserts (or moves to the front) member `key=value` of a W3C trace state.
fn trace_state_insert(trace_state: &str, key: &str, value: &str) -> Result<String> {
    let valid_key = !key.is_empty() && key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_-*/@".contains(&b));
    let valid_value = !value.is_empty() && value.bytes().all(|b| (0x20..=0x7e).contains(&b) && b != b',' && b != b'=');
    if !valid_key || !valid_value {
        return Err(Error::new(format!("invalid trace state member {key}={value}")));
    }
    let mut members = vec![format!("{key}={value}")];
    members.extend(trace_state_members(trace_state).filter(|(k, _)| *k != key).map(|(k, v)| format!("{k}={v}")));
    Ok(members.join(","))
}

// ---- Items ----

fn unavailable(field: Field) -> Error {
    Error::new(format!("the path {field:?} is not available on this telemetry item"))
}

fn span<'a>(ctx: &'a TransformContext<'_>) -> Result<&'a Span> {
    ctx.item.span().ok_or_else(|| Error::new("span paths are not available on this telemetry item"))
}

fn span_mut<'a>(ctx: &'a mut TransformContext<'_>) -> Result<&'a mut Span> {
    match &mut ctx.item {
        ItemMut::Span(span) | ItemMut::SpanEvent { span, .. } | ItemMut::SpanLink { span, .. } => Ok(span),
        _ => Err(Error::new("span paths are not available on this telemetry item")),
    }
}

fn status_mut(span: &mut Span) -> &mut Status {
    span.status.get_or_insert_with(Status::default)
}

fn event<'a>(ctx: &'a TransformContext<'_>) -> Result<&'a Event> {
    match &ctx.item {
        ItemMut::SpanEvent { span, index } => span.events.get(*index),
        _ => None,
    }
    .ok_or_else(|| Error::new("span event paths are not available on this telemetry item"))
}

fn event_mut<'a>(ctx: &'a mut TransformContext<'_>) -> Result<&'a mut Event> {
    match &mut ctx.item {
        ItemMut::SpanEvent { span, index } => span.events.get_mut(*index),
        _ => None,
    }
    .ok_or_else(|| Error::new("span event paths are not available on this telemetry item"))
}

fn link<'a>(ctx: &'a TransformContext<'_>) -> Result<&'a Link> {
    match &ctx.item {
        ItemMut::SpanLink { span, index } => span.links.get(*index),
        _ => None,
    }
    .ok_or_else(|| Error::new("span link paths are not available on this telemetry item"))
}

fn link_mut<'a>(ctx: &'a mut TransformContext<'_>) -> Result<&'a mut Link> {
    match &mut ctx.item {
        ItemMut::SpanLink { span, index } => span.links.get_mut(*index),
        _ => None,
    }
    .ok_or_else(|| Error::new("span link paths are not available on this telemetry item"))
}

fn metric<'a>(ctx: &'a TransformContext<'_>) -> Result<&'a Metric> {
    ctx.item.metric().ok_or_else(|| Error::new("metric paths are not available on this telemetry item"))
}

fn metric_mut<'a>(ctx: &'a mut TransformContext<'_>) -> Result<&'a mut Metric> {
    match &mut ctx.item {
        ItemMut::Metric { metrics, index } => metrics.get_mut(*index),
        ItemMut::DataPoint { metrics, metric, .. } => metrics.get_mut(*metric),
        _ => None,
    }
    .ok_or_else(|| Error::new("metric paths are not available on this telemetry item"))
}

fn log<'a>(ctx: &'a TransformContext<'_>) -> Result<&'a opentelemetry_proto::tonic::logs::v1::LogRecord> {
    match &ctx.item {
        ItemMut::Log(log) => Ok(log),
        _ => Err(Error::new("log paths are not available on this telemetry item")),
    }
}

fn log_mut<'a>(ctx: &'a mut TransformContext<'_>) -> Result<&'a mut opentelemetry_proto::tonic::logs::v1::LogRecord> {
    match &mut ctx.item {
        ItemMut::Log(log) => Ok(log),
        _ => Err(Error::new("log paths are not available on this telemetry item")),
    }
}

/// A data point of whichever type its metric holds.
#[derive(Clone, Copy)]
enum Point<'a> {
    Number(&'a NumberDataPoint),
    Histogram(&'a HistogramDataPoint),
    Exponential(&'a ExponentialHistogramDataPoint),
    Summary(&'a SummaryDataPoint),
}

enum PointMut<'a> {
    Number(&'a mut NumberDataPoint),
    Histogram(&'a mut HistogramDataPoint),
    Exponential(&'a mut ExponentialHistogramDataPoint),
    Summary(&'a mut SummaryDataPoint),
}

macro_rules! point_common {
    ($point:expr, $p:ident => $e:expr) => {
        match $point {
            Point::Number($p) => $e,
            Point::Histogram($p) => $e,
            Point::Exponential($p) => $e,
            Point::Summary($p) => $e,
        }
    };
}

macro_rules! point_common_mut {
    ($point:expr, $p:ident => $e:expr) => {
        match $point {
            PointMut::Number($p) => $e,
            PointMut::Histogram($p) => $e,
            PointMut::Exponential($p) => $e,
            PointMut::Summary($p) => $e,
        }
    };
}

impl<'a> Point<'a> {
    fn start_time(self) -> u64 {
        point_common!(self, p => p.start_time_unix_nano)
    }
    fn time(self) -> u64 {
        point_common!(self, p => p.time_unix_nano)
    }
    fn flags(self) -> u32 {
        point_common!(self, p => p.flags)
    }
    fn attributes(self) -> &'a Vec<KeyValue> {
        point_common!(self, p => &p.attributes)
    }
}

impl<'a> PointMut<'a> {
    /// The pdata type's name, as the reference's messages give it.
    fn go_type(&self) -> &'static str {
        match self {
            PointMut::Number(_) => "pmetric.NumberDataPoint",
            PointMut::Histogram(_) => "pmetric.HistogramDataPoint",
            PointMut::Exponential(_) => "pmetric.ExponentialHistogramDataPoint",
            PointMut::Summary(_) => "pmetric.SummaryDataPoint",
        }
    }

    fn start_time_mut(&mut self) -> &mut u64 {
        point_common_mut!(self, p => &mut p.start_time_unix_nano)
    }
    fn time_mut(&mut self) -> &mut u64 {
        point_common_mut!(self, p => &mut p.time_unix_nano)
    }
    fn flags_mut(&mut self) -> &mut u32 {
        point_common_mut!(self, p => &mut p.flags)
    }
    fn attributes(self) -> &'a mut Vec<KeyValue> {
        point_common_mut!(self, p => &mut p.attributes)
    }
}

fn point<'a>(ctx: &'a TransformContext<'_>) -> Result<Point<'a>> {
    let missing = || Error::new("data point paths are not available on this telemetry item");
    let ItemMut::DataPoint { metrics, metric, index } = &ctx.item else { return Err(missing()) };
    let index = *index;
    match &metrics.get(*metric).ok_or_else(missing)?.data {
        Some(Data::Gauge(g)) => g.data_points.get(index).map(Point::Number),
        Some(Data::Sum(s)) => s.data_points.get(index).map(Point::Number),
        Some(Data::Histogram(h)) => h.data_points.get(index).map(Point::Histogram),
        Some(Data::ExponentialHistogram(h)) => h.data_points.get(index).map(Point::Exponential),
        Some(Data::Summary(s)) => s.data_points.get(index).map(Point::Summary),
        None => None,
    }
    .ok_or_else(missing)
}

fn point_mut<'a>(ctx: &'a mut TransformContext<'_>) -> Result<PointMut<'a>> {
    let missing = || Error::new("data point paths are not available on this telemetry item");
    let ItemMut::DataPoint { metrics, metric, index } = &mut ctx.item else { return Err(missing()) };
    let index = *index;
    match &mut metrics.get_mut(*metric).ok_or_else(missing)?.data {
        Some(Data::Gauge(g)) => g.data_points.get_mut(index).map(PointMut::Number),
        Some(Data::Sum(s)) => s.data_points.get_mut(index).map(PointMut::Number),
        Some(Data::Histogram(h)) => h.data_points.get_mut(index).map(PointMut::Histogram),
        Some(Data::ExponentialHistogram(h)) => h.data_points.get_mut(index).map(PointMut::Exponential),
        Some(Data::Summary(s)) => s.data_points.get_mut(index).map(PointMut::Summary),
        None => None,
    }
    .ok_or_else(missing)
}

/// The attribute-like list a field names (attributes, metadata, cache), if it names one.
pub(super) fn attribute_list<'a>(ctx: &'a TransformContext<'_>, field: Field) -> Result<Option<&'a Vec<KeyValue>>> {
    Ok(Some(match field {
        ResourceAttributes => &ctx.resource.attributes,
        ScopeAttributes => &ctx.scope.attributes,
        SpanAttributes => &span(ctx)?.attributes,
        SpanEventAttributes => &event(ctx)?.attributes,
        SpanLinkAttributes => &link(ctx)?.attributes,
        MetricMetadata => &metric(ctx)?.metadata,
        DataPointAttributes => point(ctx)?.attributes(),
        LogAttributes => &log(ctx)?.attributes,
        f if is_cache(f) => &ctx.cache,
        _ => return Ok(None),
    }))
}

pub(super) fn attribute_list_mut<'a>(ctx: &'a mut TransformContext<'_>, field: Field) -> Result<Option<&'a mut Vec<KeyValue>>> {
    Ok(Some(match field {
        ResourceAttributes => &mut ctx.resource.attributes,
        ScopeAttributes => &mut ctx.scope.attributes,
        SpanAttributes => &mut span_mut(ctx)?.attributes,
        SpanEventAttributes => &mut event_mut(ctx)?.attributes,
        SpanLinkAttributes => &mut link_mut(ctx)?.attributes,
        MetricMetadata => &mut metric_mut(ctx)?.metadata,
        DataPointAttributes => point_mut(ctx)?.attributes(),
        LogAttributes => &mut log_mut(ctx)?.attributes,
        f if is_cache(f) => &mut ctx.cache,
        _ => return Ok(None),
    }))
}

/// The profile context's own fields (its `cache` is kept like every other context's).
fn is_profile_field(field: Field) -> bool {
    field.id() / 100 == 9 && !is_cache(field)
}

fn is_cache(field: Field) -> bool {
    field.id() % 100 == 99
}

// ---- Conversions ----

fn id16(bytes: &[u8]) -> [u8; 16] {
    bytes.try_into().unwrap_or_default()
}

fn id8(bytes: &[u8]) -> [u8; 8] {
    bytes.try_into().unwrap_or_default()
}

/// Parses a hex id of exactly `len` bytes.
fn parse_id(text: &str, len: usize) -> Result<Vec<u8>> {
    crate::coerce::parse_hex(text, len).ok_or_else(|| {
        Error::new(format!("invalid {} id: {}", if len == 16 { "trace" } else { "span" }, crate::coerce::go_quote(text)))
    })
}

fn kind_name(kind: i32) -> &'static str {
    ["Unspecified", "Internal", "Server", "Client", "Producer", "Consumer"].get(kind as usize).copied().unwrap_or("")
}

fn kind_deprecated_name(kind: i32) -> &'static str {
    [
        "SPAN_KIND_UNSPECIFIED",
        "SPAN_KIND_INTERNAL",
        "SPAN_KIND_SERVER",
        "SPAN_KIND_CLIENT",
        "SPAN_KIND_PRODUCER",
        "SPAN_KIND_CONSUMER",
    ]
    .get(kind as usize)
    .copied()
    .unwrap_or("")
}

/// `metric.type`: METRIC_DATA_TYPE_* of the metric's data.
fn metric_type(metric: &Metric) -> i64 {
    match metric.data {
        None => 0,
        Some(Data::Gauge(_)) => 1,
        Some(Data::Sum(_)) => 2,
        Some(Data::Histogram(_)) => 3,
        Some(Data::ExponentialHistogram(_)) => 4,
        Some(Data::Summary(_)) => 5,
    }
}
