//! Close's offset pagination (`_skip`/`_limit`, answered with `{data, has_more}`) as an async
//! [`Stream`] of items.
//!
//! A [`Paginated`] fetches one page when its buffer runs dry and it is polled again, so dropping
//! it (or stopping early) sends no further request: it spawns nothing and reads nothing ahead,
//! and a page request in flight when it is dropped is dropped with it. It ends after a page with
//! `has_more: false`, after an empty page (even if Close says there is more), or with the first
//! error, which it yields; Close's 400 for a `_limit` or `_skip` over the resource's maximum
//! arrives that way.
//!
//! A misbehaving server cannot make it loop: a page that repeats one already received (a server
//! that ignores `_skip`, or cycles: the same number of items, starting and ending with the same
//! items) ends the stream with [`Error::Decode`] instead of yielding its items again, and no stream requests more than [`MAX_PAGES`] pages. Close documents a per-resource maximum `_skip` but publishes no number, so the cap is
//! the SDK's own, far above what offset pagination is meant for (Close recommends narrowing the
//! query, e.g. by `date_created`, or its Export API, for long lists).

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::hash::Hasher;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use futures_core::Stream;
use futures_util::stream::{self, StreamExt, TryStreamExt};
use serde::Serialize;

use crate::Error;

/// The page size used unless [`ListOptions::page_size`] says otherwise (Close's own default).
pub const DEFAULT_PAGE_SIZE: u32 = 100;

/// The most pages one [`Paginated`] requests (a million items at the default page size). The
/// request for the page after it is not sent: the stream ends with [`Error::InvalidRequest`].
pub const MAX_PAGES: u32 = 10_000;

/// How to list: page size and, where the endpoint supports it, `_fields`.
///
/// ```
/// use close_sdk::ListOptions;
/// let opts = ListOptions::default().page_size(50).fields(["name"]);
/// assert_eq!(opts.get_page_size(), 50);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListOptions {
    page_size: u32,
    fields: Vec<String>,
}

impl Default for ListOptions {
    fn default() -> Self {
        ListOptions {
            page_size: DEFAULT_PAGE_SIZE,
            fields: Vec::new(),
        }
    }
}

impl ListOptions {
    /// Items per request (`_limit`), at least 1. Close answers 400 above a per-resource maximum
    /// it does not publish; the stream then ends with that error.
    pub fn page_size(mut self, page_size: u32) -> Self {
        self.page_size = page_size;
        self
    }

    /// Fields to return (`_fields`, sent comma-separated, as asked: nothing is added). Every
    /// member of the typed items is optional, so whatever subset Close sends decodes. Only for
    /// lists whose endpoint documents `_fields` (leads, contacts, opportunities, tasks, the
    /// generic activity list, groups, …: the operation table says which); the others refuse the
    /// option with [`crate::Error::InvalidRequest`] without sending anything.
    pub fn fields<I, S>(mut self, fields: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.fields = fields.into_iter().map(Into::into).collect();
        self
    }

    /// The page size.
    pub fn get_page_size(&self) -> u32 {
        self.page_size
    }

    /// The requested fields (empty: all).
    pub fn get_fields(&self) -> &[String] {
        &self.fields
    }
}

/// Which slice of a list to fetch: `_skip` and `_limit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    /// Items to skip (`_skip`).
    pub skip: u64,
    /// Items to return at most (`_limit`).
    pub limit: u32,
}

/// One page of a list: its items and whether Close has more after them.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The items (`data`).
    pub items: Vec<T>,
    /// `has_more`.
    pub has_more: bool,
}

impl<T> Page<T> {
    /// A page from a list envelope's `data` and `has_more`, both needed (an envelope without
    /// them is [`Error::InvalidResponse`] naming the member).
    #[cfg_attr(not(feature = "full"), allow(dead_code))] // used by the list calls of some features
    pub(crate) fn from_envelope(
        data: Option<Vec<T>>,
        has_more: Option<bool>,
    ) -> Result<Self, Error> {
        Ok(Page {
            items: data.ok_or_else(|| Error::InvalidResponse("the answer has no `data`".into()))?,
            has_more: has_more
                .ok_or_else(|| Error::InvalidResponse("the answer has no `has_more`".into()))?,
        })
    }
}

/// The pages of a list, each the items of one response.
type PageStream<T> = Pin<Box<dyn Stream<Item = Result<Vec<T>, Error>> + Send>>;

