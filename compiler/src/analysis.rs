//! The one way into the compiler: a file's diagnostics and, when it has no errors, its
//! compiled rules.
//!
//! `ottlc check`, `ottlc run` and `compile`, the language server and the agent all call
//! [`analyze`], so that one input gets the same diagnostics, worded the same, wherever it
//! is read. Each snippet is parsed once, each group's context inferred once, and the
//! checker's typed IR becomes the rules the back ends run.

use ottl_grammar::document::parse_document;
use ottl_grammar::{Code, Diagnostic, EntryPoint, Node, Severity, Span, lexer, parse_tokens};

use crate::program::{ErrorMode, RuleSet};
use crate::schema::{Context, InferenceError};
use crate::sema;
use crate::source::{SourceFile, SourceKind};
use crate::yaml::{self, EmbeddedOttl, SnippetKind};

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
    /// gives one set per OTTL string; strings whose context is outside the schema (the
    /// routing connector's `request`) or whose text holds `${…}` references (not final until
    /// the collector expands them) are checked but not compiled.
    pub rule_sets: Vec<CompiledRules>,
}

/// Rules ready for a back end, and where they come from.
#[derive(Clone, Debug)]
pub struct CompiledRules {
    /// The component of a collector config (`processors/transform/mask`); `None` for a
    /// `.ottl` document.
    pub component: Option<String>,
    pub rule_set: RuleSet,
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
        SourceKind::CollectorYaml => analyze_collector_yaml(&file.text, options),
    };
    analysis.diagnostics.sort_by_key(|d| (d.span().start, d.span().end));
    analysis.diagnostics.dedup();
    if analysis.has_errors() {
        analysis.rule_sets.clear();
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
    let rule_set = RuleSet { context, rules, error_mode: options.error_mode };
    Analysis { diagnostics, rule_sets: vec![CompiledRules { component: None, rule_set }] }
}

fn analyze_collector_yaml(text: &str, options: &AnalysisOptions) -> Analysis {
    let extracted = match yaml::extract_all(text) {
        Ok(extracted) => extracted,
        Err(error) => {
            let invalid =
                Diagnostic::new(Code::InvalidYaml, format!("invalid YAML: {}", error.message), Span::from(error.span), "here");
            return Analysis { diagnostics: vec![invalid], rule_sets: Vec::new() };
        }
    };
    let mut analysis = Analysis::default();
    analysis.diagnostics.extend(extracted.duplicate_keys.into_iter().map(|duplicate| {
        Diagnostic::new(Code::DuplicateYamlKey, duplicate.message, Span::from(duplicate.span), "defined again here")
            .with_help("the collector refuses a file that defines a key twice; remove or merge one of them")
    }));
    analysis.diagnostics.extend(
        extracted
            .config_errors
            .into_iter()
            .filter(|error| error.unless_gate.is_none_or(|gate| !options.feature_gates.iter().any(|g| g == gate)))
            .map(|error| Diagnostic::new(error.code, error.message, Span::from(error.span), "here").with_help(error.help)),
    );
    for snippet in &extracted.snippets {
        let found = analyze_snippet(snippet, options);
        analysis.diagnostics.extend(found.diagnostics);
        analysis.rule_sets.extend(found.rule_sets);
    }
    analysis
}

/// The collector expands `${env:X}` (and other `${…}` providers) before it parses OTTL;
/// their values are unknown here. Each reference becomes a run of `x` of the same byte
/// length: a word, which reads as a path where a value stands and as text inside a
/// string, and keeps every offset (so the source map still applies).
fn env_placeholders(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let Some(len) = rest[start..].find('}') else { break };
        out.push_str(&rest[..start]);
        out.extend(std::iter::repeat_n('x', len + 1));
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    out
}

