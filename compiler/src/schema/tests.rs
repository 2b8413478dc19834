use std::collections::HashSet;

use ottl_grammar::ast::{EnumSymbol, ExprKind, Path};

use super::*;
use crate::types::Type;

fn parse_path(text: &str) -> Path {
    let parsed = ottl_grammar::parse_value(text);
    assert!(!parsed.has_errors(), "{text}: {:?}", parsed.diagnostics);
    match parsed.node.expect("a node").kind {
        ExprKind::Path(p) => p,
        other => panic!("{text} is not a path: {other:?}"),
    }
}

fn parse_enum(text: &str) -> EnumSymbol {
    let parsed = ottl_grammar::parse_value(text);
    match parsed.node.expect("a node").kind {
        ExprKind::Enum(e) => *e,
        other => panic!("{text} is not an enum: {other:?}"),
    }
}

fn ok(context: Context, text: &str) -> ResolvedPath {
    resolve(context, &parse_path(text)).unwrap_or_else(|e| panic!("{text} in {context}: {}", e.message()))
}

fn err(context: Context, text: &str) -> PathError {
    match resolve(context, &parse_path(text)) {
        Ok(r) => panic!("{text} in {context} resolved to {}", r.entry.full_name()),
        Err(e) => e,
    }
}

fn map_any() -> Type {
    Type::Map(Box::new(Type::Any))
}

fn arr(t: Type) -> Type {
    Type::Array(Box::new(t))
}

use Context as C;

