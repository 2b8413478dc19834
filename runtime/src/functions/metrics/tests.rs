//! The unit tests of the transform processor's functions, on items built here.

use opentelemetry_proto::tonic::metrics::v1::{Exemplar, SummaryDataPoint, summary_data_point};

use super::super::testing::{converter, editor};
use super::super::{Arg, Args};
use super::aggregate::double_of;
use super::exponential::distribute_randomly;
use super::percentile::{exponential_bucket_bound, exponential_percentile, histogram_percentile};
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
        run("convert_gauge_to_sum", gauge_metric(vec![int_point(&[], 3, 0, 1)]), vec![s("delta"), Value::Bool(true)]).unwrap();
    assert!(matches!(&metrics[0].data, Some(Data::Sum(s)) if s.aggregation_temporality == 1 && s.is_monotonic));
    // Other types are left alone.
    let metrics = run("convert_gauge_to_sum", sum_metric(vec![]), vec![s("cumulative"), Value::Bool(false)]).unwrap();
    assert_eq!(metrics[0], sum_metric(vec![]));
    let error = run("convert_gauge_to_sum", gauge_metric(vec![]), vec![s("bogus"), Value::Bool(false)]).unwrap_err();
    assert_eq!(error.message(), "unknown aggregation temporality: bogus");
}

#[test]
fn extract_count_and_sum() {
    let hist = histogram_metric(vec![histogram_point(&[1, 2, 3], &[1.0, 10.0], Some(25.0)), histogram_point(&[1], &[], None)]);
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

    let metrics =
        run("scale_metric", sum_metric(vec![int_point(&[], 3, 0, 1), double_point(&[], 1.5)]), vec![Value::Float(2.5), s("kWh")])
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
    let source =
        metric("e", Data::ExponentialHistogram(ExponentialHistogram { data_points: vec![point], aggregation_temporality: 2 }));
    // Buckets (1, 2] and (2, 4]; bounds 0, 3, 10. As in the reference, a bucket inside
    // (0, 3] counts at index 0, while "upper" puts (2, 4] at the bound 10, index 2.
    let bounds = Value::Slice(vec![Value::Float(0.0), Value::Float(3.0), Value::Float(10.0)]);
    let metrics = run("convert_exponential_histogram_to_histogram", source.clone(), vec![s("upper"), bounds.clone()]).unwrap();
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
    let error =
        run("convert_exponential_histogram_to_histogram", source.clone(), vec![s("upper"), Value::Slice(vec![])]).unwrap_err();
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
    let error = merge_buckets(point.clone(), vec![Arg::Value(Value::Float(2.5)), Arg::Value(s("limit_buckets"))]).unwrap_err();
    assert_eq!(error.message(), "target_value must be a positive integer when method is \"limit_buckets\", got 2.5");
    let error = merge_buckets(point.clone(), vec![Arg::Value(Value::Float(1.0)), Arg::Value(s("drop"))]).unwrap_err();
    assert_eq!(error.message(), "unsupported method \"drop\", expected \"remove_explicit_bound\" or \"limit_buckets\"");
    let error = merge_buckets(point, vec![Arg::Value(Value::Nil)]).unwrap_err();
    assert_eq!(error.message(), "target_value must not be nil");
}

