//! The one way into the compiler: a file's diagnostics and, when it has no errors, its
//! compiled rules.
//!
//! `ottlc check`, `ottlc run` and `compile`, the language server and the agent all call
//! [`analyze`], so that one input gets the same diagnostics, worded the same, wherever it
//! is read. Each snippet is parsed once, each group's context inferred once, and the
//! checker's typed IR becomes the rules the back ends run.

mod collector;
mod expression;

pub use expression::{CheckedExpr, analyze_expression};

use ottl_grammar::document::parse_document;
use ottl_grammar::{Diagnostic, Node, Severity, Span};
use ottl_runtime::otlp::Signal;

use crate::program::{ErrorMode, RuleSet};
use crate::schema::{Context, InferenceError};
use crate::sema;
use crate::source::{SourceFile, SourceKind};
use crate::{fold, invariant};

/// How to analyze.
#[derive(Clone, Debug, Default)]
pub struct AnalysisOptions {
    /// The context of a `.ottl` document's statements (`--context`); inferred from path
    /// prefixes when `None`. Collector YAML gives its own contexts.
    pub context: Option<Context>,
    /// Collector feature gates assumed enabled (`--feature-gates`).
    pub feature_gates: Vec<String>,
    /// What a failing statement does at run time: for a `.ottl` document, and for the
    /// groups of a collector config that do not say.
    pub error_mode: ErrorMode,
}

impl AnalysisOptions {
    /// `inferred`: the context came from the path prefixes, so every path must have one.
    fn settings(&self, context: Context, inferred: bool) -> sema::Settings {
        sema::Settings { context, feature_gates: self.feature_gates.clone(), prefixes_required: inferred }
    }
}

/// What [`analyze`] finds in a file.
#[derive(Clone, Debug, Default)]
pub struct Analysis {
    /// Every diagnostic, sorted by position, spans in the file's byte offsets. A YAML
    /// string used through several aliases is checked once per use; the same diagnostic
    /// at the same place is reported once.
    pub diagnostics: Vec<Diagnostic>,
    /// The compiled rules, in the file's order; none when there is an error. A `.ottl`
    /// document is one set (none when no context is given or inferable). A collector config
    /// gives, as the collector builds them:
    /// - one set per transform processor group: its statements, and its `conditions` as
    ///   the guard, in the group's context (given, or inferred from all of them);
    /// - one set per filter processor group and context: its conditions, each in its
    ///   context (given, or inferred from the condition alone); a group whose conditions
    ///   have several contexts gives one set per context, outermost first, the order the
    ///   collector evaluates them in its one pass over the items;
    /// - one set per OTTL string of every other component (routing, tail sampling,
    ///   count and sum connectors).
    ///
    /// Strings whose context is outside the schema (the routing connector's `request`), and
    /// groups with a string whose text holds `${…}` references (not final until the
    /// collector expands them), are checked but not compiled.
    pub rule_sets: Vec<CompiledRules>,
}

/// Rules ready for a back end, and where they come from.
#[derive(Clone, Debug)]
pub struct CompiledRules {
    /// The component of a collector config (`processors/transform/mask`); `None` for a
    /// `.ottl` document.
    pub component: Option<String>,
    /// The transform or filter processor group the rules are; `None` for a `.ottl`
    /// document and for the other components.
    pub group: Option<ProcessorGroup>,
    pub rule_set: RuleSet,
}

/// Where a group sits in its processor: a processor runs its groups of a signal one after
/// the other, by index, on each batch of that signal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ProcessorGroup {
    /// The signal of the list the group is in (`trace_statements`, `log_conditions`,
    /// the filter's legacy `metrics:` …).
    pub signal: Signal,
    /// Its place among the processor's groups of that signal, from 0.
    pub index: usize,
}

impl Analysis {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.severity() == Severity::Error)
    }

    /// The rule set of a `.ottl` document; else why there is none to run: the errors, or
    /// without errors every diagnostic (the one saying no context is given or inferable).
    pub fn into_rule_set(mut self) -> Result<RuleSet, Vec<Diagnostic>> {
        match (self.rule_sets.pop(), self.rule_sets.is_empty()) {
            (Some(compiled), true) => Ok(compiled.rule_set),
            _ if self.has_errors() => Err(self.diagnostics.into_iter().filter(|d| d.severity() == Severity::Error).collect()),
            _ => Err(self.diagnostics),
        }
    }
}

/// Analyzes `file`: a `.ottl` document or a collector config, by its kind.
pub fn analyze(file: &SourceFile, options: &AnalysisOptions) -> Analysis {
    let mut analysis = match file.kind {
        SourceKind::Ottl => analyze_document(&file.text, options),
        SourceKind::CollectorYaml => collector::analyze(&file.text, options),
    };
    analysis.diagnostics.sort_by_key(|d| (d.span().start, d.span().end));
    analysis.diagnostics.dedup();
    if analysis.has_errors() {
        analysis.rule_sets.clear();
    }
    // After the diagnostics, which are about what was written, not how it is computed.
    for compiled in &mut analysis.rule_sets {
        fold::rule_set(&mut compiled.rule_set);
        invariant::rule_set(&mut compiled.rule_set);
    }
    analysis
}

