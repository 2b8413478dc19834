//! The transform and filter processors' own config rules (E0902–E0905) agree with the
//! collector: for every rule, a small config that `ottl-ref check` (the collector's config
//! loading, v0.161.0) refuses, which ottlc refuses with the rule's code and the collector's
//! words, and its corrected version, which both accept. Needs Go.

use ottl_compiler::source::{SourceFile, SourceKind};
use ottl_compiler::{AnalysisOptions, analyze};
use ottl_grammar::{Code, Severity};
use ottl_tests::reference;

/// One rule: the code, words both messages hold, the config that breaks it, the fixed one.
struct Rule {
    name: &'static str,
    code: Code,
    words: &'static str,
    wrong: &'static str,
    right: &'static str,
}

const RULES: &[Rule] = &[
    Rule {
        name: "processor error_mode",
        code: Code::UnknownSettingValue,
        words: "unknown error mode panik",
        wrong: "processors:\n  transform:\n    error_mode: panik\n    log_statements:\n      - set(log.attributes[\"a\"], 1)\n",
        right: "processors:\n  transform:\n    error_mode: propagate\n    log_statements:\n      - set(log.attributes[\"a\"], 1)\n",
    },
    Rule {
        name: "group error_mode",
        code: Code::UnknownSettingValue,
        words: "unknown error mode loud",
        wrong: "processors:\n  filter:\n    log_conditions:\n      - context: log\n        error_mode: Loud\n        conditions:\n          - body == \"x\"\n",
        right: "processors:\n  filter:\n    log_conditions:\n      - context: log\n        error_mode: Silent\n        conditions:\n          - body == \"x\"\n",
    },
    Rule {
        name: "transform context",
        code: Code::UnknownSettingValue,
        words: "unknown context logs",
        wrong: "processors:\n  transform:\n    log_statements:\n      - context: logs\n        statements:\n          - set(attributes[\"a\"], 1)\n",
        right: "processors:\n  transform:\n    log_statements:\n      - context: log\n        statements:\n          - set(attributes[\"a\"], 1)\n",
    },
    Rule {
        name: "filter context",
        code: Code::UnknownSettingValue,
        words: "unknown context exemplar",
        wrong: "processors:\n  filter:\n    metric_conditions:\n      - context: exemplar\n        conditions:\n          - 'true'\n",
        right: "processors:\n  filter:\n    metric_conditions:\n      - context: datapoint\n        conditions:\n          - 'true'\n",
    },
    Rule {
        name: "transform context of another signal",
        code: Code::UnknownSettingValue,
        words: "unknown context \"span\" for statements: [set(attributes[\"a\"], 1)]",
        wrong: "processors:\n  transform:\n    log_statements:\n      - context: span\n        statements:\n          - set(attributes[\"a\"], 1)\n",
        right: "processors:\n  transform:\n    trace_statements:\n      - context: span\n        statements:\n          - set(attributes[\"a\"], 1)\n",
    },
    Rule {
        name: "filter context of another signal",
        code: Code::UnknownSettingValue,
        words: "unknown context \"log\" for conditions: [body == \"x\"]",
        wrong: "processors:\n  filter:\n    trace_conditions:\n      - context: log\n        conditions:\n          - body == \"x\"\n",
        right: "processors:\n  filter:\n    log_conditions:\n      - context: log\n        conditions:\n          - body == \"x\"\n",
    },
    Rule {
        name: "transform mixed styles",
        code: Code::ConflictingSettings,
        words: "configuring multiple configuration styles is not supported",
        wrong: "processors:\n  transform:\n    log_statements:\n      - set(log.attributes[\"a\"], 1)\n      - context: log\n        statements:\n          - set(attributes[\"b\"], 1)\n",
        right: "processors:\n  transform:\n    log_statements:\n      - set(log.attributes[\"a\"], 1)\n      - set(log.attributes[\"b\"], 1)\n",
    },
    Rule {
        name: "filter mixed styles",
        code: Code::ConflictingSettings,
        words: "configuring multiple configuration styles is not supported",
        wrong: "processors:\n  filter:\n    log_conditions:\n      - context: log\n        conditions:\n          - body == \"x\"\n      - log.body == \"y\"\n",
        right: "processors:\n  filter:\n    log_conditions:\n      - log.body == \"x\"\n      - log.body == \"y\"\n",
    },
    Rule {
        name: "inferred conditions beside legacy lists",
        code: Code::ConflictingSettings,
        words: "cannot use context inferred log conditions \"log_conditions\"",
        wrong: "processors:\n  filter:\n    log_conditions:\n      - log.body == \"x\"\n    logs:\n      log_record:\n        - body == \"y\"\n",
        right: "processors:\n  filter:\n    log_conditions:\n      - log.body == \"x\"\n      - log.body == \"y\"\n",
    },
    Rule {
        name: "inferred conditions beside a legacy matcher",
        code: Code::ConflictingSettings,
        words: "cannot use context inferred metric conditions \"metric_conditions\"",
        wrong: "processors:\n  filter:\n    metric_conditions:\n      - metric.name == \"x\"\n    metrics:\n      exclude:\n        match_type: strict\n        metric_names: [y]\n",
        right: "processors:\n  filter:\n    metric_conditions:\n      - metric.name == \"x\"\n      - metric.name == \"y\"\n",
    },
    Rule {
        name: "legacy lists beside legacy matchers",
        code: Code::ConflictingSettings,
        words: "and the span settings \"spans.include\", \"spans.exclude\" at the same time",
        wrong: "processors:\n  filter:\n    traces:\n      span:\n        - name == \"a\"\n    spans:\n      exclude:\n        match_type: strict\n        span_names: [b]\n",
        right: "processors:\n  filter:\n    traces:\n      span:\n        - name == \"a\"\n        - name == \"b\"\n",
    },
    Rule {
        name: "flatten_data without its gate",
        code: Code::ConflictingSettings,
        words: "'flatten_data' requires the 'transform.flatten.logs' feature gate to be enabled",
        wrong: "processors:\n  transform:\n    flatten_data: true\n    log_statements:\n      - set(log.attributes[\"a\"], 1)\n",
        right: "processors:\n  transform:\n    flatten_data: false\n    log_statements:\n      - set(log.attributes[\"a\"], 1)\n",
    },
    Rule {
        name: "empty transform item",
        code: Code::MalformedOttlList,
        words: "invalid log_statements item: empty statement list items are not supported",
        wrong: "processors:\n  transform:\n    log_statements:\n      - set(log.attributes[\"a\"], 1)\n      -\n",
        right: "processors:\n  transform:\n    log_statements:\n      - set(log.attributes[\"a\"], 1)\n",
    },
    Rule {
        name: "empty filter item",
        code: Code::MalformedOttlList,
        words: "condition cannot be empty",
        wrong: "processors:\n  filter:\n    log_conditions:\n      - log.body == \"x\"\n      - ~\n",
        right: "processors:\n  filter:\n    log_conditions:\n      - log.body == \"x\"\n",
    },
    Rule {
        name: "empty group item",
        code: Code::MalformedOttlList,
        words: "statement has invalid syntax at 1:1",
        wrong: "processors:\n  transform:\n    log_statements:\n      - context: log\n        statements:\n          -\n          - set(attributes[\"a\"], 1)\n",
        right: "processors:\n  transform:\n    log_statements:\n      - context: log\n        statements:\n          - set(attributes[\"a\"], 1)\n",
    },
    Rule {
        name: "a list that is not a list",
        code: Code::MalformedOttlList,
        words: "invalid log_statements type, expected: array",
        wrong: "processors:\n  transform:\n    log_statements: set(log.attributes[\"a\"], 1)\n",
        right: "processors:\n  transform:\n    log_statements:\n      - set(log.attributes[\"a\"], 1)\n",
    },
    Rule {
        name: "span matcher without match_type",
        code: Code::InvalidMatchConfig,
        words: "error creating span name filters: unrecognized match_type: '', valid types are: [regexp strict]",
        wrong: "processors:\n  filter:\n    spans:\n      exclude:\n        span_names: [health]\n",
        right: "processors:\n  filter:\n    spans:\n      exclude:\n        match_type: strict\n        span_names: [health]\n",
    },
    Rule {
        name: "span matcher without a required field",
        code: Code::InvalidMatchConfig,
        words: "at least one of \"attributes\", \"libraries\",  or \"resources\" field must be specified",
        wrong: "processors:\n  filter:\n    spans:\n      exclude:\n        match_type: strict\n",
        right: "processors:\n  filter:\n    spans:\n      exclude:\n        match_type: strict\n        services: [checkout]\n",
    },
    Rule {
        name: "span matcher with a log field",
        code: Code::InvalidMatchConfig,
        words: "log_bodies should not be specified for trace spans",
        wrong: "processors:\n  filter:\n    spans:\n      exclude:\n        match_type: strict\n        span_names: [a]\n        log_bodies: [b]\n",
        right: "processors:\n  filter:\n    spans:\n      exclude:\n        match_type: strict\n        span_names: [a]\n",
    },
    Rule {
        name: "unknown span kind",
        code: Code::InvalidMatchConfig,
        words: "span_kinds string must match one of the standard span kinds when match_type=strict",
        wrong: "processors:\n  filter:\n    spans:\n      exclude:\n        match_type: strict\n        span_kinds: [server]\n",
        right: "processors:\n  filter:\n    spans:\n      exclude:\n        match_type: strict\n        span_kinds: [SPAN_KIND_SERVER]\n",
    },
    Rule {
        name: "invalid span name pattern",
        code: Code::InvalidMatchConfig,
        words: "error creating span name filters: error parsing regexp: ",
        wrong: "processors:\n  filter:\n    spans:\n      exclude:\n        match_type: regexp\n        span_names: [\"health(\"]\n",
        right: "processors:\n  filter:\n    spans:\n      exclude:\n        match_type: regexp\n        span_names: [\"health\\\\(\"]\n",
    },
    Rule {
        name: "invalid metric name pattern",
        code: Code::InvalidMatchConfig,
        words: "error parsing regexp: ",
        wrong: "processors:\n  filter:\n    metrics:\n      include:\n        match_type: regexp\n        metric_names: ['[z-a]']\n",
        right: "processors:\n  filter:\n    metrics:\n      include:\n        match_type: regexp\n        metric_names: ['[a-z]']\n",
    },
    Rule {
        name: "unknown severity",
        code: Code::InvalidMatchConfig,
        words: "'infoo' is not a valid severity: not a valid severity",
        wrong: "processors:\n  filter:\n    logs:\n      include:\n        severity_number:\n          min: infoo\n",
        right: "processors:\n  filter:\n    logs:\n      include:\n        severity_number:\n          min: info\n",
    },
    Rule {
        name: "non-string attribute under regexp",
        code: Code::InvalidMatchConfig,
        words: "error creating attribute filters: match_type=regexp for \"level\" only supports Str, but found Int",
        wrong: "processors:\n  filter:\n    logs:\n      exclude:\n        match_type: regexp\n        record_attributes:\n          - key: level\n            value: 3\n",
        right: "processors:\n  filter:\n    logs:\n      exclude:\n        match_type: regexp\n        record_attributes:\n          - key: level\n            value: \"3\"\n",
    },
    Rule {
        name: "attribute without a key",
        code: Code::InvalidMatchConfig,
        words: "can't have empty key in the list of attributes",
        wrong: "processors:\n  filter:\n    metrics:\n      exclude:\n        match_type: strict\n        resource_attributes:\n          - value: x\n",
        right: "processors:\n  filter:\n    metrics:\n      exclude:\n        match_type: strict\n        resource_attributes:\n          - key: host.name\n            value: x\n",
    },
    Rule {
        name: "invalid library name pattern",
        code: Code::InvalidMatchConfig,
        words: "error creating library name filters: error parsing regexp: ",
        wrong: "processors:\n  filter:\n    spans:\n      include:\n        match_type: regexp\n        libraries:\n          - name: \"io.*[\"\n",
        right: "processors:\n  filter:\n    spans:\n      include:\n        match_type: regexp\n        libraries:\n          - name: \"io.*\"\n",
    },
];

