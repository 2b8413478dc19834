//! What a `file` exporter wrote: one OTLP/JSON document per line (the collector's format,
//! which the agent's `file` exporter follows), read back as [`Telemetry`] and counted.

use std::path::Path;
use std::time::{Duration, Instant};

use ottl_runtime::otlp::Telemetry;

/// How often [`wait_for_records`] looks at the file again.
const POLL_INTERVAL: Duration = Duration::from_millis(50);

/// The documents in the file at `path`; an absent file is none yet. A last line without its
/// newline is still being written (the exporter flushes on a timer) and is left for later.
pub fn read_file_output(path: &Path) -> Result<Vec<Telemetry>, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    let complete = text.rfind('\n').map_or("", |end| &text[..end]);
    complete
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| Telemetry::from_json(line).map_err(|e| format!("{} line {}: {e}", path.display(), i + 1)))
        .collect()
}

/// Reads the file at `path` until its documents hold at least `expected` records, or
/// `timeout` passes (an error that says how many arrived). The caller asserts the exact
/// count, if need be after stopping the writer.
pub fn wait_for_records(path: &Path, expected: usize, timeout: Duration) -> Result<Vec<Telemetry>, String> {
    let deadline = Instant::now() + timeout;
    loop {
        let documents = read_file_output(path)?;
        let arrived: usize = documents.iter().map(Telemetry::item_count).sum();
        if arrived >= expected {
            return Ok(documents);
        }
        if Instant::now() >= deadline {
            return Err(format!("{} holds {arrived} records after {timeout:?}, {expected} expected", path.display()));
        }
        std::thread::sleep(POLL_INTERVAL);
    }
}
