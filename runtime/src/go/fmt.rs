//! Go's `fmt.Sprintf` (Go 1.26) for OTTL values: flags `+ - # 0 space`, width and precision
//! (also `*` and `[n]` argument indexes), the verbs of each Go type, and Go's
//! `%!verb(type=value)` texts for a verb that does not fit, a missing or extra argument.
//! Rust's `format!` takes its format at compile time and has other verbs, and the
//! `sprintf`-style crates follow C's `printf`, not Go's (`%v`, `%q`, `%x` of strings, Go's
//! float and error forms).
//!
//! Go prints a `pcommon.Map` or `pcommon.Slice` as its internal pointers; here they print
//! as JSON. A `time.Time` prints as Go's `Time.String` with the zone as an offset (`UTC`
//! for UTC), a `time.Duration` as `Duration.String`.

use crate::coerce;
use crate::value::Value;

/// Go's `%v` of a float64 (`%g` with the shortest digits): in exponent form (`1e-05`,
/// `1e+06`) when the decimal exponent is below -4 or at least 6.
pub(crate) fn float_v(f: f64) -> String {
    if !f.is_finite() || f == 0.0 {
        return coerce::format_float(f);
    }
    let scientific = format!("{f:e}");
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    if (-4..6).contains(&exponent) {
        coerce::format_float(f)
    } else {
        let sign = if exponent < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exponent.unsigned_abs())
    }
}

/// Widths, precisions and argument indexes above this are treated as absent, as Go does.
const NUMBER_LIMIT: usize = 1_000_000;

#[derive(Clone, Copy, Default)]
struct Flags {
    minus: bool,
    plus: bool,
    sharp: bool,
    space: bool,
    zero: bool,
    /// `%#v`: the `#` flag moved off `sharp` for the `v` verb (Go syntax).
    sharp_v: bool,
    width: Option<usize>,
    precision: Option<usize>,
}

/// One operand: an argument, or a byte of a byte slice or ID printed element-wise.
#[derive(Clone, Copy)]
enum Operand<'a> {
    Value(&'a Value),
    Byte(u8),
}

pub(crate) fn sprintf(format: &str, args: &[Value]) -> String {
    let mut parser = Parser { format, bytes: format.as_bytes(), pos: 0, arg: 0, reordered: false, good_index: true };
    let mut printer = Printer::default();
    while parser.pos < parser.bytes.len() {
        let literal = parser.pos;
        while parser.bytes.get(parser.pos).is_some_and(|&b| b != b'%') {
            parser.pos += 1;
        }
        printer.out.push_str(&format[literal..parser.pos]);
        if parser.pos >= parser.bytes.len() {
            break;
        }
        parser.pos += 1;
        if !parser.directive(&mut printer, args) {
            break;
        }
    }
    if !parser.reordered && parser.arg < args.len() {
        printer.extra(&args[parser.arg..]);
    }
    printer.out
}

/// The position in the format and in the arguments (Go's `doPrintf` state).
struct Parser<'a> {
    format: &'a str,
    bytes: &'a [u8],
    pos: usize,
    arg: usize,
    reordered: bool,
    good_index: bool,
}

impl Parser<'_> {
    /// Reads and prints one directive after its `%`; false when the format ended
    /// before the verb.
    fn directive(&mut self, printer: &mut Printer, args: &[Value]) -> bool {
        self.good_index = true;
        printer.flags = Flags::default();
        self.read_flags(&mut printer.flags);
        let mut after_index = self.arg_index(args.len());
        if self.bytes.get(self.pos) == Some(&b'*') {
            self.pos += 1;
            match self.int_arg(args) {
                Some(width) => {
                    printer.flags.width = Some(width.unsigned_abs() as usize);
                    if width < 0 {
                        printer.flags.minus = true;
                        printer.flags.zero = false;
                    }
                }
                None => printer.out.push_str("%!(BADWIDTH)"),
            }
            after_index = false;
        } else {
            printer.flags.width = self.number();
            if after_index && printer.flags.width.is_some() {
                self.good_index = false;
            }
        }
        if self.pos + 1 < self.bytes.len() && self.bytes[self.pos] == b'.' {
            self.pos += 1;
            if after_index {
                self.good_index = false;
            }
            after_index = self.arg_index(args.len());
            if self.bytes.get(self.pos) == Some(&b'*') {
                self.pos += 1;
                printer.flags.precision = self.int_arg(args).and_then(|p| usize::try_from(p).ok());
                if printer.flags.precision.is_none() {
                    printer.out.push_str("%!(BADPREC)");
                }
                after_index = false;
            } else {
                printer.flags.precision = Some(self.number().unwrap_or(0));
            }
        }
        if !after_index {
            self.arg_index(args.len());
        }
        let Some(verb) = self.format.get(self.pos..).and_then(|rest| rest.chars().next()) else {
            printer.out.push_str("%!(NOVERB)");
            return false;
        };
        self.pos += verb.len_utf8();
        match args.get(self.arg) {
            _ if verb == '%' => printer.out.push('%'),
            _ if !self.good_index => printer.out.push_str(&format!("%!{verb}(BADINDEX)")),
            None => printer.out.push_str(&format!("%!{verb}(MISSING)")),
            Some(arg) => {
                if verb == 'v' || verb == 'w' {
                    // `%+v` only names struct fields, which no OTTL value has.
                    printer.flags.sharp_v = std::mem::take(&mut printer.flags.sharp);
                    printer.flags.plus = false;
                }
                printer.print(Operand::Value(arg), verb);
                self.arg += 1;
            }
        }
        true
    }

    fn read_flags(&mut self, flags: &mut Flags) {
        while let Some(&c) = self.bytes.get(self.pos) {
            match c {
                b'#' => flags.sharp = true,
                b'0' => flags.zero = true,
                b'+' => flags.plus = true,
                b'-' => flags.minus = true,
                b' ' => flags.space = true,
                _ => return,
            }
            self.pos += 1;
        }
    }

    /// A decimal number at the position (Go's `parsenum`); a number past the limit
    /// swallows the rest of the format.
    fn number(&mut self) -> Option<usize> {
        let (value, end) = parse_number(self.bytes, self.pos, self.bytes.len());
        self.pos = end;
        value
    }

    /// An explicit argument index `[n]` (Go's `argNumber`): whether one was read.
    fn arg_index(&mut self, count: usize) -> bool {
        if self.bytes.get(self.pos) != Some(&b'[') {
            return false;
        }
        self.reordered = true;
        let rest = &self.bytes[self.pos..];
        let (index, width) = match rest.iter().position(|&b| b == b']') {
            Some(close) if rest.len() >= 3 => match parse_number(rest, 1, close) {
                (Some(n), end) if end == close => (Some(n.checked_sub(1)), close + 1),
                _ => (None, close + 1),
            },
            _ => (None, 1),
        };
        self.pos += width;
        match index {
            Some(Some(i)) if i < count => {
                self.arg = i;
                true
            }
            found => {
                self.good_index = false;
                found.is_some()
            }
        }
    }

    /// The int argument a `*` takes (Go's `intFromArg`): it is consumed even when it is
    /// not an int; None for a non-int or an out-of-limit value.
    fn int_arg(&mut self, args: &[Value]) -> Option<i64> {
        let arg = args.get(self.arg)?;
        self.arg += 1;
        match arg {
            Value::Int(n) | Value::Duration(n) if n.unsigned_abs() <= NUMBER_LIMIT as u64 => Some(*n),
            _ => None,
        }
    }
}

