//! `ottlc test`: unit tests for OTTL pipelines. A test file names a rule file, or a
//! collector config's pipeline; each test gives an input and states what must come out.
//! Everything in a test file is checked before any test runs (its expectations are OTTL,
//! checked like any), then each test runs through the same processors the agent runs
//! (`ottl-pipeline`), and a failure shows the condition, its operands' values, the data
//! before and after, and the statements that changed it.

mod compact;
mod diff;
mod expect;
mod report;
mod spec;
mod target;
mod trace;
mod verdict;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::ValueEnum;
use ottl_compiler::AnalysisOptions;
use ottl_compiler::render;
use ottl_compiler::source::{SourceFile, SourceKind};
use ottl_grammar::{Code, Diagnostic, Severity};
use ottl_pipeline::Backend;
use ottl_runtime::exec::Outputs;
use ottl_runtime::otlp::Telemetry;

use report::Suite;
use spec::{Selection, Target, TestCase, TestFile};
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

/// The name test files end with: `ottlc check` checks them as test files.
pub const TEST_FILE_SUFFIX: &str = ".ottl-test.yaml";

/// A test file read, what it tests loaded, and its tests checked.
struct Checked<'f> {
    loaded: Loaded,
    prepared: Vec<Prepared<'f>>,
    /// Warnings of its expectations (errors stop the file).
    warnings: Vec<Diagnostic>,
}

/// Reads a test file and what it tests.
fn read(path: &Path, text: String, options: &TestOptions) -> Result<(TestFile, Loaded), (SourceFile, Vec<Diagnostic>)> {
    let file = SourceFile::new(path.display().to_string(), text, SourceKind::CollectorYaml);
    let dir = path.parent().unwrap_or(Path::new("."));
    let test_file = spec::read(file, dir)?;
    match target::load(&test_file.target, options.backend, &options.analysis) {
        Ok(loaded) => Ok((test_file, loaded)),
        Err(message) => {
            let diagnostic = Diagnostic::new(Code::InvalidTestFile, message, test_file.target_span, "named here");
            Err((test_file.file, vec![diagnostic]))
        }
    }
}

/// Checks the selected tests of a test file, before any runs.
fn check<'f>(test_file: &'f TestFile, loaded: Loaded, options: &TestOptions) -> Result<Checked<'f>, Vec<Diagnostic>> {
    let selected: Vec<&TestCase> = test_file
        .tests
        .iter()
        .filter(|case| options.filter.as_ref().is_none_or(|filter| case.name.contains(filter.as_str())))
        .collect();
    let (prepared, warnings) = prepare(&loaded, &selected, &options.analysis)?;
    Ok(Checked { loaded, prepared, warnings })
}

/// `ottlc check` on a test file: everything `ottlc test` checks before it runs a test.
pub fn diagnostics(path: &Path, text: String, options: &AnalysisOptions) -> (SourceFile, Vec<Diagnostic>) {
    let options =
        TestOptions { backend: Backend::Interpreter, filter: None, format: TestFormat::Human, analysis: options.clone() };
    let (test_file, loaded) = match read(path, text, &options) {
        Ok(read) => read,
        Err(failed) => return failed,
    };
    let diagnostics = match check(&test_file, loaded, &options) {
        Ok(checked) => checked.warnings,
        Err(diagnostics) => diagnostics,
    };
    (test_file.file, diagnostics)
}

/// One file's tests; a file that does not check is one failed case that says why.
fn run_file(path: &Path, options: &TestOptions) -> Suite {
    let name = path.display().to_string();
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) => return Suite::broken(&name, format!("cannot read {name}: {e}")),
    };
    let (test_file, loaded) = match read(path, text, options) {
        Ok(read) => read,
        Err((file, diagnostics)) => return Suite::broken(&name, render::human(&file, &diagnostics)),
    };
    let checked = match check(&test_file, loaded, options) {
        Ok(checked) => checked,
        Err(diagnostics) => return Suite::broken(&name, render::human(&test_file.file, &diagnostics)),
    };
    let cases = checked.prepared.iter().map(|test| verdict::run_case(test, &checked.loaded, &test_file)).collect();
    let filtered_out = test_file.tests.len() - checked.prepared.len();
    Suite { name, cases, filtered_out, warnings: render::human(&test_file.file, &checked.warnings) }
}

/// A test ready to run: its input read, its conditions checked.
struct Prepared<'s> {
    case: &'s TestCase,
    input: Option<Telemetry>,
    conditions: Vec<expect::Condition<'s>>,
}

/// Checks every selected test before any runs: its input is OTLP of the pipeline's signal,
/// its conditions check in the item's context. Any error stops the file; the warnings come
/// back with the tests.
fn prepare<'s>(
    loaded: &Loaded,
    cases: &[&'s TestCase],
    options: &AnalysisOptions,
) -> Result<(Vec<Prepared<'s>>, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut diagnostics = Vec::new();
    let mut prepared = Vec::new();
    let invalid = |at, message: String| Diagnostic::new(Code::InvalidTestFile, message, at, "in this test");
    for &case in cases {
        let input = match case.input.as_ref().map(|json| Telemetry::from_json(&json.to_string())) {
            None => None,
            Some(Ok(input)) => Some(input),
            Some(Err(message)) => {
                diagnostics.push(invalid(case.span, format!("the input of `{}` is not OTLP/JSON: {message}", case.name)));
                continue;
            }
        };
        let signal = input.as_ref().map(Telemetry::signal).or(loaded.signal);
        if let (Some(input), Some(pipeline)) = (input.as_ref(), loaded.signal)
            && input.signal() != pipeline
        {
            diagnostics.push(invalid(
                case.span,
                format!("the input of `{}` is {}, the pipeline takes {}", case.name, input.signal().name(), pipeline.name()),
            ));
        }
        let mut conditions = Vec::new();
        if let Some(signal) = signal {
            let fallback = loaded.context.filter(|c| c.fits(&signal.empty())).unwrap_or(expect::item_context(signal));
            for snippet in &case.expect.conditions {
                let (condition, found) = expect::compile(snippet, signal, fallback, options);
                conditions.extend(condition);
                diagnostics.extend(found);
            }
        }
        prepared.push(Prepared { case, input, conditions });
    }
    diagnostics.sort_by_key(|d| d.span().start);
    if diagnostics.iter().any(|d| d.severity() == Severity::Error) {
        return Err(diagnostics);
    }
    Ok((prepared, diagnostics))
}

/// `ottlc run --config --pipeline`: the pipeline's processors, loaded as a test file's
/// are; the config's diagnostics go to stderr.
pub fn pipeline(config: &Path, name: &str, backend: Backend, options: &AnalysisOptions) -> Result<Vec<Stage>, String> {
    let target = Target::Config { path: config.to_path_buf(), selection: Selection::Pipeline(name.to_string()) };
    let loaded = target::load(&target, backend, options)?;
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
