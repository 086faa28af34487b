//! Feature `outcomes` end to end over loopback: `POST /outcome/` through
//! `Client::outcomes_create`: method, exact path, the API key's `Authorization` header,
//! the JSON body and decoding of the response.
//!
//! Close documents no example for outcomes; request and response are built to the document's
//! `CreateOutcome` and `Outcome` schemas (every required field, the nullable ones null).

use close_sdk_tests::resources::*;
use close_sdk_tests::*;
use httpmock::prelude::*;
use serde_json::json;

#[tokio::test]
async fn outcomes_create_sends_the_request_and_decodes_the_response() {
    let server = MockServer::start_async().await;
    let request = json!({
        "name": "Voicemail dropped",
        "type": "vm-dropped",
        "applies_to": [
            "calls"
        ]
    });
    let example = json!({
        "id": "outc_1",
        "name": "Voicemail dropped",
        "type": "vm-dropped",
        "applies_to": [
            "calls"
        ],
        "description": null,
        "organization_id": "orga_1",
        "created_by": null,
        "updated_by": null,
        "date_created": "2024-01-15T10:30:00.000000+00:00",
        "date_updated": "2024-01-15T10:30:00.000000+00:00"
    });
    let mock = expect_call(&server, POST, "/outcome/", Some(&request), 201, &example).await;
    let response = api_key_client(&server)
        .outcomes_create()
        .body(
            serde_json::from_value::<close_sdk::outcomes::CreateOutcome>(request.clone()).unwrap(),
        )
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    let outcome: close_sdk::outcomes::Outcome = response.into_inner();
    assert_eq!(outcome.id.as_deref(), example["id"].as_str());
    assert_eq!(
        without_empty(&serde_json::to_value(&outcome).unwrap()),
        without_empty(&example)
    );
}
