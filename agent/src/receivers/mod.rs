//! Receivers: where telemetry comes in. Each decodes requests into the OTLP structs the
//! rules read and hands them to the pipelines through an [`Intake`].

pub mod otlp;

use std::sync::Arc;

use ottl_runtime::otlp::Telemetry;

use crate::batching::count_items;
use crate::config::ComponentId;
use crate::pipeline::{Pipelines, Refusal};
use crate::stats::{ReceiverStats, Stats};

/// How long a client is told to wait when the agent is full (`Retry-After`, gRPC retry).
pub const RETRY_AFTER_SECONDS: u64 = 1;

/// One receiver's door into the pipelines, with its counters.
#[derive(Clone)]
pub struct Intake {
    pub receiver: ComponentId,
    pipelines: Arc<Pipelines>,
    stats: Arc<ReceiverStats>,
}

impl Intake {
    pub fn new(receiver: ComponentId, pipelines: Arc<Pipelines>, stats: &Stats) -> Intake {
        let stats = stats.receiver(&receiver.0);
        Intake { receiver, pipelines, stats }
    }

    /// Hands a decoded request of `bytes` encoded bytes to the pipelines. `Ok` means it is
    /// queued and may be acknowledged.
    pub fn submit(&self, telemetry: Telemetry, bytes: usize) -> Result<(), Refusal> {
        let items = count_items(&telemetry) as u64;
        let submitted = self.pipelines.submit(&self.receiver, telemetry, bytes);
        match &submitted {
            Ok(()) => self.stats.accepted.add(items),
            Err(_) => self.stats.refused.add(items),
        }
        submitted
    }
}
