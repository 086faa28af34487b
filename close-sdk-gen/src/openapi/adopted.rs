//! Operations adopted from the pinned per-tag extracts: endpoints Close serves and documents
//! (developer.close.com) that its whole document does not have yet.
//!
//! The whole document stays the one source of operations and schemas ([`crate::openapi::upstream`]);
//! this rule adds, on top of it, exactly the extract operations named in [`ADOPTED`], each with
//! the page of Close's documentation that shows Close serves it. Nothing else of the extracts is
//! taken. An adopted operation is rewritten into the document's conventions, so every later step
//! (overlay, normalisation, [`crate::openapi::rules`], features, handles, pagination, tests) treats it like
//! any other operation:
//!
//! - its tag and operationId become the document's (`subpackage_forms` / `get`, which
//!   [`crate::openapi::rules::prefix_operation_ids`] turns into `forms_get`), whatever the extract says
//!   (`Forms` / `forms_fetch`);
//! - its `$ref`ed parameters (`#/components/parameters/…`; the document has no shared
//!   parameters) are inlined;
//! - an inline success-response schema is named as the document names them
//!   (`forms_list_Response_200`, so [`crate::openapi::rules::name_list_envelopes`] makes it `FormList`);
//! - the schemas it uses are copied, transitively, under their extract names, or under the name
//!   [`SCHEMA_RENAMES`] gives them. A name the document (or an earlier adoption) already uses
//!   for a different schema is an error naming both: a clash is resolved in [`SCHEMA_RENAMES`],
//!   never by overwriting;
//! - it records where it came from: `x-close-sdk-source: {extract, origin, operationId}` in
//!   `openapi/close.json`.
//!
//! The rule fails when an entry names an operation the extract does not have, or one the whole
//! document already has (Close's document caught up: the entry must go, and the document's
//! version is used). `cargo xtask spec diff` keeps listing adopted operations as extract-only,
//! marked as generated, until the whole document has them.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{bail, Context, Result};
use serde_json::{json, Map, Value};

use crate::openapi::examples::route_key;
use crate::openapi::features::TAG_PREFIX;
use crate::openapi::rules::{snake, METHODS};
use crate::openapi::upstream::Pinned;

/// The extension recording where an adopted operation came from.
pub const SOURCE_EXTENSION: &str = "x-close-sdk-source";

/// One extract operation the effective spec adopts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Adoption {
    /// The pinned extract, as named in `provenance.json`.
    pub extract: &'static str,
    /// `get`, `delete`, … (lowercase).
    pub method: &'static str,
    /// The route as the extract writes it.
    pub path: &'static str,
    /// The document-style tag, without `subpackage_` (`forms`, `activitiesImportUpdates`).
    pub tag: &'static str,
    /// The document-style operationId (`list`, `get`, `delete`).
    pub operation_id: &'static str,
    /// The page of Close's documentation that documents the operation.
    pub source: &'static str,
}

const FORMS: &str = "examples/close-forms-api-openapi.yml";
const IMPORT_UPDATES: &str = "examples/close-activities-import-updates-api-openapi.yml";

