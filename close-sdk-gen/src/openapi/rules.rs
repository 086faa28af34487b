//! Rules that hold for every operation of Close's document, applied in code rather than as
//! overlay patches (the overlay keeps per-schema corrections only).
//!
//! They run on the normalised (OpenAPI 3.0.3) document, after the overlay:
//!
//! 1. [`prefix_operation_ids`]: Close reuses ids across tags (`list` ×56, `get` ×53, …); every
//!    id becomes `{snake(tag without "subpackage_")}_{snake(id)}` (`leads_list`,
//!    `activities_calls_get`), which is unique and reproduces the SDK's historical names.
//! 2. [`drop_authorization_header`]: every operation declares a required `Authorization` header
//!    parameter; authentication belongs to the request path, not to each builder.
//! 3. [`error_bodies`]: every non-2xx response gets the one error-body schema (`ErrorBody`,
//!    replaced by `close_sdk::ErrorBody`); the document's are "Any type".
//! 4. [`date_unions`]: a `date-time | date` union becomes one string schema of format
//!    `date-or-date-time` (generated as `close_sdk::DateOrTimestamp`); `format: date` alone is
//!    generated as `close_sdk::Date` (see `codegen::settings`).
//! 5. [`inline_parameter_schemas`]: the document names query-parameter types after the route
//!    (`UserGetParametersOrderBy`); inlined, they are named after the operation and parameter
//!    (`UsersListOrderBy`), like the builder method that takes them. Named `date-or-date-time`
//!    schemas (`UpdateNotificationDueDate`) are inlined too: one type, `DateOrTimestamp`.
//! 6. [`response_placeholders`]: 191 success responses are an empty "Empty response body"
//!    object. On a DELETE or a 204 the body is ignored (the SDK returns `()`); elsewhere it is
//!    an untyped JSON object (`serde_json::Map`) rather than a struct that would drop every field.
//! 7. [`name_list_envelopes`]: `leads_list_Response_200` = `{data: [Lead], has_more}` is named
//!    `LeadList`.
//! 9. [`defaults_are_documentation`]: a property's `default` is what Close assumes when it is
//!    left out; typed as a value, the SDK would send it although the caller never set it (and
//!    invent it when decoding). It moves into the description; the property stays optional.
//! 8. [`accept_any_2xx`]: a POST's, PATCH's or DELETE's success is accepted for any 2xx status
//!    (Close's sources disagree on 200/201/204 for creates and deletes), whatever code the
//!    document gives. A GET's or PUT's `200` stays `200`, so its typed mock keeps `then.ok(..)`.
//! 10. [`tolerant_responses`]: in every schema reachable from a success response (closure over
//!     `$ref`, properties, items, additionalProperties, allOf/anyOf/oneOf) no property is
//!     required and every property that is not a `$ref` is `nullable`, so each is an `Option`
//!     in Rust (lists and maps too: `Option<Vec<T>>`, never a `Vec` that invents `[]`). `_fields`
//!     can remove any key ("specify which fields you require", Close's docs) and older accounts
//!     omit keys; a key Close did not send must never read as a real `""`, `0` or `false`.
//!     Request-only schemas keep `required` (strict sending).
//!
//! After them the pipeline applies [`crate::openapi::search_query`] (a rule that builds on
//! these: every `s_query` property is the crate's search type), which uses this module's walks.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{bail, Result};
use serde_json::{json, Map, Value};

use crate::openapi::features::TAG_PREFIX;

/// The HTTP methods of an OpenAPI path item.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The name of the one error-body schema.
pub const ERROR_BODY: &str = "ErrorBody";

/// The `format` given to `date-time | date` unions.
pub const DATE_OR_DATE_TIME: &str = "date-or-date-time";

/// Applies every rule, in order.
pub fn apply(doc: &mut Value) -> Result<()> {
    prefix_operation_ids(doc)?;
    drop_authorization_header(doc);
    error_bodies(doc);
    date_unions(doc);
    inline_parameter_schemas(doc);
    response_placeholders(doc);
    name_list_envelopes(doc);
    accept_any_2xx(doc);
    defaults_are_documentation(doc);
    tolerant_responses(doc);
    Ok(())
}

