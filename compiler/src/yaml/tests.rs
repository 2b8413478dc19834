use std::fmt::Write as _;

use super::*;

/// The snippets of `yaml`, which must parse.
fn snippets(yaml: &str) -> Vec<EmbeddedOttl> {
    extract(yaml).unwrap_or_else(|e| panic!("{e}\n{yaml}"))
}

/// Every scalar of `yaml` is decoded again and compared with saphyr; returns the scalars whose
/// map fell back (the value and the style).
fn fallbacks(yaml: &str) -> Vec<String> {
    let idx = tree::CharIndex::new(yaml);
    let Ok(t) = tree::build(yaml, &idx) else {
        return Vec::new();
    };
    t.nodes
        .iter()
        .filter_map(|n| match n {
            tree::Node::Scalar(s) => Some(s),
            _ => None,
        })
        .filter(|s| !scalar_map::map_scalar(yaml, s.style, s.start, s.end, &s.value).is_exact())
        .map(|s| format!("{:?} {:?} at {}..{}", s.style, s.value, s.start, s.end))
        .collect()
}

/// Checks that `token` (the first occurrence in the snippet's text) maps to the place where
/// `anchor` (unique in the YAML) starts, and that the source of the token is the start of `anchor`:
/// the token as written in the YAML, escapes included, followed by whatever context makes `anchor`
/// unique.
#[track_caller]
fn assert_points(yaml: &str, s: &EmbeddedOttl, token: &str, anchor: &str) {
    let i = s.text.find(token).unwrap_or_else(|| panic!("{token:?} not in {:?}", s.text));
    let r = s.source_map.range_to_source(i..i + token.len());
    let want = yaml.find(anchor).unwrap_or_else(|| panic!("{anchor:?} not in the YAML"));
    assert_eq!(yaml.matches(anchor).count(), 1, "{anchor:?} is not unique in the YAML");
    assert_eq!(r.start, want, "start of {token:?} in {:?}", s.text);
    assert!(
        anchor.starts_with(&yaml[r.clone()]) && !r.is_empty(),
        "{token:?} maps to {:?}, not the start of {anchor:?}",
        &yaml[r]
    );
}

/// Line (1-based) and column (0-based, in characters) of a byte offset.
fn line_col(yaml: &str, offset: usize) -> (usize, usize) {
    let before = &yaml[..offset];
    let line_start = before.rfind('\n').map_or(0, |p| p + 1);
    (before.matches('\n').count() + 1, yaml[line_start..offset].chars().count())
}

/// Every character of the snippet maps to source text that decodes to it: itself, an escape, a
/// `''` or `$$` pair, or a line break for a folded break; and the mapped ranges move forward.
#[track_caller]
fn assert_consistent(yaml: &str, s: &EmbeddedOttl) {
    assert!(s.source_map.is_exact(), "fallback map for {:?}", s.text);
    assert_eq!(s.source_map.text_len(), s.text.len());
    let mut last_end = 0;
    for (i, c) in s.text.char_indices() {
        let r = s.source_map.range_to_source(i..i + c.len_utf8());
        assert!(r.start >= last_end, "map goes backwards at {i} in {:?}", s.text);
        last_end = r.end;
        let piece = &yaml[r];
        let ok = piece == c.to_string()
            || (c == '$' && piece == "$$")
            || (c == '\'' && piece == "''")
            || (piece.starts_with('\\') && piece.len() >= 2)
            || ((c == ' ' || c == '\n') && matches!(piece, "\n" | "\r\n" | "\r"));
        assert!(ok, "char {c:?} at {i} of {:?} maps to {piece:?}", s.text);
    }
    assert_eq!(s.source_map.to_source(s.text.len()), last_end.max(s.source_map.to_source(0)));
}

fn texts(found: &[EmbeddedOttl]) -> Vec<&str> {
    found.iter().map(|s| s.text.as_str()).collect()
}

// ---------------------------------------------------------------------------------------------
// Layouts

#[test]
fn transform_basic_layout() {
    let yaml = r#"
processors:
  transform/mask:
    error_mode: IGNORE
    trace_statements:
      - set(span.name, "x") where span.kind == 1
      - limit(span.attributes, 100, [])
    metric_statements:
      - convert_sum_to_gauge() where metric.name == "a"
    log_statements: [ 'set(log.body, "y") where log.severity_number < 9' ]
    profile_statements:
      - set(profile.attributes["tag"], "p")
"#;
    let found = snippets(yaml);
    assert_eq!(
        texts(&found),
        [
            r#"set(span.name, "x") where span.kind == 1"#,
            "limit(span.attributes, 100, [])",
            r#"convert_sum_to_gauge() where metric.name == "a""#,
            r#"set(log.body, "y") where log.severity_number < 9"#,
            r#"set(profile.attributes["tag"], "p")"#,
        ]
    );
    for s in &found {
        assert_eq!(s.kind, SnippetKind::Statement);
        assert_eq!(s.context, None);
        assert_eq!(s.error_mode.as_deref(), Some("ignore"));
        assert_eq!(s.component, "processors/transform/mask");
        assert!(!s.needs_env);
        assert_consistent(yaml, s);
        assert_eq!(&yaml[s.source_map.range_to_source(0..s.text.len())], s.text);
    }
    assert_points(yaml, &found[0], "where", "where span.kind");
    assert_points(yaml, &found[2], "\"a\"", "\"a\"");
    assert_points(yaml, &found[3], "where", "where log.severity");
    let at = found[3].source_map.to_source(found[3].text.find("where").unwrap());
    assert_eq!(line_col(yaml, at), (10, 42));
}

