//! The per-endpoint-group throttle that keeps a client (and all its clones) under Close's rate
//! limit.
//!
//! Close limits requests per *endpoint group* (method + path) and reports the window in every
//! response: `RateLimit: limit=20, remaining=3, reset=0.512` (`reset` in decimal seconds). The
//! throttle counts what it sends against `remaining`; when a group's window is used up, further
//! requests to that group wait for its reset instead of collecting 429s. When a window reopens at
//! most `limit` waiting requests go; the rest wait for the new window's first answer, so waiting
//! callers never stampede.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use tokio::sync::Notify;

use super::headers::RateLimit;
use super::operations::{operation_index, OPERATION_COUNT};

/// Rate-limit state per endpoint group, shared by every clone of a client.
#[derive(Debug)]
pub(crate) struct Throttle {
    /// One group per generated operation (indexed like the operation table), plus one for
    /// anything else.
    groups: Box<[Group]>,
}

impl Default for Throttle {
    fn default() -> Self {
        let groups = (0..=OPERATION_COUNT).map(|_| Group::default()).collect();
        Throttle { groups }
    }
}

#[derive(Debug, Default)]
pub(crate) struct Group {
    state: Mutex<Window>,
    changed: Notify,
    /// Callers between taking a look at the window and being woken: answers only notify when
    /// someone may be waiting.
    waiting: AtomicUsize,
}

#[derive(Debug, Default, Clone, Copy)]
struct Window {
    limit: Option<u64>,
    remaining: Option<u64>,
    reset_at: Option<Instant>,
    in_flight: u32,
    /// Whether any answer has been seen: until then one request goes alone, as a probe, so a
    /// burst of first calls cannot all land in a window the client knows nothing about.
    observed: bool,
}

/// Decrements the waiting count when a look at the window is over, however it ends.
struct WaitingGuard<'a>(&'a AtomicUsize);

impl Drop for WaitingGuard<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

enum Slot {
    Go,
    WaitUntil(Instant),
    WaitForNews,
}

/// Margin added after a window's computed reset, so a request does not arrive a hair before the
/// server's own reset (jittered so that waiting callers spread out).
const RESET_MARGIN: Duration = Duration::from_millis(5);
const RESET_JITTER_MS: u64 = 20;
/// How long to wait for an in-flight answer to tell the new window's state.
const NEWS_WAIT: Duration = Duration::from_millis(250);
/// Bound on the throttle's wait rounds for one request.
const MAX_ROUNDS: usize = 64;

impl Throttle {
    /// The state of one endpoint group (method + path template, i.e. one operation).
    pub(crate) fn group(&self, operation_id: &str) -> &Group {
        let index = operation_index(operation_id).unwrap_or(OPERATION_COUNT);
        &self.groups[index.min(self.groups.len() - 1)]
    }
}

impl Window {
    /// When the window is over, starts the next one: it holds `limit` requests, and its reset is
    /// unknown until the first answer arrives.
    fn roll_over(&mut self, now: Instant) {
        if self.reset_at.is_some_and(|r| now >= r) {
            self.remaining = self.limit;
            self.reset_at = None;
        }
    }

    /// Records a response's `RateLimit` values.
    fn record(&mut self, rl: RateLimit, now: Instant) {
        self.roll_over(now);
        if rl.limit.is_some() {
            self.limit = rl.limit;
        }
        if self.reset_at.is_none() {
            self.reset_at = rl.reset.map(|r| now + r);
        }
        if let Some(rem) = rl.remaining {
            // What was reserved locally may be ahead of what the server has counted yet (answers
            // arrive out of order): keep the smaller.
            self.remaining = Some(self.remaining.map_or(rem, |local| local.min(rem)));
        }
    }

    fn take_slot(&mut self, now: Instant) -> Slot {
        self.roll_over(now);
        if !self.observed && self.in_flight > 0 {
            return Slot::WaitForNews;
        }
        match self.remaining {
            None => {}
            Some(0) => {
                return match self.reset_at {
                    Some(r) => Slot::WaitUntil(r),
                    None if self.in_flight > 0 => Slot::WaitForNews,
                    None => {
                        // Nothing in flight will tell us more: assume the window is open.
                        self.remaining = None;
                        self.in_flight += 1;
                        Slot::Go
                    }
                };
            }
            Some(n) => self.remaining = Some(n - 1),
        }
        self.in_flight += 1;
        Slot::Go
    }
}

