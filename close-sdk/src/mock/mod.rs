//! Test helpers for code that uses close-sdk (feature `mock`): [`MockClose`], a stateful
//! stand-in for Close on loopback; [`fixture`], typed values built from Close's documented
//! examples; and typed httpmock mocks for every operation ([`MockServerExt`]).
//!
//! # Testing an app with `MockClose`
//!
//! Point the app's [`crate::Client`] at [`MockClose::base_url`]; the app's requests are real
//! HTTP, answered as Close documents them, and what it creates can be read back, listed, changed
//! and deleted. Webhook subscriptions receive signed deliveries and the event log records every
//! change, so code that reacts to events can be tested end to end.
//!
//! ```
//! # #[cfg(all(feature = "leads", feature = "opportunities", feature = "opportunity-statuses",
//! #           feature = "events"))]
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use close_sdk::events::{EventFilter, ObjectType};
//! use close_sdk::mock::MockClose;
//! use close_sdk::prelude::*;
//! use close_sdk::types::{CreateLead, CreateOpportunity, UpdateOpportunity};
//! use serde_json::json;
//!
//! /// The code under test: marks every open opportunity of a lead as won.
//! async fn win_all(client: &Client, lead_id: &str) -> Result<usize, Box<dyn std::error::Error>> {
//!     let statuses = client.opportunity_statuses().list().await?;
//!     let won = statuses.data.unwrap_or_default().into_iter()
//!         .find(|s| s.label.as_deref() == Some("Won")).and_then(|s| s.id).unwrap_or_default();
//!     let open = client.opportunities().list().lead_id(lead_id).status_type("active").await?;
//!     let mut n = 0;
//!     for opp in open.data.unwrap_or_default() {
//!         let body: UpdateOpportunity = serde_json::from_value(json!({"status_id": won}))?;
//!         client.opportunities().update(opp.id.unwrap_or_default(), body).await?;
//!         n += 1;
//!     }
//!     Ok(n)
//! }
//!
//! let close = MockClose::start().await;
//! let client = Client::builder().api_key("test").base_url(close.base_url()).build()?;
//!
//! // Arrange through the API, as the app would.
//! let lead: CreateLead = serde_json::from_value(json!({"name": "Bluth Company"}))?;
//! let lead_id = client.leads().create(lead).await?.id.unwrap_or_default();
//! for value in [1000, 2500] {
//!     let body: CreateOpportunity =
//!         serde_json::from_value(json!({"lead_id": lead_id, "value": value}))?;
//!     client.opportunities().create(body).await?;
//! }
//!
//! // Act.
//! assert_eq!(win_all(&client, &lead_id).await?, 2);
//!
//! // Assert on the state, and on the event log Close would have written.
//! let won = client.opportunities().list().lead_id(lead_id.as_str()).status_type("won").await?;
//! assert_eq!(won.data.unwrap_or_default().len(), 2);
//! let filter = EventFilter::new().object_type(ObjectType::Opportunity).action("updated");
//! let changes = client.list_events(filter, 50).collect_all().await?;
//! assert_eq!(changes.len(), 2);
//! assert!(changes.iter().all(|e| e.changed("status_id")));
//! # Ok(()) }
//! # #[cfg(not(all(feature = "leads", feature = "opportunities", feature = "opportunity-statuses",
//! #               feature = "events")))]
//! # fn main() {}
//! ```
//!
//! A typed httpmock mock for one operation, when a test needs a precise answer:
//!
//! ```
//! use close_sdk::mock::{MockClose, MockServerExt};
//! use close_sdk::prelude::*;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), close_sdk::Error> {
//! // A typed mock for one operation…
//! let server = httpmock::MockServer::start_async().await;
//! let views = close_sdk::types::PinnedViews { saved_view_ids: Some(vec!["save_1".into()]), ..Default::default() };
//! let mock = server.memberships_get_pinned_views(|when, then| {
//!     when.id("memb_1");
//!     then.ok(&views);
//! });
//! let client = Client::builder().api_key("test").base_url(server.base_url()).build()?;
//! assert_eq!(client.pinned_views("memb_1").await?, ["save_1"]);
//! mock.assert();
//!
//! // …or a whole mock Close.
//! let close = MockClose::start().await;
//! let client = Client::builder().api_key("test").base_url(close.base_url()).build()?;
//! let m = client.create_membership("ann@salesteam.com", Role::User).await?;
//! assert!(m.id.unwrap_or_default().starts_with("memb_"));
//! # Ok(()) }
//! ```
//!
//! What the mock checks and answers is modelled on Close's documentation and examples; where
//! Close does not document a detail (the exact wording of a validation message, the default
//! status of a new opportunity), the mock picks a plausible one, and says so in
//! [`MockClose`]'s docs. It is a stand-in for tests and demos, not a replica: it does not
//! consolidate events, evaluate webhook `extra_filter`s, date-bound filters or search queries.

