//! close-sdk's integration tests, one binary (one link step): real HTTP to loopback servers.

mod cancellation;
mod errors;
mod groups;
mod hot_path;
mod memberships;
mod oauth;
mod oauth_cancellation;
mod organizations;
mod pagination;
mod path_safety;
mod provisioning;
mod resilience;
mod roles;
mod schema;
mod stream_cancellation;
mod users;
mod validation;