/// Every path of spec §4: text, statement context, addressed context, type, settable.
fn spec_paths() -> Vec<(&'static str, Context, Context, Type, bool)> {
    let op = Type::Opaque;
    vec![
        // resource
        ("resource.attributes", C::Resource, C::Resource, map_any(), true),
        ("resource.attributes[\"k\"]", C::Resource, C::Resource, Type::Any, true),
        ("resource.dropped_attributes_count", C::Resource, C::Resource, Type::Int, true),
        ("resource.schema_url", C::Resource, C::Resource, Type::String, true),
        ("resource.cache", C::Resource, C::Resource, map_any(), true),
        ("resource.cache[\"x\"]", C::Resource, C::Resource, Type::Any, true),
        // scope
        ("scope.name", C::Scope, C::Scope, Type::String, true),
        ("scope.version", C::Scope, C::Scope, Type::String, true),
        ("scope.attributes", C::Scope, C::Scope, map_any(), true),
        ("scope.attributes[\"k\"]", C::Scope, C::Scope, Type::Any, true),
        ("scope.dropped_attributes_count", C::Scope, C::Scope, Type::Int, true),
        ("scope.schema_url", C::Scope, C::Scope, Type::String, true),
        ("instrumentation_scope.name", C::Span, C::Scope, Type::String, true),
        ("scope.cache", C::Scope, C::Scope, map_any(), true),
        // span
        ("span.trace_id", C::Span, C::Span, Type::TraceId, true),
        ("span.trace_id.string", C::Span, C::Span, Type::String, true),
        ("span.span_id", C::Span, C::Span, Type::SpanId, true),
        ("span.span_id.string", C::Span, C::Span, Type::String, true),
        ("span.parent_span_id", C::Span, C::Span, Type::SpanId, true),
        ("span.parent_span_id.string", C::Span, C::Span, Type::String, true),
        ("span.trace_state", C::Span, C::Span, Type::String, true),
        ("span.trace_state[\"k\"]", C::Span, C::Span, Type::String, true),
        ("span.name", C::Span, C::Span, Type::String, true),
        ("span.kind", C::Span, C::Span, Type::Int, true),
        ("span.kind.string", C::Span, C::Span, Type::String, true),
        ("span.kind.deprecated_string", C::Span, C::Span, Type::String, true),
        ("span.start_time_unix_nano", C::Span, C::Span, Type::Int, true),
        ("span.end_time_unix_nano", C::Span, C::Span, Type::Int, true),
        ("span.start_time", C::Span, C::Span, Type::Time, true),
        ("span.end_time", C::Span, C::Span, Type::Time, true),
        ("span.attributes", C::Span, C::Span, map_any(), true),
        ("span.attributes[\"k\"]", C::Span, C::Span, Type::Any, true),
        ("span.attributes[\"k\"][0]", C::Span, C::Span, Type::Any, true),
        ("span.dropped_attributes_count", C::Span, C::Span, Type::Int, true),
        ("span.dropped_events_count", C::Span, C::Span, Type::Int, true),
        ("span.dropped_links_count", C::Span, C::Span, Type::Int, true),
        ("span.events", C::Span, C::Span, op("ptrace.SpanEventSlice"), true),
        ("span.links", C::Span, C::Span, op("ptrace.SpanLinkSlice"), true),
        ("span.status", C::Span, C::Span, op("ptrace.Status"), true),
        ("span.status.code", C::Span, C::Span, Type::Int, true),
        ("span.status.message", C::Span, C::Span, Type::String, true),
        ("span.duration", C::Span, C::Span, Type::Duration, false),
        ("span.trace_id.trace_id", C::Span, C::Span, Type::TraceId, false),
        ("span.cache", C::Span, C::Span, map_any(), true),
        ("span.cache[\"k\"]", C::Span, C::Span, Type::Any, true),
        // spanevent
        ("spanevent.name", C::SpanEvent, C::SpanEvent, Type::String, true),
        ("spanevent.time_unix_nano", C::SpanEvent, C::SpanEvent, Type::Int, true),
        ("spanevent.time", C::SpanEvent, C::SpanEvent, Type::Time, true),
        ("spanevent.attributes", C::SpanEvent, C::SpanEvent, map_any(), true),
        ("spanevent.attributes[\"k\"]", C::SpanEvent, C::SpanEvent, Type::Any, true),
        ("spanevent.dropped_attributes_count", C::SpanEvent, C::SpanEvent, Type::Int, true),
        ("spanevent.event_index", C::SpanEvent, C::SpanEvent, Type::Int, false),
        ("spanevent.cache", C::SpanEvent, C::SpanEvent, map_any(), true),
        ("span.name", C::SpanEvent, C::Span, Type::String, true),
        ("scope.name", C::SpanEvent, C::Scope, Type::String, true),
        ("resource.attributes[\"k\"]", C::SpanEvent, C::Resource, Type::Any, true),
        // metric
        ("metric.name", C::Metric, C::Metric, Type::String, true),
        ("metric.description", C::Metric, C::Metric, Type::String, true),
        ("metric.unit", C::Metric, C::Metric, Type::String, true),
        ("metric.type", C::Metric, C::Metric, Type::Int, false),
        ("metric.aggregation_temporality", C::Metric, C::Metric, Type::Int, true),
        ("metric.is_monotonic", C::Metric, C::Metric, Type::Bool, true),
        ("metric.data_points", C::Metric, C::Metric, op("pmetric.DataPointSlice"), true),
        ("metric.metadata", C::Metric, C::Metric, map_any(), true),
        ("metric.metadata[\"k\"]", C::Metric, C::Metric, Type::Any, true),
        ("metric.cache", C::Metric, C::Metric, map_any(), true),
        // datapoint
        ("datapoint.attributes", C::DataPoint, C::DataPoint, map_any(), true),
        ("datapoint.attributes[\"k\"]", C::DataPoint, C::DataPoint, Type::Any, true),
        ("datapoint.start_time_unix_nano", C::DataPoint, C::DataPoint, Type::Int, true),
        ("datapoint.time_unix_nano", C::DataPoint, C::DataPoint, Type::Int, true),
        ("datapoint.start_time", C::DataPoint, C::DataPoint, Type::Time, true),
        ("datapoint.time", C::DataPoint, C::DataPoint, Type::Time, true),
        ("datapoint.value_double", C::DataPoint, C::DataPoint, Type::Float, true),
        ("datapoint.value_int", C::DataPoint, C::DataPoint, Type::Int, true),
        ("datapoint.exemplars", C::DataPoint, C::DataPoint, op("pmetric.ExemplarSlice"), true),
        ("datapoint.flags", C::DataPoint, C::DataPoint, Type::Int, true),
        ("datapoint.count", C::DataPoint, C::DataPoint, Type::Int, true),
        ("datapoint.sum", C::DataPoint, C::DataPoint, Type::Float, true),
        ("datapoint.bucket_counts", C::DataPoint, C::DataPoint, arr(Type::Int), true),
        ("datapoint.explicit_bounds", C::DataPoint, C::DataPoint, arr(Type::Float), true),
        ("datapoint.scale", C::DataPoint, C::DataPoint, Type::Int, true),
        ("datapoint.zero_count", C::DataPoint, C::DataPoint, Type::Int, true),
        ("datapoint.positive", C::DataPoint, C::DataPoint, op("pmetric.ExponentialHistogramDataPointBuckets"), true),
        ("datapoint.positive.offset", C::DataPoint, C::DataPoint, Type::Int, true),
        ("datapoint.positive.bucket_counts", C::DataPoint, C::DataPoint, arr(Type::Int), true),
        ("datapoint.negative", C::DataPoint, C::DataPoint, op("pmetric.ExponentialHistogramDataPointBuckets"), true),
        ("datapoint.negative.offset", C::DataPoint, C::DataPoint, Type::Int, true),
        ("datapoint.negative.bucket_counts", C::DataPoint, C::DataPoint, arr(Type::Int), true),
        ("datapoint.quantile_values", C::DataPoint, C::DataPoint, op("pmetric.SummaryDataPointValueAtQuantileSlice"), true),
        ("datapoint.cache", C::DataPoint, C::DataPoint, map_any(), true),
        ("metric.name", C::DataPoint, C::Metric, Type::String, true),
        ("metric.type", C::DataPoint, C::Metric, Type::Int, false),
        // log
        ("log.time_unix_nano", C::Log, C::Log, Type::Int, true),
        ("log.observed_time_unix_nano", C::Log, C::Log, Type::Int, true),
        ("log.time", C::Log, C::Log, Type::Time, true),
        ("log.observed_time", C::Log, C::Log, Type::Time, true),
        ("log.severity_number", C::Log, C::Log, Type::Int, true),
        ("log.severity_text", C::Log, C::Log, Type::String, true),
        ("log.body", C::Log, C::Log, Type::Any, true),
        ("log.body[\"k\"]", C::Log, C::Log, Type::Any, true),
        ("log.body[0]", C::Log, C::Log, Type::Any, true),
        ("log.body.string", C::Log, C::Log, Type::String, true),
        ("log.attributes", C::Log, C::Log, map_any(), true),
        ("log.attributes[\"k\"]", C::Log, C::Log, Type::Any, true),
        ("log.dropped_attributes_count", C::Log, C::Log, Type::Int, true),
        ("log.flags", C::Log, C::Log, Type::Int, true),
        ("log.trace_id", C::Log, C::Log, Type::TraceId, true),
        ("log.trace_id.string", C::Log, C::Log, Type::String, true),
        ("log.span_id", C::Log, C::Log, Type::SpanId, true),
        ("log.span_id.string", C::Log, C::Log, Type::String, true),
        ("log.event_name", C::Log, C::Log, Type::String, true),
        ("log.cache", C::Log, C::Log, map_any(), true),
        ("log.cache[\"k\"]", C::Log, C::Log, Type::Any, true),
        // profile
        ("profile.sample_type", C::Profile, C::Profile, op("pprofile.ValueTypeSlice"), true),
        ("profile.sample", C::Profile, C::Profile, op("pprofile.SampleSlice"), true),
        ("profile.mapping_table", C::Profile, C::Profile, op("pprofile.MappingSlice"), true),
        ("profile.location_table", C::Profile, C::Profile, op("pprofile.LocationSlice"), true),
        ("profile.location_indices", C::Profile, C::Profile, arr(Type::Int), true),
        ("profile.function_table", C::Profile, C::Profile, op("pprofile.FunctionSlice"), true),
        ("profile.attribute_table", C::Profile, C::Profile, op("pprofile.AttributeTableSlice"), true),
        ("profile.attribute_units", C::Profile, C::Profile, op("pprofile.AttributeUnitSlice"), true),
        ("profile.link_table", C::Profile, C::Profile, op("pprofile.LinkSlice"), true),
        ("profile.string_table", C::Profile, C::Profile, arr(Type::String), true),
        ("profile.time_unix_nano", C::Profile, C::Profile, Type::Int, true),
        ("profile.time", C::Profile, C::Profile, Type::Time, true),
        ("profile.duration_unix_nano", C::Profile, C::Profile, Type::Int, true),
        ("profile.duration", C::Profile, C::Profile, Type::Time, true),
        ("profile.period_type", C::Profile, C::Profile, op("pprofile.ValueType"), true),
        ("profile.period", C::Profile, C::Profile, Type::Int, true),
        ("profile.comment_string_indices", C::Profile, C::Profile, arr(Type::Int), true),
        ("profile.default_sample_type_string_index", C::Profile, C::Profile, Type::Int, true),
        ("profile.profile_id", C::Profile, C::Profile, Type::ProfileId, true),
        ("profile.profile_id.string", C::Profile, C::Profile, Type::String, true),
        ("profile.attribute_indices", C::Profile, C::Profile, arr(Type::Int), true),
        ("profile.dropped_attributes_count", C::Profile, C::Profile, Type::Int, true),
        ("profile.original_payload_format", C::Profile, C::Profile, Type::String, true),
        ("profile.original_payload", C::Profile, C::Profile, Type::Bytes, true),
        ("profile.attributes", C::Profile, C::Profile, map_any(), true),
        ("profile.attributes[\"k\"]", C::Profile, C::Profile, Type::Any, true),
        ("profile.cache", C::Profile, C::Profile, map_any(), true),
        // spanlink
        ("spanlink.trace_id", C::SpanLink, C::SpanLink, Type::TraceId, true),
        ("spanlink.trace_id.string", C::SpanLink, C::SpanLink, Type::String, true),
        ("spanlink.span_id", C::SpanLink, C::SpanLink, Type::SpanId, true),
        ("spanlink.span_id.string", C::SpanLink, C::SpanLink, Type::String, true),
        ("spanlink.trace_state", C::SpanLink, C::SpanLink, Type::String, true),
        ("spanlink.attributes", C::SpanLink, C::SpanLink, map_any(), true),
        ("spanlink.attributes[\"k\"]", C::SpanLink, C::SpanLink, Type::Any, true),
        ("spanlink.dropped_attributes_count", C::SpanLink, C::SpanLink, Type::Int, true),
        ("spanlink.flags", C::SpanLink, C::SpanLink, Type::Int, true),
        ("spanlink.cache", C::SpanLink, C::SpanLink, map_any(), true),
        ("span.name", C::SpanLink, C::Span, Type::String, true),
        // otelcol, from every context
        ("otelcol.client.addr", C::Log, C::OTelCol, Type::String, false),
        ("otelcol.client.metadata", C::Span, C::OTelCol, Type::Map(Box::new(arr(Type::String))), false),
        ("otelcol.client.metadata[\"k\"]", C::Span, C::OTelCol, arr(Type::String), false),
        ("otelcol.client.metadata[\"k\"][0]", C::Span, C::OTelCol, Type::String, false),
        ("otelcol.client.auth.attributes", C::Metric, C::OTelCol, map_any(), false),
        ("otelcol.client.auth.attributes[\"k\"]", C::DataPoint, C::OTelCol, Type::Any, false),
        ("otelcol.grpc.metadata", C::Resource, C::OTelCol, Type::Map(Box::new(arr(Type::String))), false),
        ("otelcol.grpc.metadata[\"k\"]", C::Profile, C::OTelCol, arr(Type::String), false),
    ]
}