/// The allow-list: every extract operation adopted, and nothing else.
///
/// Forms (added to Close on 2026-05-07, developer.close.com/api/overview/changelog/2026/5/7) and
/// ImportUpdate activities are documented on developer.close.com, each operation on its own page,
/// and neither resource exists in the whole document, so adopting them cannot conflict with it.
/// The other operations only the extracts have (single export, pipeline and status reads, a
/// sequence-subscription delete) belong to resources the document does describe, with schemas
/// of its own; they stay listed by `cargo xtask spec diff` (see the report of issue 21).
///
/// Close's documentation names the form read `fetch` (developer.close.com/api/resources/forms/
/// fetch); the document's verb for reading one object is `get` (53 operations, no `fetch`), so
/// the SDK calls it `forms_get` (`client.forms().get(id)`).
pub const ADOPTED: &[Adoption] = &[
    Adoption {
        extract: FORMS,
        method: "get",
        path: "/form/",
        tag: "forms",
        operation_id: "list",
        source: "https://developer.close.com/api/resources/forms/list",
    },
    Adoption {
        extract: FORMS,
        method: "get",
        path: "/form/{id}/",
        tag: "forms",
        operation_id: "get",
        source: "https://developer.close.com/api/resources/forms/fetch",
    },
    Adoption {
        extract: IMPORT_UPDATES,
        method: "get",
        path: "/activity/import_update/",
        tag: "activitiesImportUpdates",
        operation_id: "list",
        source: "https://developer.close.com/api/resources/activities/import-updates/list",
    },
    Adoption {
        extract: IMPORT_UPDATES,
        method: "get",
        path: "/activity/import_update/{id}/",
        tag: "activitiesImportUpdates",
        operation_id: "get",
        source: "https://developer.close.com/api/resources/activities/import-updates/get",
    },
    Adoption {
        extract: IMPORT_UPDATES,
        method: "delete",
        path: "/activity/import_update/{id}/",
        tag: "activitiesImportUpdates",
        operation_id: "delete",
        source: "https://developer.close.com/api/resources/activities/import-updates/delete",
    },
];

/// Extract schemas copied under another name: (extract, name in the extract, name in the
/// effective spec, reason). Empty today: none of the adopted schemas (`Form`,
/// `FormFieldDefinition`, `FormFieldChoice`, `ImportUpdateActivity`) is a name the document
/// uses; an adoption that brings a clashing name fails until it has an entry here.
pub const SCHEMA_RENAMES: &[(&str, &str, &str, &str)] = &[];

/// True when `method` and `path` (parameter names aside) are adopted from `extract`.
pub fn is_adopted(extract: &str, method: &str, path: &str) -> bool {
    ADOPTED.iter().any(|a| {
        a.extract == extract
            && a.method.eq_ignore_ascii_case(method)
            && route_key(a.path) == route_key(path)
    })
}

/// Adds every [`ADOPTED`] operation (and the schemas it uses) from `pinned`'s extracts to
/// `doc`; returns how many were added.
pub fn apply(doc: &mut Value, pinned: &Pinned) -> Result<usize> {
    let origins: BTreeMap<&str, &str> = pinned
        .provenance
        .files
        .iter()
        .map(|f| (f.file.as_str(), f.origin.as_str()))
        .collect();
    let extracts: BTreeMap<&str, &Value> = pinned
        .examples
        .iter()
        .map(|(n, v)| (n.as_str(), v))
        .collect();
    adopt(doc, &extracts, &origins, ADOPTED, SCHEMA_RENAMES)
}

fn adopt(
    doc: &mut Value,
    extracts: &BTreeMap<&str, &Value>,
    origins: &BTreeMap<&str, &str>,
    adopted: &[Adoption],
    renames: &[(&str, &str, &str, &str)],
) -> Result<usize> {
    let known: BTreeSet<(String, String)> = document_routes(doc);
    let mut copied: BTreeMap<(String, String), String> = BTreeMap::new();
    for a in adopted {
        let what = format!("{} {} from {}", a.method.to_uppercase(), a.path, a.extract);
        let Some(extract) = extracts.get(a.extract) else {
            bail!(
                "adopting {what}: no pinned extract {} (provenance.json)",
                a.extract
            );
        };
        if known.contains(&(route_key(a.path), a.method.to_string())) {
            bail!(
                "adopting {what}: the whole document has this operation now; remove its entry \
                 from close-sdk-gen/src/openapi/adopted.rs (ADOPTED)"
            );
        }
        let Some(op) = extract
            .get("paths")
            .and_then(|p| p.get(a.path))
            .and_then(|i| i.get(a.method))
            .and_then(Value::as_object)
        else {
            bail!("adopting {what}: the extract has no such operation");
        };
        let mut op = op.clone();
        let original_id = op
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        op.insert("tags".into(), json!([format!("{TAG_PREFIX}{}", a.tag)]));
        op.insert("operationId".into(), json!(a.operation_id));
        op.insert(
            SOURCE_EXTENSION.into(),
            json!({
                "extract": a.extract,
                "origin": origins.get(a.extract).copied().unwrap_or(""),
                "operationId": original_id,
                "documentation": a.source,
            }),
        );
        inline_parameters(&mut op, extract).with_context(|| format!("adopting {what}"))?;
        let named = name_inline_responses(
            &mut op,
            doc,
            &format!("{}_{}", snake(a.tag), a.operation_id),
        )
        .with_context(|| format!("adopting {what}"))?;
        let mut op = Value::Object(op);
        copy_schemas(
            doc,
            &mut op,
            named,
            a.extract,
            extract,
            renames,
            &mut copied,
        )
        .with_context(|| format!("adopting {what}"))?;
        let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
            bail!("the document has no paths");
        };
        let item = paths
            .entry(a.path.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        let Some(item) = item.as_object_mut() else {
            bail!("adopting {what}: /paths/{} is not an object", a.path);
        };
        item.insert(a.method.to_string(), op);
    }
    Ok(adopted.len())
}

