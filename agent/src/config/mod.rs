//! The agent's configuration: the collector's layout and keys for every component the
//! agent shares with the collector (DESIGN §6), plus the `rules` processor.
//!
//! [`load`] reads a config completely before anything starts: the YAML, every component's
//! settings, the pipelines, and all the OTTL in it through the compiler's one way in
//! ([`ottl_compiler::analyze`]). Every mistake is a diagnostic at its YAML position (or its
//! rule file's), so `ottl-agent validate` and a refused start print the same report.

mod components;
pub mod env;
mod extensions;
mod memory_limiter;
mod opamp;
mod profiling;
mod self_operation;
mod tls;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use ottl_compiler::program::RuleSet;
use ottl_compiler::source::{SourceFile, SourceKind};
use ottl_compiler::yaml::tree;
use ottl_compiler::{AnalysisOptions, CompiledRules, analyze};
use ottl_grammar::{Code, Diagnostic, Severity, Span};
use ottl_runtime::otlp::Signal;

pub use components::resolve_address;
use ottl_pipeline::settings::Reader;
pub use tls::{ClientTls, Identity, Pem, ServerTls, TlsVersion, TlsVersions};

pub use extensions::{ExtensionConfig, HealthCheckConfig};
pub use memory_limiter::MemoryLimiterConfig;
pub use opamp::{OpAmpConfig, OpAmpTransport};
pub use profiling::{AdaptiveConfig, Processes, ProfilingConfig};
pub use self_operation::{AgentActionsConfig, AgentTelemetryConfig};

/// The embedded default: OTLP on localhost, `rules.ottl` of the working directory when it
/// exists, the debug exporter.
pub const DEFAULT_CONFIG: &str = include_str!("default.yaml");
/// The default config's rule processor, dropped when there is no `rules.ottl`.
const DEFAULT_RULES_FILE: &str = "rules.ottl";

pub use ottl_pipeline::ComponentId;

/// A whole agent config, read and checked.
#[derive(Clone, Debug, Default)]
pub struct Config {
    pub receivers: BTreeMap<ComponentId, ReceiverConfig>,
    pub processors: BTreeMap<ComponentId, ProcessorConfig>,
    pub exporters: BTreeMap<ComponentId, ExporterConfig>,
    /// Every extension defined; those listed under `service::extensions` run.
    pub extensions: BTreeMap<ComponentId, ExtensionConfig>,
    pub service_extensions: Vec<ComponentId>,
    pub pipelines: Vec<PipelineConfig>,
    pub telemetry: TelemetryConfig,
}

impl Config {
    /// Whether `pipeline` is the self-operation loop's own: every receiver of it is
    /// `agent_telemetry`.
    pub fn is_self_operation(&self, pipeline: &PipelineConfig) -> bool {
        !pipeline.receivers.is_empty()
            && pipeline.receivers.iter().all(|id| matches!(self.receivers.get(id), Some(ReceiverConfig::AgentTelemetry(_))))
    }

    /// The signals of the pipelines receiver `id` feeds.
    pub fn signals_of(&self, id: &ComponentId) -> Vec<Signal> {
        let mut signals = Vec::new();
        for pipeline in self.pipelines.iter().filter(|p| p.receivers.contains(id)) {
            if !signals.contains(&pipeline.signal) {
                signals.push(pipeline.signal);
            }
        }
        signals
    }

    /// Every rule file of every `rules` processor: a change to one reloads the rules.
    pub fn rule_files(&self) -> Vec<PathBuf> {
        self.processors
            .values()
            .flat_map(|processor| match processor {
                ProcessorConfig::Rules { files, .. } => files.clone(),
                _ => Vec::new(),
            })
            .collect()
    }
}

#[derive(Clone, Debug)]
pub enum ReceiverConfig {
    Otlp(Box<OtlpReceiverConfig>),
    /// The eBPF CPU profiler.
    Profiling(ProfilingConfig),
    /// The agent's own signals, for the self-operation loop.
    AgentTelemetry(AgentTelemetryConfig),
}

/// The `otlp` receiver: a gRPC and/or an HTTP server.
#[derive(Clone, Debug, Default)]
pub struct OtlpReceiverConfig {
    pub grpc: Option<GrpcServerConfig>,
    pub http: Option<HttpServerConfig>,
}

#[derive(Clone, Debug)]
pub struct GrpcServerConfig {
    pub endpoint: String,
    /// `max_recv_msg_size_mib` (the collector's default is 4 MiB).
    pub max_recv_msg_size: usize,
    /// `tls`: served over TLS only when given.
    pub tls: Option<ServerTls>,
}

