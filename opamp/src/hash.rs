//! A config map's hash. The spec leaves `config_hash` to the server (it is opaque to the
//! agent and need only be collision-free in practice), so an agent that verifies it must
//! know how its servers compute it. [`config_hash`] is ours (spec/OPAMP.md §3.5's
//! recommendation); [`known_hashes`] adds the ways of the servers in the wild, so that an
//! agent can check a hash from any of them.

use sha2::{Digest, Sha256};

use crate::proto::AgentConfigMap;

/// SHA-256 over the entries in name order, each as its name, content type and body, every
/// one preceded by its length as 8 bytes big-endian: no two maps share an encoding.
pub fn config_hash(map: &AgentConfigMap) -> Vec<u8> {
    let mut hash = Sha256::new();
    for (name, file) in &map.config_map {
        for part in [name.as_bytes(), file.content_type.as_bytes(), &file.body] {
            hash.update((part.len() as u64).to_be_bytes());
            hash.update(part);
        }
    }
    hash.finalize().to_vec()
}

/// opamp-go's example server: SHA-256 over each entry's name, body and content type,
/// concatenated (in Go's map order, which is name order for the one entry it sends).
fn opamp_go_example_hash(map: &AgentConfigMap) -> Vec<u8> {
    let mut hash = Sha256::new();
    for (name, file) in &map.config_map {
        hash.update(name.as_bytes());
        hash.update(&file.body);
        hash.update(file.content_type.as_bytes());
    }
    hash.finalize().to_vec()
}

/// Elastic's mock server: SHA-256 over the entries in name order, each as
/// `name NUL content_type NUL body NUL`.
fn elastic_mock_hash(map: &AgentConfigMap) -> Vec<u8> {
    let mut hash = Sha256::new();
    for (name, file) in &map.config_map {
        for part in [name.as_bytes(), file.content_type.as_bytes(), &file.body] {
            hash.update(part);
            hash.update([0]);
        }
    }
    hash.finalize().to_vec()
}

/// Every hash of `map` a known server would send: ours first.
pub fn known_hashes(map: &AgentConfigMap) -> [Vec<u8>; 3] {
    [config_hash(map), opamp_go_example_hash(map), elastic_mock_hash(map)]
}

/// Whether `hash` is the hash of `map` as one of the known servers computes it.
pub fn verify(map: &AgentConfigMap, hash: &[u8]) -> bool {
    known_hashes(map).iter().any(|known| known.as_slice() == hash)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::AgentConfigFile;

    fn map(entries: &[(&str, &str)]) -> AgentConfigMap {
        let config_map = entries
            .iter()
            .map(|(name, body)| {
                (name.to_string(), AgentConfigFile { body: body.as_bytes().to_vec(), content_type: "text/plain".into() })
            })
            .collect();
        AgentConfigMap { config_map }
    }

    #[test]
    fn the_hash_tells_apart_what_concatenation_would_not() {
        // Moving bytes from a name into its body changes the hash.
        assert_ne!(config_hash(&map(&[("ab", "c")])), config_hash(&map(&[("a", "bc")])));
        assert_eq!(config_hash(&map(&[("a", "1"), ("b", "2")])), config_hash(&map(&[("b", "2"), ("a", "1")])));
    }

    #[test]
    fn every_known_scheme_verifies_and_a_changed_body_does_not() {
        let rules = map(&[("rules.ottl", "drop() where true")]);
        for hash in known_hashes(&rules) {
            assert!(verify(&rules, &hash));
        }
        let changed = map(&[("rules.ottl", "drop() where false")]);
        assert!(!verify(&changed, &config_hash(&rules)));
        assert!(!verify(&rules, b""));
    }
}
