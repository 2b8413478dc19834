//! The OTTL runtime: the telemetry data model (OTLP), values and their semantics, every
//! function's implementation, and execution over the resource → scope → item hierarchy.
//! Both back ends (the interpreter and the JIT) run on it, so a function's semantics
//! live in exactly one place. It knows nothing of the compiler.

pub mod coerce;
pub mod compare;
pub mod context;
pub mod error;
pub mod exec;
pub mod fields;
pub mod functions;
mod go;
pub mod hierarchy;
pub mod math;
pub mod memo;
pub mod native;
pub mod otlp;
pub mod otlp_json;
mod otlp_profiles;
pub mod regex;
mod special_floats;
pub mod types;
pub mod value;

pub use error::{Error, Result};
/// Go's `time.Duration.String` (`1h2m3.5s`), for what the agent reports as the collector does.
pub use go::fmt::go_duration;
pub use hierarchy::Context;
pub use value::{Map, Value};
