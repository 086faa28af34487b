//! Feature `webhooks` end to end over loopback: `POST /webhook/` through
//! `Client::webhooks_create`: method, exact path, the API key's `Authorization` header,
//! the documented request body, and decoding of Close's documented response example
//! (`openapi/upstream/examples/close-webhooks-api-openapi.yml`, carried into `openapi/close.json`).

use close_sdk_tests::resources::*;
use close_sdk_tests::*;
use httpmock::prelude::*;

#[tokio::test]
async fn webhooks_create_sends_the_request_and_decodes_the_documented_example() {
    let server = MockServer::start_async().await;
    let request = request_example("post", "/webhook/");
    let example = response_example("post", "/webhook/");
    let mock = expect_call(&server, POST, "/webhook/", Some(&request), 201, &example).await;
    let response = api_key_client(&server)
        .webhooks_create()
        .body(
            serde_json::from_value::<close_sdk::webhooks::CreateWebhook>(request.clone()).unwrap(),
        )
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    let webhook_subscription: close_sdk::types::WebhookSubscription = response.into_inner();
    assert_eq!(webhook_subscription.id.as_deref(), example["id"].as_str());
    assert_eq!(
        without_empty(&serde_json::to_value(&webhook_subscription).unwrap()),
        without_empty(&example)
    );
    // The signature key is a secret: decoded as `SignatureKey`, never in `Debug`.
    let key = example["signature_key"]
        .as_str()
        .expect("the example has a key");
    assert!(webhook_subscription.signature_key.is_some());
    assert!(!format!("{webhook_subscription:?}").contains(key));
}
