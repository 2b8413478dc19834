//! `ottl-bench`'s scenario table: for each scenario the rule file, the records it runs on,
//! the same work in hand-written Rust, and how the Go reference and VRL run it (or why
//! they cannot).

use ottl_compiler::schema::Context;
use ottl_runtime::exec::Outputs;
use ottl_runtime::otlp::Telemetry;
use ottl_tests::bench_data::{self, FILTER_CONDITIONS, LogShape, SEED_RULES, logs, spans};

use crate::go_peer::GoSetup;
use crate::handwritten;

/// One row of the table.
pub struct Scenario {
    pub name: String,
    pub context: Context,
    /// The rule file, `.ottl` text.
    pub rules: String,
    /// How many records `records` makes.
    pub count: usize,
    /// The input, made on demand so that only one scenario's records are in memory.
    pub records: fn(usize) -> Telemetry,
    /// The same work written directly against the OTLP structs.
    pub handwritten: Box<dyn Fn(Telemetry) -> Outputs>,
    /// How `ottl-ref bench` runs the rules, or why it cannot.
    pub go: Result<GoSetup, &'static str>,
    /// The VRL program doing the same work, or why VRL cannot express it.
    pub vrl: Result<String, &'static str>,
}

/// Every scenario, in the order of the table.
pub fn all() -> Vec<Scenario> {
    let mut scenarios = vec![seed()];
    scenarios.extend([10, 50, 200].map(log_statements));
    scenarios.push(filter());
    scenarios
}

/// The seed's rule set (rule form) on spans.
fn seed() -> Scenario {
    Scenario {
        name: "seed rules (spans)".to_string(),
        context: Context::Span,
        rules: SEED_RULES.to_string(),
        count: 20_000,
        records: spans,
        handwritten: Box::new(handwritten::seed),
        go: Err("the collector does not read the rule form (`condition > action`)"),
        vrl: Err("keep/route are Vector topology, not VRL"),
    }
}

/// `count` log statements (`bench_data::log_statements`) on `bench_data::logs`.
pub fn log_statements(count: usize) -> Scenario {
    let vrl: Vec<String> = LogShape::numbered(count).map(|(i, shape)| shape.fill(shape.vrl(), i)).collect();
    let statements = handwritten::LogStatements::new(count);
    Scenario {
        name: format!("{count} log statements"),
        context: Context::Log,
        rules: bench_data::log_statements(count).join("\n"),
        count: 10_000,
        records: logs,
        handwritten: Box::new(move |telemetry| statements.run(telemetry)),
        go: Ok(GoSetup { processor: "transform", signal: "logs", context: "log" }),
        vrl: Ok(vrl.join("\n")),
    }
}

/// A filter processor's list of 20 conditions over logs: a log that matches one is dropped.
fn filter() -> Scenario {
    Scenario {
        name: "filter, 20 conditions".to_string(),
        context: Context::Log,
        rules: bench_data::filter_rules(),
        count: 20_000,
        records: logs,
        handwritten: Box::new(handwritten::filter),
        go: Ok(GoSetup { processor: "filter", signal: "logs", context: "log" }),
        // Parenthesised: VRL does not bind `&&` tighter than `||`.
        vrl: Ok(FILTER_CONDITIONS.iter().map(|(_, vrl)| format!("({vrl})")).collect::<Vec<_>>().join(" ||\n")),
    }
}
