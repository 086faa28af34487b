//! Bulk provisioning: exactly one outcome per row, whatever the server does, at a bounded
//! concurrency, through the same rate-limit and retry path as single calls.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use close_sdk::prelude::*;
use close_sdk::provisioning::RowOutcome;
use close_sdk::types::Membership;
use close_sdk::RetryPolicy;
use close_sdk_tests::loopback_server::{LoopbackServer, RateLimitedServer, Reply, Request};
use close_sdk_tests::*;
use futures_util::StreamExt;
use httpmock::prelude::*;
use serde_json::{json, Value};

const BOUND: Duration = Duration::from_secs(30);

fn client_for(base_url: &str) -> Client {
    Client::builder()
        .api_key(API_KEY)
        .base_url(base_url)
        .timeout(Duration::from_secs(5))
        .retry_policy(RetryPolicy::default().base_delay(Duration::from_millis(10)))
        .build()
        .unwrap()
}

fn emails(n: usize) -> Vec<(String, Role)> {
    (0..n)
        .map(|i| (format!("person{i}@salesteam.com"), Role::User))
        .collect()
}

async fn collect<T>(s: impl futures_util::Stream<Item = RowOutcome<T>>) -> Vec<RowOutcome<T>> {
    tokio::time::timeout(BOUND, s.collect::<Vec<_>>())
        .await
        .expect("provisioning finished within the bound")
}

/// Each index exactly once.
fn assert_one_outcome_per_row<T>(outcomes: &[RowOutcome<T>], rows: usize) {
    let indices: BTreeSet<usize> = outcomes.iter().map(|o| o.index).collect();
    assert_eq!(outcomes.len(), rows, "one outcome per row");
    assert_eq!(indices, (0..rows).collect(), "every row index exactly once");
}

/// A membership echoing the local part of the request's email in its id.
fn echo_membership(req: &Request) -> Reply {
    let body: Value = serde_json::from_slice(&req.body).unwrap_or_default();
    let email = body["email"].as_str().unwrap_or_default();
    let local = email.split('@').next().unwrap_or_default();
    let mut m = created_membership();
    m["id"] = json!(format!("memb_{local}"));
    m["role_id"] = body["role_id"].clone();
    Reply::json(200, &m)
}

#[tokio::test]
async fn all_rows_succeed() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST).path("/membership/");
            then.status(200).json_body(created_membership());
        })
        .await;
    let client = api_key_client(&server);
    let outcomes = collect(client.provision_memberships(emails(20), 4)).await;
    assert_one_outcome_per_row(&outcomes, 20);
    assert!(outcomes.iter().all(|o| o.result.is_ok()));
    assert_eq!(mock.calls_async().await, 20);
}

#[tokio::test]
async fn a_mix_of_400s_and_successes_keeps_the_row_tags_right() {
    let server = LoopbackServer::start(|req| {
        let body: Value = serde_json::from_slice(&req.body).unwrap_or_default();
        if body["email"].as_str().unwrap_or_default().starts_with("reject") {
            Reply::json(400, &json!({"errors": [], "field-errors": {"email": "Email is outside the verified domains."}}))
        } else {
            echo_membership(req)
        }
    })
    .await;
    let rows: Vec<(String, Role)> = (0..30)
        .map(|i| match i % 5 {
            0 => (format!("reject{i}@salesteam.com"), Role::User),
            3 => (format!("not-an-email-{i}"), Role::User),
            _ => (format!("ok{i}@salesteam.com"), Role::Superuser),
        })
        .collect();
    let client = client_for(&server.base_url());
    let outcomes = collect(client.provision_memberships(rows.clone(), 6)).await;
    assert_one_outcome_per_row(&outcomes, 30);
    for o in &outcomes {
        let (email, _) = &rows[o.index];
        match (o.index % 5, &o.result) {
            (0, Err(e)) => assert_eq!(e.status().map(|s| s.as_u16()), Some(400), "row {}", o.index),
            (3, Err(Error::InvalidRequest(m))) => assert!(m.contains(email.as_str()), "{m}"),
            (_, Ok(Membership { id, role_id, .. })) => {
                assert_eq!(
                    id.as_deref().unwrap(),
                    format!("memb_{}", email.split('@').next().unwrap()),
                    "row {}",
                    o.index
                );
                assert_eq!(role_id.as_deref().unwrap(), "superuser");
            }
            (k, r) => panic!("row {} (kind {k}): unexpected {r:?}", o.index),
        }
    }
    // Invalid rows are never sent.
    assert_eq!(server.requests(), 24);
}

#[tokio::test]
async fn a_429_burst_and_a_503_mid_run_still_give_one_outcome_per_row() {
    let seen = AtomicUsize::new(0);
    let server = LoopbackServer::start(move |req| match seen.fetch_add(1, Ordering::SeqCst) {
        5..=9 => Reply::json(429, &json!({"error": "API call count exceeded"}))
            .with_header("ratelimit", "limit=20, remaining=0, reset=0.2"),
        14 => Reply::Respond {
            status: 503,
            headers: vec![],
            body: b"upstream unavailable".to_vec(),
        },
        _ => echo_membership(req),
    })
    .await;
    let client = client_for(&server.base_url());
    let outcomes = collect(client.provision_memberships(emails(40), 8)).await;
    assert_one_outcome_per_row(&outcomes, 40);
    for o in &outcomes {
        assert!(o.result.is_ok(), "row {}: {:?}", o.index, o.result);
    }
    // 40 rows + 5 answered 429 + 1 answered 503, each retried once: nothing lost, nothing doubled.
    assert_eq!(server.requests(), 46);
}

