//! `time.ParseDuration`.

use super::time_quote;
use crate::bail;
use crate::error::{Error, Result};

/// `time.ParseDuration`: a sequence of decimal numbers with units (`1h30m`, `-1.5s`), each
/// with an optional fraction, and the same error texts.
pub(crate) fn parse_duration(text: &str) -> Result<i64> {
    let invalid = || Error::new(format!("time: invalid duration {}", time_quote(text)));
    const LIMIT: u64 = 1 << 63;
    let mut rest = text.as_bytes();
    let negative = rest.first() == Some(&b'-');
    if let Some(unsigned) = rest.strip_prefix(b"-").or_else(|| rest.strip_prefix(b"+")) {
        rest = unsigned;
    }
    if rest == b"0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err(invalid());
    }
    let mut total: u64 = 0;
    while let Some(&first) = rest.first() {
        if first != b'.' && !first.is_ascii_digit() {
            return Err(invalid());
        }
        let (whole, after_whole) = leading_int(rest).ok_or_else(invalid)?;
        let has_whole = after_whole.len() != rest.len();
        rest = after_whole;
        let (mut fraction, mut scale, mut has_fraction) = (0, 1.0, false);
        if let Some(after_dot) = rest.strip_prefix(b".") {
            let (digits, digits_scale, after_fraction) = leading_fraction(after_dot);
            (fraction, scale, has_fraction) = (digits, digits_scale, after_fraction.len() != after_dot.len());
            rest = after_fraction;
        }
        if !has_whole && !has_fraction {
            return Err(invalid());
        }
        let unit_len = rest.iter().position(|&c| c == b'.' || c.is_ascii_digit()).unwrap_or(rest.len());
        if unit_len == 0 {
            bail!("time: missing unit in duration {}", time_quote(text));
        }
        let (unit, after_unit) = rest.split_at(unit_len);
        rest = after_unit;
        let Some(unit_nanos) = unit_nanos(unit) else {
            bail!("time: unknown unit {} in duration {}", time_quote(&String::from_utf8_lossy(unit)), time_quote(text));
        };
        if whole > LIMIT / unit_nanos {
            return Err(invalid());
        }
        let mut nanos = whole * unit_nanos;
        if fraction > 0 {
            nanos += (fraction as f64 * (unit_nanos as f64 / scale)) as u64;
            if nanos > LIMIT {
                return Err(invalid());
            }
        }
        total = total.wrapping_add(nanos);
        if total > LIMIT {
            return Err(invalid());
        }
    }
    if negative {
        return Ok((total as i64).wrapping_neg());
    }
    i64::try_from(total).map_err(|_| invalid())
}

/// Nanoseconds in a duration unit.
fn unit_nanos(unit: &[u8]) -> Option<u64> {
    Some(match unit {
        b"ns" => 1,
        // `us`, `µs` (micro sign) and `μs` (Greek mu).
        b"us" | b"\xc2\xb5s" | b"\xce\xbcs" => 1_000,
        b"ms" => 1_000_000,
        b"s" => 1_000_000_000,
        b"m" => 60_000_000_000,
        b"h" => 3_600_000_000_000,
        _ => return None,
    })
}

/// Go's `leadingInt`: the leading decimal digits, or None when they exceed 2⁶³.
pub(super) fn leading_int(s: &[u8]) -> Option<(u64, &[u8])> {
    let digits = s.iter().take_while(|c| c.is_ascii_digit()).count();
    let mut value: u64 = 0;
    for &c in &s[..digits] {
        if value > (1 << 63) / 10 {
            return None;
        }
        value = value * 10 + u64::from(c - b'0');
        if value > 1 << 63 {
            return None;
        }
    }
    Some((value, &s[digits..]))
}

/// Go's `leadingFraction`: the leading digits as a number and its scale (10^digits kept);
/// digits past what fits an int64 are consumed without adding precision.
fn leading_fraction(s: &[u8]) -> (u64, f64, &[u8]) {
    let digits = s.iter().take_while(|c| c.is_ascii_digit()).count();
    let (mut value, mut scale, mut overflow) = (0u64, 1.0, false);
    for &c in &s[..digits] {
        if overflow || value > (i64::MAX as u64) / 10 {
            overflow = true;
            continue;
        }
        let next = value * 10 + u64::from(c - b'0');
        if next > 1 << 63 {
            overflow = true;
            continue;
        }
        value = next;
        scale *= 10.0;
    }
    (value, scale, &s[digits..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations() {
        let ok = [
            ("0", 0),
            ("5s", 5_000_000_000),
            ("-5s", -5_000_000_000),
            ("+5s", 5_000_000_000),
            ("-0", 0),
            ("5.6s", 5_600_000_000),
            ("5.s", 5_000_000_000),
            (".5s", 500_000_000),
            ("1.004s", 1_004_000_000),
            ("100.00100s", 100_001_000_000),
            ("10ns", 10),
            ("11us", 11_000),
            ("12µs", 12_000),
            ("12μs", 12_000),
            ("13ms", 13_000_000),
            ("15m", 900_000_000_000),
            ("16h", 57_600_000_000_000),
            ("3h30m", 12_600_000_000_000),
            ("10.5s4m", 250_500_000_000),
            ("-2m3.4s", -123_400_000_000),
            ("1h2m3s4ms5us6ns", 3_723_004_005_006),
            ("39h9m14.425s", 140_954_425_000_000),
            ("52763797000ns", 52_763_797_000),
            ("0.3333333333333333333h", 20 * 60 * 1_000_000_000),
            ("9007199254740993ns", 9_007_199_254_740_993),
            ("9223372036854775807ns", i64::MAX),
            ("9223372036854775.807us", i64::MAX),
            ("9223372036s854ms775us807ns", i64::MAX),
            ("-9223372036854775808ns", i64::MIN),
            ("-9223372036854775.808us", i64::MIN),
            ("-2562047h47m16.854775808s", i64::MIN),
            ("0.100000000000000000000h", 6 * 60 * 1_000_000_000),
            ("0.830103483285477580700h", 49 * 60 * 1_000_000_000 + 48_372_539_827),
        ];
        for (text, nanos) in ok {
            assert_eq!(parse_duration(text), Ok(nanos), "{text}");
        }
        for text in [
            "",
            "3",
            "-",
            "s",
            ".",
            "-.",
            ".s",
            "+.s",
            "1d",
            "9223372036854775808ns",
            "9223372036854775.808us",
            "-9223372036854775809ns",
        ] {
            assert!(parse_duration(text).is_err(), "{text}");
        }
        let message = |text: &str| parse_duration(text).unwrap_err().message().to_string();
        assert_eq!(message("abc"), r#"time: invalid duration "abc""#);
        assert_eq!(message("3"), r#"time: missing unit in duration "3""#);
        assert_eq!(message("1d"), r#"time: unknown unit "d" in duration "1d""#);
        assert_eq!(message("1µ"), r#"time: unknown unit "\xc2\xb5" in duration "1\xc2\xb5""#);
    }
}
