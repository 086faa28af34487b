//! The four Users operations over real HTTP: method, exact path, query, decoding of Close's
//! documented examples, and the paginated user list.

// The extension traits' old names, deprecated where a handle call does the same, keep
// working: these tests call them on purpose.
#![allow(deprecated)]

use close_sdk::prelude::*;
use close_sdk_tests::resources::*;
use close_sdk_tests::*;
use httpmock::prelude::*;
use serde_json::json;

#[tokio::test]
async fn me_decodes_the_documented_example_without_losing_anything() {
    let server = MockServer::start_async().await;
    let example = response_example("get", "/me/");
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/me/")
                .header("authorization", BASIC_AUTH)
                .query_param_missing("_fields");
            then.status(200).json_body(example.clone());
        })
        .await;

    let me = api_key_client(&server).users().get_me().await.unwrap();

    mock.assert_async().await;
    assert_eq!(
        me.id.as_deref().unwrap(),
        "user_N6KhMpzHRCYQHdn4gRNIFNN5JExnsrprKA6ekxM63XA"
    );
    assert_eq!(me.email.as_deref(), Some("anthony@close.com"));
    assert_eq!(me.last_used_timezone.as_deref(), Some("America/Denver"));
    assert_eq!(
        me.email_accounts.as_ref().unwrap()[0].type_.as_deref(),
        Some("google")
    );
    assert_eq!(
        me.memberships.as_ref().unwrap()[0]
            .role_id
            .as_deref()
            .unwrap(),
        CUSTOM_ROLE
    );
    assert!(matches!(
        me.memberships.as_ref().unwrap()[0].role(),
        Some(Role::Custom(_))
    ));
    let org = &me.organizations.as_ref().unwrap()[0];
    assert_eq!(
        org.id.as_deref().unwrap(),
        "orga_RbREgmiiwcr1w2b4cOnCMQaQPSIFxMqAD2Dh243uxcH"
    );
    assert_eq!(org.created_by, None);
    // Both timestamp forms Close uses: with an offset, and without (read as UTC).
    let created = org.date_created.as_ref().unwrap();
    assert!(!created.is_naive());
    assert_eq!(created.unix_timestamp(), 1_359_680_091);
    let pipeline_created = org.pipelines.as_ref().unwrap()[0]
        .date_created
        .as_ref()
        .unwrap();
    assert!(pipeline_created.is_naive());
    assert_eq!(pipeline_created.to_string(), "2019-11-04T11:04:13.014979");
    assert_eq!(
        org.pipelines.as_ref().unwrap()[0]
            .statuses
            .as_ref()
            .unwrap()[1]
            .type_
            .as_deref(),
        Some("won")
    );
    assert_eq!(
        me.phone_numbers.as_ref().unwrap()[0].number.as_deref(),
        Some("+16502822249")
    );
    assert_eq!(
        normalized(&serde_json::to_value(&me).unwrap()),
        normalized(&example)
    );
}

#[tokio::test]
async fn me_fields_are_sent_comma_separated_through_the_builder() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/me/")
                .query_param("_fields", "id,organizations")
                .query_param_count("_fields", ".*", 1);
            then.status(200).json_body(json!({"id": "user_1"}));
        })
        .await;
    let me = api_key_client(&server)
        .users_get_me()
        .fields("id,organizations")
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(me.id.as_deref().unwrap(), "user_1");
    // A member `_fields` left out stays absent: never an invented `[]`.
    assert!(me.organizations.is_none());
}

#[tokio::test]
async fn get_user_sends_no_pagination_parameters_and_decodes_the_example() {
    let server = MockServer::start_async().await;
    let example = response_example("get", "/user/{id}/");
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/user/user_N6KhMpzHRCYQHdn4gRNIFNN5JExnsrprKA6ekxM63XA/")
                .query_param_missing("_limit")
                .query_param_missing("_skip")
                .query_param_missing("_order_by");
            then.status(200).json_body(example.clone());
        })
        .await;
    let user = api_key_client(&server)
        .get_user("user_N6KhMpzHRCYQHdn4gRNIFNN5JExnsrprKA6ekxM63XA")
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(user.first_name.as_deref(), Some("Stefan"));
    assert_eq!(
        user.organizations.clone().unwrap(),
        ["orga_RbREgmiiwcr1w2b4cOnCMQaQPSIFxMqAD2Dh243uxcH"]
    );
    assert_eq!(
        normalized(&serde_json::to_value(&user).unwrap()),
        normalized(&example)
    );
}

