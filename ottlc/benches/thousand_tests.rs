//! The time `ottlc test` takes for 1,000 test cases in one file (issue 20's goal: under a
//! second after the build): `cargo bench -p ottlc --bench thousand-tests`. Two files are
//! generated, one testing the seed's rule file and one a real-world config's pipeline, each
//! with conditions, drops and (for the rules) routes; each runs as a whole process five
//! times, and the fastest and median wall times are printed with ottlc's own summary line.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "benchmark harness")]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const CASES: usize = 1000;
const RUNS: usize = 5;

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = root.join("target/tmp/thousand-tests");
    std::fs::create_dir_all(&dir).unwrap();
    let seed = write(&dir.join("seed.ottl-test.yaml"), &root.join("examples/seed-rules.ottl"), "rules", seed_case);
    let config = write(
        &dir.join("config.ottl-test.yaml"),
        &root.join("tests/realworld/configs/alloy-scenarios__cost-control__config-otel.yaml"),
        "config",
        config_case,
    );
    for file in [seed, config] {
        let mut times = Vec::new();
        let mut summary = String::new();
        for _ in 0..RUNS {
            let started = Instant::now();
            let output = Command::new(env!("CARGO_BIN_EXE_ottlc")).arg("test").arg(&file).output().unwrap();
            times.push(started.elapsed());
            let text = String::from_utf8_lossy(&output.stdout);
            assert!(output.status.success(), "{text}");
            summary = text.lines().last().unwrap_or_default().to_string();
        }
        times.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        println!(
            "{}: {CASES} tests, wall time min {:.0} ms, median {:.0} ms; {summary}",
            file.file_name().unwrap().to_string_lossy(),
            ms(times[0]),
            ms(times[RUNS / 2])
        );
    }
}

fn write(path: &Path, target: &Path, key: &str, case: fn(usize) -> String) -> PathBuf {
    let mut text = format!("{key}: {}\n", target.display());
    if key == "config" {
        text.push_str("pipeline: traces\n");
    }
    text.push_str("tests:\n");
    for i in 0..CASES {
        text.push_str(&case(i));
    }
    std::fs::write(path, text).unwrap();
    path.to_path_buf()
}

fn seed_case(i: usize) -> String {
    let mut out = String::new();
    let _ = match i % 4 {
        0 => writeln!(
            out,
            "  - name: kept and renamed {i}\n    input:\n      span: {{name: op{i}, status: {{code: 1}}, attributes: {{http.response.status_code: {}}}}}\n    expect:\n      conditions:\n        - span.attributes[\"service.name\"] == \"new-service-name\"\n        - span.attributes[\"http.status_code\"] == {}",
            200 + i % 300,
            200 + i % 300
        ),
        1 => writeln!(
            out,
            "  - name: dropped {i}\n    input:\n      span: {{name: GET /health}}\n    expect:\n      dropped: true"
        ),
        2 => writeln!(
            out,
            "  - name: routed {i}\n    input:\n      resource: {{deployment.environment: prod}}\n      span: {{name: op{i}, status: {{code: 1}}, traceId: 0102030405060708090a0b0c0d0e0f10}}\n    expect:\n      route: prod_exporter"
        ),
        _ => writeln!(
            out,
            "  - name: error {i}\n    input:\n      span: {{name: op{i}, status: {{code: 1}}, attributes: {{http.response.status_code: 503}}}}\n    expect:\n      conditions:\n        - span.status.code == STATUS_CODE_ERROR"
        ),
    };
    out
}

fn config_case(i: usize) -> String {
    let mut out = String::new();
    let _ = match i % 2 {
        0 => writeln!(
            out,
            "  - name: health {i}\n    input:\n      span: {{name: GET /health, attributes: {{http.target: /health}}}}\n    expect:\n      dropped: true"
        ),
        _ => writeln!(
            out,
            "  - name: stripped {i}\n    input:\n      resource: {{service.name: shop{i}}}\n      span: {{name: GET /cart, attributes: {{http.target: /cart, http.user_agent: curl}}}}\n    expect:\n      conditions:\n        - span.attributes[\"http.user_agent\"] == nil\n        - resource.attributes[\"service.name\"] == \"shop{i}\""
        ),
    };
    out
}
