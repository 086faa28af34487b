//! Issue 19 and 18 over the generated serde impls: the support of the generated property tests
//! (`generated_wire.rs`), the regressions named in issue 19, `_fields` over loopback, and the
//! exact JSON of updates.

use std::collections::BTreeSet;
use std::fmt;

use close_sdk_tests::resources::{request_example, response_example, spec};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde::de::{DeserializeOwned, MapAccess, Visitor};
use serde::Serialize;
use serde_json::{json, Map, Value};

/// Cases per type.
const CASES: u32 = 64;

fn runner() -> TestRunner {
    TestRunner::new(Config {
        cases: CASES,
        failure_persistence: None,
        ..Config::default()
    })
}

/// A small deterministic generator driven by proptest's seed.
struct Mix(u64);

impl Mix {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

/// How deep the mutations of an example go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    /// Every object, at any depth (through arrays).
    All,
    /// The top-level object only (the type contains a hand-written type that keeps required
    /// members: `webhooks::SubscriptionEvent`).
    TopLevel,
}

/// `value` with, in every object (as deep as `depth` says), each key kept, removed or set to
/// `null` as `mix` decides.
fn mutate(value: &Value, mix: &mut Mix, depth: Depth) -> Value {
    match value {
        Value::Object(o) => {
            let mut out = Map::new();
            for (k, v) in o {
                match mix.next() % 5 {
                    0 => {}
                    1 => {
                        out.insert(k.clone(), Value::Null);
                    }
                    _ if depth == Depth::TopLevel => {
                        out.insert(k.clone(), v.clone());
                    }
                    _ => {
                        out.insert(k.clone(), mutate(v, mix, depth));
                    }
                }
            }
            Value::Object(out)
        }
        Value::Array(a) if depth == Depth::All => {
            Value::Array(a.iter().map(|v| mutate(v, mix, depth)).collect())
        }
        other => other.clone(),
    }
}

/// JSON equality where numbers compare by value (`180` and `180.0` are one number: a float
/// member re-encodes an integral example as a float).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y || x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// Decodes `input` as `T` and encodes it again: it must decode, and give back `input` exactly.
fn round_trip<T: DeserializeOwned + Serialize>(what: &str, input: &Value) -> Result<(), String> {
    let typed: T = serde_json::from_value(input.clone())
        .map_err(|e| format!("{what}: {input} does not decode: {e}"))?;
    let back = serde_json::to_value(&typed).map_err(|e| format!("{what}: does not encode: {e}"))?;
    if same(&back, input) {
        Ok(())
    } else {
        Err(format!("{what}: {input}\nre-encodes as {back}"))
    }
}

/// The property over a response type with a documented example: the example, and the example
/// with any keys removed or set to `null` (at any depth), decode and re-encode exactly.
pub fn response_roundtrip<T: DeserializeOwned + Serialize>(
    op: &str,
    method: &str,
    path: &str,
    depth: Depth,
) {
    let example = response_example(method, path);
    if let Err(e) = round_trip::<T>(op, &example) {
        panic!("{e}");
    }
    let result = runner().run(&any::<u64>(), |seed| {
        let mutated = mutate(&example, &mut Mix(seed | 1), depth);
        round_trip::<T>(op, &mutated).map_err(TestCaseError::fail)
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// A top-level object's keys, failing on a repeated one (what `serde_json::Value` would hide).
struct Keys(Vec<String>);

impl<'de> serde::Deserialize<'de> for Keys {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Keys;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Keys, A::Error> {
                let mut seen = BTreeSet::new();
                let mut keys = Vec::new();
                while let Some(k) = map.next_key::<String>()? {
                    let _: serde::de::IgnoredAny = map.next_value()?;
                    if !seen.insert(k.clone()) {
                        return Err(serde::de::Error::custom(format!("key `{k}` repeated")));
                    }
                    keys.push(k);
                }
                Ok(Keys(keys))
            }
        }
        d.deserialize_map(V)
    }
}

fn extra_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        "[a-z:/. ]{0,12}".prop_map(Value::from),
        Just(json!("javascript:alert(1)")),
        Just(json!({"nested": true})),
        Just(json!([1, "x"])),
    ]
}

