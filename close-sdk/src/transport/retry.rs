//! When to try a request again, and how long to wait first.
//!
//! [`decide`] is the whole retry decision as one pure function (in the manner of async-stripe's
//! `RequestStrategy::test` and smithy-rs's retry classifiers): from what happened to an attempt,
//! which attempt it was, the server's wait headers and the [`RetryPolicy`], it says
//! [`Decision::Done`], [`Decision::Retry`] after a wait, [`Decision::RefuseWait`] or
//! [`Decision::Reauthorize`]. No clock, no randomness and no sockets of its own: the request path
//! (`transport/hooks.rs`) passes the time and a random number in, and acts on the answer.

use std::time::{Duration, SystemTime};

use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use super::headers::{ratelimit_reset, retry_after, seconds, RateLimit};
use crate::ErrorBody;

/// The longest server-requested wait ever sat out, whatever the policy says: a server asking
/// for more than a day is refused at once ([`crate::Error::ServerWaitTooLong`]).
pub(crate) const MAX_SERVER_WAIT: Duration = Duration::from_secs(24 * 3600);
/// The wait after a 429 that named none.
pub(crate) const DEFAULT_429_WAIT: Duration = Duration::from_secs(1);

/// How failed requests are retried. The defaults follow the SDKs people trust most (AWS
/// standard mode and Stainless): 3 attempts in all, full-jitter exponential backoff from 0.5 s
/// capped at 8 s, and server-requested waits honoured up to 60 s.
///
/// What is retried:
/// - `429 Too Many Requests`, for every operation, after the wait the server asks for (`RateLimit`
///   `reset`, `Retry-After`, `RateLimit-Reset`, or the legacy body's `rate_reset`) plus a little
///   jitter. A server asking for more than [`RetryPolicy::max_server_wait`] (and never more than
///   24 h) gets no retry: the call fails with [`crate::Error::ServerWaitTooLong`].
/// - Connection failures before anything was sent, for every operation.
/// - `502`, `503`, `504`, timeouts and connections dropped mid-response, for operations that are
///   safe to repeat: `GET`, `PUT`, `DELETE`, and the `POST`s Close documents as idempotent
///   (create membership "ensures an active membership"; add group member "if the user is already a
///   member, nothing changes"). They wait for the backoff, or for `Retry-After` when the server
///   sends one. A `RateLimit` header's `reset` on such an answer is the window's ordinary reset,
///   not a requested wait, unless the window is used up (`remaining=0`).
///
/// Every duration may be anything up to [`Duration::MAX`] without a panic: a deadline too far
/// away to represent is no deadline.
///
/// ```
/// use std::time::Duration;
/// use close_sdk::RetryPolicy;
/// let patient = RetryPolicy::default().max_attempts(5).deadline(Duration::from_secs(30));
/// let never = RetryPolicy::none();
/// # let _ = (patient, never);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    pub(crate) max_attempts: u32,
    pub(crate) base_delay: Duration,
    pub(crate) max_delay: Duration,
    pub(crate) max_server_wait: Duration,
    pub(crate) deadline: Option<Duration>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
            max_server_wait: Duration::from_secs(60),
            deadline: None,
        }
    }
}

impl RetryPolicy {
    /// No retries: every call makes exactly one attempt (rate-limit throttling still applies).
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..Default::default()
        }
    }

    /// Attempts in all, the first included (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The first backoff's upper bound; it doubles with each retry.
    pub fn base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// The largest backoff between attempts.
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// The longest server-requested wait (e.g. a 429's reset) the client will sit out; never more
    /// than 24 h, whatever is set here.
    pub fn max_server_wait(mut self, wait: Duration) -> Self {
        self.max_server_wait = wait;
        self
    }

    /// A bound on the whole call, waits and attempts included: no attempt starts after it.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// Full-jitter backoff before retry number `retry` (1 for the first retry), `random` in
    /// `[0, 1)`: `random · min(max_delay, base_delay · 2^(retry-1))`.
    pub(crate) fn backoff(&self, retry: u32, random: f64) -> Duration {
        let exp = self
            .base_delay
            .saturating_mul(1u32 << (retry.saturating_sub(1)).min(20));
        fraction(exp.min(self.max_delay), random)
    }

    /// The longest server-requested wait this policy sits out: `max_server_wait`, at most 24 h.
    pub(crate) fn server_wait_limit(&self) -> Duration {
        self.max_server_wait.min(MAX_SERVER_WAIT)
    }
}

