//! The last remote config the agent applied, kept in the state directory next to the
//! instance uid, so that a restarted agent runs it from its first record instead of its
//! local rule files until a server (perhaps unreachable) offers it again. Only an APPLIED
//! config is kept: one that failed never ran. It is replaced at once ([`state_file`]).
//!
//! opamp-go's supervisor keeps the last *received* config (`last_recv_remote_config.dat`,
//! the `AgentRemoteConfig` as protobuf) and composes its collector's config from it at
//! start; this keeps the same message, but only once applied.

use std::path::{Path, PathBuf};

use ottl_opamp::proto::AgentRemoteConfig;
use prost::Message;

use super::state_file;

/// The file in the state directory that holds the config, an `AgentRemoteConfig` (its
/// config map and hash) as protobuf.
const SAVED_FILE: &str = "opamp-remote-config.pb";

/// Where the config is kept in `dir`.
pub fn path(dir: &Path) -> PathBuf {
    dir.join(SAVED_FILE)
}

/// Keeps `remote` in `dir`, replacing what was there at once.
pub fn save(dir: &Path, remote: &AgentRemoteConfig) -> Result<(), String> {
    state_file::replace(dir, SAVED_FILE, &remote.encode_to_vec())
        .map_err(|error| format!("cannot keep the remote config in {}: {error}", path(dir).display()))
}

/// Forgets the config kept in `dir`: the local files run at the next start.
pub fn forget(dir: &Path) -> Result<(), String> {
    match std::fs::remove_file(path(dir)) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
            Err(format!("cannot remove the saved remote config {}: {error}", path(dir).display()))
        }
        _ => Ok(()),
    }
}

/// The config kept in `dir`; `None` when there is none. An unreadable or undecodable file
/// is an error that says which file.
pub fn load(dir: &Path) -> Result<Option<AgentRemoteConfig>, String> {
    let path = path(dir);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(format!("cannot read the saved remote config {}: {error}", path.display())),
    };
    AgentRemoteConfig::decode(bytes.as_slice())
        .map(Some)
        .map_err(|error| format!("{} holds no saved remote config: {error}", path.display()))
}

#[cfg(test)]
mod tests {
    use ottl_opamp::hash::config_hash;
    use ottl_opamp::proto::{AgentConfigFile, AgentConfigMap};

    use super::*;

    #[test]
    fn a_saved_config_loads_back_and_garbage_is_an_error() {
        let dir = std::env::temp_dir().join(format!("ottl-agent-saved-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(load(&dir), Ok(None), "nothing saved yet");
        let file = AgentConfigFile { body: b"set(log.body, \"x\")".to_vec(), content_type: "text/plain".into() };
        let map = AgentConfigMap { config_map: [("rules.ottl".to_string(), file)].into() };
        let remote = AgentRemoteConfig { config_hash: config_hash(&map), config: Some(map) };
        save(&dir, &remote).unwrap();
        assert_eq!(load(&dir), Ok(Some(remote)));
        assert!(!dir.join(format!("{SAVED_FILE}.tmp")).exists(), "the temporary file was renamed");
        std::fs::write(path(&dir), "garbage").unwrap();
        assert!(load(&dir).unwrap_err().contains(SAVED_FILE));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
