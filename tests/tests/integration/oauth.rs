//! OAuth 2: the code exchange, refresh before expiry, refresh once after a 401, rotation.

// The extension traits' old names, deprecated where a handle call does the same, keep
// working: these tests call them on purpose.
#![allow(deprecated)]

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use close_sdk::oauth::{OAuthApp, Tokens};
use close_sdk::prelude::*;
use httpmock::prelude::*;
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;

/// Reads a secret for assertions (the SDK's types keep them out of `Debug`).
fn expose(s: &SecretString) -> String {
    s.expose_secret().to_string()
}

fn app(server: &MockServer) -> OAuthApp {
    OAuthApp::new("oa2client_test", "client-secret-value")
        .unwrap()
        .endpoints(
            &server.url("/oauth2/authorize/"),
            &server.url("/oauth2/token/"),
        )
        .unwrap()
}

fn token_response(access: &str, refresh: &str) -> serde_json::Value {
    json!({
        "token_type": "Bearer",
        "access_token": access,
        "expires_in": 3600,
        "refresh_token": refresh,
        "scope": "all.full_access offline_access",
        "organization_id": "orga_1",
        "user_id": "user_1"
    })
}

/// A client with `tokens`, recording every refresh token handed to the rotation callback.
fn oauth_client(server: &MockServer, tokens: Tokens) -> (Client, Arc<Mutex<Vec<String>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    let client = Client::builder()
        .base_url(server.base_url())
        .oauth(app(server), tokens)
        .on_token_refresh(move |t| {
            if let Some(r) = &t.refresh_token {
                sink.lock().unwrap().push(expose(r));
            }
        })
        .build()
        .unwrap();
    (client, seen)
}

#[tokio::test]
async fn the_code_is_exchanged_form_encoded_with_credentials_in_the_body() {
    let server = MockServer::start_async().await;
    let token = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/oauth2/token/")
                .header("content-type", "application/x-www-form-urlencoded")
                .form_urlencoded_tuple("grant_type", "authorization_code")
                .form_urlencoded_tuple("code", "CODE")
                .form_urlencoded_tuple("client_id", "oa2client_test")
                .form_urlencoded_tuple("client_secret", "client-secret-value");
            then.status(200)
                .json_body(token_response("ACCESS_TOKEN", "REFRESH_TOKEN"));
        })
        .await;
    let tokens = app(&server).exchange_code("CODE").await.unwrap();
    token.assert_async().await;
    assert_eq!(expose(&tokens.access_token), "ACCESS_TOKEN");
    assert_eq!(
        tokens.refresh_token.as_ref().map(expose).as_deref(),
        Some("REFRESH_TOKEN")
    );
    assert_eq!(tokens.organization_id.as_deref(), Some("orga_1"));
    assert_eq!(tokens.user_id.as_deref(), Some("user_1"));
    assert_eq!(tokens.scopes, ["all.full_access", "offline_access"]);
    let expires = tokens
        .expires_at
        .unwrap()
        .duration_since(SystemTime::now())
        .unwrap();
    assert!(expires > Duration::from_secs(3500) && expires <= Duration::from_secs(3600));
    let debug = format!("{tokens:?}");
    assert!(
        !debug.contains("ACCESS_TOKEN") && !debug.contains("REFRESH_TOKEN"),
        "{debug}"
    );
}

#[tokio::test]
async fn a_refused_code_is_an_auth_error() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/oauth2/token/");
            then.status(400)
                .json_body(json!({"error": "invalid_grant", "error_description": "Invalid code."}));
        })
        .await;
    let e = app(&server).exchange_code("BAD").await.unwrap_err();
    assert!(matches!(e, Error::Auth(_)), "{e:?}");
    assert!(e.to_string().contains("invalid_grant"), "{e}");
    assert!(!e.to_string().contains("client-secret-value"));
}

#[tokio::test]
async fn a_token_about_to_expire_is_refreshed_before_the_request() {
    let server = MockServer::start_async().await;
    let refresh = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/oauth2/token/")
                .form_urlencoded_tuple("grant_type", "refresh_token")
                .form_urlencoded_tuple("refresh_token", "old_refresh")
                .form_urlencoded_tuple("client_id", "oa2client_test");
            then.status(200)
                .json_body(token_response("new_access", "new_refresh"));
        })
        .await;
    let api = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/membership/memb_1/pinned_views/")
                .header("authorization", "Bearer new_access");
            then.status(200).json_body(json!({"saved_view_ids": []}));
        })
        .await;
    let soon = Tokens::new(
        "old_access",
        Some("old_refresh".into()),
        Some(SystemTime::now() + Duration::from_secs(10)),
    );
    let (client, rotated) = oauth_client(&server, soon);
    client.pinned_views("memb_1").await.unwrap();
    client.pinned_views("memb_1").await.unwrap();
    assert_eq!(
        refresh.calls_async().await,
        1,
        "refreshed once, then reused"
    );
    assert_eq!(api.calls_async().await, 2);
    assert_eq!(*rotated.lock().unwrap(), ["new_refresh"]);
}

