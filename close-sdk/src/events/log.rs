//! `GET /event/`: the filters Close supports and its cursor pagination.
//!
//! From Close's Event Log page: events come newest first (by `date_updated`); a page is
//! `{data, cursor_next, cursor_previous}`, `cursor_next` leading to older events; `_limit` is
//! "capped at and defaulting to 50"; `_skip` is not supported; "you still need to supply any
//! other filters (except for `date_updated`) that were used in the previous query" with
//! `_cursor`. Only some filter combinations are supported (listed in [`EventFilter::validate`]).

use serde::Deserialize;
use serde_json::Value;
use time::OffsetDateTime;

use super::event::{Action, Event, ObjectType};
use crate::{Error, Timestamp};

/// Close's largest (and default) `_limit` for the event log.
pub const MAX_EVENT_PAGE_SIZE: u32 = 50;

/// Which events to list: Close's filters (in the combinations it supports) and a
/// `date_updated` range.
///
/// ```
/// use close_sdk::events::{Action, EventFilter, ObjectType};
///
/// let f = EventFilter::new().object_type(ObjectType::Lead).action(Action::Deleted);
/// assert!(f.validate().is_ok());
/// assert!(EventFilter::new().action(Action::Deleted).validate().is_err()); // unsupported alone
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventFilter {
    object_type: Option<ObjectType>,
    object_id: Option<String>,
    action: Option<Action>,
    lead_id: Option<String>,
    user_id: Option<String>,
    request_id: Option<String>,
    updated_after: Option<Timestamp>,
    updated_since: Option<Timestamp>,
    updated_before: Option<Timestamp>,
    updated_until: Option<Timestamp>,
}

const OBJECT_TYPE: u8 = 1;
const OBJECT_ID: u8 = 2;
const ACTION: u8 = 4;
const LEAD: u8 = 8;
const USER: u8 = 16;
const REQUEST: u8 = 32;

/// The combinations Close's Event Log page lists (plus no filter at all).
const SUPPORTED: [u8; 16] = [
    0,
    OBJECT_TYPE | OBJECT_ID,
    OBJECT_TYPE | ACTION,
    OBJECT_ID | ACTION,
    LEAD | OBJECT_TYPE,
    LEAD | OBJECT_TYPE | ACTION,
    LEAD | USER | OBJECT_TYPE,
    LEAD | USER | OBJECT_TYPE | ACTION,
    LEAD | USER,
    USER | OBJECT_ID,
    USER | OBJECT_ID | ACTION,
    USER | OBJECT_TYPE,
    USER | OBJECT_TYPE | ACTION,
    LEAD,
    USER,
    REQUEST,
];

impl EventFilter {
    /// No filter: the whole log (30 days).
    pub fn new() -> Self {
        Self::default()
    }

    /// `object_type=` (e.g. `lead`, `activity.call`).
    pub fn object_type(mut self, object_type: impl Into<ObjectType>) -> Self {
        self.object_type = Some(object_type.into());
        self
    }

    /// `object_id=`: events of that object only, not of related objects.
    pub fn object_id(mut self, id: impl Into<String>) -> Self {
        self.object_id = Some(id.into());
        self
    }

    /// `action=` (e.g. `deleted`).
    pub fn action(mut self, action: impl Into<Action>) -> Self {
        self.action = Some(action.into());
        self
    }

    /// `lead_id=`: events of the lead and its contacts, activities, opportunities and tasks.
    pub fn lead_id(mut self, id: impl Into<String>) -> Self {
        self.lead_id = Some(id.into());
        self
    }

    /// `user_id=`: events the user caused.
    pub fn user_id(mut self, id: impl Into<String>) -> Self {
        self.user_id = Some(id.into());
        self
    }

    /// `request_id=`: events of one API request.
    pub fn request_id(mut self, id: impl Into<String>) -> Self {
        self.request_id = Some(id.into());
        self
    }

    /// `date_updated__gt=`
    pub fn updated_after(mut self, t: Timestamp) -> Self {
        self.updated_after = Some(t);
        self
    }

    /// `date_updated__gte=`
    pub fn updated_since(mut self, t: Timestamp) -> Self {
        self.updated_since = Some(t);
        self
    }

    /// `date_updated__lt=`
    pub fn updated_before(mut self, t: Timestamp) -> Self {
        self.updated_before = Some(t);
        self
    }

    /// `date_updated__lte=`
    pub fn updated_until(mut self, t: Timestamp) -> Self {
        self.updated_until = Some(t);
        self
    }

