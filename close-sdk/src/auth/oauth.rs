//! OAuth 2 with Close (feature `oauth`): the authorize URL, the code exchange, and access tokens
//! that refresh themselves.
//!
//! Built on the `oauth2` crate (authorization-code grant, CSRF `state`, token responses), driven
//! through this crate's own reqwest client. Close's specifics: the client id and secret go in the
//! form body, the token response carries `organization_id` and `user_id`, and every refresh
//! *rotates* the refresh token — the new one replaces the old, and
//! [`crate::ClientBuilder::on_token_refresh`] hands it to you to persist.
//!
//! ```no_run
//! use close_sdk::oauth::OAuthApp;
//! # async fn run() -> Result<(), close_sdk::Error> {
//! let app = OAuthApp::new("oa2client_…", "secret")?.redirect_url("https://example.com/callback/close")?;
//! let request = app.authorize_url();
//! // Send the user to `request.url`; keep `request.state` to check the callback's `state`.
//! let tokens = app.exchange_code("code-from-the-callback").await?;
//! let client = close_sdk::Client::builder()
//!     .oauth(app, tokens)
//!     .on_token_refresh(|t| { /* persist t.refresh_token */ let _ = t; })
//!     .build()?;
//! # let _ = client; Ok(()) }
//! ```

use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, SystemTime};

use oauth2::basic::{
    BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse,
    BasicTokenType,
};
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointNotSet,
    EndpointSet, ExtraTokenFields, RedirectUrl, RefreshToken, StandardRevocableToken,
    StandardTokenResponse, TokenResponse, TokenUrl,
};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use crate::redact::Secrets;
use crate::transport::hooks::{read_bounded, MAX_ERROR_BODY};
use crate::Error;

/// Close's authorize endpoint.
pub const AUTHORIZE_URL: &str = "https://app.close.com/oauth2/authorize/";
/// Close's token endpoint.
pub const TOKEN_URL: &str = "https://api.close.com/oauth2/token/";

/// The extra members of Close's token response.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CloseTokenFields {
    /// The organization the user authorized.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<String>,
    /// The user who authorized.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
}
impl ExtraTokenFields for CloseTokenFields {}

type CloseTokenResponse = StandardTokenResponse<CloseTokenFields, BasicTokenType>;
type OAuthClient = oauth2::Client<
    BasicErrorResponse,
    CloseTokenResponse,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

/// An OAuth app registered with Close (Settings → Developer → OAuth Apps).
#[derive(Clone)]
pub struct OAuthApp {
    client: OAuthClient,
    /// Kept to take it out of errors (`oauth2` does not give it back).
    client_secret: SecretString,
    http: reqwest::Client,
}

impl std::fmt::Debug for OAuthApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthApp")
            .field("client_id", &self.client.client_id().as_str())
            .field("client_secret", &"<redacted>")
            .finish()
    }
}

/// Where to send the user, and the `state` to compare with the callback's.
#[derive(Debug, Clone)]
pub struct AuthorizeRequest {
    /// The authorize URL (`response_type=code`, `client_id`, `state`, and `redirect_uri` if set).
    pub url: reqwest::Url,
    /// The random `state` value; reject a callback whose `state` differs.
    pub state: String,
}

/// Tokens from Close's token endpoint. Secrets never appear in `Debug`.
#[derive(Clone)]
pub struct Tokens {
    /// The access token.
    pub access_token: SecretString,
    /// The refresh token (present with the `offline_access` scope). Close rotates it on every
    /// refresh.
    pub refresh_token: Option<SecretString>,
    /// When the access token expires, if Close said (`expires_in`).
    pub expires_at: Option<SystemTime>,
    /// Granted scopes.
    pub scopes: Vec<String>,
    /// The organization the user authorized.
    pub organization_id: Option<String>,
    /// The user who authorized.
    pub user_id: Option<String>,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens")
            .field("access_token", &"<redacted>")
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "<redacted>"),
            )
            .field("expires_at", &self.expires_at)
            .field("scopes", &self.scopes)
            .field("organization_id", &self.organization_id)
            .field("user_id", &self.user_id)
            .finish()
    }
}

