//! Feature `field-enrichment` end to end over loopback: `POST /enrich_field/` through
//! `Client::field_enrichment_create`: method, exact path, the API key's `Authorization` header,
//! the JSON body and decoding of the response.
//!
//! Close documents no example for field enrichment; the request is built to the document's
//! `RunFieldEnrichment` schema (its four required fields) and the untyped response comes back
//! whole.

use close_sdk_tests::resources::*;
use close_sdk_tests::*;
use httpmock::prelude::*;
use serde_json::json;

#[tokio::test]
async fn field_enrichment_create_sends_the_request_and_decodes_the_response() {
    let server = MockServer::start_async().await;
    let request = json!({
        "organization_id": "orga_1",
        "object_type": "lead",
        "object_id": "lead_1",
        "field_id": "cf_1"
    });
    let example = json!({
        "status": "pending"
    });
    let mock = expect_call(
        &server,
        POST,
        "/enrich_field/",
        Some(&request),
        200,
        &example,
    )
    .await;
    let response = api_key_client(&server)
        .field_enrichment_create()
        .body(
            serde_json::from_value::<close_sdk::field_enrichment::RunFieldEnrichment>(
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
