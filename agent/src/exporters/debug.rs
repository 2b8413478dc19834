//! The `debug` exporter: what arrives, on standard error, as the collector's prints it.
//!
//! `basic` prints one line per batch with its counts; `normal` and `detailed` add the
//! batch itself as OTLP/JSON (the collector's `normal` is a one-line-per-item text form;
//! JSON carries the same fields and is what the rest of this project reads).

use std::io::Write;
use std::sync::Arc;

use ottl_runtime::otlp::Telemetry;

use super::{Started, queue};
use crate::config::{ComponentId, Verbosity};
use crate::stats::Stats;

pub(super) fn start(id: &ComponentId, verbosity: Verbosity, stats: Arc<Stats>) -> Started {
    let (handle, mut receiver) = queue(id, 64, stats.exporter(&id.0));
    let name = id.0.clone();
    let task = tokio::spawn(async move {
        while let Some(queued) = receiver.recv().await {
            let telemetry = &queued.telemetry;
            let items = telemetry.item_count();
            let mut line = summary(&name, telemetry, items);
            if verbosity != Verbosity::Basic {
                line.push('\n');
                let mut json = Vec::new();
                // Writing to a `Vec` cannot fail, and what is written is UTF-8.
                let _ = telemetry.write_json(&mut json);
                line.push_str(&String::from_utf8_lossy(&json));
            }
            // Standard error is the debug exporter's output; a closed one loses nothing else.
            let _ = writeln!(std::io::stderr().lock(), "{line}");
            stats.exporter(&name).sent.add(items as u64);
        }
    });
    Started { handle, tasks: vec![task] }
}

/// `debug  logs  {"resources": 1, "items": 3}`, in the collector's words per signal.
fn summary(name: &str, telemetry: &Telemetry, items: usize) -> String {
    let (resources, item_name) = match telemetry {
        Telemetry::Traces(data) => (data.resource_spans.len(), "spans"),
        Telemetry::Metrics(data) => (data.resource_metrics.len(), "data points"),
        Telemetry::Logs(data) => (data.resource_logs.len(), "log records"),
        Telemetry::Profiles(data) => (data.resource_profiles.len(), "profiles"),
    };
    let signal = telemetry.signal().name();
    format!("{name}\t{signal}\t{{\"resources\": {resources}, \"{item_name}\": {items}}}")
}
