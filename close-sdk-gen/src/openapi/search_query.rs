//! Rule: Close's search query language where a body carries it (`s_query`), typed with the
//! crate's own search types instead of an untyped JSON map.
//!
//! Close's Advanced Filtering query is also the `s_query` of exports, bulk actions and smart
//! views (Close's Exports, Bulk Actions and Smart Views pages; their examples are in
//! `tests/fixtures/search/openapi_examples.json`). It comes in two shapes:
//!
//! - **A bare query** beside `results_limit` and `sort` members of the same body (exports and
//!   bulk actions: `{"s_query": {"type": "and", …}, "results_limit": null, "sort": [...]}`):
//!   generated as `crate::search::Query`, and the sibling `sort`'s items as
//!   `crate::search::Sort`.
//! - **A whole search** holding its own `query`, `results_limit` and `sort` (smart views:
//!   `{"s_query": {"query": {…}, "results_limit": null, "sort": []}}`): generated as
//!   `crate::search::SearchRequest`.
//!
//! Which shape a property has is read from the document, for whatever schema has a property
//! named `s_query` (today's and any added later), in this order:
//!
//! 1. its own schema declares a `query` property: a whole search;
//! 2. its own schema declares `type` or `queries`: a bare query;
//! 3. the body declares `sort` or `results_limit` beside it: a bare query (Close's pages put
//!    them there only when `s_query` is the query alone);
//! 4. otherwise: a whole search.
//!
//! A property whose schema is not an object (a `type` other than `object`) is left alone, and so
//! are parameters named `s_query` (a query string is text). The property's schema is replaced by
//! `{"type": "object", "x-close-sdk-search": "query" | "request" | "sort"}` (keeping its
//! description and `nullable`), which [`with_conversions`] maps to the crate's types through
//! progenitor's schema conversions. The crate's types decode leniently (a query kind the SDK
//! does not model is kept as `Query::Raw` and written back unchanged), so a smart view saved in
//! Close's app always decodes.

use serde_json::{json, Map, Value};

/// The extension naming the crate type a schema is generated as.
pub const EXTENSION: &str = "x-close-sdk-search";

/// The three crate types, by the extension's value.
pub const KINDS: [(&str, &str); 3] = [
    ("query", "crate::search::Query"),
    ("request", "crate::search::SearchRequest"),
    ("sort", "crate::search::Sort"),
];

/// What the rule did: every property it typed, as `(schema path, kind)`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Typed(pub Vec<(String, &'static str)>);

/// Applies the rule to every schema of the document (components, bodies, responses).
pub fn apply(doc: &mut Value) -> Typed {
    let components = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mut typed = Typed::default();
    let mut counter = 0usize;
    crate::openapi::rules::for_each_schema(doc, &mut |s| {
        counter += 1;
        let here = s
            .get("title")
            .and_then(Value::as_str)
            .map_or_else(|| format!("schema #{counter}"), str::to_string);
        type_object(s, &components, &here, &mut typed);
    });
    typed
}

/// Types the `s_query` (and sibling `sort`) of one object schema.
fn type_object(
    s: &mut Map<String, Value>,
    components: &Map<String, Value>,
    here: &str,
    typed: &mut Typed,
) {
    let Some(Value::Object(props)) = s.get_mut("properties") else {
        return;
    };
    let Some(s_query) = props.get("s_query") else {
        return;
    };
    let own = resolve(s_query, components);
    if own
        .get("type")
        .and_then(Value::as_str)
        .is_some_and(|t| t != "object")
    {
        return;
    }
    let own_props = own.get("properties").and_then(Value::as_object);
    let declares = |k: &str| own_props.is_some_and(|p| p.contains_key(k));
    let beside = props.contains_key("sort") || props.contains_key("results_limit");
    let kind = if declares("query") {
        "request"
    } else if declares("type") || declares("queries") || beside {
        "query"
    } else {
        "request"
    };
    if let Some(p) = props.get_mut("s_query") {
        *p = marker(p, kind);
        typed.0.push((format!("{here}.s_query"), kind));
    }
    if kind == "query" {
        if let Some(Value::Object(sort)) = props.get_mut("sort") {
            let is_array = sort.get("type").and_then(Value::as_str) == Some("array")
                || sort.contains_key("items");
            if is_array {
                let items = sort.get("items").cloned().unwrap_or(Value::Null);
                sort.insert("items".into(), marker(&items, "sort"));
                typed.0.push((format!("{here}.sort[]"), "sort"));
            }
        }
    }
}

/// The schema `s` names (through one `$ref` to a component), or `s` itself.
fn resolve<'a>(s: &'a Value, components: &'a Map<String, Value>) -> &'a Value {
    s.get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
        .and_then(|name| components.get(name))
        .unwrap_or(s)
}

/// The replacement schema of kind `kind`, keeping `old`'s description and `nullable`.
fn marker(old: &Value, kind: &str) -> Value {
    let mut m = Map::new();
    m.insert("type".into(), json!("object"));
    for key in ["description", "nullable"] {
        if let Some(v) = old.get(key) {
            m.insert(key.into(), v.clone());
        }
    }
    m.insert(EXTENSION.into(), json!(kind));
    Value::Object(m)
}

/// Registers the three conversions (the marked schemas → the crate's search types).
pub fn with_conversions(settings: &mut progenitor_impl::GenerationSettings) {
    for (kind, path) in KINDS {
        settings.with_conversion(schema_of(kind), path, std::iter::empty());
    }
}

