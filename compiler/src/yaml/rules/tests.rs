//! One test per rule: the error, its code, where it points, and the collector's words.

use ottl_grammar::Code;

use crate::yaml::{ConfigError, extract_all};

fn errors(yaml: &str) -> Vec<ConfigError> {
    extract_all(yaml).unwrap_or_else(|e| panic!("{e}\n{yaml}")).config_errors
}

/// The one error of `yaml`: its code, the text it points at, and its message.
#[track_caller]
fn one(yaml: &str) -> (Code, String, String) {
    let found = errors(yaml);
    assert_eq!(found.len(), 1, "{found:#?}\n{yaml}");
    let error = &found[0];
    (error.code, yaml[error.span.clone()].to_string(), error.message.clone())
}

#[track_caller]
fn clean(yaml: &str) {
    let found = errors(yaml);
    assert!(found.is_empty(), "{found:#?}\n{yaml}");
}

#[test]
fn an_unknown_error_mode_is_refused_case_insensitively() {
    let (code, at, message) = one("processors:\n  transform:\n    error_mode: panik\n    log_statements: []\n");
    assert_eq!((code, at.as_str(), message.as_str()), (Code::UnknownSettingValue, "panik", "unknown error mode panik"));
    let (_, at, message) = one(
        "processors:\n  filter/x:\n    log_conditions:\n      - context: log\n        error_mode: Loud\n        conditions: ['true']\n",
    );
    assert_eq!((at.as_str(), message.as_str()), ("Loud", "unknown error mode loud"));
    let (_, _, message) = one("processors:\n  transform:\n    error_mode: ''\n");
    assert_eq!(message, "unknown error mode ");
    clean("processors:\n  transform:\n    error_mode: PROPAGATE\n  filter:\n    error_mode: silent\n");
}

#[test]
fn an_unknown_context_is_refused() {
    let yaml = "processors:\n  transform:\n    trace_statements:\n      - context: Spans\n        statements:\n          - set(attributes[\"a\"], 1)\n";
    assert_eq!(one(yaml), (Code::UnknownSettingValue, "Spans".to_string(), "unknown context spans".to_string()));
    let yaml =
        "processors:\n  filter:\n    metric_conditions:\n      - context: exemplar\n        conditions:\n          - 'true'\n";
    assert_eq!(one(yaml).2, "unknown context exemplar", "the filter processor has no exemplar context");
    clean("processors:\n  transform:\n    metric_statements:\n      - context: Exemplar\n        statements: []\n");
}

