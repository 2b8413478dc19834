//! A collector config's `rules` processors, read by the agent's own reader
//! (`ottl_pipeline::rules_processor`), their files relative to the config: `ottlc check`
//! reports their mistakes beside the config's OTTL, and `ottlc test` and `ottlc run
//! --config` run them.

use std::collections::BTreeMap;
use std::path::Path;

use ottl_compiler::AnalysisOptions;
use ottl_compiler::source::SourceFile;
use ottl_compiler::yaml::tree;
use ottl_pipeline::rules_processor::{ConfigRulesProcessors, RuleFiles, read_config_rules_processors};

/// The `rules` processors of the config `file` read from `path`; `None` when its YAML does
/// not parse (the config's own analysis reports that).
pub fn read(file: &SourceFile, path: &Path, options: &AnalysisOptions) -> Option<ConfigRulesProcessors> {
    let tree = tree::parse(&file.text).ok()?;
    let base_dir = path.parent().unwrap_or(Path::new("."));
    let files = RuleFiles { base_dir, texts: &BTreeMap::new(), feature_gates: &options.feature_gates };
    Some(read_config_rules_processors(&tree, &files))
}
