//! `create_membership` builds its request itself (the hot path: `transport::hooks::send_json`,
//! no request copy, one body read). It must send exactly what the generated
//! `memberships_create()` builder sends, and end exactly the way the builder's result converts to
//! `Error`, whatever the server answers.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use close_sdk::prelude::*;
use close_sdk::types::Membership;
use close_sdk::RetryPolicy;
use close_sdk_tests::loopback_server::{LoopbackServer, Reply, Request};
use close_sdk_tests::*;
use serde_json::json;

const EMAIL: &str = "john@salesteam.com";

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
    match c
        .memberships_create()
        .body_map(|b| b.email(EMAIL).role_id(Role::User))
        .send()
        .await
    {
        Ok(v) => Ok(v.into_inner()),
        Err(e) => Err(Error::from_generated(e).await),
    }
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
