//! The `ottlc` command-line contract (DESIGN §6): exit codes, JSON shape, fmt, explain, and
//! `ottlc run`: OTLP JSON in, transformed items out, routed items one file per route,
//! dropped items nowhere.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};

#[allow(clippy::unwrap_used, reason = "test harness: without a working directory no test can run ottlc")]
fn ottlc(args: &[&str], stdin: &str) -> Output {
    ottlc_in(&std::env::current_dir().unwrap(), args, stdin)
}

/// `ottlc` run in the working directory `dir`.
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test harness: a test fails when ottlc cannot be run or fed its input"
)]
fn ottlc_in(dir: &std::path::Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ottlc"))
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("ottlc runs");
    // `ottlc` may rightly exit before it reads its input (rules that do not compile), so a
    // broken pipe here is the child's answer, not a test failure.
    match child.stdin.take().unwrap().write_all(stdin.as_bytes()) {
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => {}
        written => written.unwrap(),
    }
    child.wait_with_output().unwrap()
}

#[allow(clippy::unwrap_used, reason = "test harness: a test whose input file cannot be written fails")]
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
    let mut keys: Vec<&str> = record.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    let mut expected = ["file", "severity", "code", "message", "line", "column", "end_line", "end_column", "help", "fix"];
    expected.sort_unstable();
    assert_eq!(keys, expected);
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

/// A misspelled function (E0110, with a fix), a bare key (a warning whose title has a
/// comma) and an unknown path (a message with a colon).
const MISTAKES: &str = "set(log.attributes[\"x\"], ParseJsn(log.body))\nset(log.attributes[foo], 1)\n";

fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

#[test]
fn check_json_carries_the_help_line_and_the_fix() {
    let out = ottlc(&["check", "--format", "json", "-"], MISTAKES);
    let records = json_of(&out);
    let misspelled = records.as_array().unwrap().iter().find(|r| r["code"] == "E0110").expect("E0110");
    assert_eq!(misspelled["help"], "did you mean `ParseJSON`?");
    assert_eq!(misspelled["fix"], json!({"line": 1, "column": 26, "end_line": 1, "end_column": 34, "replacement": "ParseJSON"}));
    assert_eq!((misspelled["column"].as_u64(), misspelled["end_column"].as_u64()), (Some(26), Some(34)));

    let no_context = ottlc(&["check", "--format", "json", "-"], "nope(\n");
    let record = &json_of(&no_context)[0];
    assert!(record["fix"].is_null() && record.as_object().unwrap().contains_key("fix"), "{record}");
    assert!(record["help"].is_null() || record["help"].is_string(), "{record}");
}

/// The properties SARIF 2.1.0's schema requires of every object `ottlc` writes, and the
/// ones GitHub code scanning needs to place a result.
#[allow(clippy::expect_used, reason = "an assertion: each expect names the SARIF member that is missing")]
fn assert_sarif_shape(log: &Value) {
    let text_of = |message: &Value, what: &str| {
        assert!(message["text"].as_str().is_some_and(|t| !t.is_empty()), "{what} needs text: {message}");
    };
    let positive = |value: &Value, what: &str| assert!(value.as_u64().is_some_and(|n| n >= 1), "{what}: {value}");
    let region = |region: &Value| {
        for key in ["startLine", "startColumn", "endLine", "endColumn"] {
            positive(&region[key], key);
        }
    };
    let relative_uri = |location: &Value| {
        let uri = location["uri"].as_str().expect("artifactLocation.uri");
        assert!(!uri.starts_with('/') && !uri.contains(' ') && !uri.contains(':'), "relative URI: {uri}");
    };
    assert_eq!(log["version"], "2.1.0");
    assert!(log["$schema"].as_str().is_some_and(|s| s.starts_with("https://")));
    let runs = log["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 1);
    let driver = &runs[0]["tool"]["driver"];
    assert_eq!(driver["name"], "ottlc");
    assert!(driver["version"].as_str().is_some_and(|v| !v.is_empty()));
    assert!(driver["informationUri"].as_str().is_some_and(|u| u.starts_with("https://")));
    let rules = driver["rules"].as_array().expect("rules");
    let mut ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().expect("rule id")).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), rules.len(), "one rule per code");
    for rule in rules {
        text_of(&rule["shortDescription"], "shortDescription");
        text_of(&rule["fullDescription"], "fullDescription");
        text_of(&rule["help"], "help");
    }
    for result in runs[0]["results"].as_array().expect("results") {
        assert!(ids.contains(&result["ruleId"].as_str().expect("ruleId")), "{result}");
        assert!(["error", "warning"].contains(&result["level"].as_str().expect("level")));
        text_of(&result["message"], "message");
        let location = &result["locations"][0]["physicalLocation"];
        relative_uri(&location["artifactLocation"]);
        region(&location["region"]);
        for fix in result["fixes"].as_array().into_iter().flatten() {
            text_of(&fix["description"], "fix description");
            let changes = fix["artifactChanges"].as_array().expect("artifactChanges");
            assert!(!changes.is_empty());
            for change in changes {
                relative_uri(&change["artifactLocation"]);
                let replacements = change["replacements"].as_array().expect("replacements");
                assert!(!replacements.is_empty());
                for replacement in replacements {
                    region(&replacement["deletedRegion"]);
                    assert!(replacement["insertedContent"]["text"].is_string());
                }
            }
        }
    }
}

