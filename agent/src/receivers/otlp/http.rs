//! OTLP/HTTP: `POST /v1/traces`, `/v1/metrics`, `/v1/logs`, `/v1development/profiles`, in
//! binary protobuf or JSON, plain or gzip-, zstd- or deflate-compressed, answered as the
//! OTLP specification says.
//!
//! - A body that does not decode: 400 with a `google.rpc.Status`.
//! - A content type other than protobuf or JSON: 415. A body (compressed or, once
//!   decompressed, not) larger than `max_request_body_size`: 413, so a compression bomb
//!   is cut off at the limit instead of filling memory.
//! - A refused request (the agent full or stopping, a processor's `propagate` error): 503,
//!   which clients retry; when the agent is full, with `Retry-After` and a `RetryInfo`.
//!
//! Responses use the request's encoding.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::collector::profiles::v1development::ExportProfilesServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::logs::v1::LogsData;
use opentelemetry_proto::tonic::metrics::v1::MetricsData;
use opentelemetry_proto::tonic::profiles::v1development::ProfilesData;
use opentelemetry_proto::tonic::trace::v1::TracesData;
use ottl_runtime::otlp::Telemetry;
use ottl_runtime::otlp_json::Document;
use prost::Message;

use super::super::Intake;
use super::Incoming;
use super::decompress::{self, Decompressed};
use crate::rpc_status::RpcStatus;
use ottl_runtime::otlp::Signal;

#[derive(Clone)]
struct Server {
    intake: Intake,
    max_body: usize,
}

/// The encodings OTLP/HTTP has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Protobuf,
    Json,
}

impl Encoding {
    fn of(headers: &HeaderMap) -> Option<Encoding> {
        let content_type = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
        let mime = content_type.split(';').next()?.trim().to_ascii_lowercase();
        match mime.as_str() {
            "application/x-protobuf" => Some(Encoding::Protobuf),
            "application/json" => Some(Encoding::Json),
            _ => None,
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Encoding::Protobuf => "application/x-protobuf",
            Encoding::Json => "application/json",
        }
    }
}

/// gRPC code numbers used in error bodies.
const INVALID_ARGUMENT: i32 = 3;
const RESOURCE_EXHAUSTED: i32 = 8;

fn error_response(status: StatusCode, encoding: Encoding, code: i32, message: String) -> Response {
    status_response(status, encoding, &RpcStatus { code, message, details: Vec::new() })
}

/// A `google.rpc.Status` body in the request's encoding.
fn status_response(status: StatusCode, encoding: Encoding, rpc_status: &RpcStatus) -> Response {
    let body = match encoding {
        Encoding::Protobuf => rpc_status.encode_to_vec(),
        Encoding::Json => rpc_status.to_json().to_string().into_bytes(),
    };
    let mut response = (status, body).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(encoding.content_type()));
    response
}

/// A successful export's answer: the signal's response message, empty (no partial
/// success to report), which encodes to no bytes in protobuf and to `{}` in JSON.
fn success(encoding: Encoding) -> Response {
    let body = match encoding {
        Encoding::Protobuf => Vec::new(),
        Encoding::Json => b"{}".to_vec(),
    };
    ([(header::CONTENT_TYPE, encoding.content_type())], body).into_response()
}