/// Go's `parsenum` on `bytes[start..end]`: the number and where it ended.
fn parse_number(bytes: &[u8], start: usize, end: usize) -> (Option<usize>, usize) {
    let mut value: Option<usize> = None;
    let mut pos = start;
    while pos < end && bytes[pos].is_ascii_digit() {
        let so_far = value.unwrap_or(0);
        if so_far > NUMBER_LIMIT {
            return (None, end);
        }
        value = Some(so_far * 10 + usize::from(bytes[pos] - b'0'));
        pos += 1;
    }
    (value, pos)
}

#[derive(Default)]
struct Printer {
    out: String,
    flags: Flags,
    /// Printing a bad verb's operand: Go then skips the operand's `String` method.
    erroring: bool,
}

impl Printer {
    /// Go's `printArg`: one operand with one verb.
    fn print(&mut self, operand: Operand<'_>, verb: char) {
        let value = match operand {
            Operand::Byte(b) => return self.integer_verb(u64::from(b), false, verb, operand),
            Operand::Value(value) => value,
        };
        let stringer = matches!(verb, 'v' | 's' | 'x' | 'X' | 'q') && !self.erroring;
        match value {
            Value::Nil if matches!(verb, 'T' | 'v') => self.pad("<nil>"),
            Value::Nil => self.bad_verb(operand, verb),
            _ if verb == 'T' => self.string_text(value.go_type()),
            _ if verb == 'p' => self.bad_verb(operand, verb),
            Value::Bool(b) if matches!(verb, 't' | 'v') => self.pad(if *b { "true" } else { "false" }),
            Value::Int(i) => self.integer_verb(*i as u64, true, verb, operand),
            Value::Float(f) => self.float_verb(*f, verb, operand),
            Value::String(s) => self.string_verb(s, verb, operand),
            Value::Bytes(b) => self.bytes_verb(b, verb),
            Value::Duration(d) if stringer => self.string_verb(&go_duration(*d), verb, operand),
            Value::Duration(d) => self.integer_verb(*d as u64, true, verb, operand),
            Value::Time(t) => self.string_verb(&go_time(t), verb, operand),
            Value::TraceId(id) | Value::ProfileId(id) => self.id_verb(id, stringer, verb, operand),
            Value::SpanId(id) => self.id_verb(id, stringer, verb, operand),
            Value::Map(_) | Value::Slice(_) | Value::Pdata(_) if matches!(verb, 'v' | 's') => {
                self.pad(&coerce::to_json_string(value))
            }
            _ => self.bad_verb(operand, verb),
        }
    }

    /// `%!verb(type=value)`, the operand printed with `%v` and the directive's flags.
    fn bad_verb(&mut self, operand: Operand<'_>, verb: char) {
        self.erroring = true;
        self.out.push_str("%!");
        self.out.push(verb);
        self.out.push('(');
        match operand {
            Operand::Value(Value::Nil) => self.out.push_str("<nil>"),
            Operand::Value(value) => {
                self.out.push_str(value.go_type());
                self.out.push('=');
                self.print(operand, 'v');
            }
            Operand::Byte(_) => {
                self.out.push_str("uint8=");
                self.print(operand, 'v');
            }
        }
        self.out.push(')');
        self.erroring = false;
    }

    /// `%!(EXTRA type=value, …)` for arguments no verb used.
    fn extra(&mut self, args: &[Value]) {
        self.flags = Flags::default();
        self.out.push_str("%!(EXTRA ");
        for (i, arg) in args.iter().enumerate() {
            if i > 0 {
                self.out.push_str(", ");
            }
            if arg.is_nil() {
                self.out.push_str("<nil>");
            } else {
                self.out.push_str(arg.go_type());
                self.out.push('=');
                self.print(Operand::Value(arg), 'v');
            }
        }
        self.out.push(')');
    }

