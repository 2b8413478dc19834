//! A processor compiled for a back end, and what it does to one batch with the collector's
//! semantics: a transform's or filter's groups in config order (the filter then removes
//! the scopes and resources it leaves empty), or a `rules` processor's one program with
//! its routes.

use std::collections::BTreeMap;

use ottl_compiler::interp;
use ottl_compiler::program::RuleSet;
use ottl_jit::JitProgram;
use ottl_runtime::exec::Outputs;
use ottl_runtime::otlp::{Signal, Telemetry};

use crate::config::ComponentId;

/// Which back end runs the rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Jit,
    Interpreter,
}

/// One compiled rule set.
pub enum Program {
    Jit(JitProgram),
    Interpreter(RuleSet),
}

impl Program {
    pub fn compile(rule_set: &RuleSet, backend: Backend) -> Result<Program, String> {
        match backend {
            Backend::Jit => ottl_jit::compile(rule_set).map(Program::Jit).map_err(|e| e.to_string()),
            Backend::Interpreter => Ok(Program::Interpreter(rule_set.clone())),
        }
    }

    fn run(&self, telemetry: Telemetry, warn: &mut dyn FnMut(String)) -> ottl_runtime::Result<Outputs> {
        match self {
            Program::Jit(program) => program.run(telemetry, warn),
            Program::Interpreter(rules) => interp::run(rules, telemetry, warn),
        }
    }
}

/// A compiled rule set and the signal it applies to (`None`: resource or scope rules,
/// which apply to every signal).
pub struct SignalProgram {
    signal: Option<Signal>,
    context: ottl_compiler::schema::Context,
    program: Program,
}

impl SignalProgram {
    fn applies_to(&self, telemetry: &Telemetry) -> bool {
        self.signal.is_none_or(|signal| signal == telemetry.signal()) && self.context.fits(telemetry)
    }
}

/// A processor of one generation.
pub enum CompiledProcessor {
    /// transform or filter: its rule sets in config order; the filter removes the scopes
    /// and resources it leaves empty.
    Ottl { programs: Vec<SignalProgram>, prunes_empty: bool },
    /// rules: one program, and the exporters of each route.
    Rules { program: SignalProgram, routes: BTreeMap<String, Vec<ComponentId>> },
}

/// What a processor made of a batch: what goes on down the pipeline, and what rules
/// routed away.
pub struct Processed {
    pub telemetry: Telemetry,
    pub routed: Vec<(String, Telemetry)>,
}

/// A processor failed on a batch under `error_mode: propagate`: the batch is dropped and
/// counted, as the collector drops a batch whose processor returns an error.
#[derive(Debug)]
pub struct ProcessorError {
    pub processor: ComponentId,
    pub message: String,
}

impl CompiledProcessor {
    /// A transform or filter processor: each rule set as `prepare` makes it to run (the
    /// agent tunes samplers' ratios there), compiled for `backend`.
    pub fn ottl(
        rule_sets: &[(Option<Signal>, RuleSet)],
        prunes_empty: bool,
        backend: Backend,
        prepare: &mut dyn FnMut(&RuleSet) -> RuleSet,
    ) -> Result<CompiledProcessor, String> {
        let programs = rule_sets
            .iter()
            .map(|(signal, rules)| {
                let program = Program::compile(&prepare(rules), backend)?;
                Ok(SignalProgram { signal: *signal, context: rules.context, program })
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(CompiledProcessor::Ottl { programs, prunes_empty })
    }

    /// A `rules` processor: its rule set as `prepare` makes it, and its routes' exporters.
    pub fn rules(
        rule_set: &RuleSet,
        routes: BTreeMap<String, Vec<ComponentId>>,
        backend: Backend,
        prepare: &mut dyn FnMut(&RuleSet) -> RuleSet,
    ) -> Result<CompiledProcessor, String> {
        let program = Program::compile(&prepare(rule_set), backend)?;
        let signal = Signal::of_context(rule_set.context);
        Ok(CompiledProcessor::Rules { program: SignalProgram { signal, context: rule_set.context, program }, routes })
    }

    /// Runs the processor on one batch. Statement errors under `ignore` are logged through
    /// `warn`; under `propagate` they fail the batch.
    pub fn process(
        &self,
        id: &ComponentId,
        telemetry: Telemetry,
        warn: &mut dyn FnMut(String),
    ) -> Result<Processed, ProcessorError> {
        let fail = |error: ottl_runtime::Error| ProcessorError { processor: id.clone(), message: error.to_string() };
        match self {
            CompiledProcessor::Ottl { programs, prunes_empty } => {
                let mut telemetry = telemetry;
                let mut ran = false;
                for program in programs {
                    if program.applies_to(&telemetry) {
                        // transform and filter never route; what they drop is gone.
                        telemetry = program.program.run(telemetry, warn).map_err(fail)?.default;
                        ran = true;
                    }
                }
                // The collector's filter processor, whenever it has conditions for the
                // signal, removes every scope and resource without items, also those that
                // arrived empty.
                if *prunes_empty && ran {
                    remove_empty_containers(&mut telemetry);
                }
                Ok(Processed { telemetry, routed: Vec::new() })
            }
            CompiledProcessor::Rules { program, .. } if program.applies_to(&telemetry) => {
                let outputs = program.program.run(telemetry, warn).map_err(fail)?;
                Ok(Processed { telemetry: outputs.default, routed: outputs.routes.into_iter().collect() })
            }
            CompiledProcessor::Rules { .. } => Ok(Processed { telemetry, routed: Vec::new() }),
        }
    }
}

/// Removes the scopes without items, then the resources without scopes.
fn remove_empty_containers(telemetry: &mut Telemetry) {
    match telemetry {
        Telemetry::Traces(data) => data.resource_spans.retain_mut(|r| {
            r.scope_spans.retain(|s| !s.spans.is_empty());
            !r.scope_spans.is_empty()
        }),
        Telemetry::Metrics(data) => data.resource_metrics.retain_mut(|r| {
            r.scope_metrics.retain(|s| !s.metrics.is_empty());
            !r.scope_metrics.is_empty()
        }),
        Telemetry::Logs(data) => data.resource_logs.retain_mut(|r| {
            r.scope_logs.retain(|s| !s.log_records.is_empty());
            !r.scope_logs.is_empty()
        }),
        Telemetry::Profiles(data) => data.resource_profiles.retain_mut(|r| {
            r.scope_profiles.retain(|s| !s.profiles.is_empty());
            !r.scope_profiles.is_empty()
        }),
    }
}
