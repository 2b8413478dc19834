//! The sections of a config: `receivers`, `processors`, `exporters`, `service`. Each
//! component's settings are read with the collector's keys and defaults; the transform and
//! filter processors' OTTL is compiled by the caller through the analysis.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use ottl_grammar::Code;

use super::extensions::{self, EXTENSIONS};
use super::memory_limiter;
use super::profiling;
use ottl_pipeline::rules_processor::{RuleFiles, RulesProcessor, read_rules_processor};
use ottl_pipeline::settings::{At, Reader};
use super::self_operation;
use super::{
    BatchConfig, ClientTls, ComponentId, Compression, Config, ExporterConfig, FileReport, GrpcServerConfig, HttpServerConfig,
    LoadOptions, OtlpExporterConfig, OtlpProtocol, OtlpReceiverConfig, PipelineConfig, ProcessorConfig, QueueConfig,
    ReceiverConfig, RetryConfig, TelemetryConfig, Verbosity, tls,
};
use ottl_runtime::otlp::Signal;

const RECEIVERS: &[&str] = &["otlp", "profiling", "agent_telemetry"];
const PROCESSORS: &[&str] = &["transform", "filter", "batch", "memory_limiter", "rules"];
const EXPORTERS: &[&str] = &["otlp", "otlp_grpc", "otlphttp", "otlp_http", "file", "debug", "agent_actions"];
const TOP_LEVEL: &[&str] = &["receivers", "processors", "exporters", "extensions", "connectors", "service"];

/// A component named in a pipeline or a route, and where.
struct Reference {
    section: Section,
    id: ComponentId,
    at: At,
    /// Who names it: "pipeline `logs`", "`rules` route `audit`".
    by: String,
    /// The signal of the pipeline that names it; `None` for a route or an extension.
    signal: Option<Signal>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    Receiver,
    Processor,
    Exporter,
    Extension,
}

impl Section {
    fn name(self) -> &'static str {
        match self {
            Section::Receiver => "receiver",
            Section::Processor => "processor",
            Section::Exporter => "exporter",
            Section::Extension => "extension",
        }
    }
}

/// Reads every section; rule files of `rules` processors add their own reports.
pub(super) fn read(reader: &mut Reader<'_>, options: &LoadOptions<'_>, reports: &mut Vec<FileReport>) -> Config {
    let mut config = Config::default();
    let mut references = Vec::new();
    let Some(&root) = reader.tree.roots.first() else { return config };
    let root = At { node: root, key: None };
    for (section, at) in reader.settings(root, "the config", TOP_LEVEL) {
        match section.as_str() {
            "receivers" => {
                for (id, at) in components(reader, at, "receiver", RECEIVERS) {
                    let receiver = match id.kind() {
                        "profiling" => profiling::profiling_receiver(reader, at, &id).map(ReceiverConfig::Profiling),
                        "agent_telemetry" => {
                            self_operation::agent_telemetry_receiver(reader, at, &id).map(ReceiverConfig::AgentTelemetry)
                        }
                        _ => otlp_receiver(reader, at, &id, options.base_dir).map(|otlp| ReceiverConfig::Otlp(Box::new(otlp))),
                    };
                    if let Some(receiver) = receiver {
                        config.receivers.insert(id, receiver);
                    }
                }
            }
            "processors" => {
                for (id, at) in components(reader, at, "processor", PROCESSORS) {
                    if let Some(processor) = processor(reader, at, &id, options, reports, &mut references) {
                        config.processors.insert(id, processor);
                    }
                }
            }
            "exporters" => {
                for (id, at) in components(reader, at, "exporter", EXPORTERS) {
                    if let Some(exporter) = exporter(reader, at, &id, options.base_dir) {
                        config.exporters.insert(id, exporter);
                    }
                }
            }
            "extensions" => {
                for (id, at) in components(reader, at, "extension", EXTENSIONS) {
                    if let Some(extension) = extensions::extension(reader, at, &id, options.base_dir) {
                        config.extensions.insert(id, extension);
                    }
                }
            }
            // Connectors: none yet, so any component is refused by name.
            "connectors" => drop(components(reader, at, "connector", &[])),
            _ => service(reader, at, &mut config, &mut references),
        }
    }
    check_references(reader, &config, &references);
    config
}

