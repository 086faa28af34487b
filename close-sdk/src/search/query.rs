//! `Query`: the query language of Close's Advanced Filtering API (and of the `s_query` of smart
//! views, exports and bulk actions).

use std::ops::Not;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use super::condition::{Condition, TextMode};
use super::field::{Field, ObjectType};
use super::wire::{exactly, type_of};

/// A query of Close's Advanced Filtering language.
///
/// Every query has a `type`; every query can be negated (`"negate": true`, here [`Query::not`]
/// or `!query`). The kinds on Close's page are `and`, `or`, `object_type`, `id`, `text`,
/// `field_condition` and `has_related`; `saved_search` (a smart view) and `match_all` are the
/// kinds smart views and public code use. A query of any other kind (or a known kind with a
/// member the SDK does not know) is kept as [`Query::Raw`], so reading a stored query and
/// writing it back never changes it.
///
/// ```
/// use close_sdk::search::{Condition, Field, ObjectType, Query, TextMode};
///
/// // Close's own example: contacts whose title contains the word "CEO".
/// let ceos = Query::and([
///     Query::object_type(ObjectType::CONTACT),
///     Query::field(Field::contact("title"), Condition::text(TextMode::FullWords, "CEO")),
/// ]);
/// let json = serde_json::to_value(&ceos).unwrap();
/// assert_eq!(json["queries"][1]["condition"]["value"], "CEO");
/// let back: Query = serde_json::from_value(json).unwrap();
/// assert_eq!(back, ceos);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Query {
    /// `{"type": "and", "queries": […]}`: all of them.
    And(Compound),
    /// `{"type": "or", "queries": […]}`: any of them.
    Or(Compound),
    /// `{"type": "object_type", "object_type": …}`: objects of this type.
    ObjectType(ObjectTypeQuery),
    /// `{"type": "id", "value": …}`: the object with this id.
    Id(IdQuery),
    /// `{"type": "text", "value": …, "mode": …}`: text anywhere in the object's text fields.
    Text(TextQuery),
    /// `{"type": "field_condition", "field": …, "condition": …}`.
    FieldCondition(FieldCondition),
    /// `{"type": "has_related", "this_object_type": …, "related_object_type": …,
    /// "related_query": …}`: objects with a related object that matches.
    HasRelated(HasRelated),
    /// `{"type": "saved_search", "saved_search_id": …}`: the objects of a smart view.
    SavedSearch(SavedSearch),
    /// `{"type": "match_all"}`: everything.
    MatchAll(MatchAll),
    /// A query of a kind the SDK does not know, as Close (or you) wrote it.
    Raw(Value),
}

/// The queries of an `and` or `or`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Compound {
    /// The queries combined.
    pub queries: Vec<Query>,
    /// `negate`, when written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub negate: Option<bool>,
}

/// An `object_type` query.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ObjectTypeQuery {
    /// The type asked for.
    pub object_type: ObjectType,
    /// `negate`, when written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub negate: Option<bool>,
}

/// An `id` query.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct IdQuery {
    /// The id.
    pub value: String,
    /// `negate`, when written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub negate: Option<bool>,
}

/// A `text` query (text in any of the object's text-like fields).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TextQuery {
    /// The text.
    pub value: String,
    /// How the words match.
    pub mode: TextMode,
    /// `negate`, when written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub negate: Option<bool>,
}

/// A `field_condition` query.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FieldCondition {
    /// The field.
    pub field: Field,
    /// What it must satisfy.
    pub condition: Condition,
    /// `negate`, when written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub negate: Option<bool>,
}

/// A `has_related` query.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct HasRelated {
    /// The type of the objects returned (e.g. `lead`).
    pub this_object_type: ObjectType,
    /// The type of the related objects (e.g. `opportunity`, `contact_email`).
    pub related_object_type: ObjectType,
    /// What a related object must match.
    pub related_query: Box<Query>,
    /// `negate`, when written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub negate: Option<bool>,
}

/// A `saved_search` query: the objects of a smart view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SavedSearch {
    /// The smart view's id (`save_…`).
    pub saved_search_id: String,
    /// `negate`, when written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub negate: Option<bool>,
}

/// A `match_all` query.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MatchAll {
    /// `negate`, when written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub negate: Option<bool>,
}

