//! close-sdk's integration tests, one binary (one link step): real HTTP to loopback servers.

mod errors;
mod event_log;
mod groups;
mod memberships;
mod oauth;
mod organizations;
mod pagination;
mod provisioning;
mod resilience;
mod roles;
mod schema;
mod users;
mod validation;
mod webhooks;
