//! `CustomFieldValue`: one custom field value, typed where the type is known.

use serde_json::Value;

use crate::{Date, Timestamp};

/// The separator between the values of a multi-value field in one text cell
/// ([`CustomFieldCatalog::parse`](crate::custom_fields::CustomFieldCatalog)): `;`. Close
/// documents no text form for several values; `;` was chosen because choices commonly contain
/// commas ("Cars, trucks"). Each part is trimmed and empty parts are dropped.
pub const MULTI_VALUE_SEPARATOR: char = ';';

/// One custom field value.
///
/// Sent as JSON: text, choices and user/contact ids as strings, numbers as numbers, a date as
/// `YYYY-MM-DD`, a date-time as Close's ISO 8601 timestamp, several values as an array.
///
/// Decoding from an object ([`CustomFields`](crate::custom_fields::CustomFields)) has only the
/// JSON to go by, so it is lenient: a string is [`Text`](Self::Text), a number
/// [`Number`](Self::Number), an array [`List`](Self::List), anything else
/// [`Other`](Self::Other); the accessors ([`as_date`](Self::as_date), …) read a string as the
/// type you expect, and [`CustomFieldCatalog::typed`](crate::custom_fields::CustomFieldCatalog)
/// re-reads a value by the field's declared type.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum CustomFieldValue {
    /// Text (`text` fields, `hidden` fields, and any string whose meaning is not known).
    Text(String),
    /// A number (`number` fields).
    Number(serde_json::Number),
    /// A date (`date` fields), sent as `YYYY-MM-DD`.
    Date(Date),
    /// A date and time (`datetime` fields).
    DateTime(Timestamp),
    /// One of the field's choices (`choices` fields).
    Choice(String),
    /// A user's id (`user` fields).
    User(String),
    /// A contact's id (`contact` fields).
    Contact(String),
    /// Several values (a field with `accepts_multiple_values`).
    List(Vec<CustomFieldValue>),
    /// Any other JSON (e.g. a boolean, an object, or a shape Close adds later).
    Other(Value),
}

impl CustomFieldValue {
    /// Reads JSON as Close returns it (see the type's docs). `null` gives `Other(Null)`.
    #[inline]
    pub fn from_json(value: &Value) -> Self {
        match value {
            Value::String(s) => CustomFieldValue::Text(s.clone()),
            Value::Number(n) => CustomFieldValue::Number(n.clone()),
            Value::Array(items) => {
                CustomFieldValue::List(items.iter().map(CustomFieldValue::from_json).collect())
            }
            other => CustomFieldValue::Other(other.clone()),
        }
    }

    /// The JSON Close expects for this value.
    #[inline]
    pub fn to_json(&self) -> Value {
        match self {
            CustomFieldValue::Text(s)
            | CustomFieldValue::Choice(s)
            | CustomFieldValue::User(s)
            | CustomFieldValue::Contact(s) => Value::String(s.clone()),
            CustomFieldValue::Number(n) => Value::Number(n.clone()),
            // `YYYY-MM-DD` even for a `Date` parsed from a date-time.
            CustomFieldValue::Date(d) => {
                Value::String(format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()))
            }
            CustomFieldValue::DateTime(t) => Value::String(t.as_str().to_string()),
            CustomFieldValue::List(items) => {
                Value::Array(items.iter().map(CustomFieldValue::to_json).collect())
            }
            CustomFieldValue::Other(v) => v.clone(),
        }
    }

    /// The text of a string-valued value (text, choice, user or contact id, date, date-time).
    #[inline]
    pub fn as_str(&self) -> Option<&str> {
        match self {
            CustomFieldValue::Text(s)
            | CustomFieldValue::Choice(s)
            | CustomFieldValue::User(s)
            | CustomFieldValue::Contact(s) => Some(s),
            CustomFieldValue::Date(d) => Some(d.as_str()),
            CustomFieldValue::DateTime(t) => Some(t.as_str()),
            _ => None,
        }
    }

    /// The number, if this is one.
    #[inline]
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            CustomFieldValue::Number(n) => n.as_f64(),
            _ => None,
        }
    }

    /// The date, if this is one or a `YYYY-MM-DD` string.
    #[inline]
    pub fn as_date(&self) -> Option<Date> {
        match self {
            CustomFieldValue::Date(d) => Some(d.clone()),
            CustomFieldValue::Text(s) if s.trim().len() == 10 => s.parse().ok(),
            _ => None,
        }
    }

    /// The timestamp, if this is one or a string Close's timestamps parse from.
    #[inline]
    pub fn as_timestamp(&self) -> Option<Timestamp> {
        match self {
            CustomFieldValue::DateTime(t) => Some(t.clone()),
            CustomFieldValue::Text(s) => s.parse().ok(),
            _ => None,
        }
    }

    /// The values: a list's items, or this value alone.
    #[inline]
    pub fn values(&self) -> &[CustomFieldValue] {
        match self {
            CustomFieldValue::List(items) => items,
            single => std::slice::from_ref(single),
        }
    }

    /// Whether this is JSON `null`.
    #[inline]
    pub fn is_null(&self) -> bool {
        matches!(self, CustomFieldValue::Other(Value::Null))
    }

    /// The value as text for error messages.
    #[inline]
    pub(crate) fn describe(&self) -> String {
        match self.as_str() {
            Some(s) => s.to_string(),
            None => self.to_json().to_string(),
        }
    }
}

