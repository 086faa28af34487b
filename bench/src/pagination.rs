//! 5: lists at scale. A loopback server pages through [`ITEMS`] Lead-shaped objects
//! ([`crate::lead`]) in pages of [`PAGE_SIZE`]; two sides read all of it:
//!
//! - **SDK**: close-sdk's [`Paginated`] over a fetch written the way progenitor writes a list
//!   operation's `send()` (build the `GET` with `_skip`/`_limit`, the SDK's hooks `pre` and
//!   `exec` — throttle, retries, whole-body read, tracing, path check — then
//!   `ResponseValue::from_response`), so every page goes through the SDK's one request path. The
//!   SDK has no lead operation yet, so the fetch goes out as `users_list` (`GET /user/`, the
//!   same query parameters) and the server serves the leads there; once the generated Lead API
//!   lands this becomes `client.list_leads(..)`.
//! - **raw**: a hand-written reqwest + serde loop into the same `Lead` type.
//! - **handle** (`--pages handle` only): the generated `client.leads_list().paginate()` into the
//!   generated `close_sdk::types::Lead` (which keeps custom fields in its catch-all), and
//!   **sdk-generated-type**, the SDK side above into that same type, to tell the cost of the
//!   type from the cost of `.paginate()`.
//!
//! Every pass runs in a process of its own (`--pages`), with its own server thread, so that no
//! pass inherits another's heap or connections. Figures: throughput (items per second, median
//! over rounds of SDK / raw, the sides alternating), client CPU per item, the peak RSS of a
//! process that pages through 100,000 items against one that pages through 1,000, and the
//! effect of `_fields` (fewer bytes per object).
#![forbid(unsafe_code)]

use std::hint::black_box;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use close_sdk::pagination::{Page, PageRequest, Paginated};
use close_sdk::{Client, Error};
use reqwest::header::{HeaderValue, ACCEPT, AUTHORIZATION, USER_AGENT};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

use crate::lead::{Lead, LeadSummary, ListPage, Pages, PROJECTED_FIELDS};
use crate::server::{Server, LIST_PATH};
use crate::{basic_auth, cpu, http_client, median, round, sdk_client, BoxError};

/// Objects in the list.
pub const ITEMS: u64 = 100_000;
/// Objects in the small list the memory figure compares against.
pub const SMALL_ITEMS: u64 = 1_000;
/// Objects per page.
pub const PAGE_SIZE: u32 = 100;
/// Bound on the pages of one pass (the list has `ITEMS / PAGE_SIZE`).
const MAX_PAGES: u64 = ITEMS / PAGE_SIZE as u64 + 10;
/// Bound on one `--pages` process.
const PASS_TIMEOUT: Duration = Duration::from_secs(300);

/// Which reader pages through the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reader {
    Sdk,
    Raw,
    /// The generated `client.leads_list().limit(..).paginate()` (`--pages handle`), decoding
    /// into the generated `close_sdk::types::Lead`.
    Handle,
    /// The SDK loop of [`Reader::Sdk`] decoding into the generated `close_sdk::types::Lead`
    /// (`--pages sdk-generated-type`): the same type as [`Reader::Handle`], so the two differ
    /// only in how the pages are requested.
    SdkGeneratedType,
}

/// The list server and both readers.
struct Subjects {
    server: Server,
    sdk: Client,
    http: reqwest::Client,
    authorization: HeaderValue,
}

impl Subjects {
    fn start(total: u64) -> Result<Subjects, BoxError> {
        let authorization = basic_auth()?;
        let server = Server::start_list(Pages::new(total)?, authorization.clone())?;
        let http = http_client()?;
        Ok(Subjects {
            sdk: sdk_client(&server.base_url(), http.clone())?,
            server,
            http,
            authorization,
        })
    }

    /// Reads the whole list once; the number of items and the time taken.
    async fn pass(&self, reader: Reader, projected: bool) -> Result<(u64, Duration), BoxError> {
        let started = Instant::now();
        let items = match (reader, projected) {
            (Reader::Sdk, false) => self.sdk_pass::<Lead>(false).await?,
            (Reader::Sdk, true) => self.sdk_pass::<LeadSummary>(true).await?,
            (Reader::Raw, false) => self.raw_pass::<Lead>(false).await?,
            (Reader::Raw, true) => self.raw_pass::<LeadSummary>(true).await?,
            (Reader::Handle, false) => self.handle_pass().await?,
            (Reader::SdkGeneratedType, false) => {
                self.sdk_pass::<close_sdk::types::Lead>(false).await?
            }
            (Reader::Handle | Reader::SdkGeneratedType, true) => {
                return Err("--fields is for sdk and raw only".into())
            }
        };
        Ok((items, started.elapsed()))
    }

