//! Feature `tasks` end to end over loopback: `POST /task/` through
//! `Client::tasks_create`: method, exact path, the API key's `Authorization` header,
//! the documented request body, and decoding of Close's documented response example
//! (`openapi/upstream/examples/close-tasks-api-openapi.yml`, carried into `openapi/close.json`).

use close_sdk_tests::resources::*;
use close_sdk_tests::*;
use httpmock::prelude::*;

#[tokio::test]
async fn tasks_create_sends_the_request_and_decodes_the_documented_example() {
    let server = MockServer::start_async().await;
    let request = request_example("post", "/task/");
    let example = response_example("post", "/task/");
    let mock = expect_call(&server, POST, "/task/", Some(&request), 200, &example).await;
    let response = api_key_client(&server)
        .tasks_create()
        .body(serde_json::from_value::<close_sdk::types::CreateTask>(request.clone()).unwrap())
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    let decoded: close_sdk::types::Task = response.into_inner();
    assert_eq!(
        without_empty(&serde_json::to_value(&decoded).unwrap()),
        without_empty(&example)
    );
}
