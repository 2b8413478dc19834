//! OTTL embedded in OpenTelemetry Collector YAML configs.
//!
//! Users write OTTL inside collector configs, as YAML strings of every style: plain, quoted with
//! escapes, folded or literal blocks. To check that OTTL and report errors where the user wrote
//! it, this module finds every OTTL string of the components that take OTTL, decodes it exactly as
//! the collector does (YAML decoding, then the config layer's `$$` -> `$`), and keeps a map from
//! every byte of the decoded text back to the YAML file.
//!
//! - `tree` builds a node tree from saphyr's events (iteratively, depth-capped).
//! - `layouts` knows where each component keeps its OTTL.
//! - `scalar_map` re-decodes a scalar from its raw text to build the [`SourceMap`].
//! - `rules` applies the transform and filter processors' own rules for their settings.
//! - `service` reads `service.pipelines`: each pipeline's signal and processors.

mod layouts;
mod rules;
mod scalar_map;
pub mod service;
pub mod tree;

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;

use ottl_grammar::Code;

pub use scalar_map::SourceMap;

/// Where each byte of a scalar's decoded value stands in `src`: for OTTL written in another
/// YAML file than a config (an `ottlc test` file's expectations).
pub fn scalar_source_map(src: &str, scalar: &tree::Scalar) -> SourceMap {
    scalar_map::map_scalar(src, scalar.style, scalar.start, scalar.end, &scalar.value)
}

use ottl_runtime::otlp::Signal;

use crate::schema::Context;

/// One OTTL statement or condition found in a collector config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmbeddedOttl {
    /// The OTTL text as the collector sees it: YAML-decoded, then `$$` -> `$`. `${...}`
    /// references are left as written (see [`EmbeddedOttl::needs_env`]).
    pub text: String,
    /// Whether the component parses the text as a statement or as a condition.
    pub kind: SnippetKind,
    /// The OTTL context the layout gives (`span`, `spanevent`, `metric`, `datapoint`, `log`,
    /// `resource`, `scope`, `profile`, the routing connector's `request` ...), `None` when the
    /// collector infers it from path prefixes. Read lowercased for the transform and filter
    /// processors, which lowercase it; as written for the routing connector, which compares
    /// it as written.
    pub context: Option<GivenContext>,
    /// The error mode that applies (a group's overrides its processor's), lowercased as the
    /// collector does, if one is written; `None` means the component's default.
    pub error_mode: Option<String>,
    /// The component, as `processors/<id>` or `connectors/<id>`, e.g.
    /// `processors/transform/mask` or `connectors/routing`.
    pub component: String,
    /// The text holds a `${...}` reference that the collector expands from the environment or a
    /// config provider before parsing it, so the text checked here is not the final one.
    pub needs_env: bool,
    /// Byte offsets in `text` -> byte offsets in the YAML source.
    pub source_map: SourceMap,
    /// The transform or filter processor group the snippet belongs to; `None` for the
    /// other components, which take each string on its own.
    pub group: Option<GroupId>,
}

/// A statement or condition group of a transform or filter processor: the collector
/// builds and runs each one as a unit.
///
/// - transform: each advanced item `{context, error_mode, conditions, statements}` of a
///   `<signal>_statements` list, and the list's basic strings together (the collector
///   gathers them into one group after the advanced ones);
/// - filter: likewise for `<signal>_conditions`; the legacy per-context lists of one
///   signal (`traces: {resource: […], span: […]}`) are one group too, as the collector
///   evaluates them in one pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GroupId {
    pub processor: GroupedProcessor,
    /// The signal of the list (`trace_statements`, `log_conditions`, `metrics:` …).
    pub signal: Signal,
    /// The group's place among its processor's groups of that signal, counted from 0 in
    /// the order the collector runs them.
    pub index: usize,
    /// Tells groups apart across the file (documents, configs held in strings): every
    /// snippet of a group has it, no other group of the file has it.
    pub serial: usize,
}

/// The processors whose OTTL comes in groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GroupedProcessor {
    /// A group's statements and conditions share one context, given or inferred from all
    /// of them; its conditions guard its statements.
    Transform,
    /// A group's conditions drop what they match; without a `context`, each condition's
    /// context is inferred on its own.
    Filter,
}

/// The context a layout names for a snippet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GivenContext {
    /// A context statements can run in.
    Statement(Context),
    /// Any other name: the routing connector's `request` context, or a name the processor
    /// refuses (reported by the config rules).
    Other(String),
}

