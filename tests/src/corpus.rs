//! The conformance corpus (`tests/conformance/CORPUS.tsv`, described in its README):
//! one case per line, tab-separated.

use std::path::{Path, PathBuf};

use serde_json::Value;

#[derive(Clone, Debug)]
pub struct Row {
    pub id: String,
    pub context: String,
    pub text: String,
    pub kind: String,
    pub expected: Value,
    pub note: String,
    pub source: String,
}

impl Row {
    /// Multi-statement rows separate their statements with ` ;; `.
    pub fn snippets(&self) -> Vec<&str> {
        self.text.split(" ;; ").collect()
    }
}

/// The corpus the project ships, or the one named by `OTTL_CORPUS`.
pub fn corpus_path() -> PathBuf {
    match std::env::var_os("OTTL_CORPUS") {
        Some(path) => PathBuf::from(path),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("conformance/CORPUS.tsv"),
    }
}

pub fn load(path: &Path) -> Result<Vec<Row>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    text.lines()
        .enumerate()
        .skip(1)
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(n, line)| parse_row(line).map_err(|e| format!("{}:{}: {e}", path.display(), n + 1)))
        .collect()
}

fn parse_row(line: &str) -> Result<Row, String> {
    let fields: Vec<&str> = line.split('\t').collect();
    if fields.len() < 7 {
        return Err(format!("expected 7 tab-separated fields, found {}", fields.len()));
    }
    let expected = serde_json::from_str(fields[4]).map_err(|e| format!("expected column is not JSON: {e}"))?;
    Ok(Row {
        id: fields[0].to_string(),
        context: fields[1].to_string(),
        text: fields[2].to_string(),
        kind: fields[3].to_string(),
        expected,
        note: fields[5].to_string(),
        source: fields[6].to_string(),
    })
}

/// Rows expected to fail, with the reason, from `known-failures.tsv` beside the corpus
/// (`id<TAB>reason`, `#` comments).
pub fn known_failures(corpus: &Path) -> Vec<(String, String)> {
    let path = corpus.with_file_name("known-failures.tsv");
    let Ok(text) = std::fs::read_to_string(path) else { return Vec::new() };
    text.lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|line| {
            let (id, reason) = line.split_once('\t').unwrap_or((line, ""));
            (id.trim().to_string(), reason.trim().to_string())
        })
        .collect()
}