/// A section's components, each of a known type; an unknown type is reported.
fn components(reader: &mut Reader<'_>, at: At, what: &str, kinds: &[&str]) -> Vec<(ComponentId, At)> {
    let entries = reader.entries(at, &format!("the {what}s section"));
    entries
        .into_iter()
        .filter_map(|(name, at)| {
            let id = ComponentId(name);
            if kinds.contains(&id.kind()) {
                return Some((id, at));
            }
            let help = if kinds.is_empty() {
                format!("the agent has no {what}s yet")
            } else {
                format!("the agent's {what}s are: {}", kinds.join(", "))
            };
            let key = at.key_of();
            reader.error(Code::UnsupportedComponent, key, format!("the agent has no {what} `{}`", id.kind()), help);
            None
        })
        .collect()
}

fn otlp_receiver(reader: &mut Reader<'_>, at: At, id: &ComponentId, base_dir: &Path) -> Option<OtlpReceiverConfig> {
    let mut receiver = OtlpReceiverConfig::default();
    for (key, at) in reader.settings(at, &id.0, &["protocols"]) {
        debug_assert_eq!(key, "protocols");
        for (protocol, at) in reader.settings(at, &format!("{id}::protocols"), &["grpc", "http"]) {
            let what = format!("{id}::protocols::{protocol}");
            if protocol == "grpc" {
                let mut grpc = GrpcServerConfig { endpoint: "localhost:4317".into(), max_recv_msg_size: 4 << 20, tls: None };
                for (key, at) in reader.settings(at, &what, &["endpoint", "max_recv_msg_size_mib", "tls"]) {
                    match key.as_str() {
                        "endpoint" => grpc.endpoint = reader.scalar(at, "`endpoint`")?,
                        "tls" => grpc.tls = Some(tls::server(reader, at, &format!("{what}::tls"), base_dir)?),
                        _ => grpc.max_recv_msg_size = reader.u64(at, "`max_recv_msg_size_mib`")? as usize * (1 << 20),
                    }
                }
                receiver.grpc = Some(grpc);
            } else {
                let mut http = HttpServerConfig { endpoint: "localhost:4318".into(), max_request_body_size: 20 << 20, tls: None };
                for (key, at) in reader.settings(at, &what, &["endpoint", "max_request_body_size", "tls"]) {
                    match key.as_str() {
                        "endpoint" => http.endpoint = reader.scalar(at, "`endpoint`")?,
                        "tls" => http.tls = Some(tls::server(reader, at, &format!("{what}::tls"), base_dir)?),
                        _ => http.max_request_body_size = reader.u64(at, "`max_request_body_size`")? as usize,
                    }
                }
                receiver.http = Some(http);
            }
        }
    }
    if receiver.grpc.is_none() && receiver.http.is_none() {
        let at = at.key_of();
        reader.error(
            Code::InvalidComponentSetting,
            at,
            format!("`{id}` has no protocol"),
            "add `protocols:` with `grpc:` and/or `http:`, as the collector requires",
        );
        return None;
    }
    Some(receiver)
}

/// The transform processor's keys, and the filter's (its OTTL is read by the analysis).
const TRANSFORM_KEYS: &[&str] = &["error_mode", "trace_statements", "metric_statements", "log_statements", "profile_statements"];
const FILTER_KEYS: &[&str] = &[
    "error_mode",
    "traces",
    "metrics",
    "logs",
    "profiles",
    "trace_conditions",
    "metric_conditions",
    "log_conditions",
    "profile_conditions",
];

