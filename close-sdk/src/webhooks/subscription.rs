//! Webhook subscriptions (`/webhook/`): what to send where, and the event filters Close documents.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use crate::events::{Action, ObjectType};
use crate::Error;

/// One event a subscription wants: an object type, an action and, optionally, a filter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubscriptionEvent {
    /// The object type (values as in the event log).
    pub object_type: ObjectType,
    /// The action.
    pub action: Action,
    /// Deliver only events this filter matches ("Webhook Filters").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra_filter: Option<WebhookFilter>,
}

impl SubscriptionEvent {
    /// `object_type` + `action`, no filter.
    pub fn new(object_type: impl Into<ObjectType>, action: impl Into<Action>) -> Self {
        SubscriptionEvent {
            object_type: object_type.into(),
            action: action.into(),
            extra_filter: None,
        }
    }

    /// Adds a filter.
    pub fn filter(mut self, filter: WebhookFilter) -> Self {
        self.extra_filter = Some(filter);
        self
    }
}

/// A subscription's status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubscriptionStatus {
    /// Deliveries are sent.
    Active,
    /// Deliveries are held (by you, or by Close after 3 days of failures or 100,000 backlogged
    /// events).
    Paused,
    /// A status the SDK does not know.
    #[serde(untagged)]
    Other(String),
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for SubscriptionEvent {
    fn schema_name() -> String {
        "SubscriptionEvent".into()
    }

    fn json_schema(_: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
        schemars::schema::SchemaObject {
            instance_type: Some(schemars::schema::InstanceType::Object.into()),
            ..Default::default()
        }
        .into()
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for SubscriptionStatus {
    fn schema_name() -> String {
        "SubscriptionStatus".into()
    }

    fn json_schema(_: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
        schemars::schema::SchemaObject {
            instance_type: Some(schemars::schema::InstanceType::String.into()),
            ..Default::default()
        }
        .into()
    }
}

/// A new subscription (`POST /webhook/`).
///
/// ```
/// use close_sdk::webhooks::{Action, NewSubscription, ObjectType, SubscriptionEvent, WebhookFilter};
///
/// let new = NewSubscription::new("https://example.com/close")
///     .event(SubscriptionEvent::new(ObjectType::Lead, Action::Created))
///     .event(
///         SubscriptionEvent::new(ObjectType::Opportunity, Action::Updated).filter(
///             WebhookFilter::field("changed_fields", WebhookFilter::contains("status_id")),
///         ),
///     );
/// assert!(new.validate().is_ok());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewSubscription {
    /// Where to POST.
    pub url: String,
    /// What to send.
    pub events: Vec<SubscriptionEvent>,
    /// Whether Close checks the URL's certificate (Close's default: yes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verify_ssl: Option<bool>,
}

impl NewSubscription {
    /// A subscription to `url` with no events yet.
    pub fn new(url: impl Into<String>) -> Self {
        NewSubscription {
            url: url.into(),
            events: Vec::new(),
            verify_ssl: None,
        }
    }

    /// Adds an event.
    pub fn event(mut self, event: SubscriptionEvent) -> Self {
        self.events.push(event);
        self
    }

    /// Sets `verify_ssl`.
    pub fn verify_ssl(mut self, verify: bool) -> Self {
        self.verify_ssl = Some(verify);
        self
    }

    /// Refuses what Close would: a URL that is not absolute `http(s)`, or no events.
    pub fn validate(&self) -> Result<(), Error> {
        check_url(&self.url)?;
        check_events(&self.events)
    }
}

/// Changes to a subscription (`PUT /webhook/{id}/`); only the fields set are sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SubscriptionUpdate {
    /// A new URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// A new list of events (replaces the old one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub events: Option<Vec<SubscriptionEvent>>,
    /// Pause (`Paused`) or resume (`Active`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<SubscriptionStatus>,
    /// Whether Close checks the URL's certificate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verify_ssl: Option<bool>,
}

impl SubscriptionUpdate {
    /// Refuses a bad URL, an empty event list or a status other than active/paused.
    pub fn validate(&self) -> Result<(), Error> {
        if let Some(url) = &self.url {
            check_url(url)?;
        }
        if let Some(events) = &self.events {
            check_events(events)?;
        }
        if let Some(SubscriptionStatus::Other(s)) = &self.status {
            return Err(Error::InvalidRequest(format!(
                "subscription status {s:?} is not `active` or `paused`"
            )));
        }
        Ok(())
    }
}

