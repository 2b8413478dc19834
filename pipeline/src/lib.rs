//! The collector's OTTL processors as one library: a config's transform, filter and `rules`
//! processors compiled for a back end ([`processor`]), found in a config and its pipelines
//! ([`config`]), and run on a batch in pipeline order with routes and the filter's pruning
//! ([`chain`]). A `rules` processor's settings and files are read by [`rules_processor`],
//! with the typed settings reader the agent reads every component with ([`settings`]).
//!
//! The agent runs it on live OTLP; `ottlc run --config` and `ottlc test` run it offline.
//! It holds no network I/O, no async runtime and no exporters (it reads only a `rules`
//! processor's files), so that a command-line tool can use it without the agent's
//! dependencies, and both run one implementation of the semantics.

pub mod chain;
pub mod config;
pub mod processor;
pub mod rules_processor;
pub mod settings;

pub use chain::{Observer, Ran, Routed, append, run_chain};
pub use config::{ComponentId, Pipeline, ottl_processors, pipelines};
pub use processor::{Backend, CompiledProcessor, Processed, ProcessorError, Program, SignalProgram};

#[cfg(test)]
mod tests;
