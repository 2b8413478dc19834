//! The OTLP/gRPC sender (`otlp`, `otlp_grpc`): one HTTP/2 channel per exporter, shared by
//! its senders, calling the collector services of opentelemetry-proto's `gen-tonic` clients
//! (same paths, same messages).
//!
//! The request goes out already encoded ([`PreEncoded`]): a retry sends the same bytes
//! again instead of copying the batch for each attempt, as the generated clients, which
//! take the request by value, would need. tonic compresses each message as configured.
//!
//! Failures are sorted as the OTLP specification and the collector's exporter sort them:
//! `CANCELLED`, `DEADLINE_EXCEEDED`, `ABORTED`, `OUT_OF_RANGE`, `UNAVAILABLE` and
//! `DATA_LOSS` are retried, `RESOURCE_EXHAUSTED` only when the server sent `RetryInfo`
//! (whose delay is then waited for); every other code is permanent.

use std::marker::PhantomData;

use bytes::{BufMut, Bytes};
use hyper_util::client::legacy::connect::HttpConnector;
use tonic::codec::{Codec, CompressionEncoding, DecodeBuf, Decoder, EncodeBuf, Encoder};
use tonic::codegen::http::uri::PathAndQuery;
use tonic::metadata::{MetadataKey, MetadataMap, MetadataValue};
use tonic::transport::{Channel, Endpoint};
use tonic::{Code, Status};

use super::payload::{ExportResponse, Payload};
use super::retry::Attempt;
use crate::config::{ClientTls, Compression, OtlpExporterConfig};
use crate::error_chain::error_chain;
use crate::rpc_status::RpcStatus;
use crate::tls::{self, Alpn};
use ottl_runtime::otlp::Signal;

pub struct GrpcSender {
    channel: Channel,
    metadata: MetadataMap,
    compression: Option<CompressionEncoding>,
}

impl GrpcSender {
    /// A sender to `endpoint` (`host:port`, or an `http://` or `https://` URL), over TLS
    /// as [`uses_tls`] decides. The channel connects on first use and again after a
    /// failure, so a backend that is down at start is no error.
    pub fn new(config: &OtlpExporterConfig) -> Result<GrpcSender, String> {
        let tls = uses_tls(&config.endpoint, &config.tls);
        let uri = channel_uri(&config.endpoint, tls);
        let endpoint = Endpoint::from_shared(uri)
            .map_err(|error| format!("`endpoint: {}` is not a gRPC address: {error}", config.endpoint))?
            .timeout(config.timeout)
            .connect_timeout(config.timeout)
            .tcp_nodelay(true);
        let channel = if tls {
            let mut tcp = HttpConnector::new();
            tcp.set_nodelay(true);
            endpoint.connect_with_connector_lazy(tls::connector(&config.tls, Alpn::Http2, tcp)?)
        } else {
            endpoint.connect_lazy()
        };
        Ok(GrpcSender {
            channel,
            metadata: metadata(&config.headers)?,
            compression: match config.compression {
                Compression::None => None,
                Compression::Gzip => Some(CompressionEncoding::Gzip),
                Compression::Zstd => Some(CompressionEncoding::Zstd),
            },
        })
    }

    /// One attempt to export `payload`.
    pub async fn send(&self, payload: &Payload) -> Attempt {
        let mut client = tonic::client::Grpc::new(self.channel.clone());
        if let Some(encoding) = self.compression {
            client = client.send_compressed(encoding);
        }
        client = client.accept_compressed(CompressionEncoding::Gzip).accept_compressed(CompressionEncoding::Zstd);
        if let Err(error) = client.ready().await {
            return Attempt::Retryable { error: format!("the channel is not ready: {error}"), throttle: None };
        }
        let mut request = tonic::Request::new(payload.body.clone());
        *request.metadata_mut() = self.metadata.clone();
        match client.unary(request, PathAndQuery::from_static(service_path(payload.signal)), PreEncoded::default()).await {
            Ok(response) => Attempt::Delivered(response.into_inner().partial_success()),
            Err(status) => classify(&status),
        }
    }
}

/// The export method of each signal's service.
fn service_path(signal: Signal) -> &'static str {
    match signal {
        Signal::Traces => "/opentelemetry.proto.collector.trace.v1.TraceService/Export",
        Signal::Metrics => "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export",
        Signal::Logs => "/opentelemetry.proto.collector.logs.v1.LogsService/Export",
        Signal::Profiles => "/opentelemetry.proto.collector.profiles.v1development.ProfilesService/Export",
    }
}

