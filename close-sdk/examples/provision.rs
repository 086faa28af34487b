//! Provision a team from a CSV file: one membership per row, at Close's allowed rate.
//!
//! ```text
//! cargo run --release -p close-sdk --example provision -- --csv FILE [--base-url URL] [--concurrency N] [--json]
//! ```
//!
//! - The CSV has a header row `email,role`; `role` is admin, superuser, user, restricteduser or a
//!   custom role id `role_…`. Invalid rows are reported with their line number and never sent;
//!   the others still run. A row Close refuses (e.g. a role it does not allow on create) is
//!   reported as failed with Close's answer.
//! - Authenticates with `CLOSE_API_KEY` (or a bearer token from `CLOSE_ACCESS_TOKEN`). With
//!   neither and no `--base-url`, it starts an embedded mock Close and provisions against it.
//! - Shows a progress bar on a terminal, plain lines otherwise; `--json` prints one JSON object
//!   per row and a final `{"summary": …}` line.
//! - Exits 0 when every row is ok, 1 otherwise, 2 on bad arguments or an unreadable file.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use close_sdk::mock::MockClose;
use close_sdk::prelude::*;
use close_sdk::provisioning::DEFAULT_CONCURRENCY;
use futures_util::StreamExt;
use serde_json::json;

const USAGE: &str = "usage: provision --csv FILE [--base-url URL] [--concurrency N] [--json]";

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
    let code = run(
        &args,
        &env,
        &mut std::io::stdout().lock(),
        &mut std::io::stderr(),
    )
    .await;
    std::process::ExitCode::from(code)
}

/// Parsed command line.
struct Options {
    csv: String,
    base_url: Option<String>,
    concurrency: usize,
    json: bool,
}

fn parse_args(args: &[String]) -> Result<Options, String> {
    let mut opts = Options {
        csv: String::new(),
        base_url: None,
        concurrency: DEFAULT_CONCURRENCY,
        json: false,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match arg.as_str() {
            "--csv" => opts.csv = value("--csv")?,
            "--base-url" => opts.base_url = Some(value("--base-url")?),
            "--concurrency" => {
                let v = value("--concurrency")?;
                opts.concurrency =
                    v.parse()
                        .ok()
                        .filter(|n| (1..=256).contains(n))
                        .ok_or(format!(
                            "--concurrency must be a number from 1 to 256, not {v:?}"
                        ))?;
            }
            "--json" => opts.json = true,
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if opts.csv.is_empty() {
        return Err("--csv FILE is required".into());
    }
    Ok(opts)
}

/// One CSV row that can be sent.
struct Row {
    line: u64,
    email: String,
    role: Role,
}

/// One CSV row that cannot.
struct Invalid {
    line: u64,
    email: String,
    reason: String,
}

/// Reads the CSV: valid rows to send, invalid rows with their reason.
fn read_rows(text: &str) -> Result<(Vec<Row>, Vec<Invalid>), String> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| format!("cannot read the header row: {e}"))?
        .clone();
    let column = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let (Some(email_col), Some(role_col)) = (column("email"), column("role")) else {
        return Err(format!(
            "the header row must name the columns `email` and `role` (found: {})",
            headers.iter().collect::<Vec<_>>().join(",")
        ));
    };
    let (mut rows, mut invalid) = (Vec::new(), Vec::new());
    for record in reader.records() {
        let record = record.map_err(|e| format!("cannot read the CSV: {e}"))?;
        let line = record.position().map_or(0, |p| p.line());
        let email = record.get(email_col).unwrap_or_default().to_string();
        let role = record.get(role_col).unwrap_or_default();
        let checked = if record.iter().all(str::is_empty) {
            continue;
        } else if email.is_empty() {
            Err("missing email".to_string())
        } else if role.is_empty() {
            Err("missing role".to_string())
        } else {
            email
                .parse::<close_sdk::EmailAddress>()
                .and_then(|_| role.to_ascii_lowercase().parse::<Role>())
        };
        match checked {
            Ok(role) => rows.push(Row { line, email, role }),
            Err(reason) => invalid.push(Invalid {
                line,
                email,
                reason,
            }),
        }
    }
    Ok((rows, invalid))
}

