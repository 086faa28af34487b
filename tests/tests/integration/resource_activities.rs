//! Feature `activities` end to end over loopback: `POST /activity/note/` through
//! `Client::activities_notes_create`: method, exact path, the API key's `Authorization` header,
//! the documented request body, and decoding of Close's documented response example
//! (`openapi/upstream/examples/close-activities-notes-api-openapi.yml`, carried into `openapi/close.json`).

use close_sdk_tests::resources::*;
use close_sdk_tests::*;
use httpmock::prelude::*;

#[tokio::test]
async fn activities_notes_create_sends_the_request_and_decodes_the_documented_example() {
    let server = MockServer::start_async().await;
    let request = request_example("post", "/activity/note/");
    let example = response_example("post", "/activity/note/");
    let mock = expect_call(
        &server,
        POST,
        "/activity/note/",
        Some(&request),
        200,
        &example,
    )
    .await;
    let response = api_key_client(&server)
        .activities_notes_create()
        .body(
            serde_json::from_value::<close_sdk::activities::CreateNoteActivity>(request.clone())
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    let activity_base: close_sdk::activities::NoteActivity = response.into_inner();
    assert_eq!(activity_base.id.as_deref(), example["id"].as_str());
    assert_eq!(
        without_empty(&serde_json::to_value(&activity_base).unwrap()),
        without_empty(&example)
    );
}
