//! The reference interpreter's cost per record: a 10-statement span rule set and the
//! seed's rule set, over generated spans, beside the Go reference running the same
//! statements on the same spans (the collector's transform processor, through
//! `tests/reference`'s `ottl-ref bench`). These are the numbers the JIT is measured
//! against (`cargo bench -p ottl-tests --bench interp`).

use std::hint::black_box;
use std::time::{Duration, Instant};

use ottl_compiler::interp;
use ottl_compiler::program::{ErrorMode, RuleSet, compile_document};
use ottl_compiler::schema::Context;
use ottl_runtime::otlp::Telemetry;
use serde_json::json;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Ten statements shaped like real span rules: sets, a delete, a regex, conditions on
/// attributes, status and kind.
const TEN_STATEMENTS: &str = r#"set(span.attributes["env"], "prod") where resource.attributes["deployment.environment"] == "production"
set(span.status.code, STATUS_CODE_ERROR) where span.attributes["http.status_code"] >= 500
delete_key(span.attributes, "http.request.header.authorization")
set(span.attributes["http.route"], "/users/{id}") where IsMatch(span.name, "^GET /users/[0-9]+$")
set(span.attributes["slow"], true) where span.end_time_unix_nano - span.start_time_unix_nano > 1000000000
set(span.attributes["server"], true) where span.kind == SPAN_KIND_SERVER
set(span.attributes["method"], span.attributes["http.method"]) where span.attributes["http.method"] != nil
set(span.name, Concat([span.attributes["http.method"], span.attributes["http.route"]], " ")) where span.kind == SPAN_KIND_SERVER
set(span.attributes["error.kind"], "server") where span.status.code == STATUS_CODE_ERROR and span.attributes["http.status_code"] < 600
set(span.attributes["team"], "payments") where resource.attributes["service.name"] == "payment"
"#;

const RECORDS: usize = 20_000;

/// `RECORDS` spans in batches of 100 per scope, with varied attributes.
fn spans() -> Telemetry {
    let resources: Vec<_> = (0..RECORDS / 100)
        .map(|r| {
            let spans: Vec<_> = (0..100)
                .map(|i| {
                    let n = r * 100 + i;
                    json!({
                        "traceId": format!("{:032x}", n + 1), "spanId": format!("{:016x}", n + 1),
                        "name": format!("GET /users/{n}"), "kind": 2,
                        "startTimeUnixNano": "1700000000000000000",
                        "endTimeUnixNano": (1_700_000_000_000_000_000u64 + (n as u64 % 3) * 700_000_000).to_string(),
                        "attributes": [
                            {"key": "http.method", "value": {"stringValue": "GET"}},
                            {"key": "http.status_code", "value": {"intValue": (200 + (n % 4) * 100).to_string()}},
                            {"key": "http.request.header.authorization", "value": {"stringValue": "Bearer x"}},
                            {"key": "net.peer.name", "value": {"stringValue": "db"}},
                        ],
                    })
                })
                .collect();
            json!({
                "resource": {"attributes": [
                    {"key": "service.name", "value": {"stringValue": if r % 2 == 0 { "payment" } else { "web" }}},
                    {"key": "deployment.environment", "value": {"stringValue": "production"}},
                ]},
                "scopeSpans": [{"scope": {"name": "lib"}, "spans": spans}],
            })
        })
        .collect();
    Telemetry::from_json(&json!({ "resourceSpans": resources }).to_string()).expect("valid spans")
}

fn compile(rules: &str, context: Option<Context>) -> RuleSet {
    compile_document(rules, context, &[], ErrorMode::Ignore).unwrap_or_else(|d| panic!("rules do not compile: {d:?}"))
}

/// Best-of-five nanoseconds per record for `rules`, minus the cost of copying the input.
fn per_record(rules: &RuleSet, input: &Telemetry) -> f64 {
    let best = |f: &dyn Fn()| {
        (0..5)
            .map(|_| {
                let start = Instant::now();
                f();
                start.elapsed()
            })
            .min()
            .unwrap_or(Duration::ZERO)
    };
    let copy = best(&|| {
        black_box(input.clone());
    });
    let run = best(&|| {
        black_box(interp::run(rules, input.clone(), &mut |_| {}).expect("runs"));
    });
    run.saturating_sub(copy).as_nanos() as f64 / RECORDS as f64
}

/// The Go reference's nanoseconds per record for `rules` on `input`, when it can run.
fn reference_per_record(rules: &str, input: &Telemetry) -> Result<f64, String> {
    let binary = ottl_tests::reference::binary()?;
    let dir = std::env::temp_dir().join(format!("ottl-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let (rules_path, input_path) = (dir.join("rules.ottl"), dir.join("input.json"));
    std::fs::write(&rules_path, rules).map_err(|e| e.to_string())?;
    std::fs::write(&input_path, input.to_json().to_string()).map_err(|e| e.to_string())?;
    let output = std::process::Command::new(binary)
        .args(["bench", "-signal", "traces", "-context", "span", "-iterations", "5"])
        .arg(&rules_path)
        .arg(&input_path)
        .output()
        .map_err(|e| e.to_string())?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).trim().to_string());
    }
    let result: serde_json::Value = serde_json::from_slice(&output.stdout).map_err(|e| e.to_string())?;
    result["ns_per_record"].as_f64().ok_or_else(|| "no ns_per_record".to_string())
}

fn main() {
    let input = spans();
    let ten = compile(TEN_STATEMENTS, None);
    let seed_rules =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/seed-rules.ottl")).expect("seed rules");
    let seed = compile(&seed_rules, Some(Context::Span));
    println!("{RECORDS} spans, best of 5, one core; ns per record:");
    println!("  {:<24} {:>12} {:>14} {:>8}", "rule set", "interpreter", "Go reference", "Go/ours");
    let ours = per_record(&ten, &input);
    match reference_per_record(TEN_STATEMENTS, &input) {
        Ok(go) => println!("  {:<24} {ours:>12.0} {go:>14.0} {:>7.2}x", "10 span statements", go / ours),
        Err(e) => println!("  {:<24} {ours:>12.0} {:>14} ({e})", "10 span statements", "n/a"),
    }
    // The seed's rule form (`cond > action`) is not OTTL the collector reads.
    println!("  {:<24} {:>12.0} {:>14}", "the seed's rule set", per_record(&seed, &input), "n/a");
}