    fn integer_verb(&mut self, u: u64, signed: bool, verb: char, operand: Operand<'_>) {
        match verb {
            'v' if self.flags.sharp_v && !signed => self.hex_0x(u),
            'v' | 'd' => self.integer(u, 10, signed, verb),
            'b' => self.integer(u, 2, signed, verb),
            'o' | 'O' => self.integer(u, 8, signed, verb),
            'x' | 'X' => self.integer(u, 16, signed, verb),
            'c' => self.pad(rune(u).encode_utf8(&mut [0; 4])),
            'q' => self.pad(&quote(rune(u).encode_utf8(&mut [0; 4]), '\'', self.flags.plus)),
            'U' => self.unicode(u),
            _ => self.bad_verb(operand, verb),
        }
    }

    /// `0x1f`, as `%#v` prints an unsigned integer.
    fn hex_0x(&mut self, u: u64) {
        let sharp = std::mem::replace(&mut self.flags.sharp, true);
        self.integer(u, 16, false, 'v');
        self.flags.sharp = sharp;
    }

    /// Go's `fmtInteger`: digits in `base` (upper-case for `X`), zero-extended to the
    /// precision (or to the width under the `0` flag), then the `#` prefix and the sign.
    fn integer(&mut self, u: u64, base: u32, signed: bool, verb: char) {
        let f = self.flags;
        let negative = signed && (u as i64) < 0;
        let magnitude = if negative { (u as i64).unsigned_abs() } else { u };
        let min_digits = match f.precision {
            Some(0) if magnitude == 0 => {
                // Precision 0 prints nothing for zero, only the padding.
                let zero = std::mem::replace(&mut self.flags.zero, false);
                self.write_padding(f.width.unwrap_or(0));
                self.flags.zero = zero;
                return;
            }
            Some(precision) => precision,
            None if f.zero && !f.minus => f.width.map_or(0, |w| w.saturating_sub(usize::from(negative || f.plus || f.space))),
            None => 0,
        };
        let digits = match base {
            2 => format!("{magnitude:b}"),
            8 => format!("{magnitude:o}"),
            16 if verb == 'X' => format!("{magnitude:X}"),
            16 => format!("{magnitude:x}"),
            _ => magnitude.to_string(),
        };
        let mut text = String::with_capacity(min_digits.max(digits.len()) + 4);
        match negative {
            true => text.push('-'),
            false if f.plus => text.push('+'),
            false if f.space => text.push(' '),
            false => {}
        }
        if verb == 'O' {
            text.push_str("0o");
        }
        let zeros = min_digits.saturating_sub(digits.len());
        match base {
            2 if f.sharp => text.push_str("0b"),
            8 if f.sharp && zeros == 0 && !digits.starts_with('0') => text.push('0'),
            16 if f.sharp => text.push_str(if verb == 'X' { "0X" } else { "0x" }),
            _ => {}
        }
        text.extend(std::iter::repeat_n('0', zeros));
        text.push_str(&digits);
        self.pad_unzeroed(&text);
    }

    /// `U+0041` (`%U`), with the character after it under `#`.
    fn unicode(&mut self, u: u64) {
        let width = self.flags.precision.filter(|&p| p > 4).unwrap_or(4);
        let mut text = format!("U+{u:0width$X}");
        if self.flags.sharp
            && let Some(c) = u32::try_from(u).ok().and_then(char::from_u32).filter(|&c| is_printable(c))
        {
            text.push_str(&format!(" '{c}'"));
        }
        self.pad_unzeroed(&text);
    }

    fn float_verb(&mut self, v: f64, verb: char, operand: Operand<'_>) {
        match verb {
            'v' => self.float(v, 'g', None),
            'b' | 'g' | 'G' | 'x' | 'X' => self.float(v, verb, None),
            'e' | 'E' | 'f' => self.float(v, verb, Some(6)),
            'F' => self.float(v, 'f', Some(6)),
            _ => self.bad_verb(operand, verb),
        }
    }

    /// Go's `fmt.fmtFloat`: `strconv.FormatFloat` of the magnitude, the sign as the
    /// flags ask, zero padding after the sign, Inf and NaN never zero-padded.
    fn float(&mut self, v: f64, verb: char, default_precision: Option<usize>) {
        let f = self.flags;
        let precision = f.precision.or(default_precision);
        let mut sign = if v.is_sign_negative() && !v.is_nan() { '-' } else { '+' };
        if f.space && sign == '+' && !f.plus {
            sign = ' ';
        }
        if !v.is_finite() {
            let text = match v.is_nan() {
                true if !f.space && !f.plus => "NaN".to_string(),
                true => format!("{sign}NaN"),
                false => format!("{sign}Inf"),
            };
            return self.pad_unzeroed(&text);
        }
        let mut digits = format_float(v.abs(), verb, precision);
        if f.sharp && verb != 'b' {
            digits = with_point(&digits, verb, precision);
        }
        if !f.plus && sign == '+' {
            return self.pad(&digits);
        }
        let signed_len = digits.len() + 1;
        match f.width {
            Some(width) if f.zero && !f.minus && width > signed_len => {
                self.out.push(sign);
                self.write_padding(width - signed_len);
                self.out.push_str(&digits);
            }
            _ => self.pad(&format!("{sign}{digits}")),
        }
    }

    fn string_verb(&mut self, s: &str, verb: char, operand: Operand<'_>) {
        match verb {
            'v' if self.flags.sharp_v => self.quoted(s),
            'v' | 's' => self.string_text(s),
            'x' | 'X' => self.hex(s.as_bytes(), verb == 'X'),
            'q' => self.quoted(s),
            _ => self.bad_verb(operand, verb),
        }
    }

