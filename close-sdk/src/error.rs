//! `close_sdk::Error`: one error type for every failure.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
#[cfg(feature = "schemars")]
use schemars::schema::{InstanceType, Schema, SchemaObject};
use serde_json::{Map, Value};

use crate::RateLimit;

/// What the request path did for a call, for the error made from its last answer.
#[derive(Debug, Clone)]
pub(crate) struct RetryRecord {
    pub(crate) attempts: u32,
    /// A server-requested wait that was above the policy's limit: `(requested, limit)`.
    pub(crate) refused_wait: Option<(Duration, Duration)>,
    /// The call the answer came from.
    pub(crate) call: Option<CallSite>,
}

/// Which call an error came from: the operation id, the method and the path.
///
/// `Display` reads `leads_get (GET /lead/{lead_id}/)`. The path is the operation's template
/// for a generated operation, the request's own path (never its query) otherwise.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallSite {
    /// The operation id (e.g. `"leads_get"`; `"raw_request"` for a raw request that matches no
    /// generated operation).
    pub operation: &'static str,
    /// The HTTP method.
    pub method: http::Method,
    /// The path template (e.g. `/lead/{lead_id}/`), or the request's path without its query.
    pub path: Cow<'static, str>,
}

impl fmt::Display for CallSite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({} {})", self.operation, self.method, self.path)
    }
}

/// Where a success body that did not decode ([`Error::Decode`]) came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct DecodeContext {
    /// The call whose answer it was, when known.
    pub call: Option<CallSite>,
    /// The answer's `Content-Type`, when it had one (cut to 100 bytes).
    pub content_type: Option<String>,
    /// The Rust type it was read as, module paths left out (e.g. `Lead`), when known.
    pub type_name: Option<String>,
}

/// A duration for a message: whole seconds as `120s`, otherwise to the millisecond.
fn secs(d: Duration) -> String {
    if d.subsec_nanos() == 0 {
        format!("{}s", d.as_secs())
    } else {
        format!("{:.3}s", d.as_secs_f64())
    }
}

/// A Rust type's name without its module paths (`Vec<close_sdk::types::Lead>` → `Vec<Lead>`).
pub(crate) fn short_type_name(full: &'static str) -> String {
    let mut out = String::new();
    let mut ident = String::new();
    for c in full.chars() {
        if c.is_alphanumeric() || c == '_' || c == ':' {
            ident.push(c);
        } else {
            out.push_str(ident.rsplit("::").next().unwrap_or_default());
            ident.clear();
            out.push(c);
        }
    }
    out.push_str(ident.rsplit("::").next().unwrap_or_default());
    out
}
/// At most this many bytes of a non-JSON body are kept in an error.
pub(crate) const MAX_RAW_BODY: usize = 8 * 1024;

/// Everything that can go wrong with a call.
///
/// Match on the variant for the kind of failure, or use [`Error::status`] and
/// [`Error::api_error`] for the server's answer. `Display` is one line a person can act on.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The request was invalid and was not sent (e.g. a malformed email or an empty id).
    InvalidRequest(String),
    /// The client could not be configured (e.g. an unparsable base URL or missing credentials).
    Config(String),
    /// The request or the response body did not complete within the timeout.
    Timeout(reqwest::Error),
    /// The server could not be reached or the connection failed mid-way.
    Transport(reqwest::Error),
    /// Close answered with a status the operation does not succeed with (4xx, 5xx, or an
    /// undocumented one).
    Api(Box<ApiError>),
    /// Close asked for a wait (e.g. a 429's reset) longer than the retry policy's
    /// `max_server_wait`, so the request was not retried.
    ServerWaitTooLong {
        /// The wait the server asked for.
        requested: Duration,
        /// The longest wait the policy allows.
        limit: Duration,
        /// The answer that asked for it.
        error: Box<ApiError>,
    },
    /// Authentication failed before the request could be sent (e.g. an OAuth refresh failed).
    Auth(String),
    /// The answer was refused before decoding (nothing of it is used): a success body larger
    /// than the SDK reads, or an answer reached through a redirect (Close's API documents none;
    /// a request is never followed to another URL).
    InvalidResponse(String),
    /// Close answered with success, but the body is not what the operation returns.
    Decode {
        /// The body, cut to a bounded length.
        body: String,
        /// Why it did not decode.
        source: serde_json::Error,
        /// Which call's answer it was and what it was read as, when known.
        context: Option<Box<DecodeContext>>,
    },
    /// A by-name lookup (e.g. `client.opportunity_statuses().by_name("Active")`) found two or
    /// more items with that name; the SDK does not pick one. Look the item up by its id.
    Ambiguous {
        /// What was looked up, in the plural (e.g. `"opportunity statuses"`).
        what: &'static str,
        /// The name (or email) asked for, trimmed.
        name: String,
        /// How many items matched (at least 2).
        count: usize,
        /// The ids of the matching items (those that had one), in Close's order.
        ids: Vec<String>,
    },
}

