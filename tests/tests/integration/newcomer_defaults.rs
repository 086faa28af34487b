//! A newcomer's team-provisioning tool on close-sdk's DEFAULT features only (memberships,
//! users, organizations, roles, groups), written after reading README.md, GUIDE.md and the crate
//! docs, against loopback servers that answer with REAL payloads: the repository's corpus of
//! recorded Close payloads (`tests/fixtures/corpus/`: Airbyte's expected records and other
//! clients' fixtures) and Close's documented examples (`openapi/close.json`).
//!
//! Covered: users/roles/groups listed over several pages (`.paginate()` and the extension
//! traits' `list_*`/`all_*`), by-name lookups, `create_membership`, bulk provisioning from CSV
//! rows, timestamps and dates (offset, naive, ordering, hashing, `to_string()`), whole objects
//! decoded and re-encoded without loss, and error handling with `?` and `match`.

use std::collections::HashSet;
use std::path::Path;
use std::time::Duration;

use close_sdk::prelude::*;
use close_sdk::types::{Group, Membership, RoleDefinition, User};
use close_sdk::{Date, Timestamp};
use close_sdk_tests::resources::response_example;
use futures_util::StreamExt;
use httpmock::prelude::*;
use serde_json::{json, Value};

/// Every test is bounded in time.
const LIMIT: Duration = Duration::from_secs(20);

/// A recorded Close payload from the repository's corpus.
fn corpus(file: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/corpus")
        .join(file);
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// The items of a documented list example (`{"data": [...]}`).
fn documented_items(path: &str) -> Vec<Value> {
    response_example("get", path)["data"]
        .as_array()
        .unwrap()
        .clone()
}

/// What a newcomer writes after README's quick start: a client pointed at the test server.
fn client(server: &MockServer) -> Result<Client, close_sdk::Error> {
    Client::builder()
        .api_key("api_newcomer")
        .base_url(server.base_url())
        .timeout(Duration::from_secs(5))
        .retry_policy(close_sdk::RetryPolicy::none())
        .build()
}

/// Decodes `original` as `T` and encodes it back: the JSON must be the same.
fn round_trips<T: serde::de::DeserializeOwned + serde::Serialize>(original: &Value) -> T {
    let typed: T = serde_json::from_value(original.clone()).unwrap();
    assert_eq!(&serde_json::to_value(&typed).unwrap(), original);
    typed
}

/// Serves `items` as pages of `page` items of the list at `path`, answering `_skip`/`_limit`
/// exactly as Close does; returns the mocks (one per page).
async fn serve_pages<'a>(
    server: &'a MockServer,
    path: &str,
    items: &[Value],
    page: usize,
) -> Vec<httpmock::Mock<'a>> {
    let mut mocks = Vec::new();
    for (n, chunk) in items.chunks(page).enumerate() {
        let skip = n * page;
        let has_more = skip + chunk.len() < items.len();
        let body = json!({"data": chunk, "has_more": has_more});
        let path = path.to_string();
        mocks.push(
            server
                .mock_async(move |when, then| {
                    when.method(GET)
                        .path(path)
                        .query_param("_skip", skip.to_string())
                        .query_param("_limit", page.to_string());
                    then.status(200).json_body(body);
                })
                .await,
        );
    }
    mocks
}

/// Real users: Airbyte's recorded user, another client's recorded list item, and the two users
/// of Close's documented `GET /user/` example.
fn real_users() -> Vec<Value> {
    let mut users = vec![
        corpus("user/airbyte-user.json"),
        corpus("user/closex-user-list-item.json"),
    ];
    users.extend(documented_items("/user/"));
    users
}

/// Real roles: Airbyte's recorded Admin and Restricted User (dated `0001-01-01T00:00:00`), and
/// the custom role of Close's documented `GET /role/` example.
fn real_roles() -> Vec<Value> {
    let documented = documented_items("/role/");
    let custom = documented
        .iter()
        .find(|r| r["name"] == "Account Manager")
        .unwrap()
        .clone();
    vec![
        corpus("role/airbyte-role-admin.json"),
        corpus("role/airbyte-role-restricted-user.json"),
        custom,
    ]
}

