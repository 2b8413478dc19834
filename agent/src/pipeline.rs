//! The data path: receivers submit batches, processors run on worker threads, exporters'
//! queues take the results.
//!
//! A pipeline's processor list is cut at each `batch` processor into chains: a chain runs
//! its processors on a batch (one generation for the whole batch) and hands the result to
//! the next batcher, or to the exporters. Memory is bounded twice: by a budget of bytes in
//! flight that receivers reserve before they acknowledge (full: they push back), and by the
//! exporters' bounded queues, which make the chains wait.

use std::collections::HashMap;
use std::sync::Arc;

use ottl_runtime::otlp::Telemetry;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc};
use tokio::task::JoinHandle;

use crate::batching::{append, count_items, split_off_front};
use crate::config::{BatchConfig, ComponentId, Config};
use crate::exporters::ExporterHandle;
use crate::generation::{CompiledProcessor, CurrentGeneration};
use crate::stats::Stats;
use ottl_runtime::otlp::Signal;

/// What comes after a chain's processors.
enum Next {
    Exporters(Vec<ExporterHandle>),
    Batcher(mpsc::Sender<Telemetry>),
}

/// Processors run in order on one batch, then the batch goes on.
pub struct Chain {
    pipeline: String,
    processors: Vec<ComponentId>,
    next: Next,
    /// Every exporter, for the routes of `rules` processors.
    exporters: Arc<HashMap<ComponentId, ExporterHandle>>,
    generation: CurrentGeneration,
    stats: Arc<Stats>,
}

impl Chain {
    /// Runs the processors on `telemetry` and passes the result on.
    pub async fn push(self: Arc<Self>, telemetry: Telemetry) {
        if self.processors.is_empty() {
            return self.forward(telemetry, Vec::new()).await;
        }
        let chain = self.clone();
        let processed = tokio::task::spawn_blocking(move || chain.process(telemetry)).await;
        match processed {
            Ok(Some((telemetry, routed))) => self.forward(telemetry, routed).await,
            Ok(None) => {}
            Err(error) => tracing::error!(pipeline = %self.pipeline, %error, "a processor task failed"),
        }
    }

    /// Every processor of the chain, with the generation current when the batch starts.
    fn process(&self, mut telemetry: Telemetry) -> Option<(Telemetry, Vec<(ComponentId, Telemetry)>)> {
        let generation = self.generation.load_full();
        let mut routed = Vec::new();
        for id in &self.processors {
            let Some(processor) = generation.processors.get(id) else { continue };
            let stats = self.stats.processor(&id.0);
            let before = count_items(&telemetry) as u64;
            stats.items_in.add(before);
            let mut warn = |message: String| {
                stats.statement_errors.add(1);
                tracing::warn!(processor = %id, "{message}");
            };
            let processed = match processor.process(id, telemetry, &mut warn) {
                Ok(processed) => processed,
                Err(error) => {
                    stats.batch_errors.add(1);
                    stats.dropped.add(before);
                    tracing::error!(processor = %error.processor, pipeline = %self.pipeline, "batch dropped: {}", error.message);
                    return None;
                }
            };
            telemetry = processed.telemetry;
            let mut left = count_items(&telemetry) as u64;
            if let CompiledProcessor::Rules { routes, .. } = processor {
                for (route, part) in processed.routed {
                    let items = count_items(&part) as u64;
                    left += items;
                    match routes.get(&route) {
                        Some(exporters) => {
                            stats.routed.add(items);
                            left -= items;
                            routed.extend(exporters.iter().map(|exporter| (exporter.clone(), part.clone())));
                        }
                        // A route with no exporters continues down the pipeline.
                        None => {
                            if let Some(part) = append(&mut telemetry, part) {
                                tracing::warn!(processor = %id, route, "routed profiles without a route's exporters are dropped");
                                left -= count_items(&part) as u64;
                            }
                        }
                    }
                }
            }
            stats.dropped.add(before.saturating_sub(left));
        }
        Some((telemetry, routed))
    }

