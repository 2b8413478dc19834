//! The conformance corpus's fixtures (its README, "Fixtures"): one telemetry item each, in
//! one resource → scope → item hierarchy, as OTLP.

use ottl_runtime::otlp::Telemetry;
use ottl_runtime::otlp::common::v1::{AnyValue, ArrayValue, InstrumentationScope, KeyValue, KeyValueList, any_value::Value as V};
use ottl_runtime::otlp::logs::v1::{LogRecord, LogsData, ResourceLogs, ScopeLogs};
use ottl_runtime::otlp::metrics::v1::{
    Metric, MetricsData, NumberDataPoint, ResourceMetrics, ScopeMetrics, Sum, metric::Data, number_data_point,
};
use ottl_runtime::otlp::resource::v1::Resource;
use ottl_runtime::otlp::trace::v1::{ResourceSpans, ScopeSpans, Span, Status, TracesData, span::Event};

/// The fixture a row names in its note (`fixture=LOG_CONVERTERS`); rows without one run
/// on LOG_CONVERTERS, as the README allows for input-independent rows.
pub fn for_note(note: &str) -> Option<Telemetry> {
    let name = note.split("fixture=").nth(1).map(|rest| rest.split([';', ' ']).next().unwrap_or(rest)).unwrap_or("NONE");
    Some(match name.trim() {
        "LOG_CONVERTERS" | "NONE" => logs(log_converters_attributes(false), converters_resource()),
        "LOG_CONVERTERS_X" => logs(log_converters_attributes(true), converters_resource()),
        "LOG_EDITORS" => logs(log_editors_attributes(), vec![kv("host.name", s("localhost"))]),
        "LOG_VALUEEXPR" => logs(log_valueexpr_attributes(), converters_resource()),
        "SPAN_BASIC" => spans(basic_span(false)),
        "SPANEVENT_BASIC" => spans(basic_span(true)),
        "SPAN_SYNTH" => spans_synth(),
        "METRIC_SYNTH" | "DATAPOINT_SYNTH" => metric_synth(),
        _ => return None,
    })
}

pub const TRACE_ID: [u8; 16] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];
pub const SPAN_ID: [u8; 8] = [1, 2, 3, 4, 5, 6, 7, 8];
const TEST_LOG_TIME: u64 = 1_581_452_772_000_000_321;
const TEST_OBSERVED_TIME: u64 = 1_581_452_773_000_000_789;

fn s(text: &str) -> AnyValue {
    AnyValue { value: Some(V::StringValue(text.to_string())) }
}

fn int(i: i64) -> AnyValue {
    AnyValue { value: Some(V::IntValue(i)) }
}

fn map(entries: Vec<KeyValue>) -> AnyValue {
    AnyValue { value: Some(V::KvlistValue(KeyValueList { values: entries })) }
}

fn slice(items: Vec<AnyValue>) -> AnyValue {
    AnyValue { value: Some(V::ArrayValue(ArrayValue { values: items })) }
}

fn kv(key: &str, value: AnyValue) -> KeyValue {
    KeyValue { key: key.to_string(), value: Some(value), ..Default::default() }
}

fn converters_resource() -> Vec<KeyValue> {
    vec![kv("host.name", s("localhost")), kv("A|B|C", s("newValue"))]
}

fn foo_map() -> AnyValue {
    map(vec![
        kv("bar", s("pass")),
        kv("flags", s("pass")),
        kv("slice", slice(vec![s("val")])),
        kv("nested", map(vec![kv("test", s("pass"))])),
    ])
}

fn things() -> AnyValue {
    slice(vec![map(vec![kv("name", s("foo")), kv("value", int(2))]), map(vec![kv("name", s("bar")), kv("value", int(5))])])
}

fn log_converters_attributes(extended: bool) -> Vec<KeyValue> {
    let mut attributes = vec![
        kv("encoding", s("base64")),
        kv("http.method", s("get")),
        kv("split_delimiter", s("|")),
        kv("dynamicprefix", s("operation")),
        kv("dynamicsuffix", s("tionA")),
        kv("http.path", s("/health")),
        kv("http.url", s("http://localhost/health")),
        kv("flags", s("A|B|C")),
        kv("total.string", s("123456789")),
        kv("A|B|C", s("something")),
        kv("foo", foo_map()),
        kv("slice", s("slice")),
        kv("val", s("val2")),
        kv("int_value", int(0)),
        kv("nil_string", s("nil")),
        kv("array", slice(vec![s("looong")])),
        kv("things", things()),
        kv("slices", slice(vec![s("slice1"), s("slice2"), map(vec![kv("name", s("foo"))])])),
        kv("primitiveValuesSlice", slice(vec![s("value1"), int(42), AnyValue { value: Some(V::BoolValue(true)) }])),
    ];
    if extended {
        attributes.push(kv("int_value_str", s("0")));
        attributes.push(kv("empty_value", AnyValue::default()));
        attributes.push(kv("server.ip", s("192.168.0.1")));
    }
    attributes
}