#[test]
fn transform_advanced_layout() {
    let yaml = r#"
processors:
  transform:
    error_mode: ignore
    metric_statements:
      - context: Metric
        error_mode: propagate
        conditions:
          - metric.type == METRIC_DATA_TYPE_SUM
        statements:
          - set(metric.description, "Sum") where metric.name == "s"
    log_statements:
      - conditions:
          - IsMap(log.body) and log.body["object"] != nil
        statements:
          - set(log.body, log.attributes["http.route"])
"#;
    let found = snippets(yaml);
    assert_eq!(found.len(), 4);
    let kinds: Vec<_> = found.iter().map(|s| s.kind).collect();
    assert_eq!(kinds, [SnippetKind::Condition, SnippetKind::Statement, SnippetKind::Condition, SnippetKind::Statement]);
    assert_eq!(found[0].context.as_ref().map(GivenContext::name), Some("metric"));
    assert_eq!(found[1].context.as_ref().map(GivenContext::name), Some("metric"));
    assert_eq!(found[0].error_mode.as_deref(), Some("propagate"));
    assert_eq!(found[2].context, None);
    assert_eq!(found[3].error_mode.as_deref(), Some("ignore"));
    assert_points(yaml, &found[1], "where", "where metric.name");
    assert_points(yaml, &found[2], "\"object\"", "\"object\"");
    for s in &found {
        assert_consistent(yaml, s);
    }
}

#[test]
fn transform_old_unprefixed_layout() {
    let yaml = r#"
processors:
  transform:
    trace_statements:
      - context: span
        statements:
          - set(attributes["x"], "y") where name == "GET /"
      - context: resource
        statements:
          - delete_key(attributes, "k8s.pod.uid")
"#;
    let found = snippets(yaml);
    assert_eq!(found.len(), 2);
    assert_eq!(found[0].context.as_ref().map(GivenContext::name), Some("span"));
    assert_eq!(found[1].context.as_ref().map(GivenContext::name), Some("resource"));
    assert_eq!(found[0].error_mode, None);
    assert_points(yaml, &found[0], "\"GET /\"", "\"GET /\"");
    assert_points(yaml, &found[1], "\"k8s.pod.uid\"", "\"k8s.pod.uid\"");
}

#[test]
fn filter_old_layout() {
    let yaml = r#"
processors:
  filter/ottl:
    error_mode: ignore
    traces:
      resource:
        - 'attributes["host.name"] == "localhost"'
      span:
        - 'attributes["container.name"] == "app_container_1"'
      spanevent:
        - 'IsMatch(name, ".*grpc.*")'
    metrics:
      metric:
          - 'name == "my.metric" and resource.attributes["my_label"] == "abc123"'
      datapoint:
          - 'metric.type == METRIC_DATA_TYPE_SUMMARY'
      include:
        match_type: strict
        metric_names: [not_ottl]
    logs:
      log_record:
        - 'IsMatch(body, ".*password.*")'
      exclude:
        match_type: regexp
        bodies: [also_not_ottl]
    profiles:
      profile:
        - 'duration_unix_nano > 3000'
"#;
    let found = snippets(yaml);
    let contexts: Vec<_> = found.iter().map(|s| s.context.as_ref().map(GivenContext::name).unwrap()).collect();
    assert_eq!(contexts, ["resource", "span", "spanevent", "metric", "datapoint", "log", "profile"]);
    for s in &found {
        assert_eq!(s.kind, SnippetKind::Condition);
        assert_eq!(s.error_mode.as_deref(), Some("ignore"));
        assert_eq!(s.component, "processors/filter/ottl");
        assert_eq!(&yaml[s.source_map.range_to_source(0..s.text.len())], s.text);
    }
    assert_points(yaml, &found[3], "and", "and resource");
    assert_points(yaml, &found[5], "\".*password.*\"", "\".*password.*\"");
}

#[test]
fn filter_new_layout() {
    let yaml = r#"
processors:
  filter:
    error_mode: silent
    trace_conditions:
      - resource.attributes["host.name"] == "localhost"
      - IsMatch(spanevent.name, ".*grpc.*")
    log_conditions:
      - context: LOG
        error_mode: propagate
        conditions:
          - log.severity_number < SEVERITY_NUMBER_WARN
      - conditions:
          - resource.attributes["service.name"] == "noisy"
        statements: [ "not for filters" ]
    metric_conditions: {not: a list}
    profile_conditions: 42
"#;
    let found = snippets(yaml);
    assert_eq!(
        texts(&found),
        [
            r#"resource.attributes["host.name"] == "localhost""#,
            r#"IsMatch(spanevent.name, ".*grpc.*")"#,
            "log.severity_number < SEVERITY_NUMBER_WARN",
            r#"resource.attributes["service.name"] == "noisy""#,
        ]
    );
    assert!(found.iter().all(|s| s.kind == SnippetKind::Condition));
    assert_eq!(found[0].context, None);
    assert_eq!(found[2].context.as_ref().map(GivenContext::name), Some("log"));
    assert_eq!(found[2].error_mode.as_deref(), Some("propagate"));
    assert_eq!(found[3].context, None);
    assert_eq!(found[3].error_mode.as_deref(), Some("silent"));
    assert_points(yaml, &found[1], "\".*grpc.*\"", "\".*grpc.*\"");
    assert_points(yaml, &found[2], "<", "<");
}

