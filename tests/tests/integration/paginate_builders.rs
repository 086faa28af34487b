//! The generated `.paginate()` of a list builder (close-sdk-gen/src/codegen/paginate.rs), beyond what the
//! generated per-operation test checks: bad page sizes, offsets and setter values are the
//! stream's first error with nothing sent, the caller's `skip` is the first page's offset, and
//! a dropped stream sends nothing more.

use std::time::Duration;

use close_sdk::Error;
use close_sdk_tests::resources::mock_pages;
use close_sdk_tests::*;
use httpmock::prelude::*;
use serde_json::{json, Value};

/// Every test's stream must finish well within this.
const LIMIT: Duration = Duration::from_secs(10);

fn roles(n: usize) -> Vec<Value> {
    (0..n)
        .map(|i| json!({"id": format!("role_{i}"), "name": format!("Role {i}")}))
        .collect()
}

/// A server that answers anything, to count what reached it.
async fn any_request(server: &MockServer) -> httpmock::Mock<'_> {
    server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200)
                .json_body(json!({"data": [], "has_more": false}));
        })
        .await
}

/// Drains a stream (bounded), returning its items' ids and its errors.
async fn drain<T: serde::Serialize + Send + 'static>(
    mut s: close_sdk::Paginated<T>,
) -> (Vec<Value>, Vec<Error>) {
    let (mut items, mut errors) = (Vec::new(), Vec::new());
    tokio::time::timeout(LIMIT, async {
        for _ in 0..100 {
            match s.next().await {
                Some(Ok(item)) => items.push(serde_json::to_value(&item).unwrap()["id"].clone()),
                Some(Err(e)) => errors.push(e),
                None => break,
            }
        }
    })
    .await
    .expect("the stream ends");
    (items, errors)
}

#[tokio::test]
async fn page_sizes_below_one_or_above_u32_are_refused_with_nothing_sent() {
    let server = MockServer::start_async().await;
    let mock = any_request(&server).await;
    let client = no_retry_client(&server);
    for bad in [0i64, -1, i64::MIN, i64::from(u32::MAX) + 1, i64::MAX] {
        let (items, errors) = drain(client.roles_list().limit(bad).paginate()).await;
        assert!(items.is_empty(), "{bad}");
        assert_eq!(errors.len(), 1, "{bad}: {errors:?}");
        assert!(
            matches!(errors[0], Error::InvalidRequest(_)),
            "{bad}: {:?}",
            errors[0]
        );
        assert!(
            errors[0].to_string().contains("roles_list"),
            "{}",
            errors[0]
        );
    }
    mock.assert_calls_async(0).await;
}

#[tokio::test]
async fn a_negative_skip_is_refused_with_nothing_sent() {
    let server = MockServer::start_async().await;
    let mock = any_request(&server).await;
    let client = no_retry_client(&server);
    let (items, errors) = drain(client.roles_list().skip(-1).paginate()).await;
    assert!(items.is_empty());
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        matches!(errors[0], Error::InvalidRequest(_)),
        "{:?}",
        errors[0]
    );
    mock.assert_calls_async(0).await;
}

#[tokio::test]
async fn a_failed_setter_conversion_is_the_first_error_and_nothing_is_sent() {
    let server = MockServer::start_async().await;
    let mock = any_request(&server).await;
    let client = no_retry_client(&server);
    // `_limit` and `_skip` are `i64`: a `u64` above `i64::MAX` does not convert.
    for stream in [
        client.roles_list().limit(u64::MAX).paginate(),
        client.roles_list().skip(u64::MAX).paginate(),
    ] {
        let (items, errors) = drain(stream).await;
        assert!(items.is_empty());
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            matches!(errors[0], Error::InvalidRequest(_)),
            "{:?}",
            errors[0]
        );
        assert!(
            errors[0].to_string().contains("conversion"),
            "{}",
            errors[0]
        );
    }
    // Any other parameter's: `_order_by` is an enum of Close's documented orders.
    let (items, errors) = drain(client.users_list().order_by("no-such-order").paginate()).await;
    assert!(items.is_empty());
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        matches!(errors[0], Error::InvalidRequest(_)),
        "{:?}",
        errors[0]
    );
    mock.assert_calls_async(0).await;
}

#[tokio::test]
async fn the_callers_skip_is_the_first_pages_offset() {
    let server = MockServer::start_async().await;
    let all = roles(7);
    let first = {
        let body = json!({"data": all[4..6], "has_more": true});
        server
            .mock_async(move |when, then| {
                when.method(GET)
                    .path("/role/")
                    .query_param("_skip", "4")
                    .query_param("_limit", "2");
                then.status(200).json_body(body);
            })
            .await
    };
    let second = {
        let body = json!({"data": all[6..7], "has_more": false});
        server
            .mock_async(move |when, then| {
                when.method(GET)
                    .path("/role/")
                    .query_param("_skip", "6")
                    .query_param("_limit", "2");
                then.status(200).json_body(body);
            })
            .await
    };
    let client = no_retry_client(&server);
    let (items, errors) = drain(client.roles_list().skip(4).limit(2).paginate()).await;
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(items, [json!("role_4"), json!("role_5"), json!("role_6")]);
    first.assert_calls_async(1).await;
    second.assert_calls_async(1).await;
}

#[tokio::test]
async fn dropping_the_stream_mid_page_sends_nothing_more() {
    let server = MockServer::start_async().await;
    let pages = mock_pages(&server, "/role/", &roles(6), 2).await;
    let client = no_retry_client(&server);
    let mut stream = client.roles_list().limit(2).paginate();
    let first = tokio::time::timeout(LIMIT, stream.next())
        .await
        .expect("a first item")
        .expect("an item")
        .expect("not an error");
    assert_eq!(first.id.as_deref(), Some("role_0"));
    drop(stream);
    tokio::time::sleep(Duration::from_millis(200)).await;
    pages[0].assert_calls_async(1).await;
    pages[1].assert_calls_async(0).await;
    pages[2].assert_calls_async(0).await;
}

#[tokio::test]
async fn dropping_the_stream_while_a_page_is_in_flight_sends_nothing_more() {
    let server = MockServer::start_async().await;
    let body = json!({"data": roles(2), "has_more": true});
    let slow = server
        .mock_async(move |when, then| {
            when.method(GET).path("/role/");
            then.status(200)
                .delay(Duration::from_secs(2))
                .json_body(body);
        })
        .await;
    let client = no_retry_client(&server);
    let mut stream = client.roles_list().limit(2).paginate();
    // The first page is requested, then the wait for it is given up.
    assert!(
        tokio::time::timeout(Duration::from_millis(300), stream.next())
            .await
            .is_err()
    );
    drop(stream);
    tokio::time::sleep(Duration::from_millis(300)).await;
    slow.assert_calls_async(1).await;
}
