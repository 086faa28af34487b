//! Object types, fields and sort orders of Advanced Filtering queries.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use super::wire::{exactly, type_of, vocabulary};
use crate::custom_fields::CustomFieldId;

/// An object type as Close names it in queries: `lead` and `contact` (what a search returns,
/// per Close's page), and the related objects fields live on (`opportunity`, `contact_email`,
/// `contact_phone`, `contact_url`, `address`, `activity.email`, …). Any name is accepted; the
/// constants are the names Close's Advanced Filtering page uses.
///
/// ```
/// use close_sdk::search::ObjectType;
/// assert_eq!(ObjectType::LEAD.as_str(), "lead");
/// assert_eq!(ObjectType::new("activity.email").as_str(), "activity.email");
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectType(Cow<'static, str>);

impl ObjectType {
    /// Leads.
    pub const LEAD: ObjectType = ObjectType(Cow::Borrowed("lead"));
    /// Contacts.
    pub const CONTACT: ObjectType = ObjectType(Cow::Borrowed("contact"));
    /// Opportunities (a lead's related objects).
    pub const OPPORTUNITY: ObjectType = ObjectType(Cow::Borrowed("opportunity"));
    /// A contact's email addresses.
    pub const CONTACT_EMAIL: ObjectType = ObjectType(Cow::Borrowed("contact_email"));
    /// A contact's phone numbers.
    pub const CONTACT_PHONE: ObjectType = ObjectType(Cow::Borrowed("contact_phone"));
    /// A contact's URLs.
    pub const CONTACT_URL: ObjectType = ObjectType(Cow::Borrowed("contact_url"));
    /// A lead's addresses.
    pub const ADDRESS: ObjectType = ObjectType(Cow::Borrowed("address"));

    /// Any other object type, by Close's name.
    pub fn new(name: impl Into<String>) -> Self {
        ObjectType(Cow::Owned(name.into()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ObjectType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ObjectType({:?})", self.as_str())
    }
}

impl fmt::Display for ObjectType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<&str> for ObjectType {
    fn from(name: &str) -> Self {
        ObjectType::new(name)
    }
}

impl Serialize for ObjectType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ObjectType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(ObjectType::new)
    }
}

/// The field a condition or a sort applies to: a regular field of an object type, a custom
/// field by id, or (for a kind the SDK does not know) the JSON as Close wrote it.
///
/// ```
/// use close_sdk::search::{Field, ObjectType};
/// let title = Field::contact("title");
/// assert_eq!(
///     serde_json::to_value(&title).unwrap(),
///     serde_json::json!({"type": "regular_field", "object_type": "contact", "field_name": "title"})
/// );
/// assert_eq!(title, Field::regular(ObjectType::CONTACT, "title"));
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Field {
    /// `{"type": "regular_field", "object_type": …, "field_name": …}`.
    Regular {
        /// The object the field belongs to.
        object_type: ObjectType,
        /// The field's name (e.g. `title`, `status_id`, `date_updated`).
        field_name: String,
    },
    /// `{"type": "custom_field", "custom_field_id": …}`.
    Custom {
        /// The custom field's id (`cf_…`; kept as text, since a stored query may hold ids of
        /// another form).
        custom_field_id: String,
    },
    /// A field of a kind the SDK does not know, as Close wrote it.
    Raw(Value),
}

impl Field {
    /// A regular field of `object_type`.
    pub fn regular(object_type: ObjectType, field_name: impl Into<String>) -> Self {
        Field::Regular {
            object_type,
            field_name: field_name.into(),
        }
    }

    /// A regular field of leads.
    pub fn lead(field_name: impl Into<String>) -> Self {
        Field::regular(ObjectType::LEAD, field_name)
    }

    /// A regular field of contacts.
    pub fn contact(field_name: impl Into<String>) -> Self {
        Field::regular(ObjectType::CONTACT, field_name)
    }

    /// A regular field of opportunities.
    pub fn opportunity(field_name: impl Into<String>) -> Self {
        Field::regular(ObjectType::OPPORTUNITY, field_name)
    }

    /// A custom field, by id.
    pub fn custom(id: &CustomFieldId) -> Self {
        Field::Custom {
            custom_field_id: id.as_str().to_string(),
        }
    }

    /// A custom field by name (or id), resolved through `catalog` (the catalog's rules: trimmed,
    /// case-insensitive, an ambiguous name refused). An unknown or ambiguous name is an error
    /// that converts into [`crate::Error::InvalidRequest`] with `?`, so nothing is sent.
    ///
    /// ```no_run
    /// use close_sdk::custom_fields::{CustomFieldCatalog, CustomFieldObject};
    /// use close_sdk::search::{Condition, Field, Query};
    ///
    /// # async fn run(client: close_sdk::Client) -> Result<(), close_sdk::Error> {
    /// let catalog = CustomFieldCatalog::load(&client, CustomFieldObject::Lead).await?;
    /// let saas = Query::field(
    ///     Field::custom_named(&catalog, "Industry")?,
    ///     Condition::term(["Software as a service"]),
    /// );
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "custom-fields")]
    pub fn custom_named(
        catalog: &crate::custom_fields::CustomFieldCatalog,
        name: &str,
    ) -> Result<Self, crate::custom_fields::CustomFieldError> {
        Ok(Field::custom(&catalog.id_for(name)?))
    }

    /// Why this field cannot be sent, if it cannot.
    pub(crate) fn problem(&self) -> Option<String> {
        match self {
            Field::Regular {
                object_type,
                field_name,
            } => {
                if object_type.as_str().trim().is_empty() {
                    Some(format!("field `{field_name}` has an empty object type"))
                } else if field_name.trim().is_empty() {
                    Some(format!("a field of `{object_type}` has an empty name"))
                } else {
                    None
                }
            }
            Field::Custom { custom_field_id } => custom_field_id
                .trim()
                .is_empty()
                .then(|| "a custom field has an empty id".to_string()),
            Field::Raw(v) => type_of(v)
                .is_none()
                .then(|| format!("a raw field is not an object with a text `type`: {v}")),
        }
    }
}

