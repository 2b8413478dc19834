//! Rule text compiled the way `ottlc run` compiles a `.ottl` file: through
//! [`ottl_compiler::analyze`].

use ottl_compiler::program::{ErrorMode, RuleSet};
use ottl_compiler::schema::Context;
use ottl_compiler::source::{SourceFile, SourceKind};
use ottl_compiler::{AnalysisOptions, analyze};
use ottl_grammar::Diagnostic;

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
