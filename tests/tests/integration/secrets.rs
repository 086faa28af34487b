//! No secret in any error (issue 18). Every operation whose documented answer (schema or
//! example in `openapi/close.json`) holds a secret member (`close_sdk::SECRET_MEMBERS`: what the
//! overlay marks `x-secret`, plus OAuth tokens, client secrets and API keys) is called through
//! its generated builder, its extension trait and a raw request, against every way an answer can
//! fail: a success body that does not decode, a documented and an undocumented error status, a
//! redirect, a body that is not JSON, a body cut mid-secret (and at the 64 KiB error-body bound),
//! an answer cut off mid-transfer, an oversized one. `Display` (plain and `{:#}`), `Debug`
//! (plain and `{:#?}`), every `source()` in the chain, and everything a TRACE-level `tracing`
//! subscriber writes, hold no piece of the secret. The event log, webhook verification and the
//! OAuth token endpoint are checked the same way.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use close_sdk::events::{EventFilter, FollowOptions, FollowPosition};
use close_sdk::oauth::OAuthApp;
use close_sdk::prelude::*;
use close_sdk::types::{CreateWebhook, UpdateWebhook, WebhookSubscriptionList};
use close_sdk::webhooks::{
    self, Action, NewSubscription, ObjectType, SignatureKey, SubscriptionEvent, SubscriptionUpdate,
    VerifyOptions, WebhookSubscription,
};
use close_sdk::{Method, RetryPolicy, SECRET_MEMBERS};
use close_sdk_tests::loopback_server::{LoopbackServer, Reply};
use close_sdk_tests::resources::spec;
use close_sdk_tests::API_KEY;
use futures_util::StreamExt;
use serde_json::{json, Value};

/// The secret every answer below carries (the key from Close's webhook examples).
const KEY: &str = "058bfb6a3d8cfdc4da7c3be5901b16ae11da982b46a25fb2cd7016e97a140a1c";
/// No run of this many characters of [`KEY`] may appear anywhere.
const WINDOW: usize = 12;
/// Every call ends within this.
const LIMIT: Duration = Duration::from_secs(20);

/// The piece of [`KEY`] that `text` shows, if any.
fn leak(text: &str) -> Option<&'static str> {
    (0..=KEY.len() - WINDOW)
        .map(|i| &KEY[i..i + WINDOW])
        .find(|w| text.contains(w))
}

fn shorten(text: &str) -> String {
    text.chars().take(600).collect()
}

/// `Display`, alternate `Display`, `Debug`, pretty `Debug` of `e` and of every source.
fn shown(e: &(dyn std::error::Error + 'static)) -> Vec<String> {
    let mut out = vec![
        format!("{e}"),
        format!("{e:#}"),
        format!("{e:?}"),
        format!("{e:#?}"),
    ];
    let mut source = e.source();
    for _ in 0..32 {
        let Some(s) = source else { break };
        out.extend([format!("{s}"), format!("{s:#}"), format!("{s:?}")]);
        source = s.source();
    }
    out
}

fn assert_clean(what: &str, e: &(dyn std::error::Error + 'static)) {
    for text in shown(e) {
        if let Some(piece) = leak(&text) {
            panic!("{what}: the error shows `{piece}`: {}", shorten(&text));
        }
    }
}

/// Captures everything a TRACE-level subscriber writes on this thread.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut v) = self.0.lock() {
            v.extend_from_slice(buf);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    /// Installs a TRACE subscriber writing here, for as long as the guard lives.
    fn install(&self) -> tracing::subscriber::DefaultGuard {
        let sink = self.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_span_events(tracing_subscriber::fmt::format::FmtSpan::FULL)
            .with_ansi(false)
            .with_writer(move || sink.clone())
            .finish();
        let guard = tracing::subscriber::set_default(subscriber);
        // Another test thread may have cached a callsite as unwanted (no subscriber) while this
        // one was being set: ask every callsite again, so that a log is never missing here.
        tracing::callsite::rebuild_interest_cache();
        guard
    }

    fn assert_clean(&self) {
        let log = self
            .0
            .lock()
            .map(|v| String::from_utf8_lossy(&v).into_owned())
            .unwrap_or_default();
        assert!(
            log.contains("close.request"),
            "the subscriber saw the calls"
        );
        if let Some(piece) = leak(&log) {
            panic!("the TRACE output shows `{piece}`: {}", shorten(&log));
        }
    }
}

fn client(base: &str) -> Client {
    Client::builder()
        .api_key(API_KEY)
        .base_url(base)
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client")
        .with_retry_policy(RetryPolicy::none())
}

/// The member names of a schema, `$ref`s followed (each component once).
fn schema_members(
    spec: &Value,
    schema: &Value,
    seen: &mut BTreeSet<String>,
    out: &mut BTreeSet<String>,
) {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        if seen.insert(r.to_string()) {
            if let Some(target) = r.strip_prefix('#').and_then(|p| spec.pointer(p)) {
                schema_members(spec, target, seen, out);
            }
        }
        return;
    }
    match schema {
        Value::Object(map) => {
            if let Some(Value::Object(props)) = map.get("properties") {
                out.extend(props.keys().cloned());
            }
            for (k, v) in map {
                if k != "example" && k != "examples" {
                    schema_members(spec, v, seen, out);
                }
            }
        }
        Value::Array(items) => {
            for v in items {
                schema_members(spec, v, seen, out);
            }
        }
        _ => {}
    }
}