#[tokio::test]
async fn list_users_follows_skip_and_limit_across_three_pages() {
    let server = MockServer::start_async().await;
    let all = users(5);
    let mut mocks = Vec::new();
    for (skip, items, has_more) in [
        (0, &all[0..2], true),
        (2, &all[2..4], true),
        (4, &all[4..5], false),
    ] {
        let body = page(items, has_more);
        mocks.push(
            server
                .mock_async(move |when, then| {
                    when.method(GET)
                        .path("/user/")
                        .query_param("_skip", skip.to_string())
                        .query_param("_limit", "2")
                        .query_param_count("_skip", ".*", 1);
                    then.status(200).json_body(body);
                })
                .await,
        );
    }

    let got = api_key_client(&server)
        .list_users(ListOptions::default().page_size(2))
        .collect_all()
        .await
        .unwrap();

    for m in &mocks {
        m.assert_calls_async(1).await;
    }
    let ids: Vec<&str> = got.iter().map(|u| u.id.as_deref().unwrap()).collect();
    assert_eq!(ids, ["user_0", "user_1", "user_2", "user_3", "user_4"]);
}

#[tokio::test]
async fn the_documented_list_example_decodes_and_the_default_page_size_is_100() {
    let server = MockServer::start_async().await;
    let example = response_example("get", "/user/");
    let mut last = example.clone();
    last["has_more"] = json!(false);
    let first = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/user/")
                .query_param("_skip", "0")
                .query_param("_limit", "100");
            then.status(200).json_body(example.clone());
        })
        .await;
    // The example says has_more: true with two users, so the next page starts at 2.
    let second = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/user/")
                .query_param("_skip", "2")
                .query_param("_limit", "100");
            then.status(200)
                .json_body(json!({"data": [], "has_more": false}));
        })
        .await;
    let got = api_key_client(&server).all_users().await.unwrap();
    first.assert_async().await;
    second.assert_async().await;
    assert_eq!(got.len(), 2);
    assert_eq!(got[1].last_name.as_deref(), Some("Ramani"));
    assert_eq!(
        normalized(&serde_json::to_value(&got).unwrap()),
        normalized(&example["data"])
    );
}

#[tokio::test]
async fn list_users_refuses_fields_without_sending_anything() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).json_body(page(&[], false));
        })
        .await;
    let err = api_key_client(&server)
        .list_users(ListOptions::default().fields(["email"]))
        .collect_all()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)), "{err}");
    any.assert_calls_async(0).await;
}

#[tokio::test]
async fn user_availability_decodes_the_example_with_and_without_an_organization() {
    let server = MockServer::start_async().await;
    let example = response_example("get", "/user/availability/");
    let scoped = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/user/availability/")
                .query_param("organization_id", "orga_1");
            then.status(200).json_body(example.clone());
        })
        .await;
    let client = api_key_client(&server);
    let all = client.user_availability(Some("orga_1")).await.unwrap();
    scoped.assert_async().await;
    assert_eq!(all.len(), 4);
    let native = &all[0].availability.as_ref().unwrap()[1];
    assert_eq!(native.type_.as_deref(), Some("native"));
    assert_eq!(native.status.as_deref(), Some("online"));
    let call = &native.active_calls.as_ref().unwrap()[0];
    assert_eq!(call.method.as_deref(), Some("regular"));
    assert_eq!(
        call.lead.as_ref().unwrap().display_name.as_deref(),
        Some("Wayne Enterprises")
    );
    assert_eq!(
        normalized(&serde_json::to_value(&all).unwrap()),
        normalized(&example["data"])
    );

    let unscoped = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/user/availability/")
                .query_param_missing("organization_id");
            then.status(200).json_body(json!({"data": []}));
        })
        .await;
    assert!(client.user_availability(None).await.unwrap().is_empty());
    unscoped.assert_async().await;
}

#[tokio::test]
async fn an_invalid_user_id_is_refused_before_the_wire() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200);
        })
        .await;
    let client = api_key_client(&server);
    for bad in ["", "user/1", "user 1"] {
        assert!(matches!(
            client.get_user(bad).await,
            Err(Error::InvalidRequest(_))
        ));
    }
    any.assert_calls_async(0).await;
}