impl Tokens {
    /// Tokens you stored earlier. `expires_at` unknown means "refresh only after a 401".
    pub fn new(
        access_token: impl Into<String>,
        refresh_token: Option<String>,
        expires_at: Option<SystemTime>,
    ) -> Self {
        Tokens {
            access_token: SecretString::from(access_token.into()),
            refresh_token: refresh_token.map(SecretString::from),
            expires_at,
            scopes: vec![],
            organization_id: None,
            user_id: None,
        }
    }

    fn from_response(r: &CloseTokenResponse) -> Self {
        Tokens {
            access_token: SecretString::from(r.access_token().secret().clone()),
            refresh_token: r
                .refresh_token()
                .map(|t| SecretString::from(t.secret().clone())),
            expires_at: r.expires_in().and_then(expiry_after),
            scopes: r
                .scopes()
                .map(|s| s.iter().map(|x| x.to_string()).collect())
                .unwrap_or_default(),
            organization_id: r.extra_fields().organization_id.clone(),
            user_id: r.extra_fields().user_id.clone(),
        }
    }

    /// Whether the access token expires within `margin` from now (`false` when unknown).
    pub(crate) fn expires_within(&self, margin: Duration) -> bool {
        let Some(at) = self.expires_at else {
            return false;
        };
        // A horizon past what `SystemTime` can hold is later than any expiry it can hold.
        SystemTime::now()
            .checked_add(margin)
            .is_none_or(|horizon| at <= horizon)
    }
}

/// When a token that lives `expires_in` from now expires; `None` ("no known expiry") when that
/// is past what `SystemTime` can represent (a token endpoint may send any `u64`).
fn expiry_after(expires_in: Duration) -> Option<SystemTime> {
    SystemTime::now().checked_add(expires_in)
}

fn config_error(what: &str, e: impl std::fmt::Display) -> Error {
    Error::Config(format!("{what}: {e}"))
}

impl OAuthApp {
    /// An app with Close's endpoints. Close expects the client credentials in the form body.
    pub fn new(
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Result<Self, Error> {
        let client_secret: String = client_secret.into();
        let client = oauth2::Client::new(ClientId::new(client_id.into()))
            .set_client_secret(ClientSecret::new(client_secret.clone()))
            .set_auth_uri(
                AuthUrl::new(AUTHORIZE_URL.into()).map_err(|e| config_error("authorize URL", e))?,
            )
            .set_token_uri(
                TokenUrl::new(TOKEN_URL.into()).map_err(|e| config_error("token URL", e))?,
            )
            .set_auth_type(AuthType::RequestBody);
        let http = crate::transport::http_client::token_http_client(
            crate::DEFAULT_CONNECT_TIMEOUT,
            crate::DEFAULT_TIMEOUT,
        )?;
        Ok(OAuthApp {
            client,
            client_secret: SecretString::from(client_secret),
            http,
        })
    }

    /// The client secret (for the redaction of errors; never logged).
    pub(crate) fn client_secret(&self) -> SecretString {
        self.client_secret.clone()
    }

    /// The HTTP client for one token request, which takes `sent` (the secrets the request
    /// carries: client secret, code or refresh token) out of an error answer.
    fn token_http(&self, sent: &str) -> TokenHttp {
        TokenHttp {
            http: self.http.clone(),
            sent: vec![
                self.client_secret.clone(),
                SecretString::from(sent.to_string()),
            ],
        }
    }

    /// The redirect URL registered for the app (Close requires `https://`).
    pub fn redirect_url(mut self, url: &str) -> Result<Self, Error> {
        let url = RedirectUrl::new(url.into()).map_err(|e| config_error("redirect URL", e))?;
        self.client = self.client.set_redirect_uri(url);
        Ok(self)
    }

    /// The HTTP client for token requests (default: one with the SDK's default timeouts that
    /// never follows redirects). Whatever this client's redirect policy, token requests are never
    /// re-sent elsewhere: their body cannot be replayed, and an answer that is a redirect or
    /// comes from another URL than the token endpoint is an error.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = http;
        self
    }

    /// Other endpoints (a staging server or a test mock).
    pub fn endpoints(mut self, authorize_url: &str, token_url: &str) -> Result<Self, Error> {
        self.client = self
            .client
            .set_auth_uri(
                AuthUrl::new(authorize_url.into()).map_err(|e| config_error("authorize URL", e))?,
            )
            .set_token_uri(
                TokenUrl::new(token_url.into()).map_err(|e| config_error("token URL", e))?,
            );
        Ok(self)
    }

