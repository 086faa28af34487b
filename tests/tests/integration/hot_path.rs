//! `create_membership` is the generated `memberships_create()` request (the hot path: no request
//! copy, one body read). It must send exactly what the builder sends and end exactly the way the
//! builder ends, whatever the server answers. Every generated request takes the same path
//! (`crate::runtime::send`); the last tests check it retries with the same request and ends in
//! the one `close_sdk::Error`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use close_sdk::prelude::*;
use close_sdk::types::Membership;
use close_sdk::RetryPolicy;
use close_sdk_tests::loopback_server::{LoopbackServer, Reply, Request};
use close_sdk_tests::*;
use serde_json::json;

const EMAIL: &str = "john@salesteam.com";

/// Fails a test that would otherwise hang.
async fn bounded<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(30), f)
        .await
        .expect("the call finished within 30 s")
}

fn client(server: &LoopbackServer) -> Client {
    Client::builder()
        .api_key(API_KEY)
        .base_url(server.base_url())
        .retry_policy(RetryPolicy::default().base_delay(Duration::from_millis(10)))
        .build()
        .expect("client")
}

/// The same call through the generated builder, converted as the extension traits convert.
async fn via_builder(c: &Client) -> Result<Membership, Error> {
    c.memberships_create()
        .body(close_sdk::types::CreateMembership {
            email: EMAIL.parse().expect("a valid address"),
            role_id: Role::User,
            extra: Default::default(),
        })
        .send()
        .await
        .map(close_sdk::ResponseValue::into_inner)
}

#[tokio::test]
async fn the_hot_path_sends_the_builders_bytes() {
    let seen: Arc<Mutex<Vec<Request>>> = Arc::default();
    let keep = seen.clone();
    let server = LoopbackServer::start(move |r| {
        keep.lock().expect("lock").push(r.clone());
        Reply::json(200, &created_membership())
    })
    .await;
    let c = client(&server);
    via_builder(&c).await.expect("builder");
    c.create_membership(EMAIL, Role::User)
        .await
        .expect("hot path");
    let seen = seen.lock().expect("lock");
    assert_eq!(seen.len(), 2);
    let (builder, hot) = (&seen[0], &seen[1]);
    assert_eq!((&hot.method, &hot.path), (&builder.method, &builder.path));
    let sorted = |r: &Request| {
        let mut h = r.headers.clone();
        h.sort();
        h
    };
    assert_eq!(sorted(hot), sorted(builder));
    assert_eq!(hot.body, builder.body);
    assert_eq!(hot.header("authorization"), Some(BASIC_AUTH));
}

/// What an outcome says, for comparing the two paths.
fn summary(result: &Result<Membership, Error>) -> String {
    match result {
        Ok(m) => format!("ok {}", serde_json::to_string(m).unwrap_or_default()),
        Err(e) => {
            let kind = match e {
                Error::Api(_) => "api",
                Error::ServerWaitTooLong { .. } => "wait",
                Error::Decode { .. } => "decode",
                Error::Timeout(_) => "timeout",
                Error::Transport(_) => "transport",
                _ => "other",
            };
            let api = e.api_error().map(|a| {
                format!(
                    "{} {:?} {} {:?}",
                    a.status, a.body, a.attempts, a.rate_limit
                )
            });
            format!("{kind} {:?} {api:?}", e.status())
        }
    }
}

