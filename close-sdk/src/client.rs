//! Building a [`Client`]: credentials, base URL, timeouts, user agent, HTTP client.

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;

use crate::auth::Authorizer;
use crate::transport::http_client::http_client;
use crate::{Client, ClientContext, Credentials, Error, RetryPolicy, TzOffset};

/// Close's API root.
pub const DEFAULT_BASE_URL: &str = "https://api.close.com/api/v1";

/// Default time to establish a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Default time for one attempt of a request, body included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// Configures a [`Client`].
///
/// ```
/// # fn main() -> Result<(), close_sdk::Error> {
/// let client = close_sdk::Client::builder()
///     .api_key("api_XXXX")
///     .base_url("https://api.close.com/api/v1/")
///     .timeout(std::time::Duration::from_secs(30))
///     .build()?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct ClientBuilder {
    base_url: String,
    credentials: Option<Credentials>,
    #[cfg(feature = "oauth")]
    oauth: Option<(crate::oauth::OAuthApp, crate::oauth::Tokens)>,
    #[cfg(feature = "oauth")]
    on_token_refresh: Option<crate::auth::RefreshCallback>,
    timeout: Duration,
    connect_timeout: Duration,
    user_agent: Option<String>,
    http_client: Option<reqwest::Client>,
    retry: RetryPolicy,
    tz_offset: Option<TzOffset>,
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &redact_userinfo(&self.base_url))
            .field("credentials", &self.credentials)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("user_agent", &self.user_agent)
            .field("retry", &self.retry)
            .field("tz_offset", &self.tz_offset)
            .finish_non_exhaustive()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            base_url: DEFAULT_BASE_URL.into(),
            credentials: None,
            #[cfg(feature = "oauth")]
            oauth: None,
            #[cfg(feature = "oauth")]
            on_token_refresh: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            user_agent: None,
            http_client: None,
            retry: RetryPolicy::default(),
            tz_offset: None,
        }
    }
}

