//! Close's event log: the typed [`Event`] (shared with webhooks, feature `webhooks` or
//! `events`), and with feature `events` the log's filters, its cursor pages and a follower
//! that polls for new events and resumes from a stored position ([`EventFollower`]).
//!
//! What Close's Event Log page (developer.close.com/api/resources/events) says and this
//! module relies on: the log keeps 30 days; events come newest first by `date_updated`;
//! quick successive changes to one object are consolidated into one event whose
//! `date_updated` moves; `GET /event/` pages with `_cursor` (`cursor_next` = older) and
//! `_limit` (at most 50), not `_skip`; only some filter combinations are supported; and, for
//! new events, "we recommend to scan the latest five minutes of events".
//!
//! `client.events().get(id)` and `client.events().list()` are the operations as Close's
//! document has them: a JSON object each, one page (the document has no `_cursor`).
//! `EventsExt` (feature `events`) reads them typed: `client.get_event(id)`,
//! `client.list_events(filter, n)` (every page, following the cursor) and
//! `client.follow_events(..)`.

mod event;
#[cfg(feature = "events")]
mod follow;
#[cfg(feature = "events")]
mod log;
mod typed;

pub use event::{Action, Event, EventMeta, ObjectType};
#[cfg(feature = "events")]
pub use follow::{EventFollower, FollowOptions, FollowPosition};
#[cfg(feature = "events")]
pub(crate) use log::{below, check_page_size, undecodable};
#[cfg(feature = "events")]
pub use log::{EventFilter, EventPage, EventQuery, MAX_EVENT_PAGE_SIZE};
pub use typed::EventData;

/// The requests of `/event/` that [`client.events()`](crate::Client::events) returns
/// (`client.events().list()`, `client.events().get(id)`).
#[cfg(feature = "events")]
pub use crate::generated::by_resource::events::builder;
