//! When to try a request again, and how long to wait first.
//!
//! The decisions are made in one place, the request path in `transport/hooks.rs`; this module holds the
//! policy and the pure functions it uses.

use std::time::Duration;

/// How failed requests are retried. The defaults follow the SDKs people trust most (AWS
/// standard mode and Stainless): 3 attempts in all, full-jitter exponential backoff from 0.5 s
/// capped at 8 s, and server-requested waits honoured up to 60 s.
///
/// What is retried:
/// - `429 Too Many Requests`, for every operation, after the wait the server asks for (`RateLimit`
///   `reset`, `Retry-After`, `RateLimit-Reset`, or the legacy body's `rate_reset`) plus a little
///   jitter. A server asking for more than [`RetryPolicy::max_server_wait`] gets no retry: the call
///   fails with [`crate::Error::ServerWaitTooLong`].
/// - Connection failures before anything was sent, for every operation.
/// - `502`, `503`, `504`, timeouts and connections dropped mid-response, for operations that are
///   safe to repeat: `GET`, `PUT`, `DELETE`, and the `POST`s Close documents as idempotent
///   (create membership "ensures an active membership"; add group member "if the user is already a
///   member, nothing changes").
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

    /// The longest server-requested wait (e.g. a 429's reset) the client will sit out.
    pub fn max_server_wait(mut self, wait: Duration) -> Self {
        self.max_server_wait = wait;
        self
    }

    /// A bound on the whole call, waits and attempts included: no attempt starts after it.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// Full-jitter backoff before retry number `retry` (1 for the first retry):
    /// uniform in `[0, min(max_delay, base_delay · 2^(retry-1))]`.
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let exp = self
            .base_delay
            .saturating_mul(1u32 << (retry.saturating_sub(1)).min(20));
        let cap = exp.min(self.max_delay);
        cap.mul_f64(fastrand::f64())
    }
}

/// A small random addition to a server-requested wait, so clients told the same reset do not
/// all return at the same instant: up to 50 ms plus 5 % of the wait.
pub(crate) fn server_wait_jitter(wait: Duration) -> Duration {
    (Duration::from_millis(50) + wait / 20).mul_f64(fastrand::f64())
}

/// Statuses worth another attempt of an idempotent operation.
pub(crate) fn is_transient_status(status: reqwest::StatusCode) -> bool {
    matches!(status.as_u16(), 502..=504)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_is_full_jitter_and_capped() {
        let p = RetryPolicy::default();
        for retry in 1..40 {
            let d = p.backoff(retry);
            let bound = (p.base_delay * 2u32.pow((retry - 1).min(20))).min(p.max_delay);
            assert!(d <= bound, "retry {retry}: {d:?} > {bound:?}");
        }
        // Jittered: not always the same value.
        let samples: std::collections::BTreeSet<_> = (0..20).map(|_| p.backoff(3)).collect();
        assert!(samples.len() > 1);
    }

    #[test]
    fn at_least_one_attempt() {
        assert_eq!(RetryPolicy::default().max_attempts(0).max_attempts, 1);
    }
}
