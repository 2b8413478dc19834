//! The transform and filter processors' own rules for their configuration: what the
//! collector refuses at start-up besides OTTL that does not parse or check.
//!
//! They follow v0.161.0 of opentelemetry-collector-contrib: `Unmarshal` and `Validate` in
//! `processor/transformprocessor/config.go` and `processor/filterprocessor/config.go`, the
//! `context` and `error_mode` decoders (`internal/common/config.go`,
//! `internal/condition/config.go`, `pkg/ottl/config.go`), and the filter processor's legacy
//! `include`/`exclude` matchers, built when the processor is created
//! (`internal/filter/filterconfig`, `filterset`, `filtermatcher`, `filterspan`, `filterlog`,
//! `filtermetric`). Each error carries the collector's own message, at the key or value
//! that is wrong.
//!
//! - `transform`: the transform processor's rules.
//! - `filter`: the filter processor's rules.
//! - `match_config`: the legacy `include`/`exclude` match properties.

mod filter;
mod match_config;
mod transform;

use ottl_grammar::Code;

use super::ConfigError;
use super::tree::{NodeId, Tree};

pub(super) use filter::filter;
pub(super) use transform::transform;

/// The error modes `ottl.ErrorMode` decodes (case-insensitively).
const ERROR_MODES: &[&str] = &["ignore", "propagate", "silent"];

/// A processor's OTTL lists (`<signal>_statements`, `<signal>_conditions`): which keys they
/// are and what the collector says of an empty item.
pub(super) struct OttlLists {
    /// The contexts of the signal of each list the processor has (`trace_statements` →
    /// resource, scope, span, spanevent); `None` for any other key.
    signal_contexts: fn(&str) -> Option<&'static [&'static str]>,
    /// The collector's message for an empty item of the list named.
    empty_item: fn(&str) -> String,
    empty_item_help: &'static str,
    /// Whether a string after a group is refused too (see [`Reporter::mixed_styles`]).
    both_orders: bool,
}

/// The errors found in one component's configuration.
pub(super) struct Reporter<'t> {
    tree: &'t Tree,
    component: &'t str,
    errors: &'t mut Vec<ConfigError>,
}

impl<'t> Reporter<'t> {
    pub(super) fn new(tree: &'t Tree, component: &'t str, errors: &'t mut Vec<ConfigError>) -> Reporter<'t> {
        Reporter { tree, component, errors }
    }

    /// Reports `message` at `node` (a key or a scalar value; nothing is reported for a node
    /// without a position, such as an alias to nothing).
    fn report(&mut self, code: Code, node: NodeId, message: String, help: impl Into<String>) {
        self.report_unless_gate(code, node, message, help, None);
    }

    /// [`Self::report`], for a rule that the collector feature gate `unless_gate` lifts.
    fn report_unless_gate(
        &mut self,
        code: Code,
        node: NodeId,
        message: String,
        help: impl Into<String>,
        unless_gate: Option<&'static str>,
    ) {
        let Some(span) = self.tree.span(node) else { return };
        self.errors.push(ConfigError {
            code,
            message,
            span,
            component: self.component.to_string(),
            help: help.into(),
            unless_gate,
        });
    }

    /// What both processors check alike: the processor's `error_mode`, and each of its OTTL
    /// lists: a list, without empty items, its groups' `error_mode` and what `group` checks
    /// of each group (given the contexts of the list's signal), one style throughout.
    fn processor(
        &mut self,
        config: NodeId,
        lists: &OttlLists,
        mut group: impl FnMut(&mut Self, NodeId, &'static [&'static str]),
    ) {
        self.error_mode(config);
        for (key, name, value) in self.tree.keyed_entries(config) {
            let Some(signal) = (lists.signal_contexts)(name) else { continue };
            let Some(items) = self.ottl_list(key, name, value) else { continue };
            for &item in items {
                if self.tree.is_null(item) {
                    self.report(Code::MalformedOttlList, item, (lists.empty_item)(name), lists.empty_item_help);
                } else if self.tree.is_map(item) {
                    self.error_mode(item);
                    group(self, item, signal);
                }
            }
            self.mixed_styles(items, lists.both_orders);
        }
    }

    /// A mapping's `error_mode`: `ignore`, `propagate` or `silent`, in any case.
    fn error_mode(&mut self, map: NodeId) {
        let Some(value) = self.tree.get(map, "error_mode") else { return };
        let Some(mode) = self.tree.string(value) else { return };
        let lower = mode.value.to_ascii_lowercase();
        if !ERROR_MODES.contains(&lower.as_str()) {
            self.report(
                Code::UnknownSettingValue,
                value,
                format!("unknown error mode {lower}"),
                "expected one of \"ignore\", \"propagate\", \"silent\"",
            );
        }
    }

