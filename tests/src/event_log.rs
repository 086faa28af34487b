//! A fake of Close's event log on loopback: `GET /event/` newest first by `date_updated`, with
//! `date_updated__gte`, `date_updated__lt`, `_limit` (capped at 50) and opaque `_cursor`s that
//! remember the query's date bounds (cursor pages are sent without them, as Close asks). Events can be added, made
//! visible late or consolidated while a client follows, and the next requests can be answered
//! with 429.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use close_sdk::Timestamp;
use serde_json::{json, Value};

use crate::loopback_server::{LoopbackServer, Reply, Request};

/// One stored event.
#[derive(Debug, Clone)]
struct Stored {
    event: Value,
    updated: Timestamp,
    visible: bool,
    seq: usize,
}

#[derive(Debug, Default)]
struct State {
    events: Vec<Stored>,
    seq: usize,
    requests: Vec<(Instant, String, u16)>,
    throttle_next: u32,
}

/// The fake event log. Clones share the log.
#[derive(Clone)]
pub struct FakeEventLog {
    state: Arc<Mutex<State>>,
}

/// A running fake: the log and its server.
pub struct EventLogServer {
    /// The log, to change while a client follows.
    pub log: FakeEventLog,
    /// The server (stops when dropped).
    pub server: LoopbackServer,
}

impl EventLogServer {
    /// Starts an empty log.
    pub async fn start() -> Self {
        let log = FakeEventLog {
            state: Arc::new(Mutex::new(State::default())),
        };
        let shared = log.clone();
        let server = LoopbackServer::start(move |req| shared.answer(req)).await;
        EventLogServer { log, server }
    }
}

/// Midnight (UTC) ten days ago, plus `secs` seconds (and `micros`), in Close's naive UTC
/// format. Near the real clock on purpose: the follower does not let its watermark run ahead
/// of this machine's clock, so far-future test dates would behave unlike real ones. The base
/// is fixed once per test process, so a test running across midnight sees no jump.
pub fn at(secs: u32, micros: u32) -> String {
    static BASE_DAY: std::sync::OnceLock<i64> = std::sync::OnceLock::new();
    let base = *BASE_DAY.get_or_init(|| {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        i64::try_from(now / 86_400).unwrap_or(0) - 10
    });
    let (y, m, d) = civil_from_days(base + i64::from(secs / 86_400));
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{micros:06}",
        secs / 3600 % 24,
        secs / 60 % 60,
        secs % 60
    )
}

/// This machine's clock less `secs` seconds, in Close's naive UTC format with microseconds.
pub fn ago(secs: u64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .saturating_sub(std::time::Duration::from_secs(secs));
    let t = now.as_secs();
    let (y, m, d) = civil_from_days(i64::try_from(t / 86_400).unwrap_or(0));
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:06}",
        t / 3600 % 24,
        t / 60 % 60,
        t % 60,
        now.subsec_micros()
    )
}

/// Year, month, day of a count of days since 1970-01-01 (H. Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

impl FakeEventLog {
    /// Adds a visible event `id` updated at `date_updated`.
    pub fn add(&self, id: &str, date_updated: &str) {
        self.insert(id, date_updated, true);
    }

    /// Adds an event that is not visible yet (see [`FakeEventLog::reveal`]).
    pub fn add_hidden(&self, id: &str, date_updated: &str) {
        self.insert(id, date_updated, false);
    }

    /// Makes a hidden event visible.
    pub fn reveal(&self, id: &str) {
        if let Ok(mut s) = self.state.lock() {
            for e in s.events.iter_mut().filter(|e| e.event["id"] == id) {
                e.visible = true;
            }
        }
    }

    /// Consolidates: the event `id` gets a later `date_updated`.
    pub fn consolidate(&self, id: &str, date_updated: &str) {
        let Ok(t) = date_updated.parse::<Timestamp>() else {
            return;
        };
        if let Ok(mut s) = self.state.lock() {
            for e in s.events.iter_mut().filter(|e| e.event["id"] == id) {
                e.event["date_updated"] = json!(date_updated);
                e.updated = t.clone();
            }
        }
    }

