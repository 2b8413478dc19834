//! Who the agent is to its server: an instance uid (a UUIDv7 made once and kept in the
//! state directory, so that a restart is the same agent), its description and capabilities.

use std::path::{Path, PathBuf};

use ottl_opamp::capabilities::agent;
use ottl_opamp::proto::{AgentDescription, KeyValue};
use uuid::Uuid;

use super::state_file;
use crate::config::OpAmpConfig;
use crate::host;

/// The file in the state directory that holds the uid, as UUID text.
const UID_FILE: &str = "opamp-instance-uid";

/// `state_directory`, else `$XDG_STATE_HOME/ottl-agent`, else `~/.local/state/ottl-agent`.
pub fn state_directory(config: &OpAmpConfig) -> PathBuf {
    if let Some(dir) = &config.state_directory {
        return dir.clone();
    }
    let base = std::env::var_os("XDG_STATE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".local/state")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("ottl-agent")
}

/// The configured uid, else the one kept in `dir`, else a new UUIDv7 written there.
pub fn instance_uid(config: &OpAmpConfig, dir: &Path) -> Result<Uuid, String> {
    if let Some(uid) = config.instance_uid {
        return Ok(Uuid::from_bytes(uid));
    }
    let path = dir.join(UID_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => Uuid::parse_str(text.trim()).map_err(|e| format!("{} holds no instance uid: {e}", path.display())),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            let uid = Uuid::now_v7();
            keep_instance_uid(dir, uid)?;
            Ok(uid)
        }
        Err(error) => Err(format!("cannot read {}: {error}", path.display())),
    }
}

/// Writes `uid` to the state directory (a server may assign a new one).
pub fn keep_instance_uid(dir: &Path, uid: Uuid) -> Result<(), String> {
    state_file::replace(dir, UID_FILE, format!("{uid}\n").as_bytes())
        .map_err(|error| format!("cannot keep the instance uid in {}: {error}", dir.join(UID_FILE).display()))
}

/// What the agent can do: report its status, take remote rules and say how they went,
/// send heartbeats; its effective config and health when configured to.
pub fn capabilities(config: &OpAmpConfig) -> u64 {
    let mut capabilities =
        agent::REPORTS_STATUS | agent::ACCEPTS_REMOTE_CONFIG | agent::REPORTS_REMOTE_CONFIG | agent::REPORTS_HEARTBEAT;
    if config.reports_effective_config {
        capabilities |= agent::REPORTS_EFFECTIVE_CONFIG;
    }
    if config.reports_health {
        capabilities |= agent::REPORTS_HEALTH;
    }
    capabilities
}

/// The agent as its own telemetry's resource would describe it, and the host.
pub fn description(config: &OpAmpConfig, uid: Uuid) -> AgentDescription {
    let identifying = vec![
        KeyValue::string("service.name", "ottl-agent"),
        KeyValue::string("service.version", env!("CARGO_PKG_VERSION")),
        KeyValue::string("service.instance.id", uid.to_string()),
    ];
    let mut non_identifying = vec![KeyValue::string("os.type", std::env::consts::OS)];
    if let Some(host) = host::name() {
        non_identifying.push(KeyValue::string("host.name", host));
    }
    non_identifying.extend(config.non_identifying_attributes.iter().map(|(key, value)| KeyValue::string(key, value)));
    AgentDescription { identifying_attributes: identifying, non_identifying_attributes: non_identifying }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_uid_is_made_once_and_kept() {
        let dir = std::env::temp_dir().join(format!("ottl-agent-uid-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let config = crate::config::load_valid(
            "extensions:\n  opamp:\n    server:\n      ws:\n        endpoint: ws://127.0.0.1:1/v1/opamp\n",
        );
        let Some(crate::config::ExtensionConfig::OpAmp(opamp)) = config.extensions.values().next() else { panic!() };
        let first = instance_uid(opamp, &dir).unwrap();
        assert_eq!(first.get_version_num(), 7);
        assert_eq!(instance_uid(opamp, &dir).unwrap(), first);
        std::fs::write(dir.join(UID_FILE), "garbage").unwrap();
        assert!(instance_uid(opamp, &dir).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
