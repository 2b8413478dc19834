//! What each list-typed parameter kind accepts as elements, as the collector (v0.161.0,
//! `functions.go` `buildSlice`) loads it: `[]string`/`[]float64` take literals of their
//! type only; `[]StringGetter` takes any value expression whose type may be a string (a
//! literal of another type is refused when the config loads); `[]Getter` takes any value;
//! Concat's `SliceGetter` takes a list literal of any values or any value that is a list.

use ottl_grammar::Code;

use super::{Settings, check_statement};
use crate::schema::Context;

/// The codes of the errors `statement` raises in `context`.
fn errors(context: Context, statement: &str) -> Vec<Code> {
    let parsed = ottl_grammar::parse_statement(statement);
    assert!(parsed.diagnostics.is_empty(), "{statement}: {:?}", parsed.diagnostics);
    let checked = check_statement(&parsed.node.expect("parses"), &Settings::new(context));
    checked.diagnostics.iter().filter(|d| d.severity() == ottl_grammar::Severity::Error).map(|d| d.code).collect()
}

fn clean(context: Context, statement: &str) {
    assert_eq!(errors(context, statement), [], "{statement}");
}

fn rejected(context: Context, statement: &str, code: Code) {
    assert_eq!(errors(context, statement), [code], "{statement}");
}

#[test]
fn string_getter_lists_take_converters_paths_and_math() {
    // keep_keys' `keys` and IsInCIDR's `networks` are `[]ottl.StringGetter` in v0.161.0.
    clean(Context::Span, r#"keep_keys(attributes, [Concat(["ba", "r"], "")])"#);
    clean(Context::Span, r#"keep_keys(attributes, ["a", attributes["k"], name, Split(name, ",")[0], -attributes["n"]])"#);
    clean(Context::Span, r#"set(attributes["in"], IsInCIDR("10.0.0.1", [Concat(["10.0.0.0", "8"], "/"), attributes["net"]]))"#);
    rejected(Context::Span, r#"keep_keys(attributes, [1])"#, Code::ArgumentType);
    rejected(Context::Span, r#"keep_keys(attributes, [nil])"#, Code::ArgumentType);
    rejected(Context::Span, r#"keep_keys(attributes, [Split(name, ",")])"#, Code::ArgumentType);
    rejected(Context::Span, r#"keep_keys(attributes, [attributes])"#, Code::ArgumentType);
    rejected(Context::Span, r#"keep_keys(attributes, Split(name, ","))"#, Code::ArgumentShape);
    rejected(Context::Span, r#"set(attributes["in"], IsInCIDR("10.0.0.1", [dropped_attributes_count]))"#, Code::ArgumentType);
}

#[test]
fn literal_lists_take_literals_of_their_type_only() {
    // `[]string`: limit's `priority_keys`, SliceToMap's paths, ExtractGrokPatterns' definitions.
    clean(Context::Span, r#"limit(attributes, 2, ["a", "b"])"#);
    rejected(Context::Span, r#"limit(attributes, 2, [Concat(["a"], "")])"#, Code::ArgumentShape);
    rejected(Context::Span, r#"limit(attributes, 2, [attributes["k"]])"#, Code::ArgumentShape);
    rejected(Context::Span, r#"set(attributes["m"], SliceToMap(attributes["l"], [name]))"#, Code::ArgumentShape);
    // `[]float64`: convert_exponential_histogram_to_histogram's bounds.
    let bounds = |list: &str| format!(r#"convert_exponential_histogram_to_histogram("upper", {list})"#);
    clean(Context::Metric, &bounds("[1.0, 2.5]"));
    rejected(Context::Metric, &bounds(r#"[Double("1.0")]"#), Code::ArgumentShape);
    rejected(Context::Metric, &bounds("[1]"), Code::ArgumentShape);
}

#[test]
fn getter_lists_take_any_value() {
    clean(Context::Span, r#"set(attributes["f"], Format("%s %d %v", [Concat(["a"], ""), 1 + 2, {"k": [name]}]))"#);
    clean(Context::Span, r#"set(attributes["c"], Coalesce([attributes["a"], Concat(["x"], ""), nil]))"#);
    clean(Context::Span, r#"append(attributes["l"], values = [Concat(["a"], ""), attributes["x"], 1])"#);
    rejected(Context::Span, r#"set(attributes["c"], Coalesce(attributes["a"]))"#, Code::ArgumentShape);
}

#[test]
fn concat_takes_a_list_literal_or_a_list_value() {
    clean(Context::Span, r#"set(attributes["c"], Concat([1, name, Split(name, ","), nil], "-"))"#);
    clean(Context::Span, r#"set(attributes["c"], Concat(Split(name, ","), "-"))"#);
    clean(Context::Span, r#"set(attributes["c"], Concat(attributes["list"], "-"))"#);
    // A value that is never a list fails on every item ("expected a slice, got string").
    rejected(Context::Span, r#"set(attributes["c"], Concat(name, "-"))"#, Code::ArgumentType);
}