    fn bytes_verb(&mut self, bytes: &[u8], verb: char) {
        match verb {
            'v' | 'd' if self.flags.sharp_v => {
                self.out.push_str("[]byte{");
                for (i, &b) in bytes.iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(", ");
                    }
                    self.hex_0x(u64::from(b));
                }
                self.out.push('}');
            }
            's' => self.string_text(&String::from_utf8_lossy(bytes)),
            'x' | 'X' => self.hex(bytes, verb == 'X'),
            'q' => self.quoted(&String::from_utf8_lossy(bytes)),
            _ => self.elements(bytes, verb),
        }
    }

    /// A trace, span or profile ID: its hex text (empty for an all-zero ID) for the
    /// verbs Go's `String` method serves, else its bytes as a Go array.
    fn id_verb(&mut self, id: &[u8], stringer: bool, verb: char, operand: Operand<'_>) {
        if stringer {
            let text = if id.iter().all(|&b| b == 0) { String::new() } else { coerce::hex_lower(id) };
            self.string_verb(&text, verb, operand);
        } else {
            self.elements(id, verb);
        }
    }

    /// `[1 2 3]`: each byte printed with the verb.
    fn elements(&mut self, bytes: &[u8], verb: char) {
        self.out.push('[');
        for (i, &b) in bytes.iter().enumerate() {
            if i > 0 {
                self.out.push(' ');
            }
            self.print(Operand::Byte(b), verb);
        }
        self.out.push(']');
    }

    /// Go's `fmtSbx`: two hex digits a byte, `#` adds `0x`, space separates the bytes.
    fn hex(&mut self, bytes: &[u8], upper: bool) {
        let f = self.flags;
        let bytes = &bytes[..f.precision.map_or(bytes.len(), |p| p.min(bytes.len()))];
        if bytes.is_empty() {
            return self.write_padding(f.width.unwrap_or(0));
        }
        let prefix = if upper { "0X" } else { "0x" };
        let mut text = String::with_capacity(bytes.len() * 5);
        for (i, b) in bytes.iter().enumerate() {
            if f.space && i > 0 {
                text.push(' ');
            }
            if f.sharp && (f.space || i == 0) {
                text.push_str(prefix);
            }
            text.push_str(&if upper { format!("{b:02X}") } else { format!("{b:02x}") });
        }
        let fill = f.width.unwrap_or(0).saturating_sub(text.len());
        if !f.minus {
            self.write_padding(fill);
        }
        self.out.push_str(&text);
        if f.minus {
            self.write_padding(fill);
        }
    }

    /// `%s`: the text cut to the precision (in characters), padded.
    fn string_text(&mut self, s: &str) {
        self.pad(truncate(s, self.flags.precision));
    }

    /// `%q`: a Go-quoted string (ASCII-only under `+`), or back-quoted under `#` when
    /// it can be.
    fn quoted(&mut self, s: &str) {
        let s = truncate(s, self.flags.precision);
        if self.flags.sharp && can_backquote(s) {
            self.pad(&format!("`{s}`"));
        } else {
            self.pad(&quote(s, '"', self.flags.plus));
        }
    }

    /// Pads to the width with spaces (zeros under `0`), on the right under `-`.
    fn pad(&mut self, text: &str) {
        let fill = self.flags.width.unwrap_or(0).saturating_sub(text.chars().count());
        if self.flags.minus {
            self.out.push_str(text);
            self.write_padding(fill);
        } else {
            self.write_padding(fill);
            self.out.push_str(text);
        }
    }

    /// Pads with spaces even under the `0` flag.
    fn pad_unzeroed(&mut self, text: &str) {
        let zero = std::mem::replace(&mut self.flags.zero, false);
        self.pad(text);
        self.flags.zero = zero;
    }

    fn write_padding(&mut self, count: usize) {
        let fill = if self.flags.zero && !self.flags.minus { '0' } else { ' ' };
        self.out.extend(std::iter::repeat_n(fill, count));
    }
}

/// The character with code `u`; U+FFFD for a non-character, as Go's `%c` does.
fn rune(u: u64) -> char {
    u32::try_from(u).ok().and_then(char::from_u32).unwrap_or('\u{FFFD}')
}

fn truncate(s: &str, precision: Option<usize>) -> &str {
    match precision.and_then(|p| s.char_indices().nth(p)) {
        Some((end, _)) => &s[..end],
        None => s,
    }
}

/// Go's `strconv.Quote` (delimiter `"`) or `QuoteRune` (`'`), ASCII-only like
/// `QuoteToASCII` when asked.
fn quote(s: &str, delimiter: char, ascii_only: bool) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push(delimiter);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            c if c == delimiter => {
                out.push('\\');
                out.push(c);
            }
            '\x07' => out.push_str("\\a"),
            '\x08' => out.push_str("\\b"),
            '\x0C' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x0B' => out.push_str("\\v"),
            c if is_printable(c) && (c.is_ascii() || !ascii_only) => out.push(c),
            c if c < ' ' || c == '\x7F' => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push(delimiter);
    out
}

/// An approximation of Go's `strconv.IsPrint`: not a control, format or private-use
/// character, and no space but U+0020.
fn is_printable(c: char) -> bool {
    !c.is_control()
        && (c == ' ' || !c.is_whitespace())
        && !matches!(c, '\u{AD}' | '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}')
        && !matches!(c, '\u{E000}'..='\u{F8FF}' | '\u{F0000}'..)
}

/// Go's `strconv.CanBackquote`.
fn can_backquote(s: &str) -> bool {
    !s.chars().any(|c| (c < ' ' && c != '\t') || matches!(c, '`' | '\x7F' | '\u{FEFF}'))
}

