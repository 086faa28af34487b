//! Feature `groups` end to end over loopback: `PUT /group/{id}/` through
//! `Client::groups_update`: method, exact path, the API key's `Authorization` header,
//! the documented request body, and decoding of Close's documented response example
//! (`openapi/upstream/examples/close-groups-api-openapi.yml`, carried into `openapi/close.json`).

use close_sdk_tests::resources::*;
use close_sdk_tests::*;
use httpmock::prelude::*;

#[tokio::test]
async fn groups_update_sends_the_request_and_decodes_the_documented_example() {
    let server = MockServer::start_async().await;
    let request = request_example("put", "/group/{id}/");
    let example = response_example("put", "/group/{id}/");
    let mock = expect_call(
        &server,
        PUT,
        "/group/group_57P6QUf8b4BlepZJYgRj5W/",
        Some(&request),
        200,
        &example,
    )
    .await;
    let response = api_key_client(&server)
        .groups_update()
        .id("group_57P6QUf8b4BlepZJYgRj5W")
        .body(serde_json::from_value::<close_sdk::groups::UpdateGroup>(request.clone()).unwrap())
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    let group: close_sdk::groups::Group = response.into_inner();
    assert_eq!(group.id.as_deref(), example["id"].as_str());
    assert_eq!(
        without_empty(&serde_json::to_value(&group).unwrap()),
        without_empty(&example)
    );
}
