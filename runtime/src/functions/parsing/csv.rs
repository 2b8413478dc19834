//! `ParseCSV`: one CSV row into a map keyed by its header, with Go's `encoding/csv` rules.

use super::super::Args;
use super::super::shorthand::*;
use super::map_of;
use crate::coerce;
use crate::error::{Error, Result};
use crate::go;
use crate::value::Value;

pub(crate) static FUNCTIONS: &[Function] = &[Function::converter(
    "ParseCSV",
    &[
        r("target", K::StringGetter),
        r("header", K::StringGetter),
        o("delimiter", K::String),
        o("header_delimiter", K::String),
        o("mode", K::String),
    ],
    T::Map(&T::String),
    |args, _| parse_csv(args),
    "Parses one CSV row into a map keyed by the header fields; `mode` is \"strict\", \"lazyQuotes\" or \"ignoreQuotes\".",
    &[
        Example::new(
            r#"ParseCSV("2024-01-01,INFO,started", "time,level,message")"#,
            r#"{"time": "2024-01-01", "level": "INFO", "message": "started"}"#,
        ),
        Example::new(r#"ParseCSV("a|\"b|c\"", "x,y", "|", ",")"#, r#"{"x": "a", "y": "b|c"}"#),
    ],
)];

/// How `ParseCSV` treats quotes.
#[derive(Clone, Copy, PartialEq)]
enum CsvMode {
    Strict,
    LazyQuotes,
    IgnoreQuotes,
}

/// A single-character delimiter parameter (`delimiter must be a single character`).
fn single_char_param(args: &Args<'_>, i: usize, name: &str) -> Result<Option<char>> {
    let Some(value) = args.optional(i) else { return Ok(None) };
    let mut chars = coerce::string(value)?.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Ok(Some(c)),
        _ => Err(Error::new(format!("invalid arguments: {name} must be a single character"))),
    }
}

/// `ParseCSV(target, header, delimiter=",", header_delimiter=delimiter, mode="strict")`.
fn parse_csv(args: &mut Args<'_>) -> Result<Value> {
    let delimiter = single_char_param(args, 2, "delimiter")?.unwrap_or(',');
    let header_delimiter = single_char_param(args, 3, "header_delimiter")?.unwrap_or(delimiter);
    let mode = match args.optional(4).map(coerce::string).transpose()?.unwrap_or("strict") {
        "strict" => CsvMode::Strict,
        "lazyQuotes" => CsvMode::LazyQuotes,
        "ignoreQuotes" => CsvMode::IgnoreQuotes,
        other => crate::bail!("unknown mode: {other}"),
    };
    let target = args.string(0).map_err(|e| e.context("error getting value for target in ParseCSV"))?;
    let header = args.string(1).map_err(|e| e.context("error getting value for header in ParseCSV"))?;
    if header.is_empty() {
        crate::bail!("headers must not be an empty string");
    }
    let headers: Vec<&str> = header.split(header_delimiter).collect();
    let fields = match mode {
        CsvMode::IgnoreQuotes => target.split(delimiter).map(str::to_string).collect(),
        _ => go::csv::read_row(target, delimiter, mode == CsvMode::LazyQuotes)?,
    };
    if fields.len() != headers.len() {
        crate::bail!("map csv headers: wrong number of fields: expected {}, found {}", headers.len(), fields.len());
    }
    Ok(Value::Map(map_of(headers.into_iter().map(str::to_string).zip(fields.into_iter().map(Value::String)))))
}

#[cfg(test)]
mod tests {
    use super::super::test_values::*;
    use super::*;

    fn csv(target: &str, header: &str, rest: &[Value]) -> Result<Value> {
        let mut args = vec![s(target), s(header)];
        args.extend(rest.iter().cloned());
        convert("ParseCSV", args)
    }

