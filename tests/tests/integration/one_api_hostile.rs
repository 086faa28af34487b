//! The one API against hostile servers and inputs: the one door (`runtime`, `transport::hooks`), the
//! generated handles, `.paginate()` on every list, typed filters, by-name lookups and bodies
//! whose catch-all repeats a typed key. Every test talks real HTTP to loopback; every loop is
//! bounded in count and time. Tests marked `#[ignore = "defect: …"]` show a defect; the others
//! are what held, kept as regression tests.

use std::future::IntoFuture;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use close_sdk::prelude::*;
use close_sdk::RetryPolicy;
use close_sdk_tests::loopback_server::{LoopbackServer, Reply, Request};
use close_sdk_tests::shown;
use serde_json::{json, Value};

/// A key long enough for the redaction's search (short values are not searched).
const LONG_KEY: &str = "api_9f3c1e7a2b6d4f8e0a1c3e5b7d9f2a4c6e8b0d1f";
/// The key from Close's webhook examples.
const SIG_KEY: &str = "058bfb6a3d8cfdc4da7c3be5901b16ae11da982b46a25fb2cd7016e97a140a1c";
/// A bearer token long enough to be searched.
const LONG_TOKEN: &str = "oauth_access_7d1e9b3f5a2c4e6d8f0b1a3c5e7d9f2b4a6c8e0d";

const LIMIT: Duration = Duration::from_secs(10);

fn client(base: &str) -> Client {
    Client::builder()
        .api_key(LONG_KEY)
        .base_url(base)
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client")
        .with_retry_policy(RetryPolicy::none())
}

fn bearer(base: &str) -> Client {
    Client::builder()
        .bearer_token(LONG_TOKEN)
        .base_url(base)
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client")
        .with_retry_policy(RetryPolicy::none())
}

async fn bounded<F: std::future::Future>(f: F) -> F::Output {
    tokio::time::timeout(LIMIT, f)
        .await
        .expect("bounded in time")
}

/// A server that records every request and answers with `reply`.
async fn recording(
    reply: impl Fn(&Request) -> Reply + Send + Sync + 'static,
) -> (LoopbackServer, Arc<Mutex<Vec<String>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let server = LoopbackServer::start(move |r| {
        log.lock().unwrap().push(r.path.clone());
        reply(r)
    })
    .await;
    (server, seen)
}

fn query_value(path: &str, key: &str) -> Option<String> {
    let q = path.split_once('?')?.1;
    q.split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v.to_string())
}

// ---------------------------------------------------------------------------------------------
// Handles: hostile ids never change the endpoint reached.
// ---------------------------------------------------------------------------------------------

/// Ids that must be refused before anything is sent.
const REFUSED_IDS: [&str; 12] = [
    "../x",
    "a/b",
    "x?y",
    "",
    " ",
    "..",
    ".",
    "a#b",
    "a\\b",
    "lead_1/../../user",
    "\t",
    "a;b",
];

#[tokio::test]
async fn handle_ids_that_would_move_the_request_are_refused_and_nothing_is_sent() {
    let (server, seen) = recording(|_| Reply::json(200, &json!({"id": "lead_1"}))).await;
    let c = client(&server.base_url());
    for id in REFUSED_IDS {
        let e = bounded(c.leads().get(id).into_future())
            .await
            .expect_err(id);
        assert!(matches!(e, Error::InvalidRequest(_)), "{id:?}: {e:?}");
        let e = bounded(c.leads().delete(id).into_future())
            .await
            .expect_err(id);
        assert!(matches!(e, Error::InvalidRequest(_)), "{id:?}: {e:?}");
        let e = bounded(c.contacts().get(id).into_future())
            .await
            .expect_err(id);
        assert!(matches!(e, Error::InvalidRequest(_)), "{id:?}: {e:?}");
    }
    assert_eq!(server.requests(), 0, "sent: {:?}", seen.lock().unwrap());
}

