//! Close's Advanced Filtering API (`POST /api/v1/data/search/`), typed: the query language
//! ([`Query`], [`Condition`], [`Field`]), the request ([`SearchRequest`]) and its answers
//! ([`SearchPage`]), sent with [`Client::search`](crate::Client::search).
//!
//! Advanced Filtering is the documented replacement for the deprecated `query` parameter of
//! `GET /lead/` (Close's changelog, 2022-02-14), and its query language is also the `s_query`
//! of smart views, exports and bulk actions: a [`SearchRequest`] reads a smart view's
//! `s_query` and writes it back unchanged.
//!
//! A search is a request like any other: `client.search()` is its handle, `.leads(query)` (or
//! `.contacts`, `.query`, `.request`) its request, `.await` sends it and gives the first page,
//! and `.paginate()` gives every result as the [`Paginated`](crate::Paginated) stream every
//! list returns (Close's cursor paging: lazy, cancel-safe, a cursor received twice is an
//! error, not a loop).
//!
//! ```no_run
//! use close_sdk::search::{Field, Query, Sort};
//! use futures_util::TryStreamExt;
//!
//! # async fn run(client: close_sdk::Client) -> Result<(), close_sdk::Error> {
//! let ceos: Vec<close_sdk::types::Contact> = client.search().contacts(Query::contact_title("CEO"))
//!     .fields(["id", "name", "title"]).sort(Sort::asc(Field::contact("name")))
//!     .paginate().try_collect().await?;
//! let first_page = client.search().contacts(Query::contact_title("CEO")).page_size(10).await?;
//! # let _ = (ceos, first_page); Ok(()) }
//! ```
//!
//! # The common jobs, one line each
//!
//! ```no_run
//! # use close_sdk::search::{ObjectType, Query};
//! # async fn run(client: close_sdk::Client, since: close_sdk::Timestamp) {
//! // Leads updated since `since`.
//! let updated = client.search().leads(Query::updated_since(ObjectType::LEAD, &since)).paginate();
//! // Contacts with a given title.
//! let ceos = client.search().contacts(Query::contact_title("CEO")).paginate();
//! // Leads in a status with an opportunity above a value.
//! let deals = client.search().leads(Query::in_status_with_opportunity_above("stat_xxx", 500_000)).paginate();
//! // The leads of a smart view.
//! let view = client.search().leads(Query::saved_search("save_xxx")).paginate();
//! # }
//! ```
//!
//! # The same query in exports, bulk actions and smart views
//!
//! Wherever a body carries Close's `s_query` (exports, the four bulk actions, smart views) the
//! generated type holds this module's types, not a JSON map: a bare [`Query`] beside
//! `results_limit` and a `sort` list of [`Sort`] (exports and bulk actions), or a whole
//! [`SearchRequest`] with its own `query`, `results_limit` and `sort` (a smart view's
//! `s_query`). Reading one never fails on a query the SDK does not model: it is kept as
//! [`Query::Raw`] and written back unchanged. These bodies send the query as given: where
//! `client.search().leads(q)` adds the `object_type` query, an export or a bulk action does
//! not, so give it [`Query::for_objects`] (the query as the search sent it). Close's lead-export
//! example, built typed:
//!
//! ```
//! # #[cfg(feature = "exports")] {
//! use close_sdk::search::{Condition, Field, ObjectType, Query, Sort, TextMode};
//! use close_sdk::types::{CreateLeadExport, ExportDateFormat, ExportFormat, LeadExportType};
//!
//! let acme = Query::field(Field::lead("name"), Condition::text(TextMode::FullWords, "ACME Inc."));
//! // `POST /export/lead/` (`client.exports().create_lead(body)`): the query, newest first.
//! let body = CreateLeadExport {
//!     date_format: Some(ExportDateFormat::Iso8601),
//!     send_done_email: Some(false),
//!     s_query: Some(acme.for_objects(ObjectType::LEAD)?),
//!     sort: vec![Sort::desc(Field::lead("date_created"))],
//!     ..CreateLeadExport::new(ExportFormat::Csv, LeadExportType::Leads)
//! };
//! let sent = serde_json::to_value(&body).unwrap();
//! assert_eq!(sent["s_query"]["queries"][0]["object_type"], "lead");
//! assert_eq!(sent["s_query"]["queries"][1]["condition"]["value"], "ACME Inc.");
//! assert_eq!(sent["sort"][0]["field"]["field_name"], "date_created");
//! # }
//! # Ok::<(), close_sdk::Error>(())
//! ```
//!
//! A smart view's stored query, searched again as it is:
//!
//! ```no_run
//! # #[cfg(feature = "smart-views")]
//! # async fn run(client: close_sdk::Client) -> Result<(), close_sdk::Error> {
//! let view = client.smart_views().get("save_xxx").await?;
//! if let Some(s_query) = view.s_query {
//!     let mut leads = client.search().request(s_query).paginate();
//!     # let _ = leads.next().await;
//! }
//! # Ok(()) }
//! ```
//!
//! # Results
//!
//! `Search::leads` and `Search::contacts` decode each result as `close_sdk::types::Lead` /
//! `close_sdk::types::Contact`; [`Search::query`] (any
//! object type) and [`SearchBuilder::raw`] give [`serde_json::Value`]s with every member Close
//! sent (`__object_type`, `id`, the `_fields` asked for). Without `_fields` Close returns only
//! `id` (its page's example answer).
//!
//! # Cargo features
//!
//! The module is always there. `Search::leads` needs `leads`, `Search::contacts` needs
//! `contacts` or `leads` (where the result types are), and `Field::custom_named` needs
//! `custom-fields` (the catalog).
//!
//! # What Close's pages say
//!
//! From the Advanced Filtering page (<https://developer.close.com/api/resources/advanced-filtering>)
//! and the Contact Filtering page (<https://developer.close.com/resources/contacts/contact-filtering/>):
//! the request is `POST /api/v1/data/search/` with a JSON body `{"query": …}`; every query has a
//! `type` and may be negated with `"negate": true`; the query kinds `and`, `or`, `object_type`,
//! `id`, `text`, `field_condition`, `has_related`; the fields `regular_field` and
//! `custom_field`; the conditions `text` (modes `full_words`, `phrase`), `term`, `reference`,
//! `number_range`, `boolean`, `exists`, `current_user`; the body members `_fields` (per
//! object type), `results_limit`, `include_counts` (answered with `count`), `sort`
//! (`direction` `asc`/`desc` and a field: only numbers, dates and text fields that belong
//! directly to an object), `_limit` and `cursor` (cursor paging; a `null` cursor ends it; the
//! Pagination page lists Advanced Filtering as "cursor and `_limit` in the request body").
//! The page also says (as its public copy has it, `tests/fixtures/search/manifest.json`) that
//! a cursor expires after 30 seconds, that one cursor sequence returns at most 10,000 objects,
//! and that a stable sort (e.g. `date_created`) keeps results from being missed.
//!
//! What else the types know comes from Close's own examples elsewhere and from public code:
//! `match_all` and answers with `"negate": false` everywhere (Close's Smart Views examples),
//! `saved_search` (`saved_search_id`, used bare as the query in public code), `moment_range`
//! with the moments `fixed_local_date`, `fixed_utc`, `now`, `offset` and
//! `start_end_of_predefined_relative_period` (written by Close's app, "Copy Filters"), text
//! modes `exact_value` and `beginning_of_words`, `reference_type` `status.lead`.
//!
//! # What the pages leave unsaid, and what the SDK does
//!
//! - **Unknown kinds.** Anything the SDK does not know (a query, condition, field or moment
//!   kind, or a member of a known kind) is kept as `Raw` JSON and sent back exactly; a typed
//!   value is only produced when writing it gives back exactly the JSON read.
//! - **Empty lists and bounds.** An empty `and`/`or`, a `term` without values, a `reference`
//!   without ids, a range without bounds, an empty `_fields` list: refused before sending
//!   ([`crate::Error::InvalidRequest`]), since Close does not say what they match.
//! - **Limits.** `_limit` and `results_limit` of 0 are refused (0 is only sent by
//!   [`SearchBuilder::count`], with `include_counts`, as Close's page does). No upper bound is
//!   imposed: Close's answer to one it refuses comes back as [`crate::Error::Api`].
//! - **Object type.** Close's examples always say which objects to return with an
//!   `object_type` query; the typed searches add it (see [`Search::query`]) unless the query
//!   already asks for it or is a `saved_search`, which public code sends bare.
//! - **Retries.** A search changes nothing, so it is retried like a GET (it goes as an
//!   idempotent raw request: its own rate-limit group is "anything else").
//! - **Paging.** `.paginate()`'s stream ends on a `null`, absent or empty cursor, on an empty page (even
//!   with a cursor), and after `results_limit` results; a cursor received twice, or a page
//!   repeating an earlier one, ends it with [`crate::Error::Decode`]. It does not work around
//!   the 30-second cursor expiry or the 10,000-object cap: Close's error comes through.
//! - **Dates.** `Moment::utc` sends a timestamp with its offset (a naive one as UTC).
//!   Relative dates ("today") are read in a time zone Close's Timezone Offsets page lets a
//!   request set with the `x-tz-offset` header; this module sends none.
//! - **Opportunity value.** Sent as given; whether the search reads `value` in cents (like the
//!   Opportunities API) is not said.

mod client;
mod condition;
mod field;
mod jobs;
mod page;
mod query;
mod request;
#[cfg(feature = "schemars")]
mod schema;
mod wire;

pub use client::{Search, SearchBuilder};
pub use condition::{
    Condition, DayEnd, Moment, MomentRange, NumberRange, Offset, OffsetDirection, OffsetMoment,
    TextMode,
};
pub use field::{Direction, Field, ObjectType, Sort};
pub use page::{Count, SearchPage};
pub use query::{
    Compound, FieldCondition, HasRelated, IdQuery, MatchAll, ObjectTypeQuery, Query, SavedSearch,
    TextQuery,
};
pub use request::SearchRequest;
