//! Typed query filters, for every operation: the rule that turns the document's untyped query
//! strings into the crate's value types, so a generated request takes
//! `.date_created_gte(Date::new(2026, 1, 1)?)` and `.id_in(&["lead_a", "lead_b"])`.
//!
//! Runs on the effective document after [`crate::openapi::rules`] (operation ids prefixed, `date-time |
//! date` unions already `date-or-date-time`). Per query parameter, by its name and schema:
//!
//! - **Date filters**: a string parameter without a format whose name, less a comparison suffix
//!   (`__gt`, `__gte`, `__lt`, `__lte`), is `date`, starts with `date_` or ends with `_date` or
//!   `_at` (`date_created__gte`, `date__lt`, `due_date__lte`, `date_won`, `date_start`) becomes
//!   a string of format [`DATE_OR_DATE_TIME`], generated as `crate::DateOrTimestamp` (a `Date`
//!   or a `Timestamp`, sent as its text). Close's filters take either ("date or date-time", its
//!   activity lists' own schemas); a parameter Close documents as `date` or `date-time` keeps
//!   that type (`crate::Date`, `crate::Timestamp`).
//! - **Id lists**: a parameter named `id__in`, `ids`, `…_id__in` or `…_ids`, or an array of
//!   strings named `id` or `…_id` (the activity lists' "Filter by lead IDs (comma-separated)"),
//!   becomes a string of format [`ID_LIST`], generated as `crate::IdList`: built from a slice or
//!   a `Vec`, each id checked by the path-safety id rule, sent comma-separated (Close reads one
//!   comma-separated value, see `close-sdk/src/transport/query.rs`).
//! - **Enums** are per-parameter facts with evidence, so they live in `openapi/overlay.yaml`
//!   (block "Typed query filters"), which points a parameter at the existing open enum schema
//!   (`status_type` → `OpportunityStatusType`) or a new one.
//!
//! `nullable` is dropped from a typed parameter: an optional query parameter is an `Option`
//! already, and a value that is not sent is absent, never `null`.

use serde_json::{json, Map, Value};

use crate::openapi::rules::{operations_mut, DATE_OR_DATE_TIME};

/// The `format` given to id-list query parameters (generated as `crate::IdList`).
pub const ID_LIST: &str = "id-list";

/// The comparison suffixes of Close's filters.
const COMPARISONS: [&str; 4] = ["__gte", "__gt", "__lte", "__lt"];

/// What the rule did: `(operation id, parameter, kind)` per typed parameter, kind being
/// `"date"` or `"id-list"`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Typed(pub Vec<(String, String, &'static str)>);

impl Typed {
    /// How many parameters got `kind`.
    pub fn count(&self, kind: &str) -> usize {
        self.0.iter().filter(|(_, _, k)| *k == kind).count()
    }
}

/// Whether `name` is a date filter's name.
pub fn is_date_name(name: &str) -> bool {
    let base = COMPARISONS
        .iter()
        .find_map(|c| name.strip_suffix(c))
        .unwrap_or(name);
    base == "date" || base.starts_with("date_") || base.ends_with("_date") || base.ends_with("_at")
}

/// Whether `name` is an id list's name whatever its schema (`id__in`, `lead_id__in`, `ids`).
pub fn is_id_list_name(name: &str) -> bool {
    name == "id__in" || name == "ids" || name.ends_with("_id__in") || name.ends_with("_ids")
}

fn is_plain_string(s: &Map<String, Value>) -> bool {
    s.get("type").and_then(Value::as_str) == Some("string")
        && !s.contains_key("format")
        && !s.contains_key("enum")
}

fn is_array_of_plain_strings(s: &Map<String, Value>) -> bool {
    s.get("type").and_then(Value::as_str) == Some("array")
        && s.get("items")
            .and_then(Value::as_object)
            .is_some_and(is_plain_string)
}

/// The kind a query parameter `name` with schema `s` gets, if any.
fn kind_of(name: &str, s: &Map<String, Value>) -> Option<&'static str> {
    let id_named = name == "id" || name.ends_with("_id");
    if (is_id_list_name(name) && (is_plain_string(s) || is_array_of_plain_strings(s)))
        || (id_named && is_array_of_plain_strings(s))
    {
        return Some(ID_LIST);
    }
    (is_date_name(name) && is_plain_string(s)).then_some("date")
}

