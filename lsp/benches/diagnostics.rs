//! How long after an edit the diagnostics of a 1,000-statement document arrive (the goal:
//! 50 ms), measured end to end through the protocol: `didChange` sent over the wire format,
//! the document re-checked, `publishDiagnostics` received. For a `.ottl` file and for the
//! same statements in a collector config; and, for scale, how long completion and hover
//! take on the same documents.
//!
//! `cargo bench -p ottl-lsp --bench diagnostics`

#[allow(dead_code)]
#[path = "../tests/support/client.rs"]
mod client;

use std::error::Error;
use std::time::{Duration, Instant};

use client::{Client, ClientError, Result};
use serde_json::json;

const STATEMENTS: usize = 1_000;
const EDITS: usize = 50;
const GOAL: Duration = Duration::from_millis(50);

/// Statement `i` of the document: a mix of the shapes real configs hold (sets with
/// converters, deletes, conditions over attributes and enums), every tenth with a mistake
/// so that diagnostics have something to say.
fn statement(i: usize) -> String {
    match i % 5 {
        0 => format!(
            r#"set(span.attributes["k{i}"], Concat([span.name, "{i}"], "-")) where span.attributes["http.status_code"] >= {i}"#
        ),
        1 => format!(r#"delete_key(span.attributes, "secret.{i}") where IsMatch(span.name, "^GET /{i}")"#),
        2 => format!(
            "set(span.status.code, STATUS_CODE_ERROR) where span.kind == SPAN_KIND_SERVER and span.end_time_unix_nano - span.start_time_unix_nano > {i}"
        ),
        3 if i % 10 == 3 => format!(r#"set(span.attributes["x{i}"], span.nme)"#),
        3 => format!(
            r#"replace_pattern(span.attributes["url.full"], "token=[^&]+", "token=***") where span.attributes["n"] != {i}"#
        ),
        _ => format!(r#"truncate_all(span.attributes, {})"#, 100 + i),
    }
}

fn ottl_document() -> String {
    (0..STATEMENTS).map(|i| statement(i) + "\n").collect()
}

fn yaml_document() -> String {
    let mut yaml = String::from("processors:\n  transform:\n    trace_statements:\n      - context: span\n        statements:\n");
    for i in 0..STATEMENTS {
        yaml.push_str("          - '");
        yaml.push_str(&statement(i).replace('\'', "''"));
        yaml.push_str("'\n");
    }
    yaml
}

/// Opens `text`, then makes `EDITS` one-character edits in its middle line, and returns the
/// time from each `didChange` to its diagnostics.
async fn measure(uri: &str, language: &str, text: &str) -> Result<Vec<Duration>> {
    let mut client = Client::start(json!({})).await?;
    let opened = client.open(uri, language, text).await?;
    if opened.is_empty() {
        return Err(ClientError::Protocol(format!("no diagnostics for {uri}, which has mistakes to report")));
    }
    let line = STATEMENTS as u32 / 2 + if language == "yaml" { 5 } else { 0 };
    let mut times = Vec::with_capacity(EDITS);
    for version in 0..EDITS {
        let at = json!({"line": line, "character": 12});
        let (range, new_text) = if version % 2 == 0 {
            (json!({"start": at, "end": at}), "x")
        } else {
            (json!({"start": at, "end": {"line": line, "character": 13}}), "")
        };
        let started = Instant::now();
        client
            .notify(
                "textDocument/didChange",
                json!({"textDocument": {"uri": uri, "version": version + 2}, "contentChanges": [{"range": range, "text": new_text}]}),
            )
            .await?;
        client.diagnostics(uri).await?;
        times.push(started.elapsed());
    }
    Ok(times)
}

/// The time `method` takes at the start of the middle statement's first path (`span.|`).
async fn measure_request(method: &str, uri: &str, language: &str, text: &str) -> Result<Vec<Duration>> {
    let mut client = Client::start(json!({})).await?;
    client.open(uri, language, text).await?;
    let line = STATEMENTS as u32 / 2 + if language == "yaml" { 5 } else { 0 };
    let character = if language == "yaml" { 21 } else { 9 };
    let mut times = Vec::with_capacity(EDITS);
    for _ in 0..EDITS {
        let started = Instant::now();
        client.at(method, uri, line, character).await?;
        times.push(started.elapsed());
    }
    Ok(times)
}

fn report(name: &str, mut times: Vec<Duration>) {
    times.sort();
    let median = times[times.len() / 2];
    let p95 = times[times.len() * 95 / 100];
    let max = times[times.len() - 1];
    println!(
        "{name:<28} median {:>7.2} ms  p95 {:>7.2} ms  max {:>7.2} ms  median/goal {:.2}",
        ms(median),
        ms(p95),
        ms(max),
        median.as_secs_f64() / GOAL.as_secs_f64()
    );
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}

fn main() -> std::result::Result<(), Box<dyn Error>> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    println!("diagnostics after an edit, {STATEMENTS} statements, {EDITS} edits (goal {} ms):", GOAL.as_millis());
    let measured: Result<()> = runtime.block_on(async {
        report(".ottl", measure("file:///bench.ottl", "ottl", &ottl_document()).await?);
        report("collector YAML", measure("file:///bench.yaml", "yaml", &yaml_document()).await?);
        for method in ["textDocument/completion", "textDocument/hover"] {
            let name = method.trim_start_matches("textDocument/");
            report(&format!("{name}, .ottl"), measure_request(method, "file:///bench.ottl", "ottl", &ottl_document()).await?);
            report(&format!("{name}, YAML"), measure_request(method, "file:///bench.yaml", "yaml", &yaml_document()).await?);
        }
        Ok(())
    });
    Ok(measured?)
}
