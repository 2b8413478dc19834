//! What `ottlc check` prints, in each `--format`: diagnostics file by file, then a summary
//! for people or the one document a tool reads.

use std::io::IsTerminal;

use clap::ValueEnum;
use codespan_reporting::term::termcolor::{ColorChoice, StandardStream};
use ottl_compiler::render::{self, JsonDiagnostic};
use ottl_compiler::source::SourceFile;
use ottl_grammar::{Diagnostic, Severity};

use crate::github;
use crate::sarif::SarifLog;

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    /// Source excerpts with carets and help, for people.
    Human,
    /// One JSON array of diagnostics, with their help and fix.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other dashboards.
    Sarif,
    /// GitHub Actions workflow commands: annotations on the pull request.
    Github,
}

/// What was checked and found, for the summary and the exit status.
#[derive(Default)]
pub struct Tally {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    /// A file or directory could not be read.
    pub io_failed: bool,
}

impl Tally {
    pub fn count(&mut self, diagnostics: &[Diagnostic]) {
        self.files += 1;
        self.errors += diagnostics.iter().filter(|d| d.severity() == Severity::Error).count();
        self.warnings += diagnostics.iter().filter(|d| d.severity() == Severity::Warning).count();
    }
}

/// The output under way: formats that print one document gather until [`Report::finish`].
pub enum Report {
    /// Coloured when stdout is a terminal.
    Human(Option<StandardStream>),
    Json(Vec<JsonDiagnostic>),
    Sarif(SarifLog),
    Github,
}

impl Report {
    pub fn new(format: Format) -> Report {
        match format {
            Format::Human => Report::Human(std::io::stdout().is_terminal().then(|| StandardStream::stdout(ColorChoice::Auto))),
            Format::Json => Report::Json(Vec::new()),
            Format::Sarif => Report::Sarif(SarifLog::default()),
            Format::Github => Report::Github,
        }
    }

    pub fn file(&mut self, file: &SourceFile, diagnostics: &[Diagnostic]) {
        match self {
            Report::Human(Some(stream)) => {
                if render::human_to_terminal(stream, file, diagnostics).is_err() {
                    print!("{}", render::human(file, diagnostics));
                }
            }
            Report::Human(None) => print!("{}", render::human(file, diagnostics)),
            Report::Json(records) => records.extend(render::json_records(file, diagnostics)),
            Report::Sarif(log) => log.add(file, diagnostics),
            Report::Github => print!("{}", github::annotations(file, diagnostics)),
        }
    }

    /// The gathered document, or the summary line a person reads last.
    pub fn finish(self, tally: &Tally) {
        match self {
            Report::Json(records) => println!("{}", to_json(&records)),
            Report::Sarif(log) => println!("{}", to_json(&log.to_json())),
            Report::Human(_) if tally.errors + tally.warnings > 0 => println!("{}", summary(tally.errors, tally.warnings)),
            Report::Human(_) if !tally.io_failed => {
                println!("ottlc: {} checked, no problems", plural(tally.files, "file"));
            }
            Report::Human(_) | Report::Github => {}
        }
    }
}

/// Serialising plain data to a string cannot fail; if it ever did, an empty array is
/// still JSON.
fn to_json(value: &impl serde::Serialize) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| "[]".into())
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

fn summary(errors: usize, warnings: usize) -> String {
    format!("ottlc: {}, {}", plural(errors, "error"), plural(warnings, "warning"))
}
