//! Markers: what the document says that the Rust syntax cannot (which structs are response
//! types, which properties are nullable, which bodies are updates) carried through progenitor
//! in the schemas' descriptions ([`mark`]), read by the passes over its output
//! ([`crate::codegen::wire`], [`crate::codegen::accessors`]) and removed from every doc comment
//! afterwards ([`strip_markers`]).

use std::collections::BTreeSet;

use serde_json::{Map, Value};
use syn::{ItemEnum, ItemStruct};

/// Marks an object schema reachable from a success response (every property may be null).
pub const MARK_RESPONSE: &str = "⟦close-sdk:response⟧";
/// Marks a property the document declares `nullable`.
pub const MARK_NULLABLE: &str = "⟦close-sdk:nullable⟧";
/// Marks the request body of an update (PUT/PATCH) operation.
pub const MARK_UPDATE: &str = "⟦close-sdk:update⟧";

fn append_mark(s: &mut Map<String, Value>, mark: &str) {
    let d = s.get("description").and_then(Value::as_str).unwrap_or("");
    if d.contains(mark) {
        return;
    }
    let text = if d.is_empty() {
        mark.to_string()
    } else {
        format!("{d} {mark}")
    };
    s.insert("description".into(), Value::String(text));
}

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

fn mark_response_objects(s: &mut Value) {
    walk(s, &mut |o| {
        if o.get("properties").is_some_and(Value::is_object) {
            append_mark(o, MARK_RESPONSE);
        }
    });
}

/// A copy of `spec` with the markers this pass reads: [`MARK_RESPONSE`] on every object schema
/// reachable from a success response, [`MARK_NULLABLE`] on every nullable property,
/// [`MARK_UPDATE`] on the request body of every PUT/PATCH operation.
pub fn mark(spec: &Value) -> Value {
    let mut doc = spec.clone();
    let responses = crate::openapi::rules::response_schemas(spec);
    let mut updates = BTreeSet::new();
    for s in crate::openapi::rules::request_body_schemas(spec, |m| m == "put" || m == "patch") {
        if let Some(n) = s.as_object().and_then(crate::openapi::rules::ref_name) {
            updates.insert(n.to_string());
        }
    }
    crate::openapi::rules::for_each_schema(&mut doc, &mut |s| {
        if let Some(Value::Object(props)) = s.get_mut("properties") {
            for p in props.values_mut() {
                if let Some(p) = p.as_object_mut() {
                    if p.get("nullable") == Some(&Value::Bool(true)) && !p.contains_key("$ref") {
                        append_mark(p, MARK_NULLABLE);
                    }
                }
            }
        }
    });
    if let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") {
        for (name, s) in schemas.iter_mut() {
            if responses.contains(name) {
                mark_response_objects(s);
            }
            if updates.contains(name) {
                if let Some(o) = s.as_object_mut() {
                    append_mark(o, MARK_UPDATE);
                }
            }
        }
    }
    if let Some(Value::Object(paths)) = doc.get_mut("paths") {
        for item in paths.values_mut() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            for (method, op) in item.iter_mut() {
                if let Some(Value::Object(rs)) = op.get_mut("responses") {
                    for (status, r) in rs.iter_mut() {
                        if !status.starts_with('2') {
                            continue;
                        }
                        if let Some(Value::Object(media)) = r.get_mut("content") {
                            for m in media.values_mut() {
                                if let Some(s) = m.get_mut("schema") {
                                    mark_response_objects(s);
                                }
                            }
                        }
                    }
                }
                if method != "put" && method != "patch" {
                    continue;
                }
                if let Some(Value::Object(media)) =
                    op.get_mut("requestBody").and_then(|b| b.get_mut("content"))
                {
                    for m in media.values_mut() {
                        if let Some(Value::Object(s)) = m.get_mut("schema") {
                            if !s.contains_key("$ref") {
                                append_mark(s, MARK_UPDATE);
                            }
                        }
                    }
                }
            }
        }
    }
    doc
}

