//! Authentication: [`Credentials`] (API key or bearer token), the request path's
//! [`Authorizer`], and OAuth 2 with self-refreshing tokens (feature `oauth`).

mod authorizer;
mod credentials;
#[cfg(feature = "oauth")]
pub mod oauth;

pub(crate) use authorizer::Authorizer;
pub use credentials::Credentials;
