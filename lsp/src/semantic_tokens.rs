//! Semantic tokens: what each name is (context prefix, field, editor, converter, enum
//! symbol, named argument), which a TextMate grammar can only guess. Read from tokens,
//! not the tree, so that broken text is coloured too.

use ottl_compiler::schema::Context;
use ottl_grammar::Span;
use ottl_grammar::lexer::{Token, lex};
use tower_lsp_server::ls_types::SemanticTokenType;

/// The legend, in the order of [`Kind`].
pub const LEGEND: [SemanticTokenType; 11] = [
    SemanticTokenType::NAMESPACE,
    SemanticTokenType::PROPERTY,
    SemanticTokenType::FUNCTION,
    SemanticTokenType::METHOD,
    SemanticTokenType::ENUM_MEMBER,
    SemanticTokenType::PARAMETER,
    SemanticTokenType::KEYWORD,
    SemanticTokenType::STRING,
    SemanticTokenType::NUMBER,
    SemanticTokenType::OPERATOR,
    SemanticTokenType::COMMENT,
];

/// Indexes into [`LEGEND`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A context prefix: `resource` in `resource.attributes`.
    Namespace,
    /// A path segment.
    Property,
    /// A converter.
    Function,
    /// An editor.
    Method,
    EnumMember,
    /// A named argument or a lambda parameter.
    Parameter,
    Keyword,
    String,
    Number,
    Operator,
    Comment,
}

/// The classified tokens of an OTTL text, in order.
pub fn classify(text: &str) -> Vec<(Span, Kind)> {
    let tokens = lex(text);
    let mut out = Vec::with_capacity(tokens.len());
    for (i, &(token, span)) in tokens.iter().enumerate() {
        let previous = i.checked_sub(1).map(|p| tokens[p].0);
        let next = tokens.get(i + 1).map(|t| t.0);
        let kind = match token {
            Token::Comment(_) => Kind::Comment,
            Token::String(_) | Token::UnterminatedString(_) | Token::SingleQuoted(_) => Kind::String,
            Token::Int(_) | Token::Float(_) | Token::Bytes(_) => Kind::Number,
            Token::Nil | Token::True | Token::False | Token::Not | Token::And | Token::Or | Token::Where | Token::In => {
                Kind::Keyword
            }
            Token::LowerIdent(name) | Token::UpperIdent(name) => name_kind(name, previous, next),
            Token::Error(_) | Token::Underscore => continue,
            token if token.fixed_text().is_some_and(|t| t.chars().all(|c| "=!<>+-*/:".contains(c))) => Kind::Operator,
            _ => continue,
        };
        out.push((span, kind));
    }
    out
}

fn name_kind(name: &str, previous: Option<Token<'_>>, next: Option<Token<'_>>) -> Kind {
    let uppercase = name.starts_with(char::is_uppercase);
    match (previous, next) {
        (_, Some(Token::LParen)) if uppercase => Kind::Function,
        (_, Some(Token::LParen)) => Kind::Method,
        (Some(Token::LParen | Token::Comma), Some(Token::Assign)) => Kind::Parameter,
        (_, Some(Token::FatArrow)) | (Some(Token::LambdaOpen), _) => Kind::Parameter,
        (Some(Token::Dot), _) => Kind::Property,
        (_, Some(Token::PathSep)) | (Some(Token::PathSep), _) => Kind::EnumMember,
        _ if uppercase && name.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_') => Kind::EnumMember,
        // A mixed-case bare name is a converter passed by name (`Sha256` to a function getter).
        _ if uppercase => Kind::Function,
        (_, Some(Token::Dot)) if Context::parse(name).is_some() => Kind::Namespace,
        _ => Kind::Property,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_by_role() {
        let text =
            r#"set(span.attributes["a"], Concat([name, "x"], delimiter = "-")) where kind == SPAN_KIND_SERVER and 1 < 2 # c"#;
        let kinds: Vec<(&str, Kind)> = classify(text).into_iter().map(|(s, k)| (&text[s.range()], k)).collect();
        let find = |word: &str| kinds.iter().find(|(w, _)| *w == word).map(|(_, k)| *k);
        assert_eq!(find("set"), Some(Kind::Method));
        assert_eq!(find("span"), Some(Kind::Namespace));
        assert_eq!(find("attributes"), Some(Kind::Property));
        assert_eq!(find("Concat"), Some(Kind::Function));
        assert_eq!(find("delimiter"), Some(Kind::Parameter));
        assert_eq!(find("SPAN_KIND_SERVER"), Some(Kind::EnumMember));
        assert_eq!(find("where"), Some(Kind::Keyword));
        assert_eq!(find("=="), Some(Kind::Operator));
        assert_eq!(find("\"a\""), Some(Kind::String));
        assert_eq!(find("# c"), Some(Kind::Comment));
    }
}
