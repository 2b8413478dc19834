//! The JSON tokens of the writer, appended to a byte buffer, exactly as `serde_json`'s
//! compact serializer writes them (so that the output did not change when the writer
//! stopped going through `serde_json::Value`).

use serde_json::ser::{CompactFormatter, Formatter};

/// Whether a byte is escaped in a JSON string.
fn needs_escape(byte: u8) -> bool {
    byte < 0x20 || byte == b'"' || byte == b'\\'
}

/// A JSON string, escaped as `serde_json` escapes it.
pub fn string(out: &mut Vec<u8>, value: &str) {
    out.push(b'"');
    let bytes = value.as_bytes();
    // Most strings have nothing to escape: one scan, one copy.
    let Some(first) = bytes.iter().position(|&b| needs_escape(b)) else {
        out.extend_from_slice(bytes);
        out.push(b'"');
        return;
    };
    out.extend_from_slice(&bytes[..first]);
    let mut start = first;
    for (i, &byte) in bytes.iter().enumerate().skip(first) {
        let escape: &[u8] = match byte {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0..0x20 => {
                const DIGITS: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(&bytes[start..i]);
                out.extend_from_slice(&[
                    b'\\',
                    b'u',
                    b'0',
                    b'0',
                    DIGITS[usize::from(byte >> 4)],
                    DIGITS[usize::from(byte & 0xf)],
                ]);
                start = i + 1;
                continue;
            }
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        out.extend_from_slice(escape);
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

// Writing to a `Vec<u8>` cannot fail: the formatter's `io::Result`s below are always `Ok`.

pub fn u64(out: &mut Vec<u8>, value: u64) {
    let _ = CompactFormatter.write_u64(out, value);
}

pub fn i64(out: &mut Vec<u8>, value: i64) {
    let _ = CompactFormatter.write_i64(out, value);
}

/// A double; non-finite ones as the OTLP/JSON mapping's strings.
pub fn f64(out: &mut Vec<u8>, value: f64) {
    if value.is_nan() {
        out.extend_from_slice(b"\"NaN\"");
    } else if value.is_infinite() {
        out.extend_from_slice(if value > 0.0 { b"\"Infinity\"" } else { b"\"-Infinity\"" });
    } else {
        let _ = CompactFormatter.write_f64(out, value);
    }
}