/// Runs the tool; returns the exit code. `env` reads environment variables.
pub async fn run(
    args: &[String],
    env: &dyn Fn(&str) -> Option<String>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let opts = match parse_args(args) {
        Ok(o) => o,
        Err(e) => {
            let _ = writeln!(err, "error: {e}\n{USAGE}");
            return 2;
        }
    };
    let text = match std::fs::read_to_string(&opts.csv) {
        Ok(t) => t,
        Err(e) => {
            let _ = writeln!(err, "error: cannot read {}: {e}", opts.csv);
            return 2;
        }
    };
    let (rows, invalid) = match read_rows(&text) {
        Ok(r) => r,
        Err(e) => {
            let _ = writeln!(err, "error: {}: {e}", opts.csv);
            return 2;
        }
    };

    // Credentials, and the embedded mock when there are none and no server was named.
    let key = env("CLOSE_API_KEY");
    let token = env("CLOSE_ACCESS_TOKEN");
    let mut _mock = None;
    let mut builder = Client::builder().retry_policy(close_sdk::RetryPolicy::default());
    builder = match (&key, &token, &opts.base_url) {
        (Some(k), _, _) => builder.api_key(k),
        (None, Some(t), _) => builder.bearer_token(t),
        (None, None, Some(_)) => {
            let _ = writeln!(
                err,
                "error: set CLOSE_API_KEY (or CLOSE_ACCESS_TOKEN) to use --base-url"
            );
            return 2;
        }
        (None, None, None) => {
            let mock = MockClose::start().await;
            let _ = writeln!(
                err,
                "No CLOSE_API_KEY or CLOSE_ACCESS_TOKEN: provisioning against an embedded mock Close at {} (demo mode).",
                mock.base_url()
            );
            let b = builder.api_key("demo").base_url(mock.base_url());
            _mock = Some(mock);
            b
        }
    };
    if let Some(url) = opts.base_url.as_ref().or(env("CLOSE_BASE_URL").as_ref()) {
        if _mock.is_none() {
            builder = builder.base_url(url);
        }
    }
    let client = match builder.build() {
        Ok(c) => c,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return 2;
        }
    };

    let total = rows.len() + invalid.len();
    let (mut ok, mut failed) = (0usize, 0usize);
    for bad in &invalid {
        report(
            out,
            opts.json,
            bad.line,
            &bad.email,
            "invalid",
            Err(&bad.reason),
        );
    }
    let bar = (!opts.json && std::io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new(rows.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} rows, {per_sec}, ETA {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar.enable_steady_tick(Duration::from_millis(200));
        bar
    });

    let lines: Vec<(u64, String)> = rows.iter().map(|r| (r.line, r.email.clone())).collect();
    let mut outcomes = client.provision_memberships(
        rows.into_iter().map(|r| (r.email, r.role)),
        opts.concurrency,
    );
    while let Some(outcome) = outcomes.next().await {
        let (line, email) = &lines[outcome.index];
        match &outcome.result {
            Ok(m) => {
                ok += 1;
                if let Some(bar) = &bar {
                    bar.inc(1);
                } else {
                    report(
                        out,
                        opts.json,
                        *line,
                        email,
                        "ok",
                        Ok(m.id.as_deref().unwrap_or("(no id in the answer)")),
                    );
                }
            }
            Err(e) => {
                failed += 1;
                let msg = e.to_string();
                match &bar {
                    Some(bar) => {
                        bar.println(format!("line {line}: {email}: failed: {msg}"));
                        bar.inc(1);
                    }
                    None => report(out, opts.json, *line, email, "failed", Err(&msg)),
                }
            }
        }
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let summary =
        json!({"summary": {"total": total, "ok": ok, "failed": failed, "invalid": invalid.len()}});
    if opts.json {
        let _ = writeln!(out, "{summary}");
    } else {
        let _ = writeln!(
            out,
            "{total} rows: {ok} ok, {failed} failed, {} invalid",
            invalid.len()
        );
    }
    let _ = out.flush();
    if ok == total {
        0
    } else {
        1
    }
}

/// Prints one row's outcome: a JSON object with `--json`, else one plain line.
fn report(
    out: &mut dyn Write,
    as_json: bool,
    line: u64,
    email: &str,
    status: &str,
    detail: Result<&str, &str>,
) {
    let text = if as_json {
        let mut v = json!({"line": line, "email": email, "status": status});
        match detail {
            Ok(id) => v["membership_id"] = json!(id),
            Err(e) => v["error"] = json!(e),
        }
        v.to_string()
    } else {
        match detail {
            Ok(id) => format!("line {line}: {email}: {status} {id}"),
            Err(e) => format!("line {line}: {email}: {status}: {e}"),
        }
    };
    let _ = writeln!(out, "{text}");
}
