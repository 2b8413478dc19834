//! Go's `strconv` (Go 1.26) where Rust's parsers accept other texts or word their errors
//! differently: `Atoi`, with its `strconv.Atoi: parsing "x": invalid syntax` errors.

use crate::coerce::go_quote;
use crate::error::{Error, Result};

/// `strconv.Atoi`.
pub(crate) fn atoi(text: &str) -> Result<i64> {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        crate::bail!("strconv.Atoi: parsing {}: invalid syntax", go_quote(text));
    }
    text.parse::<i64>().map_err(|_| Error::new(format!("strconv.Atoi: parsing {}: value out of range", go_quote(text))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atoi_accepts_signs_and_reports_go_errors() {
        assert_eq!(atoi("42").unwrap(), 42);
        assert_eq!(atoi("+7").unwrap(), 7);
        assert_eq!(atoi("-7").unwrap(), -7);
        assert_eq!(atoi("x1").unwrap_err().message(), "strconv.Atoi: parsing \"x1\": invalid syntax");
        assert_eq!(atoi("").unwrap_err().message(), "strconv.Atoi: parsing \"\": invalid syntax");
        assert_eq!(
            atoi("99999999999999999999").unwrap_err().message(),
            "strconv.Atoi: parsing \"99999999999999999999\": value out of range"
        );
    }
}
