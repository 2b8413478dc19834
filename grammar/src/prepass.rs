//! Token rewrites that make the grammar LALR(1).
//!
//! Two constructs cannot be told apart by one token of lookahead, but are obvious from
//! the whole token list, so this pass marks them before parsing:
//!
//! - **The rule arrow.** In `len(x) > 100 > set(...)` both `>` are the same token. The
//!   arrow is the top-level `>` followed by a lowercase call that ends the statement
//!   (an action), except the seed's lowercase converters such as `len(...)`, which are
//!   values. It becomes [`Token::RuleArrow`].
//! - **Lambda parameters.** `(a, b) => …` starts like a parenthesised expression; a `(`
//!   followed by a parameter list, `)` and `=>` becomes [`Token::LambdaOpen`].

use crate::lexer::{Spanned, Token};
use crate::names::is_value_only_lowercase_call;

/// Marks lambda heads, and the rule arrow when the tokens are a statement (conditions and
/// values have no arrow: `x > replace_pattern(...)` there is a comparison).
pub fn mark(tokens: &mut [Spanned<'_>], statement: bool) {
    mark_lambdas(tokens);
    if statement {
        mark_rule_arrow(tokens);
    }
}

fn mark_lambdas(tokens: &mut [Spanned<'_>]) {
    for i in 0..tokens.len() {
        if tokens[i].0 == Token::LParen && is_lambda_head(&tokens[i + 1..]) {
            tokens[i].0 = Token::LambdaOpen;
        }
    }
}

/// `tokens` follow a `(`: is it `[param {, param}] ) =>`?
fn is_lambda_head(tokens: &[Spanned<'_>]) -> bool {
    let mut i = 0;
    let mut expect_param = true;
    loop {
        match tokens.get(i).map(|t| t.0) {
            Some(Token::RParen) if i == 0 || !expect_param => {
                return tokens.get(i + 1).map(|t| t.0) == Some(Token::FatArrow);
            }
            Some(Token::LowerIdent(_) | Token::Underscore) if expect_param => expect_param = false,
            Some(Token::Comma) if !expect_param => expect_param = true,
            _ => return false,
        }
        i += 1;
    }
}

fn mark_rule_arrow(tokens: &mut [Spanned<'_>]) {
    if let Some(i) = rule_arrow(tokens) {
        tokens[i].0 = Token::RuleArrow;
    }
}

/// The index of the `>` that is a rule arrow, if the tokens are a rule. A statement with
/// a `where` is in the canonical form and has none.
pub fn rule_arrow(tokens: &[Spanned<'_>]) -> Option<usize> {
    let mut depth = 0i32;
    for (i, (token, _)) in tokens.iter().enumerate() {
        match token {
            Token::Where if depth == 0 => return None,
            Token::LParen | Token::LambdaOpen | Token::LBracket | Token::LBrace => depth += 1,
            Token::RParen | Token::RBracket | Token::RBrace => depth -= 1,
            Token::Gt if depth == 0 && is_final_action(&tokens[i + 1..]) => return Some(i),
            _ => {}
        }
    }
    None
}

/// Is `tokens` exactly `action(...)`: a lowercase call whose `)` is the last token?
fn is_final_action(tokens: &[Spanned<'_>]) -> bool {
    let [(Token::LowerIdent(name), _), (Token::LParen, _), rest @ ..] = tokens else {
        return false;
    };
    if is_value_only_lowercase_call(name) {
        return false;
    }
    let mut depth = 1i32;
    for (i, (token, _)) in rest.iter().enumerate() {
        match token {
            Token::LParen | Token::LambdaOpen | Token::LBracket | Token::LBrace => depth += 1,
            Token::RParen | Token::RBracket | Token::RBrace => {
                depth -= 1;
                if depth == 0 {
                    return i + 1 == rest.len();
                }
            }
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexer::lex;

    fn marked(src: &str) -> Vec<Token<'_>> {
        let mut tokens = lex(src);
        mark(&mut tokens, true);
        tokens.into_iter().map(|(t, _)| t).collect()
    }

    #[test]
    fn only_the_arrow_before_the_final_action_is_marked() {
        let tokens = marked("len(x) > 100 > set(y, truncate(x, 100, \"...\"))");
        let arrows: Vec<usize> = tokens.iter().enumerate().filter(|(_, t)| **t == Token::RuleArrow).map(|(i, _)| i).collect();
        let gts = tokens.iter().filter(|t| **t == Token::Gt).count();
        assert_eq!(arrows.len(), 1);
        assert_eq!(gts, 1);
        assert_eq!(tokens[arrows[0] + 1], Token::LowerIdent("set"));
    }

    #[test]
    fn comparisons_with_calls_are_not_arrows() {
        assert!(!marked("x > Int(y)").contains(&Token::RuleArrow));
        assert!(!marked("x > len(y)").contains(&Token::RuleArrow));
        assert!(!marked("set(x, 1) where a > b").contains(&Token::RuleArrow));
        assert!(marked("a > b > keep()").contains(&Token::RuleArrow));
        assert!(!marked("set(x, 1) where y > replace_pattern(z, \"a\", \"b\")").contains(&Token::RuleArrow));
    }

    #[test]
    fn lambda_heads() {
        assert_eq!(marked("(_, v) => v")[0], Token::LambdaOpen);
        assert_eq!(marked("() => true")[0], Token::LambdaOpen);
        assert_eq!(marked("(v) + 1")[0], Token::LParen);
        assert_eq!(marked("(a,) => 1")[0], Token::LParen);
    }
}