/// `strconv.FormatFloat(v, verb, precision, 64)` for a finite, non-negative `v`
/// (`None`: the shortest text that reads back exactly).
fn format_float(v: f64, verb: char, precision: Option<usize>) -> String {
    match (verb, precision) {
        ('f', Some(p)) => format!("{v:.p$}"),
        ('f', None) => format!("{v}"),
        ('e' | 'E', Some(p)) => go_exponent(&format!("{v:.p$e}"), verb == 'E'),
        ('e' | 'E', None) => go_exponent(&format!("{v:e}"), verb == 'E'),
        ('b', _) => binary_exponent(v),
        ('x' | 'X', _) => hex_float(v, precision, verb == 'X'),
        _ => general(v, precision, verb == 'G'),
    }
}

/// The significand (53 bits with the implicit one) and binary exponent of a finite
/// `v`, scaled so that `v = significand × 2^(exponent - 52)`.
fn binary_parts(v: f64) -> (u64, i64) {
    let bits = v.to_bits();
    let fraction = bits & ((1 << 52) - 1);
    match (bits >> 52) & 0x7FF {
        0 => (fraction, -1022),
        biased => (fraction | 1 << 52, biased as i64 - 1023),
    }
}

/// `%b`: `4503599627370496p-52`.
fn binary_exponent(v: f64) -> String {
    let (significand, exponent) = binary_parts(v);
    format!("{significand}p{:+}", exponent - 52)
}

/// `%x`: `0x1.8p+00`, one leading binary digit, the fraction in hex rounded (half to
/// even) to `precision` digits, or as many as it needs.
fn hex_float(v: f64, precision: Option<usize>, upper: bool) -> String {
    const LEAD: u64 = 1 << 60;
    let (significand, mut exponent) = binary_parts(v);
    if significand == 0 {
        exponent = 0;
    }
    // The leading one at bit 60, four fraction bits per hex digit below it.
    let mut m = significand << 8;
    while m != 0 && m & LEAD == 0 {
        m <<= 1;
        exponent -= 1;
    }
    if let Some(p) = precision.filter(|&p| p < 15) {
        let shift = p as u32 * 4;
        let dropped = (m << shift) & (LEAD - 1);
        m >>= 60 - shift;
        if dropped | (m & 1) > LEAD >> 1 {
            m += 1;
        }
        m <<= 60 - shift;
        if m & (LEAD << 1) != 0 {
            m >>= 1;
            exponent += 1;
        }
    }
    let digit = |m: u64| {
        let d = char::from_digit(((m >> 60) & 15) as u32, 16).unwrap_or('0');
        if upper { d.to_ascii_uppercase() } else { d }
    };
    let mut out = String::from(if upper { "0X" } else { "0x" });
    out.push(digit(m));
    m <<= 4;
    let fraction_digits = precision.unwrap_or(if m == 0 { 0 } else { usize::MAX });
    if fraction_digits > 0 {
        out.push('.');
        for _ in 0..fraction_digits {
            if precision.is_none() && m == 0 {
                break;
            }
            out.push(digit(m));
            m <<= 4;
        }
    }
    let sign = if exponent < 0 { '-' } else { '+' };
    out.push_str(&format!("{}{sign}{:02}", if upper { 'P' } else { 'p' }, exponent.unsigned_abs()));
    out
}

/// Rust's `1.5e-7` as Go writes it: `1.5e-07` (a signed exponent of two digits or more).
fn go_exponent(rust: &str, upper: bool) -> String {
    let (mantissa, exponent) = rust.split_once('e').unwrap_or((rust, "0"));
    let (sign, digits) = exponent.strip_prefix('-').map_or(('+', exponent), |d| ('-', d));
    format!("{mantissa}{}{sign}{digits:0>2}", if upper { 'E' } else { 'e' })
}

/// Decimal digits of a value (no trailing zeros; none for zero) and the position of the
/// decimal point relative to them, like Go's internal `decimalSlice`.
struct Decimal {
    digits: Vec<u8>,
    point: i64,
}

impl Decimal {
    /// `v` rounded to `significant` digits, or its shortest exact form.
    fn of(v: f64, significant: Option<usize>) -> Decimal {
        if v == 0.0 {
            return Decimal { digits: Vec::new(), point: 0 };
        }
        let text = match significant {
            Some(n) => format!("{v:.*e}", n.saturating_sub(1)),
            None => format!("{v:e}"),
        };
        let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
        let mut digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
        while digits.len() > 1 && digits.last() == Some(&b'0') {
            digits.pop();
        }
        Decimal { digits, point: exponent.parse::<i64>().unwrap_or(0) + 1 }
    }

    fn len(&self) -> i64 {
        self.digits.len() as i64
    }

    /// The digit at `index` (zero outside the digits).
    fn digit(&self, index: i64) -> char {
        usize::try_from(index).ok().and_then(|i| self.digits.get(i)).map_or('0', |&d| char::from(d))
    }

    /// `d.ddde±xx` with `precision` digits after the point.
    fn exponent_form(&self, precision: i64, upper: bool) -> String {
        let mut out = String::new();
        out.push(self.digit(0));
        if precision > 0 {
            out.push('.');
            out.extend((1..=precision).map(|i| self.digit(i)));
        }
        let exponent = if self.digits.is_empty() { 0 } else { self.point - 1 };
        let sign = if exponent < 0 { '-' } else { '+' };
        out.push_str(&format!("{}{sign}{:02}", if upper { 'E' } else { 'e' }, exponent.unsigned_abs()));
        out
    }

    /// `ddd.ddd` with `precision` digits after the point.
    fn fixed_form(&self, precision: i64) -> String {
        let mut out = String::new();
        if self.point > 0 {
            out.extend((0..self.point).map(|i| self.digit(i)));
        } else {
            out.push('0');
        }
        if precision > 0 {
            out.push('.');
            out.extend((0..precision).map(|i| self.digit(self.point + i)));
        }
        out
    }
}

