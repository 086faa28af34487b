//! The loopback server: hyper 1.x HTTP/1.1 with keep-alive on one dedicated worker thread,
//! answering `POST /membership/` with Close's 14-field create response (pre-serialized) and
//! `GET /membership/<id>/pinned_views/` with a one-id list (a generated builder with a path
//! parameter), and
//! optionally enforcing Close's rate limit per endpoint group; or, started with
//! [`Server::start_list`], answering `GET /user/?_skip=&_limit=[&_fields=]` with pages of a
//! long list of Lead-shaped objects rendered on the fly (so the server's memory stays flat too).
//!
//! Rate limiting is a fixed window that starts at the group's first request (like
//! `tests/src/loopback_server.rs`): `limit` requests per `window`, every answer carries
//! `RateLimit: limit=N, remaining=N, reset=<decimal seconds>`, and a request above the limit gets
//! a 429 with the same header and `Retry-After`.
#![forbid(unsafe_code)]

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{HeaderValue, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER};
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;

use crate::lead::Pages;
use crate::BoxError;

/// Name of the server's threads (CPU and allocations are accounted to the client without them).
pub const THREAD_NAME: &str = "bench-server";
/// The endpoint group the server serves (one group: Close limits per method + path).
pub const PATH: &str = "/membership/";
/// The one membership whose pinned views the server serves (`GET`).
pub const MEMBERSHIP_ID: &str = "memb_JPCqDJq0AmoZFhemXAWrWk9327DqfJgUF2VGPMOL4Lp";
/// `GET /membership/{MEMBERSHIP_ID}/pinned_views/`.
pub const PINNED_PATH: &str =
    "/membership/memb_JPCqDJq0AmoZFhemXAWrWk9327DqfJgUF2VGPMOL4Lp/pinned_views/";
/// Its answer (Close's documented example).
const PINNED_BODY: &[u8] =
    br#"{"saved_view_ids":["save_LCt6QxYsDbdJfMiIkLjBFJBkJTwS9TufXu3nSkHopXM"]}"#;
/// Where a list server serves its list: `users_list`'s path, so that the SDK's request path
/// (whose path check knows only the generated operations) lets the request through.
pub const LIST_PATH: &str = "/user/";
/// The list server also serves its list here, for the generated `leads_list().paginate()`.
pub const LEAD_LIST_PATH: &str = "/lead/";
/// The most connections the server accepts before its accept loop ends.
const MAX_CONNECTIONS: usize = 100_000;
/// The largest request body it reads.
const MAX_BODY: usize = 64 * 1024;

/// Close's rate limit for the one endpoint group.
#[derive(Debug, Clone, Copy)]
pub struct RateLimit {
    /// Requests per window.
    pub limit: u32,
    /// Window length.
    pub window: Duration,
}

/// A request as the server saw it, for checking that the SDK and the raw client send the same.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Captured {
    /// Method and path.
    pub line: String,
    /// Header names and values, sorted.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

#[derive(Debug, Default)]
struct Window {
    started: Option<Instant>,
    index: u64,
    count: u32,
    too_many_in_window: u32,
    most_too_many_in_one_window: u32,
}

struct State {
    ok_body: Bytes,
    /// The list a list server serves.
    pages: Option<Pages>,
    expected_auth: HeaderValue,
    rate: Option<RateLimit>,
    window: Mutex<Window>,
    ok: AtomicU64,
    too_many: AtomicU64,
    rejected: AtomicU64,
    capture: AtomicBool,
    captured: Mutex<Option<Captured>>,
}

/// Counters of what the server answered.
#[derive(Debug, Clone, Copy, Default)]
pub struct Stats {
    /// 200s.
    pub ok: u64,
    /// 429s.
    pub too_many: u64,
    /// 4xx other than 429 (wrong path, auth or body): a broken harness.
    pub rejected: u64,
    /// The most 429s within one rate-limit window.
    pub most_429s_in_one_window: u32,
}