impl GivenContext {
    pub fn parse(name: &str) -> GivenContext {
        match Context::parse(name).filter(|c| c.is_statement_context()) {
            Some(context) => GivenContext::Statement(context),
            None => GivenContext::Other(name.to_string()),
        }
    }

    /// The context statements run in, when it is one.
    pub fn statement(&self) -> Option<Context> {
        match self {
            GivenContext::Statement(context) => Some(*context),
            GivenContext::Other(_) => None,
        }
    }

    /// The name as written.
    pub fn name(&self) -> &str {
        match self {
            GivenContext::Statement(context) => context.name(),
            GivenContext::Other(name) => name,
        }
    }
}

/// Whether a string is parsed as an OTTL statement (`editor(...) where ...`) or as a bare
/// condition (filter processor lists, transform group `conditions`, routing `condition`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SnippetKind {
    /// An editor call with an optional `where` clause (transform processor `statements`,
    /// routing `statement`).
    Statement,
    /// A boolean expression (filter processor conditions, transform group `conditions`, routing
    /// `condition`, tail-sampling and count/sum connector conditions).
    Condition,
}

/// The contexts the transform and filter processors have parsers for on `signal`: a
/// context inferred outside them is refused ("not a valid candidate").
pub fn signal_contexts(signal: Signal) -> &'static [Context] {
    match signal {
        Signal::Traces => &[Context::Resource, Context::Scope, Context::Span, Context::SpanEvent],
        Signal::Metrics => &[Context::Resource, Context::Scope, Context::Metric, Context::DataPoint],
        Signal::Logs => &[Context::Resource, Context::Scope, Context::Log],
        Signal::Profiles => &[Context::Resource, Context::Scope, Context::Profile],
    }
}

/// A processor setting the collector refuses at start-up (an unknown `context` or
/// `error_mode`, settings that cannot be used together, a malformed list, a legacy matcher
/// that does not build), in the collector's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub code: Code,
    /// The collector's message.
    pub message: String,
    /// Byte offsets in the YAML of the key or value that is wrong.
    pub span: Range<usize>,
    /// The component, as in [`EmbeddedOttl::component`].
    pub component: String,
    /// How to fix it.
    pub help: String,
    /// A collector feature gate that, when enabled, makes the setting valid.
    pub unless_gate: Option<&'static str>,
}

/// The YAML could not be parsed (or nests deeper than the parser accepts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// The parser's message.
    pub message: String,
    /// Byte offsets in the YAML where the problem was found (one character, or empty at the end).
    pub span: Range<usize>,
}

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid YAML at byte {}: {}", self.span.start, self.message)
    }
}

impl std::error::Error for YamlError {}

/// How many times a collector config may be nested as a string inside another YAML document
/// (a Kubernetes `ConfigMap` holding the config is one level).
const MAX_EMBEDDING: usize = 3;

/// Where OTTL snippets sit in an OpenTelemetry Collector config, and how to find them.
///
/// Scans every document of `yaml` for `processors:` and `connectors:` sections (at the top level
/// or nested, as in Helm values and Kubernetes resources, and inside strings holding a whole
/// config, as in a `ConfigMap`) and returns the OTTL of these components, in the order they are
/// written (OTTL from a config held in a string comes after the rest, with the same component
/// names and its map composed through the string's):
/// - `transform` processor: `<signal>_statements` lists of strings, or of groups with `context`,
///   `error_mode`, `conditions` and `statements`;
/// - `filter` processor: `traces`/`metrics`/`logs`/`profiles` maps of per-context lists (the old
///   layout) and `<signal>_conditions` lists of strings or groups;
/// - `routing` connector (and the old routing processor): `table` routes with a `statement` or a
///   `condition` and an optional `context` (default `resource`), or bare statement strings;
/// - `tail_sampling` processor: `ottl_condition` policies (`span`, `spanevent`);
/// - `count` and `sum` connectors: per-metric `conditions`.
///
/// Everything else in the file is ignored. A value of the wrong shape (a map or a number where a
/// list of strings belongs) yields nothing rather than an error: the collector rejects it while
/// decoding, and there is no OTTL in it to check. Aliases are followed and merge keys (`<<`)
/// applied.
///
/// # Errors
/// Only when the YAML does not parse or nests deeper than 256 levels (the error carries the
/// parser's message and byte span), and for alias bombs: documents whose aliases expand to more
/// than 100,000 OTTL strings.
pub fn extract(yaml: &str) -> Result<Vec<EmbeddedOttl>, YamlError> {
    extract_all(yaml).map(|extracted| extracted.snippets)
}

