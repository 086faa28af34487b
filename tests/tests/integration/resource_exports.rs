//! Feature `exports` end to end over loopback: `POST /export/lead/` through
//! `Client::exports_create_lead`: method, exact path, the API key's `Authorization` header,
//! the documented request body, and decoding of Close's documented response example
//! (`openapi/upstream/examples/close-exports-api-openapi.yml`, carried into `openapi/close.json`).

use close_sdk_tests::resources::*;
use close_sdk_tests::*;
use httpmock::prelude::*;

#[tokio::test]
async fn exports_create_lead_sends_the_request_and_decodes_the_documented_example() {
    let server = MockServer::start_async().await;
    let request = request_example("post", "/export/lead/");
    let example = response_example("post", "/export/lead/");
    // The typed body carries every member of the example (nulls are not sent).
    let typed_request: close_sdk::types::CreateLeadExport =
        serde_json::from_value(request.clone()).unwrap();
    assert_eq!(
        without_empty(&serde_json::to_value(&typed_request).unwrap()),
        without_empty(&request)
    );
    let request = serde_json::to_value(&typed_request).unwrap();
    let mock = expect_call(
        &server,
        POST,
        "/export/lead/",
        Some(&request),
        200,
        &example,
    )
    .await;
    let response = api_key_client(&server)
        .exports_create_lead()
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
