//! `ottlc test`: its reports (golden files in `tests/golden`, `UPDATE_GOLDEN=1` rewrites
//! them), exit status, `--filter`, `--format json`; its JUnit XML read by a JUnit parser from
//! PyPI; and every test's pipeline output against the collector's own processors
//! (`ottl-ref pipeline`, the whole config through the collector's resolver).

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test harness")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `ottlc ARGS` in the crate's directory.
fn ottlc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ottlc")).current_dir(crate_dir()).args(args).output().expect("ottlc runs")
}

/// The human report with its time masked, which is all that changes between runs.
fn masked(output: &Output) -> String {
    let text = String::from_utf8_lossy(&output.stdout);
    match text.rfind(" finished in ") {
        Some(at) => format!("{} finished in <time>\n", &text[..at]),
        None => text.into_owned(),
    }
}

fn golden_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(crate_dir().join("tests/golden"))
        .unwrap()
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.to_string_lossy().ends_with(".ottl-test.yaml"))
        .collect();
    files.sort();
    files
}

fn relative(path: &Path) -> String {
    path.strip_prefix(crate_dir()).unwrap().display().to_string()
}

#[test]
fn reports_match_the_golden_files() {
    let mut mismatches = Vec::new();
    for input in golden_files() {
        let output = ottlc(&["test", &relative(&input)]);
        assert_eq!(output.status.code(), Some(1), "{}: every golden file has a failure", input.display());
        let rendered = masked(&output);
        let expected_path = PathBuf::from(input.to_string_lossy().replace(".ottl-test.yaml", ".out"));
        mismatches.extend(ottl_tests::golden::compare(&expected_path, &rendered));
    }
    assert!(mismatches.is_empty(), "reports differ from the golden files:\n{}", mismatches.join("\n"));
}

