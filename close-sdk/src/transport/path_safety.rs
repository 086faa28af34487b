//! Path safety: no value may change which endpoint a request reaches.
//!
//! The hooks' `pre` calls [`check`] for every request before anything is sent, so it covers the
//! extension traits and the generated builders alike; `api::call::path_id` applies the same
//! value rule ([`check_value`]) to the extension traits' ids before a request is built, with the
//! same message.
//!
//! # What `pre` sees
//!
//! progenitor builds a URL as `format!("{base}/membership/{}/", encode_path(id))`. Its
//! `encode_path` percent-encodes the C0 controls, DEL, space, `"`, `#`, `%`, `/`, `<`, `>`, `?`,
//! `` ` ``, `{`, `}` and every non-ASCII byte, and leaves the rest of printable ASCII (`.`, `\`,
//! `;`, …) as it is. reqwest then parses the string with the `url` crate (the WHATWG URL
//! standard), which for http(s) reads `\` as `/` and resolves `.` and `..` segments. So `..`,
//! `x\..` or `a\b` have already changed the path's shape when `pre` sees it, and the shape
//! check below catches them.
//!
//! # The rule
//!
//! [`check`]: the path must end with the operation's template from the generated operation table
//! (the part before it is the client's base path): the same literal segments, one segment per
//! `{param}`; each such segment, percent-decoded once (undoing `encode_path`), must pass
//! [`check_value`]. An operation id that is not in the table is refused, and so is a URL longer
//! than an HTTP request line can carry (65,534 bytes, the `http` crate's limit), which reqwest
//! would otherwise report as a transport error.
//!
//! [`check_value`] **refuses** a value that
//! - is empty;
//! - is a dot segment in any spelling the URL standard recognises: `.`, `..`, `%2e`, `.%2e`,
//!   `%2e.`, `%2e%2e`, ASCII case-insensitive;
//! - contains `/` or `\` (path separators to URL parsers), `?` or `#` (the start of a query or
//!   fragment), or `;` (servlet-style servers end a segment's name at `;`, so `..;` is read as
//!   `..`);
//! - contains whitespace or a control character (never part of an id Close issues, and a NUL
//!   truncates strings in some servers).
//!
//! One parameter holds an email address, not an id: `email_address` of
//! `unsubscribed_emails_delete` ([`EMAIL_PARAMS`]). `?`, `#` and `;` are legal in an address's
//! local part, so there they are **sent**, percent-encoded (`%3F`, `%23`, `%3B`): a server that
//! decodes the path before routing (Close's Python stack does) finds them inside the one
//! segment, where they cannot end the path or change which endpoint is reached. `/` and `\`
//! (also legal in a local part) stay refused, with that reason: decoded before routing, `%2F`
//! (or `%5C`) is a path separator, so the request could reach another route. No encoding avoids
//! that, so such an address cannot be resubscribed through this endpoint; the error says why.
//!
//! It judges the value as given, and again after reading it the way a lenient server might: with
//! Unicode compatibility look-alikes of these characters folded to ASCII (what NFKC does to
//! `．．`, `／`, `＼`, `％`, `‥`, `﹖`, … and to the fullwidth ASCII block), and then
//! percent-decoded once more (a server or proxy that decodes twice must not see `%2F` as `/`,
//! `%252e` as `%2e` or `%00` as NUL either). Close never issues ids containing any of these, so
//! nothing Close may accept is refused.
//!
//! **Everything else is sent**, percent-encoded by [`encode_path`] where the URL standard requires:
//! `%` as `%25` (so no value spells an escape the server decodes), every other non-ASCII
//! character as UTF-8 (`é` → `%C3%A9`, including zero-width and other invisible characters),
//! `"<>` `` ` `` `{}` as escapes; the rest of printable ASCII (`.` inside a value, `'`, `[`, `]`,
//! `|`, `^`, `:`, `@`, `!`, `$`, `&`, `+`, `,`, `=`, `~`, `*`, `(`, `)`) literally, since none
//! of it ends a segment. There is no length limit below the request-line limit above: a 10 KB id
//! arrives as one segment, and Close answers it.
//!
//! # Raw requests
//!
//! A raw request ([`crate::RawRequest`]) that matches a generated operation goes as that
//! operation and gets the check above. One that matches none goes as one of the raw ids
//! ([`super::operations::RAW`]), which [`check`] judges with a generic rule instead of refusing
//! them as unknown: the URL is the base URL, then `/`, then at least one segment; every segment
//! after the base path, percent-decoded once, passes [`check_value`] (so no dot segment in any
//! spelling, no separator, no empty segment) except a final empty one (the trailing slash); no
//! fragment; and the same length limit. The raw builder itself only builds such paths (literal
//! segments of unreserved characters, values checked with [`check_value`] and encoded with
//! [`encode_path`]); this is the request path's own guard. Any other id that is not in the
//! table is still refused.
//!
//! # Why the generated code encodes `\`
//!
//! The URL is parsed before `pre` runs, and the URL standard reads `\` as `/` in http(s) URLs
//! and then resolves dot segments: with progenitor's own `encode_path`, a builder value in which
//! `\` and `..` restore the template's shape (`a\..\b` reaching `/membership/b/`) would look
//! exactly like the plain value. close-sdk-gen therefore routes every path parameter through
//! [`encode_path`] here, which also encodes `\` as `%5C`; the value then stays in its segment
//! and the check above refuses it. The part of the path before the template must be the
//! client's base path exactly.

