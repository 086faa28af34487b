//! Checking that a delivery comes from Close: headers, signature, timestamp, then the body.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::HeaderMap;

use super::delivery::Delivery;
use super::key::SignatureKey;

/// The header with the signature: the hex HMAC-SHA256 of timestamp and body.
pub const SIGNATURE_HEADER: &str = "close-sig-hash";
/// The header with the signing time (Unix seconds, e.g. `1544271440`).
pub const TIMESTAMP_HEADER: &str = "close-sig-timestamp";
/// How far the signing time may be from now, either way, unless configured otherwise.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(5 * 60);

/// The largest body [`Verifier`] reads unless told otherwise: 16 MiB. Close publishes no maximum
/// delivery size; an email event carries the email's body, so this is generous.
pub const DEFAULT_BODY_LIMIT: usize = 16 * 1024 * 1024;

/// How to check a delivery's timestamp.
///
/// ```
/// use std::time::Duration;
/// use close_sdk::webhooks::VerifyOptions;
///
/// let opts = VerifyOptions::default().tolerance(Duration::from_secs(60));
/// assert_eq!(opts.get_tolerance(), Some(Duration::from_secs(60)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerifyOptions {
    tolerance: Option<Duration>,
    now: Option<SystemTime>,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        VerifyOptions {
            tolerance: Some(DEFAULT_TOLERANCE),
            now: None,
        }
    }
}

impl VerifyOptions {
    /// Accepts signing times at most `tolerance` before or after now (default 5 minutes).
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = Some(tolerance);
        self
    }

    /// Skips the timestamp check, e.g. to re-verify a delivery you stored. A live receiver
    /// should keep it: without it, a captured delivery can be replayed forever.
    pub fn without_timestamp_check(mut self) -> Self {
        self.tolerance = None;
        self
    }

    /// Checks the timestamp against `now` instead of the system clock.
    pub fn now(mut self, now: SystemTime) -> Self {
        self.now = Some(now);
        self
    }

    /// The tolerance, or `None` when the timestamp is not checked.
    pub fn get_tolerance(&self) -> Option<Duration> {
        self.tolerance
    }
}

/// Why a delivery was refused. `Display` says which check failed; no variant contains the key.
#[derive(Debug)]
#[non_exhaustive]
pub enum WebhookError {
    /// A signature header is absent.
    MissingHeader(&'static str),
    /// A signature header appears more than once.
    DuplicateHeader(&'static str),
    /// A signature header's value is not of the expected form.
    MalformedHeader {
        /// Which header.
        header: &'static str,
        /// What was expected.
        expected: &'static str,
    },
    /// The signature does not match the body, timestamp and key (forged, altered, or another
    /// subscription's key).
    SignatureMismatch,
    /// The signature is valid but was made too long ago or too far in the future: a replay, or
    /// a clock that is off.
    TimestampOutsideTolerance {
        /// The signing time (Unix seconds).
        signed_at: i64,
        /// The time it was checked against (Unix seconds).
        now: i64,
        /// The tolerance that was exceeded.
        tolerance: Duration,
    },
    /// The body is bigger than the receiver accepts (see [`Verifier::body_limit`]).
    BodyTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The body is bigger than the web framework accepts (axum's `DefaultBodyLimit`, 2 MB by
    /// default; feature `axum`).
    BodyOverFrameworkLimit,
    /// The request body could not be read (e.g. the connection closed mid-way).
    BodyUnreadable,
    /// The signature is valid but the body is not JSON.
    NotJson(serde_json::Error),
    /// The body is JSON but not a delivery (e.g. no `event`, or an event without `id`).
    UnexpectedShape(serde_json::Error),
}

impl WebhookError {
    /// Whether the request failed authentication (signature or timestamp), as opposed to being
    /// malformed: the status a receiver answers with (401 vs 400) can follow this.
    pub fn is_unauthenticated(&self) -> bool {
        matches!(
            self,
            WebhookError::MissingHeader(_)
                | WebhookError::DuplicateHeader(_)
                | WebhookError::MalformedHeader { .. }
                | WebhookError::SignatureMismatch
                | WebhookError::TimestampOutsideTolerance { .. }
        )
    }
}

impl fmt::Display for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WebhookError::MissingHeader(h) => write!(f, "webhook refused: no `{h}` header"),
            WebhookError::DuplicateHeader(h) => {
                write!(f, "webhook refused: the `{h}` header appears more than once")
            }
            WebhookError::MalformedHeader { header, expected } => {
                write!(f, "webhook refused: `{header}` is not {expected}")
            }
            WebhookError::SignatureMismatch => write!(
                f,
                "webhook refused: the signature does not match the body (forged or altered, or signed with another key)"
            ),
            WebhookError::TimestampOutsideTolerance {
                signed_at,
                now,
                tolerance,
            } => {
                let (by, when) = if now >= signed_at {
                    (now.saturating_sub(*signed_at), "in the past")
                } else {
                    (signed_at.saturating_sub(*now), "in the future")
                };
                write!(
                    f,
                    "webhook refused: signed {by} s {when}, outside the tolerance of {} s (replayed, or a clock is off)",
                    tolerance.as_secs()
                )
            }
            WebhookError::BodyTooLarge { limit } => {
                write!(f, "webhook refused: the body is larger than {limit} bytes")
            }
            WebhookError::BodyOverFrameworkLimit => write!(
                f,
                "webhook refused: the body is larger than the server's body limit"
            ),
            WebhookError::BodyUnreadable => write!(f, "webhook body could not be read"),
            WebhookError::NotJson(e) => write!(f, "webhook body is not JSON: {e}"),
            WebhookError::UnexpectedShape(e) => {
                write!(f, "webhook body is not a Close event delivery: {e}")
            }
        }
    }
}

