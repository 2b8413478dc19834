//! Go's `encoding/base64` (Go 1.26) in its four variants (`StdEncoding`, `RawStdEncoding`,
//! `URLEncoding`, `RawURLEncoding`). Encoding uses the `base64` crate; decoding follows
//! Go's own rules, which the crate does not reproduce: CR and LF are skipped anywhere, the
//! bits after the last full byte need not be zero, and an error names the offset Go names
//! (`illegal base64 data at input byte 4`).

use base64::Engine as _;
use base64::engine::general_purpose::{GeneralPurpose, STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};

#[derive(Clone, Copy)]
pub(crate) enum Variant {
    Standard,
    StandardRaw,
    Url,
    UrlRaw,
}

impl Variant {
    /// The variant for an OTTL encoding name.
    pub(crate) fn named(name: &str) -> Option<Variant> {
        Some(match name {
            "base64" => Variant::Standard,
            "base64-raw" => Variant::StandardRaw,
            "base64-url" => Variant::Url,
            "base64-raw-url" => Variant::UrlRaw,
            _ => return None,
        })
    }

    fn engine(self) -> &'static GeneralPurpose {
        match self {
            Variant::Standard => &STANDARD,
            Variant::StandardRaw => &STANDARD_NO_PAD,
            Variant::Url => &URL_SAFE,
            Variant::UrlRaw => &URL_SAFE_NO_PAD,
        }
    }

    pub(crate) fn encode(self, bytes: &[u8]) -> String {
        self.engine().encode(bytes)
    }

    fn padded(self) -> bool {
        matches!(self, Variant::Standard | Variant::Url)
    }

    /// The 6-bit value of an alphabet character.
    fn sextet(self, c: u8) -> Option<u8> {
        let url = matches!(self, Variant::Url | Variant::UrlRaw);
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' if !url => 62,
            b'/' if !url => 63,
            b'-' if url => 62,
            b'_' if url => 63,
            _ => return None,
        })
    }

    /// Decodes as Go's `Encoding.DecodeString` does; the error is Go's message.
    pub(crate) fn decode(self, input: &[u8]) -> Result<Vec<u8>, String> {
        self.decode_quanta(input).map_err(|offset| format!("illegal base64 data at input byte {offset}"))
    }

    /// Reads groups of four characters (three bytes); a group that padding or the end
    /// of unpadded input cuts short ends the input. The error is the offending offset.
    fn decode_quanta(self, input: &[u8]) -> Result<Vec<u8>, usize> {
        let mut out = Vec::with_capacity(input.len() / 4 * 3 + 2);
        let mut pos = 0;
        loop {
            let mut quantum = [0u8; 4];
            let mut filled = 0;
            let length = loop {
                if filled == quantum.len() {
                    break filled;
                }
                let Some(&c) = input.get(pos) else {
                    match filled {
                        0 => return Ok(out),
                        1 => return Err(pos - 1),
                        _ if self.padded() => return Err(pos - filled),
                        _ => break filled,
                    }
                };
                pos += 1;
                if let Some(value) = self.sextet(c) {
                    quantum[filled] = value;
                    filled += 1;
                } else if c != b'\n' && c != b'\r' {
                    if c != b'=' || !self.padded() || filled < 2 {
                        return Err(pos - 1);
                    }
                    pos = self.end_of_padding(input, pos, filled)?;
                    break filled;
                }
            };
            let bits = quantum.iter().fold(0u32, |acc, &s| acc << 6 | u32::from(s));
            out.extend_from_slice(&bits.to_be_bytes()[1..length]);
            if length < quantum.len() {
                return Ok(out);
            }
        }
    }

    /// After the first `=` (at `pos - 1`) of a group holding `filled` characters: the
    /// second `=` a two-character group needs, then nothing but line breaks.
    fn end_of_padding(self, input: &[u8], mut pos: usize, filled: usize) -> Result<usize, usize> {
        if filled == 2 {
            pos = skip_line_breaks(input, pos);
            match input.get(pos) {
                None => return Err(input.len()),
                Some(b'=') => pos += 1,
                Some(_) => return Err(pos - 1),
            }
        }
        pos = skip_line_breaks(input, pos);
        if pos < input.len() { Err(pos) } else { Ok(pos) }
    }
}

fn skip_line_breaks(input: &[u8], mut pos: usize) -> usize {
    while matches!(input.get(pos), Some(b'\n' | b'\r')) {
        pos += 1;
    }
    pos
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_as_go_does() {
        let variant = |name: &str| Variant::named(name).unwrap_or_else(|| panic!("{name}"));
        assert_eq!(variant("base64").decode(b"aGVsbG8g\r\nd29ybGQ=").unwrap(), b"hello world");
        assert_eq!(variant("base64-raw-url").decode(b"R28_L1p-eA").unwrap(), b"Go?/Z~x");
        assert_eq!(variant("base64").decode(b"YQ=").unwrap_err(), "illegal base64 data at input byte 3");
        assert_eq!(variant("base64-raw").decode(b"Y").unwrap_err(), "illegal base64 data at input byte 0");
        assert!(Variant::named("base32").is_none());
    }

    #[test]
    fn encodes_in_each_variant() {
        let encode = |name: &str| Variant::named(name).map(|v| v.encode(b"Go?/Z~x"));
        assert_eq!(encode("base64").as_deref(), Some("R28/L1p+eA=="));
        assert_eq!(encode("base64-raw").as_deref(), Some("R28/L1p+eA"));
        assert_eq!(encode("base64-url").as_deref(), Some("R28_L1p-eA=="));
        assert_eq!(encode("base64-raw-url").as_deref(), Some("R28_L1p-eA"));
    }
}
