//! Differential tests against the Go reference (issue 5): every statement, condition and
//! value row of the corpus, and thousands of generated programs on generated inputs, run by
//! `ottlc`'s interpreter and by the collector's own transform processor, must come out the
//! same. A disagreement prints the case (shrunk, for generated ones) and both outcomes;
//! the ones explained in `tests/reference/known-differences.tsv` are allowed.
//!
//! Needs Go (the test builds `tests/reference`); without it the test says so and fails.

use std::collections::BTreeMap;

use ottl_runtime::otlp::Telemetry;
use ottl_tests::corpus::{self, Row};
use ottl_tests::differential::{Verdict, compare, reproduction, run_ours, shrink_candidates};
use ottl_tests::reference::{self, Case, Outcome};
use ottl_tests::{fixtures, generator};

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
        conditions: Vec::new(),
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

/// How many generated programs the test runs (`OTTL_DIFF_PROGRAMS`, default 2,000) and from
/// which seed (`OTTL_DIFF_SEED`, default 0).
fn generated_range() -> std::ops::Range<u64> {
    let env = |name: &str, default: u64| std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default);
    let start = env("OTTL_DIFF_SEED", 0);
    start..start + env("OTTL_DIFF_PROGRAMS", 2_000)
}

fn case_of_program(seed: u64, program: &generator::Program) -> Case {
    let input_signal = match Telemetry::from_json(&program.input.to_string()) {
        Ok(telemetry) => reference::signal_of(&telemetry),
        Err(_) => "logs",
    };
    Case {
        id: format!("seed {seed}"),
        command: "statements",
        signal: input_signal,
        context: program.context.name().to_string(),
        error_mode: "propagate",
        rules: program.statements.clone(),
        conditions: program.guard.clone(),
        input: program.input.clone(),
    }
}

/// Whether the collector's own code panicked on a case (a bug of the collector's).
fn collector_panicked(theirs: &Outcome) -> bool {
    matches!(theirs, Outcome::Failed(why) if why.contains(reference::COLLECTOR_PANICKED))
}

/// The smallest variant of a disagreeing case that still disagrees.
fn shrink(mut case: Case) -> (Case, Outcome, Outcome) {
    loop {
        let (candidates, ours): (Vec<Case>, Vec<Outcome>) = shrink_candidates(&case)
            .into_iter()
            .map(|c| {
                let ours = run_ours(&c);
                (c, ours)
            })
            .filter(|(_, ours)| !matches!(ours, Outcome::Rejected(_)))
            .unzip();
        let theirs = reference::run_batch(&candidates).unwrap_or_default();
        // A smaller case on which the collector panics is another finding, not this one.
        let smaller = candidates
            .into_iter()
            .zip(ours)
            .zip(theirs)
            .find(|((_, ours), theirs)| !collector_panicked(theirs) && compare(ours, theirs) == Verdict::Disagree);
        match smaller {
            Some(((smaller, _), _)) => case = smaller,
            None => {
                let theirs = reference::run_batch(std::slice::from_ref(&case)).ok().and_then(|mut v| v.pop());
                let theirs = theirs.unwrap_or(Outcome::Failed("the reference did not answer".to_string()));
                let ours = run_ours(&case);
                return (case, ours, theirs);
            }
        }
    }
}

