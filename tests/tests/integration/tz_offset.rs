//! `x-tz-offset` over loopback (developer.close.com/api/overview/timezone-offsets): absent unless
//! set, sent exactly as Close's examples write it by every kind of call, overridden or cleared
//! per call, kept on retries and on a long GET sent as `_params`, and an invalid offset refused
//! before anything is sent.

// The extension traits' old names, deprecated where a handle call does the same, keep
// working: these tests call them on purpose.
#![allow(deprecated)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use close_sdk::prelude::*;
use close_sdk::{Method, RetryPolicy, TzOffset};
use close_sdk_tests::loopback_server::{LoopbackServer, Reply, Request};
use close_sdk_tests::resources::response_example;
use close_sdk_tests::API_KEY;
use serde_json::{json, Value};

/// Upper bound for any one test's calls.
const BOUND: Duration = Duration::from_secs(20);

async fn bounded<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(BOUND, f)
        .await
        .expect("the call finished within the bound")
}

/// A server answering `/me/` with Close's example and anything else with an empty page, keeping
/// each request it read.
async fn recording() -> (LoopbackServer, Arc<Mutex<Vec<Request>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let me = response_example("get", "/me/");
    let server = LoopbackServer::start(move |request| {
        log.lock().unwrap().push(request.clone());
        if request.path == "/me/" {
            Reply::json(200, &me)
        } else {
            Reply::json(200, &json!({"data": [], "has_more": false}))
        }
    })
    .await;
    (server, seen)
}

fn builder_for(server: &LoopbackServer) -> close_sdk::ClientBuilder {
    Client::builder()
        .api_key(API_KEY)
        .base_url(server.base_url())
        .timeout(Duration::from_secs(5))
        .retry_policy(RetryPolicy::none())
}

/// Every `x-tz-offset` value of the requests read since the last call, one entry per request
/// (`None`: no header), each request's values joined.
fn offsets(seen: &Mutex<Vec<Request>>) -> Vec<Option<String>> {
    let requests = std::mem::take(&mut *seen.lock().unwrap());
    requests
        .iter()
        .map(|r| {
            let values: Vec<&str> = r
                .headers
                .iter()
                .filter(|(n, _)| n == "x-tz-offset")
                .map(|(_, v)| v.as_str())
                .collect();
            (!values.is_empty()).then(|| values.join(" | "))
        })
        .collect()
}

/// One call of each kind: a generated builder, an extension trait, a raw request.
async fn one_of_each(client: &Client) {
    bounded(client.activities_list().limit(1).send())
        .await
        .unwrap();
    bounded(client.me()).await.unwrap();
    let _: Value = bounded(client.request(Method::GET, "activity/").send())
        .await
        .unwrap();
}

#[tokio::test]
async fn no_header_unless_an_offset_is_set() {
    let (server, seen) = recording().await;
    let client = builder_for(&server).build().unwrap();
    one_of_each(&client).await;
    assert_eq!(offsets(&seen), [None, None, None]);
}

#[tokio::test]
async fn the_clients_offset_goes_with_every_call_as_closes_examples_write_it() {
    let (server, seen) = recording().await;
    let client = builder_for(&server)
        .tz_offset(TzOffset::from_hours(-4.0).unwrap())
        .build()
        .unwrap();
    one_of_each(&client).await;
    let edt = Some("-4".to_string());
    assert_eq!(offsets(&seen), [edt.clone(), edt.clone(), edt]);
    // Close's half-hour example, and a quarter-hour zone.
    for (hours, sent) in [(-2.5, "-2.5"), (5.75, "5.75"), (0.0, "0")] {
        let client = builder_for(&server)
            .tz_offset(TzOffset::from_hours(hours).unwrap())
            .build()
            .unwrap();
        bounded(client.me()).await.unwrap();
        assert_eq!(offsets(&seen), [Some(sent.to_string())], "{hours}");
    }
}

