//! Search (issue 21): Close's Advanced Filtering API. Every example of `fixtures/search/` (see
//! its `manifest.json` for sources) built with the typed API and compared with Close's JSON,
//! read back typed and written back unchanged, every example answer decoded; then, over
//! loopback: cursor paging across three pages, a repeated cursor and a repeated page (each ends
//! the stream with an error), drops mid-stream, a custom field resolved by name through a
//! catalog served by the mock, the common jobs' exact bodies, counts, a smart view's stored
//! `s_query` sent as it is, and invalid searches refused before anything is sent.

use std::time::Duration;

use close_sdk::custom_fields::{CustomFieldCatalog, CustomFieldObject};
use close_sdk::search::{
    Condition, DayEnd, Field, Moment, ObjectType, Offset, OffsetDirection, Query, SearchPage,
    SearchRequest, Sort, TextMode,
};
use close_sdk::{Client, Error};
use close_sdk_tests::resources::*;
use close_sdk_tests::*;
use futures_util::StreamExt;
use httpmock::prelude::*;
use serde_json::{json, Value};

/// The bound on any one scenario.
const BOUND: Duration = Duration::from_secs(10);
/// The bound on draining a stream (items and errors).
const MAX_ITEMS: usize = 100;

fn fixture(file: &str) -> Value {
    let path = format!("{}/fixtures/search/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A client that is never used to send (for `.body()`).
fn offline_client() -> Client {
    Client::builder()
        .api_key(API_KEY)
        .base_url("http://127.0.0.1:9/")
        .build()
        .unwrap()
}

fn to_json(v: &impl serde::Serialize) -> Value {
    serde_json::to_value(v).unwrap()
}

/// Close's SaaS example's related query: contacts of leads whose industry is SaaS.
fn saas_lead() -> Query {
    Query::has_related(
        ObjectType::CONTACT,
        ObjectType::LEAD,
        Query::field(
            Field::custom(
                &"cf_B57sofuEB7OBneH86SJctTr7hfiAiQcgkGRbAQfha0Z"
                    .parse()
                    .unwrap(),
            ),
            Condition::term(["Software as a service"]),
        )
        .with_negate(false),
    )
}

/// `{"type": "and", …}` with `"negate": false` on it and on every part, as Close's app writes.
fn and_false(parts: impl IntoIterator<Item = Query>) -> Query {
    Query::and(parts.into_iter().map(|q| q.with_negate(false))).with_negate(false)
}

fn days_ago(which: DayEnd) -> Moment {
    match Moment::ago(Offset::days(1)) {
        Moment::Offset(mut o) => {
            o.which_day_end = Some(which);
            assert_eq!(o.direction, OffsetDirection::Past);
            Moment::Offset(o)
        }
        other => other,
    }
}

/// The typed build of example `name` of `file`, as JSON; `None` for answers (decoded, not
/// built).
fn built(file: &str, name: &str) -> Option<Value> {
    let client = offline_client();
    let search = client.search();
    let body = |b: Result<Value, Error>| b.unwrap();
    // A body whose example writes `"query": {}` for any query.
    let placeholder = |b: Result<Value, Error>| {
        let mut v = b.unwrap();
        v["query"] = json!({});
        v
    };
    let any = || SearchRequest::new(Query::match_all());
    Some(match (file, name) {
        ("advanced_filtering_page.json", "ceo_contacts_request")
        | ("contact_filtering_page.json", "ceo_contacts_request") => {
            body(search.contacts(Query::contact_title("CEO")).body())
        }
        ("advanced_filtering_page_copy.json", name) => match name {
            "query_id" => to_json(&Query::id("cont_abcdef")),
            "query_object_type" => to_json(&Query::object_type(ObjectType::CONTACT)),
            "query_text" => to_json(&Query::text("Bruce", TextMode::FullWords)),
            "query_field_condition" => to_json(&Query::contact_title("CEO")),
            "field_regular" => to_json(&Field::contact("name")),
            "field_custom" => to_json(&Field::custom(&"cf_abcdef".parse().unwrap())),
            "query_has_related" => to_json(&saas_lead()),
            "condition_boolean" => to_json(&Condition::boolean(true)),
            "condition_current_user" => to_json(&Condition::CurrentUser),
            "condition_exists" => to_json(&Condition::Exists),
            "condition_text" => to_json(&Condition::text(TextMode::FullWords, "Bruce")),
            "condition_term" => to_json(&Condition::term(["draft", "sent"])),
            "condition_reference" => {
                to_json(&Condition::reference("user", ["user_abc", "user_def"]))
            }
            "condition_number_range" => to_json(&Condition::greater_than(1)),
            "request_fields" => placeholder(
                search
                    .request(any())
                    .fields_for(ObjectType::CONTACT, ["id", "name", "title"])
                    .body(),
            ),
            "request_results_limit" => placeholder(search.request(any()).limit(100).body()),
            "request_include_counts" => {
                let mut r = any();
                r.set_include_counts(true);
                r.set_results_limit(Some(0));
                placeholder(search.request(r).body())
            }
            "request_sort" => placeholder(
                search
                    .request(any())
                    .sort(Sort::asc(Field::contact("title")))
                    .body(),
            ),
            "request_pagination" => placeholder(
                search
                    .request(any())
                    .page_size(10)
                    .cursor("<cursor_from_previous_response>")
                    .body(),
            ),
            "saas_ceos_request" => body(
                search
                    .contacts(Query::and([
                        Query::field(Field::contact("emails_count"), Condition::greater_than(1)),
                        Query::contact_title("CEO"),
                        saas_lead(),
                    ]))
                    .body(),
            ),
            _ => return None,
        },
        ("openapi_examples.json", name) => match name {
            "smart_view_list_all_leads_s_query" | "smart_view_list_all_contacts_s_query" => {
                let mut r = SearchRequest::new(Query::match_all().with_negate(false));
                r.set_results_limit(None);
                r.set_sort(vec![]);
                to_json(&r)
            }
            "smart_view_create_lead_s_query" | "smart_view_created_lead_s_query" => {
                body(search.leads(bluth()).body())
            }
            "smart_view_create_contact_s_query" => {
                body(search.contacts(Query::contact_title("CEO")).body())
            }
            "smart_view_created_contact_s_query" => {
                let query = and_false([
                    Query::object_type(ObjectType::CONTACT),
                    Query::contact_title("CEO"),
                ]);
                let mut r = SearchRequest::new(query);
                r.set_results_limit(None);
                to_json(&r)
            }
            "export_lead_request_search_members" => {
                let mut r = SearchRequest::new(acme());
                r.set_results_limit(None);
                r.set_sort(vec![Sort::desc(Field::lead("date_created"))]);
                let mut v = to_json(&r);
                let query = v["query"].take();
                let map = v.as_object_mut().unwrap();
                map.remove("query");
                map.insert("s_query".into(), query);
                v
            }
            "bulk_edit_request_s_query" => to_json(&acme()),
            _ => return None,
        },
        ("public_code.json", name) => match name {
            "opportunity_status_updated_yesterday_request" => {
                // Built without its unknown `limit` member, which only a read keeps.
                let related = and_false([
                    Query::field(
                        Field::opportunity("status_id"),
                        Condition::reference(
                            "status.opportunity",
                            ["stat_McEODR79uGuxnJfEVRVRYaBKohwEmyi8R38ZuyU1MHA"],
                        ),
                    ),
                    Query::field(
                        Field::opportunity("date_updated"),
                        Condition::between(days_ago(DayEnd::Start), days_ago(DayEnd::End)),
                    ),
                ]);
                let query = and_false([
                    Query::object_type(ObjectType::LEAD),
                    and_false([Query::has_related(
                        ObjectType::LEAD,
                        ObjectType::OPPORTUNITY,
                        related,
                    )]),
                ]);
                let mut r = SearchRequest::new(query);
                r.set_results_limit(None);
                r.set_sort(vec![]);
                let mut v = to_json(&r);
                v["limit"] = Value::Null;
                v
            }
            "smart_view_leads_request" => body(
                search
                    .leads(Query::saved_search(
                        "save_ebxRoBR5KEXJz0jTSCfn1xyaXMQYBHmskqU6iCOoZd9",
                    ))
                    .fields([
                        "id",
                        "display_name",
                        "status_id",
                        "name",
                        "contacts",
                        "custom",
                    ])
                    .limit(100)
                    .body(),
            ),
            "updated_since_condition" => to_json(&Condition::on_or_after(Moment::utc(
                &"2024-01-02T03:04:05+00:00".parse().unwrap(),
            ))),
            _ => return None,
        },
        _ => return None,
    })
}

fn bluth() -> Query {
    Query::field(
        Field::lead("display_name"),
        Condition::text(TextMode::FullWords, "Bluth Company"),
    )
}

fn acme() -> Query {
    Query::and([
        Query::object_type(ObjectType::LEAD),
        Query::field(
            Field::lead("name"),
            Condition::text(TextMode::FullWords, "ACME Inc."),
        ),
    ])
}

/// Every example of the manifest: (file, name, kind, source kind, placeholder query).
fn examples() -> Vec<(String, String, String, String, bool)> {
    let manifest = fixture("manifest.json");
    let mut out = Vec::new();
    for (file, entry) in manifest["files"].as_object().unwrap() {
        let data = fixture(file);
        let listed = entry["examples"].as_object().unwrap();
        assert_eq!(
            data.as_object().unwrap().keys().collect::<Vec<_>>(),
            listed.keys().collect::<Vec<_>>(),
            "{file}: the manifest lists exactly the file's examples"
        );
        assert!(entry["source"].as_str().is_some_and(|s| !s.is_empty()));
        for (name, meta) in listed {
            out.push((
                file.clone(),
                name.clone(),
                meta["kind"].as_str().unwrap().to_string(),
                entry["source_kind"].as_str().unwrap().to_string(),
                meta["placeholder_query"].as_bool().unwrap_or(false),
            ));
        }
    }
    out
}

#[test]
fn every_example_builds_with_the_typed_api_to_exactly_closes_json() {
    let mut built_count = 0;
    for (file, name, kind, _, _) in examples() {
        let expected = fixture(&file)[&name].clone();
        match built(&file, &name) {
            Some(actual) => {
                assert_eq!(actual, expected, "{file} {name}");
                built_count += 1;
            }
            None => assert_eq!(kind, "response", "{file} {name} has no typed build"),
        }
    }
    assert_eq!(built_count, 33);
}

/// Whether any part of `q` is kept raw.
fn has_raw(q: &Query) -> bool {
    match q {
        Query::And(c) | Query::Or(c) => c.queries.iter().any(has_raw),
        Query::FieldCondition(f) => field_raw(&f.field) || condition_raw(&f.condition),
        Query::HasRelated(h) => has_raw(&h.related_query),
        Query::Raw(_) => true,
        _ => false,
    }
}

fn field_raw(f: &Field) -> bool {
    matches!(f, Field::Raw(_))
}

fn condition_raw(c: &Condition) -> bool {
    match c {
        Condition::Raw(_) => true,
        Condition::MomentRange(r) => [r.on_or_after_moment(), r.before_moment()]
            .into_iter()
            .flatten()
            .any(moment_raw),
        _ => false,
    }
}

fn moment_raw(m: &Moment) -> bool {
    match m {
        Moment::Raw(_) => true,
        Moment::Offset(o) => moment_raw(&o.moment),
        _ => false,
    }
}

/// Reads `v` as `T` and checks that writing it back gives `v` exactly.
fn read_back<T: serde::de::DeserializeOwned + serde::Serialize>(v: &Value, what: &str) -> T {
    let typed: T = serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("{what}: {e}"));
    assert_eq!(to_json(&typed), *v, "{what} round trip");
    typed
}

#[test]
fn every_example_reads_typed_and_writes_back_unchanged() {
    let mut read = 0;
    for (file, name, kind, _, placeholder) in examples() {
        let mut v = fixture(&file)[&name].clone();
        let what = format!("{file} {name}");
        if placeholder {
            v["query"] = json!({"type": "match_all"});
        }
        let raw = match kind.as_str() {
            "request" | "s_query" => has_raw(read_back::<SearchRequest>(&v, &what).query()),
            "export_members" => {
                let map = v.as_object_mut().unwrap();
                let query = map.remove("s_query").unwrap();
                map.insert("query".into(), query);
                has_raw(read_back::<SearchRequest>(&v, &what).query())
            }
            "query" => has_raw(&read_back::<Query>(&v, &what)),
            "field" => field_raw(&read_back::<Field>(&v, &what)),
            "condition" => condition_raw(&read_back::<Condition>(&v, &what)),
            "response" => continue,
            other => panic!("{what}: unknown kind {other}"),
        };
        // Every kind the examples use is one the SDK types.
        assert!(!raw, "{what}: a part was kept raw");
        read += 1;
    }
    assert_eq!(read, 33);
}

#[test]
fn every_example_answer_decodes() {
    let mut decoded = 0;
    for (file, name, kind, _, _) in examples() {
        if kind != "response" {
            continue;
        }
        let v = fixture(&file)[&name].clone();
        let page: SearchPage<Value> =
            serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("{file} {name}: {e}"));
        assert!(page.cursor.is_none());
        for item in &page.data {
            assert!(item["__object_type"].is_string() && item["id"].is_string());
        }
        decoded += 1;
    }
    assert_eq!(decoded, 3);
    let counts: SearchPage<Value> = serde_json::from_value(
        fixture("advanced_filtering_page_copy.json")["response_counts"].clone(),
    )
    .unwrap();
    let count = counts.count.unwrap();
    assert_eq!((count.total, count.limited), (Some(3), Some(0)));
}

