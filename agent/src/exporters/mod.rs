//! Exporters: each is a bounded queue and the tasks that drain it.
//!
//! A pipeline hands a batch to an exporter by sending it into the exporter's queue, and
//! waits while the queue is full: that wait is how a slow backend pushes back up to the
//! receivers. Closing every sender (shutdown) lets the tasks drain what is queued and end.
//! An OTLP exporter without a sending queue takes the batch directly: the pipeline waits
//! for the send itself.

mod agent_actions;
mod debug;
mod file;
mod otlp;

pub use otlp::{Backoff, retry_after};

use std::sync::Arc;

use ottl_runtime::otlp::Telemetry;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::budget::Reservation;
use crate::config::{ComponentId, ExporterConfig};
use crate::self_operation::actions::Handles;
use crate::stats::{ExporterStats, Stats};

/// Where a pipeline sends batches for one exporter.
#[derive(Clone)]
pub struct ExporterHandle {
    pub id: ComponentId,
    route: Route,
    stats: Arc<ExporterStats>,
}

#[derive(Clone)]
enum Route {
    Queue(mpsc::Sender<Queued>),
    /// An OTLP exporter with its sending queue disabled.
    Direct(Arc<otlp::OtlpExporter>),
}

impl ExporterHandle {
    fn direct(id: &ComponentId, exporter: Arc<otlp::OtlpExporter>, stats: Arc<ExporterStats>) -> ExporterHandle {
        ExporterHandle { id: id.clone(), route: Route::Direct(exporter), stats }
    }

    /// Queues a batch, waiting while the queue is full (or, without a queue, exports it).
    /// The batch holds `reservation` until it is exported. A batch the stopped exporter
    /// cannot take any more is counted as failed.
    pub async fn send(&self, telemetry: Telemetry, reservation: Reservation) {
        let items = telemetry.item_count() as u64;
        self.stats.accepted.add(items);
        match &self.route {
            Route::Queue(sender) => match sender.send(Queued { telemetry, _reservation: reservation }).await {
                Ok(()) => self.stats.queue_size.increment(),
                Err(_) => {
                    self.stats.failed.add(items);
                    tracing::error!(exporter = %self.id, items, "the exporter has stopped; batch lost");
                }
            },
            Route::Direct(exporter) => exporter.export(telemetry).await,
        }
    }
}

/// A started exporter: its handle, and its tasks to await at shutdown.
pub struct Started {
    pub handle: ExporterHandle,
    pub tasks: Vec<JoinHandle<()>>,
}

/// Starts the exporter `id`: its queue and the tasks that drain it. `agent_actions` acts
/// through `handles`.
pub fn start(id: &ComponentId, config: &ExporterConfig, stats: Arc<Stats>, handles: &Handles) -> Result<Started, String> {
    match config {
        ExporterConfig::AgentActions(actions) => Ok(agent_actions::start(id, actions, handles)),
        ExporterConfig::Debug { verbosity } => Ok(debug::start(id, *verbosity, stats)),
        ExporterConfig::File { path } => file::start(id, path, stats),
        ExporterConfig::Otlp(otlp) => otlp::start(id, otlp, &stats),
    }
}

/// A queue of `capacity` batches and its receiving end.
fn queue(id: &ComponentId, capacity: usize, stats: Arc<ExporterStats>) -> (ExporterHandle, QueueReceiver) {
    let capacity = capacity.max(1);
    let (sender, receiver) = mpsc::channel(capacity);
    stats.queue_capacity.set(capacity as u64);
    (ExporterHandle { id: id.clone(), route: Route::Queue(sender), stats: stats.clone() }, QueueReceiver { receiver, stats })
}

/// A batch in an exporter's queue, with its share of the memory budget: given back when
/// the exporter drops it, after the export.
struct Queued {
    telemetry: Telemetry,
    _reservation: Reservation,
}

/// The exporter's end of its queue, keeping the queue-size gauge.
struct QueueReceiver {
    receiver: mpsc::Receiver<Queued>,
    stats: Arc<ExporterStats>,
}

impl QueueReceiver {
    /// The next batch; `None` once the queue is closed and empty. Drop it only once it is
    /// exported.
    async fn recv(&mut self) -> Option<Queued> {
        let next = self.receiver.recv().await;
        if next.is_some() {
            self.stats.queue_size.decrement();
        }
        next
    }
}