impl Server {
    /// Decodes, submits and answers one export request of `signal`.
    async fn export(&self, signal: Signal, headers: &HeaderMap, body: Bytes) -> Response {
        let Some(encoding) = Encoding::of(headers) else {
            let message = "unsupported content type: use application/x-protobuf or application/json".to_string();
            return error_response(StatusCode::UNSUPPORTED_MEDIA_TYPE, Encoding::Json, INVALID_ARGUMENT, message);
        };
        let content_encoding = headers.get(header::CONTENT_ENCODING).and_then(|v| v.to_str().ok()).unwrap_or("");
        let body = match decompress::body(content_encoding, &body, self.max_body) {
            Decompressed::Body(body) => body,
            Decompressed::TooLarge => {
                let message = format!("request body larger than {} bytes once decompressed", self.max_body);
                return error_response(StatusCode::PAYLOAD_TOO_LARGE, encoding, RESOURCE_EXHAUSTED, message);
            }
            Decompressed::Invalid(message) => {
                return error_response(StatusCode::BAD_REQUEST, encoding, INVALID_ARGUMENT, message);
            }
        };
        let bytes = body.len();
        let telemetry = match decode(signal, encoding, &body) {
            Ok(telemetry) => telemetry,
            Err(message) => return error_response(StatusCode::BAD_REQUEST, encoding, INVALID_ARGUMENT, message),
        };
        match self.intake.submit(telemetry, bytes).await {
            Ok(()) => success(encoding),
            Err(refusal) => {
                let mut response = status_response(StatusCode::SERVICE_UNAVAILABLE, encoding, &refusal.status());
                if let Some(delay) = refusal.retry_after() {
                    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(delay.as_secs()));
                }
                response
            }
        }
    }
}

/// A request body, once decompressed, as the signal's payload.
pub fn decode(signal: Signal, encoding: Encoding, body: &[u8]) -> Result<Telemetry, String> {
    let invalid = |e: prost::DecodeError| format!("cannot decode the {} request: {e}", signal.name());
    match encoding {
        Encoding::Protobuf => Ok(match signal {
            Signal::Traces => Telemetry::Traces(TracesData {
                resource_spans: ExportTraceServiceRequest::decode(body).map_err(invalid)?.resource_spans,
            }),
            Signal::Metrics => Telemetry::Metrics(MetricsData {
                resource_metrics: ExportMetricsServiceRequest::decode(body).map_err(invalid)?.resource_metrics,
            }),
            Signal::Logs => Telemetry::Logs(LogsData {
                resource_logs: ExportLogsServiceRequest::decode(body).map_err(invalid)?.resource_logs,
            }),
            Signal::Profiles => {
                let request = ExportProfilesServiceRequest::decode(body).map_err(invalid)?;
                Telemetry::Profiles(ProfilesData { resource_profiles: request.resource_profiles, dictionary: request.dictionary })
            }
        }),
        Encoding::Json => {
            let text = std::str::from_utf8(body).map_err(|_| "the JSON body is not UTF-8".to_string())?;
            decode_json(signal, text)
        }
    }
}

/// OTLP/JSON of `signal`, read in one pass; an object without the signal's key (`{}`) is an
/// empty request, one with another signal's key a mistake.
fn decode_json(signal: Signal, text: &str) -> Result<Telemetry, String> {
    let mut document = Document::read(text)?;
    if let Some(telemetry) = document.take(signal)? {
        return Ok(telemetry);
    }
    match document.resource_keys.first() {
        Some(other) => Err(format!("`{other}` sent to the {} endpoint", signal.name())),
        None => Ok(signal.empty()),
    }
}

/// The OTLP/HTTP routes.
fn router(server: Server) -> Router {
    let route = |signal: Signal| {
        post(move |State(server): State<Server>, headers: HeaderMap, body: Bytes| async move {
            server.export(signal, &headers, body).await
        })
    };
    Router::new()
        .route("/v1/traces", route(Signal::Traces))
        .route("/v1/metrics", route(Signal::Metrics))
        .route("/v1/logs", route(Signal::Logs))
        .route("/v1development/profiles", route(Signal::Profiles))
        .layer(DefaultBodyLimit::max(server.max_body))
        .with_state(server)
}

/// Serves OTLP/HTTP on `incoming` until `shutdown` completes; requests in progress finish.
pub async fn serve(
    incoming: Incoming,
    intake: Intake,
    max_body: usize,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), String> {
    let app = router(Server { intake, max_body });
    let served = match incoming {
        Incoming::Plain(listener) => axum::serve(listener, app).with_graceful_shutdown(shutdown).await,
        Incoming::Tls(listener) => axum::serve(listener, app).with_graceful_shutdown(shutdown).await,
    };
    served.map_err(|error| format!("OTLP/HTTP server: {error}"))
}
