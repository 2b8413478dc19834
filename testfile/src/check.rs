//! Every selected test checked before any runs: its input is OTLP of the pipeline's
//! signal, its conditions check as OTTL where `ottlc test` evaluates them.

use ottl_compiler::AnalysisOptions;
use ottl_compiler::schema::Context;
use ottl_compiler::yaml::signal_contexts;
use ottl_grammar::{Code, Diagnostic, Severity};
use ottl_runtime::otlp::{Signal, Telemetry};

use crate::expect;
use crate::spec::TestCase;
use crate::target::Analyzed;

/// Where a test's conditions are checked: in the context their path prefixes name among
/// those of the signal, else in `fallback` (a rule file's context when it fits the signal,
/// else the signal's item: span, data point, log, profile). The runner checks with it and
/// the language server completes with it, so both infer the same context.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scope {
    pub signal: Signal,
    pub fallback: Context,
}

impl Scope {
    /// The scope of a test whose input is of `input` (when it has one) on `target` (when it
    /// reads); `None` when neither fixes a signal.
    pub fn new(input: Option<Signal>, target: Option<&Analyzed>) -> Option<Scope> {
        let signal = input.or(target.and_then(|target| target.signal))?;
        let context = target.and_then(|target| target.context);
        let fallback = context.filter(|c| c.fits(&signal.empty())).unwrap_or(expect::item_context(signal));
        Some(Scope { signal, fallback })
    }

    /// The contexts a prefix may name.
    pub fn candidates(&self) -> &'static [Context] {
        signal_contexts(self.signal)
    }
}

/// A test ready to run: its input read, its conditions checked.
pub struct Prepared<'s> {
    pub case: &'s TestCase,
    pub input: Option<Telemetry>,
    pub conditions: Vec<expect::Condition<'s>>,
}

/// Checks `cases` before any runs. Any error stops the file; the warnings come back with
/// the tests.
pub fn prepare<'s>(
    target: &Analyzed,
    cases: &[&'s TestCase],
    options: &AnalysisOptions,
) -> Result<(Vec<Prepared<'s>>, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut diagnostics = Vec::new();
    let mut prepared = Vec::new();
    let invalid = |at, message: String| Diagnostic::new(Code::InvalidTestFile, message, at, "in this test");
    for &case in cases {
        let input = match case.telemetry() {
            None => None,
            Some(Ok(input)) => Some(input),
            Some(Err(message)) => {
                diagnostics.push(invalid(case.span, format!("the input of `{}` is not OTLP/JSON: {message}", case.name)));
                continue;
            }
        };
        if let (Some(input), Some(pipeline)) = (input.as_ref(), target.signal)
            && input.signal() != pipeline
        {
            diagnostics.push(invalid(
                case.span,
                format!("the input of `{}` is {}, the pipeline takes {}", case.name, input.signal().name(), pipeline.name()),
            ));
        }
        let mut conditions = Vec::new();
        if let Some(scope) = Scope::new(input.as_ref().map(Telemetry::signal), Some(target)) {
            for snippet in &case.expect.conditions {
                let (condition, found) = expect::compile(snippet, scope, options);
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
