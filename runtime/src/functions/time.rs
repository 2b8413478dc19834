//! The time and duration converters: `Time` and `FormatTime` with the reference's strptime
//! directives, `Duration` (Go's `time.ParseDuration`), `Unix`, `Now`, `TruncateTime`, and the
//! accessors of times (`Year` … `UnixNano`) and durations (`Hours` … `Nanoseconds`).
//!
//! The reference turns a strptime format into a Go layout (`ctimefmt`) and lets Go's `time`
//! package parse or format with it, so this module does the same: it builds the Go layout,
//! splits it into Go's layout elements and reads or writes each one as `time.Parse` and
//! `time.Format` do, with their error texts. Parsing follows the reference's lenient
//! `ctimefmt.Parse`: numbers with or without leading zeros or spaces, `%z` as `+hhmm`,
//! `+hh:mm` or `+hh`, `%D` with a four- or two-digit year.
//!
//! A time is a `DateTime<FixedOffset>`: the instant with the offset of its location at that
//! instant. Zone names are not kept, so `%Z` writes `UTC` for a zero offset and `+hhmm`
//! otherwise. The process's local zone is taken to be UTC.

use std::ops::Range;
use std::str::FromStr as _;

use chrono::{DateTime, Datelike, Days, FixedOffset, NaiveDate, NaiveDateTime, Offset, TimeDelta, TimeZone, Timelike, Utc};
use chrono_tz::{OffsetName, Tz};

use super::Args;
use super::shorthand::*;
use crate::bail;
use crate::coerce::{self, go_quote};
use crate::error::{Error, Result};
use crate::value::Value;

