//! Input files and their line/column arithmetic.

use std::path::Path;

/// What kind of file OTTL is read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceKind {
    /// A `.ottl` document: one statement or condition per line.
    Ottl,
    /// An OpenTelemetry Collector configuration with OTTL inside.
    CollectorYaml,
}

impl SourceKind {
    /// By extension: `.yaml`/`.yml` are collector configs, everything else (including
    /// stdin) is OTTL.
    pub fn from_path(path: &Path) -> SourceKind {
        match path.extension().and_then(|e| e.to_str()) {
            Some(ext) if ext.eq_ignore_ascii_case("yaml") || ext.eq_ignore_ascii_case("yml") => SourceKind::CollectorYaml,
            _ => SourceKind::Ottl,
        }
    }
}

/// A file's name and text, with the line starts needed to turn byte offsets into the
/// 1-based, character-counted line/column positions users and editors see.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
    pub kind: SourceKind,
    line_starts: Vec<usize>,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>, kind: SourceKind) -> Self {
        let text = text.into();
        let line_starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        SourceFile { name: name.into(), text, kind, line_starts }
    }

    /// 1-based line and 1-based column in characters of byte `offset` (clamped to the
    /// text and to a character boundary).
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let column = self.text[self.line_starts[line]..offset].chars().count();
        (line + 1, column + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters() {
        let file = SourceFile::new("f", "ab\n\"é\" x\n", SourceKind::Ottl);
        assert_eq!(file.line_column(0), (1, 1));
        assert_eq!(file.line_column(3), (2, 1));
        assert_eq!(file.line_column(8), (2, 5));
        assert_eq!(file.line_column(5), (2, 2), "inside é clamps back to its start");
        assert_eq!(file.line_column(100), (3, 1));
    }
}