    /// The URL to send the user to, with a fresh random `state`.
    pub fn authorize_url(&self) -> AuthorizeRequest {
        let (url, state) = self.client.authorize_url(CsrfToken::new_random).url();
        AuthorizeRequest {
            url,
            state: state.secret().clone(),
        }
    }

    /// Exchanges the `code` from the callback for tokens.
    pub async fn exchange_code(&self, code: &str) -> Result<Tokens, Error> {
        if code.trim().is_empty() {
            return Err(Error::InvalidRequest(
                "the authorization code is empty".into(),
            ));
        }
        let response = self
            .client
            .exchange_code(AuthorizationCode::new(code.to_string()))
            .request_async(&self.token_http(code))
            .await
            .map_err(token_error)?;
        Ok(Tokens::from_response(&response))
    }

    /// Trades a refresh token for new tokens. Close rotates refresh tokens: store the returned
    /// one and discard the old.
    pub async fn refresh(&self, refresh_token: &SecretString) -> Result<Tokens, Error> {
        let token = RefreshToken::new(refresh_token.expose_secret().to_string());
        let response = self
            .client
            .exchange_refresh_token(&token)
            .request_async(&self.token_http(refresh_token.expose_secret()))
            .await
            .map_err(token_error)?;
        let mut tokens = Tokens::from_response(&response);
        if tokens.refresh_token.is_none() {
            // A response without a new refresh token leaves the old one valid.
            tokens.refresh_token = Some(refresh_token.clone());
        }
        Ok(tokens)
    }
}

/// oauth2's HTTP client for token requests: this crate's reqwest (oauth2's own adapter targets
/// an older reqwest, which would mean compiling two), and the secrets the request sends (taken
/// out of an error answer, which may echo them).
struct TokenHttp {
    http: reqwest::Client,
    sent: Vec<SecretString>,
}

/// At most this much of a token endpoint's success answer is read; a longer one is refused. A
/// token answer (a few tokens, scopes and ids) is well under 4 KiB.
pub(crate) const MAX_TOKEN_ANSWER: usize = 64 * 1024;

impl<'c> oauth2::AsyncHttpClient<'c> for TokenHttp {
    type Error = TokenHttpError;
    type Future =
        Pin<Box<dyn Future<Output = Result<oauth2::HttpResponse, TokenHttpError>> + Send + 'c>>;

    fn call(&'c self, request: oauth2::HttpRequest) -> Self::Future {
        Box::pin(send_token_request(self.http.clone(), request, &self.sent))
    }
}

/// Why a token request got no usable answer.
#[derive(Debug)]
enum TokenHttpError {
    /// The request failed (connect, timeout, TLS, …).
    Send(reqwest::Error),
    /// The token endpoint redirected (refused: see [`send_token_request`]).
    Redirected(reqwest::StatusCode),
    /// The token URL is not one reqwest can send to.
    BadUrl,
    /// The success answer is longer than [`MAX_TOKEN_ANSWER`] (it is not shown).
    TooLong,
}

impl std::fmt::Display for TokenHttpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Send(e) => write!(f, "{e}"),
            Self::Redirected(status) => write!(
                f,
                "the token endpoint answered with a redirect ({status}); token requests never \
                 follow redirects"
            ),
            Self::BadUrl => f.write_str("the token URL is not a valid URL"),
            Self::TooLong => write!(
                f,
                "the token endpoint's answer is longer than the {} KiB the SDK reads",
                MAX_TOKEN_ANSWER / 1024
            ),
        }
    }
}

impl std::error::Error for TokenHttpError {}

