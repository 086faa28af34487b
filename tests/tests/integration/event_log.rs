//! The event log over loopback: cursor pagination, one event, and following it across a
//! restart without losing or repeating events, through late-visible events, consolidation and
//! 429s.

use std::collections::HashSet;
use std::time::Duration;

use close_sdk::events::{EventFilter, EventFollower, FollowOptions, FollowPosition};
use close_sdk::prelude::*;
use close_sdk::RetryPolicy;
use close_sdk_tests::event_log::{at, parse_query, EventLogServer};
use close_sdk_tests::*;
use httpmock::prelude::*;

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
        min_interval: Duration::from_millis(20),
        max_interval: Duration::from_millis(100),
        ..FollowOptions::default()
    }
}

/// The next `n` events' ids, each within [`LIMIT`].
async fn take(f: &mut EventFollower, n: usize) -> Vec<String> {
    let mut ids = Vec::new();
    for _ in 0..n {
        let e = tokio::time::timeout(LIMIT, f.next())
            .await
            .expect("an event in time")
            .expect("no error");
        ids.push(e.id);
    }
    ids
}

/// Asserts that no event comes within `wait`.
async fn quiet(f: &mut EventFollower, wait: Duration) {
    if let Ok(r) = tokio::time::timeout(wait, f.next()).await {
        panic!("expected nothing, got {:?}", r.map(|e| e.id));
    }
}

#[tokio::test]
async fn the_log_is_listed_newest_first_by_cursor_with_the_filters_on_every_page() {
    let fake = EventLogServer::start().await;
    for i in 0..120 {
        fake.log.add(&format!("ev_{i:03}"), &at(i, 0));
    }
    let c = client(&fake.server.base_url());
    let filter = EventFilter::new().lead_id("lead_x");
    let events = tokio::time::timeout(LIMIT, c.list_events(filter, 50).collect_all())
        .await
        .expect("in time")
        .expect("listed");
    let ids: Vec<String> = events.iter().map(|e| e.id.clone()).collect();
    let expected: Vec<String> = (0..120).rev().map(|i| format!("ev_{i:03}")).collect();
    assert_eq!(ids, expected);

    let requests = fake.log.requests();
    assert_eq!(requests.len(), 3, "{requests:?}");
    for (i, (_, path, _)) in requests.iter().enumerate() {
        let q = parse_query(path);
        let has = |n: &str| q.iter().any(|(k, _)| k == n);
        assert!(q.contains(&("lead_id".into(), "lead_x".into())), "{path}");
        assert!(q.contains(&("_limit".into(), "50".into())), "{path}");
        assert_eq!(has("_cursor"), i > 0, "{path}");
        assert!(!has("_skip"), "{path}");
    }
}

#[tokio::test]
async fn listing_stops_at_the_lower_date_bound_and_bad_filters_send_nothing() {
    let fake = EventLogServer::start().await;
    for i in 0..60 {
        fake.log.add(&format!("ev_{i:02}"), &at(i, 0));
    }
    let c = client(&fake.server.base_url());
    let since: close_sdk::Timestamp = at(30, 0).parse().expect("ts");
    let filter = EventFilter::new().updated_since(since);
    let events = c
        .list_events(filter, 20)
        .collect_all()
        .await
        .expect("listed");
    assert_eq!(events.len(), 30);
    assert_eq!(events.last().map(|e| e.id.as_str()), Some("ev_30"));
    let first = parse_query(&fake.log.requests()[0].1);
    assert!(first.contains(&("date_updated__gte".into(), format!("{}+00:00", at(30, 0)))));

    let before = fake.log.requests().len();
    for (filter, size) in [
        (EventFilter::new().action("deleted"), 50),
        (EventFilter::new().lead_id("lead_1"), 51),
        (EventFilter::new().lead_id("lead_1"), 0),
    ] {
        let err = c
            .list_events(filter, size)
            .collect_all()
            .await
            .expect_err("refused");
        assert!(matches!(err, Error::InvalidRequest(_)), "{err}");
    }
    assert_eq!(fake.log.requests().len(), before, "nothing was sent");
}

#[tokio::test]
async fn one_event_is_fetched_by_id() {
    let server = MockServer::start_async().await;
    let example: serde_json::Value = serde_json::from_str(include_str!(
        "../../fixtures/webhooks/event_get_note_created.json"
    ))
    .expect("fixture");
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path("/event/ev_17VaZdcdnsMNyWY9ZJnjph/");
            then.status(200).json_body(example);
        })
        .await;
    let c = api_key_client(&server);
    let e = c
        .get_event("ev_17VaZdcdnsMNyWY9ZJnjph")
        .await
        .expect("event");
    assert_eq!(e.request_id.as_deref(), Some("req_2skaL7v81TflDfovw8A1CC"));
    mock.assert_async().await;
    assert!(matches!(
        c.get_event("").await,
        Err(Error::InvalidRequest(_))
    ));
    assert!(matches!(
        c.get_event("a/b").await,
        Err(Error::InvalidRequest(_))
    ));
}

