//! The Memberships part of [`super::MockClose`], kept in memory: ids in Close's format, the
//! email and role echoed back, `{count}` for bulk updates, and a 400 with `field-errors` for an
//! invalid email or role. The organization (`GET`/`PUT /organization/{id}/`) lists the mock's
//! own memberships, so what is created, changed or deleted here is what
//! `memberships().by_user`/`by_email` find.
//!
//! Sources (Close's Memberships and Organizations docs, `openapi/upstream/examples/`):
//! - a new mock's members are the three memberships of the `organizations_get` example, with
//!   their documented ids, emails and names; the example gives all three the same `user_id`,
//!   which Close cannot do (one membership per user and organization), so the first keeps it
//!   ([`super::MOCK_USER_ID`]) and the other two get ids of their own;
//! - `POST /membership/` "ensures an active membership for the given email": an email that
//!   already has one gets it back, not a second one;
//! - `DELETE /membership/{id}/` "deactivates a membership, removing the user from the associated
//!   organization", and a membership "becomes inactive when a User leaves or is removed": it
//!   moves from the organization's `memberships` to its `inactive_memberships`;
//! - the organization's memberships carry "user data prefixed with `user_`" (`user_email`,
//!   `user_full_name`, …), as in the `organizations_get` example.
//!
//! Not documented, the mock's choice: creating a membership for an email whose membership is
//! inactive makes that membership active again; a change to or deletion of an id the mock does
//! not hold is answered as if it did (the membership is made up from the id).

use serde_json::{json, Map, Value};

use httpmock::{HttpMockRequest, HttpMockResponse};

use super::{
    body, close_id, examples, field_error, json_response, path_id, seed_of, MOCK_ORGANIZATION_ID,
    MOCK_USER_ID,
};
use crate::{EmailAddress, Role};

/// The most memberships (active and inactive) the mock holds; a create past it answers 400.
const MAX_MEMBERS: usize = 100_000;

/// The members of a membership the organization lists besides the `user_…` ones (the
/// `organizations_get` example's).
const LISTED: [&str; 5] = [
    "auto_record_calls",
    "id",
    "permissions_granted",
    "role_id",
    "track_email_opens",
];

/// One membership: Close's membership object, and its user's data as the organization lists it.
struct Member {
    membership: Value,
    user: Map<String, Value>,
}

impl Member {
    fn id(&self) -> &str {
        self.membership["id"].as_str().unwrap_or_default()
    }

    fn email(&self) -> Option<&str> {
        self.user.get("user_email").and_then(Value::as_str)
    }

    /// The membership as the organization lists it.
    fn listed(&self) -> Value {
        let mut out = Map::new();
        for key in LISTED {
            if let Some(v) = self.membership.get(key) {
                out.insert(key.to_string(), v.clone());
            }
        }
        out.extend(self.user.clone());
        out.insert("user_id".into(), self.membership["user_id"].clone());
        Value::Object(out)
    }
}

/// The memberships a [`super::MockClose`] holds.
pub(super) struct Members {
    active: Vec<Member>,
    inactive: Vec<Member>,
    created: u64,
}

