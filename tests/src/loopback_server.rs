//! A minimal HTTP/1.1 server on loopback for what httpmock cannot do: faults (a connection reset
//! mid-response, a stall, a truncated body) and stateful answers (a server that enforces a rate
//! limit). One request per connection (`Connection: close`); the accept loop is bounded and ends
//! when the server is dropped.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The most connections one server accepts before it stops.
const MAX_CONNECTIONS: usize = 5_000;
/// The largest request it reads.
const MAX_REQUEST: usize = 1 << 20;

/// A request as the server saw it.
#[derive(Debug, Clone)]
pub struct Request {
    /// `GET`, `POST`, …
    pub method: String,
    /// The path with query.
    pub path: String,
    /// Header lines, names lowercased.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Request {
    /// The first value of header `name` (lowercase).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What the server does with one request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// A complete response.
    Respond {
        /// Status code.
        status: u16,
        /// Extra headers.
        headers: Vec<(String, String)>,
        /// Body.
        body: Vec<u8>,
    },
    /// Sends the status line and half the headers, then resets the connection.
    ResetMidResponse,
    /// Answers nothing for this long, then closes.
    Stall(Duration),
    /// Waits, then gives the reply.
    Delayed(Duration, Box<Reply>),
    /// Declares `declared` body bytes, sends `body` (fewer), then closes.
    Truncated {
        /// The Content-Length announced.
        declared: usize,
        /// What is actually sent.
        body: Vec<u8>,
    },
}

impl Reply {
    /// A JSON response.
    pub fn json(status: u16, body: &serde_json::Value) -> Self {
        Reply::Respond {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.to_string().into_bytes(),
        }
    }

    /// Adds a header to a [`Reply::Respond`].
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        if let Reply::Respond { headers, .. } = &mut self {
            headers.push((name.into(), value.into()));
        }
        self
    }
}

type Handler = Arc<dyn Fn(&Request) -> Reply + Send + Sync>;

/// Requests being answered now, and the most at any moment.
#[derive(Debug, Default)]
struct InFlight {
    now: AtomicUsize,
    most: AtomicUsize,
}

