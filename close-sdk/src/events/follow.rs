//! Following the event log: poll, yield new events oldest first, resume from a stored position.
//!
//! Close's Event Log page says cursors "are not designed to stream new events: Events may be
//! visible through the API in a different order than they were triggered … event consolidation
//! of multiple recent events to the same object may occur. To avoid missing recent events when
//! paginating, we recommend to scan the latest five minutes of events." So each poll scans
//! every event whose `date_updated` is at or after *watermark − overlap* (the newest
//! `date_updated` handed out, less [`FollowOptions::overlap`], 5 minutes by default), newest
//! first with `cursor_next`, and hands out, oldest first, those it has not handed out before.
//!
//! # The position
//!
//! A [`FollowPosition`] is what a service stores to resume: the watermark, the start of the
//! overlap window, and the `(id, date_updated)` of every event handed out inside that window.
//! It changes only when [`EventFollower::next`] returns an event, and then includes that event;
//! store it after you have processed the event. Resuming from it, a new follower:
//!
//! - re-scans the overlap window, so an event that became visible late (up to the overlap)
//!   is still delivered;
//! - skips what the stored pairs say was delivered, so nothing is repeated;
//! - never goes further back than the window, so an event older than it is not delivered
//!   again (nor, if it became visible later than the overlap, at all: Close keeps no record
//!   the SDK could use for that).
//!
//! An event Close consolidates after you received it (same `id`, later `date_updated`) is
//! delivered again with its new data: that is a new state, not a repeat.
//!
//! The watermark never runs ahead of this machine's clock: an event dated in the future (a
//! skewed clock, a year-9999 date) is delivered and remembered, but moves the watermark only to
//! *now*. Otherwise the window would start in the future and every later real event, older
//! than it, would never be delivered. The cost, while such an event is in the log, is that it
//! stays in the position and a clock behind Close's widens the window; as with `latest`, a
//! clock up to `overlap` ahead of Close's loses nothing. A stored position is held to the same
//! rule when a follower starts from it, each part on its own: a watermark in the future (a
//! hand-edited file, or one written while this machine's clock was ahead) becomes *now*, and a
//! window start after *now − overlap* becomes that, with or without a watermark (a `latest`
//! start on an empty log, written while the clock was ahead, stores exactly such a window
//! start). So the follower never asks for events from the future and delivers again (an event
//! it delivered inside the restored window may then be delivered twice: at least once beats
//! never). [`FollowPosition::since`] is held the same way.
//!
//! # The position's size
//!
//! Dated events leave the position when they leave the window, but events without a
//! `date_updated`, or dated after *now*, never would. So a position remembers at most
//! [`FollowOptions::max_scan_events`] events dated up to *now* (the most one scan can hold:
//! a window holding more is scanned with a shrunk overlap, see below, so the oldest are not
//! scanned again) and at most [`FollowPosition::MAX_UNANCHORED`] undated or future-dated ones;
//! past that it forgets the oldest dated ones, or the undated ones and then the farthest in the
//! future. Forgetting an event never makes the follower skip one: it can only deliver that
//! event again if Close lists it again. Where the bound forces a choice, a possible duplicate
//! is preferred to a loss. A stored position over the bound (an older version's, an edited
//! one) is cut to it when a follower starts from it.
//!
//! # Catching up
//!
//! When the window holds more than [`FollowOptions::max_scan_events`] events (after downtime,
//! or from [`FollowPosition::beginning`] on a busy log), one scan of it would not fit. The
//! follower then scans it in slices, oldest first: each slice is the window's start up to an
//! upper end (`date_updated__lt`), so it still re-scans the overlap and the position means
//! exactly what it means above. A slice that overflows is halved; one with nothing new is
//! passed and the next one doubled; one with new events hands them out, and the next slice
//! starts where it ended. A slice reaching the newest event seen becomes the open window again,
//! and when that fits the catch-up is over. A poll makes at most 16 scans (each at most
//! `max_scan_events / page_size + 2` requests) and holds at most `max_scan_events` events.
//! Every slice re-scans the overlap. When the overlap itself holds more than one scan (a burst
//! of more than `max_scan_events` events within it, e.g. a bulk edit), slicing cannot help, so
//! the follower shrinks the overlap its scans use (halving, down to zero: scans then start at
//! the watermark; the stored pairs still prevent repeats; straight to zero when not even the
//! thinnest slice fits) until the catch-up is over, then
//! goes back to the full overlap. The cost: during such a burst, an event that becomes visible
//! late and is older than the shrunk overlap can be missed (Close's own advice, the 5-minute
//! scan, cannot hold such a burst either), and while the burst stays inside the overlap each
//! poll may need several scans. Only a single instant holding more than `max_scan_events`
//! remains an error (naming the instant) instead of a loop. From [`FollowPosition::beginning`], slicing starts 31 days
//! before the newest event (Close keeps 30 days), the first slice reaching back to the oldest.

