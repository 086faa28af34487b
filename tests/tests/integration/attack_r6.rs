//! Attack on c4e303e: a generated `send()` is a plain `#[inline]` fn that runs what can refuse
//! the request (setter conversions, `runtime::url`, `runtime::check_body`) in a closure called at
//! once, and returns `close_sdk::ResponseFuture<'a, T>`: `Refused(Some(error))`, or a boxed
//! call future that is not generic plus a decode fn pointer. `RequestFuture` (what `.await` on a
//! builder runs) wraps it.
//!
//! Oracles: a refused request is `Error::InvalidRequest` naming the field on the first poll and
//! the loopback server reads nothing; a future dropped unpolled or mid-flight sends nothing
//! later and leaves the throttle as it was; a retry rebuilds the same request byte for byte; a
//! long GET goes as Close's documented POST through `send()` and `paginate()`; the futures are
//! `Send + 'static` where their client is owned, and compose with `spawn`, `join_all` and
//! `select!`; no secret shows in any error or in a future's Debug; an empty success is `()`.
//! Real HTTP to loopback servers; every loop bounded in count and time.
//!
//! The one test that documented a defect says `DEFECT (fixed …)` in its doc comment; the others
//! held and are kept as regression tests for the change.

use std::future::{Future, IntoFuture};
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use close_sdk::prelude::*;
use close_sdk::types as t;
use close_sdk::{RequestFuture, ResponseFuture, RetryPolicy};
use close_sdk_tests::loopback_server::{LoopbackServer, Reply, Request};
use close_sdk_tests::resources::response_example;
use close_sdk_tests::shown;
use serde_json::{json, Value};

/// The client's API key (long enough that a leak of any part of it is told).
const KEY: &str = "api_3c9e1a7f5b2d4c6e8a0f1b3d5c7e9a2b4d6f8e0c";
/// A bearer token for the secrets checks.
const TOKEN: &str = "tok_6a4c2e0b8d9f7b5a3c1e0d2f4b6a8c9e1d3f5b7a";

const LIMIT: Duration = Duration::from_secs(60);

async fn bounded<F: IntoFuture>(f: F) -> F::Output {
    tokio::time::timeout(LIMIT, f.into_future())
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

/// A client that retries quickly, with a short per-request timeout.
fn retrying(base: &str) -> Client {
    builder(base)
        .timeout(Duration::from_millis(300))
        .retry_policy(RetryPolicy::default().base_delay(Duration::from_millis(10)))
        .build()
        .expect("client")
}

fn body<T: serde::de::DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).expect("a valid body")
}

/// The documented lead (what `GET /lead/{id}/` answers).
fn lead_json() -> Value {
    static LEAD: OnceLock<Value> = OnceLock::new();
    LEAD.get_or_init(|| response_example("get", "/lead/{id}/"))
        .clone()
}

fn empty_page() -> Reply {
    Reply::json(200, &json!({"data": [], "has_more": false}))
}

/// A server answering every request with `answer(request)`, keeping each request it read.
async fn recording(
    answer: impl Fn(&Request) -> Reply + Send + Sync + 'static,
) -> (LoopbackServer, Arc<Mutex<Vec<Request>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let server = LoopbackServer::start(move |request| {
        log.lock().unwrap().push(request.clone());
        answer(request)
    })
    .await;
    (server, seen)
}

/// A server that answers every request with a lead at once.
async fn leads_server() -> LoopbackServer {
    let lead = lead_json();
    LoopbackServer::start(move |_| Reply::json(200, &lead)).await
}

/// A piece of `secret` in `text`, if any: the whole, and long slices of it.
fn leak<'s>(text: &str, secret: &'s str) -> Option<&'s str> {
    [secret, &secret[4..], &secret[..20]]
        .into_iter()
        .find(|piece| text.contains(piece))
}

