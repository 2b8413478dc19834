//! Reading typed settings from the config's YAML tree, each mistake a diagnostic at its
//! YAML position.
//!
//! The tree is the compiler's (`ottl_compiler::yaml::tree`): the same reader `ottlc check`
//! uses, with aliases, merge keys and byte spans. Collections have no span of their own, so
//! a problem with a whole mapping or list points at its key.

use std::ops::Range;
use std::time::Duration;

use ottl_compiler::suggest;
use ottl_compiler::yaml::tree::{Node, NodeId, Tree};
use ottl_grammar::{Code, Diagnostic, Span};

/// A tree and the diagnostics found while reading it.
pub struct Reader<'t> {
    pub tree: &'t Tree,
    pub diagnostics: Vec<Diagnostic>,
}

/// A value and where to point when it is wrong: its own span for a scalar, else its key's.
#[derive(Clone, Copy)]
pub struct At {
    pub node: NodeId,
    pub key: Option<NodeId>,
}

impl At {
    /// The same place, pointed at by its key: where a problem with a whole mapping or list
    /// (which has no span of its own) is reported.
    pub fn key_of(self) -> At {
        At { node: self.key.unwrap_or(self.node), key: self.key }
    }
}

impl<'t> Reader<'t> {
    pub fn new(tree: &'t Tree) -> Reader<'t> {
        Reader { tree, diagnostics: Vec::new() }
    }

    /// Where `at` is in the file: the value's span, else the key's, else the file's start.
    pub fn span(&self, at: At) -> Range<usize> {
        self.tree.span(at.node).or_else(|| at.key.and_then(|key| self.tree.span(key))).unwrap_or(0..0)
    }

    pub fn error(&mut self, code: Code, at: At, message: impl Into<String>, help: impl Into<String>) {
        let span = Span::from(self.span(at));
        self.diagnostics.push(Diagnostic::new(code, message, span, "here").with_help(help));
    }

    /// The entries of a mapping, each with its key's position; a null is an empty mapping
    /// (`debug:` with nothing under it); anything else is reported.
    pub fn entries(&mut self, at: At, what: &str) -> Vec<(String, At)> {
        match self.tree.node(at.node) {
            Node::Map(_) => self
                .tree
                .keyed_entries(at.node)
                .into_iter()
                .map(|(key, name, value)| (name.to_string(), At { node: value, key: Some(key) }))
                .collect(),
            _ if self.tree.is_null(at.node) => Vec::new(),
            _ => {
                self.error(
                    Code::InvalidComponentSetting,
                    at,
                    format!("{what} must be a mapping"),
                    "write `key: value` lines under it",
                );
                Vec::new()
            }
        }
    }

    /// The entries of a component's settings; a key not in `known` is reported with the
    /// closest known key and the whole list.
    pub fn settings(&mut self, at: At, component: &str, known: &[&str]) -> Vec<(String, At)> {
        let entries = self.entries(at, &format!("the settings of `{component}`"));
        entries
            .into_iter()
            .filter(|(key, at)| {
                if known.contains(&key.as_str()) {
                    return true;
                }
                let help = match suggest::closest(key, known.iter().copied()) {
                    Some(close) => format!("did you mean `{close}`? `{component}` has: {}", known.join(", ")),
                    None if known.is_empty() => format!("`{component}` takes no settings"),
                    None => format!("`{component}` has: {}", known.join(", ")),
                };
                let at = at.key_of();
                self.error(Code::UnknownComponentSetting, at, format!("`{component}` has no setting `{key}`"), help);
                false
            })
            .collect()
    }

    /// A scalar's text (any scalar: `4318` and `true` are text too where a string is read).
    pub fn scalar(&mut self, at: At, what: &str) -> Option<String> {
        match self.tree.scalar(at.node) {
            Some(scalar) if !self.tree.is_null(at.node) => Some(scalar.value.clone()),
            _ => {
                self.error(Code::InvalidComponentSetting, at, format!("{what} must be a single value"), "write one value");
                None
            }
        }
    }

    pub fn bool(&mut self, at: At, what: &str) -> Option<bool> {
        let text = self.scalar(at, what)?;
        match text.as_str() {
            "true" | "True" | "TRUE" => Some(true),
            "false" | "False" | "FALSE" => Some(false),
            _ => {
                self.error(
                    Code::InvalidComponentSetting,
                    at,
                    format!("{what} must be true or false, not `{text}`"),
                    "write true or false",
                );
                None
            }
        }
    }

    pub fn u64(&mut self, at: At, what: &str) -> Option<u64> {
        let text = self.scalar(at, what)?;
        text.parse().ok().or_else(|| {
            self.error(
                Code::InvalidComponentSetting,
                at,
                format!("{what} must be a whole number, not `{text}`"),
                "write a number such as 8192",
            );
            None
        })
    }

    /// A number for which `valid` holds; `rule` says which ones do (`positive`).
    pub fn number(&mut self, at: At, what: &str, valid: impl Fn(f64) -> bool, rule: &str) -> Option<f64> {
        let text = self.scalar(at, what)?;
        let (message, number) = match text.parse::<f64>() {
            Ok(number) if valid(number) => return Some(number),
            Ok(number) => (format!("{what} must be {rule}, not `{text}`"), Some(number)),
            Err(_) => (format!("{what} must be a number, not `{text}`"), None),
        };
        let help = match number {
            Some(_) => format!("write a number that is {rule}"),
            None => "write a number such as 1.5".to_string(),
        };
        self.error(Code::InvalidComponentSetting, at, message, help);
        None
    }

    /// A Go duration (`200ms`, `5s`, `1m30s`), as the collector's config decoder reads it.
    pub fn duration(&mut self, at: At, what: &str) -> Option<Duration> {
        let text = self.scalar(at, what)?;
        parse_duration(&text).or_else(|| {
            self.error(
                Code::InvalidComponentSetting,
                at,
                format!("{what} must be a duration, not `{text}`"),
                "write a number with a unit: 200ms, 5s, 1m30s",
            );
            None
        })
    }

    /// One of a fixed set of words, compared case-insensitively.
    pub fn one_of(&mut self, at: At, what: &str, words: &[&str]) -> Option<String> {
        let text = self.scalar(at, what)?;
        let lower = text.to_ascii_lowercase();
        if words.contains(&lower.as_str()) {
            return Some(lower);
        }
        self.error(
            Code::InvalidComponentSetting,
            at,
            format!("{what} cannot be `{text}`"),
            format!("use one of: {}", words.join(", ")),
        );
        None
    }

    /// A list of strings (a single string is not a list, as in the collector).
    pub fn strings(&mut self, at: At, what: &str) -> Vec<(String, At)> {
        if self.tree.is_null(at.node) {
            return Vec::new();
        }
        if !matches!(self.tree.node(at.node), Node::Seq(_)) {
            self.error(
                Code::InvalidComponentSetting,
                at,
                format!("{what} must be a list"),
                "write `[a, b]` or one `- item` per line",
            );
            return Vec::new();
        }
        let items: Vec<NodeId> = self.tree.items(at.node).to_vec();
        items
            .into_iter()
            .filter_map(|item| {
                let at = At { node: item, key: at.key };
                self.scalar(at, &format!("an item of {what}")).map(|text| (text, at))
            })
            .collect()
    }
}

/// Go's `time.ParseDuration` for the forms configs use: a sequence of decimal numbers
/// with units `ns`, `us`/`µs`, `ms`, `s`, `m`, `h`; `0` alone.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if text == "0" {
        return Some(Duration::ZERO);
    }
    let mut rest = text;
    let mut total = 0f64;
    while !rest.is_empty() {
        let number_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        let number: f64 = rest[..number_len].parse().ok()?;
        rest = &rest[number_len..];
        let unit_len = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
        let seconds = match &rest[..unit_len] {
            "ns" => 1e-9,
            "us" | "µs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
        rest = &rest[unit_len..];
        total += number * seconds;
    }
    Duration::try_from_secs_f64(total).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations() {
        assert_eq!(parse_duration("200ms"), Some(Duration::from_millis(200)));
        assert_eq!(parse_duration("1m30s"), Some(Duration::from_secs(90)));
        assert_eq!(parse_duration("1.5s"), Some(Duration::from_millis(1500)));
        assert_eq!(parse_duration("0"), Some(Duration::ZERO));
        for bad in ["", "5", "soon", "5 s", "1x"] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
    }
}