use std::collections::{BTreeSet, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::event::Event;
use super::log::{check_page_size, EventFilter, EventPage, EventQuery, MAX_EVENT_PAGE_SIZE};
use crate::{Error, Timestamp};

type Fetch = Box<
    dyn FnMut(EventQuery) -> Pin<Box<dyn Future<Output = Result<EventPage, Error>> + Send>> + Send,
>;

/// How to follow: overlap, poll intervals, page size and a bound on one scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FollowOptions {
    /// How far behind the watermark each poll looks again (default 5 minutes, Close's advice).
    pub overlap: Duration,
    /// The wait between polls while events keep coming (default 2 s).
    pub min_interval: Duration,
    /// The longest wait between polls when idle: the wait doubles after each empty poll up to
    /// this (default 60 s).
    pub max_interval: Duration,
    /// Events per request, 1 to 50 (default 50, Close's maximum).
    pub page_size: u32,
    /// The most events one scan may hold (default 10,000, at most 1,000,000); a window holding more is caught up
    /// in time slices (see the module documentation).
    pub max_scan_events: usize,
}

/// The shortest `min_interval`: the idle backoff doubles it, so it must not be zero.
const MIN_INTERVAL: Duration = Duration::from_millis(1);

/// The largest `max_scan_events` a follower accepts (a scan holds its events in memory).
const MAX_SCAN_EVENTS: usize = 1_000_000;

/// The longest overlap or poll interval a follower accepts (and the longest wait it makes).
const MAX_FOLLOW_DURATION: Duration = Duration::from_secs(24 * 3600);

impl FollowOptions {
    /// Refuses settings whose arithmetic could not be done or would not back off: an overlap
    /// or interval longer than a day, a minimum interval under 1 ms or above the maximum, or
    /// `max_scan_events` outside 1 to 1,000,000.
    fn validate(&self) -> Result<(), Error> {
        if !(1..=MAX_SCAN_EVENTS).contains(&self.max_scan_events) {
            return Err(Error::InvalidRequest(format!(
                "FollowOptions: max_scan_events must be 1 to {MAX_SCAN_EVENTS} (got {})",
                self.max_scan_events
            )));
        }
        let fine = self.overlap <= MAX_FOLLOW_DURATION
            && self.max_interval <= MAX_FOLLOW_DURATION
            && self.min_interval >= MIN_INTERVAL
            && self.min_interval <= self.max_interval;
        if fine {
            Ok(())
        } else {
            Err(Error::InvalidRequest(format!(
                "FollowOptions: overlap and intervals must be at most {} s, min_interval at least 1 ms \
                 and at most max_interval (got overlap {:?}, min_interval {:?}, max_interval {:?})",
                MAX_FOLLOW_DURATION.as_secs(),
                self.overlap,
                self.min_interval,
                self.max_interval
            )))
        }
    }
}

/// `t - d`, or `t` itself when that is out of range (a server may send any date `Timestamp`
/// reads, down to year -9999): no date arithmetic may panic.
fn earlier(t: OffsetDateTime, d: Duration) -> OffsetDateTime {
    time::Duration::try_from(d)
        .ok()
        .and_then(|d| t.checked_sub(d))
        .unwrap_or(t)
}

/// `now + wait`, the wait capped at [`MAX_FOLLOW_DURATION`] (a server may ask for any wait).
fn poll_at(wait: Duration) -> tokio::time::Instant {
    let now = tokio::time::Instant::now();
    let wait = wait.min(MAX_FOLLOW_DURATION);
    now.checked_add(wait).unwrap_or(now)
}

impl Default for FollowOptions {
    fn default() -> Self {
        FollowOptions {
            overlap: Duration::from_secs(5 * 60),
            min_interval: Duration::from_secs(2),
            max_interval: Duration::from_secs(60),
            page_size: MAX_EVENT_PAGE_SIZE,
            max_scan_events: 10_000,
        }
    }
}

