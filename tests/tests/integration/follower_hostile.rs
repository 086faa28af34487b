//! The event-log follower against hostile servers: absurd waits asked for, cursors that
//! cycle, and a catch-up larger than one scan (fixed by catching up in time
//! slices, see `close_sdk::events` follow module).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use close_sdk::events::{EventFilter, EventFollower, FollowOptions, FollowPosition};
use close_sdk::prelude::*;
use close_sdk::RetryPolicy;
use close_sdk_tests::event_log::{ago, at, EventLogServer};
use close_sdk_tests::loopback_server::{LoopbackServer, Reply};
use close_sdk_tests::API_KEY;
use serde_json::json;

/// Every wait in these tests ends well within this.
const LIMIT: Duration = Duration::from_secs(20);

fn client(base: &str, retry: RetryPolicy) -> Client {
    Client::builder()
        .api_key(API_KEY)
        .base_url(base)
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client")
        .with_retry_policy(retry)
}

fn fast() -> FollowOptions {
    FollowOptions {
        min_interval: Duration::from_millis(20),
        max_interval: Duration::from_millis(100),
        ..FollowOptions::default()
    }
}

/// Runs `follower.next()` on its own task for at most `wait`; returns whether the task panicked.
async fn next_panics(mut follower: EventFollower, wait: Duration) -> bool {
    let task = tokio::spawn(async move {
        let _ = tokio::time::timeout(wait, follower.next()).await;
    });
    match tokio::time::timeout(LIMIT, task).await {
        Ok(joined) => joined.is_err_and(|e| e.is_panic()),
        Err(_) => panic!("the follower task did not end within {LIMIT:?}"),
    }
}

/// A 429 whose `Retry-After` is absurdly large (a broken proxy, a hostile server) must not
/// crash the follower: the wait saturates into `Instant + Duration` and panics.
#[tokio::test]
async fn a_429_with_a_huge_retry_after_does_not_panic_the_follower() {
    for retry in [RetryPolicy::none(), RetryPolicy::default()] {
        let server = LoopbackServer::start(|_| {
            Reply::json(429, &json!({"error": "API call count exceeded"}))
                .with_header("retry-after", "99999999999999999999")
        })
        .await;
        let follower = client(&server.base_url(), retry)
            .follow_events(EventFilter::new(), FollowPosition::beginning(), fast())
            .expect("a supported filter");
        assert!(
            !next_panics(follower, Duration::from_secs(1)).await,
            "follower panicked on `Retry-After: 99999999999999999999` (retry policy {retry:?})"
        );
    }
}

/// A server whose `cursor_next` alternates between two values (a cycle of two) repeats itself.
/// `list_events` remembers every cursor and stops; the follower only compares with the
/// previous cursor, so one poll makes `max_scan_events / page_size + 2` requests and then
/// fails with "the window holds more than 10000 events" for a log of one event.
#[tokio::test]
async fn a_server_cycling_between_two_cursors_is_detected_by_the_follower() {
    let requests = Arc::new(AtomicUsize::new(0));
    let seen = requests.clone();
    let server = LoopbackServer::start(move |req| {
        seen.fetch_add(1, Ordering::SeqCst);
        let next = if req.path.contains("_cursor=a") {
            "b"
        } else {
            "a"
        };
        Reply::json(
            200,
            &json!({
                "data": [{"id": "ev_1", "object_type": "lead", "action": "created",
                          "date_updated": at(10, 0)}],
                "cursor_next": next,
            }),
        )
    })
    .await;
    let mut follower = client(&server.base_url(), RetryPolicy::none())
        .follow_events(EventFilter::new(), FollowPosition::beginning(), fast())
        .expect("a supported filter");
    let first = tokio::time::timeout(LIMIT, follower.next())
        .await
        .expect("an answer in time");
    let made = requests.load(Ordering::SeqCst);
    assert!(
        matches!(&first, Ok(e) if e.id == "ev_1") && made <= 5,
        "expected ev_1 after a few requests; got {:?} after {made} requests",
        first.map(|e| e.id)
    );
}

/// Catching up after downtime: when the window since the stored position holds more events
/// than one scan may (`max_scan_events`), the follower used to fail on every call and never
/// deliver anything, so the service could only skip ahead (losing events).
#[tokio::test]
async fn a_catch_up_larger_than_one_scan_still_makes_progress() {
    let fake = EventLogServer::start().await;
    for i in 0..250 {
        fake.log.add(&format!("ev_{i:03}"), &at(i, 0));
    }
    let start = FollowPosition::since(at(0, 0).parse().expect("a timestamp"));
    let options = FollowOptions {
        max_scan_events: 100,
        ..fast()
    };
    let mut follower = client(&fake.server.base_url(), RetryPolicy::none())
        .follow_events(EventFilter::new(), start, options)
        .expect("a supported filter");
    let mut got = Vec::new();
    let mut errors = Vec::new();
    for _ in 0..5 {
        match tokio::time::timeout(LIMIT, follower.next()).await {
            Ok(Ok(e)) => got.push(e.id),
            Ok(Err(e)) => errors.push(e.to_string()),
            Err(_) => break,
        }
    }
    assert_eq!(
        got,
        ["ev_000", "ev_001", "ev_002", "ev_003", "ev_004"],
        "the oldest events first; errors instead: {errors:?}"
    );
}