fn processor(
    reader: &mut Reader<'_>,
    at: At,
    id: &ComponentId,
    options: &LoadOptions<'_>,
    reports: &mut Vec<FileReport>,
    references: &mut Vec<Reference>,
) -> Option<ProcessorConfig> {
    match id.kind() {
        "transform" => {
            reader.settings(at, &id.0, TRANSFORM_KEYS);
            Some(ProcessorConfig::Ottl { rule_sets: Vec::new(), prunes_empty: false })
        }
        "filter" => {
            for (key, at) in reader.settings(at, &id.0, FILTER_KEYS) {
                let contexts: &[&str] = match key.as_str() {
                    "traces" => &["resource", "span", "spanevent"],
                    "metrics" => &["resource", "metric", "datapoint"],
                    "logs" => &["resource", "log_record"],
                    "profiles" => &["resource", "profile"],
                    _ => continue,
                };
                reader.settings(at, &format!("{id}::{key}"), contexts);
            }
            Some(ProcessorConfig::Ottl { rule_sets: Vec::new(), prunes_empty: true })
        }
        "batch" => batch(reader, at, id).map(ProcessorConfig::Batch),
        "memory_limiter" => memory_limiter::memory_limiter(reader, at, id).map(ProcessorConfig::MemoryLimiter),
        _ => rules_processor(reader, at, id, options, reports, references),
    }
}

fn batch(reader: &mut Reader<'_>, at: At, id: &ComponentId) -> Option<BatchConfig> {
    let mut batch = BatchConfig::default();
    for (key, at) in reader.settings(at, &id.0, &["timeout", "send_batch_size", "send_batch_max_size"]) {
        match key.as_str() {
            "timeout" => batch.timeout = reader.duration(at, "`timeout`")?,
            "send_batch_size" => batch.send_batch_size = reader.u64(at, "`send_batch_size`")? as usize,
            _ => batch.send_batch_max_size = reader.u64(at, "`send_batch_max_size`")? as usize,
        }
    }
    if batch.send_batch_max_size != 0 && batch.send_batch_max_size < batch.send_batch_size {
        reader.error(
            Code::InvalidComponentSetting,
            at,
            format!("`{id}`: send_batch_max_size must be greater or equal to send_batch_size"),
            "raise send_batch_max_size, or set it to 0 for no limit",
        );
        return None;
    }
    Some(batch)
}

/// The rule-form processor, read as `ottlc` reads it; the exporters its routes name are
/// checked with every other reference.
fn rules_processor(
    reader: &mut Reader<'_>,
    at: At,
    id: &ComponentId,
    options: &LoadOptions<'_>,
    reports: &mut Vec<FileReport>,
    references: &mut Vec<Reference>,
) -> Option<ProcessorConfig> {
    let files = RuleFiles { base_dir: options.base_dir, texts: options.rule_texts, feature_gates: &options.feature_gates };
    let mut route_exporters = Vec::new();
    let read = read_rules_processor(reader, at, id, &files, reports, &mut route_exporters);
    references.extend(route_exporters.into_iter().map(|named| Reference {
        section: Section::Exporter,
        id: named.exporter,
        at: named.at,
        by: format!("`{id}` route `{}`", named.route),
        signal: None,
    }));
    let RulesProcessor { rule_set, routes, files } = read?;
    Some(ProcessorConfig::Rules { rule_set, routes, files })
}

const OTLP_EXPORTER_KEYS: &[&str] =
    &["endpoint", "headers", "compression", "timeout", "retry_on_failure", "sending_queue", "tls"];
const OTLP_HTTP_EXPORTER_KEYS: &[&str] = &[
    "endpoint",
    "traces_endpoint",
    "metrics_endpoint",
    "logs_endpoint",
    "profiles_endpoint",
    "headers",
    "compression",
    "timeout",
    "retry_on_failure",
    "sending_queue",
    "tls",
];