/// The member names of an example, at any depth.
fn example_members(example: &Value, out: &mut BTreeSet<String>) {
    match example {
        Value::Object(map) => {
            for (k, v) in map {
                out.insert(k.clone());
                example_members(v, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| example_members(v, out)),
        _ => {}
    }
}

/// Every operation whose documented success answer holds a secret member, with those members.
fn operations_with_secrets() -> BTreeMap<String, BTreeSet<String>> {
    let spec = spec();
    let mut found = BTreeMap::new();
    for item in spec["paths"].as_object().expect("paths").values() {
        for op in item.as_object().expect("a path item").values() {
            let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            let mut members = BTreeSet::new();
            for (status, response) in op["responses"].as_object().into_iter().flatten() {
                if !status.starts_with('2') {
                    continue;
                }
                for media in response["content"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(_, m)| m)
                {
                    schema_members(&spec, &media["schema"], &mut BTreeSet::new(), &mut members);
                    example_members(&media["example"], &mut members);
                    for e in media["examples"].as_object().into_iter().flatten() {
                        example_members(&e.1["value"], &mut members);
                    }
                }
            }
            let secret: BTreeSet<String> = members
                .into_iter()
                .filter(|m| SECRET_MEMBERS.contains(&m.as_str()))
                .collect();
            if !secret.is_empty() {
                found.insert(id.to_string(), secret);
            }
        }
    }
    found
}

/// The overlay's `x-secret` marks reach `SECRET_MEMBERS` (through close-sdk-gen's list).
#[test]
fn every_member_the_spec_marks_secret_is_redacted() {
    let spec = spec();
    let schemas = spec["components"]["schemas"].as_object().expect("schemas");
    let marked: Vec<&String> = schemas
        .iter()
        .filter(|(_, s)| s["x-secret"] == true)
        .map(|(name, _)| name)
        .collect();
    assert!(!marked.is_empty(), "the overlay marks SignatureKey");
    for s in schemas.values() {
        for (member, prop) in s["properties"].as_object().into_iter().flatten() {
            let target = prop["$ref"].as_str().and_then(|r| r.rsplit('/').next());
            let secret =
                prop["x-secret"] == true || target.is_some_and(|t| marked.iter().any(|m| *m == t));
            if secret {
                assert!(SECRET_MEMBERS.contains(&member.as_str()), "{member}");
            }
        }
    }
    assert!(SECRET_MEMBERS.contains(&"signature_key"));
}

fn subscription(signature_key: &str) -> Value {
    json!({
        "id": "whsub_1",
        "url": "https://example.com/close",
        "events": [{"object_type": "lead", "action": "created"}],
        "status": "active",
        "verify_ssl": true,
        "signature_key": signature_key,
    })
}

fn respond(status: u16, content_type: &str, headers: &[(&str, String)], body: Vec<u8>) -> Reply {
    let mut all = vec![("content-type".to_string(), content_type.to_string())];
    all.extend(headers.iter().map(|(n, v)| (n.to_string(), v.clone())));
    Reply::Respond {
        status,
        headers: all,
        body,
    }
}

/// One way an answer fails, for an operation answering one subscription or (`list`) a page;
/// `exact`: the operation documents one exact 2xx status (a GET or PUT), so another 2xx is
/// undocumented.
fn failures(list: bool, exact: bool) -> Vec<(&'static str, Reply)> {
    let wrap = |v: Value| {
        if list {
            json!({"data": [v], "has_more": false})
        } else {
            v
        }
    };
    let json_bytes = |v: &Value| v.to_string().into_bytes();
    let error_body = json!({
        "error": format!("signature_key {KEY} belongs to another subscription"),
        "field-errors": {"signature_key": KEY},
        "signature_key": KEY,
    });
    let error_headers = [
        ("x-signature-key", KEY.to_string()),
        ("x-debug", format!("signature_key={KEY}")),
        ("set-cookie", format!("session={KEY}")),
    ];
    let whole = json_bytes(&wrap(subscription(KEY)));
    let cut_at = whole
        .windows(KEY.len())
        .position(|w| w == KEY.as_bytes())
        .map_or(whole.len(), |p| p + 40);
    // An error body longer than the 64 KiB the SDK reads, cut 20 characters into the key.
    let pad = 64 * 1024 - 20 - r#"{"error":"x","pad":"","signature_key":""#.len();
    let long_error = format!(
        r#"{{"error":"x","pad":"{}","signature_key":"{KEY}"}}"#,
        "a".repeat(pad)
    );
    let undocumented_2xx = exact.then(|| {
        (
            "an undocumented success status",
            respond(
                203,
                "application/json",
                &error_headers,
                json_bytes(&wrap(json!({"id": 7, "signature_key": KEY}))),
            ),
        )
    });
    let mut all = vec![
        (
            "a success body that does not decode",
            respond(
                200,
                "application/json",
                &[],
                json_bytes(&wrap(json!({"id": 7, "signature_key": KEY}))),
            ),
        ),
        (
            "a key in a form the SDK does not parse",
            respond(
                200,
                "application/json",
                &[],
                json_bytes(&wrap(subscription(&format!("whsec_{KEY}")))),
            ),
        ),
        (
            "a documented error status",
            respond(
                400,
                "application/json",
                &error_headers,
                json_bytes(&error_body),
            ),
        ),
        (
            "an undocumented error status",
            respond(
                500,
                "application/json",
                &error_headers,
                json_bytes(&error_body),
            ),
        ),
        (
            "a redirect",
            respond(
                302,
                "application/json",
                &[("location", "https://elsewhere.example/".into())],
                json_bytes(&error_body),
            ),
        ),
        (
            "a success body that is not JSON",
            respond(
                200,
                "text/plain",
                &[],
                format!("signature_key={KEY}&url=x").into_bytes(),
            ),
        ),
        (
            "an error body that is not JSON",
            respond(
                502,
                "text/html",
                &error_headers,
                format!("<html><pre>{{'signature_key': '{KEY}'}}</pre></html>").into_bytes(),
            ),
        ),
        (
            "a success body cut mid-key",
            respond(200, "application/json", &[], whole[..cut_at].to_vec()),
        ),
        (
            "an error body cut mid-key at the bound",
            respond(400, "application/json", &[], long_error.into_bytes()),
        ),
        (
            "a success answer cut off mid-transfer",
            Reply::Truncated {
                declared: whole.len() + 100,
                body: whole.clone(),
            },
        ),
        (
            "an oversized success answer",
            Reply::Truncated {
                declared: 40 * 1024 * 1024,
                body: whole,
            },
        ),
    ];
    all.extend(undocumented_2xx);
    all
}

fn create_json() -> Value {
    json!({"url": "https://example.com/close", "events": [{"object_type": "lead", "action": "created"}]})
}

/// The operation through its generated builder.
async fn generated(client: &Client, op: &str) -> Result<(), close_sdk::Error> {
    match op {
        "webhooks_get" => client.webhooks_get().id("whsub_1").send().await.map(drop),
        "webhooks_list" => client.webhooks_list().send().await.map(drop),
        "webhooks_create" => {
            let body: CreateWebhook = serde_json::from_value(create_json()).expect("a body");
            client.webhooks_create().body(body).send().await.map(drop)
        }
        "webhooks_update" => {
            let body: UpdateWebhook =
                serde_json::from_value(json!({"url": "https://example.com/close"}))
                    .expect("a body");
            client
                .webhooks_update()
                .id("whsub_1")
                .body(body)
                .send()
                .await
                .map(drop)
        }
        other => panic!("{other}'s documented answer holds a secret: add its calls to this test"),
    }
}

/// The operation through its extension trait.
async fn extension(client: &Client, op: &str) -> Result<(), close_sdk::Error> {
    match op {
        "webhooks_get" => client.get_webhook("whsub_1").await.map(drop),
        "webhooks_list" => client.list_webhooks().await.map(drop),
        "webhooks_create" => client
            .create_webhook(
                NewSubscription::new("https://example.com/close")
                    .event(SubscriptionEvent::new(ObjectType::Lead, Action::Created)),
            )
            .await
            .map(drop),
        "webhooks_update" => client
            .update_webhook(
                "whsub_1",
                SubscriptionUpdate {
                    url: Some("https://example.com/close".into()),
                    ..Default::default()
                },
            )
            .await
            .map(drop),
        other => panic!("{other}: add its calls to this test"),
    }
}

/// The operation as a raw request.
async fn raw(client: &Client, op: &str) -> Result<(), close_sdk::Error> {
    match op {
        "webhooks_get" => client
            .request(Method::GET, "webhook/{id}/")
            .param("id", "whsub_1")
            .send::<WebhookSubscription>()
            .await
            .map(drop),
        "webhooks_list" => client
            .request(Method::GET, "webhook/")
            .send::<WebhookSubscriptionList>()
            .await
            .map(drop),
        "webhooks_create" => client
            .request(Method::POST, "webhook/")
            .json(&create_json())
            .send::<WebhookSubscription>()
            .await
            .map(drop),
        "webhooks_update" => client
            .request(Method::PUT, "webhook/{id}/")
            .param("id", "whsub_1")
            .json(&json!({"url": "https://example.com/close"}))
            .send::<WebhookSubscription>()
            .await
            .map(drop),
        other => panic!("{other}: add its calls to this test"),
    }
}

#[tokio::test]
async fn no_error_of_an_operation_answering_a_secret_shows_it() {
    let operations = operations_with_secrets();
    let ids: Vec<&str> = operations.keys().map(String::as_str).collect();
    assert_eq!(
        ids,
        [
            "webhooks_create",
            "webhooks_get",
            "webhooks_list",
            "webhooks_update"
        ],
        "the operations whose documented answer holds a secret ({operations:?})"
    );
    let captured = Captured::default();
    let _guard = captured.install();
    for op in operations.keys() {
        for (kind, reply) in failures(op == "webhooks_list", op != "webhooks_create") {
            let server = LoopbackServer::start(move |_| reply.clone()).await;
            let client = client(&server.base_url());
            let what = format!("{op}, {kind}");

            let e = tokio::time::timeout(LIMIT, generated(&client, op))
                .await
                .expect("in time")
                .expect_err(&what);
            assert_clean(&format!("{what} (generated builder)"), &e);

            let e = tokio::time::timeout(LIMIT, extension(&client, op))
                .await
                .expect("in time")
                .expect_err(&what);
            assert_clean(&format!("{what} (extension trait)"), &e);

            let e = tokio::time::timeout(LIMIT, raw(&client, op))
                .await
                .expect("in time")
                .expect_err(&what);
            assert_clean(&format!("{what} (raw request)"), &e);
        }
    }
    captured.assert_clean();
}

/// The generated builder's error converted without awaiting (`From`) is as clean.
#[tokio::test]
async fn converting_a_builder_error_with_from_shows_no_secret() {
    for (kind, reply) in failures(false, true) {
        let server = LoopbackServer::start(move |_| reply.clone()).await;
        let client = client(&server.base_url());
        let e = tokio::time::timeout(LIMIT, generated(&client, "webhooks_get"))
            .await
            .expect("in time")
            .expect_err(kind);
        assert_clean(kind, &e);
    }
}

/// The event log: an entry that does not decode, a page that does not decode, an error status;
/// listed, followed and fetched by id.
#[tokio::test]
async fn no_event_log_error_shows_a_secret() {
    let entry = json!({"id": "ev_1", "object_type": "webhook_subscription", "action": "updated",
                       "date_updated": KEY, "data": {"signature_key": KEY}});
    let answers = [
        (
            "an entry that does not decode",
            Reply::json(200, &json!({"data": [entry], "cursor_next": null})),
        ),
        (
            "a page that does not decode",
            Reply::json(200, &json!({"data": KEY, "signature_key": KEY})),
        ),
        (
            "an error status",
            Reply::json(400, &json!({"error": "bad", "signature_key": KEY})),
        ),
        ("an event that does not decode", Reply::json(200, &entry)),
    ];
    let captured = Captured::default();
    let _guard = captured.install();
    for (kind, reply) in answers {
        let server = LoopbackServer::start(move |_| reply.clone()).await;
        let client = client(&server.base_url());
        let listed: Vec<_> = tokio::time::timeout(
            LIMIT,
            client
                .list_events(EventFilter::new(), 50)
                .take(3)
                .collect::<Vec<_>>(),
        )
        .await
        .expect("in time");
        let mut errors = 0;
        for e in listed.iter().filter_map(|r| r.as_ref().err()) {
            errors += 1;
            assert_clean(&format!("{kind} (list_events)"), e);
        }
        let options = FollowOptions {
            min_interval: Duration::from_millis(1),
            ..FollowOptions::default()
        };
        let mut follower = client
            .follow_events(EventFilter::new(), FollowPosition::beginning(), options)
            .expect("a follower");
        if let Ok(Err(e)) = tokio::time::timeout(Duration::from_secs(2), follower.next()).await {
            errors += 1;
            assert_clean(&format!("{kind} (follower)"), &e);
        }
        if let Err(e) = tokio::time::timeout(LIMIT, client.get_event("ev_1"))
            .await
            .expect("in time")
        {
            errors += 1;
            assert_clean(&format!("{kind} (get_event)"), &e);
        }
        assert!(errors > 0, "{kind}: no error to check");
    }
    captured.assert_clean();
}

/// Webhook deliveries that are signed but not JSON, or not a delivery, and quote the key.
#[test]
fn no_webhook_verification_error_shows_a_secret() {
    let key: SignatureKey = KEY.parse().expect("a key");
    let options = VerifyOptions::default().without_timestamp_check();
    for body in [
        json!({"event": KEY, "subscription_id": "whsub_1", "signature_key": KEY}).to_string(),
        json!({"event": {"id": 7, "signature_key": KEY}, "subscription_id": KEY}).to_string(),
        format!("signature_key={KEY}"),
    ] {
        let headers = webhooks::signed_headers(&key, "1544271440", body.as_bytes());
        let e = webhooks::verify(body.as_bytes(), &headers, &key, &options)
            .map(drop)
            .expect_err("not a delivery");
        assert_clean(&format!("webhook delivery {}", &body[..20]), &e);
    }
}

/// The OAuth token endpoint: an answer that does not parse (holding the tokens) and a refusal
/// quoting one.
#[tokio::test]
async fn no_oauth_token_error_shows_a_secret() {
    let answers = [
        Reply::json(
            200,
            &json!({"access_token": KEY, "token_type": "Bearer", "expires_in": KEY,
                                 "refresh_token": KEY}),
        ),
        Reply::json(
            400,
            &json!({"error": "invalid_grant",
                                 "error_description": format!("refresh_token={KEY} was revoked")}),
        ),
        Reply::json(
            400,
            &json!({"error": format!("access_token {KEY}"), "access_token": KEY}),
        ),
    ];
    for reply in answers {
        let server = LoopbackServer::start(move |_| reply.clone()).await;
        let app = OAuthApp::new("oa2client_test", "client-secret-value")
            .expect("an app")
            .endpoints(
                &format!("{}/oauth2/authorize/", server.base_url()),
                &format!("{}/oauth2/token/", server.base_url()),
            )
            .expect("endpoints");
        let e = tokio::time::timeout(LIMIT, app.exchange_code("CODE"))
            .await
            .expect("in time")
            .map(drop)
            .expect_err("refused");
        assert_clean("token endpoint", &e);
    }
}
