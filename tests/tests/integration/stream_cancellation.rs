//! Dropping a paginated list or a provisioning run at any point leaves nothing behind: the server
//! sees no request the dropped stream had not already started, no task is left running, and the
//! next call to the same operation answers at once.
//!
//! Each scenario runs its client on a runtime of its own, so that the tasks still alive there
//! after the drop can be counted (the loopback server runs on the test's runtime). Every
//! operation is called once to completion first, so that these tests are about the streams and
//! not about the throttle's first-answer probe, whose slot on cancellation is the transport's
//! business; the last test drops a run during that probe and needs the transport's fix.

// The extension traits' old names, deprecated where a handle call does the same, keep
// working: these tests call them on purpose.
#![allow(deprecated)]

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use close_sdk::prelude::*;
use close_sdk::RetryPolicy;
use close_sdk_tests::loopback_server::{LoopbackServer, Reply, Request};
use close_sdk_tests::{created_membership, API_KEY};
use futures_util::StreamExt;
use serde_json::{json, Value};

/// How long the server is watched after a drop for requests that should not come.
const SETTLE: Duration = Duration::from_millis(300);
/// How long every answer takes (so drops land between and during requests).
const STEP: Duration = Duration::from_millis(5);
/// How long a stalled request is left unanswered: far longer than any scenario.
const STALL: Duration = Duration::from_secs(10);
/// The bound on a follow-up call from a server that answers at once.
const FOLLOW_UP: Duration = Duration::from_secs(1);
/// Concurrency of the provisioning runs.
const CONCURRENCY: usize = 4;
/// Rows in a provisioning run, ids in a bulk update: more than any scenario gets through.
const ROWS: usize = 400;
/// Items per page of the list.
const PAGE: u32 = 2;

/// Where the stream is dropped.
#[derive(Debug, Clone, Copy)]
enum DropAt {
    /// A `tokio::time::timeout` of this many milliseconds around draining it.
    Timeout(u64),
    /// A 2 s timeout firing while the server stalls every request from the third on.
    DuringStall,
    /// `JoinHandle::abort` on the task draining it, 30 ms in.
    Abort,
    /// Right after its first item.
    AfterFirstItem,
}

const DROP_POINTS: [DropAt; 7] = [
    DropAt::Timeout(0),
    DropAt::Timeout(1),
    DropAt::Timeout(5),
    DropAt::Timeout(50),
    DropAt::DuringStall,
    DropAt::Abort,
    DropAt::AfterFirstItem,
];

/// The operation under test.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    ListGroups,
    Provision,
    ProvisionFromStream,
    Deactivate,
    BulkRoles,
}

/// Rows (or pages) the stream has taken on, and outcomes (or items) it has yielded.
#[derive(Debug, Default)]
struct Progress {
    started: AtomicUsize,
    yielded: AtomicUsize,
}

type BoxFuture = Pin<Box<dyn Future<Output = ()> + Send>>;

impl Op {
    /// Whether it sends one request at a time (a list, a bulk update) rather than
    /// [`CONCURRENCY`] rows at a time.
    fn sequential(self) -> bool {
        matches!(self, Op::ListGroups | Op::BulkRoles)
    }

    /// One call to completion: the warm-up and the follow-up.
    async fn once(self, client: &Client) -> Result<(), Error> {
        match self {
            Op::ListGroups => {
                let mut s = client.list_groups(ListOptions::default().page_size(PAGE));
                match s.next().await {
                    Some(first) => first.map(drop),
                    None => Err(Error::InvalidRequest("the list was empty".into())),
                }
            }
            Op::Provision | Op::ProvisionFromStream => client
                .create_membership("warm@salesteam.com", Role::User)
                .await
                .map(drop),
            Op::Deactivate => client.delete_membership("memb_warm").await,
            Op::BulkRoles => {
                let ids = ["memb_warm"];
                let mut chunks = client.bulk_update_roles(ids, Role::User, 1).await;
                chunks.pop().map_or(Ok(()), |c| c.result.map(drop))
            }
        }
    }

