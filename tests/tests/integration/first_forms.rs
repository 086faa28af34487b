//! A newcomer reads a form's submissions by field name (issue 21: Forms, `close_sdk::forms`).
//! The submission is Close's documented example (close-activities-form-submissions-api-openapi.yml,
//! `GET /activity/form_submission/`); the form is Close's documented "Retrieve a Form" shape
//! (close-forms-api-openapi.yml) with the field ids that submission uses, so one names the other.

use close_sdk::forms::Form;
use close_sdk::httpmock::{Method::GET, MockServer};
use close_sdk::prelude::*;
use close_sdk::types::FormSubmissionActivityValues;
use serde_json::{json, Value};

const FORM: &str = "form_0325NAK3KhCZ3EdJfDldRU";

fn documented_submission() -> Value {
    json!({
        "_type": "FormSubmission",
        "activity_at": "2025-01-02T10:30:00.000000+00:00",
        "contact_id": "cont_q4xYmlGhA3060dEl0NDJuHRxPMuVjqLn30AFSzh1fRk",
        "created_by": null, "created_by_name": null,
        "date_created": "2025-01-02T10:30:00.000000+00:00",
        "date_updated": "2025-01-02T10:30:00.000000+00:00",
        "form_configuration_id": "formconf_0325NyQ1X3HplqjyP631at",
        "form_id": FORM,
        "id": "acti_j0fs4KP22Ngn68GE5kInEcC7JWsbJzXthV1A8WtyZEk",
        "ip_address": "192.168.1.100",
        "lead_id": "lead_iuSXNk1x3446ggPVwQS7ynmp8pGRIDieRYiCnuo4yFb",
        "organization_id": "orga_RbREgmiiwcr1w2b4cOnCMQaQPSIFxMqAD2Dh243uxcH",
        "origin": "https://example.com",
        "source_url": "https://example.com/contact?utm_source=google&utm_campaign=demo",
        "source_url_normalized": "example.com/contact",
        "updated_by": null, "updated_by_name": null, "user_id": null, "user_name": null,
        "users": [],
        "values": {
            "formfld_0325NAK2ePwMEBJrZZCk5F": "John Doe",
            "formfld_0325NAK2kjTXTUFwW4i01n": "john@example.com",
            "formfld_08slbL4D4wR3vOqf28RvhF": true
        },
        "values_by_name": {}
    })
}

fn form() -> Value {
    json!({
        "date_created": "2024-01-15T10:00:00+00:00",
        "date_updated": "2024-03-01T12:30:00+00:00",
        "field_definitions": [
            {"choices": null, "id": "formfld_0325NAK2ePwMEBJrZZCk5F", "name": "name", "type": "text"},
            {"choices": null, "id": "formfld_0325NAK2kjTXTUFwW4i01n", "name": "email", "type": "email"},
            {"choices": null, "id": "formfld_08slbL4D4wR3vOqf28RvhF", "name": "Subscribe", "type": "checkbox"}
        ],
        "id": FORM, "is_archived": false, "name": "Contact Us",
        "organization_id": "orga_RbREgmiiwcr1w2b4cOnCMQaQPSIFxMqAD2Dh243uxcH"
    })
}

#[tokio::test]
async fn read_submissions_by_field_name() {
    let server = MockServer::start_async().await;
    let forms = server
        .mock_async(|when, then| {
            when.method(GET).path("/form/");
            then.status(200)
                .json_body(json!({"data": [form()], "has_more": false}));
        })
        .await;
    let subs = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/activity/form_submission/")
                .query_param(
                    "lead_id",
                    "lead_iuSXNk1x3446ggPVwQS7ynmp8pGRIDieRYiCnuo4yFb",
                );
            then.status(200)
                .json_body(json!({"data": [documented_submission()], "has_more": false}));
        })
        .await;
    let client = Client::builder()
        .api_key("api_test")
        .base_url(server.base_url())
        .build()
        .expect("client");

    let all_forms: Vec<Form> = client
        .forms()
        .list()
        .paginate()
        .collect_all()
        .await
        .expect("forms");
    let submissions = client
        .activities()
        .form_submissions()
        .list()
        .lead_id("lead_iuSXNk1x3446ggPVwQS7ynmp8pGRIDieRYiCnuo4yFb")
        .paginate()
        .collect_all()
        .await
        .expect("submissions");
    forms.assert_async().await;
    subs.assert_async().await;
    assert_eq!(submissions.len(), 1);

    let sub = &submissions[0];
    let form = all_forms
        .iter()
        .find(|f| f.id() == sub.form_id.as_deref())
        .expect("its form");
    let values = form.field_values(sub).expect("same form");
    assert_eq!(
        values.get("Email").expect("one field"),
        Some(&FormSubmissionActivityValues::String(
            "john@example.com".into()
        ))
    );
    assert_eq!(
        values.get("subscribe").expect("one field"),
        Some(&FormSubmissionActivityValues::Boolean(true))
    );
    assert_eq!(values.get("company").expect("no such field"), None);
    let named: Vec<_> = values.iter().filter_map(|v| v.name()).collect();
    assert_eq!(named, ["name", "email", "Subscribe"]);
    assert_eq!(values.unknown().count(), 0);

    // A submission of another form is refused rather than misread.
    let mut other: Form = serde_json::from_value(form_json_with_id("form_other")).expect("form");
    other.field_definitions = Some(vec![]);
    let refused = other.field_values(sub);
    assert!(
        matches!(refused, Err(close_sdk::Error::InvalidRequest(_))),
        "another form's submission must be refused"
    );
}

fn form_json_with_id(id: &str) -> Value {
    let mut f = form();
    f["id"] = json!(id);
    f
}