impl Query {
    /// All of `queries` (`and`). An empty list is refused when sent.
    pub fn and(queries: impl IntoIterator<Item = Query>) -> Self {
        Query::And(Compound {
            queries: queries.into_iter().collect(),
            negate: None,
        })
    }

    /// Any of `queries` (`or`). An empty list is refused when sent.
    pub fn or(queries: impl IntoIterator<Item = Query>) -> Self {
        Query::Or(Compound {
            queries: queries.into_iter().collect(),
            negate: None,
        })
    }

    /// Objects of `object_type`.
    pub fn object_type(object_type: ObjectType) -> Self {
        Query::ObjectType(ObjectTypeQuery {
            object_type,
            negate: None,
        })
    }

    /// The object with this id.
    pub fn id(id: impl Into<String>) -> Self {
        Query::Id(IdQuery {
            value: id.into(),
            negate: None,
        })
    }

    /// Objects whose text-like fields contain `value`.
    pub fn text(value: impl Into<String>, mode: TextMode) -> Self {
        Query::Text(TextQuery {
            value: value.into(),
            mode,
            negate: None,
        })
    }

    /// Objects whose `field` satisfies `condition`.
    pub fn field(field: Field, condition: Condition) -> Self {
        Query::FieldCondition(FieldCondition {
            field,
            condition,
            negate: None,
        })
    }

    /// Objects of `this` with a related object of `related` that matches `query`.
    ///
    /// ```
    /// use close_sdk::search::{Condition, Field, ObjectType, Query};
    /// let with_big_deal = Query::has_related(
    ///     ObjectType::LEAD,
    ///     ObjectType::OPPORTUNITY,
    ///     Query::field(Field::opportunity("value"), Condition::greater_than(100_000)),
    /// );
    /// ```
    pub fn has_related(this: ObjectType, related: ObjectType, query: Query) -> Self {
        Query::HasRelated(HasRelated {
            this_object_type: this,
            related_object_type: related,
            related_query: Box::new(query),
            negate: None,
        })
    }

    /// The objects of a smart view (`save_…`).
    pub fn saved_search(id: impl Into<String>) -> Self {
        Query::SavedSearch(SavedSearch {
            saved_search_id: id.into(),
            negate: None,
        })
    }

    /// Everything.
    pub fn match_all() -> Self {
        Query::MatchAll(MatchAll::default())
    }

    /// A query written as JSON, sent as it is: for a kind the SDK does not know. It must be an
    /// object with a text `type` when sent.
    pub fn raw(json: Value) -> Self {
        match exactly::<Query>(&json) {
            Some(q) => q,
            None => Query::Raw(json),
        }
    }

    /// The query with `"negate"` written as `negate` (Close's app writes `"negate": false` on
    /// every query; `!query` toggles instead).
    pub fn with_negate(mut self, negate: bool) -> Self {
        match self.negate_slot_mut() {
            Some(slot) => *slot = Some(negate),
            None => {
                if let Query::Raw(Value::Object(map)) = &mut self {
                    map.insert("negate".into(), Value::Bool(negate));
                }
            }
        }
        self
    }

    /// Whether the query is negated (`"negate": true`).
    pub fn is_negated(&self) -> bool {
        match self {
            Query::Raw(v) => v.get("negate").and_then(Value::as_bool) == Some(true),
            other => other.negate_slot().is_some_and(|n| *n == Some(true)),
        }
    }

    /// The query's `negate` member.
    fn negate_slot(&self) -> Option<&Option<bool>> {
        Some(match self {
            Query::And(c) | Query::Or(c) => &c.negate,
            Query::ObjectType(q) => &q.negate,
            Query::Id(q) => &q.negate,
            Query::Text(q) => &q.negate,
            Query::FieldCondition(q) => &q.negate,
            Query::HasRelated(q) => &q.negate,
            Query::SavedSearch(q) => &q.negate,
            Query::MatchAll(q) => &q.negate,
            Query::Raw(_) => return None,
        })
    }

