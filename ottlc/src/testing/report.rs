//! The results of `ottlc test` for people (cargo test's layout, failures rendered with
//! codespan like `ottlc check`'s diagnostics), for tools (JSON) and for CI (JUnit XML).

use std::fmt::Write as _;
use std::time::Duration;

use codespan_reporting::diagnostic::{Diagnostic as Report, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, Config};
use ottl_compiler::source::SourceFile;
use ottl_grammar::Span;
use serde::Serialize;

use super::TestFormat;

/// One way a test failed, at its place in the test file.
pub struct Failure {
    pub message: String,
    pub span: Span,
    pub label: String,
    /// Values, diffs, matched statements: shown under the source excerpt.
    pub notes: Vec<String>,
}

impl Failure {
    pub fn new(message: impl Into<String>, span: Span, label: impl Into<String>) -> Failure {
        Failure { message: message.into(), span, label: label.into(), notes: Vec::new() }
    }
}

pub enum Verdict {
    Passed,
    /// The first failure's message, and every failure rendered.
    Failed {
        message: String,
        details: String,
    },
}

pub struct Case {
    pub name: String,
    /// The line of its `name` in the test file (0 for a file that does not check).
    pub line: usize,
    pub verdict: Verdict,
    pub seconds: f64,
    /// What went into the chain and on down the pipeline, when it ran.
    pub data: Option<Data>,
}

/// A test's input and output, OTLP/JSON: `--format json` gives them, so that a tool (and
/// the comparison with the collector) can see what the verdict was made on.
pub struct Data {
    pub input: serde_json::Value,
    pub output: serde_json::Value,
}

/// The tests of one file.
pub struct Suite {
    pub name: String,
    pub cases: Vec<Case>,
    pub filtered_out: usize,
    /// Its expectations' warnings, rendered (they do not fail a test).
    pub warnings: String,
}

impl Suite {
    /// A file none of whose tests could run: one failed case that says why.
    pub fn broken(name: &str, details: String) -> Suite {
        let verdict = Verdict::Failed { message: "the test file does not check".into(), details };
        Suite {
            name: name.to_string(),
            cases: vec![Case { name: "(test file)".into(), line: 0, verdict, seconds: 0.0, data: None }],
            filtered_out: 0,
            warnings: String::new(),
        }
    }
}

/// Failures rendered as `ottlc check` renders diagnostics.
pub fn render(file: &SourceFile, failures: &[Failure]) -> String {
    let files = SimpleFile::new(file.name.as_str(), file.text.as_str());
    let mut out = String::new();
    for failure in failures {
        let report = Report::error()
            .with_message(&failure.message)
            .with_labels(vec![Label::primary((), failure.span.range()).with_message(&failure.label)])
            .with_notes(failure.notes.clone());
        if term::emit_to_string(&mut out, &Config::default(), &files, &report).is_err() {
            let _ = writeln!(out, "error: {}\n{}", failure.message, failure.notes.join("\n"));
        }
    }
    out
}

/// Prints the results in `format`; whether every test passed.
pub fn print(suites: &[Suite], format: TestFormat, elapsed: Duration) -> bool {
    let cases = || suites.iter().flat_map(|suite| &suite.cases);
    let failed = cases().filter(|case| matches!(case.verdict, Verdict::Failed { .. })).count();
    let passed = cases().count() - failed;
    let filtered_out: usize = suites.iter().map(|suite| suite.filtered_out).sum();
    let text = match format {
        TestFormat::Human => human(suites, passed, failed, filtered_out, elapsed),
        TestFormat::Json => json(suites, passed, failed, elapsed),
        TestFormat::Junit => junit(suites, failed, elapsed),
    };
    print!("{text}");
    failed == 0
}

