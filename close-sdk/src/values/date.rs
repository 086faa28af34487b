//! `Date` (Close's `format: date` values) and `DateOrTimestamp` (filters that take either).

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

#[cfg(feature = "schemars")]
use schemars::schema::{InstanceType, Metadata, Schema, SchemaObject};

use crate::Timestamp;

/// A calendar date as Close sends it (`2024-03-31`).
///
/// Parsing is lenient: a date-time (`2024-03-31T10:00:00+00:00`) is read as its date, since
/// Close's documents do not always agree on which of the two a field holds. The text Close sent
/// is kept, so `Display` and serialisation give it back unchanged; equality, ordering and
/// hashing compare the date only. No chrono: the checks use the `time` crate close-sdk already
/// depends on.
///
/// ```
/// use close_sdk::Date;
/// let d: Date = "2024-02-29".parse().unwrap();
/// assert_eq!((d.year(), d.month(), d.day()), (2024, 2, 29));
/// assert_eq!(d.to_string(), "2024-02-29");
/// let from_time: Date = "2024-02-29T23:10:00Z".parse().unwrap();
/// assert_eq!(from_time, d);
/// assert_eq!(from_time.to_string(), "2024-02-29T23:10:00Z");
/// assert!("2023-02-29".parse::<Date>().is_err());
/// assert_eq!(Date::new(2024, 1, 5).unwrap().to_string(), "2024-01-05");
/// ```
#[derive(Clone, Debug)]
pub struct Date {
    date: time::Date,
    text: String,
}

impl Date {
    /// The date `year-month-day`, or `None` if there is no such day.
    pub fn new(year: i32, month: u8, day: u8) -> Option<Self> {
        // ISO 8601's four-digit years: what Close reads and this type parses back.
        if !(0..=9999).contains(&year) {
            return None;
        }
        let month = time::Month::try_from(month).ok()?;
        let date = time::Date::from_calendar_date(year, month, day).ok()?;
        Some(Self::from_time(date))
    }

    /// The year.
    pub fn year(&self) -> i32 {
        self.date.year()
    }

    /// The month, 1 to 12.
    pub fn month(&self) -> u8 {
        u8::from(self.date.month())
    }

    /// The day of the month, 1 to 31.
    pub fn day(&self) -> u8 {
        self.date.day()
    }

    /// The date as a `time::Date`.
    pub fn to_time_date(&self) -> time::Date {
        self.date
    }

    /// The text as received (or as formatted, for a value built from its parts).
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

/// Parses `YYYY-MM-DD` at the start of `s` (at most 10 characters: no expanded years).
fn parse_ymd(s: &str) -> Option<time::Date> {
    let bytes = s.as_bytes();
    if bytes.len() < 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = s.get(r)?;
        if part.bytes().all(|b| b.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    let year = i32::try_from(num(0..4)?).ok()?;
    let month = time::Month::try_from(u8::try_from(num(5..7)?).ok()?).ok()?;
    let day = u8::try_from(num(8..10)?).ok()?;
    time::Date::from_calendar_date(year, month, day).ok()
}

impl FromStr for Date {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let text = s.trim();
        let bad = || format!("`{s}` is not a date (e.g. 2024-03-31)");
        let date = if text.len() == 10 {
            parse_ymd(text).ok_or_else(bad)?
        } else {
            // A date-time: valid as a whole, read as its date.
            let t: Timestamp = text.parse().map_err(|_| bad())?;
            parse_ymd(text).unwrap_or_else(|| t.offset_date_time().date())
        };
        Ok(Date {
            date,
            text: text.to_string(),
        })
    }
}

impl TryFrom<time::Date> for Date {
    type Error = String;

