//! The checks behind the generated per-operation test
//! (`tests/integration/generated_operations.rs`): a loopback mock that records what the SDK sent
//! for one operation, and the comparison of that request and the decoded response with Close's
//! documented examples.

use std::sync::{Arc, Mutex, OnceLock};

use close_sdk::Client;
use httpmock::{HttpMockRequest, HttpMockResponse, Method, MockServer};
use serde::{de::DeserializeOwned, Serialize};
use serde_json::Value;

use crate::resources::{first_difference, without_empty};

/// The effective spec, parsed once for every test in the binary.
fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(crate::resources::spec)
}

/// One operation's test: the mock it talks to, what the mock recorded, and the examples.
pub struct Case {
    op: &'static str,
    server: MockServer,
    /// The body of every request that reached the mock.
    received: Arc<Mutex<Vec<Vec<u8>>>>,
    request_example: Option<Value>,
    response_example: Option<Value>,
    has_body: bool,
    request_schema: Value,
    json_response: bool,
}

impl Case {
    /// Starts a mock answering `method path` (exact path, these query parameters, the test API
    /// key's `Authorization`) with `status` and the documented response example of `template`
    /// (or `{}` when Close documents none and the response is JSON; nothing otherwise).
    pub async fn start(
        op: &'static str,
        method: &str,
        template: &str,
        path: &str,
        query: &[(&str, &str)],
        status: u16,
        json_response: bool,
    ) -> Case {
        let operation = &spec()["paths"][template][method.to_lowercase()];
        let request_example = operation["requestBody"]["content"]["application/json"]
            .get("example")
            .cloned();
        let has_body = operation.get("requestBody").is_some();
        let request_schema =
            operation["requestBody"]["content"]["application/json"]["schema"].clone();
        let response_example = operation["responses"].as_object().and_then(|r| {
            r.iter()
                .filter(|(code, _)| code.starts_with('2'))
                .find_map(|(_, r)| r["content"]["application/json"].get("example").cloned())
        });
        let server = MockServer::start_async().await;
        let received = Arc::new(Mutex::new(Vec::new()));
        let reply = match (&response_example, json_response) {
            (Some(example), _) => Some(example.to_string()),
            (None, true) => Some("{}".to_string()),
            (None, false) => None,
        };
        let method: Method = method.parse().unwrap_or(Method::GET);
        let (path, query) = (
            path.to_string(),
            query
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<Vec<_>>(),
        );
        let seen = received.clone();
        server
            .mock_async(move |when, then| {
                let mut when = when
                    .method(method)
                    .path(path)
                    .header("authorization", crate::BASIC_AUTH);
                for (k, v) in query {
                    when = when.query_param(k, v);
                }
                let _ = when;
                then.respond_with(move |req: &HttpMockRequest| {
                    if let Ok(mut r) = seen.lock() {
                        r.push(req.body_ref().to_vec());
                    }
                    let mut b = HttpMockResponse::builder().status(status);
                    if let Some(body) = &reply {
                        b = b
                            .header("content-type", "application/json")
                            .body(body.clone());
                    }
                    b.build()
                });
            })
            .await;
        Case {
            op,
            server,
            received,
            request_example,
            response_example,
            has_body,
            request_schema,
            json_response,
        }
    }

    /// A client with the test API key pointed at the mock.
    pub fn client(&self) -> Client {
        crate::api_key_client(&self.server)
    }

    /// The request body: the documented example decoded with the operation's body type (where
    /// Close documents none, the smallest body its schema allows: every required member, nothing
    /// else). Panics naming the operation and the field that fails.
    pub fn body<T: DeserializeOwned>(&mut self) -> T {
        let example = match &self.request_example {
            Some(e) => e.clone(),
            None => {
                let minimal = minimal_value(&self.request_schema, 0);
                self.request_example = Some(minimal.clone());
                minimal
            }
        };
        // A documented example may leave out a member the SDK requires (Close's
        // `memberships_bulk_update` example has no `_params`): complete it with the smallest
        // value of each missing required member, and expect exactly that on the wire (nulls
        // are ignored in the comparison, as everywhere here).
        let example = match serde_json::from_value::<T>(example.clone()) {
            Ok(_) => example,
            Err(_) => {
                // Likewise a documented `null` the SDK's type cannot hold (Close's `roles_create`
                // example sends `visibility_user_lcf_ids: null`; the SDK leaves the member out).
                let mut completed = minimal_value(&self.request_schema, 0);
                if let (Value::Object(base), Value::Object(given)) = (&mut completed, &example) {
                    base.extend(
                        given
                            .iter()
                            .filter(|(_, v)| !v.is_null())
                            .map(|(k, v)| (k.clone(), v.clone())),
                    );
                }
                self.request_example = Some(completed.clone());
                completed
            }
        };
        serde_path_to_error::deserialize(example).unwrap_or_else(|e| {
            panic!(
                "{}: the request example does not decode: field `{}`: {}",
                self.op,
                e.path(),
                e.inner()
            )
        })
    }

