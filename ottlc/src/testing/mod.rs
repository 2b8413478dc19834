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

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::ValueEnum;
use ottl_compiler::AnalysisOptions;
use ottl_compiler::render;
use ottl_compiler::source::{SourceFile, SourceKind};
use ottl_grammar::{Code, Diagnostic, Severity};
use ottl_pipeline::{Backend, append};
use ottl_runtime::exec::Outputs;
use ottl_runtime::otlp::Telemetry;

use report::{Case, Data, Failure, Suite, Verdict};
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
    let cases = checked.prepared.iter().map(|test| run_case(test, &checked.loaded, &test_file)).collect();
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

fn run_case(test: &Prepared<'_>, loaded: &Loaded, test_file: &TestFile) -> Case {
    let started = Instant::now();
    let case = test.case;
    let mut failures = Vec::new();
    if let Some((code, line, at)) = &case.expect.diagnostic {
        expect_diagnostic(loaded, code, *line, *at, &mut failures);
    }
    let data = test.input.as_ref().and_then(|input| {
        run_input(test, input, loaded, &mut failures).map(|output| Data { input: input.to_json(), output: output.to_json() })
    });
    let verdict = match failures.first() {
        None => Verdict::Passed,
        Some(first) => Verdict::Failed { message: first.message.clone(), details: report::render(&test_file.file, &failures) },
    };
    Case {
        name: case.name.clone(),
        line: test_file.file.line_column(case.span.start).0,
        verdict,
        seconds: started.elapsed().as_secs_f64(),
        data,
    }
}

fn expect_diagnostic(loaded: &Loaded, code: &str, line: usize, at: ottl_grammar::Span, failures: &mut Vec<Failure>) {
    let found: Vec<(String, usize)> =
        loaded.diagnostics.iter().map(|d| (d.code.as_str().to_string(), loaded.file.line_column(d.span().start).0)).collect();
    if found.iter().any(|(c, l)| c.eq_ignore_ascii_case(code) && *l == line) {
        return;
    }
    let listed: Vec<String> = found.iter().map(|(c, l)| format!("{c} at line {l}")).collect();
    let mut failure = Failure::new(format!("no diagnostic {code} at line {line} of {}", loaded.file.name), at, "expected here");
    failure.notes.push(if listed.is_empty() {
        "`ottlc check` finds nothing".to_string()
    } else {
        format!("`ottlc check` finds: {}", listed.join(", "))
    });
    if !loaded.diagnostics.is_empty() {
        failure.notes.push(render::human(&loaded.file, &loaded.diagnostics));
    }
    failures.push(failure);
}

/// Runs the test's input through the chain and checks what came out; what went on down
/// the pipeline, when the chain ran.
fn run_input(test: &Prepared<'_>, input: &Telemetry, loaded: &Loaded, failures: &mut Vec<Failure>) -> Option<Telemetry> {
    let case = test.case;
    let expect = &case.expect;
    let stages = match &loaded.stages {
        Ok(stages) => stages,
        Err(why) => {
            let mut failure = Failure::new(why.clone(), case.span, "this test cannot run");
            let errors: Vec<Diagnostic> =
                loaded.diagnostics.iter().filter(|d| d.severity() == Severity::Error).cloned().collect();
            if !errors.is_empty() {
                failure.notes.push(render::human(&loaded.file, &errors));
            }
            failures.push(failure);
            return None;
        }
    };
    let outcome = target::run(stages, input.clone());
    let ran = match outcome.ran {
        Ok(ran) => ran,
        Err(error) => {
            let message = format!("{}: {}", error.processor, error.message);
            match &expect.error {
                Some((text, _)) if message.contains(text.as_str()) => {}
                _ => failures.push(Failure::new(format!("the pipeline failed the batch: {message}"), case.span, "in this test")),
            }
            return None;
        }
    };
    let before = failures.len();
    if let Some((text, at)) = &expect.error
        && !outcome.statement_errors.iter().any(|error| error.contains(text.as_str()))
    {
        let mut failure = Failure::new(format!("no statement error contains {text:?}"), *at, "expected");
        failure.notes.push(match outcome.statement_errors.is_empty() {
            true => "no statement failed".to_string(),
            false => format!("statement errors:\n{}", outcome.statement_errors.join("\n")),
        });
        failures.push(failure);
    }
    let mut everything = ran.telemetry.clone();
    for part in &ran.routed {
        // Profiles cannot be merged; their routes are checked by name only.
        let _ = append(&mut everything, part.telemetry.clone());
    }
    if let Some((dropped, at)) = expect.dropped {
        let left = everything.item_count();
        if dropped && left > 0 {
            failures.push(Failure::new(format!("expected every item dropped; {left} left the pipeline"), at, "expected"));
        } else if !dropped && left == 0 {
            failures.push(Failure::new("expected an item to leave the pipeline; every item was dropped", at, "expected"));
        }
    }
    if let Some((route, at)) = &expect.route {
        let routed: usize = ran.routed.iter().filter(|part| &part.route == route).map(|part| part.telemetry.item_count()).sum();
        let elsewhere: Vec<String> = ran.routed.iter().filter(|p| &p.route != route).map(|p| format!("`{}`", p.route)).collect();
        if routed == 0 || ran.telemetry.item_count() > 0 {
            let mut failure = Failure::new(format!("expected every item routed to `{route}`"), *at, "expected");
            failure.notes.push(format!(
                "{routed} routed to `{route}`; {} went on down the pipeline{}",
                ran.telemetry.item_count(),
                if elsewhere.is_empty() { String::new() } else { format!("; routed also to {}", elsewhere.join(", ")) }
            ));
            failures.push(failure);
        }
    }
    if let Some((expected, at)) = &expect.output {
        compare_output(expected, &ran.telemetry, *at, failures);
    }
    for condition in &test.conditions {
        check_condition(condition, &everything, failures);
    }
    if failures.len() > before
        && let Some(last) = failures.last_mut()
    {
        explain(last, stages, input, &everything, &outcome.statement_errors);
    }
    Some(ran.telemetry)
}

