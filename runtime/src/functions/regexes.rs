//! Regular-expression arguments, compiled when the statement runs, and the reference's
//! message for a pattern that does not compile (`invalidRegexErrMsg` in ottlfuncs), which
//! the load-time check of a literal pattern ([`super::literal::regex_pattern`]), the glob
//! editors and the grok patterns report too.

use std::rc::Rc;

use regex::Regex;

use crate::coerce;
use crate::error::{Error, Result};

/// A pattern compiled with Go's syntax, or the reference's error for an invalid one.
pub(super) fn compile_regex(function: &str, pattern: &str) -> Result<Rc<Regex>> {
    crate::regex::compile(pattern).map_err(|e| invalid_pattern(function, pattern, &e))
}

/// [`invalid_pattern_message`] as an error.
pub(super) fn invalid_pattern(function: &str, pattern: &str, reason: &str) -> Error {
    Error::new(invalid_pattern_message(function, pattern, reason))
}

/// The reference's `invalidRegexErrMsg`: `function` was given `pattern`, which does not
/// compile for `reason`.
pub(super) fn invalid_pattern_message(function: &str, pattern: &str, reason: &str) -> String {
    format!("the regex pattern supplied to {function} '{}' is not a valid pattern: {reason}", coerce::go_quote(pattern))
}
