//! The one place where cross-cutting HTTP behaviour lives: progenitor's `ClientHooks` for
//! [`Client`], and the lean path of every typed JSON operation. A generated operation whose
//! success answer is JSON calls [`send_typed`] (close-sdk-gen's `lean_send` rewrites progenitor's
//! `send()` so); any other (an empty or streamed success) calls `pre`, then `exec`, then `post`.
//!
//! - `pre`: `Authorization` (marked sensitive; an OAuth token is refreshed first when it is about
//!   to expire), `User-Agent`, `x-tz-offset` when the client or call has one, a per-call timeout; removes any `api-version`
//!   header (progenitor adds one to every request; close-sdk-gen strips it from the generated
//!   code, Close defines none).
//! - `exec`: the only loop and the only sleeps in the crate ([`send_with_retries`]). Per attempt:
//!   take a copy of the request (a [`send_typed`] or [`send_json`] call builds a new one
//!   instead), take a permit from the endpoint group's rate-limit window
//!   ([`super::throttle`]), send and read the whole answer (so that a body cut off mid-way is
//!   retried too), give the permit back with the answer's rate-limit headers, then act on the
//!   pure retry decision ([`super::retry::decide`]): done, retry after a wait, refuse a wait that
//!   is too long, or refresh an OAuth token once after a 401.
//! - Cancel safety: the call may be dropped at any await point. The permit gives its slot back
//!   on drop; nothing else is held across an await.
//!   A non-2xx body is kept bounded and always reaches the error as JSON (a JSON object as is,
//!   anything else as a JSON string that [`crate::ErrorBody`] decodes as raw text).
//! - Long GETs ([`super::long_get`]): each attempt's request, just before it is sent, goes
//!   through [`super::long_get::apply`]: a GET whose URL is longer than Close's recommended
//!   maximum is sent as a `POST` with `x-http-method-override: GET` and its query as `_params` in
//!   a JSON body. The path check, the throttle group and idempotency were settled before, from
//!   the GET operation, so it is throttled and retried as the GET it is.
//! - A `tracing` span per operation records the operation id, method, path template, status,
//!   attempts, time spent waiting and, when a long GET's query went in the body,
//!   `params_in_body = true`; headers and bodies are never recorded.
//! - Secrets ([`crate::redact`]): a non-2xx answer's body and headers are redacted as they are
//!   read, before anything (the retry decision aside) sees them, so every error made from them
//!   is; credential headers of every answer are marked sensitive; a 2xx body that does not
//!   decode is redacted, with the decoder's message, where [`send_typed`] makes its error.
//! - [`send_typed`] (every generated typed JSON builder) and [`send_json`] (a typed JSON call an
//!   extension trait builds itself, `create_membership`): the same `pre` work (path check,
//!   authorization, user agent, timeout) and the same loop, but the first attempt sends the
//!   request as built and only a retry builds another, so nothing is copied unless a retry
//!   happens, and the body the attempt read is decoded as it is, with no `reqwest::Response`
//!   rebuilt around it and no second read. Both know the operation's position in the generated
//!   table at compile time. [`send_typed`] ends the way the replaced progenitor code did (the same
//!   `progenitor_client::Error` variant for each status).
//! - Through `pre`/`exec`, the operation is looked up in the generated table once per call for
//!   `pre`'s path check and once for `exec` (throttle group and idempotency together).

use std::ops::RangeInclusive;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo, ResponseValue};
use reqwest::header::{
    HeaderMap, HeaderName, HeaderValue, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, USER_AGENT,
};
use reqwest::{Method, ResponseBuilderExt, StatusCode};
use serde::de::DeserializeOwned;
use tracing::Instrument;

use super::context::ClientContext;
use super::headers::RateLimit;
use super::operations::{idempotent_at, operation_index, path_template, OPERATION_COUNT};
use super::retry::{decide, wait_after_429, Attempt, Decision, Failure, Outcome, DEFAULT_429_WAIT};
use super::throttle::Group;
use crate::error::{truncate, RetryRecord, MAX_RAW_BODY};
use crate::generated::operations::OPERATIONS;
use crate::{Client, Error};

