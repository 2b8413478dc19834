//! `ParseCLF`: an NCSA Common or Combined Log Format line (transform processor, logs).

use super::super::shorthand::*;
use crate::bail;
use crate::coerce::{self, go_quote};
use crate::converter;
use crate::error::{Error, Result};
use crate::go;
use crate::value::{Map, Value};

pub(crate) static FUNCTIONS: &[Function] = &[
    Function::converter(
        "ParseCLF",
        &[r("target", K::StringGetter), o("format", K::String)],
        MAP,
        converter!(parse_clf(target, format)),
        "Parses a Common Log Format line (\"clf\" or \"combined\") into a map.",
        &[Example::new(r#"ParseCLF("127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET /index.html HTTP/1.0\" 200 2326")"#, r#"{"clf.remote_host": "127.0.0.1", "clf.rfc931": "-", "clf.auth_user": "frank", "clf.timestamp": "10/Oct/2000:13:55:36 -0700", "clf.request": "GET /index.html HTTP/1.0", "clf.method": "GET", "clf.request_uri": "/index.html", "clf.protocol": "HTTP/1.0", "clf.status": 200, "clf.bytes": 2326}"#)],
    )
    .only_in(LOG)
    .origin(Origin::TransformProcessor).pure(),
];

/// `ParseCLF(target, format="clf")`: an NCSA Common (`clf`) or Combined (`combined`)
/// Log Format line; the format is checked before the target is read.
fn parse_clf(target: &Value, format: Option<&str>) -> Result<Value> {
    let format = format.unwrap_or("clf");
    const COMMON: &str = r#"^(\S+) (\S+) (\S+) \[([^\]]*)\] "((?:[^"\\]|\\.)*)" (\d{3}|-) (\d+|-)"#;
    const COMBINED_TAIL: &str = r#" "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)""#;
    let pattern = match format {
        "clf" => format!(r"{COMMON}\s*$"),
        "combined" => format!(r"{COMMON}{COMBINED_TAIL}\s*$"),
        other => bail!("unsupported format {}, expected \"clf\" or \"combined\"", go_quote(other)),
    };
    let source = coerce::string(target)?;
    let regex = crate::regex::compile(&pattern).map_err(Error::new)?;
    let Some(c) = regex.captures(source) else {
        bail!("invalid CLF message: does not match the {format} format");
    };
    let text = |i: usize| c.get(i).map_or("", |m| m.as_str());
    let mut m = Map::new();
    for (i, key) in ["clf.remote_host", "clf.rfc931", "clf.auth_user", "clf.timestamp", "clf.request"].into_iter().enumerate() {
        m.insert(key.into(), Value::string(text(i + 1)));
    }
    let request: Vec<&str> = text(5).split(' ').collect();
    if let [method, uri, protocol] = request[..] {
        m.insert("clf.method".into(), Value::string(method));
        m.insert("clf.request_uri".into(), Value::string(uri));
        m.insert("clf.protocol".into(), Value::string(protocol));
    }
    // A `-` status or size is absent, not zero.
    if text(6) != "-" {
        m.insert("clf.status".into(), Value::Int(go::strconv::atoi(text(6))?));
    }
    if text(7) != "-" {
        m.insert("clf.bytes".into(), Value::Int(go::strconv::atoi(text(7))?));
    }
    if format == "combined" {
        m.insert("clf.referer".into(), Value::string(text(8)));
        m.insert("clf.user_agent".into(), Value::string(text(9)));
    }
    Ok(Value::Map(m))
}

#[cfg(test)]
mod tests {
    use super::super::test_values::*;
    use super::*;

    #[test]
    fn parse_clf_cases() {
        let line = r#"127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326"#;
        let Value::Map(m) = convert("ParseCLF", vec![s(line)]).unwrap() else { panic!() };
        assert_eq!(m["clf.remote_host"], s("127.0.0.1"));
        assert_eq!(m["clf.rfc931"], s("-"));
        assert_eq!(m["clf.auth_user"], s("frank"));
        assert_eq!(m["clf.timestamp"], s("10/Oct/2000:13:55:36 -0700"));
        assert_eq!(
            (m["clf.method"].clone(), m["clf.request_uri"].clone(), m["clf.protocol"].clone()),
            (s("GET"), s("/apache_pb.gif"), s("HTTP/1.0"))
        );
        assert_eq!((m["clf.status"].clone(), m["clf.bytes"].clone()), (Value::Int(200), Value::Int(2326)));
        let combined = format!(r#"{line} "http://example.com/start.html" "Mozilla/4.08""#);
        let Value::Map(m) = convert("ParseCLF", vec![s(&combined), s("combined")]).unwrap() else { panic!() };
        assert_eq!(
            (m["clf.referer"].clone(), m["clf.user_agent"].clone()),
            (s("http://example.com/start.html"), s("Mozilla/4.08"))
        );
        let no_size = r#"10.1.1.1 - - [01/Jan/2024:00:00:00 +0000] "POST /api HTTP/1.1" 500 -"#;
        let Value::Map(m) = convert("ParseCLF", vec![s(no_size)]).unwrap() else { panic!() };
        assert!(!m.contains_key("clf.bytes"), "a `-` size is absent");
        assert_eq!(error("ParseCLF", vec![s("junk")]), "invalid CLF message: does not match the clf format");
        assert_eq!(error("ParseCLF", vec![s(line), s("json")]), "unsupported format \"json\", expected \"clf\" or \"combined\"");
    }
}
