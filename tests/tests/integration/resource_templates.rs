//! Feature `templates` end to end over loopback: `POST /email_template/` through
//! `Client::email_templates_create`: method, exact path, the API key's `Authorization` header,
//! the documented request body, and decoding of Close's documented response example
//! (`openapi/upstream/examples/close-email-templates-api-openapi.yml`, carried into `openapi/close.json`).

use close_sdk_tests::resources::*;
use close_sdk_tests::*;
use httpmock::prelude::*;

#[tokio::test]
async fn email_templates_create_sends_the_request_and_decodes_the_documented_example() {
    let server = MockServer::start_async().await;
    let request = request_example("post", "/email_template/");
    let example = response_example("post", "/email_template/");
    // The typed body carries every member of the example (nulls are not sent).
    let typed_request: close_sdk::types::CreateEmailTemplate =
        serde_json::from_value(request.clone()).unwrap();
    assert_eq!(
        without_empty(&serde_json::to_value(&typed_request).unwrap()),
        without_empty(&request)
    );
    let request = serde_json::to_value(&typed_request).unwrap();
    let mock = expect_call(
        &server,
        POST,
        "/email_template/",
        Some(&request),
        200,
        &example,
    )
    .await;
    let response = api_key_client(&server)
        .email_templates_create()
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
