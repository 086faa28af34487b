//! The six Memberships operations over real HTTP: method, exact path, auth, exact body, decoding.

// The extension traits' old names, deprecated where a handle call does the same, keep
// working: these tests call them on purpose.
#![allow(deprecated)]

use close_sdk::prelude::*;
use close_sdk::types::UpdateMembership;
use close_sdk_tests::*;
use httpmock::prelude::*;
use serde_json::json;

#[tokio::test]
async fn create_membership_sends_the_documented_request_and_decodes_the_example() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/membership/")
                .header("authorization", BASIC_AUTH)
                .header("content-type", "application/json")
                .header_prefix("user-agent", "close-sdk/")
                .header_missing("api-version")
                .json_body(json!({"email": "john@salesteam.com", "role_id": "user"}));
            then.status(200).json_body(created_membership());
        })
        .await;

    let m = api_key_client(&server)
        .create_membership("john@salesteam.com", Role::User)
        .await
        .unwrap();

    mock.assert_async().await;
    assert_eq!(
        m.id.as_deref().unwrap(),
        "memb_JPCqDJq0AmoZFhemXAWrWk9327DqfJgUF2VGPMOL4Lp"
    );
    assert_eq!(
        m.user_id.as_deref().unwrap(),
        "user_N6KhMpzHRCYQHdn4gRNIFNN5JExnsrprKA6ekxM63XA"
    );
    assert_eq!(
        m.organization_id.as_deref().unwrap(),
        "orga_RbREgmiiwcr1w2b4cOnCMQaQPSIFxMqAD2Dh243uxcH"
    );
    assert_eq!(m.role_id.as_deref().unwrap(), "user");
    assert_eq!(m.role(), Some(Role::User));
    assert_eq!(m.role.as_deref(), Some("user"));
    assert_eq!(m.auto_record_calls, Some(AutoRecordCalls::Unset));
    assert_eq!(m.default_caller_id, None);
    assert_eq!(m.hangup_recording_url, None);
    assert_eq!(m.primary_personal_number, None);
    assert_eq!(m.is_free, Some(false));
    assert_eq!(m.may_workflows_impersonate, Some(false));
    assert_eq!(m.track_email_opens, Some(true));
    assert_eq!(m.onboarding_status.as_deref(), Some("in-progress"));
    assert_eq!(m.permissions_granted.as_ref().unwrap().len(), 13);
    assert_eq!(m.permissions_granted.as_ref().unwrap()[0], "bulk_email");
    // Nothing is lost: the typed value serialises back to the documented example, its `null`s
    // included (kept in `extra`).
    assert_eq!(serde_json::to_value(&m).unwrap(), created_membership());
}

#[tokio::test]
async fn create_membership_with_a_bearer_token_and_custom_role() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/membership/")
                .header("authorization", format!("Bearer {TOKEN}"))
                .json_body(json!({"email": "jane@salesteam.com", "role_id": CUSTOM_ROLE}));
            then.status(200).json_body(created_membership());
        })
        .await;
    let role: Role = CUSTOM_ROLE.parse().unwrap();
    bearer_client(&server)
        .create_membership("jane@salesteam.com", role)
        .await
        .unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn update_membership_sends_only_the_fields_set() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(PUT)
                .path("/membership/memb_SLfZq4IU5E2nBA3PBzHFsi1HUv98cPmGUIZGlWK7Z3y/")
                .header("authorization", BASIC_AUTH)
                .json_body(json!({"auto_record_calls": "enabled", "role_id": CUSTOM_ROLE}));
            then.status(200).json_body(updated_membership());
        })
        .await;
    let update = UpdateMembership {
        auto_record_calls: Some(AutoRecordCalls::Enabled).into(),
        role_id: Some(CUSTOM_ROLE.parse().unwrap()).into(),
        ..Default::default()
    };
    let m = api_key_client(&server)
        .update_membership("memb_SLfZq4IU5E2nBA3PBzHFsi1HUv98cPmGUIZGlWK7Z3y", update)
        .await
        .unwrap();
    mock.assert_async().await;
    // The shorter update example (with the unknown `plan_type`) decodes.
    assert_eq!(m.auto_record_calls, Some(AutoRecordCalls::Enabled));
    assert_eq!(
        m.primary_personal_number.as_deref(),
        Some("phon_nm67bxYRTJUZNOXflc1I3bBadd0PbQvvui1byxCwK7k")
    );
    assert!(matches!(m.role(), Some(Role::Custom(_))));
    assert_eq!(m.is_free, None);
}

