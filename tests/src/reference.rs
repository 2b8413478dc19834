//! The Go reference (`tests/reference`, `ottl-ref`): building it, and running batches of
//! cases through the collector's own processors.
//!
//! The binary is built with `go build` into the cargo target directory (Go's build cache
//! makes a rebuild cheap) unless `OTTL_REF` names one already built.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use serde_json::{Value as Json, json};

/// How `ottl-ref` reports a case on which the collector's own code panicked.
pub const COLLECTOR_PANICKED: &str = "the collector panicked: ";

/// The feature gates every case runs with: lambdas are part of what is compared.
pub const GATES: &str = "ottl.functions.enableLambda";

/// One case for `ottl-ref batch`.
#[derive(Clone, Debug)]
pub struct Case {
    pub id: String,
    /// `statements` (transform processor) or `conditions` (filter processor).
    pub command: &'static str,
    pub signal: &'static str,
    /// Empty: inferred.
    pub context: String,
    pub error_mode: &'static str,
    pub rules: Vec<String>,
    pub input: Json,
}

/// What the collector made of a case.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// The payload it passed on, as OTLP JSON.
    Output(Json),
    /// It refused the configuration (a statement that does not parse or check).
    Rejected(String),
    /// It failed the payload (a statement's run-time error under `propagate`).
    Failed(String),
}

/// The `ottl-ref` binary, built if needed (once per process); an error says why it cannot
/// be had (no Go).
pub fn binary() -> Result<PathBuf, String> {
    static BUILT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    BUILT.get_or_init(build).clone()
}

fn build() -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os("OTTL_REF") {
        return Ok(PathBuf::from(path));
    }
    let source = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("reference");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"));
    let binary = target.join("ottl-ref");
    let status = Command::new("go")
        .args(["build", "-o"])
        .arg(&binary)
        .arg(".")
        .current_dir(&source)
        .env("GOFLAGS", "-mod=mod")
        .status()
        .map_err(|e| format!("cannot run go to build ottl-ref: {e}"))?;
    if !status.success() {
        return Err(format!("go build of {} failed", source.display()));
    }
    Ok(binary)
}

/// Runs `cases` through one `ottl-ref batch` process; the outcomes in the same order.
pub fn run_batch(cases: &[Case]) -> Result<Vec<Outcome>, String> {
    let binary = binary()?;
    let mut child = Command::new(&binary)
        .args(["batch", "-gates", GATES])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
    let mut stdin = child.stdin.take().ok_or("no stdin")?;
    let lines: String = cases
        .iter()
        .map(|c| {
            json!({"id": c.id, "command": c.command, "signal": c.signal, "context": c.context,
                   "error_mode": c.error_mode, "rules": c.rules, "input": c.input})
            .to_string()
                + "\n"
        })
        .collect();
    // Written from another thread: the answers must be read while the cases go in.
    let writer = std::thread::spawn(move || stdin.write_all(lines.as_bytes()));
    let output = child.wait_with_output().map_err(|e| e.to_string())?;
    writer.join().map_err(|_| "writer panicked")?.map_err(|e| e.to_string())?;
    if !output.status.success() {
        return Err(format!("ottl-ref batch failed: {}", output.status));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let outcomes: Vec<Outcome> = text
        .lines()
        .map(|line| {
            let result: Json = serde_json::from_str(line).map_err(|e| format!("bad result line: {e}"))?;
            Ok(match (result.get("output"), result["error"].as_str()) {
                (Some(output), None) => Outcome::Output(output.clone()),
                (_, Some(error)) if result["rejected"] == true => Outcome::Rejected(error.to_string()),
                (_, Some(error)) => Outcome::Failed(error.to_string()),
                (None, None) => return Err("a result with neither output nor error".to_string()),
            })
        })
        .collect::<Result<_, String>>()?;
    if outcomes.len() != cases.len() {
        return Err(format!("{} cases but {} results", cases.len(), outcomes.len()));
    }
    Ok(outcomes)
}

/// The signal of a payload, as `ottl-ref` names it.
pub fn signal_of(telemetry: &ottl_runtime::otlp::Telemetry) -> &'static str {
    use ottl_runtime::otlp::Telemetry;
    match telemetry {
        Telemetry::Traces(_) => "traces",
        Telemetry::Metrics(_) => "metrics",
        Telemetry::Logs(_) => "logs",
        Telemetry::Profiles(_) => "profiles",
    }
}
