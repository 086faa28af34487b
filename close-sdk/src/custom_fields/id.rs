//! `CustomFieldId`: a custom field's id, `cf_` and letters and digits.

use std::fmt;
use std::str::FromStr;

use super::CustomFieldError;

/// The longest id accepted (Close's ids are `cf_` + 43 characters; the limit only keeps
/// garbage out, it is not Close's rule).
const MAX_LEN: usize = 128;

/// A custom field's id, e.g. `cf_v6S011I6MqcbVvB2FA5Nk8dr5MkL8sWuCiG8cUleO9c`.
///
/// Parsed strictly: `cf_` followed by ASCII letters and digits only (the charset of every id in
/// Close's documented examples), at most 128 characters. So an id can never smuggle a `.` (which
/// would turn `custom.cf_x` into `custom.cf_x.add`) or anything else into a body key.
/// `Display` prints the id itself.
///
/// ```
/// use close_sdk::custom_fields::CustomFieldId;
/// let id: CustomFieldId = "cf_v6S011I6MqcbVvB2FA5Nk8dr5MkL8sWuCiG8cUleO9c".parse().unwrap();
/// assert_eq!(id.to_string(), "cf_v6S011I6MqcbVvB2FA5Nk8dr5MkL8sWuCiG8cUleO9c");
/// assert!("cf_x.add".parse::<CustomFieldId>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CustomFieldId(String);

impl CustomFieldId {
    /// Parses `id` (see the type's docs for the rule).
    #[inline]
    pub fn new(id: &str) -> Result<Self, CustomFieldError> {
        id.parse()
    }

    /// The id as text.
    #[inline]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key that sets this field on an object: `custom.cf_…`.
    #[inline]
    pub fn key(&self) -> String {
        format!("custom.{}", self.0)
    }

    /// The id in a `custom.cf_…` key (no suffix), or `None` for any other key.
    #[inline]
    pub(crate) fn from_key(key: &str) -> Option<Self> {
        key.strip_prefix("custom.")?.parse().ok()
    }
}

impl FromStr for CustomFieldId {
    type Err = CustomFieldError;

    #[inline]
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let valid = s.len() <= MAX_LEN
            && s.strip_prefix("cf_").is_some_and(|rest| {
                !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_alphanumeric())
            });
        if valid {
            Ok(CustomFieldId(s.to_string()))
        } else {
            Err(CustomFieldError::InvalidId { id: s.to_string() })
        }
    }
}

impl TryFrom<&str> for CustomFieldId {
    type Error = CustomFieldError;

    #[inline]
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl fmt::Display for CustomFieldId {
    #[inline]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for CustomFieldId {
    #[inline]
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl serde::Serialize for CustomFieldId {
    #[inline]
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for CustomFieldId {
    #[inline]
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_cf_and_alphanumerics() {
        for good in [
            "cf_a",
            "cf_v6S011I6MqcbVvB2FA5Nk8dr5MkL8sWuCiG8cUleO9c",
            "cf_0",
        ] {
            assert_eq!(good.parse::<CustomFieldId>().unwrap().as_str(), good);
        }
        let long = format!("cf_{}", "a".repeat(200));
        for bad in [
            "",
            "cf_",
            "cf",
            "CF_abc",
            "cf_a.add",
            "cf_a b",
            "cf_a/b",
            "custom.cf_a",
            " cf_a",
            "cf_é",
            "cf_a\n",
            "lead_abc",
            long.as_str(),
        ] {
            let e = bad.parse::<CustomFieldId>().unwrap_err();
            assert!(matches!(e, CustomFieldError::InvalidId { .. }), "{bad:?}");
        }
    }

    #[test]
    fn keys_round_trip() {
        let id: CustomFieldId = "cf_abc".parse().unwrap();
        assert_eq!(id.key(), "custom.cf_abc");
        assert_eq!(CustomFieldId::from_key("custom.cf_abc"), Some(id));
        assert_eq!(CustomFieldId::from_key("custom.cf_abc.add"), None);
        assert_eq!(CustomFieldId::from_key("custom"), None);
        assert_eq!(CustomFieldId::from_key("cf_abc"), None);
    }
}