#[test]
fn a_context_of_another_signal_is_refused() {
    let yaml = "processors:\n  transform:\n    log_statements:\n      - context: span\n        statements:\n          - set(attributes[\"a\"], 1)\n          - set(attributes[\"b\"], 2)\n";
    let (code, at, message) = one(yaml);
    assert_eq!((code, at.as_str()), (Code::UnknownSettingValue, "span"));
    assert_eq!(message, r#"unknown context "span" for statements: [set(attributes["a"], 1) set(attributes["b"], 2)]"#);
    let yaml =
        "processors:\n  filter:\n    trace_conditions:\n      - context: log\n        conditions:\n          - body == \"x\"\n";
    assert_eq!(one(yaml).2, r#"unknown context "log" for conditions: [body == "x"]"#);
    clean("processors:\n  filter:\n    trace_conditions:\n      - context: scope\n        conditions: ['true']\n");
}

#[test]
fn basic_and_advanced_styles_mixed_are_refused() {
    let message = "configuring multiple configuration styles is not supported, please use only Basic configuration or only Advanced configuration";
    let yaml = "processors:\n  transform:\n    log_statements:\n      - set(log.attributes[\"a\"], 1)\n      - context: log\n        statements: []\n";
    assert_eq!(one(yaml), (Code::ConflictingSettings, "context".to_string(), message.to_string()));
    // The transform processor appends strings after groups as a group of their own.
    clean(
        "processors:\n  transform:\n    log_statements:\n      - context: log\n        statements: []\n      - set(log.attributes[\"a\"], 1)\n",
    );
    // The filter processor refuses both orders.
    let yaml =
        "processors:\n  filter:\n    log_conditions:\n      - context: log\n        conditions: []\n      - log.body == \"x\"\n";
    assert_eq!(one(yaml), (Code::ConflictingSettings, "log.body == \"x\"".to_string(), message.to_string()));
}

#[test]
fn empty_items_and_lists_that_are_not_lists_are_refused() {
    let yaml = "processors:\n  transform:\n    log_statements:\n      - set(log.attributes[\"a\"], 1)\n      -\n";
    let (code, at, message) = one(yaml);
    assert_eq!((code, at.as_str()), (Code::MalformedOttlList, "-"));
    assert_eq!(message, "invalid log_statements item: empty statement list items are not supported");
    let yaml = "processors:\n  filter:\n    log_conditions:\n      - log.body == \"x\"\n      - ~\n";
    assert_eq!(one(yaml), (Code::MalformedOttlList, "~".to_string(), "condition cannot be empty".to_string()));
    let yaml = "processors:\n  transform:\n    log_statements:\n      - context: log\n        statements:\n          - \n          - set(attributes[\"a\"], 1)\n";
    let (code, at, message) = one(yaml);
    assert_eq!((code, at.as_str()), (Code::MalformedOttlList, "-"));
    assert!(message.starts_with("statement has invalid syntax at 1:1"), "{message}");
    let yaml = "processors:\n  transform:\n    log_statements: set(log.attributes[\"a\"], 1)\n";
    let (code, at, message) = one(yaml);
    assert_eq!((code, at.as_str()), (Code::MalformedOttlList, "log_statements"));
    assert!(message.starts_with("invalid log_statements type, expected: array"), "{message}");
    assert!(one("processors:\n  filter:\n    trace_conditions:\n").2.starts_with("invalid trace_conditions type"));
}

#[test]
fn inferred_conditions_beside_legacy_settings_are_refused() {
    let yaml = "processors:\n  filter:\n    log_conditions:\n      - log.body == \"x\"\n    logs:\n      log_record:\n        - body == \"y\"\n";
    let (code, at, message) = one(yaml);
    assert_eq!((code, at.as_str()), (Code::ConflictingSettings, "log_record"));
    assert!(message.starts_with("cannot use context inferred log conditions \"log_conditions\""), "{message}");
    let yaml = "processors:\n  filter:\n    metric_conditions: []\n    metrics:\n      exclude:\n        match_type: strict\n        metric_names: [a]\n";
    assert_eq!(one(yaml).1, "exclude");
    // A legacy list written without a value is not set.
    clean("processors:\n  filter:\n    trace_conditions: ['true']\n    traces:\n      span:\n");
    // The span matchers are not in conflict with inferred trace conditions.
    clean(
        "processors:\n  filter:\n    trace_conditions: ['true']\n    spans:\n      include:\n        match_type: strict\n        span_names: [a]\n",
    );
}

#[test]
fn legacy_ottl_beside_legacy_matchers_is_refused() {
    let yaml = "processors:\n  filter:\n    traces:\n      span:\n        - name == \"a\"\n    spans:\n      exclude:\n        match_type: strict\n        span_names: [a]\n";
    let (code, at, message) = one(yaml);
    assert_eq!((code, at.as_str()), (Code::ConflictingSettings, "exclude"));
    assert!(message.starts_with(r#"cannot use "traces.resource", "traces.span", "traces.spanevent" and the span settings"#));
    let yaml =
        "processors:\n  filter:\n    logs:\n      log_record: ['true']\n      include:\n        severity_number: {min: info}\n";
    assert_eq!(one(yaml).1, "include");
}

#[test]
fn flatten_data_needs_its_feature_gate() {
    let found = errors("processors:\n  transform:\n    flatten_data: true\n");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].message, "'flatten_data' requires the 'transform.flatten.logs' feature gate to be enabled");
    assert_eq!(found[0].unless_gate, Some("transform.flatten.logs"));
    clean("processors:\n  transform:\n    flatten_data: false\n");
}

#[test]
fn span_matchers_need_a_match_type_and_a_required_field() {
    let yaml = "processors:\n  filter:\n    spans:\n      include:\n        span_names: [a]\n";
    let (code, at, message) = one(yaml);
    assert_eq!((code, at.as_str()), (Code::InvalidMatchConfig, "include"));
    assert_eq!(message, "error creating span name filters: unrecognized match_type: '', valid types are: [regexp strict]");
    let yaml = "processors:\n  filter:\n    spans:\n      exclude:\n        match_type: regex\n";
    let (_, at, message) = one(yaml);
    assert_eq!(at, "exclude");
    assert_eq!(message, r#"at least one of "attributes", "libraries",  or "resources" field must be specified"#);
    let yaml = "processors:\n  filter:\n    spans:\n      exclude:\n        match_type: regex\n        services: [a]\n";
    assert_eq!(one(yaml).1, "regex");
    // An attribute without a value is matched by key alone: no filter set, no match type.
    clean("processors:\n  filter:\n    spans:\n      exclude:\n        attributes:\n          - key: a\n");
}

#[test]
fn span_matchers_refuse_fields_of_other_signals_and_unknown_kinds() {
    let yaml = "processors:\n  filter:\n    spans:\n      include:\n        match_type: strict\n        span_names: [a]\n        log_bodies: [b]\n";
    assert_eq!(one(yaml).2, "log_bodies should not be specified for trace spans");
    let yaml = "processors:\n  filter:\n    spans:\n      include:\n        match_type: strict\n        span_kinds: [SPAN_KIND_SERVER, server]\n";
    let (_, at, message) = one(yaml);
    assert_eq!(at, "server");
    assert!(message.starts_with("span_kinds string must match one of the standard span kinds when match_type=strict"));
    clean("processors:\n  filter:\n    spans:\n      include:\n        match_type: regexp\n        span_kinds: [server]\n");
}

#[test]
fn regexp_patterns_must_compile() {
    let yaml =
        "processors:\n  filter:\n    spans:\n      exclude:\n        match_type: regexp\n        span_names: [ok, \"(a\"]\n";
    let (code, at, message) = one(yaml);
    assert_eq!((code, at.as_str()), (Code::InvalidMatchConfig, "\"(a\""));
    assert!(message.starts_with("error creating span name filters: error parsing regexp: "), "{message}");
    let yaml =
        "processors:\n  filter:\n    metrics:\n      include:\n        match_type: regexp\n        metric_names: ['a{1001}']\n";
    assert!(one(yaml).2.starts_with("error parsing regexp"));
    let yaml = "processors:\n  filter:\n    logs:\n      exclude:\n        match_type: regexp\n        bodies: ['[z-a]']\n";
    assert!(one(yaml).2.starts_with("error creating log record body filters: error parsing regexp"));
    // Under `expr`, metric names are not patterns.
    clean("processors:\n  filter:\n    metrics:\n      include:\n        match_type: expr\n        metric_names: ['(']\n");
}

#[test]
fn attribute_matchers_need_a_key_and_a_string_under_regexp() {
    let yaml = "processors:\n  filter:\n    logs:\n      exclude:\n        match_type: regexp\n        record_attributes:\n          - key: a\n            value: 1\n";
    let (_, at, message) = one(yaml);
    assert_eq!(at, "1");
    assert_eq!(message, r#"error creating attribute filters: match_type=regexp for "a" only supports Str, but found Int"#);
    let yaml = "processors:\n  filter:\n    spans:\n      exclude:\n        match_type: strict\n        resources:\n          - value: x\n";
    assert_eq!(one(yaml).2, "error creating resource filters: can't have empty key in the list of attributes");
}

#[test]
fn log_matchers_need_a_known_severity() {
    let yaml = "processors:\n  filter:\n    logs:\n      include:\n        match_type: strict\n        severity_number:\n          min: infoo\n";
    let (code, at, message) = one(yaml);
    assert_eq!(
        (code, at.as_str(), message.as_str()),
        (Code::InvalidMatchConfig, "infoo", "'infoo' is not a valid severity: not a valid severity")
    );
    for min in ["info", "Warn4", "24", "1", "FATAL"] {
        clean(&format!("processors:\n  filter:\n    logs:\n      include:\n        severity_number:\n          min: {min}\n"));
    }
    for min in ["25", "0", "INFO5", "01"] {
        assert_eq!(
            errors(&format!(
                "processors:\n  filter:\n    logs:\n      include:\n        severity_number:\n          min: {min}\n"
            ))
            .len(),
            1,
            "{min}"
        );
    }
    // An empty block is ignored by the collector, match type and all.
    clean("processors:\n  filter:\n    logs:\n      include:\n        match_type: nonsense\n");
}

#[test]
fn errors_in_a_config_held_in_a_string_point_into_the_file() {
    let yaml = "data:\n  config.yaml: |\n    processors:\n      transform:\n        error_mode: panik\n";
    let (_, at, _) = one(yaml);
    assert_eq!(at, "panik");
}
