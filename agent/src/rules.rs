//! The rules as they run, and the one way to change them: load the config (with what an
//! OpAMP server sent in place of local files), check it, compile a whole generation off the
//! data path, then swap it in at once. SIGHUP, a changed rule file and a remote config all
//! come through here; whatever fails leaves the running generation in place.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::watch;

use crate::agent::{ConfigSource, render_reports};
use crate::config::{ComponentId, Config};
use crate::generation::{Backend, CurrentGeneration, Generation, Ratios};
use crate::stats::Stats;
use crate::tuning::Tuning;

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

/// Where a change comes from, which decides what it does when it also changes receivers,
/// exporters, extensions or pipelines (only a restart rebuilds those).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Origin {
    /// SIGHUP or a changed rule file: apply the rules and say that the rest waits for a
    /// restart.
    Local,
    /// An OpAMP server's remote config: refuse the change, since a server must not believe
    /// a config runs that does not.
    Server,
}

/// What is running: the remote files in force, the effective files and the config they
/// make, and the sampling ratios the loop tuned.
#[derive(Clone)]
struct Running {
    remote: RemoteFiles,
    effective: EffectiveFiles,
    config: Config,
    tuning: Tuning,
    /// Whether an OpAMP server's remote config made it (not the local files).
    from_server: bool,
}

/// The generation before the running one, kept so that the running one can be rolled
/// back to it: what ran, and the generation itself (compiled, so a rollback cannot fail).
struct Previous {
    running: Running,
    generation: Arc<Generation>,
}

/// A generation the self-operation loop rolled back.
#[derive(Clone, Debug, PartialEq)]
pub struct RollbackNotice {
    /// Counts the rollbacks since the start: a reader tells a new one from one it saw.
    pub sequence: u64,
    pub from: u64,
    pub to: u64,
    /// Whether the rolled-back generation came from an OpAMP server's remote config.
    pub remote: bool,
    pub reason: String,
}

/// Why a rollback was not done.
#[derive(Debug, PartialEq)]
pub enum NoRollback {
    /// The generation named is not the one running (it was replaced or rolled back).
    NotRunning { running: u64 },
    /// Nothing to go back to: the first generation, or one that already replaced a
    /// rolled-back one.
    NoPrevious,
    /// The generation has run longer than the window: it is no longer new.
    OutsideWindow { age: Duration },
}

