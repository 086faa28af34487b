//! The baseline: the same call written by hand with reqwest and serde, the way a careful
//! application would (headers built once, the body decoded into a struct with the same fields).
#![forbid(unsafe_code)]

use reqwest::header::{HeaderValue, ACCEPT, AUTHORIZATION, USER_AGENT};
use serde::{Deserialize, Serialize};

/// `POST /membership/`'s body.
#[derive(Serialize)]
struct CreateMembership<'a> {
    email: &'a str,
    role_id: &'a str,
}

/// The create response: the same 14 fields (and types) as `close_sdk::types::Membership`, with
/// `auto_record_calls` as a plain string.
#[derive(Debug, Deserialize)]
#[allow(dead_code)] // decoded, as the SDK does, but not read
pub struct Membership {
    auto_record_calls: Option<String>,
    default_caller_id: Option<String>,
    hangup_recording_url: Option<String>,
    pub id: String,
    is_free: Option<bool>,
    may_workflows_impersonate: Option<bool>,
    onboarding_status: Option<String>,
    organization_id: String,
    #[serde(default)]
    permissions_granted: Vec<String>,
    primary_personal_number: Option<String>,
    role: Option<String>,
    role_id: String,
    track_email_opens: Option<bool>,
    user_id: String,
}

/// The pinned-views answer.
#[derive(Debug, Deserialize)]
#[allow(dead_code)] // decoded, as the SDK does, but not read
pub struct PinnedViews {
    saved_view_ids: Vec<String>,
}

/// What the hand-written call needs, prepared once.
#[derive(Clone)]
pub struct Raw {
    /// The same `reqwest::Client` the SDK was given.
    pub http: reqwest::Client,
    /// `<base>/membership/`.
    pub url: String,
    /// `<base>/membership/<id>/pinned_views/`.
    pub pinned_url: String,
    /// `Basic base64(key:)`, marked sensitive.
    pub authorization: HeaderValue,
    /// The SDK's user agent, so both send the same bytes.
    pub user_agent: HeaderValue,
}

impl Raw {
    /// `POST /membership/` with `{"email", "role_id": "user"}`; a non-2xx is an error.
    pub async fn create_membership(&self, email: &str) -> reqwest::Result<Membership> {
        self.http
            .post(&self.url)
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .header(AUTHORIZATION, self.authorization.clone())
            .header(USER_AGENT, self.user_agent.clone())
            .json(&CreateMembership {
                email,
                role_id: "user",
            })
            .send()
            .await?
            .error_for_status()?
            .json()
            .await
    }

    /// `GET <base>/membership/<id>/pinned_views/`; a non-2xx is an error.
    pub async fn pinned_views(&self) -> reqwest::Result<PinnedViews> {
        self.http
            .get(&self.pinned_url)
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .header(AUTHORIZATION, self.authorization.clone())
            .header(USER_AGENT, self.user_agent.clone())
            .send()
            .await?
            .error_for_status()?
            .json()
            .await
    }
}
