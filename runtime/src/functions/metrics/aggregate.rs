//! `aggregate_on_attributes` and `aggregate_on_attribute_value`: data points merged by
//! their remaining attributes.

use super::*;

pub(crate) static FUNCTIONS: &[Function] = &[
    Function::editor("aggregate_on_attributes", &[r("aggregation_function", K::String), o("attributes", K::StringList)], editor!(aggregate_on_attributes(aggregation_function, attributes)), "Merges data points that agree on the listed attributes with sum, avg, min, max, median or count.", &[Example::new(r#"aggregate_on_attributes("sum", ["cpu"]) where metric.name == "cpu.time""#, r#"metric.name == "cpu.time" and HasAttrOnDatapoint("cpu", "0") and not HasAttrKeyOnDatapoint("state")"#)]).only_in(METRIC).origin(Origin::TransformProcessor).literals(aggregation_literal),
    Function::editor("aggregate_on_attribute_value", &[r("aggregation_function", K::String), r("attribute", K::String), r("values", K::StringList), r("new_value", K::String)], editor!(aggregate_on_attribute_value(aggregation_function, attribute, values, new_value)), "Merges the data points whose `attribute` has one of `values` into one with `new_value`.", &[Example::new(r#"aggregate_on_attribute_value("sum", "state", ["idle", "wait"], "inactive") where metric.name == "cpu.time""#, r#"metric.name == "cpu.time" and HasAttrOnDatapoint("state", "inactive") and not HasAttrOnDatapoint("state", "idle")"#)]).only_in(METRIC).origin(Origin::TransformProcessor).literals(aggregation_literal),
];

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
    const NAMES: &[&str] = &["sum", "mean", "min", "max", "median", "count"];

    /// `aggregateutil.ConvertToAggregationFunction`.
    fn parse(name: &str) -> Result<Aggregation> {
        Ok(match name {
            "sum" => Aggregation::Sum,
            "mean" => Aggregation::Mean,
            "min" => Aggregation::Min,
            "max" => Aggregation::Max,
            "median" => Aggregation::Median,
            "count" => Aggregation::Count,
            other => bail!(
                "invalid aggregation function: 'unsupported function: '{other}'', valid options: {}",
                Aggregation::NAMES.join(", ")
            ),
        })
    }
}

/// A literal `aggregation_function`, checked when the statement loads as the factories do.
fn aggregation_literal(args: &LiteralArgs<'_>) -> Vec<LiteralError> {
    setting_literal(args, "aggregation_function", Aggregation::parse, Aggregation::NAMES).into_iter().collect()
}

/// `aggregate_on_attributes(function, attributes?)`: keeps only the listed data point
/// attributes (all when the list is absent, none when it is empty), then merges the points
/// that agree on attributes and timestamps. The function is checked before the list is read.
fn aggregate_on_attributes(host: &mut dyn EditorHost, aggregation_function: &str, attributes: Option<&Value>) -> Result<()> {
    let aggregation = Aggregation::parse(aggregation_function)?;
    let kept = attributes.map(|list| List::of(list)?.strings()).transpose()?;
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
/// reference a non-string value reads as "" and a summary loses its points. The function
/// is checked before the other arguments are read.
fn aggregate_on_attribute_value(
    host: &mut dyn EditorHost,
    aggregation_function: &str,
    attribute: &Value,
    values: &Value,
    new_value: &Value,
) -> Result<()> {
    let aggregation = Aggregation::parse(aggregation_function)?;
    let attribute_key = coerce::string(attribute)?;
    let values = List::of(values)?.strings()?;
    let new_value = coerce::string(new_value)?;
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
pub(super) fn double_of(point: &NumberDataPoint) -> f64 {
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

/// Adds `point` into `merged` as both histogram kinds merge alike: count and sum added,
/// min and max merged, exemplars gathered, the earliest start time kept. A macro because
/// the two point types have these fields by the same names but no common type; their
/// buckets differ and are the caller's to add.
macro_rules! merge_histogram_totals {
    ($merged:ident, $point:ident) => {
        $merged.count = $merged.count.wrapping_add($point.count);
        $merged.sum = Some($merged.sum.unwrap_or(0.0) + $point.sum.unwrap_or(0.0));
        merge_extreme(&mut $merged.min, $point.min, false);
        merge_extreme(&mut $merged.max, $point.max, true);
        $merged.exemplars.extend($point.exemplars);
        $merged.start_time_unix_nano = $merged.start_time_unix_nano.min($point.start_time_unix_nano);
    };
}

/// One histogram point for a group: the totals merged (`merge_histogram_totals!`) and the
/// buckets added, points with no count skipped.
fn merge_histograms(group: Vec<HistogramDataPoint>) -> Option<HistogramDataPoint> {
    let mut points = group.into_iter();
    let mut merged = points.next()?;
    for point in points.filter(|p| p.count != 0) {
        add_counts(&mut merged.bucket_counts, &point.bucket_counts);
        merge_histogram_totals!(merged, point);
    }
    Some(merged)
}

/// The exponential counterpart of [`merge_histograms`], adding both bucket ranges.
fn merge_exponential_histograms(group: Vec<ExponentialHistogramDataPoint>) -> Option<ExponentialHistogramDataPoint> {
    let mut points = group.into_iter();
    let mut merged = points.next()?;
    for point in points.filter(|p| p.count != 0) {
        for (into, from) in [(&mut merged.negative, &point.negative), (&mut merged.positive, &point.positive)] {
            if let Some(from) = from {
                add_counts(&mut into.get_or_insert_with(Buckets::default).bucket_counts, &from.bucket_counts);
            }
        }
        merge_histogram_totals!(merged, point);
    }
    Some(merged)
}
