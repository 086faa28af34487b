//! The event-log follower and webhooks at their edges: an event at the earliest instant, a huge
//! scan limit, a stored position from the future, a burst larger than one scan, an event that
//! does not decode, a zero poll interval, more pages of webhooks, an odd subscription id in a
//! verified delivery. Each test showed one defect, fixed since; it now holds the behaviour
//! expected instead.

use std::time::Duration;

use close_sdk::events::{EventFilter, EventFollower, FollowOptions, FollowPosition};
use close_sdk::prelude::*;
use close_sdk::RetryPolicy;
use close_sdk_tests::event_log::{ago, EventLogServer};
use close_sdk_tests::loopback_server::{LoopbackServer, Reply};
use close_sdk_tests::API_KEY;
use serde_json::json;

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

/// An event dated at the earliest instant `Timestamp` reads (`-009999-01-01`, a valid extended
/// ISO 8601 year) panics the follower: recording it computes `watermark - overlap` with
/// `OffsetDateTime - Duration`, which panics out of range. A server's value must never panic.
#[tokio::test]
async fn an_event_dated_at_the_earliest_instant_does_not_panic_the_follower() {
    let fake = EventLogServer::start().await;
    fake.log
        .add("ev_old", "-009999-01-01T00:00:00.000000+00:00");
    let follower = client(&fake.server.base_url())
        .follow_events(EventFilter::new(), FollowPosition::beginning(), fast())
        .expect("a supported filter");
    assert!(
        !next_panics(follower, Duration::from_secs(2)).await,
        "next() panicked on an event dated -009999-01-01"
    );
}

/// `max_scan_events: usize::MAX` with `page_size: 1` is accepted by `new` and then panics in
/// every scan: `max_scan_events / page_size + 2` overflows (debug builds; in release it wraps to
/// 1 page per scan). Expected: refused by `new`, or saturated; never a panic.
#[tokio::test]
async fn a_huge_max_scan_events_is_refused_or_saturated_never_a_panic() {
    let fake = EventLogServer::start().await;
    fake.log.add("ev_1", &ago(10));
    let options = FollowOptions {
        max_scan_events: usize::MAX,
        page_size: 1,
        ..fast()
    };
    let Err(refused) = client(&fake.server.base_url()).follow_events(
        EventFilter::new(),
        FollowPosition::beginning(),
        options,
    ) else {
        panic!("max_scan_events = usize::MAX was accepted; it must be refused up front");
    };
    assert!(refused.to_string().contains("max_scan_events"), "{refused}");
    // The largest accepted bound with the smallest page: the per-scan request count must not
    // overflow either.
    let largest = FollowOptions {
        max_scan_events: 1_000_000,
        page_size: 1,
        ..fast()
    };
    let follower = client(&fake.server.base_url())
        .follow_events(EventFilter::new(), FollowPosition::beginning(), largest)
        .expect("max_scan_events = 1,000,000 is accepted");
    assert!(
        !next_panics(follower, Duration::from_secs(2)).await,
        "next() panicked with max_scan_events = 1,000,000, page_size = 1"
    );
}

/// A stored position whose watermark lies in the future (edited by hand, or written while this
/// machine's clock was ahead and since corrected) is read without a check. The first event
/// delivered then moves the window's start to `watermark - overlap`, in the future, and the
/// follower silently delivers nothing ever again. The module promises "the watermark never runs
/// ahead of this machine's clock"; a resumed position must be held to it (or refused).
#[tokio::test]
async fn a_stored_position_with_a_future_watermark_does_not_silence_the_follower() {
    let fake = EventLogServer::start().await;
    fake.log.add("ev_a", &ago(30));
    let stored = format!(
        r#"{{"watermark":"9999-12-31T23:00:00","since":"{}","delivered":[]}}"#,
        ago(60)
    );
    let position: FollowPosition = serde_json::from_str(&stored).expect("a position");
    let c = client(&fake.server.base_url());
    let mut f = c
        .follow_events(EventFilter::new(), position, fast())
        .expect("a stored position is accepted (its watermark held to the clock)");
    match tokio::time::timeout(LIMIT, f.next()).await {
        Err(_) => panic!("ev_a (inside the stored window) was not delivered"),
        Ok(Err(e)) => panic!("ev_a failed: {e}"),
        Ok(Ok(e)) => assert_eq!(e.id, "ev_a"),
    }
    fake.log.add("ev_b", &ago(0));
    match tokio::time::timeout(Duration::from_secs(5), f.next()).await {
        Err(_) => panic!(
            "ev_b, a new event, was never delivered: position {:?}",
            f.position()
        ),
        Ok(Err(_)) => {} // an error saying the position is wrong: fine
        Ok(Ok(e)) => assert_eq!(e.id, "ev_b"),
    }
}