#[test]
fn check_sarif_is_a_code_scanning_log() {
    let dir = temp_dir("sarif");
    std::fs::create_dir_all(dir.join("rules")).unwrap();
    std::fs::write(dir.join("rules").join("my rules.ottl"), MISTAKES).unwrap();
    let out = ottlc_in(&dir, &["check", "--format", "sarif", dir.join("rules").to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(1));
    let log = json_of(&out);
    assert_sarif_shape(&log);

    let run = &log["runs"][0];
    let results = run["results"].as_array().unwrap();
    let levels: Vec<(&str, &str)> =
        results.iter().map(|r| (r["ruleId"].as_str().unwrap(), r["level"].as_str().unwrap())).collect();
    assert_eq!(levels, [("E0110", "error"), ("W0001", "warning"), ("E0100", "error")]);
    let misspelled = &results[0];
    let location = &misspelled["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "rules/my%20rules.ottl", "relative to the working directory");
    assert_eq!(location["region"], json!({"startLine": 1, "startColumn": 26, "endLine": 1, "endColumn": 34}));
    assert_eq!(misspelled["message"]["text"], "undefined function \"ParseJsn\"");
    let replacement = &misspelled["fixes"][0]["artifactChanges"][0]["replacements"][0];
    assert_eq!(replacement["insertedContent"]["text"], "ParseJSON");
    assert_eq!(replacement["deletedRegion"], location["region"]);
    assert_eq!(misspelled["fixes"][0]["description"]["text"], "did you mean `ParseJSON`?");

    // Each rule says what `ottlc explain` says.
    for rule in run["tool"]["driver"]["rules"].as_array().unwrap() {
        let id = rule["id"].as_str().unwrap();
        let explained = String::from_utf8(ottlc(&["explain", id], "").stdout).unwrap();
        let (short, full) =
            (rule["shortDescription"]["text"].as_str().unwrap(), rule["fullDescription"]["text"].as_str().unwrap());
        assert_eq!(explained, format!("{id}: {short}\n\n{full}\n"));
        assert_eq!(rule["help"]["text"], full);
    }

    let clean = ottlc_in(&dir, &["check", "--format", "sarif", "-"], "set(log.attributes[\"a\"], 1)\n");
    assert_eq!(clean.status.code(), Some(0));
    let clean = json_of(&clean);
    assert_sarif_shape(&clean);
    assert_eq!(clean["runs"][0]["results"], json!([]), "a clean check is a log without results");
}

#[test]
fn check_github_writes_one_workflow_command_per_diagnostic() {
    let dir = temp_dir("github");
    std::fs::write(dir.join("rules.ottl"), MISTAKES).unwrap();
    let out = ottlc_in(&dir, &["check", "--format", "github", dir.join("rules.ottl").to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert_eq!(
        lines[0],
        "::error file=rules.ottl,line=1,col=26,endLine=1,endColumn=34,title=E0110 unknown function::undefined function \"ParseJsn\"%0Ahelp: did you mean `ParseJSON`?"
    );
    assert!(
        lines[1].starts_with("::warning file=rules.ottl,line=2,col=20,endLine=2,endColumn=23,title=W0001 an unquoted key is a path%2C not a string::"),
        "a comma in a property is escaped: {}",
        lines[1]
    );
    assert!(
        lines[2].starts_with("::error ") && lines[2].contains("https://github.com"),
        "a message keeps its colons: {}",
        lines[2]
    );
}

#[test]
fn check_walks_a_directory_as_git_sees_it() {
    let dir = temp_dir("walk");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("nested").join("deep")).unwrap();
    let broken = "set(log.attributes[\"a\"], 1) where log.body = \"x\"\n";
    std::fs::write(dir.join(".gitignore"), "generated.ottl\n").unwrap();
    std::fs::write(dir.join("generated.ottl"), broken).unwrap();
    std::fs::write(dir.join("nested").join("deep").join("rules.ottl"), broken).unwrap();
    std::fs::write(
        dir.join("collector.yaml"),
        "processors:\n  transform:\n    log_statements:\n      - set(log.attributes[\"k\"], 1) where log.body = \"x\"\n",
    )
    .unwrap();
    std::fs::write(dir.join("service.yml"), "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n").unwrap();
    std::fs::write(dir.join("README.md"), "# Rules\n\nThese are *not* OTTL: set(\n").unwrap();

    let out = ottlc(&["check", "--format", "json", dir.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    let files: Vec<String> = json_of(&out)
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["file"].as_str().unwrap().strip_prefix(dir.to_str().unwrap()).unwrap().replace('\\', "/"))
        .collect();
    assert_eq!(files, ["/collector.yaml", "/nested/deep/rules.ottl"], "sorted; ignored, README and config without OTTL silent");

    std::fs::write(dir.join("nested").join("deep").join("rules.ottl"), "set(log.attributes[\"a\"], 1)\n").unwrap();
    std::fs::write(dir.join("collector.yaml"), "processors:\n  batch: {}\n").unwrap();
    let clean = ottlc(&["check", dir.to_str().unwrap()], "");
    assert_eq!(clean.status.code(), Some(0));
    assert_eq!(String::from_utf8(clean.stdout).unwrap(), "ottlc: 3 files checked, no problems\n");
}

#[test]
fn check_refuses_a_named_file_that_is_neither_ottl_nor_yaml() {
    let dir = temp_dir("refuse");
    let readme = dir.join("SOURCES.md");
    std::fs::write(&readme, "# Where these configs come from\n\n- one: https://example.com\n").unwrap();
    std::fs::write(dir.join("ok.yaml"), "processors:\n  batch: {}\n").unwrap();
    let out = ottlc(&["check", dir.join("ok.yaml").to_str().unwrap(), readme.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "nothing is checked: {}", String::from_utf8_lossy(&out.stdout));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr, format!("ottlc: {}: not a .ottl file or collector YAML (.yaml/.yml)\n", readme.display()));
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

#[allow(clippy::expect_used, reason = "test harness: a test whose directory cannot be made fails")]
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
fn output_is_compact_unless_pretty_is_asked_for() {
    let dir = temp_dir("pretty");
    let rules = dir.join("rules.ottl");
    std::fs::write(&rules, "set(log.attributes[\"seen\"], true)\n").expect("rules");
    let input = logs(&[("a", "prod")]);
    let compact = ottlc(&["run", rules.to_str().unwrap(), "-"], &input);
    let text = String::from_utf8(compact.stdout).expect("UTF-8");
    // One line, the collector's field names, defaults left out, keys in the runtime's order.
    assert_eq!(
        text,
        "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"attributes\":[{\"key\":\"env\",\"value\":{\"stringValue\":\"prod\"}},\
         {\"key\":\"seen\",\"value\":{\"boolValue\":true}}],\"body\":{\"stringValue\":\"a\"}}],\"scope\":{\"name\":\"s\"}}]}]}\n"
    );
    let pretty = ottlc(&["run", "--pretty", rules.to_str().unwrap(), "-"], &input);
    let pretty_text = String::from_utf8(pretty.stdout).expect("UTF-8");
    assert!(pretty_text.lines().count() > 20, "{pretty_text}");
    let parse = |text: &str| serde_json::from_str::<Value>(text).expect("OTLP JSON");
    assert_eq!(parse(&pretty_text), parse(&text));
}

#[test]
fn compile_emits_the_ir_with_pure_calls_on_constants_folded() {
    let rules = temp_file("folded.ottl", "span.duration > duration(\"3s\") > keep()\n");
    let out = ottlc(&["compile", "--emit", "ir", rules.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let ir = String::from_utf8(out.stdout).expect("UTF-8");
    // A comparison with a constant duration: no call left to make per span.
    assert!(ir.contains("Compare(") && ir.contains("Duration(\n") && ir.contains("3000000000"), "{ir}");
    assert!(!ir.contains("Call("), "{ir}");
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

/// Every line but the last (check's summary, run's "does not compile").
fn report(output: &[u8]) -> String {
    let text = String::from_utf8_lossy(output);
    let lines: Vec<&str> = text.lines().collect();
    lines[..lines.len().saturating_sub(1)].join("\n")
}

#[test]
fn run_and_check_report_the_same_diagnostics() {
    let dir = temp_dir("same-diagnostics");
    // `where` makes a line with an uppercase call a statement (without, it is a condition).
    let names = "Milliseconds(log.time - log.observed_time) where true\nDelete_key(log.attributes, \"a\") where true\nset(log.attributes[\"n\"], indexOf(log.body, \"x\"))\nset(log.attributes[\"i\"], int(log.body))\nset(log.attributes[\"a\"], 1) where log.body == NaN\nset(log.attributes[\"b\"], 1) where log.body == Concat\n";
    let cases = [
        ("names.ottl", names),
        ("semantic.ottl", "set(log.atributes[\"x\"], 1)\nset(log.attributes[\"y\"], 1) where log.severity_number == \"x\"\n"),
        ("syntax.ottl", "set(log.attributes[\"x\"], 1) where log.body = \"a\"\nSet(log.attributes[\"y\"],\n"),
        ("no-context.ottl", "set(attributes[\"x\"], 1)\n"),
    ];
    // From a file: run stops before reading its input when the rules do not compile.
    let input = dir.join("input.json");
    std::fs::write(&input, logs(&[("a", "x")])).expect("input");
    for (name, rules) in cases {
        let path = dir.join(name);
        std::fs::write(&path, rules).expect("rules");
        let checked = ottlc(&["check", path.to_str().unwrap()], "");
        let ran = ottlc(&["run", path.to_str().unwrap(), input.to_str().unwrap()], "");
        assert_eq!(ran.status.code(), Some(1), "{name}: {}", String::from_utf8_lossy(&ran.stderr));
        let (checked, ran) = (report(&checked.stdout), report(&ran.stderr));
        assert!(checked.contains(&format!("┌─ {}", path.display())), "{name}: {checked}");
        assert_eq!(checked, ran, "{name}: check and run disagree");
    }
    let checked = report(&ottlc(&["check", dir.join("names.ottl").to_str().unwrap()], "").stdout);
    for (code, help) in [
        ("E0012", "help: `Milliseconds` is a converter: it returns a value and changes nothing"),
        ("E0012", "help: did you mean `delete_key`?"),
        ("E0013", "help: no converter is called that; the closest is `Index`"),
        ("E0013", "help: did you mean `Int`?"),
        ("E0018", "help: OTTL has no value called `NaN`"),
        ("E0018", "help: call it: `Concat(...)`"),
    ] {
        assert!(checked.contains(&format!("error[{code}]")) && checked.contains(help), "{code} {help}:\n{checked}");
    }
}