/// A non-success answer from Close: status, headers and the parsed error body.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: http::HeaderMap,
    /// The error body (empty when there was none; `raw` set when it was not JSON).
    pub body: ErrorBody,
    /// The `RateLimit` header, when present.
    pub rate_limit: Option<RateLimit>,
    /// How many attempts were made (more than 1 when the request was retried).
    pub attempts: u32,
    /// What Close's documentation gives as the reason for this status on this operation, when
    /// the SDK knows it (e.g. a 403 from creating a membership); quoted in `Display`.
    pub documented_reason: Option<&'static str>,
    /// The call that got this answer, when known (`Display` names it).
    pub call: Option<CallSite>,
}

impl ApiError {
    /// Builds an error from a response's parts. `body` is the (bounded) response body; the
    /// headers are redacted ([`crate::redact`]).
    pub(crate) fn new(status: StatusCode, mut headers: http::HeaderMap, body: ErrorBody) -> Self {
        crate::redact::headers(&mut headers);
        let rate_limit = RateLimit::from_headers(&headers);
        ApiError {
            status,
            headers,
            body,
            rate_limit,
            attempts: 1,
            documented_reason: None,
            call: None,
        }
    }

    /// The wait Close asked for before trying again, read from the answer: for a 429 the
    /// `RateLimit` reset, `Retry-After` (seconds or an HTTP date) or the legacy body's
    /// `rate_reset`; for a transient status (502–504) `Retry-After` (or the reset of a used-up
    /// window); for any other status, none.
    /// The same reading the retry policy acts on. `None` when the answer asks for no wait.
    ///
    /// ```
    /// # async fn run(client: close_sdk::Client) -> Result<(), close_sdk::Error> {
    /// match client.users().get_me().await {
    ///     Err(e) if e.retry_after().is_some() => {
    ///         println!("try again in {:?}", e.retry_after());
    ///     }
    ///     other => { other?; }
    /// }
    /// # Ok(()) }
    /// ```
    pub fn retry_after(&self) -> Option<Duration> {
        crate::transport::retry::server_wait(
            self.status,
            &self.headers,
            || self.body.rate_reset(),
            SystemTime::now(),
        )
    }

    /// `Display` without the wait (for an error that says the wait itself).
    fn write(&self, f: &mut fmt::Formatter<'_>, with_wait: bool) -> fmt::Result {
        if self.status.is_success() {
            write!(f, "unexpected status {}", self.status)?;
        } else {
            write!(f, "{}", self.status)?;
        }
        if let Some(call) = &self.call {
            write!(f, " from {call}")?;
        }
        let msg = self.body.message();
        if !msg.is_empty() {
            write!(f, ": {msg}")?;
        }
        if let Some(reason) = self.documented_reason {
            write!(f, " (Close documents: \"{reason}\")")?;
        }
        if self.attempts > 1 {
            write!(f, " (after {} attempts)", self.attempts)?;
        }
        if with_wait {
            // A legacy body's `rate_reset` is in the message already when it has no `message`.
            let said = match &self.body.error {
                Some(ErrorDetail::Object(o)) if !o.contains_key("message") => self
                    .body
                    .rate_reset()
                    .and_then(|s| Duration::try_from_secs_f64(s).ok()),
                _ => None,
            };
            match self.retry_after() {
                Some(wait) if Some(wait) != said => {
                    write!(f, " (Close asks to wait {} before retrying)", secs(wait))?
                }
                _ => {}
            }
        }
        Ok(())
    }
}

