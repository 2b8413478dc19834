//! Evaluation of a compiled expression over a document.

use std::collections::HashMap;

use super::{Axis, Expr, Op, Start, Test};
use crate::error::{Error, Result};
use crate::go::encoding_xml::local_name;
use crate::go::xmlquery::{Doc, Kind, NodeRef};

// -- Evaluation --

enum XValue {
    Nodes(Vec<NodeRef>),
    Str(String),
    Num(f64),
    Bool(bool),
}

/// The evaluation context: the node, its position (1-based) and the size of its set.
#[derive(Clone, Copy)]
struct Context {
    node: NodeRef,
    position: usize,
    size: usize,
}

/// Document order: each node's preorder index and the last index in its subtree.
struct Order {
    index: HashMap<usize, usize>,
    subtree_end: HashMap<usize, usize>,
}

impl Order {
    fn of(doc: &Doc) -> Order {
        let preorder = doc.preorder(Doc::ROOT);
        let index: HashMap<usize, usize> = preorder.iter().enumerate().map(|(i, &n)| (n, i)).collect();
        let mut subtree_end: HashMap<usize, usize> = HashMap::new();
        for &n in preorder.iter().rev() {
            let end = doc.nodes[n].children.last().and_then(|c| subtree_end.get(c).copied()).unwrap_or(index[&n]);
            subtree_end.insert(n, end);
        }
        Order { index, subtree_end }
    }

    fn key(&self, node: NodeRef) -> (usize, usize) {
        match node {
            NodeRef::Node(n) => (self.index.get(&n).copied().unwrap_or(usize::MAX), 0),
            NodeRef::Attr(n, i) => (self.index.get(&n).copied().unwrap_or(usize::MAX), i + 1),
        }
    }
}

struct Evaluator<'a> {
    doc: &'a Doc,
    order: Order,
}

/// The nodes an expression selects from the document, in document order; an
/// expression that is not a node-set, or fails, selects nothing.
pub(crate) fn select(doc: &Doc, expr: &Expr) -> Vec<NodeRef> {
    let evaluator = Evaluator { doc, order: Order::of(doc) };
    let root = Context { node: NodeRef::Node(Doc::ROOT), position: 1, size: 1 };
    match evaluator.eval(expr, root) {
        Ok(XValue::Nodes(nodes)) => nodes,
        _ => Vec::new(),
    }
}

