//! URL parsing as Go's `net/url` (Go 1.26) does it: `url.Parse` and its `URL.String`,
//! the escaping modes, `ParseQuery`'s rules. The `url` crate follows the WHATWG URL
//! Standard, which normalises paths, drops default ports, lower-cases hosts and accepts
//! what Go refuses, so its results and errors differ.

use crate::coerce::go_quote;
use crate::error::Result;

/// The parts of a URL as Go's `net/url` keeps them.
#[derive(Default)]
pub(crate) struct GoUrl {
    pub(crate) scheme: String,
    pub(crate) opaque: String,
    pub(crate) user: Option<(String, Option<String>)>,
    pub(crate) host: String,
    pub(crate) path: String,
    pub(crate) raw_path: String,
    pub(crate) omit_host: bool,
    pub(crate) force_query: bool,
    pub(crate) raw_query: String,
    pub(crate) fragment: String,
    pub(crate) raw_fragment: String,
}

/// Go's `url` escaping modes.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Encoding {
    Path,
    Host,
    UserPassword,
    QueryComponent,
    Fragment,
}

impl GoUrl {
    /// `url.Parse`.
    pub(crate) fn parse(raw: &str) -> Result<GoUrl, String> {
        let (rest, fragment) = match raw.split_once('#') {
            Some((u, f)) => (u, Some(f)),
            None => (raw, None),
        };
        let mut url = GoUrl::parse_without_fragment(rest)?;
        if let Some(fragment) = fragment {
            url.fragment = unescape(fragment, Encoding::Fragment).map_err(|e| e.message().to_string())?;
            if escape(&url.fragment, Encoding::Fragment) != fragment {
                url.raw_fragment = fragment.to_string();
            }
        }
        Ok(url)
    }

    fn parse_without_fragment(raw: &str) -> Result<GoUrl, String> {
        if raw.bytes().any(|b| b < 0x20 || b == 0x7f) {
            return Err("net/url: invalid control character in URL".into());
        }
        let mut url = GoUrl::default();
        if raw == "*" {
            url.path = "*".into();
            return Ok(url);
        }
        let (scheme, mut rest) = split_scheme(raw)?;
        url.scheme = scheme.to_ascii_lowercase();
        if rest.ends_with('?') && rest.matches('?').count() == 1 {
            url.force_query = true;
            rest = &rest[..rest.len() - 1];
        } else if let Some((before, query)) = rest.split_once('?') {
            url.raw_query = query.to_string();
            rest = before;
        }
        if !rest.starts_with('/') {
            if !url.scheme.is_empty() {
                url.opaque = rest.to_string();
                return Ok(url);
            }
            if let Some(colon) = rest.find(':')
                && rest.find('/').is_none_or(|slash| colon < slash)
            {
                return Err("first path segment in URL cannot contain colon".into());
            }
        }
        if (!url.scheme.is_empty() || !rest.starts_with("///")) && rest.starts_with("//") {
            let after = &rest[2..];
            let (authority, path) = match after.find('/') {
                Some(i) => (&after[..i], &after[i..]),
                None => (after, ""),
            };
            url.parse_authority(authority)?;
            rest = path;
        } else if !url.scheme.is_empty() && rest.starts_with('/') {
            url.omit_host = true;
        }
        url.path = unescape(rest, Encoding::Path).map_err(|e| e.message().to_string())?;
        if escape(&url.path, Encoding::Path) != rest {
            url.raw_path = rest.to_string();
        }
        Ok(url)
    }

    fn parse_authority(&mut self, authority: &str) -> Result<(), String> {
        let (userinfo, host) = match authority.rfind('@') {
            Some(i) => (Some(&authority[..i]), &authority[i + 1..]),
            None => (None, authority),
        };
        self.host = parse_host(host)?;
        if let Some(userinfo) = userinfo {
            let valid = userinfo.chars().all(|c| c.is_ascii_alphanumeric() || "-._:~!$&'()*+,;=%@".contains(c));
            if !valid {
                return Err("net/url: invalid userinfo".into());
            }
            let unescape_user = |s: &str| unescape(s, Encoding::UserPassword).map_err(|e| e.message().to_string());
            self.user = Some(match userinfo.split_once(':') {
                Some((name, password)) => (unescape_user(name)?, Some(unescape_user(password)?)),
                None => (unescape_user(userinfo)?, None),
            });
        }
        Ok(())
    }

