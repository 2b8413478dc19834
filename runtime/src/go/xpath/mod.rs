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

#[cfg(test)]
mod tests {
    use super::*;

    use crate::go::xmlquery::Doc;

    fn selected(document: &str, path: &str) -> Vec<String> {
        let doc = Doc::parse(document, 100).unwrap();
        let expr = compile(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        select(&doc, &expr).into_iter().map(|found| doc.string_value(found)).collect()
    }

    #[test]
    fn selects_in_document_order() {
        let doc = "<a><b n='1'>1</b><c><b>2</b></c><b>3</b></a>";
        assert_eq!(selected(doc, "/a//b"), ["1", "2", "3"]);
        assert_eq!(selected(doc, "/a/b[last()]"), ["3"]);
        assert_eq!(selected(doc, "//b[@n = 1] | /a/b[2]"), ["1", "3"]);
        assert_eq!(selected(doc, "(//b)[2]/.."), ["2"]);
        assert_eq!(selected(doc, "//c/preceding-sibling::*"), ["1"]);
        // Positions count among siblings: only the third b is second among its own.
        assert_eq!(selected(doc, "//b[position() > 1]"), ["3"]);
        assert_eq!(selected(doc, "(//b)[position() > 1 and . != '3']"), ["2"]);
        assert_eq!(selected(doc, "/a/b/@n"), ["1"]);
        assert!(selected(doc, "count(//b)").is_empty(), "a number selects nothing");
    }

    #[test]
    fn compile_errors() {
        assert!(compile("!").is_err());
        // antchfx/xpath's words, which the reference reports when a statement loads.
        assert_eq!(compile("").unwrap_err().message(), "expr expression is nil");
        assert_eq!(compile("//[").unwrap_err().message(), "expression must evaluate to a node-set");
        assert_eq!(compile("/a[").unwrap_err().message(), "expression must evaluate to a node-set");
        assert_eq!(compile("$x").unwrap_err().message(), "undeclared variable in XPath expression: $x");
        assert!(compile("nosuch()").unwrap_err().message().contains("nosuch"));
        assert!(compile(&"(".repeat(1000)).is_err(), "deep nesting is refused");
    }
}
