//! The lexer and the parser of XPath expressions.

use super::{Axis, Expr, Op, Start, Step, Test};
use crate::error::{Error, Result};

// -- Lexer --

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Slash,
    DoubleSlash,
    LBracket,
    RBracket,
    LParen,
    RParen,
    At,
    Comma,
    Pipe,
    Dot,
    DotDot,
    ColonColon,
    Dollar,
    Star,
    Name(String),
    Literal(String),
    Number(f64),
    Op(Op),
}

fn lex(text: &str) -> Result<Vec<Tok>> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens: Vec<Tok> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        // After these, `*` is a name test and `and`/`or`/`div`/`mod` are names.
        let operand_expected = matches!(
            tokens.last(),
            None | Some(
                Tok::At
                    | Tok::ColonColon
                    | Tok::LParen
                    | Tok::LBracket
                    | Tok::Comma
                    | Tok::Op(_)
                    | Tok::Slash
                    | Tok::DoubleSlash
                    | Tok::Pipe
            )
        );
        let (token, len) = match c {
            ' ' | '\t' | '\r' | '\n' => {
                i += 1;
                continue;
            }
            '/' if next == Some('/') => (Tok::DoubleSlash, 2),
            '/' => (Tok::Slash, 1),
            '[' => (Tok::LBracket, 1),
            ']' => (Tok::RBracket, 1),
            '(' => (Tok::LParen, 1),
            ')' => (Tok::RParen, 1),
            '@' => (Tok::At, 1),
            ',' => (Tok::Comma, 1),
            '|' => (Tok::Pipe, 1),
            '$' => (Tok::Dollar, 1),
            ':' if next == Some(':') => (Tok::ColonColon, 2),
            '.' if next == Some('.') => (Tok::DotDot, 2),
            '.' if !next.is_some_and(|n| n.is_ascii_digit()) => (Tok::Dot, 1),
            '*' if operand_expected => (Tok::Star, 1),
            '*' => (Tok::Op(Op::Mul), 1),
            '=' => (Tok::Op(Op::Eq), 1),
            '!' if next == Some('=') => (Tok::Op(Op::Ne), 2),
            '<' if next == Some('=') => (Tok::Op(Op::Le), 2),
            '<' => (Tok::Op(Op::Lt), 1),
            '>' if next == Some('=') => (Tok::Op(Op::Ge), 2),
            '>' => (Tok::Op(Op::Gt), 1),
            '+' => (Tok::Op(Op::Add), 1),
            '-' => (Tok::Op(Op::Sub), 1),
            '"' | '\'' => {
                let end = chars[i + 1..].iter().position(|&q| q == c).ok_or_else(|| Error::new("unclosed string literal"))?;
                (Tok::Literal(chars[i + 1..i + 1 + end].iter().collect()), end + 2)
            }
            c if c.is_ascii_digit() || c == '.' => {
                let len = chars[i..].iter().take_while(|d| d.is_ascii_digit() || **d == '.').count();
                let text: String = chars[i..i + len].iter().collect();
                let number = text.parse::<f64>().map_err(|_| Error::new(format!("invalid number {text}")))?;
                (Tok::Number(number), len)
            }
            c if is_name_start(c) => {
                let mut len = chars[i..].iter().take_while(|&&d| is_name_char(d)).count();
                // A QName (`p:n`) or `p:*`, but not an axis (`child::`).
                if chars.get(i + len) == Some(&':') && chars.get(i + len + 1) != Some(&':') {
                    match chars.get(i + len + 1) {
                        Some('*') => len += 2,
                        Some(&d) if is_name_start(d) => {
                            len += 1 + chars[i + len + 1..].iter().take_while(|&&d| is_name_char(d)).count();
                        }
                        _ => {}
                    }
                }
                let name: String = chars[i..i + len].iter().collect();
                let operator = match name.as_str() {
                    "and" => Some(Op::And),
                    "or" => Some(Op::Or),
                    "div" => Some(Op::Div),
                    "mod" => Some(Op::Mod),
                    _ => None,
                };
                match operator {
                    Some(op) if !operand_expected => (Tok::Op(op), len),
                    _ => (Tok::Name(name), len),
                }
            }
            other => return Err(Error::new(format!("{text} has an invalid token: unexpected character {other:?}"))),
        };
        tokens.push(token);
        i += len;
    }
    Ok(tokens)
}

fn is_name_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.')
}

// -- Parser --

/// Compiles an XPath expression.
pub(crate) fn compile(text: &str) -> Result<Expr> {
    if text.is_empty() {
        return Err(Error::new("expr expression is nil"));
    }
    let tokens = lex(text)?;
    if tokens.is_empty() {
        return Err(Error::new(format!("{text} has an invalid token")));
    }
    let mut parser = Parser { tokens, pos: 0, depth: 0 };
    let expr = parser.expr()?;
    if parser.pos != parser.tokens.len() {
        return Err(Error::new(format!("{text} has an invalid token")));
    }
    Ok(expr)
}

/// Nesting deeper than this in an XPath expression is refused.
const MAX_EXPR_DEPTH: usize = 200;

