//! The per-endpoint-group throttle that keeps a client (and all its clones) under Close's rate
//! limit.
//!
//! Close limits requests per *endpoint group* (method + path) and reports the window in every
//! response: `RateLimit: limit=20, remaining=3, reset=0.512` (`reset` in decimal seconds). The
//! throttle counts what it sends against `remaining`; when a group's window is used up, further
//! requests to that group wait for its reset instead of collecting 429s. When a window reopens at
//! most `limit` waiting requests go; the rest wait for the new window's first answer, so waiting
//! callers never stampede.
//!
//! The common case costs one uncontended lock to take a slot and one to record the answer, and
//! no clock reads: the time is only looked at when a reset is known (a window that may roll
//! over, a 429's wait) and a wait is only announced when a caller has to wait.
//!
//! Cancel safety: a slot is a [`Permit`], given back when it is dropped, at whatever await point
//! the call was abandoned (`tokio::time::timeout`, `select!`, an aborted task); an answer is
//! recorded by [`Permit::observe`], which consumes it. Each permit carries the generation of the
//! window it was taken in, so an answer arriving after its window ended (a late answer) cannot
//! set the new window's reset or remaining.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use tokio::sync::Notify;

use super::headers::RateLimit;
use super::operations::OPERATION_COUNT;

/// Rate-limit state per endpoint group, shared by every clone of a client.
pub(crate) struct Throttle {
    /// One group per generated operation (indexed like the operation table), plus one for
    /// anything else.
    groups: Box<[Group]>,
}

/// How many groups there are and how many an answer has told or a request holds (a client's
/// `Debug` stays readable: every group in full was ~85 KB of text). A group locked right now is
/// not counted rather than waited for.
impl std::fmt::Debug for Throttle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let told = self
            .groups
            .iter()
            .filter(|g| {
                g.state
                    .try_lock()
                    .is_ok_and(|w| w.limit.is_some() || w.in_flight > 0)
            })
            .count();
        f.debug_struct("Throttle")
            .field("groups", &self.groups.len())
            .field("active", &told)
            .finish_non_exhaustive()
    }
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
    /// Whether an answer has told the window's state: until then one request goes alone, as a
    /// probe, so a burst of first calls cannot all land in a window the client knows nothing
    /// about.
    observed: bool,
    /// Counts the windows: a permit remembers the one it was taken in.
    generation: u64,
}

/// A reserved slot in a group's window. Dropping it gives the slot back (the request got no
/// answer); [`Permit::observe`] records the answer instead.
#[derive(Debug)]
pub(crate) struct Permit<'a> {
    group: &'a Group,
    generation: u64,
    /// Resets further away than this are not kept (see [`Window::forget`]).
    max_wait: Duration,
    answered: bool,
}

/// Decrements the waiting count when a look at the window is over, however it ends.
struct WaitingGuard<'a>(&'a AtomicUsize);

impl Drop for WaitingGuard<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

#[derive(Debug)]
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
/// A safety bound on the throttle's wait rounds for one request. The real bound is time (the
/// policy's `max_server_wait` and the deadline): a round count alone let the late callers of a
/// long queue break out together and stampede a used-up window. Each round sleeps until a reset,
/// for [`NEWS_WAIT`], or until an answer arrives, so this count is never reached within any wait
/// a policy allows in practice.
const MAX_ROUNDS: usize = 100_000;

impl Throttle {
    /// The state of the operation at `index` in the generated operation table (one endpoint
    /// group: method + path template); anything past the table shares the last group.
    pub(crate) fn group_at(&self, index: usize) -> &Group {
        &self.groups[index.min(self.groups.len() - 1)]
    }
}

/// What an answer says about its group's window.
#[derive(Debug, Clone, Copy)]
struct News {
    rate_limit: Option<RateLimit>,
    /// A 429's requested wait: the window is used up for that long.
    too_many_requests: Option<Duration>,
    /// The window the request was sent in.
    generation: u64,
    /// Resets further away than this are not kept.
    max_wait: Duration,
}

/// The time, read at most once and only when something needs it: most answers carry no reset
/// and most slots are free, and reading the clock costs more than the rest of the throttle.
#[derive(Debug, Clone, Copy)]
struct Clock(Option<Instant>);

impl Clock {
    /// A clock that reads the time when first asked.
    fn lazy() -> Self {
        Clock(None)
    }

    fn now(&mut self) -> Instant {
        *self.0.get_or_insert_with(Instant::now)
    }
}

impl From<Instant> for Clock {
    fn from(now: Instant) -> Self {
        Clock(Some(now))
    }
}

