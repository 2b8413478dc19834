use ottl_runtime::otlp::Signal;

use super::*;
use crate::analysis::analyze;
use crate::source::{SourceFile, SourceKind};

fn analyzed(yaml: &str) -> Analysis {
    analyze(&SourceFile::new("a.yaml", yaml, SourceKind::CollectorYaml), &AnalysisOptions::default())
}

/// The sets of a config that compiles: component, signal, index, context, error mode, the
/// rules' texts and the guard's.
type Summary<'a> = (&'a str, Signal, usize, Context, ErrorMode, Vec<&'a str>, Vec<&'a str>);

fn summary(analysis: &Analysis) -> Vec<Summary<'_>> {
    assert!(analysis.diagnostics.is_empty(), "{:?}", analysis.diagnostics);
    analysis
        .rule_sets
        .iter()
        .map(|compiled| {
            let group = compiled.group.expect("a processor group");
            let set = &compiled.rule_set;
            (
                compiled.component.as_deref().unwrap_or_default(),
                group.signal,
                group.index,
                set.context,
                set.error_mode,
                set.rules.iter().map(|(_, text)| text.as_str()).collect(),
                set.guard.iter().map(|(_, text)| text.as_str()).collect(),
            )
        })
        .collect()
}

fn codes(analysis: &Analysis) -> Vec<Code> {
    analysis.diagnostics.iter().map(|d| d.code).collect()
}

#[test]
fn environment_references_are_checked_with_placeholders_at_their_offsets() {
    assert_eq!(env_placeholders(r#"set(x, "${env:A}") where y == ${B}"#), r#"set(x, "xxxxxxxx") where y == xxxx"#);
    assert_eq!(env_placeholders("${é}z"), "xxxxxz", "one x per byte");
    assert_eq!(env_placeholders("${unclosed"), "${unclosed");
    let yaml = "processors:\n  transform:\n    log_statements:\n      - set(attributes[\"env\"], ${env:ENV}) where body = \"${env:X}\"\n";
    let diagnostics = analyzed(yaml).diagnostics;
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0].code, Code::AssignInCondition);
    assert_eq!(&yaml[diagnostics[0].span().range()], "=");
}

