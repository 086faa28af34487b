//! The corpus of real Close payloads (issue 19): every payload in `tests/fixtures/corpus/` that
//! its manifest gives a type decodes with that type and re-encodes to the same JSON.
//!
//! The payloads were recorded by others (connectors' expected records, other clients' cassettes
//! and fixtures, a stored webhook delivery); `tests/fixtures/corpus/README.md` has the rules and
//! `manifest.json` the provenance. The comparison is strict: a key the typed value drops (a
//! `null` included), a key it adds, a changed value or a number that changes form (`2` → `2.0`)
//! is a loss. Every failure is collected and reported once, as `file · type · path · what`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use close_sdk::types as t;
use serde::{de::DeserializeOwned, Serialize};
use serde_json::Value;

/// The corpus directory.
fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/corpus")
}

/// How one payload fared.
enum Outcome {
    /// Decoded, and re-encoded to the same JSON.
    Lossless,
    /// Decoded, but the re-encoded JSON differs at `path`.
    Lossy { path: String, what: String },
    /// Did not decode; `path` is where.
    Undecodable { path: String, what: String },
}

/// `serde_path_to_error`'s path as a JSON path: `$`, `$.contacts[0].emails`.
fn json_path(path: &serde_path_to_error::Path) -> String {
    let path = path.to_string();
    match path.as_str() {
        "." => "$".to_string(),
        p if p.starts_with('[') => format!("${p}"),
        p => format!("$.{p}"),
    }
}

/// `path` with `key` appended.
fn child(path: &str, key: &str) -> String {
    format!("{path}.{key}")
}

/// Decodes `original` as `T` (naming the field that fails), re-encodes it and compares.
fn check<T: DeserializeOwned + Serialize>(original: &Value) -> Outcome {
    let decoded: T = match serde_path_to_error::deserialize(original.clone()) {
        Ok(decoded) => decoded,
        Err(e) => {
            let path = json_path(e.path());
            let what = e.inner().to_string();
            // Serde names a missing field in the message and the object in the path: move the
            // field into the path.
            if let Some(field) = what
                .strip_prefix("missing field `")
                .and_then(|rest| rest.split('`').next())
            {
                return Outcome::Undecodable {
                    path: child(&path, field),
                    what: "missing field".to_string(),
                };
            }
            return Outcome::Undecodable { path, what };
        }
    };
    let back = match serde_json::to_value(&decoded) {
        Ok(back) => back,
        Err(e) => {
            return Outcome::Lossy {
                path: "$".to_string(),
                what: format!("re-encoding failed: {e}"),
            }
        }
    };
    match first_difference(original, &back, "$") {
        None => Outcome::Lossless,
        Some((path, what)) => Outcome::Lossy { path, what },
    }
}

/// A value for a message, cut short.
fn brief(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(60).collect::<String>())
    } else {
        s
    }
}

/// The first place (in key order) where `got` differs from `want`, and how.
fn first_difference(want: &Value, got: &Value, path: &str) -> Option<(String, String)> {
    match (want, got) {
        (Value::Object(w), Value::Object(g)) => {
            for (k, wv) in w {
                let p = child(path, k);
                match g.get(k) {
                    None if wv.is_null() => return Some((p, "null dropped on re-encode".into())),
                    None => {
                        return Some((p, format!("key dropped on re-encode (was {})", brief(wv))))
                    }
                    Some(gv) => {
                        if let Some(d) = first_difference(wv, gv, &p) {
                            return Some(d);
                        }
                    }
                }
            }
            g.iter().find(|(k, _)| !w.contains_key(*k)).map(|(k, gv)| {
                (
                    child(path, k),
                    format!("key added on re-encode ({})", brief(gv)),
                )
            })
        }
        (Value::Array(w), Value::Array(g)) => {
            if let Some(d) = w
                .iter()
                .zip(g)
                .enumerate()
                .find_map(|(i, (wv, gv))| first_difference(wv, gv, &format!("{path}[{i}]")))
            {
                return Some(d);
            }
            (w.len() != g.len()).then(|| {
                (
                    path.to_string(),
                    format!("array of {} re-encoded with {} items", w.len(), g.len()),
                )
            })
        }
        // Same JSON text, or a number that changed form (50000 → 50000.0).
        _ if want == got => None,
        (Value::Number(_), Value::Number(_)) => Some((
            path.to_string(),
            format!("number {want} re-encoded as {got}"),
        )),
        _ => Some((
            path.to_string(),
            format!("changed on re-encode: {} → {}", brief(want), brief(got)),
        )),
    }
}