impl std::fmt::Display for NoRollback {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NoRollback::NotRunning { running } => write!(f, "it is not running (generation {running} is)"),
            NoRollback::NoPrevious => f.write_str("there is no previous generation to go back to"),
            NoRollback::OutsideWindow { age } => {
                write!(f, "it has run for {:.1} s, longer than the rollback window", age.as_secs_f64())
            }
        }
    }
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
    previous: Mutex<Option<Previous>>,
    /// The last rollback: the OpAMP client wakes on a new one to report it at once.
    last_rollback: watch::Sender<Option<RollbackNotice>>,
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
        let running = Mutex::new(Running {
            remote: RemoteFiles::default(),
            effective,
            config: started.clone(),
            tuning: Tuning::new(),
            from_server: false,
        });
        Rules {
            source,
            started,
            backend,
            generation,
            stats,
            running,
            previous: Mutex::new(None),
            last_rollback: watch::Sender::new(None),
        }
    }

    /// The files the running generation came from.
    pub fn effective(&self) -> EffectiveFiles {
        lock(&self.running).effective.clone()
    }

    /// The generation running now.
    pub fn current(&self) -> Arc<Generation> {
        self.generation.load_full()
    }

    /// Loads the rules again with the remote files in force (SIGHUP, a changed rule file).
    pub fn reload(&self, why: &str) {
        tracing::info!("reloading the rules: {why}");
        let mut running = lock(&self.running);
        let remote = running.remote.clone();
        if let Err(error) = self.change(&mut running, remote, Origin::Local) {
            tracing::error!("reload refused, the running rules stay:\n{error}");
        }
    }

    /// Runs `remote` in place of the local files: every rule set compiled, then swapped
    /// in at once. The error is the reason, diagnostics rendered as `ottlc check` renders
    /// them; the running rules stay.
    pub fn apply_remote(&self, remote: RemoteFiles) -> Result<(), String> {
        let mut running = lock(&self.running);
        self.change(&mut running, remote, Origin::Server)
    }

    /// Loads, checks and compiles `remote`, and swaps the generation in; the one it
    /// replaces is kept for a rollback.
    fn change(&self, running: &mut Running, remote: RemoteFiles, origin: Origin) -> Result<(), String> {
        let refused = |error: String| {
            self.stats.generations_refused.add(1);
            error
        };
        let (loaded, effective) = self.source.load_with(&remote).map_err(refused)?;
        if loaded.has_errors() {
            return Err(refused(render_reports(&loaded)));
        }
        if let Some(unused) = remote.rule_texts.keys().find(|name| !effective.contains_key(*name)) {
            return Err(refused(format!("no `rules` processor has a file named {unused} to replace")));
        }
        if Topology::of(&loaded.config) != Topology::of(&self.started) {
            let message =
                "the config changes receivers, exporters, extensions or pipelines; those changes apply at the next start";
            match origin {
                Origin::Local => tracing::warn!("{message}"),
                Origin::Server => return Err(refused(format!("refused: {message}"))),
            }
        }
        let mut next = Generation::compile(&loaded.config, self.backend, &running.tuning).map_err(refused)?;
        let replaced = self.generation.load_full();
        next.baseline = Ratios::of(&replaced.stats);
        tracing::info!("rule generation {} running", next.number);
        self.swap_in(Arc::new(next));
        let tuning = std::mem::take(&mut running.tuning);
        let ran = std::mem::replace(
            running,
            Running { remote, effective, config: loaded.config, tuning, from_server: origin == Origin::Server },
        );
        *lock(&self.previous) = Some(Previous { running: ran, generation: replaced });
        Ok(())
    }

    fn swap_in(&self, generation: Arc<Generation>) {
        self.stats.track_generation(generation.number, generation.stats.clone());
        self.generation.store(generation);
    }

    /// Rolls generation `number` back to the one it replaced, if it still runs and has run
    /// for no longer than `window`. The previous generation runs again as it was compiled
    /// (no compile that could fail), with the files it came from.
    pub fn roll_back(&self, number: u64, window: Duration, reason: &str) -> Result<RollbackNotice, NoRollback> {
        let mut running = lock(&self.running);
        let current = self.generation.load_full();
        if current.number != number {
            return Err(NoRollback::NotRunning { running: current.number });
        }
        let age = current.started.elapsed();
        if age > window {
            return Err(NoRollback::OutsideWindow { age });
        }
        let Some(previous) = lock(&self.previous).take() else { return Err(NoRollback::NoPrevious) };
        let remote = running.from_server;
        // The tuned ratios stay: they follow the load, not the rules.
        let tuning = std::mem::take(&mut running.tuning);
        *running = Running { tuning, ..previous.running };
        let to = previous.generation.number;
        self.swap_in(previous.generation);
        let sequence = self.last_rollback.borrow().as_ref().map_or(1, |notice| notice.sequence + 1);
        let notice = RollbackNotice { sequence, from: number, to, remote, reason: reason.to_string() };
        tracing::warn!("rule generation {number} rolled back to {to}: {reason}");
        self.last_rollback.send_replace(Some(notice.clone()));
        Ok(notice)
    }

    /// The last rollback, if any.
    pub fn last_rollback(&self) -> Option<RollbackNotice> {
        self.last_rollback.borrow().clone()
    }

    /// Changes whenever a generation is rolled back.
    pub fn rollbacks(&self) -> watch::Receiver<Option<RollbackNotice>> {
        self.last_rollback.subscribe()
    }

    /// Runs `processor`'s sampler at `ratio`: the running generation compiled again with the
    /// ratio in place of the written one, swapped in as the same generation.
    pub fn retune(&self, processor: &ComponentId, ratio: f64) -> Result<(), String> {
        let mut running = lock(&self.running);
        let current = self.generation.load_full();
        if !current.samplers.contains_key(processor) {
            return Err(no_sampler(processor));
        }
        let mut tuning = running.tuning.clone();
        tuning.insert(processor.clone(), ratio);
        let retuned = current.retuned(&running.config, self.backend, &tuning)?;
        self.generation.store(Arc::new(retuned));
        running.tuning = tuning;
        Ok(())
    }
}