    async fn sdk_pass<T>(&self, projected: bool) -> Result<u64, BoxError>
    where
        T: DeserializeOwned + Serialize + Send + 'static,
    {
        let client = self.sdk.clone();
        let mut list = Paginated::<T>::new(PAGE_SIZE, move |page| {
            let client = client.clone();
            async move { list_page(&client, page, projected).await }
        });
        let mut items = 0u64;
        while let Some(item) = list.next().await {
            black_box(item?);
            items += 1;
        }
        Ok(items)
    }

    /// The generated `.paginate()` of `leads_list` (`GET /lead/`, served like [`LIST_PATH`]).
    async fn handle_pass(&self) -> Result<u64, BoxError> {
        let mut list = self.sdk.leads_list().limit(PAGE_SIZE).paginate();
        let mut items = 0u64;
        while let Some(item) = list.next().await {
            black_box(item?);
            items += 1;
        }
        Ok(items)
    }

    async fn raw_pass<T: DeserializeOwned>(&self, projected: bool) -> Result<u64, BoxError> {
        let url = format!("{}{LIST_PATH}", self.server.base_url());
        let user_agent = HeaderValue::from_static(crate::USER_AGENT);
        let fields = PROJECTED_FIELDS.join(",");
        let mut skip = 0u64;
        for _ in 0..MAX_PAGES {
            let mut request = self
                .http
                .get(&url)
                .header(ACCEPT, HeaderValue::from_static("application/json"))
                .header(AUTHORIZATION, self.authorization.clone())
                .header(USER_AGENT, user_agent.clone())
                .query(&[("_limit", u64::from(PAGE_SIZE)), ("_skip", skip)]);
            if projected {
                request = request.query(&[("_fields", &fields)]);
            }
            let page: ListPage<T> = request.send().await?.error_for_status()?.json().await?;
            let received = page.data.len() as u64;
            for item in page.data {
                black_box(item);
            }
            skip += received;
            if !page.has_more || received == 0 {
                return Ok(skip);
            }
        }
        Err(format!("the list did not end within {MAX_PAGES} pages").into())
    }
}

/// One page through the SDK's request path (its raw request, which takes the same door as
/// every generated operation: path check, auth, throttle, retries, one error type).
async fn list_page<T: DeserializeOwned>(
    client: &Client,
    page: PageRequest,
    projected: bool,
) -> Result<Page<T>, Error> {
    let mut request = client
        .request(reqwest::Method::GET, LIST_PATH)
        .query("_limit", page.limit)
        .query("_skip", page.skip);
    if projected {
        request = request.query("_fields", PROJECTED_FIELDS.join(","));
    }
    let list: ListPage<T> = request.send().await?;
    Ok(Page {
        items: list.data,
        has_more: list.has_more,
    })
}

