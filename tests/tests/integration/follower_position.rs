//! A stored follow position, held to this machine's clock and bounded in size (issue 18).
//!
//! - Every part of a stored position is held to the clock on its own: a window start (`since`)
//!   in the future no longer silences the follower when the watermark is not in the future too.
//! - A position remembers at most `max_scan_events` dated events plus
//!   `FollowPosition::MAX_UNANCHORED` undated or future-dated ones; what it forgets can only be
//!   delivered again, never skipped.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use close_sdk::events::{EventFilter, FollowOptions, FollowPosition};
use close_sdk::prelude::*;
use close_sdk::RetryPolicy;
use close_sdk_tests::event_log::{ago, parse_query, EventLogServer};
use close_sdk_tests::loopback_server::{LoopbackServer, Reply};
use close_sdk_tests::API_KEY;
use serde_json::{json, Value};

/// Every wait in these tests ends well within this.
const LIMIT: Duration = Duration::from_secs(20);

fn client(base: &str) -> Client {
    Client::builder()
        .api_key(API_KEY)
        .base_url(base)
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client")
        .with_retry_policy(RetryPolicy::none())
}

fn fast() -> FollowOptions {
    FollowOptions {
        min_interval: Duration::from_millis(1),
        max_interval: Duration::from_millis(20),
        ..FollowOptions::default()
    }
}

fn position(json: Value) -> FollowPosition {
    serde_json::from_value(json).expect("a stored position")
}

/// This machine's clock, in Close's naive UTC format (as `ago(0)`, for comparing as text).
fn now_text() -> String {
    ago(0)
}

/// A position whose window start is in the future, with no watermark (what a `latest` start on
/// an empty log writes while this machine's clock is ahead) or with a watermark in the past:
/// the follower must not ask for `date_updated__gte` in the future, and must deliver an event
/// updated now.
#[tokio::test]
async fn a_stored_window_start_in_the_future_is_held_to_the_clock() {
    let stored = [
        json!({"since": "2999-01-01T00:00:00"}),
        json!({"since": "2999-01-01T00:00:00", "watermark": ago(60)}),
        json!({"since": "2999-01-01T00:00:00", "watermark": ago(60),
               "delivered": [["ev_old", ago(60)]]}),
    ];
    for stored in stored {
        let fake = EventLogServer::start().await;
        fake.log.add("ev_now", &ago(1));
        let mut follower = client(&fake.server.base_url())
            .follow_events(EventFilter::new(), position(stored.clone()), fast())
            .expect("a supported filter");
        let got = tokio::time::timeout(LIMIT, follower.next()).await;
        let mut asked: Vec<String> = fake
            .log
            .requests()
            .iter()
            .flat_map(|(_, path, _)| parse_query(path))
            .filter(|(name, _)| name == "date_updated__gte")
            .map(|(_, value)| value)
            .collect();
        asked.dedup();
        asked.truncate(3);
        let now = now_text();
        assert!(
            asked.iter().all(|gte| gte.as_str() <= now.as_str()),
            "from {stored}: the follower asked for events from the future: {asked:?} (now {now})"
        );
        assert!(
            matches!(&got, Ok(Ok(e)) if e.id == "ev_now"),
            "from {stored}: expected ev_now, got {:?}",
            got.map(|r| r.map(|e| e.id))
        );
        let since = serde_json::to_value(follower.position()).expect("a position")["since"]
            .as_str()
            .map(str::to_string)
            .unwrap_or_default();
        assert!(
            since.as_str() <= now.as_str(),
            "from {stored}: the position's window start is still {since}"
        );
    }
}

/// A watermark in the future and a window start in the past are held independently: the
/// watermark becomes now, the (already past) window start is kept.
#[tokio::test]
async fn a_stored_watermark_in_the_future_is_held_without_moving_a_past_window_start() {
    let fake = EventLogServer::start().await;
    fake.log.add("ev_a", &ago(120));
    let past = ago(600);
    let stored = json!({"since": past, "watermark": "2999-01-01T00:00:00"});
    let mut follower = client(&fake.server.base_url())
        .follow_events(EventFilter::new(), position(stored), fast())
        .expect("a supported filter");
    let watermark = follower
        .position()
        .watermark()
        .map(ToString::to_string)
        .unwrap_or_default();
    assert!(
        watermark.as_str() <= now_text().as_str(),
        "watermark {watermark}"
    );
    let got = tokio::time::timeout(LIMIT, follower.next()).await;
    assert!(
        matches!(&got, Ok(Ok(e)) if e.id == "ev_a"),
        "an event inside the stored window (since {past}) must be delivered: {:?}",
        got.map(|r| r.map(|e| e.id))
    );
}

/// A server that lists `batch` new events per request, undated (`date_updated` missing) or
/// dated far in the future, and every event listed before once `replay` is set.
struct Flood {
    server: LoopbackServer,
    listed: Arc<AtomicUsize>,
    replay: Arc<AtomicUsize>,
}

