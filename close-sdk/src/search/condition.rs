//! The conditions of a `field_condition` query, and the moments of a date range.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Number, Value};

use super::wire::{exactly, present, type_of, vocabulary};
use crate::{Date, Timestamp};

vocabulary! {
    /// How a text condition (or text query) matches.
    TextMode {
        /// `full_words`: all the words, anywhere in the text, in any order (Close's page).
        FullWords = "full_words",
        /// `phrase`: the words next to each other, in this order (Close's page).
        Phrase = "phrase",
        /// `exact_value`: the whole value (seen in queries Close's app writes; not on the page).
        ExactValue = "exact_value",
        /// `beginning_of_words`: words starting so (seen in queries Close's app writes; not on
        /// the page).
        BeginningOfWords = "beginning_of_words",
    }
}

vocabulary! {
    /// Which end of a day (or period) a moment means: `which` / `which_day_end`.
    DayEnd {
        /// `start`.
        Start = "start",
        /// `end`.
        End = "end",
    }
}

vocabulary! {
    /// The direction of an offset moment.
    OffsetDirection {
        /// `past`.
        Past = "past",
        /// `future`.
        Future = "future",
    }
}

/// What a `field_condition` query asks of its field.
///
/// The kinds on Close's Advanced Filtering page are `text`, `term`, `reference`,
/// `number_range`, `boolean`, `exists` and `current_user`; `moment_range` (dates) is the kind
/// Close's app writes for date filters ("Copy Filters"), seen in public code but not on the
/// page. Any other kind is kept as [`Condition::Raw`].
///
/// ```
/// use close_sdk::search::{Condition, TextMode};
/// let ceo = Condition::text(TextMode::FullWords, "CEO");
/// assert_eq!(
///     serde_json::to_value(&ceo).unwrap(),
///     serde_json::json!({"type": "text", "mode": "full_words", "value": "CEO"})
/// );
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Condition {
    /// `{"type": "text", "mode": …, "value": …}`.
    Text {
        /// How the words match.
        mode: TextMode,
        /// The text.
        value: String,
    },
    /// `{"type": "term", "values": […]}`: one of these values (choices, enumerations).
    Term {
        /// The values.
        values: Vec<String>,
    },
    /// `{"type": "reference", "reference_type": …, "object_ids": […]}`: one of these objects in
    /// a reference field (e.g. `reference_type` `user` for `created_by`).
    Reference {
        /// The kind of object referred to (`user`, `status.lead`, `status.opportunity`, …).
        reference_type: String,
        /// The ids.
        object_ids: Vec<String>,
    },
    /// `{"type": "number_range", "gt": …, …}`.
    NumberRange(NumberRange),
    /// `{"type": "boolean", "value": …}`.
    Boolean {
        /// The value.
        value: bool,
    },
    /// `{"type": "exists"}`: the field is set.
    Exists,
    /// `{"type": "current_user"}`: the user making the request (for fields such as
    /// `created_by`).
    CurrentUser,
    /// `{"type": "moment_range", "on_or_after": …, "before": …}`: a date range.
    MomentRange(MomentRange),
    /// A condition of a kind the SDK does not know, as Close wrote it.
    Raw(Value),
}

impl Condition {
    /// A text condition.
    pub fn text(mode: TextMode, value: impl Into<String>) -> Self {
        Condition::Text {
            mode,
            value: value.into(),
        }
    }

    /// A term condition: the field has one of `values`.
    pub fn term<I, S>(values: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Condition::Term {
            values: values.into_iter().map(Into::into).collect(),
        }
    }

    /// A reference condition: the field refers to one of `object_ids`, objects of
    /// `reference_type`.
    pub fn reference<I, S>(reference_type: impl Into<String>, object_ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Condition::Reference {
            reference_type: reference_type.into(),
            object_ids: object_ids.into_iter().map(Into::into).collect(),
        }
    }

    /// A number range.
    pub fn number(range: NumberRange) -> Self {
        Condition::NumberRange(range)
    }

    /// Greater than `n` (`gt`).
    pub fn greater_than(n: impl Into<Number>) -> Self {
        Condition::NumberRange(NumberRange::new().gt(n))
    }

    /// A boolean condition.
    pub fn boolean(value: bool) -> Self {
        Condition::Boolean { value }
    }

    /// On or after `moment`.
    pub fn on_or_after(moment: Moment) -> Self {
        Condition::MomentRange(MomentRange::new().on_or_after(moment))
    }

