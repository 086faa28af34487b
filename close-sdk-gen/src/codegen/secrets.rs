//! Secret members: the property names whose values are secrets, generated into
//! `close-sdk/src/generated/secrets.rs` for the SDK's one redaction (`close-sdk/src/redact.rs`,
//! which includes that file).
//!
//! A property is secret when its schema carries [`SECRET_EXTENSION`] (`x-secret: true`), or
//! when it names (`$ref`, directly or as the only member of an `allOf`/`anyOf`/`oneOf`) a
//! component schema that does. The mark is set in `openapi/overlay.yaml`, with its reason
//! (e.g. on `SignatureKey`, so that `signature_key` is secret wherever it appears). The
//! generated list holds the member names, sorted, each with the schemas it was found in.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{bail, Result};
use serde_json::Value;

use crate::files::GeneratedFile;

/// The extension that marks a schema (or a property's schema) as a secret.
pub const SECRET_EXTENSION: &str = "x-secret";

/// The generated list, relative to the workspace root.
pub const GENERATED_SECRETS: &str = "close-sdk/src/generated/secrets.rs";

/// Every secret member name, with the JSON pointers of the objects declaring it.
pub fn secret_members(spec: &Value) -> BTreeMap<String, BTreeSet<String>> {
    let mut found = BTreeMap::new();
    walk(spec, spec, "", 0, &mut found);
    found
}

/// The most nested objects the walk enters (the document is far shallower).
const MAX_DEPTH: usize = 64;

fn walk(
    spec: &Value,
    node: &Value,
    pointer: &str,
    depth: usize,
    found: &mut BTreeMap<String, BTreeSet<String>>,
) {
    if depth > MAX_DEPTH {
        return;
    }
    match node {
        Value::Object(map) => {
            if let Some(Value::Object(props)) = map.get("properties") {
                for (name, prop) in props {
                    if is_secret(spec, prop) {
                        found
                            .entry(name.clone())
                            .or_default()
                            .insert(pointer.to_string());
                    }
                }
            }
            for (key, child) in map {
                let escaped = key.replace('~', "~0").replace('/', "~1");
                walk(
                    spec,
                    child,
                    &format!("{pointer}/{escaped}"),
                    depth + 1,
                    found,
                );
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                walk(spec, child, &format!("{pointer}/{i}"), depth + 1, found);
            }
        }
        _ => {}
    }
}

/// Whether a property's schema is secret: marked itself, or naming a marked component.
fn is_secret(spec: &Value, schema: &Value) -> bool {
    if marked(schema) {
        return true;
    }
    if let Some(target) = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
        .and_then(|p| spec.pointer(p))
    {
        return marked(target);
    }
    ["allOf", "anyOf", "oneOf"].iter().any(|k| {
        schema
            .get(*k)
            .and_then(Value::as_array)
            .is_some_and(|items| items.len() == 1 && is_secret(spec, &items[0]))
    })
}

fn marked(schema: &Value) -> bool {
    schema.get(SECRET_EXTENSION).and_then(Value::as_bool) == Some(true)
}

/// The Rust source of the list.
pub fn secrets_source(spec: &Value) -> Result<String> {
    let members = secret_members(spec);
    if let Some(bad) = members
        .keys()
        .find(|m| m.is_empty() || m.contains(['"', '\\']))
    {
        bail!("secret member name {bad:?} cannot be listed");
    }
    let mut s = String::from(crate::files::HEADER);
    s.push_str(
        "\n//! The members whose values are secrets, from `x-secret` in openapi/overlay.yaml\n\
         //! (close-sdk-gen's `secrets` module). Included by `close-sdk/src/redact.rs`.\n\n\
         /// Member names whose values the SDK never shows in an error, and where each is declared:\n",
    );
    for (name, places) in &members {
        let places: Vec<String> = places.iter().map(|p| format!("`{p}`")).collect();
        s.push_str(&format!("/// - `{name}`: {}\n", places.join(", ")));
    }
    s.push_str(&format!(
        "pub(crate) const OVERLAY_SECRET_MEMBERS: [&str; {}] = [\n",
        members.len()
    ));
    for name in members.keys() {
        s.push_str(&format!("    {name:?},\n"));
    }
    s.push_str("];\n");
    Ok(s)
}

/// The generated file.
pub fn secrets_file(spec: &Value) -> Result<GeneratedFile> {
    Ok(GeneratedFile {
        path: GENERATED_SECRETS.into(),
        contents: secrets_source(spec)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn marked_properties_and_properties_naming_marked_schemas_are_listed() {
        let spec = json!({
            "components": {"schemas": {
                "Key": {"type": "string", "x-secret": true},
                "Plain": {"type": "string"},
                "Sub": {"type": "object", "properties": {
                    "signature_key": {"$ref": "#/components/schemas/Key"},
                    "wrapped": {"allOf": [{"$ref": "#/components/schemas/Key"}]},
                    "token": {"type": "string", "x-secret": true},
                    "id": {"$ref": "#/components/schemas/Plain"},
                    "off": {"type": "string", "x-secret": false}
                }}
            }},
            "paths": {"/x/": {"get": {"responses": {"200": {"content": {"application/json": {
                "schema": {"type": "object", "properties": {"token": {"x-secret": true}}}
            }}}}}}}
        });
        let found = secret_members(&spec);
        let names: Vec<&str> = found.keys().map(String::as_str).collect();
        assert_eq!(names, ["signature_key", "token", "wrapped"]);
        assert_eq!(found["token"].len(), 2, "{found:?}");
        let src = secrets_source(&spec).unwrap();
        assert!(
            src.contains(
                "OVERLAY_SECRET_MEMBERS: [&str; 3] = [\n    \"signature_key\",\n    \"token\",\n    \"wrapped\",\n];"
            ),
            "{src}"
        );
        assert!(
            src.contains("/// - `signature_key`: `/components/schemas/Sub`"),
            "{src}"
        );
    }

    #[test]
    fn an_empty_list_is_still_a_valid_constant() {
        let src = secrets_source(&json!({})).unwrap();
        assert!(
            src.contains("OVERLAY_SECRET_MEMBERS: [&str; 0] = [\n];"),
            "{src}"
        );
    }
}