fn exporter(reader: &mut Reader<'_>, at: At, id: &ComponentId, base_dir: &Path) -> Option<ExporterConfig> {
    match id.kind() {
        "file" => {
            let mut path = None;
            for (key, at) in reader.settings(at, &id.0, &["path"]) {
                debug_assert_eq!(key, "path");
                path = Some(base_dir.join(reader.scalar(at, "`path`")?));
            }
            match path {
                Some(path) => Some(ExporterConfig::File { path }),
                None => {
                    let at = at.key_of();
                    reader.error(Code::InvalidComponentSetting, at, format!("`{id}` needs a `path`"), "add `path: ./out.json`");
                    None
                }
            }
        }
        "debug" => {
            let mut verbosity = Verbosity::Basic;
            for (_, at) in reader.settings(at, &id.0, &["verbosity"]) {
                verbosity = match reader.one_of(at, "`verbosity`", &["basic", "normal", "detailed"])?.as_str() {
                    "basic" => Verbosity::Basic,
                    "normal" => Verbosity::Normal,
                    _ => Verbosity::Detailed,
                };
            }
            Some(ExporterConfig::Debug { verbosity })
        }
        "agent_actions" => self_operation::agent_actions_exporter(reader, at, id).map(ExporterConfig::AgentActions),
        "otlp" | "otlp_grpc" => otlp_exporter(reader, at, id, OtlpProtocol::Grpc, base_dir),
        _ => otlp_exporter(reader, at, id, OtlpProtocol::Http, base_dir),
    }
}

fn otlp_exporter(
    reader: &mut Reader<'_>,
    at: At,
    id: &ComponentId,
    protocol: OtlpProtocol,
    base_dir: &Path,
) -> Option<ExporterConfig> {
    let known = if protocol == OtlpProtocol::Grpc { OTLP_EXPORTER_KEYS } else { OTLP_HTTP_EXPORTER_KEYS };
    let mut config = OtlpExporterConfig {
        protocol,
        endpoint: String::new(),
        signal_endpoints: BTreeMap::new(),
        headers: Vec::new(),
        // The collector compresses with gzip unless told otherwise.
        compression: Compression::Gzip,
        timeout: Duration::from_secs(if protocol == OtlpProtocol::Grpc { 5 } else { 30 }),
        retry: RetryConfig::default(),
        queue: QueueConfig::default(),
        tls: ClientTls::default(),
    };
    for (key, at) in reader.settings(at, &id.0, known) {
        match key.as_str() {
            "endpoint" => config.endpoint = reader.scalar(at, "`endpoint`")?,
            "headers" => {
                for (name, at) in reader.entries(at, "`headers`") {
                    let value = reader.scalar(at, &format!("header `{name}`"))?;
                    config.headers.push((name, value));
                }
            }
            "compression" => {
                config.compression = match reader.one_of(at, "`compression`", &["gzip", "zstd", "none", ""])?.as_str() {
                    "gzip" => Compression::Gzip,
                    "zstd" => Compression::Zstd,
                    _ => Compression::None,
                }
            }
            "timeout" => config.timeout = reader.duration(at, "`timeout`")?,
            "retry_on_failure" => config.retry = retry(reader, at, id)?,
            "sending_queue" => config.queue = queue(reader, at, id)?,
            "tls" => config.tls = tls::client(reader, at, &format!("{id}::tls"), base_dir)?,
            signal_endpoint => {
                let signal = signal_endpoint.strip_suffix("_endpoint").and_then(Signal::parse)?;
                let url = reader.scalar(at, &format!("`{signal_endpoint}`"))?;
                config.signal_endpoints.insert(signal, url);
            }
        }
    }
    if config.endpoint.is_empty() && config.signal_endpoints.is_empty() {
        let at = at.key_of();
        reader.error(
            Code::InvalidComponentSetting,
            at,
            format!("`{id}` needs an `endpoint`"),
            "add `endpoint: localhost:4317` (gRPC) or `endpoint: http://localhost:4318` (HTTP)",
        );
        return None;
    }
    Some(ExporterConfig::Otlp(Box::new(config)))
}

