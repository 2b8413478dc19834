//! The WebSocket transport: the upgrade (done by hand on axum's request, so that the
//! stream is tokio-tungstenite's, the one version in the tree), then one task per
//! connection that answers each message and forwards the fleet's pushes.
//!
//! A new agent the full fleet refuses is answered `Unavailable` with `RetryInfo`; a client
//! that follows the spec disconnects and waits. opamp-go's only logs it and stays, so the
//! server closes a refused connection itself (1013, Try Again Later) once the wait is over,
//! unless one of its messages was taken in meanwhile: closing at once would make opamp-go
//! reconnect at once, in a loop, where this way it tries once per `retry_after`.

use std::time::Instant;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::{SinkExt, StreamExt};
use hyper_util::rt::TokioIo;
use ottl_opamp::proto::{AgentToServer, ServerToAgent};
use ottl_opamp::{DecodeError, framing};
use tokio::sync::mpsc;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, Role, WebSocketConfig};
use tokio_tungstenite::tungstenite::{Bytes, Message};

use crate::fleet::retry_after;
use crate::registry::{Connection, Transport, Uid};
use crate::server::Shared;

/// Offers waiting for a slow connection; more are dropped and offered again later.
const PUSH_QUEUE: usize = 8;
/// tungstenite's read buffer: it grows for a larger message, but the default (128 KiB)
/// held by every idle agent is most of the server's memory per agent.
const READ_BUFFER: usize = 4 << 10;

/// Answers a WebSocket upgrade request with 101 and serves the connection; anything else
/// with 400.
pub fn upgrade(shared: Shared, mut request: Request) -> Response {
    let headers = request.headers();
    let has = |name, wanted: &str| {
        headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(|v| v.split(',').any(|t| t.trim().eq_ignore_ascii_case(wanted)))
    };
    let key = headers.get(header::SEC_WEBSOCKET_KEY).map(|key| derive_accept_key(key.as_bytes()));
    let (Some(accept), true, true, true) =
        (key, has(header::UPGRADE, "websocket"), has(header::CONNECTION, "upgrade"), has(header::SEC_WEBSOCKET_VERSION, "13"))
    else {
        return (
            StatusCode::BAD_REQUEST,
            "an OpAMP request is a POST with Content-Type application/x-protobuf, or a WebSocket upgrade",
        )
            .into_response();
    };
    let Ok(accept) = HeaderValue::from_str(&accept) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let on_upgrade = hyper::upgrade::on(&mut request);
    tokio::spawn(async move {
        match on_upgrade.await {
            Ok(upgraded) => {
                // Each message is written at once: no write buffer is kept per connection.
                let config = WebSocketConfig::default()
                    .read_buffer_size(READ_BUFFER)
                    .write_buffer_size(0)
                    .max_message_size(Some(shared.max_message_size))
                    .max_frame_size(Some(shared.max_message_size));
                let stream = WebSocketStream::from_raw_socket(TokioIo::new(upgraded), Role::Server, Some(config)).await;
                serve(shared, stream).await;
            }
            Err(error) => tracing::debug!("WebSocket upgrade failed: {error}"),
        }
    });
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
    let headers = response.headers_mut();
    headers.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
    headers.insert(header::CONNECTION, HeaderValue::from_static("Upgrade"));
    headers.insert(header::SEC_WEBSOCKET_ACCEPT, accept);
    response
}

async fn serve<S>(shared: Shared, stream: WebSocketStream<S>)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let (mut sink, mut incoming) = stream.split();
    let (sender, mut pushes) = mpsc::channel::<ServerToAgent>(PUSH_QUEUE);
    let Ok(id) = shared.fleet.lock().map(|mut fleet| fleet.connection_id()) else { return };
    let connection = Connection { id, sender };
    let mut uid: Option<Uid> = None;
    // While its agent is refused: when the connection is closed.
    let mut refused_until: Option<tokio::time::Instant> = None;
    let close = loop {
        tokio::select! {
            () = sleep_until(refused_until) => {
                break Some((CloseCode::Again, "the fleet is full; retry later".to_string()));
            }
            received = incoming.next() => {
                let bytes = match received {
                    Some(Ok(Message::Binary(bytes))) => bytes,
                    Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_))) => continue,
                    Some(Ok(Message::Text(_))) => break Some((CloseCode::Unsupported, "OpAMP messages are binary".to_string())),
                    Some(Ok(Message::Close(_))) | None => break None,
                    Some(Err(error)) => {
                        tracing::debug!("WebSocket connection failed: {error}");
                        break None;
                    }
                };
                let message: AgentToServer = match framing::decode(&bytes, shared.max_message_size) {
                    Ok(message) => message,
                    Err(error) => {
                        let code = if matches!(error, DecodeError::TooLarge { .. }) { CloseCode::Size } else { CloseCode::Protocol };
                        tracing::info!("closing a WebSocket connection: {error}");
                        break Some((code, error.to_string()));
                    }
                };
                let Ok(reply) = shared.fleet.lock().map(|mut fleet| {
                    fleet.receive(&message, Transport::WebSocket, Some(&connection), Instant::now())
                }) else { break None };
                if reply.error_response.is_none() {
                    uid = Some(Uid(message.instance_uid.clone()));
                    refused_until = None;
                } else if let Some(wait) = retry_after(&reply) {
                    refused_until = refused_until.or(Some(tokio::time::Instant::now() + wait));
                }
                if sink.send(Message::Binary(Bytes::from(framing::encode(&reply)))).await.is_err() {
                    break None;
                }
                if message.agent_disconnect.is_some() {
                    break None;
                }
            }
            Some(push) = pushes.recv() => {
                if sink.send(Message::Binary(Bytes::from(framing::encode(&push)))).await.is_err() {
                    break None;
                }
            }
        }
    };
    if let Some((code, reason)) = close {
        // The reason must fit a control frame (125 bytes).
        let reason: String = reason.chars().take(100).collect();
        let _ = sink.send(Message::Close(Some(CloseFrame { code, reason: reason.into() }))).await;
    }
    let _ = sink.close().await;
    if let (Some(uid), Ok(mut fleet)) = (uid, shared.fleet.lock()) {
        fleet.disconnected(&uid, id, Instant::now());
    }
}

/// Sleeps until `deadline`, or forever without one.
async fn sleep_until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}
