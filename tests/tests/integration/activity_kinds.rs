//! `Activity::into_kind` on real payloads: every activity of the corpus
//! (`tests/fixtures/corpus/activity*/`), read as the generic list's `Activity`, becomes the
//! typed struct its `_type` names, and that struct encodes to exactly the JSON Close sent
//! (nothing lost: what the struct does not type travels in its `extra`); then over loopback,
//! the generic list's items matched on `TypedActivity`.

use std::path::Path;

use close_sdk::types::Activity;
use close_sdk::TypedActivity;
use close_sdk_tests::api_key_client;
use httpmock::prelude::*;
use serde_json::{json, Value};

fn corpus_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/corpus")
}

/// Every activity payload of the corpus: `(file, JSON)`, sorted by file.
fn activity_payloads() -> Vec<(String, Value)> {
    let mut out = Vec::new();
    let mut dirs: Vec<_> = std::fs::read_dir(corpus_dir())
        .expect("corpus dir")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("activity"))
        .collect();
    dirs.sort_by_key(|e| e.file_name());
    for dir in dirs {
        let mut files: Vec<_> = std::fs::read_dir(dir.path())
            .expect("corpus subdir")
            .flatten()
            .collect();
        files.sort_by_key(|e| e.file_name());
        for f in files {
            let name = format!(
                "{}/{}",
                dir.file_name().to_string_lossy(),
                f.file_name().to_string_lossy()
            );
            let value = serde_json::from_slice(&std::fs::read(f.path()).expect("read"))
                .expect("corpus JSON");
            out.push((name, value));
        }
    }
    out
}

/// The `_type` a variant stands for.
fn kind_of(t: &TypedActivity) -> &'static str {
    match t {
        TypedActivity::Call(_) => "Call",
        TypedActivity::Created(_) => "Created",
        TypedActivity::Custom(_) => "CustomActivity",
        TypedActivity::Email(_) => "Email",
        TypedActivity::EmailThread(_) => "EmailThread",
        TypedActivity::FormSubmission(_) => "FormSubmission",
        TypedActivity::ImportUpdate(_) => "ImportUpdate",
        TypedActivity::LeadMerge(_) => "LeadMerge",
        TypedActivity::LeadStatusChange(_) => "LeadStatusChange",
        TypedActivity::Meeting(_) => "Meeting",
        TypedActivity::Note(_) => "Note",
        TypedActivity::OpportunityStatusChange(_) => "OpportunityStatusChange",
        TypedActivity::Sms(_) => "SMS",
        TypedActivity::TaskCompleted(_) => "TaskCompleted",
        TypedActivity::WhatsAppMessage(_) => "WhatsAppMessage",
        TypedActivity::Other(_) => "other",
        _ => "new variant",
    }
}

#[test]
fn every_corpus_activity_becomes_its_kind_and_loses_nothing() {
    let payloads = activity_payloads();
    assert!(payloads.len() >= 19, "{} activity payloads", payloads.len());
    let mut failures = Vec::new();
    let mut kinds = std::collections::BTreeSet::new();
    for (file, sent) in &payloads {
        let activity: Activity = match serde_json::from_value(sent.clone()) {
            Ok(a) => a,
            Err(e) => {
                failures.push(format!("{file}: not an Activity: {e}"));
                continue;
            }
        };
        let typed = match activity.into_kind() {
            Ok(t) => t,
            Err(e) => {
                failures.push(format!("{file}: into_kind: {e}"));
                continue;
            }
        };
        let want = sent["_type"].as_str().unwrap_or("?");
        if kind_of(&typed) != want {
            failures.push(format!("{file}: {want} became {}", kind_of(&typed)));
        }
        kinds.insert(want.to_string());
        match typed.to_json() {
            Ok(back) if &back == sent => {}
            Ok(back) => failures.push(format!("{file}: re-encoded differently: {back}")),
            Err(e) => failures.push(format!("{file}: does not encode: {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The corpus has nine kinds; each went to its own variant above.
    assert_eq!(kinds.len(), 9, "{kinds:?}");
}

#[tokio::test]
async fn the_generic_list_matched_on_typed_kinds() {
    let server = MockServer::start_async().await;
    let call = activity_payloads()
        .into_iter()
        .find(|(f, _)| f == "activity/closex-activity-list-call.json")
        .expect("the call list item")
        .1;
    let note = activity_payloads()
        .into_iter()
        .find(|(f, _)| f == "activity-note/airbyte-note-plain.json")
        .expect("the note")
        .1;
    let import = json!({"_type": "ImportUpdate", "id": "acti_import", "lead_id": "lead_1"});
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path("/activity/");
            then.status(200)
                .json_body(json!({"data": [call, note, import], "has_more": false}));
        })
        .await;
    let client = api_key_client(&server);
    let activities = client
        .activities()
        .list()
        .paginate()
        .collect_all()
        .await
        .expect("list");
    mock.assert_async().await;
    let mut seen = Vec::new();
    for a in activities {
        match a.into_kind().expect("kind") {
            TypedActivity::Call(c) => {
                assert_eq!(c.id.as_deref(), call["id"].as_str());
                seen.push("call");
            }
            TypedActivity::Note(n) => {
                assert_eq!(n.id.as_deref(), note["id"].as_str());
                seen.push("note");
            }
            TypedActivity::ImportUpdate(a) => {
                assert_eq!(a.id.as_deref(), Some("acti_import"));
                seen.push("import update");
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(seen, ["call", "note", "import update"]);
}