    fn negate_slot_mut(&mut self) -> Option<&mut Option<bool>> {
        Some(match self {
            Query::And(c) | Query::Or(c) => &mut c.negate,
            Query::ObjectType(q) => &mut q.negate,
            Query::Id(q) => &mut q.negate,
            Query::Text(q) => &mut q.negate,
            Query::FieldCondition(q) => &mut q.negate,
            Query::HasRelated(q) => &mut q.negate,
            Query::SavedSearch(q) => &mut q.negate,
            Query::MatchAll(q) => &mut q.negate,
            Query::Raw(_) => return None,
        })
    }

    /// Why this query cannot be sent, if it cannot: an empty `and`/`or`, an empty id or name, a
    /// condition without values or bounds, a raw part that is not a query object. Checked by
    /// every search before anything is sent.
    ///
    /// ```
    /// use close_sdk::search::Query;
    /// assert!(Query::and([]).validate().is_err());
    /// assert!(Query::match_all().validate().is_ok());
    /// ```
    pub fn validate(&self) -> Result<(), String> {
        match self.problem(0) {
            Some(why) => Err(why),
            None => Ok(()),
        }
    }

    /// The deepest nesting checked; deeper queries are refused (nothing Close documents needs
    /// more than a few levels, and the check is recursive).
    const MAX_DEPTH: usize = 64;

    fn problem(&self, depth: usize) -> Option<String> {
        if depth > Self::MAX_DEPTH {
            return Some(format!(
                "the query nests deeper than {} levels",
                Self::MAX_DEPTH
            ));
        }
        match self {
            Query::And(c) | Query::Or(c) => {
                let kind = if matches!(self, Query::And(_)) {
                    "and"
                } else {
                    "or"
                };
                if c.queries.is_empty() {
                    return Some(format!(
                        "an `{kind}` query has no queries (Close does not say what an empty \
                         `{kind}` matches)"
                    ));
                }
                c.queries.iter().find_map(|q| q.problem(depth + 1))
            }
            Query::ObjectType(q) => q
                .object_type
                .as_str()
                .trim()
                .is_empty()
                .then(|| "an `object_type` query names no object type".into()),
            Query::Id(q) => q
                .value
                .trim()
                .is_empty()
                .then(|| "an `id` query has an empty id".into()),
            Query::Text(q) => q
                .value
                .trim()
                .is_empty()
                .then(|| "a `text` query has no text".into()),
            Query::FieldCondition(q) => q.field.problem().or_else(|| q.condition.problem()),
            Query::HasRelated(q) => {
                if q.this_object_type.as_str().trim().is_empty()
                    || q.related_object_type.as_str().trim().is_empty()
                {
                    Some("a `has_related` query has an empty object type".into())
                } else {
                    q.related_query.problem(depth + 1)
                }
            }
            Query::SavedSearch(q) => q
                .saved_search_id
                .trim()
                .is_empty()
                .then(|| "a `saved_search` query has an empty id".into()),
            Query::MatchAll(_) => None,
            Query::Raw(v) => type_of(v)
                .is_none()
                .then(|| format!("a raw query is not an object with a text `type`: {v}")),
        }
    }

    /// The object type this query's top level asks for, if it says: an `object_type` query, or
    /// one among an un-negated `and`'s direct parts.
    pub(crate) fn asked_object_type(&self) -> Option<&ObjectType> {
        match self {
            Query::ObjectType(q) if !self.is_negated() => Some(&q.object_type),
            Query::And(c) if !self.is_negated() => c.queries.iter().find_map(|q| match q {
                Query::ObjectType(o) if !q.is_negated() => Some(&o.object_type),
                _ => None,
            }),
            _ => None,
        }
    }

    /// This query restricted to `object_type`, the way the search builders send it:
    ///
    /// - a query that already asks for `object_type` (see [`Query::asked_object_type`]) or
    ///   is a `saved_search` (a smart view has its own type) is sent as it is;
    /// - a query that asks for another type is refused;
    /// - an un-negated `and` gets `{"type": "object_type", …}` as its first part;
    /// - anything else becomes `{"type": "and", "queries": [object_type, query]}`.
    pub(crate) fn restricted_to(self, object_type: &ObjectType) -> Result<Query, String> {
        self.restrict(object_type)
    }

