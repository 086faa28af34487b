//! Test helpers for code that uses close-sdk (feature `mock`): typed httpmock mocks for every
//! operation, and [`MockClose`], a small stateful stand-in for Close: Memberships, and (with the
//! features `leads`, `contacts` and `custom-fields`) custom field definitions, leads with nested
//! contacts, and contacts.
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
//! // …or a whole mock Close that answers every Memberships operation.
//! let close = MockClose::start().await;
//! let client = Client::builder().api_key("test").base_url(close.base_url()).build()?;
//! let m = client.create_membership("ann@salesteam.com", Role::User).await?;
//! assert!(m.id.unwrap_or_default().starts_with("memb_"));
//! # Ok(()) }
//! ```
//!
//! What the mock checks and answers is modelled on Close's documentation and examples; where
//! Close does not document a detail (the exact wording of a validation message, say), the mock
//! picks a plausible one. It is a stand-in for tests and demos, not a replica.

#[cfg(all(feature = "leads", feature = "contacts", feature = "custom-fields"))]
mod crm;
mod memberships;

use std::ops::Range;
use std::sync::{Arc, Mutex, MutexGuard};

use httpmock::{HttpMockRequest, HttpMockResponse, MockServer};
use serde_json::{json, Value};

pub use crate::generated::httpmock::operations;
pub use crate::generated::httpmock::MockServerExt;

/// The organization everything in a [`MockClose`] belongs to (Close's documented example).
pub const MOCK_ORGANIZATION_ID: &str = "orga_RbREgmiiwcr1w2b4cOnCMQaQPSIFxMqAD2Dh243uxcH";

/// The user a [`MockClose`] records as creator and updater (Close's documented example).
pub const MOCK_USER_ID: &str = "user_N6KhMpzHRCYQHdn4gRNIFNN5JExnsrprKA6ekxM63XA";

/// A loopback server that answers Close's operations the way Close documents them, keeping
/// what is created: ids in Close's format, Close's response shapes (they decode into the SDK's
/// types), and a 400 with `field-errors` where Close would refuse the input.
///
/// - Memberships: every operation; an invalid email or role is a 400.
/// - With the features `leads`, `contacts` and `custom-fields`: lead and contact custom field
///   definitions (list with `_skip`/`_limit` and `has_more`, get), leads (create with nested
///   contacts, get, list, update, delete) and contacts (create, get, list by `lead_id`). Custom
///   field values (`custom.cf_…`) are checked against the definitions; an invalid email is a 400.
/// - [`MockClose::rate_limit_burst`] makes the next requests answer 429 with Close's
///   `RateLimit` and `Retry-After` headers.
pub struct MockClose {
    server: MockServer,
    shared: Arc<Shared>,
}

/// Configures a [`MockClose`] before it starts: custom field definitions, a 429 burst.
#[derive(Default)]
pub struct MockCloseBuilder {
    burst: Range<usize>,
    #[cfg(all(feature = "leads", feature = "contacts", feature = "custom-fields"))]
    fields: Vec<crm::FieldSpec>,
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

    /// Starts the server.
    pub async fn start(self) -> MockClose {
        let server = MockServer::start_async().await;
        let shared = Arc::new(Shared {
            traffic: Mutex::new(Traffic {
                log: Vec::new(),
                limited: self.burst,
            }),
            #[cfg(all(feature = "leads", feature = "contacts", feature = "custom-fields"))]
            crm: Mutex::new(crm::Crm::new(self.fields)),
        });
        memberships::install(&server, &shared);
        #[cfg(all(feature = "leads", feature = "contacts", feature = "custom-fields"))]
        crm::install(&server, &shared);
        MockClose { server, shared }
    }
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

    /// The underlying httpmock server, to add mocks of your own.
    pub fn server(&self) -> &MockServer {
        &self.server
    }

    /// Makes the next `n` requests answer 429 Too Many Requests with
    /// `RateLimit: limit=100, remaining=0, reset=1` and `Retry-After: 1`, as Close does.
    pub fn rate_limit_burst(&self, n: usize) {
        let mut traffic = lock(&self.shared.traffic);
        let next = traffic.log.len();
        traffic.limited = next..next.saturating_add(n);
    }

    /// Every request the mock answered so far, in order, as `"METHOD /path/"` (429s included,
    /// requests no operation matched excluded).
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
}

/// State shared by every handler of one [`MockClose`].
pub(crate) struct Shared {
    traffic: Mutex<Traffic>,
    #[cfg(all(feature = "leads", feature = "contacts", feature = "custom-fields"))]
    crm: Mutex<crm::Crm>,
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
                traffic
                    .log
                    .push(format!("{} {}", req.method_str(), req.uri().path()));
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