#[test]
fn basic_statements_are_one_group_in_the_context_inferred_from_all_of_them() {
    // Alone, the first string would run on resources; in its group it runs on every span.
    let yaml = r#"
processors:
  transform/basic:
    error_mode: silent
    trace_statements:
      - set(resource.attributes["r"], 1)
      - set(span.attributes["s"], 2)
"#;
    let analysis = analyzed(yaml);
    assert_eq!(
        summary(&analysis),
        [(
            "processors/transform/basic",
            Signal::Traces,
            0,
            Context::Span,
            ErrorMode::Silent,
            vec![r#"set(resource.attributes["r"], 1)"#, r#"set(span.attributes["s"], 2)"#],
            vec![]
        )]
    );
}

#[test]
fn advanced_groups_come_in_order_with_their_conditions_as_guard_and_the_basic_strings_after_them() {
    let yaml = r#"
processors:
  transform:
    error_mode: ignore
    log_statements:
      - context: log
        error_mode: propagate
        conditions:
          - severity_number < 9
          - IsMatch(body, "x")
        statements:
          - set(attributes["low"], true)
      - statements:
          - set(resource.attributes["a"], 1)
        conditions:
          - log.body == "y"
      - set(log.attributes["basic"], 1)
    metric_statements:
      - set(metric.description, "d")
"#;
    let analysis = analyzed(yaml);
    assert_eq!(
        summary(&analysis),
        [
            (
                "processors/transform",
                Signal::Logs,
                0,
                Context::Log,
                ErrorMode::Propagate,
                vec![r#"set(attributes["low"], true)"#],
                vec!["severity_number < 9", r#"IsMatch(body, "x")"#]
            ),
            // The condition's prefix decides the context of the whole group.
            (
                "processors/transform",
                Signal::Logs,
                1,
                Context::Log,
                ErrorMode::Ignore,
                vec![r#"set(resource.attributes["a"], 1)"#],
                vec![r#"log.body == "y""#]
            ),
            (
                "processors/transform",
                Signal::Logs,
                2,
                Context::Log,
                ErrorMode::Ignore,
                vec![r#"set(log.attributes["basic"], 1)"#],
                vec![]
            ),
            (
                "processors/transform",
                Signal::Metrics,
                0,
                Context::Metric,
                ErrorMode::Ignore,
                vec![r#"set(metric.description, "d")"#],
                vec![]
            ),
        ]
    );
}

#[test]
fn a_string_without_prefix_in_an_inferred_group_misses_its_context_name_as_in_the_collector() {
    // The collector: `missing context name for path "attributes[b]"`, not an inference failure.
    let yaml = "processors:\n  transform:\n    trace_statements:\n      - set(span.attributes[\"a\"], 1)\n      - set(attributes[\"b\"], 2)\n";
    let analysis = analyzed(yaml);
    assert_eq!(codes(&analysis), [Code::MissingContextName]);
    assert_eq!(&yaml[analysis.diagnostics[0].span().range()], "attributes[\"b\"]");
    assert!(analysis.rule_sets.is_empty());
}

#[test]
fn a_group_that_cannot_be_inferred_is_reported_at_the_strings_that_fail_alone() {
    // None names a context: each string is told so.
    let yaml =
        "processors:\n  transform:\n    log_statements:\n      - set(attributes[\"a\"], 1)\n      - set(attributes[\"b\"], 2)\n";
    let analysis = analyzed(yaml);
    assert_eq!(codes(&analysis), [Code::ContextInference, Code::ContextInference]);
    // Only together do they fail: the first string is told.
    let yaml = "processors:\n  transform:\n    metric_statements:\n      - set(datapoint.attributes[\"k\"], \"v\")\n      - set(metric.description, \"x\") where IsRootSpan()\n";
    let analysis = analyzed(yaml);
    assert_eq!(codes(&analysis), [Code::ContextInference]);
    assert_eq!(analysis.diagnostics[0].message, "inferred context \"datapoint\" does not support the function \"IsRootSpan\"");
    assert_eq!(&yaml[analysis.diagnostics[0].span().range()], "set(datapoint.attributes[\"k\"], \"v\")");
}

#[test]
fn a_context_the_signal_has_no_parser_for_is_not_a_valid_candidate() {
    // The collector: `inferred context "log" is not a valid candidate`.
    let yaml = "processors:\n  transform:\n    trace_statements:\n      - set(log.body, \"x\")\n  filter:\n    metric_conditions:\n      - span.name == \"x\"\n";
    let analysis = analyzed(yaml);
    let messages: Vec<&str> = analysis.diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        messages,
        ["inferred context \"log\" is not a valid candidate", "inferred context \"span\" is not a valid candidate"]
    );
}

#[test]
fn a_filter_group_infers_each_condition_alone_and_runs_outer_contexts_first() {
    let yaml = r#"
processors:
  filter/new:
    error_mode: ignore
    log_conditions:
      - log.body == "a"
      - resource.attributes["r"] == "x"
      - log.severity_number < 5
  filter/legacy:
    error_mode: silent
    traces:
      spanevent:
        - name == "e"
      span:
        - name == "s"
        - kind == SPAN_KIND_CLIENT
  filter/groups:
    trace_conditions:
      - context: span
        conditions: [name == "x"]
      - error_mode: propagate
        conditions: [span.name == "y"]
"#;
    let analysis = analyzed(yaml);
    let new = "processors/filter/new";
    let (legacy, groups) = ("processors/filter/legacy", "processors/filter/groups");
    assert_eq!(
        summary(&analysis),
        [
            (new, Signal::Logs, 0, Context::Resource, ErrorMode::Ignore, vec![r#"resource.attributes["r"] == "x""#], vec![]),
            (
                new,
                Signal::Logs,
                0,
                Context::Log,
                ErrorMode::Ignore,
                vec![r#"log.body == "a""#, "log.severity_number < 5"],
                vec![]
            ),
            (
                legacy,
                Signal::Traces,
                0,
                Context::Span,
                ErrorMode::Silent,
                vec![r#"name == "s""#, "kind == SPAN_KIND_CLIENT"],
                vec![]
            ),
            (legacy, Signal::Traces, 0, Context::SpanEvent, ErrorMode::Silent, vec![r#"name == "e""#], vec![]),
            (groups, Signal::Traces, 0, Context::Span, ErrorMode::Ignore, vec![r#"name == "x""#], vec![]),
            (groups, Signal::Traces, 1, Context::Span, ErrorMode::Propagate, vec![r#"span.name == "y""#], vec![]),
        ]
    );
    assert!(analysis.rule_sets.iter().flat_map(|c| &c.rule_set.rules).all(|(rule, _)| matches!(rule, Rule::Condition(_))));
}

#[test]
fn a_group_with_an_environment_reference_is_checked_but_not_compiled_and_other_components_compile_per_string() {
    let yaml = r#"
processors:
  transform/env:
    trace_statements:
      - context: span
        statements:
          - set(attributes["a"], 1)
          - set(attributes["b"], "${env:B}")
      - context: span
        statements:
          - set(attributes["c"], 1)
  tail_sampling:
    policies:
      - name: p
        type: ottl_condition
        ottl_condition:
          span: [name == "a", name == "b"]
connectors:
  routing:
    table:
      - context: request
        condition: request["x"] == "y"
"#;
    let analysis = analyzed(yaml);
    assert!(analysis.diagnostics.is_empty(), "{:?}", analysis.diagnostics);
    let sets: Vec<(&str, Option<ProcessorGroup>, usize)> = analysis
        .rule_sets
        .iter()
        .map(|c| (c.component.as_deref().unwrap_or_default(), c.group, c.rule_set.rules.len()))
        .collect();
    let second = Some(ProcessorGroup { signal: Signal::Traces, index: 1 });
    assert_eq!(
        sets,
        [("processors/transform/env", second, 1), ("processors/tail_sampling", None, 1), ("processors/tail_sampling", None, 1)]
    );
}

#[test]
fn groups_of_separate_documents_stay_apart() {
    let yaml = "processors:\n  transform:\n    log_statements:\n      - set(log.attributes[\"a\"], 1)\n---\nprocessors:\n  transform:\n    log_statements:\n      - set(log.attributes[\"b\"], 1)\n";
    let analysis = analyzed(yaml);
    let rules: Vec<usize> = analysis.rule_sets.iter().map(|c| c.rule_set.rules.len()).collect();
    assert_eq!(rules, [1, 1]);
}
