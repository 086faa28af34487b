//! Feature `connected-accounts` end to end over loopback: `GET /connected_account/{id}/` through
//! `Client::connected_accounts_get`: method, exact path, the API key's `Authorization` header,
//! and decoding of the response.
//!
//! Close documents no example for connected accounts (neither the whole document nor a per-tag
//! extract has one), and the response is untyped there: this checks the request and that the
//! object Close returns comes back whole.

use close_sdk_tests::resources::*;
use close_sdk_tests::*;
use httpmock::prelude::*;
use serde_json::json;

#[tokio::test]
async fn connected_accounts_get_sends_the_request_and_decodes_the_response() {
    let server = MockServer::start_async().await;
    let example = json!({
        "id": "emailacct_1",
        "_type": "google",
        "email": "ann@example.com"
    });
    let mock = expect_call(
        &server,
        GET,
        "/connected_account/emailacct_1/",
        None,
        200,
        &example,
    )
    .await;
    let response = api_key_client(&server)
        .connected_accounts_get()
        .id("emailacct_1")
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(
        without_empty(&serde_json::to_value(response.into_inner()).unwrap()),
        without_empty(&example)
    );
}
