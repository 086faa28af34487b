//! [`Authorizer`]: what the request path asks for each request's `Authorization` header, and
//! for a new one after a 401.

use reqwest::header::HeaderValue;
use secrecy::SecretString;

/// What the request path asks for the `Authorization` header of each request.
#[derive(Clone)]
pub(crate) enum Authorizer {
    /// A fixed header (API key or bearer token).
    Static(HeaderValue),
    /// OAuth tokens, refreshed before they expire and once after a 401.
    #[cfg(feature = "oauth")]
    OAuth(std::sync::Arc<super::TokenManager>),
}

impl Authorizer {
    /// The header for the next request (refreshing an OAuth token close to expiry).
    pub(crate) async fn header(&self) -> Result<HeaderValue, String> {
        match self {
            Self::Static(h) => Ok(h.clone()),
            #[cfg(feature = "oauth")]
            Self::OAuth(m) => m.header().await,
        }
    }

    /// The client's own credentials (API key or token; with OAuth the access and refresh tokens
    /// and the client secret), which the request path takes out of every error answer.
    pub(crate) fn secrets(&self) -> Vec<SecretString> {
        match self {
            Self::Static(h) => super::credentials::secrets_of_header(h),
            #[cfg(feature = "oauth")]
            Self::OAuth(m) => m.secrets(),
        }
    }

    /// After a 401 for `rejected`: a new header to retry with once, if the credentials can be
    /// renewed (OAuth with a refresh token).
    pub(crate) async fn after_unauthorized(
        &self,
        rejected: Option<&HeaderValue>,
    ) -> Option<HeaderValue> {
        match self {
            Self::Static(_) => {
                let _ = rejected;
                None
            }
            #[cfg(feature = "oauth")]
            Self::OAuth(m) => m.after_unauthorized(rejected).await,
        }
    }
}

impl std::fmt::Debug for Authorizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Static(_) => f.write_str("Static(<redacted>)"),
            #[cfg(feature = "oauth")]
            Self::OAuth(_) => f.write_str("OAuth(<redacted>)"),
        }
    }
}
