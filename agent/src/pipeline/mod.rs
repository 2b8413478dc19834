//! The data path: receivers submit batches, processors run on worker threads, exporters'
//! queues take the results.
//!
//! A pipeline's processor list is cut at each `batch` processor into chains: a chain runs
//! its processors on a batch (one generation for the whole batch, from the first chain to
//! the last) and hands the result to
//! the next batcher, or to the exporters. The chain before a pipeline's first batch
//! processor runs before the request is acknowledged, as in the collector, so that a
//! processor's `propagate` error reaches the client. Memory is bounded by the budget
//! (`crate::budget`): receivers reserve a request's bytes before they acknowledge it (full:
//! they push back), and the data holds them until it is exported.

mod batcher;
mod chain;

use std::collections::HashMap;
use std::sync::Arc;

use ottl_runtime::otlp::{Signal, Telemetry};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::budget::{Budget, Exhausted};
use crate::config::{BatchConfig, ComponentId, Config, ProcessorConfig};
use crate::exporters::ExporterHandle;
use crate::generation::{CurrentGeneration, Generation};
use crate::memory_limiter::MemoryLimiter;
use crate::stats::Stats;
use batcher::start_batcher;
use chain::{Chain, Next, Processed};

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

/// Where a receiver's data of one signal goes: the first chain of each pipeline, and the
/// memory limiters of those pipelines.
#[derive(Default)]
struct Entry {
    chains: Vec<Arc<Chain>>,
    /// Every `memory_limiter` of the pipelines, wherever it stands in the processor list:
    /// applied at the door, it refuses data instead of dropping what a batch processor
    /// already acknowledged.
    limiters: Vec<Arc<MemoryLimiter>>,
}

/// Every pipeline, by the receivers that feed it.
pub struct Pipelines {
    entries: HashMap<(ComponentId, Signal), Entry>,
    /// The rules; each request runs on the generation current when it arrives.
    generation: CurrentGeneration,
    /// Bytes held from acceptance until export.
    budget: Budget,
    /// The batchers, awaited at shutdown after the receivers stop.
    batchers: Vec<JoinHandle<()>>,
}

impl Pipelines {
    /// Builds every pipeline of `config` over running exporters.
    pub fn build(
        config: &Config,
        exporters: Arc<HashMap<ComponentId, ExporterHandle>>,
        generation: CurrentGeneration,
        stats: Arc<Stats>,
        budget_bytes: usize,
    ) -> Pipelines {
        let mut entries: HashMap<(ComponentId, Signal), Entry> = HashMap::new();
        let mut batchers = Vec::new();
        // One limiter per component, shared by the pipelines that list it.
        let mut limiters: HashMap<ComponentId, Arc<MemoryLimiter>> = HashMap::new();
        for pipeline in &config.pipelines {
            // Cut the processor list at its batch processors, building from the end.
            let mut segments: Vec<(Vec<ComponentId>, Option<BatchConfig>)> = vec![(Vec::new(), None)];
            let mut pipeline_limiters = Vec::new();
            for id in &pipeline.processors {
                match config.processors.get(id) {
                    Some(ProcessorConfig::Batch(batch)) => segments.push((Vec::new(), Some(batch.clone()))),
                    Some(ProcessorConfig::MemoryLimiter(limiter)) => pipeline_limiters
                        .push(limiters.entry(id.clone()).or_insert_with(|| MemoryLimiter::start(id, limiter)).clone()),
                    _ => segments.last_mut().map_or((), |segment| segment.0.push(id.clone())),
                }
            }
            let handles = pipeline.exporters.iter().filter_map(|id| exporters.get(id).cloned()).collect();
            let mut next = Next::Exporters(handles);
            let judged = !config.is_self_operation(pipeline);
            for (processors, batch) in segments.into_iter().rev() {
                let chain = Arc::new(Chain {
                    pipeline: pipeline.id.clone(),
                    processors,
                    next,
                    exporters: exporters.clone(),
                    stats: stats.clone(),
                    judged,
                });
                next = match batch {
                    Some(batch) => {
                        let (sender, receiver) = mpsc::channel(16);
                        batchers.push(start_batcher(batch, receiver, chain));
                        Next::Batcher(sender)
                    }
                    None => {
                        for receiver in &pipeline.receivers {
                            let entry = entries.entry((receiver.clone(), pipeline.signal)).or_default();
                            entry.chains.push(chain.clone());
                            entry.limiters.extend(pipeline_limiters.iter().cloned());
                        }
                        break;
                    }
                };
            }
        }
        Pipelines { entries, generation, budget: Budget::new(budget_bytes), batchers }
    }

    /// Hands a batch of `bytes` encoded bytes to every pipeline `receiver` feeds for its
    /// signal. Refuses at once when a memory limiter of those pipelines is above its soft
    /// limit, or when the budget of bytes in flight is spent. Otherwise the
    /// processors before each pipeline's first batch processor run on it, and it returns
    /// once every pipeline took the result: the receiver may then acknowledge it.
    ///
    /// All or nothing: when a processor fails the request in one pipeline, no pipeline
    /// queues anything, so the client's retry duplicates nothing (the collector's fan-out
    /// would already have passed the request to the pipelines before the failing one).
    pub async fn submit(&self, receiver: &ComponentId, telemetry: Telemetry, bytes: usize) -> Result<(), Refusal> {
        let Some(Entry { chains, limiters }) = self.entries.get(&(receiver.clone(), telemetry.signal())) else { return Ok(()) };
        if limiters.iter().any(|limiter| limiter.refuses()) {
            return Err(Refusal::Full);
        }
        let reservation = self.budget.try_reserve(bytes).map_err(|exhausted| match exhausted {
            Exhausted::Full => Refusal::Full,
            Exhausted::Closed => Refusal::Stopping,
        })?;
        let generation = self.generation.load_full();
        for (chain, processed) in chains.iter().zip(process_all(chains, &generation, telemetry).await?) {
            let (chain, generation, reservation) = (chain.clone(), generation.clone(), reservation.clone());
            tokio::spawn(async move { chain.forward(&generation, &reservation, processed).await });
        }
        Ok(())
    }

