//! Attack on the bodies typed this session (issues 20, 21): a catch-all `extra` repeating a
//! typed key (`s_query`, `sort`, `results_limit`) in bulk, export and smart-view bodies; `null`
//! versus absent through the typed `s_query`; extreme limits; `Activity::into_kind` for every
//! kind that now has a struct; a one-answer list that says `has_more: true`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use close_sdk::search::{Field, Query, SearchRequest, Sort};
use close_sdk::types::{self as t, CreateBulkDelete, CreateLeadExport, UpdateSmartView};
use close_sdk::{Client, Error, Patch, TypedActivity};
use close_sdk_tests::loopback_server::{LoopbackServer, Reply};
use serde_json::{json, Value};

fn client(base: &str) -> Client {
    Client::builder()
        .api_key("test-key")
        .base_url(base)
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client")
        .with_retry_policy(close_sdk::RetryPolicy::none())
}

async fn counting_server(answer: Value) -> (LoopbackServer, Arc<AtomicUsize>) {
    let n = Arc::new(AtomicUsize::new(0));
    let count = n.clone();
    let server = LoopbackServer::start(move |_| {
        count.fetch_add(1, Ordering::SeqCst);
        Reply::json(200, &answer)
    })
    .await;
    (server, n)
}

/// A catch-all key repeating a typed one (with a value, or `null` while the typed field is
/// set) is refused before anything is sent: no body carries a key twice (defended).
#[tokio::test]
async fn extra_repeating_a_typed_key_is_refused_before_sending() {
    let (server, sent) = counting_server(json!({})).await;
    let client = client(&server.base_url());
    let typed = Query::id("lead_x");
    for (key, value) in [
        ("s_query", json!({"type": "match_all"})),
        ("s_query", Value::Null),
        ("sort", json!([])),
        ("results_limit", json!(5)),
        ("send_done_email", json!(true)),
    ] {
        let mut body = CreateBulkDelete {
            s_query: Some(typed.clone()),
            sort: vec![Sort::asc(Field::lead("name"))],
            results_limit: Some(1),
            send_done_email: Some(false),
            ..Default::default()
        };
        body.extra.insert(key.into(), value.clone());
        assert!(serde_json::to_string(&body).is_err(), "{key}={value}");
        let r = client.bulk_actions().delete().create(body).await;
        assert!(matches!(r, Err(Error::InvalidRequest(_))), "{key}: {r:?}");
    }
    let mut view = UpdateSmartView {
        s_query: Patch::Set(SearchRequest::new(Query::match_all())),
        ..Default::default()
    };
    view.extra
        .insert("s_query".into(), json!({"query": {"type": "match_all"}}));
    let r = client.smart_views().update("save_x", view).await;
    assert!(matches!(r, Err(Error::InvalidRequest(_))), "{r:?}");
    assert_eq!(sent.load(Ordering::SeqCst), 0, "nothing was sent");
}

/// `null` and absent stay apart through a typed `s_query`, `sort` and `results_limit`, and
/// extreme limits are written as given (defended).
#[test]
fn null_and_absent_and_extreme_limits_survive_typed_bodies() {
    for sent in [
        json!({"s_query": null, "sort": null, "results_limit": null}),
        json!({"s_query": {"type": "match_all"}, "results_limit": i64::MAX}),
        json!({"s_query": {"type": "future_kind", "x": [1]}, "sort": [{"by": "name"}],
               "results_limit": i64::MIN}),
        json!({}),
    ] {
        let body: CreateBulkDelete = serde_json::from_value(sent.clone()).unwrap();
        assert_eq!(serde_json::to_value(&body).unwrap(), sent);
    }
    let export: CreateLeadExport = serde_json::from_value(json!({
        "format": "csv", "type": "leads", "s_query": {"type": "match_all", "negate": false},
        "results_limit": null, "sort": []
    }))
    .unwrap();
    let back = serde_json::to_value(&export).unwrap();
    assert_eq!(back["results_limit"], Value::Null);
    assert_eq!(
        back["s_query"],
        json!({"type": "match_all", "negate": false})
    );
}