    /// Before `moment`.
    pub fn before(moment: Moment) -> Self {
        Condition::MomentRange(MomentRange::new().before(moment))
    }

    /// On or after `from` and before `to`.
    pub fn between(from: Moment, to: Moment) -> Self {
        Condition::MomentRange(MomentRange::new().on_or_after(from).before(to))
    }

    /// Why this condition cannot be sent, if it cannot.
    pub(crate) fn problem(&self) -> Option<String> {
        match self {
            Condition::Text { value, .. } if value.trim().is_empty() => {
                Some("a text condition has no text".into())
            }
            Condition::Term { values } if values.is_empty() => Some(
                "a term condition has no values (Close does not say what an empty list matches)"
                    .into(),
            ),
            Condition::Reference {
                reference_type,
                object_ids,
            } => {
                if reference_type.trim().is_empty() {
                    Some("a reference condition has an empty reference_type".into())
                } else if object_ids.is_empty() {
                    Some(format!(
                        "a reference condition ({reference_type}) has no object ids"
                    ))
                } else {
                    None
                }
            }
            Condition::NumberRange(r) if r.is_empty() => {
                Some("a number range has no bound (gt, gte, lt or lte)".into())
            }
            Condition::MomentRange(r) => r.problem(),
            Condition::Raw(v) => type_of(v)
                .is_none()
                .then(|| format!("a raw condition is not an object with a text `type`: {v}")),
            _ => None,
        }
    }
}

/// A number range: any of `gt`, `gte`, `lt`, `lte`, sent as given (an integer stays an
/// integer).
///
/// ```
/// use close_sdk::search::NumberRange;
/// let some = NumberRange::new().gte(10).lt(20);
/// assert_eq!(
///     serde_json::to_value(&some).unwrap(),
///     serde_json::json!({"gte": 10, "lt": 20})
/// );
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NumberRange {
    /// Greater than.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gt: Option<Number>,
    /// Greater than or equal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gte: Option<Number>,
    /// Less than.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lt: Option<Number>,
    /// Less than or equal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lte: Option<Number>,
}

impl NumberRange {
    /// No bound yet (not sendable until one is set).
    pub fn new() -> Self {
        NumberRange::default()
    }

    /// Greater than `n`.
    pub fn gt(mut self, n: impl Into<Number>) -> Self {
        self.gt = Some(n.into());
        self
    }

    /// Greater than or equal to `n`.
    pub fn gte(mut self, n: impl Into<Number>) -> Self {
        self.gte = Some(n.into());
        self
    }

    /// Less than `n`.
    pub fn lt(mut self, n: impl Into<Number>) -> Self {
        self.lt = Some(n.into());
        self
    }

    /// Less than or equal to `n`.
    pub fn lte(mut self, n: impl Into<Number>) -> Self {
        self.lte = Some(n.into());
        self
    }

    fn is_empty(&self) -> bool {
        self.gt.is_none() && self.gte.is_none() && self.lt.is_none() && self.lte.is_none()
    }
}

/// A date range: on or after one moment and/or before another. A bound Close wrote as `null`
/// is kept as `null`.
///
/// ```
/// use close_sdk::search::{Moment, MomentRange};
/// let today = MomentRange::new().on_or_after(Moment::now());
/// assert!(today.before_moment().is_none());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MomentRange {
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    on_or_after: Option<Option<Moment>>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    before: Option<Option<Moment>>,
}

impl MomentRange {
    /// No bound yet (not sendable until one is set).
    pub fn new() -> Self {
        MomentRange::default()
    }

    /// The lower bound (inclusive).
    pub fn on_or_after(mut self, moment: Moment) -> Self {
        self.on_or_after = Some(Some(moment));
        self
    }

    /// The upper bound (exclusive).
    pub fn before(mut self, moment: Moment) -> Self {
        self.before = Some(Some(moment));
        self
    }

    /// The lower bound, if any.
    pub fn on_or_after_moment(&self) -> Option<&Moment> {
        self.on_or_after.as_ref().and_then(Option::as_ref)
    }

    /// The upper bound, if any.
    pub fn before_moment(&self) -> Option<&Moment> {
        self.before.as_ref().and_then(Option::as_ref)
    }

