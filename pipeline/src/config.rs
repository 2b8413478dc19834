//! What of a collector config the processors need: each transform and filter processor's
//! compiled groups (from [`ottl_compiler::analyze`], the one way into the compiler), and
//! each pipeline's processors in order (read by the compiler's YAML layer, re-exported
//! here, so that reading a config's pipelines does not need the JIT).

use std::collections::BTreeMap;

use ottl_compiler::CompiledRules;
use ottl_compiler::program::RuleSet;
use ottl_runtime::otlp::Signal;

pub use ottl_compiler::yaml::service::{ComponentId, Pipeline, pipelines};

/// The transform and filter processors' rule sets of an analysis, by processor, each with
/// the signal it runs on, in config order. A group belongs to its list's signal
/// (`log_statements`): a resource-context group of `log_statements` runs on logs only.
pub fn ottl_processors(compiled: Vec<CompiledRules>) -> BTreeMap<ComponentId, Vec<(Option<Signal>, RuleSet)>> {
    let mut processors: BTreeMap<ComponentId, Vec<(Option<Signal>, RuleSet)>> = BTreeMap::new();
    for rules in compiled {
        let Some(id) = rules.component.as_deref().and_then(|c| c.strip_prefix("processors/")) else { continue };
        let id = ComponentId(id.to_string());
        if !matches!(id.kind(), "transform" | "filter") {
            continue;
        }
        let signal = rules.group.map(|group| group.signal).or_else(|| Signal::of_context(rules.rule_set.context));
        processors.entry(id).or_default().push((signal, rules.rule_set));
    }
    processors
}
