//! `ottl-agent` as a process, for the tests in this directory: start on a config, wait for
//! its ports, stop with SIGTERM, killed when dropped (also when a test fails).

#![allow(dead_code, reason = "each test file uses its part of the helpers")]
#![allow(clippy::unwrap_used, reason = "test harness: a test fails when the agent cannot be run, reached or read")]

pub mod pki;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use ottl_runtime::otlp::Telemetry;

/// A loopback port free right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ottl-agent-e2e-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub fn agent(args: &[&str], dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ottl-agent"));
    command.args(args).current_dir(dir).env("RUST_LOG", "info");
    command
}

/// A running agent, killed if a test fails before it stops it.
pub struct Running {
    child: Option<Child>,
}

impl Running {
    /// Starts the agent on `config` (written to `dir/<name>.yaml`) and waits for `ports`.
    pub fn start(dir: &Path, config: &str, ports: &[u16]) -> Running {
        Running::start_named(dir, "agent", config, ports)
    }

    pub fn start_named(dir: &Path, name: &str, config: &str, ports: &[u16]) -> Running {
        let file = format!("{name}.yaml");
        std::fs::write(dir.join(&file), config).unwrap();
        let child = agent(&["--config", &file], dir).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        Running::adopt(child, ports)
    }

    /// An agent started by the caller (with its own arguments), once `ports` listen.
    pub fn adopt(child: Child, ports: &[u16]) -> Running {
        let running = Running { child: Some(child) };
        for port in ports {
            wait_for_port(*port);
        }
        running
    }

    /// Sends SIGTERM without waiting for the exit.
    pub fn terminate(&self) {
        let child = self.child.as_ref().unwrap();
        let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
        assert!(status.success());
    }

    /// Waits for the exit: its status and standard error.
    pub fn wait(mut self) -> Output {
        self.child.take().unwrap().wait_with_output().unwrap()
    }

    /// SIGTERM, then the exit status and standard error.
    pub fn stop(self) -> Output {
        self.terminate();
        self.wait()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

pub fn wait_for_port(port: u16) {
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(start.elapsed() < Duration::from_secs(20), "nothing listens on {port}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Waits until `condition` holds, polling; fails after a generous timeout with `what`.
pub fn wait_until(what: &str, condition: impl FnMut() -> bool) {
    assert!(poll_until(condition), "timed out waiting until {what}");
}

/// Polls `condition` until it holds (true) or a generous timeout passes (false).
pub fn poll_until(mut condition: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while !condition() {
        if start.elapsed() > Duration::from_secs(60) {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    true
}

/// One HTTP/1.1 request; the status, headers and body of the answer.
pub fn request(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut request =
        format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let split = response.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&response[..split]).to_string();
    let mut lines = head.lines();
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers =
        lines.filter_map(|l| l.split_once(':')).map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string())).collect();
    (status, headers, response[split + 4..].to_vec())
}

pub fn post(port: u16, path: &str, headers: &[(&str, &str)], body: &[u8]) -> (u16, Vec<(String, String)>, Vec<u8>) {
    request(port, "POST", path, headers, body)
}

pub fn get(port: u16, path: &str) -> (u16, Vec<(String, String)>, Vec<u8>) {
    request(port, "GET", path, &[], b"")
}

/// The value of the agent's counter `name` for `exporter`, from its metrics endpoint.
pub fn exporter_counter(metrics_port: u16, name: &str, exporter: &str) -> u64 {
    let (_, _, body) = get(metrics_port, "/metrics");
    let text = String::from_utf8_lossy(&body);
    let prefix = format!("ottl_agent_exporter_{name}_items_total{{exporter=\"{exporter}\"}} ");
    text.lines().find_map(|line| line.strip_prefix(&prefix)).and_then(|v| v.parse().ok()).unwrap_or(0)
}

/// OTLP/JSON logs whose records have the given bodies and `level` attributes.
pub fn json_logs(records: &[(&str, &str)]) -> String {
    let records: Vec<String> = records
        .iter()
        .map(|(body, level)| {
            format!(
                r#"{{"body":{{"stringValue":"{body}"}},"attributes":[{{"key":"level","value":{{"stringValue":"{level}"}}}}]}}"#
            )
        })
        .collect();
    format!(r#"{{"resourceLogs":[{{"scopeLogs":[{{"logRecords":[{}]}}]}}]}}"#, records.join(","))
}

/// The log records' bodies in a file exporter's output, one OTLP/JSON document per line.
pub fn bodies(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut found = Vec::new();
    for line in text.lines() {
        let Telemetry::Logs(data) = Telemetry::from_json(line).unwrap() else { panic!("not logs: {line}") };
        for record in data.resource_logs.iter().flat_map(|r| &r.scope_logs).flat_map(|s| &s.log_records) {
            let body = record.body.as_ref().and_then(|b| b.value.as_ref());
            if let Some(opentelemetry_proto::tonic::common::v1::any_value::Value::StringValue(text)) = body {
                found.push(text.clone());
            }
        }
    }
    found.sort();
    found
}