/// Polls `future` once with a waker that does nothing, catching a panic.
fn poll_once<F: Future + Unpin>(future: &mut F) -> std::thread::Result<Poll<F::Output>> {
    std::panic::catch_unwind(AssertUnwindSafe(|| {
        Pin::new(&mut *future).poll(&mut Context::from_waker(Waker::noop()))
    }))
}

/// The headers as sent, without the connection's `host` (its port varies).
fn headers(request: &Request) -> Vec<(String, String)> {
    let mut h: Vec<(String, String)> = request
        .headers
        .iter()
        .filter(|(n, _)| n != "host")
        .cloned()
        .collect();
    h.sort();
    h
}

fn assert_invalid(what: &str, e: &Error, field: &str) {
    assert!(matches!(e, Error::InvalidRequest(_)), "{what}: {e:?}");
    assert!(e.to_string().contains(field), "{what}: {e}");
}

// ---------------------------------------------------------------------------------------------
// 1. Refusals: nothing sent, the field named, nothing early.
// ---------------------------------------------------------------------------------------------

/// Held: a setter's failed conversion, a body never set, and bodies `check_body` refuses (bad
/// email, phone, URL) resolve to `InvalidRequest` naming the field through `.await`,
/// `.send().await` and `IntoFuture`; `send()` itself returns (no panic, no early error) and the
/// server reads nothing.
#[tokio::test]
async fn refused_requests_name_the_field_and_send_nothing() {
    let server = leads_server().await;
    let c = client(&server.base_url());

    // A setter's conversion that fails: u64::MAX is no i64.
    let e = bounded(c.leads().list().limit(u64::MAX)).await.unwrap_err();
    assert_invalid("limit via await", &e, "limit");
    let e = bounded(c.leads().list().skip(u64::MAX).send())
        .await
        .unwrap_err();
    assert_invalid("skip via send", &e, "skip");

    // A body never set (only the hidden builder can leave it unset: the handle method takes it).
    let e = bounded(c.leads_create().send()).await.unwrap_err();
    assert_invalid("missing body", &e, "body");

    // Bodies the checks refuse.
    let bad_email: t::CreateLead = body(json!({
        "name": "Bluth Company",
        "contacts": [{"name": "Gob", "emails": [{"email": "not-an-email"}]}],
    }));
    let e = bounded(c.leads().create(bad_email.clone()).send())
        .await
        .unwrap_err();
    assert_invalid("bad email", &e, "contacts[0].emails[0]");
    let e = bounded(c.leads().create(bad_email)).await.unwrap_err();
    assert_invalid("bad email via await", &e, "contacts[0].emails[0]");

    let bad_phone: t::CreateContact = body(json!({
        "lead_id": "lead_1",
        "name": "Lucille",
        "phones": [{"phone": "+14155552671"}, {"phone": "call me"}],
    }));
    let e = bounded(c.contacts().create(bad_phone).send())
        .await
        .unwrap_err();
    assert_invalid("bad phone", &e, "phones[1]");

    let bad_url: t::CreateLead = body(json!({"name": "Bluth", "url": "javascript:alert(1)"}));
    let e = bounded(c.leads().create(bad_url)).await.unwrap_err();
    assert_invalid("bad url", &e, "url");

    // A list value the query refuses (when the call future builds the request).
    let e = bounded(c.activities().list().user_id(["user_1", "user,2"]).send())
        .await
        .unwrap_err();
    assert_invalid("comma in an id", &e, "user_id");

    // A path value the path check refuses (in the call future, before sending).
    let e = bounded(c.leads().get("a/../b")).await.unwrap_err();
    assert!(matches!(e, Error::InvalidRequest(_)), "{e:?}");

    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(server.requests(), 0, "{:?}", server.request_lines());
}

