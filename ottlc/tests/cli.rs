//! The `ottlc` command-line contract (DESIGN §6): exit codes, JSON shape, fmt, explain, and
//! `ottlc run`: OTLP JSON in, transformed items out, routed items one file per route,
//! dropped items nowhere.

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
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn temp_file(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("ottlc-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn check_exit_codes() {
    assert_eq!(ottlc(&["check", "-"], "set(attributes[\"a\"], 1)\n").status.code(), Some(0));
    assert_eq!(ottlc(&["check", "-"], "set(attributes[\"a\"], 1) where\n").status.code(), Some(1));
    assert_eq!(ottlc(&["check", "/nonexistent/rules.ottl"], "").status.code(), Some(2));
    assert_eq!(ottlc(&["check", "--format", "xml", "-"], "").status.code(), Some(2));
    assert_eq!(ottlc(&["check", "--context", "otelcol", "-"], "").status.code(), Some(2), "otelcol is no statement context");
    assert_eq!(ottlc(&["check", "--context", "instrumentation_scope", "-"], "set(name, \"x\")\n").status.code(), Some(0));
    assert_eq!(ottlc(&["check", "--context", "log", "-"], "set(span.name, \"x\")\n").status.code(), Some(1));
    let warning_only = "set(attributes[foo], 1)\n";
    assert_eq!(ottlc(&["check", "-"], warning_only).status.code(), Some(0));
    assert_eq!(ottlc(&["check", "--deny-warnings", "-"], warning_only).status.code(), Some(1));
}

#[test]
fn check_json_has_the_contract_fields_with_character_columns() {
    let out = ottlc(&["check", "--format", "json", "-"], "set(attributes[\"é\"], \"ü\") where name = 1\n");
    assert_eq!(out.status.code(), Some(1));
    let records: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    let records = records.as_array().expect("a JSON array");
    assert_eq!(records.len(), 1);
    let record = &records[0];
    let keys: Vec<&str> = record.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys.len(), 8, "{keys:?}");
    assert_eq!(record["file"], "<stdin>");
    assert_eq!(record["severity"], "error");
    assert_eq!(record["code"], "E0011");
    // `=` is the 38th character (é and ü are one character each, two bytes each).
    assert_eq!((record["line"].as_u64(), record["column"].as_u64()), (Some(1), Some(38)));
    assert_eq!((record["end_line"].as_u64(), record["end_column"].as_u64()), (Some(1), Some(39)));
}

#[test]
fn check_reports_yaml_positions() {
    let yaml =
        "processors:\n  transform:\n    log_statements:\n      - \"set(attributes[\\\"k\\\"], 1) where body = \\\"x\\\"\"\n";
    let path = temp_file("collector.yaml", yaml);
    let out = ottlc(&["check", "--format", "json", path.to_str().unwrap()], "");
    let records: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let column = yaml.lines().nth(3).unwrap().find("= \\\"x").unwrap() + 1;
    assert_eq!(records[0]["code"], "E0011");
    assert_eq!((records[0]["line"].as_u64(), records[0]["column"].as_u64()), (Some(4), Some(column as u64)));
}

#[test]
fn fmt_rewrites_checks_and_refuses_broken_files() {
    let path = temp_file("messy.ottl", "set( x ,1 )where  a==1 # keep\n");
    assert_eq!(ottlc(&["fmt", "--check", path.to_str().unwrap()], "").status.code(), Some(1));
    assert_eq!(ottlc(&["fmt", path.to_str().unwrap()], "").status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "set(x, 1) where a == 1 # keep\n");
    assert_eq!(ottlc(&["fmt", "--check", path.to_str().unwrap()], "").status.code(), Some(0));

    let broken = temp_file("broken.ottl", "set(x,\n");
    assert_eq!(ottlc(&["fmt", broken.to_str().unwrap()], "").status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&broken).unwrap(), "set(x,\n", "a broken file is left alone");

    let out = ottlc(&["fmt", "-"], "a==1>drop()\n");
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "a == 1 > drop()\n");
}

#[test]
fn explain_prints_known_codes_and_rejects_unknown_ones() {
    let out = ottlc(&["explain", "e0011"], "");
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8(out.stdout).unwrap().starts_with("E0011: `=` used as a comparison"));
    assert_eq!(ottlc(&["explain", "E9999"], "").status.code(), Some(2));
    let retired = ottlc(&["explain", "w0005"], "");
    assert_eq!(retired.status.code(), Some(0));
    let retired = String::from_utf8(retired.stdout).unwrap();
    assert!(retired.starts_with("W0005 is retired") && retired.contains("E0122"), "{retired}");
    let list = String::from_utf8(ottlc(&["explain"], "").stdout).unwrap();
    assert!(list.lines().count() >= 20 && list.contains("W0001"));
}

// ---- ottlc run ----

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
    for backend in ["jit", "interp"] {
        let routes = dir.join(format!("out-{backend}"));
        let out = ottlc(
            &["run", "--backend", backend, rules.to_str().unwrap(), "-", "--routes-dir", routes.to_str().unwrap()],
            &logs(&[("a", "prod"), ("b", "dev"), ("noise", "dev")]),
        );
        assert_eq!(out.status.code(), Some(0), "{backend}: {}", String::from_utf8_lossy(&out.stderr));
        let default: Value = serde_json::from_slice(&out.stdout).expect("stdout is OTLP JSON");
        assert_eq!(bodies(&default), ["b"], "{backend}");
        assert_eq!(
            default["resourceLogs"][0]["scopeLogs"][0]["logRecords"][0]["attributes"][1],
            json!({"key": "seen", "value": {"boolValue": true}}),
            "{backend}"
        );
        let prod: Value =
            serde_json::from_str(&std::fs::read_to_string(routes.join("prod.json")).expect("route file")).expect("JSON");
        assert_eq!(bodies(&prod), ["a"], "{backend}");
    }
}

#[test]
fn compile_emits_the_ir_the_cranelift_ir_and_the_machine_code() {
    let rules = temp_file(
        "emit.ottl",
        "set(log.attributes[\"slow\"], true) where log.severity_number >= 17 and IsMatch(log.body, \"^ERR\")\n",
    );
    let emit = |what: &str| {
        let out = ottlc(&["compile", "--emit", what, rules.to_str().unwrap()], "");
        assert_eq!(out.status.code(), Some(0), "{what}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).expect("UTF-8")
    };
    let ir = emit("ir");
    assert!(ir.starts_with("context log") && ir.contains("Statement") && ir.contains("LogSeverityNumber"), "{ir}");
    // The severity is loaded from the record and compared inline: no helper call for it.
    let clif = emit("clif");
    assert!(clif.contains("function ") && clif.contains("sload32") && clif.contains("icmp sge"), "{clif}");
    let asm = emit("asm");
    assert!(asm.contains("call") && asm.contains("ret"), "{asm}");
    let broken = temp_file("broken.ottl", "set(log.nope, 1)\n");
    assert_eq!(ottlc(&["compile", broken.to_str().unwrap()], "").status.code(), Some(1));
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
