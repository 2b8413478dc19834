//! What a test file tests, loaded once for all its tests: the diagnostics `ottlc check`
//! gives it, and its processors compiled in the order they run, through `ottl-pipeline`,
//! the agent's own implementation of the collector's processors.

use std::collections::BTreeMap;
use std::path::Path;

use ottl_compiler::ir::{self, Arg, ExprKind};
use ottl_compiler::program::{ErrorMode, Rule, RuleSet};
use ottl_compiler::schema::Context;
use ottl_compiler::source::{SourceFile, SourceKind};
use ottl_compiler::yaml::tree;
use ottl_compiler::{AnalysisOptions, analyze, render};
use ottl_grammar::{Diagnostic, Severity};
use ottl_pipeline::rules_processor::RulesProcessor;
use ottl_pipeline::{
    Backend, CompiledProcessor, ComponentId, Observer, ProcessorError, Ran, ottl_processors, pipelines, run_chain,
};
use ottl_runtime::otlp::{Signal, Telemetry};

use super::spec::{Selection, Target};
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
    /// The signal the chain runs on (a pipeline's), when it is fixed.
    pub signal: Option<Signal>,
    /// The context of a rule file's rules: where expectations without prefixes are checked.
    pub context: Option<Context>,
}

/// Reads and compiles `target`; `Err` when its file cannot be read.
pub fn load(target: &Target, backend: Backend, options: &AnalysisOptions) -> Result<Loaded, String> {
    let path = match target {
        Target::Rules { path, .. } | Target::Config { path, .. } => path,
    };
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let kind = if matches!(target, Target::Rules { .. }) { SourceKind::Ottl } else { SourceKind::CollectorYaml };
    let file = SourceFile::new(path.display().to_string(), text, kind);
    Ok(match target {
        Target::Rules { context, error_mode, .. } => load_rules(file, *context, *error_mode, backend, options),
        Target::Config { selection, .. } => load_config(file, path, selection, backend, options),
    })
}

/// A rule file runs as a `rules` processor whose every route has an exporter: routed items
/// leave the chain under their route's name.
fn load_rules(
    file: SourceFile,
    context: Option<Context>,
    error_mode: ErrorMode,
    backend: Backend,
    options: &AnalysisOptions,
) -> Loaded {
    let options = AnalysisOptions { context, error_mode, ..options.clone() };
    let analysis = analyze(&file, &options);
    let diagnostics = analysis.diagnostics.clone();
    let name = file.name.clone();
    let (stages, context) = match analysis.into_rule_set() {
        Ok(rule_set) => {
            let context = rule_set.context;
            let routes = route_names(&rule_set).into_iter().map(|route| (route.clone(), vec![ComponentId(route)])).collect();
            let stage = stage(ComponentId("rules".into()), Source::Rules { rule_set, routes }, backend);
            (stage.map(|stage| vec![stage]), Some(context))
        }
        Err(_) => (Err(format!("{name} does not compile")), context),
    };
    Loaded { file, diagnostics, stages, signal: context.and_then(Signal::of_context), context }
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
/// files relative to the config at `path`); other processors pass the data through
/// unchanged.
fn load_config(
    file: SourceFile,
    path: &Path,
    selection: &Selection,
    backend: Backend,
    options: &AnalysisOptions,
) -> Loaded {
    let analysis = analyze(&file, options);
    let diagnostics = analysis.diagnostics.clone();
    let (ids, signal) = match selection {
        Selection::Processors(ids) => (Ok(ids.iter().cloned().map(ComponentId).collect::<Vec<_>>()), None),
        Selection::Pipeline(name) => {
            let found = tree::parse(&file.text).ok().and_then(|tree| pipelines(&tree).into_iter().find(|p| &p.id == name));
            match found {
                Some(pipeline) => (Ok(pipeline.processors), Some(pipeline.signal)),
                None => (Err(format!("{} has no pipeline `{name}` under `service.pipelines`", file.name)), None),
            }
        }
    };
    let stages = ids.and_then(|ids| {
        if analysis.has_errors() {
            return Err(format!("{} does not compile", file.name));
        }
        let mut sources = ottl_processors(analysis.rule_sets);
        let mut rules = match ids.iter().any(|id| id.kind() == "rules") {
            true => rules_processors(&file, path, options)?,
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
    });
    Loaded { file, diagnostics, stages, signal, context: None }
}

/// A config's `rules` processors; `Err` with the rendered diagnostics when one has an
/// error, as the agent then refuses the whole config.
fn rules_processors(file: &SourceFile, path: &Path, options: &AnalysisOptions) -> Result<BTreeMap<ComponentId, RulesProcessor>, String> {
    let read = config_rules::read(file, path, options).ok_or_else(|| format!("{}: invalid YAML", file.name))?;
    let mut diagnostics = read.diagnostics.iter().chain(read.reports.iter().flat_map(|report| &report.diagnostics));
    if diagnostics.any(|d| d.severity() == Severity::Error) {
        let reports = config_rules::reports(file, read);
        let rendered: String = reports.iter().map(|report| render::human(&report.file, &report.diagnostics)).collect();
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