/// One OTTL string from a collector config, its diagnostics moved from the string's
/// offsets to the file's through the YAML scalar's source map.
fn analyze_snippet(snippet: &EmbeddedOttl, options: &AnalysisOptions) -> Analysis {
    let entry = match snippet.kind {
        SnippetKind::Statement => EntryPoint::Statement,
        SnippetKind::Condition => EntryPoint::Condition,
    };
    let text = if snippet.needs_env { env_placeholders(&snippet.text) } else { snippet.text.clone() };
    let parsed = parse_tokens(&text, &lexer::lex(&text), entry);
    let mut analysis = Analysis { diagnostics: sema::syntax_diagnostics(&parsed).collect(), rule_sets: Vec::new() };
    if let (false, Some(node)) = (parsed.has_errors(), &parsed.node) {
        match snippet_context(snippet, node, &text) {
            Ok(Some(context)) => {
                let checked = sema::check_rule(node, &options.settings(context, snippet.context.is_none()));
                analysis.diagnostics.extend(checked.diagnostics);
                if let Some(rule) = checked.ir.filter(|_| !snippet.needs_env) {
                    let error_mode = snippet.error_mode.as_deref().and_then(ErrorMode::parse).unwrap_or(options.error_mode);
                    let rules = vec![(rule, snippet.text.trim().to_string())];
                    let rule_set = RuleSet { context, rules, error_mode };
                    analysis.rule_sets.push(CompiledRules { component: Some(snippet.component.clone()), rule_set });
                }
            }
            Ok(None) => {}
            Err(inference) => analysis.diagnostics.push(inference),
        }
    }
    let to_file = |span: Span| Span::from(snippet.source_map.range_to_source(span.range()));
    analysis.diagnostics = analysis.diagnostics.into_iter().map(|d| d.map_spans(to_file)).collect();
    analysis
}

/// The layout's context (`context: span`, a filter's `span:` list), or the one inferred
/// from the snippet's prefixes. `None` for contexts outside the schema (the routing
/// connector's `request`), which get syntax checks only.
fn snippet_context(snippet: &EmbeddedOttl, node: &Node, text: &str) -> Result<Option<Context>, Diagnostic> {
    match &snippet.context {
        Some(given) => Ok(given.statement()),
        None => {
            sema::infer_context([node]).map(Some).map_err(|error| sema::inference_diagnostic(&error, Span::new(0, text.len())))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn analyzed(name: &str, text: &str, options: &AnalysisOptions) -> Analysis {
        analyze(&SourceFile::new(name, text, SourceKind::from_path(std::path::Path::new(name))), options)
    }

    #[test]
    fn environment_references_are_checked_with_placeholders_at_their_offsets() {
        assert_eq!(env_placeholders(r#"set(x, "${env:A}") where y == ${B}"#), r#"set(x, "xxxxxxxx") where y == xxxx"#);
        assert_eq!(env_placeholders("${é}z"), "xxxxxz", "one x per byte");
        assert_eq!(env_placeholders("${unclosed"), "${unclosed");
        let yaml = "processors:\n  transform:\n    log_statements:\n      - set(attributes[\"env\"], ${env:ENV}) where body = \"${env:X}\"\n";
        let diagnostics = analyzed("a.yaml", yaml, &AnalysisOptions::default()).diagnostics;
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        assert_eq!(diagnostics[0].code, Code::AssignInCondition);
        assert_eq!(&yaml[diagnostics[0].span().range()], "=");
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

    #[test]
    fn a_collector_config_compiles_each_string_in_its_group_context_and_error_mode() {
        let yaml = "processors:\n  transform/mask:\n    error_mode: silent\n    trace_statements:\n      - context: span\n        statements:\n          - set(attributes[\"a\"], 1)\n          - set(attributes[\"b\"], \"${env:B}\")\n  routing:\n    table:\n      - context: request\n        condition: request[\"x\"] == \"y\"\n";
        let analysis = analyzed("a.yaml", yaml, &AnalysisOptions::default());
        assert!(analysis.diagnostics.is_empty(), "{:?}", analysis.diagnostics);
        let [compiled] = &analysis.rule_sets[..] else { panic!("one compiled string: {:?}", analysis.rule_sets) };
        assert_eq!(compiled.component.as_deref(), Some("processors/transform/mask"));
        assert_eq!((compiled.rule_set.context, compiled.rule_set.error_mode), (Context::Span, ErrorMode::Silent));
        assert_eq!(compiled.rule_set.rules[0].1, "set(attributes[\"a\"], 1)");
    }
}
