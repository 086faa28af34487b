//! A newcomer turns the generic `/activity/` list into typed kinds (`Activity::into_kind`),
//! finds a user's membership and adds a user to a group (issue 20's by-name and membership
//! helpers). Activities: every real activity payload of the corpus (Airbyte's and closex's
//! records, tests/fixtures/corpus) served as one `GET /activity/` page, plus Close's documented
//! ImportUpdate example (close-activities-import-updates-api-openapi.yml).

use close_sdk::httpmock::{Method::GET, Method::POST, MockServer};
use close_sdk::mock::{MockClose, MOCK_ORGANIZATION_ID, MOCK_USER_ID};
use close_sdk::prelude::*;
use close_sdk::TypedActivity;
use serde_json::{json, Value};

fn corpus_activities() -> Vec<Value> {
    let root = format!("{}/fixtures/corpus", env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .expect("corpus")
        .flatten()
        .map(|e| e.path())
        .collect();
    dirs.sort();
    for dir in dirs.into_iter().filter(|d| {
        d.file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("activity"))
    }) {
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .expect("dir")
            .flatten()
            .map(|e| e.path())
            .collect();
        files.sort();
        for f in files {
            let text = std::fs::read_to_string(&f).expect("read");
            out.push(
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", f.display())),
            );
        }
    }
    out
}

fn import_update() -> Value {
    json!({"_type": "ImportUpdate", "activity_at": "2024-05-01T12:00:00.000000+00:00", "contact_id": null,
        "created_by": "user_N6KhMpzHRCYQHdn4gRNIFNN5JExnsrprKA6ekxM63XA", "created_by_name": "Stefan Wójcik",
        "date_created": "2024-05-01T12:00:00.000000+00:00", "date_updated": "2024-05-01T12:00:00.000000+00:00",
        "id": "acti_AyXImportUpd4te0ExAmPLeAcTiViTyId00000000000",
        "import_id": "bulk_AyXImpOrtIdEx4mPlE000000000000000000000000",
        "lead_id": "lead_KwD00BYbXCHiPWj68LxFkxaeWuULpZ7awzm6LqeFs0h",
        "organization_id": "orga_RbREgmiiwcr1w2b4cOnCMQaQPSIFxMqAD2Dh243uxcH", "reverted": false,
        "updated_by": "user_N6KhMpzHRCYQHdn4gRNIFNN5JExnsrprKA6ekxM63XA", "updated_by_name": "Stefan Wójcik",
        "user_id": "user_N6KhMpzHRCYQHdn4gRNIFNN5JExnsrprKA6ekxM63XA", "user_name": "Stefan Wójcik", "users": []})
}

fn kind_name(k: &TypedActivity) -> &'static str {
    match k {
        TypedActivity::Call(_) => "Call",
        TypedActivity::Created(_) => "Created",
        TypedActivity::Email(_) => "Email",
        TypedActivity::LeadStatusChange(_) => "LeadStatusChange",
        TypedActivity::Meeting(_) => "Meeting",
        TypedActivity::Note(_) => "Note",
        TypedActivity::OpportunityStatusChange(_) => "OpportunityStatusChange",
        TypedActivity::Sms(_) => "SMS",
        TypedActivity::TaskCompleted(_) => "TaskCompleted",
        TypedActivity::Other(_) => "Other",
        _ => "another",
    }
}

#[tokio::test]
async fn generic_activity_list_into_kinds() {
    let page = corpus_activities();
    let expected: Vec<String> = page
        .iter()
        .map(|a| a["_type"].as_str().unwrap_or("?").to_string())
        .collect();
    assert!(page.len() >= 15, "{} corpus activities", page.len());
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/activity/")
                .query_param("lead_id", "lead_x");
            then.status(200)
                .json_body(json!({"data": page, "has_more": false}));
        })
        .await;
    let client = Client::builder()
        .api_key("api_test")
        .base_url(server.base_url())
        .build()
        .expect("client");
    let all = client
        .activities()
        .list()
        .lead_id("lead_x")
        .paginate()
        .collect_all()
        .await
        .expect("activities");
    let mut kinds = Vec::new();
    for a in all {
        let id = a.id().unwrap_or_default().to_string();
        let kind = a.into_kind().unwrap_or_else(|e| panic!("{id}: {e}"));
        kinds.push(kind_name(&kind).to_string());
    }
    assert_eq!(kinds, expected);
}

/// ImportUpdate is generated (`client.activities().import_updates()`, `ImportUpdateActivity`)
/// but `TypedActivity` has no kind for it: an ImportUpdate read from `/activity/` is `Other`.
#[test]
fn import_update_is_a_kind() {
    let a: close_sdk::types::Activity = serde_json::from_value(import_update()).expect("decodes");
    let kind = a.into_kind().expect("kind");
    assert!(
        !matches!(kind, TypedActivity::Other(_)),
        "ImportUpdate read as {kind:?}"
    );
}

