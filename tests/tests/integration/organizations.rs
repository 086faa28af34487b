//! The two Organizations operations over real HTTP: exact path, `_expand`, body, and decoding
//! of Close's documented examples (memberships with `user_…` fields, naive timestamps).

// The extension traits' old names, deprecated where a handle call does the same, keep
// working: these tests call them on purpose.
#![allow(deprecated)]

use close_sdk::prelude::*;
use close_sdk::types::{InlineLeadStatusPayload, UpdateOrganization};
use close_sdk_tests::resources::*;
use close_sdk_tests::*;
use httpmock::prelude::*;
use serde_json::json;

const ORG: &str = "orga_RbREgmiiwcr1w2b4cOnCMQaQPSIFxMqAD2Dh243uxcH";

#[tokio::test]
async fn get_organization_decodes_the_documented_example() {
    let server = MockServer::start_async().await;
    let example = response_example("get", "/organization/{id}/");
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("/organization/{ORG}/"))
                .query_param_missing("_expand");
            then.status(200).json_body(example.clone());
        })
        .await;

    let org = api_key_client(&server).get_organization(ORG).await.unwrap();

    mock.assert_async().await;
    assert_eq!(org.id.as_deref().unwrap(), ORG);
    assert_eq!(org.name.as_deref(), Some("Sample Data"));
    assert_eq!(org.plan_type.as_deref(), Some("lite"));
    assert_eq!(org.memberships.as_ref().unwrap().len(), 3);
    assert!(org.inactive_memberships.as_ref().unwrap().is_empty());
    let m = &org.memberships.as_ref().unwrap()[1];
    assert_eq!(m.user_email.as_deref(), Some("phil@close.com"));
    assert_eq!(m.user_full_name.as_deref(), Some("Phil Freo"));
    assert_eq!(m.auto_record_calls, Some(AutoRecordCalls::Unset));
    assert!(matches!(m.role(), Some(Role::Custom(_))));
    assert_eq!(m.organization_id, None);
    assert_eq!(
        org.lead_statuses.as_ref().unwrap()[1].label.as_deref(),
        Some("Bad Fit")
    );
    assert!(org.pipelines.as_ref().unwrap()[0]
        .date_updated
        .as_ref()
        .unwrap()
        .is_naive());
    assert_eq!(
        normalized(&serde_json::to_value(&org).unwrap()),
        normalized(&example)
    );
}

#[tokio::test]
async fn get_organization_with_users_sends_the_documented_expand() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("/organization/{ORG}/"))
                .query_param("_expand", "memberships__user,inactive_memberships__user");
            then.status(200).json_body(json!({
                "id": ORG,
                "memberships": [{
                    "id": "memb_1", "role_id": "user", "user_id": "user_1",
                    "user": {"id": "user_1", "email": "a@example.com", "first_name": "A"}
                }],
                "inactive_memberships": []
            }));
        })
        .await;
    let org = api_key_client(&server)
        .get_organization_with_users(ORG)
        .await
        .unwrap();
    mock.assert_async().await;
    let user = org.memberships.as_ref().unwrap()[0].user.as_ref().unwrap();
    assert_eq!(user.email.as_deref(), Some("a@example.com"));
    assert_eq!(
        org.memberships.as_ref().unwrap()[0].role(),
        Some(Role::User)
    );
}

#[tokio::test]
async fn update_organization_sends_the_documented_body_and_decodes_the_example() {
    let server = MockServer::start_async().await;
    let request = request_example("put", "/organization/{id}/");
    let example = response_example("put", "/organization/{id}/");
    let mock = server
        .mock_async(|when, then| {
            when.method(PUT)
                .path(format!("/organization/{ORG}/"))
                .header("content-type", "application/json")
                .json_body(request.clone());
            then.status(200).json_body(example.clone());
        })
        .await;

    let ids = [
        "stat_8ZdiZqcSIkoGVnNOyxiEY58eTGQmFNG3LPlEVQ4V7Nk",
        "stat_3ZdiZqcSIkoGVnNOyxiEY58eTGQmFNG3LPlEVQ4V7Nk",
        "stat_2ZdiZqcSIkoGVnNOyxiEY58eTGQmFNG3LPlEVQ4V7Nk",
        "stat_1ZdiZqcSIkoGVnNOyxiEY58eTGQmFNG3LPlEVQ4V7Nk",
    ];
    let update = UpdateOrganization {
        currency: close_sdk::Patch::Set("USD".into()),
        name: Some("New Name".parse().unwrap()).into(),
        lead_statuses: ids
            .iter()
            .map(|id| InlineLeadStatusPayload {
                id: Some(id.to_string()),
                label: None,
                extra: Default::default(),
            })
            .collect::<Vec<_>>()
            .into(),
        ..Default::default()
    };
    let org = api_key_client(&server)
        .update_organization(ORG, update)
        .await
        .unwrap();

    mock.assert_async().await;
    assert_eq!(org.currency.as_deref(), Some("USD"));
    assert_eq!(org.currency_symbol.as_deref(), Some("$"));
    assert_eq!(
        org.lead_statuses.as_ref().unwrap()[0].label.as_deref(),
        Some("Not Serious")
    );
    assert_eq!(
        normalized(&serde_json::to_value(&org).unwrap()),
        normalized(&example)
    );
}

#[tokio::test]
async fn update_organization_refuses_what_the_spec_forbids_without_sending() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).json_body(json!({"id": ORG}));
        })
        .await;
    let client = api_key_client(&server);
    let bad_currency = UpdateOrganization {
        currency: close_sdk::Patch::Set("dollars".into()),
        ..Default::default()
    };
    assert!(matches!(
        client.update_organization(ORG, bad_currency).await,
        Err(Error::InvalidRequest(_))
    ));
    assert!("".parse::<close_sdk::types::OrganizationName>().is_err());
    assert!(matches!(
        client
            .update_organization("", UpdateOrganization::default())
            .await,
        Err(Error::InvalidRequest(_))
    ));
    any.assert_calls_async(0).await;
}

#[tokio::test]
async fn a_404_is_an_api_error_with_closes_message() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/organization/orga_missing/");
            then.status(404).json_body(json!({"error": "Not found"}));
        })
        .await;
    let err = api_key_client(&server)
        .get_organization("orga_missing")
        .await
        .unwrap_err();
    match &err {
        Error::Api(api) => assert_eq!(api.status.as_u16(), 404),
        other => panic!("expected an API error, got {other:?}"),
    }
    assert!(err.to_string().contains("Not found"), "{err}");
}
