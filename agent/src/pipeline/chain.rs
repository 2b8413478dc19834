//! A chain: the processors between two batch processors (or a pipeline's ends), run in
//! order on one batch with one generation, and what comes after them.

use std::collections::HashMap;
use std::sync::Arc;

use ottl_runtime::otlp::Telemetry;
use tokio::sync::mpsc;

use ottl_pipeline::{Observer, run_chain};

use crate::budget::Reservation;
use crate::config::ComponentId;
use crate::exporters::ExporterHandle;
use crate::generation::{Generation, ProcessorError};
use crate::stats::{GenerationStats, Stats};

/// A batch, the generation whose processors run on it from the pipeline's first processor
/// to its last (a reload never makes one record meet two generations, also not across a
/// batch processor), and the share of the memory budget it holds until it is exported.
pub struct Batch {
    pub generation: Arc<Generation>,
    pub reservation: Reservation,
    pub telemetry: Telemetry,
}

/// What comes after a chain's processors.
pub enum Next {
    Exporters(Vec<ExporterHandle>),
    Batcher(mpsc::Sender<Batch>),
}

/// What a chain's processors made of a batch: what goes on down the pipeline, and what
/// `rules` processors routed to exporters.
pub struct Processed {
    pub telemetry: Telemetry,
    pub routed: Vec<(ComponentId, Telemetry)>,
}

/// Processors run in order on one batch, then the batch goes on.
pub struct Chain {
    pub pipeline: String,
    pub processors: Vec<ComponentId>,
    pub next: Next,
    /// Every exporter, for the routes of `rules` processors.
    pub exporters: Arc<HashMap<ComponentId, ExporterHandle>>,
    pub stats: Arc<Stats>,
    /// Whether what its processors do counts in their generation's counters: not in the
    /// self-operation loop's own pipelines, so that the loop judges a generation by the
    /// telemetry it serves, not by the loop's own data points (a few per interval, which
    /// would otherwise dilute a quiet agent's ratios).
    pub judged: bool,
}

impl Chain {
    /// Runs the processors on a batch from a batcher and passes the result on. A batch a
    /// processor fails (`error_mode: propagate`) is dropped and counted: it was
    /// acknowledged long ago, and there is nobody left to refuse it to.
    pub async fn push(self: Arc<Self>, Batch { generation, reservation, telemetry }: Batch) {
        if self.processors.is_empty() {
            return self.forward(&generation, &reservation, Processed { telemetry, routed: Vec::new() }).await;
        }
        let (chain, pinned) = (self.clone(), generation.clone());
        let items = telemetry.item_count() as u64;
        match tokio::task::spawn_blocking(move || chain.process(&pinned, telemetry)).await {
            Ok(Ok(processed)) => self.forward(&generation, &reservation, processed).await,
            Ok(Err(error)) => {
                self.stats.processor(&error.processor.0).dropped.add(items);
                if self.judged {
                    generation.stats.dropped.add(items);
                }
                tracing::error!(processor = %error.processor, pipeline = %self.pipeline, "batch dropped: {}", error.message);
            }
            Err(error) => tracing::error!(pipeline = %self.pipeline, %error, "a processor task failed"),
        }
    }

    /// Every processor of the chain, as `generation` compiled them.
    pub fn process(&self, generation: &Generation, telemetry: Telemetry) -> Result<Processed, ProcessorError> {
        let processors = self.processors.iter().filter_map(|id| generation.processors.get(id).map(|p| (id, p)));
        let generation = self.judged.then_some(&*generation.stats);
        let mut counting = Counting { stats: &self.stats, generation, items: 0, errors: 0, ran_on: 0 };
        let ran = run_chain(processors, telemetry, &mut counting)?;
        let routed = ran
            .routed
            .into_iter()
            .flat_map(|part| part.exporters.into_iter().map(move |exporter| (exporter, part.telemetry.clone())))
            .collect();
        Ok(Processed { telemetry: ran.telemetry, routed })
    }

    /// Sends routed parts to their exporters and the rest to the next batch processor
    /// (with the generation it ran on) or to the pipeline's exporters; each holds
    /// `reservation` until it is done with.
    pub async fn forward(&self, generation: &Arc<Generation>, reservation: &Reservation, processed: Processed) {
        let Processed { telemetry, routed } = processed;
        for (exporter, part) in routed {
            match self.exporters.get(&exporter) {
                Some(handle) => handle.send(part, reservation.clone()).await,
                None => tracing::error!(%exporter, "route to an exporter that does not run"),
            }
        }
        if telemetry.item_count() == 0 {
            return;
        }
        match &self.next {
            Next::Batcher(batcher) => {
                let batch = Batch { generation: generation.clone(), reservation: reservation.clone(), telemetry };
                if batcher.send(batch).await.is_err() {
                    tracing::error!(pipeline = %self.pipeline, "batch processor stopped; batch lost");
                }
            }
            Next::Exporters(exporters) => {
                // Each exporter but the last gets a copy; the last takes the batch itself.
                if let Some((last, others)) = exporters.split_last() {
                    for exporter in others {
                        exporter.send(telemetry.clone(), reservation.clone()).await;
                    }
                    last.send(telemetry, reservation.clone()).await;
                }
            }
        }
    }
}

/// The chain's counts, per processor and, when the chain is judged, per generation; and
/// its logs.
struct Counting<'a> {
    stats: &'a Stats,
    generation: Option<&'a GenerationStats>,
    /// The items and statement errors of the processor running, added to the generation
    /// together once it ran, so that the self-operation loop, reading them at any moment,
    /// does not see a batch half counted (its items, and only some of its errors).
    items: u64,
    errors: u64,
    /// The items of the processor that ran last: those a batch error fails.
    ran_on: u64,
}

impl Observer for Counting<'_> {
    fn items_in(&mut self, id: &ComponentId, items: u64) {
        self.stats.processor(&id.0).items_in.add(items);
        self.items = items;
    }

    fn statement_error(&mut self, id: &ComponentId, message: String) {
        self.stats.processor(&id.0).statement_errors.add(1);
        self.errors += 1;
        tracing::warn!(processor = %id, "{message}");
    }

    fn ran(&mut self, _id: &ComponentId) {
        let (items, errors) = (std::mem::take(&mut self.items), std::mem::take(&mut self.errors));
        self.ran_on = items;
        if let Some(generation) = self.generation {
            generation.items_in.add(items);
            generation.statement_errors.add(errors);
        }
    }

    fn batch_error(&mut self, id: &ComponentId) {
        self.stats.processor(&id.0).batch_errors.add(1);
        if let Some(generation) = self.generation {
            generation.batch_errors.add(1);
            generation.failed_items.add(self.ran_on);
        }
    }

    fn routed(&mut self, id: &ComponentId, items: u64) {
        self.stats.processor(&id.0).routed.add(items);
    }

    fn dropped(&mut self, id: &ComponentId, items: u64) {
        self.stats.processor(&id.0).dropped.add(items);
        if let Some(generation) = self.generation {
            generation.dropped.add(items);
        }
    }

    fn unroutable(&mut self, id: &ComponentId, route: &str) {
        tracing::warn!(processor = %id, route, "routed profiles without a route's exporters are dropped");
    }
}
