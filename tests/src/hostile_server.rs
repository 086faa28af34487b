//! A raw-socket loopback server for the attack tests: answers the loopback server cannot give
//! (a body dripped one byte at a time, a body that never ends, hand-written response bytes),
//! counting what it wrote so a test can tell how much the client read. One request per
//! connection; the accept loop is bounded and ends when the server is dropped.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub use crate::loopback_server::Request;

/// The most connections one server accepts before it stops.
const MAX_CONNECTIONS: usize = 2_000;
/// The largest request head + body it reads.
const MAX_REQUEST: usize = 1 << 20;

/// What the server does with one request.
#[derive(Debug, Clone)]
pub enum Act {
    /// Writes these bytes as they are (status line, headers, body), then closes.
    Raw(Vec<u8>),
    /// Writes `head` (status line and headers, blank line included), then `body` one byte every
    /// `every`, then closes.
    Drip {
        /// Status line and headers, ending with `\r\n\r\n`.
        head: Vec<u8>,
        /// The body, dripped.
        body: Vec<u8>,
        /// Pause between two bytes.
        every: Duration,
    },
    /// A `200` with a chunked body of `chunk` repeated until `max` bytes are written or the
    /// client goes away.
    Endless {
        /// One chunk's bytes.
        chunk: Vec<u8>,
        /// Bound on the bytes written.
        max: u64,
    },
}

impl Act {
    /// A complete `Connection: close` response with a JSON body.
    pub fn json(status: u16, extra_headers: &[(&str, &str)], body: &str) -> Self {
        let mut head = format!(
            "HTTP/1.1 {status} X\r\nconnection: close\r\ncontent-type: application/json\r\n\
             content-length: {}\r\n",
            body.len()
        );
        for (n, v) in extra_headers {
            head.push_str(&format!("{n}: {v}\r\n"));
        }
        head.push_str("\r\n");
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(body.as_bytes());
        Act::Raw(bytes)
    }
}

type Handler = Arc<dyn Fn(&Request) -> Act + Send + Sync>;

/// A running hostile server; it stops when dropped.
pub struct HostileServer {
    addr: std::net::SocketAddr,
    requests: Arc<Mutex<Vec<Request>>>,
    written: Arc<AtomicU64>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for HostileServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl HostileServer {
    /// Serves every request with `handler`.
    pub async fn start(handler: impl Fn(&Request) -> Act + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let written = Arc::new(AtomicU64::new(0));
        let handler: Handler = Arc::new(handler);
        let (seen, count) = (requests.clone(), written.clone());
        let task = tokio::spawn(async move {
            for _ in 0..MAX_CONNECTIONS {
                let Ok((stream, _)) = listener.accept().await else {
                    break;
                };
                let (handler, seen, count) = (handler.clone(), seen.clone(), count.clone());
                tokio::spawn(async move {
                    let _ = serve(stream, handler, seen, count).await;
                });
            }
        });
        HostileServer {
            addr,
            requests,
            written,
            task,
        }
    }

    /// The base URL to give a client.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request read so far.
    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().map(|r| r.clone()).unwrap_or_default()
    }

    /// Body bytes written so far (for [`Act::Endless`] and [`Act::Drip`]).
    pub fn body_bytes_written(&self) -> u64 {
        self.written.load(Ordering::SeqCst)
    }
}

async fn serve(
    mut stream: TcpStream,
    handler: Handler,
    seen: Arc<Mutex<Vec<Request>>>,
    written: Arc<AtomicU64>,
) -> std::io::Result<()> {
    let Some(request) = read_request(&mut stream).await? else {
        return Ok(());
    };
    let act = handler(&request);
    if let Ok(mut seen) = seen.lock() {
        seen.push(request);
    }
    match act {
        Act::Raw(bytes) => {
            stream.write_all(&bytes).await?;
            stream.shutdown().await
        }
        Act::Drip { head, body, every } => {
            stream.write_all(&head).await?;
            stream.flush().await?;
            for b in body {
                tokio::time::sleep(every).await;
                stream.write_all(&[b]).await?;
                stream.flush().await?;
                written.fetch_add(1, Ordering::SeqCst);
            }
            stream.shutdown().await
        }
        Act::Endless { chunk, max } => {
            let head = "HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-type: application/json\r\n\
                        transfer-encoding: chunked\r\n\r\n";
            stream.write_all(head.as_bytes()).await?;
            let mut framed = format!("{:x}\r\n", chunk.len()).into_bytes();
            framed.extend_from_slice(&chunk);
            framed.extend_from_slice(b"\r\n");
            while written.load(Ordering::SeqCst) < max {
                stream.write_all(&framed).await?;
                written.fetch_add(chunk.len() as u64, Ordering::SeqCst);
            }
            Ok(())
        }
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
