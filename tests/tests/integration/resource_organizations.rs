//! Feature `organizations` end to end over loopback: `PUT /organization/{id}/` through
//! `Client::organizations_update`: method, exact path, the API key's `Authorization` header,
//! the documented request body, and decoding of Close's documented response example
//! (`openapi/upstream/examples/close-organizations-api-openapi.yml`, carried into `openapi/close.json`).

use close_sdk_tests::resources::*;
use close_sdk_tests::*;
use httpmock::prelude::*;

#[tokio::test]
async fn organizations_update_sends_the_request_and_decodes_the_documented_example() {
    let server = MockServer::start_async().await;
    let request = request_example("put", "/organization/{id}/");
    let example = response_example("put", "/organization/{id}/");
    let mock = expect_call(
        &server,
        PUT,
        "/organization/orga_RbREgmiiwcr1w2b4cOnCMQaQPSIFxMqAD2Dh243uxcH/",
        Some(&request),
        200,
        &example,
    )
    .await;
    let response = api_key_client(&server)
        .organizations_update()
        .id("orga_RbREgmiiwcr1w2b4cOnCMQaQPSIFxMqAD2Dh243uxcH")
        .body(
            serde_json::from_value::<close_sdk::organizations::UpdateOrganization>(request.clone())
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    let organization: close_sdk::organizations::Organization = response.into_inner();
    assert_eq!(organization.id.as_deref(), example["id"].as_str());
    assert_eq!(
        without_empty(&serde_json::to_value(&organization).unwrap()),
        without_empty(&example)
    );
}
