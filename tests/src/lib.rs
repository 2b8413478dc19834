//! Shared pieces of the workspace-level tests: the conformance corpus and its runner, and
//! what the benchmarks and the agent's tests share (the collector and the agent as
//! processes, the bench records, /proc readings).

pub mod agent_process;
pub mod bench_data;
pub mod check_rows;
pub mod collector;
pub mod corpus;
pub mod counting_alloc;
pub mod differential;
pub mod exec_rows;
pub mod fixtures;
pub mod generator;
pub mod golden;
pub mod grammar_rows;
pub mod procfs;
pub mod realworld;
pub mod reference;
pub mod rules;