/// The header progenitor adds to every request (prepared once: a `&str` name is parsed on every
/// lookup).
const API_VERSION: HeaderName = HeaderName::from_static("api-version");
/// Close's timezone header (developer.close.com/api/overview/timezone-offsets).
const TZ_OFFSET: HeaderName = HeaderName::from_static("x-tz-offset");
/// At most this much of an error response body is read.
pub(crate) const MAX_ERROR_BODY: usize = 64 * 1024;
/// At most this much of a success body is read; a longer one is refused
/// ([`crate::Error::InvalidResponse`]). Close's largest answers (pages of 100 leads with their
/// contacts, activities and custom fields) are a few MB; exports are downloaded elsewhere.
pub(crate) const MAX_SUCCESS_BODY: usize = 32 * 1024 * 1024;
/// Why an over-long success body is refused.
const TOO_LONG: &str = "the success body is longer than the 32 MiB the SDK reads";
/// Why an answer from another URL is refused.
const REDIRECTED: &str = "the answer came from another URL than the request's: the HTTP client \
     given to ClientBuilder::http_client followed a redirect (build it with \
     reqwest::redirect::Policy::none())";

impl ClientHooks<ClientContext> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        super::path_safety::check(request.url(), self.baseurl(), info.operation_id)
            .map_err(progenitor_client::Error::InvalidRequest)?;
        let ctx = self.inner();
        let authorization = ctx
            .authorizer
            .header()
            .await
            .map_err(progenitor_client::Error::Custom)?;
        request.headers_mut().remove(API_VERSION);
        prepare(ctx, request, authorization);
        Ok(())
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let ctx = self.inner();
        let span = request_span(info.operation_id, request.method());
        let index = operation_index(info.operation_id);
        let group = ctx.throttle.group_at(index.unwrap_or(OPERATION_COUNT));
        let idempotent = idempotent_at(index, request.method(), info.operation_id);
        let source = Source::Built(request);
        let call = Call::new(ctx, source, idempotent, group, span.clone());
        let Ended { outcome, record } = send_with_retries(self.client(), call)
            .instrument(span)
            .await;
        Ok(outcome?.into_response(record))
    }
}

/// What `pre` adds to every request: the `Authorization`, the `User-Agent`, the `x-tz-offset`
/// when one is set and the per-call timeout.
fn prepare(ctx: &ClientContext, request: &mut reqwest::Request, authorization: HeaderValue) {
    let headers = request.headers_mut();
    headers.insert(AUTHORIZATION, authorization);
    headers.insert(USER_AGENT, ctx.user_agent.clone());
    if let Some(offset) = ctx.tz_offset {
        headers.insert(TZ_OFFSET, offset.header_value());
    }
    if let Some(timeout) = ctx.timeout {
        *request.timeout_mut() = Some(timeout);
    }
}

/// The span of one call. Its fields are only computed when a subscriber listens at `DEBUG`.
fn request_span(operation_id: &'static str, method: &Method) -> tracing::Span {
    tracing::debug_span!(
        "close.request",
        operation_id,
        method = %method,
        path = path_template(operation_id),
        status = tracing::field::Empty,
        attempts = tracing::field::Empty,
        wait_ms = tracing::field::Empty,
        params_in_body = tracing::field::Empty,
    )
}

/// A generated operation, found in the generated operation table when the crate is compiled:
/// an id that is not in the table does not compile.
#[derive(Debug, Clone)]
pub(crate) struct Operation {
    pub(crate) id: &'static str,
    pub(crate) method: Method,
    /// The path template.
    #[cfg_attr(not(feature = "memberships"), allow(dead_code))]
    pub(crate) path: &'static str,
    /// The position in the table (the rate-limit group).
    index: usize,
}

impl Operation {
    /// The operation `id` of the generated table.
    #[allow(dead_code)] // unused only in a build with no resource feature
    pub(crate) const fn named(id: &'static str) -> Operation {
        let mut index = 0;
        while index < OPERATIONS.len() {
            let op = &OPERATIONS[index];
            let (name, method, path) = (op.id, op.method, op.path);
            if str_eq(name, id) {
                let method = match method.as_bytes() {
                    b"GET" => Method::GET,
                    b"POST" => Method::POST,
                    b"PUT" => Method::PUT,
                    b"PATCH" => Method::PATCH,
                    b"DELETE" => Method::DELETE,
                    _ => panic!("a generated operation has a method close-sdk does not know"),
                };
                return Operation {
                    id,
                    method,
                    path,
                    index,
                };
            }
            index += 1;
        }
        panic!("no such operation in the generated operation table")
    }
}

