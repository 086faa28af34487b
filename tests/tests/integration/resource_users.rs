//! Feature `users` end to end over loopback: `GET /user/{id}/` through
//! `Client::users_get`: method, exact path, the API key's `Authorization` header,
//! and decoding of Close's documented response example
//! (`openapi/upstream/examples/close-users-api-openapi.yml`, carried into `openapi/close.json`).

use close_sdk_tests::resources::*;
use close_sdk_tests::*;
use httpmock::prelude::*;

#[tokio::test]
async fn users_get_sends_the_request_and_decodes_the_documented_example() {
    let server = MockServer::start_async().await;
    let example = response_example("get", "/user/{id}/");
    let mock = expect_call(
        &server,
        GET,
        "/user/user_N6KhMpzHRCYQHdn4gRNIFNN5JExnsrprKA6ekxM63XA/",
        None,
        200,
        &example,
    )
    .await;
    let response = api_key_client(&server)
        .users_get()
        .id("user_N6KhMpzHRCYQHdn4gRNIFNN5JExnsrprKA6ekxM63XA")
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    let user: close_sdk::users::User = response.into_inner();
    assert_eq!(user.id.as_deref(), example["id"].as_str());
    assert_eq!(
        without_empty(&serde_json::to_value(&user).unwrap()),
        without_empty(&example)
    );
}
