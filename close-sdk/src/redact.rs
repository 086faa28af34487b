//! The one exit for server text: every error body, header and message the SDK builds from what
//! a server sent passes through here, and the values of secrets are replaced by `<redacted>`.
//!
//! # What is secret
//!
//! [`SECRET_MEMBERS`]: the members Close's document marks `x-secret` (through
//! `openapi/overlay.yaml`; close-sdk-gen lists them in `generated/secrets.rs`, e.g. a webhook
//! subscription's `signature_key`), and the credentials of the authentication flows the document
//! does not describe (OAuth tokens, client secrets, API keys, an `Authorization` echoed back).
//! A member is matched by name in any case, with `-` for `_` and without the `_`
//! (`signature_key`, `Signature-Key`, `signaturekey`), in JSON (`"name": value`, at any depth,
//! whatever the value's type) and in any other text (`name: value`, `name=value`, Ruby's
//! `name=>value`, quoted or not, Python's `b'…'`: reprs, form bodies, HTML debug pages, header
//! lines; a name spelled with JSON escapes, `signature\u005fkey`, too). A body cut anywhere (the bounded
//! read of an error body, a truncated answer) is redacted too: a value running to the end of the
//! text is redacted to the end. Every value found is then taken out of everything derived from
//! that answer (the rest of the body, the headers, a decoder's message quoting it), in its raw,
//! JSON-escaped and Rust-escaped forms; values shorter than [`MIN_SEARCHED`] characters are
//! redacted where they stand but not searched for elsewhere (they would match everywhere).
//!
//! The headers of an error answer are read first (a credential header's value, a secret named
//! in another header), and the client's own credentials (API key, OAuth tokens, client secret)
//! are known beforehand: all of them are taken out of the body, the headers and the messages.
//!
//! Response headers whose name is a credential's (`Authorization`, `Cookie`, `Set-Cookie`, or
//! one containing a secret member's name, e.g. `X-Api-Key`) are marked sensitive on every
//! answer, so that `Debug` never shows them; on an error answer their values are replaced.
//!
//! # Where
//!
//! - the request path (`transport::hooks`): every non-2xx answer's body and headers as they are
//!   read ([`error_answer`]), every answer's credential headers ([`mark_sensitive`]), a 2xx body
//!   that does not decode and the decoder's message ([`undecodable`]);
//! - [`crate::ErrorBody`] (its only constructors, `from_bytes` and `Deserialize`, redact);
//! - [`crate::Error`]'s constructors from an answer (`Error::decode`, `Error::unexpected`,
//!   [`crate::ApiError`]'s headers);
//! - messages quoting server text: the event log's undecodable entries, webhook deliveries that
//!   are not JSON or not a delivery, the OAuth token endpoint's answers (`message`).

use std::borrow::Cow;

use bytes::Bytes;
use http::{HeaderMap, HeaderValue};
use serde_json::Value;

// close-sdk-gen's list of the members the overlay marks `x-secret` (generated, not edited).
#[rustfmt::skip]
#[path = "generated/secrets.rs"]
mod overlay;

/// What a secret's value becomes.
pub(crate) const REDACTED: &str = "<redacted>";

/// Secret members no operation of Close's document declares: the OAuth token endpoint's answer
/// (`access_token`, `refresh_token`, `id_token`), client credentials (`client_secret`), API
/// keys, and an `Authorization` header echoed into a body.
const AUTH_SECRET_MEMBERS: [&str; 6] = [
    "access_token",
    "api_key",
    "authorization",
    "client_secret",
    "id_token",
    "refresh_token",
];

const COUNT: usize = AUTH_SECRET_MEMBERS.len() + overlay::OVERLAY_SECRET_MEMBERS.len();

const ALL: [&str; COUNT] = {
    let mut all = [""; COUNT];
    let mut i = 0;
    while i < AUTH_SECRET_MEMBERS.len() {
        all[i] = AUTH_SECRET_MEMBERS[i];
        i += 1;
    }
    let mut j = 0;
    while j < overlay::OVERLAY_SECRET_MEMBERS.len() {
        all[i + j] = overlay::OVERLAY_SECRET_MEMBERS[j];
        j += 1;
    }
    all
};

/// The members whose values are secrets: the SDK never shows their values in an error, a log
/// line or `Debug` output of an error. Those Close's document marks `x-secret` (e.g. a webhook
/// subscription's `signature_key`) and the credentials of OAuth and API keys (`access_token`,
/// `refresh_token`, `id_token`, `client_secret`, `api_key`, `authorization`).
pub const SECRET_MEMBERS: &[&str] = &ALL;

/// Values shorter than this are redacted where they stand (after their member's name) but not
/// searched for in the rest of the text.
pub(crate) const MIN_SEARCHED: usize = 4;

/// Header names (lowercase, `-` as `_`) whose values are credentials.
const SENSITIVE_HEADERS: [&str; 4] = [
    "authorization",
    "proxy_authorization",
    "cookie",
    "set_cookie",
];

/// The secret values found in one answer, in every form they may take in text derived from it:
/// what the rest of that answer's text, headers and messages are cleaned of. (No `Debug`: it
/// holds the secrets.)
#[derive(Default)]
pub(crate) struct Secrets(Vec<String>);

