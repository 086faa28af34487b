//! The conformance test of every operation: one generated `#[tokio::test]` per operation in
//! `tests/tests/integration/generated_operations.rs`, so a new or changed operation is tested by
//! regenerating, never by hand.
//!
//! Each test calls the operation through its handle (`client.leads().update(id, body).await`,
//! [`crate::codegen::handles`]) against a loopback mock with every required parameter as an argument (path
//! parameters `<name>-1`, required query parameters `<name>-1`) and the documented request
//! example as the body (or `{}` where Close documents none), and checks
//! through `close_sdk_tests::conformance::Case`: the method, the exact path, the query, the
//! `Authorization` header, the body the SDK sent (equal to the example, nothing lost or
//! invented), and that the documented response example decodes with the operation's type and
//! re-serialises without loss.

use anyhow::{bail, Result};
use serde_json::Value;

use crate::codegen::progenitor::rust_type_name;
use crate::openapi::rules::resolve;
use crate::openapi::rules::METHODS;

/// Where the generated test goes.
pub const CONFORMANCE_TEST: &str = "tests/tests/integration/generated_operations.rs";

/// One operation as its test needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Call {
    id: String,
    method: String,
    template: String,
    /// `(name, builder method, value)` for each path parameter, in template order.
    path_params: Vec<(String, String, String)>,
    /// `(query name, builder method, value)` for each required query parameter.
    query: Vec<(String, String, String)>,
    /// The Rust type of the request body, if the operation has one.
    body: Option<String>,
    /// The status the mock answers with.
    status: u16,
    /// Whether the success response is JSON.
    json_response: bool,
}

fn calls(spec: &Value) -> Result<Vec<Call>> {
    let Some(paths) = spec.get("paths").and_then(Value::as_object) else {
        bail!("the spec has no paths");
    };
    let mut out = Vec::new();
    for (template, item) in paths {
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                bail!("{} {template} has no operationId", method.to_uppercase());
            };
            let params: Vec<&Value> = op
                .get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .chain(
                    item.get("parameters")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten(),
                )
                .filter_map(|p| resolve(spec, p))
                .collect();
            let mut path_params = Vec::new();
            let mut query = Vec::new();
            for p in params {
                let name = p.get("name").and_then(Value::as_str).unwrap_or_default();
                let value = format!("{name}-1");
                match p.get("in").and_then(Value::as_str) {
                    Some("path") => {
                        let at = template.find(&format!("{{{name}}}")).unwrap_or(usize::MAX);
                        path_params.push((
                            at,
                            name.to_string(),
                            crate::codegen::handles::builder_method(name),
                            value,
                        ));
                    }
                    Some("query") if p.get("required") == Some(&Value::Bool(true)) => {
                        let ty = resolve(spec, &p["schema"])
                            .and_then(|s| s.get("type"))
                            .cloned();
                        if ty != Some(Value::from("string")) {
                            bail!("{id}: required query parameter `{name}` is not a string; teach close-sdk-gen/src/testgen/conformance.rs its value");
                        }
                        query.push((
                            name.to_string(),
                            crate::codegen::handles::builder_method(name),
                            value,
                        ));
                    }
                    _ => {}
                }
            }
            path_params.sort();
            let body = op.get("requestBody").map(|rb| {
                let schema = &rb["content"]["application/json"]["schema"];
                match schema.get("$ref").and_then(Value::as_str) {
                    Some(r) => format!(
                        "close_sdk::types::{}",
                        rust_type_name(r.rsplit('/').next().unwrap_or(r))
                    ),
                    None => "serde_json::Value".to_string(),
                }
            });
            let Some((code, response)) = op
                .get("responses")
                .and_then(Value::as_object)
                .and_then(|r| r.iter().find(|(code, _)| code.starts_with('2')))
            else {
                bail!("{id} has no success response");
            };
            let json_response = response
                .get("content")
                .is_some_and(|c| c.get("application/json").is_some());
            let status = match code.parse::<u16>() {
                Ok(s) => s,
                Err(_) if json_response => 200,
                Err(_) => 204,
            };
            out.push(Call {
                id: id.to_string(),
                method: method.to_uppercase(),
                template: template.clone(),
                path_params: path_params
                    .into_iter()
                    .map(|(_, n, m, v)| (n, m, v))
                    .collect(),
                query,
                body,
                status,
                json_response,
            });
        }
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(out)
}

