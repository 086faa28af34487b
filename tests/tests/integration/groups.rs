//! The seven Groups operations over real HTTP (201 and 204 included), `_fields`, and adding a
//! user to a group by name.

// The extension traits' old names, deprecated where a handle call does the same, keep
// working: these tests call them on purpose.
#![allow(deprecated)]

use close_sdk::prelude::*;
use close_sdk_tests::resources::*;
use close_sdk_tests::*;
use httpmock::prelude::*;
use serde_json::json;

const GROUP: &str = "group_57P6QUf8b4BlepZJYgRj5W";
const USER: &str = "user_N6KhMpzHRCYQHdn4gRNIFNN5JExnsrprKA6ekxM63XA";

#[tokio::test]
async fn list_groups_decodes_the_example_and_sends_fields_comma_separated() {
    let server = MockServer::start_async().await;
    let example = response_example("get", "/group/");
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/group/")
                .query_param("_skip", "0")
                .query_param("_limit", "100")
                .query_param("_fields", "name")
                .query_param_count("_fields", ".*", 1);
            then.status(200).json_body(example.clone());
        })
        .await;
    let groups = api_key_client(&server)
        .list_groups(ListOptions::default().fields(["name"]))
        .collect_all()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0].name.as_deref().unwrap(), "Support");
    assert_eq!(groups[0].members, None);
    // `_fields` is sent as asked (nothing added) and the items decode losslessly.
    assert_eq!(serde_json::to_value(&groups).unwrap(), example["data"]);
}

#[tokio::test]
async fn bad_field_names_are_refused_without_a_request() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).json_body(page(&[], false));
        })
        .await;
    let err = api_key_client(&server)
        .list_groups(ListOptions::default().fields(["name,members"]))
        .collect_all()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)), "{err}");
    any.assert_calls_async(0).await;
}

#[tokio::test]
async fn create_group_sends_the_documented_body_and_accepts_the_201() {
    let server = MockServer::start_async().await;
    let request = request_example("post", "/group/");
    let example = response_example("post", "/group/");
    let mock = server
        .mock_async(|when, then| {
            when.method(POST).path("/group/").json_body(request.clone());
            then.status(201).json_body(example.clone());
        })
        .await;
    let group = api_key_client(&server)
        .create_group("Support")
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(group.id.as_deref().unwrap(), GROUP);
    assert_eq!(group.members, Some(vec![]));
    assert_eq!(
        normalized(&serde_json::to_value(&group).unwrap()),
        normalized(&example)
    );
}

#[tokio::test]
async fn get_rename_and_delete_a_group() {
    let server = MockServer::start_async().await;
    let path = format!("/group/{GROUP}/");
    let get = server
        .mock_async(|when, then| {
            when.method(GET).path(path.clone());
            then.status(200)
                .json_body(response_example("get", "/group/{id}/"));
        })
        .await;
    let rename_body = request_example("put", "/group/{id}/");
    let put = server
        .mock_async(|when, then| {
            when.method(PUT).path(path.clone()).json_body(rename_body);
            then.status(200)
                .json_body(response_example("put", "/group/{id}/"));
        })
        .await;
    let delete = server
        .mock_async(|when, then| {
            when.method(DELETE).path(path.clone());
            then.status(204);
        })
        .await;
    let client = api_key_client(&server);

    let group = client.get_group(GROUP).await.unwrap();
    assert_eq!(group.members.unwrap()[0].user_id.as_deref().unwrap(), USER);
    let renamed = client.rename_group(GROUP, "Sales").await.unwrap();
    assert_eq!(renamed.name.as_deref().unwrap(), "Sales");
    client.delete_group(GROUP).await.unwrap();
    get.assert_async().await;
    put.assert_async().await;
    delete.assert_async().await;
}

#[tokio::test]
async fn add_member_accepts_the_201_and_remove_member_accepts_204_and_200() {
    let server = MockServer::start_async().await;
    let request = request_example("post", "/group/{group_id}/member/");
    let add = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(format!("/group/{GROUP}/member/"))
                .json_body(request.clone());
            then.status(201)
                .json_body(response_example("post", "/group/{group_id}/member/"));
        })
        .await;
    let client = api_key_client(&server);
    let member = client.add_group_member(GROUP, USER).await.unwrap();
    add.assert_async().await;
    assert_eq!(member.user_id.as_deref().unwrap(), USER);

    for status in [204, 200] {
        let server = MockServer::start_async().await;
        let remove = server
            .mock_async(|when, then| {
                when.method(DELETE)
                    .path(format!("/group/{GROUP}/member/{USER}/"));
                then.status(status);
            })
            .await;
        api_key_client(&server)
            .remove_group_member(GROUP, USER)
            .await
            .unwrap();
        remove.assert_async().await;
    }
}

#[tokio::test]
async fn add_user_to_group_by_name_finds_the_group_then_adds() {
    let server = MockServer::start_async().await;
    let mut support = groups(3);
    support[2]["id"] = json!(GROUP);
    support[2]["name"] = json!("Support");
    let list = server
        .mock_async(|when, then| {
            when.method(GET).path("/group/").query_param("_skip", "0");
            then.status(200).json_body(page(&support, false));
        })
        .await;
    let add = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(format!("/group/{GROUP}/member/"))
                .json_body(json!({"user_id": USER}));
            then.status(201).json_body(json!({"user_id": USER}));
        })
        .await;
    let client = api_key_client(&server);
    let member = client
        .add_user_to_group_by_name("Support", USER)
        .await
        .unwrap();
    assert_eq!(member.user_id.as_deref().unwrap(), USER);
    list.assert_async().await;
    add.assert_async().await;

    let err = client
        .add_user_to_group_by_name("Nobody", USER)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)), "{err}");
    assert!(err.to_string().contains("Nobody"), "{err}");
    add.assert_calls_async(1).await;
}

#[tokio::test]
async fn invalid_ids_and_names_never_reach_the_server() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).json_body(page(&[], false));
        })
        .await;
    let client = api_key_client(&server);
    assert!(matches!(
        client.create_group(" ").await,
        Err(Error::InvalidRequest(_))
    ));
    assert!(matches!(
        client.rename_group(GROUP, "").await,
        Err(Error::InvalidRequest(_))
    ));
    assert!(matches!(
        client.get_group("a/b").await,
        Err(Error::InvalidRequest(_))
    ));
    assert!(matches!(
        client.delete_group("").await,
        Err(Error::InvalidRequest(_))
    ));
    assert!(matches!(
        client.add_group_member(GROUP, "user 1").await,
        Err(Error::InvalidRequest(_))
    ));
    assert!(matches!(
        client.remove_group_member("", USER).await,
        Err(Error::InvalidRequest(_))
    ));
    assert!(matches!(
        client.add_user_to_group_by_name("Support", "").await,
        Err(Error::InvalidRequest(_))
    ));
    any.assert_calls_async(0).await;
}
