//! The request path's limits (`transport/`): a deadline that does not bound the attempt in
//! flight, a 2xx body read without bound, and redirects that re-send requests elsewhere. Each
//! test failed on the code it was written against (5bfa34b + issue 10's first fixes).

// The extension traits' old names, deprecated where a handle call does the same, keep
// working: these tests call them on purpose.
#![allow(deprecated)]

use std::time::{Duration, Instant};

use close_sdk::prelude::*;
use close_sdk::types::UpdateMembership;
use close_sdk::RetryPolicy;
use close_sdk_tests::hostile_server::{Act, HostileServer};
use close_sdk_tests::API_KEY;

const PINNED: &str = r#"{"saved_view_ids": ["save_1"]}"#;

fn client(base_url: &str, timeout: Duration, policy: RetryPolicy) -> Client {
    Client::builder()
        .api_key(API_KEY)
        .base_url(base_url)
        .timeout(timeout)
        .retry_policy(policy)
        .build()
        .expect("test client")
}

/// `RetryPolicy::deadline` is documented as "a bound on the whole call, waits and attempts
/// included", but only stops *new* attempts: an attempt in flight runs for the whole per-attempt
/// timeout. A server that answers slowly (a 200 dripped over ~3.5 s) makes a call with a 500 ms
/// deadline last 3.5 s.
#[tokio::test]
async fn attack_deadline_bounds_the_attempt_in_flight() {
    let response = format!(
        "HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-type: application/json\r\n\
         content-length: {}\r\n\r\n{PINNED}",
        PINNED.len()
    );
    let server = HostileServer::start(move |_| Act::Drip {
        head: Vec::new(),
        body: response.clone().into_bytes(),
        every: Duration::from_millis(35),
    })
    .await;
    let policy = RetryPolicy::default().deadline(Duration::from_millis(500));
    let c = client(&server.base_url(), Duration::from_secs(10), policy);
    let started = Instant::now();
    let result = tokio::time::timeout(Duration::from_secs(15), c.pinned_views("memb_1")).await;
    let took = started.elapsed();
    assert!(result.is_ok(), "the call hung");
    assert!(
        took < Duration::from_millis(1500),
        "a call with a 500 ms deadline took {took:?} (result {result:?})"
    );
}

/// A 2xx body is read to its end whatever its size (`send_once` calls `response.bytes()`; only
/// error bodies are bounded). A server streaming a never-ending 200 is read into memory until
/// the per-attempt timeout: here 128 MB in well under a second on loopback, i.e. gigabytes
/// within the default 60 s timeout.
#[tokio::test]
async fn attack_an_endless_success_body_is_not_read_without_bound() {
    const SENT_AT_MOST: u64 = 128 << 20;
    let server = HostileServer::start(|_| Act::Endless {
        chunk: vec![b' '; 64 * 1024],
        max: SENT_AT_MOST,
    })
    .await;
    let c = client(
        &server.base_url(),
        Duration::from_secs(10),
        RetryPolicy::none(),
    );
    let result = tokio::time::timeout(Duration::from_secs(20), c.pinned_views("memb_1")).await;
    let read = server.body_bytes_written();
    assert!(
        matches!(result, Ok(Err(Error::InvalidResponse(_)))),
        "an endless body must fail the call as a refused answer: {result:?}"
    );
    // The server can only write what the client reads (plus socket buffers of a few MB).
    assert!(
        read < 64 << 20,
        "the client read {} MB of a 2xx body before giving up",
        read >> 20
    );
}

/// The API client follows redirects (reqwest's default policy). A 307/308 re-sends a
/// non-idempotent `POST /role/` — body included — to whatever `Location` says, here another
/// origin (`Authorization` is dropped there, the request is not); 301/302/303 silently turn the
/// create into a `GET /role/` elsewhere. Close's API documents no redirects.
#[tokio::test]
async fn attack_a_redirect_never_resends_a_create_to_another_origin() {
    let elsewhere = HostileServer::start(|_| Act::json(200, &[], "{}")).await;
    for status in [301u16, 302, 303, 307, 308] {
        let target = elsewhere.base_url();
        let api = HostileServer::start(move |r| {
            let location = format!("{target}{}", r.path);
            Act::json(status, &[("location", &location)], "{}")
        })
        .await;
        let c = client(&api.base_url(), Duration::from_secs(5), RetryPolicy::none());
        let result = c.create_role("Sales Rep", ["calling"]).await;
        assert!(result.is_err(), "{status}: {result:?}");
        assert_eq!(api.requests().len(), 1, "{status}");
    }
    let followed: Vec<String> = elsewhere
        .requests()
        .iter()
        .map(|r| {
            format!(
                "{} {} body={:?}",
                r.method,
                r.path,
                String::from_utf8_lossy(&r.body)
            )
        })
        .collect();
    assert!(
        followed.is_empty(),
        "the other origin received: {followed:#?}"
    );
}

/// Path safety checks the URL before sending, but a same-origin redirect is followed after the
/// check: `PUT /membership/memb_1/` answered with `308 Location: /membership/` makes the client
/// send the update, authenticated, to `PUT /membership/` — Close's bulk-update endpoint, the
/// very shape change issue 10's defect 1 was about.
#[tokio::test]
async fn attack_a_redirect_cannot_move_an_update_to_the_bulk_endpoint() {
    let server = HostileServer::start(|r| {
        if r.path == "/membership/memb_1/" {
            Act::json(308, &[("location", "/membership/")], "{}")
        } else {
            Act::json(200, &[], r#"{"n_updated": 1}"#)
        }
    })
    .await;
    let c = client(
        &server.base_url(),
        Duration::from_secs(5),
        RetryPolicy::none(),
    );
    let update = UpdateMembership {
        role_id: Some(Role::RestrictedUser).into(),
        ..Default::default()
    };
    let _ = c.update_membership("memb_1", update).await;
    let bulk: Vec<String> = server
        .requests()
        .iter()
        .filter(|r| r.path == "/membership/")
        .map(|r| {
            format!(
                "{} {} authorization={:?}",
                r.method,
                r.path,
                r.header("authorization")
            )
        })
        .collect();
    assert!(bulk.is_empty(), "the bulk endpoint was reached: {bulk:?}");
}

/// With a user-supplied HTTP client that follows redirects (reqwest's default), the SDK cannot
/// stop the redirect, but it refuses the answer from the other URL: nothing of it is decoded.
#[tokio::test]
async fn an_answer_reached_through_a_user_clients_redirect_is_refused() {
    let server = HostileServer::start(|r| {
        if r.path == "/membership/memb_1/pinned_views/" {
            Act::json(307, &[("location", "/elsewhere/")], "{}")
        } else {
            Act::json(200, &[], r#"{"data": ["save_1"]}"#)
        }
    })
    .await;
    // Building an SDK client installs the TLS provider reqwest needs (feature `rustls-ring`).
    let _ = Client::builder().api_key(API_KEY).build();
    let c = Client::builder()
        .api_key(API_KEY)
        .base_url(server.base_url())
        .http_client(reqwest::Client::new())
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client");
    let err = c.pinned_views("memb_1").await.unwrap_err();
    assert!(matches!(err, Error::InvalidResponse(_)), "{err:?}");
    assert!(err.to_string().contains("redirect"), "{err}");
}
