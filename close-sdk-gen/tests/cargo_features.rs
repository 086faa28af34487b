//! close-sdk's `[features]` agree with the tag→feature table (`close_sdk_gen::openapi::features`): one
//! cargo feature per resource group, `full` enabling all of them, the default keeping today's
//! five resources.

use std::collections::BTreeSet;
use std::path::Path;

use close_sdk_gen::openapi::features::{DEFAULT_FEATURES, FEATURES};

/// `name = [..]` entries of close-sdk/Cargo.toml's `[features]` table (values as strings).
fn cargo_features() -> Vec<(String, Vec<String>)> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../close-sdk/Cargo.toml");
    let text = std::fs::read_to_string(manifest).unwrap();
    let section = text
        .split("\n[features]\n")
        .nth(1)
        .and_then(|rest| rest.split("\n[").next())
        .unwrap();
    let mut out = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in section.lines().filter(|l| !l.trim_start().starts_with('#')) {
        if let Some((name, value)) = line.split_once(" = ") {
            if let Some((n, v)) = current.take() {
                out.push((n, v));
            }
            current = Some((name.trim().to_string(), value.to_string()));
        } else if let Some((_, v)) = current.as_mut() {
            v.push_str(line);
        }
    }
    out.extend(current);
    out.into_iter()
        .map(|(n, v)| {
            let items = v
                .split('"')
                .enumerate()
                .filter(|(i, _)| i % 2 == 1)
                .map(|(_, s)| s.to_string())
                .collect();
            (n, items)
        })
        .collect()
}

#[test]
fn every_feature_exists_full_enables_all_and_the_default_is_todays_five() {
    let features = cargo_features();
    let get = |name: &str| {
        features
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("close-sdk has no `{name}` feature"))
    };
    let resources: BTreeSet<String> = FEATURES.iter().map(|f| f.name.to_string()).collect();
    for f in &resources {
        // Optional dependencies are fine (e.g. `webhooks` verifies signatures with `hmac`).
        assert!(
            get(f).iter().all(|x| x.starts_with("dep:")),
            "`{f}` should enable no other feature"
        );
    }
    let full: BTreeSet<String> = get("full").into_iter().collect();
    assert_eq!(full, resources);
    let default: BTreeSet<String> = get("default").into_iter().collect();
    for d in DEFAULT_FEATURES {
        assert!(default.contains(*d), "default lacks {d}");
    }
    let extra: Vec<&String> = default.difference(&resources).collect();
    assert_eq!(
        extra,
        ["rustls-ring"],
        "default = today's five resources + TLS"
    );
}
