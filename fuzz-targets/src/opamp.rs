//! OpAMP messages as `ottl-opamp` receives them: a WebSocket binary message (the varint
//! header, then the protobuf) and a plain-HTTP body (gzip or not, bounded after
//! decompression), each read as both directions' message. What decodes must come back
//! unchanged through the same transport's encoder.

use ottl_opamp::proto::{AgentToServer, ServerToAgent};
use ottl_opamp::{framing, http};
use prost::Message;

/// The limit of a WebSocket message: small, so that refusing a large one is exercised.
pub const WEBSOCKET_LIMIT: usize = 4 << 10;
/// The `Content-Encoding` values an HTTP body target picks from (`None`: no header).
pub const CONTENT_ENCODINGS: [Option<&str>; 8] =
    [None, Some(""), Some("identity"), Some("gzip"), Some(" GZIP "), Some("x-gzip"), Some("deflate"), Some("br")];
/// The limits an HTTP body target picks from.
pub const HTTP_LIMITS: [usize; 4] = [0, 64, 4 << 10, 1 << 20];

/// One WebSocket binary message.
pub fn websocket_message(data: &[u8]) {
    websocket_as::<AgentToServer>(data);
    websocket_as::<ServerToAgent>(data);
}

/// A plain-HTTP body: one byte that picks the `Content-Encoding`, the limit and the
/// message (see [`http_body_input`]), then the body.
pub fn http_body(data: &[u8]) {
    let Some((&selector, body)) = data.split_first() else { return };
    let content_encoding = CONTENT_ENCODINGS[usize::from(selector & 7)];
    let limit = HTTP_LIMITS[usize::from((selector >> 3) & 3)];
    if selector & 0x20 == 0 {
        http_as::<AgentToServer>(body, content_encoding, limit);
    } else {
        http_as::<ServerToAgent>(body, content_encoding, limit);
    }
}

/// The input of [`http_body`]: a body with the `content_encoding`-th of
/// [`CONTENT_ENCODINGS`] within the `limit`-th of [`HTTP_LIMITS`], a `ServerToAgent`
/// when `to_agent`, else an `AgentToServer`.
pub fn http_body_input(content_encoding: usize, limit: usize, to_agent: bool, body: &[u8]) -> Vec<u8> {
    let selector = (content_encoding & 7) as u8 | (((limit & 3) as u8) << 3) | if to_agent { 0x20 } else { 0 };
    [&[selector][..], body].concat()
}

fn websocket_as<T: Message + Default>(data: &[u8]) {
    let Ok(message) = framing::decode::<T>(data, WEBSOCKET_LIMIT) else { return };
    let written = framing::encode(&message);
    match framing::decode::<T>(&written, usize::MAX) {
        Ok(again) => assert!(framing::encode(&again) == written, "a WebSocket message changes when decoded again"),
        Err(error) => panic!("ottl-opamp's own WebSocket message does not decode: {error}"),
    }
}

fn http_as<T: Message + Default>(body: &[u8], content_encoding: Option<&str>, limit: usize) {
    let Ok(message) = http::decode_body::<T>(body, content_encoding, limit) else { return };
    let plain = message.encode_to_vec();
    let compressed = match http::encode_body(&message, true) {
        Ok(compressed) => compressed,
        Err(error) => panic!("gzip into memory failed: {error}"),
    };
    match http::decode_body::<T>(&compressed, Some(http::GZIP), usize::MAX) {
        Ok(again) => assert!(again.encode_to_vec() == plain, "an HTTP body changes when decoded again"),
        Err(error) => panic!("ottl-opamp's own gzip body does not decode: {error}"),
    }
}