#[allow(dead_code)] // unused only in a build with no resource feature
const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// Builds one attempt's request for [`send_typed`] and [`send_json`]: called once for the first
/// attempt, and again only for a retry.
pub(crate) type Build<'a> = &'a (dyn Fn() -> reqwest::Result<reqwest::Request> + Send + Sync);

/// Sends the request `build` makes through the request path — the same attempts, throttle,
/// retries and span as a generated builder's `exec` — and decodes the body of an answer whose
/// status is in `success` (the generated builder's range) as `T`. Any other status, or a failure, becomes the [`Error`] the generated builder's `send()`
/// would convert to (an error status is [`Error::Api`] with the attempts made, or
/// [`Error::ServerWaitTooLong`]).
///
/// `build` makes `operation`'s request (method, URL, `Accept`, body). `pre`'s work is done here
/// the same way: the first request's URL gets the same path check as every generated builder's
/// ([`super::path_safety::check_at`], refused as [`Error::InvalidRequest`] before anything is
/// sent), and each attempt gets the authorization, user agent and timeout.
#[cfg_attr(not(feature = "memberships"), allow(dead_code))]
pub(crate) async fn send_json<T: DeserializeOwned>(
    client: &Client,
    operation: &Operation,
    success: RangeInclusive<u16>,
    build: Build<'_>,
) -> Result<T, Error> {
    let (outcome, record) = match run_recipe(client, operation, build).await {
        Ok(ended) => ended,
        Err(Before::Build(e)) => return Err(Error::from_reqwest(e)),
        Err(Before::Path(msg)) => return Err(Error::InvalidRequest(msg)),
        Err(Before::Auth(msg)) => return Err(Error::Auth(msg)),
    };
    let answer = outcome.map_err(Error::from_reqwest)?;
    if let Some(reason) = answer.refused {
        return Err(Error::InvalidResponse(reason.into()));
    }
    if success.contains(&answer.status.as_u16()) {
        serde_json::from_slice(&answer.body)
            .map_err(|e| Error::decode(&answer.body, crate::wire::with_path::<T>(&answer.body, e)))
    } else {
        Err(Error::unexpected(
            answer.status,
            answer.headers,
            Some(record),
            &answer.body,
        ))
    }
}

/// The lean path of every generated builder whose success answer is JSON (close-sdk-gen's
/// `lean_send` puts one call of it in place of the builder's `pre`, `exec`, `post` and status
/// match): [`run_recipe`], then the same result the replaced code gave. A status in `success`
/// decodes as `T` into a [`progenitor_client::ResponseValue`]; a `documented` error status
/// decodes as [`crate::ErrorBody`] into `Error::ErrorResponse`; any other status, and an answer
/// the request path refused, is `Error::UnexpectedResponse` with the rebuilt response (what
/// [`Error::from`] reads the attempts, the kept body or the refusal from); a body that does not
/// decode is `Error::InvalidResponsePayload`.
#[allow(dead_code)] // unused only in a build with no resource feature
pub(crate) async fn send_typed<T: DeserializeOwned>(
    client: &Client,
    operation: &Operation,
    success: RangeInclusive<u16>,
    documented: &[u16],
    build: Build<'_>,
) -> Result<ResponseValue<T>, progenitor_client::Error<crate::ErrorBody>> {
    use progenitor_client::Error as G;
    let (outcome, record) = match run_recipe(client, operation, build).await {
        Ok(ended) => ended,
        Err(Before::Build(e)) => return Err(G::from(e)),
        Err(Before::Path(msg)) => return Err(G::InvalidRequest(msg)),
        Err(Before::Auth(msg)) => return Err(G::Custom(msg)),
    };
    let answer = outcome?;
    let status = answer.status.as_u16();
    if answer.refused.is_none() && success.contains(&status) {
        match serde_json::from_slice(&answer.body) {
            Ok(inner) => Ok(ResponseValue::new(inner, answer.status, answer.headers)),
            Err(e) => {
                // The one error that holds a success body: redacted, and the decoder's message.
                let e = crate::wire::with_path::<T>(&answer.body, e);
                let known = client_secrets(&client.inner().authorizer, None);
                let (body, e) = crate::redact::undecodable_bytes(answer.body, e, known);
                Err(G::InvalidResponsePayload(body, e))
            }
        }
    } else if answer.refused.is_none() && documented.contains(&status) {
        match serde_json::from_slice(&answer.body) {
            Ok(inner) => Err(G::ErrorResponse(ResponseValue::new(
                inner,
                answer.status,
                answer.headers,
            ))),
            Err(e) => Err(G::InvalidResponsePayload(answer.body, e)),
        }
    } else {
        // The response carries the request's URL, as `exec`'s did (built again: this is the
        // rare path, and the first request was sent).
        let mut answer = answer;
        answer.url = build().ok().map(|r| r.url().clone());
        if answer.status.is_success() {
            // A success status the operation does not document: an error now, shown with its
            // headers (an error status's were redacted as they were read).
            let known = client_secrets(&client.inner().authorizer, None);
            crate::redact::unexpected_headers(&mut answer.headers, &answer.body, known);
        }
        Err(G::UnexpectedResponse(answer.into_response(record)))
    }
}

