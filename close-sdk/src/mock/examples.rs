//! Close's documented examples, by operation and by schema: `generated/mock_examples.json`,
//! written by close-sdk-gen (`mock_examples`) from the examples `openapi/close.json` carries.
//! Read once, on first use.

use std::sync::OnceLock;

use serde_json::Value;

use crate::generated::operations::{Operation, OPERATIONS};

const TEXT: &str = include_str!("../generated/mock_examples.json");

fn all() -> &'static Value {
    static ALL: OnceLock<Value> = OnceLock::new();
    ALL.get_or_init(|| serde_json::from_str(TEXT).unwrap_or(Value::Null))
}

/// How Close documents an operation's success answer.
pub(super) enum Documented {
    /// A status and its JSON example.
    Example(u16, &'static Value),
    /// A status with no body (deletes): `2XX` is answered 204.
    NoContent(u16),
    /// A JSON body without an example: the mock cannot answer it.
    Undocumented,
}

fn status(text: &str) -> u16 {
    match text.parse::<u16>() {
        Ok(s) if (200..300).contains(&s) => s,
        _ => 200,
    }
}

/// The documented answer of operation `id`.
pub(super) fn operation(id: &str) -> Documented {
    let entry = &all()["operations"][id];
    let code = entry["status"].as_str().unwrap_or("200");
    match entry.get("example") {
        Some(example) => Documented::Example(status(code), example),
        None if entry["content"] == Value::Bool(false) => {
            Documented::NoContent(if code == "2XX" { 204 } else { status(code) })
        }
        None => Documented::Undocumented,
    }
}

/// The documented example of schema `name` (a response's, else a request's). `name` may be the
/// schema's name or the Rust type's the generator made of it (`SmsActivity` for `SMSActivity`,
/// `CustomObjectTypesListResponse200` for `custom_object_types_list_Response_200`): both are
/// compared ASCII case-insensitively without `_`.
pub(super) fn schema(name: &str) -> Option<&'static Value> {
    let schemas = all()["schemas"].as_object()?;
    if let Some(v) = schemas.get(name) {
        return Some(v);
    }
    let key = |s: &str| -> String {
        s.chars()
            .filter(|c| *c != '_')
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    let wanted = key(name);
    schemas
        .iter()
        .find(|(schema, _)| key(schema) == wanted)
        .map(|(_, v)| v)
}

/// The operation whose method and path template match a request's method and concrete path:
/// literal segments equal, `{…}` segments any non-empty text; the template with the most
/// literal segments wins (`/custom_field/shared/{id}/` over a wider one).
pub(super) fn find(method: &str, path: &str) -> Option<&'static Operation> {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    OPERATIONS
        .iter()
        .filter(|op| op.method.eq_ignore_ascii_case(method))
        .filter_map(|op| {
            let template: Vec<&str> = op.path.trim_matches('/').split('/').collect();
            if template.len() != parts.len() {
                return None;
            }
            let mut literal = 0;
            for (t, p) in template.iter().zip(&parts) {
                if t.starts_with('{') && t.ends_with('}') {
                    if p.is_empty() {
                        return None;
                    }
                } else if t == p {
                    literal += 1;
                } else {
                    return None;
                }
            }
            Some((literal, op))
        })
        .max_by_key(|(literal, _)| *literal)
        .map(|(_, op)| op)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_read_and_routes_are_found() {
        assert!(matches!(
            operation("opportunities_create"),
            Documented::Example(_, _)
        ));
        assert!(matches!(
            operation("opportunities_delete"),
            Documented::NoContent(204)
        ));
        assert!(schema("Opportunity").is_some_and(|o| o["id"].is_string()));
        assert_eq!(
            find("GET", "/opportunity/oppo_1/").map(|o| o.id),
            Some("opportunities_get")
        );
        assert_eq!(
            find("get", "/opportunity/").map(|o| o.id),
            Some("opportunities_list")
        );
        assert!(find("GET", "/no_such_thing/").is_none());
    }
}