#[derive(Clone, Debug)]
pub struct HttpServerConfig {
    pub endpoint: String,
    /// `max_request_body_size` (the collector's default is 20 MiB).
    pub max_request_body_size: usize,
    /// `tls`: served over TLS only when given.
    pub tls: Option<ServerTls>,
}

#[derive(Clone, Debug)]
pub enum ProcessorConfig {
    /// The transform or filter processor: its OTTL, compiled, in config order.
    Ottl {
        rule_sets: Vec<(Option<Signal>, RuleSet)>,
        /// The filter processor's: scopes and resources left without items are removed.
        prunes_empty: bool,
    },
    Batch(BatchConfig),
    /// `memory_limiter`: refuses data while the agent's memory is above its soft limit.
    MemoryLimiter(MemoryLimiterConfig),
    /// The rule-form processor: every rule of its files and inline statements, and where
    /// each route goes.
    Rules {
        rule_set: RuleSet,
        routes: BTreeMap<String, Vec<ComponentId>>,
        files: Vec<PathBuf>,
    },
}

/// The batch processor's settings, with the collector's defaults.
#[derive(Clone, Debug)]
pub struct BatchConfig {
    pub timeout: Duration,
    pub send_batch_size: usize,
    /// 0: no upper bound.
    pub send_batch_max_size: usize,
}

impl Default for BatchConfig {
    fn default() -> Self {
        BatchConfig { timeout: Duration::from_millis(200), send_batch_size: 8192, send_batch_max_size: 0 }
    }
}

