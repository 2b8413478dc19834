//! Every statement, condition and value row of the corpus that the collector loads must
//! check without errors in its context: the checker may warn, but it must not reject what
//! the reference accepts.

use ottl_tests::check_rows;
use ottl_tests::corpus;

#[test]
fn rows_the_collector_loads_check_without_errors() {
    let rows = corpus::load(&corpus::corpus_path()).expect("the corpus loads");
    let mut checked = 0;
    let mut failures = Vec::new();
    for row in rows.iter().filter(|r| matches!(r.kind.as_str(), "statement" | "condition" | "value")) {
        let Some(settings) = check_rows::settings(row) else { continue };
        if !check_rows::expects_to_load(row) {
            continue;
        }
        checked += 1;
        for snippet in row.snippets() {
            let errors = check_rows::errors(snippet, check_rows::entry(row), &settings);
            if !errors.is_empty() {
                failures.push(format!("{}: {snippet}\n    {}", row.id, errors.join("\n    ")));
            }
        }
    }
    // A floor against a runner that silently skips rows (several rows expect errors since
    // the corpus copy follows v0.161).
    assert!(checked > 340, "only {checked} rows checked");
    assert!(failures.is_empty(), "{} of {checked} rows do not check clean:\n{}", failures.len(), failures.join("\n"));
}
