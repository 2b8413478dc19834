//! Formatting with `ottlc fmt`'s printer. A `.ottl` file is rewritten whole; in collector
//! YAML each OTTL string is rewritten in place when that is safe: the string has no escapes
//! (its text stands in the file as written) and the canonical text can be written in the
//! same scalar style. Text that does not parse is never touched.

use ottl_grammar::format::format_document;
use ottl_grammar::{Node, Span, printer};
use tower_lsp_server::ls_types::TextEdit;

use crate::document::Document;
use crate::regions::{Region, RegionKind};

pub fn format(document: &Document, regions: &[Region]) -> Vec<TextEdit> {
    let mut edits = Vec::new();
    for region in regions {
        match region.kind {
            RegionKind::Document => {
                if let Ok(formatted) = format_document(&region.text)
                    && formatted != region.text
                {
                    edits.push(TextEdit { range: document.range(0..document.text.len()), new_text: formatted });
                }
            }
            RegionKind::Statement | RegionKind::Condition => {
                if let Some(edit) = format_snippet(document, region) {
                    edits.push(edit);
                }
            }
        }
    }
    edits
}

fn format_snippet(document: &Document, region: &Region) -> Option<TextEdit> {
    let parsed = region.parse_all().pop()?;
    if parsed.has_errors() {
        return None;
    }
    let canonical = match parsed.node? {
        Node::Statement(statement) => printer::statement(&statement),
        Node::Expr(expr) => printer::expr(&expr),
    };
    let whole = Span::new(0, region.text.len());
    if canonical == region.text || region.text.contains('\n') || !region.maps_verbatim(&document.text, whole) {
        return None;
    }
    let range = region.document_range(whole);
    let new_text = match document.text[..range.start].chars().next_back() {
        Some('"') => canonical.replace('\\', "\\\\").replace('"', "\\\""),
        Some('\'') => canonical.replace('\'', "''"),
        _ if plain_scalar_safe(&canonical) => canonical,
        _ => return None,
    };
    Some(TextEdit { range: document.range(range), new_text })
}

/// Whether `text` reads back as the same plain (unquoted) YAML scalar: it does not start
/// with an indicator and holds no `: ` or ` #`, which would end it.
fn plain_scalar_safe(text: &str) -> bool {
    let starts_clean =
        !text.starts_with(['-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`']);
    starts_clean && !text.contains(": ") && !text.contains(" #") && !text.ends_with(':') && !text.contains('$')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::line_index::Encoding;
    use crate::regions::regions;
    use std::str::FromStr;
    use tower_lsp_server::ls_types::Uri;

    fn format_yaml(yaml: &str) -> String {
        let document = Document::new(Uri::from_str("file:///c.yaml").unwrap(), "yaml", yaml.to_string(), 1, Encoding::Utf8);
        let regions = regions(yaml, document.kind).unwrap();
        let mut text = yaml.to_string();
        let mut edits = format(&document, &regions);
        edits.sort_by_key(|e| std::cmp::Reverse(document.offset(e.range.start)));
        for edit in edits {
            let range = document.offset(edit.range.start)..document.offset(edit.range.end);
            text.replace_range(range, &edit.new_text);
        }
        text
    }

    #[test]
    fn yaml_strings_are_rewritten_in_their_own_style() {
        let yaml = "processors:\n  transform:\n    log_statements:\n      - set( attributes[\"a\"],1 )  where body==nil\n      - \"set(attributes[ \\\"b\\\" ], 2)\"\n      - 'set(  attributes[\"c\"],3)'\n      - \"set(  attributes[\\\"d\\\"], \\\"${env:X}\\\")\"\n      - set(x, \n";
        let formatted = format_yaml(yaml);
        assert!(formatted.contains("      - set(attributes[\"a\"], 1) where body == nil\n"), "{formatted}");
        assert!(formatted.contains("      - \"set(attributes[ \\\"b\\\" ], 2)\"\n"), "escaped: left alone\n{formatted}");
        assert!(formatted.contains("      - 'set(attributes[\"c\"], 3)'\n"), "{formatted}");
        assert!(formatted.contains("${env:X}"), "{formatted}");
        assert!(formatted.ends_with("      - set(x, \n"), "broken text untouched\n{formatted}");
    }
}
