//! The transform processor's own functions (`processor/transformprocessor/internal/
//! {metrics,traces}/func_*.go`) and the filter processor's data point predicates
//! (`HasAttrOnDatapoint`, `HasAttrKeyOnDatapoint`). They work on the OTLP structures of the
//! statement's item: the metric and its list in the metric context (new metrics go to the
//! end of the list, so later statements see them), one data point in the datapoint
//! context, the span in the span context.

use std::cell::Cell;
use std::cmp::Ordering;

use indexmap::IndexMap;
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};
use opentelemetry_proto::tonic::metrics::v1::exponential_histogram_data_point::Buckets;
use opentelemetry_proto::tonic::metrics::v1::{
    AggregationTemporality, ExponentialHistogram, ExponentialHistogramDataPoint, Gauge, Histogram, HistogramDataPoint, Metric,
    NumberDataPoint, Sum, Summary, exemplar, metric::Data, number_data_point,
};
use opentelemetry_proto::tonic::trace::v1::{Span, span::SpanKind};

use super::literal::{Literal, LiteralArgs, LiteralError, one_of_help};
use super::shorthand::*;
use super::{EditorHost, List};
use crate::coerce;
use crate::context::ItemMut;
use crate::error::{Error, Result};
use crate::go;
use crate::value::{Value, map_from_key_values};
use crate::{bail, converter, editor};

pub(super) mod aggregate;
pub(super) mod buckets;
pub(super) mod conversions;
pub(super) mod copy_scale;
pub(super) mod datapoint;
pub(super) mod exponential;
pub(super) mod percentile;
pub(super) mod span_name;

// ---- Reaching the item ----

/// The metric list and the index of the statement's metric in it (the metric context).
fn metric_list<'h>(host: &'h mut dyn EditorHost, function: &str) -> Result<(&'h mut Vec<Metric>, usize)> {
    match host.item() {
        Some(ItemMut::Metric { metrics, index } | ItemMut::DataPoint { metrics, metric: index, .. }) if index < metrics.len() => {
            Ok((metrics, index))
        }
        _ => bail!("{function} needs the metric context's metric list"),
    }
}

/// The statement's metric (the metric context).
fn metric_mut<'h>(host: &'h mut dyn EditorHost, function: &str) -> Result<&'h mut Metric> {
    let (metrics, index) = metric_list(host, function)?;
    metrics.get_mut(index).ok_or_else(|| Error::new(format!("{function} needs the metric context's metric list")))
}

/// An optional string argument read after another check, as a `StringGetter` reads it.
fn optional_string(value: Option<&Value>) -> Result<Option<&str>> {
    value.map(coerce::string).transpose()
}

/// `pmetric.MetricType.String()`.
fn type_name(data: &Option<Data>) -> &'static str {
    match data {
        None => "Empty",
        Some(Data::Gauge(_)) => "Gauge",
        Some(Data::Sum(_)) => "Sum",
        Some(Data::Histogram(_)) => "Histogram",
        Some(Data::ExponentialHistogram(_)) => "ExponentialHistogram",
        Some(Data::Summary(_)) => "Summary",
    }
}

/// The aggregation temporalities the transform processor's arguments name.
const TEMPORALITIES: &[&str] = &["delta", "cumulative"];

/// The aggregation temporality named in the transform processor's arguments.
fn parse_temporality(name: &str) -> Result<i32> {
    Ok(match name {
        "delta" => AggregationTemporality::Delta as i32,
        "cumulative" => AggregationTemporality::Cumulative as i32,
        other => bail!("unknown aggregation temporality: {other}"),
    })
}

/// A literal `string_agg_temp`, checked when the statement loads
/// (`convertGaugeToSum` and the summary conversions switch on it in their factories).
fn temporality_literal(args: &LiteralArgs<'_>) -> Vec<LiteralError> {
    setting_literal(args, "string_agg_temp", parse_temporality, TEMPORALITIES).into_iter().collect()
}

/// A literal setting (one of a few names) checked by the parser the body uses at run time,
/// so both say the same; the allowed names are the help.
fn setting_literal<T>(
    args: &LiteralArgs<'_>,
    param: &'static str,
    parse: fn(&str) -> Result<T>,
    allowed: &[&str],
) -> Option<LiteralError> {
    let error = parse(args.string(param)?).err()?;
    Some(LiteralError::new(param, error.to_string()).help(one_of_help(allowed)))
}

