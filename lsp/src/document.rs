//! An open document: its text, kept in step with the editor's edits, and its line index.

use std::borrow::Cow;
use std::path::PathBuf;

use ottl_compiler::source::SourceKind;
use tower_lsp_server::ls_types::{Position, Range, TextDocumentContentChangeEvent, Uri};

use crate::line_index::{Encoding, LineIndex};

pub struct Document {
    pub uri: Uri,
    pub text: String,
    pub version: i32,
    pub kind: SourceKind,
    index: LineIndex,
}

impl Document {
    /// A document the client opened; collector YAML by language id or extension, else OTTL.
    pub fn new(uri: Uri, language_id: &str, text: String, version: i32, encoding: Encoding) -> Document {
        let kind = if language_id == "yaml" || uri.path().as_str().ends_with(".yaml") || uri.path().as_str().ends_with(".yml") {
            SourceKind::CollectorYaml
        } else {
            SourceKind::Ottl
        };
        let index = LineIndex::new(&text, encoding);
        Document { uri, text, version, kind, index }
    }

    /// Applies the client's changes in order: a range replaces that range, no range the
    /// whole text.
    pub fn apply(&mut self, changes: Vec<TextDocumentContentChangeEvent>, version: i32, encoding: Encoding) {
        for change in changes {
            match change.range {
                Some(range) => {
                    let start = self.offset(range.start);
                    let end = self.offset(range.end).max(start);
                    self.text.replace_range(start..end, &change.text);
                }
                None => self.text = change.text,
            }
            self.index = LineIndex::new(&self.text, encoding);
        }
        self.version = version;
    }

    /// An `ottlc test` file (`NAME.ottl-test.yaml`): served as `ottlc` reads it, not as a
    /// collector config.
    pub fn is_test_file(&self) -> bool {
        self.uri.path().as_str().ends_with(ottl_testfile::TEST_FILE_SUFFIX)
    }

    pub fn path(&self) -> PathBuf {
        path(&self.uri)
    }

    pub fn offset(&self, position: Position) -> usize {
        self.index.offset(&self.text, position)
    }

    pub fn range(&self, range: std::ops::Range<usize>) -> Range {
        self.index.range(&self.text, range)
    }
}

/// The path of the file at `uri`: the URI's, for a `file:` URI; else its path as written.
pub fn path(uri: &Uri) -> PathBuf {
    uri.to_file_path().map_or_else(|| PathBuf::from(uri.path().as_str()), Cow::into_owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn incremental_edits_apply_in_order() {
        let uri = Uri::from_str("file:///r.ottl").unwrap();
        let mut document = Document::new(uri, "ottl", "set(name, \"é\")\n".to_string(), 1, Encoding::Utf16);
        let edit = |line, from, to, text: &str| TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(line, from), Position::new(line, to))),
            range_length: None,
            text: text.to_string(),
        };
        document.apply(vec![edit(0, 12, 12, "ab"), edit(1, 0, 0, "keep")], 2, Encoding::Utf16);
        assert_eq!(document.text, "set(name, \"éab\")\nkeep");
        assert_eq!(document.version, 2);
        assert_eq!(document.kind, SourceKind::Ottl);
    }
}
