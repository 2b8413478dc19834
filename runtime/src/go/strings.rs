//! Go's `strings` package (Go 1.26) where its results differ from Rust's `str` methods:
//! `Split` with an empty separator, and `ToLower`/`ToUpper`, which map each character to
//! one character (Unicode's simple case mappings) where Rust's `to_lowercase` and
//! `to_uppercase` apply the full mappings (`ß` → `SS`, final sigma).

/// `strings.ToLower`: Unicode's simple (one character to one character) lower-case
/// mapping, so `İ` becomes `i` and the final-sigma rule does not apply.
pub(crate) fn lower(text: &str) -> String {
    // ASCII, the common case, in one allocation of the exact size (as Go's fast path).
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    let mut lowered = String::with_capacity(text.len());
    lowered.extend(text.chars().map(|c| match c {
        'İ' => 'i',
        c => single(c.to_lowercase()).unwrap_or(c),
    }));
    lowered
}

/// `strings.ToUpper`: the simple upper-case mapping, so `ß` stays `ß` and `ﬁ` stays `ﬁ`;
/// Greek letters with a subscript iota map to their one-character capital forms.
pub(crate) fn upper(text: &str) -> String {
    if text.is_ascii() {
        return text.to_ascii_uppercase();
    }
    let mut uppered = String::with_capacity(text.len());
    uppered.extend(text.chars().map(|c| single(c.to_uppercase()).or_else(|| iota_subscript_capital(c)).unwrap_or(c)));
    uppered
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
/// Go's `strings.Split`: an empty delimiter splits after every character (and gives no
/// pieces at all for an empty string), where Rust's `split("")` adds empty ends.
pub(crate) fn split<'a>(text: &'a str, delimiter: &str) -> Vec<&'a str> {
    if delimiter.is_empty() {
        text.char_indices().map(|(i, c)| &text[i..i + c.len_utf8()]).collect()
    } else {
        text.split(delimiter).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_with_an_empty_separator_splits_characters() {
        assert_eq!(split("aé", ""), ["a", "é"]);
        assert!(split("", "").is_empty());
        assert_eq!(split("", ","), [""]);
        assert_eq!(split("a,,b", ","), ["a", "", "b"]);
    }

    #[test]
    fn case_mappings_are_one_character_to_one() {
        assert_eq!(lower("İSTANBUL"), "istanbul");
        assert_eq!(lower("ΟΔΟΣ"), "οδοσ");
        assert_eq!(upper("straße ﬁ"), "STRAßE ﬁ");
        assert_eq!(upper("ᾳ"), "ᾼ");
    }
}
