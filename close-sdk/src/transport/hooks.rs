//! The one place where cross-cutting HTTP behaviour lives. Every call enters through
//! [`call`]: a generated operation's `send()` (through [`crate::runtime`], which
//! close-sdk-gen's `one_door` makes every `send()` call) by its position in the generated
//! operation table, and the hand-written calls no operation expresses (raw requests, the event
//! log's cursor, `/webhook/` answers, search) by name. [`send_checked`] with [`decode_answer`]
//! and [`send_raw`] turn what it read into the one result type,
//! `Result<_, crate::Error>`, built once.
//!
//! - Before sending: the path check of the first request's URL (refused as
//!   [`Error::InvalidRequest`] before anything is sent), `Authorization` (marked sensitive; an
//!   OAuth token is refreshed first when it is about to expire), `User-Agent`, `x-tz-offset`
//!   when the client or call has one, a per-call timeout.
//! - [`send_with_retries`]: the only loop and the only sleeps in the crate. Per attempt: the
//!   first attempt sends the request as built and a retry builds another (nothing is copied),
//!   take a permit from the endpoint group's rate-limit window ([`super::throttle`]), send and
//!   read the whole answer (so that a body cut off mid-way is retried too), give the permit back
//!   with the answer's rate-limit headers, then act on the pure retry decision
//!   ([`super::retry::decide`]): done, retry after a wait, refuse a wait that is too long, or
//!   refresh an OAuth token once after a 401.
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
//!   decode, or has a status the operation does not document, is redacted where its error is
//!   made, knowing the client's own credentials.

use std::borrow::Cow;
use std::ops::RangeInclusive;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use progenitor_client::{ClientInfo, ResponseValue};
use reqwest::header::{
    HeaderMap, HeaderValue, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, USER_AGENT,
};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use tracing::Instrument;

use super::context::ClientContext;
use super::headers::RateLimit;
use super::operations::{idempotent_at, operation_index, path_template, OPERATION_COUNT};
use super::retry::{decide, wait_after_429, Attempt, Decision, Failure, Outcome, DEFAULT_429_WAIT};
use super::throttle::Group;
use crate::error::{truncate, CallSite, RetryRecord, MAX_RAW_BODY};
use crate::generated::operations::OPERATIONS;
use crate::{Client, Error};

/// Close's timezone header (developer.close.com/api/overview/timezone-offsets).
const TZ_OFFSET: reqwest::header::HeaderName =
    reqwest::header::HeaderName::from_static("x-tz-offset");
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

/// Which operation a call is: a generated one (its position in the generated table), or a
/// hand-written call no operation expresses, by name.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Route {
    /// The operation at this position of [`OPERATIONS`].
    Table(usize),
    /// A raw request, the event log's cursor or a `/webhook/` answer: named for the span, the
    /// path check and the throttle group (an operation of the table when the name is one).
    Named(&'static str),
}

/// Builds one attempt's request: called once for the first attempt, and again only for a
/// retry.
pub(crate) type Build<'a> = &'a (dyn Fn() -> reqwest::Result<reqwest::Request> + Send + Sync);

/// [`call`] for a generated operation whose success answer is JSON, with a status outside
/// `success` made the one [`Error`]: the answer for [`decode_answer`], and what was tried.
///
/// Only the decode is generic: the call itself is one future for every operation, and a body
/// that does not decode is made an error by one function ([`undecodable`]), so each response
/// type adds its decoder and nothing else to a build.
#[allow(dead_code)] // unused only in a build with no resource feature
pub(crate) async fn send_checked(
    client: &Client,
    index: usize,
    success: RangeInclusive<u16>,
    build: Build<'_>,
) -> Result<(Answer, RetryRecord), Error> {
    let (answer, record) = call(client, Route::Table(index), build).await?;
    if success.contains(&answer.status.as_u16()) {
        Ok((answer, record))
    } else {
        Err(unexpected(client, answer, record))
    }
}

/// A success answer decoded as `T` with its status and headers, or the decode error.
pub(crate) fn decode_answer<T: DeserializeOwned>(
    client: &Client,
    answer: Answer,
    record: RetryRecord,
) -> Result<ResponseValue<T>, Error> {
    match serde_json::from_slice(&answer.body) {
        Ok(inner) => Ok(ResponseValue::new(inner, answer.status, answer.headers)),
        Err(e) => Err(undecodable(
            client,
            answer,
            record,
            e,
            std::any::type_name::<T>(),
        )),
    }
}

/// The error of a success body that did not decode as `type_name`: the one error that holds a
/// success body, redacted, with the decoder's message and the path of the bad value.
#[cold]
#[inline(never)]
fn undecodable(
    client: &Client,
    answer: Answer,
    record: RetryRecord,
    e: serde_json::Error,
    type_name: &'static str,
) -> Error {
    let e = crate::wire::with_path(&answer.body, e);
    let known = client_secrets(&client.inner().authorizer, None);
    // The content type is quoted in the message: never a value marked sensitive, and
    // without the client's secrets (a server echoing a credential there).
    let content_type = answer
        .headers
        .get(CONTENT_TYPE)
        .filter(|v| !v.is_sensitive())
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            client_secrets(&client.inner().authorizer, None)
                .scrub(v)
                .into_owned()
        });
    let (body, e) = crate::redact::undecodable_bytes(answer.body, e, known);
    Error::decode_answer(&body, e, record.call, content_type.as_deref(), type_name)
}

/// [`call`] for a hand-written call named `operation_id`: a 2xx answer's body, or the one
/// [`Error`].
pub(crate) async fn send_raw(
    client: &Client,
    operation_id: &'static str,
    build: Build<'_>,
) -> Result<Bytes, Error> {
    let (answer, record) = call(client, Route::Named(operation_id), build).await?;
    if answer.status.is_success() {
        Ok(answer.body)
    } else {
        Err(unexpected(client, answer, record))
    }
}

