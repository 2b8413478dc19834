//! Getter coercions (spec §3.2, `expression.go`): what a typed getter accepts, what a
//! `*LikeGetter` converts, and the error text when a value does not fit. Also Go's text
//! forms of values (`strconv`, `encoding/json`) that the conversions produce.

use std::fmt::Write as _;

use crate::error::{Error, Result};
use crate::value::{Map, Value};

fn expected(what: &str, got: &Value) -> Error {
    Error::new(format!("expected {what} but got {}", got.go_type()))
}

/// `StringGetter`.
pub fn string(value: &Value) -> Result<&str> {
    match value {
        Value::String(s) => Ok(s),
        other => Err(expected("string", other)),
    }
}

/// `IntGetter`.
pub fn int(value: &Value) -> Result<i64> {
    match value {
        Value::Int(i) => Ok(*i),
        other => Err(expected("int64", other)),
    }
}

/// `FloatGetter`.
pub fn float(value: &Value) -> Result<f64> {
    match value {
        Value::Float(f) => Ok(*f),
        other => Err(expected("float64", other)),
    }
}

/// `BoolGetter`.
pub fn bool(value: &Value) -> Result<bool> {
    match value {
        Value::Bool(b) => Ok(*b),
        other => Err(expected("bool", other)),
    }
}

/// `PMapGetter`.
pub fn map(value: &Value) -> Result<&Map> {
    match value {
        Value::Map(m) => Ok(m),
        other => Err(expected("pcommon.Map", other)),
    }
}

/// `PMapGetter`, taking the map.
pub fn into_map(value: Value) -> Result<Map> {
    match value {
        Value::Map(m) => Ok(m),
        other => Err(expected("pcommon.Map", &other)),
    }
}

/// `PSliceGetter`.
pub fn slice(value: &Value) -> Result<&[Value]> {
    match value {
        Value::Slice(items) => Ok(items),
        other => Err(expected("pcommon.Slice", other)),
    }
}

/// `TimeGetter`.
pub fn time(value: &Value) -> Result<chrono::DateTime<chrono::FixedOffset>> {
    match value {
        Value::Time(t) => Ok(*t),
        other => Err(expected("time", other)),
    }
}

/// `DurationGetter`.
pub fn duration(value: &Value) -> Result<i64> {
    match value {
        Value::Duration(d) => Ok(*d),
        other => Err(expected("duration", other)),
    }
}

/// `StringLikeGetter`: nil stays nil (`None`); bytes become hex; everything else its
/// JSON text (`json.Marshal`: an id is an array of numbers, a time a quoted RFC 3339 text).
pub fn string_like(value: &Value) -> Result<Option<String>> {
    Ok(Some(match value {
        Value::Nil => return Ok(None),
        Value::String(s) => s.clone(),
        Value::Bytes(b) => hex_lower(b),
        Value::Pdata(p) => return Err(Error::new(format!("unsupported type: {}", p.go_type()))),
        other => to_json_string(other),
    }))
}

/// `IntLikeGetter`: a string must parse as a base-10 integer.
pub fn int_like(value: &Value) -> Result<Option<i64>> {
    Ok(match value {
        Value::Nil => None,
        Value::Int(i) => Some(*i),
        Value::Float(f) => Some(float_to_int(*f)),
        Value::String(s) => Some(parse_go_int(s)?),
        Value::Bool(b) => Some(i64::from(*b)),
        other => return Err(Error::new(format!("unsupported type: {}", other.go_type()))),
    })
}

/// `FloatLikeGetter`.
pub fn float_like(value: &Value) -> Result<Option<f64>> {
    Ok(match value {
        Value::Nil => None,
        Value::Float(f) => Some(*f),
        Value::Int(i) => Some(*i as f64),
        Value::String(s) => Some(parse_go_float(s)?),
        Value::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
        other => return Err(Error::new(format!("unsupported type: {}", other.go_type()))),
    })
}

/// `BoolLikeGetter`.
pub fn bool_like(value: &Value) -> Result<Option<bool>> {
    Ok(match value {
        Value::Nil => None,
        Value::Bool(b) => Some(*b),
        Value::Int(i) => Some(*i != 0),
        Value::Float(f) => Some(*f != 0.0),
        Value::String(s) => Some(
            parse_go_bool(s).ok_or_else(|| Error::new(format!("strconv.ParseBool: parsing {}: invalid syntax", go_quote(s))))?,
        ),
        other => return Err(Error::new(format!("unsupported type: {}", other.go_type()))),
    })
}

/// `ByteSliceLikeGetter`: numbers as 8 big-endian bytes, bools as one byte.
pub fn bytes_like(value: &Value) -> Result<Option<Vec<u8>>> {
    Ok(match value {
        Value::Nil => None,
        Value::Bytes(b) => Some(b.clone()),
        Value::String(s) => Some(s.as_bytes().to_vec()),
        Value::Int(i) => Some(i.to_be_bytes().to_vec()),
        Value::Float(f) => Some(f.to_bits().to_be_bytes().to_vec()),
        Value::Bool(b) => Some(vec![u8::from(*b)]),
        other => return Err(Error::new(format!("unsupported type: {}", other.go_type()))),
    })
}

/// Go's `int64(f)` for the values OTTL meets: truncation toward zero (saturating where Go
/// is undefined).
pub fn float_to_int(f: f64) -> i64 {
    f as i64
}