impl Flood {
    async fn start(batch: usize, date: Option<&'static str>) -> Self {
        let listed = Arc::new(AtomicUsize::new(0));
        let replay = Arc::new(AtomicUsize::new(0));
        let (l, r) = (listed.clone(), replay.clone());
        let event = move |i: usize| {
            let mut e = json!({"id": format!("ev_{i:05}"), "object_type": "lead",
                               "action": "updated"});
            if let Some(d) = date {
                e["date_updated"] = json!(d);
            }
            e
        };
        let server = LoopbackServer::start(move |req| {
            if req.path.contains("_cursor") {
                return Reply::json(200, &json!({"data": [], "cursor_next": null}));
            }
            let data: Vec<Value> = if r.load(Ordering::SeqCst) > 0 {
                // Everything listed so far, then one new event.
                let n = l.load(Ordering::SeqCst);
                (0..=n).rev().map(event).collect()
            } else {
                let from = l.fetch_add(batch, Ordering::SeqCst);
                (from..from + batch).rev().map(event).collect()
            };
            Reply::json(200, &json!({"data": data, "cursor_next": null}))
        })
        .await;
        Flood {
            server,
            listed,
            replay,
        }
    }
}

/// Events without a `date_updated` (or dated far in the future) are never forgotten by the
/// window, so a position used to grow without bound. Now it keeps at most
/// `FollowPosition::MAX_UNANCHORED` of them; a forgotten one listed again is delivered again
/// (a duplicate), and a new one is always delivered (never a skip).
#[tokio::test]
async fn a_position_remembers_a_bounded_number_of_undated_or_future_events() {
    for date in [None, Some("9999-12-31T23:59:59")] {
        let bound = FollowPosition::MAX_UNANCHORED;
        let flood = Flood::start(50, date).await;
        let options = FollowOptions {
            max_scan_events: 200_000,
            ..fast()
        };
        let mut follower = client(&flood.server.base_url())
            .follow_events(EventFilter::new(), FollowPosition::beginning(), options)
            .expect("a supported filter");
        let total = bound + 150;
        let mut delivered = 0;
        while delivered < total {
            let next = tokio::time::timeout(LIMIT, follower.next())
                .await
                .expect("an event in time");
            assert!(next.is_ok(), "{date:?}: {next:?}");
            delivered += 1;
        }
        let remembered = follower.position().remembered();
        assert!(
            remembered <= bound,
            "{date:?}: the position remembers {remembered} events, more than {bound}"
        );
        let stored = serde_json::to_string(follower.position()).expect("a position");
        assert!(
            stored.len() < 100 * bound,
            "{date:?}: the stored position is {} bytes",
            stored.len()
        );

        // Now the server lists everything again plus one new event: the new one is delivered,
        // and what the position forgot is delivered again, nothing else.
        let listed = flood.listed.load(Ordering::SeqCst);
        flood.replay.store(1, Ordering::SeqCst);
        let forgotten = listed - remembered;
        let mut again: BTreeMap<String, usize> = BTreeMap::new();
        for _ in 0..=forgotten {
            let e = tokio::time::timeout(LIMIT, follower.next())
                .await
                .expect("an event in time")
                .expect("an event");
            *again.entry(e.id).or_default() += 1;
        }
        let new_id = format!("ev_{listed:05}");
        assert_eq!(
            again.get(&new_id),
            Some(&1),
            "{date:?}: the new event is delivered once"
        );
        assert!(
            again.values().all(|n| *n == 1),
            "{date:?}: no event is delivered twice in one pass"
        );
        assert!(
            follower.position().remembered() <= bound,
            "{date:?}: still bounded after the replay"
        );
    }
}

/// Dated events are forgotten when they leave the window; inside it a position keeps at most
/// `max_scan_events` of them (the most one scan holds), so its size stays bounded during a burst.
#[tokio::test]
async fn a_position_remembers_at_most_max_scan_events_dated_events() {
    let fake = EventLogServer::start().await;
    for i in 0..300u64 {
        // Spread over the last 100 s, inside the 5-minute overlap.
        fake.log.add(&format!("ev_{i:03}"), &ago(100 - i / 3));
    }
    let options = FollowOptions {
        max_scan_events: 120,
        ..fast()
    };
    let start = FollowPosition::since(ago(200).parse().expect("a timestamp"));
    let mut follower = client(&fake.server.base_url())
        .follow_events(EventFilter::new(), start, options)
        .expect("a supported filter");
    let mut seen = std::collections::BTreeSet::new();
    let mut deliveries = 0;
    for _ in 0..2_000 {
        if seen.len() == 300 {
            break;
        }
        let e = tokio::time::timeout(LIMIT, follower.next())
            .await
            .expect("an event in time")
            .expect("an event");
        deliveries += 1;
        seen.insert(e.id);
        assert!(
            follower.position().remembered() <= 120 + FollowPosition::MAX_UNANCHORED,
            "the position remembers {} events",
            follower.position().remembered()
        );
    }
    assert_eq!(seen.len(), 300, "every event is delivered");
    assert_eq!(
        deliveries, 300,
        "and none twice: what was forgotten is not scanned again"
    );
    assert!(
        follower.position().remembered() <= 120,
        "{}",
        follower.position().remembered()
    );
}

/// A stored position holding more than the bound (written by an older version, or edited) is
/// cut to the bound when a follower starts from it.
#[tokio::test]
async fn a_stored_position_over_the_bound_is_cut_when_a_follower_starts() {
    let delivered: Vec<Value> = (0..5_000)
        .map(|i| json!([format!("ev_{i:05}"), null]))
        .collect();
    let stored = position(json!({"since": ago(60), "delivered": delivered}));
    assert_eq!(stored.remembered(), 5_000);
    let fake = EventLogServer::start().await;
    let follower = client(&fake.server.base_url())
        .follow_events(EventFilter::new(), stored, fast())
        .expect("a supported filter");
    assert!(follower.position().remembered() <= FollowPosition::MAX_UNANCHORED);
}
