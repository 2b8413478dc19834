//! The files `ottlc check` reads: the ones named, and the `.ottl` files and YAML under the
//! directories named, as `git` would see them (`.gitignore` honoured).

use std::path::{Path, PathBuf};

/// What `ottlc check` was asked to read, or why it will not.
#[derive(Debug, Default)]
pub struct Inputs {
    /// In the order given; each directory's files sorted by path.
    pub files: Vec<PathBuf>,
    /// Files named that are neither OTTL nor YAML: a usage error, one line each.
    pub refused: Vec<String>,
    /// What could not be read while walking a directory, one line each.
    pub unreadable: Vec<String>,
}

/// `.ottl`, `.yaml` and `.yml` files, in any letter case.
fn is_checkable(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|ext| ["ottl", "yaml", "yml"].iter().any(|known| ext.eq_ignore_ascii_case(known)))
}

/// Expands `paths`: `-` (stdin) and checkable files stay, directories become the
/// checkable files under them, and any other file is a problem, not OTTL: checking
/// `configs/*` must not report a `SOURCES.md` as hundreds of syntax errors.
pub fn expand(paths: &[PathBuf]) -> Inputs {
    let mut inputs = Inputs::default();
    for path in paths {
        if path.is_dir() {
            walk(path, &mut inputs);
        } else if path == Path::new("-") || is_checkable(path) || !path.exists() {
            // A missing file is reported when it is read, as any other I/O failure.
            inputs.files.push(path.clone());
        } else {
            inputs.refused.push(format!("{}: not a .ottl file or collector YAML (.yaml/.yml)", path.display()));
        }
    }
    inputs
}

/// The checkable files under `dir`, sorted, skipping what `.gitignore`, `.ignore` and
/// hidden names exclude (also outside a git repository) and every other file silently.
fn walk(dir: &Path, inputs: &mut Inputs) {
    let mut found = Vec::new();
    for entry in ignore::WalkBuilder::new(dir).require_git(false).build() {
        match entry {
            Ok(entry) if entry.file_type().is_some_and(|t| t.is_file()) && is_checkable(entry.path()) => {
                found.push(entry.into_path());
            }
            Ok(_) => {}
            Err(error) => inputs.unreadable.push(error.to_string()),
        }
    }
    found.sort();
    inputs.files.extend(found);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_ottl_and_yaml_extensions_are_checkable() {
        for name in ["a.ottl", "b.yaml", "c.YML", "d.Ottl"] {
            assert!(is_checkable(Path::new(name)), "{name}");
        }
        for name in ["SOURCES.md", "ottl", "a.ottl.bak", "yaml", ".yaml"] {
            assert!(!is_checkable(Path::new(name)), "{name}");
        }
    }
}