fn retry(reader: &mut Reader<'_>, at: At, id: &ComponentId) -> Option<RetryConfig> {
    let mut retry = RetryConfig::default();
    let keys = ["enabled", "initial_interval", "max_interval", "max_elapsed_time", "multiplier", "randomization_factor"];
    for (key, at) in reader.settings(at, &format!("{id}::retry_on_failure"), &keys) {
        match key.as_str() {
            "enabled" => retry.enabled = reader.bool(at, "`enabled`")?,
            "initial_interval" => retry.initial_interval = reader.duration(at, "`initial_interval`")?,
            "max_interval" => retry.max_interval = reader.duration(at, "`max_interval`")?,
            "max_elapsed_time" => retry.max_elapsed_time = reader.duration(at, "`max_elapsed_time`")?,
            // The collector's own checks: a backoff that grows, jitter within the interval.
            "multiplier" => {
                retry.multiplier = reader.number(at, "`multiplier`", |n| n > 0.0 && n.is_finite(), "positive")?;
            }
            _ => {
                let within = |n: f64| (0.0..=1.0).contains(&n);
                retry.randomization_factor = reader.number(at, "`randomization_factor`", within, "within [0, 1]")?;
            }
        }
    }
    Some(retry)
}

fn queue(reader: &mut Reader<'_>, at: At, id: &ComponentId) -> Option<QueueConfig> {
    let mut queue = QueueConfig::default();
    for (key, at) in reader.settings(at, &format!("{id}::sending_queue"), &["enabled", "num_consumers", "queue_size"]) {
        match key.as_str() {
            "enabled" => queue.enabled = reader.bool(at, "`enabled`")?,
            "num_consumers" => queue.num_consumers = (reader.u64(at, "`num_consumers`")? as usize).max(1),
            _ => queue.queue_size = (reader.u64(at, "`queue_size`")? as usize).max(1),
        }
    }
    Some(queue)
}

/// `service`: `pipelines`, `telemetry`, `extensions`.
fn service(reader: &mut Reader<'_>, at: At, config: &mut Config, references: &mut Vec<Reference>) {
    for (key, at) in reader.settings(at, "service", &["pipelines", "telemetry", "extensions"]) {
        match key.as_str() {
            "pipelines" => {
                for (id, at) in reader.entries(at, "`service::pipelines`") {
                    if let Some(pipeline) = pipeline(reader, at, id, references) {
                        config.pipelines.push(pipeline);
                    }
                }
            }
            "telemetry" => config.telemetry = telemetry(reader, at).unwrap_or_default(),
            _ => {
                for (name, at) in reader.strings(at, "`service::extensions`") {
                    let id = ComponentId(name);
                    let by = "`service::extensions`".to_string();
                    references.push(Reference { section: Section::Extension, id: id.clone(), at, by, signal: None });
                    config.service_extensions.push(id);
                }
            }
        }
    }
}

fn pipeline(reader: &mut Reader<'_>, at: At, id: String, references: &mut Vec<Reference>) -> Option<PipelineConfig> {
    let Some(signal) = Signal::parse(id.split('/').next().unwrap_or(&id)) else {
        let key = at.key_of();
        reader.error(
            Code::InvalidPipeline,
            key,
            format!("`{id}` is not a pipeline name"),
            "name it traces, metrics, logs or profiles, optionally with /NAME",
        );
        return None;
    };
    let mut pipeline = PipelineConfig { id, signal, receivers: Vec::new(), processors: Vec::new(), exporters: Vec::new() };
    for (key, at) in reader.settings(at, &format!("pipeline `{}`", pipeline.id), &["receivers", "processors", "exporters"]) {
        let section = match key.as_str() {
            "receivers" => Section::Receiver,
            "processors" => Section::Processor,
            _ => Section::Exporter,
        };
        let mut ids = Vec::new();
        for (name, at) in reader.strings(at, &format!("`{key}`")) {
            let by = format!("pipeline `{}`", pipeline.id);
            references.push(Reference { section, id: ComponentId(name.clone()), at, by, signal: Some(signal) });
            ids.push(ComponentId(name));
        }
        match key.as_str() {
            "receivers" => pipeline.receivers = ids,
            "processors" => pipeline.processors = ids,
            _ => pipeline.exporters = ids,
        }
    }
    if pipeline.receivers.is_empty() || pipeline.exporters.is_empty() {
        let key = at.key_of();
        reader.error(
            Code::InvalidPipeline,
            key,
            format!("pipeline `{}` needs at least one receiver and one exporter", pipeline.id),
            "list them under `receivers:` and `exporters:`",
        );
        return None;
    }
    Some(pipeline)
}