/// Removes the markers from every doc comment of `file` (a doc left empty goes, except a
/// type's, which becomes its name as typify writes it).
pub fn strip_markers(file: &mut syn::File) {
    use syn::visit_mut::VisitMut;
    struct Strip;
    fn clean(attrs: &mut Vec<syn::Attribute>, name: Option<&syn::Ident>) {
        attrs.retain_mut(|a| {
            if !a.path().is_ident("doc") {
                return true;
            }
            let syn::Meta::NameValue(nv) = &mut a.meta else {
                return true;
            };
            let syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(lit),
                ..
            }) = &mut nv.value
            else {
                return true;
            };
            let text = lit.value();
            if ![MARK_RESPONSE, MARK_NULLABLE, MARK_UPDATE]
                .iter()
                .any(|m| text.contains(m))
            {
                return true;
            }
            let mut t = text;
            for m in [MARK_RESPONSE, MARK_NULLABLE, MARK_UPDATE] {
                t = t.replace(&format!(" {m}"), "").replace(m, "");
            }
            let t = t.trim_end().to_string();
            if t.is_empty() {
                match name {
                    Some(n) => {
                        *lit = syn::LitStr::new(&format!("`{n}`"), lit.span());
                        true
                    }
                    None => false,
                }
            } else {
                *lit = syn::LitStr::new(&t, lit.span());
                true
            }
        });
    }
    impl VisitMut for Strip {
        fn visit_attribute_mut(&mut self, a: &mut syn::Attribute) {
            // Docs inside other attributes are left alone.
            let _ = a;
        }
        fn visit_item_struct_mut(&mut self, i: &mut ItemStruct) {
            clean(&mut i.attrs, Some(&i.ident));
            syn::visit_mut::visit_item_struct_mut(self, i);
        }
        fn visit_item_enum_mut(&mut self, i: &mut ItemEnum) {
            clean(&mut i.attrs, Some(&i.ident));
            syn::visit_mut::visit_item_enum_mut(self, i);
        }
        fn visit_field_mut(&mut self, f: &mut syn::Field) {
            clean(&mut f.attrs, None);
            syn::visit_mut::visit_field_mut(self, f);
        }
        fn visit_variant_mut(&mut self, v: &mut syn::Variant) {
            clean(&mut v.attrs, None);
            syn::visit_mut::visit_variant_mut(self, v);
        }
        fn visit_item_type_mut(&mut self, i: &mut syn::ItemType) {
            clean(&mut i.attrs, Some(&i.ident));
        }
        fn visit_impl_item_fn_mut(&mut self, f: &mut syn::ImplItemFn) {
            clean(&mut f.attrs, None);
            syn::visit_mut::visit_impl_item_fn_mut(self, f);
        }
        fn visit_item_fn_mut(&mut self, f: &mut syn::ItemFn) {
            clean(&mut f.attrs, None);
        }
        fn visit_trait_item_fn_mut(&mut self, f: &mut syn::TraitItemFn) {
            clean(&mut f.attrs, None);
        }
        fn visit_item_mod_mut(&mut self, m: &mut syn::ItemMod) {
            clean(&mut m.attrs, None);
            syn::visit_mut::visit_item_mod_mut(self, m);
        }
        fn visit_item_impl_mut(&mut self, i: &mut syn::ItemImpl) {
            clean(&mut i.attrs, None);
            syn::visit_mut::visit_item_impl_mut(self, i);
        }
    }
    Strip.visit_file_mut(file);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_follow_the_document() {
        let spec = serde_json::json!({"paths": {
            "/x/{id}/": {"put": {"requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/UpdateX"}}}},
                "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/X"}}}}}}}
        }, "components": {"schemas": {
            "UpdateX": {"type": "object", "properties": {"a": {"type": "string", "nullable": true}, "b": {"type": "string"}}},
            "X": {"type": "object", "properties": {"a": {"type": "string"}}}
        }}});
        let m = mark(&spec);
        let s = &m["components"]["schemas"];
        assert!(s["UpdateX"]["description"]
            .as_str()
            .unwrap()
            .contains(MARK_UPDATE));
        assert!(s["UpdateX"]["properties"]["a"]["description"]
            .as_str()
            .unwrap()
            .contains(MARK_NULLABLE));
        assert!(s["UpdateX"]["properties"]["b"].get("description").is_none());
        assert!(s["X"]["description"]
            .as_str()
            .unwrap()
            .contains(MARK_RESPONSE));
    }
}
