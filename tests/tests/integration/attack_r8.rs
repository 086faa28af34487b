//! Attack on 0d916a8 (`values/iso8601.rs`: ISO 8601 / RFC 3339 read and written by hand instead
//! of `time`'s `parsing`/`formatting` features), 3336cd9 (hand-written calls and custom fields
//! marked `#[inline]`) and badced6 (base64 0.22 → 0.23 for the API key's Basic header).
//!
//! Oracles: no text panics the reader; what parses is written back as it came (`Display`,
//! serde); `Timestamp::from(OffsetDateTime)` reads back to the same instant and offset at the
//! ends of `time`'s range and with offsets that have seconds; `Eq`, `Ord` and `Hash` agree;
//! every text `time`'s readers took (`Rfc3339`, `Iso8601::DEFAULT`, naive `Iso8601::DEFAULT`)
//! reads to the instant `time` read. The `time` comparison ran outside this crate (the tests
//! crate has no `time` dependency): a scratch binary compiled `values/iso8601.rs` next to
//! `time` 0.3.55 with its readers and compared 5.1 million generated texts (a grid of years,
//! date forms, separators, times, fractions and offsets) and 3 million mutations of valid ones.
//! What it found is pinned here as literals (`TIME_READ`, and the defects below). Real HTTP to
//! loopback servers only; every loop bounded in count and time.
//!
//! Round 8 found five defects (marked "Was a defect" or "Found in round 8" below): three are
//! fixed, two are kept as documented behaviour; the other tests held.
//!
//! Differences from `time` found and not counted as defects: `time`'s RFC 3339 reader took any
//! one byte as the date/time separator (`2019-11-04X11:04:13Z`, even a NUL), the new reader only
//! `T`, `t` and a space (its own unit test refuses `X` on purpose); the new reader also takes
//! forms `time` refused (a space separator, leap seconds in ISO 8601 forms, offsets with
//! seconds, more than nine fraction digits with `Z`, six-digit years, and a mixed basic/extended
//! time `T1030:00`), all of which read to a sensible instant and round-trip.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::panic::catch_unwind;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use close_sdk::custom_fields::{CustomFieldChanges, CustomFieldId};
use close_sdk::types::User;
use close_sdk::{
    Client, Date, DateOrTimestamp, Error, Method, RetryPolicy, RolesExt as _, Timestamp,
};
use close_sdk_tests::loopback_server::{LoopbackServer, Reply};
use close_sdk_tests::shown;
use serde_json::{json, Value};

/// A long API key with characters a key rarely has (kept out of every message).
const ODD_KEY: &str = "api_ключ-ü€😀/+=?%&;'\"<>|~^`{}[]_9f3c1e7a2b6d4f8e0a1c3e5b7d9f2a4c";

const LIMIT: Duration = Duration::from_secs(30);

async fn bounded<F: std::future::Future>(f: F) -> F::Output {
    tokio::time::timeout(LIMIT, f)
        .await
        .expect("bounded in time")
}

fn client_with(base: &str, key: &str) -> Client {
    Client::builder()
        .api_key(key)
        .base_url(base)
        .timeout(Duration::from_secs(10))
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client")
}

fn client(base: &str) -> Client {
    client_with(base, ODD_KEY)
}

fn ts(text: &str) -> Timestamp {
    text.parse()
        .unwrap_or_else(|e| panic!("{text:?} should parse: {e}"))
}

fn hash_of<T: Hash>(v: &T) -> u64 {
    let mut h = DefaultHasher::new();
    v.hash(&mut h);
    h.finish()
}

/// Parses `text` as a `Timestamp`, a `Date` and a `DateOrTimestamp`, each under
/// `catch_unwind`: `Err(())` if any of them panicked, else whether the `Timestamp` parsed.
fn parse_all(text: &str) -> Result<Option<Timestamp>, ()> {
    let t = catch_unwind(|| text.parse::<Timestamp>().ok()).map_err(|_| ())?;
    catch_unwind(|| text.parse::<Date>().ok()).map_err(|_| ())?;
    catch_unwind(|| text.parse::<DateOrTimestamp>().ok()).map_err(|_| ())?;
    Ok(t)
}

/// What parses is written back as it came: `Display`, `as_str` and serde all give `text`, and
/// serde reads it to the same instant.
fn assert_round_trip(text: &str, t: &Timestamp) {
    assert_eq!(t.to_string(), text);
    assert_eq!(t.as_str(), text);
    assert_eq!(serde_json::to_value(t).unwrap(), json!(text));
    let back: Timestamp = serde_json::from_value(json!(text)).unwrap();
    assert_eq!(&back, t, "{text:?}");
    assert_eq!(
        back.offset_date_time().offset(),
        t.offset_date_time().offset()
    );
    assert_eq!(back.is_naive(), t.is_naive());
}

