//! `ottl-agent` against things nobody here wrote (issue 15): the OpenTelemetry Python SDK as
//! a client, the collector built from Go modules (`tests/collector`) as the upstream sender,
//! and the same collector as the reference whose output a shared config is compared with;
//! TLS with the collector both ways.
//!
//! This target lives in the agent crate, not in `ottl-tests`, because cargo builds the
//! agent binary it runs (`CARGO_BIN_EXE_ottl-agent`) before the tests and keeps it fresh; the
//! collector harness comes from `ottl-tests` as a dev-dependency. Tests skip, saying why,
//! when `OTELCOL` (the collector, built by scripts/test.sh) or `OTLP_PYTHON` (a Python with
//! the SDK, installed into a venv by scripts/test.sh) is unset.

mod agent_process;
mod collector_upstream;
mod outputs;
mod python_clients;
mod side_by_side;
mod tls;

#[path = "../common/pki.rs"]
mod pki;
