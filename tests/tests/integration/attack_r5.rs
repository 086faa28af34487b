//! Attack on 44f4bc0: every generated call's URL is `crate::runtime::url(client, path)`, the
//! base URL parsed once at `ClientBuilder::build()` with `Url::set_path(base_path + path)`
//! (values still through `encode_path`, the URL still checked against the template before
//! anything is sent), and `send()`/`into_future()`/`paginate()` are `#[inline]`.
//!
//! The oracle for every hostile input: the call is refused as `Error::InvalidRequest` and the
//! server reads nothing, or the server reads exactly one request whose target is the intended
//! path (the base path, then the template with each value percent-encoded in its own segment),
//! which must also be what parsing the whole text `format!("{base}{path}")` gave before the
//! change. Real HTTP to loopback servers (request lines compared as read off the wire); a
//! loopback HTTP proxy shows the whole absolute URL for base URLs with other hosts, ports and
//! schemes' spellings. Every loop is bounded in count and time.
//!
//! Tests documenting a defect say `DEFECT` in their doc comment; the others held and are kept
//! as regression tests for the change.

use std::fmt::Write as _;
use std::future::IntoFuture;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use close_sdk::prelude::*;
use close_sdk::types as t;
use close_sdk::RetryPolicy;
use close_sdk_tests::loopback_server::{LoopbackServer, Reply, Request};
use close_sdk_tests::shown;
use reqwest::Url;
use serde_json::{json, Value};

/// The client's API key (long enough that a leak of any part of it is told).
const KEY: &str = "api_5e1f0c3b9a7d4e2f8c6b0a1d3e5f7a9b2c4d6e8f";
/// A bearer token for the secrets checks.
const TOKEN: &str = "tok_8d6b4f2a0c9e7a5b3d1f0e2c4a6b8d9f1e3c5a7b";

const LIMIT: Duration = Duration::from_secs(60);

async fn bounded<F: std::future::Future>(f: F) -> F::Output {
    tokio::time::timeout(LIMIT, f)
        .await
        .expect("bounded in time")
}

fn builder(base: &str) -> close_sdk::ClientBuilder {
    Client::builder()
        .api_key(KEY)
        .base_url(base)
        .timeout(Duration::from_secs(10))
        .retry_policy(RetryPolicy::none())
}

fn client(base: &str) -> Client {
    builder(base).build().expect("client")
}

/// A client whose requests all go through the HTTP proxy at `proxy` (which then reads each
/// request's whole URL in absolute form).
fn proxied_client(base: &str, proxy: &str) -> Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::builder()
        .proxy(reqwest::Proxy::all(proxy).expect("proxy URL"))
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .expect("reqwest client");
    builder(base).http_client(http).build().expect("client")
}