    async fn forward(&self, telemetry: Telemetry, routed: Vec<(ComponentId, Telemetry)>) {
        for (exporter, part) in routed {
            match self.exporters.get(&exporter) {
                Some(handle) => self.send(handle, part).await,
                None => tracing::error!(%exporter, "route to an exporter that does not run"),
            }
        }
        if count_items(&telemetry) == 0 {
            return;
        }
        match &self.next {
            Next::Batcher(batcher) => {
                if batcher.send(telemetry).await.is_err() {
                    tracing::error!(pipeline = %self.pipeline, "batch processor stopped; batch lost");
                }
            }
            Next::Exporters(exporters) => {
                // Each exporter but the last gets a copy; the last takes the batch itself.
                if let Some((last, others)) = exporters.split_last() {
                    for exporter in others {
                        self.send(exporter, telemetry.clone()).await;
                    }
                    self.send(last, telemetry).await;
                }
            }
        }
    }

    async fn send(&self, exporter: &ExporterHandle, telemetry: Telemetry) {
        if let Err(lost) = exporter.send(telemetry).await {
            self.stats.exporter(&exporter.id.0).failed.add(count_items(&lost) as u64);
        }
    }
}

/// The batch processor: gathers batches until `send_batch_size` items or `timeout`, then
/// sends them on in pieces of at most `send_batch_max_size`. Ends, flushing what it holds,
/// when its input closes.
fn start_batcher(config: BatchConfig, mut input: mpsc::Receiver<Telemetry>, downstream: Arc<Chain>) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut pending: Option<Telemetry> = None;
        let mut deadline = None;
        loop {
            let timeout = async {
                match deadline {
                    Some(deadline) => tokio::time::sleep_until(deadline).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                received = input.recv() => match received {
                    Some(telemetry) => {
                        match &mut pending {
                            None => {
                                pending = Some(telemetry);
                                deadline = Some(tokio::time::Instant::now() + config.timeout);
                            }
                            Some(held) => {
                                if let Some(unmerged) = append(held, telemetry) {
                                    downstream.clone().push(unmerged).await;
                                }
                            }
                        }
                        while pending.as_ref().is_some_and(|held| count_items(held) >= config.send_batch_size) {
                            if let Some(held) = pending.as_mut() {
                                let size = if config.send_batch_max_size > 0 { config.send_batch_max_size } else { usize::MAX };
                                let front = split_off_front(held, size);
                                downstream.clone().push(front).await;
                            }
                            if pending.as_ref().is_some_and(|held| count_items(held) == 0) {
                                pending = None;
                                deadline = None;
                            }
                        }
                    }
                    None => break,
                },
                () = timeout => {
                    deadline = None;
                    if let Some(held) = pending.take() {
                        flush(held, &config, &downstream).await;
                    }
                }
            }
        }
        if let Some(held) = pending.take() {
            flush(held, &config, &downstream).await;
        }
    })
}

/// Sends everything held, in pieces of at most `send_batch_max_size`.
async fn flush(mut held: Telemetry, config: &BatchConfig, downstream: &Arc<Chain>) {
    let size = if config.send_batch_max_size > 0 { config.send_batch_max_size } else { usize::MAX };
    while count_items(&held) > 0 {
        let front = split_off_front(&mut held, size);
        downstream.clone().push(front).await;
    }
}

/// Why a receiver could not hand a batch over.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Too much data in flight: the client should retry later.
    Full,
    /// The agent is shutting down.
    Stopping,
}

/// Every pipeline, by the receivers that feed it.
pub struct Pipelines {
    entries: HashMap<(ComponentId, Signal), Vec<Arc<Chain>>>,
    /// Bytes in flight between receivers and exporter queues.
    budget: Arc<Semaphore>,
    budget_bytes: usize,
    /// The batchers, awaited at shutdown after the receivers stop.
    batchers: Vec<JoinHandle<()>>,
}

/// Receivers account bytes in KiB units of the budget semaphore.
const BUDGET_UNIT: usize = 1024;