#[cfg(all(feature = "leads", feature = "contacts", feature = "custom-fields"))]
mod crm;
mod deliver;
mod examples;
mod fixture;
mod memberships;
mod store;

use std::fmt;
use std::ops::Range;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use httpmock::{HttpMockRequest, HttpMockResponse, MockServer};
use serde_json::{json, Value};

pub use crate::generated::httpmock::operations;
pub use crate::generated::httpmock::MockServerExt;
pub use deliver::DeliveryRecord;
pub use fixture::{fixture, Fixture, FixtureError};

/// The organization everything in a [`MockClose`] belongs to (Close's documented example).
pub const MOCK_ORGANIZATION_ID: &str = "orga_RbREgmiiwcr1w2b4cOnCMQaQPSIFxMqAD2Dh243uxcH";

/// The user a [`MockClose`] records as creator and updater (Close's documented example).
pub const MOCK_USER_ID: &str = "user_N6KhMpzHRCYQHdn4gRNIFNN5JExnsrprKA6ekxM63XA";

/// A loopback server that answers Close's operations the way Close documents them, keeping
/// what is created: ids in Close's format, Close's response shapes (they decode into the SDK's
/// types), and a 400 with `field-errors` where Close would refuse the input.
///
/// Stateful (what is created can be read, listed, changed and deleted):
/// - Memberships: every operation; an invalid email or role is a 400. The organization
///   (`GET /organization/{id}/`) lists them as Close does: it starts with the three members of
///   Close's example organization ([`MOCK_USER_ID`] is the first), a created membership is in
///   its `memberships`, a deleted one moves to its `inactive_memberships`; so
///   `memberships().by_user` and `by_email` find them. Creating one for an email that already
///   has an active membership answers that membership, as Close "ensures an active
///   membership".
/// - With the features `leads`, `contacts` and `custom-fields`: lead and contact custom field
///   definitions (list with `_skip`/`_limit` and `has_more`, get), leads (create with nested
///   contacts, get, list, update, delete) and contacts (create, get, list by `lead_id`). Custom
///   field values (`custom.cf_…`) are checked against the definitions; an invalid email is a 400.
/// - Opportunities, tasks, notes, calls and emails (create, get, list, update, delete), the
///   generic `GET /activity/` list, and the activities Close records by itself (an
///   opportunity's status change, a task's completion; listed by their typed endpoints). Lists
///   answer `{data, has_more}` for `_skip`/`_limit` and filter by equality on a member
///   (`lead_id=…`, `status_type=won`, `is_complete=false`, `_type=Note`) or by `…__in` lists;
///   other filters (date bounds, `query`) are not evaluated.
/// - Lead statuses, opportunity statuses and pipelines (create, list, update, delete), starting
///   with the ones in Close's documented examples; a pipeline lists its opportunity statuses,
///   and an opportunity's `status_label`, `status_type`, `pipeline_id` follow its `status_id`.
/// - Webhook subscriptions (create, list, get, update, delete). When something above changes,
///   the change is recorded in the event log and, for every active subscription whose `events`
///   name its `object_type` and `action`, POSTed to the subscription's URL as Close's
///   `{"event", "subscription_id"}` envelope, signed with the subscription's `signature_key`
///   (with the feature `webhooks`; see [`MockClose::deliveries`]).
/// - The event log: `GET /event/` (newest first; `object_type`, `object_id`, `lead_id`,
///   `action`, `user_id`, `request_id` and `date_updated__…` filters; `_limit` and `_cursor`)
///   and `GET /event/{id}/`, in Close's event format.
///
/// Every other operation answers its documented success example (Close's per-tag examples,
/// carried into `openapi/close.json`), or, for a delete Close documents without a body, 204.
/// What it cannot answer (no documented example; no operation with that method and path) is a
/// 404 whose JSON `error` names the operation (or method and path) and says the mock does not
/// implement it.
///
/// [`MockClose::rate_limit_burst`] makes the next requests answer 429 with Close's `RateLimit`
/// and `Retry-After` headers. Everything the mock holds is bounded (events, objects, delivery
/// queue and outcomes); its delivery task ends when the mock is dropped.
pub struct MockClose {
    server: MockServer,
    shared: Arc<Shared>,
    fallback: tokio::sync::Mutex<usize>,
}

