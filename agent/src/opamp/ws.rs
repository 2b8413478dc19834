//! The WebSocket transport (spec §1.2): one connection, the first message the agent's
//! report, then either side sends when it has something; heartbeats keep it alive. A
//! dropped connection is reconnected at once, then with backoff; a refused upgrade with
//! 503 or 429 waits its `Retry-After`.

use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use hyper::StatusCode;
use hyper::header::{HeaderName, HeaderValue, RETRY_AFTER};
use ottl_opamp::framing;
use ottl_opamp::proto::{AgentToServer, ServerToAgent};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio::sync::watch;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, WebSocketConfig};
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::{WebSocketStream, client_async_with_config};

use super::client::{Client, Reaction, reconnect_backoff};
use crate::config::OpAmpConfig;
use crate::exporters::retry_after;
use crate::rules::RollbackNotice;

/// How often the health is read for a change worth reporting.
const HEALTH_POLL: Duration = Duration::from_secs(1);
/// How long a connection, dial to upgrade, may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A byte stream a WebSocket runs over: TCP, or TLS over TCP.
trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}

type Socket = WebSocketStream<Box<dyn Stream>>;

/// How a connection ended.
enum Ended {
    Stopping,
    Dropped,
    Throttled(Option<Duration>),
}

/// Why a connection was not made, and how long the server asked to wait.
struct Refused {
    error: String,
    throttle: Option<Duration>,
}

/// Talks to the server until `stopping`.
pub async fn run(client: &mut Client, config: &OpAmpConfig, mut stopping: watch::Receiver<bool>) {
    let mut backoff = reconnect_backoff();
    let mut reconnect_at_once = false;
    loop {
        let wait = match tokio::time::timeout(CONNECT_TIMEOUT, connect(config, client.max_message_size)).await {
            Ok(Ok(socket)) => {
                tracing::info!("OpAMP: connected to {}", config.endpoint);
                client.session.reconnected();
                let ended = converse(client, socket, &mut stopping).await;
                match ended {
                    Ended::Stopping => return,
                    // A connection that was up is tried again at once, once.
                    Ended::Dropped if !reconnect_at_once => {
                        reconnect_at_once = true;
                        backoff = reconnect_backoff();
                        Duration::ZERO
                    }
                    Ended::Dropped => backoff.next_delay(),
                    Ended::Throttled(throttle) => throttle.unwrap_or_else(|| backoff.next_delay()),
                }
            }
            Ok(Err(refused)) => {
                tracing::warn!("OpAMP: cannot connect to {}: {}", config.endpoint, refused.error);
                let delay = backoff.next_delay();
                refused.throttle.map_or(delay, |throttle| throttle.max(delay))
            }
            Err(_) => {
                tracing::warn!("OpAMP: no connection to {} within {CONNECT_TIMEOUT:?}", config.endpoint);
                backoff.next_delay()
            }
        };
        if wait > Duration::ZERO {
            reconnect_at_once = false;
        }
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = stopping.changed() => return,
        }
    }
}

/// Opens the WebSocket, TLS for `wss://`, with the configured headers.
async fn connect(config: &OpAmpConfig, limit: usize) -> Result<Socket, Refused> {
    let failed = |error: String| Refused { error, throttle: None };
    let mut request = config.endpoint.as_str().into_client_request().map_err(|e| failed(e.to_string()))?;
    for (name, value) in &config.headers {
        let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| failed(format!("header `{name}` is not a valid name")))?;
        let value = HeaderValue::from_str(value).map_err(|_| failed(format!("the value of header `{name}` is not valid")))?;
        request.headers_mut().insert(name, value);
    }
    let uri = request.uri().clone();
    let host = uri.host().unwrap_or_default().trim_start_matches('[').trim_end_matches(']').to_string();
    let secure = uri.scheme_str() == Some("wss");
    let port = uri.port_u16().unwrap_or(if secure { 443 } else { 80 });
    let tcp = TcpStream::connect((host.as_str(), port)).await.map_err(|e| failed(e.to_string()))?;
    let _ = tcp.set_nodelay(true);
    let stream: Box<dyn Stream> = if secure {
        let tls = crate::tls::client_config(&config.tls).map_err(failed)?;
        let name = match &config.tls.server_name_override {
            Some(name) => name.clone(),
            None => host.clone(),
        };
        let name = rustls::pki_types::ServerName::try_from(name).map_err(|e| failed(e.to_string()))?;
        let connector = tokio_rustls::TlsConnector::from(Arc::new(tls));
        Box::new(connector.connect(name, tcp).await.map_err(|e| failed(e.to_string()))?)
    } else {
        Box::new(tcp)
    };
    let settings = WebSocketConfig::default().max_message_size(Some(limit)).max_frame_size(Some(limit));
    match client_async_with_config(request, stream, Some(settings)).await {
        Ok((socket, _)) => Ok(socket),
        Err(WsError::Http(response)) => {
            let status = response.status();
            let throttle = match status {
                StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE => response
                    .headers()
                    .get(RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| retry_after(v, std::time::SystemTime::now())),
                _ => None,
            };
            Err(Refused { error: format!("the upgrade was refused: HTTP {status}"), throttle })
        }
        Err(error) => Err(failed(error.to_string())),
    }
}

