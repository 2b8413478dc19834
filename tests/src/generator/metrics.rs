//! Metric cases: the transform processor's metric functions (conversions between metric
//! types, extracted count, sum and percentile metrics, aggregation, copies and scaling,
//! bucket merges) and the filter processor's data point predicates, in the metric and
//! datapoint contexts, on batches holding metrics of every type: int and double gauges and
//! sums, histograms, exponential histograms, summaries, and a metric with no data.

use serde_json::{Value as Json, json};

use super::{Context, Generator, Program, Rng};

/// The metric-level contexts, with the map their plain statements read and write.
const METRIC_CONTEXTS: &[(Context, &str)] = &[(Context::Metric, "metric.metadata"), (Context::DataPoint, "datapoint.attributes")];

/// Generates a metric case: one to three statements, most of them metric functions (some
/// with arguments the functions refuse), on one to three metrics of random types.
pub(super) fn program(mut rng: Rng) -> Program {
    let &(context, attributes) = rng.pick(METRIC_CONTEXTS);
    let mut generator = Generator::new(rng, context, attributes);
    let count = 1 + generator.rng.below(3);
    let statements = (0..count).map(|_| generator.metric_statement()).collect();
    let input = generator.metrics_input();
    Program { context, statements, guard: Vec::new(), input }
}

const NAMES: &[&str] = &["m0", "m1", "m2"];
/// Valid but for the last, which the functions refuse when the rules load (as for the
/// other lists of literal settings below: each case has one in fifteen or so).
const TEMPORALITIES: &[&str] =
    &["\"cumulative\"", "\"delta\"", "\"cumulative\"", "\"delta\"", "\"cumulative\"", "\"delta\"", "\"sideways\""];
const AGGREGATIONS: &[&str] =
    &["\"sum\"", "\"mean\"", "\"min\"", "\"max\"", "\"median\"", "\"count\"", "\"sum\"", "\"max\"", "\"count\"", "\"avg\""];
const METRIC_TYPES: &[&str] = &[
    "METRIC_DATA_TYPE_GAUGE",
    "METRIC_DATA_TYPE_SUM",
    "METRIC_DATA_TYPE_HISTOGRAM",
    "METRIC_DATA_TYPE_EXPONENTIAL_HISTOGRAM",
    "METRIC_DATA_TYPE_SUMMARY",
];

impl Generator {
    fn metric_statement(&mut self) -> String {
        let action = match (self.context, self.rng.below(10)) {
            (_, 0) => self.editor_call(),
            (Context::Metric, 1) => self.metric_field_statement(),
            (Context::Metric, _) => self.metric_function(),
            (_, 1 | 2) => self.datapoint_field_statement(),
            _ => self.datapoint_function(),
        };
        if !action.contains(" where ") && self.rng.chance(50) {
            format!("{action} where {}", self.metric_condition())
        } else {
            action
        }
    }

