//! The filter processor's legacy `include`/`exclude` match properties, which the collector
//! checks when it creates the processor: `ValidateForSpans` (`internal/filter/filterconfig`),
//! the log severity check (`logSeverity.validate` in the processor's `config.go`), and the
//! filter sets built from them (`filterset.CreateFilterSet`, `filtermatcher.NewMatcher`,
//! `NewAttributesMatcher`, `filterspan`/`filterlog`/`filtermetric` `newExpr`), whose
//! patterns compile as Go regular expressions under `match_type: regexp`.

use ottl_grammar::Code;

use super::Reporter;
use crate::yaml::tree::{Node, NodeId};

/// The span kinds `match_type: strict` accepts in `span_kinds`.
const SPAN_KINDS: &[&str] =
    &["SPAN_KIND_CLIENT", "SPAN_KIND_CONSUMER", "SPAN_KIND_INTERNAL", "SPAN_KIND_PRODUCER", "SPAN_KIND_SERVER"];

/// The severity names a log matcher's `severity_number.min` accepts (case-insensitively),
/// besides the numbers 1 to 24.
const SEVERITY_NAMES: &[&str] = &["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"];

const HELP_MATCH_TYPE: &str = "set match_type: strict (exact strings) or match_type: regexp (Go regular expressions)";

/// One block of match properties and what has been reported in it.
struct Properties<'r, 'a> {
    reporter: &'r mut Reporter<'a>,
    /// The `include:`/`exclude:` key.
    key: NodeId,
    properties: NodeId,
    /// `match_type` as written (empty when not set) and its value node.
    match_type: String,
    match_type_node: Option<NodeId>,
    /// The collector stops at the first bad filter set; so does this, once per block.
    failed: bool,
}

impl<'r, 'a> Properties<'r, 'a> {
    fn new(reporter: &'r mut Reporter<'a>, key: NodeId, properties: NodeId) -> Self {
        let match_type_node = reporter.tree.get(properties, "match_type");
        let match_type = match_type_node.and_then(|n| reporter.tree.string(n)).map(|s| s.value.clone()).unwrap_or_default();
        Properties { reporter, key, properties, match_type, match_type_node, failed: false }
    }

    /// The key node and the items of a non-empty list setting.
    fn list(&self, name: &str) -> Option<(NodeId, &'a [NodeId])> {
        let tree = self.reporter.tree;
        let (key, _, value) = tree.keyed_entries(self.properties).into_iter().find(|&(_, k, _)| k == name)?;
        let items = tree.items(value);
        (!items.is_empty()).then_some((key, items))
    }

    /// The key node of a setting written with a non-null value.
    fn set(&self, name: &str) -> Option<NodeId> {
        self.reporter.set_key(self.properties, name)
    }

    fn report(&mut self, code: Code, node: NodeId, message: String, help: &str) {
        self.reporter.report(code, node, message, help);
    }

    /// `filterset.CreateFilterSet`: the match type must be `strict` or `regexp`, and under
    /// `regexp` each pattern must compile. `prefix` is the collector's wrapping of the error.
    fn filter_set(&mut self, prefix: &str, patterns: &[NodeId]) {
        if self.failed {
            return;
        }
        match self.match_type.as_str() {
            "strict" => {}
            "regexp" => {
                for &pattern in patterns {
                    let Some(text) = self.reporter.tree.string(pattern).map(|s| s.value.clone()) else { continue };
                    if let Err(error) = ottl_runtime::regex::parse(&text) {
                        self.failed = true;
                        let message = format!("{prefix}error parsing regexp: {error}: `{text}`");
                        self.report(Code::InvalidMatchConfig, pattern, message, "patterns use Go's RE2 syntax");
                        return;
                    }
                }
            }
            other => {
                self.failed = true;
                let message = format!("{prefix}unrecognized match_type: '{other}', valid types are: [regexp strict]");
                let at = self.match_type_node.filter(|&n| self.reporter.tree.span(n).is_some()).unwrap_or(self.key);
                self.report(Code::InvalidMatchConfig, at, message, HELP_MATCH_TYPE);
            }
        }
    }

