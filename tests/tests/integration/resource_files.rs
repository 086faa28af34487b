//! Feature `files` end to end over loopback: `POST /files/upload/` through
//! `Client::files_create`: method, exact path, the API key's `Authorization` header,
//! the documented request body, and decoding of Close's documented response example
//! (`openapi/upstream/examples/close-files-api-openapi.yml`, carried into `openapi/close.json`).

use close_sdk_tests::resources::*;
use close_sdk_tests::*;
use httpmock::prelude::*;

#[tokio::test]
async fn files_create_sends_the_request_and_decodes_the_documented_example() {
    let server = MockServer::start_async().await;
    let request = request_example("post", "/files/upload/");
    let example = response_example("post", "/files/upload/");
    let mock = expect_call(
        &server,
        POST,
        "/files/upload/",
        Some(&request),
        200,
        &example,
    )
    .await;
    let response = api_key_client(&server)
        .files_create()
        .body(serde_json::from_value::<close_sdk::files::UploadFile>(request.clone()).unwrap())
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(
        without_empty(&serde_json::to_value(response.into_inner()).unwrap()),
        without_empty(&example)
    );
}
