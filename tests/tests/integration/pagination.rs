//! Paginated lists over real HTTP: the exact `_skip`/`_limit` sequence, stopping early, empty
//! lists, and errors that end the stream instead of looping.

use std::time::Duration;

use close_sdk::prelude::*;
use close_sdk::types::Group;
use close_sdk_tests::loopback_server::{LoopbackServer, Reply};
use close_sdk_tests::resources::*;
use close_sdk_tests::*;
use httpmock::prelude::*;
use serde_json::json;

/// Every test's stream must finish well within this.
const LIMIT: Duration = Duration::from_secs(10);

#[tokio::test]
async fn three_pages_are_fetched_with_the_exact_skip_and_limit_sequence() {
    let server = MockServer::start_async().await;
    let pages = mock_pages(&server, "/group/", &groups(7), 3).await;
    let client = api_key_client(&server);
    let mut stream = client.list_groups(ListOptions::default().page_size(3));
    let mut names = Vec::new();
    tokio::time::timeout(LIMIT, async {
        while let Some(group) = stream.next().await {
            names.push(group.unwrap().name.unwrap());
        }
    })
    .await
    .unwrap();
    assert_eq!(names.len(), 7);
    assert_eq!(names[0], "Group 0");
    assert_eq!(names[6], "Group 6");
    for p in &pages {
        p.assert_calls_async(1).await;
    }
}

#[tokio::test]
async fn dropping_the_stream_early_sends_no_further_request() {
    let server = MockServer::start_async().await;
    let all = users(4);
    let first = server
        .mock_async(|when, then| {
            when.method(GET).path("/user/").query_param("_skip", "0");
            then.status(200).json_body(page(&all[0..2], true));
        })
        .await;
    let second = server
        .mock_async(|when, then| {
            when.method(GET).path("/user/").query_param("_skip", "2");
            then.status(200).json_body(page(&all[2..4], false));
        })
        .await;
    let client = api_key_client(&server);
    let mut stream = client.list_users(ListOptions::default().page_size(2));
    for expected in ["user_0", "user_1"] {
        let user = tokio::time::timeout(LIMIT, stream.next())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        assert_eq!(user.id.as_deref().unwrap(), expected);
    }
    drop(stream);
    first.assert_calls_async(1).await;
    second.assert_calls_async(0).await;
}

#[tokio::test]
async fn an_empty_list_is_one_request_and_no_items() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path("/role/");
            then.status(200).json_body(page(&[], false));
        })
        .await;
    let roles = tokio::time::timeout(LIMIT, api_key_client(&server).all_roles())
        .await
        .unwrap()
        .unwrap();
    assert!(roles.is_empty());
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn an_empty_page_that_claims_more_ends_the_stream() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path("/group/");
            then.status(200).json_body(page(&[], true));
        })
        .await;
    let groups = tokio::time::timeout(LIMIT, api_key_client(&server).all_groups())
        .await
        .unwrap()
        .unwrap();
    assert!(groups.is_empty());
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn a_400_on_a_later_page_is_yielded_once_and_ends_the_stream() {
    let server = MockServer::start_async().await;
    let all = users(2);
    let first = server
        .mock_async(|when, then| {
            when.method(GET).path("/user/").query_param("_skip", "0");
            then.status(200).json_body(page(&all, true));
        })
        .await;
    let refused = server
        .mock_async(|when, then| {
            when.method(GET).path("/user/").query_param("_skip", "2");
            then.status(400)
                .json_body(json!({"error": "_skip is too large for this resource"}));
        })
        .await;
    let client = api_key_client(&server);
    let mut stream = client.list_users(ListOptions::default().page_size(2));
    let mut items = 0;
    let mut errors = Vec::new();
    tokio::time::timeout(LIMIT, async {
        while let Some(next) = stream.next().await {
            match next {
                Ok(_) => items += 1,
                Err(e) => errors.push(e),
            }
        }
    })
    .await
    .unwrap();
    assert_eq!(items, 2);
    assert_eq!(errors.len(), 1);
    assert!(
        matches!(&errors[0], Error::Api(api) if api.status.as_u16() == 400),
        "{:?}",
        errors[0]
    );
    assert!(errors[0].to_string().contains("_skip is too large"));
    first.assert_calls_async(1).await;
    refused.assert_calls_async(1).await;
}

