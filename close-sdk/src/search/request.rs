//! `SearchRequest`: the body of `POST /data/search/`, and the `s_query` of a smart view.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use super::field::{ObjectType, Sort};
use super::query::Query;
use super::wire::exactly;

/// The body of an Advanced Filtering request: the query and how to return its results.
///
/// | member | here | Close's page |
/// |---|---|---|
/// | `query` | [`query`](Self::query) | the query (required) |
/// | `_fields` | [`fields`](Self::fields) | fields to return, per object type |
/// | `_limit` | [`page_size`](Self::page_size) | results per page |
/// | `cursor` | [`cursor`](Self::cursor) | the previous page's cursor |
/// | `results_limit` | [`results_limit`](Self::results_limit) | results in total |
/// | `include_counts` | [`include_counts`](Self::include_counts) | add `count` to the answer |
/// | `sort` | [`sort`](Self::sort) | sort keys |
///
/// It reads any such body (a smart view's `s_query` is one: `query`, `results_limit`, `sort`)
/// and writes it back unchanged: members written as `null` stay `null`, members the SDK does
/// not know are kept ([`extra`](Self::extra)).
///
/// ```
/// use close_sdk::search::SearchRequest;
///
/// // A smart view's `s_query`, as Close's Smart Views example returns it.
/// let s_query = serde_json::json!({
///     "query": {"negate": false, "type": "match_all"},
///     "results_limit": null,
///     "sort": []
/// });
/// let request: SearchRequest = serde_json::from_value(s_query.clone()).unwrap();
/// assert_eq!(request.results_limit(), None);
/// assert_eq!(serde_json::to_value(&request).unwrap(), s_query);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchRequest {
    /// `None` only when read from a body without `query` (then nothing is written for it).
    #[serde(skip_serializing_if = "Option::is_none")]
    query: Option<Query>,
    #[serde(rename = "_fields", skip_serializing_if = "Option::is_none")]
    fields: Option<Option<BTreeMap<String, Vec<String>>>>,
    #[serde(rename = "_limit", skip_serializing_if = "Option::is_none")]
    page_size: Option<Option<u32>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cursor: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    results_limit: Option<Option<u32>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    include_counts: Option<Option<bool>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sort: Option<Option<Vec<Sort>>>,
    #[serde(flatten)]
    extra: Map<String, Value>,
}

/// What [`SearchRequest::query`] gives for a body read without a `query` member.
static NO_QUERY: Query = Query::Raw(Value::Null);

/// `value` as `T` if it reads as `T` and writes back exactly (see [`exactly`]).
fn member<T: DeserializeOwned + Serialize>(value: &Value) -> Option<T> {
    exactly(value)
}

/// Reads any JSON object, never failing on what it holds: `query` as a [`Query`] (which keeps
/// kinds it does not know as [`Query::Raw`]); each other member the SDK knows as its type when
/// it reads and writes back exactly, otherwise (a `_limit` written as text, a sort key of a
/// shape the SDK does not know, …) kept as it came among [`extra`](Self::extra); members the
/// SDK does not know kept too. So a smart view's stored `s_query` always decodes and is written
/// back as the same JSON. Only a value that is not an object is an error.
impl<'de> Deserialize<'de> for SearchRequest {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let map = Map::<String, Value>::deserialize(d)?;
        let mut r = SearchRequest::empty();
        for (key, value) in map {
            let kept = match key.as_str() {
                "query" => member(&value).map(|q| r.query = Some(q)),
                "_fields" => member(&value).map(|v| r.fields = Some(v)),
                "_limit" => member(&value).map(|v| r.page_size = Some(v)),
                "cursor" => member(&value).map(|v| r.cursor = Some(v)),
                "results_limit" => member(&value).map(|v| r.results_limit = Some(v)),
                "include_counts" => member(&value).map(|v| r.include_counts = Some(v)),
                "sort" => member(&value).map(|v| r.sort = Some(v)),
                _ => None,
            };
            if kept.is_none() {
                r.extra.insert(key, value);
            }
        }
        Ok(r)
    }
}

impl SearchRequest {
    /// A request for `query`, with nothing else set.
    pub fn new(query: Query) -> Self {
        SearchRequest {
            query: Some(query),
            ..SearchRequest::empty()
        }
    }