#[test]
fn a_smart_views_s_query_reads_typed() {
    let s_query = fixture("openapi_examples.json")["smart_view_created_contact_s_query"].clone();
    let request: SearchRequest = serde_json::from_value(s_query).unwrap();
    assert_eq!(request.results_limit(), None);
    match request.query() {
        Query::And(c) => {
            assert_eq!(c.queries.len(), 2);
            assert_eq!(c.queries[1], Query::contact_title("CEO").with_negate(false));
        }
        other => panic!("{other:?}"),
    }
}

// --- over loopback ---

/// Close's documented lead (`GET /lead/` example) as a search result with id `id`.
fn lead_result(id: &str) -> Value {
    let mut lead = response_example("get", "/lead/")["data"][0].clone();
    lead["id"] = json!(id);
    lead["__object_type"] = json!("lead");
    lead
}

/// The body the typed lead searches below send for `Query::match_all()` with `_limit` 2.
fn all_leads_body(cursor: Option<&str>) -> Value {
    let mut body = json!({
        "query": {"type": "and", "queries": [
            {"type": "object_type", "object_type": "lead"},
            {"type": "match_all"}
        ]},
        "_limit": 2
    });
    if let Some(c) = cursor {
        body["cursor"] = json!(c);
    }
    body
}

async fn search_mock<'a>(server: &'a MockServer, body: Value, answer: Value) -> httpmock::Mock<'a> {
    expect_call(server, POST, "/data/search/", Some(&body), 200, &answer).await
}

