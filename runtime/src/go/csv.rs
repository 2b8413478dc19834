//! Go's `encoding/csv` reader (Go 1.26), one record at a time, with its quote rules
//! (`LazyQuotes` or strict) and its `csv.ParseError` texts and positions, and on top of it
//! the collector's `internal/coreinternal/parseutils.ReadCSVRow` (v0.161.0), which reads a
//! row whose fields may hold raw newlines. The `csv` crate accepts what Go reports as
//! quote errors and never names Go's positions.

use crate::error::{Error, Result};

/// Reads `row` as one CSV record whose fields may contain raw newlines
/// (`parseutils.ReadCSVRow`): Go's reader sees several records, and each later
/// record's first field continues the previous record's last field.
pub(crate) fn read_row(row: &str, delimiter: char, lazy_quotes: bool) -> Result<Vec<String>> {
    if matches!(delimiter, '"' | '\r' | '\n' | '\u{FEFF}') {
        crate::bail!("read csv line: csv: invalid field or comment delimiter");
    }
    let mut reader = GoCsvReader { lines: split_lines(row), next_line: 0, delimiter, lazy_quotes };
    let mut joined: Vec<String> = Vec::new();
    let mut any_record = false;
    while let Some((record, error)) = reader.read_record() {
        if let Some(error) = error
            && record.is_empty()
        {
            return Err(Error::new(format!("read csv line: {error}")));
        }
        let mut fields = record.into_iter();
        if any_record && let (Some(last), Some(first)) = (joined.last_mut(), fields.next()) {
            last.push('\n');
            last.push_str(&first);
        }
        joined.extend(fields);
        any_record = true;
    }
    if !any_record {
        crate::bail!("no csv lines found");
    }
    Ok(joined)
}

/// The input's lines, each with its `\n` (a `\r\n` read as `\n`), the last without one
/// if the input does not end in a newline; a last line's trailing `\r` is dropped.
fn split_lines(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = text
        .split_inclusive('\n')
        .map(|l| match l.strip_suffix("\r\n") {
            Some(body) => format!("{body}\n"),
            None => l.to_string(),
        })
        .collect();
    if let Some(last) = lines.last_mut()
        && !last.ends_with('\n')
        && last.ends_with('\r')
    {
        last.pop();
    }
    lines
}

/// Go's `encoding/csv` record reader (one record per call), with its quote rules and
/// error positions.
struct GoCsvReader {
    lines: Vec<String>,
    next_line: usize,
    delimiter: char,
    lazy_quotes: bool,
}

impl GoCsvReader {
    fn read_line(&mut self) -> Option<String> {
        let line = self.lines.get(self.next_line).cloned();
        if line.is_some() {
            self.next_line += 1;
        }
        line
    }

    /// The next record's completed fields and the parse error that ended it early, or
    /// None at the end of the input. Empty lines are skipped.
    fn read_record(&mut self) -> Option<(Vec<String>, Option<String>)> {
        let mut line = loop {
            let line = self.read_line()?;
            if line != "\n" {
                break line;
            }
        };
        let start_line = self.next_line;
        let mut line_no = start_line;
        let mut fields = Vec::new();
        let mut col = 1usize;
        let delimiter = self.delimiter;
        loop {
            if !line.starts_with('"') {
                let end = line.find(delimiter);
                let field = match end {
                    Some(i) => &line[..i],
                    None => line.strip_suffix('\n').unwrap_or(&line),
                };
                if !self.lazy_quotes
                    && let Some(j) = field.find('"')
                {
                    let error = csv_error(start_line, line_no, col + j, "bare \" in non-quoted-field");
                    return Some((fields, Some(error)));
                }
                fields.push(field.to_string());
                match end {
                    Some(i) => {
                        col += i + delimiter.len_utf8();
                        line = line[i + delimiter.len_utf8()..].to_string();
                        continue;
                    }
                    None => return Some((fields, None)),
                }
            }
            // A quoted field, possibly spanning lines.
            let mut field = String::new();
            line.remove(0);
            col += 1;
            loop {
                if let Some(i) = line.find('"') {
                    field.push_str(&line[..i]);
                    line = line[i + 1..].to_string();
                    col += i + 1;
                    let next = line.chars().next();
                    if next == Some('"') {
                        field.push('"');
                        line.remove(0);
                        col += 1;
                    } else if next == Some(delimiter) {
                        line = line[delimiter.len_utf8()..].to_string();
                        col += delimiter.len_utf8();
                        fields.push(field);
                        break;
                    } else if line.is_empty() || line == "\n" {
                        fields.push(field);
                        return Some((fields, None));
                    } else if self.lazy_quotes {
                        field.push('"');
                    } else {
                        let error = csv_error(start_line, line_no, col - 1, "extraneous or missing \" in quoted-field");
                        return Some((fields, Some(error)));
                    }
                } else if !line.is_empty() {
                    field.push_str(&line);
                    col += line.len();
                    match self.read_line() {
                        Some(next) => {
                            line = next;
                            line_no += 1;
                            col = 1;
                        }
                        None => line = String::new(),
                    }
                } else {
                    if !self.lazy_quotes {
                        let error = csv_error(start_line, line_no, col, "extraneous or missing \" in quoted-field");
                        return Some((fields, Some(error)));
                    }
                    fields.push(field);
                    return Some((fields, None));
                }
            }
        }
    }
}

/// `csv.ParseError`'s text.
fn csv_error(start_line: usize, line: usize, column: usize, message: &str) -> String {
    if start_line != line {
        format!("record on line {start_line}; parse error on line {line}, column {column}: {message}")
    } else {
        format!("parse error on line {line}, column {column}: {message}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(text: &str, lazy_quotes: bool) -> Vec<String> {
        read_row(text, ',', lazy_quotes).unwrap_or_else(|e| panic!("{text:?}: {e}"))
    }

    #[test]
    fn quotes_and_newlines() {
        assert_eq!(row("\"a,b\",\"c\"\"d\",e", false), ["a,b", "c\"d", "e"]);
        assert_eq!(row("\"a\nb\",c", false), ["a\nb", "c"]);
        // A raw newline continues the field it breaks (parseutils.ReadCSVRow).
        assert_eq!(row("val1\nnewline,val2", false), ["val1\nnewline", "val2"]);
        assert_eq!(row("val1,val2\r\n", false), ["val1", "val2"]);
        assert_eq!(row("a\"b,c", true), ["a\"b", "c"]);
    }

    #[test]
    fn errors_are_go_parse_errors() {
        let error = |text: &str| read_row(text, ',', false).unwrap_err().message().to_string();
        assert_eq!(
            error("\"abc\"x,y"),
            "read csv line: parse error on line 1, column 5: extraneous or missing \" in quoted-field"
        );
        assert!(error("a\"b,c").starts_with("read csv line: parse error on line 1"));
        assert_eq!(error(""), "no csv lines found");
        assert_eq!(read_row("a", '"', false).unwrap_err().message(), "read csv line: csv: invalid field or comment delimiter");
    }
}
