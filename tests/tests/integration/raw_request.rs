//! Raw requests (`client.request(Method, "lead/{id}/")`) over loopback: what is sent, how answers
//! decode, and that they share the generated calls' request path (errors, retries, throttle
//! groups, path safety).

use std::time::{Duration, Instant};

use close_sdk::prelude::*;
use close_sdk::{Method, RetryPolicy};
use close_sdk_tests::loopback_server::{LoopbackServer, RateLimitedServer, Reply};
use close_sdk_tests::*;
use httpmock::prelude::*;
use proptest::prelude::*;
use serde_json::{json, Value};

/// Upper bound for any one test's calls.
const BOUND: Duration = Duration::from_secs(20);

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
        .retry_policy(retry)
        .build()
        .expect("test client")
}

#[tokio::test]
async fn a_raw_get_sends_method_path_query_and_auth_and_decodes_typed_or_as_value() {
    let server = MockServer::start_async().await;
    let group =
        json!({"id": "group_1", "name": "Sales", "organization_id": "orga_1", "extra": [1]});
    let get = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/group/group_1/")
                .query_param("_fields", "id,name,organization_id")
                .query_param("id__in", "a,b,c")
                .header("authorization", BASIC_AUTH)
                .header("accept", "application/json");
            then.status(200).json_body(group.clone());
        })
        .await;
    let client = api_key_client(&server);
    let request = || {
        client
            .request(Method::GET, "group/{id}/")
            .param("id", "group_1")
            .query("_fields", "id,name,organization_id")
            .query_list("id__in", ["a", "b", "c"])
    };
    let typed: close_sdk::types::Group = bounded(request().send()).await.unwrap();
    assert_eq!(
        (typed.id.as_deref().unwrap(), typed.name.as_deref().unwrap()),
        ("group_1", "Sales")
    );
    let value: Value = bounded(request().send()).await.unwrap();
    assert_eq!(value, group);
    assert_eq!(get.calls_async().await, 2);
}

#[tokio::test]
async fn the_request_line_is_exactly_the_template_with_encoded_values() {
    let server = LoopbackServer::start(|_| Reply::json(200, &json!({}))).await;
    let client = client_for(&server.base_url(), RetryPolicy::none());
    let _: Value = bounded(
        client
            .request(Method::GET, "/custom_object/{id}/x")
            .param("id", "é|[1]")
            .query("_limit", 5)
            .query_list("_fields", ["id", "name"])
            .send(),
    )
    .await
    .unwrap();
    assert_eq!(
        server.request_lines(),
        // Always a trailing slash; the list comma-joined (form-encoded, as reqwest encodes
        // every query, generated calls included).
        ["GET /custom_object/%C3%A9|[1]/x/?_limit=5&_fields=id%2Cname"]
    );
}

#[tokio::test]
async fn a_raw_post_sends_its_json_body_and_a_204_decodes_as_unit() {
    let server = MockServer::start_async().await;
    let created = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/not_in_the_document/")
                .header("content-type", "application/json")
                .json_body(json!({"name": "x", "tags": ["a"]}));
            then.status(201).json_body(json!({"id": "thing_1"}));
        })
        .await;
    let deleted = server
        .mock_async(|when, then| {
            when.method(DELETE).path("/not_in_the_document/thing_1/");
            then.status(204);
        })
        .await;
    let client = api_key_client(&server);
    let body = json!({"name": "x", "tags": ["a"]});
    let thing: Value = bounded(
        client
            .request(Method::POST, "not_in_the_document/")
            .json(&body)
            .send(),
    )
    .await
    .unwrap();
    assert_eq!(thing["id"], "thing_1");
    bounded(
        client
            .request(Method::DELETE, "not_in_the_document/{id}/")
            .param("id", "thing_1")
            .send::<()>(),
    )
    .await
    .unwrap();
    assert_eq!(
        (created.calls_async().await, deleted.calls_async().await),
        (1, 1)
    );
}

