//! Forms and ImportUpdate activities (operations the SDK adopts from Close's per-tag extracts,
//! close-sdk-gen/src/openapi/adopted.rs) end to end over loopback through their handles: exact method and
//! path, the API key, decoding of the extracts' documented examples (carried into
//! `openapi/close.json`), `.paginate()` over three pages; and a form submission's `values` read
//! by field name through the form's definitions.

use std::time::Duration;

use close_sdk::forms::{Form, FormValues};
use close_sdk::types::{FormSubmissionActivity, FormSubmissionActivityValues};
use close_sdk::Error;
use close_sdk_tests::resources::*;
use close_sdk_tests::*;
use futures_util::StreamExt;
use httpmock::prelude::*;
use serde_json::{json, Value};

/// Every call must finish well within this.
const LIMIT: Duration = Duration::from_secs(10);

async fn bounded<T>(f: impl std::future::IntoFuture<Output = T>) -> T {
    tokio::time::timeout(LIMIT, f.into_future())
        .await
        .expect("the call did not finish in time")
}

#[tokio::test]
async fn forms_list_and_get_decode_the_documented_examples() {
    let server = MockServer::start_async().await;
    let list = response_example("get", "/form/");
    let one = response_example("get", "/form/{id}/");
    let list_mock = expect_call(&server, GET, "/form/", None, 200, &list).await;
    let get_mock = expect_call(&server, GET, "/form/form_abc123/", None, 200, &one).await;
    let client = api_key_client(&server);

    let forms = bounded(client.forms().list()).await.unwrap();
    list_mock.assert_async().await;
    assert_eq!(forms.data().len(), 1);
    assert_eq!(forms.has_more, Some(false));
    assert_eq!(
        without_empty(&serde_json::to_value(&forms).unwrap()),
        without_empty(&list)
    );

    let form: Form = bounded(client.forms().get("form_abc123")).await.unwrap();
    get_mock.assert_async().await;
    assert_eq!(form.id(), Some("form_abc123"));
    assert_eq!(form.name.as_deref(), Some("Contact Us"));
    let interest = form.field("interest").unwrap().expect("documented field");
    assert_eq!(interest.type_.as_deref(), Some("select"));
    let choices: Vec<_> = interest
        .choices()
        .iter()
        .map(|c| (c.label.as_deref(), c.value.as_deref()))
        .collect();
    assert_eq!(
        choices,
        [
            (Some("Sales"), Some("sales")),
            (Some("Support"), Some("support"))
        ]
    );
    assert_eq!(
        without_empty(&serde_json::to_value(&form).unwrap()),
        without_empty(&one)
    );
}

#[tokio::test]
async fn forms_list_sends_its_filter_and_paginates_over_three_pages() {
    let server = MockServer::start_async().await;
    let template = response_example("get", "/form/")["data"][0].clone();
    let items: Vec<Value> = (0..5)
        .map(|i| {
            let mut f = template.clone();
            f["id"] = json!(format!("form_{i}"));
            f
        })
        .collect();
    let mut mocks = Vec::new();
    for (n, chunk) in items.chunks(2).enumerate() {
        let skip = (n * 2).to_string();
        let body = page(chunk, n < 2);
        mocks.push(
            server
                .mock_async(move |when, then| {
                    when.method(GET)
                        .path("/form/")
                        .query_param("_skip", skip)
                        .query_param("_limit", "2")
                        .query_param("is_archived", "false")
                        .header("authorization", BASIC_AUTH);
                    then.status(200).json_body(body);
                })
                .await,
        );
    }
    let client = api_key_client(&server);
    let stream = client.forms().list().is_archived(false).limit(2).paginate();
    let got: Vec<Result<Form, Error>> = bounded(stream.take(10).collect()).await;
    let ids: Vec<String> = got
        .into_iter()
        .map(|f| f.unwrap().id.unwrap_or_default())
        .collect();
    assert_eq!(ids, ["form_0", "form_1", "form_2", "form_3", "form_4"]);
    for m in &mocks {
        m.assert_async().await;
    }
}

#[tokio::test]
async fn import_updates_list_get_and_delete_through_the_handles() {
    let server = MockServer::start_async().await;
    let list = response_example("get", "/activity/import_update/");
    let one = response_example("get", "/activity/import_update/{id}/");
    let id = one["id"].as_str().unwrap().to_string();
    let path = format!("/activity/import_update/{id}/");
    let lead = "lead_KwD00BYbXCHiPWj68LxFkxaeWuULpZ7awzm6LqeFs0h";
    let list_mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/activity/import_update/")
                .query_param("lead_id", lead)
                .header("authorization", BASIC_AUTH);
            then.status(200).json_body(list.clone());
        })
        .await;
    let get_mock = expect_call(&server, GET, &path, None, 200, &one).await;
    let delete_mock = server
        .mock_async(|when, then| {
            when.method(DELETE)
                .path(path.clone())
                .header("authorization", BASIC_AUTH);
            then.status(200).json_body(json!({}));
        })
        .await;
    let client = api_key_client(&server);
    let imports = client.activities().import_updates();

    let page = bounded(imports.list().lead_id(lead)).await.unwrap();
    list_mock.assert_async().await;
    let first = &page.data()[0];
    assert_eq!(
        first.import_id.as_deref(),
        Some("bulk_AyXImpOrtIdEx4mPlE000000000000000000000000")
    );
    assert_eq!(first.reverted, Some(false));
    assert_eq!(
        without_empty(&serde_json::to_value(&page).unwrap()),
        without_empty(&list)
    );

    let got = bounded(imports.get(&id)).await.unwrap();
    get_mock.assert_async().await;
    assert_eq!(got.id.as_deref(), Some(id.as_str()));
    assert_eq!(
        without_empty(&serde_json::to_value(&got).unwrap()),
        without_empty(&one)
    );

    bounded(imports.delete(&id)).await.unwrap();
    delete_mock.assert_async().await;
}

