//! Shared pieces of the workspace-level tests: the conformance corpus and its runner.

pub mod check_rows;
pub mod collector;
pub mod corpus;
pub mod differential;
pub mod exec_rows;
pub mod fixtures;
pub mod generator;
pub mod grammar_rows;
pub mod realworld;
pub mod reference;
pub mod rules;
