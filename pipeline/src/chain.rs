//! A pipeline's processors run in order on one batch: what each drops is gone, what a
//! `rules` processor routes to a route with exporters leaves the pipeline, and what it
//! routes to a route without exporters goes on down the pipeline.

use ottl_runtime::otlp::Telemetry;

use crate::config::ComponentId;
use crate::processor::{CompiledProcessor, ProcessorError};

/// What happens in a chain, per processor: the agent counts and logs it; a test run
/// keeps the statement errors.
pub trait Observer {
    /// `items` arrive at processor `id`.
    fn items_in(&mut self, _id: &ComponentId, _items: u64) {}
    /// A statement failed under `ignore` (the collector logs it and goes on).
    fn statement_error(&mut self, _id: &ComponentId, _message: String) {}
    /// The processor ran on the batch, or failed it: what it did is complete (every
    /// statement error reported).
    fn ran(&mut self, _id: &ComponentId) {}
    /// The processor failed the batch (`propagate`).
    fn batch_error(&mut self, _id: &ComponentId) {}
    /// `items` left the pipeline by a route with exporters.
    fn routed(&mut self, _id: &ComponentId, _items: u64) {}
    /// `items` no longer go on down the pipeline: dropped, or routed away.
    fn dropped(&mut self, _id: &ComponentId, _items: u64) {}
    /// Profiles routed to a route without exporters cannot rejoin the batch: dropped.
    fn unroutable(&mut self, _id: &ComponentId, _route: &str) {}
}

/// Items a `rules` processor routed to a route with exporters.
pub struct Routed {
    pub processor: ComponentId,
    pub route: String,
    pub exporters: Vec<ComponentId>,
    pub telemetry: Telemetry,
}

/// What a chain made of a batch: what goes on down the pipeline, and what left it by
/// routes.
pub struct Ran {
    pub telemetry: Telemetry,
    pub routed: Vec<Routed>,
}

/// Runs `processors` in order on `telemetry`. Fails on the first processor that fails the
/// batch; the batch is then lost, as in the collector.
pub fn run_chain<'a>(
    processors: impl IntoIterator<Item = (&'a ComponentId, &'a CompiledProcessor)>,
    mut telemetry: Telemetry,
    observer: &mut dyn Observer,
) -> Result<Ran, ProcessorError> {
    let mut routed = Vec::new();
    for (id, processor) in processors {
        let before = telemetry.item_count() as u64;
        observer.items_in(id, before);
        let processed = processor.process(id, telemetry, &mut |message| observer.statement_error(id, message));
        observer.ran(id);
        let processed = processed.inspect_err(|_| observer.batch_error(id))?;
        telemetry = processed.telemetry;
        let mut left = telemetry.item_count() as u64;
        if let CompiledProcessor::Rules { routes, .. } = processor {
            for (route, part) in processed.routed {
                let items = part.item_count() as u64;
                match routes.get(&route) {
                    Some(exporters) => {
                        observer.routed(id, items);
                        let exporters = exporters.clone();
                        routed.push(Routed { processor: id.clone(), route, exporters, telemetry: part });
                    }
                    // A route with no exporters continues down the pipeline.
                    None => match append(&mut telemetry, part) {
                        None => left += items,
                        Some(_) => observer.unroutable(id, &route),
                    },
                }
            }
        }
        // Counted as the agent always has: whatever no longer goes on down the pipeline.
        observer.dropped(id, before.saturating_sub(left));
    }
    Ok(Ran { telemetry, routed })
}

/// Appends `more` to `into`; both are of one signal (a pipeline's). Gives `more` back when
/// it cannot be merged: profile payloads each carry a dictionary, and merging dictionaries
/// would renumber every reference, so they are passed on one by one.
pub fn append(into: &mut Telemetry, more: Telemetry) -> Option<Telemetry> {
    match (into, more) {
        (Telemetry::Traces(a), Telemetry::Traces(b)) => a.resource_spans.extend(b.resource_spans),
        (Telemetry::Logs(a), Telemetry::Logs(b)) => a.resource_logs.extend(b.resource_logs),
        (Telemetry::Metrics(a), Telemetry::Metrics(b)) => a.resource_metrics.extend(b.resource_metrics),
        (_, more) => return Some(more),
    }
    None
}
