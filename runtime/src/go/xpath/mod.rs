//! XPath 1.0 as `github.com/antchfx/xpath` v1.3.8 evaluates it over an
//! `antchfx/xmlquery` tree ([`Doc`](super::xmlquery::Doc)): location paths on every axis
//! but `namespace`, predicates, operators and the core function library, plus
//! `ends-with`, `lower-case` and `upper-case`, which antchfx/xpath also has. The Rust
//! XPath crates (`sxd-xpath`, `xee`) work on their own document types and differ from
//! antchfx/xpath in its error texts and in what it accepts.
//!
//! [`compile`] parses an expression (its errors are antchfx/xpath's); [`select`] gives the
//! nodes it selects in document order.

mod eval;
mod parse;

pub(crate) use eval::select;
pub(crate) use parse::compile;

#[derive(Debug)]
pub(crate) enum Expr {
    Binary(Op, Box<Expr>, Box<Expr>),
    Negate(Box<Expr>),
    Union(Box<Expr>, Box<Expr>),
    /// A location path, from the document (`/…`), from the context node, or from
    /// the nodes a filter expression gives.
    Path(Start, Vec<Step>),
    Filter(Box<Expr>, Vec<Expr>),
    Literal(String),
    Number(f64),
    Call(String, Vec<Expr>),
}

#[derive(Debug)]
pub(crate) enum Start {
    Root,
    Context,
    Expr(Box<Expr>),
}

#[derive(Clone, Copy, PartialEq, Debug)]
pub(crate) enum Op {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
}

#[derive(Debug)]
pub(crate) struct Step {
    axis: Axis,
    test: Test,
    predicates: Vec<Expr>,
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Axis {
    Child,
    Descendant,
    DescendantOrSelf,
    Parent,
    Ancestor,
    AncestorOrSelf,
    FollowingSibling,
    PrecedingSibling,
    Following,
    Preceding,
    Attribute,
    SelfNode,
}

impl Axis {
    fn from_name(name: &str) -> Option<Axis> {
        Some(match name {
            "child" => Axis::Child,
            "descendant" => Axis::Descendant,
            "descendant-or-self" => Axis::DescendantOrSelf,
            "parent" => Axis::Parent,
            "ancestor" => Axis::Ancestor,
            "ancestor-or-self" => Axis::AncestorOrSelf,
            "following-sibling" => Axis::FollowingSibling,
            "preceding-sibling" => Axis::PrecedingSibling,
            "following" => Axis::Following,
            "preceding" => Axis::Preceding,
            "attribute" => Axis::Attribute,
            "self" => Axis::SelfNode,
            _ => return None,
        })
    }

    /// Axes whose proximity positions count backwards from the context node.
    fn is_reverse(self) -> bool {
        matches!(self, Axis::Parent | Axis::Ancestor | Axis::AncestorOrSelf | Axis::PrecedingSibling | Axis::Preceding)
    }
}

#[derive(Debug)]
enum Test {
    Name(String),
    AnyName,
    PrefixAny(String),
    Node,
    Text,
    Comment,
    ProcessingInstruction,
}

