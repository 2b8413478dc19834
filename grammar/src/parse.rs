//! Entry points: text or tokens in, an AST and every syntax diagnostic out.
//!
//! A snippet goes through: checks on the raw tokens (invalid characters, unterminated
//! strings, nesting depth, bracket balance), the prepass, the LALR parser with error
//! recovery inside argument lists, and finally [`crate::validate`]. Each stage reports in
//! the user's terms and the later stages stay quiet about what an earlier one already
//! said, so one mistake gives one diagnostic.

use std::convert::Infallible;

use lalrpop_util::{ErrorRecovery, ParseError};

use crate::ast::*;
use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::lexer::{Spanned, Token, lex};
use crate::misnamed::Misnamed;
use crate::span::Span;
use crate::{literal, prepass, validate};

lalrpop_util::lalrpop_mod!(
    #[allow(clippy::all, clippy::unwrap_used, clippy::expect_used, unused_parens, unused_imports, dead_code)]
    grammar,
    "/ottl.rs"
);

/// Deepest bracket nesting accepted; deeper input is refused before parsing so that
/// no recursive pass over the tree can overflow the stack.
pub const MAX_NESTING: usize = 256;
/// Most operators accepted in one snippet, for the same reason (operator chains nest).
pub const MAX_OPERATORS: usize = 2_000;

/// What a snippet is parsed as: the three entry points of the reference.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryPoint {
    /// `editor(...) where cond` or `cond > action(...)`.
    Statement,
    /// A boolean expression, as in a filter processor's list.
    Condition,
    /// A value expression.
    Value,
}

/// The result of parsing one snippet. `node` is present whenever the parser got
/// through, even with diagnostics (most validation errors leave a usable tree).
#[derive(Clone, Debug)]
pub struct Parsed<T> {
    pub node: Option<T>,
    pub diagnostics: Vec<Diagnostic>,
    /// Function names in the wrong case for their place: syntax errors too, worded by
    /// the compiler (see [`crate::misnamed`]).
    pub misnamed: Vec<Misnamed>,
}

impl<T> Parsed<T> {
    pub fn has_errors(&self) -> bool {
        !self.misnamed.is_empty() || self.diagnostics.iter().any(|d| d.severity() == crate::Severity::Error)
    }

    /// Nothing to report at all, not even a warning.
    pub fn is_clean(&self) -> bool {
        self.diagnostics.is_empty() && self.misnamed.is_empty()
    }

    /// Every syntax diagnostic as the grammar alone can word it: misnamed functions
    /// without advice. For tools without the compiler (formatting); the compiler words
    /// them itself.
    pub fn syntax_diagnostics(&self) -> impl Iterator<Item = Diagnostic> + '_ {
        self.diagnostics.iter().cloned().chain(self.misnamed.iter().map(Misnamed::diagnostic))
    }

    fn map<U>(self, f: impl FnOnce(T) -> Option<U>) -> Parsed<U> {
        Parsed { node: self.node.and_then(f), diagnostics: self.diagnostics, misnamed: self.misnamed }
    }
}

/// A parsed snippet of any entry point.
#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    Statement(Statement),
    Expr(Expr),
}

pub fn parse_statement(src: &str) -> Parsed<Statement> {
    parse_tokens(src, &lex(src), EntryPoint::Statement).map(Node::into_statement)
}

pub fn parse_condition(src: &str) -> Parsed<Expr> {
    parse_tokens(src, &lex(src), EntryPoint::Condition).map(Node::into_expr)
}

pub fn parse_value(src: &str) -> Parsed<Expr> {
    parse_tokens(src, &lex(src), EntryPoint::Value).map(Node::into_expr)
}

impl Node {
    pub fn into_statement(self) -> Option<Statement> {
        match self {
            Node::Statement(s) => Some(s),
            Node::Expr(_) => None,
        }
    }

    pub fn into_expr(self) -> Option<Expr> {
        match self {
            Node::Expr(e) => Some(e),
            Node::Statement(_) => None,
        }
    }
}

