//! Feature `smart-views` end to end over loopback: `POST /saved_search/` through
//! `Client::smart_views_create`: method, exact path, the API key's `Authorization` header,
//! the documented request body, and decoding of Close's documented response example
//! (`openapi/upstream/examples/close-smart-views-api-openapi.yml`, carried into `openapi/close.json`).

use close_sdk_tests::resources::*;
use close_sdk_tests::*;
use httpmock::prelude::*;

#[tokio::test]
async fn smart_views_create_sends_the_request_and_decodes_the_documented_example() {
    let server = MockServer::start_async().await;
    let request = request_example("post", "/saved_search/");
    let example = response_example("post", "/saved_search/");
    let mock = expect_call(
        &server,
        POST,
        "/saved_search/",
        Some(&request),
        200,
        &example,
    )
    .await;
    let response = api_key_client(&server)
        .smart_views_create()
        .body(serde_json::from_value::<close_sdk::types::CreateSmartView>(request.clone()).unwrap())
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    let saved_search: close_sdk::smart_views::SmartView = response.into_inner();
    assert_eq!(saved_search.id.as_deref(), example["id"].as_str());
    assert_eq!(
        without_empty(&serde_json::to_value(&saved_search).unwrap()),
        without_empty(&example)
    );
}
