//! OTLP data and its JSON encoding (the OTLP specification's JSON mapping: camelCase
//! names, lowercase hex trace and span ids, 64-bit integers as strings, enums as numbers).
//!
//! Traces, metrics and logs are read and written by [`crate::otlp_json`], in one pass.
//! Profiles go through the `opentelemetry-proto` crate's serde support, whose form
//! [`crate::otlp_profiles`] translates; it writes every default field and `null` for absent
//! messages, which [`prune_defaults`] leaves out, as pdata's own marshaller does.

use opentelemetry_proto::tonic::logs::v1::LogsData;
use opentelemetry_proto::tonic::metrics::v1::MetricsData;
use opentelemetry_proto::tonic::profiles::v1development::ProfilesData;
use opentelemetry_proto::tonic::trace::v1::TracesData;
use serde_json::Value as Json;

use crate::special_floats;

pub use opentelemetry_proto::tonic::{common, logs, metrics, profiles, resource, trace};

/// One OTLP payload of any signal.
#[derive(Clone, Debug, PartialEq)]
pub enum Telemetry {
    Traces(TracesData),
    Metrics(MetricsData),
    Logs(LogsData),
    /// Profiles (development in OTLP): items plus the payload's shared dictionary.
    Profiles(ProfilesData),
}

/// The four OTLP signals: what a collector pipeline carries, and what a processor's
/// statement or condition groups are configured for (`trace_statements`, `log_conditions`,
/// the filter processor's `metrics:` …).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Signal {
    Traces,
    Metrics,
    Logs,
    Profiles,
}

impl Signal {
    pub const ALL: [Signal; 4] = [Signal::Traces, Signal::Metrics, Signal::Logs, Signal::Profiles];

    /// The signal of a pipeline or config key name (`traces`, …).
    pub fn parse(name: &str) -> Option<Signal> {
        Signal::ALL.into_iter().find(|signal| signal.name() == name)
    }

    /// An empty payload of this signal.
    pub fn empty(self) -> Telemetry {
        match self {
            Signal::Traces => Telemetry::Traces(TracesData::default()),
            Signal::Metrics => Telemetry::Metrics(MetricsData::default()),
            Signal::Logs => Telemetry::Logs(LogsData::default()),
            Signal::Profiles => Telemetry::Profiles(ProfilesData::default()),
        }
    }

    /// The one signal whose payloads have items of `context`; `None` for `resource` and
    /// `scope`, which every signal has.
    pub fn of_context(context: crate::hierarchy::Context) -> Option<Signal> {
        let mut fitting = Signal::ALL.into_iter().filter(|signal| context.fits(&signal.empty()));
        match (fitting.next(), fitting.next()) {
            (Some(signal), None) => Some(signal),
            _ => None,
        }
    }

    /// The name the collector gives it in `service.pipelines` (`traces`, `metrics`, …).
    pub fn name(self) -> &'static str {
        match self {
            Signal::Traces => "traces",
            Signal::Metrics => "metrics",
            Signal::Logs => "logs",
            Signal::Profiles => "profiles",
        }
    }
}

impl std::fmt::Display for Signal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl Telemetry {
    /// The items of a payload as the collector counts them (its batch processor, its
    /// `*_items` metrics): spans, metric data points, log records, profiles.
    pub fn item_count(&self) -> usize {
        match self {
            Telemetry::Traces(data) => data.resource_spans.iter().flat_map(|r| &r.scope_spans).map(|s| s.spans.len()).sum(),
            Telemetry::Logs(data) => data.resource_logs.iter().flat_map(|r| &r.scope_logs).map(|s| s.log_records.len()).sum(),
            Telemetry::Metrics(data) => data
                .resource_metrics
                .iter()
                .flat_map(|r| &r.scope_metrics)
                .flat_map(|s| &s.metrics)
                .map(crate::exec::point_count)
                .sum(),
            Telemetry::Profiles(data) => {
                data.resource_profiles.iter().flat_map(|r| &r.scope_profiles).map(|s| s.profiles.len()).sum()
            }
        }
    }

    /// Reads OTLP/JSON; the signal is told by the top-level key (`resourceSpans`,
    /// `resourceMetrics`, `resourceLogs`, `resourceProfiles`).
    pub fn from_json(text: &str) -> Result<Telemetry, String> {
        crate::otlp_json::Document::read(text)?.first()
    }

