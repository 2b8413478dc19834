//! The tokens of Go's `encoding/xml` (Go 1.26) `Decoder` in its default, strict mode:
//! matching end tags, quoted attribute values, the five predefined entities and character
//! references, XML 1.0's characters, and the `XML syntax error on line N: …` texts. The
//! Rust XML readers (`quick-xml`, `xml-rs`) check other things (a single root element,
//! declared entities) and word their errors their own way, and the reference's outputs
//! and error texts depend on these.

use crate::error::{Error, Result};

pub(crate) enum Token {
    Start { name: String, attrs: Vec<(String, String)>, empty: bool },
    End,
    Text { text: String, cdata: bool },
    Comment(String),
    ProcInst { target: String, body: String },
    Directive(String),
}

/// XML tokens by `encoding/xml`'s strict rules: matching end tags, quoted attribute
/// values, the five predefined entities and character references.
pub(crate) struct Tokenizer<'a> {
    src: &'a str,
    pos: usize,
    /// The names of the elements open at `pos`.
    open: Vec<String>,
    max_depth: usize,
}

impl<'a> Tokenizer<'a> {
    /// Reads `src`, refusing elements nested deeper than `max_depth`.
    pub(crate) fn new(src: &'a str, max_depth: usize) -> Tokenizer<'a> {
        Tokenizer { src, pos: 0, open: Vec::new(), max_depth }
    }

    fn rest(&self) -> &'a str {
        &self.src[self.pos..]
    }

    /// A syntax error at the current line, worded as Go's `SyntaxError`.
    fn error(&self, message: impl std::fmt::Display) -> Error {
        let line = 1 + self.src[..self.pos].matches('\n').count();
        Error::new(format!("XML syntax error on line {line}: {message}"))
    }

    fn eof(&self) -> Error {
        self.error("unexpected EOF")
    }

    pub(crate) fn next_token(&mut self) -> Result<Option<Token>> {
        if self.pos >= self.src.len() {
            if !self.open.is_empty() {
                return Err(self.eof());
            }
            return Ok(None);
        }
        let rest = self.rest();
        if !rest.starts_with('<') {
            let end = rest.find('<').unwrap_or(rest.len());
            let raw = &rest[..end];
            if raw.contains("]]>") {
                return Err(self.error("unescaped ]]> not in CDATA section"));
            }
            let text = self.decode_text(raw)?;
            self.pos += end;
            return Ok(Some(Token::Text { text, cdata: false }));
        }
        if let Some(after) = rest.strip_prefix("</") {
            return self.end_tag(after).map(Some);
        }
        if let Some(after) = rest.strip_prefix("<?") {
            let Some(end) = after.find("?>") else { return Err(self.eof()) };
            let inner = &after[..end];
            let target_len = inner.find(|c: char| c.is_whitespace()).unwrap_or(inner.len());
            let (target, body) = (&inner[..target_len], inner[target_len..].trim_start());
            if target.is_empty() {
                return Err(self.error("expected target name after <?"));
            }
            self.pos += 2 + end + 2;
            return Ok(Some(Token::ProcInst { target: target.to_string(), body: body.to_string() }));
        }
        if let Some(after) = rest.strip_prefix("<!--") {
            let Some(end) = after.find("--") else { return Err(self.eof()) };
            if !after[end..].starts_with("-->") {
                return Err(self.error("invalid sequence \"--\" not allowed in comments"));
            }
            self.pos += 4 + end + 3;
            return Ok(Some(Token::Comment(after[..end].to_string())));
        }
        if let Some(after) = rest.strip_prefix("<![CDATA[") {
            let Some(end) = after.find("]]>") else { return Err(self.eof()) };
            self.pos += 9 + end + 3;
            return Ok(Some(Token::Text { text: after[..end].to_string(), cdata: true }));
        }
        if let Some(after) = rest.strip_prefix("<!") {
            let end = directive_end(after).ok_or_else(|| self.eof())?;
            self.pos += 2 + end + 1;
            return Ok(Some(Token::Directive(after[..end].to_string())));
        }
        self.start_tag().map(Some)
    }

    fn end_tag(&mut self, after: &'a str) -> Result<Token> {
        let name_len = name_length(after);
        if name_len == 0 {
            return Err(self.error("expected element name after </"));
        }
        let name = &after[..name_len];
        let tail = &after[name_len..];
        let trimmed = tail.trim_start();
        if !trimmed.starts_with('>') {
            return Err(if trimmed.is_empty() {
                self.eof()
            } else {
                self.error(format!("invalid characters between </{name} and >"))
            });
        }
        match self.open.pop() {
            Some(open) if open == name => {}
            Some(open) => return Err(self.error(format!("element <{open}> closed by </{name}>"))),
            None => return Err(self.error(format!("unexpected end element </{name}>"))),
        }
        self.pos += 2 + name_len + (tail.len() - trimmed.len()) + 1;
        Ok(Token::End)
    }