#[test]
fn every_spec_path_resolves_with_its_type() {
    for (text, context, addressed, ty, settable) in spec_paths() {
        let r = ok(context, text);
        assert_eq!(r.context, addressed, "{text}");
        assert_eq!(r.ty, ty, "{text}");
        assert_eq!(r.settable, settable, "{text}");
        assert!(r.prefixed, "{text}");
        assert_eq!(entry_by_id(r.field), Some(r.entry), "{text}");
    }
}

#[test]
fn every_table_entry_is_covered_by_the_spec_table() {
    let covered: HashSet<FieldId> = spec_paths().iter().map(|(text, c, ..)| ok(*c, text).field).collect();
    for context in Context::ALL {
        for e in context.table() {
            assert!(covered.contains(&e.id), "{} is not in the test table", e.full_name());
        }
    }
}

#[test]
fn field_ids_are_unique_and_in_their_context_block() {
    let mut seen = HashSet::new();
    for (i, context) in Context::ALL.iter().enumerate() {
        for e in context.table() {
            assert!(seen.insert(e.id), "duplicate id {:?}", e.id);
            assert_eq!(e.context, *context);
            assert_eq!(e.id.id() / 100, i as u16 + 1, "{}", e.full_name());
            assert!(!e.doc.is_empty());
        }
    }
}

