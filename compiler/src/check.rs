//! `ottlc check`: every diagnostic for a file, at its position in that file.

use ottl_grammar::document::parse_document;
use ottl_grammar::{Code, Diagnostic, EntryPoint, Span, lexer, parse_tokens};

use crate::source::{SourceFile, SourceKind};
use crate::yaml::{self, EmbeddedOttl, SnippetKind};

/// All diagnostics for `file`, sorted by position, spans in the file's byte offsets.
pub fn check_file(file: &SourceFile) -> Vec<Diagnostic> {
    let mut diagnostics = match file.kind {
        SourceKind::Ottl => parse_document(&file.text).diagnostics().cloned().collect(),
        SourceKind::CollectorYaml => check_collector_yaml(&file.text),
    };
    diagnostics.sort_by_key(|d| (d.span().start, d.span().end));
    diagnostics
}

fn check_collector_yaml(text: &str) -> Vec<Diagnostic> {
    match yaml::extract(text) {
        Ok(snippets) => snippets.iter().flat_map(check_snippet).collect(),
        Err(error) => {
            vec![Diagnostic::new(Code::InvalidYaml, format!("invalid YAML: {}", error.message), Span::from(error.span), "here")]
        }
    }
}

/// Parses one OTTL string from a collector config and moves its diagnostics from the
/// string's offsets to the file's, through the YAML scalar's source map.
fn check_snippet(snippet: &EmbeddedOttl) -> Vec<Diagnostic> {
    let entry = match snippet.kind {
        SnippetKind::Statement => EntryPoint::Statement,
        SnippetKind::Condition => EntryPoint::Condition,
    };
    let parsed = parse_tokens(&snippet.text, &lexer::lex(&snippet.text), entry);
    parsed
        .diagnostics
        .into_iter()
        .map(|d| d.map_spans(|span| Span::from(snippet.source_map.range_to_source(span.range()))))
        .collect()
}
