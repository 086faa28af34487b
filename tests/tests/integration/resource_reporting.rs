//! Feature `reporting` end to end over loopback: `POST /report/funnel/opportunity/totals/` through
//! `Client::reporting_get_funnel_totals`: method, exact path, the API key's `Authorization` header,
//! the JSON body and decoding of the response.
//!
//! Close documents no example for reports and both bodies are untyped: this checks that the JSON
//! body goes out as given and the JSON answer comes back whole.

use close_sdk_tests::resources::*;
use close_sdk_tests::*;
use httpmock::prelude::*;
use serde_json::json;

#[tokio::test]
async fn reporting_get_funnel_totals_sends_the_request_and_decodes_the_response() {
    let server = MockServer::start_async().await;
    let request = json!({
        "pipeline": "pipe_1",
        "type": "created-cohort",
        "report_relative_range": "this-month"
    });
    let example = json!({
        "aggregations": [],
        "totals": {}
    });
    let mock = expect_call(
        &server,
        POST,
        "/report/funnel/opportunity/totals/",
        Some(&request),
        200,
        &example,
    )
    .await;
    let response = api_key_client(&server)
        .reporting_get_funnel_totals()
        .body(request.clone())
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(serde_json::Value::Object(response.into_inner()), example);
}