/// The typed kinds of [`Field`] as JSON.
#[derive(Serialize, Deserialize)]
#[serde(tag = "type")]
enum FieldWire {
    #[serde(rename = "regular_field")]
    Regular {
        object_type: ObjectType,
        field_name: String,
    },
    #[serde(rename = "custom_field")]
    Custom { custom_field_id: String },
}

impl Serialize for Field {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Field::Regular {
                object_type,
                field_name,
            } => FieldWire::Regular {
                object_type: object_type.clone(),
                field_name: field_name.clone(),
            }
            .serialize(s),
            Field::Custom { custom_field_id } => FieldWire::Custom {
                custom_field_id: custom_field_id.clone(),
            }
            .serialize(s),
            Field::Raw(v) => v.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for Field {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        Ok(match exactly::<FieldWire>(&v) {
            Some(FieldWire::Regular {
                object_type,
                field_name,
            }) => Field::Regular {
                object_type,
                field_name,
            },
            Some(FieldWire::Custom { custom_field_id }) => Field::Custom { custom_field_id },
            None => Field::Raw(v),
        })
    }
}

vocabulary! {
    /// A sort direction.
    Direction {
        /// `asc`.
        Asc = "asc",
        /// `desc`.
        Desc = "desc",
    }
}

/// One sort key: `{"direction": "asc", "field": {…}}`. Close's page: only numbers, dates and
/// text fields that belong directly to an object can be sorted on. Members the SDK does not
/// know are kept (and sent back) as they came.
///
/// ```
/// use close_sdk::search::{Field, Sort};
/// let newest = Sort::desc(Field::lead("date_created"));
/// assert_eq!(serde_json::to_value(&newest).unwrap()["direction"], "desc");
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Sort {
    /// The direction (`None` only in a stored sort key without a text `direction`; such a
    /// member is kept among the unknown ones and written back as it came).
    pub direction: Option<Direction>,
    /// The field (`None` only in a stored sort key without `field`).
    pub field: Option<Field>,
    /// Members the SDK does not know (and a `direction` that is not text), kept as they came.
    extra: serde_json::Map<String, Value>,
}

/// Writes `direction` and `field` when set, then the kept members (a kept member of the same
/// name as a set one is not written: the typed value wins, so no key is written twice).
impl Serialize for Sort {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(None)?;
        if let Some(direction) = &self.direction {
            map.serialize_entry("direction", direction)?;
        }
        if let Some(field) = &self.field {
            map.serialize_entry("field", field)?;
        }
        for (k, v) in &self.extra {
            let typed = (k == "direction" && self.direction.is_some())
                || (k == "field" && self.field.is_some());
            if !typed {
                map.serialize_entry(k, v)?;
            }
        }
        map.end()
    }
}

/// Reads any JSON object: a text `direction` and any `field` (a field kind the SDK does not
/// know is [`Field::Raw`]) typed, everything else kept, so a stored sort key never fails to
/// read and is written back unchanged. Only a value that is not an object is an error.
impl<'de> Deserialize<'de> for Sort {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let map = serde_json::Map::<String, Value>::deserialize(d)?;
        let mut sort = Sort {
            direction: None,
            field: None,
            extra: serde_json::Map::new(),
        };
        for (key, value) in map {
            match (key.as_str(), &value) {
                ("direction", Value::String(text)) => {
                    sort.direction = Some(Direction::from(text.as_str()));
                }
                ("field", _) => sort.field = Some(Field::deserialize(value).map_err(de_error)?),
                _ => {
                    sort.extra.insert(key, value);
                }
            }
        }
        Ok(sort)
    }
}

fn de_error<E: serde::de::Error>(e: serde_json::Error) -> E {
    E::custom(e)
}

impl Sort {
    /// A sort key.
    pub fn new(field: Field, direction: Direction) -> Self {
        Sort {
            direction: Some(direction),
            field: Some(field),
            extra: serde_json::Map::new(),
        }
    }

    /// Ascending by `field`.
    pub fn asc(field: Field) -> Self {
        Sort::new(field, Direction::Asc)
    }

    /// Descending by `field`.
    pub fn desc(field: Field) -> Self {
        Sort::new(field, Direction::Desc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn stored_sort_keys_of_any_shape_read_and_write_back_unchanged() {
        for v in [
            json!({"direction": "desc", "field": {"type": "regular_field",
                   "object_type": "lead", "field_name": "date_created"}}),
            json!({"direction": null, "field": {"type": "smart_field", "name": "x"}}),
            json!({"direction": 1}),
            json!({"field": null, "nulls_last": true}),
            json!({}),
        ] {
            let sort: Sort = serde_json::from_value(v.clone()).unwrap();
            assert_eq!(serde_json::to_value(&sort).unwrap(), v);
        }
        let mut sort: Sort = serde_json::from_value(json!({"direction": null})).unwrap();
        assert_eq!(sort.direction, None);
        sort.direction = Some(Direction::Asc);
        assert_eq!(
            serde_json::to_value(&sort).unwrap(),
            json!({"direction": "asc"}),
            "the typed direction replaces the kept one, written once"
        );
        assert!(serde_json::from_value::<Sort>(json!("asc")).is_err());
    }
}
