//! Coverage: which of Close's operations close-sdk reaches, under which cargo feature, and how
//! much of each is typed. `cargo xtask coverage` prints it and writes COVERAGE.md's tables from it.
//!
//! It is computed from the effective spec (`openapi/close.json`: upstream + overlay,
//! normalised), the document the client is generated from, and from [`crate::openapi::features`].
//!
//! # Definitions
//!
//! - **Operation**: one method (`get`, `put`, `post`, `delete`, `options`, `head`, `patch`,
//!   `trace`) under one path. Its **resource** is its first tag without `subpackage_`
//!   (`(untagged)` when it has none), its **feature** the cargo feature that compiles that tag
//!   ([`features::feature_of_tag`]). It is **reachable** when it has a feature: every operation
//!   in the effective spec is generated, and the feature is what a user enables to get it.
//! - **Typed schema**, after following `$ref`s (a dangling or too deep `$ref` is untyped):
//!   a non-empty `properties`; an array whose `items` is typed; `allOf` with a typed member;
//!   `oneOf`/`anyOf` whose members other than `null` are all typed (and there is one); a scalar
//!   (`type` string, integer, number or boolean, or an `enum`); or a map whose
//!   `additionalProperties` is a typed schema. Everything else is untyped: `{}`, Close's
//!   `description: Any type`, `type: object` without properties (Close's "Empty response body"
//!   placeholder `properties: {}`), a map of anything (`additionalProperties: true` or `{}`).
//!   Those become `serde_json::Value` or an untyped map in Rust.
//! - **Request**: `none` when the operation takes no request body; otherwise `typed` or
//!   `untyped` by the schema of its `application/json` body (else of its first media type; a
//!   body with no schema is untyped). Parameters are always typed by the generator and do not
//!   count.
//! - **Response**: the success responses are the `2xx`/`2XX` ones (`default` when there are
//!   none). `none` when none of them has a body (e.g. `204 No content`: the builder returns
//!   `()`), `untyped` when one body's schema is untyped, else `typed`.
//! - **Typed request / typed response** (the counts): operations whose request (response) is
//!   `typed` or `none`, i.e. a user never writes or reads raw JSON for it. `no_request_body` and
//!   `no_response_body` say how many of those are `none`.
//!
//! - **Why untyped**: an operation whose body stays untyped because Close gives no shape carries
//!   `x-close-sdk-untyped: "<reason>"` (set in `openapi/overlay.yaml`, with its source); the
//!   reason is reported beside the operation (`untyped_reason`, and COVERAGE.md's "why untyped"
//!   list), so an untyped body is either explained or visibly unexplained.
//!
//! Ordering is fixed (resources and operations sorted by name), so the output is the same bytes
//! for the same spec.

use std::collections::BTreeMap;

use anyhow::{bail, Result};
use serde_json::{json, Value};

use crate::openapi::features::{self, Feature, TAG_PREFIX};
use crate::openapi::rules::resolve;

/// The operation extension saying why a body stays untyped (a reason with its source).
pub const UNTYPED_EXTENSION: &str = "x-close-sdk-untyped";

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Most `$ref` hops and nested schemas followed before a schema counts as untyped.
const MAX_DEPTH: usize = 32;

/// The resource name of operations without a tag.
pub const UNTAGGED: &str = "(untagged)";

/// COVERAGE.md's markers around the generated resource table.
pub const README_COVERAGE: (&str, &str) = ("<!-- coverage:start -->", "<!-- coverage:end -->");
/// COVERAGE.md's markers around the generated features table.
pub const README_FEATURES: (&str, &str) = ("<!-- features:start -->", "<!-- features:end -->");

/// How much of a request or response body is typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Typing {
    /// There is no body.
    None,
    /// The body has a typed schema.
    Typed,
    /// The body is `serde_json::Value` or an untyped map.
    Untyped,
}

impl Typing {
    /// `none`, `typed` or `untyped` (the JSON value).
    pub fn as_str(self) -> &'static str {
        match self {
            Typing::None => "none",
            Typing::Typed => "typed",
            Typing::Untyped => "untyped",
        }
    }

    /// True for `typed` and `none`: nothing left as raw JSON.
    pub fn counts_as_typed(self) -> bool {
        self != Typing::Untyped
    }

    fn label(self) -> &'static str {
        match self {
            Typing::None => "no body",
            Typing::Typed => "typed",
            Typing::Untyped => "**untyped**",
        }
    }
}