/// Why a call ended before anything was sent.
enum Before {
    /// The first request could not be built.
    Build(reqwest::Error),
    /// The path check refused the first request's URL.
    Path(String),
    /// No authorization could be had.
    Auth(String),
}

/// `pre`'s work and `exec`'s loop for a request `build` makes: the path check of the first
/// request's URL, the authorization, then [`send_with_retries`] in the operation's span, with
/// the first request sent as built (no copy) and another built only for a retry.
async fn run_recipe(
    client: &Client,
    operation: &Operation,
    build: Build<'_>,
) -> Result<(reqwest::Result<Answer>, RetryRecord), Before> {
    let ctx = client.inner();
    let first = build().map_err(Before::Build)?;
    super::path_safety::check_at(first.url(), client.baseurl(), operation.index)
        .map_err(Before::Path)?;
    let authorization = ctx.authorizer.header().await.map_err(Before::Auth)?;
    let span = request_span(operation.id, &operation.method);
    let group = ctx.throttle.group_at(operation.index);
    let idempotent = idempotent_at(Some(operation.index), &operation.method, operation.id);
    let source = Source::Recipe {
        first: Some(first),
        build,
        authorization,
    };
    let call = Call::new(ctx, source, idempotent, group, span.clone());
    let Ended { outcome, record } = send_with_retries(client.client(), call)
        .instrument(span)
        .await;
    Ok((outcome, record))
}

/// A complete answer: status, headers and the (bounded, for errors) body.
struct Answer {
    /// The request's URL, when the answer is turned back into a `reqwest::Response`.
    url: Option<reqwest::Url>,
    status: StatusCode,
    version: http::Version,
    headers: HeaderMap,
    body: Bytes,
    /// Why the request path refuses this answer: nothing of it is decoded or retried.
    refused: Option<&'static str>,
}

impl Answer {
    fn into_response(self, mut record: RetryRecord) -> reqwest::Response {
        if !self.status.is_success() {
            // Kept where `Error::from` can read it without awaiting (a cheap `Bytes` clone).
            record.body = self.body.clone();
        }
        record.refused = self.refused;
        let body = match self.refused {
            // Reading the body fails with the reason, whatever the status makes progenitor do.
            Some(reason) => reqwest::Body::wrap_stream(futures_util::stream::once(async move {
                Err::<Bytes, _>(crate::error::Refused(reason))
            })),
            None => reqwest::Body::from(self.body),
        };
        let mut r = http::Response::new(body);
        *r.status_mut() = self.status;
        *r.version_mut() = self.version;
        *r.headers_mut() = self.headers;
        // Keep the request's URL on the response (without it reqwest parses a placeholder URL
        // for every response).
        if let Some(url) = self.url {
            if let Ok(with_url) = http::Response::builder().url(url).body(()) {
                *r.extensions_mut() = with_url.into_parts().0.extensions;
            }
        }
        // Only an error (or a retried call) needs the record: a first-time success skips the
        // allocation.
        if !self.status.is_success() || record.attempts > 1 || record.refused.is_some() {
            r.extensions_mut().insert(record);
        }
        reqwest::Response::from(r)
    }
}