#[tokio::test]
async fn the_concurrency_bound_is_respected() {
    let server = LoopbackServer::start(|req| {
        Reply::Delayed(Duration::from_millis(40), Box::new(echo_membership(req)))
    })
    .await;
    let client = client_for(&server.base_url());
    let outcomes = collect(client.provision_memberships(emails(24), 3)).await;
    assert_one_outcome_per_row(&outcomes, 24);
    let most = server.most_in_flight();
    assert!(most <= 3, "{most} requests in flight with a bound of 3");
    assert!(most >= 2, "the requests ran concurrently ({most})");
}

#[tokio::test]
async fn rows_can_arrive_as_a_stream() {
    let server = LoopbackServer::start(echo_membership).await;
    let client = client_for(&server.base_url());
    let rows = futures_util::stream::iter(emails(5));
    let outcomes = collect(client.provision_memberships_from_stream(rows, 2)).await;
    assert_one_outcome_per_row(&outcomes, 5);
}

#[tokio::test]
async fn offboarding_deactivates_each_id_once() {
    let server = MockServer::start_async().await;
    let ok = server
        .mock_async(|when, then| {
            when.method(DELETE).path_prefix("/membership/memb_");
            then.status(200);
        })
        .await;
    let missing = server
        .mock_async(|when, then| {
            when.method(DELETE).path("/membership/gone/");
            then.status(404).json_body(json!({"error": "Not found"}));
        })
        .await;
    let client = api_key_client(&server);
    let ids = vec!["memb_a", "memb_b", "gone", "memb_c"];
    let outcomes = collect(client.deactivate_memberships(ids, 2)).await;
    assert_one_outcome_per_row(&outcomes, 4);
    for o in &outcomes {
        assert_eq!(o.result.is_err(), o.index == 2, "row {}", o.index);
    }
    assert_eq!(
        (ok.calls_async().await, missing.calls_async().await),
        (3, 1)
    );
}

#[tokio::test]
async fn bulk_role_changes_are_chunked_and_every_id_accounted_for() {
    let server = LoopbackServer::start(|req| {
        let body: Value = serde_json::from_slice(&req.body).unwrap_or_default();
        let ids = body["_params"]["id__in"].as_str().unwrap_or_default();
        if ids.contains("memb_150") {
            return Reply::json(
                400,
                &json!({"error": "memb_150 is not in this organization"}),
            );
        }
        assert_eq!(body["role_id"], "restricteduser");
        Reply::json(200, &json!({"count": ids.split(',').count()}))
    })
    .await;
    let ids: Vec<String> = (0..250).map(|i| format!("memb_{i}")).collect();
    let client = client_for(&server.base_url());
    let chunks = tokio::time::timeout(
        BOUND,
        client.bulk_update_roles(&ids, Role::RestrictedUser, 100),
    )
    .await
    .unwrap();
    assert_eq!(
        chunks.iter().map(|c| c.ids.len()).collect::<Vec<_>>(),
        [100, 100, 50]
    );
    let sent: Vec<&String> = chunks.iter().flat_map(|c| &c.ids).collect();
    assert_eq!(
        sent,
        ids.iter().collect::<Vec<_>>(),
        "every id once, in order"
    );
    assert_eq!(chunks[0].result.as_ref().unwrap(), &100);
    assert_eq!(
        chunks[1].result.as_ref().unwrap_err().status().unwrap(),
        400
    );
    assert_eq!(chunks[2].result.as_ref().unwrap(), &50);
    assert_eq!(server.requests(), 3);
}

/// The issue-5 figure: 300 rows against a server that enforces 20 requests per second.
/// Takes ~15 s, so it is not part of the default run:
/// `cargo test -p close-sdk-tests --test integration three_hundred -- --ignored --nocapture`.
#[tokio::test]
#[ignore]
async fn three_hundred_rows_at_20_requests_per_second() {
    let server = RateLimitedServer::start(20, Duration::from_secs(1), created_membership()).await;
    let client = client_for(&server.server.base_url());
    let started = Instant::now();
    let outcomes = collect_long(client.provision_memberships(emails(300), 8)).await;
    let wall = started.elapsed().as_secs_f64();
    assert_one_outcome_per_row(&outcomes, 300);
    assert!(outcomes.iter().all(|o| o.result.is_ok()));
    println!(
        "300 rows at 20 req/s: {wall:.2} s wall, {:.3} x (300/20 = 15 s), {} x 429",
        wall / 15.0,
        server.too_many_requests()
    );
}

async fn collect_long<T>(s: impl futures_util::Stream<Item = RowOutcome<T>>) -> Vec<RowOutcome<T>> {
    tokio::time::timeout(Duration::from_secs(60), s.collect::<Vec<_>>())
        .await
        .expect("finished within 60 s")
}
