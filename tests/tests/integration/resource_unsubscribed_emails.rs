//! Feature `unsubscribed-emails` end to end over loopback: `POST /unsubscribe/email/` through
//! `Client::unsubscribed_emails_create`: method, exact path, the API key's `Authorization` header,
//! the JSON body and decoding of the response.
//!
//! Close documents no example for unsubscribed emails; the request is built to the document's
//! `CreateUnsubscribedEmail` schema and the untyped response comes back whole.

use close_sdk_tests::resources::*;
use close_sdk_tests::*;
use httpmock::prelude::*;
use serde_json::json;

#[tokio::test]
async fn unsubscribed_emails_create_sends_the_request_and_decodes_the_response() {
    let server = MockServer::start_async().await;
    let request = json!({
        "email": "ann@example.com"
    });
    let example = json!({
        "email": "ann@example.com",
        "date_created": "2024-01-15T10:30:00.000000+00:00"
    });
    let mock = expect_call(
        &server,
        POST,
        "/unsubscribe/email/",
        Some(&request),
        201,
        &example,
    )
    .await;
    let response = api_key_client(&server)
        .unsubscribed_emails_create()
        .body(
            serde_json::from_value::<close_sdk::unsubscribed_emails::CreateUnsubscribedEmail>(
                request.clone(),
            )
            .unwrap(),
        )
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(
        without_empty(&serde_json::to_value(response.into_inner()).unwrap()),
        without_empty(&example)
    );
}
