//! Non-2xx answers surface as `Error::Api` with status, parsed body and rate-limit values.

// The extension traits' old names, deprecated where a handle call does the same, keep
// working: these tests call them on purpose.
#![allow(deprecated)]

use std::time::Duration;

use close_sdk::prelude::*;
use close_sdk::{ErrorDetail, RateLimit};
use close_sdk_tests::*;
use httpmock::prelude::*;
use serde_json::json;

async fn create_against(status: u16, body: &str, content_type: &str) -> Error {
    let server = MockServer::start_async().await;
    let body = body.to_string();
    let ct = content_type.to_string();
    server
        .mock_async(move |when, then| {
            when.method(POST).path("/membership/");
            then.status(status)
                .header("content-type", ct)
                .header("ratelimit", "limit=20, remaining=0, reset=0.512")
                .body(body);
        })
        .await;
    // Retries off: this file is about how one answer surfaces (retries are in resilience.rs).
    no_retry_client(&server)
        .create_membership("john@salesteam.com", Role::User)
        .await
        .unwrap_err()
}

#[tokio::test]
async fn validation_error_with_field_errors() {
    let err = create_against(
        400,
        r#"{"errors": [], "field-errors": {"email": "Enter a valid email address."}}"#,
        "application/json",
    )
    .await;
    assert_eq!(
        err.to_string(),
        "400 Bad Request from memberships_create (POST /membership/): email: Enter a valid email address."
    );
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    let fields = err.field_errors().unwrap();
    assert_eq!(fields["email"], "Enter a valid email address.");
}

#[tokio::test]
async fn unauthorized_forbidden_and_not_found() {
    let e = create_against(401, r#"{"error": "Unauthorized"}"#, "application/json").await;
    assert_eq!(
        e.to_string(),
        "401 Unauthorized from memberships_create (POST /membership/): Unauthorized"
    );
    let e = create_against(
        403,
        r#"{"error": "The verified domain restriction is disabled."}"#,
        "application/json",
    )
    .await;
    let api = e.api_error().unwrap();
    assert_eq!(api.status, 403);
    assert_eq!(
        api.body.error,
        Some(ErrorDetail::Message(
            "The verified domain restriction is disabled.".into()
        ))
    );
    let e = create_against(404, r#"{"error": "Not found"}"#, "application/json").await;
    assert_eq!(e.status().unwrap(), 404);
}

#[tokio::test]
async fn undocumented_429_keeps_body_and_rate_limit() {
    let e = create_against(
        429,
        r#"{"error": {"rate_reset": 0.512, "message": "API call count exceeded"}}"#,
        "application/json",
    )
    .await;
    let api = e.api_error().expect("an API error");
    assert_eq!(api.status, 429);
    assert_eq!(api.body.rate_reset(), Some(0.512));
    assert_eq!(
        api.rate_limit,
        Some(RateLimit {
            limit: Some(20),
            remaining: Some(0),
            reset: Some(Duration::from_millis(512))
        })
    );
    assert_eq!(
        e.to_string(),
        "429 Too Many Requests from memberships_create (POST /membership/): API call count exceeded \
         (Close asks to wait 0.512s before retrying)"
    );
}

#[tokio::test]
async fn undocumented_503_with_an_html_page_keeps_the_raw_text() {
    let e = create_against(
        503,
        "<html><body>Service Unavailable</body></html>",
        "text/html",
    )
    .await;
    let api = e.api_error().unwrap();
    assert_eq!(api.status, 503);
    assert_eq!(
        api.body.raw.as_deref(),
        Some("<html><body>Service Unavailable</body></html>")
    );
    assert!(
        e.to_string().starts_with(
            "503 Service Unavailable from memberships_create (POST /membership/): <html>"
        ),
        "{e}"
    );
}

#[tokio::test]
async fn documented_status_with_a_non_json_body_keeps_status_and_text() {
    // A proxy's 404 page: documented status, undecodable body. The status must survive.
    let e = create_against(404, "404 page not found", "text/plain").await;
    assert_eq!(e.status().unwrap(), 404);
    assert_eq!(
        e.api_error().unwrap().body.raw.as_deref(),
        Some("404 page not found")
    );
}

#[tokio::test]
async fn huge_error_bodies_are_bounded() {
    let big = "x".repeat(1 << 20);
    let e = create_against(500, &big, "text/plain").await;
    let raw = e.api_error().unwrap().body.raw.clone().unwrap();
    assert!(raw.len() < 16 * 1024, "{} bytes kept", raw.len());
}

#[tokio::test]
async fn unknown_fields_and_enum_values_are_tolerated() {
    let server = MockServer::start_async().await;
    let mut body = created_membership();
    body["auto_record_calls"] = json!("only_outbound");
    body["role_id"] = json!("owner");
    body["default_caller_id_mode"] = json!("auto");
    body["brand_new"] = json!({"nested": [1, 2, 3]});
    server
        .mock_async(|when, then| {
            when.method(POST).path("/membership/");
            then.status(200).json_body(body);
        })
        .await;
    let m = api_key_client(&server)
        .create_membership("john@salesteam.com", Role::User)
        .await
        .unwrap();
    assert_eq!(
        m.auto_record_calls.as_ref().map(AutoRecordCalls::as_str),
        Some("only_outbound")
    );
    assert!(matches!(
        m.auto_record_calls,
        Some(AutoRecordCalls::Unknown(_))
    ));
    assert_eq!(m.role_id.as_deref().unwrap(), "owner");
    assert_eq!(m.role(), None);
}

#[tokio::test]
async fn a_success_with_a_wrong_body_is_a_decode_error() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/membership/memb_1/pinned_views/");
            then.status(200)
                .json_body(json!({"saved_view_ids": "not a list"}));
        })
        .await;
    let e = api_key_client(&server)
        .pinned_views("memb_1")
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Decode { .. }), "{e:?}");
    assert!(e.to_string().starts_with("unexpected response body"), "{e}");
}

#[tokio::test]
async fn an_unreachable_server_is_a_transport_error() {
    // Bind then drop a listener so the port is (almost certainly) closed.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let client = close_sdk::Client::builder()
        .api_key(API_KEY)
        .base_url(format!("http://127.0.0.1:{port}"))
        .connect_timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    let e = client.delete_membership("memb_1").await.unwrap_err();
    assert!(
        matches!(e, Error::Transport(_) | Error::Timeout(_)),
        "{e:?}"
    );
    assert!(
        e.to_string().starts_with("could not reach Close")
            || e.to_string().starts_with("timed out"),
        "{e}"
    );
    assert!(!format!("{e:?}").contains(API_KEY));
}

/// A documented error status (400, 401, 403, 404) with no body at all is still `Error::Api`
/// with its status, not a decode failure of the empty body.
#[tokio::test]
async fn documented_error_statuses_with_an_empty_body_keep_their_status() {
    for status in [400u16, 401, 403, 404] {
        let err = create_against(status, "", "application/json").await;
        assert!(
            matches!(&err, Error::Api(api) if api.status.as_u16() == status && api.body.is_empty()),
            "{status}: {err:?}"
        );
    }
}
