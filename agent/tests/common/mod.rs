//! `ottl-agent` as a process, for the tests in this directory: start on a config, wait for
//! its ports, stop with SIGTERM, killed when dropped (also when a test fails).

#![allow(dead_code, reason = "each test file uses its part of the helpers")]
#![allow(clippy::unwrap_used, reason = "test harness: a test fails when the agent cannot be run, reached or read")]

pub mod load;
pub mod opamp;
pub mod opamp_push;
pub mod opamp_throttle;
pub mod pki;
pub mod profiles;
pub mod rule_steps;
pub mod sink;
pub mod soak_accounting;
pub mod spans;
pub mod svg_plot;
pub mod swaps;
pub mod vitals;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use ottl_runtime::otlp::Telemetry;
use ottl_tests::collector::{self, ScratchDir};

/// A loopback port free right now.
pub fn free_port() -> u16 {
    collector::free_port().unwrap()
}

/// A fresh directory for one test, removed with its contents when the test ends.
pub fn temp_dir(name: &str) -> ScratchDir {
    ScratchDir::new(&format!("agent-{name}")).unwrap()
}

pub fn agent(args: &[&str], dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ottl-agent"));
    command.args(args).current_dir(dir).env("RUST_LOG", "info");
    command
}

/// A running agent, killed if a test fails before it stops it. Its standard output and
/// error are read as they come, so that an agent logging under load never blocks on a full
/// pipe, and so that a test can read the log while the agent runs.
pub struct Running {
    child: Option<Child>,
    stdout: Option<Captured>,
    stderr: Option<Captured>,
}

/// What a child process writes to one pipe, read by a thread of its own.
struct Captured {
    text: Arc<Mutex<Vec<u8>>>,
    reader: JoinHandle<()>,
}

impl Captured {
    fn of(mut pipe: impl Read + Send + 'static) -> Captured {
        let text = Arc::new(Mutex::new(Vec::new()));
        let sink = text.clone();
        let reader = std::thread::spawn(move || {
            let mut chunk = [0u8; 8192];
            while let Ok(n @ 1..) = pipe.read(&mut chunk) {
                sink.lock().unwrap().extend_from_slice(&chunk[..n]);
            }
        });
        Captured { text, reader }
    }

    /// Everything, once the pipe has closed.
    fn finish(self) -> Vec<u8> {
        self.reader.join().unwrap();
        std::mem::take(&mut *self.text.lock().unwrap())
    }
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

    /// An agent started by the caller (with its own arguments, its output piped), once
    /// `ports` listen.
    pub fn adopt(mut child: Child, ports: &[u16]) -> Running {
        let stdout = child.stdout.take().map(Captured::of);
        let stderr = child.stderr.take().map(Captured::of);
        let running = Running { child: Some(child), stdout, stderr };
        for port in ports {
            wait_for_port(*port);
        }
        running
    }

    /// The agent's process id.
    pub fn pid(&self) -> u32 {
        self.child.as_ref().unwrap().id()
    }

    /// What the agent has logged (its standard error) so far.
    pub fn log(&self) -> String {
        let text = self.stderr.as_ref().map(|captured| captured.text.lock().unwrap().clone()).unwrap_or_default();
        String::from_utf8_lossy(&text).into_owned()
    }

    /// Sends `signal` (`TERM`, `HUP`, ...) without waiting for anything.
    pub fn signal(&self, signal: &str) {
        let status = Command::new("kill").args([&format!("-{signal}"), &self.pid().to_string()]).status().unwrap();
        assert!(status.success(), "kill -{signal} failed");
    }

    /// Sends SIGTERM without waiting for the exit.
    pub fn terminate(&self) {
        self.signal("TERM");
    }

    /// Waits for the exit: its status and standard error.
    pub fn wait(mut self) -> Output {
        let status = self.child.as_mut().unwrap().wait().unwrap();
        self.output(status)
    }