/// How many `$ref`s [`resolve`] follows before it gives up (a circular chain).
pub const MAX_REF_DEPTH: usize = 32;

/// `schema` with its `$ref`s followed (at most [`MAX_REF_DEPTH`]), or `None` for a dangling or
/// circular one.
pub fn resolve<'a>(spec: &'a Value, mut schema: &'a Value) -> Option<&'a Value> {
    for _ in 0..MAX_REF_DEPTH {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(r) => schema = spec.pointer(r.strip_prefix('#')?)?,
            None => return Some(schema),
        }
    }
    None
}

/// `camelCase`, `kebab-case` or `snake_case` to `snake_case`.
pub fn snake(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    let mut prev_lower_or_digit = false;
    for ch in s.chars() {
        if ch == '-' || ch == '_' || ch == ' ' || ch == '.' {
            if !out.ends_with('_') && !out.is_empty() {
                out.push('_');
            }
            prev_lower_or_digit = false;
        } else if ch.is_ascii_uppercase() {
            if prev_lower_or_digit && !out.ends_with('_') {
                out.push('_');
            }
            out.push(ch.to_ascii_lowercase());
            prev_lower_or_digit = false;
        } else {
            out.push(ch);
            prev_lower_or_digit = ch.is_ascii_lowercase() || ch.is_ascii_digit();
        }
    }
    out.trim_end_matches('_').to_string()
}

/// Every operation object of the document, with its path and method.
pub fn operations_mut(doc: &mut Value) -> Vec<(String, &'static str, &mut Map<String, Value>)> {
    let mut out = Vec::new();
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return out;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (key, op) in item.iter_mut() {
            let Some(method) = METHODS.iter().find(|m| **m == key.as_str()) else {
                continue;
            };
            if let Some(op) = op.as_object_mut() {
                out.push((path.clone(), *method, op));
            }
        }
    }
    out
}

/// The document tag of an operation without `subpackage_` (its first tag).
pub fn tag_of(op: &Map<String, Value>) -> Option<&str> {
    op.get("tags")?
        .as_array()?
        .first()?
        .as_str()
        .map(|t| t.strip_prefix(TAG_PREFIX).unwrap_or(t))
}

/// Rule 1: `{snake(tag)}_{snake(id)}` for every operation; fails on a missing tag or id, or on
/// two operations ending up with one id.
pub fn prefix_operation_ids(doc: &mut Value) -> Result<()> {
    let mut seen = BTreeMap::new();
    for (path, method, op) in operations_mut(doc) {
        let where_ = format!("{} {path}", method.to_uppercase());
        let Some(tag) = tag_of(op).map(snake) else {
            bail!("{where_} has no tag");
        };
        let Some(id) = op.get("operationId").and_then(Value::as_str).map(snake) else {
            bail!("{where_} has no operationId");
        };
        let full = format!("{tag}_{id}");
        if let Some(other) = seen.insert(full.clone(), where_.clone()) {
            bail!("{where_} and {other} both become operation `{full}`");
        }
        op.insert("operationId".into(), Value::String(full));
    }
    Ok(())
}

/// Rule 2: removes declared `Authorization` header parameters (operation and path level).
pub fn drop_authorization_header(doc: &mut Value) {
    fn strip(params: Option<&mut Value>) {
        if let Some(Value::Array(params)) = params {
            params.retain(|p| {
                !(p.get("in").and_then(Value::as_str) == Some("header")
                    && p.get("name")
                        .and_then(Value::as_str)
                        .is_some_and(|n| n.eq_ignore_ascii_case("authorization")))
            });
        }
    }
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            strip(item.get_mut("parameters"));
        }
    }
    for (_, _, op) in operations_mut(doc) {
        strip(op.get_mut("parameters"));
    }
}