impl Secrets {
    /// Secrets known before any answer is read: the client's own credentials (API key, OAuth
    /// tokens, client secret), taken out of every error the answer becomes.
    pub(crate) fn known<'s>(values: impl IntoIterator<Item = &'s str>) -> Self {
        let mut secrets = Secrets::default();
        for value in values {
            secrets.add(value);
        }
        secrets
    }

    /// Adds a value found after a secret member (and its JSON- and Rust-escaped forms).
    fn add(&mut self, value: &str) {
        let value = value.trim();
        if value.chars().count() < MIN_SEARCHED || value == REDACTED {
            return;
        }
        let json = serde_json::to_string(value).unwrap_or_default();
        let json = json
            .get(1..json.len().saturating_sub(1))
            .unwrap_or_default();
        let debug = format!("{value:?}");
        let debug = debug
            .get(1..debug.len().saturating_sub(1))
            .unwrap_or_default();
        for form in [value, json, debug] {
            if form.chars().count() >= MIN_SEARCHED && !self.0.iter().any(|v| v == form) {
                self.0.push(form.to_string());
            }
        }
        // Longest first, so that a value containing another is taken out whole.
        self.0.sort_by_key(|v| std::cmp::Reverse(v.len()));
    }

    /// `text` with every secret member's value (found here or before) redacted.
    pub(crate) fn scrub<'t>(&mut self, text: &'t str) -> Cow<'t, str> {
        let scanned = scan(text, self);
        let replaced = self.replace(&scanned);
        if matches!(scanned, Cow::Borrowed(_)) && matches!(replaced, Cow::Borrowed(_)) {
            return Cow::Borrowed(text);
        }
        Cow::Owned(replaced.into_owned())
    }

    /// `text` with every occurrence of a known secret value replaced.
    fn replace<'t>(&self, text: &'t str) -> Cow<'t, str> {
        if self.0.is_empty() {
            return Cow::Borrowed(text);
        }
        let mut spans: Vec<(usize, usize)> = Vec::new();
        for secret in &self.0 {
            spans.extend(
                text.match_indices(secret.as_str())
                    .map(|(i, s)| (i, i + s.len())),
            );
        }
        replace_spans(text, spans)
    }
}

/// A body with its secrets taken out, and the secrets (to take out of what else came with it).
/// A JSON body stays JSON (secret members' values become `"<redacted>"`); any other text (not
/// JSON, or cut) is redacted as text.
pub(crate) fn body(bytes: &[u8]) -> (Cow<'_, [u8]>, Secrets) {
    body_with(bytes, Secrets::default())
}

/// [`body`], also taking out the values already in `secrets` (found elsewhere in the answer,
/// or the client's own credentials).
fn body_with(bytes: &[u8], mut secrets: Secrets) -> (Cow<'_, [u8]>, Secrets) {
    let text = String::from_utf8_lossy(bytes);
    if secrets.0.is_empty() && !may_hold_secrets(&text) {
        return (Cow::Borrowed(bytes), secrets);
    }
    if let Ok(mut json) = serde_json::from_str::<Value>(&text) {
        collect(&json, false, &mut secrets, 0);
        if !clean_value(&mut json, &mut secrets, 0) {
            return (Cow::Borrowed(bytes), secrets);
        }
        return match serde_json::to_vec(&json) {
            Ok(clean) => (Cow::Owned(clean), secrets),
            Err(_) => (Cow::Owned(REDACTED.as_bytes().to_vec()), secrets),
        };
    }
    let scanned = scan(&text, &mut secrets);
    let replaced = secrets.replace(&scanned);
    // A known secret spelled with JSON escapes (`\u0061pi_…`) in text that is not JSON: the
    // text is kept decoded, with the secret taken out.
    let unescaped = unescape_text(&replaced);
    if let Cow::Owned(decoded) = secrets.replace(&unescaped) {
        return (Cow::Owned(decoded.into_bytes()), secrets);
    }
    let unchanged = matches!(text, Cow::Borrowed(_))
        && matches!(scanned, Cow::Borrowed(_))
        && matches!(replaced, Cow::Borrowed(_));
    if unchanged {
        return (Cow::Borrowed(bytes), secrets);
    }
    let clean = replaced.into_owned().into_bytes();
    (Cow::Owned(clean), secrets)
}

/// A non-2xx answer as the request path keeps it: the body redacted, and the headers redacted
/// by name and cleaned of every secret the body held.
pub(crate) fn error_answer(headers: &mut HeaderMap, body: Bytes) -> Bytes {
    error_answer_knowing(headers, body, Secrets::default())
}

/// [`error_answer`] knowing secrets beforehand (`known`: the client's own credentials). The
/// headers are read first (the values of credential headers, and of secret members they
/// name), so that the body and the other headers are cleaned of every secret the answer holds.
pub(crate) fn error_answer_knowing(headers: &mut HeaderMap, body: Bytes, known: Secrets) -> Bytes {
    let mut secrets = known;
    collect_headers(headers, &mut secrets);
    let (clean, mut secrets) = body_with(&body, secrets);
    let clean = match clean {
        Cow::Borrowed(_) => body,
        Cow::Owned(v) => Bytes::from(v),
    };
    redact_headers(headers, &mut secrets);
    clean
}

/// Learns the secrets in `headers`: a credential header's value (and the credential after its
/// scheme or cookie name), and the values of secret members named in any other header.
fn collect_headers(headers: &HeaderMap, secrets: &mut Secrets) {
    for (name, value) in headers {
        let text = String::from_utf8_lossy(value.as_bytes());
        if sensitive_name(name.as_str()) {
            for part in credential_parts(&text) {
                secrets.add(part);
            }
        } else {
            let _ = scan(&text, secrets);
        }
    }
}

