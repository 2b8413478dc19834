//! The predicates: the `Is*` type checks, `IsEmpty`, `IsInCIDR`, `IsValidLuhn`,
//! `ContainsValue` and `IsRootSpan`.

use super::*;

pub(crate) static FUNCTIONS: &[Function] = &[
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
    )
    .pure(),
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
    )
    .pure(),
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
    )
    .pure(),
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
    )
    .pure(),
    Function::converter(
        "IsMap",
        &[r("target", K::PMapGetter)],
        T::Bool,
        converter!(is_map(target)),
        "Whether the value is a map.",
        &[Example::new(r#"IsMap(attributes["nested"])"#, "true"), Example::new(r#"IsMap(attributes["message"])"#, "false")],
    )
    .pure(),
    Function::converter(
        "IsList",
        TARGET_ANY,
        T::Bool,
        converter!(is_list(target)),
        "Whether the value is a list (slice).",
        &[Example::new(r#"IsList(attributes["tags"])"#, "true"), Example::new(r#"IsList(attributes["message"])"#, "false")],
    )
    .pure(),
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
    )
    .pure(),
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
    )
    .pure(),
    Function::converter(
        "IsValidLuhn",
        &[r("target", K::StringLikeGetter)],
        T::Bool,
        converter!(is_valid_luhn(target)),
        "Whether a digit string or int passes the Luhn check.",
        &[Example::new(r#"IsValidLuhn("4111 1111 1111 1111")"#, "true"), Example::new(r#"IsValidLuhn(17893729975)"#, "false")],
    )
    .pure(),
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
    )
    .pure(),
    Function::converter(
        "IsRootSpan",
        &[],
        T::Bool,
        converter!(is_root_span(; item)),
        "Whether the span has no parent (its parent_span_id is all zeros).",
        &[Example::new(r#"IsRootSpan()"#, "true")],
    )
    .only_in(SPAN),
];

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

/// Membership by OTTL's `==` (an int item finds an equal double).
fn contains_value(target: SliceView<'_>, item: &Value) -> Result<Value> {
    Ok(Value::Bool(target.contains(item)))
}

/// Whether the statement's span (or the span of its event or link) has no parent.
fn is_root_span(item: &ItemMut<'_>) -> Result<Value> {
    let span = match item {
        ItemMut::Span(span) | ItemMut::SpanEvent { span, .. } | ItemMut::SpanLink { span, .. } => span,
        _ => bail!("IsRootSpan is only available in the span context"),
    };
    Ok(Value::Bool(span.parent_span_id.iter().all(|b| *b == 0)))
}