#[test]
fn generated_programs_agree_with_the_collector() {
    let range = generated_range();
    let known = known_differences();
    let (mut cases, mut ours_outcomes, mut rejected) = (Vec::new(), Vec::new(), Vec::new());
    for seed in range.clone() {
        let program = generator::program(seed);
        let case = case_of_program(seed, &program);
        // Programs the checker rejects are compared apart: the collector may load them
        // and fail at run time (see the corpus's known differences), but it must not run
        // them without an error.
        match run_ours(&case) {
            Outcome::Rejected(why) => rejected.push((case, why)),
            ours => {
                cases.push(case);
                ours_outcomes.push(ours);
            }
        }
    }
    let rejected_by_us = rejected.len();
    let theirs_for_rejected = reference::run_batch(&rejected.iter().map(|(c, _)| c.clone()).collect::<Vec<_>>())
        .unwrap_or_else(|e| panic!("the Go reference cannot run: {e}"));
    let mut rejected_but_run = Vec::new();
    let (mut also_rejected, mut fail_at_run_time) = (0, 0);
    for ((case, why), theirs) in rejected.iter().zip(&theirs_for_rejected) {
        match theirs {
            Outcome::Rejected(_) => also_rejected += 1,
            Outcome::Failed(_) => fail_at_run_time += 1,
            Outcome::Output(_) => rejected_but_run.push(format!("{}: {:?}\n  ottlc: {why}", case.id, case.rules)),
        }
    }
    println!(
        "differential (generated): of {rejected_by_us} programs ottlc rejects, the collector rejects {also_rejected}, fails {fail_at_run_time} at run time and runs {} without error",
        rejected_but_run.len()
    );
    for line in rejected_but_run.iter().take(10) {
        println!("{line}");
    }
    let outcomes = reference::run_batch(&cases).unwrap_or_else(|e| panic!("the Go reference cannot run: {e}"));
    let (mut agree, mut other_words, mut rejected_by_reference) = (0, 0, 0);
    let mut disagreements = Vec::new();
    let mut collector_panics = Vec::new();
    for ((case, ours), theirs) in cases.iter().zip(&ours_outcomes).zip(&outcomes) {
        if collector_panicked(theirs) {
            // A bug of the collector's, not a disagreement to fix here.
            collector_panics.push(reproduction(case, ours, theirs));
            continue;
        }
        match compare(ours, theirs) {
            Verdict::Agree => agree += 1,
            Verdict::AgreeWithOtherWords { .. } => other_words += 1,
            Verdict::Disagree if known.contains_key(&case.id) => {}
            Verdict::Disagree => {
                if let Outcome::Rejected(_) = theirs {
                    rejected_by_reference += 1;
                }
                disagreements.push(case.clone());
            }
        }
    }
    println!(
        "differential (generated, seeds {}..{}): {} programs, {rejected_by_us} rejected by ottlc's checker and skipped, {agree} agree, {other_words} agree with other error words, {} disagree ({rejected_by_reference} of them rejected by the collector only)",
        range.start,
        range.end,
        range.end - range.start,
        disagreements.len()
    );
    if !disagreements.is_empty() {
        let ids: Vec<&str> = disagreements.iter().map(|c| c.id.as_str()).collect();
        println!("differential (generated): disagreements at {}", ids.join(", "));
    }
    if !collector_panics.is_empty() {
        println!(
            "differential (generated): the collector panicked on {} programs; the first:\n{}",
            collector_panics.len(),
            collector_panics[0]
        );
    }
    let reports: Vec<String> = disagreements
        .into_iter()
        .take(5)
        .map(|case| {
            let (small, ours, theirs) = shrink(case);
            reproduction(&small, &ours, &theirs)
        })
        .collect();
    assert!(reports.is_empty(), "disagreements (the first, shrunk):\n{}", reports.join("\n\n"));
}

/// Every condition row of the corpus as a filter processor's condition on the row's
/// fixture: the item is dropped when it matches, in both.
#[test]
fn corpus_conditions_agree_with_the_filter_processor() {
    let rows = corpus::load(&corpus::corpus_path()).expect("corpus");
    let cases: Vec<Case> = rows
        .iter()
        .filter(|row| row.kind == "condition")
        .filter_map(|row| {
            let context = if row.context == "grammar" { "log".to_string() } else { row.context.clone() };
            let fixture = fixtures::for_note(&row.note)?;
            Some(Case {
                id: row.id.clone(),
                command: "conditions",
                signal: reference::signal_of(&fixture),
                context,
                error_mode: "propagate",
                rules: vec![row.text.clone()],
                conditions: Vec::new(),
                input: fixture.to_json(),
            })
        })
        .collect();
    let outcomes = reference::run_batch(&cases).unwrap_or_else(|e| panic!("the Go reference cannot run: {e}"));
    let known = known_differences();
    let mut unexplained = Vec::new();
    let mut agree = 0;
    for (case, theirs) in cases.iter().zip(&outcomes) {
        let ours = run_ours(case);
        match compare(&ours, theirs) {
            Verdict::Disagree if !known.contains_key(&format!("{} (filter)", case.id)) => {
                unexplained.push(reproduction(case, &ours, theirs));
            }
            _ => agree += 1,
        }
    }
    println!(
        "differential (corpus conditions in the filter processor): {} cases, {agree} agree, {} disagree",
        cases.len(),
        unexplained.len()
    );
    assert!(unexplained.is_empty(), "{} disagreements:\n{}", unexplained.len(), unexplained.join("\n\n"));
}

/// Runs `cases` through both and fails with a reproduction of every disagreement.
fn assert_all_agree(cases: &[Case]) {
    let outcomes = reference::run_batch(cases).unwrap_or_else(|e| panic!("the Go reference cannot run: {e}"));
    let unexplained: Vec<String> = cases
        .iter()
        .zip(&outcomes)
        .filter_map(|(case, theirs)| {
            let ours = run_ours(case);
            (compare(&ours, theirs) == Verdict::Disagree).then(|| reproduction(case, &ours, theirs))
        })
        .collect();
    assert!(unexplained.is_empty(), "{} disagreements:\n{}", unexplained.len(), unexplained.join("\n\n"));
}

