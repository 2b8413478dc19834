//! Golden files for the agent's config diagnostics: `ottl-agent validate` on each
//! `golden/*.yaml` must print exactly its `.out` (regenerate with `OTTL_BLESS=1`), a file
//! named after a code must raise it, and every agent config code has a golden file.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use ottl_grammar::Code;

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// `ottl-agent validate`'s report on `input`, run from the golden directory so that the
/// file names in it are relative.
fn validate(input: &Path) -> (Option<i32>, String) {
    let name = input.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let output = Command::new(env!("CARGO_BIN_EXE_ottl-agent"))
        .args(["validate", "--config", &name])
        .current_dir(golden_dir())
        .env("RUST_LOG", "off")
        .output()
        .unwrap_or_else(|error| panic!("ottl-agent does not run: {error}"));
    (output.status.code(), String::from_utf8_lossy(&output.stderr).to_string())
}

#[test]
fn config_diagnostics_match_their_golden_files_and_cover_every_agent_code() {
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(golden_dir())
        .unwrap_or_else(|error| panic!("no golden directory: {error}"))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    inputs.sort();
    let mut covered = BTreeSet::new();
    let mut failures = Vec::new();
    for input in &inputs {
        let (status, report) = validate(input);
        assert_eq!(status, Some(1), "{}: a golden config has errors\n{report}", input.display());
        failures.extend(ottl_tests::golden::compare(&input.with_extension("yaml.out"), &report));
        let raised: Vec<Code> =
            Code::ALL.iter().copied().filter(|code| report.contains(&format!("[{}]", code.as_str()))).collect();
        let stem = input.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
        if let Some(code) = Code::parse(stem.split('-').next().unwrap_or_default()) {
            assert!(raised.contains(&code), "{} does not raise {}", input.display(), code.as_str());
        }
        covered.extend(raised);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let missing: Vec<&str> =
        Code::ALL.iter().filter(|c| c.is_agent_config() && !covered.contains(c)).map(|c| c.as_str()).collect();
    assert!(missing.is_empty(), "agent codes without a golden file: {missing:?}");
}
