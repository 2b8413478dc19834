//! What the replace editors apply to a replacement: the optional converter (`SHA256`,
//! …) and `replacementFormat`.

use super::super::super::shorthand::Function;
use crate::bail;
use crate::coerce;
use crate::error::Result;
use crate::value::Value;

/// The optional converter (`SHA256`, …) and `replacementFormat` the replace editors apply
/// to a replacement.
pub(super) struct ReplacementHook<'a> {
    function: &'static Function,
    format: Option<&'a Value>,
    /// The reference's error when the converter does not return a string.
    not_a_string: &'static str,
}

impl<'a> ReplacementHook<'a> {
    /// The hook of a call given a converter; the format is read only when it is applied.
    pub(super) fn new(
        function: Option<&'static Function>,
        format: Option<&'a Value>,
        not_a_string: &'static str,
    ) -> Option<ReplacementHook<'a>> {
        Some(ReplacementHook { function: function?, format, not_a_string })
    }

    /// The converter's result for `replacement`, put through the format if there is one.
    pub(super) fn apply(&self, replacement: Value) -> Result<String> {
        let Value::String(result) = self.function.invoke(vec![replacement])? else {
            bail!("{}", self.not_a_string);
        };
        match self.format {
            Some(format) => apply_replacement_format(coerce::string(format)?, &result),
            None => Ok(result),
        }
    }
}

/// `fmt.Sprintf(format, value)` for the formats the reference accepts: one line holding
/// `%s`, and no `%` followed by anything but `s`.
fn apply_replacement_format(format: &str, value: &str) -> Result<String> {
    let percent_not_s = format.as_bytes().windows(2).any(|pair| pair[0] == b'%' && pair[1] != b's');
    if !format.contains("%s") || format.contains('\n') || percent_not_s {
        bail!("replacementFormat must be format string containing a single %s and no other format specifiers");
    }
    let mut out = String::with_capacity(format.len() + value.len());
    let mut value_used = false;
    let mut rest = format;
    while let Some(at) = rest.find('%') {
        out.push_str(&rest[..at]);
        rest = &rest[at + 1..];
        match rest.strip_prefix('s') {
            Some(after) => {
                out.push_str(if value_used { "%!s(MISSING)" } else { value });
                value_used = true;
                rest = after;
            }
            // Only a trailing `%` gets here.
            None => out.push_str("%!(NOVERB)"),
        }
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replacement_format_follows_sprintf() {
        assert_eq!(apply_replacement_format("a%sb", "X").unwrap(), "aXb");
        assert_eq!(apply_replacement_format("%s-%s", "X").unwrap(), "X-%!s(MISSING)");
        assert_eq!(apply_replacement_format("%s%", "X").unwrap(), "X%!(NOVERB)");
        assert!(apply_replacement_format("none", "X").is_err());
        assert!(apply_replacement_format("%s\n", "X").is_err());
        assert!(apply_replacement_format("%%s", "X").is_err());
    }
}
