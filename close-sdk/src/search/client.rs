//! `client.search()`: searches sent through the client's one request path, their first page,
//! their count, and all their pages as a lazy stream.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashSet;
use std::fmt;
use std::hash::Hasher;
use std::marker::PhantomData;

use futures_util::stream::{self, TryStreamExt};
use serde::de::DeserializeOwned;
use serde_json::Value;
use tracing::Instrument;

use super::field::{ObjectType, Sort};
use super::page::{Count, SearchPage};
use super::query::Query;
use super::request::SearchRequest;
use crate::api::pagination::{Paginated, MAX_PAGES};
use crate::api::request::{decode, json_body, send_bytes};
use crate::transport::operations::RAW_IDEMPOTENT;
use crate::{Client, Error};

/// The endpoint, below the base URL.
const PATH: &str = "/data/search/";

impl Client {
    /// Close's Advanced Filtering API (`POST /data/search/`): find leads, contacts (or any other
    /// object type Close searches) with a typed [`Query`]. See [`crate::search`].
    ///
    /// ```no_run
    /// use close_sdk::search::{Condition, Field, Query, TextMode};
    /// use futures_util::TryStreamExt;
    ///
    /// # async fn run(client: close_sdk::Client) -> Result<(), close_sdk::Error> {
    /// let ceos = Query::field(Field::contact("title"), Condition::text(TextMode::FullWords, "CEO"));
    /// let contacts: Vec<close_sdk::types::Contact> =
    ///     client.search().contacts(ceos).fields(["id", "name", "title"]).paginate().try_collect().await?;
    /// # Ok(()) }
    /// ```
    pub fn search(&self) -> Search<'_> {
        Search { client: self }
    }
}

/// The entry point of a search ([`Client::search`]): pick what to search for.
#[derive(Clone, Copy)]
pub struct Search<'a> {
    client: &'a Client,
}

impl fmt::Debug for Search<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Search").finish_non_exhaustive()
    }
}

impl<'a> Search<'a> {
    /// Leads matching `query`, decoded as [`Lead`](crate::types::Lead)s. The query is restricted
    /// to leads (see [`Search::query`]).
    #[cfg(feature = "leads")]
    pub fn leads(self, query: Query) -> SearchBuilder<'a, crate::types::Lead> {
        self.of(ObjectType::LEAD, query)
    }

    /// Contacts matching `query`, decoded as [`Contact`](crate::types::Contact)s. The query is
    /// restricted to contacts (see [`Search::query`]).
    #[cfg(any(feature = "contacts", feature = "leads"))]
    pub fn contacts(self, query: Query) -> SearchBuilder<'a, crate::types::Contact> {
        self.of(ObjectType::CONTACT, query)
    }

    /// Objects of `object_type` matching `query`, as JSON values. The query is restricted to
    /// that type the way Close's examples do it: an `object_type` query is added as the first
    /// part of the top-level `and` (or the query is wrapped in an `and` with it), unless the
    /// query already asks for that type or is a `saved_search` (a smart view has its own type).
    /// A query that asks for another type is refused.
    pub fn query(self, object_type: ObjectType, query: Query) -> SearchBuilder<'a, Value> {
        self.of(object_type, query)
    }

    /// A whole request body sent as it is (nothing added): e.g. a smart view's `s_query`, read
    /// as a [`SearchRequest`]. Results are JSON values; see [`SearchBuilder::decode_as`].
    pub fn request(self, request: SearchRequest) -> SearchBuilder<'a, Value> {
        SearchBuilder {
            client: self.client,
            object_type: None,
            request,
            invalid: None,
            item: PhantomData,
        }
    }

    fn of<T>(self, object_type: ObjectType, query: Query) -> SearchBuilder<'a, T> {
        // Checked before the object type is added: `and []` must not pass as
        // `and [object_type]`.
        let restricted = query
            .validate()
            .and_then(|()| query.restricted_to(&object_type));
        let (query, invalid) = match restricted {
            Ok(q) => (q, None),
            Err(why) => (Query::match_all(), Some(why)),
        };
        SearchBuilder {
            client: self.client,
            object_type: Some(object_type),
            request: SearchRequest::new(query),
            invalid,
            item: PhantomData,
        }
    }
}