/// `random · d` for `random` in `[0, 1]` (clamped), never above `d` and never panicking.
fn fraction(d: Duration, random: f64) -> Duration {
    let random = if random.is_nan() {
        0.0
    } else {
        random.clamp(0.0, 1.0)
    };
    Duration::try_from_secs_f64(d.as_secs_f64() * random)
        .unwrap_or(d)
        .min(d)
}

/// A small random addition to a server-requested wait, so clients told the same reset do not
/// all return at the same instant: up to 50 ms plus 5 % of the wait.
pub(crate) fn server_wait_jitter(wait: Duration, random: f64) -> Duration {
    fraction(Duration::from_millis(50).saturating_add(wait / 20), random)
}

/// Statuses worth another attempt of an idempotent operation.
pub(crate) fn is_transient_status(status: reqwest::StatusCode) -> bool {
    matches!(status.as_u16(), 502..=504)
}

/// What became of one attempt, as the retry decision sees it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Outcome<'a> {
    /// The server answered (the body is the bounded error body for a non-2xx).
    Answer {
        status: StatusCode,
        headers: &'a HeaderMap,
        body: &'a [u8],
    },
    /// No complete answer.
    Failed(Failure),
}

/// Why an attempt got no complete answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The connection could not be made: nothing was sent.
    Connect,
    /// The timeout fired; the server may have acted.
    Timeout,
    /// The connection failed mid-way (reset, truncated body); the server may have acted.
    Interrupted,
    /// The request could not be built or was redirected badly: repeating it cannot help.
    Unsendable,
}

impl Failure {
    /// Classifies a reqwest error.
    pub(crate) fn of(e: &reqwest::Error) -> Self {
        if e.is_connect() {
            Failure::Connect
        } else if e.is_builder() || e.is_redirect() {
            Failure::Unsendable
        } else if e.is_timeout() {
            Failure::Timeout
        } else {
            Failure::Interrupted
        }
    }
}

/// Which attempt of which call the outcome belongs to.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Attempt {
    /// Attempts made so far, this one included (re-authorisations do not count).
    pub(crate) number: u32,
    /// Whether repeating the operation is harmless.
    pub(crate) idempotent: bool,
    /// Whether the request can be sent again (a streamed body cannot).
    pub(crate) repeatable: bool,
    /// Whether the call already retried once with a refreshed token.
    pub(crate) reauthorized: bool,
    /// Time left before the policy's deadline, when there is one.
    pub(crate) time_left: Option<Duration>,
}

/// What to do after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Hand the outcome to the caller.
    Done,
    /// Send again after `wait`.
    Retry {
        wait: Duration,
        reason: &'static str,
    },
    /// The server asked for a wait above the policy's limit: hand the outcome to the caller as
    /// [`crate::Error::ServerWaitTooLong`].
    RefuseWait {
        requested: Duration,
        limit: Duration,
    },
    /// A 401: ask the credentials for a new `Authorization` and send once more.
    Reauthorize,
}

/// The retry decision. `now` dates `Retry-After` HTTP dates; `random` (in `[0, 1)`) draws the
/// jitter.
pub(crate) fn decide(
    outcome: Outcome<'_>,
    attempt: Attempt,
    policy: &RetryPolicy,
    now: SystemTime,
    random: f64,
) -> Decision {
    let backoff = || policy.backoff(attempt.number, random);
    let (reason, asked, fallback) = match outcome {
        Outcome::Answer { status, .. } if status.is_success() => return Decision::Done,
        Outcome::Answer { status, .. } if status == StatusCode::UNAUTHORIZED => {
            return if attempt.repeatable && !attempt.reauthorized {
                Decision::Reauthorize
            } else {
                Decision::Done
            };
        }
        Outcome::Answer {
            status,
            headers,
            body,
        } if status == StatusCode::TOO_MANY_REQUESTS => (
            "429",
            wait_after_429(headers, body, now),
            DEFAULT_429_WAIT.max(backoff()),
        ),
        Outcome::Answer {
            status, headers, ..
        } if attempt.idempotent && is_transient_status(status) => (
            "transient status",
            wait_after_transient(headers, now),
            backoff(),
        ),
        Outcome::Answer { .. } => return Decision::Done,
        Outcome::Failed(Failure::Connect) => ("connection failed", None, backoff()),
        Outcome::Failed(Failure::Timeout) if attempt.idempotent => ("timeout", None, backoff()),
        Outcome::Failed(Failure::Interrupted) if attempt.idempotent => {
            ("transport error", None, backoff())
        }
        Outcome::Failed(_) => return Decision::Done,
    };
    let attempts_left = attempt.repeatable && attempt.number < policy.max_attempts;
    if !attempts_left {
        // No retry would follow whatever the wait: the answer is the error as it is (its
        // `retry_after()` and message say the wait), not a refused wait.
        return Decision::Done;
    }
    let limit = policy.server_wait_limit();
    let wait = match asked {
        Some(requested) if requested > limit => return Decision::RefuseWait { requested, limit },
        Some(w) => w.saturating_add(server_wait_jitter(w, random)),
        None => fallback,
    };
    let in_time = attempt.time_left.is_none_or(|left| wait < left);
    if in_time {
        Decision::Retry { wait, reason }
    } else {
        Decision::Done
    }
}