    /// The signal this payload carries.
    pub fn signal(&self) -> Signal {
        match self {
            Telemetry::Traces(_) => Signal::Traces,
            Telemetry::Metrics(_) => Signal::Metrics,
            Telemetry::Logs(_) => Signal::Logs,
            Telemetry::Profiles(_) => Signal::Profiles,
        }
    }

    /// Compact OTLP/JSON without default fields, written to `writer` as it is made.
    pub fn write_json(&self, writer: &mut impl std::io::Write) -> std::io::Result<()> {
        crate::otlp_json::write(self, writer)
    }

    /// OTLP/JSON without default fields, as a JSON value.
    pub fn to_json(&self) -> Json {
        let Telemetry::Profiles(profiles) = self else {
            let mut text = Vec::new();
            // Neither writing to a `Vec` nor reading back what was just written can fail.
            let _ = self.write_json(&mut text);
            return serde_json::from_slice(&text).unwrap_or(Json::Null);
        };
        let mut json = special_floats::to_value(profiles).unwrap_or(Json::Null);
        crate::otlp_profiles::to_otlp_form(&mut json);
        prune_defaults(&mut json);
        // An empty payload keeps its signal's key, so that it still reads as that signal.
        if let Json::Object(object) = &mut json {
            object.entry(self.key()).or_insert_with(|| Json::Array(Vec::new()));
        }
        json
    }

    /// The top-level key of the signal's OTLP/JSON form.
    fn key(&self) -> &'static str {
        crate::otlp_json::key(self.signal())
    }

    /// The same signal with no data (where routed items are collected).
    pub fn empty_like(&self) -> Telemetry {
        match self {
            Telemetry::Traces(_) => Telemetry::Traces(TracesData::default()),
            Telemetry::Metrics(_) => Telemetry::Metrics(MetricsData::default()),
            Telemetry::Logs(_) => Telemetry::Logs(LogsData::default()),
            Telemetry::Profiles(p) => {
                Telemetry::Profiles(ProfilesData { resource_profiles: Vec::new(), dictionary: p.dictionary.clone() })
            }
        }
    }

    /// Whether it holds no resource at all.
    pub fn is_empty(&self) -> bool {
        match self {
            Telemetry::Traces(t) => t.resource_spans.is_empty(),
            Telemetry::Metrics(m) => m.resource_metrics.is_empty(),
            Telemetry::Logs(l) => l.resource_logs.is_empty(),
            Telemetry::Profiles(p) => p.resource_profiles.is_empty(),
        }
    }
}

/// The crate's reader (which reads profiles) requires fields the OTLP JSON mapping lets
/// writers leave out when they are empty: `values` of an array or key-value list
/// (`{"kvlistValue": {}}`), and a key-value's `key`. They are put back before reading.
pub(crate) fn fill_required_defaults(json: &mut Json) {
    match json {
        Json::Object(map) => {
            for (key, value) in map.iter_mut() {
                if (key == "arrayValue" || key == "kvlistValue")
                    && let Json::Object(list) = value
                {
                    list.entry("values").or_insert_with(|| Json::Array(Vec::new()));
                }
                if key == "attributes" || key == "values" {
                    for item in value.as_array_mut().into_iter().flatten() {
                        if let Json::Object(kv) = item
                            && kv.contains_key("value")
                            && !kv.contains_key("key")
                        {
                            kv.insert("key".to_string(), Json::String(String::new()));
                        }
                    }
                }
                fill_required_defaults(value);
            }
        }
        Json::Array(items) => items.iter_mut().for_each(fill_required_defaults),
        _ => {}
    }
}

/// The id fields, written as hex.
const ID_KEYS: &[&str] = &["traceId", "spanId", "parentSpanId", "profileId"];

/// The keys of an `AnyValue`, and of a number data point's or exemplar's value: members of a
/// oneof, so their values are data, kept even when zero or empty (a gauge point `asInt: 0`
/// is a value; without the key the point has none).
const ANY_VALUE_KEYS: &[&str] =
    &["stringValue", "boolValue", "intValue", "doubleValue", "bytesValue", "arrayValue", "kvlistValue", "asInt", "asDouble"];

