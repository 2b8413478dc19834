//! A config as the agent loads it (`ottl_agent::config::load`): `${env:…}` expansion, the
//! YAML, every component's settings, the pipelines and all the OTTL in it, then the report
//! `ottl-agent validate` prints.

use std::collections::BTreeMap;
use std::path::Path;

use ottl_agent::agent::render_reports;
use ottl_agent::config::{self, LoadOptions};

/// The rules a `rules` processor's `files: [rules.ottl]` reads, given as an OpAMP server
/// gives them, so that the target reads no file of the machine it runs on for them.
const RULES_FILE: (&str, &str) = ("rules.ottl", "span.attributes[\"http.status_code\"] >= 500 > keep()\n");

/// One config file's text.
pub fn load(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let rule_texts = BTreeMap::from([(RULES_FILE.0.to_string(), RULES_FILE.1.to_string())]);
    let options = LoadOptions {
        // No such directory: relative paths in the config name nothing.
        base_dir: Path::new("/nonexistent/ottl-fuzz"),
        env: &|name| (name == "OTTL_FUZZ").then(|| "4317".to_string()),
        feature_gates: Vec::new(),
        rule_texts: &rule_texts,
    };
    let loaded = config::load("fuzz.yaml", &text, &options);
    let _ = render_reports(&loaded);
}