/// Where a follower is: store it (it is `serde`) and give it back to resume without losing or
/// repeating events. See the module documentation for what it guarantees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowPosition {
    /// Start from the newest events now, without delivering them.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    latest: bool,
    /// The newest `date_updated` delivered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    watermark: Option<Timestamp>,
    /// Events updated before this are never delivered (the window's start).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    since: Option<Timestamp>,
    /// `(id, date_updated)` of the events delivered at or after `since`.
    #[serde(default)]
    delivered: BTreeSet<(String, Option<Timestamp>)>,
}

impl FollowPosition {
    /// The most events without a `date_updated`, or dated after this machine's clock, a
    /// position remembers (the window never forgets those): enough for any real log, whose
    /// events all carry a date, while keeping a stored position small. Past it, the undated
    /// ones and then the farthest in the future are forgotten (see the module documentation).
    pub const MAX_UNANCHORED: usize = 1_000;

    /// Only events that appear after the first poll (the log's current content is skipped).
    pub fn latest() -> Self {
        FollowPosition {
            latest: true,
            watermark: None,
            since: None,
            delivered: BTreeSet::new(),
        }
    }

    /// Every event updated at or after `t` (the log keeps 30 days). A `t` later than
    /// *now − overlap* (by this machine's clock when the follower starts) starts the window
    /// there instead: a follower never asks for events from the future, so a few events from
    /// before `t` may be delivered too.
    pub fn since(t: Timestamp) -> Self {
        FollowPosition {
            latest: false,
            watermark: None,
            since: Some(t),
            delivered: BTreeSet::new(),
        }
    }

    /// Every event in the log, then new ones.
    pub fn beginning() -> Self {
        FollowPosition {
            latest: false,
            watermark: None,
            since: None,
            delivered: BTreeSet::new(),
        }
    }

    /// The newest `date_updated` delivered so far.
    pub fn watermark(&self) -> Option<&Timestamp> {
        self.watermark.as_ref()
    }

    /// How many delivered events it remembers (those inside the overlap window, within the
    /// bound the module documentation gives).
    pub fn remembered(&self) -> usize {
        self.delivered.len()
    }

    fn key(event: &Event) -> (String, Option<Timestamp>) {
        (event.id.clone(), event.date_updated.clone())
    }

    fn is_new(&self, event: &Event) -> bool {
        self.is_new_key(&Self::key(event))
    }

    fn is_new_key(&self, key: &(String, Option<Timestamp>)) -> bool {
        let too_old = match (&self.since, &key.1) {
            (Some(since), Some(d)) => d < since,
            _ => false,
        };
        !too_old && !self.delivered.contains(key)
    }

    /// Records a delivered event and moves the window: `since` = watermark − overlap. The
    /// watermark never runs ahead of this machine's clock, and the position stays within its
    /// bound (module documentation).
    fn record(&mut self, event: &Event, options: &FollowOptions) {
        self.record_key(Self::key(event), options);
    }

    /// [`FollowPosition::record`] by `(id, date_updated)`.
    fn record_key(&mut self, key: (String, Option<Timestamp>), options: &FollowOptions) {
        let date = key.1.clone();
        self.delivered.insert(key);
        if let Some(d) = &date {
            let now = OffsetDateTime::from(SystemTime::now());
            let d = if d.offset_date_time() > now {
                Timestamp::from(now)
            } else {
                d.clone()
            };
            if self.watermark.as_ref().is_none_or(|w| &d > w) {
                self.watermark = Some(d);
            }
            self.advance_window(options.overlap);
        }
        self.bound(options.max_scan_events);
    }

    /// Holds a stored position to the rule [`FollowPosition::record`] applies, each part on its
    /// own: a watermark ahead of this machine's clock becomes *now*, a window start after
    /// *now − overlap* becomes that (whatever the watermark), and what it remembers is cut to
    /// the bound (module documentation).
    fn hold_to_clock(&mut self, options: &FollowOptions) {
        let now = OffsetDateTime::from(SystemTime::now());
        if self
            .watermark
            .as_ref()
            .is_some_and(|w| w.offset_date_time() > now)
        {
            self.watermark = Some(Timestamp::from(now));
        }
        let start = earlier(now, options.overlap);
        if self
            .since
            .as_ref()
            .is_some_and(|s| s.offset_date_time() > start)
        {
            self.since = Some(Timestamp::from(start));
        }
        self.bound(options.max_scan_events);
    }