/// The items of a paginated list, fetched page by page as they are consumed.
///
/// Use it as a [`Stream`] (with `futures::StreamExt`), or with its own [`Paginated::next`] and
/// [`Paginated::collect_all`].
///
/// ```no_run
/// use close_sdk::prelude::*;
///
/// # async fn run(client: Client) -> Result<(), Error> {
/// let mut users = client.list_users(ListOptions::default().page_size(50));
/// while let Some(user) = users.next().await {
///     println!("{:?}", user?.id);
/// }
/// # Ok(()) }
/// ```
#[must_use = "a Paginated does nothing until it is polled"]
pub struct Paginated<T> {
    /// One future per page, not per item: an item is handed out from `buffer` without touching
    /// the (much larger) state of the page request.
    pages: PageStream<T>,
    buffer: std::vec::IntoIter<T>,
}

// Nothing in a `Paginated` is pinned in place: `pages` is boxed and `buffer` is only moved from.
impl<T> Unpin for Paginated<T> {}

struct State<F, T> {
    fetch: F,
    next: PageRequest,
    last_page: bool,
    guard: LoopGuard,
    print: PagePrint<T>,
}

/// How a stream tells a page it has already received ([`LoopGuard`]).
pub(crate) enum PagePrint<T> {
    /// By its length and its first and last items as JSON ([`fingerprint`]): any `Serialize`
    /// item (the public [`Paginated::new`]).
    Whole(fn(&[T]) -> Option<u64>),
    /// By its length and its first and last items' ids (the generated lists whose items have
    /// an `id`, as Close's objects do): nothing is serialised, and no serialiser is compiled per
    /// item type. A page whose first or last item has no id (a `_fields` list without `id`, a
    /// broken server) is told by `fallback` ([`PagePrint::ids`]: their `Debug` text).
    #[allow(dead_code)] // a build whose lists all answer in one piece
    Ids {
        /// The item's id.
        id: fn(&T) -> Option<&str>,
        /// The print of a page whose end items have no id.
        fallback: fn(&[T]) -> Option<u64>,
    },
    /// Not compared (a list of one answer, which cannot repeat).
    Never,
}

impl<T: fmt::Debug> PagePrint<T> {
    /// [`PagePrint::Ids`] by `id`, with the `Debug` text of the end items for a page without
    /// ids (the item's `Debug` impl is compiled anyway; no serialiser is).
    #[allow(dead_code)] // a build whose lists all answer in one piece
    pub(crate) fn ids(id: fn(&T) -> Option<&str>) -> Self {
        PagePrint::Ids {
            id,
            fallback: debug_print::<T>,
        }
    }
}

/// A 64-bit hash of a non-empty page: its length and its first and last items' `Debug` text.
fn debug_print<T: fmt::Debug>(items: &[T]) -> Option<u64> {
    let (first, last) = (items.first()?, items.last()?);
    let text = format!("{first:?}\u{0}{last:?}");
    let mut hasher = DefaultHasher::new();
    hasher.write_usize(items.len());
    hasher.write(text.as_bytes());
    Some(hasher.finish())
}

impl<T> PagePrint<T> {
    /// The print of `items`, or `None` for a page that is not compared.
    fn of(&self, items: &[T]) -> Option<u64> {
        match self {
            PagePrint::Whole(print) => print(items),
            PagePrint::Ids { id, fallback } => {
                let first = id(items.first()?).filter(|id| !id.is_empty());
                let last = id(items.last()?).filter(|id| !id.is_empty());
                match (first, last) {
                    (Some(first), Some(last)) => Some(ids_print(items.len(), first, last)),
                    _ => fallback(items),
                }
            }
            PagePrint::Never => None,
        }
    }
}

