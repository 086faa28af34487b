//! Rate limits, retries and timeouts over real sockets on loopback. Every test is bounded in time.

// The extension traits' old names, deprecated where a handle call does the same, keep
// working: these tests call them on purpose.
#![allow(deprecated)]

use std::time::{Duration, Instant};

use close_sdk::prelude::*;
use close_sdk::RetryPolicy;
use close_sdk_tests::loopback_server::{LoopbackServer, RateLimitedServer, Reply};
use close_sdk_tests::*;
use httpmock::prelude::*;
use serde_json::json;

/// Upper bound for any one test's calls.
const BOUND: Duration = Duration::from_secs(20);

async fn bounded<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(BOUND, f)
        .await
        .expect("the call finished within the bound")
}

fn client_for(base_url: &str) -> Client {
    Client::builder()
        .api_key(API_KEY)
        .base_url(base_url)
        .timeout(Duration::from_secs(5))
        .retry_policy(RetryPolicy::default().base_delay(Duration::from_millis(20)))
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_429_with_a_decimal_reset_is_retried_after_that_reset() {
    let server = MockServer::start_async().await;
    let limited = server
        .mock_async(|when, then| {
            when.method(POST).path("/membership/");
            then.status(429)
                .header("ratelimit", "limit=20, remaining=0, reset=0.512")
                .json_body(json!({"error": "rate limited"}))
                .up_to_n_times(1);
        })
        .await;
    let ok = server
        .mock_async(|when, then| {
            when.method(POST).path("/membership/");
            then.status(200).json_body(created_membership());
        })
        .await;
    let started = Instant::now();
    let m = bounded(api_key_client(&server).create_membership("john@salesteam.com", Role::User))
        .await
        .unwrap();
    let elapsed = started.elapsed();
    assert_eq!(m.role_id.as_deref().unwrap(), "user");
    assert_eq!(
        (limited.calls_async().await, ok.calls_async().await),
        (1, 1)
    );
    // The decimal reset is honoured (Close's Python client would have waited 0 s).
    assert!(
        elapsed >= Duration::from_millis(512),
        "waited only {elapsed:?}"
    );
    assert!(elapsed < Duration::from_secs(3), "waited {elapsed:?}");
}

#[tokio::test]
async fn retry_after_in_seconds_is_honoured() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/membership/memb_1/pinned_views/");
            then.status(429).header("retry-after", "1").up_to_n_times(1);
        })
        .await;
    let ok = server
        .mock_async(|when, then| {
            when.method(GET).path("/membership/memb_1/pinned_views/");
            then.status(200)
                .json_body(json!({"saved_view_ids": ["save_1"]}));
        })
        .await;
    let started = Instant::now();
    let views = bounded(api_key_client(&server).pinned_views("memb_1"))
        .await
        .unwrap();
    assert_eq!(views, ["save_1"]);
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    ok.assert_async().await;
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_honoured() {
    let server = MockServer::start_async().await;
    // Two seconds ahead at one-second resolution: between 1 and 2 s from now.
    let date = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(2));
    server
        .mock_async(move |when, then| {
            when.method(DELETE).path("/membership/memb_1/");
            then.status(429)
                .header("retry-after", date)
                .up_to_n_times(1);
        })
        .await;
    let ok = server
        .mock_async(|when, then| {
            when.method(DELETE).path("/membership/memb_1/");
            then.status(200);
        })
        .await;
    let started = Instant::now();
    bounded(api_key_client(&server).delete_membership("memb_1"))
        .await
        .unwrap();
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(900), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(4), "{elapsed:?}");
    ok.assert_async().await;
}