impl std::error::Error for WebhookError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WebhookError::NotJson(e) | WebhookError::UnexpectedShape(e) => Some(e),
            _ => None,
        }
    }
}

/// A receiver's settings: its key(s), the timestamp options and a body limit. Cheap to clone;
/// `Debug` shows no key.
///
/// ```
/// use close_sdk::webhooks::{SignatureKey, Verifier};
///
/// let key: SignatureKey =
///     "058bfb6a3d8cfdc4da7c3be5901b16ae11da982b46a25fb2cd7016e97a140a1c".parse().unwrap();
/// let verifier = Verifier::new(key).body_limit(1 << 20);
/// assert!(!format!("{verifier:?}").contains("058b"));
/// ```
#[derive(Debug, Clone)]
pub struct Verifier {
    keys: Arc<[SignatureKey]>,
    options: VerifyOptions,
    body_limit: usize,
}

impl Verifier {
    /// Verifies deliveries signed with `key`, with the default options.
    pub fn new(key: SignatureKey) -> Self {
        Verifier::with_keys([key])
    }

    /// Accepts a signature by any of `keys`, e.g. several subscriptions posting to one URL, or
    /// the old and new subscription while you replace one. Every key is tried on every request.
    pub fn with_keys(keys: impl IntoIterator<Item = SignatureKey>) -> Self {
        Verifier {
            keys: keys.into_iter().collect(),
            options: VerifyOptions::default(),
            body_limit: DEFAULT_BODY_LIMIT,
        }
    }

    /// Sets the timestamp options.
    pub fn options(mut self, options: VerifyOptions) -> Self {
        self.options = options;
        self
    }

    /// Refuses bodies over `bytes` before computing anything (default [`DEFAULT_BODY_LIMIT`]).
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// The body limit in bytes.
    pub fn get_body_limit(&self) -> usize {
        self.body_limit
    }

    /// [`verify`] with these settings (and the body limit).
    pub fn verify(&self, body: &[u8], headers: &HeaderMap) -> Result<Delivery, WebhookError> {
        if body.len() > self.body_limit {
            return Err(WebhookError::BodyTooLarge {
                limit: self.body_limit,
            });
        }
        verify_signature(body, headers, &self.keys, &self.options)?;
        parse_delivery(body)
    }
}

/// Verifies a delivery and returns it typed.
///
/// `body` must be the raw request body, byte for byte, and `headers` the request's headers.
/// The checks run in this order, and the first that fails is the error: both signature headers
/// present once and well-formed; the HMAC-SHA256 (keyed with `key`) of the timestamp header's
/// text followed by the body equals `close-sig-hash` (compared in constant time); the timestamp
/// is within the tolerance; the body is a JSON delivery. The body is not parsed until the
/// signature and timestamp have passed.
///
/// ```
/// use close_sdk::webhooks::{self, SignatureKey, VerifyOptions};
///
/// let key: SignatureKey =
///     "058bfb6a3d8cfdc4da7c3be5901b16ae11da982b46a25fb2cd7016e97a140a1c".parse().unwrap();
/// let body = br#"{"event":{"id":"ev_1","object_type":"lead","action":"created"}}"#;
/// // What Close would send (here signed by the SDK's helper, for the example):
/// let headers = webhooks::signed_headers(&key, "1544271440", body);
/// let opts = VerifyOptions::default().now(std::time::UNIX_EPOCH + std::time::Duration::from_secs(1544271460));
/// let delivery = webhooks::verify(body, &headers, &key, &opts).unwrap();
/// assert_eq!(delivery.event.id, "ev_1");
///
/// let mut forged = body.to_vec();
/// forged[30] = b'X';
/// assert!(webhooks::verify(&forged, &headers, &key, &opts).is_err());
/// ```
pub fn verify(
    body: &[u8],
    headers: &HeaderMap,
    key: &SignatureKey,
    options: &VerifyOptions,
) -> Result<Delivery, WebhookError> {
    verify_signature(body, headers, std::slice::from_ref(key), options)?;
    parse_delivery(body)
}

