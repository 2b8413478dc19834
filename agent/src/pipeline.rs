//! The data path: receivers submit batches, processors run on worker threads, exporters'
//! queues take the results.
//!
//! A pipeline's processor list is cut at each `batch` processor into chains: a chain runs
//! its processors on a batch (one generation for the whole batch) and hands the result to
//! the next batcher, or to the exporters. The chain before a pipeline's first batch
//! processor runs before the request is acknowledged, as in the collector, so that a
//! processor's `propagate` error reaches the client. Memory is bounded twice: by a budget of bytes in
//! flight that receivers reserve before they acknowledge (full: they push back), and by the
//! exporters' bounded queues, which make the chains wait.

use std::collections::HashMap;
use std::sync::Arc;

use ottl_runtime::otlp::Telemetry;
use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinHandle;

use crate::batching::{append, count_items, split_off_front};
use crate::config::{BatchConfig, ComponentId, Config};
use crate::exporters::ExporterHandle;
use crate::generation::{CompiledProcessor, CurrentGeneration, ProcessorError};
use crate::stats::Stats;
use ottl_runtime::otlp::Signal;

/// What comes after a chain's processors.
enum Next {
    Exporters(Vec<ExporterHandle>),
    Batcher(mpsc::Sender<Telemetry>),
}

/// What a chain's processors made of a batch: what goes on down the pipeline, and what
/// `rules` processors routed to exporters.
struct Processed {
    telemetry: Telemetry,
    routed: Vec<(ComponentId, Telemetry)>,
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
    /// Runs the processors on a batch from a batcher and passes the result on. A batch a
    /// processor fails (`error_mode: propagate`) is dropped and counted: it was
    /// acknowledged long ago, and there is nobody left to refuse it to.
    async fn push(self: Arc<Self>, telemetry: Telemetry) {
        if self.processors.is_empty() {
            return self.forward(Processed { telemetry, routed: Vec::new() }).await;
        }
        let chain = self.clone();
        let items = count_items(&telemetry) as u64;
        match tokio::task::spawn_blocking(move || chain.process(telemetry)).await {
            Ok(Ok(processed)) => self.forward(processed).await,
            Ok(Err(error)) => {
                self.stats.processor(&error.processor.0).dropped.add(items);
                tracing::error!(processor = %error.processor, pipeline = %self.pipeline, "batch dropped: {}", error.message);
            }
            Err(error) => tracing::error!(pipeline = %self.pipeline, %error, "a processor task failed"),
        }
    }

    /// Every processor of the chain, with the generation current when the batch starts.
    fn process(&self, mut telemetry: Telemetry) -> Result<Processed, ProcessorError> {
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
            let processed = processor.process(id, telemetry, &mut warn).inspect_err(|_| stats.batch_errors.add(1))?;
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
        Ok(Processed { telemetry, routed })
    }

    async fn forward(&self, Processed { telemetry, routed }: Processed) {
        for (exporter, part) in routed {
            match self.exporters.get(&exporter) {
                Some(handle) => handle.send(part).await,
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
                        exporter.send(telemetry.clone()).await;
                    }
                    last.send(telemetry).await;
                }
            }
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

/// Why a receiver could not hand a batch over. Nothing of a refused request was queued,
/// so the client may send it again without duplicating anything.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Too much data in flight: the client should retry later.
    Full,
    /// The agent is shutting down.
    Stopping,
    /// A processor with `error_mode: propagate` failed on the request. The collector
    /// answers the same way: its processors run before the request is acknowledged, and
    /// their error is not permanent.
    Failed(String),
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
    /// signal. Refuses at once when the budget of bytes in flight is spent. Otherwise the
    /// processors before each pipeline's first batch processor run on it, and it returns
    /// once every pipeline took the result: the receiver may then acknowledge it.
    ///
    /// All or nothing: when a processor fails the request in one pipeline, no pipeline
    /// queues anything, so the client's retry duplicates nothing (the collector's fan-out
    /// would already have passed the request to the pipelines before the failing one).
    pub async fn submit(&self, receiver: &ComponentId, telemetry: Telemetry, bytes: usize) -> Result<(), Refusal> {
        let Some(chains) = self.entries.get(&(receiver.clone(), telemetry.signal())) else { return Ok(()) };
        let units = bytes.div_ceil(BUDGET_UNIT).clamp(1, self.budget_bytes / BUDGET_UNIT).max(1);
        let permit = match self.budget.clone().try_acquire_many_owned(units as u32) {
            Ok(permit) => Arc::new(permit),
            Err(tokio::sync::TryAcquireError::NoPermits) => return Err(Refusal::Full),
            Err(tokio::sync::TryAcquireError::Closed) => return Err(Refusal::Stopping),
        };
        for (chain, processed) in chains.iter().zip(process_all(chains, telemetry).await?) {
            let (chain, permit) = (chain.clone(), permit.clone());
            tokio::spawn(async move {
                chain.forward(processed).await;
                drop(permit);
            });
        }
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

/// Each chain's processors on its own copy of `telemetry`, off the async threads when any
/// chain has processors; the first failure refuses the request.
async fn process_all(chains: &[Arc<Chain>], telemetry: Telemetry) -> Result<Vec<Processed>, Refusal> {
    let copies = copies(telemetry, chains.len());
    if chains.iter().all(|chain| chain.processors.is_empty()) {
        return Ok(copies.into_iter().map(|telemetry| Processed { telemetry, routed: Vec::new() }).collect());
    }
    let chains = chains.to_vec();
    let processed = tokio::task::spawn_blocking(move || {
        chains.iter().zip(copies).map(|(chain, telemetry)| chain.process(telemetry)).collect::<Result<Vec<_>, _>>()
    })
    .await;
    match processed {
        Ok(Ok(processed)) => Ok(processed),
        Ok(Err(error)) => {
            tracing::warn!(processor = %error.processor, "request refused: {}", error.message);
            Err(Refusal::Failed(format!("{}: {}", error.processor, error.message)))
        }
        Err(error) => Err(Refusal::Failed(format!("a processor task failed: {error}"))),
    }
}

/// `count` copies of a batch: clones for all but the last, which takes the batch itself.
fn copies(telemetry: Telemetry, count: usize) -> Vec<Telemetry> {
    let mut copies: Vec<Telemetry> = (1..count).map(|_| telemetry.clone()).collect();
    copies.push(telemetry);
    copies
}