#[tokio::test]
async fn a_4xx_is_an_api_error_with_closes_message_exactly_as_for_a_generated_call() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/group/group_x/");
            then.status(404)
                .json_body(json!({"error": "Group matching query does not exist."}));
        })
        .await;
    let client = api_key_client(&server);
    let raw = bounded(
        client
            .request(Method::GET, "group/{id}/")
            .param("id", "group_x")
            .send::<Value>(),
    )
    .await
    .unwrap_err();
    let generated = bounded(client.groups_get().id("group_x").send())
        .await
        .unwrap_err();
    let Error::Api(api) = &raw else {
        panic!("{raw:?}")
    };
    assert_eq!(api.status, 404);
    assert_eq!(api.body.message(), "Group matching query does not exist.");
    assert_eq!(raw.to_string(), generated.to_string());
    assert!(
        raw.to_string()
            .contains("Group matching query does not exist."),
        "{raw}"
    );

    // A 2xx that does not decode as the requested type is a decode error with the body.
    server
        .mock_async(|when, then| {
            when.method(GET).path("/lead/");
            then.status(200).body("[1, 2]");
        })
        .await;
    let e = bounded(
        client
            .request(Method::GET, "lead/")
            .send::<close_sdk::types::Group>(),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&e, Error::Decode { body, .. } if body == "[1, 2]"),
        "{e:?}"
    );
}

#[tokio::test]
async fn a_429_is_retried_after_the_ratelimit_reset_like_generated_calls() {
    let server = LoopbackServer::scripted(
        vec![
            Reply::json(429, &json!({"error": "API call count exceeded"}))
                .with_header("ratelimit", "limit=1, remaining=0, reset=0.6"),
        ],
        Reply::json(200, &json!({"ok": true})),
    )
    .await;
    let client = client_for(
        &server.base_url(),
        RetryPolicy::default().base_delay(Duration::from_millis(20)),
    );
    let started = Instant::now();
    // A POST matching no operation: not idempotent, yet a 429 (nothing done) is retried.
    let answer: Value = bounded(client.request(Method::POST, "not_in_the_document/").send())
        .await
        .unwrap();
    let elapsed = started.elapsed();
    assert_eq!(answer, json!({"ok": true}));
    assert_eq!(server.requests(), 2);
    assert!(
        elapsed >= Duration::from_millis(600),
        "waited only {elapsed:?}"
    );
    assert!(elapsed < Duration::from_secs(5), "waited {elapsed:?}");
}

#[tokio::test]
async fn a_raw_post_is_repeated_after_a_5xx_only_when_declared_idempotent() {
    let server = LoopbackServer::scripted(
        vec![Reply::json(503, &json!({"error": "busy"}))],
        Reply::json(200, &json!({"ok": true})),
    )
    .await;
    let client = client_for(
        &server.base_url(),
        RetryPolicy::default().base_delay(Duration::from_millis(20)),
    );
    let post = || client.request(Method::POST, "not_in_the_document/");
    let e = bounded(post().send::<Value>()).await.unwrap_err();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(server.requests(), 1, "a POST may have acted: not repeated");

    let server = LoopbackServer::scripted(
        vec![Reply::json(503, &json!({"error": "busy"}))],
        Reply::json(200, &json!({"ok": true})),
    )
    .await;
    let client = client_for(
        &server.base_url(),
        RetryPolicy::default().base_delay(Duration::from_millis(20)),
    );
    let ok: Value = bounded(
        client
            .request(Method::POST, "not_in_the_document/")
            .idempotent()
            .send(),
    )
    .await
    .unwrap();
    assert_eq!(ok, json!({"ok": true}));
    assert_eq!(server.requests(), 2, "declared idempotent: repeated");
}

/// With 1 request per window, a raw `GET /group/` after a generated `groups_list` waits for
/// the next window (same group), where a raw request of another endpoint (the raw group,
/// which knows nothing yet) goes at once and collects the 429: the control that shows the
/// first half can fail.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_raw_call_matching_a_generated_operation_shares_its_throttle_group() {
    let window = Duration::from_millis(1000);
    let server = RateLimitedServer::start(1, window, json!({"data": [], "has_more": false})).await;
    let client = client_for(
        &server.server.base_url(),
        RetryPolicy::default().base_delay(Duration::from_millis(20)),
    );
    bounded(client.groups_list().send()).await.unwrap();
    let started = Instant::now();
    let _: Value = bounded(client.request(Method::GET, "/group").send())
        .await
        .unwrap();
    assert_eq!(
        server.too_many_requests(),
        0,
        "the raw GET /group/ went in the generated call's window"
    );
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "the raw call did not wait for the window: {:?}",
        started.elapsed()
    );
    // The control: another endpoint's group has no news, so its first request goes at once,
    // into this server's (global) used-up window.
    let _: Value = bounded(client.request(Method::GET, "not_a_group_endpoint/").send())
        .await
        .unwrap();
    assert_eq!(server.too_many_requests(), 1);
}