    /// Runs the whole operation (far longer than any scenario), counting its progress; with
    /// `stop_after`, returns (dropping the stream) once that many items were yielded.
    fn drive(
        self,
        client: Client,
        progress: Arc<Progress>,
        stop_after: Option<usize>,
    ) -> BoxFuture {
        let stop = stop_after.unwrap_or(usize::MAX);
        let p = progress.clone();
        let rows = (0..ROWS).inspect(move |_| {
            p.started.fetch_add(1, Ordering::SeqCst);
        });
        match self {
            Op::ListGroups => Box::pin(async move {
                let mut s = client.list_groups(ListOptions::default().page_size(PAGE));
                while progress.yielded.load(Ordering::SeqCst) < stop {
                    if s.next().await.is_none() {
                        break;
                    }
                    progress.yielded.fetch_add(1, Ordering::SeqCst);
                }
            }),
            Op::Provision | Op::ProvisionFromStream => Box::pin(async move {
                let rows = rows.map(|i| (format!("row{i}@salesteam.com"), Role::User));
                let mut s: Pin<Box<dyn futures_util::Stream<Item = _> + Send + '_>> =
                    if self == Op::Provision {
                        Box::pin(client.provision_memberships(rows, CONCURRENCY))
                    } else {
                        let rows = futures_util::stream::iter(rows);
                        Box::pin(client.provision_memberships_from_stream(rows, CONCURRENCY))
                    };
                while progress.yielded.load(Ordering::SeqCst) < stop {
                    if s.next().await.is_none() {
                        break;
                    }
                    progress.yielded.fetch_add(1, Ordering::SeqCst);
                }
            }),
            Op::Deactivate => Box::pin(async move {
                let ids = rows.map(|i| format!("memb_{i}"));
                let mut s = client.deactivate_memberships(ids, CONCURRENCY);
                while progress.yielded.load(Ordering::SeqCst) < stop {
                    if s.next().await.is_none() {
                        break;
                    }
                    progress.yielded.fetch_add(1, Ordering::SeqCst);
                }
            }),
            Op::BulkRoles => Box::pin(async move {
                let ids: Vec<String> = (0..ROWS).map(|i| format!("memb_{i}")).collect();
                let _ = client.bulk_update_roles(ids, Role::User, 1).await;
            }),
        }
    }

    /// The row (or page, or chunk) number a request was for.
    fn row_of(self, req: &Request) -> Option<usize> {
        match self {
            Op::ListGroups => query_param(&req.path, "_skip")
                .and_then(|s| s.parse::<usize>().ok())
                .map(|skip| skip / PAGE as usize),
            Op::Provision | Op::ProvisionFromStream => {
                let body: Value = serde_json::from_slice(&req.body).ok()?;
                let email = body["email"].as_str()?;
                email.strip_prefix("row")?.split('@').next()?.parse().ok()
            }
            Op::Deactivate => req
                .path
                .strip_prefix("/membership/memb_")?
                .trim_end_matches('/')
                .parse()
                .ok(),
            Op::BulkRoles => {
                let body: Value = serde_json::from_slice(&req.body).ok()?;
                body["_params"]["id__in"]
                    .as_str()?
                    .strip_prefix("memb_")?
                    .parse()
                    .ok()
            }
        }
    }
}

fn query_param<'a>(path: &'a str, name: &str) -> Option<&'a str> {
    let (_, query) = path.split_once('?')?;
    query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find_map(|(k, v)| (k == name).then_some(v))
}

/// A server answering like Close for the operations here, each answer after [`STEP`], and
/// recording every request. Requests from number `stall_from` on are left unanswered.
struct FakeClose {
    server: LoopbackServer,
    seen: Arc<Mutex<Vec<Request>>>,
    stall_from: Arc<AtomicUsize>,
}

impl FakeClose {
    async fn start() -> Self {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let stall_from = Arc::new(AtomicUsize::new(usize::MAX));
        let (log, stall) = (seen.clone(), stall_from.clone());
        let server = LoopbackServer::start(move |req| {
            let n = log.lock().map_or(0, |mut l| {
                l.push(req.clone());
                l.len()
            });
            if n > stall.load(Ordering::SeqCst) {
                return Reply::Stall(STALL);
            }
            Reply::Delayed(STEP, Box::new(answer(req)))
        })
        .await;
        FakeClose {
            server,
            seen,
            stall_from,
        }
    }

    fn requests(&self) -> Vec<Request> {
        self.seen.lock().map(|l| l.clone()).unwrap_or_default()
    }
}

