//! Document symbols: one per statement or condition, under its component in collector YAML,
//! so the outline lists a config's OTTL by processor.

use ottl_grammar::{Node, Span};
use tower_lsp_server::ls_types::{DocumentSymbol, SymbolKind};

use crate::document::Document;
use crate::regions::{Region, RegionKind};

pub fn symbols(document: &Document, regions: &[Region]) -> Vec<DocumentSymbol> {
    let mut out: Vec<DocumentSymbol> = Vec::new();
    for region in regions {
        let items: Vec<DocumentSymbol> = match region.kind {
            RegionKind::Document => ottl_grammar::document::parse_document(&region.text)
                .items
                .iter()
                .map(|item| symbol(document, region, item.span, item.parsed.node.as_ref()))
                .collect(),
            RegionKind::Statement | RegionKind::Condition => {
                let parsed = region.parse_all().pop();
                vec![symbol(document, region, Span::new(0, region.text.len()), parsed.as_ref().and_then(|p| p.node.as_ref()))]
            }
        };
        match &region.component {
            None => out.extend(items),
            Some(component) => match out.last_mut() {
                Some(parent) if parent.name == *component => {
                    parent.range.end = items.last().map_or(parent.range.end, |s| s.range.end);
                    parent.children.get_or_insert_with(Vec::new).extend(items);
                }
                _ => {
                    let (Some(first), Some(last)) = (items.first(), items.last()) else { continue };
                    let range = tower_lsp_server::ls_types::Range::new(first.range.start, last.range.end);
                    #[allow(deprecated)] // `deprecated` is a required field of the type.
                    out.push(DocumentSymbol {
                        name: component.clone(),
                        detail: None,
                        kind: SymbolKind::MODULE,
                        tags: None,
                        deprecated: None,
                        range,
                        selection_range: first.selection_range,
                        children: Some(items),
                    });
                }
            },
        }
    }
    out
}

/// A statement is named after its text (on one line, shortened), and selects its editor.
fn symbol(document: &Document, region: &Region, span: Span, node: Option<&Node>) -> DocumentSymbol {
    let text: String = region.text[span.range()].split_whitespace().collect::<Vec<_>>().join(" ");
    let name = if text.chars().count() > 80 { format!("{}…", text.chars().take(79).collect::<String>()) } else { text };
    let (kind, selection) = match node {
        Some(Node::Statement(statement)) => (SymbolKind::FUNCTION, statement.action.name.span),
        _ => (SymbolKind::BOOLEAN, span),
    };
    let detail = region.given_context.as_ref().map(|given| given.name().to_string());
    #[allow(deprecated)] // `deprecated` is a required field of the type.
    DocumentSymbol {
        name: if name.is_empty() { "(empty)".to_string() } else { name },
        detail,
        kind,
        tags: None,
        deprecated: None,
        range: document.range(region.document_range(span)),
        selection_range: document.range(region.document_range(selection)),
        children: None,
    }
}
