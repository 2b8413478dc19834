//! The agent's own endpoint: Prometheus text on `/metrics` (the collector's port, 8888, by
//! default) and a health check on `/health`.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::http::header;
use axum::routing::get;
use tokio::sync::watch;

use crate::http_endpoint;
use crate::receivers::otlp::Server;
use crate::stats::Stats;

/// Binds the endpoint; the server ends once `stopping` turns true.
pub async fn bind(address: SocketAddr, stats: Arc<Stats>, stopping: watch::Receiver<bool>) -> Result<(String, Server), String> {
    let app = Router::new()
        .route(
            "/metrics",
            get(move || {
                let text = stats.prometheus();
                async move { ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text) }
            }),
        )
        .route("/health", get(|| async { "ok\n" }));
    let server = http_endpoint::bind(address, app, stopping, "/metrics server").await?;
    Ok((format!("self-metrics on http://{address}/metrics"), server))
}