fn answer(req: &Request) -> Reply {
    let path = req.path.split('?').next().unwrap_or_default();
    match (req.method.as_str(), path) {
        ("GET", "/group/") => {
            let skip: usize = query_param(&req.path, "_skip")
                .and_then(|s| s.parse().ok())
                .unwrap_or(0);
            let limit: usize = query_param(&req.path, "_limit")
                .and_then(|s| s.parse().ok())
                .unwrap_or(100);
            let data: Vec<Value> = (skip..skip + limit)
                .map(|i| json!({"id": format!("group_{i}"), "name": format!("Group {i}"), "organization_id": "orga_1"}))
                .collect();
            Reply::json(200, &json!({"data": data, "has_more": true}))
        }
        ("POST", "/membership/") => {
            let body: Value = serde_json::from_slice(&req.body).unwrap_or_default();
            let mut m = created_membership();
            m["id"] = json!(format!(
                "memb_{}",
                body["email"].as_str().unwrap_or_default()
            ));
            Reply::json(200, &m)
        }
        ("DELETE", p) if p.starts_with("/membership/") => Reply::json(200, &json!({})),
        ("PUT", "/membership/") => Reply::json(200, &json!({"count": 1})),
        _ => Reply::json(404, &json!({"error": "not found"})),
    }
}

/// What one scenario saw.
struct Report {
    /// Requests the stream's server saw before the drop (after the warm-up).
    at_drop: usize,
    /// Rows (pages) the stream had taken on, and outcomes (items) it had yielded, at the drop.
    started: usize,
    yielded: usize,
    /// The stream's requests, as the server saw them [`SETTLE`] after the drop.
    requests: Vec<Request>,
    /// Tasks alive on the client's runtime [`SETTLE`] after the drop.
    alive_tasks: usize,
    /// The follow-up call: how long it took and how it ended (`None`: not within the bound).
    follow_up: (Duration, Option<Result<(), Error>>),
}

/// Whether `op` is called once to completion before the run (see the module doc).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Start {
    Warm,
    /// The run's first request is the operation's first: the throttle's probe.
    Cold,
}

/// Runs `op`, drops it at `at`, watches the server, then calls `op` once more.
async fn scenario(op: Op, at: DropAt, start: Start) -> Report {
    let fake = Arc::new(FakeClose::start().await);
    let base_url = fake.server.base_url();
    let server = fake.clone();
    tokio::task::spawn_blocking(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime for the client");
        rt.block_on(async move {
            let client = Client::builder()
                .api_key(API_KEY)
                .base_url(base_url)
                .timeout(Duration::from_secs(5))
                .retry_policy(RetryPolicy::none())
                .build()
                .expect("client");
            if start == Start::Warm {
                op.once(&client).await.expect("warm-up call");
            }
            let base = server.requests().len();
            if matches!(at, DropAt::DuringStall) {
                let answered = if start == Start::Warm { 2 } else { 0 };
                server.stall_from.store(base + answered, Ordering::SeqCst);
            }
            let progress = Arc::new(Progress::default());
            let stop = matches!(at, DropAt::AfterFirstItem).then_some(1);
            let run = op.drive(client.clone(), progress.clone(), stop);
            match at {
                DropAt::Timeout(ms) => {
                    let _ = tokio::time::timeout(Duration::from_millis(ms), run).await;
                }
                DropAt::DuringStall => {
                    let ended = tokio::time::timeout(Duration::from_secs(2), run).await;
                    assert!(ended.is_err(), "{op:?}: the run was still going");
                }
                DropAt::Abort => {
                    let task = tokio::spawn(run);
                    tokio::time::sleep(Duration::from_millis(30)).await;
                    task.abort();
                    let joined = task.await;
                    assert!(joined.is_err_and(|e| e.is_cancelled()), "{op:?}");
                }
                DropAt::AfterFirstItem => run.await,
            }
            let at_drop = server.requests().len() - base;
            let started = progress.started.load(Ordering::SeqCst);
            let yielded = progress.yielded.load(Ordering::SeqCst);
            tokio::time::sleep(SETTLE).await;
            let requests = server.requests().split_off(base);
            let alive_tasks = tokio::runtime::Handle::current()
                .metrics()
                .num_alive_tasks();
            server.stall_from.store(usize::MAX, Ordering::SeqCst);
            let t = Instant::now();
            let follow = tokio::time::timeout(FOLLOW_UP, op.once(&client)).await.ok();
            Report {
                at_drop,
                started,
                yielded,
                requests,
                alive_tasks,
                follow_up: (t.elapsed(), follow),
            }
        })
    })
    .await
    .expect("scenario thread")
}