/// The parts of a credential header's value that are secrets: the whole value, and the
/// credential after an auth scheme (`Basic <credential>`) or a cookie's value (`name=value;
/// Path=/…`: only the first pair, the cookie's own).
fn credential_parts(value: &str) -> [&str; 2] {
    let trimmed = value.trim();
    if let Some((scheme, rest)) = trimmed.split_once([' ', '\t']) {
        if SCHEMES.contains(&scheme.to_ascii_lowercase().as_str()) {
            return [value, rest.trim()];
        }
    }
    let first = trimmed.split(';').next().unwrap_or_default();
    let cookie = first
        .split_once('=')
        .map_or("", |(_, v)| v.trim().trim_matches('"'));
    [value, cookie]
}

/// A 2xx body that did not decode, and the decoder's error: both without secrets (the error's
/// message may quote a value of the body).
pub(crate) fn undecodable(
    body: &[u8],
    error: serde_json::Error,
) -> (Cow<'_, [u8]>, serde_json::Error) {
    let (clean, mut secrets) = self::body(body);
    (clean, decode_error(error, &mut secrets))
}

/// [`undecodable`] for a body held as [`Bytes`] (not copied when it holds no secret), also
/// taking out `known` (the client's own credentials).
pub(crate) fn undecodable_bytes(
    body: Bytes,
    error: serde_json::Error,
    known: Secrets,
) -> (Bytes, serde_json::Error) {
    let (clean, mut secrets) = body_with(&body, known);
    let error = decode_error(error, &mut secrets);
    let clean = match clean {
        Cow::Borrowed(_) => None,
        Cow::Owned(v) => Some(Bytes::from(v)),
    };
    (clean.unwrap_or(body), error)
}

/// A decoder's error about `body` (e.g. a webhook delivery), without the body's secrets.
#[cfg(feature = "webhooks")]
pub(crate) fn decode_error_about(body: &[u8], error: serde_json::Error) -> serde_json::Error {
    let (_, mut secrets) = self::body(body);
    decode_error(error, &mut secrets)
}

/// `error` rebuilt when its message (which may quote a value) shows a secret.
fn decode_error(error: serde_json::Error, secrets: &mut Secrets) -> serde_json::Error {
    let shown = error.to_string();
    match secrets.scrub(&shown) {
        Cow::Borrowed(_) => error,
        // The position stays in the message (the rebuilt error has none of its own).
        Cow::Owned(clean) => <serde_json::Error as serde::de::Error>::custom(clean),
    }
}

/// A message that quotes server text (`context`: what it came from, whose secrets it may quote).
#[cfg(any(feature = "events", feature = "webhooks", feature = "oauth"))]
#[cfg_attr(not(any(feature = "events", feature = "oauth")), allow(dead_code))] // webhooks quote through it only with `axum`
pub(crate) fn message(text: &str, context: &[u8]) -> String {
    let (_, mut secrets) = body(context);
    secrets.scrub(text).into_owned()
}

/// A JSON value from a server (an error body) with its secret members' values replaced by
/// `"<redacted>"` and every secret value taken out of its other strings.
pub(crate) fn json(value: &mut Value) {
    let mut secrets = Secrets::default();
    collect(value, false, &mut secrets, 0);
    clean_value(value, &mut secrets, 0);
}

/// Marks the headers whose values are credentials, or name a secret member, sensitive (`Debug`
/// prints `Sensitive`); their values are kept (a success answer's headers are the caller's to
/// read).
pub(crate) fn mark_sensitive(headers: &mut HeaderMap) {
    use reqwest::header::{CONTENT_LENGTH, CONTENT_TYPE, DATE};
    for (name, value) in headers.iter_mut() {
        // Headers every answer has, whose names are not credentials and whose values are a
        // number or a date (`content-type`'s value is still looked into): a comparison of
        // standard names, not a scan.
        if name == CONTENT_LENGTH || name == DATE {
            continue;
        }
        let known_name = name == CONTENT_TYPE;
        // Close's own JSON content type names nothing: compared, not scanned.
        if known_name && is_json_content_type(value.as_bytes()) {
            continue;
        }
        if (!known_name && sensitive_name(name.as_str()))
            || mentions_secret_member(value.as_bytes())
        {
            value.set_sensitive(true);
        }
    }
}

/// Whether a `content-type` value is exactly JSON's (`application/json`, with or without
/// `; charset=utf-8`, in any case): such a value names no secret member.
fn is_json_content_type(value: &[u8]) -> bool {
    const JSON: &[u8] = b"application/json";
    const CHARSET: &[u8] = b"; charset=utf-8";
    value.len() >= JSON.len()
        && value[..JSON.len()].eq_ignore_ascii_case(JSON)
        && (value.len() == JSON.len() || value[JSON.len()..].eq_ignore_ascii_case(CHARSET))
}

