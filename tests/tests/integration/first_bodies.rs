//! A newcomer builds request bodies with struct literals and `T::new(required..)` (issue 21,
//! "every body typed"), each from Close's documented request example (openapi/upstream/examples:
//! close-bulk-actions-edit, close-bulk-actions-sequence-subscriptions, close-sequences,
//! close-email-templates, close-custom-objects) and sends it over loopback; the server checks
//! the body is exactly Close's example (its `null`s left out: an absent member is the same).

use close_sdk::custom_fields::{CustomFieldChanges, CustomFieldId, CustomFieldValue};
use close_sdk::httpmock::{Method::POST, MockServer};
use close_sdk::prelude::*;
use close_sdk::search::{Condition, Field, ObjectType, Query, Sort, TextMode};
use close_sdk::types::{
    BulkEditActionType, BulkSequenceSubscriptionActionType,
    BulkSequenceSubscriptionContactPreference, CreateBulkEdit, CreateBulkSequenceSubscription,
    CreateCustomObject, CreateEmailTemplate, CreateSchedulingLink, CreateSequenceSubscription,
    EmailTemplateAttachmentInput,
};
use serde_json::{json, Value};

fn client(server: &MockServer) -> Client {
    Client::builder()
        .api_key("api_test")
        .base_url(server.base_url())
        .build()
        .expect("client")
}

/// Close's documented `s_query` (bulk edit and bulk sequence subscription examples).
fn acme() -> Query {
    Query::and([
        Query::object_type(ObjectType::LEAD),
        Query::field(
            Field::lead("name"),
            Condition::text(TextMode::FullWords, "ACME Inc."),
        ),
    ])
}

fn newest_first() -> Vec<Sort> {
    vec![Sort::desc(Field::lead("date_created"))]
}

fn acme_json() -> Value {
    json!({"queries": [{"object_type": "lead", "type": "object_type"}, {"condition": {"mode": "full_words", "type": "text", "value": "ACME Inc."}, "field": {"field_name": "name", "object_type": "lead", "type": "regular_field"}, "type": "field_condition"}], "type": "and"})
}

fn sort_json() -> Value {
    json!([{"direction": "desc", "field": {"field_name": "date_created", "object_type": "lead", "type": "regular_field"}}])
}

async fn expect_body<'a>(
    server: &'a MockServer,
    path: &str,
    body: Value,
) -> close_sdk::httpmock::Mock<'a> {
    let path = path.to_string();
    server
        .mock_async(move |when, then| {
            when.method(POST).path(path).json_body(body);
            then.status(200).json_body(json!({"id": "x_1"}));
        })
        .await
}

#[tokio::test]
async fn bulk_edit_set_lead_status_is_closes_example() {
    let server = MockServer::start_async().await;
    let mock = expect_body(
        &server,
        "/bulk_action/edit/",
        json!({"lead_status_id": "stat_t7Zd2uspYPvBafR5bu9agrFZFs8GToWIbDnkqSk8nT8",
               "s_query": acme_json(), "sort": sort_json(), "type": "set_lead_status"}),
    )
    .await;
    let body = CreateBulkEdit {
        lead_status_id: Some("stat_t7Zd2uspYPvBafR5bu9agrFZFs8GToWIbDnkqSk8nT8".into()),
        s_query: Some(acme()),
        sort: newest_first(),
        ..CreateBulkEdit::new(BulkEditActionType::SetLeadStatus)
    };
    client(&server)
        .bulk_actions()
        .edit()
        .create(body)
        .await
        .expect("bulk edit");
    mock.assert_async().await;
}

