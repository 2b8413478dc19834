//! The untyped syntax tree.
//!
//! The grammar is deliberately broader than OTTL: one expression type covers values and
//! conditions, and calls keep whatever case their name was written in. The narrower rules
//! of the reference (a condition must be a comparison, converters are uppercase, only
//! paths and converters take keys, …) are checked afterwards by [`crate::validate`], which
//! can then say exactly what is wrong instead of "unexpected token".
//!
//! Every node carries the [`Span`] it was parsed from. Parenthesised expressions are kept
//! as [`ExprKind::Paren`] so that the formatter preserves the grouping the author chose.

use smol_str::SmolStr;

use crate::span::Span;

/// One OTTL statement: an action, optionally guarded by a condition.
///
/// The canonical form `editor(args) where cond` and the seed's rule form
/// `cond > action(args)` produce the same node; [`StatementForm`] only remembers which
/// one was written, so that printing gives it back.
#[derive(Clone, Debug, PartialEq)]
pub struct Statement {
    pub action: Call,
    pub condition: Option<Expr>,
    pub form: StatementForm,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatementForm {
    /// `editor(args)` or `editor(args) where cond`.
    Where,
    /// `cond > action(args)`.
    Rule,
}

/// A name as written, with its span. Names are short: `SmolStr` keeps them inline,
/// without a heap allocation each.
#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    pub name: SmolStr,
    pub span: Span,
}

/// A function call: an editor in action position, a converter in value position.
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    pub name: Ident,
    pub args: Vec<Argument>,
    /// Keys that index the result: `Split(x, ",")[1]`.
    pub keys: Vec<Key>,
    pub span: Span,
}

/// One argument of a call. Its span is derived (see [`Argument::span`]) rather than
/// stored: arguments sit on the parser's stack, and every byte there is copied on each
/// reduction.
#[derive(Clone, Debug, PartialEq)]
pub struct Argument {
    /// `name = value`; `None` for a positional argument.
    pub name: Option<Ident>,
    pub value: ArgValue,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ArgValue {
    Expr(Expr),
    Lambda(Lambda),
}

/// `(a, _, b) => body`: only valid as an argument.
#[derive(Clone, Debug, PartialEq)]
pub struct Lambda {
    /// Parameter names; `_` is a placeholder that binds nothing.
    pub params: Vec<Ident>,
    pub body: Box<Expr>,
    pub span: Span,
}

/// `[expr]` after a path segment or a converter call.
#[derive(Clone, Debug, PartialEq)]
pub struct Key {
    pub expr: Expr,
    /// Includes the brackets.
    pub span: Span,
}

/// `a.b["k"][0].c`. Whether the first segment names a context (`span.`, `resource.`) is
/// decided by semantic analysis, which knows the contexts; the parser only records the
/// segments.
#[derive(Clone, Debug, PartialEq)]
pub struct Path {
    pub segments: Vec<Segment>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Segment {
    pub name: Ident,
    pub keys: Vec<Key>,
}

/// An enum symbol: `SPAN_KIND_SERVER`, or the seed's `StatusCode::Ok`.
#[derive(Clone, Debug, PartialEq)]
pub struct EnumSymbol {
    pub qualifier: Option<Ident>,
    pub name: Ident,
}

#[derive(Clone, Debug, PartialEq)]
pub struct MapEntry {
    pub key: String,
    pub key_span: Span,
    pub value: Expr,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Nil,
    Bool(bool),
    /// Negative literals are folded: `-1` is `Int(-1)`, not a negation.
    Int(i64),
    Float(f64),
    String(String),
    Bytes(Vec<u8>),
    Path(Path),
    /// Boxed, like [`ExprKind::Enum`], to keep every node small: the parser moves nodes
    /// around on its stack, and node size dominated parsing time before.
    Call(Box<Call>),
    Enum(Box<EnumSymbol>),
    /// A bare mixed-case name such as `Sha256`: a function passed by name.
    FunctionName(Ident),
    List(Vec<Expr>),
    Map(Vec<MapEntry>),
    Unary(UnaryOp, Box<Expr>),
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    Compare(CompareOp, Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Paren(Box<Expr>),
    /// Stands in for a part that did not parse; a diagnostic has been reported for it.
    Error,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    Neg,
    Plus,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    Add,
    Sub,
    Mul,
    Div,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompareOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    NotIn,
}

impl UnaryOp {
    pub fn symbol(self) -> &'static str {
        match self {
            UnaryOp::Neg => "-",
            UnaryOp::Plus => "+",
        }
    }
}

impl BinaryOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
        }
    }
}

impl CompareOp {
    pub fn symbol(self) -> &'static str {
        match self {
            CompareOp::Eq => "==",
            CompareOp::Ne => "!=",
            CompareOp::Lt => "<",
            CompareOp::Le => "<=",
            CompareOp::Gt => ">",
            CompareOp::Ge => ">=",
            CompareOp::In => "in",
            CompareOp::NotIn => "not in",
        }
    }
}

impl Expr {
    pub fn new(kind: ExprKind, span: Span) -> Self {
        Expr { kind, span }
    }

    /// Whether this expression has the shape of a condition (a comparison, a boolean
    /// operator, a boolean literal or a call) rather than of a value.
    pub fn is_boolean_operator(&self) -> bool {
        match &self.kind {
            ExprKind::Compare(..) | ExprKind::Not(_) | ExprKind::And(..) | ExprKind::Or(..) => true,
            ExprKind::Paren(inner) => inner.is_boolean_operator(),
            _ => false,
        }
    }
}

impl Argument {
    /// From the name (if any) to the end of the value.
    pub fn span(&self) -> Span {
        let value = match &self.value {
            ArgValue::Expr(expr) => expr.span,
            ArgValue::Lambda(lambda) => lambda.span,
        };
        self.name.as_ref().map_or(value, |name| name.span.cover(value))
    }
}

impl Ident {
    pub fn new(name: impl Into<SmolStr>, span: Span) -> Self {
        Ident { name: name.into(), span }
    }

    pub fn starts_uppercase(&self) -> bool {
        self.name.starts_with(|c: char| c.is_ascii_uppercase())
    }
}

impl Path {
    /// A path from its segments (at least one), spanning from the first name to the
    /// last name or key.
    pub fn new(segments: Vec<Segment>) -> Self {
        let start = segments.first().map_or(0, |s| s.name.span.start);
        let end = segments.last().map_or(start, |s| s.keys.last().map_or(s.name.span.end, |k| k.span.end));
        Path { segments, span: Span::new(start, end) }
    }

    /// The path's text without keys' contents, e.g. `span.attributes[…]` → `span.attributes`,
    /// for messages.
    pub fn dotted_names(&self) -> String {
        let names: Vec<&str> = self.segments.iter().map(|s| s.name.name.as_str()).collect();
        names.join(".")
    }
}
