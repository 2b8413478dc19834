//! The plain-HTTP transport: each POST carries one `AgentToServer` and is answered with one
//! `ServerToAgent`; an offer rides on the answer to a poll. A new agent the full fleet
//! refuses gets 503 with `Retry-After`, which every HTTP client honours (or at least retries).

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderName, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ottl_opamp::DecodeError;
use ottl_opamp::http::{CONTENT_TYPE, GZIP, accepts_gzip, decode_body, encode_body};
use ottl_opamp::proto::AgentToServer;

use crate::fleet::retry_after;
use crate::registry::Transport;
use crate::server::Shared;

pub async fn handle(shared: Shared, request: Request) -> Response {
    if request.method() != Method::POST {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    }
    let content_encoding = header_text(request.headers(), header::CONTENT_ENCODING);
    let gzip_reply = header_text(request.headers(), header::ACCEPT_ENCODING).is_some_and(|accept| accepts_gzip(&accept));
    // A compressed body is bounded by the same limit before it is decompressed.
    let Ok(body) = axum::body::to_bytes(request.into_body(), shared.max_message_size).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let message: AgentToServer = match decode_body(&body, content_encoding.as_deref(), shared.max_message_size) {
        Ok(message) => message,
        Err(DecodeError::TooLarge { .. }) => return StatusCode::PAYLOAD_TOO_LARGE.into_response(),
        Err(error) => return (StatusCode::BAD_REQUEST, error.to_string()).into_response(),
    };
    let reply = match shared.fleet.lock() {
        Ok(mut fleet) => fleet.receive(&message, Transport::Http, None, Instant::now()),
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    if let Some(wait) = retry_after(&reply) {
        return service_unavailable(wait);
    }
    match encode_body(&reply, gzip_reply) {
        Ok(bytes) => {
            let mut response = Response::new(Body::from(bytes));
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_TYPE, header::HeaderValue::from_static(CONTENT_TYPE));
            if gzip_reply {
                headers.insert(header::CONTENT_ENCODING, header::HeaderValue::from_static(GZIP));
            }
            response
        }
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// 503 with `Retry-After` in whole seconds, rounded up.
fn service_unavailable(wait: Duration) -> Response {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let mut response = (StatusCode::SERVICE_UNAVAILABLE, "the fleet is full; retry later").into_response();
    response.headers_mut().insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
    response
}

fn header_text(headers: &HeaderMap, name: HeaderName) -> Option<String> {
    headers.get(name).and_then(|value| value.to_str().ok()).map(str::to_string)
}
