//! A typed Rust client for the [Close CRM REST API](https://developer.close.com/).
//!
//! The operations and types are generated from Close's published OpenAPI document (corrected by
//! the project's overlay) with [progenitor]; this crate adds a small hand-written layer on top:
//!
//! - [`Client::builder`] / [`Client::from_env`]: API key or OAuth authentication (tokens that
//!   refresh themselves with the `oauth` feature), base URL, timeouts, user agent, your own
//!   `reqwest::Client`.
//! - One request path for every call (`transport/`): rate-limit-aware throttling per endpoint
//!   group, retries with full-jitter backoff ([`RetryPolicy`]), token refresh, `tracing` spans,
//!   a GET too long for a URL sent the way Close documents (its query as `_params` in a body),
//!   and Close's `x-tz-offset` header when a [`TzOffset`] is set.
//! - [`prelude::MembershipsExt`]: the calls you reach for first, e.g.
//!   `client.create_membership("john@salesteam.com", Role::User)`.
//! - [`UsersExt`], [`OrganizationsExt`], [`RolesExt`], [`GroupsExt`]: the rest of Users &
//!   Organizations (`client.all_users()`, `client.role_catalog()`, …), with lists as
//!   [`Paginated`] streams that follow `_skip`/`_limit`/`has_more`.
//! - By-name lookups on the handles: `client.roles().by_name("Sales Rep")`,
//!   `client.opportunity_statuses().by_name("Active")`, `client.users().by_email(..)`, … —
//!   exact (trimmed) names, `None` when there is none, [`Error::Ambiguous`] when several match.
//! - [`Role`], [`AutoRecordCalls`], [`EmailAddress`]: value types that reject bad input before
//!   anything is sent and never fail to decode what Close returns.
//! - [`Error`]: one error type for every failure, with Close's error body when there is one.
//! - [`Client::request`]: a raw request to any endpoint ([`RawRequest`]), for what the
//!   generated operations get wrong or Close adds first, on the same request path.
//!
//! ```no_run
//! use close_sdk::prelude::*;
//!
//! # async fn run() -> Result<(), close_sdk::Error> {
//! let client = Client::builder().api_key("api_XXXX").build()?;
//! let membership = client.create_membership("john@salesteam.com", Role::User).await?;
//! println!("{:?} is {:?}", membership.user_id, membership.role_id);
//! # Ok(()) }
//! ```
//!
//! Every operation of Close's API (287) is a method of a generated handle, one per resource
//! ([`handles`]): `client.leads().get(id).await?`, `client.activities().calls().list()`,
//! `client.custom_fields().lead().create(body)`. Required parameters are arguments, optional
//! ones setters on the returned request (in [`builder`]); `.await` on a request returns
//! `Result<T, Error>`, its `.send()` the [`ResponseValue`] with status and headers. Each resource
//! group is a cargo feature (`leads`, `contacts`, `opportunities`, `activities`, `webhooks`,
//! `events`, …, or `full` for all; the default is memberships, users, organizations, roles and
//! groups) with a module of its own (`close_sdk::leads`, …) that lists its operations and
//! re-exports its types, so a program compiles only what it uses.
//!
//! # Features
//!
//! A call whose resource feature is off does not exist: ``no method named `leads` found for
//! struct `Client` `` means "enable `leads`"; on docs.rs each item says which it needs.
//! Besides the resource groups (and `full`): `webhooks` (subscriptions and delivery
//! verification), `events` (the event log), `axum` (a verifying extractor), `oauth`, `mock`
//! (test helpers), `schemars` (`JsonSchema` for every type), and the TLS backends
//! `rustls-ring` (default), `rustls-aws-lc` and `native-tls`.
//!
//! The types this crate's API takes from other crates are re-exported ([`HeaderMap`],
//! [`HeaderValue`], [`Method`], [`SecretString`], [`ExposeSecret`], and the [`http`],
//! [`reqwest`] and, with `mock`, `httpmock` crates), so naming them needs no dependency of
//! your own, and no version to keep in step.
//!
//! [progenitor]: https://github.com/oxidecomputer/progenitor
#![forbid(unsafe_code)]
#![warn(missing_docs)]
// docs.rs (`--cfg docsrs`, nightly): label every item with the features it needs. `doc_cfg`
// does it by itself since `doc_auto_cfg` was folded into it (nightly, late 2025).
#![cfg_attr(docsrs, feature(doc_cfg))]

mod api;
mod auth;
mod client;
pub mod custom_fields;
mod error;
#[cfg(any(feature = "events", feature = "webhooks"))]
pub mod events;
mod generated;
#[cfg(feature = "mock")]
pub mod mock;
mod redact;
mod runtime;
pub mod search;
mod transport;
mod values;
#[cfg(feature = "webhooks")]
pub mod webhooks;
// The generated serde impls' runtime: which helpers a build uses depends on its resource
// features, so only the `full` build (CI's clippy) reports one none of them uses.
#[cfg_attr(not(feature = "full"), allow(dead_code))]
mod wire;