/// Whether `text` holds one of [`patterns`] (ASCII case-insensitively, `-` as `_`) anywhere.
/// Runs on every header of every answer, so it is cheap for ordinary values: a pattern is all
/// letters and `_`, so only a run of such bytes at least as long as the shortest pattern is
/// looked into, and there only where a pattern starts with the byte.
fn mentions_secret_member(text: &[u8]) -> bool {
    let table = pattern_table();
    let in_run = |run: &[u8]| {
        run.len() >= table.shortest
            && (0..=run.len() - table.shortest).any(|i| {
                let first = run[i].to_ascii_lowercase();
                table.by_first[usize::from(first)].iter().any(|p| {
                    run.get(i..i + p.len())
                        .is_some_and(|w| w.iter().zip(*p).all(|(a, b)| same_byte(*a, *b)))
                })
            })
    };
    let mut start = 0;
    for (i, b) in text.iter().enumerate() {
        if !WORD_BYTES[usize::from(*b)] {
            if i - start >= table.shortest && in_run(&text[start..i]) {
                return true;
            }
            start = i + 1;
        }
    }
    start < text.len() && in_run(&text[start..])
}

/// The bytes a secret member's name can be written with: ASCII letters, `_` and `-`.
const WORD_BYTES: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphabetic() || c == b'_' || c == b'-';
        b += 1;
    }
    t
};

/// [`patterns`] grouped by their first byte, and the shortest one's length.
struct PatternTable {
    by_first: Vec<Vec<&'static [u8]>>,
    shortest: usize,
}

fn pattern_table() -> &'static PatternTable {
    static TABLE: std::sync::OnceLock<PatternTable> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut by_first: Vec<Vec<&'static [u8]>> = vec![Vec::new(); 256];
        for p in patterns() {
            if let Some(b) = p.bytes().next() {
                by_first[usize::from(b)].push(p.as_bytes());
            }
        }
        let shortest = patterns().iter().map(String::len).min().unwrap_or(1).max(1);
        PatternTable { by_first, shortest }
    })
}

/// Headers of an answer that becomes an error (e.g. [`crate::ApiError::headers`]): credential
/// headers replaced, every other value cleaned of secrets.
pub(crate) fn headers(headers: &mut HeaderMap) {
    redact_headers(headers, &mut Secrets::default());
}

fn redact_headers(headers: &mut HeaderMap, secrets: &mut Secrets) {
    for (name, value) in headers.iter_mut() {
        if sensitive_name(name.as_str()) {
            *value = redacted_header();
            continue;
        }
        let text = String::from_utf8_lossy(value.as_bytes()).into_owned();
        if let Cow::Owned(clean) = secrets.scrub(&text) {
            *value = HeaderValue::from_str(&clean).unwrap_or_else(|_| redacted_header());
            value.set_sensitive(true);
        }
    }
}

fn redacted_header() -> HeaderValue {
    let mut v = HeaderValue::from_static(REDACTED);
    v.set_sensitive(true);
    v
}

/// `name` as it is compared: ASCII lowercase, `-` as `_` (same length as `name`).
fn normalized(name: &str) -> String {
    name.to_ascii_lowercase().replace('-', "_")
}

/// The forms of the secret member names searched in normalized text: each name, and without
/// its underscores (`signaturekey`).
fn patterns() -> &'static [String] {
    static PATTERNS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    PATTERNS.get_or_init(|| {
        let mut all: Vec<String> = Vec::new();
        for m in SECRET_MEMBERS {
            for form in [m.to_string(), m.replace('_', "")] {
                if !all.contains(&form) {
                    all.push(form);
                }
            }
        }
        all
    })
}

/// Whether `haystack` contains `pattern` (lowercase, `_`), comparing ASCII case-insensitively
/// with `-` as `_`, without allocating.
fn contains_normalized(haystack: &str, pattern: &str) -> bool {
    let (h, p) = (haystack.as_bytes(), pattern.as_bytes());
    h.len() >= p.len()
        && h.windows(p.len())
            .any(|w| w.iter().zip(p).all(|(a, b)| same_byte(*a, *b)))
}

/// `a` (text) matches `b` (a pattern's byte): ASCII case-insensitively, `-` as `_`.
fn same_byte(a: u8, b: u8) -> bool {
    a.to_ascii_lowercase() == b || (a == b'-' && b == b'_')
}

/// Whether a member named `key` is a secret.
fn is_secret_member(key: &str) -> bool {
    patterns()
        .iter()
        .any(|p| p.len() == key.len() && contains_normalized(key, p))
}

/// Whether a header named `name` carries a credential.
fn sensitive_name(name: &str) -> bool {
    SENSITIVE_HEADERS
        .iter()
        .any(|h| h.len() == name.len() && contains_normalized(name, h))
        || mentions_secret_member(name.as_bytes())
}

/// Whether `text` names a secret member at all (or holds JSON escapes that could spell one).
fn may_hold_secrets(text: &str) -> bool {
    if text.contains("\\u") {
        return true;
    }
    let norm = normalized(text);
    patterns().iter().any(|p| norm.contains(p.as_str()))
}

/// The most nested JSON values walked (deeper ones are not looked into).
const MAX_DEPTH: usize = 128;

/// Collects the values of secret members (every string and number below them).
fn collect(value: &Value, under_secret: bool, secrets: &mut Secrets, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    match value {
        Value::String(s) if under_secret => secrets.add(s),
        Value::Number(n) if under_secret => secrets.add(&n.to_string()),
        Value::Array(items) => {
            for v in items {
                collect(v, under_secret, secrets, depth + 1);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                collect(v, under_secret || is_secret_member(k), secrets, depth + 1);
            }
        }
        _ => {}
    }
}