use std::borrow::Cow;

use super::operations::{is_raw, operation_index};
use crate::generated::operations::OPERATIONS;

/// The longest URL the `http` crate, and so reqwest, can send.
const MAX_URL_LEN: usize = u16::MAX as usize - 1;
/// At most this many characters of a refused value or path are quoted in a message.
const QUOTED_CHARS: usize = 64;

/// Percent-encodes one path parameter value for the generated builders (close-sdk-gen routes
/// every path parameter here): progenitor-client's `encode_path`, plus `\` as `%5C`, which the
/// URL standard would otherwise read as `/` in http(s) URLs (moving the value out of its
/// segment before [`check`] could see it), and `;` as `%3B`, which some servers read as the end
/// of a segment's name (an email address may hold one, see the module docs).
pub(crate) fn encode_path(value: &str) -> String {
    if value.bytes().all(|b| VERBATIM[usize::from(b)]) {
        // Nothing to encode (Close's ids): a copy, without the encoder's per-byte iterator.
        return value.to_owned();
    }
    let encoded = progenitor_client::encode_path(value);
    if encoded.contains(['\\', ';']) {
        encoded.replace('\\', "%5C").replace(';', "%3B")
    } else {
        encoded
    }
}

/// Bytes [`encode_path`] leaves as they are: printable ASCII other than space, the backtick and
/// `" # % / ; < > ? \ { }` (progenitor's path set, plus `\` and `;`).
const VERBATIM: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0x21;
    while b < 0x7f {
        table[b] = !matches!(
            b as u8,
            b'"' | b'#' | b'%' | b'/' | b';' | b'<' | b'>' | b'?' | b'\\' | b'`' | b'{' | b'}'
        );
        b += 1;
    }
    table
};

/// The path parameters that hold an email address, by operation: `?`, `#` and `;` are sent
/// in them (percent-encoded), `/` and `\` refused with the reason (see the module docs).
const EMAIL_PARAMS: [(&str, &str); 1] = [("unsubscribed_emails_delete", "email_address")];

/// Whether `param` of `operation_id` holds an email address ([`EMAIL_PARAMS`]).
fn holds_email(operation_id: &str, param: &str) -> bool {
    EMAIL_PARAMS.contains(&(operation_id, param))
}

/// Checks that `url` is the client's `base_url` followed by a path of the shape of
/// `operation_id`'s path template, and that every parameter value in it passes [`check_value`].
/// The error names the parameter and operation.
/// A raw request's id ([`is_raw`]) gets the generic check instead (see the module docs).
pub(crate) fn check(url: &reqwest::Url, base_url: &str, operation_id: &str) -> Result<(), String> {
    match operation_index(operation_id) {
        Some(index) => check_at(url, base_url, index),
        None if is_raw(operation_id) => check_raw(url, base_url, operation_id),
        None => Err(format!(
            "operation `{operation_id}` is not in the generated operation table, so its path \
             cannot be checked"
        )),
    }
}

/// [`check`] for the operation at `index` in the generated operation table (one look-up less
/// for a caller that knows it). A URL that is plainly fine is accepted in one forward walk over
/// the path and the template, with no allocation ([`is_plainly_fine`]); anything else gets the
/// segment-by-segment check, which decides and explains.
pub(crate) fn check_at(url: &reqwest::Url, base_url: &str, index: usize) -> Result<(), String> {
    let Some(op) = OPERATIONS.get(index) else {
        return Err(format!(
            "operation #{index} is not in the generated operation table"
        ));
    };
    if is_plainly_fine(url, base_url, op.path) {
        return Ok(());
    }
    check_base(url, base_url, op.id, op.path)?;
    check_template(url, op.id, op.path)
}

/// Whether `url` is exactly `base_url`, then `template`'s literal segments as they are and each
/// parameter's segment a plain value (printable ASCII other than `/ \ ? # ; %`, not `.` or
/// `..`), then nothing or a query; no fragment, and not longer than a request line can carry.
/// Everything this accepts, [`check_base`] and [`check_template`] accept too (a unit test runs
/// both over every template); `false` only means "check fully".
fn is_plainly_fine(url: &reqwest::Url, base_url: &str, template: &str) -> bool {
    let s = url.as_str();
    if s.len() > MAX_URL_LEN || url.fragment().is_some() {
        return false;
    }
    let path_end = s.len() - url.query().map_or(0, |q| q.len() + 1);
    match s.get(..path_end).and_then(|p| p.strip_prefix(base_url)) {
        Some(path) => matches_plainly(template.as_bytes(), path.as_bytes()),
        None => false,
    }
}