/// Ids that may be sent (percent-encoded), but only inside their own segment.
#[tokio::test]
async fn encoded_handle_ids_stay_in_their_segment() {
    let (server, seen) = recording(|_| Reply::json(200, &json!({"id": "lead_1"}))).await;
    let c = client(&server.base_url());
    for id in ["%2e%2e", "%2F", "lé_ad", "lead\u{202e}1", "😀", "%00"] {
        seen.lock().unwrap().clear();
        match bounded(c.leads().get(id).into_future()).await {
            Err(Error::InvalidRequest(_)) => {
                assert!(seen.lock().unwrap().is_empty(), "{id:?} refused yet sent");
            }
            other => {
                assert!(other.is_ok(), "{id:?}: {other:?}");
                let paths = seen.lock().unwrap().clone();
                assert_eq!(paths.len(), 1, "{id:?}: {paths:?}");
                let path = paths[0].split('?').next().unwrap().to_string();
                let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
                assert_eq!(segs.len(), 2, "{id:?} moved the request: {path}");
                assert_eq!(segs[0], "lead", "{id:?}: {path}");
                assert!(
                    !segs[1].eq_ignore_ascii_case("%2e%2e") && segs[1] != "..",
                    "{id:?} became a dot segment: {path}"
                );
            }
        }
    }
}

#[tokio::test]
async fn dropping_a_handle_future_mid_flight_sends_nothing_more_and_returns_permits() {
    let server = LoopbackServer::start(|r| {
        if r.path.contains("slow") {
            Reply::Delayed(
                Duration::from_secs(3),
                Box::new(Reply::json(200, &json!({}))),
            )
        } else {
            Reply::json(200, &json!({"id": "lead_fast"}))
        }
    })
    .await;
    let c = client(&server.base_url()).with_retry_policy(RetryPolicy::default());
    for i in 0..30 {
        let id = format!("lead_slow{i}");
        let r =
            tokio::time::timeout(Duration::from_millis(30), c.leads().get(id).into_future()).await;
        assert!(r.is_err(), "the slow call finished?");
    }
    let sent = server.requests();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(server.requests(), sent, "a dropped call sent more");
    // The throttle's permits came back: a fresh call goes through at once.
    let lead = tokio::time::timeout(
        Duration::from_secs(2),
        c.leads().get("lead_fast").into_future(),
    )
    .await
    .expect("permits were returned")
    .expect("ok");
    assert_eq!(lead.id.as_deref(), Some("lead_fast"));
}

#[tokio::test]
async fn debug_of_handles_and_requests_shows_no_credential() {
    let c = client("http://127.0.0.1:9");
    let t = bearer("http://127.0.0.1:9");
    let texts = [
        format!("{:?}", c.leads()),
        format!("{:?}", c.leads().get("lead_1")),
        format!("{:?}", c.leads().list().limit(5)),
        format!("{:?}", c.leads().list().paginate()),
        format!("{:?}", t.webhooks().get("whsub_1")),
        format!("{:?}", t.users().list()),
        format!("{c:?}"),
        format!("{t:?}"),
    ];
    for text in texts {
        assert!(!text.contains(LONG_KEY), "{text}");
        assert!(!text.contains(LONG_TOKEN), "{text}");
    }
}

// ---------------------------------------------------------------------------------------------
// The one door: errors built once, redacted, attempts counted.
// ---------------------------------------------------------------------------------------------

fn echo_everything() -> Value {
    json!({
        "error": format!("bad key {LONG_KEY} token {LONG_TOKEN}"),
        "signature_key": SIG_KEY,
        "note": format!("Authorization: Bearer {LONG_TOKEN}"),
        "access_token": LONG_TOKEN,
    })
}