/// Drains `stream` (bounded in items and time): the ids of the items, then the errors.
async fn drain<T: serde::Serialize>(
    mut stream: close_sdk::Paginated<T>,
) -> (Vec<String>, Vec<Error>) {
    tokio::time::timeout(BOUND, async move {
        let (mut ids, mut errors) = (Vec::new(), Vec::new());
        for _ in 0..MAX_ITEMS {
            match stream.next().await {
                Some(Ok(item)) => ids.push(to_json(&item)["id"].as_str().unwrap().to_string()),
                Some(Err(e)) => errors.push(e),
                None => return (ids, errors),
            }
        }
        panic!("the stream did not end within {MAX_ITEMS} items");
    })
    .await
    .expect("the stream ends in time")
}

#[tokio::test]
async fn a_stream_follows_the_cursor_across_three_pages_as_typed_leads() {
    let server = MockServer::start_async().await;
    let pages = [
        search_mock(
            &server,
            all_leads_body(None),
            json!({"data": [lead_result("lead_1"), lead_result("lead_2")], "cursor": "c1"}),
        )
        .await,
        search_mock(
            &server,
            all_leads_body(Some("c1")),
            json!({"data": [lead_result("lead_3"), lead_result("lead_4")], "cursor": "c2"}),
        )
        .await,
        search_mock(
            &server,
            all_leads_body(Some("c2")),
            json!({"data": [lead_result("lead_5")], "cursor": null}),
        )
        .await,
    ];
    let client = api_key_client(&server);
    let stream = client
        .search()
        .leads(Query::match_all())
        .page_size(2)
        .paginate();
    let (ids, errors) = drain(stream).await;
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(ids, ["lead_1", "lead_2", "lead_3", "lead_4", "lead_5"]);
    for page in &pages {
        page.assert_calls_async(1).await;
    }
}

