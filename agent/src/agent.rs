//! A running agent: exporters, pipelines, receivers and the telemetry endpoint started in
//! that order (so nothing is received that cannot be sent on), and stopped in the reverse
//! order on SIGTERM or SIGINT, draining every queue. SIGHUP and a changed rule file reload
//! the rules as a new generation.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use arc_swap::ArcSwap;
use ottl_compiler::render;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::watch;

use crate::config::{self, ComponentId, Config, ExtensionConfig, LoadOptions, Loaded, ReceiverConfig};
use crate::exporters;
use crate::generation::{Backend, CurrentGeneration, Generation};
use crate::health_check::{self, Health};
use crate::pipeline::Pipelines;
use crate::receivers::{Door, Intake, otlp};
use crate::stats::Stats;
use crate::telemetry;

/// Where the config comes from, so that a reload reads it again the same way.
#[derive(Clone, Debug)]
pub enum ConfigSource {
    File(PathBuf),
    /// The embedded default, in this working directory.
    Default(PathBuf),
}

impl ConfigSource {
    /// Reads and checks the config.
    pub fn load(&self) -> Result<Loaded, String> {
        let env = |name: &str| std::env::var(name).ok();
        let (name, text, base_dir) = match self {
            ConfigSource::File(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
                (path.display().to_string(), text, base)
            }
            ConfigSource::Default(dir) => ("(embedded default)".to_string(), config::default_config_text(dir), dir.clone()),
        };
        let options = LoadOptions { base_dir: &base_dir, env: &env, feature_gates: Vec::new() };
        Ok(config::load(&name, &text, &options))
    }
}

/// Every diagnostic of a load, rendered as `ottlc check` renders them.
pub fn render_reports(loaded: &Loaded) -> String {
    loaded.reports.iter().filter(|r| !r.diagnostics.is_empty()).map(|r| render::human(&r.file, &r.diagnostics)).collect()
}

/// How long shutdown waits for receivers' open requests to finish.
const SERVER_STOP_TIMEOUT: Duration = Duration::from_secs(5);
/// How long shutdown waits for queues to drain before it gives up on them, unless told.
pub const DEFAULT_DRAIN_TIMEOUT: Duration = Duration::from_secs(30);
/// Bytes of telemetry in flight between receivers and exporter queues.
const IN_FLIGHT_BUDGET: usize = 64 << 20;
/// How often rule files are checked for changes.
const RULE_FILE_POLL: Duration = Duration::from_secs(1);

/// Runs the agent until SIGTERM or SIGINT, then drains its queues for at most
/// `drain_timeout`. `config` has been checked.
pub async fn run(source: ConfigSource, config: Config, backend: Backend, drain_timeout: Duration) -> Result<(), String> {
    let stats = Arc::new(Stats::default());
    let first = Generation::compile(&config, backend)?;
    stats.track_generation(first.number, first.stats.clone());
    let generation: CurrentGeneration = Arc::new(ArcSwap::from_pointee(first));

    let mut exporter_tasks = Vec::new();
    let mut handles = HashMap::new();
    for (id, exporter) in &config.exporters {
        let started = exporters::start(id, exporter, stats.clone())?;
        handles.insert(id.clone(), started.handle);
        exporter_tasks.extend(started.tasks);
    }
    let pipelines = Arc::new(Pipelines::build(&config, Arc::new(handles), generation.clone(), stats.clone(), IN_FLIGHT_BUDGET));
    let door = Door::open(pipelines.clone());

    let (stop, stopping) = watch::channel(false);
    // Extensions stop last, so that a health check answers 503 while the agent drains.
    let (stop_extensions, extensions_stopping) = watch::channel(false);
    let health = Arc::new(Health::default());
    let mut extensions = Vec::new();
    for id in &config.service_extensions {
        if let Some(ExtensionConfig::HealthCheck(health_check)) = config.extensions.get(id) {
            let (name, server) =
                health_check::bind(&id.0, health_check.clone(), health.clone(), extensions_stopping.clone()).await?;
            tracing::info!("listening: {name}");
            extensions.push(tokio::spawn(server));
        }
    }
    let mut servers = Vec::new();
    for (id, receiver) in &config.receivers {
        let ReceiverConfig::Otlp(otlp_config) = receiver;
        let intake = Intake::new(id.clone(), door.clone(), &stats);
        servers.extend(otlp::bind(otlp_config, intake, stopping.clone()).await?);
    }
    if let Some(address) = config.telemetry.metrics_address {
        servers.push(telemetry::bind(address, stats.clone(), stopping.clone()).await?);
    }
    let mut running = Vec::new();
    for (name, server) in servers {
        tracing::info!("listening: {name}");
        running.push(tokio::spawn(server));
    }

    health.set_ready(true);
    wait_for_stop(&source, &config, backend, &generation, &stats).await;

    tracing::info!("stopping: receivers first, then draining the pipelines");
    health.set_ready(false);
    let _ = stop.send(true);
    // Requests in progress get a moment to finish; an idle keep-alive connection does not
    // hold the shutdown up.
    let grace_ends = tokio::time::Instant::now() + SERVER_STOP_TIMEOUT;
    for mut server in running {
        let finished = match tokio::time::timeout_at(grace_ends, &mut server).await {
            Ok(finished) => finished,
            Err(_) => {
                tracing::warn!("a receiver's connections did not close within {}s; closing them", SERVER_STOP_TIMEOUT.as_secs());
                server.abort();
                server.await
            }
        };
        match finished {
            Ok(Err(error)) => tracing::error!("{error}"),
            Err(error) if !error.is_cancelled() => tracing::error!("a server task failed: {error}"),
            _ => {}
        }
    }
    // Connections the servers left behind keep no hold on the pipelines.
    door.close();
    let drained = async {
        sole_owner(pipelines).await.drain().await;
        for task in exporter_tasks {
            let _ = task.await;
        }
    };
    let outcome = match tokio::time::timeout(drain_timeout, drained).await {
        Ok(()) => Ok(()),
        Err(_) => {
            // Exporters count what they still hold; items still in a processor or a batch
            // processor at this point are not counted anywhere.
            let lost = stats.fail_unfinished();
            Err(format!(
                "queues not drained within {drain_timeout:?}; {lost} items the exporters still held are counted as failed and lost"
            ))
        }
    };
    let _ = stop_extensions.send(true);
    for extension in extensions {
        // A probe's connection is short; one left open does not hold the exit up.
        if tokio::time::timeout(SERVER_STOP_TIMEOUT, extension).await.is_err() {
            tracing::warn!("an extension's connections did not close within {}s", SERVER_STOP_TIMEOUT.as_secs());
        }
    }
    if outcome.is_ok() {
        tracing::info!("stopped");
    }
    outcome
}