    fn advance_window(&mut self, overlap: Duration) {
        let Some(w) = &self.watermark else {
            return;
        };
        let start = Timestamp::from(earlier(w.offset_date_time(), overlap));
        if self.since.as_ref().is_none_or(|s| &start > s) {
            self.since = Some(start.clone());
        }
        self.delivered
            .retain(|(_, d)| d.as_ref().is_none_or(|d| d >= &start));
    }

    /// Keeps at most `max_dated` events dated up to *now* (the newest) and at most
    /// [`FollowPosition::MAX_UNANCHORED`] undated or future-dated ones (the undated first, then
    /// the farthest in the future, are forgotten). Forgetting an event can only make it be
    /// delivered again if Close lists it again, never skipped.
    fn bound(&mut self, max_dated: usize) {
        if self.delivered.len() <= max_dated.min(Self::MAX_UNANCHORED) {
            return;
        }
        let now = Timestamp::from(OffsetDateTime::from(SystemTime::now()));
        let anchored = |d: &Option<Timestamp>| d.as_ref().is_some_and(|d| d <= &now);
        let dated = self.delivered.iter().filter(|(_, d)| anchored(d)).count();
        let unanchored = self.delivered.len() - dated;
        let mut forget: Vec<(String, Option<Timestamp>)> = Vec::new();
        if unanchored > Self::MAX_UNANCHORED {
            let mut keys: Vec<&(String, Option<Timestamp>)> = self
                .delivered
                .iter()
                .filter(|(_, d)| !anchored(d))
                .collect();
            // Undated first (`None` sorts first), then the farthest in the future.
            keys.sort_by(|a, b| match (&a.1, &b.1) {
                (Some(x), Some(y)) => y.cmp(x),
                (x, y) => x.is_some().cmp(&y.is_some()),
            });
            let excess = unanchored - Self::MAX_UNANCHORED;
            forget.extend(keys.into_iter().take(excess).cloned());
        }
        if dated > max_dated {
            let mut keys: Vec<&(String, Option<Timestamp>)> =
                self.delivered.iter().filter(|(_, d)| anchored(d)).collect();
            // The oldest first: they leave the window first.
            keys.sort_by(|a, b| a.1.cmp(&b.1));
            forget.extend(keys.into_iter().take(dated - max_dated).cloned());
        }
        for key in &forget {
            self.delivered.remove(key);
        }
    }
}

/// The scans one poll may make while catching up.
const MAX_SCANS_PER_POLL: usize = 16;

/// How far before the newest event a catch-up from the beginning starts slicing (Close keeps
/// 30 days of events).
const LOG_RETENTION: time::Duration = time::Duration::days(31);

/// A catch-up in progress: the next slice is `[since, done + step)` (module documentation).
#[derive(Debug, Clone, Copy, PartialEq)]
struct CatchUp {
    /// Every event updated before this has been scanned (and handed out, if new).
    done: OffsetDateTime,
    /// How far past `done` the next slice reaches.
    step: time::Duration,
    /// The newest `date_updated` seen when the open window last overflowed: a slice reaching
    /// it is the open window again.
    top: OffsetDateTime,
}

/// An event-log entry that did not decode: its `(id, date_updated)` and the error naming it.
type Undecodable = ((String, Option<Timestamp>), Error);

/// What [`EventFollower::next`] hands out next: an event, or the error for one entry that did
/// not decode (reported once, then counted as handed out).
enum Entry {
    Event(Box<Event>),
    Undecodable(Undecodable),
}

/// What one scan found: the events (newest first), or more than the bound allows.
enum Scan {
    /// The events, and the entries that did not decode (their key and error).
    Fits(Vec<Event>, Vec<Undecodable>),
    /// The newest `date_updated` among the events read before giving up, and the dates read.
    Overflow(Option<OffsetDateTime>, Vec<OffsetDateTime>),
}

/// Follows the event log: [`EventFollower::next`] waits for and returns the next new event.
///
/// Polls at most every [`FollowOptions::min_interval`], backs off to
/// [`FollowOptions::max_interval`] while nothing happens, and when Close answers 429 waits as
/// long as it says (`RateLimit` reset / `Retry-After`) and polls again, without an error.
/// Other errors are returned; the follower stays usable and its position unchanged. `next` is
/// cancel-safe: dropping its future loses nothing.
pub struct EventFollower {
    fetch: Fetch,
    filter: EventFilter,
    options: FollowOptions,
    position: FollowPosition,
    buffer: VecDeque<Entry>,
    interval: Duration,
    next_poll: Option<tokio::time::Instant>,
    catch_up: Option<CatchUp>,
    /// The overlap scans use: [`FollowOptions::overlap`], less while a burst overflows it.
    overlap_now: Duration,
}