#[tokio::test]
async fn the_hot_path_ends_as_the_builder_does() {
    let ok = Reply::json(200, &created_membership());
    let cases: Vec<(&str, Vec<Reply>, usize)> = vec![
        ("200", vec![ok.clone()], 1),
        (
            "200 not a membership",
            vec![Reply::json(200, &json!({"id": 1}))],
            1,
        ),
        ("201", vec![Reply::json(201, &created_membership())], 1),
        (
            "400 field errors",
            vec![Reply::json(
                400,
                &json!({"errors": [], "field-errors": {"email": "Enter a valid email address."}}),
            )],
            1,
        ),
        (
            "401",
            vec![Reply::json(401, &json!({"error": "Unauthorized"}))],
            1,
        ),
        (
            "403",
            vec![Reply::json(403, &json!({"error": "Forbidden"}))],
            1,
        ),
        (
            "404",
            vec![Reply::json(404, &json!({"error": "Not found"}))],
            1,
        ),
        (
            "429 asking for 25 h",
            vec![Reply::json(429, &json!({"error": "slow down"}))
                .with_header("retry-after", "90000")],
            1,
        ),
        (
            "500 text",
            vec![Reply::Respond {
                status: 500,
                headers: vec![],
                body: b"<html>oops</html>".to_vec(),
            }],
            1,
        ),
        (
            "503 then 200",
            vec![
                Reply::json(503, &json!({"error": "maintenance"})),
                ok.clone(),
            ],
            2,
        ),
        (
            "503 three times",
            vec![Reply::json(503, &json!({"error": "down"}))],
            3,
        ),
        (
            "a body cut off, then 200",
            vec![
                Reply::Truncated {
                    declared: 900,
                    body: br#"{"id": "memb_"#.to_vec(),
                },
                ok.clone(),
            ],
            2,
        ),
        (
            "a reset, then 200",
            vec![Reply::ResetMidResponse, ok.clone()],
            2,
        ),
    ];
    for (name, script, requests) in cases {
        let mut outcomes = Vec::new();
        for hot in [false, true] {
            let then = script.last().cloned().unwrap_or_else(|| ok.clone());
            let server = LoopbackServer::scripted(script.clone(), then).await;
            let c = client(&server);
            let result = tokio::time::timeout(Duration::from_secs(10), async {
                if hot {
                    c.create_membership(EMAIL, Role::User).await
                } else {
                    via_builder(&c).await
                }
            })
            .await
            .expect("within 10 s");
            assert_eq!(server.requests(), requests, "{name} (hot path: {hot})");
            if let Err(Error::Api(api)) = &result {
                // Only the extension trait adds Close's documented reason for a 403.
                assert_eq!(
                    api.documented_reason.is_some(),
                    hot && api.status == 403,
                    "{name}"
                );
            }
            outcomes.push(summary(&result));
        }
        assert_eq!(outcomes[0], outcomes[1], "{name}");
    }
}

/// `create_membership` has no path parameter, and its hot path runs the same path check as
/// every generated builder: no email (valid or not) and no role can move the request off
/// `POST <base path>/membership/`, with a base URL with or without a path. A value is either
/// refused before anything is sent or travels in the JSON body only.
#[tokio::test]
async fn hostile_values_cannot_change_the_create_endpoint() {
    let seen: Arc<Mutex<Vec<Request>>> = Arc::default();
    let keep = seen.clone();
    let server = LoopbackServer::start(move |r| {
        keep.lock().expect("lock").push(r.clone());
        Reply::json(200, &created_membership())
    })
    .await;
    let emails = [
        "../../user/x@salesteam.com",
        "x@salesteam.com/../../user/",
        "a/b@salesteam.com",
        "a\\..\\b@salesteam.com",
        "%2e%2e@salesteam.com",
        "memb_x?role=admin@salesteam.com",
        "x@salesteam.com#frag",
        "x@salesteam.com;..",
        "x@sales team.com",
        "x\u{FF0F}y@salesteam.com",
        "john@salesteam.com",
    ];
    let roles: [Role; 2] = [
        Role::User,
        "role_a-b_1".parse().expect("a valid custom role id"),
    ];
    for base_path in ["", "/api/v1"] {
        let base = format!("{}{base_path}", server.base_url());
        let c = Client::builder()
            .api_key(API_KEY)
            .base_url(base.as_str())
            .retry_policy(RetryPolicy::default().base_delay(Duration::from_millis(10)))
            .build()
            .expect("client");
        for email in emails {
            for role in &roles {
                let before = seen.lock().expect("lock").len();
                let result = c.create_membership(email, role.clone()).await;
                let seen = seen.lock().expect("lock");
                match result {
                    Ok(_) => {
                        assert_eq!(seen.len(), before + 1, "{email:?}: one request");
                        let r = &seen[before];
                        assert_eq!(
                            (r.method.as_str(), r.path.as_str()),
                            ("POST", format!("{base_path}/membership/").as_str()),
                            "{email:?} {role}"
                        );
                        let body: serde_json::Value =
                            serde_json::from_slice(&r.body).expect("a JSON body");
                        assert_eq!(body["email"], json!(email), "{email:?}");
                        assert_eq!(body["role_id"], json!(role.as_str()), "{email:?}");
                    }
                    Err(Error::InvalidRequest(_)) => {
                        assert_eq!(seen.len(), before, "{email:?}: refused, nothing sent");
                    }
                    Err(e) => panic!("{email:?} {role}: unexpected {e}"),
                }
            }
        }
    }
    // The well-formed address went through, for both roles and both bases.
    let sent = seen.lock().expect("lock").len();
    assert!(sent >= 4, "only {sent} requests sent");
}

