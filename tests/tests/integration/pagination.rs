//! Paginated lists over real HTTP: the exact `_skip`/`_limit` sequence, stopping early, empty
//! lists, and errors that end the stream instead of looping.

use std::time::Duration;

use close_sdk::prelude::*;
use close_sdk_tests::resources::*;
use close_sdk_tests::*;
use httpmock::prelude::*;
use serde_json::json;

/// Every test's stream must finish well within this.
const LIMIT: Duration = Duration::from_secs(10);

#[tokio::test]
async fn three_pages_are_fetched_with_the_exact_skip_and_limit_sequence() {
    let server = MockServer::start_async().await;
    let all = groups(7);
    let mut pages = Vec::new();
    for (skip, items, has_more) in [
        (0, &all[0..3], true),
        (3, &all[3..6], true),
        (6, &all[6..7], false),
    ] {
        let body = page(items, has_more);
        pages.push(
            server
                .mock_async(move |when, then| {
                    when.method(GET)
                        .path("/group/")
                        .query_param("_skip", skip.to_string())
                        .query_param("_limit", "3")
                        .query_param_count("_skip", ".*", 1)
                        .query_param_count("_limit", ".*", 1)
                        .query_param_missing("_fields");
                    then.status(200).json_body(body);
                })
                .await,
        );
    }
    let client = api_key_client(&server);
    let mut stream = client.list_groups(ListOptions::default().page_size(3));
    let mut names = Vec::new();
    tokio::time::timeout(LIMIT, async {
        while let Some(group) = stream.next().await {
            names.push(group.unwrap().name);
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
        assert_eq!(user.id, expected);
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
