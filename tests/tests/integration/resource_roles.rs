//! Feature `roles` end to end over loopback: `PUT /role/{id}/` through
//! `Client::roles_update`: method, exact path, the API key's `Authorization` header,
//! the documented request body, and decoding of Close's documented response example
//! (`openapi/upstream/examples/close-roles-api-openapi.yml`, carried into `openapi/close.json`).

use close_sdk_tests::resources::*;
use close_sdk_tests::*;
use httpmock::prelude::*;

#[tokio::test]
async fn roles_update_sends_the_request_and_decodes_the_documented_example() {
    let server = MockServer::start_async().await;
    let request = request_example("put", "/role/{id}/");
    let example = response_example("put", "/role/{id}/");
    let mock = expect_call(
        &server,
        PUT,
        "/role/role_y6eLquXvRUdmwqi61tsmgCJUU7uGfxaRbDuLoONZL9p/",
        Some(&request),
        200,
        &example,
    )
    .await;
    let response = api_key_client(&server)
        .roles_update()
        .id("role_y6eLquXvRUdmwqi61tsmgCJUU7uGfxaRbDuLoONZL9p")
        .body(serde_json::from_value::<close_sdk::roles::UpdateRole>(request.clone()).unwrap())
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    let role_definition: close_sdk::roles::RoleDefinition = response.into_inner();
    assert_eq!(role_definition.id.as_deref(), example["id"].as_str());
    assert_eq!(
        without_empty(&serde_json::to_value(&role_definition).unwrap()),
        without_empty(&example)
    );
}
