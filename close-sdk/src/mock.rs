//! Test helpers for code that uses close-sdk (feature `mock`): typed httpmock mocks for every
//! operation, and [`MockClose`], a small stand-in for Close's Memberships API.
//!
//! ```
//! use close_sdk::mock::{MockClose, MockServerExt};
//! use close_sdk::prelude::*;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), close_sdk::Error> {
//! // A typed mock for one operation…
//! let server = httpmock::MockServer::start_async().await;
//! let views = close_sdk::types::PinnedViews { saved_view_ids: vec!["save_1".into()] };
//! let mock = server.memberships_get_pinned_views(|when, then| {
//!     when.id("memb_1");
//!     then.ok(&views);
//! });
//! let client = Client::builder().api_key("test").base_url(server.base_url()).build()?;
//! assert_eq!(client.pinned_views("memb_1").await?, ["save_1"]);
//! mock.assert();
//!
//! // …or a whole mock Close that answers every Memberships operation.
//! let close = MockClose::start().await;
//! let client = Client::builder().api_key("test").base_url(close.base_url()).build()?;
//! let m = client.create_membership("ann@salesteam.com", Role::User).await?;
//! assert!(m.id.starts_with("memb_"));
//! # Ok(()) }
//! ```

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use httpmock::{HttpMockRequest, HttpMockResponse, MockServer};
use serde_json::{json, Value};

pub use crate::generated::httpmock::operations;
pub use crate::generated::httpmock::MockServerExt;
use crate::types::PinnedViews;
use crate::{EmailAddress, Role};

/// The organization every [`MockClose`] membership belongs to (Close's documented example).
pub const MOCK_ORGANIZATION_ID: &str = "orga_RbREgmiiwcr1w2b4cOnCMQaQPSIFxMqAD2Dh243uxcH";

/// A loopback server that answers every Memberships operation the way Close documents it:
/// ids in Close's format, the email and role echoed back, `{count}` for bulk updates, and a
/// 400 with `field-errors` for an invalid email or role. Built on the typed mocks.
pub struct MockClose {
    server: MockServer,
}

impl MockClose {
    /// Starts the server.
    pub async fn start() -> Self {
        let server = MockServer::start_async().await;
        let counter = Arc::new(AtomicU64::new(0));
        server.memberships_create(|_, then| {
            let counter = counter.clone();
            then.into_inner()
                .respond_with(move |req| create(req, &counter));
        });
        server.memberships_update(|_, then| {
            then.into_inner().respond_with(update);
        });
        server.memberships_bulk_update(|_, then| {
            then.into_inner().respond_with(bulk_update);
        });
        server.memberships_delete(|_, then| {
            then.success(200);
        });
        let views = PinnedViews {
            saved_view_ids: vec!["save_LCt6QxYsDbdJfMiIkLjBFJBkJTwS9TufXu3nSkHopXM".into()],
        };
        server.memberships_get_pinned_views(|_, then| {
            then.ok(&views);
        });
        server.memberships_update_pinned_views(|_, then| {
            then.into_inner().respond_with(|req| match body(req) {
                Some(v) if v.get("saved_view_ids").is_some_and(Value::is_array) => {
                    json_response(200, &v)
                }
                _ => field_error("saved_view_ids", "This field is required."),
            });
        });
        MockClose { server }
    }

    /// The base URL to give a [`crate::Client`].
    pub fn base_url(&self) -> String {
        self.server.base_url()
    }

    /// The underlying httpmock server, to add mocks of your own.
    pub fn server(&self) -> &MockServer {
        &self.server
    }
}

fn body(req: &HttpMockRequest) -> Option<Value> {
    serde_json::from_slice(req.body_ref()).ok()
}

fn json_response(status: u16, v: &Value) -> HttpMockResponse {
    HttpMockResponse::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(v.to_string())
        .build()
}

fn field_error(field: &str, message: &str) -> HttpMockResponse {
    json_response(
        400,
        &json!({"errors": [], "field-errors": {field: message}}),
    )
}

