//! The collector's strptime formats: `internal/coreinternal/timeutils` (v0.161.0) and its
//! `ctimefmt`, which turn a strptime format into a Go layout and let Go's `time` package
//! ([`super::time`]) parse or format with it. Parsing is lenient as `ctimefmt.Parse` is:
//! numbers with or without leading zeros or spaces, `%z` as `+hhmm`, `+hh:mm` or `+hh`, `%D`
//! with a four- or two-digit year; a time without a date is put on today and a date without
//! a year in the current year (`timeutils.ParseGotime`, `SetTimestampYear`). `chrono`'s
//! strftime has other directives (`%L`, `%o`, `%q`, `%g` …) and none of this leniency.

use std::ops::Range;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;

use super::time::{self, Fields, ParseFailure, Parsed, go_date, shifted};
use crate::bail;
use crate::coerce::go_quote;
use crate::error::{Error, Result};

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
pub(crate) fn validate(format: &str) -> Result<()> {
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
pub(crate) fn format_layout_of(format: &str) -> String {
    pieces(format)
        .iter()
        .map(|piece| match piece {
            Piece::Text(text) => *text,
            Piece::Directive(d) => go_layout_of(*d).unwrap_or_default(),
        })
        .collect()
}

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
        let mut failure = match time::parse(&layout, value.as_bytes()) {
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
pub(crate) fn parse(value: &str, format: &str, location: Tz) -> Result<DateTime<FixedOffset>> {
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

impl Parsed {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_become_go_layouts() {
        assert_eq!(format_layout_of("%Y-%m-%d %H:%M:%S.%L %z"), "2006-01-02 15:04:05.999 Z0700");
        assert_eq!(format_layout_of("%D %%"), "01/02/2006 %");
        assert!(validate("%Y-%m-%d").is_ok());
        assert_eq!(validate("%Y1").unwrap_err().message(), "format string should not contain decimals");
        assert_eq!(
            validate("%Q").unwrap_err().message(),
            "invalid strptime format: [unsupported ctimefmt.toNative() directive: %Q]"
        );
    }

    #[test]
    fn parses_leniently() {
        let parsed = |value: &str, format: &str| parse(value, format, Tz::UTC).unwrap().to_rfc3339();
        assert_eq!(parsed("2023-2-4 3:4:5", "%Y-%m-%d %H:%M:%S"), "2023-02-04T03:04:05+00:00");
        assert_eq!(parsed("02/04/23", "%D"), "2023-02-04T00:00:00+00:00");
        assert_eq!(parsed("2023-02-04 10:00:00 +05:30", "%Y-%m-%d %H:%M:%S %z"), "2023-02-04T10:00:00+05:30");
        assert_eq!(
            parse("abc", "%Y", Tz::UTC).unwrap_err().message(),
            r#"parsing time "abc" as "%Y": cannot parse "abc" as "%Y""#
        );
    }
}
