//! The one redaction at the error exit (`close-sdk/src/redact.rs`): a hostile or careless
//! server answers an error whose text holds a secret in a form the redaction does not take
//! out. Each test showed a defect, fixed since.

use std::time::Duration;

use close_sdk::prelude::*;
use close_sdk::RetryPolicy;
use close_sdk_tests::loopback_server::{LoopbackServer, Reply};
use close_sdk_tests::shown;
use close_sdk_tests::API_KEY;

/// The key from Close's webhook examples.
const KEY: &str = "058bfb6a3d8cfdc4da7c3be5901b16ae11da982b46a25fb2cd7016e97a140a1c";

fn client(base: &str) -> Client {
    Client::builder()
        .api_key(API_KEY)
        .base_url(base)
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client")
        .with_retry_policy(RetryPolicy::none())
}

fn text_reply(status: u16, body: &str) -> Reply {
    Reply::Respond {
        status,
        headers: vec![("content-type".into(), "text/html".into())],
        body: body.as_bytes().to_vec(),
    }
}

/// Calls `webhooks_list` against a server that always gives `reply`, and returns what the
/// error shows.
async fn error_shown(reply: Reply) -> String {
    let server = LoopbackServer::start(move |_| reply.clone()).await;
    let e = client(&server.base_url())
        .webhooks_list()
        .send()
        .await
        .expect_err("an error answer");
    shown(&e)
}

/// A Rails error page (or any Ruby `inspect` output) prints a hash as
/// `{"signature_key"=>"…"}`. `value_after` (redact.rs) accepts `=` as the separator, then
/// reads the value from the next byte, `>`: an empty token, so "no value follows" and the key
/// is shown whole in the error.
#[tokio::test]
async fn a_ruby_hash_in_an_error_page_does_not_show_the_signature_key() {
    let body = format!(
        "<h1>NoMethodError</h1><pre>params: {{\"id\"=>\"whsub_1\", \"signature_key\"=>\"{KEY}\"}}</pre>"
    );
    let shown = error_shown(text_reply(401, &body)).await;
    assert!(
        !shown.contains(&KEY[..16]),
        "the error shows the signature key: {}",
        &shown[..shown.len().min(600)]
    );
}

/// A body that is JSON but for trailing text (or one cut by the bounded read) is redacted as
/// text; `may_hold_secrets` lets a body with `\u` escapes through because an escape could
/// spell a member, but `scan` only looks for the plain names, so a key spelled
/// `"signature\u005fkey"` keeps its value.
#[tokio::test]
async fn an_escaped_member_name_in_a_body_that_is_not_json_does_not_show_the_key() {
    let body =
        format!("{{\"id\": \"whsub_1\", \"signature\\u005fkey\": \"{KEY}\"}}\n<!-- 12 ms -->");
    let shown = error_shown(text_reply(401, &body)).await;
    assert!(
        !shown.contains(&KEY[..16]),
        "the error shows the signature key: {}",
        &shown[..shown.len().min(600)]
    );
}

/// A Python debug page prints a bytes value as `b'…'`: the token read after the name is `b`
/// (it stops at the quote), so only `b` is redacted and the key that follows is shown.
#[tokio::test]
async fn a_python_bytes_repr_does_not_show_the_signature_key() {
    let body = format!("<pre>{{'id': 'whsub_1', 'signature_key': b'{KEY}'}}</pre>");
    let shown = error_shown(text_reply(401, &body)).await;
    assert!(
        !shown.contains(&KEY[..16]),
        "the error shows the signature key: {}",
        &shown[..shown.len().min(600)]
    );
}

