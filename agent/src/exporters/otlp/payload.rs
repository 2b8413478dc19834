//! A batch as an OTLP export request, encoded once and sent as often as retries need, and
//! the partial success an export response reports.
//!
//! Each signal's `Export…ServiceRequest` has the same fields under the same tags as its
//! `…Data` message (the resources, and for profiles the dictionary), so a batch encodes to
//! the request without being moved into one. The four responses share a shape too: a
//! `partial_success` of a rejected count and a message.

use bytes::Bytes;
use ottl_runtime::otlp::Telemetry;
use prost::Message;

use super::retry::PartialSuccess;
use ottl_runtime::otlp::Signal;

/// An encoded export request.
#[derive(Clone, Debug)]
pub struct Payload {
    pub signal: Signal,
    /// Items in it, as the exporter's counters count them.
    pub items: u64,
    /// The protobuf request (for OTLP/HTTP, compressed as configured).
    pub body: Bytes,
}

impl Payload {
    pub fn encode(telemetry: &Telemetry) -> Payload {
        let body = match telemetry {
            Telemetry::Traces(data) => data.encode_to_vec(),
            Telemetry::Metrics(data) => data.encode_to_vec(),
            Telemetry::Logs(data) => data.encode_to_vec(),
            Telemetry::Profiles(data) => data.encode_to_vec(),
        };
        Payload { signal: telemetry.signal(), items: telemetry.item_count() as u64, body: Bytes::from(body) }
    }
}

/// Any signal's `Export…ServiceResponse`.
#[derive(Clone, PartialEq, Message)]
pub struct ExportResponse {
    #[prost(message, optional, tag = "1")]
    pub partial_success: Option<ExportPartialSuccess>,
}

/// Any signal's `Export…PartialSuccess`: `rejected_spans`, `rejected_log_records`, ...
#[derive(Clone, PartialEq, Message)]
pub struct ExportPartialSuccess {
    #[prost(int64, tag = "1")]
    pub rejected: i64,
    #[prost(string, tag = "2")]
    pub error_message: String,
}

impl ExportResponse {
    pub fn partial_success(self) -> PartialSuccess {
        let partial = self.partial_success.unwrap_or_default();
        PartialSuccess { rejected: u64::try_from(partial.rejected).unwrap_or(0), message: partial.error_message }
    }
}

/// The partial success of an OTLP/JSON response: `{"partialSuccess": {"rejectedSpans": "2",
/// "errorMessage": "..."}}` (64-bit counts are strings in OTLP/JSON, numbers also accepted).
pub fn partial_success_from_json(body: &[u8]) -> PartialSuccess {
    let json: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    let Some(partial) = json.get("partialSuccess").and_then(|p| p.as_object()) else { return PartialSuccess::default() };
    let rejected = partial
        .iter()
        .filter(|(key, _)| key.starts_with("rejected"))
        .find_map(|(_, value)| value.as_u64().or_else(|| value.as_str().and_then(|text| text.parse().ok())))
        .unwrap_or(0);
    let message = partial.get("errorMessage").and_then(|m| m.as_str()).unwrap_or_default().to_string();
    PartialSuccess { rejected, message }
}

#[cfg(test)]
mod tests {
    use opentelemetry_proto::tonic::collector::logs::v1::{
        ExportLogsPartialSuccess, ExportLogsServiceRequest, ExportLogsServiceResponse,
    };

    use super::*;

    #[test]
    fn a_batch_encodes_to_its_export_request() {
        let json =
            r#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"a"}},{"body":{"stringValue":"b"}}]}]}]}"#;
        let telemetry = Telemetry::from_json(json).unwrap();
        let payload = Payload::encode(&telemetry);
        assert_eq!((payload.signal, payload.items), (Signal::Logs, 2));
        let request = ExportLogsServiceRequest::decode(payload.body).unwrap();
        let Telemetry::Logs(data) = telemetry else { panic!() };
        assert_eq!(request.resource_logs, data.resource_logs);
    }

    #[test]
    fn partial_success_is_read_from_any_response() {
        let response = ExportLogsServiceResponse {
            partial_success: Some(ExportLogsPartialSuccess { rejected_log_records: 3, error_message: "too old".into() }),
        };
        let read = ExportResponse::decode(response.encode_to_vec().as_slice()).unwrap().partial_success();
        assert_eq!(read, PartialSuccess { rejected: 3, message: "too old".into() });
        assert_eq!(ExportResponse::decode(&b""[..]).unwrap().partial_success(), PartialSuccess::default());
        let json = br#"{"partialSuccess":{"rejectedLogRecords":"4","errorMessage":"bad"}}"#;
        assert_eq!(partial_success_from_json(json), PartialSuccess { rejected: 4, message: "bad".into() });
        assert_eq!(partial_success_from_json(b"{}"), PartialSuccess::default());
        assert_eq!(partial_success_from_json(b"not json"), PartialSuccess::default());
    }
}
