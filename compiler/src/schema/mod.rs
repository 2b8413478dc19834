//! The context schemas: which paths each OTTL context has, their types, whether they can
//! be set, how they may be indexed, and which enum symbols each context knows. The type
//! checker, the runtime, the language server and the docs all read these tables.
//!
//! - [`Context`]: the contexts, their prefixes, what each reaches, inference priority.
//! - [`PathEntry`]: one row of a context's static table ([`Context::table`]).
//! - [`resolve`]: an AST [`Path`] in a statement context → [`ResolvedPath`] or [`PathError`].
//! - [`enum_value`], [`lookup_enum`], [`qualified_symbol`]: enum symbols (see [`enums`]).
//! - [`infer`], [`infer_with`]: context inference (spec §4.1).
//! - [`paths`], [`children`]: completion data.

pub mod enums;
mod infer;
mod resolve;
pub mod tables;

#[cfg(test)]
mod tests;

use crate::types::{Type, TypeSpec};

pub use enums::{EnumError, EnumTable, EnumValue, enum_tables, enum_value, lookup_enum, qualified_symbol};
pub use infer::{InferenceError, Unsupported, infer, infer_with};
pub use resolve::{KeyKind, PathError, ResolvedPath, resolve};

pub use ottl_runtime::hierarchy::{Context, INFERENCE_PRIORITY, SCOPE_ALIAS, priority_of};

/// The path table of each context, which only the compiler knows.
pub trait ContextTable {
    /// This context's own path table (higher contexts' paths are in their own tables).
    fn table(self) -> &'static [PathEntry];
}

impl ContextTable for Context {
    /// This context's own path table (higher contexts' paths are in their own tables).
    fn table(self) -> &'static [PathEntry] {
        match self {
            Context::Resource => tables::RESOURCE,
            Context::Scope => tables::SCOPE,
            Context::Span => tables::SPAN,
            Context::SpanEvent => tables::SPANEVENT,
            Context::SpanLink => tables::SPANLINK,
            Context::Metric => tables::METRIC,
            Context::DataPoint => tables::DATAPOINT,
            Context::Log => tables::LOG,
            Context::Profile => tables::PROFILE,
            Context::OTelCol => tables::OTELCOL,
        }
    }
}

/// A field, shared by the IR and the runtime; its stable number is [`FieldId::id`]. See
/// [`tables`] for how the numbers are allotted.
pub use ottl_runtime::fields::Field as FieldId;

/// Whether and how a path takes `[key]`s.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyRule {
    /// No keys.
    None,
    /// A `pcommon.Map` (`attributes`, `cache`, `metadata`): the first key is a map key
    /// (string), further keys index nested maps and slices. Indexed → `Any`.
    Map,
    /// A `pcommon.Value` (`log.body`): indexable when it holds a map (string key) or a
    /// slice (int key), which is known only at run time. Indexed → `Any`.
    Value,
    /// `span.trace_state["k"]`: exactly one string key. Indexed → `String`.
    TraceStateKey,
    /// Request metadata: `["k"]` → `Array<String>`, `["k"][i]` → `String`, no more.
    StringListMap,
}

/// One path of a context's table.
#[derive(Debug, PartialEq)]
pub struct PathEntry {
    pub id: FieldId,
    /// The context whose table holds this entry, i.e. the prefix that addresses it.
    pub context: Context,
    /// The segment names after the prefix: `["status", "code"]`.
    pub segments: &'static [&'static str],
    /// The type without keys.
    pub ty: TypeSpec,
    /// Whether `set` may target it (and its indexed forms).
    pub settable: bool,
    pub keys: KeyRule,
    /// The enum whose symbols stand for this field's values.
    pub enum_table: Option<&'static EnumTable>,
    /// One line for hover and docs.
    pub doc: &'static str,
}

impl PathEntry {
    /// The type without keys.
    pub fn ty(&self) -> Type {
        self.ty.to_type()
    }

    /// Whether the path takes `[key]`s.
    pub fn takes_keys(&self) -> bool {
        self.keys != KeyRule::None
    }

    /// The type after indexing with `n` keys, if that many keys are allowed.
    pub fn indexed_type(&self, n: usize) -> Option<Type> {
        if n == 0 {
            return Some(self.ty());
        }
        match self.keys {
            KeyRule::None => None,
            KeyRule::Map | KeyRule::Value => Some(Type::Any),
            KeyRule::TraceStateKey => (n == 1).then_some(Type::String),
            KeyRule::StringListMap => match n {
                1 => Some(Type::Array(Box::new(Type::String))),
                2 => Some(Type::String),
                _ => None,
            },
        }
    }