    /// The host without its port (`Hostname`).
    pub(crate) fn hostname(&self) -> &str {
        split_host_port(&self.host).0
    }

    /// The port digits, if any (`Port`).
    pub(crate) fn port(&self) -> &str {
        split_host_port(&self.host).1
    }

    /// `EscapedPath`.
    fn escaped_path(&self) -> String {
        if !self.raw_path.is_empty()
            && valid_encoded(&self.raw_path, Encoding::Path)
            && unescape(&self.raw_path, Encoding::Path).is_ok_and(|p| p == self.path)
        {
            return self.raw_path.clone();
        }
        if self.path == "*" {
            return "*".into();
        }
        escape(&self.path, Encoding::Path)
    }

    /// `EscapedFragment`.
    fn escaped_fragment(&self) -> String {
        if !self.raw_fragment.is_empty()
            && valid_encoded(&self.raw_fragment, Encoding::Fragment)
            && unescape(&self.raw_fragment, Encoding::Fragment).is_ok_and(|f| f == self.fragment)
        {
            return self.raw_fragment.clone();
        }
        escape(&self.fragment, Encoding::Fragment)
    }

    pub(crate) fn userinfo_string(&self) -> Option<String> {
        self.user.as_ref().map(|(name, password)| {
            let mut s = escape(name, Encoding::UserPassword);
            if let Some(p) = password {
                s.push(':');
                s.push_str(&escape(p, Encoding::UserPassword));
            }
            s
        })
    }

    /// `URL.String`.
    pub(crate) fn to_go_string(&self) -> String {
        let mut out = String::new();
        if !self.scheme.is_empty() {
            out.push_str(&self.scheme);
            out.push(':');
        }
        if !self.opaque.is_empty() {
            out.push_str(&self.opaque);
        } else {
            let userinfo = self.userinfo_string();
            let has_authority = !self.scheme.is_empty() || !self.host.is_empty() || userinfo.is_some();
            if has_authority && !(self.omit_host && self.host.is_empty() && userinfo.is_none()) {
                if !self.host.is_empty() || !self.path.is_empty() || userinfo.is_some() {
                    out.push_str("//");
                }
                if let Some(u) = &userinfo {
                    out.push_str(u);
                    out.push('@');
                }
                out.push_str(&escape(&self.host, Encoding::Host));
            }
            let path = self.escaped_path();
            if !path.is_empty() && !path.starts_with('/') && !self.host.is_empty() {
                out.push('/');
            }
            if out.is_empty() && path.split('/').next().is_some_and(|first| first.contains(':')) {
                out.push_str("./");
            }
            out.push_str(&path);
        }
        if self.force_query || !self.raw_query.is_empty() {
            out.push('?');
            out.push_str(&self.raw_query);
        }
        if !self.fragment.is_empty() {
            out.push('#');
            out.push_str(&self.escaped_fragment());
        }
        out
    }
}

/// Splits `scheme:rest` (`getScheme`): no scheme when a character that cannot be in one
/// comes before the first colon.
fn split_scheme(raw: &str) -> Result<(&str, &str), String> {
    for (i, c) in raw.char_indices() {
        match c {
            'a'..='z' | 'A'..='Z' => {}
            '0'..='9' | '+' | '-' | '.' if i > 0 => {}
            ':' if i == 0 => return Err("missing protocol scheme".into()),
            ':' => return Ok((&raw[..i], &raw[i + 1..])),
            _ => return Ok(("", raw)),
        }
    }
    Ok(("", raw))
}

/// Splits off a `:port` of digits and strips IPv6 brackets (Go's `splitHostPort`).
fn split_host_port(host_port: &str) -> (&str, &str) {
    let (mut host, mut port) = (host_port, "");
    if let Some(colon) = host_port.rfind(':')
        && host_port[colon + 1..].bytes().all(|b| b.is_ascii_digit())
    {
        (host, port) = (&host_port[..colon], &host_port[colon + 1..]);
    }
    (host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host), port)
}