impl Window {
    /// When the window is over, starts the next one: it holds `limit` requests, and its reset is
    /// unknown until the first answer arrives.
    fn roll_over(&mut self, now: &mut Clock) {
        if self.reset_at.is_some_and(|r| now.now() >= r) {
            self.remaining = self.limit;
            self.reset_at = None;
            self.generation = self.generation.wrapping_add(1);
        }
    }

    /// Drops what is known of the window (its reset is too far away to wait for): the next
    /// request goes alone, as a probe, and its answer tells the state afresh. Keeps the group
    /// pacing instead of sending everything unthrottled until a far-away reset.
    fn forget(&mut self) {
        self.remaining = None;
        self.reset_at = None;
        self.observed = false;
    }

    /// Records an answer to a request the window let through.
    fn record(&mut self, news: News, now: impl Into<Clock>) {
        let mut now = now.into();
        self.in_flight = self.in_flight.saturating_sub(1);
        self.observed = true;
        self.roll_over(&mut now);
        let rate_limit = news.rate_limit.unwrap_or_default();
        if rate_limit.limit.is_some() {
            self.limit = rate_limit.limit;
        }
        if news.generation != self.generation {
            // Sent in a window that has ended: what it says about reset and remaining is stale.
            return;
        }
        if let Some(wait) = news.too_many_requests {
            match now
                .now()
                .checked_add(wait)
                .filter(|_| wait <= news.max_wait)
            {
                Some(reset_at) => {
                    self.remaining = Some(0);
                    self.reset_at = Some(reset_at);
                }
                None => self.forget(),
            }
            return;
        }
        let reset_at = rate_limit
            .reset
            .filter(|r| *r <= news.max_wait)
            .and_then(|r| now.now().checked_add(r));
        if rate_limit.reset.is_some() && reset_at.is_none() && rate_limit.remaining == Some(0) {
            self.forget();
            return;
        }
        if self.reset_at.is_none() {
            self.reset_at = reset_at;
        }
        if let Some(rem) = rate_limit.remaining {
            // What was reserved locally may be ahead of what the server has counted yet (answers
            // arrive out of order): keep the smaller.
            self.remaining = Some(self.remaining.map_or(rem, |local| local.min(rem)));
        }
    }

    fn take_slot(&mut self, now: impl Into<Clock>) -> Slot {
        self.roll_over(&mut now.into());
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
                        // Nothing in flight will tell us more: send one probe.
                        self.forget();
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
    /// Returns the permit and how long it waited. Dropping the future at any await point leaves
    /// nothing behind.
    pub(crate) async fn acquire(
        &self,
        max_wait: Duration,
        deadline: Option<Instant>,
    ) -> (Permit<'_>, Duration) {
        // Most calls find a free slot at once: no announcement, no clock.
        {
            let mut w = self.lock();
            if let Slot::Go = w.take_slot(Clock::lazy()) {
                return (self.permit(w.generation, max_wait), Duration::ZERO);
            }
        }
        let started = Instant::now();
        for _ in 0..MAX_ROUNDS {
            if started.elapsed() > max_wait {
                break;
            }
            // Announce first, so an answer arriving after the look below still wakes us.
            self.waiting.fetch_add(1, Ordering::SeqCst);
            let _waiting = WaitingGuard(&self.waiting);
            let news = self.changed.notified();
            let (slot, generation) = {
                let mut w = self.lock();
                (w.take_slot(Clock::lazy()), w.generation)
            };
            match slot {
                Slot::Go => return (self.permit(generation, max_wait), started.elapsed()),
                Slot::WaitUntil(reset) => {
                    let jitter = Duration::from_millis(fastrand::u64(0..=RESET_JITTER_MS));
                    let Some(until) = reset.checked_add(RESET_MARGIN + jitter) else {
                        break;
                    };
                    let wait = until.saturating_duration_since(Instant::now());
                    if wait > max_wait || deadline.is_some_and(|d| until > d) {
                        break;
                    }
                    tokio::time::sleep(wait).await;
                }
                Slot::WaitForNews => {
                    let past_deadline = deadline.is_some_and(|d| {
                        Instant::now().checked_add(NEWS_WAIT).is_none_or(|t| t > d)
                    });
                    if past_deadline {
                        break;
                    }
                    let _ = tokio::time::timeout(NEWS_WAIT, news).await;
                }
            }
        }
        let generation = {
            let mut w = self.lock();
            w.in_flight += 1;
            w.generation
        };
        (self.permit(generation, max_wait), started.elapsed())
    }

    fn permit(&self, generation: u64, max_wait: Duration) -> Permit<'_> {
        Permit {
            group: self,
            generation,
            max_wait,
            answered: false,
        }
    }

