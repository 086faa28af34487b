//! The hand-written API over the generated builders: one extension trait per resource, the
//! helpers they share, paginated lists, bulk provisioning and raw requests.
//!
//! # Compiled where used
//!
//! Every function of the extension traits, the by-name lookups, provisioning, raw requests and
//! their helpers (`call.rs`) is `#[inline]`, as the generated calls are: a program compiles the
//! ones it calls, with the pagination, decoders and lookups they pull in, and close-sdk's own
//! build compiles none of them. Without it the default build generated ~100k more lines of LLVM
//! IR (three paginated streams and their decoders for the `list_*` and `by_name` calls alone),
//! on the critical path of every clean downstream build (BENCHMARKS.md, issue 20's sixth round).
//! Keep new functions here `#[inline]`; the request path they share (`transport`, `runtime`,
//! `error`, `redact`) is compiled once, here.

// The call helpers serve the hand-written resource traits; with none of their features on they
// are unused.
#[cfg(feature = "activities")]
pub(crate) mod activities;
#[cfg(feature = "activities")]
pub(crate) mod activity_kind;
pub(crate) mod body_checks;
#[cfg_attr(
    not(any(
        feature = "activities",
        feature = "contacts",
        feature = "groups",
        feature = "leads",
        feature = "memberships",
        feature = "opportunities",
        feature = "tasks",
        feature = "organizations",
        feature = "roles",
        feature = "users"
    )),
    allow(dead_code)
)]
pub(crate) mod call;
// By-name lookups: `impl` blocks on the generated handles, each under its resource's feature.
#[cfg(any(
    feature = "activities",
    feature = "custom-fields",
    feature = "groups",
    feature = "lead-statuses",
    all(feature = "memberships", feature = "organizations"),
    feature = "opportunity-statuses",
    feature = "outcomes",
    feature = "pipelines",
    feature = "roles",
    feature = "smart-views",
    feature = "templates",
    feature = "users"
))]
pub(crate) mod by_name;
#[cfg(any(feature = "contacts", feature = "leads"))]
pub(crate) mod contacts;
#[cfg(feature = "events")]
pub(crate) mod events;
#[cfg(feature = "groups")]
pub(crate) mod groups;
#[cfg(feature = "leads")]
pub(crate) mod leads;
#[cfg(feature = "memberships")]
pub(crate) mod memberships;
#[cfg(feature = "opportunities")]
pub(crate) mod opportunities;
#[cfg(feature = "organizations")]
pub(crate) mod organizations;
pub mod pagination;
#[cfg(feature = "memberships")]
pub mod provisioning;
pub(crate) mod raw;
pub(crate) mod request;
pub(crate) mod request_future;
#[cfg(feature = "roles")]
pub(crate) mod roles;
#[cfg(feature = "tasks")]
pub(crate) mod tasks;
#[cfg(feature = "users")]
pub(crate) mod users;
#[cfg(feature = "webhooks")]
pub(crate) mod webhooks;
