//! Close's `RateLimit` response header (`limit=100, remaining=50, reset=0.512`).

use std::time::Duration;

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

/// The longest `reset` the parser accepts; larger values are treated as malformed.
const MAX_RESET_SECS: f64 = 24.0 * 3600.0;

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
        headers
            .get("ratelimit")
            .and_then(|v| v.to_str().ok())
            .and_then(Self::parse)
    }
}

/// Parses non-negative (possibly fractional) seconds, rejecting NaN, infinities and absurd values.
pub(crate) fn parse_seconds(s: &str) -> Option<Duration> {
    let secs: f64 = s.trim().parse().ok()?;
    (secs.is_finite() && (0.0..=MAX_RESET_SECS).contains(&secs))
        .then(|| Duration::from_secs_f64(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
