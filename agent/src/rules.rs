//! The rules as they run, and the one way to change them: load the config (with what an
//! OpAMP server sent in place of local files), check it, compile a whole generation off the
//! data path, then swap it in at once. SIGHUP, a changed rule file and a remote config all
//! come through here; whatever fails leaves the running generation in place.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use crate::agent::{ConfigSource, render_reports};
use crate::config::{ComponentId, Config};
use crate::generation::{Backend, CurrentGeneration, Generation};
use crate::stats::Stats;

/// The name of the config itself in an OpAMP config map.
pub const CONFIG_ENTRY: &str = "config.yaml";

/// What a remote config puts in place of local files: the whole config, and rule files
/// by file name. Empty: the local files.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RemoteFiles {
    pub config_yaml: Option<String>,
    pub rule_texts: BTreeMap<String, String>,
}

/// The files the running rules came from, by name: [`CONFIG_ENTRY`] and each rule file's
/// name (what a server sends to replace them).
pub type EffectiveFiles = BTreeMap<String, String>;

/// What a change does when it also changes receivers, exporters, extensions or pipelines,
/// which only a restart rebuilds.
#[derive(Clone, Copy, PartialEq, Eq)]
enum TopologyChange {
    /// Apply the rules and say that the rest waits for a restart (SIGHUP, as before).
    Warn,
    /// Refuse the change: a server must not believe a config runs that does not.
    Refuse,
}

/// What is running: the remote files in force and the effective files they make.
struct Running {
    remote: RemoteFiles,
    effective: EffectiveFiles,
}

/// The agent's rules: where they come from and the generation they run as.
pub struct Rules {
    source: ConfigSource,
    /// The config the agent started with: what a change may not alter without a restart.
    started: Config,
    backend: Backend,
    generation: CurrentGeneration,
    stats: Arc<Stats>,
    /// Held while a change is made, so that changes are made one at a time.
    running: Mutex<Running>,
}

impl Rules {
    pub fn new(
        source: ConfigSource,
        started: Config,
        effective: EffectiveFiles,
        backend: Backend,
        generation: CurrentGeneration,
        stats: Arc<Stats>,
    ) -> Rules {
        let running = Mutex::new(Running { remote: RemoteFiles::default(), effective });
        Rules { source, started, backend, generation, stats, running }
    }

    /// The files the running generation came from.
    pub fn effective(&self) -> EffectiveFiles {
        self.running.lock().unwrap_or_else(PoisonError::into_inner).effective.clone()
    }

    /// Loads the rules again with the remote files in force (SIGHUP, a changed rule file).
    pub fn reload(&self, why: &str) {
        tracing::info!("reloading the rules: {why}");
        let mut running = self.running.lock().unwrap_or_else(PoisonError::into_inner);
        let remote = running.remote.clone();
        match self.change(&remote, TopologyChange::Warn) {
            Ok(effective) => running.effective = effective,
            Err(error) => tracing::error!("reload refused, the running rules stay:\n{error}"),
        }
    }

    /// Runs `remote` in place of the local files: every rule set compiled, then swapped
    /// in at once. The error is the reason, diagnostics rendered as `ottlc check` renders
    /// them; the running rules stay.
    pub fn apply_remote(&self, remote: RemoteFiles) -> Result<(), String> {
        let mut running = self.running.lock().unwrap_or_else(PoisonError::into_inner);
        let effective = self.change(&remote, TopologyChange::Refuse)?;
        *running = Running { remote, effective };
        Ok(())
    }

    /// Loads, checks and compiles `remote`, and swaps the generation in.
    fn change(&self, remote: &RemoteFiles, topology: TopologyChange) -> Result<EffectiveFiles, String> {
        let refused = |error: String| {
            self.stats.generations_refused.add(1);
            error
        };
        let (loaded, effective) = self.source.load_with(remote).map_err(refused)?;
        if loaded.has_errors() {
            return Err(refused(render_reports(&loaded)));
        }
        if let Some(unused) = remote.rule_texts.keys().find(|name| !effective.contains_key(*name)) {
            return Err(refused(format!("no `rules` processor has a file named {unused} to replace")));
        }
        if Topology::of(&loaded.config) != Topology::of(&self.started) {
            let message =
                "the config changes receivers, exporters, extensions or pipelines; those changes apply at the next start";
            match topology {
                TopologyChange::Warn => tracing::warn!("{message}"),
                TopologyChange::Refuse => return Err(refused(format!("refused: {message}"))),
            }
        }
        let next = Generation::compile(&loaded.config, self.backend).map_err(refused)?;
        tracing::info!("rule generation {} running", next.number);
        self.stats.track_generation(next.number, next.stats.clone());
        self.generation.store(Arc::new(next));
        Ok(effective)
    }
}

/// What a change cannot alter: receivers, exporters, the extensions that run, and each
/// pipeline's components.
#[derive(PartialEq)]
struct Topology<'c> {
    receivers: Vec<&'c ComponentId>,
    exporters: Vec<&'c ComponentId>,
    extensions: &'c [ComponentId],
    pipelines: Vec<(&'c str, &'c [ComponentId], &'c [ComponentId])>,
}

impl Topology<'_> {
    fn of(config: &Config) -> Topology<'_> {
        Topology {
            receivers: config.receivers.keys().collect(),
            exporters: config.exporters.keys().collect(),
            extensions: &config.service_extensions,
            pipelines: config
                .pipelines
                .iter()
                .map(|p| (p.id.as_str(), p.processors.as_slice(), p.exporters.as_slice()))
                .collect(),
        }
    }
}