/// One operation of the effective spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    /// The operationId (the builder's name).
    pub id: String,
    /// Upper-case HTTP method.
    pub method: String,
    /// Path template.
    pub path: String,
    /// First tag without `subpackage_`, or [`UNTAGGED`].
    pub resource: String,
    /// The cargo feature that compiles it, if any.
    pub feature: Option<&'static str>,
    /// Request body typing.
    pub request: Typing,
    /// Success response typing.
    pub response: Typing,
    /// Why a body stays untyped ([`UNTYPED_EXTENSION`]), if the spec says.
    pub untyped_reason: Option<String>,
}

/// Counts over a set of operations.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Operations.
    pub operations: usize,
    /// Operations whose request is typed or has no body.
    pub typed_request: usize,
    /// Operations whose response is typed or has no body.
    pub typed_response: usize,
    /// Operations with no request body.
    pub no_request_body: usize,
    /// Operations with no response body.
    pub no_response_body: usize,
}

impl Counts {
    fn add(&mut self, op: &Operation) {
        self.operations += 1;
        self.typed_request += usize::from(op.request.counts_as_typed());
        self.typed_response += usize::from(op.response.counts_as_typed());
        self.no_request_body += usize::from(op.request == Typing::None);
        self.no_response_body += usize::from(op.response == Typing::None);
    }

    fn to_json(self) -> Value {
        json!({
            "operations": self.operations,
            "typed_request": self.typed_request,
            "typed_response": self.typed_response,
            "no_request_body": self.no_request_body,
            "no_response_body": self.no_response_body,
        })
    }
}

/// One resource (tag): its feature and counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    /// Tag without `subpackage_`.
    pub name: String,
    /// The cargo feature that compiles it, if any.
    pub feature: Option<&'static str>,
    /// Its operations' counts.
    pub counts: Counts,
}

/// One cargo feature: its tags and counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeatureRow {
    /// The feature.
    pub feature: &'static Feature,
    /// Whether close-sdk enables it by default.
    pub default: bool,
    /// Its operations' counts.
    pub counts: Counts,
}

/// The coverage of one effective spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coverage {
    /// Every operation, sorted by resource then id.
    pub operations: Vec<Operation>,
    /// Every resource, sorted by name.
    pub resources: Vec<Resource>,
    /// Every feature of the table it was computed with, in its order.
    pub features: Vec<FeatureRow>,
    /// Counts over all operations.
    pub totals: Counts,
    /// Operations with a feature.
    pub reachable: usize,
}

impl Coverage {
    /// Coverage of `spec` with close-sdk's own feature table.
    pub fn of(spec: &Value) -> Result<Self> {
        Self::compute(spec, features::FEATURES, features::DEFAULT_FEATURES)
    }

    /// Coverage of `spec` with the given feature table and default features.
    pub fn compute(spec: &Value, features: &'static [Feature], defaults: &[&str]) -> Result<Self> {
        let Some(paths) = spec.get("paths").and_then(Value::as_object) else {
            bail!("the spec has no paths");
        };
        let feature_of = |tag: &str| {
            let tag = tag.strip_prefix(TAG_PREFIX).unwrap_or(tag);
            features.iter().find(|f| f.tags.contains(&tag))
        };
        let mut operations = Vec::new();
        for (path, item) in paths {
            for method in METHODS {
                let Some(op) = item.get(method) else { continue };
                let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                    bail!("{} {path} has no operationId", method.to_uppercase());
                };
                let tag = op
                    .get("tags")
                    .and_then(|t| t.get(0))
                    .and_then(Value::as_str);
                let resource = match tag {
                    Some(t) => t.strip_prefix(TAG_PREFIX).unwrap_or(t).to_string(),
                    None => UNTAGGED.to_string(),
                };
                operations.push(Operation {
                    id: id.to_string(),
                    method: method.to_uppercase(),
                    path: path.clone(),
                    feature: tag.and_then(feature_of).map(|f| f.name),
                    resource,
                    request: request_typing(spec, op),
                    response: response_typing(spec, op),
                    untyped_reason: op
                        .get(UNTYPED_EXTENSION)
                        .and_then(Value::as_str)
                        .map(|r| r.split_whitespace().collect::<Vec<_>>().join(" ")),
                });
            }
        }
        operations
            .sort_by(|a, b| (&a.resource, &a.id, &a.path).cmp(&(&b.resource, &b.id, &b.path)));

