//! `ottlc run` (DESIGN §6): OTLP JSON in, transformed items out, routed items one file per
//! route, dropped items nowhere; exit codes for rule errors and bad input.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};

fn ottlc(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ottlc"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("ottlc runs");
    child.stdin.take().expect("stdin").write_all(stdin.as_bytes()).expect("writes");
    child.wait_with_output().expect("finishes")
}

fn temp_dir(test: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("ottlc-run-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn logs(bodies: &[(&str, &str)]) -> String {
    let records: Vec<Value> = bodies
        .iter()
        .map(|(body, env)| json!({"body": {"stringValue": body}, "attributes": [{"key": "env", "value": {"stringValue": env}}]}))
        .collect();
    json!({"resourceLogs": [{"resource": {}, "scopeLogs": [{"scope": {"name": "s"}, "logRecords": records}]}]}).to_string()
}

fn bodies(json: &Value) -> Vec<String> {
    json["resourceLogs"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|r| r["scopeLogs"].as_array().into_iter().flatten())
        .flat_map(|s| s["logRecords"].as_array().into_iter().flatten())
        .map(|l| l["body"]["stringValue"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn transforms_routes_and_drops() {
    let dir = temp_dir("routes");
    let rules = dir.join("rules.ottl");
    std::fs::write(
        &rules,
        "set(log.attributes[\"seen\"], true)\nlog.attributes[\"env\"] == \"prod\" > route(\"prod\")\nlog.body == \"noise\" > drop()\n",
    )
    .expect("rules");
    let routes = dir.join("out");
    let out = ottlc(
        &["run", rules.to_str().unwrap(), "-", "--routes-dir", routes.to_str().unwrap()],
        &logs(&[("a", "prod"), ("b", "dev"), ("noise", "dev")]),
    );
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let default: Value = serde_json::from_slice(&out.stdout).expect("stdout is OTLP JSON");
    assert_eq!(bodies(&default), ["b"]);
    assert_eq!(
        default["resourceLogs"][0]["scopeLogs"][0]["logRecords"][0]["attributes"][1],
        json!({"key": "seen", "value": {"boolValue": true}})
    );
    let prod: Value =
        serde_json::from_str(&std::fs::read_to_string(routes.join("prod.json")).expect("route file")).expect("JSON");
    assert_eq!(bodies(&prod), ["a"]);
}

#[test]
fn failures_have_exit_codes_and_messages() {
    let dir = temp_dir("failures");
    let bad_rules = dir.join("bad.ottl");
    std::fs::write(&bad_rules, "set(log.atributes[\"x\"], 1)\n").expect("rules");
    let out = ottlc(&["run", bad_rules.to_str().unwrap(), "-"], &logs(&[("a", "x")]));
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("attributes"), "{}", String::from_utf8_lossy(&out.stderr));

    let rules = dir.join("rules.ottl");
    std::fs::write(&rules, "set(log.attributes[\"n\"], 1 / log.attributes[\"zero\"])\n").expect("rules");
    let input = json!({"resourceLogs": [{"scopeLogs": [{"logRecords": [{"attributes": [{"key": "zero", "value": {"intValue": "0"}}]}]}]}]}).to_string();
    let ignored = ottlc(&["run", rules.to_str().unwrap(), "-"], &input);
    assert_eq!(ignored.status.code(), Some(0), "ignore mode logs and goes on");
    assert!(String::from_utf8_lossy(&ignored.stderr).contains("attempted to divide by 0"));
    let propagated = ottlc(&["run", "--error-mode", "propagate", rules.to_str().unwrap(), "-"], &input);
    assert_eq!(propagated.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&propagated.stderr).contains("attempted to divide by 0"));

    for bad_input in [
        "",
        "{",
        "[]",
        "{\"resourceLogs\": 3}",
        "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"timeUnixNano\":\"soon\"}]}]}]}",
    ] {
        let out = ottlc(&["run", rules.to_str().unwrap(), "-"], bad_input);
        assert_eq!(out.status.code(), Some(2), "{bad_input}");
        assert!(!out.stderr.is_empty());
    }
    let spans = json!({"resourceSpans": []}).to_string();
    assert_eq!(ottlc(&["run", rules.to_str().unwrap(), "-"], &spans).status.code(), Some(1), "log rules on spans");
}
