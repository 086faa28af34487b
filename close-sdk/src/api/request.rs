//! A request on the client's one request path (`pre` → `exec` → `post`) for calls whose
//! generated builder cannot express them: the event log's `_cursor` (not in Close's document)
//! and the `/webhook/` answers (documented by example only, typed by hand here).

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::{truncate, MAX_RAW_BODY};
use crate::{Client, Error};

/// Sends `method path?query` with an optional JSON `body` as operation `operation_id` (its
/// rate-limit group, retries and tracing) and decodes a 2xx body as `T`. Any other status is
/// an [`Error::Api`] exactly as for generated calls.
pub(crate) async fn send<T: DeserializeOwned>(
    client: &Client,
    operation_id: &'static str,
    method: reqwest::Method,
    path: &str,
    query: &[(&'static str, String)],
    body: Option<&(impl Serialize + Sync)>,
) -> Result<T, Error> {
    let bytes = send_bytes(client, operation_id, method, path, query, body).await?;
    serde_json::from_slice(&bytes).map_err(|source| Error::Decode {
        body: truncate(&String::from_utf8_lossy(&bytes), MAX_RAW_BODY),
        source,
    })
}

/// Like [`send`], for answers whose body does not matter (e.g. `DELETE`).
#[cfg(feature = "webhooks")]
pub(crate) async fn send_ignoring_body(
    client: &Client,
    operation_id: &'static str,
    method: reqwest::Method,
    path: &str,
) -> Result<(), Error> {
    send_bytes(client, operation_id, method, path, &[], None::<&()>)
        .await
        .map(drop)
}

async fn send_bytes(
    client: &Client,
    operation_id: &'static str,
    method: reqwest::Method,
    path: &str,
    query: &[(&'static str, String)],
    body: Option<&(impl Serialize + Sync)>,
) -> Result<bytes::Bytes, Error> {
    let url = format!("{}{path}", client.baseurl());
    let mut builder = client
        .client()
        .request(method, url)
        .header(reqwest::header::ACCEPT, "application/json")
        .query(query);
    if let Some(body) = body {
        builder = builder.json(body);
    }
    let mut request = builder.build().map_err(Error::from_reqwest)?;
    let info = OperationInfo { operation_id };
    if let Err(e) = client.pre::<crate::ErrorBody>(&mut request, &info).await {
        return Err(Error::from_generated(e).await);
    }
    let result = client.exec(request, &info).await;
    if let Err(e) = client.post::<crate::ErrorBody>(&result, &info).await {
        return Err(Error::from_generated(e).await);
    }
    let response = result.map_err(Error::from_reqwest)?;
    if !response.status().is_success() {
        let e = progenitor_client::Error::<crate::ErrorBody>::UnexpectedResponse(response);
        return Err(Error::from_generated(e).await);
    }
    response.bytes().await.map_err(Error::from_reqwest)
}
