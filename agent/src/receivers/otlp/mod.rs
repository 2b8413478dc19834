//! The `otlp` receiver: OTLP/gRPC and OTLP/HTTP servers feeding the same pipelines.

mod decompress;
mod grpc;
mod http;

use std::future::Future;
use std::pin::Pin;

use tokio::net::TcpListener;

use super::Intake;
use crate::config::OtlpReceiverConfig;
use crate::config::resolve_address;

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
        let listener = listen(&grpc.endpoint).await?;
        let address = listener.local_addr().map(|a| a.to_string()).unwrap_or_default();
        let server = grpc::serve(listener, intake.clone(), grpc.max_recv_msg_size, stopped(shutdown.clone()));
        servers.push((format!("{} gRPC on {address}", intake.receiver), Box::pin(server)));
    }
    if let Some(http) = &config.http {
        let listener = listen(&http.endpoint).await?;
        let address = listener.local_addr().map(|a| a.to_string()).unwrap_or_default();
        let server = http::serve(listener, intake.clone(), http.max_request_body_size, stopped(shutdown.clone()));
        servers.push((format!("{} HTTP on {address}", intake.receiver), Box::pin(server)));
    }
    Ok(servers)
}

async fn listen(endpoint: &str) -> Result<TcpListener, String> {
    let address = resolve_address(endpoint).ok_or_else(|| format!("`{endpoint}` is not host:port"))?;
    TcpListener::bind(address).await.map_err(|error| format!("cannot listen on {endpoint}: {error}"))
}