/// Parses the tokens of one snippet of `src` (spans are offsets into `src`; comments
/// are ignored).
pub fn parse_tokens<'src>(src: &'src str, tokens: &[Spanned<'src>], entry: EntryPoint) -> Parsed<Node> {
    let mut tokens: Vec<Spanned<'src>> = {
        let mut code = Vec::with_capacity(tokens.len());
        code.extend(tokens.iter().filter(|(t, _)| !matches!(t, Token::Comment(_))).copied());
        code
    };
    let mut diagnostics = lexical_diagnostics(&tokens);
    if tokens.is_empty() {
        let what = if entry == EntryPoint::Statement { "statement" } else { "expression" };
        diagnostics.push(Diagnostic::new(Code::EmptyStatement, format!("empty {what}"), Span::at(0), "nothing here"));
        return Parsed { node: None, diagnostics, misnamed: Vec::new() };
    }
    if let Some(too_deep) = complexity_limit(&tokens) {
        diagnostics.push(too_deep);
        return Parsed { node: None, diagnostics, misnamed: Vec::new() };
    }
    let brackets = bracket_diagnostics(&tokens, src.len());
    let bracket_trouble_at = brackets.iter().map(|d| d.span().start).min();
    diagnostics.extend(brackets);
    repair_lexical_errors(&mut tokens);

    prepass::mark(&mut tokens, entry == EntryPoint::Statement);
    let mut sink = Sink { diagnostics: Vec::new(), recovered: Vec::new() };
    let stream = tokens.iter().map(|(t, s)| Ok::<_, Infallible>((s.start, *t, s.end)));
    let result = match entry {
        EntryPoint::Statement => grammar::StatementParser::new().parse(&mut sink, stream).map(|s| Node::Statement(*s)),
        EntryPoint::Condition | EntryPoint::Value => grammar::ExprParser::new().parse(&mut sink, stream).map(Node::Expr),
    };
    diagnostics.append(&mut sink.diagnostics);
    let mut reporter = SyntaxErrorReporter::new(&tokens, bracket_trouble_at);
    for recovery in sink.recovered {
        diagnostics.extend(reporter.report(recovery.error));
    }
    let node = match result {
        Ok(node) => Some(node),
        Err(error) => {
            diagnostics.extend(reporter.report(error));
            None
        }
    };
    // The reporter stays quiet about consequences of errors already reported; make sure
    // that a snippet that did not parse never ends up without any error.
    if node.is_none() && !diagnostics.iter().any(|d| d.severity() == crate::Severity::Error) {
        let span = tokens[0].1.cover(tokens[tokens.len() - 1].1);
        diagnostics.push(Diagnostic::new(Code::UnexpectedToken, "invalid syntax", span, "this does not parse"));
    }
    let mut findings = validate::Findings { diagnostics, misnamed: Vec::new() };
    if let Some(node) = &node {
        match (entry, node) {
            (EntryPoint::Statement, Node::Statement(s)) => validate::statement(s, &mut findings),
            (EntryPoint::Condition, Node::Expr(e)) => validate::condition(e, &mut findings),
            (_, Node::Expr(e)) => validate::value(e, &mut findings),
            (_, Node::Statement(_)) => {}
        }
    }
    let validate::Findings { mut diagnostics, misnamed } = findings;
    diagnostics.sort_by_key(|d| (d.span().start, d.span().end));
    diagnostics.dedup();
    Parsed { node, diagnostics, misnamed }
}

/// Invalid characters and unterminated strings: reported here, once, and never again by
/// the parser, which stops at them.
fn lexical_diagnostics(tokens: &[Spanned<'_>]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (token, span) in tokens {
        match token {
            Token::Error(text) => {
                let (message, help) = match *text {
                    "||" | "|" => (format!("`{text}` is not an OTTL operator"), "write `or`"),
                    "&&" | "&" => (format!("`{text}` is not an OTTL operator"), "write `and`"),
                    t if t.starts_with('!') => ("`!` is not an OTTL operator".to_string(), "write `not`, or `!=` to compare"),
                    t => (
                        format!("invalid character{} `{t}`", if t.chars().count() > 1 { "s" } else { "" }),
                        "OTTL names are ASCII; put other text inside a string",
                    ),
                };
                let diagnostic = Diagnostic::new(Code::InvalidCharacter, message, *span, "not valid here").with_help(help);
                out.push(match *text {
                    "||" | "|" => diagnostic.with_fix(*span, "or"),
                    "&&" | "&" => diagnostic.with_fix(*span, "and"),
                    _ => diagnostic,
                });
            }
            Token::SingleQuoted(text) => {
                let inner = text.trim_matches('\'');
                out.push(
                    Diagnostic::new(
                        Code::InvalidCharacter,
                        "strings are written in double quotes",
                        *span,
                        "single quotes are not OTTL",
                    )
                    .with_help(format!("write {}", crate::printer::string(inner)))
                    .with_fix(*span, crate::printer::string(inner)),
                );
            }
            Token::UnterminatedString(_) => out.push(
                Diagnostic::new(Code::UnterminatedString, "unterminated string literal", *span, "this string is never closed")
                    .with_help("close it with `\"`; inside a string, write `\\\"` for a quote and `\\\\` for a backslash"),
            ),
            _ => {}
        }
    }
    out
}

