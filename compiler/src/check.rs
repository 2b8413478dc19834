//! `ottlc check`: every diagnostic for a file, at its position in that file.

use ottl_grammar::document::parse_document;
use ottl_grammar::{Code, Diagnostic, EntryPoint, Node, Span, lexer, parse_tokens};

use crate::schema::{Context, InferenceError};
use crate::sema;
use crate::source::{SourceFile, SourceKind};
use crate::yaml::{self, EmbeddedOttl, SnippetKind};

/// How to check.
#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    /// The context of a `.ottl` document's statements (`--context`); inferred from path
    /// prefixes when `None`. Collector YAML gives its own contexts.
    pub context: Option<Context>,
    /// Collector feature gates assumed enabled (`--feature-gates`).
    pub feature_gates: Vec<String>,
}

impl CheckOptions {
    /// `inferred`: the context came from the path prefixes, so every path must have one.
    fn settings(&self, context: Context, inferred: bool) -> sema::Settings {
        sema::Settings { context, feature_gates: self.feature_gates.clone(), prefixes_required: inferred }
    }
}

/// All diagnostics for `file`, sorted by position, spans in the file's byte offsets. A
/// YAML string used through several aliases is checked once per use; the same diagnostic at
/// the same place is reported once.
pub fn check_file(file: &SourceFile, options: &CheckOptions) -> Vec<Diagnostic> {
    let mut diagnostics = match file.kind {
        SourceKind::Ottl => check_document(&file.text, options),
        SourceKind::CollectorYaml => check_collector_yaml(&file.text, options),
    };
    diagnostics.sort_by_key(|d| (d.span().start, d.span().end));
    diagnostics.dedup();
    diagnostics
}

/// A `.ottl` document is one group: one context for all its statements, given or inferred
/// over all of them, as the collector does for a group. Semantic checks run on the items
/// that parsed cleanly.
fn check_document(text: &str, options: &CheckOptions) -> Vec<Diagnostic> {
    let document = parse_document(text);
    let mut diagnostics: Vec<Diagnostic> = document.diagnostics().map(|d| sema::refine(d.clone(), text)).collect();
    let clean: Vec<(&Node, Span)> = document
        .items
        .iter()
        .filter(|item| !item.parsed.has_errors())
        .filter_map(|item| item.parsed.node.as_ref().map(|node| (node, item.span)))
        .collect();
    let Some(&(_, first_span)) = clean.first() else { return diagnostics };
    let context = match options.context.map_or_else(|| sema::infer_context(clean.iter().map(|(n, _)| *n)), Ok) {
        Ok(context) => context,
        Err(InferenceError::NoPrefix) => {
            diagnostics
                .push(sema::no_context_diagnostic("no context given or inferable: only the syntax was checked", first_span));
            return diagnostics;
        }
        Err(error) => {
            diagnostics.push(sema::inference_diagnostic(&error, first_span));
            return diagnostics;
        }
    };
    let settings = options.settings(context, options.context.is_none());
    for (node, _) in clean {
        diagnostics.extend(sema::check_node(node, &settings));
    }
    diagnostics
}

