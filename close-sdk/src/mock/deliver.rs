//! Webhook deliveries: a bounded queue, one worker task per [`super::MockClose`] (aborted when
//! the mock is dropped), a bounded number of attempts per delivery, each with a timeout.
//!
//! Each delivery is signed the way Close documents (see `crate::webhooks`): the
//! `close-sig-timestamp` header carries the Unix time in seconds, `close-sig-hash` the hex
//! HMAC-SHA256 of the timestamp followed by the body, keyed with the subscription's
//! `signature_key` hex-decoded. Close retries failed deliveries for up to 72 hours; the mock
//! tries [`ATTEMPTS`] times, [`BACKOFF`] apart, and records the outcome.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::mpsc;

use super::lock;
use super::store::Outgoing;

/// Deliveries waiting to be made; more are dropped (and recorded as such).
pub(super) const QUEUE: usize = 1_024;
/// Attempts per delivery.
pub(super) const ATTEMPTS: u32 = 3;
/// The wait between attempts.
const BACKOFF: Duration = Duration::from_millis(200);
/// Each attempt's timeout.
const TIMEOUT: Duration = Duration::from_secs(5);
/// The most outcomes kept (the oldest go first).
const KEPT: usize = 10_000;
/// Deliveries in flight at once: a receiver that hangs holds up only its own deliveries (and at
/// most this many), not every other subscription's.
const PARALLEL: usize = 16;

/// The outcome of one webhook delivery the mock made (or gave up on).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeliveryRecord {
    /// The subscription (`whsub_…`).
    pub subscription_id: String,
    /// The event delivered (`ev_…`).
    pub event_id: String,
    /// Where it was posted.
    pub url: String,
    /// The receiver's last status, `None` when no answer came.
    pub status: Option<u16>,
    /// How many attempts were made (0: dropped, the queue was full or the mock had no runtime).
    pub attempts: u32,
}

impl DeliveryRecord {
    /// Whether the receiver answered 2xx.
    pub fn succeeded(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }
}

/// The sending side, kept by the mock's handlers.
pub(super) struct Deliveries {
    tx: Option<mpsc::Sender<Outgoing>>,
    pub(super) done: Arc<Mutex<VecDeque<DeliveryRecord>>>,
    worker: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl Deliveries {
    /// Starts the worker on the current tokio runtime (none: deliveries are recorded as dropped).
    pub(super) fn start() -> Self {
        let done = Arc::new(Mutex::new(VecDeque::new()));
        let Ok(handle) = tokio::runtime::Handle::try_current() else {
            return Deliveries {
                tx: None,
                done,
                worker: Mutex::new(None),
            };
        };
        let (tx, rx) = mpsc::channel(QUEUE);
        let worker = handle.spawn(run(rx, done.clone()));
        Deliveries {
            tx: Some(tx),
            done,
            worker: Mutex::new(Some(worker)),
        }
    }

    /// Queues a delivery without waiting; a full queue drops it.
    pub(super) fn send(&self, out: Outgoing) {
        let record = |out: &Outgoing| DeliveryRecord {
            subscription_id: out.subscription_id.clone(),
            event_id: out.event_id.clone(),
            url: out.url.clone(),
            status: None,
            attempts: 0,
        };
        match &self.tx {
            Some(tx) => {
                if let Err(e) = tx.try_send(out) {
                    let out = match e {
                        mpsc::error::TrySendError::Full(o)
                        | mpsc::error::TrySendError::Closed(o) => o,
                    };
                    push(&self.done, record(&out));
                }
            }
            None => push(&self.done, record(&out)),
        }
    }
}

impl Deliveries {
    /// Ends the worker (deliveries in flight are abandoned).
    pub(super) fn stop(&self) {
        if let Some(worker) = lock(&self.worker).take() {
            worker.abort();
        }
    }
}

impl Drop for Deliveries {
    fn drop(&mut self) {
        self.stop();
    }
}

fn push(done: &Mutex<VecDeque<DeliveryRecord>>, record: DeliveryRecord) {
    let mut done = lock(done);
    if done.len() >= KEPT {
        done.pop_front();
    }
    done.push_back(record);
}

async fn run(mut rx: mpsc::Receiver<Outgoing>, done: Arc<Mutex<VecDeque<DeliveryRecord>>>) {
    let client = crate::transport::http_client::http_client(TIMEOUT, TIMEOUT).ok();
    // Owned by this task: aborting the worker drops the set, which aborts every delivery in it.
    let mut in_flight = tokio::task::JoinSet::new();
    let permits = Arc::new(tokio::sync::Semaphore::new(PARALLEL));
    while let Some(out) = rx.recv().await {
        while in_flight.try_join_next().is_some() {}
        let Ok(permit) = permits.clone().acquire_owned().await else {
            break;
        };
        let (client, done) = (client.clone(), done.clone());
        in_flight.spawn(async move {
            let record = deliver(client.as_ref(), &out).await;
            push(&done, record);
            drop(permit);
        });
    }
    while in_flight.join_next().await.is_some() {}
}

/// One delivery: up to [`ATTEMPTS`] signed POSTs, [`BACKOFF`] apart, until one succeeds.
async fn deliver(client: Option<&reqwest::Client>, out: &Outgoing) -> DeliveryRecord {
    let mut record = DeliveryRecord {
        subscription_id: out.subscription_id.clone(),
        event_id: out.event_id.clone(),
        url: out.url.clone(),
        status: None,
        attempts: 0,
    };
    if let Some(client) = client {
        for attempt in 1..=ATTEMPTS {
            record.attempts = attempt;
            record.status = post(client, out).await;
            if record.succeeded() {
                break;
            }
            if attempt < ATTEMPTS {
                tokio::time::sleep(BACKOFF).await;
            }
        }
    }
    record
}

/// One signed POST; the receiver's status, or `None`.
async fn post(client: &reqwest::Client, out: &Outgoing) -> Option<u16> {
    let timestamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
        .to_string();
    let request = client
        .post(&out.url)
        .header("content-type", "application/json")
        .body(out.body.clone());
    #[cfg(feature = "webhooks")]
    let request = match crate::webhooks::SignatureKey::from_hex(&out.key_hex) {
        Ok(key) => request.headers(crate::webhooks::signed_headers(&key, &timestamp, &out.body)),
        Err(_) => request,
    };
    #[cfg(not(feature = "webhooks"))]
    let _ = (&out.key_hex, &timestamp);
    match tokio::time::timeout(TIMEOUT, request.send()).await {
        Ok(Ok(response)) => Some(response.status().as_u16()),
        _ => None,
    }
}