fn compare_output(expected: &serde_json::Value, actual: &Telemetry, at: ottl_grammar::Span, failures: &mut Vec<Failure>) {
    let expected = match Telemetry::from_json(&expected.to_string()) {
        Ok(expected) => expected,
        Err(message) => {
            failures.push(Failure::new(format!("the expected output is not OTLP/JSON: {message}"), at, "here"));
            return;
        }
    };
    let (expected, actual) = (pretty(&expected), pretty(actual));
    if expected != actual {
        let mut failure = Failure::new("the output is not the one expected", at, "expected");
        failure.notes.push(diff::unified("expected", "actual", &expected, &actual));
        failures.push(failure);
    }
}

fn check_condition(condition: &expect::Condition<'_>, output: &Telemetry, failures: &mut Vec<Failure>) {
    let snippet = condition.snippet;
    let context = condition.context;
    match expect::check(condition, output) {
        Ok(falsified) => {
            for item in falsified {
                let label = match &item.error {
                    None => format!("false on {context} {}", item.item),
                    Some(_) => format!("failed on {context} {}", item.item),
                };
                let mut failure = Failure::new(format!("condition failed: `{}`", snippet.text.trim()), snippet.span, label);
                if let Some(error) = item.error {
                    failure.notes.push(format!("error: {error}"));
                }
                let width = item.values.iter().map(|(text, _)| text.len()).max().unwrap_or(0);
                let values: Vec<String> = item.values.iter().map(|(text, value)| format!("{text:>width$}: {value}")).collect();
                if !values.is_empty() {
                    failure.notes.push(format!("where\n{}", values.join("\n")));
                }
                failures.push(failure);
            }
        }
        Err(why) => {
            failures.push(Failure::new(format!("condition cannot be checked: `{}`", snippet.text.trim()), snippet.span, why))
        }
    }
}

/// What a failure needs to be acted on: the data before and after, the statements that
/// changed it, and the statement errors the collector would have logged.
fn explain(failure: &mut Failure, stages: &[target::Stage], input: &Telemetry, output: &Telemetry, errors: &[String]) {
    let diff = diff::unified("before", "after", &pretty(input), &pretty(output));
    failure.notes.push(if diff.is_empty() {
        "the pipeline changed nothing".to_string()
    } else {
        format!("the data before and after the pipeline:\n{diff}")
    });
    let matched = trace::matched(stages, input);
    failure.notes.push(match matched.is_empty() {
        true => "no statement changed it".to_string(),
        false => format!("statements that changed it:\n{}", matched.join("\n")),
    });
    if !errors.is_empty() {
        failure.notes.push(format!("statement errors:\n{}", errors.join("\n")));
    }
}

/// OTLP/JSON, indented, without default fields.
fn pretty(telemetry: &Telemetry) -> String {
    serde_json::to_string_pretty(&telemetry.to_json()).unwrap_or_default()
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
