//! `retry_on_failure`: the collector's exponential backoff with jitter, and the loop that
//! sends a request until it is delivered, refused for good, or out of time.
//!
//! The backoff is cenkalti/backoff's, which the collector's exporter helper uses: each delay
//! is the current interval spread by ± `randomization_factor`, and the interval then grows
//! by `multiplier` up to `max_interval`. A delay the backend asks for (gRPC `RetryInfo`, HTTP
//! `Retry-After`) is waited for when it is longer. A retry whose wait would end after
//! `max_elapsed_time` (zero: never) is not made. The clock and the random numbers are given
//! to the loop, so that tests run it without waiting.

use std::future::Future;
use std::time::{Duration, Instant};

use crate::config::RetryConfig;

/// What one attempt to send a request came to.
#[derive(Clone, Debug, PartialEq)]
pub enum Attempt {
    /// The backend took the request (perhaps refusing part of it).
    Delivered(PartialSuccess),
    /// It failed in a way worth trying again; `throttle` is the wait the backend asked for.
    Retryable { error: String, throttle: Option<Duration> },
    /// It failed for good: the same request cannot succeed later.
    Permanent { error: String },
}

/// The part of a delivered request the backend refused, as its response says.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PartialSuccess {
    pub rejected: u64,
    pub message: String,
}

/// Where the retry loop reads the time and waits.
pub trait Clock {
    fn now(&self) -> Instant;
    fn sleep(&self, delay: Duration) -> impl Future<Output = ()> + Send;
}

/// The real clock: tokio's timers.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }

    fn sleep(&self, delay: Duration) -> impl Future<Output = ()> + Send {
        tokio::time::sleep(delay)
    }
}

/// The exponential backoff of one request; `random` gives numbers in [0, 1).
pub struct Backoff<R> {
    current: Duration,
    max_interval: Duration,
    multiplier: f64,
    randomization_factor: f64,
    random: R,
}

impl<R: FnMut() -> f64> Backoff<R> {
    pub fn new(config: &RetryConfig, random: R) -> Backoff<R> {
        Backoff {
            current: config.initial_interval,
            max_interval: config.max_interval,
            multiplier: config.multiplier,
            randomization_factor: config.randomization_factor,
            random,
        }
    }

    /// The wait before the next retry; the interval grows for the one after.
    pub fn next_delay(&mut self) -> Duration {
        let current = self.current.as_secs_f64();
        let delay = if self.randomization_factor == 0.0 {
            current
        } else {
            let delta = self.randomization_factor * current;
            current - delta + (self.random)() * 2.0 * delta
        };
        let max = self.max_interval.as_secs_f64();
        self.current = if current >= max / self.multiplier {
            self.max_interval
        } else {
            seconds(current * self.multiplier, self.max_interval)
        };
        seconds(delay, self.max_interval)
    }
}

/// `value` seconds; `fallback` for what is no duration (negative, not a number), which the
/// config's checks keep out.
fn seconds(value: f64, fallback: Duration) -> Duration {
    Duration::try_from_secs_f64(value).unwrap_or(fallback)
}

