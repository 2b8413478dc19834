//! Exporters: each is a bounded queue and the tasks that drain it.
//!
//! A pipeline hands a batch to an exporter by sending it into the exporter's queue, and
//! waits while the queue is full: that wait is how a slow backend pushes back up to the
//! receivers. Closing every sender (shutdown) lets the tasks drain what is queued and end.
//! An OTLP exporter without a sending queue takes the batch directly: the pipeline waits
//! for the send itself.

mod debug;
mod file;
mod otlp;

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
    route: Route,
}

#[derive(Clone)]
enum Route {
    Queue(mpsc::Sender<Telemetry>),
    /// An OTLP exporter with its sending queue disabled.
    Direct(Arc<otlp::OtlpExporter>),
}

impl ExporterHandle {
    fn direct(id: &ComponentId, exporter: Arc<otlp::OtlpExporter>) -> ExporterHandle {
        ExporterHandle { id: id.clone(), route: Route::Direct(exporter) }
    }

    /// Queues a batch, waiting while the queue is full (or, without a queue, exports it).
    /// Fails only once the exporter has stopped (then the batch is counted as lost by the
    /// caller).
    pub async fn send(&self, telemetry: Telemetry) -> Result<(), Telemetry> {
        match &self.route {
            Route::Queue(sender) => sender.send(telemetry).await.map_err(|error| error.0),
            Route::Direct(exporter) => {
                exporter.export(telemetry).await;
                Ok(())
            }
        }
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
        ExporterConfig::Otlp(otlp) => otlp::start(id, otlp, &stats),
    }
}

/// A queue of `capacity` batches and its receiving end, shared by `consumers` tasks.
fn queue(id: &ComponentId, capacity: usize) -> (ExporterHandle, mpsc::Receiver<Telemetry>) {
    let (sender, receiver) = mpsc::channel(capacity.max(1));
    (ExporterHandle { id: id.clone(), route: Route::Queue(sender) }, receiver)
}