    /// A list setting's patterns through [`Self::filter_set`].
    fn filter_set_of(&mut self, name: &str, prefix: &str) {
        if let Some((_, items)) = self.list(name) {
            self.filter_set(prefix, items);
        }
    }

    /// `NewAttributesMatcher`: every attribute has a key; a value is a string under `regexp`
    /// (a pattern) and anything under `strict`.
    fn attributes(&mut self, name: &str, prefix: &str) {
        let Some((_, items)) = self.list(name) else { return };
        let tree = self.reporter.tree;
        for &item in items {
            if self.failed {
                return;
            }
            let key = tree.get_string(item, "key").unwrap_or_default();
            if key.is_empty() {
                self.failed = true;
                let at = tree.get(item, "key").filter(|&n| tree.span(n).is_some()).unwrap_or(item);
                let message = format!("{prefix}can't have empty key in the list of attributes");
                self.reporter.report_at_item(at, Code::InvalidMatchConfig, &message, "give each attribute a `key`");
                continue;
            }
            let Some(value) = tree.get(item, "value").filter(|&v| !tree.is_null(v)) else { continue };
            if self.match_type == "regexp" && tree.string(value).is_none() {
                self.failed = true;
                let found = value_type(tree.node(value), tree.scalar(value).map(|s| s.value.as_str()));
                let message = format!("{prefix}match_type=regexp for \"{key}\" only supports Str, but found {found}");
                let at = tree.get(item, "value").filter(|&n| tree.span(n).is_some()).unwrap_or(item);
                self.reporter.report_at_item(
                    at,
                    Code::InvalidMatchConfig,
                    &message,
                    "quote the value, or use match_type: strict",
                );
                continue;
            }
            self.filter_set(prefix, &[value]);
        }
    }
}

/// The pdata type name (`pcommon.ValueType`) of a non-string attribute value.
fn value_type(node: &Node, scalar: Option<&str>) -> &'static str {
    match (node, scalar) {
        (Node::Map(_), _) => "Map",
        (Node::Seq(_), _) => "Slice",
        (_, Some("true" | "True" | "TRUE" | "false" | "False" | "FALSE")) => "Bool",
        (_, Some(v)) if v.parse::<i64>().is_ok() || v.starts_with("0x") || v.starts_with("0o") => "Int",
        (_, Some(_)) => "Double",
        (Node::Null, None) | (_, None) => "Empty",
    }
}

/// `spans.include`/`spans.exclude`: `ValidateForSpans`, then the matchers of `filterspan`.
pub(super) fn spans(reporter: &mut Reporter<'_>, key: NodeId, properties: NodeId) {
    let mut p = Properties::new(reporter, key, properties);
    for name in ["log_bodies", "log_severity_texts", "log_severity_number", "metric_names"] {
        let written = if name == "log_severity_number" { p.set(name) } else { p.list(name).map(|(k, _)| k) };
        if let Some(at) = written {
            p.report(
                Code::InvalidMatchConfig,
                at,
                format!("{name} should not be specified for trace spans"),
                "spans are matched by services, span_names, span_kinds, attributes, resources and libraries",
            );
            return;
        }
    }
    let required = ["services", "span_names", "attributes", "libraries", "resources", "span_kinds"];
    if required.iter().all(|name| p.list(name).is_none()) {
        p.report(
            Code::InvalidMatchConfig,
            key,
            r#"at least one of "attributes", "libraries",  or "resources" field must be specified"#.to_string(),
            "add services, span_names, span_kinds, attributes, resources or libraries, or remove the block",
        );
        return;
    }
    if p.match_type == "strict"
        && let Some((_, kinds)) = p.list("span_kinds")
        && let Some(&unknown) =
            kinds.iter().find(|&&k| p.reporter.tree.string(k).is_none_or(|s| !SPAN_KINDS.contains(&s.value.as_str())))
    {
        let message = format!(
            "span_kinds string must match one of the standard span kinds when match_type=strict: [{}]",
            SPAN_KINDS.join(" ")
        );
        p.report(Code::InvalidMatchConfig, unknown, message, "write the span kind as SPAN_KIND_SERVER, SPAN_KIND_CLIENT, …");
        return;
    }
    libraries(&mut p);
    p.attributes("attributes", "error creating attribute filters: ");
    p.attributes("resources", "error creating resource filters: ");
    p.filter_set_of("services", "error creating service name filters: ");
    p.filter_set_of("span_names", "error creating span name filters: ");
    p.filter_set_of("span_kinds", "error creating span kind filters: ");
}

