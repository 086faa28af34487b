//! Webhook deliveries: signature vectors computed outside the SDK, every way a delivery can be
//! wrong (each with its own typed error, never a panic), Close's documented examples, and the
//! axum extractor over loopback.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use close_sdk::webhooks::{
    self, Action, Delivery, Event, ObjectType, SignatureKey, Verifier, VerifyOptions, WebhookError,
    SIGNATURE_HEADER, TIMESTAMP_HEADER,
};
use http::{HeaderMap, HeaderValue};
use serde_json::{json, Value};

/// The key in Close's signature example (developer.close.com, "Webhook Signatures").
const DOCS_KEY: &str = "058bfb6a3d8cfdc4da7c3be5901b16ae11da982b46a25fb2cd7016e97a140a1c";
/// The timestamp in the same example.
const DOCS_TS: &str = "1544271440";
const DOCS_TS_SECS: u64 = 1_544_271_440;

const OPPORTUNITY_WON: &[u8] =
    include_bytes!("../../fixtures/webhooks/delivery_opportunity_won.json");
const NON_UTF8: &[u8] = include_bytes!("../../fixtures/webhooks/non_utf8_body.bin");
const VECTORS: &str = include_str!("../../fixtures/webhooks/signature_vectors.json");
const EVENT_GET: &str = include_str!("../../fixtures/webhooks/event_get_note_created.json");
const EVENT_LIST: &str = include_str!("../../fixtures/webhooks/event_list_page.json");

fn key(hex: &str) -> SignatureKey {
    hex.parse().expect("test key")
}

fn at(secs: u64) -> VerifyOptions {
    VerifyOptions::default().now(UNIX_EPOCH + Duration::from_secs(secs))
}

/// `body` signed with Close's example key at Close's example timestamp, checked at that time.
fn check(body: &[u8], headers: &HeaderMap) -> Result<Delivery, WebhookError> {
    webhooks::verify(body, headers, &key(DOCS_KEY), &at(DOCS_TS_SECS))
}

fn signed(body: &[u8]) -> HeaderMap {
    webhooks::signed_headers(&key(DOCS_KEY), DOCS_TS, body)
}

#[test]
fn signature_vectors_computed_outside_the_sdk_match() {
    let vectors: Vec<Value> = serde_json::from_str(VECTORS).expect("vectors");
    assert_eq!(vectors.len(), 4);
    for v in &vectors {
        let name = v["name"].as_str().unwrap_or_default();
        let body: Vec<u8> = match v["body_file"].as_str() {
            Some("delivery_opportunity_won.json") => OPPORTUNITY_WON.to_vec(),
            Some("non_utf8_body.bin") => NON_UTF8.to_vec(),
            Some(other) => panic!("unknown body file {other}"),
            None => v["body"].as_str().expect("body").as_bytes().to_vec(),
        };
        let k = key(v["key"].as_str().expect("key"));
        let ts = v["timestamp"].as_str().expect("timestamp");
        let expected = v["expected"].as_str().expect("expected");
        assert_eq!(webhooks::signature(&k, ts, &body), expected, "{name}");

        // Close's header, as received, verifies (uppercase hex too).
        let mut headers = HeaderMap::new();
        headers.insert(
            SIGNATURE_HEADER,
            HeaderValue::from_str(&expected.to_uppercase()).expect("hv"),
        );
        headers.insert(TIMESTAMP_HEADER, HeaderValue::from_str(ts).expect("hv"));
        let secs: u64 = ts.parse().expect("ts");
        let result =
            webhooks::verify_signature(&body, &headers, std::slice::from_ref(&k), &at(secs));
        assert!(result.is_ok(), "{name}: {result:?}");
    }
}

#[test]
fn closes_opportunity_won_example_verifies_and_decodes() {
    let d = check(OPPORTUNITY_WON, &signed(OPPORTUNITY_WON)).expect("verified");
    assert_eq!(
        d.subscription_id.as_deref(),
        Some("whsub_8AmjKCZYT3zI8eZoi4HhFC")
    );
    let e = &d.event;
    assert_eq!(e.id, "ev_2sYKRjcrA79yKxi3S4Crd7");
    assert_eq!(
        (&e.object_type, &e.action),
        (&ObjectType::Opportunity, &Action::Updated)
    );
    assert_eq!(
        e.object_id.as_deref(),
        Some("oppo_7H4sjNso7FyBFaeR3RXi5PMJbilfo0c6UPCxsJtEhCO")
    );
    assert_eq!(
        e.lead_id.as_deref(),
        Some("lead_zwqYhEFwzPyfCErS8uQ77is2wFLvr9BgVi6cTfbFM68")
    );
    assert_eq!(e.request_id.as_deref(), Some("req_4S2L8JTBAA1OUS74SVmfbN"));
    assert!(e.changed("status_id") && !e.changed("value"));
    assert_eq!(e.meta.request_method.as_deref(), Some("PUT"));
    let created = e.date_created.as_ref().expect("date_created");
    assert!(created.is_naive());
    assert_eq!(created.to_string(), "2019-01-15T12:48:23.395000");
    assert_eq!(e.data["status_type"], "won");
    assert_eq!(e.previous_data["status_label"], "Active");
    assert!(
        e.extra.is_empty() && d.extra.is_empty(),
        "every documented field is typed"
    );
    // The same bytes decoded without verification give the same value.
    let direct: Delivery = serde_json::from_slice(OPPORTUNITY_WON).expect("decode");
    assert_eq!(direct, d);
}