fn document_routes(doc: &Value) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            for m in METHODS {
                if item.get(m).is_some() {
                    out.insert((route_key(path), m.to_string()));
                }
            }
        }
    }
    out
}

/// Replaces `{"$ref": "#/components/parameters/X"}` with the extract's parameter `X`.
fn inline_parameters(op: &mut Map<String, Value>, extract: &Value) -> Result<()> {
    let Some(Value::Array(params)) = op.get_mut("parameters") else {
        return Ok(());
    };
    for p in params.iter_mut() {
        let Some(r) = p.get("$ref").and_then(Value::as_str) else {
            continue;
        };
        let Some(name) = r.strip_prefix("#/components/parameters/") else {
            bail!("parameter reference {r} is not to #/components/parameters/");
        };
        let Some(def) = extract.pointer(&format!("/components/parameters/{name}")) else {
            bail!("the extract has no parameter {name}");
        };
        *p = def.clone();
    }
    Ok(())
}

/// Moves an inline object schema of a success response into `components/schemas` as
/// `{prefix}_Response_{status}`, the document's name for response schemas; returns the moved
/// schemas by name.
fn name_inline_responses(
    op: &mut Map<String, Value>,
    doc: &Value,
    prefix: &str,
) -> Result<Vec<(String, Value)>> {
    let mut out = Vec::new();
    let Some(Value::Object(responses)) = op.get_mut("responses") else {
        return Ok(out);
    };
    for (status, r) in responses.iter_mut() {
        if !status.starts_with('2') {
            continue;
        }
        let Some(schema) = r.pointer_mut("/content/application~1json/schema") else {
            continue;
        };
        if schema.get("$ref").is_some() {
            continue;
        }
        let name = format!("{prefix}_Response_{status}");
        if doc
            .pointer(&format!("/components/schemas/{name}"))
            .is_some()
        {
            bail!("the document already has a schema {name}");
        }
        let mut body = std::mem::replace(
            schema,
            json!({ "$ref": format!("#/components/schemas/{name}") }),
        );
        if let Some(o) = body.as_object_mut() {
            o.entry("title").or_insert_with(|| json!(name));
        }
        out.push((name, body));
    }
    Ok(out)
}