    fn problem(&self) -> Option<String> {
        let bounds = [self.on_or_after_moment(), self.before_moment()];
        if bounds.iter().all(Option::is_none) {
            return Some("a date range has no bound (on_or_after or before)".into());
        }
        bounds.into_iter().flatten().find_map(Moment::problem)
    }
}

/// A moment, a bound of a [`MomentRange`]. The kinds are those of queries Close's app writes
/// ("Copy Filters"), seen in public code; Close's page does not list them. Any other kind is
/// kept as [`Moment::Raw`].
///
/// ```
/// use close_sdk::search::{Moment, Offset};
/// let week_ago = Moment::ago(Offset::days(7));
/// assert_eq!(serde_json::to_value(&week_ago).unwrap()["type"], "offset");
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Moment {
    /// `{"type": "fixed_local_date", "value": "YYYY-MM-DD", "which": "start"|"end"}`: the start
    /// or end of a day in the organization's (or `x-tz-offset`'s) time zone.
    FixedLocalDate {
        /// The date, `YYYY-MM-DD`.
        value: String,
        /// Start or end of that day.
        which: DayEnd,
    },
    /// `{"type": "fixed_utc", "value": …}`: an instant (an ISO 8601 timestamp).
    FixedUtc {
        /// The timestamp.
        value: String,
    },
    /// `{"type": "now"}`.
    Now,
    /// `{"type": "offset", …}`: a span before or after another moment.
    Offset(OffsetMoment),
    /// `{"type": "start_end_of_predefined_relative_period", "range": …, "which": …}`: the start
    /// or end of a named period (`range`, e.g. `today`, as Close's app names them).
    StartEndOfPredefinedRelativePeriod {
        /// The period's name.
        range: String,
        /// Start or end of it.
        which: DayEnd,
    },
    /// A moment of a kind the SDK does not know, as Close wrote it.
    Raw(Value),
}

impl Moment {
    /// An instant (`fixed_utc`). A timestamp without an offset is read as UTC (as
    /// [`Timestamp`] does) and sent with one.
    pub fn utc(at: &Timestamp) -> Self {
        let value = if at.is_naive() {
            Timestamp::from(at.offset_date_time()).to_string()
        } else {
            at.to_string()
        };
        Moment::FixedUtc { value }
    }

    /// The start or end of a day (`fixed_local_date`).
    pub fn local_date(date: &Date, which: DayEnd) -> Self {
        Moment::FixedLocalDate {
            value: date.as_str().to_string(),
            which,
        }
    }

    /// Now.
    pub fn now() -> Self {
        Moment::Now
    }

    /// `offset` before now (the start of that day: `which_day_end` `start`, as Close's app
    /// writes it).
    pub fn ago(offset: Offset) -> Self {
        Moment::Offset(OffsetMoment {
            direction: OffsetDirection::Past,
            moment: Box::new(Moment::Now),
            offset,
            which_day_end: Some(DayEnd::Start),
        })
    }

    fn problem(&self) -> Option<String> {
        match self {
            Moment::FixedLocalDate { value, .. } | Moment::FixedUtc { value } => value
                .trim()
                .is_empty()
                .then(|| "a date range bound has an empty value".into()),
            Moment::Offset(o) => o.moment.problem(),
            Moment::StartEndOfPredefinedRelativePeriod { range, .. } => range
                .trim()
                .is_empty()
                .then(|| "a date range bound names no period".into()),
            Moment::Raw(v) => type_of(v)
                .is_none()
                .then(|| format!("a raw moment is not an object with a text `type`: {v}")),
            Moment::Now => None,
        }
    }
}

/// A span before or after another moment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OffsetMoment {
    /// Before (`past`) or after (`future`) `moment`.
    pub direction: OffsetDirection,
    /// The moment the span counts from (usually now).
    pub moment: Box<Moment>,
    /// The span.
    pub offset: Offset,
    /// Whether the result is taken at the start or the end of its day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub which_day_end: Option<DayEnd>,
}

/// A span of time, every unit written out as Close's app writes it.
///
/// ```
/// use close_sdk::search::Offset;
/// let span = Offset::days(2).and_hours(3);
/// assert_eq!((span.days, span.hours, span.weeks), (2, 3, 0));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Offset {
    /// Years.
    pub years: u32,
    /// Months.
    pub months: u32,
    /// Weeks.
    pub weeks: u32,
    /// Days.
    pub days: u32,
    /// Hours.
    pub hours: u32,
    /// Minutes.
    pub minutes: u32,
    /// Seconds.
    pub seconds: u32,
}