/// Held: `send()` and `into_future()` of a refused request return normally (the refusal is
/// the future's, not a panic or an early error); a refused future polled again after its error
/// stays pending (it is fused) and never panics.
#[tokio::test]
async fn a_refused_future_is_lazy_and_polls_again_without_panicking() {
    let server = leads_server().await;
    let c = client(&server.base_url());
    let refused = std::panic::catch_unwind(AssertUnwindSafe(|| c.leads_create().send()));
    let mut refused = refused.expect("send() of a refused request does not panic");
    let first = poll_once(&mut refused).expect("no panic");
    assert!(
        matches!(first, Poll::Ready(Err(Error::InvalidRequest(ref m))) if m.contains("body")),
        "{first:?}"
    );
    let again = poll_once(&mut refused).expect("polling again does not panic");
    assert!(matches!(again, Poll::Pending), "{again:?}");

    let mut refused: RequestFuture<'_, t::LeadList> =
        c.leads().list().limit(u64::MAX).into_future();
    let first = poll_once(&mut refused).expect("no panic");
    assert!(matches!(first, Poll::Ready(Err(Error::InvalidRequest(_)))));
    let again = poll_once(&mut refused).expect("polling again does not panic");
    assert!(matches!(again, Poll::Pending), "{again:?}");
    assert_eq!(server.requests(), 0);
}

