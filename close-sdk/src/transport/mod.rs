//! The request path: everything between a built request and a typed answer.
//!
//! Every request enters through [`hooks::call`]: generated operations through
//! [`crate::runtime`] (the one module generated code calls), hand-written calls by name;
//! nothing else in the crate sends, sleeps or loops.
//!
//! - [`hooks`]: the door (path safety, authorization, user agent), the retry loop, and the one
//!   error built from what was read.
//! - [`retry`]: [`RetryPolicy`](retry::RetryPolicy) and the retry decision.
//! - [`throttle`]: per-endpoint-group rate-limit windows, shared by a client's clones.
//! - [`headers`]: parsing `RateLimit`, `Retry-After`, `RateLimit-Reset`.
//! - [`path_safety`]: a request's path must have its operation's template shape.
//! - [`long_get`]: a GET whose URL is too long sends its query as `_params` in a body.
//! - [`query`]: query parameters as Close documents them (lists comma-separated).
//! - [`operations`]: what the generated operation table says about an operation.
//! - [`context`], [`http_client`]: what a client's requests share, and the default HTTP client.

pub(crate) mod context;
pub(crate) mod headers;
pub(crate) mod hooks;
pub(crate) mod http_client;
pub(crate) mod long_get;
pub(crate) mod operations;
pub(crate) mod path_safety;
// Used by the generated builders of the features whose operations take query parameters (and
// by raw requests).
#[cfg_attr(not(feature = "full"), allow(dead_code))]
pub(crate) mod query;
pub(crate) mod retry;
pub(crate) mod throttle;
