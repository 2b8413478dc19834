//! Showing diagnostics: codespan-reporting for people, JSON for tools.

use codespan_reporting::diagnostic::{Diagnostic as Report, Label as ReportLabel};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, Config};
use ottl_grammar::{Diagnostic, Severity, Span};
use serde::Serialize;

use crate::source::SourceFile;

/// The codespan form of a diagnostic: code, message, carets under the primary span,
/// secondary labels, and the help line as a note.
fn report(diagnostic: &Diagnostic) -> Report<()> {
    let report = match diagnostic.severity() {
        Severity::Error => Report::error(),
        Severity::Warning => Report::warning(),
    };
    let mut labels = vec![ReportLabel::primary((), diagnostic.primary.span.range()).with_message(&diagnostic.primary.message)];
    labels.extend(diagnostic.secondary.iter().map(|l| ReportLabel::secondary((), l.span.range()).with_message(&l.message)));
    let mut notes: Vec<String> = diagnostic.help.iter().map(|h| format!("help: {h}")).collect();
    notes.push(format!("for more, run `ottlc explain {}`", diagnostic.code.as_str()));
    report.with_code(diagnostic.code.as_str()).with_message(&diagnostic.message).with_labels(labels).with_notes(notes)
}

/// Renders diagnostics as text with source excerpts and carets (no colours).
pub fn human(file: &SourceFile, diagnostics: &[Diagnostic]) -> String {
    let files = SimpleFile::new(file.name.as_str(), file.text.as_str());
    let config = Config::default();
    let mut out = String::new();
    for diagnostic in diagnostics {
        // Spans come from parsing this very text, so rendering cannot fail; if it ever
        // did, the one-line form below still says what is wrong.
        if term::emit_to_string(&mut out, &config, &files, &report(diagnostic)).is_err() {
            let (line, column) = file.line_column(diagnostic.span().start);
            out.push_str(&format!(
                "{}[{}]: {} ({}:{line}:{column})\n",
                diagnostic.severity().as_str(),
                diagnostic.code.as_str(),
                diagnostic.message,
                file.name
            ));
        }
    }
    out
}

/// Writes diagnostics with colours to a terminal.
pub fn human_to_terminal(
    writer: &mut dyn term::WriteStyle,
    file: &SourceFile,
    diagnostics: &[Diagnostic],
) -> Result<(), codespan_reporting::files::Error> {
    let files = SimpleFile::new(file.name.as_str(), file.text.as_str());
    let config = Config::default();
    for diagnostic in diagnostics {
        term::emit_to_write_style(writer, &config, &files, &report(diagnostic))?;
    }
    Ok(())
}

/// Where a span is, as users and editors count: 1-based lines and columns, columns counted
/// in characters, `end_*` exclusive.
#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct Range {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

impl Range {
    pub fn of(file: &SourceFile, span: Span) -> Range {
        let (line, column) = file.line_column(span.start);
        let (end_line, end_column) = file.line_column(span.end);
        Range { line, column, end_line, end_column }
    }
}

/// One diagnostic in `ottlc check --format json` (DESIGN §6), at its [`Range`], with the
/// help line and the fix a tool needs to say "did you mean" or apply it.
#[derive(Serialize, Debug, PartialEq, Eq)]
pub struct JsonDiagnostic {
    pub file: String,
    pub severity: &'static str,
    pub code: &'static str,
    pub message: String,
    #[serde(flatten)]
    pub range: Range,
    pub help: Option<String>,
    pub fix: Option<JsonFix>,
}

/// Replace the text at `range` with `replacement`.
#[derive(Serialize, Debug, PartialEq, Eq)]
pub struct JsonFix {
    #[serde(flatten)]
    pub range: Range,
    pub replacement: String,
}

pub fn json_records(file: &SourceFile, diagnostics: &[Diagnostic]) -> Vec<JsonDiagnostic> {
    diagnostics
        .iter()
        .map(|d| JsonDiagnostic {
            file: file.name.clone(),
            severity: d.severity().as_str(),
            code: d.code.as_str(),
            message: d.message.clone(),
            range: Range::of(file, d.span()),
            help: d.help.as_deref().map(str::to_string),
            fix: d.fix.as_ref().map(|fix| JsonFix { range: Range::of(file, fix.span), replacement: fix.replacement.clone() }),
        })
        .collect()
}