fn telemetry(reader: &mut Reader<'_>, at: At) -> Option<TelemetryConfig> {
    let mut telemetry = TelemetryConfig::default();
    for (key, at) in reader.settings(at, "service::telemetry", &["metrics", "logs"]) {
        if key == "logs" {
            reader.settings(at, "service::telemetry::logs", &["level"]);
            continue;
        }
        for (key, at) in reader.settings(at, "service::telemetry::metrics", &["level", "address"]) {
            if key == "level" {
                if reader.one_of(at, "`level`", &["none", "basic", "normal", "detailed"])? == "none" {
                    telemetry.metrics_address = None;
                }
            } else if telemetry.metrics_address.is_some() {
                let text = reader.scalar(at, "`address`")?;
                match resolve_address(&text) {
                    Some(address) => telemetry.metrics_address = Some(address),
                    None => {
                        reader.error(
                            Code::InvalidComponentSetting,
                            at,
                            format!("`{text}` is not an address"),
                            "write host:port, e.g. 127.0.0.1:8888",
                        );
                        return None;
                    }
                }
            }
        }
    }
    Some(telemetry)
}

/// `host:port` with `localhost` read as 127.0.0.1.
pub fn resolve_address(text: &str) -> Option<std::net::SocketAddr> {
    let (host, port) = text.rsplit_once(':')?;
    let host = if host == "localhost" || host.is_empty() { "127.0.0.1" } else { host.trim_matches(['[', ']']) };
    Some(std::net::SocketAddr::new(host.parse().ok()?, port.parse().ok()?))
}

/// The profiler makes only profiles, and the agent's telemetry only metrics (its signals)
/// and logs (its actions); the actions exporter takes only metrics. In another pipeline
/// each is a mistake the collector also refuses ("telemetry type is not supported").
fn check_signal(reader: &mut Reader<'_>, config: &Config, reference: &Reference) {
    let Some(signal) = reference.signal else { return };
    let (makes, what, fix): (&[Signal], _, _) = match reference.section {
        Section::Receiver => match config.receivers.get(&reference.id) {
            Some(ReceiverConfig::Profiling(_)) => (&[Signal::Profiles], "makes profiles", "list it in a `profiles` pipeline"),
            Some(ReceiverConfig::AgentTelemetry(_)) => (
                &[Signal::Metrics, Signal::Logs],
                "makes metrics and logs",
                "list it in a `metrics` pipeline (its signals) or a `logs` pipeline (its actions)",
            ),
            _ => return,
        },
        Section::Exporter => match config.exporters.get(&reference.id) {
            Some(ExporterConfig::AgentActions(_)) => (&[Signal::Metrics], "takes metrics", "list it in a `metrics` pipeline"),
            _ => return,
        },
        _ => return,
    };
    if !makes.contains(&signal) {
        let kind = reference.section.name();
        reader.error(
            Code::InvalidPipeline,
            reference.at,
            format!("{} uses {kind} `{}`, which {what}, not {}", reference.by, reference.id, signal.name()),
            fix,
        );
    }
}

/// Pipelines and routes name only defined components; each wrong name is reported where
/// it is written.
fn check_references(reader: &mut Reader<'_>, config: &Config, references: &[Reference]) {
    for reference in references {
        let defined = match reference.section {
            Section::Receiver => config.receivers.contains_key(&reference.id),
            Section::Processor => config.processors.contains_key(&reference.id),
            Section::Exporter => config.exporters.contains_key(&reference.id),
            Section::Extension => config.extensions.contains_key(&reference.id),
        };
        if defined {
            check_signal(reader, config, reference);
        }
        if !defined {
            let what = reference.section.name();
            reader.error(
                Code::InvalidPipeline,
                reference.at,
                format!("{} uses {what} `{}`, which is not defined", reference.by, reference.id),
                format!("define it under `{what}s:`, or remove it from the list"),
            );
        }
    }
}
