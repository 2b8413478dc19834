//! Fuzz targets: every parser of untrusted input in the workspace, each a function of
//! arbitrary bytes that must return (rejecting the input is fine) and never panic.
//!
//! One definition serves two harnesses: `fuzz/` runs them under cargo-fuzz (libFuzzer,
//! nightly), and `tests/never_panic.rs` runs them on stable as a bounded, deterministic
//! mutation loop over the same seed corpora ([`seeds`]), which `cargo test` and so CI run.
//! A target also checks what must hold of what it accepts (spans inside the text, decoded
//! messages that re-encode to themselves): a broken invariant panics like a crash.

pub mod agent_config;
pub mod opamp;
pub mod otlp;
pub mod ottl;
pub mod seeds;

use std::path::Path;

/// A fuzz target: its name (the cargo-fuzz target's, the corpus directory's), the function
/// under test, and its seed corpus from the project's own test data under a workspace root.
pub struct Target {
    pub name: &'static str,
    pub run: fn(&[u8]),
    pub seeds: fn(&Path) -> Vec<Vec<u8>>,
}

/// Every target.
pub const TARGETS: &[Target] = &[
    Target { name: "ottl_check", run: ottl::check_document, seeds: seeds::ottl_documents },
    Target { name: "collector_yaml", run: ottl::check_collector_yaml, seeds: seeds::collector_configs },
    Target { name: "otlp_protobuf", run: otlp::protobuf, seeds: seeds::otlp_protobuf },
    Target { name: "otlp_json", run: otlp::json, seeds: seeds::otlp_json },
    Target { name: "otlp_http_body", run: otlp::http_body, seeds: seeds::otlp_http_bodies },
    Target { name: "opamp_websocket", run: opamp::websocket_message, seeds: seeds::opamp_websocket },
    Target { name: "opamp_http", run: opamp::http_body, seeds: seeds::opamp_http_bodies },
    Target { name: "agent_config", run: agent_config::load, seeds: seeds::agent_configs },
];

/// The target named `name`.
pub fn target(name: &str) -> Option<&'static Target> {
    TARGETS.iter().find(|target| target.name == name)
}

/// The workspace this crate is built in: where the seed corpora are read from.
pub fn workspace_root() -> &'static Path {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest)
}
