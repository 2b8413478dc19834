//! Golden tests of rendered diagnostics: every file under `golden/ottl`, `golden/yaml` and
//! `golden/realworld` (the twenty most common mistakes of the real-world set) is checked as
//! `ottlc check` would, and the rendered report must equal
//! the `.out` file beside it. `UPDATE_GOLDEN=1 cargo test --test golden` rewrites the
//! `.out` files; review the diff before committing.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use ottl_compiler::render;
use ottl_compiler::schema::Context;
use ottl_compiler::source::{SourceFile, SourceKind};
use ottl_compiler::{AnalysisOptions, analyze};
use ottl_grammar::Code;

fn golden_inputs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("golden");
    let mut files: Vec<PathBuf> = ["ottl", "yaml", "realworld"]
        .iter()
        .flat_map(|dir| std::fs::read_dir(root.join(dir)).expect("golden directory exists"))
        .map(|entry| entry.expect("readable directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e != "out"))
        .collect();
    files.sort();
    files
}

/// A `.ottl` golden file is checked in the log context, as the corpus's rows are, unless
/// its first line says `# context: NAME` (`infer` to infer it from the prefixes).
fn golden_context(text: &str) -> Option<Context> {
    match text.lines().next().and_then(|line| line.strip_prefix("# context:")).map(str::trim) {
        Some("infer") => None,
        Some(name) => Some(Context::parse(name).unwrap_or_else(|| panic!("unknown context {name:?}"))),
        None => Some(Context::Log),
    }
}

/// Checks one golden input and returns its rendered report and the codes it raised.
fn render_golden(path: &Path) -> (String, Vec<Code>) {
    let text = std::fs::read_to_string(path).expect("readable golden input");
    let name = path.file_name().unwrap().to_string_lossy();
    let options = AnalysisOptions { context: golden_context(&text), ..AnalysisOptions::default() };
    let file = SourceFile::new(name, text, SourceKind::from_path(path));
    let diagnostics = analyze(&file, &options).diagnostics;
    (render::human(&file, &diagnostics), diagnostics.iter().map(|d| d.code).collect())
}

#[test]
fn rendered_diagnostics_match_golden_files() {
    let mut mismatches = Vec::new();
    for input in golden_inputs() {
        let (rendered, _) = render_golden(&input);
        let expected_path = input.with_extension(format!("{}.out", input.extension().unwrap().to_string_lossy()));
        mismatches.extend(ottl_tests::golden::compare(&expected_path, &rendered));
    }
    assert!(mismatches.is_empty(), "rendered diagnostics differ from the golden files:\n{}", mismatches.join("\n"));
}

/// A file named after a code must raise that code; together they cover the registry.
#[test]
fn every_code_has_a_golden_file_that_raises_it() {
    let mut covered = BTreeSet::new();
    for input in golden_inputs() {
        let (_, codes) = render_golden(&input);
        let stem = input.file_stem().unwrap().to_string_lossy().to_string();
        if let Some(code) = Code::parse(stem.split('-').next().unwrap_or_default()) {
            assert!(codes.contains(&code), "{} does not raise {}", input.display(), code.as_str());
        }
        covered.extend(codes);
    }
    // The agent's config codes are raised by `ottl-agent validate`; agent/tests/golden.rs
    // holds their golden files and checks that each is raised. E0920 is about `ottlc test`
    // files; ottlc/tests/golden holds its golden file.
    let elsewhere = |c: &Code| c.is_agent_config() || *c == Code::InvalidTestFile;
    let missing: Vec<&str> = Code::ALL.iter().filter(|c| !elsewhere(c) && !covered.contains(c)).map(|c| c.as_str()).collect();
    assert!(missing.is_empty(), "codes without a golden test: {missing:?}");
}
