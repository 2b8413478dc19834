//! Decoding one YAML scalar again from its raw source text, remembering where every decoded byte
//! came from.
//!
//! saphyr gives each scalar's decoded value and the span of its token, but not where each decoded
//! character stands in the file. A diagnostic on OTTL text must point at the right column of the
//! YAML file, so this module re-reads the raw text of the scalar with the same rules saphyr uses
//! (line folding, escapes, block indentation, chomping) and records, for each byte of the decoded
//! value, the byte range of the file it was decoded from. The result is checked against saphyr's
//! value; if they differ, the map degrades to "everything is at the scalar's start" rather than
//! pointing at a wrong column.

use std::ops::Range;

use saphyr_parser::ScalarStyle;

/// Maps byte offsets of a decoded text (an OTTL snippet) to byte offsets of the YAML source.
///
/// Every byte of the text maps to the source range of the character it was decoded from: itself
/// when the character is written verbatim, the whole escape sequence (`\"`, `''`, `$$`, `\u00e9`)
/// when it was escaped, the line break when it came from line folding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceMap {
    /// `starts[i]`: source offset where the character holding text byte `i` starts; one more
    /// entry than the text has bytes, for the end of the text.
    starts: Vec<usize>,
    /// `ends[i]`: source offset just after the source of the character holding text byte `i`.
    ends: Vec<usize>,
    /// False when the map is the degraded fallback (everything at the scalar's start).
    exact: bool,
}

impl SourceMap {
    /// Byte offset in the YAML file of the character at byte `offset` of `text` (`offset ==
    /// text.len()` maps to just after the last character).
    ///
    /// Offsets past the end are clamped to the end, so a caller's off-by-one never panics.
    #[must_use]
    pub fn to_source(&self, offset: usize) -> usize {
        let i = offset.min(self.ends.len());
        self.starts.get(i).copied().unwrap_or(0)
    }

    /// Maps a byte range of `text` to a byte range of the YAML file.
    ///
    /// The result covers the whole source of every character in the range: an escaped `\"` maps to
    /// both bytes of the escape, a folded line break to the break. Out-of-range or reversed input
    /// is clamped rather than rejected, because this feeds diagnostics, which must never panic.
    #[must_use]
    pub fn range_to_source(&self, range: Range<usize>) -> Range<usize> {
        let len = self.ends.len();
        let start = range.start.min(len);
        let end = range.end.min(len).max(start);
        let src_start = self.to_source(start);
        let src_end = if end > start { self.ends.get(end - 1).copied().unwrap_or(src_start) } else { src_start };
        src_start..src_end.max(src_start)
    }

    /// The offset in `text` of the character whose source holds byte `source` of the YAML
    /// file: the inverse of [`SourceMap::to_source`], for finding an editor's cursor in the
    /// OTTL. A source offset between two characters' sources (the indentation a folded line
    /// break swallowed) maps to the next character; the end of the last one maps to the end of
    /// the text. `None` outside the scalar, or when the map is not exact.
    #[must_use]
    pub fn to_text(&self, source: usize) -> Option<usize> {
        let len = self.ends.len();
        if !self.exact || source < self.starts[0] || source > self.starts[len] {
            return None;
        }
        let i = self.starts[..len].partition_point(|&start| start <= source);
        match i.checked_sub(1) {
            Some(before) if source < self.ends[before] => Some(before),
            _ => Some(i),
        }
    }

    /// Whether the map is exact. It is not when the scalar could not be decoded again to the
    /// value the YAML parser produced; every offset then maps to the scalar's start.
    #[must_use]
    pub fn is_exact(&self) -> bool {
        self.exact
    }

    /// Length in bytes of the text this map belongs to.
    #[must_use]
    pub fn text_len(&self) -> usize {
        self.ends.len()
    }

    /// The degraded map: every offset of a `len`-byte text maps to `pos`.
    pub(super) fn fallback(len: usize, pos: usize) -> SourceMap {
        SourceMap { starts: vec![pos; len + 1], ends: vec![pos; len], exact: false }
    }

    /// Composes two maps: `self` maps a text into an intermediate text (for OTTL inside a YAML
    /// document that is itself a string inside another YAML file), `outer` maps that intermediate
    /// text into the file.
    pub(super) fn compose(&self, outer: &SourceMap) -> SourceMap {
        let starts = self.starts.iter().map(|&s| outer.to_source(s)).collect::<Vec<_>>();
        let ends = self.ends.iter().zip(&self.starts).map(|(&e, &s)| outer.range_to_source(s..e).end).collect();
        SourceMap { starts, ends, exact: self.exact && outer.exact }
    }
}

