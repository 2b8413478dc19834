//! OTTL text through `ottlc check`'s path: lexer, parser, checker, then the report
//! renderers, for a `.ottl` document and for a collector config's embedded OTTL.

use ottl_compiler::render;
use ottl_compiler::source::{SourceFile, SourceKind};
use ottl_compiler::{AnalysisOptions, analyze};

/// A `.ottl` document, as `ottlc check rules.ottl` reads it.
pub fn check_document(data: &[u8]) {
    check(data, SourceKind::Ottl);
}

/// A collector config: the compiler's YAML extraction, then every OTTL string in it.
pub fn check_collector_yaml(data: &[u8]) {
    check(data, SourceKind::CollectorYaml);
}

/// Analyzes and renders `data`; every diagnostic must point inside the text, on character
/// boundaries, or the renderers (and an editor's ranges) would slice off the end.
fn check(data: &[u8], kind: SourceKind) {
    let file = SourceFile::new("fuzz", String::from_utf8_lossy(data), kind);
    let analysis = analyze(&file, &AnalysisOptions::default());
    for diagnostic in &analysis.diagnostics {
        for span in std::iter::once(&diagnostic.primary).chain(&diagnostic.secondary).map(|label| label.span) {
            let inside = span.start <= span.end
                && span.end <= file.text.len()
                && file.text.is_char_boundary(span.start)
                && file.text.is_char_boundary(span.end);
            assert!(inside, "{} {}: span {span:?} is not inside the text", diagnostic.code.as_str(), diagnostic.message);
        }
    }
    let _ = render::human(&file, &analysis.diagnostics);
    let _ = render::json_records(&file, &analysis.diagnostics);
}
