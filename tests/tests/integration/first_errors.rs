//! What a newcomer sees when things go wrong (issue 20: one error, `Display` one actionable
//! line): a 404, a 429 with `Retry-After`, a 2xx body that does not decode, and
//! `Error::Ambiguous` from a by-name lookup. Each test prints the line, so `--nocapture` shows it.

use std::time::Duration;

use close_sdk::httpmock::{Method::GET, MockServer};
use close_sdk::mock::MockClose;
use close_sdk::prelude::*;
use close_sdk::types::{CreateOpportunityStatus, OpportunityStatusType};
use close_sdk::{Error, RetryPolicy};
use serde_json::json;

fn client(base: String) -> Client {
    Client::builder()
        .api_key("api_test")
        .base_url(base)
        .build()
        .expect("client")
}

#[tokio::test]
async fn a_404_says_not_found_and_closes_message() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/lead/lead_gone/");
            then.status(404)
                .json_body(json!({"error": "Lead matching query does not exist."}));
        })
        .await;
    let err = client(server.base_url())
        .leads()
        .get("lead_gone")
        .await
        .expect_err("404");
    println!("404: {err}");
    assert!(err.is_not_found());
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    let line = err.to_string();
    assert!(
        line.contains("404") && line.contains("Lead matching query does not exist."),
        "{line}"
    );
}

/// Which call failed is in the line: `404 Not Found from leads_get (GET /lead/{lead_id}/): …`.
#[tokio::test]
async fn a_404_names_the_call() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/lead/lead_gone/");
            then.status(404)
                .json_body(json!({"error": "Lead matching query does not exist."}));
        })
        .await;
    let line = client(server.base_url())
        .leads()
        .get("lead_gone")
        .await
        .expect_err("404")
        .to_string();
    assert!(
        line.contains("/lead/") || line.contains("leads_get") || line.contains("leads().get"),
        "{line}"
    );
}

#[tokio::test]
async fn a_429_with_retry_after() {
    let server = MockServer::start_async().await;
    let limited = server
        .mock_async(|when, then| {
            when.method(GET).path("/me/");
            then.status(429)
                .header("Retry-After", "120")
                .json_body(json!({"error": "Too many requests"}));
        })
        .await;
    // Retries off: the 429 itself.
    let c = client(server.base_url()).with_retry_policy(RetryPolicy::none());
    let err = c.users().get_me().await.expect_err("429");
    println!("429, no retries: {err}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
    assert!(err.to_string().contains("429"), "{err}");
    // Default policy: Close asks for 120 s, above `max_server_wait` (60 s): not slept.
    let started = std::time::Instant::now();
    let err = client(server.base_url())
        .users()
        .get_me()
        .await
        .expect_err("too long");
    println!("429, Retry-After 120: {err}");
    assert!(started.elapsed() < Duration::from_secs(5));
    match &err {
        Error::ServerWaitTooLong {
            requested, limit, ..
        } => {
            assert_eq!(*requested, Duration::from_secs(120));
            assert_eq!(*limit, Duration::from_secs(60));
        }
        other => panic!("expected ServerWaitTooLong, got {other:?}"),
    }
    let line = err.to_string();
    assert!(line.contains("120") && line.contains("60"), "{line}");
    assert_eq!(limited.calls_async().await, 2);
}

/// A lead whose `contacts` is an object (a proxy or an old fixture): the line names where
/// decoding stopped.
#[tokio::test]
async fn a_weird_payload_is_a_decode_error_naming_the_member() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/lead/lead_1/");
            then.status(200).json_body(
                json!({"id": "lead_1", "display_name": "Acme", "contacts": {"id": "cont_1"}}),
            );
        })
        .await;
    let err = client(server.base_url())
        .leads()
        .get("lead_1")
        .await
        .expect_err("decode");
    println!("decode: {err}");
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    assert!(err.to_string().contains("contacts"), "{err}");
}

/// A non-JSON 2xx (an HTML login page from a proxy): the line should say what came back.
#[tokio::test]
async fn an_html_200_is_a_decode_error() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/me/");
            then.status(200)
                .header("content-type", "text/html")
                .body("<html><body>Sign in</body></html>");
        })
        .await;
    let err = client(server.base_url())
        .users()
        .get_me()
        .await
        .expect_err("decode");
    println!("html: {err}");
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
}

#[tokio::test]
async fn ambiguous_names_give_the_ids() {
    let close = MockClose::start().await;
    let c = client(close.base_url());
    let mut ids = Vec::new();
    for _ in 0..2 {
        let body = CreateOpportunityStatus {
            label: Some("Negotiation".into()),
            type_: Some(OpportunityStatusType::Active),
            ..Default::default()
        };
        ids.push(
            c.opportunity_statuses()
                .create(body)
                .await
                .expect("created")
                .id
                .expect("id"),
        );
    }
    let err = c
        .opportunity_statuses()
        .by_name("Negotiation")
        .await
        .expect_err("two of them");
    println!("ambiguous: {err}");
    match &err {
        Error::Ambiguous {
            count, ids: got, ..
        } => {
            assert_eq!(*count, 2);
            assert_eq!(got, &ids);
        }
        other => panic!("expected Ambiguous, got {other:?}"),
    }
    let line = err.to_string();
    assert!(
        line.contains("Negotiation") && ids.iter().all(|id| line.contains(id.as_str())),
        "{line}"
    );
}

/// A proxy's HTML page with a 200: the line says it was not JSON, its content type and how
/// the body starts.
#[tokio::test]
async fn an_html_200_says_it_was_html() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/me/");
            then.status(200)
                .header("content-type", "text/html")
                .body("<html><body>Sign in</body></html>");
        })
        .await;
    let line = client(server.base_url())
        .users()
        .get_me()
        .await
        .expect_err("decode")
        .to_string();
    assert!(line.contains("html") || line.contains("Sign in"), "{line}");
}

/// The decode line names the member once, the call and the type being read.
#[tokio::test]
async fn a_decode_error_names_the_call_once() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/lead/lead_1/");
            then.status(200)
                .json_body(json!({"id": "lead_1", "contacts": {"id": "cont_1"}}));
        })
        .await;
    let line = client(server.base_url())
        .leads()
        .get("lead_1")
        .await
        .expect_err("decode")
        .to_string();
    assert_eq!(line.matches("contacts").count(), 1, "{line}");
    assert!(
        line.contains("Lead") || line.contains("leads_get") || line.contains("/lead/"),
        "{line}"
    );
}

/// With `RetryPolicy::none()` (an app that schedules its own retries) a 429 asking for 5 s
/// says the wait, and `retry_after()` gives it.
#[tokio::test]
async fn a_429_with_retries_off_says_when_to_retry() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/me/");
            then.status(429)
                .header("Retry-After", "5")
                .json_body(json!({"error": "Too many requests"}));
        })
        .await;
    let c = client(server.base_url()).with_retry_policy(RetryPolicy::none());
    let err = c.users().get_me().await.expect_err("429");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
    let line = err.to_string();
    assert!(
        line.contains('5') && (line.contains("wait") || line.contains("retry")),
        "{line}"
    );
    assert_eq!(err.retry_after(), Some(Duration::from_secs(5)));
    assert_eq!(
        err.api_error().and_then(|a| a.retry_after()),
        Some(Duration::from_secs(5))
    );
    // Retries off: no retry policy refused the wait, and the line does not say one did.
    assert!(matches!(err, Error::Api(_)), "{err:?}");
    assert!(!line.contains("retry policy allows"), "{line}");
}
