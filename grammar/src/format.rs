//! `ottlc fmt`: canonical layout for `.ottl` documents, comments and blank lines kept.

use crate::diagnostic::Diagnostic;
use crate::document::{Document, parse_document};
use crate::parse::Node;
use crate::printer;
use crate::span::Span;

/// Formats a document, or returns its errors: a document that does not parse is never
/// rewritten, so formatting loses nothing.
///
/// Statements print canonically, one per line. A statement with a comment inside it is
/// kept as written, since the printer has nowhere to put the comment. Own-line comments
/// stay where they are, trailing comments stay on their statement's line, and runs of
/// blank lines shrink to one.
pub fn format_document(src: &str) -> Result<String, Vec<Diagnostic>> {
    let document = parse_document(src);
    let errors: Vec<Diagnostic> = document.diagnostics().filter(|d| d.severity() == crate::Severity::Error).collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(render(src, &document))
}

/// Statements longer than this put their action's arguments on separate lines.
pub const MAX_WIDTH: usize = 100;

enum Piece<'a> {
    Comment(Span),
    Item(&'a crate::document::Item),
}

/// Whether a comment lies inside an item. Items and comments are both in source order,
/// so each question is a binary search.
fn comment_inside_item(document: &Document, comment: Span) -> bool {
    let before = document.items.partition_point(|item| item.span.start < comment.start);
    before > 0 && comment.end <= document.items[before - 1].span.end
}

fn item_has_comment(document: &Document, item: Span) -> bool {
    let first_after = document.comments.partition_point(|c| c.start <= item.start);
    document.comments.get(first_after).is_some_and(|c| c.end <= item.end)
}

fn render(src: &str, document: &Document) -> String {
    let mut pieces: Vec<(Span, Piece<'_>)> = Vec::new();
    for comment in &document.comments {
        if !comment_inside_item(document, *comment) {
            pieces.push((*comment, Piece::Comment(*comment)));
        }
    }
    for item in &document.items {
        pieces.push((item.span, Piece::Item(item)));
    }
    pieces.sort_by_key(|(span, _)| span.start);

    let mut out = String::new();
    let mut previous_end: Option<usize> = None;
    for (span, piece) in pieces {
        if let Some(end) = previous_end {
            let gap = &src[end..span.start];
            let newlines = gap.matches('\n').count();
            if newlines == 0 {
                out.push(' ');
            } else {
                out.push('\n');
                if newlines > 1 {
                    out.push('\n');
                }
            }
        }
        match piece {
            Piece::Comment(span) => out.push_str(src[span.range()].trim_end()),
            Piece::Item(item) => match (&item.parsed.node, item_has_comment(document, item.span)) {
                (Some(Node::Statement(statement)), false) => out.push_str(&printer::statement_within(statement, MAX_WIDTH)),
                (Some(Node::Expr(expr)), false) => out.push_str(&printer::expr(expr)),
                _ => out.push_str(&src[item.span.range()]),
            },
        }
        previous_end = Some(span.end);
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_keeps_comments() {
        let src = "# rules\n\n\n  set( x ,1 )   # one\nname==\"a\"\nset(y,\n  # inner\n  2)\n";
        assert_eq!(format_document(src).unwrap(), "# rules\n\nset(x, 1) # one\nname == \"a\"\nset(y,\n  # inner\n  2)\n");
    }

    #[test]
    fn refuses_broken_documents() {
        assert!(format_document("set(x,\n").is_err());
    }

    #[test]
    fn is_idempotent() {
        let once = format_document("a==1>drop()\nset(x,Concat([\"a\",\"b\"],\"-\"))where x!=nil\n").unwrap();
        assert_eq!(format_document(&once).unwrap(), once);
    }
}
