//! Decoding literal tokens into values, with Go's rules.

use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::span::Span;

/// Decodes a double-quoted string token (quotes included) by Go's `strconv.Unquote`
/// rules, which the reference applies to every string literal.
pub fn decode_string(raw: &str, span: Span) -> Result<String, Diagnostic> {
    let inner = &raw[1..raw.len() - 1];
    if !inner.contains('\\') {
        return Ok(inner.to_string());
    }
    let mut bytes: Vec<u8> = Vec::with_capacity(inner.len());
    let mut chars = inner.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if c != '\\' {
            let mut buf = [0u8; 4];
            bytes.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            continue;
        }
        // The lexer guarantees a character after every backslash inside a string.
        let escape_start = span.start + 1 + at;
        let (_, kind) = chars.next().unwrap_or((at, '\\'));
        let simple = match kind {
            'a' => Some(0x07),
            'b' => Some(0x08),
            'f' => Some(0x0c),
            'n' => Some(b'\n'),
            'r' => Some(b'\r'),
            't' => Some(b'\t'),
            'v' => Some(0x0b),
            '\\' => Some(b'\\'),
            '"' => Some(b'"'),
            _ => None,
        };
        if let Some(byte) = simple {
            bytes.push(byte);
            continue;
        }
        let (digits, radix, is_byte) = match kind {
            'x' => (2, 16, true),
            'u' => (4, 16, false),
            'U' => (8, 16, false),
            '0'..='7' => (3, 8, true),
            _ => {
                let len = kind.len_utf8() + 1;
                let escape = Span::new(escape_start, escape_start + len);
                return Err(invalid_escape(escape, format!("`\\{kind}` is not a valid escape"))
                    .with_help(format!("a regular expression needs its backslashes doubled: write `\\\\{kind}`"))
                    .with_fix(escape, format!("\\\\{kind}")));
            }
        };
        let mut text = String::new();
        if radix == 8 {
            text.push(kind);
        }
        while text.len() < digits {
            match chars.peek() {
                Some(&(_, d)) if d.is_digit(radix) => {
                    text.push(d);
                    chars.next();
                }
                _ => break,
            }
        }
        let escape_len = if radix == 8 { text.len() + 1 } else { text.len() + 2 };
        let escape_span = Span::new(escape_start, escape_start + escape_len);
        let value = u32::from_str_radix(&text, radix).ok().filter(|_| text.len() == digits);
        let Some(value) = value else {
            return Err(invalid_escape(
                escape_span,
                format!("`\\{kind}` needs {digits} {} digits", if radix == 8 { "octal" } else { "hex" }),
            ));
        };
        if is_byte {
            if value > 0xff {
                return Err(invalid_escape(escape_span, "octal escape above \\377".to_string()));
            }
            bytes.push(value as u8);
        } else {
            let Some(c) = char::from_u32(value) else {
                return Err(invalid_escape(escape_span, format!("U+{value:X} is not a valid code point")));
            };
            let mut buf = [0u8; 4];
            bytes.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        }
    }
    String::from_utf8(bytes).map_err(|_| {
        invalid_escape(span, "the byte escapes in this string do not form valid UTF-8, which OTLP strings require".to_string())
    })
}

fn invalid_escape(span: Span, detail: String) -> Diagnostic {
    Diagnostic::new(Code::InvalidEscape, format!("invalid escape in string: {detail}"), span, "this escape")
}

/// Decodes `0x…` into bytes; an odd digit count is an error (the reference decodes with
/// `hex.DecodeString`).
pub fn decode_bytes(raw: &str, span: Span) -> Result<Vec<u8>, Diagnostic> {
    let digits = &raw[2..];
    if digits.len() % 2 == 1 {
        return Err(Diagnostic::new(
            Code::OddLengthBytes,
            format!("bytes literal `{raw}` has an odd number of hex digits ({})", digits.len()),
            span,
            "each byte needs two hex digits",
        )
        .with_help(format!("pad it with a leading zero: `0x0{digits}`")));
    }
    Ok(digits
        .as_bytes()
        .chunks(2)
        .map(|pair| {
            // The lexer only admits hex digits.
            let hi = (pair[0] as char).to_digit(16).unwrap_or(0);
            let lo = (pair[1] as char).to_digit(16).unwrap_or(0);
            (hi * 16 + lo) as u8
        })
        .collect())
}

