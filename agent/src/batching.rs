//! Merging and splitting OTLP payloads by items (counted by `Telemetry::item_count`), as the batch processor does.
//!
//! An item is what the collector's batch processor counts: a span, a metric data point,
//! a log record, a profile. Merging appends resources (the collector does not merge equal
//! resources either); splitting cuts exactly at an item count, copying the resource and
//! scope of a cut group into both halves.

use opentelemetry_proto::tonic::metrics::v1::metric::Data;
use opentelemetry_proto::tonic::metrics::v1::{Metric, ResourceMetrics, ScopeMetrics};
use ottl_runtime::exec::point_count;
use ottl_runtime::otlp::Telemetry;

pub use ottl_pipeline::append;

/// Takes the first `max` items off `telemetry` (all of them when it has no more).
pub fn split_off_front(telemetry: &mut Telemetry, max: usize) -> Telemetry {
    match telemetry {
        Telemetry::Traces(data) => {
            let resources = take_front(&mut data.resource_spans, max, |r| &mut r.scope_spans, |s| &mut s.spans, |_| 1);
            Telemetry::Traces(opentelemetry_proto::tonic::trace::v1::TracesData { resource_spans: resources })
        }
        Telemetry::Logs(data) => {
            let resources = take_front(&mut data.resource_logs, max, |r| &mut r.scope_logs, |s| &mut s.log_records, |_| 1);
            Telemetry::Logs(opentelemetry_proto::tonic::logs::v1::LogsData { resource_logs: resources })
        }
        Telemetry::Metrics(data) => {
            let resources = take_front_metrics(&mut data.resource_metrics, max);
            Telemetry::Metrics(opentelemetry_proto::tonic::metrics::v1::MetricsData { resource_metrics: resources })
        }
        // A profiles payload shares one dictionary; it is passed on whole.
        Telemetry::Profiles(_) => std::mem::replace(telemetry, Telemetry::Profiles(Default::default())),
    }
}

/// The first `max` items of a resource → scope → item nesting, cutting a group in two
/// where the count falls inside it (the cut group's resource and scope go to both halves).
fn take_front<R: Clone + Default, S: Clone + Default, I>(
    resources: &mut Vec<R>,
    max: usize,
    scopes_of: fn(&mut R) -> &mut Vec<S>,
    items_of: fn(&mut S) -> &mut Vec<I>,
    weight: fn(&I) -> usize,
) -> Vec<R> {
    let mut taken = Vec::new();
    let mut left = max;
    while left > 0 && !resources.is_empty() {
        let resource = &mut resources[0];
        let mut taken_scopes = Vec::new();
        while left > 0 && !scopes_of(resource).is_empty() {
            let scope = &mut scopes_of(resource)[0];
            let items = items_of(scope);
            let mut count = 0;
            let mut end = 0;
            while end < items.len() && count + weight(&items[end]) <= left {
                count += weight(&items[end]);
                end += 1;
            }
            let front: Vec<I> = items.drain(..end).collect();
            left -= count;
            let scope_done = items_of(scope).is_empty();
            let mut copy = if scope_done { scopes_of(resource).remove(0) } else { clone_without_items(scope, items_of) };
            *items_of(&mut copy) = front;
            taken_scopes.push(copy);
            if !scope_done {
                break;
            }
        }
        let resource_done = scopes_of(resource).is_empty();
        let mut copy = if resource_done { resources.remove(0) } else { clone_without_scopes(resource, scopes_of) };
        *scopes_of(&mut copy) = taken_scopes;
        taken.push(copy);
        if !resource_done {
            break;
        }
    }
    taken
}

fn clone_without_items<S: Clone, I>(scope: &mut S, items_of: fn(&mut S) -> &mut Vec<I>) -> S {
    let items = std::mem::take(items_of(scope));
    let copy = scope.clone();
    *items_of(scope) = items;
    copy
}

fn clone_without_scopes<R: Clone, S>(resource: &mut R, scopes_of: fn(&mut R) -> &mut Vec<S>) -> R {
    clone_without_items(resource, scopes_of)
}

/// Metrics split by data points: a metric whose points straddle the cut is cut too.
fn take_front_metrics(resources: &mut Vec<ResourceMetrics>, max: usize) -> Vec<ResourceMetrics> {
    // Cut at whole metrics first, then split the one metric that straddles the count.
    let mut left = max;
    let mut taken = Vec::new();
    while left > 0 && !resources.is_empty() {
        let resource = &mut resources[0];
        let mut taken_scopes: Vec<ScopeMetrics> = Vec::new();
        while left > 0 && !resource.scope_metrics.is_empty() {
            let scope = &mut resource.scope_metrics[0];
            let mut front = Vec::new();
            while left > 0 && !scope.metrics.is_empty() {
                let points = point_count(&scope.metrics[0]);
                if points <= left {
                    left -= points;
                    front.push(scope.metrics.remove(0));
                } else {
                    front.push(split_metric(&mut scope.metrics[0], left));
                    left = 0;
                }
            }
            let scope_done = scope.metrics.is_empty();
            let mut copy = if scope_done {
                resource.scope_metrics.remove(0)
            } else {
                ScopeMetrics { metrics: Vec::new(), ..scope.clone_header() }
            };
            copy.metrics = front;
            taken_scopes.push(copy);
            if !scope_done {
                break;
            }
        }
        let resource_done = resource.scope_metrics.is_empty();
        let mut copy = if resource_done {
            resources.remove(0)
        } else {
            ResourceMetrics {
                resource: resource.resource.clone(),
                scope_metrics: Vec::new(),
                schema_url: resource.schema_url.clone(),
            }
        };
        copy.scope_metrics = taken_scopes;
        taken.push(copy);
        if !resource_done {
            break;
        }
    }
    taken
}

