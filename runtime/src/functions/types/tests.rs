//! The unit tests of the type, id, predicate and collection converters.

use super::super::Args;
use super::super::testing::{convert, converter};
use super::*;

fn s(text: &str) -> Value {
    Value::string(text)
}

fn list(items: Vec<Value>) -> Value {
    Value::Slice(items)
}

fn map(entries: &[(&str, Value)]) -> Value {
    Value::Map(entries.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
}

fn ok(name: &str, args: Vec<Value>) -> Value {
    convert(name, args).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn err(name: &str, args: Vec<Value>) -> String {
    convert(name, args).err().unwrap_or_else(|| panic!("{name} should fail")).message().to_string()
}

#[test]
fn conversions_follow_the_like_getters() {
    assert_eq!(ok("Int", vec![Value::Float(-1.9)]), Value::Int(-1));
    assert_eq!(err("Int", vec![s("2.0")]), "strconv.ParseInt: parsing \"2.0\": invalid syntax");
    assert!(ok("Int", vec![Value::Nil]).is_nil());
    assert_eq!(ok("Int", vec![Value::Bool(true)]), Value::Int(1));
    assert_eq!(ok("Double", vec![Value::Int(1)]), Value::Float(1.0));
    assert_eq!(ok("Double", vec![s("2.0")]), Value::Float(2.0));
    assert_eq!(ok("Double", vec![Value::Bool(false)]), Value::Float(0.0));
    assert_eq!(err("Double", vec![s("abc")]), "strconv.ParseFloat: parsing \"abc\": invalid syntax");
    assert_eq!(ok("Bool", vec![s("T")]), Value::Bool(true));
    assert_eq!(ok("Bool", vec![s("False")]), Value::Bool(false));
    assert_eq!(ok("Bool", vec![Value::Float(0.0)]), Value::Bool(false));
    assert_eq!(ok("Bool", vec![Value::Int(2)]), Value::Bool(true));
    assert_eq!(ok("String", vec![Value::Bool(true)]), s("true"));
    assert_eq!(ok("String", vec![list(vec![Value::Int(1), Value::Int(2), Value::Int(3)])]), s("[1,2,3]"));
    assert_eq!(ok("String", vec![Value::SpanId([1, 2, 3, 4, 5, 6, 7, 8])]), s("[1,2,3,4,5,6,7,8]"));
    assert_eq!(ok("String", vec![Value::ProfileId([1; 16])]).to_string().len(), 33);
    assert_eq!(ok("String", vec![Value::Duration(1500)]), s("1500"));
    assert!(ok("String", vec![Value::Nil]).is_nil());
}

#[test]
fn hex_writes_big_endian_bytes() {
    assert_eq!(ok("Hex", vec![Value::Float(1.0)]), s("3ff0000000000000"));
    assert_eq!(ok("Hex", vec![Value::Bool(true)]), s("01"));
    assert_eq!(ok("Hex", vec![Value::Int(12)]), s("000000000000000c"));
    assert_eq!(ok("Hex", vec![s("12")]), s("3132"));
    assert_eq!(ok("Hex", vec![Value::Bytes(vec![2])]), s("02"));
    assert_eq!(ok("Hex", vec![Value::Nil]), s(""), "nil has no bytes");
}

#[test]
fn parse_int_follows_strconv() {
    let parse = |text: &str, base: i64| convert("ParseInt", vec![s(text), Value::Int(base)]);
    assert_eq!(parse("12345", 10), Ok(Value::Int(12345)));
    assert_eq!(parse("AF", 16), Ok(Value::Int(175)));
    assert_eq!(parse("0b10110", 0), Ok(Value::Int(22)));
    assert_eq!(parse("0xFF", 0), Ok(Value::Int(255)));
    assert_eq!(parse("-0xFF", 0), Ok(Value::Int(-255)));
    assert_eq!(parse("-0o123", 0), Ok(Value::Int(-83)));
    assert_eq!(parse("017", 0), Ok(Value::Int(15)));
    assert_eq!(parse("1_000", 0), Ok(Value::Int(1000)));
    assert_eq!(parse("-9223372036854775808", 10), Ok(Value::Int(i64::MIN)));
    let message = |r: Result<Value>| r.unwrap_err().message().to_string();
    assert_eq!(message(parse("1_000", 10)), "strconv.ParseInt: parsing \"1_000\": invalid syntax");
    assert_eq!(message(parse("_1", 0)), "strconv.ParseInt: parsing \"_1\": invalid syntax");
    assert_eq!(
        message(parse("9223372036854775808", 10)),
        "strconv.ParseInt: parsing \"9223372036854775808\": value out of range"
    );
    assert_eq!(
        message(parse("99999999999999999999x", 10)),
        "strconv.ParseInt: parsing \"99999999999999999999x\": value out of range"
    );
    assert_eq!(message(parse("12", 1)), "strconv.ParseInt: parsing \"12\": invalid base 1");
    assert_eq!(message(parse("-", 10)), "strconv.ParseInt: parsing \"-\": invalid syntax");
    assert_eq!(message(parse("", 10)), "invalid target value for ParseInt function, target cannot be empty");
    assert_eq!(message(parse("1", -1)), "invalid base value: -1 for ParseInt function, base cannot be negative");
}

#[test]
fn predicates_check_types() {
    assert_eq!(ok("IsBool", vec![Value::Bool(false)]), Value::Bool(true));
    assert_eq!(ok("IsDouble", vec![Value::Float(1.0)]), Value::Bool(true));
    assert_eq!(ok("IsDouble", vec![Value::Int(1)]), Value::Bool(false));
    assert_eq!(ok("IsInt", vec![Value::Int(1)]), Value::Bool(true));
    assert_eq!(ok("IsString", vec![s("")]), Value::Bool(true));
    assert_eq!(ok("IsString", vec![Value::Nil]), Value::Bool(false));
    assert_eq!(ok("IsMap", vec![map(&[])]), Value::Bool(true));
    assert_eq!(ok("IsList", vec![list(vec![])]), Value::Bool(true));
    assert_eq!(ok("IsList", vec![Value::Pdata(Box::new(Pdata::SpanEvents(vec![])))]), Value::Bool(true));
    assert_eq!(ok("IsList", vec![s("x")]), Value::Bool(false));
}

#[test]
fn is_empty_means_zero_values() {
    for empty in [s(""), Value::Int(0), Value::Bool(false), list(vec![]), map(&[]), Value::Nil, Value::SpanId([0; 8])] {
        assert_eq!(ok("IsEmpty", vec![empty.clone()]), Value::Bool(true), "{empty:?}");
    }
    for full in [s("a"), list(vec![Value::Nil]), Value::Float(-0.0), Value::TraceId([1; 16])] {
        assert_eq!(ok("IsEmpty", vec![full.clone()]), Value::Bool(false), "{full:?}");
    }
}

#[test]
fn ids_from_bytes_or_hex() {
    let bytes: Vec<u8> = (1..=16).collect();
    let id: [u8; 16] = bytes.clone().try_into().unwrap();
    assert_eq!(ok("TraceID", vec![Value::Bytes(bytes)]), Value::TraceId(id));
    assert_eq!(ok("TraceID", vec![s("0102030405060708090a0b0c0d0e0f10")]), Value::TraceId(id));
    assert_eq!(ok("SpanID", vec![s("0102030405060708")]), Value::SpanId([1, 2, 3, 4, 5, 6, 7, 8]));
    let mut profile = [0u8; 16];
    profile[15] = 1;
    assert_eq!(ok("ProfileID", vec![Value::Bytes(profile.to_vec())]), Value::ProfileId(profile));
    assert_eq!(
        err("SpanID", vec![Value::Bytes(vec![1, 2])]),
        "SpanID: could not decode ID: invalid length: expected 8 or 16 bytes, got 2"
    );
    assert_eq!(
        err("SpanID", vec![s("010203040506070g")]),
        "SpanID: could not decode ID: invalid hex: encoding/hex: invalid byte: U+0067 'g'"
    );
}

/// What the declaration's load-time check says of `literal` given for `param`.
fn literal_problems(name: &str, param: &'static str, literal: Literal<'_>) -> Vec<LiteralError> {
    let check = converter(name).literals.unwrap_or_else(|| panic!("{name} checks its literals"));
    check(&LiteralArgs::new(vec![(param, literal)]))
}

#[test]
fn id_literals_are_decoded_at_load() {
    assert!(literal_problems("TraceID", "bytes", Literal::Bytes(&[1; 16])).is_empty());
    assert!(literal_problems("SpanID", "bytes", Literal::String("0102030405060708")).is_empty());
    let problems = literal_problems("SpanID", "bytes", Literal::Bytes(&[1, 2]));
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].param, "bytes");
    assert_eq!(problems[0].message, "SpanID: could not decode ID: invalid length: expected 8 or 16 bytes, got 2");
    assert_eq!(problems[0].help.as_deref(), Some("give 8 bytes (0x…) or a string of 16 hex digits"));
    let problems = literal_problems("ProfileID", "bytes", Literal::String("0102030405060708090a0b0c0d0e0f1g"));
    assert_eq!(problems[0].message, "ProfileID: could not decode ID: invalid hex: encoding/hex: invalid byte: U+0067 'g'");
    assert_eq!(problems[0].help, None);
    // The reference's `%#U` of the first bad byte: no quoted form for a control
    // character, the byte (not the character) for UTF-8.
    let problems = literal_problems("SpanID", "bytes", Literal::String("010203040506070\n"));
    assert_eq!(problems[0].message, "SpanID: could not decode ID: invalid hex: encoding/hex: invalid byte: U+000A");
    let problems = literal_problems("SpanID", "bytes", Literal::String("01020304050607é"));
    assert_eq!(problems[0].message, "SpanID: could not decode ID: invalid hex: encoding/hex: invalid byte: U+00C3 'Ã'");
    // Only literals are judged.
    assert!(converter("TraceID").literals.is_some_and(|check| check(&LiteralArgs::new(vec![])).is_empty()));
}