#[tokio::test]
async fn update_membership_with_bearer_token() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(PUT)
                .path("/membership/memb_1/")
                .header("authorization", format!("Bearer {TOKEN}"))
                .json_body(json!({"track_email_opens": false}));
            then.status(200).json_body(updated_membership());
        })
        .await;
    let update = UpdateMembership {
        track_email_opens: Some(false).into(),
        ..Default::default()
    };
    bearer_client(&server)
        .update_membership("memb_1", update)
        .await
        .unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn bulk_update_sends_params_id_in_and_returns_the_count() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(PUT)
                .path("/membership/")
                .header("authorization", BASIC_AUTH)
                .json_body(json!({"_params": {"id__in": "memb_A,memb_B"}, "role_id": CUSTOM_ROLE}));
            then.status(200).json_body(json!({"count": 2}));
        })
        .await;
    let update = UpdateMembership {
        role_id: Some(CUSTOM_ROLE.parse().unwrap()).into(),
        ..Default::default()
    };
    let count = api_key_client(&server)
        .bulk_update_memberships(["memb_A", "memb_B", "memb_A"], update)
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(count, 2);
}

#[tokio::test]
async fn bulk_update_with_bearer_token() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(PUT)
                .path("/membership/")
                .header("authorization", format!("Bearer {TOKEN}"))
                .json_body(
                    json!({"_params": {"id__in": "memb_A"}, "auto_record_calls": "disabled"}),
                );
            then.status(200).json_body(json!({"count": 1}));
        })
        .await;
    let update = UpdateMembership {
        auto_record_calls: Some(AutoRecordCalls::Disabled).into(),
        ..Default::default()
    };
    assert_eq!(
        bearer_client(&server)
            .bulk_update_memberships(vec!["memb_A".to_string()], update)
            .await
            .unwrap(),
        1
    );
    mock.assert_async().await;
}

#[tokio::test]
async fn delete_membership_accepts_200_and_204() {
    let server = MockServer::start_async().await;
    let ok = server
        .mock_async(|when, then| {
            when.method(DELETE)
                .path("/membership/memb_1/")
                .header("authorization", BASIC_AUTH);
            then.status(200);
        })
        .await;
    let no_content = server
        .mock_async(|when, then| {
            when.method(DELETE)
                .path("/membership/memb_2/")
                .header("authorization", format!("Bearer {TOKEN}"));
            then.status(204);
        })
        .await;
    api_key_client(&server)
        .delete_membership("memb_1")
        .await
        .unwrap();
    bearer_client(&server)
        .delete_membership("memb_2")
        .await
        .unwrap();
    ok.assert_async().await;
    no_content.assert_async().await;
}

#[tokio::test]
async fn get_pinned_views_decodes_the_example() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/membership/memb_1/pinned_views/")
                .header("authorization", BASIC_AUTH);
            then.status(200)
                .json_body(json!({"saved_view_ids": pinned_views()}));
        })
        .await;
    let views = api_key_client(&server)
        .pinned_views("memb_1")
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(views, pinned_views());

    let bearer = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/membership/memb_2/pinned_views/")
                .header("authorization", format!("Bearer {TOKEN}"));
            then.status(200).json_body(json!({"saved_view_ids": []}));
        })
        .await;
    assert!(bearer_client(&server)
        .pinned_views("memb_2")
        .await
        .unwrap()
        .is_empty());
    bearer.assert_async().await;
}

#[tokio::test]
async fn set_pinned_views_sends_the_ordered_list() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(PUT)
                .path("/membership/memb_1/pinned_views/")
                .header("authorization", BASIC_AUTH)
                .json_body(json!({"saved_view_ids": pinned_views()}));
            then.status(200)
                .json_body(json!({"saved_view_ids": pinned_views()}));
        })
        .await;
    let views = api_key_client(&server)
        .set_pinned_views("memb_1", pinned_views())
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(views, pinned_views());

    let bearer = server
        .mock_async(|when, then| {
            when.method(PUT)
                .path("/membership/memb_2/pinned_views/")
                .header("authorization", format!("Bearer {TOKEN}"))
                .json_body(json!({"saved_view_ids": []}));
            then.status(200).json_body(json!({"saved_view_ids": []}));
        })
        .await;
    bearer_client(&server)
        .set_pinned_views("memb_2", Vec::<String>::new())
        .await
        .unwrap();
    bearer.assert_async().await;
}