/// The error-body schema every non-2xx response gets.
pub fn error_body_schema() -> Value {
    json!({
        "title": ERROR_BODY,
        "description": "The body of a Close error response. Every member is optional; the SDK keeps the raw text when the body is not JSON.",
        "type": "object",
        "properties": {
            "error": {"description": "A message, or an object (older 429 bodies carry `rate_reset` here)."},
            "errors": {"type": "array", "description": "General (non-field) errors.", "items": {}},
            "field-errors": {"type": "object", "description": "Validation messages by field name.", "additionalProperties": {}}
        }
    })
}

fn is_success(status: &str) -> bool {
    status.starts_with('2')
}

/// Rule 3: every non-2xx response's body is `ErrorBody`.
pub fn error_bodies(doc: &mut Value) {
    let mut any = false;
    for (_, _, op) in operations_mut(doc) {
        let Some(Value::Object(responses)) = op.get_mut("responses") else {
            continue;
        };
        for (status, response) in responses.iter_mut() {
            if is_success(status) {
                continue;
            }
            if let Some(r) = response.as_object_mut() {
                r.insert(
                    "content".into(),
                    json!({"application/json": {"schema": {"$ref": format!("#/components/schemas/{ERROR_BODY}")}}}),
                );
                any = true;
            }
        }
    }
    if any {
        if let Some(schemas) = schemas_mut(doc) {
            schemas.entry(ERROR_BODY).or_insert_with(error_body_schema);
        }
    }
}

fn schemas_mut(doc: &mut Value) -> Option<&mut Map<String, Value>> {
    let root = doc.as_object_mut()?;
    let components = root
        .entry("components")
        .or_insert_with(|| Value::Object(Map::new()))
        .as_object_mut()?;
    components
        .entry("schemas")
        .or_insert_with(|| Value::Object(Map::new()))
        .as_object_mut()
}

/// Calls `f` on every schema of the document (components, parameters, bodies, responses), parents
/// before children.
pub fn for_each_schema(doc: &mut Value, f: &mut dyn FnMut(&mut Map<String, Value>)) {
    fn walk(s: &mut Value, f: &mut dyn FnMut(&mut Map<String, Value>)) {
        let Some(obj) = s.as_object_mut() else { return };
        f(obj);
        if let Some(Value::Object(props)) = obj.get_mut("properties") {
            for p in props.values_mut() {
                walk(p, f);
            }
        }
        for key in ["items", "additionalProperties", "not"] {
            if let Some(v) = obj.get_mut(key) {
                walk(v, f);
            }
        }
        for key in ["allOf", "anyOf", "oneOf"] {
            if let Some(Value::Array(members)) = obj.get_mut(key) {
                for m in members {
                    walk(m, f);
                }
            }
        }
    }
    fn content(c: Option<&mut Value>, f: &mut dyn FnMut(&mut Map<String, Value>)) {
        if let Some(Value::Object(media)) = c {
            for m in media.values_mut() {
                if let Some(s) = m.get_mut("schema") {
                    walk(s, f);
                }
            }
        }
    }
    fn params(p: Option<&mut Value>, f: &mut dyn FnMut(&mut Map<String, Value>)) {
        if let Some(Value::Array(ps)) = p {
            for p in ps {
                if let Some(s) = p.get_mut("schema") {
                    walk(s, f);
                }
                content(p.get_mut("content"), f);
            }
        }
    }
    if let Some(Value::Object(components)) = doc.get_mut("components") {
        if let Some(Value::Object(schemas)) = components.get_mut("schemas") {
            for s in schemas.values_mut() {
                walk(s, f);
            }
        }
        if let Some(Value::Object(ps)) = components.get_mut("parameters") {
            for p in ps.values_mut() {
                if let Some(s) = p.get_mut("schema") {
                    walk(s, f);
                }
            }
        }
    }
    if let Some(Value::Object(paths)) = doc.get_mut("paths") {
        for item in paths.values_mut() {
            params(item.get_mut("parameters"), f);
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            for (key, op) in item.iter_mut() {
                if !METHODS.contains(&key.as_str()) {
                    continue;
                }
                params(op.get_mut("parameters"), f);
                if let Some(body) = op.get_mut("requestBody") {
                    content(body.get_mut("content"), f);
                }
                if let Some(Value::Object(responses)) = op.get_mut("responses") {
                    for r in responses.values_mut() {
                        content(r.get_mut("content"), f);
                    }
                }
            }
        }
    }
}

