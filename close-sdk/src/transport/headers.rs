//! Close's rate-limit headers: `RateLimit` (`limit`, `remaining`, `reset`), `Retry-After` and
//! `RateLimit-Reset`, parsed leniently and never panicking. Pure functions, no state.
//!
//! Parsing tells "absent or garbage" (`None`) from "valid but huge" (`Some`, saturating at
//! [`Duration::MAX`]): whether a wait is too long to sit out is the retry decision's call
//! ([`super::retry`]), not the parser's.

use std::time::{Duration, SystemTime};

use http::header::{HeaderName, RETRY_AFTER};

/// `RateLimit` (looked up by a prepared name: a name given as `&str` is parsed on every lookup).
const RATELIMIT: HeaderName = HeaderName::from_static("ratelimit");
/// `RateLimit-Reset`.
const RATELIMIT_RESET: HeaderName = HeaderName::from_static("ratelimit-reset");

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
        header_str(headers, &RATELIMIT).and_then(Self::parse)
    }
}

fn header_str<'a>(headers: &'a http::HeaderMap, name: &HeaderName) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Parses non-negative (possibly fractional) seconds, rejecting NaN, infinities and negative
/// values. A valid value too large for a [`Duration`] saturates at [`Duration::MAX`].
///
/// ```
/// use std::time::Duration;
/// use close_sdk::rate_limit::parse_seconds;
/// assert_eq!(parse_seconds("0.5"), Some(Duration::from_millis(500)));
/// assert_eq!(parse_seconds("90000"), Some(Duration::from_secs(90_000)));
/// assert_eq!(parse_seconds("1e300"), Some(Duration::MAX));
/// assert_eq!(parse_seconds("-1"), None);
/// assert_eq!(parse_seconds("NaN"), None);
/// ```
pub fn parse_seconds(s: &str) -> Option<Duration> {
    seconds(s.trim().parse().ok()?)
}

/// Non-negative finite seconds as a duration, saturating at [`Duration::MAX`]; `None` for NaN,
/// infinities and negative values.
pub(crate) fn seconds(secs: f64) -> Option<Duration> {
    (secs.is_finite() && secs >= 0.0)
        .then(|| Duration::try_from_secs_f64(secs).unwrap_or(Duration::MAX))
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
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

/// The wait a `Retry-After` header asks for (seconds or an HTTP date relative to `now`).
pub(crate) fn retry_after(headers: &http::HeaderMap, now: SystemTime) -> Option<Duration> {
    header_str(headers, &RETRY_AFTER).and_then(|v| parse_retry_after(v, now))
}

/// The `RateLimit-Reset` header, in seconds.
pub(crate) fn ratelimit_reset(headers: &http::HeaderMap) -> Option<Duration> {
    header_str(headers, &RATELIMIT_RESET).and_then(parse_seconds)
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
    fn valid_but_huge_is_not_garbage() {
        // Defect 9: `Retry-After: 90000` (25 h) was read as malformed. It is a valid wait.
        assert_eq!(parse_seconds("90000"), Some(Duration::from_secs(90_000)));
        assert_eq!(
            RateLimit::parse("reset=100000").unwrap().reset,
            Some(Duration::from_secs(100_000))
        );
        assert_eq!(parse_seconds("1e30"), Some(Duration::MAX));
        for garbage in ["", "soon", "NaN", "inf", "-inf", "-0.5", "1e400", "0x10"] {
            assert_eq!(parse_seconds(garbage), None, "{garbage:?}");
        }
        assert_eq!(seconds(f64::NAN), None);
        assert_eq!(seconds(f64::INFINITY), None);
        assert_eq!(seconds(-1.0), None);
        assert_eq!(seconds(f64::MAX), Some(Duration::MAX));
    }

    #[test]
    fn wait_headers_are_read_by_name() {
        let mut h = http::HeaderMap::new();
        assert_eq!(retry_after(&h, SystemTime::now()), None);
        h.insert("ratelimit-reset", "3".parse().unwrap());
        h.insert("retry-after", "2".parse().unwrap());
        assert_eq!(ratelimit_reset(&h), Some(Duration::from_secs(3)));
        assert_eq!(
            retry_after(&h, SystemTime::now()),
            Some(Duration::from_secs(2))
        );
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

    proptest! {
        #[test]
        fn parsers_never_panic(s in ".{0,200}") {
            let _ = RateLimit::parse(&s);
            let _ = parse_retry_after(&s, SystemTime::now());
            let _ = parse_seconds(&s);
        }

        #[test]
        fn extreme_numbers_never_panic(secs in proptest::num::f64::ANY, exp in -400i32..400,
                                       mantissa in "[-+]?[0-9]{1,30}(\\.[0-9]{0,30})?") {
            let _ = seconds(secs);
            let text = format!("{mantissa}e{exp}");
            let parsed = parse_seconds(&text);
            let _ = RateLimit::parse(&format!("limit={mantissa}, remaining={mantissa}, reset={text}"));
            let _ = parse_retry_after(&text, SystemTime::UNIX_EPOCH);
            let _ = parse_retry_after(&text, SystemTime::now());
            if let Some(d) = parsed {
                prop_assert!(!text.trim_start().starts_with('-') || d.is_zero());
            }
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

    }
}