#[tokio::test]
async fn an_over_large_page_size_fails_collect_all_with_closes_400() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/role/")
                .query_param("_limit", "100000");
            then.status(400)
                .json_body(json!({"error": "_limit must be at most 100"}));
        })
        .await;
    let err = tokio::time::timeout(
        LIMIT,
        api_key_client(&server)
            .list_roles(ListOptions::default().page_size(100_000))
            .collect_all(),
    )
    .await
    .unwrap()
    .unwrap_err();
    assert!(
        err.to_string().contains("_limit must be at most 100"),
        "{err}"
    );
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn a_zero_page_size_is_refused_before_the_wire() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).json_body(page(&[], false));
        })
        .await;
    let err = api_key_client(&server)
        .list_groups(ListOptions::default().page_size(0))
        .collect_all()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)), "{err}");
    any.assert_calls_async(0).await;
}

/// Drains `stream`, at most `max` items and within [`LIMIT`]: the items' ids and the errors.
async fn drain_bounded(mut stream: Paginated<Group>, max: usize) -> (Vec<String>, Vec<Error>) {
    let (mut ids, mut errors) = (Vec::new(), Vec::new());
    let _ = tokio::time::timeout(LIMIT, async {
        while ids.len() + errors.len() < max {
            match stream.next().await {
                Some(Ok(g)) => ids.push(g.id.unwrap()),
                Some(Err(e)) => errors.push(e),
                None => break,
            }
        }
    })
    .await;
    (ids, errors)
}

/// Issue 10, defect 8: a server that ignores `_skip` and answers the same two groups with
/// `has_more: true` for ever made the stream fetch thousands of identical pages.
#[tokio::test]
async fn a_server_repeating_the_same_page_ends_the_stream_with_an_error_not_a_loop() {
    let same = page(&groups(2), true);
    let server = LoopbackServer::start(move |_| Reply::json(200, &same)).await;
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(server.base_url())
        .build()
        .unwrap();
    let (ids, errors) = drain_bounded(client.list_groups(ListOptions::default()), 100).await;
    assert_eq!(ids.len(), 2, "nothing yielded twice ({} items)", ids.len());
    assert_eq!(ids, ["group_0", "group_1"]);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(matches!(errors[0], Error::Decode { .. }), "{:?}", errors[0]);
    let msg = errors[0].to_string();
    assert!(
        msg.contains("_skip=2 repeats the page at _skip=0"),
        "the error says what happened: {msg}"
    );
    assert_eq!(server.requests(), 2, "one request past the first page");
}

#[tokio::test]
async fn a_server_that_cycles_back_to_its_first_page_is_stopped_there() {
    let server = MockServer::start_async().await;
    let all = groups(4);
    let mut mocks = Vec::new();
    for (skip, items) in [("0", &all[0..2]), ("2", &all[2..4]), ("4", &all[0..2])] {
        let body = page(items, true);
        mocks.push(
            server
                .mock_async(move |when, then| {
                    when.method(GET).path("/group/").query_param("_skip", skip);
                    then.status(200).json_body(body);
                })
                .await,
        );
    }
    let client = api_key_client(&server);
    let stream = client.list_groups(ListOptions::default().page_size(2));
    let (ids, errors) = drain_bounded(stream, 100).await;
    assert_eq!(ids, ["group_0", "group_1", "group_2", "group_3"]);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0]
        .to_string()
        .contains("_skip=4 repeats the page at _skip=0"));
    for m in &mocks {
        m.assert_calls_async(1).await;
    }
}