/// The Rust source of the conformance test.
pub fn conformance_source(spec: &Value) -> Result<String> {
    let mut s = String::from(crate::files::HEADER);
    s.push_str(
        "\n//! Every operation over loopback, one test each (generated by close-sdk-gen/src/testgen/conformance.rs):\n\
         //! each operation through its handle, every required parameter an argument, the documented\n\
         //! request example as body, `.await`ed into `Result<_, close_sdk::Error>`; `Case` checks\n\
         //! method, exact path, query, `Authorization`, the body sent (the example, nothing lost or\n\
         //! invented) and that the documented response example decodes without loss.\n\n\
         use close_sdk_tests::conformance::Case;\n",
    );
    let calls = calls(spec)?;
    let ids: Vec<&str> = calls.iter().map(|c| c.id.as_str()).collect();
    let places = crate::codegen::handles::assign(&crate::codegen::handles::table()?, &ids)?;
    for c in &calls {
        let mut path = c.template.clone();
        for (name, _, value) in &c.path_params {
            path = path.replacen(&format!("{{{name}}}"), value, 1);
        }
        let query: Vec<String> = c
            .query
            .iter()
            .map(|(n, _, v)| format!("({n:?}, {v:?})"))
            .collect();
        // The handle's arguments, in its order: path parameters, required query, body.
        let mut args: Vec<String> = c
            .path_params
            .iter()
            .chain(&c.query)
            .map(|(_, _, v)| format!("{v:?}"))
            .collect();
        if let Some(ty) = &c.body {
            args.push(format!("case.body::<{ty}>()"));
        }
        s.push_str(&format!(
            "\n#[tokio::test]\nasync fn {id}() {{\n    let {mutable}case = Case::start({id:?}, {method:?}, {template:?}, {path:?}, &[{query}], {status}, {json}).await;\n    let result: Result<_, close_sdk::Error> = case\n        .client()\n        .{call}({args})\n        .await;\n    case.check(result).await;\n}}\n",
            id = c.id,
            method = c.method,
            template = c.template,
            query = query.join(", "),
            status = c.status,
            json = c.json_response,
            call = places[&c.id].call().replace(").", ")\n        ."),
            args = args.join(", "),
            // `body()` records the body it hands out.
            mutable = if c.body.is_some() { "mut " } else { "" },
        ));
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn one_test_per_operation_with_parameters_body_and_status() {
        let spec = json!({
            "paths": {
                "/lead/{id}/": {"put": {
                    "operationId": "leads_update",
                    "parameters": [{"in": "path", "name": "id", "required": true, "schema": {"type": "string"}}],
                    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/UpdateLead"}}}},
                    "responses": {"200": {"content": {"application/json": {}}}}
                },
                "delete": {
                    "operationId": "leads_delete",
                    "responses": {"2XX": {"description": "ok"}}
                }},
                "/custom_object/": {"get": {
                    "operationId": "custom_objects_list",
                    "parameters": [{"in": "query", "name": "lead_id", "required": true, "schema": {"type": "string"}},
                                   {"in": "query", "name": "_limit", "schema": {"type": "integer"}}],
                    "responses": {"2XX": {"content": {"application/json": {}}}}
                }}
            }
        });
        let src = conformance_source(&spec).unwrap();
        assert!(src.starts_with("// @generated"));
        assert!(src.contains("async fn leads_update() {\n    let mut case = Case::start(\"leads_update\", \"PUT\", \"/lead/{id}/\", \"/lead/id-1/\", &[], 200, true).await;"), "{src}");
        assert!(src.contains(
            ".client()\n        .leads()\n        .update(\"id-1\", case.body::<close_sdk::types::UpdateLead>())\n        .await;"
        ), "{src}");
        assert!(src.contains("let result: Result<_, close_sdk::Error> = case"));
        assert!(src.contains("Case::start(\"leads_delete\", \"DELETE\", \"/lead/{id}/\", \"/lead/{id}/\", &[], 204, false)"));
        assert!(src.contains("&[(\"lead_id\", \"lead_id-1\")], 200, true)"));
        assert!(
            src.contains(".custom_objects()\n        .list(\"lead_id-1\")\n        .await;"),
            "{src}"
        );
        assert!(
            !src.contains(".limit("),
            "optional parameters are left unset"
        );
    }

    #[test]
    fn a_required_non_string_query_parameter_is_an_error_not_a_guess() {
        let spec = json!({"paths": {"/x/": {"get": {
            "operationId": "x_get",
            "parameters": [{"in": "query", "name": "n", "required": true, "schema": {"type": "integer"}}],
            "responses": {"200": {}}
        }}}});
        assert!(conformance_source(&spec).is_err());
    }

    #[test]
    fn builder_methods_follow_progenitor() {
        assert_eq!(crate::codegen::handles::builder_method("_fields"), "fields");
        assert_eq!(crate::codegen::handles::builder_method("type"), "type_");
        assert_eq!(
            crate::codegen::handles::builder_method("object_type"),
            "object_type"
        );
    }
}