fn human(suites: &[Suite], passed: usize, failed: usize, filtered_out: usize, elapsed: Duration) -> String {
    let mut out = String::new();
    for suite in suites {
        let count = suite.cases.len();
        let _ = writeln!(out, "\nrunning {count} test{} from {}", if count == 1 { "" } else { "s" }, suite.name);
        out.push_str(&suite.warnings);
        for case in &suite.cases {
            let result = if matches!(case.verdict, Verdict::Passed) { "ok" } else { "FAILED" };
            let _ = writeln!(out, "test {} ... {result}", case.name);
        }
    }
    if failed > 0 {
        out.push_str("\nfailures:\n");
        for suite in suites {
            for case in &suite.cases {
                if let Verdict::Failed { details, .. } = &case.verdict {
                    let _ = write!(out, "\n---- {}: {} ----\n{details}", suite.name, case.name);
                }
            }
        }
    }
    let status = if failed == 0 { "ok" } else { "FAILED" };
    let filtered = if filtered_out > 0 { format!(" {filtered_out} filtered out;") } else { String::new() };
    let _ = writeln!(
        out,
        "\ntest result: {status}. {passed} passed; {failed} failed;{filtered} finished in {:.2}s",
        elapsed.as_secs_f64()
    );
    out
}

#[derive(Serialize)]
struct JsonReport<'a> {
    passed: usize,
    failed: usize,
    seconds: f64,
    tests: Vec<JsonCase<'a>>,
}

#[derive(Serialize)]
struct JsonCase<'a> {
    file: &'a str,
    name: &'a str,
    line: usize,
    outcome: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    details: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    input: Option<&'a serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    output: Option<&'a serde_json::Value>,
}

fn json(suites: &[Suite], passed: usize, failed: usize, elapsed: Duration) -> String {
    let tests = suites
        .iter()
        .flat_map(|suite| suite.cases.iter().map(move |case| (suite, case)))
        .map(|(suite, case)| {
            let (outcome, message, details) = match &case.verdict {
                Verdict::Passed => ("passed", None, None),
                Verdict::Failed { message, details } => ("failed", Some(message.as_str()), Some(details.as_str())),
            };
            let (input, output) = case.data.as_ref().map(|data| (&data.input, &data.output)).unzip();
            JsonCase { file: &suite.name, name: &case.name, line: case.line, outcome, message, details, input, output }
        })
        .collect();
    let report = JsonReport { passed, failed, seconds: elapsed.as_secs_f64(), tests };
    serde_json::to_string_pretty(&report).unwrap_or_default() + "\n"
}

/// JUnit XML as CI systems read it: `testsuites` › `testsuite` per file › `testcase` per
/// test, a failed test with a `failure` holding its message and rendered text.
fn junit(suites: &[Suite], failed: usize, elapsed: Duration) -> String {
    let total: usize = suites.iter().map(|suite| suite.cases.len()).sum();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"ottlc test\" tests=\"{total}\" failures=\"{failed}\" errors=\"0\" time=\"{:.3}\">",
        elapsed.as_secs_f64()
    );
    for suite in suites {
        let failures = suite.cases.iter().filter(|case| matches!(case.verdict, Verdict::Failed { .. })).count();
        let time: f64 = suite.cases.iter().map(|case| case.seconds).sum();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\" time=\"{time:.3}\">",
            escape(&suite.name),
            suite.cases.len()
        );
        for case in &suite.cases {
            let _ = write!(
                out,
                "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\" line=\"{}\" time=\"{:.3}\"",
                escape(&case.name),
                escape(&suite.name),
                escape(&suite.name),
                case.line,
                case.seconds
            );
            match &case.verdict {
                Verdict::Passed => out.push_str("/>\n"),
                Verdict::Failed { message, details } => {
                    let _ = writeln!(
                        out,
                        ">\n      <failure message=\"{}\" type=\"failure\">{}</failure>\n    </testcase>",
                        escape(message),
                        escape(details).replace("&#10;", "\n")
                    );
                }
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// Text as XML character data or an attribute value; characters XML 1.0 cannot hold
/// (most control characters) are dropped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\t' | '\r' => out.push(c),
            c if (c as u32) < 0x20 => {}
            c => out.push(c),
        }
    }
    out
}
