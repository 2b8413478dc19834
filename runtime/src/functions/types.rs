//! Type conversions, type predicates, ids and the collection converters (spec §6.2):
//! `Int`, `Double`, `Bool`, `String`, `Hex`, `ParseInt`, the `Is*` predicates, `TraceID`,
//! `SpanID`, `ProfileID`, `Len`, `Keys`, `Values`, `Coalesce`, `ContainsValue`,
//! `Sort`, `SliceToMap`, `Index`, `Log`, `IsInCIDR`, `IsValidLuhn`, `UUID`, `UUIDv7` and
//! `IsRootSpan`. Error texts follow the reference's `ottlfuncs/func_*.go`.

use std::cmp::Ordering;
use std::net::IpAddr;

use super::literal::{Literal, LiteralArgs, LiteralError, one_of_help};
use super::shorthand::*;
use super::{BoolLike, BytesLike, Deferred, FloatLike, IntLike, StringLike};
use crate::bail;
use crate::coerce;
use crate::compare::{self, CompareOp};
use crate::context::ItemMut;
use crate::converter;
use crate::error::{Error, Result};
use crate::go;
use crate::value::{Map, Pdata, Value};

pub(crate) static FUNCTIONS: &[Function] = &[
    // ---- Converters: type and conversion ----
    Function::converter(
        "Int",
        &[r("target", K::IntLikeGetter)],
        T::Int,
        converter!(int(target)),
        "Converts to an int: floats truncate toward zero, strings parse in base 10, bools give 0/1; anything else gives nil.",
        &[
            Example::new(r#"Int(attributes["http.status_code"])"#, "200"),
            Example::new(r#"Int(3.9)"#, "3"),
            Example::new(r#"Int(true)"#, "1"),
        ],
    ),
    Function::converter(
        "Double",
        &[r("target", K::FloatLikeGetter)],
        T::Float,
        converter!(double(target)),
        "Converts to a float64; parse failures and other types give nil.",
        &[
            Example::new(r#"Double(attributes["duration_ms"])"#, "12.5"),
            Example::new(r#"Double(attributes["http.status_code"])"#, "200.0"),
        ],
    ),
    Function::converter(
        "Bool",
        &[r("target", K::BoolLikeGetter)],
        T::Bool,
        converter!(bool(target)),
        "Converts to a bool: strconv.ParseBool strings, non-zero numbers; anything else gives nil.",
        &[Example::new(r#"Bool(attributes["sampled"])"#, "true"), Example::new(r#"Bool(0)"#, "false")],
    ),
    Function::converter(
        "String",
        &[r("target", K::StringLikeGetter)],
        T::String,
        converter!(string(target)),
        "Converts to a string: bytes as hex, maps and slices as JSON, bools and numbers as text; nil stays nil.",
        &[
            Example::new(r#"String(attributes["http.status_code"])"#, r#""200""#),
            Example::new(r#"String(attributes["tags"])"#, r#""[\"a\",\"b\"]""#),
            Example::new(r#"String(attributes["missing"])"#, "nil"),
        ],
    ),
    Function::converter(
        "Hex",
        &[r("target", K::ByteSliceLikeGetter)],
        T::String,
        converter!(hex(target)),
        "The big-endian bytes of the value as lowercase hex, without `0x`.",
        &[
            Example::new(r#"Hex(attributes["http.status_code"])"#, r#""00000000000000c8""#),
            Example::new(r#"Hex("ok")"#, r#""6f6b""#),
        ],
    ),
    Function::converter(
        "ParseInt",
        &[r("target", K::StringGetter), r("base", K::IntGetter)],
        T::Int,
        converter!(parse_int(target, base)),
        "Parses a string as an int in `base`; base 0 infers 0b/0o/0x prefixes.",
        &[Example::new(r#"ParseInt("ff", 16)"#, "255"), Example::new(r#"ParseInt("0x1F", 0)"#, "31")],
    ),
    Function::converter(
        "TraceID",
        &[r("bytes", K::ByteSliceLikeGetter)],
        T::TraceId,
        converter!(trace_id(bytes)),
        "A trace ID from exactly 16 bytes (a bytes literal or a hex string).",
        &[
            Example::new(r#"TraceID(0x0102030405060708090a0b0c0d0e0f10)"#, "trace_id"),
            Example::new(r#"TraceID("0102030405060708090a0b0c0d0e0f10")"#, "trace_id"),
        ],
    )
    .literals(|args| id_literal::<16>("TraceID", args)),
    Function::converter(
        "SpanID",
        &[r("bytes", K::ByteSliceLikeGetter)],
        T::SpanId,
        converter!(span_id(bytes)),
        "A span ID from exactly 8 bytes (a bytes literal or a hex string).",
        &[Example::new(r#"SpanID(0x0102030405060708)"#, "span_id"), Example::new(r#"SpanID("0102030405060708")"#, "span_id")],
    )
    .literals(|args| id_literal::<8>("SpanID", args)),
    Function::converter(
        "ProfileID",
        &[r("bytes", K::ByteSliceLikeGetter)],
        T::ProfileId,
        converter!(profile_id(bytes)),
        "A profile ID from exactly 16 bytes (a bytes literal or a hex string).",
        &[Example::new(r#"ProfileID(0x0102030405060708090a0b0c0d0e0f10)"#, r#"ProfileID("0102030405060708090a0b0c0d0e0f10")"#)],
    )
    .literals(|args| id_literal::<16>("ProfileID", args)),
    // ---- Converters: predicates ----
    Function::converter(
        "IsBool",
        &[r("target", K::BoolGetter)],
        T::Bool,
        converter!(is_bool(target)),
        "Whether the value is a bool.",
        &[
            Example::new(r#"IsBool(attributes["sampled"])"#, "false"),
            Example::new(r#"IsBool(Bool(attributes["sampled"]))"#, "true"),
        ],
    ),
    Function::converter(
        "IsInt",
        &[r("target", K::IntGetter)],
        T::Bool,
        converter!(is_int(target)),
        "Whether the value is an int.",
        &[
            Example::new(r#"IsInt(attributes["http.status_code"])"#, "true"),
            Example::new(r#"IsInt(attributes["duration_ms"])"#, "false"),
        ],
    ),
    Function::converter(
        "IsDouble",
        &[r("target", K::FloatGetter)],
        T::Bool,
        converter!(is_double(target)),
        "Whether the value is a float64.",
        &[
            Example::new(r#"IsDouble(attributes["duration_ms"])"#, "false"),
            Example::new(r#"IsDouble(Double(attributes["duration_ms"]))"#, "true"),
        ],
    ),
    Function::converter(
        "IsString",
        &[r("target", K::StringGetter)],
        T::Bool,
        converter!(is_string(target)),
        "Whether the value is a string.",
        &[
            Example::new(r#"IsString(attributes["http.method"])"#, "true"),
            Example::new(r#"IsString(attributes["http.status_code"])"#, "false"),
        ],
    ),
    Function::converter(
        "IsMap",
        &[r("target", K::PMapGetter)],
        T::Bool,
        converter!(is_map(target)),
        "Whether the value is a map.",
        &[Example::new(r#"IsMap(attributes["nested"])"#, "true"), Example::new(r#"IsMap(attributes["message"])"#, "false")],
    ),
    Function::converter(
        "IsList",
        TARGET_ANY,
        T::Bool,
        converter!(is_list(target)),
        "Whether the value is a list (slice).",
        &[Example::new(r#"IsList(attributes["tags"])"#, "true"), Example::new(r#"IsList(attributes["message"])"#, "false")],
    ),
    Function::converter(
        "IsEmpty",
        TARGET_ANY,
        T::Bool,
        converter!(is_empty(target)),
        "Whether the value is nil, empty (map, slice, bytes, string) or a zero value.",
        &[
            Example::new(r#"IsEmpty(attributes["user"])"#, "true"),
            Example::new(r#"IsEmpty(attributes["message"])"#, "false"),
            Example::new(r#"IsEmpty(0)"#, "true"),
        ],
    ),
    Function::converter(
        "IsInCIDR",
        &[r("target", K::StringGetter), r("networks", K::StringGetterList)],
        T::Bool,
        converter!(is_in_cidr(target, networks)),
        "Whether an IP address lies in any of the CIDR networks.",
        &[
            Example::new(r#"IsInCIDR("192.168.1.7", ["10.0.0.0/8", "192.168.0.0/16"])"#, "true"),
            Example::new(r#"IsInCIDR("not an address", ["0.0.0.0/0"])"#, "false"),
        ],
    ),
    Function::converter(
        "IsValidLuhn",
        &[r("target", K::StringLikeGetter)],
        T::Bool,
        converter!(is_valid_luhn(target)),
        "Whether a digit string or int passes the Luhn check.",
        &[Example::new(r#"IsValidLuhn("4111 1111 1111 1111")"#, "true"), Example::new(r#"IsValidLuhn(17893729975)"#, "false")],
    ),
    Function::converter(
        "ContainsValue",
        &[r("target", K::PSliceGetter), r("item", K::Getter)],
        T::Bool,
        converter!(contains_value(target, item)),
        "Whether the slice contains `item`, compared with OTTL's comparison rules.",
        &[
            Example::new(r#"ContainsValue(attributes["tags"], "a")"#, "true"),
            Example::new(r#"ContainsValue(attributes["tags"], "prod")"#, "false"),
            Example::new(r#"ContainsValue([1, 2, 3], 2.0)"#, "true"),
        ],
    ),
    Function::converter(
        "IsRootSpan",
        &[],
        T::Bool,
        converter!(is_root_span(; item)),
        "Whether the span has no parent (its parent_span_id is all zeros).",
        &[Example::new(r#"IsRootSpan()"#, "true")],
    )
    .only_in(SPAN),
    Function::converter(
        "Index",
        &[r("target", K::Getter), r("value", K::Getter)],
        T::Int,
        converter!(index(target, value)),
        "The first index of `value` in a string (substring) or slice, or -1.",
        &[
            Example::new(r#"Index(attributes["message"], "world")"#, "6"),
            Example::new(r#"Index(attributes["tags"], "b")"#, "1"),
            Example::new(r#"Index(attributes["tags"], "unparsed")"#, "-1"),
        ],
    ),
    Function::converter(
        "Len",
        TARGET_ANY,
        T::Int,
        converter!(len(target)),
        "The length of a string, slice or map.",
        &[Example::new(r#"Len(attributes["tags"])"#, "2"), Example::new(r#"Len(attributes["message"])"#, "11")],
    ),
    Function::converter(
        "SliceToMap",
        &[r("target", K::PSliceGetter), o("key_path", K::StringList), o("value_path", K::StringList)],
        MAP,
        converter!(slice_to_map(target, key_path, value_path)),
        "A map from a slice, keyed by an element sub-path (or the index).",
        &[
            Example::new(
                r#"SliceToMap([{"name": "db", "port": 5432}, {"name": "cache", "port": 6379}], ["name"])"#,
                r#"{"db": {"name": "db", "port": 5432}, "cache": {"name": "cache", "port": 6379}}"#,
            ),
            Example::new(
                r#"SliceToMap([{"name": "db", "port": 5432}, {"name": "cache", "port": 6379}], ["name"], ["port"])"#,
                r#"{"db": 5432, "cache": 6379}"#,
            ),
            Example::new(r#"SliceToMap(attributes["tags"])"#, r#"{"0": "a", "1": "b"}"#),
        ],
    ),
    Function::converter(
        "Keys",
        &[r("target", K::PMapGetter)],
        STRINGS,
        converter!(keys(target)),
        "The keys of a map.",
        &[Example::new(r#"Keys(attributes["nested"])"#, r#"["k"]"#)],
    ),
    Function::converter(
        "Values",
        &[r("target", K::PMapGetter)],
        LIST,
        converter!(values(target)),
        "The values of a map (order not guaranteed).",
        &[Example::new(r#"Values(attributes["nested"])"#, r#"["v"]"#)],
    ),
    Function::converter(
        "Sort",
        &[r("target", K::Getter), o("order", K::String)],
        LIST,
        converter!(sort(target, order)),
        "Sorts a slice (\"asc\" or \"desc\"); mixed types sort by their string form.",
        &[
            Example::new(r#"Sort(attributes["tags"], "desc")"#, r#"["b", "a"]"#),
            Example::new(r#"Sort([3, 1.5, 2])"#, "[1.5, 2, 3]"),
            Example::new(r#"Sort([true, "value", 1])"#, r#"[1, true, "value"]"#),
        ],
    )
    .literals(|args| {
        // createSortFunction checks the order when the statement is built.
        let order = args.string("order").and_then(|order| is_descending(order).err());
        order.map(|error| LiteralError::new("order", error.to_string()).help(one_of_help(SORT_ORDERS))).into_iter().collect()
    }),
    Function::converter(
        "Coalesce",
        &[r("values", K::GetterList)],
        T::Any,
        converter!(coalesce(values)),
        "The first value that is not nil.",
        &[
            Example::new(r#"Coalesce([attributes["user.id"], attributes["client.id"], "unknown"])"#, r#""unknown""#),
            Example::new(r#"Coalesce([attributes["user.id"], attributes["env"], "unknown"])"#, r#""staging""#),
        ],
    )
    .lazy(),
    Function::converter(
        "UUID",
        &[],
        T::String,
        converter!(uuid_v4()),
        "A random (v4) UUID string.",
        &[Example::new(r#"Len(UUID())"#, "36"), Example::new(r#"Substring(UUID(), 14, 1)"#, r#""4""#)],
    ),
    Function::converter(
        "UUIDv7",
        &[],
        T::String,
        converter!(uuid_v7()),
        "A time-ordered (v7) UUID string.",
        &[Example::new(r#"Len(UUIDv7())"#, "36"), Example::new(r#"Substring(UUIDv7(), 14, 1)"#, r#""7""#)],
    ),
    // ---- Converters: math ----
    Function::converter(
        "Log",
        &[r("target", K::FloatLikeGetter)],
        T::Float,
        converter!(log(target)),
        "The natural logarithm; an error for values ≤ 0 or nil.",
        &[Example::new(r#"Log(attributes["http.status_code"])"#, "5.298317366548036"), Example::new(r#"Log(1)"#, "0.0")],
    ),
    Function::converter(
        "len",
        TARGET_ANY,
        T::Int,
        converter!(len(target)),
        "The seed's spelling of Len: the length of a string, slice or map.",
        &[Example::new(r#"len(span.attributes["http.url"])"#, "39")],
    )
    .origin(Origin::Seed)
    .alias_of("Len"),
];

/// Go's `%T` of a getter's result, as the reference's messages print it (`<nil>` for nil).
pub(super) fn go_dynamic_type(value: &Value) -> &'static str {
    match value {
        Value::Nil => "<nil>",
        other => other.go_type(),
    }
}

// ---- Conversions ----

fn int(target: IntLike) -> Result<Value> {
    Ok(target.0.map_or(Value::Nil, Value::Int))
}

/// A string that does not parse is an error, as in the reference's code and tests (its
/// README says nil).
fn double(target: FloatLike) -> Result<Value> {
    Ok(target.0.map_or(Value::Nil, Value::Float))
}

fn bool(target: BoolLike) -> Result<Value> {
    Ok(target.0.map_or(Value::Nil, Value::Bool))
}

/// Ids, times and durations take the `json.Marshal` form the reference's `StringLikeGetter`
/// falls back to (an id becomes `[1,2,...]`), which `coerce::string_like` does not give.
fn string(target: StringLike) -> Result<Value> {
    Ok(target.0.map_or(Value::Nil, Value::String))
}

/// `Hex(x)`: nil has no bytes, so its hex is "".
fn hex(target: BytesLike) -> Result<Value> {
    Ok(Value::String(coerce::hex_lower(&target.0.unwrap_or_default())))
}

/// The base is read after the target is found not empty, as the reference does, so an
/// empty target is the error even when the base is no int.
fn parse_int(target: &str, base: &Value) -> Result<Value> {
    if target.is_empty() {
        bail!("invalid target value for ParseInt function, target cannot be empty");
    }
    let base = coerce::int(base)?;
    if base < 0 {
        bail!("invalid base value: {base} for ParseInt function, base cannot be negative");
    }
    go_parse_int(target, base).map(Value::Int)
}

/// Why `strconv.ParseUint` refused its input.
enum ParseIntError {
    Syntax,
    Range,
    Base(i64),
}

/// `strconv.ParseInt(text, base, 64)` with its error texts (which quote the whole input).
fn go_parse_int(text: &str, base: i64) -> Result<i64> {
    const CUTOFF: u64 = 1 << 63;
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let magnitude = match parse_go_uint(unsigned, base) {
        Ok(n) if (negative && n > CUTOFF) || (!negative && n >= CUTOFF) => Err(ParseIntError::Range),
        other => other,
    };
    let reason = match magnitude {
        Ok(n) => return Ok(if negative { (n as i64).wrapping_neg() } else { n as i64 }),
        Err(ParseIntError::Syntax) => "invalid syntax".to_string(),
        Err(ParseIntError::Range) => "value out of range".to_string(),
        Err(ParseIntError::Base(base)) => format!("invalid base {base}"),
    };
    bail!("strconv.ParseInt: parsing {}: {reason}", coerce::go_quote(text))
}

/// `strconv.ParseUint(text, base, 64)`: base 0 reads a `0b`/`0o`/`0x`/`0` prefix and allows
/// `_` between digits.
fn parse_go_uint(text: &str, base: i64) -> Result<u64, ParseIntError> {
    let bytes = text.as_bytes();
    let Some(&first) = bytes.first() else { return Err(ParseIntError::Syntax) };
    let base_from_prefix = base == 0;
    let (radix, digits) = if base_from_prefix {
        match (first, bytes.get(1).map(u8::to_ascii_lowercase)) {
            (b'0', Some(b'b')) if bytes.len() >= 3 => (2, &bytes[2..]),
            (b'0', Some(b'o')) if bytes.len() >= 3 => (8, &bytes[2..]),
            (b'0', Some(b'x')) if bytes.len() >= 3 => (16, &bytes[2..]),
            (b'0', _) => (8, &bytes[1..]),
            _ => (10, bytes),
        }
    } else if (2..=36).contains(&base) {
        (base as u64, bytes)
    } else {
        return Err(ParseIntError::Base(base));
    };
    let mut n: u64 = 0;
    let mut underscores = false;
    for &c in digits {
        if c == b'_' && base_from_prefix {
            underscores = true;
            continue;
        }
        let digit = match c {
            b'0'..=b'9' => u64::from(c - b'0'),
            c if c.is_ascii_alphabetic() => u64::from(c.to_ascii_lowercase() - b'a') + 10,
            _ => return Err(ParseIntError::Syntax),
        };
        if digit >= radix {
            return Err(ParseIntError::Syntax);
        }
        n = n.checked_mul(radix).and_then(|n| n.checked_add(digit)).ok_or(ParseIntError::Range)?;
    }
    if underscores && !underscores_well_placed(bytes) {
        return Err(ParseIntError::Syntax);
    }
    Ok(n)
}

/// Go's `underscoreOK`: underscores only between digits, or right after a base prefix.
fn underscores_well_placed(text: &[u8]) -> bool {
    #[derive(PartialEq)]
    enum Saw {
        Start,
        Digit,
        Underscore,
        Other,
    }
    let mut saw = Saw::Start;
    let mut rest = text;
    let mut hex = false;
    if rest.len() >= 2 && rest[0] == b'0' && matches!(rest[1].to_ascii_lowercase(), b'b' | b'o' | b'x') {
        hex = rest[1].eq_ignore_ascii_case(&b'x');
        saw = Saw::Digit;
        rest = &rest[2..];
    }
    for &c in rest {
        if c.is_ascii_digit() || (hex && c.is_ascii_hexdigit()) {
            saw = Saw::Digit;
        } else if c == b'_' {
            if saw != Saw::Digit {
                return false;
            }
            saw = Saw::Underscore;
        } else {
            if saw == Saw::Underscore {
                return false;
            }
            saw = Saw::Other;
        }
    }
    saw != Saw::Underscore
}

// ---- Predicates ----

/// The typed predicates never fail: a value of another type is simply not of the type.
fn is_bool(target: &Value) -> Result<Value> {
    Ok(Value::Bool(matches!(target, Value::Bool(_))))
}

fn is_int(target: &Value) -> Result<Value> {
    Ok(Value::Bool(matches!(target, Value::Int(_))))
}

fn is_double(target: &Value) -> Result<Value> {
    Ok(Value::Bool(matches!(target, Value::Float(_))))
}

fn is_string(target: &Value) -> Result<Value> {
    Ok(Value::Bool(matches!(target, Value::String(_))))
}

fn is_map(target: &Value) -> Result<Value> {
    Ok(Value::Bool(matches!(target, Value::Map(_))))
}

/// Slices, and the pdata slices paths expose (`span.events`, data points).
fn is_list(target: &Value) -> Result<Value> {
    Ok(Value::Bool(match target {
        Value::Slice(_) => true,
        Value::Pdata(pdata) => pdata_slice_len(pdata).is_some(),
        _ => false,
    }))
}

/// The length of a pdata slice (`ptrace.SpanEventSlice`, `pmetric.NumberDataPointSlice`…);
/// None for pdata that is not a slice.
fn pdata_slice_len(pdata: &Pdata) -> Option<usize> {
    match pdata {
        Pdata::SpanEvents(events) => Some(events.len()),
        Pdata::SpanLinks(links) => Some(links.len()),
        Pdata::Other { go_type, json: serde_json::Value::Array(items) } if go_type.ends_with("Slice") => Some(items.len()),
        _ => None,
    }
}

/// Unix seconds of Go's zero `time.Time` (January 1, year 1, UTC).
const GO_ZERO_TIME_UNIX_SECONDS: i64 = -62_135_596_800;

/// Nil, an empty container, or Go's zero value of the type (`reflect.Value.IsZero`: `-0.0`
/// is not zero, pdata structures never are).
fn is_empty(target: &Value) -> Result<Value> {
    Ok(Value::Bool(match target {
        Value::Nil => true,
        Value::Bool(b) => !b,
        Value::Int(i) => *i == 0,
        Value::Float(f) => f.to_bits() == 0,
        Value::String(s) => s.is_empty(),
        Value::Bytes(b) => b.is_empty(),
        Value::Map(m) => m.is_empty(),
        Value::Slice(items) => items.is_empty(),
        Value::Time(t) => {
            t.timestamp() == GO_ZERO_TIME_UNIX_SECONDS && t.timestamp_subsec_nanos() == 0 && t.offset().local_minus_utc() == 0
        }
        Value::Duration(d) => *d == 0,
        Value::TraceId(id) | Value::ProfileId(id) => id.iter().all(|b| *b == 0),
        Value::SpanId(id) => id.iter().all(|b| *b == 0),
        Value::Pdata(_) => false,
    }))
}

// ---- Ids ----

fn trace_id(bytes: BytesLike) -> Result<Value> {
    decode_id("TraceID", &bytes.0.unwrap_or_default()).map(Value::TraceId)
}

fn span_id(bytes: BytesLike) -> Result<Value> {
    decode_id("SpanID", &bytes.0.unwrap_or_default()).map(Value::SpanId)
}

fn profile_id(bytes: BytesLike) -> Result<Value> {
    decode_id("ProfileID", &bytes.0.unwrap_or_default()).map(Value::ProfileId)
}

/// The load-time check of an id function (`newIDExprFunc` decodes a literal when the
/// statement is built): a bytes or string literal that is no id of `N` bytes stops the
/// collector with the error a call would give.
fn id_literal<const N: usize>(function: &str, args: &LiteralArgs<'_>) -> Vec<LiteralError> {
    let bytes = match args.get("bytes") {
        Some(Literal::Bytes(bytes)) => *bytes,
        Some(Literal::String(text)) => text.as_bytes(),
        _ => return Vec::new(),
    };
    let Err(error) = decode_id::<N>(function, bytes) else { return Vec::new() };
    let problem = LiteralError::new("bytes", error.to_string());
    // At 2N bytes only the hex is wrong; at any other length, the length.
    let problem = if bytes.len() == 2 * N {
        problem
    } else {
        problem.help(format!("give {N} bytes (0x…) or a string of {} hex digits", 2 * N))
    };
    vec![problem]
}

/// An id from exactly `N` bytes, or from `2N` bytes of hex text (the reference's
/// `bytesToID`).
fn decode_id<const N: usize>(function: &str, bytes: &[u8]) -> Result<[u8; N]> {
    if let Ok(id) = <[u8; N]>::try_from(bytes) {
        return Ok(id);
    }
    if bytes.len() != 2 * N {
        bail!("{function}: could not decode ID: invalid length: expected {N} or {} bytes, got {}", 2 * N, bytes.len());
    }
    let nibble = |c: u8| {
        char::from(c).to_digit(16).ok_or_else(|| {
            Error::new(format!(
                "{function}: could not decode ID: invalid hex: encoding/hex: invalid byte: {}",
                go_unicode_form(char::from(c))
            ))
        })
    };
    let mut id = [0u8; N];
    for (out, pair) in id.iter_mut().zip(bytes.chunks_exact(2)) {
        *out = ((nibble(pair[0])? << 4) | nibble(pair[1])?) as u8;
    }
    Ok(id)
}

/// Go's `%#U`: `U+0067 'g'`, without the quoted character when it is not printable.
fn go_unicode_form(c: char) -> String {
    let printable = !c.is_control() && (c == ' ' || !c.is_whitespace()) && c != '\u{ad}';
    if printable { format!("U+{:04X} '{c}'", c as u32) } else { format!("U+{:04X}", c as u32) }
}

// ---- Collections ----

/// Strings count bytes, as Go's `len` does.
fn len(target: &Value) -> Result<Value> {
    let length = match target {
        Value::String(s) => Some(s.len()),
        Value::Bytes(b) => Some(b.len()),
        Value::Map(m) => Some(m.len()),
        Value::Slice(items) => Some(items.len()),
        Value::Pdata(pdata) => pdata_slice_len(pdata),
        _ => None,
    };
    match length {
        Some(n) => Ok(Value::Int(n as i64)),
        None => bail!(
            "Len: unsupported target type {}. target arg must be of type string, []any, map[string]any, pcommon.Map, pcommon.Slice, pcommon.Value (of type String, Map, Slice) or a supported slice type from the plog, pmetric or ptrace packages",
            target.go_type()
        ),
    }
}

fn keys(target: &Map) -> Result<Value> {
    Ok(Value::Slice(target.keys().cloned().map(Value::String).collect()))
}

fn values(target: &Map) -> Result<Value> {
    Ok(Value::Slice(target.values().cloned().collect()))
}

/// Each value is evaluated only when the ones before it were nil: an error in what is
/// skipped does not surface.
fn coalesce(values: Deferred<'_, '_>) -> Result<Value> {
    let values = values.each()?;
    if values.is_empty() {
        bail!("Coalesce requires at least one argument");
    }
    for value in values {
        let value = value()?;
        if !value.is_nil() {
            return Ok(value);
        }
    }
    Ok(Value::Nil)
}

/// Membership by OTTL's `==` (an int item finds an equal double).
fn contains_value(target: &[Value], item: &Value) -> Result<Value> {
    Ok(Value::Bool(target.iter().any(|element| compare::compare(element, item, CompareOp::Eq))))
}

/// The first byte offset of a substring, or the first element equal (by `==`) to `value`.
fn index(target: &Value, value: &Value) -> Result<Value> {
    let position = match (target, value) {
        (Value::String(text), Value::String(needle)) => text.find(needle.as_str()),
        (Value::String(_), _) => bail!("when source is string, value must also be string"),
        (Value::Slice(items), value) => items.iter().position(|element| compare::compare(element, value, CompareOp::Eq)),
        _ => bail!("source must be of type string or slice"),
    };
    Ok(Value::Int(position.map_or(-1, |i| i as i64)))
}

/// The order is judged before the target, as in the reference.
fn sort(target: &Value, order: Option<&str>) -> Result<Value> {
    let descending = order.map(is_descending).transpose()?.unwrap_or(false);
    match target {
        Value::Slice(items) => Ok(Value::Slice(sorted(items, descending))),
        other => bail!("sort with unsupported type: '{}'. Target is not a list", go_dynamic_type(other)),
    }
}

/// The orders `Sort` takes.
const SORT_ORDERS: &[&str] = &["asc", "desc"];

/// Whether `order` sorts from the largest down; `createSortFunction` refuses other words.
fn is_descending(order: &str) -> Result<bool> {
    match order {
        "asc" => Ok(false),
        "desc" => Ok(true),
        other => bail!("invalid arguments: {other}. Order should be either \"asc\" or \"desc\""),
    }
}

/// How a slice's elements are compared (the reference's `findCommonValueType`): all ints
/// natively, ints mixed with doubles as doubles, anything with strings, bools or nils by
/// string form.
#[derive(Clone, Copy)]
enum SortMode {
    Int,
    Float,
    Text,
}

/// One element's sort key under its slice's mode.
enum SortKey {
    Int(i64),
    Float(f64),
    Text(String),
}

impl SortKey {
    fn of(item: &Value, mode: SortMode) -> SortKey {
        match (mode, item) {
            (SortMode::Int, Value::Int(i)) => SortKey::Int(*i),
            (SortMode::Float, Value::Int(i)) => SortKey::Float(*i as f64),
            (SortMode::Float, Value::Float(f)) => SortKey::Float(*f),
            _ => SortKey::Text(sort_text(item)),
        }
    }

    /// Go's `cmp.Compare`: a NaN sorts before every number.
    fn compare(&self, other: &SortKey) -> Ordering {
        match (self, other) {
            (SortKey::Int(a), SortKey::Int(b)) => a.cmp(b),
            (SortKey::Float(a), SortKey::Float(b)) => match (a.is_nan(), b.is_nan()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Less,
                (false, true) => Ordering::Greater,
                (false, false) => a.partial_cmp(b).unwrap_or(Ordering::Equal),
            },
            (SortKey::Text(a), SortKey::Text(b)) => a.cmp(b),
            _ => Ordering::Equal,
        }
    }
}

/// The elements in order, each keeping its type; a slice holding maps, slices or bytes
/// comes back unsorted. The sort is stable, as Go's is for the short slices it
/// insertion-sorts.
fn sorted(items: &[Value], descending: bool) -> Vec<Value> {
    let Some(mode) = sort_mode(items) else { return items.to_vec() };
    let mut keyed: Vec<(SortKey, &Value)> = items.iter().map(|item| (SortKey::of(item, mode), item)).collect();
    keyed.sort_by(|(a, _), (b, _)| if descending { b.compare(a) } else { a.compare(b) });
    keyed.into_iter().map(|(_, item)| item.clone()).collect()
}

fn sort_mode(items: &[Value]) -> Option<SortMode> {
    let (mut text, mut any_float) = (false, false);
    for item in items {
        match item {
            Value::Int(_) => {}
            Value::Float(_) => any_float = true,
            Value::String(_) | Value::Bool(_) | Value::Nil => text = true,
            _ => return None,
        }
    }
    Some(if text {
        SortMode::Text
    } else if any_float {
        SortMode::Float
    } else {
        SortMode::Int
    })
}

/// `pcommon.Value.AsString` of a scalar: nil is empty, numbers and bools as JSON.
fn sort_text(item: &Value) -> String {
    match item {
        Value::String(s) => s.clone(),
        Value::Nil => String::new(),
        other => coerce::to_json_string(other),
    }
}

/// A map of the slice's elements, keyed by the string at `key_path` in each (map) element or
/// by the element's index, holding the value at `value_path` or the element itself.
fn slice_to_map(target: &Value, key_path: Option<Vec<&str>>, value_path: Option<Vec<&str>>) -> Result<Value> {
    let items = match target {
        Value::Slice(items) => items,
        other => bail!("unsupported type provided to SliceToMap function: {}", go_dynamic_type(other)),
    };
    let mut out = Map::with_capacity(items.len());
    for (i, element) in items.iter().enumerate() {
        let fields = if let Value::Map(fields) = element { Some(fields) } else { None };
        let key = match (&key_path, fields) {
            (None, _) => i.to_string(),
            (Some(_), None) => {
                bail!("slice elements must be maps when using `key_path`, but could not cast element '{element}' to a map")
            }
            (Some(path), Some(fields)) => {
                match value_at_path(fields, path).map_err(|e| e.context(format!("could not extract key from element {i}")))? {
                    Value::String(key) => key.clone(),
                    _ => bail!("element {i}: extracted key attribute is not of type string"),
                }
            }
        };
        let value = match (&value_path, fields) {
            (None, _) => element.clone(),
            (Some(_), None) => bail!("element {}: cannot extract value, not a map-like structure", go_percent_d(element)),
            (Some(path), Some(fields)) => {
                value_at_path(fields, path).map_err(|e| e.context(format!("could not extract value from element {i}")))?.clone()
            }
        };
        out.insert(key, value);
    }
    Ok(Value::Map(out))
}

/// The value at a path of keys through nested maps; the error names the rest of the path
/// from the key not found, as the reference's recursive `extractValue` does.
fn value_at_path<'a>(fields: &'a Map, path: &[&str]) -> Result<&'a Value> {
    let missing = |from: usize| Error::new(format!("provided object does not contain the path [{}]", path[from..].join(" ")));
    let Some((last, parents)) = path.split_last() else { bail!("must provide at least one path item") };
    let mut current = fields;
    for (i, key) in parents.iter().enumerate() {
        match current.get(*key) {
            Some(Value::Map(inner)) => current = inner,
            _ => return Err(missing(i)),
        }
    }
    current.get(*last).ok_or_else(|| missing(parents.len()))
}

/// Go's `%d` of a value: other types print as `%!d(type=value)`.
fn go_percent_d(value: &Value) -> String {
    match value {
        Value::Int(i) => i.to_string(),
        other => format!("%!d({}={other})", go_dynamic_type(other)),
    }
}

// ---- Math, networks, checksums ----

fn log(target: FloatLike) -> Result<Value> {
    match target.0 {
        None => bail!("invalid input: <nil>"),
        Some(x) if x <= 0.0 => bail!("invalid input: expected number greater than zero but got {}", go::fmt::float_v(x)),
        Some(x) => Ok(Value::Float(x.ln())),
    }
}

/// Whether an IP address lies in any of the networks; an address that does not parse is
/// in none, a network that does not parse is an error.
fn is_in_cidr(target: &str, networks: Vec<&str>) -> Result<Value> {
    let networks = networks.into_iter().map(Network::parse).collect::<Result<Vec<_>>>()?;
    let Ok(address) = target.parse::<IpAddr>() else { return Ok(Value::Bool(false)) };
    Ok(Value::Bool(networks.iter().any(|network| network.contains(address))))
}

/// A CIDR network as `net.ParseCIDR` reads it.
struct Network {
    address: IpAddr,
    prefix: u32,
}

impl Network {
    fn parse(text: &str) -> Result<Network> {
        let invalid = || Error::new(format!("invalid CIDR address: {text}"));
        let (address, prefix) = text.split_once('/').ok_or_else(invalid)?;
        let address: IpAddr = address.parse().map_err(|_| invalid())?;
        let bits = if address.is_ipv4() { 32 } else { 128 };
        if prefix.is_empty() || !prefix.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid());
        }
        let prefix: u32 = prefix.parse().map_err(|_| invalid())?;
        if prefix > bits {
            return Err(invalid());
        }
        Ok(Network { address, prefix })
    }

    /// Go's `IPNet.Contains`: an IPv4-mapped IPv6 address counts as IPv4; families never mix.
    fn contains(&self, address: IpAddr) -> bool {
        let address = match address {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(address, IpAddr::V4),
            v4 => v4,
        };
        match (self.address, address) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX.checked_shl(32 - self.prefix).unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX.checked_shl(128 - self.prefix).unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

/// The Luhn check on the value's text, spaces ignored; any other non-digit is an error.
fn is_valid_luhn(target: StringLike) -> Result<Value> {
    let Some(text) = target.0 else { bail!("invalid input: <nil>") };
    let digits: Vec<u8> = text.bytes().filter(|b| *b != b' ').collect();
    let Some((&check, body)) = digits.split_last() else { return Ok(Value::Bool(false)) };
    let check = luhn_digit(check)?;
    let mut sum = 0;
    for (position, &byte) in body.iter().rev().enumerate() {
        let mut digit = luhn_digit(byte)?;
        if position % 2 == 0 {
            digit *= 2;
            if digit > 9 {
                digit -= 9;
            }
        }
        sum = (sum + digit) % 10;
    }
    Ok(Value::Bool((10 - sum) % 10 == check))
}

/// One byte as a digit, failing like Go's `strconv.Atoi(string(byte))`.
fn luhn_digit(byte: u8) -> Result<u32> {
    let c = char::from(byte);
    c.to_digit(10)
        .ok_or_else(|| Error::new(format!("strconv.Atoi: parsing {}: invalid syntax", coerce::go_quote(&c.to_string()))))
}

// ---- Generated and item-dependent values ----

fn uuid_v4() -> Result<Value> {
    Ok(Value::String(uuid::Uuid::new_v4().to_string()))
}

fn uuid_v7() -> Result<Value> {
    Ok(Value::String(uuid::Uuid::now_v7().to_string()))
}

/// Whether the statement's span (or the span of its event or link) has no parent.
fn is_root_span(item: &ItemMut<'_>) -> Result<Value> {
    let span = match item {
        ItemMut::Span(span) | ItemMut::SpanEvent { span, .. } | ItemMut::SpanLink { span, .. } => span,
        _ => bail!("IsRootSpan is only available in the span context"),
    };
    Ok(Value::Bool(span.parent_span_id.iter().all(|b| *b == 0)))
}

#[cfg(test)]
mod tests {
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
        assert!(
            err("Len", vec![Value::Int(1)]).starts_with("Len: unsupported target type int64. target arg must be of type string")
        );
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
}