impl Group {
    fn lock(&self) -> std::sync::MutexGuard<'_, Window> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits until the group's window allows one more request and reserves it. A wait longer
    /// than `max_wait`, or past `deadline`, is not made: the request goes and the server decides.
    /// Returns how long it waited.
    pub(crate) async fn acquire(&self, max_wait: Duration, deadline: Option<Instant>) -> Duration {
        let started = Instant::now();
        for _ in 0..MAX_ROUNDS {
            // Announce first, so an answer arriving after the look below still wakes us.
            self.waiting.fetch_add(1, Ordering::SeqCst);
            let news = self.changed.notified();
            let slot = self.lock().take_slot(Instant::now());
            let _waiting = WaitingGuard(&self.waiting);
            match slot {
                Slot::Go => return started.elapsed(),
                Slot::WaitUntil(reset) => {
                    let until = reset
                        + RESET_MARGIN
                        + Duration::from_millis(fastrand::u64(0..=RESET_JITTER_MS));
                    let wait = until.saturating_duration_since(Instant::now());
                    if wait > max_wait || deadline.is_some_and(|d| until > d) {
                        break;
                    }
                    tokio::time::sleep(wait).await;
                }
                Slot::WaitForNews => {
                    if deadline.is_some_and(|d| Instant::now() + NEWS_WAIT > d) {
                        break;
                    }
                    let _ = tokio::time::timeout(NEWS_WAIT, news).await;
                }
            }
        }
        self.lock().in_flight += 1;
        started.elapsed()
    }

    /// Records the outcome of a request that [`Group::acquire`] let through.
    /// `rate_limit` is the response's header; `wait` a 429's requested wait.
    pub(crate) fn observe(
        &self,
        rate_limit: Option<RateLimit>,
        too_many_requests: Option<Duration>,
    ) {
        let now = Instant::now();
        {
            let mut w = self.lock();
            w.in_flight = w.in_flight.saturating_sub(1);
            w.observed = true;
            if let Some(rl) = rate_limit {
                w.record(rl, now);
            }
            if let Some(wait) = too_many_requests {
                w.remaining = Some(0);
                w.reset_at = Some(now + wait);
            }
        }
        if self.waiting.load(Ordering::SeqCst) > 0 {
            self.changed.notify_waiters();
        }
    }

    /// Releases a reservation whose request got no answer.
    pub(crate) fn release(&self) {
        {
            let mut w = self.lock();
            w.in_flight = w.in_flight.saturating_sub(1);
        }
        if self.waiting.load(Ordering::SeqCst) > 0 {
            self.changed.notify_waiters();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_used_up_window_blocks_until_reset_then_lets_limit_through() {
        let now = Instant::now();
        let mut w = Window {
            limit: Some(2),
            remaining: Some(1),
            reset_at: Some(now + Duration::from_secs(1)),
            in_flight: 0,
            observed: true,
        };
        assert!(matches!(w.take_slot(now), Slot::Go));
        assert!(matches!(w.take_slot(now), Slot::WaitUntil(_)));
        let later = now + Duration::from_secs(2);
        assert!(matches!(w.take_slot(later), Slot::Go));
        assert!(matches!(w.take_slot(later), Slot::Go));
        // Window reopened with limit 2: the third waits for news from the two in flight.
        assert!(matches!(w.take_slot(later), Slot::WaitForNews));
    }

    #[test]
    fn the_first_request_of_a_group_goes_alone() {
        let now = Instant::now();
        let mut w = Window::default();
        assert!(matches!(w.take_slot(now), Slot::Go));
        assert!(matches!(w.take_slot(now), Slot::WaitForNews));
        w.in_flight = 0;
        w.observed = true;
        assert!(matches!(w.take_slot(now), Slot::Go));
        assert!(matches!(w.take_slot(now), Slot::Go));
    }

    proptest! {
        #[test]
        fn throttle_state_never_panics(events in proptest::collection::vec((0u8..4, 0u64..5, 0u64..3000), 0..50)) {
            let mut w = Window::default();
            let start = Instant::now();
            for (kind, n, ms) in events {
                let at = start + Duration::from_millis(ms);
                match kind {
                    0 => { let _ = w.take_slot(at); }
                    1 => { w.remaining = Some(n); w.reset_at = Some(at); }
                    2 => { w.limit = Some(n); }
                    _ => { w.in_flight = w.in_flight.saturating_sub(1); }
                }
            }
        }
    }
}