impl<T: Serialize + Send + 'static> Paginated<T> {
    /// Pages through a list with `fetch`, which gets each page's `_skip`/`_limit`.
    ///
    /// `_skip` advances by the number of items received, so a server that returns fewer than
    /// `_limit` items skips nothing. A `page_size` of 0 gives a stream that yields one
    /// [`Error::InvalidRequest`] and sends nothing. A page with as many items as an earlier one
    /// and the same first and last items (compared as JSON) repeats it and ends the stream with
    /// [`Error::Decode`] (so items must be distinguishable, as Close's are by their `id`), and at
    /// most [`MAX_PAGES`] pages are requested.
    ///
    /// ```
    /// use close_sdk::pagination::{Page, PageRequest, Paginated};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let numbers = Paginated::new(2, |p: PageRequest| async move {
    ///     let items: Vec<u64> = (p.skip..(p.skip + u64::from(p.limit)).min(5)).collect();
    ///     Ok(Page { has_more: p.skip + u64::from(p.limit) < 5, items })
    /// });
    /// assert_eq!(numbers.collect_all().await.unwrap(), vec![0, 1, 2, 3, 4]);
    /// # }
    /// ```
    pub fn new<F, Fut>(page_size: u32, fetch: F) -> Self
    where
        F: FnMut(PageRequest) -> Fut + Send + 'static,
        Fut: Future<Output = Result<Page<T>, Error>> + Send + 'static,
    {
        Self::starting_at(page_size, 0, fetch)
    }

    /// Like [`Paginated::new`], the first page at `_skip` = `first_skip` instead of 0 (a list
    /// request whose caller set `_skip`); the loop guard and its messages count from there.
    pub(crate) fn starting_at<F, Fut>(page_size: u32, first_skip: u64, fetch: F) -> Self
    where
        F: FnMut(PageRequest) -> Fut + Send + 'static,
        Fut: Future<Output = Result<Page<T>, Error>> + Send + 'static,
    {
        Self::printed(
            page_size,
            first_skip,
            PagePrint::Whole(fingerprint::<T>),
            None,
            fetch,
        )
    }
}

impl<T: Send + 'static> Paginated<T> {
    /// [`Paginated::starting_at`], telling a repeated page by `print`.
    pub(crate) fn printed<F, Fut>(
        page_size: u32,
        first_skip: u64,
        print: PagePrint<T>,
        operation: Option<&'static str>,
        fetch: F,
    ) -> Self
    where
        F: FnMut(PageRequest) -> Fut + Send + 'static,
        Fut: Future<Output = Result<Page<T>, Error>> + Send + 'static,
    {
        if page_size == 0 {
            return Self::failed(Error::InvalidRequest("page size must be at least 1".into()));
        }
        let state = State {
            fetch,
            next: PageRequest {
                skip: first_skip,
                limit: page_size,
            },
            last_page: false,
            guard: LoopGuard {
                operation,
                ..LoopGuard::default()
            },
            print,
        };
        let pages = stream::try_unfold(state, |mut st| async move {
            if st.last_page {
                return Ok(None);
            }
            st.guard.before_fetch()?;
            let page = (st.fetch)(st.next).await?;
            let print = st.print.of(&page.items);
            st.guard.check_new(st.next.skip, page.items.len(), print)?;
            let received = page.items.len();
            st.last_page = !page.has_more || received == 0;
            st.next.skip = st.next.skip.saturating_add(received as u64);
            Ok(Some((page.items, st)))
        });
        Paginated {
            pages: Box::pin(pages),
            buffer: Vec::new().into_iter(),
        }
    }
}

impl<T: Send + 'static> Paginated<T> {
    /// A paginated list over any stream of items (e.g. the event log's cursor pages).
    #[cfg_attr(not(feature = "events"), allow(dead_code))]
    pub(crate) fn from_stream(
        stream: impl Stream<Item = Result<T, Error>> + Send + 'static,
    ) -> Self {
        // Each item as a page of one (the event log's items come one by one).
        Paginated {
            pages: Box::pin(stream.map(|item| item.map(|item| vec![item]))),
            buffer: Vec::new().into_iter(),
        }
    }

    /// The same items, from at most `max` pages: a page after them ends the stream with
    /// [`Error::InvalidRequest`]`(message)` instead of its items (its request has been sent; none
    /// after it is). For a caller whose cap is lower than [`MAX_PAGES`].
    #[cfg_attr(not(feature = "custom-fields"), allow(dead_code))]
    pub(crate) fn at_most_pages(self, max: u32, message: String) -> Self {
        let Paginated { pages, buffer } = self;
        let capped = stream::unfold((pages, 0u32, false), move |(mut pages, n, done)| {
            let message = message.clone();
            async move {
                if done {
                    return None;
                }
                match pages.next().await? {
                    Ok(_) if n >= max => {
                        Some((Err(Error::InvalidRequest(message)), (pages, n, true)))
                    }
                    Ok(items) => Some((Ok(items), (pages, n + 1, false))),
                    Err(e) => Some((Err(e), (pages, n, true))),
                }
            }
        });
        Paginated {
            pages: Box::pin(capped),
            buffer,
        }
    }

    /// A stream that yields `error` once and ends, sending nothing (for invalid input).
    pub(crate) fn failed(error: Error) -> Self {
        Paginated {
            pages: Box::pin(stream::once(async move { Err(error) })),
            buffer: Vec::new().into_iter(),
        }
    }

    /// The next item: `None` at the end, `Some(Err(..))` once if a page failed (then `None`).
    pub async fn next(&mut self) -> Option<Result<T, Error>> {
        StreamExt::next(self).await
    }

    /// Every remaining item, or the first error.
    pub async fn collect_all(self) -> Result<Vec<T>, Error> {
        self.try_collect().await
    }
}

