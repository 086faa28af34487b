//! Webhook receiving: envelopes Close could plausibly send that a
//! verified delivery must still decode, and the axum extractor's body limit. Each test is
//! `#[ignore]`d with the defect it shows until the fix lands.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use close_sdk::webhooks::{self, SignatureKey, Verifier, VerifyOptions, WebhookError};

/// The key from Close's webhook examples.
const KEY: &str = "058bfb6a3d8cfdc4da7c3be5901b16ae11da982b46a25fb2cd7016e97a140a1c";

fn key() -> SignatureKey {
    KEY.parse().expect("a hex key")
}

/// A delivery whose signature and timestamp pass must not be lost over one odd optional field:
/// `Event` documents "every field but `id`, `object_type` and `action` may be missing or
/// `null`" and keeps unknown fields, yet one `null` inside `changed_fields`, a `meta` that is
/// not an object (or has a number where a string is typed), or an empty or space-separated
/// date make the whole delivery `UnexpectedShape` (a 400 from the axum extractor: Close
/// retries for 72 h, then drops it).
/// Expected: the event decodes (the odd field becomes its default / `None`, or is kept raw).
#[test]
fn a_verified_delivery_with_one_odd_optional_field_still_decodes() {
    let at = "1544271440";
    let options = VerifyOptions::default().now(UNIX_EPOCH + Duration::from_secs(1_544_271_460));
    let mut refused = Vec::new();
    for odd in [
        r#""changed_fields":["status_id",null]"#,
        r#""meta":"bulk""#,
        r#""meta":{"request_method":null,"bulk_action_id":12}"#,
        r#""date_updated":"""#,
        r#""date_created":"2024-01-01 10:00:00""#,
    ] {
        let body = format!(
            r#"{{"event":{{"id":"ev_1","object_type":"lead","action":"updated",{odd}}},"subscription_id":"whsub_1"}}"#
        );
        let headers = webhooks::signed_headers(&key(), at, body.as_bytes());
        match webhooks::verify(body.as_bytes(), &headers, &key(), &options) {
            Ok(d) => assert_eq!(d.event.id, "ev_1"),
            Err(e) => refused.push(format!("{odd} -> {e}")),
        }
    }
    assert!(
        refused.is_empty(),
        "verified deliveries refused:\n{}",
        refused.join("\n")
    );
}

/// The extractor reads the body with its own limit (default 16 MiB) and ignores axum's
/// `DefaultBodyLimit` layer, which axum's own body extractors (`Bytes`, `Json`, `String`)
/// honour: a router capped at 1 KiB still buffers a 64 KiB unauthenticated body and answers
/// 401 instead of 413. (It also reads the whole body before looking at the signature headers.)
#[tokio::test]
async fn the_axum_extractor_honours_the_routers_default_body_limit() {
    use axum::extract::DefaultBodyLimit;
    use axum::routing::post;
    use close_sdk::webhooks::axum::VerifiedDelivery;

    let app = axum::Router::new()
        .route(
            "/hook",
            post(|VerifiedDelivery(d): VerifiedDelivery| async move { d.event.id }),
        )
        .layer(DefaultBodyLimit::max(1024))
        .with_state(Verifier::new(key()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client");
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
        .to_string();
    let body = format!(
        r#"{{"event":{{"id":"ev_1","object_type":"lead","action":"created","pad":"{}"}}}}"#,
        "x".repeat(64 * 1024)
    );
    let headers = webhooks::signed_headers(&key(), &now, body.as_bytes());
    let signed = client.post(&url).headers(headers).body(body.clone());
    let unsigned = client.post(&url).body(body);
    let statuses = tokio::time::timeout(Duration::from_secs(20), async {
        let a = signed.send().await.map(|r| r.status().as_u16());
        let b = unsigned.send().await.map(|r| r.status().as_u16());
        (a.ok(), b.ok())
    })
    .await
    .expect("answered in time");
    server.abort();
    // The signed body is refused by the router's limit; the unsigned one before its body is
    // read at all (no signature headers: 401 unread).
    assert_eq!(
        statuses,
        (Some(413), Some(401)),
        "(signed, unsigned) 64 KiB bodies past a 1 KiB DefaultBodyLimit"
    );
    // What the limit looks like when the extractor's own limit is used.
    assert!(matches!(
        Verifier::new(key())
            .body_limit(1024)
            .verify(&[b' '; 2048], &http::HeaderMap::new()),
        Err(WebhookError::BodyTooLarge { limit: 1024 })
    ));
}