/// The hostile-caller property of a request type with a catch-all: for arbitrary `extra` keys
/// (every typed key name among them) and values, serialising either fails naming a typed field
/// it was given, or gives an object without a repeated key in which every typed key carries what
/// the typed field carries (or `null` while that field is unset).
pub fn hostile_extra<T: DeserializeOwned + Serialize>(
    op: &str,
    base: Value,
    typed: &[&str],
    extra_of: fn(&mut T) -> &mut Map<String, Value>,
) {
    let start: T = serde_json::from_value(base.clone())
        .unwrap_or_else(|e| panic!("{op}: the base body {base} does not decode: {e}"));
    let plain = serde_json::to_value(&start).unwrap_or_else(|e| panic!("{op}: {e}"));
    let mut names: Vec<String> = typed.iter().map(|s| s.to_string()).collect();
    names.push("custom.cf_1".into());
    names.push("not_typed".into());
    let extras = prop::collection::vec((prop::sample::select(names), extra_value()), 0..6);
    let result = runner().run(&extras, |extras| {
        let mut value: T = serde_json::from_value(plain.clone())
            .map_err(|e| TestCaseError::fail(format!("{op}: {e}")))?;
        for (k, v) in &extras {
            extra_of(&mut value).insert(k.clone(), v.clone());
        }
        let bytes = match serde_json::to_vec(&value) {
            Ok(b) => b,
            Err(e) => {
                let msg = e.to_string();
                let named = extras
                    .iter()
                    .any(|(k, _)| typed.contains(&k.as_str()) && msg.contains(&format!("::{k}`")));
                prop_assert!(
                    named,
                    "{}: refused without naming a typed field: {}",
                    op,
                    msg
                );
                return Ok(());
            }
        };
        let keys: Keys = serde_json::from_slice(&bytes).map_err(|e| {
            TestCaseError::fail(format!("{op}: {e}: {}", String::from_utf8_lossy(&bytes)))
        })?;
        let sent: Value =
            serde_json::from_slice(&bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
        for k in &keys.0 {
            if !typed.contains(&k.as_str()) {
                continue;
            }
            match plain.get(k) {
                Some(v) => prop_assert_eq!(&sent[k], v, "{}: `{}` is not the typed field's", op, k),
                None => prop_assert!(
                    sent[k].is_null(),
                    "{}: `{}` sent {} from extra",
                    op,
                    k,
                    sent[k]
                ),
            }
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// The exact JSON of one `Patch` member of an update body, decoded from JSON: absent is
/// `Unchanged` (no key), `null` is `Clear` (`null`), a value is `Set` (the value).
pub fn patch_member<T: DeserializeOwned + Serialize>(
    op: &str,
    base: Value,
    key: &str,
    set: Option<Value>,
) {
    let Value::Object(base) = base else {
        panic!("{op}: base is not an object");
    };
    let mut cases = vec![(base.clone(), "unchanged")];
    let mut cleared = base.clone();
    cleared.insert(key.to_string(), Value::Null);
    cases.push((cleared, "clear"));
    if let Some(v) = set {
        let mut with = base.clone();
        with.insert(key.to_string(), v);
        cases.push((with, "set"));
    }
    for (input, what) in cases {
        let input = Value::Object(input);
        if let Err(e) = round_trip::<T>(&format!("{op}.{key} ({what})"), &input) {
            panic!("{e}");
        }
    }
}

/// The request schema of `method path`.
fn request_schema(method: &str, path: &str) -> Value {
    spec()["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"].clone()
}

/// A body of `method path` that decodes as `T`: the documented example when it does, else the
/// smallest body the schema allows completed with the example's non-null members.
pub fn request_base<T: DeserializeOwned>(method: &str, path: &str) -> Value {
    let example = request_example(method, path);
    if example.is_object() && serde_json::from_value::<T>(example.clone()).is_ok() {
        return example;
    }
    let mut base = close_sdk_tests::conformance::minimal_value(&request_schema(method, path), 0);
    if let (Value::Object(b), Value::Object(given)) = (&mut base, &example) {
        for (k, v) in given {
            if !v.is_null() {
                let mut trial = b.clone();
                trial.insert(k.clone(), v.clone());
                if serde_json::from_value::<T>(Value::Object(trial)).is_ok() {
                    b.insert(k.clone(), v.clone());
                }
            }
        }
    }
    base
}

/// The smallest body of `method path` (its required members only).
pub fn request_minimal(method: &str, path: &str) -> Value {
    close_sdk_tests::conformance::minimal_value(&request_schema(method, path), 0)
}
