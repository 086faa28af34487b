//! Feature `custom-fields` end to end over loopback: `POST /custom_field/lead/` through
//! `Client::custom_fields_lead_create`: method, exact path, the API key's `Authorization` header,
//! the documented request body, and decoding of Close's documented response example
//! (`openapi/upstream/examples/close-custom-fields-lead-api-openapi.yml`, carried into `openapi/close.json`).

use close_sdk_tests::resources::*;
use close_sdk_tests::*;
use httpmock::prelude::*;

#[tokio::test]
async fn custom_fields_lead_create_sends_the_request_and_decodes_the_documented_example() {
    let server = MockServer::start_async().await;
    let request = request_example("post", "/custom_field/lead/");
    let example = response_example("post", "/custom_field/lead/");
    let mock = expect_call(
        &server,
        POST,
        "/custom_field/lead/",
        Some(&request),
        200,
        &example,
    )
    .await;
    let response = api_key_client(&server)
        .custom_fields_lead_create()
        .body(
            serde_json::from_value::<close_sdk::types::CreateCustomField>(request.clone()).unwrap(),
        )
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    let decoded: close_sdk::types::CustomField = response.into_inner();
    assert_eq!(
        without_empty(&serde_json::to_value(&decoded).unwrap()),
        without_empty(&example)
    );
}