const HOSTILE_VALUES: [&str; 14] = [
    "..",
    ".",
    "a/b",
    "x\\..\\y",
    "%2e%2e",
    "%2E.",
    "?",
    "#",
    "a?b=1",
    "a#b",
    "",
    "a b",
    "..;",
    "\u{FF0E}\u{FF0E}",
];

#[tokio::test]
async fn hostile_param_values_are_refused_before_sending() {
    let server = LoopbackServer::start(|_| Reply::json(200, &json!({}))).await;
    let client = client_for(&server.base_url(), RetryPolicy::none());
    // A template matching a generated operation (leads_get) and one matching none.
    for template in ["lead/{id}/", "not_in_the_document/{id}/sub/"] {
        for value in HOSTILE_VALUES {
            let e = bounded(
                client
                    .request(Method::GET, template)
                    .param("id", value)
                    .send::<Value>(),
            )
            .await
            .unwrap_err();
            assert!(
                matches!(&e, Error::InvalidRequest(m) if m.contains("`id` of GET")),
                "{template} {value:?}: {e:?}"
            );
        }
    }
    assert_eq!(server.request_lines(), Vec::<String>::new());
}

#[tokio::test]
async fn hostile_or_malformed_templates_are_refused_before_sending() {
    let server = LoopbackServer::start(|_| Reply::json(200, &json!({}))).await;
    let client = client_for(&server.base_url(), RetryPolicy::none());
    for template in [
        "../x",
        "http://evil/",
        "https://evil.example/lead/",
        "//evil/x",
        "a/../b",
        "./a",
        "a?x=1",
        "a#x",
        "",
        "/",
        "a//b",
        "%2e%2e/x",
        "a\\..\\b",
        "lead/{id}x/",
        "lead/{id}/{id}/",
        "le ad/",
    ] {
        let e = bounded(client.request(Method::GET, template).send::<Value>())
            .await
            .unwrap_err();
        assert!(
            matches!(&e, Error::InvalidRequest(m) if m.contains("template")),
            "{template:?}: {e:?}"
        );
    }
    // A placeholder without a value, an unknown parameter, TRACE: refused as well.
    let get = || client.request(Method::GET, "lead/{id}/");
    for request in [
        get(),
        get().param("id", "lead_1").param("lead_id", "lead_1"),
        client.request(Method::TRACE, "lead/"),
        client
            .request(Method::GET, "lead/")
            .query_list("id__in", ["a", "b,c"]),
    ] {
        let e = bounded(request.send::<Value>()).await.unwrap_err();
        assert!(matches!(e, Error::InvalidRequest(_)), "{e:?}");
    }
    assert_eq!(server.request_lines(), Vec::<String>::new());
}

/// `s` with each `%XX` decoded (what a server does with a request target's segment).
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |j: usize| b.get(j).and_then(|c| (*c as char).to_digit(16));
        match (b[i], hex(i + 1), hex(i + 2)) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Whatever the values, a raw request is refused before sending, or arrives as one request