/// Whether `path` is `template` with each `{param}` replaced by a plain value
/// ([`is_plain_bytes`]) that runs to the end of its segment, less the segment's suffix: one
/// forward walk over both, comparing literal runs as slices.
fn matches_plainly(template: &[u8], path: &[u8]) -> bool {
    let (mut t, mut p) = (0, 0);
    loop {
        let rest = &template[t..];
        let Some(open) = rest.iter().position(|&b| b == b'{') else {
            return path.get(p..) == Some(rest);
        };
        if !path.get(p..).is_some_and(|a| a.starts_with(&rest[..open])) {
            return false;
        }
        let Some(close) = rest[open..].iter().position(|&b| b == b'}') else {
            return false;
        };
        let after = t + open + close + 1;
        let suffix_end = template[after..]
            .iter()
            .position(|&b| b == b'/')
            .map_or(template.len(), |e| after + e);
        let start = p + open;
        let value_end = path[start..]
            .iter()
            .position(|&b| b == b'/')
            .map_or(path.len(), |e| start + e);
        let fine = path[start..value_end]
            .strip_suffix(&template[after..suffix_end])
            .is_some_and(is_plain_bytes);
        if !fine {
            return false;
        }
        (t, p) = (suffix_end, value_end);
    }
}

/// Bytes a plain value may hold: printable ASCII other than `/ \ ? # ; %`.
const PLAIN: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0x21;
    while b < 0x7f {
        table[b] = !matches!(b as u8, b'/' | b'\\' | b'?' | b'#' | b';' | b'%');
        b += 1;
    }
    table
};

/// A value [`check_value`] accepts without folding or decoding anything: not empty, only
/// [`PLAIN`] bytes, and not `.` or `..` (what Close's ids look like).
fn is_plain_bytes(value: &[u8]) -> bool {
    !value.is_empty()
        && value != b"."
        && value != b".."
        && value.iter().all(|&b| PLAIN[usize::from(b)])
}

/// [`is_plain_bytes`] for a `&str`.
fn is_plain_value(value: &str) -> bool {
    is_plain_bytes(value.as_bytes())
}

/// How many path segments the base URL has (`https://api.close.com/api/v1` → 2).
fn base_segment_count(base_url: &str) -> usize {
    base_url
        .split_once("://")
        .and_then(|(_, rest)| rest.split_once('/'))
        .map_or(0, |(_, path)| path.split('/').count())
}

/// The generic check for a raw request that matches no generated operation: the base URL and
/// `/`, then at least one segment, each one (but a final empty one) a value [`check_value`]
/// accepts once percent-decoded; no fragment; not longer than a request line can carry.
fn check_raw(url: &reqwest::Url, base_url: &str, operation_id: &str) -> Result<(), String> {
    let outside = || {
        format!(
            "{operation_id}: the path {} is not a path below the base URL's",
            quote(url.path())
        )
    };
    let below_base = url
        .as_str()
        .strip_prefix(base_url)
        .is_some_and(|rest| rest.starts_with('/'));
    if !below_base || url.fragment().is_some() {
        return Err(outside());
    }
    let segments: Vec<&str> = url
        .path_segments()
        .ok_or_else(outside)?
        .skip(base_segment_count(base_url))
        .collect();
    let (last, rest) = segments.split_last().ok_or_else(outside)?;
    if last.is_empty() && rest.is_empty() {
        return Err(outside());
    }
    let checked = if last.is_empty() { rest } else { &segments[..] };
    for (n, segment) in checked.iter().enumerate() {
        check_value(
            operation_id,
            &format!("path segment {}", n + 1),
            &percent_decode(segment),
        )?;
    }
    if url.as_str().len() > MAX_URL_LEN {
        return Err(format!(
            "{operation_id}: the URL is {} bytes, more than an HTTP request can carry \
             ({MAX_URL_LEN})",
            url.as_str().len()
        ));
    }
    Ok(())
}

/// Whether `url` is the base URL followed by exactly `segments` and a trailing slash, each
/// segment compared percent-decoded once: the URL a raw request built still has the shape it
/// was built with (the URL parser resolved no value as a dot segment or read none as a
/// separator). The raw builder's own check, which knows the template that `pre` does not.
pub(crate) fn has_segments(url: &reqwest::Url, base_url: &str, segments: &[&str]) -> bool {
    let below_base = url
        .as_str()
        .strip_prefix(base_url)
        .is_some_and(|rest| rest.starts_with('/'));
    let Some(actual) = url.path_segments() else {
        return false;
    };
    let actual: Vec<&str> = actual.skip(base_segment_count(base_url)).collect();
    below_base
        && actual.len() == segments.len() + 1
        && actual.last() == Some(&"")
        && actual
            .iter()
            .zip(segments)
            .all(|(a, s)| percent_decode(a) == *s)
}

/// The URL starts with the base URL, and holds exactly as many path segments as the base URL's
/// path and the operation's template together: nothing was added or removed before the
/// template's part.
fn check_base(
    url: &reqwest::Url,
    base_url: &str,
    operation_id: &str,
    template: &str,
) -> Result<(), String> {
    let base_segments = base_segment_count(base_url);
    let expected = base_segments + template_segments(template).count();
    let actual = url.path_segments().map_or(0, Iterator::count);
    if url.as_str().starts_with(base_url) && actual == expected {
        Ok(())
    } else {
        Err(format!(
            "{operation_id}: the path {} is not the base URL's path followed by {template:?}; a \
             value of {} was a dot segment or contained a path separator",
            quote(url.path()),
            param_list(template)
        ))
    }
}

