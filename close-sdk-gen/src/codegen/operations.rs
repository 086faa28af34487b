//! The operation table: every operation's id, HTTP method, path template, whether repeating
//! it is safe and whether it documents `_fields`, generated into `close-sdk/src/generated/operations.rs` for the request path
//! (rate-limit groups, retry safety, tracing, path safety), since progenitor's `OperationInfo`
//! carries only the id. Each entry is compiled under its feature, so the table holds exactly the
//! enabled operations, still sorted by id.

use anyhow::{bail, Result};
use serde_json::Value;

use crate::codegen::split::feature_of_operations;
use crate::openapi::rules::METHODS;

/// The extension that marks a POST or PATCH as safe to repeat (set in the overlay, with its
/// reason).
pub const IDEMPOTENT_EXTENSION: &str = "x-idempotent";

/// One row of the table.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Row {
    /// operationId (the builder method name).
    pub id: String,
    /// `GET`, `POST`, …
    pub method: String,
    /// Path template.
    pub path: String,
    /// Whether repeating it cannot do anything a single success would not.
    pub idempotent: bool,
    /// The cargo feature that compiles it.
    pub feature: &'static str,
    /// Whether it documents a `_fields` query parameter (partial objects).
    pub fields: bool,
}

/// Every operation, sorted by id.
pub fn operations(spec: &Value) -> Result<Vec<Row>> {
    let features = feature_of_operations(spec)?;
    let Some(paths) = spec.get("paths").and_then(Value::as_object) else {
        bail!("the spec has no paths");
    };
    let mut rows = Vec::new();
    for (path, item) in paths {
        for method in METHODS {
            let Some(op) = item.get(method) else {
                continue;
            };
            let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                bail!("{} {path} has no operationId", method.to_uppercase());
            };
            let safe_method = matches!(method, "get" | "head" | "options" | "put" | "delete");
            let marked = op.get(IDEMPOTENT_EXTENSION).and_then(Value::as_bool) == Some(true);
            let fields = op
                .get("parameters")
                .and_then(Value::as_array)
                .is_some_and(|ps| {
                    ps.iter().any(|p| {
                        p.get("in").and_then(Value::as_str) == Some("query")
                            && p.get("name").and_then(Value::as_str) == Some("_fields")
                    })
                });
            rows.push(Row {
                id: id.to_string(),
                method: method.to_uppercase(),
                path: path.clone(),
                idempotent: safe_method || marked,
                feature: features[&(path.clone(), method.to_string())].name,
                fields,
            });
        }
    }
    rows.sort();
    Ok(rows)
}

/// Each operationId's position in the generated table (what a generated `send()` names).
pub fn positions(spec: &Value) -> Result<std::collections::BTreeMap<String, usize>> {
    Ok(operations(spec)?
        .into_iter()
        .enumerate()
        .map(|(i, r)| (r.id, i))
        .collect())
}

/// The Rust source of the operation table.
pub fn operations_source(spec: &Value) -> Result<String> {
    let mut s = String::from(crate::files::HEADER);
    s.push_str(
        "\n/// One generated operation, as the request path needs it.\n\
         #[derive(Debug, Clone, Copy)]\n\
         pub(crate) struct Operation {\n\
         \x20   /// The operationId, which is also the builder method's name.\n\
         \x20   pub(crate) id: &'static str,\n\
         \x20   /// The HTTP method.\n\
         \x20   #[cfg_attr(not(test), allow(dead_code))]\n\
         \x20   pub(crate) method: &'static str,\n\
         \x20   /// The path template.\n\
         \x20   pub(crate) path: &'static str,\n\
         \x20   /// Whether repeating it is harmless (safe methods, and POSTs Close documents as\n\
         \x20   /// idempotent: `x-idempotent` in openapi/overlay.yaml).\n\
         \x20   pub(crate) idempotent: bool,\n\
         \x20   /// Whether it documents `_fields` (so `ListOptions::fields` is accepted).\n\
         \x20   #[allow(dead_code)]\n\
         \x20   pub(crate) fields: bool,\n\
         }\n\n\
         /// Every operation, sorted by id, whatever features are on: a generated `send()` names\n\
         /// its operation by its position here, which must not depend on the features.\n\
         pub(crate) const OPERATIONS: &[Operation] = &[\n",
    );
    for r in operations(spec)? {
        s.push_str(&format!(
            "    Operation {{ id: {:?}, method: {:?}, path: {:?}, idempotent: {}, fields: {} }},\n",
            r.id, r.method, r.path, r.idempotent, r.fields
        ));
    }
    s.push_str("];\n");
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn table_is_sorted_and_marks_idempotent_posts() {
        let spec = json!({"paths": {
            "/group/": {"get": {"operationId": "groups_list", "tags": ["subpackage_groups"]},
                         "post": {"operationId": "groups_create", "tags": ["subpackage_groups"]}},
            "/membership/": {"post": {"operationId": "memberships_create", "tags": ["subpackage_memberships"], "x-idempotent": true}}
        }});
        let src = operations_source(&spec).unwrap();
        let a = src
            .find("id: \"groups_create\", method: \"POST\", path: \"/group/\", idempotent: false, fields: false")
            .unwrap();
        let b = src
            .find("id: \"groups_list\", method: \"GET\", path: \"/group/\", idempotent: true, fields: false")
            .unwrap();
        let c = src.find("    Operation { id: \"memberships_create\", method: \"POST\", path: \"/membership/\", idempotent: true, fields: false }").unwrap();
        assert!(a < b && b < c, "{src}");
        assert!(src.starts_with("// @generated"));
        assert!(
            !src.contains("#[cfg("),
            "positions must not depend on features: {src}"
        );
    }

    #[test]
    fn an_operation_without_id_is_an_error() {
        assert!(
            operations(&json!({"paths": {"/a/": {"get": {"tags": ["subpackage_leads"]}}}}))
                .is_err()
        );
    }
}