/// `parseHost`: checks the port and unescapes the host.
fn parse_host(host: &str) -> Result<String, String> {
    let port_part = if host.starts_with('[') {
        let Some(close) = host.rfind(']') else { return Err("missing ']' in host".into()) };
        &host[close + 1..]
    } else {
        host.rfind(':').map_or("", |i| &host[i..])
    };
    let valid_port = |p: &str| p.is_empty() || p.strip_prefix(':').is_some_and(|d| d.bytes().all(|b| b.is_ascii_digit()));
    if !valid_port(port_part) {
        return Err(format!("invalid port {} after host", go_quote(port_part)));
    }
    unescape(host, Encoding::Host).map_err(|e| e.message().to_string())
}

/// Go's `shouldEscape`.
fn should_escape(c: u8, mode: Encoding) -> bool {
    if c.is_ascii_alphanumeric() {
        return false;
    }
    if mode == Encoding::Host && b"!$&'()*+,;=:[]<>\"".contains(&c) {
        return false;
    }
    match c {
        b'-' | b'_' | b'.' | b'~' => false,
        b'$' | b'&' | b'+' | b',' | b'/' | b':' | b';' | b'=' | b'?' | b'@' => match mode {
            Encoding::Path => c == b'?',
            Encoding::UserPassword => matches!(c, b'@' | b'/' | b'?' | b':'),
            Encoding::QueryComponent => true,
            Encoding::Fragment | Encoding::Host => false,
        },
        b'!' | b'(' | b')' | b'*' if mode == Encoding::Fragment => false,
        _ => true,
    }
}

/// Go's `escape`.
fn escape(s: &str, mode: Encoding) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if b == b' ' && mode == Encoding::QueryComponent {
            out.push('+');
        } else if should_escape(b, mode) {
            out.push_str(&format!("%{b:02X}"));
        } else {
            out.push(b as char);
        }
    }
    out
}

/// Go's `validEncoded`.
fn valid_encoded(s: &str, mode: Encoding) -> bool {
    s.bytes().all(|b| b"!$&'()*+,;=:@[]%".contains(&b) || !should_escape(b, mode))
}

/// Go's `unescape`, with its error texts.
pub(crate) fn unescape(s: &str, mode: Encoding) -> Result<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = |j: usize| bytes.get(j).and_then(|b| (*b as char).to_digit(16));
                let (Some(hi), Some(lo)) = (hex(i + 1), hex(i + 2)) else {
                    let end = (i + 3).min(bytes.len());
                    let shown = String::from_utf8_lossy(&bytes[i..end]);
                    crate::bail!("invalid URL escape {}", go_quote(&shown));
                };
                if mode == Encoding::Host && hi < 8 && &bytes[i..i + 3] != b"%25" {
                    crate::bail!("invalid URL escape {}", go_quote(&String::from_utf8_lossy(&bytes[i..i + 3])));
                }
                out.push((hi * 16 + lo) as u8);
                i += 3;
            }
            b'+' if mode == Encoding::QueryComponent => {
                out.push(b' ');
                i += 1;
            }
            b => {
                if mode == Encoding::Host && b < 0x80 && should_escape(b, mode) {
                    crate::bail!("invalid character {} in host name", go_quote(&(b as char).to_string()));
                }
                out.push(b);
                i += 1;
            }
        }
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_writes_like_net_url() {
        let full = "http://myusername:mypassword@www.example.com:80/foo.gif?key1=val1&key2=val2#fragment";
        let url = GoUrl::parse(full).unwrap();
        assert_eq!((url.scheme.as_str(), url.hostname(), url.port()), ("http", "www.example.com", "80"));
        assert_eq!(
            (url.path.as_str(), url.raw_query.as_str(), url.fragment.as_str()),
            ("/foo.gif", "key1=val1&key2=val2", "fragment")
        );
        assert_eq!(url.userinfo_string().as_deref(), Some("myusername:mypassword"));
        assert_eq!(url.to_go_string(), full);
        assert_eq!(GoUrl::parse("http://h/a%2fb").unwrap().to_go_string(), "http://h/a%2fb");
        assert!(GoUrl::parse("http://a b.com/").is_err());
        assert!(GoUrl::parse("http://h:x/").is_err());
    }

    #[test]
    fn unescapes_by_mode() {
        assert_eq!(unescape("a%20b+c", Encoding::QueryComponent).unwrap(), "a b c");
        assert_eq!(unescape("a%20b+c", Encoding::Path).unwrap(), "a b+c");
        assert!(unescape("%zz", Encoding::Path).is_err());
    }
}