/// Builds a decoded text and its map one character at a time.
struct Builder {
    text: String,
    starts: Vec<usize>,
    ends: Vec<usize>,
}

impl Builder {
    fn new() -> Builder {
        Builder { text: String::new(), starts: Vec::new(), ends: Vec::new() }
    }

    /// A character written as itself at source offset `pos`: its bytes map one to one.
    fn verbatim(&mut self, c: char, pos: usize) {
        for k in 0..c.len_utf8() {
            self.starts.push(pos + k);
            self.ends.push(pos + k + 1);
        }
        self.text.push(c);
    }

    /// A character that stands for the source range `range` (an escape, a folded break).
    fn mapped(&mut self, c: char, range: (usize, usize)) {
        for _ in 0..c.len_utf8() {
            self.starts.push(range.0);
            self.ends.push(range.1);
        }
        self.text.push(c);
    }

    /// Finishes the map; `empty_pos` is where an empty text sits.
    fn finish(mut self, empty_pos: usize) -> (String, SourceMap) {
        let end = self.ends.last().copied().unwrap_or(empty_pos);
        self.starts.push(end);
        (self.text, SourceMap { starts: self.starts, ends: self.ends, exact: true })
    }
}

/// The character at byte `i` of `src`, or `None` at the end or off a character boundary.
///
/// saphyr stops reading at a NUL character as if the input ended there, so this does too.
fn ch(src: &str, i: usize) -> Option<char> {
    src.get(i..)?.chars().next().filter(|&c| c != '\0')
}

/// Length in bytes of the line break at `i` (`\r\n`, `\r` or `\n`, as saphyr reads them), if any.
fn break_len(src: &str, i: usize) -> Option<usize> {
    let bytes = src.as_bytes();
    match bytes.get(i) {
        Some(b'\r') if bytes.get(i + 1) == Some(&b'\n') => Some(2),
        Some(b'\r' | b'\n') => Some(1),
        _ => None,
    }
}

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// Decodes the scalar whose token starts at byte `start` (properties such as `&anchor` and
/// `!tag` included) and ends at byte `end`, and checks the result against `expected`, saphyr's
/// decoded value. Returns the decoded text and its map; the map is the fallback (everything at the
/// scalar's start) when the decoding disagrees with `expected`.
pub(super) fn map_scalar(src: &str, style: ScalarStyle, start: usize, end: usize, expected: &str) -> SourceMap {
    let content = skip_properties(src, start);
    if expected.is_empty() {
        // Empty scalars include the ones saphyr makes up for a missing value (`{a, b}`, `key:`),
        // whose span is that of the next token.
        return Builder::new().finish(content.min(src.len())).1;
    }
    let decoded = match style {
        ScalarStyle::Plain => decode_plain(src, content, end.max(content)),
        ScalarStyle::SingleQuoted => decode_quoted(src, content, false),
        ScalarStyle::DoubleQuoted => decode_quoted(src, content, true),
        ScalarStyle::Literal => decode_block(src, start, content, expected, true),
        ScalarStyle::Folded => decode_block(src, start, content, expected, false),
    };
    match decoded {
        Some((text, map)) if text == expected => map,
        _ => SourceMap::fallback(expected.len(), content.min(src.len())),
    }
}

/// Skips node properties (`&anchor`, `!tag`, `!<verbatim>`) and the white space, line breaks and
/// comments after them. saphyr's event span for a node with properties starts at the first
/// property, not at the scalar itself.
fn skip_properties(src: &str, mut i: usize) -> usize {
    while matches!(ch(src, i), Some('&' | '!')) {
        while let Some(c) = ch(src, i) {
            if is_blank(c) || c == '\r' || c == '\n' {
                break;
            }
            i += c.len_utf8();
        }
        i = skip_separation(src, i);
    }
    i
}

/// Skips blanks, line breaks and comments.
fn skip_separation(src: &str, mut i: usize) -> usize {
    loop {
        match ch(src, i) {
            Some(' ' | '\t') => i += 1,
            Some('\r' | '\n') => i += break_len(src, i).unwrap_or(1),
            Some('#') => {
                while let Some(c) = ch(src, i) {
                    if c == '\r' || c == '\n' {
                        break;
                    }
                    i += c.len_utf8();
                }
            }
            _ => return i,
        }
    }
}