#[test]
fn the_event_log_examples_decode_as_the_same_event_type() {
    let e: Event = serde_json::from_str(EVENT_GET).expect("event");
    assert_eq!(e.id, "ev_17VaZdcdnsMNyWY9ZJnjph");
    // The spec example writes `note`, the event-type list `activity.note`: kept as sent.
    assert_eq!(e.object_type, ObjectType::Other("note".into()));
    assert_eq!(e.action, Action::Created);
    assert_eq!(
        e.meta.request_path.as_deref(),
        Some("/api/v1/activity/note/")
    );
    assert_eq!(e.data["note"], "My note.");
    assert_eq!(e.previous_data, json!({}));
    assert_eq!(e.extra.len(), 0);

    let page: Value = serde_json::from_str(EVENT_LIST).expect("page");
    assert_eq!(page["cursor_next"], "cursor2");
    let events: Vec<Event> = serde_json::from_value(page["data"].clone()).expect("events");
    assert!(events.is_empty());
}

#[test]
fn new_object_types_actions_and_fields_never_fail_to_decode() {
    let body = json!({
        "event": {
            "id": "ev_new", "object_type": "hologram.projection", "action": "teleported",
            "date_created": "2030-01-01T00:00:00+00:00", "changed_fields": null, "meta": null,
            "shiny_new_field": [1, 2]
        },
        "subscription_id": "whsub_1", "delivery_attempt": 3
    })
    .to_string();
    let d = check(body.as_bytes(), &signed(body.as_bytes())).expect("verified");
    assert_eq!(d.event.object_type.as_str(), "hologram.projection");
    assert_eq!(d.event.action, Action::Other("teleported".into()));
    assert_eq!(d.event.extra["shiny_new_field"], json!([1, 2]));
    assert_eq!(d.extra["delivery_attempt"], 3);
    assert_eq!(
        ObjectType::parse("task.incoming_email"),
        ObjectType::Task("incoming_email".into())
    );
}

#[test]
fn a_body_changed_by_one_byte_is_refused() {
    let headers = signed(OPPORTUNITY_WON);
    let last = OPPORTUNITY_WON.len() - 1;
    for at_byte in [0, 1, OPPORTUNITY_WON.len() / 2, last] {
        let mut body = OPPORTUNITY_WON.to_vec();
        body[at_byte] ^= 0x01;
        assert!(
            matches!(check(&body, &headers), Err(WebhookError::SignatureMismatch)),
            "byte {at_byte}"
        );
    }
    let mut longer = OPPORTUNITY_WON.to_vec();
    longer.push(b' ');
    assert!(matches!(
        check(&longer, &headers),
        Err(WebhookError::SignatureMismatch)
    ));
    assert!(matches!(
        check(&OPPORTUNITY_WON[..last], &headers),
        Err(WebhookError::SignatureMismatch)
    ));
    assert!(matches!(
        check(b"", &headers),
        Err(WebhookError::SignatureMismatch)
    ));
}

#[test]
fn a_wrong_key_or_a_moved_timestamp_is_refused() {
    let headers = signed(OPPORTUNITY_WON);
    let zeros = key(&"00".repeat(32));
    let err = webhooks::verify(OPPORTUNITY_WON, &headers, &zeros, &at(DOCS_TS_SECS));
    assert!(matches!(err, Err(WebhookError::SignatureMismatch)));
    // The key as text (not hex-decoded) is a different key.
    let as_text = SignatureKey::from_bytes(DOCS_KEY.as_bytes().to_vec()).expect("key");
    let err = webhooks::verify(OPPORTUNITY_WON, &headers, &as_text, &at(DOCS_TS_SECS));
    assert!(matches!(err, Err(WebhookError::SignatureMismatch)));
    // The timestamp is signed: changing it breaks the signature even inside the window.
    let mut moved = headers.clone();
    moved.insert(TIMESTAMP_HEADER, HeaderValue::from_static("1544271441"));
    assert!(matches!(
        check(OPPORTUNITY_WON, &moved),
        Err(WebhookError::SignatureMismatch)
    ));
}