#[tokio::test]
async fn bulk_sequence_subscription_is_closes_example() {
    let server = MockServer::start_async().await;
    let mock = expect_body(
        &server,
        "/bulk_action/sequence_subscription/",
        json!({"action_type": "subscribe", "contact_preference": "lead", "s_query": acme_json(),
               "sender_account_id": "emailacct_aslkdjfalksjdfCmLShmuvlPMFy7Ze61FVeEj1VXnlG",
               "sender_email": "john@salesteam.com", "sender_name": "John Doe",
               "sequence_id": "seq_1BTljGuCooX0nbFoPihl07", "sort": sort_json()}),
    )
    .await;
    let body = CreateBulkSequenceSubscription {
        contact_preference: Some(BulkSequenceSubscriptionContactPreference::Lead),
        s_query: Some(acme()),
        sender_account_id: Some("emailacct_aslkdjfalksjdfCmLShmuvlPMFy7Ze61FVeEj1VXnlG".into()),
        sender_email: Some("john@salesteam.com".into()),
        sender_name: Some("John Doe".into()),
        sequence_id: Some("seq_1BTljGuCooX0nbFoPihl07".into()),
        sort: newest_first(),
        ..CreateBulkSequenceSubscription::new(BulkSequenceSubscriptionActionType::Subscribe)
    };
    client(&server)
        .bulk_actions()
        .sequence_subscriptions()
        .create(body)
        .await
        .expect("bulk subscribe");
    mock.assert_async().await;
}

#[tokio::test]
async fn sequence_subscription_is_closes_example() {
    let server = MockServer::start_async().await;
    let mock = expect_body(
        &server,
        "/sequence_subscription/",
        json!({"calls_assigned_to": ["user_N6KhMpzHRCYQHdn4gRNIFNN5JExnsrprKA6ekxM63XA"],
               "contact_email": "contact@example.org",
               "contact_id": "cont_MEe412YKyJBXuTqbttZBbcofXr3uydwKEhhBJjyu3O3",
               "sender_account_id": "emailacct_0oCdHYhxtl5sV9j3ZwrJI1sUhbOK4FoZjDuTG9I2hej",
               "sender_email": "john@salesteam.com", "sender_name": "John Doe",
               "sequence_id": "seq_1BTljGuCooX0nbFoPihl07"}),
    )
    .await;
    // Close documents no required member here, so the type has `Default` and no `new`.
    let body = CreateSequenceSubscription {
        calls_assigned_to: vec!["user_N6KhMpzHRCYQHdn4gRNIFNN5JExnsrprKA6ekxM63XA".into()],
        contact_email: Some("contact@example.org".into()),
        contact_id: Some("cont_MEe412YKyJBXuTqbttZBbcofXr3uydwKEhhBJjyu3O3".into()),
        sender_account_id: Some("emailacct_0oCdHYhxtl5sV9j3ZwrJI1sUhbOK4FoZjDuTG9I2hej".into()),
        sender_email: Some("john@salesteam.com".into()),
        sender_name: Some("John Doe".into()),
        sequence_id: Some("seq_1BTljGuCooX0nbFoPihl07".into()),
        ..Default::default()
    };
    client(&server)
        .sequences()
        .subscriptions()
        .create(body)
        .await
        .expect("subscribe");
    mock.assert_async().await;
}

#[tokio::test]
async fn email_template_is_closes_example() {
    let server = MockServer::start_async().await;
    let url = "https://app.close.com/go/file/temporary/user_Ova4RGFG7pztSeJiiMFdN7O2MFl71nD0uGO3bIOo4Wk/1Zx0AlY1DwBXzKKrVwpAoj/image.jpg/";
    let mock = expect_body(
        &server,
        "/email_template/",
        json!({"attachments": [{"content_type": "image/jpeg", "filename": "image.jpg", "size": 1108447, "url": url}],
               "body": "test inbound body of an email.", "is_shared": false, "name": "inbound 1",
               "subject": "test inbound subject"}),
    )
    .await;
    let body = CreateEmailTemplate {
        attachments: vec![EmailTemplateAttachmentInput {
            content_type: Some("image/jpeg".into()),
            filename: Some("image.jpg".into()),
            size: Some(1_108_447),
            url: Some(url.into()),
            ..Default::default()
        }],
        body: Some("test inbound body of an email.".into()),
        is_shared: Some(false),
        name: Some("inbound 1".into()),
        subject: Some("test inbound subject".into()),
        ..Default::default()
    };
    client(&server)
        .email_templates()
        .create(body)
        .await
        .expect("template");
    mock.assert_async().await;
}

