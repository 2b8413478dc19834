//! Real-world agreement (issue 8): every in-scope row of `tests/realworld/statements.tsv` and
//! every OTTL component of the fifteen real configs goes through `ottlc check` and through the
//! collector (`ottl-ref check`: the real processors and connectors, v0.161.0, built as the
//! collector builds them at start-up). Both accept, both reject, or they disagree; a
//! disagreement fails the test unless `tests/realworld/known-differences.tsv` explains it.
//!
//! Prints the counts, ottlc's warnings on rows the collector accepts (by code), the codes of
//! the mistakes the collector rejects, and every disagreement with both messages. Needs Go.

use std::collections::BTreeMap;

use ottl_tests::realworld::{self, Row, Verdict};
use ottl_tests::reference::{self, CheckCase};

fn case_of(row: &Row) -> CheckCase {
    CheckCase {
        id: row.id.clone(),
        kind: row.kind.name(),
        signal: row.signal.clone(),
        context: row.context.clone().unwrap_or_default(),
        text: row.collector_text(),
    }
}

/// The code of a verdict's first message (`E0104: …` → `E0104`).
fn first_code(messages: &[String]) -> &str {
    messages.first().and_then(|m| m.split(':').next()).unwrap_or("-")
}

#[test]
fn rows_agree_with_the_collector() {
    let realworld::Rows { rows, skipped } = realworld::rows();
    let known = realworld::known_differences();
    let theirs = reference::run_check(&rows.iter().map(case_of).collect::<Vec<_>>()).expect("ottl-ref check runs");
    let mut both_accept = 0;
    let mut both_reject = 0;
    let mut known_seen = 0;
    let mut warnings: BTreeMap<String, usize> = BTreeMap::new();
    let mut mistakes: BTreeMap<String, usize> = BTreeMap::new();
    let mut disagreements = Vec::new();
    for (row, theirs) in rows.iter().zip(&theirs) {
        let ours: Verdict = realworld::check_row(row);
        match (ours.accepted(), theirs) {
            (true, Ok(())) => {
                both_accept += 1;
                for warning in &ours.warnings {
                    *warnings.entry(first_code(std::slice::from_ref(warning)).to_string()).or_default() += 1;
                }
            }
            (false, Err(_)) => {
                both_reject += 1;
                *mistakes.entry(first_code(&ours.errors).to_string()).or_default() += 1;
            }
            _ if known.contains_key(&row.id) => known_seen += 1,
            (ours_accepts, theirs) => disagreements.push(format!(
                "{} [{} {} {}] {}\n    ottlc:     {}\n    collector: {}",
                row.id,
                row.signal,
                row.context.as_deref().unwrap_or("infer"),
                row.kind.name(),
                row.text,
                if ours_accepts { "accepts".to_string() } else { ours.errors.join(" | ") },
                match theirs {
                    Ok(()) => "accepts".to_string(),
                    Err(error) => error.clone(),
                },
            )),
        }
    }
    for line in &disagreements {
        println!("DISAGREE {line}");
    }
    println!(
        "realworld rows: {} judged, both accept {both_accept}, both reject {both_reject}, known differences {known_seen}, disagree {}",
        rows.len(),
        disagreements.len()
    );
    println!("skipped: {skipped:?}");
    println!("ottlc warnings on rows the collector accepts: {warnings:?}");
    println!("ottlc's first code on rows both reject: {mistakes:?}");
    assert!(disagreements.is_empty(), "{} rows disagree with the collector (listed above)", disagreements.len());
}

#[test]
fn configs_agree_with_the_collector() {
    let known = realworld::known_differences();
    let dir = std::path::Path::new(realworld::DIR).join("configs");
    let mut files: Vec<_> = std::fs::read_dir(&dir).expect("configs").flatten().map(|e| e.path()).collect();
    files.retain(|p| p.extension().is_some_and(|e| e == "yaml"));
    files.sort();
    let mut components = 0;
    let mut disagreements = Vec::new();
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        let ours = realworld::check_config(&name, &text);
        let verdict = reference::check_config(&name, &text).unwrap_or_else(|e| panic!("{name}: ottl-ref check: {e}"));
        let file_errors = ours.get("").map(|v| v.errors.clone()).unwrap_or_default();
        if file_errors.is_empty() != verdict.file_error.is_none() {
            disagreements.push(format!(
                "{name}: the file itself\n    ottlc:     {}\n    collector: {}",
                if file_errors.is_empty() { "reads it".to_string() } else { file_errors.join(" | ") },
                verdict.file_error.clone().unwrap_or_else(|| "reads it".to_string())
            ));
        }
        let theirs = verdict.components;
        for (component, theirs) in &theirs {
            components += 1;
            let ours = ours.get(component).cloned().unwrap_or_default();
            if ours.accepted() == theirs.is_ok() || known.contains_key(&format!("{name}:{component}")) {
                continue;
            }
            disagreements.push(format!(
                "{name}: {component}\n    ottlc:     {}\n    collector: {}",
                if ours.accepted() { "accepts".to_string() } else { ours.errors.join(" | ") },
                theirs.clone().err().unwrap_or_else(|| "accepts".to_string())
            ));
        }
        let unchecked: Vec<&String> = ours.keys().filter(|c| !c.is_empty() && !theirs.iter().any(|(t, _)| t == *c)).collect();
        assert!(unchecked.is_empty(), "{name}: ottlc found OTTL in components the collector check did not build: {unchecked:?}");
    }
    for line in &disagreements {
        println!("DISAGREE {line}");
    }
    println!("realworld configs: {components} OTTL components, {} disagree", disagreements.len());
    assert!(disagreements.is_empty(), "{} components disagree with the collector (listed above)", disagreements.len());
}