        let mut resources: BTreeMap<&str, Resource> = BTreeMap::new();
        let mut per_feature: BTreeMap<&str, Counts> = BTreeMap::new();
        let mut totals = Counts::default();
        let mut reachable = 0;
        for op in &operations {
            resources
                .entry(&op.resource)
                .or_insert_with(|| Resource {
                    name: op.resource.clone(),
                    feature: op.feature,
                    counts: Counts::default(),
                })
                .counts
                .add(op);
            if let Some(f) = op.feature {
                per_feature.entry(f).or_default().add(op);
                reachable += 1;
            }
            totals.add(op);
        }
        let features = features
            .iter()
            .map(|f| FeatureRow {
                feature: f,
                default: defaults.contains(&f.name),
                counts: per_feature.get(f.name).copied().unwrap_or_default(),
            })
            .collect();
        Ok(Coverage {
            resources: resources.into_values().collect(),
            operations,
            features,
            totals,
            reachable,
        })
    }

    /// The JSON report. Keys: `totals` (`operations`, `reachable`, `typed_request`,
    /// `typed_response`, `no_request_body`, `no_response_body`, `resources`, `features`),
    /// `features`, `resources` and `operations` (arrays of objects, fixed order).
    pub fn to_json(&self) -> Value {
        let mut totals = self.totals.to_json();
        totals["reachable"] = json!(self.reachable);
        totals["resources"] = json!(self.resources.len());
        totals["features"] = json!(self.features.len());
        let features: Vec<Value> = self
            .features
            .iter()
            .map(|r| {
                let mut v = r.counts.to_json();
                v["name"] = json!(r.feature.name);
                v["default"] = json!(r.default);
                v["tags"] = json!(r.feature.tags);
                v
            })
            .collect();
        let resources: Vec<Value> = self
            .resources
            .iter()
            .map(|r| {
                let mut v = r.counts.to_json();
                v["name"] = json!(r.name);
                v["feature"] = json!(r.feature);
                v
            })
            .collect();
        let operations: Vec<Value> = self
            .operations
            .iter()
            .map(|o| {
                json!({
                    "id": o.id,
                    "method": o.method,
                    "path": o.path,
                    "resource": o.resource,
                    "feature": o.feature,
                    "request": o.request.as_str(),
                    "response": o.response.as_str(),
                    "untyped_reason": o.untyped_reason,
                })
            })
            .collect();
        json!({
            "totals": totals,
            "features": features,
            "resources": resources,
            "operations": operations,
        })
    }

    /// One line with the totals.
    pub fn summary(&self) -> String {
        let t = &self.totals;
        format!(
            "{} operations, {} reachable through a feature; typed request {} ({} without a body), \
             typed response {} ({} without a body)",
            t.operations,
            self.reachable,
            t.typed_request,
            t.no_request_body,
            t.typed_response,
            t.no_response_body
        )
    }

    /// The human table: one row per resource, then the totals.
    pub fn to_text(&self) -> String {
        let name_w = self
            .resources
            .iter()
            .map(|r| r.name.len())
            .chain([8])
            .max()
            .unwrap_or(8);
        let feat_w = self
            .resources
            .iter()
            .map(|r| r.feature.map_or(1, str::len))
            .chain([7])
            .max()
            .unwrap_or(7);
        let mut s = format!(
            "{:name_w$}  {:feat_w$}  {:>10}  {:>13}  {:>14}\n",
            "resource", "feature", "operations", "typed request", "typed response"
        );
        for r in &self.resources {
            s.push_str(&format!(
                "{:name_w$}  {:feat_w$}  {:>10}  {:>13}  {:>14}\n",
                r.name,
                r.feature.unwrap_or("-"),
                r.counts.operations,
                r.counts.typed_request,
                r.counts.typed_response
            ));
        }
        s.push_str(&format!("\n{}\n", self.summary()));
        s
    }

    /// COVERAGE.md's resource table (and every operation, folded), without the markers.
    pub fn readme_coverage(&self) -> String {
        let mut s = String::from(GENERATED_NOTE);
        s.push_str(
            "| resource | feature | operations | typed request | typed response |\n\
             |---|---|---:|---:|---:|\n",
        );
        for r in &self.resources {
            s.push_str(&format!(
                "| `{}` | {} | {} | {} | {} |\n",
                r.name,
                feature_cell(r.feature),
                r.counts.operations,
                r.counts.typed_request,
                r.counts.typed_response
            ));
        }
        let t = &self.totals;
        s.push_str(&format!(
            "| **total** | | **{}** | **{}** | **{}** |\n\n",
            t.operations, t.typed_request, t.typed_response
        ));
        s.push_str(&format!("{}.\n\n", self.summary()));
        s.push_str(
            "<details><summary>Every operation</summary>\n\n\
             | operation | method | path | feature | request | response |\n\
             |---|---|---|---|---|---|\n",
        );
        for o in &self.operations {
            s.push_str(&format!(
                "| `{}` | {} | `{}` | {} | {} | {} |\n",
                o.id,
                o.method,
                o.path,
                feature_cell(o.feature),
                o.request.label(),
                o.response.label()
            ));
        }
        s.push_str("\n</details>\n\n");
        let untyped: Vec<&Operation> = self
            .operations
            .iter()
            .filter(|o| !o.request.counts_as_typed() || !o.response.counts_as_typed())
            .collect();
        if !untyped.is_empty() {
            s.push_str("Why untyped (`x-close-sdk-untyped` in `openapi/overlay.yaml`):\n\n");
            for o in untyped {
                let reason = o
                    .untyped_reason
                    .as_deref()
                    .unwrap_or("**no reason recorded**");
                s.push_str(&format!("- `{}`: {}\n", o.id, reason.replace('|', "\\|")));
            }
            s.push('\n');
        }
        s
    }

    /// COVERAGE.md's features table, without the markers.
    pub fn readme_features(&self) -> String {
        let mut s = String::from(GENERATED_NOTE);
        s.push_str(
            "| feature | default | tags | operations | what it gives |\n\
             |---|---|---|---:|---|\n",
        );
        for r in &self.features {
            let tags: Vec<String> = r.feature.tags.iter().map(|t| format!("`{t}`")).collect();
            s.push_str(&format!(
                "| `{}` | {} | {} | {} | {} |\n",
                r.feature.name,
                if r.default { "yes" } else { "" },
                tags.join(", "),
                r.counts.operations,
                r.feature.doc.replace('|', "\\|")
            ));
        }
        s.push('\n');
        s
    }

    /// `readme` with both generated sections replaced; fails if a marker pair is missing.
    pub fn update_readme(&self, readme: &str) -> Result<String> {
        let readme = splice(readme, README_FEATURES, &self.readme_features())?;
        splice(&readme, README_COVERAGE, &self.readme_coverage())
    }
}