    /// This query as a search for `object_type` sends it (see `restricted_to` above): what to put
    /// in an export's, a bulk action's or a smart view's `s_query`, which are sent as given, so
    /// that they select what `client.search().leads(query)` selected.
    ///
    /// ```
    /// use close_sdk::search::{ObjectType, Query};
    ///
    /// let since: close_sdk::Timestamp = "2026-11-01T00:00:00Z".parse().unwrap();
    /// let query = Query::updated_since(ObjectType::LEAD, &since);
    /// // e.g. `CreateLeadExport { s_query: Some(s_query), .. }`
    /// let s_query = query.for_objects(ObjectType::LEAD)?;
    /// let sent = serde_json::to_value(&s_query).unwrap();
    /// assert_eq!(sent["queries"][0]["object_type"], "lead");
    /// # Ok::<(), close_sdk::Error>(())
    /// ```
    ///
    /// Fails ([`Error::InvalidRequest`](crate::Error::InvalidRequest)) for a query that asks
    /// for objects of another type.
    pub fn for_objects(self, object_type: ObjectType) -> Result<Query, crate::Error> {
        self.restrict(&object_type)
            .map_err(crate::Error::InvalidRequest)
    }

    fn restrict(self, object_type: &ObjectType) -> Result<Query, String> {
        if let Some(asked) = self.asked_object_type() {
            return if asked == object_type {
                Ok(self)
            } else {
                Err(format!(
                    "the query asks for `{asked}` objects but the search is for `{object_type}`"
                ))
            };
        }
        let clause = Query::object_type(object_type.clone());
        match self {
            Query::SavedSearch(_) => Ok(self),
            Query::And(mut c) if c.negate != Some(true) => {
                c.queries.insert(0, clause);
                Ok(Query::And(c))
            }
            other => Ok(Query::and([clause, other])),
        }
    }
}

/// `!query`: the query negated (`"negate": true`; a negated query becomes un-negated).
impl Not for Query {
    type Output = Query;

    fn not(self) -> Query {
        let negated = !self.is_negated();
        self.with_negate(negated)
    }
}

