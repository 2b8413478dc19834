//! `URL` and `UserAgent`: a URL or a User-Agent header into its semantic-convention fields.

use std::sync::OnceLock;

use super::super::shorthand::*;
use super::map_of;
use crate::bail;
use crate::coerce::go_quote;
use crate::converter;
use crate::error::{Error, Result};
use crate::go;
use crate::go::url::{Encoding, GoUrl, unescape};
use crate::value::{Map, Value};

pub(crate) static FUNCTIONS: &[Function] = &[
    Function::converter(
        "URL",
        &[r("url", K::StringGetter)],
        MAP,
        converter!(parse_url(url)),
        "Parses a URL into `url.scheme`, `url.domain`, `url.path`, `url.query`, … keys.",
        &[Example::new(
            r#"URL(attributes["http.url"])"#,
            r#"{"url.original": "https://example.com/users/123?token=abc", "url.scheme": "https", "url.domain": "example.com", "url.path": "/users/123", "url.query": "token=abc"}"#,
        )],
    ).pure(),
    Function::converter(
        "UserAgent",
        &[r("user_agent", K::StringGetter)],
        MAP,
        converter!(parse_user_agent(user_agent)),
        "Parses a User-Agent header into `user_agent.name`, `user_agent.version`, `os.name`, … keys.",
        &[Example::new(
            r#"UserAgent("curl/7.81.0")"#,
            r#"{"user_agent.original": "curl/7.81.0", "user_agent.name": "curl", "user_agent.version": "7.81.0", "os.name": "Other"}"#,
        )],
    ).pure(),
];

/// `URL(url)`: the semantic-convention fields of a URL parsed by Go's `url.Parse` rules.
fn parse_url(url: &str) -> Result<Value> {
    if url.is_empty() {
        bail!("url cannot be empty");
    }
    if let Some(query) = url.strip_prefix('?') {
        return parse_query_to_map(query).map(Value::Map);
    }
    let parsed = GoUrl::parse(url).map_err(|e| Error::new(format!("parse {}: {e}", go_quote(url))))?;
    semconv_map(&parsed).map(Value::Map)
}

/// `url.ParseQuery` into `{"query": {param: [values]}}` (used for a bare `?query`).
fn parse_query_to_map(query: &str) -> Result<Map> {
    let mut params: indexmap::IndexMap<String, Vec<Value>> = indexmap::IndexMap::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        if pair.contains(';') {
            bail!("invalid semicolon separator in query");
        }
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = unescape(key, Encoding::QueryComponent)?;
        params.entry(key).or_default().push(Value::String(unescape(value, Encoding::QueryComponent)?));
    }
    let mut result = Map::new();
    if !params.is_empty() {
        result.insert("query".into(), Value::Map(map_of(params.into_iter().map(|(k, v)| (k, Value::Slice(v))))));
    }
    Ok(result)
}

/// The reference's `url.*` map (`urlToSemconvMap`).
fn semconv_map(url: &GoUrl) -> Result<Map> {
    let mut m = Map::new();
    m.insert("url.original".into(), Value::String(url.to_go_string()));
    m.insert("url.domain".into(), Value::string(url.hostname()));
    m.insert("url.scheme".into(), Value::string(&url.scheme));
    m.insert("url.path".into(), Value::string(&url.path));
    let port = url.port();
    if !port.is_empty() {
        m.insert("url.port".into(), Value::Int(go::strconv::atoi(port)?));
    }
    if !url.fragment.is_empty() {
        m.insert("url.fragment".into(), Value::string(&url.fragment));
    }
    if let (Some(info), Some((name, password))) = (url.userinfo_string(), &url.user) {
        m.insert("url.user_info".into(), Value::String(info));
        if !name.is_empty() {
            m.insert("url.username".into(), Value::string(name));
        }
        if let Some(p) = password {
            m.insert("url.password".into(), Value::string(p));
        }
    }
    if !url.raw_query.is_empty() {
        m.insert("url.query".into(), Value::string(&url.raw_query));
    }
    if let Some(dot) = url.path.rfind('.')
        && dot + 1 < url.path.len()
    {
        m.insert("url.extension".into(), Value::string(&url.path[dot + 1..]));
    }
    Ok(m)
}

