//! The OTLP/HTTP sender (`otlphttp`, `otlp_http`): binary protobuf POSTed over HTTP/1.1
//! with hyper-util's pooled client, to `endpoint` + `/v1/traces` (and so on), or to the
//! signal's own `traces_endpoint` (...) when one is set. As in the collector, the URL's
//! scheme decides: `https` with the exporter's `tls` settings, `http` in plain text.
//!
//! Answers are sorted as the OTLP specification and the collector's exporter sort them: 2xx
//! is delivered (its body may report a partial success); 429, 502, 503 and 504 are retried,
//! after the `Retry-After` a 429 or 503 gives (seconds or an HTTP date) when it is longer
//! than the backoff; every other status is permanent. No answer at all (a refused
//! connection, a timeout) is retried.

use std::collections::BTreeMap;
use std::io::Write;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::header::{CONTENT_ENCODING, CONTENT_TYPE, HeaderName, HeaderValue, RETRY_AFTER, USER_AGENT};
use hyper::{HeaderMap, Method, Request, StatusCode, Uri};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use prost::Message;

use super::payload::{ExportResponse, Payload, partial_success_from_json};
use super::retry::Attempt;
use crate::config::{Compression, OtlpExporterConfig};
use crate::error_chain::error_chain;
use crate::rpc_status::RpcStatus;
use crate::tls::{self, Alpn};
use ottl_runtime::otlp::Signal;

const PROTOBUF: &str = "application/x-protobuf";
/// How much of a response body is read: enough for any status or partial success.
const MAX_RESPONSE_BYTES: usize = 64 << 10;
/// How much of an error body that is no `google.rpc.Status` goes into the log.
const MAX_ERROR_TEXT: usize = 256;

pub struct HttpSender {
    client: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
    /// The URL of each signal the config gives one for.
    urls: BTreeMap<Signal, Uri>,
    headers: HeaderMap,
    compression: Compression,
    timeout: Duration,
}

impl HttpSender {
    pub fn new(config: &OtlpExporterConfig) -> Result<HttpSender, String> {
        let mut tcp = HttpConnector::new();
        tcp.set_nodelay(true);
        tcp.set_connect_timeout(Some(config.timeout));
        let connector = tls::connector(&config.tls, Alpn::Http1, tcp)?;
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(PROTOBUF));
        headers.insert(USER_AGENT, HeaderValue::from_static(concat!("ottl-agent/", env!("CARGO_PKG_VERSION"))));
        if let Some(encoding) = content_encoding(config.compression) {
            headers.insert(CONTENT_ENCODING, HeaderValue::from_static(encoding));
        }
        for (name, value) in &config.headers {
            let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| format!("header `{name}` is not a valid name"))?;
            let value = HeaderValue::from_str(value).map_err(|_| format!("the value of header `{name}` is not valid"))?;
            headers.insert(name, value);
        }
        Ok(HttpSender {
            client: Client::builder(TokioExecutor::new()).build(connector),
            urls: signal_urls(config)?,
            headers,
            compression: config.compression,
            timeout: config.timeout,
        })
    }

    /// The payload of a batch, compressed as configured: once, for every attempt.
    pub fn compress(&self, mut payload: Payload) -> Result<Payload, String> {
        payload.body = match self.compression {
            Compression::None => payload.body,
            Compression::Gzip => {
                let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
                encoder.write_all(&payload.body).and_then(|()| encoder.finish()).map_err(|e| format!("gzip: {e}"))?.into()
            }
            Compression::Zstd => zstd::bulk::compress(&payload.body, 0).map_err(|e| format!("zstd: {e}"))?.into(),
        };
        Ok(payload)
    }

    /// One attempt to export `payload`.
    pub async fn send(&self, payload: &Payload) -> Attempt {
        let Some(url) = self.urls.get(&payload.signal) else {
            let signal = payload.signal.name();
            return Attempt::Permanent { error: format!("no `endpoint` or `{signal}_endpoint` to send {signal} to") };
        };
        let mut request = Request::new(Full::new(payload.body.clone()));
        *request.method_mut() = Method::POST;
        *request.uri_mut() = url.clone();
        *request.headers_mut() = self.headers.clone();
        let exchange = async {
            let response = self.client.request(request).await.map_err(|error| error_chain(&error))?;
            let (parts, body) = response.into_parts();
            // A body that breaks off still leaves the status to go by.
            let body = Limited::new(body, MAX_RESPONSE_BYTES).collect().await.map(|b| b.to_bytes()).unwrap_or_default();
            Ok::<_, String>((parts.status, parts.headers, body))
        };
        match tokio::time::timeout(self.timeout, exchange).await {
            Err(_) => Attempt::Retryable { error: format!("no answer from {url} within {:?}", self.timeout), throttle: None },
            Ok(Err(error)) => Attempt::Retryable { error: format!("POST {url}: {error}"), throttle: None },
            Ok(Ok((status, headers, body))) => classify(url, status, &headers, &body, SystemTime::now()),
        }
    }
}