const GENERATED_NOTE: &str =
    "<!-- generated by `cargo xtask coverage --write-readme` from openapi/close.json; do not edit -->\n\n";

fn feature_cell(feature: Option<&str>) -> String {
    feature.map_or_else(|| "–".to_string(), |f| format!("`{f}`"))
}

/// Replaces what lies between the `(start, end)` marker lines of `text` with `content`.
/// Each marker must occur exactly once, start before end.
pub fn splice(text: &str, (start, end): (&str, &str), content: &str) -> Result<String> {
    let (Some(a), Some(b)) = (text.find(start), text.find(end)) else {
        bail!("COVERAGE.md has no {start} … {end} section");
    };
    if text.matches(start).count() != 1 || text.matches(end).count() != 1 {
        bail!("COVERAGE.md has {start} or {end} more than once");
    }
    if b < a {
        bail!("COVERAGE.md has {end} before {start}");
    }
    let inner_start = a + start.len();
    Ok(format!(
        "{}\n{}{}",
        &text[..inner_start],
        content,
        &text[b..]
    ))
}

/// Whether `schema` is typed (see the module doc).
pub fn is_typed(spec: &Value, schema: &Value) -> bool {
    typed_at(spec, schema, 0)
}

fn typed_at(spec: &Value, schema: &Value, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    let Some(s) = resolve(spec, schema) else {
        return false;
    };
    if s.get("properties")
        .and_then(Value::as_object)
        .is_some_and(|p| !p.is_empty())
    {
        return true;
    }
    if let Some(items) = s.get("items") {
        return typed_at(spec, items, depth + 1);
    }
    if let Some(all) = s.get("allOf").and_then(Value::as_array) {
        return all.iter().any(|m| typed_at(spec, m, depth + 1));
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(members) = s.get(key).and_then(Value::as_array) {
            let mut non_null = members.iter().filter(|m| !is_null(spec, m)).peekable();
            return non_null.peek().is_some() && non_null.all(|m| typed_at(spec, m, depth + 1));
        }
    }
    if s.get("enum").is_some() || types(s).iter().any(|t| SCALARS.contains(t)) {
        return true;
    }
    match s.get("additionalProperties") {
        Some(ap @ Value::Object(_)) => typed_at(spec, ap, depth + 1),
        _ => false,
    }
}

