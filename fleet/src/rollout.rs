//! Staged rollout of one group's new generation: a canary share of the group's agents gets
//! it first; the rest get it only when every canary has reported it `APPLIED` and stayed
//! healthy for the health window. A canary that reports `FAILED`, or turns unhealthy after
//! applying it, halts the rollout: the rest keep the previous generation until the rule
//! files change again.
//!
//! Pure state: the fleet feeds it what the canaries report and the time.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use crate::registry::Uid;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Policy {
    /// The share of the group's connected agents that are canaries, 0.0–1.0; at least one
    /// agent when the share is above 0. 1.0 (the default) offers everyone at once.
    pub canary_share: f64,
    /// How long the canaries must stay `APPLIED` and healthy before the rest get it.
    pub health_window: Duration,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Phase {
    /// Only the canaries are offered the new generation. `healthy_since`: since when every
    /// connected canary has reported it applied and healthy.
    Canary { canaries: BTreeSet<Uid>, healthy_since: Option<Instant> },
    /// Every agent of the group is offered it.
    Complete,
    /// A canary failed; only the canaries are offered it.
    Halted { canaries: BTreeSet<Uid>, reason: String },
}

/// What a canary reports about the generation being rolled out.
#[derive(Clone, Debug, PartialEq)]
pub enum CanaryReport {
    /// Disconnected: it neither holds the rollout back nor lets it go on alone.
    Gone,
    /// Not yet `APPLIED` (nothing reported for this generation, or `APPLYING`).
    Pending,
    Applied {
        healthy: bool,
        last_error: String,
    },
    Failed {
        error_message: String,
    },
}

impl Phase {
    /// The first phase of a rollout to `members` (the group's connected agents).
    pub fn start(policy: &Policy, members: &BTreeSet<Uid>, now: Instant) -> Phase {
        let count = canary_count(policy.canary_share, members.len());
        if count == 0 {
            return Phase::Complete;
        }
        Phase::Canary { canaries: members.iter().take(count).cloned().collect(), healthy_since: None }.advance(
            policy,
            now,
            |_| CanaryReport::Pending,
        )
    }

    pub fn is_canary(&self, uid: &Uid) -> bool {
        match self {
            Phase::Canary { canaries, .. } | Phase::Halted { canaries, .. } => canaries.contains(uid),
            Phase::Complete => false,
        }
    }

    /// The next phase, given what each canary reports.
    pub fn advance(self, policy: &Policy, now: Instant, report: impl Fn(&Uid) -> CanaryReport) -> Phase {
        let Phase::Canary { canaries, healthy_since } = self else {
            return self;
        };
        let mut all_applied = true;
        let mut any_present = false;
        for uid in &canaries {
            match report(uid) {
                CanaryReport::Gone => {}
                CanaryReport::Pending => {
                    any_present = true;
                    all_applied = false;
                }
                CanaryReport::Applied { healthy: true, .. } => any_present = true,
                CanaryReport::Applied { healthy: false, last_error } => {
                    let reason = format!("canary {uid} turned unhealthy after applying it: {last_error}");
                    return Phase::Halted { canaries, reason };
                }
                CanaryReport::Failed { error_message } => {
                    let reason = format!("canary {uid} reported FAILED: {error_message}");
                    return Phase::Halted { canaries, reason };
                }
            }
        }
        if !(all_applied && any_present) {
            return Phase::Canary { canaries, healthy_since: None };
        }
        let since = healthy_since.unwrap_or(now);
        if now.saturating_duration_since(since) >= policy.health_window {
            Phase::Complete
        } else {
            Phase::Canary { canaries, healthy_since: Some(since) }
        }
    }
}

