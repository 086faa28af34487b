//! Attack on `MockClose` for the CRM (issue 22): webhook receivers that hang, dropping the mock
//! or `wait_for_deliveries` while deliveries are in flight, secrets (API key, signature keys)
//! in 404 bodies, the event log and `Debug`, and typed fixtures for every type whose example
//! Close documents. Every wait is bounded.

use std::time::{Duration, Instant};

use close_sdk::mock::{fixture, MockClose};
use close_sdk::prelude::*;
use close_sdk::types as t;
use close_sdk_tests::loopback_server::{LoopbackServer, Reply};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

const SECRET_KEY: &str = "api_5ecretKEYdoNotLeak0123456789";

fn client(close: &MockClose) -> Client {
    Client::builder()
        .api_key(SECRET_KEY)
        .base_url(close.base_url())
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client")
}

fn body<T: DeserializeOwned>(v: Value) -> T {
    serde_json::from_value(v).expect("a request body")
}

async fn subscribe(client: &Client, url: String) -> String {
    let sub = client
        .webhooks()
        .create(body::<t::CreateWebhook>(json!({
            "url": url,
            "events": [{"object_type": "opportunity", "action": "created"}],
        })))
        .await
        .expect("subscription");
    sub.signature_key.expect("a signature key").expose_hex()
}

async fn an_opportunity(client: &Client) {
    let lead = client
        .leads()
        .create(body::<t::CreateLead>(json!({"name": "Bluth Company"})))
        .await
        .expect("lead");
    client
        .opportunities()
        .create(body::<t::CreateOpportunity>(
            json!({"lead_id": lead.id.expect("id")}),
        ))
        .await
        .expect("opportunity");
}

/// Close delivers to each subscription on its own; a receiver that hangs (the mock gives each
/// attempt 5 s, three attempts) must not hold up the delivery to a healthy receiver of another
/// subscription for ~15 s.
#[tokio::test]
async fn a_hanging_receiver_does_not_hold_up_another_subscriptions_delivery() {
    let hanging = LoopbackServer::start(|_| Reply::Stall(Duration::from_secs(30))).await;
    let healthy = LoopbackServer::start(|_| Reply::json(200, &json!({}))).await;
    let close = MockClose::start().await;
    let client = client(&close);
    subscribe(&client, format!("{}/hook", hanging.base_url())).await;
    subscribe(&client, format!("{}/hook", healthy.base_url())).await;
    an_opportunity(&client).await;
    let healthy_url = format!("{}/hook", healthy.base_url());
    let deadline = Instant::now() + Duration::from_secs(3);
    let delivered = loop {
        let done = close.deliveries();
        if done.iter().any(|d| d.url == healthy_url && d.succeeded()) {
            break true;
        }
        if Instant::now() >= deadline {
            break false;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(
        delivered,
        "the healthy receiver got nothing within 3 s: {:?}",
        close.deliveries()
    );
}

/// Dropping the mock while a delivery hangs returns at once, and a second mock on the same
/// runtime works (defended: the worker is aborted).
#[tokio::test]
async fn dropping_the_mock_while_a_delivery_hangs_returns_at_once() {
    let hanging = LoopbackServer::start(|_| Reply::Stall(Duration::from_secs(30))).await;
    let close = MockClose::start().await;
    let client = client(&close);
    subscribe(&client, format!("{}/hook", hanging.base_url())).await;
    an_opportunity(&client).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    drop(close);
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );

    let again = MockClose::start().await;
    let client = self::client(&again);
    an_opportunity(&client).await;
    assert_eq!(again.request_count("POST /opportunity/"), 1);
}

/// A `wait_for_deliveries` dropped half-way leaves the mock working: the delivery still lands
/// and a later wait sees it (defended).
#[tokio::test]
async fn a_dropped_wait_for_deliveries_leaves_the_mock_working() {
    let receiver = LoopbackServer::start(|_| {
        Reply::Delayed(
            Duration::from_millis(300),
            Box::new(Reply::json(200, &json!({}))),
        )
    })
    .await;
    let close = MockClose::start().await;
    let client = client(&close);
    subscribe(&client, format!("{}/hook", receiver.base_url())).await;
    an_opportunity(&client).await;
    let early = tokio::time::timeout(
        Duration::from_millis(50),
        close.wait_for_deliveries(1, Duration::from_secs(10)),
    )
    .await;
    assert!(early.is_err(), "the first wait was cut short");
    let done = close.wait_for_deliveries(1, Duration::from_secs(10)).await;
    assert_eq!(done.len(), 1);
    assert!(done[0].succeeded(), "{:?}", done[0]);
}

/// Neither the API key nor a subscription's signature key shows in the mock's 404 bodies, its
/// event log, its request log, `Debug` of the mock or of a delivery record (defended).
#[tokio::test]
async fn secrets_stay_out_of_404s_events_logs_and_debug() {
    let receiver = LoopbackServer::start(|_| Reply::json(500, &json!({}))).await;
    let close = MockClose::start().await;
    let client = client(&close);
    let key = subscribe(&client, format!("{}/hook", receiver.base_url())).await;
    an_opportunity(&client).await;
    let done = close.wait_for_deliveries(1, Duration::from_secs(10)).await;
    assert_eq!(done.len(), 1);
    assert!(!done[0].succeeded());
    assert_eq!(done[0].attempts, 3, "a 500 is retried, boundedly");

    let raw = reqwest::Client::new()
        .get(format!("{}/no_such_thing/{}/", close.base_url(), "x"))
        .basic_auth(SECRET_KEY, Some(""))
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 404);
    let text = raw.text().await.unwrap();
    let events = serde_json::to_string(&close.events()).unwrap();
    let listed = client.webhooks().list().await.unwrap();
    let shown = [
        text,
        events,
        format!("{close:?}"),
        format!("{done:?}"),
        format!("{:?}", close.requests()),
        format!("{listed:?}"),
    ];
    for s in &shown {
        assert!(!s.contains(SECRET_KEY), "API key in {s}");
        assert!(!s.contains(&key), "signature key in {s}");
    }
}

