//! Feature `opportunities` end to end over loopback: `POST /opportunity/` through
//! `Client::opportunities_create`: method, exact path, the API key's `Authorization` header,
//! the documented request body, and decoding of Close's documented response example
//! (`openapi/upstream/examples/close-opportunities-api-openapi.yml`, carried into `openapi/close.json`).

use close_sdk_tests::resources::*;
use close_sdk_tests::*;
use httpmock::prelude::*;

#[tokio::test]
async fn opportunities_create_sends_the_request_and_decodes_the_documented_example() {
    let server = MockServer::start_async().await;
    let request = request_example("post", "/opportunity/");
    let example = response_example("post", "/opportunity/");
    let mock = expect_call(
        &server,
        POST,
        "/opportunity/",
        Some(&request),
        200,
        &example,
    )
    .await;
    let response = api_key_client(&server)
        .opportunities_create()
        .body(
            serde_json::from_value::<close_sdk::opportunities::CreateOpportunity>(request.clone())
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    let opportunity: close_sdk::opportunities::Opportunity = response.into_inner();
    assert_eq!(opportunity.id.as_deref(), example["id"].as_str());
    assert_eq!(
        without_empty(&serde_json::to_value(&opportunity).unwrap()),
        without_empty(&example)
    );
}
