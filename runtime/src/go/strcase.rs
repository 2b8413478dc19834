//! `github.com/iancoleman/strcase` v0.3.0's `ToSnake` and `ToCamel`. The Rust case crates
//! (`heck`, `convert_case`) split words by their own rules (Unicode letters, acronyms), and
//! strcase's output is byte-oriented: only ASCII letters and digits are classified, so the
//! results differ on acronyms, digits and non-ASCII text.

/// `strcase.ToSnake`: ASCII letters lower-cased; a `_` where a lower-case letter or digit
/// meets another kind of letter or digit and before the last capital of an acronym
/// (`JSONData` → `json_data`); space, `-`, `.` become `_`. Other bytes pass through.
pub(crate) fn snake(text: &str) -> String {
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
pub(crate) fn camel(text: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_and_camel_like_strcase() {
        assert_eq!(snake("CPUUtilizationMetric"), "cpu_utilization_metric");
        assert_eq!(snake("version2Data"), "version_2_data");
        assert_eq!(snake(" Foo Bar.baz "), "foo_bar_baz");
        assert_eq!(snake("héLlo"), "héllo");
        assert_eq!(camel("my_metric_name"), "MyMetricName");
        assert_eq!(camel("simple-string"), "SimpleString");
        assert_eq!(camel("ID_card"), "IdCard");
    }
}
