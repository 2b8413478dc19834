//! The conversions (spec §6.2): `Int`, `Double`, `Bool`, `String`, `Hex` (the `*LikeGetter`
//! rules) and `ParseInt` (Go's `strconv.ParseInt`).

use super::*;

pub(crate) static FUNCTIONS: &[Function] = &[
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
    )
    .pure(),
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
    )
    .pure(),
    Function::converter(
        "Bool",
        &[r("target", K::BoolLikeGetter)],
        T::Bool,
        converter!(bool(target)),
        "Converts to a bool: strconv.ParseBool strings, non-zero numbers; anything else gives nil.",
        &[Example::new(r#"Bool(attributes["sampled"])"#, "true"), Example::new(r#"Bool(0)"#, "false")],
    )
    .pure(),
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
    )
    .pure(),
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
    )
    .pure(),
    Function::converter(
        "ParseInt",
        &[r("target", K::StringGetter), r("base", K::IntGetter)],
        T::Int,
        converter!(parse_int(target, base)),
        "Parses a string as an int in `base`; base 0 infers 0b/0o/0x prefixes.",
        &[Example::new(r#"ParseInt("ff", 16)"#, "255"), Example::new(r#"ParseInt("0x1F", 0)"#, "31")],
    )
    .pure(),
];

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
