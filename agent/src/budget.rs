//! The memory budget: bytes of telemetry the agent holds, from the moment a receiver
//! accepts a request until every exporter it reaches has sent it or given up on it.
//!
//! A receiver reserves a request's encoded size before it acknowledges; the reservation
//! travels with the data through processors, batch processors and exporter queues, and is
//! given back when the last piece of the data is done with. When the budget is spent,
//! receivers refuse (clients retry later): however slow the backend, the agent never holds
//! more than the budget's worth of requests.

use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore, TryAcquireError};

/// The budget is counted in KiB units of a semaphore.
const UNIT: usize = 1024;

/// Why a reservation was not made.
#[derive(Debug, PartialEq, Eq)]
pub enum Exhausted {
    /// Spent for now: data in flight gives it back as it is exported.
    Full,
    /// Closed for good: the agent is stopping.
    Closed,
}

/// A budget of bytes.
pub struct Budget {
    semaphore: Arc<Semaphore>,
    units: usize,
}

impl Budget {
    pub fn new(bytes: usize) -> Budget {
        let units = (bytes / UNIT).max(1);
        Budget { semaphore: Arc::new(Semaphore::new(units)), units }
    }

    /// Reserves `bytes` (at least one unit, at most the whole budget, so that a request
    /// larger than the budget can still pass when nothing else is in flight).
    pub fn try_reserve(&self, bytes: usize) -> Result<Reservation, Exhausted> {
        let units = bytes.div_ceil(UNIT).clamp(1, self.units);
        match self.semaphore.clone().try_acquire_many_owned(units as u32) {
            Ok(permit) => Ok(Reservation(vec![Arc::new(permit)])),
            Err(TryAcquireError::NoPermits) => Err(Exhausted::Full),
            Err(TryAcquireError::Closed) => Err(Exhausted::Closed),
        }
    }

    /// Waits until every reservation has been given back, then closes the budget.
    pub async fn wait_until_returned(&self) {
        let _all = self.semaphore.acquire_many(self.units as u32).await;
        self.semaphore.close();
    }
}

/// A share of the budget, held by data in flight. Copies of the data (an exporter each)
/// share it, a merged batch holds its parts' reservations, and the pieces of a split
/// batch each hold the whole's: bytes go back only when nothing refers to them.
#[derive(Clone, Debug, Default)]
pub struct Reservation(Vec<Arc<OwnedSemaphorePermit>>);

impl Reservation {
    /// Takes on `other`'s share too (a batch merged into another).
    pub fn merge(&mut self, other: Reservation) {
        self.0.extend(other.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_come_back_when_the_last_holder_is_done() {
        let budget = Budget::new(4 * UNIT);
        let first = budget.try_reserve(3 * UNIT).unwrap();
        assert_eq!(budget.try_reserve(2 * UNIT).unwrap_err(), Exhausted::Full);
        let copy = first.clone();
        drop(first);
        assert_eq!(budget.try_reserve(2 * UNIT).unwrap_err(), Exhausted::Full, "a copy still holds it");
        let mut merged = budget.try_reserve(1).unwrap();
        merged.merge(copy);
        drop(merged);
        assert!(budget.try_reserve(4 * UNIT).is_ok(), "everything is back");
    }

    #[test]
    fn a_request_larger_than_the_budget_passes_alone() {
        let budget = Budget::new(2 * UNIT);
        let big = budget.try_reserve(100 * UNIT).unwrap();
        assert_eq!(budget.try_reserve(1).unwrap_err(), Exhausted::Full);
        drop(big);
        assert!(budget.try_reserve(1).is_ok());
    }

    #[tokio::test]
    async fn waiting_for_everything_back_closes_the_budget() {
        let budget = Budget::new(2 * UNIT);
        let held = budget.try_reserve(1).unwrap();
        tokio::spawn(async move {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            drop(held);
        });
        budget.wait_until_returned().await;
        assert_eq!(budget.try_reserve(1).unwrap_err(), Exhausted::Closed);
    }
}