fn is_string_of_format(v: &Value, format: &str) -> bool {
    v.get("type").and_then(Value::as_str) == Some("string")
        && v.get("format").and_then(Value::as_str) == Some(format)
}

/// Rule 4: `oneOf`/`anyOf` of a `date-time` string and a `date` string → one string schema of
/// format `date-or-date-time`.
pub fn date_unions(doc: &mut Value) {
    for_each_schema(doc, &mut |s| {
        for key in ["oneOf", "anyOf"] {
            let Some(Value::Array(members)) = s.get(key) else {
                continue;
            };
            let is_union = members.len() == 2
                && members.iter().any(|m| is_string_of_format(m, "date-time"))
                && members.iter().any(|m| is_string_of_format(m, "date"));
            if is_union {
                s.remove(key);
                s.insert("type".into(), json!("string"));
                s.insert("format".into(), json!(DATE_OR_DATE_TIME));
            }
        }
    });
}

fn schema_ref(name: &str) -> String {
    format!("#/components/schemas/{name}")
}

/// The component name a `$ref` points at, if it points at a component schema.
pub fn ref_name(s: &Map<String, Value>) -> Option<&str> {
    s.get("$ref")?
        .as_str()?
        .strip_prefix("#/components/schemas/")
}

/// Replaces every `$ref` to one of `names` by a copy of the schema (without its title), and
/// removes those components.
fn inline_components(doc: &mut Value, names: &BTreeSet<String>) {
    if names.is_empty() {
        return;
    }
    let Some(schemas) = schemas_mut(doc) else {
        return;
    };
    let mut bodies = BTreeMap::new();
    for n in names {
        if let Some(Value::Object(mut s)) = schemas.remove(n) {
            s.remove("title");
            bodies.insert(schema_ref(n), s);
        }
    }
    for_each_schema(doc, &mut |s| {
        let Some(target) = s.get("$ref").and_then(Value::as_str) else {
            return;
        };
        if let Some(body) = bodies.get(target) {
            s.remove("$ref");
            for (k, v) in body {
                s.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
    });
}

/// Rule 5: component schemas named `…GetParameters…` (per-route query-parameter types) and
/// component `date-or-date-time` strings are inlined where they are used.
pub fn inline_parameter_schemas(doc: &mut Value) {
    let names: BTreeSet<String> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|s| {
            s.iter()
                .filter(|(k, v)| {
                    k.contains("GetParameters") || is_string_of_format(v, DATE_OR_DATE_TIME)
                })
                .map(|(k, _)| k.clone())
                .collect()
        })
        .unwrap_or_default();
    inline_components(doc, &names);
}

/// Whether a schema is the document's "Empty response body" placeholder: an object with no
/// properties, no required members and no additional properties.
pub fn is_placeholder(s: &Value) -> bool {
    let Some(o) = s.as_object() else { return false };
    o.get("type").and_then(Value::as_str) == Some("object")
        && o.get("properties")
            .and_then(Value::as_object)
            .is_none_or(Map::is_empty)
        && !o.contains_key("additionalProperties")
        && !o.contains_key("required")
        && !o.contains_key("allOf")
        && !o.contains_key("anyOf")
        && !o.contains_key("oneOf")
}

/// Rule 6: success responses whose schema is the empty placeholder.
pub fn response_placeholders(doc: &mut Value) {
    let schemas = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let resolve = |s: &Value| -> Value {
        match s.as_object().and_then(ref_name) {
            Some(n) => schemas.get(n).cloned().unwrap_or(Value::Null),
            None => s.clone(),
        }
    };
    let mut unused_wrappers = BTreeSet::new();
    for (_, method, op) in operations_mut(doc) {
        let Some(Value::Object(responses)) = op.get_mut("responses") else {
            continue;
        };
        for (status, response) in responses.iter_mut() {
            if !is_success(status) {
                continue;
            }
            let Some(r) = response.as_object_mut() else {
                continue;
            };
            let Some(Value::Object(content)) = r.get_mut("content") else {
                continue;
            };
            let Some(schema) = content
                .get("application/json")
                .and_then(|m| m.get("schema"))
                .cloned()
            else {
                continue;
            };
            if !is_placeholder(&resolve(&schema)) {
                continue;
            }
            if let Some(n) = schema.as_object().and_then(ref_name) {
                unused_wrappers.insert(n.to_string());
            }
            if method == "delete" || status == "204" {
                r.remove("content");
            } else if let Some(m) = content
                .get_mut("application/json")
                .and_then(Value::as_object_mut)
            {
                m.insert(
                    "schema".into(),
                    json!({"type": "object", "description": "Close's document does not describe this response body; it is returned as a JSON object."}),
                );
            }
        }
    }
    // Drop the placeholder components nothing refers to any more.
    let text = serde_json::to_string(doc).unwrap_or_default();
    if let Some(schemas) = schemas_mut(doc) {
        for n in unused_wrappers {
            if !text.contains(&format!("\"{}\"", schema_ref(&n))) {
                schemas.remove(&n);
            }
        }
    }
}

/// Renames a component schema: its key and `title`, and every `$ref` to it.
pub fn rename_component(doc: &mut Value, from: &str, to: &str) {
    let Some(schemas) = schemas_mut(doc) else {
        return;
    };
    let Some(mut s) = schemas.remove(from) else {
        return;
    };
    if let Some(o) = s.as_object_mut() {
        o.insert("title".into(), Value::String(to.into()));
    }
    schemas.insert(to.into(), s);
    let (old, new) = (schema_ref(from), schema_ref(to));
    for_each_schema(doc, &mut |s| {
        if s.get("$ref").and_then(Value::as_str) == Some(old.as_str()) {
            s.insert("$ref".into(), Value::String(new.clone()));
        }
    });
}

/// Rule 7: a per-operation response wrapper (`…_Response_…`) that is `{data: [X], has_more}`
/// is named `XList` (unless that name is taken).
pub fn name_list_envelopes(doc: &mut Value) {
    let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return;
    };
    let mut renames = Vec::new();
    let mut taken: BTreeSet<String> = schemas.keys().cloned().collect();
    for (name, s) in schemas {
        if !name.contains("_Response_") {
            continue;
        }
        let Some(props) = s.get("properties").and_then(Value::as_object) else {
            continue;
        };
        let item = props
            .get("data")
            .and_then(|d| d.get("items"))
            .and_then(Value::as_object)
            .and_then(ref_name);
        let (Some(item), true) = (item, props.contains_key("has_more")) else {
            continue;
        };
        let to = format!("{item}List");
        if taken.insert(to.clone()) {
            renames.push((name.clone(), to));
        }
    }
    for (from, to) in renames {
        rename_component(doc, &from, &to);
    }
}