/// The check for a manifest `type`; `None` for a name this test does not know.
fn decoder(name: &str) -> Option<fn(&Value) -> Outcome> {
    Some(match name {
        "Activity" => check::<t::Activity>,
        "NoteActivity" => check::<t::NoteActivity>,
        "BulkDeleteAction" => check::<t::BulkDeleteAction>,
        "BulkEditAction" => check::<t::BulkEditAction>,
        "BulkEmailAction" => check::<t::BulkEmailAction>,
        "BulkSequenceSubscriptionAction" => check::<t::BulkSequenceSubscriptionAction>,
        "CallActivity" => check::<t::CallActivity>,
        "Contact" => check::<t::Contact>,
        "CreatedActivity" => check::<t::CreatedActivity>,
        "CustomActivityType" => check::<t::CustomActivityType>,
        "CustomField" => check::<t::CustomField>,
        "Delivery" => check::<close_sdk::webhooks::Delivery>,
        "EmailActivity" => check::<t::EmailActivity>,
        "Event" => check::<close_sdk::events::Event>,
        "IntegrationLink" => check::<t::IntegrationLink>,
        "Lead" => check::<t::Lead>,
        "LeadStatus" => check::<t::LeadStatus>,
        "LeadStatusChangeActivity" => check::<t::LeadStatusChangeActivity>,
        "MeetingActivity" => check::<t::MeetingActivity>,
        "Opportunity" => check::<t::Opportunity>,
        "OpportunityList" => check::<t::OpportunityList>,
        "OpportunityStatus" => check::<t::OpportunityStatus>,
        "OpportunityStatusChangeActivity" => check::<t::OpportunityStatusChangeActivity>,
        "Organization" => check::<t::Organization>,
        "PhoneNumber" => check::<t::PhoneNumber>,
        "Pipeline" => check::<t::Pipeline>,
        "RoleDefinition" => check::<t::RoleDefinition>,
        "SmartView" => check::<t::SmartView>,
        "SmsActivity" => check::<t::SmsActivity>,
        "Task" => check::<t::Task>,
        "TaskCompletionActivity" => check::<t::TaskCompletionActivity>,
        "User" => check::<t::User>,
        _ => return None,
    })
}

/// One failure: `file · type · path · what`.
struct Failure {
    file: String,
    ty: String,
    path: String,
    what: String,
}

impl Failure {
    fn new(file: &str, ty: &str, path: &str, what: impl Into<String>) -> Self {
        Failure {
            file: file.to_string(),
            ty: ty.to_string(),
            path: path.to_string(),
            what: what.into(),
        }
    }
}

/// The payload files under the corpus directory (relative paths), without the manifest.
fn payload_files(dir: &Path, base: &Path, out: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            payload_files(&path, base, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            let rel = path
                .strip_prefix(base)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            if rel != "manifest.json" {
                out.insert(rel);
            }
        }
    }
}

#[test]
fn every_corpus_payload_decodes_with_its_type_and_round_trips_losslessly() {
    let dir = corpus_dir();
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap())
            .expect("manifest.json is JSON");
    let entries = manifest.as_array().expect("the manifest is an array");

    let mut failures = Vec::new();

    // The manifest and the files agree: every payload has an entry, every entry a payload.
    let mut on_disk = BTreeSet::new();
    payload_files(&dir, &dir, &mut on_disk);
    let mut listed = BTreeSet::new();
    for entry in entries {
        let file = entry["file"].as_str().expect("every entry names its file");
        if !listed.insert(file.to_string()) {
            failures.push(Failure::new(file, "-", "-", "listed twice in the manifest"));
        }
    }
    for file in on_disk.difference(&listed) {
        failures.push(Failure::new(file, "-", "-", "not in the manifest"));
    }

    let (mut typed, mut untyped, mut decoded, mut lossless) = (0, 0, 0, 0);
    for entry in entries {
        let file = entry["file"].as_str().unwrap();
        let Some(ty) = entry["type"].as_str() else {
            untyped += 1;
            continue;
        };
        typed += 1;
        let Some(check) = decoder(ty) else {
            failures.push(Failure::new(file, ty, "-", "type unknown to this test"));
            continue;
        };
        let text = match std::fs::read_to_string(dir.join(file)) {
            Ok(text) => text,
            Err(e) => {
                failures.push(Failure::new(
                    file,
                    ty,
                    "-",
                    format!("cannot read the file: {e}"),
                ));
                continue;
            }
        };
        let original: Value = match serde_json::from_str(&text) {
            Ok(v) => v,
            Err(e) => {
                failures.push(Failure::new(file, ty, "-", format!("not JSON: {e}")));
                continue;
            }
        };
        match check(&original) {
            Outcome::Lossless => {
                decoded += 1;
                lossless += 1;
            }
            Outcome::Lossy { path, what } => {
                decoded += 1;
                failures.push(Failure::new(file, ty, &path, what));
            }
            Outcome::Undecodable { path, what } => {
                failures.push(Failure::new(
                    file,
                    ty,
                    &path,
                    format!("does not decode: {what}"),
                ));
            }
        }
    }

    eprintln!(
        "corpus: {typed} payloads, {decoded} decoded, {lossless} lossless ({untyped} more have no type yet)"
    );
    if !failures.is_empty() {
        let list: Vec<String> = failures
            .iter()
            .map(|f| format!("{} · {} · {} · {}", f.file, f.ty, f.path, f.what))
            .collect();
        panic!(
            "{} of the corpus checks failed:\n{}",
            failures.len(),
            list.join("\n")
        );
    }
}
