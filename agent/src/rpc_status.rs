//! `google.rpc.Status` and the one detail OTLP reads from it, `google.rpc.RetryInfo`: what
//! OTLP/HTTP error bodies carry, and what a gRPC status's details hold.
//!
//! Declared here with prost instead of pulling a crate of Google's well-known types for
//! three small messages.

use std::time::Duration;

use prost::Message;

/// `google.rpc.Status`.
#[derive(Clone, PartialEq, Message)]
pub struct RpcStatus {
    #[prost(int32, tag = "1")]
    pub code: i32,
    #[prost(string, tag = "2")]
    pub message: String,
    #[prost(message, repeated, tag = "3")]
    pub details: Vec<Any>,
}

/// `google.protobuf.Any`.
#[derive(Clone, PartialEq, Message)]
pub struct Any {
    #[prost(string, tag = "1")]
    pub type_url: String,
    #[prost(bytes = "vec", tag = "2")]
    pub value: Vec<u8>,
}

/// `google.rpc.RetryInfo`: how long the server asks the client to wait.
#[derive(Clone, PartialEq, Message)]
pub struct RetryInfo {
    #[prost(message, optional, tag = "1")]
    pub retry_delay: Option<ProtoDuration>,
}

/// `google.protobuf.Duration`.
#[derive(Clone, PartialEq, Message)]
pub struct ProtoDuration {
    #[prost(int64, tag = "1")]
    pub seconds: i64,
    #[prost(int32, tag = "2")]
    pub nanos: i32,
}

pub const RETRY_INFO_TYPE_URL: &str = "type.googleapis.com/google.rpc.RetryInfo";

impl RpcStatus {
    /// A status asking the client to wait `delay` before it retries.
    pub fn with_retry_delay(code: i32, message: String, delay: Duration) -> RpcStatus {
        let seconds = i64::try_from(delay.as_secs()).unwrap_or(i64::MAX);
        let nanos = i32::try_from(delay.subsec_nanos()).unwrap_or(0);
        let info = RetryInfo { retry_delay: Some(ProtoDuration { seconds, nanos }) };
        let detail = Any { type_url: RETRY_INFO_TYPE_URL.to_string(), value: info.encode_to_vec() };
        RpcStatus { code, message, details: vec![detail] }
    }

    /// The status in OTLP/JSON, as protojson writes it: a `RetryInfo` detail becomes
    /// `{"@type": ..., "retryDelay": "1.5s"}`; other details are left out.
    pub fn to_json(&self) -> serde_json::Value {
        let mut json = serde_json::json!({ "code": self.code, "message": self.message });
        let details: Vec<serde_json::Value> = self
            .details
            .iter()
            .filter(|detail| detail.type_url == RETRY_INFO_TYPE_URL)
            .filter_map(|detail| RetryInfo::decode(detail.value.as_slice()).ok())
            .map(|info| {
                let delay = info.retry_delay.unwrap_or_default();
                let seconds = delay.seconds as f64 + f64::from(delay.nanos) / 1e9;
                serde_json::json!({ "@type": RETRY_INFO_TYPE_URL, "retryDelay": format!("{seconds}s") })
            })
            .collect();
        if !details.is_empty() {
            json["details"] = serde_json::Value::Array(details);
        }
        json
    }

    /// The `RetryInfo` among the details of an encoded status, if there is one: its delay,
    /// zero when it names none (its presence alone makes `RESOURCE_EXHAUSTED` retryable).
    pub fn retry_info(encoded: &[u8]) -> Option<Duration> {
        let status = RpcStatus::decode(encoded).ok()?;
        let detail = status.details.iter().find(|detail| detail.type_url == RETRY_INFO_TYPE_URL)?;
        let info = RetryInfo::decode(detail.value.as_slice()).ok()?;
        let delay = info.retry_delay.unwrap_or_default();
        let seconds = u64::try_from(delay.seconds).unwrap_or(0);
        let nanos = u32::try_from(delay.nanos).unwrap_or(0);
        Some(Duration::new(seconds, 0).saturating_add(Duration::from_nanos(u64::from(nanos))))
    }
}

/// An encoded status with a `RetryInfo` of `seconds` and a half (negative: as a
/// misbehaving server might send).
#[cfg(test)]
pub fn with_retry_info(code: i32, seconds: i64) -> Vec<u8> {
    let info = RetryInfo { retry_delay: Some(ProtoDuration { seconds, nanos: 500_000_000 }) };
    let detail = Any { type_url: RETRY_INFO_TYPE_URL.to_string(), value: info.encode_to_vec() };
    RpcStatus { code, message: "slow down".into(), details: vec![detail] }.encode_to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_info_is_read_from_the_details() {
        assert_eq!(RpcStatus::retry_info(&with_retry_info(8, 2)), Some(Duration::from_millis(2500)));
        let without = RpcStatus { code: 8, message: "full".into(), details: Vec::new() }.encode_to_vec();
        assert_eq!(RpcStatus::retry_info(&without), None);
        assert_eq!(RpcStatus::retry_info(b"\xff\xff"), None, "details that do not decode are none");
        assert_eq!(RpcStatus::retry_info(&with_retry_info(8, -5)), Some(Duration::from_millis(500)), "a negative delay is none");
    }

    #[test]
    fn a_retry_delay_round_trips_and_reads_as_protojson() {
        let status = RpcStatus::with_retry_delay(14, "full".into(), Duration::from_millis(1500));
        assert_eq!(RpcStatus::retry_info(&status.encode_to_vec()), Some(Duration::from_millis(1500)));
        let json = status.to_json();
        assert_eq!(json["code"], 14);
        assert_eq!(json["details"][0]["@type"], RETRY_INFO_TYPE_URL);
        assert_eq!(json["details"][0]["retryDelay"], "1.5s");
        let plain = RpcStatus { code: 3, message: "bad".into(), details: Vec::new() }.to_json();
        assert_eq!(plain, serde_json::json!({ "code": 3, "message": "bad" }));
    }
}