/// Held: a future made and dropped without a poll sends nothing: `send()`, `into_future()` and
/// builders of every kind (GET, POST with a body, DELETE), 50 of each.
#[tokio::test]
async fn futures_dropped_unpolled_send_nothing() {
    let server = leads_server().await;
    let c = client(&server.base_url());
    for i in 0..50 {
        let id = format!("lead_{i}");
        drop(c.leads().get(id.as_str()).send());
        drop(c.leads().get(id.as_str()).into_future());
        drop(c.leads().delete(id.as_str()).send());
        let lead: t::CreateLead = body(json!({"name": format!("Lead {i}")}));
        drop(c.leads().create(lead).into_future());
        drop(c.activities().list().lead_id(vec![id]).send());
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(server.requests(), 0, "{:?}", server.request_lines());
    // And the client still sends at once.
    let started = Instant::now();
    bounded(c.leads().get("lead_1")).await.expect("sent");
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(server.requests(), 1);
}

/// DEFECT (fixed: a resolved future is fused, and a later poll stays pending): a
/// `ResponseFuture` (or `RequestFuture`) that completed after sending panicked when it
/// is polled again: its `Sending` state polls the boxed `async move` block again, which panics
/// with "`async fn` resumed after completion". The `Refused` state handles the same case (an
/// `InvalidRequest` saying the future was polled after it completed), so the type means to be
/// safe to poll again, and a hand-written combinator, `select!` in a loop without a `fuse`, or a
/// `poll_fn` wrapper that polls it again brings the caller down. Expected: no panic (an error,
/// or `Pending`), as for a refused request. Not a regression: the `async fn send()` before
/// c4e303e panicked the same way; what is new is that the type now handles it for one state.
#[tokio::test]
async fn a_completed_future_polled_again_does_not_panic() {
    let lead = lead_json();
    let server = LoopbackServer::start(move |r| {
        if r.path.contains("missing") {
            Reply::json(404, &json!({"error": "not found"}))
        } else {
            Reply::json(200, &lead)
        }
    })
    .await;
    let c = client(&server.base_url());
    let mut failures = Vec::new();

    let mut send: ResponseFuture<'_, t::Lead> = c.leads().get("lead_1").send();
    bounded(&mut send).await.expect("the first completion");
    if let Err(panic) = poll_once(&mut send) {
        failures.push(format!("ResponseFuture after Ok: {}", panic_text(&panic)));
    }

    let mut send: ResponseFuture<'_, t::Lead> = c.leads().get("lead_missing").send();
    bounded(&mut send).await.expect_err("404");
    if let Err(panic) = poll_once(&mut send) {
        failures.push(format!("ResponseFuture after Err: {}", panic_text(&panic)));
    }

    let mut value: RequestFuture<'_, t::Lead> = c.leads().get("lead_1").into_future();
    bounded(&mut value).await.expect("the first completion");
    if let Err(panic) = poll_once(&mut value) {
        failures.push(format!("RequestFuture after Ok: {}", panic_text(&panic)));
    }

    let mut empty: ResponseFuture<'_, ()> = c.leads().delete("lead_1").send();
    bounded(&mut empty).await.expect("the first completion");
    if let Err(panic) = poll_once(&mut empty) {
        failures.push(format!(
            "ResponseFuture<()> after Ok: {}",
            panic_text(&panic)
        ));
    }

    assert!(failures.is_empty(), "{failures:#?}");
    assert_eq!(server.requests(), 4, "polling again sent nothing more");
}

fn panic_text(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".into())
}

// ---------------------------------------------------------------------------------------------
// 2. Cancellation.
// ---------------------------------------------------------------------------------------------

/// Held: 50 `ResponseFuture`s and `RequestFuture`s in flight at once against a server that
/// never answers, dropped by `timeout` at 0, 1, 5, 50 and 150 ms, five rounds: afterwards the
/// dropped calls send nothing more (the client's 300 ms timeout and retries would have), and a
/// follow-up to the same endpoint group answers promptly (no permit was left in the throttle).
#[tokio::test]
async fn futures_dropped_mid_flight_leave_nothing_behind() {
    let stalling = Arc::new(AtomicBool::new(true));
    let flag = stalling.clone();
    let lead = lead_json();
    let server = LoopbackServer::start(move |_| {
        if flag.load(Ordering::SeqCst) {
            Reply::Stall(Duration::from_secs(5))
        } else {
            Reply::json(200, &lead)
        }
    })
    .await;
    let c = retrying(&server.base_url());
    for drop_after in [0u64, 1, 5, 50, 150] {
        stalling.store(true, Ordering::SeqCst);
        let before = server.requests();
        let calls = (0..50).map(|i| {
            let c = &c;
            async move {
                let after = Duration::from_millis(drop_after);
                let id = format!("lead_{i}");
                if i % 2 == 0 {
                    tokio::time::timeout(after, c.leads().get(id).send())
                        .await
                        .map(|r| r.map(|_| ()))
                } else {
                    tokio::time::timeout(after, c.leads().get(id).into_future())
                        .await
                        .map(|r| r.map(|_| ()))
                }
            }
        });
        let outcomes = bounded(futures_util::future::join_all(calls)).await;
        assert!(
            outcomes.iter().all(|o| o.is_err()),
            "{drop_after} ms: every call was dropped by its timeout"
        );
        // Left alone, a call would have timed out (300 ms) and sent again by now.
        tokio::time::sleep(Duration::from_millis(700)).await;
        let after_drop = server.requests();
        tokio::time::sleep(Duration::from_millis(400)).await;
        assert_eq!(
            server.requests(),
            after_drop,
            "{drop_after} ms: a dropped call sent again later"
        );
        assert!(
            after_drop - before <= 50,
            "{drop_after} ms: {} requests for 50 calls",
            after_drop - before
        );
        stalling.store(false, Ordering::SeqCst);
        let started = Instant::now();
        let follow = tokio::time::timeout(Duration::from_secs(1), c.leads().get("lead_1")).await;
        let follow = follow.unwrap_or_else(|_| panic!("{drop_after} ms: the follow-up hung"));
        follow.unwrap_or_else(|e| panic!("{drop_after} ms: {e}"));
        assert!(
            started.elapsed() < Duration::from_millis(500),
            "{drop_after} ms: follow-up after {:?}",
            started.elapsed()
        );
        // 20 at once after the drop also go promptly.
        let started = Instant::now();
        let many = (0..20).map(|i| c.leads().get(format!("lead_{i}")).into_future());
        let many =
            tokio::time::timeout(Duration::from_secs(2), futures_util::future::join_all(many))
                .await
                .unwrap_or_else(|_| panic!("{drop_after} ms: 20 follow-ups hung"));
        assert!(many.iter().all(|r| r.is_ok()), "{drop_after} ms");
        assert!(started.elapsed() < Duration::from_secs(1));
    }
}

/// Held: a call dropped while a slow server is answering (the answer comes 200 ms in, the drop
/// at 50 ms) is not sent again, and the next call goes at once.
#[tokio::test]
async fn a_call_dropped_during_a_slow_answer_is_not_sent_again() {
    let lead = lead_json();
    let server = LoopbackServer::start(move |_| {
        Reply::Delayed(
            Duration::from_millis(200),
            Box::new(Reply::json(200, &lead)),
        )
    })
    .await;
    let c = retrying(&server.base_url());
    for _ in 0..5 {
        let before = server.requests();
        let send = tokio::time::timeout(Duration::from_millis(50), c.leads().get("lead_1").send());
        assert!(send.await.is_err(), "dropped");
        let value = tokio::time::timeout(Duration::from_millis(50), c.leads().get("lead_2"));
        assert!(value.await.is_err(), "dropped");
        tokio::time::sleep(Duration::from_millis(600)).await;
        assert!(
            server.requests() - before <= 2,
            "{:?}",
            server.request_lines()
        );
    }
    let started = Instant::now();
    bounded(c.leads().get("lead_3")).await.expect("answered");
    assert!(started.elapsed() < Duration::from_secs(1));
}

// ---------------------------------------------------------------------------------------------
// 3. Retries rebuild the same request.
// ---------------------------------------------------------------------------------------------

/// A server answering `first` to the first request, then `then`, keeping each request.
async fn first_then(first: Reply, then: Reply) -> (LoopbackServer, Arc<Mutex<Vec<Request>>>) {
    let first = Mutex::new(Some(first));
    recording(move |_| first.lock().unwrap().take().unwrap_or_else(|| then.clone())).await
}

/// Asserts the two requests are the same on the wire: method, target, headers and body.
fn same_request(what: &str, requests: &[Request]) {
    assert_eq!(requests.len(), 2, "{what}: {requests:?}");
    let (a, b) = (&requests[0], &requests[1]);
    assert_eq!(a.method, b.method, "{what}");
    assert_eq!(a.path, b.path, "{what}");
    assert_eq!(headers(a), headers(b), "{what}");
    assert_eq!(a.body, b.body, "{what}: bodies differ");
}

/// Held: a 429 then 200 for a JSON POST, a 503 then 200 for a PUT with a path id, and a 503
/// then 200 for a GET with list query parameters each rebuild the same request: method,
/// target, headers and body byte for byte.
#[tokio::test]
async fn a_retry_rebuilds_the_same_request_byte_for_byte() {
    let too_many = Reply::json(429, &json!({"error": "slow down"}))
        .with_header("ratelimit", "limit=20, remaining=5, reset=0.05");
    let unavailable = Reply::json(503, &json!({"error": "later"})).with_header("retry-after", "0");

    // POST with a JSON body (with unicode and escapes).
    let (server, seen) = first_then(too_many.clone(), Reply::json(200, &lead_json())).await;
    let c = retrying(&server.base_url());
    let lead: t::CreateLead = body(json!({
        "name": "Bluth \"Company\" — Ünïcødé \u{1F600}",
        "description": "line 1\nline 2\t</script>",
        "contacts": [{"name": "Gob", "emails": [{"email": "gob@bluth.example"}]}],
        "custom.cf_x": [1, 2.5, null, {"a": "b"}],
    }));
    let want = serde_json::to_vec(&lead).unwrap();
    bounded(c.leads().create(lead).send())
        .await
        .expect("retried then created");
    let requests = seen.lock().unwrap().clone();
    same_request("POST", &requests);
    assert_eq!(requests[0].method, "POST");
    assert_eq!(requests[0].body, want, "the body as serialised");

    // PUT with a path id that needs encoding.
    let (server, seen) = first_then(unavailable.clone(), Reply::json(200, &lead_json())).await;
    let c = retrying(&server.base_url());
    let update: t::UpdateLead = body(json!({"name": "Sitwell", "description": "é"}));
    bounded(c.leads().update("lead_ü1", update).send())
        .await
        .expect("retried then updated");
    let requests = seen.lock().unwrap().clone();
    same_request("PUT", &requests);
    assert_eq!(requests[0].method, "PUT");
    assert!(requests[0].path.starts_with("/lead/lead_"), "{requests:?}");

    // GET with list query parameters.
    let (server, seen) = first_then(unavailable, empty_page()).await;
    let c = retrying(&server.base_url());
    bounded(
        c.activities()
            .list()
            .lead_id(vec!["lead_1", "lead_2"])
            .user_id(["user_1", "user_2"])
            .send(),
    )
    .await
    .expect("retried then listed");
    let requests = seen.lock().unwrap().clone();
    same_request("GET", &requests);
    assert_eq!(requests[0].method, "GET");
    assert!(requests[0].path.contains("lead_id="), "{requests:?}");
    assert!(requests[0].body.is_empty());
}

// ---------------------------------------------------------------------------------------------
// 4. Long GETs.
// ---------------------------------------------------------------------------------------------

fn long_ids() -> Vec<String> {
    (0..60).map(|i| format!("lead_{i:040}")).collect()
}

/// Held: a GET whose URL is over Close's 2,000 characters goes as `POST` with
/// `x-http-method-override: GET` and `_params` through `send()` (and again, the same, on a
/// retry after a 503) and through `.paginate()` (every page).
#[tokio::test]
async fn a_long_get_goes_as_params_through_send_and_paginate() {
    let unavailable = Reply::json(503, &json!({"error": "later"})).with_header("retry-after", "0");
    let (server, seen) = first_then(unavailable, empty_page()).await;
    let c = retrying(&server.base_url());
    let ids = long_ids();
    bounded(c.activities().list().lead_id(ids.clone()).send())
        .await
        .expect("listed");
    let requests = seen.lock().unwrap().clone();
    same_request("long GET retried", &requests);
    let r = &requests[0];
    assert_eq!((r.method.as_str(), r.path.as_str()), ("POST", "/activity/"));
    assert_eq!(r.header("x-http-method-override"), Some("GET"));
    let sent: Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(sent, json!({"_params": {"lead_id": ids.join(",")}}));

    // Through paginate: two pages, each as `_params` with its `_skip`.
    let page = Arc::new(Mutex::new(0usize));
    let (server, seen) = recording(move |_| {
        let mut n = page.lock().unwrap();
        *n += 1;
        Reply::json(200, &json!({"data": [], "has_more": *n == 1}))
    })
    .await;
    let c = client(&server.base_url());
    let mut stream = c
        .leads()
        .list()
        .fields("x".repeat(2100))
        .limit(10)
        .paginate();
    let mut n = 0;
    while let Some(item) = bounded(stream.next()).await {
        item.expect("an item");
        n += 1;
        assert!(n < 10);
    }
    let requests = seen.lock().unwrap().clone();
    assert!(!requests.is_empty());
    for r in &requests {
        assert_eq!(
            (r.method.as_str(), r.path.as_str()),
            ("POST", "/lead/"),
            "{r:?}"
        );
        assert_eq!(r.header("x-http-method-override"), Some("GET"));
        let sent: Value = serde_json::from_slice(&r.body).unwrap();
        assert_eq!(
            sent["_params"]["_fields"],
            json!("x".repeat(2100)),
            "{sent}"
        );
        assert_eq!(sent["_params"]["_limit"], json!("10"), "{sent}");
    }
}

// ---------------------------------------------------------------------------------------------
// 5. What users write: spawn, join_all, select!.
// ---------------------------------------------------------------------------------------------

fn assert_send_static<F: Future + Send + 'static>(f: F) -> F {
    f
}