/// Sends one attempt and reads the whole answer (a success body up to [`MAX_SUCCESS_BODY`], an
/// error body up to [`MAX_ERROR_BODY`]), keeping the URL only when asked (only a rebuilt
/// `reqwest::Response` needs it). `check_url`: refuse an answer from another URL (a redirect
/// followed by a user-supplied HTTP client).
async fn send_once(
    http: &reqwest::Client,
    request: reqwest::Request,
    keep_url: bool,
    check_url: bool,
    authorizer: &crate::auth::Authorizer,
) -> reqwest::Result<Answer> {
    let sent_url = check_url.then(|| request.url().clone());
    let sent_authorization = request.headers().get(AUTHORIZATION).cloned();
    let mut response = http.execute(request).await?;
    let url = keep_url.then(|| response.url().clone());
    let status = response.status();
    let version = response.version();
    let mut headers = std::mem::take(response.headers_mut());
    crate::redact::mark_sensitive(&mut headers);
    let mut refused = sent_url
        .filter(|sent| sent != response.url())
        .map(|_| REDIRECTED);
    let body = if refused.is_some() {
        Bytes::new()
    } else if status.is_success() {
        if response
            .content_length()
            .is_some_and(|n| n > MAX_SUCCESS_BODY as u64)
        {
            refused = Some(TOO_LONG);
            Bytes::new()
        } else {
            let body = read_bounded(&mut response, MAX_SUCCESS_BODY + 1).await?;
            if body.len() > MAX_SUCCESS_BODY {
                refused = Some(TOO_LONG);
                Bytes::new()
            } else {
                body
            }
        }
    } else {
        let body = read_bounded(&mut response, MAX_ERROR_BODY).await?;
        // Every error any call returns is made from this body and these headers.
        let known = client_secrets(authorizer, sent_authorization.as_ref());
        let body = crate::redact::error_answer_knowing(&mut headers, body, known);
        let body = if body.is_empty() {
            // A documented error status with no body still decodes as an (empty) error body.
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            Bytes::from_static(b"{}")
        } else if serde_json::from_slice::<serde_json::Value>(&body).is_ok_and(|v| v.is_object()) {
            body
        } else {
            let text = truncate(&String::from_utf8_lossy(&body), MAX_RAW_BODY);
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            serde_json::to_vec(&text).unwrap_or_default().into()
        };
        // The body may be cut or rewritten: say how long it now is.
        headers.insert(CONTENT_LENGTH, HeaderValue::from(body.len()));
        body
    };
    Ok(Answer {
        url,
        status,
        version,
        headers,
        body,
        refused,
    })
}

/// The client's own credentials, and those of the `Authorization` the attempt sent (a token
/// refreshed since differs): an error answer may echo them. Read only for an error answer.
fn client_secrets(
    authorizer: &crate::auth::Authorizer,
    sent: Option<&HeaderValue>,
) -> crate::redact::Secrets {
    use secrecy::ExposeSecret as _;
    let mut values = authorizer.secrets();
    values.extend(sent.map(crate::auth::secrets_of_header).unwrap_or_default());
    crate::redact::Secrets::known(values.iter().map(|s| s.expose_secret()))
}

/// Reads at most `max` bytes of a body (the rest is dropped with the connection). A body that
/// arrives in one chunk is handed on without a copy.
pub(crate) async fn read_bounded(
    response: &mut reqwest::Response,
    max: usize,
) -> reqwest::Result<Bytes> {
    let Some(first) = response.chunk().await? else {
        return Ok(Bytes::new());
    };
    if first.len() >= max {
        return Ok(first.slice(..max));
    }
    let Some(second) = response.chunk().await? else {
        return Ok(first);
    };
    let mut body: Vec<u8> = Vec::with_capacity(first.len() + second.len());
    body.extend_from_slice(&first);
    let mut next = Some(second);
    while let Some(chunk) = next {
        let room = max.saturating_sub(body.len());
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if body.len() >= max {
            break;
        }
        next = response.chunk().await?;
    }
    Ok(body.into())
}

