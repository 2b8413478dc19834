//! The `memory_limiter` processor: the collector's guard against running out of memory.
//!
//! Every `check_interval` it reads the agent's resident memory, and while that is above
//! the soft limit (the limit less the expected spike) the pipelines it belongs to refuse
//! data, which clients retry later. The agent's byte budget already bounds what data in
//! flight can take; the limiter bounds the whole process, as operators configure it for
//! the collector. Percentages are of the cgroup's memory limit when there is one, else of
//! the machine's memory.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};

use crate::config::{ComponentId, MemoryLimiterConfig};

pub struct MemoryLimiter {
    over_soft_limit: AtomicBool,
}

impl MemoryLimiter {
    /// Starts measuring; measuring stops when the last holder drops the limiter.
    pub fn start(id: &ComponentId, config: &MemoryLimiterConfig) -> Arc<MemoryLimiter> {
        let soft_limit = config.limit.soft_limit(total_memory().unwrap_or(u64::MAX));
        let limiter = Arc::new(MemoryLimiter { over_soft_limit: AtomicBool::new(false) });
        tracing::info!(processor = %id, soft_limit_mib = soft_limit >> 20, "memory limiter started");
        let (weak, id, interval) = (Arc::downgrade(&limiter), id.clone(), config.check_interval);
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(interval);
            loop {
                ticks.tick().await;
                let Some(limiter) = Weak::upgrade(&weak) else { return };
                let Some(resident) = resident_bytes() else { continue };
                limiter.observe(&id, resident, soft_limit);
            }
        });
        limiter
    }

    /// Whether data is refused now.
    pub fn refuses(&self) -> bool {
        self.over_soft_limit.load(Ordering::Relaxed)
    }

    /// Takes a measurement, logging when the limiter starts or stops refusing.
    fn observe(&self, id: &ComponentId, resident: u64, soft_limit: u64) {
        let over = resident >= soft_limit;
        if self.over_soft_limit.swap(over, Ordering::Relaxed) != over {
            let (resident_mib, soft_limit_mib) = (resident >> 20, soft_limit >> 20);
            match over {
                true => {
                    tracing::warn!(processor = %id, resident_mib, soft_limit_mib, "memory above the soft limit; refusing data")
                }
                false => {
                    tracing::info!(processor = %id, resident_mib, soft_limit_mib, "memory below the soft limit; accepting data")
                }
            }
        }
    }
}

/// The process's resident memory (`VmRSS`).
fn resident_bytes() -> Option<u64> {
    kib_field(&std::fs::read_to_string("/proc/self/status").ok()?, "VmRSS:")
}

/// The memory percentages are of: the cgroup (v2) limit when one is set, else the
/// machine's memory.
fn total_memory() -> Option<u64> {
    let cgroup = std::fs::read_to_string("/sys/fs/cgroup/memory.max").ok().and_then(|text| text.trim().parse().ok());
    cgroup.or_else(|| kib_field(&std::fs::read_to_string("/proc/meminfo").ok()?, "MemTotal:"))
}

/// A `Name:   1234 kB` line of a `/proc` file, in bytes.
fn kib_field(text: &str, name: &str) -> Option<u64> {
    let line = text.lines().find_map(|line| line.strip_prefix(name))?;
    let kib: u64 = line.split_whitespace().next()?.parse().ok()?;
    Some(kib * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proc_fields_are_read_in_bytes() {
        assert_eq!(kib_field("Name:\tx\nVmRSS:\t  2048 kB\n", "VmRSS:"), Some(2 << 20));
        assert_eq!(kib_field("VmRSS: lots\n", "VmRSS:"), None);
        assert!(resident_bytes().is_some_and(|bytes| bytes > 0), "this process has resident memory");
        assert!(total_memory().is_some_and(|bytes| bytes > 0));
    }

    #[test]
    fn refuses_while_above_the_soft_limit() {
        let limiter = MemoryLimiter { over_soft_limit: AtomicBool::new(false) };
        let id = ComponentId("memory_limiter".into());
        limiter.observe(&id, 90, 80);
        assert!(limiter.refuses());
        limiter.observe(&id, 70, 80);
        assert!(!limiter.refuses());
    }
}