/// Held: `tokio::spawn` with an owned `Client` clone, `join_all` of 100 requests (values and
/// responses), `select!` between a request and a timer both ways: they compile and behave.
#[tokio::test]
async fn spawn_join_all_and_select_compile_and_behave() {
    let stalling = Arc::new(AtomicBool::new(false));
    let flag = stalling.clone();
    let lead = lead_json();
    let server = LoopbackServer::start(move |r| {
        if flag.load(Ordering::SeqCst) || r.path.contains("slow") {
            Reply::Stall(Duration::from_secs(3))
        } else {
            Reply::json(200, &lead)
        }
    })
    .await;
    let c = client(&server.base_url());

    // spawn with an owned clone (and a 'static future built from it).
    let mut handles = Vec::new();
    for i in 0..10 {
        let client = c.clone();
        let id = format!("lead_{i}");
        handles.push(tokio::spawn(assert_send_static(async move {
            client.leads().get(id).await
        })));
    }
    let client = c.clone();
    let with_status = tokio::spawn(async move {
        let answer = client.leads().get("lead_x").send().await?;
        Ok::<_, Error>(answer.status().as_u16())
    });
    for h in handles {
        let lead: t::Lead = bounded(h).await.expect("joined").expect("a lead");
        assert!(lead.id.is_some_and(|id| !id.is_empty()));
    }
    assert_eq!(bounded(with_status).await.unwrap().unwrap(), 200);

    // join_all of 100, as values and as responses.
    let values = futures_util::future::join_all(
        (0..100).map(|i| c.leads().get(format!("lead_{i}")).into_future()),
    );
    let values = bounded(values).await;
    assert!(values.iter().all(|r| r.is_ok()));
    let sends = (0..100).map(|i| c.leads().get(format!("lead_{i}")).send());
    let sends = bounded(futures_util::future::join_all(sends)).await;
    assert!(sends
        .iter()
        .all(|r| r.as_ref().is_ok_and(|v| v.status() == 200)));

    // select!: the request wins against a long timer, the timer against a stalled request.
    let won = tokio::select! {
        r = c.leads().get("lead_1") => Some(r),
        _ = tokio::time::sleep(Duration::from_secs(5)) => None,
    };
    assert!(matches!(won, Some(Ok(_))), "{won:?}");
    let before = server.requests();
    let started = Instant::now();
    let won = tokio::select! {
        r = c.leads().get("slow").send() => Some(r.map(|v| v.status())),
        _ = tokio::time::sleep(Duration::from_millis(100)) => None,
    };
    assert!(won.is_none(), "{won:?}");
    assert!(started.elapsed() < Duration::from_secs(1));
    // The request lost and was dropped: the client still answers at once.
    bounded(c.leads().get("lead_2")).await.expect("answered");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(server.requests() - before <= 2);
    drop(stalling);
}