impl std::fmt::Debug for EventFollower {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventFollower")
            .field("filter", &self.filter)
            .field("options", &self.options)
            .field("position", &self.position)
            .field("buffered", &self.buffer.len())
            .field("catch_up", &self.catch_up)
            .field("overlap_now", &self.overlap_now)
            .finish_non_exhaustive()
    }
}

impl EventFollower {
    /// A follower that fetches each page with `fetch` (given the query to send to `/event/`).
    /// The client's `follow_events` builds one over its request path; this is for other
    /// transports and tests. Fails on an unsupported filter or page size, sending nothing.
    pub fn new<F, Fut>(
        filter: EventFilter,
        position: FollowPosition,
        options: FollowOptions,
        mut fetch: F,
    ) -> Result<Self, Error>
    where
        F: FnMut(EventQuery) -> Fut + Send + 'static,
        Fut: Future<Output = Result<EventPage, Error>> + Send + 'static,
    {
        filter.validate()?;
        check_page_size(options.page_size)?;
        options.validate()?;
        if filter.lower_bound().is_some() {
            return Err(Error::InvalidRequest(
                "a follower sets the date_updated range itself; start it with FollowPosition::since".into(),
            ));
        }
        let mut position = position;
        position.hold_to_clock(&options);
        Ok(EventFollower {
            fetch: Box::new(move |q| Box::pin(fetch(q))),
            filter,
            interval: options.min_interval,
            options,
            position,
            buffer: VecDeque::new(),
            next_poll: None,
            catch_up: None,
            overlap_now: options.overlap,
        })
    }

    /// Where the follower is: includes every event [`EventFollower::next`] has returned.
    pub fn position(&self) -> &FollowPosition {
        &self.position
    }

    /// The next new event, oldest first; waits (polling) until there is one.
    pub async fn next(&mut self) -> Result<Event, Error> {
        loop {
            match self.buffer.pop_front() {
                Some(Entry::Event(event)) => {
                    self.position.record(&event, &self.options);
                    return Ok(*event);
                }
                Some(Entry::Undecodable((key, error))) => {
                    self.position.record_key(key, &self.options);
                    return Err(error);
                }
                None => {}
            }
            if let Some(at) = self.next_poll {
                tokio::time::sleep_until(at).await;
            }
            match self.poll().await {
                Ok(fresh) => {
                    self.interval = if fresh.is_empty() && self.catch_up.is_none() {
                        (self.interval * 2).min(self.options.max_interval)
                    } else {
                        self.options.min_interval
                    };
                    self.next_poll = Some(poll_at(self.interval));
                    self.buffer.extend(fresh);
                }
                Err(e) if e.status().map(|s| s.as_u16()) == Some(429) => {
                    let wait = server_wait(&e).max(Duration::from_secs(1));
                    self.next_poll = Some(poll_at(wait));
                }
                Err(e) => {
                    self.interval = (self.interval * 2).min(self.options.max_interval);
                    self.next_poll = Some(poll_at(self.interval));
                    return Err(e);
                }
            }
        }
    }

