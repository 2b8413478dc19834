//! The transform processor: `processor/transformprocessor/config.go` (`Unmarshal`,
//! `Validate`) and the group decoder of `internal/common/config.go`.

use ottl_grammar::Code;

use super::{OttlLists, Reporter};
use crate::yaml::ConfigError;
use crate::yaml::tree::{NodeId, Tree};

/// Every context a transform group may name (`common.ContextID`).
const CONTEXTS: &[&str] = &["resource", "scope", "span", "spanevent", "metric", "datapoint", "exemplar", "log", "profile"];

/// The feature gate without which `flatten_data` is refused.
const FLATTEN_GATE: &str = "transform.flatten.logs";

/// The contexts the parser collection of a `<signal>_statements` list has.
fn signal_contexts(list: &str) -> Option<&'static [&'static str]> {
    Some(match list {
        "trace_statements" => &["resource", "scope", "span", "spanevent"],
        "metric_statements" => &["resource", "scope", "metric", "datapoint", "exemplar"],
        "log_statements" => &["resource", "scope", "log"],
        "profile_statements" => &["resource", "scope", "profile"],
        _ => return None,
    })
}

/// The `<signal>_statements` lists.
const LISTS: OttlLists = OttlLists {
    signal_contexts,
    empty_item: |name| format!("invalid {name} item: empty statement list items are not supported"),
    empty_item_help: "remove the empty item or write the statement",
    both_orders: false,
};

/// Checks one transform processor's configuration.
pub(in crate::yaml) fn transform(tree: &Tree, config: NodeId, component: &str, errors: &mut Vec<ConfigError>) {
    let reporter = &mut Reporter::new(tree, component, errors);
    flatten_data(reporter, tree, config);
    reporter.processor(config, &LISTS, group);
}

/// `flatten_data: true` is refused unless its feature gate is on.
fn flatten_data(reporter: &mut Reporter<'_>, tree: &Tree, config: NodeId) {
    for (key, name, value) in tree.keyed_entries(config) {
        if name == "flatten_data" && tree.scalar(value).is_some_and(|s| matches!(s.value.as_str(), "true" | "True" | "TRUE")) {
            reporter.report_unless_gate(
                Code::ConflictingSettings,
                key,
                format!("'flatten_data' requires the '{FLATTEN_GATE}' feature gate to be enabled"),
                format!("start the collector with --feature-gates={FLATTEN_GATE} (and pass it to ottlc), or remove flatten_data"),
                Some(FLATTEN_GATE),
            );
        }
    }
}

/// An advanced group (its `error_mode` checked by [`Reporter::processor`]): `context`,
/// `conditions`, `statements`.
fn group(reporter: &mut Reporter<'_>, group: NodeId, signal: &[&str]) {
    reporter.group_list(group, "conditions", "condition");
    let statements = reporter.group_list(group, "statements", "statement");
    reporter.group_context(group, CONTEXTS, signal, "statements", &statements);
}