#[tokio::test]
async fn a_repeated_cursor_ends_the_stream_with_an_error() {
    let server = MockServer::start_async().await;
    let first = search_mock(
        &server,
        all_leads_body(None),
        json!({"data": [lead_result("lead_1"), lead_result("lead_2")], "cursor": "same"}),
    )
    .await;
    let again = search_mock(
        &server,
        all_leads_body(Some("same")),
        json!({"data": [lead_result("lead_3")], "cursor": "same"}),
    )
    .await;
    let client = api_key_client(&server);
    let (ids, errors) = drain(
        client
            .search()
            .leads(Query::match_all())
            .page_size(2)
            .paginate(),
    )
    .await;
    assert_eq!(
        ids,
        ["lead_1", "lead_2"],
        "the repeating answer is not yielded"
    );
    assert_eq!(errors.len(), 1);
    assert!(matches!(errors[0], Error::Decode { .. }), "{:?}", errors[0]);
    assert!(
        errors[0].to_string().contains("cursor received before"),
        "{}",
        errors[0]
    );
    first.assert_calls_async(1).await;
    again.assert_calls_async(1).await;
}

#[tokio::test]
async fn a_page_repeating_an_earlier_one_ends_the_stream_with_an_error() {
    // A server that ignores the cursor but hands out a new one each time.
    let server = MockServer::start_async().await;
    let data = json!([lead_result("lead_1"), lead_result("lead_2")]);
    let first = search_mock(
        &server,
        all_leads_body(None),
        json!({"data": data, "cursor": "c1"}),
    )
    .await;
    let second = search_mock(
        &server,
        all_leads_body(Some("c1")),
        json!({"data": data, "cursor": "c2"}),
    )
    .await;
    let client = api_key_client(&server);
    let (ids, errors) = drain(
        client
            .search()
            .leads(Query::match_all())
            .page_size(2)
            .paginate(),
    )
    .await;
    assert_eq!(ids, ["lead_1", "lead_2"]);
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0].to_string().contains("repeats an earlier page"),
        "{}",
        errors[0]
    );
    first.assert_calls_async(1).await;
    second.assert_calls_async(1).await;
}

