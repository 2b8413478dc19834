//! The WebSocket transport's framing (spec/OPAMP.md §1.2): each binary message is a
//! protobuf varint header, whose only defined value is 0, then the protobuf.
//!
//! The decoder is strict, as the spec allows: a header that does not decode to 0 makes the
//! message malformed. (opamp-go also accepts messages with no header at all, a grace period
//! that ended in 2023; every peer since writes the header.)

use prost::Message;

use crate::{DecodeError, decode_limited};

/// The header every message carries today.
pub const HEADER: u64 = 0;

/// A message as one WebSocket binary message: the header, then the protobuf.
pub fn encode(message: &impl Message) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(1 + message.encoded_len());
    prost::encoding::encode_varint(HEADER, &mut bytes);
    message.encode_raw(&mut bytes);
    bytes
}

/// The message in a WebSocket binary message; `limit` bounds the whole message.
pub fn decode<T: Message + Default>(bytes: &[u8], limit: usize) -> Result<T, DecodeError> {
    if bytes.len() > limit {
        return Err(DecodeError::TooLarge { limit });
    }
    let mut rest = bytes;
    match prost::encoding::decode_varint(&mut rest) {
        Ok(HEADER) => decode_limited(rest, limit),
        _ => Err(DecodeError::BadHeader),
    }
}
