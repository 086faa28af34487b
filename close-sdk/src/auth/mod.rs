//! Authentication: [`Credentials`] (API key or bearer token), the request path's
//! [`Authorizer`], and OAuth 2 with self-refreshing tokens (feature `oauth`).

mod authorizer;
mod credentials;
#[cfg(feature = "oauth")]
pub mod oauth;
#[cfg(feature = "oauth")]
mod token_refresh;

pub(crate) use authorizer::Authorizer;
pub(crate) use credentials::secrets_of_header;
pub use credentials::Credentials;
#[cfg(feature = "oauth")]
pub(crate) use token_refresh::{RefreshCallback, TokenManager};
