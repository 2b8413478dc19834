//! What a test file tests, loaded once for all its tests: its analysis (`ottl-testfile`,
//! which also gave the diagnostics `ottlc check` gives it), and its processors compiled in
//! the order they run, through `ottl-pipeline`, the agent's own implementation of the
//! collector's processors.

use std::collections::BTreeMap;
use std::path::Path;

use ottl_compiler::CompiledRules;
use ottl_compiler::ir::{self, Arg, ExprKind};
use ottl_compiler::program::{Rule, RuleSet};
use ottl_compiler::source::SourceFile;
use ottl_compiler::{AnalysisOptions, render};
use ottl_grammar::{Diagnostic, Severity};
use ottl_pipeline::rules_processor::RulesProcessor;
use ottl_pipeline::{Backend, CompiledProcessor, ComponentId, Observer, ProcessorError, Ran, ottl_processors, run_chain};
use ottl_runtime::otlp::{Signal, Telemetry};
use ottl_testfile::{Analyzed, Compiled};

use crate::config_rules;

/// A processor as compiled from its rules: kept, so that a failing test can run it again
/// one statement at a time.
pub enum Source {
    Ottl { rule_sets: Vec<(Option<Signal>, RuleSet)>, prunes_empty: bool },
    Rules { rule_set: RuleSet, routes: BTreeMap<String, Vec<ComponentId>> },
}

impl Source {
    /// The processor with each rule set as `prepare` makes it.
    pub fn compile(&self, backend: Backend, prepare: &mut dyn FnMut(&RuleSet) -> RuleSet) -> Result<CompiledProcessor, String> {
        match self {
            Source::Ottl { rule_sets, prunes_empty } => CompiledProcessor::ottl(rule_sets, *prunes_empty, backend, prepare),
            Source::Rules { rule_set, routes } => CompiledProcessor::rules(rule_set, routes.clone(), backend, prepare),
        }
    }

    /// Its rule sets in the order they run, each with the signal it applies to (`None`:
    /// every signal the context fits).
    pub fn rule_sets(&self) -> Vec<(Option<Signal>, &RuleSet)> {
        match self {
            Source::Ottl { rule_sets, .. } => rule_sets.iter().map(|(signal, rules)| (*signal, rules)).collect(),
            Source::Rules { rule_set, .. } => vec![(Signal::of_context(rule_set.context), rule_set)],
        }
    }
}

/// One processor of the chain.
pub struct Stage {
    pub id: ComponentId,
    pub source: Source,
    pub compiled: CompiledProcessor,
}

/// What is tested, loaded.
pub struct Loaded {
    /// The rule file or config, for its diagnostics' rendering.
    pub file: SourceFile,
    pub diagnostics: Vec<Diagnostic>,
    /// The chain; why there is none (it does not compile, or the pipeline is unknown).
    pub stages: Result<Vec<Stage>, String>,
}

/// Compiles what `analyzed` found to run for `backend`; a config's `rules` processors are
/// read here, with their files.
pub fn load(analyzed: Analyzed, backend: Backend, options: &AnalysisOptions) -> Loaded {
    let stages = match analyzed.compiled {
        Compiled::Rules(rule_set) => rule_set.and_then(|rule_set| rules_stage(rule_set, backend)),
        Compiled::Config(chain) => {
            chain.and_then(|(ids, rule_sets)| config_stages(&analyzed.file, ids, rule_sets, backend, options))
        }
    };
    Loaded { file: analyzed.file, diagnostics: analyzed.diagnostics, stages }
}

/// A rule file runs as a `rules` processor whose every route has an exporter: routed items
/// leave the chain under their route's name.
fn rules_stage(rule_set: RuleSet, backend: Backend) -> Result<Vec<Stage>, String> {
    let routes = route_names(&rule_set).into_iter().map(|route| (route.clone(), vec![ComponentId(route)])).collect();
    Ok(vec![stage(ComponentId("rules".into()), Source::Rules { rule_set, routes }, backend)?])
}