    /// Answers the next `n` requests with 429 (`RateLimit` reset 1 s, `Retry-After: 1`).
    pub fn throttle_next(&self, n: u32) {
        if let Ok(mut s) = self.state.lock() {
            s.throttle_next = n;
        }
    }

    /// Every request so far: when, its path with query, and the status answered.
    pub fn requests(&self) -> Vec<(Instant, String, u16)> {
        self.state
            .lock()
            .map(|s| s.requests.clone())
            .unwrap_or_default()
    }

    fn insert(&self, id: &str, date_updated: &str, visible: bool) {
        let Ok(updated) = date_updated.parse::<Timestamp>() else {
            return;
        };
        if let Ok(mut s) = self.state.lock() {
            s.seq += 1;
            let seq = s.seq;
            s.events.push(Stored {
                event: json!({
                    "id": id, "object_type": "lead", "action": "updated",
                    "object_id": format!("lead_{id}"), "lead_id": format!("lead_{id}"),
                    "date_created": date_updated, "date_updated": date_updated,
                    "changed_fields": ["name"], "data": {"name": id}, "previous_data": {},
                    "meta": {"request_method": "PUT"}
                }),
                updated,
                visible,
                seq,
            });
        }
    }

    fn answer(&self, req: &Request) -> Reply {
        let Ok(mut s) = self.state.lock() else {
            return Reply::json(500, &json!({}));
        };
        let query = parse_query(&req.path);
        let get = |name: &str| {
            query
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
        };
        if s.throttle_next > 0 {
            s.throttle_next -= 1;
            s.requests.push((Instant::now(), req.path.clone(), 429));
            return Reply::json(429, &json!({"error": "API call count exceeded"}))
                .with_header("ratelimit", "limit=1, remaining=0, reset=1.0")
                .with_header("retry-after", "1");
        }
        if !req.path.starts_with("/event/") {
            s.requests.push((Instant::now(), req.path.clone(), 404));
            return Reply::json(404, &json!({"error": "not found"}));
        }
        // A cursor is `offset|gte|lt`: the page offset and the first request's bounds.
        let (offset, gte, lt) = match get("_cursor") {
            Some(c) => {
                let mut parts = c.splitn(3, '|');
                let o = parts.next().unwrap_or("");
                let g = parts.next().unwrap_or("");
                let l = parts.next().unwrap_or("");
                (
                    o.parse::<usize>().unwrap_or(0),
                    g.to_string(),
                    l.to_string(),
                )
            }
            None => (
                0,
                get("date_updated__gte").unwrap_or_default(),
                get("date_updated__lt").unwrap_or_default(),
            ),
        };
        let bound: Option<Timestamp> = gte.parse().ok();
        let upper: Option<Timestamp> = lt.parse().ok();
        let limit = get("_limit")
            .and_then(|l| l.parse::<usize>().ok())
            .unwrap_or(50)
            .clamp(1, 50);
        let mut visible: Vec<&Stored> = s
            .events
            .iter()
            .filter(|e| {
                e.visible
                    && bound.as_ref().is_none_or(|b| &e.updated >= b)
                    && upper.as_ref().is_none_or(|u| &e.updated < u)
            })
            .collect();
        // Newest first; for equal dates, the later-written first.
        visible.sort_by(|a, b| b.updated.cmp(&a.updated).then(b.seq.cmp(&a.seq)));
        let page: Vec<Value> = visible
            .iter()
            .skip(offset)
            .take(limit)
            .map(|e| e.event.clone())
            .collect();
        let next =
            (offset + limit < visible.len()).then(|| format!("{}|{gte}|{lt}", offset + limit));
        let previous = (offset > 0).then(|| format!("{}|{gte}|{lt}", offset.saturating_sub(limit)));
        s.requests.push((Instant::now(), req.path.clone(), 200));
        Reply::json(
            200,
            &json!({"data": page, "cursor_next": next, "cursor_previous": previous}),
        )
    }
}

/// `(name, value)` pairs of a path's query, percent-decoded.
pub fn parse_query(path: &str) -> Vec<(String, String)> {
    let query = path.split_once('?').map(|(_, q)| q).unwrap_or("");
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (n, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(n), decode(v))
        })
        .collect()
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