/// A `.ottl` document is one group: one context for all its statements, given or inferred
/// over all of them, as the collector does for a group. Semantic checks run on the items
/// that parsed cleanly.
fn analyze_document(text: &str, options: &AnalysisOptions) -> Analysis {
    let document = parse_document(text);
    let mut diagnostics: Vec<Diagnostic> =
        document.items.iter().flat_map(|item| sema::syntax_diagnostics(&item.parsed)).collect();
    let clean: Vec<(&Node, Span)> = document
        .items
        .iter()
        .filter(|item| !item.parsed.has_errors())
        .filter_map(|item| item.parsed.node.as_ref().map(|node| (node, item.span)))
        .collect();
    let context = match (options.context, clean.first()) {
        (Some(context), _) => context,
        (None, None) => return Analysis { diagnostics, rule_sets: Vec::new() },
        (None, Some(&(_, first_span))) => match sema::infer_context(clean.iter().map(|(node, _)| *node)) {
            Ok(context) => context,
            Err(InferenceError::NoPrefix) => {
                let message = "no context given or inferable: only the syntax was checked";
                diagnostics.push(sema::no_context_diagnostic(message, first_span));
                return Analysis { diagnostics, rule_sets: Vec::new() };
            }
            Err(error) => {
                diagnostics.push(sema::inference_diagnostic(&error, first_span));
                return Analysis { diagnostics, rule_sets: Vec::new() };
            }
        },
    };
    let settings = options.settings(context, options.context.is_none());
    let mut rules = Vec::new();
    for (node, span) in clean {
        let checked = sema::check_rule(node, &settings);
        diagnostics.extend(checked.diagnostics);
        rules.extend(checked.ir.map(|rule| (rule, text[span.range()].trim().to_string())));
    }
    let rule_set = RuleSet::new(context, rules, options.error_mode);
    Analysis { diagnostics, rule_sets: vec![CompiledRules { component: None, group: None, rule_set }] }
}

#[cfg(test)]
mod tests {
    use ottl_grammar::Code;

    use super::*;

    fn analyzed(name: &str, text: &str, options: &AnalysisOptions) -> Analysis {
        analyze(&SourceFile::new(name, text, SourceKind::from_path(std::path::Path::new(name))), options)
    }

    #[test]
    fn a_snippet_used_through_aliases_is_reported_once() {
        let yaml = "processors:\n  transform:\n    log_statements:\n      - context: log\n        statements:\n          - &s set(atributes[\"c\"], 3)\n          - *s\n";
        assert_eq!(analyzed("a.yaml", yaml, &AnalysisOptions::default()).diagnostics.len(), 1);
    }

    #[test]
    fn mistakes_with_one_obvious_edit_carry_it_as_a_fix() {
        let text = "set(attributes['a'], 1) where name = \"x\"\nset(log.attributes[\"b\"], 1) where log.name == \"a\" where log.kind == 1 || true\nreplace_pattern(log.body, \"\\w+\", \"x\")\nset(log.attributes[\"c\"], resource.cache[\"k\"])\nSet(log.attributes[\"d\"], 1)\n";
        let options = AnalysisOptions { context: Some(Context::Log), ..AnalysisOptions::default() };
        let diagnostics = analyzed("a.ottl", text, &options).diagnostics;
        let fixes: Vec<(&str, &str)> =
            diagnostics.iter().filter_map(|d| d.fix.as_ref().map(|f| (&text[f.span.range()], f.replacement.as_str()))).collect();
        assert_eq!(
            fixes,
            [
                ("'a'", "\"a\""),
                ("=", "=="),
                ("where", "and"),
                ("||", "or"),
                ("\\w", "\\\\w"),
                ("resource", "log"),
                ("Set", "set")
            ],
            "{text}"
        );
    }

    #[test]
    fn a_document_without_errors_compiles_to_one_rule_set_in_its_inferred_context() {
        let text = "set(span.attributes[\"a\"], 1) where span.name == \"x\"\n# a comment\nspan.kind == SPAN_KIND_SERVER\n";
        let rule_set = analyzed("a.ottl", text, &AnalysisOptions::default()).into_rule_set().expect("compiles");
        assert_eq!(rule_set.context, Context::Span);
        let sources: Vec<&str> = rule_set.rules.iter().map(|(_, source)| source.as_str()).collect();
        assert_eq!(sources, ["set(span.attributes[\"a\"], 1) where span.name == \"x\"", "span.kind == SPAN_KIND_SERVER"]);
    }

    #[test]
    fn any_error_leaves_nothing_to_run_and_no_context_is_a_warning_that_also_does() {
        let options = AnalysisOptions::default();
        let errors = analyzed("a.ottl", "set(span.attributes[\"a\"], 1)\nSet(span.name, \"x\")\n", &options);
        assert!(errors.has_errors() && errors.rule_sets.is_empty(), "{errors:?}");
        let without_context = analyzed("a.ottl", "set(attributes[\"a\"], 1)\n", &options);
        assert!(!without_context.has_errors());
        let diagnostics = without_context.into_rule_set().expect_err("no context, no rules");
        assert_eq!(diagnostics.iter().map(|d| d.code).collect::<Vec<_>>(), [Code::ContextUnknown]);
    }
}