#[tokio::test]
async fn dropping_a_stream_after_its_first_item_sends_nothing_more_and_the_client_goes_on() {
    let server = MockServer::start_async().await;
    let first = search_mock(
        &server,
        all_leads_body(None),
        json!({"data": [lead_result("lead_1"), lead_result("lead_2")], "cursor": "c1"}),
    )
    .await;
    let second = search_mock(
        &server,
        all_leads_body(Some("c1")),
        json!({"data": [lead_result("lead_3")], "cursor": null}),
    )
    .await;
    let client = api_key_client(&server);
    let mut stream = client
        .search()
        .leads(Query::match_all())
        .page_size(2)
        .paginate();
    let item = tokio::time::timeout(BOUND, stream.next()).await.unwrap();
    assert!(item.unwrap().is_ok());
    drop(stream);
    tokio::time::sleep(Duration::from_millis(100)).await;
    first.assert_calls_async(1).await;
    second.assert_calls_async(0).await;

    // The next call on the same client answers at once.
    let one = search_mock(
        &server,
        json!({"query": {"type": "and", "queries": [
            {"type": "object_type", "object_type": "lead"}, {"type": "id", "value": "lead_9"}]}}),
        json!({"data": [lead_result("lead_9")], "cursor": null}),
    )
    .await;
    let page = tokio::time::timeout(
        Duration::from_secs(2),
        client.search().leads(Query::id("lead_9")).send(),
    )
    .await
    .expect("answered in time")
    .unwrap();
    assert_eq!(to_json(&page.data[0])["id"], "lead_9");
    one.assert_calls_async(1).await;
}

