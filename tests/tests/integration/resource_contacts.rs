//! Feature `contacts` end to end over loopback: `POST /contact/` through
//! `Client::contacts_create`: method, exact path, the API key's `Authorization` header,
//! the documented request body, and decoding of Close's documented response example
//! (`openapi/upstream/examples/close-contacts-api-openapi.yml`, carried into `openapi/close.json`).

use close_sdk_tests::resources::*;
use close_sdk_tests::*;
use httpmock::prelude::*;

#[tokio::test]
async fn contacts_create_sends_the_request_and_decodes_the_documented_example() {
    let server = MockServer::start_async().await;
    let request = request_example("post", "/contact/");
    let example = response_example("post", "/contact/");
    let mock = expect_call(&server, POST, "/contact/", Some(&request), 200, &example).await;
    let response = api_key_client(&server)
        .contacts_create()
        .body(serde_json::from_value::<close_sdk::types::CreateContact>(request.clone()).unwrap())
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    let contact: close_sdk::contacts::Contact = response.into_inner();
    assert_eq!(contact.id.as_deref(), example["id"].as_str());
    assert_eq!(
        without_empty(&serde_json::to_value(&contact).unwrap()),
        without_empty(&example)
    );
}