/// Copies every schema `value` references (transitively) from `extract` into `doc`, rewriting
/// the references to the names used there.
fn copy_schemas(
    doc: &mut Value,
    value: &mut Value,
    pending: Vec<(String, Value)>,
    extract_name: &str,
    extract: &Value,
    renames: &[(&str, &str, &str, &str)],
    copied: &mut BTreeMap<(String, String), String>,
) -> Result<()> {
    let target_of = |name: &str| {
        renames
            .iter()
            .find(|(e, from, _, _)| *e == extract_name && *from == name)
            .map(|(_, _, to, _)| to.to_string())
            .unwrap_or_else(|| name.to_string())
    };
    // The response schemas name_inline_responses moved are not in the extract's components.
    let local: BTreeSet<String> = pending.iter().map(|(n, _)| n.clone()).collect();
    let mut queue: Vec<String> = Vec::new();
    rewrite_refs(value, &target_of, &mut queue);
    for (name, schema) in pending {
        let mut schema = schema;
        rewrite_refs(&mut schema, &target_of, &mut queue);
        insert_schema(doc, &name, schema, "the operation's response", copied)?;
    }
    while let Some(name) = queue.pop() {
        if local.contains(&name) || copied.contains_key(&(extract_name.to_string(), name.clone())) {
            continue;
        }
        let Some(schema) = extract.pointer(&format!("/components/schemas/{name}")) else {
            bail!("{extract_name} references schema {name}, which it does not define");
        };
        let mut schema = schema.clone();
        rewrite_refs(&mut schema, &target_of, &mut queue);
        let to = target_of(&name);
        insert_schema(
            doc,
            &to,
            schema,
            &format!("{extract_name}'s {name}"),
            copied,
        )?;
        copied.insert((extract_name.to_string(), name), to);
    }
    Ok(())
}