/// The wait a 429 asks for. Close's docs prefer `RateLimit`'s `reset` (`Retry-After` is rounded
/// up), so it comes first, except when the window still has room (`remaining > 0`: a stricter
/// limit answered), where an explicit `Retry-After` is the better guide. Then `RateLimit-Reset`,
/// then the legacy body's `rate_reset`.
pub(crate) fn wait_after_429(
    headers: &HeaderMap,
    body: &[u8],
    now: SystemTime,
) -> Option<Duration> {
    wait_after_429_with(headers, || ErrorBody::from_bytes(body).rate_reset(), now)
}

/// The wait an answer with `status` asks for, as the retry decision reads it (a 429:
/// [`wait_after_429`]; a transient status: `Retry-After` or a used-up window's reset; any
/// other status: none), for
/// [`crate::ApiError::retry_after`]. `rate_reset`: the legacy body's `rate_reset`.
pub(crate) fn server_wait(
    status: StatusCode,
    headers: &HeaderMap,
    rate_reset: impl FnOnce() -> Option<f64>,
    now: SystemTime,
) -> Option<Duration> {
    if status == StatusCode::TOO_MANY_REQUESTS {
        wait_after_429_with(headers, rate_reset, now)
    } else if is_transient_status(status) {
        wait_after_transient(headers, now)
    } else {
        None
    }
}

/// [`wait_after_429`] with the body's `rate_reset` read by `rate_reset`, only when needed.
fn wait_after_429_with(
    headers: &HeaderMap,
    rate_reset: impl FnOnce() -> Option<f64>,
    now: SystemTime,
) -> Option<Duration> {
    let rate_limit = RateLimit::from_headers(headers);
    let reset = rate_limit.and_then(|r| r.reset);
    let window_has_room = rate_limit.and_then(|r| r.remaining).is_some_and(|n| n > 0);
    let first = if window_has_room {
        retry_after(headers, now).or(reset)
    } else {
        reset.or_else(|| retry_after(headers, now))
    };
    first
        .or_else(|| ratelimit_reset(headers))
        .or_else(|| rate_reset().and_then(seconds))
}

