//! The `file` exporter: one OTLP/JSON document per line, appended, as the collector's
//! file exporter writes with its default JSON format.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use super::{Started, queue};
use crate::config::ComponentId;
use crate::stats::Stats;

pub(super) fn start(id: &ComponentId, path: &Path, stats: Arc<Stats>) -> Result<Started, String> {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|error| format!("{id}: cannot open {}: {error}", path.display()))?;
    let (handle, mut receiver) = queue(id, 64, stats.exporter(&id.0));
    let name = id.0.clone();
    let shown_path = path.display().to_string();
    let task = tokio::spawn(async move {
        let mut out = std::io::BufWriter::new(file);
        while let Some(queued) = receiver.recv().await {
            let telemetry = &queued.telemetry;
            let items = telemetry.item_count() as u64;
            let written = tokio::task::block_in_place(|| {
                telemetry.write_json(&mut out).and_then(|()| out.write_all(b"\n")).and_then(|()| out.flush())
            });
            match written {
                Ok(()) => stats.exporter(&name).sent.add(items),
                Err(error) => {
                    tracing::error!(exporter = %name, path = %shown_path, %error, "cannot write");
                    stats.exporter(&name).failed.add(items);
                }
            }
        }
    });
    Ok(Started { handle, tasks: vec![task] })
}
