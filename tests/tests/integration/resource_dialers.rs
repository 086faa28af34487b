//! Feature `dialers` end to end over loopback: `GET /dialer/{id}/` through
//! `Client::dialers_get`: method, exact path, the API key's `Authorization` header,
//! and decoding of the response.
//!
//! Close documents no example for dialer sessions and the response is untyped: this checks the
//! request and that the object comes back whole.

use close_sdk_tests::resources::*;
use close_sdk_tests::*;
use httpmock::prelude::*;
use serde_json::json;

#[tokio::test]
async fn dialers_get_sends_the_request_and_decodes_the_response() {
    let server = MockServer::start_async().await;
    let example = json!({
        "id": "dialer_1",
        "source_type": "smart_view"
    });
    let mock = expect_call(&server, GET, "/dialer/dialer_1/", None, 200, &example).await;
    let response = api_key_client(&server)
        .dialers_get()
        .id("dialer_1")
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(
        without_empty(&serde_json::to_value(response.into_inner()).unwrap()),
        without_empty(&example)
    );
}