fn log_editors_attributes() -> Vec<KeyValue> {
    vec![
        kv("http.method", s("get")),
        kv("http.path", s("/health")),
        kv("http.url", s("http://localhost/health")),
        kv("flags", s("A|B|C")),
        kv("total.string", s("123456789")),
        kv("conflict", map(vec![kv("conflict1", map(vec![kv("conflict2", s("pass"))]))])),
        kv("conflict.conflict1", map(vec![kv("conflict2", s("nopass"))])),
        kv("foo", foo_map()),
        kv("things", things()),
    ]
}

fn log_valueexpr_attributes() -> Vec<KeyValue> {
    vec![
        kv("http.method", s("get")),
        kv("http.path", s("/health")),
        kv("http.url", s("http://localhost/health")),
        kv("flags", s("A|B|C")),
        kv("total.string", s("123456789")),
        kv("A|B|C", s("something")),
        kv("foo", map(vec![kv("bar", s("pass"))])),
        kv("slice", s("slice")),
        kv("val", s("val2")),
        kv("int_value", int(0)),
        kv("array", slice(vec![s("looong")])),
        kv("foo2", map(vec![kv("slice", slice(vec![s("val")]))])),
        kv("foo3", map(vec![kv("nested", map(vec![kv("test", s("pass"))]))])),
        kv("things", slice(vec![map(vec![kv("name", s("foo"))]), map(vec![kv("name", s("bar"))])])),
    ]
}

fn logs(attributes: Vec<KeyValue>, resource_attributes: Vec<KeyValue>) -> Telemetry {
    let record = LogRecord {
        time_unix_nano: TEST_LOG_TIME,
        observed_time_unix_nano: TEST_OBSERVED_TIME,
        severity_number: 1,
        body: Some(s("operationA")),
        attributes,
        dropped_attributes_count: 1,
        flags: 1,
        trace_id: TRACE_ID.to_vec(),
        span_id: SPAN_ID.to_vec(),
        ..Default::default()
    };
    Telemetry::Logs(LogsData {
        resource_logs: vec![ResourceLogs {
            resource: Some(Resource { attributes: resource_attributes, ..Default::default() }),
            scope_logs: vec![ScopeLogs { scope: Some(scope("scope", "")), log_records: vec![record], schema_url: String::new() }],
            schema_url: String::new(),
        }],
    })
}

fn scope(name: &str, version: &str) -> InstrumentationScope {
    InstrumentationScope { name: name.to_string(), version: version.to_string(), ..Default::default() }
}

fn basic_span(with_event: bool) -> Span {
    Span {
        name: "operationB".to_string(),
        span_id: SPAN_ID.to_vec(),
        trace_id: TRACE_ID.to_vec(),
        events: if with_event { vec![Event { name: "event-1".to_string(), ..Default::default() }] } else { Vec::new() },
        ..Default::default()
    }
}

fn spans(span: Span) -> Telemetry {
    spans_with(Resource::default(), scope("scope", ""), span)
}

fn spans_with(resource: Resource, scope: InstrumentationScope, span: Span) -> Telemetry {
    Telemetry::Traces(TracesData {
        resource_spans: vec![ResourceSpans {
            resource: Some(resource),
            scope_spans: vec![ScopeSpans { scope: Some(scope), spans: vec![span], schema_url: String::new() }],
            schema_url: String::new(),
        }],
    })
}

fn svc_resource() -> Resource {
    Resource { attributes: vec![kv("service.name", s("svc"))], ..Default::default() }
}

fn spans_synth() -> Telemetry {
    let span = Span {
        name: "GET /users/123".to_string(),
        kind: 2,
        status: Some(Status { code: 2, message: "boom".to_string() }),
        trace_id: TRACE_ID.to_vec(),
        span_id: SPAN_ID.to_vec(),
        parent_span_id: vec![0; 8],
        trace_state: "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE".to_string(),
        start_time_unix_nano: 1_700_000_000_000_000_000,
        end_time_unix_nano: 1_700_000_001_500_000_000,
        attributes: vec![kv("http.method", s("GET")), kv("http.status_code", int(500))],
        events: vec![Event { name: "exception".to_string(), ..Default::default() }],
        ..Default::default()
    };
    spans_with(svc_resource(), scope("lib", "1.0"), span)
}

fn metric_synth() -> Telemetry {
    let point = NumberDataPoint {
        start_time_unix_nano: 1_710_000_000_000_000_000,
        time_unix_nano: 1_710_000_005_000_000_000,
        value: Some(number_data_point::Value::AsInt(4200)),
        attributes: vec![kv("endpoint", s("/api")), kv("method", s("GET"))],
        ..Default::default()
    };
    let metric = Metric {
        name: "http.server.duration".to_string(),
        description: "desc".to_string(),
        unit: "ms".to_string(),
        metadata: vec![kv("owner", s("team-a"))],
        data: Some(Data::Sum(Sum { data_points: vec![point], aggregation_temporality: 2, is_monotonic: true })),
    };
    Telemetry::Metrics(MetricsData {
        resource_metrics: vec![ResourceMetrics {
            resource: Some(svc_resource()),
            scope_metrics: vec![ScopeMetrics { scope: Some(scope("lib", "")), metrics: vec![metric], schema_url: String::new() }],
            schema_url: String::new(),
        }],
    })
}