/// Where each attempt's request comes from.
enum Source<'a> {
    /// A request a generated builder built (and `pre` prepared): each attempt sends a copy of
    /// it, as long as one can be made.
    Built(reqwest::Request),
    /// A request [`send_typed`]'s or [`send_json`]'s caller built (its path checked), how to
    /// build it again, and the `Authorization` to send: the first attempt sends `first`, nothing
    /// is copied, and a retry builds again.
    Recipe {
        first: Option<reqwest::Request>,
        build: Build<'a>,
        authorization: HeaderValue,
    },
}

impl Source<'_> {
    /// The `Authorization` the next attempt sends.
    fn authorization(&self) -> Option<&HeaderValue> {
        match self {
            Source::Built(request) => request.headers().get(AUTHORIZATION),
            Source::Recipe { authorization, .. } => Some(authorization),
        }
    }
}

/// One call through the request path: the request, what the policy allows, and what has been
/// done so far.
struct Call<'a> {
    ctx: &'a ClientContext,
    group: &'a Group,
    source: Source<'a>,
    idempotent: bool,
    deadline: Option<Instant>,
    attempts: u32,
    /// Whether the last attempt's request can be sent again (a streamed body cannot).
    repeatable: bool,
    reauthorized: bool,
    waited: Duration,
    /// The call's span (disabled when no subscriber listens).
    span: tracing::Span,
}

/// How a call ended: the last attempt's outcome, and what the request path did.
struct Ended {
    outcome: reqwest::Result<Answer>,
    record: RetryRecord,
}

/// Sends the call's request until the retry decision says done. Each step is one method of
/// [`Call`]: copy or build, attempt (throttle + send + record), classify, then sleep or end.
async fn send_with_retries(http: &reqwest::Client, mut call: Call<'_>) -> Ended {
    loop {
        let outcome = call.attempt(http).await;
        match call.classify(&outcome) {
            Decision::Done => return call.end(outcome, None),
            Decision::RefuseWait { requested, limit } => {
                return call.end(outcome, Some((requested, limit)))
            }
            Decision::Reauthorize => {
                // The header the rejected attempt was sent with.
                let rejected = call.source.authorization();
                match call.ctx.authorizer.after_unauthorized(rejected).await {
                    Some(header) => call.reauthorize(header),
                    None => return call.end(outcome, None),
                }
            }
            Decision::Retry { wait, reason } => call.pause(wait, reason).await,
        }
    }
}

impl<'a> Call<'a> {
    fn new(
        ctx: &'a ClientContext,
        source: Source<'a>,
        idempotent: bool,
        group: &'a Group,
        span: tracing::Span,
    ) -> Self {
        Call {
            ctx,
            group,
            idempotent,
            // A deadline too far away to represent is no deadline.
            deadline: ctx
                .retry
                .deadline
                .and_then(|d| Instant::now().checked_add(d)),
            source,
            attempts: 0,
            repeatable: true,
            reauthorized: false,
            waited: Duration::ZERO,
            span,
        }
    }

    /// The request to send now, and whether another can be had later: a built request whose
    /// body cannot be cloned (a stream) allows one attempt only.
    fn next_request(&mut self) -> reqwest::Result<(reqwest::Request, bool)> {
        match &mut self.source {
            Source::Built(request) => Ok(match request.try_clone() {
                Some(copy) => (copy, true),
                None => {
                    let blank = empty_like(request);
                    (std::mem::replace(request, blank), false)
                }
            }),
            Source::Recipe {
                first,
                build,
                authorization,
                ..
            } => {
                let mut request = match first.take() {
                    Some(request) => request,
                    None => build()?,
                };
                prepare(self.ctx, &mut request, authorization.clone());
                Ok((request, true))
            }
        }
    }