    /// One poll: scans the window (in slices while catching up) and returns the new events,
    /// oldest first. The position is not changed (events are recorded as they are returned),
    /// except that a `latest` start becomes a window over what the log holds now.
    async fn poll(&mut self) -> Result<Vec<Entry>, Error> {
        if self.position.latest {
            let Scan::Fits(now, _) = self.scan(None, None).await? else {
                return Err(self.overflow_error("newest", None));
            };
            let mut start = FollowPosition::beginning();
            for e in &now {
                start.record(e, &self.options);
            }
            if start.watermark.is_none() {
                // Nothing to anchor on: start the window at this machine's clock less the
                // overlap (so a clock up to `overlap` ahead of Close's loses nothing).
                let here = earlier(
                    OffsetDateTime::from(SystemTime::now()),
                    self.options.overlap,
                );
                start.since = Some(Timestamp::from(here));
            }
            self.position = start;
            return Ok(Vec::new());
        }
        for _ in 0..MAX_SCANS_PER_POLL {
            let since = self.window_start();
            // The slice's upper end, or `None` for the open window.
            let before = self
                .catch_up
                .and_then(|c| c.done.checked_add(c.step).filter(|end| *end <= c.top));
            match self.scan(since, before).await? {
                Scan::Fits(mut events, mut odd) => {
                    events.retain(|e| self.position.is_new(e));
                    odd.retain(|(key, _)| self.position.is_new_key(key));
                    events.reverse();
                    let events: Vec<Entry> = odd
                        .into_iter()
                        .map(Entry::Undecodable)
                        .chain(events.into_iter().map(|e| Entry::Event(Box::new(e))))
                        .collect();
                    match (self.catch_up.as_mut(), before) {
                        (Some(c), Some(end)) => {
                            c.done = end;
                            if events.is_empty() {
                                c.step = c.step.saturating_mul(2);
                                continue;
                            }
                        }
                        _ => {
                            self.catch_up = None;
                            self.overlap_now = self.options.overlap;
                        }
                    }
                    return Ok(events);
                }
                Scan::Overflow(newest, dates) => {
                    let next = match (self.catch_up, before) {
                        (Some(c), Some(_)) if self.overlap_heavy(&dates, c.done) => {
                            // Most of what overflowed was scanned before (the overlap): shrink
                            // the overlap, not the slice.
                            self.shrink_overlap();
                            continue;
                        }
                        (Some(c), Some(_)) => CatchUp {
                            step: c.step / 2,
                            ..c
                        },
                        (c, _) => {
                            let Some(top) = newest else {
                                return Err(self.overflow_error("undated", None));
                            };
                            let done = c
                                .map(|c| c.done)
                                .or(since)
                                .unwrap_or_else(|| top.checked_sub(LOG_RETENTION).unwrap_or(top));
                            CatchUp {
                                done,
                                step: (top - done) / 2,
                                top,
                            }
                        }
                    };
                    if next.step < time::Duration::MICROSECOND {
                        if self.can_shrink_overlap() {
                            // Not even the thinnest slice fits: start scans at the watermark
                            // at once (halving here would cost ~20 scans for nothing).
                            self.overlap_now = Duration::ZERO;
                            continue;
                        }
                        return Err(self.overflow_error("", newest.or(Some(next.done))));
                    }
                    self.catch_up = Some(next);
                }
            }
        }
        Ok(Vec::new())
    }

    /// Where scans start: the position's window start, or later while a burst has made the
    /// overlap shrink (watermark − the shrunk overlap).
    fn window_start(&self) -> Option<OffsetDateTime> {
        let since = self.position.since.as_ref().map(|s| s.offset_date_time());
        let shrunk = self
            .position
            .watermark
            .as_ref()
            .filter(|_| self.overlap_now < self.options.overlap)
            .map(|w| earlier(w.offset_date_time(), self.overlap_now));
        since.max(shrunk)
    }

    /// Whether an overflowing slice read mostly events from before `done` (its overlap part).
    fn overlap_heavy(&self, dates: &[OffsetDateTime], done: OffsetDateTime) -> bool {
        let old = dates.iter().filter(|d| **d < done).count();
        self.can_shrink_overlap() && old > self.options.max_scan_events / 2
    }

    fn can_shrink_overlap(&self) -> bool {
        self.position.watermark.is_some() && !self.overlap_now.is_zero()
    }

    /// Halves the overlap scans use (under 1 ms: zero, scans start at the watermark).
    fn shrink_overlap(&mut self) {
        let half = self.overlap_now / 2;
        self.overlap_now = if half < Duration::from_millis(1) {
            Duration::ZERO
        } else {
            half
        };
    }

    /// The error for a window that cannot be split further.
    fn overflow_error(&self, which: &str, at: Option<OffsetDateTime>) -> Error {
        let place = match at {
            Some(t) => format!("updated at {}", super::log::format_time(t)),
            None => format!("in the {which} window"),
        };
        Error::InvalidRequest(format!(
            "the event log holds more than {} events {place} (with the overlap before it), \
             which one scan cannot hold; raise FollowOptions::max_scan_events",
            self.options.max_scan_events
        ))
    }

