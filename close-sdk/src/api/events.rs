//! `EventsExt`: the event log as a paginated stream, one event, and a follower.

use std::future::Future;

use futures_util::stream::{self, TryStreamExt};

use progenitor_client::encode_path;

use super::call::path_id;
use super::pagination::Paginated;
use super::request::send;
use crate::events::{
    Event, EventFilter, EventFollower, EventPage, EventQuery, FollowOptions, FollowPosition,
};
use crate::{Client, Error};

/// The event log (`/event/`) as calls.
///
/// ```no_run
/// use close_sdk::events::{EventFilter, FollowOptions, FollowPosition};
/// use close_sdk::prelude::*;
///
/// # async fn run(client: Client, stored: Option<FollowPosition>) -> Result<(), Error> {
/// // One lead's history (the log keeps 30 days), newest first.
/// let mut events = client.list_events(EventFilter::new().lead_id("lead_…"), 50);
/// while let Some(e) = events.next().await {
///     let e = e?;
///     println!("{} {} {}", e.object_type, e.action, e.id);
/// }
///
/// // New events as they arrive, resumable.
/// let start = stored.unwrap_or_else(FollowPosition::latest);
/// let mut follower = client.follow_events(EventFilter::new(), start, FollowOptions::default())?;
/// loop {
///     let event = follower.next().await?;
///     println!("{} {}", event.object_type, event.action);
///     let position = serde_json::to_string(follower.position()).unwrap_or_default();
///     // … store `position` after handling the event; resume from it after a restart.
/// #   let _ = position; break;
/// }
/// # Ok(()) }
/// ```
pub trait EventsExt {
    /// `GET /event/`: the events `filter` selects, newest first, `page_size` (1 to 50) per
    /// request, following `cursor_next`. An unsupported filter combination or page size makes
    /// the stream yield [`Error::InvalidRequest`] without a request. An entry that does not
    /// decode as [`Event`] is yielded once as [`Error::InvalidResponse`] naming its id, and the
    /// listing goes on.
    fn list_events(&self, filter: EventFilter, page_size: u32) -> Paginated<Event>;

    /// `GET /event/{id}/`: one event.
    fn get_event(&self, id: &str) -> impl Future<Output = Result<Event, Error>> + Send;

    /// Follows the log from `position`: see [`EventFollower`]. The filter may not carry a
    /// `date_updated` range (the position sets it).
    fn follow_events(
        &self,
        filter: EventFilter,
        position: FollowPosition,
        options: FollowOptions,
    ) -> Result<EventFollower, Error>;
}

impl EventsExt for Client {
    #[inline]
    fn list_events(&self, filter: EventFilter, page_size: u32) -> Paginated<Event> {
        if let Err(e) = filter
            .validate()
            .and_then(|()| crate::events::check_page_size(page_size))
        {
            return Paginated::failed(e);
        }
        let client = self.clone();
        let fetch = move |query: EventQuery| {
            let client = client.clone();
            async move { fetch_page(&client, query).await }
        };
        Paginated::from_stream(list(filter, page_size, fetch))
    }

    #[inline]
    async fn get_event(&self, id: &str) -> Result<Event, Error> {
        let id = path_id("events_get", "id", id)?;
        send(
            self,
            "events_get",
            reqwest::Method::GET,
            &format!("/event/{}/", encode_path(id)),
            &[],
            None::<&()>,
        )
        .await
    }

    #[inline]
    fn follow_events(
        &self,
        filter: EventFilter,
        position: FollowPosition,
        options: FollowOptions,
    ) -> Result<EventFollower, Error> {
        let client = self.clone();
        EventFollower::new(filter, position, options, move |query: EventQuery| {
            let client = client.clone();
            async move { fetch_page(&client, query).await }
        })
    }
}

#[inline]
async fn fetch_page(client: &Client, query: EventQuery) -> Result<EventPage, Error> {
    send(
        client,
        "events_list",
        reqwest::Method::GET,
        "/event/",
        &query.pairs,
        None::<&()>,
    )
    .await
}

/// The events of `filter`, newest first, page by page with `cursor_next`. Ends at a page
/// without a next cursor, an empty page, a cursor seen before (a server repeating itself), or
/// the first event older than the filter's lower `date_updated` bound (cursor pages are sent
/// without the range, as Close asks).
#[inline]
pub(crate) fn list<F, Fut>(
    filter: EventFilter,
    page_size: u32,
    fetch: F,
) -> impl futures_core::Stream<Item = Result<Event, Error>> + Send + 'static
where
    F: FnMut(EventQuery) -> Fut + Send + 'static,
    Fut: Future<Output = Result<EventPage, Error>> + Send + 'static,
{
    struct State<F> {
        fetch: F,
        filter: EventFilter,
        cursor: Option<String>,
        seen_cursors: Vec<String>,
        done: bool,
    }
    let state = State {
        fetch,
        filter,
        cursor: None,
        seen_cursors: Vec::new(),
        done: false,
    };
    stream::try_unfold(state, move |mut st| async move {
        if st.done {
            return Ok::<_, Error>(None);
        }
        let query = EventQuery::new(&st.filter, page_size, st.cursor.as_deref());
        let page = (st.fetch)(query).await?;
        let bound = st.filter.lower_bound();
        let mut events = Vec::with_capacity(page.data.len());
        let mut reached_bound = false;
        for e in page.data {
            if crate::events::below(&e, bound) {
                reached_bound = true;
                break;
            }
            events.push(Ok(e));
        }
        // An entry that does not decode is reported (once, after the page's events) and the
        // listing goes on.
        for value in &page.undecodable {
            let (_, date, error) = crate::events::undecodable(value);
            let older =
                matches!((bound, &date), (Some((t, _)), Some(d)) if d.offset_date_time() < t);
            if !older {
                events.push(Err(error));
            }
        }
        match page.cursor_next {
            Some(next)
                if !reached_bound && !events.is_empty() && !st.seen_cursors.contains(&next) =>
            {
                st.seen_cursors.push(next.clone());
                st.cursor = Some(next);
            }
            _ => st.done = true,
        }
        Ok(Some((stream::iter(events), st)))
    })
    .try_flatten()
}