/// `UserAgent(user_agent)`: the browser family and version and the OS by the uap-core
/// rules; `os.version` only when known.
fn parse_user_agent(user_agent: &str) -> Result<Value> {
    static PARSER: OnceLock<simple_useragent::UserAgentParser> = OnceLock::new();
    let parsed = PARSER.get_or_init(simple_useragent::UserAgentParser::new).parse(user_agent);
    let mut m = Map::new();
    m.insert("user_agent.name".into(), Value::String(parsed.client.family));
    m.insert("user_agent.original".into(), Value::string(user_agent));
    m.insert("user_agent.version".into(), Value::String(parsed.client.version.unwrap_or_default()));
    if !parsed.os.family.is_empty() {
        m.insert("os.name".into(), Value::String(parsed.os.family));
    }
    if let Some(version) = parsed.os.version.filter(|v| !v.is_empty()) {
        m.insert("os.version".into(), Value::String(version));
    }
    Ok(Value::Map(m))
}

#[cfg(test)]
mod tests {
    use super::super::test_values::*;
    use super::*;

    #[test]
    fn url_reference_cases() {
        let u = |text: &str| convert("URL", vec![s(text)]).unwrap();
        assert_eq!(
            u("http://www.example.com"),
            strings(&[
                ("url.original", "http://www.example.com"),
                ("url.scheme", "http"),
                ("url.domain", "www.example.com"),
                ("url.path", "")
            ])
        );
        let full = "http://myusername:mypassword@www.example.com:80/foo.gif?key1=val1&key2=val2#fragment";
        assert_eq!(
            u(full),
            map(&[
                ("url.path", s("/foo.gif")),
                ("url.fragment", s("fragment")),
                ("url.extension", s("gif")),
                ("url.password", s("mypassword")),
                ("url.original", s(full)),
                ("url.scheme", s("http")),
                ("url.port", Value::Int(80)),
                ("url.user_info", s("myusername:mypassword")),
                ("url.domain", s("www.example.com")),
                ("url.query", s("key1=val1&key2=val2")),
                ("url.username", s("myusername")),
            ])
        );
        let Value::Map(m) = u("https://user:@www.example.com:77/foo") else { panic!() };
        assert_eq!(m["url.password"], s(""));
        assert_eq!(m["url.user_info"], s("user:"));
        assert_eq!(m["url.port"], Value::Int(77));
        let Value::Map(m) = u("telnet://192.0.2.16:80/") else { panic!() };
        assert_eq!((m["url.path"].clone(), m["url.domain"].clone(), m.len()), (s("/"), s("192.0.2.16"), 5));
        let Value::Map(m) = u("ftp://ftp.is.co.za/rfc/rfc1808.txt") else { panic!() };
        assert_eq!(m["url.extension"], s("txt"));
        let Value::Map(m) = u("HTTP://[::1]:8080/a%20b") else { panic!() };
        assert_eq!((m["url.scheme"].clone(), m["url.domain"].clone(), m["url.path"].clone()), (s("http"), s("::1"), s("/a b")));
        assert_eq!(m["url.original"], s("http://[::1]:8080/a%20b"));
        assert_eq!(error("URL", vec![s("")]), "url cannot be empty");
        assert_eq!(error("URL", vec![s("http://[::1")]), "parse \"http://[::1\": missing ']' in host");
        assert_eq!(error("URL", vec![s("http://x:y/")]), "parse \"http://x:y/\": invalid port \":y\" after host");
        assert_eq!(error("URL", vec![s("%zz")]), "parse \"%zz\": invalid URL escape \"%zz\"");
    }

    #[test]
    fn user_agent_cases() {
        let ua = |text: &str| convert("UserAgent", vec![s(text)]).unwrap();
        assert_eq!(
            ua("curl/7.81.0"),
            strings(&[
                ("user_agent.original", "curl/7.81.0"),
                ("user_agent.name", "curl"),
                ("user_agent.version", "7.81.0"),
                ("os.name", "Other")
            ])
        );
        let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0";
        assert_eq!(
            ua(firefox),
            strings(&[
                ("user_agent.name", "Firefox"),
                ("user_agent.version", "126.0"),
                ("user_agent.original", firefox),
                ("os.name", "Linux")
            ])
        );
        let other = "foobar/1.2.3 (foo; bar baz)";
        assert_eq!(
            ua(other),
            strings(&[
                ("user_agent.name", "Other"),
                ("user_agent.version", ""),
                ("user_agent.original", other),
                ("os.name", "Other")
            ])
        );
        let Value::Map(m) = ua(
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/91.0.4472.124 Safari/537.36",
        ) else {
            panic!()
        };
        assert_eq!((m["os.name"].clone(), m["os.version"].clone()), (s("Windows"), s("10")));
    }
}
