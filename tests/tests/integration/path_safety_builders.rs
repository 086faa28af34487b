//! Path safety through the generated builders: ids that would move a request elsewhere.

// The extension traits' old names, deprecated where a handle call does the same, keep
// working: these tests call them on purpose.
#![allow(deprecated)]

use std::time::Duration;

use close_sdk::prelude::*;
use close_sdk::RetryPolicy;
use close_sdk_tests::loopback_server::{LoopbackServer, Reply};
use close_sdk_tests::API_KEY;

/// progenitor's `encode_path` leaves `\` alone and the URL parser reads it as `/`, so a builder
/// id `memb_x\..\memb_victim` becomes `/membership/memb_x/../memb_victim/` and then
/// `/membership/memb_victim/`, which has the template's shape: `pre` cannot tell it from a plain
/// id (the module docs of `transport::path_safety` name the gap). The `DELETE` reaches another
/// membership than the id given. The extension trait refuses the same value.
#[tokio::test]
async fn attack_a_builder_id_cannot_retarget_another_resource() {
    let server = LoopbackServer::start(|_| Reply::json(200, &serde_json::json!({}))).await;
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(server.base_url())
        .timeout(Duration::from_secs(5))
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("test client");
    let hostile = "memb_from_csv\\..\\memb_victim";
    let by_trait = client.delete_membership(hostile).await;
    assert!(
        matches!(by_trait, Err(Error::InvalidRequest(_))),
        "{by_trait:?}"
    );
    let by_builder = client.memberships_delete().id(hostile).send().await;
    let lines = server.request_lines();
    assert!(
        !lines
            .iter()
            .any(|l| l.contains("memb_victim") && !l.contains("memb_from_csv")),
        "the builder's DELETE reached another membership: {lines:?} ({:?})",
        by_builder.map(|r| r.status())
    );
}