#[tokio::test]
async fn a_503_is_retried_then_succeeds() {
    let server = MockServer::start_async().await;
    let unavailable = server
        .mock_async(|when, then| {
            when.method(PUT).path("/membership/memb_1/");
            then.status(503).body("<html>busy</html>").up_to_n_times(2);
        })
        .await;
    let ok = server
        .mock_async(|when, then| {
            when.method(PUT).path("/membership/memb_1/");
            then.status(200).json_body(updated_membership());
        })
        .await;
    let update = close_sdk::types::UpdateMembership {
        track_email_opens: Some(true).into(),
        ..Default::default()
    };
    bounded(client_for(&server.base_url()).update_membership("memb_1", update))
        .await
        .unwrap();
    assert_eq!(
        (unavailable.calls_async().await, ok.calls_async().await),
        (2, 1)
    );
}

#[tokio::test]
async fn a_502_on_create_is_retried_because_create_is_idempotent() {
    let server = MockServer::start_async().await;
    let bad_gateway = server
        .mock_async(|when, then| {
            when.method(POST).path("/membership/");
            then.status(502).up_to_n_times(1);
        })
        .await;
    let ok = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/membership/")
                .json_body(json!({"email": "john@salesteam.com", "role_id": "user"}));
            then.status(200).json_body(created_membership());
        })
        .await;
    bounded(client_for(&server.base_url()).create_membership("john@salesteam.com", Role::User))
        .await
        .unwrap();
    assert_eq!(
        (bad_gateway.calls_async().await, ok.calls_async().await),
        (1, 1)
    );
}

#[tokio::test]
async fn errors_that_are_not_transient_are_not_retried() {
    let server = MockServer::start_async().await;
    let failing = server
        .mock_async(|when, then| {
            when.method(PUT).path("/membership/");
            then.status(500).json_body(json!({"error": "boom"}));
        })
        .await;
    let bad = server
        .mock_async(|when, then| {
            when.method(PUT).path("/membership/memb_1/");
            then.status(400)
                .json_body(json!({"field-errors": {"role_id": "Invalid role."}}));
        })
        .await;
    let client = client_for(&server.base_url());
    let e = bounded(client.bulk_update_memberships(["memb_1"], Default::default()))
        .await
        .unwrap_err();
    assert_eq!(e.status().unwrap(), 500);
    let e = bounded(client.update_membership("memb_1", Default::default()))
        .await
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "400 Bad Request from memberships_update (PUT /membership/{id}/): role_id: Invalid role."
    );
    assert_eq!(
        (failing.calls_async().await, bad.calls_async().await),
        (1, 1)
    );
}

#[tokio::test]
async fn max_attempts_is_respected_and_reported() {
    let server = MockServer::start_async().await;
    let unavailable = server
        .mock_async(|when, then| {
            when.method(GET).path("/membership/memb_1/pinned_views/");
            then.status(503).json_body(json!({"error": "maintenance"}));
        })
        .await;
    let client = client_for(&server.base_url()).with_retry_policy(
        RetryPolicy::default()
            .max_attempts(4)
            .base_delay(Duration::from_millis(10)),
    );
    let e = bounded(client.pinned_views("memb_1")).await.unwrap_err();
    assert_eq!(unavailable.calls_async().await, 4);
    assert_eq!(e.api_error().unwrap().attempts, 4);
    assert_eq!(
        e.to_string(),
        "503 Service Unavailable from memberships_get_pinned_views \
         (GET /membership/{id}/pinned_views/): maintenance (after 4 attempts)"
    );

    // Retries off: exactly one request.
    let e = bounded(
        client
            .with_retry_policy(RetryPolicy::none())
            .pinned_views("memb_1"),
    )
    .await
    .unwrap_err();
    assert_eq!(e.api_error().unwrap().attempts, 1);
    assert_eq!(unavailable.calls_async().await, 5);
}