impl From<&str> for CustomFieldValue {
    #[inline]
    fn from(s: &str) -> Self {
        CustomFieldValue::Text(s.to_string())
    }
}

impl From<String> for CustomFieldValue {
    #[inline]
    fn from(s: String) -> Self {
        CustomFieldValue::Text(s)
    }
}

impl From<i64> for CustomFieldValue {
    #[inline]
    fn from(n: i64) -> Self {
        CustomFieldValue::Number(n.into())
    }
}

impl From<Date> for CustomFieldValue {
    #[inline]
    fn from(d: Date) -> Self {
        CustomFieldValue::Date(d)
    }
}

impl From<Timestamp> for CustomFieldValue {
    #[inline]
    fn from(t: Timestamp) -> Self {
        CustomFieldValue::DateTime(t)
    }
}

impl serde::Serialize for CustomFieldValue {
    #[inline]
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(s)
    }
}

impl<'de> serde::Deserialize<'de> for CustomFieldValue {
    #[inline]
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(CustomFieldValue::from_json(&Value::deserialize(d)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn any_json_decodes_and_encodes_back() {
        for v in [
            json!("Website contact form"),
            json!(42),
            json!(2.5),
            json!(["Choice 1", "Choice 2"]),
            json!(true),
            json!({"a": 1}),
            json!(null),
            json!([[1], "x"]),
        ] {
            assert_eq!(CustomFieldValue::from_json(&v).to_json(), v);
        }
    }

    #[test]
    fn typed_values_encode_as_close_expects() {
        let date: Date = "2024-03-31".parse().unwrap();
        assert_eq!(CustomFieldValue::Date(date).to_json(), json!("2024-03-31"));
        let from_date_time: Date = "2024-03-31T10:00:00+00:00".parse().unwrap();
        assert_eq!(
            CustomFieldValue::Date(from_date_time).to_json(),
            json!("2024-03-31")
        );
        let at: Timestamp = "2014-11-07T05:06:09.422000+00:00".parse().unwrap();
        assert_eq!(
            CustomFieldValue::DateTime(at).to_json(),
            json!("2014-11-07T05:06:09.422000+00:00")
        );
        let list = CustomFieldValue::List(vec![
            CustomFieldValue::Choice("A".into()),
            CustomFieldValue::User("user_1".into()),
        ]);
        assert_eq!(serde_json::to_value(&list).unwrap(), json!(["A", "user_1"]));
    }

    #[test]
    fn accessors_read_strings_as_the_expected_type() {
        let v = CustomFieldValue::from_json(&json!("2024-03-31"));
        assert_eq!(v.as_date().unwrap().to_string(), "2024-03-31");
        assert!(CustomFieldValue::from("soon").as_date().is_none());
        assert_eq!(CustomFieldValue::from(3).as_f64(), Some(3.0));
        assert_eq!(CustomFieldValue::from("x").values().len(), 1);
        assert!(CustomFieldValue::from_json(&json!(null)).is_null());
    }
}