/// Replaces secret members' values (but `null`) by `"<redacted>"` and cleans every other
/// string (a deeper value than [`MAX_DEPTH`] is dropped: it cannot be looked into). Whether
/// anything changed.
fn clean_value(value: &mut Value, secrets: &mut Secrets, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        *value = Value::String(REDACTED.into());
        return true;
    }
    match value {
        Value::String(s) => match secrets.scrub(s) {
            Cow::Owned(clean) => {
                *s = clean;
                true
            }
            Cow::Borrowed(_) => false,
        },
        Value::Array(items) => items.iter_mut().fold(false, |changed, v| {
            clean_value(v, secrets, depth + 1) | changed
        }),
        Value::Object(map) => {
            let mut changed = map.iter_mut().fold(false, |changed, (k, v)| {
                if is_secret_member(k) && !v.is_null() && v.as_str() != Some(REDACTED) {
                    *v = Value::String(REDACTED.into());
                    true
                } else {
                    clean_value(v, secrets, depth + 1) | changed
                }
            });
            // A member *named* by a secret (a server using the API key as a key): the name is
            // cleaned too; one that then repeats another's is numbered, so no value is lost.
            let named: Vec<String> = map
                .keys()
                .filter(|k| matches!(secrets.replace(k), Cow::Owned(_)))
                .cloned()
                .collect();
            for key in named {
                let clean = secrets.replace(&key).into_owned();
                if let Some(v) = map.remove(&key) {
                    let mut name = clean.clone();
                    let mut n = 2;
                    while map.contains_key(&name) && n < 10_000 {
                        name = format!("{clean} ({n})");
                        n += 1;
                    }
                    map.insert(name, v);
                    changed = true;
                }
            }
            changed
        }
        _ => false,
    }
}

/// `text` with its JSON escapes decoded (`\u0061` → `a`, a surrogate pair → its character,
/// `\n` → a line break; anything else kept as written): what a known secret is looked for in
/// when the text is not JSON that parses.
fn unescape_text(text: &str) -> Cow<'_, str> {
    if !text.contains('\\') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.peek().copied() {
            Some('u') => {
                // Four hex digits, or the text is kept as written: a malformed escape (`\u00`)
                // must not swallow the one after it (`\u00\u0061pi_…`).
                let mut ahead = chars.clone();
                ahead.next();
                let hex: String = ahead.by_ref().take(4).collect();
                let code = (hex.len() == 4 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
                    .then(|| u32::from_str_radix(&hex, 16).ok())
                    .flatten();
                let Some(code) = code else {
                    out.push(c);
                    continue;
                };
                chars = ahead;
                match code {
                    high if (0xD800..0xDC00).contains(&high) => {
                        let mut rest = chars.clone();
                        let low = (rest.next() == Some('\\') && rest.next() == Some('u'))
                            .then(|| rest.by_ref().take(4).collect::<String>())
                            .and_then(|h| u32::from_str_radix(&h, 16).ok())
                            .filter(|low| (0xDC00..0xE000).contains(low));
                        match low.and_then(|low| {
                            char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
                        }) {
                            Some(ch) => {
                                out.push(ch);
                                chars = rest;
                            }
                            None => out.push(char::REPLACEMENT_CHARACTER),
                        }
                    }
                    code => out.push(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER)),
                }
            }
            Some(e @ ('"' | '\\' | '/')) => {
                chars.next();
                out.push(e);
            }
            Some('n') => {
                chars.next();
                out.push('\n');
            }
            Some('t') => {
                chars.next();
                out.push('\t');
            }
            Some('r') => {
                chars.next();
                out.push('\r');
            }
            _ => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// The auth schemes an echoed `Authorization` value starts with (the credential follows).
const SCHEMES: [&str; 4] = ["basic", "bearer", "token", "digest"];

/// `text` with the value after every secret member's name redacted; the values go into
/// `secrets`. Names spelled with JSON escapes (`signature\u005fkey`) are found too.
fn scan<'t>(text: &'t str, secrets: &mut Secrets) -> Cow<'t, str> {
    let view = Unescaped::of(text);
    let seen = view.text.as_ref();
    // Most strings of a JSON body are short and name no member: no copy for them.
    let short = seen.len() <= 1024;
    if short && !patterns().iter().any(|p| contains_normalized(seen, p)) {
        return Cow::Borrowed(text);
    }
    let mut spans = member_values(seen);
    if spans.is_empty() {
        return Cow::Borrowed(text);
    }
    // Values that overlap (a value that runs on over the next secret member's name, as in
    // `api_key=api_key=…`) are one value: each byte is taken once, and the secrets found stay
    // as many as the text has distinct stretches (linear, not quadratic, in hostile text).
    spans.sort_by_key(|(start, ..)| *start);
    let mut merged: Vec<(usize, usize, bool)> = Vec::with_capacity(spans.len());
    for (start, stop, quoted) in spans {
        match merged.last_mut() {
            Some(last) if start < last.1 => {
                if stop > last.1 {
                    last.1 = stop;
                    last.2 = false;
                }
            }
            _ => merged.push((start, stop, quoted)),
        }
    }
    let mut plain = Vec::with_capacity(merged.len());
    for (start, stop, quoted) in merged {
        let (start, stop) = (view.original(start), view.original(stop));
        let raw = text.get(start..stop).unwrap_or_default();
        secrets.add(raw);
        if quoted {
            if let Ok(decoded) = serde_json::from_str::<String>(&format!("\"{raw}\"")) {
                secrets.add(&decoded);
            }
        }
        plain.push((start, stop));
    }
    replace_spans(text, plain)
}