/// `libraries`: each `name` (and `version`, if written) is a filter set of its own.
fn libraries(p: &mut Properties<'_, '_>) {
    let Some((_, items)) = p.list("libraries") else { return };
    let tree = p.reporter.tree;
    for &library in items {
        let at = |field: &str| tree.get(library, field).filter(|&n| tree.span(n).is_some());
        p.filter_set("error creating library name filters: ", &[at("name").unwrap_or(p.key)]);
        if let Some(version) = tree.get(library, "version").filter(|&v| !tree.is_null(v)) {
            p.filter_set("error creating library version filters: ", &[version]);
        }
    }
}

/// `logs.include`/`logs.exclude`: the severity check of `Validate`, then (unless the block is
/// empty, which the collector ignores) the matchers of `filterlog`.
pub(super) fn logs(reporter: &mut Reporter<'_>, key: NodeId, properties: NodeId) {
    let mut p = Properties::new(reporter, key, properties);
    let tree = p.reporter.tree;
    if let Some(severity) = tree.get(properties, "severity_number")
        && let Some(min) = tree.get(severity, "min")
        && let Some(text) = tree.scalar(min).filter(|_| !tree.is_null(min)).map(|s| s.value.clone())
        && !is_severity(&text)
    {
        p.report(
            Code::InvalidMatchConfig,
            min,
            format!("'{text}' is not a valid severity: not a valid severity"),
            "expected a severity name (TRACE, DEBUG, INFO, WARN, ERROR, FATAL, optionally followed by 2, 3 or 4) or a number from 1 to 24",
        );
    }
    let lists = ["resource_attributes", "record_attributes", "severity_texts", "bodies"];
    if lists.iter().all(|name| p.list(name).is_none()) && p.set("severity_number").is_none() {
        return;
    }
    p.attributes("record_attributes", "error creating attribute filters: ");
    p.attributes("resource_attributes", "error creating resource filters: ");
    p.filter_set_of("bodies", "error creating log record body filters: ");
    p.filter_set_of("severity_texts", "error creating log record severity text filters: ");
}

/// `TRACE` … `FATAL4` in any case, or `1` … `24`.
fn is_severity(text: &str) -> bool {
    let upper = text.to_ascii_uppercase();
    if let Ok(number) = upper.parse::<u8>() {
        return (1..=24).contains(&number) && !upper.starts_with(['0', '+']);
    }
    SEVERITY_NAMES.iter().any(|name| upper.strip_prefix(name).is_some_and(|rest| matches!(rest, "" | "2" | "3" | "4")))
}

/// `metrics.include`/`metrics.exclude`: the resource attribute matcher, then the metric name
/// matcher (`match_type: expr` takes expressions this tool does not check).
pub(super) fn metrics(reporter: &mut Reporter<'_>, key: NodeId, properties: NodeId) {
    let mut p = Properties::new(reporter, key, properties);
    p.attributes("resource_attributes", "");
    if p.match_type != "expr" {
        p.filter_set_of("metric_names", "");
    }
}
