//! The documented examples `close_sdk::mock` answers with, as one JSON file.
//!
//! `MockClose` answers every operation it does not model statefully with Close's documented
//! success example, and `close_sdk::mock::fixture::<T>()` builds a typed value from the
//! documented example of `T`'s schema. Both read `close-sdk/src/generated/mock_examples.json`,
//! which this module writes from the effective spec (whose examples [`crate::openapi::examples`] carried
//! in from Close's per-tag extracts): nothing here is invented, it is a re-indexing.
//!
//! The file has two maps:
//! - `operations`: operationId → `{"status": …, "example": …}`: the first success response
//!   (by status text) with a JSON example, or, when none has one, the first success status and
//!   no `example` (the mock then answers that status without a body when the response has no
//!   content, and a 404 saying it does not implement the operation otherwise).
//! - `schemas`: schema name → the first example (operations by id; response before request)
//!   whose schema is a `$ref` to it; a list envelope's `data[0]` also counts for the item schema.

use std::collections::BTreeMap;

use anyhow::{bail, Result};
use serde_json::{json, Map, Value};

use crate::files::GeneratedFile;
use crate::openapi::rules::METHODS;

/// Where the file goes, relative to the workspace root.
pub const MOCK_EXAMPLES: &str = "close-sdk/src/generated/mock_examples.json";

fn schema_ref(media: &Value) -> Option<&str> {
    media
        .get("schema")?
        .get("$ref")?
        .as_str()?
        .strip_prefix("#/components/schemas/")
}

/// Records `example` for `name`, and for the item schema of `name`'s `data` array.
fn index(spec: &Value, schemas: &mut BTreeMap<String, Value>, name: &str, example: &Value) {
    schemas
        .entry(name.to_string())
        .or_insert_with(|| example.clone());
    let item = spec
        .pointer(&format!(
            "/components/schemas/{name}/properties/data/items/$ref"
        ))
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"));
    if let (Some(item), Some(first)) = (item, example.get("data").and_then(|d| d.get(0))) {
        if first.is_object() {
            schemas
                .entry(item.to_string())
                .or_insert_with(|| first.clone());
        }
    }
}

/// The file's text: JSON with sorted keys, one line per operation and per schema (small, and a
/// diff still names what changed), the same on every run.
pub fn mock_examples_file(spec: &Value) -> Result<GeneratedFile> {
    let Some(paths) = spec.get("paths").and_then(Value::as_object) else {
        bail!("the spec has no paths");
    };
    let mut ops: Vec<(String, &Value)> = Vec::new();
    for item in paths.values() {
        for method in METHODS {
            if let Some(op) = item.get(method) {
                if let Some(id) = op.get("operationId").and_then(Value::as_str) {
                    ops.push((id.to_string(), op));
                }
            }
        }
    }
    ops.sort_by(|a, b| a.0.cmp(&b.0));
    let mut operations = Map::new();
    let mut schemas = BTreeMap::new();
    for (id, op) in &ops {
        let mut success: Vec<(&String, &Value)> = op
            .get("responses")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter(|(code, _)| code.starts_with('2'))
            .collect();
        success.sort_by(|a, b| a.0.cmp(b.0));
        let with_example = success.iter().find_map(|(code, r)| {
            let media = r.pointer("/content/application~1json")?;
            Some((*code, media, media.get("example")?))
        });
        let entry = match (with_example, success.first()) {
            (Some((code, media, example)), _) => {
                if let Some(name) = schema_ref(media) {
                    index(spec, &mut schemas, name, example);
                }
                json!({"status": code, "example": example})
            }
            (None, Some((code, r))) => {
                json!({"status": code, "content": r.get("content").is_some()})
            }
            (None, None) => continue,
        };
        operations.insert(id.clone(), entry);
    }
    // Request examples after every response example: a response is the fuller object.
    for (_, op) in &ops {
        if let Some(media) = op.pointer("/requestBody/content/application~1json") {
            if let (Some(name), Some(example)) = (schema_ref(media), media.get("example")) {
                index(spec, &mut schemas, name, example);
            }
        }
    }
    let schemas: Map<String, Value> = schemas.into_iter().collect();
    let mut text = String::from("{\n");
    for (i, (name, map)) in [("operations", &operations), ("schemas", &schemas)]
        .into_iter()
        .enumerate()
    {
        if i > 0 {
            text.push_str(",\n");
        }
        text.push_str(&format!("{}: {{\n", Value::from(name)));
        let entries: Vec<String> = map
            .iter()
            .map(|(k, v)| {
                let v = serde_json::to_string(&crate::openapi::json::sorted(v)).unwrap_or_default();
                format!("{}: {v}", Value::from(k.as_str()))
            })
            .collect();
        text.push_str(&entries.join(",\n"));
        text.push_str("\n}");
    }
    text.push_str("\n}\n");
    Ok(GeneratedFile {
        path: MOCK_EXAMPLES.into(),
        contents: text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples_are_indexed_by_operation_and_schema() {
        let spec = json!({
            "paths": {
                "/thing/": {
                    "get": {"operationId": "things_list", "responses": {"200": {"content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/ThingList"},
                            "example": {"data": [{"id": "t_1"}], "has_more": false}}}}}},
                    "post": {"operationId": "things_create",
                        "requestBody": {"content": {"application/json": {
                            "schema": {"$ref": "#/components/schemas/CreateThing"},
                            "example": {"name": "x"}}}},
                        "responses": {"2XX": {"content": {"application/json": {}}}}}
                },
                "/thing/{id}/": {"delete": {"operationId": "things_delete",
                    "responses": {"2XX": {"description": "ok"}}}}
            },
            "components": {"schemas": {"ThingList": {"properties": {"data": {"items": {
                "$ref": "#/components/schemas/Thing"}}}}}}
        });
        let file = mock_examples_file(&spec).unwrap();
        let v: Value = serde_json::from_str(&file.contents).unwrap();
        assert_eq!(v["operations"]["things_list"]["status"], "200");
        assert_eq!(v["operations"]["things_create"]["content"], true);
        assert_eq!(v["operations"]["things_delete"]["content"], false);
        assert_eq!(v["schemas"]["Thing"], json!({"id": "t_1"}));
        assert_eq!(v["schemas"]["CreateThing"], json!({"name": "x"}));
    }
}
