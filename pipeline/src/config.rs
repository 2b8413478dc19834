//! What of a collector config the processors need: each transform and filter processor's
//! compiled groups (from [`ottl_compiler::analyze`], the one way into the compiler), and
//! each pipeline's processors in order.

use std::collections::BTreeMap;

use ottl_compiler::CompiledRules;
use ottl_compiler::program::RuleSet;
use ottl_compiler::yaml::tree::Tree;
use ottl_runtime::otlp::Signal;

/// A component id as the collector writes it: `type` or `type/name`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ComponentId(pub String);

impl ComponentId {
    /// The component type: `otlp` of `otlp/upstream`.
    pub fn kind(&self) -> &str {
        self.0.split('/').next().unwrap_or(&self.0)
    }
}

impl std::fmt::Display for ComponentId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

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

/// A pipeline of `service.pipelines`: its id (`traces/in`), signal and processors in order.
#[derive(Clone, Debug)]
pub struct Pipeline {
    pub id: String,
    pub signal: Signal,
    pub processors: Vec<ComponentId>,
}

/// The pipelines of a config's YAML tree, in the file's order; one whose id names no
/// signal is left out (the collector refuses it, and `ottlc check` reports it).
pub fn pipelines(tree: &Tree) -> Vec<Pipeline> {
    let Some(&root) = tree.roots.first() else { return Vec::new() };
    let Some(pipelines) = tree.get(root, "service").and_then(|service| tree.get(service, "pipelines")) else {
        return Vec::new();
    };
    tree.entries(pipelines)
        .into_iter()
        .filter_map(|(id, pipeline)| {
            let signal = Signal::parse(id.split('/').next().unwrap_or(id))?;
            let processors = tree.get(pipeline, "processors").map_or(&[][..], |list| tree.items(list));
            let processors = processors.iter().filter_map(|&p| tree.string(p)).map(|s| ComponentId(s.value.clone())).collect();
            Some(Pipeline { id: id.to_string(), signal, processors })
        })
        .collect()
}