    fn empty() -> Self {
        SearchRequest {
            query: None,
            fields: None,
            page_size: None,
            cursor: None,
            results_limit: None,
            include_counts: None,
            sort: None,
            extra: Map::new(),
        }
    }

    /// The query (`Query::Raw(Value::Null)` for a body read without one, which
    /// [`validate`](Self::validate) refuses).
    pub fn query(&self) -> &Query {
        self.query.as_ref().unwrap_or(&NO_QUERY)
    }

    /// Replaces the query.
    pub fn set_query(&mut self, query: Query) {
        self.extra.remove("query");
        self.query = Some(query);
    }

    /// `_fields`: the fields to return, per object type.
    pub fn fields(&self) -> Option<&BTreeMap<String, Vec<String>>> {
        self.fields.as_ref().and_then(Option::as_ref)
    }

    /// Sets the fields to return for objects of `object_type`.
    pub fn set_fields(&mut self, object_type: &ObjectType, fields: Vec<String>) {
        self.extra.remove("_fields");
        self.fields
            .get_or_insert(None)
            .get_or_insert_with(BTreeMap::new)
            .insert(object_type.as_str().to_string(), fields);
    }

    /// `_limit`: results per page.
    pub fn page_size(&self) -> Option<u32> {
        self.page_size.flatten()
    }

    /// Sets `_limit`.
    pub fn set_page_size(&mut self, page_size: u32) {
        self.extra.remove("_limit");
        self.page_size = Some(Some(page_size));
    }

    /// `cursor`: where the page starts (the previous answer's `cursor`).
    pub fn cursor(&self) -> Option<&str> {
        self.cursor.as_ref().and_then(|c| c.as_deref())
    }

    /// Sets (or, with `None`, removes) `cursor`.
    pub fn set_cursor(&mut self, cursor: Option<String>) {
        self.extra.remove("cursor");
        self.cursor = cursor.map(Some);
    }

    /// `results_limit`: results in total.
    pub fn results_limit(&self) -> Option<u32> {
        self.results_limit.flatten()
    }

    /// Sets `results_limit`: `Some(n)` for at most `n` results, `None` for no limit (written
    /// `"results_limit": null`, as Close writes it in smart views).
    pub fn set_results_limit(&mut self, limit: Option<u32>) {
        self.extra.remove("results_limit");
        self.results_limit = Some(limit);
    }

    /// `include_counts`.
    pub fn include_counts(&self) -> Option<bool> {
        self.include_counts.flatten()
    }

    /// Sets `include_counts`.
    pub fn set_include_counts(&mut self, include: bool) {
        self.extra.remove("include_counts");
        self.include_counts = Some(Some(include));
    }

    /// The sort keys (empty when there are none).
    pub fn sort(&self) -> &[Sort] {
        self.sort
            .as_ref()
            .and_then(Option::as_ref)
            .map_or(&[], Vec::as_slice)
    }

    /// Sets the sort keys (an empty list is written `"sort": []`, as Close writes it).
    pub fn set_sort(&mut self, sort: Vec<Sort>) {
        self.extra.remove("sort");
        self.sort = Some(Some(sort));
    }

    /// Adds a sort key after those already set.
    pub fn push_sort(&mut self, sort: Sort) {
        self.extra.remove("sort");
        self.sort
            .get_or_insert(None)
            .get_or_insert_with(Vec::new)
            .push(sort);
    }

    /// Members the SDK does not know, kept and sent as they came.
    pub fn extra(&self) -> &Map<String, Value> {
        &self.extra
    }

