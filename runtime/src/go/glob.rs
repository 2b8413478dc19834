//! Glob patterns as `github.com/gobwas/glob` v0.2.3 lexes and parses them, compiled without
//! separators, as the reference's `replace_match` and `replace_all_matches` compile them:
//! `*` and `**` match any run of characters, `?` one character, `[abc]`/`[a-z]` one of a
//! set or range (`!` after `[` negates), `{a,b}` one of the alternatives, `\` escapes.
//! [`to_regex`] writes the pattern as an anchored regular expression. The `glob` and
//! `globset` crates are path globs: their `*` stops at `/`, and they reject or read
//! differently what gobwas accepts, with other error texts.

use std::collections::VecDeque;

#[derive(Debug)]
enum Token {
    Text(String),
    Any,
    Single,
    RangeOpen,
    Not,
    RangeLo(char),
    RangeHi(char),
    RangeClose,
    TermsOpen,
    Separator,
    TermsClose,
    Eof,
}

/// A lexer that, like gobwas's, reads one item per call; a lexing error surfaces when
/// the parser next asks for a token, so an earlier parse error wins.
struct Lexer {
    chars: Vec<char>,
    pos: usize,
    terms_level: usize,
    tokens: VecDeque<Token>,
    error: Option<String>,
}

/// gobwas reads a NUL as the end of input.
const EOF: char = '\0';

impl Lexer {
    fn new(pattern: &str) -> Lexer {
        Lexer { chars: pattern.chars().collect(), pos: 0, terms_level: 0, tokens: VecDeque::new(), error: None }
    }

    fn next(&mut self) -> Result<Token, String> {
        loop {
            if let Some(error) = &self.error {
                return Err(error.clone());
            }
            if let Some(token) = self.tokens.pop_front() {
                return Ok(token);
            }
            self.fetch_item();
        }
    }

    fn peek(&mut self) -> char {
        match self.chars.get(self.pos) {
            None => EOF,
            // Go's decoder reports U+FFFD as an undecodable rune.
            Some('\u{FFFD}') => {
                self.error = Some("could not read rune".into());
                EOF
            }
            Some(&c) => c,
        }
    }

    fn read(&mut self) -> char {
        let c = self.peek();
        if c != EOF {
            self.pos += 1;
        }
        c
    }

    fn unread(&mut self) {
        self.pos = self.pos.saturating_sub(1);
    }

    fn fetch_item(&mut self) {
        let c = self.read();
        let token = match c {
            EOF => Token::Eof,
            '{' => {
                self.terms_level += 1;
                Token::TermsOpen
            }
            ',' if self.terms_level > 0 => Token::Separator,
            '}' if self.terms_level > 0 => {
                self.terms_level -= 1;
                Token::TermsClose
            }
            '[' => {
                self.tokens.push_back(Token::RangeOpen);
                return self.fetch_range();
            }
            '?' => Token::Single,
            '*' => {
                // `**` (gobwas's "super") matches the same as `*` without separators.
                if self.peek() == '*' {
                    self.pos += 1;
                }
                Token::Any
            }
            _ => {
                self.unread();
                let in_terms = self.terms_level > 0;
                return self.fetch_text(|c| matches!(c, '?' | '*' | '[' | '{') || in_terms && matches!(c, '}' | ','));
            }
        };
        self.tokens.push_back(token);
    }

    fn fetch_range(&mut self) {
        let (mut want_hi, mut want_close, mut seen_not) = (false, false, false);
        loop {
            let c = self.read();
            if c == EOF {
                self.error.get_or_insert_with(|| "unexpected end of input".into());
                return;
            }
            if want_close {
                if c == ']' {
                    self.tokens.push_back(Token::RangeClose);
                } else {
                    self.error = Some("expected close range character".into());
                }
                return;
            }
            if want_hi {
                self.tokens.push_back(Token::RangeHi(c));
                want_close = true;
            } else if !seen_not && c == '!' {
                self.tokens.push_back(Token::Not);
                seen_not = true;
            } else if self.peek() == '-' {
                self.pos += 1;
                self.tokens.push_back(Token::RangeLo(c));
                want_hi = true;
            } else {
                self.unread();
                self.fetch_text(|c| c == ']');
                want_close = true;
            }
        }
    }

    fn fetch_text(&mut self, is_breaker: impl Fn(char) -> bool) {
        let mut text = String::new();
        let mut escaped = false;
        loop {
            let c = self.read();
            if c == EOF {
                break;
            }
            if !escaped {
                if c == '\\' {
                    escaped = true;
                    continue;
                }
                if is_breaker(c) {
                    self.unread();
                    break;
                }
            }
            escaped = false;
            text.push(c);
        }
        if !text.is_empty() {
            self.tokens.push_back(Token::Text(text));
        }
    }
}

/// An open `{…}`: the nodes before it and the alternatives read so far.
struct Terms {
    before: Vec<String>,
    alternatives: Vec<String>,
}

