//! String converters: joining, splitting and cutting strings, case conversion, Go's
//! `fmt.Sprintf`, prefix/suffix/regex tests, character-set and base64 decoding.
//!
//! Go strings are byte strings; where the reference can produce bytes that are not UTF-8
//! (a byte-offset `Substring`, a decoded payload) the result here is the lossy UTF-8 text,
//! with U+FFFD in place of the invalid bytes.

use super::Args;
use super::shorthand::*;
use crate::coerce;
use crate::error::{Error, Result};
use crate::value::Value;

pub(crate) static FUNCTIONS: &[Function] = &[
    Function::converter(
        "Decode",
        &[r("target", K::Getter), r("encoding", K::StringGetter)],
        T::String,
        |args, _| decode(args),
        "Decodes bytes or a string from an IANA character set or a base64 variant.",
        &[Example::new(r#"Decode("aGVsbG8gd29ybGQ=", "base64")"#, r#""hello world""#)],
    ),
    Function::converter(
        "Base64Encode",
        &[r("target", K::StringGetter), o("variant", K::StringGetter)],
        T::String,
        |args, _| base64_encode(args),
        "Encodes a string as base64 (`variant`: \"base64\", \"base64-raw\", \"base64-url\", \"base64-raw-url\").",
        &[
            Example::new(r#"Base64Encode(attributes["message"])"#, r#""aGVsbG8gd29ybGQ=""#),
            Example::new(r#"Base64Encode("hi?>", "base64-url")"#, r#""aGk_Pg==""#),
        ],
    ),
    Function::converter(
        "IsMatch",
        &[r("target", K::StringLikeGetter), r("pattern", K::StringGetter)],
        T::Bool,
        |args, _| is_match(args),
        "Whether an RE2 regular expression matches part of the value (non-strings are stringified; nil gives false).",
        &[
            Example::new(r#"IsMatch(attributes["http.url"], "^https://")"#, r#"true"#),
            Example::new(r#"IsMatch(attributes["http.status_code"], "^2\\d\\d$")"#, r#"true"#),
        ],
    ),
    Function::converter(
        "HasPrefix",
        &[r("target", K::StringGetter), r("prefix", K::StringGetter)],
        T::Bool,
        |args, _| has_prefix(args),
        "Whether the string starts with `prefix`.",
        &[Example::new(r#"HasPrefix(attributes["http.route"], "/users/")"#, r#"true"#)],
    ),
    Function::converter(
        "HasSuffix",
        &[r("target", K::StringGetter), r("suffix", K::StringGetter)],
        T::Bool,
        |args, _| has_suffix(args),
        "Whether the string ends with `suffix`.",
        &[Example::new(r#"HasSuffix(attributes["http.url"], ".json")"#, r#"false"#)],
    ),
    // ---- Converters: strings ----
    // The newest reference takes the delimiter from any string getter (e2e: a path).
    Function::converter(
        "Concat",
        &[r("vals", K::StringLikeGetterList), r("delimiter", K::StringGetter)],
        T::String,
        |args, _| concat(args),
        "Joins the string forms of the values with `delimiter`.",
        &[
            Example::new(r#"Concat([attributes["http.method"], attributes["http.route"]], " ")"#, r#""GET /users/123""#),
            Example::new(r#"Concat(["status", attributes["http.status_code"], nil], "-")"#, r#""status-200-<nil>""#),
        ],
    ),
    Function::converter(
        "Split",
        &[r("target", K::StringGetter), r("delimiter", K::StringGetter)],
        STRINGS,
        |args, _| split(args),
        "Splits a string at every `delimiter` (Go strings.Split).",
        &[Example::new(r#"Split(attributes["message"], " ")"#, r#"["hello", "world"]"#)],
    ),
    Function::converter(
        "Substring",
        &[r("target", K::StringGetter), r("start", K::IntGetter), r("length", K::IntGetter), o("utf8_safe", K::Bool)],
        T::String,
        |args, _| substring(args),
        "The `length` bytes starting at byte `start`; out of range is an error.",
        &[Example::new(r#"Substring(attributes["http.url"], 8, 11)"#, r#""example.com""#)],
    ),
    Function::converter(
        "Trim",
        &[r("target", K::StringGetter), o("replacement", K::String)],
        T::String,
        |args, _| trim(args),
        "Removes the characters of `replacement` (default a space) from both ends.",
        &[Example::new(r#"Trim("  hello  ")"#, r#""hello""#), Example::new(r#"Trim("--v1--", "-")"#, r#""v1""#)],
    ),
    Function::converter(
        "TrimPrefix",
        &[r("target", K::StringGetter), r("prefix", K::StringGetter)],
        T::String,
        |args, _| trim_prefix(args),
        "Removes a leading `prefix`.",
        &[Example::new(r#"TrimPrefix(attributes["http.route"], "/users")"#, r#""/123""#)],
    ),
    Function::converter(
        "TrimSuffix",
        &[r("target", K::StringGetter), r("suffix", K::StringGetter)],
        T::String,
        |args, _| trim_suffix(args),
        "Removes a trailing `suffix`.",
        &[Example::new(r#"TrimSuffix(attributes["http.url"], "?token=abc")"#, r#""https://example.com/users/123""#)],
    ),
    Function::converter(
        "ConvertCase",
        &[r("target", K::StringGetter), r("to_case", K::String)],
        T::String,
        |args, _| convert_case(args),
        "Converts the case: \"lower\", \"upper\", \"snake\" or \"camel\" (UpperCamel).",
        &[
            Example::new(r#"ConvertCase("userId", "snake")"#, r#""user_id""#),
            Example::new(r#"ConvertCase(attributes["http.method"], "lower")"#, r#""get""#),
        ],
    ),
    Function::converter(
        "ToLowerCase",
        TARGET_STR,
        T::String,
        |args, _| to_lower_case(args),
        "The string in lower case.",
        &[Example::new(r#"ToLowerCase(attributes["http.method"])"#, r#""get""#)],
    ),
    Function::converter(
        "ToUpperCase",
        TARGET_STR,
        T::String,
        |args, _| to_upper_case(args),
        "The string in upper case.",
        &[Example::new(r#"ToUpperCase(attributes["env"])"#, r#""STAGING""#)],
    ),
    Function::converter(
        "ToSnakeCase",
        TARGET_STR,
        T::String,
        |args, _| to_snake_case(args),
        "The string in snake_case.",
        &[Example::new(r#"ToSnakeCase("OrderItemCount")"#, r#""order_item_count""#)],
    ),
    Function::converter(
        "ToCamelCase",
        TARGET_STR,
        T::String,
        |args, _| to_camel_case(args),
        "The string in UpperCamelCase (`foo_bar` → `FooBar`).",
        &[Example::new(r#"ToCamelCase("order_item_count")"#, r#""OrderItemCount""#)],
    ),
    Function::converter(
        "Format",
        &[r("format", K::String), r("vals", K::GetterList)],
        T::String,
        |args, _| format(args),
        "Formats the values with a Go fmt.Sprintf format.",
        &[
            Example::new(r#"Format("%s %d", [attributes["http.method"], attributes["http.status_code"]])"#, r#""GET 200""#),
            Example::new(r#"Format("%.2f", [3.14159])"#, r#""3.14""#),
        ],
    ),
    Function::converter(
        "matches",
        &[r("target", K::StringLikeGetter), r("pattern", K::StringGetter)],
        T::Bool,
        |args, _| is_match(args),
        "The seed's spelling of IsMatch: whether an RE2 regular expression matches part of the value.",
        &[Example::new(r#"matches(span.attributes["http.route"], "^/users/\\d+$")"#, r#"true"#)],
    )
    .origin(Origin::Seed)
    .alias_of("IsMatch"),
];

/// `Concat(vals, delimiter)`: the string forms of the values joined by `delimiter`; nil is
/// written as Go's `fmt.Sprint(nil)` writes it, `<nil>`.
fn concat(args: &mut Args<'_>) -> Result<Value> {
    let delimiter = args.string(1)?;
    let parts = args
        .list(0)?
        .iter()
        .map(|value| Ok(coerce::string_like(value)?.unwrap_or_else(|| "<nil>".to_string())))
        .collect::<Result<Vec<String>>>()?;
    Ok(Value::String(parts.join(delimiter)))
}

/// `Split(target, delimiter)`: Go's `strings.Split`, as a slice of strings.
fn split(args: &mut Args<'_>) -> Result<Value> {
    let target = args.string(0)?;
    let delimiter = args.string(1)?;
    Ok(Value::Slice(go_split(target, delimiter).into_iter().map(Value::string).collect()))
}

/// Go's `strings.Split`: an empty delimiter splits after every character (and gives no
/// pieces at all for an empty string), where Rust's `split("")` adds empty ends.
fn go_split<'a>(text: &'a str, delimiter: &str) -> Vec<&'a str> {
    if delimiter.is_empty() {
        text.char_indices().map(|(i, c)| &text[i..i + c.len_utf8()]).collect()
    } else {
        text.split(delimiter).collect()
    }
}

/// `Substring(target, start, length, utf8_safe?)`: `length` bytes (characters when
/// `utf8_safe`) from `start`; a range outside the string is an error. The arguments are
/// checked in the reference's order: start, length, then the target.
fn substring(args: &mut Args<'_>) -> Result<Value> {
    let start = args.int(1)?;
    if start < 0 {
        crate::bail!("invalid start for substring function, {start} cannot be negative");
    }
    let length = args.int(2)?;
    if length <= 0 {
        crate::bail!("invalid length for substring function, {length} cannot be negative or zero");
    }
    let target = args.string(0)?;
    let utf8_safe = args.optional(3).map(coerce::bool).transpose()?.unwrap_or(false);
    let piece = if utf8_safe { substring_chars(target, start, length)? } else { substring_bytes(target, start, length)? };
    Ok(Value::String(piece))
}

/// The byte range `start..start+length`; a character cut at either end becomes U+FFFD.
fn substring_bytes(target: &str, start: i64, length: i64) -> Result<String> {
    let len = target.len() as i64;
    if start > len || length > len - start {
        crate::bail!(
            "invalid range for substring function, start({start})+length({length}) cannot be greater than the length of target string({len})"
        );
    }
    let bytes = target.as_bytes().get(start as usize..(start + length) as usize).unwrap_or_default();
    Ok(String::from_utf8_lossy(bytes).into_owned())
}

/// The character range `start..start+length`. Like the reference, a range that ends past
/// the string's byte length is reported as such before characters are counted.
fn substring_chars(target: &str, start: i64, length: i64) -> Result<String> {
    let end = start.saturating_add(length);
    if end > target.len() as i64 {
        crate::bail!(
            "invalid range for substring function, start({start})+length({length}) exceeds byte length({}) of target string",
            target.len()
        );
    }
    // Byte offsets of every character start, then of the string's end.
    let mut offsets = target.char_indices().map(|(i, _)| i).chain(std::iter::once(target.len()));
    match (offsets.nth(start as usize), offsets.nth((length - 1) as usize)) {
        (Some(from), Some(to)) => Ok(target[from..to].to_string()),
        _ => crate::bail!(
            "invalid range for substring function, start({start})+length({length}) cannot be greater than the rune length of target string({})",
            target.chars().count()
        ),
    }
}

/// `Trim(target, cutset?)`: Go's `strings.Trim`; the cutset defaults to a space, and an
/// empty cutset trims nothing.
fn trim(args: &mut Args<'_>) -> Result<Value> {
    let target = args.string(0)?;
    let cutset = args.optional(1).map(coerce::string).transpose()?.unwrap_or(" ");
    Ok(Value::string(target.trim_matches(|c| cutset.contains(c))))
}

fn trim_prefix(args: &mut Args<'_>) -> Result<Value> {
    let target = args.string(0)?;
    let prefix = args.string(1)?;
    Ok(Value::string(target.strip_prefix(prefix).unwrap_or(target)))
}

fn trim_suffix(args: &mut Args<'_>) -> Result<Value> {
    let target = args.string(0)?;
    let suffix = args.string(1)?;
    Ok(Value::string(target.strip_suffix(suffix).unwrap_or(target)))
}

fn has_prefix(args: &mut Args<'_>) -> Result<Value> {
    let target = args.string(0)?;
    let prefix = args.string(1)?;
    Ok(Value::Bool(target.starts_with(prefix)))
}

fn has_suffix(args: &mut Args<'_>) -> Result<Value> {
    let target = args.string(0)?;
    let suffix = args.string(1)?;
    Ok(Value::Bool(target.ends_with(suffix)))
}

/// `ConvertCase(target, to_case)`. The case name is checked before the target, as the
/// reference checks it when the statement is built.
fn convert_case(args: &mut Args<'_>) -> Result<Value> {
    let convert: fn(&str) -> String = match args.string(1)? {
        "lower" => case::lower,
        "upper" => case::upper,
        "snake" => case::snake,
        "camel" => case::camel,
        other => crate::bail!("invalid case: {other}, allowed cases are: lower, upper, snake, camel"),
    };
    Ok(Value::String(convert(args.string(0)?)))
}

fn to_lower_case(args: &mut Args<'_>) -> Result<Value> {
    Ok(Value::String(case::lower(args.string(0)?)))
}

fn to_upper_case(args: &mut Args<'_>) -> Result<Value> {
    Ok(Value::String(case::upper(args.string(0)?)))
}

fn to_snake_case(args: &mut Args<'_>) -> Result<Value> {
    Ok(Value::String(case::snake(args.string(0)?)))
}

fn to_camel_case(args: &mut Args<'_>) -> Result<Value> {
    Ok(Value::String(case::camel(args.string(0)?)))
}

/// `Format(format, vals)`: Go's `fmt.Sprintf(format, vals...)`.
fn format(args: &mut Args<'_>) -> Result<Value> {
    let format = args.string(0)?;
    Ok(Value::String(sprintf::sprintf(format, args.list(1)?)))
}

/// `IsMatch(target, pattern)`: whether the pattern matches part of the target's string
/// form; nil never matches. The pattern is compiled (and can fail) before the target is
/// looked at.
fn is_match(args: &mut Args<'_>) -> Result<Value> {
    let pattern = args.string(1).map_err(|e| e.context("failed to get pattern for IsMatch"))?;
    let regex = crate::regex::compile(pattern).map_err(|e| {
        Error::new(format!("the pattern supplied to IsMatch is not a valid regexp pattern: error parsing regexp: {e}"))
    })?;
    Ok(Value::Bool(args.string_like(0)?.is_some_and(|text| regex.is_match(&text))))
}

/// `Decode(target, encoding)`: bytes or a string decoded from an IANA character set or a
/// base64 variant. The encoding is resolved first, as the reference resolves a literal one
/// when the statement is built.
fn decode(args: &mut Args<'_>) -> Result<Value> {
    let decoder = Decoder::named(args.string(1)?)?;
    let text = match args.value(0) {
        Value::Bytes(bytes) => decoder.decode(bytes)?,
        Value::String(text) => decoder.decode(text.as_bytes())?,
        // Go's `%T` of nil.
        Value::Nil => crate::bail!("unsupported type provided to Decode function: <nil>"),
        other => crate::bail!("unsupported type provided to Decode function: {}", other.go_type()),
    };
    Ok(Value::String(text))
}

/// `Base64Encode(target, variant?)`.
fn base64_encode(args: &mut Args<'_>) -> Result<Value> {
    let text = args.string(0)?;
    let name = args.optional(1).map(coerce::string).transpose().map_err(|e| e.context("failed to get base64 variant"))?;
    let name = name.unwrap_or("base64");
    let variant = base64_go::Variant::named(name).ok_or_else(|| Error::new(format!("unsupported base64 variant: {name}")))?;
    Ok(Value::String(variant.encode(text.as_bytes())))
}

/// What `Decode` decodes with.
enum Decoder {
    Base64(base64_go::Variant),
    Charset(charset::Charset),
}

impl Decoder {
    fn named(name: &str) -> Result<Decoder> {
        match base64_go::Variant::named(name) {
            Some(variant) => Ok(Decoder::Base64(variant)),
            None => charset::Charset::named(name).map(Decoder::Charset),
        }
    }

    fn decode(&self, input: &[u8]) -> Result<String> {
        match self {
            Decoder::Base64(variant) => {
                // Surrounding whitespace (a body's trailing newline) is not an error.
                let trimmed = std::str::from_utf8(input).map_or(input.trim_ascii(), |s| s.trim().as_bytes());
                let bytes = variant.decode(trimmed).map_err(|e| Error::new(e).context("could not decode"))?;
                Ok(String::from_utf8_lossy(&bytes).into_owned())
            }
            Decoder::Charset(charset) => Ok(charset.decode(input)),
        }
    }
}

/// Case conversions as the reference does them: Go's per-character `strings.ToLower`/
/// `ToUpper`, and `iancoleman/strcase` v0.3 for snake and camel case.
mod case {
    /// `strings.ToLower`: Unicode's simple (one character to one character) lower-case
    /// mapping, so `İ` becomes `i` and the final-sigma rule does not apply.
    pub(super) fn lower(text: &str) -> String {
        text.chars()
            .map(|c| match c {
                'İ' => 'i',
                c => single(c.to_lowercase()).unwrap_or(c),
            })
            .collect()
    }

    /// `strings.ToUpper`: the simple upper-case mapping, so `ß` stays `ß` and `ﬁ` stays `ﬁ`;
    /// Greek letters with a subscript iota map to their one-character capital forms.
    pub(super) fn upper(text: &str) -> String {
        text.chars().map(|c| single(c.to_uppercase()).or_else(|| iota_subscript_capital(c)).unwrap_or(c)).collect()
    }

    /// The mapping's result when it is one character.
    fn single(mut mapped: impl Iterator<Item = char>) -> Option<char> {
        match (mapped.next(), mapped.next()) {
            (Some(c), None) => Some(c),
            _ => None,
        }
    }

    /// The simple upper-case mappings of the Greek letters whose full mapping spells the
    /// iota out (`ᾳ` → `ΑΙ`), which Rust's `to_uppercase` gives.
    fn iota_subscript_capital(c: char) -> Option<char> {
        let shifted = match c {
            '\u{1F80}'..='\u{1F87}' | '\u{1F90}'..='\u{1F97}' | '\u{1FA0}'..='\u{1FA7}' => c as u32 + 8,
            '\u{1FB3}' | '\u{1FC3}' | '\u{1FF3}' => c as u32 + 9,
            _ => return None,
        };
        char::from_u32(shifted)
    }

    /// `strcase.ToSnake`: ASCII letters lower-cased; a `_` where a lower-case letter or digit
    /// meets another kind of letter or digit and before the last capital of an acronym
    /// (`JSONData` → `json_data`); space, `-`, `.` become `_`. Other bytes pass through.
    pub(super) fn snake(text: &str) -> String {
        let bytes = text.trim().as_bytes();
        let mut out = Vec::with_capacity(bytes.len() + 2);
        for (i, &byte) in bytes.iter().enumerate() {
            let kind = Kind::of(byte);
            let lowered = byte.to_ascii_lowercase();
            if let Some(next) = bytes.get(i + 1).map(|&b| Kind::of(b))
                && kind.word_boundary(next)
            {
                let after_capital = i > 0 && Kind::of(bytes[i - 1]) == Kind::Upper;
                if kind == Kind::Upper && next == Kind::Lower && after_capital {
                    out.push(b'_');
                }
                out.push(lowered);
                if kind != Kind::Upper || next == Kind::Digit {
                    out.push(b'_');
                }
                continue;
            }
            out.push(if is_separator(byte) { b'_' } else { lowered });
        }
        // Only ASCII bytes were changed or inserted, so the text is still UTF-8.
        String::from_utf8_lossy(&out).into_owned()
    }

    /// `strcase.ToCamel`: words (split at space, `_`, `-`, `.` and after digits) joined with
    /// their first letter capitalised; capitals following a capital are lower-cased
    /// (`ID_card` → `IdCard`); anything but ASCII letters and digits is dropped.
    pub(super) fn camel(text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut capitalise_next = true;
        let mut previous_upper = false;
        for byte in text.trim().bytes() {
            let kind = Kind::of(byte);
            let letter = match kind {
                Kind::Lower if capitalise_next => byte.to_ascii_uppercase(),
                Kind::Upper if !capitalise_next && previous_upper => byte.to_ascii_lowercase(),
                _ => byte,
            };
            previous_upper = kind == Kind::Upper;
            match kind {
                Kind::Upper | Kind::Lower => {
                    out.push(char::from(letter));
                    capitalise_next = false;
                }
                Kind::Digit => {
                    out.push(char::from(byte));
                    capitalise_next = true;
                }
                Kind::Other => capitalise_next = is_separator(byte),
            }
        }
        out
    }

    fn is_separator(byte: u8) -> bool {
        matches!(byte, b' ' | b'_' | b'-' | b'.')
    }

    #[derive(Clone, Copy, PartialEq, Eq)]
    enum Kind {
        Upper,
        Lower,
        Digit,
        Other,
    }

    impl Kind {
        fn of(byte: u8) -> Kind {
            match byte {
                b'A'..=b'Z' => Kind::Upper,
                b'a'..=b'z' => Kind::Lower,
                b'0'..=b'9' => Kind::Digit,
                _ => Kind::Other,
            }
        }

        /// Whether strcase's snake case sees a change of word kind between this byte and
        /// the next (a capital followed by capitals is still one word).
        fn word_boundary(self, next: Kind) -> bool {
            match self {
                Kind::Upper => matches!(next, Kind::Lower | Kind::Digit),
                Kind::Lower => matches!(next, Kind::Upper | Kind::Digit),
                Kind::Digit => matches!(next, Kind::Upper | Kind::Lower),
                Kind::Other => false,
            }
        }
    }
}

/// Go's `encoding/base64` in its four variants. Encoding uses the `base64` crate; decoding
/// follows Go's own rules, which the crate does not reproduce: CR and LF are skipped
/// anywhere, the bits after the last full byte need not be zero, and an error names the
/// offset Go names (`illegal base64 data at input byte 4`).
mod base64_go {
    use base64::Engine as _;
    use base64::engine::general_purpose::{GeneralPurpose, STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};

    #[derive(Clone, Copy)]
    pub(super) enum Variant {
        Standard,
        StandardRaw,
        Url,
        UrlRaw,
    }

    impl Variant {
        /// The variant for an OTTL encoding name.
        pub(super) fn named(name: &str) -> Option<Variant> {
            Some(match name {
                "base64" => Variant::Standard,
                "base64-raw" => Variant::StandardRaw,
                "base64-url" => Variant::Url,
                "base64-raw-url" => Variant::UrlRaw,
                _ => return None,
            })
        }

        fn engine(self) -> &'static GeneralPurpose {
            match self {
                Variant::Standard => &STANDARD,
                Variant::StandardRaw => &STANDARD_NO_PAD,
                Variant::Url => &URL_SAFE,
                Variant::UrlRaw => &URL_SAFE_NO_PAD,
            }
        }

        pub(super) fn encode(self, bytes: &[u8]) -> String {
            self.engine().encode(bytes)
        }

        fn padded(self) -> bool {
            matches!(self, Variant::Standard | Variant::Url)
        }

        /// The 6-bit value of an alphabet character.
        fn sextet(self, c: u8) -> Option<u8> {
            let url = matches!(self, Variant::Url | Variant::UrlRaw);
            Some(match c {
                b'A'..=b'Z' => c - b'A',
                b'a'..=b'z' => c - b'a' + 26,
                b'0'..=b'9' => c - b'0' + 52,
                b'+' if !url => 62,
                b'/' if !url => 63,
                b'-' if url => 62,
                b'_' if url => 63,
                _ => return None,
            })
        }

        /// Decodes as Go's `Encoding.DecodeString` does; the error is Go's message.
        pub(super) fn decode(self, input: &[u8]) -> Result<Vec<u8>, String> {
            self.decode_quanta(input).map_err(|offset| format!("illegal base64 data at input byte {offset}"))
        }

        /// Reads groups of four characters (three bytes); a group that padding or the end
        /// of unpadded input cuts short ends the input. The error is the offending offset.
        fn decode_quanta(self, input: &[u8]) -> Result<Vec<u8>, usize> {
            let mut out = Vec::with_capacity(input.len() / 4 * 3 + 2);
            let mut pos = 0;
            loop {
                let mut quantum = [0u8; 4];
                let mut filled = 0;
                let length = loop {
                    if filled == quantum.len() {
                        break filled;
                    }
                    let Some(&c) = input.get(pos) else {
                        match filled {
                            0 => return Ok(out),
                            1 => return Err(pos - 1),
                            _ if self.padded() => return Err(pos - filled),
                            _ => break filled,
                        }
                    };
                    pos += 1;
                    if let Some(value) = self.sextet(c) {
                        quantum[filled] = value;
                        filled += 1;
                    } else if c != b'\n' && c != b'\r' {
                        if c != b'=' || !self.padded() || filled < 2 {
                            return Err(pos - 1);
                        }
                        pos = self.end_of_padding(input, pos, filled)?;
                        break filled;
                    }
                };
                let bits = quantum.iter().fold(0u32, |acc, &s| acc << 6 | u32::from(s));
                out.extend_from_slice(&bits.to_be_bytes()[1..length]);
                if length < quantum.len() {
                    return Ok(out);
                }
            }
        }

        /// After the first `=` (at `pos - 1`) of a group holding `filled` characters: the
        /// second `=` a two-character group needs, then nothing but line breaks.
        fn end_of_padding(self, input: &[u8], mut pos: usize, filled: usize) -> Result<usize, usize> {
            if filled == 2 {
                pos = skip_line_breaks(input, pos);
                match input.get(pos) {
                    None => return Err(input.len()),
                    Some(b'=') => pos += 1,
                    Some(_) => return Err(pos - 1),
                }
            }
            pos = skip_line_breaks(input, pos);
            if pos < input.len() { Err(pos) } else { Ok(pos) }
        }
    }

    fn skip_line_breaks(input: &[u8], mut pos: usize) -> usize {
        while matches!(input.get(pos), Some(b'\n' | b'\r')) {
            pos += 1;
        }
        pos
    }
}

/// The character sets `Decode` knows: the reference's IANA index (`golang.org/x/text`
/// `ianaindex.IANA`, names and aliases case-insensitive) and its overrides (`utf-16` is
/// little-endian; `utf-8`, `ascii`, `nop` and the empty name pass the bytes through),
/// decoded with `encoding_rs`. Go's IBM code pages and HZ-GB-2312 have no `encoding_rs`
/// decoder and are reported as unsupported.
mod charset {
    use encoding_rs::Encoding;

    use crate::error::{Error, Result};

    pub(super) enum Charset {
        /// UTF-8 (invalid bytes become U+FFFD) and the pass-through overrides.
        Utf8,
        /// US-ASCII under its other IANA names: bytes above 0x7F become U+FFFD.
        Ascii,
        /// An `encoding_rs` decoder, byte order marks kept as characters.
        Table(&'static Encoding),
        /// IANA `UTF-16` (`csUTF16`): a byte order mark picks the order, big-endian without.
        Utf16Marked,
        /// ISO-8859-1 and -9, which the WHATWG tables replace with windows-1252 and -1254:
        /// those tables, except that 0x80–0x9F are the C1 control characters.
        Latin(&'static Encoding),
    }

    impl Charset {
        pub(super) fn named(name: &str) -> Result<Charset> {
            let label = name.trim().to_lowercase();
            lookup(&label).ok_or_else(|| {
                // A name the WHATWG list knows is a real character set Go's index has no
                // decoder for (`GB2312`); anything else is an unknown name.
                if Encoding::for_label(label.as_bytes()).is_some() {
                    Error::new(format!("no charmap defined for encoding '{name}'"))
                } else {
                    Error::new(format!("unsupported encoding '{name}'"))
                }
            })
        }

        pub(super) fn decode(&self, bytes: &[u8]) -> String {
            match self {
                Charset::Utf8 => String::from_utf8_lossy(bytes).into_owned(),
                Charset::Ascii => bytes.iter().map(|&b| if b.is_ascii() { char::from(b) } else { '\u{FFFD}' }).collect(),
                Charset::Table(encoding) => decode_table(encoding, bytes),
                Charset::Utf16Marked => match bytes {
                    [0xFF, 0xFE, rest @ ..] => decode_table(encoding_rs::UTF_16LE, rest),
                    [0xFE, 0xFF, rest @ ..] => decode_table(encoding_rs::UTF_16BE, rest),
                    _ => decode_table(encoding_rs::UTF_16BE, bytes),
                },
                Charset::Latin(encoding) => {
                    let text = encoding.decode_without_bom_handling(bytes).0;
                    // One character per byte in a single-byte encoding.
                    bytes
                        .iter()
                        .zip(text.chars())
                        .map(|(&b, c)| if (0x80..=0x9F).contains(&b) { char::from(b) } else { c })
                        .collect()
                }
            }
        }
    }

    /// Decodes with `encoding_rs`. Go's single-byte tables leave the bytes the WHATWG tables
    /// map to C1 controls undefined, so those become U+FFFD.
    fn decode_table(encoding: &'static Encoding, bytes: &[u8]) -> String {
        let text = encoding.decode_without_bom_handling(bytes).0;
        if encoding.is_single_byte() {
            text.chars().map(|c| if ('\u{80}'..='\u{9F}').contains(&c) { '\u{FFFD}' } else { c }).collect()
        } else {
            text.into_owned()
        }
    }

    /// The reference's names (lower-cased) that have a decoder.
    fn lookup(label: &str) -> Option<Charset> {
        use encoding_rs::*;
        Some(match label {
            "utf-8" | "utf8" | "csutf8" | "nop" | "" | "ascii" | "us-ascii" => Charset::Utf8,
            "ansi_x3.4-1968" | "ansi_x3.4-1986" | "cp367" | "csascii" | "ibm367" | "iso-ir-6" | "iso646-us"
            | "iso_646.irv:1991" | "us" => Charset::Ascii,
            "utf-16" | "utf16" | "utf-16le" | "csutf16le" => Charset::Table(UTF_16LE),
            "utf-16be" | "csutf16be" => Charset::Table(UTF_16BE),
            "csutf16" => Charset::Utf16Marked,
            "iso-8859-1" | "iso_8859-1" | "iso_8859-1:1987" | "iso-ir-100" | "latin1" | "l1" | "ibm819" | "cp819"
            | "csisolatin1" => Charset::Latin(WINDOWS_1252),
            "iso-8859-9" | "iso_8859-9" | "iso_8859-9:1989" | "iso-ir-148" | "latin5" | "l5" | "csisolatin5" => {
                Charset::Latin(WINDOWS_1254)
            }
            "iso-8859-2" | "iso_8859-2" | "iso_8859-2:1987" | "iso-ir-101" | "latin2" | "l2" | "csisolatin2" => {
                Charset::Table(ISO_8859_2)
            }
            "iso-8859-3" | "iso_8859-3" | "iso_8859-3:1988" | "iso-ir-109" | "latin3" | "l3" | "csisolatin3" => {
                Charset::Table(ISO_8859_3)
            }
            "iso-8859-4" | "iso_8859-4" | "iso_8859-4:1988" | "iso-ir-110" | "latin4" | "l4" | "csisolatin4" => {
                Charset::Table(ISO_8859_4)
            }
            "iso-8859-5" | "iso_8859-5" | "iso_8859-5:1988" | "iso-ir-144" | "cyrillic" | "csisolatincyrillic" => {
                Charset::Table(ISO_8859_5)
            }
            "iso-8859-6" | "iso_8859-6" | "iso_8859-6:1987" | "iso-ir-127" | "arabic" | "asmo-708" | "ecma-114"
            | "csisolatinarabic" | "iso-8859-6-e" | "iso_8859-6-e" | "csiso88596e" | "iso-8859-6-i" | "iso_8859-6-i"
            | "csiso88596i" => Charset::Table(ISO_8859_6),
            "iso-8859-7" | "iso_8859-7" | "iso_8859-7:1987" | "iso-ir-126" | "greek" | "greek8" | "ecma-118" | "elot_928"
            | "csisolatingreek" => Charset::Table(ISO_8859_7),
            "iso-8859-8" | "iso_8859-8" | "iso_8859-8:1988" | "iso-ir-138" | "hebrew" | "csisolatinhebrew" | "iso-8859-8-e"
            | "iso_8859-8-e" | "csiso88598e" => Charset::Table(ISO_8859_8),
            "iso-8859-8-i" | "iso_8859-8-i" | "csiso88598i" => Charset::Table(ISO_8859_8_I),
            "iso-8859-10" | "iso_8859-10:1992" | "iso-ir-157" | "latin6" | "l6" | "csisolatin6" => Charset::Table(ISO_8859_10),
            "iso-8859-13" | "csiso885913" => Charset::Table(ISO_8859_13),
            "iso-8859-14" | "iso_8859-14" | "iso_8859-14:1998" | "iso-ir-199" | "iso-celtic" | "latin8" | "l8"
            | "csiso885914" => Charset::Table(ISO_8859_14),
            "iso-8859-15" | "iso_8859-15" | "latin-9" | "csiso885915" => Charset::Table(ISO_8859_15),
            "iso-8859-16" | "iso_8859-16" | "iso_8859-16:2001" | "iso-ir-226" | "latin10" | "l10" | "csiso885916" => {
                Charset::Table(ISO_8859_16)
            }
            "koi8-r" | "cskoi8r" => Charset::Table(KOI8_R),
            "koi8-u" | "cskoi8u" => Charset::Table(KOI8_U),
            "macintosh" | "mac" | "csmacintosh" => Charset::Table(MACINTOSH),
            "ibm866" | "cp866" | "866" | "csibm866" => Charset::Table(IBM866),
            "windows-874" | "cswindows874" => Charset::Table(WINDOWS_874),
            "windows-1250" | "cswindows1250" => Charset::Table(WINDOWS_1250),
            "windows-1251" | "cswindows1251" => Charset::Table(WINDOWS_1251),
            "windows-1252" | "cswindows1252" => Charset::Table(WINDOWS_1252),
            "windows-1253" | "cswindows1253" => Charset::Table(WINDOWS_1253),
            "windows-1254" | "cswindows1254" => Charset::Table(WINDOWS_1254),
            "windows-1255" | "cswindows1255" => Charset::Table(WINDOWS_1255),
            "windows-1256" | "cswindows1256" => Charset::Table(WINDOWS_1256),
            "windows-1257" | "cswindows1257" => Charset::Table(WINDOWS_1257),
            "windows-1258" | "cswindows1258" => Charset::Table(WINDOWS_1258),
            "shift_jis" | "ms_kanji" | "csshiftjis" => Charset::Table(SHIFT_JIS),
            "euc-jp" | "cseucpkdfmtjapanese" | "extended_unix_code_packed_format_for_japanese" => Charset::Table(EUC_JP),
            "iso-2022-jp" | "csiso2022jp" => Charset::Table(ISO_2022_JP),
            "euc-kr" | "cseuckr" => Charset::Table(EUC_KR),
            "gbk" | "cp936" | "ms936" | "windows-936" | "csgbk" => Charset::Table(GBK),
            "gb18030" | "csgb18030" => Charset::Table(GB18030),
            "big5" | "csbig5" => Charset::Table(BIG5),
            _ => return None,
        })
    }
}

/// Go's `fmt.Sprintf` for OTTL values: flags `+ - # 0 space`, width and precision (also
/// `*` and `[n]` argument indexes), the verbs of each Go type, and Go's `%!verb(type=value)`
/// texts for a verb that does not fit, a missing or extra argument.
///
/// Go prints a `pcommon.Map` or `pcommon.Slice` as its internal pointers; here they print
/// as JSON. A `time.Time` prints as Go's `Time.String` with the zone as an offset (`UTC`
/// for UTC).
mod sprintf {
    use crate::coerce;
    use crate::value::Value;

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

    pub(super) fn sprintf(format: &str, args: &[Value]) -> String {
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
    fn go_duration(nanos: i64) -> String {
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
}

#[cfg(test)]
// 3.14159 is the reference's own test value, not an approximation of π.
#[allow(clippy::approx_constant)]
mod tests {
    use super::super::testing::convert;
    use crate::value::Value;

    fn s(text: &str) -> Value {
        Value::string(text)
    }

    fn list(values: Vec<Value>) -> Value {
        Value::Slice(values)
    }

    fn ok(name: &str, args: Vec<Value>) -> Value {
        convert(name, args).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    fn text(name: &str, args: Vec<Value>) -> String {
        match ok(name, args) {
            Value::String(s) => s,
            other => panic!("{name} gave {other:?}"),
        }
    }

    fn err(name: &str, args: Vec<Value>) -> String {
        match convert(name, args) {
            Err(e) => e.message().to_string(),
            Ok(v) => panic!("{name} gave {v:?}, expected an error"),
        }
    }

    #[test]
    fn concat_joins_string_forms() {
        assert_eq!(text("Concat", vec![list(vec![s("hello"), s("world")]), s(" ")]), "hello world");
        assert_eq!(text("Concat", vec![list(vec![s("hello"), Value::Int(1)]), s("")]), "hello1");
        assert_eq!(text("Concat", vec![list(vec![s("hello"), Value::Float(3.14159)]), s("")]), "hello3.14159");
        assert_eq!(text("Concat", vec![list(vec![s("hello"), Value::Bool(true)]), s(" ")]), "hello true");
        let id = vec![0, 0, 0, 0, 0, 0, 0, 0, 0x0e, 0xd2, 0xe6, 0x3c, 0xbe, 0x71, 0xf5, 0xa8];
        assert_eq!(text("Concat", vec![list(vec![Value::Bytes(id)]), s("")]), "00000000000000000ed2e63cbe71f5a8");
        assert_eq!(text("Concat", vec![list(vec![s(""), s(""), s("")]), s("__")]), "____");
        assert_eq!(text("Concat", vec![list(vec![s("hello")]), s("-")]), "hello");
        assert_eq!(text("Concat", vec![list(vec![]), s("-")]), "");
        assert_eq!(text("Concat", vec![list(vec![s("hello"), Value::Nil, s("world")]), s("")]), "hello<nil>world");
        let mut map = crate::value::Map::new();
        map.insert("a".into(), s("b"));
        let nested = list(vec![Value::Int(1), Value::Int(2)]);
        assert_eq!(text("Concat", vec![list(vec![Value::Map(map), nested]), s(",")]), r#"{"a":"b"},[1,2]"#);
        assert_eq!(err("Concat", vec![list(vec![s("a")]), Value::Int(1)]), "expected string but got int64");
    }

    #[test]
    fn split_follows_go() {
        let split = |t: &str, d: &str| ok("Split", vec![s(t), s(d)]);
        assert_eq!(split("A|B|C", "|"), list(vec![s("A"), s("B"), s("C")]));
        assert_eq!(split("a,b,,c", ","), list(vec![s("a"), s("b"), s(""), s("c")]));
        assert_eq!(split("", ","), list(vec![s("")]));
        assert_eq!(split("hé", ""), list(vec![s("h"), s("é")]));
        assert_eq!(split("", ""), list(vec![]));
        assert_eq!(err("Split", vec![Value::Nil, s(",")]), "expected string but got nil");
    }

    #[test]
    fn substring_ranges_and_errors() {
        let sub = |args: Vec<Value>| convert("Substring", args);
        let int = Value::Int;
        assert_eq!(sub(vec![s("pass"), int(0), int(2)]).unwrap(), s("pa"));
        assert_eq!(sub(vec![s("123456789"), int(3), int(6)]).unwrap(), s("456789"));
        assert_eq!(
            err("Substring", vec![s("123456789"), int(0), int(0)]),
            "invalid length for substring function, 0 cannot be negative or zero"
        );
        assert_eq!(
            err("Substring", vec![s("123456789"), int(-1), int(6)]),
            "invalid start for substring function, -1 cannot be negative"
        );
        assert_eq!(
            err("Substring", vec![s(""), int(3), int(6)]),
            "invalid range for substring function, start(3)+length(6) cannot be greater than the length of target string(0)"
        );
        assert!(sub(vec![s("123456789"), int(3), int(20)]).is_err());
        assert!(sub(vec![s("1"), int(0), int(i64::MAX)]).is_err());
        assert_eq!(err("Substring", vec![int(123456789), int(3), int(6)]), "expected string but got int64");
        // Bytes cut through `é` (two bytes); utf8_safe counts characters instead.
        assert_eq!(sub(vec![s("héllo"), int(0), int(2)]).unwrap(), s("h\u{FFFD}"));
        assert_eq!(sub(vec![s("héllo"), int(1), int(3), Value::Bool(true)]).unwrap(), s("éll"));
        assert_eq!(sub(vec![s("héllo"), int(4), int(1), Value::Bool(true)]).unwrap(), s("o"));
        assert_eq!(
            err("Substring", vec![s("héllo"), int(4), int(2), Value::Bool(true)]),
            "invalid range for substring function, start(4)+length(2) cannot be greater than the rune length of target string(5)"
        );
        assert_eq!(
            err("Substring", vec![s("héllo"), int(5), int(2), Value::Bool(true)]),
            "invalid range for substring function, start(5)+length(2) exceeds byte length(6) of target string"
        );
    }

    #[test]
    fn trims_and_affixes() {
        assert_eq!(text("Trim", vec![s(" this is a test "), s(" ")]), "this is a test");
        assert_eq!(text("Trim", vec![s(" this is a test ")]), "this is a test");
        assert_eq!(text("Trim", vec![s(" this is a test "), s("")]), " this is a test ");
        assert_eq!(text("Trim", vec![s("xxhixyx"), s("xy")]), "hi");
        assert_eq!(text("TrimPrefix", vec![s("ingest_service"), s("ingest_")]), "service");
        assert_eq!(text("TrimSuffix", vec![s("ingest_service"), s("_service")]), "ingest");
        assert_eq!(text("TrimPrefix", vec![s("svc"), s("ingest_")]), "svc");
        assert_eq!(ok("HasPrefix", vec![s("ingest_service"), s("ingest_")]), Value::Bool(true));
        assert_eq!(ok("HasSuffix", vec![s("ingest_service"), s("_service")]), Value::Bool(true));
        assert_eq!(ok("HasSuffix", vec![s("operationA"), s("tionB")]), Value::Bool(false));
        assert_eq!(err("HasPrefix", vec![Value::Int(1), s("x")]), "expected string but got int64");
    }

    #[test]
    fn case_conversions_match_strcase() {
        // Snake and camel expectations produced by iancoleman/strcase v0.3.0.
        let cases = [
            ("snake", "simpleTest", "simple_test"),
            ("snake", "fooBar", "foo_bar"),
            ("snake", "MyMetricName", "my_metric_name"),
            ("snake", "CPUUtilizationMetric", "cpu_utilization_metric"),
            ("snake", "simple-string", "simple_string"),
            ("snake", "simple_string", "simple_string"),
            ("snake", "JSONData", "json_data"),
            ("snake", "version2Data", "version_2_data"),
            ("snake", " Foo Bar.baz ", "foo_bar_baz"),
            ("snake", "héLlo", "héllo"),
            ("snake", "", ""),
            ("snake", "ABC", "abc"),
            ("snake", "a1B2c3", "a_1_b_2_c_3"),
            ("snake", "HTTPServer2XXCount", "http_server_2_xx_count"),
            ("snake", "already__double", "already__double"),
            ("snake", "k8s.pod.name", "k_8_s_pod_name"),
            ("snake", "ÄpfelBirne", "Äpfel_birne"),
            ("snake", "x-Y_z Z", "x_y_z_z"),
            ("camel", "foo_bar", "FooBar"),
            ("camel", "my_metric_name", "MyMetricName"),
            ("camel", "SimpleString", "SimpleString"),
            ("camel", "simple-string", "SimpleString"),
            ("camel", "ID_card", "IdCard"),
            ("camel", "test2test", "Test2Test"),
            ("camel", "héllo wörld", "HlloWrld"),
            ("camel", "", ""),
            ("camel", "CPUUtilization", "Cpuutilization"),
            ("camel", "k8s.pod.name", "K8SPodName"),
            ("camel", "__x__y", "XY"),
            ("camel", "HTTP_server", "HttpServer"),
            ("camel", "a1b2", "A1B2"),
            ("camel", "lower Case", "LowerCase"),
            ("lower", "complex_SET-of.WORDS1234", "complex_set-of.words1234"),
            ("upper", "complex_SET-of.WORDS1234", "COMPLEX_SET-OF.WORDS1234"),
            ("lower", "İΣ", "iσ"),
            ("upper", "straße ᾳ", "STRAßE ᾼ"),
        ];
        for (case, input, expected) in cases {
            assert_eq!(text("ConvertCase", vec![s(input), s(case)]), expected, "{case} of {input:?}");
        }
        assert_eq!(text("ToSnakeCase", vec![s("MyMetricName")]), "my_metric_name");
        assert_eq!(text("ToCamelCase", vec![s("my_metric_name")]), "MyMetricName");
        assert_eq!(text("ToLowerCase", vec![s("MyMetricName")]), "mymetricname");
        assert_eq!(text("ToUpperCase", vec![s("MyMetricName")]), "MYMETRICNAME");
        assert_eq!(
            err("ConvertCase", vec![s("x"), s("kebab")]),
            "invalid case: kebab, allowed cases are: lower, upper, snake, camel"
        );
        assert_eq!(err("ConvertCase", vec![Value::Nil, s("snake")]), "expected string but got nil");
    }

    #[test]
    fn is_match_stringifies_the_target() {
        let matches = |target: Value, pattern: &str| ok("IsMatch", vec![target, s(pattern)]);
        assert_eq!(matches(s("aa123bb"), "\\d{3}"), Value::Bool(true));
        assert_eq!(matches(s("operationB"), "operation[AC]"), Value::Bool(false));
        assert_eq!(matches(Value::Int(123), "\\d+"), Value::Bool(true));
        assert_eq!(matches(Value::Bool(true), "^true$"), Value::Bool(true));
        assert_eq!(matches(Value::Float(1.5), "^1\\.5$"), Value::Bool(true));
        assert_eq!(matches(Value::Nil, ".*"), Value::Bool(false));
        let message = err("IsMatch", vec![s("x"), s("[a")]);
        assert!(message.starts_with("the pattern supplied to IsMatch is not a valid regexp pattern: "), "{message}");
        assert_eq!(
            err("IsMatch", vec![s("x"), Value::Int(1)]),
            "failed to get pattern for IsMatch: expected string but got int64"
        );
    }

    #[test]
    fn base64_encodes_in_every_variant() {
        let encode = |t: &str, v: &str| text("Base64Encode", vec![s(t), s(v)]);
        assert_eq!(text("Base64Encode", vec![s("test string")]), "dGVzdCBzdHJpbmc=");
        assert_eq!(encode("test string", "base64-raw"), "dGVzdCBzdHJpbmc");
        assert_eq!(encode("Go?/Z~x", "base64-url"), "R28_L1p-eA==");
        assert_eq!(encode("Go?/Z~x", "base64-raw-url"), "R28_L1p-eA");
        assert_eq!(err("Base64Encode", vec![s("x"), s("base32")]), "unsupported base64 variant: base32");
    }

    #[test]
    fn decode_base64_follows_go() {
        let decode = |target: Value, encoding: &str| convert("Decode", vec![target, s(encoding)]);
        assert_eq!(decode(s("aGVsbG8gd29ybGQ="), "base64").unwrap(), s("hello world"));
        assert_eq!(decode(Value::Bytes(b"dGVzdAo=".to_vec()), "base64").unwrap(), s("test\n"));
        assert_eq!(decode(s("\n aGVsbG8g\r\nd29ybGQ=\n"), "base64").unwrap(), s("hello world"));
        assert_eq!(decode(s("R28/L1p+eA=="), "base64").unwrap(), s("Go?/Z~x"));
        assert_eq!(decode(s("R28/L1p+eA"), "base64-raw").unwrap(), s("Go?/Z~x"));
        assert_eq!(decode(s("R28_L1p-eA=="), "base64-url").unwrap(), s("Go?/Z~x"));
        assert_eq!(decode(s("R28_L1p-eA"), "base64-raw-url").unwrap(), s("Go?/Z~x"));
        // Offsets as Go's CorruptInputError reports them.
        let cases = [
            ("base64", "cmVtb3ZlZCBwYWRkaW5nCg", 20),
            ("base64", "YQ=", 3),
            ("base64", "YQ=x", 2),
            ("base64", "YQ==x", 4),
            ("base64", "Y===", 1),
            ("base64", "YWJj\nZ", 5),
            ("base64-raw", "YQ==", 2),
            ("base64-raw", "Y", 0),
            ("base64-url", "a+==", 1),
        ];
        for (encoding, input, offset) in cases {
            let message = decode(s(input), encoding).unwrap_err().message().to_string();
            assert_eq!(message, format!("could not decode: illegal base64 data at input byte {offset}"), "{input:?}");
        }
        assert_eq!(
            decode(Value::Int(10), "base64").unwrap_err().message(),
            "unsupported type provided to Decode function: int64"
        );
        assert_eq!(decode(Value::Nil, "base64").unwrap_err().message(), "unsupported type provided to Decode function: <nil>");
    }

    #[test]
    fn decode_charsets_follow_go() {
        let decode = |target: Value, encoding: &str| convert("Decode", vec![target, s(encoding)]);
        for encoding in ["us-ascii", "ISO-8859-1", "WINDOWS-1251", "WINDOWS-1252", "UTF-8", "latin1", ""] {
            assert_eq!(decode(s("test string"), encoding).unwrap(), s("test string"), "{encoding}");
        }
        let utf16: Vec<u8> = "test string".encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(decode(Value::Bytes(utf16.clone()), "UTF-16").unwrap(), s("test string"));
        assert_eq!(decode(Value::Bytes(utf16), "UTF16").unwrap(), s("test string"));
        assert_eq!(decode(Value::Bytes(vec![0xFE, 0xFF, 0, 0x41]), "csUTF16").unwrap(), s("A"));
        assert_eq!(decode(Value::Bytes(vec![0xFE, 0xFF, 0, 0x41]), "UTF-16BE").unwrap(), s("\u{FEFF}A"));
        // Latin-1 keeps C1 controls; windows-1252 leaves its undefined bytes U+FFFD.
        assert_eq!(decode(Value::Bytes(vec![0x80, 0xE9]), "ISO-8859-1").unwrap(), s("\u{80}é"));
        assert_eq!(decode(Value::Bytes(vec![0x80, 0x81, 0xE9]), "windows-1252").unwrap(), s("€\u{FFFD}é"));
        assert_eq!(decode(Value::Bytes(vec![0x9F, 0xD0]), "ISO-8859-9").unwrap(), s("\u{9F}Ğ"));
        assert_eq!(decode(Value::Bytes(vec![0x41, 0xE9]), "iso646-us").unwrap(), s("A\u{FFFD}"));
        assert_eq!(decode(Value::Bytes(vec![0x82, 0xA0]), "Shift_JIS").unwrap(), s("あ"));
        assert_eq!(decode(s("x"), "GB2312").unwrap_err().message(), "no charmap defined for encoding 'GB2312'");
        assert_eq!(decode(s("x"), "klingon").unwrap_err().message(), "unsupported encoding 'klingon'");
    }

    fn format(pattern: &str, args: Vec<Value>) -> String {
        text("Format", vec![s(pattern), list(args)])
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
}