#[tokio::test]
async fn a_wait_above_the_cap_is_an_error_that_says_so() {
    let server = MockServer::start_async().await;
    let limited = server
        .mock_async(|when, then| {
            when.method(POST).path("/membership/");
            then.status(429)
                .header("ratelimit", "limit=20, remaining=0, reset=120.5");
        })
        .await;
    let started = Instant::now();
    let e = bounded(api_key_client(&server).create_membership("john@salesteam.com", Role::User))
        .await
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "it must not sleep: {:?}",
        started.elapsed()
    );
    assert_eq!(limited.calls_async().await, 1);
    match &e {
        Error::ServerWaitTooLong {
            requested,
            limit,
            error,
        } => {
            assert_eq!(*requested, Duration::from_millis(120_500));
            assert_eq!(*limit, Duration::from_secs(60));
            assert_eq!(error.status, 429);
        }
        other => panic!("expected ServerWaitTooLong, got {other:?}"),
    }
    assert!(
        e.to_string()
            .contains("asked to wait 120.500s, more than the 60.000s"),
        "{e}"
    );
    assert_eq!(e.status().unwrap(), 429);
}

#[tokio::test]
async fn the_deadline_bounds_the_whole_call() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/membership/memb_1/pinned_views/");
            then.status(503).header("retry-after", "2");
        })
        .await;
    let client = api_key_client(&server).with_retry_policy(
        RetryPolicy::default()
            .max_attempts(10)
            .deadline(Duration::from_secs(1)),
    );
    let started = Instant::now();
    let e = bounded(client.pinned_views("memb_1")).await.unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(e.status().unwrap(), 503);
}

#[tokio::test]
async fn concurrent_callers_share_the_window_and_get_no_second_429() {
    // 6 requests per 400 ms window; 30 concurrent creates from clones of one client.
    let server =
        RateLimitedServer::start(6, Duration::from_millis(400), created_membership()).await;
    let client = client_for(&server.server.base_url());
    let started = Instant::now();
    let calls = (0..30).map(|i| {
        let client = client.clone();
        tokio::spawn(async move {
            client
                .create_membership(&format!("user{i}@salesteam.com"), Role::User)
                .await
        })
    });
    let results = bounded(futures_join_all(calls)).await;
    let elapsed = started.elapsed();
    for r in &results {
        assert!(r.is_ok(), "{r:?}");
    }
    assert_eq!(
        server.server.requests(),
        30 + server.too_many_requests() as usize
    );
    assert!(
        server.most_429s_in_one_window() <= 1,
        "429s: {}",
        server.too_many_requests()
    );
    // 30 requests at 6 per 400 ms cannot take less than 4 full windows.
    assert!(elapsed >= Duration::from_millis(1600), "{elapsed:?}");
    eprintln!(
        "30 creates at 6/400ms: {elapsed:?}, {} x 429",
        server.too_many_requests()
    );
}

#[tokio::test]
async fn two_hundred_creates_against_50_requests_per_second() {
    let server = RateLimitedServer::start(50, Duration::from_secs(1), created_membership()).await;
    let client = client_for(&server.server.base_url());
    let started = Instant::now();
    let calls = (0..200).map(|i| {
        let client = client.clone();
        tokio::spawn(async move {
            client
                .create_membership(&format!("user{i}@salesteam.com"), Role::User)
                .await
        })
    });
    let results = bounded(futures_join_all(calls)).await;
    let elapsed = started.elapsed();
    assert!(results.iter().all(|r| r.is_ok()));
    assert!(server.most_429s_in_one_window() <= 1);
    // Reported in the resilience closing note: wall time vs the ideal 200 / 50 = 4 s.
    eprintln!(
        "200 creates at 50 req/s: {:.2} s wall ({:.3}x the ideal 4 s), {} x 429",
        elapsed.as_secs_f64(),
        elapsed.as_secs_f64() / 4.0,
        server.too_many_requests()
    );
}