impl Members {
    /// The members of Close's documented organization (see the module's docs).
    pub(super) fn new() -> Self {
        let mut members = Members {
            active: Vec::new(),
            inactive: Vec::new(),
            created: 0,
        };
        let examples::Documented::Example(_, org) = examples::operation("organizations_get") else {
            return members;
        };
        for (i, listed) in org["memberships"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
        {
            let Some(listed) = listed.as_object() else {
                continue;
            };
            let email = listed
                .get("user_email")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let user_id = if i == 0 {
                MOCK_USER_ID.to_string()
            } else {
                close_id("user", seed_of(email))
            };
            let id = listed.get("id").and_then(Value::as_str).unwrap_or_default();
            let role = listed
                .get("role_id")
                .and_then(Value::as_str)
                .unwrap_or("user");
            let mut m = membership(id, &user_id, role);
            let mut user = Map::new();
            for (k, v) in listed {
                if k.starts_with("user_") && k != "user_id" {
                    user.insert(k.clone(), v.clone());
                } else if LISTED.contains(&k.as_str()) {
                    m[k] = v.clone();
                }
            }
            members.active.push(Member {
                membership: m,
                user,
            });
        }
        members
    }

    fn find_mut(&mut self, id: &str) -> Option<&mut Member> {
        self.active
            .iter_mut()
            .chain(self.inactive.iter_mut())
            .find(|m| m.id() == id)
    }

    /// Close's organization example with the mock's memberships in it.
    fn organization(&self, example: &Value) -> Value {
        let mut org = example.clone();
        org["memberships"] = self.active.iter().map(Member::listed).collect();
        org["inactive_memberships"] = self.inactive.iter().map(Member::listed).collect();
        org
    }
}

/// Answers a Memberships operation, or the organization with its memberships (`None`: `op` is
/// neither).
pub(super) fn handle(
    op: &str,
    req: &HttpMockRequest,
    members: &mut Members,
) -> Option<HttpMockResponse> {
    Some(match op {
        "memberships_create" => create(req, members),
        "memberships_update" => update(req, members),
        "memberships_bulk_update" => bulk_update(req, members),
        "memberships_delete" => {
            let id = path_id(req);
            if let Some(i) = members.active.iter().position(|m| m.id() == id) {
                let m = members.active.remove(i);
                members.inactive.push(m);
            }
            HttpMockResponse::builder().status(200).build()
        }
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
        "organizations_get" | "organizations_update" => match examples::operation(op) {
            examples::Documented::Example(status, org) => {
                json_response(status, &members.organization(org))
            }
            _ => return None,
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

fn create(req: &HttpMockRequest, members: &mut Members) -> HttpMockResponse {
    let Some(v) = body(req) else {
        return field_error("email", "This field is required.");
    };
    let email = v.get("email").and_then(Value::as_str).unwrap_or_default();
    if email.parse::<EmailAddress>().is_err() {
        return field_error("email", "Enter a valid email address.");
    }
    let role = v.get("role_id").and_then(Value::as_str).unwrap_or_default();
    match role.parse::<Role>() {
        Err(_) => return field_error("role_id", "Invalid role."),
        Ok(r) if r.grants_manage_organization() => {
            return json_response(
                403,
                &json!({"error": "The requested role grants the manage_organization permission."}),
            )
        }
        Ok(_) => {}
    }
    let same = |m: &Member| {
        m.email()
            .is_some_and(|e| e.eq_ignore_ascii_case(email.trim()))
    };
    if let Some(m) = members.active.iter().find(|m| same(m)) {
        return json_response(200, &m.membership);
    }
    if let Some(i) = members.inactive.iter().position(same) {
        let m = members.inactive.remove(i);
        let answer = json_response(200, &m.membership);
        members.active.push(m);
        return answer;
    }
    if members.active.len() + members.inactive.len() >= MAX_MEMBERS {
        return field_error("email", "MockClose holds too many memberships.");
    }
    members.created += 1;
    let email = email.trim();
    let user = close_id("user", seed_of(email));
    let m = membership(
        &close_id("memb", seed_of(email) ^ members.created),
        &user,
        role,
    );
    let mut data = Map::new();
    data.insert("user_email".into(), json!(email));
    let answer = json_response(200, &m);
    members.active.push(Member {
        membership: m,
        user: data,
    });
    answer
}

fn update(req: &HttpMockRequest, members: &mut Members) -> HttpMockResponse {
    let Some(Value::Object(changes)) = body(req) else {
        return field_error("", "Expected an object.");
    };
    if let Some(role) = changes.get("role_id").and_then(Value::as_str) {
        if role.parse::<Role>().is_err() {
            return field_error("role_id", "Invalid role.");
        }
    }
    let id = path_id(req);
    let mut made_up;
    let m = match members.find_mut(&id) {
        Some(member) => &mut member.membership,
        None => {
            made_up = membership(&id, &close_id("user", seed_of(&id)), "user");
            &mut made_up
        }
    };
    apply(m, &changes);
    json_response(200, m)
}

/// Applies a change to a membership; `id`, `user_id` and `organization_id` stay.
fn apply(m: &mut Value, changes: &Map<String, Value>) {
    for (k, v) in changes {
        if !matches!(k.as_str(), "id" | "user_id" | "organization_id" | "_params") {
            m[k] = v.clone();
        }
    }
}

fn bulk_update(req: &HttpMockRequest, members: &mut Members) -> HttpMockResponse {
    let v = body(req).unwrap_or(Value::Null);
    let ids = v
        .pointer("/_params/id__in")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if ids.is_empty() {
        return field_error("_params", "id__in is required.");
    }
    if let Some(role) = v.get("role_id").and_then(Value::as_str) {
        if role.parse::<Role>().is_err() {
            return field_error("role_id", "Invalid role.");
        }
    }
    let changes = v.as_object().cloned().unwrap_or_default();
    for id in ids.split(',') {
        if let Some(member) = members.find_mut(id.trim()) {
            apply(&mut member.membership, &changes);
        }
    }
    json_response(200, &json!({"count": ids.split(',').count()}))
}