struct Parser {
    tokens: Vec<Tok>,
    pos: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.pos)
    }

    fn peek_at(&self, offset: usize) -> Option<&Tok> {
        self.tokens.get(self.pos + offset)
    }

    fn eat(&mut self, token: &Tok) -> bool {
        let matched = self.peek() == Some(token);
        if matched {
            self.pos += 1;
        }
        matched
    }

    fn expect(&mut self, token: &Tok) -> Result<()> {
        if self.eat(token) { Ok(()) } else { Err(Error::new(format!("expected {token:?} at token {}", self.pos))) }
    }

    fn expr(&mut self) -> Result<Expr> {
        self.depth += 1;
        if self.depth > MAX_EXPR_DEPTH {
            return Err(Error::new("expression nested too deeply"));
        }
        let expr = self.binary(0);
        self.depth -= 1;
        expr
    }

    /// Binary operators by precedence level: or, and, equality, relational,
    /// additive, multiplicative.
    fn binary(&mut self, level: usize) -> Result<Expr> {
        const LEVELS: [&[Op]; 6] = [
            &[Op::Or],
            &[Op::And],
            &[Op::Eq, Op::Ne],
            &[Op::Lt, Op::Le, Op::Gt, Op::Ge],
            &[Op::Add, Op::Sub],
            &[Op::Mul, Op::Div, Op::Mod],
        ];
        let Some(ops) = LEVELS.get(level) else { return self.unary() };
        let mut left = self.binary(level + 1)?;
        while let Some(Tok::Op(op)) = self.peek().cloned() {
            if !ops.contains(&op) {
                break;
            }
            self.pos += 1;
            let right = self.binary(level + 1)?;
            left = Expr::Binary(op, Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr> {
        if self.eat(&Tok::Op(Op::Sub)) {
            self.depth += 1;
            if self.depth > MAX_EXPR_DEPTH {
                return Err(Error::new("expression nested too deeply"));
            }
            let operand = self.unary()?;
            self.depth -= 1;
            return Ok(Expr::Negate(Box::new(operand)));
        }
        let mut left = self.path()?;
        while self.eat(&Tok::Pipe) {
            let right = self.path()?;
            left = Expr::Union(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    /// A location path, or a filter expression optionally followed by `/` steps.
    fn path(&mut self) -> Result<Expr> {
        match self.peek() {
            Some(Tok::Slash) => {
                self.pos += 1;
                let steps = if self.starts_step() { self.relative_steps()? } else { Vec::new() };
                Ok(Expr::Path(Start::Root, steps))
            }
            Some(Tok::DoubleSlash) => {
                self.pos += 1;
                let mut steps = vec![descendant_or_self()];
                steps.extend(self.relative_steps()?);
                Ok(Expr::Path(Start::Root, steps))
            }
            _ if self.starts_filter() => {
                let primary = self.primary()?;
                let mut predicates = Vec::new();
                while self.peek() == Some(&Tok::LBracket) {
                    predicates.push(self.predicate()?);
                }
                let filtered = if predicates.is_empty() { primary } else { Expr::Filter(Box::new(primary), predicates) };
                if matches!(self.peek(), Some(Tok::Slash | Tok::DoubleSlash)) {
                    let steps = self.continued_steps()?;
                    return Ok(Expr::Path(Start::Expr(Box::new(filtered)), steps));
                }
                Ok(filtered)
            }
            _ => Ok(Expr::Path(Start::Context, self.relative_steps()?)),
        }
    }

    fn starts_step(&self) -> bool {
        matches!(self.peek(), Some(Tok::Name(_) | Tok::Star | Tok::At | Tok::Dot | Tok::DotDot))
    }

    /// Whether a filter expression (literal, number, parenthesis, variable or
    /// function call) starts here, rather than a step.
    fn starts_filter(&self) -> bool {
        match self.peek() {
            Some(Tok::Literal(_) | Tok::Number(_) | Tok::LParen | Tok::Dollar) => true,
            Some(Tok::Name(name)) => {
                self.peek_at(1) == Some(&Tok::LParen)
                    && !matches!(name.as_str(), "node" | "text" | "comment" | "processing-instruction")
            }
            _ => false,
        }
    }

    fn relative_steps(&mut self) -> Result<Vec<Step>> {
        let mut steps = vec![self.step()?];
        steps.extend(self.continued_steps()?);
        Ok(steps)
    }

    /// Further `/step` and `//step` parts.
    fn continued_steps(&mut self) -> Result<Vec<Step>> {
        let mut steps = Vec::new();
        loop {
            if self.eat(&Tok::Slash) {
                steps.push(self.step()?);
            } else if self.eat(&Tok::DoubleSlash) {
                steps.push(descendant_or_self());
                steps.push(self.step()?);
            } else {
                return Ok(steps);
            }
        }
    }

    fn step(&mut self) -> Result<Step> {
        if self.eat(&Tok::Dot) {
            return Ok(Step { axis: Axis::SelfNode, test: Test::Node, predicates: Vec::new() });
        }
        if self.eat(&Tok::DotDot) {
            return Ok(Step { axis: Axis::Parent, test: Test::Node, predicates: Vec::new() });
        }
        let axis = if self.eat(&Tok::At) {
            Axis::Attribute
        } else if let (Some(Tok::Name(name)), Some(Tok::ColonColon)) = (self.peek(), self.peek_at(1)) {
            let axis = Axis::from_name(name).ok_or_else(|| Error::new(format!("invalid axis {name}")))?;
            self.pos += 2;
            axis
        } else {
            Axis::Child
        };
        let test = self.node_test()?;
        let mut predicates = Vec::new();
        while self.peek() == Some(&Tok::LBracket) {
            predicates.push(self.predicate()?);
        }
        Ok(Step { axis, test, predicates })
    }

    fn node_test(&mut self) -> Result<Test> {
        match self.peek().cloned() {
            Some(Tok::Star) => {
                self.pos += 1;
                Ok(Test::AnyName)
            }
            Some(Tok::Name(name)) => {
                self.pos += 1;
                let kind_test = match name.as_str() {
                    "node" => Some(Test::Node),
                    "text" => Some(Test::Text),
                    "comment" => Some(Test::Comment),
                    "processing-instruction" => Some(Test::ProcessingInstruction),
                    _ => None,
                };
                if let Some(test) = kind_test
                    && self.eat(&Tok::LParen)
                {
                    if let Some(Tok::Literal(_)) = self.peek() {
                        self.pos += 1;
                    }
                    self.expect(&Tok::RParen)?;
                    return Ok(test);
                }
                Ok(match name.strip_suffix(":*") {
                    Some(prefix) => Test::PrefixAny(prefix.to_string()),
                    None => Test::Name(name),
                })
            }
            // antchfx/xpath's `parseNodeTest` refuses anything else in these words.
            _ => Err(Error::new("expression must evaluate to a node-set")),
        }
    }

    fn predicate(&mut self) -> Result<Expr> {
        self.expect(&Tok::LBracket)?;
        let expr = self.expr()?;
        self.expect(&Tok::RBracket)?;
        Ok(expr)
    }

    fn primary(&mut self) -> Result<Expr> {
        match self.peek().cloned() {
            Some(Tok::Literal(s)) => {
                self.pos += 1;
                Ok(Expr::Literal(s))
            }
            Some(Tok::Number(n)) => {
                self.pos += 1;
                Ok(Expr::Number(n))
            }
            Some(Tok::LParen) => {
                self.pos += 1;
                let expr = self.expr()?;
                self.expect(&Tok::RParen)?;
                Ok(expr)
            }
            // No variables are ever declared, so antchfx/xpath refuses every reference.
            Some(Tok::Dollar) => Err(Error::new(match self.peek_at(1) {
                Some(Tok::Name(name)) => format!("undeclared variable in XPath expression: ${name}"),
                _ => "variables are not supported".to_string(),
            })),
            Some(Tok::Name(name)) => {
                self.pos += 2;
                let mut args = Vec::new();
                if !self.eat(&Tok::RParen) {
                    loop {
                        args.push(self.expr()?);
                        if self.eat(&Tok::RParen) {
                            break;
                        }
                        self.expect(&Tok::Comma)?;
                    }
                }
                check_function(&name, args.len())?;
                Ok(Expr::Call(name, args))
            }
            other => Err(Error::new(format!("unexpected token {other:?}"))),
        }
    }
}

fn descendant_or_self() -> Step {
    Step { axis: Axis::DescendantOrSelf, test: Test::Node, predicates: Vec::new() }
}

/// The functions known, with their argument counts (min, max).
const FUNCTIONS: &[(&str, usize, usize)] = &[
    ("last", 0, 0),
    ("position", 0, 0),
    ("count", 1, 1),
    ("local-name", 0, 1),
    ("name", 0, 1),
    ("namespace-uri", 0, 1),
    ("string", 0, 1),
    ("concat", 2, usize::MAX),
    ("starts-with", 2, 2),
    ("ends-with", 2, 2),
    ("contains", 2, 2),
    ("substring-before", 2, 2),
    ("substring-after", 2, 2),
    ("substring", 2, 3),
    ("string-length", 0, 1),
    ("normalize-space", 0, 1),
    ("translate", 3, 3),
    ("lower-case", 1, 1),
    ("upper-case", 1, 1),
    ("not", 1, 1),
    ("true", 0, 0),
    ("false", 0, 0),
    ("boolean", 1, 1),
    ("number", 0, 1),
    ("sum", 1, 1),
    ("floor", 1, 1),
    ("ceiling", 1, 1),
    ("round", 1, 1),
];

fn check_function(name: &str, count: usize) -> Result<()> {
    match FUNCTIONS.iter().find(|(n, _, _)| *n == name) {
        None => Err(Error::new(format!("not yet support this function {name}()"))),
        Some((_, min, max)) if count < *min || count > *max => Err(Error::new(format!("{name}() was given {count} arguments"))),
        Some(_) => Ok(()),
    }
}
