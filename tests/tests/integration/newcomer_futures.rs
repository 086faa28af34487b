//! A newcomer tries today's changes on real Close payloads (the corpus in
//! `tests/fixtures/corpus/`): `.send()` as `close_sdk::ResponseFuture`, `.await` as
//! `close_sdk::RequestFuture`, and the members real payloads carry that are now typed fields
//! (`CallActivity.date_answered`, `has_recording`, `Organization.status`, membership roles,
//! `RoleDefinition` dates, …). Real HTTP to an httpmock server on loopback only.
//!
//! Three tests began as the newcomer's defects (each says what was done, what was expected and
//! what happened, and how it was fixed); they pass now and guard the fixes.

use std::error::Error as StdError;
use std::future::IntoFuture;
use std::path::PathBuf;
use std::time::Duration;

use close_sdk::types::{CallActivity, CallActivityList, Organization, User};
use close_sdk::{Client, RequestFuture, ResponseFuture, Role};
use futures_util::future::join_all;
use httpmock::prelude::*;
use serde_json::{json, Value};

/// Upper bound for any one call.
const BOUND: Duration = Duration::from_secs(20);

async fn bounded<F: IntoFuture>(f: F) -> F::Output {
    tokio::time::timeout(BOUND, f)
        .await
        .expect("the call finished within the bound")
}

/// A corpus payload's text, as recorded.
fn corpus_text(file: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/corpus")
        .join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"))
}

fn corpus(file: &str) -> Value {
    serde_json::from_str(&corpus_text(file)).expect("corpus payloads are JSON")
}

const CALLS: [&str; 4] = [
    "activity-call/airbyte-call-inbound-voicemail.json",
    "activity-call/airbyte-call-outbound-cost-string.json",
    "activity-call/closex-call-list-item.json",
    "activity-call/closex-call-log.json",
];
const ORG_ID: &str = "orga_CC25dsMNG4KsRpxn2LEwPUVyGRs4poLYFIBsioIK4Oj";
const USER_ID: &str = "user_SOwJFVMqtgZCL6QrMDLujSXbQabQnNfOwjFX1mdOulg";

fn client(server: &MockServer) -> Client {
    Client::builder()
        .api_key("api_newcomer")
        .base_url(server.base_url())
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client")
}

/// A Close that answers the calls list, the organization, the roles and a user with recorded
/// payloads.
async fn recorded_close() -> MockServer {
    let server = MockServer::start_async().await;
    let calls: Vec<Value> = CALLS.iter().map(|f| corpus(f)).collect();
    server
        .mock_async(|when, then| {
            when.method(GET).path("/activity/call/");
            then.status(200)
                .header("content-type", "application/json")
                .header("ratelimit", "limit=240, remaining=239, reset=1")
                .json_body(json!({ "data": calls, "has_more": false }));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(format!("/organization/{ORG_ID}/"));
            then.status(200)
                .header("content-type", "application/json")
                .body(corpus_text(
                    "organization/closex-organization-memberships.json",
                ));
        })
        .await;
    let roles = vec![
        corpus("role/airbyte-role-admin.json"),
        corpus("role/airbyte-role-restricted-user.json"),
    ];
    server
        .mock_async(|when, then| {
            when.method(GET).path("/role/");
            then.status(200)
                .header("content-type", "application/json")
                .json_body(json!({ "data": roles, "has_more": false }));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(format!("/user/{USER_ID}/"));
            then.status(200)
                .header("content-type", "application/json")
                .body(corpus_text("user/airbyte-user.json"));
        })
        .await;
    server
}

// ---------------------------------------------------------------------------------------------
// What worked.

/// List calls with `.send().await?` for status and headers, then print who answered and when.
#[tokio::test]
async fn list_calls_shows_who_answered_when_and_recordings() {
    let server = recorded_close().await;
    let client = client(&server);
    let answer = bounded(client.activities().calls().list().limit(10).send())
        .await
        .expect("calls");
    assert_eq!(answer.status(), 200);
    assert!(answer.headers().get("ratelimit").is_some());
    let calls = answer.into_inner().data.unwrap_or_default();
    assert_eq!(calls.len(), 4);
    let answered: Vec<String> = calls
        .iter()
        .filter_map(|c| {
            let when = c.date_answered.as_ref()?;
            Some(format!("{} at {when}", c.user_name.as_deref()?))
        })
        .collect();
    assert_eq!(
        answered,
        ["Airbyte Team at 2022-11-09T13:57:22.063000+00:00"]
    );
    let recorded: Vec<_> = calls
        .iter()
        .filter(|c| c.has_recording == Some(true))
        .filter_map(|c| c.id.as_deref())
        .collect();
    assert_eq!(
        recorded,
        ["acti_PmWoP1sUvr9qiec2U9wu06ZaDa1YeNsqUQHWMog3ekZ"]
    );
    assert!(calls.iter().all(|c| c.is_forwarded != Some(true)));
}

