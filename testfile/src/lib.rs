//! `ottlc test` files (`NAME.ottl-test.yaml`) read and checked: what a file tests (a rule
//! file, or a collector config's pipeline) analyzed, its tests' inputs read, and their
//! expectations checked as OTTL in the context `ottlc test` evaluates them in.
//!
//! `ottlc` runs the tests on top of this (`ottlc test`) and reports its diagnostics
//! (`ottlc check`); the language server serves test files with it. One implementation, so
//! that the editor and the command line never disagree on a test file. It holds no back
//! end: the language server links it without the JIT.

mod check;
mod compact;
pub mod expect;
pub mod spec;
mod target;

use std::path::Path;

use ottl_compiler::AnalysisOptions;
use ottl_compiler::source::{SourceFile, SourceKind};
use ottl_grammar::{Code, Diagnostic};

pub use check::{Prepared, Scope, prepare};
pub use spec::{Selection, Target, TestCase, TestFile};
pub use target::{Analyzed, Compiled, Reader, analyze_target};

/// The name test files end with: `ottlc check` checks them as test files, the language
/// server serves them as such.
pub const TEST_FILE_SUFFIX: &str = ".ottl-test.yaml";

/// Reads the test file at `path` (its text `text`) and analyzes what it tests, read with
/// `read`; else the diagnostics that say why it cannot be.
pub fn open(
    path: &Path,
    text: String,
    read: Reader<'_>,
    options: &AnalysisOptions,
) -> Result<(TestFile, Analyzed), (SourceFile, Vec<Diagnostic>)> {
    let file = SourceFile::new(path.display().to_string(), text, SourceKind::CollectorYaml);
    let dir = path.parent().unwrap_or(Path::new("."));
    let test_file = spec::read(file, dir)?;
    match analyze_target(&test_file.target, read, options) {
        Ok(analyzed) => Ok((test_file, analyzed)),
        Err(message) => {
            let diagnostic = Diagnostic::new(Code::InvalidTestFile, message, test_file.target_span, "named here");
            Err((test_file.file, vec![diagnostic]))
        }
    }
}

/// `ottlc check` on a test file: everything `ottlc test` checks before it runs a test.
pub fn diagnostics(path: &Path, text: String, read: Reader<'_>, options: &AnalysisOptions) -> (SourceFile, Vec<Diagnostic>) {
    let (test_file, analyzed) = match open(path, text, read, options) {
        Ok(opened) => opened,
        Err(failed) => return failed,
    };
    let cases: Vec<&TestCase> = test_file.tests.iter().collect();
    let diagnostics = match prepare(&analyzed, &cases, options) {
        Ok((_, warnings)) => warnings,
        Err(diagnostics) => diagnostics,
    };
    (test_file.file, diagnostics)
}