// ---------------------------------------------------------------------------------------------
// 6. Secrets.
// ---------------------------------------------------------------------------------------------

/// Held: neither the API key nor a bearer token shows in a future's or a builder's Debug, or in
/// any error these paths make: a refusal, an error status echoing the credential in its body
/// and headers, a success body that does not decode echoing it, a transport error.
#[tokio::test]
async fn no_secret_in_errors_or_future_debug() {
    let echo = move |r: &Request| {
        let auth = r.header("authorization").unwrap_or("").to_string();
        let echoed = format!("{auth} {KEY} {TOKEN}");
        if r.path.contains("bad") {
            Reply::Respond {
                status: 200,
                headers: vec![("content-type".into(), "application/json".into())],
                body: format!("{{\"id\": \"{echoed}\", \"broken\": ").into_bytes(),
            }
        } else {
            Reply::json(401, &json!({"error": echoed, "key": KEY, "token": TOKEN}))
                .with_header("x-echo", &echoed)
                .with_header("www-authenticate", &auth)
        }
    };
    let server = LoopbackServer::start(echo).await;
    let base = server.base_url();
    let clients = [
        builder(&base).build().unwrap(),
        Client::builder()
            .bearer_token(TOKEN)
            .base_url(&base)
            .timeout(Duration::from_secs(10))
            .retry_policy(RetryPolicy::none())
            .build()
            .unwrap(),
    ];
    let mut seen = Vec::new();
    for (c, secret) in clients.iter().zip([KEY, TOKEN]) {
        let get = c.leads().get("lead_1");
        seen.push((secret, format!("{get:?}")));
        let future = get.clone().send();
        seen.push((secret, format!("{future:?}")));
        let value = get.into_future();
        seen.push((secret, format!("{value:?}")));
        let refused = c.leads_create().send();
        seen.push((secret, format!("{refused:?}")));

        let errors = [
            bounded(c.leads().get("lead_1").send()).await.unwrap_err(),
            bounded(c.leads().get("lead_1")).await.unwrap_err(),
            bounded(c.leads().delete("lead_1")).await.unwrap_err(),
            bounded(c.leads().get("bad_1")).await.unwrap_err(),
            bounded(refused).await.unwrap_err(),
            bounded(value).await.unwrap_err(),
        ];
        for e in &errors {
            seen.push((secret, shown(e)));
        }
    }
    // A transport error (nothing listens).
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let c = client(&format!("http://{closed}"));
    let e = bounded(c.leads().get("lead_1")).await.unwrap_err();
    seen.push((KEY, shown(&e)));
    for (secret, text) in &seen {
        assert_eq!(leak(text, secret), None, "{text}");
    }
}

