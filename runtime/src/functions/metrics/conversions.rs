//! Metric type conversions (`convert_sum_to_gauge`, `convert_gauge_to_sum`) and new metrics
//! from the counts, sums and quantiles of histograms and summaries.

use super::*;

pub(crate) static FUNCTIONS: &[Function] = &[
    Function::editor("convert_sum_to_gauge", &[], editor!(convert_sum_to_gauge()), "Converts a sum metric to a gauge.", &[Example::new(r#"convert_sum_to_gauge() where metric.name == "http.requests""#, r#"metric.name == "http.requests" and metric.type == METRIC_DATA_TYPE_GAUGE"#)]).only_in(METRIC).origin(Origin::TransformProcessor),
    Function::editor("convert_gauge_to_sum", &[r("string_agg_temp", K::String), r("monotonic", K::Bool)], editor!(convert_gauge_to_sum(string_agg_temp, monotonic)), "Converts a gauge metric to a sum with the given aggregation temporality (\"cumulative\" or \"delta\").", &[Example::new(r#"convert_gauge_to_sum("cumulative", false) where metric.name == "system.processes.count""#, r#"metric.name == "system.processes.count" and metric.type == METRIC_DATA_TYPE_SUM and metric.aggregation_temporality == AGGREGATION_TEMPORALITY_CUMULATIVE and metric.is_monotonic == false"#)]).only_in(METRIC).origin(Origin::TransformProcessor).literals(temporality_literal),
    Function::editor("extract_count_metric", &[r("monotonic", K::Bool), o("suffix", K::String)], editor!(extract_count_metric(monotonic, suffix)), "Adds a sum metric (named with `suffix`, default \"_count\") holding the count of each histogram or summary data point.", &[Example::new(r#"extract_count_metric(true) where metric.name == "http.server.duration""#, r#"metric.name == "http.server.duration_count" and metric.type == METRIC_DATA_TYPE_SUM and metric.is_monotonic == true"#)]).only_in(METRIC).origin(Origin::TransformProcessor),
    Function::editor("extract_sum_metric", &[r("monotonic", K::Bool), o("suffix", K::String)], editor!(extract_sum_metric(monotonic, suffix)), "Adds a sum metric (named with `suffix`, default \"_sum\") holding the sum of each histogram or summary data point.", &[Example::new(r#"extract_sum_metric(true) where metric.name == "http.server.duration""#, r#"metric.name == "http.server.duration_sum" and metric.type == METRIC_DATA_TYPE_SUM and metric.is_monotonic == true"#)]).only_in(METRIC).origin(Origin::TransformProcessor),
    Function::editor("convert_summary_count_val_to_sum", &[r("string_agg_temp", K::String), r("monotonic", K::Bool), o("suffix", K::String)], editor!(convert_summary_count_val_to_sum(string_agg_temp, monotonic, suffix)), "Adds a sum metric holding the count of each summary data point.", &[Example::new(r#"convert_summary_count_val_to_sum("delta", true) where metric.name == "rpc.latency""#, r#"metric.name == "rpc.latency_count" and metric.type == METRIC_DATA_TYPE_SUM and value_int == 4"#)]).only_in(DATAPOINT).origin(Origin::TransformProcessor).literals(temporality_literal),
    Function::editor("convert_summary_sum_val_to_sum", &[r("string_agg_temp", K::String), r("monotonic", K::Bool), o("suffix", K::String)], editor!(convert_summary_sum_val_to_sum(string_agg_temp, monotonic, suffix)), "Adds a sum metric holding the sum of each summary data point.", &[Example::new(r#"convert_summary_sum_val_to_sum("delta", true) where metric.name == "rpc.latency""#, r#"metric.name == "rpc.latency_sum" and metric.type == METRIC_DATA_TYPE_SUM and value_double == 100.0"#)]).only_in(DATAPOINT).origin(Origin::TransformProcessor).literals(temporality_literal),
    Function::editor("convert_summary_quantile_val_to_gauge", &[o("attribute_key", K::String), o("suffix", K::String)], editor!(convert_summary_quantile_val_to_gauge(attribute_key, suffix)), "Adds a gauge metric with one data point per summary quantile, labelled by `attribute_key` (default \"quantile\").", &[Example::new(r#"convert_summary_quantile_val_to_gauge("q") where metric.name == "rpc.latency""#, r#"metric.name == "rpc.latency.quantiles" and metric.type == METRIC_DATA_TYPE_GAUGE and HasAttrKeyOnDatapoint("q")"#)]).only_in(METRIC).origin(Origin::TransformProcessor),
];

/// `convert_sum_to_gauge()`: a sum's points become a gauge's; other metrics are left alone.
fn convert_sum_to_gauge(host: &mut dyn EditorHost) -> Result<()> {
    let metric = metric_mut(host, "convert_sum_to_gauge")?;
    metric.data = match metric.data.take() {
        Some(Data::Sum(sum)) => Some(Data::Gauge(Gauge { data_points: sum.data_points })),
        other => other,
    };
    Ok(())
}

/// `convert_gauge_to_sum(aggregation_temporality, is_monotonic)`: the temporality is
/// checked before `is_monotonic` is read.
fn convert_gauge_to_sum(host: &mut dyn EditorHost, string_agg_temp: &str, monotonic: &Value) -> Result<()> {
    let aggregation_temporality = parse_temporality(string_agg_temp)?;
    let is_monotonic = coerce::bool(monotonic)?;
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

fn extract_count_metric(host: &mut dyn EditorHost, monotonic: bool, suffix: Option<&str>) -> Result<()> {
    extract_stat_metric(host, "extract_count_metric", Stat::Count, monotonic, suffix)
}

fn extract_sum_metric(host: &mut dyn EditorHost, monotonic: bool, suffix: Option<&str>) -> Result<()> {
    extract_stat_metric(host, "extract_sum_metric", Stat::Sum, monotonic, suffix)
}

/// `extract_{count,sum}_metric(is_monotonic, suffix?)`: a sum metric (named with the
/// suffix, `_count`/`_sum` by default) with each point's count or sum, appended when it has
/// points. A summary counts as cumulative; the count's unit is "1".
fn extract_stat_metric(
    host: &mut dyn EditorHost,
    function: &str,
    stat: Stat,
    is_monotonic: bool,
    suffix: Option<&str>,
) -> Result<()> {
    let (default_suffix, counting) = match stat {
        Stat::Count => ("_count", true),
        Stat::Sum => ("_sum", false),
    };
    let suffix = suffix.unwrap_or(default_suffix);
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

fn convert_summary_count_val_to_sum(
    host: &mut dyn EditorHost,
    string_agg_temp: &str,
    monotonic: &Value,
    suffix: Option<&Value>,
) -> Result<()> {
    summary_stat_to_sum(host, "convert_summary_count_val_to_sum", Stat::Count, string_agg_temp, monotonic, suffix)
}

fn convert_summary_sum_val_to_sum(
    host: &mut dyn EditorHost,
    string_agg_temp: &str,
    monotonic: &Value,
    suffix: Option<&Value>,
) -> Result<()> {
    summary_stat_to_sum(host, "convert_summary_sum_val_to_sum", Stat::Sum, string_agg_temp, monotonic, suffix)
}

/// `convert_summary_{count,sum}_val_to_sum(aggregation_temporality, is_monotonic, suffix?)`:
/// appends a sum metric of each summary point's count or sum (even with no points).
///
/// The reference registers these in the datapoint context, where it appends one such
/// metric per data point of the summary; that needs the metric list, which this runtime's
/// datapoint item does not carry, so they work in the metric context (once per metric).
/// The temporality is checked before the other arguments are read.
fn summary_stat_to_sum(
    host: &mut dyn EditorHost,
    function: &str,
    stat: Stat,
    string_agg_temp: &str,
    monotonic: &Value,
    suffix: Option<&Value>,
) -> Result<()> {
    let aggregation_temporality = parse_temporality(string_agg_temp)?;
    let is_monotonic = coerce::bool(monotonic)?;
    let suffix = optional_string(suffix)?.unwrap_or(match stat {
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
fn convert_summary_quantile_val_to_gauge(
    host: &mut dyn EditorHost,
    attribute_key: Option<&str>,
    suffix: Option<&str>,
) -> Result<()> {
    let attribute_key = attribute_key.unwrap_or("quantile");
    let suffix = suffix.unwrap_or(".quantiles");
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
