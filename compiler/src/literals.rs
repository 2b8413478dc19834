//! Parse-time validation of literal arguments (spec §2.5, last bullet).
//!
//! Several function factories of the reference (`pkg/ottl/ottlfuncs/func_*.go` and the
//! transform processor's `internal/metrics/func_*.go`, opentelemetry-collector-contrib ~v0.161)
//! check their literal arguments when the statement is parsed, so a bad literal stops the
//! collector at start-up. Each function declares those checks beside its body (the runtime's
//! `Function::literals`, sharing its messages with the body's run-time rules); this module
//! hands them the call's literals and places each problem at its argument. Only literals are
//! judged: a path or a call is known at run time only, and the reference defers those to run
//! time too (`ottl.GetLiteralValue`).

use ottl_grammar::Span;
use ottl_grammar::ast::{Expr, ExprKind, UnaryOp};

use crate::registry::{BoundArg, Function, ParamKind};
use ottl_runtime::functions::literal::{Literal, LiteralArgs};

/// A string literal given to an `IntLikeGetter`, `FloatLikeGetter` or `BoolLikeGetter` is
/// converted when the statement loads (the reference makes a literal getter of it), so a
/// string that does not parse stops the collector: `Int("2.0")`.
pub fn validate_like(kind: ParamKind, value: &Expr) -> Option<LiteralProblem> {
    let (text, span) = string_literal(value)?;
    let literal = ottl_runtime::Value::String(text.to_owned());
    let error = match kind {
        ParamKind::IntLikeGetter => ottl_runtime::coerce::int_like(&literal).err(),
        ParamKind::FloatLikeGetter => ottl_runtime::coerce::float_like(&literal).err(),
        ParamKind::BoolLikeGetter => ottl_runtime::coerce::bool_like(&literal).err(),
        _ => None,
    }?;
    Some(LiteralProblem::new(span, error.to_string()))
}

