//! A newcomer tests their own app against `close_sdk::mock::MockClose` (issue 22): create
//! opportunities, move one to "Won", complete a task, and receive the mock's signed webhook
//! deliveries in their own loopback receiver (axum), verified with `webhooks::verify`. Typed
//! test data from `close_sdk::mock::fixture`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap as AxumHeaders;
use axum::routing::post;
use close_sdk::httpmock::MockServer;
use close_sdk::mock::{fixture, MockClose, MockServerExt};
use close_sdk::prelude::*;
use close_sdk::types::{
    CreateLead, CreateOpportunity, CreateTask, Opportunity, UpdateOpportunity, UpdateTask,
};
use close_sdk::webhooks::{
    self, Action, NewSubscription, ObjectType, SubscriptionEvent, VerifyOptions,
};

type Received = Arc<Mutex<Vec<(AxumHeaders, Bytes)>>>;

/// The app's own webhook endpoint: stores what it receives, answers 200.
async fn receiver() -> (String, Received, tokio::task::JoinHandle<()>) {
    let received: Received = Arc::default();
    let app = axum::Router::new()
        .route(
            "/close/hook",
            post(
                |State(r): State<Received>, headers: AxumHeaders, body: Bytes| async move {
                    r.lock().expect("lock").push((headers, body));
                    "ok"
                },
            ),
        )
        .with_state(received.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}/close/hook", listener.local_addr().expect("addr"));
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (url, received, task)
}

/// The code under test: the pipeline's open value, in cents.
fn open_value(opps: &[Opportunity]) -> i64 {
    opps.iter()
        .filter(|o| {
            o.status_type
                .as_ref()
                .is_some_and(|t| t.to_string() == "active")
        })
        .filter_map(|o| o.value)
        .sum()
}

#[tokio::test]
async fn an_app_against_mock_close() {
    let close = MockClose::start().await;
    let client = Client::builder()
        .api_key("test")
        .base_url(close.base_url())
        .build()
        .expect("client");
    let (url, received, task) = receiver().await;

    let sub = client
        .create_webhook(
            NewSubscription::new(url)
                .event(SubscriptionEvent::new(
                    ObjectType::Opportunity,
                    Action::Created,
                ))
                .event(SubscriptionEvent::new(
                    ObjectType::Opportunity,
                    Action::Updated,
                )),
        )
        .await
        .expect("subscription");
    let key = sub
        .signature_key
        .clone()
        .expect("the answer carries the signature key");

    let lead = CreateLead {
        name: Some("Bluth Company".into()),
        ..Default::default()
    };
    let lead_id = client
        .leads()
        .create(lead)
        .await
        .expect("lead")
        .id
        .expect("lead id");

    let mut ids = Vec::new();
    for value in [100_000, 250_000] {
        let body = CreateOpportunity {
            lead_id: Some(lead_id.clone()),
            value: Some(value),
            note: Some("Q3 renewal".into()),
            ..Default::default()
        };
        ids.push(
            client
                .opportunities()
                .create(body)
                .await
                .expect("opportunity")
                .id
                .expect("id"),
        );
    }

    let won = client
        .opportunity_statuses()
        .by_name("Won")
        .await
        .expect("list")
        .expect("a Won status");
    let move_it = UpdateOpportunity {
        status_id: Patch::Set(won.id.clone().expect("id")),
        ..Default::default()
    };
    let moved = client
        .opportunities()
        .update(ids[0].as_str(), move_it)
        .await
        .expect("moved");
    assert_eq!(moved.status_label.as_deref(), Some("Won"));

    let open = client
        .opportunities()
        .list()
        .lead_id(lead_id.as_str())
        .paginate()
        .collect_all()
        .await
        .expect("list");
    assert_eq!(open_value(&open), 250_000);

    let task_body = CreateTask {
        lead_id: Some(lead_id.clone()),
        text: Some("Send the contract".into()),
        ..Default::default()
    };
    let t = client.tasks().create(task_body).await.expect("task");
    let done = UpdateTask {
        is_complete: Patch::Set(true),
        ..Default::default()
    };
    let t = client
        .tasks()
        .update(t.id.expect("task id"), done)
        .await
        .expect("completed");
    assert_eq!(t.is_complete, Some(true));

    // 2 created + 1 updated opportunity events reach the app's endpoint, signed.
    let deliveries = close.wait_for_deliveries(3, Duration::from_secs(10)).await;
    assert_eq!(deliveries.len(), 3, "{deliveries:?}");
    assert!(deliveries.iter().all(|d| d.succeeded()));
    let got = received.lock().expect("lock").clone();
    assert_eq!(got.len(), 3);
    let mut actions = Vec::new();
    for (headers, body) in &got {
        let delivery = webhooks::verify(body, headers, &key, &VerifyOptions::default())
            .expect("signed by the mock");
        assert_eq!(delivery.subscription_id, sub.id);
        actions.push(delivery.event.action.to_string());
        if delivery.event.action == Action::Updated {
            assert!(delivery.event.changed("status_id"));
        }
    }
    actions.sort();
    assert_eq!(actions, ["created", "created", "updated"]);
    // A body changed in transit is refused.
    let (headers, body) = &got[0];
    let mut tampered = body.to_vec();
    tampered.push(b' ');
    assert!(webhooks::verify(&tampered, headers, &key, &VerifyOptions::default()).is_err());
    task.abort();
}