/// `--pages sdk|raw N [--fields]`: one pass over a list of N objects in this process; prints
/// one JSON line with the items, the seconds and the process's peak RSS.
pub fn pages_only(side: &str, n: &str, projected: bool) -> ExitCode {
    let reader = match side {
        "sdk" => Reader::Sdk,
        "raw" => Reader::Raw,
        "handle" => Reader::Handle,
        "sdk-generated-type" => Reader::SdkGeneratedType,
        _ => {
            eprintln!(
                "--pages takes sdk, raw, handle or sdk-generated-type\n{}",
                crate::USAGE
            );
            return ExitCode::from(2);
        }
    };
    let Ok(total) = n.parse::<u64>() else {
        eprintln!("--pages takes a number of objects\n{}", crate::USAGE);
        return ExitCode::from(2);
    };
    let result = (|| {
        let subjects = Subjects::start(total)?;
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let cpu0 = cpu::split_ns().unwrap_or_default();
        let (items, took) = rt.block_on(async {
            tokio::time::timeout(PASS_TIMEOUT, subjects.pass(reader, projected))
                .await
                .map_err(|_| format!("one pass took over {PASS_TIMEOUT:?}"))?
        })?;
        let cpu = cpu::split_ns().unwrap_or_default().since(cpu0);
        let refused = subjects.server.stats().rejected;
        if refused > 0 {
            return Err(format!("the list server refused {refused} requests").into());
        }
        Ok::<Value, BoxError>(json!({
            "side": side,
            "items": items,
            "seconds": took.as_secs_f64(),
            "client_cpu_s": cpu.client as f64 / 1e9,
            "server_cpu_s": cpu.server as f64 / 1e9,
            "peak_rss_kb": peak_rss_kb(),
        }))
    })();
    match result {
        Ok(v) => {
            println!("{v}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("close-sdk-bench could not run: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The process's peak resident set (`VmHWM` in `/proc/self/status`), in KB.
fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
}

/// 5: `rounds` passes per side, each in a process of its own (so no pass inherits another's heap
/// or connections), the sides alternating; then `_fields`, and a short list for the memory
/// figure.
pub fn measure(rounds: usize) -> Result<Value, BoxError> {
    let pages = Pages::new(ITEMS)?;
    let page_kb = |projected| pages.page(0, u64::from(PAGE_SIZE), projected).len() as f64 / 1024.0;
    let rounds = rounds.max(1);
    let (mut rate, mut cpu, mut rss) = ([vec![], vec![]], [0.0f64; 2], [0f64; 2]);
    let mut ratios = Vec::new();
    for round in 0..rounds {
        let order = if round % 2 == 0 {
            [Reader::Sdk, Reader::Raw]
        } else {
            [Reader::Raw, Reader::Sdk]
        };
        let mut r = [0.0; 2];
        for reader in order {
            let pass = Pass::run(reader, ITEMS, false)?;
            r[reader as usize] = pass.items_per_s();
            cpu[reader as usize] += pass.client_cpu_s;
            rss[reader as usize] = rss[reader as usize].max(pass.peak_rss_mb);
        }
        rate[0].push(r[0]);
        rate[1].push(r[1]);
        ratios.push(r[0] / r[1].max(1e-9));
    }
    let small = Pass::run(Reader::Sdk, SMALL_ITEMS, false)?;
    let projected = Pass::run(Reader::Sdk, ITEMS, true)?;
    let sdk_median = median(&mut rate[0]);
    let per_item_us = |s: f64| round(s * 1e6 / (ITEMS as f64 * rounds as f64), 2);
    let rss_ratio =
        (rss[0] > 0.0 && small.peak_rss_mb > 0.0).then(|| round(rss[0] / small.peak_rss_mb, 3));
    Ok(json!({
        "items": ITEMS,
        "small_items": SMALL_ITEMS,
        "page_size": PAGE_SIZE,
        "page_kb": round(page_kb(false), 1),
        "rounds": rounds,
        "sdk_path": "Paginated over the SDK's request path (as operation users_list)",
        "sdk_items_per_s": round(sdk_median, 0),
        "raw_items_per_s": round(median(&mut rate[1]), 0),
        "throughput_ratio": round(median(&mut ratios), 3),
        "target_min_throughput_ratio": 0.9,
        "sdk_client_cpu_us_per_item": per_item_us(cpu[0]),
        "raw_client_cpu_us_per_item": per_item_us(cpu[1]),
        "client_cpu_ratio": round(cpu[0] / cpu[1].max(1e-9), 3),
        "peak_rss_mb_small": round(small.peak_rss_mb, 1),
        "peak_rss_mb_large": round(rss[0], 1),
        "raw_peak_rss_mb_large": round(rss[1], 1),
        "rss_source": "VmHWM of each pass's process (server thread included)",
        "rss_ratio_100k_to_1k": rss_ratio,
        "target_max_rss_ratio": 2.0,
        "fields": {
            "fields": PROJECTED_FIELDS.join(","),
            "page_kb": round(page_kb(true), 1),
            "sdk_items_per_s": round(projected.items_per_s(), 0),
            "speedup": round(projected.items_per_s() / sdk_median.max(1e-9), 2),
            "peak_rss_mb": round(projected.peak_rss_mb, 1),
        },
    }))
}

/// One `--pages` pass, run in a process of its own.
struct Pass {
    items: u64,
    seconds: f64,
    client_cpu_s: f64,
    peak_rss_mb: f64,
}

impl Pass {
    fn run(reader: Reader, total: u64, projected: bool) -> Result<Pass, BoxError> {
        let side = match reader {
            Reader::Sdk => "sdk",
            Reader::Raw => "raw",
            Reader::Handle => "handle",
            Reader::SdkGeneratedType => "sdk-generated-type",
        };
        let mut command = std::process::Command::new(std::env::current_exe()?);
        command.args(["--pages", side, &total.to_string()]);
        if projected {
            command.arg("--fields");
        }
        let output = command.output()?;
        if !output.status.success() {
            return Err(format!(
                "--pages {side} {total} failed: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            )
            .into());
        }
        let v: Value = serde_json::from_slice(&output.stdout)?;
        let pass = Pass {
            items: v["items"].as_u64().unwrap_or(0),
            seconds: v["seconds"].as_f64().unwrap_or(f64::NAN),
            client_cpu_s: v["client_cpu_s"].as_f64().unwrap_or(0.0),
            peak_rss_mb: v["peak_rss_kb"].as_f64().unwrap_or(0.0) / 1024.0,
        };
        if pass.items != total {
            return Err(format!("{side} read {} of {total} objects", pass.items).into());
        }
        Ok(pass)
    }

    fn items_per_s(&self) -> f64 {
        self.items as f64 / self.seconds.max(1e-9)
    }
}
