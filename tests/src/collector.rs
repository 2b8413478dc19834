//! The OpenTelemetry Collector built from Go modules (`tests/collector`, binary `otelcol`),
//! run side by side with what is under test: as a downstream sink, an upstream sender, or the
//! reference whose output is compared.
//!
//! `scripts/test.sh` builds the binary and names it in `OTELCOL`; tests that need it skip,
//! saying why, when the variable is unset (see [`available`]). A [`Collector`] is a running
//! process that is killed when the value is dropped, also when a test panics.

pub mod file_output;
pub mod otlp_http;

use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub use file_output::{read_file_output, wait_for_records};
pub use otlp_http::{post, post_otlp_json};

/// The line the collector logs once every component has started.
const READY_LINE: &str = "Everything is ready. Begin running and processing data.";

/// How long a collector may take to start (the machine may be busy with builds).
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// How long a collector may take to drain and exit after SIGTERM.
const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(30);

/// How much of the collector's log is kept for error messages (the latest part).
const MAX_LOG_BYTES: usize = 1 << 20;

/// Read before the caller's config, which overrides it: the collector's own metrics would
/// listen on 127.0.0.1:8888, where a second collector (or the agent) would clash with them.
const BASE_CONFIG: &str = "service:\n  telemetry:\n    metrics:\n      level: none\n";

/// The `otelcol` binary named by `OTELCOL`; the error is the reason a test skips.
pub fn binary() -> Result<PathBuf, String> {
    std::env::var_os("OTELCOL")
        .map(PathBuf::from)
        .ok_or_else(|| "OTELCOL is not set (scripts/test.sh builds tests/collector and sets it)".to_string())
}

/// Whether the collector can run; when it cannot, prints why, so that a skipping test says so.
pub fn available() -> bool {
    match binary() {
        Ok(_) => true,
        Err(reason) => {
            println!("skipped: {reason}");
            false
        }
    }
}

/// A loopback port free right now, for the caller to write into a config.
pub fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("cannot bind 127.0.0.1:0: {e}"))?;
    listener.local_addr().map(|a| a.port()).map_err(|e| e.to_string())
}

/// A fresh directory under the system's temporary directory, removed with everything in it
/// when dropped: where file exporters write and configs are kept.
#[derive(Debug)]
pub struct ScratchDir(PathBuf);

impl ScratchDir {
    pub fn new(label: &str) -> Result<ScratchDir, String> {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("otelcol-{}-{n}-{label}", std::process::id()));
        // A directory left by an earlier process with the same id is stale.
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).map_err(|e| format!("cannot create {}: {e}", path.display()))?;
        Ok(ScratchDir(path))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// A path inside the directory, as a string to write into a config.
    pub fn file(&self, name: &str) -> String {
        self.0.join(name).display().to_string()
    }
}

/// A scratch directory reads as its path (`dir.join(...)`, `&dir` where a `&Path` is taken).
impl std::ops::Deref for ScratchDir {
    type Target = Path;

    fn deref(&self) -> &Path {
        self.path()
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A running collector.
#[derive(Debug)]
pub struct Collector {
    child: Child,
    log: Arc<Mutex<String>>,
    /// Holds the config files for as long as the process may read them.
    _config_dir: ScratchDir,
}

impl Collector {
    /// Starts `$OTELCOL` on `config_yaml` and waits until every component has started.
    pub fn start(config_yaml: &str) -> Result<Collector, String> {
        Collector::start_with_env(config_yaml, &[])
    }

    /// [`Collector::start`] with extra environment variables, for configs that use
    /// `${env:VAR}`.
    pub fn start_with_env(config_yaml: &str, env: &[(&str, &str)]) -> Result<Collector, String> {
        Collector::start_with(config_yaml, env, &[])
    }

    /// [`Collector::start_with_env`] with extra command-line arguments
    /// (`--feature-gates=service.profilesSupport`).
    pub fn start_with(config_yaml: &str, env: &[(&str, &str)], args: &[&str]) -> Result<Collector, String> {
        let binary = binary()?;
        let dir = ScratchDir::new("config")?;
        let base = dir.path().join("base.yaml");
        let config = dir.path().join("config.yaml");
        for (path, text) in [(&base, BASE_CONFIG), (&config, config_yaml)] {
            std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        }
        let mut child = Command::new(&binary)
            .arg("--config")
            .arg(format!("file:{}", base.display()))
            .arg("--config")
            .arg(format!("file:{}", config.display()))
            .args(args)
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        let stderr = child.stderr.take().ok_or("the collector's stderr is not piped")?;
        let log = Arc::new(Mutex::new(String::new()));
        let (ready_tx, ready_rx) = mpsc::channel();
        let keeper = Arc::clone(&log);
        std::thread::spawn(move || {
            keep_log(stderr, &keeper, || {
                // A start that timed out no longer listens.
                let _ = ready_tx.send(());
            })
        });
        let mut collector = Collector { child, log, _config_dir: dir };
        match ready_rx.recv_timeout(START_TIMEOUT) {
            Ok(()) => Ok(collector),
            Err(RecvTimeoutError::Timeout) => {
                Err(format!("the collector did not start within {START_TIMEOUT:?}; its log:\n{}", collector.log()))
            }
            Err(RecvTimeoutError::Disconnected) => {
                let status = collector.child.wait().map_err(|e| e.to_string())?;
                Err(format!("the collector exited before it was ready ({status}); its log:\n{}", collector.log()))
            }
        }
    }

    /// The process id (to signal it, or read its resource use from `/proc`).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// What the collector has logged so far (its latest megabyte).
    pub fn log(&self) -> String {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// Stops the collector as a service manager would (SIGTERM): receivers stop, queues and
    /// batches drain, exporters flush. Its exit status, or an error with its log when it does
    /// not exit in time (it is then killed when dropped).
    pub fn shutdown(mut self) -> Result<ExitStatus, String> {
        let status = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .map_err(|e| format!("cannot run kill: {e}"))?;
        if !status.success() {
            return Err(format!("kill -TERM {} failed: {status}", self.pid()));
        }
        let deadline = Instant::now() + SHUTDOWN_TIMEOUT;
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().map_err(|e| e.to_string())? {
                return Ok(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Err(format!("the collector did not exit within {SHUTDOWN_TIMEOUT:?} of SIGTERM; its log:\n{}", self.log()))
    }
}

impl Drop for Collector {
    fn drop(&mut self) {
        // Killing an exited child fails harmlessly; waiting reaps it either way.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Appends the collector's log lines to `log` (keeping its latest part) until the process
/// closes it, calling `on_ready` at the line that says every component has started.
fn keep_log(stderr: impl Read, log: &Mutex<String>, on_ready: impl Fn()) {
    for line in BufReader::new(stderr).lines() {
        let Ok(line) = line else { break };
        if line.contains(READY_LINE) {
            on_ready();
        }
        let Ok(mut log) = log.lock() else { break };
        log.push_str(&line);
        log.push('\n');
        if log.len() > MAX_LOG_BYTES {
            let cut = log.len() - MAX_LOG_BYTES / 2;
            let cut = (cut..log.len()).find(|&i| log.is_char_boundary(i)).unwrap_or(log.len());
            log.replace_range(..cut, "");
        }
    }
}