#[tokio::test]
async fn dropping_a_stream_during_its_request_leaves_the_client_usable() {
    let server = MockServer::start_async().await;
    let stalled = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/data/search/")
                .json_body(all_leads_body(None));
            then.status(200)
                .header("content-type", "application/json")
                .delay(Duration::from_secs(5))
                .json_body(json!({"data": [], "cursor": null}));
        })
        .await;
    let client = api_key_client(&server);
    let mut stream = client
        .search()
        .leads(Query::match_all())
        .page_size(2)
        .paginate();
    let cut = tokio::time::timeout(Duration::from_millis(200), stream.next()).await;
    assert!(cut.is_err(), "the request was still in flight");
    drop(stream);
    stalled.assert_calls_async(1).await;

    let count = search_mock(
        &server,
        json!({"query": {"type": "and", "queries": [
            {"type": "object_type", "object_type": "lead"}, {"type": "id", "value": "lead_1"}]},
            "include_counts": true, "results_limit": 0}),
        fixture("advanced_filtering_page_copy.json")["response_counts"].clone(),
    )
    .await;
    let n = tokio::time::timeout(
        Duration::from_secs(2),
        client.search().leads(Query::id("lead_1")).count(),
    )
    .await
    .expect("answered in time")
    .unwrap();
    assert_eq!(n.total, Some(3));
    count.assert_calls_async(1).await;
}

#[tokio::test]
async fn a_custom_field_is_found_by_name_through_a_catalog_served_over_loopback() {
    let server = MockServer::start_async().await;
    let fields = response_example("get", "/custom_field/lead/")["data"]
        .as_array()
        .unwrap()
        .clone();
    let catalog_pages = mock_pages(&server, "/custom_field/lead/", &fields, 100).await;
    let client = api_key_client(&server);
    let catalog = CustomFieldCatalog::load(&client, CustomFieldObject::Lead)
        .await
        .unwrap();
    catalog_pages[0].assert_async().await;

    let expected = json!({"query": {"type": "and", "queries": [
        {"type": "object_type", "object_type": "lead"},
        {"type": "field_condition",
         "field": {"type": "custom_field",
                   "custom_field_id": "cf_8wtBWsdRU2Fur7GDnEeXQ7ra2Vu7R4hG1SNYdiEhh0F"},
         "condition": {"type": "term", "values": ["IT"]}}
    ]}, "_fields": {"lead": ["id", "display_name"]}});
    let search = search_mock(&server, expected, json!({"data": [], "cursor": null})).await;
    let run = |name: &'static str| {
        let (client, catalog) = (client.clone(), catalog.clone());
        async move {
            let industry = Field::custom_named(&catalog, name)?;
            client
                .search()
                .leads(Query::field(industry, Condition::term(["IT"])))
                .fields(["id", "display_name"])
                .send()
                .await
        }
    };
    let page = tokio::time::timeout(BOUND, run("  industry "))
        .await
        .unwrap()
        .unwrap();
    assert!(page.data.is_empty());
    search.assert_calls_async(1).await;

    let unknown = tokio::time::timeout(BOUND, run("Industries"))
        .await
        .unwrap();
    match unknown {
        Err(Error::InvalidRequest(why)) => assert!(why.contains("Industries"), "{why}"),
        other => panic!("{other:?}"),
    }
    search.assert_calls_async(1).await;
}