/// After reporting them, lets the parser read lexical mistakes as what was meant, so
/// that they cause no further errors: `||` as `or`, `&&` as `and`, `!` as `not`,
/// `'text'` as a string; other invalid characters are left out.
fn repair_lexical_errors(tokens: &mut Vec<Spanned<'_>>) {
    tokens.retain_mut(|(token, _)| {
        *token = match *token {
            Token::Error("||" | "|") => Token::Or,
            Token::Error("&&" | "&") => Token::And,
            Token::Error("!") => Token::Not,
            Token::SingleQuoted(text) if text.len() >= 2 && text.ends_with('\'') => Token::String(text),
            Token::Error(_) | Token::SingleQuoted(_) => return false,
            other => other,
        };
        true
    });
}

fn complexity_limit(tokens: &[Spanned<'_>]) -> Option<Diagnostic> {
    let mut depth = 0usize;
    let mut operators = 0usize;
    for (token, span) in tokens {
        match token {
            Token::LParen | Token::LBracket | Token::LBrace => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(Diagnostic::new(
                        Code::NestingTooDeep,
                        format!("brackets nest more than {MAX_NESTING} levels deep"),
                        *span,
                        "too deep from here",
                    ));
                }
            }
            Token::RParen | Token::RBracket | Token::RBrace => depth = depth.saturating_sub(1),
            Token::Eq
            | Token::Ne
            | Token::Lt
            | Token::Le
            | Token::Gt
            | Token::Ge
            | Token::Plus
            | Token::Minus
            | Token::Star
            | Token::Slash
            | Token::And
            | Token::Or
            | Token::Not
            | Token::In => {
                operators += 1;
                if operators > MAX_OPERATORS {
                    return Some(Diagnostic::new(
                        Code::NestingTooDeep,
                        format!("more than {MAX_OPERATORS} operators in one statement"),
                        *span,
                        "too many from here",
                    ));
                }
            }
            _ => {}
        }
    }
    None
}

/// Unclosed and unmatched brackets, found by matching them up before parsing so that the
/// message can point at the bracket that was opened, not at where the parser noticed.
fn bracket_diagnostics(tokens: &[Spanned<'_>], end_of_input: usize) -> Vec<Diagnostic> {
    let mut open: Vec<(char, Span)> = Vec::new();
    let mut out = Vec::new();
    for (token, span) in tokens {
        let (opening, closing) = match token {
            Token::LParen | Token::LambdaOpen => ('(', None),
            Token::LBracket => ('[', None),
            Token::LBrace => ('{', None),
            Token::RParen => ('(', Some(')')),
            Token::RBracket => ('[', Some(']')),
            Token::RBrace => ('{', Some('}')),
            _ => continue,
        };
        let Some(closing) = closing else {
            open.push((opening, *span));
            continue;
        };
        match open.last() {
            Some((o, _)) if *o == opening => {
                open.pop();
            }
            Some((o, opened)) => {
                out.push(
                    Diagnostic::new(
                        Code::UnmatchedDelimiter,
                        format!("`{closing}` does not close the `{o}` that is open"),
                        *span,
                        format!("expected `{}`", closer(*o)),
                    )
                    .with_secondary(*opened, format!("`{o}` opened here")),
                );
                return out;
            }
            None => {
                out.push(
                    Diagnostic::new(Code::UnmatchedDelimiter, format!("unmatched `{closing}`"), *span, "nothing to close here")
                        .with_help(format!("remove this `{closing}`")),
                );
                return out;
            }
        }
    }
    let last = tokens.last().map_or(end_of_input, |(_, s)| s.end);
    // An unterminated string swallows the rest of the line, closing brackets included:
    // its own diagnostic says all there is to say.
    let string_swallowed_rest = tokens.iter().any(|(t, _)| matches!(t, Token::UnterminatedString(_)));
    if let Some((o, opened)) = open.last().filter(|_| !string_swallowed_rest) {
        out.push(
            Diagnostic::new(Code::UnclosedDelimiter, format!("unclosed `{o}`"), *opened, "opened here and never closed")
                .with_secondary(Span::at(last), format!("expected `{}` by here", closer(*o))),
        );
    }
    out
}

fn closer(opening: char) -> char {
    match opening {
        '(' => ')',
        '[' => ']',
        _ => '}',
    }
}

/// Collects what grammar actions find: literal errors and recovered syntax errors.
pub struct Sink<'src> {
    pub(crate) diagnostics: Vec<Diagnostic>,
    pub(crate) recovered: Vec<ErrorRecovery<usize, Token<'src>, Infallible>>,
}

