//! Attack on the search landed this session (issue 21): `client.search()`'s cursor paging
//! against hostile servers (repeated cursors, new cursors over the same data, `data` that is
//! not a list, 2xx without JSON), results Close legitimately sends without ids, bodies whose
//! members were stored raw and then set again (no key twice), secrets in `Debug`, and the
//! decode depth of a stored smart view's query. Every loop is bounded in count and time.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use close_sdk::search::{ObjectType, Query, SearchRequest};
use close_sdk::{Client, Error, Paginated};
use close_sdk_tests::loopback_server::{LoopbackServer, Reply, Request};
use serde_json::{json, Value};

const BOUND: Duration = Duration::from_secs(15);
const MAX_ITEMS: usize = 200;
const SECRET_KEY: &str = "api_5ecretKEYdoNotLeak0123456789";

fn client(base: &str) -> Client {
    Client::builder()
        .api_key(SECRET_KEY)
        .base_url(base)
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client")
        .with_retry_policy(close_sdk::RetryPolicy::none())
}

fn cursor_of(req: &Request) -> Option<String> {
    let body: Value = serde_json::from_slice(&req.body).ok()?;
    body.get("cursor")
        .and_then(Value::as_str)
        .map(str::to_owned)
}

async fn drain(mut stream: Paginated<Value>) -> (Vec<Value>, Vec<Error>) {
    tokio::time::timeout(BOUND, async move {
        let (mut items, mut errors) = (Vec::new(), Vec::new());
        for _ in 0..MAX_ITEMS {
            match stream.next().await {
                Some(Ok(v)) => items.push(v),
                Some(Err(e)) => errors.push(e),
                None => break,
            }
        }
        (items, errors)
    })
    .await
    .expect("the stream ends in time")
}

/// Close returns only the `_fields` asked for (its page's example asks for `id` explicitly
/// to get it). A search for contacts' titles, sorted by title, legitimately answers pages whose
/// results are all `{"__object_type": "contact", "title": "CEO"}`: two such pages are two
/// different pages of contacts, not a server "repeating" a page.
#[tokio::test]
async fn pages_of_results_without_ids_are_not_taken_for_a_repeated_page() {
    let server = LoopbackServer::start(|req| {
        let ceo = json!({"__object_type": "contact", "title": "CEO"});
        match cursor_of(req).as_deref() {
            None => Reply::json(200, &json!({"data": [ceo, ceo], "cursor": "page2"})),
            Some("page2") => Reply::json(200, &json!({"data": [ceo, ceo], "cursor": "page3"})),
            Some(_) => Reply::json(200, &json!({"data": [ceo], "cursor": null})),
        }
    })
    .await;
    let client = client(&server.base_url());
    let stream = client
        .search()
        .query(ObjectType::CONTACT, Query::contact_title("CEO"))
        .fields(["title"])
        .page_size(2)
        .paginate();
    let (items, errors) = drain(stream).await;
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(items.len(), 5, "five CEOs over three pages");
}

/// A server that hands out a new cursor with every answer but the same results forever is
/// stopped at the second page (defended: the repeat is seen).
#[tokio::test]
async fn new_cursors_over_the_same_results_end_with_an_error_at_the_second_page() {
    let n = Arc::new(AtomicUsize::new(0));
    let count = n.clone();
    let server = LoopbackServer::start(move |_| {
        let i = count.fetch_add(1, Ordering::SeqCst);
        Reply::json(
            200,
            &json!({"data": [{"__object_type": "lead", "id": "lead_same"}], "cursor": format!("c{i}")}),
        )
    })
    .await;
    let client = client(&server.base_url());
    let (items, errors) = drain(
        client
            .search()
            .query(ObjectType::LEAD, Query::match_all())
            .paginate(),
    )
    .await;
    assert_eq!(items.len(), 1);
    assert_eq!(errors.len(), 1);
    assert!(matches!(errors[0], Error::Decode { .. }), "{:?}", errors[0]);
    assert_eq!(n.load(Ordering::SeqCst), 2, "nothing after the repeat");
}

