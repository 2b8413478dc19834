//! `ottl-bench`'s Go peer: the collector's own processor timing the same rules on the same
//! records, through `tests/reference`'s `ottl-ref bench`.

use std::path::Path;
use std::process::Command;

use ottl_runtime::otlp::Telemetry;
use ottl_tests::differential::{self, Verdict};
use ottl_tests::reference::{self, Case, Outcome};
use serde_json::Value as Json;

/// How `ottl-ref bench` runs a scenario.
pub struct GoSetup {
    /// `transform` (statements) or `filter` (conditions).
    pub processor: &'static str,
    pub signal: &'static str,
    pub context: &'static str,
}

impl GoSetup {
    /// The `ottl-ref` command that runs the processor on one payload.
    fn command(&self) -> &'static str {
        if self.processor == "filter" { "conditions" } else { "statements" }
    }
}

/// Whether the collector's output on `sample` is the interpreter's: the check that it does
/// the same work. Under the `propagate` error mode, so that a statement failing in Go
/// (which `ignore` would hide, and make fast) shows.
pub fn agrees(setup: &GoSetup, rules: &str, sample: &Telemetry) -> Result<(), String> {
    let case = Case {
        id: "ottl-bench".to_string(),
        command: setup.command(),
        signal: setup.signal,
        context: setup.context.to_string(),
        error_mode: "propagate",
        rules: rules.lines().map(str::to_string).collect(),
        conditions: Vec::new(),
        input: sample.to_json(),
    };
    let theirs = reference::run_batch(std::slice::from_ref(&case))?.pop().ok_or("ottl-ref gave no outcome")?;
    let ours = differential::run_ours(&case);
    if differential::compare(&ours, &theirs) == Verdict::Agree {
        return Ok(());
    }
    let difference = match (&ours, &theirs) {
        (Outcome::Output(ours), Outcome::Output(theirs)) => {
            let canonical = |json: &Json| differential::canonical(json).unwrap_or_else(Json::String);
            crate::first_difference(&canonical(ours), &canonical(theirs)).unwrap_or_default()
        }
        (ours, theirs) => format!("{ours:?} vs {theirs:?}"),
    };
    Err(format!("the collector's output differs from the interpreter's, {difference}"))
}

/// The Go reference's nanoseconds per record for `rules` on `input`, best of `rounds`
/// (it subtracts its own cost of copying the input); an error says why it cannot run.
pub fn ns_per_record(setup: &GoSetup, rules: &str, input: &Telemetry, rounds: usize) -> Result<f64, String> {
    let binary = reference::binary()?;
    let dir = std::env::temp_dir().join(format!("ottl-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let (rules_path, input_path) = (dir.join("rules.ottl"), dir.join("input.json"));
    std::fs::write(&rules_path, rules).map_err(|e| e.to_string())?;
    std::fs::write(&input_path, input.to_json().to_string()).map_err(|e| e.to_string())?;
    let result = run(&binary, setup, &rules_path, &input_path, rounds);
    // Best effort: a leftover temporary directory is harmless.
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn run(binary: &Path, setup: &GoSetup, rules: &Path, input: &Path, rounds: usize) -> Result<f64, String> {
    let output = Command::new(binary)
        .arg("bench")
        .args(["-processor", setup.processor, "-signal", setup.signal, "-context", setup.context])
        .args(["-error-mode", "ignore", "-iterations", &rounds.to_string()])
        .arg(rules)
        .arg(input)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", binary.display()))?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).trim().to_string());
    }
    let result: serde_json::Value = serde_json::from_slice(&output.stdout).map_err(|e| e.to_string())?;
    result["ns_per_record"].as_f64().ok_or_else(|| "no ns_per_record in ottl-ref's answer".to_string())
}
