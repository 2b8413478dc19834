//! Staged rollout of one group's new generation: a canary share of the group's agents gets
//! it first; the rest get it only when every canary has reported it `APPLIED` and stayed
//! healthy for the health window. A canary that reports `FAILED`, or turns unhealthy after
//! applying it, halts the rollout: the rest keep the previous generation until the rule
//! files change again. A canary that went away holds the rollout (it may have gone down
//! because of the new rules) until the server forgets it; then another agent of the group
//! takes its place.
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
    /// Gone (its connection closed, it said goodbye, or it stopped polling) but not yet
    /// forgotten: no evidence the rules are healthy, so it holds the rollout as `Pending`.
    Away,
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

    /// The same phase without the canaries the server forgot (`known` says which it still
    /// knows): a running rollout no longer waits for them, and takes as many of the
    /// group's present agents that are not canaries yet (`members`, asked for only when a
    /// canary is missing; the lowest uids first) in their place, so that the new
    /// generation is still tried on its canary share before the rest get it. The health
    /// window starts again. With no canary left and no agent to take their place, the
    /// group has no one to try it on, and the rollout completes (as one started on an
    /// empty group does). A halted rollout only drops them.
    pub fn without_forgotten(self, known: impl Fn(&Uid) -> bool, members: impl FnOnce() -> BTreeSet<Uid>) -> Phase {
        match self {
            Phase::Canary { canaries, healthy_since } => {
                if canaries.iter().all(&known) {
                    return Phase::Canary { canaries, healthy_since };
                }
                let wanted = canaries.len();
                let mut kept: BTreeSet<Uid> = canaries.into_iter().filter(|uid| known(uid)).collect();
                let replacements: Vec<Uid> = members().into_iter().filter(|uid| !kept.contains(uid)).collect();
                let missing = wanted - kept.len();
                kept.extend(replacements.into_iter().take(missing));
                if kept.is_empty() { Phase::Complete } else { Phase::Canary { canaries: kept, healthy_since: None } }
            }
            Phase::Halted { canaries, reason } => {
                Phase::Halted { canaries: canaries.into_iter().filter(|uid| known(uid)).collect(), reason }
            }
            Phase::Complete => Phase::Complete,
        }
    }

    /// The next phase, given what each canary reports.
    pub fn advance(self, policy: &Policy, now: Instant, report: impl Fn(&Uid) -> CanaryReport) -> Phase {
        let Phase::Canary { canaries, healthy_since } = self else {
            return self;
        };
        let mut all_applied = true;
        for uid in &canaries {
            match report(uid) {
                CanaryReport::Away | CanaryReport::Pending => all_applied = false,
                CanaryReport::Applied { healthy: true, .. } => {}
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
        if !all_applied {
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
    fn an_away_canary_holds_the_rollout_until_forgotten_then_another_takes_its_place() {
        let policy = policy(0.5, 0);
        let now = Instant::now();
        let phase = Phase::start(&policy, &uids(4), now);
        let applied = CanaryReport::Applied { healthy: true, last_error: String::new() };
        let one_away = |uid: &Uid| if uid.0[0] == 0 { CanaryReport::Away } else { applied.clone() };
        let held = phase.clone().advance(&policy, now, one_away);
        assert!(matches!(held, Phase::Canary { healthy_since: None, .. }), "an away canary is no evidence: {held:?}");
        assert!(matches!(phase.clone().advance(&policy, now, |_| CanaryReport::Away), Phase::Canary { .. }));

        // Canary 0 is forgotten: agent 2 takes its place and must apply it too.
        let known = |uid: &Uid| uid.0[0] != 0;
        let replaced = held.without_forgotten(known, || uids(4).into_iter().filter(|uid| known(uid)).collect());
        let Phase::Canary { canaries, healthy_since: None } = &replaced else { panic!("{replaced:?}") };
        assert_eq!(canaries, &[Uid(vec![1; 16]), Uid(vec![2; 16])].into_iter().collect());
        let replacement_pending = |uid: &Uid| if uid.0[0] == 2 { CanaryReport::Pending } else { applied.clone() };
        let still = replaced.clone().advance(&policy, now, replacement_pending);
        assert!(matches!(still, Phase::Canary { .. }), "{still:?}");
        assert_eq!(replaced.advance(&policy, now, |_| applied.clone()), Phase::Complete);

        // Nothing is asked of the members while every canary is known.
        let unchanged = phase.clone().without_forgotten(|_| true, || panic!("members asked for"));
        assert_eq!(unchanged, phase);
        // Every canary forgotten and nobody left in the group: no one to try it on.
        assert_eq!(phase.clone().without_forgotten(|_| false, BTreeSet::new), Phase::Complete);
        // Fewer members than canaries: those that are left.
        let one = phase.without_forgotten(|_| false, || uids(1));
        assert!(matches!(&one, Phase::Canary { canaries, .. } if canaries == &uids(1)), "{one:?}");
        let halted = Phase::Halted { canaries: uids(2), reason: "x".into() };
        assert_eq!(
            halted.without_forgotten(known, || panic!("a halted rollout takes no new canaries")),
            Phase::Halted { canaries: [Uid(vec![1; 16])].into_iter().collect(), reason: "x".into() }
        );
    }
}