#[test]
fn routing_connector() {
    let yaml = r#"
connectors:
  routing/tenants:
    default_pipelines: [logs/other]
    error_mode: ignore
    table:
      - context: request
        condition: request["X-Tenant"] == "acme"
        pipelines: [logs/acme]
      - statement: route() where attributes["env"] == "prod"
        pipelines: [logs/prod]
      - context: log
        condition: severity_number < SEVERITY_NUMBER_ERROR
        pipelines: [logs/cheap]
      - route(["logs/x"]) where attributes["x"] == true
  routing:
    table:
      - condition: "true"
        pipelines: [logs/all]
"#;
    let found = snippets(yaml);
    let summary: Vec<_> = found
        .iter()
        .map(|s| (s.kind, s.context.as_ref().map(GivenContext::name).unwrap(), s.error_mode.as_deref(), s.component.as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            (SnippetKind::Condition, "request", Some("ignore"), "connectors/routing/tenants"),
            (SnippetKind::Statement, "resource", Some("ignore"), "connectors/routing/tenants"),
            (SnippetKind::Condition, "log", Some("ignore"), "connectors/routing/tenants"),
            (SnippetKind::Statement, "resource", Some("ignore"), "connectors/routing/tenants"),
            (SnippetKind::Condition, "resource", None, "connectors/routing"),
        ]
    );
    assert_eq!(found[4].text, "true");
    assert_points(yaml, &found[0], "\"acme\"", "\"acme\"");
    assert_points(yaml, &found[1], "where", "where attributes[\"env\"]");
    assert_points(yaml, &found[3], "where", "where attributes[\"x\"]");
}