/// The names a rule set routes to (`route("audit")`).
fn route_names(rule_set: &RuleSet) -> Vec<String> {
    let mut names: Vec<String> = rule_set
        .rules
        .iter()
        .filter_map(|(rule, _)| match rule {
            Rule::Statement(statement) if statement.action.function.signature().name == "route" => {
                match statement.action.args.first() {
                    Some(Some(Arg::Expr(ir::Expr { kind: ExprKind::Const(ir::Value::String(name)), .. }))) => Some(name.clone()),
                    _ => None,
                }
            }
            _ => None,
        })
        .collect();
    names.sort();
    names.dedup();
    names
}

/// A config's pipeline (or listed processors): its transform and filter processors, as
/// the collector builds them, and its `rules` processors, as the agent reads them (their
/// files relative to the config `file`); other processors pass the data through unchanged.
fn config_stages(
    file: &SourceFile,
    ids: Vec<ComponentId>,
    rule_sets: Vec<CompiledRules>,
    backend: Backend,
    options: &AnalysisOptions,
) -> Result<Vec<Stage>, String> {
    let mut sources = ottl_processors(rule_sets);
    let mut rules = match ids.iter().any(|id| id.kind() == "rules") {
        true => rules_processors(file, options)?,
        false => BTreeMap::new(),
    };
    let mut stages = Vec::new();
    for id in ids {
        if id.kind() == "rules" {
            let RulesProcessor { rule_set, routes, .. } =
                rules.remove(&id).ok_or_else(|| format!("{} has no processor `{id}` under `processors`", file.name))?;
            stages.push(stage(id, Source::Rules { rule_set, routes }, backend)?);
            continue;
        }
        // The collector's filter processor removes the scopes and resources it empties.
        let prunes_empty = id.kind() == "filter";
        if let Some(rule_sets) = sources.remove(&id) {
            stages.push(stage(id, Source::Ottl { rule_sets, prunes_empty }, backend)?);
        }
    }
    Ok(stages)
}

/// A config's `rules` processors; `Err` with the rendered diagnostics when one has an
/// error, as the agent then refuses the whole config.
fn rules_processors(file: &SourceFile, options: &AnalysisOptions) -> Result<BTreeMap<ComponentId, RulesProcessor>, String> {
    let read = config_rules::read(file, Path::new(&file.name), options).ok_or_else(|| format!("{}: invalid YAML", file.name))?;
    let mut diagnostics = read.diagnostics.iter().chain(read.reports.iter().flat_map(|report| &report.diagnostics));
    if diagnostics.any(|d| d.severity() == Severity::Error) {
        let mut rendered = render::human(file, &read.diagnostics);
        rendered.extend(read.reports.iter().map(|report| render::human(&report.file, &report.diagnostics)));
        return Err(format!("the `rules` processors of {} do not compile\n{rendered}", file.name));
    }
    Ok(read.processors)
}

fn stage(id: ComponentId, source: Source, backend: Backend) -> Result<Stage, String> {
    let compiled = source.compile(backend, &mut RuleSet::clone).map_err(|e| format!("{id}: {e}"))?;
    Ok(Stage { id, source, compiled })
}

/// What the chain did with one input.
pub struct Outcome {
    pub ran: Result<Ran, ProcessorError>,
    /// Statement errors the `ignore` error mode logged, with their processor.
    pub statement_errors: Vec<String>,
}

/// Keeps the statement errors, as the collector's log would show them.
#[derive(Default)]
struct Errors(Vec<String>);

impl Observer for Errors {
    fn statement_error(&mut self, id: &ComponentId, message: String) {
        self.0.push(format!("{id}: {message}"));
    }
}

/// Runs the chain on `telemetry`.
pub fn run(stages: &[Stage], telemetry: Telemetry) -> Outcome {
    let mut errors = Errors::default();
    let ran = run_chain(stages.iter().map(|stage| (&stage.id, &stage.compiled)), telemetry, &mut errors);
    Outcome { ran, statement_errors: errors.0 }
}