/// The path ends with `template`'s segments: the literal ones as they are, each parameter's
/// segment holding a value [`check_value`] accepts once percent-decoded.
fn check_template(url: &reqwest::Url, operation_id: &str, template: &str) -> Result<(), String> {
    let shape_error = || {
        format!(
            "{operation_id}: the path {} does not have the shape {template:?}; a value of {} was \
             a dot segment or contained a path separator",
            quote(url.path()),
            param_list(template)
        )
    };
    let segments = || url.path_segments().map(Iterator::rev);
    // First the literal segments, so that a value is only judged in its own position.
    let mut actual = segments().ok_or_else(shape_error)?;
    for expected in template_segments(template) {
        let segment = actual.next().ok_or_else(shape_error)?;
        match parse_param(expected) {
            Some((prefix, _, suffix)) => {
                if segment.len() < prefix.len() + suffix.len()
                    || !segment.starts_with(prefix)
                    || !segment.ends_with(suffix)
                {
                    return Err(shape_error());
                }
            }
            None if segment == expected => {}
            None => return Err(shape_error()),
        }
    }
    let mut longest: Option<(&str, usize)> = None;
    let mut actual = segments().ok_or_else(shape_error)?;
    for expected in template_segments(template) {
        let segment = actual.next().ok_or_else(shape_error)?;
        if let Some((prefix, param, suffix)) = parse_param(expected) {
            let encoded = &segment[prefix.len()..segment.len() - suffix.len()];
            check_value(operation_id, param, &percent_decode(encoded))?;
            if longest.is_none_or(|(_, len)| encoded.len() > len) {
                longest = Some((param, encoded.len()));
            }
        }
    }
    if url.as_str().len() > MAX_URL_LEN {
        return Err(format!(
            "{operation_id}: the URL is {} bytes, more than an HTTP request can carry \
             ({MAX_URL_LEN}){}",
            url.as_str().len(),
            longest.map_or(String::new(), |(p, len)| format!(
                "; `{p}` is {len} bytes encoded"
            ))
        ));
    }
    Ok(())
}

/// Checks one path parameter value (see the module docs); the error names `param` and
/// `operation_id` and quotes the value.
pub(crate) fn check_value(operation_id: &str, param: &str, value: &str) -> Result<(), String> {
    match refusal(value, holds_email(operation_id, param)) {
        None => Ok(()),
        Some(why) => Err(format!(
            "`{param}` of {operation_id}: {} {why}",
            quote(value)
        )),
    }
}

/// Why one id of a list filter (`id__in=a,b`, see `values::ids`) may not be sent, or `None`:
/// the rule for a path parameter holding an id ([`check_value`]), applied to each id.
pub(crate) fn id_refusal(value: &str) -> Option<String> {
    refusal(value, false)
}

/// Why `value` may not be sent as a path parameter, or `None` when it may. `email`: the
/// parameter holds an email address ([`EMAIL_PARAMS`]).
fn refusal(value: &str, email: bool) -> Option<String> {
    if is_plain_value(value) {
        return None;
    }
    if value.is_empty() {
        return Some("is empty".into());
    }
    let unsafe_as_is = |s: &str| unsafe_as_is(s, email);
    if let Some(why) = unsafe_as_is(value) {
        return Some(why);
    }
    // As a lenient server might read it: look-alikes folded, then decoded once more.
    let folded = fold_look_alikes(value);
    let decoded = percent_decode(&folded);
    let refolded = fold_look_alikes(&decoded);
    let why = [folded.as_ref(), refolded.as_ref()]
        .into_iter()
        .filter(|s| *s != value)
        .find_map(unsafe_as_is)?;
    Some(format!(
        "would be read by a lenient server (Unicode look-alikes as ASCII, percent-decoded twice) \
         as a value that {why}"
    ))
}

/// Why `s` would leave its segment as it stands. In an email address (`email`), `?`, `#` and
/// `;` are sent percent-encoded and do not.
fn unsafe_as_is(s: &str, email: bool) -> Option<String> {
    if is_dot_segment(s) {
        return Some("is a dot segment, which would move the request to another path".into());
    }
    let c = s.chars().find(|&c| {
        matches!(c, '/' | '\\')
            || (!email && matches!(c, '?' | '#' | ';'))
            || c.is_whitespace()
            || c.is_control()
    })?;
    Some(match c {
        '/' | '\\' if email => format!(
            "contains {c:?}, which a server that decodes the path before routing (as Close's \
             does) reads as a path separator even when sent encoded, so the request could reach \
             another endpoint: an address holding it cannot be sent in this path"
        ),
        '/' | '\\' => format!("contains {c:?}, which URL parsers read as a path separator"),
        '?' => "contains '?', which starts a query".into(),
        '#' => "contains '#', which starts a fragment".into(),
        ';' => "contains ';', which ends a path segment's name on some servers".into(),
        _ => format!("contains {c:?} (whitespace and control characters are never part of an id)"),
    })
}

/// Whether `s` is `.` or `..` in a spelling the URL standard reads as one (`%2e` for a dot).
fn is_dot_segment(s: &str) -> bool {
    fn strip_dot(s: &str) -> Option<&str> {
        s.strip_prefix('.').or_else(|| {
            s.get(..3)
                .filter(|p| p.eq_ignore_ascii_case("%2e"))
                .map(|_| &s[3..])
        })
    }
    match strip_dot(s) {
        Some("") => true,
        Some(rest) => strip_dot(rest) == Some(""),
        None => false,
    }
}

