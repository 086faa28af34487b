//! Long filters over loopback: a GET whose URL would be longer than Close's recommended 2,000
//! characters goes as `POST` with `x-http-method-override: GET` and its query as `_params` in a
//! JSON body (developer.close.com/api/overview/filter-parameters), without the caller asking:
//! through a generated builder, an extension trait's paginated list and a raw request, retried
//! and throttled as the GET it is, path-checked and traced.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use close_sdk::prelude::*;
use close_sdk::{Method, RetryPolicy};
use close_sdk_tests::loopback_server::{LoopbackServer, RateLimitedServer, Reply, Request};
use close_sdk_tests::resources::{page, response_example};
use close_sdk_tests::{API_KEY, BASIC_AUTH};
use serde_json::{json, Value};

/// Close's recommended maximum URL length, the SDK's switch.
const LIMIT: usize = 2000;
/// Upper bound for any one test's calls.
const BOUND: Duration = Duration::from_secs(20);
/// The user agent the test clients send.
const USER_AGENT: &str = "close-sdk-tests/long-filters";

async fn bounded<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(BOUND, f)
        .await
        .expect("the call finished within the bound")
}

fn client_for(base_url: &str, retry: RetryPolicy) -> Client {
    Client::builder()
        .api_key(API_KEY)
        .base_url(base_url)
        .timeout(Duration::from_secs(5))
        .user_agent(USER_AGENT)
        .retry_policy(retry)
        .build()
        .expect("test client")
}

/// A server answering every request with `answer(request)`, keeping each request it read.
async fn recording(
    answer: impl Fn(&Request) -> Reply + Send + Sync + 'static,
) -> (LoopbackServer, Arc<Mutex<Vec<Request>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let server = LoopbackServer::start(move |request| {
        log.lock().unwrap().push(request.clone());
        answer(request)
    })
    .await;
    (server, seen)
}

fn empty_page() -> Reply {
    Reply::json(200, &json!({"data": [], "has_more": false}))
}

/// Activity ids whose `GET {base}/activity/?id__in=…` URL (ids comma-separated, the comma sent
/// as `%2C`) is exactly `len` characters long.
fn ids_for_url_of(base: &str, len: usize) -> Vec<String> {
    let fixed = format!("{base}/activity/?id__in=").len();
    let mut ids: Vec<String> = (0..39).map(|i| format!("acti_{i:040}")).collect();
    let used: usize = ids.iter().map(|id| id.len() + "%2C".len()).sum();
    let last = len - fixed - used;
    assert!(last > 5, "{len} is too short for 40 ids");
    ids.push(format!("acti_{}", "z".repeat(last - 5)));
    ids
}

/// The headers as sent, without the connection's `host` (its port varies).
fn headers(request: &Request) -> Vec<(String, String)> {
    let mut h: Vec<(String, String)> = request
        .headers
        .iter()
        .filter(|(n, _)| n != "host")
        .cloned()
        .collect();
    h.sort();
    h
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = list
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    v.sort();
    v
}

/// The `_params` of a switched request.
fn params(request: &Request) -> Value {
    let body: Value = serde_json::from_slice(&request.body).expect("a JSON body");
    assert_eq!(body.as_object().map(|o| o.len()), Some(1), "{body}");
    body["_params"].clone()
}