#[test]
fn a_replayed_old_timestamp_is_refused_and_the_window_is_configurable() {
    let k = key(DOCS_KEY);
    let headers = signed(OPPORTUNITY_WON);
    let ok = |opts: VerifyOptions| webhooks::verify(OPPORTUNITY_WON, &headers, &k, &opts);

    assert!(
        ok(at(DOCS_TS_SECS + 300)).is_ok(),
        "exactly 5 minutes old is accepted"
    );
    match ok(at(DOCS_TS_SECS + 301)) {
        Err(
            e @ WebhookError::TimestampOutsideTolerance {
                signed_at,
                now,
                tolerance,
            },
        ) => {
            assert_eq!((signed_at, now), (1_544_271_440, 1_544_271_741));
            assert_eq!(tolerance, Duration::from_secs(300));
            assert!(e.to_string().contains("301 s in the past"), "{e}");
            assert!(e.is_unauthenticated());
        }
        other => panic!("expected a replay refusal, got {other:?}"),
    }
    let a_day = 24 * 3600;
    assert!(ok(at(DOCS_TS_SECS + 301).tolerance(Duration::from_secs(a_day))).is_ok());
    assert!(ok(at(DOCS_TS_SECS + 3 * a_day).without_timestamp_check()).is_ok());
    // The system clock is used when no time is given: 2018's signature is long expired.
    let live = webhooks::verify(OPPORTUNITY_WON, &headers, &k, &VerifyOptions::default());
    assert!(matches!(
        live,
        Err(WebhookError::TimestampOutsideTolerance { .. })
    ));
}

#[test]
fn a_future_timestamp_is_refused() {
    let headers = signed(OPPORTUNITY_WON);
    let k = key(DOCS_KEY);
    assert!(webhooks::verify(OPPORTUNITY_WON, &headers, &k, &at(DOCS_TS_SECS - 300)).is_ok());
    let err = webhooks::verify(OPPORTUNITY_WON, &headers, &k, &at(DOCS_TS_SECS - 301))
        .expect_err("future");
    assert!(matches!(
        err,
        WebhookError::TimestampOutsideTolerance { .. }
    ));
    assert!(err.to_string().contains("301 s in the future"), "{err}");
}

#[test]
fn missing_duplicated_and_malformed_headers_are_each_named() {
    let good = signed(OPPORTUNITY_WON);
    for name in [SIGNATURE_HEADER, TIMESTAMP_HEADER] {
        let mut h = good.clone();
        h.remove(name);
        assert!(
            matches!(check(OPPORTUNITY_WON, &h), Err(WebhookError::MissingHeader(n)) if n == name)
        );

        let mut h = good.clone();
        let value = good.get(name).expect("value").clone();
        h.append(name, value);
        assert!(
            matches!(check(OPPORTUNITY_WON, &h), Err(WebhookError::DuplicateHeader(n)) if n == name)
        );

        let mut h = good.clone();
        h.insert(name, HeaderValue::from_bytes(b"caf\xe9").expect("obs-text"));
        assert!(
            matches!(check(OPPORTUNITY_WON, &h), Err(WebhookError::MalformedHeader { header, .. }) if header == name)
        );
    }
    let hash = good[SIGNATURE_HEADER].to_str().expect("ascii").to_string();
    for bad in [
        String::new(),
        "abc".into(),
        hash[..63].to_string(),
        format!("{hash}0"),
        format!("sha256={hash}"),
        "z".repeat(64),
    ] {
        let mut h = good.clone();
        h.insert(SIGNATURE_HEADER, HeaderValue::from_str(&bad).expect("hv"));
        let err = check(OPPORTUNITY_WON, &h).expect_err(&bad);
        assert!(
            matches!(
                err,
                WebhookError::MalformedHeader {
                    header: SIGNATURE_HEADER,
                    ..
                }
            ),
            "{bad}: {err:?}"
        );
    }
    for bad in [
        "",
        "2018-12-08T12:17:20Z",
        "-1544271440",
        "1544271440s",
        "1e9",
    ] {
        let mut h = good.clone();
        h.insert(TIMESTAMP_HEADER, HeaderValue::from_str(bad).expect("hv"));
        let err = check(OPPORTUNITY_WON, &h).expect_err(bad);
        assert!(
            matches!(
                err,
                WebhookError::MalformedHeader {
                    header: TIMESTAMP_HEADER,
                    ..
                }
            ),
            "{bad}: {err:?}"
        );
        assert!(err.to_string().contains(TIMESTAMP_HEADER));
    }
    // Header names are case-insensitive, as HTTP says.
    let mut h = HeaderMap::new();
    h.insert("Close-Sig-Hash", good[SIGNATURE_HEADER].clone());
    h.insert("CLOSE-SIG-TIMESTAMP", good[TIMESTAMP_HEADER].clone());
    assert!(check(OPPORTUNITY_WON, &h).is_ok());
}