/// Each client with the secret it knows as its own.
fn clients(base: &str) -> [(Client, &'static str); 2] {
    [(client(base), LONG_KEY), (bearer(base), LONG_TOKEN)]
}

/// Neither the client's own credential nor a webhook key shows.
fn assert_clean(what: &str, own: &str, text: &str) {
    for secret in [own, SIG_KEY] {
        assert!(!text.contains(secret), "{what} shows a secret: {text}");
    }
}

#[tokio::test]
async fn secrets_echoed_in_an_undocumented_2xx_are_redacted() {
    for status in [201u16, 202, 203, 206, 299] {
        let server = LoopbackServer::start(move |_| Reply::json(status, &echo_everything())).await;
        for (c, own) in clients(&server.base_url()) {
            let e = bounded(c.leads().get("lead_1").into_future())
                .await
                .expect_err("undocumented status");
            assert_eq!(e.status().map(|s| s.as_u16()), Some(status), "{e:?}");
            assert_clean(&format!("{status}"), own, &shown(&e));
            let e = bounded(c.webhooks().get("whsub_1").into_future())
                .await
                .expect_err("undocumented status");
            assert_clean(&format!("webhook {status}"), own, &shown(&e));
        }
    }
}

#[tokio::test]
async fn secrets_echoed_in_a_4xx_are_redacted() {
    for status in [400u16, 401, 403, 404, 422] {
        let server = LoopbackServer::start(move |_| Reply::json(status, &echo_everything())).await;
        for (c, own) in clients(&server.base_url()) {
            let e = bounded(c.leads().get("lead_1").into_future())
                .await
                .expect_err("4xx");
            assert_eq!(e.status().map(|s| s.as_u16()), Some(status), "{e:?}");
            assert_clean(&format!("{status}"), own, &shown(&e));
            let e = bounded(c.leads().list().paginate().collect_all())
                .await
                .expect_err("4xx");
            assert_clean(&format!("paginate {status}"), own, &shown(&e));
        }
    }
}

#[tokio::test]
async fn secrets_in_a_2xx_that_does_not_decode_are_redacted() {
    let bodies = [
        json!({"id": 5, "name": LONG_KEY, "signature_key": SIG_KEY}),
        json!({"id": ["x"], "display_name": format!("{LONG_TOKEN}")}),
        json!({"data": [{"id": 7, "note": LONG_KEY}], "has_more": false}),
        json!({"id": "whsub_1", "signature_key": SIG_KEY, "url": 12}),
        json!({"id": "whsub_1", "url": 12, "Signature-Key": SIG_KEY, "nested": {"signaturekey": SIG_KEY}}),
    ];
    for body in bodies {
        let b = body.clone();
        let server = LoopbackServer::start(move |_| Reply::json(200, &b)).await;
        for (c, own) in clients(&server.base_url()) {
            let mut errors = Vec::new();
            errors.push(bounded(c.leads().get("lead_1").into_future()).await.err());
            errors.push(
                bounded(c.webhooks().get("whsub_1").into_future())
                    .await
                    .err(),
            );
            errors.push(
                bounded(c.leads().list().paginate().collect_all())
                    .await
                    .err(),
            );
            for e in errors.into_iter().flatten() {
                assert_clean(&format!("{body}"), own, &shown(&e));
            }
        }
    }
}

#[tokio::test]
async fn attempts_are_counted_once_in_the_error() {
    let server = LoopbackServer::start(|_| Reply::json(503, &json!({"error": "busy"}))).await;
    let c = client(&server.base_url()).with_retry_policy(
        RetryPolicy::default()
            .max_attempts(3)
            .base_delay(Duration::from_millis(1))
            .max_delay(Duration::from_millis(5)),
    );
    let e = bounded(c.leads().get("lead_1").into_future())
        .await
        .expect_err("503");
    let api = e.api_error().expect("api error");
    assert_eq!(api.attempts, 3, "{e:?}");
    assert_eq!(server.requests(), 3);
    let e = bounded(c.leads().list().paginate().collect_all())
        .await
        .expect_err("503");
    assert_eq!(e.api_error().expect("api").attempts, 3, "{e:?}");
}

#[tokio::test]
async fn a_wait_too_long_is_refused_once_and_redacted() {
    let server = LoopbackServer::start(|_| {
        Reply::json(429, &echo_everything()).with_header("retry-after", "3600")
    })
    .await;
    let c = client(&server.base_url()).with_retry_policy(
        RetryPolicy::default()
            .max_attempts(5)
            .max_server_wait(Duration::from_secs(2)),
    );
    let e = bounded(c.leads().get("lead_1").into_future())
        .await
        .expect_err("429");
    assert!(matches!(e, Error::ServerWaitTooLong { .. }), "{e:?}");
    assert_eq!(e.api_error().unwrap().attempts, 1);
    assert_eq!(server.requests(), 1);
    assert_clean("429", LONG_KEY, &shown(&e));
}

#[tokio::test]
async fn a_success_body_longer_than_read_is_refused_and_not_retried() {
    let server = LoopbackServer::start(|_| Reply::Truncated {
        declared: 40 * 1024 * 1024,
        body: b"{\"id\":".to_vec(),
    })
    .await;
    let c = client(&server.base_url()).with_retry_policy(
        RetryPolicy::default()
            .max_attempts(3)
            .base_delay(Duration::from_millis(1)),
    );
    let e = bounded(c.leads().get("lead_1").into_future())
        .await
        .expect_err("too long");
    assert!(matches!(e, Error::InvalidResponse(_)), "{e:?}");
    assert_eq!(server.requests(), 1, "a refused answer was retried");
}

#[tokio::test]
async fn a_redirect_is_not_followed() {
    let (server, seen) = recording(|r| {
        if r.path.starts_with("/lead/") {
            Reply::Respond {
                status: 302,
                headers: vec![("location".into(), "/user/me/".into())],
                body: Vec::new(),
            }
        } else {
            Reply::json(200, &json!({"id": "lead_1"}))
        }
    })
    .await;
    let c = client(&server.base_url());
    let e = bounded(c.leads().get("lead_1").into_future())
        .await
        .expect_err("302");
    assert!(
        e.status().is_some_and(|s| s.as_u16() == 302) || matches!(e, Error::InvalidResponse(_)),
        "{e:?}"
    );
    assert_eq!(seen.lock().unwrap().len(), 1, "{:?}", seen.lock().unwrap());
}

// ---------------------------------------------------------------------------------------------
// `.paginate()` against hostile servers.
// ---------------------------------------------------------------------------------------------

fn role(id: &str, name: &str) -> Value {
    json!({"id": id, "name": name})
}

#[tokio::test]
async fn paginate_stops_on_a_repeated_page() {
    let server = LoopbackServer::start(|_| {
        Reply::json(
            200,
            &json!({"data": [role("role_a", "A"), role("role_b", "B")], "has_more": true}),
        )
    })
    .await;
    let c = client(&server.base_url());
    let mut s = c.roles().list().limit(2).paginate();
    let mut items = 0;
    let mut error = None;
    for _ in 0..50 {
        match bounded(s.next()).await {
            Some(Ok(_)) => items += 1,
            Some(Err(e)) => {
                error = Some(e);
                break;
            }
            None => break,
        }
    }
    assert_eq!(items, 2);
    assert!(matches!(error, Some(Error::Decode { .. })), "{error:?}");
    assert_eq!(server.requests(), 2);
}

#[tokio::test]
async fn paginate_ends_on_an_empty_page_that_claims_more() {
    let server =
        LoopbackServer::start(|_| Reply::json(200, &json!({"data": [], "has_more": true}))).await;
    let c = client(&server.base_url());
    let all = bounded(c.roles().list().paginate().collect_all())
        .await
        .unwrap();
    assert!(all.is_empty());
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn paginate_refuses_a_null_or_missing_data() {
    for body in [
        json!({"data": null, "has_more": false}),
        json!({"has_more": false}),
        json!({"data": [role("role_a", "A")]}),
    ] {
        let b = body.clone();
        let server = LoopbackServer::start(move |_| Reply::json(200, &b)).await;
        let c = client(&server.base_url());
        let r = bounded(c.roles().list().paginate().collect_all()).await;
        assert!(r.is_err(), "{body}: {r:?}");
        assert_eq!(server.requests(), 1);
    }
}

#[tokio::test]
async fn paginate_refuses_bad_limits_and_skips_without_sending() {
    let server =
        LoopbackServer::start(|_| Reply::json(200, &json!({"data": [], "has_more": false}))).await;
    let c = client(&server.base_url());
    for limit in [0i64, -1, i64::MIN, i64::MAX, i64::from(u32::MAX) + 1] {
        let e = bounded(c.roles().list().limit(limit).paginate().collect_all())
            .await
            .expect_err("limit");
        assert!(matches!(e, Error::InvalidRequest(_)), "{limit}: {e:?}");
    }
    for skip in [-1i64, i64::MIN] {
        let e = bounded(c.roles().list().skip(skip).paginate().collect_all())
            .await
            .expect_err("skip");
        assert!(matches!(e, Error::InvalidRequest(_)), "{skip}: {e:?}");
    }
    assert_eq!(server.requests(), 0);
}

#[tokio::test]
async fn paginate_near_the_largest_skip_never_sends_a_negative_or_wrapped_skip() {
    let (server, seen) = recording(|r| {
        let skip = query_value(&r.path, "_skip").unwrap_or_default();
        Reply::json(
            200,
            &json!({"data": [role(&format!("role_{skip}_a"), "A"), role(&format!("role_{skip}_b"), "B")], "has_more": true}),
        )
    })
    .await;
    let c = client(&server.base_url());
    let mut s = c.roles().list().skip(i64::MAX - 3).limit(2).paginate();
    let mut error = None;
    for _ in 0..20 {
        match bounded(s.next()).await {
            Some(Ok(_)) => {}
            Some(Err(e)) => {
                error = Some(e);
                break;
            }
            None => break,
        }
    }
    assert!(error.is_some(), "the stream went past i64::MAX");
    for path in seen.lock().unwrap().iter() {
        let skip: i64 = query_value(path, "_skip")
            .unwrap()
            .parse()
            .expect("a skip that parses");
        assert!(skip >= 0, "{path}");
    }
    assert!(server.requests() <= 3);
}

#[tokio::test]
async fn a_one_answer_list_that_says_has_more_ends_with_an_error_after_one_request() {
    let server = LoopbackServer::start(|_| {
        Reply::json(
            200,
            &json!({"data": [{"id": "stat_1", "label": "Active"}], "has_more": true}),
        )
    })
    .await;
    let c = client(&server.base_url());
    let mut s = c.opportunity_statuses().list().paginate();
    let first = bounded(s.next()).await;
    assert!(matches!(first, Some(Ok(_))), "{first:?}");
    let second = bounded(s.next()).await;
    assert!(matches!(second, Some(Err(_))), "{second:?}");
    assert!(bounded(s.next()).await.is_none());
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn dropping_a_paginated_stream_mid_page_sends_nothing_more() {
    let server = LoopbackServer::start(|r| {
        let skip: u64 = query_value(&r.path, "_skip")
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let page = json!({"data": [role(&format!("role_{skip}"), "A")], "has_more": true});
        if skip >= 1 {
            Reply::Delayed(Duration::from_secs(3), Box::new(Reply::json(200, &page)))
        } else {
            Reply::json(200, &page)
        }
    })
    .await;
    let c = client(&server.base_url());
    let mut s = c.roles().list().limit(1).paginate();
    assert!(bounded(s.next()).await.is_some());
    assert!(tokio::time::timeout(Duration::from_millis(100), s.next())
        .await
        .is_err());
    drop(s);
    let sent = server.requests();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(server.requests(), sent);
    assert_eq!(sent, 2);
}

// ---------------------------------------------------------------------------------------------
// Typed filters.
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn id_lists_with_separators_or_nothing_are_refused_without_sending() {
    let server =
        LoopbackServer::start(|_| Reply::json(200, &json!({"data": [], "has_more": false}))).await;
    let c = client(&server.base_url());
    let bad: [&[&str]; 6] = [
        &["lead_a,lead_b"],
        &[],
        &[""],
        &["a,"],
        &["lead a"],
        &["a", "b/c"],
    ];
    for ids in bad {
        let r = bounded(c.opportunities().list().user_id_in(ids).into_future()).await;
        assert!(matches!(r, Err(Error::InvalidRequest(_))), "{ids:?}: {r:?}");
    }
    assert_eq!(server.requests(), 0);
}

// ---------------------------------------------------------------------------------------------
// By-name lookups.
// ---------------------------------------------------------------------------------------------

/// Offset pages overlap when an item is added while the list is read: the last item of a page
/// comes again first on the next. It is one item (one id), not two namesakes.
#[tokio::test]
async fn by_name_does_not_call_one_item_seen_twice_ambiguous() {
    let server = LoopbackServer::start(|r| {
        let skip: u64 = query_value(&r.path, "_skip").and_then(|s| s.parse().ok()).unwrap_or(0);
        let page = match skip {
            0 => json!({"data": [role("role_x", "Other"), role("role_rep", "Sales Rep")], "has_more": true}),
            _ => json!({"data": [role("role_rep", "Sales Rep"), role("role_y", "Admin")], "has_more": false}),
        };
        Reply::json(200, &page)
    })
    .await;
    let c = client(&server.base_url());
    let found = bounded(c.roles().by_name("Sales Rep")).await;
    match found {
        Ok(Some(r)) => assert_eq!(r.id.as_deref(), Some("role_rep")),
        other => panic!("one role, seen on two pages: {other:?}"),
    }
}

#[tokio::test]
async fn by_name_trims_refuses_blank_and_reports_real_twins() {
    let server = LoopbackServer::start(|_| {
        Reply::json(
            200,
            &json!({"data": [role("role_1", " Sales Rep "), role("role_2", "Sales Rep"), role("role_3", "sales rep"), role("role_4", "Ünïcode")], "has_more": false}),
        )
    })
    .await;
    let c = client(&server.base_url());
    for blank in ["", "   ", "\n\t"] {
        assert!(matches!(
            bounded(c.roles().by_name(blank)).await,
            Err(Error::InvalidRequest(_))
        ));
    }
    assert_eq!(server.requests(), 0);
    match bounded(c.roles().by_name("\tSales Rep\n")).await {
        Err(Error::Ambiguous { count: 2, ids, .. }) => assert_eq!(ids, ["role_1", "role_2"]),
        other => panic!("{other:?}"),
    }
    let one = bounded(c.roles().by_name("Ünïcode"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(one.id.as_deref(), Some("role_4"));
    assert!(bounded(c.roles().by_name(&"x".repeat(100_000)))
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn by_email_ignores_case_and_refuses_non_addresses() {
    let server = LoopbackServer::start(|_| {
        Reply::json(
            200,
            &json!({"data": [{"id": "user_1", "email": " Gob@Bluth.Example "}, {"id": "user_2", "email": "lucille@bluth.example"}], "has_more": false}),
        )
    })
    .await;
    let c = client(&server.base_url());
    let u = bounded(c.users().by_email("GOB@bluth.example"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(u.id.as_deref(), Some("user_1"));
    assert!(matches!(
        bounded(c.users().by_email("gob")).await,
        Err(Error::InvalidRequest(_))
    ));
    assert!(bounded(c.users().by_email("buster@bluth.example"))
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn by_name_over_a_one_answer_list_that_says_more_is_an_error() {
    let server = LoopbackServer::start(|_| {
        Reply::json(
            200,
            &json!({"data": [{"id": "stat_1", "label": "Active"}], "has_more": true}),
        )
    })
    .await;
    let c = client(&server.base_url());
    let r = bounded(c.opportunity_statuses().by_name("Active")).await;
    assert!(r.is_err(), "{r:?}");
    assert_eq!(server.requests(), 1);
}

// ---------------------------------------------------------------------------------------------
// Hostile callers: a catch-all key that repeats a typed one.
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_body_whose_extra_repeats_a_typed_key_is_refused_and_nothing_sent() {
    let server = LoopbackServer::start(|_| Reply::json(200, &json!({"id": "lead_1"}))).await;
    let c = client(&server.base_url());

    let mut lead: close_sdk::types::CreateLead =
        serde_json::from_value(json!({"name": "Bluth Company"})).unwrap();
    lead.extra
        .insert("name".into(), json!("Sitwell Enterprises"));
    let e = bounded(c.leads().create(lead).into_future())
        .await
        .expect_err("clash");
    assert!(matches!(e, Error::InvalidRequest(_)), "{e:?}");

    // The typed field unset, the catch-all naming it with a value.
    let mut lead: close_sdk::types::CreateLead = serde_json::from_value(json!({})).unwrap();
    lead.extra.insert("status_id".into(), json!("stat_1"));
    let e = bounded(c.leads().create(lead).into_future())
        .await
        .expect_err("clash");
    assert!(matches!(e, Error::InvalidRequest(_)), "{e:?}");

    // In a nested contact.
    let mut lead: close_sdk::types::CreateLead =
        serde_json::from_value(json!({"name": "Bluth", "contacts": [{"name": "Gob"}]})).unwrap();
    lead.contacts[0]
        .extra
        .insert("name".into(), json!("Buster"));
    let e = bounded(c.leads().create(lead).into_future())
        .await
        .expect_err("nested clash");
    assert!(matches!(e, Error::InvalidRequest(_)), "{e:?}");

    // A renamed field (`type_` on the wire is `type`).
    let mut field: close_sdk::types::CreateCustomField =
        serde_json::from_value(json!({"name": "Industry", "type": "text"})).unwrap();
    field.extra.insert("type".into(), json!("number"));
    let e = bounded(c.custom_fields().lead().create(field).into_future())
        .await
        .expect_err("renamed clash");
    assert!(matches!(e, Error::InvalidRequest(_)), "{e:?}");

    assert_eq!(server.requests(), 0);
}

/// A response's catch-all holding a member the crate calls secret (`SECRET_MEMBERS`): `Debug`
/// of the typed answer is what a `tracing::debug!("{lead:?}")` writes to a log.
#[tokio::test]
async fn debug_of_a_response_hides_secret_members_in_its_catch_all() {
    let server = LoopbackServer::start(|_| {
        Reply::json(
            200,
            &json!({"id": "lead_1", "signature_key": SIG_KEY, "integration": {"access_token": LONG_TOKEN}}),
        )
    })
    .await;
    let c = client(&server.base_url());
    let lead = bounded(c.leads().get("lead_1").into_future())
        .await
        .expect("lead");
    let text = format!("{lead:?}");
    assert!(!text.contains(SIG_KEY), "{text}");
    assert!(!text.contains(LONG_TOKEN), "{text}");
}

#[tokio::test]
async fn a_wait_too_long_mid_pagination_ends_the_stream_once() {
    let server = LoopbackServer::scripted(
        vec![Reply::json(
            200,
            &json!({"data": [role("role_a", "A")], "has_more": true}),
        )],
        Reply::json(429, &json!({"error": "slow down"})).with_header("retry-after", "3600"),
    )
    .await;
    let c = client(&server.base_url()).with_retry_policy(
        RetryPolicy::default()
            .max_attempts(5)
            .max_server_wait(Duration::from_secs(1)),
    );
    let mut s = c.roles().list().limit(1).paginate();
    assert!(matches!(bounded(s.next()).await, Some(Ok(_))));
    let e = bounded(s.next()).await;
    assert!(
        matches!(e, Some(Err(Error::ServerWaitTooLong { .. }))),
        "{e:?}"
    );
    assert!(bounded(s.next()).await.is_none());
    assert_eq!(server.requests(), 2);
}
