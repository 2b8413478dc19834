//! A collector config: its OTTL strings checked where they are written, and compiled the
//! way the collector builds them. A transform or filter processor builds each of its
//! groups as a unit (`processor/transformprocessor/internal/common`,
//! `processor/filterprocessor/internal/condition`, v0.161.0); every other component takes
//! each string on its own.
//!
//! - A transform group has one context: given, or inferred from all its statements and
//!   conditions together (`ParserCollection.ParseStatements` with
//!   `WithContextInferenceConditions`), among the contexts of its signal. Its conditions
//!   guard its statements.
//! - A filter group without a `context` infers each condition's context on its own
//!   (`ParseContextConditions` parses them one by one) and evaluates each context's
//!   conditions on that context's items, outermost first.

use std::collections::{BTreeMap, HashMap};

use ottl_grammar::{Code, Diagnostic, EntryPoint, Node, Span, lexer, parse_tokens};

use super::{Analysis, AnalysisOptions, CompiledRules, ProcessorGroup};
use crate::program::{ErrorMode, Rule, RuleSet};
use crate::schema::{Context, InferenceError};
use crate::sema;
use crate::yaml::{self, EmbeddedOttl, GroupId, GroupedProcessor, SnippetKind};

pub(super) fn analyze(text: &str, options: &AnalysisOptions) -> Analysis {
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
    for (group, snippets) in by_group(&extracted.snippets) {
        let found = match group {
            Some(group) => analyze_group(&snippets, group, options),
            None => analyze_snippet(snippets[0], options),
        };
        analysis.diagnostics.extend(found.diagnostics);
        analysis.rule_sets.extend(found.rule_sets);
    }
    analysis
}

/// The snippets by processor group, in the order the groups first appear; a snippet of no
/// group is alone.
fn by_group(snippets: &[EmbeddedOttl]) -> Vec<(Option<GroupId>, Vec<&EmbeddedOttl>)> {
    let mut groups: Vec<(Option<GroupId>, Vec<&EmbeddedOttl>)> = Vec::new();
    let mut by_serial: HashMap<usize, usize> = HashMap::new();
    for snippet in snippets {
        match snippet.group {
            Some(group) => {
                let at = *by_serial.entry(group.serial).or_insert_with(|| {
                    groups.push((Some(group), Vec::new()));
                    groups.len() - 1
                });
                groups[at].1.push(snippet);
            }
            None => groups.push((None, vec![snippet])),
        }
    }
    groups
}

/// One OTTL string, parsed; its diagnostics in the string's offsets until
/// [`Parsed::into_diagnostics`] moves them to the file's.
struct Parsed<'s> {
    snippet: &'s EmbeddedOttl,
    /// The tree, when the string parsed without errors.
    node: Option<Node>,
    diagnostics: Vec<Diagnostic>,
}