/// Go's `%g`: exponent form when the exponent is below -4 or at least the precision
/// (6 for the shortest form), else fixed form; no trailing zeros.
fn general(v: f64, precision: Option<usize>, upper: bool) -> String {
    let significant = precision.map(|p| p.max(1));
    let decimal = Decimal::of(v, significant);
    let count = decimal.len();
    let mut shown = significant.map_or(count, |p| p as i64);
    let limit = match significant {
        None => 6,
        Some(_) if shown > count && count >= decimal.point => count,
        Some(_) => shown,
    };
    let exponent = decimal.point - 1;
    if exponent < -4 || exponent >= limit {
        shown = shown.min(count);
        return decimal.exponent_form((shown - 1).max(0), upper);
    }
    if shown > decimal.point {
        shown = count;
    }
    decimal.fixed_form((shown - decimal.point).max(0))
}

/// The `#` flag on a float: a point always, and for `%g` and `%x` trailing zeros up to
/// the precision (6 by default). Like Go, this counts the `x` of `0x` as a digit.
fn with_point(number: &str, verb: char, precision: Option<usize>) -> String {
    let exponent_marks: &[char] = if matches!(verb, 'x' | 'X') { &['p', 'P'] } else { &['e', 'E'] };
    let (mantissa, tail) = number.find(exponent_marks).map_or((number, ""), |i| number.split_at(i));
    let mut missing = match verb {
        'g' | 'G' | 'x' => precision.unwrap_or(6) as i64,
        _ => 0,
    };
    let mut significant = false;
    for c in mantissa.chars().filter(|&c| c != '.') {
        significant |= c != '0';
        if significant {
            missing -= 1;
        }
    }
    let mut out = mantissa.to_string();
    if !mantissa.contains('.') {
        if mantissa == "0" {
            missing -= 1;
        }
        out.push('.');
    }
    out.extend(std::iter::repeat_n('0', missing.max(0) as usize));
    out.push_str(tail);
    out
}

/// Go's `time.Duration.String`: `1h2m3.5s`, `1.5ms`, `0s`.
pub fn go_duration(nanos: i64) -> String {
    if nanos == 0 {
        return "0s".to_string();
    }
    let sign = if nanos < 0 { "-" } else { "" };
    let n = nanos.unsigned_abs();
    let text = match n {
        0..1_000 => format!("{n}ns"),
        1_000..1_000_000 => format!("{}µs", decimal_fraction(n, 1_000)),
        1_000_000..1_000_000_000 => format!("{}ms", decimal_fraction(n, 1_000_000)),
        _ => {
            let seconds = n / 1_000_000_000;
            let (hours, minutes) = (seconds / 3600, seconds / 60 % 60);
            let rest = format!("{}s", decimal_fraction(n % 60_000_000_000, 1_000_000_000));
            match (hours, minutes) {
                (0, 0) => rest,
                (0, m) => format!("{m}m{rest}"),
                (h, m) => format!("{h}h{m}m{rest}"),
            }
        }
    };
    format!("{sign}{text}")
}

/// `value / unit` with its fraction, trailing zeros dropped (`1500, 1000` → `1.5`).
fn decimal_fraction(value: u64, unit: u64) -> String {
    let (whole, fraction) = (value / unit, value % unit);
    if fraction == 0 {
        return whole.to_string();
    }
    let places = unit.ilog10() as usize;
    format!("{whole}.{fraction:0places$}").trim_end_matches('0').to_string()
}

/// Go's `time.Time.String` (`2006-01-02 15:04:05.999999999 -0700 MST`), the zone
/// named `UTC` or by its offset.
fn go_time(t: &chrono::DateTime<chrono::FixedOffset>) -> String {
    let nanos = t.timestamp_subsec_nanos();
    let fraction = if nanos == 0 { String::new() } else { format!(".{nanos:09}").trim_end_matches('0').to_string() };
    let offset = t.format("%z").to_string();
    let zone = if t.offset().local_minus_utc() == 0 { "UTC" } else { offset.as_str() };
    format!("{}{fraction} {offset} {zone}", t.format("%Y-%m-%d %H:%M:%S"))
}

#[cfg(test)]
// 3.14159 is the reference's own test value, not an approximation of π.
#[allow(clippy::approx_constant)]
mod tests {
    use super::*;

    fn s(text: &str) -> Value {
        Value::string(text)
    }

    fn format(pattern: &str, args: Vec<Value>) -> String {
        sprintf(pattern, &args)
    }