/// The anchored regular expression (Go syntax) that matches what the glob matches.
pub(crate) fn to_regex(pattern: &str) -> Result<String, String> {
    let mut lexer = Lexer::new(pattern);
    let mut open: Vec<Terms> = Vec::new();
    let mut current: Vec<String> = Vec::new();
    loop {
        match lexer.next()? {
            Token::Eof => break,
            Token::Text(text) => current.push(regex::escape(&text)),
            Token::Any => current.push(".*".into()),
            Token::Single => current.push(".".into()),
            Token::RangeOpen => current.push(parse_range(&mut lexer)?),
            Token::TermsOpen => open.push(Terms { before: std::mem::take(&mut current), alternatives: Vec::new() }),
            Token::Separator => {
                if let Some(terms) = open.last_mut() {
                    terms.alternatives.push(std::mem::take(&mut current).concat());
                }
            }
            Token::TermsClose => close_terms(&mut open, &mut current),
            other => return Err(format!("unexpected token: {other:?}")),
        }
    }
    // An unclosed `{` is accepted: its alternatives so far stand.
    while !open.is_empty() {
        close_terms(&mut open, &mut current);
    }
    Ok(format!("(?s)\\A(?:{})\\z", current.concat()))
}

fn close_terms(open: &mut Vec<Terms>, current: &mut Vec<String>) {
    if let Some(mut terms) = open.pop() {
        terms.alternatives.push(std::mem::take(current).concat());
        *current = terms.before;
        current.push(format!("(?:{})", terms.alternatives.join("|")));
    }
}

/// The tokens after `[` up to `]`, as a character class.
fn parse_range(lexer: &mut Lexer) -> Result<String, String> {
    let (mut not, mut lo, mut hi, mut chars) = (false, None, None, String::new());
    loop {
        match lexer.next()? {
            Token::Eof => return Err("unexpected end".into()),
            Token::Not => not = true,
            Token::RangeLo(c) => lo = Some(c),
            Token::RangeHi(c) => {
                if let Some(low) = lo
                    && c < low
                {
                    return Err(format!("hi character '{c}' should be greater than lo '{low}'"));
                }
                hi = Some(c);
            }
            Token::Text(text) => chars = text,
            Token::RangeClose => {
                let negation = if not { "^" } else { "" };
                return match (lo, hi, chars.is_empty()) {
                    (Some(lo), Some(hi), true) => {
                        Ok(format!("[{negation}{}-{}]", regex::escape(&lo.to_string()), regex::escape(&hi.to_string())))
                    }
                    (None, None, false) => Ok(format!("[{negation}{}]", regex::escape(&chars))),
                    _ => Err("could not parse range".into()),
                };
            }
            other => return Err(format!("unexpected token: {other:?}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_like_gobwas_without_separators() {
        let compile = |pattern: &str| to_regex(pattern).and_then(|regex| crate::regex::compile(&regex));
        let matches = |pattern: &str, text: &str| compile(pattern).unwrap().is_match(text);
        assert!(matches("*/*", "/health"));
        assert!(matches("*/*", "http://localhost/health"));
        assert!(!matches("*/*", "get"));
        assert!(matches("/user/*/list/*", "/user/123/list/456"));
        assert!(matches("a?c", "abc") && !matches("a?c", "ac"));
        assert!(matches("[abc]x", "bx") && !matches("[abc]x", "dx"));
        assert!(matches("[!abc]x", "dx") && !matches("[!abc]x", "ax"));
        assert!(matches("[a-c]x", "cx") && !matches("[a-c]x", "dx"));
        assert!(matches("{foo,bar}.txt", "bar.txt") && !matches("{foo,bar}.txt", "baz.txt"));
        assert!(matches("{a,{b,c}d}", "cd"));
        assert!(matches("**", "a/b/c"));
        assert!(matches("a\\*", "a*") && !matches("a\\*", "ab"));
        assert!(matches("x]y}z,", "x]y}z,"));
        assert!(matches("a.b", "a.b") && !matches("a.b", "axb"));
        assert!(matches("*", "line\nbreak"));
        assert!(matches("{a,b", "b"));
        for bad in ["[", "[]", "[!]", "[z-a]", "[a-bc]"] {
            assert!(compile(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn compile_errors_in_gobwas_words() {
        for pattern in ["/user/*/list/*", "a?c", "[abc]", "[!a-z]x", "{a,b}", "\\*", "0{", "a}b", "{a,b", "a\\"] {
            assert!(to_regex(pattern).is_ok(), "{pattern}");
        }
        for pattern in ["[", "[!", "/user/[a", "[a-", "[a-b", "[\\]"] {
            assert_eq!(to_regex(pattern), Err("unexpected end of input".into()), "{pattern}");
        }
        assert_eq!(to_regex("[a-bc]"), Err("expected close range character".into()));
        assert_eq!(to_regex("[z-a]"), Err("hi character 'a' should be greater than lo 'z'".into()));
    }
}
