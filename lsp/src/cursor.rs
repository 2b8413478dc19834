//! What the text before the cursor says may come next.
//!
//! Completion and signature help run on text that does not parse (the user is in the
//! middle of typing it), so they read tokens, not the tree: the tokens of the current
//! statement up to the cursor, lexed on their own so that a string the cursor is inside
//! shows up as an unterminated string.

use ottl_grammar::Span;
use ottl_grammar::lexer::{Spanned, Token, lex};

/// The current statement's tokens before the cursor.
pub struct Cursor<'a> {
    /// Tokens before the word being typed, spans in the region's text.
    pub tokens: Vec<Spanned<'a>>,
    /// The name or unterminated string the cursor is at the end of, which a completion
    /// replaces.
    pub word: Option<Spanned<'a>>,
    /// Where the word starts (the cursor, when there is none).
    pub word_start: usize,
}

/// The call the cursor is inside: `set(span.name, |`.
pub struct CallSite<'a> {
    pub name: &'a str,
    /// The argument the cursor is in, counted from 0.
    pub argument: usize,
    /// `name` when the current argument is written `name = …`.
    pub named: Option<&'a str>,
    /// The names already given to other arguments.
    pub given_names: Vec<&'a str>,
    /// Whether the cursor is where an argument starts (nothing typed since `(` or `,`).
    pub at_argument_start: bool,
    /// The tokens of the first argument, when it is finished (the target of `set`).
    pub first_argument: Vec<Spanned<'a>>,
    /// Whether the cursor is inside a list or map literal within the argument
    /// (`Concat([a, |`): an element goes there, not a named argument.
    pub in_literal: bool,
}

impl CallSite<'_> {
    /// The names of the first argument when it is a plain path (`span.kind`).
    pub fn first_argument_names(&self) -> Vec<&str> {
        let mut names = Vec::new();
        for (i, (token, _)) in self.first_argument.iter().enumerate() {
            match (i % 2, token) {
                (0, Token::LowerIdent(name) | Token::UpperIdent(name)) => names.push(*name),
                (1, Token::Dot) => {}
                _ => return Vec::new(),
            }
        }
        names
    }
}

impl<'a> Cursor<'a> {
    /// The tokens of `text[item_start..offset]`.
    pub fn new(text: &'a str, item_start: usize, offset: usize) -> Cursor<'a> {
        let offset = offset.min(text.len());
        let item_start = item_start.min(offset);
        let mut tokens: Vec<Spanned<'a>> = lex(&text[item_start..offset])
            .into_iter()
            .filter(|(token, _)| !matches!(token, Token::Comment(_)))
            .map(|(token, span)| (token, Span::new(span.start + item_start, span.end + item_start)))
            .collect();
        let word = match tokens.last() {
            Some(&(token @ (Token::LowerIdent(_) | Token::UpperIdent(_) | Token::UnterminatedString(_)), span))
                if span.end == offset =>
            {
                tokens.pop();
                Some((token, span))
            }
            // A keyword being typed further (`not` in `nothing`) is a name too.
            Some(&(token, span)) if span.end == offset && token.fixed_text().is_some_and(is_word) => {
                tokens.pop();
                Some((Token::LowerIdent(&text[span.range()]), span))
            }
            _ => None,
        };
        let word_start = word.map_or(offset, |(_, span)| span.start);
        Cursor { tokens, word, word_start }
    }

    /// The text of the name being typed ("" when there is none).
    #[cfg(test)]
    fn word_text(&self) -> &'a str {
        match self.word {
            Some((Token::LowerIdent(name) | Token::UpperIdent(name), _)) => name,
            _ => "",
        }
    }

    /// Whether the cursor is inside a string literal.
    pub fn in_string(&self) -> bool {
        matches!(self.word, Some((Token::UnterminatedString(_), _)))
    }

