//! Where OTTL sits in a collector config: one function per component that accepts OTTL.
//!
//! The shapes follow the components' READMEs and `config.go` files in
//! opentelemetry-collector-contrib:
//! - `processor/transformprocessor/README.md`: `<signal>_statements` lists of strings ("basic",
//!   context inferred) or of groups `{context, error_mode, conditions, statements}` ("advanced";
//!   also the pre-0.120 layout with unprefixed paths and an explicit `context`).
//! - `processor/filterprocessor/README.md` and `config.go`: the old `traces`/`metrics`/`logs`/
//!   `profiles` maps of per-context condition lists (`resource`, `span`, `spanevent`, `metric`,
//!   `datapoint`, `log_record`, `profile`), and the newer `<signal>_conditions` lists of strings or
//!   of groups `{context, error_mode, conditions}`.
//! - `connector/routingconnector/README.md` and `config.go`: a `table` of routes with a
//!   `statement` or a `condition`, an optional `context` (default `resource`), or a bare string
//!   `route([...]) where ...`; also the removed routing processor, whose table had statements.
//! - `processor/tailsamplingprocessor` `config.go`: `ottl_condition` policies with `span` and
//!   `spanevent` condition lists, also inside `and`/`composite`/`drop` sub-policies.
//! - `connector/countconnector` and `connector/sumconnector` `config.go`: per-metric `conditions`
//!   under `spans`, `spanevents`, `metrics`, `datapoints`, `logs`, `profiles`.
//!
//! A value of the wrong shape (a map where a list of strings belongs, a number in the list) yields
//! nothing: the collector rejects it with a decoding error, and it holds no OTTL to check.

use std::collections::HashSet;

use ottl_runtime::otlp::Signal;

use super::tree::{Node, NodeId, Tree};
use super::{ConfigError, GroupId, GroupedProcessor, SnippetKind, rules};

/// One OTTL string found in the tree, before its text is mapped to the source.
#[derive(Debug, Clone)]
pub(super) struct Found {
    pub(super) node: NodeId,
    pub(super) kind: SnippetKind,
    pub(super) context: Option<String>,
    pub(super) error_mode: Option<String>,
    pub(super) component: String,
    pub(super) group: Option<GroupId>,
}

/// Walks a tree and collects the OTTL strings of every component it recognises, and the string
/// scalars that may hold a whole collector config of their own.
pub(super) struct Walker<'t> {
    tree: &'t Tree,
    pub(super) found: Vec<Found>,
    /// String scalars that look like an embedded collector config (for example the value of a
    /// Kubernetes `ConfigMap`'s `config.yaml: |` key); the caller parses them as YAML.
    pub(super) embedded: Vec<NodeId>,
    /// Processor settings the collector refuses (see [`rules`]).
    pub(super) config_errors: Vec<ConfigError>,
    visited: HashSet<NodeId>,
    /// List items and mapping entries looked at so far, and bytes of OTTL found so far.
    steps: usize,
    text_bytes: usize,
    /// Set when the walk stopped at [`MAX_STEPS`], [`MAX_SNIPPETS`] or [`MAX_TEXT_BYTES`].
    pub(super) exhausted: bool,
    /// The processor group whose strings are being collected, if any.
    group: Option<GroupId>,
    /// How many groups were started: the next one's serial.
    pub(super) groups: usize,
}

/// Limits that only an alias bomb reaches (each alias of a list of aliases multiplies the work):
/// real configs hold hundreds of OTTL strings, not hundreds of thousands.
pub(super) const MAX_SNIPPETS: usize = 100_000;
const MAX_STEPS: usize = 2_000_000;
const MAX_TEXT_BYTES: usize = 64 << 20;

/// How deep the search for `processors:`/`connectors:` sections goes (a Helm values file or an
/// `OpenTelemetryCollector` resource puts them a few levels down).
const MAX_SEARCH_DEPTH: usize = 64;
/// How deep tail-sampling sub-policies nest.
const MAX_POLICY_DEPTH: usize = 8;

