//! `ParseCEF`: an ArcSight Common Event Format line (transform processor, logs).

use super::super::shorthand::*;
use super::{from_marker, map_of};
use crate::bail;
use crate::converter;
use crate::error::Result;
use crate::value::{Map, Value};

pub(crate) static FUNCTIONS: &[Function] = &[
    Function::converter(
        "ParseCEF",
        TARGET_STR,
        MAP,
        converter!(parse_cef(target)),
        "Parses a Common Event Format line into a map.",
        &[Example::new(r#"ParseCEF("CEF:0|Security|threatmanager|1.0|100|worm stopped|10|src=10.0.0.1 dst=2.1.2.2")"#, r#"{"cef.version": "0", "cef.device_vendor": "Security", "cef.device_product": "threatmanager", "cef.device_version": "1.0", "cef.device_event_class_id": "100", "cef.name": "worm stopped", "cef.severity": "10", "cef.extensions": {"src": "10.0.0.1", "dst": "2.1.2.2"}}"#)],
    )
    .only_in(LOG)
    .origin(Origin::TransformProcessor).pure(),
];

/// `ParseCEF(target)`: an ArcSight Common Event Format line
/// (`CEF:Version|Vendor|Product|Version|Class ID|Name|Severity|Extension`) into its header
/// fields and an `extensions` map.
fn parse_cef(target: &str) -> Result<Value> {
    if target.is_empty() {
        bail!("cannot parse empty CEF message");
    }
    let cef = from_marker(target, "CEF:", "CEF")?;
    let (header, extension) = split_cef_header(&cef["CEF:".len()..]);
    if header.len() < 7 {
        bail!("invalid CEF message: expected 7 header fields, got {}", header.len());
    }
    const NAMES: [&str; 7] = [
        "cef.version",
        "cef.device_vendor",
        "cef.device_product",
        "cef.device_version",
        "cef.device_event_class_id",
        "cef.name",
        "cef.severity",
    ];
    let mut m = map_of(NAMES.iter().map(|n| n.to_string()).zip(header.into_iter().map(Value::String)));
    m.insert("cef.extensions".into(), Value::Map(parse_cef_extension(extension)));
    Ok(Value::Map(m))
}

/// The seven `|`-separated header fields (with `\|` and `\\` unescaped) and the rest.
fn split_cef_header(text: &str) -> (Vec<String>, &str) {
    let mut fields = Vec::new();
    let mut current = String::new();
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some((_, next @ ('|' | '\\'))) => current.push(next),
                Some((_, next)) => {
                    current.push('\\');
                    current.push(next);
                }
                None => current.push('\\'),
            },
            '|' => {
                fields.push(std::mem::take(&mut current));
                if fields.len() == 7 {
                    return (fields, &text[i + 1..]);
                }
            }
            c => current.push(c),
        }
    }
    fields.push(current);
    (fields, "")
}

/// The extension's `key=value` pairs: a key is a run of word characters (and `.[]-`)
/// before an unescaped `=`; its value runs to the space before the next key.
fn parse_cef_extension(text: &str) -> Map {
    let key_starts: Vec<(usize, usize)> = cef_key_positions(text);
    let mut m = Map::new();
    for (n, &(start, eq)) in key_starts.iter().enumerate() {
        let value_end = key_starts.get(n + 1).map_or(text.len(), |&(next, _)| next);
        let value = text[eq + 1..value_end].trim_end_matches(' ');
        m.insert(text[start..eq].to_string(), Value::String(unescape_cef_value(value)));
    }
    m
}

/// (key start, `=` position) of every extension key.
fn cef_key_positions(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let is_key_byte = |b: u8| b.is_ascii_alphanumeric() || b"_.[]-".contains(&b);
    let mut positions = Vec::new();
    for (eq, &b) in bytes.iter().enumerate() {
        if b != b'=' || (eq > 0 && bytes[eq - 1] == b'\\') {
            continue;
        }
        let mut start = eq;
        while start > 0 && is_key_byte(bytes[start - 1]) {
            start -= 1;
        }
        if start < eq && (start == 0 || bytes[start - 1] == b' ') {
            positions.push((start, eq));
        }
    }
    positions
}

fn unescape_cef_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::test_values::*;

    #[test]
    fn parse_cef_cases() {
        let cef = convert(
            "ParseCEF",
            vec![s(r"Sep 19 08:26:10 host CEF:0|Security|threat\|manager|1.0|100|worm successfully stopped|10|src=10.0.0.1 dst=2.1.2.2 msg=Detected a threat. No action\=needed spt=1232")],
        )
        .unwrap();
        assert_eq!(
            cef,
            map(&[
                ("cef.version", s("0")),
                ("cef.device_vendor", s("Security")),
                ("cef.device_product", s("threat|manager")),
                ("cef.device_version", s("1.0")),
                ("cef.device_event_class_id", s("100")),
                ("cef.name", s("worm successfully stopped")),
                ("cef.severity", s("10")),
                (
                    "cef.extensions",
                    strings(&[
                        ("src", "10.0.0.1"),
                        ("dst", "2.1.2.2"),
                        ("msg", "Detected a threat. No action=needed"),
                        ("spt", "1232")
                    ])
                ),
            ])
        );
        assert_eq!(error("ParseCEF", vec![s("CEF:0|a|b")]), "invalid CEF message: expected 7 header fields, got 3");
        assert_eq!(error("ParseCEF", vec![s("x")]), "invalid CEF message: 'CEF:' not found");
    }
}