impl Pipelines {
    /// Builds every pipeline of `config` over running exporters.
    pub fn build(
        config: &Config,
        exporters: Arc<HashMap<ComponentId, ExporterHandle>>,
        generation: CurrentGeneration,
        stats: Arc<Stats>,
        budget_bytes: usize,
    ) -> Pipelines {
        let mut entries: HashMap<(ComponentId, Signal), Vec<Arc<Chain>>> = HashMap::new();
        let mut batchers = Vec::new();
        for pipeline in &config.pipelines {
            // Cut the processor list at its batch processors, building from the end.
            let mut segments: Vec<(Vec<ComponentId>, Option<BatchConfig>)> = vec![(Vec::new(), None)];
            for id in &pipeline.processors {
                match config.processors.get(id) {
                    Some(crate::config::ProcessorConfig::Batch(batch)) => segments.push((Vec::new(), Some(batch.clone()))),
                    _ => segments.last_mut().map_or((), |segment| segment.0.push(id.clone())),
                }
            }
            let handles = pipeline.exporters.iter().filter_map(|id| exporters.get(id).cloned()).collect();
            let mut next = Next::Exporters(handles);
            for (processors, batch) in segments.into_iter().rev() {
                let chain = Arc::new(Chain {
                    pipeline: pipeline.id.clone(),
                    processors,
                    next,
                    exporters: exporters.clone(),
                    generation: generation.clone(),
                    stats: stats.clone(),
                });
                next = match batch {
                    Some(batch) => {
                        let (sender, receiver) = mpsc::channel(16);
                        batchers.push(start_batcher(batch, receiver, chain));
                        Next::Batcher(sender)
                    }
                    None => {
                        for receiver in &pipeline.receivers {
                            entries.entry((receiver.clone(), pipeline.signal)).or_default().push(chain.clone());
                        }
                        break;
                    }
                };
            }
        }
        let units = (budget_bytes / BUDGET_UNIT).max(1);
        Pipelines { entries, budget: Arc::new(Semaphore::new(units)), budget_bytes, batchers }
    }

    /// Hands a batch of `bytes` encoded bytes to every pipeline `receiver` feeds for its
    /// signal. Returns once the batch is accepted (the receiver may then acknowledge it);
    /// refuses at once when the budget of bytes in flight is spent.
    pub fn submit(&self, receiver: &ComponentId, telemetry: Telemetry, bytes: usize) -> Result<(), Refusal> {
        let Some(chains) = self.entries.get(&(receiver.clone(), telemetry.signal())) else { return Ok(()) };
        let units = bytes.div_ceil(BUDGET_UNIT).clamp(1, self.budget_bytes / BUDGET_UNIT).max(1);
        let permit = match self.budget.clone().try_acquire_many_owned(units as u32) {
            Ok(permit) => permit,
            Err(tokio::sync::TryAcquireError::NoPermits) => return Err(Refusal::Full),
            Err(tokio::sync::TryAcquireError::Closed) => return Err(Refusal::Stopping),
        };
        let permit = Arc::new(permit);
        let Some((last, others)) = chains.split_last() else { return Ok(()) };
        for chain in others {
            spawn_push(chain.clone(), telemetry.clone(), permit.clone());
        }
        spawn_push(last.clone(), telemetry, permit);
        Ok(())
    }

    /// Stops taking data and waits until every batch in flight has reached an exporter
    /// queue, and every batcher has flushed.
    pub async fn drain(self) {
        let units = (self.budget_bytes / BUDGET_UNIT).max(1) as u32;
        // Every permit back means nothing is in flight any more.
        let _all = self.budget.acquire_many(units).await;
        self.budget.close();
        drop(self.entries);
        for batcher in self.batchers {
            let _ = batcher.await;
        }
    }
}

fn spawn_push(chain: Arc<Chain>, telemetry: Telemetry, permit: Arc<OwnedSemaphorePermit>) {
    tokio::spawn(async move {
        chain.push(telemetry).await;
        drop(permit);
    });
}