/// The typed kinds of [`Query`] as JSON (borrowed, for writing).
#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum QueryRef<'a> {
    And(&'a Compound),
    Or(&'a Compound),
    ObjectType(&'a ObjectTypeQuery),
    Id(&'a IdQuery),
    Text(&'a TextQuery),
    FieldCondition(&'a FieldCondition),
    HasRelated(&'a HasRelated),
    SavedSearch(&'a SavedSearch),
    MatchAll(&'a MatchAll),
}

/// The typed kinds of [`Query`] as JSON (owned, for reading).
#[derive(Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum QueryWire {
    And(Compound),
    Or(Compound),
    ObjectType(ObjectTypeQuery),
    Id(IdQuery),
    Text(TextQuery),
    FieldCondition(FieldCondition),
    HasRelated(HasRelated),
    SavedSearch(SavedSearch),
    MatchAll(MatchAll),
}

impl Serialize for Query {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let wire = match self {
            Query::And(c) => QueryRef::And(c),
            Query::Or(c) => QueryRef::Or(c),
            Query::ObjectType(q) => QueryRef::ObjectType(q),
            Query::Id(q) => QueryRef::Id(q),
            Query::Text(q) => QueryRef::Text(q),
            Query::FieldCondition(q) => QueryRef::FieldCondition(q),
            Query::HasRelated(q) => QueryRef::HasRelated(q),
            Query::SavedSearch(q) => QueryRef::SavedSearch(q),
            Query::MatchAll(q) => QueryRef::MatchAll(q),
            Query::Raw(v) => return v.serialize(s),
        };
        wire.serialize(s)
    }
}

/// Reads any JSON value: a kind the SDK knows, written exactly as it would write it, becomes its
/// variant; anything else (another kind, a known kind with a member the SDK does not know, even
/// a value that is not an object with a text `type`) becomes [`Query::Raw`] and is written back
/// unchanged. Reading never fails on a query Close stored (a smart view saved in Close's app, a
/// bulk action's `s_query`); sending a `Raw` that is not an object with a text `type` through
/// [`Client::search`](crate::Client::search) is refused by [`Query::validate`].
impl<'de> Deserialize<'de> for Query {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        if type_of(&v).is_none() {
            return Ok(Query::Raw(v));
        }
        Ok(match exactly::<QueryWire>(&v) {
            Some(QueryWire::And(c)) => Query::And(c),
            Some(QueryWire::Or(c)) => Query::Or(c),
            Some(QueryWire::ObjectType(q)) => Query::ObjectType(q),
            Some(QueryWire::Id(q)) => Query::Id(q),
            Some(QueryWire::Text(q)) => Query::Text(q),
            Some(QueryWire::FieldCondition(q)) => Query::FieldCondition(q),
            Some(QueryWire::HasRelated(q)) => Query::HasRelated(q),
            Some(QueryWire::SavedSearch(q)) => Query::SavedSearch(q),
            Some(QueryWire::MatchAll(q)) => Query::MatchAll(q),
            None => Query::Raw(v),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unknown_kinds_round_trip_as_raw() {
        let v = json!({"type": "in_status", "status_ids": ["stat_x"], "negate": false});
        let q: Query = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(q, Query::Raw(v.clone()));
        assert_eq!(serde_json::to_value(&q).unwrap(), v);
        // Nested inside a known kind, only the unknown part is raw.
        let and =
            json!({"type": "and", "negate": false, "queries": [v.clone(), {"type": "match_all"}]});
        let q: Query = serde_json::from_value(and.clone()).unwrap();
        match &q {
            Query::And(c) => {
                assert_eq!(c.queries[0], Query::Raw(v));
                assert_eq!(c.queries[1], Query::match_all());
                assert_eq!(c.negate, Some(false));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(serde_json::to_value(&q).unwrap(), and);
    }

    #[test]
    fn non_queries_read_as_raw_and_are_refused_when_sent() {
        for v in [
            json!("and"),
            json!({"queries": []}),
            json!(null),
            json!([1]),
        ] {
            let q: Query = serde_json::from_value(v.clone()).unwrap();
            assert_eq!(q, Query::Raw(v.clone()));
            assert_eq!(serde_json::to_value(&q).unwrap(), v);
            assert!(q.validate().is_err(), "{v}");
        }
    }

    #[test]
    fn negation_toggles_and_is_written() {
        let q = !Query::match_all();
        assert!(q.is_negated());
        assert_eq!(
            serde_json::to_value(&q).unwrap(),
            json!({"type": "match_all", "negate": true})
        );
        assert!(!(!q).is_negated());
        let raw = !Query::raw(json!({"type": "future_kind"}));
        assert_eq!(
            serde_json::to_value(&raw).unwrap(),
            json!({"type": "future_kind", "negate": true})
        );
    }

    #[test]
    fn raw_json_of_a_known_kind_is_typed() {
        assert_eq!(
            Query::raw(json!({"type": "saved_search", "saved_search_id": "save_x"})),
            Query::saved_search("save_x")
        );
    }

    #[test]
    fn restriction_adds_the_object_type_once() {
        let lead = ObjectType::LEAD;
        let clause = Query::object_type(lead.clone());
        let cond = Query::id("lead_x");
        assert_eq!(
            cond.clone().restricted_to(&lead).unwrap(),
            Query::and([clause.clone(), cond.clone()])
        );
        let and = Query::and([cond.clone()]);
        assert_eq!(
            and.restricted_to(&lead).unwrap(),
            Query::and([clause.clone(), cond.clone()])
        );
        let already = Query::and([cond.clone(), clause.clone()]);
        assert_eq!(already.clone().restricted_to(&lead).unwrap(), already);
        let negated = !Query::and([cond.clone()]);
        assert_eq!(
            negated.clone().restricted_to(&lead).unwrap(),
            Query::and([clause.clone(), negated])
        );
        let view = Query::saved_search("save_x");
        assert_eq!(view.clone().restricted_to(&lead).unwrap(), view);
        let contacts = Query::and([Query::object_type(ObjectType::CONTACT), cond]);
        assert!(contacts.restricted_to(&lead).is_err());
    }

    #[test]
    fn validation_walks_the_tree() {
        let deep_empty = Query::and([Query::or([Query::has_related(
            ObjectType::LEAD,
            ObjectType::OPPORTUNITY,
            Query::or([]),
        )])]);
        let why = deep_empty.validate().unwrap_err();
        assert!(why.contains("`or` query has no queries"), "{why}");
        let mut deep = Query::match_all();
        for _ in 0..100 {
            deep = Query::and([deep]);
        }
        assert!(deep.validate().unwrap_err().contains("nests deeper"));
    }
}
