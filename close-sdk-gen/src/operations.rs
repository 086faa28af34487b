//! The operation table: every operation's id, HTTP method and path template, generated into
//! `close-sdk/src/generated/operations.rs` for the request path (rate-limit groups, retry
//! safety, tracing), since progenitor's `OperationInfo` carries only the id.

use anyhow::{bail, Result};
use serde_json::Value;

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// `(operation id, METHOD, path template)` for every operation, sorted by id.
pub fn operations(spec: &Value) -> Result<Vec<(String, String, String)>> {
    let Some(paths) = spec.get("paths").and_then(Value::as_object) else {
        bail!("the spec has no paths");
    };
    let mut ops = Vec::new();
    for (path, item) in paths {
        for method in METHODS {
            if let Some(op) = item.get(method) {
                let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                    bail!("{} {path} has no operationId", method.to_uppercase());
                };
                ops.push((id.to_string(), method.to_uppercase(), path.clone()));
            }
        }
    }
    ops.sort();
    Ok(ops)
}

/// The Rust source of the operation table.
pub fn operations_source(spec: &Value) -> Result<String> {
    let mut s = String::from(crate::codegen::HEADER);
    s.push_str(
        "\n/// `(operation id, HTTP method, path template)` for every generated operation, sorted by id.\n\
         pub(crate) const OPERATIONS: &[(&str, &str, &str)] = &[\n",
    );
    for (id, method, path) in operations(spec)? {
        s.push_str(&format!("    ({id:?}, {method:?}, {path:?}),\n"));
    }
    s.push_str("];\n");
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn table_is_sorted_and_complete() {
        let spec = json!({"paths": {
            "/b/": {"get": {"operationId": "b_get"}, "parameters": []},
            "/a/{id}/": {"put": {"operationId": "a_update"}, "delete": {"operationId": "a_delete"}}
        }});
        let src = operations_source(&spec).unwrap();
        let a = src
            .find("(\"a_delete\", \"DELETE\", \"/a/{id}/\")")
            .unwrap();
        let b = src.find("(\"a_update\", \"PUT\", \"/a/{id}/\")").unwrap();
        let c = src.find("(\"b_get\", \"GET\", \"/b/\")").unwrap();
        assert!(a < b && b < c, "{src}");
        assert!(src.starts_with("// @generated"));
    }

    #[test]
    fn an_operation_without_id_is_an_error() {
        assert!(operations(&json!({"paths": {"/a/": {"get": {}}}})).is_err());
    }
}
