//! `ParseELF`: a W3C Extended Log Format entry (transform processor, logs).

use super::super::shorthand::*;
use crate::bail;
use crate::converter;
use crate::error::Result;
use crate::value::{Map, Value};

pub(crate) static FUNCTIONS: &[Function] = &[
    Function::converter(
        "ParseELF",
        TARGET_STR,
        MAP,
        converter!(parse_elf(target)),
        "Parses an Extended Log Format line into a map.",
        &[Example::new(r##"ParseELF("#Version: 1.0\n#Fields: time cs-method cs-uri\n00:34:23 GET /foo/bar.html")"##, r#"{"elf.version": "1.0", "elf.fields": ["time", "cs-method", "cs-uri"], "elf.entries": [{"time": "00:34:23", "cs-method": "GET", "cs-uri": "/foo/bar.html"}]}"#)],
    )
    .only_in(LOG)
    .origin(Origin::TransformProcessor).pure(),
];

/// `ParseELF(target)`: a W3C Extended Log Format entry: `#` directives (a `#Fields:`
/// directive names the fields) and one data line whose space-separated entries (quoted
/// strings may hold spaces, `""` is a quote) map to those fields; `-` marks a missing one.
fn parse_elf(target: &str) -> Result<Value> {
    let mut m = Map::new();
    let mut fields: Option<Vec<String>> = None;
    let mut entries = Vec::new();
    for line in target.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if let Some(directive) = line.strip_prefix('#') {
            let (name, value) = directive.split_once(':').unwrap_or((directive, ""));
            let value = value.trim();
            if name == "Fields" {
                fields = Some(value.split_whitespace().map(str::to_string).collect());
            } else {
                // `#Version:`, `#Software:`, `#Date:`, `#Remark:`, … as `elf.version`, ….
                m.insert(format!("elf.{}", name.trim().to_lowercase()), Value::string(value));
            }
            continue;
        }
        let Some(names) = &fields else { bail!("invalid ELF: data entry found before #Fields directive") };
        let values = split_elf_entries(line)?;
        if values.len() > names.len() {
            bail!("invalid ELF: expected {} fields, got {}", names.len(), values.len());
        }
        // Missing trailing values read as `-`, the format's "no value".
        let mut values = values.into_iter();
        entries.push(Value::Map(
            names.iter().map(|name| (name.clone(), Value::String(values.next().unwrap_or_else(|| "-".to_string())))).collect(),
        ));
    }
    if !m.contains_key("elf.version") {
        bail!("invalid ELF: missing #Version directive");
    }
    let Some(fields) = fields else { bail!("invalid ELF: missing #Fields directive") };
    m.insert("elf.fields".into(), Value::Slice(fields.into_iter().map(Value::String).collect()));
    m.insert("elf.entries".into(), Value::Slice(entries));
    Ok(Value::Map(m))
}

fn split_elf_entries(line: &str) -> Result<Vec<String>> {
    let mut entries = Vec::new();
    let mut chars = line.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let Some(&first) = chars.peek() else { break };
        let mut entry = String::new();
        if first == '"' {
            chars.next();
            loop {
                match chars.next() {
                    Some('"') if chars.next_if_eq(&'"').is_some() => entry.push('"'),
                    Some('"') => break,
                    Some(c) => entry.push(c),
                    None => bail!("invalid ELF message: unterminated quoted string"),
                }
            }
        } else {
            while let Some(c) = chars.next_if(|c| !c.is_whitespace()) {
                entry.push(c);
            }
        }
        entries.push(entry);
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::super::test_values::*;
    use super::*;

    #[test]
    fn parse_elf_cases() {
        let text = "#Version: 1.0\n#Software: x\n#Fields: date time cs(User-Agent)\n2024-01-02 03:04:05 \"Mozilla \"\"x\"\"\"\n2024-01-03 -";
        let Value::Map(m) = convert("ParseELF", vec![s(text)]).unwrap() else { panic!("not a map") };
        assert_eq!(m["elf.version"], s("1.0"));
        assert_eq!(m["elf.software"], s("x"));
        assert_eq!(m["elf.fields"], list(&["date", "time", "cs(User-Agent)"]));
        assert_eq!(
            m["elf.entries"],
            Value::Slice(vec![
                strings(&[("date", "2024-01-02"), ("time", "03:04:05"), ("cs(User-Agent)", "Mozilla \"x\"")]),
                strings(&[("date", "2024-01-03"), ("time", "-"), ("cs(User-Agent)", "-")]),
            ])
        );
        assert_eq!(error("ParseELF", vec![s("1 2")]), "invalid ELF: data entry found before #Fields directive");
        assert_eq!(error("ParseELF", vec![s("#Fields: a b\n1")]), "invalid ELF: missing #Version directive");
        assert_eq!(error("ParseELF", vec![s("#Version: 1.0\n#Fields: a\n1 2")]), "invalid ELF: expected 1 fields, got 2");
    }
}
