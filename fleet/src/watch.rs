//! Watches the rules directory by reading it every `poll_interval` and comparing each
//! group's files by content hash.
//!
//! Polling rather than inotify (`notify`): the directory is small, so a read per second is
//! cheap; it sees every way a file can change (editors that write a new file and rename it
//! over the old one, a `git checkout`, ConfigMap volumes that swap a symlink, network file
//! systems that send no events) the same way; and comparing contents means a touch with no
//! change offers nothing. A change is checked once it has held for one more poll, so that
//! a file caught half-written is not taken (it would fail the checks, or worse, pass them).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ottl_opamp::hash::config_hash;

use crate::fleet::Fleet;
use crate::ruleset;

/// Per group: the hash last checked, and a newer one waiting to hold for a poll.
#[derive(Default)]
struct Seen {
    checked: Option<Vec<u8>>,
    pending: Option<Vec<u8>>,
}

impl Seen {
    /// Whether content with `hash` should be checked now. `settle`: only if it was already
    /// seen on the previous poll.
    fn ready(&mut self, hash: &[u8], settle: bool) -> bool {
        if self.checked.as_deref() == Some(hash) {
            self.pending = None;
            return false;
        }
        if settle && self.pending.as_deref() != Some(hash) {
            self.pending = Some(hash.to_vec());
            return false;
        }
        self.checked = Some(hash.to_vec());
        self.pending = None;
        true
    }
}

/// Reads, checks and offers every group's rule files, now and then on every change.
pub async fn watch(fleet: Arc<Mutex<Fleet>>, rules_dir: PathBuf, poll_interval: Duration) {
    let groups = match fleet.lock() {
        Ok(fleet) => fleet.group_names(),
        Err(_) => return,
    };
    let mut seen: HashMap<String, Seen> = HashMap::new();
    let mut first = true;
    let mut interval = tokio::time::interval(poll_interval);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        for group in &groups {
            let config = match ruleset::read(&rules_dir, group) {
                Ok(config) => config,
                Err(error) => {
                    tracing::warn!(group, "{error}");
                    continue;
                }
            };
            if !seen.entry(group.clone()).or_default().ready(&config_hash(&config), !first) {
                continue;
            }
            let checked = {
                let group = group.clone();
                let config = config.clone();
                tokio::task::spawn_blocking(move || ruleset::check(&group, &config)).await
            };
            let Ok(verdict) = checked else { continue };
            match fleet.lock() {
                Ok(mut fleet) => fleet.offer_rules(group, config, verdict, Instant::now()),
                Err(_) => return,
            }
        }
        first = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_is_checked_once_it_held_for_a_poll() {
        let mut seen = Seen::default();
        assert!(seen.ready(b"a", false), "the first read is checked at once");
        assert!(!seen.ready(b"a", true));
        assert!(!seen.ready(b"b", true), "b is new");
        assert!(!seen.ready(b"c", true), "c replaced b before it held");
        assert!(seen.ready(b"c", true));
        assert!(!seen.ready(b"c", true), "checked once");
    }
}