#[tokio::test]
async fn import_updates_paginate_over_three_pages() {
    let server = MockServer::start_async().await;
    let template = response_example("get", "/activity/import_update/")["data"][0].clone();
    let items: Vec<Value> = (0..5)
        .map(|i| {
            let mut a = template.clone();
            a["id"] = json!(format!("acti_{i}"));
            a
        })
        .collect();
    let mocks = mock_pages(&server, "/activity/import_update/", &items, 2).await;
    let client = api_key_client(&server);
    let stream = client
        .activities()
        .import_updates()
        .list()
        .limit(2)
        .paginate();
    let got: Vec<_> = bounded(stream.take(10).collect::<Vec<_>>()).await;
    let ids: Vec<String> = got
        .into_iter()
        .map(|a| a.unwrap().id.unwrap_or_default())
        .collect();
    assert_eq!(ids, ["acti_0", "acti_1", "acti_2", "acti_3", "acti_4"]);
    for m in &mocks {
        m.assert_async().await;
    }
}

/// A form whose fields are the documented form's plus two named alike ("Company size" and
/// "company size ", which Close allows side by side), and the form submission example of
/// Close's form submissions extract with the form's ids.
fn form_and_submission() -> (Form, FormSubmissionActivity) {
    let mut form = response_example("get", "/form/{id}/");
    let defs = form["field_definitions"].as_array_mut().unwrap();
    defs.push(
        json!({"id": "formfld_size1", "name": "Company size", "type": "text", "choices": null}),
    );
    defs.push(
        json!({"id": "formfld_size2", "name": "company size ", "type": "text", "choices": null}),
    );
    let mut submission = response_example("get", "/activity/form_submission/{id}/");
    submission["form_id"] = form["id"].clone();
    submission["values"] = json!({
        "formfld_def456": "John Doe",
        "formfld_def789": "john@example.com",
        "formfld_defabc": "sales",
        "formfld_size1": "11-50",
        "formfld_removed": true
    });
    (
        serde_json::from_value(form).unwrap(),
        serde_json::from_value(submission).unwrap(),
    )
}

fn text(s: &str) -> FormSubmissionActivityValues {
    FormSubmissionActivityValues::String(s.into())
}

#[test]
fn form_values_are_read_by_field_name() {
    let (form, submission) = form_and_submission();
    let values: FormValues<'_> = form.field_values(&submission).unwrap();
    // Found: by name (trimmed, any case) and by id.
    assert_eq!(values.get("name").unwrap(), Some(&text("John Doe")));
    assert_eq!(
        values.get(" EMAIL ").unwrap(),
        Some(&text("john@example.com"))
    );
    assert_eq!(values.get("formfld_defabc").unwrap(), Some(&text("sales")));
    // Missing: no such field, and a field the form has but the submission does not.
    assert_eq!(values.get("Phone").unwrap(), None);
    assert!(form.field("Phone").unwrap().is_none());
    assert_eq!(values.get("formfld_size2").unwrap(), None);
    assert!(form.field("formfld_size2").unwrap().is_some());
    // Ambiguous: two fields answer to the name; the ids say which, nothing is picked.
    match values.get("Company Size") {
        Err(Error::Ambiguous {
            what, count, ids, ..
        }) => {
            assert_eq!((what, count), ("form fields", 2));
            assert_eq!(ids, ["formfld_size1", "formfld_size2"]);
        }
        other => panic!("expected Ambiguous, got {other:?}"),
    }
    // By id it is not ambiguous.
    assert_eq!(values.get("formfld_size1").unwrap(), Some(&text("11-50")));
    // Unknown keys are kept, with their value.
    let unknown: Vec<_> = values.unknown().map(|v| (v.id, v.value.cloned())).collect();
    assert_eq!(
        unknown,
        [(
            "formfld_removed",
            Some(FormSubmissionActivityValues::Boolean(true))
        )]
    );
    assert_eq!(
        values.by_id("formfld_removed"),
        Some(&FormSubmissionActivityValues::Boolean(true))
    );
    // Every member, named where the form names it.
    let names: Vec<_> = values.iter().map(|v| (v.id, v.name())).collect();
    assert_eq!(
        names,
        [
            ("formfld_def456", Some("name")),
            ("formfld_def789", Some("email")),
            ("formfld_defabc", Some("interest")),
            ("formfld_removed", None),
            ("formfld_size1", Some("Company size")),
        ]
    );
    // A blank name is refused.
    assert!(matches!(values.get("  "), Err(Error::InvalidRequest(_))));
}

#[test]
fn the_documented_submission_decodes_and_another_forms_submission_is_refused() {
    // Close's documented example, as it is: three `formfld_…` values, one a boolean.
    let example = response_example("get", "/activity/form_submission/{id}/");
    let submission: FormSubmissionActivity = serde_json::from_value(example.clone()).unwrap();
    let (form, _) = form_and_submission();
    let err = form.field_values(&submission).unwrap_err();
    assert!(
        matches!(&err, Error::InvalidRequest(m) if m.contains("not of form form_abc123")),
        "{err}"
    );
    // Read through a form with that id, its keys are unknown to the form but all kept.
    let mut other = form.clone();
    other.id = submission.form_id.clone();
    let values = other.field_values(&submission).unwrap();
    assert_eq!(
        values.unknown().count(),
        example["values"].as_object().unwrap().len()
    );
    assert_eq!(
        values.by_id("formfld_08slbL4D4wR3vOqf28RvhF"),
        Some(&FormSubmissionActivityValues::Boolean(true))
    );
}
