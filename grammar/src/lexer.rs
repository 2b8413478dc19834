//! The OTTL lexicon.
//!
//! One token type covers canonical OTTL (the Go reference's participle lexer, see
//! `spec/OTTL.md` §1) and the seed's additions (`::` enums, `in`, the rule arrow, which
//! [`crate::prepass`] picks out of plain `>` tokens). Differences from the reference that
//! are deliberate:
//!
//! - Identifiers are whole words (`IsMatch`, `replace_all_matches`), not the reference's
//!   case-split runs (`Uppercase(I) Lowercase(s) …`). A name is then one token, which keeps
//!   `Is Match(x)` from silently meaning `IsMatch(x)`. [`reference_tokens`] reproduces the
//!   reference's stream for the conformance corpus.
//! - `#` starts a comment that runs to the end of the line (`.ottl` files have comments;
//!   OTTL inside YAML never contains `#` outside strings, YAML strips those).
//! - Malformed input becomes tokens too ([`Token::Error`], [`Token::UnterminatedString`]) so
//!   that the parser and the diagnostics see one stream and never stop at the first error.

use logos::Logos;

use crate::span::Span;

#[derive(Logos, Clone, Copy, Debug, PartialEq, Eq)]
#[logos(skip r"[ \t\r\n\f\x0B]+")]
pub enum Token<'src> {
    /// A complete string literal, quotes included; escapes are decoded by the parser.
    #[token("\"", string_literal)]
    String(&'src str),
    /// A string literal whose closing quote never comes before the end of the line (made
    /// by [`lex`] from a string that [`string_literal`] could not close).
    UnterminatedString(&'src str),
    /// `'…'`: not OTTL (strings are double-quoted), but common enough to deserve its
    /// own diagnostic rather than one per quote.
    #[regex(r"'[^'\n]*'?", |lex| lex.slice())]
    SingleQuoted(&'src str),
    /// `0x` followed by hex digits; the digit count is checked by the parser.
    #[regex(r"0x[0-9a-fA-F]+", |lex| lex.slice())]
    Bytes(&'src str),
    #[regex(r"([0-9]+\.[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?", |lex| lex.slice())]
    Float(&'src str),
    #[regex(r"[0-9]+", |lex| lex.slice())]
    Int(&'src str),

    #[token("nil")]
    Nil,
    #[token("true")]
    True,
    #[token("false")]
    False,
    #[token("not")]
    Not,
    #[token("and")]
    And,
    #[token("or")]
    Or,
    #[token("where")]
    Where,
    #[token("in")]
    In,

    #[token("==")]
    Eq,
    #[token("!=")]
    Ne,
    #[token("<")]
    Lt,
    #[token("<=")]
    Le,
    #[token(">")]
    Gt,
    #[token(">=")]
    Ge,
    #[token("+")]
    Plus,
    #[token("-")]
    Minus,
    #[token("*")]
    Star,
    #[token("/")]
    Slash,
    /// `=`, only for named arguments.
    #[token("=")]
    Assign,
    /// `=>`, between a lambda's parameters and its body.
    #[token("=>")]
    FatArrow,
    /// `::`, the seed's enum spelling `StatusCode::Ok`.
    #[token("::")]
    PathSep,

    #[token("(")]
    LParen,
    #[token(")")]
    RParen,
    #[token("[")]
    LBracket,
    #[token("]")]
    RBracket,
    #[token("{")]
    LBrace,
    #[token("}")]
    RBrace,
    #[token(",")]
    Comma,
    #[token(".")]
    Dot,
    #[token(":")]
    Colon,
    /// The lambda placeholder parameter.
    #[token("_")]
    Underscore,

    /// A name that starts lowercase: editors, path segments, named arguments.
    #[regex(r"[a-z][A-Za-z0-9_]*", |lex| lex.slice())]
    LowerIdent(&'src str),
    /// A name that starts uppercase: converters, function names, enum symbols.
    #[regex(r"[A-Z][A-Za-z0-9_]*", |lex| lex.slice())]
    UpperIdent(&'src str),

    /// `# …` to the end of the line.
    #[regex(r"#[^\n]*", |lex| lex.slice(), allow_greedy = true)]
    Comment(&'src str),

    /// Set by [`crate::prepass`]: the top-level `>` that separates a rule's condition from
    /// its action (`cond > action()`).
    RuleArrow,
    /// Set by [`crate::prepass`]: the `(` that opens a lambda's parameter list.
    LambdaOpen,
    /// Characters no token starts with (`|`, `;`, non-ASCII outside strings, …).
    Error(&'src str),
}

pub type Spanned<'src> = (Token<'src>, Span);

/// Scans a string literal after its opening quote, by hand: a regex with an escape
/// alternative makes logos recurse once per escape, which overflows the stack on long
/// strings in debug builds. Fails, having consumed the rest of the line, when the string
/// is not closed on its line.
fn string_literal<'src>(lex: &mut logos::Lexer<'src, Token<'src>>) -> Result<&'src str, ()> {
    let bytes = lex.remainder().as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                lex.bump(i + 1);
                return Ok(lex.slice());
            }
            b'\\' if bytes.get(i + 1).is_some_and(|&b| b != b'\n') => i += 2,
            b'\n' => break,
            _ => i += 1,
        }
    }
    lex.bump(i);
    Err(())
}

/// Every token of `src`, comments and error tokens included, in order.
///
/// Never fails: characters that start no token become [`Token::Error`] tokens, one per
/// run of such characters, each on whole UTF-8 characters.
pub fn lex(src: &str) -> Vec<Spanned<'_>> {
    let mut tokens: Vec<Spanned<'_>> = Vec::new();
    let mut lexer = Token::lexer(src);
    while let Some(result) = lexer.next() {
        let range = lexer.span();
        match result {
            Ok(token) => tokens.push((token, Span::from(range))),
            Err(()) if src[range.clone()].starts_with('"') => {
                tokens.push((Token::UnterminatedString(&src[range.clone()]), Span::from(range)));
            }
            Err(()) => {
                let mut end = range.end.max(range.start + 1);
                while !src.is_char_boundary(end) {
                    end += 1;
                }
                if end > range.end {
                    lexer.bump(end - range.end);
                }
                match tokens.last_mut() {
                    Some((Token::Error(text), span)) if span.end == range.start => {
                        span.end = end;
                        *text = &src[span.start..end];
                    }
                    _ => tokens.push((Token::Error(&src[range.start..end]), Span::new(range.start, end))),
                }
            }
        }
    }
    tokens
}

impl Token<'_> {
    /// How the token is named in a message to the user.
    pub fn describe(&self) -> String {
        match self {
            Token::String(s) | Token::UnterminatedString(s) | Token::SingleQuoted(s) => format!("string {s}"),
            Token::Bytes(s) => format!("bytes literal `{s}`"),
            Token::Float(s) | Token::Int(s) => format!("number `{s}`"),
            Token::LowerIdent(s) | Token::UpperIdent(s) => format!("`{s}`"),
            Token::Comment(_) => "a comment".to_string(),
            Token::RuleArrow => "`>`".to_string(),
            Token::LambdaOpen => "`(`".to_string(),
            Token::Error(s) => format!("`{s}`"),
            other => format!("`{}`", other.fixed_text().unwrap_or("?")),
        }
    }

    /// The text of tokens that are always spelled the same.
    pub fn fixed_text(&self) -> Option<&'static str> {
        Some(match self {
            Token::Nil => "nil",
            Token::True => "true",
            Token::False => "false",
            Token::Not => "not",
            Token::And => "and",
            Token::Or => "or",
            Token::Where => "where",
            Token::In => "in",
            Token::Eq => "==",
            Token::Ne => "!=",
            Token::Lt => "<",
            Token::Le => "<=",
            Token::Gt | Token::RuleArrow => ">",
            Token::Ge => ">=",
            Token::Plus => "+",
            Token::Minus => "-",
            Token::Star => "*",
            Token::Slash => "/",
            Token::Assign => "=",
            Token::FatArrow => "=>",
            Token::PathSep => "::",
            Token::LParen | Token::LambdaOpen => "(",
            Token::RParen => ")",
            Token::LBracket => "[",
            Token::RBracket => "]",
            Token::LBrace => "{",
            Token::RBrace => "}",
            Token::Comma => ",",
            Token::Dot => ".",
            Token::Colon => ":",
            Token::Underscore => "_",
            _ => return None,
        })
    }
}

/// The token stream the Go reference's participle lexer produces for `src`, as
/// `(kind, text)` pairs with the reference's token kinds (`Lowercase`, `OpComparison`,
/// `Punct`, …). Used by the conformance corpus's `lex` rows; the parser never needs it.
///
/// Fails, like the reference, on text no reference rule matches: the message says
/// `invalid token` or `unterminated string`.
pub fn reference_tokens(src: &str) -> Result<Vec<(&'static str, String)>, String> {
    let mut out = Vec::new();
    for (token, span) in lex(src) {
        let text = &src[span.range()];
        let kind = match token {
            Token::String(_) => "String",
            Token::Bytes(_) => "Bytes",
            Token::Float(_) => "Float",
            Token::Int(_) => "Int",
            Token::Nil => "Nil",
            Token::Not => "OpNot",
            Token::And => "OpAnd",
            Token::Or => "OpOr",
            Token::True | Token::False => "Boolean",
            Token::Eq | Token::Ne | Token::Lt | Token::Le | Token::Gt | Token::Ge | Token::RuleArrow => "OpComparison",
            Token::Plus | Token::Minus => "OpAddSub",
            Token::Star | Token::Slash => "OpMultDiv",
            Token::Assign => "Equal",
            Token::LParen | Token::LambdaOpen => "LParen",
            Token::RParen => "RParen",
            Token::LBrace => "LBrace",
            Token::RBrace => "RBrace",
            Token::Colon => "Colon",
            Token::Comma | Token::Dot | Token::LBracket | Token::RBracket => "Punct",
            Token::LowerIdent(_) | Token::UpperIdent(_) | Token::Where | Token::In => {
                out.extend(case_runs(text).map(|run| (run_kind(run), run.to_string())));
                continue;
            }
            Token::UnterminatedString(_) => return Err(format!("unterminated string {text}")),
            Token::Comment(_)
            | Token::Error(_)
            | Token::SingleQuoted(_)
            | Token::FatArrow
            | Token::PathSep
            | Token::Underscore => return Err(format!("invalid token {text:?}")),
        };
        out.push((kind, text.to_string()));
    }
    Ok(out)
}

/// Splits an identifier where the reference's `Uppercase` (`[A-Z][A-Z0-9_]*`) and
/// `Lowercase` (`[a-z][a-z0-9_]*`) rules hand over to each other.
fn case_runs(ident: &str) -> impl Iterator<Item = &str> {
    let bytes = ident.as_bytes();
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= bytes.len() {
            return None;
        }
        let upper = bytes[start].is_ascii_uppercase();
        let mut end = start + 1;
        while end < bytes.len() && !(if upper { bytes[end].is_ascii_lowercase() } else { bytes[end].is_ascii_uppercase() }) {
            end += 1;
        }
        let run = &ident[start..end];
        start = end;
        Some(run)
    })
}

