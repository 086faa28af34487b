//! `MockClose` as a stand-in for Close's CRM (issue 12): custom field definitions, leads with
//! nested contacts, contacts, the 400s Close would answer, and a 429 burst. Every answer is
//! decoded with the SDK's generated types, so the mock stays in Close's documented shapes.

use close_sdk::mock::MockClose;
use close_sdk::types::{CreateContact, CreateLead, UpdateLead};
use close_sdk::Client;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

async fn crm() -> MockClose {
    MockClose::builder()
        .lead_custom_field("Industry", "choices", &["SaaS", "Retail"])
        .lead_custom_field("Seats", "number", &[])
        .lead_custom_field("Renewal", "date", &[])
        .contact_custom_field("Department", "text", &[])
        .start()
        .await
}

fn client(close: &MockClose) -> Client {
    Client::builder()
        .api_key("test")
        .base_url(close.base_url())
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client")
}

fn lead_body(v: Value) -> CreateLead {
    serde_json::from_value(v).expect("a CreateLead")
}

/// The id of the lead custom field called `name`, from the mock's own list endpoint.
async fn lead_field_id(client: &Client, name: &str) -> String {
    let fields = client
        .custom_fields_lead_list()
        .send()
        .await
        .expect("list")
        .into_inner();
    fields
        .data
        .unwrap()
        .into_iter()
        .find(|f| f.name.as_deref() == Some(name))
        .and_then(|f| f.id)
        .expect("the field is defined")
}

#[tokio::test]
async fn custom_field_definitions_are_listed_paginated_and_fetched_by_id() {
    let close = crm().await;
    let client = client(&close);
    let all = client
        .custom_fields_lead_list()
        .send()
        .await
        .unwrap()
        .into_inner();
    let names: Vec<_> = all
        .data
        .as_ref()
        .unwrap()
        .iter()
        .filter_map(|f| f.name.as_deref())
        .collect();
    assert_eq!(names, ["Industry", "Seats", "Renewal"]);
    assert_eq!(all.has_more, Some(false));
    let industry = &all.data.as_ref().unwrap()[0];
    assert!(
        industry.id.as_deref().unwrap().starts_with("cf_")
            && industry.id.as_deref().unwrap().len() == 46,
        "{:?}",
        industry.id
    );
    assert_eq!(industry.type_.as_deref(), Some("choices"));
    assert_eq!(
        industry.choices.as_deref(),
        Some(&["SaaS".to_string(), "Retail".to_string()][..])
    );

    let first = client
        .custom_fields_lead_list()
        .limit(2)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        (first.data.as_ref().unwrap().len(), first.has_more),
        (2, Some(true))
    );
    let rest = client
        .custom_fields_lead_list()
        .limit(2)
        .skip(2)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        (rest.data.as_ref().unwrap().len(), rest.has_more),
        (1, Some(false))
    );
    assert_eq!(
        rest.data.as_ref().unwrap()[0].name.as_deref(),
        Some("Renewal")
    );

    let got = client
        .custom_fields_lead_get()
        .id(industry.id.as_deref().unwrap())
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(&got, industry);
    let contact_fields = client
        .custom_fields_contact_list()
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(contact_fields.data.as_ref().unwrap().len(), 1);
    let missing = client
        .custom_fields_lead_get()
        .id(contact_fields.data.as_ref().unwrap()[0]
            .id
            .as_deref()
            .unwrap())
        .send()
        .await
        .unwrap_err();
    assert_eq!(missing.status().map(|s| s.as_u16()), Some(404));
}