/// A running loopback server; it stops when dropped.
pub struct LoopbackServer {
    addr: std::net::SocketAddr,
    requests: Arc<AtomicUsize>,
    lines: Arc<Mutex<Vec<String>>>,
    in_flight: Arc<InFlight>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for LoopbackServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl LoopbackServer {
    /// Serves every request with `handler`.
    pub async fn start(handler: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        let requests = Arc::new(AtomicUsize::new(0));
        let lines = Arc::new(Mutex::new(Vec::new()));
        let seen = lines.clone();
        let handler: Handler = Arc::new(move |request: &Request| {
            if let Ok(mut seen) = seen.lock() {
                seen.push(format!("{} {}", request.method, request.path));
            }
            handler(request)
        });
        let counter = requests.clone();
        let in_flight = Arc::new(InFlight::default());
        let gauge = in_flight.clone();
        let task = tokio::spawn(async move {
            for _ in 0..MAX_CONNECTIONS {
                let Ok((stream, _)) = listener.accept().await else {
                    break;
                };
                let handler = handler.clone();
                let counter = counter.clone();
                let gauge = gauge.clone();
                tokio::spawn(async move {
                    let _ = serve_connection(stream, handler, counter, &gauge).await;
                });
            }
        });
        LoopbackServer {
            addr,
            requests,
            lines,
            in_flight,
            task,
        }
    }

    /// Answers requests with `script` in order, then with `then` for ever.
    pub async fn scripted(script: Vec<Reply>, then: Reply) -> Self {
        let script = Mutex::new(VecDeque::from(script));
        Self::start(move |_| {
            script
                .lock()
                .ok()
                .and_then(|mut s| s.pop_front())
                .unwrap_or_else(|| then.clone())
        })
        .await
    }

    /// The base URL to give a client.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The most requests that were being answered at the same moment.
    pub fn most_in_flight(&self) -> usize {
        self.in_flight.most.load(Ordering::SeqCst)
    }

    /// Every request it has read, in order, as `METHOD request-target`: both exactly as they
    /// were on the request line (the target is not decoded or normalised).
    pub fn request_lines(&self) -> Vec<String> {
        self.lines.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// How many requests it has read.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

async fn serve_connection(
    mut stream: TcpStream,
    handler: Handler,
    counter: Arc<AtomicUsize>,
    gauge: &InFlight,
) -> std::io::Result<()> {
    let Some(request) = read_request(&mut stream).await? else {
        return Ok(());
    };
    counter.fetch_add(1, Ordering::SeqCst);
    let now = gauge.now.fetch_add(1, Ordering::SeqCst) + 1;
    gauge.most.fetch_max(now, Ordering::SeqCst);
    let result = answer(&mut stream, handler(&request)).await;
    gauge.now.fetch_sub(1, Ordering::SeqCst);
    result
}

async fn answer(stream: &mut TcpStream, reply: Reply) -> std::io::Result<()> {
    match reply {
        Reply::Respond {
            status,
            headers,
            body,
        } => {
            let mut head = format!(
                "HTTP/1.1 {status} {}\r\nconnection: close\r\ncontent-length: {}\r\n",
                reason(status),
                body.len()
            );
            for (n, v) in headers {
                head.push_str(&format!("{n}: {v}\r\n"));
            }
            head.push_str("\r\n");
            stream.write_all(head.as_bytes()).await?;
            stream.write_all(&body).await?;
            stream.shutdown().await
        }
        Reply::ResetMidResponse => {
            stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: appl")
                .await?;
            stream.flush().await?;
            // Linger 0: closing sends a TCP reset instead of an orderly shutdown.
            socket2::SockRef::from(&*stream).set_linger(Some(Duration::ZERO))
        }
        Reply::Delayed(delay, reply) => {
            tokio::time::sleep(delay).await;
            Box::pin(answer(stream, *reply)).await
        }
        Reply::Stall(d) => {
            tokio::time::sleep(d).await;
            Ok(())
        }
        Reply::Truncated { declared, body } => {
            let head = format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {declared}\r\n\r\n");
            stream.write_all(head.as_bytes()).await?;
            stream.write_all(&body).await?;
            stream.flush().await
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        401 => "Unauthorized",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

async fn read_request(stream: &mut TcpStream) -> std::io::Result<Option<Request>> {
    let mut buf: Vec<u8> = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        if buf.len() > MAX_REQUEST {
            return Ok(None);
        }
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or_default().split_whitespace();
    let method = first.next().unwrap_or_default().to_string();
    let path = first.next().unwrap_or_default().to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0)
        .min(MAX_REQUEST);
    let mut body = buf[head_end..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Ok(Some(Request {
        method,
        path,
        headers,
        body,
    }))
}

/// A server that enforces `limit` requests per fixed `window` the way Close reports it:
/// `RateLimit: limit=…, remaining=…, reset=<decimal seconds>` on every answer, 429 above the
/// limit. It answers every request with `ok_body`.
pub struct RateLimitedServer {
    /// The underlying server.
    pub server: LoopbackServer,
    stats: Arc<Mutex<WindowStats>>,
}

#[derive(Debug, Default)]
struct WindowStats {
    started: Option<Instant>,
    window: u64,
    count: u32,
    too_many_by_window: std::collections::BTreeMap<u64, u32>,
}

impl RateLimitedServer {
    /// Starts the server.
    pub async fn start(limit: u32, window: Duration, ok_body: serde_json::Value) -> Self {
        Self::start_with(limit, window, ok_body, vec![], |_| None).await
    }

    /// Like [`RateLimitedServer::start`], with faults: the replies in `first` are sent, in order,
    /// before the limit is enforced (they count in no window), and `delay(elapsed)` may hold an
    /// answer back (`elapsed` is the arrival time since the first enforced request; the
    /// `RateLimit` header still tells the window as it was on arrival, like a slow network).
    pub async fn start_with(
        limit: u32,
        window: Duration,
        ok_body: serde_json::Value,
        first: Vec<Reply>,
        delay: impl Fn(Duration) -> Option<Duration> + Send + Sync + 'static,
    ) -> Self {
        let stats = Arc::new(Mutex::new(WindowStats::default()));
        let shared = stats.clone();
        let first = Mutex::new(VecDeque::from(first));
        let server = LoopbackServer::start(move |_| {
            if let Some(reply) = first.lock().ok().and_then(|mut f| f.pop_front()) {
                return reply;
            }
            let Ok(mut s) = shared.lock() else {
                return Reply::json(500, &serde_json::json!({}));
            };
            let now = Instant::now();
            let started = *s.started.get_or_insert(now);
            let elapsed = now.duration_since(started);
            let index = (elapsed.as_nanos() / window.as_nanos().max(1)) as u64;
            if index != s.window {
                s.window = index;
                s.count = 0;
            }
            let window_end = started + window * (index as u32 + 1);
            let reset = window_end.saturating_duration_since(now).as_secs_f64();
            s.count += 1;
            let reply = if s.count > limit {
                *s.too_many_by_window.entry(index).or_default() += 1;
                let header = format!("limit={limit}, remaining=0, reset={reset:.3}");
                Reply::json(
                    429,
                    &serde_json::json!({"error": "API call count exceeded"}),
                )
                .with_header("ratelimit", &header)
                .with_header("retry-after", &format!("{}", reset.ceil() as u64))
            } else {
                let header = format!(
                    "limit={limit}, remaining={}, reset={reset:.3}",
                    limit - s.count
                );
                Reply::json(200, &ok_body).with_header("ratelimit", &header)
            };
            match delay(elapsed) {
                Some(d) => Reply::Delayed(d, Box::new(reply)),
                None => reply,
            }
        })
        .await;
        RateLimitedServer { server, stats }
    }

    /// 429s answered, in all.
    pub fn too_many_requests(&self) -> u32 {
        self.stats
            .lock()
            .map(|s| s.too_many_by_window.values().sum())
            .unwrap_or(0)
    }

    /// The most 429s answered within one window.
    pub fn most_429s_in_one_window(&self) -> u32 {
        self.stats
            .lock()
            .map(|s| s.too_many_by_window.values().copied().max().unwrap_or(0))
            .unwrap_or(0)
    }
}

/// An OAuth token endpoint (`POST /oauth2/token/`) that rotates refresh tokens the way Close
/// does, in front of an API that accepts only the current access token.
///
/// Tokens are numbered: refresh token `r<n>` is valid until it is presented, which makes
/// `r<n+1>` and access token `a<n+1>` current *on arrival* (before the answer, which comes
/// after [`OAuthServer::set_token_delay`]). A refresh token presented again is refused with
/// `400 invalid_grant`. Every other path is the API: `200 {"saved_view_ids": []}` for
/// `Bearer a<current>`, 401 otherwise. Token requests without `Content-Length` get 411. Test
/// tokens are URL-safe, so bodies are read undecoded.
pub struct OAuthServer {
    /// The underlying server.
    pub server: LoopbackServer,
    state: Arc<Mutex<OAuthState>>,
}

#[derive(Debug, Default)]
struct OAuthState {
    generation: u32,
    presented: Vec<String>,
    api_authorizations: Vec<String>,
    token_delay: Duration,
    expires_in: Vec<u64>,
}

impl OAuthServer {
    /// Starts with `r0`/`a0` current, answering token requests at once with `expires_in: 3600`.
    pub async fn start() -> Self {
        let state = Arc::new(Mutex::new(OAuthState::default()));
        let shared = state.clone();
        let server = LoopbackServer::start(move |request| {
            let Ok(mut s) = shared.lock() else {
                return Reply::json(500, &serde_json::json!({}));
            };
            if request.path.starts_with("/oauth2/token/") {
                s.token_request(request)
            } else {
                let authorization = request.header("authorization").unwrap_or_default();
                s.api_authorizations.push(authorization.to_string());
                if authorization == format!("Bearer a{}", s.generation) {
                    Reply::json(200, &serde_json::json!({"saved_view_ids": []}))
                } else {
                    Reply::json(401, &serde_json::json!({"error": "Unauthorized"}))
                }
            }
        })
        .await;
        OAuthServer { server, state }
    }

    /// Token answers wait this long (the rotation has happened on arrival).
    pub fn set_token_delay(&self, delay: Duration) {
        if let Ok(mut s) = self.state.lock() {
            s.token_delay = delay;
        }
    }

    /// The `expires_in` of the next token answers, in order (then 3600).
    pub fn set_expires_in(&self, values: &[u64]) {
        if let Ok(mut s) = self.state.lock() {
            s.expires_in = values.to_vec();
        }
    }

    /// The refresh tokens presented to the token endpoint, in order.
    pub fn presented_refresh_tokens(&self) -> Vec<String> {
        self.state
            .lock()
            .map(|s| s.presented.clone())
            .unwrap_or_default()
    }

    /// The `Authorization` headers the API received, in order.
    pub fn api_authorizations(&self) -> Vec<String> {
        self.state
            .lock()
            .map(|s| s.api_authorizations.clone())
            .unwrap_or_default()
    }

    /// The token endpoint's URL.
    pub fn token_url(&self) -> String {
        format!("{}/oauth2/token/", self.server.base_url())
    }
}

impl OAuthState {
    fn token_request(&mut self, request: &Request) -> Reply {
        // Token endpoints need not accept chunked bodies: insist on a Content-Length.
        if request.header("content-length").is_none()
            || request.header("transfer-encoding").is_some()
        {
            return Reply::json(411, &serde_json::json!({"error": "length_required"}));
        }
        let body = String::from_utf8_lossy(&request.body).to_string();
        let presented = body
            .split('&')
            .find_map(|pair| pair.strip_prefix("refresh_token="))
            .unwrap_or_default()
            .to_string();
        self.presented.push(presented.clone());
        if presented != format!("r{}", self.generation) {
            return Reply::json(400, &serde_json::json!({"error": "invalid_grant"}));
        }
        self.generation += 1;
        let expires_in = if self.expires_in.is_empty() {
            3600
        } else {
            self.expires_in.remove(0)
        };
        let n = self.generation;
        let answer = Reply::json(
            200,
            &serde_json::json!({
                "token_type": "Bearer",
                "access_token": format!("a{n}"),
                "refresh_token": format!("r{n}"),
                "expires_in": expires_in,
            }),
        );
        if self.token_delay.is_zero() {
            answer
        } else {
            Reply::Delayed(self.token_delay, Box::new(answer))
        }
    }
}