/// Rewrites `#/components/schemas/X` references to the target names, queueing each `X`.
fn rewrite_refs(value: &mut Value, target_of: &dyn Fn(&str) -> String, queue: &mut Vec<String>) {
    match value {
        Value::Object(o) => {
            if let Some(Value::String(r)) = o.get_mut("$ref") {
                if let Some(name) = r.strip_prefix("#/components/schemas/").map(str::to_string) {
                    *r = format!("#/components/schemas/{}", target_of(&name));
                    queue.push(name);
                }
            }
            for (k, v) in o.iter_mut() {
                // Examples are data, not schemas.
                if k != "example" && k != "examples" {
                    rewrite_refs(v, target_of, queue);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|v| rewrite_refs(v, target_of, queue)),
        _ => {}
    }
}

fn insert_schema(
    doc: &mut Value,
    name: &str,
    schema: Value,
    what: &str,
    copied: &BTreeMap<(String, String), String>,
) -> Result<()> {
    let Some(root) = doc.as_object_mut() else {
        bail!("the document is not an object");
    };
    let schemas = root
        .entry("components")
        .or_insert_with(|| json!({}))
        .as_object_mut()
        .map(|c| c.entry("schemas").or_insert_with(|| json!({})));
    let Some(Value::Object(schemas)) = schemas else {
        bail!("the document's components/schemas is not an object");
    };
    match schemas.get(name) {
        Some(existing) if *existing == schema => Ok(()),
        Some(_) => {
            let ours = copied.values().any(|n| n == name);
            bail!(
                "{what} would be schema {name}, which {} defines differently; give it another \
                 name in close-sdk-gen/src/openapi/adopted.rs (SCHEMA_RENAMES)",
                if ours {
                    "an earlier adopted extract"
                } else {
                    "the whole document"
                }
            )
        }
        None => {
            schemas.insert(name.to_string(), schema);
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn extract() -> Value {
        json!({"paths": {
            "/thing/": {"get": {"operationId": "things_list", "tags": ["Things"],
                "parameters": [{"$ref": "#/components/parameters/Limit"}],
                "responses": {"200": {"content": {"application/json": {
                    "example": {"data": [{"id": "t"}], "has_more": false},
                    "schema": {"type": "object", "properties": {
                        "data": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}},
                        "has_more": {"type": "boolean"}}}}}}}}},
            "/thing/{id}/": {"delete": {"operationId": "things_delete", "responses": {"200": {}}}}},
         "components": {
            "parameters": {"Limit": {"in": "query", "name": "_limit", "schema": {"type": "integer"}}},
            "schemas": {
                "Thing": {"type": "object", "properties": {"part": {"$ref": "#/components/schemas/Part"}}},
                "Part": {"type": "string"}}}})
    }

    fn entry(path: &'static str, method: &'static str, id: &'static str) -> Adoption {
        Adoption {
            extract: "x.yml",
            method,
            path,
            tag: "things",
            operation_id: id,
            source: "https://example.invalid/things",
        }
    }

    fn run(
        doc: &mut Value,
        adopted: &[Adoption],
        renames: &[(&str, &str, &str, &str)],
    ) -> Result<usize> {
        let e = extract();
        let extracts = BTreeMap::from([("x.yml", &e)]);
        let origins = BTreeMap::from([("x.yml", "https://github.com/o/r/blob/c/x.yml")]);
        adopt(doc, &extracts, &origins, adopted, renames)
    }

    #[test]
    fn listed_operations_arrive_in_document_style_with_their_source_and_schemas() {
        let mut doc = json!({"paths": {}, "components": {"schemas": {}}});
        let n = run(&mut doc, &[entry("/thing/", "get", "list")], &[]).unwrap();
        assert_eq!(n, 1);
        let op = &doc["paths"]["/thing/"]["get"];
        assert_eq!(op["operationId"], "list");
        assert_eq!(op["tags"], json!(["subpackage_things"]));
        assert_eq!(op["parameters"][0]["name"], "_limit");
        assert_eq!(op[SOURCE_EXTENSION]["extract"], "x.yml");
        assert_eq!(op[SOURCE_EXTENSION]["operationId"], "things_list");
        assert_eq!(
            op[SOURCE_EXTENSION]["origin"],
            "https://github.com/o/r/blob/c/x.yml"
        );
        let media = &op["responses"]["200"]["content"]["application/json"];
        assert_eq!(
            media["schema"]["$ref"],
            "#/components/schemas/things_list_Response_200"
        );
        assert_eq!(media["example"]["data"][0]["id"], "t");
        let s = &doc["components"]["schemas"];
        assert_eq!(
            s["things_list_Response_200"]["properties"]["data"]["items"]["$ref"],
            "#/components/schemas/Thing"
        );
        assert_eq!(s["Part"]["type"], "string");
        // Not listed: not adopted.
        assert!(doc["paths"].get("/thing/{id}/").is_none());
    }

    #[test]
    fn a_clashing_schema_name_is_an_error_until_renamed() {
        let mut doc =
            json!({"paths": {}, "components": {"schemas": {"Thing": {"type": "integer"}}}});
        let err = run(&mut doc, &[entry("/thing/", "get", "list")], &[]).unwrap_err();
        assert!(format!("{err:#}").contains("SCHEMA_RENAMES"), "{err:#}");
        let mut doc =
            json!({"paths": {}, "components": {"schemas": {"Thing": {"type": "integer"}}}});
        run(
            &mut doc,
            &[entry("/thing/", "get", "list")],
            &[("x.yml", "Thing", "ExtractThing", "test")],
        )
        .unwrap();
        let s = &doc["components"]["schemas"];
        assert_eq!(
            s["Thing"]["type"], "integer",
            "the document's schema is kept"
        );
        assert_eq!(
            s["things_list_Response_200"]["properties"]["data"]["items"]["$ref"],
            "#/components/schemas/ExtractThing"
        );
        assert!(s["ExtractThing"]["properties"]["part"].is_object());
    }

    #[test]
    fn stale_or_unknown_entries_fail() {
        let mut doc = json!({"paths": {"/thing/{x}/": {"delete": {}}}});
        let err = run(&mut doc, &[entry("/thing/{id}/", "delete", "delete")], &[]).unwrap_err();
        assert!(err.to_string().contains("has this operation now"), "{err}");
        let mut doc = json!({"paths": {}});
        let err = run(&mut doc, &[entry("/nope/", "get", "list")], &[]).unwrap_err();
        assert!(err.to_string().contains("no such operation"), "{err}");
    }

    #[test]
    fn the_allow_list_is_forms_and_import_updates() {
        assert!(is_adopted(FORMS, "GET", "/form/{x}/"));
        assert!(is_adopted(
            IMPORT_UPDATES,
            "DELETE",
            "/activity/import_update/{id}/"
        ));
        assert!(!is_adopted(FORMS, "DELETE", "/form/{id}/"));
        assert_eq!(ADOPTED.len(), 5);
    }
}