    /// Refuses what Close does not support: ids that are empty or contain whitespace, and filter
    /// combinations other than those its Event Log page lists: `object_type` with `object_id`
    /// or `action`; `object_id` with `action`; `lead_id` with `object_type` (and `action`);
    /// `lead_id` with `user_id` (and `object_type`, and `action`); `user_id` with `object_id`
    /// (and `action`) or with `object_type` (and `action`); or `lead_id`, `user_id`,
    /// `request_id` alone. The `date_updated` range goes with any of them.
    pub fn validate(&self) -> Result<(), Error> {
        let ids = [
            (
                "object_type",
                self.object_type.as_ref().map(|t| t.as_str().into_owned()),
            ),
            ("object_id", self.object_id.clone()),
            (
                "action",
                self.action.as_ref().map(|a| a.as_str().into_owned()),
            ),
            ("lead_id", self.lead_id.clone()),
            ("user_id", self.user_id.clone()),
            ("request_id", self.request_id.clone()),
        ];
        let mut mask = 0u8;
        for (bit, (name, value)) in ids.iter().enumerate() {
            if let Some(v) = value {
                if v.is_empty() || v.chars().any(|c| c.is_whitespace() || c.is_control()) {
                    return Err(Error::InvalidRequest(format!(
                        "event filter {name} {v:?} is empty or contains whitespace"
                    )));
                }
                mask |= 1 << bit;
            }
        }
        if SUPPORTED.contains(&mask) {
            return Ok(());
        }
        let used: Vec<&str> = ids
            .iter()
            .filter(|(_, v)| v.is_some())
            .map(|(n, _)| *n)
            .collect();
        Err(Error::InvalidRequest(format!(
            "Close's event log does not support filtering by {} together; see EventFilter::validate",
            used.join(" + ")
        )))
    }

    /// The lower `date_updated` bound, as an instant and whether it is inclusive.
    pub(crate) fn lower_bound(&self) -> Option<(OffsetDateTime, bool)> {
        match (&self.updated_since, &self.updated_after) {
            (Some(gte), Some(gt)) if gt.offset_date_time() >= gte.offset_date_time() => {
                Some((gt.offset_date_time(), false))
            }
            (Some(gte), _) => Some((gte.offset_date_time(), true)),
            (None, Some(gt)) => Some((gt.offset_date_time(), false)),
            (None, None) => None,
        }
    }

    /// The query pairs: the filters, plus the `date_updated` range unless `with_dates` is false
    /// (pages after the first, per Close's cursor rule).
    pub(crate) fn query(&self, with_dates: bool) -> Vec<(&'static str, String)> {
        let mut q = Vec::new();
        let mut push = |name, value: Option<String>| {
            if let Some(v) = value {
                q.push((name, v));
            }
        };
        push(
            "object_type",
            self.object_type.as_ref().map(|t| t.as_str().into_owned()),
        );
        push("object_id", self.object_id.clone());
        push(
            "action",
            self.action.as_ref().map(|a| a.as_str().into_owned()),
        );
        push("lead_id", self.lead_id.clone());
        push("user_id", self.user_id.clone());
        push("request_id", self.request_id.clone());
        if with_dates {
            let at = |t: &Option<Timestamp>| t.as_ref().map(|t| format_time(t.offset_date_time()));
            push("date_updated__gt", at(&self.updated_after));
            push("date_updated__gte", at(&self.updated_since));
            push("date_updated__lt", at(&self.updated_before));
            push("date_updated__lte", at(&self.updated_until));
        }
        q
    }
}

/// One page of the event log.
///
/// Each event is decoded on its own: one that does not decode as [`Event`] (e.g. not an
/// object, or without a text `id`) does not fail the page; it is kept, raw, in
/// [`EventPage::undecodable`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventPage {
    /// The events, newest first.
    pub data: Vec<Event>,
    /// The cursor to the next (older) page, `None` at the end.
    pub cursor_next: Option<String>,
    /// The cursor to the previous (newer) page.
    pub cursor_previous: Option<String>,
    /// The entries of `data` that did not decode as [`Event`], as sent.
    pub undecodable: Vec<Value>,
}

impl<'de> Deserialize<'de> for EventPage {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Raw {
            #[serde(default)]
            data: Option<Vec<Value>>,
            #[serde(default)]
            cursor_next: Option<String>,
            #[serde(default)]
            cursor_previous: Option<String>,
        }
        let raw = Raw::deserialize(d)?;
        let mut page = EventPage {
            cursor_next: raw.cursor_next,
            cursor_previous: raw.cursor_previous,
            ..EventPage::default()
        };
        for value in raw.data.unwrap_or_default() {
            match Event::deserialize(&value) {
                Ok(event) => page.data.push(event),
                Err(_) => page.undecodable.push(value),
            }
        }
        Ok(page)
    }
}

