//! Hover: a path's type and doc, a function's signature and doc, a named argument's
//! parameter, an enum symbol's value.

use ottl_compiler::schema::{self, Context};
use ottl_grammar::ast::{ArgValue, Call, EnumSymbol, Expr, ExprKind, Ident, Path, Statement};
use ottl_grammar::{Node, Span};

use crate::completion::{signature_of, split_prefix};
use crate::regions::Region;

/// Markdown for the name at text offset `offset` of `region`, and the span it describes.
pub fn hover(region: &Region, offset: usize, context: Option<Context>) -> Option<(String, Span)> {
    let node = region.item_at(offset).parsed?.node?;
    let mut finder = Finder { offset, hit: None };
    match &node {
        Node::Statement(statement) => finder.statement(statement),
        Node::Expr(expr) => finder.expr(expr),
    }
    match finder.hit? {
        Hit::Segment(path, index) => path_hover(path, index, context),
        Hit::Function(name) => {
            let signature = signature_of(&name.name)?;
            Some((signature.hover(), name.span))
        }
        Hit::Argument(call, name) => {
            let signature = signature_of(&call.name.name)?;
            let param = signature.param(&name.name)?;
            let text = format!(
                "```ottl\n{}: {}\n```\n\n{} parameter of `{}`.",
                param.name,
                param.kind.go_type(),
                if param.optional { "An optional" } else { "A required" },
                signature.name
            );
            Some((text, name.span))
        }
        Hit::Enum(symbol) => {
            let span = symbol.qualifier.as_ref().map_or(symbol.name.span, |q| q.span.cover(symbol.name.span));
            let value = schema::lookup_enum(context?, symbol).ok()?;
            Some((format!("```ottl\n{} = {}\n```\n\n{}", value.symbol, value.value, value.table.doc), span))
        }
    }
}

/// Segment `index` of `path`: a context prefix, or a field (with its type, doc, whether it
/// can be set and its enum's symbols).
fn path_hover(path: &Path, index: usize, context: Option<Context>) -> Option<(String, Span)> {
    let names: Vec<&str> = path.segments.iter().map(|s| s.name.name.as_str()).collect();
    let span = path.segments[index].name.span;
    let (table_context, rest) = split_prefix(&names, context)?;
    let prefix_len = names.len() - rest.len();
    if index < prefix_len {
        let text = format!(
            "```ottl\n{}\n```\n\nThe context prefix: the names after it are the {} context's paths.",
            names[0],
            table_context.name()
        );
        return Some((text, span));
    }
    let written = &names[..=index];
    let entry = schema::entry(table_context, &rest[..=index - prefix_len])?;
    let mut text = format!("```ottl\n{}: {}\n```\n\n{}", written.join("."), entry.ty(), entry.doc);
    if !entry.settable {
        text.push_str("\n\nRead-only.");
    }
    if let Some(table) = entry.enum_table {
        let symbols: Vec<String> = table.symbols.iter().map(|(s, v)| format!("`{s}` = {v}")).collect();
        text.push_str(&format!("\n\nValues: {}", symbols.join(", ")));
    }
    Some((text, span))
}

enum Hit<'a> {
    Segment(&'a Path, usize),
    Function(&'a Ident),
    Argument(&'a Call, &'a Ident),
    Enum(&'a EnumSymbol),
}

/// Finds the innermost name at `offset`: the walk visits outer nodes first, so the last hit
/// wins.
struct Finder<'a> {
    offset: usize,
    hit: Option<Hit<'a>>,
}

impl Finder<'_> {
    fn covers(&self, span: Span) -> bool {
        span.start <= self.offset && self.offset <= span.end
    }
}

// A walk of its own rather than a `Visitor`: the hits borrow the tree for as long as the
// finder lives, which the visitor's per-call references cannot give.
impl<'a> Finder<'a> {
    fn statement(&mut self, statement: &'a Statement) {
        self.call(&statement.action);
        if let Some(condition) = &statement.condition {
            self.expr(condition);
        }
    }

    fn call(&mut self, call: &'a Call) {
        if self.covers(call.name.span) {
            self.hit = Some(Hit::Function(&call.name));
        }
        for arg in &call.args {
            if let Some(name) = &arg.name
                && self.covers(name.span)
            {
                self.hit = Some(Hit::Argument(call, name));
            }
            match &arg.value {
                ArgValue::Expr(expr) => self.expr(expr),
                ArgValue::Lambda(lambda) => self.expr(&lambda.body),
            }
        }
        call.keys.iter().for_each(|key| self.expr(&key.expr));
    }

    fn expr(&mut self, expr: &'a Expr) {
        if !self.covers(expr.span) {
            return;
        }
        match &expr.kind {
            ExprKind::Path(path) => {
                for (index, segment) in path.segments.iter().enumerate() {
                    if self.covers(segment.name.span) {
                        self.hit = Some(Hit::Segment(path, index));
                    }
                    segment.keys.iter().for_each(|key| self.expr(&key.expr));
                }
            }
            ExprKind::Call(call) => self.call(call),
            ExprKind::Enum(symbol) => self.hit = Some(Hit::Enum(symbol)),
            ExprKind::FunctionName(name) => self.hit = Some(Hit::Function(name)),
            ExprKind::List(items) => items.iter().for_each(|item| self.expr(item)),
            ExprKind::Map(entries) => entries.iter().for_each(|entry| self.expr(&entry.value)),
            ExprKind::Unary(_, inner) | ExprKind::Not(inner) | ExprKind::Paren(inner) => self.expr(inner),
            ExprKind::Binary(_, lhs, rhs) | ExprKind::Compare(_, lhs, rhs) | ExprKind::And(lhs, rhs) | ExprKind::Or(lhs, rhs) => {
                self.expr(lhs);
                self.expr(rhs);
            }
            ExprKind::Nil
            | ExprKind::Bool(_)
            | ExprKind::Int(_)
            | ExprKind::Float(_)
            | ExprKind::String(_)
            | ExprKind::Bytes(_)
            | ExprKind::Error => {}
        }
    }
}