/// The values after the secret member names in `text`: `(start, end, quoted)` byte ranges.
fn member_values(text: &str) -> Vec<(usize, usize, bool)> {
    let norm = normalized(text);
    let bytes = text.as_bytes();
    let mut spans = Vec::new();
    for pattern in patterns() {
        // A name inside the value found before it is part of that value: not looked into again
        // (each value is read once, so hostile text costs linear time).
        let mut covered = 0;
        for (at, _) in norm.match_indices(pattern.as_str()) {
            if at < covered {
                continue;
            }
            let end = at + pattern.len();
            let before = at.checked_sub(1).and_then(|i| bytes.get(i));
            if before.is_some_and(|b| b.is_ascii_alphanumeric()) {
                continue;
            }
            if bytes
                .get(end)
                .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
            {
                continue;
            }
            if let Some(span) = value_after(bytes, end) {
                covered = covered.max(span.1);
                spans.push(span);
            }
        }
    }
    spans
}

/// Text with the JSON escapes that can spell a member name (`\u` of an ASCII letter, digit,
/// `_` or `-`) decoded, and where each of its bytes came from in the original text. Other
/// escapes (a quote, a backslash, anything not ASCII) are kept, so that strings keep their
/// bounds. One pass over the text; no copy when it holds no `\u`.
struct Unescaped<'t> {
    text: Cow<'t, str>,
    /// For each byte of `text` (and its end), its offset in the original; `None`: the same.
    origin: Option<Vec<usize>>,
}

impl<'t> Unescaped<'t> {
    fn of(text: &'t str) -> Self {
        let same = Unescaped {
            text: Cow::Borrowed(text),
            origin: None,
        };
        if !text.contains("\\u") {
            return same;
        }
        let bytes = text.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut origin = Vec::with_capacity(bytes.len() + 1);
        let mut i = 0;
        while let Some(&b) = bytes.get(i) {
            if let Some(c) = name_escape(bytes.get(i..i + 6)) {
                out.push(c);
                origin.push(i);
                i += 6;
            } else {
                out.push(b);
                origin.push(i);
                i += 1;
            }
        }
        origin.push(bytes.len());
        match String::from_utf8(out) {
            Ok(decoded) => Unescaped {
                text: Cow::Owned(decoded),
                origin: Some(origin),
            },
            Err(_) => same,
        }
    }

    /// The original offset of offset `i` of the decoded text.
    fn original(&self, i: usize) -> usize {
        match &self.origin {
            Some(origin) => origin.get(i).copied().unwrap_or(usize::MAX),
            None => i,
        }
    }
}

/// The character a six-byte `\uXXXX` escape stands for, when it can be part of a member name.
fn name_escape(escape: Option<&[u8]>) -> Option<u8> {
    let hex = escape?.strip_prefix(b"\\u")?;
    let hex = std::str::from_utf8(hex).ok()?;
    let code = u8::try_from(u32::from_str_radix(hex, 16).ok()?).ok()?;
    (code.is_ascii_alphanumeric() || code == b'_' || code == b'-').then_some(code)
}

/// The value after a member name ending at `at`: an optional closing quote, the separator
/// ([`separator_end`]), spaces, then a quoted string (its content; a Python `b`/`r`/`u` prefix
/// skipped), a JSON object or array, or a bare token (an auth scheme with its credential).
/// `(start, end, quoted)`; `None` when no value follows (a name in prose, or `null`).
fn value_after(bytes: &[u8], at: usize) -> Option<(usize, usize, bool)> {
    let mut i = separator_end(bytes, at)?;
    while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
        i += 1;
    }
    i = after_string_prefix(bytes, i);
    match *bytes.get(i)? {
        b'"' | b'\'' => Some(quoted_value(bytes, i)),
        b'{' | b'[' => Some(nested_value(bytes, i)),
        _ => token_value(bytes, i),
    }
}

/// Where the separator after a member name ending at `at` ends: an optional closing quote,
/// spaces or tabs, then `:`, `=` or Ruby's `=>`. `None`: no separator (a name in prose).
fn separator_end(bytes: &[u8], at: usize) -> Option<usize> {
    let mut i = at;
    if matches!(bytes.get(i), Some(b'"' | b'\'')) {
        i += 1;
    }
    while bytes.get(i).is_some_and(|b| *b == b' ' || *b == b'\t') {
        i += 1;
    }
    match (bytes.get(i), bytes.get(i + 1)) {
        (Some(b'='), Some(b'>')) => Some(i + 2),
        (Some(b':' | b'='), _) => Some(i + 1),
        _ => None,
    }
}

/// `i` moved past a string prefix (Python's `b'…'`, `r'…'`, `u'…'`, `rb'…'`) that a quote
/// follows; `i` itself otherwise.
fn after_string_prefix(bytes: &[u8], i: usize) -> usize {
    let is_prefix = |b: &u8| matches!(b.to_ascii_lowercase(), b'b' | b'r' | b'u');
    let is_quote = |b: Option<&u8>| matches!(b, Some(b'"' | b'\''));
    match (bytes.get(i), bytes.get(i + 1)) {
        (Some(p), q) if is_prefix(p) && is_quote(q) => i + 1,
        (Some(p), Some(p2)) if is_prefix(p) && is_prefix(p2) && is_quote(bytes.get(i + 2)) => i + 2,
        _ => i,
    }
}