impl<'src> Sink<'src> {
    fn literal<T>(&mut self, result: Result<T, Diagnostic>, span: Span, make: impl FnOnce(T) -> ExprKind) -> Expr {
        match result {
            Ok(value) => Expr::new(make(value), span),
            Err(diagnostic) => {
                self.diagnostics.push(diagnostic);
                Expr::new(ExprKind::Error, span)
            }
        }
    }

    pub(crate) fn int(&mut self, raw: &str, negative: bool, span: Span) -> Expr {
        let digits = raw.trim_start_matches(['-', '+']);
        self.literal(literal::parse_int(digits, negative, span), span, ExprKind::Int)
    }

    pub(crate) fn float(&mut self, raw: &str, span: Span) -> Expr {
        self.literal(literal::parse_float(raw, false, span), span, ExprKind::Float)
    }

    pub(crate) fn string(&mut self, raw: &str, span: Span) -> Expr {
        self.literal(literal::decode_string(raw, span), span, ExprKind::String)
    }

    pub(crate) fn bytes(&mut self, raw: &str, span: Span) -> Expr {
        self.literal(literal::decode_bytes(raw, span), span, ExprKind::Bytes)
    }

    pub(crate) fn map_entry(&mut self, raw: &str, key_span: Span, value: Expr) -> MapEntry {
        let key = literal::decode_string(raw, key_span).unwrap_or_else(|diagnostic| {
            self.diagnostics.push(diagnostic);
            String::new()
        });
        MapEntry { key, key_span, value }
    }

    /// A sign in front of an expression; folded into numeric literals as the reference
    /// does (`- 1.5` is the literal -1.5).
    pub(crate) fn sign(op: UnaryOp, operand: Expr, span: Span) -> Expr {
        let folded = match (&operand.kind, op) {
            (ExprKind::Float(v), UnaryOp::Neg) => Some(ExprKind::Float(-v)),
            (ExprKind::Int(v), UnaryOp::Neg) => v.checked_neg().map(ExprKind::Int),
            (ExprKind::Float(_) | ExprKind::Int(_), UnaryOp::Plus) => Some(operand.kind.clone()),
            _ => None,
        };
        match folded {
            Some(kind) => Expr::new(kind, span),
            None => Expr::new(ExprKind::Unary(op, Box::new(operand)), span),
        }
    }

    /// A bare uppercase name: all capitals is an enum symbol (`SPAN_KIND_SERVER`, and
    /// also `SHA256` passed as a function), mixed case a function name (`Sha256`).
    pub(crate) fn upper_name(name: Ident) -> Expr {
        let span = name.span;
        let is_enum = !name.name.bytes().any(|b| b.is_ascii_lowercase());
        if is_enum {
            Expr::new(ExprKind::Enum(Box::new(EnumSymbol { qualifier: None, name })), span)
        } else {
            Expr::new(ExprKind::FunctionName(name), span)
        }
    }

    pub(crate) fn recover(&mut self, error: ErrorRecovery<usize, Token<'src>, Infallible>, span: Span) -> Expr {
        self.recovered.push(error);
        Expr::new(ExprKind::Error, span)
    }
}

/// Turns the parser's errors (a token and the terminals it expected) into messages in
/// the user's terms.
struct SyntaxErrorReporter<'a, 'src> {
    tokens: &'a [Spanned<'src>],
    /// Where bracket matching already found a problem; parser errors from there on are
    /// consequences of it.
    bracket_trouble_at: Option<usize>,
    /// A misplaced lambda was reported: the `=>` the parser trips over next is part of it.
    lambda_reported: bool,
    /// Where the first `where` ends, for "a statement has only one `where`".
    first_where_end: Option<usize>,
    /// Open brackets before each token, computed on the first error that needs it; the
    /// lookups stay logarithmic however many errors a snippet has.
    depths: std::cell::OnceCell<Vec<i32>>,
}

