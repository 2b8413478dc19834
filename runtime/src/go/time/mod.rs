//! Go's `time` package (Go 1.26) as the reference's time functions use it: layouts
//! ([`format`], [`parse`] as `time.Format` and `time.Parse` read and write them),
//! `time.ParseDuration` ([`parse_duration`]), `time.LoadLocation` and how `ParseInLocation`
//! places what it read ([`zone`]). `chrono`'s own formats are strftime-style and its parser
//! is stricter and words its errors its own way, so the layouts are read here element by
//! element as Go reads them; `chrono` and `chrono-tz` supply the calendar and the zone data.

mod duration;
mod layout;
mod parse;
mod zone;

pub(crate) use duration::parse_duration;
pub(crate) use layout::format;
pub(crate) use parse::{Fields, ParseFailure, parse};
pub(crate) use zone::{Parsed, go_date, load_location, shifted};

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