    /// One attempt: waits for the group's window, sends, and records the answer in the window.
    /// Dropped at any await point, the permit gives the slot back.
    async fn attempt(&mut self, http: &reqwest::Client) -> reqwest::Result<Answer> {
        self.attempts = self.attempts.saturating_add(1);
        let (request, repeatable) = self.next_request()?;
        self.repeatable = repeatable;
        let limit = self.ctx.retry.server_wait_limit();
        let (permit, waited) = self.group.acquire(limit, self.deadline).await;
        self.waited = self.waited.saturating_add(waited);
        let request = self.bounded_by_deadline(request);
        let (request, params_in_body) = super::long_get::apply(request);
        if params_in_body {
            self.span.record("params_in_body", true);
        }
        let keep_url = matches!(self.source, Source::Built(_));
        let outcome = send_once(
            http,
            request,
            keep_url,
            self.ctx.user_http_client,
            &self.ctx.authorizer,
        )
        .await;
        if let Ok(answer) = &outcome {
            let too_many = (answer.status == StatusCode::TOO_MANY_REQUESTS).then(|| {
                wait_after_429(&answer.headers, &answer.body, SystemTime::now())
                    .unwrap_or(DEFAULT_429_WAIT)
            });
            permit.observe(RateLimit::from_headers(&answer.headers), too_many);
        }
        outcome
    }

    /// With a deadline, the attempt's own timeout ends at the deadline at the latest, so that
    /// the deadline bounds the attempt in flight too. (With a user-supplied HTTP client, whose
    /// timeout the SDK cannot read, the attempt gets the time left.)
    fn bounded_by_deadline(&self, mut request: reqwest::Request) -> reqwest::Request {
        if let Some(deadline) = self.deadline {
            let left = deadline.saturating_duration_since(Instant::now());
            let current = request.timeout().copied().or(self.ctx.client_timeout);
            if current.is_none_or(|t| left < t) {
                *request.timeout_mut() = Some(left);
            }
        }
        request
    }

    /// The retry decision for an attempt.
    fn classify(&self, outcome: &reqwest::Result<Answer>) -> Decision {
        if matches!(outcome, Ok(answer) if answer.refused.is_some()) {
            return Decision::Done;
        }
        if matches!(outcome, Ok(answer) if answer.status.is_success()) {
            // The decision's first rule, without reading the clocks or drawing a number.
            return Decision::Done;
        }
        let outcome = match outcome {
            Ok(answer) => Outcome::Answer {
                status: answer.status,
                headers: &answer.headers,
                body: &answer.body,
            },
            Err(e) => Outcome::Failed(Failure::of(e)),
        };
        let attempt = Attempt {
            number: self.attempts,
            idempotent: self.idempotent,
            repeatable: self.repeatable,
            reauthorized: self.reauthorized,
            time_left: self
                .deadline
                .map(|d| d.saturating_duration_since(Instant::now())),
        };
        decide(
            outcome,
            attempt,
            &self.ctx.retry,
            SystemTime::now(),
            fastrand::f64(),
        )
    }

    /// Sends again with a refreshed token; not a retry of a failure, so it uses no attempt.
    fn reauthorize(&mut self, header: HeaderValue) {
        self.reauthorized = true;
        self.attempts = self.attempts.saturating_sub(1);
        match &mut self.source {
            Source::Built(request) => {
                request.headers_mut().insert(AUTHORIZATION, header);
            }
            Source::Recipe { authorization, .. } => *authorization = header,
        }
        tracing::debug!("retrying with a refreshed OAuth token after 401");
    }

    /// Sleeps before the next attempt.
    async fn pause(&mut self, wait: Duration, reason: &'static str) {
        tracing::debug!(
            attempt = self.attempts,
            wait_ms = wait.as_millis() as u64,
            reason,
            "retrying"
        );
        tokio::time::sleep(wait).await;
        self.waited = self.waited.saturating_add(wait);
    }

    /// Records the call in its span and hands over the last outcome.
    fn end(
        &self,
        outcome: reqwest::Result<Answer>,
        refused_wait: Option<(Duration, Duration)>,
    ) -> Ended {
        if !self.span.is_disabled() {
            self.span.record("attempts", self.attempts);
            self.span.record("wait_ms", self.waited.as_millis() as u64);
            if let Ok(answer) = &outcome {
                self.span.record("status", answer.status.as_u16());
            }
        }
        Ended {
            outcome,
            record: RetryRecord {
                attempts: self.attempts,
                refused_wait,
                body: Bytes::new(),
                refused: None,
            },
        }
    }
}

/// A bodiless copy of `request`, standing in when its body could not be cloned (only reached
/// when no retry will be made).
fn empty_like(request: &reqwest::Request) -> reqwest::Request {
    reqwest::Request::new(request.method().clone(), request.url().clone())
}
