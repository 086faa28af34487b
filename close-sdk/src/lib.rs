//! A typed Rust client for the [Close CRM REST API](https://developer.close.com/).
//!
//! Every operation of Close's published OpenAPI document (287, corrected by the project's
//! overlay), and the 5 Close documents before that document does (Forms, ImportUpdate
//! activities), is a method of a generated handle, one per resource; a small hand-written layer adds
//! what a generator cannot know (input checks, provisioning, custom fields by name, webhooks).
//!
//! ```no_run
//! use close_sdk::prelude::*;
//!
//! # async fn run() -> Result<(), close_sdk::Error> {
//! let client = Client::builder().api_key("api_XXXX").build()?;
//! let membership = client.create_membership("john@salesteam.com", Role::User).await?;
//! println!("{:?} is {:?}", membership.user_id, membership.role_id);
//!
//! let me = client.users().get_me().await?; // a handle call: `client.<resource>().<verb>(..)`
//! let mut users = client.users().list().paginate(); // every page, lazily
//! while let Some(user) = users.next().await {
//!     println!("{:?}", user?.email);
//! }
//! # let _ = me; Ok(()) }
//! ```
//!
//! # Map
//!
//! - [`Client`]: built with [`Client::builder`] ([`ClientBuilder`]: API key or OAuth, base URL,
//!   timeouts, [`RetryPolicy`], [`TzOffset`], your own `reqwest::Client`) or
//!   [`Client::from_env`]. Its page lists one method per resource, `client.leads()`,
//!   `client.activities()`, …, each returning a handle.
//! - [`handles`]: the handle types. A handle has one method per operation, named by its verb
//!   (`list`, `get`, `create`, `update`, `delete`, `merge`, …) with the required parameters
//!   (ids, the body) as arguments, and sub-handles where a resource has parts:
//!   `client.leads().get(id)`, `client.activities().calls().list()`,
//!   `client.custom_fields().lead().create(body)`.
//! - By-name lookups on the handles: `client.roles().by_name("Sales Rep")`,
//!   `client.opportunity_statuses().by_name("Active")`, `client.users().by_email(..)`, … —
//!   exact (trimmed) names, `None` when there is none, [`Error::Ambiguous`] when several match.
//! - [`builder`]: the requests a handle method returns. Optional parameters are setters
//!   (`.limit(50)`, `.fields("id,name")`); `.await` sends it and returns `Result<T, Error>`
//!   (`IntoFuture`); `.send().await` returns a [`ResponseValue`] with the status and headers;
//!   a list's `.paginate()` returns every item as a [`Paginated`] stream.
//! - [`types`]: every request and response type, also re-exported by its resource's module
//!   (`close_sdk::leads::Lead`, `close_sdk::opportunities::Opportunity`): each type has one
//!   resource module, the one whose operations return or take it. A resource module
//!   (`close_sdk::leads`, …) lists its operations with their method and path.
//! - [`Error`]: the one error every call returns, with Close's error body when there is one; `?`
//!   works everywhere.
//! - [`pagination`]: [`Paginated`], lazy, cancel-safe and loop-proof, behind every
//!   `.paginate()` and every hand-written list.
//! - [`search`] (features `leads`, `contacts`, `exports`, `bulk-actions` or `smart-views`):
//!   `client.search()`, Close's Advanced Filtering as a typed [`search::Query`].
//! - [`custom_fields`]: reading and writing `custom.cf_…` values, and (feature `custom-fields`)
//!   resolving fields by name.
//! - `forms` (feature `forms`): Close's web forms, and a form submission's `values` read by
//!   field name (`form.field_values(&submission)?.get("Company size")`).
//! - [`webhooks`] (feature `webhooks`): verifying deliveries; [`events`] (features `events` or
//!   `webhooks`): the typed event, the event log as a stream and a follower.
//! - [`prelude`]: `Client`, `Error`, `Role`, `Paginated`, and the extension traits of the
//!   hand-written layer (`create_membership`, `provision_memberships`, `create_lead(NewLead)`,
//!   `add_note`, `role_catalog`, …), each under its resource's feature.
//! - [`Client::request`]: a raw request ([`RawRequest`]) to any endpoint below the base URL,
//!   for what the generated operations get wrong or Close adds first.
//! - Values checked before anything is sent and never failing to decode what Close returns:
//!   [`Role`], [`EmailAddress`], [`PhoneNumber`], [`WebUrl`], [`Timestamp`], [`Date`],
//!   [`Patch`], [`Extra`].
//!
//! Every call, handle or hand-written, takes one request path: rate-limit-aware throttling per
//! endpoint group, retries with full-jitter backoff, token refresh, `tracing` spans, path safety
//! for every id, and a GET too long for a URL sent the way Close documents.
//!
//! # Features
//!
//! Each resource group is a cargo feature (`leads`, `contacts`, `opportunities`, `activities`,
//! `custom-fields`, …, 34 in all, or `full`; the default is `memberships`, `users`,
//! `organizations`, `roles` and `groups`), so a program compiles only what it uses. A call
//! whose feature is off does not exist: ``no method named `leads` found for struct `Client` ``
//! means "enable `leads`"; on docs.rs each item says which feature it needs. Besides the
//! resource groups: `webhooks` (subscriptions and delivery verification), `events` (the event
//! log), `axum` (a verifying extractor), `oauth`, `mock` (test helpers), `schemars`
//! (`JsonSchema` for every type), and the TLS backends `rustls-ring` (default), `rustls-aws-lc`
//! and `native-tls`.
//!
//! The types this crate's API takes from other crates are re-exported ([`HeaderMap`],
//! [`HeaderValue`], [`Method`], [`SecretString`], [`ExposeSecret`], and the [`http`],
//! [`reqwest`], [`time`] (what [`Timestamp`] and [`Date`] convert to and from) and, with
//! `mock`, `httpmock` crates), so naming them needs no dependency of your own, and no version
//! to keep in step.
//!
// The feature-gated modules the map links to: a link when the build has them, else to docs.rs.
#![cfg_attr(feature = "webhooks", doc = "[`webhooks`]: crate::webhooks")]
#![cfg_attr(
    not(feature = "webhooks"),
    doc = "[`webhooks`]: https://docs.rs/close-sdk/latest/close_sdk/webhooks/"
)]
#![cfg_attr(
    any(feature = "events", feature = "webhooks"),
    doc = "[`events`]: crate::events"
)]
#![cfg_attr(
    any(
        feature = "leads",
        feature = "contacts",
        feature = "exports",
        feature = "bulk-actions",
        feature = "smart-views"
    ),
    doc = "[`search`]: crate::search",
    doc = "[`search::Query`]: crate::search::Query"
)]
#![cfg_attr(
    not(any(
        feature = "leads",
        feature = "contacts",
        feature = "exports",
        feature = "bulk-actions",
        feature = "smart-views"
    )),
    doc = "[`search`]: https://docs.rs/close-sdk/latest/close_sdk/search/",
    doc = "[`search::Query`]: https://docs.rs/close-sdk/latest/close_sdk/search/enum.Query.html"
)]
#![cfg_attr(
    not(any(feature = "events", feature = "webhooks")),
    doc = "[`events`]: https://docs.rs/close-sdk/latest/close_sdk/events/"
)]
#![forbid(unsafe_code)]
// No rendered source pages: they were a third of `cargo doc`'s output (19 of 85 MB, 16 MB of it
// the generated code, one 5 MB page for `activities`) and no item's docs need them; docs.rs has
// its own source view, and the source is in every user's cargo registry.
#![doc(html_no_source)]
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
#[cfg(feature = "forms")]
pub mod forms;
// Hidden, though private, so that rustdoc leaves out the redirect page of each of its modules
// (its items are documented where they are re-exported: `types`, `builder`, `handles`, …).
#[doc(hidden)]
mod generated;
// The generated `types`, `builder` and `handles` modules are declared here, where they are
// public, so that their items are defined where they are documented (a re-export of a private
// module's items costs a redirect page per item in `cargo doc`).
#[path = "generated/builder.rs"]
#[rustfmt::skip]
#[allow(missing_docs, clippy::all, clippy::pedantic, rustdoc::all, unused)]
pub mod builder;
#[path = "generated/handles.rs"]
#[rustfmt::skip]
pub mod handles;
#[path = "generated/types.rs"]
#[rustfmt::skip]
#[allow(missing_docs, clippy::all, clippy::pedantic, rustdoc::all, unused)]
pub mod types;
#[cfg(feature = "mock")]
pub mod mock;
mod redact;
mod runtime;
// Advanced Filtering searches leads and contacts, and exports, bulk actions and smart views carry
// its query; without them it is not compiled (it is a quarter of the default build's close-sdk).
#[cfg(any(
    feature = "leads",
    feature = "contacts",
    feature = "exports",
    feature = "bulk-actions",
    feature = "smart-views"
))]
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
#[cfg(feature = "activities")]
pub use api::activity_kind::TypedActivity;
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
pub use api::pagination;
// Through the public module, so that rustdoc documents each once (in `pagination`,
// `provisioning`) and links there, instead of a second page at the root.
#[doc(no_inline)]
pub use self::pagination::{ListOptions, Paginated, DEFAULT_PAGE_SIZE};
#[cfg(feature = "memberships")]
#[doc(no_inline)]
pub use self::provisioning::ProvisioningExt;
#[cfg(feature = "memberships")]
pub use api::provisioning;
pub use api::raw::RawRequest;
pub use api::request_future::{Request, RequestFuture, ResponseFuture};
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
pub use error::{ApiError, CallSite, DecodeContext, Error, ErrorBody, ErrorDetail};
#[allow(unused_imports)] // empty when no resource feature is on
pub use generated::by_resource::*;
pub use generated::{ByteStream, Client, ResponseValue};
pub use redact::SECRET_MEMBERS;
// The HTTP method of a raw request (reqwest's and `http`'s `Method`).
#[doc(no_inline)]
pub use reqwest::Method;
// Crates whose types appear in this crate's API, so a user names them without a dependency (and
// a version) of their own: webhook headers, your own `reqwest::Client`, OAuth tokens, mocks.
// Their types are `no_inline`: their pages are their crates' (docs.rs), not copies here.
pub use http;
#[doc(no_inline)]
pub use http::{HeaderMap, HeaderValue};
#[cfg(feature = "mock")]
pub use httpmock;
pub use reqwest;
#[doc(no_inline)]
pub use secrecy::{ExposeSecret, SecretString};
// `Timestamp` and `Date` convert to and from `time::OffsetDateTime` and `time::Date`.
pub use time;
pub use transport::context::ClientContext;
pub use transport::retry::RetryPolicy;
pub use values::auto_record_calls::{AutoRecordCalls, UnknownAutoRecordCalls};
pub use values::date::{Date, DateOrTimestamp};
pub use values::email::EmailAddress;
pub use values::extra::Extra;
pub use values::ids::IdList;
pub use values::list::List;
#[doc(hidden)]
pub use values::list::ListItem;
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
/// packaged crate, which has no `../../README.md`, never reads these files.) They show the
/// whole crate, so they run where every resource and the mocks are built, as in
/// `cargo test --workspace` (or `cargo test -p close-sdk --doc --features full,mock`): the README
/// needs no `#[cfg(feature = …)]` line a reader would see.
#[cfg(all(doctest, feature = "full", feature = "mock"))]
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