    /// The metric context's editors, with valid arguments most of the time.
    fn metric_function(&mut self) -> String {
        let suffix =
            |g: &mut Generator| if g.rng.chance(50) { format!(", \"{}\"", g.rng.pick(&["_x", ""])) } else { String::new() };
        match self.rng.below(14) {
            0 => "convert_sum_to_gauge()".to_string(),
            1 => format!("convert_gauge_to_sum({}, {})", self.rng.pick(TEMPORALITIES), self.rng.pick(&["true", "false"])),
            2 => format!("extract_count_metric({}{})", self.rng.pick(&["true", "false"]), suffix(self)),
            3 => format!("extract_sum_metric({}{})", self.rng.pick(&["true", "false"]), suffix(self)),
            4 => match self.rng.below(3) {
                0 => "convert_summary_quantile_val_to_gauge()".to_string(),
                1 => "convert_summary_quantile_val_to_gauge(\"q\")".to_string(),
                _ => format!("convert_summary_quantile_val_to_gauge(\"q\"{})", suffix(self)),
            },
            5 => match self.rng.below(3) {
                0 => format!("aggregate_on_attributes({})", self.rng.pick(AGGREGATIONS)),
                1 => format!("aggregate_on_attributes({}, [])", self.rng.pick(AGGREGATIONS)),
                _ => {
                    format!("aggregate_on_attributes({}, [\"{}\"])", self.rng.pick(AGGREGATIONS), self.rng.pick(&["a", "b", "c"]))
                }
            },
            6 => format!(
                "aggregate_on_attribute_value({}, \"a\", {}, \"{}\")",
                self.rng.pick(AGGREGATIONS),
                self.rng.pick(&["[\"x\", \"y\"]", "[\"x\"]", "[]"]),
                self.rng.pick(&["z", "x"])
            ),
            7 => format!(
                "convert_exponential_histogram_to_histogram(\"{}\", {})",
                self.rng.pick(&["upper", "midpoint", "uniform", "upper", "midpoint", "uniform", "middle"]),
                self.rng.pick(&[
                    "[0.0, 1.0, 10.0]",
                    "[5.0]",
                    "[0.5, 2.0, 4.0, 8.0]",
                    "[0.0, 1.0, 10.0]",
                    "[5.0]",
                    "[]",
                    "[10.0, 1.0]"
                ])
            ),
            // The copy goes to the end of the list, where the statements see it too: as the
            // collector's documentation warns, only a name no statement matches (nor sets)
            // keeps it from being copied again, forever.
            8 => {
                let fields = match self.rng.below(3) {
                    0 => String::new(),
                    1 => ", description=\"d2\", unit=\"u\"".to_string(),
                    _ => format!(", unit={}", self.attribute()),
                };
                format!("copy_metric(name=\"copy\"{fields}) where metric.name == \"{}\"", self.rng.pick(NAMES))
            }
            9 | 10 => format!(
                "scale_metric({}{})",
                self.rng.pick(&["2.0", "0.5", "-1.0", "1000.0", "0.0"]),
                if self.rng.chance(40) { format!(", {}", self.rng.pick(&["\"ms\"", "metric.name"])) } else { String::new() }
            ),
            11 | 12 => format!(
                "extract_percentile_metric({}{})",
                self.rng.pick(&["50.0", "95.0", "0.0", "100.0", "99.9", "50.0", "95.0", "25.0", "150.0"]),
                suffix(self)
            ),
            _ => format!("set({}, {})", self.attribute(), self.datapoint_predicate()),
        }
    }

    /// The datapoint context's editors.
    fn datapoint_function(&mut self) -> String {
        let suffix = if self.rng.chance(40) { ", \"_s\"" } else { "" };
        match self.rng.below(5) {
            0 => format!(
                "convert_summary_count_val_to_sum({}, {}{suffix})",
                self.rng.pick(TEMPORALITIES),
                self.rng.pick(&["true", "false"])
            ),
            1 => format!(
                "convert_summary_sum_val_to_sum({}, {}{suffix})",
                self.rng.pick(TEMPORALITIES),
                self.rng.pick(&["true", "false"])
            ),
            _ => {
                let target = match self.rng.below(5) {
                    0 => self.attribute(),
                    _ => self.rng.pick(&["1.0", "5.0", "7.0", "0.0", "100.0"]).to_string(),
                };
                let method = match self.rng.below(12) {
                    0..=3 => ", \"remove_explicit_bound\"",
                    4..=7 => ", \"limit_buckets\"",
                    8 => ", \"merge\"",
                    _ => "",
                };
                format!("merge_histogram_buckets({target}{method})")
            }
        }
    }

    fn metric_field_statement(&mut self) -> String {
        match self.rng.below(5) {
            0 => format!("set(metric.name, \"{}\")", self.rng.pick(&["renamed", "m0.x"])),
            1 => format!("set(metric.unit, {})", self.value(1)),
            2 => format!(
                "set(metric.aggregation_temporality, {})",
                self.rng.pick(&["AGGREGATION_TEMPORALITY_DELTA", "AGGREGATION_TEMPORALITY_CUMULATIVE", "7"])
            ),
            3 => format!("set(metric.is_monotonic, {})", self.rng.pick(&["true", "false"])),
            _ => format!("set(metric.description, Concat([metric.name, {}], \":\"))", self.value(0)),
        }
    }

