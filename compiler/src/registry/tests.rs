use std::collections::HashSet;

use ottl_grammar::ast::{Call, ExprKind, Statement};

use super::*;
use crate::schema::Context;
use crate::types::Type;

/// Which parameters got an argument, or why binding failed.
type Binding = Result<Vec<(&'static str, bool)>, Vec<BindError>>;

fn statement(src: &str) -> Statement {
    let parsed = ottl_grammar::parse_statement(src);
    assert!(parsed.diagnostics.is_empty(), "{src}: {:?}", parsed.diagnostics);
    parsed.node.expect("statement")
}

/// The action of `src`, bound against the editor it names.
fn bind_editor(src: &str) -> (Statement, Binding) {
    let stmt = statement(src);
    let signature = lookup_kind(&stmt.action.name.name, FunctionKind::Editor).expect("known editor");
    let result = bind(signature, &stmt.action).map(|bound| bound.iter().map(|b| (b.param.name, b.arg.is_some())).collect());
    (stmt, result)
}

/// The first converter call in the value `src`, bound against its signature.
fn bind_converter(src: &str) -> Binding {
    let parsed = ottl_grammar::parse_value(src);
    assert!(parsed.diagnostics.is_empty(), "{src}: {:?}", parsed.diagnostics);
    let expr = parsed.node.expect("value");
    let ExprKind::Call(call) = &expr.kind else { panic!("{src} is not a call") };
    let call: &Call = call;
    let signature = lookup_kind(&call.name.name, FunctionKind::Converter).expect("known converter");
    bind(signature, call).map(|bound| bound.iter().map(|b| (b.param.name, b.arg.is_some())).collect())
}

fn errors(result: Binding) -> Vec<BindError> {
    match result {
        Ok(bound) => panic!("expected errors, bound {bound:?}"),
        Err(errors) => errors,
    }
}

#[test]
fn registry_matches_the_name_list() {
    let listed: HashSet<&str> = ALL_FUNCTION_NAMES.iter().copied().collect();
    assert_eq!(listed.len(), ALL_FUNCTION_NAMES.len(), "the name list has duplicates");
    let registered: HashSet<&str> = registry().iter().map(|s| s.name).collect();
    let missing: Vec<_> = listed.difference(&registered).collect();
    let extra: Vec<_> = registered.difference(&listed).collect();
    assert!(missing.is_empty(), "listed but not registered: {missing:?}");
    assert!(extra.is_empty(), "registered but not listed: {extra:?}");
    for name in ALL_FUNCTION_NAMES {
        assert!(lookup(name).is_some(), "{name}");
    }
}

#[test]
fn no_duplicate_signatures() {
    let mut seen = HashSet::new();
    for &signature in registry() {
        assert!(seen.insert((signature.name, signature.kind)), "{} {:?} registered twice", signature.name, signature.kind);
        let mut params = HashSet::new();
        for param in signature.params {
            assert!(
                params.insert(ottl_grammar::names::snake_to_upper_camel(param.name)),
                "{}: parameter {} twice",
                signature.name,
                param.name
            );
            assert!(!param.name.contains(char::is_uppercase), "{}: {} is not snake_case", signature.name, param.name);
        }
        // Optionals come last, as in every reference `Arguments` struct.
        let first_optional = signature.params.iter().position(|p| p.optional).unwrap_or(signature.params.len());
        assert!(signature.params[first_optional..].iter().all(|p| p.optional), "{}: required after optional", signature.name);
    }
    // The one name with two roles: the seed's value-position replace_pattern.
    let dual: Vec<_> = registry().iter().filter(|s| s.name == "replace_pattern").collect();
    assert_eq!(dual.len(), 2);
    assert_eq!(lookup("replace_pattern").unwrap().kind, FunctionKind::Editor);
    assert_eq!(lookup_kind("replace_pattern", FunctionKind::Converter).unwrap().return_type(), Some(Type::String));
}

#[test]
fn naming_conventions_and_return_types() {
    for &signature in registry() {
        let lower = signature.name.starts_with(|c: char| c.is_ascii_lowercase());
        match signature.kind {
            FunctionKind::Editor => {
                assert!(lower, "editor {} should be lowercase", signature.name);
                assert!(signature.returns.is_none(), "{}", signature.name);
            }
            FunctionKind::Converter => {
                assert!(!lower || signature.origin == Origin::Seed, "converter {} should be uppercase", signature.name);
                assert!(signature.returns.is_some(), "{}", signature.name);
            }
        }
        let uses_lambda = signature.params.iter().any(|p| matches!(p.kind, ParamKind::Lambda(_)));
        assert_eq!(uses_lambda, signature.feature_gate == Some(LAMBDA_GATE), "{}", signature.name);
        if let Some(canonical) = signature.alias_of {
            let target = lookup_kind(canonical, signature.kind).expect("alias target");
            assert_eq!(target.return_type(), signature.return_type(), "{}", signature.name);
        }
    }
}

#[test]
fn every_doc_has_an_example_that_parses_and_binds() {
    for &signature in registry() {
        assert!(!signature.doc.trim().is_empty(), "{} has no doc", signature.name);
        let example = signature.example();
        assert!(example.contains(signature.name), "{}: example does not use it: {example}", signature.name);
        assert!(signature.hover().contains(example));
        // Find the call to this function in the parsed example and bind it.
        let call = match signature.kind {
            FunctionKind::Editor => {
                let parsed = ottl_grammar::parse_statement(example);
                assert!(parsed.diagnostics.is_empty(), "{}: {example}: {:?}", signature.name, parsed.diagnostics);
                parsed.node.expect("statement").action
            }
            FunctionKind::Converter => {
                let value = ottl_grammar::parse_value(example);
                let expr = if value.diagnostics.is_empty() {
                    value.node.expect("value")
                } else {
                    let condition = ottl_grammar::parse_condition(example);
                    if condition.diagnostics.is_empty() {
                        condition.node.expect("condition")
                    } else {
                        let parsed = ottl_grammar::parse_statement(example);
                        assert!(parsed.diagnostics.is_empty(), "{}: {example}: {:?}", signature.name, parsed.diagnostics);
                        parsed.node.expect("statement").condition.expect("rule condition")
                    }
                };
                find_call(&expr, signature.name).unwrap_or_else(|| panic!("{}: no call in {example}", signature.name))
            }
        };
        assert_eq!(call.name.name, signature.name);
        if let Err(errors) = bind(signature, &call) {
            panic!("{}: example {example} does not bind: {errors:?}", signature.name);
        }
    }
}

fn find_call(expr: &ottl_grammar::ast::Expr, name: &str) -> Option<Call> {
    match &expr.kind {
        ExprKind::Call(call) if call.name.name == name => Some((**call).clone()),
        ExprKind::Call(call) => call.args.iter().find_map(|a| match &a.value {
            ottl_grammar::ast::ArgValue::Expr(e) => find_call(e, name),
            ottl_grammar::ast::ArgValue::Lambda(l) => find_call(&l.body, name),
        }),
        ExprKind::Compare(_, a, b) | ExprKind::And(a, b) | ExprKind::Or(a, b) | ExprKind::Binary(_, a, b) => {
            find_call(a, name).or_else(|| find_call(b, name))
        }
        ExprKind::Not(e) | ExprKind::Paren(e) | ExprKind::Unary(_, e) => find_call(e, name),
        _ => None,
    }
}

#[test]
fn contexts_and_gates() {
    assert!(lookup("IsRootSpan").unwrap().allowed_in(Context::Span));
    assert!(!lookup("IsRootSpan").unwrap().allowed_in(Context::Log));
    assert!(lookup("set").unwrap().allowed_in(Context::Profile));
    for name in ["convert_sum_to_gauge", "extract_sum_metric", "copy_metric", "scale_metric", "aggregate_on_attributes"] {
        let signature = lookup(name).unwrap();
        assert_eq!(signature.contexts, &[Context::Metric], "{name}");
        assert_eq!(signature.origin, Origin::TransformProcessor);
    }
    assert_eq!(lookup("convert_summary_sum_val_to_sum").unwrap().contexts, &[Context::DataPoint]);
    assert_eq!(lookup("HasAttrOnDatapoint").unwrap().origin, Origin::FilterProcessor);
    assert_eq!(lookup("Reduce").unwrap().feature_gate, Some("ottl.functions.enableLambda"));
    assert_eq!(lookup("len").unwrap().alias_of, Some("Len"));
    assert_eq!(lookup("TraceIDRatioBasedSampler").unwrap().return_type(), Some(Type::Bool));
    assert_eq!(lookup("Split").unwrap().return_type(), Some(Type::Array(Box::new(Type::String))));
    assert_eq!(lookup("delete_key").unwrap().params[0].ty(), Type::Map(Box::new(Type::Any)));
}

#[test]
fn hover_text() {
    let hover = lookup("flatten").unwrap().hover();
    assert!(hover.contains("flatten(target: GetSetter, prefix?: string, depth?: int64, resolve_conflicts?: bool)"), "{hover}");
    let hover = lookup("IsRootSpan").unwrap().hover();
    assert!(hover.contains("-> Bool") && hover.contains("Only in the span context."), "{hover}");
    assert!(lookup("All").unwrap().hover().contains("ottl.functions.enableLambda"));
}

#[test]
fn binds_positional_arguments() {
    let (_, result) = bind_editor(r#"set(attributes["env"], "prod")"#);
    assert_eq!(result.unwrap(), vec![("target", true), ("value", true)]);
    let (_, result) = bind_editor(r#"flatten(attributes, "k8s", 4)"#);
    assert_eq!(result.unwrap(), vec![("target", true), ("prefix", true), ("depth", true), ("resolve_conflicts", false)]);
}

#[test]
fn binds_named_arguments_in_snake_and_camel_case() {
    for src in [r#"flatten(body, resolve_conflicts=true)"#, r#"flatten(body, resolveConflicts=true)"#] {
        let (_, result) = bind_editor(src);
        assert_eq!(
            result.unwrap(),
            vec![("target", true), ("prefix", false), ("depth", false), ("resolve_conflicts", true)],
            "{src}"
        );
    }
    let bound = bind_converter(r#"ParseCSV(body, "a,b", headerDelimiter=",", mode="lazyQuotes")"#).unwrap();
    assert_eq!(bound, vec![("target", true), ("header", true), ("delimiter", false), ("header_delimiter", true), ("mode", true)]);
    let (stmt, result) = bind_editor(r#"set(value="x", target=attributes["k"])"#);
    assert_eq!(result.unwrap(), vec![("target", true), ("value", true)]);
    // The bound argument is the one named, not the first.
    let signature = lookup("set").unwrap();
    let bound = bind(signature, &stmt.action).unwrap();
    assert!(matches!(bound[0].expr().unwrap().kind, ExprKind::Path(_)));
}

#[test]
fn optional_skipped_by_name_but_not_by_position() {
    let (_, result) = bind_editor(r#"flatten(attributes, depth=2)"#);
    assert_eq!(result.unwrap(), vec![("target", true), ("prefix", false), ("depth", true), ("resolve_conflicts", false)]);
    // Positionally, the second argument is the prefix, which must be a string literal.
    let (_, result) = bind_editor(r#"flatten(attributes, 2)"#);
    assert!(matches!(&errors(result)[..], [BindError::WrongLiteral { param: "prefix", expected: LiteralKind::String, .. }]));
}

#[test]
fn positional_after_named() {
    // The grammar's validator reports this too; binding still skips the argument and says why.
    let src = r#"flatten(attributes, prefix="a", 2)"#;
    let stmt = ottl_grammar::parse_statement(src).node.expect("statement");
    let errors = errors_of(bind(lookup("flatten").unwrap(), &stmt.action).map(|_| vec![]));
    let [BindError::PositionalAfterNamed { span, first_named }] = errors[..] else { panic!("{errors:?}") };
    assert_eq!(&src[span.start..span.end], "2");
    assert_eq!(&src[first_named.start..first_named.end], "prefix");
}

#[test]
fn unknown_and_duplicate_names() {
    let (_, result) = bind_editor(r#"flatten(attributes, dept=2)"#);
    let errors = errors(result);
    assert!(
        matches!(&errors[..], [BindError::UnknownParameter { name, suggestion: Some("depth"), .. }] if name == "dept"),
        "{errors:?}"
    );
    let (_, result) = bind_editor(r#"flatten(attributes, "p", prefix="q")"#);
    assert!(matches!(&errors_of(result)[..], [BindError::DuplicateParameter { param: "prefix", .. }]));
}

fn errors_of(result: Binding) -> Vec<BindError> {
    errors(result)
}

#[test]
fn argument_counts() {
    let (_, result) = bind_editor(r#"set(attributes["x"])"#);
    let errors = errors(result);
    assert!(
        matches!(&errors[..], [BindError::TooFewArguments { required: 2, total: 2, received: 1, missing, .. }] if missing == &["value"]),
        "{errors:?}"
    );
    let (_, result) = bind_editor(r#"set(attributes["x"], 1, 2, 3)"#);
    let errors = errors_of(result);
    let [BindError::TooManyArguments { required: 2, total: 2, received: 4, span }] = errors[..] else { panic!("{errors:?}") };
    assert_eq!(&r#"set(attributes["x"], 1, 2, 3)"#[span.start..span.end], "2, 3");
    assert!(bind_converter("Now()").is_ok());
    assert!(matches!(&errors_of(bind_converter("Now(1)"))[..], [BindError::TooManyArguments { total: 0, received: 1, .. }]));
    // Enough arguments, but the required one was skipped by naming.
    let (_, result) = bind_editor(r#"set(value=1, value=2)"#);
    let errors = errors_of(result);
    assert!(errors.iter().any(|e| matches!(e, BindError::DuplicateParameter { param: "value", .. })), "{errors:?}");
    assert!(errors.iter().any(|e| matches!(e, BindError::MissingRequired { param: "target", .. })), "{errors:?}");
}

#[test]
fn literal_kinds() {
    let (_, result) = bind_editor(r#"merge_maps(attributes, resource.attributes, upsert)"#);
    assert!(matches!(&errors(result)[..], [BindError::WrongLiteral { param: "strategy", expected: LiteralKind::String, .. }]));
    let (_, result) = bind_editor(r#"limit(attributes, "10", [])"#);
    let errors = errors_of(result);
    let [BindError::WrongLiteral { expected, .. }] = errors[..] else { panic!("{errors:?}") };
    assert_eq!(expected.must_be(), "must be an int");
    let (_, result) = bind_editor(r#"flatten(attributes, resolveConflicts="yes")"#);
    assert!(matches!(&errors_of(result)[..], [BindError::WrongLiteral { expected: LiteralKind::Bool, .. }]));
    let (_, result) = bind_editor(r#"scale_metric(10, "ms")"#);
    assert!(matches!(
        &errors_of(result)[..],
        [BindError::WrongLiteral { param: "multiplier", expected: LiteralKind::Float, .. }]
    ));
    // Lists.
    let (_, result) = bind_editor(r#"limit(attributes, 2, "http.method")"#);
    assert!(matches!(&errors_of(result)[..], [BindError::NotAList { param: "priority_keys", kind: ParamKind::StringList, .. }]));
    let (_, result) = bind_editor(r#"limit(attributes, 3, ["a", 1, attributes["b"], Concat(["c"], "")])"#);
    let errors = errors_of(result);
    assert!(
        matches!(
            &errors[..],
            [
                BindError::WrongListElement { index: 1, .. },
                BindError::WrongListElement { index: 2, .. },
                BindError::WrongListElement { index: 3, .. }
            ]
        ),
        "{errors:?}"
    );
    // `[]StringGetter` (v0.161's keep_keys): a list literal of any values; their types are
    // the checker's business.
    let (_, result) = bind_editor(r#"keep_keys(attributes, "http.method")"#);
    assert!(matches!(&errors_of(result)[..], [BindError::NotAList { param: "keys", kind: ParamKind::StringGetterList, .. }]));
    assert!(bind_editor(r#"keep_keys(attributes, ["a", Concat(["b", "c"], ""), attributes["d"], 1 + 1])"#).1.is_ok());
    // Concat's `SliceGetter`: a list literal, or any value that is a list at run time.
    assert!(bind_converter(r#"Concat(attributes["a"], "-")"#).is_ok());
    assert!(bind_converter(r#"Concat(Split(attributes["a"], ","), "-")"#).is_ok());
    assert!(bind_converter(r#"Concat([attributes["a"], 1, "x"], "-")"#).is_ok());
    // Getters take any expression.
    assert!(bind_converter(r#"Substring(attributes["id"], 1 + 1, Len(attributes["id"]) - 2)"#).is_ok());
}

#[test]
fn setters_must_be_paths() {
    let (stmt, result) = bind_editor(r#"set("x", attributes["y"])"#);
    let errors = errors(result);
    let [BindError::NotAPath { param: "target", span }] = errors[..] else { panic!("{errors:?}") };
    assert_eq!(
        span,
        match &stmt.action.args[0].value {
            ottl_grammar::ast::ArgValue::Expr(e) => e.span,
            _ => unreachable!(),
        }
    );
    let (_, result) = bind_editor(r#"delete_key(ParseJSON(body), "k")"#);
    assert!(matches!(&errors_of(result)[..], [BindError::NotAPath { .. }]));
}

#[test]
fn function_name_arguments() {
    let (_, result) = bind_editor(r#"replace_pattern(attributes["x"], "a", "b", SHA256)"#);
    assert_eq!(
        result.unwrap(),
        vec![("target", true), ("regex_pattern", true), ("replacement", true), ("function", true), ("replacement_format", false)]
    );
    let (_, result) = bind_editor(r#"replace_pattern(attributes["x"], "a", "b", Sha256, "x-%s")"#);
    let errors = errors(result);
    assert!(
        matches!(&errors[..], [BindError::UnknownFunction { name, suggestion: Some("SHA256"), .. }] if name == "Sha256"),
        "{errors:?}"
    );
    let (_, result) = bind_editor(r#"replace_match(attributes["x"], "a*", "b", "SHA256")"#);
    assert!(matches!(&errors_of(result)[..], [BindError::NotAFunctionName { param: "function", .. }]));
    let (_, result) = bind_editor(r#"replace_all_patterns(attributes, "value", "a", "b", function=MD5)"#);
    assert!(result.is_ok());
}

#[test]
fn lambda_arguments() {
    assert!(bind_converter(r#"All(attributes["tags"], (_, v) => v != "")"#).is_ok());
    assert!(bind_converter(r#"Reduce(attributes["n"], 0, (acc, _, v) => acc + v)"#).is_ok());
    let errors = errors(bind_converter(r#"Filter(attributes, (v) => v != "")"#));
    let [BindError::LambdaArity { param: "predicate", expected: 2, found: 1, .. }] = errors[..] else { panic!("{errors:?}") };
    assert!(bind_converter(r#"When(() => true, 1, 2)"#).is_ok());
    assert!(matches!(&errors_of(bind_converter(r#"Any(attributes, true)"#))[..], [BindError::NotALambda { arity: 2, .. }]));
    assert!(matches!(&errors_of(bind_converter(r#"Len((_, v) => v)"#))[..], [BindError::UnexpectedLambda { .. }]));
}

#[test]
fn suggestions() {
    assert_eq!(suggest("parsejson"), Some("ParseJSON"));
    assert_eq!(suggest("Set"), Some("set"));
    assert_eq!(suggest("SHA265"), Some("SHA256"));
    assert_eq!(suggest("ParseJSNO"), Some("ParseJSON"));
    assert_eq!(suggest("delete_kye"), Some("delete_key"));
    assert_eq!(suggest("replace_patern"), Some("replace_pattern"));
    assert_eq!(suggest("Concatenate"), None);
    assert_eq!(suggest("xyzzy"), None);
}

#[test]
fn camel_names() {
    let flatten = lookup("flatten").unwrap();
    assert_eq!(flatten.params[3].camel_name(), "resolveConflicts");
    assert!(param(flatten, "resolveConflicts").is_some());
    assert!(param(flatten, "ResolveConflicts").is_some());
    assert!(param(flatten, "resolve_conflict").is_none());
}

/// The grammar's list of lowercase converter spellings and the registry agree.
#[test]
fn seed_lowercase_converters_are_registered_converters() {
    for (name, also_editor) in ottl_grammar::names::SEED_LOWERCASE_CONVERTERS {
        assert!(lookup_kind(name, FunctionKind::Converter).is_some(), "{name} is not a registered converter");
        assert_eq!(lookup_kind(name, FunctionKind::Editor).is_some(), *also_editor, "{name}");
    }
}

/// Every function name the registry must hold, and no other: spec §6, the transform and
/// filter processors' functions and the seed's extensions. Kept here, apart from the
/// registry, so that a function dropped from the table is noticed.
const ALL_FUNCTION_NAMES: &[&str] = &[
    // Editors.
    "set",
    "delete_key",
    "delete_matching_keys",
    "keep_keys",
    "keep_matching_keys",
    "limit",
    "truncate_all",
    "merge_maps",
    "replace_pattern",
    "replace_all_patterns",
    "replace_match",
    "replace_all_matches",
    "flatten",
    "append",
    "delete_index",
    "stringify_all",
    "clear",
    // Type and conversion.
    "Int",
    "Double",
    "Bool",
    "String",
    "Hex",
    "ParseInt",
    "Decode",
    "Base64Encode",
    "TraceID",
    "SpanID",
    "ProfileID",
    "Duration",
    "Time",
    "Unix",
    "Now",
    // Predicates.
    "IsBool",
    "IsInt",
    "IsDouble",
    "IsString",
    "IsMap",
    "IsList",
    "IsEmpty",
    "IsMatch",
    "IsInCIDR",
    "IsValidLuhn",
    "HasPrefix",
    "HasSuffix",
    "ContainsValue",
    "IsRootSpan",
    // Strings.
    "Concat",
    "Split",
    "Substring",
    "Trim",
    "TrimPrefix",
    "TrimSuffix",
    "ConvertCase",
    "ToLowerCase",
    "ToUpperCase",
    "ToSnakeCase",
    "ToCamelCase",
    "Format",
    "Index",
    "Len",
    // Parsing and extraction.
    "ParseJSON",
    "ParseKeyValue",
    "ToKeyValueString",
    "ParseCSV",
    "ExtractPatterns",
    "ExtractGrokPatterns",
    "ParseSeverity",
    "URL",
    "UserAgent",
    "CommunityID",
    "SliceToMap",
    "Keys",
    "Values",
    "Sort",
    "Coalesce",
    "ParseXML",
    "ParseSimplifiedXML",
    "GetXML",
    "InsertXML",
    "RemoveXML",
    "ConvertAttributesToElementsXML",
    "ConvertTextToElementsXML",
    // Hashing and ids.
    "SHA1",
    "SHA256",
    "SHA512",
    "MD5",
    "FNV",
    "Murmur3Hash",
    "Murmur3Hash128",
    "XXH3",
    "XXH128",
    "UUID",
    "UUIDv7",
    // Time.
    "FormatTime",
    "TruncateTime",
    "UnixSeconds",
    "UnixMilli",
    "UnixMicro",
    "UnixNano",
    "Year",
    "Month",
    "Day",
    "Weekday",
    "Hour",
    "Minute",
    "Second",
    "Nanosecond",
    "Hours",
    "Minutes",
    "Seconds",
    "Milliseconds",
    "Microseconds",
    "Nanoseconds",
    // Math.
    "Log",
    // Lambda converters.
    "All",
    "Any",
    "Filter",
    "Find",
    "MapEach",
    "MapKeys",
    "Reduce",
    "When",
    // Transform processor.
    "convert_sum_to_gauge",
    "convert_gauge_to_sum",
    "extract_count_metric",
    "extract_sum_metric",
    "extract_percentile_metric",
    "convert_summary_count_val_to_sum",
    "convert_summary_sum_val_to_sum",
    "convert_summary_quantile_val_to_gauge",
    "copy_metric",
    "scale_metric",
    "aggregate_on_attributes",
    "aggregate_on_attribute_value",
    "convert_exponential_histogram_to_histogram",
    "merge_histogram_buckets",
    "set_semconv_span_name",
    "ParseCEF",
    "ParseCLF",
    "ParseELF",
    "ParseLEEF",
    // Filter processor.
    "HasAttrKeyOnDatapoint",
    "HasAttrOnDatapoint",
    // The seed's extensions (`replace_pattern` is listed above; it is also a converter).
    "keep",
    "drop",
    "route",
    "len",
    "matches",
    "truncate",
    "duration",
    "TraceIDRatioBasedSampler",
];