    /// Ends a permit: records its answer, if any, and wakes whoever waits for news.
    fn finish(&self, permit: &Permit<'_>, answer: Option<(Option<RateLimit>, Option<Duration>)>) {
        {
            let mut w = self.lock();
            match answer {
                Some((rate_limit, too_many_requests)) => {
                    let news = News {
                        rate_limit,
                        too_many_requests,
                        generation: permit.generation,
                        max_wait: permit.max_wait,
                    };
                    w.record(news, Clock::lazy());
                }
                None => w.in_flight = w.in_flight.saturating_sub(1),
            }
        }
        if self.waiting.load(Ordering::SeqCst) > 0 {
            self.changed.notify_waiters();
        }
    }
}

impl Permit<'_> {
    /// Records the answer to the request this permit let through: the response's `RateLimit`
    /// header, and a 429's requested wait.
    pub(crate) fn observe(
        mut self,
        rate_limit: Option<RateLimit>,
        too_many_requests: Option<Duration>,
    ) {
        self.answered = true;
        self.group
            .finish(&self, Some((rate_limit, too_many_requests)));
    }
}

impl Drop for Permit<'_> {
    /// A request that got no answer (failed, or its call was dropped) gives its slot back.
    fn drop(&mut self) {
        if !self.answered {
            self.group.finish(self, None);
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
            generation: 0,
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

    fn news(generation: u64, header: &str, too_many: Option<Duration>) -> News {
        News {
            rate_limit: RateLimit::parse(header),
            too_many_requests: too_many,
            generation,
            max_wait: Duration::from_secs(60),
        }
    }

    const MS: fn(u64) -> Duration = Duration::from_millis;

    #[test]
    fn a_late_answer_from_the_previous_window_does_not_set_the_new_one() {
        // Defect 6: limit 3 per 1 s; a request sent at 0.8 s is answered at 1.3 s with what the
        // server knew at 0.8 s (remaining=1, reset=0.2). It must not make the new window
        // end at 1.5 s with 1 request left.
        let t0 = Instant::now();
        let mut w = Window::default();
        assert!(matches!(w.take_slot(t0), Slot::Go));
        w.record(news(0, "limit=3, remaining=2, reset=1", None), t0);
        assert!(matches!(w.take_slot(t0 + MS(800)), Slot::Go));
        assert_eq!(w.generation, 0);
        w.record(
            news(0, "limit=3, remaining=1, reset=0.2", None),
            t0 + MS(1300),
        );
        assert_eq!(w.generation, 1, "the window rolled over");
        assert_eq!(w.reset_at, None, "the stale reset was ignored");
        assert_eq!(w.remaining, Some(3), "the stale remaining was ignored");
        assert_eq!(w.in_flight, 0);
        // The new window's own answers do set it.
        for _ in 0..3 {
            assert!(matches!(w.take_slot(t0 + MS(1350)), Slot::Go));
        }
        assert!(matches!(w.take_slot(t0 + MS(1350)), Slot::WaitForNews));
        w.record(
            news(1, "limit=3, remaining=0, reset=0.65", None),
            t0 + MS(1350),
        );
        assert_eq!(w.reset_at, Some(t0 + MS(2000)));
        // A stale 429 does not close the new window either.
        let mut v = Window::default();
        assert!(matches!(v.take_slot(t0), Slot::Go));
        v.record(news(0, "limit=3, remaining=2, reset=1", None), t0);
        v.take_slot(t0 + MS(900));
        v.record(news(0, "", Some(MS(100))), t0 + MS(1100));
        assert_eq!((v.remaining, v.reset_at), (Some(3), None));
    }

    #[test]
    fn a_refused_far_reset_does_not_stop_the_pacing() {
        // A 429 asking for 25 h: the call is refused, and the group is not left closed until
        // then (every request would go unpaced): it probes with one request at a time.
        let t0 = Instant::now();
        let mut w = Window::default();
        assert!(matches!(w.take_slot(t0), Slot::Go));
        w.record(
            news(0, "limit=5, remaining=0", Some(Duration::from_secs(90_000))),
            t0,
        );
        assert_eq!(w.reset_at, None);
        assert!(matches!(w.take_slot(t0), Slot::Go), "one probe");
        assert!(
            matches!(w.take_slot(t0), Slot::WaitForNews),
            "the rest wait"
        );
        // Same for a far reset in a used-up window's RateLimit header.
        w.record(news(0, "limit=5, remaining=0, reset=90000", None), t0);
        assert_eq!((w.reset_at, w.observed), (None, false));
        // A far reset with room left keeps the count and no reset.
        let mut v = Window::default();
        v.take_slot(t0);
        v.record(news(0, "limit=100, remaining=99, reset=90", None), t0);
        assert_eq!((v.remaining, v.reset_at), (Some(99), None));
    }

    #[tokio::test]
    async fn a_dropped_permit_gives_its_slot_back() {
        let group = Group::default();
        let (permit, _) = group.acquire(Duration::from_secs(1), None).await;
        assert_eq!(group.lock().in_flight, 1);
        drop(permit);
        assert_eq!(group.lock().in_flight, 0);
        // Dropped mid-flight by a timeout: the same.
        let call = async {
            let (_permit, _) = group.acquire(Duration::from_secs(1), None).await;
            std::future::pending::<()>().await;
        };
        assert!(tokio::time::timeout(MS(10), call).await.is_err());
        assert_eq!(group.lock().in_flight, 0);
        // An observed permit is not released twice.
        let (a, _) = group.acquire(Duration::from_secs(1), None).await;
        a.observe(RateLimit::parse("limit=2, remaining=1, reset=1"), None);
        let (b, _) = group.acquire(Duration::from_secs(1), None).await;
        let (c, _) = group.acquire(Duration::from_secs(1), None).await;
        assert_eq!(group.lock().in_flight, 2);
        drop((b, c));
        assert_eq!(group.lock().in_flight, 0);
        assert_eq!(group.waiting.load(Ordering::SeqCst), 0);
    }

    #[tokio::test]
    async fn a_dropped_permit_wakes_a_waiter_at_once() {
        let group = Group::default();
        let (probe, _) = group.acquire(Duration::from_secs(1), None).await;
        let started = Instant::now();
        let waiter = async {
            let (_p, waited) = group.acquire(Duration::from_secs(1), None).await;
            waited
        };
        let dropper = async {
            tokio::time::sleep(MS(20)).await;
            drop(probe);
        };
        let (waited, ()) = tokio::join!(waiter, dropper);
        // Woken by the drop, not by the 250 ms news timeout.
        assert!(
            waited < MS(200),
            "{waited:?} (started {:?} ago)",
            started.elapsed()
        );
        // A waiter dropped while it waits leaves no count behind.
        let (_held, _) = group.acquire(Duration::from_secs(1), None).await;
        {
            let mut w = group.lock();
            w.remaining = Some(0);
            w.reset_at = Instant::now().checked_add(Duration::from_secs(30));
        }
        let waiting = group.acquire(Duration::from_secs(60), None);
        assert!(tokio::time::timeout(MS(20), waiting).await.is_err());
        assert_eq!(group.waiting.load(Ordering::SeqCst), 0);
        assert_eq!(group.lock().in_flight, 1);
    }

    #[tokio::test]
    async fn extreme_waits_and_deadlines_do_not_panic() {
        let group = Group::default();
        for (max_wait, deadline) in [
            (Duration::from_secs(86_400), None),
            (Duration::ZERO, Some(Instant::now())),
            (
                Duration::MAX,
                Instant::now().checked_add(Duration::from_secs(u64::MAX / 4)),
            ),
        ] {
            {
                let mut w = group.lock();
                w.observed = true;
                w.remaining = Some(0);
                // The farthest reset an Instant can hold.
                let mut far = Instant::now();
                for shift in (0..64).rev() {
                    if let Some(t) = far.checked_add(Duration::from_secs(1u64 << shift)) {
                        far = t;
                    }
                }
                w.reset_at = Some(far);
            }
            let (permit, _) =
                tokio::time::timeout(Duration::from_secs(5), group.acquire(max_wait, deadline))
                    .await
                    .expect("a reset that cannot be waited for is not waited for");
            permit.observe(
                RateLimit::parse("limit=1, remaining=0, reset=1e300"),
                Some(Duration::MAX),
            );
        }
    }

    proptest! {
        #[test]
        fn throttle_state_never_panics(events in proptest::collection::vec((0u8..5, 0u64..5, 0u64..3000, 0u8..4), 0..50)) {
            let mut w = Window::default();
            let start = Instant::now();
            for (kind, n, ms, extreme) in events {
                let at = start + Duration::from_millis(ms);
                let d = [Duration::ZERO, Duration::MAX, Duration::from_secs(u64::MAX), Duration::from_millis(ms)][extreme as usize];
                match kind {
                    0 => { let _ = w.take_slot(at); }
                    1 => { w.remaining = Some(n); w.reset_at = Some(at); }
                    2 => { w.limit = Some(n); }
                    3 => {
                        let rl = RateLimit { limit: Some(n), remaining: Some(n), reset: Some(d) };
                        w.record(News { rate_limit: Some(rl), too_many_requests: None, generation: w.generation, max_wait: d }, at);
                    }
                    _ => {
                        w.record(News { rate_limit: None, too_many_requests: Some(d), generation: n, max_wait: d }, at);
                    }
                }
            }
        }
    }
}