/// whose path has the template's shape with each value, undamaged, in its own segment; for a
/// template that matches a generated operation and for one that matches none.
#[test]
fn arbitrary_param_values_never_leave_the_templates_shape() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let server = rt.block_on(LoopbackServer::start(|_| Reply::json(200, &json!({}))));
    let client = client_for(&server.base_url(), RetryPolicy::none());
    let value = prop_oneof![
        any::<String>(),
        "[.%2eE/\\\\?#;a\u{FF0E}\u{0} ]{0,8}",
        proptest::sample::select(HOSTILE_VALUES.map(String::from).to_vec()),
    ];
    let templates = [
        // groups_remove_member (the full check in `pre`), and a raw request (the generic one).
        (
            "DELETE",
            "group/{a}/member/{b}/",
            ["group", "{a}", "member", "{b}"],
        ),
        (
            "PUT",
            "not_in_the_document/{a}/x/{b}",
            ["not_in_the_document", "{a}", "x", "{b}"],
        ),
    ];
    let config = ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    let mut runner = proptest::test_runner::TestRunner::new(config);
    let started = Instant::now();
    let (sent, refused) = (std::cell::Cell::new(0), std::cell::Cell::new(0));
    runner
        .run(&(0..templates.len(), value.clone(), value), |(t, a, b)| {
            let (method, template, shape) = templates[t];
            let before = server.request_lines().len();
            let result = rt.block_on(bounded(
                client
                    .request(Method::from_bytes(method.as_bytes()).unwrap(), template)
                    .param("a", &a)
                    .param("b", &b)
                    .send::<Value>(),
            ));
            let lines = server.request_lines();
            let new = &lines[before..];
            match result {
                Err(Error::InvalidRequest(_)) => {
                    prop_assert!(new.is_empty(), "refused but sent {:?}", new);
                    refused.set(refused.get() + 1);
                }
                Ok(_) => {
                    prop_assert_eq!(new.len(), 1);
                    let (m, target) = new[0].split_once(' ').unwrap();
                    prop_assert_eq!(m, method);
                    let segments: Vec<&str> = target.split('/').collect();
                    // "", the four segments, "" (the trailing slash).
                    prop_assert_eq!(segments.len(), 6, "{}", target);
                    prop_assert!(segments[0].is_empty() && segments[5].is_empty());
                    for (got, want) in segments[1..5].iter().zip(shape) {
                        match want {
                            "{a}" => prop_assert_eq!(percent_decode(got), a.clone()),
                            "{b}" => prop_assert_eq!(percent_decode(got), b.clone()),
                            literal => prop_assert_eq!(*got, literal),
                        }
                    }
                    sent.set(sent.get() + 1);
                }
                Err(other) => prop_assert!(false, "{:?} {:?}: {:?}", a, b, other),
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
    let (sent, refused) = (sent.get(), refused.get());
    assert!(sent > 0 && refused > 0, "sent {sent}, refused {refused}");
    assert!(started.elapsed() < Duration::from_secs(60));
}

/// A writer the test subscriber appends to.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn raw_requests_are_traced_with_their_template_but_never_values_or_secrets() {
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
    let server = LoopbackServer::start(|_| Reply::json(200, &json!({}))).await;
    let client = Client::builder()
        .bearer_token("tok_do_not_log")
        .base_url(server.base_url())
        .build()
        .unwrap();
    let _: Value = bounded(
        client
            .request(Method::PUT, "not_in_the_document/{id}/")
            .param("id", "value_do_not_log")
            .json(&json!({"secret": "body_do_not_log"}))
            .send(),
    )
    .await
    .unwrap();
    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(log.contains("close.raw"), "{log}");
    assert!(log.contains("template=not_in_the_document/{id}/"), "{log}");
    assert!(log.contains("operation_id=\"raw_request\""), "{log}");
    assert!(log.contains("status=200"), "{log}");
    assert!(!log.contains("do_not_log"), "{log}");
}

/// README's known limit: the typed membership update cannot send `null`; the raw request it
/// points to does, as the same operation, and exactly that body goes out.
#[tokio::test]
async fn the_readme_workaround_clears_a_membership_member_with_an_explicit_null() {
    let server = MockServer::start_async().await;
    let update = server
        .mock_async(|when, then| {
            when.method(PUT)
                .path("/membership/memb_1/")
                .header("authorization", BASIC_AUTH)
                .json_body(json!({"default_caller_id": null}));
            then.status(200)
                .json_body(json!({"id": "memb_1", "default_caller_id": null}));
        })
        .await;
    let client = api_key_client(&server);
    let id = "memb_1";
    let answer: Value = bounded(
        client
            .request(Method::PUT, "membership/{id}/")
            .param("id", id)
            .json(&json!({"default_caller_id": null}))
            .send::<Value>(),
    )
    .await
    .expect("the update succeeds");
    update.assert_async().await;
    assert_eq!(answer["default_caller_id"], Value::Null);
}