/// The content of the string whose opening quote is at `open`, to its closing quote (or the
/// end of a cut text).
fn quoted_value(bytes: &[u8], open: usize) -> (usize, usize, bool) {
    let quote = bytes.get(open).copied();
    let start = open + 1;
    let mut j = start;
    let mut escaped = false;
    while let Some(&b) = bytes.get(j) {
        match b {
            b'\\' if !escaped => escaped = true,
            b if Some(b) == quote && !escaped => break,
            _ => escaped = false,
        }
        j += 1;
    }
    (start, j, true)
}

/// The JSON object or array starting at `open`, to its end (or the end of a cut text).
fn nested_value(bytes: &[u8], open: usize) -> (usize, usize, bool) {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut j = open;
    while let Some(&b) = bytes.get(j) {
        j += 1;
        match b {
            _ if escaped => escaped = false,
            b'\\' if in_string => escaped = true,
            b'"' => in_string = !in_string,
            b'{' | b'[' if !in_string => depth += 1,
            b'}' | b']' if !in_string => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    break;
                }
            }
            _ => {}
        }
    }
    (open, j, false)
}

/// Where a bare token starting at `from` ends (at a space, a quote or punctuation).
fn token_end(bytes: &[u8], from: usize) -> usize {
    let mut j = from;
    while bytes.get(j).is_some_and(|b| {
        !(b.is_ascii_whitespace()
            || matches!(
                b,
                b',' | b';' | b'&' | b'}' | b']' | b')' | b'<' | b'>' | b'"' | b'\''
            ))
    }) {
        j += 1;
    }
    j
}

/// A bare value at `i` (`None` for `null`, `true`, `false` or nothing); an auth scheme takes
/// the credential after it, past any spaces or tabs (`Basic<TAB>credential`).
fn token_value(bytes: &[u8], i: usize) -> Option<(usize, usize, bool)> {
    let mut end = token_end(bytes, i);
    let token = String::from_utf8_lossy(bytes.get(i..end)?).to_ascii_lowercase();
    if matches!(token.as_str(), "null" | "true" | "false" | "") {
        return None;
    }
    if SCHEMES.contains(&token.as_str()) {
        let mut k = end;
        while bytes.get(k).is_some_and(|b| *b == b' ' || *b == b'\t') {
            k += 1;
        }
        let credential = token_end(bytes, k);
        if credential > k {
            end = credential;
        }
    }
    Some((i, end, false))
}