// ---------------------------------------------------------------------------------------------
// Listing over several pages
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn users_paginate_over_three_pages_of_real_users_losing_nothing() {
    tokio::time::timeout(LIMIT, async {
        let server = MockServer::start_async().await;
        let users = real_users();
        assert_eq!(users.len(), 4);
        let pages = serve_pages(&server, "/user/", &users, 2).await;
        let client = client(&server)?;

        // README: `client.users().list().paginate()`, read with `next()`.
        let mut stream = client.users().list().limit(2).paginate();
        let mut got: Vec<User> = Vec::new();
        while let Some(user) = stream.next().await {
            got.push(user?);
        }
        assert_eq!(got.len(), users.len());
        for (user, original) in got.iter().zip(&users) {
            // Whole objects decode and re-encode to exactly what Close sent.
            assert_eq!(&serde_json::to_value(user).unwrap(), original);
        }
        for page in &pages {
            page.assert_calls_async(1).await;
        }

        // The extension trait's stream, with its own page size.
        let listed = client
            .list_users(ListOptions::default().page_size(2))
            .collect_all()
            .await?;
        assert_eq!(listed, got);
        Ok::<_, close_sdk::Error>(())
    })
    .await
    .unwrap()
    .unwrap();
}

#[tokio::test]
async fn all_users_reads_every_page_at_the_default_page_size() {
    tokio::time::timeout(LIMIT, async {
        let server = MockServer::start_async().await;
        let users = real_users();
        // Close may answer fewer items than `_limit` and still say `has_more`: the next page
        // starts after the items received.
        let first = json!({"data": users[..3], "has_more": true});
        let second = json!({"data": users[3..], "has_more": false});
        let p1 = server
            .mock_async(|when, then| {
                when.method(GET)
                    .path("/user/")
                    .query_param("_skip", "0")
                    .query_param("_limit", close_sdk::DEFAULT_PAGE_SIZE.to_string());
                then.status(200).json_body(first);
            })
            .await;
        let p2 = server
            .mock_async(|when, then| {
                when.method(GET)
                    .path("/user/")
                    .query_param("_skip", "3")
                    .query_param("_limit", close_sdk::DEFAULT_PAGE_SIZE.to_string());
                then.status(200).json_body(second);
            })
            .await;
        let all = client(&server)?.all_users().await?;
        assert_eq!(all.len(), 4);
        p1.assert_calls_async(1).await;
        p2.assert_calls_async(1).await;
        // A newcomer's report: users sorted by when they joined (`Option<Timestamp>` is `Ord`).
        let mut by_age: Vec<&User> = all.iter().collect();
        by_age.sort_by(|a, b| a.date_created.cmp(&b.date_created));
        let emails: Vec<&str> = by_age.iter().filter_map(|u| u.email.as_deref()).collect();
        assert_eq!(
            emails,
            [
                "kevin@close.com",
                "stefan@close.com",
                "theo@nested.com",
                "integration-test@airbyte.io"
            ]
        );
        Ok::<_, close_sdk::Error>(())
    })
    .await
    .unwrap()
    .unwrap();
}

#[tokio::test]
async fn roles_and_groups_paginate_and_their_extension_lists_agree() {
    tokio::time::timeout(LIMIT, async {
        let server = MockServer::start_async().await;
        let roles = real_roles();
        serve_pages(&server, "/role/", &roles, 2).await;
        let support = documented_items("/group/")[0].clone();
        let sales = response_example("put", "/group/{id}/");
        // Two groups, one per page (`members` appears where Close sent it).
        let groups = vec![support, {
            let mut g = sales;
            g["id"] = json!("group_4c3OeXDlvCmUHdUCoUHKyX");
            g
        }];
        serve_pages(&server, "/group/", &groups, 1).await;
        let client = client(&server)?;

        let paged: Vec<RoleDefinition> = client
            .roles()
            .list()
            .limit(2)
            .paginate()
            .collect_all()
            .await?;
        let listed = client
            .list_roles(ListOptions::default().page_size(2))
            .collect_all()
            .await?;
        assert_eq!(paged, listed);
        for (role, original) in paged.iter().zip(&roles) {
            assert_eq!(&serde_json::to_value(role).unwrap(), original);
        }
        let names: Vec<&str> = paged.iter().filter_map(|r| r.name.as_deref()).collect();
        assert_eq!(names, ["Admin", "Restricted User", "Account Manager"]);

        let mut stream = client.groups().list().limit(1).paginate();
        let mut got: Vec<Group> = Vec::new();
        while let Some(g) = stream.next().await {
            got.push(g?);
        }
        for (g, original) in got.iter().zip(&groups) {
            assert_eq!(&serde_json::to_value(g).unwrap(), original);
        }
        let listed = client
            .list_groups(ListOptions::default().page_size(1))
            .collect_all()
            .await?;
        assert_eq!(listed, got);
        Ok::<_, close_sdk::Error>(())
    })
    .await
    .unwrap()
    .unwrap();
}