    /// Whether this is a context's `cache` entry, addressable only from that context.
    pub fn is_cache(&self) -> bool {
        self.segments == ["cache"]
    }

    /// The canonical, prefixed spelling: `span.status.code`.
    pub fn full_name(&self) -> String {
        let mut out = String::from(self.context.name());
        for segment in self.segments {
            out.push('.');
            out.push_str(segment);
        }
        out
    }
}

/// Looks up a path by its prefix context and segment names (no keys).
pub fn entry(context: Context, segments: &[&str]) -> Option<&'static PathEntry> {
    context.table().iter().find(|e| e.segments == segments)
}

/// Looks up a path by field id.
/// Whether the reference accepts writes to this read-only path and ignores them (its
/// setter does nothing), rather than failing: `metric.type`.
pub fn ignores_writes(entry: &PathEntry) -> bool {
    entry.context == Context::Metric && entry.segments == ["type"]
}

pub fn entry_by_id(id: FieldId) -> Option<&'static PathEntry> {
    Context::ALL.iter().flat_map(|c| c.table().iter()).find(|e| e.id == id)
}

/// Every path a statement in `context` can address, for completion: its own table (with
/// `cache`), then each higher context's table (without `cache`), then `otelcol.*`. Each
/// entry's [`PathEntry::context`] is the prefix to write ([`PathEntry::full_name`]).
pub fn paths(context: Context) -> impl Iterator<Item = &'static PathEntry> {
    let own = context.table().iter();
    let higher = context.reachable().iter().skip(1).flat_map(|c| c.table().iter().filter(|e| !e.is_cache()));
    let otelcol = (context != Context::OTelCol).then_some(tables::OTELCOL.iter()).into_iter().flatten();
    own.chain(higher).chain(otelcol)
}

/// What may follow a partial path, for completion.
#[derive(Clone, Debug, PartialEq)]
pub struct Child {
    pub name: &'static str,
    pub kind: ChildKind,
    /// The path this name completes, when it is one (`status` is, and also has children).
    pub entry: Option<&'static PathEntry>,
    /// Whether more segments may follow (`span.status.` → `code`, `message`).
    pub has_children: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChildKind {
    /// A context prefix (`resource`, `instrumentation_scope`, …).
    Prefix(Context),
    /// A field segment.
    Field,
}

/// The names that may follow `prefix_segments` in a statement of `context`:
/// `[]` → the accepted prefixes and the context's own top-level fields (paths may omit
/// their own prefix); `["span"]` → span's top-level fields; `["span", "status"]` →
/// `code`, `message`. `cache` is offered only under the statement's own context.
pub fn children(context: Context, prefix_segments: &[&str]) -> Vec<Child> {
    let mut out = Vec::new();
    let (table_context, rest) = match prefix_segments.split_first() {
        None => {
            // Every prefix names a context.
            for prefix in context.prefixes() {
                if let Some(c) = Context::parse(prefix) {
                    out.push(Child { name: prefix, kind: ChildKind::Prefix(c), entry: None, has_children: true });
                }
            }
            (context, prefix_segments)
        }
        Some((first, rest)) if context.accepts_prefix(first) && entry_prefix_len(context, prefix_segments) == 0 => {
            match Context::parse(first) {
                Some(prefixed) => (prefixed, rest),
                None => (context, prefix_segments),
            }
        }
        Some(_) => (context, prefix_segments),
    };
    let depth = rest.len();
    for e in table_context.table() {
        if e.is_cache() && table_context != context {
            continue;
        }
        if e.segments.len() <= depth || e.segments[..depth] != *rest {
            continue;
        }
        let name = e.segments[depth];
        let exact = e.segments.len() == depth + 1;
        if let Some(existing) = out.iter_mut().find(|c| c.kind == ChildKind::Field && c.name == name) {
            if exact {
                existing.entry = Some(e);
            } else {
                existing.has_children = true;
            }
            continue;
        }
        out.push(Child { name, kind: ChildKind::Field, entry: exact.then_some(e), has_children: !exact });
    }
    out
}

/// How many leading names of `segments` match a field path of `context`'s own table (0 if
/// the first name is no field): a first name that is a field is not a prefix.
fn entry_prefix_len(context: Context, segments: &[&str]) -> usize {
    match segments.first() {
        Some(first) if context.table().iter().any(|e| e.segments[0] == *first) => 1,
        _ => 0,
    }
}