/// A search being built: what to return, in which order, how many; then `.await` (the first
/// page, as [`send`](Self::send)), [`paginate`](Self::paginate) (every result, page by page, the
/// [`Paginated`] every list returns) or [`count`](Self::count).
///
/// Mistakes (an empty `and`, a page size or limit of 0, an empty field list, a query for
/// another object type) are reported as [`Error::InvalidRequest`] and nothing is sent.
#[must_use = "nothing is sent until it is awaited or `.paginate()` or `.count()` is used"]
pub struct SearchBuilder<'a, T> {
    client: &'a Client,
    object_type: Option<ObjectType>,
    request: SearchRequest,
    invalid: Option<String>,
    item: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for SearchBuilder<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SearchBuilder")
            .field("object_type", &self.object_type)
            .field("request", &self.request)
            .field("invalid", &self.invalid)
            .finish_non_exhaustive()
    }
}

impl<'a, T> SearchBuilder<'a, T> {
    /// The fields to return for the searched object type (`_fields`), e.g. `["id", "name"]`.
    /// Without it Close returns each result's `id` only. (A search built with
    /// [`Search::request`] has no object type: use [`fields_for`](Self::fields_for).)
    pub fn fields<I, S>(mut self, fields: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        match self.object_type.clone() {
            Some(object_type) => self.fields_for(object_type, fields),
            None => {
                self.refuse(
                    "`fields` needs the searched object type; use `fields_for(object_type, …)`"
                        .into(),
                );
                self
            }
        }
    }

    /// The fields to return for objects of `object_type` (`_fields`).
    pub fn fields_for<I, S>(mut self, object_type: ObjectType, fields: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let fields = fields.into_iter().map(Into::into).collect();
        self.request.set_fields(&object_type, fields);
        self
    }

    /// Adds a sort key (after those already given).
    pub fn sort(mut self, sort: Sort) -> Self {
        self.request.push_sort(sort);
        self
    }

    /// At most `limit` results in all (`results_limit`); the stream also stops there. 0 is
    /// refused: use [`count`](Self::count) for counts only.
    pub fn limit(mut self, limit: u32) -> Self {
        self.request.set_results_limit(Some(limit));
        self
    }

    /// Results per page (`_limit`), at least 1. Without it Close's default applies.
    pub fn page_size(mut self, page_size: u32) -> Self {
        self.request.set_page_size(page_size);
        self
    }

    /// Starts at `cursor` (a previous page's [`SearchPage::cursor`]), for paging by hand with
    /// [`send`](Self::send).
    pub fn cursor(mut self, cursor: impl Into<String>) -> Self {
        self.request.set_cursor(Some(cursor.into()));
        self
    }

    /// The same search, its results decoded as `U` (any `Deserialize` type).
    pub fn decode_as<U>(self) -> SearchBuilder<'a, U> {
        SearchBuilder {
            client: self.client,
            object_type: self.object_type,
            request: self.request,
            invalid: self.invalid,
            item: PhantomData,
        }
    }

    /// The same search, its results as JSON values (every member Close sent, including
    /// `__object_type`).
    pub fn raw(self) -> SearchBuilder<'a, Value> {
        self.decode_as()
    }

    /// The request body the first request sends, after the checks (for logs and tests).
    ///
    /// ```
    /// use close_sdk::search::{Query, ObjectType};
    /// # fn run(client: close_sdk::Client) -> Result<(), close_sdk::Error> {
    /// let body = client.search().query(ObjectType::LEAD, Query::id("lead_x")).page_size(50).body()?;
    /// assert_eq!(body["_limit"], 50);
    /// assert_eq!(body["query"]["queries"][0]["object_type"], "lead");
    /// # Ok(()) }
    /// ```
    pub fn body(&self) -> Result<Value, Error> {
        let request = self.checked()?;
        serde_json::to_value(request)
            .map_err(|e| Error::InvalidRequest(format!("the request cannot be serialised: {e}")))
    }

    fn refuse(&mut self, why: String) {
        self.invalid.get_or_insert(why);
    }

    /// The request, or why it cannot be sent.
    fn checked(&self) -> Result<&SearchRequest, Error> {
        if let Some(why) = &self.invalid {
            return Err(Error::InvalidRequest(format!("search: {why}")));
        }
        self.request
            .validate()
            .map_err(|why| Error::InvalidRequest(format!("search: {why}")))?;
        Ok(&self.request)
    }
}

