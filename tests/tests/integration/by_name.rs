//! By-name lookups on the handles over real HTTP: found (trimmed, case-sensitive), not found,
//! ambiguous (an error with the ids, never a pick), a blank name refused with nothing sent;
//! every page read where the list pages; users by email case-insensitively.

use std::future::Future;
use std::time::Duration;

use close_sdk::Error;
use close_sdk_tests::resources::*;
use close_sdk_tests::*;
use httpmock::prelude::*;
use serde_json::{json, Value};

/// Every lookup must finish well within this.
const LIMIT: Duration = Duration::from_secs(10);

async fn bounded<T>(f: impl Future<Output = T>) -> T {
    tokio::time::timeout(LIMIT, f)
        .await
        .expect("the lookup did not finish in time")
}

/// Four items whose `member` is "Alpha", " Twin", "Twin " and "alpha" (ids `x_a` … `x_d`).
fn named_items(member: &str) -> Vec<Value> {
    [
        ("x_a", "Alpha"),
        ("x_b", " Twin"),
        ("x_c", "Twin "),
        ("x_d", "alpha"),
    ]
    .iter()
    .map(|(id, name)| json!({ "id": id, member: name }))
    .collect()
}

/// One test per lookup: `$path` serves the four items (one page), `$lookup` is the call.
macro_rules! lookup_test {
    ($test:ident, $path:literal, $member:literal, |$client:ident, $name:ident| $lookup:expr) => {
        #[tokio::test]
        async fn $test() {
            let server = MockServer::start_async().await;
            let mock = server
                .mock_async(|when, then| {
                    when.method(GET).path($path);
                    then.status(200)
                        .json_body(page(&named_items($member), false));
                })
                .await;
            let $client = api_key_client(&server);

            let $name = " Alpha ";
            let found = bounded($lookup).await.unwrap().expect("Alpha is there");
            assert_eq!(found.id.as_deref(), Some("x_a"));

            let $name = "Beta";
            assert!(bounded($lookup).await.unwrap().is_none());

            let $name = "Twin";
            match bounded($lookup).await {
                Err(Error::Ambiguous {
                    name, count, ids, ..
                }) => {
                    assert_eq!((name.as_str(), count), ("Twin", 2));
                    assert_eq!(ids, ["x_b", "x_c"]);
                }
                other => panic!("expected Ambiguous, got {other:?}"),
            }
            mock.assert_calls_async(3).await;

            for blank in ["", "  \t"] {
                let $name = blank;
                assert!(matches!(
                    bounded($lookup).await,
                    Err(Error::InvalidRequest(_))
                ));
            }
            // A blank name sent nothing.
            mock.assert_calls_async(3).await;
        }
    };
}

lookup_test!(
    opportunity_status_by_label,
    "/status/opportunity/",
    "label",
    |c, n| c.opportunity_statuses().by_name(n)
);
lookup_test!(lead_status_by_label, "/status/lead/", "label", |c, n| c
    .lead_statuses()
    .by_name(n));
lookup_test!(pipeline_by_name, "/pipeline/", "name", |c, n| c
    .pipelines()
    .by_name(n));
lookup_test!(role_by_name, "/role/", "name", |c, n| c.roles().by_name(n));
lookup_test!(group_by_name, "/group/", "name", |c, n| c
    .groups()
    .by_name(n));
lookup_test!(smart_view_by_name, "/saved_search/", "name", |c, n| c
    .smart_views()
    .by_name(n));
lookup_test!(
    custom_activity_type_by_name,
    "/custom_activity/",
    "name",
    |c, n| c.custom_activity_types().by_name(n)
);
lookup_test!(outcome_by_name, "/outcome/", "name", |c, n| c
    .outcomes()
    .by_name(n));
lookup_test!(
    lead_custom_field_by_name,
    "/custom_field/lead/",
    "name",
    |c, n| c.custom_fields().lead().by_name(n)
);
lookup_test!(
    contact_custom_field_by_name,
    "/custom_field/contact/",
    "name",
    |c, n| c.custom_fields().contact().by_name(n)
);
lookup_test!(
    opportunity_custom_field_by_name,
    "/custom_field/opportunity/",
    "name",
    |c, n| c.custom_fields().opportunity().by_name(n)
);
lookup_test!(
    activity_custom_field_by_name,
    "/custom_field/activity/",
    "name",
    |c, n| c.custom_fields().activity().by_name(n)
);
lookup_test!(
    custom_object_custom_field_by_name,
    "/custom_field/custom_object_type/",
    "name",
    |c, n| c.custom_fields().custom_object().by_name(n)
);
lookup_test!(
    shared_custom_field_by_name,
    "/custom_field/shared/",
    "name",
    |c, n| c.custom_fields().shared().by_name(n)
);
lookup_test!(
    email_template_by_name,
    "/email_template/",
    "name",
    |c, n| c.email_templates().by_name(n)
);
lookup_test!(sms_template_by_name, "/sms_template/", "name", |c, n| c
    .sms_templates()
    .by_name(n));