    #[test]
    fn format_matches_go_sprintf() {
        use Value::{Bool, Bytes, Float, Int, Nil};
        // Expected texts produced by Go 1.26 fmt.Sprintf.
        let cases: Vec<(&str, Vec<Value>, &str)> = vec![
            ("%03d-%s", vec![Int(7), s("test")], "007-test"),
            ("%02d", vec![Int(5)], "05"),
            ("%04d-%02d-%02d", vec![Int(2023), Int(2), Int(4)], "2023-02-04"),
            ("%v|%v|%v|%v|%v", vec![s("a"), Int(-3), Float(2.5), Bool(true), Nil], "a|-3|2.5|true|<nil>"),
            (
                "%5d|%-5d|%+d|% d|%05d|%-05d",
                vec![Int(42), Int(42), Int(42), Int(42), Int(-42), Int(42)],
                "   42|42   |+42| 42|-0042|42   ",
            ),
            (
                "%x|%X|%#x|%o|%#o|%O|%b|%#b",
                vec![Int(255), Int(255), Int(255), Int(8), Int(8), Int(8), Int(5), Int(5)],
                "ff|FF|0xff|10|010|0o10|101|0b101",
            ),
            ("%.3d|%8.3d|%.0d|%5.0d|", vec![Int(7), Int(-7), Int(0), Int(0)], "007|    -007||     |"),
            ("%#08x|%08.3x", vec![Int(255), Int(255)], "0x000000ff|     0ff"),
            ("%c|%q|%U|%#U", vec![Int(65), Int(65), Int(128512), Int(65)], "A|'A'|U+1F600|U+0041 'A'"),
            (
                "%f|%.2f|%8.3f|%-8.1f|%08.2f|%+.1f|% .1f",
                vec![Float(3.14159), Float(3.14159), Float(-3.14159), Float(2.0), Float(-3.14159), Float(2.0), Float(2.0)],
                "3.141590|3.14|  -3.142|2.0     |-0003.14|+2.0| 2.0",
            ),
            (
                "%e|%E|%.2e|%g|%G|%.3g|%g|%g",
                vec![
                    Float(123456.789),
                    Float(0.000123),
                    Float(0.0),
                    Float(1e+21),
                    Float(1e-07),
                    Float(1234.5678),
                    Float(100000.0),
                    Float(1e+06),
                ],
                "1.234568e+05|1.230000E-04|0.00e+00|1e+21|1E-07|1.23e+03|100000|1e+06",
            ),
            (
                "%v|%v|%v|%.0f|%.1f|%.2f",
                vec![Float(1.23456789e+08), Float(0.0001), Float(-0.0), Float(2.5), Float(0.25), Float(1.005)],
                "1.23456789e+08|0.0001|-0|2|0.2|1.00",
            ),
            (
                "%5.1f|%-6v|%06v|%+v|% v",
                vec![Float(f64::INFINITY), Float(f64::NAN), Float(f64::NEG_INFINITY), Float(f64::NAN), Float(f64::NAN)],
                " +Inf|NaN   |  -Inf|NaN| NaN",
            ),
            (
                "%#g|%#.3g|%#.0f|%#e|%#v",
                vec![Float(1.0), Float(2.0), Float(3.0), Float(1.0), Float(1e+06)],
                "1.00000|2.00|3.|1.000000e+00|1e+06",
            ),
            (
                "%x|%X|%.2x|%#x|%b|%x|%.0x|%x|%#X|%-12x|%+x",
                vec![
                    Float(1.5),
                    Float(1.5),
                    Float(0.3333333333333333),
                    Float(1.0),
                    Float(1.0),
                    Float(0.0),
                    Float(1.5),
                    Float(5e-324),
                    Float(1.0),
                    Float(-2.0),
                    Float(255.0),
                ],
                "0x1.8p+00|0X1.8P+00|0x1.55p-02|0x1.0000p+00|4503599627370496p-52|0x0p+00|0x1p+01|0x1p-1074|0X1.P+00|-0x1p+01    |+0x1.fep+07",
            ),
            (
                "%s|%10s|%-10s|%.2s|%q|%+q|%#q|%x|% X|%#x",
                vec![s("hi"), s("hi"), s("hi"), s("héllo"), s("a\"b\u{a}"), s("é"), s("a`b"), s("hi"), s("hi"), s("hi")],
                "hi|        hi|hi        |hé|\"a\\\"b\\n\"|\"\\u00e9\"|\"a`b\"|6869|68 69|0x6869",
            ),
            ("%05s|%t|%v|%5t", vec![s("ab"), Bool(false), Bool(true), Bool(true)], "000ab|false|true| true"),
            (
                "%v|%d|%s|%x|%X|% x|%q",
                vec![
                    Bytes(vec![1, 2]),
                    Bytes(vec![1, 2]),
                    Bytes(vec![104, 105]),
                    Bytes(vec![1, 171]),
                    Bytes(vec![1, 171]),
                    Bytes(vec![1, 171]),
                    Bytes(vec![97]),
                ],
                "[1 2]|[1 2]|hi|01ab|01AB|01 ab|\"a\"",
            ),
            (
                "%d|%s|%t|%d|%s",
                vec![s("x"), Int(5), Int(1), Nil, Float(1.5)],
                "%!d(string=x)|%!s(int64=5)|%!t(int64=1)|%!d(<nil>)|%!s(float64=1.5)",
            ),
            ("%d %d", vec![Int(1)], "1 %!d(MISSING)"),
            ("%d", vec![Int(1), s("a"), Nil], "1%!(EXTRA string=a, <nil>)"),
            ("100%%|%z|%!|%", vec![Int(1), Int(2)], "100%|%!z(int64=1)|%!!(int64=2)|%!(NOVERB)"),
            ("%[2]d %[1]d|%[3]d|%[0]d", vec![Int(1), Int(2)], "2 1|%!d(BADINDEX)|%!d(BADINDEX)"),
            (
                "%*d|%-*d|%.*f|%*d",
                vec![Int(5), Int(42), Int(4), Int(7), Int(2), Float(3.14159), s("x"), Int(9)],
                "   42|7   |3.14|%!(BADWIDTH)9",
            ),
            (
                "%T|%T|%T|%T|%T|%T",
                vec![s("a"), Int(1), Float(1.0), Bool(true), Nil, Bytes(vec![])],
                "string|int64|float64|bool|<nil>|[]uint8",
            ),
            ("%#v|%#v|%+d|%5.1s|", vec![s("a"), Int(3), Int(3), s("abc")], "\"a\"|3|+3|    a|"),
            ("%v|%8.3v|%.3v", vec![Float(1e-05), Float(3.14159), s("abcdef")], "1e-05|    3.14|abc"),
            (
                "%+v|%+v|%#v|%05c|%05q|%-5c|",
                vec![Int(5), Float(1.5), Bytes(vec![1, 2]), Int(65), Int(65), Int(65)],
                "5|1.5|[]byte{0x1, 0x2}|0000A|00'A'|A    |",
            ),
            (
                "%o|%f|%#x|% #x|%#X",
                vec![Bytes(vec![8, 9]), Bytes(vec![1]), Bytes(vec![1, 2]), Bytes(vec![1, 2]), Bytes(vec![])],
                "[10 11]|[%!f(uint8=1)]|0x0102|0x01 0x02|",
            ),
            (
                "%8x|%-8X|%08x|%8q|%x",
                vec![Bytes(vec![1, 2]), s("hi"), s("hi"), s("é\u{7}\u{0}\u{a0}\u{200b}"), s("")],
                "    0102|6869    |00006869|\"é\\a\\x00\\u00a0\\u200b\"|",
            ),
            ("%[1]d %d %d", vec![Int(1), Int(2)], "1 2 %!d(MISSING)"),
            ("%[2]*[1]d|%[3]d", vec![Int(7), Int(4), Int(9)], "   7|9"),
            (
                "%.2g|%.10g|%g|%g|%.1e|%10.4e|%-+10.2g|",
                vec![
                    Float(1.2345e-05),
                    Float(0.3333333333333333),
                    Float(1e-05),
                    Float(123456.0),
                    Float(0.05),
                    Float(-12345.678),
                    Float(9.99),
                ],
                "1.2e-05|0.3333333333|1e-05|123456|5.0e-02|-1.2346e+04|+10       |",
            ),
            (
                "%.0g|%#.0g|%.3f|%.20f|%v|%v",
                vec![Float(15.0), Float(15.0), Float(1e+20), Float(0.1), Float(5e-324), Float(1.7976931348623157e+308)],
                "2e+01|2.e+01|100000000000000000000.000|0.10000000000000000555|5e-324|1.7976931348623157e+308",
            ),
            (
                "%#o|%#O|%#08b|%+x|% x|%x",
                vec![Int(0), Int(8), Int(5), Int(-255), Int(255), Int(-9223372036854775808)],
                "0|0o010|0b00000101|-ff| ff|-8000000000000000",
            ),
            (
                "%c|%c|%q|%+q|%#q|%U",
                vec![Int(-1), Int(1114112), Int(9786), Int(9786), s("x"), Int(-1)],
                "\u{fffd}|\u{fffd}|'☺'|'\\u263a'|`x`|U+FFFFFFFFFFFFFFFF",
            ),
            ("%w|%#w|%[1]", vec![s("a"), s("b")], "%!w(string=a)|%!w(string=\"b\")|%!(NOVERB)"),
            ("%.", vec![Int(5)], "%!.(int64=5)"),
            ("%-010d|%+05d|% 05d|%+-5d|", vec![Int(3), Int(3), Int(3), Int(3)], "3         |+0003| 0003|+3   |"),
            (
                "%6.2f|%-+8.3e|% 9.1E|%+09.3f|% 010.1f|",
                vec![Float(3.14159), Float(12345.0), Float(0.001), Float(-1.5), Float(2.5)],
                "  3.14|+1.234e+04|  1.0E-03|-0001.500| 0000002.5|",
            ),
            (
                "%5z|%-+5z|%.1s|%.0s|%x",
                vec![Int(3), Int(3), s("日本"), s("abc"), s("日")],
                "%!z(int64=    3)|%!z(int64=+3   )|日||e697a5",
            ),
        ];
        for (pattern, args, expected) in cases {
            assert_eq!(format(pattern, args), expected, "Format({pattern:?})");
        }
    }

