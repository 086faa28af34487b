//! The one place where cross-cutting HTTP behaviour lives: progenitor's `ClientHooks` for
//! [`Client`]. Every generated operation calls `pre`, then `exec`, then `post`.
//!
//! - `pre`: `Authorization` (marked sensitive; an OAuth token is refreshed first when it is about
//!   to expire), `User-Agent`, a per-call timeout; removes any `api-version`
//!   header (progenitor adds one to every request; close-sdk-gen strips it from the generated
//!   code, Close defines none).
//! - `exec`: the only loop and the only sleeps in the crate. Per attempt: wait for the endpoint
//!   group's rate-limit window ([`super::throttle`]), send, read the whole answer (so that a body
//!   cut off mid-way is retried too), record the rate-limit headers, then decide with
//!   [`crate::RetryPolicy`]: done, retry after a wait, or refresh an OAuth token once after a 401.
//!   A non-2xx body is kept bounded and always reaches the error as JSON (a JSON object as is,
//!   anything else as a JSON string that [`crate::ErrorBody`] decodes as raw text).
//! - A `tracing` span per operation records the operation id, method, path template, status,
//!   attempts and time spent waiting; headers and bodies are never recorded.

use std::time::{Duration, Instant};

use bytes::Bytes;
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::{
    HeaderMap, HeaderValue, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, USER_AGENT,
};
use reqwest::{ResponseBuilderExt, StatusCode};
use tracing::Instrument;

use super::context::ClientContext;
use super::headers::{server_wait, RateLimit};
use super::operations::{is_idempotent, path_template};
use super::retry::{is_transient_status, server_wait_jitter};
use crate::error::{truncate, RetryRecord, MAX_RAW_BODY};
use crate::{Client, ErrorBody, RetryPolicy};

/// At most this much of an error response body is read.
const MAX_ERROR_BODY: usize = 64 * 1024;
/// The wait after a 429 that named none.
const DEFAULT_429_WAIT: Duration = Duration::from_secs(1);

impl ClientHooks<ClientContext> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        super::path_safety::check(request.url(), info.operation_id)
            .map_err(progenitor_client::Error::InvalidRequest)?;
        let ctx = self.inner();
        let authorization = ctx
            .authorizer
            .header()
            .await
            .map_err(progenitor_client::Error::Custom)?;
        let headers = request.headers_mut();
        headers.remove("api-version");
        headers.insert(AUTHORIZATION, authorization);
        headers.insert(USER_AGENT, ctx.user_agent.clone());
        if let Some(timeout) = ctx.timeout {
            *request.timeout_mut() = Some(timeout);
        }
        Ok(())
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let span = tracing::debug_span!(
            "close.request",
            operation_id = info.operation_id,
            method = %request.method(),
            path = path_template(info.operation_id),
            status = tracing::field::Empty,
            attempts = tracing::field::Empty,
            wait_ms = tracing::field::Empty,
        );
        send_with_retries(self.client(), self.inner(), request, info.operation_id)
            .instrument(span)
            .await
    }
}

/// A complete answer: status, headers and the (bounded, for errors) body.
struct Answer {
    url: reqwest::Url,
    status: StatusCode,
    version: http::Version,
    headers: HeaderMap,
    body: Bytes,
}

impl Answer {
    fn into_response(self, record: RetryRecord) -> reqwest::Response {
        let mut r = http::Response::new(self.body);
        *r.status_mut() = self.status;
        *r.version_mut() = self.version;
        *r.headers_mut() = self.headers;
        // Keep the request's URL on the response (without it reqwest parses a placeholder URL
        // for every response).
        if let Ok(with_url) = http::Response::builder().url(self.url).body(()) {
            *r.extensions_mut() = with_url.into_parts().0.extensions;
        }
        r.extensions_mut().insert(record);
        reqwest::Response::from(r)
    }
}

/// Sends one attempt and reads the whole answer.
async fn send_once(http: &reqwest::Client, request: reqwest::Request) -> reqwest::Result<Answer> {
    let mut response = http.execute(request).await?;
    let url = response.url().clone();
    let status = response.status();
    let version = response.version();
    let mut headers = std::mem::take(response.headers_mut());
    let body = if status.is_success() {
        response.bytes().await?
    } else {
        let body = read_bounded(&mut response, MAX_ERROR_BODY).await?;
        let body = if body.is_empty()
            || serde_json::from_slice::<serde_json::Value>(&body).is_ok_and(|v| v.is_object())
        {
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
    })
}

/// Reads at most `max` bytes of a body (the rest is dropped with the connection).
async fn read_bounded(response: &mut reqwest::Response, max: usize) -> reqwest::Result<Bytes> {
    let mut body: Vec<u8> = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        let room = max - body.len();
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if body.len() >= max {
            break;
        }
    }
    Ok(body.into())
}

/// What to do after an attempt.
enum Next {
    Done,
    Retry {
        wait: Duration,
        reason: &'static str,
    },
    RetryWithNewAuthorization(HeaderValue),
    RefuseWait(Duration),
}

