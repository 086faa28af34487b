//! A newcomer's first use of today's `close_sdk::Request<'a, T>` (what a handle method with no
//! optional parameter returns) and `close_sdk::List<T>` (Close's `{data, has_more}` envelope,
//! with `ContactList`, `UserList`, `RoleList`, … as aliases), on recorded Close payloads
//! (`tests/fixtures/corpus/`) served over real HTTP by httpmock on loopback.
//!
//! What a newcomer does: fetch and print, keep requests in a struct or a `Vec` and send them
//! later, clone one to retry by hand, write a generic helper over `Request<'_, T>`, join
//! requests, hand `&List<T>` to functions, iterate `data()`, match `has_more`, keep a page in a
//! serde struct of their own, name a builder through its resource module, and decode recorded
//! list payloads through the aliases.

use std::future::IntoFuture;
use std::path::PathBuf;
use std::time::Duration;

use close_sdk::types::{
    CallActivity, CallActivityList, Contact, ContactList, CreateLead, CreateRole, CustomField,
    CustomFieldList, Lead, LeadList, LeadStatus, LeadStatusList, OpportunityList,
    OpportunityStatus, OpportunityStatusList, PhoneNumberList, Pipeline, PipelineList,
    RoleDefinition, RoleList, User, UserList,
};
use close_sdk::{Client, Error, List, Request, RetryPolicy};
use futures_util::future::join_all;
use httpmock::prelude::*;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// Upper bound for any one call.
const BOUND: Duration = Duration::from_secs(20);

async fn bounded<F: IntoFuture>(f: F) -> F::Output {
    tokio::time::timeout(BOUND, f)
        .await
        .expect("the call finished within the bound")
}

fn corpus_text(file: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/corpus")
        .join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"))
}

fn corpus(file: &str) -> Value {
    serde_json::from_str(&corpus_text(file)).expect("corpus payloads are JSON")
}

fn id_of(file: &str) -> String {
    corpus(file)["id"]
        .as_str()
        .expect("the recorded payload has an id")
        .to_string()
}

fn client(server: &MockServer) -> Client {
    Client::builder()
        .api_key("api_newcomer8")
        .base_url(server.base_url())
        .timeout(Duration::from_secs(5))
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client")
}

const LEAD: &str = "lead/airbyte-lead-full-custom.json";
const CONTACT: &str = "contact/closex-contact-get.json";
const ROLE_ADMIN: &str = "role/airbyte-role-admin.json";
const ROLE_RESTRICTED: &str = "role/airbyte-role-restricted-user.json";

/// Answers GET `path` with the recorded payload `file`.
async fn serve<'s>(server: &'s MockServer, path: String, file: &str) -> httpmock::Mock<'s> {
    let body = corpus_text(file);
    server
        .mock_async(|when, then| {
            when.method(GET).path(path);
            then.status(200)
                .header("content-type", "application/json")
                .body(body);
        })
        .await
}

/// Answers GET `path` with `{data: items, has_more}`.
async fn serve_page<'s>(
    server: &'s MockServer,
    path: &str,
    items: Vec<Value>,
    has_more: bool,
) -> httpmock::Mock<'s> {
    let path = path.to_string();
    server
        .mock_async(|when, then| {
            when.method(GET).path(path);
            then.status(200)
                .header("content-type", "application/json")
                .json_body(json!({ "data": items, "has_more": has_more }));
        })
        .await
}

/// The generic helper a newcomer writes first.
async fn fetch<T>(request: Request<'_, T>) -> Result<T, Error> {
    request.await
}

/// What a newcomer ends up writing instead, so that builders (`client.leads().get(id)`) fit too.
async fn fetch_any<F, T>(request: F) -> Result<T, Error>
where
    F: IntoFuture<Output = Result<T, Error>>,
{
    request.await
}