fn check_url(url: &str) -> Result<(), Error> {
    match reqwest::Url::parse(url) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.has_host() => Ok(()),
        _ => Err(Error::InvalidRequest(format!(
            "webhook url {url:?} is not an absolute http(s) URL"
        ))),
    }
}

fn check_events(events: &[SubscriptionEvent]) -> Result<(), Error> {
    if events.is_empty() {
        return Err(Error::InvalidRequest(
            "a webhook subscription needs at least one event".into(),
        ));
    }
    for e in events {
        if e.object_type.as_str().is_empty() || e.action.as_str().is_empty() {
            return Err(Error::InvalidRequest(
                "a subscription event needs an object type and an action".into(),
            ));
        }
    }
    Ok(())
}

/// A filter on an event's fields, from Close's "Webhook Filters" page. A delivery is sent only
/// when the event matches both the subscription event's `object_type`/`action` and this.
///
/// Filters Close adds later decode as [`WebhookFilter::Other`] and are sent back unchanged.
///
/// ```
/// use close_sdk::webhooks::WebhookFilter as F;
///
/// // Leads whose name contains "travel":
/// let f = F::field("data", F::field("name", F::contains("travel")));
/// assert_eq!(
///     serde_json::to_value(&f).unwrap(),
///     serde_json::json!({"type": "field_accessor", "field": "data", "filter":
///         {"type": "field_accessor", "field": "name", "filter": {"type": "contains", "value": "travel"}}})
/// );
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum WebhookFilter {
    /// The whole value equals `value`.
    Equals(Value),
    /// The value does not equal `value`.
    NotEquals(Value),
    /// The value is `null`.
    IsNull,
    /// The value is not `null`.
    NonNull,
    /// An array contains `value`, or a string contains it.
    Contains(Value),
    /// Every filter matches.
    And(Vec<WebhookFilter>),
    /// At least one filter matches.
    Or(Vec<WebhookFilter>),
    /// The filter does not match.
    Not(Box<WebhookFilter>),
    /// Applies the filter to the field `field` of the value.
    FieldAccessor {
        /// The field name (e.g. `data`, `changed_fields`, `custom.cf_…`).
        field: String,
        /// The filter for that field's value.
        filter: Box<WebhookFilter>,
    },
    /// Matches when the filter matches any element of an array.
    AnyArrayValue(Box<WebhookFilter>),
    /// A filter type the SDK does not know, kept as JSON.
    Other(Value),
}

impl WebhookFilter {
    /// `{"type": "equals", "value": …}`
    pub fn equals(value: impl Into<Value>) -> Self {
        WebhookFilter::Equals(value.into())
    }
    /// `{"type": "not_equals", "value": …}`
    pub fn not_equals(value: impl Into<Value>) -> Self {
        WebhookFilter::NotEquals(value.into())
    }
    /// `{"type": "contains", "value": …}`
    pub fn contains(value: impl Into<Value>) -> Self {
        WebhookFilter::Contains(value.into())
    }
    /// `{"type": "is_null"}`
    pub fn is_null() -> Self {
        WebhookFilter::IsNull
    }
    /// `{"type": "non_null"}`
    pub fn non_null() -> Self {
        WebhookFilter::NonNull
    }
    /// `{"type": "and", "filters": […]}`
    pub fn and(filters: impl IntoIterator<Item = WebhookFilter>) -> Self {
        WebhookFilter::And(filters.into_iter().collect())
    }
    /// `{"type": "or", "filters": […]}`
    pub fn or(filters: impl IntoIterator<Item = WebhookFilter>) -> Self {
        WebhookFilter::Or(filters.into_iter().collect())
    }
    /// `{"type": "not", "filter": …}`
    #[allow(clippy::should_implement_trait)]
    pub fn not(filter: WebhookFilter) -> Self {
        WebhookFilter::Not(Box::new(filter))
    }
    /// `{"type": "field_accessor", "field": …, "filter": …}`
    pub fn field(field: impl Into<String>, filter: WebhookFilter) -> Self {
        WebhookFilter::FieldAccessor {
            field: field.into(),
            filter: Box::new(filter),
        }
    }
    /// `{"type": "any_array_value", "filter": …}`
    pub fn any_array_value(filter: WebhookFilter) -> Self {
        WebhookFilter::AnyArrayValue(Box::new(filter))
    }
}