/// Configures a [`MockClose`] before it starts: custom field definitions, a 429 burst.
#[derive(Default)]
pub struct MockCloseBuilder {
    burst: Range<usize>,
    #[cfg(all(feature = "leads", feature = "contacts", feature = "custom-fields"))]
    fields: Vec<crm::FieldSpec>,
}

impl fmt::Debug for MockCloseBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockCloseBuilder")
            .field("burst", &self.burst)
            .finish_non_exhaustive()
    }
}

impl MockCloseBuilder {
    /// The first `n` requests the server receives answer 429 (see [`MockClose::rate_limit_burst`]).
    pub fn rate_limit_burst(self, n: usize) -> Self {
        self.rate_limit_burst_after(0, n)
    }

    /// The first `after` requests are answered normally, the `n` after them with 429: e.g. a
    /// burst that hits an import's writes rather than the read that precedes them.
    pub fn rate_limit_burst_after(mut self, after: usize, n: usize) -> Self {
        self.burst = after..after.saturating_add(n);
        self
    }

    /// Starts the server (and, on a tokio runtime, the task that makes webhook deliveries).
    pub async fn start(self) -> MockClose {
        let server = MockServer::start_async().await;
        let shared = Arc::new(Shared {
            traffic: Mutex::new(Traffic {
                log: Vec::new(),
                limited: self.burst,
            }),
            memberships: Mutex::new(memberships::Members::new()),
            #[cfg(all(feature = "leads", feature = "contacts", feature = "custom-fields"))]
            crm: Mutex::new(crm::Crm::new(self.fields)),
            store: Mutex::new(store::Store::new()),
            deliveries: deliver::Deliveries::start(),
        });
        let fallback = install(&server, &shared).await;
        MockClose {
            server,
            shared,
            fallback: tokio::sync::Mutex::new(fallback),
        }
    }
}

/// Registers the one mock that answers everything, last; returns its id.
async fn install(server: &MockServer, shared: &Arc<Shared>) -> usize {
    let state = shared.clone();
    let answer = shared.serve(move |req| state.answer(req));
    server
        .mock_async(move |when, then| {
            let _ = when.any_request();
            let _ = then.respond_with(answer);
        })
        .await
        .id()
}

impl MockClose {
    /// Starts a server with no custom fields and no injected faults.
    pub async fn start() -> Self {
        Self::builder().start().await
    }

    /// A builder to preload custom fields or inject faults before starting.
    pub fn builder() -> MockCloseBuilder {
        MockCloseBuilder::default()
    }

    /// The base URL to give a [`crate::Client`].
    pub fn base_url(&self) -> String {
        self.server.base_url()
    }

    /// The underlying httpmock server. Mocks added to it directly come after the mock's own
    /// catch-all and never match; add yours with [`MockClose::mock`].
    pub fn server(&self) -> &MockServer {
        &self.server
    }

    /// Adds a mock of your own (configured as with httpmock's `MockServer::mock`) that takes
    /// precedence over everything [`MockClose`] answers: e.g. a fault for one operation.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let close = close_sdk::mock::MockClose::start().await;
    /// let mock = close
    ///     .mock(|when, then| {
    ///         when.method("GET").path("/me/");
    ///         then.status(503);
    ///     })
    ///     .await;
    /// # let _ = mock;
    /// # }
    /// ```
    pub async fn mock<F>(&self, config: F) -> httpmock::Mock<'_>
    where
        F: FnOnce(httpmock::When, httpmock::Then),
    {
        // Cancel-safe: the catch-all is replaced only after its successor is in place, so a
        // dropped future leaves at worst two catch-alls (the next call removes the stale one).
        let mut fallback = self.fallback.lock().await;
        let mock = self.server.mock_async(config).await;
        let next = install(&self.server, &self.shared).await;
        httpmock::Mock::new(*fallback, &self.server)
            .delete_async()
            .await;
        *fallback = next;
        mock
    }

    /// Makes the next `n` requests answer 429 Too Many Requests with
    /// `RateLimit: limit=100, remaining=0, reset=1` and `Retry-After: 1`, as Close does.
    pub fn rate_limit_burst(&self, n: usize) {
        let mut traffic = lock(&self.shared.traffic);
        let next = traffic.log.len();
        traffic.limited = next..next.saturating_add(n);
    }