// ---------------------------------------------------------------------------------------------
// Defects.
// ---------------------------------------------------------------------------------------------

/// Was a defect (found in round 8, fixed): a leap second (`:60`) whose UTC instant falls outside `time`'s
/// range (year 9999 with a negative offset, year -9999 with a positive one) panics the reader:
/// `iso8601::parse` checks the leap second with `at.to_offset(UtcOffset::UTC)`, which panics
/// ("local datetime out of valid range") when the UTC date-time is not representable. `time`'s
/// readers refused these texts (its leap-second check uses `to_offset_raw`). Reached by
/// `Timestamp`, `Date` and `DateOrTimestamp` parsing and by serde decoding of every generated
/// type with a timestamp member, so a server's response can panic the caller's task (next test).
/// Fix: `checked_to_offset(UtcOffset::UTC)` (None → refuse) in `iso8601::parse`.
#[test]
fn a_leap_second_at_the_end_of_the_range_is_refused_without_panicking() {
    for text in [
        "9999-12-31T23:59:60-01:00",
        "9999-12-31T23:59:60.5-25:59",
        "99991231T235960-0001",
        "+009999-W52-5T23:59:60-01:00",
        "9999-365T23:59:60-12:00",
        "-009999-01-01T00:59:60+01:00",
        "-009999-01-01T00:00:60+00:01",
        "-009999-001T00:59:60+01",
    ] {
        let got = parse_all(text);
        assert_eq!(got.map(|t| t.is_some()), Ok(false), "{text:?}");
    }
}

/// Was a defect (fixed): the same through the client: a `User` whose `date_created` is
/// `9999-12-31T23:59:60-01:00` panics the task awaiting `send::<User>()` instead of returning
/// `Error::Decode`. Fix as above.
#[tokio::test]
async fn a_servers_out_of_range_leap_second_is_a_decode_error_not_a_panic() {
    let server = LoopbackServer::start(|_| {
        Reply::json(
            200,
            &json!({"id": "user_1", "date_created": "9999-12-31T23:59:60-01:00"}),
        )
    })
    .await;
    let base = server.base_url();
    let task = tokio::spawn(async move {
        let c = client(&base);
        c.request(Method::GET, "user/{id}/")
            .param("id", "user_1")
            .send::<User>()
            .await
            .map(|_| ())
            .map_err(|e| (matches!(e, Error::Decode { .. }), e.to_string()))
    });
    let joined = bounded(task).await;
    assert!(
        !joined.as_ref().is_err_and(|e| e.is_panic()),
        "the decoding task panicked"
    );
    let (is_decode, message) = joined
        .unwrap()
        .expect_err("not a timestamp time would read");
    assert!(is_decode, "{message}");
    assert!(message.contains("date_created"), "{message}");
}

/// Was a defect (fixed): a leap second was taken wherever its UTC hour and minute are
/// 23:59 on a month's last day, without checking the second: with an offset that has seconds,
/// `2016-12-31T23:59:60+00:00:30` is read as 23:59:29.999999999 UTC, half a minute before any
/// leap second. `time` required 23:59:59.999999999 UTC (`is_valid_leap_second_stand_in`), and
/// the module docs promise a leap second "only where RFC 3339 allows one". Fix: also require
/// `utc.second() == 59` in `iso8601::parse`.
#[test]
fn a_leap_second_is_read_only_at_23_59_60_utc() {
    for text in [
        "2016-12-31T23:59:60+00:00:30",
        "2016-12-31T23:59:60+00:00:01",
        "2024-02-29T23:59:60.5+00:00:59",
    ] {
        assert!(text.parse::<Timestamp>().is_err(), "{text:?}");
    }
    // The legitimate ones still read.
    for text in ["2016-12-31T23:59:60Z", "2017-01-01T00:59:60+01:00"] {
        assert_eq!(ts(text).unix_timestamp(), 1_483_228_799, "{text}");
    }
}

/// Found in round 8, kept as a documented change: `time`'s ISO 8601 reader rounded a seconds
/// fraction of more than nine digits to the nearest nanosecond, its RFC 3339 reader truncated;
/// close-sdk's reader always rounds down (`values/iso8601.rs`, CHANGELOG), so a text only the
/// ISO 8601 reader took may read one nanosecond earlier than it did (`…13.1234567895+0100`:
/// `.123456789`, was `.123456790`).
#[test]
fn long_seconds_fractions_round_down_to_the_nanosecond() {
    for (text, nanos) in [
        ("2019-11-04T11:04:13.1234567895+0100", 123_456_789),
        ("2019-11-04T11:04:13.5999999999+0100", 599_999_999),
        ("2019-11-04T11:04:13.9999999099-25:59", 999_999_909),
        ("2019-11-04T11:04:13.0000000019", 1),
    ] {
        assert_eq!(ts(text).offset_date_time().nanosecond(), nanos, "{text}");
    }
}

