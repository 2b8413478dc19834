//! The OpAMP protocol (opamp-spec `proto/opamp/v1`), for both ends: the agent's client and
//! a server for a fleet.
//!
//! - [`proto`]: every message, written as prost structs from the spec's field tables (no
//!   `protoc` at build time); the package name is not on the wire.
//! - [`framing`]: a WebSocket message is a varint header (always 0) and the protobuf.
//! - [`http`]: the plain-HTTP transport's bodies: content type, gzip, the size limit.
//! - [`hash`]: a config map's hash, as a server computes it and an agent checks it.
//! - [`capabilities`]: the agent's and the server's capability bits and the message flags.

pub mod capabilities;
pub mod framing;
pub mod hash;
pub mod http;
pub mod proto;

/// The size limit the spec recommends for one message, after decompression.
pub const DEFAULT_MAX_MESSAGE_SIZE: usize = 64 << 20;

/// Why a received message was not read. Every variant closes the exchange (WebSocket) or
/// fails the request (HTTP); none is a panic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// Larger than the limit (before or after decompression).
    TooLarge { limit: usize },
    /// A WebSocket header that is not the varint 0 (or no header at all).
    BadHeader,
    /// A body whose `Content-Encoding` is neither gzip nor absent.
    UnsupportedEncoding(String),
    /// A gzip body that does not decompress.
    BadCompression(String),
    /// Not the protobuf of the expected message.
    BadProtobuf(String),
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecodeError::TooLarge { limit } => write!(f, "the message is larger than the limit of {limit} bytes"),
            DecodeError::BadHeader => f.write_str("the WebSocket message does not start with the OpAMP header 0"),
            DecodeError::UnsupportedEncoding(encoding) => write!(f, "unsupported Content-Encoding `{encoding}`"),
            DecodeError::BadCompression(error) => write!(f, "the gzip body does not decompress: {error}"),
            DecodeError::BadProtobuf(error) => write!(f, "not an OpAMP message: {error}"),
        }
    }
}

impl std::error::Error for DecodeError {}

/// Decodes `bytes` as `T`, refusing more than `limit` bytes.
fn decode_limited<T: prost::Message + Default>(bytes: &[u8], limit: usize) -> Result<T, DecodeError> {
    if bytes.len() > limit {
        return Err(DecodeError::TooLarge { limit });
    }
    T::decode(bytes).map_err(|error| DecodeError::BadProtobuf(error.to_string()))
}

#[cfg(test)]
mod wire_vectors;
