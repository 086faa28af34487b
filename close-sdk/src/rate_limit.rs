//! Close's rate limits: the `RateLimit`, `Retry-After` and `RateLimit-Reset` headers, and the
//! per-endpoint-group throttle that keeps a client (and all its clones) under the server's limit.
//!
//! Close limits requests per *endpoint group* (method + path) and reports the window in every
//! response: `RateLimit: limit=20, remaining=3, reset=0.512` (`reset` in decimal seconds). The
//! throttle counts what it sends against `remaining`; when a group's window is used up, further
//! requests to that group wait for its reset instead of collecting 429s. When a window reopens at
//! most `limit` waiting requests go; the rest wait for the new window's first answer, so waiting
//! callers never stampede.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use tokio::sync::Notify;

use crate::generated_operations::OPERATIONS;
use crate::hooks::operation_index;

/// The values of a `RateLimit` header. Close documents `reset` in (possibly fractional) seconds.
///
/// ```
/// use close_sdk::RateLimit;
/// let r = RateLimit::parse("limit=100, remaining=0, reset=0.512").unwrap();
/// assert_eq!((r.limit, r.remaining), (Some(100), Some(0)));
/// assert_eq!(r.reset, Some(std::time::Duration::from_millis(512)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RateLimit {
    /// Requests allowed in the window.
    pub limit: Option<u64>,
    /// Requests left in the window.
    pub remaining: Option<u64>,
    /// Time until the window resets.
    pub reset: Option<Duration>,
}

/// The longest wait any header may express; larger values are treated as malformed.
const MAX_HEADER_WAIT_SECS: f64 = 24.0 * 3600.0;

impl RateLimit {
    /// Parses a header value: `key=value` pairs separated by `,` or `;`, in any order, with any
    /// spacing and key case. Unknown keys are ignored; a malformed value is ignored on its own.
    /// Returns `None` when no known key has a usable value. Never panics.
    pub fn parse(value: &str) -> Option<Self> {
        let mut out = RateLimit::default();
        for part in value.split([',', ';']) {
            let Some((key, val)) = part.split_once('=') else {
                continue;
            };
            let val = val.trim().trim_matches('"');
            match key.trim().to_ascii_lowercase().as_str() {
                "limit" => out.limit = val.parse().ok(),
                "remaining" => out.remaining = val.parse().ok(),
                "reset" => out.reset = parse_seconds(val),
                _ => {}
            }
        }
        (out != RateLimit::default()).then_some(out)
    }

    /// Reads the `RateLimit` header from a header map.
    pub fn from_headers(headers: &http::HeaderMap) -> Option<Self> {
        header_str(headers, "ratelimit").and_then(Self::parse)
    }
}

fn header_str<'a>(headers: &'a http::HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Parses non-negative (possibly fractional) seconds, rejecting NaN, infinities and absurd values.
pub fn parse_seconds(s: &str) -> Option<Duration> {
    let secs: f64 = s.trim().parse().ok()?;
    (secs.is_finite() && (0.0..=MAX_HEADER_WAIT_SECS).contains(&secs))
        .then(|| Duration::from_secs_f64(secs))
}

/// Parses `Retry-After`: delay seconds (decimals tolerated) or an HTTP date, relative to `now`.
/// A date in the past means no wait. Never panics.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777);
/// assert_eq!(close_sdk::rate_limit::parse_retry_after("2", now), Some(Duration::from_secs(2)));
/// assert_eq!(
///     close_sdk::rate_limit::parse_retry_after("Sun, 06 Nov 1994 08:49:42 GMT", now),
///     Some(Duration::from_secs(5))
/// );
/// ```
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Some(d) = parse_seconds(value) {
        return Some(d);
    }
    let when = httpdate::parse_http_date(value).ok()?;
    let wait = when.duration_since(now).unwrap_or(Duration::ZERO);
    (wait.as_secs_f64() <= MAX_HEADER_WAIT_SECS).then_some(wait)
}