impl ClientBuilder {
    /// Authenticate with a Close API key (HTTP Basic, the key as user name).
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.credentials = Some(Credentials::api_key(key));
        #[cfg(feature = "oauth")]
        {
            self.oauth = None;
        }
        self
    }

    /// Authenticate with an OAuth 2 access token (`Authorization: Bearer …`).
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.credentials = Some(Credentials::bearer_token(token));
        #[cfg(feature = "oauth")]
        {
            self.oauth = None;
        }
        self
    }

    /// Authenticate with the given credentials.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        #[cfg(feature = "oauth")]
        {
            self.oauth = None;
        }
        self
    }

    /// Authenticate with OAuth tokens that refresh themselves: before they expire, and once
    /// after a 401. Close rotates refresh tokens; use [`ClientBuilder::on_token_refresh`] to
    /// persist each new one.
    #[cfg(feature = "oauth")]
    pub fn oauth(mut self, app: crate::oauth::OAuthApp, tokens: crate::oauth::Tokens) -> Self {
        self.credentials = None;
        self.oauth = Some((app, tokens));
        self
    }

    /// Called with the new tokens after every refresh (store `refresh_token`: the old one no
    /// longer works). It runs on tokio's blocking pool, never under the token lock, one call at
    /// a time in refresh order, and even when every call that waited for the refresh was
    /// dropped. The calls that waited for a refresh return after its callback; other calls do
    /// not wait for it.
    #[cfg(feature = "oauth")]
    pub fn on_token_refresh(
        mut self,
        callback: impl Fn(&crate::oauth::Tokens) + Send + Sync + 'static,
    ) -> Self {
        self.on_token_refresh = Some(Arc::new(callback));
        self
    }

    /// How failed requests are retried (see [`RetryPolicy`]; [`RetryPolicy::none`] turns
    /// retries off).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Send `offset` as Close's `x-tz-offset` header with every request (none by default), so
    /// that date filters, reports and relative dates ("today") are read in that timezone; see
    /// [`TzOffset`]. [`Client::with_tz_offset`] overrides it for some calls.
    ///
    /// ```
    /// # fn main() -> Result<(), close_sdk::Error> {
    /// use close_sdk::{Client, TzOffset};
    /// let client = Client::builder()
    ///     .api_key("api_XXXX")
    ///     .tz_offset(TzOffset::from_hours(-4.0)?) // sent as `x-tz-offset: -4`
    ///     .build()?;
    /// # Ok(()) }
    /// ```
    pub fn tz_offset(mut self, offset: TzOffset) -> Self {
        self.tz_offset = Some(offset);
        self
    }

    /// Use another API root (a proxy, a mock server). A trailing `/` is ignored. A URL with a
    /// user name or password (`https://user:pass@host`) is refused by [`ClientBuilder::build`].
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// Time allowed for one attempt of a request, response body included (default 60 s).
    /// Not applied to a client given with [`ClientBuilder::http_client`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Time allowed to establish a connection (default 5 s). Not applied to a client given
    /// with [`ClientBuilder::http_client`].
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The `User-Agent` to send (default `close-sdk/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Use your own `reqwest::Client` (proxies, TLS roots, connection pool settings). Its
    /// timeouts apply instead of this builder's; authentication and the user agent are still
    /// added to every request.
    ///
    /// Build it with `.redirect(reqwest::redirect::Policy::none())`: Close's API documents no
    /// redirects, and a client that follows one re-sends the request to wherever the answer
    /// points (the SDK's own client never does). An answer that arrives from another URL than
    /// the request's is refused with [`Error::InvalidResponse`], but by then the request has
    /// been sent there.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Reads `CLOSE_API_KEY` (or, without it, `CLOSE_ACCESS_TOKEN` as an OAuth bearer token) and
    /// `CLOSE_BASE_URL` if set.
    pub fn from_env() -> Result<Self, Error> {
        Self::default().env_from(|k| std::env::var(k).ok())
    }

    fn env_from(mut self, var: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let set = |k: &str| var(k).filter(|v| !v.trim().is_empty());
        self = match (set("CLOSE_API_KEY"), set("CLOSE_ACCESS_TOKEN")) {
            (Some(key), _) => self.api_key(key),
            (None, Some(token)) => self.bearer_token(token),
            (None, None) => {
                return Err(Error::Config(
                    "neither CLOSE_API_KEY nor CLOSE_ACCESS_TOKEN is set".into(),
                ))
            }
        };
        if let Some(url) = set("CLOSE_BASE_URL") {
            self = self.base_url(url);
        }
        Ok(self)
    }

    /// Validates the settings and builds the client. Nothing is sent.
    pub fn build(self) -> Result<Client, Error> {
        let base_url = normalize_base_url(&self.base_url)?;
        let ua = self
            .user_agent
            .unwrap_or_else(|| concat!("close-sdk/", env!("CARGO_PKG_VERSION")).into());
        let user_agent = HeaderValue::from_str(&ua)
            .map_err(|_| Error::Config(format!("invalid user agent {ua:?}")))?;
        let user_http_client = self.http_client.is_some();
        let http = match self.http_client {
            Some(c) => c,
            None => http_client(self.connect_timeout, self.timeout)?,
        };
        let authorizer = match self.credentials {
            Some(c) => Authorizer::Static(c.header_value().map_err(Error::Config)?),
            #[cfg(feature = "oauth")]
            None if self.oauth.is_some() => {
                let (app, tokens) = self
                    .oauth
                    .ok_or_else(|| Error::Config("no OAuth tokens".into()))?;
                let manager = crate::auth::TokenManager::new(app, tokens, self.on_token_refresh);
                Authorizer::OAuth(Arc::new(manager))
            }
            None => {
                return Err(Error::Config(
                    "no credentials: call .api_key(…), .bearer_token(…) or .oauth(…)".into(),
                ))
            }
        };
        let context = ClientContext {
            base_url: reqwest::Url::parse(&base_url)
                .map_err(|e| Error::Config(format!("base URL does not parse: {e}")))?,
            authorizer,
            user_agent,
            retry: self.retry,
            timeout: None,
            tz_offset: self.tz_offset,
            client_timeout: (!user_http_client).then_some(self.timeout),
            user_http_client,
            throttle: Arc::default(),
        };
        Ok(Client::new_with_client(&base_url, http, context))
    }
}

/// Checks that `url` is an absolute http(s) URL without credentials, query or fragment, and
/// returns it without trailing `/` (generated paths start with `/`). Messages show the URL with
/// any user name and password redacted.
fn normalize_base_url(url: &str) -> Result<String, Error> {
    let shown = redact_userinfo(url);
    let parsed = reqwest::Url::parse(url.trim())
        .map_err(|e| Error::Config(format!("base URL {shown:?} does not parse: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(Error::Config(format!(
            "base URL {shown:?} is not an http(s) URL"
        )));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(Error::Config(format!(
            "base URL {shown:?} must not contain a user name or password: the SDK would not \
             send them; authenticate with .api_key(…), .bearer_token(…) or .oauth(…)"
        )));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(Error::Config(format!(
            "base URL {shown:?} must not have a query or fragment"
        )));
    }
    Ok(parsed.as_str().trim_end_matches('/').to_string())
}

/// `url` with everything between `://` and its last `@` replaced by `<redacted>`: a user name
/// and password never reach `Debug` or an error message, even in a URL that does not parse.
fn redact_userinfo(url: &str) -> std::borrow::Cow<'_, str> {
    let Some(at) = url.rfind('@') else {
        return url.into();
    };
    let start = url.find("://").map_or(0, |i| i + 3).min(at);
    format!("{}<redacted>{}", &url[..start], &url[at..]).into()
}

