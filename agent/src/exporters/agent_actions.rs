//! The `agent_actions` exporter: its queue, drained into the self-operation loop's
//! [`Actuator`]. Acting may compile rules (a new sampling ratio), so it runs off the async
//! threads.

use std::sync::{Arc, Mutex, PoisonError};

use super::{Started, queue};
use crate::config::{AgentActionsConfig, ComponentId};
use crate::self_operation::actions::{Actuator, Handles};

pub(super) fn start(id: &ComponentId, config: &AgentActionsConfig, handles: &Handles) -> Started {
    let stats = handles.stats.exporter(&id.0);
    let (handle, mut receiver) = queue(id, 16, stats.clone());
    let actuator = Arc::new(Mutex::new(Actuator::new(config.clone(), handles.clone())));
    let task = tokio::spawn(async move {
        while let Some(queued) = receiver.recv().await {
            let items = queued.telemetry.item_count() as u64;
            let actuator = actuator.clone();
            let acted = tokio::task::spawn_blocking(move || {
                actuator.lock().unwrap_or_else(PoisonError::into_inner).act(&queued.telemetry);
            })
            .await;
            match acted {
                Ok(()) => stats.sent.add(items),
                Err(error) => {
                    tracing::error!("the self-operation loop failed on a batch: {error}");
                    stats.failed.add(items);
                }
            }
        }
    });
    Started { handle, tasks: vec![task] }
}
