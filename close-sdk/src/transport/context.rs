//! [`ClientContext`]: what every request of a client shares with its clones, read by the hooks.

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;

use super::throttle::Throttle;
use crate::auth::Authorizer;
use crate::RetryPolicy;

/// What every request of a [`Client`](crate::Client) shares with its clones: credentials, retry policy and
/// rate-limit state. Built by [`ClientBuilder`](crate::ClientBuilder); secrets are never printed.
#[derive(Clone, Debug)]
pub struct ClientContext {
    /// The base URL the client was built with, parsed once: a generated call sets only its
    /// path ([`crate::runtime::url`]).
    pub(crate) base_url: reqwest::Url,
    pub(crate) authorizer: Authorizer,
    pub(crate) user_agent: HeaderValue,
    pub(crate) retry: RetryPolicy,
    /// A per-call timeout that overrides the HTTP client's (see [`Client::with_timeout`]).
    pub(crate) timeout: Option<Duration>,
    /// Sent as `x-tz-offset` with every request (see [`ClientBuilder::tz_offset`] and
    /// [`Client::with_tz_offset`]).
    ///
    /// [`ClientBuilder::tz_offset`]: crate::ClientBuilder::tz_offset
    /// [`Client::with_tz_offset`]: crate::Client::with_tz_offset
    pub(crate) tz_offset: Option<crate::TzOffset>,
    /// The per-attempt timeout of the HTTP client the SDK built (`None` for one given with
    /// [`ClientBuilder::http_client`], whose settings the SDK cannot read).
    pub(crate) client_timeout: Option<Duration>,
    /// Whether the HTTP client was given by the user: it may follow redirects, so every answer's
    /// URL is compared with the request's.
    pub(crate) user_http_client: bool,
    pub(crate) throttle: Arc<Throttle>,
}
