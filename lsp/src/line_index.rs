//! Byte offsets ↔ LSP positions.
//!
//! The compiler speaks byte offsets; LSP speaks lines and "characters", counted in the
//! encoding the client and server agreed on at `initialize`: UTF-16 code units unless the
//! client offers UTF-8 (as Neovim and Helix do), which saves every conversion.

use tower_lsp_server::ls_types::{Position, PositionEncodingKind, Range};

/// How a [`Position::character`] counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-16 code units: the LSP default, and what VS Code uses.
    #[default]
    Utf16,
    /// Bytes.
    Utf8,
}

impl Encoding {
    /// UTF-8 when the client offers it, else the mandatory UTF-16.
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Encoding {
        match offered {
            Some(kinds) if kinds.contains(&PositionEncodingKind::UTF8) => Encoding::Utf8,
            _ => Encoding::Utf16,
        }
    }

    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf16 => PositionEncodingKind::UTF16,
            Encoding::Utf8 => PositionEncodingKind::UTF8,
        }
    }
}

/// The start of every line of a text, for converting in both directions.
#[derive(Clone, Debug)]
pub struct LineIndex {
    line_starts: Vec<usize>,
    encoding: Encoding,
}

impl LineIndex {
    pub fn new(text: &str, encoding: Encoding) -> LineIndex {
        let line_starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        LineIndex { line_starts, encoding }
    }

    /// The position of byte `offset` of `text` (clamped to the text, and back to a character
    /// boundary).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let prefix = &text[self.line_starts[line]..offset];
        let character = match self.encoding {
            Encoding::Utf8 => prefix.len(),
            Encoding::Utf16 => prefix.chars().map(char::len_utf16).sum(),
        };
        Position::new(line as u32, character as u32)
    }

    pub fn range(&self, text: &str, range: std::ops::Range<usize>) -> Range {
        Range::new(self.position(text, range.start), self.position(text, range.end))
    }

    /// The byte offset of `position` in `text`. Clients may send positions past the end of a
    /// line or of the text (the protocol says to clamp them); a character inside a UTF-16
    /// surrogate pair or a UTF-8 sequence moves to the character's start.
    pub fn offset(&self, text: &str, position: Position) -> usize {
        let Some(&line_start) = self.line_starts.get(position.line as usize) else { return text.len() };
        let line_end = self.line_starts.get(position.line as usize + 1).map_or(text.len(), |next| next - 1);
        let line = &text[line_start..line_end];
        let wanted = position.character as usize;
        let mut counted = 0;
        for (i, c) in line.char_indices() {
            let width = match self.encoding {
                Encoding::Utf8 => c.len_utf8(),
                Encoding::Utf16 => c.len_utf16(),
            };
            if counted + width > wanted {
                return line_start + i;
            }
            counted += width;
        }
        line_end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_counts_surrogate_pairs_twice() {
        let text = "a\n\"é😀\" x\n";
        let index = LineIndex::new(text, Encoding::Utf16);
        let x = text.find('x').unwrap();
        assert_eq!(index.position(text, x), Position::new(1, 6));
        assert_eq!(index.offset(text, Position::new(1, 6)), x);
        assert_eq!(index.offset(text, Position::new(1, 3)), text.find('😀').unwrap(), "inside the pair");
        assert_eq!(index.offset(text, Position::new(0, 99)), 1, "clamped to the line's end");
        assert_eq!(index.offset(text, Position::new(9, 0)), text.len(), "clamped to the text");
        assert_eq!(index.position(text, text.len()), Position::new(2, 0));
    }

    #[test]
    fn utf8_counts_bytes() {
        let text = "\"é\" x";
        let index = LineIndex::new(text, Encoding::Utf8);
        assert_eq!(index.position(text, 5), Position::new(0, 5));
        assert_eq!(index.offset(text, Position::new(0, 5)), 5);
        assert_eq!(index.offset(text, Position::new(0, 2)), 1, "inside é moves to its start");
    }
}