/// The schema progenitor hands typify for a marked property (its description aside, which the
/// conversion lookup ignores; `nullable` makes it an `Option` of the same schema).
fn schema_of(kind: &str) -> schemars::schema::SchemaObject {
    let mut extensions = schemars::Map::new();
    extensions.insert(EXTENSION.to_string(), json!(kind));
    schemars::schema::SchemaObject {
        instance_type: Some(schemars::schema::InstanceType::Object.into()),
        extensions,
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(schemas: Value) -> Value {
        json!({"openapi": "3.0.3", "paths": {}, "components": {"schemas": schemas}})
    }

    fn kind_at(d: &Value, pointer: &str) -> Option<String> {
        d.pointer(pointer)?
            .get(EXTENSION)?
            .as_str()
            .map(str::to_string)
    }

    #[test]
    fn a_query_beside_sort_is_a_bare_query_and_sort_items_are_sorts() {
        let mut d = doc(
            json!({"BulkDeleteAction": {"type": "object", "properties": {
            "s_query": {"type": "object", "nullable": true, "description": "the query",
                        "additionalProperties": {"description": "Any type"}},
            "results_limit": {"type": "integer", "nullable": true},
            "sort": {"type": "array", "nullable": true,
                     "items": {"type": "object", "additionalProperties": {}}}}}}),
        );
        let typed = apply(&mut d);
        assert_eq!(typed.0.len(), 2, "{typed:?}");
        let p = "/components/schemas/BulkDeleteAction/properties";
        assert_eq!(
            kind_at(&d, &format!("{p}/s_query")).as_deref(),
            Some("query")
        );
        assert_eq!(
            kind_at(&d, &format!("{p}/sort/items")).as_deref(),
            Some("sort")
        );
        let s_query = d.pointer(&format!("{p}/s_query")).unwrap();
        assert_eq!(s_query["nullable"], true);
        assert_eq!(s_query["description"], "the query");
        assert!(s_query.get("additionalProperties").is_none());
        // The sort array itself keeps its own members.
        assert_eq!(d.pointer(&format!("{p}/sort/nullable")), Some(&json!(true)));
    }

    #[test]
    fn an_s_query_holding_its_own_query_is_a_whole_search() {
        let mut d = doc(json!({
            "CreateSmartView": {"type": "object", "properties": {
                "name": {"type": "string"},
                "s_query": {"type": "object", "properties": {"query": {"type": "object"}}}}},
            "SmartView": {"type": "object", "properties": {
                "query": {"type": "string"},
                "s_query": {"type": "object", "additionalProperties": {}}}}}));
        apply(&mut d);
        for name in ["CreateSmartView", "SmartView"] {
            let at = format!("/components/schemas/{name}/properties/s_query");
            assert_eq!(kind_at(&d, &at).as_deref(), Some("request"), "{name}");
        }
    }

    #[test]
    fn the_own_shape_wins_over_siblings_and_refs_are_followed() {
        let mut d = doc(json!({
            "Export": {"type": "object", "properties": {
                "s_query": {"$ref": "#/components/schemas/Q"},
                "sort": {"type": "array", "items": {"type": "object"}}}},
            "Q": {"type": "object", "properties": {"query": {"type": "object"}}},
            "Bare": {"type": "object", "properties": {
                "s_query": {"type": "object", "properties": {"type": {"type": "string"}}}}}}));
        apply(&mut d);
        let p = "/components/schemas";
        assert_eq!(
            kind_at(&d, &format!("{p}/Export/properties/s_query")).as_deref(),
            Some("request")
        );
        // A whole search beside `sort`: the sibling is not a query's sort, left alone.
        assert_eq!(
            kind_at(&d, &format!("{p}/Export/properties/sort/items")),
            None
        );
        assert_eq!(
            kind_at(&d, &format!("{p}/Bare/properties/s_query")).as_deref(),
            Some("query")
        );
    }

    #[test]
    fn text_s_queries_and_parameters_are_left_alone() {
        let mut d = json!({"openapi": "3.0.3", "paths": {"/t/": {"get": {
            "parameters": [{"name": "s_query", "in": "query", "schema": {"type": "string"}}],
            "responses": {}}}},
            "components": {"schemas": {"T": {"type": "object", "properties": {
                "s_query": {"type": "string"}}}}}});
        let before = d.clone();
        assert!(apply(&mut d).0.is_empty());
        assert_eq!(d, before);
    }

    #[test]
    fn the_conversion_schema_is_what_progenitor_makes_of_a_marker() {
        // The schema a marker becomes through openapiv3 and progenitor's conversion, compared
        // with the one registered (a mismatch would silently leave the map untyped).
        let marked = marker(&json!({"description": "d"}), "query");
        let parsed: openapiv3::Schema = serde_json::from_value(marked).unwrap();
        assert_eq!(
            parsed.schema_data.extensions.get(EXTENSION),
            Some(&json!("query"))
        );
        assert!(matches!(
            parsed.schema_kind,
            openapiv3::SchemaKind::Type(openapiv3::Type::Object(ref o))
                if o.properties.is_empty() && o.additional_properties.is_none()
        ));
        assert_eq!(
            schema_of("query").extensions.get(EXTENSION),
            Some(&json!("query"))
        );
    }
}