/// A burst of more than `max_scan_events` events inside one `overlap` (a bulk edit of 10,001
/// leads in under 5 minutes, with the defaults) wedges a caught-up follower for good. It
/// delivers the burst's first events, then every slice re-scans `[watermark - overlap, …)`, which
/// now holds more than one scan; no slice fits, nothing is delivered, so the watermark never
/// moves and the window never shrinks, even long after the burst. Every `next()` is the same
/// "raise FollowOptions::max_scan_events" error. (The module documents the error, but not that
/// it is permanent; the window's lower end could be sliced like its upper end.)
#[tokio::test]
async fn a_burst_larger_than_one_scan_within_the_overlap_is_delivered() {
    let fake = EventLogServer::start().await;
    fake.log.add("ev_first", &ago(290));
    let options = FollowOptions {
        max_scan_events: 100,
        ..fast()
    };
    let start = FollowPosition::since(ago(600).parse().expect("a timestamp"));
    let mut f = client(&fake.server.base_url())
        .follow_events(EventFilter::new(), start, options)
        .expect("a supported filter");
    let first = tokio::time::timeout(LIMIT, f.next())
        .await
        .expect("in time");
    assert_eq!(first.map(|e| e.id).ok().as_deref(), Some("ev_first"));

    // The burst: 250 events, one a second, all after the watermark and within 5 minutes.
    for i in 0..250u64 {
        fake.log.add(&format!("ev_{i:03}"), &ago(280 - i));
    }
    let mut got = Vec::new();
    let mut errors = Vec::new();
    while got.len() < 250 && errors.len() < 5 {
        match tokio::time::timeout(LIMIT, f.next()).await {
            Err(_) => break,
            Ok(Ok(e)) => got.push(e.id),
            Ok(Err(e)) => errors.push(e.to_string()),
        }
    }
    let expected: Vec<String> = (0..250).map(|i| format!("ev_{i:03}")).collect();
    assert_eq!(
        got.len(),
        250,
        "delivered {} of the burst's 250 events, then: {errors:?}",
        got.len()
    );
    assert_eq!(got, expected, "each once, oldest first");
}

/// One event in the log that does not decode as `Event` (here `"action": null`; `id`,
/// `object_type` and `action` are the only members the SDK requires) fails the whole page, so
/// every poll fails: the events around it are never delivered and the follower never moves
/// past it (the watermark moves only on delivery), nor does a restart. Lenient in what it
/// accepts, the follower should deliver the others (or the odd one as best it can).
#[tokio::test]
async fn one_undecodable_event_does_not_wedge_the_follower() {
    let event = |id: &str, action: serde_json::Value, date: String| {
        json!({"id": id, "object_type": "lead", "action": action, "date_updated": date,
               "data": {}, "previous_data": {}, "changed_fields": [], "meta": {}})
    };
    let page = json!({
        "data": [
            event("ev_c", json!("updated"), ago(10)),
            event("ev_bad", serde_json::Value::Null, ago(20)),
            event("ev_a", json!("created"), ago(30)),
        ],
        "cursor_next": null,
        "cursor_previous": null,
    });
    let server = LoopbackServer::start(move |_| Reply::json(200, &page)).await;
    let start = FollowPosition::since(ago(60).parse().expect("a timestamp"));
    let mut f = client(&server.base_url())
        .follow_events(EventFilter::new(), start, fast())
        .expect("a supported filter");
    let mut got = Vec::new();
    let mut errors = Vec::new();
    for _ in 0..6 {
        match tokio::time::timeout(Duration::from_secs(5), f.next()).await {
            Err(_) => break,
            Ok(Ok(e)) => got.push(e.id),
            Ok(Err(e)) => errors.push(e.to_string()),
        }
        if got.contains(&"ev_c".to_string()) {
            break;
        }
    }
    assert!(
        got.contains(&"ev_a".to_string()) && got.contains(&"ev_c".to_string()),
        "delivered {got:?}; errors: {errors:?}"
    );
}

/// `min_interval: Duration::ZERO` (accepted: it is at most `max_interval`) means the idle
/// backoff never starts: the wait doubles from zero, `0 * 2 = 0`, so a follower on a quiet log
/// polls Close in a tight loop instead of backing off towards `max_interval`. (Fixed by
/// refusing it: a refusal saying why passes; a follower that is built must still back off.)
#[tokio::test]
async fn a_zero_min_interval_still_backs_off_when_idle() {
    let fake = EventLogServer::start().await;
    let options = FollowOptions {
        min_interval: Duration::ZERO,
        max_interval: Duration::from_millis(500),
        ..FollowOptions::default()
    };
    let mut f = match client(&fake.server.base_url()).follow_events(
        EventFilter::new(),
        FollowPosition::since(ago(60).parse().expect("a timestamp")),
        options,
    ) {
        Ok(f) => f,
        Err(e) => {
            assert!(e.to_string().contains("at least 1 ms"), "{e}");
            assert!(fake.log.requests().is_empty(), "refused, yet sent");
            return;
        }
    };
    let outcome = tokio::time::timeout(Duration::from_secs(2), f.next()).await;
    let made = fake.log.requests().len();
    // Backing off (doubling up to 500 ms) makes a few dozen polls in 2 s at the very most.
    assert!(
        made <= 60,
        "{made} requests in 2 s on a quiet log (then: {:?})",
        outcome.map(|r| r.map(|e| e.id).map_err(|e| e.to_string()))
    );
}

