//! The five Roles operations over real HTTP, the 201 of create and the bodiless deletes, and
//! the look-up helpers (by name; predefined vs custom).

// The extension traits' old names, deprecated where a handle call does the same, keep
// working: these tests call them on purpose.
#![allow(deprecated)]

use close_sdk::prelude::*;
use close_sdk::types::{CreateRole, RoleVisibilityBehavior, UpdateRole};
use close_sdk_tests::resources::*;
use close_sdk_tests::*;
use httpmock::prelude::*;
use serde_json::json;

async fn serve_role_list(server: &MockServer) -> httpmock::Mock<'_> {
    let example = response_example("get", "/role/");
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/role/")
                .query_param("_skip", "0")
                .query_param("_limit", "100");
            then.status(200).json_body(example);
        })
        .await
}

#[tokio::test]
async fn list_roles_decodes_the_documented_example() {
    let server = MockServer::start_async().await;
    let mock = serve_role_list(&server).await;
    let roles = api_key_client(&server).all_roles().await.unwrap();
    mock.assert_async().await;
    assert_eq!(roles.len(), 2);
    assert_eq!(roles[0].name.as_deref().unwrap(), "Admin");
    assert_eq!(roles[0].editable, Some(false));
    assert_eq!(roles[0].visibility_user_lcf_ids, None);
    assert_eq!(
        roles[1].visibility_user_lcf_behavior.as_deref(),
        Some("require_assignment")
    );
    assert_eq!(
        normalized(&serde_json::to_value(&roles).unwrap()),
        normalized(&response_example("get", "/role/")["data"])
    );
}

#[tokio::test]
async fn role_by_name_and_the_catalog_use_the_role_list() {
    let server = MockServer::start_async().await;
    let mock = serve_role_list(&server).await;
    let client = api_key_client(&server);

    let manager = client
        .role_by_name("Account Manager")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(manager.role(), Some(CUSTOM_ROLE.parse::<Role>().unwrap()));
    assert!(!manager.is_predefined());
    assert!(client.role_by_name("Sales Rep").await.unwrap().is_none());
    assert!(client
        .role_by_name("account manager")
        .await
        .unwrap()
        .is_none());

    let catalog = client.role_catalog().await.unwrap();
    let names = |v: &[close_sdk::types::RoleDefinition]| -> Vec<String> {
        v.iter().map(|r| r.name.clone().unwrap()).collect()
    };
    assert_eq!(names(&catalog.predefined), ["Admin"]);
    assert_eq!(names(&catalog.custom), ["Account Manager"]);
    mock.assert_calls_async(4).await;
}

#[tokio::test]
async fn role_by_name_refuses_a_blank_name_and_an_ambiguous_one() {
    let server = MockServer::start_async().await;
    let role = json!({"id": "role_a", "name": "Twin"});
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path("/role/");
            then.status(200).json_body(page(
                &[role.clone(), json!({"id": "role_b", "name": "Twin"})],
                false,
            ));
        })
        .await;
    let client = api_key_client(&server);
    assert!(matches!(
        client.role_by_name(" ").await,
        Err(Error::InvalidRequest(_))
    ));
    mock.assert_calls_async(0).await;
    let err = client.role_by_name("Twin").await.unwrap_err();
    assert!(err.to_string().contains("2 roles"), "{err}");
}

#[tokio::test]
async fn create_role_sends_name_and_permissions_and_decodes_the_201() {
    let server = MockServer::start_async().await;
    let example = response_example("post", "/role/");
    let mock = server
        .mock_async(|when, then| {
            when.method(POST).path("/role/").json_body(
                json!({"name": "Account Manager", "permissions": ["bulk_edit", "export"]}),
            );
            then.status(201).json_body(example.clone());
        })
        .await;
    let role = api_key_client(&server)
        .create_role("Account Manager", ["bulk_edit", "export"])
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(role.id.as_deref().unwrap(), CUSTOM_ROLE);
    assert_eq!(
        role.permissions.as_deref().unwrap(),
        ["bulk_edit", "export"]
    );
    assert_eq!(
        normalized(&serde_json::to_value(&role).unwrap()),
        normalized(&example)
    );
}

