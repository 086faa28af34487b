//! The hand-written API over the generated builders: one extension trait per resource, the
//! helpers they share, paginated lists and bulk provisioning.

pub(crate) mod call;
pub(crate) mod groups;
pub(crate) mod memberships;
pub(crate) mod organizations;
pub mod pagination;
pub mod provisioning;
pub(crate) mod roles;
pub(crate) mod users;