#[tokio::test]
async fn a_401_refreshes_once_and_retries_with_the_rotated_token() {
    let server = MockServer::start_async().await;
    let refresh = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/oauth2/token/")
                .form_urlencoded_tuple("refresh_token", "r1");
            then.status(200).json_body(token_response("a2", "r2"));
        })
        .await;
    let rejected = server
        .mock_async(|when, then| {
            when.method(DELETE)
                .path("/membership/memb_1/")
                .header("authorization", "Bearer a1");
            then.status(401)
                .json_body(json!({"error": "Token expired"}));
        })
        .await;
    let accepted = server
        .mock_async(|when, then| {
            when.method(DELETE)
                .path("/membership/memb_1/")
                .header("authorization", "Bearer a2");
            then.status(200);
        })
        .await;
    let (client, rotated) = oauth_client(&server, Tokens::new("a1", Some("r1".into()), None));
    client.delete_membership("memb_1").await.unwrap();
    assert_eq!(
        (
            rejected.calls_async().await,
            refresh.calls_async().await,
            accepted.calls_async().await
        ),
        (1, 1, 1)
    );
    assert_eq!(*rotated.lock().unwrap(), ["r2"]);
    assert!(!format!("{client:?}").contains("a2"));
}

#[tokio::test]
async fn a_401_that_survives_the_refresh_is_returned_not_looped() {
    let server = MockServer::start_async().await;
    let refresh = server
        .mock_async(|when, then| {
            when.method(POST).path("/oauth2/token/");
            then.status(200).json_body(token_response("a2", "r2"));
        })
        .await;
    let api = server
        .mock_async(|when, then| {
            when.method(GET).path("/membership/memb_1/pinned_views/");
            then.status(401).json_body(json!({"error": "Unauthorized"}));
        })
        .await;
    let (client, _) = oauth_client(&server, Tokens::new("a1", Some("r1".into()), None));
    let e = client.pinned_views("memb_1").await.unwrap_err();
    assert_eq!(e.status().unwrap(), 401);
    assert_eq!(
        (api.calls_async().await, refresh.calls_async().await),
        (2, 1)
    );
}

#[tokio::test]
async fn a_failed_refresh_before_the_request_sends_nothing() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/oauth2/token/");
            then.status(400)
                .json_body(json!({"error": "invalid_grant"}));
        })
        .await;
    let api = server
        .mock_async(|when, then| {
            when.path_prefix("/membership/");
            then.status(200);
        })
        .await;
    let expired = Tokens::new(
        "a1",
        Some("r1".into()),
        Some(SystemTime::now() - Duration::from_secs(5)),
    );
    let (client, rotated) = oauth_client(&server, expired);
    let e = client.delete_membership("memb_1").await.unwrap_err();
    assert!(matches!(e, Error::Auth(_)), "{e:?}");
    assert!(e.to_string().contains("invalid_grant"), "{e}");
    assert_eq!(api.calls_async().await, 0);
    assert!(rotated.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_failed_early_refresh_keeps_using_the_still_valid_token() {
    let server = MockServer::start_async().await;
    let refresh = server
        .mock_async(|when, then| {
            when.method(POST).path("/oauth2/token/");
            then.status(503).body("");
        })
        .await;
    let api = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/membership/memb_1/pinned_views/")
                .header("authorization", "Bearer still_valid");
            then.status(200).json_body(json!({"saved_view_ids": []}));
        })
        .await;
    // Inside the 60 s refresh margin, but valid for 30 s more.
    let soon = Tokens::new(
        "still_valid",
        Some("r1".into()),
        Some(SystemTime::now() + Duration::from_secs(30)),
    );
    let (client, rotated) = oauth_client(&server, soon);
    for i in 0..3 {
        let r = client.pinned_views("memb_1").await;
        assert!(r.is_ok(), "call {i}: {r:?}");
    }
    assert_eq!(api.calls_async().await, 3);
    // Backed off after the failure: not asked again for every call.
    assert_eq!(refresh.calls_async().await, 1);
    assert!(rotated.lock().unwrap().is_empty());
}

/// Extreme `expires_in` values a token endpoint may send (most do not fit a `SystemTime`).
const EXTREME_EXPIRES_IN: [u64; 4] = [u64::MAX, u64::MAX - 1, i64::MAX as u64, 1 << 62];

#[tokio::test]
async fn an_extreme_expires_in_means_no_known_expiry_not_a_panic() {
    for expires_in in EXTREME_EXPIRES_IN {
        let server = MockServer::start_async().await;
        let mut answer = token_response("a2", "r2");
        answer["expires_in"] = json!(expires_in);
        server
            .mock_async(|when, then| {
                when.method(POST).path("/oauth2/token/");
                then.status(200).json_body(answer);
            })
            .await;
        let api = server
            .mock_async(|when, then| {
                when.method(GET).header("authorization", "Bearer a2");
                then.status(200).json_body(json!({"saved_view_ids": []}));
            })
            .await;
        let tokens = app(&server).exchange_code("CODE").await.unwrap();
        // Unknown when past what `SystemTime` holds; otherwise centuries away.
        let centuries = SystemTime::now() + Duration::from_secs(1 << 40);
        assert!(
            tokens.expires_at.is_none_or(|at| at > centuries),
            "{expires_in}: {:?}",
            tokens.expires_at
        );
        // The same answer to a refresh, then calls that use it.
        let expired = Tokens::new(
            "a1",
            Some("r1".into()),
            Some(SystemTime::now() - Duration::from_secs(1)),
        );
        let (client, rotated) = oauth_client(&server, expired);
        client.pinned_views("memb_1").await.unwrap();
        client.pinned_views("memb_1").await.unwrap();
        assert_eq!(api.calls_async().await, 2, "{expires_in}");
        assert_eq!(*rotated.lock().unwrap(), ["r2"], "{expires_in}");
    }
}
