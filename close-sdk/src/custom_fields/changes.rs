//! `CustomFieldChanges`: set, clear, add and remove custom field values in a create or update
//! body, with exactly Close's keys.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::{CustomFieldError, CustomFieldId, CustomFieldValue};

/// What one request does to one field.
#[derive(Debug, Clone, PartialEq)]
enum Change {
    /// `custom.cf_x: value`.
    Set(CustomFieldValue),
    /// `custom.cf_x: null`.
    Clear,
    /// `custom.cf_x.add: value` and/or `custom.cf_x.remove: value`.
    Edit {
        add: Option<CustomFieldValue>,
        remove: Option<CustomFieldValue>,
    },
}

/// Custom field changes for one create or update body.
///
/// The keys are Close's ("Create/Update a lead",
/// <https://developer.close.com/api/resources/leads.md>):
///
/// | call | key and value |
/// | --- | --- |
/// | [`set`](Self::set) | `"custom.cf_x": value` (a multi-value field's whole list is replaced) |
/// | [`clear`](Self::clear) | `"custom.cf_x": null` |
/// | [`add`](Self::add) | `"custom.cf_x.add": value` (one value, multi-value fields) |
/// | [`remove`](Self::remove) | `"custom.cf_x.remove": value` (one value, multi-value fields) |
///
/// One request changes a field one way: a second change to the same field is refused with
/// [`CustomFieldError::Conflict`] (set and clear, set and add, two different sets, two adds —
/// Close documents `.add`/`.remove` with a single value), except repeating an identical change
/// and an `add` with a `remove` of a different value.
///
/// ```
/// use close_sdk::custom_fields::{CustomFieldChanges, CustomFieldValue};
///
/// # fn main() -> Result<(), close_sdk::custom_fields::CustomFieldError> {
/// let mut changes = CustomFieldChanges::new();
/// changes
///     .set("cf_a".parse()?, "Website contact form")?
///     .add("cf_b".parse()?, CustomFieldValue::Choice("Wednesday".into()))?;
/// assert!(changes.clear("cf_a".parse()?).is_err()); // already set
///
/// let mut body = serde_json::Map::new(); // e.g. `UpdateLead.extra`
/// changes.apply_to(&mut body);
/// assert_eq!(
///     serde_json::Value::Object(body),
///     serde_json::json!({"custom.cf_a": "Website contact form", "custom.cf_b.add": "Wednesday"})
/// );
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CustomFieldChanges {
    changes: BTreeMap<CustomFieldId, Change>,
}

impl CustomFieldChanges {
    /// No changes.
    #[inline]
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets field `id` to `value` (`"custom.cf_x": value`). A JSON `null` value is a
    /// [`clear`](Self::clear).
    #[inline]
    pub fn set(
        &mut self,
        id: CustomFieldId,
        value: impl Into<CustomFieldValue>,
    ) -> Result<&mut Self, CustomFieldError> {
        let value = value.into();
        let change = if value.is_null() {
            Change::Clear
        } else {
            Change::Set(value)
        };
        self.put(id, change)
    }

    /// Clears field `id` (`"custom.cf_x": null`).
    #[inline]
    pub fn clear(&mut self, id: CustomFieldId) -> Result<&mut Self, CustomFieldError> {
        self.put(id, Change::Clear)
    }

    /// Adds one value to multi-value field `id` (`"custom.cf_x.add": value`).
    #[inline]
    pub fn add(
        &mut self,
        id: CustomFieldId,
        value: impl Into<CustomFieldValue>,
    ) -> Result<&mut Self, CustomFieldError> {
        self.edit(id, value.into(), true)
    }

    /// Removes one value from multi-value field `id` (`"custom.cf_x.remove": value`).
    #[inline]
    pub fn remove(
        &mut self,
        id: CustomFieldId,
        value: impl Into<CustomFieldValue>,
    ) -> Result<&mut Self, CustomFieldError> {
        self.edit(id, value.into(), false)
    }

    /// Whether there are no changes.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// Writes the changes into `body` (e.g. `UpdateLead.extra`, `CreateLead.extra`), replacing
    /// members with the same keys. Other members are left as they are.
    #[inline]
    pub fn apply_to(&self, body: &mut Map<String, Value>) {
        for (id, change) in &self.changes {
            let key = id.key();
            match change {
                Change::Set(v) => {
                    body.insert(key, v.to_json());
                }
                Change::Clear => {
                    body.insert(key, Value::Null);
                }
                Change::Edit { add, remove } => {
                    if let Some(v) = add {
                        body.insert(format!("{key}.add"), v.to_json());
                    }
                    if let Some(v) = remove {
                        body.insert(format!("{key}.remove"), v.to_json());
                    }
                }
            }
        }
    }

    /// The changes as body members.
    #[inline]
    pub fn into_map(self) -> Map<String, Value> {
        let mut body = Map::new();
        self.apply_to(&mut body);
        body
    }

    #[inline]
    fn put(&mut self, id: CustomFieldId, change: Change) -> Result<&mut Self, CustomFieldError> {
        match self.changes.get(&id) {
            None => {
                self.changes.insert(id, change);
                Ok(self)
            }
            Some(old) if *old == change => Ok(self),
            Some(old) => Err(conflict(&id, describe(old), describe(&change))),
        }
    }