    /// Why this request cannot be sent, if it cannot: an invalid query
    /// ([`Query::validate`]), a zero `_limit` or `results_limit`, an empty or blank `_fields`
    /// list, a sort on an invalid field.
    pub fn validate(&self) -> Result<(), String> {
        self.query().validate()?;
        if self.page_size() == Some(0) {
            return Err("a page size (`_limit`) of 0 asks for nothing; use at least 1".into());
        }
        if self.results_limit() == Some(0) && self.include_counts() != Some(true) {
            return Err(
                "a `results_limit` of 0 returns nothing; to count, use `count()` (which sends \
                 `include_counts` with `results_limit` 0, as Close's page does)"
                    .into(),
            );
        }
        for (object_type, fields) in self.fields().into_iter().flatten() {
            if object_type.trim().is_empty() {
                return Err("`_fields` names an empty object type".into());
            }
            if fields.is_empty() {
                return Err(format!(
                    "`_fields` for `{object_type}` is empty (Close does not say what that \
                     returns); leave it out for Close's default"
                ));
            }
            if fields.iter().any(|f| f.trim().is_empty()) {
                return Err(format!("`_fields` for `{object_type}` has an empty name"));
            }
        }
        for sort in self.sort() {
            let (Some(field), Some(_)) = (&sort.field, &sort.direction) else {
                return Err("a sort key needs a `field` and a text `direction`".into());
            };
            if let Some(why) = field.problem() {
                return Err(format!("sort: {why}"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn bodies_round_trip_exactly() {
        for v in [
            json!({"query": {"type": "match_all"}}),
            json!({"query": {"type": "match_all"}, "cursor": null, "_limit": 10,
                   "include_counts": true, "sort": [], "limit": null}),
            json!({"query": {"type": "match_all"}, "_fields": {"lead": ["id"]},
                   "results_limit": 100,
                   "sort": [{"direction": "desc", "field": {"type": "regular_field",
                             "object_type": "lead", "field_name": "date_created"}}]}),
        ] {
            let r: SearchRequest = serde_json::from_value(v.clone()).unwrap();
            assert_eq!(serde_json::to_value(&r).unwrap(), v);
        }
    }

    #[test]
    fn shapes_the_sdk_does_not_model_are_kept_exactly_and_never_fail() {
        for v in [
            // No `query`, members of the wrong type, an unknown sort shape, unknown members.
            json!({}),
            json!({"query": "lead_status:active", "_limit": "10", "results_limit": -1,
                   "sort": [{"by": "name"}], "include_counts": "yes", "cursor": 7,
                   "_fields": ["id"], "future": {"x": 1}}),
            json!({"query": {"type": "future_kind", "x": [1, 2]}, "sort": null,
                   "results_limit": null}),
        ] {
            let r: SearchRequest = serde_json::from_value(v.clone()).unwrap();
            assert_eq!(serde_json::to_value(&r).unwrap(), v);
        }
        let r: SearchRequest = serde_json::from_value(json!({"_limit": "10"})).unwrap();
        assert_eq!(r.query(), &Query::Raw(Value::Null));
        assert!(r.validate().is_err(), "no query: not sendable");
        let mut r = r;
        r.set_page_size(5);
        r.set_query(Query::match_all());
        assert_eq!(
            serde_json::to_value(&r).unwrap(),
            json!({"query": {"type": "match_all"}, "_limit": 5}),
            "a setter replaces the member it kept raw (never written twice)"
        );
    }

    #[test]
    fn setters_write_closes_member_names() {
        let mut r = SearchRequest::new(Query::match_all());
        r.set_fields(&ObjectType::CONTACT, vec!["id".into(), "name".into()]);
        r.set_page_size(10);
        r.set_cursor(Some("abc".into()));
        r.set_results_limit(Some(100));
        assert_eq!(
            serde_json::to_value(&r).unwrap(),
            json!({"query": {"type": "match_all"}, "_fields": {"contact": ["id", "name"]},
                   "_limit": 10, "cursor": "abc", "results_limit": 100})
        );
        r.set_cursor(None);
        assert_eq!(r.cursor(), None);
    }

    #[test]
    fn validation_refuses_zero_limits_and_empty_fields() {
        let mut r = SearchRequest::new(Query::match_all());
        r.set_page_size(0);
        assert!(r.validate().unwrap_err().contains("`_limit`"));
        let mut r = SearchRequest::new(Query::match_all());
        r.set_results_limit(Some(0));
        assert!(r.validate().unwrap_err().contains("count()"));
        r.set_include_counts(true);
        assert!(r.validate().is_ok());
        let mut r = SearchRequest::new(Query::match_all());
        r.set_fields(&ObjectType::LEAD, vec![]);
        assert!(r.validate().is_err());
    }
}
