//! The rate-limit throttle under load (`transport/throttle.rs`): many clones of one client
//! hammering one operation against a server that counts requests per window.

use std::time::Duration;

use close_sdk::prelude::*;
use close_sdk::RetryPolicy;
use close_sdk_tests::loopback_server::RateLimitedServer;
use close_sdk_tests::API_KEY;

/// `Group::acquire` gives up after `MAX_ROUNDS` (64) wait rounds and then sends *without* a
/// slot. A caller waits at least one round per window (more when answers wake it), so with
/// more callers than ~64 windows' worth of requests the late ones all break out together and
/// stampede a window that is already used up. 90 callers at 1 request per 50 ms window:
/// the last ~25 leave the throttle at once (observed 5–10 × 429 in one server window; with
/// 55 callers, 0).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attack_a_long_queue_of_waiters_never_stampedes_a_used_up_window() {
    let server = RateLimitedServer::start(
        1,
        Duration::from_millis(50),
        serde_json::json!({"saved_view_ids": []}),
    )
    .await;
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(server.server.base_url())
        .timeout(Duration::from_secs(5))
        .retry_policy(RetryPolicy::default())
        .build()
        .expect("test client");
    let calls: Vec<_> = (0..90)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.pinned_views("memb_1").await })
        })
        .collect();
    let mut failed = 0;
    for call in calls {
        match tokio::time::timeout(Duration::from_secs(30), call).await {
            Ok(Ok(Ok(_))) => {}
            _ => failed += 1,
        }
    }
    assert_eq!(failed, 0, "calls failed or hung");
    assert!(
        server.most_429s_in_one_window() <= 1,
        "{} × 429 in one window, {} in all, {} requests for 90 calls",
        server.most_429s_in_one_window(),
        server.too_many_requests(),
        server.server.requests()
    );
}