/// What [`extract_all`] finds: the OTTL, and the mistakes in the YAML around it that the
/// collector refuses but that do not hide the OTTL.
#[derive(Debug, Clone, Default)]
pub struct Extracted {
    pub snippets: Vec<EmbeddedOttl>,
    /// Mapping keys defined twice in the file (not in configs held in strings).
    pub duplicate_keys: Vec<YamlError>,
    /// Processor settings the collector refuses, configs held in strings included.
    pub config_errors: Vec<ConfigError>,
}

/// [`extract`], and the file's keys defined twice.
///
/// # Errors
/// As [`extract`].
pub fn extract_all(yaml: &str) -> Result<Extracted, YamlError> {
    extract_nested(yaml, 0)
}

/// The OTTL of `yaml`, a config held `embedding` strings deep, and its own keys defined
/// twice (a nested config's are not reported: their positions are not the file's).
fn extract_nested(yaml: &str, embedding: usize) -> Result<Extracted, YamlError> {
    let idx = tree::CharIndex::new(yaml);
    let mut tree = tree::build(yaml, &idx)?;
    let duplicate_keys = std::mem::take(&mut tree.duplicate_keys);
    let mut walker = layouts::Walker::new(&tree);
    walker.walk_documents();
    if walker.exhausted {
        return Err(too_much());
    }

    // An aliased scalar is reached once per use; decode it once.
    let mut maps: HashMap<tree::NodeId, SourceMap> = HashMap::new();
    let mut map_of = |node: tree::NodeId, scalar: &tree::Scalar| {
        maps.entry(node)
            .or_insert_with(|| scalar_map::map_scalar(yaml, scalar.style, scalar.start, scalar.end, &scalar.value))
            .clone()
    };

    let mut config_errors: Vec<ConfigError> = std::mem::take(&mut walker.config_errors)
        .into_iter()
        .map(|error| ConfigError { span: visible_span(yaml, &idx, error.span.clone()), ..error })
        .collect();
    let mut out = Vec::with_capacity(walker.found.len());
    for found in walker.found {
        let Some(scalar) = tree.scalar(found.node) else {
            continue;
        };
        let yaml_map = map_of(found.node, scalar);
        let (text, source_map, needs_env) = scalar_map::collector_unescape(&scalar.value, &yaml_map);
        out.push(EmbeddedOttl {
            text,
            kind: found.kind,
            context: found.context.as_deref().map(GivenContext::parse),
            error_mode: found.error_mode,
            component: found.component,
            needs_env,
            source_map,
            group: found.group,
        });
    }
    // Groups of configs held in strings are numbered after the file's own.
    let mut next_serial = walker.groups;

    if embedding < MAX_EMBEDDING {
        for node in walker.embedded {
            let Some(scalar) = tree.scalar(node) else {
                continue;
            };
            // A string that merely looks like a config and does not parse holds nothing for us.
            let Ok(Extracted { snippets: inner, config_errors: inner_errors, .. }) = extract_nested(&scalar.value, embedding + 1)
            else {
                continue;
            };
            if inner.is_empty() && inner_errors.is_empty() {
                continue;
            }
            let outer = map_of(node, scalar);
            config_errors.extend(
                inner_errors.into_iter().map(|error| ConfigError { span: outer.range_to_source(error.span.clone()), ..error }),
            );
            let serial_base = next_serial;
            next_serial += inner.iter().filter_map(|snippet| snippet.group).map(|group| group.serial + 1).max().unwrap_or(0);
            out.extend(inner.into_iter().map(|snippet| EmbeddedOttl {
                source_map: snippet.source_map.compose(&outer),
                group: snippet.group.map(|group| GroupId { serial: serial_base + group.serial, ..group }),
                ..snippet
            }));
            if out.len() > layouts::MAX_SNIPPETS {
                return Err(too_much());
            }
        }
    }
    Ok(Extracted { snippets: out, duplicate_keys, config_errors })
}

/// A span that shows: an empty value (`- ` with nothing after it) is shown at its list
/// item's dash, or at the character where it stands.
fn visible_span(yaml: &str, idx: &tree::CharIndex<'_>, span: Range<usize>) -> Range<usize> {
    if !span.is_empty() {
        return span;
    }
    let before = yaml.get(..span.start).unwrap_or_default().trim_end_matches([' ', '\t', '\r', '\n']);
    if before.ends_with('-') {
        return before.len() - 1..before.len();
    }
    idx.char_range(span.start)
}

/// The error for a document whose aliases expand to more OTTL than any real config holds.
fn too_much() -> YamlError {
    YamlError {
        message: "the configuration expands (through aliases) to more OTTL than this tool checks".to_string(),
        span: 0..0,
    }
}

#[cfg(test)]
mod tests;