/// Why `processor`'s sampling ratio cannot be tuned.
pub fn no_sampler(processor: &ComponentId) -> String {
    format!("processor `{processor}` has no TraceIDRatioBasedSampler with a written ratio")
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Rules from `rules.ottl` in a directory of their own, running its first version.
    fn rules(name: &str) -> (Rules, std::path::PathBuf) {
        let dir = std::env::temp_dir().join(format!("ottl-agent-rules-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let yaml = "processors:\n  rules:\n    files: [rules.ottl]\n";
        std::fs::write(dir.join("agent.yaml"), yaml).unwrap();
        std::fs::write(dir.join("rules.ottl"), "set(log.attributes[\"v\"], 1)\n").unwrap();
        let source = ConfigSource::File(dir.join("agent.yaml"));
        let (loaded, effective) = source.load_with(&RemoteFiles::default()).unwrap();
        assert!(!loaded.has_errors());
        let stats = Arc::new(Stats::default());
        let first = Generation::compile(&loaded.config, Backend::Interpreter, &Tuning::new()).unwrap();
        let generation: CurrentGeneration = Arc::new(arc_swap::ArcSwap::from_pointee(first));
        (Rules::new(source, loaded.config, effective, Backend::Interpreter, generation, stats), dir)
    }

    fn edit(rules: &Rules, dir: &std::path::Path, text: &str) -> u64 {
        std::fs::write(dir.join("rules.ottl"), text).unwrap();
        rules.reload("test");
        rules.current().number
    }

    #[test]
    fn a_new_generation_rolls_back_once_to_the_one_it_replaced() {
        let (rules, dir) = rules("back");
        let first = rules.current().number;
        assert_eq!(rules.roll_back(first, Duration::from_secs(30), "x"), Err(NoRollback::NoPrevious));
        let second = edit(&rules, &dir, "set(log.attributes[\"v\"], 2)\n");
        let notice = rules.roll_back(second, Duration::from_secs(30), "errors jumped").unwrap();
        assert_eq!((notice.sequence, notice.from, notice.to, notice.remote), (1, second, first, false));
        assert_eq!(rules.current().number, first, "the first generation runs again, as it was compiled");
        assert_eq!(rules.effective().get("rules.ottl").map(String::as_str), Some("set(log.attributes[\"v\"], 1)\n"));
        assert_eq!(rules.roll_back(second, Duration::from_secs(30), "x"), Err(NoRollback::NotRunning { running: first }));
        assert_eq!(rules.roll_back(first, Duration::from_secs(30), "x"), Err(NoRollback::NoPrevious), "only one step back");
        assert_eq!(rules.last_rollback(), Some(notice));
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn a_generation_past_the_window_stays() {
        let (rules, dir) = rules("window");
        let second = edit(&rules, &dir, "set(log.attributes[\"v\"], 2)\n");
        let refused = rules.roll_back(second, Duration::ZERO, "x");
        assert!(matches!(refused, Err(NoRollback::OutsideWindow { .. })), "{refused:?}");
        assert_eq!(rules.current().number, second);
        let _ = std::fs::remove_dir_all(dir);
    }
}