#[test]
fn a_non_utf8_body_is_refused_as_not_json_only_after_its_signature_passes() {
    let k = key(DOCS_KEY);
    let headers = webhooks::signed_headers(&k, "1700000000", NON_UTF8);
    let err = webhooks::verify(NON_UTF8, &headers, &k, &at(1_700_000_000)).expect_err("not json");
    assert!(matches!(err, WebhookError::NotJson(_)), "{err:?}");
    assert!(!err.is_unauthenticated());
    let forged = webhooks::verify(NON_UTF8, &signed(b"{}"), &k, &at(DOCS_TS_SECS));
    assert!(matches!(forged, Err(WebhookError::SignatureMismatch)));
}

#[test]
fn the_body_is_not_read_before_the_signature_and_timestamp_pass() {
    let garbage = b"\x00not json at all";
    let k = key(DOCS_KEY);
    // Forged garbage: the signature is what fails, not the JSON.
    let forged = webhooks::verify(garbage, &signed(b"{}"), &k, &at(DOCS_TS_SECS));
    assert!(matches!(forged, Err(WebhookError::SignatureMismatch)));
    // Signed garbage replayed too late: the timestamp is what fails.
    let late = webhooks::verify(garbage, &signed(garbage), &k, &at(DOCS_TS_SECS + 3600));
    assert!(matches!(
        late,
        Err(WebhookError::TimestampOutsideTolerance { .. })
    ));
}

#[test]
fn json_that_is_not_a_delivery_has_an_unexpected_shape() {
    for body in [
        "[]",
        "{}",
        "null",
        r#"{"event": {}}"#,
        r#"{"event": {"id": 1, "object_type": "lead", "action": "created"}}"#,
    ] {
        let err = check(body.as_bytes(), &signed(body.as_bytes())).expect_err(body);
        assert!(
            matches!(err, WebhookError::UnexpectedShape(_)),
            "{body}: {err:?}"
        );
    }
    // A missing action is lenient too (issue 13, third attack): it reads as `Other("")`.
    let body = br#"{"event": {"id": "ev_1", "object_type": "lead"}}"#;
    let delivery = check(body, &signed(body)).expect("a delivery without an action");
    assert_eq!(
        delivery.event.action,
        close_sdk::events::Action::Other(String::new())
    );
    // Optional members of an odd shape are lenient (a verified delivery is never lost over one).
    let body = r#"{"event": {"id": "ev_1", "object_type": "lead", "action": "created", "changed_fields": "name"}}"#;
    let delivery = check(body.as_bytes(), &signed(body.as_bytes())).expect(body);
    assert_eq!(delivery.event.changed_fields, ["name"]);
    let err = check(b"{\"event\":", &signed(b"{\"event\":")).expect_err("truncated");
    assert!(matches!(err, WebhookError::NotJson(_)));
}

