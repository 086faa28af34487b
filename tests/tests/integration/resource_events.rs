//! Feature `events` end to end over loopback: `GET /event/{id}/` through
//! `Client::events_get`: method, exact path, the API key's `Authorization` header,
//! and decoding of Close's documented response example
//! (`openapi/upstream/examples/close-events-api-openapi.yml`, carried into `openapi/close.json`).

use close_sdk_tests::resources::*;
use close_sdk_tests::*;
use httpmock::prelude::*;

#[tokio::test]
async fn events_get_sends_the_request_and_decodes_the_documented_example() {
    let server = MockServer::start_async().await;
    let example = response_example("get", "/event/{id}/");
    let mock = expect_call(
        &server,
        GET,
        "/event/ev_17VaZdcdnsMNyWY9ZJnjph/",
        None,
        200,
        &example,
    )
    .await;
    let response = api_key_client(&server)
        .events_get()
        .id("ev_17VaZdcdnsMNyWY9ZJnjph")
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(
        without_empty(&serde_json::to_value(response.into_inner()).unwrap()),
        without_empty(&example)
    );
}
