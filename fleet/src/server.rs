//! One port for everything: the OpAMP endpoint takes plain-HTTP POSTs (by their
//! `Content-Type`, as opamp-go tells them apart) and WebSocket upgrades; `/status` is the
//! JSON status. With a bearer token configured, both want it: the status names every agent,
//! its attributes and its errors, which is the fleet's layout for whoever reads it.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::{any, get};

use crate::fleet::Fleet;
use crate::{auth, http_transport, ws_transport};

/// What every request handler shares.
#[derive(Clone)]
pub struct Shared {
    pub fleet: Arc<Mutex<Fleet>>,
    /// The largest message taken from an agent, after decompression.
    pub max_message_size: usize,
    /// The bearer token every OpAMP request must carry, when one is configured.
    pub bearer_token: Option<Arc<str>>,
}

pub fn router(shared: Shared, opamp_path: &str) -> Router {
    Router::new().route(opamp_path, any(opamp)).route("/status", get(status)).with_state(shared)
}

/// Whether `request` may be served: it carries the bearer token, when one is configured.
fn authorized(shared: &Shared, request: &Request) -> bool {
    shared.bearer_token.as_deref().is_none_or(|token| auth::authorized(request.headers(), token))
}

async fn opamp(State(shared): State<Shared>, request: Request) -> Response {
    if !authorized(&shared, &request) {
        return auth::unauthorized();
    }
    let plain_http = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.trim().eq_ignore_ascii_case(ottl_opamp::http::CONTENT_TYPE));
    if plain_http { http_transport::handle(shared, request).await } else { ws_transport::upgrade(shared, request) }
}

async fn status(State(shared): State<Shared>, request: Request) -> Response {
    if !authorized(&shared, &request) {
        return auth::unauthorized();
    }
    match shared.fleet.lock() {
        Ok(fleet) => Json(fleet.status()).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}
