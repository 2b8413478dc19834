//! Parsing and extraction converters: JSON, key-value text, CSV, regex and grok
//! extraction, severity mapping, URLs, user agents, Community ID flow hashes, and the
//! transform processor's log-format parsers (CEF, CLF, ELF, LEEF).
//!
//! Each parser follows the Go reference's behaviour where users can observe it (what is
//! accepted, the shape of the result, the error texts); the Go libraries they rest on (CSV,
//! URLs, grok, `strconv`) are reproduced in [`crate::go`].

use crate::error::{Error, Result};
use crate::value::{Map, Value};

pub(super) mod cef;
pub(super) mod clf;
pub(super) mod community_id;
pub(super) mod csv;
pub(super) mod elf;
pub(super) mod json;
pub(super) mod key_value;
pub(super) mod leef;
pub(super) mod patterns;
pub(super) mod severity;
pub(super) mod url;

/// A string-keyed map from pairs, later keys replacing earlier ones in place.
fn map_of(pairs: impl IntoIterator<Item = (String, Value)>) -> Map {
    pairs.into_iter().collect()
}

/// The text from the format's marker on (a syslog header before it is skipped).
fn from_marker<'a>(message: &'a str, marker: &str, format: &str) -> Result<&'a str> {
    match message.find(marker) {
        Some(i) => Ok(&message[i..]),
        None => Err(Error::new(format!("invalid {format} message: '{marker}' not found"))),
    }
}

/// Values and calls for the parsers' unit tests.
#[cfg(test)]
mod test_values {
    use super::super::literal::LiteralArgs;
    pub(super) use super::super::literal::{Literal, LiteralError};
    pub(super) use super::super::testing::convert;
    use super::super::testing::converter;
    pub(super) use crate::value::Value;

    pub(super) fn s(text: &str) -> Value {
        Value::string(text)
    }

    pub(super) fn map(pairs: &[(&str, Value)]) -> Value {
        Value::Map(pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
    }

    pub(super) fn strings(pairs: &[(&str, &str)]) -> Value {
        map(&pairs.iter().map(|(k, v)| (*k, s(v))).collect::<Vec<_>>())
    }

    pub(super) fn list(items: &[&str]) -> Value {
        Value::Slice(items.iter().map(|i| s(i)).collect())
    }

    pub(super) fn error(name: &str, args: Vec<Value>) -> String {
        convert(name, args).expect_err("expected an error").message().to_string()
    }

    /// What the literal checks of converter `name` find in these literal arguments.
    pub(super) fn literal_errors(name: &str, args: Vec<(&'static str, Literal<'static>)>) -> Vec<LiteralError> {
        let check = converter(name).literals.expect("declares literal checks");
        check(&LiteralArgs::new(args))
    }
}