// ---------------------------------------------------------------------------------------------
// Lookups by name
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn by_name_and_by_email_find_real_objects_across_pages() {
    tokio::time::timeout(LIMIT, async {
        let server = MockServer::start_async().await;
        // The lookups read the list at the generated default (`_limit=100`): serve the same
        // items at that page size as one page, and check several-page lookups below.
        serve_pages(&server, "/role/", &real_roles(), 100).await;
        serve_pages(&server, "/user/", &real_users(), 100).await;
        serve_pages(&server, "/group/", &documented_items("/group/"), 100).await;
        let client = client(&server)?;

        let restricted = client.roles().by_name("Restricted User").await?.unwrap();
        assert_eq!(restricted.id.as_deref(), Some("restricteduser"));
        assert_eq!(restricted.role(), Some(Role::RestrictedUser));
        let admin = client.roles().by_name(" Admin ").await?.unwrap();
        assert_eq!(admin.role(), Some(Role::Admin));
        let custom = client.roles().by_name("Account Manager").await?.unwrap();
        assert!(matches!(custom.role(), Some(Role::Custom(_))));
        assert!(
            client.roles().by_name("admin").await?.is_none(),
            "case-sensitive"
        );

        let catalog = client.role_catalog().await?;
        assert_eq!(catalog.predefined.len(), 2);
        assert_eq!(catalog.custom.len(), 1);

        // Emails compare case-insensitively.
        let theo = client.users().by_email("Theo@Nested.com").await?.unwrap();
        assert_eq!(
            theo.id.as_deref(),
            Some("user_3icdBiVetzNHo1WB5RHkFc2jLlzkrFCbsBx6vMwuQY8")
        );
        assert!(client
            .users()
            .by_email("nobody@nested.com")
            .await?
            .is_none());

        let support = client.groups().by_name("Support").await?.unwrap();
        assert_eq!(support.id.as_deref(), Some("group_57P6QUf8b4BlepZJYgRj5W"));
        assert!(client.groups().by_name("Nope").await?.is_none());
        Ok::<_, close_sdk::Error>(())
    })
    .await
    .unwrap()
    .unwrap();
}

