//! The `reqwest::Client`s the SDK builds: one for API calls when the user gives none, and one for
//! OAuth token requests. Neither follows redirects: Close's API documents none, and a followed
//! redirect re-sends the request (a create, the client secret) to wherever the answer points, or
//! moves an update past path safety to another endpoint.

use std::time::Duration;

use crate::Error;

/// A reqwest client with the given timeouts that never follows redirects (and, with
/// `rustls-ring`, the TLS provider in place).
pub(crate) fn http_client(
    connect_timeout: Duration,
    timeout: Duration,
) -> Result<reqwest::Client, Error> {
    build(builder(connect_timeout, timeout).redirect(reqwest::redirect::Policy::none()))
}

/// Like [`http_client`], but redirects are never followed: a token request carries the client
/// secret and the refresh token in its body, which must never be re-posted to another origin.
#[cfg(feature = "oauth")]
pub(crate) fn token_http_client(
    connect_timeout: Duration,
    timeout: Duration,
) -> Result<reqwest::Client, Error> {
    build(builder(connect_timeout, timeout).redirect(reqwest::redirect::Policy::none()))
}

fn builder(connect_timeout: Duration, timeout: Duration) -> reqwest::ClientBuilder {
    install_tls_provider();
    reqwest::Client::builder()
        .connect_timeout(connect_timeout)
        .timeout(timeout)
}

fn build(builder: reqwest::ClientBuilder) -> Result<reqwest::Client, Error> {
    builder
        .build()
        .map_err(|e| Error::Config(format!("could not build the HTTP client: {e}")))
}

/// With the default `rustls-ring` feature, reqwest needs a process-wide rustls provider. An
/// application that installed its own keeps it.
fn install_tls_provider() {
    #[cfg(feature = "rustls-ring")]
    {
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}
