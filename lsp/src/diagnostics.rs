//! The compiler's diagnostics as LSP diagnostics: code, link to the code's explanation,
//! help line, and the secondary labels as related information.

use std::str::FromStr;

use ottl_compiler::source::{SourceFile, SourceKind};
use ottl_compiler::{AnalysisOptions, analyze};
use ottl_grammar::{Code, Severity};
use tower_lsp_server::ls_types::{
    self as lsp, CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Uri,
};

use crate::document::Document;

/// The URI scheme of a code's explanation (`ottl-explain:E0011`); the VS Code extension
/// shows it as a document, fetched with the `ottl/explain` request.
pub const EXPLAIN_SCHEME: &str = "ottl-explain";

/// Every diagnostic of `document` in the compiler's terms (document byte spans).
pub fn check(document: &Document, options: &AnalysisOptions) -> Vec<ottl_grammar::Diagnostic> {
    if document.kind == SourceKind::CollectorYaml && !looks_like_collector_config(&document.text) {
        // Any YAML file opens with this server (Helm templates, CI files); only configs
        // with components get checked, so others see no "invalid YAML" noise.
        return Vec::new();
    }
    analyze(&SourceFile::new(document.uri.as_str(), document.text.clone(), document.kind), options).diagnostics
}

fn looks_like_collector_config(text: &str) -> bool {
    text.contains("processors:") || text.contains("connectors:")
}

pub fn to_lsp(diagnostic: &ottl_grammar::Diagnostic, document: &Document) -> lsp::Diagnostic {
    let mut message = diagnostic.message.clone();
    if let Some(help) = &diagnostic.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let related: Vec<DiagnosticRelatedInformation> = diagnostic
        .secondary
        .iter()
        .map(|label| DiagnosticRelatedInformation {
            location: Location { uri: document.uri.clone(), range: document.range(label.span.range()) },
            message: label.message.clone(),
        })
        .collect();
    lsp::Diagnostic {
        range: document.range(diagnostic.span().range()),
        severity: Some(match diagnostic.severity() {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(diagnostic.code.as_str().to_string())),
        code_description: explanation_uri(diagnostic.code).map(|href| CodeDescription { href }),
        source: Some("ottl".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

fn explanation_uri(code: Code) -> Option<Uri> {
    Uri::from_str(&format!("{EXPLAIN_SCHEME}:{}", code.as_str())).ok()
}

/// The `ottl/explain` answer for a code: `ottlc explain`'s text, as Markdown.
pub fn explain(code: &str) -> Option<String> {
    let code = Code::parse(code.trim_start_matches(&format!("{EXPLAIN_SCHEME}:")))?;
    Some(format!("# {}: {}\n\n{}\n", code.as_str(), code.title(), code.explanation()))
}