/// Awaits every task (no extra crate for a join).
async fn futures_join_all<T: Send + 'static>(
    tasks: impl Iterator<Item = tokio::task::JoinHandle<Result<T, Error>>>,
) -> Vec<Result<T, Error>> {
    let mut out = Vec::new();
    for t in tasks.collect::<Vec<_>>() {
        out.push(
            t.await
                .unwrap_or_else(|e| Err(Error::InvalidRequest(format!("task failed: {e}")))),
        );
    }
    out
}

// Faults httpmock cannot make, from a raw TCP server.

#[tokio::test]
async fn a_connection_reset_mid_response_is_retried() {
    let server = LoopbackServer::scripted(
        vec![Reply::ResetMidResponse],
        Reply::json(200, &json!({"saved_view_ids": ["save_1"]})),
    )
    .await;
    let views = bounded(client_for(&server.base_url()).pinned_views("memb_1"))
        .await
        .unwrap();
    assert_eq!(views, ["save_1"]);
    assert_eq!(server.requests(), 2);
}

#[tokio::test]
async fn a_truncated_body_is_retried() {
    let server = LoopbackServer::scripted(
        vec![Reply::Truncated {
            declared: 200,
            body: br#"{"saved_view_ids": ["sa"#.to_vec(),
        }],
        Reply::json(200, &json!({"saved_view_ids": ["save_1"]})),
    )
    .await;
    let views = bounded(client_for(&server.base_url()).pinned_views("memb_1"))
        .await
        .unwrap();
    assert_eq!(views, ["save_1"]);
    assert_eq!(server.requests(), 2);
}

#[tokio::test]
async fn a_stall_longer_than_the_timeout_is_retried_or_times_out() {
    let server = LoopbackServer::scripted(
        vec![Reply::Stall(Duration::from_secs(5))],
        Reply::json(200, &json!({"saved_view_ids": []})),
    )
    .await;
    let client = client_for(&server.base_url()).with_timeout(Duration::from_millis(300));
    let started = Instant::now();
    bounded(client.pinned_views("memb_1")).await.unwrap();
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_eq!(server.requests(), 2);

    // Without retries the same stall is a typed timeout, within the timeout.
    let stalled = LoopbackServer::scripted(vec![], Reply::Stall(Duration::from_secs(5))).await;
    let client = client_for(&stalled.base_url())
        .with_timeout(Duration::from_millis(300))
        .with_retry_policy(RetryPolicy::none());
    let started = Instant::now();
    let e = bounded(client.pinned_views("memb_1")).await.unwrap_err();
    assert!(matches!(e, Error::Timeout(_)), "{e:?}");
    assert!(e.to_string().starts_with("timed out"), "{e}");
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn a_non_json_500_page_is_a_typed_error_with_the_text() {
    let page = "<html><head><title>500 Internal Server Error</title></head></html>";
    let server = LoopbackServer::scripted(
        vec![],
        Reply::Respond {
            status: 500,
            headers: vec![("content-type".into(), "text/html".into())],
            body: page.into(),
        },
    )
    .await;
    let e = bounded(client_for(&server.base_url()).pinned_views("memb_1"))
        .await
        .unwrap_err();
    let api = e.api_error().unwrap();
    assert_eq!(api.status, 500);
    assert_eq!(api.body.raw.as_deref(), Some(page));
    assert_eq!(server.requests(), 1, "500 is not a transient status");
}

#[tokio::test]
async fn a_refused_connection_is_retried_then_reported() {
    // Nothing was sent when the connection was refused, so even a create may be retried; the
    // call still ends, as a transport error, within the policy's bounds.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let client = client_for(&format!("http://127.0.0.1:{port}")).with_retry_policy(
        RetryPolicy::default()
            .max_attempts(3)
            .base_delay(Duration::from_millis(5)),
    );
    let started = Instant::now();
    let e = bounded(client.create_membership("john@salesteam.com", Role::User))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Transport(_)), "{e:?}");
    assert!(e.to_string().contains("onnect"), "{e}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn futures_are_send_and_work_across_tasks() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/membership/");
            then.status(200).json_body(created_membership());
        })
        .await;
    let client = api_key_client(&server);
    let handle = tokio::spawn(async move {
        client
            .create_membership("john@salesteam.com", Role::User)
            .await
    });
    assert!(bounded(handle).await.unwrap().is_ok());
}

