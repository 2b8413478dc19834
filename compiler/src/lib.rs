//! The OTTL compiler: checking `.ottl` files and the OTTL inside collector YAML,
//! formatting, and the rendering of diagnostics. The `ottlc` binary is a thin shell over
//! this library, which the language server uses too.

pub mod analysis;
pub mod fold;
pub mod inputs;
pub mod interp;
pub mod invariant;
pub mod ir;
pub mod literals;
pub mod program;
pub mod registry;
pub mod render;
pub mod schema;
pub mod sema;
pub mod source;
pub mod suggest;
pub mod types;
pub mod yaml;

pub use analysis::{Analysis, AnalysisOptions, CheckedExpr, CompiledRules, analyze, analyze_expression};
