//! Rewriting an OpenAPI 3.1 / 3.2 document into OpenAPI 3.0.3, the only version progenitor reads.
//!
//! Close publishes `openapi: 3.2.0` with 3.1-style JSON Schema. What this rewrites:
//!
//! | 3.1 / 3.2 | 3.0.3 |
//! |---|---|
//! | `anyOf`/`oneOf` with a `{type: 'null'}` member | the other member(s) plus `nullable: true` |
//! | `type: [X, 'null']` | `type: X, nullable: true` |
//! | `const: v` | `enum: [v]` |
//! | schema `examples: [a, …]` | `example: a` |
//! | numeric `exclusiveMinimum` / `exclusiveMaximum` | `minimum`/`maximum` plus the boolean |
//! | `$schema`, `$id`, `$comment`, `contentMediaType`, `contentEncoding` | dropped |
//! | `webhooks`, `jsonSchemaDialect`, `components.pathItems`, `info.summary`, `license.identifier`, tag `summary`/`parent`/`kind` | dropped |
//!
//! Only schema positions are rewritten (never `example`/`examples`/`default`/`enum` values, which
//! are data). A 3.2 construct that has no 3.0 form (the `query` method, `additionalOperations`)
//! is an error rather than being silently lost.

use anyhow::{bail, Result};
use serde_json::{json, Value};

/// The version written into the normalised document.
pub const TARGET_VERSION: &str = "3.0.3";

const OPERATION_KEYS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Rewrites `doc` in place into OpenAPI 3.0.3.
pub fn to_openapi_3_0(doc: &mut Value) -> Result<()> {
    let Some(root) = doc.as_object_mut() else {
        bail!("the document is not an object");
    };
    let version = root
        .get("openapi")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    if !(version.starts_with("3.0") || version.starts_with("3.1") || version.starts_with("3.2")) {
        bail!("unsupported OpenAPI version {version:?} (expected 3.0, 3.1 or 3.2)");
    }
    root.insert("openapi".into(), Value::String(TARGET_VERSION.into()));
    for key in ["webhooks", "jsonSchemaDialect", "$self"] {
        root.remove(key);
    }
    if let Some(info) = root.get_mut("info").and_then(Value::as_object_mut) {
        info.remove("summary");
        if let Some(license) = info.get_mut("license").and_then(Value::as_object_mut) {
            license.remove("identifier");
        }
    }
    if let Some(Value::Array(tags)) = root.get_mut("tags") {
        for tag in tags.iter_mut().filter_map(Value::as_object_mut) {
            for key in ["summary", "parent", "kind"] {
                tag.remove(key);
            }
        }
    }
    if let Some(Value::Object(paths)) = root.get_mut("paths") {
        for (path, item) in paths.iter_mut() {
            path_item(path, item)?;
        }
    }
    if let Some(Value::Object(components)) = root.get_mut("components") {
        components.remove("pathItems");
        components.remove("mediaTypes");
        for_each_value(components.get_mut("schemas"), schema);
        for_each_value(components.get_mut("parameters"), parameter);
        for_each_value(components.get_mut("headers"), parameter);
        for_each_value(components.get_mut("requestBodies"), content_holder);
        for_each_value(components.get_mut("responses"), response);
        if let Some(Value::Object(schemes)) = components.get_mut("securitySchemes") {
            for scheme in schemes.values_mut().filter_map(Value::as_object_mut) {
                scheme.remove("deprecated");
                scheme.remove("oauth2MetadataUrl");
                if let Some(Value::Object(flows)) = scheme.get_mut("flows") {
                    flows.remove("deviceAuthorization");
                }
            }
        }
    }
    Ok(())
}

fn for_each_value(map: Option<&mut Value>, f: fn(&mut Value)) {
    if let Some(Value::Object(map)) = map {
        map.values_mut().for_each(f);
    }
}

fn path_item(path: &str, item: &mut Value) -> Result<()> {
    let Some(item) = item.as_object_mut() else {
        return Ok(());
    };
    if item.contains_key("query") || item.contains_key("additionalOperations") {
        bail!("{path}: the OpenAPI 3.2 `query` method / `additionalOperations` has no 3.0 form");
    }
    if let Some(Value::Array(params)) = item.get_mut("parameters") {
        params.iter_mut().for_each(parameter);
    }
    for key in OPERATION_KEYS {
        if let Some(Value::Object(op)) = item.get_mut(key) {
            if let Some(Value::Array(params)) = op.get_mut("parameters") {
                params.iter_mut().for_each(parameter);
            }
            if let Some(body) = op.get_mut("requestBody") {
                content_holder(body);
            }
            for_each_value(op.get_mut("responses"), response);
        }
    }
    Ok(())
}

