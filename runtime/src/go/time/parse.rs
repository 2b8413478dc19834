//! `time.Parse`: a value read element by element with a Go layout, with Go's error texts.

use chrono::{NaiveDate, NaiveDateTime};

use super::duration::leading_int;
use super::layout::{MONTH_NAMES, OffsetStyle, Std, WEEKDAY_NAMES, chunks};
use super::time_quote;

/// Go's `time.ParseError` without the value and the layout, which the caller knows.
#[derive(Debug)]
pub(crate) struct ParseFailure {
    /// Where in the layout the element that failed starts; None past the last element.
    pub(crate) at: Option<usize>,
    pub(crate) layout_elem: String,
    pub(crate) value_elem: String,
    /// The message that replaces "cannot parse … as …" (`: month out of range`).
    pub(crate) message: Option<String>,
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
pub(crate) struct Fields {
    pub(crate) wall: NaiveDateTime,
    pub(crate) utc: bool,
    pub(crate) zone_offset: Option<i32>,
    pub(crate) zone_name: Option<String>,
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Go's `time.Parse` of `value` with a layout: each element in turn, then the defaults
/// (January 1 of year 0, midnight) and the day-of-month check.
pub(crate) fn parse(layout: &str, value: &[u8]) -> Result<Fields, ParseFailure> {
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
pub(super) fn go_atoi(s: &[u8]) -> Option<i64> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_each_element() {
        let fields = parse("2006-01-02 15:04:05 -0700", b"2023-02-04 13:14:15.5 +0530").unwrap();
        assert_eq!(fields.wall.to_string(), "2023-02-04 13:14:15.500");
        assert_eq!((fields.utc, fields.zone_offset), (false, Some(19800)));
        assert!(parse("2006-01-02 15:04:05 Z07:00", b"2023-02-04 13:14:15 Z").unwrap().utc);
    }

    fn failure(layout: &str, value: &[u8]) -> ParseFailure {
        match parse(layout, value) {
            Err(failure) => failure,
            Ok(_) => panic!("{layout} read {value:?}"),
        }
    }

    #[test]
    fn failures_name_the_element() {
        let slash = failure("2006-01-02", b"2023/02/04");
        assert_eq!((slash.at, slash.layout_elem.as_str(), slash.value_elem.as_str()), (Some(4), "-", "/02/04"));
        assert_eq!(failure("2006-01-02", b"2023-13-01").message.as_deref(), Some(": month out of range"));
        assert_eq!(failure("2006-01-02", b"2023-02-30").message.as_deref(), Some(": day out of range"));
        assert_eq!(failure("2006", b"2023x").message.as_deref(), Some(r#": extra text: "x""#));
    }
}