/// Parses an unsigned integer token; `negative` folds a preceding unary minus, so that
/// `-9223372036854775808` is representable.
pub fn parse_int(raw: &str, negative: bool, span: Span) -> Result<i64, Diagnostic> {
    let magnitude: Option<u64> = raw.parse().ok();
    let value = match (magnitude, negative) {
        (Some(m), false) => i64::try_from(m).ok(),
        (Some(m), true) => 0i64.checked_sub_unsigned(m),
        (None, _) => None,
    };
    value.ok_or_else(|| {
        Diagnostic::new(Code::IntegerOutOfRange, format!("integer literal `{raw}` does not fit in 64 bits"), span, "out of range")
            .with_help("write it as a float (`1.0e20`) or as a string")
    })
}

pub fn parse_float(raw: &str, negative: bool, span: Span) -> Result<f64, Diagnostic> {
    match raw.parse::<f64>() {
        Ok(value) if value.is_finite() => Ok(if negative { -value } else { value }),
        _ => {
            Err(Diagnostic::new(Code::FloatOutOfRange, format!("float literal `{raw}` is too large"), span, "would be infinite"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(raw: &str) -> Result<String, Code> {
        decode_string(raw, Span::new(0, raw.len())).map_err(|d| d.code)
    }

    #[test]
    fn go_escapes() {
        assert_eq!(decode(r#""\\""#).unwrap(), "\\");
        assert_eq!(decode(r#""\\\\""#).unwrap(), "\\\\");
        assert_eq!(decode(r#""\"""#).unwrap(), "\"");
        assert_eq!(decode(r#""a\tb\n""#).unwrap(), "a\tb\n");
        assert_eq!(decode(r#""\x41\101\u00e9\U0001F600""#).unwrap(), "AAé😀");
        assert_eq!(decode(r#""\xc3\xa9""#).unwrap(), "é");
    }

    #[test]
    fn bad_escapes() {
        assert_eq!(decode(r#""\d+""#), Err(Code::InvalidEscape));
        assert_eq!(decode(r#""\'""#), Err(Code::InvalidEscape));
        assert_eq!(decode(r#""\x4""#), Err(Code::InvalidEscape));
        assert_eq!(decode(r#""\xff""#), Err(Code::InvalidEscape));
        assert_eq!(decode(r#""\400""#), Err(Code::InvalidEscape));
        assert_eq!(decode(r#""\uD800""#), Err(Code::InvalidEscape));
    }

    #[test]
    fn escape_spans_point_at_the_escape() {
        let raw = r#""ab\qc""#;
        let d = decode_string(raw, Span::new(10, 10 + raw.len())).unwrap_err();
        assert_eq!(d.span(), Span::new(13, 15));
    }

    #[test]
    fn integers() {
        let s = Span::default();
        assert_eq!(parse_int("9223372036854775807", false, s).unwrap(), i64::MAX);
        assert_eq!(parse_int("9223372036854775808", true, s).unwrap(), i64::MIN);
        assert!(parse_int("9223372036854775808", false, s).is_err());
        assert!(parse_int("99999999999999999999999", true, s).is_err());
    }

    #[test]
    fn bytes() {
        let s = Span::default();
        assert_eq!(decode_bytes("0x0aFF", s).unwrap(), vec![0x0a, 0xff]);
        assert_eq!(decode_bytes("0x123", s).unwrap_err().code, Code::OddLengthBytes);
    }
}