#[tokio::test]
async fn generated_builders_work_directly_and_expose_status_and_headers() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/membership/")
                .json_body(json!({"email": "john@salesteam.com", "role_id": "superuser"}));
            then.status(200)
                .header("x-request-id", "req_1")
                .json_body(created_membership());
        })
        .await;
    let client = api_key_client(&server);
    let rv = client
        .memberships_create()
        .body(close_sdk::types::CreateMembership {
            email: "john@salesteam.com".parse().unwrap(),
            role_id: Role::Superuser,
            extra: Default::default(),
        })
        .send()
        .await
        .unwrap();
    assert_eq!(rv.status(), 200);
    assert_eq!(rv.headers()["x-request-id"], "req_1");
    assert_eq!(
        rv.into_inner().id.as_deref().unwrap(),
        "memb_JPCqDJq0AmoZFhemXAWrWk9327DqfJgUF2VGPMOL4Lp"
    );
}

/// Close's documented reason for a 403 from `POST /membership/` (its OpenAPI document).
const DOCUMENTED_403: &str = "Membership creation is not permitted because the requestor cannot \
    manage the organization, the verified domain restriction is disabled, or the requested role \
    grants the `manage_organization` permission.";

#[tokio::test]
async fn admin_is_sent_and_closes_403_comes_back_typed_with_the_documented_reason() {
    // Close's sources disagree on `admin` at create: the SDK sends it and lets Close answer.
    let server = MockServer::start_async().await;
    let refused = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/membership/")
                .json_body(json!({"email": "john@salesteam.com", "role_id": "admin"}));
            then.status(403)
                .json_body(json!({"error": "You cannot grant this role."}));
        })
        .await;
    let e = no_retry_client(&server)
        .create_membership("john@salesteam.com", Role::Admin)
        .await
        .unwrap_err();
    refused.assert_async().await;
    let Error::Api(api) = &e else {
        panic!("expected Error::Api, got {e:?}")
    };
    assert_eq!(api.status, 403);
    assert_eq!(api.documented_reason, Some(DOCUMENTED_403));
    assert_eq!(
        e.to_string(),
        format!(
            "403 Forbidden from memberships_create (POST /membership/): You cannot grant this role. (Close documents: \"{DOCUMENTED_403}\")"
        )
    );
    assert!(!e.to_string().contains('\n'));
}

#[tokio::test]
async fn a_403_with_a_plain_text_body_still_says_what_close_documents() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/membership/");
            then.status(403).body("Forbidden\n");
        })
        .await;
    let e = no_retry_client(&server)
        .create_membership("john@salesteam.com", Role::User)
        .await
        .unwrap_err();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(403), "{e:?}");
    assert_eq!(
        e.to_string(),
        format!("403 Forbidden from memberships_create (POST /membership/): Forbidden (Close documents: \"{DOCUMENTED_403}\")")
    );
    // Other statuses carry no documented reason.
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/membership/");
            then.status(400).json_body(
                json!({"errors": [], "field-errors": {"email": "Not a verified domain."}}),
            );
        })
        .await;
    let e = no_retry_client(&server)
        .create_membership("john@salesteam.com", Role::User)
        .await
        .unwrap_err();
    assert_eq!(e.api_error().and_then(|a| a.documented_reason), None);
}

#[tokio::test]
async fn mock_close_refuses_admin_with_a_403_as_close_does() {
    let close = close_sdk::mock::MockClose::start().await;
    let client = close_sdk::Client::builder()
        .api_key(API_KEY)
        .base_url(close.base_url())
        .build()
        .unwrap();
    let e = client
        .create_membership("ann@salesteam.com", Role::Admin)
        .await
        .unwrap_err();
    assert!(matches!(&e, Error::Api(api) if api.status == 403), "{e:?}");
    assert!(
        e.to_string()
            .contains("manage_organization permission. (Close documents:"),
        "{e}"
    );
}