#[test]
fn unprefixed_paths_resolve_in_the_statement_context() {
    let r = ok(C::Span, "status.code");
    assert_eq!((r.context, r.prefixed, r.ty.clone()), (C::Span, false, Type::Int));
    assert_eq!(r.entry.full_name(), "span.status.code");
    assert_eq!(ok(C::Log, "attributes[\"x\"]").ty, Type::Any);
    assert_eq!(ok(C::Log, "body.string").ty, Type::String);
    assert_eq!(ok(C::Log, "cache[\"x\"]").context, C::Log);
    // The legacy un-prefixed higher context still works.
    assert_eq!(ok(C::Log, "resource.attributes").context, C::Resource);
}

#[test]
fn enum_tables_on_paths() {
    assert_eq!(ok(C::Span, "span.kind").enum_table, Some(&enums::SPAN_KIND));
    assert_eq!(ok(C::Span, "span.status.code").enum_table, Some(&enums::STATUS_CODE));
    assert_eq!(ok(C::Log, "log.severity_number").enum_table, Some(&enums::SEVERITY_NUMBER));
    assert_eq!(ok(C::DataPoint, "metric.type").enum_table, Some(&enums::METRIC_DATA_TYPE));
    assert_eq!(ok(C::Metric, "metric.aggregation_temporality").enum_table, Some(&enums::AGGREGATION_TEMPORALITY));
    assert_eq!(ok(C::DataPoint, "datapoint.flags").enum_table, Some(&enums::DATAPOINT_FLAGS));
    assert_eq!(ok(C::Span, "span.name").enum_table, None);
}

