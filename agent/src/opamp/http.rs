//! The plain-HTTP transport (spec §1.3): the agent `POST`s a report and the answer carries
//! what the server has for it; with nothing to say, it polls every `polling_interval` (or
//! the heartbeat the server offers, as opamp-go's HTTP client takes it). One request at a
//! time; failures back off, and 503 or 429 wait their `Retry-After`. Reports of
//! [`GZIP_FROM`] bytes or more go gzip-compressed, and every request takes a gzip answer.

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::header::{ACCEPT_ENCODING, CONTENT_ENCODING, CONTENT_TYPE, HeaderName, HeaderValue, RETRY_AFTER, USER_AGENT};
use hyper::{Method, Request, StatusCode, Uri};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client as HttpClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use ottl_opamp::http::{CONTENT_TYPE as PROTOBUF, GZIP, INSTANCE_UID_HEADER, decode_body, encode_body, uid_text};
use ottl_opamp::proto::{AgentToServer, ServerToAgent};
use prost::Message;
use tokio::sync::watch;

use super::client::{Client, Reaction, reconnect_backoff};
use crate::config::OpAmpConfig;
use crate::exporters::retry_after;
use crate::tls::{self, Alpn};

/// How long one request may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The smallest report sent gzip-compressed (the spec lets a client compress, and servers
/// must take it). opamp-go compresses every message when told to; a heartbeat or a status
/// change is some tens of bytes, which gzip's 18 bytes of framing make larger, for CPU
/// spent on every poll. Reports that carry the effective config (the config and every
/// rule file) are kilobytes of text and shrink several times.
const GZIP_FROM: usize = 1024;

/// How long the last message, at shutdown, may hold the agent up.
const GOODBYE_TIMEOUT: Duration = Duration::from_secs(2);

/// Why a request failed, and how long the server asked to wait.
struct Failed {
    error: String,
    throttle: Option<Duration>,
}

/// The HTTP client and the request's fixed parts.
pub struct Poster {
    http: HttpClient<HttpsConnector<HttpConnector>, Full<Bytes>>,
    uri: Uri,
    headers: Vec<(HeaderName, HeaderValue)>,
}

impl Poster {
    pub fn new(config: &OpAmpConfig) -> Result<Poster, String> {
        let mut tcp = HttpConnector::new();
        tcp.set_nodelay(true);
        tcp.set_connect_timeout(Some(REQUEST_TIMEOUT));
        let connector = tls::connector(&config.tls, Alpn::Http1, tcp)?;
        let uri: Uri = config.endpoint.parse().map_err(|_| format!("`{}` is not a URL", config.endpoint))?;
        let mut headers = Vec::new();
        for (name, value) in &config.headers {
            let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| format!("header `{name}` is not a valid name"))?;
            let value = HeaderValue::from_str(value).map_err(|_| format!("the value of header `{name}` is not valid"))?;
            headers.push((name, value));
        }
        Ok(Poster { http: HttpClient::builder(TokioExecutor::new()).build(connector), uri, headers })
    }

    async fn post(&self, message: &AgentToServer, limit: usize) -> Result<ServerToAgent, Failed> {
        let failed = |error: String| Failed { error, throttle: None };
        let gzip = message.encoded_len() >= GZIP_FROM;
        let body = encode_body(message, gzip).map_err(|e| failed(e.to_string()))?;
        let mut request = Request::builder()
            .method(Method::POST)
            .uri(self.uri.clone())
            .header(CONTENT_TYPE, PROTOBUF)
            // Exactly `gzip`: opamp-go's server compresses its answer only for that value.
            .header(ACCEPT_ENCODING, GZIP)
            .header(USER_AGENT, concat!("ottl-agent/", env!("CARGO_PKG_VERSION")));
        if gzip {
            request = request.header(CONTENT_ENCODING, GZIP);
        }
        if let Some(uid) = uid_text(&message.instance_uid) {
            request = request.header(INSTANCE_UID_HEADER, uid);
        }
        for (name, value) in &self.headers {
            request = request.header(name, value);
        }
        let request = request.body(Full::new(Bytes::from(body))).map_err(|e| failed(e.to_string()))?;
        let response = tokio::time::timeout(REQUEST_TIMEOUT, self.http.request(request))
            .await
            .map_err(|_| failed(format!("no answer within {REQUEST_TIMEOUT:?}")))?
            .map_err(|e| failed(e.to_string()))?;
        let status = response.status();
        if status != StatusCode::OK {
            let throttle = match status {
                StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE => response
                    .headers()
                    .get(RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| retry_after(v, SystemTime::now())),
                _ => None,
            };
            return Err(Failed { error: format!("HTTP {status}"), throttle });
        }
        let encoding = response.headers().get(CONTENT_ENCODING).and_then(|v| v.to_str().ok()).map(str::to_string);
        // The body is read up to the limit only: a larger one fails, unread.
        let body = Limited::new(response.into_body(), limit.saturating_add(1))
            .collect()
            .await
            .map_err(|e| failed(format!("the answer: {e}")))?
            .to_bytes();
        decode_body(&body, encoding.as_deref(), limit).map_err(|e| failed(e.to_string()))
    }
}

/// Polls the server until `stopping`, then says goodbye.
pub async fn run(client: &mut Client, poster: Poster, polling_interval: Duration, mut stopping: watch::Receiver<bool>) {
    let mut backoff = reconnect_backoff();
    let mut applying = None;
    let mut rollbacks = client.rollbacks();
    loop {
        client.refresh();
        let message = client.session.next_message();
        let wait = match poster.post(&message, client.max_message_size).await {
            Ok(answer) => {
                backoff = reconnect_backoff();
                client.session.sent(&message);
                // APPLYING reached the server: now apply.
                if let Some(offer) = applying.take() {
                    client.apply(offer).await;
                }
                let throttle = match client.receive(answer) {
                    Reaction::Apply(offer) => {
                        applying = Some(offer);
                        None
                    }
                    Reaction::Throttled(throttle) => Some(throttle.unwrap_or_else(|| backoff.next_delay())),
                    Reaction::Report => None,
                };
                match throttle {
                    Some(wait) => wait,
                    None if applying.is_some() || client.session.has_news() => Duration::ZERO,
                    None => match client.session.offered_heartbeat {
                        Some(interval) if !interval.is_zero() => interval,
                        _ => polling_interval,
                    },
                }
            }
            Err(failed) => {
                tracing::warn!("OpAMP: POST {}: {}", poster.uri, failed.error);
                // The server may have restarted meanwhile and know nothing of the agent.
                client.session.reconnected();
                let delay = backoff.next_delay();
                failed.throttle.map_or(delay, |throttle| throttle.max(delay))
            }
        };
        if wait > Duration::ZERO {
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                // A rollback is reported at once, not at the next poll.
                _ = rollbacks.changed() => {}
                _ = stopping.changed() => break,
            }
        } else if *stopping.borrow() {
            break;
        }
    }
    let goodbye = client.session.disconnect_message();
    match tokio::time::timeout(GOODBYE_TIMEOUT, poster.post(&goodbye, client.max_message_size)).await {
        Ok(Ok(_)) => {}
        Ok(Err(failed)) => tracing::debug!("OpAMP: the disconnect was not delivered: {}", failed.error),
        Err(_) => tracing::debug!("OpAMP: the disconnect was not answered within {GOODBYE_TIMEOUT:?}"),
    }
}
