//! Feature `playbooks` end to end over loopback: `POST /playbook/{id}/archive/` through
//! `Client::playbooks_archive`: method, exact path, the API key's `Authorization` header,
//! and decoding of the response.
//!
//! Close documents no example for playbooks; the response is built to the document's `Playbook`
//! schema (every required field).

use close_sdk_tests::resources::*;
use close_sdk_tests::*;
use httpmock::prelude::*;
use serde_json::json;

#[tokio::test]
async fn playbooks_archive_sends_the_request_and_decodes_the_response() {
    let server = MockServer::start_async().await;
    let example = json!({
        "id": "play_1",
        "name": "Discovery",
        "description": null,
        "summary_guidance": null,
        "organization_id": "orga_1",
        "position": 0,
        "custom_field_ids": [],
        "outcome_ids": [],
        "archived_at": "2024-02-01T09:00:00.000000+00:00",
        "archived_by_id": "user_1",
        "created_at": "2024-01-15T10:30:00.000000+00:00",
        "created_by_id": "user_1",
        "updated_at": "2024-02-01T09:00:00.000000+00:00",
        "updated_by_id": "user_1"
    });
    let mock = expect_call(
        &server,
        POST,
        "/playbook/play_1/archive/",
        None,
        200,
        &example,
    )
    .await;
    let response = api_key_client(&server)
        .playbooks_archive()
        .id("play_1")
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    let playbook: close_sdk::playbooks::Playbook = response.into_inner();
    assert_eq!(playbook.id.as_deref(), example["id"].as_str());
    assert_eq!(
        without_empty(&serde_json::to_value(&playbook).unwrap()),
        without_empty(&example)
    );
}