impl<'s> Parsed<'s> {
    fn new(snippet: &'s EmbeddedOttl) -> Parsed<'s> {
        let entry = match snippet.kind {
            SnippetKind::Statement => EntryPoint::Statement,
            SnippetKind::Condition => EntryPoint::Condition,
        };
        let text = if snippet.needs_env { env_placeholders(&snippet.text) } else { snippet.text.clone() };
        let parsed = parse_tokens(&text, &lexer::lex(&text), entry);
        let diagnostics = sema::syntax_diagnostics(&parsed).collect();
        let node = if parsed.has_errors() { None } else { parsed.node };
        Parsed { snippet, node, diagnostics }
    }

    /// Checks the string in `context` (`inferred`: not given, so paths need their prefix);
    /// the rule and its text when it has no error and its text is final.
    fn check(&mut self, context: Context, inferred: bool, options: &AnalysisOptions) -> Option<(Rule, String)> {
        let checked = sema::check_rule(self.node.as_ref()?, &options.settings(context, inferred));
        self.diagnostics.extend(checked.diagnostics);
        checked.ir.filter(|_| !self.snippet.needs_env).map(|rule| (rule, self.snippet.text.trim().to_string()))
    }

    /// The context the string alone infers among `candidates`, if it parsed.
    fn infer_alone(&self, candidates: &[Context]) -> Option<Result<Context, InferenceError>> {
        self.node.as_ref().map(|node| sema::infer_context_among([node], candidates))
    }

    /// The string's own context: the one its layout gives (none when that is no context
    /// statements run in), or the one it alone infers among `candidates`, reported when it
    /// cannot be inferred.
    fn own_context(&mut self, candidates: &[Context]) -> Option<Context> {
        match &self.snippet.context {
            Some(given) => given.statement(),
            None => match self.infer_alone(candidates)? {
                Ok(context) => Some(context),
                Err(error) => {
                    self.report_inference(&error);
                    None
                }
            },
        }
    }

    /// [`Self::own_context`] and [`Self::check`] in it.
    fn compile_alone(&mut self, candidates: &[Context], options: &AnalysisOptions) -> Option<(Context, (Rule, String))> {
        let context = self.own_context(candidates)?;
        let inferred = self.snippet.context.is_none();
        self.check(context, inferred, options).map(|rule| (context, rule))
    }

    fn report_inference(&mut self, error: &InferenceError) {
        // Placeholders keep the text's length.
        let whole = Span::new(0, self.snippet.text.len());
        self.diagnostics.push(sema::inference_diagnostic(error, whole));
    }

    fn into_diagnostics(self) -> impl Iterator<Item = Diagnostic> {
        let map = &self.snippet.source_map;
        self.diagnostics.into_iter().map(move |d| d.map_spans(|span| Span::from(map.range_to_source(span.range()))))
    }
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

/// The error mode a snippet's group runs under.
fn error_mode(snippet: &EmbeddedOttl, options: &AnalysisOptions) -> ErrorMode {
    snippet.error_mode.as_deref().and_then(ErrorMode::parse).unwrap_or(options.error_mode)
}

/// A string of a component without groups: in the context its layout gives (none for
/// contexts outside the schema, such as the routing connector's `request`: syntax checks
/// only), or the one its prefixes infer.
fn analyze_snippet(snippet: &EmbeddedOttl, options: &AnalysisOptions) -> Analysis {
    let mut parsed = Parsed::new(snippet);
    let rule_sets = parsed
        .compile_alone(Context::STATEMENT_CONTEXTS, options)
        .map(|(context, rule)| CompiledRules {
            component: Some(snippet.component.clone()),
            group: None,
            rule_set: RuleSet::new(context, vec![rule], error_mode(snippet, options)),
        })
        .into_iter()
        .collect();
    Analysis { diagnostics: parsed.into_diagnostics().collect(), rule_sets }
}

/// A transform or filter processor group, every snippet of it.
fn analyze_group(snippets: &[&EmbeddedOttl], group: GroupId, options: &AnalysisOptions) -> Analysis {
    let mut parsed: Vec<Parsed<'_>> = snippets.iter().map(|snippet| Parsed::new(snippet)).collect();
    let rule_sets = match group.processor {
        GroupedProcessor::Transform => transform_group(&mut parsed, group, options).into_iter().collect(),
        GroupedProcessor::Filter => filter_group(&mut parsed, group, options),
    };
    let diagnostics = parsed.into_iter().flat_map(Parsed::into_diagnostics).collect();
    Analysis { diagnostics, rule_sets }
}

/// A transform group's rules: its statements in order, guarded by its conditions, in the
/// group's context; `None` when a string does not compile.
fn transform_group(parsed: &mut [Parsed<'_>], group: GroupId, options: &AnalysisOptions) -> Option<CompiledRules> {
    let head = parsed.first()?.snippet;
    let context = match &head.context {
        Some(given) => given.statement()?,
        None => infer_group(parsed, yaml::signal_contexts(group.signal))?,
    };
    let mut rule_set = RuleSet::new(context, Vec::new(), error_mode(head, options));
    let mut complete = true;
    for string in parsed.iter_mut() {
        match string.check(context, head.context.is_none(), options) {
            Some((Rule::Condition(condition), text)) => rule_set.guard.push((condition, text)),
            Some(rule) => rule_set.rules.push(rule),
            None => complete = false,
        }
    }
    complete.then(|| compiled(head, group, rule_set))
}

/// The context of a transform group without one, inferred from its statements and then
/// its conditions, as the collector orders them. When it cannot be inferred, the error is
/// reported on each string that alone fails the same way (each string, when none names a
/// context), else on the first.
fn infer_group(parsed: &mut [Parsed<'_>], candidates: &[Context]) -> Option<Context> {
    let by_kind = |kind: SnippetKind| parsed.iter().filter(move |p| p.snippet.kind == kind).filter_map(|p| p.node.as_ref());
    let nodes: Vec<&Node> = by_kind(SnippetKind::Statement).chain(by_kind(SnippetKind::Condition)).collect();
    if nodes.is_empty() {
        return None;
    }
    let error = match sema::infer_context_among(nodes, candidates) {
        Ok(context) => return Some(context),
        Err(error) => error,
    };
    let alone: Vec<usize> = (0..parsed.len())
        .filter(|&i| parsed[i].infer_alone(candidates).is_some_and(|inferred| inferred.as_ref() == Err(&error)))
        .collect();
    let at = match alone[..] {
        [] => parsed.iter().position(|p| p.node.is_some()).into_iter().collect(),
        _ => alone,
    };
    for i in at {
        parsed[i].report_inference(&error);
    }
    None
}

/// A filter group's rules: its conditions by context, outermost context first, each
/// context's in order; none when a condition does not compile.
fn filter_group(parsed: &mut [Parsed<'_>], group: GroupId, options: &AnalysisOptions) -> Vec<CompiledRules> {
    let candidates = yaml::signal_contexts(group.signal);
    // Within a signal, contexts order from the outermost (resource) in.
    let mut by_context: BTreeMap<Context, Vec<(Rule, String)>> = BTreeMap::new();
    let mut complete = true;
    for string in parsed.iter_mut() {
        match string.compile_alone(candidates, options) {
            Some((context, rule)) => by_context.entry(context).or_default().push(rule),
            None => complete = false,
        }
    }
    let Some(head) = parsed.first().map(|p| p.snippet).filter(|_| complete) else { return Vec::new() };
    let mode = error_mode(head, options);
    by_context.into_iter().map(|(context, rules)| compiled(head, group, RuleSet::new(context, rules, mode))).collect()
}

fn compiled(head: &EmbeddedOttl, group: GroupId, rule_set: RuleSet) -> CompiledRules {
    CompiledRules {
        component: Some(head.component.clone()),
        group: Some(ProcessorGroup { signal: group.signal, index: group.index }),
        rule_set,
    }
}

#[cfg(test)]
mod tests;