#[test]
fn sort_order_literals_are_checked_at_load() {
    assert!(literal_problems("Sort", "order", Literal::String("desc")).is_empty());
    let problems = literal_problems("Sort", "order", Literal::String("up"));
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].message, r#"invalid arguments: up. Order should be either "asc" or "desc""#);
    assert_eq!(problems[0].help.as_deref(), Some(r#"expected one of "asc", "desc""#));
}

#[test]
fn parse_int_finds_an_empty_target_before_a_wrong_base() {
    assert_eq!(
        convert("ParseInt", vec![s(""), s("ten")]).unwrap_err().message(),
        "invalid target value for ParseInt function, target cannot be empty"
    );
}

#[test]
fn sort_judges_the_order_before_the_target() {
    assert_eq!(err("Sort", vec![s("x"), s("up")]), "invalid arguments: up. Order should be either \"asc\" or \"desc\"");
}

#[test]
fn len_counts_bytes_entries_and_elements() {
    assert_eq!(ok("Len", vec![s("hello")]), Value::Int(5));
    assert_eq!(ok("Len", vec![s("é")]), Value::Int(2));
    assert_eq!(ok("Len", vec![map(&[("a", Value::Int(1)), ("b", Value::Int(2))])]), Value::Int(2));
    assert_eq!(ok("Len", vec![list(vec![Value::Int(1), Value::Int(2), Value::Int(3)])]), Value::Int(3));
    assert_eq!(ok("Len", vec![Value::Pdata(Box::new(Pdata::SpanLinks(vec![Default::default()])))]), Value::Int(1));
    assert!(err("Len", vec![Value::Int(1)]).starts_with("Len: unsupported target type int64. target arg must be of type string"));
}

#[test]
fn keys_and_values() {
    let m = map(&[("k1", s("v1")), ("k2", map(&[("n", Value::Int(1))]))]);
    assert_eq!(ok("Keys", vec![m]), list(vec![s("k1"), s("k2")]));
    assert_eq!(ok("Values", vec![map(&[("k1", s("v1"))])]), list(vec![s("v1")]));
}

#[test]
fn coalesce_takes_the_first_non_nil() {
    assert_eq!(ok("Coalesce", vec![list(vec![s("first"), s("second")])]), s("first"));
    assert_eq!(ok("Coalesce", vec![list(vec![Value::Nil, Value::Nil, s("third")])]), s("third"));
    assert!(ok("Coalesce", vec![list(vec![Value::Nil, Value::Nil])]).is_nil());
    assert_eq!(ok("Coalesce", vec![list(vec![Value::Nil, Value::Float(2.5)])]), Value::Float(2.5));
}

#[test]
fn contains_value_and_index_compare_like_ottl() {
    let numbers = list(vec![Value::Int(1), Value::Int(2), Value::Int(3)]);
    assert_eq!(ok("ContainsValue", vec![numbers.clone(), Value::Int(3)]), Value::Bool(true));
    assert_eq!(ok("ContainsValue", vec![list(vec![Value::Float(4.4)]), Value::Float(4.4)]), Value::Bool(true));
    assert_eq!(ok("ContainsValue", vec![list(vec![s("GET")]), s("get")]), Value::Bool(false));
    assert_eq!(err("ContainsValue", vec![s("x"), s("x")]), "expected pcommon.Slice but got string");
    assert_eq!(ok("Index", vec![numbers, Value::Float(2.0)]), Value::Int(1));
    assert_eq!(ok("Index", vec![s("opentelemetry"), s("telemetry")]), Value::Int(4));
    assert_eq!(ok("Index", vec![s("abc"), s("z")]), Value::Int(-1));
    let things = list(vec![map(&[("a", Value::Int(1))]), s("x"), map(&[("b", Value::Int(2))])]);
    assert_eq!(ok("Index", vec![things, map(&[("b", Value::Int(2))])]), Value::Int(2));
    assert_eq!(err("Index", vec![s("abc"), Value::Int(1)]), "when source is string, value must also be string");
    assert_eq!(err("Index", vec![Value::Int(1), Value::Int(1)]), "source must be of type string or slice");
}

#[test]
fn sort_keeps_types() {
    let sort = |items: Vec<Value>, order: Option<&str>| {
        let mut args = vec![list(items)];
        args.extend(order.map(s));
        ok("Sort", args)
    };
    assert_eq!(
        sort(vec![Value::Int(3), Value::Float(1.5), Value::Int(2)], None),
        list(vec![Value::Float(1.5), Value::Int(2), Value::Int(3)])
    );
    assert_eq!(
        sort(vec![Value::Int(3), Value::Int(6), Value::Int(9)], Some("desc")),
        list(vec![Value::Int(9), Value::Int(6), Value::Int(3)])
    );
    assert_eq!(
        sort(vec![Value::Bool(false), Value::Int(11), Value::Float(2.2), s("three")], None),
        list(vec![Value::Int(11), Value::Float(2.2), Value::Bool(false), s("three")])
    );
    assert_eq!(
        sort(vec![Value::Bool(true), s("value"), Value::Int(1)], None),
        list(vec![Value::Int(1), Value::Bool(true), s("value")])
    );
    assert_eq!(sort(vec![s("b"), s("a"), s("c")], Some("desc")), list(vec![s("c"), s("b"), s("a")]));
    let unsortable = vec![Value::Int(2), map(&[]), Value::Int(1)];
    assert_eq!(sort(unsortable.clone(), None), list(unsortable));
    assert_eq!(err("Sort", vec![s("x")]), "sort with unsupported type: 'string'. Target is not a list");
    assert_eq!(err("Sort", vec![list(vec![]), s("up")]), "invalid arguments: up. Order should be either \"asc\" or \"desc\"");
}

#[test]
fn slice_to_map_keys_by_path_or_index() {
    let thing = |name: &str, value: i64| map(&[("name", s(name)), ("value", Value::Int(value))]);
    let things = list(vec![thing("foo", 2), thing("bar", 5)]);
    assert_eq!(
        ok("SliceToMap", vec![things.clone(), list(vec![s("name")])]),
        map(&[("foo", thing("foo", 2)), ("bar", thing("bar", 5))])
    );
    assert_eq!(ok("SliceToMap", vec![things.clone()]), map(&[("0", thing("foo", 2)), ("1", thing("bar", 5))]));
    assert_eq!(
        ok("SliceToMap", vec![things.clone(), list(vec![s("name")]), list(vec![s("value")])]),
        map(&[("foo", Value::Int(2)), ("bar", Value::Int(5))])
    );
    assert_eq!(
        err("SliceToMap", vec![things.clone(), list(vec![s("nonexistent_key")]), list(vec![s("value")])]),
        "could not extract key from element 0: provided object does not contain the path [nonexistent_key]"
    );
    assert_eq!(
        err("SliceToMap", vec![things.clone(), list(vec![s("name")]), list(vec![s("nonexistent_value")])]),
        "could not extract value from element 0: provided object does not contain the path [nonexistent_value]"
    );
    let nested = list(vec![map(&[("a", map(&[("b", s("k"))]))])]);
    assert_eq!(
        err("SliceToMap", vec![nested.clone(), list(vec![s("a"), s("c")])]),
        "could not extract key from element 0: provided object does not contain the path [c]"
    );
    assert_eq!(ok("SliceToMap", vec![nested, list(vec![s("a"), s("b")])]).to_string(), r#"{"k":{"a":{"b":"k"}}}"#);
    assert_eq!(
        err("SliceToMap", vec![list(vec![s("x")]), list(vec![s("a")])]),
        "slice elements must be maps when using `key_path`, but could not cast element 'x' to a map"
    );
    assert_eq!(ok("SliceToMap", vec![list(vec![s("x")])]), map(&[("0", s("x"))]));
    assert_eq!(err("SliceToMap", vec![s("x")]), "unsupported type provided to SliceToMap function: string");
}

#[test]
fn log_is_the_natural_logarithm() {
    assert_eq!(ok("Log", vec![Value::Int(1)]), Value::Float(0.0));
    assert_eq!(err("Log", vec![Value::Int(0)]), "invalid input: expected number greater than zero but got 0");
    assert_eq!(err("Log", vec![Value::Float(-1e7)]), "invalid input: expected number greater than zero but got -1e+07");
    assert_eq!(err("Log", vec![Value::Float(-0.5)]), "invalid input: expected number greater than zero but got -0.5");
    assert_eq!(err("Log", vec![Value::Nil]), "invalid input: <nil>");
}

#[test]
fn is_in_cidr_matches_networks() {
    let nets = |items: &[&str]| list(items.iter().map(|n| s(n)).collect());
    let check = |ip: &str, networks: &[&str]| convert("IsInCIDR", vec![s(ip), nets(networks)]);
    assert_eq!(check("10.1.1.1", &["192.168.0.0/16", "172.16.0.0/12"]), Ok(Value::Bool(false)));
    assert_eq!(check("192.168.3.4", &["192.168.0.0/16"]), Ok(Value::Bool(true)));
    assert_eq!(check("::ffff:192.168.3.4", &["192.168.0.0/16"]), Ok(Value::Bool(true)));
    assert_eq!(check("2001:db8::1", &["2001:db8::/32"]), Ok(Value::Bool(true)));
    assert_eq!(check("2001:db8::1", &["0.0.0.0/0"]), Ok(Value::Bool(false)));
    assert_eq!(check("1.2.3.4", &["0.0.0.0/0"]), Ok(Value::Bool(true)));
    assert_eq!(check("not an ip", &["10.0.0.0/8"]), Ok(Value::Bool(false)));
    assert_eq!(check("10.0.0.1", &["10.0.0.0/33"]).unwrap_err().message(), "invalid CIDR address: 10.0.0.0/33");
    assert_eq!(check("10.0.0.1", &["10.0.0.0"]).unwrap_err().message(), "invalid CIDR address: 10.0.0.0");
}

#[test]
fn luhn_checks_digits() {
    assert_eq!(ok("IsValidLuhn", vec![s("17893729974")]), Value::Bool(true));
    assert_eq!(ok("IsValidLuhn", vec![s("1789 3729 974")]), Value::Bool(true));
    assert_eq!(ok("IsValidLuhn", vec![Value::Int(17893729974)]), Value::Bool(true));
    assert_eq!(ok("IsValidLuhn", vec![s("17893729975")]), Value::Bool(false));
    assert_eq!(ok("IsValidLuhn", vec![s("  ")]), Value::Bool(false));
    assert_eq!(err("IsValidLuhn", vec![s("12a4")]), "strconv.Atoi: parsing \"a\": invalid syntax");
    assert_eq!(err("IsValidLuhn", vec![Value::Nil]), "invalid input: <nil>");
}

#[test]
fn uuids_have_their_versions() {
    for (name, version) in [("UUID", '4'), ("UUIDv7", '7')] {
        let Value::String(text) = ok(name, vec![]) else { panic!("{name} gives a string") };
        assert_eq!(text.len(), 36);
        assert_eq!(text.chars().nth(14), Some(version), "{text}");
    }
}

#[test]
fn is_root_span_reads_the_parent_span_id() {
    use opentelemetry_proto::tonic::trace::v1::Span;
    let is_root = |span: &mut Span, event: bool| {
        let item = if event { ItemMut::SpanEvent { span, index: 0 } } else { ItemMut::Span(span) };
        converter("IsRootSpan").convert(&mut Args::values(vec![]), &item)
    };
    let mut span = Span::default();
    assert_eq!(is_root(&mut span, false), Ok(Value::Bool(true)));
    span.parent_span_id = vec![0; 8];
    assert_eq!(is_root(&mut span, true), Ok(Value::Bool(true)));
    span.parent_span_id = vec![0, 0, 0, 0, 0, 0, 0, 1];
    assert_eq!(is_root(&mut span, false), Ok(Value::Bool(false)));
    let resource = converter("IsRootSpan").convert(&mut Args::values(vec![]), &ItemMut::Resource);
    assert!(resource.is_err());
}
