//! How a sampler's ratio follows the ratio rules ask for: a first-order low-pass filter.
//!
//! Rules ask for `budget / incoming rate` each interval. That ratio does not depend on the
//! ratio in force (the sampler's input is upstream of it), so there is no feedback loop to
//! oscillate: the filter only has to smooth the measured rate's noise and pace the change.
//! A step in the asked ratio is followed exponentially with the configured time constant,
//! never past it; changes below [`DEADBAND`] are not applied, so a steady load does not
//! recompile the rules every interval.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::config::ComponentId;

/// Relative change below which the ratio in force stays.
const DEADBAND: f64 = 0.02;

struct State {
    /// The filter's output: where the ratio is heading.
    filtered: f64,
    /// The ratio in force.
    applied: f64,
    at: Instant,
}

pub struct Follower {
    time_constant: Duration,
    min_ratio: f64,
    samplers: HashMap<ComponentId, State>,
}

impl Follower {
    pub fn new(time_constant: Duration, min_ratio: f64) -> Follower {
        Follower { time_constant, min_ratio, samplers: HashMap::new() }
    }

    /// Takes the ratio rules `asked` for `processor`, whose sampler runs at `running`;
    /// returns the ratio to apply, when it should change.
    pub fn follow(&mut self, processor: &ComponentId, running: f64, asked: f64, now: Instant) -> Option<f64> {
        let asked = if asked.is_finite() { asked.clamp(self.min_ratio, 1.0) } else { return None };
        let state = self.samplers.entry(processor.clone()).or_insert(State { filtered: running, applied: running, at: now });
        if state.applied != running {
            // Set by someone else (a rule file with another written ratio and no tuning yet):
            // start from what runs.
            *state = State { filtered: running, applied: running, at: now };
        }
        let elapsed = now.saturating_duration_since(state.at).as_secs_f64();
        state.at = now;
        let step = 1.0 - (-elapsed / self.time_constant.as_secs_f64()).exp();
        state.filtered += (asked - state.filtered) * step;
        if (state.filtered - state.applied).abs() < DEADBAND * state.applied {
            return None;
        }
        state.applied = state.filtered;
        Some(state.filtered)
    }

    /// The ratio could not be applied: start again from what runs.
    pub fn forget(&mut self, processor: &ComponentId) {
        self.samplers.remove(processor);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Drives the follower with the ask of a budget of 1,000 items/s over a load that steps
    /// from 2,000 to 8,000 items/s, one ask a second; returns the ratio in force each second.
    fn load_step(time_constant: Duration) -> Vec<f64> {
        let mut follower = Follower::new(time_constant, 0.0001);
        let id = ComponentId("rules/sample".into());
        let start = Instant::now();
        let mut running = 0.5;
        (1..=40)
            .map(|second| {
                let load = if second <= 10 { 2_000.0 } else { 8_000.0 };
                // The measured rate is noisy: ±3 %.
                let noise = if second % 2 == 0 { 1.03 } else { 0.97 };
                let asked = 1_000.0 / (load * noise);
                if let Some(ratio) = follower.follow(&id, running, asked, start + Duration::from_secs(second)) {
                    running = ratio;
                }
                running
            })
            .collect()
    }

    #[test]
    fn a_load_step_settles_near_the_budget_without_overshoot() {
        let ratios = load_step(Duration::from_secs(3));
        // Before the step: 0.5 is asked, and 0.5 runs.
        assert!((ratios[9] - 0.5).abs() < 0.02, "{ratios:?}");
        // After it, the ratio only goes down, to 1000 / 8000.
        for pair in ratios[10..].windows(2) {
            assert!(pair[1] <= pair[0], "the ratio went back up: {ratios:?}");
        }
        let settled = ratios[25];
        assert!((settled / 0.125 - 1.0).abs() < 0.05, "15 s after the step, within 5 % of 0.125: {ratios:?}");
        assert!(ratios.iter().all(|ratio| *ratio >= 0.125 * 0.95), "never below the target: {ratios:?}");
    }

    #[test]
    fn noise_within_the_deadband_changes_nothing() {
        let mut follower = Follower::new(Duration::from_secs(3), 0.0001);
        let id = ComponentId("rules".into());
        let start = Instant::now();
        let changes = (1..=30)
            .filter(|second| {
                let asked = if second % 2 == 0 { 0.101 } else { 0.099 };
                follower.follow(&id, 0.1, asked, start + Duration::from_secs(*second)).is_some()
            })
            .count();
        assert_eq!(changes, 0);
    }

    #[test]
    fn asks_are_bounded_and_nonsense_is_ignored() {
        let mut follower = Follower::new(Duration::from_millis(100), 0.01);
        let id = ComponentId("rules".into());
        let start = Instant::now();
        assert_eq!(follower.follow(&id, 0.5, f64::INFINITY, start), None);
        assert_eq!(follower.follow(&id, 0.5, 0.2, start), None, "the first ask starts the filter: no time has passed");
        let later = start + Duration::from_secs(10);
        let lowest = follower.follow(&id, 0.5, 0.0, later).unwrap();
        assert!((lowest - 0.01).abs() < 1e-9, "{lowest}");
        let highest = follower.follow(&id, lowest, 7.0, later + Duration::from_secs(10)).unwrap();
        assert!((highest - 1.0).abs() < 1e-9, "{highest}");
    }
}
