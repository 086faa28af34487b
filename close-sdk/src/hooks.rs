//! The one place where cross-cutting HTTP behaviour lives: progenitor's `ClientHooks` for
//! [`Client`]. Every generated operation calls `pre`, then `exec`, then `post`.
//!
//! - `pre`: adds `Authorization` (marked sensitive) and `User-Agent`; removes the `api-version`
//!   header progenitor adds to every request (Close defines none).
//! - `exec`: sends the request; for a non-2xx answer, reads the body (bounded) so that the error
//!   keeps Close's message whatever the body is: a JSON object passes through, anything else is
//!   carried as a JSON string, which [`crate::ErrorBody`] decodes as raw text.

use bytes::Bytes;
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::{HeaderValue, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, USER_AGENT};

use crate::client::ClientContext;
use crate::error::{truncate, MAX_RAW_BODY};
use crate::Client;

/// At most this much of an error response body is read.
const MAX_ERROR_BODY: usize = 64 * 1024;

impl ClientHooks<ClientContext> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        let ctx = self.inner();
        let headers = request.headers_mut();
        headers.remove("api-version");
        headers.insert(AUTHORIZATION, ctx.authorization.clone());
        headers.insert(USER_AGENT, ctx.user_agent.clone());
        Ok(())
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        _info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let response = self.client().execute(request).await?;
        if response.status().is_success() {
            return Ok(response);
        }
        capture_error_body(response).await
    }
}

/// Reads up to [`MAX_ERROR_BODY`] bytes of an error response and returns an equivalent response
/// whose body is JSON: the original when it is a JSON object, else the text as a JSON string.
async fn capture_error_body(mut response: reqwest::Response) -> reqwest::Result<reqwest::Response> {
    let mut body: Vec<u8> = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        let room = MAX_ERROR_BODY - body.len();
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if body.len() >= MAX_ERROR_BODY {
            break;
        }
    }
    let is_json_object =
        serde_json::from_slice::<serde_json::Value>(&body).is_ok_and(|v| v.is_object());
    let body: Bytes = if is_json_object || body.is_empty() {
        body.into()
    } else {
        let text = truncate(&String::from_utf8_lossy(&body), MAX_RAW_BODY);
        serde_json::to_vec(&text).unwrap_or_default().into()
    };

    let mut rebuilt = http::Response::new(body.clone());
    *rebuilt.status_mut() = response.status();
    *rebuilt.version_mut() = response.version();
    *rebuilt.headers_mut() = response.headers().clone();
    let headers = rebuilt.headers_mut();
    headers.insert(CONTENT_LENGTH, HeaderValue::from(body.len()));
    if !is_json_object && !body.is_empty() {
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    }
    Ok(reqwest::Response::from(rebuilt))
}
