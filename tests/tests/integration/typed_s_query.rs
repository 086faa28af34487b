//! The typed `s_query` (issue 21): wherever a body carries Close's search query (exports, bulk
//! actions, smart views) the generated type holds `close_sdk::search`'s types (the generator
//! rule `close-sdk-gen/src/openapi/search_query.rs`). Over loopback, each request body is compared,
//! exactly, with the request example of Close's own per-tag extract carried in
//! `openapi/close.json` (api-evangelist/close at 08451fdc, see `openapi/upstream/provenance.json`:
//! close-smart-views-api-openapi.yml, close-bulk-actions-delete-api-openapi.yml,
//! close-exports-api-openapi.yml); each documented answer decodes typed and writes back
//! unchanged; and a smart view whose `s_query` holds shapes the SDK does not model decodes,
//! writes back exactly, and is sent back (update, search) byte for byte as the same JSON.
//!
//! Exports and bulk-action request bodies are untyped JSON in the document today; their tests
//! put the typed query and sort into that JSON (a typed body struct takes them as they are).

use std::time::Duration;

use close_sdk::search::{Condition, Field, ObjectType, Query, SearchRequest, Sort, TextMode};
use close_sdk::types::{
    BulkDeleteAction, CreateBulkDelete, CreateLeadExport, CreateSmartView, ExportDateFormat,
    ExportFormat, LeadExportType, SmartView, UpdateSmartView,
};
use close_sdk::Patch;
use close_sdk_tests::resources::*;
use close_sdk_tests::*;
use httpmock::prelude::*;
use serde_json::{json, Value};

const BOUND: Duration = Duration::from_secs(10);

/// The query of Close's bulk-action and export examples: leads named "ACME Inc.".
fn acme() -> Query {
    Query::and([
        Query::object_type(ObjectType::LEAD),
        Query::field(
            Field::lead("name"),
            Condition::text(TextMode::FullWords, "ACME Inc."),
        ),
    ])
}

/// Their sort: newest first.
fn newest_first() -> Vec<Sort> {
    vec![Sort::desc(Field::lead("date_created"))]
}

#[tokio::test]
async fn a_smart_view_is_created_with_a_typed_search_exactly_as_closes_example() {
    // `POST /saved_search/`, Close's example "Create a Contact Smart View".
    let documented = request_example("post", "/saved_search/");
    let ceos = Query::and([
        Query::object_type(ObjectType::CONTACT),
        Query::field(
            Field::contact("title"),
            Condition::text(TextMode::FullWords, "CEO"),
        ),
    ]);
    let body = CreateSmartView {
        name: Some("CEOs".into()),
        s_query: Some(SearchRequest::new(ceos)),
        type_: Some("contact".into()),
        ..Default::default()
    };
    assert_eq!(serde_json::to_value(&body).unwrap(), documented);

    let server = MockServer::start_async().await;
    let answer = response_example("post", "/saved_search/");
    let mock = expect_call(
        &server,
        POST,
        "/saved_search/",
        Some(&documented),
        200,
        &answer,
    )
    .await;
    let client = api_key_client(&server);
    let created = tokio::time::timeout(BOUND, client.smart_views().create(body))
        .await
        .expect("in time")
        .expect("created");
    mock.assert_async().await;
    // The answer's `s_query` is typed, and nothing of it is lost.
    let s_query = created.s_query.clone().expect("s_query");
    assert!(matches!(s_query.query(), Query::And(_)), "{s_query:?}");
    assert_eq!(
        serde_json::to_value(&s_query).unwrap(),
        answer["s_query"],
        "written back as Close sent it"
    );
    assert_eq!(serde_json::to_value(&created).unwrap(), answer);
}