/// A metric that copies `from`'s description and takes `from`'s name with `suffix`.
fn derived_metric(from: &Metric, suffix: &str, unit: &str, data: Data) -> Metric {
    Metric {
        name: format!("{}{suffix}", from.name),
        description: from.description.clone(),
        unit: unit.to_string(),
        data: Some(data),
        ..Default::default()
    }
}

fn number_point(attributes: &[KeyValue], start: u64, time: u64, value: number_data_point::Value) -> NumberDataPoint {
    NumberDataPoint {
        attributes: attributes.to_vec(),
        start_time_unix_nano: start,
        time_unix_nano: time,
        value: Some(value),
        ..Default::default()
    }
}

// ---- Attributes ----

/// `pcommon.Value.Str()`: the string, or "" for any other type.
fn any_str(value: Option<&AnyValue>) -> &str {
    match value.and_then(|v| v.value.as_ref()) {
        Some(any_value::Value::StringValue(s)) => s,
        _ => "",
    }
}

fn string_value(s: impl Into<String>) -> AnyValue {
    AnyValue { value: Some(any_value::Value::StringValue(s.into())) }
}

/// The first attribute called `key` (pdata's `Get`).
fn attribute<'a>(attributes: &'a [KeyValue], key: &str) -> Option<&'a KeyValue> {
    attributes.iter().find(|kv| kv.key == key)
}

/// pdata's `PutStr`: replaces the value in place, or appends the attribute.
fn put_str(attributes: &mut Vec<KeyValue>, key: &str, value: impl Into<String>) {
    match attributes.iter_mut().find(|kv| kv.key == key) {
        Some(kv) => kv.value = Some(string_value(value)),
        None => attributes.push(KeyValue { key: key.to_string(), value: Some(string_value(value)), ..Default::default() }),
    }
}

/// The attribute lists of a metric's data points; `None` for a metric without data.
fn point_attributes(metric: &Metric) -> Option<Vec<&[KeyValue]>> {
    Some(match metric.data.as_ref()? {
        Data::Gauge(g) => g.data_points.iter().map(|p| p.attributes.as_slice()).collect(),
        Data::Sum(s) => s.data_points.iter().map(|p| p.attributes.as_slice()).collect(),
        Data::Histogram(h) => h.data_points.iter().map(|p| p.attributes.as_slice()).collect(),
        Data::ExponentialHistogram(h) => h.data_points.iter().map(|p| p.attributes.as_slice()).collect(),
        Data::Summary(s) => s.data_points.iter().map(|p| p.attributes.as_slice()).collect(),
    })
}

fn for_each_point_attributes(metric: &mut Metric, mut edit: impl FnMut(&mut Vec<KeyValue>)) {
    match &mut metric.data {
        None => {}
        Some(Data::Gauge(g)) => g.data_points.iter_mut().for_each(|p| edit(&mut p.attributes)),
        Some(Data::Sum(s)) => s.data_points.iter_mut().for_each(|p| edit(&mut p.attributes)),
        Some(Data::Histogram(h)) => h.data_points.iter_mut().for_each(|p| edit(&mut p.attributes)),
        Some(Data::ExponentialHistogram(h)) => h.data_points.iter_mut().for_each(|p| edit(&mut p.attributes)),
        Some(Data::Summary(s)) => s.data_points.iter_mut().for_each(|p| edit(&mut p.attributes)),
    }
}

/// What the extract functions read from a histogram, exponential histogram or summary point.
struct PointStats<'a> {
    attributes: &'a [KeyValue],
    start: u64,
    time: u64,
    count: u64,
    /// Optional for histograms, always there for summaries.
    sum: Option<f64>,
}

/// The stats of each point of a histogram-like metric (`None` for other types).
fn point_stats(data: &Option<Data>) -> Option<Vec<PointStats<'_>>> {
    macro_rules! stats {
        ($points:expr, |$p:ident| $sum:expr) => {
            $points
                .iter()
                .map(|$p| PointStats {
                    attributes: &$p.attributes,
                    start: $p.start_time_unix_nano,
                    time: $p.time_unix_nano,
                    count: $p.count,
                    sum: $sum,
                })
                .collect()
        };
    }
    Some(match data.as_ref()? {
        Data::Histogram(h) => stats!(h.data_points, |p| p.sum),
        Data::ExponentialHistogram(h) => stats!(h.data_points, |p| p.sum),
        Data::Summary(s) => stats!(s.data_points, |p| Some(p.sum)),
        _ => return None,
    })
}

#[cfg(test)]
mod tests;
