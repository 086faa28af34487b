//! Carrying Close's documented examples into the effective spec.
//!
//! Close's whole document has no request or response examples; the per-tag extracts pinned with
//! role `examples` do. For every operation of the document, the extract operation with the same
//! method and route (parameter names aside) lends its JSON request-body example and its success
//! response example (the same status, or the operation's only success response). Nothing else of
//! the extracts is used, and an example the document already has is kept. Tests decode these
//! examples with the generated types; docs show them.

use serde_json::Value;

use crate::openapi::rules::METHODS;

/// A route with its parameter names blanked: `/a/{id}/` and `/a/{x}/` are the same route.
pub fn route_key(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_param = false;
    for ch in path.chars() {
        match ch {
            '{' => {
                in_param = true;
                out.push_str("{}");
            }
            '}' => in_param = false,
            c if !in_param => out.push(c),
            _ => {}
        }
    }
    out
}

/// The example of a media type object: `example`, or the first of `examples` (its `value`).
fn example_of(media: &Value) -> Option<Value> {
    if let Some(e) = media.get("example") {
        return Some(e.clone());
    }
    media
        .get("examples")?
        .as_object()?
        .values()
        .next()?
        .get("value")
        .cloned()
}

fn json_media(holder: &Value) -> Option<&Value> {
    holder.get("content")?.get("application/json")
}

fn is_success(status: &str) -> bool {
    status.starts_with('2')
}

/// Copies examples from `extracts` (name, document) into `doc`; returns how many were copied.
pub fn graft(doc: &mut Value, extracts: &[(String, Value)]) -> usize {
    // Every extract operation by (method, route); for each example the first extract that has
    // one lends it (two extracts may describe the same route, one of them with examples).
    let mut lenders: Vec<(&str, String, &Value)> = Vec::new();
    for (_, e) in extracts {
        let Some(paths) = e.get("paths").and_then(Value::as_object) else {
            continue;
        };
        for (path, item) in paths {
            for m in METHODS {
                if let Some(op) = item.get(m) {
                    lenders.push((m, route_key(path), op));
                }
            }
        }
    }
    let mut copied = 0;
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return 0;
    };
    for (path, item) in paths.iter_mut() {
        let route = route_key(path);
        for m in METHODS {
            let Some(op) = item.get_mut(m) else { continue };
            let same: Vec<&Value> = lenders
                .iter()
                .filter(|(lm, lr, _)| *lm == m && *lr == route)
                .map(|(_, _, op)| *op)
                .collect();
            if same.is_empty() {
                continue;
            }
            // Request body.
            let request = same.iter().find_map(|l| {
                l.get("requestBody")
                    .and_then(json_media)
                    .and_then(example_of)
            });
            if let (Some(example), Some(Value::Object(media))) = (
                request,
                op.pointer_mut("/requestBody/content/application~1json"),
            ) {
                if !media.contains_key("example") && !media.contains_key("examples") {
                    media.insert("example".into(), example);
                    copied += 1;
                }
            }
            // Success response: the same status, or the operation's only success response.
            let Some(Value::Object(responses)) = op.get_mut("responses") else {
                continue;
            };
            let ours: Vec<String> = responses
                .keys()
                .filter(|s| is_success(s))
                .cloned()
                .collect();
            let lent = same
                .iter()
                .filter_map(|l| l.get("responses").and_then(Value::as_object))
                .flat_map(|r| r.iter())
                .filter(|(s, _)| is_success(s));
            for (status, r) in lent {
                let Some(example) = json_media(r).and_then(example_of) else {
                    continue;
                };
                let target = if ours.contains(status) {
                    status.clone()
                } else if let [only] = ours.as_slice() {
                    only.clone()
                } else {
                    continue;
                };
                if let Some(Value::Object(media)) = responses
                    .get_mut(&target)
                    .and_then(|r| r.pointer_mut("/content/application~1json"))
                {
                    if !media.contains_key("example") && !media.contains_key("examples") {
                        media.insert("example".into(), example);
                        copied += 1;
                    }
                }
            }
        }
    }
    copied
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn examples_follow_method_and_route_not_parameter_names() {
        let mut doc = json!({"paths": {"/lead/{id}/": {
            "get": {"responses": {"200": {"content": {"application/json": {"schema": {}}}}}},
            "put": {"requestBody": {"content": {"application/json": {"schema": {}}}},
                    "responses": {"200": {"content": {"application/json": {"schema": {}, "example": {"kept": true}}}}}}
        }, "/other/": {"post": {"responses": {"201": {"content": {"application/json": {"schema": {}}}}}}}}});
        let extract = json!({"paths": {"/lead/{lead_id}/": {
            "get": {"responses": {"200": {"content": {"application/json": {"example": {"id": "lead_1"}}}}}},
            "put": {"requestBody": {"content": {"application/json": {"examples": {"a": {"value": {"name": "x"}}}}}},
                    "responses": {"200": {"content": {"application/json": {"example": {"id": "lead_2"}}}}}}
        }, "/other/": {"post": {"responses": {"200": {"content": {"application/json": {"example": {"n": 1}}}}}}}}});
        // A first extract of the same routes without examples lends nothing.
        let bare = json!({"paths": {"/lead/{x}/": {"get": {"responses": {"200": {"description": "ok"}}}}}});
        let n = graft(
            &mut doc,
            &[("bare.yml".into(), bare), ("x.yml".into(), extract)],
        );
        assert_eq!(n, 3);
        let p = &doc["paths"]["/lead/{id}/"];
        assert_eq!(
            p["get"]["responses"]["200"]["content"]["application/json"]["example"]["id"],
            "lead_1"
        );
        assert_eq!(
            p["put"]["requestBody"]["content"]["application/json"]["example"]["name"],
            "x"
        );
        assert_eq!(
            p["put"]["responses"]["200"]["content"]["application/json"]["example"],
            json!({"kept": true})
        );
        assert_eq!(
            doc["paths"]["/other/"]["post"]["responses"]["201"]["content"]["application/json"]
                ["example"]["n"],
            1
        );
    }
}
