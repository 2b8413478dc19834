//! One test run and judged: its input through the chain, then each expectation on what
//! came out. A failure carries what makes it actionable: the values, the data before and
//! after, the statements that matched it, the statement errors.

use std::time::Instant;

use ottl_compiler::render;
use ottl_grammar::{Diagnostic, Severity, Span};
use ottl_pipeline::append;
use ottl_runtime::otlp::Telemetry;

use super::report::{self, Case, Data, Failure, Verdict};
use super::spec::TestFile;
use super::target::{self, Loaded};
use super::{Prepared, diff, expect, trace};

/// Runs one test and judges it.
pub(super) fn run_case(test: &Prepared<'_>, loaded: &Loaded, test_file: &TestFile) -> Case {
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

fn expect_diagnostic(loaded: &Loaded, code: &str, line: usize, at: Span, failures: &mut Vec<Failure>) {
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

fn compare_output(expected: &serde_json::Value, actual: &Telemetry, at: Span, failures: &mut Vec<Failure>) {
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
/// matched it, and the statement errors the collector would have logged.
fn explain(failure: &mut Failure, stages: &[target::Stage], input: &Telemetry, output: &Telemetry, errors: &[String]) {
    let diff = diff::unified("before", "after", &pretty(input), &pretty(output));
    failure.notes.push(if diff.is_empty() {
        "the pipeline changed nothing".to_string()
    } else {
        format!("the data before and after the pipeline:\n{diff}")
    });
    let matched = trace::matched(stages, input);
    failure.notes.push(match matched.is_empty() {
        true => "no statement matched it".to_string(),
        false => format!("statements that matched it:\n{}", matched.join("\n")),
    });
    if !errors.is_empty() {
        failure.notes.push(format!("statement errors:\n{}", errors.join("\n")));
    }
}

/// OTLP/JSON, indented, without default fields.
fn pretty(telemetry: &Telemetry) -> String {
    serde_json::to_string_pretty(&telemetry.to_json()).unwrap_or_default()
}