/// An event-log entry that did not decode: its `id` (as text, whatever it was) and
/// `date_updated` (when readable), and the error to report it with.
pub(crate) fn undecodable(value: &Value) -> (String, Option<Timestamp>, Error) {
    let id = match value.get("id") {
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => "(no id)".to_string(),
    };
    let date = value
        .get("date_updated")
        .and_then(|d| Timestamp::deserialize(d).ok());
    let why = Event::deserialize(value)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    // The message quotes the entry (its id, the decoder's words): without its secrets.
    let entry = serde_json::to_vec(value).unwrap_or_default();
    let error = Error::InvalidResponse(crate::redact::message(
        &format!("event log entry {id} does not decode as an event ({why}); it is skipped"),
        &entry,
    ));
    (id, date, error)
}

/// What one event-log request asks for: the query pairs to send to `GET /event/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventQuery {
    /// `(name, value)` pairs, including `_limit` and, after the first page, `_cursor`.
    pub pairs: Vec<(&'static str, String)>,
}

impl EventQuery {
    pub(crate) fn new(filter: &EventFilter, limit: u32, cursor: Option<&str>) -> Self {
        let mut pairs = filter.query(cursor.is_none());
        pairs.push(("_limit", limit.to_string()));
        if let Some(c) = cursor {
            pairs.push(("_cursor", c.to_string()));
        }
        EventQuery { pairs }
    }

    /// The value of `name`, if sent.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A page size Close accepts for the event log: 1 to 50.
pub(crate) fn check_page_size(size: u32) -> Result<(), Error> {
    if (1..=MAX_EVENT_PAGE_SIZE).contains(&size) {
        Ok(())
    } else {
        Err(Error::InvalidRequest(format!(
            "event log page size {size} is outside 1..={MAX_EVENT_PAGE_SIZE} (Close caps `_limit` at 50)"
        )))
    }
}

/// Whether `event` is older than the lower bound (so listing, newest first, can stop).
pub(crate) fn below(event: &Event, bound: Option<(OffsetDateTime, bool)>) -> bool {
    match (bound, &event.date_updated) {
        (Some((t, inclusive)), Some(d)) => {
            let d = d.offset_date_time();
            if inclusive {
                d < t
            } else {
                d <= t
            }
        }
        _ => false,
    }
}

/// A `date_updated` filter value: UTC with microseconds, the way Close writes its dates.
pub(crate) fn format_time(t: OffsetDateTime) -> String {
    let u = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}+00:00",
        u.year(),
        u8::from(u.month()),
        u.day(),
        u.hour(),
        u.minute(),
        u.second(),
        u.microsecond()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn every_documented_combination_is_accepted_and_others_refused() {
        let f = EventFilter::new;
        for ok in [
            f(),
            f().object_type("lead").object_id("lead_1"),
            f().object_id("lead_1").action("deleted"),
            f().lead_id("lead_1")
                .user_id("user_1")
                .object_type("lead")
                .action("created"),
            f().user_id("user_1").object_type("activity.call"),
            f().request_id("req_1")
                .updated_since(ts("2024-01-01T00:00:00")),
            f().lead_id("lead_1"),
        ] {
            assert!(ok.validate().is_ok(), "{ok:?}");
        }
        for bad in [
            f().action("deleted"),
            f().object_type("lead"),
            f().request_id("req_1").lead_id("lead_1"),
            f().lead_id("lead_1").object_id("x"),
            f().lead_id(" "),
        ] {
            assert!(bad.validate().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn dates_go_only_on_the_first_page_and_as_utc() {
        let filter = EventFilter::new()
            .lead_id("lead_1")
            .updated_since(ts("2019-01-15T13:48:23.395+01:00"));
        let first = EventQuery::new(&filter, 50, None);
        assert_eq!(
            first.get("date_updated__gte"),
            Some("2019-01-15T12:48:23.395000+00:00")
        );
        assert_eq!(first.get("_cursor"), None);
        let next = EventQuery::new(&filter, 50, Some("c2"));
        assert_eq!(next.get("date_updated__gte"), None);
        assert_eq!(
            (next.get("lead_id"), next.get("_cursor")),
            (Some("lead_1"), Some("c2"))
        );
        assert!(check_page_size(0).is_err() && check_page_size(51).is_err());
    }
}