/// The body of a Close error response. Close publishes no schema; this is what its clients and
/// examples show: `error` (a string, or an object such as the old `{"rate_reset": …}`),
/// `errors` (a list) and `field-errors` (field name → message).
///
/// However it is made ([`ErrorBody::from_bytes`], `Deserialize`), the values of secret members
/// ([`crate::SECRET_MEMBERS`]) are replaced by `<redacted>`, anywhere in it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ErrorBody {
    /// The `error` member.
    pub error: Option<ErrorDetail>,
    /// The `errors` member.
    pub errors: Vec<Value>,
    /// The `field-errors` member.
    pub field_errors: BTreeMap<String, Value>,
    /// Any other members.
    pub other: BTreeMap<String, Value>,
    /// The body as text when it was not a JSON object (cut to a bounded length).
    pub raw: Option<String>,
}

/// The `error` member of an error body.
#[derive(Debug, Clone, PartialEq)]
pub enum ErrorDetail {
    /// A message.
    Message(String),
    /// An object (e.g. `{"rate_reset": 1.5}` in older 429 bodies).
    Object(Map<String, Value>),
}

impl ErrorBody {
    /// Parses a response body: a JSON object gives the members, anything else is kept as raw
    /// text. Secrets are redacted either way.
    pub fn from_bytes(bytes: &[u8]) -> Self {
        match serde_json::from_slice::<Value>(bytes) {
            Ok(v) => Self::from_value(v),
            Err(_) if bytes.is_empty() => Self::default(),
            Err(_) => Self::raw_text(&String::from_utf8_lossy(&crate::redact::body(bytes).0)),
        }
    }

    fn raw_text(text: &str) -> Self {
        ErrorBody {
            raw: Some(truncate(text, MAX_RAW_BODY)),
            ..Default::default()
        }
    }

    fn from_value(mut v: Value) -> Self {
        crate::redact::json(&mut v);
        let mut obj = match v {
            Value::Object(obj) => obj,
            Value::String(s) => return Self::raw_text(&s),
            other => return Self::raw_text(&other.to_string()),
        };
        let error = obj.remove("error").and_then(|e| match e {
            Value::Null => None,
            Value::String(s) => Some(ErrorDetail::Message(s)),
            Value::Object(o) => Some(ErrorDetail::Object(o)),
            other => Some(ErrorDetail::Message(other.to_string())),
        });
        let errors = match obj.remove("errors") {
            None | Some(Value::Null) => vec![],
            Some(Value::Array(a)) => a,
            Some(other) => vec![other],
        };
        let field_errors = match obj.remove("field-errors") {
            Some(Value::Object(o)) => o.into_iter().collect(),
            None | Some(Value::Null) => BTreeMap::new(),
            Some(other) => BTreeMap::from([(String::new(), other)]),
        };
        ErrorBody {
            error,
            errors,
            field_errors,
            other: obj.into_iter().collect(),
            raw: None,
        }
    }

    /// Whether the body carried nothing at all.
    pub fn is_empty(&self) -> bool {
        *self == ErrorBody::default()
    }

    /// `rate_reset` from a legacy 429 body (`{"error": {"rate_reset": 1.5}}`), in seconds.
    pub fn rate_reset(&self) -> Option<f64> {
        match &self.error {
            Some(ErrorDetail::Object(o)) => o.get("rate_reset").and_then(Value::as_f64),
            _ => None,
        }
    }

    /// One line summarising the body: the message, the general errors, then `field: message`
    /// for each field error; the raw text's first line when the body was not JSON.
    pub fn message(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        match &self.error {
            Some(ErrorDetail::Message(m)) if !m.is_empty() => parts.push(m.clone()),
            Some(ErrorDetail::Object(o)) => {
                if let Some(m) = o.get("message").and_then(Value::as_str) {
                    parts.push(m.to_string());
                } else if let Some(r) = self.rate_reset() {
                    parts.push(format!("rate limited; resets in {r}s"));
                } else {
                    parts.push(Value::Object(o.clone()).to_string());
                }
            }
            _ => {}
        }
        parts.extend(self.errors.iter().map(text_of));
        for (field, msg) in &self.field_errors {
            if field.is_empty() {
                parts.push(text_of(msg));
            } else {
                parts.push(format!("{field}: {}", text_of(msg)));
            }
        }
        if parts.is_empty() {
            if let Some(raw) = &self.raw {
                let first = raw
                    .lines()
                    .map(str::trim)
                    .find(|l| !l.is_empty())
                    .unwrap_or_default();
                parts.push(truncate(first, 200));
            }
        }
        parts.join("; ")
    }
}

fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(text_of).collect::<Vec<_>>().join(" "),
        other => other.to_string(),
    }
}

/// Cuts `s` to at most `max` bytes on a character boundary, marking the cut.
pub(crate) fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

impl serde::Serialize for ErrorBody {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if let Some(raw) = &self.raw {
            return s.serialize_str(raw);
        }
        let mut obj: Map<String, Value> = self.other.clone().into_iter().collect();
        match &self.error {
            Some(ErrorDetail::Message(m)) => {
                obj.insert("error".into(), Value::String(m.clone()));
            }
            Some(ErrorDetail::Object(o)) => {
                obj.insert("error".into(), Value::Object(o.clone()));
            }
            None => {}
        }
        if !self.errors.is_empty() {
            obj.insert("errors".into(), Value::Array(self.errors.clone()));
        }
        if !self.field_errors.is_empty() {
            obj.insert(
                "field-errors".into(),
                Value::Object(self.field_errors.clone().into_iter().collect()),
            );
        }
        Value::Object(obj).serialize(s)
    }
}

impl<'de> serde::Deserialize<'de> for ErrorBody {
    /// Never fails on valid JSON: an object gives the members, anything else becomes `raw`.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Value::deserialize(d).map(ErrorBody::from_value)
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for ErrorBody {
    fn schema_name() -> String {
        "ErrorBody".into()
    }

    fn json_schema(_: &mut schemars::r#gen::SchemaGenerator) -> Schema {
        Schema::Object(SchemaObject {
            instance_type: Some(vec![InstanceType::Object, InstanceType::String].into()),
            ..Default::default()
        })
    }
}

impl Error {
    /// The same refusal again, for a cloned [`crate::Request`] refused before sending (every
    /// such refusal carries only its message); any other error is told by its message.
    pub(crate) fn reissued(&self) -> Self {
        match self {
            Error::InvalidRequest(m) => Error::InvalidRequest(m.clone()),
            Error::Config(m) => Error::Config(m.clone()),
            Error::Auth(m) => Error::Auth(m.clone()),
            other => Error::InvalidRequest(other.to_string()),
        }
    }

    /// A success body that did not decode (kept cut to a bounded length): the body and the
    /// decoder's message both redacted ([`crate::redact`]).
    pub(crate) fn decode(body: &[u8], source: serde_json::Error) -> Self {
        let (clean, source) = crate::redact::undecodable(body, source);
        Error::Decode {
            body: truncate(&String::from_utf8_lossy(&clean), MAX_RAW_BODY),
            source,
            context: None,
        }
    }

    /// [`Error::decode`] for the answer of `call`, read as the type named `type_name`.
    /// `content_type`: the answer's, already cleaned of the client's secrets by the caller
    /// (it is shown in the message).
    pub(crate) fn decode_answer(
        body: &[u8],
        source: serde_json::Error,
        call: Option<CallSite>,
        content_type: Option<&str>,
        type_name: &'static str,
    ) -> Self {
        let mut e = Error::decode(body, source);
        if let Error::Decode { context, .. } = &mut e {
            *context = Some(Box::new(DecodeContext {
                call,
                content_type: content_type.map(|v| truncate(v, 100)),
                type_name: Some(short_type_name(type_name)),
            }));
        }
        e
    }

    /// An answer with a status the operation does not document (e.g. 429, 500), or, from the
    /// request path's own decoding, any status but the success one.
    pub(crate) fn unexpected(
        status: StatusCode,
        mut headers: http::HeaderMap,
        record: Option<RetryRecord>,
        body: &[u8],
    ) -> Self {
        // The request path redacted the body already (knowing the client's credentials); this
        // is for an error made elsewhere, and does nothing more to a redacted body.
        let body = crate::redact::error_answer(&mut headers, bytes::Bytes::copy_from_slice(body));
        let mut api = ApiError::new(status, headers, ErrorBody::from_bytes(&body));
        api.attempts = record.as_ref().map_or(1, |r| r.attempts);
        api.call = record.as_ref().and_then(|r| r.call.clone());
        match record.and_then(|r| r.refused_wait) {
            Some((requested, limit)) => Error::ServerWaitTooLong {
                requested,
                limit,
                error: Box::new(api),
            },
            None => Error::Api(Box::new(api)),
        }
    }