#[test]
fn the_examples_pass() {
    let output = ottlc(&[
        "test",
        "../examples/seed-rules.ottl-test.yaml",
        "../tests/realworld/tests/cost-control.ottl-test.yaml",
        "../tests/realworld/tests/cost-control-logs.ottl-test.yaml",
        "../tests/realworld/tests/masking-creditcards.ottl-test.yaml",
        "../examples/self-operation/agent.ottl-test.yaml",
    ]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(text.contains("test result: ok. 20 passed; 0 failed;"), "{text}");
}

#[test]
fn a_directory_runs_its_test_files() {
    let output = ottlc(&["test", "../tests/realworld/tests"]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert_eq!(text.matches("\nrunning ").count(), 3, "{text}");
    assert!(text.contains("test result: ok. 9 passed; 0 failed;"), "{text}");
}

#[test]
fn both_back_ends_give_the_same_verdicts() {
    let jit = ottlc(&["test", "--format", "json", "tests/golden/seed-failing.ottl-test.yaml"]);
    let interp = ottlc(&["test", "--format", "json", "--backend", "interp", "tests/golden/seed-failing.ottl-test.yaml"]);
    let outcomes = |output: &Output| -> Vec<(String, String, Value)> {
        let report: Value = serde_json::from_slice(&output.stdout).unwrap();
        let tests = report["tests"].as_array().unwrap();
        tests.iter().map(|t| (t["name"].to_string(), t["outcome"].to_string(), t["output"].clone())).collect()
    };
    assert_eq!(outcomes(&jit), outcomes(&interp));
}

#[test]
fn filter_runs_only_matching_tests() {
    let output = ottlc(&["test", "--filter", "server error", "tests/golden/seed-failing.ottl-test.yaml"]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(text.contains("1 passed; 0 failed; 2 filtered out;"), "{text}");
}

#[test]
fn json_report_has_every_test_with_its_outcome() {
    let output = ottlc(&["test", "--format", "json", "tests/golden/seed-failing.ottl-test.yaml"]);
    assert_eq!(output.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!((report["passed"].as_u64(), report["failed"].as_u64()), (Some(1), Some(2)));
    let failed = &report["tests"][1];
    assert_eq!(failed["outcome"], "failed");
    assert_eq!(failed["line"], 14);
    assert!(failed["message"].as_str().unwrap().starts_with("condition failed"), "{failed}");
    assert!(failed["output"]["resourceSpans"].is_array(), "{failed}");
}

/// The Python that has `junitparser` (PyPI): `JUNIT_PYTHON` (scripts/test.sh sets it up in
/// a venv), else `python3` if it has the package.
fn junit_python() -> Option<String> {
    if let Some(python) = std::env::var_os("JUNIT_PYTHON") {
        return Some(python.to_string_lossy().into_owned());
    }
    let has = Command::new("python3").args(["-c", "import junitparser"]).output().is_ok_and(|o| o.status.success());
    has.then(|| "python3".to_string())
}

#[test]
fn junit_xml_is_read_by_a_junit_parser() {
    let Some(python) = junit_python() else {
        eprintln!("skipped: no junitparser (scripts/test.sh installs it and sets JUNIT_PYTHON)");
        return;
    };
    let output = ottlc(&[
        "test",
        "--format",
        "junit",
        "tests/golden/seed-failing.ottl-test.yaml",
        "tests/golden/realworld-failing.ottl-test.yaml",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let xml = std::env::temp_dir().join(format!("ottlc-junit-{}.xml", std::process::id()));
    std::fs::write(&xml, &output.stdout).unwrap();
    // junitparser reads the report as CI plugins do: suites, cases, results.
    let script = r#"
import sys
from junitparser import JUnitXml, Failure
xml = JUnitXml.fromfile(sys.argv[1])
for suite in xml:
    for case in suite:
        failed = [r for r in case.result if isinstance(r, Failure)]
        print(suite.name.split('/')[-1], case.name, case.classname.split('/')[-1], 'failed' if failed else 'passed', failed[0].message if failed else '', sep='|')
print(xml.tests, xml.failures, sep='|')
"#;
    let parsed = Command::new(&python).args(["-c", script]).arg(&xml).output().unwrap();
    let _ = std::fs::remove_file(&xml);
    let text = String::from_utf8_lossy(&parsed.stdout);
    assert!(parsed.status.success(), "{}", String::from_utf8_lossy(&parsed.stderr));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines,
        [
            "seed-failing.ottl-test.yaml|a server error becomes an error span|seed-failing.ottl-test.yaml|passed|",
            "seed-failing.ottl-test.yaml|a client error stays ok|seed-failing.ottl-test.yaml|failed|condition failed: `span.status.code == STATUS_CODE_OK and span.attributes[\"http.status_code\"] < 500`",
            "seed-failing.ottl-test.yaml|health checks are kept|seed-failing.ottl-test.yaml|failed|expected an item to leave the pipeline; every item was dropped",
            "realworld-failing.ottl-test.yaml|health checks are dropped|realworld-failing.ottl-test.yaml|passed|",
            "realworld-failing.ottl-test.yaml|metrics scrapes by route are dropped|realworld-failing.ottl-test.yaml|failed|expected every item dropped; 1 left the pipeline",
            "5|3",
        ]
    );
}

/// Every test of the config-based test files, passing and failing, runs its input through
/// the collector's own transform and filter processors, built from the whole config by the
/// collector's resolver (`ottl-ref pipeline`): the output must be the same, so that every
/// expectation has the same outcome on both.
#[test]
fn every_tests_output_is_the_collectors() {
    let reference = match ottl_tests::reference::binary() {
        Ok(reference) => reference,
        Err(why) => panic!("ottl-ref is needed: {why}"),
    };
    let cost_control = "alloy-scenarios__cost-control__config-otel.yaml";
    let files = [
        ("../tests/realworld/tests/cost-control.ottl-test.yaml", cost_control, "traces"),
        ("../tests/realworld/tests/cost-control-logs.ottl-test.yaml", cost_control, "logs"),
        ("../tests/realworld/tests/masking-creditcards.ottl-test.yaml", "dynatrace__masking_creditcards.yaml", "metrics"),
        ("tests/golden/realworld-failing.ottl-test.yaml", cost_control, "traces"),
    ];
    let mut compared = 0;
    for (file, config, pipeline) in files {
        let config = crate_dir().join("../tests/realworld/configs").join(config);
        let output = ottlc(&["test", "--format", "json", file]);
        let report: Value = serde_json::from_slice(&output.stdout).unwrap();
        for test in report["tests"].as_array().unwrap() {
            let input = std::env::temp_dir().join(format!("ottlc-ref-input-{}.json", std::process::id()));
            std::fs::write(&input, test["input"].to_string()).unwrap();
            let collector = Command::new(&reference)
                .args(["pipeline", "-config"])
                .arg(&config)
                .args(["-pipeline", pipeline])
                .arg(&input)
                .output()
                .unwrap();
            let _ = std::fs::remove_file(&input);
            assert!(collector.status.success(), "{}: {}", test["name"], String::from_utf8_lossy(&collector.stderr));
            let collector: Value = serde_json::from_slice(&collector.stdout).unwrap();
            let canonical = |json: &Value| ottl_tests::differential::canonical(json).unwrap();
            assert_eq!(canonical(&test["output"]), canonical(&collector), "{file}: {}", test["name"]);
            compared += 1;
        }
    }
    assert_eq!(compared, 11, "every test was compared");
}

#[test]
fn check_checks_test_files_as_test_runs_them() {
    let output = ottlc(&[
        "check",
        "--format",
        "json",
        "tests/golden/expectation-typos.ottl-test.yaml",
        "../examples/seed-rules.ottl-test.yaml",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let found: Vec<(String, u64)> = serde_json::from_slice::<Value>(&output.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["code"].as_str().unwrap().to_string(), d["line"].as_u64().unwrap()))
        .collect();
    assert_eq!(found, [("E0100".to_string(), 9), ("W0002".to_string(), 10)]);
}

#[test]
fn run_runs_a_configs_pipeline() {
    let input = std::env::temp_dir().join(format!("ottlc-run-config-{}.json", std::process::id()));
    let logs = r#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"severityNumber":5,"body":{"stringValue":"debug"}},{"severityNumber":10,"body":{"stringValue":"info"}}]}]}]}"#;
    std::fs::write(&input, logs).unwrap();
    let config = "../tests/realworld/configs/alloy-scenarios__cost-control__config-otel.yaml";
    let output = ottlc(&["run", "--config", config, "--pipeline", "logs", input.to_str().unwrap()]);
    let _ = std::fs::remove_file(&input);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let expected = r#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"info"},"severityNumber":10}]}]}]}"#;
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), expected);
    let unknown = ottlc(&["run", "--config", config, "--pipeline", "traces/nope", "-"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("has no pipeline `traces/nope`"));
}

/// A config's `rules` processor runs and is checked as the agent reads it: its file
/// relative to the config, its routes; a mistake in its file fails the run with the
/// file's diagnostic, and `ottlc check` of the config reports it, in the file.
#[test]
fn a_configs_rules_processor_runs_and_is_checked() {
    let dir = std::env::temp_dir().join(format!("ottlc-run-rules-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let golden = crate_dir().join("tests/golden");
    std::fs::copy(golden.join("rules-processor.yaml"), dir.join("collector.yaml")).unwrap();
    std::fs::copy(golden.join("rules-processor.ottl"), dir.join("rules-processor.ottl")).unwrap();
    let spans = r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"POST /pay","attributes":[{"key":"payment.id","value":{"stringValue":"p"}}]},{"name":"GET /"}]}]}]}"#;
    std::fs::write(dir.join("spans.json"), spans).unwrap();
    let in_dir = |args: &[&str]| Command::new(env!("CARGO_BIN_EXE_ottlc")).current_dir(&dir).args(args).output().unwrap();
    let run = || in_dir(&["run", "--config", "collector.yaml", "--pipeline", "traces", "--routes-dir", "routes", "spans.json"]);
    let check = || in_dir(&["check", "--format", "json", "collector.yaml"]);
    let found = |output: &Output| -> Vec<(String, String, u64)> {
        let diagnostics: Value = serde_json::from_slice(&output.stdout).unwrap();
        let file = |d: &Value| Path::new(d["file"].as_str().unwrap()).file_name().unwrap().to_string_lossy().into_owned();
        let found = diagnostics.as_array().unwrap().iter();
        found.map(|d| (d["code"].as_str().unwrap().to_string(), file(d), d["line"].as_u64().unwrap())).collect()
    };

    let output = run();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains(r#""name":"GET /""#) && !stdout.contains("POST /pay"), "{stdout}");
    let audited = std::fs::read_to_string(dir.join("routes/audit.json")).unwrap();
    assert!(audited.contains(r#""name":"POST /pay""#) && audited.contains(r#""key":"tagged""#), "{audited}");
    assert_eq!(check().status.code(), Some(0));

    std::fs::write(dir.join("rules-processor.ottl"), "span.atributes[\"x\"] == 1 > drop()\n").unwrap();
    let broken = run();
    let stderr = String::from_utf8_lossy(&broken.stderr);
    assert_eq!(broken.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("`rules` processors of collector.yaml do not compile") && stderr.contains("E0100"), "{stderr}");
    assert!(stderr.contains("rules-processor.ottl:1:"), "{stderr}");
    assert_eq!(found(&check()), [("E0100".to_string(), "rules-processor.ottl".to_string(), 1)]);

    let config = std::fs::read_to_string(dir.join("collector.yaml")).unwrap();
    std::fs::write(dir.join("collector.yaml"), config.replace("files: [rules-processor.ottl]", "file: [rules-processor.ottl]")).unwrap();
    let misspelt = check();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(found(&misspelt), [("E0911".to_string(), "collector.yaml".to_string(), 13)]);
}