impl Offset {
    /// `n` days.
    pub fn days(n: u32) -> Self {
        Offset {
            days: n,
            ..Offset::default()
        }
    }

    /// `n` hours.
    pub fn hours(n: u32) -> Self {
        Offset {
            hours: n,
            ..Offset::default()
        }
    }

    /// `n` months.
    pub fn months(n: u32) -> Self {
        Offset {
            months: n,
            ..Offset::default()
        }
    }

    /// This span and `n` more hours.
    pub fn and_hours(mut self, n: u32) -> Self {
        self.hours = self.hours.saturating_add(n);
        self
    }
}

/// The typed kinds of [`Condition`] as JSON (borrowed, for writing).
#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum ConditionRef<'a> {
    Text {
        mode: &'a TextMode,
        value: &'a str,
    },
    Term {
        values: &'a [String],
    },
    Reference {
        reference_type: &'a str,
        object_ids: &'a [String],
    },
    NumberRange(&'a NumberRange),
    Boolean {
        value: bool,
    },
    Exists,
    CurrentUser,
    MomentRange(&'a MomentRange),
}

/// The typed kinds of [`Condition`] as JSON (owned, for reading).
#[derive(Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum ConditionWire {
    Text {
        mode: TextMode,
        value: String,
    },
    Term {
        values: Vec<String>,
    },
    Reference {
        reference_type: String,
        object_ids: Vec<String>,
    },
    NumberRange(NumberRange),
    Boolean {
        value: bool,
    },
    Exists,
    CurrentUser,
    MomentRange(MomentRange),
}

impl Serialize for Condition {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let wire = match self {
            Condition::Text { mode, value } => ConditionRef::Text { mode, value },
            Condition::Term { values } => ConditionRef::Term { values },
            Condition::Reference {
                reference_type,
                object_ids,
            } => ConditionRef::Reference {
                reference_type,
                object_ids,
            },
            Condition::NumberRange(r) => ConditionRef::NumberRange(r),
            Condition::Boolean { value } => ConditionRef::Boolean { value: *value },
            Condition::Exists => ConditionRef::Exists,
            Condition::CurrentUser => ConditionRef::CurrentUser,
            Condition::MomentRange(r) => ConditionRef::MomentRange(r),
            Condition::Raw(v) => return v.serialize(s),
        };
        wire.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Condition {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        Ok(match exactly::<ConditionWire>(&v) {
            Some(ConditionWire::Text { mode, value }) => Condition::Text { mode, value },
            Some(ConditionWire::Term { values }) => Condition::Term { values },
            Some(ConditionWire::Reference {
                reference_type,
                object_ids,
            }) => Condition::Reference {
                reference_type,
                object_ids,
            },
            Some(ConditionWire::NumberRange(r)) => Condition::NumberRange(r),
            Some(ConditionWire::Boolean { value }) => Condition::Boolean { value },
            Some(ConditionWire::Exists) => Condition::Exists,
            Some(ConditionWire::CurrentUser) => Condition::CurrentUser,
            Some(ConditionWire::MomentRange(r)) => Condition::MomentRange(r),
            None => Condition::Raw(v),
        })
    }
}

/// The typed kinds of [`Moment`] as JSON (borrowed, for writing).
#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum MomentRef<'a> {
    FixedLocalDate { value: &'a str, which: &'a DayEnd },
    FixedUtc { value: &'a str },
    Now,
    Offset(&'a OffsetMoment),
    StartEndOfPredefinedRelativePeriod { range: &'a str, which: &'a DayEnd },
}

/// The typed kinds of [`Moment`] as JSON (owned, for reading).
#[derive(Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum MomentWire {
    FixedLocalDate { value: String, which: DayEnd },
    FixedUtc { value: String },
    Now,
    Offset(OffsetMoment),
    StartEndOfPredefinedRelativePeriod { range: String, which: DayEnd },
}

