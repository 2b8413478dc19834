//! Receivers: where telemetry comes in. Each decodes requests into the OTLP structs the
//! rules read and hands them to the pipelines through an [`Intake`].

pub mod otlp;

use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwapOption;
use ottl_runtime::otlp::Telemetry;

use crate::config::ComponentId;
use crate::pipeline::{Pipelines, Refusal};
use crate::rpc_status::RpcStatus;
use crate::stats::{ReceiverStats, Stats};

/// How long a client is told to wait when the agent is full (`Retry-After`, gRPC
/// `RetryInfo`).
const RETRY_AFTER: Duration = Duration::from_secs(1);

/// The gRPC code of every refusal: `UNAVAILABLE`, which the OTLP specification makes
/// retryable (the collector answers it for every error that is not permanent).
const UNAVAILABLE: i32 = 14;

impl Refusal {
    /// What the client is told.
    pub fn message(&self) -> String {
        match self {
            Refusal::Full => format!("ottl-agent is full; retry in {}s", RETRY_AFTER.as_secs()),
            Refusal::Stopping => "ottl-agent is shutting down".to_string(),
            Refusal::Failed(error) => error.clone(),
        }
    }

    /// How long the client should wait before it retries, when the refusal is about load.
    pub fn retry_after(&self) -> Option<Duration> {
        matches!(self, Refusal::Full).then_some(RETRY_AFTER)
    }

    /// The `google.rpc.Status` of the refusal, with a `RetryInfo` when there is a delay.
    pub fn status(&self) -> RpcStatus {
        match self.retry_after() {
            Some(delay) => RpcStatus::with_retry_delay(UNAVAILABLE, self.message(), delay),
            None => RpcStatus { code: UNAVAILABLE, message: self.message(), details: Vec::new() },
        }
    }
}

/// The receivers' shared way into the pipelines, closed by the agent once its servers have
/// stopped. A connection can outlive its server (a client that never finishes its request
/// or never answers the server's goodbye); once the door is closed, such a connection holds
/// no reference to the pipelines, which can then drain, and its requests are refused.
pub struct Door(ArcSwapOption<Pipelines>);

impl Door {
    pub fn open(pipelines: Arc<Pipelines>) -> Arc<Door> {
        Arc::new(Door(ArcSwapOption::from(Some(pipelines))))
    }

    pub fn close(&self) {
        self.0.store(None);
    }
}

/// One receiver's way into the pipelines, with its counters.
#[derive(Clone)]
pub struct Intake {
    pub receiver: ComponentId,
    door: Arc<Door>,
    stats: Arc<ReceiverStats>,
}

impl Intake {
    pub fn new(receiver: ComponentId, door: Arc<Door>, stats: &Stats) -> Intake {
        let stats = stats.receiver(&receiver.0);
        Intake { receiver, door, stats }
    }

    /// Hands a decoded request of `bytes` encoded bytes to the pipelines. `Ok` means it is
    /// queued and may be acknowledged.
    pub async fn submit(&self, telemetry: Telemetry, bytes: usize) -> Result<(), Refusal> {
        let items = telemetry.item_count() as u64;
        // The pipelines are held only while this request is submitted.
        let submitted = match self.door.0.load_full() {
            Some(pipelines) => pipelines.submit(&self.receiver, telemetry, bytes).await,
            None => Err(Refusal::Stopping),
        };
        match &submitted {
            Ok(()) => self.stats.accepted.add(items),
            Err(_) => self.stats.refused.add(items),
        }
        submitted
    }
}

#[cfg(test)]
mod tests {
    use prost::Message;

    use super::*;

    #[test]
    fn only_a_full_agent_asks_for_a_delay() {
        let full = Refusal::Full.status();
        assert_eq!(full.code, UNAVAILABLE);
        assert_eq!(RpcStatus::retry_info(&full.encode_to_vec()), Some(RETRY_AFTER));
        let failed = Refusal::Failed("transform: boom".into());
        assert_eq!(failed.retry_after(), None, "a processor error is retried by the client's own backoff");
        assert_eq!(failed.status().message, "transform: boom");
        assert!(failed.status().details.is_empty());
        assert_eq!(Refusal::Stopping.retry_after(), None);
    }
}
