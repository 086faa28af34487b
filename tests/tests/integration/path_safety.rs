//! Hostile ids never leave their path segment: for every operation with a path parameter that
//! has an extension-trait method, through the trait and the generated builder, against a
//! loopback server that records every request line. Each case is refused before sending (the
//! server saw nothing) or arrives as one request at the operation's own path, the value in its
//! own segment. (Every other generated operation shares the same request path; the proptest
//! `a_checked_url_carries_each_value_in_its_segment` in `transport::path_safety` runs every
//! template of the operation table through the generated code's encoder and the check.)

// The extension traits' old names, deprecated where a handle call does the same, keep
// working: these tests call them on purpose.
#![allow(deprecated)]

use std::time::Duration;

use close_sdk::prelude::*;
use close_sdk::types::{PinnedViews, UpdateMembership, UpdateOrganization, UpdateRole};
use close_sdk::RetryPolicy;
use close_sdk_tests::loopback_server::{LoopbackServer, Reply};
use close_sdk_tests::API_KEY;
use proptest::prelude::*;

/// The generated operation table, read from its source so this test grows with it.
const OPERATION_TABLE: &str = include_str!("../../../close-sdk/src/generated/operations.rs");

/// An operation from the table.
#[derive(Debug, Clone)]
struct Operation {
    id: String,
    method: String,
    template: String,
}

impl Operation {
    /// The parameter names, in path order.
    fn params(&self) -> Vec<&str> {
        self.template
            .split('/')
            .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
            .collect()
    }
}

/// The operations with a path parameter that the extension traits call.
const WITH_TRAIT_METHODS: [&str; 15] = [
    "groups_add_member",
    "groups_delete",
    "groups_get",
    "groups_remove_member",
    "groups_update",
    "memberships_delete",
    "memberships_get_pinned_views",
    "memberships_update",
    "memberships_update_pinned_views",
    "organizations_get",
    "organizations_update",
    "roles_delete",
    "roles_get",
    "roles_update",
    "users_get",
];

/// Every operation with a path parameter and an extension-trait method, from the generated
/// table (`Operation { id: "…", method: "…", path: "…", … }` rows).
fn operations_with_path_params() -> Vec<Operation> {
    let field = |row: &str, name: &str| -> Option<String> {
        let start = row.find(&format!("{name}: \""))? + name.len() + 3;
        let len = row[start..].find('"')?;
        Some(row[start..start + len].to_string())
    };
    let rows: Vec<Operation> = OPERATION_TABLE
        .lines()
        .filter(|l| l.trim().starts_with("Operation {"))
        .filter_map(|row| {
            Some(Operation {
                id: field(row, "id")?,
                method: field(row, "method")?,
                template: field(row, "path")?,
            })
        })
        .collect();
    let expected_rows = OPERATION_TABLE
        .lines()
        .filter(|l| l.trim().starts_with("Operation {"))
        .count();
    assert_eq!(rows.len(), expected_rows, "every table row parses");
    let with_params: Vec<Operation> = rows
        .into_iter()
        .filter(|o| !o.params().is_empty() && WITH_TRAIT_METHODS.contains(&o.id.as_str()))
        .collect();
    assert_eq!(
        with_params.len(),
        WITH_TRAIT_METHODS.len(),
        "{with_params:?}"
    );
    with_params
}