/// The organization's status, billing, trial end and member roles are fields.
#[tokio::test]
async fn organization_status_and_member_roles_are_fields() {
    let server = recorded_close().await;
    let client = client(&server);
    let org: Organization = bounded(client.organizations().get(ORG_ID)).await.unwrap();
    assert_eq!(org.status.as_deref(), Some("trial"));
    assert_eq!(org.user_count, Some(1));
    assert!(org.billing_account_id.is_some());
    assert_eq!(
        org.leads_email.as_deref(),
        Some("nested_dev-w9f6rjtj@leads.close.io")
    );
    assert_eq!(
        org.trial_ends.as_ref().map(|t| t.unix_timestamp()),
        Some(1_508_610_420)
    );
    let members: Vec<_> = org
        .memberships
        .iter()
        .chain(org.inactive_memberships.iter())
        .flatten()
        .map(|m| {
            (
                m.user_full_name.clone().unwrap_or_default(),
                m.role.clone(),
                m.role(),
                m.plan_type.clone(),
            )
        })
        .collect();
    assert_eq!(members.len(), 2);
    for (_, role, parsed, plan) in &members {
        assert_eq!(role.as_deref(), Some("admin"));
        assert_eq!(parsed, &Some(Role::Admin));
        assert_eq!(plan.as_deref(), Some("enterprise"));
    }
    let first = &org.memberships.as_deref().unwrap()[0];
    assert_eq!(
        first.default_caller_id.as_deref(),
        Some("phon_uY3oPNLLb0wHAjdGm7wNcegrl2q9JVqTbGjNTpfHcDA")
    );
}

/// Role dates Close sends without an offset (`0001-01-01T00:00:00`) decode and print as sent.
#[tokio::test]
async fn role_dates_without_offset_read_and_print_as_sent() {
    let server = recorded_close().await;
    let client = client(&server);
    let roles = bounded(client.roles().list()).await.unwrap();
    let roles = roles.data.unwrap_or_default();
    assert_eq!(roles.len(), 2);
    for role in &roles {
        let created = role.date_created.as_ref().expect("date_created");
        assert!(created.is_naive());
        assert_eq!(created.to_string(), "0001-01-01T00:00:00");
        assert_eq!(created.unix_timestamp(), -62_135_596_800);
        assert_eq!(role.date_updated.as_ref(), Some(created));
    }
    let back = serde_json::to_value(&roles[0]).unwrap();
    assert_eq!(back, corpus("role/airbyte-role-admin.json"));
}

/// The user's new fields.
#[tokio::test]
async fn user_email_verified_and_timezone_are_fields() {
    let server = recorded_close().await;
    let client = client(&server);
    let user: User = bounded(client.users().get(USER_ID)).await.unwrap();
    assert_eq!(user.last_used_timezone.as_deref(), Some("Europe/Kiev"));
    assert_eq!(
        user.email_verified_at.as_ref().map(|t| t.to_string()),
        Some("2021-07-13T11:37:23.175000+00:00".to_string())
    );
}

/// A webhook-like flow: a CallActivity decoded from JSON text is written back unchanged.
#[test]
fn a_call_decoded_from_text_is_written_back_unchanged() {
    for file in CALLS {
        let text = corpus_text(file);
        let call: CallActivity = serde_json::from_str(&text).unwrap();
        let back: Value = serde_json::from_str(&serde_json::to_string(&call).unwrap()).unwrap();
        assert_eq!(back, corpus(file), "{file}");
    }
}

