//! The filter processor: `processor/filterprocessor/config.go` (`Unmarshal`, `Validate`), the
//! group decoder of `internal/condition/config.go`, and its legacy matchers (see
//! `match_config`).

use ottl_grammar::Code;

use super::{OttlLists, Reporter, match_config};
use crate::yaml::ConfigError;
use crate::yaml::tree::{NodeId, Tree};

/// Every context a filter group may name (`condition.ContextID`).
const CONTEXTS: &[&str] = &["resource", "scope", "span", "spanevent", "metric", "datapoint", "log", "profile"];

/// The contexts the parser collection of a `<signal>_conditions` list has.
fn signal_contexts(list: &str) -> Option<&'static [&'static str]> {
    Some(match list {
        "trace_conditions" => &["resource", "scope", "span", "spanevent"],
        "metric_conditions" => &["resource", "scope", "metric", "datapoint"],
        "log_conditions" => &["resource", "scope", "log"],
        "profile_conditions" => &["resource", "scope", "profile"],
        _ => return None,
    })
}

/// The `<signal>_conditions` lists.
const LISTS: OttlLists = OttlLists {
    signal_contexts,
    empty_item: |_| "condition cannot be empty".to_string(),
    empty_item_help: "remove the empty item or write the condition",
    both_orders: true,
};

/// A context-inferred list and the legacy settings of its signal it cannot be used with
/// (`validateInferredContextConfig`): the block, its settings, and the collector's message.
const INFERRED_CONFLICTS: &[(&str, &str, &[&str], &str)] = &[
    (
        "trace_conditions",
        "traces",
        &["resource", "span", "spanevent"],
        r#"cannot use context inferred trace conditions "trace_conditions" and the settings "traces.resource", "traces.span", "traces.spanevent" at the same time"#,
    ),
    (
        "metric_conditions",
        "metrics",
        &["resource", "metric", "datapoint", "include", "exclude"],
        r#"cannot use context inferred metric conditions "metric_conditions" and the settings "metrics.resource", "metrics.metric", "metrics.datapoint", "metrics.include", "metrics.exclude" at the same time"#,
    ),
    (
        "log_conditions",
        "logs",
        &["resource", "log_record", "include", "exclude"],
        r#"cannot use context inferred log conditions "log_conditions" and the settings "logs.resource", "logs.log", "logs.include", "logs.exclude" at the same time"#,
    ),
    (
        "profile_conditions",
        "profiles",
        &["resource", "profile"],
        r#"cannot use context inferred profile conditions "profile_conditions" and the settings "profiles.resource", "profiles.profile" at the same time"#,
    ),
];

/// Legacy OTTL lists and the legacy matchers of the same signal (`validateExplicitContextConfig`):
/// the lists' block and names, the matchers' block, and the collector's message.
const EXPLICIT_CONFLICTS: &[(&str, &[&str], &str, &str)] = &[
    (
        "traces",
        &["resource", "span", "spanevent"],
        "spans",
        r#"cannot use "traces.resource", "traces.span", "traces.spanevent" and the span settings "spans.include", "spans.exclude" at the same time"#,
    ),
    (
        "metrics",
        &["resource", "metric", "datapoint"],
        "metrics",
        r#"cannot use "metrics.resource", "metrics.metric", "metrics.datapoint" and the settings "metrics.include", "metrics.exclude" at the same time"#,
    ),
    (
        "logs",
        &["resource", "log_record"],
        "logs",
        r#"cannot use "logs.resource", "logs.log" and the settings "logs.include", "logs.exclude" at the same time"#,
    ),
];

/// Checks one filter processor's configuration.
pub(in crate::yaml) fn filter(tree: &Tree, config: NodeId, component: &str, errors: &mut Vec<ConfigError>) {
    let reporter = &mut Reporter::new(tree, component, errors);
    reporter.processor(config, &LISTS, |reporter, group, signal| {
        let conditions = reporter.group_list(group, "conditions", "condition");
        reporter.group_context(group, CONTEXTS, signal, "conditions", &conditions);
    });
    conflicts(reporter, tree, config);
    for (block, check) in [
        ("spans", match_config::spans as fn(&mut Reporter<'_>, NodeId, NodeId)),
        ("logs", match_config::logs),
        ("metrics", match_config::metrics),
    ] {
        let Some(block) = tree.get(config, block) else { continue };
        for matcher in ["include", "exclude"] {
            if let Some(key) = reporter.set_key(block, matcher)
                && let Some(properties) = tree.get(block, matcher)
            {
                check(reporter, key, properties);
            }
        }
    }
}

/// Settings that cannot be used together, reported at the legacy setting.
fn conflicts(reporter: &mut Reporter<'_>, tree: &Tree, config: NodeId) {
    let first_set = |reporter: &Reporter<'_>, block: &str, settings: &[&str]| {
        let block = tree.get(config, block)?;
        settings.iter().find_map(|setting| reporter.set_key(block, setting))
    };
    for &(inferred, block, settings, message) in INFERRED_CONFLICTS {
        if reporter.set_key(config, inferred).is_some()
            && let Some(legacy) = first_set(reporter, block, settings)
        {
            reporter.report(
                Code::ConflictingSettings,
                legacy,
                message.to_string(),
                format!("move these conditions into \"{inferred}\" (with context prefixes on their paths), or use only the legacy settings"),
            );
        }
    }
    for &(lists_block, lists, matchers_block, message) in EXPLICIT_CONFLICTS {
        if first_set(reporter, lists_block, lists).is_some()
            && let Some(matcher) = first_set(reporter, matchers_block, &["include", "exclude"])
        {
            reporter.report(
                Code::ConflictingSettings,
                matcher,
                message.to_string(),
                "express the include/exclude matcher as an OTTL condition beside the others, or use only the matcher",
            );
        }
    }
}