    /// Stops taking data and waits until everything accepted has been exported (or given
    /// up on): the batch processors flush, then every reservation comes back.
    pub async fn drain(self) {
        // Closing the chains' inputs ends each batcher once it has flushed.
        drop(self.entries);
        for batcher in self.batchers {
            let _ = batcher.await;
        }
        self.budget.wait_until_returned().await;
    }
}

/// Each chain's processors on its own copy of `telemetry`, off the async threads when any
/// chain has processors; the first failure refuses the request.
async fn process_all(
    chains: &[Arc<Chain>],
    generation: &Arc<Generation>,
    telemetry: Telemetry,
) -> Result<Vec<Processed>, Refusal> {
    let copies = copies(telemetry, chains.len());
    if chains.iter().all(|chain| chain.processors.is_empty()) {
        return Ok(copies.into_iter().map(|telemetry| Processed { telemetry, routed: Vec::new() }).collect());
    }
    let (chains, generation) = (chains.to_vec(), generation.clone());
    let processed = tokio::task::spawn_blocking(move || {
        chains.iter().zip(copies).map(|(chain, telemetry)| chain.process(&generation, telemetry)).collect::<Result<Vec<_>, _>>()
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

#[cfg(test)]
mod tests {
    use arc_swap::ArcSwap;

    use super::*;
    use crate::config::load_valid;
    use crate::exporters;
    use crate::generation::Backend;

    /// A pipeline with a transform on each side of a one-hour batch, each stamping `marker`
    /// on the records, into a file.
    fn config(marker: &str, out: &std::path::Path) -> Config {
        let yaml = format!(
            r#"
receivers:
  otlp:
    protocols:
      http:
processors:
  transform/before:
    log_statements:
      - set(log.attributes["before"], "{marker}")
  batch:
    timeout: 1h
  transform/after:
    log_statements:
      - set(log.attributes["after"], "{marker}")
exporters:
  file:
    path: {}
service:
  pipelines:
    logs:
      receivers: [otlp]
      processors: [transform/before, batch, transform/after]
      exporters: [file]
"#,
            out.display()
        );
        load_valid(&yaml)
    }

    fn record(body: &str) -> Telemetry {
        Telemetry::from_json(&format!(
            r#"{{"resourceLogs":[{{"scopeLogs":[{{"logRecords":[{{"body":{{"stringValue":"{body}"}}}}]}}]}}]}}"#
        ))
        .unwrap()
    }

    /// (body, before, after) of every record in the file exporter's output.
    fn stamps(out: &std::path::Path) -> Vec<(String, String, String)> {
        let text = std::fs::read_to_string(out).unwrap();
        let mut found = Vec::new();
        for line in text.lines() {
            let json: serde_json::Value = serde_json::from_str(line).unwrap();
            for record in json["resourceLogs"][0]["scopeLogs"][0]["logRecords"].as_array().unwrap() {
                let attribute = |key: &str| {
                    let attributes = record["attributes"].as_array().unwrap();
                    let found = attributes.iter().find(|kv| kv["key"] == key).unwrap();
                    found["value"]["stringValue"].as_str().unwrap().to_string()
                };
                let body = record["body"]["stringValue"].as_str().unwrap().to_string();
                found.push((body, attribute("before"), attribute("after")));
            }
        }
        found
    }

    use crate::self_operation::actions::Handles;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_reload_never_gives_one_record_two_generations_across_a_batch_processor() {
        let out = std::env::temp_dir().join(format!("ottl-agent-pipeline-{}.json", std::process::id()));
        let _ = std::fs::remove_file(&out);
        let (first, second) = (config("A", &out), config("B", &out));
        let stats = Arc::new(Stats::default());
        let generation: CurrentGeneration =
            Arc::new(ArcSwap::from_pointee(Generation::compile(&first, Backend::Jit, &Default::default()).unwrap()));
        let exporter_id = ComponentId("file".into());
        let loop_handles = Handles::for_tests(&first, generation.clone(), stats.clone());
        let started = exporters::start(&exporter_id, &first.exporters[&exporter_id], stats.clone(), &loop_handles).unwrap();
        let handles = Arc::new(HashMap::from([(exporter_id, started.handle)]));
        let pipelines = Pipelines::build(&first, handles, generation.clone(), stats, 1 << 20);
        let receiver = ComponentId("otlp".into());

        pipelines.submit(&receiver, record("early"), 100).await.unwrap();
        generation.store(Arc::new(Generation::compile(&second, Backend::Jit, &Default::default()).unwrap()));
        pipelines.submit(&receiver, record("late"), 100).await.unwrap();
        // The one-hour batch holds both until the drain flushes it.
        pipelines.drain().await;
        for task in started.tasks {
            task.await.unwrap();
        }
        let mut found = stamps(&out);
        found.sort();
        let _ = std::fs::remove_file(&out);
        let stamp = |body: &str, marker: &str| (body.to_string(), marker.to_string(), marker.to_string());
        assert_eq!(found, [stamp("early", "A"), stamp("late", "B")]);
    }
}
