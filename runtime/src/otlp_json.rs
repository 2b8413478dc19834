//! OTLP/JSON of traces, metrics and logs, read and written in one pass over the text: the
//! reader builds the OTLP structs straight from the parser's tokens, the writer writes
//! the structs' fields without building a `serde_json::Value` tree first. Profiles (in
//! development, with a dictionary the crate's serde support reads in another form) take
//! the slower road of [`crate::otlp_profiles`].
//!
//! Reading follows the OTLP/JSON mapping and pdata's leniencies: any field may be left
//! out (empty lists, a key-value's `key`), ids are hex, 64-bit integers strings or
//! numbers, enums numbers or names, unknown fields are skipped. Nesting deeper than
//! `serde_json`'s limit (128 arrays and objects) is refused before it can exhaust the
//! stack. Writing leaves out what pdata leaves out (defaults, empty messages, all-zero
//! ids) and keeps the members of a oneof even when zero.

mod codec;
mod messages;
mod write;

use std::io;

use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::Value as Json;

use codec::{Codec, List, Read};
use messages::Msg;

use crate::otlp::logs::v1::LogsData;
use crate::otlp::metrics::v1::MetricsData;
use crate::otlp::trace::v1::TracesData;
use crate::otlp::{Signal, Telemetry};

/// The signals' top-level keys, in the order in which a document with several is read as
/// the first's.
const KEYS: [(Signal, &str); 4] = [
    (Signal::Traces, "resourceSpans"),
    (Signal::Metrics, "resourceMetrics"),
    (Signal::Logs, "resourceLogs"),
    (Signal::Profiles, "resourceProfiles"),
];

/// The top-level key of `signal`'s payloads.
pub fn key(signal: Signal) -> &'static str {
    KEYS.iter().find(|(s, _)| *s == signal).map_or("", |(_, key)| key)
}

/// An OTLP/JSON document: the payload of each signal it has.
#[derive(Debug, Default)]
pub struct Document {
    payloads: Vec<Telemetry>,
    /// `resourceProfiles` and `dictionary`, as JSON.
    profiles: serde_json::Map<String, Json>,
    /// Its top-level keys that start with `resource`, known or not (`resourceSpanz`), in
    /// order: what an OTLP/HTTP receiver checks a request against its endpoint with.
    pub resource_keys: Vec<String>,
}

impl Document {
    /// Reads a document.
    pub fn read(text: &str) -> Result<Document, String> {
        let mut deserializer = serde_json::Deserializer::from_str(text);
        let document = deserializer.deserialize_map(DocumentVisitor).and_then(|document| {
            deserializer.end()?;
            Ok(document)
        });
        document.map_err(describe)
    }

    /// The payload of `signal`, if the document has its key.
    pub fn take(&mut self, signal: Signal) -> Result<Option<Telemetry>, String> {
        if signal == Signal::Profiles {
            if !self.profiles.contains_key(key(Signal::Profiles)) {
                return Ok(None);
            }
            let mut json = Json::Object(std::mem::take(&mut self.profiles));
            crate::otlp::fill_required_defaults(&mut json);
            crate::otlp_profiles::to_crate_form(&mut json).map_err(|e| format!("invalid OTLP resourceProfiles: {e}"))?;
            let data = serde_json::from_value(json).map_err(|e| format!("invalid OTLP resourceProfiles: {e}"))?;
            return Ok(Some(Telemetry::Profiles(data)));
        }
        Ok(self.payloads.iter().position(|t| t.signal() == signal).map(|i| self.payloads.swap_remove(i)))
    }

    /// The payload of the first signal the document has (in the order of [`KEYS`]).
    pub fn first(mut self) -> Result<Telemetry, String> {
        for (signal, _) in KEYS {
            if let Some(telemetry) = self.take(signal)? {
                return Ok(telemetry);
            }
        }
        Err("OTLP JSON needs one of resourceSpans, resourceMetrics, resourceLogs or resourceProfiles".to_string())
    }
}

/// The error of a document that cannot be read, said as what is wrong with it.
fn describe(error: serde_json::Error) -> String {
    const TOO_DEEP: &str = "recursion limit exceeded";
    if error.to_string().starts_with(TOO_DEEP) {
        return format!("OTLP JSON nested deeper than 128 levels (line {} column {})", error.line(), error.column());
    }
    match error.classify() {
        serde_json::error::Category::Data => format!("invalid OTLP JSON: {error}"),
        _ => format!("not valid JSON: {error}"),
    }
}