/// Sends one token-endpoint request. The body (client secret, code or refresh token) must reach
/// the token URL and nothing else, whatever the client's redirect policy (a client given with
/// [`OAuthApp::http_client`] may follow redirects):
/// - the body is a one-shot stream, which reqwest cannot replay, so a 307/308 is never followed
///   (the redirect comes back as the answer); a 301/302/303 is followed as a bodyless `GET`;
/// - any redirect status, and any answer from another URL than the token URL, is an error.
///
/// The answer is read bounded, as the request path reads Close's: a success up to
/// [`MAX_TOKEN_ANSWER`] (a longer one is an error), an error up to 64 KiB, redacted (and cleaned
/// of `sent`). Dropped at any await, nothing is left behind but the connection.
async fn send_token_request(
    http: reqwest::Client,
    request: oauth2::HttpRequest,
    sent: &[SecretString],
) -> Result<oauth2::HttpResponse, TokenHttpError> {
    let (parts, body) = request.into_parts();
    let url = reqwest::Url::parse(&parts.uri.to_string()).map_err(|_| TokenHttpError::BadUrl)?;
    let length = body.len();
    let one_shot = futures_util::stream::once(std::future::ready(Ok::<_, std::io::Error>(body)));
    let mut response = http
        .request(parts.method, url.clone())
        .headers(parts.headers)
        .header(reqwest::header::CONTENT_LENGTH, length)
        .body(reqwest::Body::wrap_stream(one_shot))
        .send()
        .await
        .map_err(TokenHttpError::Send)?;
    let status = response.status();
    if status.is_redirection() || response.url() != &url {
        return Err(TokenHttpError::Redirected(status));
    }
    let mut headers = response.headers().clone();
    // An error answer only ever becomes an error: redacted as it is read, as the request path
    // does for Close's API (a success holds the tokens, which the caller gets).
    let bytes = if status.is_success() {
        if response
            .content_length()
            .is_some_and(|n| n > MAX_TOKEN_ANSWER as u64)
        {
            return Err(TokenHttpError::TooLong);
        }
        let bytes = read_bounded(&mut response, MAX_TOKEN_ANSWER + 1)
            .await
            .map_err(TokenHttpError::Send)?;
        if bytes.len() > MAX_TOKEN_ANSWER {
            return Err(TokenHttpError::TooLong);
        }
        bytes
    } else {
        let bytes = read_bounded(&mut response, MAX_ERROR_BODY)
            .await
            .map_err(TokenHttpError::Send)?;
        let known = Secrets::known(sent.iter().map(|s| s.expose_secret()));
        crate::redact::error_answer_knowing(&mut headers, bytes, known)
    };
    let mut out = http::Response::new(bytes.to_vec());
    *out.status_mut() = status;
    *out.headers_mut() = headers;
    Ok(out)
}