    fn datapoint_field_statement(&mut self) -> String {
        match self.rng.below(8) {
            0 => format!("set(datapoint.value_int, {})", self.rng.pick(&["3", "-1", "datapoint.value_int * 2"])),
            1 => format!("set(datapoint.value_double, {})", self.rng.pick(&["2.5", "datapoint.value_double / 2"])),
            2 => format!("set(datapoint.count, {})", self.rng.pick(&["0", "10", "datapoint.count + 1"])),
            3 => format!("set(datapoint.sum, {})", self.rng.pick(&["1.5", "datapoint.sum * 2"])),
            4 => format!("set(datapoint.explicit_bounds, {})", self.rng.pick(&["[1.0, 2.0]", "[]", "[\"x\"]"])),
            5 => format!("set(datapoint.bucket_counts, {})", self.rng.pick(&["[1, 2, 3]", "[]"])),
            6 => format!("set(datapoint.scale, {})", self.rng.pick(&["1", "-2"])),
            _ => format!("set({}, {})", self.attribute(), self.readable_field()),
        }
    }

    /// `HasAttrOnDatapoint` and `HasAttrKeyOnDatapoint` (metric context only).
    fn datapoint_predicate(&mut self) -> String {
        if self.rng.chance(50) {
            format!("HasAttrOnDatapoint(\"{}\", \"{}\")", self.rng.pick(&["a", "b"]), self.rng.pick(&["x", "y", "1"]))
        } else {
            format!("HasAttrKeyOnDatapoint(\"{}\")", self.rng.pick(&["a", "b", "c"]))
        }
    }

    fn metric_condition(&mut self) -> String {
        match self.rng.below(6) {
            0 | 1 => format!("metric.type {} {}", self.rng.pick(&["==", "!="]), self.rng.pick(METRIC_TYPES)),
            2 => format!("metric.name == \"{}\"", self.rng.pick(NAMES)),
            3 if self.context == Context::Metric => self.datapoint_predicate(),
            3 => format!("Len(datapoint.bucket_counts) > {}", self.rng.below(3)),
            _ => self.condition(1),
        }
    }

    /// One resource and scope with one to three metrics of random types and one to three
    /// data points each, whose attributes `a` and `b` take few values (so that aggregation
    /// merges points) beside random ones.
    fn metrics_input(&mut self) -> Json {
        let resource = json!({"attributes": self.attributes_json()});
        let scope = json!({"name": "lib", "version": "1", "attributes": self.attributes_json()});
        let metrics: Vec<Json> = (0..1 + self.rng.below(3)).map(|_| self.metric()).collect();
        json!({"resourceMetrics": [{"resource": resource, "scopeMetrics": [{"scope": scope, "metrics": metrics}]}]})
    }

    fn metric(&mut self) -> Json {
        let mut metric = json!({"name": self.rng.pick(NAMES), "unit": "1", "description": "d"});
        if self.rng.chance(30) {
            metric["metadata"] = self.attributes_json();
        }
        let points = 1 + self.rng.below(3);
        let temporality = 1 + self.rng.below(2);
        let (key, data) = match self.rng.below(13) {
            0 | 1 => ("gauge", json!({"dataPoints": self.points(points, Generator::number_point)})),
            2..=4 => (
                "sum",
                json!({"dataPoints": self.points(points, Generator::number_point), "aggregationTemporality": temporality, "isMonotonic": self.rng.chance(50)}),
            ),
            5..=7 => (
                "histogram",
                json!({"dataPoints": self.points(points, Generator::histogram_point), "aggregationTemporality": temporality}),
            ),
            8 | 9 => (
                "exponentialHistogram",
                json!({"dataPoints": self.points(points, Generator::exponential_point), "aggregationTemporality": temporality}),
            ),
            10 | 11 => ("summary", json!({"dataPoints": self.points(points, Generator::summary_point)})),
            _ => return metric,
        };
        metric[key] = data;
        metric
    }