/// `share` of `members` agents, rounded up, so that any share above 0 has a canary.
fn canary_count(share: f64, members: usize) -> usize {
    if share <= 0.0 {
        return 0;
    }
    ((share * members as f64).ceil() as usize).clamp(1, members.max(1)).min(members)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uids(count: u8) -> BTreeSet<Uid> {
        (0..count).map(|n| Uid(vec![n; 16])).collect()
    }

    fn policy(share: f64, window_ms: u64) -> Policy {
        Policy { canary_share: share, health_window: Duration::from_millis(window_ms) }
    }

    #[test]
    fn canaries_are_a_rounded_up_share() {
        assert_eq!(canary_count(0.1, 25), 3);
        assert_eq!(canary_count(0.01, 5), 1);
        assert_eq!(canary_count(0.0, 5), 0);
        assert_eq!(canary_count(1.0, 5), 5);
        assert_eq!(canary_count(0.5, 0), 0);
        let now = Instant::now();
        let Phase::Canary { canaries, .. } = Phase::start(&policy(0.5, 0), &uids(4), now) else { panic!("not canary") };
        assert_eq!(canaries, uids(2));
        assert_eq!(Phase::start(&policy(0.0, 0), &uids(4), now), Phase::Complete);
        assert_eq!(Phase::start(&policy(0.5, 0), &BTreeSet::new(), now), Phase::Complete);
    }

    #[test]
    fn the_rest_wait_for_the_health_window() {
        let policy = policy(0.5, 1_000);
        let start = Instant::now();
        let phase = Phase::start(&policy, &uids(4), start);
        let applied = |_: &Uid| CanaryReport::Applied { healthy: true, last_error: String::new() };
        let phase = phase.advance(&policy, start, applied);
        assert!(matches!(phase, Phase::Canary { healthy_since: Some(_), .. }));
        let phase = phase.advance(&policy, start + Duration::from_millis(500), applied);
        assert!(matches!(phase, Phase::Canary { .. }));
        // One canary still applying resets the window.
        let half = |uid: &Uid| if uid.0[0] == 0 { CanaryReport::Pending } else { applied(uid) };
        let phase = phase.advance(&policy, start + Duration::from_millis(900), half);
        assert!(matches!(phase, Phase::Canary { healthy_since: None, .. }));
        let phase = phase.advance(&policy, start + Duration::from_millis(1_000), applied);
        assert!(matches!(phase, Phase::Canary { .. }));
        assert_eq!(phase.advance(&policy, start + Duration::from_millis(2_000), applied), Phase::Complete);
    }

    #[test]
    fn a_failed_or_unhealthy_canary_halts() {
        let policy = policy(0.5, 0);
        let now = Instant::now();
        let failed = Phase::start(&policy, &uids(4), now)
            .advance(&policy, now, |_| CanaryReport::Failed { error_message: "bad rule".into() });
        assert!(matches!(&failed, Phase::Halted { reason, .. } if reason.contains("FAILED: bad rule")), "{failed:?}");
        let sick = Phase::start(&policy, &uids(4), now)
            .advance(&policy, now, |_| CanaryReport::Applied { healthy: false, last_error: "exporter down".into() });
        assert!(matches!(&sick, Phase::Halted { reason, .. } if reason.contains("exporter down")), "{sick:?}");
        // Halted stays halted.
        let still = failed.clone().advance(&policy, now, |_| CanaryReport::Applied { healthy: true, last_error: String::new() });
        assert_eq!(still, failed);
    }

    #[test]
    fn gone_canaries_neither_block_nor_complete_alone() {
        let policy = policy(0.5, 0);
        let now = Instant::now();
        let phase = Phase::start(&policy, &uids(4), now);
        let all_gone = phase.clone().advance(&policy, now, |_| CanaryReport::Gone);
        assert!(matches!(all_gone, Phase::Canary { .. }));
        let one_left = |uid: &Uid| {
            if uid.0[0] == 0 { CanaryReport::Gone } else { CanaryReport::Applied { healthy: true, last_error: String::new() } }
        };
        assert_eq!(phase.advance(&policy, now, one_left), Phase::Complete);
    }
}
