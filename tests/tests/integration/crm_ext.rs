//! The CRM extension traits (`LeadsExt`, `ContactsExt`, `OpportunitiesExt`, `TasksExt`,
//! `ActivitiesExt`) over real HTTP: every method's exact method, path, query and body, Close's
//! documented examples decoded, filters sent on every page of a list, and invalid input refused
//! with nothing sent.

// The extension traits' old names, deprecated where a handle call does the same, keep
// working: these tests call them on purpose.
#![allow(deprecated)]

use close_sdk::prelude::*;
use close_sdk::types::{
    CreateCallActivity, CreateContact, CreateEmailActivity, CreateLead, CreateNoteActivity,
    CreateOpportunity, CreateSmsActivity, CreateTask, OpportunityStatusType, UpdateContact,
    UpdateLead, UpdateNoteActivity, UpdateOpportunity, UpdateTask,
};
use close_sdk::{Date, NewContact, NewLead};
use close_sdk_tests::resources::*;
use close_sdk_tests::*;
use httpmock::prelude::*;
use httpmock::Mock;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

const LEAD: &str = "lead_QyNaWw4fdSwxl5Mc5daMFf3Y27PpIcH0awPbC9l7uyo";
const ID: &str = "item_0123456789";

/// The documented request example of `method path`, decoded into `T`, and the JSON `T` sends
/// back; asserts that nothing of the example was lost on the way.
fn documented<T: DeserializeOwned + Serialize>(method: &str, path: &str) -> (T, Value) {
    let example = request_example(method, path);
    let typed: T = serde_json::from_value(example.clone()).unwrap();
    let sent = serde_json::to_value(&typed).unwrap();
    assert_eq!(
        without_empty(&sent),
        without_empty(&example),
        "{method} {path}"
    );
    (typed, sent)
}

/// Asserts that `typed` is the documented response example of `method path`, decoded.
fn decodes_example<T: Serialize>(typed: &T, method: &str, path: &str) {
    assert_eq!(
        without_empty(&serde_json::to_value(typed).unwrap()),
        without_empty(&response_example(method, path)),
        "{method} {path}"
    );
}

/// `n` distinct items shaped like the first item of the documented list example of `path`.
fn items(path: &str, n: usize) -> Vec<Value> {
    let template = response_example("get", path)["data"][0].clone();
    (0..n)
        .map(|i| {
            let mut item = template.clone();
            item["id"] = json!(format!("item_{i}"));
            item
        })
        .collect()
}

/// Mocks `GET path` serving `items` in pages of `page_size`, each page matching only when the
/// request carries exactly `filters` (each once) besides `_skip`/`_limit`.
async fn filtered_pages<'a>(
    server: &'a MockServer,
    path: &str,
    items: &[Value],
    page_size: usize,
    filters: &[(&str, &str)],
) -> Vec<Mock<'a>> {
    let pages: Vec<&[Value]> = items.chunks(page_size).collect();
    let last = pages.len() - 1;
    let mut mocks = Vec::new();
    for (i, chunk) in pages.into_iter().enumerate() {
        let body = page(chunk, i < last);
        let path = path.to_string();
        let filters: Vec<(String, String)> = filters
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        mocks.push(
            server
                .mock_async(move |when, then| {
                    let mut when = when
                        .method(GET)
                        .path(path)
                        .header("authorization", BASIC_AUTH)
                        .query_param("_skip", (i * page_size).to_string())
                        .query_param("_limit", page_size.to_string())
                        .query_param_missing("_fields");
                    for (k, v) in filters {
                        when = when.query_param_count(k.clone(), ".*", 1).query_param(k, v);
                    }
                    then.status(200).json_body(body);
                })
                .await,
        );
    }
    mocks
}

/// Asserts every mock was called exactly once.
async fn each_once(mocks: &[Mock<'_>]) {
    for m in mocks {
        m.assert_async().await;
    }
}

/// Mocks `DELETE path` answering 200 `{}`.
async fn delete_mock<'a>(server: &'a MockServer, path: &str) -> Mock<'a> {
    expect_call(server, DELETE, path, None, 200, &json!({})).await
}