/// The same cursor handed out twice (different data) ends the stream (defended).
#[tokio::test]
async fn a_cursor_handed_out_twice_ends_the_stream() {
    let n = Arc::new(AtomicUsize::new(0));
    let count = n.clone();
    let server = LoopbackServer::start(move |_| {
        let i = count.fetch_add(1, Ordering::SeqCst);
        Reply::json(
            200,
            &json!({"data": [{"__object_type": "lead", "id": format!("lead_{i}")}], "cursor": "stuck"}),
        )
    })
    .await;
    let client = client(&server.base_url());
    let (items, errors) = drain(
        client
            .search()
            .query(ObjectType::LEAD, Query::match_all())
            .paginate(),
    )
    .await;
    assert_eq!(
        items.len(),
        1,
        "the page with the repeated cursor is not yielded"
    );
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(n.load(Ordering::SeqCst) <= 2);
}

/// Endless fresh pages under `limit(3)`: three results, then nothing more is requested
/// (defended: `results_limit` bounds the stream).
#[tokio::test]
async fn an_endless_server_is_bounded_by_the_results_limit() {
    let n = Arc::new(AtomicUsize::new(0));
    let count = n.clone();
    let server = LoopbackServer::start(move |_| {
        let i = count.fetch_add(1, Ordering::SeqCst);
        Reply::json(
            200,
            &json!({"data": [{"__object_type": "lead", "id": format!("lead_{i}")}], "cursor": format!("c{i}")}),
        )
    })
    .await;
    let client = client(&server.base_url());
    let (items, errors) = drain(
        client
            .search()
            .query(ObjectType::LEAD, Query::match_all())
            .limit(3)
            .paginate(),
    )
    .await;
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(items.len(), 3);
    assert_eq!(n.load(Ordering::SeqCst), 3);
}

/// Hostile 2xx answers: `data` an object, `data` absent, HTML, an empty body, a `cursor` that
/// is a number. Each is an error (no panic), and the client keeps working afterwards.
#[tokio::test]
async fn malformed_answers_are_errors_and_the_client_goes_on() {
    let answers: Vec<Reply> = vec![
        Reply::json(200, &json!({"data": {"id": "lead_1"}, "cursor": null})),
        Reply::json(200, &json!({"cursor": null})),
        Reply::Respond {
            status: 200,
            headers: vec![("content-type".into(), "text/html".into())],
            body: b"<html>maintenance</html>".to_vec(),
        },
        Reply::Respond {
            status: 200,
            headers: vec![],
            body: Vec::new(),
        },
        Reply::json(200, &json!({"data": [{"id": "lead_1"}], "cursor": 17})),
    ];
    let queue = Arc::new(Mutex::new(answers));
    let q = queue.clone();
    let server = LoopbackServer::start(move |_| {
        let mut q = q.lock().unwrap();
        if q.is_empty() {
            Reply::json(200, &json!({"data": [{"id": "lead_ok"}], "cursor": null}))
        } else {
            q.remove(0)
        }
    })
    .await;
    let client = client(&server.base_url());
    for i in 0..5 {
        let (items, errors) = drain(
            client
                .search()
                .query(ObjectType::LEAD, Query::match_all())
                .paginate(),
        )
        .await;
        assert!(items.is_empty(), "answer {i}: {items:?}");
        assert_eq!(errors.len(), 1, "answer {i}");
        let shown = format!("{:?} {}", errors[0], errors[0]);
        assert!(!shown.contains(SECRET_KEY), "answer {i}: {shown}");
    }
    let (items, errors) = drain(
        client
            .search()
            .query(ObjectType::LEAD, Query::match_all())
            .paginate(),
    )
    .await;
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(items.len(), 1);
}