/// A Close-style id: prefix, `_`, 43 base62 characters derived from `seed`.
pub fn close_id(prefix: &str, seed: u64) -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut x = seed ^ 0x9E37_79B9_7F4A_7C15;
    let mut id = String::with_capacity(prefix.len() + 44);
    id.push_str(prefix);
    id.push('_');
    for _ in 0..43 {
        // xorshift64*: a fixed, dependency-free sequence per seed.
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        id.push(ALPHABET[(x.wrapping_mul(0x2545_F491_4F6C_DD1D) % 62) as usize] as char);
    }
    id
}

fn seed_of(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn membership(id: &str, user_id: &str, role_id: &str) -> Value {
    json!({
        "auto_record_calls": "unset",
        "default_caller_id": null,
        "hangup_recording_url": null,
        "id": id,
        "is_free": false,
        "may_workflows_impersonate": false,
        "onboarding_status": "in-progress",
        "organization_id": MOCK_ORGANIZATION_ID,
        "permissions_granted": [
            "bulk_email", "bulk_import", "bulk_sequence_subscriptions", "calling", "delete_leads",
            "delete_own_activities", "delete_own_opportunities", "delete_own_tasks",
            "manage_others_activities", "manage_others_opportunities", "manage_others_tasks",
            "merge_leads", "view_all_leads"
        ],
        "primary_personal_number": null,
        "role": role_id.strip_prefix("role_").map_or(role_id, |_| "user"),
        "role_id": role_id,
        "track_email_opens": true,
        "user_id": user_id,
    })
}

fn create(req: &HttpMockRequest, counter: &AtomicU64) -> HttpMockResponse {
    let Some(v) = body(req) else {
        return field_error("email", "This field is required.");
    };
    let email = v.get("email").and_then(Value::as_str).unwrap_or_default();
    if email.parse::<EmailAddress>().is_err() {
        return field_error("email", "Enter a valid email address.");
    }
    let role = v.get("role_id").and_then(Value::as_str).unwrap_or_default();
    match role.parse::<Role>() {
        Err(_) => field_error("role_id", "Invalid role."),
        Ok(r) if r.grants_manage_organization() => json_response(
            403,
            &json!({"error": "The requested role grants the manage_organization permission."}),
        ),
        Ok(_) => {
            let n = counter.fetch_add(1, Ordering::Relaxed);
            let user = close_id("user", seed_of(email));
            json_response(
                200,
                &membership(&close_id("memb", seed_of(email) ^ n), &user, role),
            )
        }
    }
}

fn path_id(req: &HttpMockRequest) -> String {
    req.uri()
        .path()
        .trim_matches('/')
        .split('/')
        .nth(1)
        .unwrap_or_default()
        .to_string()
}

fn update(req: &HttpMockRequest) -> HttpMockResponse {
    let Some(Value::Object(changes)) = body(req) else {
        return field_error("", "Expected an object.");
    };
    let id = path_id(req);
    let mut m = membership(&id, &close_id("user", seed_of(&id)), "user");
    if let Some(role) = changes.get("role_id").and_then(Value::as_str) {
        if role.parse::<Role>().is_err() {
            return field_error("role_id", "Invalid role.");
        }
    }
    for (k, v) in changes {
        m[k] = v;
    }
    json_response(200, &m)
}

fn bulk_update(req: &HttpMockRequest) -> HttpMockResponse {
    let ids = body(req)
        .and_then(|v| {
            v.pointer("/_params/id__in")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .unwrap_or_default();
    if ids.is_empty() {
        return field_error("_params", "id__in is required.");
    }
    json_response(200, &json!({"count": ids.split(',').count()}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_look_like_closes() {
        let id = close_id("memb", 7);
        assert!(id.starts_with("memb_") && id.len() == 48, "{id}");
        assert!(id[5..].chars().all(|c| c.is_ascii_alphanumeric()));
        assert_eq!(close_id("memb", 7), id);
        assert_ne!(close_id("memb", 8), id);
    }
}