const SCALARS: [&str; 4] = ["string", "integer", "number", "boolean"];

/// The `type` of a schema as a list (3.1 allows an array), without `null`.
fn types(s: &Value) -> Vec<&str> {
    match s.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
    .into_iter()
    .filter(|t| *t != "null")
    .collect()
}

/// A `oneOf`/`anyOf` member that only allows `null`.
fn is_null(spec: &Value, member: &Value) -> bool {
    let Some(m) = resolve(spec, member) else {
        return false;
    };
    m.get("type").and_then(Value::as_str) == Some("null")
        || m.get("enum")
            .and_then(Value::as_array)
            .is_some_and(|e| e.iter().all(Value::is_null))
}

/// The schema of a body's `content`: `application/json`, else the first media type.
/// `Some(None)`: there is a media type without a schema; `None`: no content at all.
fn body_schema(content: Option<&Value>) -> Option<Option<&Value>> {
    let media = content.and_then(Value::as_object)?;
    let chosen = media
        .get("application/json")
        .or_else(|| media.values().next())?;
    Some(chosen.get("schema"))
}

fn typing_of_body(spec: &Value, body: &Value) -> Typing {
    let Some(body) = resolve(spec, body) else {
        return Typing::Untyped;
    };
    match body_schema(body.get("content")) {
        None => Typing::None,
        Some(Some(schema)) if is_typed(spec, schema) => Typing::Typed,
        Some(_) => Typing::Untyped,
    }
}

fn request_typing(spec: &Value, op: &Value) -> Typing {
    match op.get("requestBody") {
        None => Typing::None,
        Some(body) => match typing_of_body(spec, body) {
            // A declared body with no content is still a body nobody typed.
            Typing::None => Typing::Untyped,
            t => t,
        },
    }
}