/// Extreme options are accepted by `EventFollower::new` (only `page_size` is checked) and then
/// panic inside `next()`: `overlap: Duration::MAX` in `OffsetDateTime - Duration`, a huge
/// `min_interval` in `interval * 2` / `Instant + interval`. Expected: refused by `new` (or
/// saturated), never a panic.
#[tokio::test]
async fn extreme_follow_options_are_refused_or_saturated_never_a_panic() {
    let fake = EventLogServer::start().await;
    fake.log.add("ev_1", &at(10, 0));
    let huge = [
        FollowOptions {
            overlap: Duration::MAX,
            ..fast()
        },
        FollowOptions {
            min_interval: Duration::MAX,
            max_interval: Duration::MAX,
            ..fast()
        },
    ];
    let mut panicked = Vec::new();
    for options in huge {
        let Ok(follower) = client(&fake.server.base_url(), RetryPolicy::none()).follow_events(
            EventFilter::new(),
            FollowPosition::beginning(),
            options,
        ) else {
            continue; // refused up front: fine
        };
        if next_panics(follower, Duration::from_secs(1)).await {
            panicked.push(options);
        }
    }
    assert!(panicked.is_empty(), "next() panicked with {panicked:?}");
}

/// Takes `n` events, each within [`LIMIT`]; returns them with the requests each `next` made.
async fn take_counting(
    follower: &mut EventFollower,
    fake: &EventLogServer,
    n: usize,
) -> (Vec<close_sdk::events::Event>, Vec<usize>) {
    let mut got = Vec::new();
    let mut per_call = Vec::new();
    for _ in 0..n {
        let before = fake.log.requests().len();
        let e = tokio::time::timeout(LIMIT, follower.next())
            .await
            .expect("an event in time")
            .expect("an event, not an error");
        per_call.push(fake.log.requests().len() - before);
        got.push(e);
    }
    (got, per_call)
}

/// The most requests one `next` may make while catching up: 16 scans per poll, each at most
/// `max_scan_events / page_size + 2` (here 100 / 50 + 2) requests.
const MAX_REQUESTS_PER_NEXT: usize = 16 * 4;

/// Three times `max_scan_events` behind, with runs of events sharing one instant, and a
/// restart from a stored position in the middle of the catch-up: every event exactly once,
/// oldest first, each `next` within a bounded number of requests; then live events again.
/// (The overlap is 10 s here: each slice re-scans it, so it must fit in one scan.)
#[tokio::test]
async fn a_catch_up_of_three_scans_resumed_mid_way_delivers_each_event_once_in_order() {
    let fake = EventLogServer::start().await;
    let mut all = Vec::new();
    for i in 0..300u32 {
        // Three events per second: instants shared by three events each.
        let id = format!("ev_{i:03}");
        fake.log.add(&id, &at(i / 3, 0));
        all.push(id);
    }
    let options = FollowOptions {
        max_scan_events: 100,
        page_size: 50,
        overlap: Duration::from_secs(10),
        ..fast()
    };
    let c = client(&fake.server.base_url(), RetryPolicy::none());
    let start = FollowPosition::since(at(0, 0).parse().expect("a timestamp"));
    let mut first = c
        .follow_events(EventFilter::new(), start, options)
        .expect("a supported filter");
    let (a, calls_a) = take_counting(&mut first, &fake, 130).await;
    let stored = serde_json::to_string(first.position()).expect("a position");
    drop(first);

    fake.log.add("ev_live_1", &at(200, 0));
    let resumed: FollowPosition = serde_json::from_str(&stored).expect("a position");
    let mut second = c
        .follow_events(EventFilter::new(), resumed, options)
        .expect("a supported filter");
    let (b, calls_b) = take_counting(&mut second, &fake, 171).await;

    let got: Vec<_> = a.iter().chain(&b).collect();
    let ids: Vec<String> = got.iter().map(|e| e.id.clone()).collect();
    let mut expected = all.clone();
    expected.push("ev_live_1".into());
    let mut sorted = ids.clone();
    sorted.sort();
    let mut expected_sorted = expected.clone();
    expected_sorted.sort();
    assert_eq!(sorted, expected_sorted, "every event exactly once");
    let dates: Vec<_> = got.iter().map(|e| e.date_updated.clone()).collect();
    assert!(
        dates.windows(2).all(|w| w[0] <= w[1]),
        "oldest first: {ids:?}"
    );
    let worst = calls_a.iter().chain(&calls_b).max().copied().unwrap_or(0);
    assert!(
        worst <= MAX_REQUESTS_PER_NEXT,
        "one next() made {worst} requests"
    );
    let total = fake.log.requests().len();
    assert!(total <= 60, "{total} requests to catch up over 301 events");

    // Caught up: a new event arrives alone, nothing is repeated.
    let quiet = tokio::time::timeout(Duration::from_millis(300), second.next()).await;
    assert!(
        quiet.is_err(),
        "nothing more yet: {:?}",
        quiet.map(|r| r.map(|e| e.id))
    );
    fake.log.add("ev_live_2", &at(300, 0));
    let (live, _) = take_counting(&mut second, &fake, 1).await;
    assert_eq!(live[0].id, "ev_live_2");
}

