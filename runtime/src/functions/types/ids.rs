//! `TraceID`, `SpanID` and `ProfileID`: ids from bytes or hex text, decoded when the
//! statement loads for a literal.

use super::*;

pub(crate) static FUNCTIONS: &[Function] = &[
    Function::converter(
        "TraceID",
        &[r("bytes", K::ByteSliceLikeGetter)],
        T::TraceId,
        converter!(trace_id(bytes)),
        "A trace ID from exactly 16 bytes (a bytes literal or a hex string).",
        &[
            Example::new(r#"TraceID(0x0102030405060708090a0b0c0d0e0f10)"#, "trace_id"),
            Example::new(r#"TraceID("0102030405060708090a0b0c0d0e0f10")"#, "trace_id"),
        ],
    )
    .literals(|args| id_literal::<16>("TraceID", args))
    .pure(),
    Function::converter(
        "SpanID",
        &[r("bytes", K::ByteSliceLikeGetter)],
        T::SpanId,
        converter!(span_id(bytes)),
        "A span ID from exactly 8 bytes (a bytes literal or a hex string).",
        &[Example::new(r#"SpanID(0x0102030405060708)"#, "span_id"), Example::new(r#"SpanID("0102030405060708")"#, "span_id")],
    )
    .literals(|args| id_literal::<8>("SpanID", args))
    .pure(),
    Function::converter(
        "ProfileID",
        &[r("bytes", K::ByteSliceLikeGetter)],
        T::ProfileId,
        converter!(profile_id(bytes)),
        "A profile ID from exactly 16 bytes (a bytes literal or a hex string).",
        &[Example::new(r#"ProfileID(0x0102030405060708090a0b0c0d0e0f10)"#, r#"ProfileID("0102030405060708090a0b0c0d0e0f10")"#)],
    )
    .literals(|args| id_literal::<16>("ProfileID", args))
    .pure(),
];

fn trace_id(bytes: BytesLike) -> Result<Value> {
    decode_id("TraceID", &bytes.0.unwrap_or_default()).map(Value::TraceId)
}

fn span_id(bytes: BytesLike) -> Result<Value> {
    decode_id("SpanID", &bytes.0.unwrap_or_default()).map(Value::SpanId)
}

fn profile_id(bytes: BytesLike) -> Result<Value> {
    decode_id("ProfileID", &bytes.0.unwrap_or_default()).map(Value::ProfileId)
}

/// The load-time check of an id function (`newIDExprFunc` decodes a literal when the
/// statement is built): a bytes or string literal that is no id of `N` bytes stops the
/// collector with the error a call would give.
fn id_literal<const N: usize>(function: &str, args: &LiteralArgs<'_>) -> Vec<LiteralError> {
    let bytes = match args.get("bytes") {
        Some(Literal::Bytes(bytes)) => *bytes,
        Some(Literal::String(text)) => text.as_bytes(),
        _ => return Vec::new(),
    };
    let Err(error) = decode_id::<N>(function, bytes) else { return Vec::new() };
    let problem = LiteralError::new("bytes", error.to_string());
    // At 2N bytes only the hex is wrong; at any other length, the length.
    let problem = if bytes.len() == 2 * N {
        problem
    } else {
        problem.help(format!("give {N} bytes (0x…) or a string of {} hex digits", 2 * N))
    };
    vec![problem]
}

/// An id from exactly `N` bytes, or from `2N` bytes of hex text (the reference's
/// `bytesToID`).
fn decode_id<const N: usize>(function: &str, bytes: &[u8]) -> Result<[u8; N]> {
    if let Ok(id) = <[u8; N]>::try_from(bytes) {
        return Ok(id);
    }
    if bytes.len() != 2 * N {
        bail!("{function}: could not decode ID: invalid length: expected {N} or {} bytes, got {}", 2 * N, bytes.len());
    }
    let nibble = |c: u8| {
        char::from(c).to_digit(16).ok_or_else(|| {
            Error::new(format!(
                "{function}: could not decode ID: invalid hex: encoding/hex: invalid byte: {}",
                go_unicode_form(char::from(c))
            ))
        })
    };
    let mut id = [0u8; N];
    for (out, pair) in id.iter_mut().zip(bytes.chunks_exact(2)) {
        *out = ((nibble(pair[0])? << 4) | nibble(pair[1])?) as u8;
    }
    Ok(id)
}

/// Go's `%#U`: `U+0067 'g'`, without the quoted character when it is not printable.
fn go_unicode_form(c: char) -> String {
    let printable = !c.is_control() && (c == ' ' || !c.is_whitespace()) && c != '\u{ad}';
    if printable { format!("U+{:04X} '{c}'", c as u32) } else { format!("U+{:04X}", c as u32) }
}