/// Found in round 8 (older than this session): the docs said the text Close sent is written back
/// unchanged, but whitespace around it is dropped. Kept, and the docs now say so: surrounding
/// whitespace is not part of a timestamp, and a value read from a CSV cell is sent without it.
#[test]
fn whitespace_around_a_timestamp_is_dropped_as_documented() {
    for (text, kept) in [
        (" 2024-01-02T03:04:05Z", "2024-01-02T03:04:05Z"),
        ("2024-01-02T03:04:05Z\n", "2024-01-02T03:04:05Z"),
        ("\u{3000}2024-01-02T03:04:05", "2024-01-02T03:04:05"),
    ] {
        let t: Timestamp = serde_json::from_value(json!(text)).unwrap();
        assert_eq!(serde_json::to_value(&t).unwrap(), json!(kept), "{text:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// What held: the reader.
// ---------------------------------------------------------------------------------------------

/// Texts `time` 0.3.55's readers took, with the instant (Unix nanoseconds), offset (seconds) and
/// naivety they read (computed by `time` in the scratch comparison).
const TIME_READ: &[(&str, i128, i32, bool)] = &[
    (
        "2013-02-01T00:54:51.097000+00:00",
        1359680091097000000,
        0,
        false,
    ),
    ("2019-11-04T11:04:13.014979", 1572865453014979000, 0, true),
    (
        "2024-02-29T23:59:59.999999999-23:59",
        1709337539999999999,
        -86340,
        false,
    ),
    (
        "0000-01-01T00:00:00+23:59",
        -62167305540000000000,
        86340,
        false,
    ),
    (
        "9999-12-31T23:59:59.999999999-23:59",
        253402387139999999999,
        -86340,
        false,
    ),
    (
        "0000-01-01T00:00:00+25:59",
        -62167312740000000000,
        93540,
        false,
    ),
    (
        "9999-12-31T23:59:59-25:59",
        253402394339000000000,
        -93540,
        false,
    ),
    ("+002024-03-05T10:30:00Z", 1709634600000000000, 0, false),
    (
        "-000001-12-31T23:00:00+01:00",
        -62167226400000000000,
        3600,
        false,
    ),
    ("2020-W53-7T12:00:00Z", 1609675200000000000, 0, false),
    ("2020W537T12Z", 1609675200000000000, 0, false),
    ("2024-366T00:00:00Z", 1735603200000000000, 0, false),
    ("2024366T0000Z", 1735603200000000000, 0, false),
    (
        "2023-365T23:59:59.5+05:30",
        1704047399500000000,
        19800,
        false,
    ),
    ("2024-03-05T10.5Z", 1709634600000000000, 0, false),
    (
        "2024-03-05T10:30.25-0130",
        1709640015000000000,
        -5400,
        false,
    ),
    ("2024-03-05T1030.5+01", 1709631030000000000, 3600, false),
    ("2016-12-31T23:59:60Z", 1483228799999999999, 0, false),
    (
        "2017-01-01T00:59:60+01:00",
        1483228799999999999,
        3600,
        false,
    ),
    (
        "2016-12-31T18:59:60-05:00",
        1483228799999999999,
        -18000,
        false,
    ),
    ("2015-06-30T23:59:60.123Z", 1435708799999999999, 0, false),
    ("2024-02-29T23:59:60+00:00", 1709251199999999999, 0, false),
    ("2024-03-05T10:30:00,5Z", 1709634600500000000, 0, false),
    ("2024-03-05t10:30:00z", 1709634600000000000, 0, false),
    ("2024-03-05 10:30:00Z", 1709634600000000000, 0, false),
    (
        "2024-03-05T10:30:00.1234567894+0100",
        1709631000123456789,
        3600,
        false,
    ),
    ("2024-03-05T10.1234567891Z", 1709633244444440760, 0, false),
    (
        "2024-03-05T10:59.9999999999Z",
        1709636399999999994,
        0,
        false,
    ),
    ("2024-03-05T23.9999999999Z", 1709683199999999640, 0, false),
    ("00000101T000000Z", -62167219200000000000, 0, false),
    (
        "99991231T235959.999999999-2559",
        253402394339999999999,
        -93540,
        false,
    ),
    (
        "2024-03-05T10:30:00.000000001",
        1709634600000000001,
        0,
        true,
    ),
    ("2024-03-05T10:30", 1709634600000000000, 0, true),
];

#[test]
fn what_time_read_is_read_to_the_same_instant_and_written_back() {
    for &(text, nanos, offset, naive) in TIME_READ {
        let t = ts(text);
        let at = t.offset_date_time();
        assert_eq!(at.unix_timestamp_nanos(), nanos, "{text}");
        assert_eq!(at.offset().whole_seconds(), offset, "{text}");
        assert_eq!(t.is_naive(), naive, "{text}");
        assert_round_trip(text, &t);
        // Written as RFC 3339 and read back: the same instant and offset.
        let written = Timestamp::from(at);
        let again = ts(written.as_str());
        assert_eq!(again, t, "{text} -> {written}");
        assert_eq!(again.offset_date_time().offset(), at.offset(), "{text}");
        assert_eq!(again.as_str(), written.as_str());
    }
}

/// Hostile texts never panic (not as `Timestamp`, `Date` nor `DateOrTimestamp`), and what
/// parses is written back as it came.
#[test]
fn hostile_texts_never_panic_and_what_parses_round_trips() {
    let refused = [
        "",
        "2",
        "T",
        "Z",
        "-",
        "+",
        "\u{0}",
        "é",
        "2024-01-01T00:00:00\u{0}",
        "2024-01-01\u{0}00:00:00Z",
        "2024-01-01T00:00\u{0}00Z",
        "2024-01-01é00:00:00Z",
        "2024-01-01\u{2009}00:00:00Z",
        "2024-01-01T00：00：00Z",
        "2024−01−01T00:00:00Z",
        "٢٠٢٤-01-01T00:00:00Z",
        "２０２４-01-01T00:00:00Z",
        "2024-01-01T00:00:0٠Z",
        "2024-01-01T00:00:00+0١:00",
        "2024-01-01T00:00:00+26:00",
        "2024-01-01T00:00:00-26:00",
        "2024-01-01T00:00:00+25:60",
        "2024-01-01T00:00:00+25:59:60",
        "2024-01-01T00:00:00+99:99",
        "2024-01-01T00:00:00+2",
        "2024-01-01T00:00:00+2500:00",
        "2021-W53-1T00:00:00Z",
        "2021W531T00Z",
        "2024-W00-1T00:00:00Z",
        "2024-W54-1T00:00:00Z",
        "2024-W01-0T00:00:00Z",
        "2024-W01-8T00:00:00Z",
        "2023-366T00:00:00Z",
        "2023366T00Z",
        "2024-367T00:00:00Z",
        "2024-000T00:00:00Z",
        "+010000-01-01T00:00:00Z",
        "+099999-01-01T00:00:00Z",
        "-010000-01-01T00:00:00Z",
        "+2024-01-01T00:00:00Z",
        "+0002024-01-01T00:00:00Z",
        "20240-01-01T00:00:00Z",
        "2024-01-01T24:00:00Z",
        "2024-01-01T23:60:00Z",
        "2024-01-01T23:59:61Z",
        "2024-01-01T23:59:60",
        "2016-12-31T23:59:60",
        "2016-12-30T23:59:60Z",
        "2016-12-31T23:58:60Z",
        "2016-12-31T23:59:60+01:00",
        "2024-01-01T10.Z",
        "2024-01-01T10:.5Z",
        "2024-01-01T10:30:00.Z",
        "2024-01-01T10:30:00..5Z",
        "2024-01-01T10:30:00.5.5Z",
        "2024-01-01T10:30:00.-5Z",
        "2024-01-01T10:30:00.+5Z",
        "2024-01-01T24.5Z",
        "2024-01-01TZ",
        "2024-01-01T",
        "2024-01-01",
        "T10:30:00Z",
        "10:30:00Z",
        "2024-01-01T10:30:00ZZ",
        "2024-01-01T10:30:00Z+01:00",
        "2024-01-01T10:30:00+01:00Z",
        "2024-01-01T10:30:00+01:00:00:00",
        "2024-01-01TT10:30:00Z",
        "2024-01-01T10:30:00 Z",
        "2024-01-01T10:30:00 +01:00",
        "2024-1-01T10:30:00Z",
        "2024-01-1T10:30:00Z",
        "2024-0101T10:30:00Z",
        "202401-01T10:30:00Z",
        "2024-01-01T1030:00Z",
        "2024-01-01T10:3000Z",
        "2024-01-01T10:30:00+0100:30",
    ];
    for text in refused {
        match parse_all(text) {
            Err(()) => panic!("{text:?} panicked"),
            Ok(Some(t)) => {
                // Mixed basic/extended forms the reader takes: no harm if it reads them, as
                // long as they round-trip (listed in the report).
                assert_round_trip(text, &t);
                eprintln!("read (not refused): {text:?} -> {}", t.offset_date_time());
            }
            Ok(None) => {}
        }
    }
    let accepted = [
        "2020-W53-7T00:00:00Z",
        "2024-366T23:59:59Z",
        "0000-01-01T00:00:00+25:59",
        "0000-01-01T00:00:00-25:59",
        "9999-12-31T23:59:59.999999999+25:59",
        "9999-12-31T23:59:59.999999999-25:59",
        "+000000-01-01T00:00:00Z",
        "-000000-01-01T00:00:00Z",
        "-000001-01-01T00:00:00Z",
        "+009999-12-31T23:59:59Z",
        "-009999-01-01T00:00:00Z",
        "-009999-01-01T00:00:00+25:59:59",
        "+009999-12-31T23:59:59-25:59:59",
        "2024-01-01T10.5",
        "2024-01-01T10:30.5",
        "2024-01-01T10,999999999999999999999999Z",
        "2024-01-01T23:59.999999999999999999999Z",
        "2024-01-01T00:00:00.000000000000000000001Z",
        "2016-12-31T23:59:60.999999999999Z",
        "9999-12-31T23:59:60Z",
        "9999-12-31T22:59:60-01:00",
        "2024-01-01T00:00:00-00:00",
        "2024-01-01T00:00:00+00:00:01",
    ];
    for text in accepted {
        let t = parse_all(text)
            .unwrap_or_else(|()| panic!("{text:?} panicked"))
            .unwrap_or_else(|| panic!("{text:?} should parse"));
        assert_round_trip(text, &t);
        let written = Timestamp::from(t.offset_date_time());
        assert_eq!(ts(written.as_str()), t, "{text} -> {written}");
    }
    // Fractions beyond the nanosecond are rounded down, and a fraction of an hour or minute
    // carries into the smaller parts without reaching the next hour.
    assert_eq!(
        ts("2024-01-01T10,999999999999999999999999Z")
            .offset_date_time()
            .time(),
        ts("2024-01-01T10:59:59.999999999Z")
            .offset_date_time()
            .time()
    );
    assert_eq!(
        ts("2024-01-01T00:00:00.000000000000000000001Z").unix_timestamp(),
        ts("2024-01-01T00:00:00Z").unix_timestamp()
    );
}

/// Every truncation of a valid timestamp by 1 to 3 characters (at the end, at the start, and
/// every run of 1 to 3 characters cut out of the middle) neither panics nor, when it still
/// parses, fails to round-trip.
#[test]
fn truncations_of_valid_timestamps_never_panic() {
    let valid = [
        "2013-02-01T00:54:51.097000+00:00",
        "2019-11-04T11:04:13.014979",
        "2016-12-31T23:59:60Z",
        "9999-12-31T23:59:59.999999999-25:59",
        "+009999-W52-5T23:59:59-01:00",
        "-009999-001T00:00:00+25:59:59",
        "20161231T235960Z",
        "2024W011T10.5Z",
    ];
    let mut tried = 0;
    for text in valid {
        let chars: Vec<char> = text.chars().collect();
        for cut in 1..=3 {
            for start in 0..=chars.len().saturating_sub(cut) {
                let s: String = chars[..start].iter().chain(&chars[start + cut..]).collect();
                tried += 1;
                match parse_all(&s) {
                    Err(()) => panic!("{s:?} (cut from {text:?}) panicked"),
                    Ok(Some(t)) => assert_round_trip(&s, &t),
                    Ok(None) => {}
                }
            }
        }
    }
    assert!(tried > 500, "{tried}");
}

/// Megabytes of fraction digits are read in bounded time, rounded down to the nanosecond, kept
/// verbatim, and decode inside a generated type.
#[test]
fn a_megabyte_fraction_is_read_in_bounded_time() {
    let mut text = String::from("2024-01-02T03:04:05.");
    text.push_str(&"9".repeat(4 << 20));
    text.push_str("+01:00");
    let started = Instant::now();
    let t = ts(&text);
    assert_eq!(t.offset_date_time().nanosecond(), 999_999_999);
    assert_eq!(t.as_str().len(), text.len());
    let body =
        json!({"id": "user_1", "date_created": text, "date_updated": "2024-01-02T03:04:05."});
    // A fraction with no digit is refused: the member is named, and the message is bounded by
    // the refused value (a few bytes), not by the other member's 4 MB.
    let e = serde_json::from_value::<User>(body.clone()).expect_err("date_updated has no digits");
    assert!(e.to_string().contains("2024-01-02T03:04:05."), "{e}");
    assert!(e.to_string().len() < 1000);
    let mut ok = body;
    ok["date_updated"] = json!("2024-01-02T03:04:05Z");
    let user: User = serde_json::from_value(ok.clone()).unwrap();
    assert_eq!(user.date_created.as_ref(), Some(&t));
    assert_eq!(serde_json::to_value(&user).unwrap(), ok);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );

    // Fractions on hours and minutes too.
    let mut hours = String::from("2024-01-02T03.");
    hours.push_str(&"5".repeat(1 << 20));
    hours.push('Z');
    let t = ts(&hours);
    // 0.555… h = 33 min 20 s (just under).
    let at = t.offset_date_time();
    assert_eq!((at.hour(), at.minute(), at.second()), (3, 33, 19));
    assert_eq!(at.nanosecond(), 999_999_999);
}

// ---------------------------------------------------------------------------------------------
// What held: the writer, and Eq/Ord/Hash.
// ---------------------------------------------------------------------------------------------

/// `Timestamp::from(OffsetDateTime)` at `time`'s extremes and with odd offsets (seconds, ±25:59:59)
/// is written as text that reads back to the same instant, offset and text.
#[test]
fn extreme_date_times_written_read_back_exactly() {
    let max = ts("9999-12-31T23:59:59.999999999Z").offset_date_time();
    let min = ts("-009999-01-01T00:00:00Z").offset_date_time();
    let epoch = ts("1970-01-01T00:00:00Z").offset_date_time();
    let year_0 = ts("0000-01-01T00:00:00Z").offset_date_time();
    let offsets: Vec<_> = [
        "Z",
        "+25:59:59",
        "-25:59:59",
        "+00:00:01",
        "-00:00:01",
        "+05:45",
        "-09:30:15",
        "+14:00",
        "-12:00",
    ]
    .iter()
    .map(|o| {
        ts(&format!("2000-01-01T00:00:00{o}"))
            .offset_date_time()
            .offset()
    })
    .collect();
    let mut checked = 0;
    for base in [max, min, epoch, year_0] {
        for &offset in &offsets {
            // The same local date-time in another offset (may leave `time`'s UTC range) and,
            // where representable, the same instant in another offset.
            let mut candidates = vec![base.replace_offset(offset)];
            if let Some(moved) = base.checked_to_offset(offset) {
                candidates.push(moved);
            }
            for at in candidates {
                let written = Timestamp::from(at);
                let text = written.to_string();
                let back = parse_all(&text)
                    .unwrap_or_else(|()| panic!("{text:?} panicked"))
                    .unwrap_or_else(|| panic!("{text:?} (written) does not read back"));
                assert_eq!(back.offset_date_time(), at, "{text}");
                assert_eq!(back.offset_date_time().offset(), at.offset(), "{text}");
                assert_eq!(back.to_string(), text);
                assert_eq!(back, written);
                assert_eq!(hash_of(&back), hash_of(&written));
                assert!(!back.is_naive());
                checked += 1;
            }
        }
    }
    assert!(checked >= 50, "{checked}");
    // The forms the writer chooses.
    assert_eq!(Timestamp::from(min).to_string(), "-009999-01-01T00:00:00Z");
    assert_eq!(
        Timestamp::from(max).to_string(),
        "9999-12-31T23:59:59.999999999Z"
    );
    assert_eq!(
        Timestamp::from(epoch.replace_offset(offsets[6])).to_string(),
        "1970-01-01T00:00:00-09:30:15"
    );
}

/// Equal instants in different offsets (and naive vs `Z`) are equal, hash alike and order
/// alike; order follows the instant, also across the year 0 and 9999 boundaries.
#[test]
fn eq_ord_and_hash_agree_on_the_instant() {
    let same = [
        "2024-01-01T00:00:00Z",
        "2024-01-01T00:00:00",
        "2024-01-01T00:00:00+00:00",
        "2024-01-01T00:00:00-00:00",
        "2024-01-01T01:00:00+01:00",
        "2023-12-31T22:59:00-01:01",
        "2024-01-02T01:59:59+25:59:59",
        "2023-12-30T22:00:01-25:59:59",
        "2024-001T00Z",
        "2024-W01-1T00:00Z",
        "20240101T000000.000000000000Z",
        "2023-12-31T23:60",
    ];
    let first = same
        .iter()
        .find_map(|s| s.parse::<Timestamp>().ok())
        .unwrap();
    for text in same {
        let Ok(t) = text.parse::<Timestamp>() else {
            // `23:60` is refused; everything else must read.
            assert_eq!(text, "2023-12-31T23:60");
            continue;
        };
        assert_eq!(t, first, "{text}");
        assert_eq!(t.cmp(&first), std::cmp::Ordering::Equal, "{text}");
        assert_eq!(hash_of(&t), hash_of(&first), "{text}");
        assert_eq!(
            DateOrTimestamp::from(t.clone()),
            DateOrTimestamp::from(first.clone())
        );
        assert_eq!(
            hash_of(&DateOrTimestamp::from(t.clone())),
            hash_of(&DateOrTimestamp::from(first.clone()))
        );
    }
    // Ordered by instant, whatever the text's offset.
    let ordered = [
        "-009999-01-01T00:00:00+25:59",
        "-009999-01-01T00:00:00Z",
        "0000-01-01T00:00:00+00:00:01",
        "-000001-12-31T23:59:59.999999999Z",
        "0000-01-01T00:00:00Z",
        "0000-01-01T00:00:00.000000001Z",
        "2016-12-31T23:59:59.999999998Z",
        "2016-12-31T23:59:60Z",
        "2017-01-01T00:00:00Z",
        "9999-12-31T23:59:59.999999999+25:59",
        "9999-12-31T23:59:59Z",
        "9999-12-31T23:59:59.999999999Z",
        "9999-12-31T23:59:59.999999999-25:59",
    ];
    let parsed: Vec<Timestamp> = ordered.iter().map(|s| ts(s)).collect();
    for w in parsed.windows(2) {
        assert!(w[0] < w[1], "{} < {}", w[0], w[1]);
        assert!(
            w[0].offset_date_time().unix_timestamp_nanos()
                < w[1].offset_date_time().unix_timestamp_nanos()
        );
        assert_ne!(hash_of(&w[0]), hash_of(&w[1]));
    }
    let mut shuffled = parsed.clone();
    shuffled.reverse();
    shuffled.sort();
    assert_eq!(
        shuffled.iter().map(|t| t.to_string()).collect::<Vec<_>>(),
        ordered
    );
}

/// A generated type holding a timestamp decodes as before 0d916a8: a valid one (naive, leap,
/// odd offset, six-digit year) is kept verbatim and nothing is invented on the way back; one
/// that does not parse is a decode error naming the member (Timestamp members are strict, not
/// lenient, and were before), never a silently dropped or altered value.
#[tokio::test]
async fn a_generated_type_keeps_its_timestamps_and_names_a_bad_one() {
    for text in [
        "2019-11-04T11:04:13.014979",
        "2016-12-31T23:59:60Z",
        "2024-01-02T03:04:05.000000000+00:00:30",
        "+002024-01-02T03:04:05,5-25:59",
        "2024-W01-2T03Z",
    ] {
        let body = json!({"id": "user_1", "date_created": text, "date_updated": null, "zz": 1});
        let user: User = serde_json::from_value(body.clone()).unwrap();
        assert_eq!(user.date_created.as_ref().unwrap().as_str(), text);
        assert_eq!(user.date_updated, None);
        assert_eq!(serde_json::to_value(&user).unwrap(), body, "{text}");
    }
    let server = LoopbackServer::start(|r| {
        let bad = if r.path.contains("user_2") {
            "2021-W53-1T00:00:00Z"
        } else {
            "2023-366T00:00:00Z"
        };
        Reply::json(200, &json!({"id": "user_1", "date_created": bad}))
    })
    .await;
    let c = client(&server.base_url());
    for id in ["user_1", "user_2"] {
        let e = bounded(
            c.request(Method::GET, "user/{id}/")
                .param("id", id)
                .send::<User>(),
        )
        .await
        .expect_err("not a date");
        assert!(matches!(e, Error::Decode { .. }), "{e:?}");
        let m = e.to_string();
        assert!(m.contains("date_created"), "{m}");
        assert!(!shown(&e).contains(ODD_KEY));
    }
}

// ---------------------------------------------------------------------------------------------
// 3336cd9: `#[inline]` hand-written calls, through the public API over loopback.
// ---------------------------------------------------------------------------------------------

/// A request the loopback server saw: method, path and query, body.
type Seen = Arc<Mutex<Vec<(String, String, Vec<u8>)>>>;

#[tokio::test]
async fn inlined_hand_written_calls_work_downstream() {
    let seen: Seen = Arc::default();
    let log = seen.clone();
    let server = LoopbackServer::start(move |r| {
        log.lock()
            .unwrap()
            .push((r.method.clone(), r.path.clone(), r.body.clone()));
        let path = r.path.split('?').next().unwrap_or("");
        match path {
            "/group/" => Reply::json(
                200,
                &json!({"data": [{"id": "group_1", "name": "Sales"}, {"id": "group_2", "name": "Support"}], "has_more": false}),
            ),
            "/role/" => Reply::json(
                200,
                &json!({"data": [{"id": "admin", "name": "Admin"}, {"id": "role_x", "name": "Closer"}], "has_more": false}),
            ),
            "/user/user_1/" => Reply::json(
                200,
                &json!({"id": "user_1", "date_created": "2019-11-04T11:04:13.014979"}),
            ),
            _ => Reply::json(200, &json!({"id": "lead_1"})),
        }
    })
    .await;
    let c = client(&server.base_url());

    let found = bounded(c.groups().by_name(" Support "))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.id.as_deref(), Some("group_2"));
    assert!(bounded(c.groups().by_name("Nobody"))
        .await
        .unwrap()
        .is_none());
    let roles = bounded(c.all_roles()).await.unwrap();
    assert_eq!(roles.len(), 2);

    let user: Value = bounded(
        c.request(Method::GET, "user/{id}/")
            .param("id", "user_1")
            .send::<Value>(),
    )
    .await
    .unwrap();
    assert_eq!(user["date_created"], "2019-11-04T11:04:13.014979");

    // A datetime custom field set from an instant with an odd offset: written as the
    // `Timestamp`'s text.
    let at = ts("2000-01-01T00:00:00-09:30:15")
        .offset_date_time()
        .replace_nanosecond(5)
        .unwrap();
    let mut changes = CustomFieldChanges::new();
    changes
        .set(CustomFieldId::new("cf_when").unwrap(), Timestamp::from(at))
        .unwrap()
        .clear(CustomFieldId::new("cf_gone").unwrap())
        .unwrap()
        .add(CustomFieldId::new("cf_tags").unwrap(), "é")
        .unwrap();
    let mut body = serde_json::Map::new();
    body.insert("name".into(), json!("Acme"));
    changes.apply_to(&mut body);
    bounded(
        c.request(Method::PUT, "lead/{id}/")
            .param("id", "lead_1")
            .json(&body)
            .send::<Value>(),
    )
    .await
    .unwrap();
    let seen = seen.lock().unwrap().clone();
    let (method, path, sent) = seen.last().unwrap();
    assert_eq!((method.as_str(), path.as_str()), ("PUT", "/lead/lead_1/"));
    let sent: Value = serde_json::from_slice(sent).unwrap();
    assert_eq!(
        sent,
        json!({
            "name": "Acme",
            "custom.cf_when": "2000-01-01T00:00:00.000000005-09:30:15",
            "custom.cf_gone": null,
            "custom.cf_tags.add": "é",
        })
    );
}

// ---------------------------------------------------------------------------------------------
// badced6: base64 0.23 for the API key's Basic header.
// ---------------------------------------------------------------------------------------------

/// RFC 4648 base64 with padding, written out here so the check does not share the SDK's crate.
fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[tokio::test]
async fn the_basic_header_is_exactly_the_key_and_a_colon_in_base64_and_never_shown() {
    assert_eq!(base64(b"api_x:"), "YXBpX3g6");
    assert_eq!(base64(b"ab"), "YWI=");
    assert_eq!(base64(b"a"), "YQ==");
    let headers: Arc<Mutex<Vec<String>>> = Arc::default();
    let log = headers.clone();
    let server = LoopbackServer::start(move |r| {
        let auth = r.header("authorization").unwrap_or("").to_string();
        log.lock().unwrap().push(auth.clone());
        // A hostile server echoes the header and the key it decodes.
        Reply::json(
            401,
            &json!({"error": format!("bad credentials {auth}"), "field-errors": {"key": auth}}),
        )
    })
    .await;
    let keys = [
        ODD_KEY.to_string(),
        // Lengths that leave 0, 1 and 2 padding characters after the colon.
        format!("{ODD_KEY}a"),
        format!("{ODD_KEY}ab"),
        "k".to_string(),
        "kk".to_string(),
        "api_with:colon:inside_0123456789abcdef0123456789".to_string(),
    ];
    for key in &keys {
        let c = client_with(&server.base_url(), key);
        let e = bounded(c.request(Method::GET, "me/").send::<Value>())
            .await
            .expect_err("401");
        let sent = headers.lock().unwrap().last().cloned().unwrap();
        assert_eq!(
            sent,
            format!("Basic {}", base64(format!("{key}:").as_bytes())),
            "{key:?}"
        );
        if key.len() > 20 {
            let encoded = base64(format!("{key}:").as_bytes());
            for out in [
                shown(&e),
                format!("{c:?}"),
                format!("{:?}", close_sdk::Credentials::api_key(key.clone())),
            ] {
                assert!(!out.contains(key.as_str()), "key shown: {out}");
                assert!(!out.contains(&encoded), "encoded key shown: {out}");
            }
        }
    }
    assert_eq!(headers.lock().unwrap().len(), keys.len());
}