/// `strconv.ParseInt(s, 10, 64)`, with its error text.
pub fn parse_go_int(s: &str) -> Result<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::new(format!("strconv.ParseInt: parsing {}: invalid syntax", go_quote(s))));
    }
    s.parse::<i64>().map_err(|_| Error::new(format!("strconv.ParseInt: parsing {}: value out of range", go_quote(s))))
}

/// `strconv.ParseBool`.
pub fn parse_go_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// `strconv.ParseFloat(s, 64)`, with its error text.
pub fn parse_go_float(s: &str) -> Result<f64> {
    let lower = s.to_ascii_lowercase();
    let special = match lower.trim_start_matches(['+', '-']) {
        "inf" | "infinity" => Some(f64::INFINITY),
        "nan" => Some(f64::NAN),
        _ => None,
    };
    if let Some(v) = special {
        return Ok(if lower.starts_with('-') { -v } else { v });
    }
    let cleaned: String = if s.contains('_') { s.replace('_', "") } else { s.to_string() };
    let valid_chars =
        !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit() || b".eE+-_xXpP".contains(&b) || b.is_ascii_hexdigit());
    match cleaned.parse::<f64>() {
        Ok(v) if valid_chars => Ok(v),
        _ => Err(Error::new(format!("strconv.ParseFloat: parsing {}: invalid syntax", go_quote(s)))),
    }
}

/// Go's `%q` / `strconv.Quote` for the messages that quote input.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Exactly `len` bytes from `2 * len` hex digits (either case), as ids are written.
pub fn parse_hex(text: &str, len: usize) -> Option<Vec<u8>> {
    if text.len() != 2 * len {
        return None;
    }
    (0..len).map(|i| text.get(2 * i..2 * i + 2).and_then(|h| u8::from_str_radix(h, 16).ok())).collect()
}

/// `bytes` as lowercase hex, two digits each (by table: hashes and ids are hexed per item,
/// and `write!` costs several times more).
pub fn hex_lower(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    out
}

/// `strconv.FormatFloat(f, 'f', -1, 64)`: the shortest text that reads back exactly,
/// never in exponent form.
pub fn format_float(f: f64) -> String {
    if f.is_nan() {
        "NaN".to_string()
    } else if f.is_infinite() {
        if f > 0.0 { "+Inf".to_string() } else { "-Inf".to_string() }
    } else {
        format!("{f}")
    }
}

/// A float as Go's `encoding/json` writes it: plain between 1e-6 and 1e21, else
/// exponent form with at least two exponent digits dropped to the needed ones (`1e+21`).
pub fn json_float(f: f64) -> String {
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let text = format!("{f:e}");
        let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
        let (sign, digits) = match exponent.strip_prefix('-') {
            Some(d) => ('-', d),
            None => ('+', exponent),
        };
        let digits = if digits.len() < 2 { format!("0{digits}") } else { digits.to_string() };
        // Go writes `1e-07` then trims to `1e-7`; positive exponents keep two digits.
        let digits = if sign == '-' { digits.trim_start_matches('0').to_string() } else { digits };
        format!("{mantissa}e{sign}{digits}")
    } else {
        format_float(f)
    }
}

/// `json.Marshal` of the raw form of a value: map keys sorted, HTML-sensitive characters
/// escaped, bytes as base64, as the reference's `AsString`/`String` produce.
pub fn to_json_string(value: &Value) -> String {
    let mut out = String::new();
    write_json(&mut out, value);
    out
}

fn write_json(out: &mut String, value: &Value) {
    match value {
        Value::Nil => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Float(f) if f.is_finite() => out.push_str(&json_float(*f)),
        // encoding/json refuses these; AsString then yields an empty object.
        Value::Float(_) => out.push_str("null"),
        Value::String(s) => write_json_string(out, s),
        // `AsRaw` gives a nil slice for empty bytes, which marshals as null.
        Value::Bytes(b) if b.is_empty() => out.push_str("null"),
        Value::Bytes(b) => write_json_string(out, &base64_std(b)),
        Value::Map(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json_string(out, k);
                out.push(':');
                write_json(out, &m[k]);
            }
            out.push('}');
        }
        Value::Slice(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(out, item);
            }
            out.push(']');
        }
        Value::Duration(d) => {
            let _ = write!(out, "{d}");
        }
        Value::Time(t) => write_json_string(out, &t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)),
        // Fixed-size ids marshal as arrays of numbers.
        Value::TraceId(id) | Value::ProfileId(id) => write_byte_array(out, id),
        Value::SpanId(id) => write_byte_array(out, id),
        Value::Pdata(p) => out.push_str(&format!("{{\"{}\":{{}}}}", p.go_type())),
    }
}

fn write_byte_array(out: &mut String, bytes: &[u8]) {
    out.push('[');
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(out, "{b}");
    }
    out.push(']');
}

/// A JSON string as `encoding/json` escapes it (with HTML escaping).
pub fn write_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Standard base64 with padding (Go's `base64.StdEncoding`).
pub fn base64_std(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |acc, (i, &b)| acc | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_quoting() {
        assert_eq!(go_quote(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(go_quote("x\ny"), r#""x\ny""#);
    }

    #[test]
    fn json_follows_go() {
        let mut m = Map::new();
        m.insert("b".into(), Value::Int(1));
        m.insert("a".into(), Value::String("<x>".into()));
        assert_eq!(to_json_string(&Value::Map(m)), r#"{"a":"\u003cx\u003e","b":1}"#);
        assert_eq!(json_float(1e21), "1e+21");
        assert_eq!(json_float(1e-7), "1e-7");
        assert_eq!(json_float(1.5), "1.5");
        assert_eq!(base64_std(b"hello"), "aGVsbG8=");
    }
}
