//! The Memberships part of [`super::MockClose`]: ids in Close's format, the email and role echoed
//! back, `{count}` for bulk updates, and a 400 with `field-errors` for an invalid email or role.

use std::sync::atomic::{AtomicU64, Ordering};

use httpmock::{HttpMockRequest, HttpMockResponse};
use serde_json::{json, Value};

use super::{body, close_id, field_error, json_response, path_id, seed_of, MOCK_ORGANIZATION_ID};
use crate::{EmailAddress, Role};

/// Answers a Memberships operation (`None`: `op` is not one).
pub(super) fn handle(
    op: &str,
    req: &HttpMockRequest,
    counter: &AtomicU64,
) -> Option<HttpMockResponse> {
    Some(match op {
        "memberships_create" => create(req, counter),
        "memberships_update" => update(req),
        "memberships_bulk_update" => bulk_update(req),
        "memberships_delete" => HttpMockResponse::builder().status(200).build(),
        "memberships_get_pinned_views" => json_response(
            200,
            &json!({"saved_view_ids": ["save_LCt6QxYsDbdJfMiIkLjBFJBkJTwS9TufXu3nSkHopXM"]}),
        ),
        "memberships_update_pinned_views" => match body(req) {
            Some(v) if v.get("saved_view_ids").is_some_and(Value::is_array) => {
                json_response(200, &v)
            }
            _ => field_error("saved_view_ids", "This field is required."),
        },
        _ => return None,
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