/// The transform processor's log parsers (ParseCEF, ParseCLF, ParseELF, ParseLEEF) on
/// lines of each format, as both parse them.
#[test]
fn log_parsers_agree_with_the_transform_processor() {
    let lines: &[(&str, &str)] = &[
        (
            "ParseCEF(log.body)",
            "CEF:0|Security|threatmanager|1.0|100|worm successfully stopped|10|src=10.0.0.1 dst=2.1.2.2 spt=1232 msg=hello world",
        ),
        ("ParseCEF(log.body)", r"CEF:1|Vendor|Prod\|uct|2|sig|Name with \= sign|High|cs1=a\=b cs1Label=label act=blocked"),
        ("ParseCEF(log.body)", "not a cef line"),
        ("ParseCLF(log.body)", r#"127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326"#),
        ("ParseCLF(log.body)", r#"10.1.1.1 - - [01/Jan/2024:00:00:00 +0000] "POST /api HTTP/1.1" 500 -"#),
        (
            r#"ParseCLF(log.body, "combined")"#,
            r#"127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 200 2326 "http://www.example.com/start.html" "Mozilla/4.08""#,
        ),
        ("ParseCLF(log.body)", "garbage"),
        (
            "ParseELF(log.body)",
            "#Version: 1.0\n#Fields: date time c-ip cs-method cs-uri-stem sc-status\n2024-01-01 12:00:00 10.0.0.1 GET /index.html 200",
        ),
        ("ParseELF(log.body)", "#Fields: time cs-uri\n12:00:00 /a\n12:00:01 \"/b c\""),
        ("ParseLEEF(log.body)", "LEEF:1.0|Microsoft|MSExchange|4.0 SP1|15345|src=192.0.2.0\tdst=172.50.123.1\tsev=5"),
        ("ParseLEEF(log.body)", "LEEF:2.0|Lancope|StealthWatch|1.0|41|^|src=10.0.6.1^dst=10.0.0.2^sev=5"),
    ];
    let cases: Vec<Case> = lines
        .iter()
        .enumerate()
        .map(|(i, (expr, body))| Case {
            id: format!("parser {i}"),
            command: "statements",
            signal: "logs",
            context: "log".to_string(),
            error_mode: "propagate",
            rules: vec![format!("set(log.attributes[\"parsed\"], {expr})")],
            conditions: Vec::new(),
            input: serde_json::json!({"resourceLogs": [{"scopeLogs": [{"logRecords": [{"body": {"stringValue": body}}]}]}]}),
        })
        .collect();
    assert_all_agree(&cases);
}

/// The transform processor's metric functions on one payload of every metric type.
#[test]
fn metric_functions_agree_with_the_transform_processor() {
    let point = |v: i64, k: &str| {
        serde_json::json!({"asInt": v.to_string(), "startTimeUnixNano": "1", "timeUnixNano": "2",
        "attributes": [{"key": "k", "value": {"stringValue": k}}, {"key": "z", "value": {"stringValue": "q"}}]})
    };
    let input = serde_json::json!({"resourceMetrics": [{"resource": {}, "scopeMetrics": [{"scope": {"name": "s"}, "metrics": [
        {"name": "gauge", "unit": "ms", "gauge": {"dataPoints": [point(1, "a"), point(2, "b"), point(4, "a")]}},
        {"name": "sum", "description": "d", "sum": {"dataPoints": [point(3, "a"), point(5, "b")], "aggregationTemporality": 2, "isMonotonic": true}},
        {"name": "histogram", "histogram": {"aggregationTemporality": 2, "dataPoints": [
            {"count": "6", "sum": 21.0, "bucketCounts": ["1", "2", "3"], "explicitBounds": [1.0, 5.0], "timeUnixNano": "2",
             "attributes": [{"key": "k", "value": {"stringValue": "a"}}]}]}},
        {"name": "expo", "exponentialHistogram": {"aggregationTemporality": 2, "dataPoints": [
            {"count": "4", "sum": 10.0, "scale": 0, "zeroCount": "1", "positive": {"offset": 0, "bucketCounts": ["1", "2"]}, "timeUnixNano": "2"}]}},
        {"name": "summary", "summary": {"dataPoints": [{"count": "3", "sum": 9.0, "timeUnixNano": "2",
            "quantileValues": [{"quantile": 0.5, "value": 2.0}, {"quantile": 0.9, "value": 4.0}]}]}},
    ]}]}]});
    let statements = [
        r#"convert_sum_to_gauge() where metric.name == "sum""#,
        r#"convert_gauge_to_sum("cumulative", true) where metric.name == "gauge""#,
        r#"convert_gauge_to_sum("delta", false) where metric.name == "gauge""#,
        r#"extract_count_metric(true) where metric.name == "histogram""#,
        r#"extract_sum_metric(false, "_total") where metric.name == "histogram""#,
        r#"extract_count_metric(false) where metric.name == "summary""#,
        r#"copy_metric(name = "copy", unit = "s") where metric.name == "sum""#,
        r#"scale_metric(2.5, "us") where metric.name == "gauge""#,
        r#"scale_metric(0.5) where metric.name == "histogram""#,
        r#"aggregate_on_attributes("sum", ["k"]) where metric.name == "gauge""#,
        r#"aggregate_on_attributes("max") where metric.name == "sum""#,
        r#"aggregate_on_attribute_value("sum", "k", ["a", "b"], "ab") where metric.name == "gauge""#,
        r#"convert_summary_quantile_val_to_gauge() where metric.name == "summary""#,
        r#"convert_exponential_histogram_to_histogram("midpoint", [1.0, 2.0, 4.0]) where metric.name == "expo""#,
        r#"extract_percentile_metric(50.0) where metric.name == "histogram""#,
    ];
    let cases: Vec<Case> = statements
        .iter()
        .enumerate()
        .map(|(i, statement)| Case {
            id: format!("metric function {i}"),
            command: "statements",
            signal: "metrics",
            context: "metric".to_string(),
            error_mode: "propagate",
            rules: vec![statement.to_string()],
            conditions: Vec::new(),
            input: input.clone(),
        })
        .collect();
    assert_all_agree(&cases);
}

/// Generated condition lists in the filter processor (`OTTL_DIFF_CONDITIONS`, default 500).
#[test]
fn generated_conditions_agree_with_the_filter_processor() {
    let count = std::env::var("OTTL_DIFF_CONDITIONS").ok().and_then(|v| v.parse().ok()).unwrap_or(500u64);
    let (cases, ours_outcomes): (Vec<Case>, Vec<Outcome>) = (0..count)
        .map(|seed| {
            let program = generator::conditions(seed);
            let case = Case { command: "conditions", ..case_of_program(seed, &program) };
            let ours = run_ours(&case);
            (case, ours)
        })
        .filter(|(_, ours)| !matches!(ours, Outcome::Rejected(_)))
        .unzip();
    let outcomes = reference::run_batch(&cases).unwrap_or_else(|e| panic!("the Go reference cannot run: {e}"));
    let mut unexplained = Vec::new();
    for ((case, ours), theirs) in cases.iter().zip(&ours_outcomes).zip(&outcomes) {
        if !collector_panicked(theirs) && compare(ours, theirs) == Verdict::Disagree {
            unexplained.push(reproduction(case, ours, theirs));
        }
    }
    println!(
        "differential (generated conditions): {count} lists, {} checked clean and compared, {} disagree",
        cases.len(),
        unexplained.len()
    );
    let first: Vec<String> = unexplained.into_iter().take(5).collect();
    assert!(first.is_empty(), "disagreements (the first):\n{}", first.join("\n\n"));
}

/// Generated statement groups guarded by conditions, in the transform processor
/// (`OTTL_DIFF_GUARDED`, default 500), under each error mode in turn: the statements run
/// on the items where a condition holds, and a failing condition is the error mode's.
#[test]
fn generated_guarded_groups_agree_with_the_transform_processor() {
    let count = std::env::var("OTTL_DIFF_GUARDED").ok().and_then(|v| v.parse().ok()).unwrap_or(500u64);
    let modes = ["propagate", "ignore", "silent"];
    let (cases, ours_outcomes): (Vec<Case>, Vec<Outcome>) = (0..count)
        .map(|seed| {
            let program = generator::guarded(seed);
            let case =
                Case { id: format!("guarded {seed}"), error_mode: modes[(seed % 3) as usize], ..case_of_program(seed, &program) };
            let ours = run_ours(&case);
            (case, ours)
        })
        .filter(|(_, ours)| !matches!(ours, Outcome::Rejected(_)))
        .unzip();
    let outcomes = reference::run_batch(&cases).unwrap_or_else(|e| panic!("the Go reference cannot run: {e}"));
    let known = known_differences();
    let (mut agree, mut disagreements) = (0, Vec::new());
    for ((case, ours), theirs) in cases.iter().zip(&ours_outcomes).zip(&outcomes) {
        match compare(ours, theirs) {
            Verdict::Disagree if !collector_panicked(theirs) && !known.contains_key(&case.id) => disagreements.push(case.clone()),
            _ => agree += 1,
        }
    }
    println!(
        "differential (generated guarded groups): {count} groups, {} checked clean and compared, {agree} agree, {} disagree",
        cases.len(),
        disagreements.len()
    );
    assert!(cases.len() as u64 > count / 3, "only {} of {count} guarded groups compiled", cases.len());
    let reports: Vec<String> = disagreements
        .into_iter()
        .take(5)
        .map(|case| {
            let (small, ours, theirs) = shrink(case);
            reproduction(&small, &ours, &theirs)
        })
        .collect();
    assert!(reports.is_empty(), "disagreements (the first, shrunk):\n{}", reports.join("\n\n"));
}