/// Rule 8: a POST, PATCH or DELETE with exactly one 2xx response accepts any 2xx status for
/// it: creates and deletes are where Close's sources disagree (200, 201 or 204), so the rule
/// follows the method, not the code the document happens to give (which made some creates
/// accept only `200` and others any 2xx). A GET or PUT keeps its exact status.
pub fn accept_any_2xx(doc: &mut Value) {
    for (_, method, op) in operations_mut(doc) {
        if !matches!(method, "post" | "patch" | "delete") {
            continue;
        }
        let Some(Value::Object(responses)) = op.get_mut("responses") else {
            continue;
        };
        let success: Vec<String> = responses
            .keys()
            .filter(|k| is_success(k))
            .cloned()
            .collect();
        if let [only] = success.as_slice() {
            if only != "2XX" {
                if let Some(r) = responses.remove(only) {
                    responses.insert("2XX".into(), r);
                }
            }
        }
    }
}

/// Rule 9: a property's `default` moves into its description.
pub fn defaults_are_documentation(doc: &mut Value) {
    for_each_schema(doc, &mut |s| {
        let Some(Value::Object(props)) = s.get_mut("properties") else {
            return;
        };
        for p in props.values_mut() {
            let Some(p) = p.as_object_mut() else { continue };
            let Some(default) = p.remove("default") else {
                continue;
            };
            if default.is_null() {
                continue;
            }
            let note = format!("Close's default: `{default}`.");
            let description = match p.get("description").and_then(Value::as_str) {
                Some(d) if !d.is_empty() => format!("{d} {note}"),
                _ => note,
            };
            p.insert("description".into(), Value::String(description));
        }
    });
}