/// `fixture::<T>()` finds `T`'s documented example by `T`'s name; Close documents the SMS
/// activity (`activities_sms_get`'s example) and the SMS template bodies, but the SDK names
/// those types `SmsActivity`, `CreateSmsActivity`, `CreateSmsTemplate` while the example
/// table keys them `SMSActivity`, `CreateSMSActivity`, `CreateSMSTemplate`.
#[test]
fn fixtures_exist_for_every_type_whose_example_close_documents() {
    let sms = fixture::<t::SmsActivity>().try_build();
    assert!(sms.is_ok(), "{sms:?}");
    assert!(fixture::<t::CreateSmsActivity>().try_build().is_ok());
    assert!(fixture::<t::CreateSmsTemplate>().try_build().is_ok());
    assert!(fixture::<t::SmsActivityList>().try_build().is_ok());
}

/// The same types are reachable by their schema name (defended: `of_schema`).
#[test]
fn fixtures_by_schema_name_work_for_the_sms_activity() {
    let sms = close_sdk::mock::Fixture::<t::SmsActivity>::of_schema("SMSActivity").build();
    assert!(sms.id.is_some());
}

/// The event log answers hostile paging parameters boundedly (defended): a `_limit` of 0 or
/// beyond `usize`, a `_cursor` at `usize::MAX`.
#[tokio::test]
async fn hostile_event_log_parameters_are_answered() {
    let close = MockClose::start().await;
    let client = client(&close);
    an_opportunity(&client).await;
    let http = reqwest::Client::new();
    for query in [
        "_limit=0",
        "_limit=99999999999999999999999",
        "_limit=-1",
        "_cursor=mock_18446744073709551615",
        "_cursor=mock_-5",
        "date_updated__gt=not-a-date",
    ] {
        let r = http
            .get(format!("{}/event/?{query}", close.base_url()))
            .basic_auth(SECRET_KEY, Some(""))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{query}");
        let v: Value = r.json().await.unwrap();
        assert!(v["data"].is_array(), "{query}: {v}");
    }
}