/// The problems the declaration of `function` finds with the literal arguments of a call
/// (`bound`: each parameter with what was given), each at the argument it blames.
pub fn check_declared(function: &Function, bound: &[BoundArg<'_>]) -> Vec<LiteralProblem> {
    let Some(check) = function.literals else { return Vec::new() };
    let given: Vec<(&'static str, &Expr)> = bound.iter().filter_map(|b| Some((b.param.name, b.expr()?))).collect();
    let literals = LiteralArgs::new(given.iter().filter_map(|(name, expr)| Some((*name, literal_of(expr)?))).collect());
    check(&literals)
        .into_iter()
        .filter_map(|error| {
            let (_, expr) = given.iter().find(|(name, _)| *name == error.param)?;
            Some(LiteralProblem { span: expr.span, message: error.message, help: error.help })
        })
        .collect()
}

/// What a check can judge of `expr`: the literal it is, if it is one.
fn literal_of(expr: &Expr) -> Option<Literal<'_>> {
    Some(match &expr.kind {
        ExprKind::String(s) => Literal::String(s),
        ExprKind::Int(_) | ExprKind::Unary(UnaryOp::Neg, _) => match int_literal(expr) {
            Some(n) => Literal::Int(n),
            None => Literal::Float(float_literal(expr)?),
        },
        ExprKind::Float(f) => Literal::Float(*f),
        ExprKind::Bool(b) => Literal::Bool(*b),
        ExprKind::Bytes(b) => Literal::Bytes(b),
        ExprKind::List(items) => Literal::List(items.iter().map(literal_of).collect()),
        _ => return None,
    })
}

/// A literal argument that the collector would reject when it loads the config.
#[derive(Clone, Debug, PartialEq)]
pub struct LiteralProblem {
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
}

impl LiteralProblem {
    fn new(span: Span, message: impl Into<String>) -> Self {
        LiteralProblem { span, message: message.into(), help: None }
    }
}

fn string_literal(expr: &Expr) -> Option<(&str, Span)> {
    match &expr.kind {
        ExprKind::String(s) => Some((s.as_str(), expr.span)),
        _ => None,
    }
}

fn int_literal(expr: &Expr) -> Option<i64> {
    match &expr.kind {
        ExprKind::Int(n) => Some(*n),
        ExprKind::Unary(UnaryOp::Neg, inner) => match inner.kind {
            ExprKind::Int(n) => n.checked_neg(),
            _ => None,
        },
        _ => None,
    }
}

fn float_literal(expr: &Expr) -> Option<f64> {
    match &expr.kind {
        ExprKind::Float(f) => Some(*f),
        ExprKind::Unary(UnaryOp::Neg, inner) => match inner.kind {
            ExprKind::Float(f) => Some(-f),
            _ => int_literal(expr).map(|n| n as f64),
        },
        _ => int_literal(expr).map(|n| n as f64),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::FunctionKind;
    use ottl_grammar::ast::ArgValue;

    /// Parses a statement or a value and returns its outermost call.
    fn call(src: &str) -> ottl_grammar::ast::Call {
        let parsed = ottl_grammar::parse_statement(src);
        match parsed.node {
            Some(stmt) => stmt.action,
            None => {
                let value = ottl_grammar::parse_value(src).node.unwrap_or_else(|| panic!("does not parse: {src}"));
                match value.kind {
                    ExprKind::Call(call) => *call,
                    other => panic!("not a call: {other:?}"),
                }
            }
        }
    }

    /// The argument at `index` of the outermost call of `src`.
    fn arg(src: &str, index: usize) -> Expr {
        match &call(src).args[index].value {
            ArgValue::Expr(e) => e.clone(),
            ArgValue::Lambda(_) => panic!("lambda"),
        }
    }

    /// The problem the declaration of `function` finds with the literal argument `index`.
    fn check(src: &str, function: &str, _param: &str, index: usize) -> Option<LiteralProblem> {
        let expr = arg(src, index);
        let call = call(src);
        let kind = if function.starts_with(char::is_uppercase) { FunctionKind::Converter } else { FunctionKind::Editor };
        let declaration = crate::registry::lookup_kind(function, kind).or_else(|| crate::registry::lookup(function))?;
        let bound = crate::registry::bind(declaration, &call).ok()?;
        check_declared(declaration, &bound).into_iter().find(|problem| problem.span == expr.span)
    }

    /// Every problem the declaration of converter `function` finds with the literals of
    /// `src`'s outermost call.
    fn declared(src: &str, function: &str) -> Vec<LiteralProblem> {
        let declaration = crate::registry::lookup_kind(function, FunctionKind::Converter).expect("a converter");
        let call = call(src);
        let bound = crate::registry::bind(declaration, &call).expect("the call binds");
        check_declared(declaration, &bound)
    }

    fn problem(src: &str, function: &str, param: &str, index: usize) -> LiteralProblem {
        let expr = arg(src, index);
        let p = check(src, function, param, index).unwrap_or_else(|| panic!("expected a problem for {src}"));
        assert_eq!(p.span, expr.span, "span of {src}");
        assert_eq!(&src[p.span.range()], &src[expr.span.range()]);
        p
    }

    #[test]
    fn regex_valid_patterns_pass() {
        for src in [
            r#"IsMatch(body, "^https://")"#,
            r#"IsMatch(body, "\\d{4}-\\d{2}")"#,
            r#"IsMatch(body, "a{")"#,
            r#"IsMatch(body, "a{,5}")"#,
            r#"IsMatch(body, "\\Q(.*\\E")"#,
            r#"IsMatch(body, "[[a]")"#,
            r#"IsMatch(body, "[[:alpha:]]+")"#,
            r#"IsMatch(body, "(?i)password")"#,
            r#"IsMatch(body, "x{1000}")"#,
        ] {
            assert_eq!(check(src, "IsMatch", "pattern", 1), None, "{src}");
        }
    }

    #[test]
    fn regex_invalid_patterns_fail_with_the_reference_message() {
        let src = r#"IsMatch(body, "(\\d+")"#;
        let p = problem(src, "IsMatch", "pattern", 1);
        assert_eq!(p.message, r#"the regex pattern supplied to IsMatch '"(\\d+"' is not a valid pattern: unclosed group"#);
        let p = problem(r#"matches(body, "x{1001}")"#, "matches", "pattern", 1);
        assert_eq!(
            p.message,
            r#"the regex pattern supplied to IsMatch '"x{1001}"' is not a valid pattern: invalid repeat count: `{1001}`"#
        );
        assert!(problem(r#"IsMatch(body, "(?<=a)b")"#, "IsMatch", "pattern", 1).message.contains("not a valid pattern"));
        assert!(problem(r#"IsMatch(body, "*a")"#, "IsMatch", "pattern", 1).message.contains("not a valid pattern"));
    }

    #[test]
    fn extract_patterns_needs_a_named_group() {
        assert_eq!(check(r#"ExtractPatterns(body, "^(?P<method>\\w+)")"#, "ExtractPatterns", "pattern", 1), None);
        assert_eq!(check(r#"ExtractPatterns(body, "^(?<method>\\w+)")"#, "ExtractPatterns", "pattern", 1), None);
        let p = problem(r#"ExtractPatterns(body, "^(\\w+)")"#, "ExtractPatterns", "pattern", 1);
        assert_eq!(p.message, "at least 1 named capture group must be supplied in the given regex");
        let p = problem(r#"ExtractPatterns(body, "(?P<a>")"#, "ExtractPatterns", "pattern", 1);
        assert!(p.message.starts_with("the regex pattern supplied to ExtractPatterns"));
    }

    #[test]
    fn enumerations() {
        let ok = [
            (r#"ConvertCase(name, "snake")"#, "ConvertCase", "to_case", 1),
            (r#"ParseCSV(body, "a,b", mode="lazyQuotes")"#, "ParseCSV", "mode", 2),
            (r#"convert_gauge_to_sum("cumulative", false)"#, "convert_gauge_to_sum", "string_agg_temp", 0),
            (r#"aggregate_on_attributes("median")"#, "aggregate_on_attributes", "aggregation_function", 0),
            (
                r#"convert_exponential_histogram_to_histogram("midpoint", [1.0])"#,
                "convert_exponential_histogram_to_histogram",
                "distribution_fn",
                0,
            ),
            (
                r#"convert_exponential_histogram_to_histogram("", [1.0])"#,
                "convert_exponential_histogram_to_histogram",
                "distribution_fn",
                0,
            ),
            (r#"merge_histogram_buckets(5.0, "limit_buckets")"#, "merge_histogram_buckets", "method", 1),
        ];
        for (src, f, p, i) in ok {
            assert_eq!(check(src, f, p, i), None, "{src}");
        }
        let bad = [
            (
                r#"ConvertCase(name, "kebab")"#,
                "ConvertCase",
                "to_case",
                1,
                "invalid case: kebab, allowed cases are: lower, upper, snake, camel",
            ),
            (r#"ParseCSV(body, "a,b", mode="lazy")"#, "ParseCSV", "mode", 2, "unknown mode: lazy"),
            (
                r#"convert_summary_sum_val_to_sum("monthly", true)"#,
                "convert_summary_sum_val_to_sum",
                "string_agg_temp",
                0,
                "unknown aggregation temporality: monthly",
            ),
            (
                r#"aggregate_on_attribute_value("avg", "a", ["x"], "y")"#,
                "aggregate_on_attribute_value",
                "aggregation_function",
                0,
                "invalid aggregation function: 'unsupported function: 'avg'', valid options: sum, mean, min, max, median, count",
            ),
            (
                r#"convert_exponential_histogram_to_histogram("lower", [1.0])"#,
                "convert_exponential_histogram_to_histogram",
                "distribution_fn",
                0,
                "invalid conversion function: lower, must be one of [upper, midpoint, random, uniform]",
            ),
            (
                r#"merge_histogram_buckets(5.0, "drop")"#,
                "merge_histogram_buckets",
                "method",
                1,
                r#"unsupported method "drop", expected "remove_explicit_bound" or "limit_buckets""#,
            ),
        ];
        for (src, f, p, i, message) in bad {
            let problem = problem(src, f, p, i);
            assert_eq!(problem.message, message, "{src}");
            assert!(problem.help.as_deref().is_some_and(|h| h.starts_with("expected one of")), "{src}");
        }
    }

    #[test]
    fn csv_delimiters_are_single_characters() {
        assert_eq!(check(r#"ParseCSV(body, "a|b", "|")"#, "ParseCSV", "delimiter", 2), None);
        assert_eq!(check(r#"ParseCSV(body, "a|b", "é")"#, "ParseCSV", "delimiter", 2), None);
        let p = problem(r#"ParseCSV(body, "a|b", "||")"#, "ParseCSV", "delimiter", 2);
        assert_eq!(p.message, "invalid arguments: delimiter must be a single character");
        let p = problem(r#"ParseCSV(body, "a|b", header_delimiter="")"#, "ParseCSV", "header_delimiter", 2);
        assert_eq!(p.message, "invalid arguments: header_delimiter must be a single character");
    }

    #[test]
    fn literals_given_to_like_getters_are_converted_at_load() {
        let arg = |src: &str| arg(src, 0);
        let p = validate_like(ParamKind::IntLikeGetter, &arg(r#"Int("2.0")"#)).expect("a problem");
        assert_eq!(p.message, r#"strconv.ParseInt: parsing "2.0": invalid syntax"#);
        assert!(validate_like(ParamKind::IntLikeGetter, &arg(r#"Int("-12")"#)).is_none());
        let p = validate_like(ParamKind::FloatLikeGetter, &arg(r#"Double("abc")"#)).expect("a problem");
        assert_eq!(p.message, r#"strconv.ParseFloat: parsing "abc": invalid syntax"#);
        assert!(validate_like(ParamKind::BoolLikeGetter, &arg(r#"Bool("true")"#)).is_none());
        assert!(validate_like(ParamKind::StringLikeGetter, &arg(r#"String("x")"#)).is_none());
    }

    #[test]
    fn numeric_rules() {
        assert_eq!(check(r#"extract_percentile_metric(99.9)"#, "extract_percentile_metric", "percentile", 0), None);
        let p = problem(r#"extract_percentile_metric(101.0)"#, "extract_percentile_metric", "percentile", 0);
        assert_eq!(p.message, "percentile must be between 0 and 100, got 101.000000");
        assert_eq!(
            check(
                r#"convert_exponential_histogram_to_histogram("upper", [0.0])"#,
                "convert_exponential_histogram_to_histogram",
                "explicit_bounds",
                1
            ),
            None
        );
        let p = problem(
            r#"convert_exponential_histogram_to_histogram("upper", [])"#,
            "convert_exponential_histogram_to_histogram",
            "explicit_bounds",
            1,
        );
        assert_eq!(p.message, "explicit bounds cannot be empty: []");
    }

    #[test]
    fn key_value_delimiters() {
        assert_eq!(check(r#"ToKeyValueString(attributes, ":")"#, "ToKeyValueString", "delimiter", 1), None);
        let p = problem(r#"ToKeyValueString(attributes, "")"#, "ToKeyValueString", "delimiter", 1);
        assert_eq!(p.message, "delimiter cannot be set to an empty string");
        let p = problem(r#"ToKeyValueString(attributes, "=", "")"#, "ToKeyValueString", "pair_delimiter", 2);
        assert_eq!(p.message, "pair delimiter cannot be set to an empty string");
        // ParseKeyValue treats "" as the default.
        assert_eq!(check(r#"ParseKeyValue(body, "")"#, "ParseKeyValue", "delimiter", 1), None);

        let src = r#"ParseKeyValue(body, ":", ":")"#;
        let problems = declared(src, "ParseKeyValue");
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].message, r#"pair delimiter ":" cannot be equal to delimiter ":""#);
        assert_eq!(problems[0].span, arg(src, 2).span);
        // Only the delimiter given, equal to the default pair delimiter.
        let src = r#"ToKeyValueString(attributes, " ")"#;
        let problems = declared(src, "ToKeyValueString");
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].span, arg(src, 1).span);
        // An empty pair delimiter is judged as the default too, and reported on its own.
        let src = r#"ToKeyValueString(attributes, " ", "")"#;
        let messages: Vec<String> = declared(src, "ToKeyValueString").into_iter().map(|p| p.message).collect();
        assert_eq!(
            messages,
            [r#"pair delimiter " " cannot be equal to delimiter " ""#, "pair delimiter cannot be set to an empty string"]
        );
        assert!(declared(r#"ParseKeyValue(body, ":", "&")"#, "ParseKeyValue").is_empty());
        assert!(declared("ParseKeyValue(body)", "ParseKeyValue").is_empty());
    }

    #[test]
    fn merge_histogram_buckets_target_value() {
        let src = r#"merge_histogram_buckets(2.5, "limit_buckets")"#;
        let p = problem(src, "merge_histogram_buckets", "target_value", 0);
        assert_eq!(p.message, r#"target_value must be a positive integer when method is "limit_buckets", got 2.5"#);
        assert_eq!(check(src, "merge_histogram_buckets", "method", 1), None);
        assert_eq!(check(r#"merge_histogram_buckets(2.5)"#, "merge_histogram_buckets", "target_value", 0), None);
        assert_eq!(check(r#"merge_histogram_buckets(8, "limit_buckets")"#, "merge_histogram_buckets", "target_value", 0), None);
    }

    #[test]
    fn non_literals_are_never_judged() {
        let cases = [
            (r#"IsMatch(body, attributes["p"])"#, "IsMatch", "pattern", 1),
            (r#"IsMatch(body, Concat(["(", "x"], ""))"#, "IsMatch", "pattern", 1),
            (r#"ExtractPatterns(body, attributes["p"])"#, "ExtractPatterns", "pattern", 1),
            (r#"ConvertCase(name, attributes["c"])"#, "ConvertCase", "to_case", 1),
        ];
        for (src, f, p, i) in cases {
            assert_eq!(check(src, f, p, i), None, "{src}");
        }
        // Unknown functions and parameters are not judged either.
        assert_eq!(check(r#"Concat(["(", "x"], "(")"#, "Concat", "delimiter", 1), None);
    }
}