    pub(crate) fn from_reqwest(e: reqwest::Error) -> Self {
        if e.is_builder() {
            // The request could not be built (e.g. a query value `transport::query` refuses,
            // or a body whose catch-all names a typed field): nothing was sent.
            let mut text = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                let message = s.to_string();
                if let Some(refused) = message.strip_prefix(crate::wire::CLASH) {
                    return Error::InvalidRequest(refused.to_string());
                }
                text.push_str(": ");
                text.push_str(&message);
                source = s.source();
            }
            return Error::InvalidRequest(text);
        }
        if e.is_timeout() {
            Error::Timeout(e)
        } else {
            Error::Transport(e)
        }
    }

    /// Whether Close answered 404 Not Found (an id that does not exist, or not in this
    /// organization).
    ///
    /// ```
    /// # async fn run(client: close_sdk::Client) -> Result<(), close_sdk::Error> {
    /// match client.users().get("user_x").await {
    ///     Ok(user) => println!("{:?}", user.email),
    ///     Err(e) if e.is_not_found() => println!("no such user"),
    ///     Err(e) => return Err(e),
    /// }
    /// # Ok(()) }
    /// ```
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(StatusCode::NOT_FOUND)
    }

    /// The HTTP status, when Close answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::ServerWaitTooLong { error, .. } => Some(error.status),
            Error::Timeout(e) | Error::Transport(e) => e.status(),
            _ => None,
        }
    }

    /// The server's answer, when the error is one.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Api(api) => Some(api),
            Error::ServerWaitTooLong { error, .. } => Some(error),
            _ => None,
        }
    }

    /// The wait Close asked for before trying again (e.g. a 429's `Retry-After`, seconds or an
    /// HTTP date), when the error is an answer that asked for one: see
    /// [`ApiError::retry_after`]. For [`Error::ServerWaitTooLong`], the wait that was refused.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::ServerWaitTooLong { requested, .. } => Some(*requested),
            _ => self.api_error().and_then(ApiError::retry_after),
        }
    }

    /// Validation messages by field (`field-errors`), empty unless Close sent some.
    pub fn field_errors(&self) -> Option<&BTreeMap<String, Value>> {
        self.api_error()
            .map(|a| &a.body.field_errors)
            .filter(|f| !f.is_empty())
    }
}