    fn last(&self) -> Option<Token<'a>> {
        self.tokens.last().map(|(token, _)| *token)
    }

    /// `span.status.|` → `["span", "status"]`: the names of a path before a dot.
    pub fn path_before_dot(&self) -> Option<Vec<&'a str>> {
        if self.last() != Some(Token::Dot) {
            return None;
        }
        self.path_ending_at(skip_keys_back(&self.tokens, self.tokens.len() - 1)?)
    }

    /// The path before the cursor's `[`: `attributes[|` or `resource.attributes["|` →
    /// `["resource", "attributes"]`.
    pub fn path_before_bracket(&self) -> Option<Vec<&'a str>> {
        if self.last() != Some(Token::LBracket) {
            return None;
        }
        self.path_ending_at(self.tokens.len() - 1)
    }

    /// The names of the path whose last name is the token before index `end`, stepping back
    /// over the keys between its names (`resource.attributes["a"].x`).
    fn path_ending_at(&self, end: usize) -> Option<Vec<&'a str>> {
        let mut names = Vec::new();
        let mut i = end;
        loop {
            match self.tokens.get(i.checked_sub(1)?)?.0 {
                Token::LowerIdent(name) | Token::UpperIdent(name) => names.push(name),
                _ => return None,
            }
            i -= 1;
            if i == 0 || self.tokens[i - 1].0 != Token::Dot {
                break;
            }
            i = skip_keys_back(&self.tokens, i - 1)?;
        }
        names.reverse();
        Some(names)
    }

    /// `span.kind == |` → the path compared with, `["span", "kind"]`.
    pub fn compared_path(&self) -> Option<Vec<&'a str>> {
        let last = self.last()?;
        if !matches!(last, Token::Eq | Token::Ne | Token::Lt | Token::Le | Token::Gt | Token::Ge) {
            return None;
        }
        self.path_ending_at(self.tokens.len() - 1)
    }

    /// The innermost call whose `(` is still open before the cursor.
    pub fn enclosing_call(&self) -> Option<CallSite<'a>> {
        let mut depth = 0usize;
        let mut argument = 0usize;
        let mut commas: Vec<usize> = Vec::new();
        let mut in_literal = false;
        for i in (0..self.tokens.len()).rev() {
            match self.tokens[i].0 {
                Token::RParen | Token::RBracket | Token::RBrace => depth += 1,
                Token::LBracket | Token::LBrace if depth > 0 => depth -= 1,
                // An open list, map or key: the commas seen so far separate its elements,
                // and the call's argument is the one holding it.
                Token::LBracket | Token::LBrace => {
                    in_literal = true;
                    argument = 0;
                    commas.clear();
                }
                Token::LParen if depth > 0 => depth -= 1,
                Token::LParen => {
                    let (name_token, _) = *self.tokens.get(i.checked_sub(1)?)?;
                    let (Token::LowerIdent(name) | Token::UpperIdent(name)) = name_token else { return None };
                    let mut site = self.call_site(name, i, argument, &commas);
                    site.in_literal = in_literal;
                    return Some(site);
                }
                Token::Comma if depth == 0 => {
                    argument += 1;
                    commas.push(i);
                }
                _ => {}
            }
        }
        None
    }

    /// The call `name` whose `(` is token `open`; `commas` are its top-level commas, last first.
    fn call_site(&self, name: &'a str, open: usize, argument: usize, commas: &[usize]) -> CallSite<'a> {
        let mut bounds: Vec<usize> = std::iter::once(open).chain(commas.iter().rev().copied()).collect();
        bounds.push(self.tokens.len());
        let arguments: Vec<&[Spanned<'a>]> = bounds.windows(2).map(|w| &self.tokens[w[0] + 1..w[1]]).collect();
        let name_of = |arg: &[Spanned<'a>]| match arg {
            [(Token::LowerIdent(n), _), (Token::Assign, _), ..] => Some(*n),
            _ => None,
        };
        let current = arguments.last().copied().unwrap_or_default();
        CallSite {
            name,
            argument,
            named: name_of(current),
            given_names: arguments[..arguments.len() - 1].iter().filter_map(|a| name_of(a)).collect(),
            at_argument_start: current.is_empty(),
            first_argument: if arguments.len() > 1 { arguments[0].to_vec() } else { Vec::new() },
            in_literal: false,
        }
    }

    /// Whether the cursor follows a finished editor call at the statement's top level
    /// (`set(x, 1) |`), where `where` comes next.
    pub fn after_action(&self) -> bool {
        if self.last() != Some(Token::RParen) || self.tokens.iter().any(|(t, _)| *t == Token::Where) {
            return false;
        }
        bracket_depth(&self.tokens) == 0 && matches!(self.tokens.first(), Some((Token::LowerIdent(_), _)))
    }

    /// Whether the cursor follows a finished operand (`name == "a" |`), where `and` or `or`
    /// come next.
    pub fn after_operand(&self) -> bool {
        matches!(
            self.last(),
            Some(
                Token::String(_)
                    | Token::Int(_)
                    | Token::Float(_)
                    | Token::Bytes(_)
                    | Token::Nil
                    | Token::True
                    | Token::False
                    | Token::RParen
                    | Token::RBracket
                    | Token::UpperIdent(_)
                    | Token::LowerIdent(_)
            )
        )
    }

    /// Whether nothing of the statement is written yet.
    pub fn at_statement_start(&self) -> bool {
        self.tokens.is_empty()
    }
}

/// Brackets opened minus brackets closed over `tokens`.
pub fn bracket_depth(tokens: &[Spanned<'_>]) -> i32 {
    tokens
        .iter()
        .map(|(token, _)| match token {
            Token::LParen | Token::LBracket | Token::LBrace => 1,
            Token::RParen | Token::RBracket | Token::RBrace => -1,
            _ => 0,
        })
        .sum()
}

/// From the dot at `dot`, steps back over `[…]` keys; the index of the token after the name
/// before them.
fn skip_keys_back(tokens: &[Spanned<'_>], dot: usize) -> Option<usize> {
    let mut i = dot;
    while i > 0 && tokens[i - 1].0 == Token::RBracket {
        let mut depth = 0usize;
        loop {
            i = i.checked_sub(1)?;
            match tokens[i].0 {
                Token::RBracket => depth += 1,
                Token::LBracket => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                _ => {}
            }
        }
    }
    (i > 0).then_some(i)
}

fn is_word(text: &str) -> bool {
    text.chars().all(|c| c.is_ascii_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at_end(text: &str) -> Cursor<'_> {
        Cursor::new(text, 0, text.len())
    }

    #[test]
    fn paths_before_a_dot() {
        assert_eq!(at_end("set(span.status.").path_before_dot(), Some(vec!["span", "status"]));
        assert_eq!(at_end("x where resource.attributes[\"a\"].").path_before_dot(), Some(vec!["resource", "attributes"]));
        assert_eq!(at_end("set(span.na").path_before_dot(), Some(vec!["span"]), "the word being typed is not part of it");
        let cursor = at_end("set(span.na");
        assert_eq!(cursor.word_text(), "na");
        assert_eq!(cursor.tokens.last().map(|t| t.0), Some(Token::Dot));
    }

    #[test]
    fn calls_and_their_arguments() {
        let cursor = at_end("set(attributes[\"a\"], Concat([name, \"x\"], delimiter = ");
        let call = cursor.enclosing_call().unwrap();
        assert_eq!((call.name, call.argument, call.named), ("Concat", 1, Some("delimiter")));
        let cursor = at_end("replace_pattern(name, \"a\", \"b\", replacement_format = \"%s\", ");
        let call = cursor.enclosing_call().unwrap();
        assert_eq!((call.name, call.argument, call.at_argument_start), ("replace_pattern", 4, true));
        assert_eq!(call.given_names, vec!["replacement_format"]);
        assert_eq!(call.first_argument.len(), 1);
        assert!(at_end("set(x, 1)").enclosing_call().is_none());
        let call = at_end("set(x, Concat([1, ").enclosing_call().unwrap();
        assert_eq!((call.name, call.argument, call.in_literal), ("Concat", 0, true), "inside a list literal");
        let call = at_end("set(x, [1, 2], ").enclosing_call().unwrap();
        assert_eq!((call.name, call.argument, call.in_literal), ("set", 2, false));
    }

    #[test]
    fn strings_and_keywords() {
        assert!(at_end("set(attributes[\"ht").in_string());
        assert_eq!(at_end("set(attributes[\"ht").path_before_bracket(), Some(vec!["attributes"]));
        assert!(at_end("set(x, 1) ").after_action());
        assert!(!at_end("set(x, 1) where y").after_action());
        assert_eq!(at_end("x where span.kind == ").compared_path(), Some(vec!["span", "kind"]));
        assert_eq!(at_end("x where cache[\"a\"].b == ").compared_path(), Some(vec!["cache", "b"]), "keys between names");
        assert_eq!(at_end("set(x, 1) wher").word_text(), "wher");
        assert_eq!(at_end("x where no").word_text(), "no");
        assert_eq!(at_end("x where not").word_text(), "not", "a finished keyword is still a word");
    }
}