impl<T> Stream for Paginated<T> {
    type Item = Result<T, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        // Bounded: a page refills the buffer, and an empty page is the last one.
        loop {
            if let Some(item) = self.buffer.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            match ready!(self.pages.as_mut().poll_next(cx)) {
                Some(Ok(items)) => self.buffer = items.into_iter(),
                Some(Err(e)) => return Poll::Ready(Some(Err(e))),
                None => return Poll::Ready(None),
            }
        }
    }
}

impl<T> fmt::Debug for Paginated<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Paginated").finish_non_exhaustive()
    }
}

/// What one stream has seen of the server's pages, so it notices a server that stops advancing.
#[derive(Debug, Default)]
struct LoopGuard {
    /// The list's operation (named in the error of a repeated page), when known.
    operation: Option<&'static str>,
    /// Pages requested so far.
    pages: u32,
    /// A fingerprint of every non-empty page received, with the `_skip` it answered.
    seen: HashMap<u64, u64>,
}

impl LoopGuard {
    /// Counts the next page request, refusing it past [`MAX_PAGES`].
    fn before_fetch(&mut self) -> Result<(), Error> {
        if self.pages >= MAX_PAGES {
            return Err(Error::InvalidRequest(format!(
                "page {} not requested: the server still says `has_more` after {MAX_PAGES} pages \
                 (the SDK's cap on one list); narrow the query",
                u64::from(MAX_PAGES) + 1
            )));
        }
        self.pages += 1;
        Ok(())
    }

    /// Refuses a page of `len` items with `print` ([`PagePrint::of`]) that repeats one received
    /// earlier in this stream.
    fn check_new(&mut self, skip: u64, len: usize, print: Option<u64>) -> Result<(), Error> {
        let Some(print) = print else {
            return Ok(());
        };
        match self.seen.insert(print, skip) {
            Some(earlier) => {
                let why = format!(
                    "the page at _skip={skip} repeats the page at _skip={earlier} ({len} items): \
                     the server is not advancing through the list, so the stream stops"
                );
                // Named like every error made from an answer: the list's call.
                let context = self.operation.map(|operation| {
                    Box::new(crate::DecodeContext {
                        call: Some(crate::CallSite {
                            operation,
                            method: http::Method::GET,
                            path: std::borrow::Cow::Borrowed(
                                crate::transport::operations::path_template(operation),
                            ),
                        }),
                        content_type: None,
                        type_name: None,
                    })
                });
                Err(Error::Decode {
                    body: format!("{len} items, identical to the page at _skip={earlier}"),
                    source: serde::de::Error::custom(why),
                    context,
                })
            }
            None => Ok(()),
        }
    }
}

/// A 64-bit hash of a non-empty page told by its items' ids: its length and its first and last
/// ids (ids are unique, so for a list that advances two pages never share both ends).
fn ids_print(len: usize, first: &str, last: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    hasher.write_usize(len);
    hasher.write(first.as_bytes());
    hasher.write_u8(0xff);
    hasher.write(last.as_bytes());
    hasher.finish()
}

/// [`PagePrint::Whole`] with [`fingerprint`].
#[allow(dead_code)] // unused only in a build whose lists all have ids
pub(crate) fn whole_print<T: Serialize>() -> PagePrint<T> {
    PagePrint::Whole(fingerprint::<T>)
}