    #[inline]
    fn edit(
        &mut self,
        id: CustomFieldId,
        value: CustomFieldValue,
        adding: bool,
    ) -> Result<&mut Self, CustomFieldError> {
        let verb = if adding { "add" } else { "remove" };
        if matches!(value, CustomFieldValue::List(_)) || value.is_null() {
            return Err(CustomFieldError::invalid(
                id.as_str(),
                &value.describe(),
                format!("`.{verb}` takes one value (use `set` to replace the whole list)"),
            ));
        }
        let (add, remove) = match self.changes.get(&id) {
            None => (None, None),
            Some(Change::Edit { add, remove }) => (add.clone(), remove.clone()),
            Some(old) => return Err(conflict(&id, describe(old), verb.to_string())),
        };
        let (same, other) = if adding {
            (&add, &remove)
        } else {
            (&remove, &add)
        };
        if let Some(prev) = same {
            if *prev != value {
                return Err(conflict(
                    &id,
                    format!("{verb} {:?}", prev.describe()),
                    format!(
                        "{verb} {:?} (one `.{verb}` per field and request)",
                        value.describe()
                    ),
                ));
            }
        }
        if other.as_ref() == Some(&value) {
            return Err(conflict(
                &id,
                "add".to_string(),
                format!("remove of the same value {:?}", value.describe()),
            ));
        }
        let entry = if adding {
            Change::Edit {
                add: Some(value),
                remove,
            }
        } else {
            Change::Edit {
                add,
                remove: Some(value),
            }
        };
        self.changes.insert(id, entry);
        Ok(self)
    }
}

impl serde::Serialize for CustomFieldChanges {
    #[inline]
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.clone().into_map().serialize(s)
    }
}

#[inline]
fn describe(change: &Change) -> String {
    match change {
        Change::Set(v) => format!("set to {:?}", v.describe()),
        Change::Clear => "clear".to_string(),
        Change::Edit { .. } => "add/remove".to_string(),
    }
}

#[inline]
fn conflict(id: &CustomFieldId, old: String, new: String) -> CustomFieldError {
    CustomFieldError::Conflict {
        field: id.to_string(),
        reason: format!("{new} contradicts the earlier {old} in the same request"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn id(s: &str) -> CustomFieldId {
        s.parse().unwrap()
    }

    #[test]
    fn keys_are_exactly_closes() {
        let mut c = CustomFieldChanges::new();
        c.set(id("cf_a"), "x")
            .unwrap()
            .clear(id("cf_b"))
            .unwrap()
            .add(id("cf_c"), "Wednesday")
            .unwrap()
            .remove(id("cf_c"), "Monday")
            .unwrap()
            .set(
                id("cf_d"),
                CustomFieldValue::List(vec!["A".into(), "B".into()]),
            )
            .unwrap();
        assert_eq!(
            Value::Object(c.clone().into_map()),
            json!({
                "custom.cf_a": "x",
                "custom.cf_b": null,
                "custom.cf_c.add": "Wednesday",
                "custom.cf_c.remove": "Monday",
                "custom.cf_d": ["A", "B"],
            })
        );
        assert_eq!(
            serde_json::to_value(&c).unwrap()["custom.cf_b"],
            Value::Null
        );
    }

    #[test]
    fn contradictions_are_refused() {
        let mut c = CustomFieldChanges::new();
        c.set(id("cf_a"), "x").unwrap();
        assert!(
            c.set(id("cf_a"), "x").is_ok(),
            "an identical change repeats"
        );
        let e = c.clear(id("cf_a")).unwrap_err();
        assert!(matches!(e, CustomFieldError::Conflict { .. }));
        assert!(e.to_string().contains("cf_a"), "{e}");
        assert!(c.set(id("cf_a"), "y").is_err());
        assert!(c.add(id("cf_a"), "y").is_err());

        c.add(id("cf_b"), "x").unwrap();
        assert!(c.add(id("cf_b"), "y").is_err(), "two adds");
        assert!(
            c.remove(id("cf_b"), "x").is_err(),
            "add and remove one value"
        );
        assert!(c.set(id("cf_b"), "z").is_err());
        assert!(c.clear(id("cf_b")).is_err());
        assert!(c.add(id("cf_c"), CustomFieldValue::List(vec![])).is_err());

        c.clear(id("cf_d")).unwrap();
        assert!(c
            .set(id("cf_d"), CustomFieldValue::Other(Value::Null))
            .is_ok());
        // Nothing refused changed the body.
        assert_eq!(
            Value::Object(c.into_map()),
            json!({"custom.cf_a": "x", "custom.cf_b.add": "x", "custom.cf_d": null})
        );
    }

    #[test]
    fn apply_to_keeps_other_members() {
        let mut body = Map::new();
        body.insert("name".into(), json!("Bluth Company"));
        body.insert("custom.cf_a".into(), json!("old"));
        let mut c = CustomFieldChanges::new();
        c.set(id("cf_a"), "new").unwrap();
        c.apply_to(&mut body);
        assert_eq!(
            Value::Object(body),
            json!({"name": "Bluth Company", "custom.cf_a": "new"})
        );
    }
}
