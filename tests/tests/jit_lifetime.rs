//! The JIT's generations (issue 6): a compiled rule set runs on any thread, a new one can
//! be compiled while the old one serves, and dropping the last reference gives the code's
//! memory back.

use std::sync::{Arc, Mutex};

use ottl_compiler::program::ErrorMode;
use ottl_compiler::schema::Context;
use ottl_jit::{self as jit, JitProgram};
use ottl_runtime::otlp::Telemetry;
use serde_json::json;

fn logs(count: usize) -> Telemetry {
    let records: Vec<_> = (0..count)
        .map(|i| {
            json!({"severityText": "INFO", "body": {"stringValue": format!("line {i}")},
                        "attributes": [{"key": "n", "value": {"intValue": i.to_string()}}]})
        })
        .collect();
    Telemetry::from_json(&json!({"resourceLogs": [{"scopeLogs": [{"logRecords": records}]}]}).to_string()).expect("logs")
}

/// Generation `n`: tags every record with `n`.
fn generation(n: i64) -> JitProgram {
    let text = format!("set(log.attributes[\"generation\"], {n}) where log.attributes[\"n\"] >= 0");
    let rules = ottl_tests::rules::compile(&text, Some(Context::Log), &[], ErrorMode::Propagate).expect("compiles");
    jit::compile(&rules).expect("JIT compiles")
}

/// The generation each record of a run's output was tagged with.
fn generations_seen(program: &JitProgram, input: &Telemetry) -> Vec<i64> {
    let out = program.run(input.clone(), &mut |w| panic!("{w}")).expect("runs").default.to_json();
    out["resourceLogs"][0]["scopeLogs"][0]["logRecords"]
        .as_array()
        .expect("records")
        .iter()
        .map(|r| r["attributes"][1]["value"]["intValue"].as_str().expect("tag").parse().expect("int"))
        .collect()
}

#[test]
fn a_generation_serves_other_threads_while_the_next_one_compiles() {
    let input = logs(50);
    let current = Arc::new(Mutex::new(generation(0)));
    std::thread::scope(|scope| {
        for _ in 0..2 {
            let current = current.clone();
            let input = &input;
            scope.spawn(move || {
                for _ in 0..200 {
                    let program = current.lock().expect("lock").clone();
                    let seen = generations_seen(&program, input);
                    // One run sees one generation, even if a newer one is swapped in meanwhile.
                    assert!(seen.windows(2).all(|w| w[0] == w[1]), "a run mixed generations: {seen:?}");
                }
            });
        }
        scope.spawn(|| {
            for n in 1..=100 {
                let next = generation(n);
                *current.lock().expect("lock") = next;
            }
        });
    });
    assert_eq!(generations_seen(&current.lock().expect("lock"), &input)[0], 100);
}

/// Resident memory in KB (Linux).
fn resident_kb() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4)
}

#[test]
fn dropped_generations_give_their_memory_back() {
    let input = logs(5);
    let reload = |n| {
        let program = generation(n);
        generations_seen(&program, &input);
    };
    (0..100).for_each(reload);
    let Some(before) = resident_kb() else { return };
    (0..2_000).for_each(reload);
    let grown = resident_kb().unwrap_or(before).saturating_sub(before);
    // A leaked module keeps at least a page of code and one of data: 2,000 leaks would
    // be 16 MB and more.
    assert!(grown < 4_096, "resident memory grew by {grown} KB over 2,000 reloads");
}
