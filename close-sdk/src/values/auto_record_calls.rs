//! `AutoRecordCalls`: strict when sent, open when decoded.

use std::fmt;
use std::str::FromStr;

#[cfg(feature = "schemars")]
use schemars::schema::{InstanceType, Schema, SchemaObject};

/// Whether a member's calls are recorded automatically.
///
/// Close documents `enabled`, `disabled` and `unset` (the initial value). A value Close adds
/// later decodes as [`AutoRecordCalls::Unknown`] instead of failing the whole response; that
/// variant cannot be built by hand, so the SDK only ever sends a value Close sent first.
///
/// ```
/// use close_sdk::AutoRecordCalls;
/// let v: AutoRecordCalls = serde_json::from_str("\"sometimes\"").unwrap();
/// assert_eq!(v.as_str(), "sometimes");
/// assert!("sometimes".parse::<AutoRecordCalls>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AutoRecordCalls {
    /// `enabled`.
    Enabled,
    /// `disabled`.
    Disabled,
    /// `unset`: the initial value.
    Unset,
    /// A value this version of the SDK does not know.
    Unknown(UnknownAutoRecordCalls),
}

/// A value of [`AutoRecordCalls`] that Close returned and this SDK does not know.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UnknownAutoRecordCalls(String);

impl UnknownAutoRecordCalls {
    /// The value as Close sent it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl AutoRecordCalls {
    /// The wire value.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Enabled => "enabled",
            Self::Disabled => "disabled",
            Self::Unset => "unset",
            Self::Unknown(u) => u.as_str(),
        }
    }

    fn known(s: &str) -> Option<Self> {
        match s {
            "enabled" => Some(Self::Enabled),
            "disabled" => Some(Self::Disabled),
            "unset" => Some(Self::Unset),
            _ => None,
        }
    }
}

impl FromStr for AutoRecordCalls {
    type Err = String;

    /// Strict: only the documented values (this is for values the SDK will send).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::known(s).ok_or_else(|| format!("`{s}` is not one of enabled, disabled, unset"))
    }
}

impl fmt::Display for AutoRecordCalls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<&str> for AutoRecordCalls {
    type Error = String;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl serde::Serialize for AutoRecordCalls {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for AutoRecordCalls {
    /// Lenient: unknown values become [`AutoRecordCalls::Unknown`].
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(Self::known(&s).unwrap_or(Self::Unknown(UnknownAutoRecordCalls(s))))
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for AutoRecordCalls {
    fn schema_name() -> String {
        "AutoRecordCalls".into()
    }

    fn json_schema(_: &mut schemars::r#gen::SchemaGenerator) -> Schema {
        Schema::Object(SchemaObject {
            instance_type: Some(InstanceType::String.into()),
            enum_values: Some(vec!["enabled".into(), "disabled".into(), "unset".into()]),
            ..Default::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values_round_trip() {
        for v in [
            AutoRecordCalls::Enabled,
            AutoRecordCalls::Disabled,
            AutoRecordCalls::Unset,
        ] {
            let json = serde_json::to_string(&v).unwrap();
            assert_eq!(serde_json::from_str::<AutoRecordCalls>(&json).unwrap(), v);
            assert_eq!(v.as_str().parse::<AutoRecordCalls>().unwrap(), v);
        }
    }

    #[test]
    fn unknown_values_decode_and_echo_back() {
        let v: AutoRecordCalls = serde_json::from_str("\"on_weekdays\"").unwrap();
        assert!(matches!(v, AutoRecordCalls::Unknown(_)));
        assert_eq!(serde_json::to_string(&v).unwrap(), "\"on_weekdays\"");
    }
}
