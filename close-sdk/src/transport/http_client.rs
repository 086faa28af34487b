//! The `reqwest::Client` the SDK builds when the user gives none (also used by the OAuth token
//! client).

use std::time::Duration;

use crate::Error;

/// A reqwest client with the given timeouts (and, with `rustls-ring`, the TLS provider in place).
pub(crate) fn http_client(
    connect_timeout: Duration,
    timeout: Duration,
) -> Result<reqwest::Client, Error> {
    install_tls_provider();
    reqwest::Client::builder()
        .connect_timeout(connect_timeout)
        .timeout(timeout)
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
