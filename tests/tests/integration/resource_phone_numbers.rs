//! Feature `phone-numbers` end to end over loopback: `PUT /phone_number/{id}/` through
//! `Client::phone_numbers_update`: method, exact path, the API key's `Authorization` header,
//! the documented request body, and decoding of Close's documented response example
//! (`openapi/upstream/examples/close-phone-numbers-api-openapi.yml`, carried into `openapi/close.json`).

use close_sdk_tests::resources::*;
use close_sdk_tests::*;
use httpmock::prelude::*;

#[tokio::test]
async fn phone_numbers_update_sends_the_request_and_decodes_the_documented_example() {
    let server = MockServer::start_async().await;
    let request = request_example("put", "/phone_number/{id}/");
    let example = response_example("put", "/phone_number/{id}/");
    let mock = expect_call(
        &server,
        PUT,
        "/phone_number/phon_asdjkfev50ZKOqTVndOFN4effzv99vDvpDxrks9XLU3/",
        Some(&request),
        200,
        &example,
    )
    .await;
    let response = api_key_client(&server)
        .phone_numbers_update()
        .id("phon_asdjkfev50ZKOqTVndOFN4effzv99vDvpDxrks9XLU3")
        .body(
            serde_json::from_value::<close_sdk::phone_numbers::UpdatePhoneNumber>(request.clone())
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    let phone_number: close_sdk::phone_numbers::PhoneNumber = response.into_inner();
    assert_eq!(phone_number.id.as_deref(), example["id"].as_str());
    assert_eq!(
        without_empty(&serde_json::to_value(&phone_number).unwrap()),
        without_empty(&example)
    );
}
