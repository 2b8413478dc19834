//! The fleet's config: where to listen, where the rule files are, and the groups of agents
//! with their selectors and rollout policy. A small YAML file (see the README's layout):
//!
//! ```yaml
//! listen: 127.0.0.1:4320
//! rules_dir: rules          # relative to this file
//! poll_interval: 1s
//! groups:
//!   - name: edge
//!     match:
//!       identifying: { service.name: checkout }
//!       non_identifying: { deployment.environment: prod }
//!     rollout: { canary_percent: 10, health_window: 60s }
//! tls: { cert_file: server.pem, key_file: server-key.pem }   # relative to this file
//! auth: { bearer_token: s3cret }
//! agents: { max: 10000, forget_after: 5m, retry_after: 30s }
//! ```

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::rollout::Policy;
use crate::selector::Selector;

/// The default OpAMP port and path (spec/OPAMP.md §1.1).
const DEFAULT_LISTEN: &str = "0.0.0.0:4320";
pub const DEFAULT_PATH: &str = "/v1/opamp";

#[derive(Clone, Debug)]
pub struct FleetConfig {
    pub listen: SocketAddr,
    /// The OpAMP endpoint's path; `/status` is beside it on the same port.
    pub path: String,
    pub rules_dir: PathBuf,
    /// How often the rules directory is read for changes.
    pub poll_interval: Duration,
    /// In order: an agent belongs to the first group whose selector it matches.
    pub groups: Vec<GroupConfig>,
    /// HTTPS and WSS instead of HTTP and WS, on the same port.
    pub tls: Option<TlsConfig>,
    /// The token every OpAMP request, and `/status`, must carry as `Authorization: Bearer TOKEN`.
    pub bearer_token: Option<String>,
    pub agents: AgentLimits,
}

/// How many agents the server keeps, and for how long.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AgentLimits {
    /// The most agents the server knows at once (about 23 KiB each over WebSocket, per
    /// fleet-bench); a new one beyond it is refused and told to retry after `retry_after`.
    pub max: usize,
    /// How long a gone agent (disconnected, or an HTTP agent that stopped polling) stays in
    /// the status, and holds a rollout it is a canary of, before the server forgets it.
    pub forget_after: Duration,
    /// What a refused agent is told to wait before it tries again.
    pub retry_after: Duration,
}

impl Default for AgentLimits {
    /// 10,000 agents: about 230 MiB over WebSocket. Forgotten 5 minutes after they went
    /// away: a restart or a network blip comes back well within it, and a rollout waits no
    /// longer for a canary that will not. Retry after 30 s, the OpAMP spec's recommended
    /// minimum.
    fn default() -> AgentLimits {
        AgentLimits { max: 10_000, forget_after: Duration::from_secs(300), retry_after: Duration::from_secs(30) }
    }
}

/// The server's certificate chain and private key, PEM files.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsConfig {
    pub cert_file: PathBuf,
    pub key_file: PathBuf,
}

#[derive(Clone, Debug)]
pub struct GroupConfig {
    pub name: String,
    pub selector: Selector,
    pub policy: Policy,
}