    /// A date of year 0 to 9999 (four-digit ISO 8601 years); others are refused.
    fn try_from(date: time::Date) -> Result<Self, String> {
        if !(0..=9999).contains(&date.year()) {
            return Err(format!("year {} is outside 0 to 9999", date.year()));
        }
        Ok(Self::from_time(date))
    }
}

impl Date {
    /// `date`, whose year is known to be within 0 to 9999.
    fn from_time(date: time::Date) -> Self {
        let text = format!(
            "{:04}-{:02}-{:02}",
            date.year(),
            u8::from(date.month()),
            date.day()
        );
        Date { date, text }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl PartialEq for Date {
    fn eq(&self, other: &Self) -> bool {
        self.date == other.date
    }
}

impl Eq for Date {}

impl PartialOrd for Date {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Date {
    fn cmp(&self, other: &Self) -> Ordering {
        self.date.cmp(&other.date)
    }
}

impl Hash for Date {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.date.hash(state);
    }
}

impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl<'de> serde::Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<str>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A value Close accepts as a date or as a date-time, such as the `date_created__gt` filters.
///
/// Build it from a [`Date`] or a [`Timestamp`] (`.into()`), or parse it: text with a time part
/// is a `Timestamp`, `YYYY-MM-DD` is a `Date`. It serialises back exactly the text it holds.
///
/// ```
/// use close_sdk::{Date, DateOrTimestamp, Timestamp};
/// let d: DateOrTimestamp = "2024-01-31".parse().unwrap();
/// assert!(matches!(d, DateOrTimestamp::Date(_)));
/// let t: DateOrTimestamp = "2024-01-31T08:00:00+00:00".parse().unwrap();
/// assert!(matches!(t, DateOrTimestamp::Timestamp(_)));
/// assert_eq!(t.to_string(), "2024-01-31T08:00:00+00:00");
/// let from_date: DateOrTimestamp = Date::new(2024, 1, 31).unwrap().into();
/// assert_eq!(from_date, d);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum DateOrTimestamp {
    /// A calendar date.
    Date(Date),
    /// A point in time.
    Timestamp(Timestamp),
}

impl FromStr for DateOrTimestamp {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let text = s.trim();
        if text.len() == 10 {
            if let Some(date) = parse_ymd(text) {
                return Ok(DateOrTimestamp::Date(Date {
                    date,
                    text: text.to_string(),
                }));
            }
        }
        text.parse::<Timestamp>()
            .map(DateOrTimestamp::Timestamp)
            .map_err(|_| format!("`{s}` is neither a date (2024-03-31) nor an ISO 8601 timestamp"))
    }
}

impl From<Date> for DateOrTimestamp {
    fn from(d: Date) -> Self {
        DateOrTimestamp::Date(d)
    }
}

impl From<Timestamp> for DateOrTimestamp {
    fn from(t: Timestamp) -> Self {
        DateOrTimestamp::Timestamp(t)
    }
}

/// Parses the text (as [`FromStr`] does): a date filter's setter
/// takes `"2026-01-31"` as well as a [`Date`] or [`Timestamp`]; text that is neither is
/// refused when the request is sent, and nothing is sent.
impl TryFrom<&str> for DateOrTimestamp {
    type Error = String;

    fn try_from(s: &str) -> Result<Self, Self::Error> {
        s.parse()
    }
}

/// Parses the text, as `TryFrom<&str>` does.
impl TryFrom<String> for DateOrTimestamp {
    type Error = String;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

/// Parses the text, as `TryFrom<&str>` does.
impl TryFrom<&String> for DateOrTimestamp {
    type Error = String;

    fn try_from(s: &String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

/// The instant, as a [`Timestamp`].
impl From<time::OffsetDateTime> for DateOrTimestamp {
    fn from(t: time::OffsetDateTime) -> Self {
        DateOrTimestamp::Timestamp(t.into())
    }
}

impl fmt::Display for DateOrTimestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DateOrTimestamp::Date(d) => d.fmt(f),
            DateOrTimestamp::Timestamp(t) => t.fmt(f),
        }
    }
}

impl serde::Serialize for DateOrTimestamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            DateOrTimestamp::Date(d) => d.serialize(s),
            DateOrTimestamp::Timestamp(t) => t.serialize(s),
        }
    }
}