/// Emits what the white space since the last content character folds to: the blanks themselves
/// when no line break came, else one space for a single break, or one `\n` per break after the
/// first. After an escaped line break (`\` at the end of a line in a double-quoted scalar) every
/// further break is kept as `\n`.
fn flush_folding(b: &mut Builder, blanks: &mut Vec<(char, usize)>, breaks: &mut Vec<(usize, usize)>, escaped_break: &mut bool) {
    if *escaped_break {
        for &br in breaks.iter() {
            b.mapped('\n', br);
        }
    } else if breaks.len() == 1 {
        b.mapped(' ', breaks[0]);
    } else if breaks.len() > 1 {
        for &br in &breaks[1..] {
            b.mapped('\n', br);
        }
    } else {
        for &(c, pos) in blanks.iter() {
            b.verbatim(c, pos);
        }
    }
    blanks.clear();
    breaks.clear();
    *escaped_break = false;
}

/// A plain scalar spanning bytes `start..end` (`end` is just after its last non-blank character).
/// Line breaks fold (one break to a space, `n` breaks to `n - 1` newlines); blanks around breaks
/// and the indentation of continuation lines are dropped.
fn decode_plain(src: &str, start: usize, end: usize) -> Option<(String, SourceMap)> {
    let mut b = Builder::new();
    let mut blanks = Vec::new();
    let mut breaks = Vec::new();
    let mut escaped_break = false;
    let mut i = start;
    while i < end {
        let c = ch(src, i)?;
        if let Some(len) = break_len(src, i) {
            breaks.push((i, i + len));
            blanks.clear();
            i += len;
        } else if is_blank(c) {
            if breaks.is_empty() {
                blanks.push((c, i));
            }
            i += 1;
        } else {
            flush_folding(&mut b, &mut blanks, &mut breaks, &mut escaped_break);
            b.verbatim(c, i);
            i += c.len_utf8();
        }
    }
    Some(b.finish(start))
}

/// A single- or double-quoted scalar whose opening quote is at byte `start`.
fn decode_quoted(src: &str, start: usize, double: bool) -> Option<(String, SourceMap)> {
    let quote = if double { '"' } else { '\'' };
    if ch(src, start)? != quote {
        return None;
    }
    let mut b = Builder::new();
    let mut blanks = Vec::new();
    let mut breaks = Vec::new();
    let mut escaped_break = false;
    let mut i = start + 1;
    loop {
        let c = ch(src, i)?;
        if let Some(len) = break_len(src, i) {
            breaks.push((i, i + len));
            blanks.clear();
            i += len;
            continue;
        }
        if is_blank(c) {
            if breaks.is_empty() && !escaped_break {
                blanks.push((c, i));
            }
            i += 1;
            continue;
        }
        // Folding happens before any non-blank character, the closing quote included.
        flush_folding(&mut b, &mut blanks, &mut breaks, &mut escaped_break);
        if !double && c == '\'' {
            if ch(src, i + 1) == Some('\'') {
                b.mapped('\'', (i, i + 2));
                i += 2;
                continue;
            }
            return Some(b.finish(start + 1));
        }
        if double && c == '"' {
            return Some(b.finish(start + 1));
        }
        if double && c == '\\' {
            if let Some(len) = break_len(src, i + 1) {
                escaped_break = true;
                i += 1 + len;
                continue;
            }
            let (decoded, len) = decode_escape(src, i)?;
            b.mapped(decoded, (i, i + len));
            i += len;
            continue;
        }
        b.verbatim(c, i);
        i += c.len_utf8();
    }
}

/// The escape sequence starting with the backslash at byte `i` of a double-quoted scalar: the
/// character it stands for and its length in bytes.
fn decode_escape(src: &str, i: usize) -> Option<(char, usize)> {
    let simple = match ch(src, i + 1)? {
        '0' => '\0',
        'a' => '\x07',
        'b' => '\x08',
        't' | '\t' => '\t',
        'n' => '\n',
        'v' => '\x0b',
        'f' => '\x0c',
        'r' => '\r',
        'e' => '\x1b',
        ' ' => ' ',
        '"' => '"',
        '/' => '/',
        '\\' => '\\',
        'N' => '\u{85}',
        '_' => '\u{a0}',
        'L' => '\u{2028}',
        'P' => '\u{2029}',
        'x' => return hex_escape(src, i, 2),
        'u' => return hex_escape(src, i, 4),
        'U' => return hex_escape(src, i, 8),
        _ => return None,
    };
    Some((simple, 2))
}