/// The component schemas reachable from a success response's schema (closure over `$ref`).
pub fn response_schemas(doc: &Value) -> BTreeSet<String> {
    let mut start = BTreeSet::new();
    for s in success_response_schemas(doc) {
        collect_refs(s, &mut start);
    }
    ref_closure(doc, start)
}

/// The component schemas reachable from a request body's schema (closure over `$ref`).
pub fn request_schemas(doc: &Value) -> BTreeSet<String> {
    let mut start = BTreeSet::new();
    for s in request_body_schemas(doc, |_| true) {
        collect_refs(s, &mut start);
    }
    ref_closure(doc, start)
}

/// The schema of every success response body of the document.
pub fn success_response_schemas(doc: &Value) -> Vec<&Value> {
    let mut out = Vec::new();
    for op in operations(doc) {
        let Some(responses) = op.1.get("responses").and_then(Value::as_object) else {
            continue;
        };
        for (status, r) in responses {
            if !is_success(status) {
                continue;
            }
            if let Some(media) = r.get("content").and_then(Value::as_object) {
                out.extend(media.values().filter_map(|m| m.get("schema")));
            }
        }
    }
    out
}

/// The request-body schema of every operation whose method `keep` accepts.
pub fn request_body_schemas(doc: &Value, keep: impl Fn(&str) -> bool) -> Vec<&Value> {
    let mut out = Vec::new();
    for (method, op) in operations(doc) {
        if !keep(method) {
            continue;
        }
        if let Some(media) = op
            .get("requestBody")
            .and_then(|b| b.get("content"))
            .and_then(Value::as_object)
        {
            out.extend(media.values().filter_map(|m| m.get("schema")));
        }
    }
    out
}

/// Every operation of the document with its method.
fn operations(doc: &Value) -> Vec<(&'static str, &Map<String, Value>)> {
    let mut out = Vec::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for item in paths.values() {
        for m in METHODS {
            if let Some(op) = item.get(m).and_then(Value::as_object) {
                out.push((m, op));
            }
        }
    }
    out
}

fn collect_refs(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(o) => {
            if let Some(n) = ref_name(o) {
                out.insert(n.to_string());
            }
            for (k, x) in o {
                if k != "$ref" {
                    collect_refs(x, out);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| collect_refs(x, out)),
        _ => {}
    }
}

/// The component schemas `name` reaches (itself included).
pub fn ref_closure_of(doc: &Value, name: &str) -> BTreeSet<String> {
    ref_closure(doc, BTreeSet::from([name.to_string()]))
}

fn ref_closure(doc: &Value, start: BTreeSet<String>) -> BTreeSet<String> {
    let schemas = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object);
    let mut seen = BTreeSet::new();
    let mut todo: Vec<String> = start.into_iter().collect();
    while let Some(n) = todo.pop() {
        if !seen.insert(n.clone()) {
            continue;
        }
        let mut next = BTreeSet::new();
        if let Some(s) = schemas.and_then(|s| s.get(&n)) {
            collect_refs(s, &mut next);
        }
        todo.extend(next.into_iter().filter(|x| !seen.contains(x)));
    }
    seen
}

