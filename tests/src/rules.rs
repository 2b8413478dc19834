//! Rule text compiled the way `ottlc run` compiles a `.ottl` file, or the way a
//! collector config's transform group is compiled: through [`ottl_compiler::analyze`].

use ottl_compiler::program::{ErrorMode, RuleSet};
use ottl_compiler::schema::Context;
use ottl_compiler::source::{SourceFile, SourceKind};
use ottl_compiler::{Analysis, AnalysisOptions, analyze};
use ottl_grammar::{Diagnostic, Severity};
use ottl_runtime::otlp::Signal;

/// `text` as a `.ottl` document in `context` (inferred when `None`); the errors when it
/// does not compile (or the diagnostic saying no context could be inferred).
pub fn compile(
    text: &str,
    context: Option<Context>,
    feature_gates: &[String],
    error_mode: ErrorMode,
) -> Result<RuleSet, Vec<Diagnostic>> {
    let options = AnalysisOptions { context, feature_gates: feature_gates.to_vec(), error_mode };
    analyze(&SourceFile::new("rules.ottl", text, SourceKind::Ottl), &options).into_rule_set()
}

/// A transform processor's statement group, as a collector config holds it.
pub struct TransformGroup<'a> {
    pub signal: Signal,
    /// Inferred when `None`.
    pub context: Option<Context>,
    pub statements: &'a [String],
    /// The group's `conditions`, which guard its statements.
    pub conditions: &'a [String],
}

impl TransformGroup<'_> {
    /// The collector config of a transform processor with only this group.
    pub fn config(&self) -> String {
        let list =
            |items: &[String]| -> String { items.iter().map(|item| format!("\n          - {}", yaml_string(item))).collect() };
        let context = self.context.map(|c| format!("\n        context: {}", c.name())).unwrap_or_default();
        let conditions =
            if self.conditions.is_empty() { String::new() } else { format!("\n        conditions:{}", list(self.conditions)) };
        let signal = self.signal.name().trim_end_matches('s');
        format!(
            "processors:\n  transform:\n    {signal}_statements:\n      - statements:{}{context}{conditions}\n",
            list(self.statements)
        )
    }

    /// The group compiled as `ottlc check` compiles the config; the errors when it does not
    /// compile. Error mode and feature gates as in [`compile`].
    pub fn compile(&self, feature_gates: &[String], error_mode: ErrorMode) -> Result<RuleSet, Vec<Diagnostic>> {
        let options = AnalysisOptions { context: None, feature_gates: feature_gates.to_vec(), error_mode };
        let analysis = analyze(&SourceFile::new("config.yaml", self.config(), SourceKind::CollectorYaml), &options);
        only_rule_set(analysis)
    }
}

fn only_rule_set(mut analysis: Analysis) -> Result<RuleSet, Vec<Diagnostic>> {
    match (analysis.rule_sets.pop(), analysis.rule_sets.is_empty()) {
        (Some(compiled), true) => Ok(compiled.rule_set),
        _ => Err(analysis.diagnostics.into_iter().filter(|d| d.severity() == Severity::Error).collect()),
    }
}

/// `text` as a double-quoted YAML scalar whose value, after the collector's `$$` → `$`,
/// is `text`.
fn yaml_string(text: &str) -> String {
    serde_json::Value::String(text.replace('$', "$$")).to_string()
}