#[tokio::test]
async fn the_common_jobs_send_exactly_these_bodies() {
    let server = MockServer::start_async().await;
    let client = api_key_client(&server);
    let empty = json!({"data": [], "cursor": null});
    let since: close_sdk::Timestamp = "2024-01-02T03:04:05+00:00".parse().unwrap();

    let updated = search_mock(
        &server,
        json!({"query": {"type": "and", "queries": [
            {"type": "object_type", "object_type": "lead"},
            {"type": "field_condition",
             "field": {"type": "regular_field", "object_type": "lead", "field_name": "date_updated"},
             "condition": {"type": "moment_range",
                           "on_or_after": {"type": "fixed_utc", "value": "2024-01-02T03:04:05+00:00"}}}
        ]}}),
        empty.clone(),
    )
    .await;
    let titles = search_mock(
        &server,
        fixture("advanced_filtering_page.json")["ceo_contacts_request"].clone(),
        empty.clone(),
    )
    .await;
    let deals = search_mock(
        &server,
        json!({"query": {"type": "and", "queries": [
            {"type": "object_type", "object_type": "lead"},
            {"type": "field_condition",
             "field": {"type": "regular_field", "object_type": "lead", "field_name": "status_id"},
             "condition": {"type": "reference", "reference_type": "status.lead",
                           "object_ids": ["stat_xxx"]}},
            {"type": "has_related", "this_object_type": "lead", "related_object_type": "opportunity",
             "related_query": {"type": "field_condition",
                "field": {"type": "regular_field", "object_type": "opportunity", "field_name": "value"},
                "condition": {"type": "number_range", "gt": 500000}}}
        ]}}),
        empty.clone(),
    )
    .await;
    let view = search_mock(
        &server,
        json!({"query": {"type": "saved_search", "saved_search_id": "save_xxx"}}),
        empty.clone(),
    )
    .await;

    let search = client.search();
    let jobs = async {
        // The four jobs, one line each, as the module documents them.
        let a = search
            .leads(Query::updated_since(ObjectType::LEAD, &since))
            .paginate();
        let b = search.contacts(Query::contact_title("CEO")).paginate();
        let c = search
            .leads(Query::in_status_with_opportunity_above("stat_xxx", 500_000))
            .paginate();
        let d = search.leads(Query::saved_search("save_xxx")).paginate();
        assert!(drain(a).await.1.is_empty());
        assert!(drain(b).await.1.is_empty());
        assert!(drain(c).await.1.is_empty());
        assert!(drain(d).await.1.is_empty());
    };
    tokio::time::timeout(BOUND, jobs).await.unwrap();
    for m in [&updated, &titles, &deals, &view] {
        m.assert_calls_async(1).await;
    }
}

#[tokio::test]
async fn a_smart_views_stored_s_query_is_sent_as_it_is() {
    let server = MockServer::start_async().await;
    let s_query = fixture("openapi_examples.json")["smart_view_created_contact_s_query"].clone();
    let answer = fixture("advanced_filtering_page_copy.json")["saas_ceos_response"].clone();
    let mock = search_mock(&server, s_query.clone(), answer).await;
    let request: SearchRequest = serde_json::from_value(s_query).unwrap();
    let client = api_key_client(&server);
    let page = tokio::time::timeout(BOUND, client.search().request(request).send())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(page.data[0]["name"], "Bruce Wayne");
    assert_eq!(page.data[1]["__object_type"], "contact");
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn invalid_searches_are_refused_before_anything_is_sent() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(500);
        })
        .await;
    let client = api_key_client(&server);
    let search = client.search();
    let cases = [
        (
            "empty and",
            search.leads(Query::and([])),
            "`and` query has no queries",
        ),
        (
            "empty or inside",
            search.leads(Query::or([Query::or([])])),
            "`or` query has no queries",
        ),
        (
            "limit 0",
            search.leads(Query::match_all()).limit(0),
            "count()",
        ),
        (
            "page size 0",
            search.leads(Query::match_all()).page_size(0),
            "`_limit`",
        ),
        (
            "empty fields",
            search
                .leads(Query::match_all())
                .fields(Vec::<String>::new()),
            "`_fields`",
        ),
        (
            "empty term",
            search.leads(Query::field(
                Field::lead("x"),
                Condition::term(Vec::<String>::new()),
            )),
            "term",
        ),
        (
            "other type",
            search.leads(Query::object_type(ObjectType::CONTACT)),
            "asks for `contact`",
        ),
        (
            "raw non-query",
            search.leads(Query::Raw(json!([1]))),
            "raw query",
        ),
    ];
    for (what, builder, says) in cases {
        let refused = tokio::time::timeout(BOUND, builder.send()).await.unwrap();
        match refused {
            Err(Error::InvalidRequest(why)) => assert!(why.contains(says), "{what}: {why}"),
            other => panic!("{what}: {other:?}"),
        }
    }
    let (ids, errors) = drain(search.contacts(Query::and([])).paginate()).await;
    assert!(ids.is_empty());
    assert!(
        matches!(errors.as_slice(), [Error::InvalidRequest(_)]),
        "{errors:?}"
    );
    let count = tokio::time::timeout(BOUND, search.leads(Query::or([])).count())
        .await
        .unwrap();
    assert!(matches!(count, Err(Error::InvalidRequest(_))), "{count:?}");
    any.assert_calls_async(0).await;
}