/// Characters that Unicode compatibility normalisation (NFKC) turns into text containing
/// `. / \ ? # ; %` (besides the fullwidth ASCII block, folded by offset). From Unicode's
/// decomposition data; characters that fold to dots mixed with letters or digits (`⒈` → `1.`)
/// cannot form a dot segment and are left out.
const LOOK_ALIKES: [(char, &str); 21] = [
    ('\u{037E}', ";"),
    ('\u{2024}', "."),
    ('\u{2025}', ".."),
    ('\u{2026}', "..."),
    ('\u{2047}', "??"),
    ('\u{2048}', "?!"),
    ('\u{2049}', "!?"),
    ('\u{2100}', "a/c"),
    ('\u{2101}', "a/s"),
    ('\u{2105}', "c/o"),
    ('\u{2106}', "c/u"),
    ('\u{FE14}', ";"),
    ('\u{FE16}', "?"),
    ('\u{FE19}', "..."),
    ('\u{FE30}', ".."),
    ('\u{FE52}', "."),
    ('\u{FE54}', ";"),
    ('\u{FE56}', "?"),
    ('\u{FE5F}', "#"),
    ('\u{FE68}', "\\"),
    ('\u{FE6A}', "%"),
];

/// `s` with fullwidth ASCII (`！`…`～`) and [`LOOK_ALIKES`] replaced by the ASCII they fold to.
fn fold_look_alikes(s: &str) -> Cow<'_, str> {
    if s.is_ascii() {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if ('\u{FF01}'..='\u{FF5E}').contains(&c) {
            out.extend(char::from_u32(c as u32 - 0xFEE0));
        } else if let Some((_, ascii)) = LOOK_ALIKES.iter().find(|(l, _)| *l == c) {
            out.push_str(ascii);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `s` with each `%XX` escape decoded once (other `%` left as they are); invalid UTF-8 becomes
/// U+FFFD.
fn percent_decode(s: &str) -> Cow<'_, str> {
    if !s.contains('%') {
        return Cow::Borrowed(s);
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |j: usize| bytes.get(j).and_then(|b| (*b as char).to_digit(16));
        match (bytes[i], hex(i + 1), hex(i + 2)) {
            (b'%', Some(hi), Some(lo)) => {
                out.push((hi * 16 + lo) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

/// A template's segments, last first (`/group/{id}/` → `""`, `{id}`, `group`).
fn template_segments(template: &str) -> std::iter::Rev<std::str::Split<'_, char>> {
    template
        .strip_prefix('/')
        .unwrap_or(template)
        .split('/')
        .rev()
}

/// `prefix{name}suffix` → `(prefix, name, suffix)`; `None` for a literal segment.
fn parse_param(segment: &str) -> Option<(&str, &str, &str)> {
    let (prefix, rest) = segment.split_once('{')?;
    let (name, suffix) = rest.split_once('}')?;
    Some((prefix, name, suffix))
}

/// The template's parameters as "`a`" or "`a` or `b`", for messages.
fn param_list(template: &str) -> String {
    let names: Vec<String> = template
        .split('/')
        .filter_map(parse_param)
        .map(|(_, name, _)| format!("`{name}`"))
        .collect();
    names.join(" or ")
}

/// `s` as a quoted, escaped string, cut to [`QUOTED_CHARS`] characters.
fn quote(s: &str) -> String {
    match s.char_indices().nth(QUOTED_CHARS) {
        Some((end, _)) => format!("{:?}… ({} bytes)", &s[..end], s.len()),
        None => format!("{s:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "https://api.close.com/api/v1";

    fn url(path: &str) -> reqwest::Url {
        reqwest::Url::parse(&format!("{BASE}{path}")).unwrap()
    }

    #[test]
    fn the_part_before_the_template_must_be_the_base_url() {
        let ok = url("/membership/x/");
        assert_eq!(check(&ok, BASE, "memberships_update"), Ok(()));
        // Same template shape at the end, but a segment added or removed before it.
        for bad in [
            "https://api.close.com/api/v1/extra/membership/x/",
            "https://api.close.com/api/membership/x/",
            "https://api.close.com/v1/api/membership/x/",
            "https://other.example/api/v1/membership/x/",
        ] {
            let u = reqwest::Url::parse(bad).unwrap();
            assert!(check(&u, BASE, "memberships_update").is_err(), "{bad}");
        }
        // A base URL without a path.
        let root = reqwest::Url::parse("http://127.0.0.1:8080/membership/x/").unwrap();
        assert_eq!(
            check(&root, "http://127.0.0.1:8080", "memberships_update"),
            Ok(())
        );
    }

    /// The URL progenitor's builder would produce for `template` with `values` (in order).
    fn built(template: &str, values: &[&str]) -> reqwest::Url {
        let mut values = values.iter();
        let path: Vec<String> = template
            .split('/')
            .map(|s| match parse_param(s) {
                Some((p, _, x)) => {
                    let v = values.next().copied().unwrap_or("x");
                    format!("{p}{}{x}", encode_path(v))
                }
                None => s.to_string(),
            })
            .collect();
        url(&path.join("/"))
    }

    #[test]
    fn every_generated_template_is_checkable_and_accepts_close_ids() {
        for op in OPERATIONS {
            let (id, template) = (op.id, op.path);
            for segment in template.split('/') {
                assert!(
                    segment.matches('{').count() <= 1 && segment.matches('}').count() <= 1,
                    "{id}: one parameter per segment is all `check` understands: {template}"
                );
            }
            let good = built(
                template,
                &["memb_JPCqDJq0AmoZFhemXAWrWk9327DqfJgUF2VGPMOL4Lp"; 4],
            );
            assert_eq!(check(&good, BASE, id), Ok(()), "{id}");
        }
    }

    #[test]
    fn the_shortcut_accepts_only_what_the_full_check_accepts() {
        let full = |u: &reqwest::Url, base: &str, op: &crate::generated::operations::Operation| {
            check_base(u, base, op.id, op.path).and_then(|()| check_template(u, op.id, op.path))
        };
        let values = [
            "memb_JPCqDJq0AmoZFhemXAWrWk9327DqfJgUF2VGPMOL4Lp",
            "a.b",
            "...",
            "..",
            ".",
            "%2e%2e",
            "a%2Fb",
            "a\\..\\b",
            "a;b",
            "é",
            "",
            "a b",
            "x/../y",
        ];
        let mut shortcuts = 0;
        for (index, op) in OPERATIONS.iter().enumerate() {
            for base in [BASE, "http://127.0.0.1:8080", "http://h/a/b"] {
                for value in values {
                    let mut filled = op.path.to_string();
                    while let Some(start) = filled.find('{') {
                        let close = filled[start..]
                            .find('}')
                            .map_or(filled.len(), |e| start + e + 1);
                        filled.replace_range(start..close, &encode_path(value));
                    }
                    for tail in ["", "?_limit=1", "x/", "#f"] {
                        for prefix in ["", "/extra"] {
                            let Ok(u) =
                                reqwest::Url::parse(&format!("{base}{prefix}{filled}{tail}"))
                            else {
                                continue;
                            };
                            if is_plainly_fine(&u, base, op.path) {
                                shortcuts += 1;
                                assert_eq!(full(&u, base, op), Ok(()), "{} {u}", op.id);
                            }
                            assert_eq!(check_at(&u, base, index), full(&u, base, op), "{u}");
                        }
                    }
                }
            }
        }
        assert!(shortcuts > 0, "the shortcut was never taken");
        // Too long for a request line: refused by both.
        if let Some(op) = OPERATIONS.first() {
            let long = format!("{BASE}{}?q={}", op.path, "a".repeat(MAX_URL_LEN));
            let u = reqwest::Url::parse(&long).unwrap();
            assert!(!is_plainly_fine(&u, BASE, op.path));
            assert!(check(&u, BASE, op.id).is_err());
        }
    }

    #[test]
    fn encoding_a_verbatim_value_is_a_copy() {
        let slow = |v: &str| {
            progenitor_client::encode_path(v)
                .replace('\\', "%5C")
                .replace(';', "%3B")
        };
        for b in 0u8..=0x7f {
            let v = format!("a{}b", b as char);
            assert_eq!(encode_path(&v), slow(&v), "{b:#x}");
        }
        for v in ["memb_x", "é", "a b", "", "a%2e", "x\\..", "{id}"] {
            assert_eq!(encode_path(v), slow(v), "{v:?}");
        }
    }

    #[test]
    fn plain_values_are_a_subset_of_the_accepted_ones() {
        for v in ["memb_x", "a.b", "...", "a-b_c~d", "A:B@C!$&'()*+,="] {
            assert!(is_plain_value(v), "{v}");
            assert_eq!(refusal(v, false), None, "{v}");
        }
        for v in [
            "", ".", "..", "a/b", "a\\b", "a?b", "a#b", "a;b", "a%2e", "a b", "é", "\u{7f}",
        ] {
            assert!(!is_plain_value(v), "{v:?}");
        }
    }

    #[test]
    fn unknown_operations_are_refused() {
        let e = check(&url("/membership/x/"), BASE, "no_such_operation").unwrap_err();
        assert!(e.contains("no_such_operation"), "{e}");
        // Refused however close its name is to a raw id.
        for id in ["raw", "raw_request_", "Raw_request", ""] {
            assert!(check(&url("/membership/x/"), BASE, id).is_err(), "{id:?}");
        }
    }

    #[test]
    fn built_urls_are_compared_segment_by_segment() {
        let u = |p: &str| reqwest::Url::parse(&format!("{BASE}{p}")).unwrap();
        assert!(has_segments(&u("/lead/a%2Fb/"), BASE, &["lead", "a/b"]));
        assert!(has_segments(&u("/lead/x/"), BASE, &["lead", "x"]));
        // The parser resolved a dot segment or read `\` as `/`: another shape.
        assert!(!has_segments(&u("/lead/../x/"), BASE, &["lead", "..", "x"]));
        assert!(!has_segments(&u("/lead/a\\b/"), BASE, &["lead", "a\\b"]));
        assert!(!has_segments(&u("/lead/x"), BASE, &["lead", "x"]));
        assert!(!has_segments(&u("/lead/x/"), BASE, &["lead", "y"]));
        assert!(!has_segments(
            &u("/lead/x/"),
            "https://api.close.com/api/v",
            &["lead", "x"]
        ));
    }

    #[test]
    fn raw_requests_get_the_generic_check() {
        use super::super::operations::{RAW, RAW_IDEMPOTENT};
        let ok = |u: &str| check(&reqwest::Url::parse(u).unwrap(), BASE, RAW);
        for good in [
            "https://api.close.com/api/v1/lead/",
            "https://api.close.com/api/v1/lead/lead_x/",
            "https://api.close.com/api/v1/lead/lead_x",
            "https://api.close.com/api/v1/a/b.c/%2e%2e%2e/?q=..%2F",
            "https://api.close.com/api/v1/lead/?x=../../y",
            "https://api.close.com/api/v1/lead/caf%C3%A9/",
        ] {
            assert_eq!(ok(good), Ok(()), "{good}");
        }
        assert_eq!(
            check(&url("/lead/x/"), BASE, RAW_IDEMPOTENT),
            Ok(()),
            "both raw ids"
        );
        for bad in [
            // Not below the base URL.
            "https://api.close.com/api/v1",
            "https://api.close.com/api/v1/",
            "https://api.close.com/api/v1x/lead/",
            "https://api.close.com/api/lead/",
            "https://other.example/api/v1/lead/",
            "http://api.close.com/api/v1/lead/",
            // Dot segments: resolved by the URL parser (so the base prefix is gone), or still
            // there in a spelling a server may decode.
            "https://api.close.com/api/v1/../v2/lead/",
            "https://api.close.com/api/v1/%2e%2E/lead/",
            "https://api.close.com/api/v1/lead/%252e%252e/",
            "https://api.close.com/api/v1/lead/%EF%BC%8E%EF%BC%8E/",
            // Empty segments but the last, separators and the rest of the value rule.
            "https://api.close.com/api/v1//lead/",
            "https://api.close.com/api/v1/lead//x/",
            "https://api.close.com/api/v1/lead/a%2Fb/",
            "https://api.close.com/api/v1/lead/a%5Cb/",
            "https://api.close.com/api/v1/lead/a%3Fb/",
            "https://api.close.com/api/v1/lead/a;b/",
            "https://api.close.com/api/v1/lead/a%00b/",
            "https://api.close.com/api/v1/lead/x/#frag",
        ] {
            assert!(ok(bad).is_err(), "{bad}");
        }
        let e = ok("https://api.close.com/api/v1/lead/%252e%252e/").unwrap_err();
        assert!(e.contains("`path segment 2` of raw_request"), "{e}");
        let long = format!("{BASE}/lead/{}/", "a".repeat(70_000));
        assert!(ok(&long)
            .unwrap_err()
            .contains("more than an HTTP request can carry"));
        // A base URL without a path.
        let root = reqwest::Url::parse("http://127.0.0.1:8080/lead/").unwrap();
        assert_eq!(check(&root, "http://127.0.0.1:8080", RAW), Ok(()));
        let root = reqwest::Url::parse("http://127.0.0.1:8080/").unwrap();
        assert!(check(&root, "http://127.0.0.1:8080", RAW).is_err());
    }

    #[test]
    fn dot_segments_and_separators_change_the_shape_and_are_refused() {
        for v in [".", "..", "x\\..", "a\\b", "\\", "..\\..\\bulk"] {
            let e = check(
                &built("/membership/{id}/", &[v]),
                BASE,
                "memberships_update",
            )
            .unwrap_err();
            assert!(
                e.contains("memberships_update") && e.contains("`id`"),
                "{v:?}: {e}"
            );
        }
        let e = check(
            &built("/group/{group_id}/member/{user_id}/", &["g", ".."]),
            BASE,
            "groups_remove_member",
        )
        .unwrap_err();
        assert!(e.contains("`group_id` or `user_id`"), "{e}");
        // The literal segments must match too.
        assert!(check(
            &url("/membership/x/pinned_views/"),
            BASE,
            "memberships_update"
        )
        .is_err());
        assert!(check(&url("/membership/x"), BASE, "memberships_update").is_err());
    }

    #[test]
    fn values_that_keep_the_shape_are_judged_decoded() {
        let refused = [
            ("", "is empty"),
            ("%2e", "dot segment"),
            (".%2E", "dot segment"),
            ("%2E.", "dot segment"),
            ("%2e%2e", "dot segment"),
            ("%252e", "dot segment"),
            ("a/b", "path separator"),
            ("%2F", "path separator"),
            ("%5c", "path separator"),
            ("a?b", "query"),
            ("a#b", "fragment"),
            ("..;", "';'"),
            ("a;b", "';'"),
            ("%00", "control"),
            ("a\u{0}b", "control"),
            ("a b", "whitespace"),
            ("a\u{85}b", "control"),
            ("a\u{3000}b", "whitespace"),
            ("\u{FF0E}\u{FF0E}", "dot segment"),
            ("\u{2025}", "dot segment"),
            ("a\u{FF0F}b", "path separator"),
            ("a\u{FE68}b", "path separator"),
            ("\u{FF05}2e", "dot segment"),
            ("\u{FF05}\u{FF12}\u{FF45}", "dot segment"),
            ("%EF%BC%8F", "path separator"),
            ("\u{2100}", "path separator"),
        ];
        for (v, why) in refused {
            let e = check(&built("/role/{id}/", &[v]), BASE, "roles_get").unwrap_err();
            assert!(
                e.contains(why) && e.contains("`id` of roles_get"),
                "{v:?}: {e}"
            );
            // One source of truth: the same message before a request is built.
            assert_eq!(check_value("roles_get", "id", v), Err(e), "{v:?}");
        }
        for v in [
            "role_y6eLquXvRUdmwqi61tsmgCJUU7uGfxaRbDuLoONZL9p",
            "a.b",
            "...",
            ".a",
            "%2e%2e%2e",
            "%25252e",
            "%zz",
            "%",
            "é",
            "\u{200B}",
            "\u{FF41}\u{FF42}",
            "a|b[c]^d'e`f{g}h\"<>:@!$&+,=~*()",
        ] {
            assert_eq!(
                check(&built("/role/{id}/", &[v]), BASE, "roles_get"),
                Ok(()),
                "{v:?}"
            );
            assert_eq!(check_value("roles_get", "id", v), Ok(()), "{v:?}");
        }
    }

    #[test]
    fn an_email_address_may_hold_query_fragment_and_semicolon_characters_but_no_separator() {
        let (op, param) = EMAIL_PARAMS[0];
        for v in [
            "a?b@x.com",
            "a#b@x.com",
            "a;b@x.com",
            "a%3Fb@x.com",
            "a\u{FE56}b@x.com",
        ] {
            assert_eq!(check_value(op, param, v), Ok(()), "{v:?}");
            // Any other parameter still refuses them.
            assert!(check_value("roles_get", "id", v).is_err(), "{v:?}");
            assert!(check_value(op, "id", v).is_err(), "{v:?}");
        }
        for v in [
            "a/b@x.com",
            "a\\b@x.com",
            "a%2Fb@x.com",
            "a%5cb@x.com",
            "..",
            "a b@x.com",
        ] {
            assert!(check_value(op, param, v).is_err(), "{v:?}");
        }
        let e = check_value(op, param, "a/b@x.com").unwrap_err();
        assert!(
            e.contains("path separator") && e.contains("another endpoint"),
            "{e}"
        );
        // Sent encoded, in its segment.
        assert_eq!(encode_path("a?b#c;d@x.com"), "a%3Fb%23c%3Bd@x.com");
        #[cfg(feature = "unsubscribed-emails")]
        {
            // The operation is in the table, with the parameter in its path.
            assert!(OPERATIONS
                .iter()
                .any(|o| o.id == op && o.path.contains(&format!("{{{param}}}"))));
            let u = built("/unsubscribe/email/{email_address}/", &["a?b#c;d@x.com"]);
            assert_eq!(check(&u, BASE, op), Ok(()), "{u}");
        }
    }

    #[test]
    fn long_values_are_sent_up_to_the_request_line_limit() {
        let ten_kb = "a".repeat(10 * 1024);
        assert_eq!(
            check(&built("/user/{id}/", &[&ten_kb]), BASE, "users_get"),
            Ok(())
        );
        let e = check(
            &built("/user/{id}/", &["a".repeat(70_000).as_str()]),
            BASE,
            "users_get",
        )
        .unwrap_err();
        assert!(e.contains("`id` is 70000 bytes"), "{e}");
        // Messages quote a bounded part of the value.
        let e = check_value("users_get", "id", &format!("{}/", "a".repeat(10_000))).unwrap_err();
        assert!(e.len() < 300, "{e}");
    }

    #[test]
    fn percent_decoding_is_one_level_and_total() {
        assert_eq!(percent_decode("a%2Fb%25%2"), "a/b%%2");
        assert_eq!(percent_decode("%FF"), "\u{FFFD}");
        assert_eq!(percent_decode("%C3%A9"), "é");
        assert!(matches!(percent_decode("plain"), Cow::Borrowed("plain")));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 512, failure_persistence: None, ..Default::default()
        })]

        /// Whatever the values, for every operation with path parameters, what the generated
        /// code builds either fails the check or carries each value, undamaged, in its own
        /// segment at the operation's own path.
        #[test]
        fn a_checked_url_carries_each_value_in_its_segment(
            op in proptest::sample::select(
                OPERATIONS.iter().filter(|o| o.path.contains('{')).collect::<Vec<_>>()
            ),
            values in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::arbitrary::any::<String>(),
                    "[.%2eE/\\\\?#;a\u{FF0E}]{0,6}",
                ],
                3,
            )
        ) {
            let params: Vec<&str> = op.path.split('/').filter(|s| s.contains('{')).collect();
            let u = built(op.path, &values.iter().map(String::as_str).collect::<Vec<_>>());
            if check(&u, BASE, op.id).is_ok() {
                let expected: Vec<&str> = BASE.split('/').skip(3).chain(op.path.split('/').skip(1)).collect();
                let segments: Vec<&str> = u.path_segments().unwrap().collect();
                proptest::prop_assert_eq!(segments.len(), expected.len(), "{}", u);
                let mut next = values.iter();
                for (seg, exp) in segments.iter().zip(&expected) {
                    if exp.contains('{') {
                        let v = next.next().unwrap();
                        proptest::prop_assert_eq!(percent_decode(seg), v.as_str(), "{}", u);
                    } else {
                        proptest::prop_assert_eq!(seg, exp);
                    }
                }
                proptest::prop_assert!(params.len() <= values.len());
            }
        }
    }
}
