//! The adaptive rate (seed §4.2.2): a process whose CPU use crosses a threshold is sampled
//! faster, doubling each interval toward the ceiling, and slower again, halving, once it has
//! been cool for a few intervals; no raise may push the profiler's own cost past its budget,
//! and a cost over budget lowers the fastest process first.
//!
//! Pure logic: the profiler feeds it what it measured each interval and applies the rates it
//! returns, so tests can drive it through a hot spot without a kernel.

use std::collections::{HashMap, HashSet};

use crate::config::AdaptiveConfig;

/// Intervals a boosted process must stay cool before its rate halves: a hot spot that pauses
/// for an interval keeps its rate.
const COOL_INTERVALS: u32 = 3;
/// A process is cool below this share of the threshold (hysteresis, so that a process near
/// the threshold does not flap).
const COOL_SHARE: f64 = 0.5;
/// At most this many processes at a raised rate (the kernel's `rates` map holds more).
const MAX_BOOSTED: usize = 64;
/// The cost of one run of the program until the kernel has measured it (spec/EBPF.md:
/// 1.5–2.4 µs a sample).
pub const DEFAULT_RUN_COST_SECONDS: f64 = 2.5e-6;

/// What the profiler measured over one interval.
#[derive(Clone, Debug, Default)]
pub struct Measured {
    /// CPUs each sampled process used (CPU seconds per second), from its samples.
    pub cpu: HashMap<u32, f64>,
    /// Processes the self-operation loop's rules marked hot, whatever their CPU use.
    pub marked_hot: HashSet<u32>,
    /// CPUs the whole machine was busy (from /proc/stat): the program runs only on busy CPUs.
    pub busy_cpus: f64,
    /// CPU seconds per second the profiler spent: the program's run time plus the drain's.
    pub overhead_cpus: f64,
    /// Seconds one run of the program takes, as the kernel measured it.
    pub run_cost: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Boost {
    hz: u32,
    cool_for: u32,
}

/// Rates in force: the events' rate, and each boosted process's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rates {
    pub event_hz: u32,
    pub own: HashMap<u32, u32>,
}

pub struct Adaptive {
    config: AdaptiveConfig,
    base_hz: u32,
    /// CPUs on the machine: the budget is a share of all of them.
    cpus: f64,
    boosted: HashMap<u32, Boost>,
}

impl Adaptive {
    pub fn new(config: AdaptiveConfig, base_hz: u32, cpus: usize) -> Adaptive {
        Adaptive { config, base_hz, cpus: cpus.max(1) as f64, boosted: HashMap::new() }
    }

    pub fn rates(&self) -> Rates {
        let own: HashMap<u32, u32> = self.boosted.iter().map(|(&tgid, boost)| (tgid, boost.hz)).collect();
        let event_hz = own.values().copied().max().unwrap_or(self.base_hz).max(self.base_hz);
        Rates { event_hz, own }
    }

    /// The rate `tgid` is sampled at now.
    pub fn rate_of(&self, tgid: u32) -> u32 {
        self.boosted.get(&tgid).map_or(self.base_hz, |boost| boost.hz)
    }

    /// Takes in an interval's measurements and moves the rates. Returns whether they changed.
    pub fn update(&mut self, measured: &Measured) -> bool {
        if !self.config.enabled {
            return false;
        }
        let before = self.rates();
        self.cool_down(measured);
        let budget = self.config.overhead_budget * self.cpus;
        if measured.overhead_cpus > budget {
            self.shed();
        } else {
            self.heat_up(measured, budget);
        }
        self.rates() != before
    }

    fn cool_down(&mut self, measured: &Measured) {
        let cool_below = self.config.cpu_threshold * COOL_SHARE;
        let base_hz = self.base_hz;
        self.boosted.retain(|tgid, boost| {
            if measured.marked_hot.contains(tgid) || measured.cpu.get(tgid).copied().unwrap_or(0.0) >= cool_below {
                boost.cool_for = 0;
                return true;
            }
            boost.cool_for += 1;
            if boost.cool_for >= COOL_INTERVALS {
                boost.hz /= 2;
                boost.cool_for = 0;
            }
            boost.hz > base_hz
        });
    }

    /// Over budget: the fastest process halves.
    fn shed(&mut self) {
        let base_hz = self.base_hz;
        let fastest =
            self.boosted.iter().max_by_key(|(tgid, boost)| (boost.hz, std::cmp::Reverse(**tgid))).map(|(&tgid, _)| tgid);
        if let Some(boost) = fastest.and_then(|tgid| self.boosted.get_mut(&tgid)) {
            boost.hz /= 2;
        }
        self.boosted.retain(|_, boost| boost.hz > base_hz);
    }