/// The authentication part of [`verify`] (headers, signature against any of `keys`,
/// timestamp), without reading the body. For bodies you decode yourself.
pub fn verify_signature(
    body: &[u8],
    headers: &HeaderMap,
    keys: &[SignatureKey],
    options: &VerifyOptions,
) -> Result<(), WebhookError> {
    let hash = single_header(headers, SIGNATURE_HEADER)?;
    let timestamp = single_header(headers, TIMESTAMP_HEADER)?;
    let expected = decode_hash(hash)?;
    let signed_at = parse_timestamp(timestamp)?;

    // Every key is tried, so the time taken does not say which one matched.
    let matched = keys.iter().fold(false, |found, key| {
        mac(key, timestamp, body).finalize_verify(&expected) | found
    });
    if !matched {
        return Err(WebhookError::SignatureMismatch);
    }

    if let Some(tolerance) = options.tolerance {
        let now = unix_seconds(options.now.unwrap_or_else(SystemTime::now));
        let skew = now.abs_diff(signed_at);
        if skew > tolerance.as_secs() {
            return Err(WebhookError::TimestampOutsideTolerance {
                signed_at,
                now,
                tolerance,
            });
        }
    }
    Ok(())
}

/// Decodes a body already verified. Not JSON and not a delivery are told apart.
pub(crate) fn parse_delivery(body: &[u8]) -> Result<Delivery, WebhookError> {
    // The decoder's message may quote the body: without its secrets.
    let value: serde_json::Value = serde_json::from_slice(body)
        .map_err(|e| WebhookError::NotJson(crate::redact::decode_error_about(body, e)))?;
    serde_json::from_value(value)
        .map_err(|e| WebhookError::UnexpectedShape(crate::redact::decode_error_about(body, e)))
}

/// The signature Close puts in `close-sig-hash` for `body` signed at `timestamp`: lowercase hex
/// of HMAC-SHA256(key, timestamp ‖ body). For tests and local senders.
pub fn signature(key: &SignatureKey, timestamp: &str, body: &[u8]) -> String {
    hex::encode(mac(key, timestamp, body).finalize())
}

/// The two headers Close sends with `body` signed at `timestamp` (Unix seconds as text).
pub fn signed_headers(key: &SignatureKey, timestamp: &str, body: &[u8]) -> HeaderMap {
    let mut headers = HeaderMap::new();
    let values = [
        (SIGNATURE_HEADER, signature(key, timestamp, body)),
        (TIMESTAMP_HEADER, timestamp.to_string()),
    ];
    for (name, value) in values {
        // Hex digits always make a valid value; a caller's odd timestamp text is left out.
        if let Ok(v) = http::HeaderValue::from_str(&value) {
            headers.insert(name, v);
        }
    }
    headers
}

/// HMAC-SHA256(key, timestamp ‖ body), not finalized: `finalize_verify` compares it with a
/// signature in constant time.
fn mac(key: &SignatureKey, timestamp: &str, body: &[u8]) -> hmac_sha256::HMAC {
    let mut mac = hmac_sha256::HMAC::new(key.bytes());
    mac.update(timestamp.as_bytes());
    mac.update(body);
    mac
}

fn single_header<'a>(headers: &'a HeaderMap, name: &'static str) -> Result<&'a str, WebhookError> {
    let mut values = headers.get_all(name).iter();
    let value = values.next().ok_or(WebhookError::MissingHeader(name))?;
    if values.next().is_some() {
        return Err(WebhookError::DuplicateHeader(name));
    }
    let text = value.to_str().map_err(|_| WebhookError::MalformedHeader {
        header: name,
        expected: "visible ASCII",
    })?;
    Ok(text.trim_matches([' ', '\t']))
}

fn decode_hash(text: &str) -> Result<[u8; 32], WebhookError> {
    let mut out = [0u8; 32];
    hex::decode_to_slice(text, &mut out).map_err(|_| WebhookError::MalformedHeader {
        header: SIGNATURE_HEADER,
        expected: "64 hex digits (a SHA-256 HMAC)",
    })?;
    Ok(out)
}

/// Unix seconds, as Close documents (`1544271440`); a fractional part is accepted and dropped.
fn parse_timestamp(text: &str) -> Result<i64, WebhookError> {
    let malformed = WebhookError::MalformedHeader {
        header: TIMESTAMP_HEADER,
        expected: "Unix time in seconds",
    };
    let (whole, fraction) = text.split_once('.').unwrap_or((text, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !digits(fraction) {
        return Err(malformed);
    }
    whole.parse::<i64>().map_err(|_| malformed)
}

fn unix_seconds(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => i64::try_from(e.duration().as_secs()).map_or(i64::MIN, |s| -s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_parse_only_as_unix_seconds() {
        assert_eq!(parse_timestamp("1544271440").unwrap(), 1_544_271_440);
        assert_eq!(parse_timestamp("1544271440.75").unwrap(), 1_544_271_440);
        for bad in [
            "",
            "-5",
            "+5",
            "1e9",
            "12 34",
            "2019-01-15T12:48:23",
            ".5",
            "5.",
            "99999999999999999999",
        ] {
            assert!(
                matches!(
                    parse_timestamp(bad),
                    Err(WebhookError::MalformedHeader { .. })
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn unix_seconds_handles_times_before_the_epoch() {
        assert_eq!(unix_seconds(UNIX_EPOCH - Duration::from_secs(5)), -5);
        assert_eq!(unix_seconds(UNIX_EPOCH + Duration::from_secs(5)), 5);
    }
}