#[tokio::test]
async fn a_lead_with_contacts_is_created_read_listed_updated_and_deleted() {
    let close = crm().await;
    let client = client(&close);
    let industry = lead_field_id(&client, "Industry").await;
    let seats = lead_field_id(&client, "Seats").await;
    let body = lead_body(json!({
        "name": "Bluth Company",
        "url": "https://bluth.example.com/",
        "addresses": [{"city": "Newport Beach", "country": "US"}],
        "contacts": [{
            "name": "Gob Bluth",
            "title": "Magician",
            "emails": [{"email": "gob@bluth.example.com", "type": "office"}],
            "phones": [{"phone": "(800) 444-5555", "type": "mobile"}],
        }],
        format!("custom.{industry}"): "SaaS",
        format!("custom.{seats}"): 12,
    }));
    let lead = client
        .leads_create()
        .body(body)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert!(
        lead.id.as_deref().unwrap().starts_with("lead_") && lead.id.as_deref().unwrap().len() == 48,
        "{:?}",
        lead.id
    );
    assert_eq!(lead.name.as_deref(), Some("Bluth Company"));
    assert_eq!(lead.contacts.as_ref().unwrap().len(), 1);
    assert_eq!(
        lead.contact_ids.clone().unwrap(),
        [lead.contacts.as_ref().unwrap()[0].id.clone().unwrap()]
    );
    let contact = &lead.contacts.as_ref().unwrap()[0];
    assert!(
        contact.id.as_deref().unwrap().starts_with("cont_"),
        "{:?}",
        contact.id
    );
    assert_eq!(
        contact.lead_id.as_deref(),
        Some(lead.id.as_deref().unwrap())
    );
    assert_eq!(
        contact.emails.as_ref().unwrap()[0]
            .email
            .as_deref()
            .unwrap(),
        "gob@bluth.example.com"
    );
    assert_eq!(
        contact.phones.as_ref().unwrap()[0]
            .phone
            .as_deref()
            .unwrap(),
        "+18004445555"
    );
    assert_eq!(lead.extra[&format!("custom.{industry}")], "SaaS");
    assert_eq!(
        lead.addresses.as_ref().unwrap()[0].city.as_deref(),
        Some("Newport Beach")
    );

    let got = client
        .leads_get()
        .id(lead.id.as_deref().unwrap())
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(got, lead);

    let update: UpdateLead = serde_json::from_value(json!({
        "name": "Bluth Company Ltd",
        format!("custom.{industry}"): null,
    }))
    .unwrap();
    let updated = client
        .leads_update()
        .id(lead.id.as_deref().unwrap())
        .body(update)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(updated.name.as_deref(), Some("Bluth Company Ltd"));
    assert!(!updated.extra.contains_key(&format!("custom.{industry}")));
    assert_eq!(updated.extra[&format!("custom.{seats}")], 12);

    // A second contact on the lead, then the contact endpoints.
    let more: CreateContact = serde_json::from_value(json!({
        "lead_id": lead.id, "name": "Lindsay Bluth",
        "emails": [{"email": "lindsay@bluth.example.com"}],
    }))
    .unwrap();
    let second = client
        .contacts_create()
        .body(more)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(second.display_name.as_deref().unwrap(), "Lindsay Bluth");
    let on_lead = client
        .contacts_list()
        .lead_id(lead.id.as_deref().unwrap())
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(on_lead.data.as_ref().unwrap().len(), 2);
    let fetched = client
        .contacts_get()
        .id(second.id.as_deref().unwrap())
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(fetched, second);

    let other = lead_body(json!({"name": "Sitwell Enterprises"}));
    client.leads_create().body(other).send().await.unwrap();
    let page = client
        .leads_list()
        .limit(1)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        (
            page.data.as_ref().unwrap().len(),
            page.has_more,
            page.total_results
        ),
        (1, Some(true), Some(2))
    );
    assert_eq!(
        page.data.as_ref().unwrap()[0]
            .contacts
            .as_ref()
            .unwrap()
            .len(),
        2
    );

    client
        .leads_delete()
        .id(lead.id.as_deref().unwrap())
        .send()
        .await
        .unwrap();
    let gone = client
        .leads_get()
        .id(lead.id.as_deref().unwrap())
        .send()
        .await
        .unwrap_err();
    assert_eq!(gone.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(close.leads().len(), 1);
    assert_eq!(close.request_count("POST /lead/"), 2);
}