    /// Hot processes (over the threshold, or marked by the loop's rules) double toward the
    /// ceiling, hottest first, while the projected cost fits.
    fn heat_up(&mut self, measured: &Measured, budget: f64) {
        let is_hot = |tgid: &u32, cpu: f64| cpu >= self.config.cpu_threshold || measured.marked_hot.contains(tgid);
        let mut hot: Vec<(u32, f64)> =
            measured.cpu.iter().filter(|(tgid, cpu)| is_hot(tgid, **cpu)).map(|(&t, &c)| (t, c)).collect();
        hot.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let run_cost = if measured.run_cost > 0.0 { measured.run_cost } else { DEFAULT_RUN_COST_SECONDS };
        let mut projected = measured.overhead_cpus;
        let mut event_hz = self.rates().event_hz;
        for (tgid, cpu) in hot {
            let current = self.rate_of(tgid);
            let raised = current.saturating_mul(2).min(self.config.max_samples_per_second);
            if raised <= current || (!self.boosted.contains_key(&tgid) && self.boosted.len() >= MAX_BOOSTED) {
                continue;
            }
            // Faster events run the program on every busy CPU; the process's own samples
            // are the ones that do the full work.
            let new_event_hz = event_hz.max(raised);
            let extra_runs = measured.busy_cpus * f64::from(new_event_hz - event_hz) + cpu * f64::from(raised - current);
            let cost = projected + extra_runs * run_cost;
            if cost > budget {
                continue;
            }
            projected = cost;
            event_hz = new_event_hz;
            self.boosted.insert(tgid, Boost { hz: raised, cool_for: 0 });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> AdaptiveConfig {
        AdaptiveConfig { enabled: true, max_samples_per_second: 999, cpu_threshold: 0.7, overhead_budget: 0.005 }
    }

    fn interval(hot: &[(u32, f64)], overhead_cpus: f64) -> Measured {
        Measured { cpu: hot.iter().copied().collect(), busy_cpus: 1.0, overhead_cpus, run_cost: 2e-6, ..Measured::default() }
    }

    #[test]
    fn a_hot_spot_raises_its_rate_to_the_ceiling_and_a_cool_one_brings_it_back() {
        let mut adaptive = Adaptive::new(config(), 49, 2);
        let mut trace = Vec::new();
        for _ in 0..6 {
            adaptive.update(&interval(&[(100, 0.95), (200, 0.1)], 0.0001));
            trace.push(adaptive.rate_of(100));
        }
        assert_eq!(trace, [98, 196, 392, 784, 999, 999]);
        assert_eq!(adaptive.rate_of(200), 49, "a cool process keeps the base rate");
        assert_eq!(adaptive.rates().event_hz, 999);

        let mut trace = Vec::new();
        for _ in 0..18 {
            adaptive.update(&interval(&[(100, 0.05)], 0.0001));
            trace.push(adaptive.rate_of(100));
        }
        assert_eq!(trace[..3], [999, 999, 499], "three cool intervals before the first halving");
        assert_eq!(*trace.last().unwrap(), 49);
        assert!(adaptive.rates().own.is_empty());
        assert_eq!(adaptive.rates().event_hz, 49);
    }

    #[test]
    fn a_pause_of_one_interval_keeps_the_rate() {
        let mut adaptive = Adaptive::new(config(), 49, 2);
        adaptive.update(&interval(&[(7, 1.0)], 0.0));
        adaptive.update(&interval(&[], 0.0));
        adaptive.update(&interval(&[(7, 0.5)], 0.0));
        assert_eq!(adaptive.rate_of(7), 98, "0.5 CPUs is below the threshold but not cool");
    }

    #[test]
    fn the_budget_stops_a_raise_and_an_overrun_sheds_the_fastest() {
        // 0.05 % of 2 CPUs: 1 ms a second, about 400 runs at 2.5 µs.
        let tight = AdaptiveConfig { overhead_budget: 0.0005, ..config() };
        let mut adaptive = Adaptive::new(tight, 49, 2);
        for _ in 0..8 {
            adaptive.update(&Measured { cpu: [(1, 1.0)].into(), busy_cpus: 1.0, ..Measured::default() });
        }
        let held = adaptive.rate_of(1);
        assert!(held < 999 && held > 49, "raised, then held by the budget: {held}");
        adaptive.update(&Measured {
            cpu: [(1, 1.0)].into(),
            busy_cpus: 1.0,
            overhead_cpus: 0.01,
            run_cost: 2e-6,
            ..Measured::default()
        });
        assert_eq!(adaptive.rate_of(1), held / 2);
    }

    #[test]
    fn a_process_the_rules_mark_is_raised_below_the_threshold_and_cools_once_unmarked() {
        let mut adaptive = Adaptive::new(config(), 49, 2);
        let marked = |cpu: f64, marked: bool| Measured {
            cpu: [(5, cpu)].into(),
            marked_hot: if marked { [5].into() } else { HashSet::new() },
            busy_cpus: 1.0,
            ..Measured::default()
        };
        adaptive.update(&marked(0.2, false));
        assert_eq!(adaptive.rate_of(5), 49, "0.2 CPUs is below the threshold");
        adaptive.update(&marked(0.2, true));
        adaptive.update(&marked(0.2, true));
        assert_eq!(adaptive.rate_of(5), 196, "marked: raised as a hot process is");
        for _ in 0..3 {
            adaptive.update(&marked(0.2, false));
        }
        assert_eq!(adaptive.rate_of(5), 98, "unmarked and cool for three intervals: halved");
    }

    #[test]
    fn disabled_means_the_base_rate_for_everyone() {
        let mut adaptive = Adaptive::new(AdaptiveConfig { enabled: false, ..config() }, 19, 2);
        assert!(!adaptive.update(&interval(&[(1, 2.0)], 0.0)));
        assert_eq!(adaptive.rates(), Rates { event_hz: 19, own: HashMap::new() });
    }
}