#[tokio::test]
async fn lookups_refuse_blank_names_and_non_emails_without_sending() {
    tokio::time::timeout(LIMIT, async {
        let server = MockServer::start_async().await;
        let any = server
            .mock_async(|_, then| {
                then.status(500);
            })
            .await;
        let client = client(&server).unwrap();
        for e in [
            client.roles().by_name("  ").await.unwrap_err(),
            client.groups().by_name("").await.unwrap_err(),
            client
                .users()
                .by_email("theo at nested.com")
                .await
                .unwrap_err(),
        ] {
            assert!(matches!(e, close_sdk::Error::InvalidRequest(_)), "{e}");
        }
        any.assert_calls_async(0).await;
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn a_group_name_two_groups_share_is_ambiguous_with_both_ids() {
    tokio::time::timeout(LIMIT, async {
        let server = MockServer::start_async().await;
        let support = documented_items("/group/")[0].clone();
        let mut twin = support.clone();
        twin["id"] = json!("group_2TwinOfSupportXXXXXXXXX");
        serve_pages(&server, "/group/", &[support, twin], 100).await;
        let client = client(&server).unwrap();
        match client.groups().by_name("Support").await {
            Err(close_sdk::Error::Ambiguous { count, ids, .. }) => {
                assert_eq!(count, 2);
                assert_eq!(
                    ids,
                    [
                        "group_57P6QUf8b4BlepZJYgRj5W",
                        "group_2TwinOfSupportXXXXXXXXX"
                    ]
                );
            }
            other => panic!("expected Ambiguous, got {other:?}"),
        }
        // The extension trait that adds by name refuses too, and sends no member request.
        let add = server
            .mock_async(|when, then| {
                when.method(POST).path_includes("/member/");
                then.status(200).json_body(json!({"user_id": "user_x"}));
            })
            .await;
        let e = client
            .add_user_to_group_by_name(
                "Support",
                "user_N6KhMpzHRCYQHdn4gRNIFNN5JExnsrprKA6ekxM63XA",
            )
            .await
            .unwrap_err();
        assert!(matches!(e, close_sdk::Error::Ambiguous { .. }), "{e}");
        add.assert_calls_async(0).await;
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn add_user_to_group_by_name_posts_the_member_and_decodes_closes_answer() {
    tokio::time::timeout(LIMIT, async {
        let server = MockServer::start_async().await;
        serve_pages(&server, "/group/", &documented_items("/group/"), 100).await;
        let answer = response_example("post", "/group/{group_id}/member/");
        let user_id = "user_N6KhMpzHRCYQHdn4gRNIFNN5JExnsrprKA6ekxM63XA";
        let add = server
            .mock_async(|when, then| {
                when.method(POST)
                    .path("/group/group_57P6QUf8b4BlepZJYgRj5W/member/")
                    .json_body_includes(json!({"user_id": user_id}).to_string());
                then.status(201).json_body(answer.clone());
            })
            .await;
        let member = client(&server)?
            .add_user_to_group_by_name("Support", user_id)
            .await?;
        add.assert_calls_async(1).await;
        assert_eq!(serde_json::to_value(&member).unwrap(), answer);
        Ok::<_, close_sdk::Error>(())
    })
    .await
    .unwrap()
    .unwrap();
}

// ---------------------------------------------------------------------------------------------
// Memberships and provisioning
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn create_membership_sends_email_and_role_and_decodes_the_real_answer() {
    tokio::time::timeout(LIMIT, async {
        let server = MockServer::start_async().await;
        let answer = response_example("post", "/membership/");
        let create = server
            .mock_async(|when, then| {
                when.method(POST).path("/membership/").json_body_includes(
                    json!({"email": "john@salesteam.com", "role_id": "user"}).to_string(),
                );
                then.status(201).json_body(answer.clone());
            })
            .await;
        let client = client(&server)?;
        let membership: Membership = client
            .create_membership("john@salesteam.com", Role::User)
            .await?;
        create.assert_calls_async(1).await;
        assert_eq!(serde_json::to_value(&membership).unwrap(), answer);
        assert!(membership.id.as_deref().unwrap().starts_with("memb_"));

        // An invalid email never leaves the machine.
        let e = client
            .create_membership("john(at)salesteam", Role::User)
            .await
            .unwrap_err();
        assert!(matches!(e, close_sdk::Error::InvalidRequest(_)), "{e}");
        create.assert_calls_async(1).await;
        Ok::<_, close_sdk::Error>(())
    })
    .await
    .unwrap()
    .unwrap();
}

/// The newcomer's CSV (`email,role`, as `--example provision` reads it).
const TEAM_CSV: &str = "email,role
ann@salesteam.com,user
bob@salesteam.com,superuser
not-an-email,user
taken@salesteam.com,restricteduser
carol@salesteam.com,role_y6eLquXvRUdmwqi61tsmgCJUU7uGfxaRbDuLoONZL9p
";

#[tokio::test]
async fn provisioning_csv_rows_yields_one_outcome_per_row() {
    tokio::time::timeout(LIMIT, async {
        let server = MockServer::start_async().await;
        let answer = response_example("post", "/membership/");
        // Close refuses one address, with its documented field-errors shape.
        let refused = server
            .mock_async(|when, then| {
                when.method(POST)
                    .path("/membership/")
                    .json_body_includes(json!({"email": "taken@salesteam.com"}).to_string());
                then.status(400).json_body(json!({
                    "error": "",
                    "errors": [],
                    "field-errors": {"email": "This user is already a member of the organization."}
                }));
            })
            .await;
        let created = server
            .mock_async(|when, then| {
                when.method(POST).path("/membership/");
                then.status(201).json_body(answer.clone());
            })
            .await;
        let client = client(&server).unwrap();

        // Rows as a newcomer parses them: the role column through `Role`'s `FromStr`.
        let rows: Vec<(String, Role)> = TEAM_CSV
            .lines()
            .skip(1)
            .map(|line| {
                let (email, role) = line.split_once(',').unwrap();
                (email.to_string(), role.parse::<Role>().unwrap())
            })
            .collect();
        assert_eq!(
            rows[4].1.as_str(),
            "role_y6eLquXvRUdmwqi61tsmgCJUU7uGfxaRbDuLoONZL9p"
        );

        let mut outcomes: Vec<_> = client.provision_memberships(rows, 2).collect().await;
        outcomes.sort_by_key(|o| o.index);
        assert_eq!(
            outcomes.iter().map(|o| o.index).collect::<Vec<_>>(),
            [0, 1, 2, 3, 4]
        );
        for o in &outcomes {
            match (&o.result, o.index) {
                (Ok(m), 0 | 1 | 4) => assert!(m.id.is_some()),
                (Err(close_sdk::Error::InvalidRequest(msg)), 2) => {
                    assert!(msg.contains("not-an-email"), "{msg}")
                }
                (Err(e @ close_sdk::Error::Api(api)), 3) => {
                    assert_eq!(api.status.as_u16(), 400);
                    assert_eq!(e.status().map(|s| s.as_u16()), Some(400));
                    assert!(!e.is_not_found());
                    let shown = e.to_string();
                    assert!(shown.contains("already a member"), "{shown}");
                    assert!(e.field_errors().is_some_and(|f| f.contains_key("email")));
                }
                (other, i) => panic!("row {i}: unexpected {other:?}"),
            }
        }
        created.assert_calls_async(3).await;
        refused.assert_calls_async(1).await;
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn csv_role_cells_parse_only_in_closes_exact_spelling() {
    // GUIDE: `Role` "parses strictly (`"user"`, `"role_…"`)". A hand-edited CSV says `User`
    // or ` user`; `?` on the parse needs a conversion, since its error is a `String`.
    assert_eq!("user".parse::<Role>(), Ok(Role::User));
    assert_eq!("restricteduser".parse::<Role>(), Ok(Role::RestrictedUser));
    for cell in ["User", " user", "Restricted User", "sales rep"] {
        let e = cell.parse::<Role>().unwrap_err();
        assert!(
            e.contains("expected admin, superuser, user"),
            "{cell:?}: {e}"
        );
    }
    fn row(cell: &str) -> Result<Role, close_sdk::Error> {
        cell.parse::<Role>()
            .map_err(close_sdk::Error::InvalidRequest)
    }
    assert!(row("superuser").is_ok());
}

#[tokio::test]
async fn membership_of_a_user_is_found_in_the_real_organization() {
    tokio::time::timeout(LIMIT, async {
        let server = MockServer::start_async().await;
        let org = corpus("organization/closex-organization-memberships.json");
        let org_id = org["id"].as_str().unwrap().to_string();
        let get = server
            .mock_async(|when, then| {
                when.method(GET).path(format!("/organization/{org_id}/"));
                then.status(200).json_body(org.clone());
            })
            .await;
        let client = client(&server)?;
        let decoded = client.get_organization_with_users(&org_id).await?;
        assert_eq!(serde_json::to_value(&decoded).unwrap(), org);
        let m = client
            .memberships()
            .by_email(&org_id, "CloseIO-API-User@nested.com")
            .await?
            .unwrap();
        assert_eq!(m.role(), Some(Role::Admin));
        assert_eq!(
            m.user_id.as_deref(),
            Some("user_CwSfS8J6DsD6tnAsUwNFKCpS7Tq9LVCgJvHapOcpWyW")
        );
        get.assert_calls_async(2).await;
        Ok::<_, close_sdk::Error>(())
    })
    .await
    .unwrap()
    .unwrap();
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/// A newcomer's helper: the user's display name, or `None` when Close has no such user.
async fn user_name(client: &Client, id: &str) -> Result<Option<String>, close_sdk::Error> {
    match client.users().get(id).await {
        Ok(user) => Ok(Some(format!(
            "{} {}",
            user.first_name.unwrap_or_default(),
            user.last_name.unwrap_or_default()
        ))),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

#[tokio::test]
async fn errors_match_on_close_sdk_error_and_say_what_failed() {
    tokio::time::timeout(LIMIT, async {
        let server = MockServer::start_async().await;
        let user = corpus("user/airbyte-user.json");
        let id = user["id"].as_str().unwrap().to_string();
        server
            .mock_async(|when, then| {
                when.method(GET).path(format!("/user/{id}/"));
                then.status(200).json_body(user.clone());
            })
            .await;
        server
            .mock_async(|when, then| {
                when.method(GET).path("/user/user_gone/");
                then.status(404).json_body(
                    json!({"error": "Empty query: User matching query does not exist."}),
                );
            })
            .await;
        server
            .mock_async(|when, then| {
                when.method(GET).path("/user/user_teapot/");
                then.status(503).body("<html>upstream unavailable</html>");
            })
            .await;
        let client = client(&server).unwrap();
        assert_eq!(
            user_name(&client, &id).await.unwrap().as_deref(),
            Some("Airbyte Team")
        );
        assert_eq!(user_name(&client, "user_gone").await.unwrap(), None);
        let e = user_name(&client, "user_teapot").await.unwrap_err();
        match &e {
            close_sdk::Error::Api(api) => {
                assert_eq!(api.status.as_u16(), 503);
                assert_eq!(api.attempts, 1);
            }
            other => panic!("expected Api, got {other:?}"),
        }
        let shown = e.to_string();
        assert!(shown.contains("503"), "{shown}");
        assert!(
            shown.contains("users_get") || shown.contains("/user/"),
            "{shown}"
        );

        // A path-unsafe id is refused before sending.
        let e = client.users().get("../me").await.unwrap_err();
        assert!(matches!(e, close_sdk::Error::InvalidRequest(_)), "{e}");
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn a_bad_timestamp_in_a_user_is_a_decode_error_naming_the_value() {
    tokio::time::timeout(LIMIT, async {
        let server = MockServer::start_async().await;
        let mut user = corpus("user/closex-user-list-item.json");
        user["date_created"] = json!("2017-10-30 sometime");
        server
            .mock_async(|when, then| {
                when.method(GET).path("/user/");
                then.status(200)
                    .json_body(json!({"data": [user], "has_more": false}));
            })
            .await;
        let e = client(&server).unwrap().users().list().await.unwrap_err();
        assert!(matches!(e, close_sdk::Error::Decode { .. }), "{e:?}");
        let shown = e.to_string();
        assert!(shown.contains("users_list"), "{shown}");
        assert!(shown.contains("2017-10-30 sometime"), "{shown}");
    })
    .await
    .unwrap();
}

// ---------------------------------------------------------------------------------------------
// Timestamps and dates
// ---------------------------------------------------------------------------------------------

/// Every timestamp form found in the real payloads (the corpus and Close's examples), and the
/// RFC 3339 `Z` form.
const REAL_FORMS: &[(&str, bool)] = &[
    // microseconds and +00:00: most of Close's timestamps
    ("2021-07-13T11:36:04.905000+00:00", false),
    ("2013-02-01T00:54:51.097000+00:00", false),
    // no fraction, +00:00 (meetings, `opportunity_date_won`)
    ("2022-11-12T18:00:00+00:00", false),
    // naive with microseconds (pipelines, custom fields)
    ("2019-11-04T11:04:13.014979", true),
    // naive without a fraction: Airbyte's predefined roles, year 1
    ("0001-01-01T00:00:00", true),
    // Z, with and without a fraction
    ("2024-01-02T03:04:05Z", false),
    ("2024-01-02T03:04:05.123456Z", false),
    // a non-UTC offset
    ("2024-01-02T03:04:05.5-04:00", false),
];

#[test]
fn every_real_timestamp_form_round_trips_through_text_and_json() {
    for &(text, naive) in REAL_FORMS {
        let t: Timestamp = text.parse().unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(t.is_naive(), naive, "{text}");
        assert_eq!(t.to_string(), text);
        assert_eq!(t.as_str(), text);
        let json = serde_json::to_value(&t).unwrap();
        assert_eq!(json, json!(text));
        let back: Timestamp = serde_json::from_value(json).unwrap();
        assert_eq!(back, t);
        assert_eq!(back.to_string(), text);
        // Re-formatted from the instant (RFC 3339), it reads back as the same instant.
        let formatted = Timestamp::from(t.offset_date_time());
        let reread: Timestamp = formatted.to_string().parse().unwrap();
        assert_eq!(reread, t, "{text} -> {formatted}");
    }
}

#[test]
fn timestamps_keep_microseconds_offsets_and_compare_by_instant() {
    let t: Timestamp = "2019-11-04T11:04:13.014979".parse().unwrap();
    let odt = t.offset_date_time();
    assert_eq!(odt.nanosecond(), 14_979_000);
    assert_eq!(odt.offset().whole_seconds(), 0);
    let shifted: Timestamp = "2024-01-02T03:04:05.5-04:00".parse().unwrap();
    assert_eq!(shifted.offset_date_time().offset().whole_hours(), -4);
    assert_eq!(shifted.offset_date_time().nanosecond(), 500_000_000);
    let utc: Timestamp = "2024-01-02T07:04:05.5Z".parse().unwrap();
    assert_eq!(shifted, utc);

    // The same instant written three ways is one value, one hash.
    let forms = [
        "2019-11-04T11:04:13.014979",
        "2019-11-04T11:04:13.014979+00:00",
        "2019-11-04T11:04:13.014979Z",
        "2019-11-04T12:04:13.014979+01:00",
    ];
    let set: HashSet<Timestamp> = forms.iter().map(|s| s.parse().unwrap()).collect();
    assert_eq!(set.len(), 1);

    // Ordered to the microsecond, across forms.
    let mut mixed: Vec<Timestamp> = [
        "2019-11-04T11:04:13.014980",
        "2019-11-04T11:04:13.014979+00:00",
        "0001-01-01T00:00:00",
        "2019-11-04T06:04:13.014981-05:00",
    ]
    .iter()
    .map(|s| s.parse().unwrap())
    .collect();
    mixed.sort();
    let order: Vec<String> = mixed.iter().map(ToString::to_string).collect();
    assert_eq!(
        order,
        [
            "0001-01-01T00:00:00",
            "2019-11-04T11:04:13.014979+00:00",
            "2019-11-04T11:04:13.014980",
            "2019-11-04T06:04:13.014981-05:00"
        ]
    );
    assert_eq!(
        "2021-07-13T11:36:04.905000+00:00"
            .parse::<Timestamp>()
            .unwrap()
            .unix_timestamp(),
        1_626_176_164
    );
}

#[test]
fn whole_real_objects_round_trip_with_every_timestamp_form() {
    // Users (offset forms), roles (naive year 1), an organization (offset and naive nested).
    for user in real_users() {
        let u: User = round_trips(&user);
        assert!(u.date_created.is_some());
    }
    for role in [
        corpus("role/airbyte-role-admin.json"),
        corpus("role/airbyte-role-restricted-user.json"),
    ] {
        let r: RoleDefinition = round_trips(&role);
        let created = r.date_created.unwrap();
        assert!(created.is_naive());
        assert_eq!(created.offset_date_time().year(), 1);
    }
    let _: close_sdk::types::Organization = round_trips(&corpus(
        "organization/closex-mock-organization-2013-docs.json",
    ));
    let _: close_sdk::types::Organization =
        round_trips(&corpus("organization/closex-organization-memberships.json"));
    // A user whose timestamps are in the other real forms (naive, Z) keeps them as sent.
    let mut user = corpus("user/closex-user-list-item.json");
    user["date_created"] = json!("2017-10-30T10:52:43.770000");
    user["date_updated"] = json!("2017-12-18T03:16:07.701Z");
    let u: User = round_trips(&user);
    assert!(u.date_created.as_ref().unwrap().is_naive());
    assert!(u.date_created < u.date_updated);
}

#[test]
fn dates_parse_compare_and_round_trip() {
    let d: Date = "2024-02-29".parse().unwrap();
    assert_eq!((d.year(), d.month(), d.day()), (2024, 2, 29));
    assert_eq!(d.to_string(), "2024-02-29");
    assert_eq!(serde_json::to_value(&d).unwrap(), json!("2024-02-29"));
    let back: Date = serde_json::from_value(json!("2024-02-29")).unwrap();
    assert_eq!(back, d);
    // A date-time is read as its date and keeps its text.
    let from_time: Date = "2021-07-15T00:00:00+00:00".parse().unwrap();
    assert_eq!(from_time, Date::new(2021, 7, 15).unwrap());
    assert_eq!(from_time.to_string(), "2021-07-15T00:00:00+00:00");
    assert!(Date::new(2021, 7, 15).unwrap() < d);
    assert!("2023-02-29".parse::<Date>().is_err());
    assert!(Date::new(2023, 2, 29).is_none());
}

// ---------------------------------------------------------------------------------------------
// Admin rows, offboarding, role changes, waits
// ---------------------------------------------------------------------------------------------

/// A mock answering every `POST /membership/` whose role is `admin` with Close's 403.
async fn refuse_admin(server: &MockServer) -> httpmock::Mock<'_> {
    server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/membership/")
                .json_body_includes(json!({"role_id": "admin"}).to_string());
            then.status(403)
                .json_body(json!({"error": "You can't do that."}));
        })
        .await
}

#[tokio::test]
async fn an_admin_row_reaches_close_and_its_403_quotes_the_documented_reason() {
    tokio::time::timeout(LIMIT, async {
        let server = MockServer::start_async().await;
        let refused = refuse_admin(&server).await;
        let client = client(&server).unwrap();
        let rows = vec![("boss@salesteam.com".to_string(), Role::Admin)];
        let outcomes: Vec<_> = client.provision_memberships(rows, 1).collect().await;
        assert_eq!(outcomes.len(), 1);
        let e = outcomes.into_iter().next().unwrap().result.unwrap_err();
        assert_eq!(e.status().map(|s| s.as_u16()), Some(403));
        let shown = e.to_string();
        assert!(shown.contains("manage_organization"), "{shown}");
        refused.assert_calls_async(1).await;
    })
    .await
    .unwrap();
}

/// Found in round 9: `provision_memberships`'s docs said a role Close refuses on create fails
/// without a request, against GUIDE and the code (every role is sent as asked; Close's refusal
/// is the row's error). The docs now say what the code does.
#[tokio::test]
async fn provision_memberships_sends_every_role_and_reports_closes_refusal() {
    tokio::time::timeout(LIMIT, async {
        let server = MockServer::start_async().await;
        let refused = refuse_admin(&server).await;
        let client = client(&server).unwrap();
        let rows = vec![("boss@salesteam.com".to_string(), Role::Admin)];
        let outcomes: Vec<_> = client.provision_memberships(rows, 1).collect().await;
        assert!(outcomes[0].result.is_err());
        // Sent as asked; Close's refusal is the row's error.
        refused.assert_calls_async(1).await;
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn the_readme_error_line_is_what_a_400_from_create_membership_shows() {
    tokio::time::timeout(LIMIT, async {
        let server = MockServer::start_async().await;
        server
            .mock_async(|when, then| {
                when.method(POST).path("/membership/");
                then.status(400).json_body(json!({
                    "error": "",
                    "errors": [],
                    "field-errors": {"email": "Enter a valid email address."}
                }));
            })
            .await;
        let e = client(&server)
            .unwrap()
            .create_membership("john@salesteam.com", Role::User)
            .await
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "400 Bad Request from memberships_create (POST /membership/): email: Enter a valid email address."
        );
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn offboarding_and_bulk_role_changes_on_real_membership_ids() {
    tokio::time::timeout(LIMIT, async {
        let server = MockServer::start_async().await;
        let org = corpus("organization/closex-mock-organization-2013-docs.json");
        let ids: Vec<String> = org["memberships"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["id"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(ids.len(), 3);
        let delete = server
            .mock_async(|when, then| {
                when.method(DELETE).path_includes("/membership/memb_");
                then.status(204);
            })
            .await;
        let bulk = server
            .mock_async(|when, then| {
                when.method(PUT)
                    .path("/membership/")
                    .json_body_includes(json!({"role_id": "superuser"}).to_string());
                then.status(200)
                    .json_body(response_example("put", "/membership/"));
            })
            .await;
        let client = client(&server).unwrap();

        let mut gone: Vec<_> = client
            .deactivate_memberships(ids.clone(), 2)
            .collect()
            .await;
        gone.sort_by_key(|o| o.index);
        assert_eq!(gone.len(), 3);
        assert!(gone.iter().all(|o| o.result.is_ok()), "{gone:?}");
        delete.assert_calls_async(3).await;

        let chunks = client.bulk_update_roles(&ids, Role::Superuser, 2).await;
        assert_eq!(chunks.len(), 2);
        assert_eq!(chunks[0].ids, ids[..2]);
        assert_eq!(chunks[1].ids, ids[2..]);
        for c in &chunks {
            assert_eq!(*c.result.as_ref().unwrap(), 2, "Close's documented count");
        }
        bulk.assert_calls_async(2).await;
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn a_429_asking_for_an_hour_fails_at_once_as_server_wait_too_long() {
    tokio::time::timeout(LIMIT, async {
        let server = MockServer::start_async().await;
        let limited = server
            .mock_async(|when, then| {
                when.method(GET).path("/user/");
                then.status(429)
                    .header("retry-after", "3600")
                    .json_body(json!({"error": "API rate limit exceeded."}));
            })
            .await;
        // The default retry policy: a 429 is retried after the wait Close asks for, unless that
        // wait is over `max_server_wait` (60 s).
        let client = Client::builder()
            .api_key("api_newcomer")
            .base_url(server.base_url())
            .build()
            .unwrap();
        let started = std::time::Instant::now();
        let e = client.all_users().await.unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(5));
        match &e {
            close_sdk::Error::ServerWaitTooLong { requested, .. } => {
                assert_eq!(*requested, Duration::from_secs(3600));
            }
            other => panic!("expected ServerWaitTooLong, got {other:?}"),
        }
        assert_eq!(e.status().map(|s| s.as_u16()), Some(429));
        limited.assert_calls_async(1).await;
    })
    .await
    .unwrap();
}

/// Found in round 9 (fixed: `pub use time;`). README ("Install") and the crate docs: "The types
/// close-sdk's API takes from other crates are
/// re-exported (…), so naming them needs no dependency of your own, and no version to keep in
/// step." `Timestamp` and `Date` take and give `time`'s types (`From<time::OffsetDateTime>`,
/// `offset_date_time()`, `TryFrom<time::Date>`, `to_time_date()`, `DateOrTimestamp:
/// From<OffsetDateTime>`), but `time` is not re-exported: a provisioning tool that stamps
/// "now" (`Timestamp::from(OffsetDateTime::now_utc())`) must add `time = "0.3"` itself and keep
/// it in step. The fix is a `pub use time;` in `close-sdk/src/lib.rs` (next to `http`, `reqwest`)
/// and its mention in README/lib.rs docs. Checked on the public surface file CI keeps.
#[test]
fn every_foreign_crate_in_the_timestamp_api_is_re_exported() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let api = std::fs::read_to_string(root.join("close-sdk-api.txt")).unwrap();
    let lib = std::fs::read_to_string(root.join("close-sdk/src/lib.rs")).unwrap();
    let uses_time = api
        .lines()
        .any(|l| l.contains("time :: ") || l.contains("OffsetDateTime"));
    assert!(uses_time, "the public surface names `time`'s types");
    assert!(
        lib.lines().any(|l| l.trim() == "pub use time;"),
        "close_sdk::time is not re-exported: users must depend on `time` themselves"
    );
}
