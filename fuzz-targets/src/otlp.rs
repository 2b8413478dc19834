//! OTLP payloads as the agent's receivers read them (`ottl_agent::receivers::otlp`): the
//! four signals' export requests in protobuf (the gRPC and HTTP receivers decode the same
//! prost messages) and in OTLP/JSON, and HTTP bodies through the bounded decompression.
//!
//! What decodes must also survive the agent's way out: written as protobuf it decodes to
//! the same bytes again, and written as OTLP/JSON (the file and debug exporters) it reads
//! back to the same JSON.

use ottl_agent::receivers::otlp::decompress::{self, Decompressed};
use ottl_agent::receivers::otlp::http::{self, Encoding};
use ottl_runtime::otlp::{Signal, Telemetry};
use ottl_runtime::otlp_json;
use prost::Message;

/// The `Content-Encoding` values an HTTP body target picks from: the supported ones, their
/// spellings, and one the receiver refuses.
pub const CONTENT_ENCODINGS: [&str; 8] = ["", "identity", "gzip", "x-gzip", "deflate", "zstd", " GZIP ", "br"];
/// The body limit of the HTTP body target: small, so that bombs reach it quickly.
pub const BODY_LIMIT: usize = 64 << 10;

/// A protobuf export request, decoded as each signal's.
pub fn protobuf(data: &[u8]) {
    for signal in Signal::ALL {
        if let Ok(telemetry) = http::decode(signal, Encoding::Protobuf, data) {
            protobuf_round_trip(signal, &telemetry);
            json_round_trip(signal, &telemetry);
        }
    }
}

/// An OTLP/JSON export request, read as each signal's.
pub fn json(data: &[u8]) {
    for signal in Signal::ALL {
        if let Ok(telemetry) = http::decode(signal, Encoding::Json, data) {
            json_round_trip(signal, &telemetry);
        }
    }
}

/// An OTLP/HTTP body: one byte that picks the `Content-Encoding`, the signal and the
/// encoding (see [`http_body_input`]), then the body, decompressed within [`BODY_LIMIT`]
/// and decoded as the HTTP receiver does.
pub fn http_body(data: &[u8]) {
    let Some((&selector, body)) = data.split_first() else { return };
    let content_encoding = CONTENT_ENCODINGS[usize::from(selector & 7)];
    let signal = Signal::ALL[usize::from((selector >> 3) & 3)];
    let encoding = if selector & 0x20 == 0 { Encoding::Protobuf } else { Encoding::Json };
    match decompress::body(content_encoding, body, BODY_LIMIT) {
        Decompressed::Body(plain) => {
            assert!(plain.len() <= BODY_LIMIT, "{} bytes decompressed past the limit", plain.len());
            let _ = http::decode(signal, encoding, &plain);
        }
        Decompressed::TooLarge | Decompressed::Invalid(_) => {}
    }
}

/// The input of [`http_body`] for a body with the `content_encoding`-th of
/// [`CONTENT_ENCODINGS`], of `signal` in `encoding`.
pub fn http_body_input(content_encoding: usize, signal: Signal, encoding: Encoding, body: &[u8]) -> Vec<u8> {
    let signal_index = Signal::ALL.iter().position(|s| *s == signal).unwrap_or(0);
    let json = if encoding == Encoding::Json { 0x20 } else { 0 };
    let selector = (content_encoding & 7) as u8 | ((signal_index as u8) << 3) | json;
    [&[selector][..], body].concat()
}

/// The protobuf of a payload (each data message has its request's field numbers).
pub fn protobuf_bytes(telemetry: &Telemetry) -> Vec<u8> {
    match telemetry {
        Telemetry::Traces(data) => data.encode_to_vec(),
        Telemetry::Metrics(data) => data.encode_to_vec(),
        Telemetry::Logs(data) => data.encode_to_vec(),
        Telemetry::Profiles(data) => data.encode_to_vec(),
    }
}

/// A payload as compact OTLP/JSON, as the exporters write it.
pub fn json_bytes(telemetry: &Telemetry) -> Vec<u8> {
    let mut out = Vec::new();
    if let Err(error) = otlp_json::write(telemetry, &mut out) {
        panic!("writing OTLP/JSON into memory failed: {error}");
    }
    out
}

/// Written as protobuf and decoded again, a payload encodes to the same bytes.
fn protobuf_round_trip(signal: Signal, telemetry: &Telemetry) {
    let written = protobuf_bytes(telemetry);
    match http::decode(signal, Encoding::Protobuf, &written) {
        Ok(again) => assert!(protobuf_bytes(&again) == written, "{} protobuf changes when decoded again", signal.name()),
        Err(error) => panic!("the agent's own {} protobuf does not decode: {error}", signal.name()),
    }
}

/// Written as OTLP/JSON and read again, a payload writes the same JSON.
fn json_round_trip(signal: Signal, telemetry: &Telemetry) {
    let written = json_bytes(telemetry);
    match http::decode(signal, Encoding::Json, &written) {
        Ok(again) => {
            let rewritten = json_bytes(&again);
            assert!(
                rewritten == written,
                "{} OTLP/JSON changes when read again:\n{}\n{}",
                signal.name(),
                String::from_utf8_lossy(&written),
                String::from_utf8_lossy(&rewritten)
            );
        }
        Err(error) => {
            panic!("the agent's own {} OTLP/JSON does not read: {error}\n{}", signal.name(), String::from_utf8_lossy(&written))
        }
    }
}