    fn start_tag(&mut self) -> Result<Token> {
        self.pos += 1;
        let name_len = name_length(self.rest());
        if name_len == 0 {
            return Err(self.error("expected element name after <"));
        }
        let name = self.rest()[..name_len].to_string();
        self.pos += name_len;
        let mut attrs = Vec::new();
        loop {
            self.skip_space();
            let rest = self.rest();
            if rest.is_empty() {
                return Err(self.eof());
            }
            if rest.starts_with("/>") {
                self.pos += 2;
                return Ok(Token::Start { name, attrs, empty: true });
            }
            if rest.starts_with('>') {
                self.pos += 1;
                if self.open.len() >= self.max_depth {
                    return Err(Error::new("exceeded maximum XML nesting depth"));
                }
                self.open.push(name.clone());
                return Ok(Token::Start { name, attrs, empty: false });
            }
            let attr_len = name_length(rest);
            if attr_len == 0 {
                return Err(self.error("expected attribute name in element"));
            }
            let attr = rest[..attr_len].to_string();
            self.pos += attr_len;
            self.skip_space();
            if !self.rest().starts_with('=') {
                return Err(self.error("attribute name without = in element"));
            }
            self.pos += 1;
            self.skip_space();
            let quote = match self.rest().chars().next() {
                Some(q @ ('"' | '\'')) => q,
                _ => return Err(self.error("unquoted or missing attribute value in element")),
            };
            self.pos += 1;
            let Some(end) = self.rest().find(quote) else { return Err(self.eof()) };
            let raw = &self.rest()[..end];
            if raw.contains('<') {
                return Err(self.error("unescaped < inside quoted string"));
            }
            let value = self.decode_text(raw)?;
            self.pos += end + 1;
            attrs.push((attr, value));
        }
    }

    fn skip_space(&mut self) {
        let rest = self.rest();
        self.pos += rest.len() - rest.trim_start_matches([' ', '\t', '\r', '\n']).len();
    }

    /// Text with its entity and character references replaced.
    fn decode_text(&self, raw: &str) -> Result<String> {
        if let Some(c) = raw.chars().find(|&c| !is_xml_char(c)) {
            return Err(self.error(format!("illegal character code U+{:04X}", c as u32)));
        }
        if !raw.contains('&') {
            return Ok(raw.to_string());
        }
        let mut out = String::with_capacity(raw.len());
        let mut rest = raw;
        while let Some(amp) = rest.find('&') {
            out.push_str(&rest[..amp]);
            let after = &rest[amp + 1..];
            let Some(semi) = after.find(';').filter(|&s| s <= 32) else {
                let name: String = after.chars().take_while(|c| c.is_alphanumeric() || *c == '#').collect();
                return Err(self.error(format!("invalid character entity &{name} (no semicolon)")));
            };
            let entity = &after[..semi];
            let decoded = match entity {
                "lt" => Some('<'),
                "gt" => Some('>'),
                "amp" => Some('&'),
                "apos" => Some('\''),
                "quot" => Some('"'),
                _ => entity
                    .strip_prefix("#x")
                    .map(|hex| u32::from_str_radix(hex, 16))
                    .or_else(|| entity.strip_prefix('#').map(|dec| dec.parse::<u32>()))
                    .and_then(|n| n.ok())
                    .and_then(char::from_u32)
                    .filter(|&c| is_xml_char(c)),
            };
            let Some(c) = decoded else { return Err(self.error(format!("invalid character entity &{entity};"))) };
            out.push(c);
            rest = &after[semi + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }
}

/// The length of the XML name at the start of `s`.
fn name_length(s: &str) -> usize {
    let mut len = 0;
    for (i, c) in s.char_indices() {
        let ok = c.is_alphabetic()
            || c == '_'
            || c == ':'
            || (i > 0 && (c.is_ascii_digit() || c == '-' || c == '.'))
            || (!c.is_ascii() && !c.is_whitespace());
        if !ok {
            break;
        }
        len = i + c.len_utf8();
    }
    len
}

/// Where a `<!…>` directive ends (its `>`), skipping quoted text and nested `<…>`.
fn directive_end(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '<') => depth += 1,
            (None, '>') if depth == 0 => return Some(i),
            (None, '>') => depth -= 1,
            _ => {}
        }
    }
    None
}

/// The characters XML 1.0 allows.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
}

/// The part of a qualified name after its prefix (`encoding/xml`'s `Name.Local`).
pub(crate) fn local_name(name: &str) -> &str {
    match name.split_once(':') {
        Some((prefix, local)) if !prefix.is_empty() && !local.is_empty() => local,
        _ => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Result<Vec<Token>> {
        let mut tokenizer = Tokenizer::new(text, 10);
        let mut tokens = Vec::new();
        while let Some(token) = tokenizer.next_token()? {
            tokens.push(token);
        }
        Ok(tokens)
    }

    #[test]
    fn reads_tokens_and_entities() {
        let read = tokens("<a x='1'>t&amp;&#65;<b/><![CDATA[<c>]]></a>").unwrap();
        assert!(
            matches!(&read[0], Token::Start { name, attrs, empty: false } if name == "a" && attrs == &[("x".to_string(), "1".to_string())])
        );
        assert!(matches!(&read[1], Token::Text { text, cdata: false } if text == "t&A"));
        assert!(matches!(&read[2], Token::Start { name, empty: true, .. } if name == "b"));
        assert!(matches!(&read[3], Token::Text { text, cdata: true } if text == "<c>"));
        assert!(matches!(read[4], Token::End));
        assert_eq!(read.len(), 5);
        assert_eq!(tokens("<a/><b/>").unwrap().len(), 2, "several top-level elements are accepted");
    }

    #[test]
    fn errors_are_go_syntax_errors() {
        let error = |text: &str| tokens(text).err().map(|e| e.message().to_string()).unwrap_or_default();
        assert_eq!(error("<a>\n<b>"), "XML syntax error on line 2: unexpected EOF");
        assert_eq!(error("<a><b></a>"), "XML syntax error on line 1: element <b> closed by </a>");
        assert_eq!(error("<a>&bogus;</a>"), "XML syntax error on line 1: invalid character entity &bogus;");
        assert_eq!(error(&"<a>".repeat(11)), "exceeded maximum XML nesting depth");
    }

    #[test]
    fn local_names_drop_the_prefix() {
        assert_eq!(local_name("x:y"), "y");
        assert_eq!(local_name("y"), "y");
        assert_eq!(local_name(":y"), ":y");
    }
}
