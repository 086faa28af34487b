//! Attack on the lookups landed this session (issue 20): `memberships().by_user` and
//! `groups().add_member(group, user_id)` with hostile ids (never another path), a server that
//! lists the same user twice (ambiguous, not a guess), and the API key never in an error.

use std::future::IntoFuture;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use close_sdk::{Client, Error};
use close_sdk_tests::loopback_server::{LoopbackServer, Reply};
use serde_json::json;

const SECRET_KEY: &str = "api_5ecretKEYdoNotLeak0123456789";

fn client(base: &str) -> Client {
    Client::builder()
        .api_key(SECRET_KEY)
        .base_url(base)
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client")
        .with_retry_policy(close_sdk::RetryPolicy::none())
}

fn hostile_ids() -> Vec<String> {
    let mut ids: Vec<String> = [
        "a/b",
        "..",
        ".",
        "../lead",
        "a?b=1",
        "a#b",
        "%2F",
        "%2e%2e",
        "a b",
        "é",
        "\u{202e}x",
        " ",
        "",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    ids.push("o".repeat(10_000));
    ids
}

/// `by_user(org, user)` with hostile organization ids: refused, or sent inside the one
/// `/organization/{id}/` segment (defended).
#[tokio::test]
async fn by_user_with_hostile_organization_ids_never_reaches_another_path() {
    let paths = Arc::new(Mutex::new(Vec::<String>::new()));
    let seen = paths.clone();
    let server = LoopbackServer::start(move |req| {
        seen.lock().unwrap().push(req.path.clone());
        Reply::json(200, &json!({"id": "orga_1", "memberships": []}))
    })
    .await;
    let client = client(&server.base_url());
    for id in hostile_ids() {
        let before = paths.lock().unwrap().len();
        let r = tokio::time::timeout(
            Duration::from_secs(5),
            client.memberships().by_user(&id, "user_1"),
        )
        .await
        .expect("bounded");
        let after = paths.lock().unwrap().clone();
        let shown = format!("{r:?}");
        assert!(!shown.contains(SECRET_KEY), "{shown}");
        if after.len() == before {
            assert!(matches!(r, Err(Error::InvalidRequest(_))), "{id:?}: {r:?}");
            continue;
        }
        let path = after.last().unwrap().split('?').next().unwrap().to_string();
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        assert_eq!(segments.len(), 2, "{id:?} reached {path}");
        assert_eq!(segments[0], "organization", "{id:?} reached {path}");
        assert!(
            segments[1] != ".." && segments[1] != ".",
            "{id:?} reached {path}"
        );
    }
}

/// `groups().add_member(group, user)` with hostile group ids (defended, as above), and a
/// blank user id is never sent as the member.
#[tokio::test]
async fn add_member_with_hostile_group_ids_never_reaches_another_path() {
    let paths = Arc::new(Mutex::new(Vec::<String>::new()));
    let seen = paths.clone();
    let server = LoopbackServer::start(move |req| {
        seen.lock().unwrap().push(req.path.clone());
        Reply::json(200, &json!({"user_id": "user_1"}))
    })
    .await;
    let client = client(&server.base_url());
    for id in hostile_ids() {
        let before = paths.lock().unwrap().len();
        let r = tokio::time::timeout(
            Duration::from_secs(5),
            client
                .groups()
                .add_member(id.as_str(), "user_1")
                .into_future(),
        )
        .await
        .expect("bounded");
        let after = paths.lock().unwrap().clone();
        if after.len() == before {
            assert!(r.is_err(), "{id:?}: {r:?}");
            continue;
        }
        let path = after.last().unwrap().split('?').next().unwrap().to_string();
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        assert_eq!(segments.len(), 3, "{id:?} reached {path}");
        assert_eq!(
            (segments[0], segments[2]),
            ("group", "member"),
            "{id:?} reached {path}"
        );
        assert!(
            segments[1] != ".." && segments[1] != ".",
            "{id:?} reached {path}"
        );
    }
}

/// A server listing the same user's active membership twice: `by_user` says it is ambiguous
/// and names both ids (defended), and a `user_id` differing only by case or spaces inside is
/// not the same user.
#[tokio::test]
async fn a_user_listed_twice_is_ambiguous() {
    let server = LoopbackServer::start(|_| {
        Reply::json(
            200,
            &json!({"id": "orga_1", "memberships": [
                {"id": "memb_1", "user_id": "user_1"},
                {"id": "memb_2", "user_id": "user_1"},
                {"id": "memb_3", "user_id": "USER_1"},
                {"id": "memb_4", "user_id": null}
            ]}),
        )
    })
    .await;
    let client = client(&server.base_url());
    match client.memberships().by_user("orga_1", " user_1 ").await {
        Err(Error::Ambiguous { count: 2, ids, .. }) => assert_eq!(ids, ["memb_1", "memb_2"]),
        other => panic!("{other:?}"),
    }
    let found = client
        .memberships()
        .by_user("orga_1", "USER_1")
        .await
        .unwrap();
    assert_eq!(found.and_then(|m| m.id).as_deref(), Some("memb_3"));
    assert!(client
        .memberships()
        .by_user("orga_1", "user_9")
        .await
        .unwrap()
        .is_none());
}
