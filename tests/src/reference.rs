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
    /// For `statements`: the group's `conditions`, which guard its statements.
    pub conditions: Vec<String>,
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
    let lines = cases
        .iter()
        .map(|c| {
            json!({"id": c.id, "command": c.command, "signal": c.signal, "context": c.context,
                   "error_mode": c.error_mode, "rules": c.rules, "conditions": c.conditions, "input": c.input})
        })
        .collect();
    let results = run_lines(&["batch", "-gates", GATES], lines)?;
    results
        .into_iter()
        .map(|result| {
            Ok(match (result.get("output"), result["error"].as_str()) {
                (Some(output), None) => Outcome::Output(output.clone()),
                (_, Some(error)) if result["rejected"] == true => Outcome::Rejected(error.to_string()),
                (_, Some(error)) => Outcome::Failed(error.to_string()),
                (None, None) => return Err("a result with neither output nor error".to_string()),
            })
        })
        .collect()
}

/// One snippet for `ottl-ref check`: does the collector start with it?
#[derive(Clone, Debug)]
pub struct CheckCase {
    pub id: String,
    /// `statement` (a transform processor group) or `condition` (a filter processor list).
    pub kind: &'static str,
    pub signal: String,
    /// Empty: inferred.
    pub context: String,
    /// With the config layer's rules applied (`$$` -> `$`).
    pub text: String,
}

/// Whether the collector accepts each case (`Err` holds its error), in order.
pub fn run_check(cases: &[CheckCase]) -> Result<Vec<Result<(), String>>, String> {
    let lines = cases
        .iter()
        .map(|c| json!({"id": c.id, "kind": c.kind, "signal": c.signal, "context": c.context, "text": c.text}))
        .collect();
    Ok(run_lines(&["check"], lines)?.iter().map(acceptance).collect())
}

/// The collector's verdict on a whole config file.
pub struct ConfigVerdict {
    /// Why the collector cannot read the file as a config at all (invalid YAML), if so.
    pub file_error: Option<String>,
    /// Each OTTL component (`processors/transform/x`): accepted, or its error. Checked one
    /// by one even when the file as a whole is refused.
    pub components: Vec<(String, Result<(), String>)>,
}

pub fn check_config(name: &str, yaml: &str) -> Result<ConfigVerdict, String> {
    let result = run_lines(&["check"], vec![json!({"id": name, "config": yaml})])?.remove(0);
    let components = result["components"].as_array().cloned().unwrap_or_default();
    Ok(ConfigVerdict {
        file_error: result["error"].as_str().map(str::to_string),
        components: components.iter().map(|c| (c["name"].as_str().unwrap_or_default().to_string(), acceptance(c))).collect(),
    })
}

fn acceptance(result: &Json) -> Result<(), String> {
    if result["accepted"] == true { Ok(()) } else { Err(result["error"].as_str().unwrap_or("rejected").to_string()) }
}

/// Runs one `ottl-ref` process with `args`, one JSON line in per case, one result out.
fn run_lines(args: &[&str], lines: Vec<Json>) -> Result<Vec<Json>, String> {
    let binary = binary()?;
    let mut child = Command::new(&binary)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
    let mut stdin = child.stdin.take().ok_or("no stdin")?;
    let count = lines.len();
    let text: String = lines.iter().map(|line| line.to_string() + "\n").collect();
    // Written from another thread: the answers must be read while the cases go in.
    let writer = std::thread::spawn(move || stdin.write_all(text.as_bytes()));
    let output = child.wait_with_output().map_err(|e| e.to_string())?;
    writer.join().map_err(|_| "writer panicked")?.map_err(|e| e.to_string())?;
    if !output.status.success() {
        return Err(format!("ottl-ref {} failed: {}", args[0], output.status));
    }
    let results: Vec<Json> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).map_err(|e| format!("bad result line: {e}")))
        .collect::<Result<_, String>>()?;
    if results.len() != count {
        return Err(format!("{count} cases but {} results", results.len()));
    }
    Ok(results)
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
