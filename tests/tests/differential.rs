//! Differential tests against the Go reference (issue 5): every statement, condition and
//! value row of the corpus, run by `ottlc`'s interpreter and by the collector's own
//! transform processor on the row's fixture, must come out the same. A disagreement
//! prints the case and both outcomes; the ones explained in
//! `tests/reference/known-differences.tsv` are allowed.
//!
//! Needs Go (the test builds `tests/reference`); without it the test says so and fails.

use std::collections::BTreeMap;

use ottl_tests::corpus::{self, Row};
use ottl_tests::differential::{Verdict, compare, reproduction, run_ours};
use ottl_tests::fixtures;
use ottl_tests::reference::{self, Case};

/// Where a condition's or value's result is written, so that the processor can show it.
const RESULT: &str = "resource.attributes[\"ottl.result\"]";

fn known_differences() -> BTreeMap<String, String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/reference/known-differences.tsv");
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split_once('\t'))
        .map(|(id, why)| (id.to_string(), why.to_string()))
        .collect()
}

/// A corpus row as a case: statements as they are; a condition or value written to the
/// resource's attributes by a statement.
fn case_of(row: &Row) -> Option<Case> {
    let context = if row.context == "grammar" { "log".to_string() } else { row.context.clone() };
    let rules = match row.kind.as_str() {
        "statement" => row.snippets().into_iter().map(str::to_string).collect(),
        "condition" => vec![format!("set({RESULT}, true) where {}", row.text)],
        "value" => vec![format!("set({RESULT}, {})", row.text)],
        _ => return None,
    };
    let fixture = fixtures::for_note(&row.note)?;
    Some(Case {
        id: row.id.clone(),
        command: "statements",
        signal: reference::signal_of(&fixture),
        context,
        error_mode: "propagate",
        rules,
        input: fixture.to_json(),
    })
}

#[test]
fn corpus_rows_agree_with_the_collector() {
    let rows = corpus::load(&corpus::corpus_path()).expect("corpus");
    let cases: Vec<Case> = rows.iter().filter_map(case_of).collect();
    let outcomes = reference::run_batch(&cases).unwrap_or_else(|e| panic!("the Go reference cannot run: {e}"));
    let known = known_differences();
    let (mut agree, mut other_words, mut explained) = (0, 0, 0);
    let mut unexplained = Vec::new();
    for (case, theirs) in cases.iter().zip(&outcomes) {
        let ours = run_ours(case);
        match (compare(&ours, theirs), known.get(&case.id)) {
            (Verdict::Agree, None) => agree += 1,
            (Verdict::AgreeWithOtherWords { ours, reference }, None) => {
                other_words += 1;
                println!("{}: same outcome, other words:\n  ottlc:     {ours}\n  reference: {reference}", case.id);
            }
            (_, Some(_)) => explained += 1,
            (Verdict::Disagree, None) => unexplained.push(reproduction(case, &ours, theirs)),
        }
    }
    println!(
        "differential (corpus): {} cases, {agree} agree, {other_words} agree with other error words, {explained} known differences, {} disagree",
        cases.len(),
        unexplained.len()
    );
    assert!(unexplained.is_empty(), "{} disagreements:\n{}", unexplained.len(), unexplained.join("\n\n"));
}