/// Types the query parameters of every operation (see the module docs); returns what it typed.
pub fn apply(doc: &mut Value) -> Typed {
    let mut typed = Typed::default();
    for (_, _, op) in operations_mut(doc) {
        let id = op
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let Some(Value::Array(params)) = op.get_mut("parameters") else {
            continue;
        };
        for p in params.iter_mut().filter_map(Value::as_object_mut) {
            if p.get("in").and_then(Value::as_str) != Some("query") {
                continue;
            }
            let name = p
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            let Some(Value::Object(schema)) = p.get_mut("schema") else {
                continue;
            };
            let Some(kind) = kind_of(&name, schema) else {
                continue;
            };
            let format = if kind == ID_LIST {
                ID_LIST
            } else {
                DATE_OR_DATE_TIME
            };
            let mut new = Map::new();
            new.insert("type".into(), json!("string"));
            new.insert("format".into(), json!(format));
            for key in ["description", "title"] {
                if let Some(v) = schema.get(key) {
                    new.insert(key.into(), v.clone());
                }
            }
            *schema = new;
            typed.0.push((id.clone(), name, kind));
        }
    }
    typed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for n in [
            "date",
            "date__lt",
            "date_created__gte",
            "date_updated__lte",
            "due_date__gt",
            "date_won",
            "activity_at__lt",
            "date_start",
        ] {
            assert!(is_date_name(n), "{n}");
        }
        for n in [
            "status",
            "updated",
            "data",
            "mandate",
            "format",
            "_order_by",
        ] {
            assert!(!is_date_name(n), "{n}");
        }
        for n in [
            "id__in",
            "lead_id__in",
            "ids",
            "object_ids",
            "status_id__in",
        ] {
            assert!(is_id_list_name(n), "{n}");
        }
        for n in [
            "id",
            "lead_id",
            "_type__in",
            "status__in",
            "value_period__in",
        ] {
            assert!(!is_id_list_name(n), "{n}");
        }
    }

    #[test]
    fn dates_and_id_lists_are_typed_other_parameters_are_not() {
        let string = json!({"type": "string", "nullable": true});
        let strings = json!({"type": "array", "items": {"type": "string"}, "nullable": true});
        let mut doc = json!({"openapi": "3.0.3", "paths": {"/task/": {"get": {
        "operationId": "tasks_list",
        "parameters": [
            {"in": "query", "name": "date__gte", "schema": string},
            {"in": "query", "name": "due_date__lt", "schema": string},
            {"in": "query", "name": "id__in", "schema": string},
            {"in": "query", "name": "lead_id", "schema": strings},
            {"in": "query", "name": "user_id", "schema": string},
            {"in": "query", "name": "_type__in", "schema": string},
            {"in": "query", "name": "_type", "schema": strings},
            {"in": "query", "name": "created_at__lt",
             "schema": {"type": "string", "format": "date-time"}},
            {"in": "query", "name": "status_type",
             "schema": {"$ref": "#/components/schemas/OpportunityStatusType"}},
            {"in": "path", "name": "date", "schema": string},
        ]}}}});
        let typed = apply(&mut doc);
        assert_eq!((typed.count("date"), typed.count(ID_LIST)), (2, 2));
        let schema = |i: usize| doc["paths"]["/task/"]["get"]["parameters"][i]["schema"].clone();
        let date = json!({"type": "string", "format": DATE_OR_DATE_TIME});
        let ids = json!({"type": "string", "format": ID_LIST});
        assert_eq!(schema(0), date);
        assert_eq!(schema(1), date);
        assert_eq!(schema(2), ids);
        assert_eq!(schema(3), ids);
        // A single id, a string list that is not ids, a documented date-time, an enum and a
        // path parameter stay as they are.
        assert_eq!(schema(4), string);
        assert_eq!(schema(5), string);
        assert_eq!(schema(6), strings);
        assert_eq!(schema(7)["format"], "date-time");
        assert!(schema(8).get("$ref").is_some());
        assert_eq!(schema(9), string);
    }
}