struct DocumentVisitor;

impl<'de> Visitor<'de> for DocumentVisitor {
    type Value = Document;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an OTLP JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Document, A::Error> {
        let mut document = Document::default();
        while let Some(key) = map.next_key::<String>()? {
            if key.starts_with("resource") {
                document.resource_keys.push(key.clone());
            }
            let payload = match key.as_str() {
                "resourceSpans" => {
                    Telemetry::Traces(TracesData { resource_spans: map.next_value_seed(Read::<List<Msg>, _>::new())? })
                }
                "resourceMetrics" => {
                    Telemetry::Metrics(MetricsData { resource_metrics: map.next_value_seed(Read::<List<Msg>, _>::new())? })
                }
                "resourceLogs" => Telemetry::Logs(LogsData { resource_logs: map.next_value_seed(Read::<List<Msg>, _>::new())? }),
                "resourceProfiles" | "dictionary" => {
                    let value = map.next_value()?;
                    document.profiles.insert(key, value);
                    continue;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            document.payloads.retain(|p| p.signal() != payload.signal());
            document.payloads.push(payload);
        }
        Ok(document)
    }
}

/// How much written JSON is collected before it goes to the writer.
const CHUNK: usize = 1 << 16;

/// Writes `telemetry` as compact OTLP/JSON (no newline).
pub fn write(telemetry: &Telemetry, writer: &mut impl io::Write) -> io::Result<()> {
    let mut out = Vec::with_capacity(CHUNK * 2);
    match telemetry {
        Telemetry::Traces(data) => write_resources(key(Signal::Traces), &data.resource_spans, &mut out, writer),
        Telemetry::Metrics(data) => write_resources(key(Signal::Metrics), &data.resource_metrics, &mut out, writer),
        Telemetry::Logs(data) => write_resources(key(Signal::Logs), &data.resource_logs, &mut out, writer),
        Telemetry::Profiles(_) => serde_json::to_writer(writer, &telemetry.to_json()).map_err(io::Error::from),
    }
}

/// `{"KEY":[...]}`, resource by resource.
fn write_resources<R: messages::Message>(
    key: &str,
    resources: &[R],
    out: &mut Vec<u8>,
    writer: &mut impl io::Write,
) -> io::Result<()> {
    out.extend_from_slice(b"{");
    write::string(out, key);
    out.extend_from_slice(b":[");
    for (i, resource) in resources.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        <Msg as Codec<R>>::write_value(resource, out);
        if out.len() >= CHUNK {
            writer.write_all(out)?;
            out.clear();
        }
    }
    out.extend_from_slice(b"]}");
    writer.write_all(out)
}

/// Reads one message of `M` (for the unit tests of one message).
#[cfg(test)]
fn read_message<M: messages::Message>(text: &str) -> Result<M, serde_json::Error> {
    use serde::de::DeserializeSeed as _;
    let mut deserializer = serde_json::Deserializer::from_str(text);
    Read::<Msg, M>::new().deserialize(&mut deserializer)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(text: &str) -> String {
        let telemetry = Document::read(text).and_then(Document::first).unwrap();
        let mut out = Vec::new();
        write(&telemetry, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let text = "q\"b\\n\nr\rt\tb\u{8}f\u{c}u\u{1}\u{1f}\u{7f}é😀";
        let mut out = Vec::new();
        write::string(&mut out, text);
        assert_eq!(String::from_utf8(out).unwrap(), serde_json::to_string(text).unwrap());
    }

    #[test]
    fn enums_are_read_by_name_or_number() {
        let span: crate::otlp::trace::v1::Span =
            read_message(r#"{"kind":"SPAN_KIND_CLIENT","status":{"code":"STATUS_CODE_ERROR"}}"#).unwrap();
        assert_eq!((span.kind, span.status.map(|s| s.code)), (3, Some(2)));
        assert!(read_message::<crate::otlp::trace::v1::Span>(r#"{"kind":"CLIENT"}"#).is_err());
        assert_eq!(
            round_trip(r#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"severityNumber":"SEVERITY_NUMBER_WARN"}]}]}]}"#),
            r#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"severityNumber":13}]}]}]}"#
        );
    }

    #[test]
    fn what_pdata_leaves_out_is_left_out_and_oneof_members_are_kept() {
        let text = r#"{"resourceSpans":[{"resource":{},"scopeSpans":[{"spans":[{"traceId":"00000000000000000000000000000000",
            "name":"0","status":{"code":0},"startTimeUnixNano":"0","attributes":[{"key":"","value":{"stringValue":""}},
            {"key":"i","value":{"intValue":"0"}},{"key":"a","value":{"arrayValue":{}}},{"key":"n"}]}]}]}]}"#;
        assert_eq!(
            round_trip(text),
            r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"key":"","value":{"stringValue":""}},{"key":"i","value":{"intValue":"0"}},{"key":"a","value":{"arrayValue":{}}},{"key":"n"}],"name":"0"}]}]}]}"#
        );
    }

    #[test]
    fn a_histogram_sum_of_zero_is_kept() {
        let text = r#"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"histogram":{"dataPoints":[{"sum":0,"count":"2"}]}},{"gauge":{}}]}]}]}"#;
        assert_eq!(
            round_trip(text),
            r#"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"histogram":{"dataPoints":[{"count":"2","sum":0.0}]}},{}]}]}]}"#
        );
    }

    /// Found by fuzzing (`fuzz-targets/regressions/otlp_protobuf/`): serde_json's default
    /// float parsing can miss the nearest double by one bit, so a value the agent wrote came
    /// back changed; its `float_roundtrip` feature reads every double exactly.
    #[test]
    fn doubles_are_read_exactly() {
        let bound = 0.09999999991359801_f64;
        let text = format!(
            r#"{{"resourceMetrics":[{{"scopeMetrics":[{{"metrics":[{{"histogram":{{"dataPoints":[{{"explicitBounds":[{bound}]}}]}}}}]}}]}}]}}"#
        );
        let Ok(crate::otlp::Telemetry::Metrics(data)) = Document::read(&text).and_then(Document::first) else { panic!("{text}") };
        let metric = &data.resource_metrics[0].scope_metrics[0].metrics[0];
        let Some(crate::otlp::metrics::v1::metric::Data::Histogram(histogram)) = &metric.data else { panic!("{metric:?}") };
        assert_eq!(histogram.data_points[0].explicit_bounds[0].to_bits(), bound.to_bits());
    }

    /// Found by fuzzing (`fuzz-targets/regressions/otlp_protobuf/`): a histogram's `max` of
    /// NaN was written as the mapping's `"NaN"` and refused when read back.
    #[test]
    fn every_double_reads_what_the_writer_writes() {
        let text = r#"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"histogram":{"dataPoints":[{"explicitBounds":["1.5","-Infinity"],"max":"NaN","min":"-Infinity","sum":"Infinity"}]}}]}]}]}"#;
        let Ok(crate::otlp::Telemetry::Metrics(data)) = Document::read(text).and_then(Document::first) else { panic!() };
        let Some(crate::otlp::metrics::v1::metric::Data::Histogram(histogram)) =
            &data.resource_metrics[0].scope_metrics[0].metrics[0].data
        else {
            panic!()
        };
        let point = &histogram.data_points[0];
        assert_eq!(point.explicit_bounds, [1.5, f64::NEG_INFINITY]);
        assert!(point.max.is_some_and(f64::is_nan));
        assert_eq!((point.min, point.sum), (Some(f64::NEG_INFINITY), Some(f64::INFINITY)));
        let written = round_trip(text);
        assert!(written.contains(r#""max":"NaN""#) && written.contains(r#""sum":"Infinity""#), "{written}");
        assert_eq!(round_trip(&written), written);
    }

    #[test]
    fn a_request_tells_what_it_holds() {
        let mut document = Document::read(r#"{"resourceSpanz":[],"resourceLogs":[]}"#).unwrap();
        assert_eq!(document.resource_keys, ["resourceSpanz", "resourceLogs"]);
        assert!(document.take(Signal::Traces).unwrap().is_none());
        assert_eq!(document.take(Signal::Logs).unwrap().map(|t| t.signal()), Some(Signal::Logs));
        assert!(Document::read(r#"{"resourceLogs":[]} x"#).unwrap_err().starts_with("not valid JSON"));
        assert!(Document::read(r#"{"resourceLogs":{}}"#).unwrap_err().starts_with("invalid OTLP JSON"));
        let nested = (0..200).fold(r#"{"intValue":"1"}"#.to_string(), |v, _| format!(r#"{{"arrayValue":{{"values":[{v}]}}}}"#));
        let deep = format!(r#"{{"resourceLogs":[{{"scopeLogs":[{{"logRecords":[{{"body":{nested}}}]}}]}}]}}"#);
        assert!(Document::read(&deep).unwrap_err().contains("nested deeper than 128"));
    }
}
