//! [`Credentials`] and the `Authorization` header they produce.

use base64::Engine as _;
use reqwest::header::HeaderValue;
use secrecy::{ExposeSecret, SecretString};

/// How requests authenticate. Secrets never appear in `Debug` output.
///
/// ```
/// use close_sdk::Credentials;
/// let c = Credentials::api_key("api_secret_value");
/// assert!(!format!("{c:?}").contains("secret_value"));
/// ```
#[derive(Clone)]
pub enum Credentials {
    /// A Close API key, sent as HTTP Basic with the key as user name and an empty password.
    ApiKey(SecretString),
    /// An OAuth 2 access token, sent as `Bearer <token>`. To refresh tokens automatically, use
    /// `ClientBuilder::oauth` (feature `oauth`) instead.
    BearerToken(SecretString),
}

impl Credentials {
    /// API-key credentials.
    pub fn api_key(key: impl Into<String>) -> Self {
        Self::ApiKey(SecretString::from(key.into()))
    }

    /// OAuth bearer-token credentials.
    pub fn bearer_token(token: impl Into<String>) -> Self {
        Self::BearerToken(SecretString::from(token.into()))
    }

    /// The `Authorization` header value, marked sensitive so that reqwest and `http` never print
    /// it. Fails (with a message that does not contain the secret) on characters a header cannot
    /// carry, or on an empty secret.
    pub(crate) fn header_value(&self) -> Result<HeaderValue, String> {
        match self {
            Self::ApiKey(k) => {
                let key = k.expose_secret();
                check_secret("API key", key)?;
                let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{key}:"));
                sensitive_header(&format!("Basic {encoded}"), "API key")
            }
            Self::BearerToken(t) => bearer_header(t.expose_secret()),
        }
    }
}

fn check_secret(what: &str, secret: &str) -> Result<(), String> {
    if secret.trim().is_empty() {
        return Err(format!("the {what} is empty"));
    }
    if secret.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "the {what} contains whitespace or control characters"
        ));
    }
    Ok(())
}

fn sensitive_header(text: &str, what: &str) -> Result<HeaderValue, String> {
    let mut value = HeaderValue::from_str(text)
        .map_err(|_| format!("the {what} is not a valid header value"))?;
    value.set_sensitive(true);
    Ok(value)
}

/// The secrets an `Authorization` header carries: the credential after the scheme and, for
/// `Basic`, the API key it encodes. (For the redaction of errors; never logged.)
pub(crate) fn secrets_of_header(header: &HeaderValue) -> Vec<SecretString> {
    let Ok(text) = header.to_str() else {
        return Vec::new();
    };
    let Some((scheme, credential)) = text.split_once(' ') else {
        return Vec::new();
    };
    let mut secrets = vec![SecretString::from(credential.to_string())];
    if scheme.eq_ignore_ascii_case("basic") {
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(credential)
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok());
        if let Some(user) = decoded {
            let key = user.strip_suffix(':').unwrap_or(&user);
            secrets.push(SecretString::from(key.to_string()));
        }
    }
    secrets
}

/// `Bearer <token>`, marked sensitive.
pub(crate) fn bearer_header(token: &str) -> Result<HeaderValue, String> {
    check_secret("bearer token", token)?;
    sensitive_header(&format!("Bearer {token}"), "bearer token")
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::ApiKey(_) => f.write_str("ApiKey(<redacted>)"),
            Self::BearerToken(_) => f.write_str("BearerToken(<redacted>)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_key_is_basic_with_empty_password() {
        // The documented example: `-u yourapikey:` is `Basic eW91cmFwaWtleTo=`.
        let v = Credentials::api_key("yourapikey").header_value().unwrap();
        assert_eq!(v.to_str().unwrap(), "Basic eW91cmFwaWtleTo=");
        assert!(v.is_sensitive());
    }

    #[test]
    fn bearer_token_header() {
        let v = Credentials::bearer_token("tok").header_value().unwrap();
        assert_eq!(v.to_str().unwrap(), "Bearer tok");
        assert!(v.is_sensitive());
    }

    #[test]
    fn bad_secrets_are_rejected_without_echoing_them() {
        for bad in ["", "  ", "a b", "line\nbreak"] {
            let err = Credentials::api_key(bad).header_value().unwrap_err();
            assert!(!bad.trim().is_empty() || err.contains("empty"));
            assert!(bad.trim().is_empty() || !err.contains(bad), "{err}");
        }
        assert!(!format!("{:?}", Credentials::bearer_token("hunter2")).contains("hunter2"));
    }
}
