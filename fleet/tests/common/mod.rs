//! The harness of the fleet's tests: an `ottl-fleet` process on a scratch rules directory
//! and a port the system chose, its status, and waiting with generous timeouts.

#![allow(dead_code, reason = "each test binary uses part of the harness")]

pub mod http_agent;
pub mod sim_agent;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;

/// Long enough for this loaded machine; tests wait for conditions, never for a fixed time.
pub const TIMEOUT: Duration = Duration::from_secs(30);

/// A running `ottl-fleet`, killed and its directory removed on drop.
pub struct FleetProcess {
    child: Child,
    pub dir: PathBuf,
    pub address: String,
    /// The fleet's bearer token, which its `/status` wants too.
    token: Option<String>,
}

impl FleetProcess {
    /// Starts the server on `config` (YAML, `rules_dir` defaults to `rules/` beside it)
    /// with `files` (paths relative to the rules directory) in place.
    pub fn start(config: &str, files: &[(&str, &str)]) -> FleetProcess {
        FleetProcess::start_with(|_| config.to_string(), files)
    }

    /// As [`FleetProcess::start`], with the config made by `prepare` in the fleet's
    /// directory (which it may put files in: certificates, say), before the server starts.
    pub fn start_with(prepare: impl FnOnce(&Path) -> String, files: &[(&str, &str)]) -> FleetProcess {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "ottl-fleet-test-{}-{}",
            std::process::id(),
            COUNT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(dir.join("rules")).unwrap();
        std::fs::write(dir.join("fleet.yaml"), prepare(&dir)).unwrap();
        let mut fleet = FleetProcess { child: spawn(&dir), dir, address: String::new(), token: None };
        for (path, text) in files {
            fleet.write_rule(path, text);
        }
        let stdout = fleet.child.stdout.take().unwrap();
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        fleet.address =
            line.trim().strip_prefix("listening on ").unwrap_or_else(|| panic!("unexpected first line {line:?}")).to_string();
        fleet
    }

    /// The same fleet, its status read with `token` (its config's `auth.bearer_token`).
    pub fn with_token(mut self, token: &str) -> FleetProcess {
        self.token = Some(token.to_string());
        self
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn ws_url(&self) -> String {
        format!("ws://{}/v1/opamp", self.address)
    }

    pub fn http_url(&self) -> String {
        format!("http://{}/v1/opamp", self.address)
    }

    /// Writes a rule file atomically (a new file renamed over the old), as deployments do.
    pub fn write_rule(&self, path: &str, text: &str) {
        let target = self.dir.join("rules").join(path);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        let scratch = target.with_extension("tmp");
        std::fs::write(&scratch, text).unwrap();
        std::fs::rename(&scratch, &target).unwrap();
    }

    /// `GET /status`.
    pub fn status(&self) -> Value {
        let authorization = self.token.as_ref().map(|token| format!("Bearer {token}"));
        let headers: Vec<(&str, &str)> = authorization.iter().map(|value| ("Authorization", value.as_str())).collect();
        let (code, body) = http_request(&self.address, "GET", "/status", &headers, b"");
        assert_eq!(code, 200, "{}", String::from_utf8_lossy(&body));
        serde_json::from_slice(&body).unwrap()
    }

    /// Waits until `condition` holds for the status; the last status on timeout.
    pub fn wait_status(&self, what: &str, condition: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let status = self.status();
            if condition(&status) {
                return status;
            }
            assert!(Instant::now() < deadline, "timed out waiting for {what}; status: {status:#}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn group<'a>(status: &'a Value, name: &str) -> &'a Value {
        status["groups"].as_array().unwrap().iter().find(|g| g["name"] == name).unwrap()
    }

    pub fn agent<'a>(status: &'a Value, uid: &str) -> Option<&'a Value> {
        status["agents"].as_array().unwrap().iter().find(|a| a["uid"] == uid)
    }
}

impl Drop for FleetProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// `ottl-fleet`: this package's binary in its own tests; in another package's tests (the
/// agent's tests/fleet.rs includes this harness) the one `cargo build --release --workspace`
/// put beside the test binary's `deps` directory.
fn fleet_binary() -> PathBuf {
    if let Some(path) = option_env!("CARGO_BIN_EXE_ottl-fleet") {
        return PathBuf::from(path);
    }
    let test_binary = std::env::current_exe().unwrap();
    let binary = test_binary.parent().and_then(Path::parent).unwrap().join("ottl-fleet");
    assert!(binary.exists(), "{} is missing: `cargo build --release -p ottl-fleet` first", binary.display());
    binary
}

fn spawn(dir: &Path) -> Child {
    Command::new(fleet_binary())
        .args(["serve", "--listen", "127.0.0.1:0", "--config"])
        .arg(dir.join("fleet.yaml"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap()
}

/// One HTTP/1.1 request with `Connection: close`; the status code and the body.
pub fn http_request(address: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> (u16, Vec<u8>) {
    let (code, _, body) = http_exchange(address, method, path, headers, body);
    (code, body)
}

/// As [`http_request`], with the response's head (status line and headers) as text.
pub fn http_exchange(address: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> (u16, String, Vec<u8>) {
    let mut stream = TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(TIMEOUT)).unwrap();
    let mut request =
        format!("{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
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
    let code = head.split(' ').nth(1).unwrap().parse().unwrap();
    let body = response[split + 4..].to_vec();
    let body = if head.to_ascii_lowercase().contains("transfer-encoding: chunked") { dechunk(&body) } else { body };
    (code, head, body)
}

fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line_end = body.windows(2).position(|w| w == b"\r\n").unwrap();
        let size = usize::from_str_radix(std::str::from_utf8(&body[..line_end]).unwrap().trim(), 16).unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&body[line_end + 2..line_end + 2 + size]);
        body = &body[line_end + 4 + size..];
    }
}