    #[test]
    fn parse_csv_reference_cases() {
        let cols = |vals: [&str; 3]| strings(&[("col1", vals[0]), ("col2", vals[1]), ("col3", vals[2])]);
        assert_eq!(csv("val1,val2,val3", "col1,col2,col3", &[]).unwrap(), cols(["val1", "val2", "val3"]));
        assert_eq!(csv("val1\nnewline,val2,val3", "col1,col2,col3", &[]).unwrap(), cols(["val1\nnewline", "val2", "val3"]));
        assert_eq!(csv("val1,val2\nnewline,val3", "col1,col2,col3", &[]).unwrap(), cols(["val1", "val2\nnewline", "val3"]));
        assert_eq!(csv("val1,val2,val3\nnewline", "col1,col2,col3", &[]).unwrap(), cols(["val1", "val2", "val3\nnewline"]));
        assert_eq!(
            csv("val1\nnewline1,val2\nnewline2,val3\nnewline3", "col1,col2,col3", &[]).unwrap(),
            cols(["val1\nnewline1", "val2\nnewline2", "val3\nnewline3"])
        );
        assert_eq!(csv("\nval1,val2,val3", "col1,col2,col3", &[]).unwrap(), cols(["val1", "val2", "val3"]));
        assert_eq!(csv("val1,val2,val3\n", "col1,col2,col3", &[]).unwrap(), cols(["val1", "val2", "val3"]));
        assert_eq!(csv("val1\n,val2,val3", "col1,col2,col3", &[]).unwrap(), cols(["val1\n", "val2", "val3"]));
        assert_eq!(csv("val1\tval2\tval3", "col1 col2 col3", &[s("\t"), s(" ")]).unwrap(), cols(["val1", "val2", "val3"]));
        assert_eq!(csv("\"a,b\",\"c\"\"d\",e", "col1,col2,col3", &[]).unwrap(), cols(["a,b", "c\"d", "e"]));
        assert_eq!(csv("\"a\nb\",c,d", "col1,col2,col3", &[]).unwrap(), cols(["a\nb", "c", "d"]));
        let err = |r: Result<Value>| r.unwrap_err().message().to_string();
        assert_eq!(err(csv("val1,val2,val3", "col1,col2", &[])), "map csv headers: wrong number of fields: expected 2, found 3");
        assert_eq!(err(csv("val1", "", &[])), "headers must not be an empty string");
        assert_eq!(err(csv("", "col1,col2,col3", &[])), "no csv lines found");
        assert_eq!(
            err(csv("val1,val2,v\"al3", "col1,col2,col3", &[])),
            "map csv headers: wrong number of fields: expected 3, found 2"
        );
        assert_eq!(
            err(csv("\"abc\"x,y", "col1,col2", &[])),
            "read csv line: parse error on line 1, column 5: extraneous or missing \" in quoted-field"
        );
        assert_eq!(err(csv("a,b,c", "x,y,z", &[s("bad_delim")])), "invalid arguments: delimiter must be a single character");
        assert_eq!(
            err(csv("a,b,c", "x,y,z", &[s(","), s("bad_delim")])),
            "invalid arguments: header_delimiter must be a single character"
        );
        assert_eq!(err(csv("a", "x", &[s(","), s(","), s("fake-mode")])), "unknown mode: fake-mode");
    }

    #[test]
    fn parse_csv_modes() {
        let lazy = [s(","), s(","), s("lazyQuotes")];
        assert_eq!(
            csv("val1,val2,v\"al3", "col1,col2,col3", &lazy).unwrap(),
            strings(&[("col1", "val1"), ("col2", "val2"), ("col3", "v\"al3")])
        );
        assert_eq!(
            csv("val1,\"val2,\"val3,val4\"", "col1,col2,col3,col4", &lazy).unwrap_err().message(),
            "map csv headers: wrong number of fields: expected 4, found 2"
        );
        let ignore = [s(","), s(","), s("ignoreQuotes")];
        assert_eq!(
            csv("val1,\"val2,\"val3,val4\"", "col1,col2,col3,col4", &ignore).unwrap(),
            strings(&[("col1", "val1"), ("col2", "\"val2"), ("col3", "\"val3"), ("col4", "val4\"")])
        );
        // The corpus rows: separate header delimiter, and the README example.
        assert_eq!(
            csv("val1;val2;val3", "header1|header2|header3", &[s(";"), s("|"), s("strict")]).unwrap(),
            strings(&[("header1", "val1"), ("header2", "val2"), ("header3", "val3")])
        );
        assert_eq!(
            csv("999-999-9999,Joe Smith,joe.smith@example.com", "phone,name,email", &[]).unwrap(),
            strings(&[("phone", "999-999-9999"), ("name", "Joe Smith"), ("email", "joe.smith@example.com")])
        );
        csv("a,b", "x,y,z", &[]).unwrap_err();
    }
}
