//! Extensions: components outside the pipelines. The agent has the collector's
//! `health_check` (contrib `healthcheckextension`, v0.161.0, its legacy HTTP form) and
//! `opamp` (contrib `opampextension`).

use std::path::Path;

use ottl_grammar::Code;

use super::ComponentId;
use super::opamp::{self, OpAmpConfig};
use ottl_pipeline::settings::{At, Reader};

pub const EXTENSIONS: &[&str] = &["health_check", "opamp"];

#[derive(Clone, Debug)]
pub enum ExtensionConfig {
    HealthCheck(HealthCheckConfig),
    /// Boxed: with its `tls`, far larger than the health check.
    OpAmp(Box<OpAmpConfig>),
}

/// `health_check`: an HTTP endpoint answering 200 while the agent runs and 503 while it
/// starts or stops.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HealthCheckConfig {
    pub endpoint: String,
    pub path: String,
    /// `response_body`: bodies replacing the default JSON status.
    pub healthy_body: Option<String>,
    pub unhealthy_body: Option<String>,
}

impl Default for HealthCheckConfig {
    fn default() -> Self {
        HealthCheckConfig { endpoint: "localhost:13133".into(), path: "/".into(), healthy_body: None, unhealthy_body: None }
    }
}

pub fn extension(reader: &mut Reader<'_>, at: At, id: &ComponentId, base_dir: &Path) -> Option<ExtensionConfig> {
    match id.kind() {
        "opamp" => opamp::extension(reader, at, id, base_dir).map(|config| ExtensionConfig::OpAmp(Box::new(config))),
        _ => health_check(reader, at, id).map(ExtensionConfig::HealthCheck),
    }
}

fn health_check(reader: &mut Reader<'_>, at: At, id: &ComponentId) -> Option<HealthCheckConfig> {
    let mut config = HealthCheckConfig::default();
    let keys = ["endpoint", "path", "response_body", "check_collector_pipeline"];
    for (key, at) in reader.settings(at, &id.0, &keys) {
        match key.as_str() {
            "endpoint" => config.endpoint = reader.scalar(at, "`endpoint`")?,
            "path" => config.path = reader.scalar(at, "`path`")?,
            "response_body" => {
                for (key, at) in reader.settings(at, &format!("{id}::response_body"), &["healthy", "unhealthy"]) {
                    let body = reader.scalar(at, &format!("`{key}`"))?;
                    match key.as_str() {
                        "healthy" => config.healthy_body = Some(body),
                        _ => config.unhealthy_body = Some(body),
                    }
                }
            }
            _ => check_collector_pipeline(reader, at, id)?,
        }
    }
    if !config.path.starts_with('/') {
        reader.error(
            Code::InvalidComponentSetting,
            at.key_of(),
            format!("`{id}`: `path` must start with `/`"),
            "write a path such as /health",
        );
        return None;
    }
    Some(config)
}

/// The deprecated pipeline check: its settings are read, and only its default (off) is
/// accepted; the collector's own documentation advises against turning it on.
fn check_collector_pipeline(reader: &mut Reader<'_>, at: At, id: &ComponentId) -> Option<()> {
    let keys = ["enabled", "interval", "exporter_failure_threshold"];
    for (key, at) in reader.settings(at, &format!("{id}::check_collector_pipeline"), &keys) {
        match key.as_str() {
            "enabled" => {
                if reader.bool(at, "`enabled`")? {
                    reader.error(
                        Code::InvalidComponentSetting,
                        at,
                        "the agent does not check pipelines through health_check",
                        "remove `check_collector_pipeline` (the collector deprecates it); /metrics counts exporter failures",
                    );
                    return None;
                }
            }
            "interval" => drop(reader.duration(at, "`interval`")?),
            _ => drop(reader.u64(at, "`exporter_failure_threshold`")?),
        }
    }
    Some(())
}
