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

/// An encoded status with a `RetryInfo` of `seconds` and a half.
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
}
