//! A newcomer's first integration (issues 20, 21): "sync the leads updated since T" with the
//! typed search, custom fields by name, then export the same query. Written from README.md,
//! GUIDE.md and the rustdoc only. Payloads: Airbyte's Close connector records (corpus) and
//! Close's documented export example (openapi/upstream/examples/close-exports-api-openapi.yml).

use close_sdk::custom_fields::{
    CustomFieldCatalog, CustomFieldObject, CustomFieldValue, CustomFields,
};
use close_sdk::httpmock::{Method::GET, Method::POST, MockServer};
use close_sdk::prelude::*;
use close_sdk::search::{Condition, Field, ObjectType, Query, Sort};
use close_sdk::types::{CreateLeadExport, ExportFormat, LeadExportType};
use close_sdk::Timestamp;
use serde_json::{json, Value};

fn corpus(path: &str) -> Value {
    let full = format!("{}/fixtures/corpus/{path}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{full}: {e}"))
}

fn client(base: String) -> Client {
    Client::builder()
        .api_key("api_test")
        .base_url(base)
        .build()
        .expect("client")
}

/// The "Lead Owner" custom field (a `user` field) of Airbyte's sandbox account.
const LEAD_OWNER: &str = "cf_mhBoQeiuwFRlz7zqyi4kJgzUreEoUp0hUsLwrnUTEgh";
const OWNER: &str = "user_SOwJFVMqtgZCL6QrMDLujSXbQabQnNfOwjFX1mdOulg";

async fn catalog(server: &MockServer, c: &Client) -> CustomFieldCatalog {
    server
        .mock_async(|when, then| {
            when.method(GET).path("/custom_field/lead/");
            then.status(200).json_body(json!({
                "data": [corpus("custom-field/airbyte-lead-field-user.json")],
                "has_more": false
            }));
        })
        .await;
    CustomFieldCatalog::load(c, CustomFieldObject::Lead)
        .await
        .expect("catalog")
}

/// The job: every lead updated since T whose "Lead Owner" is a given user, paged by cursor,
/// custom values read by name; then the same query exported.
#[tokio::test]
async fn sync_leads_updated_since_then_export_the_same_query() {
    let server = MockServer::start_async().await;
    let c = client(server.base_url());
    let catalog = catalog(&server, &c).await;

    let since: Timestamp = "2022-11-01T00:00:00+00:00".parse().expect("timestamp");
    let owner_is = Query::field(
        Field::custom_named(&catalog, "lead owner").expect("by name, case-insensitive"),
        Condition::term([OWNER]),
    );
    let query = Query::and([Query::updated_since(ObjectType::LEAD, &since), owner_is]);

    let page1 = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/data/search/")
                .body_excludes("\"c1\"");
            then.status(200).json_body(json!({
                "data": [corpus("lead/airbyte-lead-full-custom.json")],
                "cursor": "c1"
            }));
        })
        .await;
    let page2 = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/data/search/")
                .body_includes("\"c1\"");
            then.status(200).json_body(json!({
                "data": [corpus("lead/airbyte-lead-minimal.json")],
                "cursor": null
            }));
        })
        .await;

    let search = c
        .search()
        .leads(query.clone())
        .fields([
            "id",
            "display_name",
            "date_updated",
            &format!("custom.{LEAD_OWNER}"),
        ])
        .sort(Sort::asc(Field::lead("date_updated")))
        .page_size(1);
    let body = search.body().expect("body");
    assert_eq!(body["_limit"], 1);
    let leads = search.paginate().collect_all().await.expect("two pages");
    page1.assert_async().await;
    page2.assert_async().await;
    assert_eq!(leads.len(), 2);

    let owner = catalog
        .value_in(&leads[0].custom_fields(), "Lead Owner")
        .expect("known field");
    assert_eq!(owner, Some(CustomFieldValue::User(OWNER.into())));
    assert_eq!(
        catalog
            .value_in(&leads[1].custom_fields(), "Lead Owner")
            .expect("known"),
        None
    );

    // The same query, exported (`POST /export/lead/`), the body a struct literal.
    let export_mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/export/lead/")
                .json_body_includes(json!({"format": "csv", "type": "leads"}).to_string())
                .json_body_includes(
                    json!({"s_query": {"type": "and"}, "send_done_email": false}).to_string(),
                );
            then.status(200).json_body(documented_export());
        })
        .await;
    let export = CreateLeadExport {
        s_query: Some(query.clone()),
        send_done_email: Some(false),
        sort: vec![Sort::asc(Field::lead("date_updated"))],
        ..CreateLeadExport::new(ExportFormat::Csv, LeadExportType::Leads)
    };
    let created = c.exports().create_lead(export).await.expect("export");
    export_mock.assert_async().await;
    assert!(created
        .id
        .as_deref()
        .is_some_and(|id| id.starts_with("expo_")));
}