impl<'de> serde::Deserialize<'de> for DateOrTimestamp {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<str>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "schemars")]
fn string_schema(format: &str, description: &str) -> Schema {
    Schema::Object(SchemaObject {
        instance_type: Some(InstanceType::String.into()),
        format: Some(format.into()),
        metadata: Some(Box::new(Metadata {
            description: Some(description.into()),
            ..Default::default()
        })),
        ..Default::default()
    })
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for Date {
    fn schema_name() -> String {
        "Date".into()
    }

    fn json_schema(_: &mut schemars::r#gen::SchemaGenerator) -> Schema {
        string_schema("date", "ISO 8601 calendar date, `YYYY-MM-DD`.")
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for DateOrTimestamp {
    fn schema_name() -> String {
        "DateOrTimestamp".into()
    }

    fn json_schema(_: &mut schemars::r#gen::SchemaGenerator) -> Schema {
        string_schema(
            "date-or-date-time",
            "An ISO 8601 date (`YYYY-MM-DD`) or timestamp.",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_exactly() {
        for text in [
            "2024-02-29",
            "1999-12-31",
            "2024-01-02T03:04:05Z",
            "2024-01-02T03:04:05.123456",
        ] {
            let d: Date = serde_json::from_value(serde_json::json!(text)).unwrap();
            assert_eq!(serde_json::to_value(&d).unwrap(), serde_json::json!(text));
            assert_eq!(d.to_string(), text);
        }
    }

    #[test]
    fn a_date_time_is_read_as_its_own_calendar_date() {
        let d: Date = "2024-01-02T23:30:00-05:00".parse().unwrap();
        assert_eq!((d.year(), d.month(), d.day()), (2024, 1, 2));
    }

    #[test]
    fn garbage_and_impossible_days_are_rejected_without_panicking() {
        for bad in [
            "",
            "2024-13-01",
            "2023-02-29",
            "2024-1-01",
            "24-01-01",
            "2024/01/01",
            "yesterday",
            "２０２４-01-01",
            "2024-01-0١",
            "2024-01-01T25:00:00",
            "\u{0}\u{0}\u{0}\u{0}-\u{0}\u{0}-\u{0}\u{0}",
        ] {
            assert!(bad.parse::<Date>().is_err(), "{bad:?}");
            assert!(bad.parse::<DateOrTimestamp>().is_err(), "{bad:?}");
        }
        assert!(Date::new(2024, 2, 30).is_none());
        assert!(Date::new(2024, 0, 1).is_none());
        assert!(serde_json::from_value::<Date>(serde_json::json!(20240101)).is_err());
    }

    #[test]
    fn equality_and_order_compare_the_day() {
        let a: Date = "2024-01-02".parse().unwrap();
        let b: Date = "2024-01-02T10:00:00Z".parse().unwrap();
        let c: Date = "2024-01-03".parse().unwrap();
        assert_eq!(a, b);
        assert!(a < c);
        assert_eq!(Date::try_from(a.to_time_date()), Ok(a));
    }

    #[test]
    fn date_or_timestamp_keeps_what_it_was_given() {
        for text in [
            "2024-01-31",
            "2024-01-31T08:00:00",
            "2024-01-31T08:00:00.5+02:00",
        ] {
            let v: DateOrTimestamp = serde_json::from_value(serde_json::json!(text)).unwrap();
            assert_eq!(serde_json::to_value(&v).unwrap(), serde_json::json!(text));
        }
        let t: Timestamp = "2024-01-31T08:00:00Z".parse().unwrap();
        assert_eq!(
            DateOrTimestamp::from(t.clone()),
            DateOrTimestamp::Timestamp(t)
        );
    }
}