    /// `count` points of one type, each with the attributes and times every point has.
    fn points(&mut self, count: usize, point: fn(&mut Generator) -> Json) -> Json {
        Json::Array(
            (0..count)
                .map(|_| {
                    let mut p = point(self);
                    let mut attributes = Vec::new();
                    for (key, values) in [("a", ["x", "y"]), ("b", ["1", "2"])] {
                        if self.rng.chance(70) {
                            attributes.push(json!({"key": key, "value": {"stringValue": self.rng.pick(&values)}}));
                        }
                    }
                    if self.rng.chance(30) {
                        let key = self.key();
                        if key != "a" && key != "b" {
                            attributes.push(json!({"key": key, "value": self.any_value(1)}));
                        }
                    }
                    p["attributes"] = Json::Array(attributes);
                    p["startTimeUnixNano"] = json!("1700000000000000000");
                    p["timeUnixNano"] = json!(*self.rng.pick(&["1700000001000000000", "1700000002000000000"]));
                    p
                })
                .collect(),
        )
    }

    fn number_point(&mut self) -> Json {
        if self.rng.chance(50) {
            json!({"asInt": (self.rng.below(21) as i64 - 5).to_string()})
        } else {
            json!({"asDouble": *self.rng.pick(&[0.0, 1.5, -2.25, 10.0, 0.1])})
        }
    }

    fn histogram_point(&mut self) -> Json {
        let bounds: Vec<f64> = [0.0, 1.0, 5.0, 10.0, 100.0].into_iter().filter(|_| self.rng.chance(50)).collect();
        let counts: Vec<u64> = (0..=bounds.len()).map(|_| self.rng.below(5) as u64).collect();
        let count: u64 = counts.iter().sum::<u64>() + if self.rng.chance(10) { 1 } else { 0 };
        let mut point = json!({
            "count": count.to_string(),
            "sum": *self.rng.pick(&[0.0, 12.5, 40.0]),
            "bucketCounts": counts.iter().map(u64::to_string).collect::<Vec<_>>(),
            "explicitBounds": bounds,
        });
        if self.rng.chance(50) {
            point["min"] = json!(0.5);
            point["max"] = json!(*self.rng.pick(&[9.0, 150.0]));
        }
        point
    }

    fn exponential_point(&mut self) -> Json {
        let buckets = |g: &mut Generator| {
            let counts: Vec<String> = (0..g.rng.below(4)).map(|_| g.rng.below(5).to_string()).collect();
            json!({"offset": g.rng.below(5) as i64 - 2, "bucketCounts": counts})
        };
        let positive = buckets(self);
        let negative = buckets(self);
        let bucket_total = |b: &Json| -> u64 {
            b["bucketCounts"].as_array().map_or(0, |c| c.iter().filter_map(|n| n.as_str()?.parse::<u64>().ok()).sum())
        };
        let zero_count = self.rng.below(3) as u64;
        let count = bucket_total(&positive) + bucket_total(&negative) + zero_count;
        let mut point = json!({
            "count": count.to_string(),
            "sum": *self.rng.pick(&[0.0, 7.5, -3.0]),
            "scale": self.rng.below(5) as i64 - 1,
            "zeroCount": zero_count.to_string(),
            "positive": positive,
        });
        if self.rng.chance(40) {
            point["negative"] = negative;
        }
        if self.rng.chance(50) {
            point["min"] = json!(-1.0);
            point["max"] = json!(20.0);
        }
        point
    }

    fn summary_point(&mut self) -> Json {
        let quantiles: Vec<Json> = [0.0, 0.5, 0.9, 0.99, 1.0]
            .into_iter()
            .filter(|_| self.rng.chance(50))
            .map(|q| json!({"quantile": q, "value": q * 40.0}))
            .collect();
        json!({"count": self.rng.below(6).to_string(), "sum": *self.rng.pick(&[0.0, 100.0, 2.5]), "quantileValues": quantiles})
    }
}