/// A mock that answers anything: for asserting that nothing was sent.
async fn catch_all(server: &MockServer) -> Mock<'_> {
    server
        .mock_async(|when, then| {
            when.any_request();
            then.status(500);
        })
        .await
}

#[tokio::test]
async fn leads_create_get_update_delete_and_merge() {
    let server = MockServer::start_async().await;
    let client = api_key_client(&server);

    let (lead, sent) = documented::<CreateLead>("post", "/lead/");
    let response = response_example("post", "/lead/");
    let create = expect_call(&server, POST, "/lead/", Some(&sent), 200, &response).await;
    let created = client.create_lead(lead).await.unwrap();
    create.assert_async().await;
    decodes_example(&created, "post", "/lead/");

    let one = response_example("get", "/lead/{id}/");
    let get = expect_call(&server, GET, &format!("/lead/{ID}/"), None, 200, &one).await;
    decodes_example(&client.get_lead(ID).await.unwrap(), "get", "/lead/{id}/");
    get.assert_async().await;

    let (update, sent) = documented::<UpdateLead>("put", "/lead/{id}/");
    let updated = response_example("put", "/lead/{id}/");
    let put = expect_call(
        &server,
        PUT,
        &format!("/lead/{ID}/"),
        Some(&sent),
        200,
        &updated,
    )
    .await;
    decodes_example(
        &client.update_lead(ID, update).await.unwrap(),
        "put",
        "/lead/{id}/",
    );
    put.assert_async().await;

    let delete = delete_mock(&server, &format!("/lead/{ID}/")).await;
    client.delete_lead(ID).await.unwrap();
    delete.assert_async().await;

    let merge_body = request_example("post", "/lead/merge/");
    let merge = expect_call(
        &server,
        POST,
        "/lead/merge/",
        Some(&merge_body),
        200,
        &json!({}),
    )
    .await;
    let answer = client
        .merge_leads(
            merge_body["source"].as_str().unwrap(),
            merge_body["destination"].as_str().unwrap(),
        )
        .await
        .unwrap();
    merge.assert_async().await;
    assert!(answer.is_empty());
}

