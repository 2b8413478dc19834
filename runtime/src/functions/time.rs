//! The time and duration converters: `Time` and `FormatTime` with the reference's strptime
//! directives, `Duration` (Go's `time.ParseDuration`), `Unix`, `Now`, `TruncateTime`, and the
//! accessors of times (`Year` … `UnixNano`) and durations (`Hours` … `Nanoseconds`).
//!
//! The reference turns a strptime format into a Go layout (`ctimefmt`) and lets Go's `time`
//! package parse or format with it; [`crate::go::ctimefmt`] and [`crate::go::time`] do the
//! same here.
//!
//! A time is a `DateTime<FixedOffset>`: the instant with the offset of its location at that
//! instant. Zone names are not kept, so `%Z` writes `UTC` for a zero offset and `+hhmm`
//! otherwise. The process's local zone is taken to be UTC.

use chrono::{DateTime, Datelike, TimeDelta, Timelike, Utc};
use chrono_tz::Tz;

use super::literal::{LiteralArgs, LiteralError};
use super::shorthand::*;
use super::{Nanos, Time};
use crate::bail;
use crate::coerce;
use crate::converter;
use crate::error::{Error, Result};
use crate::go;
use crate::value::Value;

pub(crate) static FUNCTIONS: &[Function] = &[
    Function::converter(
        "Duration",
        &[r("duration", K::StringGetter)],
        T::Duration,
        converter!(parse_duration(duration)),
        "Parses a Go duration string such as \"3s\" or \"1h30m\" (units ns us µs ms s m h).",
        &[Example::new(r#"Duration("1h30m")"#, r#"Duration("90m")"#)],
    )
    .pure(),
    Function::converter(
        "Time",
        &[r("time", K::StringGetter), r("format", K::String), o("location", K::String), o("locale", K::String)],
        T::Time,
        converter!(parse_time(time, format, location)),
        "Parses a time with strptime-like directives (`%Y-%m-%d`…); the location defaults to UTC, the locale is a BCP-47 tag.",
        &[
            Example::new(r#"Time("2023-11-14 17:13:20", "%Y-%m-%d %H:%M:%S", "America/New_York")"#, r#"Unix(1700000000)"#),
            Example::new(r#"Time("14/Nov/2023:22:13:20 +0000", "%d/%b/%Y:%H:%M:%S %z")"#, r#"Unix(1700000000)"#),
        ],
    )
    .literals(format_literal)
    .pure(),
    Function::converter(
        "Unix",
        &[r("seconds", K::IntGetter), o("nanoseconds", K::IntGetter)],
        T::Time,
        converter!(unix(seconds, nanoseconds)),
        "A time from seconds (and nanoseconds) since the Unix epoch.",
        &[
            Example::new(r#"Unix(1700000000)"#, r#"Time("2023-11-14 22:13:20", "%Y-%m-%d %H:%M:%S")"#),
            Example::new(r#"Unix(1700000000, 250000000)"#, r#"Time("2023-11-14 22:13:20.250", "%Y-%m-%d %H:%M:%S.%L")"#),
        ],
    )
    .pure(),
    Function::converter(
        "Now",
        &[],
        T::Time,
        converter!(now()),
        "The current time.",
        &[Example::new(r#"IsMatch(FormatTime(Now(), "%Y-%m-%d"), "^\\d{4}-\\d{2}-\\d{2}$")"#, r#"true"#)],
    ),
    // ---- Converters: time ----
    Function::converter(
        "FormatTime",
        &[r("time", K::TimeGetter), r("format", K::String)],
        T::String,
        converter!(format_time(time, format)),
        "Formats a time with the directives of Time (`%Y-%m-%d`…).",
        &[
            Example::new(r#"FormatTime(Unix(1700000000), "%Y-%m-%d %H:%M:%S")"#, r#""2023-11-14 22:13:20""#),
            Example::new(r#"FormatTime(Unix(1700000000), "%b %d, %Y %I:%M %p")"#, r#""Nov 14, 2023 10:13 PM""#),
        ],
    )
    .literals(format_literal)
    .pure(),
    Function::converter(
        "TruncateTime",
        &[r("time", K::TimeGetter), r("duration", K::DurationGetter)],
        T::Time,
        converter!(truncate_time(time, duration)),
        "Rounds a time down to a multiple of `duration`.",
        &[Example::new(
            r#"TruncateTime(Time("2023-11-14 22:13:20", "%Y-%m-%d %H:%M:%S"), Duration("1h"))"#,
            r#"Time("2023-11-14 22:00:00", "%Y-%m-%d %H:%M:%S")"#,
        )],
    )
    .pure(),
    Function::converter(
        "UnixSeconds",
        TARGET_TIME,
        T::Int,
        converter!(unix_seconds(time)),
        "Seconds since the Unix epoch.",
        &[Example::new(r#"UnixSeconds(Time("2023-11-14 22:13:20", "%Y-%m-%d %H:%M:%S"))"#, r#"1700000000"#)],
    )
    .pure(),
    Function::converter(
        "UnixMilli",
        TARGET_TIME,
        T::Int,
        converter!(unix_milli(time)),
        "Milliseconds since the Unix epoch.",
        &[Example::new(r#"UnixMilli(Unix(1700000000, 250000000))"#, r#"1700000000250"#)],
    )
    .pure(),
    Function::converter(
        "UnixMicro",
        TARGET_TIME,
        T::Int,
        converter!(unix_micro(time)),
        "Microseconds since the Unix epoch.",
        &[Example::new(r#"UnixMicro(Unix(1700000000, 250000000))"#, r#"1700000000250000"#)],
    )
    .pure(),
    Function::converter(
        "UnixNano",
        TARGET_TIME,
        T::Int,
        converter!(unix_nano(time)),
        "Nanoseconds since the Unix epoch.",
        &[Example::new(r#"UnixNano(Unix(1700000000, 250000000))"#, r#"1700000000250000000"#)],
    )
    .pure(),
    Function::converter(
        "Year",
        TARGET_TIME,
        T::Int,
        converter!(year(time)),
        "The year of a time.",
        &[Example::new(r#"Year(Time("2023-11-14 22:13:20", "%Y-%m-%d %H:%M:%S"))"#, r#"2023"#)],
    )
    .pure(),
    Function::converter(
        "Month",
        TARGET_TIME,
        T::Int,
        converter!(month(time)),
        "The month of a time (1–12).",
        &[Example::new(r#"Month(Time("2023-11-14 22:13:20", "%Y-%m-%d %H:%M:%S"))"#, r#"11"#)],
    )
    .pure(),
    Function::converter(
        "Day",
        TARGET_TIME,
        T::Int,
        converter!(day(time)),
        "The day of the month of a time.",
        &[Example::new(r#"Day(Time("2023-11-14 22:13:20", "%Y-%m-%d %H:%M:%S"))"#, r#"14"#)],
    )
    .pure(),
    Function::converter(
        "Weekday",
        TARGET_TIME,
        T::Int,
        converter!(weekday(time)),
        "The day of the week of a time (0 = Sunday).",
        &[Example::new(r#"Weekday(Time("2023-11-14 22:13:20", "%Y-%m-%d %H:%M:%S"))"#, r#"2"#)],
    )
    .pure(),
    Function::converter(
        "Hour",
        TARGET_TIME,
        T::Int,
        converter!(hour(time)),
        "The hour of a time.",
        &[Example::new(r#"Hour(Time("2023-11-14 22:13:20", "%Y-%m-%d %H:%M:%S"))"#, r#"22"#)],
    )
    .pure(),
    Function::converter(
        "Minute",
        TARGET_TIME,
        T::Int,
        converter!(minute(time)),
        "The minute of a time.",
        &[Example::new(r#"Minute(Time("2023-11-14 22:13:20", "%Y-%m-%d %H:%M:%S"))"#, r#"13"#)],
    )
    .pure(),
    Function::converter(
        "Second",
        TARGET_TIME,
        T::Int,
        converter!(second(time)),
        "The second of a time.",
        &[Example::new(r#"Second(Time("2023-11-14 22:13:20", "%Y-%m-%d %H:%M:%S"))"#, r#"20"#)],
    )
    .pure(),
    Function::converter(
        "Nanosecond",
        TARGET_TIME,
        T::Int,
        converter!(nanosecond(time)),
        "The nanosecond within the second of a time.",
        &[Example::new(r#"Nanosecond(Unix(1700000000, 250000000))"#, r#"250000000"#)],
    )
    .pure(),
    Function::converter(
        "Hours",
        TARGET_DUR,
        T::Float,
        converter!(hours(duration)),
        "A duration in hours.",
        &[Example::new(r#"Hours(Duration("90m"))"#, r#"1.5"#)],
    )
    .pure(),
    Function::converter(
        "Minutes",
        TARGET_DUR,
        T::Float,
        converter!(minutes(duration)),
        "A duration in minutes.",
        &[Example::new(r#"Minutes(Duration("90s"))"#, r#"1.5"#)],
    )
    .pure(),
    Function::converter(
        "Seconds",
        TARGET_DUR,
        T::Float,
        converter!(seconds(duration)),
        "A duration in seconds.",
        &[Example::new(r#"Seconds(Duration("1500ms"))"#, r#"1.5"#)],
    )
    .pure(),
    Function::converter(
        "Milliseconds",
        TARGET_DUR,
        T::Int,
        converter!(milliseconds(duration)),
        "A duration in whole milliseconds.",
        &[
            Example::new(r#"Milliseconds(Duration("1s"))"#, r#"1000"#),
            Example::new(r#"Milliseconds(Duration("1500us"))"#, r#"1"#),
        ],
    )
    .pure(),
    Function::converter(
        "Microseconds",
        TARGET_DUR,
        T::Int,
        converter!(microseconds(duration)),
        "A duration in whole microseconds.",
        &[Example::new(r#"Microseconds(Duration("1ms"))"#, r#"1000"#)],
    )
    .pure(),
    Function::converter(
        "Nanoseconds",
        TARGET_DUR,
        T::Int,
        converter!(nanoseconds(duration)),
        "A duration in nanoseconds.",
        &[Example::new(r#"Nanoseconds(Duration("1ms"))"#, r#"1000000"#)],
    )
    .pure(),
    Function::converter(
        "duration",
        &[r("duration", K::StringGetter)],
        T::Duration,
        converter!(parse_duration(duration)),
        "The seed's spelling of Duration: parses a Go duration string such as \"3s\".",
        &[Example::new(r#"duration("1h30m")"#, r#"Duration("90m")"#)],
    )
    .origin(Origin::Seed)
    .alias_of("Duration")
    .pure(),
];

const NANOS_PER_SECOND: i64 = 1_000_000_000;
const NANOS_PER_MINUTE: i64 = 60 * NANOS_PER_SECOND;
const NANOS_PER_HOUR: i64 = 60 * NANOS_PER_MINUTE;

// ---- The converters ----

/// `Time(time, format, location?, locale?)`. The locale only matters for month and day
/// names in other languages, which are not translated: names are read in English, and the
/// locale is not read at all. As the reference's factory, it refuses an empty format, then
/// loads the location, then validates the format; the time is read last.
fn parse_time(time: &Value, format: &str, location: Option<&Value>) -> Result<Value> {
    require_format(format)?;
    let location = match location {
        Some(name) => go::time::load_location(coerce::string(name)?)?,
        None => Tz::UTC,
    };
    go::ctimefmt::validate(format)?;
    let value = coerce::string(time)?;
    if value.is_empty() {
        bail!("time cannot be nil");
    }
    Ok(Value::Time(go::ctimefmt::parse(value, format, location)?))
}

/// `FormatTime(time, format)`: the format is judged before the time is read.
fn format_time(time: &Value, format: &str) -> Result<Value> {
    check_format(format)?;
    let time = coerce::time(time)?;
    Ok(Value::String(go::time::format(&go::ctimefmt::format_layout_of(format), &time)))
}

/// The first thing `Time` and `FormatTime` refuse: an empty format.
fn require_format(format: &str) -> Result<()> {
    if format.is_empty() {
        bail!("format cannot be nil");
    }
    Ok(())
}

/// What `Time` and `FormatTime` refuse in a format (func_time.go, func_formattime.go): an
/// empty one, then what `ctimefmt.Validate` refuses.
fn check_format(format: &str) -> Result<()> {
    require_format(format)?;
    go::ctimefmt::validate(format)
}

/// The directives a format may use, for the load-time diagnostic.
const FORMAT_DIRECTIVES_HELP: &str = "supported directives: %Y %y %m %o %q %b %h %B %d %e %g %a %A %H %l %I %p %P %M %S %L %f %s %Z %z %w %i %j %k %D %x %F %T %X %r %R %n %t %% %c";

/// The load-time check of `Time` and `FormatTime`: their factories refuse a bad format
/// literal when the statement is built.
fn format_literal(args: &LiteralArgs<'_>) -> Vec<LiteralError> {
    let error = args.string("format").and_then(|format| check_format(format).err());
    error.map(|error| LiteralError::new("format", error.to_string()).help(FORMAT_DIRECTIVES_HELP)).into_iter().collect()
}

/// `Duration(duration)`.
fn parse_duration(duration: &str) -> Result<Value> {
    Ok(Value::Duration(go::time::parse_duration(duration)?))
}

/// `Unix(seconds, nanoseconds?)`: Go's `time.Unix`, which carries nanoseconds outside
/// [0, 1e9) into the seconds.
fn unix(seconds: i64, nanoseconds: Option<i64>) -> Result<Value> {
    let nanos = nanoseconds.unwrap_or(0);
    let seconds = seconds.wrapping_add(nanos.div_euclid(NANOS_PER_SECOND));
    let nanos = nanos.rem_euclid(NANOS_PER_SECOND) as u32;
    let time = DateTime::from_timestamp(seconds, nanos).ok_or_else(|| Error::new(format!("time out of range: {seconds}s")))?;
    Ok(Value::Time(time.fixed_offset()))
}

fn now() -> Result<Value> {
    Ok(Value::Time(Utc::now().fixed_offset()))
}

/// Seconds from Go's zero time (January 1, year 1, UTC) to the Unix epoch.
const SECONDS_FROM_YEAR_ONE_TO_EPOCH: i128 = 62_135_596_800;

/// `TruncateTime(time, duration)`: Go's `Time.Truncate`, which rounds down to a multiple of
/// the duration counted from the zero time; a duration ≤ 0 leaves the time as it is.
fn truncate_time(time: Time, duration: Nanos) -> Result<Value> {
    let Nanos(step) = duration;
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

// ---- The parts of a time ----

fn unix_seconds(time: Time) -> Result<Value> {
    Ok(Value::Int(time.timestamp()))
}

fn unix_milli(time: Time) -> Result<Value> {
    Ok(Value::Int(unix_in(&time, 1_000)))
}

fn unix_micro(time: Time) -> Result<Value> {
    Ok(Value::Int(unix_in(&time, 1_000_000)))
}

fn unix_nano(time: Time) -> Result<Value> {
    Ok(Value::Int(unix_in(&time, NANOS_PER_SECOND)))
}

/// The time since the Unix epoch in units of `1/per_second` s, wrapping like Go's int64 sums.
fn unix_in(time: &Time, per_second: i64) -> i64 {
    let fraction = i64::from(time.nanosecond()) / (NANOS_PER_SECOND / per_second);
    time.timestamp().wrapping_mul(per_second).wrapping_add(fraction)
}

fn year(time: Time) -> Result<Value> {
    Ok(Value::Int(i64::from(time.year())))
}

fn month(time: Time) -> Result<Value> {
    Ok(Value::Int(i64::from(time.month())))
}

fn day(time: Time) -> Result<Value> {
    Ok(Value::Int(i64::from(time.day())))
}

/// 0 = Sunday, as Go's `time.Weekday`.
fn weekday(time: Time) -> Result<Value> {
    Ok(Value::Int(i64::from(time.weekday().num_days_from_sunday())))
}

fn hour(time: Time) -> Result<Value> {
    Ok(Value::Int(i64::from(time.hour())))
}

fn minute(time: Time) -> Result<Value> {
    Ok(Value::Int(i64::from(time.minute())))
}

fn second(time: Time) -> Result<Value> {
    Ok(Value::Int(i64::from(time.second())))
}

fn nanosecond(time: Time) -> Result<Value> {
    Ok(Value::Int(i64::from(time.nanosecond())))
}

// ---- Durations in units ----

fn hours(duration: Nanos) -> Result<Value> {
    Ok(Value::Float(in_units(duration, NANOS_PER_HOUR)))
}

fn minutes(duration: Nanos) -> Result<Value> {
    Ok(Value::Float(in_units(duration, NANOS_PER_MINUTE)))
}

fn seconds(duration: Nanos) -> Result<Value> {
    Ok(Value::Float(in_units(duration, NANOS_PER_SECOND)))
}

/// A duration in `unit`s as a float, computed as Go's `Duration.Hours` and friends do (whole
/// units plus the fraction of the remainder, to stay exact for large durations).
fn in_units(Nanos(nanos): Nanos, unit: i64) -> f64 {
    (nanos / unit) as f64 + (nanos % unit) as f64 / unit as f64
}

// Whole units, truncated toward zero as Go's integer division does.

fn milliseconds(Nanos(nanos): Nanos) -> Result<Value> {
    Ok(Value::Int(nanos / 1_000_000))
}

fn microseconds(Nanos(nanos): Nanos) -> Result<Value> {
    Ok(Value::Int(nanos / 1_000))
}

fn nanoseconds(Nanos(nanos): Nanos) -> Result<Value> {
    Ok(Value::Int(nanos))
}

#[cfg(test)]
mod tests {
    use super::super::literal::Literal;
    use super::super::testing::{convert, converter};
    use super::*;
    use chrono::FixedOffset;

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

    /// What the declaration's load-time check says of a `format` literal.
    fn format_problems(name: &str, format: &str) -> Vec<LiteralError> {
        let check = converter(name).literals.unwrap_or_else(|| panic!("{name} checks its literals"));
        check(&LiteralArgs::new(vec![("format", Literal::String(format))]))
    }

    #[test]
    fn format_literals_are_checked_at_load_as_the_reference_does() {
        assert!(format_problems("Time", "%Y-%m-%d %H:%M:%S").is_empty());
        assert!(format_problems("FormatTime", "%Y-%m-%dT%H:%M:%S.%L%z").is_empty());
        let messages = |name: &str, format: &str| -> Vec<String> {
            format_problems(name, format).into_iter().map(|problem| problem.message).collect()
        };
        assert_eq!(messages("Time", ""), ["format cannot be nil"]);
        assert_eq!(messages("Time", "%Y-%Q"), ["invalid strptime format: [unsupported ctimefmt.toNative() directive: %Q]"]);
        assert_eq!(messages("FormatTime", "2006-%m"), ["format string should not contain decimals"]);
        assert_eq!(
            messages("FormatTime", "%H%L"),
            ["invalid fractional seconds directive: 'H%L'. must be preceded with '.' or ','"]
        );
        let problem = &format_problems("FormatTime", "%C")[0];
        assert_eq!(problem.param, "format");
        assert!(problem.help.as_deref().is_some_and(|help| help.starts_with("supported directives: %Y %y")));
        // Only literals are judged.
        assert!(converter("Time").literals.is_some_and(|check| check(&LiteralArgs::new(vec![])).is_empty()));
    }

    #[test]
    fn time_refuses_an_empty_format_before_a_bad_location_and_a_bad_format_after() {
        assert_eq!(error("Time", vec![Value::Int(1), s(""), s("Mars/Olympus")]), "format cannot be nil");
        assert_eq!(
            error("Time", vec![Value::Int(1), s("%Q"), s("Mars/Olympus")]),
            "failed to load location Mars/Olympus: unknown time zone Mars/Olympus"
        );
        assert_eq!(error("Time", vec![Value::Int(1), Value::Int(2)]), "expected string but got int64");
        assert_eq!(
            error("FormatTime", vec![s("x"), s("%Q")]),
            "invalid strptime format: [unsupported ctimefmt.toNative() directive: %Q]"
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
