//! The checks behind the generated pagination test (`tests/integration/generated_pagination.rs`,
//! written by close-sdk-gen/src/codegen/paginate.rs): one generic function per scenario, called once per
//! paginated operation with its builder's `.paginate()`.

use std::sync::OnceLock;
use std::time::Duration;

use close_sdk::{Client, Error, Paginated};
use httpmock::prelude::*;
use serde::Serialize;
use serde_json::{json, Value};

use crate::resources::mock_pages;

/// Every stream must finish well within this.
const LIMIT: Duration = Duration::from_secs(10);

/// Builds an operation's `.paginate()` with the page size given (a non-capturing closure, so one
/// instance of the checks per item type).
pub type MakeList<T> = fn(&Client, i64) -> Paginated<T>;

fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(crate::resources::spec)
}

/// `n` distinct items of the list at `template`: its documented example's first item (so that it
/// decodes, e.g. a typed activity's `_type`), or `{}`, with `id` set to `item-<i>`.
fn items(template: &str, n: usize) -> Vec<Value> {
    let example = spec()["paths"][template]["get"]["responses"]
        .as_object()
        .and_then(|r| {
            r.iter()
                .filter(|(code, _)| code.starts_with('2'))
                .find_map(|(_, r)| r["content"]["application/json"].get("example"))
        })
        .and_then(|e| e["data"].get(0))
        .filter(|first| first.is_object())
        .cloned()
        .unwrap_or_else(|| json!({}));
    (0..n)
        .map(|i| {
            let mut item = example.clone();
            item["id"] = json!(format!("item-{i}"));
            item
        })
        .collect()
}

/// The `id` of an item as it serialises.
fn id_of<T: Serialize>(item: &T) -> Value {
    serde_json::to_value(item).map_or(Value::Null, |v| v["id"].clone())
}

/// Five items in pages of two at `path`: the stream sends `_skip` 0, 2, 4 with `_limit` 2 (each
/// page exactly once, nothing after the page with `has_more: false`) and yields the five items
/// in order.
pub async fn three_pages<T: Serialize + Send + 'static>(
    template: &str,
    path: &str,
    make: MakeList<T>,
) {
    let server = MockServer::start_async().await;
    let pages = mock_pages(&server, path, &items(template, 5), 2).await;
    let client = crate::no_retry_client(&server);
    let got = tokio::time::timeout(LIMIT, make(&client, 2).collect_all())
        .await
        .expect("the stream ends")
        .unwrap_or_else(|e| panic!("{template}: {e}"));
    let ids: Vec<Value> = got.iter().map(id_of).collect();
    let want: Vec<Value> = (0..5).map(|i| json!(format!("item-{i}"))).collect();
    assert_eq!(ids, want, "{template}: the items, in order");
    assert_eq!(pages.len(), 3);
    for p in &pages {
        p.assert_calls_async(1).await;
    }
}

/// A server answering every page with the same two items and `has_more: true`: the stream yields
/// them once, then one error (not their copies), then ends, after two requests.
pub async fn repeated_page<T: Serialize + Send + 'static>(
    template: &str,
    path: &str,
    make: MakeList<T>,
) {
    let server = MockServer::start_async().await;
    let body = json!({"data": items(template, 2), "has_more": true});
    let path = path.to_string();
    let mock = server
        .mock_async(move |when, then| {
            when.method(GET).path(path);
            then.status(200).json_body(body);
        })
        .await;
    let client = crate::no_retry_client(&server);
    let mut stream = make(&client, 2);
    let (mut items, mut errors) = (Vec::new(), Vec::new());
    tokio::time::timeout(LIMIT, async {
        // Bounded: a correct stream ends after 3 items and errors.
        for _ in 0..50 {
            match stream.next().await {
                Some(Ok(item)) => items.push(id_of(&item)),
                Some(Err(e)) => errors.push(e),
                None => break,
            }
        }
    })
    .await
    .expect("the stream ends");
    assert_eq!(items, [json!("item-0"), json!("item-1")], "{template}");
    assert_eq!(errors.len(), 1, "{template}: {errors:?}");
    assert!(
        matches!(errors[0], Error::Decode { .. }),
        "{template}: {:?}",
        errors[0]
    );
    assert!(
        stream.next().await.is_none(),
        "{template}: ends after the error"
    );
    mock.assert_calls_async(2).await;
}

/// A single-answer list (Close documents no `_skip`/`_limit` for it): the stream sends one
/// request, without `_skip` or `_limit`, and yields the answer's three items in order.
pub async fn one_answer<T: Serialize + Send + 'static>(
    template: &str,
    path: &str,
    make: MakeList<T>,
) {
    let server = MockServer::start_async().await;
    let want = items(template, 3);
    let body = json!({"data": want, "has_more": false});
    let p = path.to_string();
    let mock = server
        .mock_async(move |when, then| {
            when.method(GET)
                .path(p)
                .query_param_missing("_skip")
                .query_param_missing("_limit");
            then.status(200).json_body(body);
        })
        .await;
    let client = crate::no_retry_client(&server);
    let got = tokio::time::timeout(LIMIT, make(&client, 2).collect_all())
        .await
        .expect("the stream ends")
        .unwrap_or_else(|e| panic!("{template}: {e}"));
    assert_eq!(got.len(), 3, "{template}: every item of the answer");
    let ids: Vec<Value> = got.iter().map(id_of).collect();
    if ids.iter().any(|id| !id.is_null()) {
        let want: Vec<Value> = (0..3).map(|i| json!(format!("item-{i}"))).collect();
        assert_eq!(ids, want, "{template}: the items, in order");
    }
    mock.assert_calls_async(1).await;
}

/// A single-answer list whose answer says `has_more: true`: the stream yields its two items,
/// then one [`Error::InvalidResponse`] naming the operation (the rest cannot be asked for), then
/// ends, after one request.
pub async fn one_answer_with_more<T: Serialize + Send + 'static>(
    template: &str,
    path: &str,
    make: MakeList<T>,
) {
    let server = MockServer::start_async().await;
    let body = json!({"data": items(template, 2), "has_more": true});
    let p = path.to_string();
    let mock = server
        .mock_async(move |when, then| {
            when.method(GET).path(p);
            then.status(200).json_body(body);
        })
        .await;
    let client = crate::no_retry_client(&server);
    let mut stream = make(&client, 2);
    let (mut got, mut errors) = (0, Vec::new());
    tokio::time::timeout(LIMIT, async {
        // Bounded: a correct stream ends after 2 items and 1 error.
        for _ in 0..10 {
            match stream.next().await {
                Some(Ok(_)) => got += 1,
                Some(Err(e)) => errors.push(e),
                None => break,
            }
        }
    })
    .await
    .expect("the stream ends");
    assert_eq!(got, 2, "{template}: the answer's items first");
    assert_eq!(errors.len(), 1, "{template}: {errors:?}");
    assert!(
        matches!(&errors[0], Error::InvalidResponse(msg) if msg.contains("_list") && msg.contains("answered `has_more: true`")),
        "{template}: {:?}",
        errors[0]
    );
    mock.assert_calls_async(1).await;
}