pub(crate) static FUNCTIONS: &[Function] = &[
    Function::converter(
        "Duration",
        &[r("duration", K::StringGetter)],
        T::Duration,
        |args, _| duration(args),
        "Parses a Go duration string such as \"3s\" or \"1h30m\" (units ns us µs ms s m h).",
        &[Example::new(r#"Duration("1h30m")"#, r#"Duration("90m")"#)],
    ),
    Function::converter(
        "Time",
        &[r("time", K::StringGetter), r("format", K::String), o("location", K::String), o("locale", K::String)],
        T::Time,
        |args, _| time(args),
        "Parses a time with strptime-like directives (`%Y-%m-%d`…); the location defaults to UTC, the locale is a BCP-47 tag.",
        &[
            Example::new(r#"Time("2023-11-14 17:13:20", "%Y-%m-%d %H:%M:%S", "America/New_York")"#, r#"Unix(1700000000)"#),
            Example::new(r#"Time("14/Nov/2023:22:13:20 +0000", "%d/%b/%Y:%H:%M:%S %z")"#, r#"Unix(1700000000)"#),
        ],
    ),
    Function::converter(
        "Unix",
        &[r("seconds", K::IntGetter), o("nanoseconds", K::IntGetter)],
        T::Time,
        |args, _| unix(args),
        "A time from seconds (and nanoseconds) since the Unix epoch.",
        &[
            Example::new(r#"Unix(1700000000)"#, r#"Time("2023-11-14 22:13:20", "%Y-%m-%d %H:%M:%S")"#),
            Example::new(r#"Unix(1700000000, 250000000)"#, r#"Time("2023-11-14 22:13:20.250", "%Y-%m-%d %H:%M:%S.%L")"#),
        ],
    ),
    Function::converter(
        "Now",
        &[],
        T::Time,
        |_, _| Ok(Value::Time(Utc::now().fixed_offset())),
        "The current time.",
        &[Example::new(r#"IsMatch(FormatTime(Now(), "%Y-%m-%d"), "^\\d{4}-\\d{2}-\\d{2}$")"#, r#"true"#)],
    ),
    // ---- Converters: time ----
    Function::converter(
        "FormatTime",
        &[r("time", K::TimeGetter), r("format", K::String)],
        T::String,
        |args, _| format_time(args),
        "Formats a time with the directives of Time (`%Y-%m-%d`…).",
        &[
            Example::new(r#"FormatTime(Unix(1700000000), "%Y-%m-%d %H:%M:%S")"#, r#""2023-11-14 22:13:20""#),
            Example::new(r#"FormatTime(Unix(1700000000), "%b %d, %Y %I:%M %p")"#, r#""Nov 14, 2023 10:13 PM""#),
        ],
    ),
    Function::converter(
        "TruncateTime",
        &[r("time", K::TimeGetter), r("duration", K::DurationGetter)],
        T::Time,
        |args, _| truncate_time(args),
        "Rounds a time down to a multiple of `duration`.",
        &[Example::new(
            r#"TruncateTime(Time("2023-11-14 22:13:20", "%Y-%m-%d %H:%M:%S"), Duration("1h"))"#,
            r#"Time("2023-11-14 22:00:00", "%Y-%m-%d %H:%M:%S")"#,
        )],
    ),
    Function::converter(
        "UnixSeconds",
        TARGET_TIME,
        T::Int,
        |args, _| time_part(args, |t| t.timestamp()),
        "Seconds since the Unix epoch.",
        &[Example::new(r#"UnixSeconds(Time("2023-11-14 22:13:20", "%Y-%m-%d %H:%M:%S"))"#, r#"1700000000"#)],
    ),
    Function::converter(
        "UnixMilli",
        TARGET_TIME,
        T::Int,
        |args, _| time_part(args, |t| unix_in(t, 1_000)),
        "Milliseconds since the Unix epoch.",
        &[Example::new(r#"UnixMilli(Unix(1700000000, 250000000))"#, r#"1700000000250"#)],
    ),
    Function::converter(
        "UnixMicro",
        TARGET_TIME,
        T::Int,
        |args, _| time_part(args, |t| unix_in(t, 1_000_000)),
        "Microseconds since the Unix epoch.",
        &[Example::new(r#"UnixMicro(Unix(1700000000, 250000000))"#, r#"1700000000250000"#)],
    ),
    Function::converter(
        "UnixNano",
        TARGET_TIME,
        T::Int,
        |args, _| time_part(args, |t| unix_in(t, NANOS_PER_SECOND)),
        "Nanoseconds since the Unix epoch.",
        &[Example::new(r#"UnixNano(Unix(1700000000, 250000000))"#, r#"1700000000250000000"#)],
    ),
    Function::converter(
        "Year",
        TARGET_TIME,
        T::Int,
        |args, _| time_part(args, |t| i64::from(t.year())),
        "The year of a time.",
        &[Example::new(r#"Year(Time("2023-11-14 22:13:20", "%Y-%m-%d %H:%M:%S"))"#, r#"2023"#)],
    ),
    Function::converter(
        "Month",
        TARGET_TIME,
        T::Int,
        |args, _| time_part(args, |t| i64::from(t.month())),
        "The month of a time (1–12).",
        &[Example::new(r#"Month(Time("2023-11-14 22:13:20", "%Y-%m-%d %H:%M:%S"))"#, r#"11"#)],
    ),
    Function::converter(
        "Day",
        TARGET_TIME,
        T::Int,
        |args, _| time_part(args, |t| i64::from(t.day())),
        "The day of the month of a time.",
        &[Example::new(r#"Day(Time("2023-11-14 22:13:20", "%Y-%m-%d %H:%M:%S"))"#, r#"14"#)],
    ),
    Function::converter(
        "Weekday",
        TARGET_TIME,
        T::Int,
        |args, _| time_part(args, |t| i64::from(t.weekday().num_days_from_sunday())),
        "The day of the week of a time (0 = Sunday).",
        &[Example::new(r#"Weekday(Time("2023-11-14 22:13:20", "%Y-%m-%d %H:%M:%S"))"#, r#"2"#)],
    ),
    Function::converter(
        "Hour",
        TARGET_TIME,
        T::Int,
        |args, _| time_part(args, |t| i64::from(t.hour())),
        "The hour of a time.",
        &[Example::new(r#"Hour(Time("2023-11-14 22:13:20", "%Y-%m-%d %H:%M:%S"))"#, r#"22"#)],
    ),
    Function::converter(
        "Minute",
        TARGET_TIME,
        T::Int,
        |args, _| time_part(args, |t| i64::from(t.minute())),
        "The minute of a time.",
        &[Example::new(r#"Minute(Time("2023-11-14 22:13:20", "%Y-%m-%d %H:%M:%S"))"#, r#"13"#)],
    ),
    Function::converter(
        "Second",
        TARGET_TIME,
        T::Int,
        |args, _| time_part(args, |t| i64::from(t.second())),
        "The second of a time.",
        &[Example::new(r#"Second(Time("2023-11-14 22:13:20", "%Y-%m-%d %H:%M:%S"))"#, r#"20"#)],
    ),
    Function::converter(
        "Nanosecond",
        TARGET_TIME,
        T::Int,
        |args, _| time_part(args, |t| i64::from(t.nanosecond())),
        "The nanosecond within the second of a time.",
        &[Example::new(r#"Nanosecond(Unix(1700000000, 250000000))"#, r#"250000000"#)],
    ),
    Function::converter(
        "Hours",
        TARGET_DUR,
        T::Float,
        |args, _| duration_in(args, NANOS_PER_HOUR),
        "A duration in hours.",
        &[Example::new(r#"Hours(Duration("90m"))"#, r#"1.5"#)],
    ),
    Function::converter(
        "Minutes",
        TARGET_DUR,
        T::Float,
        |args, _| duration_in(args, NANOS_PER_MINUTE),
        "A duration in minutes.",
        &[Example::new(r#"Minutes(Duration("90s"))"#, r#"1.5"#)],
    ),
    Function::converter(
        "Seconds",
        TARGET_DUR,
        T::Float,
        |args, _| duration_in(args, NANOS_PER_SECOND),
        "A duration in seconds.",
        &[Example::new(r#"Seconds(Duration("1500ms"))"#, r#"1.5"#)],
    ),
    Function::converter(
        "Milliseconds",
        TARGET_DUR,
        T::Int,
        |args, _| whole_units_of(args, 1_000_000),
        "A duration in whole milliseconds.",
        &[
            Example::new(r#"Milliseconds(Duration("1s"))"#, r#"1000"#),
            Example::new(r#"Milliseconds(Duration("1500us"))"#, r#"1"#),
        ],
    ),
    Function::converter(
        "Microseconds",
        TARGET_DUR,
        T::Int,
        |args, _| whole_units_of(args, 1_000),
        "A duration in whole microseconds.",
        &[Example::new(r#"Microseconds(Duration("1ms"))"#, r#"1000"#)],
    ),
    Function::converter(
        "Nanoseconds",
        TARGET_DUR,
        T::Int,
        |args, _| whole_units_of(args, 1),
        "A duration in nanoseconds.",
        &[Example::new(r#"Nanoseconds(Duration("1ms"))"#, r#"1000000"#)],
    ),
    Function::converter(
        "duration",
        &[r("duration", K::StringGetter)],
        T::Duration,
        |args, _| duration(args),
        "The seed's spelling of Duration: parses a Go duration string such as \"3s\".",
        &[Example::new(r#"duration("1h30m")"#, r#"Duration("90m")"#)],
    )
    .origin(Origin::Seed)
    .alias_of("Duration"),
];

const NANOS_PER_SECOND: i64 = 1_000_000_000;
const NANOS_PER_MINUTE: i64 = 60 * NANOS_PER_SECOND;
const NANOS_PER_HOUR: i64 = 60 * NANOS_PER_MINUTE;

// ---- The converters ----

/// `Time(value, format, location?, locale?)`. The locale only matters for month and day
/// names in other languages, which are not translated: names are read in English.
fn time(args: &mut Args<'_>) -> Result<Value> {
    let format = args.string(1)?;
    if format.is_empty() {
        bail!("format cannot be nil");
    }
    let location = match args.optional(2) {
        Some(name) => load_location(coerce::string(name)?)?,
        None => Tz::UTC,
    };
    validate_strptime(format)?;
    let value = args.string(0)?;
    if value.is_empty() {
        bail!("time cannot be nil");
    }
    Ok(Value::Time(parse_strptime(value, format, location)?))
}

/// `FormatTime(time, format)`.
fn format_time(args: &mut Args<'_>) -> Result<Value> {
    let format = args.string(1)?;
    if format.is_empty() {
        bail!("format cannot be nil");
    }
    validate_strptime(format)?;
    let time = coerce::time(args.value(0))?;
    Ok(Value::String(format_layout(&format_layout_of(format), &time)))
}

/// `Duration(text)`.
fn duration(args: &mut Args<'_>) -> Result<Value> {
    Ok(Value::Duration(parse_go_duration(args.string(0)?)?))
}

/// `Unix(seconds, nanoseconds?)`: Go's `time.Unix`, which carries nanoseconds outside
/// [0, 1e9) into the seconds.
fn unix(args: &mut Args<'_>) -> Result<Value> {
    let seconds = args.int(0)?;
    let nanos = args.optional(1).map(coerce::int).transpose()?.unwrap_or(0);
    let seconds = seconds.wrapping_add(nanos.div_euclid(NANOS_PER_SECOND));
    let nanos = nanos.rem_euclid(NANOS_PER_SECOND) as u32;
    let time = DateTime::from_timestamp(seconds, nanos).ok_or_else(|| Error::new(format!("time out of range: {seconds}s")))?;
    Ok(Value::Time(time.fixed_offset()))
}

/// Seconds from Go's zero time (January 1, year 1, UTC) to the Unix epoch.
const SECONDS_FROM_YEAR_ONE_TO_EPOCH: i128 = 62_135_596_800;

/// `TruncateTime(time, duration)`: Go's `Time.Truncate`, which rounds down to a multiple of
/// the duration counted from the zero time; a duration ≤ 0 leaves the time as it is.
fn truncate_time(args: &mut Args<'_>) -> Result<Value> {
    let time = coerce::time(args.value(0))?;
    let step = coerce::duration(args.value(1))?;
    if step <= 0 {
        return Ok(Value::Time(time));
    }
    let since_zero = (i128::from(time.timestamp()) + SECONDS_FROM_YEAR_ONE_TO_EPOCH) * i128::from(NANOS_PER_SECOND)
        + i128::from(time.nanosecond());
    // The remainder is below `step`, so it fits an i64.
    let excess = since_zero.rem_euclid(i128::from(step)) as i64;
    let truncated =
        time.checked_sub_signed(TimeDelta::nanoseconds(excess)).ok_or_else(|| Error::new("time out of range".to_string()))?;
    Ok(Value::Time(truncated))
}

/// A converter of one time to an int.
fn time_part(args: &mut Args<'_>, part: fn(&DateTime<FixedOffset>) -> i64) -> Result<Value> {
    Ok(Value::Int(part(&coerce::time(args.value(0))?)))
}

/// The time since the Unix epoch in units of `1/per_second` s, wrapping like Go's int64 sums.
fn unix_in(time: &DateTime<FixedOffset>, per_second: i64) -> i64 {
    let fraction = i64::from(time.nanosecond()) / (NANOS_PER_SECOND / per_second);
    time.timestamp().wrapping_mul(per_second).wrapping_add(fraction)
}

/// A duration in `unit`s as a float, computed as Go's `Duration.Hours` and friends do (whole
/// units plus the fraction of the remainder, to stay exact for large durations).
fn duration_in(args: &mut Args<'_>, unit: i64) -> Result<Value> {
    let nanos = coerce::duration(args.value(0))?;
    Ok(Value::Float((nanos / unit) as f64 + (nanos % unit) as f64 / unit as f64))
}

/// A duration in whole `unit`s, truncated toward zero.
fn whole_units_of(args: &mut Args<'_>, unit: i64) -> Result<Value> {
    Ok(Value::Int(coerce::duration(args.value(0))? / unit))
}

// ---- Go's time.ParseDuration ----

/// `time.ParseDuration`: a sequence of decimal numbers with units (`1h30m`, `-1.5s`), each
/// with an optional fraction, and the same error texts.
fn parse_go_duration(text: &str) -> Result<i64> {
    let invalid = || Error::new(format!("time: invalid duration {}", time_quote(text)));
    const LIMIT: u64 = 1 << 63;
    let mut rest = text.as_bytes();
    let negative = rest.first() == Some(&b'-');
    if let Some(unsigned) = rest.strip_prefix(b"-").or_else(|| rest.strip_prefix(b"+")) {
        rest = unsigned;
    }
    if rest == b"0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err(invalid());
    }
    let mut total: u64 = 0;
    while let Some(&first) = rest.first() {
        if first != b'.' && !first.is_ascii_digit() {
            return Err(invalid());
        }
        let (whole, after_whole) = leading_int(rest).ok_or_else(invalid)?;
        let has_whole = after_whole.len() != rest.len();
        rest = after_whole;
        let (mut fraction, mut scale, mut has_fraction) = (0, 1.0, false);
        if let Some(after_dot) = rest.strip_prefix(b".") {
            let (digits, digits_scale, after_fraction) = leading_fraction(after_dot);
            (fraction, scale, has_fraction) = (digits, digits_scale, after_fraction.len() != after_dot.len());
            rest = after_fraction;
        }
        if !has_whole && !has_fraction {
            return Err(invalid());
        }
        let unit_len = rest.iter().position(|&c| c == b'.' || c.is_ascii_digit()).unwrap_or(rest.len());
        if unit_len == 0 {
            bail!("time: missing unit in duration {}", time_quote(text));
        }
        let (unit, after_unit) = rest.split_at(unit_len);
        rest = after_unit;
        let Some(unit_nanos) = unit_nanos(unit) else {
            bail!("time: unknown unit {} in duration {}", time_quote(&String::from_utf8_lossy(unit)), time_quote(text));
        };
        if whole > LIMIT / unit_nanos {
            return Err(invalid());
        }
        let mut nanos = whole * unit_nanos;
        if fraction > 0 {
            nanos += (fraction as f64 * (unit_nanos as f64 / scale)) as u64;
            if nanos > LIMIT {
                return Err(invalid());
            }
        }
        total = total.wrapping_add(nanos);
        if total > LIMIT {
            return Err(invalid());
        }
    }
    if negative {
        return Ok((total as i64).wrapping_neg());
    }
    i64::try_from(total).map_err(|_| invalid())
}

/// Nanoseconds in a duration unit.
fn unit_nanos(unit: &[u8]) -> Option<u64> {
    Some(match unit {
        b"ns" => 1,
        // `us`, `µs` (micro sign) and `μs` (Greek mu).
        b"us" | b"\xc2\xb5s" | b"\xce\xbcs" => 1_000,
        b"ms" => 1_000_000,
        b"s" => 1_000_000_000,
        b"m" => 60_000_000_000,
        b"h" => 3_600_000_000_000,
        _ => return None,
    })
}

/// Go's `leadingInt`: the leading decimal digits, or None when they exceed 2⁶³.
fn leading_int(s: &[u8]) -> Option<(u64, &[u8])> {
    let digits = s.iter().take_while(|c| c.is_ascii_digit()).count();
    let mut value: u64 = 0;
    for &c in &s[..digits] {
        if value > (1 << 63) / 10 {
            return None;
        }
        value = value * 10 + u64::from(c - b'0');
        if value > 1 << 63 {
            return None;
        }
    }
    Some((value, &s[digits..]))
}

/// Go's `leadingFraction`: the leading digits as a number and its scale (10^digits kept);
/// digits past what fits an int64 are consumed without adding precision.
fn leading_fraction(s: &[u8]) -> (u64, f64, &[u8]) {
    let digits = s.iter().take_while(|c| c.is_ascii_digit()).count();
    let (mut value, mut scale, mut overflow) = (0u64, 1.0, false);
    for &c in &s[..digits] {
        if overflow || value > (i64::MAX as u64) / 10 {
            overflow = true;
            continue;
        }
        let next = value * 10 + u64::from(c - b'0');
        if next > 1 << 63 {
            overflow = true;
            continue;
        }
        value = next;
        scale *= 10.0;
    }
    (value, scale, &s[digits..])
}

/// The `time` package's own quoting: like `%q`, but every byte of a non-ASCII or control
/// character written as `\xNN`.
fn time_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        if !c.is_ascii() || c < ' ' {
            let mut buf = [0; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("\\x{b:02x}"));
            }
        } else {
            if c == '"' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out.push('"');
    out
}

// ---- strptime formats ----

/// A piece of a strptime format: text, or one `%x` directive. The reference finds directives
/// with the regular expression `%.`, so a `%` at the end or before a newline is text.
enum Piece<'a> {
    Text(&'a str),
    Directive(char),
}

fn pieces(format: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut text_start = 0;
    let mut chars = format.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let Some(&(_, directive)) = chars.peek().filter(|&&(_, d)| c == '%' && d != '\n') else { continue };
        chars.next();
        if text_start < at {
            out.push(Piece::Text(&format[text_start..at]));
        }
        out.push(Piece::Directive(directive));
        text_start = at + 1 + directive.len_utf8();
    }
    if text_start < format.len() {
        out.push(Piece::Text(&format[text_start..]));
    }
    out
}

/// The Go layout a directive stands for (`ctimeSubstitutes`); `FormatTime` writes with these.
fn go_layout_of(directive: char) -> Option<&'static str> {
    Some(match directive {
        'Y' => "2006",
        'y' => "06",
        'm' => "01",
        'o' => "_1",
        'q' => "1",
        'b' | 'h' => "Jan",
        'B' => "January",
        'd' => "02",
        'e' => "_2",
        'g' => "2",
        'a' => "Mon",
        'A' => "Monday",
        'H' => "15",
        'l' => "3",
        'I' => "03",
        'p' => "PM",
        'P' => "pm",
        'M' => "04",
        'S' => "05",
        'L' => "999",
        'f' => "999999",
        's' => "999999999",
        'Z' => "MST",
        'z' => "Z0700",
        'w' => "-070000",
        'i' => "-07",
        'j' => "-07:00",
        'k' => "-07:00:00",
        'D' | 'x' => "01/02/2006",
        'F' => "2006-01-02",
        'T' | 'X' => "15:04:05",
        'r' => "03:04:05 pm",
        'R' => "15:04",
        'n' => "\n",
        't' => "\t",
        '%' => "%",
        'c' => "Mon Jan 02 15:04:05 2006",
        _ => return None,
    })
}

/// The Go layouts `Time` tries for a directive, in order, each split into the elements a
/// parse failure is attributed to (`ctimeParseSubstitutes` and the three forms of `%z`).
fn parse_alternatives(directive: char) -> Option<Vec<Vec<&'static str>>> {
    Some(match directive {
        'm' | 'o' | 'q' => vec![vec!["1"]],
        'd' | 'e' | 'g' => vec![vec!["2"]],
        'I' => vec![vec!["3"]],
        'M' => vec![vec!["4"]],
        'S' => vec![vec!["5"]],
        'D' | 'x' => vec![vec!["1", "/", "2", "/", "2006"], vec!["1", "/", "2", "/", "06"]],
        'F' => vec![vec!["2006", "-", "1", "-", "2"]],
        'T' | 'X' => vec![vec!["15", ":", "4", ":", "5"]],
        'r' => vec![vec!["3", ":", "4", ":", "5", " ", "pm"]],
        'R' => vec![vec!["15", ":", "4"]],
        'c' => vec![vec!["Mon", " ", "Jan", " ", "2", " ", "15", ":", "4", ":", "5", " ", "2006"]],
        'z' => vec![vec!["Z0700"], vec!["Z07:00"], vec!["Z07"]],
        other => vec![vec![go_layout_of(other)?]],
    })
}

/// The reference's `ctimefmt.Validate`, with its error texts.
fn validate_strptime(format: &str) -> Result<()> {
    if format.bytes().any(|b| b.is_ascii_digit()) {
        bail!("format string should not contain decimals");
    }
    if let Some(directive) = fraction_without_separator(format) {
        bail!("invalid fractional seconds directive: '{directive}'. must be preceded with '.' or ','");
    }
    let unsupported: Vec<String> = pieces(format)
        .iter()
        .filter_map(|piece| match piece {
            Piece::Directive(d) if go_layout_of(*d).is_none() => Some(format!("unsupported ctimefmt.toNative() directive: %{d}")),
            _ => None,
        })
        .collect();
    if !unsupported.is_empty() {
        bail!("invalid strptime format: [{}]", unsupported.join(" "));
    }
    Ok(())
}

/// The first match of the reference's `[^.,]%[Lfs]`: a fractional-second directive after a
/// character other than `.` or `,` (Go reads fractional seconds only after one of those).
fn fraction_without_separator(format: &str) -> Option<&str> {
    format.char_indices().find_map(|(at, c)| {
        let end = at + c.len_utf8();
        let next = format.as_bytes().get(end..end + 2)?;
        (c != '.' && c != ',' && next[0] == b'%' && matches!(next[1], b'L' | b'f' | b's')).then(|| &format[at..end + 2])
    })
}

/// The Go layout of a strptime format for formatting (`ctimefmt.toNative`).
fn format_layout_of(format: &str) -> String {
    pieces(format)
        .iter()
        .map(|piece| match piece {
            Piece::Text(text) => *text,
            Piece::Directive(d) => go_layout_of(*d).unwrap_or_default(),
        })
        .collect()
}

// ---- Go layouts ----

/// A Go layout element that stands for a part of a time (`stdLongYear` …).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Std {
    LongYear,
    Year,
    Month,
    ZeroMonth,
    MonthName,
    LongMonthName,
    Day,
    UnderDay,
    ZeroDay,
    WeekdayName,
    LongWeekdayName,
    Hour,
    Hour12,
    ZeroHour12,
    Minute,
    ZeroMinute,
    Second,
    ZeroSecond,
    UpperPm,
    LowerPm,
    /// `.999…` or `,999…`: fractional seconds, `digits` wide, trailing zeros dropped.
    Fraction {
        separator: u8,
        digits: usize,
    },
    ZoneName,
    Offset(OffsetStyle),
}

/// A numeric zone offset element: `-07`, `-0700`, `-07:00`, `-070000`, `-07:00:00`, and the
/// `Z…` forms that write and read `Z` for UTC.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct OffsetStyle {
    z_for_utc: bool,
    /// 1 = hours, 2 = hours and minutes, 3 = hours, minutes and seconds.
    fields: u8,
    colons: bool,
}

/// One element of a Go layout at `range`: literal text, or a part of a time.
struct Chunk {
    range: Range<usize>,
    std: Option<Std>,
}

/// Splits a Go layout into its elements as `time.nextStdChunk` does; text between them,
/// including words like `Jan` or `MST` in a format's own text, is read as Go reads it.
fn chunks(layout: &str) -> Vec<Chunk> {
    let bytes = layout.as_bytes();
    let mut out = Vec::new();
    let (mut literal_start, mut at) = (0, 0);
    while at < bytes.len() {
        let Some((std, len)) = std_at(&bytes[at..]) else {
            at += 1;
            continue;
        };
        if literal_start < at {
            out.push(Chunk { range: literal_start..at, std: None });
        }
        out.push(Chunk { range: at..at + len, std: Some(std) });
        at += len;
        literal_start = at;
    }
    if literal_start < bytes.len() {
        out.push(Chunk { range: literal_start..bytes.len(), std: None });
    }
    out
}

/// The Go layout element that starts `s`, and its length.
fn std_at(s: &[u8]) -> Option<(Std, usize)> {
    let next = |k: usize| s.get(k).copied();
    let lowercase_at = |k: usize| next(k).is_some_and(|c| c.is_ascii_lowercase());
    Some(match *s.first()? {
        b'J' if s.starts_with(b"January") => (Std::LongMonthName, 7),
        b'J' if s.starts_with(b"Jan") && !lowercase_at(3) => (Std::MonthName, 3),
        b'M' if s.starts_with(b"Monday") => (Std::LongWeekdayName, 6),
        b'M' if s.starts_with(b"Mon") && !lowercase_at(3) => (Std::WeekdayName, 3),
        b'M' if s.starts_with(b"MST") => (Std::ZoneName, 3),
        b'0' => {
            let std = match next(1)? {
                b'1' => Std::ZeroMonth,
                b'2' => Std::ZeroDay,
                b'3' => Std::ZeroHour12,
                b'4' => Std::ZeroMinute,
                b'5' => Std::ZeroSecond,
                b'6' => Std::Year,
                _ => return None,
            };
            (std, 2)
        }
        b'1' if next(1) == Some(b'5') => (Std::Hour, 2),
        b'1' => (Std::Month, 1),
        b'2' if s.starts_with(b"2006") => (Std::LongYear, 4),
        b'2' => (Std::Day, 1),
        // `_2006` is a literal `_` before a year.
        b'_' if next(1) == Some(b'2') && !s[1..].starts_with(b"2006") => (Std::UnderDay, 2),
        b'3' => (Std::Hour12, 1),
        b'4' => (Std::Minute, 1),
        b'5' => (Std::Second, 1),
        b'P' if next(1) == Some(b'M') => (Std::UpperPm, 2),
        b'p' if next(1) == Some(b'm') => (Std::LowerPm, 2),
        b'-' | b'Z' => return offset_at(s),
        separator @ (b'.' | b',') if next(1) == Some(b'9') => {
            let digits = s[1..].iter().take_while(|&&c| c == b'9').count();
            if next(1 + digits).is_some_and(|c| c.is_ascii_digit()) {
                return None;
            }
            (Std::Fraction { separator, digits }, 1 + digits)
        }
        _ => return None,
    })
}

/// The zone offset element that starts `s` (after its `-` or `Z`), longest form first.
fn offset_at(s: &[u8]) -> Option<(Std, usize)> {
    const FORMS: [(&[u8], u8, bool); 5] =
        [(b"070000", 3, false), (b"07:00:00", 3, true), (b"0700", 2, false), (b"07:00", 2, true), (b"07", 1, false)];
    let rest = s.get(1..)?;
    FORMS
        .iter()
        .find(|(form, ..)| rest.starts_with(form))
        .map(|&(form, fields, colons)| (Std::Offset(OffsetStyle { z_for_utc: s[0] == b'Z', fields, colons }), 1 + form.len()))
}

static MONTH_NAMES: [&str; 12] =
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
static WEEKDAY_NAMES: [&str; 7] = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

// ---- Formatting (time.Format) ----

/// `time.Format` of `time` with a Go layout.
fn format_layout(layout: &str, time: &DateTime<FixedOffset>) -> String {
    let mut out = String::new();
    for chunk in chunks(layout) {
        match chunk.std {
            None => out.push_str(&layout[chunk.range]),
            Some(std) => write_std(&mut out, std, time),
        }
    }
    out
}

/// Go's `appendInt`: the sign, then the digits zero-padded to `width`.
fn padded(value: i64, width: usize) -> String {
    let sign = if value < 0 { "-" } else { "" };
    format!("{sign}{:0width$}", value.unsigned_abs())
}

fn write_std(out: &mut String, std: Std, time: &DateTime<FixedOffset>) {
    let month_name = MONTH_NAMES[time.month0() as usize];
    let weekday_name = WEEKDAY_NAMES[time.weekday().num_days_from_sunday() as usize];
    let hour12 = match time.hour() % 12 {
        0 => 12,
        h => h,
    };
    let text = match std {
        Std::LongYear => padded(i64::from(time.year()), 4),
        Std::Year => padded(i64::from(time.year() % 100), 2),
        Std::Month => time.month().to_string(),
        Std::ZeroMonth => format!("{:02}", time.month()),
        Std::MonthName => month_name[..3].to_string(),
        Std::LongMonthName => month_name.to_string(),
        Std::Day => time.day().to_string(),
        Std::UnderDay => format!("{:>2}", time.day()),
        Std::ZeroDay => format!("{:02}", time.day()),
        Std::WeekdayName => weekday_name[..3].to_string(),
        Std::LongWeekdayName => weekday_name.to_string(),
        Std::Hour => format!("{:02}", time.hour()),
        Std::Hour12 => hour12.to_string(),
        Std::ZeroHour12 => format!("{hour12:02}"),
        Std::Minute => time.minute().to_string(),
        Std::ZeroMinute => format!("{:02}", time.minute()),
        Std::Second => time.second().to_string(),
        Std::ZeroSecond => format!("{:02}", time.second()),
        Std::UpperPm => (if time.hour() >= 12 { "PM" } else { "AM" }).to_string(),
        Std::LowerPm => (if time.hour() >= 12 { "pm" } else { "am" }).to_string(),
        Std::Fraction { separator, digits } => fraction_text(time.nanosecond() % 1_000_000_000, separator, digits),
        // The zone's name is not kept: UTC for a zero offset, else the offset as -0700.
        Std::ZoneName if time.offset().local_minus_utc() == 0 => "UTC".to_string(),
        Std::ZoneName => offset_text(time.offset().local_minus_utc(), OffsetStyle { z_for_utc: false, fields: 2, colons: false }),
        Std::Offset(style) => offset_text(time.offset().local_minus_utc(), style),
    };
    out.push_str(&text);
}

/// Fractional seconds as `.999…` writes them: `digits` digits without trailing zeros,
/// nothing at all when they are all zero.
fn fraction_text(nanos: u32, separator: u8, digits: usize) -> String {
    let all = format!("{nanos:09}");
    let kept = all[..digits.min(9)].trim_end_matches('0');
    if kept.is_empty() { String::new() } else { format!("{}{kept}", char::from(separator)) }
}

/// A zone offset in the given style (`Z` for UTC in the `Z…` styles).
fn offset_text(offset_seconds: i32, style: OffsetStyle) -> String {
    if offset_seconds == 0 && style.z_for_utc {
        return "Z".to_string();
    }
    let sign = if offset_seconds < 0 { '-' } else { '+' };
    let minutes = offset_seconds.unsigned_abs() / 60;
    let separator = if style.colons { ":" } else { "" };
    let mut text = format!("{sign}{:02}", minutes / 60);
    if style.fields >= 2 {
        text.push_str(&format!("{separator}{:02}", minutes % 60));
    }
    if style.fields == 3 {
        text.push_str(&format!("{separator}{:02}", offset_seconds.unsigned_abs() % 60));
    }
    text
}

// ---- Parsing (time.Parse) ----

/// Go's `time.ParseError` without the value and the layout, which the caller knows.
#[derive(Debug)]
struct ParseFailure {
    /// Where in the layout the element that failed starts; None past the last element.
    at: Option<usize>,
    layout_elem: String,
    value_elem: String,
    /// The message that replaces "cannot parse … as …" (`: month out of range`).
    message: Option<String>,
}

/// Why one layout element could not be read: the value does not fit it, or a number in it
/// is out of range (with the rest of the value after it).
enum ElementError<'v> {
    Bad,
    Range(&'static str, &'v [u8]),
}

/// What `time.Parse` read from a value.
#[derive(Debug, Default)]
struct Reading {
    year: i32,
    month: Option<u32>,
    day: Option<u32>,
    hour: u32,
    minute: u32,
    second: u32,
    nanosecond: u32,
    pm: bool,
    am: bool,
    /// The value said `Z` or `UTC`.
    utc: bool,
    zone_offset: Option<i32>,
    zone_name: Option<String>,
}

/// The calendar parts of a parsed time, with Go's defaults and checks applied.
struct Fields {
    wall: NaiveDateTime,
    utc: bool,
    zone_offset: Option<i32>,
    zone_name: Option<String>,
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Go's `time.Parse` of `value` with a layout: each element in turn, then the defaults
/// (January 1 of year 0, midnight) and the day-of-month check.
fn parse_layout(layout: &str, value: &[u8]) -> Result<Fields, ParseFailure> {
    let chunks = chunks(layout);
    let mut reading = Reading::default();
    let mut rest = value;
    for (index, chunk) in chunks.iter().enumerate() {
        let text = &layout[chunk.range.clone()];
        let failure = |value_elem: &[u8], message: Option<String>| ParseFailure {
            at: Some(chunk.range.start),
            layout_elem: text.to_string(),
            value_elem: lossy(value_elem),
            message,
        };
        let Some(std) = chunk.std else {
            rest = skip_literal(rest, text.as_bytes()).map_err(|at| failure(at, None))?;
            continue;
        };
        let fraction_follows = chunks[index + 1..].iter().find_map(|c| c.std).is_some_and(|s| matches!(s, Std::Fraction { .. }));
        rest = match reading.read(std, rest, fraction_follows) {
            Ok(after) => after,
            Err(ElementError::Bad) => return Err(failure(rest, None)),
            Err(ElementError::Range(what, after)) => return Err(failure(after, Some(format!(": {what} out of range")))),
        };
    }
    if !rest.is_empty() {
        let message = format!(": extra text: {}", time_quote(&lossy(rest)));
        return Err(ParseFailure { at: None, layout_elem: String::new(), value_elem: lossy(rest), message: Some(message) });
    }
    reading.into_fields()
}

/// Go's `skip`: matches literal layout text, where a space matches one or more spaces.
/// On a mismatch, returns the value from where it failed.
fn skip_literal<'v>(mut value: &'v [u8], mut literal: &[u8]) -> Result<&'v [u8], &'v [u8]> {
    let trim_spaces = |s: &'v [u8]| &s[s.iter().take_while(|&&c| c == b' ').count()..];
    while let Some(&expected) = literal.first() {
        if expected == b' ' {
            if value.first().is_some_and(|&c| c != b' ') {
                return Err(value);
            }
            literal = &literal[literal.iter().take_while(|&&c| c == b' ').count()..];
            value = trim_spaces(value);
            continue;
        }
        if value.first() != Some(&expected) {
            return Err(value);
        }
        literal = &literal[1..];
        value = &value[1..];
    }
    Ok(value)
}

/// Go's `getnum`: one or two digits (exactly two when `fixed`).
fn getnum(s: &[u8], fixed: bool) -> Option<(u32, &[u8])> {
    let digit = |k: usize| s.get(k).filter(|c| c.is_ascii_digit()).map(|c| u32::from(c - b'0'));
    let first = digit(0)?;
    match digit(1) {
        Some(second) => Some((first * 10 + second, &s[2..])),
        None if fixed => None,
        None => Some((first, &s[1..])),
    }
}

/// Go's `atoi`: an optional sign and decimal digits, all of `s`.
fn go_atoi(s: &[u8]) -> Option<i64> {
    let (negative, digits) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let (value, rest) = leading_int(digits)?;
    let value = i64::try_from(value).ok()?;
    rest.is_empty().then_some(if negative { -value } else { value })
}

/// Go's `lookup`: which of `names` (compared case-insensitively) starts the value.
fn lookup(names: impl Iterator<Item = &'static str>, value: &[u8]) -> Option<(u32, &[u8])> {
    names.zip(0..).find_map(|(name, index)| {
        let head = value.get(..name.len())?;
        head.eq_ignore_ascii_case(name.as_bytes()).then(|| (index, &value[name.len()..]))
    })
}

fn is_fraction_separator(c: u8) -> bool {
    c == b'.' || c == b','
}

/// Go's `parseNanoseconds` of a separator and digits: at most nine digits count.
fn parse_nanoseconds(separator_and_digits: &[u8]) -> u32 {
    let digits = &separator_and_digits[1..separator_and_digits.len().min(10)];
    let value = digits.iter().fold(0u32, |acc, &c| acc * 10 + u32::from(c - b'0'));
    value * 10u32.pow(9 - digits.len() as u32)
}

/// How many bytes of `s` are a separator followed by digits.
fn fraction_len(s: &[u8]) -> usize {
    1 + s[1..].iter().take_while(|c| c.is_ascii_digit()).count()
}

impl Reading {
    /// Reads one layout element from the front of `value`; returns the rest.
    fn read<'v>(&mut self, std: Std, value: &'v [u8], fraction_follows: bool) -> Result<&'v [u8], ElementError<'v>> {
        use ElementError::{Bad, Range};
        let number = |fixed: bool| getnum(value, fixed).ok_or(Bad);
        Ok(match std {
            Std::LongYear => {
                if value.len() < 4 || !value[0].is_ascii_digit() {
                    return Err(Bad);
                }
                self.year = go_atoi(&value[..4]).ok_or(Bad)? as i32;
                &value[4..]
            }
            Std::Year => {
                let year = value.get(..2).and_then(go_atoi).ok_or(Bad)? as i32;
                self.year = year + if year >= 69 { 1900 } else { 2000 };
                &value[2..]
            }
            Std::Month | Std::ZeroMonth => {
                let (month, rest) = number(std == Std::ZeroMonth)?;
                self.month = Some(month);
                if !(1..=12).contains(&month) {
                    return Err(Range("month", rest));
                }
                rest
            }
            Std::MonthName | Std::LongMonthName => {
                let names = MONTH_NAMES.iter().map(|&name| if std == Std::MonthName { &name[..3] } else { name });
                let (index, rest) = lookup(names, value).ok_or(Bad)?;
                self.month = Some(index + 1);
                rest
            }
            Std::WeekdayName | Std::LongWeekdayName => {
                let names = WEEKDAY_NAMES.iter().map(|&name| if std == Std::WeekdayName { &name[..3] } else { name });
                lookup(names, value).ok_or(Bad)?.1
            }
            Std::Day | Std::UnderDay | Std::ZeroDay => {
                let value = if std == Std::UnderDay && value.first() == Some(&b' ') { &value[1..] } else { value };
                let (day, rest) = getnum(value, std == Std::ZeroDay).ok_or(Bad)?;
                self.day = Some(day);
                rest
            }
            Std::Hour => {
                let (hour, rest) = number(false)?;
                self.hour = hour;
                if hour >= 24 {
                    return Err(Range("hour", rest));
                }
                rest
            }
            Std::Hour12 | Std::ZeroHour12 => {
                let (hour, rest) = number(std == Std::ZeroHour12)?;
                self.hour = hour;
                if hour > 12 {
                    return Err(Range("hour", rest));
                }
                rest
            }
            Std::Minute | Std::ZeroMinute => {
                let (minute, rest) = number(std == Std::ZeroMinute)?;
                self.minute = minute;
                if minute >= 60 {
                    return Err(Range("minute", rest));
                }
                rest
            }
            Std::Second | Std::ZeroSecond => {
                let (second, mut rest) = number(std == Std::ZeroSecond)?;
                self.second = second;
                if second >= 60 {
                    return Err(Range("second", rest));
                }
                // Go reads a fraction after the seconds even when the layout has none.
                if rest.len() >= 2 && is_fraction_separator(rest[0]) && rest[1].is_ascii_digit() && !fraction_follows {
                    let len = fraction_len(rest);
                    self.nanosecond = parse_nanoseconds(&rest[..len]);
                    rest = &rest[len..];
                }
                rest
            }
            Std::UpperPm | Std::LowerPm => {
                let (pm, am): (&[u8], &[u8]) = if std == Std::UpperPm { (b"PM", b"AM") } else { (b"pm", b"am") };
                match value.get(..2) {
                    Some(half) if half == pm => self.pm = true,
                    Some(half) if half == am => self.am = true,
                    _ => return Err(Bad),
                }
                &value[2..]
            }
            Std::Fraction { .. } => {
                if value.len() < 2 || !is_fraction_separator(value[0]) || !value[1].is_ascii_digit() {
                    return Ok(value);
                }
                let len = fraction_len(value);
                self.nanosecond = parse_nanoseconds(&value[..len]);
                &value[len..]
            }
            Std::ZoneName => {
                if let Some(rest) = value.strip_prefix(b"UTC") {
                    self.utc = true;
                    return Ok(rest);
                }
                let len = zone_name_len(value).ok_or(Bad)?;
                self.zone_name = Some(lossy(&value[..len]));
                &value[len..]
            }
            Std::Offset(style) => return self.read_offset(style, value),
        })
    }

    /// Reads a numeric zone offset (or `Z` in the `Z…` styles).
    fn read_offset<'v>(&mut self, style: OffsetStyle, value: &'v [u8]) -> Result<&'v [u8], ElementError<'v>> {
        if style.z_for_utc && value.first() == Some(&b'Z') {
            self.utc = true;
            return Ok(&value[1..]);
        }
        // Where the minutes and the seconds start (the hours are at 1..3), and the length.
        let (minutes_at, seconds_at, len) = match (style.fields, style.colons) {
            (1, _) => (None, None, 3),
            (2, false) => (Some(3), None, 5),
            (2, true) => (Some(4), None, 6),
            (_, false) => (Some(3), Some(5), 7),
            (_, true) => (Some(4), Some(7), 9),
        };
        if value.len() < len || (style.colons && (value[3] != b':' || (style.fields == 3 && value[6] != b':'))) {
            return Err(ElementError::Bad);
        }
        let field = |at: Option<usize>| at.map_or(Some(0), |at| getnum(&value[at..at + 2], true).map(|(n, _)| n));
        // Go reads each field only if the ones before it read.
        let h = field(Some(1));
        let m = h.and(field(minutes_at));
        let s = m.and(field(seconds_at));
        let rest = &value[len..];
        // Go checks the ranges (the seconds' last, so they win) before the sign; offsets of
        // 24 hours or 60 minutes pass.
        if s.is_some_and(|s| s > 60) {
            return Err(ElementError::Range("time zone offset second", rest));
        }
        if m.is_some_and(|m| m > 60) {
            return Err(ElementError::Range("time zone offset minute", rest));
        }
        if h.is_some_and(|h| h > 24) {
            return Err(ElementError::Range("time zone offset hour", rest));
        }
        let (Some(h), Some(m), Some(s)) = (h, m, s) else { return Err(ElementError::Bad) };
        let magnitude = ((h * 60 + m) * 60 + s) as i32;
        self.zone_offset = Some(match value[0] {
            b'+' => magnitude,
            b'-' => -magnitude,
            _ => return Err(ElementError::Bad),
        });
        Ok(rest)
    }

    /// Go's defaults and checks after the last element: the 12-hour clock, January 1, and
    /// a day that exists in its month.
    fn into_fields(self) -> Result<Fields, ParseFailure> {
        let mut hour = self.hour;
        if self.pm && hour < 12 {
            hour += 12;
        } else if self.am && hour == 12 {
            hour = 0;
        }
        let (month, day) = (self.month.unwrap_or(1), self.day.unwrap_or(1));
        let day_out_of_range = || ParseFailure {
            at: None,
            layout_elem: String::new(),
            value_elem: String::new(),
            message: Some(": day out of range".into()),
        };
        let date = NaiveDate::from_ymd_opt(self.year, month, day).ok_or_else(day_out_of_range)?;
        let wall = date.and_hms_nano_opt(hour, self.minute, self.second, self.nanosecond).ok_or_else(day_out_of_range)?;
        Ok(Fields { wall, utc: self.utc, zone_offset: self.zone_offset, zone_name: self.zone_name })
    }
}

/// Go's `parseTimeZone`: how long the zone abbreviation at the start of `value` is
/// (`EST`, `CEST`, `ChST`, `GMT+3`, `+03` …).
fn zone_name_len(value: &[u8]) -> Option<usize> {
    if value.len() < 3 {
        return None;
    }
    if value.starts_with(b"ChST") || value.starts_with(b"MeST") {
        return Some(4);
    }
    if value.starts_with(b"GMT") {
        return Some(3 + signed_offset_len(&value[3..]));
    }
    if value[0] == b'+' || value[0] == b'-' {
        return Some(signed_offset_len(value)).filter(|&len| len > 0);
    }
    match value.iter().take(6).take_while(|c| c.is_ascii_uppercase()).count() {
        3 => Some(3),
        4 if value[3] == b'T' || value.starts_with(b"WITA") => Some(4),
        5 if value[4] == b'T' => Some(5),
        _ => None,
    }
}

/// Go's `parseSignedOffset`: the length of a signed hour offset up to 23 (`+3`, `-10`), or 0.
fn signed_offset_len(value: &[u8]) -> usize {
    let Some((b'+' | b'-', digits)) = value.split_first() else { return 0 };
    match leading_int(digits) {
        Some((hours, rest)) if rest.len() < digits.len() && hours <= 23 => value.len() - rest.len(),
        _ => 0,
    }
}

// ---- Parsing a strptime format (ctimefmt.Parse) ----

/// The Go layouts tried for one directive of the format, and the one being tried.
struct DirectiveChoice {
    directive: char,
    alternatives: Vec<Vec<&'static str>>,
    alternative: usize,
    /// The elements of the current alternative, with any whitespace let in before a number.
    elements: Vec<String>,
}

impl DirectiveChoice {
    fn new(directive: char) -> Option<DirectiveChoice> {
        let alternatives = parse_alternatives(directive)?;
        let elements = alternatives[0].iter().map(|e| e.to_string()).collect();
        Some(DirectiveChoice { directive, alternatives, alternative: 0, elements })
    }

    /// After a failure at `element` with the value `value_elem` left: lets leading whitespace
    /// in before a number, else moves to the next alternative. False when nothing is left.
    fn retry(&mut self, element: usize, value_elem: &str) -> bool {
        let numeric = self.elements[element].starts_with(|c: char| c.is_ascii_digit() || c == 'Z');
        let whitespace_len = value_elem.bytes().take_while(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\x0c' | b'\r')).count();
        if numeric && whitespace_len > 0 {
            self.elements.insert(element, value_elem[..whitespace_len].to_string());
            return true;
        }
        if self.alternative + 1 >= self.alternatives.len() {
            return false;
        }
        self.alternative += 1;
        self.elements = self.alternatives[self.alternative].iter().map(|e| e.to_string()).collect();
        true
    }
}

/// Where one element of a directive lies in the layout.
struct ElementSpan {
    choice: usize,
    element: usize,
    range: Range<usize>,
}

/// The layout for the current choices, with the spans of the directives' elements.
fn build_layout(pieces: &[Piece<'_>], choices: &[DirectiveChoice]) -> (String, Vec<ElementSpan>) {
    let mut layout = String::new();
    let mut spans = Vec::new();
    let mut choice_index = 0;
    for piece in pieces {
        match piece {
            Piece::Text(text) => layout.push_str(text),
            Piece::Directive(_) => {
                for (element, text) in choices[choice_index].elements.iter().enumerate() {
                    spans.push(ElementSpan { choice: choice_index, element, range: layout.len()..layout.len() + text.len() });
                    layout.push_str(text);
                }
                choice_index += 1;
            }
        }
    }
    (layout, spans)
}

/// An upper bound on layouts tried; each retry consumes an alternative or some whitespace,
/// so real formats stay far below it.
const MAX_LAYOUTS_TRIED: usize = 10_000;

/// The reference's lenient strptime parse: tries the directives' Go layouts until one reads
/// the value, moving on only at a directive whose own element failed. Returns the layout
/// that worked and what it read, or the error of the last try, naming the directive.
fn parse_with_alternatives(format: &str, value: &str) -> Result<(String, Fields)> {
    let pieces = pieces(format);
    let mut choices = pieces
        .iter()
        .filter_map(|piece| match piece {
            Piece::Directive(d) => Some(DirectiveChoice::new(*d).ok_or(*d)),
            Piece::Text(_) => None,
        })
        .collect::<Result<Vec<_>, char>>()
        .map_err(|d| Error::new(format!("unsupported ctimefmt.FlexibleParse() directive: %{d}")))?;
    let mut attempts = 0;
    loop {
        let (layout, spans) = build_layout(&pieces, &choices);
        let mut failure = match parse_layout(&layout, value.as_bytes()) {
            Ok(fields) => return Ok((layout, fields)),
            Err(failure) => failure,
        };
        attempts += 1;
        let owner = failure.at.and_then(|at| spans.iter().find(|span| span.range.contains(&at)));
        let Some(&ElementSpan { choice, element, .. }) = owner else { return Err(parse_error(value, format, failure)) };
        failure.layout_elem = format!("%{}", choices[choice].directive);
        if attempts >= MAX_LAYOUTS_TRIED || !choices[choice].retry(element, &failure.value_elem) {
            return Err(parse_error(value, format, failure));
        }
    }
}

/// The text of the reference's `parseError`, which names the strptime format.
fn parse_error(value: &str, format: &str, failure: ParseFailure) -> Error {
    match failure.message {
        Some(message) => Error::new(format!("parsing time {}{message}", go_quote(value))),
        None => Error::new(format!(
            "parsing time {} as {}: cannot parse {} as {}",
            go_quote(value),
            go_quote(format),
            go_quote(&failure.value_elem),
            go_quote(&failure.layout_elem)
        )),
    }
}

/// Go layout elements that mark a layout as having a date (`timeutils.dateElements`).
/// Bare `1` and `2` are left out, as the reference does, so `%m/%d` alone counts as no date.
const DATE_ELEMENTS: [&str; 11] = ["2006", "06", "January", "Jan", "01", "_1", "02", "_2", "Monday", "Mon", "002"];

/// `Time`'s parse (`timeutils.ParseGotime`): the value read in `location` unless it names
/// its own zone; a time without a date is put on today, a date without a year in the current
/// year (or the last one, for a date more than a week ahead).
fn parse_strptime(value: &str, format: &str, location: Tz) -> Result<DateTime<FixedOffset>> {
    let (layout, fields) = parse_with_alternatives(format, value)?;
    let parsed = Parsed::resolve(&fields, location)?;
    let now = Utc::now().naive_utc();
    let parsed = if DATE_ELEMENTS.iter().any(|element| layout.contains(element)) {
        parsed.with_year_if_missing(now)
    } else {
        parsed.on_date(now.date())
    };
    Ok(parsed.to_datetime())
}

// ---- Zones ----

/// The location of a parsed time: a fixed offset, or a time zone whose offset depends on
/// the instant.
#[derive(Clone, Copy)]
enum Zone {
    Fixed(i32),
    Named(Tz),
}

fn fixed(offset_seconds: i32) -> FixedOffset {
    FixedOffset::east_opt(offset_seconds).unwrap_or_else(|| Utc.fix())
}

/// `wall` moved by `seconds`, saturating at the edge of the calendar.
fn shifted(wall: NaiveDateTime, seconds: i64) -> NaiveDateTime {
    wall.checked_add_signed(TimeDelta::seconds(seconds)).unwrap_or(wall)
}

impl Zone {
    /// The zone's offset (seconds east of UTC) at an instant.
    fn offset_at(self, instant: NaiveDateTime) -> i32 {
        match self {
            Zone::Fixed(offset) => offset,
            Zone::Named(tz) => tz.offset_from_utc_datetime(&instant).fix().local_minus_utc(),
        }
    }

    /// The zone's abbreviation (`EST`) at an instant, if it has one.
    fn abbreviation_at(self, instant: NaiveDateTime) -> Option<String> {
        match self {
            Zone::Fixed(_) => None,
            Zone::Named(tz) => tz.offset_from_utc_datetime(&instant).abbreviation().map(str::to_string),
        }
    }

    /// The instant whose wall clock here is `wall`, chosen as Go's `time.Date` does: the
    /// offset in effect at `wall` read as UTC, corrected once if the result lies in another
    /// period (so a wall clock in a gap or an overlap gets Go's answer).
    fn instant_of(self, wall: NaiveDateTime) -> NaiveDateTime {
        let guess = self.offset_at(wall);
        let instant = shifted(wall, -i64::from(guess));
        let actual = self.offset_at(instant);
        if actual == guess { instant } else { shifted(wall, -i64::from(actual)) }
    }
}

/// Go's `Location.lookupName`: the offset the abbreviation `name` has in `tz` around `wall`,
/// preferring one in effect at the instant it gives.
fn offset_named(tz: Tz, name: &str, wall: NaiveDateTime) -> Option<i32> {
    const HALF_YEAR_SECONDS: i64 = 182 * 24 * 3600;
    let zone = Zone::Named(tz);
    let candidates: Vec<i32> = [0, -HALF_YEAR_SECONDS, HALF_YEAR_SECONDS]
        .into_iter()
        .map(|delta| shifted(wall, delta))
        .filter(|probe| zone.abbreviation_at(*probe).as_deref() == Some(name))
        .map(|probe| zone.offset_at(probe))
        .collect();
    let in_effect = |offset: &&i32| zone.abbreviation_at(shifted(wall, -i64::from(**offset))).as_deref() == Some(name);
    candidates.iter().find(in_effect).or(candidates.first()).copied()
}

/// `time.LoadLocation`, with the reference's error text. The local zone is taken as UTC.
fn load_location(name: &str) -> Result<Tz> {
    match name {
        "" | "UTC" | "Local" => Ok(Tz::UTC),
        _ if name.contains("..") || name.starts_with(['/', '\\']) => {
            bail!("failed to load location {name}: time: invalid location name")
        }
        _ => Tz::from_str(name).map_err(|_| Error::new(format!("failed to load location {name}: unknown time zone {name}"))),
    }
}

/// A parsed time: its instant (as a UTC wall clock) and its location.
struct Parsed {
    instant: NaiveDateTime,
    zone: Zone,
}

impl Parsed {
    /// The instant whose wall clock in `zone` is `wall`.
    fn at(wall: NaiveDateTime, zone: Zone) -> Parsed {
        Parsed { instant: zone.instant_of(wall), zone }
    }

    fn wall(&self) -> NaiveDateTime {
        shifted(self.instant, i64::from(self.zone.offset_at(self.instant)))
    }

    fn to_datetime(&self) -> DateTime<FixedOffset> {
        fixed(self.zone.offset_at(self.instant)).from_utc_datetime(&self.instant)
    }

    /// Where Go's `ParseInLocation` puts the fields: at `Z`/`UTC`, at a numeric offset, at
    /// a zone abbreviation known to the location, else in the location.
    fn resolve(fields: &Fields, location: Tz) -> Result<Parsed> {
        let wall = fields.wall;
        if fields.utc {
            return Ok(Parsed::at(wall, Zone::Fixed(0)));
        }
        let local = Zone::Named(location);
        if let Some(offset) = fields.zone_offset {
            let instant = shifted(wall, -i64::from(offset));
            let same_name = fields.zone_name.as_ref().is_none_or(|name| local.abbreviation_at(instant).as_ref() == Some(name));
            let zone = if local.offset_at(instant) == offset && same_name { local } else { Zone::Fixed(offset) };
            return Ok(Parsed { instant, zone });
        }
        match &fields.zone_name {
            Some(name) => Parsed::at_zone_name(wall, name, location),
            None => Ok(Parsed::at(wall, local)),
        }
    }

    /// A wall clock with a zone abbreviation: at the abbreviation's offset in the location;
    /// else `GMT±h` at its offset; else, as `timeutils` corrects it, in the time zone of that
    /// name (an error if there is none).
    fn at_zone_name(wall: NaiveDateTime, name: &str, location: Tz) -> Result<Parsed> {
        let at_offset = |offset: i32, zone: Zone| Parsed { instant: shifted(wall, -i64::from(offset)), zone };
        if let Some(offset) = offset_named(location, name, wall) {
            return Ok(at_offset(offset, Zone::Named(location)));
        }
        let gmt_hours = name.strip_prefix("GMT").filter(|hours| !hours.is_empty()).and_then(|hours| go_atoi(hours.as_bytes()));
        let offset = gmt_hours.map_or(0, |hours| (hours * 3600) as i32);
        let unknown = at_offset(offset, Zone::Fixed(offset));
        if offset != 0 || Zone::Named(location).abbreviation_at(unknown.instant).as_deref() == Some(name) {
            return Ok(unknown);
        }
        let named = load_location(name)?;
        Ok(match offset_named(named, name, wall) {
            Some(offset) => at_offset(offset, Zone::Named(named)),
            None => unknown,
        })
    }

    /// The same clock time on `date` (for a format without a date).
    fn on_date(self, date: NaiveDate) -> Parsed {
        Parsed::at(date.and_time(self.wall().time()), self.zone)
    }

    /// A time of year 0 (a format without a year) moved to the year of `now`, or the year
    /// before when that puts it more than a week after `now` (`SetTimestampYear`).
    fn with_year_if_missing(self, now: NaiveDateTime) -> Parsed {
        let wall = self.wall();
        if wall.year() > 0 {
            return self;
        }
        let zone = self.zone;
        let in_year = |year: i32, wall: NaiveDateTime| {
            go_date(year, wall.month(), wall.day()).map(|date| Parsed::at(date.and_time(wall.time()), zone))
        };
        let Some(this_year) = in_year(now.year(), wall) else { return self };
        if this_year.instant <= shifted(now, 7 * 24 * 3600) {
            return this_year;
        }
        let moved = this_year.wall();
        in_year(moved.year() - 1, moved).unwrap_or(this_year)
    }
}

/// Go's `time.Date` calendar arithmetic: a day past the end of the month rolls over into
/// the next (February 29 in a common year is March 1).
fn go_date(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, 1)?.checked_add_days(Days::new(u64::from(day.saturating_sub(1))))
}

#[cfg(test)]
mod tests {
    use super::super::testing::convert;
    use super::*;

    fn s(text: &str) -> Value {
        Value::string(text)
    }

    fn call(name: &str, args: Vec<Value>) -> Value {
        convert(name, args).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    fn error(name: &str, args: Vec<Value>) -> String {
        match convert(name, args) {
            Ok(v) => panic!("{name} gave {v:?}"),
            Err(e) => e.message().to_string(),
        }
    }

    fn parse(value: &str, format: &str) -> DateTime<FixedOffset> {
        match call("Time", vec![s(value), s(format)]) {
            Value::Time(t) => t,
            other => panic!("Time gave {other:?}"),
        }
    }

    fn parse_in(value: &str, format: &str, location: &str) -> DateTime<FixedOffset> {
        match call("Time", vec![s(value), s(format), s(location)]) {
            Value::Time(t) => t,
            other => panic!("Time gave {other:?}"),
        }
    }

    fn time_error(value: &str, format: &str) -> String {
        error("Time", vec![s(value), s(format)])
    }

    fn int(name: &str, arg: Value) -> i64 {
        match call(name, vec![arg]) {
            Value::Int(i) => i,
            other => panic!("{name} gave {other:?}"),
        }
    }

    fn float(name: &str, arg: Value) -> f64 {
        match call(name, vec![arg]) {
            Value::Float(f) => f,
            other => panic!("{name} gave {other:?}"),
        }
    }

    fn format(time: DateTime<FixedOffset>, format: &str) -> String {
        match call("FormatTime", vec![Value::Time(time), s(format)]) {
            Value::String(text) => text,
            other => panic!("FormatTime gave {other:?}"),
        }
    }

    fn go_duration(text: &str) -> Result<i64> {
        parse_go_duration(text)
    }

    #[test]
    fn corpus_time_parts() {
        let t = Value::Time(parse("2023-02-04 13:14:15", "%Y-%m-%d %H:%M:%S"));
        assert_eq!(int("Year", t.clone()), 2023);
        assert_eq!(int("Month", t.clone()), 2);
        assert_eq!(int("Day", t.clone()), 4);
        assert_eq!(int("Weekday", t.clone()), 6);
        assert_eq!(int("Hour", t.clone()), 13);
        assert_eq!(int("Minute", t.clone()), 14);
        assert_eq!(int("Second", t.clone()), 15);
        assert_eq!(int("Nanosecond", t.clone()), 0);
        assert_eq!(int("UnixSeconds", t), 1675516455);
        assert_eq!(int("UnixMilli", Value::Time(parse("02/04/2023", "%m/%d/%Y"))), 1675468800000);
        assert_eq!(int("UnixSeconds", call("Unix", vec![Value::Int(1675468800)])), 1675468800);
    }

    #[test]
    fn corpus_format_time() {
        assert_eq!(format(parse("02/04/2023", "%m/%d/%Y"), "%A %h %e %Y"), "Saturday Feb  4 2023");
    }

    #[test]
    fn a_time_without_a_date_is_today() {
        let today = Utc::now().date_naive();
        let noon = parse("12", "%H");
        assert_eq!((noon.hour(), noon.date_naive()), (12, today));
        let (ten, one) = (parse("10", "%M"), parse("01", "%M"));
        assert_eq!((ten - one).num_minutes(), 9);
        // The reference counts bare month and day numbers as no date either.
        assert_eq!(parse("02/04 10:00", "%m/%d %H:%M").date_naive(), today);
    }

    #[test]
    fn a_date_without_a_year_is_this_year_or_last() {
        let now = Utc::now();
        let t = parse("Jan 02 10:00:00", "%b %d %H:%M:%S");
        assert!(t.year() == now.year() || t.year() == now.year() - 1);
        assert_eq!((t.month(), t.day(), t.hour()), (1, 2, 10));
        assert!(t <= now + TimeDelta::days(7));
    }

    #[test]
    fn lenient_numbers_and_whitespace() {
        let t = parse("2023-2-4 3:4:5", "%Y-%m-%d %H:%M:%S");
        assert_eq!(t.to_rfc3339(), "2023-02-04T03:04:05+00:00");
        let t = parse("2023-02-04 10: 5", "%Y-%m-%d %H:%M");
        assert_eq!(t.minute(), 5);
        assert_eq!(parse("02/04/23", "%D").to_rfc3339(), "2023-02-04T00:00:00+00:00");
        assert_eq!(parse("02/04/2023", "%D").to_rfc3339(), "2023-02-04T00:00:00+00:00");
        assert_eq!(parse("Feb  4 2023", "%b %e %Y").day(), 4);
        assert_eq!(parse("2023-02-04T01:02:03", "%FT%T").to_rfc3339(), "2023-02-04T01:02:03+00:00");
        assert_eq!(parse("Sat Feb  4 13:14:15 2023", "%c").to_rfc3339(), "2023-02-04T13:14:15+00:00");
    }

    #[test]
    fn fractions_am_pm_and_names() {
        let t = parse("2023-02-04 13:14:15.123456", "%Y-%m-%d %H:%M:%S.%f");
        assert_eq!(t.nanosecond(), 123_456_000);
        // Go reads a fraction after the seconds even without one in the layout.
        assert_eq!(parse("2023-02-04 13:14:15.5", "%Y-%m-%d %H:%M:%S").nanosecond(), 500_000_000);
        assert_eq!(parse("2023-02-04 13:14:15", "%Y-%m-%d %H:%M:%S.%L").nanosecond(), 0);
        assert_eq!(parse("2023-02-04 01:02:03 PM", "%Y-%m-%d %I:%M:%S %p").hour(), 13);
        assert_eq!(parse("2023-02-04 12:02:03 am", "%Y-%m-%d %I:%M:%S %P").hour(), 0);
        assert_eq!(parse("Saturday, 04 february 2023", "%A, %d %B %Y").month(), 2);
    }

    #[test]
    fn zones_and_locations() {
        let t = parse("2023-02-04 10:00:00 +0530", "%Y-%m-%d %H:%M:%S %z");
        assert_eq!((t.offset().local_minus_utc(), t.timestamp()), (19800, 1675485000));
        assert_eq!(parse("2023-02-04 10:00:00 +05:30", "%Y-%m-%d %H:%M:%S %z").offset().local_minus_utc(), 19800);
        assert_eq!(parse("2023-02-04 10:00:00 -03", "%Y-%m-%d %H:%M:%S %z").offset().local_minus_utc(), -10800);
        assert_eq!(parse("2023-02-04T10:00:00Z", "%Y-%m-%dT%H:%M:%S%z").offset().local_minus_utc(), 0);
        assert_eq!(parse("2023-02-04 10:00:00 -05:00", "%Y-%m-%d %H:%M:%S %j").timestamp(), 1675522800);
        let t = parse_in("2023-01-10 10:00:00", "%Y-%m-%d %H:%M:%S", "America/New_York");
        assert_eq!((t.timestamp(), t.offset().local_minus_utc()), (1673362800, -5 * 3600));
        let t = parse_in("2023-07-10 10:00:00", "%Y-%m-%d %H:%M:%S", "America/New_York");
        assert_eq!(t.offset().local_minus_utc(), -4 * 3600);
        // A zone abbreviation of the location, of a zone of that name, or GMT±h.
        let t = parse_in("2023-07-10 10:00:00 EST", "%Y-%m-%d %H:%M:%S %Z", "America/New_York");
        assert_eq!((t.timestamp(), t.offset().local_minus_utc()), (1689001200, -4 * 3600));
        assert_eq!(parse("2023-01-10 10:00:00 EST", "%Y-%m-%d %H:%M:%S %Z").offset().local_minus_utc(), -5 * 3600);
        assert_eq!(parse("2023-01-10 10:00:00 GMT+3", "%Y-%m-%d %H:%M:%S %Z").offset().local_minus_utc(), 3 * 3600);
        assert_eq!(parse("2023-01-10 10:00:00 UTC", "%Y-%m-%d %H:%M:%S %Z").offset().local_minus_utc(), 0);
        assert_eq!(
            time_error("2023-01-10 10:00:00 PST", "%Y-%m-%d %H:%M:%S %Z"),
            "failed to load location PST: unknown time zone PST"
        );
        assert_eq!(
            error("Time", vec![s("2023"), s("%Y"), s("Mars/Olympus")]),
            "failed to load location Mars/Olympus: unknown time zone Mars/Olympus"
        );
    }

    #[test]
    fn parse_errors_name_the_directive() {
        assert_eq!(time_error("abc", "%Y"), r#"parsing time "abc" as "%Y": cannot parse "abc" as "%Y""#);
        assert_eq!(
            time_error("2023/02/04", "%Y-%m-%d"),
            r#"parsing time "2023/02/04" as "%Y-%m-%d": cannot parse "/02/04" as "-""#
        );
        assert_eq!(time_error("2023-13-01", "%Y-%m-%d"), r#"parsing time "2023-13-01": month out of range"#);
        assert_eq!(time_error("2023-02-30", "%Y-%m-%d"), r#"parsing time "2023-02-30": day out of range"#);
        assert_eq!(time_error("2023-02-04x", "%Y-%m-%d"), r#"parsing time "2023-02-04x": extra text: "x""#);
        assert_eq!(
            time_error("2023-02-04 10:00 +5", "%Y-%m-%d %H:%M %z"),
            r#"parsing time "2023-02-04 10:00 +5" as "%Y-%m-%d %H:%M %z": cannot parse "+5" as "%z""#
        );
        assert_eq!(time_error("", "%Y"), "time cannot be nil");
        assert_eq!(error("Time", vec![s("x"), s("")]), "format cannot be nil");
        assert_eq!(error("Time", vec![Value::Int(1), s("%Y")]), "expected string but got int64");
    }

    #[test]
    fn format_validation() {
        assert_eq!(time_error("2023", "%Y1"), "format string should not contain decimals");
        assert_eq!(
            time_error("2023", "%C-%Q"),
            "invalid strptime format: [unsupported ctimefmt.toNative() directive: %C unsupported ctimefmt.toNative() directive: %Q]"
        );
        assert_eq!(
            error("FormatTime", vec![Value::Time(Utc::now().fixed_offset()), s("%H%L")]),
            "invalid fractional seconds directive: 'H%L'. must be preceded with '.' or ','"
        );
    }

    #[test]
    fn format_time_directives() {
        let t = DateTime::parse_from_rfc3339("2023-02-04T13:04:05.120+05:30").unwrap();
        assert_eq!(format(t, "%Y-%m-%dT%H:%M:%S.%L%z"), "2023-02-04T13:04:05.12+0530");
        assert_eq!(format(t, "%y %o %q %g %l %I %p %P,%f,%s"), "23 _2 2 4 1 01 PM pm,12,12");
        assert_eq!(
            format(t, "%D|%x|%F|%T|%X|%r|%R|%%|%c"),
            "02/04/2023|02/04/2023|2023-02-04|13:04:05|13:04:05|01:04:05 pm|13:04|%|Sat Feb 04 13:04:05 2023"
        );
        assert_eq!(format(t, "%i %j %k %w %Z"), "+05 +05:30 +05:30:00 +053000 +0530");
        assert_eq!(format(t, "%a %A %b %B%n%t"), "Sat Saturday Feb February\n\t");
        let utc = DateTime::parse_from_rfc3339("2023-02-04T00:00:00Z").unwrap();
        assert_eq!(format(utc, "%H:%M:%S.%L %z %Z"), "00:00:00 Z UTC");
    }

    #[test]
    fn go_durations() {
        let ok = [
            ("0", 0),
            ("5s", 5_000_000_000),
            ("-5s", -5_000_000_000),
            ("+5s", 5_000_000_000),
            ("-0", 0),
            ("5.6s", 5_600_000_000),
            ("5.s", 5_000_000_000),
            (".5s", 500_000_000),
            ("1.004s", 1_004_000_000),
            ("100.00100s", 100_001_000_000),
            ("10ns", 10),
            ("11us", 11_000),
            ("12µs", 12_000),
            ("12μs", 12_000),
            ("13ms", 13_000_000),
            ("15m", 900_000_000_000),
            ("16h", 57_600_000_000_000),
            ("3h30m", 12_600_000_000_000),
            ("10.5s4m", 250_500_000_000),
            ("-2m3.4s", -123_400_000_000),
            ("1h2m3s4ms5us6ns", 3_723_004_005_006),
            ("39h9m14.425s", 140_954_425_000_000),
            ("52763797000ns", 52_763_797_000),
            ("0.3333333333333333333h", 20 * 60 * 1_000_000_000),
            ("9007199254740993ns", 9_007_199_254_740_993),
            ("9223372036854775807ns", i64::MAX),
            ("9223372036854775.807us", i64::MAX),
            ("9223372036s854ms775us807ns", i64::MAX),
            ("-9223372036854775808ns", i64::MIN),
            ("-9223372036854775.808us", i64::MIN),
            ("-2562047h47m16.854775808s", i64::MIN),
            ("0.100000000000000000000h", 6 * 60 * 1_000_000_000),
            ("0.830103483285477580700h", 49 * 60 * 1_000_000_000 + 48_372_539_827),
        ];
        for (text, nanos) in ok {
            assert_eq!(go_duration(text), Ok(nanos), "{text}");
        }
        for text in [
            "",
            "3",
            "-",
            "s",
            ".",
            "-.",
            ".s",
            "+.s",
            "1d",
            "9223372036854775808ns",
            "9223372036854775.808us",
            "-9223372036854775809ns",
        ] {
            assert!(go_duration(text).is_err(), "{text}");
        }
        assert_eq!(error("Duration", vec![s("abc")]), r#"time: invalid duration "abc""#);
        assert_eq!(error("Duration", vec![s("3")]), r#"time: missing unit in duration "3""#);
        assert_eq!(error("Duration", vec![s("1d")]), r#"time: unknown unit "d" in duration "1d""#);
        assert_eq!(error("Duration", vec![s("1µ")]), r#"time: unknown unit "\xc2\xb5" in duration "1\xc2\xb5""#);
        assert!(matches!(call("Duration", vec![s("1h30m")]), Value::Duration(5_400_000_000_000)));
    }

    #[test]
    fn duration_units() {
        let d = |text: &str| call("Duration", vec![s(text)]);
        assert_eq!(float("Hours", d("90m")), 1.5);
        assert_eq!(float("Minutes", d("1h")), 60.0);
        assert_eq!(float("Minutes", d("1h30m")), 90.0);
        assert_eq!(float("Seconds", d("1m")), 60.0);
        assert_eq!(float("Seconds", d("1500ms")), 1.5);
        assert_eq!(int("Milliseconds", d("1s")), 1000);
        assert_eq!(int("Milliseconds", d("1h")), 3_600_000);
        assert_eq!(int("Microseconds", d("1ms")), 1000);
        assert_eq!(int("Microseconds", d("1h")), 3_600_000_000);
        assert_eq!(int("Nanoseconds", d("1ms")), 1_000_000);
        assert_eq!(int("Milliseconds", d("-1500us")), -1);
        assert_eq!(error("Hours", vec![s("1h")]), "expected duration but got string");
    }

    #[test]
    fn unix_truncate_and_epoch_parts() {
        let t = call("Unix", vec![Value::Int(1581452772), Value::Int(321)]);
        assert_eq!(int("UnixNano", t.clone()), 1581452772000000321);
        assert_eq!(int("UnixMicro", t.clone()), 1581452772000000);
        assert_eq!(int("UnixMilli", t.clone()), 1581452772000);
        let second = call("Duration", vec![s("1s")]);
        assert_eq!(int("UnixNano", call("TruncateTime", vec![t.clone(), second])), 1581452772000000000);
        let hour = call("Duration", vec![s("1h")]);
        assert_eq!(int("UnixSeconds", call("TruncateTime", vec![t.clone(), hour])), 1581451200);
        assert_eq!(int("UnixNano", call("TruncateTime", vec![t.clone(), Value::Duration(0)])), 1581452772000000321);
        // Truncation counts from Go's zero time, and keeps the offset.
        let india = Value::Time(DateTime::parse_from_rfc3339("2023-02-04T13:44:05+05:30").unwrap());
        let Value::Time(day) = call("TruncateTime", vec![india, call("Duration", vec![s("24h")])]) else { panic!() };
        assert_eq!(day.to_rfc3339(), "2023-02-04T05:30:00+05:30");
        // Nanoseconds outside [0, 1e9) carry into the seconds.
        assert_eq!(int("UnixNano", call("Unix", vec![Value::Int(0), Value::Int(-1)])), -1);
        assert_eq!(int("UnixSeconds", call("Unix", vec![Value::Int(1), Value::Int(2_500_000_000)])), 3);
        assert!(convert("Unix", vec![Value::Int(i64::MAX)]).is_err());
        let now = int("UnixSeconds", call("Now", vec![]));
        assert!((now - Utc::now().timestamp()).abs() <= 1);
        assert_eq!(error("Year", vec![s("2023")]), "expected time but got string");
    }
}