fn hex_escape(src: &str, i: usize, digits: usize) -> Option<(char, usize)> {
    let hex = src.get(i + 2..i + 2 + digits)?;
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let value = u32::from_str_radix(hex, 16).ok()?;
    Some((char::from_u32(value)?, 2 + digits))
}

/// Start of the line holding byte `i`.
fn line_start(src: &str, i: usize) -> usize {
    let bytes = src.as_bytes();
    let mut p = i.min(bytes.len());
    while p > 0 && bytes[p - 1] != b'\n' && bytes[p - 1] != b'\r' {
        p -= 1;
    }
    p
}

/// The line break that ends just before byte `line_start` (the start of a line), if any.
fn previous_break(src: &str, line_start: usize) -> Option<(usize, usize)> {
    let bytes = src.as_bytes();
    match line_start.checked_sub(1).and_then(|p| bytes.get(p)) {
        Some(b'\n') if line_start >= 2 && bytes[line_start - 2] == b'\r' => Some((line_start - 2, line_start)),
        Some(b'\n' | b'\r') => Some((line_start - 1, line_start)),
        _ => None,
    }
}

/// A literal (`|`) or folded (`>`) block scalar. saphyr's span of a block scalar without
/// properties starts at its first content character; with properties it starts at the first
/// property, and the header (`|`, `>-`, `|2+` ...) follows them. Both readings are tried and the one
/// that reproduces saphyr's value wins.
fn decode_block(src: &str, start: usize, after_properties: usize, expected: &str, literal: bool) -> Option<(String, SourceMap)> {
    if expected.chars().all(|c| c == '\n') {
        // No content line: nothing in the text can be pointed at, every byte maps to the start.
        let mut b = Builder::new();
        for _ in expected.chars() {
            b.mapped('\n', (start, start));
        }
        return Some(b.finish(start));
    }
    if let Some((text, map)) = block_from_content(src, start, expected, literal)
        && text == expected
    {
        return Some((text, map));
    }
    let content = block_content_after_header(src, after_properties, expected, literal)?;
    block_from_content(src, content, expected, literal)
}

/// From a block scalar header at byte `header`, finds the first content character of the scalar:
/// the first character at the block's indentation on the first line that is not empty.
fn block_content_after_header(src: &str, header: usize, expected: &str, literal: bool) -> Option<usize> {
    if ch(src, header)? != if literal { '|' } else { '>' } {
        return None;
    }
    let mut i = header + 1;
    let mut explicit_indent = false;
    while let Some(c) = ch(src, i) {
        match c {
            '+' | '-' => i += 1,
            '1'..='9' => {
                explicit_indent = true;
                i += 1;
            }
            _ => break,
        }
    }
    // The rest of the header line: blanks and an optional comment.
    while let Some(c) = ch(src, i) {
        if break_len(src, i).is_some() {
            break;
        }
        i += c.len_utf8();
    }
    i += break_len(src, i)?;
    // The first line of content as saphyr decoded it, to locate the indentation when it is given
    // explicitly (then the line may start with more spaces than the indentation).
    let first_line = expected.trim_start_matches('\n').split('\n').next().unwrap_or("");
    loop {
        let line_end = line_end(src, i);
        let line = src.get(i..line_end)?;
        let spaces = line.bytes().take_while(|&b| b == b' ').count();
        if explicit_indent {
            if !first_line.is_empty() && line.ends_with(first_line) {
                let indent = line.len() - first_line.len();
                if line.as_bytes()[..indent].iter().all(|&b| b == b' ') {
                    return Some(i + indent);
                }
            }
        } else if spaces < line.len() {
            return Some(i + spaces);
        }
        i = line_end + break_len(src, line_end)?;
    }
}

/// End of the line starting at or holding byte `i` (the offset of its line break, or the end).
fn line_end(src: &str, mut i: usize) -> usize {
    let bytes = src.as_bytes();
    while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
        i += 1;
    }
    i
}