impl Serialize for Moment {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let wire = match self {
            Moment::FixedLocalDate { value, which } => MomentRef::FixedLocalDate { value, which },
            Moment::FixedUtc { value } => MomentRef::FixedUtc { value },
            Moment::Now => MomentRef::Now,
            Moment::Offset(o) => MomentRef::Offset(o),
            Moment::StartEndOfPredefinedRelativePeriod { range, which } => {
                MomentRef::StartEndOfPredefinedRelativePeriod { range, which }
            }
            Moment::Raw(v) => return v.serialize(s),
        };
        wire.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Moment {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        Ok(match exactly::<MomentWire>(&v) {
            Some(MomentWire::FixedLocalDate { value, which }) => {
                Moment::FixedLocalDate { value, which }
            }
            Some(MomentWire::FixedUtc { value }) => Moment::FixedUtc { value },
            Some(MomentWire::Now) => Moment::Now,
            Some(MomentWire::Offset(o)) => Moment::Offset(o),
            Some(MomentWire::StartEndOfPredefinedRelativePeriod { range, which }) => {
                Moment::StartEndOfPredefinedRelativePeriod { range, which }
            }
            None => Moment::Raw(v),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn round_trip<T: Serialize + for<'de> Deserialize<'de>>(v: Value) -> T {
        let typed: T = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(serde_json::to_value(&typed).unwrap(), v);
        typed
    }

    #[test]
    fn every_typed_kind_round_trips() {
        for v in [
            json!({"type": "text", "mode": "phrase", "value": "a b"}),
            json!({"type": "term", "values": ["draft", "sent"]}),
            json!({"type": "reference", "reference_type": "user", "object_ids": ["user_abc"]}),
            json!({"type": "number_range", "gt": 1}),
            json!({"type": "number_range", "gte": 1.5, "lt": 10}),
            json!({"type": "boolean", "value": true}),
            json!({"type": "exists"}),
            json!({"type": "current_user"}),
            json!({"type": "moment_range", "before": null,
                   "on_or_after": {"type": "fixed_local_date", "value": "2025-12-03", "which": "start"}}),
        ] {
            let c: Condition = round_trip(v.clone());
            assert!(!matches!(c, Condition::Raw(_)), "{v}");
        }
    }

    #[test]
    fn unknown_kinds_and_members_stay_raw() {
        for v in [
            json!({"type": "geo_distance", "km": 5}),
            json!({"type": "exists", "strict": true}),
            json!({"type": "text", "value": "x"}),
            json!({"type": "number_range", "gt": null}),
        ] {
            let c: Condition = round_trip(v.clone());
            assert_eq!(c, Condition::Raw(v));
        }
    }

    #[test]
    fn moments_round_trip() {
        let offset = json!({
            "type": "offset", "direction": "past", "moment": {"type": "now"},
            "offset": {"years": 0, "months": 0, "weeks": 0, "days": 2, "hours": 0,
                       "minutes": 0, "seconds": 0},
            "which_day_end": "start"
        });
        let m: Moment = round_trip(offset.clone());
        assert_eq!(m, Moment::ago(Offset::days(2)));
        let period = json!({"type": "start_end_of_predefined_relative_period",
                            "range": "today", "which": "end"});
        assert!(matches!(
            round_trip::<Moment>(period),
            Moment::StartEndOfPredefinedRelativePeriod { .. }
        ));
        let odd = json!({"type": "offset", "direction": "past", "moment": {"type": "now"}});
        assert!(matches!(round_trip::<Moment>(odd), Moment::Raw(_)));
    }

    #[test]
    fn empty_conditions_are_refused() {
        assert!(Condition::term(Vec::<String>::new()).problem().is_some());
        assert!(Condition::reference("user", Vec::<String>::new())
            .problem()
            .is_some());
        assert!(Condition::number(NumberRange::new()).problem().is_some());
        assert!(Condition::MomentRange(MomentRange::new())
            .problem()
            .is_some());
        assert!(Condition::text(TextMode::Phrase, " ").problem().is_some());
        assert!(Condition::Raw(json!("x")).problem().is_some());
        assert!(Condition::greater_than(0).problem().is_none());
        assert!(Condition::Exists.problem().is_none());
    }

    #[test]
    fn naive_timestamps_are_sent_with_an_offset() {
        let naive: Timestamp = "2024-01-02T03:04:05".parse().unwrap();
        let with: Timestamp = "2024-01-02T03:04:05+00:00".parse().unwrap();
        assert_eq!(
            Moment::utc(&naive),
            Moment::FixedUtc {
                value: "2024-01-02T03:04:05Z".into()
            }
        );
        assert_eq!(
            Moment::utc(&with),
            Moment::FixedUtc {
                value: "2024-01-02T03:04:05+00:00".into()
            }
        );
    }
}
