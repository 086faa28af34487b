//! A typed Rust client for the [Close CRM REST API](https://developer.close.com/).
//!
//! The operations and types are generated from Close's published OpenAPI document (corrected by
//! the project's overlay) with [progenitor]; this crate adds a small hand-written layer on top:
//!
//! - [`Client::builder`] / [`Client::from_env`]: API key or OAuth authentication (tokens that
//!   refresh themselves with the `oauth` feature), base URL, timeouts, user agent, your own
//!   `reqwest::Client`.
//! - One request path for every call (`hooks.rs`): rate-limit-aware throttling per endpoint
//!   group, retries with full-jitter backoff ([`RetryPolicy`]), token refresh, `tracing` spans.
//! - [`prelude::MembershipsExt`]: the calls you reach for first, e.g.
//!   `client.create_membership("john@salesteam.com", Role::User)`.
//! - [`UsersExt`], [`OrganizationsExt`], [`RolesExt`], [`GroupsExt`]: the rest of Users &
//!   Organizations (`client.me()`, `client.role_by_name("Sales Rep")`, …), with lists as
//!   [`Paginated`] streams that follow `_skip`/`_limit`/`has_more`.
//! - [`Role`], [`AutoRecordCalls`], [`EmailAddress`]: value types that reject bad input before
//!   anything is sent and never fail to decode what Close returns.
//! - [`Error`]: one error type for every failure, with Close's error body when there is one.
//!
//! ```no_run
//! use close_sdk::prelude::*;
//!
//! # async fn run() -> Result<(), close_sdk::Error> {
//! let client = Client::builder().api_key("api_XXXX").build()?;
//! let membership = client.create_membership("john@salesteam.com", Role::User).await?;
//! println!("{} is {}", membership.user_id, membership.role_id);
//! # Ok(()) }
//! ```
//!
//! Every generated operation is also available as a builder on [`Client`] (e.g.
//! [`Client::memberships_create`]), returning [`ResponseValue`]s with status and headers; use
//! [`Error::from_generated`] to turn its errors into [`Error`].
//!
//! [progenitor]: https://github.com/oxidecomputer/progenitor
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod auth;
mod auto_record_calls;
mod call;
mod client;
mod email;
mod error;
mod groups;
mod hooks;
mod memberships;
#[cfg(feature = "mock")]
pub mod mock;
#[cfg(feature = "oauth")]
pub mod oauth;
mod organizations;
pub mod pagination;
pub mod provisioning;
pub mod rate_limit;
mod retry;
mod role;
mod roles;
mod timestamp;
mod users;

#[rustfmt::skip]
#[allow(missing_docs, clippy::all, clippy::pedantic, rustdoc::all, unused)]
mod generated;
#[rustfmt::skip]
mod generated_operations;
#[cfg(feature = "mock")]
#[rustfmt::skip]
#[allow(missing_docs, clippy::all, clippy::pedantic, unused)]
mod generated_httpmock;

pub use auth::Credentials;
pub use auto_record_calls::{AutoRecordCalls, UnknownAutoRecordCalls};
pub use client::{
    ClientBuilder, ClientContext, DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT,
};
pub use email::EmailAddress;
pub use error::{ApiError, Error, ErrorBody, ErrorDetail};
pub use generated::{builder, types, ByteStream, Client, ResponseValue};
pub use groups::GroupsExt;
pub use memberships::MembershipsExt;
pub use organizations::{OrganizationsExt, EXPAND_MEMBERSHIP_USERS};
pub use pagination::{ListOptions, Paginated, DEFAULT_PAGE_SIZE};
pub use provisioning::ProvisioningExt;
pub use rate_limit::RateLimit;
pub use retry::RetryPolicy;
pub use role::{Role, RoleId};
pub use roles::{RoleCatalog, RolesExt};
pub use timestamp::Timestamp;
pub use users::UsersExt;

/// The error type of the generated builders' `send()`; convert it with [`Error::from_generated`].
pub type GeneratedError = progenitor_client::Error<ErrorBody>;

/// The README's Rust examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

/// Everything most programs need: `use close_sdk::prelude::*;`.
pub mod prelude {
    pub use crate::memberships::MembershipsExt;
    pub use crate::{
        AutoRecordCalls, Client, Error, GroupsExt, ListOptions, OrganizationsExt, Paginated,
        ProvisioningExt, Role, RolesExt, UsersExt,
    };
}