/// A 64-bit hash of a non-empty page: its length and its first and last items as JSON (`None`
/// for an empty page or one that does not serialise). A page is a stretch of the list, so for
/// distinct items the ends and the length say which stretch; hashing every item instead cost
/// as much as decoding the page (serialising 100 Close leads, 340 KB, for every page).
/// Two different pages collide with probability about 2^-64 per pair; a field whose
/// serialisation order varies (a `HashMap`) can only hide a repeat, never invent one.
fn fingerprint<T: Serialize>(items: &[T]) -> Option<u64> {
    let (first, last) = (items.first()?, items.last()?);
    // Written out first and hashed in one go: serde_json writes in small pieces, and feeding
    // each to the hasher costs more than the hashing itself.
    let mut json = Vec::new();
    serde_json::to_writer(&mut json, first).ok()?;
    serde_json::to_writer(&mut json, last).ok()?;
    let mut hasher = DefaultHasher::new();
    hasher.write_usize(items.len());
    hasher.write(&json);
    Some(hasher.finish())
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    fn block_on<F: Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(f)
    }

    /// A list of `total` numbers served `limit` at a time; records every request.
    fn numbers(total: u64, page_size: u32) -> (Paginated<u64>, Arc<Mutex<Vec<PageRequest>>>) {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        let p = Paginated::new(page_size, move |req: PageRequest| {
            log.lock().unwrap().push(req);
            async move {
                let end = (req.skip + u64::from(req.limit)).min(total);
                Ok(Page {
                    items: (req.skip..end).collect(),
                    has_more: end < total,
                })
            }
        });
        (p, seen)
    }

    #[test]
    fn follows_skip_and_limit_until_has_more_is_false() {
        let (p, seen) = numbers(5, 2);
        assert_eq!(block_on(p.collect_all()).unwrap(), vec![0, 1, 2, 3, 4]);
        let skips: Vec<u64> = seen.lock().unwrap().iter().map(|r| r.skip).collect();
        assert_eq!(skips, [0, 2, 4]);
    }

    #[test]
    fn stopping_early_sends_no_further_request() {
        let (mut p, seen) = numbers(100, 10);
        block_on(async {
            for _ in 0..10 {
                p.next().await.unwrap().unwrap();
            }
        });
        drop(p);
        assert_eq!(seen.lock().unwrap().len(), 1);
    }

    #[test]
    fn an_empty_page_ends_the_stream_even_if_close_says_there_is_more() {
        let calls = Arc::new(Mutex::new(0));
        let count = calls.clone();
        let p = Paginated::new(10, move |_| {
            *count.lock().unwrap() += 1;
            async {
                Ok(Page::<u8> {
                    items: vec![],
                    has_more: true,
                })
            }
        });
        assert!(block_on(p.collect_all()).unwrap().is_empty());
        assert_eq!(*calls.lock().unwrap(), 1);
    }

    #[test]
    fn an_error_is_yielded_once_and_ends_the_stream() {
        let mut p = Paginated::new(10, |req: PageRequest| async move {
            if req.skip == 0 {
                Ok(Page {
                    items: vec![1u8],
                    has_more: true,
                })
            } else {
                Err(Error::InvalidRequest("boom".into()))
            }
        });
        block_on(async {
            assert_eq!(p.next().await.unwrap().unwrap(), 1);
            assert!(p.next().await.unwrap().is_err());
            assert!(p.next().await.is_none());
        });
    }

    /// A server that answers every request with `pages[i % len]`, `has_more: true`; counts calls.
    fn repeating(pages: Vec<Vec<u64>>, page_size: u32) -> (Paginated<u64>, Arc<Mutex<usize>>) {
        let calls = Arc::new(Mutex::new(0));
        let count = calls.clone();
        let p = Paginated::new(page_size, move |_| {
            let mut n = count.lock().unwrap();
            let items = pages[*n % pages.len()].clone();
            *n += 1;
            async move {
                Ok(Page {
                    items,
                    has_more: true,
                })
            }
        });
        (p, calls)
    }

    /// Drains `p` (bounded), returning the items and the errors in order.
    fn drain(mut p: Paginated<u64>) -> (Vec<u64>, Vec<Error>) {
        block_on(async {
            let (mut items, mut errors) = (Vec::new(), Vec::new());
            for _ in 0..100_000 {
                match p.next().await {
                    Some(Ok(i)) => items.push(i),
                    Some(Err(e)) => errors.push(e),
                    None => break,
                }
            }
            (items, errors)
        })
    }

    #[test]
    fn a_page_repeating_the_previous_one_ends_the_stream_with_an_error_not_its_items() {
        let (p, calls) = repeating(vec![vec![7, 8]], 100);
        let (items, errors) = drain(p);
        assert_eq!(items, [7, 8], "nothing yielded twice");
        assert_eq!(errors.len(), 1);
        assert!(matches!(errors[0], Error::Decode { .. }), "{:?}", errors[0]);
        let msg = errors[0].to_string();
        assert!(msg.contains("_skip=2 repeats the page at _skip=0"), "{msg}");
        assert_eq!(*calls.lock().unwrap(), 2);
    }

    #[test]
    fn a_server_cycling_through_pages_is_caught_on_the_first_repeat() {
        let (p, calls) = repeating(vec![vec![1, 2], vec![3, 4], vec![5, 6]], 2);
        let (items, errors) = drain(p);
        assert_eq!(items, [1, 2, 3, 4, 5, 6]);
        assert_eq!(errors.len(), 1);
        assert!(errors[0]
            .to_string()
            .contains("_skip=6 repeats the page at _skip=0"));
        assert_eq!(*calls.lock().unwrap(), 4);
    }

    #[test]
    fn a_short_page_claiming_more_is_followed_from_where_it_ended() {
        // Fewer items than asked for is not an error (a server may cap `_limit` itself).
        let log = Arc::new(Mutex::new(Vec::new()));
        let requests = log.clone();
        let p = Paginated::new(10, move |req: PageRequest| {
            requests.lock().unwrap().push(req.skip);
            async move {
                let end = (req.skip + 3).min(7);
                Ok(Page {
                    items: (req.skip..end).collect::<Vec<u64>>(),
                    has_more: end < 7,
                })
            }
        });
        assert_eq!(
            block_on(p.collect_all()).unwrap(),
            (0..7).collect::<Vec<_>>()
        );
        assert_eq!(*log.lock().unwrap(), [0, 3, 6]);
    }

    #[test]
    fn no_stream_requests_more_than_max_pages() {
        let calls = Arc::new(Mutex::new(0u32));
        let count = calls.clone();
        let p = Paginated::new(1, move |req: PageRequest| {
            *count.lock().unwrap() += 1;
            async move {
                Ok(Page {
                    items: vec![req.skip],
                    has_more: true,
                })
            }
        });
        let (items, errors) = drain(p);
        assert_eq!(items.len(), MAX_PAGES as usize);
        assert_eq!(*calls.lock().unwrap(), MAX_PAGES);
        assert_eq!(errors.len(), 1);
        assert!(
            matches!(errors[0], Error::InvalidRequest(_)),
            "{:?}",
            errors[0]
        );
        assert!(errors[0].to_string().contains("after 10000 pages"));
    }

    #[test]
    fn fingerprints_tell_pages_apart_by_content_and_order() {
        assert_eq!(fingerprint::<u8>(&[]), None);
        assert_eq!(fingerprint(&[1u8, 2]), fingerprint(&[1u8, 2]));
        assert_ne!(fingerprint(&[1u8, 2]), fingerprint(&[2u8, 1]));
        assert_ne!(fingerprint(&["a,b"]), fingerprint(&["a", "b"]));
        assert_ne!(fingerprint(&[1u8, 2]), fingerprint(&[1u8, 3]));
        assert_ne!(fingerprint(&[1u8, 3]), fingerprint(&[1u8, 2, 3]));
        assert_ne!(
            fingerprint(&["x".to_string()]),
            fingerprint(&["y".to_string()])
        );
    }

    #[test]
    fn a_stream_starting_at_an_offset_asks_for_it_first_and_advances_from_it() {
        let log = Arc::new(Mutex::new(Vec::new()));
        let requests = log.clone();
        let p = Paginated::starting_at(2, 3, move |req: PageRequest| {
            requests.lock().unwrap().push(req.skip);
            async move {
                let end = (req.skip + u64::from(req.limit)).min(7);
                Ok(Page {
                    items: (req.skip..end).collect::<Vec<u64>>(),
                    has_more: end < 7,
                })
            }
        });
        assert_eq!(block_on(p.collect_all()).unwrap(), [3, 4, 5, 6]);
        assert_eq!(*log.lock().unwrap(), [3, 5]);
    }

    #[test]
    fn a_zero_page_size_is_refused_without_fetching() {
        let p = Paginated::new(0, |_| async {
            Ok(Page::<u8> {
                items: vec![],
                has_more: false,
            })
        });
        assert!(matches!(
            block_on(p.collect_all()),
            Err(Error::InvalidRequest(_))
        ));
    }
}