/// The wire form of the known filters.
#[derive(Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Wire {
    Equals {
        value: Value,
    },
    NotEquals {
        value: Value,
    },
    IsNull {},
    NonNull {},
    Contains {
        value: Value,
    },
    And {
        filters: Vec<WebhookFilter>,
    },
    Or {
        filters: Vec<WebhookFilter>,
    },
    Not {
        filter: Box<WebhookFilter>,
    },
    FieldAccessor {
        field: String,
        filter: Box<WebhookFilter>,
    },
    AnyArrayValue {
        filter: Box<WebhookFilter>,
    },
}

const KNOWN: [&str; 10] = [
    "equals",
    "not_equals",
    "is_null",
    "non_null",
    "contains",
    "and",
    "or",
    "not",
    "field_accessor",
    "any_array_value",
];

impl Serialize for WebhookFilter {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let wire = match self.clone() {
            WebhookFilter::Equals(value) => Wire::Equals { value },
            WebhookFilter::NotEquals(value) => Wire::NotEquals { value },
            WebhookFilter::IsNull => Wire::IsNull {},
            WebhookFilter::NonNull => Wire::NonNull {},
            WebhookFilter::Contains(value) => Wire::Contains { value },
            WebhookFilter::And(filters) => Wire::And { filters },
            WebhookFilter::Or(filters) => Wire::Or { filters },
            WebhookFilter::Not(filter) => Wire::Not { filter },
            WebhookFilter::FieldAccessor { field, filter } => Wire::FieldAccessor { field, filter },
            WebhookFilter::AnyArrayValue(filter) => Wire::AnyArrayValue { filter },
            WebhookFilter::Other(v) => return v.serialize(s),
        };
        wire.serialize(s)
    }
}

impl<'de> Deserialize<'de> for WebhookFilter {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        let known = value
            .get("type")
            .and_then(Value::as_str)
            .is_some_and(|t| KNOWN.contains(&t));
        if !known {
            return Ok(WebhookFilter::Other(value));
        }
        let wire = Wire::deserialize(value).map_err(serde::de::Error::custom)?;
        Ok(match wire {
            Wire::Equals { value } => WebhookFilter::Equals(value),
            Wire::NotEquals { value } => WebhookFilter::NotEquals(value),
            Wire::IsNull {} => WebhookFilter::IsNull,
            Wire::NonNull {} => WebhookFilter::NonNull,
            Wire::Contains { value } => WebhookFilter::Contains(value),
            Wire::And { filters } => WebhookFilter::And(filters),
            Wire::Or { filters } => WebhookFilter::Or(filters),
            Wire::Not { filter } => WebhookFilter::Not(filter),
            Wire::FieldAccessor { field, filter } => WebhookFilter::FieldAccessor { field, filter },
            Wire::AnyArrayValue { filter } => WebhookFilter::AnyArrayValue(filter),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unknown_filter_types_are_kept_and_sent_back_unchanged() {
        let raw = json!({"type": "regex", "pattern": "^a", "flags": ["i"]});
        let f: WebhookFilter = serde_json::from_value(raw.clone()).unwrap();
        assert_eq!(f, WebhookFilter::Other(raw.clone()));
        assert_eq!(serde_json::to_value(&f).unwrap(), raw);
        let nested: WebhookFilter =
            serde_json::from_value(json!({"type": "not", "filter": raw.clone()})).unwrap();
        assert_eq!(nested, WebhookFilter::not(WebhookFilter::Other(raw)));
    }

    #[test]
    fn new_subscriptions_are_checked_before_sending() {
        let e = SubscriptionEvent::new(ObjectType::Lead, Action::Created);
        assert!(NewSubscription::new("https://x.example/h")
            .event(e.clone())
            .validate()
            .is_ok());
        for url in ["", "x.example/h", "ftp://x.example", "https://"] {
            assert!(
                NewSubscription::new(url)
                    .event(e.clone())
                    .validate()
                    .is_err(),
                "{url}"
            );
        }
        assert!(NewSubscription::new("https://x.example/h")
            .validate()
            .is_err());
        let bad = SubscriptionUpdate {
            status: Some(SubscriptionStatus::Other("deleted".into())),
            ..Default::default()
        };
        assert!(bad.validate().is_err());
        assert_eq!(
            serde_json::to_value(SubscriptionUpdate::default()).unwrap(),
            json!({})
        );
    }
}