/// Decodes a block scalar whose first content character is at byte `content` (its column is the
/// block's indentation), following saphyr's `scan_block_scalar` line by line. The trailing line
/// breaks depend on the chomping indicator, which may not have been read: they are taken from
/// `expected` and mapped to the line breaks that follow the last content line.
fn block_from_content(src: &str, content: usize, expected: &str, literal: bool) -> Option<(String, SourceMap)> {
    let first_line_start = line_start(src, content);
    let indent = content - first_line_start;
    if !src.get(first_line_start..content)?.bytes().all(|b| b == b' ') {
        return None;
    }
    let mut b = Builder::new();
    // Empty lines before the first content line are kept as newlines.
    let leading = expected.len() - expected.trim_start_matches('\n').len();
    let mut leading_breaks = Vec::with_capacity(leading);
    let mut at = first_line_start;
    for _ in 0..leading {
        let br = previous_break(src, at)?;
        leading_breaks.push(br);
        at = line_start(src, br.0);
    }
    for &br in leading_breaks.iter().rev() {
        b.mapped('\n', br);
    }

    let mut i = content;
    let mut leading_break: Option<(usize, usize)> = None;
    let mut trailing_breaks: Vec<(usize, usize)> = Vec::new();
    let mut leading_blank = false;
    let mut eof_at = None;
    loop {
        // `i` is at the block's indentation on a line with content.
        if indent == 0 && is_document_indicator(src, i) {
            break;
        }
        let Some(first) = ch(src, i) else { break };
        let trailing_blank = is_blank(first);
        if !literal && leading_break.is_some() && !leading_blank && !trailing_blank {
            if trailing_breaks.is_empty() {
                b.mapped(' ', leading_break.unwrap_or((i, i)));
            }
            for &br in &trailing_breaks {
                b.mapped('\n', br);
            }
        } else {
            if let Some(br) = leading_break {
                b.mapped('\n', br);
            }
            for &br in &trailing_breaks {
                b.mapped('\n', br);
            }
        }
        leading_break = None;
        trailing_breaks.clear();
        leading_blank = trailing_blank;

        while let Some(c) = ch(src, i) {
            if c == '\r' || c == '\n' {
                break;
            }
            b.verbatim(c, i);
            i += c.len_utf8();
        }
        let Some(len) = break_len(src, i) else {
            eof_at = Some(i);
            break;
        };
        leading_break = Some((i, i + len));
        i += len;
        // Indentation and empty lines up to the next content line.
        let mut column;
        loop {
            column = 0;
            while column < indent && ch(src, i) == Some(' ') {
                i += 1;
                column += 1;
            }
            match break_len(src, i) {
                Some(len) => {
                    trailing_breaks.push((i, i + len));
                    i += len;
                }
                None => break,
            }
        }
        if column != indent || ch(src, i).is_none() {
            eof_at = ch(src, i).is_none().then_some(i);
            break;
        }
    }

    // The tail is only newlines (chomping); map them to the breaks after the last content line.
    let tail = expected.get(b.text.len()..)?;
    if !expected.starts_with(b.text.as_str()) || !tail.bytes().all(|c| c == b'\n') {
        return None;
    }
    let mut tail_breaks = leading_break.into_iter().chain(trailing_breaks);
    let fallback_end = eof_at.unwrap_or(i);
    let mut last = (fallback_end, fallback_end);
    for _ in 0..tail.len() {
        if let Some(br) = tail_breaks.next() {
            last = br;
            b.mapped('\n', br);
        } else {
            b.mapped('\n', (last.1, last.1));
        }
    }
    Some(b.finish(content))
}

/// `---` or `...` at byte `i` followed by a blank, a break or the end: a document marker, which
/// ends a block scalar at indentation 0.
fn is_document_indicator(src: &str, i: usize) -> bool {
    let Some(rest) = src.get(i..) else {
        return false;
    };
    (rest.starts_with("---") || rest.starts_with("..."))
        && rest[3..].chars().next().is_none_or(|c| is_blank(c) || c == '\r' || c == '\n')
}