    /// Checks the call's outcome: exactly one request reached the mock (right method, path,
    /// query and `Authorization`), its body is the example (nothing lost or invented), and the
    /// documented response example decoded and re-serialises without loss.
    pub async fn check<T: Serialize + std::fmt::Debug, E: std::fmt::Debug>(
        self,
        result: Result<T, E>,
    ) {
        let op = self.op;
        let received = self.received.lock().map(|r| r.clone()).unwrap_or_default();
        assert_eq!(
            received.len(),
            1,
            "{op}: {} requests matched the mock's method, exact path, query and Authorization \
             (expected 1); the call returned {result:?}",
            received.len(),
        );
        let sent = &received[0];
        match (self.has_body, &self.request_example) {
            (true, Some(example)) => {
                let sent: Value = serde_json::from_slice(sent)
                    .unwrap_or_else(|e| panic!("{op}: the body sent is not JSON: {e}"));
                if let Some(d) =
                    first_difference(&without_empty(example), &without_empty(&sent), "")
                {
                    panic!("{op}: the body sent differs from the documented example: {d}");
                }
            }
            (true, None) => {
                panic!("{op}: the operation has a body but the test never called `body()`")
            }
            (false, _) => assert!(
                sent.is_empty(),
                "{op}: sent a body although the operation has none"
            ),
        }
        match &self.response_example {
            Some(example) => {
                let value = match result {
                    Ok(v) => v,
                    Err(e) => panic!("{op}: the documented response example was refused: {e:?}"),
                };
                let back = serde_json::to_value(&value)
                    .unwrap_or_else(|e| panic!("{op}: re-serialising the response: {e}"));
                if let Some(d) =
                    first_difference(&without_empty(example), &without_empty(&back), "")
                {
                    panic!("{op}: the response example decoded with loss: {d}");
                }
            }
            // No documented example: the request side is what this test checks; a JSON
            // response of `{}` may not fit a type with required members.
            None if !self.json_response => {
                if let Err(e) = result {
                    panic!("{op}: an empty success response was refused: {e:?}");
                }
            }
            None => {}
        }
    }
}

/// The smallest value `schema` allows: objects with their required members only, the first
/// enum value, and a valid placeholder for each string format the SDK checks. Bounded depth.
pub fn minimal_value(schema: &Value, depth: usize) -> Value {
    let mut schema = schema;
    while let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let Some(name) = r.strip_prefix("#/components/schemas/") else {
            break;
        };
        schema = &spec()["components"]["schemas"][name];
    }
    if depth > 8 {
        return Value::Null;
    }
    if let Some(first) = schema.get("enum").and_then(|e| e.get(0)) {
        return first.clone();
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(first) = schema.get(key).and_then(|e| e.get(0)) {
            return minimal_value(first, depth + 1);
        }
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => Value::from(match schema.get("format").and_then(Value::as_str) {
            Some("email") => "ann@example.com",
            Some("date") => "2024-01-01",
            Some("date-time") => "2024-01-01T00:00:00Z",
            _ => "x",
        }),
        Some("integer") | Some("number") => Value::from(1),
        Some("boolean") => Value::Bool(true),
        Some("array") => Value::Array(Vec::new()),
        _ => {
            let mut out = serde_json::Map::new();
            let required = schema.get("required").and_then(Value::as_array);
            for name in required.into_iter().flatten().filter_map(Value::as_str) {
                let member = &schema["properties"][name];
                out.insert(name.to_string(), minimal_value(member, depth + 1));
            }
            Value::Object(out)
        }
    }
}