/// `fixture::<Opportunity>()`: test data for the app's own logic, and a typed httpmock answer.
#[tokio::test]
async fn fixtures_for_the_apps_logic() {
    let active = fixture::<Opportunity>()
        .with("status_type", "active")
        .with("value", 5000)
        .build();
    let won = fixture::<Opportunity>()
        .with("status_type", "won")
        .with("value", 7000)
        .build();
    assert_eq!(open_value(&[active.clone(), won]), 5000);

    let server = MockServer::start_async().await;
    let id = active.id.clone().expect("the documented example has an id");
    let mock = server.opportunities_get(|when, then| {
        when.id(id.as_str());
        then.ok(&active);
    });
    let client = Client::builder()
        .api_key("test")
        .base_url(server.base_url())
        .build()
        .expect("client");
    let got = client.opportunities().get(id.as_str()).await.expect("get");
    assert_eq!(got.value, Some(5000));
    mock.assert();
}

/// Close's per-tag extract (close-opportunities-api-openapi.yml, `UpdateOpportunity`) names
/// `note`, `date_won`, `user_id`, `contact_id`, `attachments` in an update; the SDK's
/// `UpdateOpportunity` types only `confidence`, `lead_id`, `note_html`, `status_id`, `value`,
/// `value_period`, so "update the note" or "set the close date" goes through `extra`, unchecked.
#[test]
fn update_opportunity_types_what_close_documents() {
    let body: UpdateOpportunity = serde_json::from_value(serde_json::json!({
        "note": "Signed.", "date_won": "2026-12-01", "user_id": "user_x", "contact_id": "cont_x"
    }))
    .expect("decodes");
    let untyped: Vec<&String> = body.extra.keys().collect();
    assert!(untyped.is_empty(), "left untyped in extra: {untyped:?}");
}

/// GUIDE.md's "Testing code that uses close-sdk" introduces `MockClose` as "a loopback stand-in
/// for Close's Memberships API" (and its example comment says "answers every Memberships
/// operation"), though it keeps opportunities, tasks, activities, statuses, pipelines and
/// webhooks (the rustdoc of `MockClose`, and the test above): a newcomer would not look there.
#[test]
fn guide_describes_mock_close_as_the_crm() {
    let guide = include_str!("../../../GUIDE.md");
    assert!(
        !guide.contains("stand-in for Close's Memberships\nAPI")
            && !guide.contains("stand-in for Close's Memberships API")
    );
    assert!(
        guide.contains("opportunit")
            && guide
                .split("## Testing")
                .nth(1)
                .is_some_and(|s| s.contains("opportunit"))
    );
}
