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

use crate::config::{self, Config, ExtensionConfig, LoadOptions, Loaded, ReceiverConfig};
use crate::exporters;
use crate::generation::{Backend, CurrentGeneration, Generation};
use crate::health_check::{self, Health};
use crate::opamp;
use crate::pipeline::Pipelines;
use crate::profiler;
use crate::receivers::{Door, Intake, otlp};
use crate::rules::{CONFIG_ENTRY, EffectiveFiles, RemoteFiles, Rules};
use crate::self_operation::actions::Handles;
use crate::self_operation::events::Events;
use crate::self_operation::receiver::{self, Sources};
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
    /// Reads and checks the config with `remote` in place of local files; also the files
    /// it came from, by name (the config as written, before `${env:..}` is expanded).
    pub fn load_with(&self, remote: &RemoteFiles) -> Result<(Loaded, EffectiveFiles), String> {
        let env = |name: &str| std::env::var(name).ok();
        let (name, text, base_dir) = match self {
            ConfigSource::File(path) => {
                let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
                let text = match &remote.config_yaml {
                    Some(text) => text.clone(),
                    None => std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?,
                };
                (path.display().to_string(), text, base)
            }
            ConfigSource::Default(dir) => {
                let text = remote.config_yaml.clone().unwrap_or_else(|| config::default_config_text(dir));
                ("(embedded default)".to_string(), text, dir.clone())
            }
        };
        let options = LoadOptions { base_dir: &base_dir, env: &env, feature_gates: Vec::new(), rule_texts: &remote.rule_texts };
        let loaded = config::load(&name, &text, &options);
        let mut effective = EffectiveFiles::from([(CONFIG_ENTRY.to_string(), text)]);
        for path in loaded.config.rule_files() {
            let shown = path.display().to_string();
            let (Some(file_name), Some(report)) = (path.file_name(), loaded.reports.iter().find(|r| r.file.name == shown)) else {
                continue;
            };
            effective.insert(file_name.to_string_lossy().into_owned(), report.file.text.to_string());
        }
        Ok((loaded, effective))
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
pub async fn run(
    source: ConfigSource,
    config: Config,
    effective: EffectiveFiles,
    backend: Backend,
    drain_timeout: Duration,
) -> Result<(), String> {
    let stats = Arc::new(Stats::default());
    let first = Generation::compile(&config, backend, &Default::default())?;
    stats.track_generation(first.number, first.stats.clone());
    let generation: CurrentGeneration = Arc::new(ArcSwap::from_pointee(first));
    let rules = Arc::new(Rules::new(source, config.clone(), effective, backend, generation.clone(), stats.clone()));
    let events = Events::new(stats.clone());
    let handles = Handles { rules: rules.clone(), stats: stats.clone(), events: events.clone() };

    let mut exporter_tasks = Vec::new();
    let mut exporter_handles = HashMap::new();
    for (id, exporter) in &config.exporters {
        let started = exporters::start(id, exporter, stats.clone(), &handles)?;
        exporter_handles.insert(id.clone(), started.handle);
        exporter_tasks.extend(started.tasks);
    }
    let pipelines =
        Arc::new(Pipelines::build(&config, Arc::new(exporter_handles), generation.clone(), stats.clone(), IN_FLIGHT_BUDGET));
    let door = Door::open(pipelines.clone());

    let (stop, stopping) = watch::channel(false);
    // Extensions stop last, so that a health check answers 503 while the agent drains.
    let (stop_extensions, extensions_stopping) = watch::channel(false);
    let health = Arc::new(Health::default());
    let mut extensions = Vec::new();
    for id in &config.service_extensions {
        match config.extensions.get(id) {
            Some(ExtensionConfig::HealthCheck(health_check)) => {
                let (name, server) =
                    health_check::bind(&id.0, health_check.clone(), health.clone(), extensions_stopping.clone()).await?;
                tracing::info!("listening: {name}");
                extensions.push(tokio::spawn(server));
            }
            Some(ExtensionConfig::OpAmp(settings)) => {
                let client = opamp::start(settings, &config, rules.clone(), stats.clone(), extensions_stopping.clone())?;
                extensions.push(client);
            }
            None => {}
        }
    }
    let mut servers = Vec::new();
    let mut profilers = Vec::new();
    let mut self_telemetry = Vec::new();
    for (id, receiver) in &config.receivers {
        let intake = Intake::new(id.clone(), door.clone(), &stats);
        match receiver {
            ReceiverConfig::Otlp(otlp_config) => servers.extend(otlp::bind(otlp_config, intake, stopping.clone()).await?),
            ReceiverConfig::Profiling(profiling) => {
                profilers.extend(profiler::start(id, profiling, intake, &stats, stopping.clone()))
            }
            ReceiverConfig::AgentTelemetry(telemetry) => {
                let sources = Sources { stats: stats.clone(), generation: generation.clone(), events: events.clone() };
                let signals = config.signals_of(id);
                self_telemetry.push(receiver::start(id, telemetry, &signals, intake, sources, stopping.clone()));
            }
        }
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
    wait_for_stop(&rules, &config).await;

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
    // A profiler drains its last samples into the pipelines before they close.
    for profiler in profilers {
        if tokio::time::timeout_at(grace_ends, profiler).await.is_err() {
            tracing::warn!("a profiler did not finish its last report within {}s", SERVER_STOP_TIMEOUT.as_secs());
        }
    }
    // The loop's last events go in before the pipelines close.
    for receiver in self_telemetry {
        let _ = tokio::time::timeout_at(grace_ends, receiver).await;
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
async fn wait_for_stop(rules: &Arc<Rules>, config: &Config) {
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
            _ = hangup.recv() => reload(rules, "SIGHUP").await,
            _ = poll.tick() => {
                if rule_files.changed() {
                    reload(rules, "a rule file changed").await;
                }
            }
        }
    }
}

/// Reloads the rules off the async threads: compiling is CPU work.
async fn reload(rules: &Arc<Rules>, why: &'static str) {
    let rules = rules.clone();
    if let Err(error) = tokio::task::spawn_blocking(move || rules.reload(why)).await {
        tracing::error!("the reload failed: {error}");
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