fn documented_export() -> Value {
    json!({"created_by": "user_N6KhMpzHRCYQHdn4gRNIFNN5JExnsrprKA6ekxM63XA", "date_created": "2014-04-02T15:00:05.190000+00:00", "date_format": "iso8601", "date_updated": "2014-04-02T23:36:30.719000+00:00", "download_url": null, "fields": ["addresses", "contacts", "created_by", "custom", "date_created", "display_name", "id", "name"], "format": "csv", "id": "expo_yasdalskdjjflkahxrvLG8iVupzjoJVRPgrGhJ0A0b3bae", "n_docs": null, "n_docs_processed": 0, "organization_id": "orga_alksdjdfjasdfkljasdlkfjfaklsdjf", "results_limit": null, "s_query": {"queries": [{"object_type": "lead", "type": "object_type"}, {"condition": {"mode": "full_words", "type": "text", "value": "ACME Inc."}, "field": {"field_name": "name", "object_type": "lead", "type": "regular_field"}, "type": "field_condition"}], "type": "and"}, "send_done_email": false, "sort": [{"direction": "desc", "field": {"field_name": "date_created", "object_type": "lead", "type": "regular_field"}}], "status": "created", "type": "leads", "updated_by": "user_N6KhMpzHRCYQHdn4gRNIFNN5JExnsrprKA6ekxM63XA"})
}

/// "Export the same query": the `s_query` an export sends should select what the search
/// selected. The search adds the `object_type` query (module docs, "Object type"); an export
/// sends its `s_query` as given. Was a defect (nothing said so and there was no way to get the
/// search's query); `Query::for_objects` gives it, and the search module's docs say to use it.
#[tokio::test]
async fn export_sends_the_same_query_the_search_sent() {
    let c = client("http://127.0.0.1:9".into());
    let since: Timestamp = "2022-11-01T00:00:00+00:00".parse().expect("timestamp");
    let query = Query::updated_since(ObjectType::LEAD, &since);
    let searched = c.search().leads(query.clone()).body().expect("body")["query"].clone();
    let export = CreateLeadExport {
        s_query: Some(query.for_objects(ObjectType::LEAD).expect("a lead query")),
        ..CreateLeadExport::new(ExportFormat::Csv, LeadExportType::Leads)
    };
    let exported = serde_json::to_value(&export).expect("encode")["s_query"].clone();
    assert_eq!(
        exported, searched,
        "search sent {searched}, export sends {exported}"
    );
}

/// README's Search section teaches `.stream()`, which the rustdoc marks deprecated ("use
/// `.paginate()`, as for every other list"): a newcomer copying the README gets a warning.
#[test]
fn readme_search_example_uses_paginate() {
    let readme = include_str!("../../../README.md");
    let search = readme.split("## Search").nth(1).expect("a Search section");
    let search = search.split("\n## ").next().unwrap_or_default();
    assert!(
        !search.contains(".stream()"),
        "README's Search section still calls .stream()"
    );
}
