//! Exporters: each is a bounded queue and the tasks that drain it.
//!
//! A pipeline hands a batch to an exporter by sending it into the exporter's queue, and
//! waits while the queue is full: that wait is how a slow backend pushes back up to the
//! receivers. Closing every sender (shutdown) lets the tasks drain what is queued and end.

mod debug;
mod file;

use std::sync::Arc;

use ottl_runtime::otlp::Telemetry;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::config::{ComponentId, ExporterConfig};
use crate::stats::Stats;

/// Where a pipeline sends batches for one exporter.
#[derive(Clone)]
pub struct ExporterHandle {
    pub id: ComponentId,
    sender: mpsc::Sender<Telemetry>,
}

impl ExporterHandle {
    /// Queues a batch, waiting while the queue is full. Fails only once the exporter has
    /// stopped (then the batch is counted as lost by the caller).
    pub async fn send(&self, telemetry: Telemetry) -> Result<(), Telemetry> {
        self.sender.send(telemetry).await.map_err(|error| error.0)
    }
}

/// A started exporter: its handle, and its tasks to await at shutdown.
pub struct Started {
    pub handle: ExporterHandle,
    pub tasks: Vec<JoinHandle<()>>,
}

/// Starts the exporter `id`: its queue and the tasks that drain it.
pub fn start(id: &ComponentId, config: &ExporterConfig, stats: Arc<Stats>) -> Result<Started, String> {
    match config {
        ExporterConfig::Debug { verbosity } => Ok(debug::start(id, *verbosity, stats)),
        ExporterConfig::File { path } => file::start(id, path, stats),
        ExporterConfig::Otlp(_) => Err(format!("{id}: the OTLP exporters are not built yet")),
    }
}

/// A queue of `capacity` batches and its receiving end, shared by `consumers` tasks.
fn queue(id: &ComponentId, capacity: usize) -> (ExporterHandle, mpsc::Receiver<Telemetry>) {
    let (sender, receiver) = mpsc::channel(capacity.max(1));
    (ExporterHandle { id: id.clone(), sender }, receiver)
}
