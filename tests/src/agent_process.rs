//! `ottl-agent` as a process on a config, for the agent's peer tests and `agent-bench`:
//! started, ready once its ports listen, stopped with SIGTERM, killed when dropped (also when
//! a test panics). Its log goes to a file, so that a chatty agent never blocks on a full pipe.
//! The binary is the caller's: a test names the one Cargo built with it
//! (`CARGO_BIN_EXE_ottl-agent`), the bench may be pointed at another.

use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use crate::collector::ScratchDir;

/// How long the agent may take to listen (the machine may be busy with builds).
const START_TIMEOUT: Duration = Duration::from_secs(60);
/// How long the agent may take to drain and exit after SIGTERM.
const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(40);

pub struct Agent {
    child: Child,
    dir: ScratchDir,
}

impl Agent {
    /// Starts `binary --config` on `config` and waits until every port of `ports` accepts
    /// connections.
    pub fn start(binary: &Path, config: &str, ports: &[u16]) -> Result<Agent, String> {
        let dir = ScratchDir::new("agent")?;
        let config_path = dir.path().join("agent.yaml");
        std::fs::write(&config_path, config).map_err(|e| format!("cannot write the config: {e}"))?;
        let log = std::fs::File::create(dir.path().join("agent.log")).map_err(|e| format!("cannot create the log: {e}"))?;
        let child = Command::new(binary)
            .arg("--config")
            .arg(&config_path)
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        let mut agent = Agent { child, dir };
        let deadline = Instant::now() + START_TIMEOUT;
        for &port in ports {
            while TcpStream::connect(("127.0.0.1", port)).is_err() {
                if let Some(status) = agent.child.try_wait().map_err(|e| e.to_string())? {
                    return Err(format!("the agent exited before it listened ({status}); its log:\n{}", agent.log()));
                }
                if Instant::now() >= deadline {
                    return Err(format!(
                        "the agent did not listen on {port} within {START_TIMEOUT:?}; its log:\n{}",
                        agent.log()
                    ));
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        Ok(agent)
    }

    /// The process id (to read its resource use from `/proc`).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// What the agent has logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("agent.log")).unwrap_or_default()
    }

    /// SIGTERM: the receivers stop, the queues drain, the exporters flush. The exit status,
    /// with the log.
    pub fn shutdown(mut self) -> Result<(ExitStatus, String), String> {
        let pid = self.child.id().to_string();
        let status = Command::new("kill").args(["-TERM", &pid]).status().map_err(|e| format!("cannot run kill: {e}"))?;
        if !status.success() {
            return Err(format!("kill -TERM {pid} failed: {status}"));
        }
        let deadline = Instant::now() + SHUTDOWN_TIMEOUT;
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().map_err(|e| e.to_string())? {
                return Ok((status, self.log()));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Err(format!("the agent did not exit within {SHUTDOWN_TIMEOUT:?} of SIGTERM; its log:\n{}", self.log()))
    }
}

impl Drop for Agent {
    fn drop(&mut self) {
        // Killing an exited child fails harmlessly; waiting reaps it either way.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