/// Whether the exporter speaks TLS, as the collector's gRPC client (configgrpc) decides:
/// always, unless `insecure: true` without a CA; and always to an `https://` endpoint. An
/// `http://` scheme does not turn TLS off: the collector strips it and dials the address
/// with the `tls` settings.
fn uses_tls(endpoint: &str, settings: &ClientTls) -> bool {
    settings.configures_tls() || endpoint.starts_with("https://")
}

/// The collector's gRPC `endpoint` (`host:port`, or a URL) as the channel's URI, whose
/// scheme tells the connector whether to speak TLS.
fn channel_uri(endpoint: &str, tls: bool) -> String {
    let address = endpoint.strip_prefix("https://").or_else(|| endpoint.strip_prefix("http://")).unwrap_or(endpoint);
    let scheme = if tls { "https" } else { "http" };
    format!("{scheme}://{address}")
}

/// `headers` as gRPC metadata (names in lowercase, as HTTP/2 requires).
fn metadata(headers: &[(String, String)]) -> Result<MetadataMap, String> {
    let mut metadata = MetadataMap::new();
    for (name, value) in headers {
        let key = MetadataKey::from_bytes(name.to_ascii_lowercase().as_bytes())
            .map_err(|_| format!("header `{name}` is not a valid gRPC metadata name"))?;
        let value = MetadataValue::try_from(value.as_str()).map_err(|_| format!("the value of header `{name}` is not valid"))?;
        metadata.insert(key, value);
    }
    Ok(metadata)
}

/// Retryable or permanent, and the server's requested delay, as the specification says.
///
/// A status tonic made itself, from a connection that broke (a TLS alert after the
/// handshake, a reset, the server's HTTP/2 GOAWAY while the request was in flight), carries
/// its cause as its source, which a server's answer never has: its cause goes into the
/// message, and it is retried as gRPC's `UNAVAILABLE` is (grpc-go's code for a transport
/// that closed), although tonic names it `UNKNOWN`, or `INTERNAL` after an HTTP/2 error. The
/// soak found the GOAWAY case: a sink shutting down lost the batch in flight.
fn classify(status: &Status) -> Attempt {
    let retry_info = RpcStatus::retry_info(status.details());
    let cause = std::error::Error::source(status).map(error_chain);
    let error = match &cause {
        // The message is the cause's first part ("transport error").
        Some(cause) => format!("gRPC {:?}: {cause}", status.code()),
        None => format!("gRPC {:?}: {}", status.code(), status.message()),
    };
    let retryable = match status.code() {
        Code::Cancelled | Code::DeadlineExceeded | Code::Aborted | Code::OutOfRange | Code::Unavailable | Code::DataLoss => true,
        Code::ResourceExhausted => retry_info.is_some(),
        Code::Unknown | Code::Internal => cause.is_some(),
        _ => false,
    };
    if retryable {
        Attempt::Retryable { error, throttle: retry_info.filter(|delay| !delay.is_zero()) }
    } else {
        Attempt::Permanent { error }
    }
}

/// A codec that sends bytes already encoded and decodes any signal's export response.
#[derive(Default)]
struct PreEncoded(PhantomData<ExportResponse>);

impl Codec for PreEncoded {
    type Encode = Bytes;
    type Decode = ExportResponse;
    type Encoder = BytesEncoder;
    type Decoder = ResponseDecoder;

    fn encoder(&mut self) -> BytesEncoder {
        BytesEncoder
    }

    fn decoder(&mut self) -> ResponseDecoder {
        ResponseDecoder
    }
}

struct BytesEncoder;

impl Encoder for BytesEncoder {
    type Item = Bytes;
    type Error = Status;

    fn encode(&mut self, item: Bytes, dst: &mut EncodeBuf<'_>) -> Result<(), Status> {
        dst.put_slice(&item);
        Ok(())
    }
}

struct ResponseDecoder;

