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
        .body(request.clone())
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(serde_json::Value::Object(response.into_inner()), example);
}
