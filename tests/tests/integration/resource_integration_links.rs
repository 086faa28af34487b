//! Feature `integration-links` end to end over loopback: `POST /integration_link/` through
//! `Client::integration_links_create`: method, exact path, the API key's `Authorization` header,
//! the documented request body, and decoding of Close's documented response example
//! (`openapi/upstream/examples/close-integration-links-api-openapi.yml`, carried into `openapi/close.json`).

use close_sdk_tests::resources::*;
use close_sdk_tests::*;
use httpmock::prelude::*;

#[tokio::test]
async fn integration_links_create_sends_the_request_and_decodes_the_documented_example() {
    let server = MockServer::start_async().await;
    let request = request_example("post", "/integration_link/");
    let example = response_example("post", "/integration_link/");
    let mock = expect_call(
        &server,
        POST,
        "/integration_link/",
        Some(&request),
        200,
        &example,
    )
    .await;
    let response = api_key_client(&server)
        .integration_links_create()
        .body(
            serde_json::from_value::<close_sdk::integration_links::CreateIntegrationLink>(
                request.clone(),
            )
            .unwrap(),
        )
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    let integration_link: close_sdk::integration_links::IntegrationLink = response.into_inner();
    assert_eq!(integration_link.id.as_deref(), example["id"].as_str());
    assert_eq!(
        without_empty(&serde_json::to_value(&integration_link).unwrap()),
        without_empty(&example)
    );
}