/// Applies the collector's config-layer escape to a YAML-decoded value: `$$` becomes a literal
/// `$` (mapped to both source characters, so the `$` points at the first `$` of the pair).
/// Returns the unescaped text, its map into the source, and whether the text still holds a
/// `${...}` reference the collector would expand from the environment or a config provider.
pub(super) fn collector_unescape(text: &str, map: &SourceMap) -> (String, SourceMap, bool) {
    let mut out = String::with_capacity(text.len());
    let mut starts = Vec::with_capacity(text.len() + 1);
    let mut ends = Vec::with_capacity(text.len());
    let mut needs_env = false;
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(c) = text.get(i..).and_then(|rest| rest.chars().next()) {
        if c == '$' && bytes.get(i + 1) == Some(&b'$') {
            out.push('$');
            starts.push(map.to_source(i));
            ends.push(map.range_to_source(i..i + 2).end);
            i += 2;
            continue;
        }
        if c == '$' && bytes.get(i + 1) == Some(&b'{') && text[i + 2..].contains('}') {
            needs_env = true;
        }
        for k in i..i + c.len_utf8() {
            starts.push(map.to_source(k));
            ends.push(map.range_to_source(k..k + 1).end);
        }
        out.push(c);
        i += c.len_utf8();
    }
    starts.push(map.to_source(text.len()));
    (out, SourceMap { starts, ends, exact: map.exact }, needs_env)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Maps the single scalar value of `yaml` (given as `key: <scalar>` or a bare scalar) and
    /// returns saphyr's value and the map.
    fn first_value(yaml: &str) -> (String, SourceMap) {
        use saphyr_parser::{Event, Parser};
        let idx = super::super::tree::CharIndex::new(yaml);
        let mut scalars = Vec::new();
        for ev in Parser::new_from_str(yaml) {
            let (ev, span) = ev.expect("test YAML parses");
            if let Event::Scalar(value, style, ..) = ev {
                scalars.push((value.into_owned(), style, idx.byte(span.start.index()), idx.byte(span.end.index())));
            }
        }
        let (value, style, start, end) = scalars.pop().expect("a scalar");
        let map = map_scalar(yaml, style, start, end, &value);
        (value, map)
    }

    /// The source text each character of `text` was decoded from.
    fn pieces<'a>(yaml: &'a str, text: &str, map: &SourceMap) -> Vec<&'a str> {
        text.char_indices().map(|(i, c)| &yaml[map.range_to_source(i..i + c.len_utf8())]).collect()
    }

    #[test]
    fn plain_single_line() {
        let yaml = "k: set(x, 1) where y";
        let (v, m) = first_value(yaml);
        assert_eq!(v, "set(x, 1) where y");
        assert!(m.is_exact());
        assert_eq!(&yaml[m.range_to_source(0..v.len())], v);
        assert_eq!(m.to_source(v.len()), yaml.len());
    }

    #[test]
    fn source_offsets_map_back_to_the_text() {
        let yaml = "k: \"a\\\"b\n  c\"";
        let (v, m) = first_value(yaml);
        assert_eq!(v, "a\"b c");
        for (i, _) in v.char_indices() {
            assert_eq!(m.to_text(m.to_source(i)), Some(i), "byte {i}");
        }
        assert_eq!(m.to_text(yaml.find('\\').unwrap() + 1), Some(1), "inside the escape `\\\"`");
        assert_eq!(m.to_text(yaml.len() - 1), Some(v.len()), "the closing quote is the end of the text");
        assert_eq!(m.to_text(yaml.find("  c").unwrap() + 1), Some(v.find('c').unwrap()), "folded indentation");
        assert_eq!(m.to_text(0), None, "the key is outside the scalar");
    }

    #[test]
    fn plain_multi_line_folds() {
        let yaml = "k: a  b\n   c\n\n   d \n";
        let (v, m) = first_value(yaml);
        assert_eq!(v, "a  b c\nd");
        assert!(m.is_exact());
        assert_eq!(pieces(yaml, &v, &m), ["a", " ", " ", "b", "\n", "c", "\n", "d"]);
        assert_eq!(m.to_source(v.find('d').unwrap()), yaml.find('d').unwrap());
    }

    #[test]
    fn single_quoted_escapes_and_folding() {
        let yaml = "k: 'it''s\n  here  \n\n  now'";
        let (v, m) = first_value(yaml);
        assert_eq!(v, "it's here\nnow");
        assert!(m.is_exact());
        assert_eq!(pieces(yaml, &v, &m)[2], "''");
        assert_eq!(m.to_source(v.find("now").unwrap()), yaml.find("now").unwrap());
    }

    #[test]
    fn double_quoted_every_escape() {
        let yaml = r#"k: "\"\\\n\t\/\x41\u00e9\U0001F600\0\a\b\e\f\r\v\ \N\_\L\P!""#;
        let (v, m) = first_value(yaml);
        assert!(m.is_exact(), "{v:?}");
        assert_eq!(v, "\"\\\n\t/A\u{e9}\u{1F600}\0\x07\x08\x1b\x0c\r\x0b \u{85}\u{a0}\u{2028}\u{2029}!");
        let p = pieces(yaml, &v, &m);
        assert_eq!(&p[..8], [r#"\""#, r"\\", r"\n", r"\t", r"\/", r"\x41", r"\u00e9", r"\U0001F600"]);
        assert_eq!(p.last(), Some(&"!"));
    }

    #[test]
    fn double_quoted_escaped_line_break() {
        let yaml = "k: \"ab \\\n   cd\\\n\n  ef\"";
        let (v, m) = first_value(yaml);
        assert_eq!(v, "ab cd\nef");
        assert!(m.is_exact());
        assert_eq!(m.to_source(v.find("cd").unwrap()), yaml.find("cd").unwrap());
        assert_eq!(m.to_source(v.find("ef").unwrap()), yaml.find("ef").unwrap());
    }

    #[test]
    fn literal_block_keep_and_strip() {
        for (header, tail) in [("|", "\n"), ("|-", ""), ("|+", "\n\n")] {
            let yaml = format!("k: {header}\n  one\n   two\n\n");
            let (v, m) = first_value(&yaml);
            assert_eq!(v, format!("one\n two{tail}"));
            assert!(m.is_exact(), "{header}");
            assert_eq!(m.to_source(v.find("two").unwrap()), yaml.find("two").unwrap());
        }
    }

    #[test]
    fn folded_block_more_indented_lines() {
        let yaml = "k: >\n  a\n  b\n\n  c\n    d\n  e\n";
        let (v, m) = first_value(yaml);
        assert_eq!(v, "a b\nc\n  d\ne\n");
        assert!(m.is_exact());
        for word in ["a", "b", "c", "d", "e"] {
            assert_eq!(m.to_source(v.find(word).unwrap()), yaml.find(word).unwrap(), "{word}");
        }
    }

    #[test]
    fn block_with_properties_and_explicit_indentation() {
        let yaml = "k: &x !!str |2\n     lead\n  next\n";
        let (v, m) = first_value(yaml);
        assert_eq!(v, "   lead\nnext\n");
        assert!(m.is_exact());
        assert_eq!(m.to_source(v.find("lead").unwrap()), yaml.find("lead").unwrap());
        let yaml = "k: &x\n  >-\n\n    folded\n    text\n";
        let (v, m) = first_value(yaml);
        assert_eq!(v, "\nfolded text");
        assert!(m.is_exact());
        assert_eq!(m.to_source(v.find("text").unwrap()), yaml.find("text").unwrap());
    }

    #[test]
    fn block_without_final_newline() {
        let yaml = "k: |\n  last";
        let (v, m) = first_value(yaml);
        assert_eq!(v, "last\n");
        assert!(m.is_exact());
        assert_eq!(m.to_source(v.len()), yaml.len());
    }

    #[test]
    fn mismatch_falls_back_to_the_start() {
        let yaml = "k: 'abc'";
        let m = map_scalar(yaml, ScalarStyle::SingleQuoted, 3, 8, "something else");
        assert!(!m.is_exact());
        assert_eq!(m.to_source(5), 3);
        assert_eq!(m.range_to_source(2..7), 3..3);
        assert_eq!(m.to_source(1000), 3);
    }

    #[test]
    fn out_of_range_and_reversed_ranges_are_clamped() {
        let yaml = "k: abc";
        let (v, m) = first_value(yaml);
        assert_eq!(v, "abc");
        #[allow(clippy::reversed_empty_ranges)]
        let reversed = 2..1;
        assert_eq!(m.range_to_source(reversed), 5..5);
        assert_eq!(m.range_to_source(1..100), 4..6);
        assert_eq!(m.to_source(100), 6);
    }

    #[test]
    fn dollar_escape_maps_to_the_first_dollar() {
        let yaml = "k: a$$1${env:X}$${y}";
        let (v, m) = first_value(yaml);
        let (text, map, env) = collector_unescape(&v, &m);
        assert_eq!(text, "a$1${env:X}${y}");
        assert!(env);
        assert_eq!(map.to_source(1), yaml.find("$$").unwrap());
        assert_eq!(map.range_to_source(1..2), 4..6);
        assert_eq!(map.to_source(text.find('1').unwrap()), yaml.find('1').unwrap());
        let (_, _, env) = collector_unescape("a $${not_env}", &SourceMap::fallback(13, 0));
        assert!(!env);
    }
}