    #[test]
    fn format_prints_other_values() {
        let mut map = crate::value::Map::new();
        map.insert("b".into(), Value::Int(1));
        assert_eq!(format("%v %s", vec![Value::Map(map), Value::Slice(vec![s("x")])]), r#"{"b":1} ["x"]"#);
        assert_eq!(
            format("%v|%s|%d", vec![Value::Duration(90_500_000_000), Value::Duration(1_500), Value::Duration(7)]),
            "1m30.5s|1.5µs|7"
        );
        assert_eq!(
            format("%v|%v|%v", vec![Value::Duration(0), Value::Duration(-3_600_000_000_000), Value::Duration(2_000_000)]),
            "0s|-1h0m0s|2ms"
        );
        let mut id = [0u8; 8];
        id[7] = 0xAB;
        assert_eq!(format("%v|%d", vec![Value::SpanId(id), Value::SpanId(id)]), "00000000000000ab|[0 0 0 0 0 0 0 171]");
        assert_eq!(format("[%v]", vec![Value::TraceId([0; 16])]), "[]");
        let time = chrono::DateTime::parse_from_rfc3339("2023-02-04T05:06:07.5Z").unwrap();
        assert_eq!(format("%v", vec![Value::Time(time)]), "2023-02-04 05:06:07.5 +0000 UTC");
        assert_eq!(format("%f", vec![Value::Time(time)]), "%!f(time.Time=2023-02-04 05:06:07.5 +0000 UTC)");
        assert_eq!(format("%.1000000d|", vec![Value::Int(1)]).len(), 1_000_001);
        assert_eq!(format("%99999999999999999999d", vec![Value::Int(1)]), "%!(NOVERB)%!(EXTRA int64=1)");
    }

    #[test]
    fn float_v_switches_to_exponent_form_like_go() {
        assert_eq!(float_v(99.9), "99.9");
        assert_eq!(float_v(0.00001), "1e-05");
        assert_eq!(float_v(1e6), "1e+06");
        assert_eq!(float_v(123456.5), "123456.5");
        assert_eq!(float_v(0.0), "0");
    }
}
