//! Search under the one-API conventions (issue 21): `client.search().leads(q)` is a request like
//! any other. `.await` gives its first page; `.paginate()` gives every result as the same
//! `close_sdk::Paginated` a generated list's `.paginate()` returns, following Close's cursor
//! (`cursor` in the body, `null` at the end). Over loopback: three cursor pages, a cursor that
//! comes back after another one (an error, not a loop), a drop while the second page is in
//! flight (nothing more sent, the client goes on), and the deprecated `.stream()` alias.

use std::time::Duration;

use close_sdk::search::Query;
use close_sdk::types::Lead;
use close_sdk::{Error, Paginated};
use close_sdk_tests::resources::*;
use close_sdk_tests::*;
use httpmock::prelude::*;
use serde_json::{json, Value};

/// The bound on any one scenario.
const BOUND: Duration = Duration::from_secs(10);
/// The bound on draining a stream.
const MAX_ITEMS: usize = 50;

/// Close's documented lead (`GET /lead/` example) as a search result with id `id`.
fn lead(id: &str) -> Value {
    let mut lead = response_example("get", "/lead/")["data"][0].clone();
    lead["id"] = json!(id);
    lead["__object_type"] = json!("lead");
    lead
}

/// The body of `client.search().leads(Query::contact_title("CEO")).page_size(2)` at `cursor`.
fn body(cursor: Option<&str>) -> Value {
    let mut body = json!({
        "query": {"type": "and", "queries": [
            {"type": "object_type", "object_type": "lead"},
            {"type": "field_condition",
             "field": {"type": "regular_field", "object_type": "contact", "field_name": "title"},
             "condition": {"type": "text", "mode": "full_words", "value": "CEO"}}
        ]},
        "_limit": 2
    });
    if let Some(c) = cursor {
        body["cursor"] = json!(c);
    }
    body
}

fn answer(ids: &[&str], cursor: Option<&str>) -> Value {
    json!({"data": ids.iter().map(|id| lead(id)).collect::<Vec<_>>(), "cursor": cursor})
}

async fn page_mock<'a>(
    server: &'a MockServer,
    cursor: Option<&str>,
    ids: &[&str],
    next: Option<&str>,
) -> httpmock::Mock<'a> {
    expect_call(
        server,
        POST,
        "/data/search/",
        Some(&body(cursor)),
        200,
        &answer(ids, next),
    )
    .await
}

fn search(client: &close_sdk::Client) -> close_sdk::search::SearchBuilder<'_, Lead> {
    client
        .search()
        .leads(Query::contact_title("CEO"))
        .page_size(2)
}

/// Drains `stream` (bounded in items and time): the ids, then the errors.
async fn drain(mut stream: Paginated<Lead>) -> (Vec<String>, Vec<Error>) {
    tokio::time::timeout(BOUND, async move {
        let (mut ids, mut errors) = (Vec::new(), Vec::new());
        for _ in 0..MAX_ITEMS {
            match stream.next().await {
                Some(Ok(lead)) => ids.push(lead.id.unwrap_or_default()),
                Some(Err(e)) => errors.push(e),
                None => return (ids, errors),
            }
        }
        panic!("the stream did not end within {MAX_ITEMS} items");
    })
    .await
    .expect("the stream ends in time")
}

#[tokio::test]
async fn paginate_follows_the_cursor_across_three_pages_and_await_gives_the_first() {
    let server = MockServer::start_async().await;
    let first = page_mock(&server, None, &["lead_1", "lead_2"], Some("c1")).await;
    let second = page_mock(&server, Some("c1"), &["lead_3", "lead_4"], Some("c2")).await;
    let third = page_mock(&server, Some("c2"), &["lead_5"], None).await;
    let client = api_key_client(&server);

    // The same type as every list's `.paginate()`.
    let stream: Paginated<Lead> = search(&client).paginate();
    let (ids, errors) = drain(stream).await;
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(ids, ["lead_1", "lead_2", "lead_3", "lead_4", "lead_5"]);
    first.assert_calls_async(1).await;
    second.assert_calls_async(1).await;
    third.assert_calls_async(1).await;

    // `.await` sends one request: the first page, its cursor for paging by hand.
    let page = tokio::time::timeout(BOUND, search(&client))
        .await
        .expect("answered in time")
        .expect("first page");
    assert_eq!(page.data.len(), 2);
    assert_eq!(page.data[0].id.as_deref(), Some("lead_1"));
    assert_eq!(page.cursor.as_deref(), Some("c1"));
    first.assert_calls_async(2).await;
    let by_hand = tokio::time::timeout(BOUND, search(&client).cursor("c2"))
        .await
        .expect("answered in time")
        .expect("last page");
    assert_eq!(by_hand.data[0].id.as_deref(), Some("lead_5"));
    assert_eq!(by_hand.cursor, None);
    third.assert_calls_async(2).await;
    second.assert_calls_async(1).await;
}