/// Removes nulls, empty strings, zeros, `false`, and empty arrays and objects, except the
/// values of attribute values (an empty string attribute is data).
pub fn prune_defaults(json: &mut Json) {
    match json {
        Json::Object(map) => {
            // A key-value's key is data even when empty.
            let is_key_value = map.contains_key("key") && map.keys().all(|k| k == "key" || k == "value");
            map.retain(|key, value| {
                if is_key_value && key == "key" {
                    return true;
                }
                if ID_KEYS.contains(&key.as_str()) && value.as_str().is_some_and(|id| id.bytes().all(|b| b == b'0')) {
                    // An all-zero id is an empty one; pdata writes neither.
                    return false;
                }
                if ANY_VALUE_KEYS.contains(&key.as_str()) {
                    if let Json::Object(_) | Json::Array(_) = value {
                        prune_defaults(value);
                    }
                    ensure_container(key, value);
                    return true;
                }
                prune_defaults(value);
                !is_default(value)
            });
        }
        Json::Array(items) => items.iter_mut().for_each(prune_defaults),
        _ => {}
    }
}

/// `arrayValue: {}` / `kvlistValue: {}` must keep their `values` key readable.
fn ensure_container(key: &str, value: &mut Json) {
    if (key == "arrayValue" || key == "kvlistValue") && value.is_null() {
        *value = Json::Object(Default::default());
    }
}