#[tokio::test]
async fn values_close_would_refuse_are_400_field_errors_and_nothing_is_stored() {
    let close = crm().await;
    let client = client(&close);
    let industry = lead_field_id(&client, "Industry").await;
    let renewal = lead_field_id(&client, "Renewal").await;
    let cases = [
        (
            json!({"name": "A", "custom.cf_unknown": "x"}),
            "custom.cf_unknown".to_string(),
        ),
        (
            json!({"name": "B", format!("custom.{industry}"): "Mining"}),
            format!("custom.{industry}"),
        ),
        (
            json!({"name": "C", format!("custom.{industry}"): ["SaaS"]}),
            format!("custom.{industry}"),
        ),
        (
            json!({"name": "D", format!("custom.{renewal}"): "next week"}),
            format!("custom.{renewal}"),
        ),
        // A phone number the SDK's lenient rule lets through (digits) but Close refuses.
        (
            json!({"name": "F", "contacts": [{"phones": [{"phone": "12345678"}]}]}),
            "phones".to_string(),
        ),
    ];
    // An email or phone number the SDK knows is invalid never reaches the mock: the handle
    // checks the body as `create_lead` does (InvalidRequest naming the field, nothing sent).
    for (body, field) in [
        (
            json!({"name": "E", "contacts": [{"emails": [{"email": "not-an-email"}]}]}),
            "contacts[0].emails[0]",
        ),
        (
            json!({"name": "F", "contacts": [{"phones": [{"phone": "call me"}]}]}),
            "contacts[0].phones[0]",
        ),
    ] {
        let err = client
            .leads()
            .create(lead_body(body.clone()))
            .await
            .expect_err("refused");
        assert!(
            matches!(err, close_sdk::Error::InvalidRequest(_)),
            "{body}: {err:?}"
        );
        assert!(err.to_string().contains(field), "{body}: {err}");
    }
    for (body, field) in cases {
        let err = client
            .leads_create()
            .body(lead_body(body.clone()))
            .send()
            .await
            .expect_err("refused");
        let err = err;
        assert_eq!(err.status().map(|s| s.as_u16()), Some(400), "{body}: {err}");
        let fields = err.field_errors().expect("field-errors");
        assert!(fields.contains_key(&field), "{body}: {fields:?}");
    }
    assert!(close.leads().is_empty());
    // A contact's own custom fields are checked against the contact definitions.
    let lead = client
        .leads_create()
        .body(lead_body(json!({"name": "G"})))
        .send()
        .await
        .unwrap()
        .into_inner();
    let bad: CreateContact = serde_json::from_value(json!({
        "lead_id": lead.id, format!("custom.{industry}"): "SaaS",
    }))
    .unwrap();
    let err = client.contacts_create().body(bad).send().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
}

#[tokio::test]
async fn a_rate_limit_burst_answers_429_with_closes_headers_and_the_client_waits_it_out() {
    let close = MockClose::builder().rate_limit_burst(1).start().await;
    let _ = rustls::crypto::ring::default_provider().install_default();
    let raw = reqwest::Client::new()
        .get(format!("{}/custom_field/lead/", close.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status().as_u16(), 429);
    assert_eq!(
        raw.headers()["ratelimit"].to_str().unwrap(),
        "limit=100, remaining=0, reset=1"
    );
    assert_eq!(raw.headers()["retry-after"].to_str().unwrap(), "1");

    close.rate_limit_burst(2);
    let client = Client::builder()
        .api_key("test")
        .base_url(close.base_url())
        .retry_policy(close_sdk::RetryPolicy::default())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let started = Instant::now();
    let lead = client
        .leads_create()
        .body(lead_body(json!({"name": "Patient Inc."})))
        .send()
        .await
        .expect("retried past the burst");
    assert_eq!(lead.into_inner().name.as_deref(), Some("Patient Inc."));
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(900) && waited < Duration::from_secs(30),
        "{waited:?}"
    );
    assert_eq!(
        close.request_count("POST /lead/"),
        3,
        "{:?}",
        close.requests()
    );
    assert_eq!(close.leads().len(), 1);
}
