//! The elements of a Go layout (`time.nextStdChunk`) and `time.Format`.

use std::ops::Range;

use chrono::{DateTime, Datelike, FixedOffset, Timelike};

// ---- Go layouts ----

/// A Go layout element that stands for a part of a time (`stdLongYear` …).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Std {
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
pub(super) struct OffsetStyle {
    pub(super) z_for_utc: bool,
    /// 1 = hours, 2 = hours and minutes, 3 = hours, minutes and seconds.
    pub(super) fields: u8,
    pub(super) colons: bool,
}

/// One element of a Go layout at `range`: literal text, or a part of a time.
pub(super) struct Chunk {
    pub(super) range: Range<usize>,
    pub(super) std: Option<Std>,
}

/// Splits a Go layout into its elements as `time.nextStdChunk` does; text between them,
/// including words like `Jan` or `MST` in a format's own text, is read as Go reads it.
pub(super) fn chunks(layout: &str) -> Vec<Chunk> {
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

pub(super) static MONTH_NAMES: [&str; 12] =
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
pub(super) static WEEKDAY_NAMES: [&str; 7] = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

// ---- Formatting (time.Format) ----

/// `time.Format` of `time` with a Go layout.
pub(crate) fn format(layout: &str, time: &DateTime<FixedOffset>) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    use chrono::DateTime;

    #[test]
    fn formats_go_layouts() {
        let t = DateTime::parse_from_rfc3339("2023-02-04T13:04:05.120+05:30").unwrap();
        assert_eq!(format("2006-01-02T15:04:05.999Z0700", &t), "2023-02-04T13:04:05.12+0530");
        assert_eq!(format("Mon Monday Jan January _2 3 03 PM pm", &t), "Sat Saturday Feb February  4 1 01 PM pm");
        assert_eq!(format("-07 -07:00 -07:00:00 -070000 MST", &t), "+05 +05:30 +05:30:00 +053000 +0530");
        let utc = DateTime::parse_from_rfc3339("2023-02-04T00:00:00Z").unwrap();
        assert_eq!(format("15:04:05.999 Z0700 MST", &utc), "00:00:00 Z UTC");
    }
}
