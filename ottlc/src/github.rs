//! `ottlc check --format github`: GitHub Actions workflow commands, which the runner turns
//! into annotations on the pull request's lines.

use ottl_compiler::render::Range;
use ottl_compiler::source::SourceFile;
use ottl_grammar::{Diagnostic, Severity};

use crate::relative::relative_path;

/// One `::error …::message` (or `::warning`) line per diagnostic; the help line follows
/// the message on a line of its own inside the annotation.
pub fn annotations(file: &SourceFile, diagnostics: &[Diagnostic]) -> String {
    let path = escape_property(&relative_path(&file.name));
    let mut out = String::new();
    for diagnostic in diagnostics {
        let command = match diagnostic.severity() {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let Range { line, column, end_line, end_column } = Range::of(file, diagnostic.span());
        let title = escape_property(&format!("{} {}", diagnostic.code.as_str(), diagnostic.code.title()));
        let message = match &diagnostic.help {
            Some(help) => format!("{}\nhelp: {help}", diagnostic.message),
            None => diagnostic.message.clone(),
        };
        out.push_str(&format!(
            "::{command} file={path},line={line},col={column},endLine={end_line},endColumn={end_column},title={title}::{}\n",
            escape_data(&message)
        ));
    }
    out
}

/// The runner's escaping of a command's message.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// The runner's escaping of a property value, which also ends at `,` and `:`.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_the_actions_runner_reads() {
        assert_eq!(escape_data("50% a:b, c\r\nd"), "50%25 a:b, c%0D%0Ad");
        assert_eq!(escape_property("E0011 `=` a, b: 5%\n"), "E0011 `=` a%2C b%3A 5%25%0A");
    }
}