impl<'a, 'src> SyntaxErrorReporter<'a, 'src> {
    fn new(tokens: &'a [Spanned<'src>], bracket_trouble_at: Option<usize>) -> Self {
        let first_where_end = tokens.iter().find(|(t, _)| *t == Token::Where).map(|(_, s)| s.end);
        SyntaxErrorReporter {
            tokens,
            bracket_trouble_at,
            lambda_reported: false,
            first_where_end,
            depths: std::cell::OnceCell::new(),
        }
    }

    fn report(&mut self, error: ParseError<usize, Token<'_>, Infallible>) -> Option<Diagnostic> {
        match error {
            ParseError::UnrecognizedEof { location, expected } => self.unexpected_end(location, &expected),
            ParseError::UnrecognizedToken { token: (l, token, r), expected } => {
                self.unexpected_token(token, Span::new(l, r), &expected)
            }
            ParseError::ExtraToken { token: (l, token, r) } => self.unexpected_token(token, Span::new(l, r), &[]),
            ParseError::InvalidToken { .. } | ParseError::User { .. } => None,
        }
    }

    /// How many tokens end at or before `offset`.
    fn tokens_before(&self, offset: usize) -> usize {
        self.tokens.partition_point(|(_, span)| span.end <= offset)
    }

    fn previous(&self, offset: usize) -> Option<&Spanned<'src>> {
        self.tokens_before(offset).checked_sub(1).map(|i| &self.tokens[i])
    }

    /// How many brackets are open just before `offset`.
    fn depth_before(&self, offset: usize) -> i32 {
        let depths = self.depths.get_or_init(|| {
            let mut depth = 0;
            let mut depths = Vec::with_capacity(self.tokens.len() + 1);
            depths.push(0);
            for (token, _) in self.tokens {
                depth += match token {
                    Token::LParen | Token::LambdaOpen | Token::LBracket | Token::LBrace => 1,
                    Token::RParen | Token::RBracket | Token::RBrace => -1,
                    _ => 0,
                };
                depths.push(depth);
            }
            depths
        });
        depths[self.tokens_before(offset)]
    }

    fn after_bracket_trouble(&self, offset: usize) -> bool {
        self.bracket_trouble_at.is_some_and(|at| offset >= at)
    }

    fn unexpected_end(&self, location: usize, expected: &[String]) -> Option<Diagnostic> {
        if self.bracket_trouble_at.is_some() {
            return None;
        }
        let (prev, prev_span) = *self.previous(location)?;
        if matches!(prev, Token::UnterminatedString(_)) {
            return None;
        }
        let message = match missing_after(&prev) {
            Some(what) => format!("expected {what} after {}", prev.describe()),
            None => format!("the statement ends too early: expected {}", describe_expected(expected)),
        };
        let mut diagnostic = Diagnostic::new(Code::UnexpectedEnd, message, prev_span, "expected more after this");
        if prev == Token::Where {
            diagnostic = diagnostic.with_help("write a condition after `where`, or remove `where` if the statement has none");
        }
        Some(diagnostic)
    }

    fn unexpected_token(&mut self, token: Token<'_>, span: Span, expected: &[String]) -> Option<Diagnostic> {
        if matches!(token, Token::Error(_) | Token::UnterminatedString(_) | Token::SingleQuoted(_))
            || self.after_bracket_trouble(span.start)
        {
            return None;
        }
        if token == Token::Where && self.first_where_end.is_some_and(|end| end <= span.start) {
            return Some(
                Diagnostic::new(Code::UnexpectedToken, "a statement has only one `where`", span, "second `where`")
                    .with_help("join the conditions with `and`")
                    .with_fix(span, "and"),
            );
        }
        if token == Token::FatArrow && self.lambda_reported {
            return None;
        }
        if token == Token::LambdaOpen {
            self.lambda_reported = true;
            return Some(
                Diagnostic::new(
                    Code::LambdaOutsideArgument,
                    "a lambda is only valid as a function argument",
                    span,
                    "a lambda starts here",
                )
                .with_help("pass it to a function that takes one, such as `Filter(list, (v) => v != nil)`"),
            );
        }
        if token == Token::Assign && expected.iter().any(|e| e == "\"==\"") {
            return Some(
                Diagnostic::new(Code::AssignInCondition, "`=` is not a comparison", span, "use `==` to compare")
                    .with_help("`=` only names an argument, as in `flatten(attributes, depth = 2)`")
                    .with_fix(span, "=="),
            );
        }
        let prev = self.previous(span.start).map(|(t, _)| *t);
        if let (Some(Token::LBrace | Token::Comma), Token::LowerIdent(name) | Token::UpperIdent(name)) = (prev, token)
            && expected.iter().any(|e| e == "\"string\"")
            && !expected.iter().any(|e| e == "\"lower\"")
        {
            return Some(
                Diagnostic::new(Code::UnexpectedToken, "map keys must be quoted strings", span, "unquoted key")
                    .with_help(format!("write \"{name}\""))
                    .with_fix(span, format!("\"{name}\"")),
            );
        }
        let found = token.describe();
        if prev == Some(Token::RParen) && self.depth_before(span.start) == 0 {
            return Some(
                Diagnostic::new(Code::UnexpectedToken, format!("unexpected {found} after the call"), span, "unexpected here")
                    .with_help("a statement ends after its call, or continues with `where` and a condition"),
            );
        }
        let message = match prev.as_ref().and_then(missing_after) {
            Some(what) => format!("expected {what} after {}, found {found}", prev.map(|p| p.describe()).unwrap_or_default()),
            None if expected.is_empty() => format!("unexpected {found} after the end of the statement"),
            None => format!("unexpected {found}: expected {}", describe_expected(expected)),
        };
        let mut diagnostic = Diagnostic::new(Code::UnexpectedToken, message, span, "unexpected here");
        if let (Token::UpperIdent(name), Some(Token::Comma | Token::LParen | Token::Assign)) = (token, prev)
            && expected.iter().any(|e| e == "\"upper\"")
        {
            diagnostic = diagnostic.with_help(format!("`{name}` followed by this is not a call; did you mean `{name}(...)`?"));
        }
        Some(diagnostic)
    }
}

