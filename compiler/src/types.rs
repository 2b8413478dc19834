//! The static types of OTTL values, declared in the runtime beside the functions whose
//! parameters and results they describe.

pub use ottl_runtime::types::{Type, TypeSpec};