fn run_kind(run: &str) -> &'static str {
    if run.starts_with(|c: char| c.is_ascii_uppercase()) { "Uppercase" } else { "Lowercase" }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<Token<'_>> {
        lex(src).into_iter().map(|(t, _)| t).collect()
    }

    #[test]
    fn keywords_are_word_bounded() {
        assert_eq!(
            kinds("android and oreo or nilly nil"),
            vec![
                Token::LowerIdent("android"),
                Token::And,
                Token::LowerIdent("oreo"),
                Token::Or,
                Token::LowerIdent("nilly"),
                Token::Nil,
            ]
        );
    }

    #[test]
    fn unterminated_and_escaped_quote_strings() {
        assert_eq!(kinds(r#""a\"b""#), vec![Token::String(r#""a\"b""#)]);
        assert_eq!(kinds(r#""\""#), vec![Token::UnterminatedString(r#""\""#)]);
        assert_eq!(kinds("\"abc\nx"), vec![Token::UnterminatedString("\"abc"), Token::LowerIdent("x")]);
    }

    #[test]
    fn numbers_and_bytes() {
        assert_eq!(
            kinds("1 1.5 .5 1. 1.0e3 0xAbC 0x"),
            vec![
                Token::Int("1"),
                Token::Float("1.5"),
                Token::Float(".5"),
                Token::Float("1."),
                Token::Float("1.0e3"),
                Token::Bytes("0xAbC"),
                Token::Int("0"),
                Token::LowerIdent("x"),
            ]
        );
    }

    #[test]
    fn invalid_characters_group_on_char_boundaries() {
        let src = "a |ü§ b";
        let tokens = lex(src);
        assert_eq!(tokens[1].0, Token::Error("|ü§"));
        assert_eq!(&src[tokens[1].1.range()], "|ü§");
        assert_eq!(tokens[2].0, Token::LowerIdent("b"));
    }

    #[test]
    fn reference_stream_splits_identifiers_by_case() {
        let toks = reference_tokens("aBCd_123E_4").unwrap();
        let text: Vec<String> = toks.iter().map(|(k, t)| format!("{k}({t})")).collect();
        assert_eq!(text.join(" "), "Lowercase(a) Uppercase(BC) Lowercase(d_123) Uppercase(E_4)");
    }
}
