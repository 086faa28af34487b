//! Feature `reporting` end to end over loopback: `POST /report/funnel/opportunity/totals/` through
//! `Client::reporting_get_funnel_totals`: method, exact path, the API key's `Authorization` header,
//! the JSON body and decoding of the response.
//!
//! The answer is the example of the api-evangelist/close catalogue at 0f961465
//! (openapi/close-reporting-api-openapi.yml, cut to one user row); both bodies are typed (issue 21).

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
        "aggregations": {"average_time_to_win": 3600, "count": 2, "count_total_complete": 2,
            "count_total_won": 1, "count_win_rate": 0.5, "sales_velocity": 1000000,
            "value_total_complete": 2000000, "value_total_won": 1000000, "value_win_rate": 0.5,
            "average_value_annualized_per_won_opportunity": 1000000},
        "data": [{"average_time_to_win": null, "count": 1, "count_total_complete": 1,
            "count_total_won": 0, "count_win_rate": 0, "sales_velocity": 0,
            "user_id": "user_Ova4RGFG7pztSeJiiMFdN7O2MFl71nD0uGO3bIOo4Wk",
            "value_total_complete": 1000000, "value_total_won": 0, "value_win_rate": 0}]
    });
    // The typed body carries every member of the example (nulls are not sent).
    let typed_request: close_sdk::types::FunnelReportRequest =
        serde_json::from_value(request.clone()).unwrap();
    assert_eq!(
        without_empty(&serde_json::to_value(&typed_request).unwrap()),
        without_empty(&request)
    );
    let request = serde_json::to_value(&typed_request).unwrap();
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
        .body(typed_request)
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    // Numbers compare as numbers (Close's `3600` decodes as the `f64` `3600.0`).
    let back = serde_json::to_value(response.into_inner()).unwrap();
    assert_eq!(
        first_difference(&without_empty(&example), &without_empty(&back), ""),
        None
    );
}