/// A manual retry over a cloned request: the newcomer's own loop, bounded.
async fn retry_by_hand<T>(request: Request<'_, T>, attempts: usize) -> Result<T, Error> {
    let mut last = None;
    for _ in 0..attempts {
        match bounded(request.clone()).await {
            Ok(value) => return Ok(value),
            Err(e) if e.status().is_some_and(|s| s.is_server_error()) => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.expect("at least one attempt"))
}

// --- Request: fetch and print ---------------------------------------------------------------

#[tokio::test]
async fn fetch_a_lead_a_contact_and_a_role_and_print_them() {
    let server = MockServer::start_async().await;
    let (lead_id, contact_id, role_id) = (id_of(LEAD), id_of(CONTACT), id_of(ROLE_ADMIN));
    serve(&server, format!("/lead/{lead_id}/"), LEAD).await;
    serve(&server, format!("/contact/{contact_id}/"), CONTACT).await;
    let role_mock = serve(&server, format!("/role/{role_id}/"), ROLE_ADMIN).await;
    let client = client(&server);

    // The role's get is a `Request` (no optional parameter); the lead's and the contact's are
    // builders (they have `_fields`). All three `.await` to the value.
    let role_request: Request<'_, RoleDefinition> = client.roles().get(role_id.as_str());
    let shown = format!("{role_request:?}");
    assert!(shown.contains("roles_get"), "{shown}");
    assert!(
        !shown.contains(&role_id),
        "Request's Debug shows no value: {shown}"
    );
    assert_eq!(
        role_mock.calls_async().await,
        0,
        "nothing sent before .await"
    );

    let role = bounded(role_request).await.expect("role");
    let lead: Lead = bounded(client.leads().get(lead_id.as_str()))
        .await
        .expect("lead");
    let contact: Contact = bounded(client.contacts().get(contact_id.as_str()))
        .await
        .expect("contact");
    println!("role {:?}: {:?}", role.id, role.name);
    println!("lead {:?}: {:?}", lead.id, lead.display_name);
    println!("contact {:?}: {:?}", contact.id, contact.name);
    assert_eq!(role.id.as_deref(), Some(role_id.as_str()));
    assert_eq!(lead.id.as_deref(), Some(lead_id.as_str()));
    assert_eq!(contact.id.as_deref(), Some(contact_id.as_str()));
    // `{:?}` of a whole lead prints (a newcomer's first reflex).
    assert!(format!("{lead:?}").contains(&lead_id));

    // `.send()` gives the status and headers too.
    let answer = bounded(client.roles().get(role_id.as_str()).send())
        .await
        .expect("role with status");
    assert_eq!(answer.status().as_u16(), 200);
    assert_eq!(answer.into_inner().id.as_deref(), Some(role_id.as_str()));
    assert_eq!(role_mock.calls_async().await, 2);
}

// --- Request: stored, sent later ------------------------------------------------------------

/// A newcomer's "work queue": requests built up front, sent later.
struct Pending<'a> {
    admin: Request<'a, RoleDefinition>,
    cleanup: Vec<Request<'a, ()>>,
}

#[tokio::test]
async fn requests_kept_in_a_struct_and_a_vec_are_sent_only_when_awaited() {
    let server = MockServer::start_async().await;
    let role_id = id_of(ROLE_ADMIN);
    let role_mock = serve(&server, format!("/role/{role_id}/"), ROLE_ADMIN).await;
    let delete_mock = server
        .mock_async(|when, then| {
            when.method(DELETE).path_matches(r"^/lead/lead_[0-9]/$");
            then.status(200)
                .header("content-type", "application/json")
                .body("{}");
        })
        .await;
    let client = client(&server);

    let pending = Pending {
        admin: client.roles().get(role_id.as_str()),
        cleanup: (0..3)
            .map(|i| client.leads().delete(format!("lead_{i}")))
            .collect(),
    };
    // Debug of the Vec names each operation.
    let shown = format!("{:?}", pending.cleanup);
    assert_eq!(shown.matches("leads_delete").count(), 3, "{shown}");
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(role_mock.calls_async().await, 0);
    assert_eq!(delete_mock.calls_async().await, 0);

    let Pending { admin, cleanup } = pending;
    for request in cleanup {
        bounded(request).await.expect("deleted");
    }
    assert_eq!(delete_mock.calls_async().await, 3);
    let admin = bounded(admin).await.expect("role");
    assert_eq!(admin.id.as_deref(), Some(role_id.as_str()));
    assert_eq!(role_mock.calls_async().await, 1);
}

