//! The agent, everything but its command line (`main.rs`): a library so that the fuzz
//! targets (`fuzz-targets/`) reach the config loader and the receivers' decoding as the
//! agent runs them.

pub mod agent;
mod attributes;
mod batching;
mod budget;
pub mod config;
mod error_chain;
mod exporters;
pub mod generation;
mod health_check;
mod host;
mod http_endpoint;
mod memory_limiter;
mod opamp;
mod pipeline;
mod profiler;
pub mod receivers;
mod rpc_status;
pub mod rules;
mod self_operation;
mod stats;
mod telemetry;
mod tls;
mod tuning;