/// ottlc's errors on a config (messages with their codes).
fn ottlc_errors(name: &str, yaml: &str) -> Vec<(Code, String)> {
    let file = SourceFile::new(name, yaml, SourceKind::CollectorYaml);
    analyze(&file, &AnalysisOptions::default())
        .diagnostics
        .into_iter()
        .filter(|d| d.severity() == Severity::Error)
        .map(|d| (d.code, d.message.to_string()))
        .collect()
}

/// The collector's error on a config (one component), or `None` when it accepts it.
fn collector_error(name: &str, yaml: &str) -> Option<String> {
    let verdict = reference::check_config(name, yaml).unwrap_or_else(|e| panic!("{name}: ottl-ref check: {e}"));
    assert!(verdict.file_error.is_none(), "{name}: {:?}", verdict.file_error);
    assert_eq!(verdict.components.len(), 1, "{name}");
    verdict.components[0].1.clone().err()
}

#[test]
fn every_rule_agrees_with_the_collector() {
    let mut failures = Vec::new();
    for rule in RULES {
        let theirs = collector_error(rule.name, rule.wrong);
        let ours = ottlc_errors(rule.name, rule.wrong);
        match &theirs {
            Some(error) if error.contains(rule.words) => {}
            other => failures.push(format!("{}: the collector says {other:?}, expected {:?}", rule.name, rule.words)),
        }
        if !ours.iter().any(|(code, message)| *code == rule.code && message.contains(rule.words)) {
            failures.push(format!("{}: ottlc says {ours:?}, expected {} with {:?}", rule.name, rule.code.as_str(), rule.words));
        }
        if let Some(error) = collector_error(rule.name, rule.right) {
            failures.push(format!("{}: the collector refuses the fixed config: {error}", rule.name));
        }
        let ours = ottlc_errors(rule.name, rule.right);
        if !ours.is_empty() {
            failures.push(format!("{}: ottlc refuses the fixed config: {ours:?}", rule.name));
        }
    }
    assert!(failures.is_empty(), "{} disagreements:\n{}", failures.len(), failures.join("\n"));
}