// --- Request: clone to retry by hand --------------------------------------------------------

#[tokio::test]
async fn a_cloned_request_retries_by_hand_after_a_503() {
    let server = MockServer::start_async().await;
    let role_id = id_of(ROLE_RESTRICTED);
    let path = format!("/role/{role_id}/");
    let unavailable = server
        .mock_async(|when, then| {
            when.method(GET).path(path.clone());
            then.status(503)
                .header("content-type", "application/json")
                .body(r#"{"error": "maintenance"}"#);
        })
        .await;
    let client = client(&server);
    let request = client.roles().get(role_id.as_str());

    let first = bounded(request.clone()).await.expect_err("503");
    assert_eq!(first.status().map(|s| s.as_u16()), Some(503));
    let message = first.to_string();
    assert!(
        message.contains("roles_get"),
        "the error names the call: {message}"
    );
    assert_eq!(unavailable.calls_async().await, 1);

    // Close is back: the same request, cloned again, now succeeds.
    unavailable.delete_async().await;
    let ok = serve(&server, path, ROLE_RESTRICTED).await;
    let role = retry_by_hand(request, 3).await.expect("second try");
    assert_eq!(role.id.as_deref(), Some(role_id.as_str()));
    assert_eq!(ok.calls_async().await, 1);
}

// --- Request: generic helper, join ----------------------------------------------------------

#[tokio::test]
async fn a_generic_helper_over_request_takes_gets_and_creates() {
    let server = MockServer::start_async().await;
    let role_id = id_of(ROLE_ADMIN);
    let lead_id = id_of(LEAD);
    serve(&server, format!("/role/{role_id}/"), ROLE_ADMIN).await;
    serve(&server, format!("/lead/{lead_id}/"), LEAD).await;
    let created = corpus("lead/closex-lead-create.json");
    let create_mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/lead/")
                .json_body_includes(r#"{"name": "Acme"}"#);
            then.status(200)
                .header("content-type", "application/json")
                .json_body(created.clone());
        })
        .await;
    let role_created = corpus(ROLE_ADMIN);
    server
        .mock_async(|when, then| {
            when.method(POST).path("/role/");
            then.status(200)
                .header("content-type", "application/json")
                .json_body(role_created);
        })
        .await;
    let client = client(&server);

    let role: RoleDefinition = fetch(client.roles().get(role_id.as_str())).await.unwrap();
    assert_eq!(role.id.as_deref(), Some(role_id.as_str()));
    let body = CreateLead {
        name: Some("Acme".into()),
        ..Default::default()
    };
    let lead: Lead = fetch(client.leads().create(body)).await.unwrap();
    assert_eq!(lead.id.as_deref(), created["id"].as_str());
    assert_eq!(create_mock.calls_async().await, 1);
    let new_role = CreateRole::new(close_sdk::types::RoleName::try_from("Support").unwrap());
    let role: RoleDefinition = fetch(client.roles().create(new_role)).await.unwrap();
    assert!(role.name.is_some());

    // `fetch(client.leads().get(id))` does not compile (a `LeadsGet` builder, not a
    // `Request`); the IntoFuture bound takes both.
    let lead: Lead = fetch_any(client.leads().get(lead_id.as_str()))
        .await
        .unwrap();
    assert_eq!(lead.id.as_deref(), Some(lead_id.as_str()));
    let role: RoleDefinition = fetch_any(client.roles().get(role_id.as_str()))
        .await
        .unwrap();
    assert_eq!(role.id.as_deref(), Some(role_id.as_str()));
}

