//! A minimal blocking OTLP/HTTP client (ureq, plain HTTP on loopback): enough to send a
//! payload to a collector or the agent and see how it answered.

use std::time::Duration;

use serde_json::Value as Json;

/// How long one request may take, connecting included.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// An HTTP answer: every status is an answer here, not an error (tests assert 4xx and 5xx).
#[derive(Clone, Debug)]
pub struct Response {
    pub status: u16,
    /// Header names in lowercase, in the order received.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// The first value of header `name` (lowercase).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// POSTs `body` to `url` with `content_type` and any further `headers` (e.g.
/// `Content-Encoding: gzip` over a body compressed by the caller). An error only when no
/// answer came (refused connection, timeout).
pub fn post(url: &str, content_type: &str, headers: &[(&str, &str)], body: &[u8]) -> Result<Response, String> {
    let agent: ureq::Agent =
        ureq::Agent::config_builder().http_status_as_error(false).timeout_global(Some(REQUEST_TIMEOUT)).build().into();
    let request = headers
        .iter()
        .fold(agent.post(url).header("content-type", content_type), |request, (name, value)| request.header(*name, *value));
    let mut response = request.send(body).map_err(|e| format!("POST {url}: {e}"))?;
    let headers = response
        .headers()
        .iter()
        .map(|(name, value)| (name.as_str().to_string(), String::from_utf8_lossy(value.as_bytes()).into_owned()))
        .collect();
    let body = response.body_mut().read_to_vec().map_err(|e| format!("POST {url}: reading the answer: {e}"))?;
    Ok(Response { status: response.status().as_u16(), headers, body })
}

/// POSTs an OTLP/JSON payload (`{"resourceLogs": …}` to `…/v1/logs`, and so on); the status.
pub fn post_otlp_json(url: &str, json: &Json) -> Result<u16, String> {
    post(url, "application/json", &[], json.to_string().as_bytes()).map(|response| response.status)
}
