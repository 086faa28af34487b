//! Feature `memberships` end to end over loopback: `PUT /membership/{id}/pinned_views/` through
//! `Client::memberships_update_pinned_views`: method, exact path, the API key's `Authorization` header,
//! the documented request body, and decoding of Close's documented response example
//! (`openapi/upstream/examples/close-memberships-api-openapi.yml`, carried into `openapi/close.json`).

use close_sdk_tests::resources::*;
use close_sdk_tests::*;
use httpmock::prelude::*;

#[tokio::test]
async fn memberships_update_pinned_views_sends_the_request_and_decodes_the_documented_example() {
    let server = MockServer::start_async().await;
    let request = request_example("put", "/membership/{id}/pinned_views/");
    let example = response_example("put", "/membership/{id}/pinned_views/");
    let mock = expect_call(
        &server,
        PUT,
        "/membership/memb_1/pinned_views/",
        Some(&request),
        200,
        &example,
    )
    .await;
    let response = api_key_client(&server)
        .memberships_update_pinned_views()
        .id("memb_1")
        .body(
            serde_json::from_value::<close_sdk::memberships::PinnedViews>(request.clone()).unwrap(),
        )
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    let pinned_views: close_sdk::memberships::PinnedViews = response.into_inner();
    assert_eq!(
        without_empty(&serde_json::to_value(&pinned_views).unwrap()),
        without_empty(&example)
    );
}