#[tokio::test]
async fn requests_join_with_tokio_join_and_join_all() {
    let server = MockServer::start_async().await;
    let (admin, restricted) = (id_of(ROLE_ADMIN), id_of(ROLE_RESTRICTED));
    let user = corpus("user/airbyte-user.json");
    let user_id = user["id"].as_str().unwrap().to_string();
    let admin_mock = serve(&server, format!("/role/{admin}/"), ROLE_ADMIN).await;
    let restricted_mock = serve(&server, format!("/role/{restricted}/"), ROLE_RESTRICTED).await;
    serve(
        &server,
        format!("/user/{user_id}/"),
        "user/airbyte-user.json",
    )
    .await;
    let client = client(&server);

    let (a, u) = bounded(async {
        tokio::join!(
            client.roles().get(admin.as_str()),
            client.users().get(user_id.as_str())
        )
    })
    .await;
    assert_eq!(a.unwrap().id.as_deref(), Some(admin.as_str()));
    let u: User = u.unwrap();
    assert_eq!(u.id.as_deref(), Some(user_id.as_str()));

    let requests: Vec<Request<'_, RoleDefinition>> = [&admin, &restricted, &admin]
        .into_iter()
        .map(|id| client.roles().get(id.as_str()))
        .collect();
    // join_all wants futures: `.into_future()` on each (a Request is IntoFuture, not a Future).
    let roles = bounded(join_all(requests.into_iter().map(IntoFuture::into_future))).await;
    let ids: Vec<_> = roles
        .into_iter()
        .map(|r| r.expect("role").id.expect("id"))
        .collect();
    assert_eq!(ids, [admin.clone(), restricted.clone(), admin.clone()]);
    assert_eq!(admin_mock.calls_async().await, 3);
    assert_eq!(restricted_mock.calls_async().await, 1);
}

// --- List<T>: functions, data(), has_more, serde --------------------------------------------

/// Takes any page.
fn describe<T>(page: &List<T>) -> String {
    let more = match page.has_more {
        Some(true) => "more to read",
        Some(false) => "last page",
        None => "Close did not say",
    };
    format!("{} items, {more}", page.data().len())
}

/// Takes the alias.
fn contact_names(page: &ContactList) -> Vec<String> {
    page.data()
        .iter()
        .map(|c| c.name.clone().unwrap_or_default())
        .collect()
}

#[tokio::test]
async fn a_contact_page_passes_to_functions_and_iterates() {
    let server = MockServer::start_async().await;
    let contacts: Vec<Value> = [
        CONTACT,
        "contact/airbyte-contact-date-custom-field.json",
        "contact/airbyte-contact-phone-country-null.json",
    ]
    .iter()
    .map(|f| corpus(f))
    .collect();
    let expected: Vec<String> = contacts
        .iter()
        .map(|c| c["name"].as_str().unwrap_or_default().to_string())
        .collect();
    serve_page(&server, "/contact/", contacts, true).await;
    let client = client(&server);

    let page: ContactList = bounded(client.contacts().list().limit(3))
        .await
        .expect("page");
    assert_eq!(describe(&page), "3 items, more to read");
    assert_eq!(contact_names(&page), expected);
    let mut emails = 0;
    for contact in page.data() {
        emails += contact.emails.as_ref().map_or(0, Vec::len);
    }
    println!("{} emails on the page", emails);
    // `List<Contact>` and `ContactList` are the same type: both functions take the same page.
    let generic: &List<Contact> = &page;
    assert_eq!(describe(generic), describe(&page));
    // A page that said nothing: data() is empty, has_more None.
    let empty: UserList = List::default();
    assert_eq!(describe(&empty), "0 items, Close did not say");
}