/// Writes `e` followed by its sources, `: `-separated (reqwest hides the cause otherwise).
fn write_chain(f: &mut fmt::Formatter<'_>, e: &dyn std::error::Error) -> fmt::Result {
    write!(f, "{e}")?;
    let mut source = e.source();
    while let Some(s) = source {
        write!(f, ": {s}")?;
        source = s.source();
    }
    Ok(())
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidRequest(msg) => write!(f, "invalid request, not sent: {msg}"),
            Error::Config(msg) => write!(f, "invalid client configuration: {msg}"),
            Error::Timeout(e) => {
                f.write_str("timed out: ")?;
                write_chain(f, e)
            }
            Error::Transport(e) => {
                f.write_str("could not reach Close: ")?;
                write_chain(f, e)
            }
            Error::Api(api) => fmt::Display::fmt(api, f),
            Error::ServerWaitTooLong {
                requested,
                limit,
                error,
            } => {
                error.write(f, false)?;
                write!(
                    f,
                    " (Close asked to wait {:.3}s, more than the {:.3}s the retry policy allows; not retried)",
                    requested.as_secs_f64(),
                    limit.as_secs_f64()
                )
            }
            Error::Auth(msg) => write!(f, "authentication failed: {msg}"),
            Error::InvalidResponse(msg) => write!(f, "answer refused: {msg}"),
            Error::Decode {
                body,
                source,
                context,
            } => {
                f.write_str("unexpected response body")?;
                let none = DecodeContext::default();
                let DecodeContext {
                    call,
                    content_type,
                    type_name,
                } = context.as_deref().unwrap_or(&none);
                if let Some(call) = call {
                    write!(f, " from {call}")?;
                }
                if let Some(t) = type_name {
                    write!(f, ", read as {t}")?;
                }
                let start = body.trim_start();
                if source.is_syntax() && !start.starts_with(['{', '[']) {
                    // Not JSON at all (e.g. a proxy's HTML page): say what came instead.
                    f.write_str(": not JSON")?;
                    if let Some(ct) = content_type {
                        write!(f, " ({ct})")?;
                    }
                    let first = start
                        .lines()
                        .map(str::trim)
                        .find(|l| !l.is_empty())
                        .unwrap_or_default();
                    if !first.is_empty() {
                        write!(f, ", starting {:?}", truncate(first, 200))?;
                    }
                }
                write!(f, ": {source}")
            }
            Error::Ambiguous {
                what,
                name,
                count,
                ids,
            } => {
                write!(f, "{count} {what} match {name:?}")?;
                if !ids.is_empty() {
                    write!(f, " ({})", ids.join(", "))?;
                }
                f.write_str("; look it up by id instead")
            }
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, true)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Timeout(e) | Error::Transport(e) => Some(e),
            Error::Decode { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl std::error::Error for ApiError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16, body: &str) -> Error {
        let status = StatusCode::from_u16(status).unwrap();
        Error::Api(Box::new(ApiError::new(
            status,
            http::HeaderMap::new(),
            ErrorBody::from_bytes(body.as_bytes()),
        )))
    }

    #[test]
    fn display_is_one_actionable_line() {
        let e = api(
            400,
            r#"{"errors": [], "field-errors": {"email": "Enter a valid email address."}}"#,
        );
        assert_eq!(
            e.to_string(),
            "400 Bad Request: email: Enter a valid email address."
        );
        assert_eq!(
            api(401, r#"{"error": "Unauthorized"}"#).to_string(),
            "401 Unauthorized: Unauthorized"
        );
        assert_eq!(
            api(429, r#"{"error": {"rate_reset": 1.5}}"#).to_string(),
            "429 Too Many Requests: rate limited; resets in 1.5s"
        );
        assert_eq!(
            api(502, "<html>\n<h1>Bad gateway</h1></html>").to_string(),
            "502 Bad Gateway: <html>"
        );
        assert_eq!(api(503, "").to_string(), "503 Service Unavailable");
    }

    #[test]
    fn bodies_parse_leniently() {
        let b = ErrorBody::from_bytes(
            br#"{"error": null, "errors": "x", "field-errors": {"a": ["m1", "m2"]}, "extra": 1}"#,
        );
        assert_eq!(b.errors, vec![Value::String("x".into())]);
        assert_eq!(b.message(), "x; a: m1 m2");
        assert_eq!(b.other.get("extra"), Some(&Value::from(1)));
        let raw = ErrorBody::from_bytes(&vec![b'x'; MAX_RAW_BODY * 2]);
        assert!(raw.raw.unwrap().len() <= MAX_RAW_BODY + '…'.len_utf8());
        // A JSON string body (how the request path carries non-JSON text) is raw text.
        let s: ErrorBody = serde_json::from_str("\"Service down\"").unwrap();
        assert_eq!(s.raw.as_deref(), Some("Service down"));
    }

    proptest::proptest! {
        #[test]
        fn error_bodies_never_fail_to_parse(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..512)) {
            let b = ErrorBody::from_bytes(&bytes);
            let _ = b.message();
            if let Some(raw) = &b.raw {
                proptest::prop_assert!(raw.len() <= MAX_RAW_BODY + '…'.len_utf8());
            }
        }

        #[test]
        fn json_error_bodies_keep_their_field_errors(field in "[a-z_]{1,12}", msg in "[ -~]{0,40}") {
            let body = serde_json::json!({"field-errors": {&field: &msg}});
            let b = ErrorBody::from_bytes(body.to_string().as_bytes());
            proptest::prop_assert_eq!(b.field_errors.get(&field), Some(&Value::String(msg.clone())));
            proptest::prop_assert!(b.message().contains(&msg));
        }
    }

    #[test]
    fn an_error_status_is_built_once_from_what_was_read() {
        let body = br#"{"error": "API call count exceeded"}"#;
        let record = RetryRecord {
            attempts: 1,
            refused_wait: Some((Duration::from_secs(90_000), Duration::from_secs(60))),
            call: None,
        };
        let status = StatusCode::TOO_MANY_REQUESTS;
        match Error::unexpected(status, http::HeaderMap::new(), Some(record), body) {
            Error::ServerWaitTooLong {
                requested, error, ..
            } => {
                assert_eq!(requested, Duration::from_secs(90_000));
                assert_eq!(error.body.message(), "API call count exceeded");
            }
            other => panic!("{other:?}"),
        }
        let record = RetryRecord {
            attempts: 3,
            refused_wait: None,
            call: None,
        };
        let status = StatusCode::SERVICE_UNAVAILABLE;
        let e = Error::unexpected(
            status,
            http::HeaderMap::new(),
            Some(record),
            b"{\"error\": \"maintenance\"}",
        );
        assert_eq!(
            e.to_string(),
            "503 Service Unavailable: maintenance (after 3 attempts)"
        );
        let e = Error::unexpected(
            StatusCode::ACCEPTED,
            http::HeaderMap::new(),
            None,
            b"{\"error\": \"queued\"}",
        );
        assert_eq!(e.to_string(), "unexpected status 202 Accepted: queued");
    }

    #[test]
    fn secrets_in_a_body_never_reach_an_error() {
        let body = br#"{"id": "whsub_1", "signature_key" : "058bfb6a", "url": "x",
            "access_token":"a\"bcd", "refresh_token": "r1r1"#;
        let e = serde_json::from_slice::<u8>(body).unwrap_err();
        let Error::Decode { body: text, .. } = Error::decode(body, e) else {
            panic!("a decode error")
        };
        for secret in ["058bfb6a", "bcd", "r1r1"] {
            assert!(!text.contains(secret), "{text}");
        }
        assert!(
            text.contains("whsub_1") && text.contains("\"url\": \"x\""),
            "{text}"
        );
        let e = serde_json::from_slice::<u8>(b"plain").unwrap_err();
        assert!(
            matches!(Error::decode(b"plain", e), Error::Decode { body, .. } if body == "plain")
        );
        let b = ErrorBody::from_bytes(br#"{"error": "x", "signature_key": "058bfb6a"}"#);
        assert_eq!(b.other["signature_key"], "<redacted>");
    }

    #[test]
    fn the_call_and_the_wait_are_in_the_line() {
        let mut headers = http::HeaderMap::new();
        headers.insert("retry-after", http::HeaderValue::from_static("7"));
        let record = RetryRecord {
            attempts: 1,
            refused_wait: None,
            call: Some(CallSite {
                operation: "leads_get",
                method: http::Method::GET,
                path: Cow::Borrowed("/lead/{id}/"),
            }),
        };
        let e = Error::unexpected(
            StatusCode::TOO_MANY_REQUESTS,
            headers,
            Some(record),
            br#"{"error": "slow down"}"#,
        );
        assert_eq!(e.retry_after(), Some(Duration::from_secs(7)));
        assert_eq!(
            e.to_string(),
            "429 Too Many Requests from leads_get (GET /lead/{id}/): slow down \
             (Close asks to wait 7s before retrying)"
        );
        // A 400's headers ask for no wait.
        let mut headers = http::HeaderMap::new();
        headers.insert("retry-after", http::HeaderValue::from_static("7"));
        let e = Error::unexpected(StatusCode::BAD_REQUEST, headers, None, b"{}");
        assert_eq!(e.retry_after(), None);
        assert_eq!(
            short_type_name("alloc::vec::Vec<close_sdk::types::Lead>"),
            "Vec<Lead>"
        );
    }

    #[test]
    fn a_non_json_success_says_what_came() {
        let body = b"<html>\n<body>Sign in</body></html>";
        let source = serde_json::from_slice::<u8>(body).unwrap_err();
        let e = Error::decode_answer(
            body,
            source,
            None,
            Some("text/html"),
            "close_sdk::types::Me",
        );
        assert_eq!(
            e.to_string(),
            "unexpected response body, read as Me: not JSON (text/html), starting \"<html>\": \
             expected value at line 1 column 1"
        );
    }

    #[test]
    fn serialises_back_to_close_shape() {
        let text = r#"{"error":"bad","errors":["e"],"field-errors":{"email":"m"}}"#;
        let b: ErrorBody = serde_json::from_str(text).unwrap();
        assert_eq!(serde_json::to_string(&b).unwrap(), text);
    }
}
