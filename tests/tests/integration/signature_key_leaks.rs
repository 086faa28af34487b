//! Where a webhook subscription's `signature_key` could surface:
//! the generated list builder's untyped answer and the decode error of a subscription answer.
//! Each test is `#[ignore]`d with the defect it shows until the fix lands.

use std::time::Duration;

use close_sdk::prelude::*;
use close_sdk::webhooks::{Action, NewSubscription, ObjectType, SubscriptionEvent};
use close_sdk::RetryPolicy;
use close_sdk_tests::loopback_server::{LoopbackServer, Reply};
use close_sdk_tests::API_KEY;
use serde_json::{json, Value};

/// The key from Close's webhook examples.
const KEY: &str = "058bfb6a3d8cfdc4da7c3be5901b16ae11da982b46a25fb2cd7016e97a140a1c";

fn client(base: &str) -> Client {
    Client::builder()
        .api_key(API_KEY)
        .base_url(base)
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client")
        .with_retry_policy(RetryPolicy::none())
}

fn subscription(signature_key: &str) -> Value {
    json!({
        "id": "whsub_1",
        "url": "https://example.com/close",
        "events": [{"object_type": "lead", "action": "created"}],
        "status": "active",
        "verify_ssl": true,
        "signature_key": signature_key,
    })
}

/// `Client::webhooks_list` (generated) answers `Map<String, Value>`: every subscription's
/// `signature_key` (Close returns it on get, so on list too) is a plain JSON string, printed by
/// `Debug`. The get/create/update builders type it as `SignatureKey`; the list does not.
#[tokio::test]
async fn the_generated_webhook_list_never_shows_a_signature_key_in_debug() {
    let server =
        LoopbackServer::start(|_| Reply::json(200, &json!({"data": [subscription(KEY)]}))).await;
    let answer = client(&server.base_url())
        .webhooks_list()
        .send()
        .await
        .expect("a 200 answer");
    let shown = format!("{answer:?}");
    assert!(
        !shown.contains(&KEY[..16]),
        "Debug of webhooks_list's answer shows the key: {}",
        &shown[..shown.len().min(300)]
    );
}

/// When a subscription answer does not decode (here: Close returns the key in a form the SDK
/// does not parse, e.g. a future `whsec_…` prefix), `Error::Decode` keeps the raw body, key
/// included, and `Debug` of the error prints it: through the typed `create_webhook` and
/// `list_webhooks` and the generated `webhooks_create` alike.
#[tokio::test]
async fn a_webhook_answer_that_does_not_decode_never_shows_the_key_in_the_error() {
    let secret = format!("whsec_{KEY}");
    let body = subscription(&secret);
    let server = LoopbackServer::start(move |req| {
        if req.method == "GET" {
            Reply::json(200, &json!({ "data": [body.clone()] }))
        } else {
            Reply::json(201, &body)
        }
    })
    .await;
    let client = client(&server.base_url());

    let typed = client
        .create_webhook(
            NewSubscription::new("https://example.com/close")
                .event(SubscriptionEvent::new(ObjectType::Lead, Action::Created)),
        )
        .await
        .expect_err("the key does not parse");
    let generated = client
        .webhooks_create()
        .body(
            serde_json::from_value::<close_sdk::webhooks::CreateWebhook>(json!({
                "url": "https://example.com/close",
                "events": [{"object_type": "lead", "action": "created"}],
            }))
            .expect("a create body"),
        )
        .send()
        .await
        .map(drop)
        .expect_err("the key does not parse");
    let generated = generated;
    let listed = client
        .list_webhooks()
        .await
        .expect_err("the key does not parse");

    for (via, err) in [
        ("create_webhook", &typed),
        ("webhooks_create", &generated),
        ("list_webhooks", &listed),
    ] {
        for shown in [format!("{err:?}"), err.to_string()] {
            assert!(
                !shown.contains(&KEY[..16]),
                "{via}: the error shows the signature key: {}",
                &shown[..shown.len().min(400)]
            );
        }
    }
}