    /// Every request the mock answered so far, in order, as `"METHOD /path/"` (429s and 404s
    /// included; mocks added with [`MockClose::mock`] excluded).
    pub fn requests(&self) -> Vec<String> {
        lock(&self.shared.traffic).log.clone()
    }

    /// How many requests were `"METHOD /path/"` exactly (see [`MockClose::requests`]).
    pub fn request_count(&self, method_and_path: &str) -> usize {
        lock(&self.shared.traffic)
            .log
            .iter()
            .filter(|r| *r == method_and_path)
            .count()
    }

    /// The event log, newest first, in Close's event format (what `GET /event/` lists).
    pub fn events(&self) -> Vec<Value> {
        lock(&self.shared.store).events().cloned().collect()
    }

    /// The webhook deliveries made so far (or given up on), oldest first.
    pub fn deliveries(&self) -> Vec<DeliveryRecord> {
        lock(&self.shared.deliveries.done).iter().cloned().collect()
    }

    /// Waits until `n` deliveries have been made (or given up on), at most `timeout`; returns
    /// the deliveries then made.
    pub async fn wait_for_deliveries(&self, n: usize, timeout: Duration) -> Vec<DeliveryRecord> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let done = self.deliveries();
            if done.len() >= n || tokio::time::Instant::now() >= deadline {
                return done;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

impl fmt::Debug for MockClose {
    /// The address and what the mock holds, never a webhook's `signature_key`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockClose")
            .field("base_url", &self.base_url())
            .field("requests", &lock(&self.shared.traffic).log.len())
            .field("events", &lock(&self.shared.store).events().count())
            .finish_non_exhaustive()
    }
}

impl Drop for MockClose {
    fn drop(&mut self) {
        self.shared.deliveries.stop();
    }
}

/// State shared by every handler of one [`MockClose`].
pub(crate) struct Shared {
    traffic: Mutex<Traffic>,
    memberships: Mutex<memberships::Members>,
    #[cfg(all(feature = "leads", feature = "contacts", feature = "custom-fields"))]
    crm: Mutex<crm::Crm>,
    store: Mutex<store::Store>,
    deliveries: deliver::Deliveries,
}

impl Shared {
    /// Wraps a handler: records the request, and answers 429 while a burst is armed.
    fn serve<F>(
        self: &Arc<Self>,
        f: F,
    ) -> impl Fn(&HttpMockRequest) -> HttpMockResponse + Send + Sync + 'static
    where
        F: Fn(&HttpMockRequest) -> HttpMockResponse + Send + Sync + 'static,
    {
        let shared = self.clone();
        move |req| {
            let limited = {
                let mut traffic = lock(&shared.traffic);
                let index = traffic.log.len();
                if traffic.log.len() < MAX_LOG {
                    traffic
                        .log
                        .push(format!("{} {}", req.method_str(), req.uri().path()));
                }
                traffic.limited.contains(&index)
            };
            if limited {
                return HttpMockResponse::builder()
                    .status(429)
                    .header("content-type", "application/json")
                    .header("ratelimit", "limit=100, remaining=0, reset=1")
                    .header("retry-after", "1")
                    .body(json!({"error": "Too many requests."}).to_string())
                    .build();
            }
            f(req)
        }
    }

    /// Answers one request: the stateful parts, else the documented example, else a 404 that
    /// says what the mock does not implement.
    fn answer(&self, req: &HttpMockRequest) -> HttpMockResponse {
        let method = req.method_str().to_ascii_uppercase();
        let path = req.uri().path().to_string();
        let Some(op) = examples::find(&method, &path) else {
            return unimplemented(
                None,
                &method,
                &path,
                "no Close operation has this method and path",
            );
        };
        let answer = memberships::handle(op.id, req, &mut lock(&self.memberships));
        if let Some(r) = answer {
            return r;
        }
        #[cfg(all(feature = "leads", feature = "contacts", feature = "custom-fields"))]
        {
            let (answer, changes, names) = {
                let mut crm = lock(&self.crm);
                let answer = crm::handle(op.id, &mut crm, req);
                (answer, std::mem::take(&mut crm.changes), crm.lead_names())
            };
            if let Some(r) = answer {
                lock(&self.store).lead_names = names;
                self.commit(changes, &method, &path);
                return r;
            }
        }
        let mut changes = Vec::new();
        let answer = lock(&self.store).handle(op.id, req, &mut changes);
        if let Some((status, body)) = answer {
            self.commit(changes, &method, &path);
            return match body {
                Some(v) => json_response(status, &v),
                None => HttpMockResponse::builder().status(status).build(),
            };
        }
        match examples::operation(op.id) {
            examples::Documented::Example(status, v) => {
                json_response(status, &documented_answer(v, req))
            }
            examples::Documented::NoContent(status) => {
                HttpMockResponse::builder().status(status).build()
            }
            examples::Documented::Undocumented => unimplemented(
                Some(op.id),
                &method,
                &path,
                "Close documents no example answer for it",
            ),
        }
    }