#[test]
fn merging_buckets_skips_other_points_before_reading_the_target() {
    let gauge = || TestItem::Point(vec![gauge_metric(vec![double_point(&[], 1.5)])], 0, 0);
    for args in [vec![Value::Nil], vec![Value::Float(2.5), s("limit_buckets")]] {
        let args = args.into_iter().map(Arg::Value).collect();
        assert!(run_args("merge_histogram_buckets", gauge(), args).is_ok());
    }
    // The method is still checked first.
    let args = vec![Arg::Value(Value::Nil), Arg::Value(s("drop"))];
    let error = run_args("merge_histogram_buckets", gauge(), args).err().map(|e| e.message().to_string());
    assert!(error.is_some_and(|e| e.starts_with("unsupported method")));
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
    assert_eq!(name(span(SpanKind::Server, &[("http.request.method", "GET"), ("http.route", "/users/{id}")])), "GET /users/{id}");
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

/// The message of running `name` with `args` on an empty gauge (every check below fails
/// before the metric is read).
fn run_error(name: &str, args: Vec<Value>) -> String {
    run(name, gauge_metric(vec![]), args).unwrap_err().message().to_string()
}

#[test]
fn the_argument_checked_first_still_wins() {
    let temporality = "unknown aggregation temporality: bogus";
    assert_eq!(run_error("convert_gauge_to_sum", vec![s("bogus"), s("x")]), temporality);
    assert_eq!(run_error("convert_gauge_to_sum", vec![s("delta"), s("x")]), "expected bool but got string");
    assert_eq!(run_error("convert_summary_count_val_to_sum", vec![s("bogus"), s("x"), Value::Int(1)]), temporality);
    assert_eq!(
        run_error("convert_summary_sum_val_to_sum", vec![s("delta"), Value::Bool(true), Value::Int(1)]),
        "expected string but got int64"
    );
    let aggregation =
        "invalid aggregation function: 'unsupported function: 'avg'', valid options: sum, mean, min, max, median, count";
    assert_eq!(run_error("aggregate_on_attributes", vec![s("avg"), Value::Int(1)]), aggregation);
    assert_eq!(run_error("aggregate_on_attributes", vec![s("sum"), Value::Int(1)]), "expected a list but got int64");
    assert_eq!(
        run_error("aggregate_on_attribute_value", vec![s("avg"), Value::Int(1), Value::Int(2), Value::Int(3)]),
        aggregation
    );
    assert_eq!(
        run_error("aggregate_on_attribute_value", vec![s("sum"), s("a"), Value::Slice(vec![s("x")]), Value::Int(3)]),
        "expected string but got int64"
    );
    assert_eq!(
        run_error("convert_exponential_histogram_to_histogram", vec![s("nope"), Value::Int(1)]),
        "invalid conversion function: nope, must be one of [upper, midpoint, random, uniform]"
    );
    assert_eq!(
        run_error("extract_percentile_metric", vec![Value::Float(101.0), Value::Int(1)]),
        "percentile must be between 0 and 100, got 101.000000"
    );
    assert_eq!(
        run_error("scale_metric", vec![Value::Float(2.0), Value::Int(1)]),
        "could not get unit from ScaleArguments: expected string but got int64"
    );
    let error = merge_buckets(histogram_point(&[1, 2], &[5.0], None), vec![Arg::Value(Value::Nil), Arg::Value(s("drop"))]);
    assert_eq!(
        error.unwrap_err().message(),
        "unsupported method \"drop\", expected \"remove_explicit_bound\" or \"limit_buckets\""
    );
    let error = rename(span(SpanKind::Server, &[]), vec![s("1.0.0"), Value::Int(1)]).unwrap_err();
    assert_eq!(error.message(), "unsupported semconv version: 1.0.0, supported version: 1.37.0");
    // copy_metric reaches its metric before it reads a field.
    let error = run_args("copy_metric", TestItem::Span(Box::default()), vec![Arg::Value(Value::Int(1))]).err();
    assert_eq!(error.map(|e| e.message().to_string()).as_deref(), Some("copy_metric needs the metric context's metric list"));
}

/// The problems the declaration of editor `name` finds with these literal arguments.
fn literal_problems(name: &str, args: Vec<(&'static str, Literal<'static>)>) -> Vec<LiteralError> {
    let check = editor(name).literals.expect("the declaration checks literals");
    check(&LiteralArgs::new(args))
}

/// The one problem found, which must be with `param`; its message.
fn literal_message(name: &str, param: &str, args: Vec<(&'static str, Literal<'static>)>) -> String {
    let problems = literal_problems(name, args);
    assert_eq!(problems.len(), 1, "{name}: {problems:?}");
    assert_eq!(problems[0].param, param);
    problems[0].message.clone()
}

#[test]
fn literal_checks_say_what_the_bodies_say() {
    for name in ["convert_gauge_to_sum", "convert_summary_count_val_to_sum", "convert_summary_sum_val_to_sum"] {
        let args = vec![("string_agg_temp", Literal::String("monthly"))];
        assert_eq!(literal_message(name, "string_agg_temp", args), run_error(name, vec![s("monthly"), Value::Bool(true)]));
        assert!(literal_problems(name, vec![("string_agg_temp", Literal::String("delta"))]).is_empty());
    }
    for name in ["aggregate_on_attributes", "aggregate_on_attribute_value"] {
        let args = vec![("aggregation_function", Literal::String("avg"))];
        let problems = literal_problems(name, args);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].message, run_error("aggregate_on_attributes", vec![s("avg")]));
        assert_eq!(problems[0].help.as_deref(), Some(r#"expected one of "sum", "mean", "min", "max", "median", "count""#));
    }

    let convert = "convert_exponential_histogram_to_histogram";
    let args =
        vec![("distribution_fn", Literal::String("lower")), ("explicit_bounds", Literal::List(vec![Some(Literal::Float(1.0))]))];
    assert_eq!(
        literal_message(convert, "distribution_fn", args),
        run_error(convert, vec![s("lower"), Value::Slice(vec![Value::Float(1.0)])])
    );
    let args = vec![("distribution_fn", Literal::String("")), ("explicit_bounds", Literal::List(vec![]))];
    assert_eq!(literal_message(convert, "explicit_bounds", args), run_error(convert, vec![s(""), Value::Slice(vec![])]));

    let percentile = "extract_percentile_metric";
    assert_eq!(
        literal_message(percentile, "percentile", vec![("percentile", Literal::Int(-1))]),
        run_error(percentile, vec![Value::Float(-1.0)])
    );
    assert!(literal_problems(percentile, vec![("percentile", Literal::Float(99.9))]).is_empty());

    let merge = "merge_histogram_buckets";
    let point = || histogram_point(&[1, 2], &[5.0], None);
    let args = vec![("target_value", Literal::Float(1.0)), ("method", Literal::String("drop"))];
    let at_run_time = merge_buckets(point(), vec![Arg::Value(Value::Float(1.0)), Arg::Value(s("drop"))]).unwrap_err();
    assert_eq!(literal_message(merge, "method", args), at_run_time.message());
    for target in [2.5, 0.0, 1e-7, 1e19] {
        let args = vec![("target_value", Literal::Float(target)), ("method", Literal::String("limit_buckets"))];
        let at_run_time = merge_buckets(point(), vec![Arg::Value(Value::Float(target)), Arg::Value(s("limit_buckets"))]);
        assert_eq!(literal_message(merge, "target_value", args), at_run_time.unwrap_err().message(), "{target}");
    }
    // The target value is a bucket count only with "limit_buckets".
    assert!(literal_problems(merge, vec![("target_value", Literal::Float(2.5))]).is_empty());
    assert!(
        literal_problems(merge, vec![("target_value", Literal::Int(8)), ("method", Literal::String("limit_buckets"))]).is_empty()
    );
}
