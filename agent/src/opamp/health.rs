//! The agent's health as OpAMP reports it (`ComponentHealth`): one entry per pipeline,
//! unhealthy while one of its exporters' sending queues is full (the agent then refuses
//! data), and the agent healthy when every pipeline is.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use ottl_opamp::proto::ComponentHealth;

use crate::config::{ComponentId, Config};
use crate::stats::Stats;

pub struct HealthWatch {
    stats: Arc<Stats>,
    /// Each pipeline's name and exporters.
    pipelines: Vec<(String, Vec<ComponentId>)>,
    start_time_unix_nano: u64,
}

pub fn unix_nanos(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH).map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

impl HealthWatch {
    pub fn new(config: &Config, stats: Arc<Stats>) -> HealthWatch {
        let pipelines = config.pipelines.iter().map(|p| (format!("pipeline:{}", p.id), p.exporters.clone())).collect();
        HealthWatch { stats, pipelines, start_time_unix_nano: unix_nanos(SystemTime::now()) }
    }

    /// The health now, its status time left at 0 so that two readings compare equal when
    /// nothing changed.
    pub fn now(&self) -> ComponentHealth {
        let component_health_map: std::collections::BTreeMap<String, ComponentHealth> =
            self.pipelines.iter().map(|(name, exporters)| (name.clone(), self.pipeline(exporters))).collect();
        let last_error = component_health_map.values().map(|h| h.last_error.clone()).find(|e| !e.is_empty()).unwrap_or_default();
        ComponentHealth {
            healthy: last_error.is_empty(),
            start_time_unix_nano: self.start_time_unix_nano,
            status: if last_error.is_empty() { "running" } else { "degraded" }.into(),
            last_error,
            component_health_map,
            ..ComponentHealth::default()
        }
    }

    fn pipeline(&self, exporters: &[ComponentId]) -> ComponentHealth {
        let full = exporters.iter().find(|id| {
            let stats = self.stats.exporter(&id.0);
            let capacity = stats.queue_capacity.get();
            capacity > 0 && stats.queue_size.get() >= capacity
        });
        let last_error = full.map(|id| format!("exporter {id}: its sending queue is full")).unwrap_or_default();
        ComponentHealth {
            healthy: last_error.is_empty(),
            start_time_unix_nano: self.start_time_unix_nano,
            status: if last_error.is_empty() { "running" } else { "degraded" }.into(),
            last_error,
            ..ComponentHealth::default()
        }
    }
}