fn check_collector_yaml(text: &str, options: &CheckOptions) -> Vec<Diagnostic> {
    match yaml::extract_all(text) {
        Ok(extracted) => {
            let duplicates = extracted.duplicate_keys.into_iter().map(|duplicate| {
                Diagnostic::new(Code::DuplicateYamlKey, duplicate.message, Span::from(duplicate.span), "defined again here")
                    .with_help("the collector refuses a file that defines a key twice; remove or merge one of them")
            });
            let settings = extracted
                .config_errors
                .into_iter()
                .filter(|error| error.unless_gate.is_none_or(|gate| !options.feature_gates.iter().any(|g| g == gate)))
                .map(|error| Diagnostic::new(error.code, error.message, Span::from(error.span), "here").with_help(error.help));
            let ottl = extracted.snippets.iter().flat_map(|snippet| check_snippet(snippet, options));
            duplicates.chain(settings).chain(ottl).collect()
        }
        Err(error) => {
            vec![Diagnostic::new(Code::InvalidYaml, format!("invalid YAML: {}", error.message), Span::from(error.span), "here")]
        }
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

/// Parses one OTTL string from a collector config and moves its diagnostics from the
/// string's offsets to the file's, through the YAML scalar's source map.
fn check_snippet(snippet: &EmbeddedOttl, options: &CheckOptions) -> Vec<Diagnostic> {
    let entry = match snippet.kind {
        SnippetKind::Statement => EntryPoint::Statement,
        SnippetKind::Condition => EntryPoint::Condition,
    };
    let text = if snippet.needs_env { env_placeholders(&snippet.text) } else { snippet.text.clone() };
    let parsed = parse_tokens(&text, &lexer::lex(&text), entry);
    let has_syntax_errors = parsed.has_errors();
    let mut diagnostics: Vec<Diagnostic> = parsed.diagnostics.into_iter().map(|d| sema::refine(d, &text)).collect();
    if let (false, Some(node)) = (has_syntax_errors, &parsed.node) {
        diagnostics.extend(check_snippet_semantics(snippet, node, &text, options));
    }
    diagnostics.into_iter().map(|d| d.map_spans(|span| Span::from(snippet.source_map.range_to_source(span.range())))).collect()
}

/// The layout's context (`context: span`, a filter's `span:` list), or the one inferred
/// from the snippet's prefixes. Contexts outside the schema (the routing connector's
/// `request`) get syntax checks only.
fn check_snippet_semantics(snippet: &EmbeddedOttl, node: &Node, text: &str, options: &CheckOptions) -> Vec<Diagnostic> {
    let context = match snippet.context.as_deref() {
        Some(name) => match Context::parse(name) {
            Some(context) if context.is_statement_context() => context,
            _ => return Vec::new(),
        },
        None => match sema::infer_context([node]) {
            Ok(context) => context,
            Err(error) => return vec![sema::inference_diagnostic(&error, Span::new(0, text.len()))],
        },
    };
    sema::check_node(node, &options.settings(context, snippet.context.is_none()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_references_are_checked_with_placeholders_at_their_offsets() {
        assert_eq!(env_placeholders(r#"set(x, "${env:A}") where y == ${B}"#), r#"set(x, "xxxxxxxx") where y == xxxx"#);
        assert_eq!(env_placeholders("${é}z"), "xxxxxz", "one x per byte");
        assert_eq!(env_placeholders("${unclosed"), "${unclosed");
        let yaml = "processors:\n  transform:\n    log_statements:\n      - set(attributes[\"env\"], ${env:ENV}) where body = \"${env:X}\"\n";
        let diagnostics = check_collector_yaml(yaml, &CheckOptions::default());
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        assert_eq!(diagnostics[0].code, Code::AssignInCondition);
        assert_eq!(&yaml[diagnostics[0].span().range()], "=");
    }

    #[test]
    fn a_snippet_used_through_aliases_is_reported_once() {
        let yaml = "processors:\n  transform:\n    log_statements:\n      - context: log\n        statements:\n          - &s set(atributes[\"c\"], 3)\n          - *s\n";
        let file = SourceFile::new("a.yaml", yaml, SourceKind::CollectorYaml);
        assert_eq!(check_file(&file, &CheckOptions::default()).len(), 1);
    }

    #[test]
    fn mistakes_with_one_obvious_edit_carry_it_as_a_fix() {
        let text = "set(attributes['a'], 1) where name = \"x\"\nset(log.attributes[\"b\"], 1) where log.name == \"a\" where log.kind == 1 || true\nreplace_pattern(log.body, \"\\w+\", \"x\")\nset(log.attributes[\"c\"], resource.cache[\"k\"])\n";
        let file = SourceFile::new("a.ottl", text, SourceKind::Ottl);
        let options = CheckOptions { context: Some(Context::Log), ..CheckOptions::default() };
        let diagnostics = check_file(&file, &options);
        let fixes: Vec<(&str, &str)> =
            diagnostics.iter().filter_map(|d| d.fix.as_ref().map(|f| (&text[f.span.range()], f.replacement.as_str()))).collect();
        assert_eq!(
            fixes,
            [("'a'", "\"a\""), ("=", "=="), ("where", "and"), ("||", "or"), ("\\w", "\\\\w"), ("resource", "log")],
            "{text}"
        );
    }
}
