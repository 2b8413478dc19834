//! `.ottl` documents: one statement or condition per line, continued across lines while
//! a bracket is open, with `#` comments.
//!
//! A line that is an editor call (`set(...)`, optionally `where …`) or a rule
//! (`cond > action(...)`) is a statement; any other line is a condition, as in a filter
//! processor's list.

use crate::lexer::{Spanned, Token, lex};
use crate::parse::{EntryPoint, Node, Parsed, parse_tokens};
use crate::prepass;
use crate::span::Span;

/// A parsed `.ottl` document.
#[derive(Clone, Debug)]
pub struct Document {
    pub items: Vec<Item>,
    pub comments: Vec<Span>,
}

/// One statement or condition of a document.
#[derive(Clone, Debug)]
pub struct Item {
    pub entry: EntryPoint,
    /// From its first token to its last, comments excluded.
    pub span: Span,
    pub parsed: Parsed<Node>,
}

impl Document {
    /// Every item's syntax diagnostics, as the grammar alone words them
    /// ([`Parsed::syntax_diagnostics`]).
    pub fn diagnostics(&self) -> impl Iterator<Item = crate::Diagnostic> + '_ {
        self.items.iter().flat_map(|item| item.parsed.syntax_diagnostics())
    }
}

pub fn parse_document(src: &str) -> Document {
    let tokens = lex(src);
    let comments = tokens.iter().filter(|(t, _)| matches!(t, Token::Comment(_))).map(|(_, s)| *s).collect();
    let code: Vec<Spanned<'_>> = tokens.into_iter().filter(|(t, _)| !matches!(t, Token::Comment(_))).collect();
    let items = split_items(src, &code)
        .into_iter()
        .map(|range| {
            let chunk = &code[range];
            let span = chunk[0].1.cover(chunk[chunk.len() - 1].1);
            let entry = classify(chunk);
            Item { entry, span, parsed: parse_tokens(src, chunk, entry) }
        })
        .collect();
    Document { items, comments }
}

/// Splits the token stream into one chunk per item: a new item starts on a new line when
/// no bracket is open. When a bracket is left open, a line that starts at column 0 with
/// `name(` still starts a new item, so one missing `)` does not swallow the rest of the
/// file (continuation lines are indented by convention).
/// `code` holds no comments; the result is one index range of it per item.
fn split_items(src: &str, code: &[Spanned<'_>]) -> Vec<std::ops::Range<usize>> {
    let mut items = Vec::new();
    let mut start = 0;
    let mut depth = 0usize;
    for (i, &(token, span)) in code.iter().enumerate() {
        if i > start {
            let prev = code[i - 1].1;
            // Gaps between tokens are mostly zero or one byte: a plain loop beats memchr.
            let new_line = src.as_bytes()[prev.end..span.start].contains(&b'\n');
            let at_column_zero = span.start == 0 || src.as_bytes()[span.start - 1] == b'\n';
            let starts_call = matches!(token, Token::LowerIdent(_)) && matches!(code.get(i + 1), Some((Token::LParen, _)));
            if new_line && (depth == 0 || (at_column_zero && starts_call)) {
                items.push(start..i);
                start = i;
                depth = 0;
            }
        }
        match token {
            Token::LParen | Token::LBracket | Token::LBrace => depth += 1,
            Token::RParen | Token::RBracket | Token::RBrace => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    if start < code.len() {
        items.push(start..code.len());
    }
    items
}

/// Statement or condition, from the shape of the tokens.
fn classify(tokens: &[Spanned<'_>]) -> EntryPoint {
    if prepass::rule_arrow(tokens).is_some() {
        return EntryPoint::Statement;
    }
    let [(Token::LowerIdent(_) | Token::UpperIdent(_), _), (Token::LParen, _), rest @ ..] = tokens else {
        return EntryPoint::Condition;
    };
    let mut depth = 1usize;
    for (i, (token, _)) in rest.iter().enumerate() {
        match token {
            Token::LParen | Token::LBracket | Token::LBrace => depth += 1,
            Token::RParen | Token::RBracket | Token::RBrace => {
                depth -= 1;
                if depth == 0 {
                    let lowercase = matches!(tokens[0].0, Token::LowerIdent(_));
                    return match rest.get(i + 1) {
                        None if lowercase => EntryPoint::Statement,
                        Some((Token::Where, _)) => EntryPoint::Statement,
                        Some((Token::LBracket, _)) if lowercase => EntryPoint::Statement,
                        _ => EntryPoint::Condition,
                    };
                }
            }
            _ => {}
        }
    }
    // Unclosed: judge by the name's case, the likelier intent.
    if matches!(tokens[0].0, Token::LowerIdent(_)) { EntryPoint::Statement } else { EntryPoint::Condition }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_split_by_line_and_bracket() {
        let src = "# header\nset(x, 1)\nresource.attributes[\"a\"] != nil > set(\n    y,\n    SHA256(z)\n)\nIsMatch(name, \"a\") # trailing\nname == \"b\"\n";
        let doc = parse_document(src);
        let entries: Vec<EntryPoint> = doc.items.iter().map(|i| i.entry).collect();
        assert_eq!(entries, vec![EntryPoint::Statement, EntryPoint::Statement, EntryPoint::Condition, EntryPoint::Condition]);
        assert_eq!(doc.diagnostics().count(), 0, "{:?}", doc.diagnostics().collect::<Vec<_>>());
        assert_eq!(doc.comments.len(), 2);
        assert_eq!(&src[doc.items[1].span.range()], "resource.attributes[\"a\"] != nil > set(\n    y,\n    SHA256(z)\n)");
    }

    #[test]
    fn an_unclosed_call_does_not_swallow_the_next_statement() {
        let doc = parse_document("set(x, Concat([\"a\"], \"\")\nset(y, 2)\n");
        assert_eq!(doc.items.len(), 2);
        assert!(doc.items[0].parsed.has_errors());
        assert!(!doc.items[1].parsed.has_errors());
    }
}
