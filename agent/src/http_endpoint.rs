//! The agent's own HTTP endpoints (self-metrics, the health check): bound at start, so that
//! a taken port fails the start, and served until the agent stops.

use std::net::SocketAddr;

use axum::Router;
use tokio::sync::watch;

use crate::receivers::otlp::Server;

/// Binds `address` for `app`; the server ends once `stopping` turns true. `what` names
/// the endpoint in errors.
pub async fn bind(address: SocketAddr, app: Router, mut stopping: watch::Receiver<bool>, what: &str) -> Result<Server, String> {
    let listener =
        tokio::net::TcpListener::bind(address).await.map_err(|error| format!("{what}: cannot listen on {address}: {error}"))?;
    let what = what.to_string();
    Ok(Box::pin(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = stopping.wait_for(|stop| *stop).await;
            })
            .await
            .map_err(|error| format!("{what}: {error}"))
    }))
}