/// Sends with `attempt` until the request is delivered or given up, waiting between
/// attempts as `config` says. `on_retry` hears of each retry (the error and the wait)
/// before its wait. The error says why the request was given up.
pub async fn deliver<A, F>(
    config: &RetryConfig,
    clock: &impl Clock,
    random: impl FnMut() -> f64,
    mut attempt: A,
    mut on_retry: impl FnMut(&str, Duration),
) -> Result<PartialSuccess, String>
where
    A: FnMut() -> F,
    F: Future<Output = Attempt>,
{
    let deadline = (config.max_elapsed_time > Duration::ZERO).then(|| clock.now() + config.max_elapsed_time);
    let mut backoff = Backoff::new(config, random);
    loop {
        let (error, throttle) = match attempt().await {
            Attempt::Delivered(partial) => return Ok(partial),
            Attempt::Permanent { error } => return Err(format!("not retryable: {error}")),
            Attempt::Retryable { error, throttle } => (error, throttle),
        };
        if !config.enabled {
            return Err(format!("retries are disabled: {error}"));
        }
        let delay = backoff.next_delay().max(throttle.unwrap_or_default());
        if deadline.is_some_and(|deadline| clock.now() + delay > deadline) {
            return Err(format!("no more retries left: {error}"));
        }
        on_retry(&error, delay);
        clock.sleep(delay).await;
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::collections::VecDeque;
    use std::sync::Mutex;

    use super::*;

    /// A clock whose waits pass at once, moving its time on by what was waited.
    struct FakeClock {
        now: Mutex<Instant>,
        waits: Mutex<Vec<Duration>>,
    }

    impl FakeClock {
        fn new() -> FakeClock {
            FakeClock { now: Mutex::new(Instant::now()), waits: Mutex::new(Vec::new()) }
        }

        fn waits(&self) -> Vec<Duration> {
            self.waits.lock().unwrap().clone()
        }
    }

    impl Clock for FakeClock {
        fn now(&self) -> Instant {
            *self.now.lock().unwrap()
        }

        fn sleep(&self, delay: Duration) -> impl Future<Output = ()> + Send {
            *self.now.lock().unwrap() += delay;
            self.waits.lock().unwrap().push(delay);
            std::future::ready(())
        }
    }

    fn config(initial_ms: u64, max_ms: u64, max_elapsed_ms: u64) -> RetryConfig {
        RetryConfig {
            enabled: true,
            initial_interval: Duration::from_millis(initial_ms),
            max_interval: Duration::from_millis(max_ms),
            max_elapsed_time: Duration::from_millis(max_elapsed_ms),
            multiplier: 2.0,
            randomization_factor: 0.0,
        }
    }

    fn retryable(throttle: Option<Duration>) -> Attempt {
        Attempt::Retryable { error: "unavailable".into(), throttle }
    }

    /// Runs the loop over scripted attempts; the result, the waits and how many attempts ran.
    fn run(config: &RetryConfig, script: Vec<Attempt>) -> (Result<PartialSuccess, String>, Vec<Duration>, usize) {
        let clock = FakeClock::new();
        let script = RefCell::new(VecDeque::from(script));
        let attempts = RefCell::new(0);
        let attempt = || {
            *attempts.borrow_mut() += 1;
            let next = script.borrow_mut().pop_front().unwrap_or_else(|| retryable(None));
            std::future::ready(next)
        };
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let result = runtime.block_on(deliver(config, &clock, || 0.5, attempt, |_, _| {}));
        (result, clock.waits(), attempts.into_inner())
    }

    #[test]
    fn intervals_grow_by_the_multiplier_up_to_the_maximum() {
        let mut backoff = Backoff::new(&config(100, 500, 0), || 0.0);
        let delays: Vec<u128> = (0..5).map(|_| backoff.next_delay().as_millis()).collect();
        assert_eq!(delays, [100, 200, 400, 500, 500]);
    }

    #[test]
    fn jitter_spreads_each_delay_by_the_randomization_factor() {
        let mut settings = config(1000, 10_000, 0);
        settings.randomization_factor = 0.5;
        assert_eq!(Backoff::new(&settings, || 0.0).next_delay(), Duration::from_millis(500));
        assert_eq!(Backoff::new(&settings, || 0.5).next_delay(), Duration::from_millis(1000));
        assert_eq!(Backoff::new(&settings, || 0.999).next_delay().as_millis(), 1499);
    }

    #[test]
    fn the_collectors_defaults_give_its_sequence() {
        let mut backoff = Backoff::new(&RetryConfig { randomization_factor: 0.0, ..RetryConfig::default() }, || 0.0);
        let delays: Vec<u128> = (0..6).map(|_| backoff.next_delay().as_millis()).collect();
        assert_eq!(delays, [5000, 7500, 11250, 16875, 25312, 30000]);
    }

    #[test]
    fn retryable_failures_are_retried_until_delivered() {
        let script = vec![retryable(None), retryable(None), Attempt::Delivered(PartialSuccess::default())];
        let (result, waits, attempts) = run(&config(100, 1000, 0), script);
        assert_eq!(result, Ok(PartialSuccess::default()));
        assert_eq!(waits, [Duration::from_millis(100), Duration::from_millis(200)]);
        assert_eq!(attempts, 3);
    }

    #[test]
    fn a_throttle_longer_than_the_backoff_is_waited_for() {
        let script = vec![
            retryable(Some(Duration::from_secs(7))),
            retryable(Some(Duration::from_millis(1))),
            Attempt::Delivered(PartialSuccess::default()),
        ];
        let (result, waits, _) = run(&config(100, 1000, 0), script);
        assert!(result.is_ok());
        assert_eq!(waits, [Duration::from_secs(7), Duration::from_millis(200)], "the longer of the two each time");
    }

    #[test]
    fn permanent_failures_are_not_retried() {
        let (result, waits, attempts) = run(&config(100, 1000, 0), vec![Attempt::Permanent { error: "HTTP 400".into() }]);
        assert_eq!(result, Err("not retryable: HTTP 400".into()));
        assert!(waits.is_empty());
        assert_eq!(attempts, 1);
    }

    #[test]
    fn no_retry_waits_past_the_maximum_elapsed_time() {
        // Waits of 100, 200, 400 fit in a second; the next, 400 more, would end at 1,100 ms.
        let (result, waits, attempts) = run(&config(100, 400, 1000), Vec::new());
        assert!(result.unwrap_err().starts_with("no more retries left: unavailable"));
        assert_eq!(waits, [Duration::from_millis(100), Duration::from_millis(200), Duration::from_millis(400)]);
        assert_eq!(attempts, 4);
        let (result, _, attempts) = run(&config(100, 400, 1000), vec![retryable(Some(Duration::from_secs(5)))]);
        assert!(result.is_err(), "a throttle past the deadline gives up at once");
        assert_eq!(attempts, 1);
    }

    #[test]
    fn disabled_retries_try_once() {
        let mut settings = config(100, 400, 0);
        settings.enabled = false;
        let (result, waits, attempts) = run(&settings, Vec::new());
        assert!(result.unwrap_err().contains("retries are disabled"));
        assert!(waits.is_empty());
        assert_eq!(attempts, 1);
    }
}