    /// Every event at or after `since` and before `before` (or, when `since` is `None` and
    /// the position is `latest`, from the newest back to the first page's watermark −
    /// overlap), newest first, without duplicates; or [`Scan::Overflow`] past the bound.
    async fn scan(
        &mut self,
        since: Option<OffsetDateTime>,
        before: Option<OffsetDateTime>,
    ) -> Result<Scan, Error> {
        let latest = self.position.latest;
        let mut bound = since.map(|t| (t, true));
        let mut filter = self.filter.clone();
        if let Some(t) = since {
            filter = filter.updated_since(Timestamp::from(t));
        }
        if let Some(t) = before {
            filter = filter.updated_before(Timestamp::from(t));
        }
        let mut out: Vec<Event> = Vec::new();
        let mut odd: Vec<Undecodable> = Vec::new();
        let mut seen = BTreeSet::new();
        let mut cursors_seen: BTreeSet<String> = BTreeSet::new();
        let mut cursor: Option<String> = None;
        let max_pages = (self.options.max_scan_events / self.options.page_size.max(1) as usize)
            .saturating_add(2);
        for _ in 0..max_pages {
            let query = EventQuery::new(&filter, self.options.page_size, cursor.as_deref());
            let page = (self.fetch)(query).await?;
            let received = page.data.len() + page.undecodable.len();
            for value in &page.undecodable {
                let (id, date, error) = super::undecodable(value);
                let older =
                    matches!((bound, &date), (Some((t, _)), Some(d)) if d.offset_date_time() < t);
                if !older && seen.insert((id.clone(), date.clone())) {
                    odd.push(((id, date), error));
                }
            }
            let mut reached_bound = false;
            for event in page.data {
                if latest && bound.is_none() {
                    // The first event of a `latest` scan is the newest: the window starts
                    // an overlap before it.
                    if let Some(d) = &event.date_updated {
                        bound = Some((earlier(d.offset_date_time(), self.options.overlap), true));
                    }
                }
                if super::log::below(&event, bound) {
                    reached_bound = true;
                    break;
                }
                if seen.insert(FollowPosition::key(&event)) {
                    out.push(event);
                }
            }
            if reached_bound || received == 0 {
                return Ok(Scan::Fits(out, odd));
            }
            match page.cursor_next {
                // A cursor seen before in this scan means the server cycles: nothing new lies
                // beyond it.
                Some(next) if !next.is_empty() && cursors_seen.insert(next.clone()) => {
                    cursor = Some(next);
                }
                _ => return Ok(Scan::Fits(out, odd)),
            }
            if out.len() > self.options.max_scan_events {
                break;
            }
        }
        let dates: Vec<OffsetDateTime> = out
            .iter()
            .filter_map(|e| e.date_updated.as_ref().map(|d| d.offset_date_time()))
            .collect();
        Ok(Scan::Overflow(dates.iter().max().copied(), dates))
    }
}

