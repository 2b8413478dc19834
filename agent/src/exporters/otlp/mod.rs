//! The OTLP exporters, `otlp`/`otlp_grpc` and `otlphttp`/`otlp_http`: each batch is encoded
//! once and sent, with retries, by one of `num_consumers` senders that take batches from the
//! exporter's queue of `queue_size` batches.
//!
//! With `sending_queue.enabled: false` there is no queue: the pipeline that hands a batch
//! over waits until it is delivered or given up, as the collector's pipeline does.
//!
//! Nothing acknowledged is dropped at shutdown: once the pipelines close the queue, the
//! senders go on until it is empty (the agent bounds that with its drain timeout). Every
//! item ends in one counter: `sent`, or `failed` when given up or refused by the backend
//! (a partial success); `retried` counts the items of each retry.

mod grpc;
mod http;
mod payload;
mod retry;

pub use http::retry_after;
pub use retry::Backoff;

use std::sync::Arc;

use ottl_runtime::otlp::Telemetry;
use tokio::sync::Mutex;

use super::{ExporterHandle, Started, queue};
use crate::config::{ComponentId, OtlpExporterConfig, OtlpProtocol, RetryConfig};
use crate::stats::{ExporterStats, Stats};
use grpc::GrpcSender;
use http::HttpSender;
use payload::Payload;
use retry::{Attempt, SystemClock};

/// The protocol a batch goes out over.
enum Transport {
    Grpc(GrpcSender),
    Http(Box<HttpSender>),
}

impl Transport {
    /// The request of a batch, ready for every attempt.
    fn prepare(&self, telemetry: &Telemetry) -> Result<Payload, String> {
        let payload = Payload::encode(telemetry);
        match self {
            Transport::Grpc(_) => Ok(payload),
            Transport::Http(sender) => sender.compress(payload),
        }
    }

    async fn send(&self, payload: &Payload) -> Attempt {
        match self {
            Transport::Grpc(sender) => sender.send(payload).await,
            Transport::Http(sender) => sender.send(payload).await,
        }
    }
}

/// One OTLP exporter: how it sends, how it retries, and its counters.
pub struct OtlpExporter {
    name: String,
    transport: Transport,
    retry: RetryConfig,
    stats: Arc<ExporterStats>,
}

impl OtlpExporter {
    /// Delivers one batch, retrying as configured, and counts how it ended.
    pub async fn export(&self, telemetry: Telemetry) {
        let payload = match self.transport.prepare(&telemetry) {
            Ok(payload) => payload,
            Err(error) => {
                let items = telemetry.item_count() as u64;
                tracing::error!(exporter = %self.name, items, %error, "cannot encode a batch; dropped");
                self.stats.failed.add(items);
                return;
            }
        };
        drop(telemetry);
        let items = payload.items;
        let on_retry = |error: &str, delay: std::time::Duration| {
            self.stats.retried.add(items);
            tracing::info!(exporter = %self.name, items, %error, ?delay, "exporting failed; will retry after the delay");
        };
        let attempt = || self.transport.send(&payload);
        match retry::deliver(&self.retry, &SystemClock, rand::random::<f64>, attempt, on_retry).await {
            Ok(partial) => {
                let rejected = partial.rejected.min(items);
                self.stats.sent.add(items - rejected);
                self.stats.failed.add(rejected);
                if rejected > 0 || !partial.message.is_empty() {
                    tracing::warn!(exporter = %self.name, rejected, error_message = %partial.message, "partial success");
                }
            }
            Err(error) => {
                self.stats.failed.add(items);
                tracing::error!(exporter = %self.name, items, %error, "exporting failed; the items are dropped");
            }
        }
    }
}

/// Starts the exporter `id`: its sender, and its queue with the tasks that drain it.
pub(super) fn start(id: &ComponentId, config: &OtlpExporterConfig, stats: &Stats) -> Result<Started, String> {
    let transport = match config.protocol {
        OtlpProtocol::Grpc => GrpcSender::new(config).map(Transport::Grpc),
        OtlpProtocol::Http => HttpSender::new(config).map(|sender| Transport::Http(Box::new(sender))),
    }
    .map_err(|error| format!("{id}: {error}"))?;
    let stats = stats.exporter(&id.0);
    let exporter = Arc::new(OtlpExporter { name: id.0.clone(), transport, retry: config.retry.clone(), stats: stats.clone() });
    if !config.queue.enabled {
        return Ok(Started { handle: ExporterHandle::direct(id, exporter, stats), tasks: Vec::new() });
    }
    let (handle, receiver) = queue(id, config.queue.queue_size, stats);
    let receiver = Arc::new(Mutex::new(receiver));
    let tasks = (0..config.queue.num_consumers.max(1))
        .map(|_| {
            let (receiver, exporter) = (receiver.clone(), exporter.clone());
            tokio::spawn(async move {
                loop {
                    // The lock is held only while waiting for the next batch.
                    let next = receiver.lock().await.recv().await;
                    let Some(queued) = next else { break };
                    // The batch's reservation is given back once it is exported.
                    exporter.export(queued.telemetry).await;
                }
            })
        })
        .collect();
    Ok(Started { handle, tasks })
}