/// The base URL without a user name or password (a `Client` made with
/// `Client::new_with_client` keeps the base URL it was given) and the context, whose secrets
/// are redacted.
impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("baseurl", &redact_userinfo(&self.baseurl))
            .field("inner", &self.inner)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A builder for a client; see [`ClientBuilder`].
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from the environment; see [`ClientBuilder::from_env`].
    pub fn from_env() -> Result<Client, Error> {
        ClientBuilder::from_env()?.build()
    }

    /// A handle whose calls use `timeout` per attempt instead of the client's. It shares
    /// credentials and rate-limit state with `self`.
    ///
    /// ```no_run
    /// # use close_sdk::prelude::*;
    /// # async fn run(client: Client) -> Result<(), Error> {
    /// let views = client.with_timeout(std::time::Duration::from_secs(5)).pinned_views("memb_1").await?;
    /// # Ok(()) }
    /// ```
    pub fn with_timeout(&self, timeout: Duration) -> Client {
        let mut c = self.clone();
        c.inner.timeout = Some(timeout);
        c
    }

    /// A handle whose calls send `offset` as `x-tz-offset` instead of the client's ([`None`]:
    /// send none). It shares credentials and rate-limit state with `self`.
    ///
    /// ```no_run
    /// # use close_sdk::prelude::*;
    /// # async fn run(client: Client) -> Result<(), Error> {
    /// let nst = client.with_tz_offset(close_sdk::TzOffset::from_hours(-2.5)?);
    /// let me = nst.users().get_me().await?; // sent with `x-tz-offset: -2.5`
    /// # Ok(()) }
    /// ```
    pub fn with_tz_offset(&self, offset: impl Into<Option<TzOffset>>) -> Client {
        let mut c = self.clone();
        c.inner.tz_offset = offset.into();
        c
    }

    /// A handle whose calls use `policy` instead of the client's retry policy. It shares
    /// credentials and rate-limit state with `self`.
    pub fn with_retry_policy(&self, policy: RetryPolicy) -> Client {
        let mut c = self.clone();
        c.inner.retry = policy;
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use progenitor_client::ClientInfo;

    #[test]
    fn base_urls_are_normalised_or_rejected() {
        assert_eq!(
            normalize_base_url("https://api.close.com/api/v1/").unwrap(),
            "https://api.close.com/api/v1"
        );
        assert_eq!(
            normalize_base_url("http://127.0.0.1:8080").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert_eq!(
            normalize_base_url("http://127.0.0.1:8080///").unwrap(),
            "http://127.0.0.1:8080"
        );
        for bad in [
            "",
            "api.close.com",
            "ftp://x.y/",
            "https://x.y/?a=1",
            "https://x.y/#f",
            "http://",
        ] {
            assert!(
                matches!(normalize_base_url(bad), Err(Error::Config(_))),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn a_client_made_by_hand_shows_its_base_url_without_the_password() {
        use progenitor_client::ClientInfo as _;
        let built = Client::builder().api_key("sk_hunter2key").build().unwrap();
        let made = Client::new_with_client(
            "https://u:hunter2pw@api.close.com/api/v1",
            reqwest::Client::new(),
            built.inner().clone(),
        );
        let shown = format!("{made:?} {built:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("api.close.com/api/v1"), "{shown}");
    }

    #[test]
    fn base_urls_with_credentials_are_refused_without_echoing_them() {
        for url in [
            "https://u:hunter2pw@api.close.com/api/v1",
            "https://:hunter2pw@api.close.com/",
            "https://user@api.close.com/",
            "http://u:hunter2pw@127.0.0.1:8080/?q=1",
            "https://u:hunter2pw/x@api.close.com/",
            "https://u:hunter2pw@@/",
        ] {
            let built = Client::builder().api_key("k").base_url(url);
            assert!(!format!("{built:?}").contains("hunter2pw"), "{built:?}");
            match built.build() {
                Err(Error::Config(msg)) => {
                    assert!(
                        !msg.contains("hunter2pw") && !msg.contains("user@"),
                        "{msg}"
                    )
                }
                other => panic!("{url}: {other:?}"),
            }
        }
        assert_eq!(
            redact_userinfo("https://u:p@h/a@b"),
            "https://<redacted>@b",
            "over-redacts rather than risk a password"
        );
        assert_eq!(redact_userinfo("u:p@h"), "<redacted>@h");
        assert_eq!(redact_userinfo("https://h/"), "https://h/");
    }

    #[test]
    fn env_prefers_api_key_then_token_and_reads_base_url() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        let b = ClientBuilder::default()
            .env_from(env(&[
                ("CLOSE_API_KEY", "k"),
                ("CLOSE_BASE_URL", "http://localhost:1/"),
            ]))
            .unwrap();
        assert!(matches!(b.credentials, Some(Credentials::ApiKey(_))));
        let client = b.build().unwrap();
        assert_eq!(client.baseurl(), "http://localhost:1");
        let b = ClientBuilder::default()
            .env_from(env(&[("CLOSE_ACCESS_TOKEN", "t")]))
            .unwrap();
        assert!(matches!(b.credentials, Some(Credentials::BearerToken(_))));
        assert!(matches!(
            ClientBuilder::default().env_from(env(&[("CLOSE_API_KEY", " ")])),
            Err(Error::Config(_))
        ));
    }

    #[test]
    fn debug_output_has_no_secret() {
        let client = Client::builder().api_key("sekrit_key_123").build().unwrap();
        let builder = Client::builder().bearer_token("sekrit_tok_456");
        for text in [format!("{client:?}"), format!("{builder:?}")] {
            assert!(!text.contains("sekrit"), "{text}");
        }
        // Base64 of the key must not leak either.
        assert!(!format!("{client:?}").contains("c2Vrcml0"));
    }
}