    /// Waits at most `timeout` for the exit; the error is the log so far when the agent is
    /// still running (it is killed when dropped).
    pub fn wait_timeout(mut self, timeout: Duration) -> Result<Output, String> {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.as_mut().unwrap().try_wait().unwrap() {
                return Ok(self.output(status));
            }
            if start.elapsed() > timeout {
                return Err(format!("the agent did not exit within {timeout:?}; its log:\n{}", self.log()));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until `condition` holds, as [`wait_until`], failing with the agent's log.
    pub fn wait_until(&self, what: &str, condition: impl FnMut() -> bool) {
        assert!(poll_until(condition), "timed out waiting until {what}; the agent's log:\n{}", self.log());
    }

    /// SIGTERM, then the exit status and standard error.
    pub fn stop(self) -> Output {
        self.terminate();
        self.wait()
    }

    fn output(&mut self, status: ExitStatus) -> Output {
        self.child = None;
        let stdout = self.stdout.take().map(Captured::finish).unwrap_or_default();
        let stderr = self.stderr.take().map(Captured::finish).unwrap_or_default();
        Output { status, stdout, stderr }
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

/// A field of `/proc/<pid>/status` counted in KiB (`VmRSS`, `VmHWM`).
pub fn proc_status_kib(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find_map(|line| line.strip_prefix(field)?.strip_prefix(':')).unwrap();
    line.trim().trim_end_matches("kB").trim().parse().unwrap()
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

/// An HTTP answer: the status, the headers (names in lowercase) and the body.
pub type Answer = (u16, Vec<(String, String)>, Vec<u8>);

/// Why a request got no answer.
#[derive(Debug)]
pub enum NoAnswer {
    /// The connection was refused: nothing was sent.
    NotConnected,
    /// The request may have reached the server, but no whole answer came back.
    Lost(String),
}

/// How long a request may wait for its answer (the machine may be busy).
const ANSWER_TIMEOUT: Duration = Duration::from_secs(60);

/// One HTTP/1.1 request; the status, headers and body of the answer.
pub fn request(port: u16, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Answer {
    try_request(port, method, path, headers, body).unwrap()
}

/// One HTTP/1.1 request, for servers that may refuse connections or stop mid-request.
pub fn try_request(port: u16, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Result<Answer, NoAnswer> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).map_err(|_| NoAnswer::NotConnected)?;
    let lost = |error: std::io::Error| NoAnswer::Lost(error.to_string());
    stream.set_read_timeout(Some(ANSWER_TIMEOUT)).map_err(lost)?;
    let mut request =
        format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).map_err(lost)?;
    // A server may answer (413, say) without reading the whole body, and close.
    let written = stream.write_all(body);
    let mut response = Vec::new();
    let read = stream.read_to_end(&mut response);
    let Some(split) = response.windows(4).position(|w| w == b"\r\n\r\n") else {
        let error = read.err().or(written.err()).map_or("no answer".to_string(), |e| e.to_string());
        return Err(NoAnswer::Lost(error));
    };
    let head = String::from_utf8_lossy(&response[..split]).to_string();
    let mut lines = head.lines();
    let status = lines.next().and_then(|line| line.split(' ').nth(1)).and_then(|code| code.parse().ok());
    let Some(status) = status else { return Err(NoAnswer::Lost(format!("not an HTTP answer: {head}"))) };
    let headers =
        lines.filter_map(|l| l.split_once(':')).map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string())).collect();
    Ok((status, headers, response[split + 4..].to_vec()))
}

pub fn post(port: u16, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Answer {
    request(port, "POST", path, headers, body)
}

pub fn get(port: u16, path: &str) -> Answer {
    request(port, "GET", path, &[], b"")
}

/// The value of the agent's counter `name` for `exporter`, from its metrics endpoint.
pub fn exporter_counter(metrics_port: u16, name: &str, exporter: &str) -> u64 {
    metric(metrics_port, &format!("ottl_agent_exporter_{name}_items_total{{exporter=\"{exporter}\"}}"))
}

/// The value of the agent's counter `name` for `receiver`, from its metrics endpoint.
pub fn receiver_counter(metrics_port: u16, name: &str, receiver: &str) -> u64 {
    metric(metrics_port, &format!("ottl_agent_receiver_{name}_items_total{{receiver=\"{receiver}\"}}"))
}

/// The value of one series (name and labels) from the agent's metrics endpoint; 0 when
/// it is not there yet.
pub fn metric(metrics_port: u16, series: &str) -> u64 {
    let (_, _, body) = get(metrics_port, "/metrics");
    let text = String::from_utf8_lossy(&body);
    let prefix = format!("{series} ");
    text.lines().find_map(|line| line.strip_prefix(&prefix)).and_then(|v| v.parse().ok()).unwrap_or(0)
}

/// The self-operation loop's sections of a config, each indented for its place: the agent's
/// signals every 200 ms into the decision rules of `decisions.ottl` and the actions, and the
/// actions' records into `actions.json`.
pub struct LoopSections {
    pub receivers: &'static str,
    pub processors: &'static str,
    pub exporters: &'static str,
    pub pipelines: &'static str,
}

pub const SELF_OPERATION: LoopSections = LoopSections {
    receivers: "  agent_telemetry:\n    interval: 200ms\n",
    processors: "  rules/decide:\n    context: datapoint\n    files: [decisions.ottl]\n",
    exporters: "  agent_actions:\n  file/actions:\n    path: actions.json\n",
    pipelines: "    metrics/self:\n      receivers: [agent_telemetry]\n      processors: [rules/decide]\n      exporters: [agent_actions]\n    logs/self:\n      receivers: [agent_telemetry]\n      exporters: [file/actions]\n",
};

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