/// The wait a transient error (502–504) asks for: `Retry-After`, or the `RateLimit` reset of a
/// used-up window. A window with room left asks for no wait: its reset is only when it renews.
fn wait_after_transient(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    retry_after(headers, now).or_else(|| {
        RateLimit::from_headers(headers)
            .filter(|r| r.remaining == Some(0))
            .and_then(|r| r.reset)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_is_full_jitter_and_capped() {
        let p = RetryPolicy::default();
        for retry in 1..40 {
            let d = p.backoff(retry, fastrand::f64());
            let bound = (p.base_delay * 2u32.pow((retry - 1).min(20))).min(p.max_delay);
            assert!(d <= bound, "retry {retry}: {d:?} > {bound:?}");
        }
        // Jittered: not always the same value.
        let samples: std::collections::BTreeSet<_> =
            (0..20).map(|_| p.backoff(3, fastrand::f64())).collect();
        assert!(samples.len() > 1);
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.insert(*name, value.parse().unwrap());
        }
        h
    }

    const MS: fn(u64) -> Duration = Duration::from_millis;
    const S: fn(u64) -> Duration = Duration::from_secs;

    /// What a row expects; `Retry` gives the bounds the jittered wait must stay within.
    #[derive(Debug)]
    enum Expect {
        Done,
        Retry(Duration, Duration),
        Refuse(Duration, Duration),
        Reauthorize,
    }

    struct Row {
        name: &'static str,
        status: Option<u16>,
        failure: Failure,
        idempotent: bool,
        number: u32,
        headers: &'static [(&'static str, &'static str)],
        body: &'static str,
        policy: RetryPolicy,
        expect: Expect,
    }

    fn row(name: &'static str, status: u16, idempotent: bool, expect: Expect) -> Row {
        Row {
            name,
            status: Some(status),
            failure: Failure::Unsendable,
            idempotent,
            number: 1,
            headers: &[],
            body: "",
            policy: RetryPolicy::default(),
            expect,
        }
    }

    fn failed(name: &'static str, failure: Failure, idempotent: bool, expect: Expect) -> Row {
        Row {
            status: None,
            failure,
            ..row(name, 0, idempotent, expect)
        }
    }

    impl Row {
        fn with(mut self, headers: &'static [(&'static str, &'static str)]) -> Self {
            self.headers = headers;
            self
        }
        fn body(mut self, body: &'static str) -> Self {
            self.body = body;
            self
        }
        fn attempt(mut self, number: u32) -> Self {
            self.number = number;
            self
        }
        fn policy(mut self, policy: RetryPolicy) -> Self {
            self.policy = policy;
            self
        }
    }

    /// Server-wait jitter on top of `w`: at most 50 ms + 5 %.
    fn jittered(w: Duration) -> Expect {
        Expect::Retry(w, w + MS(50) + w / 20)
    }

    #[test]
    fn the_retry_decision_as_a_table() {
        use Expect::*;
        const GET: bool = true; // idempotent
        const POST: bool = false; // not idempotent
        let unlimited = RetryPolicy::default().max_server_wait(Duration::MAX);
        let rows = [
            row("200", 200, GET, Done),
            row("201 create", 201, POST, Done),
            row("400", 400, GET, Done),
            row("404", 404, GET, Done),
            row("500 is not transient", 500, GET, Done),
            row("401 first time", 401, GET, Reauthorize),
            row("401 on a create too", 401, POST, Reauthorize),
            // 429: every operation, after the wait asked for.
            row("429 decimal reset", 429, POST, jittered(MS(512)))
                .with(&[("ratelimit", "limit=20, remaining=0, reset=0.512")]),
            row("429 names no wait: 1 s", 429, POST, Retry(S(1), S(1))),
            row("429 Retry-After", 429, POST, jittered(S(2))).with(&[("retry-after", "2")]),
            row(
                "429 reset beats a rounded-up Retry-After",
                429,
                GET,
                jittered(MS(500)),
            )
            .with(&[
                ("ratelimit", "limit=5, remaining=0, reset=0.5"),
                ("retry-after", "1"),
            ]),
            row(
                "429 with room: Retry-After beats reset",
                429,
                GET,
                jittered(S(2)),
            )
            .with(&[
                ("ratelimit", "limit=5, remaining=3, reset=0.5"),
                ("retry-after", "2"),
            ]),
            row(
                "429 with room, no Retry-After: reset",
                429,
                GET,
                jittered(MS(500)),
            )
            .with(&[("ratelimit", "limit=5, remaining=3, reset=0.5")]),
            row("429 RateLimit-Reset", 429, GET, jittered(S(3))).with(&[("ratelimit-reset", "3")]),
            row("429 legacy body", 429, GET, jittered(MS(1500)))
                .body(r#"{"error": {"rate_reset": 1.5}}"#),
            row("429 garbage Retry-After: 1 s", 429, GET, Retry(S(1), S(1)))
                .with(&[("retry-after", "soon"), ("ratelimit", "reset=NaN")]),
            row("429 above the cap", 429, POST, Refuse(MS(120_500), S(60)))
                .with(&[("ratelimit", "limit=20, remaining=0, reset=120.5")]),
            row(
                "429 above 24 h (defect 9)",
                429,
                POST,
                Refuse(S(90_000), S(60)),
            )
            .with(&[("retry-after", "90000")]),
            row(
                "429 above 24 h, unlimited policy",
                429,
                GET,
                Refuse(S(90_000), S(86_400)),
            )
            .with(&[("retry-after", "90000")])
            .policy(unlimited),
            row(
                "429 huge reset saturates",
                429,
                GET,
                Refuse(Duration::MAX, S(60)),
            )
            .with(&[("ratelimit", "remaining=0, reset=1e300")]),
            row("429 long but allowed", 429, GET, jittered(S(3600)))
                .with(&[("retry-after", "3600")])
                .policy(unlimited),
            row("429 last attempt", 429, GET, Done).attempt(3),
            row("429 retries off", 429, GET, Done).policy(RetryPolicy::none()),
            // No retry would follow: the 429 itself, not a wait the policy refused.
            row("429 retries off, wait too long", 429, GET, Done)
                .with(&[("retry-after", "90000")])
                .policy(RetryPolicy::none()),
            row("429 last attempt, wait too long", 429, GET, Done)
                .with(&[("retry-after", "90000")])
                .attempt(3),
            // 502–504: idempotent operations only, after the backoff or Retry-After.
            row("503 GET backoff", 503, GET, Retry(MS(0), MS(500))),
            row("502 GET backoff", 502, GET, Retry(MS(0), MS(500))),
            row("504 GET 2nd retry", 504, GET, Retry(MS(0), S(1))).attempt(2),
            row("503 GET 4th retry", 503, GET, Retry(MS(0), S(4)))
                .attempt(4)
                .policy(RetryPolicy::default().max_attempts(10)),
            row("503 POST is not repeated", 503, POST, Done),
            row(
                "503 window with room: reset=90 is no wait (defect 5)",
                503,
                GET,
                Retry(MS(0), MS(500)),
            )
            .with(&[("ratelimit", "limit=100, remaining=99, reset=90")]),
            row(
                "503 window reset does not shadow Retry-After (defect 5)",
                503,
                GET,
                jittered(S(1)),
            )
            .with(&[
                ("ratelimit", "limit=100, remaining=99, reset=3"),
                ("retry-after", "1"),
            ]),
            row(
                "503 used-up window: reset is a wait",
                503,
                GET,
                jittered(S(3)),
            )
            .with(&[("ratelimit", "limit=100, remaining=0, reset=3")]),
            row(
                "503 RateLimit-Reset alone is no wait",
                503,
                GET,
                Retry(MS(0), MS(500)),
            )
            .with(&[("ratelimit-reset", "30")]),
            row(
                "503 Retry-After above the cap",
                503,
                GET,
                Refuse(S(120), S(60)),
            )
            .with(&[("retry-after", "120")]),
            row("503 last attempt", 503, GET, Done).attempt(3),
            // No answer.
            failed(
                "connect: nothing sent",
                Failure::Connect,
                POST,
                Retry(MS(0), MS(500)),
            ),
            failed("timeout GET", Failure::Timeout, GET, Retry(MS(0), MS(500))),
            failed("timeout POST", Failure::Timeout, POST, Done),
            failed(
                "reset mid-response GET",
                Failure::Interrupted,
                GET,
                Retry(MS(0), MS(500)),
            ),
            failed("reset mid-response POST", Failure::Interrupted, POST, Done),
            failed("unsendable", Failure::Unsendable, GET, Done),
            failed("connect, last attempt", Failure::Connect, GET, Done).attempt(3),
        ];
        let now = SystemTime::now();
        for r in rows {
            let h = headers(r.headers);
            let outcome = match r.status {
                Some(s) => Outcome::Answer {
                    status: StatusCode::from_u16(s).unwrap(),
                    headers: &h,
                    body: r.body.as_bytes(),
                },
                None => Outcome::Failed(r.failure),
            };
            let attempt = Attempt {
                number: r.number,
                idempotent: r.idempotent,
                repeatable: true,
                reauthorized: false,
                time_left: None,
            };
            for random in [0.0, 0.5, 0.999_999] {
                let got = decide(outcome, attempt, &r.policy, now, random);
                let ok = match (&r.expect, got) {
                    (Done, Decision::Done) | (Reauthorize, Decision::Reauthorize) => true,
                    (Retry(lo, hi), Decision::Retry { wait, .. }) => *lo <= wait && wait <= *hi,
                    (Refuse(req, lim), Decision::RefuseWait { requested, limit }) => {
                        *req == requested && *lim == limit
                    }
                    _ => false,
                };
                assert!(
                    ok,
                    "{}: expected {:?}, got {got:?} (random {random})",
                    r.name, r.expect
                );
            }
        }
    }

    #[test]
    fn no_retry_past_the_deadline_without_a_copy_or_after_reauthorizing() {
        let h = headers(&[("retry-after", "1")]);
        let unavailable = Outcome::Answer {
            status: StatusCode::SERVICE_UNAVAILABLE,
            headers: &h,
            body: b"",
        };
        let unauthorized = Outcome::Answer {
            status: StatusCode::UNAUTHORIZED,
            headers: &h,
            body: b"",
        };
        let first = Attempt {
            number: 1,
            idempotent: true,
            repeatable: true,
            reauthorized: false,
            time_left: None,
        };
        let p = RetryPolicy::default();
        let now = SystemTime::now();
        let decide = |o, a| decide(o, a, &p, now, 0.0);
        assert!(matches!(decide(unavailable, first), Decision::Retry { .. }));
        let soon = Attempt {
            time_left: Some(MS(900)),
            ..first
        };
        assert_eq!(decide(unavailable, soon), Decision::Done);
        let later = Attempt {
            time_left: Some(S(2)),
            ..first
        };
        assert!(matches!(decide(unavailable, later), Decision::Retry { .. }));
        let streamed = Attempt {
            repeatable: false,
            ..first
        };
        assert_eq!(decide(unavailable, streamed), Decision::Done);
        assert_eq!(decide(unauthorized, streamed), Decision::Done);
        let again = Attempt {
            reauthorized: true,
            ..first
        };
        assert_eq!(decide(unauthorized, again), Decision::Done);
    }

    #[test]
    fn jitter_stays_within_its_bounds() {
        for w in [Duration::ZERO, MS(1), S(1), S(3600), Duration::MAX] {
            let bound = MS(50).saturating_add(w / 20);
            assert_eq!(server_wait_jitter(w, 0.0), Duration::ZERO);
            for random in [0.25, 0.999_999, 1.0, 7.0, -1.0, f64::NAN, f64::INFINITY] {
                assert!(server_wait_jitter(w, random) <= bound, "{w:?} {random}");
            }
        }
        let spread: std::collections::BTreeSet<_> = (0..20)
            .map(|_| server_wait_jitter(S(1), fastrand::f64()))
            .collect();
        assert!(spread.len() > 1);
    }

    fn any_duration() -> impl proptest::strategy::Strategy<Value = Duration> {
        use proptest::prelude::*;
        prop_oneof![
            Just(Duration::ZERO),
            Just(Duration::MAX),
            Just(Duration::from_secs(u64::MAX)),
            (0u64..=u64::MAX, 0u32..1_000_000_000).prop_map(|(s, n)| Duration::new(s, n)),
            (0u64..100_000).prop_map(Duration::from_millis),
        ]
    }

    proptest::proptest! {
        #[test]
        fn the_decision_never_panics_on_extreme_input(
            base in any_duration(), max_delay in any_duration(), max_wait in any_duration(),
            deadline in any_duration(), attempts in proptest::num::u32::ANY,
            number in proptest::num::u32::ANY, status in 100u16..600,
            random in proptest::num::f64::ANY, time_left in proptest::option::of(any_duration()),
            value in proptest::prop_oneof![
                proptest::strategy::Just("NaN".to_string()), proptest::strategy::Just("inf".to_string()),
                proptest::strategy::Just("-1".to_string()), proptest::strategy::Just("1e308".to_string()),
                proptest::strategy::Just("18446744073709551615".to_string()),
                "[0-9]{1,25}(\\.[0-9]{0,12})?", "-?[0-9.e+-]{0,20}"],
        ) {
            let policy = RetryPolicy::default()
                .base_delay(base).max_delay(max_delay).max_server_wait(max_wait)
                .deadline(deadline).max_attempts(attempts);
            let rl = format!("limit={value}, remaining=0, reset={value}");
            let body = format!(r#"{{"error": {{"rate_reset": {value}}}}}"#);
            let mut h = HeaderMap::new();
            for (name, v) in [("ratelimit", rl.as_str()), ("retry-after", value.as_str()), ("ratelimit-reset", value.as_str())] {
                if let Ok(v) = v.parse() { h.insert(name, v); }
            }
            let outcome = Outcome::Answer {
                status: StatusCode::from_u16(status).unwrap(), headers: &h, body: body.as_bytes(),
            };
            let attempt = Attempt { number, idempotent: true, repeatable: true, reauthorized: false, time_left };
            let limit = policy.server_wait_limit();
            match decide(outcome, attempt, &policy, SystemTime::now(), random) {
                Decision::Retry { wait, .. } => {
                    let most = limit.saturating_add(MS(50) + limit / 20).max(max_delay.max(S(1)));
                    proptest::prop_assert!(wait <= most, "{wait:?} > {most:?}");
                }
                Decision::RefuseWait { requested, limit: l } => {
                    proptest::prop_assert!(requested > l);
                    proptest::prop_assert!(l <= MAX_SERVER_WAIT);
                }
                _ => {}
            }
            let _ = policy.backoff(number, random);
        }
    }

    #[test]
    fn at_least_one_attempt() {
        assert_eq!(RetryPolicy::default().max_attempts(0).max_attempts, 1);
    }
}