#[tokio::test]
async fn new_lead_sends_nested_contacts_and_addresses_exactly() {
    let server = MockServer::start_async().await;
    let body = json!({
        "name": "Bluth Company",
        "url": "https://bluth.example",
        "status_id": "stat_1",
        "contacts": [{
            "name": "Gob",
            "title": "Magician",
            "emails": [{"email": "gob@bluth.example", "type": "office"}, {"email": "g@bluth.example"}],
            "phones": [{"phone": "+1 (800) 444-5555 x12"}],
            "urls": [{"url": "https://gob.example/"}]
        }],
        "addresses": [{"city": "Newport Beach", "country": "US"}]
    });
    let response = response_example("post", "/lead/");
    let mock = expect_call(&server, POST, "/lead/", Some(&body), 200, &response).await;
    let lead = NewLead::named("Bluth Company")
        .url("https://bluth.example")
        .status_id("stat_1")
        .contact(
            NewContact::named("Gob")
                .title("Magician")
                .email_of_type("gob@bluth.example", "office")
                .email("g@bluth.example")
                .phone("+1 (800) 444-5555 x12")
                .url("https://gob.example/"),
        )
        .address(close_sdk::types::CreateLeadAddressesItem {
            city: Some("Newport Beach".into()),
            country: Some("US".into()),
            ..Default::default()
        });
    api_key_client(&server).create_lead(lead).await.unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn leads_list_follows_pages() {
    let server = MockServer::start_async().await;
    let all = items("/lead/", 5);
    let mocks = filtered_pages(&server, "/lead/", &all, 2, &[]).await;
    let leads = api_key_client(&server)
        .list_leads(ListOptions::default().page_size(2))
        .collect_all()
        .await
        .unwrap();
    each_once(&mocks).await;
    let ids: Vec<&str> = leads.iter().map(|l| l.id.as_deref().unwrap()).collect();
    assert_eq!(ids, ["item_0", "item_1", "item_2", "item_3", "item_4"]);
}

#[tokio::test]
async fn contacts_create_get_list_update_delete() {
    let server = MockServer::start_async().await;
    let client = api_key_client(&server);

    let (contact, sent) = documented::<CreateContact>("post", "/contact/");
    let response = response_example("post", "/contact/");
    let create = expect_call(&server, POST, "/contact/", Some(&sent), 200, &response).await;
    decodes_example(
        &client.create_contact(contact).await.unwrap(),
        "post",
        "/contact/",
    );
    create.assert_async().await;

    let one = response_example("get", "/contact/{id}/");
    let get = expect_call(&server, GET, &format!("/contact/{ID}/"), None, 200, &one).await;
    decodes_example(
        &client.get_contact(ID).await.unwrap(),
        "get",
        "/contact/{id}/",
    );
    get.assert_async().await;

    let all = items("/contact/", 3);
    let pages = filtered_pages(&server, "/contact/", &all, 2, &[("lead_id", LEAD)]).await;
    let listed = client
        .list_contacts(
            ContactFilter::default().lead_id(LEAD),
            ListOptions::default().page_size(2),
        )
        .collect_all()
        .await
        .unwrap();
    each_once(&pages).await;
    assert_eq!(listed.len(), 3);

    let (update, sent) = documented::<UpdateContact>("put", "/contact/{id}/");
    let updated = response_example("put", "/contact/{id}/");
    let put = expect_call(
        &server,
        PUT,
        &format!("/contact/{ID}/"),
        Some(&sent),
        200,
        &updated,
    )
    .await;
    decodes_example(
        &client.update_contact(ID, update).await.unwrap(),
        "put",
        "/contact/{id}/",
    );
    put.assert_async().await;

    let delete = delete_mock(&server, &format!("/contact/{ID}/")).await;
    client.delete_contact(ID).await.unwrap();
    delete.assert_async().await;
}

#[tokio::test]
async fn opportunities_create_get_list_update_delete() {
    let server = MockServer::start_async().await;
    let client = api_key_client(&server);

    let (opp, sent) = documented::<CreateOpportunity>("post", "/opportunity/");
    let response = response_example("post", "/opportunity/");
    let create = expect_call(&server, POST, "/opportunity/", Some(&sent), 200, &response).await;
    decodes_example(
        &client.create_opportunity(opp).await.unwrap(),
        "post",
        "/opportunity/",
    );
    create.assert_async().await;

    let one = response_example("get", "/opportunity/{id}/");
    let get = expect_call(
        &server,
        GET,
        &format!("/opportunity/{ID}/"),
        None,
        200,
        &one,
    )
    .await;
    decodes_example(
        &client.get_opportunity(ID).await.unwrap(),
        "get",
        "/opportunity/{id}/",
    );
    get.assert_async().await;

    let all = items("/opportunity/", 5);
    let filters = [
        ("lead_id", LEAD),
        ("user_id", "user_1"),
        ("status_id", "stat_1"),
        ("status_type", "won"),
        ("query", "value > 1000"),
        ("date_created__gte", "2026-01-01"),
        ("date_created__lte", "2026-03-31T23:59:59+00:00"),
        ("date_updated__gte", "2026-02-01"),
        ("date_updated__lte", "2026-02-28"),
        ("date_won__gte", "2026-01-15"),
        ("date_won__lte", "2026-06-30"),
    ];
    let pages = filtered_pages(&server, "/opportunity/", &all, 2, &filters).await;
    let filter = OpportunityFilter::default()
        .lead_id(LEAD)
        .user_id("user_1")
        .status_id("stat_1")
        .status_type(OpportunityStatusType::Won)
        .query("value > 1000")
        .date_created_gte(Date::new(2026, 1, 1).unwrap())
        .date_created_lte(
            "2026-03-31T23:59:59+00:00"
                .parse::<close_sdk::Timestamp>()
                .unwrap(),
        )
        .date_updated_gte(Date::new(2026, 2, 1).unwrap())
        .date_updated_lte(Date::new(2026, 2, 28).unwrap())
        .date_won_gte(Date::new(2026, 1, 15).unwrap())
        .date_won_lte(Date::new(2026, 6, 30).unwrap());
    let listed = client
        .list_opportunities(filter, ListOptions::default().page_size(2))
        .collect_all()
        .await
        .unwrap();
    each_once(&pages).await;
    assert_eq!(listed.len(), 5);

    let (update, sent) = documented::<UpdateOpportunity>("put", "/opportunity/{id}/");
    let updated = response_example("put", "/opportunity/{id}/");
    let path = format!("/opportunity/{ID}/");
    let put = expect_call(&server, PUT, &path, Some(&sent), 200, &updated).await;
    decodes_example(
        &client.update_opportunity(ID, update).await.unwrap(),
        "put",
        "/opportunity/{id}/",
    );
    put.assert_async().await;

    let delete = delete_mock(&server, &path).await;
    client.delete_opportunity(ID).await.unwrap();
    delete.assert_async().await;
}

#[tokio::test]
async fn tasks_create_get_list_update_delete() {
    let server = MockServer::start_async().await;
    let client = api_key_client(&server);

    let (task, sent) = documented::<CreateTask>("post", "/task/");
    let response = response_example("post", "/task/");
    let create = expect_call(&server, POST, "/task/", Some(&sent), 200, &response).await;
    decodes_example(&client.create_task(task).await.unwrap(), "post", "/task/");
    create.assert_async().await;

    let one = response_example("get", "/task/{id}/");
    let get = expect_call(&server, GET, &format!("/task/{ID}/"), None, 200, &one).await;
    decodes_example(&client.get_task(ID).await.unwrap(), "get", "/task/{id}/");
    get.assert_async().await;

    let all = items("/task/", 4);
    let filters = [
        ("lead_id", LEAD),
        ("assigned_to", "user_1"),
        ("is_complete", "false"),
        ("_type", "lead"),
        ("date__gte", "2026-01-01"),
        ("date__lte", "2026-01-31"),
    ];
    let pages = filtered_pages(&server, "/task/", &all, 3, &filters).await;
    let filter = TaskFilter::default()
        .lead_id(LEAD)
        .assigned_to("user_1")
        .is_complete(false)
        .task_type("lead")
        .date_gte(Date::new(2026, 1, 1).unwrap())
        .date_lte(Date::new(2026, 1, 31).unwrap());
    let listed = client
        .list_tasks(filter, ListOptions::default().page_size(3))
        .collect_all()
        .await
        .unwrap();
    each_once(&pages).await;
    assert_eq!(listed.len(), 4);

    let (update, sent) = documented::<UpdateTask>("put", "/task/{id}/");
    let updated = response_example("put", "/task/{id}/");
    let put = expect_call(
        &server,
        PUT,
        &format!("/task/{ID}/"),
        Some(&sent),
        200,
        &updated,
    )
    .await;
    decodes_example(
        &client.update_task(ID, update).await.unwrap(),
        "put",
        "/task/{id}/",
    );
    put.assert_async().await;

    let delete = delete_mock(&server, &format!("/task/{ID}/")).await;
    client.delete_task(ID).await.unwrap();
    delete.assert_async().await;
}

#[tokio::test]
async fn the_generic_activity_list_sends_its_filters_on_every_page() {
    let server = MockServer::start_async().await;
    let all = items("/activity/", 5);
    let filters = [
        ("lead_id", LEAD),
        ("contact_id", "cont_1"),
        ("user_id", "user_1"),
        ("_type", "Note,Call"),
        ("date_created__gte", "2026-01-01"),
        ("date_created__lte", "2026-01-31"),
        ("activity_at__gte", "2026-01-02"),
        ("activity_at__lte", "2026-01-30"),
    ];
    let pages = filtered_pages(&server, "/activity/", &all, 2, &filters).await;
    let filter = ActivityFilter::default()
        .lead_id(LEAD)
        .contact_id("cont_1")
        .user_id("user_1")
        .types(["Note", "Call"])
        .date_created_gte(Date::new(2026, 1, 1).unwrap())
        .date_created_lte(Date::new(2026, 1, 31).unwrap())
        .activity_at_gte(Date::new(2026, 1, 2).unwrap())
        .activity_at_lte(Date::new(2026, 1, 30).unwrap());
    let listed = api_key_client(&server)
        .list_activities(filter, ListOptions::default().page_size(2))
        .collect_all()
        .await
        .unwrap();
    each_once(&pages).await;
    let ids: Vec<&str> = listed.iter().map(|a| a.id.as_deref().unwrap()).collect();
    assert_eq!(ids, ["item_0", "item_1", "item_2", "item_3", "item_4"]);
}

#[tokio::test]
async fn notes_create_add_get_list_update_delete() {
    let server = MockServer::start_async().await;
    let client = api_key_client(&server);

    let (note, sent) = documented::<CreateNoteActivity>("post", "/activity/note/");
    let response = response_example("post", "/activity/note/");
    let create = expect_call(
        &server,
        POST,
        "/activity/note/",
        Some(&sent),
        200,
        &response,
    )
    .await;
    decodes_example(
        &client.create_note(note).await.unwrap(),
        "post",
        "/activity/note/",
    );
    create.assert_async().await;

    let body = json!({"lead_id": LEAD, "note": "Asked for a quote"});
    let add = expect_call(
        &server,
        POST,
        "/activity/note/",
        Some(&body),
        200,
        &response,
    )
    .await;
    client.add_note(LEAD, "Asked for a quote").await.unwrap();
    add.assert_async().await;

    let path = format!("/activity/note/{ID}/");
    let one = response_example("get", "/activity/note/{id}/");
    let get = expect_call(&server, GET, &path, None, 200, &one).await;
    decodes_example(
        &client.get_note(ID).await.unwrap(),
        "get",
        "/activity/note/{id}/",
    );
    get.assert_async().await;

    let all = items("/activity/note/", 3);
    let pages = filtered_pages(&server, "/activity/note/", &all, 2, &[("lead_id", LEAD)]).await;
    let listed = client
        .list_notes(
            ActivityFilter::default().lead_id(LEAD),
            ListOptions::default().page_size(2),
        )
        .collect_all()
        .await
        .unwrap();
    each_once(&pages).await;
    assert_eq!(listed.len(), 3);

    let (update, sent) = documented::<UpdateNoteActivity>("put", "/activity/note/{id}/");
    let updated = response_example("put", "/activity/note/{id}/");
    let put = expect_call(&server, PUT, &path, Some(&sent), 200, &updated).await;
    decodes_example(
        &client.update_note(ID, update).await.unwrap(),
        "put",
        "/activity/note/{id}/",
    );
    put.assert_async().await;

    let delete = delete_mock(&server, &path).await;
    client.delete_note(ID).await.unwrap();
    delete.assert_async().await;
}

#[tokio::test]
async fn calls_emails_and_sms_create_get_list_delete() {
    let server = MockServer::start_async().await;
    let client = api_key_client(&server);

    // Calls.
    let (call, sent) = documented::<CreateCallActivity>("post", "/activity/call/");
    let response = response_example("post", "/activity/call/");
    let create = expect_call(
        &server,
        POST,
        "/activity/call/",
        Some(&sent),
        200,
        &response,
    )
    .await;
    decodes_example(
        &client.create_call(call).await.unwrap(),
        "post",
        "/activity/call/",
    );
    create.assert_async().await;
    let path = format!("/activity/call/{ID}/");
    let one = response_example("get", "/activity/call/{id}/");
    let get = expect_call(&server, GET, &path, None, 200, &one).await;
    decodes_example(
        &client.get_call(ID).await.unwrap(),
        "get",
        "/activity/call/{id}/",
    );
    get.assert_async().await;
    let all = items("/activity/call/", 3);
    let pages = filtered_pages(
        &server,
        "/activity/call/",
        &all,
        2,
        &[("user_id", "user_1")],
    )
    .await;
    let listed = client
        .list_calls(
            ActivityFilter::default().user_id("user_1"),
            ListOptions::default().page_size(2),
        )
        .collect_all()
        .await
        .unwrap();
    each_once(&pages).await;
    assert_eq!(listed.len(), 3);
    let delete = delete_mock(&server, &path).await;
    client.delete_call(ID).await.unwrap();
    delete.assert_async().await;

    // Emails.
    let (email, sent) = documented::<CreateEmailActivity>("post", "/activity/email/");
    let response = response_example("post", "/activity/email/");
    let create = expect_call(
        &server,
        POST,
        "/activity/email/",
        Some(&sent),
        200,
        &response,
    )
    .await;
    decodes_example(
        &client.create_email(email).await.unwrap(),
        "post",
        "/activity/email/",
    );
    create.assert_async().await;
    let path = format!("/activity/email/{ID}/");
    let one = response_example("get", "/activity/email/{id}/");
    let get = expect_call(&server, GET, &path, None, 200, &one).await;
    decodes_example(
        &client.get_email(ID).await.unwrap(),
        "get",
        "/activity/email/{id}/",
    );
    get.assert_async().await;
    let all = items("/activity/email/", 3);
    let filters = [
        ("contact_id", "cont_1"),
        ("date_created__gte", "2026-01-01"),
    ];
    let pages = filtered_pages(&server, "/activity/email/", &all, 2, &filters).await;
    let filter = ActivityFilter::default()
        .contact_id("cont_1")
        .date_created_gte(Date::new(2026, 1, 1).unwrap());
    let listed = client
        .list_emails(filter, ListOptions::default().page_size(2))
        .collect_all()
        .await
        .unwrap();
    each_once(&pages).await;
    assert_eq!(listed.len(), 3);
    let delete = delete_mock(&server, &path).await;
    client.delete_email(ID).await.unwrap();
    delete.assert_async().await;

    // SMS.
    let (sms, sent) = documented::<CreateSmsActivity>("post", "/activity/sms/");
    let response = response_example("post", "/activity/sms/");
    let create = expect_call(&server, POST, "/activity/sms/", Some(&sent), 200, &response).await;
    decodes_example(
        &client.create_sms(sms).await.unwrap(),
        "post",
        "/activity/sms/",
    );
    create.assert_async().await;
    let path = format!("/activity/sms/{ID}/");
    let one = response_example("get", "/activity/sms/{id}/");
    let get = expect_call(&server, GET, &path, None, 200, &one).await;
    decodes_example(
        &client.get_sms(ID).await.unwrap(),
        "get",
        "/activity/sms/{id}/",
    );
    get.assert_async().await;
    let all = items("/activity/sms/", 3);
    let pages = filtered_pages(&server, "/activity/sms/", &all, 2, &[("lead_id", LEAD)]).await;
    let listed = client
        .list_sms(
            ActivityFilter::default().lead_id(LEAD),
            ListOptions::default().page_size(2),
        )
        .collect_all()
        .await
        .unwrap();
    each_once(&pages).await;
    assert_eq!(listed.len(), 3);
    let delete = delete_mock(&server, &path).await;
    client.delete_sms(ID).await.unwrap();
    delete.assert_async().await;
}

/// Asserts `result` is an `InvalidRequest` whose message contains `expected`.
fn refused<T: std::fmt::Debug>(result: Result<T, Error>, expected: &str) {
    match result {
        Err(Error::InvalidRequest(msg)) => assert!(msg.contains(expected), "{expected:?}: {msg}"),
        other => panic!("{expected:?}: expected InvalidRequest, got {other:?}"),
    }
}

#[tokio::test]
async fn invalid_input_is_refused_and_nothing_is_sent() {
    let server = MockServer::start_async().await;
    let any = catch_all(&server).await;
    let client = api_key_client(&server);
    let gob = || NewContact::named("Gob");

    // Leads: nested contacts' emails, phones and URLs, the lead's URL, ids.
    let bad_email = NewLead::named("A").contact(gob().email("gob@"));
    refused(client.create_lead(bad_email).await, "contacts[0].emails[0]");
    let bad_phone = NewLead::named("A").contact(gob().email("g@a.example").phone("call me"));
    refused(client.create_lead(bad_phone).await, "contacts[0].phones[0]");
    let bad_url = NewLead::named("A").contact(gob().url("javascript:alert(1)"));
    refused(client.create_lead(bad_url).await, "contacts[0].urls[0]");
    refused(
        client
            .create_lead(NewLead::named("A").url("ftp://a.example"))
            .await,
        "url",
    );
    refused(
        client
            .create_lead(NewLead::named("A").status_id("stat/../x"))
            .await,
        "status_id",
    );
    let update = UpdateLead {
        url: close_sdk::Patch::Set("a.example".into()),
        ..Default::default()
    };
    refused(client.update_lead(LEAD, update).await, "url");
    refused(client.get_lead("../user").await, "`id` of leads_get");
    refused(client.delete_lead("").await, "`id` of leads_delete");
    refused(client.merge_leads(LEAD, LEAD).await, "into itself");
    // `GET /lead/` documents `_fields`, but a field name with a comma is refused.
    let fields = ListOptions::default().fields(["name"]);
    refused(
        client
            .list_leads(ListOptions::default().fields(["name,url"]))
            .collect_all()
            .await,
        "comma",
    );

    // Contacts.
    let mut contact: CreateContact = gob().lead_id("lead x").into();
    refused(client.create_contact(contact.clone()).await, "lead_id");
    contact.lead_id = None;
    contact.phones.push(Default::default());
    refused(
        client.create_contact(contact).await,
        "phones[0] has no value",
    );
    let update = UpdateContact {
        emails: vec![close_sdk::types::UpdateContactEmailsItem {
            extra: Default::default(),
            email: Some("no-at-sign".into()),
            type_: None,
        }]
        .into(),
        ..Default::default()
    };
    refused(client.update_contact(ID, update).await, "emails[0]");
    let filter = ContactFilter::default().lead_id("a/b");
    refused(
        client
            .list_contacts(filter, ListOptions::default())
            .collect_all()
            .await,
        "lead_id",
    );

    // Opportunities and tasks.
    let opp = CreateOpportunity {
        lead_id: Some("lead?x".into()),
        ..Default::default()
    };
    refused(client.create_opportunity(opp).await, "lead_id");
    let filter = OpportunityFilter::default().query("\u{7}");
    refused(
        client
            .list_opportunities(filter, ListOptions::default())
            .collect_all()
            .await,
        "query",
    );
    refused(client.get_task("a#b").await, "`id` of tasks_get");
    let filter = TaskFilter::default().assigned_to("user 1");
    refused(
        client
            .list_tasks(filter, ListOptions::default())
            .collect_all()
            .await,
        "assigned_to",
    );
    let page0 = ListOptions::default().page_size(0);
    refused(
        client
            .list_tasks(TaskFilter::default(), page0)
            .collect_all()
            .await,
        // The generated `.paginate()`'s check: the page size is the list's `_limit`.
        "`_limit` of tasks_list is 0",
    );

    // Activities.
    refused(client.add_note("", "hi").await, "lead_id");
    let typed = ActivityFilter::default().types(["Call"]);
    refused(
        client
            .list_calls(typed, ListOptions::default())
            .collect_all()
            .await,
        "one activity type",
    );
    let comma = ActivityFilter::default().types(["Note,Call"]);
    refused(
        client
            .list_activities(comma, ListOptions::default())
            .collect_all()
            .await,
        "comma",
    );
    let (mut sms, _) = documented::<CreateSmsActivity>("post", "/activity/sms/");
    sms.remote_phone = Some("+1 555 +1234".into());
    refused(client.create_sms(sms).await, "remote_phone");
    let (mut call, _) = documented::<CreateCallActivity>("post", "/activity/call/");
    call.phone = Some("1".repeat(65));
    refused(client.create_call(call).await, "phone");
    let (mut email, _) = documented::<CreateEmailActivity>("post", "/activity/email/");
    email.cc = Some(vec!["ok@a.example".into(), "not an address".into()]);
    refused(client.create_email(email).await, "cc[1]");
    refused(
        client
            .list_notes(ActivityFilter::default(), fields)
            .collect_all()
            .await,
        "`_fields`",
    );

    any.assert_calls_async(0).await;
}