/// The error for an answer whose status the call does not take as success. An error status's
/// body and headers were redacted as they were read; a 2xx one's are redacted here.
fn unexpected(client: &Client, answer: Answer, record: RetryRecord) -> Error {
    let Answer {
        status,
        mut headers,
        body,
        ..
    } = answer;
    let body = if status.is_success() {
        let known = client_secrets(&client.inner().authorizer, None);
        crate::redact::error_answer_knowing(&mut headers, body, known)
    } else {
        body
    };
    Error::unexpected(status, headers, Some(record), &body)
}

/// The one way into the request path: the path check of the first request's URL, the
/// authorization, then [`send_with_retries`] in the operation's span, with the first request
/// sent as built (no copy) and another built only for a retry. Ends with the whole answer (an
/// answer the request path refuses is [`Error::InvalidResponse`]) or the one [`Error`].
pub(crate) async fn call(
    client: &Client,
    route: Route,
    build: Build<'_>,
) -> Result<(Answer, RetryRecord), Error> {
    let ctx = client.inner();
    let first = build().map_err(Error::from_reqwest)?;
    let (id, index) = match route {
        Route::Table(index) => {
            let op = OPERATIONS.get(index).ok_or_else(|| {
                Error::InvalidRequest(format!("operation #{index} is not in the operation table"))
            })?;
            (op.id, Some(index))
        }
        Route::Named(id) => (id, operation_index(id)),
    };
    match index {
        Some(index) => super::path_safety::check_at(first.url(), client.baseurl(), index),
        None => super::path_safety::check(first.url(), client.baseurl(), id),
    }
    .map_err(Error::InvalidRequest)?;
    let method = first.method().clone();
    // Named in every error made from the answer: the template, or the request's own path
    // (never its query).
    let site = CallSite {
        operation: id,
        method: method.clone(),
        path: match index.and_then(|i| OPERATIONS.get(i)) {
            Some(op) => Cow::Borrowed(op.path),
            None => Cow::Owned(first.url().path().to_string()),
        },
    };
    let authorization = ctx.authorizer.header().await.map_err(Error::Auth)?;
    let span = request_span(id, &method);
    let group = ctx.throttle.group_at(index.unwrap_or(OPERATION_COUNT));
    let idempotent = idempotent_at(index, &method, id);
    let source = Source {
        first: Some(first),
        build,
        authorization,
    };
    let call = Call::new(ctx, source, idempotent, group, span.clone());
    let Ended {
        outcome,
        mut record,
    } = send_with_retries(client.client(), call)
        .instrument(span)
        .await;
    let answer = outcome.map_err(Error::from_reqwest)?;
    if let Some(reason) = answer.refused {
        return Err(Error::InvalidResponse(reason.into()));
    }
    record.call = Some(site);
    Ok((answer, record))
}

/// A complete answer: status, headers and the (bounded, for errors) body.
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    /// Why the request path refuses this answer: nothing of it is decoded or retried.
    refused: Option<&'static str>,
}

/// Sends one attempt and reads the whole answer (a success body up to [`MAX_SUCCESS_BODY`], an
/// error body up to [`MAX_ERROR_BODY`]), keeping the URL only when asked (only a rebuilt
/// `reqwest::Response` needs it). `check_url`: refuse an answer from another URL (a redirect
/// followed by a user-supplied HTTP client).
async fn send_once(
    http: &reqwest::Client,
    request: reqwest::Request,
    check_url: bool,
    authorizer: &crate::auth::Authorizer,
) -> reqwest::Result<Answer> {
    let sent_url = check_url.then(|| request.url().clone());
    let sent_authorization = request.headers().get(AUTHORIZATION).cloned();
    let mut response = http.execute(request).await?;
    let status = response.status();
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
        status,
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

/// Where each attempt's request comes from: the first request, built (and its path checked)
/// before the call, how to build it again, and the `Authorization` to send. The first attempt
/// sends `first`, nothing is copied, and a retry builds again.
struct Source<'a> {
    first: Option<reqwest::Request>,
    build: Build<'a>,
    authorization: HeaderValue,
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
                let rejected = Some(&call.source.authorization);
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
            reauthorized: false,
            waited: Duration::ZERO,
            span,
        }
    }

    /// The request to send now: the first one as built, then a new one per retry.
    fn next_request(&mut self) -> reqwest::Result<reqwest::Request> {
        let mut request = match self.source.first.take() {
            Some(request) => request,
            None => (self.source.build)()?,
        };
        prepare(self.ctx, &mut request, self.source.authorization.clone());
        Ok(request)
    }

    /// One attempt: waits for the group's window, sends, and records the answer in the window.
    /// Dropped at any await point, the permit gives the slot back.
    async fn attempt(&mut self, http: &reqwest::Client) -> reqwest::Result<Answer> {
        self.attempts = self.attempts.saturating_add(1);
        let request = self.next_request()?;
        let limit = self.ctx.retry.server_wait_limit();
        let (permit, waited) = self.group.acquire(limit, self.deadline).await;
        self.waited = self.waited.saturating_add(waited);
        let request = self.bounded_by_deadline(request);
        let (request, params_in_body) = super::long_get::apply(request);
        if params_in_body {
            self.span.record("params_in_body", true);
        }
        let outcome = send_once(
            http,
            request,
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
            // Every attempt's request is built anew: nothing is a stream sent once.
            repeatable: true,
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
        self.source.authorization = header;
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
                call: None,
            },
        }
    }
}