#[tokio::test]
async fn non_idempotent_calls_are_not_repeated_after_the_server_may_have_acted() {
    let server = MockServer::start_async().await;
    let unavailable = server
        .mock_async(|when, then| {
            when.method(POST).path("/group/");
            then.status(503).json_body(json!({"error": "busy"}));
        })
        .await;
    let client = client_for(&server.base_url());
    // Creating a group twice would fail the second time (names are unique): one attempt only.
    let e = bounded(client.create_group("Sales")).await.unwrap_err();
    assert_eq!(e.status().unwrap(), 503);
    assert_eq!(unavailable.calls_async().await, 1);

    // A stall past the timeout is not repeated either: the first request may have landed.
    let stalled = LoopbackServer::scripted(vec![], Reply::Stall(Duration::from_secs(5))).await;
    let client = client_for(&stalled.base_url()).with_timeout(Duration::from_millis(200));
    let e = bounded(client.create_group("Sales")).await.unwrap_err();
    assert!(matches!(e, Error::Timeout(_)), "{e:?}");
    assert_eq!(stalled.requests(), 1);
}

#[tokio::test]
async fn a_429_is_retried_even_for_non_idempotent_calls() {
    let server = MockServer::start_async().await;
    let limited = server
        .mock_async(|when, then| {
            when.method(POST).path("/group/");
            then.status(429)
                .header("ratelimit", "limit=5, remaining=0, reset=0.05")
                .up_to_n_times(1);
        })
        .await;
    let created = server
        .mock_async(|when, then| {
            when.method(POST).path("/group/").json_body(json!({"name": "Sales"}));
            then.status(201).json_body(json!({"id": "group_1", "name": "Sales", "organization_id": "orga_1", "members": null}));
        })
        .await;
    let group = bounded(client_for(&server.base_url()).create_group("Sales"))
        .await
        .unwrap();
    assert_eq!(group.id.as_deref().unwrap(), "group_1");
    assert_eq!(
        (limited.calls_async().await, created.calls_async().await),
        (1, 1)
    );
}

/// A writer the test subscriber appends to.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn the_request_span_records_the_operation_but_never_secrets_or_bodies() {
    let captured = Captured::default();
    let sink = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_ansi(false)
        .with_writer(move || sink.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    // Another test thread may have cached this callsite as unwanted (no subscriber) while this
    // one was being set: ask every callsite again (the rare flake of this test).
    tracing::callsite::rebuild_interest_cache();

    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(PUT).path("/membership/memb_1/");
            then.status(503).up_to_n_times(1);
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(PUT).path("/membership/memb_1/");
            then.status(200).json_body(updated_membership());
        })
        .await;
    let client = Client::builder()
        .bearer_token("tok_do_not_log")
        .base_url(server.base_url())
        .retry_policy(RetryPolicy::default().base_delay(Duration::from_millis(5)))
        .build()
        .unwrap();
    let update = close_sdk::types::UpdateMembership {
        hangup_recording_url: close_sdk::Patch::Set("https://x.example/secret-body".into()),
        ..Default::default()
    };
    bounded(client.update_membership("memb_1", update))
        .await
        .unwrap();

    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(log.contains("close.request"), "{log}");
    assert!(log.contains("operation_id=\"memberships_update\""), "{log}");
    assert!(log.contains("path=\"/membership/{id}/\""), "{log}");
    assert!(
        log.contains("status=200") && log.contains("attempts=2"),
        "{log}"
    );
    assert!(log.contains("retrying"), "{log}");
    assert!(
        !log.contains("tok_do_not_log") && !log.to_lowercase().contains("bearer"),
        "{log}"
    );
    assert!(!log.contains("secret-body"), "{log}");
}

