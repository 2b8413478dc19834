//! The conformance corpus runner (DESIGN §6): runs every row, prints `FAIL <id>: <why>`
//! for each failure and ends with `conformance: N passed, M failed, K skipped`.
//!
//! Rows of kinds this build does not implement yet are skipped and counted. Rows listed
//! in `known-failures.tsv` beside the corpus may fail without failing the run; one that
//! passes is reported, so that the list only shrinks.

use std::process::ExitCode;

use ottl_tests::corpus::{self, Row};
use ottl_tests::{check_rows, exec_rows, grammar_rows};

fn main() -> ExitCode {
    let path = corpus::corpus_path();
    let rows = match corpus::load(&path) {
        Ok(rows) => rows,
        Err(message) => {
            eprintln!("conformance: {message}");
            return ExitCode::FAILURE;
        }
    };
    let known = corpus::known_failures(&path);
    let (mut passed, mut failed, mut skipped, mut unexpected) = (0, 0, 0, 0);
    let mut skipped_kinds = std::collections::BTreeMap::<String, usize>::new();
    for row in &rows {
        let Some(outcome) = run(row) else {
            skipped += 1;
            *skipped_kinds.entry(row.kind.clone()).or_default() += 1;
            continue;
        };
        let known_reason = known.iter().find(|(id, _)| *id == row.id).map(|(_, reason)| reason);
        match (outcome, known_reason) {
            (Ok(()), None) => passed += 1,
            (Ok(()), Some(_)) => {
                passed += 1;
                unexpected += 1;
                println!("PASS {}: listed in known-failures.tsv but passes now; remove it", row.id);
            }
            (Err(why), Some(reason)) => {
                failed += 1;
                println!("FAIL {}: {why} (known: {reason})", row.id);
            }
            (Err(why), None) => {
                failed += 1;
                unexpected += 1;
                println!("FAIL {}: {why}", row.id);
            }
        }
    }
    if !skipped_kinds.is_empty() {
        let kinds: Vec<String> = skipped_kinds.iter().map(|(kind, n)| format!("{kind} {n}")).collect();
        println!("skipped (kinds not implemented in this build): {}", kinds.join(", "));
    }
    println!("conformance: {passed} passed, {failed} failed, {skipped} skipped");
    if unexpected > 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}

/// Runs a row, or `None` when its kind is not implemented yet.
fn run(row: &Row) -> Option<Result<(), String>> {
    match row.kind.as_str() {
        "check_error" => return Some(check_rows::run_check_error(row)),
        "rewrite" => return Some(check_rows::run_rewrite(row)),
        _ => {}
    }
    if exec_rows::is_exec_kind(&row.kind) {
        return Some(exec_rows::run(row));
    }
    grammar_rows::is_grammar_kind(&row.kind).then(|| grammar_rows::run(row))
}
