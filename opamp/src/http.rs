//! The plain-HTTP transport's bodies (spec/OPAMP.md §1.3): a `POST` of a protobuf
//! `AgentToServer`, answered by a protobuf `ServerToAgent`, either possibly gzip-compressed.
//! The size limit applies after decompression, and decompression stops at it, so that a
//! small compressed body cannot expand without bound.

use std::io::Read;

use flate2::Compression;
use flate2::read::{GzDecoder, GzEncoder};
use prost::Message;

use crate::{DecodeError, decode_limited};

/// The content type both directions carry; a server tells plain HTTP from a WebSocket
/// upgrade by it.
pub const CONTENT_TYPE: &str = "application/x-protobuf";
/// The request header with the agent's instance uid as UUID text.
pub const INSTANCE_UID_HEADER: &str = "OpAMP-Instance-UID";
/// The one compression the transport defines.
pub const GZIP: &str = "gzip";

/// A message as a body, gzip-compressed when `gzip` (compressing in memory fails only
/// when memory does).
pub fn encode_body(message: &impl Message, gzip: bool) -> std::io::Result<Vec<u8>> {
    let plain = message.encode_to_vec();
    if !gzip {
        return Ok(plain);
    }
    let mut compressed = Vec::new();
    GzEncoder::new(plain.as_slice(), Compression::fast()).read_to_end(&mut compressed)?;
    Ok(compressed)
}

/// The message in a body with the given `Content-Encoding`; at most `limit` bytes after
/// decompression.
pub fn decode_body<T: Message + Default>(body: &[u8], content_encoding: Option<&str>, limit: usize) -> Result<T, DecodeError> {
    match content_encoding.map(str::trim) {
        None | Some("") | Some("identity") => decode_limited(body, limit),
        Some(encoding) if encoding.eq_ignore_ascii_case(GZIP) => {
            let mut plain = Vec::new();
            let bound = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
            GzDecoder::new(body)
                .take(bound)
                .read_to_end(&mut plain)
                .map_err(|error| DecodeError::BadCompression(error.to_string()))?;
            decode_limited(&plain, limit)
        }
        Some(encoding) => Err(DecodeError::UnsupportedEncoding(encoding.to_string())),
    }
}

/// Whether an `Accept-Encoding` value takes gzip: `gzip` or `*` with a q-value above 0.
pub fn accepts_gzip(accept_encoding: &str) -> bool {
    accept_encoding.split(',').any(|item| {
        let mut parts = item.split(';').map(str::trim);
        let coding = parts.next().unwrap_or_default();
        let quality =
            parts.find_map(|parameter| parameter.strip_prefix("q=").and_then(|q| q.trim().parse::<f64>().ok())).unwrap_or(1.0);
        (coding.eq_ignore_ascii_case(GZIP) || coding == "*") && quality > 0.0
    })
}

/// An instance uid as canonical UUID text (`8-4-4-4-12` lowercase hex), for
/// [`INSTANCE_UID_HEADER`]; `None` unless it is 16 bytes.
pub fn uid_text(uid: &[u8]) -> Option<String> {
    if uid.len() != 16 {
        return None;
    }
    let hex: String = uid.iter().map(|byte| format!("{byte:02x}")).collect();
    Some(format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::{AgentToServer, ServerToAgent};

    fn heartbeat() -> AgentToServer {
        AgentToServer { instance_uid: vec![7; 16], sequence_num: 2, capabilities: 0x3003, ..Default::default() }
    }

    #[test]
    fn bodies_round_trip_plain_and_gzip() {
        for gzip in [false, true] {
            let body = encode_body(&heartbeat(), gzip).unwrap();
            let encoding = gzip.then_some("gzip");
            assert_eq!(decode_body::<AgentToServer>(&body, encoding, 1 << 20), Ok(heartbeat()), "gzip: {gzip}");
        }
    }

    #[test]
    fn a_gzip_bomb_stops_at_the_limit() {
        let huge = AgentToServer { instance_uid: vec![0; 4 << 20], ..Default::default() };
        let body = encode_body(&huge, true).unwrap();
        assert!(body.len() < 64 << 10, "compresses well: {}", body.len());
        assert_eq!(decode_body::<AgentToServer>(&body, Some("gzip"), 1 << 20), Err(DecodeError::TooLarge { limit: 1 << 20 }));
    }

    #[test]
    fn bad_bodies_are_errors() {
        assert!(matches!(decode_body::<ServerToAgent>(b"not gzip", Some("gzip"), 1024), Err(DecodeError::BadCompression(_))));
        assert!(matches!(decode_body::<ServerToAgent>(b"\x0a\xff", None, 1024), Err(DecodeError::BadProtobuf(_))));
        assert!(matches!(decode_body::<ServerToAgent>(b"", Some("br"), 1024), Err(DecodeError::UnsupportedEncoding(_))));
    }

    #[test]
    fn accept_encoding_with_q_values() {
        assert!(accepts_gzip("gzip"));
        assert!(accepts_gzip("br, gzip;q=0.5"));
        assert!(accepts_gzip("*"));
        assert!(!accepts_gzip("gzip;q=0"));
        assert!(!accepts_gzip("br, identity"));
    }

    #[test]
    fn uids_as_uuid_text() {
        let uid: Vec<u8> = (1..=16).collect();
        assert_eq!(uid_text(&uid).as_deref(), Some("01020304-0506-0708-090a-0b0c0d0e0f10"));
        assert_eq!(uid_text(b"short"), None);
    }
}
