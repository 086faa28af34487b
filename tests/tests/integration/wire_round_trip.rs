//! Round trips through the generated serde impls (`Extra`, remembered nulls, lenient numbers,
//! unknown string enum values): each test reproduced a defect (now fixed, kept as a regression), except one
//! documented limitation, ignored.

use close_sdk::types::{Lead, Opportunity, OutcomeType};
use serde_json::json;

/// A server that sends a key twice, first `null` then a value (`{"url":null,"url":"x"}`,
/// which serde_json's own `Value` reads as `"url":"x"`), yields a `Lead` whose typed field is
/// set *and* whose `extra` still remembers the `null` (`wire::field` sets the value but never
/// forgets the bit). Encoding writes only `"url":"x"`, so decode → encode → decode gives a
/// value that is not `==` to the first one: the round trip is not stable, and a later
/// `lead.url = None` resurrects a `"url": null` the server's final word never said.
#[test]
fn duplicate_key_null_then_value_is_not_round_trip_stable() {
    let first: Lead =
        serde_json::from_str(r#"{"id":"lead_1","url":null,"url":"https://a.example"}"#).unwrap();
    assert_eq!(first.url.as_deref(), Some("https://a.example"));
    let encoded = serde_json::to_string(&first).unwrap();
    let again: Lead = serde_json::from_str(&encoded).unwrap();
    assert_eq!(
        first, again,
        "decode → encode ({encoded}) → decode changed the value: {:?} vs {:?}",
        first.extra, again.extra
    );
    // The server's last word for `url` was a value, not null.
    assert!(
        !first.extra.sent_null("url"),
        "stale remembered null for `url`"
    );
}

/// Integer fields accept "integral floats", but the check runs on the f64 *after* rounding:
/// `9007199254740993.5` (as a JSON number or as a numeric string) rounds to the integral f64
/// `9007199254740994.0` and is silently accepted as `Opportunity::value = 9007199254740994`,
/// although `1.5` is refused as non-integral. `wire::integral` / `Number::from_text` should
/// refuse (or only accept floats whose text is exactly integral): this is a lossy decode of a
/// money field the module's own test calls "lenient but not lossy".
#[test]
fn integer_field_silently_rounds_non_integral_big_float() {
    assert!(serde_json::from_str::<Opportunity>(r#"{"value":1.5}"#).is_err());
    let number = serde_json::from_str::<Opportunity>(r#"{"value":9007199254740993.5}"#);
    assert!(
        number.is_err(),
        "a non-integral number decoded as an integer: {:?}",
        number.map(|o| o.value)
    );
    let text = serde_json::from_str::<Opportunity>(r#"{"value":"9007199254740993.5"}"#);
    assert!(
        text.is_err(),
        "a non-integral numeric string decoded as an integer: {:?}",
        text.map(|o| o.value)
    );
}

/// An unknown key holding an integer beyond u64 (Close's backend is Python, whose `json` writes
/// such integers exactly) is kept in `extra` as an `f64` (serde_json without
/// `arbitrary_precision`), so re-encoding writes `1.2345678901234568e29`: decode → encode does
/// not give the same JSON, and the key's value is silently changed.
#[test]
#[ignore = "limitation: without serde_json's arbitrary_precision (not enabled: it changes Number for every user) an unknown key's integer beyond u64 is kept as f64; see Extra's docs"]
fn unknown_key_big_integer_is_rewritten_on_reencode() {
    let raw = r#"{"id":"lead_1","x_counter":123456789012345678901234567890}"#;
    let lead: Lead = serde_json::from_str(raw).unwrap();
    let encoded = serde_json::to_string(&lead).unwrap();
    assert_eq!(encoded, raw, "the unknown key's value changed on re-encode");
}

/// `Unknown(String)` was a public variant, so a caller could hold `Unknown("custom")`: it
/// encoded exactly as `Custom` but was `!=` to its own round trip (equality and hashing
/// disagreed with the wire). The variant now holds `UnknownOutcomeType`, which only decoding
/// builds (no public constructor: `OutcomeType::Unknown(UnknownOutcomeType("custom".into()))`
/// does not compile outside the SDK), and decoding a known value gives its variant.
#[test]
fn unknown_enum_variant_holding_a_known_value_is_not_round_trip_stable() {
    let known: OutcomeType = serde_json::from_value(json!("custom")).unwrap();
    assert_eq!(known, OutcomeType::Custom);
    let odd: OutcomeType = serde_json::from_value(json!("x-new-kind")).unwrap();
    let OutcomeType::Unknown(u) = &odd else {
        panic!("{odd:?}")
    };
    assert_eq!(u.as_str(), "x-new-kind");
    let encoded = serde_json::to_value(&odd).unwrap();
    assert_eq!(encoded, json!("x-new-kind"));
    let back: OutcomeType = serde_json::from_value(encoded).unwrap();
    assert_eq!(back, odd, "same wire value, different Rust values");
}

/// A remembered `null` lives outside the map `Extra` derefs to, so the map API the type
/// advertises (`clear`, `remove`, `is_empty`) cannot see or forget it: after
/// `lead.extra.clear()` the catch-all reports empty, yet the body still carries `"url":null`,
/// and the lead is `!=` a lead built with the same fields. There is no public way to drop a
/// remembered null short of replacing the whole `Extra`.
#[test]
fn clearing_extra_does_not_forget_remembered_nulls() {
    let mut lead: Lead = serde_json::from_str(r#"{"id":"lead_1","url":null}"#).unwrap();
    assert_eq!(lead.extra.remove("url"), None);
    lead.extra.clear();
    assert!(lead.extra.is_empty());
    assert_eq!(
        serde_json::to_value(&lead).unwrap(),
        json!({"id": "lead_1"}),
        "an empty catch-all still wrote a key"
    );
}

/// serde_json is built without `float_roundtrip`, so its default float parser is off by an ULP
/// for a good share of 17-significant-digit numbers (≈12% of random doubles between 1e-6 and
/// 1e12 in a quick search): Python's `json` writes `0.11977882898877665` exactly, the SDK reads
/// it as `0.11977882898877663` and writes that back. Every float, in `extra` and in typed `f64`
/// fields alike, can change on decode → encode.
#[test]
fn unknown_key_float_changes_on_reencode() {
    for raw in [
        r#"{"id":"lead_1","x_score":0.11977882898877665}"#,
        r#"{"id":"lead_1","x_score":1974.6868496796499}"#,
    ] {
        let lead: Lead = serde_json::from_str(raw).unwrap();
        assert_eq!(serde_json::to_string(&lead).unwrap(), raw);
    }
}
