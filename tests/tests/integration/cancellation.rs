//! Cancel safety over loopback: a call abandoned at any await point (a timeout of 0, 1, 5 or
//! 50 ms, one firing while the server stalls, `select!`, `JoinHandle::abort`) leaves nothing
//! behind. Afterwards a call to the same operation answers within 1 s from a server that answers
//! at once, and the server sees no request the dropped call would have sent later.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use close_sdk::prelude::*;
use close_sdk::RetryPolicy;
use close_sdk_tests::loopback_server::{LoopbackServer, Reply};
use close_sdk_tests::API_KEY;
use serde_json::json;

/// How long a follow-up call may take.
const FOLLOW_UP: Duration = Duration::from_secs(1);
/// The drop points tried for every kind of call.
const DROP_AFTER_MS: [u64; 4] = [0, 1, 5, 50];

/// Retries on, a 300 ms per-request timeout: left alone, a call to a stalling server would try
/// again after about 300 ms.
fn client_for(server: &LoopbackServer) -> Client {
    Client::builder()
        .api_key(API_KEY)
        .base_url(server.base_url())
        .timeout(Duration::from_millis(300))
        .retry_policy(RetryPolicy::default().base_delay(Duration::from_millis(10)))
        .build()
        .unwrap()
}

/// A server that stalls every request while `stalling` is set and answers at once otherwise.
async fn stalling_server() -> (LoopbackServer, Arc<AtomicBool>) {
    let stalling = Arc::new(AtomicBool::new(true));
    let flag = stalling.clone();
    let server = LoopbackServer::start(move |_| {
        if flag.load(Ordering::SeqCst) {
            Reply::Stall(Duration::from_secs(5))
        } else {
            Reply::json(200, &json!({"saved_view_ids": ["save_1"]}))
        }
    })
    .await;
    (server, stalling)
}

/// Waits (bounded) until the server has read `n` requests.
async fn until_server_saw(server: &LoopbackServer, n: usize) {
    let started = Instant::now();
    while server.requests() < n {
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "the request never arrived"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// After a drop: waits past the point where the dropped call would have sent again, stops the
/// stall, checks that a follow-up answers within [`FOLLOW_UP`] and that the server saw nothing
/// but the follow-up since the drop. `what` names the case in failures.
async fn check_after_drop(
    server: &LoopbackServer,
    stalling: &AtomicBool,
    client: &Client,
    what: &str,
) {
    // Left alone, the call would have timed out (300 ms) and sent again by now.
    tokio::time::sleep(Duration::from_millis(600)).await;
    let before = server.requests();
    assert!(before <= 1, "{what}: {before} requests after the drop");
    stalling.store(false, Ordering::SeqCst);
    let started = Instant::now();
    let views = tokio::time::timeout(FOLLOW_UP, client.pinned_views("memb_1")).await;
    let views = views.unwrap_or_else(|_| panic!("{what}: the follow-up took over {FOLLOW_UP:?}"));
    assert_eq!(views.unwrap(), ["save_1"], "{what}");
    eprintln!("{what}: follow-up in {:?}", started.elapsed());
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        server.requests(),
        before + 1,
        "{what}: a request after the drop"
    );
}

/// Defect 2: a dropped call kept its rate-limit slot; the next call to the operation waited
/// 16 s for news of it.
#[tokio::test]
async fn single_calls_dropped_by_a_timeout_leave_nothing_behind() {
    for ms in DROP_AFTER_MS {
        let (server, stalling) = stalling_server().await;
        let client = client_for(&server);
        let dropped =
            tokio::time::timeout(Duration::from_millis(ms), client.pinned_views("memb_1")).await;
        assert!(dropped.is_err(), "{ms} ms: the call finished");
        check_after_drop(&server, &stalling, &client, &format!("timeout {ms} ms")).await;
    }
}

#[tokio::test]
async fn a_call_dropped_during_a_server_stall_leaves_nothing_behind() {
    let (server, stalling) = stalling_server().await;
    let client = client_for(&server);
    tokio::select! {
        r = client.pinned_views("memb_1") => panic!("the stalled call finished: {r:?}"),
        () = until_server_saw(&server, 1) => {}
    }
    check_after_drop(&server, &stalling, &client, "select! during a stall").await;
}

#[tokio::test]
async fn an_aborted_task_leaves_nothing_behind() {
    let (server, stalling) = stalling_server().await;
    let client = client_for(&server);
    let task = {
        let client = client.clone();
        tokio::spawn(async move { client.pinned_views("memb_1").await })
    };
    until_server_saw(&server, 1).await;
    task.abort();
    let joined = tokio::time::timeout(Duration::from_secs(5), task).await;
    assert!(joined
        .expect("the abort took effect")
        .unwrap_err()
        .is_cancelled());
    check_after_drop(&server, &stalling, &client, "JoinHandle::abort").await;
}

/// A call waiting for the group's rate-limit window, dropped: it never sends, and a follow-up
/// goes as soon as the window reopens.
#[tokio::test]
async fn a_call_waiting_for_a_rate_limit_window_leaves_nothing_behind() {
    for ms in DROP_AFTER_MS {
        // Every answer says the window is used up for another 600 ms.
        let server = LoopbackServer::scripted(
            vec![],
            Reply::json(200, &json!({"saved_view_ids": ["save_1"]}))
                .with_header("ratelimit", "limit=1, remaining=0, reset=0.6"),
        )
        .await;
        let client = client_for(&server);
        client.pinned_views("memb_1").await.unwrap();
        let waiting =
            tokio::time::timeout(Duration::from_millis(ms), client.pinned_views("memb_1")).await;
        assert!(waiting.is_err(), "{ms} ms: the waiting call finished");
        // Past the window's reset, when the dropped call would have sent.
        tokio::time::sleep(Duration::from_millis(800)).await;
        assert_eq!(server.requests(), 1, "{ms} ms: the dropped call sent");
        let started = Instant::now();
        let views = tokio::time::timeout(FOLLOW_UP, client.pinned_views("memb_1")).await;
        assert!(
            views.is_ok(),
            "{ms} ms: the follow-up took over {FOLLOW_UP:?}"
        );
        assert!(started.elapsed() < FOLLOW_UP);
        assert_eq!(server.requests(), 2, "{ms} ms");
    }
}

/// Many calls, some waiting for the window and some in flight, all dropped at once: the next
/// call does not wait for any of them.
#[tokio::test]
async fn many_calls_dropped_at_once_leave_nothing_behind() {
    let (server, stalling) = stalling_server().await;
    let client = client_for(&server);
    let calls = futures_util::future::join_all((0..8).map(|_| client.pinned_views("memb_1")));
    assert!(tokio::time::timeout(Duration::from_millis(50), calls)
        .await
        .is_err());
    tokio::time::sleep(Duration::from_millis(600)).await;
    // The group sends one probe until it hears about the window: at most one request went.
    let before = server.requests();
    assert!(before <= 1, "{before}");
    stalling.store(false, Ordering::SeqCst);
    let views = tokio::time::timeout(FOLLOW_UP, client.pinned_views("memb_1")).await;
    assert!(views.is_ok(), "the follow-up took over {FOLLOW_UP:?}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(server.requests(), before + 1);
}