/// Spawned on tokio (a clone of the client moved in), then collected with `join_all`.
#[tokio::test]
async fn requests_spawn_on_tokio_and_join_all_collects_them() {
    let server = recorded_close().await;
    let client = client(&server);
    let spawned: Vec<_> = (0..3)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.users().get(USER_ID).await })
        })
        .collect();
    for done in bounded(join_all(spawned)).await {
        assert!(done.unwrap().unwrap().id.is_some());
    }
    // Borrowing futures, no spawn: `.send()` and `.into_future()` side by side.
    let sends: Vec<ResponseFuture<'_, User>> =
        (0..3).map(|_| client.users().get(USER_ID).send()).collect();
    for answer in bounded(join_all(sends)).await {
        assert_eq!(answer.unwrap().status(), 200);
    }
    let values: Vec<RequestFuture<'_, User>> = (0..3)
        .map(|_| client.users().get(USER_ID).into_future())
        .collect();
    assert_eq!(bounded(join_all(values)).await.len(), 3);
}

/// A `ResponseFuture` stored in a struct field: nameable, needs the client's lifetime, `Send`
/// and `Unpin` (so `&mut` of it can be awaited).
#[tokio::test]
async fn a_response_future_can_live_in_a_struct_field() {
    struct Pending<'a> {
        label: &'static str,
        calls: ResponseFuture<'a, CallActivityList>,
    }
    fn assert_send_unpin<T: Send + Unpin>(_: &T) {}

    let server = recorded_close().await;
    let client = client(&server);
    let mut pending = Pending {
        label: "calls",
        calls: client.activities().calls().list().send(),
    };
    assert_send_unpin(&pending.calls);
    assert!(format!("{:?}", pending.calls).contains("ResponseFuture"));
    let answer = bounded(&mut pending.calls).await.unwrap();
    assert_eq!(answer.status(), 200, "{}", pending.label);
    // Polled again after completion: fused, pending, not a panic.
    assert!(futures_util::future::FusedFuture::is_terminated(
        &pending.calls
    ));
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    assert!(
        std::future::Future::poll(std::pin::Pin::new(&mut pending.calls), &mut cx).is_pending()
    );
}

/// `?` in a function returning `Box<dyn Error + Send + Sync>`, for `.await?` and `.send().await?`.
#[tokio::test]
async fn question_mark_works_in_a_boxed_error_function() {
    async fn report(client: &Client) -> Result<String, Box<dyn StdError + Send + Sync>> {
        let org = client.organizations().get(ORG_ID).await?;
        let calls = client.activities().calls().list().send().await?;
        let missing = client.users().get("user_missing").await;
        let missing: Box<dyn StdError + Send + Sync> = missing.unwrap_err().into();
        Ok(format!(
            "{} {} {} | {missing}",
            org.status.unwrap_or_default(),
            calls.status(),
            calls.into_inner().data.map_or(0, |d| d.len()),
        ))
    }
    let server = recorded_close().await;
    let line = bounded(report(&client(&server))).await.unwrap();
    assert!(line.starts_with("trial 200 OK 4 | 404"), "{line}");
    assert!(line.contains("users_get"), "{line}");
}

// ---------------------------------------------------------------------------------------------
// The newcomer's defects, fixed in b93a8bf.

/// Did: listed calls and, for the one with `has_recording: true`, read `recording_url` to
/// download it; also read `voicemail_duration` to total voicemail seconds. Expected: the
/// overlay's own rule for today's change ("a member is typed only when a recorded payload
/// carries a non-null value for it (its type is that value's)") makes `recording_url` an
/// `Option<String>` (closex-call-log.json records a URL string) and `voicemail_duration` an
/// `Option<i64>` (every recording has `0`). Actual: both are still `Option<serde_json::Value>`
/// ("Any value (the examples show only null)"), so the newcomer needs `.as_str()` /
/// `.as_i64()` and gets no help from the type. Fixed: typed in the overlay from the recordings.
#[test]
fn recorded_call_members_are_typed_not_any_value() {
    let call: CallActivity = serde_json::from_str(&corpus_text(CALLS[3])).unwrap();
    assert_eq!(
        std::any::type_name_of_val(&call.recording_url),
        std::any::type_name::<Option<String>>(),
        "recording_url"
    );
    assert_eq!(
        std::any::type_name_of_val(&call.voicemail_duration),
        std::any::type_name::<Option<i64>>(),
        "voicemail_duration"
    );
}

/// The organization decoded from a recorded payload is written back unchanged (the typed
/// members and the rest, `lead_custom_fields`, `payment_fail_date: null`, …).
#[test]
fn an_organization_round_trips_unchanged() {
    let file = "organization/closex-organization-memberships.json";
    let org: Organization = serde_json::from_str(&corpus_text(file)).unwrap();
    assert_eq!(serde_json::to_value(&org).unwrap(), corpus(file));
}