/// A generated builder's `id__in` at URL lengths limit−1, limit and limit+1: the first two go
/// as the GET they are, the third as Close's documented POST; request lines, headers and bodies
/// compared exactly.
#[tokio::test]
async fn the_switch_happens_exactly_past_2000_characters() {
    let (server, seen) = recording(|_| empty_page()).await;
    let base = server.base_url();
    let client = client_for(&base, RetryPolicy::none());
    for len in [LIMIT - 1, LIMIT, LIMIT + 1] {
        let ids = ids_for_url_of(&base, len);
        bounded(client.activities_list().id_in(ids.clone()).send())
            .await
            .unwrap_or_else(|e| panic!("{len}: {e}"));
        let request = seen.lock().unwrap().pop().expect("a request");
        let target = format!("/activity/?id__in={}", ids.join("%2C"));
        assert_eq!(base.len() + target.len(), len, "the URL the test meant");
        if len <= LIMIT {
            assert_eq!(
                (request.method.as_str(), request.path.as_str()),
                ("GET", target.as_str()),
                "{len}"
            );
            assert_eq!(
                headers(&request),
                pairs(&[
                    ("accept", "application/json"),
                    ("authorization", BASIC_AUTH),
                    ("user-agent", USER_AGENT),
                ]),
                "{len}"
            );
            assert!(request.body.is_empty(), "{len}");
        } else {
            let body = format!(r#"{{"_params":{{"id__in":"{}"}}}}"#, ids.join(","));
            assert_eq!(
                (request.method.as_str(), request.path.as_str()),
                ("POST", "/activity/"),
                "{len}"
            );
            assert_eq!(
                headers(&request),
                pairs(&[
                    ("accept", "application/json"),
                    ("authorization", BASIC_AUTH),
                    ("user-agent", USER_AGENT),
                    ("x-http-method-override", "GET"),
                    ("content-type", "application/json"),
                    ("content-length", &body.len().to_string()),
                ]),
            );
            assert_eq!(String::from_utf8(request.body.clone()).unwrap(), body);
        }
    }
    assert!(seen.lock().unwrap().is_empty());
}

/// 500 ids (the case that made it necessary): every other filter, `_fields`, `_skip` and
/// `_limit` move along, each as the string the URL would have carried, in the URL's order.
#[tokio::test]
async fn every_query_parameter_moves_into_params_as_a_string_in_the_urls_order() {
    let (server, seen) = recording(|_| empty_page()).await;
    let client = client_for(&server.base_url(), RetryPolicy::none());
    let ids: Vec<String> = (0..500).map(|i| format!("acti_{i:040}")).collect();
    let call = |ids: Vec<String>| {
        client
            .activities_list()
            .id_in(ids)
            .lead_id(vec!["lead_1".to_string()])
            .date_created_gte(close_sdk::Date::new(2026, 1, 1).unwrap())
            .fields("id,lead_id")
            .skip(200)
            .limit(100)
            .send()
    };
    // The same call with one id is short: the URL's own order of the parameters.
    bounded(call(ids[..1].to_vec())).await.unwrap();
    bounded(call(ids.clone())).await.unwrap();
    let requests = seen.lock().unwrap().clone();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].method, "GET");
    let (_, query) = requests[0].path.split_once('?').unwrap();
    let url_order: Vec<&str> = query
        .split('&')
        .map(|pair| pair.split_once('=').unwrap().0)
        .collect();
    assert_eq!(
        (requests[1].method.as_str(), requests[1].path.as_str()),
        ("POST", "/activity/")
    );
    let params = params(&requests[1]);
    assert_eq!(
        params,
        json!({
            "id__in": ids.join(","),
            "lead_id": "lead_1",
            "date_created__gte": "2026-01-01",
            "_fields": "id,lead_id",
            "_skip": "200",
            "_limit": "100",
        })
    );
    let text = String::from_utf8(requests[1].body.clone()).unwrap();
    let mut body_order: Vec<&str> = url_order.clone();
    body_order.sort_by_key(|key| text.find(&format!("\"{key}\":")));
    assert_eq!(url_order.len(), 6, "{query}");
    assert_eq!(body_order, url_order, "{text}");
}

/// An extension trait's paginated list whose filter is long: every page goes with `_params`,
/// its `_skip` advancing, and the items of all pages arrive in order.
#[tokio::test]
async fn a_paginated_list_with_a_long_filter_pages_through_params() {
    let template = response_example("get", "/activity/")["data"][0].clone();
    let items: Vec<Value> = (0..5)
        .map(|i| {
            let mut item = template.clone();
            item["id"] = json!(format!("acti_{i}"));
            item
        })
        .collect();
    let served = items.clone();
    let (server, seen) = recording(move |request| {
        let body: Value = serde_json::from_slice(&request.body).unwrap_or_default();
        let skip: usize = body["_params"]["_skip"]
            .as_str()
            .and_then(|s| s.parse().ok())
            .unwrap_or(usize::MAX);
        let limit: usize = body["_params"]["_limit"]
            .as_str()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        if request.method != "POST" || skip > served.len() {
            return Reply::json(400, &json!({"error": "not the documented long form"}));
        }
        let end = (skip + limit).min(served.len());
        Reply::json(200, &page(&served[skip..end], end < served.len()))
    })
    .await;
    let types: Vec<String> = (0..60)
        .map(|i| format!("Custom.actitype_{i:030}"))
        .collect();
    let client = client_for(&server.base_url(), RetryPolicy::none());
    let listed = bounded(
        client
            .list_activities(
                ActivityFilter::default()
                    .lead_id("lead_1")
                    .types(types.clone()),
                ListOptions::default().page_size(2),
            )
            .collect_all(),
    )
    .await
    .unwrap();
    let ids: Vec<String> = listed
        .iter()
        .map(|a| a.id.clone().unwrap_or_default())
        .collect();
    assert_eq!(ids, ["acti_0", "acti_1", "acti_2", "acti_3", "acti_4"]);
    let requests = seen.lock().unwrap().clone();
    assert_eq!(requests.len(), 3);
    for (request, skip) in requests.iter().zip(["0", "2", "4"]) {
        assert_eq!(request.path, "/activity/");
        assert_eq!(request.header("x-http-method-override"), Some("GET"));
        let params = params(request);
        assert_eq!(params["_skip"], skip);
        assert_eq!(params["_limit"], "2");
        assert_eq!(params["_type"], types.join(","));
        assert_eq!(params["lead_id"], "lead_1");
    }
}

