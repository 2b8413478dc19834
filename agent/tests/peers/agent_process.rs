//! The agent these tests were built with, as a process (`ottl_tests::agent_process`).

use std::path::Path;

pub use ottl_tests::agent_process::Agent;

/// Starts this build's `ottl-agent` on `config` once every port of `ports` listens.
pub fn start(config: &str, ports: &[u16]) -> Result<Agent, String> {
    Agent::start(Path::new(env!("CARGO_BIN_EXE_ottl-agent")), config, ports)
}
