//! Close's documented examples for Users, Organizations, Roles and Groups, read from the
//! effective spec (`openapi/close.json`, which carries the upstream extracts' examples verbatim),
//! plus helpers for paginated responses.

use httpmock::{Method::GET, Mock, MockServer};
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

/// Mocks `GET path` on `server` serving `items` in pages of `page_size`: `_skip` 0, `page_size`,
/// …, `has_more` on every page but the last (one empty page for no items). Each mock matches its
/// exact `_skip` and `_limit`, each sent once, and no `_fields`. One mock per page, in order.
pub async fn mock_pages<'a>(
    server: &'a MockServer,
    path: &str,
    items: &[Value],
    page_size: usize,
) -> Vec<Mock<'a>> {
    let size = page_size.max(1);
    let pages: Vec<&[Value]> = if items.is_empty() {
        vec![&[]]
    } else {
        items.chunks(size).collect()
    };
    let last = pages.len() - 1;
    let mut mocks = Vec::with_capacity(pages.len());
    for (i, items) in pages.into_iter().enumerate() {
        let body = page(items, i < last);
        let path = path.to_string();
        mocks.push(
            server
                .mock_async(move |when, then| {
                    when.method(GET)
                        .path(path)
                        .query_param("_skip", (i * size).to_string())
                        .query_param("_limit", size.to_string())
                        .query_param_count("_skip", ".*", 1)
                        .query_param_count("_limit", ".*", 1)
                        .query_param_missing("_fields");
                    then.status(200).json_body(body);
                })
                .await,
        );
    }
    mocks
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

/// Where `got` differs from `want` first, as `path: want ≠ got` (`None` when equal). Numbers
/// compare by value (`5` and `5.0` are the same number).
pub fn first_difference(want: &Value, got: &Value, path: &str) -> Option<String> {
    match (want, got) {
        (Value::Object(w), Value::Object(g)) => {
            for (k, wv) in w {
                let p = format!("{path}.{k}");
                match g.get(k) {
                    None => return Some(format!("field `{p}` was dropped")),
                    Some(gv) => {
                        if let Some(d) = first_difference(wv, gv, &p) {
                            return Some(d);
                        }
                    }
                }
            }
            g.keys()
                .find(|k| !w.contains_key(*k))
                .map(|k| format!("field `{path}.{k}` was invented"))
        }
        (Value::Array(w), Value::Array(g)) if w.len() == g.len() => w
            .iter()
            .zip(g)
            .enumerate()
            .find_map(|(i, (wv, gv))| first_difference(wv, gv, &format!("{path}[{i}]"))),
        (Value::Number(w), Value::Number(g)) if w.as_f64() == g.as_f64() => None,
        _ if want == got => None,
        _ => Some(format!("field `{path}`: example {want} ≠ decoded {got}")),
    }
}
