//! A request on the client's one request path for calls that no
//! generated builder expresses: the public raw requests ([`crate::RawRequest`]), the event
//! log's `_cursor` (not in Close's document) and the `/webhook/` answers (documented by example
//! only, typed by hand here). One implementation, [`send_bytes`], for all of them.

use progenitor_client::ClientInfo;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::{Client, Error};

/// Sends `method path?query` with an optional JSON `body` as operation `operation_id` (its
/// rate-limit group, retries and tracing) and decodes a 2xx body as `T`. Any other status is
/// an [`Error::Api`] exactly as for generated calls.
#[cfg(any(feature = "events", feature = "webhooks"))]
pub(crate) async fn send<T: DeserializeOwned>(
    client: &Client,
    operation_id: &'static str,
    method: reqwest::Method,
    path: &str,
    query: &[(&'static str, String)],
    body: Option<&(impl Serialize + Sync)>,
) -> Result<T, Error> {
    let body = body
        .map(json_body)
        .transpose()
        .map_err(Error::InvalidRequest)?;
    let bytes = send_bytes(client, operation_id, method, path, query, body).await?;
    decode(&bytes)
}

/// Like [`send`], for answers whose body does not matter (e.g. `DELETE`).
#[cfg(feature = "webhooks")]
pub(crate) async fn send_ignoring_body(
    client: &Client,
    operation_id: &'static str,
    method: reqwest::Method,
    path: &str,
) -> Result<(), Error> {
    let no_query: &[(&str, &str)] = &[];
    send_bytes(client, operation_id, method, path, no_query, None)
        .await
        .map(drop)
}

/// `body` as JSON, or why it cannot be serialised (e.g. a map with non-string keys): the
/// callers report that as an [`Error::InvalidRequest`] and send nothing.
pub(crate) fn json_body(body: &impl Serialize) -> Result<Vec<u8>, String> {
    serde_json::to_vec(body)
        .map_err(|e| format!("the request body cannot be serialised as JSON: {e}"))
}

/// Decodes a 2xx body as `T`; an empty body reads as JSON `null` (so `()`, `Option<_>` and
/// `serde_json::Value` accept a `204 No Content`).
pub(crate) fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Error> {
    let json: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
        b"null"
    } else {
        bytes
    };
    serde_json::from_slice(json)
        .map_err(|source| Error::decode(bytes, crate::wire::with_path(json, source)))
}

/// Sends `method {base URL}{path}?{query}` with an optional JSON `body` through the request
/// path as operation `operation_id`, and returns a 2xx answer's body. `path` must start with
/// `/` and have its values encoded already ([`crate::transport::path_safety::encode_path`]);
/// the request path checks it.
pub(crate) async fn send_bytes(
    client: &Client,
    operation_id: &'static str,
    method: reqwest::Method,
    path: &str,
    query: &(impl Serialize + ?Sized + Sync),
    body: Option<Vec<u8>>,
) -> Result<bytes::Bytes, Error> {
    let url = format!("{}{path}", client.baseurl());
    let body = body.map(bytes::Bytes::from);
    let build = || {
        let mut builder = client
            .client()
            .request(method.clone(), url.as_str())
            .header(reqwest::header::ACCEPT, "application/json")
            .query(query);
        if let Some(body) = &body {
            builder = builder
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.clone());
        }
        builder.build()
    };
    crate::transport::hooks::send_raw(client, operation_id, &build).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_bodies_decode_as_null_and_others_as_json() {
        assert_eq!(
            decode::<serde_json::Value>(b"").unwrap(),
            serde_json::Value::Null
        );
        assert_eq!(decode::<Option<u8>>(b" \n").unwrap(), None);
        decode::<()>(b"").unwrap();
        assert_eq!(decode::<Vec<u8>>(b"[1,2]").unwrap(), vec![1, 2]);
        let e = decode::<Vec<u8>>(b"{\"a\":1}").unwrap_err();
        assert!(
            matches!(&e, Error::Decode { body, .. } if body == "{\"a\":1}"),
            "{e:?}"
        );
        assert!(matches!(decode::<Vec<u8>>(b""), Err(Error::Decode { .. })));
    }

    #[test]
    fn bodies_that_do_not_serialise_say_why() {
        let map = std::collections::BTreeMap::from([((1, 2), "x")]);
        assert!(json_body(&map)
            .unwrap_err()
            .contains("cannot be serialised"));
        assert_eq!(
            json_body(&serde_json::json!({"a": 1})).unwrap(),
            b"{\"a\":1}"
        );
    }
}
