//! Diagnostics as plain data: a code, a message, labelled spans and a help line.
//!
//! Rendering (codespan-reporting for terminals, JSON, LSP) happens in the crates that
//! show them; the front end only says what is wrong and where.

use crate::codes::Code;
use crate::span::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A span with a short message attached, pointing at a cause.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub message: String,
    /// The exact place of the problem, with a short label ("expected a value here").
    pub primary: Label,
    /// Other places that explain it ("`(` opened here").
    pub secondary: Vec<Label>,
    /// How to fix it, when that is known.
    pub help: Option<Box<str>>,
    /// The fix as an edit, when it is one replacement ("did you mean `status`?"), for the
    /// editor's quick fix. Boxed: most diagnostics have none, and diagnostics travel in
    /// `Result`s.
    pub fix: Option<Box<Fix>>,
}

/// Replace the text at `span` with `replacement`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub span: Span,
    pub replacement: String,
}

impl Diagnostic {
    pub fn new(code: Code, message: impl Into<String>, span: Span, label: impl Into<String>) -> Self {
        Diagnostic {
            code,
            message: message.into(),
            primary: Label { span, message: label.into() },
            secondary: Vec::new(),
            help: None,
            fix: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into().into_boxed_str());
        self
    }

    /// "Did you mean `replacement`?" as help, and as a fix replacing `span`.
    pub fn with_suggestion(mut self, span: Span, replacement: impl Into<String>) -> Self {
        let replacement = replacement.into();
        self.help = Some(format!("did you mean `{replacement}`?").into_boxed_str());
        self.fix = Some(Box::new(Fix { span, replacement }));
        self
    }

    /// The fix as an edit, the help worded by the caller.
    pub fn with_fix(mut self, span: Span, replacement: impl Into<String>) -> Self {
        self.fix = Some(Box::new(Fix { span, replacement: replacement.into() }));
        self
    }

    pub fn with_secondary(mut self, span: Span, message: impl Into<String>) -> Self {
        self.secondary.push(Label { span, message: message.into() });
        self
    }

    pub fn severity(&self) -> Severity {
        self.code.severity()
    }

    pub fn span(&self) -> Span {
        self.primary.span
    }

    /// Moves every span by applying `map`, e.g. from a snippet's offsets to its file's.
    pub fn map_spans(mut self, map: impl Fn(Span) -> Span) -> Self {
        self.primary.span = map(self.primary.span);
        for label in &mut self.secondary {
            label.span = map(label.span);
        }
        if let Some(fix) = &mut self.fix {
            fix.span = map(fix.span);
        }
        self
    }
}
