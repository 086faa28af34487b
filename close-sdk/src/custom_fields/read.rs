//! The read view: `CustomFields` on the objects that carry custom field values.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::{CustomFieldId, CustomFieldValue};

/// The custom field values of one object, by field id (ordered by id).
///
/// Built from the object's `custom.cf_…` members. Members that are not custom fields, keys with
/// a suffix (`custom.cf_x.add`, which Close does not return) or an id that does not parse, and
/// `null` values (an unset field) are left out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CustomFieldMap(BTreeMap<CustomFieldId, CustomFieldValue>);

impl CustomFieldMap {
    /// Reads the `custom.cf_…` members of `members` (an object's flattened `extra`).
    #[inline]
    pub fn from_members(members: &Map<String, Value>) -> Self {
        CustomFieldMap(
            members
                .iter()
                .filter(|(_, v)| !v.is_null())
                .filter_map(|(k, v)| {
                    Some((CustomFieldId::from_key(k)?, CustomFieldValue::from_json(v)))
                })
                .collect(),
        )
    }

    /// The value of field `id`, if the object has one.
    #[inline]
    pub fn get(&self, id: &CustomFieldId) -> Option<&CustomFieldValue> {
        self.0.get(id)
    }

    /// The value of the field whose id is `id` (text); `None` for an unknown or invalid id.
    #[inline]
    pub fn get_str(&self, id: &str) -> Option<&CustomFieldValue> {
        self.0.get(&id.parse().ok()?)
    }

    /// The fields and their values, ordered by id.
    #[inline]
    pub fn iter(&self) -> impl Iterator<Item = (&CustomFieldId, &CustomFieldValue)> {
        self.0.iter()
    }

    /// How many fields have a value.
    #[inline]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether no field has a value.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl IntoIterator for CustomFieldMap {
    type Item = (CustomFieldId, CustomFieldValue);
    type IntoIter = std::collections::btree_map::IntoIter<CustomFieldId, CustomFieldValue>;

    #[inline]
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// An object that carries custom field values as `custom.cf_…` members: leads, contacts,
/// opportunities and custom activities, the objects Close's "Custom Fields" page lists
/// (<https://developer.close.com/api/resources/custom-fields.md>).
///
/// ```
/// use close_sdk::custom_fields::CustomFields;
/// # #[cfg(feature = "leads")]
/// # fn show(lead: &close_sdk::leads::Lead) {
/// for (id, value) in lead.custom_fields().iter() {
///     println!("{id} = {value:?}");
/// }
/// # }
/// ```
pub trait CustomFields {
    /// The object's members outside its typed fields, where the `custom.cf_…` members are.
    fn members(&self) -> &Map<String, Value>;

    /// The object's custom field values, by id.
    fn custom_fields(&self) -> CustomFieldMap {
        CustomFieldMap::from_members(self.members())
    }
}

impl CustomFields for Map<String, Value> {
    #[inline]
    fn members(&self) -> &Map<String, Value> {
        self
    }
}

/// `impl CustomFields` for generated types whose `extra` holds the `custom.cf_…` members.
macro_rules! custom_fields_in_extra {
    ($($(#[$cfg:meta])* $ty:ty),* $(,)?) => {$(
        $(#[$cfg])*
        impl CustomFields for $ty {
            #[inline]
            fn members(&self) -> &Map<String, Value> {
                &self.extra
            }
        }
    )*};
}

custom_fields_in_extra!(
    #[cfg(feature = "leads")]
    crate::types::Lead,
    #[cfg(feature = "leads")]
    crate::types::CreateLead,
    #[cfg(feature = "leads")]
    crate::types::UpdateLead,
    #[cfg(any(feature = "contacts", feature = "leads"))]
    crate::types::Contact,
    #[cfg(any(feature = "contacts", feature = "leads"))]
    crate::types::CreateContact,
    #[cfg(feature = "contacts")]
    crate::types::UpdateContact,
    #[cfg(any(feature = "leads", feature = "opportunities"))]
    crate::types::Opportunity,
    #[cfg(feature = "opportunities")]
    crate::types::CreateOpportunity,
    #[cfg(feature = "opportunities")]
    crate::types::UpdateOpportunity,
    #[cfg(feature = "activities")]
    crate::types::Activity,
    #[cfg(feature = "activities")]
    crate::types::CustomActivity,
    #[cfg(feature = "activities")]
    crate::types::CreateCustomActivity,
    #[cfg(feature = "activities")]
    crate::types::UpdateCustomActivity,
);

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_custom_members_with_values_are_read() {
        let members = json!({
            "custom.cf_ORxgoOQ5YH1p7lDQzFJ88b4z0j7PLLTRaG66m8bmcKv": "Website contact form",
            "custom.cf_nenE344jkwrjyRRezwsf8b4V1MCoXWIDHIStmFavZks": ["Choice 1", "Choice 2"],
            "custom.cf_empty": null,
            "custom.cf_x.add": "nope",
            "custom.not an id": 1,
            "custom": {"Industry": "IT"},
            "html_url": "https://app.close.com/lead/x/",
        });
        let Value::Object(members) = members else {
            unreachable!()
        };
        let map = members.custom_fields();
        assert_eq!(map.len(), 2);
        assert_eq!(
            map.get_str("cf_ORxgoOQ5YH1p7lDQzFJ88b4z0j7PLLTRaG66m8bmcKv")
                .and_then(CustomFieldValue::as_str),
            Some("Website contact form")
        );
        let multi = map
            .get_str("cf_nenE344jkwrjyRRezwsf8b4V1MCoXWIDHIStmFavZks")
            .unwrap();
        assert_eq!(multi.values().len(), 2);
        assert!(map.get_str("cf_empty").is_none());
    }
}