    /// Records changes in the event log and queues the webhook deliveries they cause.
    fn commit(&self, changes: Vec<store::Change>, method: &str, path: &str) {
        if changes.is_empty() {
            return;
        }
        let outgoing: Vec<store::Outgoing> = {
            let mut store = lock(&self.store);
            changes
                .into_iter()
                .flat_map(|c| {
                    let event = store.record(c, method, path);
                    store.deliveries(&event)
                })
                .collect()
        };
        for out in outgoing {
            self.deliveries.send(out);
        }
    }
}

/// The most requests [`MockClose::requests`] keeps.
const MAX_LOG: usize = 100_000;

/// The 404 for what the mock does not implement.
fn unimplemented(op: Option<&str>, method: &str, path: &str, why: &str) -> HttpMockResponse {
    let what = match op {
        Some(op) => format!("{op} ({method} {path})"),
        None => format!("{method} {path}"),
    };
    json_response(
        404,
        &json!({
            "error": format!("MockClose does not implement {what}: {why}."),
            "operation": op,
            "method": method,
            "path": path,
        }),
    )
}

/// The requests answered so far, and which of them (by index) answer 429.
struct Traffic {
    log: Vec<String>,
    limited: Range<usize>,
}

/// Locks a mutex, using the data even if a handler panicked while holding it.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn body(req: &HttpMockRequest) -> Option<Value> {
    serde_json::from_slice(req.body_ref()).ok()
}

fn json_response(status: u16, v: &Value) -> HttpMockResponse {
    HttpMockResponse::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(v.to_string())
        .build()
}

fn field_error(field: &str, message: &str) -> HttpMockResponse {
    json_response(
        400,
        &json!({"errors": [], "field-errors": {field: message}}),
    )
}

/// A Close-style id: prefix, `_`, 43 base62 characters derived from `seed`.
pub fn close_id(prefix: &str, seed: u64) -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut x = seed ^ 0x9E37_79B9_7F4A_7C15;
    let mut id = String::with_capacity(prefix.len() + 44);
    id.push_str(prefix);
    id.push('_');
    for _ in 0..43 {
        // xorshift64*: a fixed, dependency-free sequence per seed.
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        id.push(ALPHABET[(x.wrapping_mul(0x2545_F491_4F6C_DD1D) % 62) as usize] as char);
    }
    id
}

fn seed_of(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The second path segment: the id in `/membership/{id}/`.
fn path_id(req: &HttpMockRequest) -> String {
    req.uri()
        .path()
        .trim_matches('/')
        .split('/')
        .nth(1)
        .unwrap_or_default()
        .to_string()
}

/// A documented example as the mock answers it. A `{data, has_more}` list example is the whole
/// list the mock holds: its `data` served by the request's `_skip`/`_limit` window, with
/// `has_more` saying whether more of it follows (Close's examples say `has_more: true` for a
/// page of a longer list the mock does not have, which would make `.paginate()` read the same
/// page again). Any other example is answered as documented.
fn documented_answer(example: &Value, req: &HttpMockRequest) -> Value {
    let Some(object) = example.as_object() else {
        return example.clone();
    };
    let (Some(Value::Array(data)), true) = (object.get("data"), object.contains_key("has_more"))
    else {
        return example.clone();
    };
    let mut answer = object.clone();
    if let Value::Object(window) = store::page(req, data.clone()) {
        answer.extend(window);
    }
    Value::Object(answer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_look_like_closes() {
        let id = close_id("memb", 7);
        assert!(id.starts_with("memb_") && id.len() == 48, "{id}");
        assert!(id[5..].chars().all(|c| c.is_ascii_alphanumeric()));
        assert_eq!(close_id("memb", 7), id);
        assert_ne!(close_id("memb", 8), id);
    }
}