trait ScopeHeader {
    fn clone_header(&self) -> Self;
}

impl ScopeHeader for ScopeMetrics {
    fn clone_header(&self) -> Self {
        ScopeMetrics { scope: self.scope.clone(), metrics: Vec::new(), schema_url: self.schema_url.clone() }
    }
}

/// The first `count` data points of `metric`, as a metric of their own.
fn split_metric(metric: &mut Metric, count: usize) -> Metric {
    let mut front = Metric { data: None, ..metric.clone_without_data() };
    front.data = match &mut metric.data {
        Some(Data::Gauge(g)) => Some(Data::Gauge(opentelemetry_proto::tonic::metrics::v1::Gauge {
            data_points: g.data_points.drain(..count).collect(),
        })),
        Some(Data::Sum(s)) => Some(Data::Sum(opentelemetry_proto::tonic::metrics::v1::Sum {
            data_points: s.data_points.drain(..count).collect(),
            ..s.clone_without_points()
        })),
        Some(Data::Histogram(h)) => Some(Data::Histogram(opentelemetry_proto::tonic::metrics::v1::Histogram {
            data_points: h.data_points.drain(..count).collect(),
            aggregation_temporality: h.aggregation_temporality,
        })),
        Some(Data::ExponentialHistogram(h)) => {
            Some(Data::ExponentialHistogram(opentelemetry_proto::tonic::metrics::v1::ExponentialHistogram {
                data_points: h.data_points.drain(..count).collect(),
                aggregation_temporality: h.aggregation_temporality,
            }))
        }
        Some(Data::Summary(s)) => Some(Data::Summary(opentelemetry_proto::tonic::metrics::v1::Summary {
            data_points: s.data_points.drain(..count).collect(),
        })),
        None => None,
    };
    front
}

trait WithoutData {
    fn clone_without_data(&self) -> Self;
}

impl WithoutData for Metric {
    fn clone_without_data(&self) -> Self {
        Metric {
            name: self.name.clone(),
            description: self.description.clone(),
            unit: self.unit.clone(),
            metadata: self.metadata.clone(),
            data: None,
        }
    }
}

trait SumHeader {
    fn clone_without_points(&self) -> Self;
}

impl SumHeader for opentelemetry_proto::tonic::metrics::v1::Sum {
    fn clone_without_points(&self) -> Self {
        opentelemetry_proto::tonic::metrics::v1::Sum {
            data_points: Vec::new(),
            aggregation_temporality: self.aggregation_temporality,
            is_monotonic: self.is_monotonic,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn logs(groups: &[(&str, usize)]) -> Telemetry {
        let resources: Vec<String> = groups
            .iter()
            .map(|(name, n)| {
                let records: Vec<String> = (0..*n).map(|i| format!(r#"{{"body":{{"stringValue":"{name}{i}"}}}}"#)).collect();
                format!(
                    r#"{{"resource":{{"attributes":[{{"key":"r","value":{{"stringValue":"{name}"}}}}]}},"scopeLogs":[{{"logRecords":[{}]}}]}}"#,
                    records.join(",")
                )
            })
            .collect();
        Telemetry::from_json(&format!(r#"{{"resourceLogs":[{}]}}"#, resources.join(","))).unwrap()
    }

    #[test]
    fn splits_cut_exactly_and_keep_every_item_once() {
        let mut all = logs(&[("a", 3), ("b", 4)]);
        assert_eq!(all.item_count(), 7);
        let front = split_off_front(&mut all, 5);
        assert_eq!((front.item_count(), all.item_count()), (5, 2));
        let Telemetry::Logs(front) = front else { panic!() };
        assert_eq!(front.resource_logs.len(), 2, "a whole, b cut");
        let Telemetry::Logs(rest) = &all else { panic!() };
        assert_eq!(rest.resource_logs[0].resource, front.resource_logs[1].resource, "the cut resource is in both halves");
        let bodies: Vec<String> =
            rest.resource_logs[0].scope_logs[0].log_records.iter().map(|r| format!("{:?}", r.body)).collect();
        assert!(bodies[0].contains("b2") && bodies[1].contains("b3"), "{bodies:?}");
        let mut merged = Telemetry::Logs(front);
        assert!(append(&mut merged, all).is_none());
        assert_eq!(merged.item_count(), 7);
    }

    #[test]
    fn metrics_split_by_data_points() {
        let json = r#"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"m","sum":{"aggregationTemporality":2,"isMonotonic":true,"dataPoints":[{"asInt":"1"},{"asInt":"2"},{"asInt":"3"}]}}]}]}]}"#;
        let mut all = Telemetry::from_json(json).unwrap();
        let front = split_off_front(&mut all, 2);
        assert_eq!((front.item_count(), all.item_count()), (2, 1));
        let Telemetry::Metrics(front) = front else { panic!() };
        let Some(Data::Sum(sum)) = &front.resource_metrics[0].scope_metrics[0].metrics[0].data else { panic!() };
        assert!(sum.is_monotonic && sum.aggregation_temporality == 2);
    }
}
