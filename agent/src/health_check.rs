//! The `health_check` extension: `GET` on its path answers 200 while the agent runs and
//! 503 while it starts or stops, with the collector's JSON (`{"status": "Server
//! available", "upSince": ..., "uptime": ...}`) or the configured bodies. Orchestrators
//! probe it as they probe the collector's.

use std::sync::{Mutex, PoisonError};
use std::time::Instant;

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, SecondsFormat, Utc};
use tokio::sync::watch;

use crate::config::{HealthCheckConfig, resolve_address};
use crate::http_endpoint;
use crate::receivers::otlp::Server;

/// Whether the agent is ready, and since when.
#[derive(Default)]
pub struct Health {
    ready_since: Mutex<Option<(DateTime<Utc>, Instant)>>,
}

impl Health {
    pub fn set_ready(&self, ready: bool) {
        let mut since = self.ready_since.lock().unwrap_or_else(PoisonError::into_inner);
        *since = ready.then(|| since.unwrap_or_else(|| (Utc::now(), Instant::now())));
    }

    fn answer(&self, config: &HealthCheckConfig) -> Response {
        let since = *self.ready_since.lock().unwrap_or_else(PoisonError::into_inner);
        let (status, custom) = match since {
            Some(_) => (StatusCode::OK, &config.healthy_body),
            None => (StatusCode::SERVICE_UNAVAILABLE, &config.unhealthy_body),
        };
        if let Some(body) = custom {
            return (status, body.clone()).into_response();
        }
        let body = match since {
            Some((wall, monotonic)) => serde_json::json!({
                "status": "Server available",
                // RFC 3339 with nanoseconds, as Go marshals a `time.Time`.
                "upSince": wall.to_rfc3339_opts(SecondsFormat::AutoSi, true),
                "uptime": ottl_runtime::go_duration(i64::try_from(monotonic.elapsed().as_nanos()).unwrap_or(i64::MAX)),
            }),
            // Go's zero time, as the collector marshals it when not ready.
            None => serde_json::json!({ "status": "Server not available", "upSince": "0001-01-01T00:00:00Z", "uptime": "" }),
        };
        (status, [(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response()
    }
}

/// Binds the extension's endpoint; the server ends once `stopping` turns true.
pub async fn bind(
    name: &str,
    config: HealthCheckConfig,
    health: std::sync::Arc<Health>,
    stopping: watch::Receiver<bool>,
) -> Result<(String, Server), String> {
    let address = resolve_address(&config.endpoint).ok_or_else(|| format!("{name}: `{}` is not host:port", config.endpoint))?;
    let path = config.path.clone();
    let app = Router::new().route(&path, get(move || async move { health.answer(&config) }));
    let server = http_endpoint::bind(address, app, stopping, name).await?;
    Ok((format!("{name} on http://{address}{path}"), server))
}
