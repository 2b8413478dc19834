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

/// The collector expands `${env:X}` (and other `${…}` providers) before it parses OTTL;
/// their values are unknown here. Each reference becomes a run of `x` of the same byte
/// length: a word, which reads as a path where a value stands and as text inside a
/// string, and keeps every offset (so the source map still applies).
fn env_placeholders(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let Some(len) = rest[start..].find('}') else { break };
        out.push_str(&rest[..start]);
        out.extend(std::iter::repeat_n('x', len + 1));
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    out
}

/// Parses one OTTL string from a collector config and moves its diagnostics from the
/// string's offsets to the file's, through the YAML scalar's source map.
fn check_snippet(snippet: &EmbeddedOttl) -> Vec<Diagnostic> {
    let entry = match snippet.kind {
        SnippetKind::Statement => EntryPoint::Statement,
        SnippetKind::Condition => EntryPoint::Condition,
    };
    let text = if snippet.needs_env { env_placeholders(&snippet.text) } else { snippet.text.clone() };
    let parsed = parse_tokens(&text, &lexer::lex(&text), entry);
    parsed
        .diagnostics
        .into_iter()
        .map(|d| d.map_spans(|span| Span::from(snippet.source_map.range_to_source(span.range()))))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_references_are_checked_with_placeholders_at_their_offsets() {
        assert_eq!(env_placeholders(r#"set(x, "${env:A}") where y == ${B}"#), r#"set(x, "xxxxxxxx") where y == xxxx"#);
        assert_eq!(env_placeholders("${é}z"), "xxxxxz", "one x per byte");
        assert_eq!(env_placeholders("${unclosed"), "${unclosed");
        let yaml = "processors:\n  transform:\n    log_statements:\n      - set(attributes[\"env\"], ${env:ENV}) where body = \"${env:X}\"\n";
        let diagnostics = check_collector_yaml(yaml);
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        assert_eq!(diagnostics[0].code, Code::AssignInCondition);
        assert_eq!(&yaml[diagnostics[0].span().range()], "=");
    }
}