fn content_encoding(compression: Compression) -> Option<&'static str> {
    match compression {
        Compression::None => None,
        Compression::Gzip => Some("gzip"),
        Compression::Zstd => Some("zstd"),
    }
}

/// Each signal's URL: its own `…_endpoint`, or `endpoint` with the signal's path appended
/// (as the collector appends it: `/v1/traces`, `/v1development/profiles`).
fn signal_urls(config: &OtlpExporterConfig) -> Result<BTreeMap<Signal, Uri>, String> {
    let mut urls = BTreeMap::new();
    for signal in Signal::ALL {
        let url = match config.signal_endpoints.get(&signal) {
            Some(url) => url.clone(),
            None if config.endpoint.is_empty() => continue,
            None => {
                let version = if signal == Signal::Profiles { "v1development" } else { "v1" };
                format!("{}/{version}/{}", config.endpoint.trim_end_matches('/'), signal.name())
            }
        };
        let with_scheme = if url.contains("://") { url.clone() } else { format!("http://{url}") };
        let uri: Uri = with_scheme.parse().map_err(|error| format!("`{url}` is not a URL: {error}"))?;
        if !matches!(uri.scheme_str(), Some("http" | "https")) {
            return Err(format!("`{url}`: the OTLP/HTTP exporter sends to http:// or https:// URLs"));
        }
        urls.insert(signal, uri);
    }
    Ok(urls)
}

/// What an answer means for the request.
fn classify(url: &Uri, status: StatusCode, headers: &HeaderMap, body: &[u8], now: SystemTime) -> Attempt {
    let json = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("application/json"));
    if status.is_success() {
        let partial = if json {
            partial_success_from_json(body)
        } else {
            ExportResponse::decode(body).map(ExportResponse::partial_success).unwrap_or_default()
        };
        return Attempt::Delivered(partial);
    }
    let error = match error_message(body, json) {
        message if message.is_empty() => format!("POST {url}: HTTP {status}"),
        message => format!("POST {url}: HTTP {status}: {message}"),
    };
    match status {
        StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE => {
            let throttle = headers.get(RETRY_AFTER).and_then(|v| v.to_str().ok()).and_then(|v| retry_after(v, now));
            Attempt::Retryable { error, throttle }
        }
        StatusCode::BAD_GATEWAY | StatusCode::GATEWAY_TIMEOUT => Attempt::Retryable { error, throttle: None },
        _ => Attempt::Permanent { error },
    }
}

/// The message of an error body: a `google.rpc.Status` (protobuf or JSON), else its text.
fn error_message(body: &[u8], json: bool) -> String {
    let status = if json {
        serde_json::from_slice::<serde_json::Value>(body).ok().and_then(|v| v.get("message")?.as_str().map(str::to_string))
    } else {
        RpcStatus::decode(body).ok().map(|status| status.message).filter(|message| !message.is_empty())
    };
    status.unwrap_or_else(|| String::from_utf8_lossy(&body[..body.len().min(MAX_ERROR_TEXT)]).trim().to_string())
}

