//! `EmailAddress`: the `format: email` strings of the spec, validated before sending.

use std::fmt;
use std::str::FromStr;

#[cfg(feature = "schemars")]
use schemars::schema::{InstanceType, Schema, SchemaObject};

/// An email address that passed RFC 5322 validation (by the `email_address` crate) and has a
/// domain with at least one dot.
///
/// ```
/// use close_sdk::EmailAddress;
/// assert!("john@salesteam.com".parse::<EmailAddress>().is_ok());
/// assert!("john@".parse::<EmailAddress>().is_err());
/// assert!("john@localhost".parse::<EmailAddress>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// The address as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for EmailAddress {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.is_empty() {
            return Err("email must not be empty".into());
        }
        let parsed = email_address::EmailAddress::from_str(s)
            .map_err(|e| format!("`{s}` is not a valid email address ({e})"))?;
        // Close provisions users in an organization's verified domains: a dotless domain (or an
        // IP literal) can never qualify.
        let domain = parsed.domain();
        if !domain.contains('.') || domain.starts_with('[') {
            return Err(format!(
                "`{s}` is not a valid email address (the domain needs a dot)"
            ));
        }
        Ok(EmailAddress(s.to_string()))
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<&str> for EmailAddress {
    type Error = String;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl TryFrom<String> for EmailAddress {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl TryFrom<&String> for EmailAddress {
    type Error = String;
    fn try_from(s: &String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl serde::Serialize for EmailAddress {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for EmailAddress {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<str>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for EmailAddress {
    fn schema_name() -> String {
        "EmailAddress".into()
    }

    fn json_schema(_: &mut schemars::r#gen::SchemaGenerator) -> Schema {
        Schema::Object(SchemaObject {
            instance_type: Some(InstanceType::String.into()),
            format: Some("email".into()),
            ..Default::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_addresses() {
        for s in [
            "john@salesteam.com",
            "a.b+tag@sub.example.co.uk",
            "o'neil@example.org",
        ] {
            assert_eq!(s.parse::<EmailAddress>().unwrap().as_str(), s);
        }
    }

    #[test]
    fn rejects_non_addresses() {
        for s in [
            "",
            "john",
            "john@",
            "@example.com",
            "john@@example.com",
            "john @example.com",
            "john@localhost",
            " john@example.com",
        ] {
            assert!(
                s.parse::<EmailAddress>().is_err(),
                "{s:?} should be rejected"
            );
        }
    }
}
