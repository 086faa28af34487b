//! Attack on Forms and form submissions' values by field name (issue 21): hostile ids in
//! `forms().get`, submissions whose `values` hold shapes Close's extract does not list, names
//! that collide after trimming and case folding, hostile keys, and a form list whose answer is
//! not what it should be. Every loop is bounded.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use close_sdk::forms::Form;
use close_sdk::types::{FormSubmissionActivity, FormSubmissionActivityValues};
use close_sdk::{Client, Error};
use close_sdk_tests::loopback_server::{LoopbackServer, Reply};
use serde_json::{json, Value};

fn client(base: &str) -> Client {
    Client::builder()
        .api_key("test-key")
        .base_url(base)
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client")
        .with_retry_policy(close_sdk::RetryPolicy::none())
}

fn form() -> Form {
    serde_json::from_value(json!({
        "id": "form_1", "name": "Contact Us",
        "field_definitions": [
            {"id": "formfld_a", "name": "Email", "type": "email", "choices": null},
            {"id": "formfld_b", "name": "\u{a0}EMAIL\u{2003}", "type": "text", "choices": null},
            {"id": "formfld_c", "name": "Kelvin", "type": "text", "choices": null},
            {"id": "formfld_d", "name": "\u{212a}elvin", "type": "text", "choices": null},
            {"id": "formfld_e", "name": null, "type": "future_type", "choices": [{"label": "1", "value": "x"}]}
        ]
    }))
    .expect("a form with odd members still decodes")
}

/// Hostile ids in `forms().get(id)`: refused before sending, or sent percent-encoded inside
/// the one `/form/{id}/` segment; never reaching another path (defended).
#[tokio::test]
async fn hostile_form_ids_never_reach_another_path() {
    let paths = Arc::new(Mutex::new(Vec::<String>::new()));
    let seen = paths.clone();
    let server = LoopbackServer::start(move |req| {
        seen.lock().unwrap().push(req.path.clone());
        Reply::json(200, &json!({"id": "form_1", "field_definitions": []}))
    })
    .await;
    let client = client(&server.base_url());
    let long = "f".repeat(10_000);
    let hostile = [
        "a/b",
        "..",
        ".",
        "../lead",
        "a?b=1",
        "a#b",
        "%2F",
        "%2e%2e",
        "a b",
        "формa",
        "\u{202e}x",
        long.as_str(),
        "",
    ];
    for id in hostile {
        let before = paths.lock().unwrap().len();
        let r = tokio::time::timeout(Duration::from_secs(5), client.forms().get(id)).await;
        let r = r.expect("bounded");
        let after = paths.lock().unwrap().clone();
        if after.len() == before {
            assert!(matches!(r, Err(Error::InvalidRequest(_))), "{id:?}: {r:?}");
            continue;
        }
        let path = after.last().unwrap();
        let path = path.split('?').next().unwrap();
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        assert_eq!(segments.len(), 2, "{id:?} reached {path}");
        assert_eq!(segments[0], "form", "{id:?} reached {path}");
        assert!(!segments[1].is_empty() && segments[1] != ".." && segments[1] != ".");
    }
}

/// Names that differ only by Unicode whitespace around them, or by a character whose lowercase
/// is ASCII (KELVIN SIGN → `k`), are the same name: ambiguous, and by id they stay reachable
/// (defended). A field without a name and with an unknown type does not break lookups.
#[test]
fn names_colliding_after_trimming_and_folding_are_ambiguous() {
    let form = form();
    for name in ["email", " Email ", "EMAIL"] {
        match form.field(name) {
            Err(Error::Ambiguous { count: 2, ids, .. }) => {
                assert_eq!(ids, ["formfld_a", "formfld_b"]);
            }
            other => panic!("{name:?}: {other:?}"),
        }
    }
    assert!(matches!(
        form.field("kelvin"),
        Err(Error::Ambiguous { count: 2, .. })
    ));
    assert_eq!(
        form.field("formfld_b").unwrap().and_then(|d| d.id()),
        Some("formfld_b")
    );
    assert!(form.field("").is_err());
    assert!(
        form.field("\u{a0}\u{2003}").is_err(),
        "blank after Unicode trimming"
    );
    assert!(form.field(&"x".repeat(1 << 20)).unwrap().is_none());
}

/// A submission's `values` with `null`, an empty key, a 1 MB key, and keys the form does not
/// define: all kept, none panics (defended).
#[test]
fn hostile_value_keys_are_kept() {
    let form = form();
    let big = "k".repeat(1 << 20);
    let submission: FormSubmissionActivity = serde_json::from_value(json!({
        "_type": "FormSubmission", "form_id": "form_1",
        "values": {"formfld_a": null, "": "empty key", big.clone(): true, "formfld_c": "x"},
        "values_by_name": {"": "empty", "Email": null}
    }))
    .unwrap();
    let values = form.field_values(&submission).unwrap();
    assert_eq!(values.by_id("formfld_a"), None);
    assert_eq!(
        values.get("Kelvin").ok(),
        None,
        "ambiguous name is an error, not a guess"
    );
    assert_eq!(
        values.by_id("formfld_c"),
        Some(&FormSubmissionActivityValues::String("x".into()))
    );
    assert_eq!(values.unknown().count(), 2);
    assert_eq!(values.iter().count(), 4);
    let back = serde_json::to_value(&submission).unwrap();
    assert_eq!(back["values"][big.as_str()], json!(true));
    assert_eq!(back["values"]["formfld_a"], Value::Null);
}

/// Close's extract types a submitted value as a string or a boolean. A value of another shape
/// (a number from a number field, a list from a multi-select) is still "the data submitted by
/// the user": lenient decoding keeps it rather than failing the submission, and with it the
/// whole list page of form submissions.
#[tokio::test]
async fn a_submission_value_of_another_shape_does_not_fail_the_list_page() {
    let server = LoopbackServer::start(|_| {
        Reply::json(
            200,
            &json!({"data": [
                {"_type": "FormSubmission", "id": "acti_1", "form_id": "form_1",
                 "values": {"formfld_a": "a@b.example"}},
                {"_type": "FormSubmission", "id": "acti_2", "form_id": "form_1",
                 "values": {"formfld_a": "c@d.example", "formfld_n": 42, "formfld_m": ["x", "y"]}}
            ], "has_more": false}),
        )
    })
    .await;
    let client = client(&server.base_url());
    let page = client.activities().form_submissions().list().await;
    let page = page.expect("the page decodes");
    assert_eq!(page.data.unwrap_or_default().len(), 2);
}

/// The generic activity list with the same submission, read through `into_kind` (fails the
/// same way, for the same reason).
#[test]
fn into_kind_keeps_a_submission_value_of_another_shape() {
    let activity: close_sdk::types::Activity = serde_json::from_value(json!({
        "_type": "FormSubmission", "id": "acti_2", "form_id": "form_1",
        "values": {"formfld_n": 42}
    }))
    .unwrap();
    let typed = activity.into_kind();
    assert!(typed.is_ok(), "{typed:?}");
}

/// `field_values` refuses a submission of another form, and the error quotes only ids
/// (defended).
#[test]
fn a_submission_of_another_form_is_refused() {
    let form = form();
    let submission: FormSubmissionActivity = serde_json::from_value(json!({
        "_type": "FormSubmission", "id": "acti_9", "form_id": "form_other", "values": {}
    }))
    .unwrap();
    let e = form.field_values(&submission).unwrap_err();
    assert!(matches!(e, Error::InvalidRequest(_)), "{e:?}");
}