/// A `Retry-After` value: delay-seconds or an HTTP date (how far it lies after `now`).
pub fn retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::config::{ClientTls, QueueConfig, RetryConfig};

    fn config(endpoint: &str, signal_endpoints: &[(Signal, &str)]) -> OtlpExporterConfig {
        OtlpExporterConfig {
            protocol: crate::config::OtlpProtocol::Http,
            endpoint: endpoint.to_string(),
            signal_endpoints: signal_endpoints.iter().map(|(s, u)| (*s, u.to_string())).collect::<BTreeMap<_, _>>(),
            headers: Vec::new(),
            compression: Compression::Gzip,
            timeout: Duration::from_secs(30),
            retry: RetryConfig::default(),
            queue: QueueConfig::default(),
            tls: ClientTls::default(),
        }
    }

    #[test]
    fn each_signal_goes_to_its_path_or_its_own_endpoint() {
        let urls = signal_urls(&config("http://sink:4318/", &[(Signal::Logs, "http://logs:9000/ingest")])).unwrap();
        assert_eq!(urls[&Signal::Traces], "http://sink:4318/v1/traces");
        assert_eq!(urls[&Signal::Metrics], "http://sink:4318/v1/metrics");
        assert_eq!(urls[&Signal::Profiles], "http://sink:4318/v1development/profiles");
        assert_eq!(urls[&Signal::Logs], "http://logs:9000/ingest");
        let only_traces = signal_urls(&config("", &[(Signal::Traces, "localhost:4318/v1/traces")])).unwrap();
        assert_eq!(only_traces.keys().collect::<Vec<_>>(), [&Signal::Traces]);
        let secure = signal_urls(&config("https://sink:4318", &[])).unwrap();
        assert_eq!(secure[&Signal::Logs], "https://sink:4318/v1/logs");
        assert!(signal_urls(&config("ftp://sink:4318", &[])).unwrap_err().contains("http:// or https://"));
    }

    fn answer(status: u16, headers: &[(&'static str, &str)], body: &[u8]) -> Attempt {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        let url: Uri = "http://sink/v1/logs".parse().unwrap();
        classify(&url, StatusCode::from_u16(status).unwrap(), &map, body, SystemTime::UNIX_EPOCH)
    }

    #[test]
    fn retryable_statuses_are_the_specifications() {
        for status in [429, 502, 503, 504] {
            assert!(matches!(answer(status, &[], b""), Attempt::Retryable { throttle: None, .. }), "{status}");
        }
        for status in [400, 401, 403, 404, 413, 415, 500, 501] {
            assert!(matches!(answer(status, &[], b""), Attempt::Permanent { .. }), "{status}");
        }
        let partial = br#"{"partialSuccess":{"rejectedLogRecords":"1","errorMessage":"x"}}"#;
        let Attempt::Delivered(delivered) = answer(200, &[("content-type", "application/json")], partial) else { panic!() };
        assert_eq!(delivered.rejected, 1);
        assert_eq!(answer(200, &[], b""), Attempt::Delivered(Default::default()));
    }

    #[test]
    fn retry_after_throttles_429_and_503_only() {
        let throttle = |status, value| match answer(status, &[("retry-after", value)], b"") {
            Attempt::Retryable { throttle, .. } => throttle,
            other => panic!("{other:?}"),
        };
        assert_eq!(throttle(503, "3"), Some(Duration::from_secs(3)));
        assert_eq!(throttle(429, "Thu, 01 Jan 1970 00:01:00 GMT"), Some(Duration::from_secs(60)), "an HTTP date");
        assert_eq!(throttle(429, "soon"), None);
        assert_eq!(throttle(502, "3"), None, "a 502's Retry-After is no throttle");
    }

    #[test]
    fn error_bodies_give_their_status_message() {
        let status = RpcStatus { code: 3, message: "bad field".into(), details: Vec::new() }.encode_to_vec();
        let Attempt::Permanent { error } = answer(400, &[("content-type", PROTOBUF)], &status) else { panic!() };
        assert!(error.ends_with("HTTP 400 Bad Request: bad field"), "{error}");
        let Attempt::Permanent { error } = answer(400, &[("content-type", "application/json")], br#"{"code":3,"message":"no"}"#)
        else {
            panic!()
        };
        assert!(error.ends_with(": no"), "{error}");
        let Attempt::Permanent { error } = answer(404, &[], b"not found here") else { panic!() };
        assert!(error.ends_with(": not found here"), "{error}");
    }
}