/// Walks one schema and every schema inside it (not through `$ref`).
fn walk_schema(s: &mut Value, f: &mut dyn FnMut(&mut Map<String, Value>)) {
    let Some(obj) = s.as_object_mut() else { return };
    f(obj);
    if let Some(Value::Object(props)) = obj.get_mut("properties") {
        for p in props.values_mut() {
            walk_schema(p, f);
        }
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(v) = obj.get_mut(key) {
            walk_schema(v, f);
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(members)) = obj.get_mut(key) {
            for m in members {
                walk_schema(m, f);
            }
        }
    }
}

/// Makes every property of one object schema optional and (unless a `$ref`) nullable.
fn relax(s: &mut Map<String, Value>) {
    s.remove("required");
    let Some(Value::Object(props)) = s.get_mut("properties") else {
        return;
    };
    for p in props.values_mut() {
        if let Some(p) = p.as_object_mut() {
            if !p.contains_key("$ref") {
                p.insert("nullable".into(), Value::Bool(true));
            }
        }
    }
}

/// Rule 10: every schema reachable from a success response is relaxed (see the module list).
/// Returns how many component schemas were.
pub fn tolerant_responses(doc: &mut Value) -> usize {
    let names = response_schemas(doc);
    if let Some(schemas) = schemas_mut(doc) {
        for n in &names {
            if let Some(s) = schemas.get_mut(n) {
                walk_schema(s, &mut relax);
            }
        }
    }
    for (_, _, op) in operations_mut(doc) {
        let Some(Value::Object(responses)) = op.get_mut("responses") else {
            continue;
        };
        for (status, r) in responses.iter_mut() {
            if !is_success(status) {
                continue;
            }
            if let Some(Value::Object(media)) = r.get_mut("content") {
                for m in media.values_mut() {
                    if let Some(s) = m.get_mut("schema") {
                        walk_schema(s, &mut relax);
                    }
                }
            }
        }
    }
    names.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_of_tags_and_ids() {
        assert_eq!(snake("activitiesCalls"), "activities_calls");
        assert_eq!(snake("get-me"), "get_me");
        assert_eq!(snake("list-availabilities"), "list_availabilities");
        assert_eq!(
            snake("bulkActionsSequenceSubscriptions"),
            "bulk_actions_sequence_subscriptions"
        );
        assert_eq!(snake("leads"), "leads");
        assert_eq!(snake("get-SMS"), "get_sms");
    }

    fn doc() -> Value {
        json!({"openapi": "3.0.3", "paths": {
            "/lead/": {
                "get": {"operationId": "list", "tags": ["subpackage_leads"],
                    "parameters": [
                        {"name": "Authorization", "in": "header", "required": true, "schema": {"type": "string"}},
                        {"name": "date_created__gt", "in": "query", "schema": {"$ref": "#/components/schemas/LeadGetParametersDateCreatedGt"}}
                    ],
                    "responses": {
                        "200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/leads_list_Response_200"}}}},
                        "400": {"content": {"application/json": {"schema": {"description": "Any type"}}}}
                    }},
                "post": {"operationId": "create", "tags": ["subpackage_leads"],
                    "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/leads_create_Response_200"}}}},
                                  "201": {"description": "x"}}}
            },
            "/lead/{id}/": {
                "delete": {"operationId": "delete", "tags": ["subpackage_leads"],
                    "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/leads_delete_Response_200"}}}}}}
            }
        }, "components": {"schemas": {
            "Lead": {"type": "object", "properties": {"id": {"type": "string"}, "due": {"type": "string", "format": "date"},
                "verify": {"type": "boolean", "default": true}}},
            "LeadGetParametersDateCreatedGt": {"title": "LeadGetParametersDateCreatedGt", "oneOf": [{"type": "string", "format": "date-time"}, {"type": "string", "format": "date"}]},
            "leads_list_Response_200": {"type": "object", "properties": {"data": {"type": "array", "items": {"$ref": "#/components/schemas/Lead"}}, "has_more": {"type": "boolean"}}},
            "leads_create_Response_200": {"type": "object", "properties": {}, "description": "Empty response body"},
            "leads_delete_Response_200": {"type": "object", "properties": {}, "description": "Empty response body"}
        }}})
    }

    #[test]
    fn every_rule_on_a_small_document() {
        let mut d = doc();
        apply(&mut d).unwrap();
        let list = &d["paths"]["/lead/"]["get"];
        assert_eq!(list["operationId"], "leads_list");
        let params = list["parameters"].as_array().unwrap();
        assert_eq!(params.len(), 1, "the Authorization header is gone");
        assert_eq!(
            params[0]["schema"],
            json!({"type": "string", "format": DATE_OR_DATE_TIME}),
            "the date union is inlined as one string format"
        );
        assert_eq!(
            list["responses"]["400"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/ErrorBody"
        );
        assert_eq!(
            list["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/LeadList",
            "a GET's 200 stays 200"
        );
        let create = &d["paths"]["/lead/"]["post"];
        assert_eq!(create["operationId"], "leads_create");
        assert!(
            create["responses"].get("2XX").is_none(),
            "two 2xx statuses stay apart"
        );
        assert_eq!(
            create["responses"]["200"]["content"]["application/json"]["schema"]["type"],
            "object"
        );
        let delete = &d["paths"]["/lead/{id}/"]["delete"];
        assert!(delete["responses"]["2XX"].get("content").is_none());
        let schemas = d["components"]["schemas"].as_object().unwrap();
        let names: Vec<&str> = schemas.keys().map(String::as_str).collect();
        assert_eq!(names, ["ErrorBody", "Lead", "LeadList"]);
        assert_eq!(schemas["LeadList"]["title"], "LeadList");
        assert_eq!(
            schemas["Lead"]["properties"]["verify"],
            json!({"type": "boolean", "description": "Close's default: `true`.", "nullable": true}),
            "a response schema's property is optional and nullable"
        );
    }

    #[test]
    fn response_schemas_lose_required_and_request_only_ones_keep_it() {
        let mut d = json!({"openapi": "3.0.3", "paths": {
            "/x/": {"post": {"operationId": "x", "tags": ["t"],
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/In"}}}},
                "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Out"}}}}}}}
        }, "components": {"schemas": {
            "In": {"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}},
            "Out": {"type": "object", "required": ["id", "items"], "properties": {
                "id": {"type": "string"},
                "items": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}},
                "one": {"$ref": "#/components/schemas/Item"}}},
            "Item": {"type": "object", "required": ["n"], "properties": {"n": {"type": "integer"},
                "inner": {"type": "object", "required": ["k"], "properties": {"k": {"type": "boolean"}}}}}
        }}});
        assert_eq!(tolerant_responses(&mut d), 2);
        let s = &d["components"]["schemas"];
        assert!(s["Out"].get("required").is_none());
        assert_eq!(s["Out"]["properties"]["items"]["nullable"], true);
        assert!(
            s["Out"]["properties"]["one"].get("nullable").is_none(),
            "a $ref stays a $ref"
        );
        assert!(s["Item"].get("required").is_none(), "reached through items");
        assert!(
            s["Item"]["properties"]["inner"].get("required").is_none(),
            "nested inline"
        );
        assert_eq!(
            s["Item"]["properties"]["inner"]["properties"]["k"]["nullable"],
            true
        );
        assert_eq!(
            s["In"]["required"],
            json!(["a"]),
            "request-only keeps required"
        );
        assert!(s["In"]["properties"]["a"].get("nullable").is_none());
    }

    #[test]
    fn duplicate_ids_after_prefixing_are_an_error() {
        let mut d = json!({"paths": {
            "/a/": {"get": {"operationId": "list-x", "tags": ["t"]}},
            "/b/": {"get": {"operationId": "list_x", "tags": ["subpackage_t"]}}
        }});
        let err = prefix_operation_ids(&mut d).unwrap_err().to_string();
        assert!(err.contains("t_list_x"), "{err}");
    }
}