/// "Every value found is removed from everything derived from that answer": `error_answer`
/// cleans the body first, then the headers. A value found in a header (`x-debug:
/// access_token=…`, or a credential header such as `X-Api-Key`, whose value is replaced
/// without being learnt) is never taken out of the body, which quotes it in prose.
#[tokio::test]
async fn a_secret_found_in_a_header_is_taken_out_of_the_body_too() {
    let token = "tok_9f8e7d6c5b4a39281706f5e4d3c2b1a0";
    let api_key = "api_1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d";
    let body = format!(r#"{{"error": "token {token} expired; key {api_key} is not allowed"}}"#);
    let reply = Reply::Respond {
        status: 401,
        headers: vec![
            ("content-type".into(), "application/json".into()),
            ("x-debug".into(), format!("access_token={token}")),
            ("x-api-key".into(), api_key.into()),
        ],
        body: body.into_bytes(),
    };
    let shown = error_shown(reply).await;
    assert!(
        !shown.contains(token) && !shown.contains(api_key),
        "the error shows a secret its answer's headers named: {}",
        &shown[..shown.len().min(800)]
    );
}

/// The request path reads a success body up to 32 MiB and an error body up to 64 KiB; the
/// OAuth token endpoint's answer is read with `response.bytes()` (`auth/oauth.rs`, the token
/// HTTP client) with no bound at all: a hostile or broken token endpoint that streams an
/// endless 200 body makes `exchange_code` (and every refresh) buffer all of it.
#[tokio::test]
async fn an_endless_token_endpoint_answer_is_not_read_without_bound() {
    use close_sdk::oauth::OAuthApp;
    use close_sdk_tests::hostile_server::{Act, HostileServer};
    const SENT_AT_MOST: u64 = 128 << 20;
    let server = HostileServer::start(|_| Act::Endless {
        chunk: vec![b' '; 64 * 1024],
        max: SENT_AT_MOST,
    })
    .await;
    let token_url = format!("{}/oauth2/token/", server.base_url());
    let app = OAuthApp::new("oa2client_test", "client-secret-value")
        .expect("app")
        .endpoints(&token_url, &token_url)
        .expect("endpoints");
    let result = tokio::time::timeout(Duration::from_secs(30), app.exchange_code("code")).await;
    let read = server.body_bytes_written();
    assert!(matches!(result, Ok(Err(_))), "{result:?}");
    // The server can only write what the client reads (plus socket buffers of a few MB).
    assert!(
        read < 64 << 20,
        "the token client read {} MB of the token endpoint's answer",
        read >> 20
    );
}

/// An echoed `Authorization` with a tab (or several spaces) between the scheme and the
/// credential: the scheme was redacted, the credential after the tab was not.
#[tokio::test]
async fn an_authorization_with_a_tab_after_the_scheme_does_not_show_the_credential() {
    let credential = "dGVzdC1rZXktOWY4ZTdkNmM1YjRhOg==";
    for echoed in [
        format!("Authorization: Basic\t{credential}"),
        format!("Authorization: Bearer    {credential}"),
        format!("{{'authorization': 'Basic \t {credential}'}}"),
    ] {
        let body = format!("<pre>request headers:\n{echoed}\n</pre>");
        let shown = error_shown(text_reply(401, &body)).await;
        assert!(
            !shown.contains(&credential[..16]),
            "the error shows the credential of {echoed:?}: {}",
            &shown[..shown.len().min(600)]
        );
    }
}

/// A server that quotes the client's own credential in prose ("invalid key api_…") names no
/// secret member: only the client knows the value. The request path takes the API key or the
/// bearer token out of every error (body, headers, messages).
#[tokio::test]
async fn the_clients_own_credential_echoed_in_prose_is_not_shown() {
    let api_key = "api_4Fq9ZkT2mW8xYb3nR7cV1pL6sD0hJ5gE";
    let token = "tok_7Hq2Xk9Lm4Np8Rs3Vw6Yz1Bc5Df0GjQ";
    for (credentials, own) in [
        (close_sdk::Credentials::api_key(api_key), api_key),
        (close_sdk::Credentials::bearer_token(token), token),
    ] {
        let reply = Reply::Respond {
            status: 401,
            headers: vec![
                ("content-type".into(), "application/json".into()),
                ("x-request-note".into(), format!("rejected {own}")),
            ],
            body: format!(r#"{{"error": "invalid key {own}"}}"#).into_bytes(),
        };
        let server = LoopbackServer::start(move |_| reply.clone()).await;
        let e = Client::builder()
            .credentials(credentials)
            .base_url(server.base_url())
            .build()
            .expect("client")
            .with_retry_policy(RetryPolicy::none())
            .webhooks_list()
            .send()
            .await
            .expect_err("an error answer");
        let shown = shown(&e);
        assert!(
            !shown.contains(&own[..12]),
            "the error shows the client's own credential: {shown}"
        );
        assert!(shown.contains("invalid key <redacted>"), "{shown}");
    }
}

/// The token endpoint echoes the client secret and the refresh token it was sent in its
/// `error_description`: neither is shown in the error.
#[tokio::test]
async fn the_token_endpoint_echoing_the_sent_secrets_does_not_show_them() {
    use close_sdk::oauth::OAuthApp;
    let secret = "cs_Zx8Wv6Ut4Sr2Qp0On9Ml7Kj5";
    let refresh = "rt_Ab1Cd3Ef5Gh7Ij9Kl0Mn2Op4";
    let body = format!(
        r#"{{"error": "invalid_grant", "error_description": "{refresh} is not valid for {secret}"}}"#
    );
    let reply = Reply::Respond {
        status: 400,
        headers: vec![("content-type".into(), "application/json".into())],
        body: body.into_bytes(),
    };
    let server = LoopbackServer::start(move |_| reply.clone()).await;
    let token_url = format!("{}/oauth2/token/", server.base_url());
    let app = OAuthApp::new("oa2client_test", secret)
        .expect("app")
        .endpoints(&token_url, &token_url)
        .expect("endpoints");
    let e = app
        .refresh(&close_sdk::SecretString::from(refresh.to_string()))
        .await
        .expect_err("refused");
    let shown = shown(&e);
    assert!(
        !shown.contains(&secret[..10]) && !shown.contains(&refresh[..10]),
        "the error shows a secret the token request sent: {shown}"
    );
    assert!(shown.contains("invalid_grant"), "{shown}");
}

/// A 2xx that is not JSON: the decode error quotes the answer's content type, so a server
/// echoing the API key there must not put it in the message (the content type goes through the
/// client's known secrets).
#[tokio::test]
async fn a_content_type_echoing_the_key_is_not_shown() {
    let reply = Reply::Respond {
        status: 200,
        headers: vec![("content-type".into(), format!("text/{API_KEY}"))],
        body: b"<html>not json</html>".to_vec(),
    };
    let shown = error_shown(reply).await;
    assert!(shown.contains("not JSON"), "{shown}");
    assert!(!shown.contains(API_KEY), "{shown}");
}
