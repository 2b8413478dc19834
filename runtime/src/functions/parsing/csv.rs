//! `ParseCSV`: one CSV row into a map keyed by its header, with Go's `encoding/csv` rules.

use super::super::literal::{LiteralArgs, LiteralError, one_of_help};
use super::super::shorthand::*;
use super::map_of;
use crate::bail;
use crate::coerce;
use crate::converter;
use crate::error::Result;
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
    converter!(parse_csv(target, header, delimiter, header_delimiter, mode)),
    "Parses one CSV row into a map keyed by the header fields; `mode` is \"strict\", \"lazyQuotes\" or \"ignoreQuotes\".",
    &[
        Example::new(
            r#"ParseCSV("2024-01-01,INFO,started", "time,level,message")"#,
            r#"{"time": "2024-01-01", "level": "INFO", "message": "started"}"#,
        ),
        Example::new(r#"ParseCSV("a|\"b|c\"", "x,y", "|", ",")"#, r#"{"x": "a", "y": "b|c"}"#),
    ],
)
.literals(parse_csv_literals)
.pure()];

/// How `ParseCSV` treats quotes.
#[derive(Clone, Copy, PartialEq)]
enum CsvMode {
    Strict,
    LazyQuotes,
    IgnoreQuotes,
}

impl CsvMode {
    const NAMES: &[&str] = &["strict", "lazyQuotes", "ignoreQuotes"];

    fn parse(name: &str) -> Result<CsvMode> {
        Ok(match name {
            "strict" => CsvMode::Strict,
            "lazyQuotes" => CsvMode::LazyQuotes,
            "ignoreQuotes" => CsvMode::IgnoreQuotes,
            other => bail!("unknown mode: {other}"),
        })
    }
}

/// The character of a delimiter parameter (`param`), which must be a single one.
fn single_char(delimiter: &str, param: &str) -> Result<char> {
    let mut chars = delimiter.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Ok(c),
        _ => bail!("invalid arguments: {param} must be a single character"),
    }
}

/// `createParseCSVFunction` and `ParseCSVArguments.validate` check the delimiters and the
/// mode when the statement is built.
fn parse_csv_literals(args: &LiteralArgs<'_>) -> Vec<LiteralError> {
    let delimiter = |param: &'static str| {
        let error = single_char(args.string(param)?, param).err()?;
        Some(LiteralError::new(param, error.to_string()))
    };
    let mode = args.string("mode").and_then(|mode| CsvMode::parse(mode).err());
    let mode = mode.map(|error| LiteralError::new("mode", error.to_string()).help(one_of_help(CsvMode::NAMES)));
    [delimiter("delimiter"), delimiter("header_delimiter"), mode].into_iter().flatten().collect()
}

/// `ParseCSV(target, header, delimiter=",", header_delimiter=delimiter, mode="strict")`: the
/// settings are checked in that order before the target and the header are read.
fn parse_csv(
    target: &Value,
    header: &Value,
    delimiter: Option<&str>,
    header_delimiter: Option<&Value>,
    mode: Option<&Value>,
) -> Result<Value> {
    let delimiter = delimiter.map_or(Ok(','), |d| single_char(d, "delimiter"))?;
    let header_delimiter = match header_delimiter {
        Some(d) => single_char(coerce::string(d)?, "header_delimiter")?,
        None => delimiter,
    };
    let mode = CsvMode::parse(mode.map_or(Ok("strict"), coerce::string)?)?;
    let target = coerce::string(target).map_err(|e| e.context("error getting value for target in ParseCSV"))?;
    let header = coerce::string(header).map_err(|e| e.context("error getting value for header in ParseCSV"))?;
    if header.is_empty() {
        bail!("headers must not be an empty string");
    }
    let headers: Vec<&str> = header.split(header_delimiter).collect();
    let fields = match mode {
        CsvMode::IgnoreQuotes => target.split(delimiter).map(str::to_string).collect(),
        _ => go::csv::read_row(target, delimiter, mode == CsvMode::LazyQuotes)?,
    };
    if fields.len() != headers.len() {
        bail!("map csv headers: wrong number of fields: expected {}, found {}", headers.len(), fields.len());
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

    #[test]
    fn literal_settings() {
        let text = Literal::String;
        assert!(literal_errors("ParseCSV", vec![("delimiter", text("é")), ("mode", text("ignoreQuotes"))]).is_empty());
        let errors = literal_errors("ParseCSV", vec![("header_delimiter", text("")), ("mode", text("lazy"))]);
        let found: Vec<(&str, &str, Option<&str>)> =
            errors.iter().map(|e| (e.param, e.message.as_str(), e.help.as_deref())).collect();
        assert_eq!(
            found,
            [
                ("header_delimiter", "invalid arguments: header_delimiter must be a single character", None),
                ("mode", "unknown mode: lazy", Some(r#"expected one of "strict", "lazyQuotes", "ignoreQuotes""#)),
            ]
        );
    }
}
