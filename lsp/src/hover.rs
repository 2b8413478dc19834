//! Hover: a path's type and doc, a function's signature and doc, a named argument's
//! parameter, an enum symbol's value.

use ottl_compiler::registry;
use ottl_compiler::schema::{self, Context};
use ottl_grammar::ast::{Call, EnumSymbol, Expr, ExprKind, Ident, Path};
use ottl_grammar::visit::{self, Visitor};
use ottl_grammar::{Node, Span};

use crate::completion::{signature_of, split_prefix};
use crate::regions::Region;

/// Markdown for the name at text offset `offset` of `region`, and the span it describes.
pub fn hover(region: &Region, offset: usize, context: Option<Context>) -> Option<(String, Span)> {
    let node = region.item_at(offset).parsed?.node?;
    let mut finder = Finder { offset, hit: None };
    match &node {
        Node::Statement(statement) => finder.visit_statement(statement),
        Node::Expr(expr) => finder.visit_expr(expr),
    }
    match finder.hit? {
        Hit::Segment(path, index) => path_hover(path, index, context),
        Hit::Function(name) => {
            let signature = signature_of(&name.name)?;
            Some((signature.hover(), name.span))
        }
        Hit::Argument(call, name) => {
            let signature = signature_of(&call.name.name)?;
            let param = registry::param(signature, &name.name)?;
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
/// wins. Subtrees that do not cover the offset are skipped.
struct Finder<'a> {
    offset: usize,
    hit: Option<Hit<'a>>,
}

impl Finder<'_> {
    fn covers(&self, span: Span) -> bool {
        span.start <= self.offset && self.offset <= span.end
    }
}

impl<'a> Visitor<'a> for Finder<'a> {
    fn visit_call(&mut self, call: &'a Call) {
        if self.covers(call.name.span) {
            self.hit = Some(Hit::Function(&call.name));
        }
        for name in call.args.iter().filter_map(|arg| arg.name.as_ref()) {
            if self.covers(name.span) {
                self.hit = Some(Hit::Argument(call, name));
            }
        }
        visit::walk_call(self, call);
    }

    fn visit_path(&mut self, path: &'a Path) {
        if let Some(index) = path.segments.iter().position(|segment| self.covers(segment.name.span)) {
            self.hit = Some(Hit::Segment(path, index));
        }
        visit::walk_path(self, path);
    }

    fn visit_enum(&mut self, symbol: &'a EnumSymbol) {
        self.hit = Some(Hit::Enum(symbol));
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if !self.covers(expr.span) {
            return;
        }
        if let ExprKind::FunctionName(name) = &expr.kind {
            self.hit = Some(Hit::Function(name));
        }
        visit::walk_expr(self, expr);
    }
}