#[tokio::test]
async fn membership_by_user_then_add_to_group() {
    // A real organization answer with three members (closex's fixture of Close's docs).
    let path = format!(
        "{}/fixtures/corpus/organization/closex-mock-organization-2013-docs.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let org: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("json");
    let org_id = org["id"].as_str().expect("id").to_string();
    let user_id = "user_04EJPREurd0b3KDozVFqXSRbt2uBjw3QfeYa7ZaGTwI";
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(format!("/organization/{org_id}/"));
            then.status(200).json_body(org);
        })
        .await;
    let add = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/group/group_1/member/")
                .json_body(json!({"user_id": user_id}));
            then.status(200)
                .json_body(json!({"id": "group_1", "members": [{"user_id": user_id}]}));
        })
        .await;
    let client = Client::builder()
        .api_key("test")
        .base_url(server.base_url())
        .build()
        .expect("client");
    let found = client
        .memberships()
        .by_user(&org_id, user_id)
        .await
        .expect("lookup")
        .expect("a member");
    assert_eq!(
        found.id.as_deref(),
        Some("memb_hLHF3LsUI6N7twH1derRHiHEKeE843ttSYmsun4xkCn")
    );
    assert!(client
        .memberships()
        .by_user(&org_id, "user_nobody")
        .await
        .expect("lookup")
        .is_none());

    client
        .groups()
        .add_member("group_1", user_id)
        .await
        .expect("added");
    add.assert_async().await;
}

/// MockClose answers `GET /organization/{id}/` with the documented example, whose three
/// memberships all carry the same user (`MOCK_USER_ID`): `by_user` on the mock's own user is
/// `Error::Ambiguous`, so an app that looks its membership up cannot be tested on the mock.
#[tokio::test]
async fn mock_by_user_finds_the_mock_user() {
    let close = MockClose::start().await;
    let client = Client::builder()
        .api_key("test")
        .base_url(close.base_url())
        .build()
        .expect("client");
    let found = client
        .memberships()
        .by_user(MOCK_ORGANIZATION_ID, MOCK_USER_ID)
        .await;
    assert!(matches!(found, Ok(Some(_))), "{found:?}");
}

/// MockClose is stateful for memberships, but a membership it created is not in the
/// organization it answers: `by_email`/`by_user` (which read `GET /organization/{id}/`) do not
/// find the user the app just invited.
#[tokio::test]
async fn mock_membership_is_found_by_email() {
    let close = MockClose::start().await;
    let client = Client::builder()
        .api_key("test")
        .base_url(close.base_url())
        .build()
        .expect("client");
    let created = client
        .create_membership("ann@salesteam.com", Role::User)
        .await
        .expect("created");
    let found = client
        .memberships()
        .by_email(MOCK_ORGANIZATION_ID, "ann@salesteam.com")
        .await
        .expect("lookup");
    assert_eq!(found.and_then(|m| m.id), created.id);
}

/// The mock's organization follows its memberships as Close documents: its starting members
/// have one user each, "Create a membership" ensures one active membership per email (a second
/// create answers the same one), and "Delete a membership" deactivates it (it moves from
/// `memberships` to `inactive_memberships`, and `by_email` no longer finds it).
#[tokio::test]
async fn mock_organization_follows_its_memberships() {
    let close = MockClose::start().await;
    let client = Client::builder()
        .api_key("test")
        .base_url(close.base_url())
        .build()
        .expect("client");
    let org = client
        .organizations()
        .get(MOCK_ORGANIZATION_ID)
        .await
        .expect("organization");
    let start = org.memberships.unwrap_or_default();
    let mut users: Vec<_> = start.iter().filter_map(|m| m.user_id.clone()).collect();
    users.sort();
    users.dedup();
    assert_eq!((start.len(), users.len()), (3, 3), "{start:?}");

    let created = client
        .create_membership("gob@bluth.example", Role::User)
        .await
        .expect("created");
    let again = client
        .create_membership("GOB@bluth.example", Role::User)
        .await
        .expect("created again");
    assert_eq!(again.id, created.id);
    let id = created.id.clone().unwrap_or_default();
    let by_user = client
        .memberships()
        .by_user(
            MOCK_ORGANIZATION_ID,
            created.user_id.as_deref().unwrap_or("-"),
        )
        .await
        .expect("lookup");
    assert_eq!(by_user.and_then(|m| m.id), created.id);

    client.memberships().delete(&id).await.expect("deleted");
    let org = client
        .organizations()
        .get(MOCK_ORGANIZATION_ID)
        .await
        .expect("organization");
    let ids = |ms: Option<Vec<close_sdk::types::OrganizationMembership>>| -> Vec<String> {
        ms.unwrap_or_default()
            .into_iter()
            .filter_map(|m| m.id)
            .collect()
    };
    assert_eq!(ids(org.memberships).len(), 3);
    assert_eq!(ids(org.inactive_memberships), vec![id.clone()]);
    let found = client
        .memberships()
        .by_email(MOCK_ORGANIZATION_ID, "gob@bluth.example")
        .await
        .expect("lookup");
    assert!(found.is_none(), "{found:?}");
}
