//! Running the corpus's grammar rows (`lex`, `lex_error`, `parse_ok`, `parse_error`)
//! through the front end.

use ottl_grammar::lexer::reference_tokens;
use ottl_grammar::{EntryPoint, Severity, lexer, parse_tokens};
use serde_json::Value;

use crate::corpus::Row;

/// The outcome of one row: `Ok` when it passes, `Err(why)` when it fails.
pub type Outcome = Result<(), String>;

pub fn is_grammar_kind(kind: &str) -> bool {
    matches!(kind, "lex" | "lex_error" | "parse_ok" | "parse_error")
}

pub fn run(row: &Row) -> Outcome {
    match row.kind.as_str() {
        "lex" => lex(row),
        "lex_error" => lex_error(row),
        "parse_ok" | "parse_error" => parse(row),
        other => Err(format!("not a grammar row: {other}")),
    }
}

fn lex(row: &Row) -> Outcome {
    let expected = row.expected["tokens"].as_str().ok_or("row has no \"tokens\"")?;
    let tokens = reference_tokens(&row.text)?;
    let got: Vec<String> = tokens.iter().map(|(kind, text)| format!("{kind}({text})")).collect();
    let got = got.join(" ");
    if got == expected { Ok(()) } else { Err(format!("tokens {got}, expected {expected}")) }
}

fn lex_error(row: &Row) -> Outcome {
    let expected = row.expected["error"].as_str().ok_or("row has no \"error\"")?;
    match reference_tokens(&row.text) {
        Ok(tokens) => Err(format!("lexed without error into {} tokens", tokens.len())),
        Err(message) if message.contains(expected) => Ok(()),
        Err(message) => Err(format!("error {message:?} does not contain {expected:?}")),
    }
}

/// Which entry point a grammar row uses, from its note (the corpus names the Go parser
/// function: `ParseCondition`, `ParseValueExpression`; statements by default).
fn entry_point(row: &Row) -> EntryPoint {
    if row.note.contains("ParseValueExpression") || row.note.contains("; value expression") {
        EntryPoint::Value
    } else if row.note.contains("ParseCondition") || row.note.contains("; condition") {
        EntryPoint::Condition
    } else {
        EntryPoint::Statement
    }
}

/// Parses each snippet of the row and renders the failures the way the reference's
/// `ParseStatements`/`ParseConditions` joins them: `unable to parse OTTL statement "…": …`.
fn parse(row: &Row) -> Outcome {
    let entry = entry_point(row);
    let noun = if entry == EntryPoint::Condition { "condition" } else { "statement" };
    let mut failures = Vec::new();
    for snippet in row.snippets() {
        let parsed = parse_tokens(snippet, &lexer::lex(snippet), entry);
        let errors: Vec<String> =
            parsed.syntax_diagnostics().filter(|d| d.severity() == Severity::Error).map(|d| d.message).collect();
        if !errors.is_empty() {
            failures.push(format!("unable to parse OTTL {noun} {snippet:?}: {}", errors.join("; ")));
        }
    }
    let joined = failures.join("\n");
    match (&row.expected["parses"], &row.expected["error"]) {
        (Value::Bool(true), _) if failures.is_empty() => Ok(()),
        (Value::Bool(true), _) => Err(format!("expected to parse, got: {joined}")),
        (_, expected @ (Value::String(_) | Value::Array(_))) => {
            let expected: Vec<&str> = match expected {
                Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
                other => other.as_str().into_iter().collect(),
            };
            if failures.is_empty() {
                return Err(format!("parsed without error, expected {expected:?}"));
            }
            if let Some(count) = row.expected["errors"].as_u64()
                && failures.len() as u64 != count
            {
                return Err(format!("{} snippets failed, expected {count}: {joined}", failures.len()));
            }
            // The corpus writes a generic syntax error as one of these; any error
            // matches them. Specific texts must appear in our messages.
            let generic = ["syntax error", "statement has invalid syntax", "*"];
            match expected.iter().find(|e| !generic.contains(e) && !joined.contains(*e)) {
                None => Ok(()),
                Some(missing) => Err(format!("error {joined:?} does not contain {missing:?}")),
            }
        }
        _ => Err("row expects neither \"parses\" nor \"error\"".into()),
    }
}
