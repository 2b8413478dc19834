//! The `agent_telemetry` receiver: every interval, the agent's signals into its metrics
//! pipelines and the loop's new events into its logs pipelines. Best effort: what the
//! pipelines refuse (the agent is full) is skipped, and the next interval measures again.

use std::sync::Arc;

use ottl_runtime::otlp::{Signal, Telemetry};
use prost::Message;
use tokio::sync::{broadcast, watch};
use tokio::task::JoinHandle;

use super::events::{self, Event, Events};
use super::signals::Sensor;
use crate::config::{AgentTelemetryConfig, ComponentId};
use crate::generation::CurrentGeneration;
use crate::receivers::Intake;
use crate::stats::Stats;

/// What the receiver needs of the agent.
pub struct Sources {
    pub stats: Arc<Stats>,
    pub generation: CurrentGeneration,
    pub events: Events,
}

/// Starts receiver `id`, which feeds the pipelines of `signals` (metrics, logs or both).
pub fn start(
    id: &ComponentId,
    config: &AgentTelemetryConfig,
    signals: &[Signal],
    intake: Intake,
    sources: Sources,
    mut stopping: watch::Receiver<bool>,
) -> JoinHandle<()> {
    let id = id.clone();
    let metrics = signals.contains(&Signal::Metrics);
    let mut events = signals.contains(&Signal::Logs).then(|| sources.events.subscribe());
    let mut sensor = Sensor::new(&sources.stats);
    let mut tick = tokio::time::interval(config.interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tokio::spawn(async move {
        // The first tick is at once: nothing has been measured yet.
        tick.tick().await;
        loop {
            let stop = tokio::select! {
                _ = tick.tick() => false,
                _ = stopping.changed() => true,
            };
            if metrics && !stop {
                let data = sensor.measure(&sources.stats, &sources.generation.load());
                submit(&id, &intake, Telemetry::Metrics(data)).await;
            }
            if let Some(receiver) = &mut events {
                let new = take_new(&id, receiver);
                if !new.is_empty() {
                    submit(&id, &intake, Telemetry::Logs(events::logs(&new))).await;
                }
            }
            if stop {
                return;
            }
        }
    })
}

async fn submit(id: &ComponentId, intake: &Intake, telemetry: Telemetry) {
    let bytes = match &telemetry {
        Telemetry::Metrics(data) => data.encoded_len(),
        Telemetry::Logs(data) => data.encoded_len(),
        _ => 0,
    };
    if let Err(refusal) = intake.submit(telemetry, bytes).await {
        tracing::debug!("{id}: the agent's telemetry was not taken: {}", refusal.message());
    }
}

/// The events told since the last call.
fn take_new(id: &ComponentId, receiver: &mut broadcast::Receiver<Arc<Event>>) -> Vec<Arc<Event>> {
    let mut new = Vec::new();
    loop {
        match receiver.try_recv() {
            Ok(event) => new.push(event),
            Err(broadcast::error::TryRecvError::Lagged(missed)) => {
                tracing::warn!("{id}: {missed} self-operation events were not sent: too many at once");
            }
            Err(broadcast::error::TryRecvError::Empty | broadcast::error::TryRecvError::Closed) => return new,
        }
    }
}
