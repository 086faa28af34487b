//! The hand-written API over the generated builders: one extension trait per resource, the
//! helpers they share, paginated lists and bulk provisioning.

pub(crate) mod call;
#[cfg(feature = "events")]
pub(crate) mod events;
pub(crate) mod groups;
pub(crate) mod memberships;
pub(crate) mod organizations;
pub mod pagination;
pub mod provisioning;
#[cfg(any(feature = "events", feature = "webhooks"))]
pub(crate) mod request;
pub(crate) mod roles;
pub(crate) mod users;
#[cfg(feature = "webhooks")]
pub(crate) mod webhooks;
