//! Path resolution: an AST path in a statement context → the field it addresses.

use ottl_grammar::Span;
use ottl_grammar::ast::{ExprKind, Key, Path, Segment};

use super::{Context, ContextTable, EnumTable, FieldId, KeyRule, PathEntry};
use crate::suggest::closest;
use crate::types::Type;

/// A path resolved against the schema.
#[derive(Clone, Debug, PartialEq)]
pub struct ResolvedPath {
    /// The context whose table holds the field (`Resource` for `resource.attributes` in a
    /// span statement).
    pub context: Context,
    pub field: FieldId,
    pub entry: &'static PathEntry,
    /// The static type after indexing.
    pub ty: Type,
    pub settable: bool,
    /// The enum of the field; `None` once indexed.
    pub enum_table: Option<&'static EnumTable>,
    /// How many keys index the field.
    pub key_count: usize,
    /// Whether the path was written with a context prefix. Un-prefixed paths are rewritten
    /// to `<statement context>.<path>` by the collector.
    pub prefixed: bool,
}

/// What a literal key is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyKind {
    String,
    Int,
}

impl KeyKind {
    fn with_article(self) -> &'static str {
        match self {
            KeyKind::String => "a string",
            KeyKind::Int => "an int",
        }
    }
}

/// Why a path does not resolve. Spans point at the offending part of the path; `path` is
/// the path's dotted names as written (`Path::dotted_names`).
#[derive(Clone, Debug, PartialEq)]
pub enum PathError {
    /// A path with no segments.
    Empty { span: Span },
    /// A segment that the addressed context does not have. `candidates` are the names valid
    /// at that position; `suggestion` is the closest of them.
    UnknownSegment {
        context: Context,
        segment: String,
        path: String,
        span: Span,
        candidates: Vec<&'static str>,
        suggestion: Option<&'static str>,
    },
    /// A context prefix that this statement's context cannot reach (`spanevent.name` in a
    /// span statement). `valid` lists the accepted prefixes.
    PrefixNotReachable { prefix: String, context: Context, path: String, span: Span, valid: Vec<&'static str> },
    /// Only a prefix, with no field after it (`resource`).
    PrefixOnly { prefix: String, context: Context, path: String, span: Span },
    /// The path stops before a field (`otelcol.client`); `expected` are the names that may
    /// follow.
    Incomplete { context: Context, path: String, span: Span, expected: Vec<&'static str> },
    /// Segments after a complete field (`span.name.foo`); `span` covers them.
    ExtraSegments { context: Context, segment: String, path: String, span: Span },
    /// Keys on a segment that takes none (`span.name["x"]`, or keys on a prefix or an
    /// intermediate segment); `span` covers the keys.
    KeysNotAllowed { context: Context, segment: String, path: String, span: Span },
    /// Too many (or too few) keys: `trace_state` takes exactly one, metadata at most two.
    KeyCount { context: Context, path: String, span: Span, expected: &'static str, found: usize },
    /// A literal key of the wrong kind: `attributes[0]`.
    KeyType { context: Context, path: String, span: Span, expected: KeyKind, found: KeyKind },
    /// `cache` under a prefix other than the statement's own context (`resource.cache` in a
    /// span statement).
    /// `prefix_span` is where the prefix is written, for the fix.
    CacheOutsideContext { prefix: Context, statement_context: Context, path: String, span: Span, prefix_span: Span },
}

const DOC_ROOT: &str = "https://github.com/open-telemetry/opentelemetry-collector-contrib/tree/main/pkg/ottl/contexts/";

fn doc_ref(context: Context) -> String {
    format!("{DOC_ROOT}ottl{}", context.name())
}

impl PathError {
    pub fn span(&self) -> Span {
        match self {
            PathError::Empty { span }
            | PathError::UnknownSegment { span, .. }
            | PathError::PrefixNotReachable { span, .. }
            | PathError::PrefixOnly { span, .. }
            | PathError::Incomplete { span, .. }
            | PathError::ExtraSegments { span, .. }
            | PathError::KeysNotAllowed { span, .. }
            | PathError::KeyCount { span, .. }
            | PathError::KeyType { span, .. }
            | PathError::CacheOutsideContext { span, .. } => *span,
        }
    }

    /// The "did you mean" candidate, if any.
    pub fn suggestion(&self) -> Option<&'static str> {
        match self {
            PathError::UnknownSegment { suggestion, .. } => *suggestion,
            _ => None,
        }
    }

    /// A one-line message, worded after the reference's where it has one (spec §2.4).
    pub fn message(&self) -> String {
        match self {
            PathError::Empty { .. } => "empty path".to_string(),
            PathError::UnknownSegment { context, segment, path, .. } => format!(
                "segment \"{segment}\" from path \"{path}\" is neither a valid path nor a valid OTTL keyword for the {} context - review {} to see all valid paths",
                context.name(),
                doc_ref(*context)
            ),
            PathError::PrefixNotReachable { prefix, path, valid, .. } => {
                let valid: Vec<String> = valid.iter().map(|v| format!("\"{v}\"")).collect();
                format!(
                    "context \"{prefix}\" from path \"{path}\" is not valid, it must be replaced by one of: {}",
                    valid.join(", ")
                )
            }
            PathError::PrefixOnly { prefix, path, .. } => {
                format!("path \"{path}\" names only the context \"{prefix}\"; a field must follow it")
            }
            PathError::Incomplete { path, expected, .. } => {
                format!("path \"{path}\" is incomplete; expected one of: {}", expected.join(", "))
            }
            PathError::ExtraSegments { segment, .. } => format!(
                "the path section \"{segment}\" was not used by the context - this likely means you are using extra path sections"
            ),
            PathError::KeysNotAllowed { segment, .. } => format!(
                "the keys indexing \"{segment}\" were not used by the context - this likely means you are trying to index a path that does not support indexing"
            ),
            PathError::KeyCount { path, expected, found, .. } => {
                format!("path \"{path}\" takes {expected} key(s), found {found}")
            }
            PathError::KeyType { path, expected, found, .. } => {
                format!("path \"{path}\" expects {} key here, found {} key", expected.with_article(), found.with_article())
            }
            PathError::CacheOutsideContext { prefix, statement_context, path, .. } => format!(
                "access to the cache is only allowed in the current context (\"{}\"), not in \"{}\" (path \"{path}\")",
                statement_context.name(),
                prefix.name()
            ),
        }
    }
}

fn key_kind(key: &Key) -> Option<KeyKind> {
    let mut expr = &key.expr;
    while let ExprKind::Paren(inner) = &expr.kind {
        expr = inner;
    }
    match expr.kind {
        ExprKind::String(_) => Some(KeyKind::String),
        ExprKind::Int(_) => Some(KeyKind::Int),
        _ => None,
    }
}

fn keys_span(segment: &Segment) -> Span {
    let first = segment.keys.first().map_or(segment.name.span, |k| k.span);
    segment.keys.iter().fold(first, |acc, k| acc.cover(k.span))
}

/// Resolves `path` as written in a statement of `context`.
///
/// A first segment that names a context accepted by `context` (and is not itself a field of
/// `context`) selects that context's table; any other path is looked up in `context`'s own
/// table, as the collector rewrites it to `<context>.<path>`.
pub fn resolve(context: Context, path: &Path) -> Result<ResolvedPath, PathError> {
    let segs = &path.segments;
    let dotted = path.dotted_names();
    let Some(first) = segs.first() else {
        return Err(PathError::Empty { span: path.span });
    };
    let first_name = first.name.name.as_str();
    let first_is_own_field = context.table().iter().any(|e| e.segments[0] == first_name);

    let (target, start, prefixed) = match Context::parse(first_name) {
        Some(prefix_context) if !first_is_own_field => {
            if !context.accepts_prefix(first_name) {
                return Err(PathError::PrefixNotReachable {
                    prefix: first_name.to_string(),
                    context,
                    path: dotted,
                    span: first.name.span,
                    valid: context.prefixes(),
                });
            }
            if !first.keys.is_empty() {
                return Err(PathError::KeysNotAllowed {
                    context,
                    segment: first_name.to_string(),
                    path: dotted,
                    span: keys_span(first),
                });
            }
            if segs.len() == 1 {
                return Err(PathError::PrefixOnly {
                    prefix: first_name.to_string(),
                    context,
                    path: dotted,
                    span: first.name.span,
                });
            }
            (prefix_context, 1, true)
        }
        _ => (context, 0, false),
    };

    let rest = &segs[start..];
    if rest[0].name.name == "cache" && target != context {
        return Err(PathError::CacheOutsideContext {
            prefix: target,
            statement_context: context,
            path: dotted,
            span: rest[0].name.span,
            prefix_span: segs[0].name.span,
        });
    }

    let table = target.table();
    let names: Vec<&str> = rest.iter().map(|s| s.name.name.as_str()).collect();
    let mut matched: Option<(&'static PathEntry, usize)> = None;
    for i in 0..names.len() {
        let so_far = &names[..=i];
        let exact = table.iter().find(|e| e.segments == so_far);
        let extends = table.iter().any(|e| e.segments.len() > i + 1 && e.segments[..=i] == *so_far);
        if exact.is_none() && !extends {
            let mut candidates: Vec<&'static str> = Vec::new();
            for e in table {
                if e.segments.len() > i && e.segments[..i] == names[..i] && !candidates.contains(&e.segments[i]) {
                    if e.is_cache() && target != context {
                        continue;
                    }
                    candidates.push(e.segments[i]);
                }
            }
            let mut pool = candidates.clone();
            if i == 0 && !prefixed {
                pool.extend(context.prefixes());
            }
            let suggestion = closest(names[i], pool.iter().copied());
            return Err(PathError::UnknownSegment {
                context: target,
                segment: names[i].to_string(),
                path: dotted,
                span: rest[i].name.span,
                candidates,
                suggestion,
            });
        }
        if let Some(e) = exact {
            matched = Some((e, i));
            if !extends && let [first, .., last] | [first @ last] = &rest[i + 1..] {
                let end = last.keys.last().map_or(last.name.span.end, |k| k.span.end);
                return Err(PathError::ExtraSegments {
                    context: target,
                    segment: names[i + 1].to_string(),
                    path: dotted,
                    span: Span::new(first.name.span.start, end),
                });
            }
        }
    }

    let Some((entry, last_index)) = matched.filter(|&(_, i)| i + 1 == names.len()) else {
        let mut expected: Vec<&'static str> = Vec::new();
        for e in table {
            if e.segments.len() > names.len() && e.segments[..names.len()] == names[..] {
                let next = e.segments[names.len()];
                if !expected.contains(&next) {
                    expected.push(next);
                }
            }
        }
        return Err(PathError::Incomplete { context: target, path: dotted, span: path.span, expected });
    };

    // Keys are only allowed on the last segment, and only as the entry permits.
    for segment in &rest[..last_index] {
        if !segment.keys.is_empty() {
            return Err(PathError::KeysNotAllowed {
                context: target,
                segment: segment.name.name.to_string(),
                path: dotted,
                span: keys_span(segment),
            });
        }
    }
    let last = &rest[last_index];
    let keys = &last.keys;
    check_keys(target, entry, last, &dotted)?;
    #[expect(clippy::expect_used, reason = "check_keys has accepted the key count, so the entry has a type for it")]
    let ty = entry.indexed_type(keys.len()).expect("check_keys accepted the key count");
    Ok(ResolvedPath {
        context: target,
        field: entry.id,
        entry,
        ty,
        settable: entry.settable,
        enum_table: if keys.is_empty() { entry.enum_table } else { None },
        key_count: keys.len(),
        prefixed,
    })
}

fn check_keys(context: Context, entry: &PathEntry, segment: &Segment, path: &str) -> Result<(), PathError> {
    let keys = &segment.keys;
    if keys.is_empty() {
        return Ok(());
    }
    let wrong = |index: usize, expected: KeyKind| -> Result<(), PathError> {
        match keys.get(index).and_then(key_kind) {
            Some(found) if found != expected => {
                Err(PathError::KeyType { context, path: path.to_string(), span: keys[index].span, expected, found })
            }
            _ => Ok(()),
        }
    };
    let count = |expected: &'static str| PathError::KeyCount {
        context,
        path: path.to_string(),
        span: keys_span(segment),
        expected,
        found: keys.len(),
    };
    match entry.keys {
        KeyRule::None => Err(PathError::KeysNotAllowed {
            context,
            segment: segment.name.name.to_string(),
            path: path.to_string(),
            span: keys_span(segment),
        }),
        KeyRule::Map => wrong(0, KeyKind::String),
        KeyRule::Value => Ok(()),
        KeyRule::TraceStateKey => {
            if keys.len() != 1 {
                return Err(count("exactly 1"));
            }
            wrong(0, KeyKind::String)
        }
        KeyRule::StringListMap => {
            if keys.len() > 2 {
                return Err(count("at most 2"));
            }
            wrong(0, KeyKind::String)?;
            wrong(1, KeyKind::Int)
        }
    }
}