// ---------------------------------------------------------------------------------------------
// 7. Empty successes.
// ---------------------------------------------------------------------------------------------

/// Held: a delete answered 204 with no body, 200 with `{}`, 200 with a non-JSON body or 200 with
/// a body that claims JSON and is not resolves to `()` (with its status through `send()`); an
/// error status is one `Error::Api` that names the call.
#[tokio::test]
async fn empty_successes_are_unit_and_errors_name_the_call() {
    let answers = [
        Reply::Respond {
            status: 204,
            headers: vec![],
            body: vec![],
        },
        Reply::json(200, &json!({})),
        Reply::Respond {
            status: 200,
            headers: vec![("content-type".into(), "text/plain".into())],
            body: b"OK".to_vec(),
        },
        Reply::Respond {
            status: 200,
            headers: vec![("content-type".into(), "application/json".into())],
            body: b"{not json".to_vec(),
        },
    ];
    for (i, answer) in answers.into_iter().enumerate() {
        let status = match &answer {
            Reply::Respond { status, .. } => *status,
            _ => unreachable!(),
        };
        let server = LoopbackServer::start(move |_| answer.clone()).await;
        let c = client(&server.base_url());
        let unit: () = bounded(c.leads().delete("lead_1"))
            .await
            .unwrap_or_else(|e| panic!("{i}: {e}"));
        let () = unit;
        let answer = bounded(c.leads().delete("lead_1").send())
            .await
            .unwrap_or_else(|e| panic!("{i}: {e}"));
        assert_eq!(answer.status().as_u16(), status, "{i}");
        assert_eq!(server.requests(), 2);
        assert!(server
            .request_lines()
            .iter()
            .all(|l| l == "DELETE /lead/lead_1/"));
    }
    let server =
        LoopbackServer::start(|_| Reply::json(404, &json!({"error": "Empty query"}))).await;
    let c = client(&server.base_url());
    let e = bounded(c.leads().delete("lead_1")).await.unwrap_err();
    let Error::Api(api) = &e else { panic!("{e:?}") };
    assert_eq!(api.status.as_u16(), 404);
    let text = e.to_string();
    assert!(text.contains("leads_delete"), "{text}");
    assert!(text.contains("DELETE"), "{text}");
    assert_eq!(server.requests(), 1);
}