/// The pipelines once nothing else holds them: a submit in progress when the door closed
/// lets go when it returns.
async fn sole_owner(mut pipelines: Arc<Pipelines>) -> Pipelines {
    loop {
        match Arc::try_unwrap(pipelines) {
            Ok(pipelines) => return pipelines,
            Err(shared) => pipelines = shared,
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

/// Waits for SIGTERM or SIGINT, reloading the rules on SIGHUP and when a rule file changes.
async fn wait_for_stop(source: &ConfigSource, config: &Config, backend: Backend, generation: &CurrentGeneration, stats: &Stats) {
    let (Ok(mut terminate), Ok(mut interrupt), Ok(mut hangup)) =
        (signal(SignalKind::terminate()), signal(SignalKind::interrupt()), signal(SignalKind::hangup()))
    else {
        tracing::error!("cannot install signal handlers; stopping");
        return;
    };
    let mut rule_files = RuleFiles::of(config);
    let mut poll = tokio::time::interval(RULE_FILE_POLL);
    loop {
        tokio::select! {
            _ = terminate.recv() => return,
            _ = interrupt.recv() => return,
            _ = hangup.recv() => reload(source, config, backend, generation, stats, "SIGHUP"),
            _ = poll.tick() => {
                if rule_files.changed() {
                    reload(source, config, backend, generation, stats, "a rule file changed");
                }
            }
        }
    }
}

/// Compiles the rules again and swaps the generation in; a config that does not load or
/// compile leaves the running generation in place. Receivers, exporters and pipelines are
/// not rebuilt: a change to them needs a restart, and the log says so.
fn reload(source: &ConfigSource, running: &Config, backend: Backend, generation: &CurrentGeneration, stats: &Stats, why: &str) {
    tracing::info!("reloading the rules: {why}");
    let loaded = match source.load() {
        Ok(loaded) => loaded,
        Err(error) => {
            tracing::error!("reload refused, the running rules stay: {error}");
            stats.generations_refused.add(1);
            return;
        }
    };
    if loaded.has_errors() {
        tracing::error!("reload refused, the running rules stay:\n{}", render_reports(&loaded));
        stats.generations_refused.add(1);
        return;
    }
    if component_ids(&loaded.config) != component_ids(running) {
        tracing::warn!(
            "the reloaded config changes receivers, exporters, extensions or pipelines; those changes apply at the next start"
        );
    }
    match Generation::compile(&loaded.config, backend) {
        Ok(next) => {
            tracing::info!("rule generation {} running", next.number);
            stats.track_generation(next.number, next.stats.clone());
            generation.store(Arc::new(next));
        }
        Err(error) => {
            tracing::error!("reload refused, the running rules stay: {error}");
            stats.generations_refused.add(1);
        }
    }
}

/// What a reload cannot change: receivers, exporters, the extensions that run, and each
/// pipeline's components.
#[derive(PartialEq)]
struct Topology<'c> {
    receivers: Vec<&'c ComponentId>,
    exporters: Vec<&'c ComponentId>,
    extensions: &'c [ComponentId],
    pipelines: Vec<(&'c str, &'c [ComponentId], &'c [ComponentId])>,
}

fn component_ids(config: &Config) -> Topology<'_> {
    Topology {
        receivers: config.receivers.keys().collect(),
        exporters: config.exporters.keys().collect(),
        extensions: &config.service_extensions,
        pipelines: config.pipelines.iter().map(|p| (p.id.as_str(), p.processors.as_slice(), p.exporters.as_slice())).collect(),
    }
}

/// The rule files of `rules` processors, and when each last changed.
struct RuleFiles {
    files: Vec<(PathBuf, Option<SystemTime>)>,
}

impl RuleFiles {
    fn of(config: &Config) -> RuleFiles {
        let files = config.rule_files().into_iter().map(|path| {
            let modified = modified(&path);
            (path, modified)
        });
        RuleFiles { files: files.collect() }
    }

    /// Whether any file changed since the last call.
    fn changed(&mut self) -> bool {
        let mut changed = false;
        for (path, seen) in &mut self.files {
            let now = modified(path);
            if now != *seen {
                *seen = now;
                changed = true;
            }
        }
        changed
    }
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}
