//! What a remote config means to the agent (spec §3.5, §3.6): an entry `config.yaml`
//! replaces the whole config; an entry `NAME.ottl` replaces the rule file `NAME.ottl` in
//! every `rules` processor's `files`. Any other entry makes the whole offer FAILED, so
//! that a server never believes a config runs that the agent cannot place. An offer whose
//! hash is not the hash of its config (as any known server computes it) is FAILED too.

use std::time::Instant;

use ottl_opamp::hash;
use ottl_opamp::proto::AgentRemoteConfig;

use crate::rules::{CONFIG_ENTRY, RemoteFiles};

/// The extension of rule files.
const RULE_FILE_SUFFIX: &str = ".ottl";

/// An offer to act on: its hash (echoed in every status about it) and the files it
/// carries, or why it cannot be applied; the offer as it came, to be saved once applied;
/// when its message arrived, to tell how long the swap took.
pub struct Offer {
    pub hash: Vec<u8>,
    pub files: Result<RemoteFiles, String>,
    pub remote: AgentRemoteConfig,
    pub received: Instant,
}

/// The offer in `remote`, unless it is the one last acted on (`last_hash`): a server may
/// send the same offer again, and acting on it again would make the two ping-pong.
pub fn offer(remote: &AgentRemoteConfig, last_hash: Option<&[u8]>) -> Option<Offer> {
    let received = Instant::now();
    if last_hash == Some(remote.config_hash.as_slice()) {
        return None;
    }
    Some(Offer { hash: remote.config_hash.clone(), files: files(remote), remote: remote.clone(), received })
}

/// The files `remote` carries, its hash verified, or why it cannot be applied.
pub fn files(remote: &AgentRemoteConfig) -> Result<RemoteFiles, String> {
    let Some(map) = &remote.config else {
        return Err("the remote config has a new hash but no config".into());
    };
    if !hash::verify(map, &remote.config_hash) {
        return Err("config_hash is not the hash of the config sent with it; nothing was applied".into());
    }
    let mut files = RemoteFiles::default();
    let mut unknown = Vec::new();
    for (name, file) in &map.config_map {
        let text = || String::from_utf8(file.body.clone()).map_err(|_| format!("{name} is not UTF-8 text"));
        if name == CONFIG_ENTRY {
            files.config_yaml = Some(text()?);
        } else if name.ends_with(RULE_FILE_SUFFIX) && !name.contains('/') && name.len() > RULE_FILE_SUFFIX.len() {
            files.rule_texts.insert(name.clone(), text()?);
        } else {
            unknown.push(format!("`{name}`"));
        }
    }
    if !unknown.is_empty() {
        return Err(format!(
            "the agent takes `{CONFIG_ENTRY}` and rule files named `NAME.ottl`, not {}; nothing was applied",
            unknown.join(", ")
        ));
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use ottl_opamp::proto::{AgentConfigFile, AgentConfigMap};

    use super::*;

    fn offer_of(entries: &[(&str, &[u8])]) -> AgentRemoteConfig {
        let config_map = entries
            .iter()
            .map(|(name, body)| (name.to_string(), AgentConfigFile { body: body.to_vec(), content_type: String::new() }))
            .collect();
        let map = AgentConfigMap { config_map };
        AgentRemoteConfig { config_hash: hash::config_hash(&map), config: Some(map) }
    }

    #[test]
    fn rule_files_and_the_config_are_taken() {
        let remote = offer_of(&[("rules.ottl", b"drop() where true"), ("config.yaml", b"receivers: {}")]);
        let files = offer(&remote, None).unwrap().files.unwrap();
        assert_eq!(files.rule_texts["rules.ottl"], "drop() where true");
        assert_eq!(files.config_yaml.as_deref(), Some("receivers: {}"));
        assert!(offer(&remote, Some(&remote.config_hash)).is_none(), "the same offer again is ignored");
    }

    #[test]
    fn other_entries_a_wrong_hash_and_binary_bodies_fail() {
        let failure = |remote: &AgentRemoteConfig| offer(remote, None).unwrap().files.unwrap_err();
        assert!(failure(&offer_of(&[("rules.ottl", b"x"), ("", b"y")])).contains("not ``"));
        assert!(failure(&offer_of(&[("dir/rules.ottl", b"x")])).contains("dir/rules.ottl"));
        assert!(failure(&offer_of(&[("rules.ottl", &[0xff, 0xfe])])).contains("not UTF-8"));
        let mut wrong = offer_of(&[("rules.ottl", b"x")]);
        wrong.config_hash[0] ^= 1;
        assert!(failure(&wrong).contains("config_hash"));
    }
}
