//! Close's documented examples for Users, Organizations, Roles and Groups, read from the
//! effective spec (`openapi/close.json`, which carries the upstream extracts' examples verbatim),
//! plus helpers for paginated responses.

use serde_json::{json, Map, Value};

/// The effective spec.
pub fn spec() -> Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../openapi/close.json"
    ))
    .expect("openapi/close.json");
    serde_json::from_str(&text).expect("openapi/close.json is JSON")
}

/// The documented example of the success response of `method path` (e.g. `"get", "/me/"`).
pub fn response_example(method: &str, path: &str) -> Value {
    let spec = spec();
    let responses = spec["paths"][path][method]["responses"]
        .as_object()
        .unwrap_or_else(|| panic!("{method} {path} has no responses"));
    responses
        .iter()
        .filter(|(status, _)| status.starts_with('2'))
        .find_map(|(_, r)| r["content"]["application/json"].get("example").cloned())
        .unwrap_or_else(|| panic!("{method} {path} has no documented success example"))
}

/// The documented example of the request body of `method path`.
pub fn request_example(method: &str, path: &str) -> Value {
    spec()["paths"][path][method]["requestBody"]["content"]["application/json"]["example"].clone()
}

/// `value` without `null`s and empty arrays, recursively: what a typed value that skips absent
/// optional fields serialises back to, so `normalized(example) == normalized(typed)` means
/// nothing was lost in decoding.
pub fn normalized(value: &Value) -> Value {
    match value {
        Value::Object(o) => Value::Object(
            o.iter()
                .filter(|(_, v)| !v.is_null() && v.as_array().is_none_or(|a| !a.is_empty()))
                .map(|(k, v)| (k.clone(), normalized(v)))
                .collect::<Map<String, Value>>(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(normalized).collect()),
        other => other.clone(),
    }
}

/// A `{data, has_more}` page.
pub fn page(items: &[Value], has_more: bool) -> Value {
    json!({ "data": items, "has_more": has_more })
}

/// `n` distinct users shaped like the documented list example, ids `user_0`…
pub fn users(n: usize) -> Vec<Value> {
    let template = response_example("get", "/user/")["data"][0].clone();
    (0..n)
        .map(|i| {
            let mut u = template.clone();
            u["id"] = json!(format!("user_{i}"));
            u["email"] = json!(format!("user{i}@example.com"));
            u
        })
        .collect()
}

/// `n` distinct groups shaped like the documented list example, ids `group_0`…
pub fn groups(n: usize) -> Vec<Value> {
    let template = response_example("get", "/group/")["data"][0].clone();
    (0..n)
        .map(|i| {
            let mut g = template.clone();
            g["id"] = json!(format!("group_{i}"));
            g["name"] = json!(format!("Group {i}"));
            g
        })
        .collect()
}

/// A mock that answers `method` on exactly `path` with `status` and `response` (JSON), but only
/// when the request carries [`crate::BASIC_AUTH`] and, when `body` is given, exactly that JSON
/// body. `mock.assert_async()` then proves all of it was sent.
pub async fn expect_call<'a>(
    server: &'a httpmock::MockServer,
    method: httpmock::Method,
    path: &str,
    body: Option<&Value>,
    status: u16,
    response: &Value,
) -> httpmock::Mock<'a> {
    let (path, body, response) = (path.to_string(), body.cloned(), response.clone());
    server
        .mock_async(move |when, then| {
            let when = when
                .method(method)
                .path(path)
                .header("authorization", crate::BASIC_AUTH);
            if let Some(body) = body {
                when.json_body(body);
            }
            then.status(status)
                .header("content-type", "application/json")
                .json_body(response);
        })
        .await
}

/// [`normalized`], and without empty objects too: what a typed value that skips absent or empty
/// optional members serialises back to. `without_empty(typed) == without_empty(example)` means
/// decoding lost nothing.
pub fn without_empty(value: &Value) -> Value {
    match normalized(value) {
        Value::Object(o) => Value::Object(
            o.into_iter()
                .filter(|(_, v)| v.as_object().is_none_or(|m| !m.is_empty()))
                .map(|(k, v)| (k, without_empty(&v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(without_empty).collect()),
        other => other,
    }
}
