//! A group's rule set: the `.ottl` files of the rules directory shared by every group, and
//! those of the group's subdirectory (which replace a shared file of the same name). Each
//! file is checked as `ottlc check` checks it; a set with an error is not offered.

use std::path::Path;

use ottl_compiler::source::{SourceFile, SourceKind};
use ottl_compiler::{AnalysisOptions, analyze, render};
use ottl_opamp::proto::{AgentConfigFile, AgentConfigMap};

/// The content type of every entry: the agent goes by the name's `.ottl` suffix.
pub const CONTENT_TYPE: &str = "text/x-ottl";

/// What the compiler says about a rule set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub has_errors: bool,
    /// Every diagnostic of every file, rendered as `ottlc check` renders them; empty when
    /// there are none.
    pub diagnostics: String,
}

/// The group's rule files as a config map, entries named by file name.
pub fn read(rules_dir: &Path, group: &str) -> Result<AgentConfigMap, String> {
    let mut map = AgentConfigMap::default();
    for dir in [rules_dir.to_path_buf(), rules_dir.join(group)] {
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(format!("cannot read {}: {e}", dir.display())),
        };
        for entry in entries {
            let path = entry.map_err(|e| format!("cannot read {}: {e}", dir.display()))?.path();
            let Some(name) = path.file_name().and_then(|n| n.to_str()).filter(|n| n.ends_with(".ottl")) else {
                continue;
            };
            if !path.is_file() {
                continue;
            }
            let body = std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            map.config_map.insert(name.to_string(), AgentConfigFile { body, content_type: CONTENT_TYPE.to_string() });
        }
    }
    Ok(map)
}

/// Checks every file of `map`; `group` names the files in the diagnostics.
pub fn check(group: &str, map: &AgentConfigMap) -> Verdict {
    let mut verdict = Verdict { has_errors: false, diagnostics: String::new() };
    let total: usize = map.config_map.values().map(|file| file.body.len()).sum();
    if total > ottl_opamp::DEFAULT_MAX_MESSAGE_SIZE / 2 {
        verdict.has_errors = true;
        verdict.diagnostics = format!("error: the rule files of group `{group}` are {total} bytes, too large for one message\n");
        return verdict;
    }
    for (name, file) in &map.config_map {
        let display_name = format!("{group}/{name}");
        let text = match std::str::from_utf8(&file.body) {
            Ok(text) => text,
            Err(e) => {
                verdict.has_errors = true;
                verdict
                    .diagnostics
                    .push_str(&format!("error: {display_name} is not UTF-8 (invalid byte at offset {})\n", e.valid_up_to()));
                continue;
            }
        };
        let source = SourceFile::new(display_name, text, SourceKind::Ottl);
        let analysis = analyze(&source, &AnalysisOptions::default());
        verdict.has_errors |= analysis.has_errors();
        verdict.diagnostics.push_str(&render::human(&source, &analysis.diagnostics));
    }
    verdict
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_files_and_a_group_override() {
        let dir = std::env::temp_dir().join(format!("ottl-fleet-ruleset-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("edge")).unwrap();
        std::fs::write(dir.join("common.ottl"), "a").unwrap();
        std::fs::write(dir.join("rules.ottl"), "shared").unwrap();
        std::fs::write(dir.join("notes.txt"), "ignored").unwrap();
        std::fs::write(dir.join("edge/rules.ottl"), "edge").unwrap();
        let edge = read(&dir, "edge").unwrap();
        let other = read(&dir, "other").unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(edge.config_map.keys().collect::<Vec<_>>(), ["common.ottl", "rules.ottl"]);
        assert_eq!(edge.config_map["rules.ottl"].body, b"edge");
        assert_eq!(other.config_map["rules.ottl"].body, b"shared");
    }

    fn map(body: &[u8]) -> AgentConfigMap {
        let file = AgentConfigFile { body: body.to_vec(), content_type: CONTENT_TYPE.into() };
        AgentConfigMap { config_map: [("rules.ottl".to_string(), file)].into() }
    }

    #[test]
    fn errors_are_rendered_as_ottlc_check_renders_them() {
        let good = check("edge", &map(b"set(log.attributes[\"x\"], \"y\")\n"));
        assert_eq!(good, Verdict { has_errors: false, diagnostics: String::new() });
        let bad = check("edge", &map(b"set(log.attributes[\"x\"], NoSuchFunction())\n"));
        assert!(bad.has_errors);
        assert!(bad.diagnostics.contains("edge/rules.ottl"), "{}", bad.diagnostics);
        assert!(bad.diagnostics.contains("NoSuchFunction"), "{}", bad.diagnostics);
        assert!(check("edge", &map(b"\xff")).has_errors);
    }
}
