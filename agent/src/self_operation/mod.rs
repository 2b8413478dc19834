//! The self-operation loop (seed §5, DESIGN §5): the agent senses its own state, rules
//! written in OTTL decide, and the agent acts.
//!
//! - **Sense**: the `agent_telemetry` receiver ([`receiver`]) measures the agent every
//!   interval ([`signals`]): each rule generation's statement-error and drop ratios against
//!   the generation before it, what receivers take in and exporters send, queue depths,
//!   samplers' incoming rates, and each profiled process's CPU use from the profiler.
//!   They enter the pipelines as OTLP metrics like any other, so they can also be exported.
//! - **Decide**: any processor of a metrics pipeline (a `rules` file, a transform) marks a
//!   data point with an action: `set(datapoint.attributes["ottl_agent.action"], "rollback")
//!   where ...`. The decisions are ordinary rules: an operator reads and changes them, an
//!   OpAMP server can replace them, and a rollback covers them too.
//! - **Act**: the `agent_actions` exporter ([`actions`]) carries out every marked data
//!   point: it rolls a generation back, raises a process's profiling rate, or moves a
//!   sampler's ratio ([`sampling`]).
//! - **Tell**: every action taken or refused is an event ([`events`]): a counter on
//!   `/metrics`, a line in the log, and an OTLP log record from `agent_telemetry` in a logs
//!   pipeline.

pub mod actions;
pub mod events;
pub mod receiver;
mod sampling;
mod signals;

/// The attribute a rule sets on a data point to ask for an action.
pub const ACTION: &str = "ottl_agent.action";
/// The ratio a `set_sampling_ratio` action asks for.
pub const ACTION_RATIO: &str = "ottl_agent.action.ratio";

/// The instrumentation scope of the agent's own telemetry.
const SCOPE: &str = "ottl-agent/self-operation";