/// How long a 429 asked to wait.
fn server_wait(e: &Error) -> Duration {
    if let Error::ServerWaitTooLong { requested, .. } = e {
        return *requested;
    }
    e.api_error()
        .and_then(|api| {
            let body = serde_json::to_vec(&api.body).unwrap_or_default();
            crate::transport::retry::wait_after_429(
                &api.headers,
                &body,
                std::time::SystemTime::now(),
            )
        })
        .unwrap_or(Duration::from_secs(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event(id: &str, date: &str) -> Event {
        serde_json::from_value(json!({
            "id": id, "object_type": "lead", "action": "updated", "date_updated": date
        }))
        .unwrap()
    }

    #[test]
    fn recording_moves_the_window_and_forgets_what_falls_out_of_it() {
        let mut p = FollowPosition::beginning();
        let overlap = &FollowOptions::default();
        p.record(&event("a", "2024-01-01T00:00:00"), overlap);
        p.record(&event("b", "2024-01-01T00:04:00"), overlap);
        assert_eq!(p.remembered(), 2);
        assert!(!p.is_new(&event("a", "2024-01-01T00:00:00")));
        assert!(
            p.is_new(&event("a", "2024-01-01T00:01:00")),
            "a consolidated update is new"
        );
        p.record(&event("c", "2024-01-01T00:06:00"), overlap);
        // Window now starts at 00:01: `a` is forgotten and anything before 00:01 is too old.
        assert_eq!(p.remembered(), 2);
        assert!(!p.is_new(&event("late", "2024-01-01T00:00:59")));
        assert!(p.is_new(&event("late", "2024-01-01T00:01:00")));
        // An older event delivered late does not move the watermark back.
        p.record(&event("d", "2024-01-01T00:02:00"), overlap);
        assert_eq!(
            p.watermark().map(|w| w.to_string()).as_deref(),
            Some("2024-01-01T00:06:00")
        );
    }

    #[test]
    fn a_future_date_moves_the_watermark_only_to_now() {
        let mut p = FollowPosition::beginning();
        p.record(
            &event("f", "9999-12-31T23:59:59"),
            &FollowOptions::default(),
        );
        let now = OffsetDateTime::from(SystemTime::now());
        let w = p.watermark().map(|w| w.offset_date_time());
        assert!(w.is_some_and(|w| w <= now), "{w:?}");
        assert!(
            !p.is_new(&event("f", "9999-12-31T23:59:59")),
            "still remembered"
        );
    }

    #[test]
    fn positions_round_trip_through_json() {
        let mut p = FollowPosition::since("2024-01-01T00:00:00".parse().unwrap());
        p.record(
            &event("a", "2024-01-01T00:00:10"),
            &FollowOptions::default(),
        );
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(serde_json::from_str::<FollowPosition>(&json).unwrap(), p);
        let latest = serde_json::to_string(&FollowPosition::latest()).unwrap();
        assert_eq!(
            serde_json::from_str::<FollowPosition>(&latest).unwrap(),
            FollowPosition::latest()
        );
    }

    fn undated(id: &str) -> Event {
        serde_json::from_value(json!({"id": id, "object_type": "lead", "action": "updated"}))
            .unwrap()
    }

    #[test]
    fn a_window_start_in_the_future_is_held_to_the_clock_without_a_future_watermark() {
        let options = FollowOptions::default();
        let now = OffsetDateTime::from(SystemTime::now());
        let future: Timestamp = "2999-01-01T00:00:00".parse().unwrap();
        let past = Timestamp::from(earlier(now, Duration::from_secs(60)));
        for watermark in [None, Some(past.clone())] {
            let mut p = FollowPosition::since(future.clone());
            p.watermark = watermark.clone();
            p.hold_to_clock(&options);
            let since = p.since.as_ref().map(|s| s.offset_date_time());
            assert!(
                since.is_some_and(|s| s <= earlier(now, options.overlap) + time::Duration::SECOND),
                "{watermark:?}: {since:?}"
            );
            assert_eq!(p.watermark, watermark, "a past watermark is kept");
        }
        // A window start in the past, before now − overlap, is kept as it is.
        let mut p = FollowPosition::since("2024-01-01T00:00:00".parse().unwrap());
        p.watermark = Some(future);
        p.hold_to_clock(&options);
        assert_eq!(p.since, Some("2024-01-01T00:00:00".parse().unwrap()));
        assert!(p
            .watermark
            .is_some_and(|w| w.offset_date_time() <= OffsetDateTime::from(SystemTime::now())));
    }

    #[test]
    fn undated_and_future_events_are_remembered_up_to_the_bound() {
        let options = FollowOptions::default();
        let mut p = FollowPosition::beginning();
        for i in 0..FollowPosition::MAX_UNANCHORED + 10 {
            p.record(&undated(&format!("u{i:05}")), &options);
            p.record(&event(&format!("f{i:05}"), "9999-12-31T23:59:59"), &options);
        }
        assert_eq!(p.remembered(), FollowPosition::MAX_UNANCHORED);
        // The undated went first; every future-dated one recorded is still there.
        assert!(p.delivered.iter().all(|(_, d)| d.is_some()));
        // A forgotten event is new again: delivered twice rather than never.
        assert!(p.is_new(&undated("u00000")));
    }

    #[test]
    fn dated_events_are_remembered_up_to_max_scan_events_newest_first() {
        let options = FollowOptions {
            max_scan_events: 5,
            overlap: Duration::from_secs(3600),
            ..FollowOptions::default()
        };
        let mut p = FollowPosition::beginning();
        for m in 0..9 {
            p.record(
                &event(&format!("e{m}"), &format!("2024-01-01T00:0{m}:00")),
                &options,
            );
        }
        assert_eq!(p.remembered(), 5);
        assert!(
            p.is_new(&event("e0", "2024-01-01T00:00:00")),
            "the oldest is forgotten"
        );
        assert!(!p.is_new(&event("e8", "2024-01-01T00:08:00")));
        // The window start did not move for it: nothing older than before is skipped.
        assert_eq!(p.since, Some("2023-12-31T23:08:00".parse().unwrap()));
    }
}
