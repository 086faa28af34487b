//! Feature `leads` end to end over loopback: `POST /lead/` through
//! `Client::leads_create`: method, exact path, the API key's `Authorization` header,
//! the documented request body, and decoding of Close's documented response example
//! (`openapi/upstream/examples/close-leads-api-openapi.yml`, carried into `openapi/close.json`).

use close_sdk_tests::resources::*;
use close_sdk_tests::*;
use httpmock::prelude::*;

#[tokio::test]
async fn leads_create_sends_the_request_and_decodes_the_documented_example() {
    let server = MockServer::start_async().await;
    let request = request_example("post", "/lead/");
    let example = response_example("post", "/lead/");
    let mock = expect_call(&server, POST, "/lead/", Some(&request), 200, &example).await;
    let response = api_key_client(&server)
        .leads_create()
        .body(serde_json::from_value::<close_sdk::types::CreateLead>(request.clone()).unwrap())
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    let lead: close_sdk::leads::Lead = response.into_inner();
    assert_eq!(lead.id.as_deref(), example["id"].as_str());
    assert_eq!(
        without_empty(&serde_json::to_value(&lead).unwrap()),
        without_empty(&example)
    );
}