/// `list_webhooks` reads one answer and drops its `has_more`: when Close says there is more
/// (its list envelope is `{data, has_more}`), the caller silently gets a partial list, e.g. a
/// subscription-reconciling job that deletes or re-creates what it "does not see". Expected:
/// the next page is fetched (`_skip`, Close's offset pagination), or an error says the list
/// is incomplete; never a silently truncated list.
#[tokio::test]
async fn list_webhooks_does_not_silently_drop_further_pages() {
    let sub = |id: &str| {
        json!({"id": id, "url": "https://example.com/close", "status": "active",
               "verify_ssl": true, "events": [{"object_type": "lead", "action": "created"}]})
    };
    let (first, second) = (sub("whsub_1"), sub("whsub_2"));
    let server = LoopbackServer::start(move |req| {
        if req.path.contains("_skip=1") {
            Reply::json(200, &json!({"data": [second.clone()], "has_more": false}))
        } else {
            Reply::json(200, &json!({"data": [first.clone()], "has_more": true}))
        }
    })
    .await;
    match client(&server.base_url()).list_webhooks().await {
        Err(_) => {} // "incomplete" said out loud: fine
        Ok(subs) => {
            let ids: Vec<String> = subs.iter().map(|s| s.id.clone().unwrap()).collect();
            assert_eq!(ids, ["whsub_1", "whsub_2"], "has_more: true was ignored");
        }
    }
}

/// The previous round made every optional member of the event lenient ("a verified delivery is
/// never lost over a field the receiver may not even read"), but the envelope's own optional
/// `subscription_id` is not: a non-string value makes the whole, correctly signed delivery
/// `UnexpectedShape` (a 400 from the axum extractor; Close retries, then drops it).
#[test]
fn a_verified_delivery_with_an_odd_subscription_id_still_decodes() {
    use close_sdk::webhooks::{self, SignatureKey, VerifyOptions};
    use std::time::UNIX_EPOCH;

    let key: SignatureKey = "058bfb6a3d8cfdc4da7c3be5901b16ae11da982b46a25fb2cd7016e97a140a1c"
        .parse()
        .expect("a hex key");
    let options = VerifyOptions::default().now(UNIX_EPOCH + Duration::from_secs(1_544_271_460));
    let mut refused = Vec::new();
    for odd in [r#"12"#, r#"{"id":"whsub_1"}"#, r#"["whsub_1"]"#] {
        let body = format!(
            r#"{{"event":{{"id":"ev_1","object_type":"lead","action":"updated"}},"subscription_id":{odd}}}"#
        );
        let headers = webhooks::signed_headers(&key, "1544271440", body.as_bytes());
        match webhooks::verify(body.as_bytes(), &headers, &key, &options) {
            Ok(d) => assert_eq!(d.event.id, "ev_1"),
            Err(e) => refused.push(format!("subscription_id {odd} -> {e}")),
        }
    }
    assert!(
        refused.is_empty(),
        "verified deliveries refused:\n{}",
        refused.join("\n")
    );
}

/// An entry that still does not decode (its `id` is a number) is reported once, as an error
/// naming it, and then counted as handed out: the events around it are delivered and the
/// error never repeats.
#[tokio::test]
async fn an_entry_that_cannot_decode_is_reported_once_and_passed() {
    let page = json!({
        "data": [
            {"id": "ev_c", "object_type": "lead", "action": "updated", "date_updated": ago(10)},
            {"id": 7, "object_type": "lead", "action": "updated", "date_updated": ago(20)},
            {"id": "ev_a", "object_type": "lead", "action": "created", "date_updated": ago(30)},
        ],
        "cursor_next": null,
    });
    let server = LoopbackServer::start(move |_| Reply::json(200, &page)).await;
    let start = FollowPosition::since(ago(60).parse().expect("a timestamp"));
    let mut f = client(&server.base_url())
        .follow_events(EventFilter::new(), start, fast())
        .expect("a supported filter");
    let mut got = Vec::new();
    let mut errors = Vec::new();
    for _ in 0..6 {
        match tokio::time::timeout(Duration::from_millis(1500), f.next()).await {
            Err(_) => {} // nothing new: the quiet log after everything was handed out
            Ok(Ok(e)) => got.push(e.id),
            Ok(Err(e)) => errors.push(e.to_string()),
        }
    }
    assert_eq!(got, ["ev_a", "ev_c"], "errors: {errors:?}");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("entry 7"), "{errors:?}");
}