/// `ContactEmail.email_lower` and `CustomField.is_shared` are fields.
#[test]
fn email_lower_and_is_shared_are_fields() {
    let lead: close_sdk::types::Lead =
        serde_json::from_str(&corpus_text("lead/hull-lead-create.json")).unwrap();
    let email = &lead.contacts.as_deref().unwrap()[0]
        .emails
        .as_deref()
        .unwrap()[0];
    assert_eq!(email.email_lower.as_deref(), Some("gob@example.com"));
    let field: close_sdk::types::CustomField =
        serde_json::from_str(&corpus_text("custom-field/airbyte-lead-field-user.json")).unwrap();
    assert_eq!(field.is_shared, Some(false));
}

/// Did: `tokio::spawn(client.users().get(id).send())`, the first thing a newcomer writes to run
/// requests concurrently; it does not compile ("`client` does not live long enough … argument
/// requires that `client` is borrowed for `'static`"), because `ResponseFuture<'a, T>` /
/// `RequestFuture<'a, T>` borrow the client. Expected: their rustdoc (or GUIDE's paragraph on
/// them) says what `'a` is and how to spawn one (move a clone of the client into an
/// `async move` block), as the working test above does. Actual: neither says what `'a` borrows,
/// nor mentions spawning; only GUIDE's diagram says the client is "cheap to clone". Fixed:
/// `ResponseFuture`'s rustdoc says `'a` borrows the client and shows the spawn.
#[test]
fn the_futures_docs_say_what_the_lifetime_borrows_and_how_to_spawn() {
    let docs = include_str!("../../../close-sdk/src/api/request_future.rs");
    let guide = include_str!("../../../GUIDE.md");
    let about_futures: String = docs
        .lines()
        .filter(|l| l.trim_start().starts_with("///") || l.trim_start().starts_with("//!"))
        .chain(guide.lines().filter(|l| l.contains("Future")))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        about_futures.contains("spawn"),
        "neither ResponseFuture's/RequestFuture's rustdoc nor GUIDE's paragraph on them says how to spawn a request"
    );
    assert!(
        about_futures.contains("'a") || about_futures.contains("borrows the client"),
        "nothing says that the futures' lifetime is a borrow of the client"
    );
}

/// A webhook-like flow through the event envelope: the recorded delivery's event, with a
/// recorded call as its `data`, gives the typed call (`date_answered` read), and writing that
/// call back gives the recorded call unchanged.
#[test]
fn a_call_in_an_event_envelope_is_typed_and_written_back_unchanged() {
    use close_sdk::events::{Event, EventData};
    let mut delivery = corpus("webhook-delivery/hadi-lead-created.json");
    let call = corpus(CALLS[1]);
    delivery["event"]["object_type"] = json!("activity.call");
    delivery["event"]["object_id"] = call["id"].clone();
    delivery["event"]["data"] = call.clone();
    delivery["event"]["previous_data"] = Value::Null;
    let text = serde_json::to_string(&delivery["event"]).unwrap();
    let event: Event = serde_json::from_str(&text).unwrap();
    let EventData::Call(typed) = event.try_typed_data().unwrap() else {
        panic!("an activity.call event's data is a CallActivity");
    };
    assert!(typed.date_answered.is_some());
    assert_eq!(serde_json::to_value(&*typed).unwrap(), call);
}

/// Did: kept a `ResponseFuture` in a struct field, awaited `&mut` of it (the request went out
/// and answered 200), then by mistake polled it again. It answered `Error::InvalidRequest`
/// ("invalid and was not sent") for a request that was sent and succeeded; code that treats
/// `InvalidRequest` as safe to resend would send a create twice. Fixed: a resolved future is
/// fused (`FusedFuture`, as `futures`' `Fuse`): polled again it stays pending, sends nothing and
/// claims nothing.
#[tokio::test]
async fn a_resolved_future_polled_again_stays_pending_and_claims_nothing() {
    use futures_util::future::FusedFuture;
    let server = recorded_close().await;
    let client = client(&server);
    let mut calls = client.activities().calls().list().send();
    assert!(!calls.is_terminated());
    assert_eq!(bounded(&mut calls).await.unwrap().status(), 200);
    assert!(calls.is_terminated());
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    assert!(
        std::future::Future::poll(std::pin::Pin::new(&mut calls), &mut cx).is_pending(),
        "a resolved request's second poll gives no second answer"
    );
}