/// A newcomer's own cache file: pages of theirs next to their own fields.
#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct Snapshot {
    taken_at: String,
    contacts: ContactList,
    roles: List<RoleDefinition>,
    #[serde(default)]
    users: Option<UserList>,
}

#[test]
fn a_page_inside_my_own_serde_struct_round_trips() {
    let contacts = json!({
        "data": [corpus(CONTACT), corpus("contact/hull-contact-create.json")],
        "has_more": false,
        "cursor": null
    });
    let roles = json!({ "data": [corpus(ROLE_ADMIN), corpus(ROLE_RESTRICTED)], "has_more": false });
    let input = json!({
        "taken_at": "2026-12-07T18:00:00Z",
        "contacts": contacts,
        "roles": roles,
    });
    let snapshot: Snapshot = serde_json::from_value(input.clone()).expect("decodes");
    assert_eq!(snapshot.contacts.data().len(), 2);
    assert_eq!(snapshot.roles.data().len(), 2);
    assert!(snapshot.contacts.extra.contains_key("cursor"));
    assert!(snapshot.users.is_none());

    let text = serde_json::to_string_pretty(&snapshot).expect("encodes");
    let back: Snapshot = serde_json::from_str(&text).expect("decodes again");
    assert_eq!(back, snapshot);
    let mut written: Value = serde_json::from_str(&text).unwrap();
    // `users: None` is written as null (serde's default for Option), everything else as it came.
    assert_eq!(written["users"], Value::Null);
    written.as_object_mut().unwrap().remove("users");
    assert_eq!(
        written, input,
        "the snapshot is written back as it was read"
    );
}

// --- Resource module path -------------------------------------------------------------------

#[tokio::test]
async fn leads_list_through_the_resource_module_path() {
    let server = MockServer::start_async().await;
    let items = vec![
        corpus("lead/hull-lead-list-item-lcf.json"),
        corpus("lead/closex-lead-search-item.json"),
    ];
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path("/lead/").query_param("_limit", "2");
            then.status(200)
                .header("content-type", "application/json")
                .json_body(json!({ "data": items, "has_more": true, "total_results": 17 }));
        })
        .await;
    let client = client(&server);

    let request: close_sdk::leads::LeadsList<'_> = client.leads().list().limit(2);
    // The same type as the builder module's.
    let _same: close_sdk::builder::LeadsList<'_> = request.clone();
    let page: close_sdk::leads::LeadList = bounded(request).await.expect("page");
    // LeadList is its own struct (total_results), not List<Lead>: describe() does not take it.
    assert_eq!(page.data().len(), 2);
    assert_eq!(page.has_more, Some(true));
    assert_eq!(page.total_results, Some(17));
    assert_eq!(mock.calls_async().await, 1);
}

// --- Recorded list payloads through the aliases ---------------------------------------------

/// Every corpus item the manifest records as an item of `operation`.
fn corpus_items_of(operation: &str) -> Vec<Value> {
    let manifest = corpus("manifest.json");
    let files: Vec<String> = manifest
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["operation"] == operation)
        .map(|e| e["file"].as_str().unwrap().to_string())
        .collect();
    assert!(!files.is_empty(), "the corpus records {operation}");
    files.iter().map(|f| corpus(f)).collect()
}

/// Wraps the recorded items of `operation` in Close's envelope and decodes it as `L` (a list
/// alias), checking every item decodes as `T` alone too and the page writes back as it came.
fn page_of<T, L>(operation: &str, data: fn(&L) -> &[T]) -> usize
where
    T: DeserializeOwned + PartialEq + std::fmt::Debug,
    L: DeserializeOwned + Serialize,
{
    let items = corpus_items_of(operation);
    let envelope = json!({ "data": items, "has_more": false });
    let page: L =
        serde_json::from_value(envelope.clone()).unwrap_or_else(|e| panic!("{operation}: {e}"));
    let decoded = data(&page);
    assert_eq!(decoded.len(), items.len(), "{operation}");
    for (item, value) in decoded.iter().zip(&items) {
        let alone: T = serde_json::from_value(value.clone()).unwrap();
        assert_eq!(item, &alone, "{operation}");
    }
    assert_eq!(
        serde_json::to_value(&page).unwrap(),
        envelope,
        "{operation} writes back"
    );
    decoded.len()
}