impl<T: DeserializeOwned + Send + 'static> SearchBuilder<'_, T> {
    /// Sends the search and returns its first page (or the page at [`cursor`](Self::cursor)).
    pub async fn send(self) -> Result<SearchPage<T>, Error> {
        let request = self.checked()?;
        let page = post(self.client, request).await?;
        typed(page)
    }

    /// Every result, fetched page by page as the stream is read (Close's `cursor`): the same
    /// [`Paginated`] every list's `.paginate()` returns (`client.leads().list().paginate()`).
    ///
    /// - Lazy and cancel-safe: a page is requested only when the previous one is used up and
    ///   the stream is polled again; dropping the stream drops the request in flight and sends
    ///   nothing more (nothing is spawned).
    /// - It ends after a page without a cursor, after an empty page, after `limit` results, or
    ///   with the first error, which it yields. A search that cannot be sent (see
    ///   [`SearchBuilder`]) is the stream's only item, and nothing is sent.
    /// - It cannot loop: an answer whose cursor was received before in this stream, or whose
    ///   results repeat an earlier page's (by the ids of its first and last results, when they
    ///   have ids), ends it with [`Error::Decode`] (that answer's results
    ///   are not yielded), and it requests at most [`MAX_PAGES`] pages.
    ///
    /// ```no_run
    /// use close_sdk::search::Query;
    /// # async fn run(client: close_sdk::Client) -> Result<(), close_sdk::Error> {
    /// let mut leads = client.search().leads(Query::saved_search("save_xxx")).page_size(100).paginate();
    /// while let Some(lead) = leads.next().await {
    ///     let lead = lead?;
    ///     # let _ = lead;
    /// }
    /// # Ok(()) }
    /// ```
    pub fn paginate(self) -> Paginated<T> {
        let request = match self.checked() {
            Ok(request) => request.clone(),
            Err(e) => return Paginated::failed(e),
        };
        let state = Cursor {
            client: self.client.clone(),
            remaining: request.results_limit().map(|n| n as usize),
            request,
            cursors: HashSet::new(),
            pages: HashSet::new(),
            requested: 0,
            done: false,
        };
        let pages = stream::try_unfold(state, |mut st| async move {
            if st.done {
                return Ok::<_, Error>(None);
            }
            let items: Vec<T> = st.next_page().await?;
            Ok(Some((items, st)))
        });
        let items = pages
            .map_ok(|items: Vec<T>| stream::iter(items.into_iter().map(Ok)))
            .try_flatten();
        Paginated::from_stream(items)
    }

    /// The former name of [`paginate`](Self::paginate), which every list uses.
    #[deprecated(note = "use `.paginate()`, as for every other list")]
    pub fn stream(self) -> Paginated<T> {
        self.paginate()
    }

    /// The number of matches: sends the query with `include_counts` and `results_limit` 0 (as
    /// Close's page does for counts) and returns the answer's `count`.
    pub async fn count(self) -> Result<Count, Error> {
        let mut request = self.checked()?.clone();
        request.set_include_counts(true);
        request.set_results_limit(Some(0));
        request.set_cursor(None);
        let page = post(self.client, &request).await?;
        page.count.ok_or_else(|| {
            decode_error(
                "the answer has no `count`",
                "the search answered without `count` although `include_counts` was sent",
            )
        })
    }
}

/// `.await` on a search sends it and returns its first page (or the page at
/// [`cursor`](SearchBuilder::cursor)), as `.await` on any request does; the same as
/// [`send`](SearchBuilder::send).
///
/// ```no_run
/// use close_sdk::search::Query;
/// # async fn run(client: close_sdk::Client) -> Result<(), close_sdk::Error> {
/// let page = client.search().contacts(Query::contact_title("CEO")).page_size(10).await?;
/// println!("{} contacts, next page at {:?}", page.data.len(), page.cursor);
/// # Ok(()) }
/// ```
impl<'a, T: DeserializeOwned + Send + 'static> std::future::IntoFuture for SearchBuilder<'a, T> {
    type Output = Result<SearchPage<T>, Error>;
    type IntoFuture =
        std::pin::Pin<Box<dyn std::future::Future<Output = Self::Output> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// The paging state of one stream.
