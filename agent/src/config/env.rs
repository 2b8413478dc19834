//! `${env:VAR}` expansion, as the collector's confmap expands a config before decoding it.
//!
//! The collector expands `${env:NAME}`, `${NAME}` and `${env:NAME:-default}` in every
//! string of the config; `$$` escapes a dollar sign (kept here, so that the compiler's
//! YAML reader turns it into one `$` in OTTL text, as the collector does after expansion).
//! A reference to an unset variable expands to the empty string, as in the collector.

/// The config text with every environment reference replaced by its value.
pub fn expand(text: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        if let Some(after) = rest.strip_prefix("$$") {
            out.push_str("$$");
            rest = after;
            continue;
        }
        let Some(body) = rest.strip_prefix("${") else {
            out.push('$');
            rest = &rest[1..];
            continue;
        };
        let Some(end) = body.find('}') else {
            return Err(format!("unclosed `${{` in `{}`", first_line(rest)));
        };
        let reference = &body[..end];
        out.push_str(&resolve(reference, lookup)?);
        rest = &body[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// One reference's value: `env:NAME`, `env:NAME:-default` or a bare `NAME`.
fn resolve(reference: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Result<String, String> {
    let name_and_default = match reference.split_once(':') {
        Some(("env", rest)) => rest,
        Some((scheme, _)) if !scheme.contains('-') => {
            return Err(format!("`${{{reference}}}`: the agent expands only `env:` references, not `{scheme}:`"));
        }
        _ => reference,
    };
    let (name, default) = match name_and_default.split_once(":-") {
        Some((name, default)) => (name, Some(default)),
        None => (name_and_default, None),
    };
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(format!("`${{{reference}}}` does not name an environment variable"));
    }
    Ok(match (lookup(name), default) {
        (Some(value), _) if !value.is_empty() || default.is_none() => value,
        (_, Some(default)) => default.to_string(),
        (_, None) => String::new(),
    })
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "HOST" => Some("collector:4317".into()),
            "EMPTY" => Some(String::new()),
            _ => None,
        }
    }

    #[test]
    fn references_expand_and_escapes_stay() {
        assert_eq!(expand("endpoint: ${env:HOST}", &env).unwrap(), "endpoint: collector:4317");
        assert_eq!(expand("endpoint: ${HOST}/x", &env).unwrap(), "endpoint: collector:4317/x");
        assert_eq!(expand("a: ${env:MISSING}", &env).unwrap(), "a: ");
        assert_eq!(expand("a: ${env:MISSING:-dflt}", &env).unwrap(), "a: dflt");
        assert_eq!(expand("a: ${env:EMPTY:-dflt}", &env).unwrap(), "a: dflt");
        assert_eq!(expand("a: ${env:HOST:-dflt}", &env).unwrap(), "a: collector:4317");
        assert_eq!(expand(r#"- set(x, "$${env:HOST} $5")"#, &env).unwrap(), r#"- set(x, "$${env:HOST} $5")"#);
    }

    #[test]
    fn malformed_references_are_errors() {
        assert!(expand("a: ${env:HOST", &env).unwrap_err().contains("unclosed"));
        assert!(expand("a: ${file:/etc/x}", &env).unwrap_err().contains("only `env:`"));
        assert!(expand("a: ${env:no spaces}", &env).unwrap_err().contains("does not name"));
    }
}