/// What must follow a token, when that is one thing.
fn missing_after(prev: &Token<'_>) -> Option<&'static str> {
    Some(match prev {
        Token::Eq | Token::Ne | Token::Lt | Token::Le | Token::Gt | Token::Ge | Token::In => "a value",
        Token::Plus | Token::Minus | Token::Star | Token::Slash => "a value",
        Token::Assign | Token::Comma | Token::LParen | Token::LBracket | Token::Colon => "a value",
        Token::Where | Token::And | Token::Or | Token::RuleArrow => "a condition",
        Token::Not => "a condition or `in`",
        Token::Dot => "a field name",
        Token::FatArrow => "the lambda's body",
        Token::PathSep => "an enum value name",
        _ => return None,
    })
}

/// A short English list of what the parser would have accepted.
fn describe_expected(expected: &[String]) -> String {
    let has = |name: &str| expected.iter().any(|e| e.trim_matches('"') == name);
    // `[` and `-` also continue a value (keys, subtraction): they alone do not mean a
    // value could start here.
    let value_starts = ["string", "int", "float", "bytes", "nil", "true", "false", "lower", "upper"];
    let operators = ["==", "!=", "<", ">", "<=", ">=", "+", "*", "and", "or"];
    let mut parts: Vec<String> = Vec::new();
    if value_starts.iter().any(|v| has(v)) {
        parts.push("a value".into());
    }
    if operators.iter().any(|o| has(o)) {
        parts.push("an operator".into());
    }
    for punct in [",", ")", "]", "}", ":", ".", "(", "=", "where", "=>", "::"] {
        if has(punct) {
            parts.push(format!("`{punct}`"));
        }
    }
    match parts.len() {
        0 => "something else".into(),
        1 => parts.remove(0),
        n => format!("{} or {}", parts[..n - 1].join(", "), parts[n - 1]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::visit::statement_spans_mut;

    /// Every node's span covers exactly its text: never empty, never starting or ending
    /// in whitespace (the trap is `@R` after an empty production such as "no keys").
    #[test]
    fn spans_cover_exactly_their_text() {
        let sources = [
            r#"set(x, 1) where name or "fido""#,
            r#"set(attributes["a"], Split(body, ",")[0]) where attributes["b"] != nil and not IsMatch(name, "x")"#,
            r#"len(span.attributes["u"]) > 100 > set(span.attributes["u"], truncate(span.attributes["u"], 100, "..."))"#,
            "set(x, - - y + 2 * (z / 3)) where Filter(list, (k, v) => v == k) != nil",
            "route(\"a\")  \n",
        ];
        for src in sources {
            let parsed = parse_statement(src);
            let mut statement = parsed.node.unwrap_or_else(|| panic!("{src}: {:?}", parsed.diagnostics));
            statement_spans_mut(&mut statement, &mut |span| {
                let text = &src[span.range()];
                assert!(!text.is_empty() && text.trim() == text, "{src}: span {span:?} covers {text:?}");
            });
        }
    }
}