struct Cursor {
    client: Client,
    request: SearchRequest,
    /// Results still allowed by `results_limit`.
    remaining: Option<usize>,
    /// Every cursor received so far.
    cursors: HashSet<String>,
    /// A fingerprint of every non-empty page received so far.
    pages: HashSet<u64>,
    /// Pages requested so far.
    requested: u32,
    done: bool,
}

impl Cursor {
    async fn next_page<T: DeserializeOwned>(&mut self) -> Result<Vec<T>, Error> {
        if self.requested >= MAX_PAGES {
            return Err(Error::InvalidRequest(format!(
                "search page {} not requested: the server still hands out cursors after \
                 {MAX_PAGES} pages (the SDK's cap on one search); narrow the query",
                u64::from(MAX_PAGES) + 1
            )));
        }
        self.requested += 1;
        let page = post(&self.client, &self.request).await?;
        let next = page.cursor.clone().filter(|c| !c.is_empty());
        if let Some(cursor) = &next {
            if !self.cursors.insert(cursor.clone()) {
                return Err(decode_error(
                    &format!("cursor {cursor:?} received a second time"),
                    &format!(
                        "page {} of the search hands out a cursor received before: the \
                         server is not advancing, so the stream stops",
                        self.requested
                    ),
                ));
            }
        }
        if let Some(print) = fingerprint(&page.data) {
            if !self.pages.insert(print) {
                return Err(decode_error(
                    &format!("{} results, identical to an earlier page", page.data.len()),
                    &format!(
                        "page {} of the search repeats an earlier page: the server is not \
                         advancing, so the stream stops",
                        self.requested
                    ),
                ));
            }
        }
        let mut items = page.data;
        if let Some(remaining) = &mut self.remaining {
            items.truncate(*remaining);
            *remaining -= items.len();
            if *remaining == 0 {
                self.done = true;
            }
        }
        if items.is_empty() || next.is_none() {
            self.done = true;
        }
        self.request.set_cursor(next);
        items.into_iter().map(item).collect()
    }
}

/// Sends one search request through the client's request path.
async fn post(client: &Client, request: &SearchRequest) -> Result<SearchPage<Value>, Error> {
    let body = json_body(request).map_err(Error::InvalidRequest)?;
    let span = tracing::debug_span!(
        "close.search",
        paged = request.cursor().is_some(),
        page_size = request.page_size(),
    );
    let no_query: &[(&str, &str)] = &[];
    // A search reads and changes nothing, so sending it again after a failure is harmless:
    // it goes as an idempotent request (retried like a GET).
    let answer = send_bytes(
        client,
        RAW_IDEMPOTENT,
        reqwest::Method::POST,
        PATH,
        no_query,
        Some(body),
    )
    .instrument(span)
    .await?;
    decode(&answer)
}

/// A page of JSON results as a page of `T`.
fn typed<T: DeserializeOwned>(page: SearchPage<Value>) -> Result<SearchPage<T>, Error> {
    let SearchPage {
        data,
        cursor,
        count,
        extra,
    } = page;
    Ok(SearchPage {
        data: data.into_iter().map(item).collect::<Result<_, _>>()?,
        cursor,
        count,
        extra,
    })
}

/// One JSON result as `T`; the error quotes the result (bounded, secrets redacted).
fn item<T: DeserializeOwned>(value: Value) -> Result<T, Error> {
    T::deserialize(&value).map_err(|source| Error::decode(value.to_string().as_bytes(), source))
}

/// An [`Error::Decode`] for an answer that is well-formed JSON but cannot be right.
fn decode_error(body: &str, why: &str) -> Error {
    Error::decode(body.as_bytes(), serde::de::Error::custom(why))
}

/// A 64-bit hash of a non-empty page: its length and its first and last results as JSON.
fn fingerprint(items: &[Value]) -> Option<u64> {
    // By the ids of its first and last results: results without an id (`_fields` that leave it
    // out) cannot tell two pages apart, as two real pages of `{"title": "CEO"}` are equal, so such
    // pages are not fingerprinted (the cursor check and `MAX_PAGES` still bound the stream).
    let id = |v: &Value| v.get("id").and_then(Value::as_str).map(str::to_owned);
    let (first, last) = (id(items.first()?)?, id(items.last()?)?);
    let mut hasher = DefaultHasher::new();
    hasher.write_usize(items.len());
    hasher.write(first.as_bytes());
    hasher.write_u8(0);
    hasher.write(last.as_bytes());
    Some(hasher.finish())
}