/// A stored `s_query` whose every member the SDK keeps raw (wrong types), then each member set
/// again through the builder: the body carries every key once (defended).
#[test]
fn members_kept_raw_then_set_again_are_written_once() {
    let stored = json!({
        "query": {"type": "match_all"},
        "_limit": "10", "results_limit": -1, "cursor": 7, "include_counts": "yes",
        "sort": "name", "_fields": ["id"], "limit": null
    });
    let request: SearchRequest = serde_json::from_value(stored).unwrap();
    let client = Client::builder()
        .api_key(SECRET_KEY)
        .base_url("http://127.0.0.1:9")
        .build()
        .unwrap();
    let builder = client
        .search()
        .request(request)
        .page_size(5)
        .limit(9)
        .cursor("abc")
        .fields_for(ObjectType::LEAD, ["id"])
        .sort(close_sdk::search::Sort::asc(
            close_sdk::search::Field::lead("name"),
        ));
    let debug = format!("{builder:?}");
    assert!(!debug.contains(SECRET_KEY), "{debug}");
    let body = builder.body().unwrap();
    let text = serde_json::to_string(&body).unwrap();
    for key in [
        "\"_limit\"",
        "\"results_limit\"",
        "\"cursor\"",
        "\"_fields\"",
        "\"sort\"",
    ] {
        assert_eq!(text.matches(key).count(), 1, "{key} in {text}");
    }
    assert_eq!(body["_limit"], 5);
    assert_eq!(body["results_limit"], 9);
    assert_eq!(body["cursor"], "abc");
}

/// JSON text of a smart view whose `s_query.query` nests `depth` `and`s (built in linear time).
fn nested_smart_view(depth: usize) -> String {
    let open = r#"{"type":"and","queries":["#;
    let mut q = String::with_capacity(depth * (open.len() + 2) + 32);
    for _ in 0..depth {
        q.push_str(open);
    }
    q.push_str(r#"{"type":"match_all"}"#);
    for _ in 0..depth {
        q.push_str("]}");
    }
    format!(r#"{{"id":"save_x","name":"deep","s_query":{{"query":{q},"sort":[]}}}}"#)
}

/// A hostile (or just elaborate) smart view nested as deep as serde_json's parser allows (its
/// recursion limit of 128 keeps 100k nested `and`s out) must decode on a thread with a 2 MiB
/// stack (tokio's worker default) without overflowing, and in reasonable time.
#[test]
fn a_smart_view_nested_as_deep_as_json_allows_decodes_on_a_worker_sized_stack() {
    // 2 JSON levels per `and`, plus the view, `s_query` and the innermost query.
    let text = nested_smart_view(61);
    let outcome = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            let started = std::time::Instant::now();
            let view: Result<close_sdk::types::SmartView, _> = serde_json::from_str(&text);
            let ok = view.is_ok();
            let back = view.ok().map(|v| serde_json::to_string(&v).unwrap());
            let took = started.elapsed();
            eprintln!("depth-61 smart view decoded and re-encoded in {took:?}");
            (ok, back.map(|b| b.len()), took)
        })
        .unwrap()
        .join()
        .expect("no stack overflow / panic");
    assert!(
        outcome.0,
        "a smart view within the JSON depth limit decodes"
    );
    assert!(outcome.2 < Duration::from_secs(5), "{:?}", outcome.2);
    // And 100k nested `and`s are refused by the parser, not by the stack.
    let deep = nested_smart_view(100_000);
    let joined = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || serde_json::from_str::<close_sdk::types::SmartView>(&deep).is_err())
        .unwrap()
        .join()
        .expect("no stack overflow");
    assert!(joined);
}

/// A query built in code 100k `and`s deep is refused by `validate` (depth 64) without
/// overflowing a worker-sized stack (defended; the value is leaked, not dropped, here).
#[test]
fn a_query_built_100k_deep_is_refused_without_overflowing_the_stack() {
    let joined = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(|| {
            let mut q = Query::match_all();
            for _ in 0..100_000 {
                q = Query::and([q]);
            }
            let refused = q.validate().is_err();
            std::mem::forget(q);
            refused
        })
        .unwrap()
        .join();
    assert!(matches!(joined, Ok(true)));
}

/// Dropping that query, or a search built from it (which refuses it and drops it), must not
/// overflow a worker-sized stack either. It does: `Query`'s drop is recursive. (A stack
/// overflow aborts the whole test binary, so run this one alone.)
#[test]
#[ignore = "limitation: dropping a Query nested 100k deep (built in code) overflows a 2 MiB stack and aborts the process (recursive drop)"]
fn dropping_a_query_built_100k_deep_does_not_overflow_the_stack() {
    let joined = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(|| {
            let mut q = Query::match_all();
            for _ in 0..100_000 {
                q = Query::and([q]);
            }
            drop(q);
        })
        .unwrap()
        .join();
    assert!(joined.is_ok());
}
