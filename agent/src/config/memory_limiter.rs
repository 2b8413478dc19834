//! The `memory_limiter` processor's settings, with the collector's keys and checks
//! (`internal/memorylimiter`, v0.161.0).
//!
//! The collector forces Go garbage collections at the limits; the agent has no garbage
//! collector, so the four `*_gc_interval_*` keys are checked as the collector checks them and
//! have no other effect.

use std::time::Duration;

use ottl_grammar::Code;

use super::ComponentId;
use ottl_pipeline::settings::{At, Reader};

/// The limit as configured: in MiB, or as a share of the machine's (or cgroup's) memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemoryLimit {
    Mib { limit: u64, spike: u64 },
    Percentage { limit: u64, spike: u64 },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemoryLimiterConfig {
    pub check_interval: Duration,
    pub limit: MemoryLimit,
}

const KEYS: &[&str] = &[
    "check_interval",
    "limit_mib",
    "spike_limit_mib",
    "limit_percentage",
    "spike_limit_percentage",
    "min_gc_interval_when_soft_limited",
    "min_gc_interval_when_hard_limited",
    "max_gc_interval_when_soft_limited",
    "max_gc_interval_when_hard_limited",
];

/// The collector's defaults for the garbage-collection intervals.
const GC_DEFAULTS: [Duration; 4] = [Duration::from_secs(10), Duration::ZERO, Duration::from_secs(30), Duration::from_secs(30)];

pub fn memory_limiter(reader: &mut Reader<'_>, at: At, id: &ComponentId) -> Option<MemoryLimiterConfig> {
    let mut check_interval = Duration::ZERO;
    let (mut limit_mib, mut spike_mib, mut limit_percentage, mut spike_percentage) = (0, 0, 0, 0);
    // min soft, min hard, max soft, max hard.
    let mut gc = GC_DEFAULTS;
    for (key, at) in reader.settings(at, &id.0, KEYS) {
        let what = format!("`{key}`");
        match key.as_str() {
            "check_interval" => check_interval = reader.duration(at, &what)?,
            "limit_mib" => limit_mib = reader.u64(at, &what)?,
            "spike_limit_mib" => spike_mib = reader.u64(at, &what)?,
            "limit_percentage" => limit_percentage = reader.u64(at, &what)?,
            "spike_limit_percentage" => spike_percentage = reader.u64(at, &what)?,
            "min_gc_interval_when_soft_limited" => gc[0] = reader.duration(at, &what)?,
            "min_gc_interval_when_hard_limited" => gc[1] = reader.duration(at, &what)?,
            "max_gc_interval_when_soft_limited" => gc[2] = reader.duration(at, &what)?,
            _ => gc[3] = reader.duration(at, &what)?,
        }
    }
    if let Some(problem) = problem(check_interval, gc, (limit_mib, spike_mib), (limit_percentage, spike_percentage)) {
        reader.error(Code::InvalidComponentSetting, at.key_of(), format!("`{id}`: {problem}"), "as the collector requires");
        return None;
    }
    let limit = if limit_mib > 0 {
        MemoryLimit::Mib { limit: limit_mib, spike: spike_mib }
    } else {
        MemoryLimit::Percentage { limit: limit_percentage, spike: spike_percentage }
    };
    Some(MemoryLimiterConfig { check_interval, limit })
}

/// The collector's `Config.Validate`, in its order and words.
fn problem(check_interval: Duration, gc: [Duration; 4], mib: (u64, u64), percentage: (u64, u64)) -> Option<&'static str> {
    let [min_soft, min_hard, max_soft, max_hard] = gc;
    let enabled = |d: Duration| d > Duration::ZERO;
    if check_interval.is_zero() {
        Some("'check_interval' must be greater than zero")
    } else if min_soft < min_hard {
        Some("'min_gc_interval_when_soft_limited' should be larger than 'min_gc_interval_when_hard_limited'")
    } else if enabled(max_soft) && max_soft < min_soft {
        Some(
            "'max_gc_interval_when_soft_limited' must be greater than or equal to 'min_gc_interval_when_soft_limited' (or 0 to disable)",
        )
    } else if enabled(max_hard) && max_hard < min_hard {
        Some(
            "'max_gc_interval_when_hard_limited' must be greater than or equal to 'min_gc_interval_when_hard_limited' (or 0 to disable)",
        )
    } else if enabled(max_soft) && enabled(max_hard) && max_soft < max_hard {
        Some(
            "'max_gc_interval_when_soft_limited' should be larger than or equal to 'max_gc_interval_when_hard_limited' (when both are set)",
        )
    } else if mib.0 == 0 && percentage.0 == 0 {
        Some("'limit_mib' or 'limit_percentage' must be greater than zero")
    } else if percentage.0 > 100 || percentage.1 > 100 {
        Some("'limit_percentage' and 'spike_limit_percentage' must be greater than zero and less than or equal to hundred")
    } else if mib.0 > 0 && mib.0 <= mib.1 {
        Some("'spike_limit_mib' must be smaller than 'limit_mib'")
    } else if percentage.0 > 0 && percentage.0 <= percentage.1 {
        Some("'spike_limit_percentage' must be smaller than 'limit_percentage'")
    } else {
        None
    }
}

impl MemoryLimit {
    /// The usage in bytes above which data is refused (the collector's soft limit: the
    /// limit less the spike, which defaults to a fifth of the limit), given the memory
    /// the percentages are of.
    pub fn soft_limit(self, total_memory: u64) -> u64 {
        const MIB: u64 = 1 << 20;
        let (limit, spike) = match self {
            MemoryLimit::Mib { limit, spike } => (limit * MIB, spike * MIB),
            MemoryLimit::Percentage { limit, spike } => (limit * total_memory / 100, spike * total_memory / 100),
        };
        let spike = if spike == 0 { limit / 5 } else { spike };
        limit.saturating_sub(spike)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_soft_limit_leaves_room_for_the_spike() {
        assert_eq!(MemoryLimit::Mib { limit: 100, spike: 0 }.soft_limit(0), 80 << 20);
        assert_eq!(MemoryLimit::Mib { limit: 100, spike: 30 }.soft_limit(0), 70 << 20);
        assert_eq!(MemoryLimit::Percentage { limit: 50, spike: 10 }.soft_limit(1000), 400);
    }

    #[test]
    fn the_collectors_checks_in_its_order() {
        let second = Duration::from_secs(1);
        assert_eq!(problem(Duration::ZERO, GC_DEFAULTS, (100, 0), (0, 0)), Some("'check_interval' must be greater than zero"));
        assert_eq!(
            problem(second, GC_DEFAULTS, (0, 0), (0, 0)),
            Some("'limit_mib' or 'limit_percentage' must be greater than zero")
        );
        assert_eq!(problem(second, GC_DEFAULTS, (100, 100), (0, 0)), Some("'spike_limit_mib' must be smaller than 'limit_mib'"));
        assert!(problem(second, GC_DEFAULTS, (0, 0), (101, 0)).unwrap().contains("less than or equal to hundred"));
        let hard_above_soft = [Duration::from_secs(1), Duration::from_secs(5), Duration::ZERO, Duration::ZERO];
        assert!(problem(second, hard_above_soft, (100, 0), (0, 0)).unwrap().starts_with("'min_gc_interval_when_soft_limited'"));
        assert_eq!(problem(second, GC_DEFAULTS, (4000, 500), (0, 0)), None);
        assert_eq!(problem(second, GC_DEFAULTS, (0, 0), (80, 15)), None);
    }
}