// Regression tests for issue 10's defects 5, 6, 9, 10 and the refused-wait pacing.

fn pinned_ok() -> serde_json::Value {
    json!({"saved_view_ids": ["save_1"]})
}

/// Defect 5: a 503's `RateLimit` reset with room left in the window is no requested wait (it
/// was refused as `ServerWaitTooLong` at 90 s, and slept 3 s at 3 s), and it does not shadow a
/// real `Retry-After`.
#[tokio::test]
async fn a_503s_ordinary_rate_limit_reset_is_not_a_requested_wait() {
    let busy = |reset: &str| {
        Reply::json(503, &json!({"error": "busy"})).with_header(
            "ratelimit",
            &format!("limit=100, remaining=99, reset={reset}"),
        )
    };
    let server = LoopbackServer::scripted(vec![busy("90")], Reply::json(200, &pinned_ok())).await;
    let started = Instant::now();
    let views = bounded(client_for(&server.base_url()).pinned_views("memb_1")).await;
    assert_eq!(views.unwrap(), ["save_1"]);
    assert_eq!(server.requests(), 2);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );

    let server = LoopbackServer::scripted(
        vec![busy("3").with_header("retry-after", "1")],
        Reply::json(200, &pinned_ok()),
    )
    .await;
    let started = Instant::now();
    bounded(client_for(&server.base_url()).pinned_views("memb_1"))
        .await
        .unwrap();
    let elapsed = started.elapsed();
    assert_eq!(server.requests(), 2);
    // Retry-After (1 s) is the wait, not the window's reset (3 s).
    assert!(elapsed >= Duration::from_millis(950), "{elapsed:?}");
    assert!(elapsed < Duration::from_millis(2500), "{elapsed:?}");
}

/// Defect 9: a 429 asking for more than 24 h is refused at once, not read as malformed and
/// retried every second. Also: a generated builder's error is the same `Error`, with the body.
#[tokio::test]
async fn a_429_asking_for_more_than_a_day_is_refused_at_once() {
    let server = LoopbackServer::scripted(
        vec![],
        Reply::json(429, &json!({"error": "API call count exceeded"}))
            .with_header("retry-after", "90000"),
    )
    .await;
    let client = client_for(&server.base_url())
        .with_retry_policy(RetryPolicy::default().max_server_wait(Duration::MAX));
    let started = Instant::now();
    let e = bounded(client.pinned_views("memb_1")).await.unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.requests(), 1);
    match &e {
        Error::ServerWaitTooLong {
            requested, limit, ..
        } => {
            assert_eq!(*requested, Duration::from_secs(90_000));
            assert_eq!(*limit, Duration::from_secs(24 * 3600));
        }
        other => panic!("expected ServerWaitTooLong, got {other:?}"),
    }

    async fn raw(client: &Client) -> Result<Vec<String>, Error> {
        let views = client
            .memberships_get_pinned_views()
            .id("memb_1")
            .send()
            .await?;
        Ok(views.into_inner().saved_view_ids.unwrap())
    }
    let e = bounded(raw(&client)).await.unwrap_err();
    assert_eq!(server.requests(), 2);
    assert!(matches!(e, Error::ServerWaitTooLong { .. }), "{e:?}");
    assert!(e.to_string().contains("API call count exceeded"), "{e}");
}

