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

use super::shorthand::*;
use super::{Args, EditorHost};
use crate::bail;
use crate::coerce;
use crate::context::ItemMut;
use crate::error::{Error, Result};
use crate::value::{Value, map_from_key_values};

pub(crate) static FUNCTIONS: &[Function] = &[
    // ---- Transform processor: metric and datapoint contexts ----
    Function::editor("convert_sum_to_gauge", &[], convert_sum_to_gauge, "Converts a sum metric to a gauge.", &[Example::new(r#"convert_sum_to_gauge() where metric.name == "http.requests""#, r#"metric.name == "http.requests" and metric.type == METRIC_DATA_TYPE_GAUGE"#)]).only_in(METRIC).origin(Origin::TransformProcessor),
    Function::editor("convert_gauge_to_sum", &[r("string_agg_temp", K::String), r("monotonic", K::Bool)], convert_gauge_to_sum, "Converts a gauge metric to a sum with the given aggregation temporality (\"cumulative\" or \"delta\").", &[Example::new(r#"convert_gauge_to_sum("cumulative", false) where metric.name == "system.processes.count""#, r#"metric.name == "system.processes.count" and metric.type == METRIC_DATA_TYPE_SUM and metric.aggregation_temporality == AGGREGATION_TEMPORALITY_CUMULATIVE and metric.is_monotonic == false"#)]).only_in(METRIC).origin(Origin::TransformProcessor),
    Function::editor("extract_count_metric", &[r("monotonic", K::Bool), o("suffix", K::String)], extract_count_metric, "Adds a sum metric (named with `suffix`, default \"_count\") holding the count of each histogram or summary data point.", &[Example::new(r#"extract_count_metric(true) where metric.name == "http.server.duration""#, r#"metric.name == "http.server.duration_count" and metric.type == METRIC_DATA_TYPE_SUM and metric.is_monotonic == true"#)]).only_in(METRIC).origin(Origin::TransformProcessor),
    Function::editor("extract_sum_metric", &[r("monotonic", K::Bool), o("suffix", K::String)], extract_sum_metric, "Adds a sum metric (named with `suffix`, default \"_sum\") holding the sum of each histogram or summary data point.", &[Example::new(r#"extract_sum_metric(true) where metric.name == "http.server.duration""#, r#"metric.name == "http.server.duration_sum" and metric.type == METRIC_DATA_TYPE_SUM and metric.is_monotonic == true"#)]).only_in(METRIC).origin(Origin::TransformProcessor),
    Function::editor("extract_percentile_metric", &[r("percentile", K::Float), o("suffix", K::String)], extract_percentile_metric, "Adds a gauge metric holding a percentile estimated from each histogram data point.", &[Example::new(r#"extract_percentile_metric(95.0) where metric.name == "http.server.duration""#, r#"metric.name == "http.server.duration_p95" and metric.type == METRIC_DATA_TYPE_GAUGE"#)]).only_in(METRIC).origin(Origin::TransformProcessor),
    Function::editor("convert_summary_count_val_to_sum", &[r("string_agg_temp", K::String), r("monotonic", K::Bool), o("suffix", K::String)], convert_summary_count_val_to_sum, "Adds a sum metric holding the count of each summary data point.", &[Example::new(r#"convert_summary_count_val_to_sum("delta", true) where metric.name == "rpc.latency""#, r#"metric.name == "rpc.latency_count" and metric.type == METRIC_DATA_TYPE_SUM and value_int == 4"#)]).only_in(DATAPOINT).origin(Origin::TransformProcessor),
    Function::editor("convert_summary_sum_val_to_sum", &[r("string_agg_temp", K::String), r("monotonic", K::Bool), o("suffix", K::String)], convert_summary_sum_val_to_sum, "Adds a sum metric holding the sum of each summary data point.", &[Example::new(r#"convert_summary_sum_val_to_sum("delta", true) where metric.name == "rpc.latency""#, r#"metric.name == "rpc.latency_sum" and metric.type == METRIC_DATA_TYPE_SUM and value_double == 100.0"#)]).only_in(DATAPOINT).origin(Origin::TransformProcessor),
    Function::editor("convert_summary_quantile_val_to_gauge", &[o("attribute_key", K::String), o("suffix", K::String)], convert_summary_quantile_val_to_gauge, "Adds a gauge metric with one data point per summary quantile, labelled by `attribute_key` (default \"quantile\").", &[Example::new(r#"convert_summary_quantile_val_to_gauge("q") where metric.name == "rpc.latency""#, r#"metric.name == "rpc.latency.quantiles" and metric.type == METRIC_DATA_TYPE_GAUGE and HasAttrKeyOnDatapoint("q")"#)]).only_in(METRIC).origin(Origin::TransformProcessor),
    Function::editor("copy_metric", &[o("name", K::StringGetter), o("description", K::StringGetter), o("unit", K::StringGetter)], copy_metric, "Appends a copy of the metric, optionally renamed, redescribed or with another unit.", &[Example::new(r#"copy_metric(name="http.requests.copy") where metric.name == "http.requests""#, r#"metric.name == "http.requests.copy" and metric.type == METRIC_DATA_TYPE_SUM"#)]).only_in(METRIC).origin(Origin::TransformProcessor),
    Function::editor("scale_metric", &[r("multiplier", K::Float), o("unit", K::StringGetter)], scale_metric, "Multiplies every data point value of the metric by `multiplier`, optionally setting a new unit.", &[Example::new(r#"scale_metric(1000.0, "us") where metric.name == "http.server.duration""#, r#"metric.name == "http.server.duration" and metric.unit == "us""#)]).only_in(METRIC).origin(Origin::TransformProcessor),
    Function::editor("aggregate_on_attributes", &[r("aggregation_function", K::String), o("attributes", K::StringList)], aggregate_on_attributes, "Merges data points that agree on the listed attributes with sum, avg, min, max, median or count.", &[Example::new(r#"aggregate_on_attributes("sum", ["cpu"]) where metric.name == "cpu.time""#, r#"metric.name == "cpu.time" and HasAttrOnDatapoint("cpu", "0") and not HasAttrKeyOnDatapoint("state")"#)]).only_in(METRIC).origin(Origin::TransformProcessor),
    Function::editor("aggregate_on_attribute_value", &[r("aggregation_function", K::String), r("attribute", K::String), r("values", K::StringList), r("new_value", K::String)], aggregate_on_attribute_value, "Merges the data points whose `attribute` has one of `values` into one with `new_value`.", &[Example::new(r#"aggregate_on_attribute_value("sum", "state", ["idle", "wait"], "inactive") where metric.name == "cpu.time""#, r#"metric.name == "cpu.time" and HasAttrOnDatapoint("state", "inactive") and not HasAttrOnDatapoint("state", "idle")"#)]).only_in(METRIC).origin(Origin::TransformProcessor),
    Function::editor("convert_exponential_histogram_to_histogram", &[r("distribution_fn", K::String), r("explicit_bounds", K::FloatList)], convert_exponential_histogram_to_histogram, "Converts an exponential histogram to an explicit-bucket histogram (\"upper\", \"midpoint\", \"uniform\" or \"random\" distribution).", &[Example::new(r#"convert_exponential_histogram_to_histogram("midpoint", [0.0, 10.0, 100.0]) where metric.name == "latency""#, r#"metric.name == "latency" and metric.type == METRIC_DATA_TYPE_HISTOGRAM"#)]).only_in(METRIC).origin(Origin::TransformProcessor),
    Function::editor("merge_histogram_buckets", &[r("target_value", K::FloatLikeGetter), o("method", K::String)], merge_histogram_buckets, "Merges a histogram data point's bucket at `target_value` into its neighbour (\"remove_explicit_bound\" or \"limit_buckets\").", &[Example::new(r#"merge_histogram_buckets(10.0) where metric.name == "http.server.duration""#, r#"metric.name == "http.server.duration" and Len(explicit_bounds) == 1 and Len(bucket_counts) == 2"#)]).only_in(DATAPOINT).origin(Origin::TransformProcessor),
    // Span and log contexts.
    Function::editor("set_semconv_span_name", &[r("semconv_version", K::String), o("original_span_name_attribute", K::String)], set_semconv_span_name, "Renames the span after the semantic conventions of `semconv_version`, optionally keeping the old name in an attribute.", &[Example::new(r#"set_semconv_span_name("1.37.0", "original_span_name")"#, r#"name == "GET /users/123" and attributes["original_span_name"] == "GET /users/{id}""#)]).only_in(SPAN).origin(Origin::TransformProcessor),
    // ---- Filter processor ----
    Function::converter("HasAttrKeyOnDatapoint", &[r("key", K::String)], T::Bool, |args, item| has_attr_key_on_datapoint(args, item), "Whether any data point of the metric has the attribute `key`.", &[Example::new(r#"HasAttrKeyOnDatapoint("http.method")"#, r#"true"#)]).only_in(METRIC).origin(Origin::FilterProcessor),
    Function::converter("HasAttrOnDatapoint", &[r("key", K::String), r("expected_value", K::String)], T::Bool, |args, item| has_attr_on_datapoint(args, item), "Whether any data point of the metric has the attribute `key` with the value `expected_value`.", &[Example::new(r#"HasAttrOnDatapoint("http.method", "GET")"#, r#"true"#)]).only_in(METRIC).origin(Origin::FilterProcessor),
];

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

fn optional_string<'a>(args: &'a Args<'_>, index: usize) -> Result<Option<&'a str>> {
    args.optional(index).map(coerce::string).transpose()
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

/// The aggregation temporality named in the transform processor's arguments.
fn parse_temporality(name: &str) -> Result<i32> {
    Ok(match name {
        "delta" => AggregationTemporality::Delta as i32,
        "cumulative" => AggregationTemporality::Cumulative as i32,
        other => bail!("unknown aggregation temporality: {other}"),
    })
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

// ---- Filter processor: HasAttrKeyOnDatapoint, HasAttrOnDatapoint ----

fn has_attr_key_on_datapoint(args: &mut Args<'_>, item: &ItemMut<'_>) -> Result<Value> {
    check_data_points(item, "HasAttrKeyOnDatapoint", args.string(0)?, None)
}

fn has_attr_on_datapoint(args: &mut Args<'_>, item: &ItemMut<'_>) -> Result<Value> {
    check_data_points(item, "HasAttrOnDatapoint", args.string(0)?, Some(args.string(1)?))
}

/// As the filter processor: the answer comes from the first data point that has `key`
/// (whether its string value is `expected`, if given); false when none has it.
fn check_data_points(item: &ItemMut<'_>, function: &str, key: &str, expected: Option<&str>) -> Result<Value> {
    let ItemMut::Metric { metrics, index } = item else {
        bail!("{function} can only be used in the metric context");
    };
    let Some(metric) = metrics.get(*index) else { bail!("{function} can only be used in the metric context") };
    let lists = point_attributes(metric).ok_or_else(|| Error::new("unknown metric type"))?;
    let found = lists.into_iter().find_map(|attributes| attribute(attributes, key));
    Ok(Value::Bool(match (found, expected) {
        (None, _) => false,
        (Some(_), None) => true,
        (Some(kv), Some(expected)) => any_str(kv.value.as_ref()) == expected,
    }))
}

// ---- Type conversions ----

/// `convert_sum_to_gauge()`: a sum's points become a gauge's; other metrics are left alone.
fn convert_sum_to_gauge(_args: &mut Args<'_>, host: &mut dyn EditorHost) -> Result<()> {
    let metric = metric_mut(host, "convert_sum_to_gauge")?;
    metric.data = match metric.data.take() {
        Some(Data::Sum(sum)) => Some(Data::Gauge(Gauge { data_points: sum.data_points })),
        other => other,
    };
    Ok(())
}

/// `convert_gauge_to_sum(aggregation_temporality, is_monotonic)`.
fn convert_gauge_to_sum(args: &mut Args<'_>, host: &mut dyn EditorHost) -> Result<()> {
    let aggregation_temporality = parse_temporality(args.string(0)?)?;
    let is_monotonic = args.bool(1)?;
    let metric = metric_mut(host, "convert_gauge_to_sum")?;
    metric.data = match metric.data.take() {
        Some(Data::Gauge(gauge)) => {
            Some(Data::Sum(Sum { data_points: gauge.data_points, aggregation_temporality, is_monotonic }))
        }
        other => other,
    };
    Ok(())
}

// ---- New metrics from histograms and summaries ----

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

/// Which value `extract_*_metric` and `convert_summary_*_val_to_sum` carry over.
#[derive(Clone, Copy)]
enum Stat {
    Count,
    Sum,
}

impl Stat {
    /// The new point's value: the count as an int, the sum as a double (no point when a
    /// histogram has no sum).
    fn value(self, stats: &PointStats<'_>) -> Option<number_data_point::Value> {
        match self {
            Stat::Count => Some(number_data_point::Value::AsInt(stats.count as i64)),
            Stat::Sum => stats.sum.map(number_data_point::Value::AsDouble),
        }
    }

    fn points(self, stats: &[PointStats<'_>]) -> Vec<NumberDataPoint> {
        stats.iter().filter_map(|s| Some(number_point(s.attributes, s.start, s.time, self.value(s)?))).collect()
    }
}

fn extract_count_metric(args: &mut Args<'_>, host: &mut dyn EditorHost) -> Result<()> {
    extract_stat_metric(args, host, "extract_count_metric", Stat::Count)
}

fn extract_sum_metric(args: &mut Args<'_>, host: &mut dyn EditorHost) -> Result<()> {
    extract_stat_metric(args, host, "extract_sum_metric", Stat::Sum)
}

/// `extract_{count,sum}_metric(is_monotonic, suffix?)`: a sum metric (named with the
/// suffix, `_count`/`_sum` by default) with each point's count or sum, appended when it has
/// points. A summary counts as cumulative; the count's unit is "1".
fn extract_stat_metric(args: &Args<'_>, host: &mut dyn EditorHost, function: &str, stat: Stat) -> Result<()> {
    let is_monotonic = args.bool(0)?;
    let (default_suffix, counting) = match stat {
        Stat::Count => ("_count", true),
        Stat::Sum => ("_sum", false),
    };
    let suffix = optional_string(args, 1)?.unwrap_or(default_suffix);
    let (metrics, index) = metric_list(host, function)?;
    let metric = &metrics[index];
    let aggregation_temporality = match &metric.data {
        Some(Data::Histogram(h)) => h.aggregation_temporality,
        Some(Data::ExponentialHistogram(h)) => h.aggregation_temporality,
        Some(Data::Summary(_)) => AggregationTemporality::Cumulative as i32,
        _ => AggregationTemporality::Unspecified as i32,
    };
    let stats = point_stats(&metric.data).filter(|_| aggregation_temporality != AggregationTemporality::Unspecified as i32);
    let Some(stats) = stats else {
        bail!(
            "{function} requires an input metric of type Histogram, ExponentialHistogram or Summary, got {}",
            type_name(&metric.data)
        );
    };
    let data_points = stat.points(&stats);
    if data_points.is_empty() {
        return Ok(());
    }
    let unit = if counting { "1" } else { metric.unit.as_str() };
    let new = derived_metric(metric, suffix, unit, Data::Sum(Sum { data_points, aggregation_temporality, is_monotonic }));
    metrics.push(new);
    Ok(())
}

fn convert_summary_count_val_to_sum(args: &mut Args<'_>, host: &mut dyn EditorHost) -> Result<()> {
    summary_stat_to_sum(args, host, "convert_summary_count_val_to_sum", Stat::Count)
}

fn convert_summary_sum_val_to_sum(args: &mut Args<'_>, host: &mut dyn EditorHost) -> Result<()> {
    summary_stat_to_sum(args, host, "convert_summary_sum_val_to_sum", Stat::Sum)
}

/// `convert_summary_{count,sum}_val_to_sum(aggregation_temporality, is_monotonic, suffix?)`:
/// appends a sum metric of each summary point's count or sum (even with no points).
///
/// The reference registers these in the datapoint context, where it appends one such
/// metric per data point of the summary; that needs the metric list, which this runtime's
/// datapoint item does not carry, so they work in the metric context (once per metric).
fn summary_stat_to_sum(args: &Args<'_>, host: &mut dyn EditorHost, function: &str, stat: Stat) -> Result<()> {
    let aggregation_temporality = parse_temporality(args.string(0)?)?;
    let is_monotonic = args.bool(1)?;
    let suffix = optional_string(args, 2)?.unwrap_or(match stat {
        Stat::Count => "_count",
        Stat::Sum => "_sum",
    });
    let (metrics, index) = metric_list(host, function)?;
    let metric = &metrics[index];
    if !matches!(metric.data, Some(Data::Summary(_))) {
        return Ok(());
    }
    let data_points = point_stats(&metric.data).map(|stats| stat.points(&stats)).unwrap_or_default();
    let new = derived_metric(metric, suffix, &metric.unit, Data::Sum(Sum { data_points, aggregation_temporality, is_monotonic }));
    metrics.push(new);
    Ok(())
}

/// `convert_summary_quantile_val_to_gauge(attributeKey = "quantile", suffix = ".quantiles")`:
/// appends a gauge with one point per quantile of each summary point.
fn convert_summary_quantile_val_to_gauge(args: &mut Args<'_>, host: &mut dyn EditorHost) -> Result<()> {
    let attribute_key = optional_string(args, 0)?.unwrap_or("quantile");
    let suffix = optional_string(args, 1)?.unwrap_or(".quantiles");
    let (metrics, index) = metric_list(host, "convert_summary_quantile_val_to_gauge")?;
    let metric = &metrics[index];
    let Some(Data::Summary(summary)) = &metric.data else { return Ok(()) };
    let mut data_points = Vec::new();
    for point in &summary.data_points {
        for quantile in &point.quantile_values {
            let mut gauge_point = number_point(
                &point.attributes,
                point.start_time_unix_nano,
                point.time_unix_nano,
                number_data_point::Value::AsDouble(quantile.value),
            );
            gauge_point.attributes.push(KeyValue {
                key: attribute_key.to_string(),
                value: Some(Value::Float(quantile.quantile).to_any_value()),
                ..Default::default()
            });
            data_points.push(gauge_point);
        }
    }
    let new = derived_metric(metric, suffix, &metric.unit, Data::Gauge(Gauge { data_points }));
    metrics.push(new);
    Ok(())
}

// ---- extract_percentile_metric ----

/// `extract_percentile_metric(percentile, suffix = "_p{percentile}")`: appends a gauge with
/// the percentile estimated from each histogram or exponential histogram point.
fn extract_percentile_metric(args: &mut Args<'_>, host: &mut dyn EditorHost) -> Result<()> {
    let percentile = args.float(0)?;
    if !(0.0..=100.0).contains(&percentile) {
        bail!("percentile must be between 0 and 100, got {percentile:.6}");
    }
    let default_suffix = format!("_p{}", go_g(percentile));
    let suffix = optional_string(args, 1)?.unwrap_or(default_suffix.as_str());
    let (metrics, index) = metric_list(host, "extract_percentile_metric")?;
    let metric = &metrics[index];
    let estimates = match &metric.data {
        Some(Data::Histogram(h)) => {
            h.data_points.iter().map(|p| histogram_percentile(p, percentile)).collect::<Result<Vec<f64>>>()?
        }
        Some(Data::ExponentialHistogram(h)) => {
            h.data_points.iter().map(|p| exponential_percentile(p, percentile)).collect::<Result<Vec<f64>>>()?
        }
        _ => return Ok(()),
    };
    let stats = point_stats(&metric.data).unwrap_or_default();
    let data_points: Vec<NumberDataPoint> = stats
        .iter()
        .zip(estimates)
        .map(|(s, estimate)| number_point(s.attributes, s.start, s.time, number_data_point::Value::AsDouble(estimate)))
        .collect();
    if data_points.is_empty() {
        return Ok(());
    }
    let mut new = derived_metric(metric, suffix, &metric.unit, Data::Gauge(Gauge { data_points }));
    new.description = if metric.description.is_empty() {
        format!("p{}", go_g(percentile))
    } else {
        format!("{} (p{})", metric.description, go_g(percentile))
    };
    metrics.push(new);
    Ok(())
}

/// The number of observations at or below the percentile (`ceil(count · p / 100)`).
fn target_count(count: u64, percentile: f64) -> u64 {
    (count as f64 * (percentile / 100.0)).ceil() as u64
}

fn linear_interpolation(lower: f64, upper: f64, ratio: f64) -> f64 {
    lower + ratio * (upper - lower)
}

fn logarithmic_interpolation(lower: f64, upper: f64, ratio: f64) -> f64 {
    let (log_lower, log_upper) = (lower.log2(), upper.log2());
    (log_lower + (log_upper - log_lower) * ratio).exp2()
}

/// A histogram percentile by linear interpolation in its bucket. The first bucket starts at
/// `min` (or 0 when its bound is not negative); the overflow bucket ends at `max`, or the
/// answer is its lower bound. NaN for an empty histogram.
fn histogram_percentile(point: &HistogramDataPoint, percentile: f64) -> Result<f64> {
    let (counts, bounds) = (&point.bucket_counts, &point.explicit_bounds);
    if point.count == 0 || counts.is_empty() || bounds.is_empty() {
        return Ok(f64::NAN);
    }
    let target = target_count(point.count, percentile);
    let mut cumulative: u64 = 0;
    for (i, &count) in counts.iter().enumerate() {
        let before = cumulative;
        cumulative = cumulative.saturating_add(count);
        if cumulative < target {
            continue;
        }
        let (lower, upper) = if i == 0 {
            let upper = bounds[0];
            match point.min {
                Some(min) => (min, upper),
                None if upper >= 0.0 => (0.0, upper),
                None => return Ok(upper),
            }
        } else {
            let lower = bounds.get(i - 1).copied().unwrap_or(bounds[bounds.len() - 1]);
            match bounds.get(i) {
                Some(&upper) => (lower, upper),
                None => match point.max {
                    Some(max) if max > lower => (lower, max),
                    _ => return Ok(lower),
                },
            }
        };
        let ratio = (target - before) as f64 / count as f64;
        return Ok(linear_interpolation(lower, upper, ratio));
    }
    bail!(
        "percentile p{percentile:.2} not found in histogram buckets: targetCount={target}, totalCount={}, total cumulative count={cumulative} (malformed data: cumulative count doesn't reach target)",
        point.count
    )
}

/// The lower bound of exponential bucket `index` at `scale` (the OTLP data model).
fn exponential_bucket_bound(index: i64, scale: i32) -> f64 {
    if index == 0 {
        1.0
    } else if scale <= 0 {
        let exponent = index.checked_shl(scale.unsigned_abs()).filter(|e| e >> scale.unsigned_abs() == index);
        match exponent {
            Some(e) => (e.clamp(-2000, 2000) as f64).exp2(),
            None if index < 0 => 0.0,
            None => f64::INFINITY,
        }
    } else {
        (index as f64 * std::f64::consts::LN_2 * (-f64::from(scale)).exp2()).exp()
    }
}

/// An exponential histogram percentile: negative buckets (most negative first), then the
/// zero bucket, then positive buckets, interpolated logarithmically. NaN when empty.
fn exponential_percentile(point: &ExponentialHistogramDataPoint, percentile: f64) -> Result<f64> {
    let empty = Buckets::default();
    let negative = point.negative.as_ref().unwrap_or(&empty);
    let positive = point.positive.as_ref().unwrap_or(&empty);
    if point.count == 0 || (negative.bucket_counts.is_empty() && positive.bucket_counts.is_empty() && point.zero_count == 0) {
        return Ok(f64::NAN);
    }
    let target = target_count(point.count, percentile);
    let mut cumulative: u64 = 0;
    for (i, &count) in negative.bucket_counts.iter().enumerate() {
        let before = cumulative;
        cumulative = cumulative.saturating_add(count);
        if cumulative >= target {
            let index = i64::from(negative.offset) + i as i64;
            let upper = exponential_bucket_bound(index, point.scale);
            let lower = exponential_bucket_bound(index + 1, point.scale);
            let ratio = (target as f64 - before as f64) / count as f64;
            return Ok(-logarithmic_interpolation(upper, lower, 1.0 - ratio));
        }
    }
    let negative_total = cumulative;
    cumulative = cumulative.saturating_add(point.zero_count);
    if cumulative >= target {
        let has_negative = !negative.bucket_counts.is_empty();
        let has_positive = !positive.bucket_counts.is_empty();
        let lower = if !has_negative && has_positive { 0.0 } else { -point.zero_threshold };
        let upper = if !has_positive && has_negative { 0.0 } else { point.zero_threshold };
        let ratio = (target - negative_total) as f64 / point.zero_count as f64;
        return Ok(linear_interpolation(lower, upper, ratio));
    }
    for (i, &count) in positive.bucket_counts.iter().enumerate() {
        let before = cumulative;
        cumulative = cumulative.saturating_add(count);
        if cumulative >= target {
            let index = i64::from(positive.offset) + i as i64;
            let lower = exponential_bucket_bound(index, point.scale);
            let upper = exponential_bucket_bound(index + 1, point.scale);
            let ratio = (target - before) as f64 / count as f64;
            return Ok(logarithmic_interpolation(lower, upper, ratio));
        }
    }
    bail!(
        "percentile p{percentile:.2} not found in positive buckets for exponential histogram: targetCount={target}, total count={cumulative} (malformed data: cumulative count doesn't reach target count corresponding to percentile)"
    )
}

/// Go's `%g`/`%v` for a float: the shortest form, in exponent form (`1e-05`, `1e+06`) when
/// the exponent is below -4 or at least 6.
fn go_g(f: f64) -> String {
    if !f.is_finite() || f == 0.0 {
        return coerce::format_float(f);
    }
    let scientific = format!("{f:e}");
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    if (-4..6).contains(&exponent) {
        coerce::format_float(f)
    } else {
        let sign = if exponent < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exponent.unsigned_abs())
    }
}

// ---- copy_metric, scale_metric ----

/// `copy_metric(name?, description?, unit?)`: appends a copy of the metric. As in the
/// reference the copy is appended before the new fields are read, so a bad one leaves it.
fn copy_metric(args: &mut Args<'_>, host: &mut dyn EditorHost) -> Result<()> {
    let (metrics, index) = metric_list(host, "copy_metric")?;
    let copy = metrics[index].clone();
    metrics.push(copy);
    let Some(copy) = metrics.last_mut() else { return Ok(()) };
    for (i, field) in [&mut copy.name, &mut copy.description, &mut copy.unit].into_iter().enumerate() {
        if let Some(value) = optional_string(args, i)? {
            *field = value.to_string();
        }
    }
    Ok(())
}

/// `scale_metric(factor, unit?)`: multiplies the values of a gauge, sum, histogram (sum,
/// min, max, bounds, exemplars) or summary (sum, quantile values).
fn scale_metric(args: &mut Args<'_>, host: &mut dyn EditorHost) -> Result<()> {
    let factor = args.float(0)?;
    let unit = optional_string(args, 1).map_err(|e| e.context("could not get unit from ScaleArguments"))?;
    let metric = metric_mut(host, "scale_metric")?;
    match &mut metric.data {
        Some(Data::Gauge(g)) => scale_numbers(&mut g.data_points, factor),
        Some(Data::Sum(s)) => scale_numbers(&mut s.data_points, factor),
        Some(Data::Histogram(h)) => h.data_points.iter_mut().for_each(|p| scale_histogram_point(p, factor)),
        Some(Data::Summary(s)) => {
            for point in &mut s.data_points {
                point.sum *= factor;
                point.quantile_values.iter_mut().for_each(|q| q.value *= factor);
            }
        }
        Some(Data::ExponentialHistogram(_)) => bail!("exponential histograms are not supported by the 'scale_metric' function"),
        None => bail!("unsupported metric type: 'Empty'"),
    }
    if let Some(unit) = unit {
        metric.unit = unit.to_string();
    }
    Ok(())
}

/// An int scaled and truncated back to an int, as Go's `int64(float64(i) * factor)`.
fn scale_int(value: i64, factor: f64) -> i64 {
    coerce::float_to_int(value as f64 * factor)
}

fn scale_numbers(points: &mut [NumberDataPoint], factor: f64) {
    for point in points {
        point.value = match point.value {
            Some(number_data_point::Value::AsInt(i)) => Some(number_data_point::Value::AsInt(scale_int(i, factor))),
            Some(number_data_point::Value::AsDouble(d)) => Some(number_data_point::Value::AsDouble(d * factor)),
            None => None,
        };
    }
}

fn scale_histogram_point(point: &mut HistogramDataPoint, factor: f64) {
    for value in [&mut point.sum, &mut point.min, &mut point.max].into_iter().flatten() {
        *value *= factor;
    }
    point.explicit_bounds.iter_mut().for_each(|bound| *bound *= factor);
    for exemplar in &mut point.exemplars {
        exemplar.value = match exemplar.value {
            Some(exemplar::Value::AsInt(i)) => Some(exemplar::Value::AsInt(scale_int(i, factor))),
            Some(exemplar::Value::AsDouble(d)) => Some(exemplar::Value::AsDouble(d * factor)),
            None => None,
        };
    }
}

// ---- aggregate_on_attributes, aggregate_on_attribute_value ----

/// The aggregation functions of `aggregateutil`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Aggregation {
    Sum,
    Mean,
    Min,
    Max,
    Median,
    Count,
}

impl Aggregation {
    fn parse(name: &str) -> Result<Aggregation> {
        Ok(match name {
            "sum" => Aggregation::Sum,
            "mean" => Aggregation::Mean,
            "min" => Aggregation::Min,
            "max" => Aggregation::Max,
            "median" => Aggregation::Median,
            "count" => Aggregation::Count,
            other => bail!(
                "invalid aggregation function: 'unsupported function: '{other}'', valid options: sum, mean, min, max, median, count"
            ),
        })
    }
}

/// `aggregate_on_attributes(function, attributes?)`: keeps only the listed data point
/// attributes (all when the list is absent, none when it is empty), then merges the points
/// that agree on attributes and timestamps.
fn aggregate_on_attributes(args: &mut Args<'_>, host: &mut dyn EditorHost) -> Result<()> {
    let aggregation = Aggregation::parse(args.string(0)?)?;
    let kept = if args.given(1) { Some(args.strings(1)?) } else { None };
    let metric = metric_mut(host, "aggregate_on_attributes")?;
    if matches!(metric.data, Some(Data::Summary(_))) {
        bail!("aggregate_on_attributes does not support aggregating Summary metrics");
    }
    if let Some(kept) = kept {
        for_each_point_attributes(metric, |attributes| attributes.retain(|kv| kept.contains(&kv.key.as_str())));
    }
    aggregate(metric, aggregation);
    Ok(())
}

/// `aggregate_on_attribute_value(function, attribute, values, new_value)`: renames the
/// listed values of `attribute` to `new_value`, then aggregates as above. As in the
/// reference a non-string value reads as "" and a summary loses its points.
fn aggregate_on_attribute_value(args: &mut Args<'_>, host: &mut dyn EditorHost) -> Result<()> {
    let aggregation = Aggregation::parse(args.string(0)?)?;
    let attribute_key = args.string(1)?;
    let values = args.strings(2)?;
    let new_value = args.string(3)?;
    let metric = metric_mut(host, "aggregate_on_attribute_value")?;
    for_each_point_attributes(metric, |attributes| {
        if let Some(kv) = attributes.iter_mut().find(|kv| kv.key == attribute_key)
            && values.contains(&any_str(kv.value.as_ref()))
        {
            kv.value = Some(string_value(new_value));
        }
    });
    aggregate(metric, aggregation);
    Ok(())
}

/// Merges the metric's points group by group (`aggregateutil`): groups keep the order of
/// their first point. The metric keeps only its name, unit, description and type fields.
fn aggregate(metric: &mut Metric, aggregation: Aggregation) {
    metric.metadata.clear();
    let delta = AggregationTemporality::Delta as i32;
    metric.data = match metric.data.take() {
        Some(Data::Gauge(g)) => Some(Data::Gauge(Gauge {
            data_points: group(g.data_points, |p| number_key(p, false))
                .into_iter()
                .filter_map(|g| merge_numbers(g, aggregation))
                .collect(),
        })),
        Some(Data::Sum(s)) => {
            let by_start = s.aggregation_temporality == delta;
            let points = group(s.data_points, |p| number_key(p, by_start));
            Some(Data::Sum(Sum { data_points: points.into_iter().filter_map(|g| merge_numbers(g, aggregation)).collect(), ..s }))
        }
        Some(Data::Histogram(h)) => {
            let by_start = h.aggregation_temporality == delta;
            let points = group(h.data_points, |p| histogram_key(p, by_start));
            Some(Data::Histogram(Histogram {
                data_points: points.into_iter().filter_map(merge_histograms).collect(),
                aggregation_temporality: h.aggregation_temporality,
            }))
        }
        Some(Data::ExponentialHistogram(h)) => {
            let by_start = h.aggregation_temporality == delta;
            let points = group(h.data_points, |p| exponential_key(p, by_start));
            Some(Data::ExponentialHistogram(ExponentialHistogram {
                data_points: points.into_iter().filter_map(merge_exponential_histograms).collect(),
                aggregation_temporality: h.aggregation_temporality,
            }))
        }
        // The reference has no grouping for summaries: the new metric has none of its points.
        Some(Data::Summary(_)) => Some(Data::Summary(Summary::default())),
        None => None,
    };
}

/// The points in groups of equal key, in order of first appearance.
fn group<P>(points: Vec<P>, key: impl Fn(&P) -> String) -> Vec<Vec<P>> {
    let mut groups: IndexMap<String, Vec<P>> = IndexMap::new();
    for point in points {
        groups.entry(key(&point)).or_default().push(point);
    }
    groups.into_values().collect()
}

/// A grouping key: the attributes (as raw JSON), the timestamp and the other fields that
/// must agree.
fn point_key(attributes: &[KeyValue], time: u64, rest: &str) -> String {
    format!("{}\u{0}{time}\u{0}{rest}", coerce::to_json_string(&Value::Map(map_from_key_values(attributes))))
}

fn start_part(by_start: bool, start: u64) -> String {
    if by_start { start.to_string() } else { String::new() }
}

fn number_key(point: &NumberDataPoint, by_start: bool) -> String {
    point_key(&point.attributes, point.time_unix_nano, &start_part(by_start, point.start_time_unix_nano))
}

fn histogram_key(point: &HistogramDataPoint, by_start: bool) -> String {
    let rest = format!(
        "{:?}|{}|{}|{}|{}",
        point.explicit_bounds,
        start_part(by_start, point.start_time_unix_nano),
        point.min.is_some(),
        point.max.is_some(),
        point.flags
    );
    point_key(&point.attributes, point.time_unix_nano, &rest)
}

fn exponential_key(point: &ExponentialHistogramDataPoint, by_start: bool) -> String {
    let offset = |b: &Option<Buckets>| b.as_ref().map_or(0, |b| b.offset);
    let rest = format!(
        "{}|{}|{}|{}|{}|{}|{}",
        point.scale,
        point.min.is_some(),
        point.max.is_some(),
        point.flags,
        offset(&point.negative),
        offset(&point.positive),
        start_part(by_start, point.start_time_unix_nano)
    );
    point_key(&point.attributes, point.time_unix_nano, &rest)
}

/// A number point's value as a double.
fn double_of(point: &NumberDataPoint) -> f64 {
    match point.value {
        Some(number_data_point::Value::AsDouble(d)) => d,
        Some(number_data_point::Value::AsInt(i)) => i as f64,
        None => 0.0,
    }
}

/// A number point's value as an int (doubles truncated).
fn int_of(point: &NumberDataPoint) -> i64 {
    match point.value {
        Some(number_data_point::Value::AsDouble(d)) => coerce::float_to_int(d),
        Some(number_data_point::Value::AsInt(i)) => i,
        None => 0,
    }
}

/// `math.Max`/`math.Min`: NaN wins.
fn go_extreme(a: f64, b: f64, max: bool) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else if max {
        a.max(b)
    } else {
        a.min(b)
    }
}

/// The median of a non-empty list (`sort.Float64s` puts NaNs first).
fn median_f64(mut values: Vec<f64>) -> f64 {
    values.sort_by(|a, b| match (a.is_nan(), b.is_nan()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        _ => a.partial_cmp(b).unwrap_or(Ordering::Equal),
    });
    let mid = values.len() / 2;
    if values.len() % 2 == 1 { values[mid] } else { (values[mid - 1] + values[mid]) / 2.0 }
}

fn median_i64(mut values: Vec<i64>) -> i64 {
    values.sort_unstable();
    let mid = values.len() / 2;
    if values.len() % 2 == 1 { values[mid] } else { values[mid - 1].wrapping_add(values[mid]) / 2 }
}

/// One point for a group of number points: the first point with the aggregate of the
/// group's values (in the first point's value type) and the earliest start time. As in the
/// reference, an int sum adds the others' raw int values and `count` of a lone point leaves
/// its value.
fn merge_numbers(group: Vec<NumberDataPoint>, aggregation: Aggregation) -> Option<NumberDataPoint> {
    let mut points = group.into_iter();
    let mut merged = points.next()?;
    let rest: Vec<NumberDataPoint> = points.collect();
    let n = rest.len() + 1;
    let earliest = rest.iter().map(|p| p.start_time_unix_nano).fold(merged.start_time_unix_nano, u64::min);
    match merged.value {
        Some(number_data_point::Value::AsDouble(first)) => {
            let values: Vec<f64> = std::iter::once(first).chain(rest.iter().map(double_of)).collect();
            let value = match aggregation {
                _ if n == 1 => first,
                Aggregation::Sum => values.iter().sum(),
                Aggregation::Mean => values.iter().sum::<f64>() / n as f64,
                Aggregation::Max => values.into_iter().reduce(|a, b| go_extreme(a, b, true)).unwrap_or(first),
                Aggregation::Min => values.into_iter().reduce(|a, b| go_extreme(a, b, false)).unwrap_or(first),
                Aggregation::Median => median_f64(values),
                Aggregation::Count => n as f64,
            };
            merged.value = Some(number_data_point::Value::AsDouble(value));
            merged.start_time_unix_nano = earliest;
        }
        Some(number_data_point::Value::AsInt(first)) => {
            let raw_ints = rest.iter().map(|p| match p.value {
                Some(number_data_point::Value::AsInt(i)) => i,
                _ => 0,
            });
            let values: Vec<i64> = std::iter::once(first).chain(rest.iter().map(int_of)).collect();
            let value = match aggregation {
                _ if n == 1 => first,
                Aggregation::Sum => raw_ints.fold(first, i64::wrapping_add),
                Aggregation::Mean => raw_ints.fold(first, i64::wrapping_add) / n as i64,
                Aggregation::Max => values.into_iter().max().unwrap_or(first),
                Aggregation::Min => values.into_iter().min().unwrap_or(first),
                Aggregation::Median => median_i64(values),
                Aggregation::Count => n as i64,
            };
            merged.value = Some(number_data_point::Value::AsInt(value));
            merged.start_time_unix_nano = earliest;
        }
        None => {}
    }
    Some(merged)
}

/// Adds `from` into `into` element-wise, growing `into` as needed.
fn add_counts(into: &mut Vec<u64>, from: &[u64]) {
    if into.len() < from.len() {
        into.resize(from.len(), 0);
    }
    for (total, count) in into.iter_mut().zip(from) {
        *total = total.wrapping_add(*count);
    }
}

/// The smaller (or larger) of an existing extreme and another point's, if both have one.
fn merge_extreme(into: &mut Option<f64>, from: Option<f64>, max: bool) {
    if let (Some(current), Some(other)) = (*into, from)
        && (if max { current < other } else { current > other })
    {
        *into = Some(other);
    }
}

/// One histogram point for a group: counts, sums and buckets added (points with no count
/// skipped), min and max merged, exemplars gathered, earliest start time.
fn merge_histograms(group: Vec<HistogramDataPoint>) -> Option<HistogramDataPoint> {
    let mut points = group.into_iter();
    let mut merged = points.next()?;
    for point in points.filter(|p| p.count != 0) {
        merged.count = merged.count.wrapping_add(point.count);
        merged.sum = Some(merged.sum.unwrap_or(0.0) + point.sum.unwrap_or(0.0));
        merge_extreme(&mut merged.min, point.min, false);
        merge_extreme(&mut merged.max, point.max, true);
        add_counts(&mut merged.bucket_counts, &point.bucket_counts);
        merged.exemplars.extend(point.exemplars);
        merged.start_time_unix_nano = merged.start_time_unix_nano.min(point.start_time_unix_nano);
    }
    Some(merged)
}

/// The exponential counterpart of [`merge_histograms`], adding both bucket ranges.
fn merge_exponential_histograms(group: Vec<ExponentialHistogramDataPoint>) -> Option<ExponentialHistogramDataPoint> {
    let mut points = group.into_iter();
    let mut merged = points.next()?;
    for point in points.filter(|p| p.count != 0) {
        merged.count = merged.count.wrapping_add(point.count);
        merged.sum = Some(merged.sum.unwrap_or(0.0) + point.sum.unwrap_or(0.0));
        merge_extreme(&mut merged.min, point.min, false);
        merge_extreme(&mut merged.max, point.max, true);
        for (into, from) in [(&mut merged.negative, &point.negative), (&mut merged.positive, &point.positive)] {
            if let Some(from) = from {
                add_counts(&mut into.get_or_insert_with(Buckets::default).bucket_counts, &from.bucket_counts);
            }
        }
        merged.exemplars.extend(point.exemplars);
        merged.start_time_unix_nano = merged.start_time_unix_nano.min(point.start_time_unix_nano);
    }
    Some(merged)
}

// ---- convert_exponential_histogram_to_histogram ----

/// How an exponential bucket's count is spread over explicit buckets it overlaps.
#[derive(Clone, Copy)]
enum Distribution {
    Upper,
    Midpoint,
    Uniform,
    Random,
}

impl Distribution {
    fn parse(name: &str) -> Result<Distribution> {
        Ok(match name {
            "upper" => Distribution::Upper,
            "midpoint" => Distribution::Midpoint,
            // The reference's default when the name is empty.
            "random" | "" => Distribution::Random,
            "uniform" => Distribution::Uniform,
            other => bail!("invalid conversion function: {other}, must be one of [upper, midpoint, random, uniform]"),
        })
    }
}

/// `convert_exponential_histogram_to_histogram(distribution, explicit_bounds)`.
fn convert_exponential_histogram_to_histogram(args: &mut Args<'_>, host: &mut dyn EditorHost) -> Result<()> {
    let distribution = Distribution::parse(args.string(0)?)?;
    let bounds = args
        .list(1)?
        .iter()
        .map(|bound| match bound {
            Value::Int(i) => Ok(*i as f64),
            other => coerce::float(other),
        })
        .collect::<Result<Vec<f64>>>()?;
    if bounds.is_empty() {
        bail!("explicit bounds cannot be empty: []");
    }
    let metric = metric_mut(host, "convert_exponential_histogram_to_histogram")?;
    let exponential = match metric.data.take() {
        Some(Data::ExponentialHistogram(exponential)) => exponential,
        other => {
            metric.data = other;
            return Ok(());
        }
    };
    let data_points = exponential
        .data_points
        .into_iter()
        .map(|point| HistogramDataPoint {
            bucket_counts: explicit_bucket_counts(&point, &bounds, distribution),
            explicit_bounds: bounds.clone(),
            start_time_unix_nano: point.start_time_unix_nano,
            time_unix_nano: point.time_unix_nano,
            count: point.count,
            sum: Some(point.sum.unwrap_or(0.0)),
            min: Some(point.min.unwrap_or(0.0)),
            max: Some(point.max.unwrap_or(0.0)),
            exemplars: point.exemplars,
            attributes: point.attributes,
            flags: 0,
        })
        .collect();
    metric.metadata.clear();
    metric.data = Some(Data::Histogram(Histogram { data_points, aggregation_temporality: exponential.aggregation_temporality }));
    Ok(())
}

/// The explicit bucket counts of an exponential point, as the newest reference computes
/// them: one count per bound (the last also takes what lies above it), the zero count in
/// the first bucket when the first bound is 0, negative buckets ignored.
fn explicit_bucket_counts(point: &ExponentialHistogramDataPoint, bounds: &[f64], distribution: Distribution) -> Vec<u64> {
    let mut counts = vec![0u64; bounds.len()];
    let last = bounds.len() - 1;
    if point.zero_count > 0 && bounds[0] == 0.0 {
        counts[0] += point.zero_count;
    }
    let Some(positive) = &point.positive else { return counts };
    let factor = std::f64::consts::LN_2 * (-f64::from(point.scale)).exp2();
    for (i, &count) in positive.bucket_counts.iter().enumerate() {
        let index = positive.offset.wrapping_add(i as i32);
        let upper = ((f64::from(index) + 1.0) * factor).exp();
        let lower = (f64::from(index) * factor).exp();
        if lower > bounds[last] {
            counts[last] = counts[last].wrapping_add(count);
            continue;
        }
        // A bucket that falls inside one explicit bucket goes there whatever the distribution.
        if let Some(inside) = (1..bounds.len()).find(|&b| lower > bounds[b - 1] && upper <= bounds[b]) {
            counts[inside - 1] = counts[inside - 1].wrapping_add(count);
            continue;
        }
        match distribution {
            Distribution::Upper => distribute_at(&mut counts, bounds, upper, count, false),
            Distribution::Midpoint => distribute_at(&mut counts, bounds, (upper + lower) / 2.0, count, true),
            Distribution::Uniform => distribute_uniformly(&mut counts, bounds, lower, upper, count),
            Distribution::Random => distribute_randomly(&mut counts, bounds, lower, upper, count),
        }
    }
    counts
}

/// All of `count` to the first bound at or above `value` (the one before it, for the
/// midpoint method), or to the last bucket.
fn distribute_at(counts: &mut [u64], bounds: &[f64], value: f64, count: u64, previous: bool) {
    let at = match bounds.iter().position(|&bound| value <= bound) {
        Some(j) if previous && j > 0 => j - 1,
        Some(j) => j,
        None => bounds.len() - 1,
    };
    counts[at] = counts[at].wrapping_add(count);
}

/// The bounds an exponential bucket `(lower, upper]` reaches: the first at or above `lower`
/// to the first from there at or above `upper`, kept within the bounds.
fn intersecting_bounds(bounds: &[f64], lower: f64, upper: f64) -> (usize, usize) {
    let last = bounds.len() - 1;
    let start = bounds.iter().position(|&b| lower <= b).unwrap_or(bounds.len());
    let end = (start..bounds.len()).find(|&j| upper <= bounds[j]).unwrap_or(bounds.len());
    (start.min(last), end.min(last))
}

/// `count` spread evenly over the intersecting bounds, the remainder one each from the first.
fn distribute_uniformly(counts: &mut [u64], bounds: &[f64], lower: f64, upper: f64, count: u64) {
    let (start, end) = intersecting_bounds(bounds, lower, upper);
    if end <= start {
        counts[start] = counts[start].wrapping_add(count);
        return;
    }
    let width = (end - start + 1) as u64;
    let (each, mut remainder) = (count / width, count % width);
    for slot in &mut counts[start..=end] {
        *slot = slot.wrapping_add(each);
        if remainder > 0 {
            *slot = slot.wrapping_add(1);
            remainder -= 1;
        }
    }
}

/// `count` spread at random over the intersecting bounds, weighted by overlap, the rest
/// one at a time to random bounds (in bulk when it is large, so this never runs long).
fn distribute_randomly(counts: &mut [u64], bounds: &[f64], lower: f64, upper: f64, count: u64) {
    let (start, end) = intersecting_bounds(bounds, lower, upper);
    if end <= start {
        counts[start] = counts[start].wrapping_add(count);
        return;
    }
    let width = upper - lower;
    let mut allocated: u64 = 0;
    for (j, slot) in counts.iter_mut().enumerate().take(end + 1).skip(start) {
        let bucket_lower = if j == 0 { lower } else { bounds[j - 1] };
        let overlap = bounds[j].min(upper) - bucket_lower.max(lower);
        let share = (count as f64 * (overlap / width)) as u64;
        let random_share = (random_unit() * share as f64) as u64;
        *slot = slot.wrapping_add(random_share);
        allocated = allocated.saturating_add(random_share);
    }
    let mut remaining = count.saturating_sub(allocated);
    let slots = (end - start + 1) as u64;
    if remaining > 1 << 16 {
        let each = remaining / slots;
        counts[start..=end].iter_mut().for_each(|slot| *slot = slot.wrapping_add(each));
        remaining -= each * slots;
    }
    for _ in 0..remaining {
        let j = start + (random_u64() % slots) as usize;
        counts[j] = counts[j].wrapping_add(1);
    }
}

thread_local! {
    static RANDOM_STATE: Cell<u64> = Cell::new(random_seed());
}

/// A per-thread seed from the standard library's randomly keyed hasher.
fn random_seed() -> u64 {
    use std::hash::BuildHasher;
    std::collections::hash_map::RandomState::new().hash_one(0x5eed_u64) | 1
}

/// xorshift64*: plenty for spreading counts.
fn random_u64() -> u64 {
    RANDOM_STATE.with(|state| {
        let mut x = state.get();
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        state.set(x);
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    })
}

/// A uniform float in [0, 1).
fn random_unit() -> f64 {
    (random_u64() >> 11) as f64 / (1u64 << 53) as f64
}

// ---- merge_histogram_buckets (datapoint context) ----

#[derive(Clone, Copy)]
enum BucketMerge {
    /// Remove the bound equal (within 1e-12) to the target, merging its bucket into the next.
    RemoveExplicitBound(f64),
    /// At most this many buckets, by merging runs of equal length.
    LimitBuckets(usize),
}

/// `merge_histogram_buckets(target_value, method = "remove_explicit_bound")`.
fn merge_histogram_buckets(args: &mut Args<'_>, host: &mut dyn EditorHost) -> Result<()> {
    const REMOVE: &str = "remove_explicit_bound";
    const LIMIT: &str = "limit_buckets";
    let method = optional_string(args, 1)?.unwrap_or(REMOVE);
    if method != REMOVE && method != LIMIT {
        bail!("unsupported method {}, expected \"{REMOVE}\" or \"{LIMIT}\"", coerce::go_quote(method));
    }
    let target = args.float_like(0)?.ok_or_else(|| Error::new("target_value must not be nil"))?;
    let merge = if method == LIMIT {
        if target < 1.0 || target.trunc() != target || target > i64::MAX as f64 {
            bail!("target_value must be a positive integer when method is \"{LIMIT}\", got {}", go_g(target));
        }
        BucketMerge::LimitBuckets(target as usize)
    } else {
        BucketMerge::RemoveExplicitBound(target)
    };
    let Some(ItemMut::DataPoint { metrics, metric, index }) = host.item() else { return Ok(()) };
    let Some(Data::Histogram(histogram)) = metrics.get_mut(metric).and_then(|m| m.data.as_mut()) else { return Ok(()) };
    let Some(point) = histogram.data_points.get_mut(index) else { return Ok(()) };
    // Malformed histograms are left alone.
    if point.explicit_bounds.len() + 1 != point.bucket_counts.len() || point.bucket_counts.len() == 1 {
        return Ok(());
    }
    match merge {
        BucketMerge::RemoveExplicitBound(bound) => {
            if let Some(i) = point.explicit_bounds.iter().position(|b| (b - bound).abs() < 1e-12) {
                let merged = point.bucket_counts[i];
                point.bucket_counts[i + 1] = point.bucket_counts[i + 1].wrapping_add(merged);
                point.bucket_counts.remove(i);
                point.explicit_bounds.remove(i);
            }
        }
        BucketMerge::LimitBuckets(max) => limit_buckets(point, max),
    }
    Ok(())
}

/// Merges runs of `ceil(buckets / max)` adjacent buckets (the last run may be shorter);
/// each run keeps the bound at its end. Needs strictly increasing bounds.
fn limit_buckets(point: &mut HistogramDataPoint, max: usize) {
    let buckets = point.bucket_counts.len();
    let increasing = point.explicit_bounds.windows(2).all(|w| w[1].partial_cmp(&w[0]) == Some(Ordering::Greater));
    if buckets <= max || buckets <= 1 || !increasing {
        return;
    }
    let run = buckets.div_ceil(max);
    point.bucket_counts = point.bucket_counts.chunks(run).map(|c| c.iter().fold(0u64, |a, b| a.wrapping_add(*b))).collect();
    point.explicit_bounds = point.explicit_bounds.iter().skip(run - 1).step_by(run).copied().collect();
}

// ---- set_semconv_span_name (span context) ----

/// The semantic conventions version whose span names the reference derives.
const SEMCONV_VERSION: &str = "1.37.0";

/// `set_semconv_span_name(semconv_version, original_span_name_attribute?)`: renames the
/// span as the semantic conventions name HTTP, RPC, database and messaging spans; keeps the
/// old name in the attribute, if given, when it changes.
fn set_semconv_span_name(args: &mut Args<'_>, host: &mut dyn EditorHost) -> Result<()> {
    let version = args.string(0)?;
    if version != SEMCONV_VERSION {
        bail!("unsupported semconv version: {version}, supported version: {SEMCONV_VERSION}");
    }
    let original_attribute = optional_string(args, 1)?;
    if original_attribute == Some("") {
        bail!("originalSpanNameAttribute cannot be an empty string");
    }
    let Some(ItemMut::Span(span)) = host.item() else {
        bail!("set_semconv_span_name can only be used in the span context");
    };
    let name = semconv_span_name(span);
    if name != span.name
        && let Some(key) = original_attribute
    {
        let original = std::mem::take(&mut span.name);
        put_str(&mut span.attributes, key, original);
    }
    span.name = name;
    Ok(())
}

/// The span name the conventions give for the span's kind and attributes, else its name.
fn semconv_span_name(span: &Span) -> String {
    let attrs = SpanAttributes(&span.attributes);
    let candidates: &[fn(&SpanAttributes<'_>) -> Option<String>] = match SpanKind::try_from(span.kind) {
        Ok(SpanKind::Server) => &[|a| a.http("http.route"), |a| a.rpc(), |a| a.messaging()],
        Ok(SpanKind::Consumer) | Ok(SpanKind::Producer) => &[|a| a.messaging()],
        Ok(SpanKind::Client) => &[|a| a.http("url.template"), |a| a.rpc(), |a| a.database(), |a| a.messaging()],
        _ => &[],
    };
    candidates.iter().find_map(|candidate| candidate(&attrs)).unwrap_or_else(|| span.name.clone())
}

/// A span's attributes, read as the semantic conventions name them.
struct SpanAttributes<'a>(&'a [KeyValue]);

impl SpanAttributes<'_> {
    /// The attribute as text (`AsString`), if present.
    fn text(&self, key: &str) -> Option<String> {
        attribute(self.0, key)
            .map(|kv| super::editors::as_string(&kv.value.as_ref().map(Value::from_any_value).unwrap_or_default()))
    }

    /// The attribute, or its deprecated name.
    fn text_or(&self, key: &str, old_key: &str) -> Option<String> {
        self.text(key).or_else(|| self.text(old_key))
    }

    fn is_true(&self, key: &str) -> bool {
        attribute(self.0, key)
            .and_then(|kv| kv.value.as_ref())
            .is_some_and(|v| v.value == Some(any_value::Value::BoolValue(true)))
    }

    /// `server.address[:server.port]`.
    fn server(&self) -> Option<String> {
        let address = self.text("server.address")?;
        Some(match self.text("server.port") {
            Some(port) => format!("{address}:{port}"),
            None => address,
        })
    }

    /// `{method} {target}` (`_OTHER` reads as `HTTP`), or the method alone.
    fn http(&self, target_key: &str) -> Option<String> {
        let method = self.text_or("http.request.method", "http.method")?;
        let method = if method == "_OTHER" { "HTTP".to_string() } else { method };
        Some(match self.text(target_key) {
            Some(target) => format!("{method} {target}"),
            None => method,
        })
    }

    /// `{service}/{method}`, the method, `{service}/*`, or the system.
    fn rpc(&self) -> Option<String> {
        let system = self.text("rpc.system")?;
        let method = self.text_or("rpc.method", "rpc.grpc.method");
        let service = self.text_or("rpc.service", "rpc.grpc.service");
        Some(match (service, method) {
            (Some(service), Some(method)) => format!("{service}/{method}"),
            (None, Some(method)) => method,
            (Some(service), None) => format!("{service}/*"),
            (None, None) => system,
        })
    }

    /// The query summary, `{operation} {target}`, either alone, or the system.
    fn database(&self) -> Option<String> {
        let system = self.text_or("db.system.name", "db.system")?;
        if let Some(summary) = self.text("db.query.summary") {
            return Some(summary);
        }
        let operation = self.text_or("db.operation.name", "db.operation").filter(|o| !o.is_empty());
        Some(join_present(operation, self.database_target().filter(|t| !t.is_empty())).unwrap_or(system))
    }

    /// `namespace.collection`, `namespace.procedure`, the namespace, or the server.
    fn database_target(&self) -> Option<String> {
        let namespace = self.text_or("db.namespace", "db.name").filter(|n| !n.is_empty());
        let object = self.text("db.collection.name").or_else(|| self.text("db.stored_procedure.name"));
        match (namespace, object) {
            (Some(namespace), Some(object)) => Some(format!("{namespace}.{object}")),
            (None, Some(object)) => Some(object),
            (Some(namespace), None) => Some(namespace),
            (None, None) => self.server().filter(|s| !s.is_empty()),
        }
    }

    /// `{operation} {destination}`, either alone, or the system.
    fn messaging(&self) -> Option<String> {
        let system = self.text("messaging.system")?;
        let operation = self.text_or("messaging.operation.name", "messaging.operation");
        let destination = self.messaging_destination().filter(|d| !d.is_empty());
        Some(match (operation, destination) {
            (Some(operation), Some(destination)) => format!("{operation} {destination}"),
            (None, Some(destination)) => destination,
            (Some(operation), None) => operation,
            (None, None) => system,
        })
    }

    fn messaging_destination(&self) -> Option<String> {
        if self.is_true("messaging.destination.temporary") {
            return Some("(temporary)".into());
        }
        if self.is_true("messaging.destination.anonymous") {
            return Some("(anonymous)".into());
        }
        self.text("messaging.destination.template")
            .or_else(|| self.text_or("messaging.destination.name", "messaging.destination"))
            .or_else(|| self.server())
    }
}

/// `a b`, `a` or `b`, skipping what is absent.
fn join_present(first: Option<String>, second: Option<String>) -> Option<String> {
    match (first, second) {
        (Some(a), Some(b)) => Some(format!("{a} {b}")),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use opentelemetry_proto::tonic::metrics::v1::{Exemplar, SummaryDataPoint, summary_data_point};

    use super::super::Arg;
    use super::super::testing::{converter, editor};
    use super::*;

    enum TestItem {
        Metrics(Vec<Metric>, usize),
        /// A data point: the metric list, the metric's index, the point's index.
        Point(Vec<Metric>, usize, usize),
        Span(Box<Span>),
    }

    struct ItemHost(TestItem);

    impl EditorHost for ItemHost {
        fn get_target(&mut self) -> Result<Value> {
            Err(Error::new("no target"))
        }
        fn set_target(&mut self, _: Value) -> Result<()> {
            Err(Error::new("no target"))
        }
        fn item(&mut self) -> Option<ItemMut<'_>> {
            Some(match &mut self.0 {
                TestItem::Metrics(metrics, index) => ItemMut::Metric { metrics, index: *index },
                TestItem::Point(metrics, metric, index) => ItemMut::DataPoint { metrics, metric: *metric, index: *index },
                TestItem::Span(span) => ItemMut::Span(span),
            })
        }
        fn act(&mut self, _: crate::exec::Action) {}
    }

    fn run_args(name: &str, item: TestItem, args: Vec<Arg<'static>>) -> Result<TestItem> {
        let editor = editor(name);
        let mut host = ItemHost(item);
        editor.edit(&mut Args::new(args), &mut host)?;
        Ok(host.0)
    }

    /// Runs editor `name` on `metric` (in a list of one) and returns the list.
    fn run(name: &str, metric: Metric, args: Vec<Value>) -> Result<Vec<Metric>> {
        match run_args(name, TestItem::Metrics(vec![metric], 0), args.into_iter().map(Arg::Value).collect())? {
            TestItem::Metrics(metrics, _) => Ok(metrics),
            _ => unreachable!(),
        }
    }

    fn s(text: &str) -> Value {
        Value::string(text)
    }

    fn kv(key: &str, value: &str) -> KeyValue {
        KeyValue { key: key.into(), value: Some(string_value(value)), ..Default::default() }
    }

    fn int_point(attrs: &[(&str, &str)], value: i64, start: u64, time: u64) -> NumberDataPoint {
        let attributes: Vec<KeyValue> = attrs.iter().map(|(k, v)| kv(k, v)).collect();
        number_point(&attributes, start, time, number_data_point::Value::AsInt(value))
    }

    fn double_point(attrs: &[(&str, &str)], value: f64) -> NumberDataPoint {
        let attributes: Vec<KeyValue> = attrs.iter().map(|(k, v)| kv(k, v)).collect();
        number_point(&attributes, 0, 10, number_data_point::Value::AsDouble(value))
    }

    fn metric(name: &str, data: Data) -> Metric {
        Metric { name: name.into(), description: "desc".into(), unit: "ms".into(), data: Some(data), ..Default::default() }
    }

    fn sum_metric(points: Vec<NumberDataPoint>) -> Metric {
        metric("requests", Data::Sum(Sum { data_points: points, aggregation_temporality: 2, is_monotonic: true }))
    }

    fn gauge_metric(points: Vec<NumberDataPoint>) -> Metric {
        metric("load", Data::Gauge(Gauge { data_points: points }))
    }

    fn histogram_point(counts: &[u64], bounds: &[f64], sum: Option<f64>) -> HistogramDataPoint {
        HistogramDataPoint {
            attributes: vec![kv("k", "v")],
            start_time_unix_nano: 1,
            time_unix_nano: 2,
            count: counts.iter().sum(),
            sum,
            bucket_counts: counts.to_vec(),
            explicit_bounds: bounds.to_vec(),
            ..Default::default()
        }
    }

    fn histogram_metric(points: Vec<HistogramDataPoint>) -> Metric {
        metric("latency", Data::Histogram(Histogram { data_points: points, aggregation_temporality: 1 }))
    }

    fn summary_metric() -> Metric {
        let quantile = |quantile, value| summary_data_point::ValueAtQuantile { quantile, value };
        let point = SummaryDataPoint {
            attributes: vec![kv("k", "v")],
            start_time_unix_nano: 1,
            time_unix_nano: 2,
            count: 4,
            sum: 12.5,
            quantile_values: vec![quantile(0.5, 3.0), quantile(0.99, 9.0)],
            ..Default::default()
        };
        metric("rpc", Data::Summary(Summary { data_points: vec![point] }))
    }

    fn number_values(metric: &Metric) -> Vec<f64> {
        let points = match &metric.data {
            Some(Data::Gauge(g)) => &g.data_points,
            Some(Data::Sum(s)) => &s.data_points,
            other => panic!("not a number metric: {other:?}"),
        };
        points.iter().map(double_of).collect()
    }

    #[test]
    fn sum_and_gauge_conversions() {
        let metrics = run("convert_sum_to_gauge", sum_metric(vec![int_point(&[], 3, 0, 1)]), vec![]).unwrap();
        assert!(matches!(&metrics[0].data, Some(Data::Gauge(g)) if g.data_points.len() == 1));
        let metrics =
            run("convert_gauge_to_sum", gauge_metric(vec![int_point(&[], 3, 0, 1)]), vec![s("delta"), Value::Bool(true)])
                .unwrap();
        assert!(matches!(&metrics[0].data, Some(Data::Sum(s)) if s.aggregation_temporality == 1 && s.is_monotonic));
        // Other types are left alone.
        let metrics = run("convert_gauge_to_sum", sum_metric(vec![]), vec![s("cumulative"), Value::Bool(false)]).unwrap();
        assert_eq!(metrics[0], sum_metric(vec![]));
        let error = run("convert_gauge_to_sum", gauge_metric(vec![]), vec![s("bogus"), Value::Bool(false)]).unwrap_err();
        assert_eq!(error.message(), "unknown aggregation temporality: bogus");
    }

    #[test]
    fn extract_count_and_sum() {
        let hist =
            histogram_metric(vec![histogram_point(&[1, 2, 3], &[1.0, 10.0], Some(25.0)), histogram_point(&[1], &[], None)]);
        let metrics = run("extract_count_metric", hist.clone(), vec![Value::Bool(true)]).unwrap();
        assert_eq!(metrics.len(), 2);
        let count = &metrics[1];
        assert_eq!((count.name.as_str(), count.unit.as_str(), count.description.as_str()), ("latency_count", "1", "desc"));
        assert!(matches!(&count.data, Some(Data::Sum(s)) if s.aggregation_temporality == 1 && s.is_monotonic));
        assert_eq!(number_values(count), [6.0, 1.0]);
        let Some(Data::Sum(sum)) = &count.data else { panic!() };
        assert_eq!(sum.data_points[0].attributes, vec![kv("k", "v")]);
        assert_eq!((sum.data_points[0].start_time_unix_nano, sum.data_points[0].time_unix_nano), (1, 2));

        let metrics = run("extract_sum_metric", hist, vec![Value::Bool(false), s(".sum")]).unwrap();
        assert_eq!((metrics[1].name.as_str(), metrics[1].unit.as_str()), ("latency.sum", "ms"));
        assert_eq!(number_values(&metrics[1]), [25.0]);

        let metrics = run("extract_sum_metric", summary_metric(), vec![Value::Bool(false)]).unwrap();
        assert!(matches!(&metrics[1].data, Some(Data::Sum(s)) if s.aggregation_temporality == 2));
        let error = run("extract_count_metric", gauge_metric(vec![]), vec![Value::Bool(true)]).unwrap_err();
        assert_eq!(
            error.message(),
            "extract_count_metric requires an input metric of type Histogram, ExponentialHistogram or Summary, got Gauge"
        );
        // Nothing to extract: no metric.
        assert_eq!(run("extract_count_metric", histogram_metric(vec![]), vec![Value::Bool(true)]).unwrap().len(), 1);
    }

    #[test]
    fn summary_conversions() {
        let metrics = run("convert_summary_count_val_to_sum", summary_metric(), vec![s("delta"), Value::Bool(true)]).unwrap();
        assert_eq!(metrics[1].name, "rpc_count");
        assert_eq!(number_values(&metrics[1]), [4.0]);
        let metrics =
            run("convert_summary_sum_val_to_sum", summary_metric(), vec![s("cumulative"), Value::Bool(false), s(".s")]).unwrap();
        assert_eq!((metrics[1].name.as_str(), number_values(&metrics[1])), ("rpc.s", vec![12.5]));
        assert_eq!(
            run("convert_summary_sum_val_to_sum", gauge_metric(vec![]), vec![s("delta"), Value::Bool(true)]).unwrap().len(),
            1
        );

        let metrics = run("convert_summary_quantile_val_to_gauge", summary_metric(), vec![]).unwrap();
        let gauge = &metrics[1];
        assert_eq!(gauge.name, "rpc.quantiles");
        let Some(Data::Gauge(g)) = &gauge.data else { panic!() };
        // The quantile is a double attribute, as the transform processor writes it.
        let quantile = |i: usize| Value::from_any_value(g.data_points[i].attributes[1].value.as_ref().unwrap());
        assert_eq!(g.data_points[0].attributes[0], kv("k", "v"));
        assert_eq!((quantile(0), quantile(1)), (Value::Float(0.5), Value::Float(0.99)));
        assert_eq!(number_values(gauge), [3.0, 9.0]);
    }

    #[test]
    fn percentiles() {
        let hist = histogram_metric(vec![histogram_point(&[10, 10], &[10.0], None)]);
        let metrics = run("extract_percentile_metric", hist, vec![Value::Float(50.0)]).unwrap();
        assert_eq!((metrics[1].name.as_str(), metrics[1].description.as_str()), ("latency_p50", "desc (p50)"));
        assert_eq!(number_values(&metrics[1]), [10.0]);
        let mut point = histogram_point(&[0, 10], &[10.0], None);
        point.max = Some(30.0);
        assert_eq!(histogram_percentile(&point, 50.0).unwrap(), 20.0);
        point.max = None;
        assert_eq!(histogram_percentile(&point, 50.0).unwrap(), 10.0);
        let mut first = histogram_point(&[4, 0], &[8.0], None);
        first.min = Some(4.0);
        assert_eq!(histogram_percentile(&first, 50.0).unwrap(), 6.0);
        assert!(histogram_percentile(&histogram_point(&[], &[], None), 50.0).unwrap().is_nan());
        assert_eq!(go_g(99.9), "99.9");
        assert_eq!(go_g(0.00001), "1e-05");
        assert_eq!(go_g(1e6), "1e+06");
        let error = run("extract_percentile_metric", histogram_metric(vec![]), vec![Value::Float(101.0)]).unwrap_err();
        assert_eq!(error.message(), "percentile must be between 0 and 100, got 101.000000");

        // Scale 0: bucket i covers (2^i, 2^(i+1)].
        let exponential = ExponentialHistogramDataPoint {
            count: 4,
            scale: 0,
            positive: Some(Buckets { offset: 1, bucket_counts: vec![4] }),
            ..Default::default()
        };
        assert!((exponential_percentile(&exponential, 50.0).unwrap() - 2f64.powf(1.5)).abs() < 1e-9);
        assert_eq!(exponential_bucket_bound(3, -1), 64.0);
        assert_eq!(exponential_bucket_bound(i64::MAX, -5), f64::INFINITY);
    }

    #[test]
    fn copy_and_scale() {
        let error = run("copy_metric", sum_metric(vec![int_point(&[], 3, 0, 1)]), vec![s("copy"), Value::Nil]).unwrap_err();
        assert_eq!(error.message(), "expected string but got nil");
        let item = TestItem::Metrics(vec![sum_metric(vec![])], 0);
        let Ok(TestItem::Metrics(metrics, _)) =
            run_args("copy_metric", item, vec![Arg::Value(s("copy")), Arg::Absent, Arg::Value(s("s"))])
        else {
            panic!()
        };
        assert_eq!(metrics.len(), 2);
        assert_eq!((metrics[1].name.as_str(), metrics[1].description.as_str(), metrics[1].unit.as_str()), ("copy", "desc", "s"));

        let metrics = run(
            "scale_metric",
            sum_metric(vec![int_point(&[], 3, 0, 1), double_point(&[], 1.5)]),
            vec![Value::Float(2.5), s("kWh")],
        )
        .unwrap();
        assert_eq!(number_values(&metrics[0]), [7.0, 3.75]);
        assert_eq!(metrics[0].unit, "kWh");
        let mut point = histogram_point(&[1, 1], &[2.0], Some(4.0));
        point.exemplars = vec![Exemplar { value: Some(exemplar::Value::AsInt(3)), ..Default::default() }];
        let metrics = run("scale_metric", histogram_metric(vec![point]), vec![Value::Float(10.0)]).unwrap();
        let Some(Data::Histogram(h)) = &metrics[0].data else { panic!() };
        assert_eq!((h.data_points[0].sum, h.data_points[0].explicit_bounds.clone()), (Some(40.0), vec![20.0]));
        assert_eq!(h.data_points[0].exemplars[0].value, Some(exemplar::Value::AsInt(30)));
        let metrics = run("scale_metric", summary_metric(), vec![Value::Float(2.0)]).unwrap();
        let Some(Data::Summary(summary)) = &metrics[0].data else { panic!() };
        assert_eq!((summary.data_points[0].sum, summary.data_points[0].quantile_values[1].value), (25.0, 18.0));
        let exponential = metric("e", Data::ExponentialHistogram(ExponentialHistogram::default()));
        assert_eq!(
            run("scale_metric", exponential, vec![Value::Float(2.0)]).unwrap_err().message(),
            "exponential histograms are not supported by the 'scale_metric' function"
        );
    }

    #[test]
    fn aggregate_on_attributes_groups_points() {
        let points = vec![
            int_point(&[("host", "a"), ("cpu", "0")], 1, 5, 10),
            int_point(&[("host", "a"), ("cpu", "1")], 2, 3, 10),
            int_point(&[("host", "b"), ("cpu", "0")], 4, 5, 10),
        ];
        let run_agg = |function: &str, keys: Option<&[&str]>| {
            let mut args = vec![Arg::Value(s(function))];
            if let Some(keys) = keys {
                args.push(Arg::Value(Value::Slice(keys.iter().map(|k| s(k)).collect())));
            }
            match run_args("aggregate_on_attributes", TestItem::Metrics(vec![sum_metric(points.clone())], 0), args) {
                Ok(TestItem::Metrics(metrics, _)) => metrics.into_iter().next().unwrap(),
                other => panic!("{:?}", other.err()),
            }
        };
        let summed = run_agg("sum", Some(&["host"]));
        assert_eq!(number_values(&summed), [3.0, 4.0]);
        let Some(Data::Sum(sum)) = &summed.data else { panic!() };
        assert_eq!((sum.data_points[0].attributes.clone(), sum.data_points[0].start_time_unix_nano), (vec![kv("host", "a")], 3));
        assert_eq!(number_values(&run_agg("max", Some(&[]))), [4.0]);
        assert_eq!(number_values(&run_agg("mean", Some(&[]))), [2.0]);
        assert_eq!(number_values(&run_agg("median", Some(&[]))), [2.0]);
        assert_eq!(number_values(&run_agg("count", Some(&[]))), [3.0]);
        assert_eq!(number_values(&run_agg("sum", None)), [1.0, 2.0, 4.0]);
        let error = run("aggregate_on_attributes", sum_metric(vec![]), vec![s("avg")]).unwrap_err();
        assert_eq!(
            error.message(),
            "invalid aggregation function: 'unsupported function: 'avg'', valid options: sum, mean, min, max, median, count"
        );
        let error = run("aggregate_on_attributes", summary_metric(), vec![s("sum")]).unwrap_err();
        assert_eq!(error.message(), "aggregate_on_attributes does not support aggregating Summary metrics");

        let doubles =
            gauge_metric(vec![double_point(&[], 1.0), double_point(&[], 4.0), double_point(&[], 2.0), double_point(&[], 8.0)]);
        let metrics = run("aggregate_on_attributes", doubles, vec![s("median")]).unwrap();
        assert_eq!(number_values(&metrics[0]), [3.0]);

        let histograms =
            histogram_metric(vec![histogram_point(&[1, 2], &[5.0], Some(3.0)), histogram_point(&[4, 8], &[5.0], Some(7.0))]);
        let metrics = run("aggregate_on_attributes", histograms, vec![s("sum")]).unwrap();
        let Some(Data::Histogram(h)) = &metrics[0].data else { panic!() };
        assert_eq!(h.data_points.len(), 1);
        assert_eq!(
            (h.data_points[0].count, h.data_points[0].sum, h.data_points[0].bucket_counts.clone()),
            (15, Some(10.0), vec![5, 10])
        );
    }

    #[test]
    fn aggregate_on_attribute_value_renames_then_merges() {
        let points = vec![
            int_point(&[("state", "idle")], 1, 0, 10),
            int_point(&[("state", "wait")], 2, 0, 10),
            int_point(&[("state", "busy")], 4, 0, 10),
        ];
        let values = Value::Slice(vec![s("idle"), s("wait")]);
        let metrics =
            run("aggregate_on_attribute_value", sum_metric(points), vec![s("sum"), s("state"), values, s("inactive")]).unwrap();
        let Some(Data::Sum(sum)) = &metrics[0].data else { panic!() };
        assert_eq!(sum.data_points.len(), 2);
        assert_eq!(sum.data_points[0].attributes, vec![kv("state", "inactive")]);
        assert_eq!(number_values(&metrics[0]), [3.0, 4.0]);
    }

    #[test]
    fn exponential_to_explicit() {
        let point = ExponentialHistogramDataPoint {
            attributes: vec![kv("k", "v")],
            count: 7,
            sum: Some(20.0),
            scale: 0,
            zero_count: 1,
            positive: Some(Buckets { offset: 0, bucket_counts: vec![2, 4] }),
            ..Default::default()
        };
        let source = metric(
            "e",
            Data::ExponentialHistogram(ExponentialHistogram { data_points: vec![point], aggregation_temporality: 2 }),
        );
        // Buckets (1, 2] and (2, 4]; bounds 0, 3, 10. As in the reference, a bucket inside
        // (0, 3] counts at index 0, while "upper" puts (2, 4] at the bound 10, index 2.
        let bounds = Value::Slice(vec![Value::Float(0.0), Value::Float(3.0), Value::Float(10.0)]);
        let metrics =
            run("convert_exponential_histogram_to_histogram", source.clone(), vec![s("upper"), bounds.clone()]).unwrap();
        let Some(Data::Histogram(h)) = &metrics[0].data else { panic!() };
        assert_eq!(h.aggregation_temporality, 2);
        let converted = &h.data_points[0];
        assert_eq!((converted.count, converted.sum, converted.min), (7, Some(20.0), Some(0.0)));
        assert_eq!(converted.explicit_bounds, vec![0.0, 3.0, 10.0]);
        assert_eq!(converted.bucket_counts, vec![1 + 2, 0, 4]);
        assert_eq!(converted.attributes, vec![kv("k", "v")]);
        for distribution in ["midpoint", "uniform", "random", ""] {
            let metrics =
                run("convert_exponential_histogram_to_histogram", source.clone(), vec![s(distribution), bounds.clone()]).unwrap();
            let Some(Data::Histogram(h)) = &metrics[0].data else { panic!() };
            assert_eq!(h.data_points[0].bucket_counts.iter().sum::<u64>(), 7, "{distribution}");
        }
        let error = run("convert_exponential_histogram_to_histogram", source.clone(), vec![s("upper"), Value::Slice(vec![])])
            .unwrap_err();
        assert_eq!(error.message(), "explicit bounds cannot be empty: []");
        let error = run("convert_exponential_histogram_to_histogram", source, vec![s("nope"), bounds]).unwrap_err();
        assert_eq!(error.message(), "invalid conversion function: nope, must be one of [upper, midpoint, random, uniform]");

        let mut counts = vec![0; 3];
        distribute_randomly(&mut counts, &[1.0, 2.0, 3.0], 0.5, 2.5, u64::MAX / 2);
        assert_eq!(counts.iter().fold(0u64, |a, b| a.wrapping_add(*b)), u64::MAX / 2);
    }

    fn merge_buckets(point: HistogramDataPoint, args: Vec<Arg<'static>>) -> Result<HistogramDataPoint> {
        match run_args("merge_histogram_buckets", TestItem::Point(vec![histogram_metric(vec![point])], 0, 0), args)? {
            TestItem::Point(mut metrics, _, _) => match metrics.remove(0).data {
                Some(Data::Histogram(mut h)) => Ok(h.data_points.remove(0)),
                _ => unreachable!(),
            },
            _ => unreachable!(),
        }
    }

    #[test]
    fn merging_histogram_buckets() {
        let point = histogram_point(&[5, 8, 3, 1], &[0.1, 0.5, 1.0], None);
        let merged = merge_buckets(point.clone(), vec![Arg::Value(Value::Float(0.5))]).unwrap();
        assert_eq!((merged.explicit_bounds, merged.bucket_counts), (vec![0.1, 1.0], vec![5, 11, 1]));
        let unchanged = merge_buckets(point.clone(), vec![Arg::Value(Value::Float(0.7))]).unwrap();
        assert_eq!(unchanged, point);

        let wide = histogram_point(&[80, 4, 6, 120, 3, 2, 40, 10, 1], &[0.1, 0.2, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0], None);
        let limited = merge_buckets(wide, vec![Arg::Value(Value::Int(5)), Arg::Value(s("limit_buckets"))]).unwrap();
        assert_eq!(limited.explicit_bounds, vec![0.2, 1.0, 5.0, 30.0]);
        assert_eq!(limited.bucket_counts, vec![84, 126, 5, 50, 1]);
        let error =
            merge_buckets(point.clone(), vec![Arg::Value(Value::Float(2.5)), Arg::Value(s("limit_buckets"))]).unwrap_err();
        assert_eq!(error.message(), "target_value must be a positive integer when method is \"limit_buckets\", got 2.5");
        let error = merge_buckets(point.clone(), vec![Arg::Value(Value::Float(1.0)), Arg::Value(s("drop"))]).unwrap_err();
        assert_eq!(error.message(), "unsupported method \"drop\", expected \"remove_explicit_bound\" or \"limit_buckets\"");
        let error = merge_buckets(point, vec![Arg::Value(Value::Nil)]).unwrap_err();
        assert_eq!(error.message(), "target_value must not be nil");
    }

    fn span(kind: SpanKind, attrs: &[(&str, &str)]) -> Span {
        Span {
            name: "original".into(),
            kind: kind as i32,
            attributes: attrs.iter().map(|(k, v)| kv(k, v)).collect(),
            ..Default::default()
        }
    }

    fn rename(span: Span, args: Vec<Value>) -> Result<Span> {
        match run_args("set_semconv_span_name", TestItem::Span(Box::new(span)), args.into_iter().map(Arg::Value).collect())? {
            TestItem::Span(span) => Ok(*span),
            _ => unreachable!(),
        }
    }

    #[test]
    fn semconv_span_names() {
        let name = |span: Span| rename(span, vec![s("1.37.0")]).unwrap().name;
        assert_eq!(
            name(span(SpanKind::Server, &[("http.request.method", "GET"), ("http.route", "/users/{id}")])),
            "GET /users/{id}"
        );
        assert_eq!(name(span(SpanKind::Server, &[("http.method", "_OTHER")])), "HTTP");
        assert_eq!(name(span(SpanKind::Client, &[("http.request.method", "GET"), ("http.route", "/x")])), "GET");
        assert_eq!(name(span(SpanKind::Client, &[("rpc.system", "grpc"), ("rpc.service", "Greeter")])), "Greeter/*");
        assert_eq!(
            name(span(
                SpanKind::Client,
                &[
                    ("db.system.name", "postgresql"),
                    ("db.operation.name", "SELECT"),
                    ("db.namespace", "shop"),
                    ("db.collection.name", "orders")
                ]
            )),
            "SELECT shop.orders"
        );
        assert_eq!(
            name(span(SpanKind::Client, &[("db.system", "redis"), ("server.address", "cache"), ("server.port", "6379")])),
            "cache:6379"
        );
        assert_eq!(
            name(span(
                SpanKind::Producer,
                &[("messaging.system", "kafka"), ("messaging.operation.name", "send"), ("messaging.destination.name", "orders")]
            )),
            "send orders"
        );
        assert_eq!(name(span(SpanKind::Internal, &[("http.request.method", "GET")])), "original");

        let renamed =
            rename(span(SpanKind::Server, &[("http.request.method", "GET")]), vec![s("1.37.0"), s("original_name")]).unwrap();
        assert_eq!((renamed.name.as_str(), renamed.attributes[1].clone()), ("GET", kv("original_name", "original")));
        let kept = rename(span(SpanKind::Internal, &[]), vec![s("1.37.0"), s("original_name")]).unwrap();
        assert!(kept.attributes.is_empty());
        assert_eq!(
            rename(span(SpanKind::Server, &[]), vec![s("1.0.0")]).unwrap_err().message(),
            "unsupported semconv version: 1.0.0, supported version: 1.37.0"
        );
        assert_eq!(
            rename(span(SpanKind::Server, &[]), vec![s("1.37.0"), s("")]).unwrap_err().message(),
            "originalSpanNameAttribute cannot be an empty string"
        );
    }

    #[test]
    fn datapoint_attribute_predicates() {
        let mut metrics = vec![sum_metric(vec![int_point(&[("a", "1")], 1, 0, 1), int_point(&[("b", "2")], 1, 0, 1)])];
        let item = ItemMut::Metric { metrics: &mut metrics, index: 0 };
        let call = |name: &str, args: Vec<Value>| converter(name).convert(&mut Args::values(args), &item).unwrap();
        assert_eq!(call("HasAttrKeyOnDatapoint", vec![s("b")]), Value::Bool(true));
        assert_eq!(call("HasAttrKeyOnDatapoint", vec![s("c")]), Value::Bool(false));
        assert_eq!(call("HasAttrOnDatapoint", vec![s("b"), s("2")]), Value::Bool(true));
        assert_eq!(call("HasAttrOnDatapoint", vec![s("a"), s("2")]), Value::Bool(false));
        let mut empty = vec![Metric::default()];
        let item = ItemMut::Metric { metrics: &mut empty, index: 0 };
        let error = converter("HasAttrKeyOnDatapoint").convert(&mut Args::values(vec![s("a")]), &item).unwrap_err();
        assert_eq!(error.message(), "unknown metric type");
    }
}
