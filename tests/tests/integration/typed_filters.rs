//! Typed filters on the generated requests (issue 20, `close-sdk-gen/src/openapi/query_types.rs` and the
//! overlay's "Typed query filters"): the exact query string a date, a timestamp, an enum, an
//! unknown enum value and an id list from a slice go out as, and a hostile id refused with
//! nothing sent.

use std::time::Duration;

use close_sdk::types::{OpportunityStatusType, OpportunityValuePeriod, TaskView};
use close_sdk::{Client, Date, DateOrTimestamp, Error, IdList, RetryPolicy, Timestamp};
use close_sdk_tests::loopback_server::{LoopbackServer, Reply};
use close_sdk_tests::API_KEY;
use serde_json::json;

async fn start() -> (LoopbackServer, Client) {
    let server =
        LoopbackServer::start(|_| Reply::json(200, &json!({"data": [], "has_more": false}))).await;
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(server.base_url())
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client")
        .with_retry_policy(RetryPolicy::none());
    (server, client)
}

/// The one request line the server read.
fn only_line(server: &LoopbackServer) -> String {
    let lines = server.request_lines();
    assert_eq!(lines.len(), 1, "{lines:?}");
    lines[0].clone()
}

#[tokio::test]
async fn a_date_and_a_timestamp_go_as_their_text() {
    let (server, client) = start().await;
    let at: Timestamp = "2026-01-31T08:00:00+00:00".parse().unwrap();
    client
        .tasks()
        .list()
        .date_gte(Date::new(2026, 1, 1).unwrap())
        .date_created_lt(at)
        .due_date_lte("2026-02-28")
        .await
        .unwrap();
    assert_eq!(
        only_line(&server),
        "GET /task/?date__gte=2026-01-01&date_created__lt=2026-01-31T08%3A00%3A00%2B00%3A00\
         &due_date__lte=2026-02-28"
    );
}

#[tokio::test]
async fn text_that_is_not_a_date_is_refused_and_nothing_is_sent() {
    let (server, client) = start().await;
    let e = client
        .opportunities()
        .list()
        .date_won_gte("last tuesday")
        .await
        .unwrap_err();
    assert!(matches!(e, Error::InvalidRequest(_)), "{e:?}");
    assert!(e.to_string().contains("date_won_gte"), "{e}");
    assert_eq!(server.requests(), 0);
}

#[tokio::test]
async fn documented_enums_go_as_close_spells_them() {
    let (server, client) = start().await;
    client
        .opportunities()
        .list()
        .status_type(OpportunityStatusType::Won)
        .status_type_in(vec![
            OpportunityStatusType::Active,
            OpportunityStatusType::Won,
        ])
        .value_period(OpportunityValuePeriod::OneTime)
        .await
        .unwrap();
    assert_eq!(
        only_line(&server),
        "GET /opportunity/?status_type=won&status_type__in=active%2Cwon&value_period=one_time"
    );
    let (server, client) = start().await;
    client.tasks().list().view(TaskView::Archive).await.unwrap();
    assert_eq!(only_line(&server), "GET /task/?view=archive");
}

/// A value Close sent that this SDK does not know (decoded into the open enum's `Unknown`) is
/// sent back exactly; text that names no known value is refused before anything is sent.
#[tokio::test]
async fn an_unknown_enum_value_from_close_goes_back_as_it_came() {
    let (server, client) = start().await;
    let pending: OpportunityStatusType = serde_json::from_value(json!("pending")).unwrap();
    client
        .opportunities()
        .list()
        .status_type(pending)
        .await
        .unwrap();
    assert_eq!(only_line(&server), "GET /opportunity/?status_type=pending");

    let (server, client) = start().await;
    let e = client
        .opportunities()
        .list()
        .status_type("pending")
        .await
        .unwrap_err();
    assert!(matches!(e, Error::InvalidRequest(_)), "{e:?}");
    assert_eq!(server.requests(), 0);
}

#[tokio::test]
async fn an_id_list_from_a_slice_is_one_comma_separated_value() {
    let (server, client) = start().await;
    let ids: &[&str] = &["task_a", "task_b"];
    client.tasks().list().id_in(ids).await.unwrap();
    assert_eq!(only_line(&server), "GET /task/?id__in=task_a%2Ctask_b");

    // A `Vec<String>`, a slice of `String`s and an `IdList` work the same.
    let (server, client) = start().await;
    let users = vec!["user_1".to_string(), "user_2".to_string()];
    client
        .opportunities()
        .list()
        .user_id_in(&users[..])
        .status_id_in(IdList::from(vec!["stat_1"]))
        .await
        .unwrap();
    assert_eq!(
        only_line(&server),
        "GET /opportunity/?status_id__in=stat_1&user_id__in=user_1%2Cuser_2"
    );
    let (server, client) = start().await;
    client.activities().list().lead_id(users).await.unwrap();
    assert_eq!(only_line(&server), "GET /activity/?lead_id=user_1%2Cuser_2");
}

#[tokio::test]
async fn a_hostile_id_in_a_list_is_refused_and_nothing_is_sent() {
    for bad in [
        "lead_b,lead_c",
        "../lead",
        "lead/b",
        "lead?x=1",
        "lead#b",
        "lead b",
        "",
    ] {
        let (server, client) = start().await;
        let e = client
            .activities()
            .list()
            .id_in(["acti_a", bad])
            .await
            .unwrap_err();
        assert!(matches!(e, Error::InvalidRequest(_)), "{bad:?}: {e:?}");
        assert!(e.to_string().contains("`id__in`"), "{bad:?}: {e}");
        assert_eq!(server.requests(), 0, "{bad:?}");
    }
    let (server, client) = start().await;
    let e = client
        .tasks()
        .list()
        .id_in(IdList::default())
        .await
        .unwrap_err();
    assert!(e.to_string().contains("empty list"), "{e}");
    assert_eq!(server.requests(), 0);
}

/// The same typed values through httpmock's matchers: Close's decoded query.
#[tokio::test]
async fn httpmock_sees_the_decoded_values() {
    let mock_server = httpmock::MockServer::start_async().await;
    let mock = mock_server
        .mock_async(|when, then| {
            when.method("GET")
                .path("/opportunity/")
                .query_param("date_created__gte", "2026-01-01T00:00:00Z")
                .query_param("lead_id", "lead_1")
                .query_param("status_type__in", "active,lost")
                .query_param("user_id__in", "user_a,user_b");
            then.status(200)
                .json_body(json!({"data": [], "has_more": false}));
        })
        .await;
    let client = close_sdk_tests::no_retry_client(&mock_server);
    let since: DateOrTimestamp = "2026-01-01T00:00:00Z".parse().unwrap();
    client
        .opportunities()
        .list()
        .date_created_gte(since)
        .lead_id("lead_1")
        .status_type_in([OpportunityStatusType::Active, OpportunityStatusType::Lost])
        .user_id_in(["user_a", "user_b"])
        .await
        .unwrap();
    mock.assert_async().await;
}