#[test]
fn ten_megabyte_bodies_get_typed_errors_not_panics() {
    let started = std::time::Instant::now();
    let k = key(DOCS_KEY);
    let ten_mb = 10 * 1024 * 1024;

    let junk = vec![b'a'; ten_mb];
    let forged = webhooks::verify(&junk, &signed(b"{}"), &k, &at(DOCS_TS_SECS));
    assert!(matches!(forged, Err(WebhookError::SignatureMismatch)));
    let not_json = check(&junk, &signed(&junk));
    assert!(matches!(not_json, Err(WebhookError::NotJson(_))));

    let big =
        json!({"event": {"id": "ev_big", "object_type": "activity.email", "action": "created",
        "data": {"body_text": "x".repeat(ten_mb)}}})
        .to_string();
    let d = check(big.as_bytes(), &signed(big.as_bytes())).expect("a big signed delivery");
    assert_eq!(
        d.event.data["body_text"].as_str().map(str::len),
        Some(ten_mb)
    );

    let small = Verifier::new(k)
        .options(at(DOCS_TS_SECS))
        .body_limit(1024 * 1024);
    let err = small
        .verify(big.as_bytes(), &signed(big.as_bytes()))
        .expect_err("limit");
    assert!(matches!(
        err,
        WebhookError::BodyTooLarge { limit: 1_048_576 }
    ));
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn a_verifier_with_several_keys_accepts_any_of_them() {
    let other = key(&"11".repeat(32));
    let verifier = Verifier::with_keys([other.clone(), key(DOCS_KEY)]).options(at(DOCS_TS_SECS));
    assert!(verifier
        .verify(OPPORTUNITY_WON, &signed(OPPORTUNITY_WON))
        .is_ok());
    let by_other = webhooks::signed_headers(&other, DOCS_TS, OPPORTUNITY_WON);
    assert!(verifier.verify(OPPORTUNITY_WON, &by_other).is_ok());
    let neither = Verifier::with_keys([other]).options(at(DOCS_TS_SECS));
    assert!(matches!(
        neither.verify(OPPORTUNITY_WON, &signed(OPPORTUNITY_WON)),
        Err(WebhookError::SignatureMismatch)
    ));
}

#[test]
fn no_error_and_no_debug_output_contains_the_key() {
    let k = key(DOCS_KEY);
    let good = signed(OPPORTUNITY_WON);
    let mut errors = vec![
        check(b"{}", &good).expect_err("mismatch"),
        check(OPPORTUNITY_WON, &HeaderMap::new()).expect_err("missing"),
        webhooks::verify(OPPORTUNITY_WON, &good, &k, &at(0)).expect_err("old"),
        check(b"x", &signed(b"x")).expect_err("not json"),
        check(b"[]", &signed(b"[]")).expect_err("shape"),
    ];
    errors.push(
        Verifier::new(k.clone())
            .body_limit(1)
            .verify(b"{}", &good)
            .expect_err("big"),
    );
    for e in &errors {
        for text in [e.to_string(), format!("{e:?}")] {
            assert!(
                !text.contains(DOCS_KEY) && !text.contains("058bfb"),
                "{text}"
            );
        }
    }
    for text in [format!("{k:?}"), format!("{:?}", Verifier::new(k.clone()))] {
        assert!(!text.contains("058bfb"), "{text}");
    }
    assert_eq!(k.expose_hex(), DOCS_KEY);
}

/// The axum extractor, served on loopback: only the genuine delivery reaches the handler.
#[tokio::test]
async fn the_axum_extractor_lets_only_verified_deliveries_through() {
    use axum::routing::post;
    use close_sdk::webhooks::axum::VerifiedDelivery;

    let handled = Arc::new(AtomicUsize::new(0));
    let count = handled.clone();
    let app = axum::Router::new()
        .route(
            "/hook",
            post(move |VerifiedDelivery(d): VerifiedDelivery| {
                let count = count.clone();
                async move {
                    count.fetch_add(1, Ordering::SeqCst);
                    d.event.id
                }
            }),
        )
        .with_state(Verifier::new(key(DOCS_KEY)).body_limit(64 * 1024));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    let body = String::from_utf8(OPPORTUNITY_WON.to_vec()).expect("utf8");
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client");
    let post = |ts: u64, signed_body: String, sent_body: String| {
        let headers =
            webhooks::signed_headers(&key(DOCS_KEY), &ts.to_string(), signed_body.as_bytes());
        let request = client.post(&url).headers(headers).body(sent_body);
        async move {
            let response = request.send().await.expect("response");
            (
                response.status().as_u16(),
                response.text().await.unwrap_or_default(),
            )
        }
    };

    let results = tokio::time::timeout(Duration::from_secs(30), async {
        vec![
            post(now, body.clone(), body.clone()).await,
            post(now, body.clone(), body.replace("Won", "Lost")).await,
            post(now - 600, body.clone(), body.clone()).await,
            post(now + 600, body.clone(), body.clone()).await,
            post(now, "not json".into(), "not json".into()).await,
            post(now, "y".repeat(65 * 1024), "y".repeat(65 * 1024)).await,
        ]
    })
    .await
    .expect("all answered in time");
    server.abort();

    assert_eq!(results[0], (200, "ev_2sYKRjcrA79yKxi3S4Crd7".to_string()));
    assert_eq!(results[1].0, 401, "{:?}", results[1]);
    assert!(results[1].1.contains("signature"), "{:?}", results[1]);
    assert_eq!(results[2].0, 401);
    assert!(results[2].1.contains("in the past"), "{:?}", results[2]);
    assert_eq!(results[3].0, 401);
    assert!(results[3].1.contains("in the future"), "{:?}", results[3]);
    assert_eq!(results[4].0, 400, "{:?}", results[4]);
    assert_eq!(results[5].0, 413, "{:?}", results[5]);
    assert_eq!(
        handled.load(Ordering::SeqCst),
        1,
        "only the genuine delivery was handled"
    );
}

mod subscriptions {
    use close_sdk::webhooks::{
        Action, NewSubscription, ObjectType, SubscriptionEvent, SubscriptionStatus,
        SubscriptionUpdate, WebhookFilter as F, WebhookSubscription,
    };
    use serde_json::{json, Value};

    const FIXTURES: [(&str, &str); 4] = [
        (
            "create basic",
            include_str!("../../fixtures/webhooks/subscription_create_response_basic.json"),
        ),
        (
            "create withFilter",
            include_str!("../../fixtures/webhooks/subscription_create_response_withFilter.json"),
        ),
        (
            "get",
            include_str!("../../fixtures/webhooks/subscription_get_response.json"),
        ),
        (
            "update",
            include_str!("../../fixtures/webhooks/subscription_update_response.json"),
        ),
    ];

    #[test]
    fn every_documented_subscription_response_decodes_with_its_key_kept_secret() {
        for (name, text) in FIXTURES {
            let s: WebhookSubscription = serde_json::from_str(text).expect(name);
            assert_eq!(
                s.id.as_deref().unwrap(),
                "whsub_6un6NQjYTaFdgtIZsTDXP6",
                "{name}"
            );
            assert_eq!(s.url.as_deref().unwrap(), "https://test.example.com");
            assert_eq!(s.verify_ssl, Some(true));
            let key = s.signature_key.as_ref().expect("signature_key");
            assert_eq!(key.expose_hex(), super::DOCS_KEY);
            assert!(
                !format!("{s:?}").contains("058bfb"),
                "{name}: Debug shows the key"
            );
            let first = &s.events.as_ref().unwrap()[0];
            assert_eq!(
                (&first.object_type, &first.action),
                (&ObjectType::Lead, &Action::Created)
            );
            assert!(s.date_created.is_some() && s.recent_consecutive_fail_buckets_cnt == Some(0));
            // One type: the generated one is what `close_sdk::webhooks` names.
            let _same: close_sdk::types::WebhookSubscription = s;
        }
        let updated: WebhookSubscription = serde_json::from_str(FIXTURES[3].1).expect("update");
        assert_eq!(updated.status, Some(SubscriptionStatus::Paused));
        assert_eq!(updated.pause_reason.as_deref(), Some("api"));
        let filtered: WebhookSubscription = serde_json::from_str(FIXTURES[1].1).expect("filter");
        assert_eq!(
            filtered.events.as_ref().unwrap()[0].extra_filter,
            Some(F::field(
                "user_id",
                F::equals("user_N6KhMpzHRCYQHdn4gRNIFNN5JExnsrprKA6ekxM63XA")
            ))
        );
    }

    #[test]
    fn the_sdk_sends_exactly_the_documented_request_bodies() {
        let basic = NewSubscription::new("https://test.example.com")
            .event(SubscriptionEvent::new(ObjectType::Lead, Action::Created))
            .event(SubscriptionEvent::new(ObjectType::Lead, Action::Updated))
            .event(SubscriptionEvent::new(ObjectType::Call, Action::Created))
            .event(SubscriptionEvent::new(ObjectType::Note, Action::Created))
            .event(SubscriptionEvent::new(ObjectType::Note, Action::Updated))
            .event(SubscriptionEvent::new(
                ObjectType::FormSubmission,
                Action::Created,
            ));
        basic.validate().expect("valid");
        let documented: Value = serde_json::from_str(include_str!(
            "../../fixtures/webhooks/subscription_create_request_basic.json"
        ))
        .expect("fixture");
        assert_eq!(serde_json::to_value(&basic).expect("json"), documented);

        let with_filter = NewSubscription::new("https://test.example.com").event(
            SubscriptionEvent::new("lead", "created").filter(F::field(
                "user_id",
                F::equals("user_N6KhMpzHRCYQHdn4gRNIFNN5JExnsrprKA6ekxM63XA"),
            )),
        );
        let documented: Value = serde_json::from_str(include_str!(
            "../../fixtures/webhooks/subscription_create_request_withFilter.json"
        ))
        .expect("fixture");
        assert_eq!(
            serde_json::to_value(&with_filter).expect("json"),
            documented
        );

        let pause = SubscriptionUpdate {
            status: Some(SubscriptionStatus::Paused),
            ..Default::default()
        };
        let documented: Value = serde_json::from_str(include_str!(
            "../../fixtures/webhooks/subscription_update_request.json"
        ))
        .expect("fixture");
        assert_eq!(serde_json::to_value(&pause).expect("json"), documented);
    }

    #[test]
    fn every_filter_example_of_closes_page_round_trips_typed() {
        let examples: Vec<Value> =
            serde_json::from_str(include_str!("../../fixtures/webhooks/webhook_filters.json"))
                .expect("fixture");
        assert_eq!(examples.len(), 11);
        for example in examples {
            let f: F = serde_json::from_value(example.clone()).expect("filter");
            assert!(!format!("{f:?}").contains("Other("), "untyped: {example}");
            assert_eq!(serde_json::to_value(&f).expect("json"), example);
        }
        // The address example, built with the constructors.
        let md_us = F::field(
            "data",
            F::field(
                "addresses",
                F::any_array_value(F::and([
                    F::field("state", F::equals("MD")),
                    F::field("country", F::equals("US")),
                ])),
            ),
        );
        assert_eq!(
            serde_json::to_value(&md_us).expect("json")["filter"]["filter"]["type"],
            json!("any_array_value")
        );
    }
}

/// The subscription calls over real HTTP (httpmock), with Close's documented bodies.
mod calls {
    use close_sdk::prelude::*;
    use close_sdk::webhooks::{
        NewSubscription, ObjectType, SubscriptionEvent, SubscriptionStatus, SubscriptionUpdate,
    };
    use close_sdk_tests::api_key_client;
    use httpmock::prelude::*;
    use serde_json::{json, Value};

    fn fixture(text: &str) -> Value {
        serde_json::from_str(text).expect("fixture")
    }

    fn created() -> Value {
        fixture(include_str!(
            "../../fixtures/webhooks/subscription_create_response_basic.json"
        ))
    }

    #[tokio::test]
    async fn create_get_update_delete_and_list_send_and_read_what_close_documents() {
        let server = MockServer::start_async().await;
        let c = api_key_client(&server);
        let request = fixture(include_str!(
            "../../fixtures/webhooks/subscription_create_request_withFilter.json"
        ));
        let create = server
            .mock_async(|when, then| {
                when.method(POST).path("/webhook/").json_body(request);
                then.status(201).json_body(created());
            })
            .await;
        let get = server
            .mock_async(|when, then| {
                when.method(GET)
                    .path("/webhook/whsub_6un6NQjYTaFdgtIZsTDXP6/");
                then.status(200).json_body(fixture(include_str!(
                    "../../fixtures/webhooks/subscription_get_response.json"
                )));
            })
            .await;
        let update = server
            .mock_async(|when, then| {
                when.method(PUT)
                    .path("/webhook/whsub_6un6NQjYTaFdgtIZsTDXP6/")
                    .json_body(json!({"status": "paused"}));
                then.status(200).json_body(fixture(include_str!(
                    "../../fixtures/webhooks/subscription_update_response.json"
                )));
            })
            .await;
        let delete = server
            .mock_async(|when, then| {
                when.method(DELETE)
                    .path("/webhook/whsub_6un6NQjYTaFdgtIZsTDXP6/");
                then.status(200).json_body(json!({}));
            })
            .await;
        let list = server
            .mock_async(|when, then| {
                when.method(GET).path("/webhook/");
                then.status(200)
                    .json_body(json!({"data": [created()], "has_more": false}));
            })
            .await;

        let new = NewSubscription::new("https://test.example.com").event(
            SubscriptionEvent::new(ObjectType::Lead, "created").filter(
                close_sdk::webhooks::WebhookFilter::field(
                    "user_id",
                    close_sdk::webhooks::WebhookFilter::equals(
                        "user_N6KhMpzHRCYQHdn4gRNIFNN5JExnsrprKA6ekxM63XA",
                    ),
                ),
            ),
        );
        let sub = c.create_webhook(new).await.expect("created");
        let key = sub
            .signature_key
            .clone()
            .expect("the key comes back on create");
        assert_eq!(key.expose_hex(), super::DOCS_KEY);
        // The key signs what the receiver checks.
        let body = br#"{"event":{"id":"ev_1","object_type":"lead","action":"created"}}"#;
        let headers = close_sdk::webhooks::signed_headers(&key, "1544271440", body);
        assert!(
            close_sdk::webhooks::verify(body, &headers, &key, &super::at(1_544_271_440)).is_ok()
        );

        let got = c
            .get_webhook(sub.id.as_deref().unwrap())
            .await
            .expect("got");
        assert_eq!(got.events.as_ref().unwrap().len(), 5);
        let paused = c
            .update_webhook(
                sub.id.as_deref().unwrap(),
                SubscriptionUpdate {
                    status: Some(SubscriptionStatus::Paused),
                    ..Default::default()
                },
            )
            .await
            .expect("updated");
        assert_eq!(paused.status, Some(SubscriptionStatus::Paused));
        c.delete_webhook(sub.id.as_deref().unwrap())
            .await
            .expect("deleted");
        let all = c.list_webhooks().await.expect("listed");
        assert_eq!(all.len(), 1);
        for m in [&create, &get, &update, &delete, &list] {
            m.assert_async().await;
        }
    }

    #[tokio::test]
    async fn a_bare_list_is_refused_and_errors_and_bad_input_are_typed() {
        let server = MockServer::start_async().await;
        let c = api_key_client(&server);
        server
            .mock_async(|when, then| {
                when.method(GET).path("/webhook/");
                then.status(200).json_body(json!([created(), created()]));
            })
            .await;
        let refused = server
            .mock_async(|when, then| {
                when.method(POST).path("/webhook/");
                then.status(400)
                    .json_body(json!({"error": "Invalid URL", "field-errors": {"url": "bad"}}));
            })
            .await;
        // `list_webhooks` is `webhooks().list().paginate()`: Close's list envelope
        // (`{data, has_more}`, the overlay's `WebhookSubscriptionList`); a bare array is not
        // that answer, and says so instead of passing for a list.
        assert!(matches!(
            c.list_webhooks().await,
            Err(close_sdk::Error::Decode { .. })
        ));

        let event = SubscriptionEvent::new(ObjectType::Lead, "created");
        let err = c
            .create_webhook(NewSubscription::new("https://x.example").event(event.clone()))
            .await
            .expect_err("400");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
        assert!(err.field_errors().is_some_and(|f| f.contains_key("url")));
        assert_eq!(refused.calls_async().await, 1);

        for bad in [
            NewSubscription::new("ftp://x.example").event(event.clone()),
            NewSubscription::new("https://x.example"),
        ] {
            let err = c.create_webhook(bad).await.expect_err("invalid");
            assert!(matches!(err, Error::InvalidRequest(_)), "{err}");
        }
        assert!(matches!(
            c.get_webhook("a/b").await,
            Err(Error::InvalidRequest(_))
        ));
        assert!(matches!(
            c.delete_webhook("").await,
            Err(Error::InvalidRequest(_))
        ));
        assert_eq!(refused.calls_async().await, 1, "invalid input was not sent");
    }
}

/// `data` as the SDK's own types, and JSON for everything else.
mod typed_data {
    use close_sdk::events::{Event, EventData};
    use close_sdk::webhooks::Delivery;
    use serde_json::json;

    fn event(object_type: &str, data: serde_json::Value) -> Event {
        serde_json::from_value(json!({
            "id": "ev_1", "object_type": object_type, "action": "created", "data": data
        }))
        .expect("event")
    }

    /// Close's own webhook example omits fields the document lists (`annualized_expected_value`,
    /// …): every member of a response type is optional, so it decodes as the typed
    /// `Opportunity`, the absent members `None`.
    #[test]
    fn closes_opportunity_example_decodes_typed() {
        let d: Delivery = serde_json::from_slice(super::OPPORTUNITY_WON).expect("delivery");
        let EventData::Opportunity(o) = d.event.typed_data() else {
            panic!("{:?}", d.event.try_typed_data());
        };
        assert_eq!(o.annualized_expected_value, None);
        assert_eq!(o.status_label.as_deref(), Some("Won"));
        // previous_data of an update holds only the changed fields: a partial `Opportunity`.
        assert!(matches!(
            d.event.typed_previous_data(),
            EventData::Opportunity(_)
        ));
    }

    #[test]
    fn known_types_decode_and_the_rest_stay_json() {
        let group = event(
            "group",
            json!({"id": "group_1", "name": "Sales", "organization_id": "orga_1", "members": []}),
        );
        assert!(
            matches!(group.typed_data(), EventData::Group(g) if g.name.as_deref() == Some("Sales"))
        );
        let task = event("task.lead", json!({"id": "task_1", "text": "call"}));
        assert!(matches!(task.typed_data(), EventData::Json(v) if v["text"] == "call"));
        let deleted = event("lead", serde_json::Value::Null);
        assert_eq!(deleted.typed_data(), EventData::Absent);
        let broken = event("lead", json!({"id": 5}));
        assert!(broken.try_typed_data().is_err());
        assert!(matches!(broken.typed_data(), EventData::Json(_)));
    }
}
