//! `Timestamp`: Close's `date_created`/`date_updated` values, with or without a UTC offset.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

#[cfg(feature = "schemars")]
use schemars::schema::{InstanceType, Metadata, Schema, SchemaObject};
use time::OffsetDateTime;

use super::iso8601;

/// A point in time as Close sends it.
///
/// Close writes most timestamps with an offset (`2013-02-01T00:54:51.097000+00:00`) but some
/// without one (`2019-11-04T11:04:13.014979`); both decode, and an offset-less one is taken as
/// UTC. The text Close sent is kept (without surrounding whitespace), so `Display` and
/// serialisation give it back unchanged.
/// Equality, ordering and hashing compare the instant only.
///
/// ```
/// use close_sdk::Timestamp;
/// let with: Timestamp = "2013-02-01T00:54:51.097000+00:00".parse().unwrap();
/// let naive: Timestamp = "2013-02-01T00:54:51.097".parse().unwrap();
/// assert_eq!(with, naive);
/// assert!(naive.is_naive());
/// assert_eq!(naive.to_string(), "2013-02-01T00:54:51.097");
/// assert_eq!(with.unix_timestamp(), 1_359_680_091);
/// assert!("yesterday".parse::<Timestamp>().is_err());
/// ```
#[derive(Clone, Debug)]
pub struct Timestamp {
    at: OffsetDateTime,
    text: String,
    naive: bool,
}

impl Timestamp {
    /// The instant, with the offset Close sent (UTC when it sent none).
    pub fn offset_date_time(&self) -> OffsetDateTime {
        self.at
    }

    /// Seconds since the Unix epoch.
    pub fn unix_timestamp(&self) -> i64 {
        self.at.unix_timestamp()
    }

    /// Whether Close sent the value without an offset (it is then read as UTC).
    pub fn is_naive(&self) -> bool {
        self.naive
    }

    /// The text as received (or as formatted, for a value built from an `OffsetDateTime`).
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl FromStr for Timestamp {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let text = s.trim();
        match iso8601::parse(text) {
            Some((at, naive)) => Ok(Timestamp {
                at,
                text: text.to_string(),
                naive,
            }),
            None => Err(format!(
                "`{s}` is not an ISO 8601 timestamp (e.g. 2013-02-01T00:54:51.097000+00:00)"
            )),
        }
    }
}

impl From<OffsetDateTime> for Timestamp {
    /// The instant, written as RFC 3339 (`1970-01-01T00:00:00Z`, `2024-01-02T03:04:05.5+01:00`).
    fn from(at: OffsetDateTime) -> Self {
        Timestamp {
            at,
            text: iso8601::format(at),
            naive: false,
        }
    }
}

impl From<Timestamp> for OffsetDateTime {
    fn from(t: Timestamp) -> Self {
        t.at
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl PartialEq for Timestamp {
    fn eq(&self, other: &Self) -> bool {
        self.at == other.at
    }
}

impl Eq for Timestamp {}

impl PartialOrd for Timestamp {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Timestamp {
    fn cmp(&self, other: &Self) -> Ordering {
        self.at.cmp(&other.at)
    }
}

impl Hash for Timestamp {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.at.unix_timestamp_nanos().hash(state);
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl<'de> serde::Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<str>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for Timestamp {
    fn schema_name() -> String {
        "Timestamp".into()
    }

    fn json_schema(_: &mut schemars::r#gen::SchemaGenerator) -> Schema {
        Schema::Object(SchemaObject {
            instance_type: Some(InstanceType::String.into()),
            format: Some("date-time".into()),
            metadata: Some(Box::new(Metadata {
                description: Some(
                    "ISO 8601 timestamp; Close sometimes omits the offset, which then means UTC."
                        .into(),
                ),
                ..Default::default()
            })),
            ..Default::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_of_closes_forms_decode_and_round_trip() {
        for (text, naive) in [
            ("2013-02-01T00:54:51.097000+00:00", false),
            ("2019-11-04T11:04:13.014979", true),
            ("2012-08-10T00:00:11.000000+00:00", false),
            ("2024-01-02T03:04:05Z", false),
            ("2024-01-02T03:04:05-04:00", false),
            ("2024-01-02T03:04:05", true),
        ] {
            let t: Timestamp = serde_json::from_value(serde_json::json!(text)).unwrap();
            assert_eq!(t.is_naive(), naive, "{text}");
            assert_eq!(serde_json::to_value(&t).unwrap(), serde_json::json!(text));
            assert_eq!(t.to_string(), text);
        }
    }

    #[test]
    fn naive_means_utc_and_offsets_are_honoured() {
        let naive: Timestamp = "2019-11-04T11:04:13.014979".parse().unwrap();
        let utc: Timestamp = "2019-11-04T11:04:13.014979+00:00".parse().unwrap();
        let shifted: Timestamp = "2019-11-04T12:04:13.014979+01:00".parse().unwrap();
        assert_eq!(naive, utc);
        assert_eq!(utc, shifted);
        let later: Timestamp = "2019-11-04T11:04:14".parse().unwrap();
        assert!(later > naive);
    }

    #[test]
    fn garbage_is_rejected() {
        for bad in [
            "",
            "2019-13-04T11:04:13",
            "11:04:13",
            "not a date",
            "2019-11-04T25:00:00",
        ] {
            assert!(bad.parse::<Timestamp>().is_err(), "{bad:?}");
        }
        assert!(serde_json::from_value::<Timestamp>(serde_json::json!(5)).is_err());
    }

    #[test]
    fn built_from_a_date_time_it_formats_as_rfc_3339() {
        let t = Timestamp::from(OffsetDateTime::UNIX_EPOCH);
        assert_eq!(t.to_string(), "1970-01-01T00:00:00Z");
        assert_eq!(t.as_str().parse::<Timestamp>().unwrap(), t);
    }
}
