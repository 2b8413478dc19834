//! Front-end throughput on one core, over large generated `.ottl` documents shaped like
//! real collector rules: statements lexed, parsed and validated per second, and the time to
//! parse and fully check (resolve, bind, type) a 10,000-statement file.
//!
//! `cargo bench -p ottl-tests --bench parse` prints the best of several runs. No peer is
//! compared yet: the Go reference's parser joins this table with `tests/reference`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use ottl_compiler::schema::Context;
use ottl_compiler::source::{SourceFile, SourceKind};
use ottl_compiler::{AnalysisOptions, analyze};
use ottl_grammar::Severity;
use ottl_grammar::document::parse_document;

/// The allocator `ottlc` uses, so that the numbers are the command's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Statement shapes seen in real configs; `{n}` and `{k}` vary per line.
const TEMPLATES: &[&str] = &[
    r#"set(attributes["http.route.{k}"], "/api/v{n}/users") where attributes["http.method"] == "GET""#,
    r#"delete_key(attributes, "internal.{k}") where resource.attributes["service.name"] != "svc-{n}""#,
    r#"replace_pattern(attributes["db.statement"], "password=\\S+", "password=***")"#,
    r#"set(severity_number, SEVERITY_NUMBER_ERROR) where IsMatch(body, "(?i)error.{k}") and severity_number < {n}"#,
    r#"keep_keys(attributes, ["http.method", "http.status_code", "{k}"]) where resource.attributes["env"] == "prod""#,
    r#"set(attributes["duration_ms"], (end_time_unix_nano - start_time_unix_nano) / 1000000) where kind == SPAN_KIND_SERVER"#,
    r#"merge_maps(attributes, ParseJSON(body), "upsert") where IsString(body) and Len(body) > {n}"#,
    r#"set(span.status.code, STATUS_CODE_ERROR) where span.attributes["http.status_code"] >= 500 and span.attributes["x.{k}"] != nil"#,
    r#"span.attributes["http.status_code"] >= 500 > set(span.status.code, StatusCode::Error)"#,
    r#"resource.attributes["deployment.environment"] == "staging-{n}" > route("staging_exporter")"#,
    r#"set(attributes["parts"], Split(attributes["path.{k}"], "/")[{n}]) where attributes["path.{k}"] != nil"#,
    r#"truncate_all(attributes, 4096) where not IsMatch(name, "^health.*") or attributes["sampled"] == true"#,
];

/// Log-context statements, all valid, for the full check.
const LOG_TEMPLATES: &[&str] = &[
    r#"set(attributes["http.route.{k}"], "/api/v{n}/users") where attributes["http.method"] == "GET""#,
    r#"delete_key(attributes, "internal.{k}") where resource.attributes["service.name"] != "svc-{n}""#,
    r#"replace_pattern(attributes["db.statement"], "password=\\S+", "password=***")"#,
    r#"set(severity_number, SEVERITY_NUMBER_ERROR) where IsMatch(body, "(?i)error.{k}") and severity_number < {n}"#,
    r#"keep_keys(attributes, ["http.method", "http.status_code", "{k}"]) where resource.attributes["env"] == "prod""#,
    r#"merge_maps(attributes, ParseJSON(body), "upsert") where IsString(body) and Len(body) > {n}"#,
    r#"set(attributes["parts"], Split(attributes["path.{k}"], "/")) where attributes["path.{k}"] != nil"#,
    r#"truncate_all(attributes, 4096) where not IsMatch(severity_text, "^DEBUG.*") or attributes["sampled"] == true"#,
    r#"set(attributes["duration_ms"], (observed_time_unix_nano - time_unix_nano) / 1000000) where time_unix_nano > 0"#,
    r#"set(attributes["id"], SHA256(Concat([attributes["user.{k}"], "salt"], ""))) where attributes["user.{k}"] != nil"#,
];

fn generate(statements: usize) -> String {
    generate_from(TEMPLATES, statements)
}

fn generate_from(templates: &[&str], statements: usize) -> String {
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut out = String::new();
    for i in 0..statements {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let template = templates[(state >> 33) as usize % templates.len()];
        out.push_str(&template.replace("{n}", &(i % 997).to_string()).replace("{k}", &format!("k{}", (state >> 40) % 50)));
        out.push('\n');
    }
    out
}

fn best_of(runs: usize, mut f: impl FnMut()) -> Duration {
    (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn main() {
    // `OTTL_BENCH_STATEMENTS` shrinks the run, e.g. for instruction counts under callgrind.
    let statements = std::env::var("OTTL_BENCH_STATEMENTS").ok().and_then(|n| n.parse().ok()).unwrap_or(100_000);
    let text = generate(statements);
    let check = parse_document(&text);
    let errors = check.diagnostics().count();
    assert_eq!(errors, 0, "the generated document must be valid");
    assert_eq!(check.items.len(), statements);

    let elapsed = best_of(5, || {
        black_box(parse_document(black_box(&text)));
    });
    let per_second = statements as f64 / elapsed.as_secs_f64();
    let megabytes = text.len() as f64 / 1e6 / elapsed.as_secs_f64();
    println!("front end (lex + prepass + LALR parse + validation), one core, best of 5:");
    println!("  {statements} statements, {:.1} MB: {:.1} ms", text.len() as f64 / 1e6, elapsed.as_secs_f64() * 1e3);
    println!("  {per_second:.0} statements/s, {megabytes:.1} MB/s, {:.0} ns/statement", 1e9 / per_second);
    println!("  target: 200000 statements/s -> {:.1}x", per_second / 200_000.0);

    let file = SourceFile::new("bench.ottl", generate_from(LOG_TEMPLATES, 10_000), SourceKind::Ottl);
    let options = AnalysisOptions { context: Some(Context::Log), ..AnalysisOptions::default() };
    let errors: Vec<String> = analyze(&file, &options)
        .diagnostics
        .into_iter()
        .filter(|d| d.severity() == Severity::Error)
        .map(|d| d.message)
        .take(3)
        .collect();
    assert!(errors.is_empty(), "the generated log rules must check clean: {errors:?}");
    let elapsed = best_of(5, || {
        black_box(analyze(black_box(&file), &options));
    });
    println!("full check (parse + resolve + bind + types), 10,000 log statements, best of 5:");
    println!(
        "  {:.1} ms, {:.0} ns/statement; target: under 100 ms",
        elapsed.as_secs_f64() * 1e3,
        elapsed.as_secs_f64() * 1e9 / 10_000.0
    );
}