#[test]
fn recorded_list_items_decode_through_the_aliases() {
    let n = page_of::<CallActivity, CallActivityList>("activities_calls_list", List::data)
        + page_of::<CustomField, CustomFieldList>("custom_fields_lead_list", List::data)
        + page_of::<LeadStatus, LeadStatusList>("lead_statuses_list", List::data)
        + page_of::<OpportunityStatus, OpportunityStatusList>(
            "opportunity_statuses_list",
            List::data,
        )
        + page_of::<close_sdk::types::PhoneNumber, PhoneNumberList>(
            "phone_numbers_list",
            List::data,
        )
        + page_of::<Pipeline, PipelineList>("pipelines_list", List::data)
        + page_of::<User, UserList>("users_list", List::data)
        + page_of::<close_sdk::types::Activity, close_sdk::types::ActivityList>(
            "activities_list",
            List::data,
        )
        + page_of::<Lead, LeadList>("leads_list", LeadList::data);
    assert!(n >= 14, "{n} recorded list items");

    // The recorded opportunity list (with its aggregates) stays a struct of its own.
    let text = corpus_text("opportunity-list/closex-opportunity-list-empty-aggregates.json");
    let page: OpportunityList = serde_json::from_str(&text).expect("opportunity list");
    assert!(page.data().is_empty());
    assert_eq!(page.has_more, Some(false));
}

#[tokio::test]
async fn recorded_lists_served_over_http_decode_as_aliases() {
    let server = MockServer::start_async().await;
    serve_page(
        &server,
        "/status/lead/",
        corpus_items_of("lead_statuses_list"),
        false,
    )
    .await;
    serve_page(&server, "/user/", corpus_items_of("users_list"), false).await;
    serve_page(
        &server,
        "/role/",
        vec![corpus(ROLE_ADMIN), corpus(ROLE_RESTRICTED)],
        false,
    )
    .await;
    let client = client(&server);

    let statuses: LeadStatusList = bounded(client.lead_statuses().list()).await.unwrap();
    assert_eq!(statuses.data().len(), 3);
    let users: UserList = bounded(client.users().list()).await.unwrap();
    assert_eq!(users.data().len(), corpus_items_of("users_list").len());
    let roles: RoleList = bounded(client.roles().list()).await.unwrap();
    assert_eq!(describe(&roles), "2 items, last page");
    let names: Vec<_> = roles.data().iter().filter_map(|r| r.name.clone()).collect();
    assert_eq!(names.len(), 2, "{names:?}");
    // Every item of a one-piece list through the stream.
    let all = bounded(client.roles().list().paginate().collect_all())
        .await
        .unwrap();
    assert_eq!(all.len(), 2);
}

// --- Docs vs types --------------------------------------------------------------------------

/// Fixed (was a defect): `close_sdk::Request`'s docs and the CHANGELOG gave
/// `client.leads().get(id)` as an operation returning `Request`; it returns the `LeadsGet`
/// builder (it has the optional `_fields`), so `fetch(client.leads().get(id))` over
/// `Request<'_, T>` did not compile. The docs now name operations that return one
/// (`client.leads().create(body)`, `client.leads().delete(id)`, `client.roles().get(id)`), and
/// every builder's `.request()` gives one once its optional parameters are set.
#[tokio::test]
async fn the_requests_the_docs_name_are_requests() {
    let server = MockServer::start_async().await;
    let client = client(&server);
    fn type_of<V>(_: &V) -> &'static str {
        std::any::type_name::<V>()
    }
    let is_request = |name: &str| name.starts_with("close_sdk::api::request_future::Request<");
    let delete = client.leads().delete("lead_1");
    let role = client.roles().get("role_1");
    let built: close_sdk::Request<'_, close_sdk::types::Lead> =
        client.leads().get("lead_1").fields("id,name").request();
    for name in [type_of(&delete), type_of(&role), type_of(&built)] {
        assert!(is_request(name), "{name}");
    }
    assert_eq!(built.operation_id(), "leads_get");
}