#[tokio::test]
async fn a_cursor_that_comes_back_ends_the_stream_with_an_error_not_a_loop() {
    // c1 → c2 → c1: a server cycling through two cursors.
    let server = MockServer::start_async().await;
    let first = page_mock(&server, None, &["lead_1", "lead_2"], Some("c1")).await;
    let second = page_mock(&server, Some("c1"), &["lead_3", "lead_4"], Some("c2")).await;
    let back = page_mock(&server, Some("c2"), &["lead_5", "lead_6"], Some("c1")).await;
    let client = api_key_client(&server);
    let (ids, errors) = drain(search(&client).paginate()).await;
    assert_eq!(
        ids,
        ["lead_1", "lead_2", "lead_3", "lead_4"],
        "the answer handing out a used cursor is not yielded"
    );
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(matches!(errors[0], Error::Decode { .. }), "{:?}", errors[0]);
    assert!(
        errors[0].to_string().contains("cursor received before"),
        "{}",
        errors[0]
    );
    first.assert_calls_async(1).await;
    second.assert_calls_async(1).await;
    back.assert_calls_async(1).await;
}

#[tokio::test]
async fn dropping_the_stream_while_its_second_page_is_in_flight_sends_nothing_more() {
    let server = MockServer::start_async().await;
    let first = page_mock(&server, None, &["lead_1", "lead_2"], Some("c1")).await;
    let stalled = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/data/search/")
                .json_body(body(Some("c1")));
            then.status(200)
                .header("content-type", "application/json")
                .delay(Duration::from_secs(5))
                .json_body(answer(&["lead_3", "lead_4"], Some("c2")));
        })
        .await;
    let third = page_mock(&server, Some("c2"), &["lead_5"], None).await;
    let client = api_key_client(&server);

    let mut stream = search(&client).paginate();
    for want in ["lead_1", "lead_2"] {
        let lead = tokio::time::timeout(BOUND, stream.next())
            .await
            .expect("in time")
            .expect("an item")
            .expect("a lead");
        assert_eq!(lead.id.as_deref(), Some(want));
    }
    // The second page's request is now sent and stalls; the caller gives up on it.
    let cut = tokio::time::timeout(Duration::from_millis(300), stream.next()).await;
    assert!(cut.is_err(), "the second page was still in flight");
    drop(stream);
    tokio::time::sleep(Duration::from_millis(100)).await;
    first.assert_calls_async(1).await;
    stalled.assert_calls_async(1).await;
    third.assert_calls_async(0).await;

    // The client goes on at once.
    let page = tokio::time::timeout(Duration::from_secs(2), search(&client))
        .await
        .expect("answered in time")
        .expect("first page again");
    assert_eq!(page.cursor.as_deref(), Some("c1"));
    first.assert_calls_async(2).await;
}

#[tokio::test]
#[allow(deprecated)]
async fn the_deprecated_stream_alias_is_paginate() {
    let server = MockServer::start_async().await;
    let first = page_mock(&server, None, &["lead_1", "lead_2"], Some("c1")).await;
    let last = page_mock(&server, Some("c1"), &["lead_3"], None).await;
    let client = api_key_client(&server);
    let (ids, errors) = drain(search(&client).stream()).await;
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(ids, ["lead_1", "lead_2", "lead_3"]);
    first.assert_calls_async(1).await;
    last.assert_calls_async(1).await;
}