impl<'t> Walker<'t> {
    pub(super) fn new(tree: &'t Tree) -> Walker<'t> {
        Walker {
            tree,
            found: Vec::new(),
            embedded: Vec::new(),
            config_errors: Vec::new(),
            visited: HashSet::new(),
            steps: 0,
            text_bytes: 0,
            exhausted: false,
            group: None,
            groups: 0,
        }
    }

    /// Searches every document for `processors:` and `connectors:` mappings. They are normally
    /// top-level keys, but configs embedded in Helm values or Kubernetes resources put them
    /// deeper; a `processors` key whose value is a list (a pipeline's processor list) is not one.
    pub(super) fn walk_documents(&mut self) {
        for &root in &self.tree.roots {
            self.walk(root, 0);
        }
    }

    /// Counts one step of work; false once a limit is reached, and the walk then unwinds.
    fn tick(&mut self) -> bool {
        self.steps += 1;
        if self.steps > MAX_STEPS || self.found.len() >= MAX_SNIPPETS || self.text_bytes > MAX_TEXT_BYTES {
            self.exhausted = true;
        }
        !self.exhausted
    }

    fn walk(&mut self, id: NodeId, depth: usize) {
        if depth > MAX_SEARCH_DEPTH || !self.visited.insert(id) || !self.tick() {
            return;
        }
        match self.tree.node(id) {
            Node::Map(_) => {
                for (key, value) in self.tree.entries(id) {
                    if !self.tick() {
                        return;
                    }
                    if matches!(key, "processors" | "connectors") && self.tree.is_map(value) {
                        if self.visited.insert(value) {
                            self.section(key, value);
                        }
                    } else {
                        self.walk(value, depth + 1);
                    }
                }
            }
            Node::Seq(items) => {
                for &item in items {
                    if !self.tick() {
                        return;
                    }
                    self.walk(item, depth + 1);
                }
            }
            Node::Scalar(_) => {
                if self.tree.string(id).is_some_and(|s| looks_like_embedded_config(&s.value)) {
                    self.embedded.push(id);
                }
            }
            Node::Null => {}
        }
    }

    /// One `processors:` or `connectors:` mapping: component ids (`type` or `type/name`) to their
    /// configuration.
    fn section(&mut self, section: &str, id: NodeId) {
        for (name, config) in self.tree.entries(id) {
            if !self.tick() {
                return;
            }
            if !self.tree.is_map(config) {
                continue;
            }
            let component = format!("{section}/{name}");
            let ty = name.split('/').next().unwrap_or(name);
            match (section, ty) {
                ("processors", "transform") => {
                    rules::transform(self.tree, config, &component, &mut self.config_errors);
                    self.transform(config, &component);
                }
                ("processors", "filter") => {
                    rules::filter(self.tree, config, &component, &mut self.config_errors);
                    self.filter(config, &component);
                }
                ("processors", "tail_sampling") => self.tail_sampling(config, &component),
                ("processors" | "connectors", "routing") => self.routing(config, &component),
                ("connectors", "count" | "sum") => self.count(config, &component),
                _ => {}
            }
        }
    }

    fn push(&mut self, node: NodeId, kind: SnippetKind, context: Option<&str>, error_mode: Option<&str>, component: &str) {
        if !self.tick() {
            return;
        }
        self.text_bytes += self.tree.scalar(node).map_or(0, |s| s.value.len());
        self.found.push(Found {
            node,
            kind,
            context: context.map(str::to_string),
            error_mode: error_mode.map(str::to_string),
            component: component.to_string(),
            group: self.group,
        });
    }

    /// A new group of the file: group `index` of `processor` for `signal`.
    fn new_group(&mut self, processor: GroupedProcessor, signal: Signal, index: usize) -> GroupId {
        self.groups += 1;
        GroupId { processor, signal, index, serial: self.groups - 1 }
    }

    /// Runs `collect` with the strings it pushes in `group`.
    fn in_group(&mut self, group: GroupId, collect: impl FnOnce(&mut Self)) {
        self.group = Some(group);
        collect(self);
        self.group = None;
    }

    /// Every string of a list; nothing when `id` is not a list.
    fn push_list(&mut self, id: NodeId, kind: SnippetKind, context: Option<&str>, error_mode: Option<&str>, component: &str) {
        for &item in self.tree.items(id) {
            if !self.tick() {
                return;
            }
            if self.tree.string(item).is_some() {
                self.push(item, kind, context, error_mode, component);
            }
        }
    }

    /// The `error_mode` key of a mapping. The collector lowercases it.
    fn error_mode(&self, id: NodeId) -> Option<String> {
        self.tree.get_string(id, "error_mode").map(str::to_ascii_lowercase)
    }

    /// transform processor: `trace_statements`, `metric_statements`, `log_statements`,
    /// `profile_statements`.
    fn transform(&mut self, config: NodeId, component: &str) {
        let processor_mode = self.error_mode(config);
        for (key, value) in self.tree.entries(config) {
            if !self.tick() {
                return;
            }
            let Some(signal) = list_signal(key, "_statements") else { continue };
            let list = List { processor: GroupedProcessor::Transform, signal, kind: SnippetKind::Statement };
            self.strings_or_groups(value, list, processor_mode.as_deref(), component);
        }
    }

    /// A transform or filter list whose entries are either OTTL strings (context inferred)
    /// or "advanced" groups (see [`Self::group`]). Each advanced group is a group of its
    /// own, in order; the strings are one group after them, as the collector gathers them
    /// (a list that mixes the styles otherwise is refused by the config rules). The
    /// strings are found in the order they are written.
    fn strings_or_groups(&mut self, list: NodeId, of: List, processor_mode: Option<&str>, component: &str) {
        let items = self.tree.items(list);
        let advanced = items.iter().filter(|&&item| self.tree.is_map(item)).count();
        let basic =
            items.iter().any(|&item| self.tree.string(item).is_some()).then(|| self.new_group(of.processor, of.signal, advanced));
        let mut index = 0;
        for &item in items {
            if !self.tick() {
                return;
            }
            if let (Some(basic), Some(_)) = (basic, self.tree.string(item)) {
                self.in_group(basic, |walker| walker.push(item, of.kind, None, processor_mode, component));
            } else if self.tree.is_map(item) {
                let group = self.new_group(of.processor, of.signal, index);
                self.in_group(group, |walker| {
                    walker.group(item, processor_mode, component, of.kind == SnippetKind::Statement);
                });
                index += 1;
            }
        }
    }

    /// An "advanced" group of the transform or filter processor: `context`, `error_mode`,
    /// `conditions` and (transform only) `statements`. The collector lowercases the context.
    fn group(&mut self, group: NodeId, processor_mode: Option<&str>, component: &str, statements: bool) {
        let context = self.tree.get_string(group, "context").map(str::to_ascii_lowercase);
        let mode = self.error_mode(group).or_else(|| processor_mode.map(str::to_string));
        for (key, value) in self.tree.entries(group) {
            if !self.tick() {
                return;
            }
            let kind = match key {
                "conditions" => SnippetKind::Condition,
                "statements" if statements => SnippetKind::Statement,
                _ => continue,
            };
            self.push_list(value, kind, context.as_deref(), mode.as_deref(), component);
        }
    }

    /// filter processor: the old per-signal maps of per-context lists, and the newer
    /// `<signal>_conditions` lists. The legacy `include`/`exclude` matchers are not OTTL.
    fn filter(&mut self, config: NodeId, component: &str) {
        let mode = self.error_mode(config);
        for (key, value) in self.tree.entries(config) {
            if !self.tick() {
                return;
            }
            if let Some(signal) = list_signal(key, "_conditions") {
                let list = List { processor: GroupedProcessor::Filter, signal, kind: SnippetKind::Condition };
                self.strings_or_groups(value, list, mode.as_deref(), component);
                continue;
            }
            let (signal, contexts): (Signal, &[(&str, &str)]) = match key {
                "traces" => (Signal::Traces, &[("resource", "resource"), ("span", "span"), ("spanevent", "spanevent")]),
                "metrics" => (Signal::Metrics, &[("resource", "resource"), ("metric", "metric"), ("datapoint", "datapoint")]),
                "logs" => (Signal::Logs, &[("resource", "resource"), ("log_record", "log")]),
                "profiles" => (Signal::Profiles, &[("resource", "resource"), ("profile", "profile")]),
                _ => continue,
            };
            if !self.tree.is_map(value) {
                continue;
            }
            // The legacy layout: one pass over the signal's items, each context's list on
            // its level.
            let group = self.new_group(GroupedProcessor::Filter, signal, 0);
            self.in_group(group, |walker| {
                for (list_key, list) in walker.tree.entries(value) {
                    if !walker.tick() {
                        return;
                    }
                    if let Some(&(_, context)) = contexts.iter().find(|(k, _)| *k == list_key) {
                        walker.push_list(list, SnippetKind::Condition, Some(context), mode.as_deref(), component);
                    }
                }
            });
        }
    }

    /// routing connector (and the removed routing processor): `table` entries with a `statement`
    /// or a `condition` and an optional `context` (default `resource`; the connector compares it
    /// as written), or a bare statement string.
    fn routing(&mut self, config: NodeId, component: &str) {
        let mode = self.error_mode(config);
        let Some(table) = self.tree.get(config, "table") else {
            return;
        };
        for &route in self.tree.items(table) {
            if !self.tick() {
                return;
            }
            if self.tree.string(route).is_some() {
                self.push(route, SnippetKind::Statement, Some("resource"), mode.as_deref(), component);
                continue;
            }
            if !self.tree.is_map(route) {
                continue;
            }
            let context = self.tree.get_string(route, "context").unwrap_or("resource").to_string();
            for (key, value) in self.tree.entries(route) {
                if !self.tick() {
                    return;
                }
                let kind = match key {
                    "statement" => SnippetKind::Statement,
                    "condition" => SnippetKind::Condition,
                    _ => continue,
                };
                if self.tree.string(value).is_some() {
                    self.push(value, kind, Some(&context), mode.as_deref(), component);
                }
            }
        }
    }

    /// `tail_sampling` processor: `policies` of `type: ottl_condition`.
    fn tail_sampling(&mut self, config: NodeId, component: &str) {
        if let Some(policies) = self.tree.get(config, "policies") {
            self.policies(policies, component, 0);
        }
    }

    fn policies(&mut self, list: NodeId, component: &str, depth: usize) {
        if depth > MAX_POLICY_DEPTH {
            return;
        }
        for &policy in self.tree.items(list) {
            if !self.tick() {
                return;
            }
            if !self.tree.is_map(policy) {
                continue;
            }
            if self.tree.get_string(policy, "type") == Some("ottl_condition")
                && let Some(cfg) = self.tree.get(policy, "ottl_condition")
                && self.tree.is_map(cfg)
            {
                let mode = self.error_mode(cfg);
                for (key, value) in self.tree.entries(cfg) {
                    if !self.tick() {
                        return;
                    }
                    if matches!(key, "span" | "spanevent") {
                        self.push_list(value, SnippetKind::Condition, Some(key), mode.as_deref(), component);
                    }
                }
            }
            // Sub-policies of `and`, `composite`, `drop` ...: `<type>: {<type>_sub_policy: [...]}`.
            for (_, value) in self.tree.entries(policy) {
                if !self.tick() {
                    return;
                }
                if !self.tree.is_map(value) {
                    continue;
                }
                for (key, sub) in self.tree.entries(value) {
                    if !self.tick() {
                        return;
                    }
                    if key.ends_with("_sub_policy") {
                        self.policies(sub, component, depth + 1);
                    }
                }
            }
        }
    }

    /// count and sum connectors: `<signal>: {<metric name>: {conditions: [...]}}`.
    fn count(&mut self, config: NodeId, component: &str) {
        for (key, metrics) in self.tree.entries(config) {
            if !self.tick() {
                return;
            }
            let context = match key {
                "spans" => "span",
                "spanevents" => "spanevent",
                "metrics" => "metric",
                "datapoints" => "datapoint",
                "logs" => "log",
                "profiles" => "profile",
                _ => continue,
            };
            for (_, metric) in self.tree.entries(metrics) {
                if !self.tick() {
                    return;
                }
                if let Some(conditions) = self.tree.get(metric, "conditions") {
                    self.push_list(conditions, SnippetKind::Condition, Some(context), None, component);
                }
            }
        }
    }
}

/// What a processor's OTTL list holds: whose groups, of which signal, statements or
/// conditions.
#[derive(Clone, Copy)]
struct List {
    processor: GroupedProcessor,
    signal: Signal,
    kind: SnippetKind,
}

/// The signal of a processor key `<signal>{suffix}` (`trace_statements`, `log_conditions`).
fn list_signal(key: &str, suffix: &str) -> Option<Signal> {
    match key.strip_suffix(suffix)? {
        "trace" => Some(Signal::Traces),
        "metric" => Some(Signal::Metrics),
        "log" => Some(Signal::Logs),
        "profile" => Some(Signal::Profiles),
        _ => None,
    }
}

/// Whether a string holds a collector config of its own: a line that opens a `processors:` or
/// `connectors:` mapping.
fn looks_like_embedded_config(text: &str) -> bool {
    text.contains('\n')
        && text.lines().any(|line| {
            let line = line.split(" #").next().unwrap_or(line).trim();
            matches!(line.strip_suffix(':').map(str::trim_end), Some("processors" | "connectors"))
        })
}