/// How long the server asked the client to wait before the next request, from (in order of
/// precedence, as Close's docs prefer `reset`) `RateLimit`'s `reset`, `Retry-After`,
/// `RateLimit-Reset`, then the legacy body's `rate_reset`.
pub(crate) fn server_wait(
    headers: &http::HeaderMap,
    legacy_rate_reset: Option<f64>,
) -> Option<Duration> {
    RateLimit::from_headers(headers)
        .and_then(|r| r.reset)
        .or_else(|| {
            header_str(headers, "retry-after").and_then(|v| parse_retry_after(v, SystemTime::now()))
        })
        .or_else(|| header_str(headers, "ratelimit-reset").and_then(parse_seconds))
        .or_else(|| legacy_rate_reset.and_then(|s| parse_seconds(&s.to_string())))
}

/// Rate-limit state per endpoint group, shared by every clone of a client.
#[derive(Debug)]
pub(crate) struct Throttle {
    /// One group per generated operation (indexed like the operation table), plus one for
    /// anything else.
    groups: Box<[Group]>,
}

impl Default for Throttle {
    fn default() -> Self {
        let groups = (0..=OPERATIONS.len()).map(|_| Group::default()).collect();
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
        let index = operation_index(operation_id).unwrap_or(OPERATIONS.len());
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
    fn tolerant_of_order_spacing_and_case() {
        let r = RateLimit::parse(" Reset=1.5 ;remaining =3,LIMIT= 10 ").unwrap();
        assert_eq!(
            r,
            RateLimit {
                limit: Some(10),
                remaining: Some(3),
                reset: Some(Duration::from_millis(1500))
            }
        );
    }

    #[test]
    fn malformed_parts_are_ignored() {
        let r = RateLimit::parse("limit=abc, remaining=-1, reset=NaN, extra=1").unwrap_or_default();
        assert_eq!(r, RateLimit::default());
        assert_eq!(RateLimit::parse(""), None);
        assert_eq!(RateLimit::parse("reset=1e400"), None);
        assert_eq!(RateLimit::parse("remaining=0").unwrap().remaining, Some(0));
    }

    #[test]
    fn server_wait_precedence() {
        let mut h = http::HeaderMap::new();
        assert_eq!(
            server_wait(&h, Some(0.25)),
            Some(Duration::from_millis(250))
        );
        h.insert("ratelimit-reset", "3".parse().unwrap());
        assert_eq!(server_wait(&h, Some(0.25)), Some(Duration::from_secs(3)));
        h.insert("retry-after", "2".parse().unwrap());
        assert_eq!(server_wait(&h, None), Some(Duration::from_secs(2)));
        h.insert(
            "ratelimit",
            "limit=1, remaining=0, reset=0.512".parse().unwrap(),
        );
        assert_eq!(server_wait(&h, None), Some(Duration::from_millis(512)));
    }

    #[test]
    fn retry_after_dates_in_the_past_mean_no_wait() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_790);
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:42 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-1", now), None);
    }

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
        fn parsers_never_panic(s in ".{0,200}") {
            let _ = RateLimit::parse(&s);
            let _ = parse_retry_after(&s, SystemTime::now());
            let _ = parse_seconds(&s);
        }

        #[test]
        fn well_formed_headers_parse_exactly(limit in 0u64..1_000_000, remaining in 0u64..1_000_000,
                                             millis in 0u64..86_400_000, sep in "[ ]{0,3}") {
            let header = format!("limit={limit},{sep}remaining={remaining},{sep}reset={}.{:03}", millis / 1000, millis % 1000);
            let r = RateLimit::parse(&header).unwrap();
            prop_assert_eq!(r.limit, Some(limit));
            prop_assert_eq!(r.remaining, Some(remaining));
            let got = r.reset.unwrap().as_secs_f64();
            prop_assert!((got - millis as f64 / 1000.0).abs() < 1e-6);
        }

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