/// A running server; dropping it stops it.
pub struct Server {
    addr: SocketAddr,
    state: Arc<State>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

impl Server {
    /// Starts a server on `127.0.0.1` on its own one-worker runtime.
    pub fn start(
        ok_body: Bytes,
        expected_auth: HeaderValue,
        rate: Option<RateLimit>,
    ) -> Result<Server, BoxError> {
        Self::start_with(ok_body, None, expected_auth, rate)
    }

    /// Starts a server that serves `pages` at [`LIST_PATH`].
    pub fn start_list(pages: Pages, expected_auth: HeaderValue) -> Result<Server, BoxError> {
        Self::start_with(Bytes::new(), Some(pages), expected_auth, None)
    }

    fn start_with(
        ok_body: Bytes,
        pages: Option<Pages>,
        expected_auth: HeaderValue,
        rate: Option<RateLimit>,
    ) -> Result<Server, BoxError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .max_blocking_threads(1)
            .thread_name(THREAD_NAME)
            .on_thread_start(crate::alloc::exclude_this_thread)
            .enable_all()
            .build()?;
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let state = Arc::new(State {
            ok_body,
            pages,
            expected_auth,
            rate,
            window: Mutex::default(),
            ok: AtomicU64::new(0),
            too_many: AtomicU64::new(0),
            rejected: AtomicU64::new(0),
            capture: AtomicBool::new(false),
            captured: Mutex::default(),
        });
        let listener = {
            let _guard = runtime.enter();
            tokio::net::TcpListener::from_std(listener)?
        };
        let shared = state.clone();
        runtime.spawn(async move {
            for _ in 0..MAX_CONNECTIONS {
                let Ok((stream, _)) = listener.accept().await else {
                    break;
                };
                let _ = stream.set_nodelay(true);
                let state = shared.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |req| handle(req, state.clone()));
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Ok(Server {
            addr,
            state,
            runtime: Some(runtime),
        })
    }

    /// The base URL to give a client.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// What the server has answered so far.
    pub fn stats(&self) -> Stats {
        let most = lock(&self.state.window).most_too_many_in_one_window;
        Stats {
            ok: self.state.ok.load(Ordering::Relaxed),
            too_many: self.state.too_many.load(Ordering::Relaxed),
            rejected: self.state.rejected.load(Ordering::Relaxed),
            most_429s_in_one_window: most,
        }
    }

    /// Starts keeping the next request.
    pub fn capture_next(&self) {
        *lock(&self.state.captured) = None;
        self.state.capture.store(true, Ordering::SeqCst);
    }

    /// The request kept since [`Server::capture_next`].
    pub fn captured(&self) -> Option<Captured> {
        self.state.capture.store(false, Ordering::SeqCst);
        lock(&self.state.captured).take()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

fn reply(status: StatusCode, body: Bytes) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(body));
    *r.status_mut() = status;
    r.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    r
}

async fn handle(
    req: Request<Incoming>,
    state: Arc<State>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let (parts, body) = req.into_parts();
    let Ok(body) = Limited::new(body, MAX_BODY).collect().await else {
        state.rejected.fetch_add(1, Ordering::Relaxed);
        return Ok(reply(StatusCode::BAD_REQUEST, Bytes::new()));
    };
    let body = body.to_bytes();
    if state.capture.swap(false, Ordering::SeqCst) {
        let mut headers: Vec<(String, String)> = parts
            .headers
            .iter()
            .map(|(n, v)| (n.to_string(), String::from_utf8_lossy(v.as_bytes()).into()))
            .collect();
        headers.sort();
        *lock(&state.captured) = Some(Captured {
            line: format!("{} {}", parts.method, parts.uri),
            headers,
            body: body.to_vec(),
        });
    }
    if let Some(pages) = &state.pages {
        return Ok(list_page(pages, &parts, &state));
    }
    if parts.method == Method::GET && parts.uri.path() == PINNED_PATH {
        if parts.headers.get(AUTHORIZATION) != Some(&state.expected_auth) {
            state.rejected.fetch_add(1, Ordering::Relaxed);
            return Ok(reply(StatusCode::BAD_REQUEST, Bytes::new()));
        }
        state.ok.fetch_add(1, Ordering::Relaxed);
        return Ok(reply(StatusCode::OK, Bytes::from_static(PINNED_BODY)));
    }
    if parts.method != Method::POST || parts.uri.path() != PATH {
        state.rejected.fetch_add(1, Ordering::Relaxed);
        return Ok(reply(StatusCode::NOT_FOUND, Bytes::new()));
    }
    if parts.headers.get(AUTHORIZATION) != Some(&state.expected_auth) || body.is_empty() {
        state.rejected.fetch_add(1, Ordering::Relaxed);
        return Ok(reply(StatusCode::BAD_REQUEST, Bytes::new()));
    }
    let Some(rate) = state.rate else {
        state.ok.fetch_add(1, Ordering::Relaxed);
        return Ok(reply(StatusCode::OK, state.ok_body.clone()));
    };

    let (allowed, remaining, reset) = {
        let mut w = lock(&state.window);
        let now = Instant::now();
        let started = *w.started.get_or_insert(now);
        let window_ns = rate.window.as_nanos().max(1);
        let index = (now.duration_since(started).as_nanos() / window_ns) as u64;
        if index != w.index {
            w.index = index;
            w.count = 0;
            w.too_many_in_window = 0;
        }
        let window_end = started + rate.window.mul_f64((index + 1) as f64);
        let reset = window_end.saturating_duration_since(now).as_secs_f64();
        w.count += 1;
        let allowed = w.count <= rate.limit;
        if !allowed {
            w.too_many_in_window += 1;
            w.most_too_many_in_one_window = w.most_too_many_in_one_window.max(w.too_many_in_window);
        }
        (allowed, rate.limit.saturating_sub(w.count), reset)
    };
    let header = format!(
        "limit={}, remaining={remaining}, reset={reset:.3}",
        rate.limit
    );
    let mut response = if allowed {
        state.ok.fetch_add(1, Ordering::Relaxed);
        reply(StatusCode::OK, state.ok_body.clone())
    } else {
        state.too_many.fetch_add(1, Ordering::Relaxed);
        let mut r = reply(
            StatusCode::TOO_MANY_REQUESTS,
            Bytes::from_static(br#"{"error": "API call count exceeded"}"#),
        );
        if let Ok(v) = HeaderValue::from_str(&format!("{}", reset.ceil() as u64)) {
            r.headers_mut().insert(RETRY_AFTER, v);
        }
        r
    };
    if let Ok(v) = HeaderValue::from_str(&header) {
        response.headers_mut().insert("ratelimit", v);
    }
    Ok(response)
}

/// A page of the list: `_skip`, `_limit` and `_fields` from the query (a `_fields` value selects
/// the projected objects); anything else is refused.
fn list_page(
    pages: &Pages,
    parts: &hyper::http::request::Parts,
    state: &State,
) -> Response<Full<Bytes>> {
    if parts.method != Method::GET
        || (parts.uri.path() != LIST_PATH && parts.uri.path() != LEAD_LIST_PATH)
        || parts.headers.get(AUTHORIZATION) != Some(&state.expected_auth)
    {
        state.rejected.fetch_add(1, Ordering::Relaxed);
        return reply(StatusCode::NOT_FOUND, Bytes::new());
    }
    let (mut skip, mut limit, mut projected) = (0u64, 100u64, false);
    for pair in parts.uri.query().unwrap_or_default().split('&') {
        match pair.split_once('=') {
            Some(("_skip", v)) => skip = v.parse().unwrap_or(0),
            Some(("_limit", v)) => limit = v.parse().unwrap_or(100),
            Some(("_fields", v)) => projected = !v.is_empty(),
            _ => {}
        }
    }
    state.ok.fetch_add(1, Ordering::Relaxed);
    reply(
        StatusCode::OK,
        Bytes::from(pages.page(skip, limit, projected)),
    )
}