#[test]
fn error_empty_path() {
    let path = Path { segments: vec![], span: ottl_grammar::Span::at(3) };
    assert_eq!(resolve(C::Span, &path), Err(PathError::Empty { span: ottl_grammar::Span::at(3) }));
}

#[test]
fn error_unknown_segment_with_suggestion() {
    let e = err(C::Span, "span.atributes[\"k\"]");
    assert!(matches!(&e, PathError::UnknownSegment { segment, .. } if segment == "atributes"));
    assert_eq!(e.suggestion(), Some("attributes"));
    assert_eq!(e.span(), ottl_grammar::Span::new(5, 14));
    assert!(e.message().starts_with("segment \"atributes\" from path \"span.atributes\" is neither a valid path"));

    let e = err(C::Span, "span.stauts.code");
    assert_eq!(e.suggestion(), Some("status"));
    assert_eq!(e.span(), ottl_grammar::Span::new(5, 11));

    let e = err(C::Span, "span.status.cod");
    match &e {
        PathError::UnknownSegment { candidates, suggestion, .. } => {
            assert_eq!(candidates, &["code", "message"]);
            assert_eq!(*suggestion, Some("code"));
        }
        other => panic!("{other:?}"),
    }

    // Un-prefixed: prefixes are candidates too.
    assert_eq!(err(C::Span, "resurce.attributes").suggestion(), Some("resource"));
    // Nothing close.
    assert_eq!(err(C::Log, "log.zzzzzzzz").suggestion(), None);
}

