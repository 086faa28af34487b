//! Feature `scheduling-links` end to end over loopback: `POST /scheduling_link/` through
//! `Client::scheduling_links_create`: method, exact path, the API key's `Authorization` header,
//! the JSON body and decoding of the response.
//!
//! Close documents no example for scheduling links and both bodies are untyped: this checks that
//! the JSON body goes out as given and the answer comes back whole.

use close_sdk_tests::resources::*;
use close_sdk_tests::*;
use httpmock::prelude::*;
use serde_json::json;

#[tokio::test]
async fn scheduling_links_create_sends_the_request_and_decodes_the_response() {
    let server = MockServer::start_async().await;
    let request = json!({
        "name": "Intro call",
        "url": "https://example.com/intro",
        "duration": 30
    });
    let example = json!({
        "id": "schlink_1",
        "name": "Intro call",
        "url": "https://example.com/intro",
        "duration": 30
    });
    // The typed body carries every member of the example (nulls are not sent).
    let typed_request: close_sdk::types::CreateSchedulingLink =
        serde_json::from_value(request.clone()).unwrap();
    assert_eq!(
        without_empty(&serde_json::to_value(&typed_request).unwrap()),
        without_empty(&request)
    );
    let request = serde_json::to_value(&typed_request).unwrap();
    let mock = expect_call(
        &server,
        POST,
        "/scheduling_link/",
        Some(&request),
        201,
        &example,
    )
    .await;
    let response = api_key_client(&server)
        .scheduling_links_create()
        .body(typed_request)
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(
        without_empty(&serde_json::to_value(response.into_inner()).unwrap()),
        without_empty(&example)
    );
}