// --- Errors and Debug a newcomer meets ------------------------------------------------------

/// A mock (or a proxy) answering a list with a bare array instead of Close's envelope: the error
/// should name the call and the type the newcomer asked for.
#[tokio::test]
async fn a_list_answered_as_a_bare_array_names_the_call_and_the_list() {
    let server = MockServer::start_async().await;
    let roles = json!([corpus(ROLE_ADMIN)]);
    server
        .mock_async(|when, then| {
            when.method(GET).path("/role/");
            then.status(200)
                .header("content-type", "application/json")
                .json_body(roles);
        })
        .await;
    let client = client(&server);
    let err = bounded(client.roles().list())
        .await
        .expect_err("not an envelope");
    let message = err.to_string();
    println!("{message}");
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    assert!(message.contains("roles_list"), "{message}");
    assert!(
        message.contains("List<RoleDefinition>") || message.contains("RoleList"),
        "{message}"
    );
}

/// A builder and a `Request` printed side by side: the `Request` shows only its operation; the
/// builder shows its values. Neither may show the API key.
#[tokio::test]
async fn printing_requests_never_shows_the_api_key() {
    let server = MockServer::start_async().await;
    let client = client(&server);
    let request = client.roles().get("role_printed");
    let builder = client.leads().get("lead_printed");
    let body = CreateLead {
        name: Some("Printed Inc.".into()),
        ..Default::default()
    };
    let created = client.leads().create(body);
    let shown = format!("{request:?}\n{builder:?}\n{created:?}");
    assert!(!shown.contains("api_newcomer8"), "{shown}");
    assert!(!shown.contains("role_printed"), "{shown}");
    assert!(!shown.contains("Printed Inc."), "{shown}");
}

/// Fixed (was a defect): `dbg!(client.leads().get(id))` (a builder) or `dbg!(&client)`, the
/// newcomer's first look at
/// what they hold, prints the client's whole rate-limit state: one `Group { state: Mutex {
/// Window { .. } }, changed: Notify { .. } }` per endpoint group, tens of kilobytes on one line,
/// while a `Request` prints `Request { operation: "roles_get", .. }`. The key is redacted; the
/// output is unreadable. Fix: `ClientContext`'s `Debug` (close-sdk/src/transport/context.rs)
/// should summarise its throttle (or leave it out, `finish_non_exhaustive`), and the generated
/// builders' derived `Debug` could name the operation as `Request`'s does (generator:
/// close-sdk-gen's builder settings).
#[tokio::test]
async fn printing_a_builder_or_the_client_stays_short() {
    let server = MockServer::start_async().await;
    let client = client(&server);
    let client_shown = format!("{client:?}");
    let builder_shown = format!("{:?}", client.leads().get("lead_printed"));
    let request_shown = format!("{:?}", client.roles().get("role_printed"));
    println!(
        "Client: {} chars; LeadsGet: {} chars; Request: {} chars",
        client_shown.len(),
        builder_shown.len(),
        request_shown.len()
    );
    assert!(
        client_shown.len() < 2_000,
        "Client's Debug is {} chars",
        client_shown.len()
    );
    assert!(
        builder_shown.len() < 2_000,
        "LeadsGet's Debug is {} chars",
        builder_shown.len()
    );
}
