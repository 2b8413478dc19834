//! What a test file tests, analyzed as `ottlc check` analyzes it: its diagnostics, the
//! signal its chain runs on (a pipeline's) and the context of a rule file's rules, which
//! together say where a test's expectations are checked. Compiling it for a back end and
//! running it is the runner's (`ottlc test`), from what this keeps.

use std::path::Path;

use ottl_compiler::program::RuleSet;
use ottl_compiler::schema::Context;
use ottl_compiler::source::SourceFile;
use ottl_compiler::yaml::service::{ComponentId, pipelines};
use ottl_compiler::yaml::tree;
use ottl_compiler::{AnalysisOptions, CompiledRules, analyze};
use ottl_grammar::Diagnostic;
use ottl_runtime::otlp::Signal;

use crate::spec::{Selection, Target};

/// How a target's file is read: from the disk (`ottlc`), or from an editor's buffer when it
/// is open there (the language server).
pub type Reader<'r> = &'r dyn Fn(&Path) -> std::io::Result<String>;

/// What is tested, analyzed.
pub struct Analyzed {
    /// The rule file or config, for its diagnostics' rendering.
    pub file: SourceFile,
    pub diagnostics: Vec<Diagnostic>,
    /// The signal the chain runs on (a pipeline's), when it is fixed.
    pub signal: Option<Signal>,
    /// The context of a rule file's rules: where expectations without prefixes are checked.
    pub context: Option<Context>,
    /// What the runner compiles, or why there is nothing to run.
    pub compiled: Compiled,
}

pub enum Compiled {
    /// A rule file's rule set.
    Rules(Result<RuleSet, String>),
    /// A config's processors that run, in order, and the rule sets of its analysis.
    Config(Result<(Vec<ComponentId>, Vec<CompiledRules>), String>),
}

/// Reads `target` with `read` and analyzes it; `Err` when its file cannot be read.
pub fn analyze_target(target: &Target, read: Reader<'_>, options: &AnalysisOptions) -> Result<Analyzed, String> {
    let path = target.path();
    let text = read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let file = SourceFile::new(path.display().to_string(), text, target.kind());
    Ok(match target {
        Target::Rules { context, error_mode, .. } => {
            let options = AnalysisOptions { context: *context, error_mode: *error_mode, ..options.clone() };
            rules(file, *context, &options)
        }
        Target::Config { selection, .. } => config(file, selection, options),
    })
}

/// A rule file: its rules' context is the one given, else the one they infer.
fn rules(file: SourceFile, context: Option<Context>, options: &AnalysisOptions) -> Analyzed {
    let analysis = analyze(&file, options);
    let diagnostics = analysis.diagnostics.clone();
    let rule_set = analysis.into_rule_set().map_err(|_| format!("{} does not compile", file.name));
    let context = rule_set.as_ref().map_or(context, |rule_set| Some(rule_set.context));
    Analyzed { file, diagnostics, signal: context.and_then(Signal::of_context), context, compiled: Compiled::Rules(rule_set) }
}

/// A config's pipeline (or listed processors); an unknown pipeline is why it cannot run
/// before the config's errors are.
fn config(file: SourceFile, selection: &Selection, options: &AnalysisOptions) -> Analyzed {
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
    let chain = ids.and_then(|ids| match analysis.has_errors() {
        true => Err(format!("{} does not compile", file.name)),
        false => Ok((ids, analysis.rule_sets)),
    });
    Analyzed { file, diagnostics, signal, context: None, compiled: Compiled::Config(chain) }
}
