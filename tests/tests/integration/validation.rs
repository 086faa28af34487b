//! Bad input is rejected before the wire: zero requests reach the server. (What is only
//! uncertain, such as `Role::Admin` on create, is sent: see memberships.rs.)

// The extension traits' old names, deprecated where a handle call does the same, keep
// working: these tests call them on purpose.
#![allow(deprecated)]

use close_sdk::prelude::*;
use close_sdk::types::UpdateMembership;
use close_sdk_tests::*;
use httpmock::prelude::*;

#[tokio::test]
async fn invalid_input_sends_nothing() {
    let server = MockServer::start_async().await;
    // Matches every request: any hit is a failure.
    let anything = server
        .mock_async(|_when, then| {
            then.status(500);
        })
        .await;
    let client = api_key_client(&server);

    let errors: Vec<Error> = vec![
        client
            .create_membership("not-an-email", Role::User)
            .await
            .unwrap_err(),
        client.create_membership("", Role::User).await.unwrap_err(),
        client
            .create_membership("john@salesteam", Role::User)
            .await
            .unwrap_err(),
        client
            .update_membership("", UpdateMembership::default())
            .await
            .unwrap_err(),
        client
            .update_membership("memb 1", UpdateMembership::default())
            .await
            .unwrap_err(),
        client
            .bulk_update_memberships(Vec::<&str>::new(), UpdateMembership::default())
            .await
            .unwrap_err(),
        client
            .bulk_update_memberships(["memb_A,memb_B"], UpdateMembership::default())
            .await
            .unwrap_err(),
        client.delete_membership("a/b").await.unwrap_err(),
        client.delete_membership("..").await.unwrap_err(),
        client.delete_membership("x\\..").await.unwrap_err(),
        client.pinned_views("").await.unwrap_err(),
        client
            .set_pinned_views("memb_1", ["save_1", ""])
            .await
            .unwrap_err(),
    ];
    for e in &errors {
        assert!(matches!(e, Error::InvalidRequest(_)), "{e:?}");
        assert!(
            e.to_string().starts_with("invalid request, not sent:"),
            "{e}"
        );
    }
    assert!(errors[0].to_string().contains("not-an-email"));
    assert!(
        errors[8].to_string().contains("`id` of memberships_delete"),
        "{}",
        errors[8]
    );

    // A generated body cannot hold them: an empty role id and a bad email are refused when the
    // body's members are built, before any request exists.
    let e = Role::try_from("").unwrap_err();
    assert!(e.to_string().contains("must not be empty"), "{e}");
    assert!("nope".parse::<close_sdk::EmailAddress>().is_err());
    // A body never set is refused before anything is sent.
    let e = client.memberships_create().send().await.unwrap_err();
    assert!(matches!(e, Error::InvalidRequest(m) if m.contains("body")));
    let e = client
        .memberships_update()
        .body(UpdateMembership::default())
        .send()
        .await
        .unwrap_err();
    assert!(matches!(e, Error::InvalidRequest(m) if m.contains("id")));

    assert_eq!(anything.calls_async().await, 0);
}

#[test]
fn bad_configuration_is_reported_before_any_request() {
    let e = close_sdk::Client::builder()
        .api_key("k")
        .base_url("not a url")
        .build()
        .unwrap_err();
    assert!(matches!(e, Error::Config(_)), "{e:?}");
    assert!(e.to_string().contains("not a url"));
    let e = close_sdk::Client::builder()
        .base_url("https://api.close.com/api/v1")
        .build()
        .unwrap_err();
    assert!(e.to_string().contains("no credentials"), "{e}");
    let e = close_sdk::Client::builder()
        .api_key("has space")
        .build()
        .unwrap_err();
    assert!(!e.to_string().contains("has space"), "{e}");
}

#[test]
fn secrets_never_reach_debug_output() {
    let key = "api_7rT9secretKEY";
    let client = close_sdk::Client::builder().api_key(key).build().unwrap();
    let dbg = format!("{client:?} {:?}", close_sdk::Client::builder().api_key(key));
    assert!(!dbg.contains("secretKEY"), "{dbg}");
    // Nor the base64 form of `key:`.
    assert!(!dbg.contains("YXBpXzdyVDlzZWNyZXRLRVk6"), "{dbg}");
    let client = close_sdk::Client::builder()
        .bearer_token("tok_secret_value")
        .build()
        .unwrap();
    assert!(!format!("{client:?}").contains("tok_secret_value"));
}