impl Evaluator<'_> {
    fn sorted(&self, mut nodes: Vec<NodeRef>) -> Vec<NodeRef> {
        nodes.sort_by_key(|&n| self.order.key(n));
        nodes.dedup();
        nodes
    }

    fn eval(&self, expr: &Expr, ctx: Context) -> Result<XValue> {
        Ok(match expr {
            Expr::Literal(s) => XValue::Str(s.clone()),
            Expr::Number(n) => XValue::Num(*n),
            Expr::Negate(e) => XValue::Num(-self.number(self.eval(e, ctx)?)),
            Expr::Union(a, b) => {
                let mut nodes = self.nodes(self.eval(a, ctx)?)?;
                nodes.extend(self.nodes(self.eval(b, ctx)?)?);
                XValue::Nodes(self.sorted(nodes))
            }
            Expr::Binary(op, a, b) => self.binary(*op, a, b, ctx)?,
            Expr::Call(name, args) => self.call(name, args, ctx)?,
            Expr::Filter(primary, predicates) => {
                let nodes = self.nodes(self.eval(primary, ctx)?)?;
                XValue::Nodes(self.apply_predicates(nodes, predicates)?)
            }
            Expr::Path(start, steps) => {
                let mut current = match start {
                    Start::Root => vec![NodeRef::Node(Doc::ROOT)],
                    Start::Context => vec![ctx.node],
                    Start::Expr(e) => self.nodes(self.eval(e, ctx)?)?,
                };
                for step in steps {
                    let mut next = Vec::new();
                    for &node in &current {
                        let mut candidates: Vec<NodeRef> =
                            self.axis(step.axis, node).into_iter().filter(|&n| self.matches(&step.test, step.axis, n)).collect();
                        if step.axis.is_reverse() {
                            candidates.reverse();
                        }
                        let mut kept = self.apply_predicates(candidates, &step.predicates)?;
                        if step.axis.is_reverse() {
                            kept.reverse();
                        }
                        next.extend(kept);
                    }
                    current = self.sorted(next);
                }
                XValue::Nodes(current)
            }
        })
    }

    /// Filters `nodes` (in proximity order) by each predicate in turn: a number keeps
    /// the node at that position, anything else keeps the nodes it is true for.
    fn apply_predicates(&self, mut nodes: Vec<NodeRef>, predicates: &[Expr]) -> Result<Vec<NodeRef>> {
        for predicate in predicates {
            let size = nodes.len();
            let mut kept = Vec::with_capacity(size);
            for (i, &node) in nodes.iter().enumerate() {
                let ctx = Context { node, position: i + 1, size };
                let keep = match self.eval(predicate, ctx)? {
                    XValue::Num(n) => n == (i + 1) as f64,
                    other => self.boolean(&other),
                };
                if keep {
                    kept.push(node);
                }
            }
            nodes = kept;
        }
        Ok(nodes)
    }

    fn nodes(&self, value: XValue) -> Result<Vec<NodeRef>> {
        match value {
            XValue::Nodes(nodes) => Ok(nodes),
            _ => Err(Error::new("expression must evaluate to a node-set")),
        }
    }

    /// The nodes on `axis` from `node`, in document order.
    fn axis(&self, axis: Axis, node: NodeRef) -> Vec<NodeRef> {
        let doc = self.doc;
        let parent = match node {
            NodeRef::Node(n) => doc.nodes[n].parent,
            NodeRef::Attr(n, _) => Some(n),
        };
        let ancestors = || {
            let mut list = Vec::new();
            let mut current = parent;
            while let Some(p) = current {
                list.push(NodeRef::Node(p));
                current = doc.nodes[p].parent;
            }
            list.reverse();
            list
        };
        let descendants = |n: usize| doc.preorder(n).into_iter().skip(1).map(NodeRef::Node).collect::<Vec<_>>();
        match (axis, node) {
            (Axis::SelfNode, _) => vec![node],
            (Axis::Attribute, NodeRef::Node(n)) if doc.nodes[n].kind == Kind::Element => {
                (0..doc.nodes[n].attrs.len()).map(|i| NodeRef::Attr(n, i)).collect()
            }
            (Axis::Child, NodeRef::Node(n)) => doc.nodes[n].children.iter().map(|&c| NodeRef::Node(c)).collect(),
            (Axis::Descendant, NodeRef::Node(n)) => descendants(n),
            (Axis::DescendantOrSelf, NodeRef::Node(n)) => {
                let mut list = vec![node];
                list.extend(descendants(n));
                list
            }
            (Axis::DescendantOrSelf, NodeRef::Attr(..)) => vec![node],
            (Axis::Parent, _) => parent.map(NodeRef::Node).into_iter().collect(),
            (Axis::Ancestor, _) => ancestors(),
            (Axis::AncestorOrSelf, _) => {
                let mut list = ancestors();
                list.push(node);
                list
            }
            (Axis::FollowingSibling | Axis::PrecedingSibling, NodeRef::Node(n)) => {
                let Some(p) = parent else { return Vec::new() };
                let siblings = &doc.nodes[p].children;
                let at = siblings.iter().position(|&c| c == n).unwrap_or(0);
                let chosen = if axis == Axis::FollowingSibling { siblings.get(at + 1..) } else { siblings.get(..at) };
                let chosen = chosen.unwrap_or(&[]);
                chosen.iter().map(|&c| NodeRef::Node(c)).collect()
            }
            (Axis::Following | Axis::Preceding, _) => self.following_or_preceding(axis, node),
            _ => Vec::new(),
        }
    }

    fn following_or_preceding(&self, axis: Axis, node: NodeRef) -> Vec<NodeRef> {
        let (anchor, is_attr) = match node {
            NodeRef::Node(n) => (n, false),
            NodeRef::Attr(n, _) => (n, true),
        };
        let start = self.order.index.get(&anchor).copied().unwrap_or(0);
        let end = if is_attr { start } else { self.order.subtree_end.get(&anchor).copied().unwrap_or(start) };
        let all = self.doc.preorder(Doc::ROOT);
        if axis == Axis::Following {
            all.into_iter().skip(end + 1).map(NodeRef::Node).collect()
        } else {
            let ancestors: Vec<NodeRef> = self.axis(Axis::Ancestor, NodeRef::Node(anchor));
            all.into_iter().take(start).map(NodeRef::Node).filter(|n| !ancestors.contains(n)).collect()
        }
    }

    fn matches(&self, test: &Test, axis: Axis, node: NodeRef) -> bool {
        let doc = self.doc;
        match node {
            NodeRef::Attr(n, i) => {
                let Some((name, _)) = doc.nodes[n].attrs.get(i) else { return false };
                match test {
                    Test::Node => true,
                    Test::AnyName => axis == Axis::Attribute || axis == Axis::SelfNode,
                    Test::Name(wanted) => name == wanted,
                    Test::PrefixAny(prefix) => name.split_once(':').is_some_and(|(p, _)| p == prefix),
                    _ => false,
                }
            }
            NodeRef::Node(n) => {
                let node = &doc.nodes[n];
                match test {
                    Test::Node => true,
                    Test::Text => matches!(node.kind, Kind::Text | Kind::CData),
                    Test::Comment => node.kind == Kind::Comment,
                    Test::ProcessingInstruction => node.kind == Kind::Declaration,
                    Test::AnyName => node.kind == Kind::Element,
                    Test::Name(wanted) => node.kind == Kind::Element && node.name == *wanted,
                    Test::PrefixAny(prefix) => {
                        node.kind == Kind::Element && node.name.split_once(':').is_some_and(|(p, _)| p == prefix)
                    }
                }
            }
        }
    }

    fn binary(&self, op: Op, a: &Expr, b: &Expr, ctx: Context) -> Result<XValue> {
        match op {
            Op::Or => Ok(XValue::Bool(self.boolean(&self.eval(a, ctx)?) || self.boolean(&self.eval(b, ctx)?))),
            Op::And => Ok(XValue::Bool(self.boolean(&self.eval(a, ctx)?) && self.boolean(&self.eval(b, ctx)?))),
            Op::Add | Op::Sub | Op::Mul | Op::Div | Op::Mod => {
                let (x, y) = (self.number(self.eval(a, ctx)?), self.number(self.eval(b, ctx)?));
                Ok(XValue::Num(match op {
                    Op::Add => x + y,
                    Op::Sub => x - y,
                    Op::Mul => x * y,
                    Op::Div => x / y,
                    _ => x % y,
                }))
            }
            _ => Ok(XValue::Bool(self.compare(op, &self.eval(a, ctx)?, &self.eval(b, ctx)?))),
        }
    }

    /// XPath 1.0 comparison, node-sets compared member by member.
    fn compare(&self, op: Op, a: &XValue, b: &XValue) -> bool {
        match (a, b) {
            (XValue::Nodes(xs), XValue::Nodes(ys)) => xs.iter().any(|&x| {
                let sx = self.doc.string_value(x);
                ys.iter().any(|&y| self.compare_atoms(op, &XValue::Str(sx.clone()), &XValue::Str(self.doc.string_value(y))))
            }),
            (XValue::Nodes(xs), XValue::Bool(_)) => self.compare_atoms(op, &XValue::Bool(!xs.is_empty()), b),
            (XValue::Bool(_), XValue::Nodes(ys)) => self.compare_atoms(op, a, &XValue::Bool(!ys.is_empty())),
            (XValue::Nodes(xs), other) => {
                xs.iter().any(|&x| self.compare_atoms(op, &XValue::Str(self.doc.string_value(x)), other))
            }
            (other, XValue::Nodes(ys)) => {
                ys.iter().any(|&y| self.compare_atoms(op, other, &XValue::Str(self.doc.string_value(y))))
            }
            _ => self.compare_atoms(op, a, b),
        }
    }

    fn compare_atoms(&self, op: Op, a: &XValue, b: &XValue) -> bool {
        if matches!(op, Op::Eq | Op::Ne) {
            let equal = match (a, b) {
                (XValue::Bool(_), _) | (_, XValue::Bool(_)) => self.boolean(a) == self.boolean(b),
                (XValue::Num(_), _) | (_, XValue::Num(_)) => self.number_of(a) == self.number_of(b),
                _ => self.string(a) == self.string(b),
            };
            return equal == (op == Op::Eq);
        }
        let (x, y) = (self.number_of(a), self.number_of(b));
        match op {
            Op::Lt => x < y,
            Op::Le => x <= y,
            Op::Gt => x > y,
            _ => x >= y,
        }
    }

    fn boolean(&self, value: &XValue) -> bool {
        match value {
            XValue::Nodes(n) => !n.is_empty(),
            XValue::Str(s) => !s.is_empty(),
            XValue::Num(n) => *n != 0.0 && !n.is_nan(),
            XValue::Bool(b) => *b,
        }
    }

    fn string(&self, value: &XValue) -> String {
        match value {
            XValue::Nodes(n) => n.first().map(|&n| self.doc.string_value(n)).unwrap_or_default(),
            XValue::Str(s) => s.clone(),
            XValue::Num(n) => number_text(*n),
            XValue::Bool(b) => b.to_string(),
        }
    }

    fn number_of(&self, value: &XValue) -> f64 {
        match value {
            XValue::Num(n) => *n,
            XValue::Bool(b) => f64::from(u8::from(*b)),
            other => parse_number(&self.string(other)),
        }
    }

    fn number(&self, value: XValue) -> f64 {
        self.number_of(&value)
    }

    fn call(&self, name: &str, args: &[Expr], ctx: Context) -> Result<XValue> {
        let arg = |i: usize| -> Result<XValue> {
            match args.get(i) {
                Some(e) => self.eval(e, ctx),
                None => Ok(XValue::Nodes(vec![ctx.node])),
            }
        };
        let text = |i: usize| -> Result<String> { Ok(self.string(&arg(i)?)) };
        let first_node = |i: usize| -> Result<Option<NodeRef>> {
            Ok(match arg(i)? {
                XValue::Nodes(n) => n.first().copied(),
                _ => return Err(Error::new(format!("{name}() needs a node-set"))),
            })
        };
        Ok(match name {
            "last" => XValue::Num(ctx.size as f64),
            "position" => XValue::Num(ctx.position as f64),
            "count" => XValue::Num(self.nodes(arg(0)?)?.len() as f64),
            "local-name" | "name" => {
                let full = first_node(0)?.map(|n| self.qualified_name(n)).unwrap_or_default();
                XValue::Str(if name == "name" { full } else { local_name(&full).to_string() })
            }
            "namespace-uri" => XValue::Str(String::new()),
            "string" => XValue::Str(text(0)?),
            "concat" => XValue::Str((0..args.len()).map(text).collect::<Result<String>>()?),
            "starts-with" => XValue::Bool(text(0)?.starts_with(&text(1)?)),
            "ends-with" => XValue::Bool(text(0)?.ends_with(&text(1)?)),
            "contains" => XValue::Bool(text(0)?.contains(&text(1)?)),
            "substring-before" => {
                let (s, sep) = (text(0)?, text(1)?);
                XValue::Str(s.split_once(&sep).map(|(b, _)| b.to_string()).unwrap_or_default())
            }
            "substring-after" => {
                let (s, sep) = (text(0)?, text(1)?);
                XValue::Str(s.split_once(&sep).map(|(_, a)| a.to_string()).unwrap_or_default())
            }
            "substring" => {
                let s = text(0)?;
                let start = self.number(arg(1)?).round();
                let end = if args.len() > 2 { start + self.number(arg(2)?).round() } else { f64::INFINITY };
                let kept = s.chars().enumerate().filter(|(i, _)| {
                    let p = (*i + 1) as f64;
                    p >= start && p < end
                });
                XValue::Str(kept.map(|(_, c)| c).collect())
            }
            "string-length" => XValue::Num(text(0)?.chars().count() as f64),
            "normalize-space" => XValue::Str(text(0)?.split_whitespace().collect::<Vec<_>>().join(" ")),
            "translate" => {
                let (s, from, to) = (text(0)?, text(1)?, text(2)?);
                let to: Vec<char> = to.chars().collect();
                let mapped = s.chars().filter_map(|c| match from.chars().position(|f| f == c) {
                    Some(i) => to.get(i).copied(),
                    None => Some(c),
                });
                XValue::Str(mapped.collect())
            }
            "lower-case" => XValue::Str(text(0)?.to_lowercase()),
            "upper-case" => XValue::Str(text(0)?.to_uppercase()),
            "not" => XValue::Bool(!self.boolean(&arg(0)?)),
            "true" => XValue::Bool(true),
            "false" => XValue::Bool(false),
            "boolean" => XValue::Bool(self.boolean(&arg(0)?)),
            "number" => XValue::Num(self.number(arg(0)?)),
            "sum" => XValue::Num(self.nodes(arg(0)?)?.into_iter().map(|n| parse_number(&self.doc.string_value(n))).sum()),
            "floor" => XValue::Num(self.number(arg(0)?).floor()),
            "ceiling" => XValue::Num(self.number(arg(0)?).ceil()),
            "round" => XValue::Num((self.number(arg(0)?) + 0.5).floor()),
            other => return Err(Error::new(format!("not yet support this function {other}()"))),
        })
    }

    fn qualified_name(&self, node: NodeRef) -> String {
        match node {
            NodeRef::Attr(n, i) => self.doc.nodes[n].attrs.get(i).map(|(k, _)| k.clone()).unwrap_or_default(),
            NodeRef::Node(n) => match self.doc.nodes[n].kind {
                Kind::Element | Kind::Declaration => self.doc.nodes[n].name.clone(),
                _ => String::new(),
            },
        }
    }
}

/// XPath's `number()` of a string: optional minus, digits with an optional point;
/// anything else is NaN.
fn parse_number(text: &str) -> f64 {
    let t = text.trim();
    let digits = t.strip_prefix('-').unwrap_or(t);
    let valid = !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && digits.matches('.').count() <= 1
        && digits != ".";
    if valid { t.parse().unwrap_or(f64::NAN) } else { f64::NAN }
}

/// A number as XPath's `string()` writes it.
fn number_text(n: f64) -> String {
    if n.is_nan() {
        "NaN".into()
    } else if n.is_infinite() {
        if n > 0.0 { "Infinity".into() } else { "-Infinity".into() }
    } else if n == n.trunc() && n.abs() < 1e18 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}