fn response_typing(spec: &Value, op: &Value) -> Typing {
    let Some(responses) = op.get("responses").and_then(Value::as_object) else {
        return Typing::None;
    };
    let mut success: Vec<&Value> = responses
        .iter()
        .filter(|(code, _)| code.starts_with('2'))
        .map(|(_, r)| r)
        .collect();
    if success.is_empty() {
        success.extend(responses.get("default"));
    }
    let typings: Vec<Typing> = success.iter().map(|r| typing_of_body(spec, r)).collect();
    if typings.contains(&Typing::Untyped) {
        Typing::Untyped
    } else if typings.contains(&Typing::Typed) {
        Typing::Typed
    } else {
        Typing::None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static TEST_FEATURES: &[Feature] = &[
        Feature {
            name: "leads",
            tags: &["leads"],
            doc: "Leads.",
        },
        Feature {
            name: "activities",
            tags: &["activitiesCalls", "activitiesNotes"],
            doc: "Activities | calls and notes.",
        },
        Feature {
            name: "unused",
            tags: &["nothing"],
            doc: "No operations.",
        },
    ];

    fn json_body(schema: Value) -> Value {
        json!({"content": {"application/json": {"schema": schema}}})
    }

    fn ok(schema: Value) -> Value {
        json!({"200": json_body(schema), "400": json_body(json!({"description": "Any type"}))})
    }

    /// A made-up spec with every case the definitions name.
    fn spec() -> Value {
        json!({
            "paths": {
                "/lead/": {
                    "get": {"operationId": "leads_list", "tags": ["subpackage_leads"],
                            "responses": ok(json!({"$ref": "#/components/schemas/LeadList"}))},
                    "post": {"operationId": "leads_create", "tags": ["subpackage_leads"],
                             "requestBody": json_body(json!({"description": "Any type"})),
                             "responses": ok(json!({"$ref": "#/components/schemas/Lead"}))}
                },
                "/lead/{id}/": {
                    "delete": {"operationId": "leads_delete", "tags": ["subpackage_leads"],
                               "x-close-sdk-untyped": "response: Close documents\n  none",
                               "responses": ok(json!({"$ref": "#/components/schemas/Empty"}))},
                    "put": {"operationId": "leads_update", "tags": ["subpackage_leads"],
                            "requestBody": json_body(json!({"$ref": "#/components/schemas/Lead"})),
                            "responses": {"2XX": {"description": "No content"}}},
                    "parameters": []
                },
                "/activity/call/": {
                    "post": {"operationId": "activities_calls_create", "tags": ["subpackage_activitiesCalls"],
                             "requestBody": json_body(json!({"type": "object", "additionalProperties": true})),
                             "responses": ok(json!({"type": "array", "items": {"$ref": "#/components/schemas/Lead"}}))}
                },
                "/activity/note/": {
                    "get": {"operationId": "activities_notes_list", "tags": ["activitiesNotes"],
                            "responses": ok(json!({"oneOf": [{"$ref": "#/components/schemas/Lead"}, {"type": "null"}]}))}
                },
                "/ping/": {
                    "get": {"operationId": "ping", "responses": {"default": json_body(json!({"type": "string"}))}}
                },
                "/other/": {
                    "get": {"operationId": "other_get", "tags": ["other"],
                            "responses": ok(json!({"$ref": "#/components/schemas/Missing"}))}
                }
            },
            "components": {"schemas": {
                "Lead": {"type": "object", "properties": {"id": {"type": "string"}}},
                "LeadList": {"type": "object", "properties": {"data": {"type": "array", "items": {"$ref": "#/components/schemas/Lead"}}}},
                "Empty": {"type": "object", "properties": {}, "description": "Empty response body"}
            }}
        })
    }

    fn coverage() -> Coverage {
        Coverage::compute(&spec(), TEST_FEATURES, &["leads"]).unwrap()
    }

    fn op<'a>(c: &'a Coverage, id: &str) -> &'a Operation {
        c.operations.iter().find(|o| o.id == id).unwrap()
    }

    #[test]
    fn schemas_are_typed_by_the_documented_rules() {
        let s = spec();
        let typed = |v: Value| is_typed(&s, &v);
        assert!(typed(json!({"$ref": "#/components/schemas/Lead"})));
        assert!(typed(
            json!({"type": "array", "items": {"$ref": "#/components/schemas/Lead"}})
        ));
        assert!(typed(
            json!({"allOf": [{"description": "x"}, {"$ref": "#/components/schemas/Lead"}]})
        ));
        assert!(typed(
            json!({"oneOf": [{"$ref": "#/components/schemas/Lead"}, {"type": "null"}]})
        ));
        assert!(typed(json!({"type": ["string", "null"]})));
        assert!(typed(json!({"enum": ["a", "b"]})));
        assert!(typed(
            json!({"type": "object", "additionalProperties": {"$ref": "#/components/schemas/Lead"}})
        ));

        assert!(!typed(json!({})));
        assert!(!typed(json!({"description": "Any type"})));
        assert!(!typed(json!({"$ref": "#/components/schemas/Empty"})));
        assert!(!typed(json!({"type": "object"})));
        assert!(!typed(
            json!({"type": "object", "additionalProperties": true})
        ));
        assert!(!typed(
            json!({"type": "object", "additionalProperties": {}})
        ));
        assert!(!typed(json!({"type": "array", "items": {}})));
        assert!(!typed(
            json!({"oneOf": [{"$ref": "#/components/schemas/Lead"}, {}]})
        ));
        assert!(!typed(json!({"oneOf": [{"type": "null"}]})));
        assert!(!typed(json!({"$ref": "#/components/schemas/Missing"})));
        assert!(!typed(json!({"$ref": "https://elsewhere/schema.json"})));
    }

    #[test]
    fn ref_cycles_and_deep_nesting_end_untyped() {
        let s = json!({"components": {"schemas": {
            "A": {"$ref": "#/components/schemas/B"},
            "B": {"$ref": "#/components/schemas/A"},
            "Deep": {"type": "array", "items": {"$ref": "#/components/schemas/Deep"}}
        }}});
        assert!(!is_typed(&s, &json!({"$ref": "#/components/schemas/A"})));
        assert!(!is_typed(&s, &json!({"$ref": "#/components/schemas/Deep"})));
    }

    #[test]
    fn requests_and_responses_are_classified() {
        let c = coverage();
        let t = |id| (op(&c, id).request, op(&c, id).response);
        assert_eq!(t("leads_list"), (Typing::None, Typing::Typed));
        assert_eq!(t("leads_create"), (Typing::Untyped, Typing::Typed));
        assert_eq!(t("leads_delete"), (Typing::None, Typing::Untyped));
        assert_eq!(t("leads_update"), (Typing::Typed, Typing::None));
        assert_eq!(
            t("activities_calls_create"),
            (Typing::Untyped, Typing::Typed)
        );
        assert_eq!(t("activities_notes_list"), (Typing::None, Typing::Typed));
        assert_eq!(t("ping"), (Typing::None, Typing::Typed));
        assert_eq!(t("other_get"), (Typing::None, Typing::Untyped));
    }

    #[test]
    fn a_body_without_content_or_schema_is_untyped() {
        let s = json!({});
        assert_eq!(
            request_typing(&s, &json!({"requestBody": {}})),
            Typing::Untyped
        );
        assert_eq!(
            request_typing(&s, &json!({"requestBody": {"content": {"text/csv": {}}}})),
            Typing::Untyped
        );
        // A form body is judged by its schema like JSON.
        let form = json!({"requestBody": {"content": {"multipart/form-data": {"schema":
            {"type": "object", "properties": {"file": {"type": "string"}}}}}}});
        assert_eq!(request_typing(&s, &form), Typing::Typed);
        // One untyped success body makes the response untyped.
        let mixed = json!({"responses": {"200": json_body(json!({"type": "string"})), "201": json_body(json!({}))}});
        assert_eq!(response_typing(&s, &mixed), Typing::Untyped);
    }

    #[test]
    fn resources_features_and_totals_add_up() {
        let c = coverage();
        let names: Vec<&str> = c.resources.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "(untagged)",
                "activitiesCalls",
                "activitiesNotes",
                "leads",
                "other"
            ]
        );
        let leads = c.resources.iter().find(|r| r.name == "leads").unwrap();
        assert_eq!(leads.feature, Some("leads"));
        assert_eq!(
            leads.counts,
            Counts {
                operations: 4,
                typed_request: 3,
                typed_response: 3,
                no_request_body: 2,
                no_response_body: 1
            }
        );
        assert_eq!(c.features[0].feature.name, "leads");
        assert!(c.features[0].default);
        let acts = &c.features[1];
        assert_eq!((acts.default, acts.counts.operations), (false, 2));
        assert_eq!(c.features[2].counts, Counts::default());
        assert_eq!(c.totals.operations, 8);
        assert_eq!(c.reachable, 6);
        assert_eq!(c.totals.typed_request, 6);
        assert_eq!(c.totals.typed_response, 6);
    }

    #[test]
    fn json_keys_are_stable() {
        let v = coverage().to_json();
        assert_eq!(
            v["totals"],
            json!({"operations": 8, "reachable": 6, "typed_request": 6, "typed_response": 6,
                   "no_request_body": 5, "no_response_body": 1, "resources": 5, "features": 3})
        );
        assert_eq!(
            v["operations"][0],
            json!({"id": "ping", "method": "GET", "path": "/ping/", "resource": "(untagged)",
                   "feature": null, "request": "none", "response": "typed", "untyped_reason": null})
        );
        assert_eq!(
            v["resources"][3],
            json!({"name": "leads", "feature": "leads", "operations": 4, "typed_request": 3,
                   "typed_response": 3, "no_request_body": 2, "no_response_body": 1})
        );
        assert_eq!(
            v["features"][1]["tags"],
            json!(["activitiesCalls", "activitiesNotes"])
        );
        assert_eq!(v["features"][1]["default"], json!(false));
    }

    #[test]
    fn text_and_markdown_show_every_resource_and_the_totals() {
        let c = coverage();
        let text = c.to_text();
        assert!(text.starts_with("resource"), "{text}");
        assert!(text.contains("\nleads            leads"), "{text}");
        assert!(text.contains("8 operations, 6 reachable"), "{text}");
        let md = c.readme_coverage();
        assert!(md.contains("| `leads` | `leads` | 4 | 3 | 3 |"), "{md}");
        assert!(md.contains("| `other` | – | 1 | 1 | 0 |"), "{md}");
        assert!(
            md.contains("| **total** | | **8** | **6** | **6** |"),
            "{md}"
        );
        assert!(
            md.contains(
                "| `leads_delete` | DELETE | `/lead/{id}/` | `leads` | no body | **untyped** |"
            ),
            "{md}"
        );
        let features = c.readme_features();
        assert!(
            features.contains("| `leads` | yes | `leads` | 4 | Leads. |"),
            "{features}"
        );
        // A `|` in a doc line cannot break the table.
        assert!(features.contains("Activities \\| calls"), "{features}");
    }

    #[test]
    fn untyped_operations_show_their_reason_or_its_absence() {
        let c = coverage();
        assert_eq!(
            op(&c, "leads_delete").untyped_reason.as_deref(),
            Some("response: Close documents none")
        );
        assert_eq!(op(&c, "leads_list").untyped_reason, None);
        assert_eq!(
            c.to_json()["operations"][4]["untyped_reason"],
            json!("response: Close documents none")
        );
        let md = c.readme_coverage();
        assert!(
            md.contains("- `leads_delete`: response: Close documents none\n"),
            "{md}"
        );
        assert!(
            md.contains("- `leads_create`: **no reason recorded**\n"),
            "{md}"
        );
        assert!(!md.contains("- `leads_list`:"), "{md}");
    }

    #[test]
    fn splice_replaces_between_markers_and_is_idempotent() {
        let m = ("<!-- a -->", "<!-- /a -->");
        let text = "intro\n<!-- a -->\nold\n<!-- /a -->\nrest\n";
        let once = splice(text, m, "new\n").unwrap();
        assert_eq!(once, "intro\n<!-- a -->\nnew\n<!-- /a -->\nrest\n");
        assert_eq!(splice(&once, m, "new\n").unwrap(), once);
        assert!(splice("no markers", m, "x").is_err());
        assert!(splice("<!-- /a --> <!-- a -->", m, "x").is_err());
        assert!(splice("<!-- a --><!-- a --><!-- /a -->", m, "x").is_err());
    }

    #[test]
    fn update_readme_needs_both_sections() {
        let c = coverage();
        let readme = "# x\n<!-- features:start -->\n<!-- features:end -->\n\
                      <!-- coverage:start -->\n<!-- coverage:end -->\n";
        let out = c.update_readme(readme).unwrap();
        assert!(out.contains("| `activities` |"));
        assert!(out.contains("| `leads_list` |"));
        assert_eq!(c.update_readme(&out).unwrap(), out);
        assert!(c
            .update_readme("# x\n<!-- coverage:start -->\n<!-- coverage:end -->\n")
            .is_err());
    }

    #[test]
    fn a_spec_without_paths_or_ids_is_an_error() {
        assert!(Coverage::compute(&json!({}), TEST_FEATURES, &[]).is_err());
        let s = json!({"paths": {"/x/": {"get": {"responses": {}}}}});
        assert!(Coverage::compute(&s, TEST_FEATURES, &[]).is_err());
    }
}