#[tokio::test]
async fn a_per_call_offset_overrides_or_clears_the_clients_without_changing_it() {
    let (server, seen) = recording().await;
    let client = builder_for(&server)
        .tz_offset(TzOffset::from_hours(-4.0).unwrap())
        .build()
        .unwrap();
    let ndt = client.with_tz_offset(TzOffset::from_hours(-2.5).unwrap());
    one_of_each(&ndt).await;
    let half = Some("-2.5".to_string());
    assert_eq!(offsets(&seen), [half.clone(), half.clone(), half]);
    one_of_each(&client.with_tz_offset(None)).await;
    assert_eq!(offsets(&seen), [None, None, None]);
    bounded(client.me()).await.unwrap();
    assert_eq!(offsets(&seen), [Some("-4".to_string())], "the client's own");
    // Set per call on a client that has none.
    let plain = builder_for(&server).build().unwrap();
    bounded(
        plain
            .with_tz_offset("5.5".parse::<TzOffset>().unwrap())
            .me(),
    )
    .await
    .unwrap();
    bounded(plain.me()).await.unwrap();
    assert_eq!(offsets(&seen), [Some("5.5".to_string()), None]);
}

/// Each attempt carries it (a retry after a 503), and so does a long GET sent as `_params`.
#[tokio::test]
async fn retries_and_long_gets_carry_it() {
    let answers = Mutex::new(vec![Reply::json(503, &json!({"error": "again"}))]);
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let server = LoopbackServer::start(move |request| {
        log.lock().unwrap().push(request.clone());
        let mut a = answers.lock().unwrap();
        if a.is_empty() {
            Reply::json(200, &json!({"data": [], "has_more": false}))
        } else {
            a.remove(0)
        }
    })
    .await;
    let client = builder_for(&server)
        .retry_policy(RetryPolicy::default().base_delay(Duration::from_millis(10)))
        .tz_offset(TzOffset::from_minutes(-150).unwrap())
        .build()
        .unwrap();
    let ids: Vec<String> = (0..100).map(|i| format!("acti_{i:040}")).collect();
    bounded(
        client
            .activities_list()
            .id_in(ids)
            .date_created_gte(close_sdk::Date::new(2026, 1, 1).unwrap())
            .send(),
    )
    .await
    .unwrap();
    let lines = server.request_lines();
    assert_eq!(lines, ["POST /activity/", "POST /activity/"]);
    let half = Some("-2.5".to_string());
    assert_eq!(offsets(&seen), [half.clone(), half]);
}

/// An offset Close cannot be sent is refused where it is made, with `Error::InvalidRequest`:
/// no client or call can carry it, so nothing is sent.
#[tokio::test]
async fn invalid_offsets_are_refused_and_nothing_is_sent() {
    let (server, seen) = recording().await;
    let client = builder_for(&server).build().unwrap();
    let attempts: [(&str, Result<TzOffset, close_sdk::Error>); 8] = [
        ("NaN", TzOffset::from_hours(f64::NAN)),
        ("inf", TzOffset::from_hours(f64::INFINITY)),
        ("-4.1", TzOffset::from_hours(-4.1)),
        ("14.5", TzOffset::from_hours(14.5)),
        ("-13", "-13".parse()),
        ("4:30", "4:30".parse()),
        ("7 minutes", TzOffset::from_minutes(7)),
        ("-735 minutes", TzOffset::from_minutes(-735)),
    ];
    for (what, made) in attempts {
        let sent = async {
            let offset = made?;
            client.with_tz_offset(offset).me().await
        };
        match bounded(sent).await {
            Err(close_sdk::Error::InvalidRequest(msg)) => {
                assert!(msg.contains("x-tz-offset"), "{what}: {msg}")
            }
            other => panic!("{what}: {other:?}"),
        }
    }
    assert_eq!(server.requests(), 0);
    assert!(seen.lock().unwrap().is_empty());
}