/// Every generated typed JSON builder takes the lean path too (`send_typed`: the request built
/// by a closure, sent as built, built again only for a retry). A body cut off mid-way is
/// retried with exactly the request the first attempt sent (method, path, headers, body), for a
/// `PUT` with a body and a `GET`.
#[tokio::test]
async fn a_lean_builder_retries_a_cut_off_body_with_the_same_request() {
    let seen: Arc<Mutex<Vec<Request>>> = Arc::default();
    let keep = seen.clone();
    let server = LoopbackServer::start(move |r| {
        let mut seen = keep.lock().expect("lock");
        seen.push(r.clone());
        let body = if r.path.contains("pinned_views") {
            json!({"saved_view_ids": ["save_1"]})
        } else {
            created_membership()
        };
        if seen.len() % 2 == 1 {
            let text = body.to_string().into_bytes();
            Reply::Truncated {
                declared: text.len(),
                body: text[..text.len() / 2].to_vec(),
            }
        } else {
            Reply::json(200, &body)
        }
    })
    .await;
    let c = client(&server);
    let updated = bounded(
        c.memberships_update()
            .id("memb_1")
            .body(close_sdk::types::UpdateMembership {
                role_id: close_sdk::Patch::Set(Role::User),
                ..Default::default()
            })
            .send(),
    )
    .await
    .expect("update after one retry");
    assert_eq!(updated.status(), 200);
    let views = bounded(c.memberships_get_pinned_views().id("memb_1").send())
        .await
        .expect("get after one retry");
    assert_eq!(views.into_inner().saved_view_ids.unwrap(), ["save_1"]);
    let seen = seen.lock().expect("lock");
    assert_eq!(seen.len(), 4, "one retry each");
    let sorted = |r: &Request| {
        let mut h = r.headers.clone();
        h.sort();
        h
    };
    for pair in seen.chunks(2) {
        let (first, retry) = (&pair[0], &pair[1]);
        assert_eq!((&retry.method, &retry.path), (&first.method, &first.path));
        assert_eq!(sorted(retry), sorted(first));
        assert_eq!(retry.body, first.body);
        assert_eq!(first.header("authorization"), Some(BASIC_AUTH));
    }
    assert_eq!(seen[0].method, "PUT");
    assert_eq!(seen[0].path, "/membership/memb_1/");
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&seen[0].body).expect("JSON body"),
        json!({"role_id": "user"})
    );
    assert_eq!(seen[2].path, "/membership/memb_1/pinned_views/");
}

/// Every status but the success one ends in the one error, built once from what was read: a
/// documented error status and an undocumented one alike are `Error::Api` with the decoded
/// `ErrorBody` (an empty body decodes as an empty one), a success body that is not the type
/// `Error::Decode` with the body.
#[tokio::test]
async fn every_generated_send_ends_in_the_one_error() {
    let server = LoopbackServer::start(|r| {
        if r.path.starts_with("/membership/m404/") {
            Reply::json(404, &json!({"error": "no such membership"}))
        } else if r.path.starts_with("/membership/mempty/") {
            Reply::Respond {
                status: 400,
                headers: vec![],
                body: vec![],
            }
        } else if r.path.starts_with("/membership/m418/") {
            Reply::json(418, &json!({"error": "teapot"}))
        } else {
            Reply::json(200, &json!({"saved_view_ids": "not a list"}))
        }
    })
    .await;
    let c = client(&server);
    let get = |id: &'static str| c.memberships_get_pinned_views().id(id).send();
    match bounded(get("m404")).await {
        Err(Error::Api(api)) => {
            assert_eq!(api.status, 404);
            assert_eq!(api.body.message(), "no such membership");
        }
        other => panic!("404: {other:?}"),
    }
    match bounded(get("mempty")).await {
        Err(Error::Api(api)) => assert_eq!(api.status, 400),
        other => panic!("empty 400: {other:?}"),
    }
    match bounded(get("m418")).await {
        Err(Error::Api(api)) => {
            assert_eq!(api.status, 418);
            assert_eq!(api.body.message(), "teapot");
        }
        other => panic!("418: {other:?}"),
    }
    match bounded(get("mbad")).await {
        Err(Error::Decode { body, .. }) => {
            assert_eq!(body, r#"{"saved_view_ids":"not a list"}"#)
        }
        other => panic!("bad body: {other:?}"),
    }
}