#[tokio::test]
async fn create_role_with_visibility_and_a_200_is_accepted_too() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST).path("/role/").json_body(json!({
                "name": "Territory",
                "permissions": ["export"],
                "visibility_user_lcf_behavior": "allow_unassigned",
                "visibility_user_lcf_ids": ["cf_1"]
            }));
            then.status(200)
                .json_body(json!({"id": "role_t", "name": "Territory"}));
        })
        .await;
    let body = CreateRole {
        extra: Default::default(),
        name: "Territory".parse().unwrap(),
        permissions: vec!["export".into()],
        visibility_user_lcf_behavior: Some(RoleVisibilityBehavior::AllowUnassigned),
        visibility_user_lcf_ids: Some(vec!["cf_1".into()]),
    };
    let role = api_key_client(&server)
        .create_role_with(body)
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(role.id.as_deref().unwrap(), "role_t");
}

#[tokio::test]
async fn create_role_refuses_bad_input_before_the_wire() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(201)
                .json_body(json!({"id": "role_x", "name": "x"}));
        })
        .await;
    let client = api_key_client(&server);
    assert!(matches!(
        client.create_role("", ["export"]).await,
        Err(Error::InvalidRequest(_))
    ));
    assert!(matches!(
        client.create_role("  ", ["export"]).await,
        Err(Error::InvalidRequest(_))
    ));
    assert!(matches!(
        client.create_role("Rep", ["bulk edit"]).await,
        Err(Error::InvalidRequest(_))
    ));
    any.assert_calls_async(0).await;
}

#[tokio::test]
async fn get_and_update_role_use_the_documented_shapes() {
    let server = MockServer::start_async().await;
    let path = format!("/role/{CUSTOM_ROLE}/");
    let get = server
        .mock_async(|when, then| {
            when.method(GET).path(path.clone());
            then.status(200)
                .json_body(response_example("get", "/role/{id}/"));
        })
        .await;
    let update_body = request_example("put", "/role/{id}/");
    let put = server
        .mock_async(|when, then| {
            when.method(PUT).path(path.clone()).json_body(update_body);
            then.status(200)
                .json_body(response_example("put", "/role/{id}/"));
        })
        .await;
    let client = api_key_client(&server);

    let role = client.get_role(CUSTOM_ROLE).await.unwrap();
    assert_eq!(
        role.permissions.as_deref().unwrap(),
        ["bulk_edit", "export", "view_all_leads"]
    );
    let update = UpdateRole {
        permissions: close_sdk::Patch::Set(vec!["bulk_edit".into(), "view_all_leads".into()]),
        ..Default::default()
    };
    let role = client.update_role(CUSTOM_ROLE, update).await.unwrap();
    assert_eq!(
        role.permissions.as_deref().unwrap(),
        ["bulk_edit", "view_all_leads"]
    );
    get.assert_async().await;
    put.assert_async().await;
}

#[tokio::test]
async fn delete_role_accepts_200_and_204() {
    for status in [200, 204] {
        let server = MockServer::start_async().await;
        let mock = server
            .mock_async(|when, then| {
                when.method(DELETE).path("/role/role_old/");
                then.status(status);
            })
            .await;
        api_key_client(&server)
            .delete_role("role_old")
            .await
            .unwrap();
        mock.assert_async().await;
    }
}

#[tokio::test]
async fn deleting_a_role_still_in_use_surfaces_closes_400() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(DELETE).path("/role/role_busy/");
            then.status(400)
                .json_body(json!({"error": "Move all users off this role first."}));
        })
        .await;
    let err = api_key_client(&server)
        .delete_role("role_busy")
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Api(api) if api.status.as_u16() == 400),
        "{err:?}"
    );
    assert!(err.to_string().contains("Move all users"), "{err}");
}