/// `FollowPosition::beginning()` ("every event in the log") over a log larger than one scan.
#[tokio::test]
async fn following_from_the_beginning_of_a_log_larger_than_one_scan_delivers_it_all() {
    let fake = EventLogServer::start().await;
    for i in 0..250u32 {
        // Spread over a week, so slicing has to narrow down and widen again.
        fake.log.add(&format!("ev_{i:03}"), &at(i * 2400, 0));
    }
    let options = FollowOptions {
        max_scan_events: 100,
        ..fast()
    };
    let mut f = client(&fake.server.base_url(), RetryPolicy::none())
        .follow_events(EventFilter::new(), FollowPosition::beginning(), options)
        .expect("a supported filter");
    let (got, calls) = take_counting(&mut f, &fake, 250).await;
    let ids: Vec<String> = got.into_iter().map(|e| e.id).collect();
    let expected: Vec<String> = (0..250).map(|i| format!("ev_{i:03}")).collect();
    assert_eq!(ids, expected);
    let worst = calls.iter().max().copied().unwrap_or(0);
    assert!(
        worst <= MAX_REQUESTS_PER_NEXT,
        "one next() made {worst} requests"
    );
}

/// More events in one instant than one scan may hold cannot be split by time: a clear error
/// naming the instant, after a bounded number of requests, and no loop.
#[tokio::test]
async fn more_events_in_one_instant_than_one_scan_holds_is_a_clear_error() {
    let fake = EventLogServer::start().await;
    fake.log.add("ev_before", &at(5, 0));
    for i in 0..150 {
        fake.log.add(&format!("ev_{i:03}"), &at(10, 0));
    }
    let options = FollowOptions {
        max_scan_events: 100,
        ..fast()
    };
    let mut f = client(&fake.server.base_url(), RetryPolicy::none())
        .follow_events(EventFilter::new(), FollowPosition::beginning(), options)
        .expect("a supported filter");
    let first = tokio::time::timeout(LIMIT, f.next())
        .await
        .expect("in time");
    assert_eq!(first.map(|e| e.id).ok().as_deref(), Some("ev_before"));
    let error = match tokio::time::timeout(LIMIT, f.next())
        .await
        .expect("in time")
    {
        Err(e) => e.to_string(),
        Ok(e) => panic!("{} cannot be delivered in order", e.id),
    };
    assert!(
        error.contains(&format!("{}+00:00", at(10, 0))) && error.contains("max_scan_events"),
        "{error}"
    );
    let made = fake.log.requests().len();
    assert!(made <= 2 * MAX_REQUESTS_PER_NEXT, "{made} requests");
    // And again on the next call: an error, not a loop.
    let again = tokio::time::timeout(LIMIT, f.next())
        .await
        .expect("in time");
    assert!(again.is_err());
}

/// One event dated in year 9999 (a bad clock, a bad import) must not become the watermark:
/// every later real event is older than it, and would never be delivered again.
#[tokio::test]
async fn a_far_future_event_does_not_silence_later_events() {
    let fake = EventLogServer::start().await;
    fake.log.add("ev_a", &ago(60));
    fake.log.add("ev_future", "9999-12-31T23:59:59.000000");
    let c = client(&fake.server.base_url(), RetryPolicy::none());
    let mut f = c
        .follow_events(EventFilter::new(), FollowPosition::beginning(), fast())
        .expect("a supported filter");
    let (got, _) = take_counting(&mut f, &fake, 2).await;
    let ids: Vec<_> = got.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["ev_a", "ev_future"]);

    fake.log.add("ev_b", &ago(0));
    let (got, _) = take_counting(&mut f, &fake, 1).await;
    assert_eq!(got[0].id, "ev_b");

    // And across a restart: nothing repeated, the next real event delivered.
    let stored = serde_json::to_string(f.position()).expect("a position");
    drop(f);
    let resumed: FollowPosition = serde_json::from_str(&stored).expect("a position");
    let mut g = c
        .follow_events(EventFilter::new(), resumed, fast())
        .expect("a supported filter");
    fake.log.add("ev_c", &ago(0));
    let (got, _) = take_counting(&mut g, &fake, 1).await;
    assert_eq!(got[0].id, "ev_c");
    let quiet = tokio::time::timeout(Duration::from_millis(300), g.next()).await;
    assert!(
        quiet.is_err(),
        "repeated: {:?}",
        quiet.map(|r| r.map(|e| e.id))
    );
}