    /// A group's `context`: one the processor knows (`known`, lowercased first), and one the
    /// list's signal has a parser for (`signal`). `items` names the group's OTTL for the
    /// message (`statements`, `conditions`) and `texts` are those strings.
    fn group_context(&mut self, group: NodeId, known: &[&str], signal: &[&str], items: &str, texts: &[&str]) {
        let Some(value) = self.tree.get(group, "context") else { return };
        let Some(context) = self.tree.string(value) else { return };
        let lower = context.value.to_ascii_lowercase();
        let expected = |contexts: &[&str]| {
            let quoted: Vec<String> = contexts.iter().map(|c| format!("\"{c}\"")).collect();
            format!("expected one of {}", quoted.join(", "))
        };
        if !known.contains(&lower.as_str()) {
            self.report(Code::UnknownSettingValue, value, format!("unknown context {lower}"), expected(signal));
        } else if !signal.contains(&lower.as_str()) {
            self.report(
                Code::UnknownSettingValue,
                value,
                format!("unknown context \"{lower}\" for {items}: [{}]", texts.join(" ")),
                format!("this list's signal has no {lower} context; {}", expected(signal)),
            );
        }
    }

    /// The strings of a group's list (`statements`, `conditions`), and an error for each empty
    /// item: the collector decodes it as an empty string, which does not parse.
    fn group_list(&mut self, group: NodeId, key: &str, kind: &str) -> Vec<&'t str> {
        let Some(list) = self.tree.get(group, key) else { return Vec::new() };
        let mut texts = Vec::new();
        for &item in self.tree.items(list) {
            if self.tree.is_null(item) {
                self.report(
                    Code::MalformedOttlList,
                    item,
                    format!("{kind} has invalid syntax at 1:1: an empty list item is an empty {kind}"),
                    format!("remove the empty item or write the {kind}"),
                );
            } else if let Some(text) = self.tree.string(item) {
                texts.push(text.value.as_str());
            }
        }
        texts
    }

    /// The value of a processor's `<signal>_statements` or `<signal>_conditions`, which must be
    /// a list; its items, or `None` after reporting the collector's error.
    fn ottl_list(&mut self, key: NodeId, name: &str, value: NodeId) -> Option<&'t [NodeId]> {
        if matches!(self.tree.node(value), super::tree::Node::Seq(_)) {
            return Some(self.tree.items(value));
        }
        let got = if self.tree.is_null(value) { "nothing" } else { "a single value" };
        self.report(
            Code::MalformedOttlList,
            key,
            format!("invalid {name} type, expected: array, got: {got}"),
            "write the statements or conditions as a YAML list, one `- ` item each",
        );
        None
    }

    /// The first item that is not a string after one that is: the collector refuses a list
    /// that mixes the basic style (strings) with the advanced one (groups) in that order.
    /// With `both_orders`, a string after a group is refused too (the filter processor).
    fn mixed_styles(&mut self, items: &[NodeId], both_orders: bool) {
        let mut seen_string = false;
        let mut seen_group = false;
        for &item in items.iter().filter(|&&item| !self.tree.is_null(item)) {
            let is_string = self.tree.string(item).is_some();
            if (!is_string && seen_string) || (is_string && seen_group && both_orders) {
                self.report_at_item(
                    item,
                    Code::ConflictingSettings,
                    "configuring multiple configuration styles is not supported, please use only Basic configuration or only Advanced configuration",
                    "write every item as a string (context inferred from path prefixes), or every item as a group with `context` and its list",
                );
                return;
            }
            seen_string |= is_string;
            seen_group |= !is_string;
        }
    }

    /// Reports at a list item: the item itself when it is a scalar, else its first key.
    fn report_at_item(&mut self, item: NodeId, code: Code, message: &str, help: &str) {
        let at = self.tree.keyed_entries(item).first().map_or(item, |&(key, _, _)| key);
        self.report(code, at, message.to_string(), help);
    }

    /// The key node of `key` in `map`, if it is set (written, and not null).
    fn set_key(&self, map: NodeId, key: &str) -> Option<NodeId> {
        self.tree
            .keyed_entries(map)
            .into_iter()
            .find(|&(_, k, value)| k == key && !self.tree.is_null(value))
            .map(|(key, _, _)| key)
    }
}

#[cfg(test)]
mod tests;