#[tokio::test]
async fn a_bulk_delete_sends_a_typed_query_and_reads_it_back_typed() {
    // `POST /bulk_action/delete/`, Close's request example.
    let documented = request_example("post", "/bulk_action/delete/");
    // Built typed. Close's example also says `"results_limit": null`, which an unset typed member
    // leaves out (the same request: no limit); every other key is Close's, byte for byte.
    let body = CreateBulkDelete {
        s_query: Some(acme()),
        sort: newest_first(),
        ..Default::default()
    };
    let mut expected = documented.clone();
    expected.as_object_mut().unwrap().remove("results_limit");
    assert_eq!(serde_json::to_value(&body).unwrap(), expected);
    // Close's exact JSON, decoded, goes out exactly as written (the `null` remembered).
    let body: CreateBulkDelete = serde_json::from_value(documented.clone()).unwrap();

    let server = MockServer::start_async().await;
    let answer = response_example("post", "/bulk_action/delete/");
    let mock = expect_call(
        &server,
        POST,
        "/bulk_action/delete/",
        Some(&documented),
        200,
        &answer,
    )
    .await;
    let client = api_key_client(&server);
    let action: BulkDeleteAction =
        tokio::time::timeout(BOUND, client.bulk_actions().delete().create(body))
            .await
            .expect("in time")
            .expect("created");
    mock.assert_async().await;
    assert_eq!(action.s_query, Some(acme()), "the same typed query");
    assert_eq!(action.sort, Some(newest_first()));
    assert_eq!(serde_json::to_value(&action).unwrap(), answer);
}

#[tokio::test]
async fn a_lead_export_sends_a_typed_query_exactly_as_closes_example() {
    // `POST /export/lead/`, Close's request example.
    let documented = request_example("post", "/export/lead/");
    // Built typed (the example's `"results_limit": null` is an unset member, left out).
    let body = CreateLeadExport {
        date_format: Some(ExportDateFormat::Iso8601),
        send_done_email: Some(false),
        s_query: Some(acme()),
        sort: newest_first(),
        ..CreateLeadExport::new(ExportFormat::Csv, LeadExportType::Leads)
    };
    let mut expected = documented.clone();
    expected.as_object_mut().unwrap().remove("results_limit");
    assert_eq!(serde_json::to_value(&body).unwrap(), expected);
    // Close's exact JSON, decoded, goes out exactly as written.
    let body: CreateLeadExport = serde_json::from_value(documented.clone()).unwrap();

    let server = MockServer::start_async().await;
    let answer = response_example("post", "/export/lead/");
    let mock = expect_call(
        &server,
        POST,
        "/export/lead/",
        Some(&documented),
        200,
        &answer,
    )
    .await;
    let client = api_key_client(&server);
    tokio::time::timeout(BOUND, client.exports().create_lead(body))
        .await
        .expect("in time")
        .expect("created");
    mock.assert_async().await;
    // The answer's query reads as the same typed query.
    let echoed: Query = serde_json::from_value(answer["s_query"].clone()).unwrap();
    assert_eq!(echoed, acme());
}

/// A smart view as Close's app may store it: query kinds and members the SDK does not model,
/// inside and around known ones, and an `s_query` member the SDK does not know.
fn unknown_s_query() -> Value {
    json!({
        "query": {"type": "and", "negate": false, "queries": [
            {"type": "object_type", "object_type": "lead", "negate": false},
            {"type": "lead_in_sequence_step", "sequence_id": "seqn_x", "step": 2, "negate": false},
            {"type": "field_condition", "negate": false,
             "field": {"type": "regular_field", "object_type": "lead", "field_name": "status_id"},
             "condition": {"type": "reference", "reference_type": "status.lead",
                           "object_ids": ["stat_x"], "include_archived": true}},
            {"type": "has_related", "negate": true, "this_object_type": "lead",
             "related_object_type": "task", "related_query": {"type": "future_kind"}}
        ]},
        "results_limit": null,
        "sort": [{"direction": "asc", "field": {"type": "smart_field", "name": "num_calls"}}],
        "view_options": {"columns": ["display_name"], "density": 2}
    })
}

