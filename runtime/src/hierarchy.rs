//! The OTTL contexts and how they nest: resource → scope → span (→ span event, span link),
//! metric (→ data point), log record, profile. One enum serves the checker (path
//! prefixes, context inference), collector YAML (`context:` keys), the language server,
//! function declarations (where a function is registered) and execution (which items a
//! rule set runs on).

use std::fmt;

use crate::otlp::Telemetry;

/// An OTTL context. Every variant but [`Context::OTelCol`] can be a statement's context;
/// `otelcol` is a read-only prefix available in every context.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Context {
    Resource,
    /// Also spelled `instrumentation_scope`.
    Scope,
    Span,
    SpanEvent,
    SpanLink,
    Metric,
    DataPoint,
    Log,
    Profile,
    /// Collector request data (`otelcol.client.addr`, …): a prefix, not a statement context.
    OTelCol,
}

/// The newest inference priority (`defaultContextInferPriority` in `context_inferrer.go`),
/// highest first. Names not listed (`spanlink`, `otelcol`, unknown ones) rank last.
pub const INFERENCE_PRIORITY: &[&str] =
    &["log", "datapoint", "metric", "spanevent", "span", "profile", "scope", "instrumentation_scope", "resource"];

/// The legacy name of the scope prefix.
pub const SCOPE_ALIAS: &str = "instrumentation_scope";

impl Context {
    /// Every context, the `otelcol` prefix (last) included.
    pub const ALL: &'static [Context] = &[
        Context::Resource,
        Context::Scope,
        Context::Span,
        Context::SpanEvent,
        Context::SpanLink,
        Context::Metric,
        Context::DataPoint,
        Context::Log,
        Context::Profile,
        Context::OTelCol,
    ];

    /// Every context a statement can run in: all but `otelcol`.
    pub const STATEMENT_CONTEXTS: &'static [Context] = Context::ALL.split_at(Context::ALL.len() - 1).0;

    /// The canonical name, as written in a path prefix and in `context:` config.
    pub fn name(self) -> &'static str {
        match self {
            Context::Resource => "resource",
            Context::Scope => "scope",
            Context::Span => "span",
            Context::SpanEvent => "spanevent",
            Context::SpanLink => "spanlink",
            Context::Metric => "metric",
            Context::DataPoint => "datapoint",
            Context::Log => "log",
            Context::Profile => "profile",
            Context::OTelCol => "otelcol",
        }
    }

    /// A context by name; `instrumentation_scope` is [`Context::Scope`].
    pub fn parse(name: &str) -> Option<Context> {
        if name == SCOPE_ALIAS {
            return Some(Context::Scope);
        }
        Context::ALL.iter().copied().find(|c| c.name() == name)
    }

    /// Whether this context can be a statement's context (everything but `otelcol`).
    pub fn is_statement_context(self) -> bool {
        self != Context::OTelCol
    }

    /// The contexts whose paths a statement in this one can address: itself first, then
    /// the higher contexts, nearest first. `otelcol` is not included (see
    /// [`Context::prefixes`]).
    pub fn reachable(self) -> &'static [Context] {
        use Context::*;
        match self {
            Resource => &[Resource],
            Scope => &[Scope, Resource],
            Span => &[Span, Scope, Resource],
            SpanEvent => &[SpanEvent, Span, Scope, Resource],
            SpanLink => &[SpanLink, Span, Scope, Resource],
            Metric => &[Metric, Scope, Resource],
            DataPoint => &[DataPoint, Metric, Scope, Resource],
            Log => &[Log, Scope, Resource],
            Profile => &[Profile, Scope, Resource],
            OTelCol => &[OTelCol],
        }
    }

    /// The path prefixes a statement in this context accepts, as the reference's
    /// `pathContextNames`: the names of the contexts it reaches (scope followed by its
    /// alias), and `otelcol`.
    pub fn prefixes(self) -> Vec<&'static str> {
        let mut prefixes = Vec::new();
        for &context in self.reachable() {
            prefixes.push(context.name());
            if context == Context::Scope {
                prefixes.push(SCOPE_ALIAS);
            }
        }
        if self != Context::OTelCol {
            prefixes.push(Context::OTelCol.name());
        }
        prefixes
    }

    /// Whether `prefix` may start a path in a statement of this context: one of
    /// [`Self::prefixes`].
    pub fn accepts_prefix(self, prefix: &str) -> bool {
        Context::parse(prefix).is_some_and(|c| c == Context::OTelCol || self.reachable().contains(&c))
    }

    /// Position in [`INFERENCE_PRIORITY`]; lower wins. `usize::MAX` when not listed.
    pub fn priority(self) -> usize {
        priority_of(self.name())
    }

    /// The statement contexts below this one (those that can reach it), by inference
    /// priority; contexts without a priority (`spanlink`) come last: metric → datapoint;
    /// span → spanevent, spanlink; resource → every other context.
    pub fn lower(self) -> Vec<Context> {
        let mut lower: Vec<Context> =
            Context::STATEMENT_CONTEXTS.iter().copied().filter(|&c| c != self && c.reachable().contains(&self)).collect();
        lower.sort_by_key(|c| c.priority());
        lower
    }

    /// Whether items of this context exist in payloads of this signal.
    pub fn fits(self, telemetry: &Telemetry) -> bool {
        use Context::*;
        match telemetry {
            Telemetry::Traces(_) => matches!(self, Resource | Scope | Span | SpanEvent | SpanLink),
            Telemetry::Metrics(_) => matches!(self, Resource | Scope | Metric | DataPoint),
            Telemetry::Logs(_) => matches!(self, Resource | Scope | Log),
            Telemetry::Profiles(_) => matches!(self, Resource | Scope | Profile),
        }
    }
}

impl fmt::Display for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Inference priority of a prefix name (`instrumentation_scope` has its own rank).
pub fn priority_of(name: &str) -> usize {
    INFERENCE_PRIORITY.iter().position(|&n| n == name).unwrap_or(usize::MAX)
}