#[test]
fn error_prefix_not_reachable() {
    let e = err(C::Span, "spanevent.name");
    match &e {
        PathError::PrefixNotReachable { prefix, valid, .. } => {
            assert_eq!(prefix, "spanevent");
            assert_eq!(*valid, C::Span.prefixes());
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        e.message(),
        "context \"spanevent\" from path \"spanevent.name\" is not valid, it must be replaced by one of: \"span\", \"scope\", \"instrumentation_scope\", \"resource\", \"otelcol\""
    );
    assert!(matches!(err(C::Log, "datapoint.attributes"), PathError::PrefixNotReachable { .. }));
    assert!(matches!(err(C::Metric, "datapoint.flags"), PathError::PrefixNotReachable { .. }));
}

#[test]
fn error_prefix_only_and_incomplete() {
    assert!(matches!(err(C::Span, "resource"), PathError::PrefixOnly { .. }));
    match err(C::Span, "otelcol.client") {
        PathError::Incomplete { expected, .. } => assert_eq!(expected, ["addr", "metadata", "auth"]),
        other => panic!("{other:?}"),
    }
}

#[test]
fn error_extra_segments() {
    let e = err(C::Span, "span.name.foo");
    assert!(matches!(&e, PathError::ExtraSegments { segment, .. } if segment == "foo"));
    assert_eq!(e.span(), ottl_grammar::Span::new(10, 13));
    assert!(e.message().starts_with("the path section \"foo\" was not used by the context"));
    assert!(matches!(err(C::Span, "span.status.code.x"), PathError::ExtraSegments { .. }));
}

#[test]
fn error_keys_not_allowed() {
    let e = err(C::Span, "span.name[\"x\"]");
    assert!(matches!(&e, PathError::KeysNotAllowed { segment, .. } if segment == "name"));
    assert_eq!(e.span(), ottl_grammar::Span::new(9, 14));
    assert!(e.message().starts_with("the keys indexing \"name\" were not used by the context"));
    // Keys on an intermediate segment, and on a prefix.
    assert!(matches!(err(C::Log, "log.body[\"k\"].string"), PathError::KeysNotAllowed { .. }));
    assert!(matches!(err(C::Span, "span.status[\"x\"].code"), PathError::KeysNotAllowed { .. }));
}

#[test]
fn error_key_count_and_type() {
    assert!(matches!(err(C::Span, "span.trace_state[\"a\"][\"b\"]"), PathError::KeyCount { found: 2, .. }));
    assert!(matches!(err(C::Span, "otelcol.client.metadata[\"k\"][0][1]"), PathError::KeyCount { found: 3, .. }));
    assert!(matches!(
        err(C::Span, "span.attributes[0]"),
        PathError::KeyType { expected: KeyKind::String, found: KeyKind::Int, .. }
    ));
    assert!(matches!(
        err(C::Span, "otelcol.client.metadata[\"k\"][\"x\"]"),
        PathError::KeyType { expected: KeyKind::Int, found: KeyKind::String, .. }
    ));
    // Non-literal keys are left to the checker.
    assert_eq!(ok(C::Span, "span.attributes[span.name]").ty, Type::Any);
}

#[test]
fn error_cache_under_another_prefix() {
    let e = err(C::Span, "resource.cache[\"x\"]");
    assert!(matches!(e, PathError::CacheOutsideContext { prefix: C::Resource, statement_context: C::Span, .. }));
    assert_eq!(e.span(), ottl_grammar::Span::new(9, 14));
    assert!(matches!(err(C::DataPoint, "metric.cache"), PathError::CacheOutsideContext { .. }));
    assert_eq!(ok(C::Resource, "resource.cache").context, C::Resource);
}

#[test]
fn contexts_and_prefixes() {
    for &c in Context::ALL {
        assert_eq!(Context::parse(c.name()), Some(c));
    }
    assert_eq!(Context::parse("instrumentation_scope"), Some(C::Scope));
    assert_eq!(Context::parse("spam"), None);
    assert!(C::SpanEvent.accepts_prefix("span"));
    assert!(C::DataPoint.accepts_prefix("metric"));
    assert!(C::Resource.accepts_prefix("otelcol"));
    assert!(!C::Span.accepts_prefix("spanevent"));
    assert_eq!(C::DataPoint.prefixes(), ["datapoint", "metric", "scope", "instrumentation_scope", "resource", "otelcol"]);
    assert_eq!(C::OTelCol.prefixes(), ["otelcol"]);
    let names: Vec<&str> = Context::ALL.iter().map(|c| c.name()).chain(["instrumentation_scope", "spam"]).collect();
    for &c in Context::ALL {
        for name in &names {
            assert_eq!(c.accepts_prefix(name), c.prefixes().contains(name), "{c} {name}");
        }
    }
    assert_eq!(C::Metric.lower(), vec![C::DataPoint]);
    assert_eq!(C::Span.lower(), vec![C::SpanEvent, C::SpanLink]);
    assert_eq!(
        C::Resource.lower(),
        vec![C::Log, C::DataPoint, C::Metric, C::SpanEvent, C::Span, C::Profile, C::Scope, C::SpanLink]
    );
    assert!(C::Log.lower().is_empty());
    assert!(C::Log.priority() < C::DataPoint.priority());
    assert!(C::Profile.priority() < C::Scope.priority());
    assert!(priority_of("instrumentation_scope") < C::Resource.priority());
}

#[test]
fn enum_lookup_by_context() {
    assert_eq!(enum_value(C::Span, "SPAN_KIND_SERVER"), Some(2));
    assert_eq!(enum_value(C::SpanEvent, "STATUS_CODE_ERROR"), Some(2));
    assert_eq!(enum_value(C::SpanLink, "SPAN_KIND_CLIENT"), Some(3));
    assert_eq!(enum_value(C::Log, "SPAN_KIND_SERVER"), None);
    assert_eq!(enum_value(C::Log, "SEVERITY_NUMBER_TRACE2"), Some(2));
    assert_eq!(enum_value(C::Log, "SEVERITY_NUMBER_FATAL4"), Some(24));
    assert_eq!(enum_value(C::Log, "SEVERITY_NUMBER_WARN"), Some(13));
    assert_eq!(enum_value(C::DataPoint, "FLAG_NO_RECORDED_VALUE"), Some(1));
    assert_eq!(enum_value(C::DataPoint, "METRIC_DATA_TYPE_SUMMARY"), Some(5));
    assert_eq!(enum_value(C::DataPoint, "AGGREGATION_TEMPORALITY_CUMULATIVE"), Some(2));
    assert_eq!(enum_value(C::Metric, "FLAG_NONE"), None);
    assert_eq!(enum_value(C::Resource, "SPAN_KIND_SERVER"), None);
    assert_eq!(enums::SEVERITY_NUMBER.symbol(9), Some("SEVERITY_NUMBER_INFO"));
}

#[test]
fn seed_qualified_spellings() {
    assert_eq!(qualified_symbol("StatusCode", "Ok").as_deref(), Some("STATUS_CODE_OK"));
    assert_eq!(qualified_symbol("StatusCode", "Error").as_deref(), Some("STATUS_CODE_ERROR"));
    assert_eq!(qualified_symbol("StatusCode", "Unset").as_deref(), Some("STATUS_CODE_UNSET"));
    assert_eq!(qualified_symbol("SpanKind", "Server").as_deref(), Some("SPAN_KIND_SERVER"));
    assert_eq!(qualified_symbol("SeverityNumber", "Info2").as_deref(), Some("SEVERITY_NUMBER_INFO2"));
    assert_eq!(
        qualified_symbol("MetricDataType", "ExponentialHistogram").as_deref(),
        Some("METRIC_DATA_TYPE_EXPONENTIAL_HISTOGRAM")
    );
    assert_eq!(qualified_symbol("Flag", "NoRecordedValue").as_deref(), Some("FLAG_NO_RECORDED_VALUE"));
    assert_eq!(qualified_symbol("STATUS_CODE", "OK").as_deref(), Some("STATUS_CODE_OK"));
    assert_eq!(qualified_symbol("Nope", "Ok"), None);

    let v = lookup_enum(C::Span, &parse_enum("StatusCode::Ok")).unwrap();
    assert_eq!((v.symbol.as_str(), v.value), ("STATUS_CODE_OK", 1));
    let v = lookup_enum(C::SpanEvent, &parse_enum("SpanKind::Server")).unwrap();
    assert_eq!(v.value, 2);
    let v = lookup_enum(C::Span, &parse_enum("SPAN_KIND_CONSUMER")).unwrap();
    assert_eq!(v.table, &enums::SPAN_KIND);
}

#[test]
fn enum_lookup_errors() {
    match lookup_enum(C::Log, &parse_enum("StatusCode::Ok")) {
        Err(EnumError::NotInContext { symbol, available_in, .. }) => {
            assert_eq!(symbol, "STATUS_CODE_OK");
            assert_eq!(available_in, vec![C::Span, C::SpanEvent, C::SpanLink]);
        }
        other => panic!("{other:?}"),
    }
    match lookup_enum(C::Span, &parse_enum("StatusKode::Ok")) {
        Err(EnumError::UnknownQualifier { suggestion, .. }) => assert_eq!(suggestion, Some("StatusCode")),
        other => panic!("{other:?}"),
    }
    match lookup_enum(C::Span, &parse_enum("SPAN_KIND_SERVR")) {
        Err(e @ EnumError::UnknownSymbol { .. }) => {
            assert_eq!(e.message(), "enum symbol, SPAN_KIND_SERVR, not found");
            assert!(matches!(e, EnumError::UnknownSymbol { suggestion: Some("SPAN_KIND_SERVER"), .. }));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn inference_spec_example() {
    // set(metric.description, "x") where datapoint.attributes["k"] == "v"
    assert_eq!(infer(&["metric", "datapoint"], |_| true), Ok(C::DataPoint));
    assert_eq!(infer(&["resource", "span", "spanevent"], |_| true), Ok(C::SpanEvent));
    assert_eq!(infer(&["resource", "log"], |_| true), Ok(C::Log));
    assert_eq!(infer(&["instrumentation_scope", "resource"], |_| true), Ok(C::Scope));
    assert_eq!(infer(&["resource"], |_| true), Ok(C::Resource));
    // Unknown prefixes rank last.
    assert_eq!(infer(&["spam", "resource"], |_| true), Ok(C::Resource));
}

#[test]
fn inference_falls_back_to_lower_contexts() {
    // A function only the datapoint context has, with only metric paths → datapoint.
    assert_eq!(infer(&["metric"], |c| c == C::DataPoint), Ok(C::DataPoint));
    // Resource paths, function only in span/spanevent → the highest-priority lower one.
    assert_eq!(infer(&["resource"], |c| matches!(c, C::Span | C::SpanEvent)), Ok(C::SpanEvent));
    // With trace candidates only, a resource statement using a span-only function.
    let trace = [C::Resource, C::Scope, C::Span, C::SpanEvent];
    let r =
        infer_with(
            &["resource"],
            &trace,
            |c| {
                if c == C::Span { Ok(()) } else { Err(Unsupported::Function("IsRootSpan".into())) }
            },
        );
    assert_eq!(r, Ok(C::Span));
}

#[test]
fn inference_failures_use_the_reference_messages() {
    // convert_sum_to_gauge (metric only) with datapoint paths cannot be satisfied.
    let e = infer_with(&["datapoint", "metric"], Context::STATEMENT_CONTEXTS, |c| {
        if c == C::Metric { Ok(()) } else { Err(Unsupported::Function("convert_sum_to_gauge".into())) }
    })
    .unwrap_err();
    assert_eq!(e.message(), "inferred context \"datapoint\" does not support the function \"convert_sum_to_gauge\"");
    assert_eq!(e.lower_message().as_deref(), Some("context \"datapoint\" has no lower contexts candidates"));

    let e = infer_with(&["span"], Context::STATEMENT_CONTEXTS, |_| Err(Unsupported::EnumSymbol("FOO".into()))).unwrap_err();
    assert_eq!(e.message(), "inferred context \"span\" does not support the enum symbol \"FOO\"");
    assert_eq!(e.lower_message().as_deref(), Some("no valid lower context found"));
    assert!(matches!(e, InferenceError::Unsupported { ref lower, .. } if *lower == vec![C::SpanEvent, C::SpanLink]));

    let e = infer(&["spam"], |_| true).unwrap_err();
    assert_eq!(e.message(), "inferred context \"spam\" is not a valid candidate");
    assert_eq!(infer(&[], |_| true), Err(InferenceError::NoPrefix));
    assert!(matches!(infer(&["otelcol"], |_| true), Err(InferenceError::NotACandidate { .. })));
    let logs = [C::Resource, C::Scope, C::Log];
    assert!(matches!(infer_with(&["span"], &logs, |_| Ok(())), Err(InferenceError::NotACandidate { .. })));
}

#[test]
fn completion_paths_include_higher_contexts() {
    let names: Vec<String> = paths(C::SpanEvent).map(|e| e.full_name()).collect();
    assert!(names.contains(&"spanevent.name".to_string()));
    assert!(names.contains(&"spanevent.cache".to_string()));
    assert!(names.contains(&"span.status.code".to_string()));
    assert!(names.contains(&"resource.attributes".to_string()));
    assert!(names.contains(&"otelcol.client.addr".to_string()));
    assert!(!names.contains(&"span.cache".to_string()));
    assert!(!names.contains(&"resource.cache".to_string()));
    assert!(!names.iter().any(|n| n.starts_with("log.")));
}

#[test]
fn completion_children() {
    let top: Vec<&str> = children(C::Span, &[]).iter().map(|c| c.name).collect();
    assert!(top.contains(&"span") && top.contains(&"instrumentation_scope") && top.contains(&"otelcol"));
    assert!(top.contains(&"status") && top.contains(&"cache"));

    let after_span = children(C::Span, &["span"]);
    let status = after_span.iter().find(|c| c.name == "status").unwrap();
    assert!(status.has_children && status.entry.is_some());
    assert!(after_span.iter().any(|c| c.name == "cache"));
    let name = after_span.iter().find(|c| c.name == "name").unwrap();
    assert!(!name.has_children);

    let after_status: Vec<&str> = children(C::Span, &["span", "status"]).iter().map(|c| c.name).collect();
    assert_eq!(after_status, ["code", "message"]);
    let unprefixed: Vec<&str> = children(C::Span, &["status"]).iter().map(|c| c.name).collect();
    assert_eq!(unprefixed, ["code", "message"]);

    let resource: Vec<&str> = children(C::Span, &["resource"]).iter().map(|c| c.name).collect();
    assert!(resource.contains(&"attributes") && !resource.contains(&"cache"));

    let client: Vec<&str> = children(C::Log, &["otelcol", "client"]).iter().map(|c| c.name).collect();
    assert_eq!(client, ["addr", "metadata", "auth"]);
}