#[tokio::test]
async fn following_across_a_restart_loses_and_repeats_nothing() {
    let fake = EventLogServer::start().await;
    for i in 0..5 {
        fake.log.add(&format!("ev_{i}"), &at(10 * i, 0));
    }
    let c = client(&fake.server.base_url());

    // A service follows from the beginning, handles three events, stores its position, dies.
    let mut first = c
        .follow_events(EventFilter::new(), FollowPosition::beginning(), fast())
        .expect("follower");
    assert_eq!(take(&mut first, 3).await, ["ev_0", "ev_1", "ev_2"]);
    let stored = serde_json::to_string(first.position()).expect("position");
    drop(first);

    // While it is down: two new events, and one dated between ev_1 and ev_2 that only now
    // becomes visible (Close: events may be visible in a different order than triggered).
    fake.log.add("ev_5", &at(50, 0));
    fake.log.add("ev_6", &at(60, 0));
    fake.log.add_hidden("ev_late", &at(15, 0));
    fake.log.reveal("ev_late");

    let resumed: FollowPosition = serde_json::from_str(&stored).expect("position");
    let mut second = c
        .follow_events(EventFilter::new(), resumed, fast())
        .expect("follower");
    assert_eq!(
        take(&mut second, 5).await,
        ["ev_late", "ev_3", "ev_4", "ev_5", "ev_6"]
    );
    quiet(&mut second, Duration::from_millis(300)).await;

    // Still following: a new event arrives once; two events in the same millisecond both do.
    fake.log.add("ev_7", &at(70, 0));
    assert_eq!(take(&mut second, 1).await, ["ev_7"]);
    fake.log.add("ev_8a", &at(80, 500));
    fake.log.add("ev_8b", &at(80, 500));
    let same_ms: HashSet<String> = take(&mut second, 2).await.into_iter().collect();
    assert_eq!(
        same_ms,
        HashSet::from(["ev_8a".to_string(), "ev_8b".to_string()])
    );
    quiet(&mut second, Duration::from_millis(300)).await;

    // The position only remembers the overlap window (5 minutes here: everything).
    assert_eq!(second.position().remembered(), 11);
    assert_eq!(
        second.position().watermark().map(|w| w.to_string()),
        Some(at(80, 500))
    );
}

#[tokio::test]
async fn a_consolidated_event_comes_again_with_its_new_state_and_latest_skips_history() {
    let fake = EventLogServer::start().await;
    fake.log.add("ev_old", &at(0, 0));
    fake.log.add("ev_a", &at(10, 0));
    let c = client(&fake.server.base_url());
    let mut f = c
        .follow_events(EventFilter::new(), FollowPosition::latest(), fast())
        .expect("follower");
    // Nothing yet: what the log held when following started is skipped.
    quiet(&mut f, Duration::from_millis(300)).await;
    fake.log.add("ev_b", &at(20, 0));
    assert_eq!(take(&mut f, 1).await, ["ev_b"]);
    // Close consolidates a quick second change to ev_a: same id, later date_updated.
    fake.log.consolidate("ev_a", &at(30, 0));
    assert_eq!(take(&mut f, 1).await, ["ev_a"]);
    quiet(&mut f, Duration::from_millis(300)).await;
}

#[tokio::test]
async fn a_429_while_following_is_waited_out_not_returned() {
    let fake = EventLogServer::start().await;
    fake.log.add("ev_0", &at(0, 0));
    let c = client(&fake.server.base_url());
    fake.log.throttle_next(1);
    let mut f = c
        .follow_events(EventFilter::new(), FollowPosition::beginning(), fast())
        .expect("follower");
    assert_eq!(take(&mut f, 1).await, ["ev_0"]);

    let requests = fake.log.requests();
    assert_eq!(requests[0].2, 429);
    assert_eq!(requests[1].2, 200);
    let waited = requests[1].0.duration_since(requests[0].0);
    assert!(
        waited >= Duration::from_millis(950),
        "the follower asked again after {waited:?}, before the 1 s reset"
    );
}

#[tokio::test]
async fn an_idle_follower_backs_off_and_other_errors_are_returned_without_moving_it() {
    let fake = EventLogServer::start().await;
    let c = client(&fake.server.base_url());
    let mut f = c
        .follow_events(EventFilter::new(), FollowPosition::beginning(), fast())
        .expect("follower");
    quiet(&mut f, Duration::from_millis(600)).await;
    // 20, 40, 80, 100, 100 … ms apart: far fewer than 600 / 20 polls.
    let polls = fake.log.requests().len();
    assert!((3..=12).contains(&polls), "{polls} polls in 600 ms");

    // A follower whose server is gone returns the error and can be asked again.
    let gone = client("http://127.0.0.1:9");
    let mut g = gone
        .follow_events(EventFilter::new(), FollowPosition::beginning(), fast())
        .expect("follower");
    let err = tokio::time::timeout(LIMIT, g.next())
        .await
        .expect("in time");
    assert!(err.is_err());
    assert_eq!(g.position(), &FollowPosition::beginning());
    assert!(
        c.follow_events(
            EventFilter::new().updated_since(at(0, 0).parse().expect("ts")),
            FollowPosition::beginning(),
            fast()
        )
        .is_err(),
        "the position, not the filter, sets the date range"
    );
}