#[cfg(feature = "activities")]
pub use api::activities::{ActivitiesExt, ActivityFilter};
#[cfg(any(feature = "contacts", feature = "leads"))]
pub use api::contacts::NewContact;
#[cfg(feature = "contacts")]
pub use api::contacts::{ContactFilter, ContactsExt};
#[cfg(feature = "events")]
pub use api::events::EventsExt;
#[cfg(feature = "groups")]
pub use api::groups::GroupsExt;
#[cfg(feature = "leads")]
pub use api::leads::{LeadsExt, NewLead};
#[cfg(feature = "memberships")]
pub use api::memberships::MembershipsExt;
#[cfg(feature = "opportunities")]
pub use api::opportunities::{OpportunitiesExt, OpportunityFilter};
#[cfg(feature = "organizations")]
pub use api::organizations::{OrganizationsExt, EXPAND_MEMBERSHIP_USERS};
pub use api::pagination::{self, ListOptions, Paginated, DEFAULT_PAGE_SIZE};
#[cfg(feature = "memberships")]
pub use api::provisioning::{self, ProvisioningExt};
pub use api::raw::RawRequest;
#[cfg(feature = "roles")]
pub use api::roles::{RoleCatalog, RolesExt};
#[cfg(feature = "tasks")]
pub use api::tasks::{TaskFilter, TasksExt};
#[cfg(feature = "users")]
pub use api::users::UsersExt;
#[cfg(feature = "webhooks")]
pub use api::webhooks::WebhooksExt;
#[cfg(feature = "oauth")]
pub use auth::oauth;
pub use auth::Credentials;
pub use client::{ClientBuilder, DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT};
pub use error::{ApiError, Error, ErrorBody, ErrorDetail};
#[allow(unused_imports)] // empty when no resource feature is on
pub use generated::by_resource::*;
pub use generated::{builder, handles, types, ByteStream, Client, ResponseValue};
pub use redact::SECRET_MEMBERS;
/// The HTTP method of a [raw request](Client::request) (reqwest's and `http`'s `Method`).
pub use reqwest::Method;
// Crates whose types appear in this crate's API, so a user names them without a dependency (and
// a version) of their own: webhook headers, your own `reqwest::Client`, OAuth tokens, mocks.
pub use http::{self, HeaderMap, HeaderValue};
#[cfg(feature = "mock")]
pub use httpmock;
pub use reqwest;
pub use secrecy::{ExposeSecret, SecretString};
pub use transport::context::ClientContext;
pub use transport::retry::RetryPolicy;
pub use values::auto_record_calls::{AutoRecordCalls, UnknownAutoRecordCalls};
pub use values::date::{Date, DateOrTimestamp};
pub use values::email::EmailAddress;
pub use values::extra::Extra;
pub use values::patch::Patch;
pub use values::phone::PhoneNumber;
pub use values::role::{Role, RoleId};
pub use values::timestamp::Timestamp;
pub use values::tz_offset::TzOffset;
pub use values::web_url::WebUrl;

/// Close's rate-limit headers: parsing `RateLimit`, `Retry-After` and `RateLimit-Reset`.
pub mod rate_limit {
    pub use crate::transport::headers::{parse_retry_after, parse_seconds, RateLimit};
}
pub use rate_limit::RateLimit;

/// The README's Rust examples, compiled and run as doc tests. (`cfg(doctest)` only: the
/// packaged crate, which has no `../../README.md`, never reads these files.)
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

/// GUIDE.md's Rust examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../../GUIDE.md")]
pub struct GuideDoctests;

/// Everything most programs need: `use close_sdk::prelude::*;`.
pub mod prelude {
    #[cfg(feature = "events")]
    pub use crate::EventsExt;
    #[cfg(feature = "groups")]
    pub use crate::GroupsExt;
    #[cfg(any(feature = "contacts", feature = "leads"))]
    pub use crate::NewContact;
    #[cfg(feature = "organizations")]
    pub use crate::OrganizationsExt;
    #[cfg(feature = "roles")]
    pub use crate::RolesExt;
    #[cfg(feature = "users")]
    pub use crate::UsersExt;
    #[cfg(feature = "webhooks")]
    pub use crate::WebhooksExt;
    #[cfg(feature = "activities")]
    pub use crate::{ActivitiesExt, ActivityFilter};
    pub use crate::{AutoRecordCalls, Client, Error, ListOptions, Paginated, Patch, Role};
    #[cfg(feature = "contacts")]
    pub use crate::{ContactFilter, ContactsExt};
    #[cfg(feature = "leads")]
    pub use crate::{LeadsExt, NewLead};
    #[cfg(feature = "memberships")]
    pub use crate::{MembershipsExt, ProvisioningExt};
    #[cfg(feature = "opportunities")]
    pub use crate::{OpportunitiesExt, OpportunityFilter};
    #[cfg(feature = "tasks")]
    pub use crate::{TaskFilter, TasksExt};
}
