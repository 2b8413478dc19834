//! Go's `Regexp.Expand`, which expands `$` groups in a replacement.

use regex::{Captures, Regex};

/// Go's `Regexp.Expand`: `$name`, `${name}` and `$$`; a name is the longest run of letters,
/// digits and `_` (so `$1x` names the group `1x`), a number names a group by index, an
/// unknown or unmatched group expands to nothing, and a malformed `$` stays literal.
pub(super) fn go_expand(regex: &Regex, caps: &Captures<'_>, template: &str, out: &mut String) {
    let mut rest = template;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        rest = &rest[at + 1..];
        if let Some(after) = rest.strip_prefix('$') {
            out.push('$');
            rest = after;
            continue;
        }
        let Some((name, after)) = expansion_name(rest) else {
            out.push('$');
            continue;
        };
        rest = after;
        if let Some(group) = group_index(regex, name) {
            out.push_str(caps.get(group).map_or("", |m| m.as_str()));
        }
    }
    out.push_str(rest);
}

/// The group name after a `$` (Go's `extract`) and the text after it.
fn expansion_name(text: &str) -> Option<(&str, &str)> {
    let (braced, body) = match text.strip_prefix('{') {
        Some(body) => (true, body),
        None => (false, text),
    };
    let len = body.find(|c: char| !(c.is_alphabetic() || c.is_numeric() || c == '_')).unwrap_or(body.len());
    if len == 0 {
        return None;
    }
    let (name, after) = body.split_at(len);
    if braced {
        return after.strip_prefix('}').map(|after| (name, after));
    }
    Some((name, after))
}

/// The index of the group `name` refers to: a number of at most nine digits without leading
/// zeros is an index, anything else the first group so named.
fn group_index(regex: &Regex, name: &str) -> Option<usize> {
    let numeric = name.bytes().all(|b| b.is_ascii_digit()) && (name == "0" || !name.starts_with('0')) && name.len() <= 9;
    if numeric {
        return name.parse().ok();
    }
    regex.capture_names().position(|group| group.is_some_and(|group| go_group_name(group) == name))
}

/// A group's name as written in the Go pattern: the regex translation prefixes `_` to names
/// that start with a digit, which the crate does not accept.
fn go_group_name(name: &str) -> &str {
    match name.strip_prefix('_') {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => rest,
        _ => name,
    }
}