/// Checks everything the drop promises for `op` at `at`.
fn assert_left_nothing_behind(op: Op, at: DropAt, start: Start, r: &Report) {
    let ctx = format!(
        "{op:?} ({start:?}) dropped at {at:?}: {} requests at the drop, {} in all, {} started, {} yielded, \
         {} tasks alive, follow-up {:?}",
        r.at_drop,
        r.requests.len(),
        r.started,
        r.yielded,
        r.alive_tasks,
        r.follow_up
    );
    let after_drop = r.requests.len() - r.at_drop;
    let rows: Vec<Option<usize>> = r.requests.iter().map(|q| op.row_of(q)).collect();
    let mut distinct: Vec<usize> = rows.iter().flatten().copied().collect();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(
        distinct.len(),
        rows.len(),
        "every request is for a different row: {ctx}"
    );
    if op.sequential() {
        // One request at a time, in order: at most the one on its way at the drop arrives late.
        assert!(
            after_drop <= 1,
            "{after_drop} requests after the drop: {ctx}"
        );
        let expected: Vec<Option<usize>> = (0..rows.len()).map(Some).collect();
        assert_eq!(rows, expected, "rows (pages, chunks) in order: {ctx}");
    } else {
        // Only rows taken on before the drop reach the server, and no more than the
        // concurrency were taken on ahead of what was yielded.
        assert!(
            distinct.iter().all(|&row| row < r.started),
            "a row not started at the drop was sent: {ctx}"
        );
        assert!(
            r.started - r.yielded <= CONCURRENCY,
            "rows taken on ahead of the consumer: {ctx}"
        );
        assert!(after_drop <= r.started - r.yielded, "{ctx}");
    }
    match at {
        DropAt::AfterFirstItem if op == Op::ListGroups => {
            assert_eq!(r.requests.len(), 1, "one page for one item: {ctx}")
        }
        DropAt::AfterFirstItem if !op.sequential() => {
            assert!(r.requests.len() <= CONCURRENCY, "{ctx}")
        }
        DropAt::DuringStall if start == Start::Warm => assert_eq!(
            r.at_drop,
            if op.sequential() { 3 } else { 2 + CONCURRENCY },
            "{ctx}"
        ),
        _ => {}
    }
    println!("{ctx}");
    assert_eq!(r.alive_tasks, 0, "tasks left running: {ctx}");
    let (took, result) = &r.follow_up;
    assert!(
        matches!(result, Some(Ok(()))),
        "the follow-up must answer within {FOLLOW_UP:?} (took {took:?}): {ctx}"
    );
}

async fn check_every_drop_point(op: Op) {
    for at in DROP_POINTS {
        if op == Op::BulkRoles && matches!(at, DropAt::AfterFirstItem) {
            // A future of all the chunks' outcomes: it has no first item to stop at.
            continue;
        }
        let report = scenario(op, at, Start::Warm).await;
        assert_left_nothing_behind(op, at, Start::Warm, &report);
    }
}

#[tokio::test]
async fn a_dropped_paginated_list_sends_nothing_more_and_holds_nothing() {
    check_every_drop_point(Op::ListGroups).await;
}

#[tokio::test]
async fn a_dropped_provisioning_run_sends_nothing_more_and_holds_nothing() {
    check_every_drop_point(Op::Provision).await;
}

#[tokio::test]
async fn a_dropped_provisioning_run_from_a_stream_sends_nothing_more_and_holds_nothing() {
    check_every_drop_point(Op::ProvisionFromStream).await;
}

#[tokio::test]
async fn a_dropped_offboarding_run_sends_nothing_more_and_holds_nothing() {
    check_every_drop_point(Op::Deactivate).await;
}

#[tokio::test]
async fn a_dropped_bulk_role_change_sends_nothing_more_and_holds_nothing() {
    check_every_drop_point(Op::BulkRoles).await;
}

/// Drops a run whose first request is also the operation's first, so the throttle's probe is in
/// flight (or stalled) at the drop. Needs the throttle's slots to be permits released on drop
/// (the transport change for issue 10, defect 2): on 5bfa34b the probe's slot is never given
/// back and the follow-up waits ~16 s.
#[tokio::test]
async fn a_provisioning_run_dropped_during_its_first_request_leaves_the_operation_usable() {
    for at in [DropAt::Timeout(1), DropAt::Timeout(5), DropAt::DuringStall] {
        let report = scenario(Op::Provision, at, Start::Cold).await;
        assert_left_nothing_behind(Op::Provision, at, Start::Cold, &report);
    }
}
