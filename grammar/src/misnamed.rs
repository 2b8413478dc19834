//! Function names whose case contradicts where they stand: `Set(…)` as a statement,
//! `int(…)` as a value, a bare `NaN`.
//!
//! The reference's parser rejects them by their case alone, and so does this grammar: each
//! one makes its snippet fail to parse. What to tell the user about one, though, depends on
//! which functions exist (`Milliseconds(…)` as a statement is a converter in the wrong place,
//! `Delete_key(…)` a misspelt editor), and only the compiler's registry knows that. So the
//! grammar records the finding, with the reference's message, and leaves the advice (help
//! and fix) to the compiler's checker, which words the final diagnostic.

use crate::ast::Ident;
use crate::codes::Code;
use crate::diagnostic::Diagnostic;

/// A function name in the wrong case for its place.
#[derive(Clone, Debug, PartialEq)]
pub enum Misnamed {
    /// An action whose name starts uppercase (E0012).
    UppercaseEditor(Ident),
    /// A call in value position whose name starts lowercase (E0013).
    LowercaseConverter(Ident),
    /// A bare mixed-case name where a value belongs (E0018).
    FunctionNameAsValue(Ident),
}

impl Misnamed {
    /// The name as written, with its span.
    pub fn name(&self) -> &Ident {
        match self {
            Misnamed::UppercaseEditor(name) | Misnamed::LowercaseConverter(name) | Misnamed::FunctionNameAsValue(name) => name,
        }
    }

    /// The syntax error, in the reference's words, without advice: code, message and label.
    /// The compiler adds the help and fix; without it (formatting, grammar-only checks) the
    /// error stands as it is.
    pub fn diagnostic(&self) -> Diagnostic {
        let Ident { name, span } = self.name();
        match self {
            Misnamed::UppercaseEditor(_) => Diagnostic::new(
                Code::UppercaseEditor,
                format!("editor names must start with a lowercase letter but got '{name}'"),
                *span,
                "an editor name",
            ),
            Misnamed::LowercaseConverter(_) => Diagnostic::new(
                Code::LowercaseConverter,
                format!("converter names must start with an uppercase letter but got '{name}'"),
                *span,
                "a lowercase name here calls an editor, which returns nothing",
            ),
            Misnamed::FunctionNameAsValue(_) => Diagnostic::new(
                Code::FunctionNameAsValue,
                format!("`{name}` is a function name, not a value"),
                *span,
                "a function name",
            ),
        }
    }
}
