//! Feature `bulk-actions` end to end over loopback: `POST /bulk_action/edit/` through
//! `Client::bulk_actions_edit_create`: method, exact path, the API key's `Authorization` header,
//! the documented request body, and decoding of Close's documented response example
//! (`openapi/upstream/examples/close-bulk-actions-edit-api-openapi.yml`, carried into `openapi/close.json`).

use close_sdk_tests::resources::*;
use close_sdk_tests::*;
use httpmock::prelude::*;

#[tokio::test]
async fn bulk_actions_edit_create_sends_the_request_and_decodes_the_documented_example() {
    let server = MockServer::start_async().await;
    let request = request_example("post", "/bulk_action/edit/");
    let example = response_example("post", "/bulk_action/edit/");
    // The typed body carries every member of the example (nulls are not sent).
    let typed_request: close_sdk::types::CreateBulkEdit =
        serde_json::from_value(request.clone()).unwrap();
    assert_eq!(
        without_empty(&serde_json::to_value(&typed_request).unwrap()),
        without_empty(&request)
    );
    let request = serde_json::to_value(&typed_request).unwrap();
    let mock = expect_call(
        &server,
        POST,
        "/bulk_action/edit/",
        Some(&request),
        200,
        &example,
    )
    .await;
    let response = api_key_client(&server)
        .bulk_actions_edit_create()
        .body(typed_request)
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    let bulk_edit_action: close_sdk::bulk_actions::BulkEditAction = response.into_inner();
    assert_eq!(bulk_edit_action.id.as_deref(), example["id"].as_str());
    assert_eq!(
        without_empty(&serde_json::to_value(&bulk_edit_action).unwrap()),
        without_empty(&example)
    );
}
