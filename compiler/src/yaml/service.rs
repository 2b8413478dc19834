//! What a config's `service` says: its pipelines, each with its signal and processors in
//! order.
//!
//! Reading a config's layout is the front end's job, not a back end's: it lives here, below
//! the JIT, so that what reads a config without running it (the language server serving an
//! `ottlc test` file, through `ottl-testfile`) does not link Cranelift. `ottl-pipeline`,
//! which runs the processors, re-exports it. (Rather than a JIT feature of `ottl-pipeline`
//! the server would turn off: that crate's job is running processors, and a feature would
//! put `cfg`s through its API for the sake of two types and a function it does not need.)

use ottl_runtime::otlp::Signal;

use super::tree::Tree;

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