#[tokio::test]
async fn a_smart_view_with_an_unknown_s_query_decodes_and_round_trips_exactly() {
    let mut stored = response_example("get", "/saved_search/{id}/");
    stored["s_query"] = unknown_s_query();
    let id = stored["id"].as_str().unwrap().to_string();

    // Decoded straight away, then written back as the same JSON.
    let view: SmartView = serde_json::from_value(stored.clone()).expect("decodes");
    assert_eq!(serde_json::to_value(&view).unwrap(), stored);
    let s_query = view.s_query.clone().expect("s_query");
    match s_query.query() {
        Query::And(and) => {
            assert!(matches!(and.queries[0], Query::ObjectType(_)));
            assert!(
                matches!(and.queries[1], Query::Raw(_)),
                "an unknown kind is raw"
            );
            match &and.queries[2] {
                Query::FieldCondition(f) => assert!(
                    matches!(f.condition, Condition::Raw(_)),
                    "a known condition with an unknown member is raw: {f:?}"
                ),
                other => panic!("a typed field_condition: {other:?}"),
            }
            assert!(matches!(and.queries[3], Query::HasRelated(_)));
        }
        other => panic!("the top level is a known `and`: {other:?}"),
    }
    assert_eq!(
        s_query.extra()["view_options"],
        unknown_s_query()["view_options"]
    );

    // Over loopback: read, sent back in an update, and searched as it is, byte for byte.
    let server = MockServer::start_async().await;
    let get = expect_call(
        &server,
        GET,
        &format!("/saved_search/{id}/"),
        None,
        200,
        &stored,
    )
    .await;
    let put = expect_call(
        &server,
        PUT,
        &format!("/saved_search/{id}/"),
        Some(&json!({"s_query": unknown_s_query()})),
        200,
        &stored,
    )
    .await;
    let search = expect_call(
        &server,
        POST,
        "/data/search/",
        Some(&unknown_s_query()),
        200,
        &json!({"data": [{"__object_type": "lead", "id": "lead_1"}], "cursor": null}),
    )
    .await;
    let client = api_key_client(&server);
    let read = tokio::time::timeout(BOUND, client.smart_views().get(id.as_str()))
        .await
        .expect("in time")
        .expect("read");
    get.assert_async().await;
    assert_eq!(read, view);
    let s_query = read.s_query.expect("s_query");
    let update = UpdateSmartView {
        s_query: Patch::Set(s_query.clone()),
        ..Default::default()
    };
    let updated = tokio::time::timeout(BOUND, client.smart_views().update(id.as_str(), update))
        .await
        .expect("in time")
        .expect("updated");
    put.assert_async().await;
    assert_eq!(serde_json::to_value(&updated).unwrap(), stored);
    let page = tokio::time::timeout(BOUND, client.search().request(s_query))
        .await
        .expect("in time")
        .expect("searched");
    search.assert_async().await;
    assert_eq!(page.data[0]["id"], "lead_1");
}

#[test]
fn stored_bulk_actions_and_smart_views_of_real_accounts_decode_typed_and_round_trip() {
    // Public records of Close accounts (tests/fixtures/corpus, see its manifest).
    let corpus = |file: &str| -> Value {
        let path = format!("{}/fixtures/corpus/{file}", env!("CARGO_MANIFEST_DIR"));
        serde_json::from_str(&std::fs::read_to_string(&path).expect(&path)).expect(&path)
    };
    let file = "bulk-action/airbyte-bulk-delete.json";
    let v = corpus(file);
    let delete: BulkDeleteAction =
        serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("{file}: {e}"));
    assert!(
        matches!(delete.s_query, Some(Query::And(_))),
        "{file}: typed"
    );
    assert_eq!(serde_json::to_value(&delete).unwrap(), v, "{file}");
    let file = "bulk-action/airbyte-bulk-edit-custom-field.json";
    let v = corpus(file);
    let edit: close_sdk::types::BulkEditAction =
        serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("{file}: {e}"));
    assert!(
        matches!(edit.s_query, Some(Query::MatchAll(_))),
        "{file}: typed"
    );
    assert_eq!(edit.sort, Some(vec![]), "{file}");
    assert_eq!(serde_json::to_value(&edit).unwrap(), v, "{file}");
    for file in [
        "smart-view/airbyte-smart-view-s-query.json",
        "smart-view/airbyte-smart-view-text-query-emoji.json",
    ] {
        let v = corpus(file);
        let view: SmartView =
            serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(serde_json::to_value(&view).unwrap(), v, "{file}");
    }
}