/// The hostile classes of the issue, each a few spellings.
fn hostile_values() -> Vec<String> {
    let mut v: Vec<String> = [
        // Dot segments and their percent-encoded spellings.
        ".",
        "..",
        "%2e",
        "%2E",
        ".%2e",
        "%2E.",
        "%2e%2E",
        "%252e",
        "%252e%252e",
        "...",
        // Backslashes (a separator to the URL standard), alone and with dot segments.
        "\\",
        "a\\b",
        "x\\..",
        "\\..",
        "a\\..\\b",
        "..\\..\\membership",
        "a\\.\\b",
        // Query, fragment, path parameters, encoded separators.
        "?",
        "a?b",
        "#",
        "a#b",
        ";",
        "a;b",
        "..;",
        ".;x",
        "%2F",
        "a%2fb",
        "%5C",
        "%3F",
        "%23",
        "a/b",
        "/",
        // NUL and other controls, whitespace.
        "%00",
        "a\u{0}b",
        "\n",
        "a\r\nb",
        "\t",
        "\u{7f}",
        "\u{85}",
        " ",
        "a b",
        "a ",
        // Look-alike Unicode.
        "\u{FF0E}\u{FF0E}",
        "\u{FF0F}",
        "\u{FF3C}",
        "a\u{FF0F}b",
        "\u{FF05}2e",
        "\u{2025}",
        "\u{FE52}",
        "\u{2215}",
        "\u{2044}",
        "\u{200B}",
        "\u{202E}x",
        "é",
        "\u{0131}",
        // Harmless punctuation that stays literal.
        "a.b",
        "a|b[c]^d'e`f{g}h\"<>:@!$&+,=~*()",
        "%",
        "%zz",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    // 10 KB values.
    v.push("a".repeat(10 * 1024));
    v.push("é".repeat(5 * 1024));
    v.push("..\\".repeat(3 * 1024));
    v.push(format!("{}/", "a".repeat(10 * 1024)));
    v
}

/// What a benign value for each parameter looks like.
const BENIGN: &str = "x_JPCqDJq0AmoZFhemXAWrWk9327DqfJgUF2VGPMOL4Lp";

/// A server that answers every request 404, recording its request line.
async fn server() -> (LoopbackServer, Client) {
    let server =
        LoopbackServer::start(|_| Reply::json(404, &serde_json::json!({"error": "Not found"})))
            .await;
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(server.base_url())
        .timeout(Duration::from_secs(5))
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("test client");
    (server, client)
}

/// Sends `op` with `values` (one per path parameter) through its extension trait method.
async fn via_trait(client: &Client, op: &str, v: &[String]) -> Result<(), Error> {
    let first = v[0].as_str();
    let second = v.get(1).map_or(BENIGN, String::as_str);
    match op {
        "groups_add_member" => client.add_group_member(first, BENIGN).await.map(drop),
        "groups_delete" => client.delete_group(first).await,
        "groups_get" => client.get_group(first).await.map(drop),
        "groups_remove_member" => client.remove_group_member(first, second).await,
        "groups_update" => client.rename_group(first, "Sales").await.map(drop),
        "memberships_delete" => client.delete_membership(first).await,
        "memberships_get_pinned_views" => client.pinned_views(first).await.map(drop),
        "memberships_update" => client
            .update_membership(first, UpdateMembership::default())
            .await
            .map(drop),
        "memberships_update_pinned_views" => {
            client.set_pinned_views(first, ["save_1"]).await.map(drop)
        }
        "organizations_get" => client.get_organization(first).await.map(drop),
        "organizations_update" => client
            .update_organization(first, UpdateOrganization::default())
            .await
            .map(drop),
        "roles_delete" => client.delete_role(first).await,
        "roles_get" => client.get_role(first).await.map(drop),
        "roles_update" => client
            .update_role(first, UpdateRole::default())
            .await
            .map(drop),
        "users_get" => client.get_user(first).await.map(drop),
        other => panic!("no extension-trait case for `{other}`: add one to path_safety.rs"),
    }
}

/// Sends `op` with `values` through its generated builder.
async fn via_builder(client: &Client, op: &str, v: &[String]) -> Result<(), Error> {
    let first = v[0].clone();
    let second = v.get(1).cloned().unwrap_or_default();
    let result = match op {
        "groups_add_member" => client
            .groups_add_member()
            .group_id(first)
            .body(close_sdk::types::AddGroupMember {
                user_id: BENIGN.to_string(),
                extra: Default::default(),
            })
            .send()
            .await
            .map(drop),
        "groups_delete" => client.groups_delete().id(first).send().await.map(drop),
        "groups_get" => client.groups_get().id(first).send().await.map(drop),
        "groups_remove_member" => client
            .groups_remove_member()
            .group_id(first)
            .user_id(second)
            .send()
            .await
            .map(drop),
        "groups_update" => client
            .groups_update()
            .id(first)
            .body(close_sdk::types::UpdateGroup {
                name: "Sales".to_string(),
                extra: Default::default(),
            })
            .send()
            .await
            .map(drop),
        "memberships_delete" => client.memberships_delete().id(first).send().await.map(drop),
        "memberships_get_pinned_views" => client
            .memberships_get_pinned_views()
            .id(first)
            .send()
            .await
            .map(drop),
        "memberships_update" => client
            .memberships_update()
            .id(first)
            .body(UpdateMembership::default())
            .send()
            .await
            .map(drop),
        "memberships_update_pinned_views" => client
            .memberships_update_pinned_views()
            .id(first)
            .body(PinnedViews {
                extra: Default::default(),
                saved_view_ids: Some(vec!["save_1".into()]),
            })
            .send()
            .await
            .map(drop),
        "organizations_get" => client.organizations_get().id(first).send().await.map(drop),
        "organizations_update" => client
            .organizations_update()
            .id(first)
            .body(UpdateOrganization::default())
            .send()
            .await
            .map(drop),
        "roles_delete" => client.roles_delete().id(first).send().await.map(drop),
        "roles_get" => client.roles_get().id(first).send().await.map(drop),
        "roles_update" => client
            .roles_update()
            .id(first)
            .body(UpdateRole::default())
            .send()
            .await
            .map(drop),
        "users_get" => client.users_get().id(first).send().await.map(drop),
        other => panic!("no builder case for `{other}`: add one to path_safety.rs"),
    };
    result
}

/// `s` with each `%XX` decoded (what a server does with a request target's segment).
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |j: usize| b.get(j).and_then(|c| (*c as char).to_digit(16));
        match (b[i], hex(i + 1), hex(i + 2)) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// How one request arrived, compared with the operation's template.
#[derive(Debug, PartialEq)]
enum Arrival {
    /// Right method, the template's shape, each value in its own segment.
    Exact,
    /// Right method and shape, but a segment does not hold the value that was given.
    ShapeOnly,
    /// Another method or another shape.
    Elsewhere(String),
}

fn arrival(op: &Operation, values: &[String], line: &str) -> Arrival {
    let Some((method, target)) = line.split_once(' ') else {
        return Arrival::Elsewhere(line.into());
    };
    let path = target.split_once('?').map_or(target, |(p, _)| p);
    let got: Vec<&str> = path.split('/').collect();
    let want: Vec<&str> = op.template.split('/').collect();
    if method != op.method || got.len() != want.len() {
        return Arrival::Elsewhere(line.into());
    }
    let mut values = values.iter();
    let mut exact = true;
    for (g, w) in got.iter().zip(&want) {
        if w.starts_with('{') {
            exact &= values.next().is_some_and(|v| percent_decode(g) == *v);
            if g.is_empty() {
                return Arrival::Elsewhere(line.into());
            }
        } else if g != w {
            return Arrival::Elsewhere(line.into());
        }
    }
    if exact {
        Arrival::Exact
    } else {
        Arrival::ShapeOnly
    }
}

/// One case: sends, then checks what the server saw. Returns whether it was sent, and the
/// arrival when it was.
async fn run_case(
    server: &LoopbackServer,
    client: &Client,
    op: &Operation,
    values: &[String],
    builder: bool,
) -> Option<Arrival> {
    let before = server.request_lines().len();
    let result = if builder {
        via_builder(client, &op.id, values).await
    } else {
        via_trait(client, &op.id, values).await
    };
    let lines = server.request_lines();
    let new = &lines[before..];
    match result {
        Err(Error::InvalidRequest(msg)) => {
            assert!(
                new.is_empty(),
                "{} {values:?}: refused but sent {new:?}",
                op.id
            );
            assert!(
                msg.contains(&op.id) && op.params().iter().any(|p| msg.contains(p)),
                "{} {values:?}: the message names neither: {msg}",
                op.id
            );
            None
        }
        Err(Error::Api(api)) if api.status == 404 => {
            assert_eq!(new.len(), 1, "{} {values:?}: {new:?}", op.id);
            Some(arrival(op, values, &new[0]))
        }
        other => panic!("{} {values:?}: unexpected {other:?}", op.id),
    }
}

#[tokio::test]
async fn hostile_ids_are_refused_or_arrive_in_their_own_segment() {
    let (server, client) = server().await;
    let ops = operations_with_path_params();
    let (mut sent, mut refused) = (0, 0);
    for op in &ops {
        let params = op.params();
        // A benign id arrives exactly (so a refusal below is about the value, not the body).
        for builder in [false, true] {
            let benign = vec![BENIGN.to_string(); params.len()];
            assert_eq!(
                run_case(&server, &client, op, &benign, builder).await,
                Some(Arrival::Exact),
                "{} builder={builder}",
                op.id
            );
        }
        for hostile in hostile_values() {
            for position in 0..params.len() {
                let mut values = vec![BENIGN.to_string(); params.len()];
                values[position] = hostile.clone();
                for builder in [false, true] {
                    match run_case(&server, &client, op, &values, builder).await {
                        None => refused += 1,
                        Some(Arrival::Exact) => sent += 1,
                        Some(other) => {
                            panic!("{} {values:?} builder={builder}: {other:?}", op.id)
                        }
                    }
                }
            }
        }
    }
    // Both outcomes happen: harmless punctuation, non-ASCII and 10 KB ids are sent.
    assert!(sent > 0 && refused > 0, "sent {sent}, refused {refused}");
    eprintln!("sent {sent}, refused {refused}");
}

#[tokio::test]
async fn messages_name_the_parameter_and_operation_the_same_way_on_both_paths() {
    let (server, client) = server().await;
    for value in ["%2e%2e", "a;b", "a b", "\u{FF0E}\u{FF0E}", "a/b"] {
        let values = [value.to_string()];
        let by_trait = via_trait(&client, "memberships_update", &values).await;
        let by_builder = via_builder(&client, "memberships_update", &values).await;
        match (by_trait, by_builder) {
            (Err(Error::InvalidRequest(a)), Err(Error::InvalidRequest(b))) => {
                assert_eq!(a, b);
                assert!(a.starts_with("`id` of memberships_update: "), "{a}");
            }
            other => panic!("{value:?}: {other:?}"),
        }
    }
    // A dot segment is resolved by the URL parser before the request path sees it: the builder
    // is refused on the path's shape, still naming the parameter and operation.
    let e = via_builder(&client, "memberships_update", &["..".into()])
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::InvalidRequest(m) if m.contains("`id`") && m.contains("memberships_update")),
        "{e}"
    );
    assert_eq!(server.request_lines(), Vec::<String>::new());
}

#[test]
fn arbitrary_ids_never_yield_a_path_of_another_shape() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let (server, client) = rt.block_on(server());
    let ops = operations_with_path_params();
    let id = prop_oneof![
        any::<String>(),
        "[.%2eE/\\\\?#;a\u{FF0E}\u{0} ]{0,8}",
        proptest::sample::select(hostile_values()),
    ];
    let case = (
        0..ops.len(),
        proptest::collection::vec(id, 2),
        any::<bool>(),
    );
    let config = ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    let mut runner = proptest::test_runner::TestRunner::new(config);
    let started = std::time::Instant::now();
    runner
        .run(&case, |(op, mut values, builder)| {
            let op = &ops[op];
            values.truncate(op.params().len());
            let arrived = rt.block_on(run_case(&server, &client, op, &values, builder));
            match arrived {
                None | Some(Arrival::Exact) => {}
                Some(Arrival::ShapeOnly) => {
                    prop_assert!(
                        false,
                        "{} {values:?} builder={builder}: value damaged",
                        op.id
                    )
                }
                Some(Arrival::Elsewhere(line)) => {
                    prop_assert!(false, "{} {values:?} reached {line}", op.id)
                }
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(started.elapsed() < Duration::from_secs(60));
}
