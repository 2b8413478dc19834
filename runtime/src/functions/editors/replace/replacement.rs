//! The replacement arguments the replace editors end with: `replacement`, and the optional
//! converter (`SHA256`, …) and `replacementFormat` applied to it.

use super::super::super::shorthand::Function;
use crate::bail;
use crate::coerce;
use crate::error::Result;
use crate::value::Value;

/// A replace editor's `replacement`, `function?` and `replacement_format?`, read (after the
/// target, as the reference reads them) in the form the editor needs.
pub(super) struct Replacement<'a> {
    value: &'a Value,
    function: Option<&'static Function>,
    format: Option<&'a Value>,
}

impl<'a> Replacement<'a> {
    pub(super) fn new(value: &'a Value, function: Option<&'static Function>, format: Option<&'a Value>) -> Replacement<'a> {
        Replacement { value, function, format }
    }

    /// The regex editors' replacement: a template whose `$` groups expand per match, and
    /// the hook each expansion goes through when a converter is given.
    pub(super) fn template(&self) -> Result<(&'a str, Option<ReplacementHook<'a>>)> {
        let template = coerce::string(self.value)?;
        Ok((template, self.hook("the replacement value must be a string")))
    }

    /// The glob editors' replacement, whole: the string, or the converter's result for the
    /// value as given (a converter takes any value).
    pub(super) fn text(&self) -> Result<String> {
        match self.hook("replacement value is not a string") {
            Some(hook) => hook.apply(self.value.clone()),
            None => Ok(coerce::string(self.value)?.to_string()),
        }
    }

    /// The converter and format, when a converter is given; `not_a_string` is the
    /// reference's error when the converter does not return a string.
    fn hook(&self, not_a_string: &'static str) -> Option<ReplacementHook<'a>> {
        Some(ReplacementHook { function: self.function?, format: self.format, not_a_string })
    }
}

/// The optional converter and `replacementFormat`, applied to a replacement; the format is
/// read only when it is applied.
pub(super) struct ReplacementHook<'a> {
    function: &'static Function,
    format: Option<&'a Value>,
    /// The reference's error when the converter does not return a string.
    not_a_string: &'static str,
}

impl ReplacementHook<'_> {
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