#[tokio::test]
async fn a_paged_list_is_read_to_its_last_page() {
    let server = MockServer::start_async().await;
    let mut roles: Vec<Value> = (0..250)
        .map(|i| json!({"id": format!("role_{i}"), "name": format!("Role {i}")}))
        .collect();
    roles.push(json!({"id": "role_last", "name": "Sales Rep"}));
    let pages = mock_pages(&server, "/role/", &roles, 100).await;
    let client = api_key_client(&server);
    let rep = bounded(client.roles().by_name("Sales Rep"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(rep.id.as_deref(), Some("role_last"));
    assert_eq!(pages.len(), 3);
    for p in &pages {
        p.assert_calls_async(1).await;
    }
}

#[tokio::test]
async fn a_one_request_list_that_says_there_is_more_is_refused() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/pipeline/");
            then.status(200)
                .json_body(page(&[json!({"id": "pipe_1", "name": "Other"})], true));
        })
        .await;
    let err = bounded(api_key_client(&server).pipelines().by_name("Sales"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidResponse(_)), "{err}");
}

#[tokio::test]
async fn a_failed_page_is_the_lookups_error() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/group/");
            then.status(500).json_body(json!({"error": "boom"}));
        })
        .await;
    let err = bounded(no_retry_client(&server).groups().by_name("Support"))
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500), "{err}");
}

#[tokio::test]
async fn users_are_found_by_email_case_insensitively_over_every_page() {
    let server = MockServer::start_async().await;
    let mut all = users(5);
    all.push(json!({"id": "user_gob", "email": "Gob@Bluth.example"}));
    let pages = mock_pages(&server, "/user/", &all, 100).await;
    let client = api_key_client(&server);
    let gob = bounded(client.users().by_email("  gob@BLUTH.EXAMPLE "))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(gob.id.as_deref(), Some("user_gob"));
    assert!(bounded(client.users().by_email("buster@bluth.example"))
        .await
        .unwrap()
        .is_none());
    pages[0].assert_calls_async(2).await;

    for bad in ["", "   ", "gob"] {
        assert!(matches!(
            bounded(client.users().by_email(bad)).await,
            Err(Error::InvalidRequest(_))
        ));
    }
    // Refused input sent nothing.
    pages[0].assert_calls_async(2).await;
}

#[tokio::test]
async fn two_users_whose_emails_differ_only_in_case_are_ambiguous() {
    let server = MockServer::start_async().await;
    let twins = [
        json!({"id": "user_1", "email": "gob@bluth.example"}),
        json!({"id": "user_2", "email": "GOB@bluth.example"}),
    ];
    server
        .mock_async(|when, then| {
            when.method(GET).path("/user/");
            then.status(200).json_body(page(&twins, false));
        })
        .await;
    let err = bounded(
        api_key_client(&server)
            .users()
            .by_email("gob@bluth.example"),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&err, Error::Ambiguous { count: 2, ids, .. } if ids == &["user_1", "user_2"]),
        "{err:?}"
    );
    assert!(err.to_string().contains("2 users match"), "{err}");
}

/// `memberships().by_user` and `.by_email` over `GET /organization/{id}/`: one request per
/// lookup, active memberships only (an inactive one is `None`), blank input refused with nothing
/// sent.
#[tokio::test]
async fn memberships_are_found_by_user_and_by_email_on_the_organization() {
    let server = MockServer::start_async().await;
    let org = json!({
        "id": "orga_1",
        "memberships": [
            {"id": "memb_a", "user_id": "user_a", "user_email": "Gob@Bluth.example"},
            {"id": "memb_b", "user_id": "user_b", "user_email": "lucille@bluth.example"},
        ],
        "inactive_memberships": [
            {"id": "memb_c", "user_id": "user_c", "user_email": "buster@bluth.example"},
        ],
    });
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path("/organization/orga_1/");
            then.status(200).json_body(org.clone());
        })
        .await;
    let client = api_key_client(&server);
    let m = client.memberships();

    let b = bounded(m.by_user("orga_1", " user_b ")).await.unwrap();
    assert_eq!(b.and_then(|b| b.id).as_deref(), Some("memb_b"));
    let a = bounded(m.by_email("orga_1", "gob@bluth.EXAMPLE"))
        .await
        .unwrap();
    assert_eq!(a.and_then(|a| a.id).as_deref(), Some("memb_a"));
    assert!(bounded(m.by_user("orga_1", "user_c"))
        .await
        .unwrap()
        .is_none());
    assert!(bounded(m.by_email("orga_1", "buster@bluth.example"))
        .await
        .unwrap()
        .is_none());
    mock.assert_calls_async(4).await;

    for (org, user) in [("", "user_a"), ("orga_1", " "), ("  ", "")] {
        assert!(matches!(
            bounded(m.by_user(org, user)).await,
            Err(Error::InvalidRequest(_))
        ));
    }
    for (org, email) in [("orga_1", "gob"), ("orga_1", ""), ("", "gob@bluth.example")] {
        assert!(matches!(
            bounded(m.by_email(org, email)).await,
            Err(Error::InvalidRequest(_))
        ));
    }
    mock.assert_calls_async(4).await;
}

/// Every `by_name` is in the public surface snapshot (`cargo xtask api` reads the methods: they
/// are written out, not made by a macro it cannot expand).
#[test]
fn every_by_name_is_in_the_public_surface() {
    let surface =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../close-sdk-api.txt"))
            .expect("close-sdk-api.txt");
    let lookups: Vec<&str> = surface
        .lines()
        .filter_map(|l| l.split('\t').next())
        .filter(|k| k.ends_with("::by_name"))
        .collect();
    for handle in [
        "OpportunityStatuses",
        "CustomFieldsShared",
        "EmailTemplates",
        "SmsTemplates",
    ] {
        assert!(
            lookups.iter().any(|k| k.contains(&format!(" {handle} <"))),
            "{handle}::by_name missing: {lookups:?}"
        );
    }
    assert_eq!(lookups.len(), 16, "{lookups:?}");
}