fn base64(input: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The secret pieces that must never show: the key, the token, their `Authorization` forms and
/// long slices of them.
fn leak(text: &str) -> Option<String> {
    let basic = base64(format!("{KEY}:").as_bytes());
    let pieces: [&str; 7] = [
        KEY,
        &KEY[4..],
        &KEY[..24],
        TOKEN,
        &TOKEN[4..],
        &basic,
        &basic[..24],
    ];
    let mut found = None;
    for piece in pieces {
        if text.contains(piece) {
            found = Some(piece.to_string());
            break;
        }
    }
    found
}

/// What the generated code's `encode_path` does to a value (progenitor's path set, plus `\`
/// and `;`): printable ASCII but `" # % / ; < > ? \ { }` and the backtick stays, every other
/// byte is `%XX`.
fn enc(value: &str) -> String {
    let mut out = String::new();
    for b in value.bytes() {
        let verbatim = (0x21..0x7f).contains(&b) && !b"\"#%/;<>?\\`{}".contains(&b);
        if verbatim {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// The base URL as the builder keeps it: parsed, and without trailing `/`.
fn normalized(base: &str) -> String {
    Url::parse(base.trim())
        .expect("a base URL that parses")
        .as_str()
        .trim_end_matches('/')
        .to_string()
}

fn decode_once(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let hex = |c: u8| char::from(c).to_digit(16);
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 3 <= b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The operations attacked, through the handles.
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug)]
enum Op {
    LeadGet,
    ContactUpdate,
    MembershipUpdate,
    PinnedViews,
    GroupRemoveMember,
    SharedAssociationGet,
    Resubscribe,
}

impl Op {
    const ALL: [Op; 7] = [
        Op::LeadGet,
        Op::ContactUpdate,
        Op::MembershipUpdate,
        Op::PinnedViews,
        Op::GroupRemoveMember,
        Op::SharedAssociationGet,
        Op::Resubscribe,
    ];

    /// The template, `{}` for each value.
    fn template(self) -> &'static str {
        match self {
            Op::LeadGet => "/lead/{}/",
            Op::ContactUpdate => "/contact/{}/",
            Op::MembershipUpdate => "/membership/{}/",
            Op::PinnedViews => "/membership/{}/pinned_views/",
            Op::GroupRemoveMember => "/group/{}/member/{}/",
            Op::SharedAssociationGet => "/custom_field/shared/{}/association/{}/",
            Op::Resubscribe => "/unsubscribe/email/{}/",
        }
    }

    fn arity(self) -> usize {
        self.template().matches("{}").count()
    }

    /// The path with each value encoded in its segment.
    fn path(self, values: &[String]) -> String {
        let mut out = String::new();
        let mut values = values.iter();
        for (i, piece) in self.template().split("{}").enumerate() {
            if i > 0 {
                out.push_str(&enc(values.next().expect("a value per parameter")));
            }
            out.push_str(piece);
        }
        out
    }

    async fn send(self, c: &Client, v: &[String]) -> Result<(), Error> {
        let v: Vec<String> = v.to_vec();
        match self {
            Op::LeadGet => c.leads().get(v[0].clone()).send().await.map(drop),
            Op::ContactUpdate => c
                .contacts()
                .update(v[0].clone(), t::UpdateContact::default())
                .send()
                .await
                .map(drop),
            Op::MembershipUpdate => c
                .memberships()
                .update(v[0].clone(), t::UpdateMembership::default())
                .send()
                .await
                .map(drop),
            Op::PinnedViews => c
                .memberships()
                .get_pinned_views(v[0].clone())
                .send()
                .await
                .map(drop),
            Op::GroupRemoveMember => c
                .groups()
                .remove_member(v[0].clone(), v[1].clone())
                .send()
                .await
                .map(drop),
            Op::SharedAssociationGet => c
                .custom_fields()
                .shared()
                .associations()
                .get(v[0].clone(), v[1].clone())
                .send()
                .await
                .map(drop),
            Op::Resubscribe => c
                .unsubscribed_emails()
                .delete(v[0].clone())
                .send()
                .await
                .map(drop),
        }
    }
}

/// Ids and values from CSV files and webhooks that try to move a request elsewhere.
fn hostile_values() -> Vec<String> {
    let mut v: Vec<String> = [
        "..",
        ".",
        "%2e%2e",
        "%2E.",
        ".%2E",
        "%2e",
        "%252e%252e",
        "..;",
        ".;",
        "a/b",
        "../user/me",
        "a%2Fb",
        "a%2fb",
        "..%2f..%2fuser",
        "a\\b",
        "x\\..\\victim",
        "\\",
        "a?b",
        "lead_1?_fields=id",
        "a#b",
        "lead_1#",
        "a;b",
        "a\0b",
        "\0",
        "%00",
        "a\u{1}b",
        "a\u{7f}b",
        "a\tb",
        "\t..",
        ".\t.",
        "..\n",
        "\r\n..\r\n",
        "a\nb",
        "\n",
        " ",
        "   ",
        "\t",
        "",
        "a b",
        "a\u{2215}b",
        "\u{2215}..\u{2215}",
        "\u{FF0E}\u{FF0E}",
        "\u{FF0E}",
        "a\u{FF0F}b",
        "\u{2025}",
        "\u{FE52}\u{FE52}",
        "a\u{FE68}b",
        "\u{FF05}2e\u{FF05}2e",
        "%EF%BC%8F",
        "ｌｅａｄ＿１",
        "xn--80ak6aa92e",
        "xn--..",
        "a\u{200B}b",
        "\u{FEFF}lead_1",
        "lead_1\u{202E}",
        "a\u{85}b",
        "a\u{3000}b",
        "%",
        "%zz",
        "%25",
        "lead_é",
        "@evil.example",
        "lead_1:80",
        "...",
        "a.b",
        "lead_JPCqDJq0AmoZFhemXAWrWk9327DqfJgUF2VGPMOL4Lp",
    ]
    .into_iter()
    .map(str::to_string)
    .collect();
    v.push("a".repeat(5_000));
    v
}

/// A smaller set for the base-URL shapes.
fn few_hostile_values() -> Vec<String> {
    [
        "..",
        "%2e%2e",
        "a/b",
        "x\\..\\victim",
        "a?b",
        "a#b",
        "\t..",
        "",
        "\u{FF0E}\u{FF0E}",
        "lead_é",
        "lead_1",
    ]
    .into_iter()
    .map(str::to_string)
    .collect()
}

/// The argument lists for `op` with `hostile` in each position in turn, a plain id elsewhere.
fn placements(op: Op, hostile: &str) -> Vec<Vec<String>> {
    (0..op.arity())
        .map(|at| {
            (0..op.arity())
                .map(|i| {
                    if i == at {
                        hostile.to_string()
                    } else {
                        format!("plain_{i}")
                    }
                })
                .collect()
        })
        .collect()
}

/// A server reading every request (answering `{}`), keeping each.
async fn recording() -> (LoopbackServer, Arc<Mutex<Vec<Request>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let server = LoopbackServer::start(move |request| {
        log.lock().unwrap().push(request.clone());
        Reply::json(200, &json!({}))
    })
    .await;
    (server, seen)
}

/// Sends `op(values)` through `c` (base URL as the builder keeps it: `base`) and judges what
/// the server read since: `None` when it held, else what went wrong. `absolute`: the server is
/// a proxy and reads the whole URL.
async fn judged(
    c: &Client,
    base: &str,
    op: Op,
    values: &[String],
    seen: &Mutex<Vec<Request>>,
    absolute: bool,
) -> Result<bool, String> {
    seen.lock().unwrap().clear();
    let result = bounded(op.send(c, values)).await;
    let requests: Vec<Request> = std::mem::take(&mut *seen.lock().unwrap());
    let path = op.path(values);
    let base_path = Url::parse(base)
        .unwrap()
        .path()
        .trim_end_matches('/')
        .to_string();
    let intended = format!("{base_path}{path}");
    // What the generated code sent before 44f4bc0: the whole text, parsed.
    let old = Url::parse(&format!("{base}{path}"));
    let what = format!("{op:?}{values:?} on {base:?}");
    let refused = matches!(result, Err(Error::InvalidRequest(_)));
    let plain = values
        .iter()
        .all(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'));
    if refused && plain {
        return Err(format!(
            "{what}: a plain id was refused: {:?}",
            result.err()
        ));
    }
    if refused {
        return match requests.as_slice() {
            [] => Ok(false),
            sent => Err(format!(
                "{what}: refused as InvalidRequest but {} request(s) were sent: {:?}",
                sent.len(),
                sent.iter().map(|r| &r.path).collect::<Vec<_>>()
            )),
        };
    }
    let [request] = requests.as_slice() else {
        return Err(format!(
            "{what}: not refused ({:?}) and {} requests were sent, not one",
            result.err(),
            requests.len()
        ));
    };
    let target = request.path.clone();
    let old = match old {
        Ok(u) => u,
        Err(e) => {
            return Err(format!(
                "{what}: sent {target:?}, though the whole text did not parse before ({e})"
            ))
        }
    };
    let (old_target, sent_path) = if absolute {
        let mut whole = old.clone();
        whole.set_fragment(None);
        let sent = match Url::parse(&target) {
            Ok(u) => u.path().to_string(),
            Err(_) => return Err(format!("{what}: the proxy read {target:?}")),
        };
        (whole.as_str().to_string(), sent)
    } else {
        let mut origin = old.path().to_string();
        if let Some(q) = old.query() {
            origin.push('?');
            origin.push_str(q);
        }
        (origin, target.clone())
    };
    if target != old_target {
        return Err(format!(
            "{what}: sent {target:?}, where parsing the whole URL gave {old_target:?}"
        ));
    }
    if sent_path != intended {
        return Err(format!(
            "{what}: sent to {sent_path:?}, not the intended {intended:?} (another endpoint)"
        ));
    }
    // Each value arrives whole, in its own segment.
    let template = format!("{base_path}{}", op.template());
    let mut next = values.iter();
    for (seg, t) in sent_path.split('/').zip(template.split('/')) {
        if t == "{}" {
            let v = next.next().expect("a value per parameter");
            if decode_once(seg) != v.as_bytes() {
                return Err(format!("{what}: the segment {seg:?} does not carry {v:?}"));
            }
        }
    }
    Ok(true)
}

/// Counts a judged call as sent (`counts[0]`) or refused (`counts[1]`), or keeps its problem.
fn tally(counts: &mut [usize; 2], problems: &mut Vec<String>, judged: Result<bool, String>) {
    match judged {
        Ok(true) => counts[0] += 1,
        Ok(false) => counts[1] += 1,
        Err(p) => problems.push(p),
    }
}

fn report(problems: &[String]) {
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems
            .iter()
            .take(40)
            .map(|p| p.chars().take(400).collect::<String>())
            .collect::<Vec<_>>()
            .join("\n")
    );
}

// ---------------------------------------------------------------------------------------------
// 1. Hostile values through the handles.
// ---------------------------------------------------------------------------------------------

/// Every hostile value, in every path position of seven operations (one and two values, an
/// email parameter), with a base URL without path and one with `/api/v1/`: refused with
/// nothing sent, or sent once to exactly the intended path, which is also what parsing the
/// whole URL gave before the change.
#[tokio::test]
async fn hostile_values_reach_the_intended_path_or_nothing_is_sent() {
    let (server, seen) = recording().await;
    let mut problems = Vec::new();
    let mut counts = [0usize; 2];
    for suffix in ["", "/api/v1/"] {
        let given = format!("{}{suffix}", server.base_url());
        let base = normalized(&given);
        let c = client(&given);
        for op in Op::ALL {
            for hostile in hostile_values() {
                for values in placements(op, &hostile) {
                    tally(
                        &mut counts,
                        &mut problems,
                        judged(&c, &base, op, &values, &seen, false).await,
                    );
                }
            }
        }
    }
    report(&problems);
    assert!(counts[0] > 0 && counts[1] > 0, "sent, refused: {counts:?}");
}

/// The same values through base URLs of every shape the builder accepts: several trailing
/// slashes, percent-encoded and non-ASCII segments, `.`/`..`/`%2e%2e` in the base path, `\`
/// as a separator, an uppercase scheme, `;` in a segment, surrounding whitespace and a tab
/// inside (which the URL parser strips), a leading `//`.
#[tokio::test]
async fn every_base_url_shape_keeps_requests_on_the_intended_path() {
    let (server, seen) = recording().await;
    let root = server.base_url();
    let shapes = [
        format!("{root}///"),
        format!("{root}/api/v1///"),
        format!("{root}/a%2Fb/v%201/"),
        format!("{root}/a b/ü/"),
        format!("{root}/api/../v1/"),
        format!("{root}/api/%2e%2E/v1"),
        format!("{root}/api/./v1/."),
        format!("{root}\\api\\v1\\"),
        format!("{root}/api;v=1/"),
        format!("{root}//api"),
        format!("  {root}/api/v1 \n"),
        format!("{root}/a\tp\ni/v1"),
        format!("{root}/%2e%2e%2f/"),
        format!("{root}/api/%zz/"),
        root.replace("http://", "HTTP://") + "/API/",
        root.replace("http://", "http://@") + "/api/",
        root.replace("http://", "http://:@") + "/api/v1",
    ];
    let mut problems = Vec::new();
    let mut counts = [0usize; 2];
    for given in &shapes {
        let base = normalized(given);
        let c = client(given);
        for op in Op::ALL {
            for hostile in few_hostile_values() {
                for values in placements(op, &hostile) {
                    tally(
                        &mut counts,
                        &mut problems,
                        judged(&c, &base, op, &values, &seen, false).await,
                    );
                }
            }
        }
    }
    report(&problems);
    assert!(counts[0] > 0 && counts[1] > 0, "sent, refused: {counts:?}");
}

/// Hosts and ports the loopback server cannot be named by, seen whole through a loopback HTTP
/// proxy: IPv6 `[::1]`, an uppercase host, a default port (`:80` dropped), an IDNA host, an
/// IPv4 written in hex, a path with `..`. The absolute URL the proxy reads is what parsing the
/// whole text gave before, and the path is the intended one.
#[tokio::test]
async fn other_hosts_and_ports_give_the_url_the_whole_parse_gave() {
    let (proxy, seen) = recording().await;
    let shapes = [
        "http://[::1]:8080/api/v1/",
        "http://[0:0:0:0:0:0:0:1]/",
        "http://API.CLOSE.EXAMPLE:80/Api/V1/",
        "HTTP://Api.Close.Example:8080",
        "http://bücher.example/api/",
        "http://ＥＸＡＭＰＬＥ.example/",
        "http://0x7f.1/api/",
        "http://api.close.example/api/v1/../v2/",
        "http://api.close.example:65535/%41%2F/",
    ];
    let mut problems = Vec::new();
    let mut counts = [0usize; 2];
    for given in shapes {
        let base = normalized(given);
        let c = proxied_client(given, &proxy.base_url());
        for op in [Op::LeadGet, Op::GroupRemoveMember, Op::Resubscribe] {
            for hostile in few_hostile_values() {
                for values in placements(op, &hostile) {
                    tally(
                        &mut counts,
                        &mut problems,
                        judged(&c, &base, op, &values, &seen, true).await,
                    );
                }
            }
        }
    }
    report(&problems);
    assert!(counts[0] > 0 && counts[1] > 0, "sent, refused: {counts:?}");
}

/// Random values over an alphabet of dots, escapes, separators, controls, whitespace and
/// look-alikes (deterministic xorshift, 1,500 cases per operation), with a base path: the same
/// oracle as above.
#[tokio::test]
async fn random_tricky_values_reach_the_intended_path_or_nothing_is_sent() {
    const ALPHABET: [char; 30] = [
        '.', '.', '%', '2', 'e', 'E', 'f', 'F', '5', 'c', '/', '\\', '?', '#', ';', '\t', '\n',
        '\r', ' ', '\0', 'a', '\u{FF0E}', '\u{FF0F}', '\u{2215}', '\u{FE52}', 'é', '@', ':',
        '\u{3000}', '\u{7f}',
    ];
    let (server, seen) = recording().await;
    let given = format!("{}/api/v1/", server.base_url());
    let base = normalized(&given);
    let c = client(&given);
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut problems = Vec::new();
    let mut counts = [0usize; 2];
    for op in [Op::LeadGet, Op::GroupRemoveMember] {
        for _ in 0..1_500 {
            let values: Vec<String> = (0..op.arity())
                .map(|_| {
                    let len = (next() % 8) as usize;
                    (0..len)
                        .map(|_| ALPHABET[(next() % ALPHABET.len() as u64) as usize])
                        .collect()
                })
                .collect();
            tally(
                &mut counts,
                &mut problems,
                judged(&c, &base, op, &values, &seen, false).await,
            );
        }
    }
    report(&problems);
    assert!(counts[0] > 0 && counts[1] > 0, "sent, refused: {counts:?}");
}

/// A 1 MB id: refused as `InvalidRequest` (longer than a request line can carry), nothing
/// sent, quickly, with a message of bounded length.
#[tokio::test]
async fn a_one_megabyte_id_is_refused_quickly_with_a_short_message() {
    let (server, seen) = recording().await;
    let c = client(&format!("{}/api/v1/", server.base_url()));
    for id in [
        "a".repeat(1 << 20),
        "é".repeat(1 << 19),
        "..".repeat(1 << 19),
    ] {
        let started = Instant::now();
        let e = bounded(c.leads().get(id.clone()).into_future())
            .await
            .expect_err("refused");
        assert!(matches!(e, Error::InvalidRequest(_)), "{e:?}");
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
        assert!(e.to_string().len() < 1_000, "{}", e.to_string().len());
        assert!(seen.lock().unwrap().is_empty());
    }
    assert_eq!(server.requests(), 0);
}

/// The request-line limit at its edge, with a base path: a URL of 65,534 bytes is sent to the
/// intended path, one of 65,535 is `InvalidRequest` with nothing sent (never a transport
/// error after the URL was built).
#[tokio::test]
async fn the_request_line_limit_holds_exactly_with_a_base_path() {
    let (server, seen) = recording().await;
    let given = format!("{}/api/v1/", server.base_url());
    let base = normalized(&given);
    let c = client(&given);
    for (len, sent) in [(65_534usize, true), (65_535, false)] {
        let fixed = format!("{base}/lead//").len();
        let id = "a".repeat(len - fixed);
        seen.lock().unwrap().clear();
        let result = bounded(c.leads().get(id.clone()).into_future()).await;
        let requests = std::mem::take(&mut *seen.lock().unwrap());
        if sent {
            assert_eq!(requests.len(), 1, "{len}: {:?}", result.err());
            assert_eq!(requests[0].path, format!("/api/v1/lead/{id}/"));
        } else {
            assert!(
                matches!(result, Err(Error::InvalidRequest(_))),
                "{len}: {result:?}"
            );
            assert!(requests.is_empty(), "{len}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 2. Retries, long GETs, pagination and cancellation with the URL set on the parsed base.
// ---------------------------------------------------------------------------------------------

/// 503 then 429 then 200: every attempt goes to the same URL, the base path kept.
#[tokio::test]
async fn retries_resend_the_same_url() {
    for (op, values) in [
        (Op::LeadGet, vec!["lead_1".to_string()]),
        (
            Op::GroupRemoveMember,
            vec!["group_1".to_string(), "user_1".to_string()],
        ),
        (Op::ContactUpdate, vec!["cont_1".to_string()]),
    ] {
        let server = LoopbackServer::scripted(
            vec![
                Reply::json(503, &json!({"error": "busy"})).with_header("retry-after", "0"),
                Reply::json(429, &json!({"error": "slow down"})).with_header("retry-after", "0"),
            ],
            Reply::json(200, &json!({})),
        )
        .await;
        let c = builder(&format!("{}/api/v1//", server.base_url()))
            .retry_policy(RetryPolicy::default().base_delay(Duration::from_millis(5)))
            .build()
            .unwrap();
        let _ = bounded(op.send(&c, &values)).await;
        let lines = server.request_lines();
        assert!(!lines.is_empty(), "{op:?}");
        let expected = format!("/api/v1{}", op.path(&values));
        for line in &lines {
            assert!(line.ends_with(&format!(" {expected}")), "{op:?}: {lines:?}");
        }
        assert!(lines.iter().all(|l| *l == lines[0]), "{op:?}: {lines:?}");
        if matches!(op, Op::LeadGet | Op::GroupRemoveMember) {
            assert_eq!(lines.len(), 3, "{op:?}: {lines:?}");
        }
    }
}

/// A GET longer than Close's 2,000 characters through a handle, with a base path: sent as
/// `POST {base path}/activity/` with `x-http-method-override: GET`, the query as `_params`;
/// `.paginate()` (now `#[inline]`) pages the same way.
#[tokio::test]
async fn a_long_get_switches_to_post_on_the_base_path() {
    let seen = Arc::new(Mutex::new(Vec::<Request>::new()));
    let log = seen.clone();
    let server = LoopbackServer::start(move |r| {
        log.lock().unwrap().push(r.clone());
        let body: Value = serde_json::from_slice(&r.body).unwrap_or(Value::Null);
        let skip = body["_params"]["_skip"].as_str().unwrap_or("0").to_string();
        let item =
            |n: &str| json!({"id": format!("acti_{n}"), "_type": "Note", "lead_id": "lead_1"});
        match skip.as_str() {
            "0" => Reply::json(200, &json!({"data": [item("0")], "has_more": true})),
            "1" => Reply::json(200, &json!({"data": [item("1")], "has_more": false})),
            _ => Reply::json(200, &json!({"data": [], "has_more": false})),
        }
    })
    .await;
    let c = client(&format!("{}/api/v1/", server.base_url()));
    let ids: Vec<String> = (0..60).map(|i| format!("acti_{i:040}")).collect();
    let _ = bounded(c.activities().list().id_in(ids.clone()).send()).await;
    let mut pages = c.activities().list().id_in(ids.clone()).limit(1).paginate();
    let mut items = 0;
    while let Some(item) = bounded(pages.next()).await {
        item.expect("a page");
        items += 1;
        assert!(items < 10);
    }
    let requests = std::mem::take(&mut *seen.lock().unwrap());
    assert!(requests.len() >= 3, "{}", requests.len());
    for r in &requests {
        assert_eq!(
            (r.method.as_str(), r.path.as_str()),
            ("POST", "/api/v1/activity/"),
        );
        assert_eq!(r.header("x-http-method-override"), Some("GET"));
        let body: Value = serde_json::from_slice(&r.body).unwrap();
        assert_eq!(body["_params"]["id__in"], json!(ids.join(",")));
    }
    assert_eq!(items, 2);
}

/// Requests to a server that never answers, dropped mid-flight (many at once, through
/// `into_future()` and `send()`, with a base path): nothing is left behind. A follow-up answers
/// within 1 s once the server answers, and no dropped call sends again.
#[tokio::test]
async fn dropped_calls_leave_no_permit_behind() {
    let stalling = Arc::new(AtomicBool::new(true));
    let flag = stalling.clone();
    let server = LoopbackServer::start(move |_| {
        if flag.load(Ordering::SeqCst) {
            Reply::Stall(Duration::from_secs(5))
        } else {
            Reply::json(200, &json!({"id": "lead_1"}))
        }
    })
    .await;
    let c = builder(&format!("{}/api/v1/", server.base_url()))
        .timeout(Duration::from_millis(300))
        .retry_policy(RetryPolicy::default().base_delay(Duration::from_millis(10)))
        .build()
        .unwrap();
    let mut dropped = Vec::new();
    for i in 0..24 {
        let c = c.clone();
        dropped.push(tokio::spawn(async move {
            if i % 2 == 0 {
                c.leads().get("lead_1").into_future().await.map(drop)
            } else {
                c.leads().get("lead_1").send().await.map(drop)
            }
        }));
    }
    let started = Instant::now();
    while server.requests() == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "nothing arrived"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    for task in &dropped {
        task.abort();
    }
    for task in dropped {
        let _ = bounded(task).await;
    }
    // Also dropped before their first poll and after one poll.
    for _ in 0..8 {
        drop(c.leads().get("lead_1").into_future());
        let _ = tokio::time::timeout(Duration::ZERO, c.leads().get("lead_1").into_future()).await;
    }
    tokio::time::sleep(Duration::from_millis(700)).await;
    let before = server.requests();
    stalling.store(false, Ordering::SeqCst);
    let started = Instant::now();
    let follow_up = tokio::time::timeout(
        Duration::from_secs(1),
        c.leads().get("lead_1").into_future(),
    )
    .await
    .expect("the follow-up answered within 1 s");
    assert!(
        follow_up.is_ok() || matches!(follow_up, Err(Error::Decode { .. })),
        "{follow_up:?}"
    );
    eprintln!("follow-up in {:?}", started.elapsed());
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(
        server.requests(),
        before + 1,
        "{:?}",
        server.request_lines()
    );
    assert!(server
        .request_lines()
        .iter()
        .all(|l| l == "GET /api/v1/lead/lead_1/"));
}

// ---------------------------------------------------------------------------------------------
// 3. Secrets on these paths.
// ---------------------------------------------------------------------------------------------

/// A tracing sink.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut v) = self.0.lock() {
            v.extend_from_slice(buf);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The key and a bearer token never show in the errors of refused hostile values, of a 1 MB
/// id, of a closed port behind a base path, of a 401 that echoes the credentials, nor in the
/// clients' `Debug` (which now holds the parsed base URL), nor in a TRACE log of all that.
#[tokio::test]
async fn credentials_never_show_in_errors_debug_or_logs_of_these_paths() {
    let sink = Captured::default();
    let writer = sink.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::FULL)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    tracing::callsite::rebuild_interest_cache();

    let echo = LoopbackServer::start(|r| {
        let auth = r.header("authorization").unwrap_or("").to_string();
        Reply::json(401, &json!({"error": format!("bad credentials {auth}")}))
            .with_header("www-authenticate", &auth)
    })
    .await;
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let clients = [
        client(&format!("{}/api/v1/", echo.base_url())),
        Client::builder()
            .bearer_token(TOKEN)
            .base_url(format!("{}/api/v1/", echo.base_url()))
            .retry_policy(RetryPolicy::none())
            .build()
            .unwrap(),
        client(&format!("http://127.0.0.1:{closed}/api/v1/")),
    ];
    let mut texts = Vec::new();
    for c in &clients {
        texts.push(format!("{c:?}"));
        texts.push(format!("{:?}", c.leads().get("lead_1")));
        texts.push(format!("{:?}", c.groups().remove_member("g", "u")));
        for id in [
            "..".to_string(),
            "a/b".to_string(),
            "a".repeat(1 << 20),
            "lead_1".to_string(),
        ] {
            match bounded(c.leads().get(id).into_future()).await {
                Err(e) => texts.push(shown(&e)),
                Ok(v) => texts.push(format!("{v:?}")),
            }
        }
        match bounded(c.groups().remove_member("group_1", "user_1").into_future()).await {
            Err(e) => texts.push(shown(&e)),
            Ok(v) => texts.push(format!("{v:?}")),
        }
    }
    for text in &texts {
        if let Some(piece) = leak(text) {
            panic!(
                "`{piece}` shows in: {}",
                text.chars().take(600).collect::<String>()
            );
        }
    }
    let log = String::from_utf8_lossy(&sink.0.lock().unwrap()).into_owned();
    assert!(
        log.contains("close.request"),
        "the subscriber saw the calls"
    );
    let basic = base64(format!("{KEY}:").as_bytes());
    for secret in [&KEY[4..], &TOKEN[4..], &basic[..24]] {
        assert!(!log.contains(secret), "the log shows `{secret}`");
    }
}