#[derive(Clone, Debug)]
pub enum ExporterConfig {
    /// `otlp`/`otlp_grpc` and `otlphttp`/`otlp_http` (boxed: with its `tls`, far larger than
    /// the others).
    Otlp(Box<OtlpExporterConfig>),
    File {
        path: PathBuf,
    },
    Debug {
        verbosity: Verbosity,
    },
    /// Carries out the self-operation loop's decisions.
    AgentActions(AgentActionsConfig),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verbosity {
    Basic,
    Normal,
    Detailed,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OtlpProtocol {
    Grpc,
    Http,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
    Zstd,
}

/// The OTLP exporters' settings that matter here, with the collector's defaults.
#[derive(Clone, Debug)]
pub struct OtlpExporterConfig {
    pub protocol: OtlpProtocol,
    pub endpoint: String,
    /// otlphttp's per-signal URLs (`traces_endpoint`, ...), when given.
    pub signal_endpoints: BTreeMap<Signal, String>,
    pub headers: Vec<(String, String)>,
    pub compression: Compression,
    pub timeout: Duration,
    pub retry: RetryConfig,
    pub queue: QueueConfig,
    /// `tls`; without it, the collector's defaults (TLS, the system's trust store).
    pub tls: ClientTls,
}

/// `retry_on_failure`, with the collector's defaults.
#[derive(Clone, Debug)]
pub struct RetryConfig {
    pub enabled: bool,
    pub initial_interval: Duration,
    pub max_interval: Duration,
    /// Zero: retry for ever.
    pub max_elapsed_time: Duration,
    pub multiplier: f64,
    pub randomization_factor: f64,
}

impl Default for RetryConfig {
    fn default() -> Self {
        RetryConfig {
            enabled: true,
            initial_interval: Duration::from_secs(5),
            max_interval: Duration::from_secs(30),
            max_elapsed_time: Duration::from_secs(300),
            multiplier: 1.5,
            randomization_factor: 0.5,
        }
    }
}

/// `sending_queue`, with the collector's defaults (a queue of 1,000 requests, 10 senders).
#[derive(Clone, Debug)]
pub struct QueueConfig {
    pub enabled: bool,
    pub num_consumers: usize,
    pub queue_size: usize,
}

impl Default for QueueConfig {
    fn default() -> Self {
        QueueConfig { enabled: true, num_consumers: 10, queue_size: 1000 }
    }
}

#[derive(Clone, Debug)]
pub struct PipelineConfig {
    /// `traces`, `logs/critical`, ...
    pub id: String,
    pub signal: Signal,
    pub receivers: Vec<ComponentId>,
    pub processors: Vec<ComponentId>,
    pub exporters: Vec<ComponentId>,
}

/// `service.telemetry`.
#[derive(Clone, Debug)]
pub struct TelemetryConfig {
    /// Where the Prometheus endpoint listens; `None` with `metrics.level: none`.
    pub metrics_address: Option<SocketAddr>,
}

impl Default for TelemetryConfig {
    fn default() -> Self {
        TelemetryConfig { metrics_address: Some(SocketAddr::from(([127, 0, 0, 1], 8888))) }
    }
}

pub use ottl_pipeline::rules_processor::FileReport;

/// What [`load`] found: the config, and every diagnostic by file. The config is usable
/// only when no report holds an error.
#[derive(Clone, Debug)]
pub struct Loaded {
    pub config: Config,
    pub reports: Vec<FileReport>,
}

impl Loaded {
    pub fn has_errors(&self) -> bool {
        self.reports.iter().flat_map(|r| &r.diagnostics).any(|d| d.severity() == Severity::Error)
    }
}

/// How to read a config: where its relative paths start, and the environment.
pub struct LoadOptions<'a> {
    /// The config file's directory: `files` of a `rules` processor are relative to it.
    pub base_dir: &'a Path,
    pub env: &'a dyn Fn(&str) -> Option<String>,
    pub feature_gates: Vec<String>,
    /// Rule files whose text is given rather than read from disk, by file name: an OpAMP
    /// server's `.ottl` entries replace the file of that name in every `rules` processor.
    pub rule_texts: &'a BTreeMap<String, String>,
}

/// Reads the config `text` (named `name` in reports).
/// A config for a unit test, which must load without errors (relative files from the
/// working directory, no environment).
#[cfg(test)]
pub fn load_valid(yaml: &str) -> Config {
    let loaded = load(
        "c.yaml",
        yaml,
        &LoadOptions { base_dir: Path::new("."), env: &|_| None, feature_gates: Vec::new(), rule_texts: &BTreeMap::new() },
    );
    assert!(!loaded.has_errors(), "{:?}", loaded.reports);
    loaded.config
}

pub fn load(name: &str, text: &str, options: &LoadOptions<'_>) -> Loaded {
    let expanded = match env::expand(text, options.env) {
        Ok(expanded) => expanded,
        Err(message) => {
            let file = SourceFile::new(name, text, SourceKind::CollectorYaml);
            let diagnostic = Diagnostic::new(Code::InvalidComponentSetting, message, Span::new(0, 0), "here")
                .with_help("write `${env:NAME}` or `${env:NAME:-default}`; `$$` is a literal `$`");
            return Loaded { config: Config::default(), reports: vec![FileReport { file, diagnostics: vec![diagnostic] }] };
        }
    };
    let file = SourceFile::new(name, expanded, SourceKind::CollectorYaml);
    let analysis_options = AnalysisOptions { feature_gates: options.feature_gates.clone(), ..AnalysisOptions::default() };
    let analysis = analyze(&file, &analysis_options);
    let mut reports = Vec::new();
    let tree = match tree::parse(&file.text) {
        Ok(tree) => tree,
        // The analysis already reports the YAML error.
        Err(_) => {
            return Loaded { config: Config::default(), reports: vec![FileReport { file, diagnostics: analysis.diagnostics }] };
        }
    };
    let mut reader = Reader::new(&tree);
    let mut config = components::read(&mut reader, options, &mut reports);
    let mut diagnostics = analysis.diagnostics;
    diagnostics.append(&mut reader.diagnostics);
    attach_ottl(&mut config, analysis.rule_sets);
    diagnostics.sort_by_key(|d| (d.span().start, d.span().end));
    reports.insert(0, FileReport { file, diagnostics });
    Loaded { config, reports }
}

/// The compiled OTTL of each transform and filter processor, from the analysis.
fn attach_ottl(config: &mut Config, compiled: Vec<CompiledRules>) {
    for (id, compiled_sets) in ottl_pipeline::ottl_processors(compiled) {
        if let Some(ProcessorConfig::Ottl { rule_sets, .. }) = config.processors.get_mut(&id) {
            rule_sets.extend(compiled_sets);
        }
    }
}

/// The config to run when none is given: the embedded default, with the rule processor
/// only when the working directory has a `rules.ottl`.
pub fn default_config_text(working_dir: &Path) -> String {
    if working_dir.join(DEFAULT_RULES_FILE).is_file() {
        DEFAULT_CONFIG.to_string()
    } else {
        DEFAULT_CONFIG.lines().filter(|line| !line.contains("# with rules.ottl")).map(|line| format!("{line}\n")).collect()
    }
}

#[cfg(test)]
mod tests;