/// Defect 10: `deadline(Duration::MAX)` panicked on every call (`Instant + Duration`); so may
/// any other extreme duration in the configuration.
#[tokio::test]
async fn extreme_durations_in_the_policy_never_panic() {
    let server = LoopbackServer::scripted(
        vec![Reply::json(503, &json!({"error": "busy"}))],
        Reply::json(200, &pinned_ok()),
    )
    .await;
    let policies = [
        RetryPolicy::default().deadline(Duration::MAX),
        RetryPolicy::default()
            .deadline(Duration::from_secs(u64::MAX))
            .max_server_wait(Duration::MAX)
            .max_delay(Duration::MAX)
            .base_delay(Duration::ZERO)
            .max_attempts(u32::MAX),
        RetryPolicy::default().deadline(Duration::ZERO),
    ];
    for policy in policies {
        let client = client_for(&server.base_url()).with_retry_policy(policy);
        // Spawned, so that a panic is caught as a failed task instead of ending the test.
        let call = tokio::spawn(async move { client.pinned_views("memb_1").await });
        let result = bounded(call).await;
        assert!(result.is_ok(), "{policy:?} panicked: {result:?}");
    }
    let client = client_for(&server.base_url()).with_timeout(Duration::MAX);
    let call = tokio::spawn(async move { client.pinned_views("memb_1").await });
    assert!(bounded(call).await.unwrap().is_ok());
}

/// Defect 6: limit 3 per 2 s. A request sent at 1.5 s is answered 700 ms late, after the
/// window ended, with what the server knew at 1.5 s (`remaining=1, reset=0.5`). It must not
/// set the new window: taken as "the new window ends at 2.7 s", one call at 2.5 s and a burst
/// of 3 at 2.9 s put 4 requests into the server's second window (a 429).
#[tokio::test]
async fn a_late_answer_from_the_previous_window_lets_nothing_extra_through() {
    let server =
        RateLimitedServer::start_with(3, Duration::from_secs(2), pinned_ok(), vec![], |elapsed| {
            (Duration::from_millis(1300)..Duration::from_millis(1900))
                .contains(&elapsed)
                .then_some(Duration::from_millis(700))
        })
        .await;
    let client = client_for(&server.server.base_url());
    let t0 = Instant::now();
    let at = |ms: u64| tokio::time::sleep_until((t0 + Duration::from_millis(ms)).into());
    bounded(client.pinned_views("memb_1")).await.unwrap();
    at(1500).await;
    let late = {
        let client = client.clone();
        tokio::spawn(async move { client.pinned_views("memb_1").await })
    };
    at(2500).await;
    assert!(
        late.is_finished(),
        "the late answer arrived before the next calls"
    );
    bounded(client.pinned_views("memb_1")).await.unwrap();
    at(2900).await;
    let burst = (0..3).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.pinned_views("memb_1").await })
    });
    let results = bounded(futures_join_all(burst)).await;
    assert!(results.iter().all(|r| r.is_ok()), "{results:?}");
    assert!(bounded(late).await.unwrap().is_ok());
    assert_eq!(
        server.too_many_requests(),
        0,
        "a window got more than its limit"
    );
    assert_eq!(server.server.requests(), 6);
}

/// A refused over-long 429 wait must not leave the group closed until a far-away reset (every
/// later request then went unpaced): the group probes and keeps pacing.
#[tokio::test]
async fn a_refused_long_wait_keeps_the_group_pacing() {
    let refused = Reply::json(429, &json!({"error": "slow down"}))
        .with_header("ratelimit", "limit=6, remaining=0, reset=120.5");
    let server = RateLimitedServer::start_with(
        6,
        Duration::from_millis(400),
        created_membership(),
        vec![refused],
        |_| None,
    )
    .await;
    let client = client_for(&server.server.base_url());
    let e = bounded(client.create_membership("first@salesteam.com", Role::User))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::ServerWaitTooLong { .. }), "{e:?}");
    let calls = (0..30).map(|i| {
        let client = client.clone();
        tokio::spawn(async move {
            client
                .create_membership(&format!("user{i}@salesteam.com"), Role::User)
                .await
        })
    });
    let results = bounded(futures_join_all(calls)).await;
    assert!(results.iter().all(|r| r.is_ok()), "{results:?}");
    assert!(
        server.most_429s_in_one_window() <= 1,
        "429s: {}",
        server.too_many_requests()
    );
}