fn is_default(value: &Json) -> bool {
    match value {
        Json::Null => true,
        Json::Bool(b) => !b,
        Json::Number(n) => n.as_f64() == Some(0.0),
        Json::String(s) => s.is_empty() || s == "0",
        Json::Array(items) => items.is_empty(),
        Json::Object(map) => map.is_empty(),
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn contexts_belong_to_their_signal() {
        use crate::hierarchy::Context;
        assert_eq!(Signal::of_context(Context::Span), Some(Signal::Traces));
        assert_eq!(Signal::of_context(Context::DataPoint), Some(Signal::Metrics));
        assert_eq!(Signal::of_context(Context::Log), Some(Signal::Logs));
        assert_eq!(Signal::of_context(Context::Resource), None);
        assert_eq!(Signal::parse("logs"), Some(Signal::Logs));
        assert_eq!(Signal::Metrics.empty().signal(), Signal::Metrics);
    }
    use super::*;
    use opentelemetry_proto::tonic::metrics::v1::metric::Data;

    const SPANS: &str = r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"svc"}}]},
        "scopeSpans":[{"scope":{"name":"lib"},"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708",
        "name":"GET","kind":2,"startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000001500000000",
        "attributes":[{"key":"code","value":{"intValue":"500"}},{"key":"empty","value":{"stringValue":""}}],
        "status":{"code":2,"message":"boom"}}]}]}]}"#;

    #[test]
    fn a_payload_tells_its_signal_by_its_top_level_key() {
        let signal = |json: &str| Telemetry::from_json(json).map(|t| t.signal().name());
        assert_eq!(signal(SPANS), Ok("traces"));
        assert_eq!(signal(r#"{"resourceMetrics":[]}"#), Ok("metrics"));
        assert_eq!(signal(r#"{"resourceLogs":[]}"#), Ok("logs"));
        assert_eq!(signal(r#"{"resourceProfiles":[]}"#), Ok("profiles"));
    }

    #[test]
    fn a_zero_data_point_value_is_kept() {
        let gauge = r#"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"depth","gauge":{"dataPoints":[{"asInt":"0"},{"asDouble":0}]}}]}]}]}"#;
        let written = Telemetry::from_json(gauge).unwrap().to_json().to_string();
        assert!(written.contains(r#"{"asInt":"0"}"#) && written.contains(r#"{"asDouble":0"#), "{written}");
        let Telemetry::Metrics(read) = Telemetry::from_json(&written).unwrap() else { panic!("not metrics") };
        let Some(Data::Gauge(points)) = &read.resource_metrics[0].scope_metrics[0].metrics[0].data else { panic!("not a gauge") };
        assert!(points.data_points.iter().all(|p| p.value.is_some()), "{written}");
    }

    #[test]
    fn spans_round_trip_in_the_otlp_json_mapping() {
        let telemetry = Telemetry::from_json(SPANS).unwrap();
        let Telemetry::Traces(traces) = &telemetry else { panic!("not traces") };
        let span = &traces.resource_spans[0].scope_spans[0].spans[0];
        assert_eq!(span.trace_id, (1..=16).collect::<Vec<u8>>());
        assert_eq!(span.start_time_unix_nano, 1_700_000_000_000_000_000);
        let expected: Json = serde_json::from_str(SPANS).unwrap();
        assert_eq!(telemetry.to_json(), expected);
        assert_eq!(Telemetry::from_json(&telemetry.to_json().to_string()).unwrap(), telemetry);
        let empty = telemetry.empty_like();
        assert_eq!(empty.to_json(), serde_json::json!({"resourceSpans": []}));
        assert_eq!(Telemetry::from_json(&empty.to_json().to_string()).unwrap(), empty);
    }

    #[test]
    fn logs_and_metrics_round_trip_in_the_otlp_json_mapping() {
        let logs = r#"{"resourceLogs":[{"resource":{"attributes":[{"key":"k","value":{"kvlistValue":{"values":[{"key":"n","value":{"doubleValue":1.5}}]}}}]},
            "scopeLogs":[{"scope":{"name":"s","version":"1"},"logRecords":[{"timeUnixNano":"1581452772000000321","severityNumber":9,
            "severityText":"INFO","body":{"arrayValue":{"values":[{"boolValue":true},{"bytesValue":"AQI="},{"stringValue":""}]}},
            "flags":1,"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708","eventName":"e"}]}]}]}"#;
        let metrics = r#"{"resourceMetrics":[{"resource":{},"scopeMetrics":[{"scope":{"name":"m"},"metrics":[
            {"name":"g","unit":"ms","gauge":{"dataPoints":[{"asInt":"-3","timeUnixNano":"5"},{"asDouble":2.5}]}},
            {"name":"s","sum":{"dataPoints":[{"asDouble":7.5}],"aggregationTemporality":2,"isMonotonic":true}},
            {"name":"h","histogram":{"dataPoints":[{"count":"3","sum":4.5,"bucketCounts":["1","2"],"explicitBounds":[1.0],"min":0.5,"max":3.0}],"aggregationTemporality":1}},
            {"name":"e","exponentialHistogram":{"dataPoints":[{"count":"1","scale":-1,"zeroCount":"1","positive":{"offset":-2,"bucketCounts":["1"]}}],"aggregationTemporality":2}},
            {"name":"q","summary":{"dataPoints":[{"count":"2","sum":3.0,"quantileValues":[{"quantile":0.5,"value":1.0}]}]}}]}]}]}"#;
        for text in [logs, metrics, SPANS] {
            let telemetry = Telemetry::from_json(text).unwrap();
            // Written in one pass, as `serde_json` writes the value: compact, keys in order.
            let mut written = Vec::new();
            telemetry.write_json(&mut written).unwrap();
            let written = String::from_utf8(written).unwrap();
            assert_eq!(written, serde_json::from_str::<Json>(&written).unwrap().to_string());
            let mut expected: Json = serde_json::from_str(text).unwrap();
            prune_defaults(&mut expected);
            assert_eq!(telemetry.to_json(), expected);
            assert_eq!(Telemetry::from_json(&telemetry.to_json().to_string()).unwrap().to_json(), expected);
        }
    }

    #[test]
    fn non_finite_doubles_are_written_as_the_mapping_says() {
        use opentelemetry_proto::tonic::logs::v1::{LogRecord, ResourceLogs, ScopeLogs};
        let record = LogRecord {
            attributes: crate::value::map_to_key_values(&crate::Map::from([
                ("nan".to_string(), crate::Value::Float(f64::NAN)),
                ("inf".to_string(), crate::Value::Float(f64::INFINITY)),
            ])),
            ..Default::default()
        };
        let logs = Telemetry::Logs(LogsData {
            resource_logs: vec![ResourceLogs {
                scope_logs: vec![ScopeLogs { log_records: vec![record], ..Default::default() }],
                ..Default::default()
            }],
        });
        let json = logs.to_json();
        let attributes = &json["resourceLogs"][0]["scopeLogs"][0]["logRecords"][0]["attributes"];
        assert_eq!(attributes[0]["value"], serde_json::json!({"doubleValue": "NaN"}));
        assert_eq!(attributes[1]["value"], serde_json::json!({"doubleValue": "Infinity"}));
        // And read back, as the collector's pdata reads them.
        assert_eq!(Telemetry::from_json(&json.to_string()).unwrap().to_json(), json);
    }

    #[test]
    fn profiles_round_trip_in_the_otlp_json_mapping() {
        let text = r#"{"resourceProfiles":[{"resource":{},"scopeProfiles":[{"scope":{"name":"p"},"profiles":[{
            "profileId":"0102030405060708090a0b0c0d0e0f10","timeUnixNano":"1700000000000000000","durationNano":"5",
            "originalPayload":"aGVsbG8=","originalPayloadFormat":"pprof","attributeIndices":[0],
            "samples":[{"stackIndex":1,"values":["7"],"timestampsUnixNano":["1700000000000000001"]}]}]}]}],
            "dictionary":{"stringTable":["","k"],"attributeTable":[{"keyStrindex":1,"value":{"intValue":"3"}}],
            "locationTable":[{"address":"4096","lines":[{"line":"12"}]}],"linkTable":[{"traceId":"AQI="}]}}"#;
        let telemetry = Telemetry::from_json(text).unwrap();
        let Telemetry::Profiles(data) = &telemetry else { panic!("not profiles") };
        let profile = &data.resource_profiles[0].scope_profiles[0].profiles[0];
        assert_eq!(profile.time_unix_nano, 1_700_000_000_000_000_000);
        assert_eq!(profile.original_payload, b"hello");
        assert_eq!(data.dictionary.as_ref().unwrap().location_table[0].address, 4096);
        let mut expected: Json = serde_json::from_str(text).unwrap();
        prune_defaults(&mut expected);
        assert_eq!(telemetry.to_json(), expected);
        assert!(
            Telemetry::from_json(r#"{"resourceProfiles":[{"scopeProfiles":[{"profiles":[{"timeUnixNano":"soon"}]}]}]}"#).is_err()
        );
    }

    /// Found by fuzzing (`fuzz-targets/regressions/otlp_protobuf/`): a profile resource's
    /// entity reference with no id keys was written without `idKeys`, then refused.
    #[test]
    fn a_profile_resource_entity_ref_round_trips() {
        let text =
            r#"{"resourceProfiles":[{"resource":{"entityRefs":[{"type":"service"}]},"scopeProfiles":[{"scope":{"name":"p"}}]}]}"#;
        let telemetry = Telemetry::from_json(text).unwrap();
        let Telemetry::Profiles(data) = &telemetry else { panic!("not profiles") };
        let entity = &data.resource_profiles[0].resource.as_ref().unwrap().entity_refs[0];
        assert_eq!((entity.r#type.as_str(), entity.id_keys.len()), ("service", 0));
        assert_eq!(Telemetry::from_json(&telemetry.to_json().to_string()).unwrap(), telemetry);
    }

    #[test]
    fn empty_lists_may_be_left_out_as_the_mapping_allows() {
        let text = r#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"kvlistValue":{}},
            "attributes":[{"key":"a","value":{"arrayValue":{}}},{"value":{"stringValue":"no key"}}]}]}]}]}"#;
        let Telemetry::Logs(data) = Telemetry::from_json(text).unwrap() else { panic!("not logs") };
        let record = &data.resource_logs[0].scope_logs[0].log_records[0];
        assert_eq!(crate::Value::from_any_value(record.body.as_ref().unwrap()), crate::Value::Map(crate::Map::new()));
        assert_eq!(record.attributes[1].key, "");
    }

    #[test]
    fn bad_input_is_a_clear_error() {
        assert!(Telemetry::from_json("[1]").unwrap_err().contains("object"));
        assert!(Telemetry::from_json("{}").unwrap_err().contains("resourceSpans"));
        assert!(Telemetry::from_json(r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"zz"}]}]}]}"#).is_err());
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(Telemetry::from_json(&format!(r#"{{"resourceLogs":{deep}}}"#)).is_err());
    }
}