/// One connection: the first report, then messages both ways until it ends.
async fn converse(client: &mut Client, mut socket: Socket, stopping: &mut watch::Receiver<bool>) -> Ended {
    if send(client, &mut socket).await.is_err() {
        return Ended::Dropped;
    }
    let mut health = tokio::time::interval(HEALTH_POLL);
    let mut rollbacks = client.rollbacks();
    loop {
        // A deadline, not a sleep started anew each turn: the health poll turns this loop
        // every second, and a fresh sleep would put the heartbeat off for ever.
        let next_heartbeat = client.session.next_heartbeat();
        let heartbeat_due = async {
            match next_heartbeat {
                None => std::future::pending().await,
                Some(at) => tokio::time::sleep_until(at.into()).await,
            }
        };
        tokio::select! {
            _ = stopping.changed() => {
                let goodbye = client.session.disconnect_message();
                let _ = socket.send(Message::Binary(framing::encode(&goodbye).into())).await;
                let _ = socket.close(None).await;
                return Ended::Stopping;
            }
            incoming = socket.next() => {
                let message = match incoming {
                    Some(Ok(Message::Binary(bytes))) => framing::decode::<ServerToAgent>(&bytes, client.max_message_size),
                    Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_))) => continue,
                    Some(Ok(Message::Text(_))) => {
                        close(&mut socket, CloseCode::Unsupported, "OpAMP messages are binary").await;
                        return Ended::Dropped;
                    }
                    Some(Ok(Message::Close(_))) | None => return Ended::Dropped,
                    Some(Err(error)) => {
                        tracing::warn!("OpAMP: the connection failed: {error}");
                        if matches!(error, WsError::Capacity(_)) {
                            close(&mut socket, CloseCode::Size, "message too large").await;
                        }
                        return Ended::Dropped;
                    }
                };
                let message = match message {
                    Ok(message) => message,
                    Err(error) => {
                        tracing::warn!("OpAMP: a malformed message from the server: {error}; reconnecting");
                        let code = if matches!(error, ottl_opamp::DecodeError::TooLarge { .. }) { CloseCode::Size } else { CloseCode::Protocol };
                        close(&mut socket, code, "malformed message").await;
                        return Ended::Dropped;
                    }
                };
                match client.receive(message) {
                    Reaction::Throttled(throttle) => {
                        close(&mut socket, CloseCode::Normal, "throttled").await;
                        return Ended::Throttled(throttle);
                    }
                    Reaction::Apply(offer) => {
                        if send_news(client, &mut socket).await.is_err() {
                            return Ended::Dropped;
                        }
                        client.apply(offer).await;
                    }
                    Reaction::Report => {}
                }
                if send_news(client, &mut socket).await.is_err() {
                    return Ended::Dropped;
                }
            }
            _ = heartbeat_due => {
                if send(client, &mut socket).await.is_err() {
                    return Ended::Dropped;
                }
            }
            // The health poll, or a rollback to report now.
            _ = refresh_due(&mut health, &mut rollbacks) => {
                client.refresh();
                if send_news(client, &mut socket).await.is_err() {
                    return Ended::Dropped;
                }
            }
        }
    }
}

/// Sends a report if a status changed (never in mere reaction to a message, spec §3.1).
async fn send_news(client: &mut Client, socket: &mut Socket) -> Result<(), WsError> {
    if client.session.has_news() { send(client, socket).await } else { Ok(()) }
}

/// Sends the next report. One over the size limit is not sent (spec §1.1) but counts as
/// reported, so that it is not tried again and again.
async fn send(client: &mut Client, socket: &mut Socket) -> Result<(), WsError> {
    let message: AgentToServer = client.session.next_message();
    let bytes = framing::encode(&message);
    if bytes.len() > client.max_message_size {
        tracing::error!("OpAMP: a report of {} bytes is over the limit; not sent", bytes.len());
    } else {
        socket.send(Message::Binary(bytes.into())).await?;
    }
    client.session.sent(&message);
    Ok(())
}

async fn close(socket: &mut Socket, code: CloseCode, reason: &'static str) {
    let _ = socket.close(Some(CloseFrame { code, reason: reason.into() })).await;
}

/// The next health poll, or sooner a rollback.
async fn refresh_due(health: &mut tokio::time::Interval, rollbacks: &mut watch::Receiver<Option<RollbackNotice>>) {
    tokio::select! {
        _ = health.tick() => {}
        _ = rollbacks.changed() => {}
    }
}