/// A raw request gets it too, and a retry after a 503 sends the same POST again: the request
/// path treats it as the idempotent GET it stands for.
#[tokio::test]
async fn a_raw_request_is_switched_and_retried_as_the_get_it_is() {
    let answers = Mutex::new(vec![
        Reply::json(503, &json!({"error": "try again"})),
        Reply::json(200, &json!({"data": [{"id": "acti_1"}], "has_more": false})),
    ]);
    let (server, seen) = recording(move |_| {
        let mut a = answers.lock().unwrap();
        if a.is_empty() {
            Reply::json(500, &json!({}))
        } else {
            a.remove(0)
        }
    })
    .await;
    let client = client_for(
        &server.base_url(),
        RetryPolicy::default()
            .max_attempts(3)
            .base_delay(Duration::from_millis(10)),
    );
    let ids: Vec<String> = (0..100).map(|i| format!("lead_{i:030}")).collect();
    let answer: Value = bounded(
        client
            .request(Method::GET, "activity/")
            .query_list("lead_id", &ids)
            .query("_limit", 10)
            .send(),
    )
    .await
    .unwrap();
    assert_eq!(answer["data"][0]["id"], "acti_1");
    let requests = seen.lock().unwrap().clone();
    assert_eq!(requests.len(), 2, "retried once, as an idempotent GET");
    let body = format!(
        r#"{{"_params":{{"lead_id":"{}","_limit":"10"}}}}"#,
        ids.join(",")
    );
    for request in &requests {
        assert_eq!(
            (request.method.as_str(), request.path.as_str()),
            ("POST", "/activity/")
        );
        assert_eq!(request.header("x-http-method-override"), Some("GET"));
        assert_eq!(request.header("content-type"), Some("application/json"));
        assert_eq!(String::from_utf8(request.body.clone()).unwrap(), body);
    }
    // A short raw GET stays a GET.
    let _: Value = bounded(
        client
            .request(Method::GET, "activity/")
            .query("_limit", 1)
            .send(),
    )
    .await
    .unwrap_or_default();
    let last = seen.lock().unwrap().last().cloned().unwrap();
    assert_eq!(
        (last.method.as_str(), last.path.as_str()),
        ("GET", "/activity/?_limit=1")
    );
}

/// With one request per window, a short `activities_list` after a long one waits for the next
/// window: the switched request counted in the GET operation's rate-limit group.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_switched_request_counts_in_its_get_operations_throttle_group() {
    let window = Duration::from_millis(1000);
    let server = RateLimitedServer::start(1, window, json!({"data": [], "has_more": false})).await;
    let client = client_for(
        &server.server.base_url(),
        RetryPolicy::default().base_delay(Duration::from_millis(20)),
    );
    let ids: Vec<String> = (0..100).map(|i| format!("acti_{i:040}")).collect();
    bounded(client.activities_list().id_in(ids).send())
        .await
        .unwrap();
    let started = Instant::now();
    bounded(client.activities_list().limit(1).send())
        .await
        .unwrap();
    assert_eq!(
        server.too_many_requests(),
        0,
        "the GET waited for the window"
    );
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "the second call did not wait: {:?}",
        started.elapsed()
    );
    let lines = server.server.request_lines();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0], "POST /activity/");
    assert_eq!(lines[1], "GET /activity/?_limit=1");
}

/// The path check judges the request before anything else: a hostile path value with a long
/// query is refused and nothing is sent.
#[tokio::test]
async fn path_safety_still_refuses_before_anything_is_sent() {
    let (server, seen) = recording(|_| empty_page()).await;
    let client = client_for(&server.base_url(), RetryPolicy::none());
    let ids: Vec<String> = (0..100).map(|i| format!("acti_{i:040}")).collect();
    for bad in ["..", "a/b", "%2e%2e"] {
        let e = bounded(
            client
                .request(Method::GET, "activity/{id}/")
                .param("id", bad)
                .query_list("id__in", &ids)
                .send::<Value>(),
        )
        .await
        .unwrap_err();
        assert!(matches!(e, Error::InvalidRequest(_)), "{bad}: {e:?}");
    }
    assert!(seen.lock().unwrap().is_empty());
}

/// A writer the test subscriber appends to.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The operation's span says when the query went in the body (and never what it held).
#[tokio::test]
async fn the_span_records_that_the_query_went_in_the_body() {
    let captured = Captured::default();
    let sink = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_ansi(false)
        .with_writer(move || sink.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    // Another test thread may have cached this callsite as unwanted (no subscriber) while this
    // one was being set: ask every callsite again (the rare flake of this test).
    tracing::callsite::rebuild_interest_cache();
    let (server, _) = recording(|_| empty_page()).await;
    let client = client_for(&server.base_url(), RetryPolicy::none());
    bounded(client.activities_list().limit(1).send())
        .await
        .unwrap();
    let short = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(short.contains("close.request"), "{short}");
    assert!(!short.contains("params_in_body"), "{short}");
    let ids: Vec<String> = (0..100)
        .map(|i| format!("acti_do_not_log_{i:030}"))
        .collect();
    bounded(client.activities_list().id_in(ids).send())
        .await
        .unwrap();
    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let long = &log[short.len()..];
    assert!(long.contains("params_in_body=true"), "{long}");
    assert!(long.contains("method=GET"), "{long}");
    assert!(!long.contains("do_not_log"), "{long}");
}