/// Retry after the wait the server asked for (plus jitter), or after `fallback` when it named
/// none; a wait above the policy's cap is refused instead of slept.
fn after_server_wait(
    asked: Option<Duration>,
    fallback: Duration,
    policy: &RetryPolicy,
    reason: &'static str,
) -> Next {
    match asked {
        Some(w) if w > policy.max_server_wait => Next::RefuseWait(w),
        Some(w) => Next::Retry {
            wait: w + server_wait_jitter(w),
            reason,
        },
        None => Next::Retry {
            wait: fallback,
            reason,
        },
    }
}

async fn send_with_retries(
    http: &reqwest::Client,
    ctx: &ClientContext,
    mut request: reqwest::Request,
    operation_id: &'static str,
) -> reqwest::Result<reqwest::Response> {
    let policy = ctx.retry;
    let started = Instant::now();
    let deadline = policy.deadline.map(|d| started + d);
    let idempotent = is_idempotent(request.method(), operation_id);
    let group = ctx.throttle.group(operation_id);
    let span = tracing::Span::current();
    let mut waited = Duration::ZERO;
    let mut attempts = 0u32;
    let mut reauthorized = false;

    loop {
        attempts += 1;
        // A body that cannot be cloned (a stream) allows one attempt only.
        let (this_try, repeatable) = match request.try_clone() {
            Some(copy) => (copy, true),
            None => {
                let blank = empty_like(&request);
                (std::mem::replace(&mut request, blank), false)
            }
        };
        let can_retry = repeatable && attempts < policy.max_attempts;
        waited += group.acquire(policy.max_server_wait, deadline).await;
        let sent_authorization = this_try.headers().get(AUTHORIZATION).cloned();
        let outcome = send_once(http, this_try).await;

        let next = match &outcome {
            Ok(answer) => {
                let status = answer.status;
                let too_many = status == StatusCode::TOO_MANY_REQUESTS;
                let legacy_reset = if too_many {
                    ErrorBody::from_bytes(&answer.body).rate_reset()
                } else {
                    None
                };
                // A success asks for no wait: skip parsing the wait headers.
                let asked = if status.is_success() {
                    None
                } else {
                    server_wait(&answer.headers, legacy_reset)
                };
                group.observe(
                    RateLimit::from_headers(&answer.headers),
                    too_many.then(|| asked.unwrap_or(DEFAULT_429_WAIT)),
                );
                if status.is_success() {
                    Next::Done
                } else if status == StatusCode::UNAUTHORIZED && !reauthorized && repeatable {
                    match ctx
                        .authorizer
                        .after_unauthorized(sent_authorization.as_ref())
                        .await
                    {
                        Some(h) => Next::RetryWithNewAuthorization(h),
                        None => Next::Done,
                    }
                } else if too_many {
                    let fallback = DEFAULT_429_WAIT.max(policy.backoff(attempts));
                    after_server_wait(asked, fallback, &policy, "429")
                } else if idempotent && is_transient_status(status) {
                    after_server_wait(asked, policy.backoff(attempts), &policy, "transient status")
                } else {
                    Next::Done
                }
            }
            Err(e) => {
                group.release();
                // Nothing was sent when the connection could not be made: safe for any
                // operation. Otherwise the server may have acted: only if repeating is harmless.
                if e.is_connect() || (idempotent && !e.is_builder() && !e.is_redirect()) {
                    Next::Retry {
                        wait: policy.backoff(attempts),
                        reason: if e.is_timeout() {
                            "timeout"
                        } else {
                            "transport error"
                        },
                    }
                } else {
                    Next::Done
                }
            }
        };

        let mut record = RetryRecord {
            attempts,
            refused_wait: None,
        };
        match next {
            Next::Done => {}
            Next::RefuseWait(w) => record.refused_wait = Some((w, policy.max_server_wait)),
            Next::RetryWithNewAuthorization(h) => {
                // A refreshed token is not a retry of a failure: it does not use the budget.
                reauthorized = true;
                attempts -= 1;
                request.headers_mut().insert(AUTHORIZATION, h);
                tracing::debug!("retrying with a refreshed OAuth token after 401");
                continue;
            }
            Next::Retry { wait, reason } => {
                let within_deadline = deadline.is_none_or(|d| Instant::now() + wait < d);
                if can_retry && within_deadline {
                    tracing::debug!(
                        attempt = attempts,
                        wait_ms = wait.as_millis() as u64,
                        reason,
                        "retrying"
                    );
                    tokio::time::sleep(wait).await;
                    waited += wait;
                    continue;
                }
            }
        }
        span.record("attempts", attempts);
        span.record("wait_ms", waited.as_millis() as u64);
        return match outcome {
            Ok(answer) => {
                span.record("status", answer.status.as_u16());
                Ok(answer.into_response(record))
            }
            Err(e) => Err(e),
        };
    }
}

/// A bodiless copy of `request`, standing in when its body could not be cloned (only reached
/// when no retry will be made).
fn empty_like(request: &reqwest::Request) -> reqwest::Request {
    reqwest::Request::new(request.method().clone(), request.url().clone())
}