/// The file as written; [`FleetConfig::parse`] checks it and fills in the defaults.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    listen: Option<String>,
    path: Option<String>,
    rules_dir: Option<PathBuf>,
    poll_interval: Option<String>,
    #[serde(default)]
    groups: Vec<RawGroup>,
    tls: Option<TlsConfig>,
    auth: Option<RawAuth>,
    #[serde(default)]
    agents: RawAgents,
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAgents {
    max: Option<usize>,
    forget_after: Option<String>,
    retry_after: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAuth {
    bearer_token: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGroup {
    name: String,
    #[serde(default, rename = "match")]
    selector: RawSelector,
    #[serde(default)]
    rollout: RawRollout,
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSelector {
    #[serde(default)]
    identifying: BTreeMap<String, String>,
    #[serde(default)]
    non_identifying: BTreeMap<String, String>,
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRollout {
    canary_percent: Option<f64>,
    health_window: Option<String>,
}

impl FleetConfig {
    /// Reads the config at `path`; a relative `rules_dir` is relative to the file.
    pub fn load(path: &Path) -> Result<FleetConfig, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let base = path.parent().unwrap_or(Path::new("."));
        FleetConfig::parse(&text, base).map_err(|e| format!("{}: {e}", path.display()))
    }

    pub fn parse(text: &str, base: &Path) -> Result<FleetConfig, String> {
        let raw: RawConfig = serde_yaml::from_str(text).map_err(|e| e.to_string())?;
        let listen = raw.listen.as_deref().unwrap_or(DEFAULT_LISTEN);
        let listen = listen.parse().map_err(|e| format!("listen `{listen}`: {e}"))?;
        let path = raw.path.unwrap_or_else(|| DEFAULT_PATH.to_string());
        if !path.starts_with('/') || path == "/status" {
            return Err(format!("path `{path}` must start with `/` and not be `/status`"));
        }
        let rules_dir = base.join(raw.rules_dir.unwrap_or_else(|| PathBuf::from("rules")));
        let poll_interval = raw.poll_interval.as_deref().map(parse_duration).transpose()?.unwrap_or(Duration::from_secs(1));
        if poll_interval.is_zero() {
            return Err("poll_interval must be more than 0".into());
        }
        let mut groups: Vec<GroupConfig> = Vec::with_capacity(raw.groups.len());
        for group in raw.groups {
            if !is_directory_name(&group.name) {
                return Err(format!("group name `{}` must be a plain directory name", group.name));
            }
            if groups.iter().any(|g| g.name == group.name) {
                return Err(format!("group `{}` is defined twice", group.name));
            }
            let canary_percent = group.rollout.canary_percent.unwrap_or(100.0);
            if !(0.0..=100.0).contains(&canary_percent) {
                return Err(format!("group `{}`: canary_percent must be between 0 and 100", group.name));
            }
            let health_window = group.rollout.health_window.as_deref().map(parse_duration).transpose()?.unwrap_or(Duration::ZERO);
            groups.push(GroupConfig {
                selector: Selector { identifying: group.selector.identifying, non_identifying: group.selector.non_identifying },
                policy: Policy { canary_share: canary_percent / 100.0, health_window },
                name: group.name,
            });
        }
        let tls = raw.tls.map(|tls| TlsConfig { cert_file: base.join(tls.cert_file), key_file: base.join(tls.key_file) });
        let bearer_token = raw.auth.map(|auth| auth.bearer_token);
        if bearer_token.as_deref().is_some_and(|token| token.is_empty() || token.contains(char::is_whitespace)) {
            return Err("auth bearer_token must be non-empty, without spaces".into());
        }
        let agents = agent_limits(raw.agents)?;
        Ok(FleetConfig { listen, path, rules_dir, poll_interval, groups, tls, bearer_token, agents })
    }
}

fn agent_limits(raw: RawAgents) -> Result<AgentLimits, String> {
    let defaults = AgentLimits::default();
    let max = raw.max.unwrap_or(defaults.max);
    if max == 0 {
        return Err("agents max must be at least 1".into());
    }
    let forget_after = raw.forget_after.as_deref().map(parse_duration).transpose()?.unwrap_or(defaults.forget_after);
    let retry_after = raw.retry_after.as_deref().map(parse_duration).transpose()?.unwrap_or(defaults.retry_after);
    // Retry-After counts whole seconds.
    if retry_after < Duration::from_secs(1) {
        return Err("agents retry_after must be at least 1s".into());
    }
    Ok(AgentLimits { max, forget_after, retry_after })
}

/// A group's rules live in a subdirectory of its name: no separators, no `.` or `..`.
fn is_directory_name(name: &str) -> bool {
    !name.is_empty() && name != "." && name != ".." && !name.contains(['/', '\\', '\0'])
}

/// `250ms`, `10s`, `2m`, `1h`.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number.parse().map_err(|_| format!("`{text}` is not a duration like 500ms, 10s or 2m"))?;
    let millis = match unit.trim() {
        "ms" => 1,
        "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        _ => return Err(format!("`{text}` is not a duration like 500ms, 10s or 2m")),
    };
    Ok(Duration::from_millis(number.saturating_mul(millis)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_config() {
        let text = "listen: 127.0.0.1:0\nrules_dir: r\npoll_interval: 250ms\ngroups:\n  - name: edge\n    match:\n      identifying: { service.name: checkout }\n    rollout: { canary_percent: 25, health_window: 2s }\n  - name: rest\n";
        let config = FleetConfig::parse(text, Path::new("/etc/fleet")).unwrap();
        assert_eq!(config.rules_dir, PathBuf::from("/etc/fleet/r"));
        assert_eq!(config.poll_interval, Duration::from_millis(250));
        assert_eq!(config.path, DEFAULT_PATH);
        assert_eq!(config.groups[0].policy, Policy { canary_share: 0.25, health_window: Duration::from_secs(2) });
        assert_eq!(config.groups[0].selector.identifying["service.name"], "checkout");
        assert_eq!(config.groups[1].policy, Policy { canary_share: 1.0, health_window: Duration::ZERO });
        assert!(config.tls.is_none() && config.bearer_token.is_none());
        assert_eq!(config.agents, AgentLimits::default());
    }

    #[test]
    fn agent_limits() {
        let text = "agents: { max: 50, forget_after: 90s, retry_after: 2m }\n";
        let config = FleetConfig::parse(text, Path::new(".")).unwrap();
        let expected = AgentLimits { max: 50, forget_after: Duration::from_secs(90), retry_after: Duration::from_secs(120) };
        assert_eq!(config.agents, expected);
        let config = FleetConfig::parse("agents: { max: 7 }\n", Path::new(".")).unwrap();
        assert_eq!(config.agents, AgentLimits { max: 7, ..AgentLimits::default() });
    }

    #[test]
    fn tls_and_auth() {
        let text = "tls: { cert_file: s.pem, key_file: k.pem }\nauth: { bearer_token: s3cret }\n";
        let config = FleetConfig::parse(text, Path::new("/etc/fleet")).unwrap();
        let tls = config.tls.unwrap();
        assert_eq!((tls.cert_file, tls.key_file), (PathBuf::from("/etc/fleet/s.pem"), PathBuf::from("/etc/fleet/k.pem")));
        assert_eq!(config.bearer_token.as_deref(), Some("s3cret"));
    }

    #[test]
    fn mistakes_are_errors() {
        for (text, fragment) in [
            ("groups:\n  - name: ../x\n", "plain directory name"),
            ("groups:\n  - name: a\n  - name: a\n", "twice"),
            ("groups:\n  - name: a\n    rollout: { canary_percent: 150 }\n", "between 0 and 100"),
            ("poll_interval: soon\n", "not a duration"),
            ("listen: nowhere\n", "listen"),
            ("groups:\n  - name: a\n    matches: {}\n", "unknown field"),
            ("auth: { bearer_token: \"\" }\n", "bearer_token"),
            ("tls: { cert_file: s.pem }\n", "key_file"),
            ("agents: { max: 0 }\n", "at least 1"),
            ("agents: { max: -1 }\n", "agents.max"),
            ("agents: { retry_after: 500ms }\n", "at least 1s"),
            ("agents: { forget_after: later }\n", "not a duration"),
            ("agents: { maximum: 3 }\n", "unknown field"),
        ] {
            let error = FleetConfig::parse(text, Path::new(".")).unwrap_err();
            assert!(error.contains(fragment), "{text:?}: {error}");
        }
    }
}
