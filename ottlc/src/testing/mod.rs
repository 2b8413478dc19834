//! `ottlc test`: unit tests for OTTL pipelines. A test file names a rule file, or a
//! collector config's pipeline; each test gives an input and states what must come out.
//! Everything in a test file is checked before any test runs (its expectations are OTTL,
//! checked like any, by `ottl-testfile`, which the language server shares), then each test
//! runs through the same processors the agent runs (`ottl-pipeline`), and a failure shows
//! the condition, its operands' values, the data before and after, and the statements that
//! matched it.

mod diff;
mod report;
mod target;
mod trace;
mod verdict;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::ValueEnum;
use ottl_compiler::AnalysisOptions;
use ottl_compiler::render;
use ottl_compiler::source::SourceFile;
use ottl_grammar::Diagnostic;
use ottl_pipeline::Backend;
use ottl_runtime::exec::Outputs;
use ottl_runtime::otlp::Telemetry;
use ottl_testfile::{Analyzed, Prepared, Selection, Target, TestCase, TestFile, expect, spec};

pub use ottl_testfile::TEST_FILE_SUFFIX;
use report::Suite;
use target::Loaded;
pub use target::Stage;

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TestFormat {
    /// Each test's result, then each failure with its source, values and diff.
    Human,
    /// One JSON document: every test with its outcome and failure text.
    Json,
    /// JUnit XML: a `testsuite` per file, a `testcase` per test.
    Junit,
}

pub struct TestOptions {
    pub backend: Backend,
    /// Run only the tests whose name contains this.
    pub filter: Option<String>,
    pub format: TestFormat,
    pub analysis: AnalysisOptions,
}

/// Runs every test of every file; exit 0 when all pass, 1 otherwise.
pub fn run(paths: &[PathBuf], options: &TestOptions) -> ExitCode {
    let started = Instant::now();
    let suites: Vec<Suite> = paths.iter().map(|path| run_file(path, options)).collect();
    let passed = report::print(&suites, options.format, started.elapsed());
    if passed { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

/// A test file read, what it tests loaded, and its tests checked.
struct Checked<'f> {
    loaded: Loaded,
    prepared: Vec<Prepared<'f>>,
    /// Warnings of its expectations (errors stop the file).
    warnings: Vec<Diagnostic>,
}

/// What `ottlc` reads a test's target with: the disk.
fn disk(path: &Path) -> std::io::Result<String> {
    std::fs::read_to_string(path)
}

/// Checks the selected tests of a test file, before any runs, then compiles what it tests.
fn check<'f>(test_file: &'f TestFile, analyzed: Analyzed, options: &TestOptions) -> Result<Checked<'f>, Vec<Diagnostic>> {
    let selected: Vec<&TestCase> = test_file
        .tests
        .iter()
        .filter(|case| options.filter.as_ref().is_none_or(|filter| case.name.contains(filter.as_str())))
        .collect();
    let (prepared, warnings) = ottl_testfile::prepare(&analyzed, &selected, &options.analysis)?;
    Ok(Checked { loaded: target::load(analyzed, options.backend, &options.analysis), prepared, warnings })
}

/// `ottlc check` on a test file: everything `ottlc test` checks before it runs a test.
pub fn diagnostics(path: &Path, text: String, options: &AnalysisOptions) -> (SourceFile, Vec<Diagnostic>) {
    ottl_testfile::diagnostics(path, text, &disk, options)
}

/// One file's tests; a file that does not check is one failed case that says why.
fn run_file(path: &Path, options: &TestOptions) -> Suite {
    let name = path.display().to_string();
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) => return Suite::broken(&name, format!("cannot read {name}: {e}")),
    };
    let (test_file, analyzed) = match ottl_testfile::open(path, text, &disk, &options.analysis) {
        Ok(opened) => opened,
        Err((file, diagnostics)) => return Suite::broken(&name, render::human(&file, &diagnostics)),
    };
    let checked = match check(&test_file, analyzed, options) {
        Ok(checked) => checked,
        Err(diagnostics) => return Suite::broken(&name, render::human(&test_file.file, &diagnostics)),
    };
    let cases = checked.prepared.iter().map(|test| verdict::run_case(test, &checked.loaded, &test_file)).collect();
    let filtered_out = test_file.tests.len() - checked.prepared.len();
    Suite { name, cases, filtered_out, warnings: render::human(&test_file.file, &checked.warnings) }
}

/// `ottlc run --config --pipeline`: the pipeline's processors, loaded as a test file's
/// are; the config's diagnostics go to stderr.
pub fn pipeline(config: &Path, name: &str, backend: Backend, options: &AnalysisOptions) -> Result<Vec<Stage>, String> {
    let target = Target::Config { path: config.to_path_buf(), selection: Selection::Pipeline(name.to_string()) };
    let loaded = target::load(ottl_testfile::analyze_target(&target, &disk, options)?, backend, options);
    eprint!("{}", render::human(&loaded.file, &loaded.diagnostics));
    loaded.stages
}

/// Runs `stages` on `telemetry`: what goes on down the pipeline, and what routes took.
/// Statement errors the `ignore` error mode logs go to stderr.
pub fn run_stages(stages: &[Stage], telemetry: Telemetry) -> Result<Outputs, String> {
    let outcome = target::run(stages, telemetry);
    for error in &outcome.statement_errors {
        eprintln!("ottlc: warning: {error}");
    }
    let ran = outcome.ran.map_err(|error| format!("{}: {}", error.processor, error.message))?;
    Ok(Outputs { default: ran.telemetry, routes: ran.routed.into_iter().map(|part| (part.route, part.telemetry)).collect() })
}