/// A smart view's stored `s_query` written back after an unrelated edit is the same JSON,
/// `null`s and unknown members included (defended).
#[test]
fn a_smart_views_s_query_survives_an_edit_of_its_name() {
    let sent = json!({
        "id": "save_x", "name": "Old",
        "s_query": {"query": {"type": "and", "negate": false, "queries": [
            {"type": "object_type", "object_type": "lead", "negate": false},
            {"type": "in_a_future_kind", "ids": ["a"]}
        ]}, "results_limit": null, "sort": [], "cursor": null, "_fields": null, "x": {"y": null}}
    });
    let mut view: t::SmartView = serde_json::from_value(sent.clone()).unwrap();
    view.name = Some("New".into());
    let mut want = sent;
    want["name"] = json!("New");
    assert_eq!(serde_json::to_value(&view).unwrap(), want);
}

/// `ImportUpdate` has had its own struct (`ImportUpdateActivity`, `/activity/import_update/`)
/// since this session, yet `into_kind` leaves it an untyped `Activity` (`TypedActivity::Other`),
/// its docs still saying it has none.
#[test]
fn into_kind_gives_every_kind_with_a_struct_its_struct() {
    let activity: t::Activity = serde_json::from_value(json!({
        "_type": "ImportUpdate", "id": "acti_1", "lead_id": "lead_1"
    }))
    .unwrap();
    let typed = activity.into_kind().unwrap();
    assert!(!matches!(typed, TypedActivity::Other(_)), "{typed:?}");
}

/// `into_kind` round-trips each kind with `null`s, unknown members and lenient numbers kept
/// as the generic list sent them (defended, beyond the corpus test: a hostile mix).
#[test]
fn into_kind_loses_nothing_of_a_hostile_mix() {
    for sent in [
        json!({"_type": "Call", "id": "a", "duration": 90, "note": null, "zz": {"deep": [null]}}),
        json!({"_type": "Email", "id": "b", "to": [], "attachments": null, "x": 1}),
        json!({"_type": "Note", "id": "c", "note": "", "note_html": null}),
        json!({"_type": "SMS", "id": "d", "text": "\u{0}", "local_phone": null}),
        json!({"_type": "TaskCompleted", "id": "e", "task_id": null}),
    ] {
        let a: t::Activity = serde_json::from_value(sent.clone()).unwrap();
        let typed = a.into_kind().expect("converts");
        assert!(!matches!(typed, TypedActivity::Other(_)), "{sent}");
        assert_eq!(typed.to_json().unwrap(), sent);
    }
}

/// A one-answer list (pipelines: Close documents no `_skip`/`_limit`) whose answer says
/// `has_more: true` ends `.paginate()` with `InvalidResponse` after its items, and asks for
/// nothing more (defended).
#[tokio::test]
async fn a_one_answer_list_saying_has_more_ends_with_an_error() {
    let (server, sent) = counting_server(json!({
        "data": [{"id": "pipe_1", "name": "Sales"}], "has_more": true
    }))
    .await;
    let client = client(&server.base_url());
    let mut stream = client.pipelines().list().paginate();
    let mut items = 0;
    let mut errors = Vec::new();
    for _ in 0..10 {
        match tokio::time::timeout(Duration::from_secs(5), stream.next())
            .await
            .unwrap()
        {
            Some(Ok(_)) => items += 1,
            Some(Err(e)) => errors.push(e),
            None => break,
        }
    }
    assert_eq!(items, 1);
    assert_eq!(errors.len(), 1);
    assert!(
        matches!(errors[0], Error::InvalidResponse(_)),
        "{:?}",
        errors[0]
    );
    assert_eq!(sent.load(Ordering::SeqCst), 1);
}

/// The same list answering `{"data": [], "has_more": true}`: Close said there is more that
/// cannot be asked for, so the caller must hear it, as for a non-empty answer; the stream
/// ends quietly with nothing instead.
#[tokio::test]
async fn an_empty_one_answer_list_saying_has_more_is_an_error_too() {
    let (server, _sent) = counting_server(json!({"data": [], "has_more": true})).await;
    let client = client(&server.base_url());
    let r = tokio::time::timeout(
        Duration::from_secs(5),
        client.pipelines().list().paginate().collect_all(),
    )
    .await
    .unwrap();
    assert!(matches!(r, Err(Error::InvalidResponse(_))), "{r:?}");
}