impl Decoder for ResponseDecoder {
    type Item = ExportResponse;
    type Error = Status;

    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<ExportResponse>, Status> {
        prost::Message::decode(src).map(Some).map_err(|error| Status::internal(format!("cannot decode the response: {error}")))
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::rpc_status::with_retry_info;

    /// The delay of [`with_retry_info`] of 2 seconds.
    const TEST_DELAY: Duration = Duration::from_millis(2500);

    #[test]
    fn retryable_codes_are_the_specifications() {
        for code in [Code::Cancelled, Code::DeadlineExceeded, Code::Aborted, Code::OutOfRange, Code::Unavailable, Code::DataLoss]
        {
            assert!(matches!(classify(&Status::new(code, "x")), Attempt::Retryable { throttle: None, .. }), "{code:?}");
        }
        for code in [
            Code::InvalidArgument,
            Code::Unauthenticated,
            Code::PermissionDenied,
            Code::Unimplemented,
            Code::Internal,
            Code::Unknown,
            Code::NotFound,
        ] {
            assert!(matches!(classify(&Status::new(code, "x")), Attempt::Permanent { .. }), "{code:?}");
        }
    }

    #[test]
    fn resource_exhausted_is_retried_only_with_retry_info_and_waits_its_delay() {
        assert!(matches!(classify(&Status::resource_exhausted("full")), Attempt::Permanent { .. }));
        let throttled = Status::with_details(Code::ResourceExhausted, "slow down", with_retry_info(8, 2).into());
        assert_eq!(
            classify(&throttled),
            Attempt::Retryable { error: "gRPC ResourceExhausted: slow down".into(), throttle: Some(TEST_DELAY) }
        );
        let unavailable = Status::with_details(Code::Unavailable, "later", with_retry_info(14, 2).into());
        assert!(matches!(classify(&unavailable), Attempt::Retryable { throttle: Some(TEST_DELAY), .. }));
    }

    #[test]
    fn a_connection_that_broke_is_retried_with_its_cause_said() {
        let broken = Status::from_error(Box::new(std::io::Error::other("received fatal alert: CertificateRequired")));
        assert_eq!(
            classify(&broken),
            Attempt::Retryable { error: "gRPC Unknown: received fatal alert: CertificateRequired".into(), throttle: None }
        );
        assert!(matches!(classify(&Status::unknown("the server says so")), Attempt::Permanent { .. }));
        // As tonic reports an HTTP/2 GOAWAY received while the request was in flight.
        let mut going_away = Status::internal("h2 protocol error: http2 error");
        going_away.set_source(std::sync::Arc::new(std::io::Error::other("connection error received: not a result of an error")));
        assert!(matches!(classify(&going_away), Attempt::Retryable { .. }), "{:?}", classify(&going_away));
        assert!(matches!(classify(&Status::internal("the server says so")), Attempt::Permanent { .. }));
    }

    #[test]
    fn endpoints_and_headers_are_read_as_the_collector_reads_them() {
        assert_eq!(channel_uri("localhost:4317", false), "http://localhost:4317");
        assert_eq!(channel_uri("http://10.0.0.1:4317", false), "http://10.0.0.1:4317");
        assert_eq!(channel_uri("localhost:4317", true), "https://localhost:4317");
        assert_eq!(channel_uri("http://10.0.0.1:4317", true), "https://10.0.0.1:4317");
        assert_eq!(channel_uri("https://backend:4317", true), "https://backend:4317");
        let map = metadata(&[("X-Tenant".into(), "acme".into())]).unwrap();
        assert_eq!(map.get("x-tenant").unwrap(), "acme");
        assert!(metadata(&[("bad name".into(), "x".into())]).is_err());
        assert!(metadata(&[("x".into(), "line\nbreak".into())]).is_err());
    }

    #[test]
    fn tls_is_the_default_as_in_the_collectors_grpc_client() {
        let insecure = ClientTls { insecure: true, ..ClientTls::default() };
        let ca = Some(crate::config::Pem { key: "ca_pem".into(), path: None, text: Vec::new() });
        let insecure_with_ca = ClientTls { insecure: true, ca, ..ClientTls::default() };
        let cases = [
            ("backend:4317", ClientTls::default(), true),
            ("http://backend:4317", ClientTls::default(), true),
            ("https://backend:4317", ClientTls::default(), true),
            ("backend:4317", insecure.clone(), false),
            ("http://backend:4317", insecure.clone(), false),
            ("https://backend:4317", insecure, true),
            ("backend:4317", insecure_with_ca, true),
        ];
        for (endpoint, settings, expected) in cases {
            assert_eq!(uses_tls(endpoint, &settings), expected, "{endpoint} {settings:?}");
        }
    }
}