/// `text` with the byte ranges `spans` (merged where they overlap) replaced by
/// [`REDACTED`]. Ranges are moved to character boundaries (outwards).
fn replace_spans(text: &str, mut spans: Vec<(usize, usize)>) -> Cow<'_, str> {
    if spans.is_empty() {
        return Cow::Borrowed(text);
    }
    spans.sort_unstable();
    let mut out = String::with_capacity(text.len());
    let mut done = 0;
    let mut current: Option<(usize, usize)> = None;
    let emit = |out: &mut String, done: &mut usize, (s, e): (usize, usize)| {
        let mut s = s.min(text.len());
        while !text.is_char_boundary(s) {
            s -= 1;
        }
        let mut e = e.min(text.len());
        while !text.is_char_boundary(e) {
            e += 1;
        }
        let s = s.max(*done);
        out.push_str(&text[*done..s]);
        out.push_str(REDACTED);
        *done = e.max(s);
    };
    for (s, e) in spans {
        current = match current {
            Some((cs, ce)) if s <= ce => Some((cs, ce.max(e))),
            Some(span) => {
                emit(&mut out, &mut done, span);
                Some((s, e))
            }
            None => Some((s, e)),
        };
    }
    if let Some(span) = current {
        emit(&mut out, &mut done, span);
    }
    out.push_str(&text[done.min(text.len())..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "058bfb6a3d8cfdc4da7c3be5901b16ae11da982b46a25fb2cd7016e97a140a1c";

    fn clean(text: &str) -> String {
        String::from_utf8(body(text.as_bytes()).0.into_owned()).unwrap()
    }

    #[test]
    fn secret_members_are_found_wherever_they_start() {
        for text in [
            "x-Signature-Key",
            "a=1; SIGNATUREKEY=z",
            "refresh_token",
            "xxrefresh-tokenxx",
            "Bearer api_key",
        ] {
            assert!(mentions_secret_member(text.as_bytes()), "{text}");
        }
        for text in [
            "",
            "application/json",
            "Mon, 07 Dec 2026 01:20:07 GMT",
            "signature",
            "api",
        ] {
            assert!(!mentions_secret_member(text.as_bytes()), "{text}");
        }
        assert!(sensitive_name("x-access-token") && sensitive_name("authorization"));
        assert!(!sensitive_name("content-type"));
    }

    #[test]
    fn the_overlay_marks_the_signature_key() {
        assert!(
            SECRET_MEMBERS.contains(&"signature_key"),
            "{SECRET_MEMBERS:?}"
        );
        assert!(SECRET_MEMBERS.contains(&"access_token"));
    }

    #[test]
    fn json_bodies_keep_their_shape_and_lose_their_secrets() {
        let text = format!(
            r#"{{"id": "whsub_1", "signature_key" : "{KEY}", "url": "x", "n": {{"api_key": 12345678}},
               "echo": "the key was {KEY}", "access_token":"a\"bcde", "refresh_token": null}}"#
        );
        let out = clean(&text);
        assert!(
            !out.contains(KEY) && !out.contains("12345678") && !out.contains("bcde"),
            "{out}"
        );
        let v: Value = serde_json::from_str(&out).expect("still JSON");
        assert_eq!(v["signature_key"], REDACTED);
        assert_eq!(v["n"]["api_key"], REDACTED);
        assert_eq!(v["echo"], "the key was <redacted>");
        assert_eq!(v["refresh_token"], Value::Null);
        assert_eq!(v["id"], "whsub_1");
    }

    #[test]
    fn cut_or_other_text_is_redacted_to_the_end_of_the_value() {
        for text in [
            format!(r#"{{"id":"whsub_1","signature_key":"{}"#, &KEY[..20]),
            format!("signature_key={KEY}&url=x"),
            format!("<pre>{{'Signature-Key': '{KEY}'}}</pre>"),
            format!("SignatureKey: {KEY}\nnext"),
            "Authorization: Basic dGVzdC1rZXk6 more".to_string(),
        ] {
            let out = clean(&text);
            assert!(out.contains(REDACTED), "{out}");
            assert!(
                !out.contains(&KEY[..12]) && !out.contains("dGVzdC1rZXk6"),
                "{out}"
            );
        }
        // A name in prose, or a longer name, is not a member.
        assert_eq!(
            clean("the signature_key is missing"),
            "the signature_key is missing"
        );
        assert_eq!(
            clean(r#"{"signature_key_id": "k1"}"#),
            r#"{"signature_key_id": "k1"}"#
        );
    }

    #[test]
    fn messages_quoting_a_value_lose_it() {
        let body = format!(r#"{{"signature_key": "whsec_{KEY}"}}"#);
        let e = serde_json::from_str::<u8>(&format!("\"whsec_{KEY}\"")).unwrap_err();
        let (_, e) = undecodable(body.as_bytes(), e);
        assert!(!e.to_string().contains(KEY), "{e}");
        let (_, mut secrets) = self::body(body.as_bytes());
        assert!(!secrets
            .scrub(&format!("bad value whsec_{KEY}"))
            .contains(KEY));
    }

    #[test]
    fn headers_are_redacted_by_name_and_by_value() {
        let mut h = HeaderMap::new();
        h.insert("set-cookie", HeaderValue::from_static("s=abcdef"));
        h.insert("x-signature-key", HeaderValue::from_static("abcdef"));
        h.insert(
            "x-debug",
            HeaderValue::from_str(&format!("k={KEY}")).unwrap(),
        );
        h.insert(
            "ratelimit",
            HeaderValue::from_static("limit=1, remaining=0, reset=1"),
        );
        let body = error_answer(
            &mut h,
            Bytes::from(format!(r#"{{"signature_key":"{KEY}"}}"#)),
        );
        assert!(!String::from_utf8_lossy(&body).contains(KEY));
        let shown = format!("{h:?}");
        assert!(!shown.contains(KEY) && !shown.contains("abcdef"), "{shown}");
        assert_eq!(h["ratelimit"], "limit=1, remaining=0, reset=1");
        let mut ok = HeaderMap::new();
        ok.insert("set-cookie", HeaderValue::from_static("s=abcdef"));
        mark_sensitive(&mut ok);
        assert_eq!(ok["set-cookie"], "s=abcdef", "a success keeps the value");
        assert!(!format!("{ok:?}").contains("abcdef"));
    }

    #[test]
    fn other_languages_separators_prefixes_and_escapes_are_understood() {
        for text in [
            format!(r#"{{"signature_key"=>"{KEY}"}}"#),
            format!("signature_key => {KEY}"),
            format!("{{'signature_key': b'{KEY}'}}"),
            format!("{{'signature_key': rb\"{KEY}\"}}"),
            format!("{{\"signature\\u005fkey\": \"{KEY}\"}} <!-- cut"),
            format!("\\u0073ignature_key={KEY}"),
            format!("Authorization: Basic\t{KEY}"),
        ] {
            let out = clean(&text);
            assert!(!out.contains(&KEY[..12]), "{text} -> {out}");
        }
        // A non-name escape keeps the string's bounds.
        assert_eq!(clean(r#"x="a\u0022b""#), r#"x="a\u0022b""#);
    }

    #[test]
    fn secrets_in_headers_and_known_ones_leave_the_body() {
        let mut h = HeaderMap::new();
        h.insert("x-api-key", HeaderValue::from_static("api_header_value"));
        h.insert(
            "x-debug",
            HeaderValue::from_static("access_token=tok_debug_value"),
        );
        let body =
            Bytes::from_static(br#"{"e": "api_header_value tok_debug_value own_key_value"}"#);
        let known = Secrets::known(["own_key_value"]);
        let out = error_answer_knowing(&mut h, body, known);
        let out = String::from_utf8_lossy(&out);
        assert_eq!(out, r#"{"e":"<redacted> <redacted> <redacted>"}"#);
    }

    #[test]
    fn a_malformed_escape_does_not_swallow_the_next_one() {
        assert_eq!(unescape_text(r"\u00\u0061pi"), r"\u00api");
        assert_eq!(unescape_text(r"\u\u0061"), r"\ua");
        assert_eq!(unescape_text(r"\u+041"), r"\u+041");
        assert_eq!(unescape_text(r"\u004"), r"\u004");
        assert_eq!(unescape_text(r"\ud83d\ude00\u0041"), "\u{1F600}A");
    }

    #[test]
    fn text_without_secrets_is_not_copied() {
        assert!(matches!(body(br#"{"id": "lead_1"}"#).0, Cow::Borrowed(_)));
        assert!(matches!(body(b"plain").0, Cow::Borrowed(_)));
    }
}
