//! Shared fixtures for close-sdk's integration tests: Close's documented examples and clients
//! pointed at loopback servers.

pub mod conformance;
pub mod event_log;
pub mod hostile_server;
pub mod loopback_server;
pub mod pages;
pub mod resources;

use close_sdk::Client;
use httpmock::MockServer;
use serde_json::{json, Value};

/// The API key the tests use, and its `Authorization` header (`base64("test-key:")`).
pub const API_KEY: &str = "test-key";
/// `Basic base64("test-key:")`.
pub const BASIC_AUTH: &str = "Basic dGVzdC1rZXk6";
/// The bearer token the tests use.
pub const TOKEN: &str = "test-token";

/// Everything a caller or a log line can see of an error: its `Display`, its `Debug` and those
/// of every error in its source chain (what a secrets test searches).
pub fn shown<E: std::error::Error + 'static>(e: &E) -> String {
    let mut out = format!("{e}\n{e:?}");
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(&format!("\n{s}\n{s:?}"));
        source = s.source();
    }
    out
}

/// A client authenticating with [`API_KEY`] against `server`.
pub fn api_key_client(server: &MockServer) -> Client {
    Client::builder()
        .api_key(API_KEY)
        .base_url(server.base_url())
        .timeout(std::time::Duration::from_secs(5))
        .build()
        .expect("test client")
}

/// Like [`api_key_client`], with retries off: each call makes exactly one request.
pub fn no_retry_client(server: &MockServer) -> Client {
    api_key_client(server).with_retry_policy(close_sdk::RetryPolicy::none())
}

/// A client authenticating with the bearer [`TOKEN`] against `server`.
pub fn bearer_client(server: &MockServer) -> Client {
    Client::builder()
        .bearer_token(TOKEN)
        .base_url(format!("{}/", server.base_url()))
        .timeout(std::time::Duration::from_secs(5))
        .build()
        .expect("test client")
}

/// The create-membership response example from Close's docs and spec (all 14 fields).
pub fn created_membership() -> Value {
    json!({
        "auto_record_calls": "unset",
        "default_caller_id": null,
        "hangup_recording_url": null,
        "id": "memb_JPCqDJq0AmoZFhemXAWrWk9327DqfJgUF2VGPMOL4Lp",
        "is_free": false,
        "may_workflows_impersonate": false,
        "onboarding_status": "in-progress",
        "organization_id": "orga_RbREgmiiwcr1w2b4cOnCMQaQPSIFxMqAD2Dh243uxcH",
        "permissions_granted": [
            "bulk_email", "bulk_import", "bulk_sequence_subscriptions", "calling", "delete_leads",
            "delete_own_activities", "delete_own_opportunities", "delete_own_tasks",
            "manage_others_activities", "manage_others_opportunities", "manage_others_tasks",
            "merge_leads", "view_all_leads"
        ],
        "primary_personal_number": null,
        "role": "user",
        "role_id": "user",
        "track_email_opens": true,
        "user_id": "user_N6KhMpzHRCYQHdn4gRNIFNN5JExnsrprKA6ekxM63XA"
    })
}

/// The update-membership response example from Close's spec (shorter, with `plan_type`).
pub fn updated_membership() -> Value {
    json!({
        "auto_record_calls": "enabled",
        "id": "memb_SLfZq4IU5E2nBA3PBzHFsi1HUv98cPmGUIZGlWK7Z3y",
        "organization_id": "orga_RbREgmiiwcr1w2b4cOnCMQaQPSIFxMqAD2Dh243uxcH",
        "permissions_granted": [
            "bulk_delete", "bulk_edit", "export", "manage_customizations", "manage_group_numbers",
            "manage_organization", "manage_team_smart_views"
        ],
        "plan_type": "enterprise",
        "primary_personal_number": "phon_nm67bxYRTJUZNOXflc1I3bBadd0PbQvvui1byxCwK7k",
        "role_id": "role_y6eLquXvRUdmwqi61tsmgCJUU7uGfxaRbDuLoONZL9p",
        "user_id": "user_A3HwmEOcDLL8ilFx8QKcYEuKDtRPtBuQ68PctqwMqtP"
    })
}

/// The custom role id in Close's examples.
pub const CUSTOM_ROLE: &str = "role_y6eLquXvRUdmwqi61tsmgCJUU7uGfxaRbDuLoONZL9p";

/// The pinned-views example from Close's spec.
pub fn pinned_views() -> Vec<&'static str> {
    vec![
        "save_LCt6QxYsDbdJfMiIkLjBFJBkJTwS9TufXu3nSkHopXM",
        "save_Ova4RKAzzFWejVEMUpDBFzB4YV3ObgCJUY1TpDK0ZGa",
        "save_Ova689zHHpAVwvHthafS1NOatGFYsBGtyKxFt7Ujg7t",
    ]
}