#[tokio::test]
async fn scheduling_link_create() {
    // Close's page: a user scheduling link's editable attributes are `name`, `url`,
    // `description` (developer.close.com/api/resources/scheduling-links); no request example.
    let server = MockServer::start_async().await;
    let mock = expect_body(
        &server,
        "/scheduling_link/",
        json!({"name": "Example Scheduling Link", "url": "https://example.com/schedule",
               "description": "Description of Example Scheduling Link"}),
    )
    .await;
    let body = CreateSchedulingLink {
        name: Some("Example Scheduling Link".into()),
        url: Some("https://example.com/schedule".into()),
        description: Some("Description of Example Scheduling Link".into()),
        ..Default::default()
    };
    client(&server)
        .scheduling_links()
        .create(body)
        .await
        .expect("link");
    mock.assert_async().await;
}

/// Was a defect: the create body of a scheduling link was `SchedulingLinkInput`, shared with the
/// update, so its members were `Patch`es and a create could send `"name": null`. A create has its
/// own body now, `CreateSchedulingLink`, whose unset members are left out.
#[test]
fn scheduling_link_create_cannot_send_null() {
    let body = CreateSchedulingLink {
        name: None,
        url: Some("https://example.com/schedule".into()),
        ..Default::default()
    };
    let json = serde_json::to_value(&body).expect("encode");
    assert_eq!(json, json!({"url": "https://example.com/schedule"}));
    // The update keeps `Patch`: clearing a member is an update's to do.
    let update = close_sdk::types::UpdateSchedulingLink {
        description: Patch::Clear,
        ..Default::default()
    };
    assert_eq!(
        serde_json::to_value(&update).expect("encode"),
        json!({"description": null})
    );
}

#[tokio::test]
async fn custom_object_is_closes_example() {
    let server = MockServer::start_async().await;
    let mock = expect_body(
        &server,
        "/custom_object/",
        json!({"custom.cf_UpyNBvr6Rw8UBHh7zRboL3PYhbOVJl3XvwgPm3jg64S": ["Conference", "Meeting"],
               "custom.cf_cSh3fWT3rEJ1BFSezme2YAG6bPrZV5wUWKKrW4iN19g": "Software",
               "custom.cf_jnxTQDKnSxCEBtD5dvZdNgTzC3CqeyWUyU349PBA9Wf": "custobj_v0VS1AZAg8LjnpBm1hZz83UZ3yWK0n9SdVV5i8yC6he",
               "custom_object_type_id": "cotype_1h5m6uHM9BZOpwVhyRJb4Y",
               "lead_id": "lead_hwnL36A2iEMSLIlmGhsdrcmOJzTUzqEHwr66wrA1K2T", "name": "Resource"}),
    )
    .await;
    let id = |s: &str| CustomFieldId::new(s).expect("a custom field id");
    let mut custom = CustomFieldChanges::new();
    custom
        .set(
            id("cf_UpyNBvr6Rw8UBHh7zRboL3PYhbOVJl3XvwgPm3jg64S"),
            CustomFieldValue::List(vec![
                CustomFieldValue::Text("Conference".into()),
                CustomFieldValue::Text("Meeting".into()),
            ]),
        )
        .expect("set")
        .set(
            id("cf_cSh3fWT3rEJ1BFSezme2YAG6bPrZV5wUWKKrW4iN19g"),
            CustomFieldValue::Text("Software".into()),
        )
        .expect("set")
        .set(
            id("cf_jnxTQDKnSxCEBtD5dvZdNgTzC3CqeyWUyU349PBA9Wf"),
            CustomFieldValue::Text("custobj_v0VS1AZAg8LjnpBm1hZz83UZ3yWK0n9SdVV5i8yC6he".into()),
        )
        .expect("set");
    let mut body = CreateCustomObject::new(
        "cotype_1h5m6uHM9BZOpwVhyRJb4Y",
        "lead_hwnL36A2iEMSLIlmGhsdrcmOJzTUzqEHwr66wrA1K2T",
        "Resource",
    );
    custom.apply_to(&mut body.extra);
    client(&server)
        .custom_objects()
        .create(body)
        .await
        .expect("custom object");
    mock.assert_async().await;
}
