//! The `otlp` receiver: OTLP/gRPC and OTLP/HTTP servers feeding the same pipelines, each
//! in plain text or, with its `tls`, over TLS only.

pub mod decompress;
mod grpc;
pub mod http;

use std::future::Future;
use std::pin::Pin;

use tokio::net::TcpListener;

use super::Intake;
use crate::config::{OtlpReceiverConfig, ServerTls, resolve_address};
use crate::tls::{self, TlsIncoming};

/// Where a server takes its connections from: the TCP listener, or TLS over it.
pub enum Incoming {
    Plain(TcpListener),
    Tls(TlsIncoming),
}

/// The application protocol each server speaks over TLS (ALPN): gRPC clients require `h2`
/// to be negotiated; the HTTP server speaks HTTP/1.1.
const GRPC_ALPN: &[&[u8]] = &[b"h2"];
const HTTP_ALPN: &[&[u8]] = &[b"http/1.1"];

/// A server of the receiver, bound and ready to run.
pub type Server = Pin<Box<dyn Future<Output = Result<(), String>> + Send>>;

/// Binds the receiver's listeners (so that a taken port fails the start, not later) and
/// returns its servers, each ending once `shutdown` resolves.
pub async fn bind(
    config: &OtlpReceiverConfig,
    intake: Intake,
    shutdown: tokio::sync::watch::Receiver<bool>,
) -> Result<Vec<(String, Server)>, String> {
    let mut servers: Vec<(String, Server)> = Vec::new();
    let stopped = |mut shutdown: tokio::sync::watch::Receiver<bool>| async move {
        let _ = shutdown.wait_for(|stop| *stop).await;
    };
    if let Some(grpc) = &config.grpc {
        let (incoming, on) = listen(&grpc.endpoint, grpc.tls.as_ref(), GRPC_ALPN).await?;
        let server = grpc::serve(incoming, intake.clone(), grpc.max_recv_msg_size, stopped(shutdown.clone()));
        servers.push((format!("{} gRPC {on}", intake.receiver), Box::pin(server)));
    }
    if let Some(http) = &config.http {
        let (incoming, on) = listen(&http.endpoint, http.tls.as_ref(), HTTP_ALPN).await?;
        let server = http::serve(incoming, intake.clone(), http.max_request_body_size, stopped(shutdown.clone()));
        servers.push((format!("{} HTTP {on}", intake.receiver), Box::pin(server)));
    }
    Ok(servers)
}

/// Binds `endpoint`, with TLS when `tls` is given; where it listens, for the log.
async fn listen(endpoint: &str, tls: Option<&ServerTls>, alpn: &[&[u8]]) -> Result<(Incoming, String), String> {
    let address = resolve_address(endpoint).ok_or_else(|| format!("`{endpoint}` is not host:port"))?;
    let listener = TcpListener::bind(address).await.map_err(|error| format!("cannot listen on {endpoint}: {error}"))?;
    let bound = listener.local_addr().map(|a| a.to_string()).unwrap_or_default();
    let Some(tls) = tls else { return Ok((Incoming::Plain(listener), format!("on {bound}"))) };
    let config = tls::server_config(tls, alpn).map_err(|error| format!("TLS on {endpoint}: {error}"))?;
    let incoming = TlsIncoming::new(listener, config).map_err(|error| format!("cannot listen on {endpoint}: {error}"))?;
    let mutual = if tls.client_ca.is_some() { " with client certificates" } else { "" };
    Ok((Incoming::Tls(incoming), format!("on {bound} over TLS{mutual}")))
}