/// The error for a failed token request. Every message quoting the token endpoint's answer goes
/// through the redaction (an answer that does not parse may hold the tokens).
fn token_error(e: oauth2::RequestTokenError<TokenHttpError, BasicErrorResponse>) -> Error {
    use crate::redact::message;
    match e {
        oauth2::RequestTokenError::ServerResponse(r) => {
            let mut msg = format!("token endpoint refused: {}", r.error());
            if let Some(d) = r.error_description() {
                msg.push_str(&format!(" ({d})"));
            }
            Error::Auth(message(&msg, b""))
        }
        oauth2::RequestTokenError::Request(TokenHttpError::Send(e)) => Error::from_reqwest(e),
        oauth2::RequestTokenError::Request(e) => Error::Auth(e.to_string()),
        oauth2::RequestTokenError::Parse(e, body) => Error::Auth(message(
            &format!("token endpoint answered something unexpected: {e}"),
            &body,
        )),
        oauth2::RequestTokenError::Other(m) => {
            Error::Auth(message(&format!("token endpoint: {m}"), b""))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorize_url_has_code_flow_parameters_and_a_fresh_state() {
        let app = OAuthApp::new("oa2client_1", "s3cret")
            .unwrap()
            .redirect_url("https://example.com/cb")
            .unwrap();
        let a = app.authorize_url();
        let b = app.authorize_url();
        assert_ne!(a.state, b.state);
        assert!(a.url.as_str().starts_with(AUTHORIZE_URL));
        let q: std::collections::HashMap<_, _> = a.url.query_pairs().into_owned().collect();
        assert_eq!(q["response_type"], "code");
        assert_eq!(q["client_id"], "oa2client_1");
        assert_eq!(q["state"], a.state);
        assert_eq!(q["redirect_uri"], "https://example.com/cb");
        assert!(!a.url.as_str().contains("s3cret"));
        assert!(!format!("{app:?}").contains("s3cret"));
    }

    #[test]
    fn tokens_debug_is_redacted() {
        let t = Tokens::new("acc_secret", Some("ref_secret".into()), None);
        let d = format!("{t:?}");
        assert!(
            !d.contains("acc_secret") && !d.contains("ref_secret"),
            "{d}"
        );
    }

    fn response_expiring_in(secs: u64) -> CloseTokenResponse {
        let mut r = CloseTokenResponse::new(
            oauth2::AccessToken::new("a".into()),
            BasicTokenType::Bearer,
            CloseTokenFields::default(),
        );
        r.set_expires_in(Some(&Duration::from_secs(secs)));
        r
    }

    #[test]
    fn extreme_expires_in_is_far_future_or_unknown_never_a_panic() {
        for (secs, known) in [
            (0, true),
            (1, true),
            (3600, true),
            (1_000_000_000_000, true),
            (i64::MAX as u64, false),
            (u64::MAX - 1, false),
            (u64::MAX, false),
        ] {
            let t = Tokens::from_response(&response_expiring_in(secs));
            assert_eq!(t.expires_at.is_some(), known, "{secs}");
            assert_eq!(t.expires_within(Duration::MAX), known, "{secs}");
            assert_eq!(
                t.expires_within(Duration::from_secs(60)),
                secs <= 60,
                "{secs}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn any_expires_in_and_margin_are_handled(
            secs in proptest::prop_oneof![
                proptest::strategy::Just(0u64),
                proptest::strategy::Just(u64::MAX),
                0..10_000_000_000u64,
                proptest::prelude::any::<u64>(),
            ],
            margin in proptest::prelude::any::<u64>(),
        ) {
            let t = Tokens::from_response(&response_expiring_in(secs));
            let _ = t.expires_within(Duration::from_secs(margin));
            let _ = t.expires_within(Duration::MAX);
            if let Some(at) = t.expires_at {
                proptest::prop_assert!(at >= SystemTime::now() - Duration::from_secs(1));
            }
        }
    }

    /// A token endpoint that redirects (`status`) to a second server, which records whether any
    /// request (and any request carrying the client secret) reached it.
    async fn refresh_through_redirect(status: u16, app_http: Option<reqwest::Client>) {
        let elsewhere = httpmock::MockServer::start_async().await;
        let secret_resent = elsewhere
            .mock_async(|when, then| {
                when.body_includes("client-secret-value");
                then.status(200).json_body(serde_json::json!({
                    "token_type": "Bearer", "access_token": "stolen", "expires_in": 3600
                }));
            })
            .await;
        let anything = elsewhere
            .mock_async(|when, then| {
                when.method(httpmock::Method::GET);
                then.status(200).json_body(serde_json::json!({
                    "token_type": "Bearer", "access_token": "stolen", "expires_in": 3600
                }));
            })
            .await;
        let token = httpmock::MockServer::start_async().await;
        let redirect = token
            .mock_async(|when, then| {
                when.path("/oauth2/token/");
                then.status(status)
                    .header("location", elsewhere.url("/oauth2/token/"));
            })
            .await;
        let mut app = OAuthApp::new("oa2client_1", "client-secret-value")
            .unwrap()
            .endpoints(&token.url("/authorize/"), &token.url("/oauth2/token/"))
            .unwrap();
        if let Some(http) = app_http {
            app = app.http_client(http);
        }
        let result = app.refresh(&SecretString::from("r1".to_string())).await;
        let e = result.expect_err("a redirected token request must fail");
        assert!(matches!(e, Error::Auth(_)), "{e:?}");
        assert!(e.to_string().contains("redirect"), "{e}");
        assert!(!e.to_string().contains("client-secret-value"), "{e}");
        assert_eq!(redirect.calls_async().await, 1);
        assert_eq!(
            secret_resent.calls_async().await,
            0,
            "{status}: secret re-posted"
        );
        if status == 307 || status == 308 {
            assert_eq!(anything.calls_async().await, 0, "{status}: followed");
        }
    }

    #[tokio::test]
    async fn the_token_client_never_follows_redirects() {
        for status in [301, 302, 303, 307, 308] {
            refresh_through_redirect(status, None).await;
        }
    }

    #[tokio::test]
    async fn a_user_client_that_follows_redirects_never_re_posts_the_secret() {
        for status in [301, 302, 303, 307, 308] {
            // The API client's settings: reqwest's default policy, which follows redirects.
            let follows = crate::transport::http_client::http_client(
                crate::DEFAULT_CONNECT_TIMEOUT,
                crate::DEFAULT_TIMEOUT,
            )
            .unwrap();
            refresh_through_redirect(status, Some(follows)).await;
        }
    }
}
