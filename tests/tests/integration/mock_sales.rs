//! `MockClose` as a stand-in for Close's sales objects (issue 22): opportunities paged and
//! filtered, status changes, tasks, notes and calls, webhook deliveries verified with the SDK's
//! own verifier, the event log, documented-example answers, the 404 for what the mock does not
//! implement, and typed fixtures. Every answer is decoded with the SDK's generated types.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use close_sdk::events::{EventFilter, ObjectType};
use close_sdk::mock::{fixture, MockClose};
use close_sdk::prelude::*;
use close_sdk::types::{self as t, Opportunity};
use close_sdk::webhooks::{self, VerifyOptions};
use close_sdk_tests::loopback_server::{LoopbackServer, Reply, Request};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

fn client(close: &MockClose) -> Client {
    Client::builder()
        .api_key("test")
        .base_url(close.base_url())
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client")
}

fn body<T: DeserializeOwned>(v: Value) -> T {
    serde_json::from_value(v).expect("a request body")
}

async fn lead(client: &Client, name: &str) -> String {
    let lead = client
        .leads()
        .create(body::<t::CreateLead>(json!({"name": name})))
        .await
        .expect("lead");
    lead.id.expect("an id")
}

#[tokio::test]
async fn a_sales_flow_pages_changes_status_completes_a_task_and_logs_every_change() {
    let close = MockClose::start().await;
    let client = client(&close);
    let bluth = lead(&client, "Bluth Company").await;
    let other = lead(&client, "Sitwell Enterprises").await;

    // Seven opportunities on one lead, one on another; pages of 3 over the first lead's.
    let mut ids = Vec::new();
    for i in 0..7 {
        let opp = client
            .opportunities()
            .create(body::<t::CreateOpportunity>(
                json!({"lead_id": bluth, "value": 1000 * (i + 1), "value_period": "one_time", "note": format!("deal {i}")}),
            ))
            .await
            .expect("create");
        assert!(opp.id.as_deref().unwrap().starts_with("oppo_"));
        assert_eq!(opp.lead_name.as_deref(), Some("Bluth Company"));
        assert_eq!(opp.status_label.as_deref(), Some("Active"));
        assert_eq!(opp.pipeline_name.as_deref(), Some("Sales"));
        ids.push(opp.id.unwrap());
    }
    client
        .opportunities()
        .create(body::<t::CreateOpportunity>(json!({"lead_id": other})))
        .await
        .unwrap();
    let mut seen = Vec::new();
    let mut pages = Vec::new();
    for skip in [0, 3, 6] {
        let page = client
            .opportunities()
            .list()
            .lead_id(bluth.as_str())
            .limit(3)
            .skip(skip)
            .await
            .expect("page");
        pages.push((page.data.as_ref().unwrap().len(), page.has_more));
        seen.extend(page.data.unwrap().into_iter().filter_map(|o| o.id));
    }
    assert_eq!(pages, [(3, Some(true)), (3, Some(true)), (1, Some(false))]);
    assert_eq!(seen, ids, "every opportunity of the lead once, in order");

    // A status change: the derived members follow, and Close's status-change activity appears.
    let statuses = client.opportunity_statuses().list().await.unwrap();
    let won = statuses
        .data
        .unwrap()
        .into_iter()
        .find(|s| s.label.as_deref() == Some("Won"))
        .and_then(|s| s.id)
        .expect("Close's example organization has a Won status");
    let updated = client
        .opportunities()
        .update(
            &ids[0],
            body::<t::UpdateOpportunity>(json!({"status_id": won})),
        )
        .await
        .unwrap();
    assert_eq!(serde_json::to_value(&updated.status_type).unwrap(), "won");
    assert!(updated.date_won.is_some(), "{updated:?}");
    let won_only = client
        .opportunities()
        .list()
        .status_type("won")
        .await
        .unwrap();
    assert_eq!(won_only.data.unwrap().len(), 1);
    let changes = client
        .activities()
        .opportunity_status_changes()
        .list()
        .lead_id(bluth.as_str())
        .await
        .unwrap();
    assert_eq!(changes.data.as_ref().unwrap().len(), 1);

    // A task completed; a note and a call; the generic activity list by lead and type.
    let task = client
        .tasks()
        .create(body::<t::CreateTask>(
            json!({"lead_id": bluth, "text": "Send the contract", "date": "2026-12-08"}),
        ))
        .await
        .unwrap();
    assert_eq!(task.is_complete, Some(false));
    let task_id = task.id.unwrap();
    let done = client
        .tasks()
        .update(
            &task_id,
            body::<t::UpdateTask>(json!({"is_complete": true})),
        )
        .await
        .unwrap();
    assert_eq!(done.is_complete, Some(true));
    let open = client.tasks().list().is_complete("false").await.unwrap();
    assert!(open.data.unwrap().is_empty());
    let note = client
        .activities()
        .notes()
        .create(body::<t::CreateNoteActivity>(
            json!({"lead_id": bluth, "note": "Gob wants a suit."}),
        ))
        .await
        .unwrap();
    assert_eq!(
        serde_json::to_value(&note).unwrap()["note"],
        "Gob wants a suit."
    );
    client
        .activities()
        .calls()
        .create(body::<t::CreateCallActivity>(
            json!({"lead_id": bluth, "direction": "outbound", "duration": 153, "note": "Talked."}),
        ))
        .await
        .unwrap();
    let notes_and_calls = client
        .activities()
        .list()
        .lead_id(bluth.as_str())
        .type_in("Note,Call")
        .await
        .unwrap();
    let kinds: Vec<Value> = notes_and_calls
        .data
        .unwrap()
        .iter()
        .map(|a| serde_json::to_value(a).unwrap()["_type"].clone())
        .collect();
    assert_eq!(kinds, [json!("Call"), json!("Note")], "newest first");
    let all_on_lead = client
        .activities()
        .list()
        .lead_id(bluth.as_str())
        .await
        .unwrap();
    // Note, call, the status change, the task completion.
    assert_eq!(all_on_lead.data.unwrap().len(), 4);

    // The event log shows every change, newest first, in Close's event format.
    let events = client
        .list_events(EventFilter::new().lead_id(bluth.as_str()), 50)
        .collect_all()
        .await
        .unwrap();
    let opp_updates: Vec<_> = events
        .iter()
        .filter(|e| e.object_type == ObjectType::Opportunity && e.changed("status_id"))
        .collect();
    assert_eq!(opp_updates.len(), 1);
    assert_eq!(
        opp_updates[0].previous_data["status_label"],
        json!("Active")
    );
    assert_eq!(opp_updates[0].data["status_label"], json!("Won"));
    assert!(events.iter().any(|e| e.object_type == ObjectType::Note));
    assert!(events
        .iter()
        .any(|e| e.object_type == ObjectType::TaskCompleted));
    assert!(events
        .iter()
        .any(|e| e.object_type.as_str().starts_with("task.") && e.changed("is_complete")));
    // 7 opportunities + lead + status change (update, activity) + task (create, update,
    // completion) + note + call.
    assert_eq!(
        events.len(),
        7 + 1 + 2 + 3 + 2,
        "{:#?}",
        events
            .iter()
            .map(|e| (e.object_type.as_str().into_owned(), e.action.to_string()))
            .collect::<Vec<_>>()
    );
    let first = client.get_event(&events[0].id).await.unwrap();
    assert_eq!(first, events[0]);

    client.opportunities().delete(&ids[6]).await.unwrap();
    let gone = client.opportunities().get(&ids[6]).await.unwrap_err();
    assert_eq!(gone.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(close.events()[0]["action"], "deleted");
}

#[tokio::test]
async fn a_subscribed_change_is_delivered_signed_and_passes_the_sdks_verifier() {
    let received: Arc<Mutex<Vec<Request>>> = Arc::default();
    let sink = received.clone();
    let receiver = LoopbackServer::start(move |req| {
        sink.lock().unwrap().push(req.clone());
        Reply::json(200, &json!({}))
    })
    .await;
    let close = MockClose::start().await;
    let client = client(&close);
    let sub = client
        .webhooks()
        .create(body::<t::CreateWebhook>(json!({
            "url": format!("{}/close-hook", receiver.base_url()),
            "events": [{"object_type": "opportunity", "action": "updated"}],
        })))
        .await
        .expect("subscription");
    let key = sub.signature_key.clone().expect("a signature key");
    assert!(
        !format!("{sub:?}").contains(&key.expose_hex()),
        "no key in Debug"
    );
    assert!(!format!("{close:?}").contains(&key.expose_hex()));
    let listed = client.webhooks().list().await.unwrap();
    assert_eq!(listed.data.unwrap().len(), 1);

    let bluth = lead(&client, "Bluth Company").await;
    let opp = client
        .opportunities()
        .create(body::<t::CreateOpportunity>(json!({"lead_id": bluth})))
        .await
        .unwrap();
    let id = opp.id.unwrap();
    client
        .opportunities()
        .update(&id, body::<t::UpdateOpportunity>(json!({"confidence": 80})))
        .await
        .unwrap();

    // Only the update is subscribed: one delivery.
    let done = close.wait_for_deliveries(1, Duration::from_secs(10)).await;
    assert_eq!(done.len(), 1, "{done:?}");
    assert!(done[0].succeeded() && done[0].attempts == 1, "{done:?}");
    let requests = received.lock().unwrap().clone();
    assert_eq!(requests.len(), 1);
    let req = &requests[0];
    assert!(req.path.starts_with("/close-hook"));
    let mut headers = http::HeaderMap::new();
    for (name, value) in &req.headers {
        headers.append(
            http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            http::HeaderValue::from_str(value).unwrap(),
        );
    }
    let delivery = webhooks::verify(&req.body, &headers, &key, &VerifyOptions::default())
        .expect("the SDK's verifier accepts the mock's signature");
    assert_eq!(delivery.subscription_id.as_deref(), sub.id.as_deref());
    assert_eq!(delivery.event.object_id.as_deref(), Some(id.as_str()));
    assert!(delivery.event.changed("confidence"));
    // A tampered body does not verify.
    let mut tampered = req.body.clone();
    tampered.push(b' ');
    assert!(webhooks::verify(&tampered, &headers, &key, &VerifyOptions::default()).is_err());

    // Paused: no more deliveries.
    client
        .webhooks()
        .update(
            sub.id.as_deref().unwrap(),
            body::<t::UpdateWebhook>(json!({"status": "paused"})),
        )
        .await
        .unwrap();
    client
        .opportunities()
        .update(&id, body::<t::UpdateOpportunity>(json!({"confidence": 90})))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(close.deliveries().len(), 1);
    client
        .webhooks()
        .delete(sub.id.as_deref().unwrap())
        .await
        .unwrap();
    assert!(client
        .webhooks()
        .list()
        .await
        .unwrap()
        .data
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn an_unmodelled_operation_answers_its_documented_example() {
    let close = MockClose::start().await;
    let client = client(&close);
    // Smart views are not modelled: Close's documented example of `GET /saved_search/` comes back.
    let views = client
        .smart_views()
        .list()
        .await
        .expect("the documented example");
    let names: Vec<_> = views
        .data
        .unwrap()
        .into_iter()
        .filter_map(|v| v.name)
        .collect();
    assert!(!names.is_empty());
    assert_eq!(close.request_count("GET /saved_search/"), 1);
}

#[tokio::test]
async fn what_the_mock_does_not_implement_is_a_404_that_says_so() {
    let close = MockClose::start().await;
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::new();
    // No Close operation has this path.
    let r = http
        .get(format!("{}/no_such_thing/", close.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["method"], "GET");
    assert_eq!(v["path"], "/no_such_thing/");
    assert!(v["operation"].is_null());
    let error = v["error"].as_str().unwrap();
    assert!(
        error.contains("does not implement GET /no_such_thing/"),
        "{error}"
    );

    // An operation Close documents without an example: named, through the SDK's error.
    let client = client(&close);
    let err = client.dialers().list().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    let text = err.to_string();
    assert!(
        text.contains("dialers_list") && text.contains("does not implement"),
        "{text}"
    );
}

#[test]
fn fixtures_start_from_the_documented_example_and_take_overrides() {
    let plain: Opportunity = fixture::<Opportunity>().build();
    assert!(plain.id.as_deref().unwrap().starts_with("oppo_"));
    let opp = fixture::<Opportunity>()
        .with("value", 5000)
        .with("status_type", "won")
        .with("note", Value::Null)
        .edit(|o| o.lead_name = Some("Bluth Company".into()))
        .build();
    assert_eq!(opp.value, Some(5000));
    assert_eq!(serde_json::to_value(&opp.status_type).unwrap(), "won");
    assert_eq!(opp.note, None);
    assert_eq!(opp.lead_name.as_deref(), Some("Bluth Company"));
    assert_eq!(
        opp.id, plain.id,
        "what is not overridden is the documented example's"
    );
    // A request body too, and a type Close documents no example of is an error, not a guess.
    let create: t::CreateTask = fixture::<t::CreateTask>().with("text", "Call back").build();
    assert_eq!(create.text.as_deref(), Some("Call back"));
    let err = close_sdk::mock::Fixture::<Value>::of_schema("NoSuchSchema")
        .try_build()
        .unwrap_err();
    assert!(err.to_string().contains("NoSuchSchema"), "{err}");
    let bad = fixture::<Opportunity>().with("value", "lots").try_build();
    assert!(bad.is_err());
}

#[tokio::test]
async fn a_mock_of_your_own_takes_precedence_over_what_mock_close_answers() {
    let close = MockClose::start().await;
    let client = client(&close);
    let fault = close
        .mock(|when, then| {
            when.method("GET").path("/opportunity/");
            then.status(503);
        })
        .await;
    let err = client.opportunities().list().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    fault.delete_async().await;
    let ok = client
        .opportunities()
        .list()
        .await
        .expect("MockClose answers again");
    assert_eq!(ok.data.unwrap().len(), 0);
}