fn parameter(p: &mut Value) {
    if let Some(p) = p.as_object_mut() {
        if let Some(s) = p.get_mut("schema") {
            schema(s);
        }
        if let Some(c) = p.get_mut("content") {
            for_each_value(Some(c), media_type);
        }
    }
}

fn content_holder(v: &mut Value) {
    if let Some(v) = v.as_object_mut() {
        for_each_value(v.get_mut("content"), media_type);
    }
}

fn response(r: &mut Value) {
    content_holder(r);
    if let Some(r) = r.as_object_mut() {
        r.remove("summary");
        for_each_value(r.get_mut("headers"), parameter);
    }
}

fn media_type(m: &mut Value) {
    if let Some(m) = m.as_object_mut() {
        m.remove("itemSchema");
        if let Some(s) = m.get_mut("schema") {
            schema(s);
        }
    }
}

fn is_null_type(v: &Value) -> bool {
    v.as_object()
        .is_some_and(|o| o.get("type") == Some(&json!("null")) && o.len() == 1)
}

/// Normalises one schema and everything below it.
fn schema(s: &mut Value) {
    let Some(obj) = s.as_object_mut() else { return };

    for key in [
        "$schema",
        "$id",
        "$comment",
        "contentMediaType",
        "contentEncoding",
    ] {
        obj.remove(key);
    }

    // type: [X, 'null'] -> type: X, nullable: true (several non-null types -> anyOf).
    if let Some(Value::Array(types)) = obj.get("type").cloned() {
        let (nulls, rest): (Vec<Value>, Vec<Value>) = types.into_iter().partition(|t| t == "null");
        if !nulls.is_empty() {
            obj.insert("nullable".into(), Value::Bool(true));
        }
        match rest.len() {
            0 => {
                obj.remove("type");
            }
            1 => {
                obj.insert("type".into(), rest[0].clone());
            }
            _ => {
                obj.remove("type");
                let any: Vec<Value> = rest.into_iter().map(|t| json!({ "type": t })).collect();
                obj.insert("anyOf".into(), Value::Array(any));
            }
        }
    }

    // anyOf / oneOf with a null member -> the rest, nullable.
    for key in ["anyOf", "oneOf"] {
        let Some(Value::Array(members)) = obj.get(key) else {
            continue;
        };
        if !members.iter().any(is_null_type) {
            continue;
        }
        let rest: Vec<Value> = members
            .iter()
            .filter(|m| !is_null_type(m))
            .cloned()
            .collect();
        obj.remove(key);
        obj.insert("nullable".into(), Value::Bool(true));
        match rest.as_slice() {
            [] => {}
            [only] if only.get("$ref").is_some() => {
                obj.insert("allOf".into(), Value::Array(vec![only.clone()]));
            }
            [Value::Object(only)] => {
                for (k, v) in only {
                    obj.entry(k.clone()).or_insert_with(|| v.clone());
                }
            }
            _ => {
                obj.insert(key.into(), Value::Array(rest));
            }
        }
    }

    if let Some(c) = obj.remove("const") {
        obj.insert("enum".into(), Value::Array(vec![c]));
    }
    if let Some(Value::Array(examples)) = obj.remove("examples") {
        if let Some(first) = examples.into_iter().next() {
            obj.entry("example").or_insert(first);
        }
    }
    for (exclusive, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(n @ Value::Number(_)) = obj.get(exclusive).cloned() {
            obj.insert(bound.into(), n);
            obj.insert(exclusive.into(), Value::Bool(true));
        }
    }

    // Recurse into sub-schemas.
    if let Some(Value::Object(props)) = obj.get_mut("properties") {
        props.values_mut().for_each(schema);
    }
    if let Some(items) = obj.get_mut("items") {
        schema(items);
    }
    if let Some(ap @ Value::Object(_)) = obj.get_mut("additionalProperties") {
        schema(ap);
    }
    if let Some(not) = obj.get_mut("not") {
        schema(not);
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(members)) = obj.get_mut(key) {
            members.iter_mut().for_each(schema);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc_with_schema(s: Value) -> Value {
        json!({"openapi": "3.2.0", "info": {"title": "t", "version": "1", "summary": "x"},
               "paths": {}, "components": {"schemas": {"S": s}}})
    }

    fn normalised(s: Value) -> Value {
        let mut d = doc_with_schema(s);
        to_openapi_3_0(&mut d).unwrap();
        assert_eq!(d["openapi"], TARGET_VERSION);
        assert!(d["info"].get("summary").is_none());
        d["components"]["schemas"]["S"].clone()
    }

    #[test]
    fn any_of_with_null_becomes_nullable() {
        let s = normalised(json!({"title": "T", "anyOf": [{"type": "string"}, {"type": "null"}]}));
        assert_eq!(s, json!({"title": "T", "type": "string", "nullable": true}));
    }

    #[test]
    fn nullable_ref_keeps_the_reference_through_all_of() {
        let s =
            normalised(json!({"oneOf": [{"$ref": "#/components/schemas/X"}, {"type": "null"}]}));
        assert_eq!(
            s,
            json!({"allOf": [{"$ref": "#/components/schemas/X"}], "nullable": true})
        );
    }

    #[test]
    fn nullable_union_of_several_types_stays_a_union() {
        let s = normalised(
            json!({"anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}]}),
        );
        assert_eq!(
            s,
            json!({"anyOf": [{"type": "string"}, {"type": "integer"}], "nullable": true})
        );
    }

    #[test]
    fn type_arrays_become_type_and_nullable() {
        assert_eq!(
            normalised(json!({"type": ["integer", "null"]})),
            json!({"type": "integer", "nullable": true})
        );
        assert_eq!(
            normalised(json!({"type": ["integer", "string"]})),
            json!({"anyOf": [{"type": "integer"}, {"type": "string"}]})
        );
    }

    #[test]
    fn const_examples_and_exclusive_bounds() {
        let s = normalised(
            json!({"type": "number", "const": 3, "examples": [3, 4], "exclusiveMinimum": 0}),
        );
        assert_eq!(
            s,
            json!({"type": "number", "enum": [3], "example": 3, "minimum": 0, "exclusiveMinimum": true})
        );
    }

    #[test]
    fn nested_schemas_are_rewritten_but_examples_are_left_alone() {
        let s = normalised(json!({
            "type": "object",
            "example": {"a": {"anyOf": [{"type": "string"}, {"type": "null"}]}},
            "properties": {
                "a": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                "const": {"type": "array", "items": {"type": ["string", "null"]}}
            },
            "additionalProperties": {"const": "x"}
        }));
        assert_eq!(
            s["properties"]["a"],
            json!({"type": "string", "nullable": true})
        );
        assert_eq!(
            s["properties"]["const"]["items"],
            json!({"type": "string", "nullable": true})
        );
        assert_eq!(s["additionalProperties"], json!({"enum": ["x"]}));
        assert_eq!(s["example"]["a"]["anyOf"][1], json!({"type": "null"}));
    }

    #[test]
    fn operation_schemas_are_rewritten() {
        let mut d = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "webhooks": {},
            "paths": {"/a/": {"get": {
                "parameters": [{"name": "q", "in": "query", "schema": {"type": ["string", "null"]}}],
                "responses": {"200": {"description": "ok", "content": {"application/json":
                    {"schema": {"anyOf": [{"type": "boolean"}, {"type": "null"}]}}}}}}}}});
        to_openapi_3_0(&mut d).unwrap();
        assert!(d.get("webhooks").is_none());
        let op = &d["paths"]["/a/"]["get"];
        assert_eq!(
            op["parameters"][0]["schema"],
            json!({"type": "string", "nullable": true})
        );
        assert_eq!(
            op["responses"]["200"]["content"]["application/json"]["schema"],
            json!({"type": "boolean", "nullable": true})
        );
    }

    #[test]
    fn unsupported_versions_and_query_method_are_errors() {
        let mut d = json!({"openapi": "2.0"});
        assert!(to_openapi_3_0(&mut d).is_err());
        let mut d = json!({"openapi": "3.2.0", "paths": {"/a/": {"query": {}}}});
        assert!(to_openapi_3_0(&mut d)
            .unwrap_err()
            .to_string()
            .contains("query"));
    }

    #[test]
    fn normalising_twice_changes_nothing() {
        let mut d =
            doc_with_schema(json!({"anyOf": [{"type": "string"}, {"type": "null"}], "const": 1}));
        to_openapi_3_0(&mut d).unwrap();
        let once = d.clone();
        to_openapi_3_0(&mut d).unwrap();
        assert_eq!(d, once);
    }
}