#[test]
#[allow(clippy::too_many_lines)]
fn routing_processor_tail_sampling_count_and_sum() {
    let yaml = r#"
processors:
  routing:
    table:
      - statement: route() where resource.attributes["tenant"] == "a"
        exporters: [otlp/a]
  tail_sampling:
    policies:
      - name: ottl
        type: ottl_condition
        ottl_condition:
          error_mode: ignore
          span:
            - attributes["k"] == "v1"
          spanevent: ["name != \"ev\""]
      - name: both
        type: and
        and:
          and_sub_policy:
            - name: inner
              type: ottl_condition
              ottl_condition:
                span: [ 'attributes["inner"] == 1' ]
      - name: wrong-type
        type: latency
        ottl_condition:
          span: [ 'never reported' ]
connectors:
  count:
    spans:
      span.error.count:
        conditions:
          - status.code == 2
    logs:
      log.count:
        description: all logs
  sum/bytes:
    datapoints:
      bytes.sum:
        source_attribute: bytes
        conditions: [ 'attributes["dir"] == "in"' ]
"#;
    let found = snippets(yaml);
    let summary: Vec<_> = found
        .iter()
        .map(|s| {
            (s.text.as_str(), s.kind, s.context.as_ref().map(GivenContext::name), s.error_mode.as_deref(), s.component.as_str())
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                r#"route() where resource.attributes["tenant"] == "a""#,
                SnippetKind::Statement,
                Some("resource"),
                None,
                "processors/routing"
            ),
            (r#"attributes["k"] == "v1""#, SnippetKind::Condition, Some("span"), Some("ignore"), "processors/tail_sampling"),
            (r#"name != "ev""#, SnippetKind::Condition, Some("spanevent"), Some("ignore"), "processors/tail_sampling"),
            (r#"attributes["inner"] == 1"#, SnippetKind::Condition, Some("span"), None, "processors/tail_sampling"),
            ("status.code == 2", SnippetKind::Condition, Some("span"), None, "connectors/count"),
            (r#"attributes["dir"] == "in""#, SnippetKind::Condition, Some("datapoint"), None, "connectors/sum/bytes"),
        ]
    );
    assert_points(yaml, &found[2], "\"ev\"", "\\\"ev\\\"");
    for s in &found {
        assert_consistent(yaml, s);
    }
}

#[test]
fn wrong_shapes_yield_nothing() {
    let yaml = r#"
processors:
  transform/a:
    trace_statements: {set: x}
    log_statements: "set(log.body, 1)"
    metric_statements:
      - 42
      - true
      - null
      -
      - [nested]
      - {context: metric, statements: 7}
      - ok()
  transform/b: ~
  filter:
    traces: [span]
    logs:
      log_record: {a: b}
  routing:
    table: {statement: x}
connectors:
  routing:
    table:
      - statement: [a]
      - condition: 3
      - 17
"#;
    assert_eq!(texts(&snippets(yaml)), ["ok()"]);
}

#[test]
fn anchors_aliases_and_merge_keys() {
    let yaml = r#"
common: &stmts
  - set(attributes["a"], "1") where name == "n"
  - &one delete_key(attributes, "x")
processors:
  transform/first:
    trace_statements: *stmts
  transform/second:
    log_statements:
      - *one
      - context: log
        statements: *stmts
  transform/base: &base
    error_mode: propagate
    metric_statements: ["set(metric.unit, \"s\")"]
  transform/derived:
    <<: *base
    error_mode: ignore
  filter/unknown_alias_target:
    traces:
      span: *nothing_here_is_not_an_error_for_saphyr_it_is
"#;
    // An alias to an unknown anchor is a parse error.
    assert!(extract(yaml).is_err());
    let yaml = yaml.replace("*nothing_here_is_not_an_error_for_saphyr_it_is", "*base");
    let found = snippets(&yaml);
    let summary: Vec<_> = found.iter().map(|s| (s.component.as_str(), s.text.as_str(), s.error_mode.as_deref())).collect();
    assert_eq!(
        summary,
        [
            ("processors/transform/first", r#"set(attributes["a"], "1") where name == "n""#, None),
            ("processors/transform/first", r#"delete_key(attributes, "x")"#, None),
            ("processors/transform/second", r#"delete_key(attributes, "x")"#, None),
            ("processors/transform/second", r#"set(attributes["a"], "1") where name == "n""#, None),
            ("processors/transform/second", r#"delete_key(attributes, "x")"#, None),
            ("processors/transform/base", r#"set(metric.unit, "s")"#, Some("propagate")),
            ("processors/transform/derived", r#"set(metric.unit, "s")"#, Some("ignore")),
        ]
    );
    // Every use of an aliased string points at the anchored original.
    for s in &found[..5] {
        if s.text.starts_with("delete_key") {
            assert_points(&yaml, s, "\"x\"", "\"x\"");
        } else {
            assert_points(&yaml, s, "where", "where");
        }
    }
    assert_points(&yaml, &found[6], "\"s\"", "\\\"s\\\"");
}

#[test]
fn multiple_documents_are_all_scanned() {
    let yaml = "processors:\n  transform:\n    log_statements: [a()]\n---\nconnectors:\n  routing:\n    table:\n      - condition: b == 1\n...\n---\n# nothing\n";
    let found = snippets(yaml);
    assert_eq!(texts(&found), ["a()", "b == 1"]);
    assert_points(yaml, &found[1], "==", "==");
}

#[test]
fn nested_and_embedded_configs() {
    // A Kubernetes ConfigMap holding the config as a string, and an OpenTelemetryCollector
    // resource holding it as a mapping.
    let yaml = "apiVersion: v1\nkind: ConfigMap\ndata:\n  config.yaml: |\n    receivers: {}\n    processors:\n      transform:\n        log_statements:\n          - 'set(log.body, \"it''s\") where log.body == \"$$x\"'\n          - \"set(log.attributes[\\\"k\\\"], 1)\"\n---\napiVersion: opentelemetry.io/v1beta1\nkind: OpenTelemetryCollector\nspec:\n  config:\n    connectors:\n      routing:\n        table:\n          - condition: attributes[\"n\"] == \"v\"\n            pipelines: [logs/x]\n    service:\n      pipelines:\n        logs: {processors: [transform]}\n";
    let found = snippets(yaml);
    assert_eq!(
        texts(&found),
        [r#"attributes["n"] == "v""#, r#"set(log.body, "it's") where log.body == "$x""#, r#"set(log.attributes["k"], 1)"#]
    );
    assert_points(yaml, &found[0], "\"v\"", "\"v\"");
    assert_points(yaml, &found[1], "where", "where log.body");
    assert_points(yaml, &found[1], "it's", "it''s");
    assert_points(yaml, &found[1], "$x", "$$x");
    assert_points(yaml, &found[2], "\"k\"", "\\\"k\\\"");
    assert_eq!(found[1].component, "processors/transform");
    for s in &found {
        assert!(s.source_map.is_exact());
    }
}

#[test]
fn not_a_collector_config() {
    assert!(snippets("").is_empty());
    assert!(snippets("   \n# just a comment\n").is_empty());
    assert!(snippets("plain scalar document").is_empty());
    assert!(snippets("- 1\n- 2\n").is_empty());
    assert!(snippets("name: demo\nservice:\n  pipelines:\n    logs:\n      processors: [transform]\n").is_empty());
    assert!(snippets("processors: [transform]\nconnectors: 3\n").is_empty());
    assert!(snippets("processors:\n  batch: {}\n  memory_limiter:\n    check_interval: 1s\n").is_empty());
    let doc = "description: |\n  processors:\n    not: yaml: at: all\n";
    assert!(snippets(doc).is_empty());
}

// ---------------------------------------------------------------------------------------------
// Scalar styles and source positions

#[test]
fn double_quoted_with_escaped_quotes_before_the_token() {
    let yaml = "processors:\n  transform:\n    log_statements:\n      - \"set(attributes[\\\"a\\\\\\\\b\\\"], \\\"c\\\\\\\"d\\\") where name == \\\"x\\\"\"\n";
    let found = snippets(yaml);
    assert_eq!(found[0].text, r#"set(attributes["a\\b"], "c\"d") where name == "x""#);
    assert_points(yaml, &found[0], "where", "where");
    assert_points(yaml, &found[0], "name", "name");
    assert_points(yaml, &found[0], "\"x\"", "\\\"x\\\"");
    assert_points(yaml, &found[0], "\\\\", "\\\\\\\\");
    assert_consistent(yaml, &found[0]);
    let at = found[0].source_map.to_source(found[0].text.find("where").unwrap());
    assert_eq!(line_col(yaml, at), (4, 49));
}

#[test]
fn double_quoted_multi_line_and_escaped_break() {
    let yaml = "processors:\n  filter:\n    trace_conditions:\n      - \"attributes[\\\"a\\\"] == 1 and\n        name == \\\"n\\\" \\\n        or kind == 2\"\n";
    let found = snippets(yaml);
    assert_eq!(found[0].text, r#"attributes["a"] == 1 and name == "n" or kind == 2"#);
    assert_points(yaml, &found[0], "name", "name");
    assert_points(yaml, &found[0], "or", "or kind");
    assert_consistent(yaml, &found[0]);
}

#[test]
fn single_quoted_with_doubled_quotes() {
    let yaml = "processors:\n  transform:\n    log_statements:\n      - 'set(body, \"it''s\") where attributes[''k''] == ''v'''\n      - 'replace_pattern(body, \"a\n        b\", \"c\")'\n";
    let found = snippets(yaml);
    assert_eq!(found[0].text, r#"set(body, "it's") where attributes['k'] == 'v'"#);
    assert_points(yaml, &found[0], "where", "where");
    assert_points(yaml, &found[0], "'v'", "''v''");
    assert_eq!(found[1].text, r#"replace_pattern(body, "a b", "c")"#);
    assert_points(yaml, &found[1], "b\"", "b\"");
    for s in &found {
        assert_consistent(yaml, s);
    }
}

#[test]
fn folded_block_statements() {
    let yaml = "processors:\n  transform:\n    log_statements:\n      - >-\n        set(log.attributes[\"level\"], \"error\")\n        where IsMatch(log.body, \"ERROR\")\n          and true\n      - >\n        short\n";
    let found = snippets(yaml);
    assert_eq!(found[0].text, "set(log.attributes[\"level\"], \"error\") where IsMatch(log.body, \"ERROR\")\n  and true");
    assert_eq!(found[1].text, "short\n");
    assert_points(yaml, &found[0], "where", "where");
    assert_points(yaml, &found[0], "\"ERROR\"", "\"ERROR\"");
    assert_points(yaml, &found[0], "and", "and");
    for s in &found {
        assert_consistent(yaml, s);
    }
}

#[test]
fn literal_block_conditions() {
    let yaml = "connectors:\n  routing:\n    table:\n      - condition: |\n          attributes[\"a\"] == \"b\" or\n            attributes[\"c\"] == \"d\"\n        pipelines: [x]\nprocessors:\n  filter:\n    trace_conditions:\n      - |2-\n           IsMatch(name, \"^/health\")\n";
    let found = snippets(yaml);
    assert_eq!(found[0].text, "attributes[\"a\"] == \"b\" or\n  attributes[\"c\"] == \"d\"\n");
    assert_points(yaml, &found[0], "\"d\"", "\"d\"");
    // `|2` counts from the sequence's indentation (6), as saphyr reads it.
    assert_eq!(found[1].text, "   IsMatch(name, \"^/health\")");
    assert_points(yaml, &found[1], "IsMatch", "IsMatch");
    for s in &found {
        assert_consistent(yaml, s);
    }
}

#[test]
fn plain_multi_line_statements() {
    let yaml = "processors:\n  transform:\n    log_statements:\n      - set(log.attributes[\"x\"], \"y\")\n        where log.attributes[\"z\"] ==\n          \"w\"   # trailing comment\n      - next()\n";
    let found = snippets(yaml);
    assert_eq!(found[0].text, "set(log.attributes[\"x\"], \"y\") where log.attributes[\"z\"] == \"w\"");
    assert_points(yaml, &found[0], "where", "where");
    assert_points(yaml, &found[0], "\"w\"", "\"w\"");
    assert_eq!(found[1].text, "next()");
    for s in &found {
        assert_consistent(yaml, s);
    }
}

#[test]
fn flow_sequences() {
    let yaml = "processors:\n  filter:\n    traces:\n      span: [ \"name == \\\"a\\\"\", 'kind == 2', name != nil,\n              \"IsMatch(name,\n                \\\"b\\\")\", plain\n   continued ]\n";
    let found = snippets(yaml);
    assert_eq!(texts(&found), [r#"name == "a""#, "kind == 2", "name != nil", r#"IsMatch(name, "b")"#, "plain continued"]);
    assert_points(yaml, &found[1], "2", "2");
    assert_points(yaml, &found[2], "nil", "nil");
    assert_points(yaml, &found[3], "\"b\"", "\\\"b\\\"");
    assert_points(yaml, &found[4], "continued", "continued");
    for s in &found {
        assert_consistent(yaml, s);
    }
}

#[test]
fn dollar_escapes_and_env_references() {
    let yaml = "processors:\n  transform:\n    log_statements:\n      - replace_pattern(body, \"(\\\\d+)\", \"$$1\") where body != \"x\"\n      - set(attributes[\"env\"], \"${env:DEPLOY_ENV}\") where name == \"y\"\n      - set(attributes[\"lit\"], \"$${not_env}\") where name == \"z\"\n      - 'set(attributes[\"cost\"], \"$$$$5\") where name == \"w\"'\n";
    let found = snippets(yaml);
    assert_eq!(found[0].text, r#"replace_pattern(body, "(\\d+)", "$1") where body != "x""#);
    assert!(!found[0].needs_env);
    assert_points(yaml, &found[0], "$1", "$$1");
    assert_points(yaml, &found[0], "where", "where body");
    assert_eq!(found[0].source_map.to_source(found[0].text.find('$').unwrap()), yaml.find("$$").unwrap());
    assert!(found[1].needs_env);
    assert_points(yaml, &found[1], "where", "where name == \"y\"");
    assert_eq!(found[2].text, r#"set(attributes["lit"], "${not_env}") where name == "z""#);
    assert!(!found[2].needs_env);
    assert_points(yaml, &found[2], "where", "where name == \"z\"");
    assert_eq!(found[3].text, r#"set(attributes["cost"], "$$5") where name == "w""#);
    assert_points(yaml, &found[3], "where", "where name == \"w\"");
    for s in &found {
        assert_consistent(yaml, s);
    }
}

#[test]
fn tabs_and_spaces() {
    let yaml = "processors:\n  transform:\n    log_statements:\n      - set(x,\t\"t\")\twhere\ty == 1 \t# comment\n      - \"set(x, \\t\\\"u\\\")\twhere y == 2\"\n      - |\n        set(x,\t\"v\")\n        \twhere y == 3\n";
    let found = snippets(yaml);
    assert_eq!(found[0].text, "set(x,\t\"t\")\twhere\ty == 1");
    assert_points(yaml, &found[0], "where", "where\ty == 1");
    assert_eq!(found[1].text, "set(x, \t\"u\")\twhere y == 2");
    assert_points(yaml, &found[1], "where", "where y == 2");
    assert_points(yaml, &found[1], "\t", "\\t");
    assert_eq!(found[2].text, "set(x,\t\"v\")\n\twhere y == 3\n");
    assert_points(yaml, &found[2], "where", "where y == 3");
    for s in &found {
        assert_consistent(yaml, s);
    }
}

#[test]
fn crlf_line_endings() {
    let yaml = "processors:\r\n  transform:\r\n    error_mode: ignore\r\n    log_statements:\r\n      - set(a, \"b\")\r\n        where c == \"d\"\r\n      - 'set(e, 1)\r\n\r\n        where f'\r\n      - \"set(g, \\\r\n        2) where h\"\r\n      - >-\r\n        set(i, 3)\r\n        where j\r\n      - |\r\n        set(k, 4)\r\n        where l\r\n";
    let found = snippets(yaml);
    assert_eq!(
        texts(&found),
        [
            "set(a, \"b\") where c == \"d\"",
            "set(e, 1)\nwhere f",
            "set(g, 2) where h",
            "set(i, 3) where j",
            "set(k, 4)\nwhere l\n"
        ]
    );
    for (s, at) in found.iter().zip(["where c", "where f", "where h", "where j", "where l"]) {
        assert_points(yaml, s, "where", at);
        assert_consistent(yaml, s);
    }
    assert_eq!(&yaml[found[0].source_map.range_to_source(11..12)], "\r\n");
}

#[test]
fn non_ascii_offsets_are_bytes() {
    let yaml = "# ünïcödé header\nprocessors:\n  transform:\n    log_statements:\n      - \"set(attributes[\\\"ü\\\"], \\\"é\\\") where name == \\\"x\\\"\"\n      - 'set(attributes[\"日本\"], \"😀\") where name == ''ö'''\n      - \"set(attributes[\\\"ß\\\"], \\\"\\u00e9\\\") where name == \\\"€\\\"\"\n";
    let found = snippets(yaml);
    assert_eq!(found[0].text, "set(attributes[\"ü\"], \"é\") where name == \"x\"");
    assert_points(yaml, &found[0], "where", "where name == \\\"x");
    assert_points(yaml, &found[0], "ü", "ü\\\"]");
    assert_points(yaml, &found[1], "where", "where name == ''ö");
    assert_points(yaml, &found[1], "😀", "😀");
    assert_eq!(found[2].text, "set(attributes[\"ß\"], \"é\") where name == \"€\"");
    assert_points(yaml, &found[2], "\"€\"", "\\\"€\\\"");
    for s in &found {
        assert_consistent(yaml, s);
    }
    // Inside a multi-byte character, offsets map to the corresponding byte.
    let s = &found[1];
    let i = s.text.find('😀').unwrap();
    assert_eq!(s.source_map.to_source(i + 2), yaml.find('😀').unwrap() + 2);
    // A \u escape maps every byte of its character to the whole escape.
    let s = &found[2];
    let i = s.text.find('é').unwrap();
    assert_eq!(&yaml[s.source_map.range_to_source(i + 1..i + 2)], "\\u00e9");
}

// ---------------------------------------------------------------------------------------------
// Errors and hostile input

#[test]
fn malformed_yaml_is_an_error_with_a_span() {
    let yaml = "processors:\n  transform:\n    log_statements:\n      - \"unterminated\n";
    let err = extract(yaml).unwrap_err();
    assert!(!err.message.is_empty());
    assert!(err.span.start <= yaml.len() && err.span.end <= yaml.len());
    let yaml = "processors:\n  transform: [a, b\n  filter: {}\n";
    let err = extract(yaml).unwrap_err();
    assert!(err.span.start > 0, "{err:?}");
    let yaml = "a: b: c\n";
    assert!(extract(yaml).is_err());
    let yaml = "k: \"é\\q\"\n";
    let err = extract(yaml).unwrap_err();
    assert!(yaml.is_char_boundary(err.span.start) && yaml.is_char_boundary(err.span.end));
    assert!(err.to_string().contains("invalid YAML"));
    assert!(extract("a: b\u{0}c: d\n").is_err());
}

#[test]
fn deep_nesting_does_not_overflow() {
    let deep = "[".repeat(10_000);
    assert!(extract(&deep).is_err());
    let deep = "{a: ".repeat(10_000);
    assert!(extract(&deep).is_err());
    let block: String = (0..1000).map(|i| " ".repeat(i) + "k" + &i.to_string() + ":\n").collect();
    assert!(extract(&block).unwrap_err().message.contains("nesting"));
}

#[test]
fn alias_bombs_stay_cheap() {
    let mut yaml = String::from("a0: &a0 [x, y]\n");
    for i in 1..40 {
        let previous = i - 1;
        writeln!(yaml, "a{i}: &a{i} [*a{previous}, *a{previous}]").unwrap();
    }
    yaml.push_str("processors:\n  transform:\n    log_statements: *a39\n");
    // Nothing under the alias is a string of the list itself, and the search must not explode.
    assert!(snippets(&yaml).is_empty());

    // Every alias of a group repeats its statements: 3,000 aliases of 100 statements would be
    // 300,000 snippets from a 20 kB file.
    let statements: Vec<String> = (0..100).map(|i| format!("s{i}()")).collect();
    let mut yaml = format!("g: &g {{statements: [{}]}}\n", statements.join(", "));
    yaml += "processors:\n  transform:\n    log_statements: [";
    yaml += &vec!["*g"; 3000].join(", ");
    yaml += "]\n";
    let err = extract(&yaml).unwrap_err();
    assert!(err.message.contains("aliases"), "{err:?}");
    // A merge chain of aliases is merged once per mapping.
    let mut yaml = String::from("m0: &m0 {a: 1}\n");
    for i in 1..30 {
        let previous = i - 1;
        writeln!(yaml, "m{i}: &m{i} {{<<: [*m{previous}, *m{previous}, *m{previous}]}}").unwrap();
    }
    yaml += "processors:\n  transform:\n    <<: *m29\n    log_statements: [ok()]\n";
    assert_eq!(texts(&snippets(&yaml)), ["ok()"]);
}

/// A small deterministic generator for the mutation test.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n.max(1) as u64).unwrap_or(0)
    }
}

const FUZZ_SEEDS: &[&str] = &[
    "processors:\n  transform:\n    log_statements:\n      - set(a, \"b\") where c\n      - 'x ''y'' z'\n      - \"p \\\"q\\\" \\u00e9 r\"\n      - >-\n        folded\n        text\n\n        more\n      - |+\n        literal\n          kept\n\n",
    "connectors:\n  routing:\n    table:\n      - condition: \"a\n\n         b\"\n      - statement: |2\n           x\n          y\n    error_mode: ignore\n",
    "processors:\n  filter:\n    traces:\n      span: [ \"a\", 'b', c d\n        e, &x f ]\n    logs: {log_record: [*x, !!str g]}\n",
];

/// Random edits of small configs and of the real-world corpus: `extract` never panics, and when it
/// succeeds every snippet's map is consistent; every scalar saphyr accepts is decoded exactly.
#[test]
fn mutations_never_panic_and_maps_stay_exact() {
    const PIECES: &[&str] = &[
        "\"", "'", "\\", "\n", "\r\n", " ", "\t", "|", ">", "-", ":", "#", "&a ", "*a", "!", "[", "]", "{", "}", ",", "$$", "''",
        "\\\"", "é", "😀", "\n  ", "\n\n", "|-\n  ", ">+\n", "|2\n", "---\n",
    ];
    let mut seeds: Vec<String> = FUZZ_SEEDS.iter().map(ToString::to_string).collect();
    seeds.extend(corpus().into_iter().map(|(_, text)| text));
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let mut problems = Vec::new();
    // More rounds on demand: OTTL_YAML_FUZZ_ROUNDS=100000 cargo test --release mutations
    let rounds = std::env::var("OTTL_YAML_FUZZ_ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(500);
    for round in 0..rounds {
        let seed = &seeds[round % seeds.len()];
        let mut text = seed.clone();
        for _ in 0..=rng.below(2) {
            let mut at = rng.below(text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            match rng.below(3) {
                0 => text.insert_str(at, PIECES[rng.below(PIECES.len())]),
                1 => {
                    let len = text[at..].chars().next().map_or(0, char::len_utf8);
                    text.replace_range(at..at + len, "");
                }
                _ => {
                    let piece = text[at..].chars().take(rng.below(8)).collect::<String>();
                    text.insert_str(at, &piece);
                }
            }
        }
        if let Ok(found) = extract(&text) {
            for s in &found {
                if s.source_map.is_exact() {
                    assert_consistent(&text, s);
                }
            }
        }
        for f in fallbacks(&text) {
            problems.push(format!("{f} in {text:?}"));
        }
    }
    assert!(problems.is_empty(), "{} fallbacks, e.g.:\n{}", problems.len(), problems[..problems.len().min(5)].join("\n"));
}

// ---------------------------------------------------------------------------------------------
// The real-world corpus

/// The number of OTTL items `SOURCES.md` lists for each real-world config. The Alloy snippet
/// inside a Helm values string is not collector YAML and is not found.
const EXPECTED_COUNTS: &[(&str, usize)] = &[
    ("alloy-scenarios__cost-control__config-otel.yaml", 8),
    ("alloy-scenarios__count-connector__config-otel.yaml", 2),
    ("dynatrace__k8s_pod_logs.yaml", 20),
    ("dynatrace__masking_creditcards.yaml", 9),
    ("hyperdx__otel-collector-config.standalone.yaml", 1),
    ("hyperdx__otel-collector-config.yaml", 36),
    ("k8s-monitoring-helm__scrub-log-pii__values.yaml", 0),
    ("kyma__metricagent__user-defined-filters.yaml", 24),
    ("newrelic__nr-k8s-otel-collector__daemonset-configmap.yaml", 116),
    ("ops-agent__golden__logging-otel-processor_exclude_logs__otel.yaml", 91),
    ("otel-demo__otelcol-config__2024-02-02.yaml", 3),
    ("otel-demo__otelcol-config__HEAD.yaml", 8),
    ("sapcc__audit-logs-collector__processors.yaml", 98),
    ("solarwinds__gateway-collector-config__processors.yaml", 62),
    ("sumologic__opamp-tailsampling-processor-config.yaml", 4),
];

/// The real-world collector configs, the project's copy in `tests/realworld/configs`.
fn corpus() -> Vec<(String, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/realworld/configs");
    assert!(std::path::Path::new(dir).is_dir(), "the real-world corpus is missing: {dir}");
    let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .filter_map(|p| Some((p.file_name()?.to_string_lossy().into_owned(), std::fs::read_to_string(&p).ok()?)))
        .collect();
    files.sort();
    files
}

#[test]
fn realworld_configs_map_exactly() {
    for (name, yaml) in corpus() {
        let found = extract(&yaml).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(fallbacks(&yaml).is_empty(), "{name}: {:?}", fallbacks(&yaml));
        for s in &found {
            assert_consistent(&yaml, s);
            let r = s.source_map.range_to_source(0..s.text.len());
            let raw = &yaml[r.clone()];
            let simple = !raw.contains(['\n', '\r', '\\']) && !raw.contains("''") && !raw.contains("$$");
            if simple {
                assert_eq!(raw, s.text, "{name}");
                let before = &yaml[..r.start];
                let after = &yaml[r.end..];
                let quoted = before.ends_with(['"', '\'']) && after.starts_with(['"', '\'']);
                let plain = !before.ends_with(['"', '\'']);
                assert!(quoted || plain, "{name}: {:?} is not the whole scalar", s.text);
            }
        }
        let expected = EXPECTED_COUNTS.iter().find(|(file, _)| *file == name).map_or(found.len(), |(_, n)| *n);
        assert_eq!(found.len(), expected, "{name}");
    }
}

/// Random scalars of every style in random positions: whenever saphyr accepts the document, every
/// scalar must be decoded again exactly (no fallback map).
#[test]
#[allow(clippy::too_many_lines)]
fn generated_scalars_map_exactly() {
    const WORDS: &[&str] = &[
        "a",
        "set(x,",
        "\"y\")",
        "where",
        "==",
        "#",
        "a#b",
        ":",
        "a:b",
        "-",
        "'",
        "''",
        "\\",
        "\\\\",
        "\\\"",
        "\\n",
        "\\t",
        "\\u00e9",
        "\\x41",
        "\\U0001F600",
        "é",
        "日本",
        "😀",
        "$$",
        "${env:A}",
        "[",
        "]",
        "{",
        "}",
        ",",
        "!",
        "&",
        "*",
        "|",
        ">",
        "%",
        "@",
        "`",
        "?",
    ];
    const SPACES: &[&str] = &[" ", "  ", "\t", " \t "];
    let rounds = std::env::var("OTTL_YAML_GEN_ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(3000);
    let mut rng = XorShift(0x2545_F491_4F6C_DD1D);
    let mut accepted = 0;
    let mut problems = Vec::new();
    for _ in 0..rounds {
        let nl = ["\n", "\n", "\r\n", "\r"][rng.below(4)];
        let base = rng.below(3) * 2;
        let indent = " ".repeat(base + 2 + rng.below(3));
        let mut body = String::new();
        let lines = 1 + rng.below(4);
        for l in 0..lines {
            if l > 0 {
                for _ in 0..rng.below(3) {
                    body.push_str(nl);
                    if rng.below(2) == 0 {
                        body.push_str(&" ".repeat(rng.below(indent.len() + 4)));
                    }
                }
                body.push_str(nl);
                body.push_str(&indent);
                body.push_str(&" ".repeat(rng.below(3)));
            }
            for w in 0..=rng.below(4) {
                if w > 0 {
                    body.push_str(SPACES[rng.below(SPACES.len())]);
                }
                body.push_str(WORDS[rng.below(WORDS.len())]);
            }
            if rng.below(4) == 0 {
                body.push_str(SPACES[rng.below(SPACES.len())]);
            }
        }
        let props = match rng.below(6) {
            0 => "&p ",
            1 => "!!str ",
            2 => "&p !!str ",
            _ => "",
        };
        let scalar = match rng.below(5) {
            0 => body.clone(),
            1 => format!("'{body}'"),
            2 => format!("\"{body}\""),
            _ => {
                let header = ["|", "|-", "|+", ">", ">-", ">+", "|1", "|2-", ">1+", "| # c", ">- #c"][rng.below(11)];
                let lines: Vec<&str> = body.split(nl).collect();
                let mut block = format!("{header}{nl}");
                for _ in 0..rng.below(2) {
                    block.push_str(nl);
                }
                for line in lines {
                    block.push_str(&indent);
                    match rng.below(6) {
                        0 => block.push_str("  "),
                        1 => block.push('\t'),
                        _ => {}
                    }
                    block.push_str(line.trim_start_matches(' '));
                    block.push_str(nl);
                }
                for _ in 0..rng.below(3) {
                    block.push_str(&" ".repeat(rng.below(indent.len() + 2)));
                    block.push_str(nl);
                }
                block
            }
        };
        let pad = " ".repeat(base);
        let doc = match rng.below(5) {
            4 => format!("--- {props}{scalar}{nl}...{nl}--- {props}{scalar}"),
            0 => format!("{pad}k: {props}{scalar}{nl}{pad}next: 1{nl}"),
            1 => format!("{pad}- {props}{scalar}{nl}{pad}- 2{nl}"),
            2 => format!("{pad}k:{nl}{indent}{props}{scalar}{nl}"),
            _ => format!("{pad}k: [ {props}{scalar} , x ]{nl}"),
        };
        let doc = if base > 0 { format!("root:{nl}{doc}") } else { doc };
        let idx = tree::CharIndex::new(&doc);
        if tree::build(&doc, &idx).is_err() {
            continue;
        }
        accepted += 1;
        for f in fallbacks(&doc) {
            problems.push(format!("{f} in {doc:?}"));
        }
    }
    eprintln!("generated: {accepted} of {rounds} parse");
    assert!(accepted > rounds / 10, "only {accepted} of {rounds} generated documents parse");
    assert!(problems.is_empty(), "{} fallbacks, e.g.:\n{}", problems.len(), problems[..problems.len().min(8)].join("\n"));
}

/// Corners of the YAML grammar that the generator does not reach.
#[test]
fn unusual_documents_map_exactly() {
    let docs = [
        "--- |\nat column zero\n  more\n---\nnext: doc\n",
        "--- >-\nfolded at\ncolumn zero\n...\n",
        "\u{FEFF}k: 'after a byte order mark é'\n",
        "k: a\rb: 'c\r  d'\r",
        "k: \"tab\tinside\" # c\n",
        "k: plain\t \n  continued\t\n\n\t\n  again\n",
        "? complex key\n: value\n",
        "k: !custom 'tagged'\nl: !<tag:yaml.org,2002:str> verbatim\n",
        "k: &a\n  # comment between the property and the value\n  'value'\n",
        "k: [a, 'b', \"c\", {d: e}, [f]]\n",
        "- - - nested\n    - x\n",
        "k: |+\n\n  \n   \n",
        "k: >2\n    more\n  less\n\n    more\n",
        "k: \"a\\\n  \\ b\\\n\n  c\"\n",
        "k: 'trailing   \n\n   '\n",
        "k: \"\\\r\n  crlf\"\r\n",
    ];
    for doc in docs {
        assert!(fallbacks(doc).is_empty(), "{doc:?}: {:?}", fallbacks(doc));
        let idx = tree::CharIndex::new(doc);
        let t = tree::build(doc, &idx).unwrap_or_else(|e| panic!("{doc:?}: {e}"));
        assert!(!t.nodes.is_empty(), "{doc:?}");
    }
}

#[test]
fn a_key_defined_twice_is_refused_as_go_yaml_refuses_it() {
    let yaml =
        "exporters:\n  otlp:\n    sending_queue: {}\n    endpoint: x\n    sending_queue: {}\nprocessors:\n  <<: {}\n  <<: {}\n";
    let extracted = extract_all(yaml).unwrap();
    let [duplicate] = &extracted.duplicate_keys[..] else { panic!("{:?}", extracted.duplicate_keys) };
    assert_eq!(duplicate.message, "mapping key \"sending_queue\" already defined at line 3");
    assert_eq!(&yaml[duplicate.span.clone()], "sending_queue");
    assert!(extract_all("a: {b: 1}\nc: {b: 1}\n").unwrap().duplicate_keys.is_empty(), "the same key in two mappings is fine");
}
